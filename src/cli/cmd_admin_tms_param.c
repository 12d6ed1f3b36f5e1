/* cmd_admin_tms_param.c — `possum admin tms param`: the terminals' parameters (docs/tms.md
 * "Parameters"), set and unset at a level (all terminals, a model, a merchant, a terminal),
 * listed as a level holds them, and shown as a terminal resolves them, with their version.
 * The operator's changes are audited as "cli:USER". */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "http/http.h"

#define COMMON_HELP                                                                                          \
	"  --config FILE  the config file (default $POSSUM_CONFIG)\n"                                        \
	"  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT \
	")\n"                                                                                                \
	"  --json         print the API's JSON form (docs/api.md \"Terminal management\")\n"

#define LEVEL_HELP                                                                                 \
	"  --terminal TID  the level of one terminal\n"                                            \
	"  --merchant MID  the level of a merchant's terminals\n"                                  \
	"  --model M       the level of a model's terminals (1 to 32 of A-Z a-z 0-9 . _ -)\n"      \
	"  --all           the level of all terminals\n"

/* Every option of a param command: the level, one of four. */
struct popts {
	const char *terminal, *merchant, *model;
	int all;
};

static const cli_opt level_opts[] = {
    CLI_TEXT("terminal", struct popts, terminal), CLI_TEXT("merchant", struct popts, merchant),
    CLI_TEXT("model", struct popts, model), CLI_SET("all", struct popts, all)};

/* The one level the options name, and its name: CLI_OK, else the usage error said. */
static int level_of(const struct cli_env *env, const struct popts *o, enum tms_level *level,
                    const char **name)
{
	int n = (o->terminal != NULL) + (o->merchant != NULL) + (o->model != NULL) + (o->all != 0);

	if (n != 1)
		return cli_usage_error(
		    env->prog, "one level: --terminal TID, --merchant MID, --model M or --all");
	*level = o->terminal != NULL   ? TMS_LEVEL_TERMINAL
	         : o->merchant != NULL ? TMS_LEVEL_MERCHANT
	         : o->model != NULL    ? TMS_LEVEL_MODEL
	                               : TMS_LEVEL_ALL;
	*name = o->terminal != NULL ? o->terminal : o->merchant != NULL ? o->merchant : o->model;
	return CLI_OK;
}

/* The tms module's refusal rc, its reason why: bad usage for a bad key, value or name, else
 * a failure. */
static int refused(const struct cli_env *env, int rc, const char *why)
{
	switch (rc) {
	case TMS_EARG:
	case TMS_EREADONLY:
		return cli_usage_error(env->prog, "%s", why[0] != '\0' ? why : tms_strerror(rc));
	case TMS_ENOTFOUND:
		return cli_error(CLI_FAILED, env->prog, "%s", why[0] != '\0' ? why : "not found");
	default:
		return cli_module_failed(env, tms_strerror(rc), rc == TMS_ESTORE, false);
	}
}

/* Prints level set l: its version and last change, then each key set there. */
static int print_level(const struct cli_env *env, const struct tms_level_set *l)
{
	char at[TEXT_TIME_LEN];

	if (env->json) {
		cli_print_json(http_tms_level_json(l, env->host.cfg.utc_offset));
		return CLI_OK;
	}
	printf("level        %s%s%s\n", tms_level_name(l->level), l->name[0] != '\0' ? " " : "",
	       l->name);
	if (l->version == 0)
		printf("version      0 (never changed)\n");
	else
		printf("version      %lld (%s, %s)\n", (long long)l->version, l->actor,
		       cli_time(env, l->changed_at, at));
	for (size_t i = 0; i < l->n; i++)
		printf("%-18s %s\n", l->items[i].key,
		       l->items[i].value[0] != '\0' ? l->items[i].value : "\"\"");
	if (l->n == 0)
		printf("(no key set here)\n");
	return CLI_OK;
}

/* The level's set as it is now, printed. */
static int print_now(struct cli_env *env, enum tms_level level, const char *name)
{
	char why[TMS_WHY_MAX] = "";
	struct tms_level_set l;
	int rc = tms_param_list(env->host.tms, level, name, &l, why);

	return rc != TMS_OK ? refused(env, rc, why) : print_level(env, &l);
}

static const char set_help[] =
    "(--terminal TID | --merchant MID | --model M | --all) KEY VALUE [--config FILE]\n"
    "    [--data DIR] [--json]\n"
    "\n"
    "Sets parameter KEY to VALUE at one level: it overrides the levels before it (all, model,\n"
    "merchant, terminal) for the terminals of that level. docs/tms.md lists the keys, their\n"
    "values and defaults; types and per_txn_max are the merchant's limits (`possum admin\n"
    "merchant limits`), read only here. Prints the level's set as `list` does.\n"
    "\n" LEVEL_HELP COMMON_HELP "\n"
    "Exit status: 0 set; 1 no such merchant or terminal, or a failure; 2 bad usage (an unknown\n"
    "or read-only key, a bad value: nothing changed).\n";

