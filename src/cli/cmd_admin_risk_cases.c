/* cmd_admin_risk_cases.c — `possum admin risk cases` and `possum admin risk case ID`: the cases
 * the risk rules open for review (docs/risk.md "Cases"), newest first; one case with its
 * transactions, the rules that fired and the numbers that made them fire; a case closed with a
 * verdict, a fraud's card blocked and its authentication revoked in the same step (--block). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "acquirer/risk_admin.h"
#include "cli/cli.h"
#include "http/http.h"

#define COMMON_HELP                                                                                \
	"  --config FILE    the config file (default $POSSUM_CONFIG)\n"                            \
	"  --data DIR       the data directory (default $POSSUM_DATA, the config's, else "         \
	"./possum-data)\n"

struct copts {
	const char *limit, *after, *verdict, *reason;
	int open, close, block;
};

static const char cases_help[] =
    "[--open] [--limit N] [--after ID] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the cases the risk rules opened for review, newest first: each one's id, status,\n"
    "time, card (masked), terminal, merchant and rules.\n"
    "\n"
    "  --open           the open cases only\n"
    "  --limit N        N at most, 1 to 500 (default 50)\n"
    "  --after ID       those after case ID in this order (older): to page on\n" COMMON_HELP
    "  --json           print {\"items\":[{\"id\",\"status\",\"opened_at\",\"rrn\",\"tid\",\"mid\",\n"
    "                   \"card\",\"rules\",\"verdict\",\"reason\",\"closed_by\",\"closed_at\"}],\"next\"}\n"
    "\n"
    "Exit status: 0 listed; 1 a failure; 2 bad usage.\n";

struct listing {
	const struct cli_env *env;
	json_t *items;
	size_t n;
	int64_t last;
};

static int list_one(void *ctx, const struct store_risk_case *c)
{
	struct listing *l = ctx;
	char at[TEXT_TIME_LEN];

	l->n++;
	l->last = c->id;
	if (l->items != NULL)
		return json_array_append_new(
		           l->items, acquirer_risk_case_json(c, l->env->host.cfg.utc_offset)) != 0;
	if (l->n == 1)
		printf("%-6s %-6s %-19s %-19s %-8s %-15s %-10s %s\n", "ID", "STATUS",
		       "OPENED (LOCAL)", "CARD", "TID", "MID", "VERDICT", "RULES");
	printf("%-6lld %-6s %-19s %-19s %-8s %-15s %-10s %s\n", (long long)c->id, c->status,
	       cli_time(l->env, c->opened_at, at), c->masked, c->tid, c->mid,
	       c->verdict[0] != '\0' ? c->verdict : "-", c->rules);
	return 0;
}

static int risk_cases(struct cli_env *env, const void *values)
{
	const struct copts *o = values;
	struct store_risk_case_page f = {.open_only = o->open != 0};
	struct listing l = {env, NULL, 0, 0};
	int64_t n = 50;
	int rc;

	if ((o->limit != NULL &&
	     (rc = cli_int64(env->prog, "limit", o->limit, 1, HTTP_PAGE_MAX, &n)) != CLI_OK) ||
	    (o->after != NULL && (rc = cli_int64(env->prog, "after", o->after, 1, INT64_MAX,
	                                         &f.before_id)) != CLI_OK) ||
	    (rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if (env->json && (l.items = json_array()) == NULL)
		return cli_error(CLI_FAILED, env->prog, "out of memory");
	f.limit = (size_t)n;
	if (store_risk_case_page(env->host.data.store, &f, list_one, &l) != STORE_OK) {
		json_decref(l.items);
		return cli_error(CLI_FAILED, env->prog, "%s", store_errmsg(env->host.data.store));
	}
	cli_print_page(env->json, l.items, l.n, l.n == (size_t)n ? l.last : 0);
	return CLI_OK;
}

static const char case_help[] =
    "ID [--close --verdict fraud|legitimate --reason TEXT [--block]]\n"
    "       [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Shows case ID: its transaction(s) (RRN, time, TID, MID, card masked, amount, RC), the\n"
    "rules that fired, their actions and the context numbers that made them fire. With\n"
    "--close, closes it with a verdict (audited).\n"
    "\n"
    "  --close           close the case: --verdict and --reason are then required\n"
    "  --verdict V       fraud or legitimate\n"
    "  --reason TEXT     why (one line), kept with the case and in the audit log\n"
    "  --block           (fraud only) the card on the blocked list and its authentication\n"
    "                    revoked, in the same step\n" COMMON_HELP
    "  --json            print the case: {\"id\",\"status\",…,\"rules\",\"transactions\",\"hits\"}\n"
    "\n"
    "Exit status: 0 shown or closed; 1 no such case, or closed already; 2 bad usage.\n";

static void case_lines(const struct cli_env *env, const json_t *full)
{
	size_t i;
	json_t *t, *h;

	printf("case      %lld  %s\n", (long long)json_integer_value(json_object_get(full, "id")),
	       json_string_value(json_object_get(full, "status")));
	printf("opened    %s\n", json_string_value(json_object_get(full, "opened_at")));
	json_array_foreach(json_object_get(full, "transactions"), i, t)
	{
		json_t *a = json_object_get(t, "amount");
		char money[CLI_MONEY_TEXT];

		cli_money_text(json_integer_value(json_object_get(a, "amount")), 156, money);
		printf("txn       rrn %s  %s  tid %s  mid %s  card %s  %s  rc %s\n",
		       json_string_value(json_object_get(t, "rrn")),
		       json_string_value(json_object_get(t, "at")),
		       json_string_value(json_object_get(t, "tid")),
		       json_string_value(json_object_get(t, "mid")),
		       json_string_value(json_object_get(t, "card")), money,
		       json_string_value(json_object_get(t, "rc")));
	}
	json_array_foreach(json_object_get(full, "hits"), i, h)
	{
		const char *key;
		json_t *v;

		printf("rule      %s  %s%s%s ", json_string_value(json_object_get(h, "rule")),
		       json_string_value(json_object_get(h, "action")),
		       *json_string_value(json_object_get(h, "rc")) != '\0' ? " " : "",
		       json_string_value(json_object_get(h, "rc")));
		json_object_foreach(json_object_get(h, "numbers"), key, v)
		    printf(" %s=%lld", key, (long long)json_integer_value(v));
		printf("\n");
	}
	if (json_is_string(json_object_get(full, "verdict")))
		printf("verdict   %s  %s  by %s at %s\n",
		       json_string_value(json_object_get(full, "verdict")),
		       json_string_value(json_object_get(full, "reason")),
		       json_string_value(json_object_get(full, "closed_by")),
		       json_string_value(json_object_get(full, "closed_at")));
	(void)env;
}

/* --close: the verdict given, checked before anything is opened. */
static int check_close(const struct cli_env *env, const struct copts *o)
{
	if (!o->close)
		return o->verdict != NULL || o->reason != NULL || o->block
		           ? cli_usage_error(env->prog,
		                             "--verdict, --reason and --block go with --close")
		           : CLI_OK;
	if (o->verdict == NULL ||
	    (strcmp(o->verdict, "fraud") != 0 && strcmp(o->verdict, "legitimate") != 0))
		return cli_usage_error(env->prog, "--verdict: fraud or legitimate");
	if (o->reason == NULL || o->reason[0] == '\0' || strpbrk(o->reason, "\r\n") != NULL)
		return cli_usage_error(env->prog, "--reason takes one line of text");
	if (o->block && strcmp(o->verdict, "fraud") != 0)
		return cli_usage_error(env->prog, "--block goes with --verdict fraud only");
	return CLI_OK;
}

