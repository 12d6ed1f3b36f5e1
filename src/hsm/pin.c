/* pin.c — PIN blocks through the hsm: translation from a terminal's PIN key (or its DUKPT
 * key) to the issuer's, and the issuer's PIN checks (Visa PVV, IBM 3624 offset), each
 * checking on the way that the block deciphers to a well-formed one. The PIN exists only in
 * the clear block and PIN buffers of these functions. */
#include "hsm/internal.h"

#include <string.h>

#include "crypto/cardver.h"
#include "crypto/pinblock.h"

_Static_assert(HSM_PIN_MAX == CRYPTO_PIN_MAX, "hsm.h and pinblock.h agree on PINs");

/* A TDES PIN key (P0) whose mode allows mode, and its cipher. */
static int load_pin_key(hsm *h, const hsm_key *key, char mode, crypto_key **k)
{
	struct hsm_entry *e;
	int rc;

	if ((rc = hsm_load(h, key, "P0", mode, &e)) != HSM_OK)
		return rc;
	if (e->alg != CRYPTO_TDES)
		return HSM_EALG; /* format 0 is an 8-byte block: TDES */
	return hsm_entry_cipher(e, k);
}

/* Deciphers in under k into clear and reads it as a format 0 block for pan into pin. */
static int open_block(crypto_key *k, const uint8_t in[8], const char *pan, uint8_t clear[8],
                      char pin[CRYPTO_PIN_MAX + 1])
{
	int rc;

	if ((rc = hsm_from_crypto(crypto_ecb(k, 0, in, 8, clear))) != HSM_OK)
		return rc;
	/* ISO 9564-1:2017 9.3.2: control 0, PIN length 4 to 12, digits, fill F. Anything else
	 * is a block under another key or PAN (cup-pos response 99). */
	rc = crypto_pinblock_read(CRYPTO_PIN_ISO0, clear, pan, pin, CRYPTO_PIN_MAX + 1);
	if (rc != CRYPTO_OK)
		return rc == CRYPTO_EPAN ? HSM_EPAN : HSM_EPINBLOCK;
	return HSM_OK;
}

/* Deciphers in under from, checks it, and enciphers it under to. Format 0 to format 0 with
 * the same PAN leaves the clear block as it is. */
static int translate(crypto_key *from, crypto_key *to, const uint8_t in[8], const char *pan,
                     uint8_t out[8])
{
	char pin[CRYPTO_PIN_MAX + 1];
	uint8_t clear[8], enc[8];
	int rc;

	if ((rc = open_block(from, in, pan, clear, pin)) != HSM_OK ||
	    (rc = hsm_from_crypto(crypto_ecb(to, 1, clear, 8, enc))) != HSM_OK)
		goto out;
	memcpy(out, enc, 8);
out:
	crypto_wipe(pin, sizeof pin);
	crypto_wipe(clear, sizeof clear);
	return rc;
}

int hsm_translate_pin(hsm *h, const hsm_key *from, const hsm_key *to, const uint8_t in[8],
                      const char *pan, uint8_t out[8])
{
	crypto_key *kf, *kt;
	int rc;

	if ((rc = load_pin_key(h, from, 'D', &kf)) != HSM_OK ||
	    (rc = load_pin_key(h, to, 'E', &kt)) != HSM_OK)
		return rc;
	return translate(kf, kt, in, pan, out);
}

int hsm_translate_pin_dukpt(hsm *h, const hsm_key *bdk,
                            const uint8_t ksn[CRYPTO_DUKPT_TDES_KSN_LEN], const hsm_key *to,
                            const uint8_t in[8], const char *pan, uint8_t out[8])
{
	uint8_t key[CRYPTO_DUKPT_TDES_KEY_LEN];
	struct hsm_entry *e;
	crypto_key *kf = NULL, *kt;
	int rc;

	if ((rc = hsm_load(h, bdk, "B0", 'X', &e)) != HSM_OK)
		return rc;
	if (e->alg != CRYPTO_TDES || e->key_len != CRYPTO_DUKPT_TDES_KEY_LEN)
		return HSM_EALG;
	/* ANSI X9.24-1:2009 A.4: the PIN key of this transaction, made and dropped here. */
	if ((rc = hsm_from_crypto(crypto_dukpt_tdes_key(e->key, ksn, CRYPTO_DUKPT_PIN, key))) !=
	        HSM_OK ||
	    (rc = hsm_from_crypto(crypto_key_create(CRYPTO_TDES, key, sizeof key, &kf))) !=
	        HSM_OK ||
	    (rc = load_pin_key(h, to, 'E', &kt)) != HSM_OK)
		goto out;
	rc = translate(kf, kt, in, pan, out);
out:
	crypto_key_free(kf);
	crypto_wipe(key, sizeof key);
	return rc;
}

