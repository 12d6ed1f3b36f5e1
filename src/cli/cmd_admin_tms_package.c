/* cmd_admin_tms_package.c — `possum admin tms package|rollout|minimum|status`: software
 * packages signed for the terminals, who gets them from when, each model's minimum version,
 * and the terminals' state (docs/tms.md "Software updates"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cmd_admin_tms.h"
#include "common/hex.h"
#include "crypto/ed25519.h"

#define NO_OPERAND .max = 0, .wrong = "takes no operand"

/* ---- package ---- */

static const char package_add_help[] =
    "--model M --version V FILE [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Stores FILE as the software package of terminal model M at version V (1 to 8 of\n"
    "A-Z a-z 0-9 . _ -, as the terminals report it in 59 A2 05), at most [tms] package_max\n"
    "bytes, with its SHA-256 and an Ed25519 signature made in the hsm (`package key` prints\n"
    "the public key the terminals check it with). A rollout then names who gets it.\n"
    "\n" CLI_TMS_COMMON_HELP "\n"
    "Exit status: 0 stored; 1 refused (that model and version stored already, too large);\n"
    "2 bad usage (model, version, an empty or unreadable file).\n";

struct package_add {
	const char *model, *version;
};

static const cli_opt package_add_opts[] = {
    CLI_NEED("model", struct package_add, model),
    CLI_NEED("version", struct package_add, version),
};

static void package_print(const struct cli_env *env, const struct tms_package *p)
{
	char sha[65], when[TEXT_TIME_LEN];

	hex_encode(p->sha256, sizeof p->sha256, sha, sizeof sha);
	printf("%-6lld  %-16s  %-8s  %10lld  %s  %s\n", (long long)p->id, p->model, p->version,
	       (long long)p->size, sha, cli_time(env, p->added_at, when));
}

static int package_add(struct cli_env *env, const void *values)
{
	const struct package_add *o = values;
	const char *file = env->operands[0];
	struct tms_package p;
	char *bytes = NULL, why[200] = "";
	size_t len = 0;
	FILE *fp;
	int rc;

	if (!tms_version_ok(o->version))
		return cli_usage_error(env->prog, "--version: 1 to %d of A-Z a-z 0-9 . _ -",
		                       TMS_VERSION_MAX);
	if ((fp = fopen(file, "rb")) == NULL)
		return cli_error(CLI_USAGE, env->prog, "%s: cannot be read", file);
	rc = cli_read_all(fp, &bytes, &len);
	fclose(fp);
	if (rc != 0)
		return cli_error(CLI_USAGE, env->prog, "%s: cannot be read", file);
	if ((rc = cli_env_open(env)) != CLI_OK)
		goto out;
	rc = tms_package_add(env->host.tms, env->actor, o->model, o->version,
	                     (const uint8_t *)bytes, len, (int64_t)time(NULL), &p, why, sizeof why);
	if (rc != TMS_OK) {
		rc = cli_tms_failed(env, rc, why);
		goto out;
	}
	if (env->json)
		cli_print_json(tms_package_json(&p, env->host.cfg.utc_offset));
	else
		package_print(env, &p);
	rc = CLI_OK;
out:
	free(bytes);
	return rc;
}

static const char package_list_help[] =
    "[--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the software packages by model: id, model, version, size, SHA-256, when added.\n"
    "\n" CLI_TMS_COMMON_HELP "\n"
    "Exit status: 0 listed; 1 failed; 2 bad usage.\n";

static int package_row(void *ctx, const struct tms_package *p)
{
	struct cli_tms_listing *l = ctx;

	if (l->items != NULL)
		return json_array_append_new(l->items,
		                             tms_package_json(p, l->env->host.cfg.utc_offset)) != 0;
	if (l->n++ == 0)
		printf("%-6s  %-16s  %-8s  %10s  %-64s  %s\n", "ID", "MODEL", "VERSION", "BYTES",
		       "SHA256", "ADDED");
	package_print(l->env, p);
	return 0;
}

static int package_list(struct cli_env *env, const void *values)
{
	struct cli_tms_listing l = {0};
	int rc;

	(void)values; /* no options of its own */
	if ((rc = cli_tms_list_start(env, &l)) != CLI_OK)
		return rc;
	return cli_tms_list_end(env, &l, tms_package_list(env->host.tms, package_row, &l), NULL,
	                        "no package");
}

