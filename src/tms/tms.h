/* tms.h — terminal management (docs/tms.md): what the host keeps for its terminals to
 * download beyond their keys — parameters, the chip applications (AIDs) and the certification
 * authorities' public keys — and the download form (ASCII TLV: a 2-character tag, a 3-digit
 * length, the value) each is encoded in. Parameters are set at four levels, each overriding
 * the one before (all terminals, a terminal model, a merchant, one terminal), and resolved for
 * a terminal into the set it downloads. Each set a terminal gets has a version: the first 8 hex
 * digits (lower case) of the SHA-256 of its items (tms_version_of()), so that the version
 * changes when, and only when, what the terminal gets changes.
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

#include <jansson.h>

#include "hsm/hsm.h"
#include "store/store.h"
#include "store/store_acquirer.h"
#include "store/store_tms.h"

#define TMS_OK        0
#define TMS_EARG      (-1) /* an argument malformed: an unknown key or level, a bad value */
#define TMS_ESTORE    (-2) /* the store failed; nothing was committed */
#define TMS_ENOTFOUND (-3) /* no such terminal, merchant, CA key or AID; a key not set there */
#define TMS_ENOMEM    (-4)
#define TMS_ESPACE    (-5)  /* an output buffer too small */
#define TMS_EREADONLY (-6)  /* a key that comes from elsewhere (the merchant's limits) */
#define TMS_ECHECKSUM (-7)  /* a CA key's checksum does not match its contents */
#define TMS_EEXPIRED  (-8)  /* a CA key past its expiry date */
#define TMS_EREVOKED  (-9)  /* a CA key revoked */
#define TMS_EEXIST    (-10) /* a CA key of that RID and index exists (revoked or not) */
/* Software packages (package.c) */
#define TMS_EVERIFY  (-11) /* a package whose hash or signature does not verify */
#define TMS_ETOOBIG  (-12) /* a package over [tms] package_max bytes */
#define TMS_ENOKEY   (-13) /* no signing key (tms_set_signer() not called) */
#define TMS_EHSM     (-14) /* the hsm failed to sign */
#define TMS_ESTOPPED (-15) /* a rollout stopped already */
#define TMS_EMODEL   (-16) /* a package of another model than the terminal's */

const char *tms_strerror(int rc);

/* What the host's configuration gives the module. */
struct tms_config {
	int utc_offset;      /* [host] utc_offset, minutes east of UTC: utc_offset's default */
	int64_t package_max; /* [tms] package_max: bytes of a software package; 0: 16 MiB */
};

typedef struct tms tms;

/* Opens the terminal management module on s. */
int tms_open(store *s, const struct tms_config *cfg, tms **out);
void tms_close(tms *t);

/* The reason a change was refused, naming the key or level at fault, for people. */
#define TMS_WHY_MAX 160

/* ---- The download form ---- */

/* The download form's item: tag (2 characters), a 3-digit length, len bytes of value (at most
 * 999), appended to buf (capacity cap) at *at, which it advances: TMS_OK, TMS_EARG (len over
 * 999) or TMS_ESPACE. */
int tms_item_put(uint8_t *buf, size_t cap, size_t *at, const char *tag, const void *value,
                 size_t len);

/* The item at *at of the len bytes at buf, which it advances past it: its tag (2 characters
 * and a NUL) and its value (pointing into buf) of *vlen bytes. TMS_OK; TMS_ENOTFOUND at the
 * end; TMS_EARG when what is left is not an item (a tag, 3 digits, that many bytes). */
int tms_item_get(const uint8_t *buf, size_t len, size_t *at, char tag[3], const uint8_t **value,
                 size_t *vlen);

/* The version of a download form: the first 8 hex characters (lower case) of SHA-256 over its
 * len bytes — of a terminal's parameters, of the CA keys, of the AIDs. */
int tms_version_of(const uint8_t *form, size_t len, char version[9]);

/* The date (YYYYMMDD) of Unix time now in the local time utc_offset minutes east of UTC. */
int tms_date(int64_t now, int utc_offset);

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

