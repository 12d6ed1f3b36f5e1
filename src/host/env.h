/* env.h — what a command or the daemon works in: the configuration, the data directory (its
 * store and the HSM on its LMK) and the modules opened over them, each with the keys it
 * declares. `possum admin …`, `possum term`, `possum load` and `possum host` all open their
 * environment here, asking for what they need (enum host_need): what a need depends on is
 * opened with it, and what is open already is not opened again.
 *
 * The data directory is found the same way by every command and the daemon (host_data_dir(),
 * host_env_config()): --data DIR, else $POSSUM_DATA, else the configuration's [host] data,
 * else ./possum-data. It (made mode 0700 when missing) holds the store, DIR/possum.db — unless
 * $POSSUM_STORE names one (a SQLite path or a PostgreSQL database, in place of [store]) or the
 * configuration's [store] names a PostgreSQL database, which is then the store — and
 * the hsm on the LMK from POSSUM_LMK or, failing that, from DIR/lmk, which is created (a test
 * LMK, with a warning) when missing. An environment that only reads (HOST_NEED_READONLY)
 * creates neither: a missing directory, store or LMK is an error that says how to make one. Keys
 * are kept wrapped under the LMK in the store's meta, by name, made the first time
 * (host_datadir_key()).
 *
 * Ownership: struct host_env owns everything in it; host_env_close() closes it all, in the
 * reverse order, and may be called on an env only zeroed or half opened. A struct host_env
 * must not move once its issuer is open (the issuer keeps its address for one-time codes).
 * Functions print their own errors on stderr as "PROG: message" and return HOST_OK or a
 * negative HOST_E* code, which has nothing left to say: it only tells the caller's fault from
 * a failure (a command's exit status). */
#ifndef POSSUM_HOST_ENV_H
#define POSSUM_HOST_ENV_H

#include <stdarg.h>

#include "acquirer/acquirer.h"
#include "host/config.h"
#include "hsm/hsm.h"
#include "issuer/issuer.h"
#include "merchant/merchant.h"
#include "notify/sink.h"
#include "store/store.h"
#include "tms/tms.h"
#include "user/user.h"

#define HOST_OK      0
#define HOST_EUSAGE  (-1) /* a bad configuration or option: the caller's to fix */
#define HOST_EFAILED (-2) /* something could not be opened or started (said on stderr) */

/* Prints "PROG: message" and a newline on stderr, as the host says its errors (and the
 * commands theirs: cli_error(), cli_usage_error()); returns rc. */
