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

#define MERCHANT_REASON_MAX 32

/* The four elements of a card authentication: the card number and what its holder gave. */
struct merchant_card_elements {
	const char *pan, *holder, *id_number, *phone;
};

/* Step 1 of binding (or changing) merchant mid's settlement card: a debit card of the issuer
 * (else MERCHANT_EARG, reason "not_a_debit_card"), whose four elements the issuer checks
 * before it sends a one-time code to the reserved phone. MERCHANT_OK: the code is sent and
 * the binding waits for it (replacing one that waited); MERCHANT_EVERIFY with the issuer's
 * reason ("elements_differ", "cardauth_daily_limit", "card_unknown", …): refused, nothing
 * kept. MERCHANT_ENOTFOUND: no such merchant; MERCHANT_ESTATE: a closed one. */
int merchant_settlecard_start(merchant *m, const char *actor, const char *mid,
                              const struct merchant_card_elements *e, int64_t now,
                              char reason[MERCHANT_REASON_MAX]);

/* Step 2: the code. MERCHANT_OK: the card is bound, in effect at once when the merchant had
 * none, else from the next settlement day (00:00 UTC after now; the old card is paid until
 * then), and the audit entry ("settlement_card.bind") holds the old and the new card, masked.
 * MERCHANT_EVERIFY with the issuer's reason ("code_wrong", "code_expired",
 * "no_code_pending"): not bound; a code that can no longer be confirmed ends the binding.
 * MERCHANT_ENOTFOUND: no binding waits for a code. */
int merchant_settlecard_confirm(merchant *m, const char *actor, const char *mid, const char *otp,
                                int64_t now, char reason[MERCHANT_REASON_MAX]);

struct merchant_settlecard {
	char masked[20];
	int64_t card_id; /* the issuer's */
	char actor[64];  /* who bound it (who started it, for one pending) */
	int64_t started_at, verified_at, effective_from;
};

/* Merchant mid's settlement cards at now: the one in effect, the one to take effect later,
 * and a binding waiting for its code (each only when its has_ flag is set). */
struct merchant_settlecard_view {
	bool has_current, has_next, has_pending;
	struct merchant_settlecard current, next, pending;
};
int merchant_settlecard_get(merchant *m, const char *mid, int64_t now,
                            struct merchant_settlecard_view *out);

/* Whether merchant mid may be paid at now (for the settlement: a payout that may not go
 * waits): *ready when the merchant is active with a settlement card in effect that the issuer
 * still has active; else not, and reason says why: "merchant_not_active",
 * "no_settlement_card" or "card_not_active". */
int merchant_payout_ready(merchant *m, const char *mid, int64_t now, bool *ready,
                          char reason[MERCHANT_REASON_MAX]);

/* ---- Cardholders: card authentication and the issuer's card services, audited
 * (cardholder.c) ----
 *
 * What the API and the admin command change on the issuer's cards, each change committed with
 * its audit entry (object "card:ID"). Issuer codes are mapped: ISSUER_ENOTFOUND to
 * MERCHANT_ENOTFOUND, ISSUER_ESTATE (a replaced card) to MERCHANT_ESTATE, ISSUER_EARG to
 * MERCHANT_EARG. */

/* Card authentication (DESIGN.md flow 5) by the cardholder, outside the POS: the issuer's two
 * steps with their limits (issuer_cardauth_start(), issuer_cardauth_confirm()). MERCHANT_OK:
 * the code sent / the card authenticated; MERCHANT_EVERIFY with the issuer's reason. */
int merchant_cardauth_start(merchant *m, const char *actor, const struct merchant_card_elements *e,
                            int64_t now, char reason[MERCHANT_REASON_MAX]);
int merchant_cardauth_confirm(merchant *m, const char *actor, const char *pan, const char *otp,
                              int64_t now, char reason[MERCHANT_REASON_MAX]);

/* A card's status (a loss report: ISSUER_CARD_LOST; stolen, blocked, active again), its
 * replacement (out: the new card's image, which the caller wipes), its reserved phone, and a
 * risk revocation of its authentication, why in the audit entry. */
int merchant_card_set_status(merchant *m, const char *actor, int64_t card_id,
                             enum issuer_card_status status, int64_t now);
int merchant_card_replace(merchant *m, const char *actor, int64_t card_id, const char *pin,
                          const char *expiry, int64_t now, struct issuer_card_image *out);
int merchant_card_set_phone(merchant *m, const char *actor, int64_t card_id, const char *phone,
                            int64_t now);
int merchant_card_revoke_auth(merchant *m, const char *actor, int64_t card_id, const char *why,
                              int64_t now);

#endif
