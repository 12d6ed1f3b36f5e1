/* internal.h — what the merchant module's files share: the handle, the mapping of store
 * codes, the end of a change's transaction and a merchant's name in the audit log. */
#ifndef POSSUM_MERCHANT_INTERNAL_H
#define POSSUM_MERCHANT_INTERNAL_H

#include "merchant/merchant.h"
#include "store/store_audit.h"

struct merchant {
	store *s;
	hsm *h;
	issuer *is;
	hsm_key data;
	struct merchant_config cfg;
};

/* A merchant code for a store one. */
int merchant_from_store(int rc);

/* Ends the transaction a change opened: committed when rc is MERCHANT_OK (then the commit's
 * result), else rolled back (then rc). */
int merchant_end(merchant *m, int rc);

/* The audit log's object of a merchant: "merchant:MID" once it has one, "merchant:ID" (its
 * application's number) before. */
void merchant_object(const struct store_merchant_app *a, char out[STORE_AUDIT_OBJECT_MAX]);
/* sealed.c: in shown with its first 3 and last 4 bytes, the rest as '*'; all of it as '*'
 * when that would leave fewer than 4 hidden. */
void merchant_mask(const char *in, char *out, size_t cap);
/* sealed.c: text, the field ("rep_id", "phone") of application id, sealed into out;
 * MERCHANT_EHSM when the HSM refuses. */
int merchant_seal(merchant *m, const char *field, int64_t id, const char *text,
                  struct store_sealed *out);
/* A merchant's phone at rest (sealed.c): merchant_seal_phone() fills a->phone_masked and
 * a->phone_sealed from a->phone (a->id known); merchant_unseal_phone() fills a->phone from
 * them (a row never sealed keeps its clear column). MERCHANT_EHSM when the HSM refuses. */
int merchant_seal_phone(merchant *m, struct store_merchant_app *a);
int merchant_unseal_phone(merchant *m, struct store_merchant_app *a);
/* A merchant code for an issuer one (cardholder.c). */
int merchant_from_issuer(int rc);
/* A merchant code for an audit one: a bad actor, action, object or oversized state is the
 * caller's argument, anything else the store's failure. */
int merchant_from_audit(int rc);

#endif
