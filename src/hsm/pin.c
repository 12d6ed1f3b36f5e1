/* pin.c — PIN blocks through the hsm: translation from a terminal's PIN key (or its DUKPT
 * key) to the issuer's, checking on the way that the block deciphers to a well-formed one. */
#include "hsm/internal.h"

#include <string.h>

#include "crypto/pinblock.h"

/* A TDES PIN key (P0) whose mode allows mode, and its cipher. */
static int pin_key(hsm *h, const hsm_key *key, char mode, crypto_key **k)
{
	struct hsm_entry *e;
	int rc;

	if ((rc = hsm_load(h, key, "P0", mode, &e)) != HSM_OK)
		return rc;
	if (e->alg != CRYPTO_TDES)
		return HSM_EALG; /* format 0 is an 8-byte block: TDES */
	return hsm_entry_cipher(e, k);
}

/* Deciphers in under from, reads it as a format 0 block for pan, and enciphers it under to.
 * Format 0 to format 0 with the same PAN leaves the clear block as it is. */
static int translate(crypto_key *from, crypto_key *to, const uint8_t in[8], const char *pan,
                     uint8_t out[8])
{
	char pin[CRYPTO_PIN_MAX + 1];
	uint8_t clear[8], enc[8];
	int rc;

	if ((rc = hsm_from_crypto(crypto_ecb(from, 0, in, 8, clear))) != HSM_OK)
		goto out;
	/* ISO 9564-1:2017 9.3.2: control 0, PIN length 4 to 12, digits, fill F. Anything else
	 * is a block under another key or PAN (cup-pos response 99). */
	rc = crypto_pinblock_read(CRYPTO_PIN_ISO0, clear, pan, pin, sizeof pin);
	if (rc != CRYPTO_OK) {
		rc = rc == CRYPTO_EPAN ? HSM_EPAN : HSM_EPINBLOCK;
		goto out;
	}
	if ((rc = hsm_from_crypto(crypto_ecb(to, 1, clear, 8, enc))) != HSM_OK)
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

	if ((rc = pin_key(h, from, 'D', &kf)) != HSM_OK ||
	    (rc = pin_key(h, to, 'E', &kt)) != HSM_OK)
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
	    (rc = pin_key(h, to, 'E', &kt)) != HSM_OK)
		goto out;
	rc = translate(kf, kt, in, pan, out);
out:
	crypto_key_free(kf);
	crypto_wipe(key, sizeof key);
	return rc;
}
