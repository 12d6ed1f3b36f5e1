/* cmd_admin_payouts.c — `possum admin payouts`: the merchants' payouts (docs/settle.md
 * "Payouts"). `run` makes the payouts due on a date, each to the merchant's settlement card
 * when the merchant may be paid (the merchant module says), and prints them with the days due
 * that still wait and why; `list` prints the same without making any; `confirm` applies the
 * bank's answer; `export` writes the bank's file, encrypted. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "common/money.h"
#include "host/settle.h"
#include "settle/settle_payout.h"
#include "store/store_settle.h"

#define CNY 156

#define DATE_HELP                                                                                                \
	"  --date YYYY-MM-DD  the payout date (default: today, in [host] utc_offset's time)\n"                   \
	"  --config FILE      the config file (default $POSSUM_CONFIG): [settle], [host] utc_offset\n"           \
	"  --data DIR         the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT \
	")\n"                                                                                                    \
	"  --json             print JSON: {\"items\": [{\"payout_id\", \"mid\", \"amount\",\n"                   \
	"                     \"currency\", \"card\", \"settle_dates\": [...], \"status\",\n"                    \
	"                     \"adjustments\": [ID...] when it pays any}],\n"                                    \
	"                     \"owed\": [{\"mid\", \"date\", \"net\", \"reason\"}], \"next\": null}\n"

static const char run_help[] =
    "[--date YYYY-MM-DD] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Makes the payouts due on --date: for each merchant, every settled day still owed whose\n"
    "payout date is that date or before, negative days included, with its approved\n"
    "adjustments not yet paid (possum admin settle adjust), summed; a sum above zero is paid\n"
    "as one payout to the merchant's settlement card when the merchant is active with a\n"
    "verified card the issuer still has active; otherwise the days stay owed with the reason\n"
    "(carried_forward, merchant_not_active, no_settlement_card, card_not_active). Each payout\n"
    "moves its amount in the ledger from the merchant's payable to the payouts account. Run\n"
    "again, it makes nothing twice. Prints the payouts of the date and the days that wait.\n"
    "When it makes payouts it writes the summary of the date's, DIR/payouts/DATE.csv and\n"
    ".json (cards masked, amounts in yuan).\n"
    "Amounts are fen in JSON, yuan (12.34 CNY) in the table; cards masked. On a terminal,\n"
    "a progress bar on standard error; a settle_payouts line at the start and the end in the\n"
    "service log ([host] log).\n"
    "\n" DATE_HELP "\n"
    "Exit status: 0 done; 1 failed; 2 bad usage.\n";

static const char list_help[] =
    "[--date YYYY-MM-DD] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Prints the payouts made by the run of --date, with their status, and the days due by then\n"
    "that still wait and why, as `possum admin payouts run` does; makes none.\n"
    "\n" DATE_HELP "\n"
    "Exit status: 0 done; 1 failed; 2 bad usage.\n";

static const char confirm_help[] =
    "FILE [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Reads the bank's answer about the payouts, FILE, a CSV of lines\n"
    "payout_id,status,bank_reference (status paid or failed; a header line allowed, blank lines\n"
    "skipped), and applies it whole in one transaction: a payout paid moves its amount in the\n"
    "ledger from the payouts account to paid_out; a payout failed has its ledger transfer\n"
    "reversed and its days owed again for the next run. An answer a payout has already changes\n"
    "nothing. A bad line, a payout unknown, or one answered otherwise before is refused as\n"
    "FILE:LINE and nothing changes.\n"
    "\n"
    "  --config FILE      the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR         the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json             print JSON: {\"paid\", \"failed\", \"unchanged\"}\n"
    "\n"
    "Exit status: 0 done; 1 refused or failed; 2 bad usage.\n";

static const char export_help[] =
    "--date YYYY-MM-DD --out FILE [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Writes the bank's file of the payouts made by the run of --date and not yet answered, with\n"
    "the full card numbers, encrypted: a CSV (payout_id,mid,account_name,pan,amount,currency,\n"
    "settle_dates,reference; amounts in yuan) under AES-256-GCM with the key shared with the\n"
    "bank, [settle] bank_key (a D0 AES-256 key block under the LMK), written to FILE as the\n"
    "nonce (12 bytes), the ciphertext and the tag (16 bytes), mode 0600. Never in the clear.\n"
    "\n"
    "  --date YYYY-MM-DD  the payouts' run date\n"
    "  --out FILE         the file written (replaced when there)\n"
    "  --config FILE      the config file (default $POSSUM_CONFIG): [settle] bank_key\n"
    "  --data DIR         the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json             print JSON: {\"date\", \"payouts\", \"file\"}\n"
    "\n"
    "Exit status: 0 written; 1 failed (no bank_key, a key of the wrong kind); 2 bad usage.\n";

struct export_opts {
	const char *date, *out;
};

static const cli_opt export_opts[] = {CLI_TEXT("date", struct export_opts, date),
                                      CLI_TEXT("out", struct export_opts, out)};

struct opts {
	const char *date;
};

static const cli_opt opts[] = {CLI_TEXT("date", struct opts, date)};

/* The list's items (NULL: the table), and the store (the adjustments a payout pays). */
struct printing {
	json_t *items;
	store *s;
};

