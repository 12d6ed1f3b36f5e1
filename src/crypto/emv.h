/* emv.h — EMV issuer cryptography with double-length TDES keys (EMV 4.3 Book 2): ICC master
 * key derivation option A, common session key derivation, the application cryptogram (ARQC,
 * likewise TC and AAC) and the authorisation response cryptogram (ARPC) methods 1 and 2.
 *
 * Keys are 16 clear bytes in and out; derived keys come back with odd parity set. The caller
 * owns every buffer; each call sets up its OpenSSL key schedules and frees them, with all
 * intermediates wiped, before it returns. All functions return CRYPTO_OK or a negative CRYPTO_E*
 * code (crypto.h): CRYPTO_EPAN for a PAN that is not 12 to 19 digits, CRYPTO_EFORMAT for a PAN
 * sequence number that is not 2 digits, CRYPTO_ELEN for data of a length the algorithm does not
 * take. crypto_emv_arqc_verify returns CRYPTO_EVERIFY when the cryptogram does not match,
 * comparing in constant time. */
#ifndef POSSUM_EMV_H
#define POSSUM_EMV_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define CRYPTO_EMV_PAD_MAX 8 /* bytes of proprietary authentication data in ARPC method 2 */

/* ICC master key MK from the issuer master key IMK, the application PAN (tag 5A, 12 to 19
 * digits) and the PAN sequence number (tag 5F34, 2 digits; NULL when the card has none, which
 * counts as "00"). Book 2 A1.4.1. */
int crypto_emv_icc_mk_a(const uint8_t imk[16], const char *pan, const char *psn, uint8_t mk[16]);

/* Session key SK from the ICC master key and the 8-byte diversification value R (r_len must be
 * 8): for application cryptograms R = ATC || '00' × 6 (Book 2 A1.3.1). */
int crypto_emv_session_key(const uint8_t mk[16], const uint8_t *r, size_t r_len, uint8_t sk[16]);

/* Application cryptogram over the transaction data (len > 0; the data elements of Book 2
 * 8.1.1 in the order the card's CDOL gives them) under the session key: ISO/IEC 9797-1 MAC
 * algorithm 3 with padding method 2 (Book 2 8.1.2, A1.2.1). */
int crypto_emv_arqc(const uint8_t sk[16], const uint8_t *data, size_t len, uint8_t ac[8]);
int crypto_emv_arqc_verify(const uint8_t sk[16], const uint8_t *data, size_t len,
                           const uint8_t arqc[8]);

/* ARPC method 1 (Book 2 8.2.1): 3DES(key)[ARQC XOR (ARC || '00' × 6)] with the 2-byte
 * authorisation response code. key is the AC session key; some issuers use the ICC master key
 * here instead, which this function equally takes. */
int crypto_emv_arpc1(const uint8_t key[16], const uint8_t arqc[8], const uint8_t arc[2],
                     uint8_t arpc[8]);

/* ARPC method 2 (Book 2 8.2.2): the leftmost 4 bytes of the MAC (as for the ARQC) over
 * ARQC || CSU || proprietary authentication data, which is 0 to 8 bytes (pad may be NULL when
 * pad_len is 0). */
int crypto_emv_arpc2(const uint8_t sk[16], const uint8_t arqc[8], const uint8_t csu[4],
                     const uint8_t *pad, size_t pad_len, uint8_t arpc[4]);

#endif
