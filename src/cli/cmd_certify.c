/* cmd_certify.c — `possum certify` (docs/certify.md): the device test a POS terminal passes
 * before it goes live, and the certificates it gives — `certify list` and `certify revoke`
 * over the acquirer's store (the data directory's, as the admin commands find it). Changes
 * are made as "cli:$USER". */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "certify/certify.h"
#include "cli/cli.h"
#include "common/jsonval.h"

#define COMMON_HELP                                                                                          \
	"  --config FILE  the config file (default $POSSUM_CONFIG)\n"                                        \
	"  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT \
	")\n"

/* Every option of a certify command; each row's table names those it takes. */
struct copts {
	const char *model, *reason;
	int all;
};

/* Says certify's failure rc as env->prog; the exit code. */
static int failed(const struct cli_env *env, int rc)
{
	return cli_module_failed(env, certify_strerror(rc), rc == CERTIFY_ESTORE,
	                         rc == CERTIFY_EARG);
}

/* ---- list ---- */

static const char list_help[] =
    "[--model M] [--all] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the device certificates `possum certify run` recorded, the latest first: each\n"
    "one's id, terminal model and software version, suite, cases passed, when and by whom\n"
    "it was issued; those in force only, unless --all (then revoked ones too, with when, by\n"
    "whom and why).\n"
    "\n"
    "  --model M      that model's certificates only\n"
    "  --all          revoked certificates too\n" COMMON_HELP
    "  --json         print {\"items\":[{\"id\",\"model\",\"version\",\"suite\",\"passed_cases\",\n"
    "                 \"issued\",\"issued_by\",\"report_sha256\",\"revoked\",\"revoked_by\",\n"
    "                 \"revoke_reason\"},…],\"next\":null} (the last three null while in force)\n"
    "\n"
    "Exit status: 0 listed (none is a list too); 1 a failure; 2 bad usage.\n";

struct listing {
	const struct cli_env *env;
	json_t *items;
	size_t n;
};

static int list_one(void *ctx, const struct store_certify_cert *c)
{
	struct listing *l = ctx;
	char at[TEXT_TIME_LEN];

	l->n++;
	if (l->items != NULL)
		return json_array_append_new(
		           l->items, certify_cert_json(c, l->env->host.cfg.utc_offset)) != 0;
	printf("%s  %-12s %-10s %-8s %3d cases  issued %s by %s\n", c->id, c->model, c->version,
	       c->suite, c->passed_cases, cli_time(l->env, c->issued_at, at), c->issued_by);
	if (c->revoked_at != 0)
		printf("    revoked %s by %s: %s\n", cli_time(l->env, c->revoked_at, at),
		       c->revoked_by, c->revoke_reason);
	return 0;
}

static int certify_list_cmd(struct cli_env *env, const void *values)
{
	const struct copts *o = values;
	struct listing l = {env, NULL, 0};
	int rc;

	if (o->model != NULL && (o->model[0] == '\0' || strlen(o->model) >= STORE_CERTIFY_NAME_MAX))
		return cli_usage_error(env->prog, "--model: 1 to %d bytes",
		                       STORE_CERTIFY_NAME_MAX - 1);
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if (env->json && (l.items = json_array()) == NULL)
		return failed(env, CERTIFY_ENOMEM);
	if ((rc = certify_list(env->host.data.store, o->model, o->all != 0, list_one, &l)) !=
	    CERTIFY_OK) {
		json_decref(l.items);
		return failed(env, rc < 0 ? rc : CERTIFY_ENOMEM);
	}
	if (env->json)
		cli_print_page(true, l.items, l.n, 0);
	else if (l.n == 0)
		printf("none\n");
	return CLI_OK;
}

/* ---- revoke ---- */

static const char revoke_help[] =
    "ID --reason TEXT [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Revokes certificate ID: its model and version no longer count as certified, so that a\n"
    "merchant whose terminals need it is refused the onboarding's agree step (docs/certify.md\n"
    "\"Certificates\"). Recorded with who, when and why, and in the audit log\n"
    "(certify.revoke); a revoked certificate stays listed under --all.\n"
    "\n"
    "  --reason TEXT  why (one line, 1 to 256 bytes)\n" COMMON_HELP
    "  --json         print the certificate as `certify list --json` shows one\n"
    "\n"
    "Exit status: 0 revoked; 1 no such certificate, revoked already, or a failure; 2 bad\n"
    "usage.\n";

static int certify_revoke_cmd(struct cli_env *env, const void *values)
{
	const struct copts *o = values;
	const char *prog = env->prog, *id = env->operands[0];
	struct store_certify_cert c;
	char at[TEXT_TIME_LEN];
	int rc;

	if (!text_is_line(o->reason, STORE_CERTIFY_REASON_MAX - 1))
		return cli_usage_error(prog, "--reason: one line of 1 to 256 bytes needed");
	if (!text_is_line(id, STORE_CERTIFY_ID_MAX - 1))
		return cli_usage_error(prog, "'%s' is not a certificate's id", id);
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = certify_revoke(env->host.data.store, id, o->reason, env->actor, (int64_t)time(NULL),
	                    &c);
	if (rc == CERTIFY_ENOTFOUND)
		return cli_error(CLI_FAILED, prog, "no certificate %s", id);
	if (rc == CERTIFY_EREVOKED)
		return cli_error(CLI_FAILED, prog,
		                 "certificate %s was revoked already, %s by %s: %s", id,
		                 cli_time(env, c.revoked_at, at), c.revoked_by, c.revoke_reason);
	if (rc != CERTIFY_OK)
		return failed(env, rc);
	if (env->json)
		cli_print_json(certify_cert_json(&c, env->host.cfg.utc_offset));
	else
		printf("certificate %s revoked  (model %s, version %s)\n", c.id, c.model,
		       c.version);
	return CLI_OK;
}

/* The commands of `possum certify`: a row each. */
static const cli_command certify_cmds[] = {
    {"list", "the device certificates recorded, in force or all", .handler = certify_list_cmd,
     .env = CLI_ENV_DATA | CLI_ENV_READ, .help = list_help,
     CLI_OPTIONS(struct copts, CLI_TEXT("model", struct copts, model),
                 CLI_SET("all", struct copts, all)),
     .common = CLI_DATADIR},
    {"revoke", "revoke a certificate: its model and version no longer certified",
     .handler = certify_revoke_cmd, .env = CLI_ENV_DATA, .help = revoke_help,
     CLI_OPTIONS(struct copts, CLI_NEED("reason", struct copts, reason)), .common = CLI_DATADIR,
     CLI_ONE("takes one certificate ID")},
};

const cli_group cli_certify_group = {
    "possum certify",
    "The device test a POS terminal passes before it goes live (docs/certify.md), and the\n"
    "certificates it gives a terminal model and software version.",
    CLI_TABLE(certify_cmds)};
