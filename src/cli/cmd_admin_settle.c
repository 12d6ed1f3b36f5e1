/* cmd_admin_settle.c — `possum admin settle`: the close of a day by hand (docs/settle.md "The
 * close of a day"). `run` closes a settlement date past its cut-off — lines in parts, then
 * merchant totals and the ledger's postings in a final transaction, with a progress bar on a
 * terminal and its lines in the service log — and prints each merchant's totals; a day closed
 * before prints what it stored. */
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
#include "settle/settle_close.h"
#include "store/store_settle.h"

#define CNY 156

static const char run_help[] =
    "[--date YYYY-MM-DD] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Closes settlement date --date (default: the latest whose cut-off has passed): each\n"
    "approved purchase, completion and refund of the day, net of voids and reversals, becomes\n"
    "a line with its fee (the merchant's plan by the card's product; a QR-code payment, channel\n"
    "qr, at the QR rate); each merchant's totals, QR's apart, and payout date are kept, and\n"
    "the ledger posts them (gross to the merchant's payable, fees to fee income, refunds\n"
    "back), the local issuer's receivable is cleared against what the issuer posted, and\n"
    "holds past their timeout are released. The lines are written in parts, the rest in one\n"
    "final transaction: a close killed midway goes on from where it stopped when run again.\n"
    "A day closed before is not closed again: its stored result is printed. Amounts are fen\n"
    "in JSON, yuan (12.34 CNY) in the table. On a terminal, a progress bar on standard error;\n"
    "a settle_close line at the start and the end in the service log ([host] log).\n"
    "\n"
    "  --date YYYY-MM-DD  the settlement date\n"
    "  --config FILE      the config file (default $POSSUM_CONFIG): [settle], [host] utc_offset,\n"
    "                     [issuer] bin lines, [merchant] fees\n"
    "  --data DIR         the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json             print JSON: {\"date\", \"currency\", \"merchants\": [{\"mid\", \"count\",\n"
    "                     \"amount\", \"fees\", \"net\", \"payout_date\", \"status\", \"channels\":\n"
    "                     {\"card\": {\"count\", \"amount\", \"fees\", \"net\"}, \"qr\": {…}}}],\n"
    "                     \"totals\"}\n"
    "\n"
    "Exit status: 0 closed, or closed before; 1 refused (not yet past its cut-off, or another\n"
    "run's close of the day under way) or failed; 2 bad usage.\n";

struct run {
	const char *date;
};

static const cli_opt run_opts[] = {CLI_TEXT("date", struct run, date)};

/* A fault-injection aid for the crash test, POSSUM_SETTLE_FAULT (docs/settle.md): the process
 * dies (_exit(9)) once N lines are written (after_lines:N, inside a part's transaction), once N
 * parts are committed (after_parts:N, between parts), inside the final transaction before its
 * commit (in_final), or after the close, before printing (before_print). POSSUM_SETTLE_PART=N:
 * parts of N transactions. */
struct fault {
	int at; /* 0 none, else SETTLE_STEP_* + 1, or BEFORE_PRINT */
	size_t n;
};
#define BEFORE_PRINT (SETTLE_STEP_FINAL + 2)

static int fault_parse(const char *text, struct fault *f)
{
	*f = (struct fault){0};
	if (text == NULL)
		return 0;
	if (sscanf(text, "after_lines:%zu", &f->n) == 1)
		f->at = SETTLE_STEP_ITEM + 1;
	else if (sscanf(text, "after_parts:%zu", &f->n) == 1)
		f->at = SETTLE_STEP_PART + 1;
	else if (strcmp(text, "in_final") == 0)
		f->at = SETTLE_STEP_FINAL + 1;
	else if (strcmp(text, "before_print") == 0)
		f->at = BEFORE_PRINT;
	return f->at != 0 ? 0 : -1;
}

/* The close's progress: the bar on a terminal, and the fault when one is asked for. */
struct run_progress {
	struct cli_progress bar;
	struct fault fault;
	size_t parts;
};

static void on_progress(void *ctx, enum settle_step step, size_t done, size_t total)
{
	struct run_progress *rp = ctx;

	if (step == SETTLE_STEP_PART)
		rp->parts++;
	if (rp->fault.at == (int)step + 1 &&
	    (step == SETTLE_STEP_FINAL ||
	     (step == SETTLE_STEP_ITEM ? done : rp->parts) >= rp->fault.n))
		_exit(9);
	cli_progress_update(&rp->bar, done, total);
}

/* What the table and the JSON print: each merchant's totals, and their sums, all and by
 * channel. */
