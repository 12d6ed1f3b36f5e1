/* cmd_admin_txn.c — `possum admin txn list|show` and `possum admin merchant balance MID`: the
 * acquirer's records of its terminals' requests and what they hold for a merchant, read as the
 * API reads them (GET /api/v1/transactions, /transactions/{rrn}, /merchants/{mid}/balance,
 * docs/api.md) through the acquirer module's calls, with the API's filters and, with --json,
 * its JSON; a table for people otherwise: amounts as 12.34 CNY, cards masked, local times. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "acquirer/risk_admin.h"
#include "cli/cli.h"
#include "common/money.h"
#include "common/text.h"
#include "http/http.h"
#include "settle/settle_statement.h"

#define CNY 156

#define COMMON_HELP                                                                                            \
	"  --config FILE    the config file ([host] utc_offset: the local time shown and the local\n"          \
	"                   days of --from and --to; default $POSSUM_CONFIG)\n"                                \
	"  --data DIR       the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT \
	")\n"

/* ---- txn list ---- */

static const char list_help[] =
    "[--from TIME] [--to TIME] [--terminal TID] [--mid MID] [--status STATUS]\n"
    "       [--card CARD] [--amount AMOUNT] [--source SOURCE] [--channel CHANNEL]\n"
    "       [--limit N] [--after ID]\n"
    "       [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the acquirer's records of its terminals' requests (or of those that came over the\n"
    "issuer's link), oldest first, with the filters of GET /api/v1/transactions (docs/api.md);\n"
    "every criterion optional:\n"
    "\n"
    "  --from TIME      at or after TIME: 2026-11-30T22:00:00+08:00, or a local day (its\n"
    "                   midnight): 2026-11-30, today or yesterday\n"
    "  --to TIME        before TIME\n"
    "  --terminal TID   the terminal (8 characters); --tid is the same\n"
    "  --mid MID        the merchant (15 characters)\n"
    "  --status STATUS  approved, declined, reversed, voided or refunded (in full; refunded in\n"
    "                   part is approved); a pre-authorization's cancelled or completed\n"
    "  --card CARD      a masked card (622588******0017) or its last 4 digits; never a clear\n"
    "                   number\n"
    "  --amount AMOUNT  the amount, CNY: 12.34\n"
    "  --source SOURCE  terminal (the default) or link: the other acquirers' requests over the\n"
    "                   issuer's link, their acquirer's institution in place of TID and MID\n"
    "  --channel CHANNEL  card or qr: how it was paid (docs/qr.md)\n"
    "  --limit N        N at most, 1 to 500 (default 50)\n"
    "  --after ID       those after record ID: to page on (the table's last line names it)\n" COMMON_HELP
    "  --json           print {\"items\":[…],\"next\":ID or null}, the API's answer\n"
    "\n"
    "Exit status: 0 listed (none is a list too); 1 a failure; 2 bad usage.\n";

struct topts {
	const char *from, *to, *terminal, *tid, *mid, *status, *card, *amount, *limit, *after,
	    *source, *channel;
};

#define TOPT(name, member) CLI_TEXT(name, struct topts, member)

/* A --from or --to, as the API reads it: checked before the environment opens (env NULL), then
 * read under the config's utc_offset. */
static int read_time(const char *prog, const struct cli_env *env, const char *name,
                     const char *text, int64_t *out)
{
	int utc_offset = env != NULL ? env->host.cfg.utc_offset : 0;

	if (text != NULL &&
	    http_time_parse_local(text, utc_offset, (int64_t)time(NULL), out) != HTTP_OK)
		return cli_usage_error(prog,
		                       "--%s: a time, 2026-11-30T22:00:00+08:00, or a local day, "
		                       "2026-11-30, today or yesterday",
		                       name);
	return CLI_OK;
}

/* The options into f: CLI_OK, or the usage error said. */
static int read_filter(const char *prog, const struct topts *o, struct store_acq_txn_filter *f)
{
	const char *bad, *why;
	int64_t n = HTTP_PAGE_DEFAULT;
	int rc;

	f->amount = -1;
	if (o->terminal != NULL && o->tid != NULL)
		return cli_usage_error(prog,
		                       "--terminal and --tid are the same option: one of them");
	f->tid = o->terminal != NULL ? o->terminal : o->tid;
	f->mid = o->mid;
	f->card = o->card;
	f->channel = o->channel;
	if ((rc = read_time(prog, NULL, "from", o->from, &f->from)) != CLI_OK ||
	    (rc = read_time(prog, NULL, "to", o->to, &f->to)) != CLI_OK ||
	    (o->amount != NULL &&
	     (rc = cli_amount(prog, "amount", o->amount, CNY, &f->amount)) != CLI_OK) ||
	    (o->limit != NULL &&
	     (rc = cli_int64(prog, "limit", o->limit, 1, HTTP_PAGE_MAX, &n)) != CLI_OK) ||
	    (o->after != NULL &&
	     (rc = cli_int64(prog, "after", o->after, 0, INT64_MAX, &f->after_id)) != CLI_OK))
		return rc;
	f->limit = (size_t)n;
	if (acquirer_txn_filter_check(f, &bad, &why) != ACQUIRER_OK)
		return cli_usage_error(prog, "--%s: %s", bad, why);
	if (o->status != NULL && acquirer_status_parse(o->status, &f->status) != ACQUIRER_OK)
		return cli_usage_error(prog, "--status: approved, declined, reversed, voided, "
		                             "refunded, cancelled or completed");
	if (o->source != NULL && acquirer_source_parse(o->source, &f->source) != ACQUIRER_OK)
		return cli_usage_error(prog, "--source: terminal or link");
	return CLI_OK;
}

