/* totp.h — one-time passwords for people's second factor: HOTP (RFC 4226) and TOTP (RFC 6238)
 * with HMAC-SHA-1 over OpenSSL, and the base32 (RFC 4648 section 6) of the secret that an
 * authenticator app is given in its otpauth:// URI.
 *
 * possum's codes are 6 digits of 30-second steps from the Unix epoch, accepted one step either
 * side (RFC 6238 5.2: a clock's drift and the time to type); totp_code() takes 6 to 8 digits so
 * that RFC 6238's 8-digit test vectors can be checked. Functions return CRYPTO_OK or a negative
 * CRYPTO_E* code (crypto/crypto.h); they keep no state and wipe what they computed. */
#ifndef POSSUM_TOTP_H
#define POSSUM_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define TOTP_STEP       30 /* seconds of a time step (RFC 6238 4.1, X) */
#define TOTP_DIGITS     6
#define TOTP_WINDOW     1  /* steps accepted before and after the present one */
#define TOTP_SECRET_LEN 20 /* bytes of a secret: 160 bits, RFC 4226 4 R6 */
#define TOTP_B32_MAX    64 /* characters of a secret's base32, with its NUL, up to 39 bytes */

/* The time step of Unix time t: floor(t / TOTP_STEP). */
int64_t totp_step(int64_t t);

/* The HOTP value (RFC 4226 5.3) of counter under key (1 to 64 bytes), digits 6 to 8, written as
 * that many decimal digits and a NUL to out. */
int totp_hotp(const uint8_t *key, size_t key_len, uint64_t counter, int digits, char out[9]);

/* The TOTP code of time step step (totp_step()) under key: totp_hotp() of the step. */
int totp_code(const uint8_t *key, size_t key_len, int64_t step, int digits, char out[9]);

/* Whether code (TOTP_DIGITS digits) is the code of a step within TOTP_WINDOW of now's and after
 * last_used (the last step accepted, 0: none — a code is accepted once): CRYPTO_OK with *step
 * the step it matched, CRYPTO_EVERIFY when it is none of them, CRYPTO_EFORMAT when it is not 6
 * digits. Every candidate is compared in constant time. */
int totp_verify(const uint8_t *key, size_t key_len, const char *code, int64_t now,
                int64_t last_used, int64_t *step);

/* RFC 4648 base32 of len bytes at in, upper case without padding (as otpauth URIs carry it),
 * into out (capacity cap: at least (len * 8 + 4) / 5 + 1). */
int totp_base32_encode(const uint8_t *in, size_t len, char *out, size_t cap);
/* The reverse: upper or lower case, padding and spaces ignored; CRYPTO_EFORMAT for any other
 * character, CRYPTO_ESPACE when cap bytes are too few; *len the bytes written. */
int totp_base32_decode(const char *in, uint8_t *out, size_t cap, size_t *len);

#endif
