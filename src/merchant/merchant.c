/* merchant.c — the merchant module's handle, its config defaults and its error names. */
#include "merchant/internal.h"

#include "audit/audit.h"

#include <stdio.h>
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
	case MERCHANT_ECERTIFY:
		return "a terminal's model and version have no device certificate in force";
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

/* seal_phones()'s walk: the module, the first failure and the phones sealed. */
struct sealing {
	merchant *m;
	int rc;
	size_t n;
};

/* seal_phones(): one application of before, its phone sealed and its column masked. */
static int seal_phone(void *ctx, const struct store_merchant_app *a)
{
	struct sealing *w = ctx;
	struct store_merchant_app row = *a;

	if (a->phone_sealed.len == 0) {
		snprintf(row.phone, sizeof row.phone, "%s", a->phone_masked);
		if ((w->rc = merchant_seal_phone(w->m, &row)) == MERCHANT_OK)
			w->rc = merchant_from_store(store_merchant_app_update(w->m->s, &row));
		w->n += w->rc == MERCHANT_OK;
	}
	crypto_wipe(&row, sizeof row);
	return w->rc != MERCHANT_OK;
}

/* Once per store: the phones of applications made before issue 18 sealed, in one transaction
 * (meta merchant.phones_sealed says it was done), and checkpointed so that the clear phones
 * leave the database file now (the store runs with secure_delete). */
static int seal_phones(merchant *m)
{
	struct store_merchant_app_filter all = {0};
	struct sealing w = {m, MERCHANT_OK, 0};
	char value[8];
	int rc = store_meta_get(m->s, "merchant.phones_sealed", value, sizeof value);

	if (rc != STORE_ENOTFOUND)
		return merchant_from_store(rc);
	if (store_begin(m->s) != STORE_OK)
		return MERCHANT_ESTORE;
	if ((rc = store_merchant_app_list(m->s, &all, seal_phone, &w)) != STORE_OK && w.rc == 0)
		w.rc = merchant_from_store(rc);
	if (w.rc == MERCHANT_OK)
		w.rc = merchant_from_store(store_meta_add(m->s, "merchant.phones_sealed", "1"));
	if (w.rc != MERCHANT_OK) {
		store_rollback(m->s);
		return w.rc;
	}
	if ((rc = merchant_from_store(store_commit(m->s))) == MERCHANT_OK && w.n > 0 &&
	    store_depth(m->s) == 0)
		rc = merchant_from_store(store_checkpoint(m->s));
	return rc;
}

int merchant_open(store *s, hsm *h, issuer *is, const struct merchant_config *cfg,
                  const hsm_key *data, merchant **out)
{
	merchant *m;
	int rc;

	if (s == NULL || h == NULL || is == NULL || cfg == NULL || data == NULL || out == NULL)
		return MERCHANT_EARG;
	if ((m = calloc(1, sizeof *m)) == NULL)
		return MERCHANT_ENOMEM;
	*m = (struct merchant){.s = s, .h = h, .is = is, .data = *data, .cfg = *cfg};
	if ((rc = seal_phones(m)) != MERCHANT_OK) {
		merchant_close(m);
		return rc;
	}
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