/* ---- CA public keys and chip applications ----
 *
 * CA public keys (capk.c; EMV Book 2, 11.2 and its Annex on the check sum): a key is its RID
 * (5 bytes), index (1 byte), modulus (1 to 248 bytes), exponent (3 or 65537), expiry date
 * (YYYYMMDD: not used after it) and checksum, SHA-1 over RID ‖ index ‖ modulus ‖ exponent.
 * Added once, never changed: a key is replaced by revoking it and adding another index.
 * Audit actions "tms.capk.add", "tms.capk.revoke" on "capk:RID:INDEX".
 *
 * Chip applications (aid.c): the AIDs (5 to 16 bytes) the terminals may select, with their
 * label, application version, floor limit, random selection (threshold, target and maximum
 * target percentages) and terminal action codes; seeded with UnionPay's debit
 * (A000000333010101), credit (…0102) and quasi-credit (…0103). Audit actions "tms.aid.add",
 * "tms.aid.replace", "tms.aid.remove" on "aid:AID".
 *
 * Download items: CK, one a key in force (neither revoked nor expired at the date asked),
 * nested RI (RID, binary), IX (index, binary), MO (modulus, binary), EX (exponent, binary), XD
 * (expiry, ASCII YYYYMMDD), CS (checksum, binary 20); AI, one an AID, nested AD (AID, binary),
 * LB (label), AV (version, binary 2), FL and TH (floor limit, threshold: n12, minor units),
 * TP and MP (percentages, n2), TD, TN, TO (the TACs default, denial, online: binary 5), PS
 * (partial selection, "0" or "1"). Each list's download form is its items in order (keys by
 * RID then index, AIDs by AID), and its version tms_version_of() that form. */

#define TMS_MODULUS_MAX STORE_TMS_MODULUS_MAX
#define TMS_REASON_MAX  200 /* bytes of a revocation's reason */

/* A CA public key, as bytes. */
struct tms_capk {
	uint8_t rid[5], index;
	uint8_t modulus[TMS_MODULUS_MAX];
	size_t modulus_len;
	uint8_t exponent[3];
	size_t exponent_len;
	int expiry; /* YYYYMMDD */
	uint8_t checksum[20];
	/* What the host keeps of it (a terminal's copy has them zero). */
	int64_t added_at, revoked_at; /* revoked_at 0: in force */
	char added_by[64], revoked_by[64], revoke_reason[TMS_REASON_MAX + 1];
};

/* A key as given in hex: rid (10), index (2), modulus (2 to 496), exponent ("03" or
 * "010001"), expiry (YYYYMMDD, a real date), checksum (40; NULL or "": computed). */
struct tms_capk_text {
	const char *rid, *index, *modulus, *exponent, *expiry, *checksum;
};

/* SHA-1 over k's RID, index, modulus and exponent (OpenSSL) into sum. */
int tms_capk_checksum(const struct tms_capk *k, uint8_t sum[20]);

/* Whether k may be used at date (YYYYMMDD): TMS_OK; TMS_ECHECKSUM when its checksum is not
 * what its contents give, TMS_EREVOKED when revoked, TMS_EEXPIRED when date is after its
 * expiry — in that order. What the host checks before it gives a key and a terminal after it
 * gets one. */
int tms_capk_check(const struct tms_capk *k, int date);

/* Reads t into out (its checksum computed when t gives none): TMS_OK; TMS_EARG with why (a
 * sentence naming the option: capacity cap) for a malformed field; TMS_ECHECKSUM when the
 * checksum given is not the one computed (why says both). */
int tms_capk_parse(const struct tms_capk_text *t, struct tms_capk *out, char *why, size_t cap);

/* Adds the key t gives (tms_capk_parse()), audited: TMS_EEXIST when its RID and index are
 * taken. Nothing is stored when it fails. out (may be NULL) gets the key. */
int tms_capk_add(tms *t, const char *actor, const struct tms_capk_text *text, int64_t now,
                 struct tms_capk *out, char *why, size_t cap);

