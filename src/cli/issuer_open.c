/* issuer_open.c — the issuer of a data directory, as `possum admin card`, `possum admin
 * account` and `possum host` open it: the config file (BIN ranges and limits), the store and
 * LMK of the data directory, the issuer's keys (made the first time), the link's zone PIN
 * key, the outbox's data key and the text messages' sink ([notify]; by default the JSON-lines
 * file DIR/sms.jsonl). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/notify_sink.h"
#include "crypto/crypto.h"

static const struct hsm_key_spec zpk_spec = {"P0", HSM_TDES, 16, 'B', 'E'};

/* One-time codes go straight to the sink: the outbox would keep them in the clear. */
static int sms_write(void *ctx, const char *phone, const char *text)
{
	struct cli_issuer *ci = ctx;
	char why[NOTIFY_SINK_WHY_MAX];

	return notify_sink_send(ci->sink, 0, phone, text, why);
}

int cli_issuer_config(const char *prog, const char *path, const char *dir, struct cli_issuer *ci)
{
	char err[256];

	memset(ci, 0, sizeof *ci);
	config_defaults(&ci->cfg);
	if (path == NULL)
		path = getenv("POSSUM_CONFIG");
	if (path != NULL && config_load(path, &ci->cfg, err, sizeof err) != CONFIG_OK) {
		config_free(&ci->cfg);
		return cli_error(CLI_USAGE, prog, "%s", err);
	}
	if (dir != NULL &&
	    snprintf(ci->cfg.data, sizeof ci->cfg.data, "%s", dir) >= (int)sizeof ci->cfg.data) {
		config_free(&ci->cfg);
		return cli_usage_error(prog, "--data: path too long");
	}
	return CLI_OK;
}

int cli_issuer_open(const char *prog, struct cli_issuer *ci)
{
	struct issuer_config ic;
	struct issuer_keys keys;
	hsm_key *slots[6] = {&keys.data, &keys.pan_hash, &keys.cvk,
	                     &keys.pvk,  &keys.imk,      &keys.pin};
	char err[256];
	int rc;

	if ((rc = cli_datadir_open(prog, ci->cfg.data, &ci->data)) != CLI_OK)
		goto fail;
	for (size_t i = 0; i < 6; i++)
		if ((rc = cli_datadir_key(&ci->data, issuer_key_names[i], &issuer_key_specs[i],
		                          slots[i])) != 0) {
			rc = cli_error(CLI_FAILED, prog, "the issuer's key %s: %s",
			               issuer_key_names[i], hsm_strerror(rc));
			goto fail;
		}
	if (ci->cfg.zpk[0] != '\0') {
		if (hsm_key_set(&ci->zpk, ci->cfg.zpk) != HSM_OK) {
			rc = cli_error(CLI_USAGE, prog, "[link] zpk is not a key block");
			goto fail;
		}
	} else if ((rc = cli_datadir_key(&ci->data, "link.zpk", &zpk_spec, &ci->zpk)) != 0) {
		rc = cli_error(CLI_FAILED, prog, "the link's zone PIN key: %s", hsm_strerror(rc));
		goto fail;
	}
	/* The outbox's phones are the issuer's to seal: its notifications go out under its key. */
	ci->notify_key = keys.data;
	if (notify_sink_open(&ci->cfg.notify, ci->data.dir, &ci->sink, err, sizeof err) != 0) {
		rc = cli_error(CLI_FAILED, prog, "%s", err);
		goto fail;
	}
	ic = ci->cfg.issuer;
	ic.bins = ci->cfg.bins;
	ic.n_bins = ci->cfg.nbins;
	ic.utc_offset = ci->cfg.notify.utc_offset;
	ic.sms = sms_write;
	ic.sms_ctx = ci;
	if ((rc = issuer_open(ci->data.store, ci->data.hsm, &ic, &keys, &ci->issuer)) !=
	    ISSUER_OK) {
		rc = cli_error(CLI_FAILED, prog, "the issuer: %s%s%s", issuer_strerror(rc),
		               rc == ISSUER_ESTORE ? ": " : "",
		               rc == ISSUER_ESTORE ? store_errmsg(ci->data.store) : "");
		goto fail;
	}
	crypto_wipe(&keys, sizeof keys);
	return CLI_OK;
fail:
	crypto_wipe(&keys, sizeof keys);
	return rc;
}

int cli_issuer_start(const char *prog, const char *path, const char *dir, struct cli_issuer *ci)
{
	int rc;

	if ((rc = cli_issuer_config(prog, path, dir, ci)) != CLI_OK)
		return rc;
	if ((rc = cli_issuer_open(prog, ci)) != CLI_OK)
		cli_issuer_close(ci);
	return rc;
}

void cli_issuer_close(struct cli_issuer *ci)
{
	issuer_close(ci->issuer);
	ci->issuer = NULL;
	notify_sink_close(ci->sink);
	ci->sink = NULL;
	crypto_wipe(&ci->notify_key, sizeof ci->notify_key);
	cli_datadir_close(&ci->data);
	config_free(&ci->cfg);
}
