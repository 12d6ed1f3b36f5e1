/* cmd_admin_tms_keys.c — `possum admin tms capk` and `possum admin tms aid`: the certification
 * authorities' public keys and the chip applications the terminals download (docs/tms.md
 * "Chip applications and CA public keys"). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cmd_admin_tms.h"
#include "common/hex.h"

/* ---- capk ---- */

static const char capk_add_help[] =
    "--rid RID --index I --modulus HEX --exponent HEX\n"
    "    --expiry YYYYMMDD [--checksum HEX] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Adds a certification authority's public key (EMV Book 2, 11.2) for the terminals to\n"
    "download: its RID (10 hex digits), index (2), modulus (1 to 248 bytes in hex), exponent\n"
    "(03 or 010001) and expiry date (the key is not used after it). Its checksum, SHA-1 over\n"
    "RID, index, modulus and exponent, is computed; --checksum, the one the scheme published,\n"
    "must match it. A key is never changed: revoke it and add another index.\n"
    "\n" CLI_TMS_COMMON_HELP "\n"
    "Exit status: 0 added; 1 refused (the checksum does not match, the RID and index exist);\n"
    "2 bad usage (hex, lengths, exponent, date).\n";

struct capk_add {
	struct tms_capk_text t;
};

static const cli_opt capk_add_opts[] = {
    CLI_NEED("rid", struct capk_add, t.rid),
    CLI_NEED("index", struct capk_add, t.index),
    CLI_NEED("modulus", struct capk_add, t.modulus),
    CLI_NEED("exponent", struct capk_add, t.exponent),
    CLI_NEED("expiry", struct capk_add, t.expiry),
    CLI_TEXT("checksum", struct capk_add, t.checksum),
};

static int capk_add(struct cli_env *env, const void *values)
{
	const struct capk_add *o = values;
	struct tms_capk k;
	char why[160] = "", sum[41];
	int64_t now = (int64_t)time(NULL);
	int rc;

	/* Read first: a usage error needs no data directory. */
	if ((rc = tms_capk_parse(&o->t, &k, why, sizeof why)) != TMS_OK)
		return cli_tms_failed(env, rc, why);
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = tms_capk_add(env->host.tms, env->actor, &o->t, now, &k, why, sizeof why)) !=
	    TMS_OK)
		return cli_tms_failed(env, rc, why);
	if (env->json) {
		cli_print_json(tms_capk_json(&k, tms_date(now, env->host.cfg.utc_offset),
		                             env->host.cfg.utc_offset));
		return CLI_OK;
	}
	hex_encode(k.checksum, sizeof k.checksum, sum, sizeof sum);
	printf("added %s:%s, %zu bits, expires %08d, checksum %s\n", o->t.rid, o->t.index,
	       8 * k.modulus_len, k.expiry, sum);
	return CLI_OK;
}

static const char capk_list_help[] =
    "[--all] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the CA public keys in force today (neither revoked nor expired) — what the\n"
    "terminals download — by RID and index, and the version of that set; with --all, the\n"
    "revoked and expired ones too, each with its state.\n"
    "\n"
    "  --all          every key, whatever its state\n" CLI_TMS_COMMON_HELP "\n"
    "Exit status: 0 listed; 1 failed; 2 bad usage.\n";

struct capk_list {
	int all;
};

static const cli_opt capk_list_opts[] = {CLI_SET("all", struct capk_list, all)};

static int capk_row(void *ctx, const struct tms_capk *k)
{
	struct cli_tms_listing *l = ctx;
	char sum[41];

	if (l->items != NULL)
		return json_array_append_new(l->items, tms_capk_json(k, l->date, l->utc_offset)) !=
		       0;
	if (l->n++ == 0)
		printf("%-10s  %-5s  %-8s  %-7s  %5s  %s\n", "RID", "INDEX", "EXPIRY", "STATE",
		       "BITS", "CHECKSUM");
	hex_encode(k->checksum, sizeof k->checksum, sum, sizeof sum);
	printf("%02X%02X%02X%02X%02X  %02X     %08d  %-7s  %5zu  %s\n", k->rid[0], k->rid[1],
	       k->rid[2], k->rid[3], k->rid[4], k->index, k->expiry, tms_capk_state(k, l->date),
	       8 * k->modulus_len, sum);
	return 0;
}

