/* cmd_admin_risk_replay.c — `possum admin risk replay`: the recorded transactions of some days
 * run again through a rules file (docs/risk.md "Replay"), and what each rule would have done:
 * how many times it fired, the cases it would have opened, the transactions it would have
 * declined. Read only: the store is not written (acquirer_risk_replay()). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "acquirer/risk_admin.h"
#include "cli/cli.h"
#include "common/jsonval.h"
#include "http/http.h"

struct ropts {
	const char *from, *to, *rules;
};

static const char replay_help[] =
    "--from DATE --to DATE [--rules FILE] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Runs the terminals' payments and refunds recorded on the local days DATE to DATE\n"
    "(YYYY-MM-DD, both included) through a rules file, in time order, each over its context\n"
    "rebuilt from the transactions before it (the lists as they are now), and prints what each\n"
    "rule would have done: how many times it fired, the cases it would have opened, the\n"
    "transactions it would have declined. Nothing is written to the store.\n"
    "\n"
    "  --from DATE    the first local day\n"
    "  --to DATE      the last local day\n"
    "  --rules FILE   the rules file (default: the rules in force per the configuration)\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else "
    "./possum-data)\n"
    "  --json         print {\"from\",\"to\",\"rules_file\",\"transactions\",\"rules\":[{\"name\",\n"
    "                 \"action\",\"rc\",\"fired\",\"cases\",\"declined\"}],\"cases\":[…],\n"
    "                 \"declined\":[…]}\n"
    "\n"
    "Exit status: 0 replayed; 1 the rules file has a fault, or a failure; 2 bad usage.\n";

struct tally {
	const struct cli_env *env;
	const risk_rules *rules;
	int64_t n, *fired, *cases, *declined;
	json_t *case_items, *declined_items;
};

/* A transaction as the replay lists it, with the rules named. */
static json_t *event_json(const struct tally *y, const struct acquirer_replay_event *ev)
{
	const struct store_acq_txn *t = ev->t;
	json_t *names = json_array();

	for (size_t i = 0; names != NULL && i < ev->result.n_hits; i++)
		json_array_append_new(names, json_string(ev->result.hits[i].name));
	return json_pack("{s:s, s:o, s:s, s:s, s:s, s:o, s:s, s:o}", "rrn", t->rrn, "at",
	                 jsonval_time(t->at, y->env->host.cfg.utc_offset), "tid", t->tid, "mid",
	                 t->mid, "card", t->masked, "amount",
	                 jsonval_money(t->amount, (unsigned)t->currency), "rc",
	                 ev->declined ? ev->result.rc : t->rc, "rules", names);
}

static int tally_one(void *ctx, const struct acquirer_replay_event *ev)
{
	struct tally *y = ctx;
	json_t *e;

	y->n++;
	for (size_t i = 0; i < ev->result.n_hits; i++) {
		const struct risk_hit *h = &ev->result.hits[i];

		y->fired[h->rule]++;
		y->cases[h->rule] += ev->opens_case && h->action == RISK_REVIEW;
		y->declined[h->rule] += ev->declined && strcmp(h->name, ev->result.by) == 0;
	}
	if (!ev->opens_case && !ev->declined)
		return 0;
	if ((e = event_json(y, ev)) == NULL)
		return 1;
	if (ev->declined)
		json_object_set_new(e, "by", json_string(ev->result.by));
	return json_array_append_new(ev->declined ? y->declined_items : y->case_items, e) != 0;
}

/* "2026-12-05" as the Unix time of its local midnight: CLI_OK or bad usage. */
static int read_day(const struct cli_env *env, const char *name, const char *text, int64_t *out)
{
	if (text == NULL || strlen(text) != 10 ||
	    http_time_parse_local(text, env->host.cfg.utc_offset, (int64_t)time(NULL), out) !=
	        HTTP_OK)
		return cli_usage_error(env->prog, "--%s: a local date, YYYY-MM-DD", name);
	return CLI_OK;
}

static void print_events(const struct cli_env *env, const char *what, json_t *items)
{
	size_t i;
	json_t *e;

	json_array_foreach(items, i, e)
	{
		char money[CLI_MONEY_TEXT], rules[256] = "";
		size_t j, at = 0;
		json_t *r;

		json_array_foreach(json_object_get(e, "rules"), j, r) at +=
		    (size_t)snprintf(rules + at, at < sizeof rules ? sizeof rules - at : 0, "%s%s",
		                     j > 0 ? "," : "", json_string_value(r));
		cli_money_text(
		    json_integer_value(json_object_get(json_object_get(e, "amount"), "amount")),
		    156, money);
		printf("%-8s %s  %s  %s  %s  %s  rc %s  %s\n", what,
		       json_string_value(json_object_get(e, "rrn")),
		       json_string_value(json_object_get(e, "at")),
		       json_string_value(json_object_get(e, "tid")),
		       json_string_value(json_object_get(e, "card")), money,
		       json_string_value(json_object_get(e, "rc")), rules);
	}
	(void)env;
}

