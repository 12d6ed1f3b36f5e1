/* hsm.h — the software HSM: the only code in possum that sees a clear key.
 *
 * An hsm holds the local master key (LMK, AES-256), read from a file, an environment variable
 * or bytes. Every key outside the hsm is an hsm_key: a TR-31 version D key block (ANSI
 * X9.143) under the LMK, plain text to keep in a database. Operations take wrapped keys and
 * give results: PIN blocks, MACs, check values, keys wrapped under the LMK or a key
 * encryption key (KEK), data (PANs) encrypted to store and their keyed hashes, never a clear
 * key. hsm_export_components() is the one way a clear key leaves, as components for a key
 * ceremony.
 *
 * A key block's header names the key's usage (TR-31 key usage: "P0", "M3", "K0", …), its
 * mode of use and its exportability, and every operation checks them: a key serves only what
 * its usage and mode allow (HSM_EUSAGE) and leaves only as its exportability allows
 * (HSM_EEXPORT). The usages and what they serve:
 *
 *   B0  DUKPT base derivation key (BDK)    mode X         hsm_dukpt_*, hsm_translate_pin_dukpt
 *   C0  card verification key (CVK)        C, G, V        hsm_*_cvv
 *   D0  data encryption                    B, E, D        hsm_data_encrypt, hsm_data_decrypt
 *   E0  EMV master key for cryptograms     X              hsm_emv_*
 *   K0  key encryption key (KEK, TMK)      B, E, D        hsm_export_*, hsm_import_ecb/tr31
 *   K1  TR-31 key block protection key     B, E, D        hsm_export_tr31, hsm_import_tr31
 *   M1  ISO 9797-1 MAC algorithm 1 family  C, G, V        HSM_MAC_CUP_ECB, HSM_MAC_ALG1
 *   M3  ISO 9797-1 algorithm 3 (X9.19)     C, G, V        HSM_MAC_X919
 *   M6  ISO 9797-1:2011 algorithm 5, CMAC  C, G, V        HSM_MAC_CMAC
 *   M7  HMAC (HMAC-SHA-256 here)           C, G, V        hsm_pan_hash
 *   P0  PIN encryption                     B, E, D        hsm_translate_pin*
 *   S0  digital signature (Ed25519 seed)   S              hsm_ed25519_sign, _public
 *   V1  IBM 3624 PIN verification          C, G, V        hsm_*_ibm3624*
 *   V2  Visa PVV PIN verification          C, G, V        hsm_*_pvv
 *
 * Modes (TR-31:2018 A.5.3): E encrypt, D decrypt, B both; G generate, V verify, C both;
 * X derive keys; S sign. Exportability (A.5.5): E exportable under a KEK in a form that meets ANSI
 * X9.24 (a TR-31 key block, components), S also in one that does not (the TDES-ECB of the
 * cup-pos sign-in), N not at all.
 *
 * Ownership and cost: hsm_open*() allocate the hsm, hsm_close() wipes and frees it. An hsm
 * keeps the keys it has unwrapped, with their OpenSSL key schedules, in a cache of
 * HSM_CACHE_KEYS entries (the least recently used leaves first), so a key costs one TR-31
 * unwrap the first time it is used and a table look-up after. Clear keys live only in that
 * cache and in buffers local to the hsm functions; both are wiped when done with. An hsm is
 * used by one thread at a time: open one per thread.
 *
 * Errors: every function returns HSM_OK or a negative HSM_E* code, hsm_strerror() names it;
 * outputs are written only on success (hsm_data_*() wipe theirs on failure). Functions that
 * read or write the LMK file leave errno as the system set it with HSM_EIO. Nothing is
 * logged; there is no global state. */
#ifndef POSSUM_HSM_H
#define POSSUM_HSM_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/cardver.h"
#include "crypto/dukpt.h"