struct listing {
	const struct cli_env *env;
	json_t *items; /* NULL: print lines */
	size_t n;
};

static int list_one(void *arg, const struct store_acq_txn *t)
{
	struct listing *l = arg;
	bool link = t->source == STORE_ACQ_LINK;
	char at[TEXT_TIME_LEN], amount[CLI_MONEY_TEXT];

	l->n++;
	if (l->items != NULL)
		return json_array_append_new(l->items,
		                             acquirer_txn_json(t, l->env->host.cfg.utc_offset));
	if (l->n == 1)
		printf("%-6s %-19s %-12s %-8s %-15s %-10s %-4s %14s %-19s %-8s %-2s %s\n", "ID",
		       "TIME (LOCAL)", "RRN", "TID", "MID", "TYPE", "CHAN", "AMOUNT", "CARD",
		       "STATUS", "RC", "AUTH");
	cli_time(l->env, t->at, at);
	cli_money_text(t->amount, (unsigned)t->currency, amount);
	printf("%-6lld %-19s %-12s %-8s %-15s %-10s %-4s %14s %-19s %-8s %-2s %s\n",
	       (long long)t->id, at, t->rrn, link ? "link" : t->tid, link ? t->acquirer : t->mid,
	       t->type, t->channel[0] != '\0' ? t->channel : "card", amount, t->masked,
	       acquirer_status_name(acquirer_txn_status(t)), t->rc,
	       t->auth_code[0] != '\0' ? t->auth_code : "-");
	return 0;
}

static int txn_list(struct cli_env *env, const void *values)
{
	const char *prog = env->prog;
	const struct topts *o = values;
	struct store_acq_txn_filter f = {0};
	struct listing l = {env, NULL, 0};
	int64_t next;
	int rc;

	if ((rc = read_filter(prog, o, &f)) != CLI_OK || (rc = cli_env_open(env)) != CLI_OK ||
	    (rc = read_time(prog, env, "from", o->from, &f.from)) != CLI_OK ||
	    (rc = read_time(prog, env, "to", o->to, &f.to)) != CLI_OK)
		return rc;
	if (env->json && (l.items = json_array()) == NULL)
		return cli_error(CLI_FAILED, prog, "out of memory");
	if ((rc = acquirer_txn_page(env->host.data.store, &f, list_one, &l, &next)) !=
	    ACQUIRER_OK) {
		json_decref(l.items);
		return cli_error(CLI_FAILED, prog, "%s", acquirer_strerror(rc));
	}
	cli_print_page(env->json, l.items, l.n, next);
	return CLI_OK;
}

/* ---- txn show ---- */

static const char show_help[] =
    "RRN [--source SOURCE] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Shows the request of retrieval reference number RRN (12 characters; the latest, should\n"
    "two share it), as GET /api/v1/transactions/{rrn} does: a terminal's, else one that came\n"
    "over the issuer's link.\n"
    "\n"
    "  --source SOURCE  terminal or link: that one's only\n" COMMON_HELP
    "  --json           print the API's item, with its \"risk\" (the rules that fired, null\n"
    "                   when none did)\n"
    "\n"
    "Exit status: 0 shown; 1 no such request, or a failure; 2 bad usage.\n";