static int capk_list(struct cli_env *env, const void *values)
{
	const struct capk_list *o = values;
	struct cli_tms_listing l = {0};
	char version[9];
	int rc;

	if ((rc = cli_tms_list_start(env, &l)) != CLI_OK)
		return rc;
	if ((rc = tms_capk_list(env->host.tms, o->all, l.date, capk_row, &l)) == TMS_OK)
		rc = tms_capk_version(env->host.tms, l.date, version);
	return cli_tms_list_end(env, &l, rc, version, "no key in force");
}

static const char capk_revoke_help[] =
    "--rid RID --index I --reason TEXT [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Revokes a CA public key: the terminals no longer get it, and refuse it. It is kept,\n"
    "shown by `list --all`, and its RID and index are not used again.\n"
    "\n" CLI_TMS_COMMON_HELP "\n"
    "Exit status: 0 revoked; 1 no such key, or revoked already; 2 bad usage.\n";

struct capk_revoke {
	const char *rid, *index, *reason;
};

static const cli_opt capk_revoke_opts[] = {
    CLI_NEED("rid", struct capk_revoke, rid),
    CLI_NEED("index", struct capk_revoke, index),
    CLI_NEED("reason", struct capk_revoke, reason),
};

static int capk_revoke(struct cli_env *env, const void *values)
{
	const struct capk_revoke *o = values;
	int rc;

	if (strlen(o->rid) != 10 || strspn(o->rid, "0123456789ABCDEFabcdef") != 10)
		return cli_usage_error(env->prog, "--rid must be 10 hex digits (5 bytes)");
	if (strlen(o->index) != 2 || strspn(o->index, "0123456789ABCDEFabcdef") != 2)
		return cli_usage_error(env->prog, "--index must be 2 hex digits (1 byte)");
	if (!text_is_line(o->reason, TMS_REASON_MAX))
		return cli_usage_error(env->prog, "--reason must be one line of 1 to %d bytes",
		                       TMS_REASON_MAX);
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = tms_capk_revoke(env->host.tms, env->actor, o->rid, o->index, o->reason,
	                     (int64_t)time(NULL));
	if (rc == TMS_ENOTFOUND)
		return cli_error(CLI_FAILED, env->prog, "no key %s:%s", o->rid, o->index);
	if (rc != TMS_OK)
		return cli_tms_failed(env, rc, "");
	if (env->json)
		cli_print_json(json_pack("{s:s, s:s, s:s}", "rid", o->rid, "index", o->index,
		                         "state", "revoked"));
	else
		printf("revoked %s:%s\n", o->rid, o->index);
	return CLI_OK;
}

/* ---- aid ---- */

static const char aid_add_help[] =
    "--aid HEX --label TEXT [--version HEX4]\n"
    "    [--floor-limit AMOUNT] [--threshold AMOUNT] [--target-percent N]\n"
    "    [--max-target-percent N] [--tac-default HEX10] [--tac-denial HEX10]\n"
    "    [--tac-online HEX10] [--partial] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Adds a chip application (AID, 5 to 16 bytes in hex) for the terminals to select, or —\n"
    "the AID listed already — replaces its values whole: an option left out takes its\n"
    "default, not the old value. Amounts in CNY (\"100.00\").\n"
    "\n"
    "  --label TEXT              the name shown, 1 to 32 bytes\n"
    "  --version HEX4            the application version number (default 0030)\n"
    "  --floor-limit AMOUNT      above it, online (default 0)\n"
    "  --threshold AMOUNT        random selection's threshold, not above the floor limit (0)\n"
    "  --target-percent N        random selection's target percentage, 0-99 (0)\n"
    "  --max-target-percent N    and its maximum, not below the target (0)\n"
    "  --tac-default HEX10       terminal action codes (defaults D84000A800, 0010000000,\n"
    "  --tac-denial HEX10        D84004F800: UnionPay's usual)\n"
    "  --tac-online HEX10\n"
    "  --partial                 partial selection: cards' longer AIDs match too\n" CLI_TMS_COMMON_HELP
    "\n"
    "Exit status: 0 added or replaced; 1 failed; 2 bad usage.\n";

struct aid_add {
	const char *aid, *label, *version, *floor, *threshold, *target, *max_target, *tac_default,
	    *tac_denial, *tac_online;
	int partial;
};

static const cli_opt aid_add_opts[] = {
    CLI_NEED("aid", struct aid_add, aid),
    CLI_NEED("label", struct aid_add, label),
    CLI_TEXT("version", struct aid_add, version),
    CLI_TEXT("floor-limit", struct aid_add, floor),
    CLI_TEXT("threshold", struct aid_add, threshold),
    CLI_TEXT("target-percent", struct aid_add, target),
    CLI_TEXT("max-target-percent", struct aid_add, max_target),
    CLI_TEXT("tac-default", struct aid_add, tac_default),
    CLI_TEXT("tac-denial", struct aid_add, tac_denial),
    CLI_TEXT("tac-online", struct aid_add, tac_online),
    CLI_SET("partial", struct aid_add, partial),
};

