/* card.c — card verification through the hsm: the Visa CVV (magnetic stripe CVV, CVV2,
 * iCVV: one algorithm, three service codes) under a card verification key (C0). */
#include "hsm/internal.h"

#include <string.h>

#include "crypto/cardver.h"

/* The CVK pair CVK A || CVK B: a double-length TDES key. */
static int cvv_key(hsm *h, const hsm_key *cvk, char mode, struct hsm_entry **e)
{
	int rc;

	if ((rc = hsm_load(h, cvk, "C0", mode, e)) != HSM_OK)
		return rc;
	return (*e)->alg == CRYPTO_TDES && (*e)->key_len == 16 ? HSM_OK : HSM_EALG;
}

int hsm_verify_cvv(hsm *h, const hsm_key *cvk, const char *pan, const char *expiry_yymm,
                   const char *service_code, const char *cvv)
{
	struct hsm_entry *e;
	int rc;

	if ((rc = cvv_key(h, cvk, 'V', &e)) != HSM_OK)
		return rc;
	return hsm_from_crypto(crypto_cvv_verify(e->key, pan, expiry_yymm, service_code, cvv));
}

int hsm_generate_cvv(hsm *h, const hsm_key *cvk, const char *pan, const char *expiry_yymm,
                     const char *service_code, char cvv[CRYPTO_CVV_LEN + 1])
{
	char out[CRYPTO_CVV_LEN + 1];
	struct hsm_entry *e;
	int rc;

	if ((rc = cvv_key(h, cvk, 'G', &e)) != HSM_OK ||
	    (rc = hsm_from_crypto(crypto_cvv(e->key, pan, expiry_yymm, service_code, out))) !=
	        HSM_OK)
		return rc;
	memcpy(cvv, out, sizeof out);
	return HSM_OK;
}
