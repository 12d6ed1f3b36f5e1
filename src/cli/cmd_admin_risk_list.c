/* cmd_admin_risk_list.c — `possum admin risk list add|remove|show`: the blocked and watched
 * lists of the risk rules (docs/risk.md "Lists"), read at each transaction: a change applies to
 * the next one, without a reload. Cards are kept by their keyed hash and shown masked. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "acquirer/risk_admin.h"
#include "cli/cli.h"
#include "common/jsonval.h"

struct lopts {
	const char *card, *terminal, *merchant, *list, *reason;
};

#define LIST_HELP(first, extra)                                                                    \
	first "--card PAN|--terminal TID|--merchant MID --list blocked|watched" extra "\n"         \
	      "       [--config FILE] [--data DIR] [--json]\n"                                     \
	      "\n"
#define OBJECT_HELP                                                                                \
	"  --card PAN      a card: kept by its keyed hash, shown masked (6/4)\n"                   \
	"  --terminal TID  a terminal (8 characters)\n"                                            \
	"  --merchant MID  a merchant (15 characters)\n"                                           \
	"  --list LIST     blocked or watched\n"
#define COMMON_HELP                                                                                \
	"  --config FILE   the config file (default $POSSUM_CONFIG)\n"                             \
	"  --data DIR      the data directory (default $POSSUM_DATA, the config's, else "          \
	"./possum-data)\n"                                                                         \
	"  --json          print the entry as the API does: {\"kind\",\"list\",\"key\",\n"         \
	"                  \"card\"|\"tid\"|\"mid\",\"reason\",\"at\"}\n"

static const char add_help[] = LIST_HELP(
    "",
    " [--reason TEXT]") "Puts a card, terminal or merchant on a list; the next "
                        "transaction sees it.\n"
                        "\n" OBJECT_HELP
                        "  --reason TEXT   why (one line), kept with the entry and in the audit log\n" COMMON_HELP
                        "\n"
                        "Exit status: 0 added (or its reason updated); 1 a failure; 2 bad usage (a bad PAN, TID,\n"
                        "MID or list).\n";

static const char remove_help[] =
    LIST_HELP("", "") "Takes a card, terminal or merchant off a list; the next transaction sees "
                      "it.\n"
                      "\n" OBJECT_HELP COMMON_HELP "\n"
                      "Exit status: 0 removed; 1 not on the list, or a failure; 2 bad usage.\n";

static const char show_help[] =
    "[--card PAN|--terminal TID|--merchant MID] --list blocked|watched\n"
    "       [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Without an object, lists the list's entries (cards masked); with one, shows that entry.\n"
    "\n" OBJECT_HELP COMMON_HELP "          (a list: {\"items\":[…],\"next\":null})\n"
    "\n"
    "Exit status: 0 shown; 1 the object is not on the list, or a failure; 2 bad usage.\n";

/* The one object of --card, --terminal, --merchant into *e (its kind, key, masked); none
 * given is *none (show lists then), else bad usage. */
static int read_object(struct cli_env *env, const struct lopts *o, struct store_risk_entry *e,
                       bool *none)
{
	const char *kinds[3] = {"card", "terminal", "merchant"};
	const char *values[3] = {o->card, o->terminal, o->merchant};
	int n = 0, which = 0, rc;

	for (int i = 0; i < 3; i++)
		if (values[i] != NULL)
			n++, which = i;
	if (o->list == NULL || (strcmp(o->list, "blocked") != 0 && strcmp(o->list, "watched") != 0))
		return cli_usage_error(env->prog, "--list: blocked or watched");
	snprintf(e->list, sizeof e->list, "%s", o->list);
	if (n > 1)
		return cli_usage_error(env->prog, "one of --card, --terminal, --merchant");
	if ((*none = n == 0))
		return CLI_OK;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = acquirer_risk_object(env->host.acquirer, kinds[which], values[which], e);
	if (rc == ACQUIRER_EARG)
		return cli_usage_error(env->prog, "--%s: %s", kinds[which],
		                       which == 0   ? "not a card number (12 to 19 digits, Luhn)"
		                       : which == 1 ? "a TID of 8 letters or digits"
		                                    : "a MID of 15 letters or digits");
	return rc == ACQUIRER_OK ? CLI_OK
	                         : cli_error(CLI_FAILED, env->prog, "%s", acquirer_strerror(rc));
}

static void print_entry(const struct cli_env *env, const struct store_risk_entry *e,
                        const char *what)
{
	char at[TEXT_TIME_LEN];

	if (env->json) {
		cli_print_json(acquirer_risk_entry_json(e, env->host.cfg.utc_offset));
		return;
	}
	printf("%s%s %s %s  %s  %s\n", what, e->list, e->kind, e->masked, cli_time(env, e->at, at),
	       e->reason);
}

