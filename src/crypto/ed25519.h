/* ed25519.h — Ed25519 signatures (RFC 8032) through OpenSSL's EVP: a private key is its 32-byte
 * seed, a public key 32 bytes, a signature 64. For software packages (docs/tms.md "Software
 * updates"): the host signs under a seed the hsm keeps wrapped; a terminal verifies with the
 * public key alone.
 *
 * Functions return CRYPTO_OK or a negative CRYPTO_E* code (crypto.h): CRYPTO_EVERIFY for a
 * signature that does not verify, CRYPTO_EOPENSSL when OpenSSL fails, CRYPTO_ESPACE for an
 * output buffer too small. Nothing allocated is left to the caller. */
#ifndef POSSUM_CRYPTO_ED25519_H
#define POSSUM_CRYPTO_ED25519_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_ED25519_SEED_LEN 32
#define CRYPTO_ED25519_PUB_LEN  32
#define CRYPTO_ED25519_SIG_LEN  64
#define CRYPTO_ED25519_PEM_MAX  160 /* bytes of the public key's PEM, with its NUL */

/* The public key of seed. */
int crypto_ed25519_public(const uint8_t seed[CRYPTO_ED25519_SEED_LEN],
                          uint8_t pub[CRYPTO_ED25519_PUB_LEN]);

/* The signature of len bytes at msg under seed. */
int crypto_ed25519_sign(const uint8_t seed[CRYPTO_ED25519_SEED_LEN], const uint8_t *msg, size_t len,
                        uint8_t sig[CRYPTO_ED25519_SIG_LEN]);

/* Whether sig is pub's signature of the len bytes at msg: CRYPTO_OK or CRYPTO_EVERIFY. */
int crypto_ed25519_verify(const uint8_t pub[CRYPTO_ED25519_PUB_LEN], const uint8_t *msg, size_t len,
                          const uint8_t sig[CRYPTO_ED25519_SIG_LEN]);

/* pub as a PEM "PUBLIC KEY" (SubjectPublicKeyInfo, RFC 8410), NUL-terminated, into out
 * (capacity cap). */
int crypto_ed25519_pem(const uint8_t pub[CRYPTO_ED25519_PUB_LEN], char *out, size_t cap);

#endif