int host_say(int rc, const char *prog, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int host_vsay(int rc, const char *prog, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* ---- The data directory (datadir.c) ---- */

#define HOST_DATADIR_DEFAULT "./possum-data"
#define HOST_DATA_ENV        "POSSUM_DATA"  /* the data directory when --data is not given */
#define HOST_STORE_ENV       "POSSUM_STORE" /* the store (store_open()'s name), over [store] */

/* The data directory a command names: given (its --data), else $POSSUM_DATA when set and not
 * empty, else NULL — the configuration's [host] data then, whose default is
 * HOST_DATADIR_DEFAULT. The one place of that order (host_env_config() asks it). */
const char *host_data_dir(const char *given);

struct host_datadir {
	char dir[4096];
	/* The store's name (store_open()'s), for more connections to it: DIR/possum.db, or
	 * "postgres:CONNINFO" ([store] backend = postgres). */
	char db[4096 + 16];
	store *store;
	hsm *hsm;
};

/* Opens dir (NULL: HOST_DATADIR_DEFAULT) into *out, creating the directory, its store and
 * its test LMK when missing: HOST_OK or HOST_EFAILED. */
int host_datadir_open(const char *prog, const char *dir, struct host_datadir *out);

/* host_datadir_open() that creates nothing: the directory, DIR/possum.db and the LMK (DIR/lmk
 * unless POSSUM_LMK) must be there, else it says which and how to make them (HOST_EFAILED). */
int host_datadir_open_existing(const char *prog, const char *dir, struct host_datadir *out);

/* host_datadir_open(), or with existing host_datadir_open_existing(), its store the one called
 * name (store_open()'s: a PostgreSQL database), or DIR/possum.db when NULL. A
 * PostgreSQL store is made (its schema) when empty, even when existing. */
int host_datadir_open_store(const char *prog, const char *dir, const char *name, bool existing,
                            struct host_datadir *out);

/* Closes the store and the hsm; d may be NULL or already closed. */
void host_datadir_close(struct host_datadir *d);

/* The key called name (letters, digits, '-', '_' and '.'), wrapped under the LMK and kept in
 * the store's meta as "key.NAME"; generated as spec says when there is none. Two processes
 * creating it at once keep one key. Returns 0, or an HSM_E* or STORE_E* code (which may
 * coincide: the caller names the failure from where it came, store_errmsg() for a store's). */
int host_datadir_key(struct host_datadir *d, const char *name, const struct hsm_key_spec *spec,
                     hsm_key *out);

/* ---- The environment (env.c) ---- */

enum host_need {
	HOST_NEED_DATA = 1 << 0,     /* the data directory: store and hsm */
	HOST_NEED_ISSUER = 1 << 1,   /* the issuer, the link's zone PIN key, the texts' sink */
	HOST_NEED_MERCHANT = 1 << 2, /* the merchant module (over the issuer) */
	HOST_NEED_ACQUIRER = 1 << 3, /* the acquirer (over the issuer) */
	HOST_NEED_READONLY = 1 << 4, /* with the others: the command only reads, so the data
	                              * directory and its LMK must exist (nothing is created) */
	HOST_NEED_USER = 1 << 5,     /* the console's users (user/user.h) */
	HOST_NEED_TMS = 1 << 6,      /* terminal management (tms/tms.h) */
};

struct host_env {
	const char *prog; /* errors are said as "PROG: …" */
	struct host_config cfg;
	struct host_datadir data;
	unsigned opened; /* enum host_need: what is open (never HOST_NEED_READONLY) */
	issuer *issuer;
	merchant *merchant;
	acquirer *acquirer;
	user_module *users;
	tms *tms;
	hsm_key zpk;        /* the link's zone PIN key ([link] zpk, else made) */
	hsm_key notify_key; /* D0: the phones in the outbox (notify_enqueue()) */
	notify_sink *sink;  /* one-time codes and the outbox's texts ([notify]) */
};

/* Reads the configuration (path, else $POSSUM_CONFIG, else the defaults) into env->cfg, with
 * host_data_dir(dir) (when not NULL: --data, else $POSSUM_DATA) as its data directory over
 * the configuration's and $POSSUM_STORE, when set and not empty, as its store over [store]
 * (host_config_store(): refused as [store] postgres is); opens nothing. HOST_OK or
 * HOST_EUSAGE. */
int host_env_config(struct host_env *env, const char *prog, const char *path, const char *dir);

/* Opens what needs names (enum host_need, or'd) and what it depends on, over env->cfg. */
int host_env_open(struct host_env *env, unsigned needs);

/* Both of the above; closes what it opened when it fails. */
int host_env_start(struct host_env *env, const char *prog, const char *path, const char *dir,
                   unsigned needs);

void host_env_close(struct host_env *env);

/* ---- The routing table (routes.c) ---- */

/* cfg's [route] lines as the acquirer's table (acquirer_routes_create()): HOST_OK, or HOST_EUSAGE
 * with err "line N: why". */
int host_routes_make(const struct host_config *cfg, acquirer_routes **out, char *err,
                     size_t errlen);

/* ---- The risk rules (risk.c) ---- */

/* The name of cfg's rules for messages: the file, or "etc/risk.rules (built in)". */
const char *host_risk_source(const struct host_config *cfg);
/* Reads cfg's rules ([risk] rules: empty the built-in etc/risk.rules, "none" NULL): RISK_OK,
 * or the risk.h code with err "FILE:LINE: why". */
int host_risk_load(const struct host_config *cfg, risk_rules **out, char *err, size_t errlen);

/* Opens the texts' sink [notify] names over the data directory dir (host_env_open() does for
 * the issuer). HOST_OK or HOST_EFAILED, said as prog. */
int host_sink_open(const char *prog, const struct notify_config *cfg, const char *dir,
                   notify_sink **out);

#endif