static int list_add(struct cli_env *env, const void *values)
{
	const struct lopts *o = values;
	struct store_risk_entry e = {0};
	bool none = false;
	int rc;

	if (o->reason != NULL && strpbrk(o->reason, "\r\n") != NULL)
		return cli_usage_error(env->prog, "--reason takes one line of text");
	if ((rc = read_object(env, o, &e, &none)) != CLI_OK)
		return rc;
	if (none)
		return cli_usage_error(env->prog, "--card, --terminal or --merchant is required");
	snprintf(e.reason, sizeof e.reason, "%s", o->reason != NULL ? o->reason : "");
	rc = acquirer_risk_list_add(env->host.acquirer, env->actor, &e, (int64_t)time(NULL));
	if (rc != ACQUIRER_OK)
		return cli_error(CLI_FAILED, env->prog, "%s", acquirer_strerror(rc));
	print_entry(env, &e, "added: ");
	return CLI_OK;
}

static int list_remove(struct cli_env *env, const void *values)
{
	struct store_risk_entry e = {0}, old;
	bool none = false;
	int rc;

	if ((rc = read_object(env, values, &e, &none)) != CLI_OK)
		return rc;
	if (none)
		return cli_usage_error(env->prog, "--card, --terminal or --merchant is required");
	rc = acquirer_risk_list_remove(env->host.acquirer, env->actor, e.kind, e.key, e.list,
	                               (int64_t)time(NULL), &old);
	if (rc == ACQUIRER_ENOTFOUND)
		return cli_error(CLI_FAILED, env->prog, "%s %s is not on the %s list", e.kind,
		                 e.masked, e.list);
	if (rc != ACQUIRER_OK)
		return cli_error(CLI_FAILED, env->prog, "%s", acquirer_strerror(rc));
	print_entry(env, &old, "removed: ");
	return CLI_OK;
}

struct shown {
	const struct cli_env *env;
	json_t *items;
	size_t n;
};

static int show_one(void *ctx, const struct store_risk_entry *e)
{
	struct shown *s = ctx;

	s->n++;
	if (s->items != NULL)
		return json_array_append_new(
		           s->items, acquirer_risk_entry_json(e, s->env->host.cfg.utc_offset)) != 0;
	print_entry(s->env, e, "");
	return 0;
}

static int list_show(struct cli_env *env, const void *values)
{
	struct store_risk_entry e = {0}, found;
	struct shown s = {env, NULL, 0};
	bool none = false;
	int rc;

	if ((rc = read_object(env, values, &e, &none)) != CLI_OK ||
	    (none && (rc = cli_env_open(env)) != CLI_OK))
		return rc;
	if (!none) {
		rc = store_risk_list_find(env->host.data.store, e.kind, e.key, e.list, &found);
		if (rc == STORE_ENOTFOUND)
			return cli_error(CLI_FAILED, env->prog, "%s %s is not on the %s list",
			                 e.kind, e.masked, e.list);
		if (rc != STORE_OK)
			return cli_error(CLI_FAILED, env->prog, "%s",
			                 store_errmsg(env->host.data.store));
		print_entry(env, &found, "");
		return CLI_OK;
	}
	if (env->json && (s.items = json_array()) == NULL)
		return cli_error(CLI_FAILED, env->prog, "out of memory");
	if (store_risk_list_each(env->host.data.store, NULL, e.list, show_one, &s) != STORE_OK) {
		json_decref(s.items);
		return cli_error(CLI_FAILED, env->prog, "%s", store_errmsg(env->host.data.store));
	}
	if (env->json)
		cli_print_json(jsonval_page(s.items, NULL));
	else if (s.n == 0)
		printf("none\n");
	return CLI_OK;
}

#define LOPT(n, m) CLI_TEXT(n, struct lopts, m)
#define OBJECT_OPTS                                                                                \
	LOPT("card", card), LOPT("terminal", terminal), LOPT("merchant", merchant),                \
	    LOPT("list", list)
#define LIST_ENV (CLI_ENV_ISSUER | HOST_NEED_ACQUIRER)

static const cli_command list_cmds[] = {
    {"add", "put a card, terminal or merchant on the blocked or watched list", .handler = list_add,
     .env = LIST_ENV, .help = add_help,
     CLI_OPTIONS(struct lopts, OBJECT_OPTS, LOPT("reason", reason)), .common = CLI_DATADIR,
     .wrong = "takes no arguments"},
    {"remove", "take one off a list", .handler = list_remove, .env = LIST_ENV, .help = remove_help,
     CLI_OPTIONS(struct lopts, OBJECT_OPTS), .common = CLI_DATADIR, .wrong = "takes no arguments"},
    {"show", "a list's entries, or one entry", .handler = list_show, .env = LIST_ENV | CLI_ENV_READ,
     .help = show_help, CLI_OPTIONS(struct lopts, OBJECT_OPTS), .common = CLI_DATADIR,
     .wrong = "takes no arguments"},
};

const cli_group cli_admin_risk_list_group = {
    "possum admin risk list",
    "The blocked and watched lists of cards, terminals and merchants (docs/risk.md).",
    CLI_TABLE(list_cmds)};
