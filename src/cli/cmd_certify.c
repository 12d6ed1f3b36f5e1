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

/* The options of `certify run`. */
struct ropts {
	const char *suite, *model, *version, *port, *listen, *driver, *settle, *cases, *work, *lang,
	    *report_html;
	int keep;
};

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

/* ---- run ---- */

static const char run_help[] =
    "[--suite NAME|FILE] [--model M --version V] [--port P] [--listen ADDR]\n"
    "    [--driver CMD [--settle MS]] [--case ID,…] [--work DIR] [--keep] [--lang en|zh]\n"
    "    [--report-html FILE] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Runs a terminal through a certification suite (docs/certify.md). It starts a test host of\n"
    "its own (a work directory with its own keys, a merchant, one terminal and test cards, all\n"
    "printed), listens for the terminal under test, and takes it through the suite's cases one\n"
    "by one: each case says what to do (or --driver does it), plays the host's behaviour and\n"
    "checks every message the terminal sends. Then the report: each case passed or failed,\n"
    "with the reason and the message at fault decoded. When every case passed and --model and\n"
    "--version name the device, a certificate for them is recorded in the acquirer's store\n"
    "(--data), which the onboarding's agree step asks for.\n"
    "\n"
    "  --suite S      a built-in suite (cup-pos, the default) or a suite file\n"
    "  --model M      the terminal model under test (the terminal is registered with it)\n"
    "  --version V    its software version; with --model, a certificate when all passed\n"
    "  --port P       the port the terminal connects to (default 0: a free one, printed)\n"
    "  --listen ADDR  the address it listens on (default 127.0.0.1)\n"
    "  --driver CMD   run CMD for each step, unattended: `CMD ACTION KEY=VALUE…` (docs/certify.md\n"
    "                 \"Drivers\"; scripts/certify_driver_term drives `possum term`)\n"
    "  --settle MS    with --driver: after a case's last step, how long the terminal must be\n"
    "                 quiet before the case is judged (default 1500)\n"
    "  --case IDS     only these cases, comma-separated\n"
    "  --work DIR     the test host's work directory, new or empty (default a new one under\n"
    "                 $TMPDIR); removed at the end unless --keep\n"
    "  --keep         keep the work directory (its host.log, the terminal's driver.log)\n"
    "  --lang L       the instructions' and report's language: en (default) or zh\n"
    "  --report-html FILE  also write the report as a printable HTML page\n" COMMON_HELP
    "  --json         print the report as JSON (instructions and progress on stderr)\n"
    "\n"
    "Exit status: 0 every case passed; 1 a case failed or the run could not go on; 2 bad\n"
    "usage or a suite file that does not read (FILE:LINE: why).\n";

/* The report's HTML page at path; CLI_OK or the failure said. */
static int write_html(const struct cli_env *env, const struct certify_result *r, int lang,
                      const char *path)
{
	FILE *f = fopen(path, "w");
	int rc = f != NULL ? certify_report_write(r, CERTIFY_HTML, lang, f) : CERTIFY_EIO;

	if (f != NULL && fclose(f) != 0)
		rc = CERTIFY_EIO;
	return rc == CERTIFY_OK ? CLI_OK
	                        : cli_error(CLI_FAILED, env->prog, "cannot write %s", path);
}

/* A run that passed, of a named model and version: its certificate in the acquirer's store. */
static int record(struct cli_env *env, struct certify_result *r, FILE *say)
{
	char id[40];
	int rc;

	cli_actor(env->actor);
	if ((rc = host_env_open(&env->host, HOST_NEED_DATA)) != HOST_OK)
		return cli_exit(rc);
	if ((rc = certify_record(env->host.data.store, r, env->actor, id)) != CERTIFY_OK)
		return failed(env, rc);
	fprintf(say, "certificate %s recorded\n", id);
	return CLI_OK;
}

