/* cmd_admin_ledger.c — `possum admin ledger`: the double-entry ledger of a data directory by
 * hand. Create and show accounts, make transfers (plain, pending, post, void) and run the
 * check. Amounts are minor units; currencies are given as ISO 4217 codes, alphabetic or
 * numeric, and printed alphabetic. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/jsonval.h"
#include "common/money.h"
#include "ledger/ledger.h"

#define DATA_HELP                                                                                           \
	"  --data DIR    the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT \
	")\n"
#define JSON_HELP "  --json        print JSON\n"

/* The exit status of a ledger call that failed: bad input is a usage error, the rest a refusal
 * or a failure. */
static int ledger_failed(const struct cli_env *env, int rc)
{
	return cli_module_failed(env, ledger_strerror(rc), rc == LEDGER_ESTORE, rc == LEDGER_EARG);
}

static const char *const state_names[] = {"none", "pending", "posted", "voided", "expired"};

static const char *flags_name(uint32_t flags)
{
	switch (flags & (LEDGER_DEBITS_LIMITED | LEDGER_CREDITS_LIMITED)) {
	case LEDGER_DEBITS_LIMITED:
		return "debits-limited";
	case LEDGER_CREDITS_LIMITED:
		return "credits-limited";
	case LEDGER_DEBITS_LIMITED | LEDGER_CREDITS_LIMITED:
		return "debits-limited,credits-limited";
	}
	return "none";
}

/* A currency as JSON: its alphabetic code ("CNY"), else its three digits (jsonval.h). */
static json_t *currency_json(unsigned currency)
{
	json_t *m = jsonval_money(0, currency), *c = json_incref(json_object_get(m, "currency"));

	json_decref(m);
	return c;
}

/* An account's or a currency's four sums, each an amount with its currency. */
static void sums_json(json_t *o, unsigned currency, int64_t debits_pending, int64_t debits_posted,
                      int64_t credits_pending, int64_t credits_posted)
{
	json_object_set_new(o, "debits_pending", jsonval_money(debits_pending, currency));
	json_object_set_new(o, "debits_posted", jsonval_money(debits_posted, currency));
	json_object_set_new(o, "credits_pending", jsonval_money(credits_pending, currency));
	json_object_set_new(o, "credits_posted", jsonval_money(credits_posted, currency));
}

static void print_account(const struct ledger_account *a, int json, int utc_offset)
{
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(a->id));
		json_object_set_new(o, "code", json_string(a->code));
		json_object_set_new(o, "currency", currency_json(a->currency));
		json_object_set_new(o, "flags", json_string(flags_name(a->flags)));
		json_object_set_new(o, "limit", jsonval_money(a->limit, a->currency));
		sums_json(o, a->currency, a->debits_pending, a->debits_posted, a->credits_pending,
		          a->credits_posted);
		json_object_set_new(o, "available",
		                    jsonval_money(ledger_available(a), a->currency));
		json_object_set_new(o, "created_at", jsonval_time(a->created_at, utc_offset));
		cli_print_json(o);
		return;
	}
	printf("id               %" PRId64 "\ncode             %s\ncurrency         %u\n"
	       "flags            %s\nlimit            %" PRId64 "\ndebits_pending   %" PRId64
	       "\ndebits_posted    %" PRId64 "\ncredits_pending  %" PRId64
	       "\ncredits_posted   %" PRId64 "\navailable        %" PRId64 "\n",
	       a->id, a->code, a->currency, flags_name(a->flags), a->limit, a->debits_pending,
	       a->debits_posted, a->credits_pending, a->credits_posted, ledger_available(a));
}

static void print_transfer(const struct ledger_transfer *t, int exists, int json)
{
	static const char *const kinds[] = {"plain", "pending", "post", "", "void"};
	char id[33], pending_id[33] = "";

	ledger_id_hex(&t->id, id);
	if (!ledger_id_is_zero(&t->pending_id))
		ledger_id_hex(&t->pending_id, pending_id);
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(id));
		json_object_set_new(o, "kind", json_string(kinds[t->flags]));
		json_object_set_new(o, "debit", json_integer(t->debit_account));
		json_object_set_new(o, "credit", json_integer(t->credit_account));
		json_object_set_new(o, "amount", json_integer(t->amount));
		json_object_set_new(o, "currency", currency_json(t->currency));
		if (*pending_id != '\0')
			json_object_set_new(o, "pending_id", json_string(pending_id));
		json_object_set_new(o, "timeout", json_integer(t->timeout));
		json_object_set_new(o, "code", json_integer(t->code));
		json_object_set_new(o, "state", json_string(state_names[t->state]));
		json_object_set_new(o, "exists", json_boolean(exists));
		cli_print_json(o);
		return;
	}
	printf("id        %s\nkind      %s\ndebit     %" PRId64 "\ncredit    %" PRId64
	       "\namount    %" PRId64 "\ncurrency  %u\n",
	       id, kinds[t->flags], t->debit_account, t->credit_account, t->amount, t->currency);
	if (*pending_id != '\0')
		printf("pending   %s\n", pending_id);
	if (t->flags == LEDGER_PENDING)
		printf("timeout   %" PRId64 "\nstate     %s\n", t->timeout, state_names[t->state]);
	if (exists)
		printf("(exists already: nothing new)\n");
}

