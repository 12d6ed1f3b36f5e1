/* store_tms.h — the terminal management module's part of the storage interface (docs/tms.md).
 *
 * Parameters: the keys set at each level (level "all" with name "", "model" with the model,
 * "merchant" with the MID, "terminal" with the TID), one row a key; and each level's set's
 * version, counted up by every change, with who made the last change and when. The rows hold
 * checked values only: the tms module checks every key and value before it writes.
 * Functions return STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_TMS_H
#define POSSUM_STORE_TMS_H

#include <stdint.h>

#include "store/store.h"

#define STORE_TMS_LEVEL_MAX 16  /* bytes of a level's word, with its NUL */
#define STORE_TMS_NAME_MAX  33  /* bytes of a level's name (a model, MID or TID), with its NUL */
#define STORE_TMS_KEY_MAX   32  /* bytes of a key, with its NUL */
#define STORE_TMS_VALUE_MAX 241 /* bytes of a value, with its NUL */

/* ---- Parameters ---- */

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

#endif