#define HSM_OK        0
#define HSM_EARG      (-1)  /* an argument malformed or out of range */
#define HSM_ENOMEM    (-2)  /* out of memory */
#define HSM_ECRYPTO   (-3)  /* OpenSSL failed (cipher, random numbers) */
#define HSM_ELMK      (-4)  /* an LMK that is not 64 hex digits, or no LMK given */
#define HSM_EIO       (-5)  /* the LMK file cannot be read or written (see errno) */
#define HSM_EEXIST    (-6)  /* the LMK file already exists */
#define HSM_EPERM     (-7)  /* the LMK file can be read or written by others than its owner */
#define HSM_EBLOCK    (-8)  /* a key block that is malformed, or not an LMK key block */
#define HSM_EAUTH     (-9)  /* a key block or data not authentic (tampered, other key) */
#define HSM_EUSAGE    (-10) /* a key whose usage or mode of use forbids the operation */
#define HSM_EEXPORT   (-11) /* a key whose exportability forbids the export */
#define HSM_EALG      (-12) /* a key of an algorithm or length the operation does not take */
#define HSM_EKCV      (-13) /* a key or component that does not match its check value */
#define HSM_EPINBLOCK (-14) /* a PIN block not well formed once deciphered (wrong key or PAN) */
#define HSM_EPAN      (-15) /* a PAN the PIN block format cannot take */
#define HSM_EKSN      (-16) /* a DUKPT key serial number that is not valid, or exhausted */
#define HSM_EVERIFY   (-17) /* a MAC (PIN, CVV, cryptogram) that does not verify */
#define HSM_ESPACE    (-18) /* an output buffer too small */

#define HSM_LMK_LEN    32 /* AES-256 */
#define HSM_LMK_ENV    "POSSUM_LMK"
#define HSM_KEY_MAX    255  /* characters of a wrapped key: fits a VARCHAR(255) */
#define HSM_CLEAR_MAX  32   /* bytes of the longest key: AES-256 */
#define HSM_KCV_MAX    8    /* bytes of check value kept or compared */
#define HSM_KCV_ECB    4    /* bytes of the check value beside a key in cup-pos field 62 */
#define HSM_PARTS_MAX  3    /* key components at most */
#define HSM_PIN_MAX    12   /* digits of a PIN (ISO 9564-1), and of an IBM 3624 offset */
#define HSM_CACHE_KEYS 4096 /* unwrapped keys an hsm keeps */

typedef struct hsm hsm;

/* A key wrapped under the LMK: a TR-31 version D key block, NUL-terminated text. */
typedef struct hsm_key {
	char block[HSM_KEY_MAX + 1];
	size_t len;
} hsm_key;

/* A key check value (KCV): for TDES the leftmost bytes of TDES-ECB of eight zero bytes (ANSI
 * X9.24-1), 3 of them unless said otherwise; for AES of AES-CMAC of a zero block (X9.24-1:
 * 2017), 5 of them; for HMAC, which X9.24-1 has no rule for, of HMAC-SHA-256 of 16 zero bytes
 * (crypto/kcv.h), 5 of them. Check values given in are compared on their own length, 3 to 8
 * bytes. */
typedef struct hsm_kcv {
	uint8_t v[HSM_KCV_MAX];
	size_t len;
} hsm_kcv;

enum hsm_alg {
	HSM_TDES = 'T', /* 16 or 24 bytes */
	HSM_AES = 'A',  /* 16, 24 or 32 bytes */
	HSM_HMAC = 'H', /* HMAC-SHA-256, 32 bytes (RFC 2104 3: the hash's length, no shorter); M7 */
	HSM_ED25519 =
	    'E', /* TR-31 "elliptic curve": an Ed25519 private key, its 32-byte seed; S0 */
};

/* A key to make or bring in: usage, algorithm and length, and optionally mode of use and
 * exportability (0: the usage's first mode in the table above, and 'E'). */
struct hsm_key_spec {
	const char *usage;
	enum hsm_alg alg;
	size_t len; /* 0 where the input gives the length (components, imports) */
	char mode;
	char exportability;
};

/* What a wrapped key's authenticated header says about it. */
struct hsm_key_info {
	char usage[3];
	enum hsm_alg alg;
	size_t len;
	char mode;
	char exportability;
};

