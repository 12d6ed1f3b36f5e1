/* store_review.h — the periodic merchant review's part of the storage interface (docs/risk.md
 * "Merchant review"): each merchant's figures over a window read from the acquirer's rows
 * (acq_txns), its cases and their verdicts (risk_cases), and the reviews kept (risk_reviews),
 * the latest of each merchant shown.
 *
 * A payment is an approved (rc 00), unreversed purchase, pre-authorization or completion;
 * volume is the payments that are purchases or completions (a pre-authorization holds money,
 * it does not move it); an attempt is any request of those three types, a decline an attempt
 * answered otherwise than 00. Times are Unix seconds. Functions return STORE_OK or a STORE_E*
 * code. */
#ifndef POSSUM_STORE_REVIEW_H
#define POSSUM_STORE_REVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* Which rows: at in [from, to]; night is the local time (utc_offset seconds east of UTC)
 * before 05:00; mid "" for every merchant. */
struct store_review_window {
	int64_t from, to;
	int64_t utc_offset;
	const char *mid;
};

/* A merchant (not closed) and its figures in the window; amounts in minor units. */
struct store_review_merchant {
	char mid[16], name[129], mcc[5];
	int status;            /* enum store_merchant_status */
	int64_t count, amount; /* volume: approved purchases and completions */
	int64_t purchases;     /* the amount of approved purchases */
	int64_t refunds;       /* the amount of approved, unreversed refunds */
	int64_t attempts, declines;
	int64_t payments, night; /* payments, and those of them before 05:00 local time */
};

/* Calls fn for each merchant of w that is not closed, in MID order, until it returns
 * non-zero (returned). */
int store_review_merchants(store *s, const struct store_review_window *w,
                           int (*fn)(void *ctx, const struct store_review_merchant *m), void *ctx);

/* A merchant's risk cases (the risk module's risk_cases) opened in a window: how many, how
 * many closed with a verdict of fraud, of legitimate, and how many still open. */
struct store_review_cases {
	char mid[16];
	int64_t opened, fraud, legitimate, open;
};
/* Calls fn for each merchant with cases opened in [w->from, w->to] (w's mid and utc_offset
 * aside), in MID order, until it returns non-zero (returned). */
int store_review_cases(store *s, const struct store_review_window *w,
                       int (*fn)(void *ctx, const struct store_review_cases *c), void *ctx);

/* A review kept: its id, time, merchant, grade ("A" … "D"), its reasons' names
 * (comma-separated), whether it suspended the merchant, who ran it, its result as JSON. */
struct store_review {
	int64_t id, at;
	char mid[16], grade[2], reasons[256];
	bool suspended;
	char by[64];
	char figures[4096];
};
int store_review_insert(store *s, struct store_review *r);
/* Calls fn for the latest review of each merchant (of mid only, unless mid is ""), in MID
 * order, until it returns non-zero (returned). */
int store_review_latest(store *s, const char *mid,
                        int (*fn)(void *ctx, const struct store_review *r), void *ctx);
/* The time of the latest review kept of any merchant: *at, 0 when none. */
int store_review_last(store *s, int64_t *at);

#endif
