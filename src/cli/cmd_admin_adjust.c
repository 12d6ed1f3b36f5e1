/* cmd_admin_adjust.c — `possum admin settle adjust` and `adjustments`: a change of a merchant's
 * balance made by hand (docs/settle.md "Adjustments"). `adjust` makes one, pending, as
 * "cli:USER"; a second operator approves or rejects it through the API, never here. Their rows
 * are named by cmd_admin_settle.c's table. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/jsonval.h"
#include "settle/settle_adjust.h"
#include "store/store_settle.h"

#define CNY 156

#define DATA_HELP                                                                                                \
	"  --config FILE      the config file (default $POSSUM_CONFIG)\n"                                        \
	"  --data DIR         the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT \
	")\n"
#define ADJUST_JSON                                                                                \
	"{\"id\", \"mid\", \"amount\", \"currency\", \"reason\",\n"                                \
	"                     \"status\", \"maker\", \"checker\", \"created\", \"decided\",\n"     \
	"                     \"payout_id\"}"

static const char adjust_help[] =
    "--merchant MID --amount ±A --reason TEXT [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Makes an adjustment of merchant MID's balance: A in yuan (12.50, +12.50: the merchant is\n"
    "owed more; -12.50: less; not 0), for REASON (one line, at most 200 bytes). It is pending,\n"
    "and posts nothing, until a second operator approves it through the API (POST\n"
    "/api/v1/settle/adjustments/ID/approve, an operator's token); approved, the ledger moves it\n"
    "between the adjustments account and the merchant's payable, and the next payout run pays\n"
    "it (or offsets it). Made as cli:$USER, in the audit log (adjustment.create).\n"
    "\n"
    "  --merchant MID     the merchant (it must exist)\n"
    "  --amount ±A        the amount in yuan, signed\n"
    "  --reason TEXT      why\n" DATA_HELP "  --json             print JSON: " ADJUST_JSON "\n"
    "\n"
    "Exit status: 0 made (pending); 1 failed (no such merchant); 2 bad usage.\n";

static const char list_help[] =
    "[--status pending|approved|rejected] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the adjustments, oldest first: amount, merchant, status, who made it and who\n"
    "approved or rejected it, and the payout that took it. Amounts are fen in JSON, yuan\n"
    "(12.34 CNY) in the table; times local ([host] utc_offset).\n"
    "\n"
    "  --status S         those of status S only\n" DATA_HELP
    "  --json             print JSON: {\"items\": [" ADJUST_JSON "],\n"
    "                     \"next\": null}\n"
    "\n"
    "Exit status: 0 listed; 1 failed; 2 bad usage.\n";

struct adjust {
	const char *mid, *amount, *reason;
};

/* A signed amount in yuan: "-12.50", "+3.00", "7". */
static int signed_amount(const char *prog, const char *text, int64_t *out)
{
	bool minus = text[0] == '-';
	int rc;

	if ((rc = cli_amount(prog, "amount", text + (text[0] == '-' || text[0] == '+'), CNY,
	                     out)) != CLI_OK)
		return rc;
	if (*out == 0)
		return cli_usage_error(prog, "--amount must not be 0");
	if (*out > SETTLE_ADJUST_AMOUNT_MAX)
		return cli_usage_error(prog, "--amount: amount too large");
	if (minus)
		*out = -*out;
	return CLI_OK;
}

