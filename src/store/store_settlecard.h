/* store_settlecard.h — the merchant module's settlement cards: the card each merchant's money
 * is paid to, from the binding started (the four elements matched, a code sent) to the card
 * verified and in effect from a date, with every card a merchant had kept.
 *
 * The PAN arrives sealed (hsm_data_encrypt under the merchant module's data key, with the MID
 * as associated data) and masked; the store never sees it in the clear. The card is the
 * issuer's: card_id is its id there. Functions return STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_SETTLECARD_H
#define POSSUM_STORE_SETTLECARD_H

#include <stdint.h>

#include "store/store.h"
#include "store/store_issuer.h"

enum store_settlecard_state {
	STORE_SETTLECARD_PENDING = 1, /* the code sent, not yet confirmed */
	STORE_SETTLECARD_BOUND,       /* verified; in effect from effective_from */
};

struct store_settlecard {
	int64_t id;
	char mid[16];
	int state;
	int64_t card_id; /* the issuer's card */
	struct store_sealed pan;
	char masked[20];
	char actor[64]; /* who started it, then who bound it */
	int64_t started_at, verified_at, effective_from;
};

/* Inserts c (c->id ignored) as the merchant's pending binding, in place of any pending one,
 * and sets c->id. Two starts for one merchant at once (two hosts) take turns, the later
 * replacing the earlier: one pending binding, as when they come one after the other. */
int store_settlecard_start(store *s, struct store_settlecard *c);
/* The merchant's pending binding. */
int store_settlecard_pending(store *s, const char *mid, struct store_settlecard *out);
/* Drops the merchant's pending binding, if any. */
int store_settlecard_drop(store *s, const char *mid);
/* Writes c's state, actor, verified_at and effective_from. */
int store_settlecard_update(store *s, const struct store_settlecard *c);
/* The bound card in effect at at: the latest to take effect by then (STORE_ENOTFOUND: none);
 * with at INT64_MAX, the latest bound, in effect or to be. */
int store_settlecard_bound(store *s, const char *mid, int64_t at, struct store_settlecard *out);

#endif
