/* store_tms.h — the terminal management module's part of the storage interface (src/tms/,
 * docs/tms.md): what the terminals download and how it changed.
 *
 * Parameters (tms.1): the keys set at each level (level "all" with name "", "model" with the
 * model, "merchant" with the MID, "terminal" with the TID), one row a key; and each level's
 * set's version, counted up by every change, with who made the last change and when. The rows
 * hold checked values only: the tms module checks every key and value before it writes.
 *
 * CA public keys and chip applications (tms.2), software packages (tms.3): see their headings
 * below.
 *
 * Functions return STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_TMS_H
#define POSSUM_STORE_TMS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_TMS_LEVEL_MAX 16  /* bytes of a level's word, with its NUL */
#define STORE_TMS_NAME_MAX  33  /* bytes of a level's name (a model, MID or TID), with its NUL */
#define STORE_TMS_KEY_MAX   32  /* bytes of a key, with its NUL */
#define STORE_TMS_VALUE_MAX 241 /* bytes of a value, with its NUL */

/* ---- Parameters (tms.1) ---- */

/* One key set at a level. */
struct store_tms_param {
	char level[STORE_TMS_LEVEL_MAX], name[STORE_TMS_NAME_MAX], key[STORE_TMS_KEY_MAX];
	char value[STORE_TMS_VALUE_MAX];
};

/* A level's set: its version (0: never changed) and its last change. */
struct store_tms_set {
	char level[STORE_TMS_LEVEL_MAX], name[STORE_TMS_NAME_MAX];
	int64_t version;
	char actor[64];
	int64_t changed_at;
};

/* The value of p->key at p's level and name, into p->value: STORE_ENOTFOUND when not set. */
int store_tms_param_get(store *s, struct store_tms_param *p);
/* Sets p->key to p->value at p's level and name (written over when set already). */
int store_tms_param_put(store *s, const struct store_tms_param *p);
/* Removes p->key from p's level and name: STORE_ENOTFOUND when it was not set. */
int store_tms_param_delete(store *s, const struct store_tms_param *p);
/* Calls fn for each key set at level and name (a struct store_tms_set's), in key order, until
 * it returns non-zero (returned). */
int store_tms_param_list(store *s, const struct store_tms_set *set,
                         int (*fn)(void *ctx, const struct store_tms_param *p), void *ctx);

/* Counts set's version up (from 0 when it has none: 1), its actor and changed_at written;
 * set->version is then the new one. */
int store_tms_set_bump(store *s, struct store_tms_set *set);
/* set's version and last change, by its level and name: STORE_ENOTFOUND when never changed. */
int store_tms_set_get(store *s, struct store_tms_set *set);

/* ---- CA public keys and chip applications (tms.2) ----
 *
 * The certification authorities' public keys (EMV Book 2, 11.2), one row a key as it was
 * added — never changed but by its revocation, which keeps the row — and the chip
 * applications (AIDs) the terminals may select, one row each, replaced in place. Hex is
 * upper case; the checks are the tms module's. */

#define STORE_TMS_MODULUS_MAX 248 /* bytes */

struct store_tms_capk {
	int64_t id;
	char rid[11];      /* 10 hex */
	char key_index[3]; /* 2 hex */
	char modulus[2 * STORE_TMS_MODULUS_MAX + 1];
	char exponent[7];  /* "03" or "010001" */
	int64_t expiry;    /* YYYYMMDD: not used after it */
	char checksum[41]; /* 40 hex: SHA-1 over RID, index, modulus, exponent */
	char added_by[64];
	int64_t added_at;
	int64_t revoked_at; /* 0: in force */
	char revoked_by[64];
	char revoke_reason[201];
};

/* Inserts k (k->id ignored, set): STORE_EEXIST when its RID and index are taken, revoked or
 * not. */
int store_tms_capk_insert(store *s, struct store_tms_capk *k);
/* The key of RID rid and index key_index (the fields of *k, which is filled). */
int store_tms_capk_get(store *s, struct store_tms_capk *k);
/* Writes k's revoked_at, revoked_by and revoke_reason: STORE_ENOTFOUND unless key k->id was in
 * force. */
int store_tms_capk_revoke(store *s, const struct store_tms_capk *k);
/* Calls fn for each key, by RID then index, until it returns non-zero. */
int store_tms_capk_each(store *s, int (*fn)(void *ctx, const struct store_tms_capk *k), void *ctx);

struct store_tms_aid {
	char aid[33];                   /* 10 to 32 hex */
	char label[33];                 /* 1 to 32 bytes */
	char app_version[5];            /* 4 hex (EMV 9F09) */
	int64_t floor_limit, threshold; /* minor units */
	int target_percent, max_target_percent;
	char tac_default[11], tac_denial[11], tac_online[11]; /* 10 hex each */
	bool partial;                                         /* partial selection allowed */
	char updated_by[64];
	int64_t updated_at;
};