static const char unset_help[] =
    "(--terminal TID | --merchant MID | --model M | --all) KEY [--config FILE] [--data DIR]\n"
    "    [--json]\n"
    "\n"
    "Removes parameter KEY from one level: the levels before it, or its default, apply again.\n"
    "Prints the level's set as `list` does.\n"
    "\n" LEVEL_HELP COMMON_HELP "\n"
    "Exit status: 0 unset; 1 KEY not set at that level, no such merchant or terminal, or a\n"
    "failure; 2 bad usage.\n";

/* set and unset: the row's name says which. */
static int cmd_change(struct cli_env *env, const void *values)
{
	bool set = strcmp(env->row->name, "set") == 0;
	struct tms_change c = {0};
	char why[TMS_WHY_MAX] = "";
	int rc;

	if ((rc = level_of(env, values, &c.level, &c.name)) != CLI_OK)
		return rc;
	c.key = env->operands[0];
	c.value = set ? env->operands[1] : NULL;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = set ? tms_param_set(env->host.tms, env->actor, &c, (int64_t)time(NULL), why)
	         : tms_param_unset(env->host.tms, env->actor, &c, (int64_t)time(NULL), why);
	if (rc != TMS_OK)
		return refused(env, rc, why);
	return print_now(env, c.level, c.name);
}

static const char list_help[] =
    "(--terminal TID | --merchant MID | --model M | --all) [--config FILE] [--data DIR]\n"
    "    [--json]\n"
    "\n"
    "Lists the parameters set at one level alone, with the level's version (counted up by each\n"
    "change) and who changed it last, when. `show` gives what a terminal resolves.\n"
    "\n" LEVEL_HELP COMMON_HELP "\n"
    "Exit status: 0 listed; 1 no such merchant or terminal, or a failure; 2 bad usage.\n";

static int cmd_list(struct cli_env *env, const void *values)
{
	enum tms_level level = TMS_LEVEL_ALL;
	const char *name = NULL;
	int rc;

	if ((rc = level_of(env, values, &level, &name)) != CLI_OK ||
	    (rc = cli_env_open(env)) != CLI_OK)
		return rc;
	return print_now(env, level, name);
}

static const char show_help[] =
    "--terminal TID [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Shows the parameters terminal TID gets: every key with its value and the level it comes\n"
    "from (default, all, model, merchant, terminal, or merchant limits), and their version —\n"
    "the first 8 hex digits of the SHA-256 of their download form, which changes when what\n"
    "the terminal gets changes.\n"
    "\n"
    "  --terminal TID  the terminal\n" COMMON_HELP "\n"
    "Exit status: 0 shown; 1 no such terminal, or a failure; 2 bad usage.\n";

static int cmd_show(struct cli_env *env, const void *values)
{
	const struct popts *o = values;
	struct tms_params p;
	int rc;

	if (o->terminal == NULL)
		return cli_usage_error(env->prog, "--terminal TID is needed");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = tms_params_resolve(env->host.tms, o->terminal, &p)) != TMS_OK)
		return refused(env, rc, rc == TMS_ENOTFOUND ? "no such terminal" : "");
	if (env->json) {
		cli_print_json(http_tms_params_json(&p));
		return CLI_OK;
	}
	printf("terminal     %s\nmerchant     %s\nmodel        %s\nversion      %s\n", p.tid, p.mid,
	       p.model[0] != '\0' ? p.model : "-", p.version);
	/* An empty value shown as "": the key's value is nothing, not missing. */
	for (size_t i = 0; i < p.n; i++)
		printf("%-18s %s  %-16s %s\n", p.items[i].key, p.items[i].tag,
		       tms_level_name(p.items[i].from),
		       p.items[i].value[0] != '\0' ? p.items[i].value : "\"\"");
	return CLI_OK;
}

static const cli_command param_cmds[] = {
    {"set", "set a parameter at a level", .handler = cmd_change, .env = CLI_ENV_TMS,
     .help = set_help, CLI_OPTS(level_opts, struct popts), .common = CLI_DATADIR, .min = 2,
     .max = 2, .wrong = "takes KEY VALUE"},
    {"unset", "remove a parameter from a level", .handler = cmd_change, .env = CLI_ENV_TMS,
     .help = unset_help, CLI_OPTS(level_opts, struct popts), .common = CLI_DATADIR,
     CLI_ONE("takes KEY")},
    {"show", "a terminal's parameters, resolved, and their version", .handler = cmd_show,
     .env = CLI_ENV_TMS | CLI_ENV_READ, .help = show_help,
     CLI_OPTIONS(struct popts, CLI_TEXT("terminal", struct popts, terminal)),
     .common = CLI_DATADIR},
    {"list", "the parameters set at one level", .handler = cmd_list,
     .env = CLI_ENV_TMS | CLI_ENV_READ, .help = list_help, CLI_OPTS(level_opts, struct popts),
     .common = CLI_DATADIR},
};

const cli_group cli_admin_tms_param_group = {
    "possum admin tms param",
    "The terminals' parameters, set at four levels — all terminals, a model, a merchant, a\n"
    "terminal — each overriding the one before (docs/tms.md \"Parameters\").",
    CLI_TABLE(param_cmds)};
