/* tr31.h — ANSI X9.143 / TR-31 key blocks: parse, unwrap versions A, B, C and D, wrap
 * versions B and D.
 *
 * A key block is ASCII text: a 16-character header, optional blocks, the encrypted key data
 * in hex and the authenticator in hex. Version A and C bind the key with key variants of a
 * TDES key block protection key (KBPK) and a 4-byte CBC-MAC; B and D derive their keys from
 * the KBPK with CMAC (TDES, AES) and authenticate the clear key data (TR-31:2018 5.3).
 *
 * Parsing never allocates: the parsed header's optional blocks point into the caller's
 * text. The KBPK and the clear key come in and go out in caller buffers; every derived key
 * and clear intermediate is wiped. All functions return CRYPTO_OK or a negative CRYPTO_E*
 * code: CRYPTO_EHEADER for a malformed or unsupported header, CRYPTO_ELEN for lengths that
 * do not add up, CRYPTO_EFORMAT for bad hex or key data, CRYPTO_EKEYLEN for a KBPK or key of
 * the wrong size, CRYPTO_EAUTH for a block that does not authenticate (tampered or under
 * another KBPK), CRYPTO_EUSAGE for a key whose usage or mode of use the caller does not
 * accept, CRYPTO_ESPACE for an output buffer too small. */
#ifndef POSSUM_TR31_H
#define POSSUM_TR31_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define CRYPTO_TR31_HEADER_LEN 16   /* the fixed header, without optional blocks */
#define CRYPTO_TR31_MAX_KEY    32   /* the longest key wrapped or unwrapped: AES-256 */
#define CRYPTO_TR31_PAD_MAX    15   /* bytes of caller pad wrap may use */
#define CRYPTO_TR31_MAX_LEN    9999 /* the 4-digit length field */

struct crypto_tr31_header {
	char version;        /* 'A', 'B', 'C' or 'D' */
	char usage[3];       /* key usage, e.g. "P0" PIN encryption, "M3" X9.19 MAC, "K0" KEK */
	char algorithm;      /* 'T' TDES, 'A' AES, 'D' DES, 'H' HMAC, 'R' RSA, 'E' EC, 'S' DSA */
	char mode;           /* mode of use: 'E' encrypt, 'D' decrypt, 'B' both, 'G', 'V', 'C'
	                      * MAC generate, verify, both, 'S' sign, 'T' sign and decrypt,
	                      * 'X' derive, 'Y' variants, 'N' no special restrictions */
	char key_version[3]; /* "00" when unused */
	char exportability;  /* 'E' exportable, 'N' not, 'S' sensitive */
	unsigned n_opt;      /* number of optional blocks */
	const char *opt;     /* the optional blocks as they stand in the text, or NULL */
	size_t opt_len;      /* their length in characters */
	size_t header_len;   /* 16 + opt_len */
	size_t length;       /* the whole key block, characters */
};

/* Parses and checks the header and optional blocks of the len characters at block, and that
 * the length field and the block's layout agree with len. */
int crypto_tr31_parse(const char *block, size_t len, struct crypto_tr31_header *h);

/* Reads a header to wrap under (the len characters at text): the fixed 16 characters'
 * fields as they stand, and the optional blocks as the rest of text, unchecked — the wrap
 * checks every field. CRYPTO_EHEADER when text is shorter than 16 characters, its length
 * or count of optional blocks is not digits, or its reserved field is not "00". */
int crypto_tr31_header_read(const char *text, size_t len, struct crypto_tr31_header *h);

/* CRYPTO_OK when h's usage is usage (NULL: any) and its mode of use allows mode (0: any):
 * the same mode, 'N', or a mode that includes it ('B' includes 'E' and 'D', 'C' includes
 * 'G' and 'V', 'T' includes 'S' and 'D'); else CRYPTO_EUSAGE. */
int crypto_tr31_permits(const struct crypto_tr31_header *h, const char *usage, char mode);

/* Parses, checks usage and mode as crypto_tr31_permits() does, authenticates and decrypts.
 * The KBPK is TDES (16 or 24 bytes) for versions A, B, C, AES (16, 24, 32) for D. h (may be
 * NULL) gets the header; key (capacity key_cap) the clear key, *key_len its length. */
int crypto_tr31_unwrap(const uint8_t *kbpk, size_t kbpk_len, const char *block, size_t len,
                       const char *usage, char mode, struct crypto_tr31_header *h, uint8_t *key,
                       size_t key_cap, size_t *key_len);

/* Wraps key under kbpk as version h->version ('B' or 'D'), with h's usage, algorithm, mode,
 * key version, exportability and optional blocks (n_opt, opt, opt_len; their length must
 * bring the header to a whole number of cipher blocks, a "PB" block padding it if need be).
 * The key data is padded to a whole block with pad (NULL: random; else CRYPTO_TR31_PAD_MAX
 * bytes of which the first ones needed are used). Writes the NUL-terminated block to out
 * (capacity cap) and its length, without the NUL, to *out_len. */
int crypto_tr31_wrap(const uint8_t *kbpk, size_t kbpk_len, const struct crypto_tr31_header *h,
                     const uint8_t *key, size_t key_len, const uint8_t *pad, char *out, size_t cap,
                     size_t *out_len);

#endif
