/* cmd_admin_token.c — `possum admin token create|list|revoke`, the HTTP API's tokens (a token is
 * shown once, when made, and kept only hashed), and `possum admin audit`, the audit log: who
 * changed what, with the state before and after. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "common/jsonval.h"
#include "common/text.h"
#include "crypto/crypto.h"
#include "http/http.h"
#include "store/store_audit.h"
#include "store/store_http.h"

static const char token_create_help[] =
    "--role operator|merchant|auditor [--merchant MID] [--label TEXT] [--config FILE]\n"
    "       [--data DIR] [--json]\n"
    "\n"
    "Makes an API token and prints it, this once: the data directory keeps only its SHA-256.\n"
    "Requests present it as \"Authorization: Bearer TOKEN\" (docs/api.md). The creation is in\n"
    "the audit log.\n"
    "\n"
    "  --role ROLE     operator (everything), merchant (its own merchant's data only) or\n"
    "                  auditor (reads everything, changes nothing)\n"
    "  --merchant MID  the merchant of a merchant's token (needed with --role merchant only)\n"
    "  --label TEXT    what the token is for, 1 to 64 bytes on one line\n"
    "  --config FILE   the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR      the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json          print {\"id\",\"role\",\"mid\",\"label\",\"token\"}\n"
    "\n"
    "Exit status: 0 made; 1 no such merchant, or a failure; 2 bad usage.\n";

/* `token create`'s options. */
struct token_create {
	const char *role, *mid, *label;
};

static const cli_opt token_create_opts[] = {CLI_TEXT("role", struct token_create, role),
                                            CLI_TEXT("merchant", struct token_create, mid),
                                            CLI_TEXT("label", struct token_create, label)};

static int token_create(struct cli_env *env, const void *values)
{
	const struct token_create *o = values;
	const char *prog = env->prog, *role_name = o->role, *mid = o->mid, *label = o->label;
	char token[HTTP_TOKEN_LEN + 1];
	enum http_role role;
	int64_t id;
	int rc;

	if (http_role_parse(role_name, &role) != HTTP_OK)
		return cli_usage_error(prog, "--role: operator, merchant or auditor");
	if ((role == HTTP_ROLE_MERCHANT) != (mid != NULL))
		return cli_usage_error(prog, "--merchant MID goes with --role merchant, and only");
	if (mid != NULL && strlen(mid) != ACQUIRER_MID_LEN)
		return cli_usage_error(prog, "--merchant: a MID of 15 characters");
	if (label != NULL && !text_is_line(label, STORE_HTTP_LABEL_MAX - 1))
		return cli_usage_error(prog, "--label: 1 to 64 bytes on one line");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = http_token_create(env->host.data.store, env->actor, role, mid, label,
	                            (int64_t)time(NULL), token, &id)) != HTTP_OK)
		return cli_error(CLI_FAILED, prog, "%s",
		                 rc == HTTP_ENOTFOUND ? "no such merchant" : http_strerror(rc));
	if (env->json)
		cli_print_json(http_token_made_json(id, role_name, mid, label, token));
	else
		printf("id     %lld\nrole   %s\nmid    %s\nlabel  %s\ntoken  %s\n", (long long)id,
		       role_name, mid != NULL ? mid : "-", label != NULL ? label : "-", token);
	crypto_wipe(token, sizeof token);
	return CLI_OK;
}

/* What token list prints: lines, or JSON items with times local under utc_offset. */
struct token_out {
	json_t *items;
	int utc_offset;
};

/* Prints token t as a line, or appends it to the JSON list when there is one. */
static int print_token(void *arg, const struct store_http_token *t)
{
	const struct token_out *out = arg;
	char created[TEXT_TIME_LEN], revoked[TEXT_TIME_LEN];

	if (out->items != NULL)
		return json_array_append_new(
		           out->items,
		           json_pack("{s:I, s:s, s:o, s:s, s:o, s:o}", "id", (json_int_t)t->id,
		                     "role", http_role_name(t->role), "mid",
		                     t->mid[0] != '\0' ? json_string(t->mid) : json_null(), "label",
		                     t->label, "created",
		                     jsonval_time(t->created_at, out->utc_offset), "revoked",
		                     jsonval_time(t->revoked_at, out->utc_offset))) != 0;
	text_local(t->created_at, out->utc_offset, created);
	text_local(t->revoked_at, out->utc_offset, revoked);
	printf("%-5lld %-8s %-15s %-20s %-20s %s\n", (long long)t->id, http_role_name(t->role),
	       t->mid[0] != '\0' ? t->mid : "-", created, revoked,
	       t->label[0] != '\0' ? t->label : "-");
	return 0;
}

