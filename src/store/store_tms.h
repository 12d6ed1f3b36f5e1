/* store_tms.h — the terminal management module's store (src/tms/, docs/tms.md): what the
 * terminals download and how it changed.
 *
 * Functions return STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_TMS_H
#define POSSUM_STORE_TMS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

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

#endif