struct printing {
	json_t *list;
	struct store_settle_total sum;
	struct settle_figures channels[SETTLE_CHANNELS];
};

/* {"card": {"count", "amount", "fees", "net"}, "qr": {…}} of figures by channel. */
static json_t *channels_json(const struct settle_figures by[SETTLE_CHANNELS])
{
	json_t *o = json_object();

	for (int i = 0; o != NULL && i < SETTLE_CHANNELS; i++)
		json_object_set_new(
		    o, settle_channel_name(i),
		    json_pack("{s:I, s:I, s:I, s:I}", "count", (json_int_t)by[i].count, "amount",
		              (json_int_t)by[i].amount, "fees", (json_int_t)by[i].fees, "net",
		              (json_int_t)by[i].net));
	return o;
}

/* A row of the table: who (a MID, "total", a channel), count, amount, fees, net. */
static void print_row(const char *who, const struct settle_figures *f)
{
	char amount[CLI_MONEY_TEXT], fees[CLI_MONEY_TEXT], net[CLI_MONEY_TEXT];

	cli_money_text(f->amount, CNY, amount);
	cli_money_text(f->fees, CNY, fees);
	cli_money_text(f->net, CNY, net);
	printf("%-15s %6" PRId64 " %18s %14s %18s", who, f->count, amount, fees, net);
}

static int print_total(void *ctx, const struct store_settle_total *t)
{
	struct printing *pr = ctx;
	struct settle_figures by[SETTLE_CHANNELS];

	pr->sum.count += t->count, pr->sum.amount += t->amount;
	pr->sum.fees += t->fees, pr->sum.net += t->net;
	settle_total_channels(t, by);
	for (int i = 0; i < SETTLE_CHANNELS; i++) {
		pr->channels[i].count += by[i].count, pr->channels[i].amount += by[i].amount;
		pr->channels[i].fees += by[i].fees, pr->channels[i].net += by[i].net;
	}
	if (pr->list != NULL) {
		json_array_append_new(
		    pr->list,
		    json_pack("{s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:o}", "mid", t->mid, "count",
		              (json_int_t)t->count, "amount", (json_int_t)t->amount, "fees",
		              (json_int_t)t->fees, "net", (json_int_t)t->net, "payout_date",
		              t->payout_date, "status", t->status, "channels", channels_json(by)));
		return 0;
	}
	print_row(t->mid, &(struct settle_figures){t->count, t->amount, t->fees, t->net});
	printf("  %-10s  %s\n", t->payout_date, t->status);
	return 0;
}

static int print_result(struct cli_env *env, const char *date)
{
	struct printing pr = {.list = env->json ? json_array() : NULL};

	if (!env->json)
		printf("%-15s %6s %18s %14s %18s  %-10s  %s\n", "MID", "COUNT", "AMOUNT", "FEES",
		       "NET", "PAYOUT", "STATUS");
	if (store_settle_totals(env->host.data.store, date, print_total, &pr) != STORE_OK) {
		json_decref(pr.list);
		return cli_module_failed(env, settle_strerror(SETTLE_ESTORE), true, false);
	}
	if (env->json) {
		cli_print_json(json_pack(
		    "{s:s, s:s, s:o, s:{s:I, s:I, s:I, s:I, s:o}}", "date", date, "currency", "CNY",
		    "merchants", pr.list, "totals", "count", (json_int_t)pr.sum.count, "amount",
		    (json_int_t)pr.sum.amount, "fees", (json_int_t)pr.sum.fees, "net",
		    (json_int_t)pr.sum.net, "channels", channels_json(pr.channels)));
		return CLI_OK;
	}
	print_row("total",
	          &(struct settle_figures){pr.sum.count, pr.sum.amount, pr.sum.fees, pr.sum.net});
	putchar('\n');
	for (int i = 0; i < SETTLE_CHANNELS; i++) {
		print_row(i == SETTLE_CHANNEL_QR ? "  of it qr" : "  of it card", &pr.channels[i]);
		putchar('\n');
	}
	printf("settlement date %s: %s\n", date, "closed");
	return CLI_OK;
}

/* The service log's line of the close (settle_close, as the host's): at its start, and at its
 * end with its counts and duration, or its failure. */