/* o's options as an application's text: CLI_OK, or the usage error said. */
static int aid_text(const struct cli_env *env, const struct aid_add *o, struct tms_aid_text *t)
{
	int64_t target = 0, max = 0;
	int rc;

	*t = (struct tms_aid_text){.aid = o->aid,
	                           .label = o->label,
	                           .version = o->version,
	                           .tac_default = o->tac_default,
	                           .tac_denial = o->tac_denial,
	                           .tac_online = o->tac_online,
	                           .partial = o->partial != 0};
	if ((o->floor != NULL && (rc = cli_amount(env->prog, "floor-limit", o->floor, TMS_CURRENCY,
	                                          &t->floor_limit)) != CLI_OK) ||
	    (o->threshold != NULL && (rc = cli_amount(env->prog, "threshold", o->threshold,
	                                              TMS_CURRENCY, &t->threshold)) != CLI_OK) ||
	    (o->target != NULL &&
	     (rc = cli_int64(env->prog, "target-percent", o->target, 0, 99, &target)) != CLI_OK) ||
	    (o->max_target != NULL && (rc = cli_int64(env->prog, "max-target-percent",
	                                              o->max_target, 0, 99, &max)) != CLI_OK))
		return rc;
	t->target_percent = (int)target;
	t->max_target_percent = (int)max;
	return CLI_OK;
}

/* Application a for people: one line. */
static void aid_print(const struct tms_aid *a)
{
	char aid[2 * TMS_AID_MAX + 1], floor[32], threshold[32];

	hex_encode(a->aid, a->aid_len, aid, sizeof aid);
	cli_amount_format(a->floor_limit, TMS_CURRENCY, floor);
	cli_amount_format(a->threshold, TMS_CURRENCY, threshold);
	printf("%-32s  %-21s  %02X%02X  %10s  %10s  %2d/%-2d  %02X%02X%02X%02X%02X  "
	       "%02X%02X%02X%02X%02X  %02X%02X%02X%02X%02X  %s\n",
	       aid, a->label, a->version[0], a->version[1], floor, threshold, a->target_percent,
	       a->max_target_percent, a->tac_default[0], a->tac_default[1], a->tac_default[2],
	       a->tac_default[3], a->tac_default[4], a->tac_denial[0], a->tac_denial[1],
	       a->tac_denial[2], a->tac_denial[3], a->tac_denial[4], a->tac_online[0],
	       a->tac_online[1], a->tac_online[2], a->tac_online[3], a->tac_online[4],
	       a->partial ? "partial" : "exact");
}

static int aid_add(struct cli_env *env, const void *values)
{
	struct tms_aid_text t;
	struct tms_aid a;
	bool replaced = false;
	char why[160] = "";
	int rc;

	if ((rc = aid_text(env, values, &t)) != CLI_OK)
		return rc;
	if ((rc = tms_aid_parse(&t, &a, why, sizeof why)) != TMS_OK)
		return cli_tms_failed(env, rc, why);
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = tms_aid_add(env->host.tms, env->actor, &t, (int64_t)time(NULL), &a, &replaced,
	                      why, sizeof why)) != TMS_OK)
		return cli_tms_failed(env, rc, why);
	if (env->json) {
		json_t *o = tms_aid_json(&a, env->host.cfg.utc_offset);

		json_object_set_new(o, "replaced", json_boolean(replaced));
		cli_print_json(o);
	} else {
		printf("%s ", replaced ? "replaced" : "added");
		aid_print(&a);
	}
	return CLI_OK;
}

static const char aid_list_help[] =
    "[--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the chip applications the terminals download, in AID order: label, version,\n"
    "floor limit, threshold, target/maximum percentages, the TACs default, denial and\n"
    "online, partial or exact selection; and the version of the list.\n"
    "\n" CLI_TMS_COMMON_HELP "\n"
    "Exit status: 0 listed; 1 failed; 2 bad usage.\n";