static int run_options(const struct cli_env *env, const struct ropts *o, struct certify_options *co)
{
	const char *prog = env->prog;
	int64_t port = 0, settle = 1500;

	if ((o->model == NULL) != (o->version == NULL))
		return cli_usage_error(prog, "--model and --version go together");
	if (o->port != NULL && cli_int64(prog, "port", o->port, 0, 65535, &port) != CLI_OK)
		return CLI_USAGE;
	if (o->settle != NULL && cli_int64(prog, "settle", o->settle, 0, 60000, &settle) != CLI_OK)
		return CLI_USAGE;
	if (o->settle != NULL && o->driver == NULL)
		return cli_usage_error(prog, "--settle is for --driver");
	if (o->lang != NULL && strcmp(o->lang, "en") != 0 && strcmp(o->lang, "zh") != 0)
		return cli_usage_error(prog, "--lang: en or zh");
	*co = (struct certify_options){.prog = prog,
	                               .suite = o->suite != NULL ? o->suite : "cup-pos",
	                               .model = o->model,
	                               .version = o->version,
	                               .listen = o->listen,
	                               .port = (int)port,
	                               .driver = o->driver,
	                               .settle_ms = (int)settle,
	                               .cases = o->cases,
	                               .work = o->work,
	                               .keep = o->keep != 0,
	                               .lang = o->lang != NULL && strcmp(o->lang, "zh") == 0,
	                               .say = env->json ? stderr : stdout};
	return CLI_OK;
}

static int certify_run_cmd(struct cli_env *env, const void *values)
{
	const struct ropts *o = values;
	struct certify_options co;
	struct certify_result *r = NULL;
	int rc;

	if ((rc = run_options(env, o, &co)) != CLI_OK)
		return rc;
	/* The acquirer's configuration (its local time; its store, for the certificate). */
	if ((rc = host_env_config(&env->host, env->prog, env->config, env->data)) != HOST_OK)
		return cli_exit(rc);
	co.utc_offset = env->host.cfg.utc_offset;
	if ((rc = certify_run(&co, &r)) != CERTIFY_OK) {
		certify_result_free(r);
		return rc == CERTIFY_ESUITE || rc == CERTIFY_EARG
		           ? CLI_USAGE /* said: FILE:LINE: why, or the --work at fault */
		       : rc == CERTIFY_ENOTFOUND
		           ? cli_usage_error(env->prog, "--case: no such case")
		           : cli_error(CLI_FAILED, env->prog, "%s", certify_strerror(rc));
	}
	if (certify_complete(r) && o->model != NULL && (rc = record(env, r, co.say)) != CLI_OK)
		goto out;
	if (certify_passed(r) && !certify_complete(r) && o->model != NULL)
		fprintf(co.say, "no certificate: not every case of the suite ran (--case)\n");
	certify_report_write(r, env->json ? CERTIFY_JSON : CERTIFY_TEXT, co.lang, stdout);
	rc = o->report_html != NULL ? write_html(env, r, co.lang, o->report_html) : CLI_OK;
	if (rc == CLI_OK && !certify_passed(r))
		rc = CLI_FAILED;
out:
	certify_result_free(r);
	return rc;
}

/* The commands of `possum certify`: a row each. */
static const cli_command certify_cmds[] = {
    {"run", "run a terminal through a certification suite: report, certificate",
     .handler = certify_run_cmd, .env = CLI_ENV_DATA, .help = run_help,
     CLI_OPTIONS(struct ropts, CLI_TEXT("suite", struct ropts, suite),
                 CLI_TEXT("model", struct ropts, model), CLI_TEXT("version", struct ropts, version),
                 CLI_TEXT("port", struct ropts, port), CLI_TEXT("listen", struct ropts, listen),
                 CLI_TEXT("driver", struct ropts, driver), CLI_TEXT("settle", struct ropts, settle),
                 CLI_TEXT("case", struct ropts, cases), CLI_TEXT("work", struct ropts, work),
                 CLI_SET("keep", struct ropts, keep), CLI_TEXT("lang", struct ropts, lang),
                 CLI_TEXT("report-html", struct ropts, report_html)),
     .common = CLI_DATADIR},
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