static const char token_list_help[] =
    "[--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the API tokens, oldest first: id, role, merchant, made, revoked, label (never the\n"
    "token itself, which is not kept).\n"
    "\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         print {\"items\":[{\"id\",\"role\",\"mid\",\"label\",\"created\",\n"
    "                 \"revoked\"},…],\"next\":null}\n"
    "\n"
    "Exit status: 0 listed; 1 a failure; 2 bad usage.\n";

static int token_list(struct cli_env *env, const void *values)
{
	struct token_out out;
	json_t *items = NULL;
	int rc;

	(void)values; /* it has no options of its own */
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if (env->json && (items = json_array()) == NULL)
		return cli_error(CLI_FAILED, env->prog, "out of memory");
	if (!env->json)
		printf("%-5s %-8s %-15s %-20s %-20s %s\n", "ID", "ROLE", "MERCHANT", "CREATED",
		       "REVOKED", "LABEL");
	out = (struct token_out){items, env->host.cfg.utc_offset};
	if ((rc = store_http_token_list(env->host.data.store, print_token, &out)) != STORE_OK) {
		json_decref(items);
		rc = cli_error(CLI_FAILED, env->prog, "%s", store_strerror(rc));
	} else if (items != NULL) {
		cli_print_json(jsonval_page(items, NULL));
	}
	return rc;
}

static const char token_revoke_help[] =
    "ID [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Revokes API token ID (possum admin token list): requests presenting it are answered 401\n"
    "from then on. The revocation is in the audit log.\n"
    "\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         print {\"id\":ID,\"revoked\":true}\n"
    "\n"
    "Exit status: 0 revoked; 1 no such token in force, or a failure; 2 bad usage.\n";

static int token_revoke(struct cli_env *env, const void *values)
{
	const char *prog = env->prog;
	int64_t id;
	int rc;

	(void)values; /* it has no options of its own */
	if ((rc = cli_int64(prog, "ID", env->operands[0], 1, INT64_MAX, &id)) != CLI_OK)
		return rc;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = http_token_revoke(env->host.data.store, env->actor, id, (int64_t)time(NULL))) !=
	    HTTP_OK)
		rc = cli_error(CLI_FAILED, prog, "%s",
		               rc == HTTP_ENOTFOUND ? "no such token in force" : http_strerror(rc));
	else if (env->json)
		cli_print_json(json_pack("{s:I,s:b}", "id", (json_int_t)id, "revoked", 1));
	else
		printf("token %lld revoked\n", (long long)id);
	return rc;
}

static const cli_command token_cmds[] = {
    {"create", "make an API token, shown once", .handler = token_create, .env = CLI_ENV_ISSUER,
     .help = token_create_help, CLI_OPTS(token_create_opts, struct token_create),
     .common = CLI_DATADIR},
    {"list", "the API tokens, without the tokens themselves", .handler = token_list,
     .env = CLI_ENV_ISSUER | CLI_ENV_READ, .help = token_list_help, .common = CLI_DATADIR},
    {"revoke", "revoke an API token", .handler = token_revoke, .env = CLI_ENV_ISSUER,
     .help = token_revoke_help, .common = CLI_DATADIR, CLI_ONE("one token ID is needed")},
};

const cli_group cli_admin_token_group = {
    "possum admin token", "The HTTP API's tokens (docs/api.md).", CLI_TABLE(token_cmds)};

/* ---- possum admin audit ---- */

/* What audit prints: as lines, or a page of JSON (items) of at most want entries, the one
 * after them only telling that there is a next page. */
