/* acquirer_open.c — the acquirer of a data directory, as `possum admin merchant|terminal` and
 * `possum host` open it: over the issuer of the same directory (cli_issuer), with its own key
 * for the keyed hashes of PANs made the first time. */
#include "cli/cli.h"
#include "crypto/crypto.h"

static const struct hsm_key_spec pan_hash_spec = {"M7", HSM_HMAC, 32, 'C', 'N'};

int cli_acquirer_open(const char *prog, struct cli_issuer *ci, acquirer **out)
{
	hsm_key key;
	int rc;

	if ((rc = cli_datadir_key(&ci->data, "acquirer.pan_hash", &pan_hash_spec, &key)) != 0)
		return cli_error(CLI_FAILED, prog, "the acquirer's key: %s", hsm_strerror(rc));
	rc = acquirer_open(ci->data.store, ci->data.hsm, ci->issuer, &ci->zpk, &key,
	                   &ci->cfg.acquirer, out);
	crypto_wipe(&key, sizeof key);
	if (rc != ACQUIRER_OK)
		return cli_error(CLI_FAILED, prog, "the acquirer: %s", acquirer_strerror(rc));
	return CLI_OK;
}