static int aid_row(void *ctx, const struct tms_aid *a)
{
	struct cli_tms_listing *l = ctx;

	if (l->items != NULL)
		return json_array_append_new(l->items, tms_aid_json(a, l->utc_offset)) != 0;
	if (l->n++ == 0)
		printf("%-32s  %-21s  %-4s  %10s  %10s  %-5s  %-10s  %-10s  %-10s  %s\n", "AID",
		       "LABEL", "VER", "FLOOR", "THRESHOLD", "TP/MP", "TAC-DEF", "TAC-DENY",
		       "TAC-ONLINE", "SELECT");
	aid_print(a);
	return 0;
}

static int aid_list(struct cli_env *env, const void *values)
{
	struct cli_tms_listing l = {0};
	char version[9];
	int rc;

	(void)values; /* it has no options of its own */
	if ((rc = cli_tms_list_start(env, &l)) != CLI_OK)
		return rc;
	if ((rc = tms_aid_list(env->host.tms, aid_row, &l)) == TMS_OK)
		rc = tms_aid_version(env->host.tms, version);
	return cli_tms_list_end(env, &l, rc, version, "no application");
}

static const char aid_remove_help[] =
    "--aid HEX [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Removes a chip application: the terminals no longer select it.\n"
    "\n" CLI_TMS_COMMON_HELP "\n"
    "Exit status: 0 removed; 1 no such AID; 2 bad usage.\n";

struct aid_remove {
	const char *aid;
};

static const cli_opt aid_remove_opts[] = {CLI_NEED("aid", struct aid_remove, aid)};

static int aid_remove(struct cli_env *env, const void *values)
{
	const char *aid = ((const struct aid_remove *)values)->aid;
	size_t n = strlen(aid);
	int rc;

	if (n < 10 || n > 2 * TMS_AID_MAX || n % 2 != 0 ||
	    strspn(aid, "0123456789ABCDEFabcdef") != n)
		return cli_usage_error(env->prog,
		                       "--aid must be 10 to 32 hex digits (5 to 16 bytes)");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = tms_aid_remove(env->host.tms, env->actor, aid, (int64_t)time(NULL));
	if (rc == TMS_ENOTFOUND)
		return cli_error(CLI_FAILED, env->prog, "no application %s", aid);
	if (rc != TMS_OK)
		return cli_tms_failed(env, rc, "");
	if (env->json)
		cli_print_json(json_pack("{s:s, s:b}", "aid", aid, "removed", 1));
	else
		printf("removed %s\n", aid);
	return CLI_OK;
}

#define NO_OPERAND .max = 0, .wrong = "takes no operand"

static const cli_command capk_cmds[] = {
    {"add", "a CA public key, its checksum computed or checked", .handler = capk_add,
     .env = CLI_ENV_TMS, .help = capk_add_help, CLI_OPTS(capk_add_opts, struct capk_add),
     .common = CLI_DATADIR, NO_OPERAND},
    {"list", "the keys in force (--all: revoked and expired too), the set's version",
     .handler = capk_list, .env = CLI_ENV_TMS | CLI_ENV_READ, .help = capk_list_help,
     CLI_OPTS(capk_list_opts, struct capk_list), .common = CLI_DATADIR, NO_OPERAND},
    {"revoke", "a key no longer given, and refused", .handler = capk_revoke, .env = CLI_ENV_TMS,
     .help = capk_revoke_help, CLI_OPTS(capk_revoke_opts, struct capk_revoke),
     .common = CLI_DATADIR, NO_OPERAND},
};

const cli_group cli_admin_tms_capk_group = {
    "possum admin tms capk",
    "The certification authorities' public keys the terminals download (EMV Book 2, 11.2).",
    CLI_TABLE(capk_cmds)};

static const cli_command aid_cmds[] = {
    {"add", "a chip application, or its values replaced", .handler = aid_add, .env = CLI_ENV_TMS,
     .help = aid_add_help, CLI_OPTS(aid_add_opts, struct aid_add), .common = CLI_DATADIR,
     NO_OPERAND},
    {"list", "the applications, their EMV parameters, the list's version", .handler = aid_list,
     .env = CLI_ENV_TMS | CLI_ENV_READ, .help = aid_list_help, .common = CLI_DATADIR, NO_OPERAND},
    {"remove", "an application no longer selected", .handler = aid_remove, .env = CLI_ENV_TMS,
     .help = aid_remove_help, CLI_OPTS(aid_remove_opts, struct aid_remove), .common = CLI_DATADIR,
     NO_OPERAND},
};

const cli_group cli_admin_tms_aid_group = {
    "possum admin tms aid",
    "The chip applications (AIDs) the terminals select, with their EMV parameters.",
    CLI_TABLE(aid_cmds)};