/* One key component: the clear part and its check value. */
struct hsm_component {
	uint8_t part[HSM_CLEAR_MAX];
	size_t len;
	hsm_kcv kcv;
};

enum hsm_mac_alg {
	HSM_MAC_CUP_ECB, /* docs/cup-pos.md "MAC": 8 ASCII hex characters; M1, TDES, 16 bytes */
	HSM_MAC_X919,    /* ISO 9797-1 algorithm 3, padding 1 (ANSI X9.19); M3, TDES, 16 bytes */
	HSM_MAC_CMAC,    /* NIST SP 800-38B CMAC; M6, TDES or AES */
	HSM_MAC_ALG1,    /* ISO 9797-1 algorithm 1, padding 1 (CBC-MAC under the whole key): the
	                    cup-pos F59.A2.04 serial-number ciphertext; M1, TDES */
};

const char *hsm_strerror(int rc);

/* ---- The LMK ---- */

/* Opens an hsm on the LMK given as bytes. */
int hsm_open(const uint8_t lmk[HSM_LMK_LEN], hsm **out);

/* Opens an hsm on the LMK in a file of 64 hex digits (a final newline allowed). The file must
 * be a regular file that only its owner may read or write (mode 0600 or 0400), else HSM_EPERM. */
int hsm_open_file(const char *path, hsm **out);

/* Opens an hsm on the LMK in the environment variable name (NULL: HSM_LMK_ENV), 64 hex
 * digits; HSM_ELMK when it is not set. */
int hsm_open_env(const char *name, hsm **out);

/* Wipes and frees h and every key it holds; h may be NULL. */
void hsm_close(hsm *h);

/* Creates an LMK file at path, mode 0600, from OpenSSL RAND_bytes; never overwrites an
 * existing file (HSM_EEXIST). kcv (may be NULL) gets the new LMK's check value. */
int hsm_lmk_create(const char *path, hsm_kcv *kcv);

/* The LMK's check value, for operators to compare with the one recorded at its creation. */
int hsm_lmk_kcv(const hsm *h, hsm_kcv *kcv);

/* ---- Wrapped keys ---- */

/* Copies a key block given as text (from a database, a command line) into k: HSM_EBLOCK when
 * it is empty or longer than HSM_KEY_MAX. It is checked when first used. */
int hsm_key_set(hsm_key *k, const char *text);

/* Authenticates key under the LMK and reports its header. */
int hsm_key_info(hsm *h, const hsm_key *key, struct hsm_key_info *info);

/* The check value of a wrapped key (any usage). */
int hsm_key_kcv(hsm *h, const hsm_key *key, hsm_kcv *kcv);

/* Generates a random key as spec says (TDES keys with odd parity) and wraps it under the LMK;
 * kcv (may be NULL) gets its check value. */
int hsm_generate(hsm *h, const struct hsm_key_spec *spec, hsm_key *out, hsm_kcv *kcv);

/* ---- Key ceremonies: components ---- */

/* Forms a key from n (2 or 3) components, each of spec's algorithm and one length (spec->len
 * 0 or that length), each checked against its check value first: HSM_EKCV, with *bad (may be
 * NULL) set to the index of the first that does not match. The key is their XOR (TDES: then
 * with odd parity) and must not be zero (HSM_EARG). out gets it wrapped, kcv (may be NULL) its
 * check value. */
int hsm_import_components(hsm *h, const struct hsm_key_spec *spec,
                          const struct hsm_component *parts, size_t n, hsm_key *out, hsm_kcv *kcv,
                          size_t *bad);

/* Splits an exportable key ('E' or 'S') into n (2 or 3) random components whose XOR is the
 * key (TDES: each with odd parity, which the XOR then takes after), each with its check
 * value; kcv (may be NULL) gets the key's. The caller wipes parts (crypto_wipe) after use.
 * This is the only function that lets a clear key out of the hsm. */
int hsm_export_components(hsm *h, const hsm_key *key, size_t n, struct hsm_component *parts,
                          hsm_kcv *kcv);

/* ---- Keys under a KEK ---- */

