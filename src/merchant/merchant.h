/* merchant.h — merchants, their terminals and their settlement cards (DESIGN.md flows 1, 2
 * and 4): a merchant's onboarding from application to an active merchant with its MID and
 * certificate; "one terminal, one code" — each terminal bound by its hardware SN to one
 * merchant and one registered place, keyed with its own TMK; and the settlement card a
 * merchant's money is paid to, bound only after its holder is verified at the issuer.
 *
 * Every change is made by an actor (audit/audit.h: "cli:USER", "token:ID") and committed in
 * one transaction with its audit entry; a refused change leaves nothing behind.
 *
 * Time is the caller's (now, Unix seconds). Ownership: merchant_open() keeps the store, hsm
 * and issuer pointers it is given (the caller closes them after merchant_close()) and copies
 * the config and keys. A merchant handle is used by one thread at a time.
 *
 * Errors: MERCHANT_OK or a negative MERCHANT_E* code; merchant_strerror() names it. */
#ifndef POSSUM_MERCHANT_H
#define POSSUM_MERCHANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hsm/hsm.h"
#include "issuer/issuer.h"
#include "store/store.h"

#define MERCHANT_OK        0
#define MERCHANT_EARG      (-1) /* an argument malformed or out of range */
#define MERCHANT_ESTORE    (-2) /* the store failed; nothing was committed */
#define MERCHANT_EHSM      (-3) /* the hsm failed */
#define MERCHANT_ENOTFOUND (-4) /* no such merchant, application, terminal or card */
#define MERCHANT_EEXIST    (-5) /* taken: an SN bound, a TID or MID in use */
#define MERCHANT_ESTATE    (-6) /* a change the object's state does not allow */
#define MERCHANT_EVERIFY   (-7) /* a verification failed: the four elements or the code */
#define MERCHANT_ENOMEM    (-8)
#define MERCHANT_EIO       (-9) /* a document file could not be written or read */

/* The [merchant] section of the config file (docs/config.md). */
struct merchant_config {
	char acquirer_code[4]; /* the MID's first 3 digits; default "898" */
	char area[5];          /* the MID's area code, 4 digits; default "5810" */
	char documents[4096];  /* the directory of uploaded documents; default DATA/documents */
	int64_t document_max;  /* bytes of one document; default 10 MiB */
	int review_days;       /* days between periodic reviews; default 365 */
	int certificate_days;  /* validity of a merchant certificate; default 1095 */
	/* The default fee plan, in hundredths of a percent (basis points) and minor units. */
	int fee_credit_bp;     /* default 60: 0.60% */
	int fee_debit_bp;      /* default 55: 0.55% */
	int64_t fee_debit_cap; /* default 2000: CNY 20.00 */
	int fee_qr_bp;         /* default 48: 0.48% */
};

void merchant_config_defaults(struct merchant_config *cfg);

typedef struct merchant merchant;

const char *merchant_strerror(int rc);

/* Opens the merchant module on s, h and is (the issuer that verifies settlement cards and
 * cardholders); data is a D0 key under the LMK for the card numbers it keeps. */
int merchant_open(store *s, hsm *h, issuer *is, const struct merchant_config *cfg,
                  const hsm_key *data, merchant **out);
void merchant_close(merchant *m);

/* ---- Merchants: onboarding, fee plan, limits, reviews (onboarding.c) ---- */

/* ---- Terminals: one terminal, one code (terminal.c) ---- */

/* ---- Settlement cards (settlecard.c) ---- */

#endif
