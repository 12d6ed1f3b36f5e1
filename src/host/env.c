/* env.c — opening a command's or the daemon's environment (env.h): the configuration, the data
 * directory, and the issuer, merchant module and acquirer over it, each with the keys it
 * declares (made the first time), the link's zone PIN key and the texts' sink. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "host/env.h"
#include "host/internal.h"
#include "issuer/link.h"
#include "notify/webhook.h"

int host_env_config(struct host_env *env, const char *prog, const char *path, const char *dir)
{
	const char *named;
	char err[256];

	memset(env, 0, sizeof *env);
	env->prog = prog;
	host_config_defaults(&env->cfg);
	if (path == NULL)
		path = getenv("POSSUM_CONFIG");
	if (path != NULL && host_config_load(path, &env->cfg, err, sizeof err) != HOST_CONFIG_OK) {
		host_config_free(&env->cfg);
		return host_say(HOST_EUSAGE, prog, "%s", err);
	}
	named = getenv(HOST_STORE_ENV);
	if (named != NULL && *named != '\0' &&
	    host_config_store(&env->cfg, named, HOST_STORE_ENV, err, sizeof err) !=
	        HOST_CONFIG_OK) {
		host_config_free(&env->cfg);
		return host_say(HOST_EUSAGE, prog, "%s", err);
	}
	dir = host_data_dir(dir);
	if (dir != NULL &&
	    snprintf(env->cfg.data, sizeof env->cfg.data, "%s", dir) >= (int)sizeof env->cfg.data) {
		host_config_free(&env->cfg);
		return host_say(HOST_EUSAGE, prog, "--data: path too long\nTry '%s --help'.", prog);
	}
	return HOST_OK;
}

int host_sink_open(const char *prog, const struct notify_config *cfg, const char *dir,
                   notify_sink **out)
{
	char err[256];
	int rc = cfg->sink == NOTIFY_SINK_WEBHOOK
	             ? notify_webhook_open(cfg, out, err, sizeof err)
	             : notify_file_open(cfg, dir, out, err, sizeof err);

	return rc == NOTIFY_OK ? HOST_OK : host_say(HOST_EFAILED, prog, "%s", err);
}

/* Loads the n keys names[i] made as specs[i] into slots[i]; says which failed, as whose. */
static int load_keys(struct host_env *env, const char *whose, const char *const *names,
                     const struct hsm_key_spec *specs, hsm_key *const *slots, size_t n)
{
	int rc;

	for (size_t i = 0; i < n; i++)
		if ((rc = host_datadir_key(&env->data, names[i], &specs[i], slots[i])) != 0)
			return n == 1 ? host_say(HOST_EFAILED, env->prog, "%s: %s", whose,
			                         hsm_strerror(rc))
			              : host_say(HOST_EFAILED, env->prog, "%s %s: %s", whose,
			                         names[i], hsm_strerror(rc));
	return HOST_OK;
}

/* One-time codes go straight to the sink: the outbox would keep them in the clear. */
static int sms_write(void *ctx, const char *phone, const char *text)
{
	struct host_env *env = ctx;
	char why[NOTIFY_SINK_WHY_MAX];

	return notify_sink_send(env->sink, 0, phone, text, why) == NOTIFY_OK ? 0 : -1;
}

/* The link's zone PIN key: [link] zpk when given, else the data directory's. */
static int open_zpk(struct host_env *env)
{
	hsm_key *slot = &env->zpk;

	if (env->cfg.zpk[0] == '\0')
		return load_keys(env, "the link's zone PIN key", issuer_link_key_names,
		                 issuer_link_key_specs, &slot, 1);
	if (hsm_key_set(&env->zpk, env->cfg.zpk) != HSM_OK)
		return host_say(HOST_EUSAGE, env->prog, "[link] zpk is not a key block");
	return HOST_OK;
}

static int open_issuer(struct host_env *env)
{
	struct issuer_config ic = env->cfg.issuer;
	struct issuer_keys keys;
	hsm_key *const slots[6] = {&keys.data, &keys.pan_hash, &keys.cvk,
	                           &keys.pvk,  &keys.imk,      &keys.pin};
	int rc;

	if ((rc = load_keys(env, "the issuer's key", issuer_key_names, issuer_key_specs, slots,
	                    6)) != HOST_OK ||
	    (rc = open_zpk(env)) != HOST_OK)
		goto out;
	/* The outbox's phones are the issuer's to seal: its notifications go out under its key. */
	env->notify_key = keys.data;
	if ((rc = host_sink_open(env->prog, &env->cfg.notify, env->data.dir, &env->sink)) !=
	    HOST_OK)
		goto out;
	ic.bins = env->cfg.bins;
	ic.n_bins = env->cfg.nbins;
	ic.utc_offset = env->cfg.utc_offset;
	ic.sms = sms_write;
	ic.sms_ctx = env;
	if ((rc = issuer_open(env->data.store, env->data.hsm, &ic, &keys, &env->issuer)) !=
	    ISSUER_OK)
		rc = host_say(HOST_EFAILED, env->prog, "the issuer: %s%s%s", issuer_strerror(rc),
		              rc == ISSUER_ESTORE ? ": " : "",
		              rc == ISSUER_ESTORE ? store_errmsg(env->data.store) : "");
out:
	crypto_wipe(&keys, sizeof keys);
	return rc;
}

