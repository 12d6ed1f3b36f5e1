/* env.c — the command line's side of a command's environment (cli.h): what its row's env column
 * asks for opened through host/env.h (or, for an LMK file alone, hsm.h), its exit codes, and
 * how the merchant module's and the terminal's failures are said. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cli_exit(int host_rc)
{
	return host_rc == HOST_OK ? CLI_OK : host_rc == HOST_EUSAGE ? CLI_USAGE : CLI_FAILED;
}

/* The hsm on the LMK of path, or of POSSUM_LMK. */
static int open_hsm(const char *prog, const char *path, hsm **h)
{
	int rc;

	if (path == NULL && getenv(HSM_LMK_ENV) == NULL)
		return cli_usage_error(prog, "no LMK: give --lmk FILE or set %s", HSM_LMK_ENV);
	rc = path != NULL ? hsm_open_file(path, h) : hsm_open_env(NULL, h);
	if (rc == HSM_EIO)
		return cli_error(CLI_FAILED, prog, "cannot read the LMK file %s: %s", path,
		                 strerror(errno));
	if (rc == HSM_EPERM)
		return cli_error(CLI_FAILED, prog, "%s: others may read or write it; chmod 600 %s",
		                 path, path);
	if (rc != HSM_OK)
		return cli_error(CLI_FAILED, prog, "%s: %s", path != NULL ? path : HSM_LMK_ENV,
		                 hsm_strerror(rc));
	return CLI_OK;
}

/* A directory that is not the data directory (a terminal's state) is opened without the
 * configuration: dir, else the default. */
static int data_alone(struct host_env *host, const char *prog, const char *dir)
{
	memset(host, 0, sizeof *host);
	host->prog = prog;
	host_config_defaults(&host->cfg);
	if (dir != NULL && (size_t)snprintf(host->cfg.data, sizeof host->cfg.data, "%s", dir) >=
	                       sizeof host->cfg.data)
		return host_say(HOST_EFAILED, prog, "the data directory's name is too long");
	return HOST_OK;
}

/* Opens env->needs with the data directory dir: a data directory found as every command finds
 * it (host_env_config(): dir, $POSSUM_DATA, the configuration's, the default) when datadir,
 * else dir itself, without the configuration (a terminal's state directory). */
static int open_env(struct cli_env *env, const char *dir, bool datadir)
{
	unsigned host =
	    env->needs & (HOST_NEED_DATA | HOST_NEED_ISSUER | HOST_NEED_MERCHANT |
	                  HOST_NEED_ACQUIRER | HOST_NEED_READONLY | HOST_NEED_USER | HOST_NEED_TMS);
	int rc;

	cli_actor(env->actor);
	if (env->needs & CLI_ENV_HSM)
		return open_hsm(env->prog, dir, &env->hsm);
	rc = datadir ? host_env_config(&env->host, env->prog, env->config, dir)
	             : data_alone(&env->host, env->prog, dir);
	if (rc == HOST_OK)
		rc = host_env_open(&env->host, host);
	if (rc != HOST_OK)
		return cli_exit(rc);
	if ((env->needs & CLI_ENV_TERM) == CLI_ENV_TERM &&
	    (rc = term_open(env->host.data.store, env->host.data.hsm, &env->term)) != TERM_OK)
		return cli_term_failed(env->prog, rc);
	return CLI_OK;
}

int cli_env_open(struct cli_env *env)
{
	return open_env(env, env->data, true);
}

int cli_env_open_at(struct cli_env *env, const char *dir)
{
	return open_env(env, dir, false);
}

void cli_env_close(struct cli_env *env)
{
	term_close(env->term);
	env->term = NULL;
	hsm_close(env->hsm);
	env->hsm = NULL;
	host_env_close(&env->host); /* as host/env.h allows: on an env zeroed or half opened */
}

int cli_term_failed(const char *prog, int rc)
{
	return cli_error(rc == TERM_EARG || rc == TERM_ECARD ? CLI_USAGE : CLI_FAILED, prog, "%s",
	                 term_strerror(rc));
}

int cli_module_failed(const struct cli_env *env, const char *text, bool in_store, bool usage)
{
	if (in_store)
		return cli_error(CLI_FAILED, env->prog, "%s: %s", text,
		                 store_errmsg(env->host.data.store));
	return cli_error(usage ? CLI_USAGE : CLI_FAILED, env->prog, "%s", text);
}

int cli_merchant_failed(const struct cli_env *env, int rc)
{
	if (rc == MERCHANT_EARG)
		return cli_usage_error(env->prog, "%s", merchant_strerror(rc));
	return cli_module_failed(env, merchant_strerror(rc), rc == MERCHANT_ESTORE, false);
}
