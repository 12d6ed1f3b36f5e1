/* cipher.h — TDES and AES block encryption, ECB and CBC, over OpenSSL 3 EVP.
 *
 * A crypto_key holds the key schedule, set up once by crypto_key_create() and reused for
 * every call, so per-call cost is the cipher alone. The caller owns the key and frees it
 * with crypto_key_free(), which wipes it. A key is used by one thread at a time (its
 * OpenSSL contexts keep state from call to call). No padding is applied: lengths must be whole
 * blocks (8 bytes TDES, 16 AES). */
#ifndef POSSUM_CIPHER_H
#define POSSUM_CIPHER_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

typedef struct crypto_key crypto_key;

enum crypto_alg {
	CRYPTO_TDES = 1, /* 8 bytes: single DES (K1 = K2 = K3); 16: K1K2K1; 24: K1K2K3 */
	CRYPTO_AES = 2,  /* 16, 24 or 32 bytes */
};

int crypto_key_create(enum crypto_alg alg, const uint8_t *key, size_t key_len, crypto_key **out);
void crypto_key_free(crypto_key *k);

enum crypto_alg crypto_key_alg(const crypto_key *k);
size_t crypto_key_block(const crypto_key *k); /* 8 or 16 */

/* Encrypt (enc = 1) or decrypt (enc = 0) len bytes, a multiple of the block size; in and
 * out may be the same buffer. */
int crypto_ecb(crypto_key *k, int enc, const uint8_t *in, size_t len, uint8_t *out);
int crypto_cbc(crypto_key *k, int enc, const uint8_t *iv, const uint8_t *in, size_t len,
               uint8_t *out);

/* ECB-encrypts len bytes under a key used for this one operation (a derivation step, a
 * check value): creates the key schedule, encrypts, frees it. */
int crypto_ecb_once(enum crypto_alg alg, const uint8_t *key, size_t key_len, const uint8_t *in,
                    size_t len, uint8_t *out);

#endif
