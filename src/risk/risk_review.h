/* risk_review.h — the periodic merchant review (docs/risk.md "Merchant review"): each merchant
 * (or one) over the 30 local days ending now — its volume, average ticket against its MCC's,
 * refund rate, decline rate, night share, cases and their verdicts, terminals moved — graded
 * A to D with the reasons that made the grade. A run keeps each merchant's review (the store's
 * risk_reviews) and suspends the merchant graded D that is active (the merchant module's
 * suspend step, actor RISK_REVIEW_ACTOR, the reasons in its audit entry): its terminals are
 * then refused with 03 until an operator resumes it (`possum admin merchant step MID resume`).
 * A dry run grades and keeps nothing, suspends no one.
 *
 * All arithmetic is integer: amounts in minor units of CNY, rates in basis points (1/100 of a
 * percent). Time is the caller's (now, Unix seconds) and days are local (utc_offset minutes
 * east of UTC). Errors: RISK_REVIEW_OK or a negative RISK_REVIEW_E* code;
 * risk_review_strerror() names it. */
#ifndef POSSUM_RISK_REVIEW_H
#define POSSUM_RISK_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "merchant/merchant.h"
#include "store/store.h"
#include "store/store_review.h"

#define RISK_REVIEW_OK        0
#define RISK_REVIEW_EARG      (-1) /* an argument malformed */
#define RISK_REVIEW_ESTORE    (-2) /* the store failed; that merchant's review was not kept */
#define RISK_REVIEW_ENOTFOUND (-3) /* no such merchant (or a closed one) */
#define RISK_REVIEW_ENOMEM    (-4)
#define RISK_REVIEW_EMERCHANT (-5) /* the merchant module refused the suspension */

const char *risk_review_strerror(int rc);

#define RISK_REVIEW_DAYS    30            /* the window: today and the 29 local days before */
#define RISK_REVIEW_ACTOR   "risk:review" /* the audit log's actor of a suspension */
#define RISK_REVIEW_MOVED_M 50000         /* a terminal moved: reported > 50 km from its place */
#define RISK_REVIEW_REASONS 8

/* How much a reason weighs: one mild flag is B, a serious one or two mild ones C, an extreme
 * one D. */
enum risk_review_level { RISK_REVIEW_MILD = 1, RISK_REVIEW_SERIOUS, RISK_REVIEW_EXTREME };

/* "mild", "serious", "extreme". */
const char *risk_review_level_name(int level);

struct risk_review_reason {
	const char *name; /* "refund_rate_high", … (docs/risk.md's table) */
	int level;        /* enum risk_review_level */
	char text[160];   /* for people: "refunds 35.00% of purchases (serious from 30.00%)" */
};

/* A merchant's risk cases opened in the window, by verdict (store_review_cases()). */
struct risk_review_cases {
	int64_t opened, fraud, legitimate, open;
};

/* One merchant's review. */
struct risk_review_result {
	struct store_review_merchant m;     /* the figures read from the store */
	int64_t from, to;                   /* the window */
	int64_t avg_ticket, mcc_avg_ticket; /* minor units; 0 with no volume */
	int64_t ticket_ratio_bp;            /* avg_ticket / mcc_avg_ticket; 0 when either is 0 */
	int64_t refund_rate_bp;             /* refunds / purchases, by amount */
	int64_t decline_rate_bp;            /* declines / attempts */
	int64_t night_share_bp;             /* night payments / payments */
	struct risk_review_cases cases;
	int64_t terminals, terminals_moved; /* its terminals not retired; those moved */
	char grade;                         /* 'A' … 'D' */
	struct risk_review_reason reasons[RISK_REVIEW_REASONS];
	size_t n_reasons;
	bool suspended; /* this run suspended it */
	int64_t at;     /* when it was reviewed */
};

/* A run: over store s (and the merchant module mm on it, which suspends), merchant mid (NULL:
 * every merchant not closed), at now; by is who ran it ("cli:USER", "token:ID"), kept with each
 * review and named in the suspension's reason; dry_run: grade only. */
struct risk_review_params {
	store *s;
	merchant *mm;
	const char *mid;
	int64_t now;
	int utc_offset;
	bool dry_run;
	const char *by;
};

/* Reviews p's merchants and calls fn with each result, in MID order, until fn returns
 * non-zero (returned). Each merchant's review is kept, and its suspension made, in one
 * transaction of its own. RISK_REVIEW_ENOTFOUND when p->mid names no merchant that is not
 * closed. */
int risk_review_run(const struct risk_review_params *p,
                    int (*fn)(void *ctx, const struct risk_review_result *r), void *ctx);

/* Result r as JSON, new reference (NULL: out of memory): {"mid", "name", "mcc", "status",
 * "grade", "reasons": [{"name", "level", "text"}], "from", "to", "volume": {"count",
 * "amount"}, "average_ticket", "mcc_average_ticket", "ticket_ratio_bp", "purchases", "refunds",
 * "refund_rate_bp", "attempts", "declines", "decline_rate_bp", "payments", "night_payments",
 * "night_share_bp", "cases": {"opened", "fraud", "legitimate", "open"}, "terminals",
 * "terminals_moved", "suspended", "reviewed_at"}; money objects, times in utc_offset's local
 * time. */
json_t *risk_review_json(const struct risk_review_result *r, int utc_offset);

/* The latest review of each merchant (of mid only, unless NULL), as the JSON kept with it
 * (risk_review_json() at its run, plus "by"), appended to items in MID order. */
int risk_review_latest(store *s, const char *mid, json_t *items);

#endif