/* docs/cup-pos.md "Sign-in": the TDES key encrypted with TDES-ECB under the TDES KEK kek (K0
 * or K1, mode E or B), 16 or 24 bytes to out (*out_len), and its HSM_KCV_ECB-byte check value
 * to kcv. The key must be TDES, no longer than kek, and of exportability 'S' (ECB does not
 * bind the key to its usage, which X9.24 asks for). */
int hsm_export_ecb(hsm *h, const hsm_key *kek, const hsm_key *key, uint8_t out[24], size_t *out_len,
                   hsm_kcv *kcv);

/* The terminal's side of sign-in: deciphers the len (16 or 24) bytes at in under kek (K0 or
 * K1, mode D or B), checks the result against kcv (HSM_EKCV) and wraps it under the LMK as
 * spec says (TDES, spec->len 0 or len). */
int hsm_import_ecb(hsm *h, const hsm_key *kek, const struct hsm_key_spec *spec, const uint8_t *in,
                   size_t len, const hsm_kcv *kcv, hsm_key *out);

/* The HSM_KCV_ECB-byte check value of the key the len (16 or 24) bytes at in carry under kek
 * (K0 or K1, mode D or B), computed inside the hsm without importing the key: what
 * hsm_import_ecb() would check it against. A certification test switch of the reference
 * terminal (ignore-kcv) imports a key whatever check value came with it this way; the clear
 * key never leaves the hsm. */
int hsm_kcv_ecb(hsm *h, const hsm_key *kek, const uint8_t *in, size_t len, hsm_kcv *kcv);

/* The key as a TR-31 key block under kek (K0 or K1, mode E or B): version B under a TDES
 * KEK, D under an AES one, with the key's usage, algorithm, mode and exportability ('E' or
 * 'S'). Writes the NUL-terminated block to out (capacity cap), its length to *out_len. */
int hsm_export_tr31(hsm *h, const hsm_key *kek, const hsm_key *key, char *out, size_t cap,
                    size_t *out_len);

/* Unwraps the TR-31 key block of len characters under kek (K0 or K1, mode D or B; versions
 * A, B, C, D), checks that its usage is usage (NULL: any in the table above) and that its
 * algorithm, length and mode fit that usage, and wraps it under the LMK with the same header.
 * kcv (may be NULL) gets its check value. */
int hsm_import_tr31(hsm *h, const hsm_key *kek, const char *block, size_t len, const char *usage,
                    hsm_key *out, hsm_kcv *kcv);

/* ---- PINs ---- */

/* ISO 9564-1:2017 9.3.2: deciphers the format 0 PIN block in under from (P0, TDES, mode D or
 * B), checks that it is a well-formed format 0 block for pan (13 to 19 digits) —
 * HSM_EPINBLOCK when not, as a wrong key or PAN gives — and enciphers it under to (P0, TDES,
 * mode E or B). */
int hsm_translate_pin(hsm *h, const hsm_key *from, const hsm_key *to, const uint8_t in[8],
                      const char *pan, uint8_t out[8]);

/* The same, the block re-formed for another PAN: deciphered under from as a format 0 block of
 * from_pan, the PIN formed again into a format 0 block of to_pan and enciphered under to
 * (ISO 9564-1:2017 9.3.2). For a PIN entered with a payment code as its PAN (docs/qr.md),
 * verified as the PIN of the code's card. The clear PIN never leaves the hsm. HSM_EPINBLOCK
 * when in is not a format 0 block of from_pan; HSM_EPAN for a PAN format 0 cannot take. */
int hsm_translate_pin_pan(hsm *h, const hsm_key *from, const hsm_key *to, const uint8_t in[8],
                          const char *from_pan, const char *to_pan, uint8_t out[8]);
/* The same from a DUKPT terminal: the PIN key is the one of ksn under the TDES BDK bdk (B0,
 * mode X), ANSI X9.24-1:2009 A.4. */
int hsm_translate_pin_dukpt(hsm *h, const hsm_key *bdk,
                            const uint8_t ksn[CRYPTO_DUKPT_TDES_KSN_LEN], const hsm_key *to,
                            const uint8_t in[8], const char *pan, uint8_t out[8]);