/* --- check --- */

static const char check_help[] =
    "[--data DIR] [--json]\n"
    "\n"
    "Verifies the ledger from its transfers: each account's sums, debits equal to credits per\n"
    "currency, limits, pending transfers resolved at most once. Prints the totals per\n"
    "currency and each violation.\n"
    "\n" DATA_HELP JSON_HELP "\n"
    "Exit status: 0 sound; 1 violations found, or the check failed; 2 bad usage.\n";

static void collect_violation(void *ctx, const char *what)
{
	if (ctx != NULL)
		json_array_append_new(ctx, json_string(what));
	else
		printf("violation: %s\n", what);
}

static int ledger_check_cmd(struct cli_env *env, const void *values)
{
	struct ledger_report r;
	json_t *violations = NULL;
	int rc;

	(void)values; /* it has no options of its own */
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if (env->json)
		violations = json_array();
	if ((rc = ledger_check(env->host.data.store, &r, collect_violation, violations)) !=
	    LEDGER_OK) {
		json_decref(violations);
		return ledger_failed(env, rc);
	}
	if (env->json) {
		json_t *o = json_object(), *cur = json_array();
		for (size_t i = 0; i < r.currencies; i++) {
			const struct ledger_totals *t = &r.totals[i];
			json_t *c = json_object();
			json_object_set_new(c, "currency", currency_json(t->currency));
			json_object_set_new(c, "accounts", json_integer((json_int_t)t->accounts));
			json_object_set_new(c, "transfers", json_integer((json_int_t)t->transfers));
			sums_json(c, t->currency, t->debits_pending, t->debits_posted,
			          t->credits_pending, t->credits_posted);
			json_array_append_new(cur, c);
		}
		json_object_set_new(o, "currencies", cur);
		json_object_set_new(o, "violations", violations);
		cli_print_json(o);
	} else {
		for (size_t i = 0; i < r.currencies; i++) {
			const struct ledger_totals *t = &r.totals[i];
			printf("currency %u: %zu accounts, %zu transfers; debits %" PRId64
			       " pending, %" PRId64 " posted; credits %" PRId64 " pending, %" PRId64
			       " posted\n",
			       t->currency, t->accounts, t->transfers, t->debits_pending,
			       t->debits_posted, t->credits_pending, t->credits_posted);
		}
		printf("%zu violations\n", r.violations);
	}
	return r.violations == 0 ? CLI_OK : CLI_FAILED;
}

/* --- account create, account show --- */

static const char account_create_help[] =
    "--code CODE --currency CUR [--flags FLAGS] [--limit N] [--data DIR] [--json]\n"
    "\n"
    "Creates an account and prints it.\n"
    "\n"
    "  --code CODE      what it is: card, funding, settlement, ... (up to 15 characters)\n"
    "  --currency CUR   ISO 4217, alphabetic or numeric: CNY or 156, USD or 840\n"
    "  --flags FLAGS    debits-limited (debits up to credits posted plus the limit: a card's\n"
    "                   account), credits-limited (the mirror image), or both, comma-separated\n"
    "  --limit N        the limit in minor units (a credit line), default 0\n" DATA_HELP JSON_HELP
    "\n"
    "Exit status: 0 created; 1 failed; 2 bad usage.\n";

static int currency_usage(const char *prog, const char *text)
{
	return cli_usage_error(prog, "--currency takes an ISO 4217 code, CNY or 156, not '%s'",
	                       text);
}

static int parse_flags(const char *prog, const char *text, uint32_t *flags)
{
	static const struct {
		const char *name;
		uint32_t flags;
	} names[] = {
	    {"debits-limited", LEDGER_DEBITS_LIMITED},
	    {"credits-limited", LEDGER_CREDITS_LIMITED},
	    {"debits-limited,credits-limited", LEDGER_DEBITS_LIMITED | LEDGER_CREDITS_LIMITED},
	    {"none", 0}};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(text, names[i].name) == 0) {
			*flags = names[i].flags;
			return CLI_OK;
		}
	}
	return cli_usage_error(prog, "--flags is debits-limited, credits-limited or both, not '%s'",
	                       text);
}

