/* gcm.h — AES in Galois/Counter Mode (NIST SP 800-38D), authenticated encryption of data with
 * associated data, over OpenSSL 3 EVP.
 *
 * A crypto_gcm holds an AES key (16, 24 or 32 bytes) and its key schedule, set up once by
 * crypto_gcm_create() and reused for every call, so a call costs the cipher alone and
 * allocates nothing. The caller owns it and frees it with crypto_gcm_free(), which wipes it.
 * It is used by one thread at a time. Nonces are 96 bits (SP 800-38D 5.2.1.1, the length GCM
 * is fastest and safest with) and tags the full 128 bits; the caller makes each nonce, and
 * must never use one twice under one key (SP 800-38D 8.2: random nonces are safe for 2^32
 * encryptions a key).
 *
 * All functions return CRYPTO_OK or a negative CRYPTO_E* code; data that does not
 * authenticate is CRYPTO_EAUTH, and then no plaintext is left in the output. */
#ifndef POSSUM_GCM_H
#define POSSUM_GCM_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define CRYPTO_GCM_NONCE_LEN 12
#define CRYPTO_GCM_TAG_LEN   16

typedef struct crypto_gcm crypto_gcm;

int crypto_gcm_create(const uint8_t *key, size_t key_len, crypto_gcm **out);
void crypto_gcm_free(crypto_gcm *g);

/* Encrypts len bytes at in to out (the same length; in and out may be the same buffer) and
 * writes the tag over the aad_len bytes at aad and the ciphertext. len and aad_len may be 0
 * (then in or aad may be NULL); each must be below 2^31. */
int crypto_gcm_seal(crypto_gcm *g, const uint8_t nonce[CRYPTO_GCM_NONCE_LEN], const uint8_t *aad,
                    size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                    uint8_t tag[CRYPTO_GCM_TAG_LEN]);

/* Decrypts len bytes at in to out (in and out may be the same buffer) and checks tag over aad
 * and the ciphertext: CRYPTO_EAUTH when it does not match (tampered data, nonce, tag or aad,
 * or another key), with the len bytes at out wiped. */
int crypto_gcm_open(crypto_gcm *g, const uint8_t nonce[CRYPTO_GCM_NONCE_LEN], const uint8_t *aad,
                    size_t aad_len, const uint8_t *in, size_t len,
                    const uint8_t tag[CRYPTO_GCM_TAG_LEN], uint8_t *out);

#endif
