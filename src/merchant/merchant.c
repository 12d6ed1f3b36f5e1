/* merchant.c — the merchant module's handle, its config defaults and its error names. */
#include "merchant/internal.h"

#include "audit/audit.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"

const struct hsm_key_spec merchant_key_specs[1] = {{"D0", HSM_AES, 32, 'B', 'N'}};
const char *const merchant_key_names[1] = {"merchant.data"};

void merchant_config_defaults(struct merchant_config *cfg)
{
	*cfg = (struct merchant_config){
	    .acquirer_code = "898",
	    .area = "5810",
	    .document_max = 10 * 1024 * 1024,
	    .review_days = 365,
	    .certificate_days = 1095,
	    .fee_credit_bp = 60,
	    .fee_debit_bp = 55,
	    .fee_debit_cap = 2000,
	    .fee_qr_bp = 48,
	};
}

const char *merchant_strerror(int rc)
{
	switch (rc) {
	case MERCHANT_OK:
		return "ok";
	case MERCHANT_EARG:
		return "bad argument";
	case MERCHANT_ESTORE:
		return "the store failed";
	case MERCHANT_EHSM:
		return "the hsm failed";
	case MERCHANT_ENOTFOUND:
		return "not found";
	case MERCHANT_EEXIST:
		return "already taken";
	case MERCHANT_ESTATE:
		return "not allowed in its present state";
	case MERCHANT_EVERIFY:
		return "verification failed";
	case MERCHANT_ENOMEM:
		return "out of memory";
	case MERCHANT_EIO:
		return "a document file could not be written or read";
	default:
		return "unknown merchant error";
	}
}

int merchant_from_store(int rc)
{
	switch (rc) {
	case STORE_OK:
		return MERCHANT_OK;
	case STORE_ENOTFOUND:
		return MERCHANT_ENOTFOUND;
	case STORE_EEXIST:
		return MERCHANT_EEXIST;
	case STORE_ENOMEM:
		return MERCHANT_ENOMEM;
	default:
		return MERCHANT_ESTORE;
	}
}

int merchant_from_audit(int rc)
{
	switch (rc) {
	case AUDIT_OK:
		return MERCHANT_OK;
	case AUDIT_EARG:
	case AUDIT_EBIG:
		return MERCHANT_EARG;
	default:
		return MERCHANT_ESTORE;
	}
}

int merchant_open(store *s, hsm *h, issuer *is, const struct merchant_config *cfg,
                  const hsm_key *data, merchant **out)
{
	merchant *m;

	if (s == NULL || h == NULL || is == NULL || cfg == NULL || data == NULL || out == NULL)
		return MERCHANT_EARG;
	if ((m = calloc(1, sizeof *m)) == NULL)
		return MERCHANT_ENOMEM;
	*m = (struct merchant){.s = s, .h = h, .is = is, .data = *data, .cfg = *cfg};
	*out = m;
	return MERCHANT_OK;
}

void merchant_close(merchant *m)
{
	if (m == NULL)
		return;
	crypto_wipe(&m->data, sizeof m->data);
	free(m);
}