static void show_lines(const struct cli_env *env, const struct store_acq_txn *t)
{
	char at[TEXT_TIME_LEN], amount[CLI_MONEY_TEXT];

	cli_time(env, t->at, at);
	cli_money_text(t->amount, (unsigned)t->currency, amount);
	printf("rrn        %s\n"
	       "time       %s (local)\n"
	       "type       %s\n"
	       "channel    %s\n"
	       "route      %s\n"
	       "amount     %s\n"
	       "card       %s\n"
	       "status     %s\n"
	       "rc         %s%s%s\n"
	       "auth code  %s\n",
	       t->rrn, at, t->type, t->channel[0] != '\0' ? t->channel : "card",
	       t->route[0] != '\0' ? t->route : "-", amount, t->masked,
	       acquirer_status_name(acquirer_txn_status(t)), t->rc,
	       t->reason[0] != '\0' ? "  " : "", t->reason,
	       t->auth_code[0] != '\0' ? t->auth_code : "-");
	if (t->source == STORE_ACQ_LINK)
		printf("source     link  acquirer %s  stan %s\n", t->acquirer, t->stan);
	else
		printf("terminal   %s  batch %d  stan %s\n"
		       "merchant   %s\n",
		       t->tid, t->batch, t->stan, t->mid);
	printf("id         %lld\n", (long long)t->id);
	if (t->refunded > 0 || t->completed > 0) {
		cli_money_text(t->refunded > 0 ? t->refunded : t->completed, (unsigned)t->currency,
		               amount);
		printf("%s  %s\n", t->refunded > 0 ? "refunded " : "completed", amount);
	}
	if (t->original_rrn[0] != '\0')
		printf("original   %s\n", t->original_rrn);
}

/* "risk       review by night_large; case 3": the rules' winning action on the request. */
static void risk_line(const json_t *risk)
{
	const char *rc = json_string_value(json_object_get(risk, "rc"));
	json_t *id = json_object_get(risk, "case");
	char case_text[40] = "";

	if (json_is_integer(id))
		snprintf(case_text, sizeof case_text, "; case %lld",
		         (long long)json_integer_value(id));
	printf("risk       %s%s%s by %s%s\n", json_string_value(json_object_get(risk, "action")),
	       rc != NULL && rc[0] != '\0' ? " " : "", rc != NULL ? rc : "",
	       json_string_value(json_object_get(risk, "by")), case_text);
}