static json_t *dates_json(const char *list)
{
	json_t *a = json_array();
	char buf[STORE_SETTLE_DATES_MAX], *save = NULL;

	snprintf(buf, sizeof buf, "%s", list);
	for (char *d = strtok_r(buf, ",", &save); d != NULL; d = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(d));
	return a;
}

static int add_adjust(void *ctx, const struct store_settle_adjust *a)
{
	return json_array_append_new(ctx, json_integer(a->id));
}

static int print_payout(void *ctx, const struct store_settle_payout *p)
{
	struct printing *pr = ctx;
	char amount[CLI_MONEY_TEXT];
	json_t *item, *adjusts;

	if (pr->items != NULL) {
		item = json_pack("{s:I, s:s, s:I, s:s, s:s, s:o, s:s}", "payout_id",
		                 (json_int_t)p->id, "mid", p->mid, "amount", (json_int_t)p->amount,
		                 "currency", p->currency, "card", p->card, "settle_dates",
		                 dates_json(p->settle_dates), "status", p->status);
		/* The adjustments it pays, when it pays any (docs/settle.md "Adjustments"). */
		adjusts = json_array();
		if (store_settle_adjust_paid(pr->s, p->id, add_adjust, adjusts) != STORE_OK) {
			json_decref(item);
			json_decref(adjusts);
			return 1;
		}
		if (json_array_size(adjusts) != 0)
			json_object_set(item, "adjustments", adjusts);
		json_decref(adjusts);
		return json_array_append_new(pr->items, item);
	}
	cli_money_text(p->amount, CNY, amount);
	printf("%-8" PRId64 " %-15s %18s  %-19s  %-6s  %s\n", p->id, p->mid, amount, p->card,
	       p->status, p->settle_dates);
	return 0;
}

static int print_owed(void *ctx, const struct store_settle_total *t)
{
	struct printing *pr = ctx;
	char net[CLI_MONEY_TEXT];

	if (pr->items != NULL) {
		json_array_append_new(
		    pr->items, json_pack("{s:s, s:s, s:I, s:s}", "mid", t->mid, "date", t->date,
		                         "net", (json_int_t)t->net, "reason", t->reason));
		return 0;
	}
	cli_money_text(t->net, CNY, net);
	printf("owed     %-15s %18s  %-10s  %s\n", t->mid, net, t->date,
	       t->reason[0] != '\0' ? t->reason : "not_run");
	return 0;
}