/* Revokes key rid (10 hex), index (2 hex) with reason (one line, 1 to TMS_REASON_MAX bytes),
 * audited: TMS_ENOTFOUND when no such key, TMS_EREVOKED when revoked already. */
int tms_capk_revoke(tms *t, const char *actor, const char *rid, const char *index,
                    const char *reason, int64_t now);

/* The key's state at date: "active", "expired" or "revoked". */
const char *tms_capk_state(const struct tms_capk *k, int date);

/* Calls fn for each key by RID then index — with all, every one; else those in force at date
 * (neither revoked nor expired) — until fn returns non-zero (returned). */
int tms_capk_list(tms *t, bool all, int date, int (*fn)(void *ctx, const struct tms_capk *k),
                  void *ctx);

/* Key k's CK item appended to buf (capacity cap) at *at. */
int tms_capk_item(const struct tms_capk *k, uint8_t *buf, size_t cap, size_t *at);

/* The key of a CK item's value (len bytes, tms_capk_item()'s nested items) into out, as a
 * terminal reads it: TMS_OK, or TMS_EARG when an item is missing, repeated or of a wrong
 * length (another tag is skipped). The checksum is read, not checked: tms_capk_check() does. */
int tms_capk_decode(const uint8_t *value, size_t len, struct tms_capk *out);

/* The download form of the keys in force at date: their CK items into buf (capacity cap),
 * *len bytes; TMS_ESPACE when it does not fit. */
int tms_capk_encode(tms *t, int date, uint8_t *buf, size_t cap, size_t *len);
/* Its version (tms_version_of()). */
int tms_capk_version(tms *t, int date, char version[9]);

/* Key k as JSON (`capk list --json`, the API, the audit log), its state at date, its times
 * local utc_offset minutes east of UTC (jsonval_time(): the audit log's 0); new reference,
 * NULL when out of memory. */
json_t *tms_capk_json(const struct tms_capk *k, int date, int utc_offset);

#define TMS_AID_MAX   16  /* bytes */
#define TMS_CURRENCY  156 /* an AID's amounts: CNY, minor units */
#define TMS_LABEL_MAX 32  /* bytes */

/* A chip application. */
struct tms_aid {
	uint8_t aid[TMS_AID_MAX];
	size_t aid_len;
	char label[TMS_LABEL_MAX + 1];
	uint8_t version[2];
	int64_t floor_limit, threshold;         /* minor units, 0 to 999999999999 */
	int target_percent, max_target_percent; /* 0 to 99, target ≤ maximum */
	uint8_t tac_default[5], tac_denial[5], tac_online[5];
	bool partial;
	char updated_by[64];
	int64_t updated_at;
};

/* An application as given: aid (10 to 32 hex), label (one line, 1 to TMS_LABEL_MAX bytes);
 * version (4 hex) and the TACs (10 hex) NULL for the defaults (0030, D84000A800, 0010000000,
 * D84004F800); amounts in minor units; the threshold not above the floor limit. */
struct tms_aid_text {
	const char *aid, *label, *version, *tac_default, *tac_denial, *tac_online;
	int64_t floor_limit, threshold;
	int target_percent, max_target_percent;
	bool partial;
};

/* Reads t into out: TMS_OK, or TMS_EARG with why (a sentence naming the field). */
int tms_aid_parse(const struct tms_aid_text *t, struct tms_aid *out, char *why, size_t cap);

/* Adds the application t gives, or replaces the one of its AID (every value then t's: what
 * it leaves out takes its default), audited; *replaced (may be NULL) says which. */
int tms_aid_add(tms *t, const char *actor, const struct tms_aid_text *text, int64_t now,
                struct tms_aid *out, bool *replaced, char *why, size_t cap);

/* Removes AID aid (hex), audited: TMS_ENOTFOUND when there is none. */
int tms_aid_remove(tms *t, const char *actor, const char *aid, int64_t now);

/* Calls fn for each AID in order until it returns non-zero (returned). */
int tms_aid_list(tms *t, int (*fn)(void *ctx, const struct tms_aid *a), void *ctx);