/* Writes a: a new AID, or in place of the one of that AID. */
int store_tms_aid_put(store *s, const struct store_tms_aid *a);
int store_tms_aid_get(store *s, const char *aid, struct store_tms_aid *out);
/* Deletes AID aid: STORE_ENOTFOUND when there is none. */
int store_tms_aid_delete(store *s, const char *aid);
/* Calls fn for each AID, in order, until it returns non-zero. */
int store_tms_aid_each(store *s, int (*fn)(void *ctx, const struct store_tms_aid *a), void *ctx);

/* ---- Software packages (tms.3) ----
 *
 * A package of a terminal model and version: its size, SHA-256 and Ed25519 signature (hex,
 * upper case), its bytes in chunks of STORE_TMS_CHUNK (the last shorter), numbered from 0.
 * A rollout names who gets a package — a list of TIDs or MIDs (comma-separated), or a
 * percentage of the package's model — and from when; stopped, its row stays. A model's minimum
 * version and the date (YYYYMMDD) after which a terminal below it is refused at sign-in. */

#define STORE_TMS_CHUNK       32768 /* bytes of a package's chunk */
#define STORE_TMS_VERSION_MAX 9     /* bytes of a version (an8, 59.A2.05), with its NUL */
#define STORE_TMS_TARGETS_MAX 2049  /* bytes of a rollout's list, with its NUL */

struct store_tms_package {
	int64_t id;
	char model[STORE_TMS_NAME_MAX], version[STORE_TMS_VERSION_MAX];
	int64_t size;
	char sha256[65], signature[129];
	char added_by[64];
	int64_t added_at;
};

/* Inserts p (p->id set): STORE_EEXIST when its model and version are taken. */
int store_tms_package_insert(store *s, struct store_tms_package *p);
int store_tms_package_get(store *s, int64_t id, struct store_tms_package *out);
/* Calls fn for each package, by model then id, until it returns non-zero. */
int store_tms_package_each(store *s, int (*fn)(void *ctx, const struct store_tms_package *p),
                           void *ctx);

struct store_tms_chunk {
	int64_t package_id, seq;
	uint8_t data[STORE_TMS_CHUNK];
	size_t len;
};

/* Writes chunk c of its package. */
int store_tms_chunk_put(store *s, const struct store_tms_chunk *c);
/* Chunk c->seq of package c->package_id into c: STORE_ENOTFOUND when there is none. */
int store_tms_chunk_get(store *s, struct store_tms_chunk *c);

struct store_tms_rollout {
	int64_t id, package_id;
	char kind[16]; /* "terminals", "merchants" or "percent" */
	char targets[STORE_TMS_TARGETS_MAX];
	int percent;
	int64_t starts_at;
	char added_by[64];
	int64_t added_at, stopped_at; /* stopped_at 0: running */
	char stopped_by[64];
};

/* Inserts r (r->id set). */
int store_tms_rollout_insert(store *s, struct store_tms_rollout *r);
int store_tms_rollout_get(store *s, int64_t id, struct store_tms_rollout *out);
/* Writes r's stopped_at and stopped_by: STORE_ENOTFOUND unless rollout r->id was running. */
int store_tms_rollout_stop(store *s, const struct store_tms_rollout *r);
/* Calls fn for each rollout, by id, until it returns non-zero. */
int store_tms_rollout_each(store *s, int (*fn)(void *ctx, const struct store_tms_rollout *r),
                           void *ctx);

struct store_tms_minimum {
	char model[STORE_TMS_NAME_MAX], version[STORE_TMS_VERSION_MAX];
	int64_t after_date; /* YYYYMMDD */
	char set_by[64];
	int64_t set_at;
};

/* Writes m: a new model's, or in place of the one of its model. */
int store_tms_minimum_put(store *s, const struct store_tms_minimum *m);
/* Model model's minimum: STORE_ENOTFOUND when it has none. */
int store_tms_minimum_get(store *s, const char *model, struct store_tms_minimum *out);
int store_tms_minimum_each(store *s, int (*fn)(void *ctx, const struct store_tms_minimum *m),
                           void *ctx);

/* How many terminals of each model and version (a model "" for those of none). */
struct store_tms_count {
	char model[STORE_TMS_NAME_MAX], version[17];
	int64_t n;
};
int store_tms_count_each(store *s, int (*fn)(void *ctx, const struct store_tms_count *c),
                         void *ctx);

/* ---- Downloads (acquirer.16) ----
 *
 * What each terminal still needs to download is its row's tms_pending (store_acquirer.h:
 * STORE_TMS_PENDING_* bits); an operator's change marks the terminals it reaches at once. */

/* A change's reach: level "all" (every terminal), "model" (name: the model), "merchant" (the
 * MID) or "terminal" (the TID), and the bits to set. */
struct store_tms_mark {
	char level[STORE_TMS_LEVEL_MAX], name[STORE_TMS_NAME_MAX];
	int64_t bits;
};

/* Sets m->bits in tms_pending of every terminal m reaches, in one UPDATE (none reached:
 * STORE_OK). */
int store_tms_mark(store *s, const struct store_tms_mark *m);

#endif