struct audit_out {
	json_t *items;
	size_t n, want; /* want 0: all */
	int64_t last;   /* the id of the last entry printed */
	bool more;      /* whether an entry came after want */
	int utc_offset; /* of the JSON's times */
};

static int print_entry(void *arg, const struct store_audit *a)
{
	struct audit_out *out = arg;
	char at[TEXT_TIME_LEN];

	if (out->want != 0 && out->n == out->want) {
		out->more = true; /* the one more, which says a next page exists */
		return 0;
	}
	out->n++;
	out->last = a->id;
	if (out->items != NULL)
		return json_array_append_new(out->items, audit_entry_json(a, out->utc_offset)) != 0;
	text_local(a->at, out->utc_offset, at);
	printf("%lld %s %s %s %s\n  before %s\n  after  %s\n", (long long)a->id, at, a->actor,
	       a->action, a->object, a->before, a->after);
	return 0;
}

static const char audit_help[] =
    "[--object KIND[:ID]] [--actor ACTOR] [--action ACTION] [--since TIME] [--after ID]\n"
    "       [--limit N] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Shows the audit log, oldest first: each change with its time, actor (cli:USER,\n"
    "token:ID, host), action, object, and the object's state before and after (masked).\n"
    "\n"
    "  --object O     one object (merchant:898…, token:3), or every one of a kind (merchant)\n"
    "  --actor A      changes by A only\n"
    "  --action A     changes of that action only (token.create, merchant.review, …)\n"
    "  --since TIME   changes at or after TIME: 2026-11-30T14:00:00Z or 2026-11-30 (UTC)\n"
    "  --after ID     entries after entry ID: to page on\n"
    "  --limit N      N entries at most (default all)\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         print {\"items\":[{\"id\",\"at\",\"actor\",\"action\",\"object\",\n"
    "                 \"before\",\"after\"},…],\"next\":ID|null}, next the --after of the\n"
    "                 next page when --limit left entries out\n"
    "\n"
    "Exit status: 0 shown; 1 a failure; 2 bad usage.\n";

/* audit's options: the filter's text members, and the others as given. */
struct audit {
	struct store_audit_filter f;
	const char *since, *after, *limit;
};

#define AUDIT(name, member) CLI_TEXT(name, struct audit, member)

static int audit(struct cli_env *env, const void *values)
{
	const struct audit *o = values;
	const char *prog = env->prog, *since = o->since, *after = o->after, *limit = o->limit;
	struct store_audit_filter f = o->f;
	struct audit_out out = {0};
	int64_t n;
	int rc;

	if (since != NULL && http_time_parse(since, &f.since) != HTTP_OK)
		return cli_usage_error(prog, "--since: 2026-11-30T14:00:00Z or 2026-11-30");
	if (after != NULL &&
	    (rc = cli_int64(prog, "after", after, 0, INT64_MAX, &f.after_id)) != CLI_OK)
		return rc;
	if (limit != NULL) {
		if ((rc = cli_int64(prog, "limit", limit, 1, 1000000, &n)) != CLI_OK)
			return rc;
		out.want = (size_t)n;
		f.limit = out.want + 1;
	}
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	out.utc_offset = env->host.cfg.utc_offset;
	if (env->json && (out.items = json_array()) == NULL)
		return cli_error(CLI_FAILED, prog, "out of memory");
	if ((rc = store_audit_list(env->host.data.store, &f, print_entry, &out)) != STORE_OK) {
		json_decref(out.items);
		rc = cli_error(CLI_FAILED, prog, "%s", store_strerror(rc));
	} else if (out.items != NULL) {
		cli_print_json(jsonval_page(out.items, out.more ? json_integer(out.last) : NULL));
	}
	return rc;
}

/* `possum admin audit`'s row (cmd_admin.c's table names it). */
const cli_command cli_admin_audit_row = {
    "audit",
    NULL,
    .handler = audit,
    .env = CLI_ENV_ISSUER | CLI_ENV_READ,
    .help = audit_help,
    CLI_OPTIONS(struct audit, AUDIT("object", f.object), AUDIT("actor", f.actor),
                AUDIT("action", f.action), AUDIT("since", since), AUDIT("after", after),
                AUDIT("limit", limit)),
    .common = CLI_DATADIR};
