/* mac.h — message authentication codes: ISO 9797-1 MAC algorithms 1 and 3 (CBC-MAC, ANSI X9.9,
 * ANSI X9.19 retail MAC) with padding methods 1 and 2, CMAC (NIST SP 800-38B) over TDES or AES,
 * and the CUP ECB MAC of docs/cup-pos.md.
 *
 * A crypto_mac is created once per key by crypto_mac_create(): it holds the cipher key
 * objects and, for CMAC, the subkeys, so a MAC costs the cipher alone and allocates nothing.
 * The caller owns it and frees it with crypto_mac_free(), which wipes it. A crypto_mac is
 * used by one thread at a time. A MAC over data in pieces goes through a crypto_mac_state on
 * the caller's stack (init, update, final); crypto_mac_compute() does all three at once.
 *
 * MACs are written to caller buffers, truncated to the leftmost out_len bytes (ISO 9797-1
 * 7.4). All functions return CRYPTO_OK or a negative CRYPTO_E* code; a MAC that does not
 * verify is CRYPTO_EAUTH. */
#ifndef POSSUM_MAC_H
#define POSSUM_MAC_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/cipher.h"

#define CRYPTO_MAC_MAX 16 /* the longest MAC: one AES block */

enum crypto_mac_alg {
	CRYPTO_MAC_ALG1 = 1,    /* ISO 9797-1 algorithm 1: CBC-MAC under the whole key; with
	                         * single DES and padding 1 it is ANSI X9.9 */
	CRYPTO_MAC_ALG3 = 3,    /* ISO 9797-1 algorithm 3: single-DES CBC under K, last block
	                         * under K K' (ANSI X9.19 retail MAC); a 16-byte TDES key */
	CRYPTO_MAC_CMAC = 5,    /* NIST SP 800-38B CMAC (ISO 9797-1:2011 algorithm 5) */
	CRYPTO_MAC_CUP_ECB = 6, /* docs/cup-pos.md "MAC": 8 ASCII hex characters; TDES key */
};

enum crypto_mac_pad {
	CRYPTO_MAC_PAD_OWN = 0, /* CMAC and CUP ECB: the padding their definition fixes */
	CRYPTO_MAC_PAD1 = 1,    /* ISO 9797-1 6.1.1: 0 bits to a whole block (one block if empty) */
	CRYPTO_MAC_PAD2 = 2,    /* ISO 9797-1 6.1.2: one 1 bit, then 0 bits to a whole block */
};

typedef struct crypto_mac crypto_mac;

/* Running state of one MAC computation; fields are private to mac.c. */
struct crypto_mac_state {
	crypto_mac *mac;
	uint8_t chain[16]; /* CBC chaining value (CUP ECB: the XOR of the blocks) */
	uint8_t buf[16];   /* data not yet chained: at most one block */
	size_t n;          /* bytes in buf */
};

/* ALG1 takes TDES (8, 16, 24 bytes) or AES; ALG3 a 16-byte TDES key; CMAC TDES (16 or 24
 * bytes) or AES; CUP ECB TDES (8 or 16 bytes). pad is PAD1 or PAD2 for ALG1 and ALG3 and
 * PAD_OWN for the others. */
int crypto_mac_create(enum crypto_mac_alg alg, enum crypto_mac_pad pad, enum crypto_alg cipher,
                      const uint8_t *key, size_t key_len, crypto_mac **out);
void crypto_mac_free(crypto_mac *m);

/* Full length of the MAC: the cipher block (8 or 16), or 8 characters for CUP ECB. */
size_t crypto_mac_size(const crypto_mac *m);

int crypto_mac_init(crypto_mac *m, struct crypto_mac_state *s);
int crypto_mac_update(struct crypto_mac_state *s, const uint8_t *data, size_t len);
/* Writes the leftmost out_len (1 to crypto_mac_size()) bytes and wipes the state. */
int crypto_mac_final(struct crypto_mac_state *s, uint8_t *out, size_t out_len);

int crypto_mac_compute(crypto_mac *m, const uint8_t *data, size_t len, uint8_t *out,
                       size_t out_len);
/* Computes the MAC of data and compares its leftmost mac_len bytes with mac in constant
 * time: CRYPTO_OK or CRYPTO_EAUTH. */
int crypto_mac_verify(crypto_mac *m, const uint8_t *data, size_t len, const uint8_t *mac,
                      size_t mac_len);

/* Constant-time comparison of n bytes: CRYPTO_OK when equal, else CRYPTO_EAUTH. */
int crypto_mac_equal(const uint8_t *a, const uint8_t *b, size_t n);

#endif