/* The issuer's PIN checks: the PIN of the format 0 block under pin_key (P0, mode D or B) for
 * pan — HSM_EPINBLOCK when the block is not well formed — against its Visa PVV under pvk (V2,
 * a double-length TDES key pair; PVKI 0 to 9), or its IBM 3624 offset under pvk (V1). A PIN
 * that does not match is HSM_EVERIFY (cup-pos response 55); so is one whose length is not the
 * offset's. Verification needs mode V or C, generation (at card issuance, or a PIN change)
 * G or C. The PIN never leaves these functions. */
int hsm_verify_pin_pvv(hsm *h, const hsm_key *pin_key, const uint8_t block[8], const char *pan,
                       const hsm_key *pvk, int pvki, const char *pvv);
int hsm_generate_pvv(hsm *h, const hsm_key *pin_key, const uint8_t block[8], const char *pan,
                     const hsm_key *pvk, int pvki, char pvv[CRYPTO_PVV_LEN + 1]);

/* ISO 9564-1:2017 9.3.2: the format 0 PIN block of pin (4 to 12 digits) for pan under
 * pin_key (P0, TDES, mode E or B). For the issuer setting a card's PIN (then
 * hsm_generate_pvv()) and for test acquirers and terminals, which take the PIN from a person. */
int hsm_encrypt_pin(hsm *h, const hsm_key *pin_key, const char *pin, const char *pan,
                    uint8_t out[8]);

/* IBM 3624 parameters: the decimalisation table, 16 digits among which every digit 0 to 9
 * appears (HSM_EARG otherwise: see pin.c); the validation data, 1 to 16 hex digits (usually
 * from the PAN), filled on the right to 16 with the hex digit pad. */
struct hsm_ibm3624 {
	const char *dectab;
	const char *validation;
	char pad;
};

/* The offset is 4 to 12 digits. */
int hsm_verify_pin_ibm3624(hsm *h, const hsm_key *pin_key, const uint8_t block[8], const char *pan,
                           const hsm_key *pvk, const struct hsm_ibm3624 *params,
                           const char *offset);
int hsm_generate_ibm3624_offset(hsm *h, const hsm_key *pin_key, const uint8_t block[8],
                                const char *pan, const hsm_key *pvk,
                                const struct hsm_ibm3624 *params, char offset[HSM_PIN_MAX + 1]);

/* ---- Card verification values ---- */

/* Visa CVV under cvk (C0, a double-length TDES key pair; mode V or C to verify, G or C to
 * generate): expiry_yymm 4 digits, service_code 3 — the card's for the stripe CVV,
 * CRYPTO_CVV_SC_CVV2 ("000") for CVV2, CRYPTO_CVV_SC_ICVV ("999") for the iCVV in the chip's
 * track 2 image. A CVV that does not match is HSM_EVERIFY. */
int hsm_verify_cvv(hsm *h, const hsm_key *cvk, const char *pan, const char *expiry_yymm,
                   const char *service_code, const char *cvv);
int hsm_generate_cvv(hsm *h, const hsm_key *cvk, const char *pan, const char *expiry_yymm,
                     const char *service_code, char cvv[CRYPTO_CVV_LEN + 1]);

/* ---- EMV cryptograms ---- */

/* What the issuer gets with a chip transaction (ISO 8583 field 55). */
struct hsm_emv_txn {
	const char *pan;     /* tag 5A, 12 to 19 digits */
	const char *psn;     /* tag 5F34, 2 digits; NULL when the card has none ("00") */
	uint8_t atc[2];      /* tag 9F36 */
	const uint8_t *data; /* the data the card's CDOL1 names, in its order (Book 2 8.1.1) */
	size_t len;          /* at least 1 byte */
	uint8_t arqc[8];     /* tag 9F26 */
};

/* The key ARPC method 1 is made with. */
enum hsm_arpc_key {
	HSM_ARPC_SESSION_KEY, /* EMV 4.3 Book 2 8.2.1: the AC session key */
	HSM_ARPC_CARD_KEY,    /* the ICC master key, as some issuers' cards expect */
};