static const char package_key_help[] =
    "[--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Prints the public key the terminals verify packages with (Ed25519): as PEM and as 64 hex\n"
    "digits. The private key stays in the hsm, wrapped under the LMK (key tms.package).\n"
    "\n" CLI_TMS_COMMON_HELP "\n"
    "Exit status: 0 printed; 1 failed; 2 bad usage.\n";

static int package_key(struct cli_env *env, const void *values)
{
	uint8_t pub[TMS_PUB_LEN];
	char hex[2 * TMS_PUB_LEN + 1], pem[CRYPTO_ED25519_PEM_MAX];
	int rc;

	(void)values; /* no options of its own */
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = tms_package_key(env->host.tms, pub)) != TMS_OK)
		return cli_tms_failed(env, rc, "");
	hex_encode(pub, sizeof pub, hex, sizeof hex);
	if (crypto_ed25519_pem(pub, pem, sizeof pem) != CRYPTO_OK)
		return cli_tms_failed(env, TMS_ENOMEM, "");
	if (env->json)
		cli_print_json(json_pack("{s:s, s:s, s:s}", "algorithm", "Ed25519", "public_key",
		                         hex, "pem", pem));
	else
		printf("%s%s\n", pem, hex);
	return CLI_OK;
}

/* ---- rollout ---- */

static const char rollout_add_help[] =
    "--package ID (--terminals T1,T2 | --merchants M1,M2 | --percent N)\n"
    "    [--from \"YYYY-MM-DD HH:MM\"] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Starts a rollout of package ID: to the terminals named, the terminals of the merchants\n"
    "named, or N percent (1 to 100) of the terminals of the package's model — always the same\n"
    "ones, which stay in as N grows — from --from (the host's local time; default now). A\n"
    "terminal gets the highest version a rollout gives it above the one it reported.\n"
    "\n"
    "  --terminals LIST   TIDs, comma-separated\n"
    "  --merchants LIST   MIDs, comma-separated\n"
    "  --percent N        a percentage of the model's terminals\n"
    "  --from TIME        when it starts\n" CLI_TMS_COMMON_HELP "\n"
    "Exit status: 0 started; 1 refused (no such package, terminal or merchant); 2 bad usage.\n";

struct rollout_add {
	const char *package, *terminals, *merchants, *percent, *from;
};

static const cli_opt rollout_add_opts[] = {
    CLI_NEED("package", struct rollout_add, package),
    CLI_TEXT("terminals", struct rollout_add, terminals),
    CLI_TEXT("merchants", struct rollout_add, merchants),
    CLI_TEXT("percent", struct rollout_add, percent),
    CLI_TEXT("from", struct rollout_add, from),
};

/* o's options as a rollout: CLI_OK, or the usage error said. */
static int rollout_of(const struct cli_env *env, const struct rollout_add *o, struct tms_rollout *r)
{
	int64_t n = 0;
	int rc;

	memset(r, 0, sizeof *r);
	if ((o->terminals != NULL) + (o->merchants != NULL) + (o->percent != NULL) != 1)
		return cli_usage_error(env->prog,
		                       "name one of --terminals, --merchants and --percent");
	if ((rc = cli_int64(env->prog, "package", o->package, 1, INT64_MAX, &r->package_id)) !=
	    CLI_OK)
		return rc;
	if (o->percent != NULL) {
		if ((rc = cli_int64(env->prog, "percent", o->percent, 1, 100, &n)) != CLI_OK)
			return rc;
		r->kind = TMS_ROLLOUT_PERCENT;
		r->percent = (int)n;
	} else {
		r->kind = o->terminals != NULL ? TMS_ROLLOUT_TERMINALS : TMS_ROLLOUT_MERCHANTS;
		if (snprintf(r->targets, sizeof r->targets, "%s",
		             o->terminals != NULL ? o->terminals : o->merchants) >=
		    (int)sizeof r->targets)
			return cli_usage_error(env->prog, "the list is over %d bytes",
			                       TMS_TARGETS_MAX);
	}
	if (o->from != NULL &&
	    tms_time_parse(o->from, env->host.cfg.utc_offset, &r->starts_at) != TMS_OK)
		return cli_usage_error(env->prog, "--from: \"YYYY-MM-DD HH:MM\"");
	return CLI_OK;
}

