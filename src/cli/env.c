/* env.c — the command line's side of a command's environment (cli.h): exit codes from the
 * host's results, and what the merchant commands open (the environment with the merchant
 * module, and the audit log's actor). */
#include "cli/cli.h"

int cli_exit(int host_rc)
{
	return host_rc == HOST_OK ? CLI_OK : host_rc == HOST_EUSAGE ? CLI_USAGE : CLI_FAILED;
}

int cli_merchant_start(const char *prog, const char *config, const char *data,
                       struct cli_merchant *cm)
{
	int rc;

	cm->m = NULL;
	cli_actor(cm->actor);
	if ((rc = host_env_start(&cm->ci, prog, config, data, HOST_NEED_MERCHANT)) != HOST_OK)
		return cli_exit(rc);
	cm->m = cm->ci.merchant;
	return CLI_OK;
}

void cli_merchant_close(struct cli_merchant *cm)
{
	cm->m = NULL;
	host_env_close(&cm->ci);
}

int cli_merchant_failed(const char *prog, const struct host_env *ci, int rc)
{
	if (rc == MERCHANT_EARG)
		return cli_usage_error(prog, "%s", merchant_strerror(rc));
	if (rc == MERCHANT_ESTORE)
		return cli_error(CLI_FAILED, prog, "%s: %s", merchant_strerror(rc),
		                 store_errmsg(ci->data.store));
	return cli_error(CLI_FAILED, prog, "%s", merchant_strerror(rc));
}
