/* hex.h — hexadecimal text to bytes and back.
 *
 * Every function writes into a caller-supplied buffer and returns HEX_OK or a negative
 * HEX_E* code. Input may be upper or lower case; output is upper case. */
#ifndef POSSUM_HEX_H
#define POSSUM_HEX_H

#include <stddef.h>
#include <stdint.h>

#define HEX_OK     0
#define HEX_EODD   (-1) /* odd number of hex digits */
#define HEX_EDIGIT (-2) /* a character that is not a hex digit */
#define HEX_ESPACE (-3) /* the output buffer is too small */

/* Decodes `len` characters of `text` into `out` (capacity `cap`); *out_len gets the byte
 * count. ASCII white space between digit pairs is skipped, so "60 00 03" reads as three
 * bytes. */
int hex_decode(const char *text, size_t len, uint8_t *out, size_t cap, size_t *out_len);

/* Writes 2*len upper-case hex characters and a terminating NUL to `out`, whose capacity
 * `cap` must be at least 2*len + 1. */
int hex_encode(const uint8_t *in, size_t len, char *out, size_t cap);

/* Value of one hex digit, or -1. */
int hex_digit(int c);

const char *hex_strerror(int rc);

#endif