/* Application a's AI item appended to buf (capacity cap) at *at. */
int tms_aid_item(const struct tms_aid *a, uint8_t *buf, size_t cap, size_t *at);
/* The application of an AI item's value (len bytes, tms_aid_item()'s nested items) into out,
 * as a terminal reads it: TMS_OK, or TMS_EARG when an item is missing, repeated or of a wrong
 * length, or a value is one tms_aid_parse() refuses (another tag is skipped). */
int tms_aid_decode(const uint8_t *value, size_t len, struct tms_aid *out);
/* The download form of every AID: their AI items into buf, *len bytes. */
int tms_aid_encode(tms *t, uint8_t *buf, size_t cap, size_t *len);
int tms_aid_version(tms *t, char version[9]);

/* Application a as JSON, as tms_capk_json(); new reference, NULL when out of memory. */
json_t *tms_aid_json(const struct tms_aid *a, int utc_offset);

/* ---- Software packages (package.c) ----
 *
 * A package is a file for the terminals of one model, at one version (1 to 8 of [A-Za-z0-9._-],
 * the form of 59.A2.05): its bytes are stored (at most [tms] package_max, 16 MiB by default),
 * with their SHA-256 and an Ed25519 signature over "possum-pkg-v1\0" ‖ model ‖ "\0" ‖ version ‖
 * "\0" ‖ SHA-256 (32 bytes) made under the hsm's key "tms.package" (S0), whose public key the
 * terminals hold. A rollout names who gets a package: terminals by TID, merchants' terminals by
 * MID, or a percentage of the model's terminals (those whose first two bytes of SHA-256 of the
 * rollout's id in decimal and the TID, big-endian, mod 100 are below it: the same terminals
 * stay in as the percentage grows), from a time on. A model's minimum version, and the date
 * after which a terminal of that model that reported a lower version is refused at sign-in
 * (response code U1, rcode.h). Audit actions "tms.package.add" on "package:ID",
 * "tms.rollout.add" and "tms.rollout.stop" on "rollout:ID", "tms.minimum.set" on
 * "minimum:MODEL". */

#define TMS_VERSION_MAX   8                           /* bytes of a version */
#define TMS_PACKAGE_MAX   (16 * 1024 * 1024)          /* package_max's default */
#define TMS_PACKAGE_MAGIC "possum-pkg-v1"             /* the signed text's first part */
#define TMS_SIG_LEN       HSM_ED25519_SIG_LEN         /* 64 */
#define TMS_PUB_LEN       HSM_ED25519_PUB_LEN         /* 32 */
#define TMS_TARGETS_MAX   (STORE_TMS_TARGETS_MAX - 1) /* bytes of a rollout's list */

/* The hsm's key that signs packages, made the first time (host/env.c). */
extern const struct hsm_key_spec tms_key_specs[1];
extern const char *const tms_key_names[1];

/* Gives t the hsm and the signing key (copied) that tms_package_add() and tms_package_key()
 * use; h stays the caller's. */
int tms_set_signer(tms *t, hsm *h, const hsm_key *key);

/* Whether v is a version (1 to TMS_VERSION_MAX of [A-Za-z0-9._-]). */
bool tms_version_ok(const char *v);

/* The order of versions a and b (-1, 0, 1) as people read them (docs/tms.md "Packages and
 * their signature"): each split into runs of digits and runs of other bytes, compared run by
 * run — two runs of digits as numbers, their leading zeros ignored ("1.10" after "1.9", "V10"
 * after "V2", "1.01" = "1.1"), any other two byte by byte ("B1" after "A9", a digit before a
 * letter) — and a version that is another followed by more after it ("1.0.1" after "1.0"). */
int tms_version_cmp(const char *a, const char *b);

struct tms_package {
	int64_t id;
	char model[TMS_MODEL_MAX + 1], version[TMS_VERSION_MAX + 1];
	int64_t size;
	uint8_t sha256[32], signature[TMS_SIG_LEN];
	char added_by[64];
	int64_t added_at;
};