/* Verifies the ARQC under the session key of the card's master key derived from imk (E0,
 * TDES 16 bytes, mode X): EMV 4.3 Book 2 A1.4.1 option A, A1.3.1 common session key with R =
 * ATC || 00 × 6, ISO 9797-1 algorithm 3 with padding method 2. HSM_EVERIFY when it fails. */
int hsm_emv_verify_arqc(hsm *h, const hsm_key *imk, const struct hsm_emv_txn *t);

/* Verify the ARQC as above and, only when it verifies, make the ARPC: method 1 (Book 2
 * 8.2.1) with the 2-byte authorisation response code arc; method 2 (8.2.2) under the session
 * key with the card status update csu and 0 to 8 bytes of proprietary authentication data. */
int hsm_emv_arpc1(hsm *h, const hsm_key *imk, const struct hsm_emv_txn *t, enum hsm_arpc_key key,
                  const uint8_t arc[2], uint8_t arpc[8]);
int hsm_emv_arpc2(hsm *h, const hsm_key *imk, const struct hsm_emv_txn *t, const uint8_t csu[4],
                  const uint8_t *pad, size_t pad_len, uint8_t arpc[4]);

/* Card personalisation: the card's master key for cryptograms derived from imk (E0, TDES 16
 * bytes, exportability E or S, else HSM_EEXPORT), EMV 4.3 Book 2 A1.4.1 option A, for pan and
 * psn (2 digits, NULL: "00"). Like hsm_export_components(), it lets a clear key out: the
 * caller puts it on a (test) card and wipes it. */
int hsm_emv_icc_mk(hsm *h, const hsm_key *imk, const char *pan, const char *psn, uint8_t mk[16]);

/* ---- MACs ---- */

/* The leftmost mac_len (1 to 8; CMAC with AES 1 to 16) bytes of the MAC of len bytes at data
 * under key, whose usage must be alg's (see enum hsm_mac_alg) and mode G or C to generate,
 * V or C to verify. Verification compares in constant time: HSM_EVERIFY when it fails. */
int hsm_mac_generate(hsm *h, const hsm_key *key, enum hsm_mac_alg alg, const uint8_t *data,
                     size_t len, uint8_t *mac, size_t mac_len);
int hsm_mac_verify(hsm *h, const hsm_key *key, enum hsm_mac_alg alg, const uint8_t *data,
                   size_t len, const uint8_t *mac, size_t mac_len);

/* ---- Track data (docs/cup-pos.md "Track encryption") ---- */

/* TDES-ECB of one 8-byte block under the track key tdk (M1, TDES; mode G or C to encrypt,
 * encrypt = 1, V or C to decrypt, encrypt = 0); in and out may be the same. */
int hsm_track_ecb(hsm *h, const hsm_key *tdk, int encrypt, const uint8_t in[8], uint8_t out[8]);

/* A cup-pos track field in place: track holds its n digit characters as the message holds
 * them ('0' + each nibble, '=' the separator D), packed left-aligned with a 0 pad nibble.
 * Of those n packed bytes, when there are 9 or more, the 8 that end one byte before the
 * last are encrypted (encrypt = 1) or decrypted under tdk; a shorter track is left as it is.
 * HSM_EARG for a character that is not '0' plus a nibble. */
int hsm_track_crypt(hsm *h, const hsm_key *tdk, int encrypt, uint8_t *track, size_t n);

/* ---- Data at rest: PANs ---- */

/* docs/architecture.md "Data that must never leak": a PAN is stored encrypted under a data key,
 * with a keyed hash beside it to find it by, and never in the clear. */

#define HSM_DATA_NONCE_LEN 12 /* NIST SP 800-38D 8.2.2: a random 96-bit IV per encryption */
#define HSM_DATA_TAG_LEN   16
#define HSM_DATA_OVERHEAD  (HSM_DATA_NONCE_LEN + HSM_DATA_TAG_LEN)
#define HSM_PAN_HASH_LEN   32

