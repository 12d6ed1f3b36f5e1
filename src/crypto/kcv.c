/* kcv.c — key check values over cipher.h (TDES), mac.h (AES-CMAC) and hmac.h (HMAC keys), and
 * DES parity. */
#include "crypto/kcv.h"

#include <string.h>

#include "crypto/hmac.h"
#include "crypto/mac.h"

int crypto_kcv(enum crypto_alg alg, const uint8_t *key, size_t key_len, uint8_t *out,
               size_t out_len)
{
	static const uint8_t zeros[16];
	uint8_t full[16];
	crypto_mac *m = NULL;
	int rc;

	if (alg != CRYPTO_TDES && alg != CRYPTO_AES)
		return CRYPTO_EARG;
	if (out_len == 0 || out_len > (alg == CRYPTO_AES ? 16u : 8u))
		return CRYPTO_EARG;
	if (alg == CRYPTO_TDES) {
		/* ANSI X9.24-1: encrypt eight zero bytes. */
		rc = crypto_ecb_once(CRYPTO_TDES, key, key_len, zeros, 8, full);
	} else {
		/* ANSI X9.24-1:2017: CMAC (NIST SP 800-38B) of one block of zeros. */
		if ((rc = crypto_mac_create(CRYPTO_MAC_CMAC, CRYPTO_MAC_PAD_OWN, CRYPTO_AES, key,
		                            key_len, &m)) == CRYPTO_OK)
			rc = crypto_mac_compute(m, zeros, 16, full, 16);
	}
	if (rc == CRYPTO_OK)
		memcpy(out, full, out_len);
	crypto_wipe(full, sizeof full);
	crypto_mac_free(m);
	return rc;
}

int crypto_kcv_hmac(const uint8_t *key, size_t key_len, uint8_t *out, size_t out_len)
{
	static const uint8_t zeros[16];
	crypto_hmac *m = NULL;
	int rc;

	if (out_len == 0 || out_len > CRYPTO_HMAC_LEN)
		return CRYPTO_EARG;
	/* As AES's check value is a MAC of a zero block, so is this one. */
	if ((rc = crypto_hmac_create(key, key_len, &m)) == CRYPTO_OK)
		rc = crypto_hmac_compute(m, zeros, sizeof zeros, out, out_len);
	crypto_hmac_free(m);
	return rc;
}

int crypto_kcv_verify(enum crypto_alg alg, const uint8_t *key, size_t key_len, const uint8_t *kcv,
                      size_t kcv_len)
{
	uint8_t want[16];
	int rc;

	if ((rc = crypto_kcv(alg, key, key_len, want, kcv_len)) == CRYPTO_OK &&
	    crypto_mac_equal(want, kcv, kcv_len) != CRYPTO_OK)
		rc = CRYPTO_EVERIFY;
	crypto_wipe(want, sizeof want);
	return rc;
}

/* 1 when b has an odd number of 1 bits. */
static int odd_parity(uint8_t b)
{
	b ^= b >> 4;
	b ^= b >> 2;
	b ^= b >> 1;
	return b & 1;
}

static int des_key_len(size_t len)
{
	return len == 8 || len == 16 || len == 24 ? CRYPTO_OK : CRYPTO_EKEYLEN;
}

int crypto_des_parity_check(const uint8_t *key, size_t len)
{
	int rc;

	if ((rc = des_key_len(len)) != CRYPTO_OK)
		return rc;
	for (size_t i = 0; i < len; i++)
		if (!odd_parity(key[i]))
			return CRYPTO_EPARITY;
	return CRYPTO_OK;
}

int crypto_des_parity_fix(uint8_t *key, size_t len)
{
	int rc;

	if ((rc = des_key_len(len)) != CRYPTO_OK)
		return rc;
	for (size_t i = 0; i < len; i++)
		if (!odd_parity(key[i]))
			key[i] ^= 0x01;
	return CRYPTO_OK;
}