/* The per-rule table, or its JSON into *out. */
static int report(struct tally *y, const struct ropts *o, const char *source)
{
	struct risk_rule_info info;
	json_t *items = y->env->json ? json_array() : NULL;

	if (!y->env->json)
		printf("# %s to %s: %lld transactions under %s\n%-26s %-12s %6s %6s %8s\n", o->from,
		       o->to, (long long)y->n, source, "RULE", "ACTION", "FIRED", "CASES",
		       "DECLINED");
	for (size_t i = 0; risk_rule_info(y->rules, i, &info) == RISK_OK; i++) {
		char action[32];

		snprintf(action, sizeof action, "%s%s%s", risk_action_name(info.action),
		         info.rc[0] != '\0' ? " " : "", info.rc);
		if (items != NULL)
			json_array_append_new(
			    items,
			    json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "name", info.name, "action",
			              risk_action_name(info.action), "rc", info.rc, "fired",
			              (json_int_t)y->fired[i], "cases", (json_int_t)y->cases[i],
			              "declined", (json_int_t)y->declined[i]));
		else
			printf("%-26s %-17s %6lld %6lld %8lld\n", info.name, action,
			       (long long)y->fired[i], (long long)y->cases[i],
			       (long long)y->declined[i]);
	}
	if (y->env->json) {
		cli_print_json(json_pack("{s:s, s:s, s:s, s:I, s:o, s:O, s:O}", "from", o->from,
		                         "to", o->to, "rules_file", source, "transactions",
		                         (json_int_t)y->n, "rules", items, "cases", y->case_items,
		                         "declined", y->declined_items));
		return CLI_OK;
	}
	print_events(y->env, "case", y->case_items);
	print_events(y->env, "declined", y->declined_items);
	return CLI_OK;
}

static int risk_replay(struct cli_env *env, const void *values)
{
	const struct ropts *o = values;
	struct tally y = {.env = env};
	risk_rules *rules = NULL;
	int64_t from, to;
	size_t n;
	char err[512];
	int rc;

	if ((rc = cli_env_open(env)) != CLI_OK || (rc = read_day(env, "from", o->from, &from)) ||
	    (rc = read_day(env, "to", o->to, &to)))
		return rc;
	if ((to += 86400) <= from) /* the last day whole */
		return cli_usage_error(env->prog, "--to is before --from");
	rc = o->rules != NULL ? risk_rules_load(o->rules, &rules, err, sizeof err)
	                      : host_risk_load(&env->host.cfg, &rules, err, sizeof err);
	if (rc != RISK_OK)
		return cli_error(CLI_FAILED, env->prog, "%s", err);
	n = risk_rules_count(rules) + 1;
	y.rules = rules;
	y.fired = calloc(n, sizeof *y.fired);
	y.cases = calloc(n, sizeof *y.cases);
	y.declined = calloc(n, sizeof *y.declined);
	y.case_items = json_array();
	y.declined_items = json_array();
	rc = y.fired == NULL || y.cases == NULL || y.declined == NULL || y.case_items == NULL ||
	             y.declined_items == NULL
	         ? ACQUIRER_ENOMEM
	         : acquirer_risk_replay(env->host.acquirer, rules, from, to, tally_one, &y);
	rc = rc != ACQUIRER_OK
	         ? cli_error(CLI_FAILED, env->prog, "%s", acquirer_strerror(rc))
	         : report(&y, o, o->rules != NULL ? o->rules : host_risk_source(&env->host.cfg));
	free(y.fired);
	free(y.cases);
	free(y.declined);
	json_decref(y.case_items);
	json_decref(y.declined_items);
	risk_rules_free(rules);
	return rc;
}

#define ROPT(n, m) CLI_TEXT(n, struct ropts, m)

const cli_command cli_admin_risk_replay_row = {
    "replay",
    NULL,
    .handler = risk_replay,
    .env = CLI_ENV_ISSUER | HOST_NEED_ACQUIRER | CLI_ENV_READ,
    .help = replay_help,
    CLI_OPTIONS(struct ropts, CLI_NEED("from", struct ropts, from),
                CLI_NEED("to", struct ropts, to), ROPT("rules", rules)),
    .common = CLI_DATADIR,
    .wrong = "takes no arguments"};
