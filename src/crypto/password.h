/* password.h — people's passwords, kept only as Argon2id hashes (RFC 9106) made by Debian's
 * libargon2, in its encoded form "$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH" (the PHC string
 * format), so that a hash carries its own parameters and old hashes still verify after the
 * parameters change.
 *
 * The parameters are OWASP's first recommendation for Argon2id (Password Storage Cheat Sheet):
 * m = 19 MiB (19456 KiB), t = 2 passes, p = 1 lane. RFC 9106 section 4's "second recommended"
 * option (64 MiB, t = 3) costs about three times as long and 64 MiB a sign-in; the API thread
 * signs people in one at a time on a host that also runs the card pipeline, so a sign-in
 * should take tens of milliseconds and a little memory, which 19 MiB and two passes give while
 * still costing an attacker with the stolen hash 19 MiB of memory per guess. A 16-byte random
 * salt (OpenSSL RAND_bytes) and a 32-byte tag.
 *
 * Functions return CRYPTO_OK or a negative CRYPTO_E* code (crypto/crypto.h). */
#ifndef POSSUM_PASSWORD_H
#define POSSUM_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define PASSWORD_M_KIB       19456 /* memory, KiB */
#define PASSWORD_T           2     /* passes */
#define PASSWORD_P           1     /* lanes */
#define PASSWORD_SALT_LEN    16
#define PASSWORD_HASH_LEN    32
#define PASSWORD_MIN         12  /* characters (bytes) of a password, at least */
#define PASSWORD_MAX         256 /* and at most */
#define PASSWORD_ENCODED_MAX 128 /* characters of an encoded hash, with its NUL */

/* The encoded Argon2id hash of password (PASSWORD_MIN to PASSWORD_MAX bytes, else CRYPTO_ELEN)
 * with a fresh salt, into out. */
int password_hash(const char *password, char out[PASSWORD_ENCODED_MAX]);

/* Whether password is the one encoded was made of (libargon2 compares the tags in constant
 * time): CRYPTO_OK, CRYPTO_EVERIFY when not, CRYPTO_EFORMAT when encoded is not an Argon2id
 * hash. */
int password_verify(const char *encoded, const char *password);

/* The raw Argon2id (version 0x13) tag of pwd with salt, secret and associated data (secret and
 * ad may be NULL when their lengths are 0), m_kib KiB, t passes, p lanes, out_len bytes: for
 * RFC 9106's test vectors. */
struct password_argon2 {
	const uint8_t *pwd, *salt, *secret, *ad;
	size_t pwd_len, salt_len, secret_len, ad_len;
	uint32_t m_kib, t, p;
};
int password_argon2id_raw(const struct password_argon2 *in, uint8_t *out, size_t out_len);

#endif