/* ISO 9564-1:2017 9.3.2: the format 0 block of pin for pan enciphered under k, its fill all F,
 * so nothing random to supply. */
static int close_block(crypto_key *k, const char *pin, const char *pan, uint8_t out[8])
{
	uint8_t clear[8], enc[8];
	int rc = crypto_pinblock_build(CRYPTO_PIN_ISO0, pin, pan, NULL, clear);

	if (rc != CRYPTO_OK) {
		rc = rc == CRYPTO_EPAN ? HSM_EPAN : HSM_EARG;
		goto out;
	}
	if ((rc = hsm_from_crypto(crypto_ecb(k, 1, clear, 8, enc))) == HSM_OK)
		memcpy(out, enc, 8);
out:
	crypto_wipe(clear, sizeof clear);
	return rc;
}

int hsm_encrypt_pin(hsm *h, const hsm_key *pin_key, const char *pin, const char *pan,
                    uint8_t out[8])
{
	crypto_key *k;
	int rc;

	if ((rc = load_pin_key(h, pin_key, 'E', &k)) != HSM_OK)
		return rc;
	return close_block(k, pin, pan, out);
}

int hsm_translate_pin_pan(hsm *h, const hsm_key *from, const hsm_key *to, const uint8_t in[8],
                          const char *from_pan, const char *to_pan, uint8_t out[8])
{
	char pin[CRYPTO_PIN_MAX + 1];
	uint8_t clear[8];
	crypto_key *kf, *kt;
	int rc;

	if ((rc = load_pin_key(h, from, 'D', &kf)) != HSM_OK ||
	    (rc = load_pin_key(h, to, 'E', &kt)) != HSM_OK)
		return rc;
	/* ISO 9564-1:2017 9.3.2: format 0 binds the PIN to the PAN it was formed with (its 12
	 * rightmost digits but the last); formed again for to_pan, here, where the PIN is. */
	if ((rc = open_block(kf, in, from_pan, clear, pin)) == HSM_OK)
		rc = close_block(kt, pin, to_pan, out);
	crypto_wipe(pin, sizeof pin);
	crypto_wipe(clear, sizeof clear);
	return rc;
}

/* The PIN of a format 0 block under pin_key (P0, mode D), and the PIN verification key pvk
 * (usage, mode). The PIN is the caller's to wipe, on every path. */
static int pin_and_pvk(hsm *h, const hsm_key *pin_key, const uint8_t block[8], const char *pan,
                       const hsm_key *pvk, const char *usage, char mode,
                       char pin[CRYPTO_PIN_MAX + 1], struct hsm_entry **e)
{
	uint8_t clear[8];
	crypto_key *k;
	int rc;

	if ((rc = load_pin_key(h, pin_key, 'D', &k)) != HSM_OK)
		return rc;
	rc = open_block(k, block, pan, clear, pin);
	crypto_wipe(clear, sizeof clear);
	if (rc != HSM_OK)
		return rc;
	return hsm_load(h, pvk, usage, mode, e);
}

/* The Visa PVV key pair: a double-length TDES key (V2). */
static int pvv_key(hsm *h, const hsm_key *pin_key, const uint8_t block[8], const char *pan,
                   const hsm_key *pvk, char mode, char pin[CRYPTO_PIN_MAX + 1],
                   struct hsm_entry **e)
{
	int rc;

	if ((rc = pin_and_pvk(h, pin_key, block, pan, pvk, "V2", mode, pin, e)) != HSM_OK)
		return rc;
	return (*e)->alg == CRYPTO_TDES && (*e)->key_len == 16 ? HSM_OK : HSM_EALG;
}