static void rollout_print(const struct cli_env *env, const struct tms_rollout *r)
{
	char from[TEXT_TIME_LEN], who[TMS_TARGETS_MAX + 16];

	if (r->kind == TMS_ROLLOUT_PERCENT)
		snprintf(who, sizeof who, "%d%%", r->percent);
	else
		snprintf(who, sizeof who, "%s", r->targets);
	printf("%-6lld  %-7lld  %-9s  %-8s  %s  %s\n", (long long)r->id, (long long)r->package_id,
	       tms_rollout_kind_name(r->kind), r->stopped_at == 0 ? "running" : "stopped",
	       cli_time(env, r->starts_at, from), who);
}

static int rollout_add(struct cli_env *env, const void *values)
{
	struct tms_rollout r;
	char why[200] = "";
	int rc;

	/* --from is read in the configuration's utc_offset: the config first. */
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = rollout_of(env, values, &r)) != CLI_OK)
		return rc;
	if ((rc = tms_rollout_add(env->host.tms, env->actor, &r, (int64_t)time(NULL), why,
	                          sizeof why)) != TMS_OK)
		return cli_tms_failed(env, rc, why);
	if (env->json)
		cli_print_json(tms_rollout_json(&r, env->host.cfg.utc_offset));
	else
		rollout_print(env, &r);
	return CLI_OK;
}

static const char rollout_list_help[] =
    "[--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the rollouts, running and stopped: id, package, kind, state, start, who.\n"
    "\n" CLI_TMS_COMMON_HELP "\n"
    "Exit status: 0 listed; 1 failed; 2 bad usage.\n";

static int rollout_row(void *ctx, const struct tms_rollout *r)
{
	struct cli_tms_listing *l = ctx;

	if (l->items != NULL)
		return json_array_append_new(l->items,
		                             tms_rollout_json(r, l->env->host.cfg.utc_offset)) != 0;
	if (l->n++ == 0)
		printf("%-6s  %-7s  %-9s  %-8s  %-19s  %s\n", "ID", "PACKAGE", "KIND", "STATE",
		       "FROM", "WHO");
	rollout_print(l->env, r);
	return 0;
}

static int rollout_list(struct cli_env *env, const void *values)
{
	struct cli_tms_listing l = {0};
	int rc;

	(void)values; /* no options of its own */
	if ((rc = cli_tms_list_start(env, &l)) != CLI_OK)
		return rc;
	return cli_tms_list_end(env, &l, tms_rollout_list(env->host.tms, rollout_row, &l), NULL,
	                        "no rollout");
}

static const char rollout_stop_help[] =
    "ID [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Stops rollout ID: no terminal gets its package through it any more. It stays listed.\n"
    "\n" CLI_TMS_COMMON_HELP "\n"
    "Exit status: 0 stopped; 1 no such rollout, or stopped already; 2 bad usage.\n";

static int rollout_stop(struct cli_env *env, const void *values)
{
	int64_t id;
	int rc;

	(void)values; /* no options of its own */
	if ((rc = cli_int64(env->prog, "ID", env->operands[0], 1, INT64_MAX, &id)) != CLI_OK)
		return rc;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = tms_rollout_stop(env->host.tms, env->actor, id, (int64_t)time(NULL));
	if (rc == TMS_ENOTFOUND)
		return cli_error(CLI_FAILED, env->prog, "no rollout %lld", (long long)id);
	if (rc != TMS_OK)
		return cli_error(CLI_FAILED, env->prog, "rollout %lld: %s", (long long)id,
		                 tms_strerror(rc));
	if (env->json)
		cli_print_json(json_pack("{s:I, s:b}", "id", (json_int_t)id, "running", 0));
	else
		printf("stopped rollout %lld\n", (long long)id);
	return CLI_OK;
}

/* ---- minimum ---- */

static const char minimum_set_help[] =
    "--model M --version V --after YYYY-MM-DD [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Sets model M's minimum software version: after the date (the host's local time), a\n"
    "terminal of model M that reported a lower version (59 A2 05) is refused at sign-in with\n"
    "response code U1, software update required, until it reports V or above. A terminal that\n"
    "never reported a version is not refused.\n"
    "\n" CLI_TMS_COMMON_HELP "\n"
    "Exit status: 0 set; 1 failed; 2 bad usage.\n";

struct minimum_set {
	const char *model, *version, *after;
};

static const cli_opt minimum_set_opts[] = {
    CLI_NEED("model", struct minimum_set, model),
    CLI_NEED("version", struct minimum_set, version),
    CLI_NEED("after", struct minimum_set, after),
};

static void minimum_print(const struct tms_minimum *m)
{
	printf("%-16s  %-8s  %04d-%02d-%02d  %s\n", m->model, m->version,
	       m->after_date / 10000 % 10000, m->after_date / 100 % 100, m->after_date % 100,
	       m->set_by);
}