/* `account create`'s options. */
struct account_create {
	const char *code, *currency, *flags, *limit;
};

static const cli_opt account_create_opts[] = {CLI_TEXT("code", struct account_create, code),
                                              CLI_TEXT("currency", struct account_create, currency),
                                              CLI_TEXT("flags", struct account_create, flags),
                                              CLI_TEXT("limit", struct account_create, limit)};

static int account_create_cmd(struct cli_env *env, const void *values)
{
	const struct account_create *o = values;
	const char *prog = env->prog;
	struct ledger_account a = {0};
	int rc;

	if (o->code == NULL || o->currency == NULL)
		return cli_usage_error(prog, "--code and --currency are required");
	if (*o->code == '\0' || strlen(o->code) > LEDGER_CODE_MAX)
		return cli_usage_error(prog, "--code takes 1 to %d characters", LEDGER_CODE_MAX);
	strcpy(a.code, o->code);
	if ((a.currency = (uint16_t)money_code(o->currency)) == 0)
		return currency_usage(prog, o->currency);
	if (o->flags != NULL && (rc = parse_flags(prog, o->flags, &a.flags)) != CLI_OK)
		return rc;
	if (o->limit != NULL &&
	    (rc = cli_int64(prog, "limit", o->limit, 0, INT64_MAX, &a.limit)) != CLI_OK)
		return rc;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = ledger_account_create(env->host.data.store, &a, time(NULL), &a.id)) !=
	        LEDGER_OK ||
	    (rc = ledger_account_get(env->host.data.store, a.id, &a)) != LEDGER_OK)
		rc = ledger_failed(env, rc);
	else
		print_account(&a, env->json, env->host.cfg.utc_offset);
	return rc;
}

static const char account_show_help[] =
    "ID [--data DIR] [--json]\n"
    "\n"
    "Prints account ID: its sums, its limit and what it may still be debited.\n"
    "\n" DATA_HELP JSON_HELP "\n"
    "Exit status: 0 shown; 1 no such account; 2 bad usage.\n";

static int account_show_cmd(struct cli_env *env, const void *values)
{
	struct ledger_account a;
	int64_t id;
	int rc;

	(void)values; /* it has no options of its own */
	if ((rc = cli_int64(env->prog, "ID", env->operands[0], 1, INT64_MAX, &id)) != CLI_OK)
		return rc;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = ledger_account_get(env->host.data.store, id, &a)) != LEDGER_OK)
		rc = ledger_failed(env, rc);
	else
		print_account(&a, env->json, env->host.cfg.utc_offset);
	return rc;
}

static const cli_command account_cmds[] = {
    {"create", "create an account", .handler = account_create_cmd, .env = CLI_ENV_DATA,
     .help = account_create_help, CLI_OPTS(account_create_opts, struct account_create),
     .common = CLI_DATA | CLI_JSON, .wrong = "takes no arguments"},
    {"show", "show an account", .handler = account_show_cmd, .env = CLI_ENV_DATA | CLI_ENV_READ,
     .help = account_show_help, .common = CLI_DATA | CLI_JSON, CLI_ONE("takes one account ID")},
};

static const cli_group account_group = {"possum admin ledger account", "The ledger's accounts.",
                                        CLI_TABLE(account_cmds)};

/* --- transfer --- */

static const char transfer_help[] =
    "--debit ID --credit ID --amount N --currency CUR [--pending [--timeout S]]\n"
    "       | --post HEX [--amount N] | --void HEX\n"
    "       [--id HEX] [--code N] [--data DIR] [--json]\n"
    "\n"
    "Moves an amount (minor units) from the debited account to the credited one; with\n"
    "--pending holds it until posted, voided or expired (after --timeout seconds; 0 never).\n"
    "--post posts a pending transfer, the whole or --amount of it (the rest released);\n"
    "--void releases it all. A post or void takes the pending transfer's accounts and\n"
    "currency. --id (32 hex digits) makes a retry find its transfer; default random.\n"
    "--currency is ISO 4217, alphabetic or numeric: CNY or 156.\n"
    "\n" DATA_HELP JSON_HELP "\n"
    "Exit status: 0 done (or the same transfer exists); 1 refused; 2 bad usage.\n";

struct transfer_args {
	const char *debit, *credit, *amount, *currency, *id, *timeout, *post, *void_, *code;
	int pending;
};

/* The transfer the options ask for, or the exit status of a usage error. */
static int transfer_parse(const char *prog, const struct transfer_args *o,
                          struct ledger_transfer *t)
{
	const char *pid = o->post != NULL ? o->post : o->void_;
	int rc;
	int64_t v;

