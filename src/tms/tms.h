/* tms.h — terminal management (docs/tms.md): what the host tells its terminals beyond their
 * keys. Parameters set at four levels, each overriding the one before (all terminals, a
 * terminal model, a merchant, one terminal), resolved for a terminal into the set it
 * downloads, with that set's version: the first 8 hex digits of the SHA-256 of its download
 * form, so that the version changes when, and only when, what the terminal gets changes.
 *
 * Every change is made by an actor (audit/audit.h: "cli:USER", "token:ID") and committed in
 * one transaction with its audit entry; a refused change leaves nothing behind.
 *
 * Ownership: tms_open() keeps the store pointer it is given (the caller closes the store after
 * tms_close()) and copies the config. A tms handle is used by one thread at a time.
 *
 * Errors: TMS_OK or a negative TMS_E* code; tms_strerror() names it. */
#ifndef POSSUM_TMS_H
#define POSSUM_TMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define TMS_OK        0
#define TMS_EARG      (-1) /* an argument malformed: an unknown key or level, a bad value */
#define TMS_ESTORE    (-2) /* the store failed; nothing was committed */
#define TMS_ENOTFOUND (-3) /* no such terminal or merchant; a key not set at that level */
#define TMS_ENOMEM    (-4)
#define TMS_ESPACE    (-5) /* an output buffer too small */
#define TMS_EREADONLY (-6) /* a key that comes from elsewhere (the merchant's limits) */

const char *tms_strerror(int rc);

/* What the host's configuration gives the module. */
struct tms_config {
	int utc_offset; /* [host] utc_offset, minutes east of UTC: utc_offset's default */
};

typedef struct tms tms;

/* Opens the terminal management module on s. */
int tms_open(store *s, const struct tms_config *cfg, tms **out);
void tms_close(tms *t);

/* The reason a change was refused, naming the key or level at fault, for people. */
#define TMS_WHY_MAX 160

/* ---- Parameters ---- */

/* params.c. A key is set at a level: all terminals (TMS_LEVEL_ALL, no name), a model (its name, 1
 * to 32 of [A-Za-z0-9._-]), a merchant (its MID) or a terminal (its TID). A terminal's value of a
 * key is the one set at the most particular level that sets it (terminal, merchant, model,
 * all), else the key's default. Two keys (types, per_txn_max) are the merchant's limits
 * (`possum admin merchant limits`), read only here. Each change of a level's set counts its
 * version up; setting a key to the value it has changes nothing. Audit actions
 * "tms.param.set" and "tms.param.unset" on "tms:LEVEL" or "tms:LEVEL:NAME", before and after
 * {"key","value","version"}. */

enum tms_level {
	TMS_LEVEL_DEFAULT, /* no level sets it: the key's default */
	TMS_LEVEL_ALL,
	TMS_LEVEL_MODEL,
	TMS_LEVEL_MERCHANT,
	TMS_LEVEL_TERMINAL,
	TMS_LEVEL_LIMITS, /* the merchant's limits (read only) */
};

/* "default", "all", "model", "merchant", "terminal", "merchant limits"; NULL for another. */
const char *tms_level_name(enum tms_level level);
/* The level one sets at called name ("all", "model", "merchant", "terminal"): TMS_OK, or
 * TMS_EARG. */
int tms_level_find(const char *name, enum tms_level *out);

/* Bytes of a model's name (merchant.h: MERCHANT_MODEL_MAX, merchant_model_ok()). */
#define TMS_MODEL_MAX 32

#define TMS_PARAMS_N  14  /* keys */
#define TMS_VALUE_MAX 240 /* bytes of a value */

/* The keys, in the order of docs/tms.md's table: the i-th key's name ("merchant_name_zh", …)
 * and download tag ("MZ", …), NULL after the last. */
const char *tms_param_key(size_t i);
const char *tms_param_tag(size_t i);

/* One key of a terminal's resolved set. */
struct tms_param {
	const char *key; /* static: tms_param_key()'s */
	char tag[3];
	char value[TMS_VALUE_MAX + 1];
	enum tms_level from; /* the level it came from */
};

/* A terminal's resolved parameters: every key, in the table's order, and their version. */
struct tms_params {
	char tid[9], mid[16], model[TMS_MODEL_MAX + 1];
	struct tms_param items[TMS_PARAMS_N];
	size_t n;
	char version[9]; /* 8 hex digits, lower case */
};

/* Terminal tid's parameters at this moment: TMS_ENOTFOUND for no such terminal. */
int tms_params_resolve(tms *t, const char *tid, struct tms_params *out);

/* The download form of p (docs/tms.md "Downloads"): ASCII TLV items, each a 2-character tag,
 * a 3-digit length in bytes and the value: "VN" the version, then every key's item in tag
 * order. The version is the SHA-256 of those keys' items alone. Into buf (cap bytes), *len
 * its length: TMS_OK, or TMS_ESPACE. */
int tms_params_encode(const struct tms_params *p, uint8_t *buf, size_t cap, size_t *len);

/* A change of one key at one level; value NULL unsets it. */
struct tms_change {
	enum tms_level level; /* TMS_LEVEL_ALL to TMS_LEVEL_TERMINAL */
	const char *name;     /* the model, MID or TID; NULL or "" for TMS_LEVEL_ALL */
	const char *key;
	const char *value;
};

/* Sets (c->value) or unsets c->key at c's level, audited as actor. Refused, with why (may be
 * NULL; TMS_WHY_MAX bytes) naming the key or level at fault and nothing changed: TMS_EARG an
 * unknown key or level, a bad name or value; TMS_EREADONLY a key of the merchant's limits;
 * TMS_ENOTFOUND no such merchant or terminal, or (unset) the key not set there. */
int tms_param_set(tms *t, const char *actor, const struct tms_change *c, int64_t now, char *why);
int tms_param_unset(tms *t, const char *actor, const struct tms_change *c, int64_t now, char *why);

/* One level's set as it stands: the keys set there alone, its version (0: never changed),
 * who changed it last and when (0: never). */
struct tms_level_set {
	enum tms_level level;
	char name[TMS_MODEL_MAX + 1];
	int64_t version;
	char actor[64];
	int64_t changed_at;
	struct {
		char key[32];
		char value[TMS_VALUE_MAX + 1];
	} items[TMS_PARAMS_N];
	size_t n;
};

/* The set of level and name (as struct tms_change's), into out. */
int tms_param_list(tms *t, enum tms_level level, const char *name, struct tms_level_set *out,
                   char *why);

#endif