static int txn_show(struct cli_env *env, const void *values)
{
	const char *prog = env->prog, *rrn = env->operands[0];
	const struct topts *o = values;
	struct store_acq_txn t;
	json_t *risk;
	size_t n = strlen(rrn);
	int source = ACQUIRER_SOURCE_ANY, rc;

	if (n != 12 ||
	    strspn(rrn, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != n)
		return cli_usage_error(prog, "RRN: 12 letters or digits, 000000000001");
	if (o->source != NULL && acquirer_source_parse(o->source, &source) != ACQUIRER_OK)
		return cli_usage_error(prog, "--source: terminal or link");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = acquirer_txn_by_rrn(env->host.data.store, rrn, source, &t);
	if (rc == ACQUIRER_ENOTFOUND)
		return cli_error(CLI_FAILED, prog, "no request of RRN %s", rrn);
	if (rc != ACQUIRER_OK)
		return cli_error(CLI_FAILED, prog, "%s", acquirer_strerror(rc));
	if ((risk = acquirer_txn_risk_json(env->host.data.store, t.id)) == NULL)
		return cli_error(CLI_FAILED, prog, "%s", store_errmsg(env->host.data.store));
	if (env->json) {
		json_t *body = acquirer_txn_json(&t, env->host.cfg.utc_offset);

		json_object_set_new(body, "risk", risk);
		cli_print_json(body);
		return CLI_OK;
	}
	show_lines(env, &t);
	if (json_is_object(risk))
		risk_line(risk);
	json_decref(risk);
	return CLI_OK;
}

static const cli_command txn_cmds[] = {
    {"list", "the terminals' (or the link's) requests, filtered as the API's search",
     .handler = txn_list, .env = CLI_ENV_ISSUER | CLI_ENV_READ, .help = list_help,
     CLI_OPTIONS(struct topts, TOPT("from", from), TOPT("to", to), TOPT("terminal", terminal),
                 TOPT("tid", tid), TOPT("mid", mid), TOPT("status", status), TOPT("card", card),
                 TOPT("amount", amount), TOPT("limit", limit), TOPT("after", after),
                 TOPT("source", source), TOPT("channel", channel)),
     .common = CLI_DATADIR},
    {"show", "one request by its RRN", .handler = txn_show, .env = CLI_ENV_ISSUER | CLI_ENV_READ,
     .help = show_help, CLI_OPTIONS(struct topts, TOPT("source", source)), .common = CLI_DATADIR,
     CLI_ONE("one RRN is needed")},
};

const cli_group cli_admin_txn_group = {
    "possum admin txn",
    "The acquirer's records of its terminals' requests (GET /api/v1/transactions).",
    CLI_TABLE(txn_cmds)};

/* ---- merchant balance ---- */

static const char balance_help[] =
    "MID [--from TIME] [--to TIME] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "What the acquirer's records hold for merchant MID, per currency, as\n"
    "GET /api/v1/merchants/{mid}/balance: approved, unreversed payments (purchases,\n"
    "completions) less what went back (refunds, voids, completion voids), with their counts.\n"
    "Without --from and --to it is everything since the start. Then, of every day whatever\n"
    "--from and --to: settled and paid, settled and unpaid (owed, or in a payout not yet\n"
    "answered), not yet closed (today so far), held by open pre-authorizations.\n"
    "\n"
    "  --from TIME      at or after TIME: 2026-11-30T22:00:00+08:00, or a local day (its\n"
    "                   midnight): 2026-11-30, today or yesterday\n"
    "  --to TIME        before TIME\n" COMMON_HELP
    "  --json           print the API's answer: {\"mid\",\"from\",\"to\",\"currencies\":[…]}\n"
    "\n"
    "Exit status: 0 shown; 1 no such merchant, or a failure; 2 bad usage.\n";

struct lines {
	const char *mid;
	int n;
};

static int balance_line(void *arg, const struct acquirer_balance *b)
{
	struct lines *l = arg;
	char sales[CLI_MONEY_TEXT], refunds[CLI_MONEY_TEXT], net[CLI_MONEY_TEXT];

	if (l->n++ == 0)
		printf("merchant %s\n", l->mid);
	cli_money_text(b->sales, (unsigned)b->currency, sales);
	cli_money_text(b->refunds, (unsigned)b->currency, refunds);
	cli_money_text(b->net, (unsigned)b->currency, net);
	printf("sales    %16s  (%d)\nrefunds  %16s  (%d)\nnet      %16s\n", sales, b->sales_count,
	       refunds, b->refunds_count, net);
	return 0;
}

/* The settle module's figures of the merchant (http_balance_settled()'s), in the table. */
static int print_settled(struct cli_env *env, const char *mid)
{
	struct store_settle_balance m;
	char paid[CLI_MONEY_TEXT], unpaid[CLI_MONEY_TEXT], open[CLI_MONEY_TEXT],
	    held[CLI_MONEY_TEXT];

	if (settle_statement_balance(env->host.data.store, mid, &m) != SETTLE_OK)
		return cli_module_failed(env, settle_strerror(SETTLE_ESTORE), true, false);
	cli_money_text(m.paid, CNY, paid);
	cli_money_text(m.unpaid, CNY, unpaid);
	cli_money_text(m.open, CNY, open);
	cli_money_text(m.held, CNY, held);
	printf("settled, paid    %16s\nsettled, unpaid  %16s\nnot closed       %16s  (%lld)\n"
	       "preauth held     %16s  (%lld)\n",
	       paid, unpaid, open, (long long)m.open_count, held, (long long)m.held_count);
	return CLI_OK;
}

static int merchant_balance(struct cli_env *env, const void *values)
{
	const struct topts *o = values;
	const char *prog = env->prog, *mid = env->operands[0];
	int64_t from = 0, to = 0;
	json_t *body = NULL;
	struct lines l = {mid, 0};
	int rc;

	if (strlen(mid) != ACQUIRER_MID_LEN)
		return cli_usage_error(prog, "MID: 15 characters, 898310048120001");
	if ((rc = read_time(prog, NULL, "from", o->from, &from)) != CLI_OK ||
	    (rc = read_time(prog, NULL, "to", o->to, &to)) != CLI_OK ||
	    (rc = cli_env_open(env)) != CLI_OK ||
	    (rc = read_time(prog, env, "from", o->from, &from)) != CLI_OK ||
	    (rc = read_time(prog, env, "to", o->to, &to)) != CLI_OK)
		return rc;
	if (env->json)
		body = acquirer_balance_json(env->host.data.store, mid, from, to,
		                             env->host.cfg.utc_offset, &rc);
	else
		rc = acquirer_merchant_balance(env->host.data.store, mid, from, to, balance_line,
		                               &l);
	if (rc == ACQUIRER_ENOTFOUND)
		return cli_error(CLI_FAILED, prog, "no merchant of MID %s", mid);
	if (rc != ACQUIRER_OK)
		return cli_error(CLI_FAILED, prog, "%s", acquirer_strerror(rc));
	if (body != NULL && http_balance_settled(env->host.data.store, mid, body) != HTTP_OK) {
		json_decref(body);
		return cli_error(CLI_FAILED, prog, "%s", settle_strerror(SETTLE_ESTORE));
	}
	if (body != NULL) {
		cli_print_json(body);
		return CLI_OK;
	}
	if (l.n == 0)
		printf("merchant %s\nno payments\n", mid);
	return print_settled(env, mid);
}

/* `possum admin merchant balance`'s row (cmd_admin_merchant.c's table names it). */
const cli_command cli_admin_merchant_balance_row = {
    "balance",
    NULL,
    .handler = merchant_balance,
    .env = CLI_ENV_ISSUER | CLI_ENV_READ,
    .help = balance_help,
    CLI_OPTIONS(struct topts, TOPT("from", from), TOPT("to", to)),
    .common = CLI_DATADIR,
    CLI_ONE("one MID is needed")};