	*t = (struct ledger_transfer){0};
	if ((o->post != NULL) + (o->void_ != NULL) + o->pending > 1)
		return cli_usage_error(prog, "--pending, --post and --void exclude each other");
	if (o->timeout != NULL && !o->pending)
		return cli_usage_error(prog, "--timeout goes with --pending");
	if (pid == NULL &&
	    (o->debit == NULL || o->credit == NULL || o->amount == NULL || o->currency == NULL))
		return cli_usage_error(prog,
		                       "--debit, --credit, --amount and --currency are required");
	if (pid != NULL) {
		if (ledger_id_parse(pid, &t->pending_id) != LEDGER_OK)
			return cli_usage_error(prog, "--%s takes a transfer id, 32 hex digits",
			                       o->post != NULL ? "post" : "void");
		t->flags = o->post != NULL ? LEDGER_POST : LEDGER_VOID;
	} else if (o->pending) {
		t->flags = LEDGER_PENDING;
	}
	if (o->id != NULL ? ledger_id_parse(o->id, &t->id) != LEDGER_OK
	                  : ledger_id_new(&t->id) != LEDGER_OK)
		return cli_usage_error(prog, "--id takes 32 hex digits, not all zero");
	if ((o->debit != NULL && (rc = cli_int64(prog, "debit", o->debit, 1, INT64_MAX,
	                                         &t->debit_account)) != CLI_OK) ||
	    (o->credit != NULL && (rc = cli_int64(prog, "credit", o->credit, 1, INT64_MAX,
	                                          &t->credit_account)) != CLI_OK) ||
	    (o->amount != NULL &&
	     (rc = cli_int64(prog, "amount", o->amount, 1, INT64_MAX, &t->amount)) != CLI_OK) ||
	    (o->timeout != NULL &&
	     (rc = cli_int64(prog, "timeout", o->timeout, 0, INT64_MAX, &t->timeout)) != CLI_OK))
		return rc;
	if (o->currency != NULL && (t->currency = (uint16_t)money_code(o->currency)) == 0)
		return currency_usage(prog, o->currency);
	if (o->code != NULL) {
		if ((rc = cli_int64(prog, "code", o->code, 0, UINT32_MAX, &v)) != CLI_OK)
			return rc;
		t->code = (uint32_t)v;
	}
	return CLI_OK;
}

static const cli_opt transfer_opts[] = {CLI_TEXT("debit", struct transfer_args, debit),
                                        CLI_TEXT("credit", struct transfer_args, credit),
                                        CLI_TEXT("amount", struct transfer_args, amount),
                                        CLI_TEXT("currency", struct transfer_args, currency),
                                        CLI_TEXT("id", struct transfer_args, id),
                                        CLI_SET("pending", struct transfer_args, pending),
                                        CLI_TEXT("timeout", struct transfer_args, timeout),
                                        CLI_TEXT("post", struct transfer_args, post),
                                        CLI_TEXT("void", struct transfer_args, void_),
                                        CLI_TEXT("code", struct transfer_args, code)};

static int transfer_cmd(struct cli_env *env, const void *values)
{
	struct ledger_transfer t, out;
	int rc;

	if ((rc = transfer_parse(env->prog, values, &t)) != CLI_OK)
		return rc;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = ledger_transfer_create(env->host.data.store, &t, time(NULL), &out);
	if (rc == LEDGER_OK || rc == LEDGER_EXISTS) {
		print_transfer(&out, rc == LEDGER_EXISTS, env->json);
		rc = CLI_OK;
	} else {
		rc = ledger_failed(env, rc);
	}
	return rc;
}

static const cli_command ledger_cmds[] = {
    {"check", "verify every invariant of the ledger", .handler = ledger_check_cmd,
     .env = CLI_ENV_DATA | CLI_ENV_READ, .help = check_help, .common = CLI_DATA | CLI_JSON,
     .wrong = "takes no arguments"},
    {"account", "create and show accounts", .group = &account_group},
    {"transfer", "make a transfer: plain, pending, post or void", .handler = transfer_cmd,
     .env = CLI_ENV_DATA, .help = transfer_help, CLI_OPTS(transfer_opts, struct transfer_args),
     .common = CLI_DATA | CLI_JSON, .wrong = "takes no arguments"},
};

const cli_group cli_admin_ledger_group = {
    "possum admin ledger",
    "The double-entry ledger: accounts of one currency each, transfers\n"
    "between them (amounts in minor units), and the check.",
    CLI_TABLE(ledger_cmds)};
