/* merchant_open.c — the merchant module of a data directory, as `possum admin merchant|
 * terminal|token` and `possum host` open it: over the issuer of the same directory
 * (cli_issuer), with its own data key made the first time and its documents kept in
 * DATA/documents unless the config names a directory. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "crypto/crypto.h"

static const struct hsm_key_spec data_spec = {"D0", HSM_AES, 32, 'B', 'N'};

int cli_merchant_open(const char *prog, struct cli_issuer *ci, merchant **out)
{
	struct merchant_config cfg = ci->cfg.merchant;
	hsm_key key;
	int rc;

	if (cfg.documents[0] == '\0' &&
	    (size_t)snprintf(cfg.documents, sizeof cfg.documents, "%s/documents", ci->data.dir) >=
	        sizeof cfg.documents)
		return cli_error(CLI_FAILED, prog, "the data directory's path is too long");
	if ((rc = cli_datadir_key(&ci->data, "merchant.data", &data_spec, &key)) != 0)
		return cli_error(CLI_FAILED, prog, "the merchant module's key: %s",
		                 hsm_strerror(rc));
	rc = merchant_open(ci->data.store, ci->data.hsm, ci->issuer, &cfg, &key, out);
	crypto_wipe(&key, sizeof key);
	if (rc != MERCHANT_OK)
		return cli_error(CLI_FAILED, prog, "the merchant module: %s",
		                 merchant_strerror(rc));
	return CLI_OK;
}

int cli_merchant_start(const char *prog, const char *config, const char *data,
                       struct cli_merchant *cm)
{
	int rc;

	cm->m = NULL;
	cli_actor(cm->actor);
	if ((rc = cli_issuer_start(prog, config, data, &cm->ci)) != CLI_OK)
		return rc;
	if ((rc = cli_merchant_open(prog, &cm->ci, &cm->m)) != CLI_OK)
		cli_issuer_close(&cm->ci);
	return rc;
}

void cli_merchant_close(struct cli_merchant *cm)
{
	merchant_close(cm->m);
	cm->m = NULL;
	cli_issuer_close(&cm->ci);
}

int cli_merchant_failed(const char *prog, const struct cli_issuer *ci, int rc)
{
	if (rc == MERCHANT_EARG)
		return cli_usage_error(prog, "%s", merchant_strerror(rc));
	if (rc == MERCHANT_ESTORE)
		return cli_error(CLI_FAILED, prog, "%s: %s", merchant_strerror(rc),
		                 store_errmsg(ci->data.store));
	return cli_error(CLI_FAILED, prog, "%s", merchant_strerror(rc));
}
