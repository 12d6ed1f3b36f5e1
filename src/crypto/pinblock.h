/* pinblock.h — ISO 9564-1 PIN blocks: formats 0, 1 and 3 (clear, 8 bytes, enciphered by the
 * caller under TDES) and format 4 (AES, 16 bytes, enciphered and deciphered here).
 *
 * PINs are NUL-terminated strings of 4 to 12 decimal digits; PANs strings of decimal digits:
 * 13 to 19 for formats 0 and 3, whose PAN field is the rightmost 12 digits before the check
 * digit (ISO 9564-1:2017 9.3.2), 1 to 19 for format 4 (9.4.2). Fill is the caller's,
 * for known-answer tests, or NULL for fresh randomness from OpenSSL RAND_bytes.
 *
 * Reading is strict: a block whose control field, PIN length, PIN digits or fill digits are
 * not what its format allows is refused. Every function writes into caller buffers, wipes
 * its intermediates, and returns CRYPTO_OK or a negative CRYPTO_E* code: CRYPTO_EPIN for a
 * PIN (given or read) that is not 4 to 12 digits, CRYPTO_EPAN for a PAN the format cannot
 * take, CRYPTO_EFORMAT for a block of another format or with wrong fill, CRYPTO_ESPACE when
 * the PIN does not fit pin_cap (digits and NUL). */
#ifndef POSSUM_PINBLOCK_H
#define POSSUM_PINBLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/cipher.h"

#define CRYPTO_PIN_MAX       12 /* digits */
#define CRYPTO_PIN_FILL_LEN  7  /* formats 1 and 3: bytes of caller fill, 14 nibbles */
#define CRYPTO_PIN4_FILL_LEN 8  /* format 4: bytes of the random field */

enum crypto_pin_format {
	CRYPTO_PIN_ISO0 = 0, /* 9.3.2: PIN, fill F, XOR the PAN field */
	CRYPTO_PIN_ISO1 = 1, /* 9.3.3: PIN, fill any nibble, no PAN */
	CRYPTO_PIN_ISO3 = 3, /* 9.3.5: PIN, fill A to F, XOR the PAN field */
};

/* Builds a clear 8-byte block. pan is ignored for format 1 (may be NULL). fill must be NULL
 * for format 0; for formats 1 and 3 it is NULL or CRYPTO_PIN_FILL_LEN bytes whose nibbles,
 * in order, fill the 14 - N positions after the PIN (format 3: each A to F, else
 * CRYPTO_EARG). */
int crypto_pinblock_build(enum crypto_pin_format f, const char *pin, const char *pan,
                          const uint8_t *fill, uint8_t out[8]);

/* Reads the PIN out of a clear 8-byte block of format f into pin (NUL-terminated). */
int crypto_pinblock_read(enum crypto_pin_format f, const uint8_t block[8], const char *pan,
                         char *pin, size_t pin_cap);

/* ISO 9564-1:2017 9.4: format 4 under an AES key k. fill is NULL or the
 * CRYPTO_PIN4_FILL_LEN bytes of the PIN field's random part. */
int crypto_pinblock4_encipher(crypto_key *k, const char *pin, const char *pan, const uint8_t *fill,
                              uint8_t out[16]);
int crypto_pinblock4_decipher(crypto_key *k, const uint8_t block[16], const char *pan, char *pin,
                              size_t pin_cap);

#endif
