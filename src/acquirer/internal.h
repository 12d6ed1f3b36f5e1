/* internal.h — what the acquirer's files share: the acquirer itself and its code for a store
 * failure. */
#ifndef POSSUM_ACQUIRER_INTERNAL_H
#define POSSUM_ACQUIRER_INTERNAL_H

#include "acquirer/acquirer.h"
#include "iso8583/iso8583.h"

struct acquirer {
	store *s;
	hsm *h;
	issuer *is;
	hsm_key zpk, pan_hash;
	struct acquirer_config cfg;
	const iso8583_profile *dialect; /* cup-pos */
};

/* An acquirer code for a store one. */
int acquirer_from_store(int rc);

#endif