static void log_run(possum_log *log, const char *date, const char *owner, int rc,
                    const struct settle_close_result *r, double seconds)
{
	if (r == NULL)
		cli_progress_log(
		    log, LOG_INFO, "settle_close",
		    json_pack("{s:s, s:s, s:s}", "phase", "start", "date", date, "owner", owner));
	else if (rc != SETTLE_OK)
		cli_progress_log(log, LOG_ERROR, "settle_close",
		                 json_pack("{s:s, s:s, s:s, s:s}", "phase", "end", "date", date,
		                           "owner", owner, "error", settle_strerror(rc)));
	else
		cli_progress_log(log, LOG_INFO, "settle_close",
		                 json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "phase",
		                           "end", "date", date, "owner", owner, "result",
		                           r->already ? "closed_before" : "closed", "lines",
		                           (json_int_t)r->lines, "merchants",
		                           (json_int_t)r->merchants, "parts", (json_int_t)r->parts,
		                           "expired_holds", (json_int_t)r->expired, "ms",
		                           (json_int_t)(seconds * 1000)));
}

/* The close of date with p, logged and with its progress shown. */
static int run_close(struct cli_env *env, struct settle_close_params *p, int32_t date,
                     struct run_progress *rp, struct settle_close_result *r)
{
	char text[SETTLE_DATE_TEXT];
	possum_log *log;
	int rc;

	settle_date_format(date, text);
	log = cli_progress_log_open(&env->host.cfg);
	log_run(log, text, p->owner, SETTLE_OK, NULL, 0);
	cli_progress_start(&rp->bar, "lines");
	p->progress = on_progress, p->ctx = rp, p->count = rp->bar.tty;
	rc = settle_close(env->host.data.store, p, date, r);
	cli_progress_end(&rp->bar);
	log_run(log, text, p->owner, rc, r, cli_progress_elapsed(&rp->bar));
	log_close(log);
	return rc;
}

static int run_cmd(struct cli_env *env, const void *values)
{
	const struct run *o = values;
	const char *fault = getenv("POSSUM_SETTLE_FAULT"), *part = getenv("POSSUM_SETTLE_PART");
	struct settle_close_params p;
	struct settle_close_result r;
	struct run_progress rp = {0};
	char text[SETTLE_DATE_TEXT], owner[64];
	int32_t date = 0;
	int rc;

	if (o->date != NULL && settle_date_parse(o->date, &date) != SETTLE_OK)
		return cli_usage_error(env->prog, "--date takes a date YYYY-MM-DD, not '%s'",
		                       o->date);
	if (fault_parse(fault, &rp.fault) != 0)
		return cli_usage_error(
		    env->prog,
		    "POSSUM_SETTLE_FAULT is after_lines:N, after_parts:N, in_final "
		    "or before_print, not '%s'",
		    fault);
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	host_settle_params(&env->host.cfg, (int64_t)time(NULL), &p);
	if ((rc = host_settle_issuer(env->host.data.store, &env->host.cfg, &p)) != SETTLE_OK)
		return cli_module_failed(env, settle_strerror(rc), true, false);
	host_settle_owner("admin", owner);
	p.owner = owner;
	p.part = part != NULL ? (size_t)strtoul(part, NULL, 10) : 0;
	if (date == 0 && (rc = settle_close_due(&p, &date)) != SETTLE_OK)
		return cli_module_failed(env, settle_strerror(rc), false, false);
	settle_date_format(date, text);
	if ((rc = run_close(env, &p, date, &rp, &r)) == SETTLE_EEARLY)
		return cli_error(CLI_FAILED, env->prog, "refused: %s is not yet past its cut-off",
		                 text);
	if (rc == SETTLE_EBUSY)
		return cli_error(CLI_FAILED, env->prog,
		                 "refused: the close of %s is under way (its lease is %s's)", text,
		                 r.holder);
	if (rc != SETTLE_OK)
		return cli_module_failed(env, settle_strerror(rc), rc == SETTLE_ESTORE, false);
	if (rp.fault.at == BEFORE_PRINT)
		_exit(9);
	return print_result(env, text);
}

static const cli_command settle_cmds[] = {
    {"run", "close a settlement date: lines, fees, merchant totals, ledger postings",
     .handler = run_cmd, .env = CLI_ENV_DATA, .help = run_help, CLI_OPTS(run_opts, struct run),
     .common = CLI_DATADIR, .wrong = "takes no arguments"},
    {"adjust", "adjust a merchant's balance, pending a second operator's approval",
     .row = &cli_admin_settle_adjust_row},
    {"adjustments", "list the adjustments: pending, approved, rejected",
     .row = &cli_admin_settle_adjustments_row},
    {"reconcile", "differences: terminals, host, issuer", .row = &cli_admin_settle_reconcile_row},
};

const cli_group cli_admin_settle_group = {
    "possum admin settle", "The close of a day: clearing, fees and the ledger's postings.",
    CLI_TABLE(settle_cmds)};
