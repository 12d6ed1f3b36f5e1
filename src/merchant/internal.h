/* internal.h — what the merchant module's files share: the handle and the mapping of store
 * codes. */
#ifndef POSSUM_MERCHANT_INTERNAL_H
#define POSSUM_MERCHANT_INTERNAL_H

#include "merchant/merchant.h"

struct merchant {
	store *s;
	hsm *h;
	issuer *is;
	hsm_key data;
	struct merchant_config cfg;
};

/* A merchant code for a store one. */
int merchant_from_store(int rc);

/* A merchant code for an issuer one (cardholder.c). */
int merchant_from_issuer(int rc);

#endif
