/* store_saf.h — the store-and-forward queue (schema/acquirer.10.sql): the reversals and the
 * stand-in advices a network link owes its issuer, each kept until the issuer answers it.
 *
 * An entry names its original request (its acq_txns row id and RRN) and never holds a message:
 * the sender builds the message from that record, so no card data is kept here. The rules —
 * when an entry is due again, which answers settle it, when it is given up — are the
 * acquirer's (acquirer_saf_*, src/acquirer/saf.c); the store only keeps the rows. Functions
 * return STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_SAF_H
#define POSSUM_STORE_SAF_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "store/store_claim.h"

#define STORE_SAF_LINK_MAX 33 /* a link's name with its NUL (docs/links.md: 1 to 32 chars) */

struct store_saf {
	int64_t id;
	char link[STORE_SAF_LINK_MAX];
	char kind[9];    /* "reversal" or "advice" */
	int64_t txn_id;  /* the original's acq_txns row */
	char rrn[13];    /* its RRN */
	char state[8];   /* "waiting", "pending", "done", "refused", "expired" */
	int attempts;    /* times sent */
	int64_t next_at; /* a pending entry is due from then on */
	char last_rc[3]; /* the last answer's response code; "" none yet */
	int64_t created_at, updated_at;
	/* An advice's card (its number, expiry and entry mode) sealed by the acquirer, kept while
	 * the entry may be sent; len 0: none (a reversal's, or once settled). */
	struct store_sealed card;
	/* The claim of the host sending it (store_claim.h): its holder ("" none) and when it runs
	 * out (0 none). */
	char claimed_by[STORE_CLAIM_HOLDER_MAX];
	int64_t claimed_until;
};

/* Appends e (its id ignored, then set) in the caller's transaction, if any. STORE_EEXIST when
 * an entry of that kind is queued already for that txn_id. */
int store_saf_insert(store *s, struct store_saf *e);
int store_saf_get(store *s, int64_t id, struct store_saf *out);

/* The waiting and pending entries of a link due at `now` (next_at <= now), oldest first, limit at
 * most. */
struct store_saf_due {
	const char *link;
	int64_t now;
	size_t limit; /* 0: no limit */
};
int store_saf_due(store *s, const struct store_saf_due *f,
                  int (*fn)(void *ctx, const struct store_saf *e), void *ctx);

/* Claims for c up to limit (0: no limit) of the entries store_saf_due() gives that no claim
 * holds (none, or one run out at or before now) and that no earlier entry of the same
 * transaction (a lower id, waiting or pending) holds back by being due or claimed: an advice
 * goes before its reversal. Each is read claimed into fn, in no order. In one statement: on
 * PostgreSQL FOR UPDATE SKIP LOCKED, so that claimers at once get disjoint entries. */
struct store_saf_take {
	const char *link, *holder;
	int64_t until, now;
	size_t limit;
};
int store_saf_claim(store *s, const struct store_saf_take *f,
                    int (*fn)(void *ctx, const struct store_saf *e), void *ctx);

/* A waiting or pending entry sent (once more) under the claim holder (NULL or "": none) until:
 * pending, attempts + 1, next_at and updated_at written. STORE_ENOTFOUND when id is no waiting
 * or pending entry of that claim (another host took it over). */
struct store_saf_sent {
	int64_t id, next_at, now;
	const char *holder;
	int64_t until;
};
int store_saf_sent(store *s, const struct store_saf_sent *a);

/* A pending entry answered under the claim holder (NULL or "": none) until: its state (pending
 * again, done or refused), the answer's code and updated_at written, its claim cleared.
 * STORE_ENOTFOUND when id is no pending entry of that claim. */
struct store_saf_answer {
	int64_t id;
	const char *state, *rc;
	int64_t now;
	const char *holder;
	int64_t until;
};
int store_saf_answered(store *s, const struct store_saf_answer *a);
/* Entry id's claim c given up (nothing sent, or no answer came): due again at its next_at to
 * any host. STORE_ENOTFOUND when c is not its claim. */
int store_saf_release(store *s, int64_t id, const struct store_claim *c);

/* Entry id's sealed card written (an advice's, in the transaction that queued it). */
int store_saf_seal(store *s, int64_t id, const struct store_sealed *card);
/* A waiting entry (a request on its link, its answer awaited) made pending, due at next_at
 * (store_saf_sent's attempts untouched): its request timed out, or was reversed meanwhile.
 * STORE_ENOTFOUND when id is no waiting entry. */
int store_saf_wake(store *s, const struct store_saf_sent *a);
/* A waiting entry deleted: its request was answered in time and stands. STORE_ENOTFOUND when id
 * is no waiting entry. */
int store_saf_cancel(store *s, int64_t id);
/* The reversal queued for acq_txns row txn_id, any state; STORE_ENOTFOUND when none. */
int store_saf_of_txn(store *s, int64_t txn_id, struct store_saf *out);

/* Every pending entry of link created at or before `before` made expired (updated_at now);
 * how many into *n. */
int store_saf_expire(store *s, const char *link, int64_t before, int64_t now, int64_t *n);

/* The entries for display, oldest first (by id), after `after`: link and state "" or NULL for
 * any. */
struct store_saf_filter {
	const char *link, *state;
	int64_t after;
	size_t limit; /* 0: no limit */
};
int store_saf_list(store *s, const struct store_saf_filter *f,
                   int (*fn)(void *ctx, const struct store_saf *e), void *ctx);

/* ---- Counts by link and state (saf_count.c: for `possum admin link status`) ----
 *
 * Each link that has entries, by name, with its pending, refused and expired ones. */
struct store_saf_count {
	char link[STORE_SAF_LINK_MAX];
	int64_t pending, refused, expired;
};
int store_saf_counts(store *s, int (*fn)(void *ctx, const struct store_saf_count *c), void *ctx);

#endif
