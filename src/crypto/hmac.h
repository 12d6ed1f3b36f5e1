/* hmac.h — HMAC-SHA-256 (RFC 2104, FIPS 198-1 with SHA-256 of FIPS 180-4) over OpenSSL 3
 * EVP_MAC: keyed hashes for look-ups (a PAN's, by the hsm) and check values.
 *
 * A crypto_hmac holds a key, set up once by crypto_hmac_create() and reused for every call.
 * The caller owns it and frees it with crypto_hmac_free(), which wipes it; it is used by one
 * thread at a time. (OpenSSL 3.0 allocates inside each re-keyed HMAC computation; that cost is
 * OpenSSL's and small beside a hash.) All functions return CRYPTO_OK or a negative CRYPTO_E*
 * code. */
#ifndef POSSUM_HMAC_H
#define POSSUM_HMAC_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define CRYPTO_HMAC_LEN     32   /* bytes of HMAC-SHA-256 */
#define CRYPTO_HMAC_KEY_MAX 1024 /* bytes of key taken; longer keys are hashed (RFC 2104 2) */

typedef struct crypto_hmac crypto_hmac;

/* key: 1 to CRYPTO_HMAC_KEY_MAX bytes (CRYPTO_EKEYLEN). RFC 2104 3: keys shorter than the 32
 * bytes of the hash weaken it; callers that make keys make them 32 bytes. */
int crypto_hmac_create(const uint8_t *key, size_t key_len, crypto_hmac **out);
void crypto_hmac_free(crypto_hmac *m);

/* The leftmost out_len (1 to CRYPTO_HMAC_LEN; RFC 2104 5 truncation) bytes of the HMAC of
 * len bytes at data (data may be NULL when len is 0). */
int crypto_hmac_compute(crypto_hmac *m, const uint8_t *data, size_t len, uint8_t *out,
                        size_t out_len);

#endif