static int risk_case(struct cli_env *env, const void *values)
{
	const struct copts *o = values;
	struct store_risk_case c;
	json_t *full;
	int64_t id;
	int rc;

	if ((rc = cli_int64(env->prog, "ID", env->operands[0], 1, INT64_MAX, &id)) != CLI_OK ||
	    (rc = check_close(env, o)) != CLI_OK || (rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if (o->close)
		rc = acquirer_risk_case_close(env->host.acquirer, env->actor, id, o->verdict,
		                              o->reason, o->block != 0, (int64_t)time(NULL), &c);
	else if ((rc = store_risk_case_get(env->host.data.store, id, &c)) != STORE_OK)
		rc = rc == STORE_ENOTFOUND ? ACQUIRER_ENOTFOUND : ACQUIRER_ESTORE;
	if (rc == ACQUIRER_ENOTFOUND)
		return cli_error(CLI_FAILED, env->prog, "no case %lld", (long long)id);
	if (rc == ACQUIRER_RISK_ECLOSED)
		return cli_error(CLI_FAILED, env->prog, "case %lld is closed already",
		                 (long long)id);
	if (rc != ACQUIRER_OK)
		return cli_error(CLI_FAILED, env->prog, "%s", acquirer_strerror(rc));
	full = acquirer_risk_case_full_json(env->host.data.store, &c, env->host.cfg.utc_offset);
	if (full == NULL)
		return cli_error(CLI_FAILED, env->prog, "%s", store_errmsg(env->host.data.store));
	if (env->json)
		cli_print_json(full);
	else {
		case_lines(env, full);
		if (o->block)
			printf("blocked   card %s; its authentication revoked\n", c.masked);
		json_decref(full);
	}
	return CLI_OK;
}

#define COPT(n, m)  CLI_TEXT(n, struct copts, m)
#define CFLAG(n, m) CLI_SET(n, struct copts, m)

const cli_command cli_admin_risk_cases_row = {
    "cases",
    NULL,
    .handler = risk_cases,
    .env = CLI_ENV_DATA | CLI_ENV_READ,
    .help = cases_help,
    CLI_OPTIONS(struct copts, CFLAG("open", open), COPT("limit", limit), COPT("after", after)),
    .common = CLI_DATADIR,
    .wrong = "takes no arguments"};

const cli_command cli_admin_risk_case_row = {
    "case",
    NULL,
    .handler = risk_case,
    .env = CLI_ENV_ISSUER | HOST_NEED_ACQUIRER,
    .help = case_help,
    CLI_OPTIONS(struct copts, CFLAG("close", close), COPT("verdict", verdict),
                COPT("reason", reason), CFLAG("block", block)),
    .common = CLI_DATADIR,
    CLI_ONE("takes one case ID")};
