/* cmd_admin_link.c — `possum admin link`: what an acquirer needs to connect to the issuer's
 * network link, namely the zone PIN key (ZPK) its PIN blocks are encrypted under; and the
 * store-and-forward queue of the network links this host routes to (docs/links.md "Store and
 * forward"), and those links' status as the running host writes it ("Watching the links"). */
#include <stdio.h>
#include <string.h>
#include <time.h>

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

static const char status_help[] =
    "[--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Shows the network links the running host connects out to ([link.NAME]), as it wrote\n"
    "them in DIR/links.json within the last 5 seconds: each link up (a connection signed on)\n"
    "or down, its connections, requests in flight, sent, answered and timed out, answers\n"
    "dropped (late, unmatched), the last echo answered (local time) and its store-and-forward\n"
    "queue (pending, refused, expired).\n"
    "\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         print {\"updated_at\",\"items\":[{\"name\",\"host\",\"port\",\"dialect\",\n"
    "                 \"binary\",\"state\",\"connections\":[{\"state\",\"failures\",\"since\"}],\n"
    "                 \"signed_on\",\"in_flight\",\"sent\",\"answered\",\"timed_out\",\"down\",\n"
    "                 \"late\",\"unmatched\",\"echoes\",\"reconnects\",\"last_echo\",\n"
    "                 \"saf\":{\"pending\",\"refused\",\"expired\"}}],\"next\":null}\n"
    "\n"
    "Exit status: 0 shown (\"no links\" when none is configured); 1 the host is not running, or\n"
    "has not written the status within 5 seconds, or failed; 2 bad usage.\n";

/* Member key of o as an integer (0 when not one). */
static long long int_of(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* An RFC 3339 local time of the status ("2026-12-06T21:03:04+08:00") as people read it
 * ("2026-12-06 21:03:04"), "-" for null, into out. */
static const char *local_text(const json_t *t, char out[TEXT_TIME_LEN])
{
	const char *s = json_string_value(t);

	if (s == NULL || strlen(s) < 19)
		return "-";
	snprintf(out, TEXT_TIME_LEN, "%.10s %.8s", s, s + 11);
	return out;
}

/* One line a link. */
static void status_line(const json_t *item)
{
	char echo[TEXT_TIME_LEN], conns[16];

	snprintf(conns, sizeof conns, "%lld/%zu", int_of(item, "signed_on"),
	         json_array_size(json_object_get(item, "connections")));
	printf("%-16s %-5s %-8s %-9lld %-8lld %-8lld %-9lld %-6lld %-9lld %-19s %lld\n",
	       json_string_value(json_object_get(item, "name")),
	       json_string_value(json_object_get(item, "state")), conns, int_of(item, "in_flight"),
	       int_of(item, "sent"), int_of(item, "answered"), int_of(item, "timed_out"),
	       int_of(item, "late"), int_of(item, "unmatched"),
	       local_text(json_object_get(item, "last_echo"), echo),
	       int_of(json_object_get(item, "saf"), "pending"));
}

static int link_status(struct cli_env *env, const void *values)
{
	char since[TEXT_TIME_LEN];
	int64_t written;
	json_t *doc, *item;
	size_t i;
	int rc;

	(void)values; /* it has no options of its own */
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if (env->host.cfg.nlinks == 0) {
		if (env->json)
			cli_print_json(
			    json_pack("{s:n, s:[], s:n}", "updated_at", "items", "next"));
		else
			printf("no links\n");
		return CLI_OK;
	}
	rc = http_links_status(env->host.data.store, env->host.data.dir, time(NULL),
	                       HTTP_LINKS_STALE_S, &doc, &written);
	if (rc == HTTP_ENOTFOUND && written == 0)
		return cli_error(
		    CLI_FAILED, env->prog,
		    "the host is not running, or has not written its status (no %s/%s)",
		    env->host.data.dir, HTTP_LINKS_FILE);
	if (rc == HTTP_ENOTFOUND)
		return cli_error(CLI_FAILED, env->prog,
		                 "the host is not running, or has not written its status since %s",
		                 cli_time(env, written, since));
	if (rc != HTTP_OK)
		return cli_error(CLI_FAILED, env->prog, "%s/%s: unreadable, or the store failed",
		                 env->host.data.dir, HTTP_LINKS_FILE);
	if (env->json) {
		cli_print_json(doc);
		return CLI_OK;
	}
	printf("%-16s %-5s %-8s %-9s %-8s %-8s %-9s %-6s %-9s %-19s %s\n", "NAME", "STATE",
	       "UP/CONNS", "IN-FLIGHT", "SENT", "ANSWERED", "TIMED-OUT", "LATE", "UNMATCHED",
	       "LAST-ECHO", "SAF-PENDING");
	json_array_foreach(json_object_get(doc, "items"), i, item) status_line(item);
	json_decref(doc);
	return CLI_OK;
}

#define SOPT(n, m) CLI_TEXT(n, struct sopts, m)

static const cli_command link_cmds[] = {
    {"zpk", "the zone PIN key shared with the link's acquirers", .handler = link_zpk,
     .env = CLI_ENV_ISSUER, .help = zpk_help, .common = CLI_DATADIR, .wrong = "takes no arguments"},
    {"status", "the network links' connections, counters and queues, as the host runs them",
     .handler = link_status, .env = CLI_ENV_DATA | CLI_ENV_READ, .help = status_help,
     .common = CLI_DATADIR, .wrong = "takes no arguments"},
    {"saf", "the store-and-forward queue of the network links", .handler = link_saf,
     .env = CLI_ENV_DATA | CLI_ENV_READ, .help = saf_help,
     CLI_OPTIONS(struct sopts, SOPT("link", link), SOPT("state", state), SOPT("limit", limit),
                 SOPT("after", after)),
     .common = CLI_DATADIR, .wrong = "takes no arguments"},
};

const cli_group cli_admin_link_group = {
    "possum admin link", "The ISO 8583 network links: the issuer's, and those it routes to.",
    CLI_TABLE(link_cmds)};