static int adjust_cmd(struct cli_env *env, const void *values)
{
	const struct adjust *o = values;
	struct store_settle_adjust a;
	char money[CLI_MONEY_TEXT];
	int64_t amount;
	int rc;

	if ((rc = signed_amount(env->prog, o->amount, &amount)) != CLI_OK)
		return rc;
	if (!text_is_line(o->reason, SETTLE_ADJUST_REASON_MAX))
		return cli_usage_error(env->prog, "--reason: one line of 1 to %d bytes",
		                       SETTLE_ADJUST_REASON_MAX);
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = settle_adjust_create(env->host.data.store, env->actor, o->mid, amount, o->reason,
	                          (int64_t)time(NULL), &a);
	if (rc == SETTLE_ENOTFOUND)
		return cli_error(CLI_FAILED, env->prog, "no such merchant: %s", o->mid);
	if (rc != SETTLE_OK)
		return cli_module_failed(env, settle_strerror(rc), rc == SETTLE_ESTORE,
		                         rc == SETTLE_EARG);
	if (env->json) {
		cli_print_json(settle_adjust_json(&a, env->host.cfg.utc_offset));
		return CLI_OK;
	}
	cli_money_text(a.amount, CNY, money);
	printf("adjustment %" PRId64
	       " of %s: %s, pending: it awaits a second operator's approval\n",
	       a.id, a.mid, money);
	return CLI_OK;
}

struct listing {
	json_t *items;
	const struct cli_env *env;
};

static int print_adjust(void *ctx, const struct store_settle_adjust *a)
{
	struct listing *l = ctx;
	char money[CLI_MONEY_TEXT], created[TEXT_TIME_LEN], payout[24] = "-";

	if (l->items != NULL)
		return json_array_append_new(l->items,
		                             settle_adjust_json(a, l->env->host.cfg.utc_offset));
	cli_money_text(a->amount, CNY, money);
	if (a->payout_id != 0)
		snprintf(payout, sizeof payout, "%" PRId64, a->payout_id);
	printf("%-6" PRId64 " %-15s %18s  %-8s  %-19s  %-20s %-20s %-6s %s\n", a->id, a->mid, money,
	       a->status, cli_time(l->env, a->created_at, created), a->maker,
	       a->checker[0] != '\0' ? a->checker : "-", payout, a->reason);
	return 0;
}

static int list_cmd(struct cli_env *env, const void *values)
{
	const struct store_settle_adjust_filter *o = values;
	struct store_settle_adjust_filter f = {.status = o->status};
	struct listing l = {.env = env};
	int rc;

	if (f.status != NULL && strcmp(f.status, "pending") != 0 &&
	    strcmp(f.status, "approved") != 0 && strcmp(f.status, "rejected") != 0)
		return cli_usage_error(
		    env->prog, "--status is pending, approved or rejected, not '%s'", f.status);
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if (env->json && (l.items = json_array()) == NULL)
		return cli_error(CLI_FAILED, env->prog, "out of memory");
	if (!env->json)
		printf("%-6s %-15s %18s  %-8s  %-19s  %-20s %-20s %-6s %s\n", "ID", "MID", "AMOUNT",
		       "STATUS", "CREATED", "MAKER", "CHECKER", "PAYOUT", "REASON");
	if (store_settle_adjusts(env->host.data.store, &f, print_adjust, &l) != STORE_OK) {
		json_decref(l.items);
		return cli_module_failed(env, settle_strerror(SETTLE_ESTORE), true, false);
	}
	if (env->json)
		cli_print_json(jsonval_page(l.items, NULL));
	return CLI_OK;
}

/* The rows of `possum admin settle adjust` and `adjustments` (cmd_admin_settle.c's table). */
const cli_command cli_admin_settle_adjust_row = {
    "adjust",
    "adjust a merchant's balance, pending a second operator's approval",
    .handler = adjust_cmd,
    .env = CLI_ENV_DATA,
    .help = adjust_help,
    CLI_OPTIONS(struct adjust, CLI_NEED("merchant", struct adjust, mid),
                CLI_NEED("amount", struct adjust, amount),
                CLI_NEED("reason", struct adjust, reason)),
    .common = CLI_DATADIR,
    .wrong = "takes no arguments"};

const cli_command cli_admin_settle_adjustments_row = {
    "adjustments",
    "list the adjustments: pending, approved, rejected",
    .handler = list_cmd,
    .env = CLI_ENV_DATA | CLI_ENV_READ,
    .help = list_help,
    CLI_OPTIONS(struct store_settle_adjust_filter,
                CLI_TEXT("status", struct store_settle_adjust_filter, status)),
    .common = CLI_DATADIR,
    .wrong = "takes no arguments"};
