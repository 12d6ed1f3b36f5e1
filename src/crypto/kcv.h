/* kcv.h — key check values and DES key parity.
 *
 * A key check value (KCV) identifies a key without revealing it: for TDES the leftmost bytes
 * of TDES-ECB of eight zero bytes (ANSI X9.24-1), usually 3 (cup-pos sign-in uses 4); for
 * AES the leftmost bytes of AES-CMAC of a block of zeros (ANSI X9.24-1:2017), usually 5; for
 * an HMAC key, which X9.24-1 gives no rule for, possum's: likewise the leftmost bytes of
 * HMAC-SHA-256 of 16 zero bytes, usually 5. Keys come in as caller bytes and are not kept.
 * All functions return CRYPTO_OK or a negative CRYPTO_E* code. */
#ifndef POSSUM_KCV_H
#define POSSUM_KCV_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/cipher.h"

#define CRYPTO_KCV_TDES_LEN 3 /* the customary TDES KCV length */
#define CRYPTO_KCV_AES_LEN  5 /* the customary AES KCV length */

/* Writes the leftmost out_len bytes of the KCV of key: 1 to 8 for TDES (8, 16 or 24-byte
 * key), 1 to 16 for AES (16, 24 or 32). */
int crypto_kcv(enum crypto_alg alg, const uint8_t *key, size_t key_len, uint8_t *out,
               size_t out_len);

/* Writes the leftmost out_len (1 to 32) bytes of the KCV of the HMAC-SHA-256 key key (1 to
 * CRYPTO_HMAC_KEY_MAX bytes). */
int crypto_kcv_hmac(const uint8_t *key, size_t key_len, uint8_t *out, size_t out_len);

/* Computes the KCV of key and compares its leftmost kcv_len bytes with kcv: CRYPTO_OK, or
 * CRYPTO_EVERIFY when the key is not the one the check value names. */
int crypto_kcv_verify(enum crypto_alg alg, const uint8_t *key, size_t key_len, const uint8_t *kcv,
                      size_t kcv_len);

/* DES keys (8, 16 or 24 bytes) carry odd parity in the low bit of every byte (FIPS 46-3):
 * check gives CRYPTO_OK or CRYPTO_EPARITY; fix sets each low bit so that it holds. */
int crypto_des_parity_check(const uint8_t *key, size_t len);
int crypto_des_parity_fix(uint8_t *key, size_t len);

#endif