static int minimum_set(struct cli_env *env, const void *values)
{
	const struct minimum_set *o = values;
	struct tms_minimum m;
	char why[200] = "";
	int rc;

	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = tms_minimum_set(env->host.tms, env->actor, o->model, o->version, o->after,
	                          (int64_t)time(NULL), &m, why, sizeof why)) != TMS_OK)
		return cli_tms_failed(env, rc, why);
	if (env->json)
		cli_print_json(tms_minimum_json(&m, env->host.cfg.utc_offset));
	else
		minimum_print(&m);
	return CLI_OK;
}

static const char minimum_list_help[] =
    "[--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists each model's minimum version and the date after which it is enforced at sign-in.\n"
    "\n" CLI_TMS_COMMON_HELP "\n"
    "Exit status: 0 listed; 1 failed; 2 bad usage.\n";

static int minimum_row(void *ctx, const struct tms_minimum *m)
{
	struct cli_tms_listing *l = ctx;

	if (l->items != NULL)
		return json_array_append_new(l->items,
		                             tms_minimum_json(m, l->env->host.cfg.utc_offset)) != 0;
	if (l->n++ == 0)
		printf("%-16s  %-8s  %-10s  %s\n", "MODEL", "VERSION", "AFTER", "SET BY");
	minimum_print(m);
	return 0;
}

static int minimum_list(struct cli_env *env, const void *values)
{
	struct cli_tms_listing l = {0};
	int rc;

	(void)values; /* no options of its own */
	if ((rc = cli_tms_list_start(env, &l)) != CLI_OK)
		return rc;
	return cli_tms_list_end(env, &l, tms_minimum_list(env->host.tms, minimum_row, &l), NULL,
	                        "no minimum");
}

static const cli_command package_cmds[] = {
    {"add", "a file stored, hashed and signed as a model's package", .handler = package_add,
     .env = CLI_ENV_TMS, .help = package_add_help, CLI_OPTS(package_add_opts, struct package_add),
     .common = CLI_DATADIR, CLI_ONE("takes one FILE")},
    {"list", "the packages", .handler = package_list, .env = CLI_ENV_TMS | CLI_ENV_READ,
     .help = package_list_help, .common = CLI_DATADIR, NO_OPERAND},
    {"key", "the public key that verifies packages", .handler = package_key, .env = CLI_ENV_TMS,
     .help = package_key_help, .common = CLI_DATADIR, NO_OPERAND},
};

const cli_group cli_admin_tms_package_group = {
    "possum admin tms package",
    "Software packages for the terminals, signed with Ed25519 in the hsm (docs/tms.md).",
    CLI_TABLE(package_cmds)};

static const cli_command rollout_cmds[] = {
    {"add", "a package given to terminals, merchants or a percentage", .handler = rollout_add,
     .env = CLI_ENV_TMS, .help = rollout_add_help, CLI_OPTS(rollout_add_opts, struct rollout_add),
     .common = CLI_DATADIR, NO_OPERAND},
    {"list", "the rollouts", .handler = rollout_list, .env = CLI_ENV_TMS | CLI_ENV_READ,
     .help = rollout_list_help, .common = CLI_DATADIR, NO_OPERAND},
    {"stop", "a rollout stopped", .handler = rollout_stop, .env = CLI_ENV_TMS,
     .help = rollout_stop_help, .common = CLI_DATADIR, CLI_ONE("takes one rollout ID")},
};

const cli_group cli_admin_tms_rollout_group = {
    "possum admin tms rollout", "Who gets a software package, and from when (docs/tms.md).",
    CLI_TABLE(rollout_cmds)};

static const cli_command minimum_cmds[] = {
    {"set", "a model's minimum version, enforced at sign-in after a date", .handler = minimum_set,
     .env = CLI_ENV_TMS, .help = minimum_set_help, CLI_OPTS(minimum_set_opts, struct minimum_set),
     .common = CLI_DATADIR, NO_OPERAND},
    {"list", "the models' minimum versions", .handler = minimum_list,
     .env = CLI_ENV_TMS | CLI_ENV_READ, .help = minimum_list_help, .common = CLI_DATADIR,
     NO_OPERAND},
};

const cli_group cli_admin_tms_minimum_group = {
    "possum admin tms minimum",
    "Each terminal model's minimum software version, refused at sign-in after a date (U1).",
    CLI_TABLE(minimum_cmds)};