int hsm_verify_pin_pvv(hsm *h, const hsm_key *pin_key, const uint8_t block[8], const char *pan,
                       const hsm_key *pvk, int pvki, const char *pvv)
{
	char pin[CRYPTO_PIN_MAX + 1];
	struct hsm_entry *e;
	int rc;

	if ((rc = pvv_key(h, pin_key, block, pan, pvk, 'V', pin, &e)) == HSM_OK)
		rc = hsm_from_crypto(crypto_pvv_verify(e->key, pan, pvki, pin, pvv));
	crypto_wipe(pin, sizeof pin);
	return rc;
}

int hsm_generate_pvv(hsm *h, const hsm_key *pin_key, const uint8_t block[8], const char *pan,
                     const hsm_key *pvk, int pvki, char pvv[CRYPTO_PVV_LEN + 1])
{
	char pin[CRYPTO_PIN_MAX + 1], out[CRYPTO_PVV_LEN + 1];
	struct hsm_entry *e;
	int rc;

	if ((rc = pvv_key(h, pin_key, block, pan, pvk, 'G', pin, &e)) == HSM_OK &&
	    (rc = hsm_from_crypto(crypto_pvv(e->key, pan, pvki, pin, out))) == HSM_OK)
		memcpy(pvv, out, sizeof out);
	crypto_wipe(pin, sizeof pin);
	return rc;
}

/* The IBM 3624 parameters with the key of e. The decimalisation table must hold every digit:
 * a table of chosen digits lets whoever may call the hsm find PINs a few guesses each (the
 * decimalisation table attack, Bond and Zielinski 2003), which HSMs close by fixing it. */
static int ibm3624_params(const struct hsm_entry *e, const struct hsm_ibm3624 *in,
                          struct crypto_ibm3624 *p)
{
	unsigned seen = 0;

	if (in == NULL || in->dectab == NULL || strlen(in->dectab) != 16)
		return HSM_EARG;
	for (size_t i = 0; i < 16; i++)
		if (in->dectab[i] >= '0' && in->dectab[i] <= '9')
			seen |= 1u << (in->dectab[i] - '0');
	if (seen != 0x3FF)
		return HSM_EARG;
	*p = (struct crypto_ibm3624){e->key, e->key_len, in->dectab, in->validation, in->pad};
	return HSM_OK;
}

static int is_offset(const char *s)
{
	size_t n = s != NULL ? strnlen(s, CRYPTO_PIN_MAX + 1) : 0;

	if (n < 4 || n > CRYPTO_PIN_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int hsm_verify_pin_ibm3624(hsm *h, const hsm_key *pin_key, const uint8_t block[8], const char *pan,
                           const hsm_key *pvk, const struct hsm_ibm3624 *params, const char *offset)
{
	char pin[CRYPTO_PIN_MAX + 1];
	struct crypto_ibm3624 p;
	struct hsm_entry *e;
	int rc;

	if (!is_offset(offset))
		return HSM_EARG;
	if ((rc = pin_and_pvk(h, pin_key, block, pan, pvk, "V1", 'V', pin, &e)) != HSM_OK ||
	    (rc = ibm3624_params(e, params, &p)) != HSM_OK)
		goto out;
	/* The offset has the length of the PIN it was made for: a PIN of another length is
	 * another PIN. */
	if (strlen(pin) != strlen(offset))
		rc = HSM_EVERIFY;
	else
		rc = hsm_from_crypto(crypto_ibm3624_verify(&p, pin, offset));
out:
	crypto_wipe(pin, sizeof pin);
	return rc;
}

int hsm_generate_ibm3624_offset(hsm *h, const hsm_key *pin_key, const uint8_t block[8],
                                const char *pan, const hsm_key *pvk,
                                const struct hsm_ibm3624 *params, char offset[CRYPTO_PIN_MAX + 1])
{
	char pin[CRYPTO_PIN_MAX + 1], out[CRYPTO_PIN_MAX + 1];
	struct crypto_ibm3624 p;
	struct hsm_entry *e;
	int rc;

	if ((rc = pin_and_pvk(h, pin_key, block, pan, pvk, "V1", 'G', pin, &e)) != HSM_OK ||
	    (rc = ibm3624_params(e, params, &p)) != HSM_OK ||
	    (rc = hsm_from_crypto(crypto_ibm3624_offset(&p, pin, out, sizeof out))) != HSM_OK)
		goto out;
	memcpy(offset, out, sizeof out);
out:
	crypto_wipe(pin, sizeof pin);
	return rc;
}