/* Stores the len bytes at data as the package of model and version, hashed and signed,
 * audited: TMS_EARG (why) a bad model, version or an empty file; TMS_ETOOBIG over the maximum;
 * TMS_EEXIST that model and version stored already; TMS_ENOKEY, TMS_EHSM. out (may be NULL)
 * gets it. */
int tms_package_add(tms *t, const char *actor, const char *model, const char *version,
                    const uint8_t *data, size_t len, int64_t now, struct tms_package *out,
                    char *why, size_t cap);
int tms_package_get(tms *t, int64_t id, struct tms_package *out);
/* Calls fn for each package, by model then id, until it returns non-zero (returned). */
int tms_package_list(tms *t, int (*fn)(void *ctx, const struct tms_package *p), void *ctx);

/* The public key that verifies packages. */
int tms_package_key(tms *t, uint8_t pub[TMS_PUB_LEN]);

/* The bytes of package id from offset: at most cap into buf, *len of them (0 at the end), and
 * *total the package's size. TMS_ENOTFOUND no such package; TMS_EARG offset past the end. */
int tms_package_chunk(tms *t, int64_t id, size_t offset, uint8_t *buf, size_t cap, size_t *len,
                      size_t *total);

/* The terminal's first check of a package: the SHA-256 of data is the one announced with it
 * (its first chunk's HS): TMS_OK, or TMS_EVERIFY. */
int tms_package_hash_check(const uint8_t *data, size_t len, const uint8_t announced[32]);

/* The terminal's check of a package: the SHA-256 of data, then sig over the signed text under
 * pub (publen TMS_PUB_LEN): TMS_OK, or TMS_EVERIFY. */
int tms_package_verify(const uint8_t *pub, size_t publen, const char *model, const char *version,
                       const uint8_t *data, size_t len, const uint8_t sig[TMS_SIG_LEN]);

/* The package terminal tid should install at now: of its model, in a running rollout that has
 * started and includes it, of a version above the one it reported (any, when it has reported
 * none), the highest such.
 * TMS_ENOTFOUND when none (or no such terminal). */
int tms_package_for(tms *t, const char *tid, int64_t now, struct tms_package *out);

enum tms_rollout_kind { TMS_ROLLOUT_TERMINALS, TMS_ROLLOUT_MERCHANTS, TMS_ROLLOUT_PERCENT };

struct tms_rollout {
	int64_t id, package_id;
	enum tms_rollout_kind kind;
	char targets[TMS_TARGETS_MAX + 1]; /* TIDs or MIDs, comma-separated; "" for a percentage */
	int percent;                       /* 1 to 100 */
	int64_t starts_at;
	char added_by[64];
	int64_t added_at, stopped_at; /* stopped_at 0: running */
	char stopped_by[64];
};

/* "YYYY-MM-DD HH:MM" in the local time utc_offset minutes east of UTC as Unix time: TMS_OK,
 * or TMS_EARG when it is not a real time (a rollout's --from). */
int tms_time_parse(const char *text, int utc_offset, int64_t *out);

/* "terminals", "merchants", "percent". */
const char *tms_rollout_kind_name(enum tms_rollout_kind k);

/* Adds a rollout of r's package_id, kind, targets (checked: each a TID or MID, known), percent
 * and starts_at (0: now), audited: TMS_EARG (why), TMS_ENOTFOUND no such package, terminal or
 * merchant (why names it). r's id and the rest are set. Started (starts_at not after now), it
 * marks TMS_PENDING_PACKAGE of the terminals it includes that tms_package_for() gives a
 * package, in its transaction. */
int tms_rollout_add(tms *t, const char *actor, struct tms_rollout *r, int64_t now, char *why,
                    size_t cap);
/* Stops rollout id, audited: TMS_ENOTFOUND, TMS_ESTOPPED. The terminals it includes that
 * tms_package_for() gives none any more have TMS_PENDING_PACKAGE cleared. */
