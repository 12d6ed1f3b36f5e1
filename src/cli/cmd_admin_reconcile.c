/* cmd_admin_reconcile.c — `possum admin settle reconcile` (docs/settle.md "Reconciliation"):
 * every difference of a settlement date between the terminals' batches and the host's records,
 * and between the host's records and the local issuer's decisions, each with the transaction's
 * keys, as a table or as the product's list in JSON. It adjusts nothing. Its row is
 * cmd_admin_settle.c's table's. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/jsonval.h"
#include "host/settle.h"
#include "settle/settle_reconcile.h"

static const char reconcile_help[] =
    "--date YYYY-MM-DD [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists every difference of settlement date --date; adjusts nothing. The terminals'\n"
    "batches settled that day against the host's records: totals that differ (totals_differ)\n"
    "and, for a batch uploaded, each transaction uploaded but not the host's (terminal_only),\n"
    "the host's but not uploaded (host_only), or of another amount or card (amount_differs,\n"
    "card_differs). The host's requests of the day against the local issuer's decisions:\n"
    "host_only (no decision, or declined), issuer_only (an approval no request of the host's\n"
    "names, or that the host declined), reversed_differs, amount_differs. Amounts are fen in\n"
    "JSON, yuan (12.34 CNY) in the table; cards masked.\n"
    "\n"
    "  --date YYYY-MM-DD  the settlement date (required)\n"
    "  --config FILE      the config file (default $POSSUM_CONFIG): [settle] cutoff, [host]\n"
    "                     utc_offset (which decisions are the day's)\n"
    "  --data DIR         the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json             print JSON: {\"date\", \"items\": [{\"kind\", \"side\", \"tid\", \"mid\",\n"
    "                     \"batch\", \"stan\", \"rrn\", \"card\", \"type\", \"what\", \"detail\",\n"
    "                     \"amount\", \"other_amount\", …}], \"next\": null, \"counts\"};\n"
    "                     an amount is absent where that side has none\n"
    "\n"
    "Exit status: 0 no difference; 1 differences listed, or failed; 2 bad usage.\n";

struct reconcile_opts {
	const char *date;
};

static const cli_opt reconcile_opts[] = {CLI_NEED("date", struct reconcile_opts, date)};

/* A row of the table: its amounts in yuan, "-" for what a side lacks. */
static void item_line(const struct settle_recon_item *it)
{
	char amount[CLI_MONEY_TEXT] = "-", other[CLI_MONEY_TEXT] = "-", batch[8] = "-", why[48];

	if (it->has_amount)
		cli_money_text(it->amount, (unsigned)it->currency, amount);
	if (it->has_other)
		cli_money_text(it->other_amount, (unsigned)it->currency, other);
	if (it->batch != 0)
		snprintf(batch, sizeof batch, "%06d", it->batch);
	if (it->kind == SETTLE_RECON_TOTALS_DIFFER)
		snprintf(why, sizeof why, "%s count %d/%d", it->what, it->count, it->other_count);
	else
		snprintf(why, sizeof why, "%s%s%s", it->type,
		         it->type[0] && it->detail[0] ? " " : "", it->detail);
	printf("%-16s %-13s %-8s %-6s %-6s %-12s %-19s %16s %16s  %s\n",
	       settle_recon_kind_name(it->kind), settle_recon_side_name(it->side),
	       it->tid[0] ? it->tid : "-", batch, it->stan[0] ? it->stan : "-",
	       it->rrn[0] ? it->rrn : "-", it->card[0] ? it->card : "-", amount, other,
	       why[0] ? why : "-");
}

static int each_item(void *ctx, const struct settle_recon_item *it)
{
	json_t *items = ctx;

	if (items == NULL) {
		item_line(it);
		return 0;
	}
	return json_array_append_new(items, settle_recon_item_json(it)) == 0 ? 0 : 1;
}

static json_t *counts_json(const struct settle_recon_counts *n)
{
	json_t *o = json_object();

	for (int k = 0; o != NULL && k < SETTLE_RECON_KINDS; k++)
		json_object_set_new(o, settle_recon_kind_name(k), json_integer(n->n[k]));
	if (o != NULL)
		json_object_set_new(o, "all", json_integer(n->total));
	return o;
}

static int reconcile_cmd(struct cli_env *env, const void *values)
{
	const struct reconcile_opts *o = values;
	struct settle_close_params cp;
	struct settle_recon_params p;
	struct settle_recon_counts n;
	char text[SETTLE_DATE_TEXT];
	json_t *items = NULL;
	int32_t date;
	int rc;

	if (settle_date_parse(o->date, &date) != SETTLE_OK)
		return cli_usage_error(env->prog, "--date takes a date YYYY-MM-DD, not '%s'",
		                       o->date);
	settle_date_format(date, text);
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	host_settle_params(&env->host.cfg, (int64_t)time(NULL), &cp);
	p = (struct settle_recon_params){cp.cal, cp.utc_offset};
	if (env->json && (items = json_array()) == NULL)
		return cli_error(CLI_FAILED, env->prog, "out of memory");
	if (!env->json)
		printf("%-16s %-13s %-8s %-6s %-6s %-12s %-19s %16s %16s  %s\n", "KIND", "SIDE",
		       "TID", "BATCH", "STAN", "RRN", "CARD", "AMOUNT", "OTHER", "WHAT");
	if ((rc = settle_reconcile(env->host.data.store, &p, date, each_item, items, &n)) !=
	    SETTLE_OK) {
		json_decref(items);
		return cli_module_failed(env, settle_strerror(rc), rc == SETTLE_ESTORE, false);
	}
	if (env->json)
		cli_print_json(json_pack("{s:s, s:o, s:n, s:o}", "date", text, "items", items,
		                         "next", "counts", counts_json(&n)));
	else
		printf("settlement date %s: %" PRId64 " difference%s\n", text, n.total,
		       n.total == 1 ? "" : "s");
	return n.total == 0 ? CLI_OK : CLI_FAILED;
}

/* `possum admin settle reconcile`'s row (cmd_admin_settle.c's table names it). */
const cli_command cli_admin_settle_reconcile_row = {
    "reconcile",
    "every difference of a day: terminals against the host, the host against the issuer",
    .handler = reconcile_cmd,
    .env = CLI_ENV_DATA | CLI_ENV_READ,
    .help = reconcile_help,
    CLI_OPTS(reconcile_opts, struct reconcile_opts),
    .common = CLI_DATADIR,
    .wrong = "takes no arguments"};