/* The merchant module, its documents in DATA/documents unless the config names a directory. */
static int open_merchant(struct host_env *env)
{
	struct merchant_config cfg = env->cfg.merchant;
	hsm_key key, *slot = &key;
	int rc;

	if (cfg.documents[0] == '\0' &&
	    (size_t)snprintf(cfg.documents, sizeof cfg.documents, "%s/documents", env->data.dir) >=
	        sizeof cfg.documents)
		return host_say(HOST_EFAILED, env->prog, "the data directory's path is too long");
	if ((rc = load_keys(env, "the merchant module's key", merchant_key_names,
	                    merchant_key_specs, &slot, 1)) != HOST_OK)
		return rc;
	rc = merchant_open(env->data.store, env->data.hsm, env->issuer, &cfg, &key, &env->merchant);
	crypto_wipe(&key, sizeof key);
	if (rc != MERCHANT_OK)
		return host_say(HOST_EFAILED, env->prog, "the merchant module: %s",
		                merchant_strerror(rc));
	return HOST_OK;
}

static int open_acquirer(struct host_env *env)
{
	hsm_key key, data, *const slots[2] = {&key, &data};
	int rc;

	if ((rc = load_keys(env, "the acquirer's key", acquirer_key_names, acquirer_key_specs,
	                    slots, 2)) != HOST_OK)
		return rc;
	env->cfg.acquirer.utc_offset = env->cfg.utc_offset;
	env->cfg.acquirer.settle = env->cfg.settle;
	rc = acquirer_open(env->data.store, env->data.hsm, env->issuer, &env->zpk, &key,
	                   &env->cfg.acquirer, &env->acquirer);
	if (rc == ACQUIRER_OK)
		acquirer_set_data_key(env->acquirer, &data);
	crypto_wipe(&key, sizeof key);
	crypto_wipe(&data, sizeof data);
	if (rc != ACQUIRER_OK)
		return host_say(HOST_EFAILED, env->prog, "the acquirer: %s", acquirer_strerror(rc));
	return HOST_OK;
}

/* The console's users, their TOTP secrets under the key user.data. */
static int open_user(struct host_env *env)
{
	hsm_key key, *slot = &key;
	int rc;

	if ((rc = load_keys(env, "the user module's key", user_key_names, user_key_specs, &slot,
	                    1)) != HOST_OK)
		return rc;
	rc = user_open(env->data.store, env->data.hsm, &key, &env->users);
	crypto_wipe(&key, sizeof key);
	if (rc != USER_OK)
		return host_say(HOST_EFAILED, env->prog, "the user module: %s", user_strerror(rc));
	return HOST_OK;
}

/* Terminal management, its defaults from the host's configuration, with the key that signs
 * software packages. */
static int open_tms(struct host_env *env)
{
	struct tms_config cfg = {.utc_offset = env->cfg.utc_offset,
	                         .package_max = env->cfg.tms_package_max};
	hsm_key key;
	int rc = tms_open(env->data.store, &cfg, &env->tms);

	if (rc != TMS_OK)
		return host_say(HOST_EFAILED, env->prog, "terminal management: %s",
		                tms_strerror(rc));
	/* A store opened read only cannot make the key the first time: then no signer, and
	 * what signs says so (TMS_ENOKEY); the lists need none. */
	if (host_datadir_key(&env->data, tms_key_names[0], &tms_key_specs[0], &key) == HSM_OK)
		(void)tms_set_signer(env->tms, env->data.hsm, &key);
	crypto_wipe(&key, sizeof key);
	return HOST_OK;
}

/* What each need opens, in the order of their dependencies. */
static const struct {
	unsigned need, depends;
	int (*open)(struct host_env *env);
} parts[] = {
    {HOST_NEED_ISSUER, HOST_NEED_DATA, open_issuer},
    {HOST_NEED_MERCHANT, HOST_NEED_ISSUER | HOST_NEED_DATA, open_merchant},
    {HOST_NEED_ACQUIRER, HOST_NEED_ISSUER | HOST_NEED_DATA, open_acquirer},
    {HOST_NEED_USER, HOST_NEED_DATA, open_user},
    {HOST_NEED_TMS, HOST_NEED_DATA, open_tms},
};

int host_env_open(struct host_env *env, unsigned needs)
{
	int rc;

	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		if (needs & parts[i].need)
			needs |= parts[i].depends;
	if ((needs & HOST_NEED_DATA) && !(env->opened & HOST_NEED_DATA)) {
		rc = host_datadir_open_store(env->prog, env->cfg.data,
		                             env->cfg.store_name[0] != '\0' ? env->cfg.store_name
		                                                            : NULL,
		                             (needs & HOST_NEED_READONLY) != 0, &env->data);
		if (rc != HOST_OK)
			return rc;
		env->opened |= HOST_NEED_DATA;
	}
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (!(needs & parts[i].need) || (env->opened & parts[i].need))
			continue;
		if ((rc = parts[i].open(env)) != HOST_OK)
			return rc;
		env->opened |= parts[i].need;
	}
	return HOST_OK;
}

int host_env_start(struct host_env *env, const char *prog, const char *path, const char *dir,
                   unsigned needs)
{
	int rc;

	if ((rc = host_env_config(env, prog, path, dir)) != HOST_OK)
		return rc;
	if ((rc = host_env_open(env, needs)) != HOST_OK)
		host_env_close(env);
	return rc;
}

void host_env_close(struct host_env *env)
{
	tms_close(env->tms);
	env->tms = NULL;
	user_close(env->users);
	env->users = NULL;
	acquirer_close(env->acquirer);
	merchant_close(env->merchant);
	issuer_close(env->issuer);
	env->acquirer = NULL;
	env->merchant = NULL;
	env->issuer = NULL;
	notify_sink_close(env->sink);
	env->sink = NULL;
	crypto_wipe(&env->zpk, sizeof env->zpk);
	crypto_wipe(&env->notify_key, sizeof env->notify_key);
	host_datadir_close(&env->data);
	host_config_free(&env->cfg);
	env->opened = 0;
}