int tms_rollout_stop(tms *t, const char *actor, int64_t id, int64_t now);
int tms_rollout_list(tms *t, int (*fn)(void *ctx, const struct tms_rollout *r), void *ctx);
/* Whether r (of a package of the terminal's model) names terminal tid of merchant mid. */
bool tms_rollout_includes(const struct tms_rollout *r, const char *tid, const char *mid);
/* How many terminals of model r includes (status, the list). */
int tms_rollout_count(tms *t, const struct tms_rollout *r, const char *model, int64_t *n);

/* A model's minimum version: after after_date (YYYYMMDD), in the host's local time, a terminal
 * of the model that reported a lower version is refused at sign-in. */
struct tms_minimum {
	char model[TMS_MODEL_MAX + 1], version[TMS_VERSION_MAX + 1];
	int after_date;
	char set_by[64];
	int64_t set_at;
};

/* Sets model's minimum version to version after after ("YYYY-MM-DD"), audited: TMS_EARG (why). */
int tms_minimum_set(tms *t, const char *actor, const char *model, const char *version,
                    const char *after, int64_t now, struct tms_minimum *out, char *why, size_t cap);
int tms_minimum_list(tms *t, int (*fn)(void *ctx, const struct tms_minimum *m), void *ctx);
/* Whether a terminal that reported version (""; unknown: never) must update before it signs in
 * on date (YYYYMMDD) under minimum m (the store's row): the sign-in's rule, for the acquirer. */
bool tms_minimum_due(const struct store_tms_minimum *m, const char *version, int date);

/* As JSON, times local utc_offset minutes east of UTC; new references, NULL out of memory. */
json_t *tms_package_json(const struct tms_package *p, int utc_offset);
json_t *tms_rollout_json(const struct tms_rollout *r, int utc_offset);
json_t *tms_minimum_json(const struct tms_minimum *m, int utc_offset);

/* ---- Status ----
 *
 * `possum admin tms status`: the terminals by model and version, each terminal's state and the
 * rollouts running; each terminal's held parameter, CA key and AID versions against the current
 * ones ("downloads"), what it still needs ("pending") and its last failed installation
 * ("update_failed"). */

/* JSON of the status of model (NULL: every model), each model's versions in
 * tms_version_cmp()'s order, new reference into *out. */
int tms_status(tms *t, const char *model, int64_t now, json_t **out);

/* ---- Downloads ----
 *
 * pending.c (docs/tms.md "Downloads"). A terminal downloads three sets over its connection —
 * its parameters, the CA keys, the AIDs — in 0820 requests answered by 0830, field 62 the
 * download form's items: the request's VN (the version it is in the middle of; "" starting)
 * and NX (the next item's index, from 0), the answer's VN (the set's version now), as many
 * whole items from NX as fit in TMS_CHUNK_MAX bytes (at least one; a CA key alone), NX (the
 * index after the last sent) and MR ("1" more follows, "0" the last). A request whose VN is not
 * the set's version now is answered from item 0 under the new one. Having applied a whole set,
 * the terminal confirms it (VN: the version it holds now).
 *
 * What a terminal still needs is its row's tms_pending (STORE_TMS_PENDING_* bits, the same as
 * TMS_PENDING_*): an operator's change (a rollout's too) marks the terminals it reaches, and
 * the acquirer recomputes it from the versions held at sign-in, echo and each download's
 * exchange. */

#define TMS_PENDING_PARAMS  STORE_TMS_PENDING_PARAMS
#define TMS_PENDING_CAPK    STORE_TMS_PENDING_CAPK
#define TMS_PENDING_AID     STORE_TMS_PENDING_AID
#define TMS_PENDING_PACKAGE STORE_TMS_PENDING_PACKAGE /* a software update (update.c) */

#define TMS_CHUNK_MAX 512 /* bytes of field 62 a download's answer carries at most */

/* The sets, in the order the answers' nibble asks for them. */
enum tms_set { TMS_SET_PARAMS, TMS_SET_CAPK, TMS_SET_AID, TMS_SETS };

/* "params", "capk", "aid"; NULL for another. */
const char *tms_set_name(enum tms_set set);
/* The set called name: TMS_OK, or TMS_EARG. */
int tms_set_find(const char *name, enum tms_set *out);
/* Its TMS_PENDING_* bit. */
int tms_set_bit(enum tms_set set);