/* Encrypts len bytes at data (less than 2^31 - HSM_DATA_OVERHEAD; may be 0) under key (D0,
 * AES-256, mode E or B) with AES-GCM (NIST SP 800-38D) and a nonce from OpenSSL RAND_bytes,
 * authenticating with it the aad_len bytes at aad (may be NULL when 0): what the value belongs
 * to, such as its record's id, so that it cannot be moved to another record. Writes nonce ||
 * ciphertext || tag, len + HSM_DATA_OVERHEAD bytes, to out (capacity cap; not overlapping
 * data), and that length to *out_len. Random nonces keep a key safe for 2^32 encryptions (SP
 * 800-38D 8.3): a data key is replaced well before. */
int hsm_data_encrypt(hsm *h, const hsm_key *key, const uint8_t *aad, size_t aad_len,
                     const uint8_t *data, size_t len, uint8_t *out, size_t cap, size_t *out_len);

/* The reverse, under key (D0, AES-256, mode D or B) with the same aad: the len bytes at in
 * (nonce || ciphertext || tag) give len - HSM_DATA_OVERHEAD bytes to out (capacity cap; not
 * overlapping in) and that length to *out_len. HSM_EAUTH when they do not authenticate: any of them
 * or aad changed, another key, or too short to be such a value; out then holds nothing of them. */
int hsm_data_decrypt(hsm *h, const hsm_key *key, const uint8_t *aad, size_t aad_len,
                     const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);

/* The keyed hash of pan (12 to 19 digits, else HSM_EPAN) to look a stored PAN up by:
 * HMAC-SHA-256 of its ASCII digits under key (M7, mode G or C), HSM_PAN_HASH_LEN bytes to out.
 * The same PAN under the same key always gives the same hash, and without the key nothing
 * about the PAN can be learnt from it (a plain hash of the 10^n PANs of a BIN would be
 * reversed by trying them all). Callers may store it as 64 hex digits (hex_encode), in a
 * column with a unique index. */
int hsm_pan_hash(hsm *h, const hsm_key *key, const char *pan, uint8_t out[HSM_PAN_HASH_LEN]);

/* The same keyed hash (HMAC-SHA-256 under an M7 key) of any len bytes: for other secrets that
 * are kept only to be compared, such as one-time codes, whose few possible values a plain
 * hash would give away. */
int hsm_keyed_hash(hsm *h, const hsm_key *key, const void *data, size_t len,
                   uint8_t out[HSM_PAN_HASH_LEN]);

/* ---- Signatures ---- */

#define HSM_ED25519_PUB_LEN 32
#define HSM_ED25519_SIG_LEN 64

/* The Ed25519 signature (RFC 8032, OpenSSL) of the len bytes at msg under key (S0, Ed25519,
 * mode S): software packages (docs/tms.md "Software updates"). The seed never leaves. */
int hsm_ed25519_sign(hsm *h, const hsm_key *key, const uint8_t *msg, size_t len,
                     uint8_t sig[HSM_ED25519_SIG_LEN]);

/* The public key of key (S0, Ed25519), for those who verify: no secret. */
int hsm_ed25519_public(hsm *h, const hsm_key *key, uint8_t pub[HSM_ED25519_PUB_LEN]);

/* ---- DUKPT ---- */

/* The working key for usage of the transaction ksn, from the BDK bdk (B0, mode X), wrapped
 * under the LMK: TDES (X9.24-1:2009 annex A; a 16-byte BDK, a 10-byte KSN) or AES (X9.24-3:
 * 2017; a 12-byte KSN, a working key of the BDK's length). It is not exportable and has the
 * usage and mode the host needs: PIN P0/D; MAC (requests) M3 (TDES) or M6 (AES)/V, MAC_RESP
 * /G, MAC_BOTH /C; DATA D0/D, DATA_RESP D0/E, DATA_BOTH D0/B. */
int hsm_dukpt_derive(hsm *h, const hsm_key *bdk, const uint8_t *ksn, size_t ksn_len,
                     enum crypto_dukpt_usage usage, hsm_key *out);

#endif
