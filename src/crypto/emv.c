/* emv.c — EMV master and session keys, ARQC and ARPC (see emv.h; EMV 4.3 Book 2). */
#include "crypto/emv.h"

#include <assert.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/hex.h"
#include "crypto/cipher.h"
#include "crypto/kcv.h"
#include "crypto/mac.h"

#define PAN_MIN 12
#define PAN_MAX 19

/* ISO/IEC 9797-1 MAC algorithm 3 with padding method 2, as Book 2 A1.2.1 prescribes for
 * 8-byte block ciphers. */
static int mac_alg3_pad2(const uint8_t key[16], const uint8_t *data, size_t len, uint8_t mac[8])
{
	crypto_mac *m = NULL;
	int rc;

	if ((rc = crypto_mac_create(CRYPTO_MAC_ALG3, CRYPTO_MAC_PAD2, CRYPTO_TDES, key, 16, &m)) ==
	    CRYPTO_OK)
		rc = crypto_mac_compute(m, data, len, mac, 8);
	crypto_mac_free(m);
	return rc;
}

int crypto_emv_icc_mk_a(const uint8_t imk[16], const char *pan, const char *psn, uint8_t mk[16])
{
	char x[PAN_MAX + 2], y[16];
	uint8_t in[16];
	size_t pan_len, x_len, n = 0;
	int rc;

	assert(imk != NULL && mk != NULL);
	if ((pan_len = crypto_digits(pan, PAN_MIN, PAN_MAX)) == 0)
		return CRYPTO_EPAN;
	if (psn == NULL)
		psn = "00";
	if (crypto_digits(psn, 2, 2) == 0)
		return CRYPTO_EFORMAT;

	/* A1.4.1: X = PAN || PSN; Y = the rightmost 16 digits of X, zero-filled on the left when
	 * X is shorter; MK = 3DES(IMK)[Y] || 3DES(IMK)[Y XOR 'FF' × 8], with odd parity. */
	memcpy(x, pan, pan_len);
	memcpy(x + pan_len, psn, 2);
	x_len = pan_len + 2;
	memset(y, '0', sizeof y);
	if (x_len >= sizeof y)
		memcpy(y, x + x_len - sizeof y, sizeof y);
	else
		memcpy(y + sizeof y - x_len, x, x_len);
	rc = hex_decode(y, sizeof y, in, 8, &n);
	assert(rc == HEX_OK && n == 8);
	for (size_t i = 0; i < 8; i++)
		in[8 + i] = (uint8_t)~in[i];
	if ((rc = crypto_ecb_once(CRYPTO_TDES, imk, 16, in, sizeof in, mk)) == CRYPTO_OK)
		crypto_des_parity_fix(mk, 16); /* Book 2 A1.4.1 */
	crypto_wipe(x, sizeof x);
	crypto_wipe(y, sizeof y);
	crypto_wipe(in, sizeof in);
	return rc;
}

int crypto_emv_session_key(const uint8_t mk[16], const uint8_t *r, size_t r_len, uint8_t sk[16])
{
	uint8_t in[16];
	int rc;

	assert(mk != NULL && sk != NULL);
	if (r == NULL || r_len != 8)
		return CRYPTO_ELEN;
	/* A1.3.1: SK = 3DES(MK)[R0 R1 'F0' R3 … R7] || 3DES(MK)[R0 R1 '0F' R3 … R7]; for the AC
	 * key, with R = ATC || '00' × 6, that is ATC || 'F0' || '00' × 5 and ATC || '0F' || …. */
	memcpy(in, r, 8);
	memcpy(in + 8, r, 8);
	in[2] = 0xF0;
	in[10] = 0x0F;
	if ((rc = crypto_ecb_once(CRYPTO_TDES, mk, 16, in, sizeof in, sk)) == CRYPTO_OK)
		crypto_des_parity_fix(sk, 16); /* as for the master key; DES ignores these bits */
	crypto_wipe(in, sizeof in);
	return rc;
}

int crypto_emv_arqc(const uint8_t sk[16], const uint8_t *data, size_t len, uint8_t ac[8])
{
	assert(sk != NULL && ac != NULL);
	if (data == NULL || len == 0)
		return CRYPTO_ELEN;
	return mac_alg3_pad2(sk, data, len, ac);
}

int crypto_emv_arqc_verify(const uint8_t sk[16], const uint8_t *data, size_t len,
                           const uint8_t arqc[8])
{
	uint8_t want[8];
	int rc;

	assert(arqc != NULL);
	if ((rc = crypto_emv_arqc(sk, data, len, want)) == CRYPTO_OK &&
	    CRYPTO_memcmp(want, arqc, sizeof want) != 0)
		rc = CRYPTO_EVERIFY;
	crypto_wipe(want, sizeof want);
	return rc;
}

int crypto_emv_arpc1(const uint8_t key[16], const uint8_t arqc[8], const uint8_t arc[2],
                     uint8_t arpc[8])
{
	uint8_t y[8];
	int rc;

	assert(key != NULL && arqc != NULL && arc != NULL && arpc != NULL);
	/* 8.2.1: Y = ARQC XOR (ARC || '00' × 6); ARPC = 3DES(key)[Y]. */
	memcpy(y, arqc, sizeof y);
	y[0] ^= arc[0];
	y[1] ^= arc[1];
	rc = crypto_ecb_once(CRYPTO_TDES, key, 16, y, sizeof y, arpc);
	crypto_wipe(y, sizeof y);
	return rc;
}

int crypto_emv_arpc2(const uint8_t sk[16], const uint8_t arqc[8], const uint8_t csu[4],
                     const uint8_t *pad, size_t pad_len, uint8_t arpc[4])
{
	uint8_t y[12 + CRYPTO_EMV_PAD_MAX], mac[8];
	int rc;

	assert(sk != NULL && arqc != NULL && csu != NULL && arpc != NULL);
	if (pad_len > CRYPTO_EMV_PAD_MAX || (pad == NULL && pad_len != 0))
		return CRYPTO_ELEN;
	/* 8.2.2: Y = ARQC || CSU || proprietary authentication data; ARPC = the leftmost 4 bytes
	 * of the MAC over Y under SK. */
	memcpy(y, arqc, 8);
	memcpy(y + 8, csu, 4);
	if (pad_len > 0)
		memcpy(y + 12, pad, pad_len);
	if ((rc = mac_alg3_pad2(sk, y, 12 + pad_len, mac)) == CRYPTO_OK)
		memcpy(arpc, mac, 4);
	crypto_wipe(y, sizeof y);
	crypto_wipe(mac, sizeof mac);
	return rc;
}