/* The payouts of date and the days due by then that wait. */
static int print_list(struct cli_env *env, const char *date)
{
	store *s = env->host.data.store;
	struct printing pays = {env->json ? json_array() : NULL, s};
	struct printing owed = {env->json ? json_array() : NULL, s};

	if (!env->json)
		printf("%-8s %-15s %18s  %-19s  %-6s  %s\n", "PAYOUT", "MID", "AMOUNT", "CARD",
		       "STATUS", "SETTLE_DATES");
	if (store_settle_payouts(s, date, print_payout, &pays) != STORE_OK ||
	    store_settle_due(s, date, print_owed, &owed) != STORE_OK) {
		json_decref(pays.items);
		json_decref(owed.items);
		return cli_module_failed(env, settle_strerror(SETTLE_ESTORE), true, false);
	}
	if (env->json)
		cli_print_json(
		    json_pack("{s:o, s:o, s:n}", "items", pays.items, "owed", owed.items, "next"));
	return CLI_OK;
}

/* The date of --date, else today's (local) in text. */
static int date_of(struct cli_env *env, const struct opts *o, char text[SETTLE_DATE_TEXT],
                   int32_t *date)
{
	const struct host_config *cfg = &env->host.cfg;

	if (o->date != NULL)
		return settle_date_parse(o->date, date) == SETTLE_OK &&
		               settle_date_format(*date, text) == SETTLE_OK
		           ? CLI_OK
		           : cli_usage_error(env->prog, "--date takes a date YYYY-MM-DD, not '%s'",
		                             o->date);
	if (settle_local_date(cfg->utc_offset, (int64_t)time(NULL), date) != SETTLE_OK)
		return cli_module_failed(env, settle_strerror(SETTLE_EARG), false, false);
	settle_date_format(*date, text);
	return CLI_OK;
}

/* The run's progress: the bar on a terminal; with POSSUM_SETTLE_FAULT=in_payouts (a
 * fault-injection aid for the crash test), the process dies (_exit(9)) inside the run's
 * transaction once a merchant's days are done. */
static void on_progress(void *ctx, enum settle_step step, size_t done, size_t total)
{
	const char *fault = getenv("POSSUM_SETTLE_FAULT");

	if (step == SETTLE_STEP_ITEM && fault != NULL && strcmp(fault, "in_payouts") == 0)
		_exit(9);
	cli_progress_update(ctx, done, total);
}

/* The run of date, with its progress shown and its lines in the service log (settle_payouts,
 * as the host's: at the start, and at the end with its counts and duration). */
static int run_payouts(struct cli_env *env, struct settle_payout_params *p, int32_t date,
                       const char *text, struct settle_payout_result *r)
{
	struct cli_progress bar;
	possum_log *log;
	int rc;

	log = cli_progress_log_open(&env->host.cfg);
	cli_progress_log(log, LOG_INFO, "settle_payouts",
	                 json_pack("{s:s, s:s}", "phase", "start", "date", text));
	cli_progress_start(&bar, "days");
	p->progress = on_progress, p->progress_ctx = &bar;
	rc = settle_payouts_run(env->host.data.store, p, date, r);
	cli_progress_end(&bar);
	if (rc != SETTLE_OK)
		cli_progress_log(log, LOG_ERROR, "settle_payouts",
		                 json_pack("{s:s, s:s, s:s}", "phase", "end", "date", text, "error",
		                           settle_strerror(rc)));
	else
		cli_progress_log(log, LOG_INFO, "settle_payouts",
		                 json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "phase", "end", "date",
		                           text, "made", (json_int_t)r->made, "amount",
		                           (json_int_t)r->amount, "owed_days",
		                           (json_int_t)r->owed_days, "ms",
		                           (json_int_t)(cli_progress_elapsed(&bar) * 1000)));
	log_close(log);
	return rc;
}

/* A card's full number, from the issuer. */
static int card_pan(void *ctx, int64_t card_id, char pan[CARD_PAN_MAX + 1])
{
	struct cli_env *env = ctx;

	return issuer_card_pan(env->host.issuer, card_id, pan) == ISSUER_OK ? SETTLE_OK
	                                                                    : SETTLE_EHSM;
}

/* A card's holder's name, from the issuer (sealed in the store). */
static int card_holder(void *ctx, int64_t card_id, char name[65])
{
	struct cli_env *env = ctx;

	return host_settle_holder(env->host.issuer, card_id, name);
}

