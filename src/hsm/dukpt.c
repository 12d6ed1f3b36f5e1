/* dukpt.c — DUKPT through the hsm: a transaction's working key from a wrapped BDK, given back
 * wrapped under the LMK with the usage and mode the host needs it for. */
#include "hsm/internal.h"

struct derived {
	const char *usage_tdes, *usage_aes;
	char mode;
};

/* The host verifies and deciphers what the terminal sends (requests) and generates and
 * enciphers what it sends back (responses); "both" keys serve both ways. TDES DUKPT MACs are
 * X9.19 (X9.24-1:2009 A.4.1), AES DUKPT MACs CMAC (X9.24-3:2017 6.3.2). */
static const struct derived derived[] = {
    [CRYPTO_DUKPT_PIN] = {"P0", "P0", 'D'},       [CRYPTO_DUKPT_MAC] = {"M3", "M6", 'V'},
    [CRYPTO_DUKPT_MAC_RESP] = {"M3", "M6", 'G'},  [CRYPTO_DUKPT_MAC_BOTH] = {"M3", "M6", 'C'},
    [CRYPTO_DUKPT_DATA] = {"D0", "D0", 'D'},      [CRYPTO_DUKPT_DATA_RESP] = {"D0", "D0", 'E'},
    [CRYPTO_DUKPT_DATA_BOTH] = {"D0", "D0", 'B'},
};

/* The AES working key type of the BDK's length (X9.24-3:2017 6.3.2 table 2). */
static enum crypto_dukpt_key_type aes_type(size_t len)
{
	return len == 16   ? CRYPTO_DUKPT_AES128
	       : len == 24 ? CRYPTO_DUKPT_AES192
	                   : CRYPTO_DUKPT_AES256;
}

int hsm_dukpt_derive(hsm *h, const hsm_key *bdk, const uint8_t *ksn, size_t ksn_len,
                     enum crypto_dukpt_usage usage, hsm_key *out)
{
	uint8_t key[CRYPTO_DUKPT_AES_KEY_MAX];
	struct crypto_tr31_header hdr;
	struct hsm_key_spec spec;
	struct hsm_entry *e;
	size_t len = CRYPTO_DUKPT_TDES_KEY_LEN;
	int rc, aes;

	if ((unsigned)usage >= sizeof derived / sizeof derived[0] || derived[usage].mode == 0)
		return HSM_EARG;
	if ((rc = hsm_load(h, bdk, "B0", 'X', &e)) != HSM_OK)
		return rc;
	aes = e->alg == CRYPTO_AES;
	if (ksn_len != (aes ? CRYPTO_DUKPT_AES_KSN_LEN : CRYPTO_DUKPT_TDES_KSN_LEN))
		return HSM_EKSN;
	if (!aes && e->key_len != CRYPTO_DUKPT_TDES_KEY_LEN)
		return HSM_EALG;
	spec = (struct hsm_key_spec){aes ? derived[usage].usage_aes : derived[usage].usage_tdes,
	                             aes ? HSM_AES : HSM_TDES, 0, derived[usage].mode, 'N'};
	if (aes)
		rc = crypto_dukpt_aes_key(e->key, e->key_len, ksn, usage, aes_type(e->key_len), key,
		                          &len);
	else
		rc = crypto_dukpt_tdes_key(e->key, ksn, usage, key);
	if ((rc = hsm_from_crypto(rc)) != HSM_OK || (rc = hsm_header(&spec, len, &hdr)) != HSM_OK)
		goto out;
	rc = hsm_store(h, &hdr, key, len, out, NULL);
out:
	crypto_wipe(key, sizeof key);
	return rc;
}
