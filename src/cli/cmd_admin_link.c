/* cmd_admin_link.c — `possum admin link`: what an acquirer needs to connect to the issuer's
 * network link, namely the zone PIN key (ZPK) its PIN blocks are encrypted under; and the
 * store-and-forward queue of the network links this host routes to (docs/links.md "Store and
 * forward"). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/hex.h"
#include "http/http.h"

static const char zpk_help[] =
    "[--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Prints the link's zone PIN key: its key block under the LMK and its check value. The\n"
    "config's [link] zpk sets it; without one the host makes one in the data directory the\n"
    "first time. To hand it to an acquirer's key custodians as components:\n"
    "\n"
    "  possum hsm export-components --parts 2 --lmk DIR/lmk BLOCK\n"
    "\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         print {\"block\":…,\"kcv\":…}\n"
    "\n"
    "Exit status: 0 printed; 1 failed; 2 bad usage.\n";

static int link_zpk(struct cli_env *env, const void *values)
{
	char check[2 * HSM_KCV_MAX + 1];
	hsm_kcv kcv;
	int rc;

	(void)values; /* it has no options of its own */
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = hsm_key_kcv(env->host.data.hsm, &env->host.zpk, &kcv)) != HSM_OK)
		return cli_error(CLI_FAILED, env->prog, "the zone PIN key: %s", hsm_strerror(rc));
	hex_encode(kcv.v, kcv.len, check, sizeof check);
	if (env->json) {
		json_t *o = json_object();
		json_object_set_new(o, "block", json_string(env->host.zpk.block));
		json_object_set_new(o, "kcv", json_string(check));
		cli_print_json(o);
	} else {
		printf("block  %s\nkcv    %s\n", env->host.zpk.block, check);
	}
	return rc;
}

static const char saf_help[] =
    "[--link NAME] [--state pending|done|refused|expired]\n"
    "       [--limit N] [--after ID] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the store-and-forward queue, oldest first: the reversals and stand-in advices owed\n"
    "to the network links' issuers, each with its link, its original's RRN, its state, the\n"
    "times it was sent, when it is due again (local time) and the issuer's last answer.\n"
    "\n"
    "  --link NAME      one link's entries only\n"
    "  --state S        pending (to send), done (answered 00, or 25 to a reversal), refused (an\n"
    "                   advice answered otherwise) or expired (pending past saf_max_age)\n"
    "  --limit N        N at most, 1 to 500 (default 50)\n"
    "  --after ID       those after entry ID: to page on\n"
    "  --config FILE    the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR       the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json           print {\"items\":[{\"id\",\"link\",\"kind\",\"txn_id\",\"rrn\",\"state\",\n"
    "                   \"attempts\",\"next_at\",\"last_rc\",\"created_at\",\"updated_at\"}],\"next\"}\n"
    "\n"
    "Exit status: 0 listed; 1 failed; 2 bad usage.\n";

struct sopts {
	const char *link, *state, *limit, *after;
};

struct listing {
	const struct cli_env *env;
	json_t *items;
	size_t n;
};

static int saf_one(void *ctx, const struct store_saf *e)
{
	struct listing *l = ctx;
	char due[TEXT_TIME_LEN], at[TEXT_TIME_LEN];

	l->n++;
	if (l->items != NULL)
		return json_array_append_new(
		           l->items, acquirer_saf_json(e, l->env->host.cfg.utc_offset)) != 0;
	if (l->n == 1)
		printf("%-6s %-16s %-8s %-12s %-7s %-8s %-19s %-4s %s\n", "ID", "LINK", "KIND",
		       "RRN", "STATE", "ATTEMPTS", "NEXT (LOCAL)", "RC", "QUEUED (LOCAL)");
	printf("%-6lld %-16s %-8s %-12s %-7s %-8d %-19s %-4s %s\n", (long long)e->id, e->link,
	       e->kind, e->rrn, e->state, e->attempts,
	       strcmp(e->state, "pending") == 0 ? cli_time(l->env, e->next_at, due) : "-",
	       e->last_rc[0] != '\0' ? e->last_rc : "-", cli_time(l->env, e->created_at, at));
	return 0;
}

static int link_saf(struct cli_env *env, const void *values)
{
	const struct sopts *o = values;
	struct store_saf_filter f = {o->link, o->state, 0, 50};
	struct listing l = {env, NULL, 0};
	int64_t n = 50, next;
	int rc;

	if (o->state != NULL && !acquirer_saf_state_ok(o->state))
		return cli_usage_error(env->prog, "--state: pending, done, refused or expired");
	if ((o->limit != NULL &&
	     (rc = cli_int64(env->prog, "limit", o->limit, 1, HTTP_PAGE_MAX, &n)) != CLI_OK) ||
	    (o->after != NULL &&
	     (rc = cli_int64(env->prog, "after", o->after, 1, INT64_MAX, &f.after)) != CLI_OK) ||
	    (rc = cli_env_open(env)) != CLI_OK)
		return rc;
	f.limit = (size_t)n;
	if (env->json && (l.items = json_array()) == NULL)
		return cli_error(CLI_FAILED, env->prog, "out of memory");
	if ((rc = acquirer_saf_page(env->host.data.store, &f, saf_one, &l, &next)) != ACQUIRER_OK) {
		json_decref(l.items);
		if (rc == ACQUIRER_EARG)
			return cli_usage_error(env->prog,
			                       "--link: 1 to 32 letters, digits, - and _");
		return cli_error(CLI_FAILED, env->prog, "%s", acquirer_strerror(rc));
	}
	cli_print_page(env->json, l.items, l.n, next);
	return CLI_OK;
}

#define SOPT(n, m) CLI_TEXT(n, struct sopts, m)

static const cli_command link_cmds[] = {
    {"zpk", "the zone PIN key shared with the link's acquirers", .handler = link_zpk,
     .env = CLI_ENV_ISSUER, .help = zpk_help, .common = CLI_DATADIR, .wrong = "takes no arguments"},
    {"saf", "the store-and-forward queue of the network links", .handler = link_saf,
     .env = CLI_ENV_DATA | CLI_ENV_READ, .help = saf_help,
     CLI_OPTIONS(struct sopts, SOPT("link", link), SOPT("state", state), SOPT("limit", limit),
                 SOPT("after", after)),
     .common = CLI_DATADIR, .wrong = "takes no arguments"},
};

const cli_group cli_admin_link_group = {
    "possum admin link", "The ISO 8583 network links: the issuer's, and those it routes to.",
    CLI_TABLE(link_cmds)};
