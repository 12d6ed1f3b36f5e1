/* internal.h — what the hsm's files share: the hsm and its cache of unwrapped keys, and the
 * steps every operation takes: load a key for a use, wrap a key under the LMK, check a spec,
 * compute a check value, turn a crypto code into an hsm one. Not for use outside src/hsm. */
#ifndef POSSUM_HSM_INTERNAL_H
#define POSSUM_HSM_INTERNAL_H

#include <stdint.h>

#include "crypto/cipher.h"
#include "crypto/gcm.h"
#include "crypto/hmac.h"
#include "crypto/mac.h"
#include "crypto/tr31.h"
#include "hsm/hsm.h"

/* The cache is set-associative: a key's set comes from its block's authenticator, and a full
 * set gives up its least recently used way. An operation uses at most two keys at once; with
 * two ways or more, loading the second never evicts the first (the most recent). */
#define HSM_CACHE_WAYS 4
#define HSM_CACHE_SETS (HSM_CACHE_KEYS / HSM_CACHE_WAYS)
#define HSM_MAC_ALGS   4 /* values of enum hsm_mac_alg */

_Static_assert(HSM_CACHE_WAYS >= 2, "an operation holds two keys at once");
_Static_assert((HSM_CACHE_SETS & (HSM_CACHE_SETS - 1)) == 0, "sets: a power of two");

/* One unwrapped key: its block (which finds it), its header (optional blocks dropped), the
 * clear key, and its cipher, MAC, GCM and HMAC objects, made on first use. */
struct hsm_entry {
	uint64_t used; /* the hsm's tick when last used; 0: empty */
	char block[HSM_KEY_MAX];
	size_t len;
	struct crypto_tr31_header hdr;
	enum crypto_alg alg; /* the block cipher of a TDES or AES key; 0 for an HMAC key */
	uint8_t key[HSM_CLEAR_MAX];
	size_t key_len;
	crypto_key *cipher;
	crypto_mac *mac[HSM_MAC_ALGS];
	crypto_gcm *gcm;   /* D0 keys */
	crypto_hmac *hmac; /* M7 keys */
};

struct hsm {
	uint8_t lmk[HSM_LMK_LEN];
	uint64_t tick;
	struct hsm_entry *slot[HSM_CACHE_KEYS]; /* set s: slot[s * HSM_CACHE_WAYS + way] */
};

/* Finds key in the cache, or unwraps it under the LMK into the cache, and checks that its
 * usage is one of usages (two characters each, "K0K1"; NULL: any) and its mode of use
 * includes mode (0: any), else HSM_EUSAGE. The entry stays valid through one further
 * hsm_load() on h; it is the cache's, not the caller's, to wipe. */
int hsm_load(hsm *h, const hsm_key *key, const char *usages, char mode, struct hsm_entry **e);

/* The entry's TDES or AES key object, made on first use. */
int hsm_entry_cipher(struct hsm_entry *e, crypto_key **k);

/* Wipes an entry and frees its key objects; it is then empty. */
void hsm_entry_clear(struct hsm_entry *e);

/* Checks spec for a key of len bytes (spec->len must be 0 or len) and fills in the header it
 * is wrapped under the LMK with: HSM_EUSAGE for a usage not in hsm.h's table or a mode it
 * does not take, HSM_EALG for an algorithm or length it does not take, HSM_EARG for an
 * exportability other than E, N, S. */
int hsm_header(const struct hsm_key_spec *spec, size_t len, struct crypto_tr31_header *hdr);

/* Wraps key (len bytes) under the LMK with hdr into *out; kcv (may be NULL) gets its check
 * value of the customary length. Both are written only on success. */
int hsm_store(hsm *h, const struct crypto_tr31_header *hdr, const uint8_t *key, size_t len,
              hsm_key *out, hsm_kcv *kcv);

/* The leftmost kcv_len bytes of the check value of key, of TR-31 algorithm alg ('T', 'A',
 * 'H': enum hsm_alg); kcv_len 0: the customary 3 (TDES) or 5 (AES, HMAC). */
int hsm_check_value(char alg, const uint8_t *key, size_t len, size_t kcv_len, hsm_kcv *kcv);

/* Compares key with a given check value (3 to HSM_KCV_MAX bytes, else HSM_EARG): HSM_EKCV
 * when it does not match. */
int hsm_check_kcv(char alg, const uint8_t *key, size_t len, const hsm_kcv *kcv);

/* The hsm code for a crypto one, where the context adds nothing. */
int hsm_from_crypto(int rc);

#endif
