/* cmd_admin_statement.c — `possum admin statement`: a merchant's statement of a settlement
 * date (docs/settle.md "Statements"), every transaction with its fee and net, the day's totals
 * and the payout that holds the day, as a table, CSV, a printable HTML page or JSON — the
 * renderer the API's GET /api/v1/merchants/{mid}/statements/{date} uses too. */
#include <stdio.h>

#include "cli/cli.h"
#include "settle/settle_statement.h"

static const char statement_help[] =
    "--merchant MID --date YYYY-MM-DD [--format text|csv|html|json] [--config FILE]\n"
    "       [--data DIR] [--json]\n"
    "\n"
    "Prints merchant MID's statement of settlement date --date: every transaction of the day\n"
    "(local time, TID, type, card masked, card product, RRN, auth code) with its amount, fee\n"
    "and net, the day's totals (count, amount, fees, net, as `possum admin settle run` prints\n"
    "them), and the payout that holds the day and its state (made, paid or failed), or the day\n"
    "still owed and why. A day not yet closed lists the approved payments so far, marked not\n"
    "closed, without fees, nets or payout.\n"
    "\n"
    "  --merchant MID     the merchant (15 characters)\n"
    "  --date YYYY-MM-DD  the settlement date\n"
    "  --format FORMAT    text (the default: a table), csv (a header line and a line a\n"
    "                     transaction, RFC 4180, amounts in yuan, times RFC 3339), html (a page\n"
    "                     to print on A4, 40 lines a page) or json ({\"mid\", \"merchant_name\",\n"
    "                     \"date\", \"closed\", \"items\": [...], \"next\": null, \"totals\",\n"
    "                     \"payout\"}, money as {\"amount\", \"currency\"})\n"
    "  --config FILE      the config file (default $POSSUM_CONFIG): [host] utc_offset\n"
    "  --data DIR         the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json             the same as --format json\n"
    "\n"
    "Exit status: 0 printed; 1 no such merchant, or a failure; 2 bad usage.\n";

struct opts {
	const char *merchant, *date, *format;
};

/* The format of --format and --json: CLI_OK, or the usage error said. */
static int format_of(struct cli_env *env, const struct opts *o,
                     enum settle_statement_format *format)
{
	*format = env->json ? SETTLE_STATEMENT_JSON : SETTLE_STATEMENT_TEXT;
	if (o->format == NULL)
		return CLI_OK;
	if (settle_statement_format_parse(o->format, format) != SETTLE_OK)
		return cli_usage_error(
		    env->prog, "--format takes text, csv, html or json, not '%s'", o->format);
	if (env->json && *format != SETTLE_STATEMENT_JSON)
		return cli_usage_error(env->prog, "--json and --format %s: one of them", o->format);
	return CLI_OK;
}

static int statement(struct cli_env *env, const void *values)
{
	const struct opts *o = values;
	struct settle_statement st;
	enum settle_statement_format format;
	int32_t date;
	int rc;

	if ((rc = format_of(env, o, &format)) != CLI_OK)
		return rc;
	if (settle_date_parse(o->date, &date) != SETTLE_OK)
		return cli_usage_error(env->prog, "--date takes a date YYYY-MM-DD, not '%s'",
		                       o->date);
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = settle_statement_build(env->host.data.store, o->merchant, date, &st);
	if (rc == SETTLE_ENOTFOUND)
		rc = cli_error(CLI_FAILED, env->prog, "no such merchant: %s", o->merchant);
	else if (rc != SETTLE_OK)
		rc = cli_module_failed(env, settle_strerror(rc), rc == SETTLE_ESTORE, false);
	else if (settle_statement_write(&st, format, env->host.cfg.utc_offset, stdout) != SETTLE_OK)
		rc = cli_error(CLI_FAILED, env->prog, "the statement could not be written");
	else
		rc = CLI_OK;
	settle_statement_free(&st);
	return rc;
}

/* `possum admin statement`'s row (cmd_admin.c's table names it). */
const cli_command cli_admin_statement_row = {
    "statement",
    NULL,
    .handler = statement,
    .env = CLI_ENV_DATA | CLI_ENV_READ,
    .help = statement_help,
    CLI_OPTIONS(struct opts, CLI_NEED("merchant", struct opts, merchant),
                CLI_NEED("date", struct opts, date), CLI_TEXT("format", struct opts, format)),
    .common = CLI_DATADIR};
