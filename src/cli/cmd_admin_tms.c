/* cmd_admin_tms.c — `possum admin tms`: terminal management (docs/tms.md), a group per thing
 * the terminals download: the parameters (cmd_admin_tms_param.c), the CA public keys and the
 * chip applications (cmd_admin_tms_keys.c), software packages, rollouts and minimum versions
 * (cmd_admin_tms_package.c); and `tms status`, here. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cmd_admin_tms.h"
#include "tms/tms.h"

int cli_tms_failed(const struct cli_env *env, int rc, const char *why)
{
	if (rc == TMS_EARG && why[0] != '\0')
		return cli_usage_error(env->prog, "%s", why);
	if (rc != TMS_ESTORE && why[0] != '\0')
		return cli_error(CLI_FAILED, env->prog, "refused: %s", why);
	return cli_module_failed(env, tms_strerror(rc), rc == TMS_ESTORE, rc == TMS_EARG);
}

int cli_tms_list_start(struct cli_env *env, struct cli_tms_listing *l)
{
	int rc;

	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	l->env = env;
	l->date = tms_date((int64_t)time(NULL), env->host.cfg.utc_offset);
	l->utc_offset = env->host.cfg.utc_offset;
	if (env->json && (l->items = json_array()) == NULL)
		return cli_tms_failed(env, TMS_ENOMEM, "");
	return CLI_OK;
}

int cli_tms_list_end(const struct cli_env *env, struct cli_tms_listing *l, int rc,
                     const char *version, const char *none)
{
	if (rc != TMS_OK) {
		json_decref(l->items);
		return cli_tms_failed(env, rc < 0 ? rc : TMS_ENOMEM, "");
	}
	if (env->json && version != NULL)
		cli_print_json(
		    json_pack("{s:o, s:n, s:s}", "items", l->items, "next", "version", version));
	else if (env->json)
		cli_print_json(json_pack("{s:o, s:n}", "items", l->items, "next"));
	else if (version != NULL)
		printf("%s%sversion %s\n", l->n == 0 ? none : "", l->n == 0 ? "\n" : "", version);
	else if (l->n == 0)
		printf("%s\n", none);
	return CLI_OK;
}

extern const cli_group cli_admin_tms_param_group;   /* cmd_admin_tms_param.c */
extern const cli_group cli_admin_tms_capk_group;    /* cmd_admin_tms_keys.c */
extern const cli_group cli_admin_tms_aid_group;     /* cmd_admin_tms_keys.c */
extern const cli_group cli_admin_tms_package_group; /* cmd_admin_tms_package.c */
extern const cli_group cli_admin_tms_rollout_group; /* cmd_admin_tms_package.c */
extern const cli_group cli_admin_tms_minimum_group; /* cmd_admin_tms_package.c */

static const char status_help[] =
    "[--model M] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "The terminals by model and software version (with the model's minimum), then each\n"
    "terminal: model, version, whether it must update before it may sign in, the package a\n"
    "rollout gives it; and the rollouts running with how many terminals each names.\n"
    "\n"
    "  --model M      that model's terminals and rollouts only\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         print JSON\n"
    "\n"
    "Exit status: 0 shown; 1 failed; 2 bad usage.\n";

struct status_opts {
	const char *model;
};

static const cli_opt status_opts[] = {CLI_TEXT("model", struct status_opts, model)};

static void status_print(json_t *st)
{
	json_t *m, *v, *x;
	size_t i, j;

	printf("%-16s  %-16s  %9s  %s\n", "MODEL", "VERSION", "TERMINALS", "MINIMUM");
	json_array_foreach(json_object_get(st, "models"), i, m)
	{
		json_t *min = json_object_get(m, "minimum");

		json_array_foreach(json_object_get(m, "versions"), j, v)
		{
			printf("%-16s  %-16s  %9lld  %s\n",
			       json_string_value(json_object_get(m, "model")),
			       json_string_value(json_object_get(v, "version")),
			       (long long)json_integer_value(json_object_get(v, "terminals")),
			       json_is_object(min)
			           ? json_string_value(json_object_get(min, "version"))
			           : "-");
		}
	}
	printf("\n%-8s  %-16s  %-8s  %-6s  %-8s  %-24s  %s\n", "TID", "MODEL", "VERSION", "UPDATE",
	       "PACKAGE", "PENDING", "FAILED");
	json_array_foreach(json_object_get(st, "terminals"), i, x)
	{
		json_t *p = json_object_get(x, "package"), *f = json_object_get(x, "update_failed");
		char pending[64] = "";

		json_array_foreach(json_object_get(json_object_get(x, "downloads"), "pending"), j,
		                   v)
		{
			snprintf(pending + strlen(pending), sizeof pending - strlen(pending),
			         "%s%s", j > 0 ? "," : "", json_string_value(v));
		}
		printf("%-8s  %-16s  %-8s  %-6s  %-8s  %-24s  %s\n",
		       json_string_value(json_object_get(x, "tid")),
		       json_string_value(json_object_get(x, "model")),
		       json_string_value(json_object_get(x, "version")),
		       json_is_true(json_object_get(x, "update_required")) ? "yes" : "no",
		       json_is_object(p) ? json_string_value(json_object_get(p, "version")) : "-",
		       pending[0] != '\0' ? pending : "-",
		       json_is_string(f) ? json_string_value(f) : "-");
	}
	printf("\n%-7s  %-7s  %-16s  %-8s  %s\n", "ROLLOUT", "PACKAGE", "MODEL", "VERSION",
	       "TERMINALS");
	json_array_foreach(json_object_get(st, "rollouts"), i, x)
	{
		printf("%-7lld  %-7lld  %-16s  %-8s  %lld\n",
		       (long long)json_integer_value(json_object_get(x, "id")),
		       (long long)json_integer_value(json_object_get(x, "package")),
		       json_string_value(json_object_get(x, "model")),
		       json_string_value(json_object_get(x, "version")),
		       (long long)json_integer_value(json_object_get(x, "targeted")));
	}
}

static int status(struct cli_env *env, const void *values)
{
	const struct status_opts *o = values;
	json_t *st = NULL;
	int rc;

	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = tms_status(env->host.tms, o->model, (int64_t)time(NULL), &st)) != TMS_OK)
		return cli_module_failed(env, tms_strerror(rc), rc == TMS_ESTORE, false);
	if (env->json) {
		cli_print_json(st);
		return CLI_OK;
	}
	status_print(st);
	json_decref(st);
	return CLI_OK;
}

static const cli_command tms_cmds[] = {
    {"param", "the terminals' parameters: set at a level, resolved for a terminal",
     .group = &cli_admin_tms_param_group},
    {"capk", "the CA public keys", .group = &cli_admin_tms_capk_group},
    {"aid", "the chip applications (AIDs)", .group = &cli_admin_tms_aid_group},
    {"package", "software packages, signed", .group = &cli_admin_tms_package_group},
    {"rollout", "who gets a package, from when", .group = &cli_admin_tms_rollout_group},
    {"minimum", "each model's minimum version, enforced at sign-in",
     .group = &cli_admin_tms_minimum_group},
    {"status", "the terminals by model and version, their updates, the rollouts", .handler = status,
     .env = CLI_ENV_TMS | CLI_ENV_READ, .help = status_help,
     CLI_OPTS(status_opts, struct status_opts), .common = CLI_DATADIR, .max = 0,
     .wrong = "takes no operand"},
};

const cli_group cli_admin_tms_group = {
    "possum admin tms",
    "Terminal management: what the terminals download and its versions (docs/tms.md).",
    CLI_TABLE(tms_cmds)};