static int run_cmd(struct cli_env *env, const void *values)
{
	struct settle_payout_params p = {.now = (int64_t)time(NULL), .payee = host_settle_payee};
	struct settle_payout_result r;
	char text[SETTLE_DATE_TEXT], sum[CLI_MONEY_TEXT], dir[4200];
	size_t rows = 0;
	int32_t date;
	int rc;

	if ((rc = cli_env_open(env)) != CLI_OK ||
	    (rc = date_of(env, values, text, &date)) != CLI_OK)
		return rc;
	p.ctx = env->host.merchant; /* open now */
	if ((rc = run_payouts(env, &p, date, text, &r)) != SETTLE_OK)
		return cli_module_failed(env, settle_strerror(rc), rc == SETTLE_ESTORE, false);
	snprintf(dir, sizeof dir, "%s/payouts", env->host.data.dir);
	if (r.made > 0 && (rc = settle_payouts_summary(env->host.data.store, card_holder, env, dir,
	                                               date, &rows)) != SETTLE_OK)
		return cli_error(CLI_FAILED, env->prog,
		                 "%zu payouts made, but the summary %s/%s.csv: %s", r.made, dir,
		                 text, settle_strerror(rc));
	if ((rc = print_list(env, text)) != CLI_OK || env->json)
		return rc;
	cli_money_text(r.amount, CNY, sum);
	printf("payouts of %s: %zu made (%s), %zu days owed\n", text, r.made, sum, r.owed_days);
	if (r.made > 0)
		printf("summary: %s/%s.csv (%zu payouts)\n", dir, text, rows);
	return CLI_OK;
}

static int list_cmd(struct cli_env *env, const void *values)
{
	char text[SETTLE_DATE_TEXT];
	int32_t date;
	int rc;

	if ((rc = cli_env_open(env)) != CLI_OK ||
	    (rc = date_of(env, values, text, &date)) != CLI_OK)
		return rc;
	return print_list(env, text);
}

/* The answers of FILE, and the line of each. */
struct answers {
	struct settle_answer *a;
	size_t *line;
	size_t n, cap;
};

/* One line of the file (number no) into as: CLI_OK, or the refusal said. */
static int answer_line(struct cli_env *env, const char *file, size_t no, char *text,
                       struct answers *as)
{
	const char *why;
	void *grown;

	text[strcspn(text, "\r\n")] = '\0';
	if (text[0] == '\0' || (no == 1 && strncmp(text, "payout_id,", 10) == 0))
		return CLI_OK;
	if (as->n == as->cap) {
		as->cap = as->cap != 0 ? 2 * as->cap : 64;
		if ((grown = realloc(as->a, as->cap * sizeof *as->a)) == NULL)
			return cli_error(CLI_FAILED, env->prog, "out of memory");
		as->a = grown;
		if ((grown = realloc(as->line, as->cap * sizeof *as->line)) == NULL)
			return cli_error(CLI_FAILED, env->prog, "out of memory");
		as->line = grown;
	}
	if (settle_answer_parse(text, &as->a[as->n], &why) != SETTLE_OK)
		return cli_error(CLI_FAILED, env->prog, "refused: %s:%zu: %s; nothing changed",
		                 file, no, why);
	as->line[as->n++] = no;
	return CLI_OK;
}

static int read_answers(struct cli_env *env, const char *file, struct answers *as)
{
	FILE *fp = fopen(file, "r");
	char *text = NULL;
	size_t len = 0, no = 0;
	int rc = CLI_OK;

	if (fp == NULL)
		return cli_error(CLI_FAILED, env->prog, "%s: cannot be read", file);
	while (rc == CLI_OK && getline(&text, &len, fp) != -1)
		rc = answer_line(env, file, ++no, text, as);
	free(text);
	fclose(fp);
	return rc;
}