/* The versions of terminal tid's three sets now (the CA keys those in force at now's date, in
 * the host's utc_offset): TMS_ENOTFOUND for no such terminal. */
struct tms_versions {
	char v[TMS_SETS][9];
};
int tms_versions(tms *t, const char *tid, int64_t now, struct tms_versions *out);

/* The TMS_PENDING_* bits of the sets whose held version (held[set], "" none) is not the
 * current one. */
int tms_pending_of(const struct tms_versions *current, const char *const held[TMS_SETS]);

/* The answer to a download's request: what was sent, for the log. */
struct tms_chunk {
	char version[9];   /* the set's version now */
	size_t from, next; /* the items sent: from to next - 1 */
	size_t total;      /* the set's items */
	bool restarted;    /* the request was in the middle of another version: from item 0 */
};

/* The answer's field 62 (at most TMS_CHUNK_MAX bytes into out, *out_len) to the request's
 * field 62 (req, req_len) for terminal tid's set at now: TMS_OK; TMS_EARG when the request is
 * malformed (an unknown item, a VN over 8 characters, an NX not a number or past the end);
 * TMS_ENOTFOUND for no such terminal. */
int tms_download(tms *t, enum tms_set set, const char *tid, int64_t now, const uint8_t *req,
                 size_t req_len, uint8_t out[TMS_CHUNK_MAX], size_t *out_len,
                 struct tms_chunk *info);

/* The version a confirmation's field 62 (req, req_len) says the terminal holds (its VN: 8
 * characters of 0-9a-f): TMS_OK, or TMS_EARG. */
int tms_confirm_read(const uint8_t *req, size_t req_len, char version[9]);

/* ---- Software updates ----
 *
 * update.c (docs/tms.md "Software updates"). A terminal downloads a package in 0820 390
 * requests, field 62 PK (the package's id; absent: the one tms_package_for() gives it) and OF
 * (the offset, decimal; absent: 0), answered with PK, VR (the version), SZ (the size), OF,
 * with the first chunk (OF 0) MD (the model, which the signature covers), HS (SHA-256, 32
 * bytes) and SG (the signature, 64 bytes), then DT
 * (the package's bytes from OF, as many as fit in TMS_CHUNK_MAX) and MR ("1" more follows).
 * Having checked and installed it, or refused it, it reports 391: PK, OK ("1" installed, "0"
 * not) and ER (why not), and its version in 59 A2 05. */

#define TMS_UPDATE_WHY_MAX 64 /* bytes of a 391's ER */

/* What a 390's answer sent, for the log. */
struct tms_update {
	struct tms_package package;
	int64_t offset;
	size_t len; /* bytes of the package sent */
};

/* The answer's field 62 (out, *out_len) to a 390's (req, req_len) for terminal tid at now:
 * TMS_OK; TMS_EARG malformed (an unknown item, an offset past the end); TMS_ENOTFOUND no such
 * package (or none for the terminal); TMS_EMODEL the package its PK names is of another model
 * than the terminal's (a terminal installs only its own model's software). */
int tms_update_chunk(tms *t, const char *tid, int64_t now, const uint8_t *req, size_t req_len,
                     uint8_t out[TMS_CHUNK_MAX], size_t *out_len, struct tms_update *info);

/* Package id as a 390 or 391 names it by its PK for terminal tid, into p: TMS_OK;
 * TMS_ENOTFOUND no such package (or terminal); TMS_EMODEL one of another model than the
 * terminal's. */
int tms_package_own(tms *t, const char *tid, int64_t id, struct tms_package *p);

/* A 391's field 62: the package's id, whether it was installed, and why not ("" none given,
 * unprintable bytes as '?'): TMS_OK, or TMS_EARG. */
int tms_update_report_read(const uint8_t *req, size_t req_len, int64_t *id, bool *ok,
                           char why[TMS_UPDATE_WHY_MAX + 1]);

#endif
