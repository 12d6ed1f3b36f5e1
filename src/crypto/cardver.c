/* cardver.c — Visa CVV and PVV, IBM 3624 natural PINs and offsets (see cardver.h).
 *
 * The algorithms are those of the IBM CCA Basic Services reference ("Visa CVV", "VISA PIN
 * algorithms", "IBM 3624 PIN generation" and "PIN offset" in its PIN-calculation appendix),
 * which HSMs of every vendor reproduce. */
#include "crypto/cardver.h"

#include <assert.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/hex.h"
#include "crypto/cipher.h"

#define PAN_MIN 12
#define PAN_MAX 19
#define PIN_MIN 4
#define PIN_MAX 12

/* Packs 2 * len hex digits, already checked, into len bytes. */
static void pack(const char *text, uint8_t *out, size_t len)
{
	size_t n = 0;
	int rc = hex_decode(text, 2 * len, out, len, &n);

	assert(rc == HEX_OK && n == len);
	(void)rc;
}

/* Visa decimalisation, for the CVV and the PVV: the decimal digits among the 16 hex digits of
 * the block, left to right, then its letters A–F less 10, left to right; the first n. */
static void decimalise(const uint8_t block[8], char *out, size_t n)
{
	size_t k = 0;

	for (int letters = 0; letters < 2; letters++) {
		for (size_t i = 0; i < 16 && k < n; i++) {
			int v = (block[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0x0F;
			if ((v >= 10) == letters)
				out[k++] = (char)('0' + v % 10);
		}
	}
	assert(k == n);
	out[n] = '\0';
}

/* CRYPTO_OK if the n characters match, else CRYPTO_EVERIFY; no early exit on a difference. */
static int compare(const char *want, const char *got, size_t n)
{
	return CRYPTO_memcmp(want, got, n) == 0 ? CRYPTO_OK : CRYPTO_EVERIFY;
}

int crypto_cvv(const uint8_t cvk[16], const char *pan, const char *expiry_yymm,
               const char *service_code, char out[CRYPTO_CVV_LEN + 1])
{
	char field[32];
	uint8_t block[16], t[8];
	size_t pan_len;
	int rc;

	assert(cvk != NULL && out != NULL);
	out[0] = '\0';
	if ((pan_len = crypto_digits(pan, PAN_MIN, PAN_MAX)) == 0)
		return CRYPTO_EPAN;
	if (crypto_digits(expiry_yymm, 4, 4) == 0 || crypto_digits(service_code, 3, 3) == 0)
		return CRYPTO_EFORMAT;

	/* PAN || expiry || service code, zero-filled on the right to 32 digits: two blocks. */
	memset(field, '0', sizeof field);
	memcpy(field, pan, pan_len);
	memcpy(field + pan_len, expiry_yymm, 4);
	memcpy(field + pan_len + 4, service_code, 3);
	pack(field, block, sizeof block);

	/* Block 1 under CVK A alone, XOR block 2, then TDES under CVK A, CVK B. */
	if ((rc = crypto_ecb_once(CRYPTO_TDES, cvk, 8, block, 8, t)) != CRYPTO_OK)
		goto out;
	for (size_t i = 0; i < 8; i++)
		t[i] ^= block[8 + i];
	if ((rc = crypto_ecb_once(CRYPTO_TDES, cvk, 16, t, 8, t)) != CRYPTO_OK)
		goto out;
	decimalise(t, out, CRYPTO_CVV_LEN);
out:
	crypto_wipe(field, sizeof field);
	crypto_wipe(block, sizeof block);
	crypto_wipe(t, sizeof t);
	return rc;
}

int crypto_cvv_verify(const uint8_t cvk[16], const char *pan, const char *expiry_yymm,
                      const char *service_code, const char *cvv)
{
	char want[CRYPTO_CVV_LEN + 1];
	int rc;

	if (crypto_digits(cvv, CRYPTO_CVV_LEN, CRYPTO_CVV_LEN) == 0)
		return CRYPTO_EFORMAT;
	if ((rc = crypto_cvv(cvk, pan, expiry_yymm, service_code, want)) == CRYPTO_OK)
		rc = compare(want, cvv, CRYPTO_CVV_LEN);
	crypto_wipe(want, sizeof want);
	return rc;
}

int crypto_pvv(const uint8_t pvk[16], const char *pan, int pvki, const char *pin,
               char out[CRYPTO_PVV_LEN + 1])
{
	char tsp[16];
	uint8_t block[8], t[8];
	size_t pan_len;
	int rc;

	assert(pvk != NULL && out != NULL);
	out[0] = '\0';
	if ((pan_len = crypto_digits(pan, PAN_MIN, PAN_MAX)) == 0)
		return CRYPTO_EPAN;
	if (pvki < 0 || pvki > 9)
		return CRYPTO_EARG;
	if (crypto_digits(pin, PIN_MIN, PIN_MAX) == 0)
		return CRYPTO_EPIN;

	/* Transformed security parameter: the 11 rightmost PAN digits left of the check digit,
	 * the PVKI, the 4 leftmost PIN digits; TDES under the PVK pair, then decimalised. */
	memcpy(tsp, pan + pan_len - 12, 11);
	tsp[11] = (char)('0' + pvki);
	memcpy(tsp + 12, pin, 4);
	pack(tsp, block, sizeof block);
	if ((rc = crypto_ecb_once(CRYPTO_TDES, pvk, 16, block, 8, t)) == CRYPTO_OK)
		decimalise(t, out, CRYPTO_PVV_LEN);
	crypto_wipe(tsp, sizeof tsp);
	crypto_wipe(block, sizeof block);
	crypto_wipe(t, sizeof t);
	return rc;
}

int crypto_pvv_verify(const uint8_t pvk[16], const char *pan, int pvki, const char *pin,
                      const char *pvv)
{
	char want[CRYPTO_PVV_LEN + 1];
	int rc;

	if (crypto_digits(pvv, CRYPTO_PVV_LEN, CRYPTO_PVV_LEN) == 0)
		return CRYPTO_EFORMAT;
	if ((rc = crypto_pvv(pvk, pan, pvki, pin, want)) == CRYPTO_OK)
		rc = compare(want, pvv, CRYPTO_PVV_LEN);
	crypto_wipe(want, sizeof want);
	return rc;
}

/* IBM 3624: the validation data, filled with the pad digit to 16 hex digits, is encrypted
 * under the PVK; the leftmost len hex digits of the result, each mapped through the
 * decimalisation table, are the natural PIN. out holds at least len characters. */
static int natural_pin(const struct crypto_ibm3624 *p, size_t len, char *out)
{
	char field[16];
	uint8_t block[8], t[8];
	size_t vlen;
	int rc;

	assert(p != NULL && p->pvk != NULL && len <= 16);
	if (crypto_digits(p->dectab, 16, 16) == 0 || hex_digit((unsigned char)p->pad) < 0 ||
	    p->validation == NULL)
		return CRYPTO_EFORMAT;
	for (vlen = 0; p->validation[vlen] != '\0'; vlen++)
		if (vlen == 16 || hex_digit((unsigned char)p->validation[vlen]) < 0)
			return CRYPTO_EFORMAT;
	if (vlen == 0)
		return CRYPTO_EFORMAT;

	memset(field, p->pad, sizeof field);
	memcpy(field, p->validation, vlen);
	pack(field, block, sizeof block);
	if ((rc = crypto_ecb_once(CRYPTO_TDES, p->pvk, p->pvk_len, block, 8, t)) == CRYPTO_OK)
		for (size_t i = 0; i < len; i++)
			out[i] = p->dectab[(t[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0x0F];
	crypto_wipe(field, sizeof field);
	crypto_wipe(block, sizeof block);
	crypto_wipe(t, sizeof t);
	return rc;
}

int crypto_ibm3624_natural_pin(const struct crypto_ibm3624 *p, size_t pin_len, char *pin,
                               size_t cap)
{
	int rc;

	if (pin_len < PIN_MIN || pin_len > PIN_MAX)
		return CRYPTO_EPIN;
	if (cap < pin_len + 1)
		return CRYPTO_ESPACE;
	if ((rc = natural_pin(p, pin_len, pin)) != CRYPTO_OK) {
		crypto_wipe(pin, pin_len);
		pin_len = 0;
	}
	pin[pin_len] = '\0';
	return rc;
}

int crypto_ibm3624_offset(const struct crypto_ibm3624 *p, const char *pin, char *offset, size_t cap)
{
	char natural[PIN_MAX];
	size_t n;
	int rc;

	if ((n = crypto_digits(pin, PIN_MIN, PIN_MAX)) == 0)
		return CRYPTO_EPIN;
	if (cap < n + 1)
		return CRYPTO_ESPACE;
	offset[0] = '\0';
	if ((rc = natural_pin(p, n, natural)) != CRYPTO_OK)
		goto out;
	/* Offset = customer PIN − natural PIN, digit by digit modulo 10, no borrow. */
	for (size_t i = 0; i < n; i++)
		offset[i] = (char)('0' + (pin[i] - natural[i] + 10) % 10);
	offset[n] = '\0';
out:
	crypto_wipe(natural, sizeof natural);
	return rc;
}

int crypto_ibm3624_verify(const struct crypto_ibm3624 *p, const char *pin, const char *offset)
{
	char natural[PIN_MAX], want[PIN_MAX];
	size_t n;
	int rc;

	if ((n = crypto_digits(pin, PIN_MIN, PIN_MAX)) == 0)
		return CRYPTO_EPIN;
	if (crypto_digits(offset, n, n) == 0)
		return CRYPTO_EFORMAT;
	if ((rc = natural_pin(p, n, natural)) != CRYPTO_OK)
		goto out;
	/* The PIN the offset stands for: natural PIN + offset, digit by digit modulo 10. */
	for (size_t i = 0; i < n; i++)
		want[i] = (char)('0' + (natural[i] - '0' + offset[i] - '0') % 10);
	rc = compare(want, pin, n);
out:
	crypto_wipe(natural, sizeof natural);
	crypto_wipe(want, sizeof want);
	return rc;
}