static int confirm_cmd(struct cli_env *env, const void *values)
{
	struct answers as = {0};
	struct settle_confirm_result r;
	const char *file = env->operands[0];
	int rc;

	(void)values;
	if ((rc = cli_env_open(env)) != CLI_OK || (rc = read_answers(env, file, &as)) != CLI_OK)
		goto out;
	rc = settle_payouts_confirm(env->host.data.store, as.a, as.n, (int64_t)time(NULL), &r);
	if (rc == SETTLE_EARG) {
		rc = cli_error(CLI_FAILED, env->prog, "refused: %s:%zu: %s; nothing changed", file,
		               as.line[r.bad], r.why);
		goto out;
	}
	if (rc != SETTLE_OK) {
		rc = cli_module_failed(env, settle_strerror(rc), rc == SETTLE_ESTORE, false);
		goto out;
	}
	if (env->json)
		cli_print_json(json_pack("{s:I, s:I, s:I}", "paid", (json_int_t)r.paid, "failed",
		                         (json_int_t)r.failed, "unchanged",
		                         (json_int_t)r.unchanged));
	else
		printf("%zu paid, %zu failed, %zu unchanged\n", r.paid, r.failed, r.unchanged);
	rc = CLI_OK;
out:
	free(as.a);
	free(as.line);
	return rc;
}

static int export_cmd(struct cli_env *env, const void *values)
{
	const struct export_opts *o = values;
	struct settle_export_params p = {.pan = card_pan, .holder = card_holder, .ctx = env};
	hsm_key key;
	int32_t date;
	size_t rows;
	int rc;

	if (o->date == NULL || o->out == NULL)
		return cli_usage_error(env->prog, "needs --date YYYY-MM-DD and --out FILE");
	if (settle_date_parse(o->date, &date) != SETTLE_OK)
		return cli_usage_error(env->prog, "--date takes a date YYYY-MM-DD, not '%s'",
		                       o->date);
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if (env->host.cfg.bank_key[0] == '\0')
		return cli_error(
		    CLI_FAILED, env->prog,
		    "no [settle] bank_key: the key shared with the bank (docs/settle.md)");
	if (hsm_key_set(&key, env->host.cfg.bank_key) != HSM_OK)
		return cli_error(CLI_FAILED, env->prog, "[settle] bank_key is not a key block");
	p.h = env->host.data.hsm, p.key = &key;
	if ((rc = settle_payouts_export(env->host.data.store, &p, date, o->out, &rows)) !=
	    SETTLE_OK)
		return cli_module_failed(env, settle_strerror(rc), rc == SETTLE_ESTORE, false);
	if (env->json)
		cli_print_json(json_pack("{s:s, s:I, s:s}", "date", o->date, "payouts",
		                         (json_int_t)rows, "file", o->out));
	else
		printf("%zu payouts of %s to %s, encrypted\n", rows, o->date, o->out);
	return CLI_OK;
}

static const cli_command payouts_cmds[] = {
    {"run", "make the payouts due on a date, to the merchants' settlement cards",
     .handler = run_cmd, .env = CLI_ENV_MERCHANT, .help = run_help, CLI_OPTS(opts, struct opts),
     .common = CLI_DATADIR, .wrong = "takes no arguments"},
    {"list", "the payouts of a date and the days due that wait, and why", .handler = list_cmd,
     .env = CLI_ENV_DATA | CLI_ENV_READ, .help = list_help, CLI_OPTS(opts, struct opts),
     .common = CLI_DATADIR, .wrong = "takes no arguments"},
    {"confirm", "the bank's answer: payouts paid or failed", .handler = confirm_cmd,
     .env = CLI_ENV_DATA, .help = confirm_help, .common = CLI_DATADIR,
     CLI_ONE("takes one file: the bank's answer")},
    {"export", "the bank's file: the payouts with full card numbers, encrypted",
     .handler = export_cmd, .env = CLI_ENV_ISSUER | CLI_ENV_READ, .help = export_help,
     CLI_OPTS(export_opts, struct export_opts), .common = CLI_DATADIR,
     .wrong = "takes no arguments"},
};

const cli_group cli_admin_payouts_group = {
    "possum admin payouts", "Payouts: the merchants' nets paid to their settlement cards.",
    CLI_TABLE(payouts_cmds)};
