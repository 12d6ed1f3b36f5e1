/* settle.h — the business day (docs/settle.md): which settlement date a decision belongs to
 * (the cut-off), which days are business days (weekends, holidays), when a settlement date is
 * paid out (T+N), and the fee arithmetic of clearing (a rate in basis points, rounded half up
 * to the fen, then capped; a refund's share of its original's fee).
 *
 * Dates are ints YYYYMMDD (20261206): they compare and sort as numbers, a sorted array of them
 * is searched with bsearch(), they read as dates in a test or a debugger, and they fit any int.
 * Arithmetic on them goes through a day number inside this module only.
 *
 * Pure functions: no allocation, no globals, no clock (times are the caller's Unix seconds).
 * The calendar's holidays are the caller's array, read while a call runs. Every function
 * returns SETTLE_OK or a negative SETTLE_E* code; settle_strerror() names it. Money is int64
 * minor units (fen); no float anywhere. */
#ifndef POSSUM_SETTLE_H
#define POSSUM_SETTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SETTLE_OK     0
#define SETTLE_EARG   (-1) /* a bad argument: no such date, a rate out of 0..10000, … */
#define SETTLE_ERANGE (-2) /* a result out of the years 1..9999 */
/* The close of a day (settle_close.h): */
#define SETTLE_EEARLY    (-3)  /* a day not yet past its cut-off */
#define SETTLE_ESTORE    (-4)  /* the store failed */
#define SETTLE_ELEDGER   (-5)  /* the ledger refused a posting */
#define SETTLE_EIO       (-6)  /* a file could not be written */
#define SETTLE_EHSM      (-7)  /* the HSM refused: a key of the wrong kind, … */
#define SETTLE_ENOTFOUND (-8)  /* no such merchant, adjustment, … */
#define SETTLE_ESTATE    (-9)  /* an adjustment no longer pending */
#define SETTLE_EMAKER    (-10) /* an adjustment's maker may not approve it: a second operator must */
#define SETTLE_EBUSY     (-11) /* another run holds the lease, or took a row first */

/* Where a long run is (settle_close(), settle_payouts_run()), for a progress bar or a test's
 * fault hook: an item done (a line written, a merchant paid), a part committed, or the final
 * transaction's writes done (before its commit); done of total items. */
enum settle_step { SETTLE_STEP_ITEM, SETTLE_STEP_PART, SETTLE_STEP_FINAL };
typedef void settle_progress_fn(void *ctx, enum settle_step step, size_t done, size_t total);

#define SETTLE_CUTOFF_DEFAULT  1380 /* 23:00 */
#define SETTLE_PAYOUT_DAYS_MAX 30
#define SETTLE_DATE_TEXT       11    /* "YYYY-MM-DD" and its NUL */
#define SETTLE_BP_MAX          10000 /* 100% */

/* The [settle] section of the config file (docs/config.md). */
struct settle_calendar {
	int cutoff;              /* minutes after local midnight, 0..1439; default 1380 (23:00) */
	int payout_days;         /* T+N, 0..30; default 1 */
	bool weekend_payouts;    /* Saturdays and Sundays are business days; default no */
	const int32_t *holidays; /* YYYYMMDD, strictly ascending; the caller's (NULL: none) */
	size_t n_holidays;
};

void settle_calendar_defaults(struct settle_calendar *cal);

/* SETTLE_OK when cal is usable: cutoff and payout_days in range, holidays valid dates in
 * strictly ascending order. The other functions check what they read of cal likewise. */
int settle_calendar_check(const struct settle_calendar *cal);

/* "YYYY-MM-DD" ↔ YYYYMMDD. settle_date_parse() takes exactly that form, a real date (no
 * 2026-02-30), years 1..9999. */
int settle_date_parse(const char *text, int32_t *date);
int settle_date_format(int32_t date, char out[SETTLE_DATE_TEXT]);

/* *out = date + days (days may be negative). */
int settle_date_add(int32_t date, int days, int32_t *out);

/* The settlement date of a decision made at t (Unix seconds) by a host whose local time is
 * utc_offset minutes east of UTC (-1440..1440): the local date when the local time is before
 * the cut-off, else the next day. Exactly at the cut-off (23:00:00 with the default) is after
 * it: the next day's first moment. */
int settle_date(const struct settle_calendar *cal, int utc_offset, int64_t t, int32_t *date);
/* The local calendar date (YYYYMMDD) of Unix time t at utc_offset minutes, whatever the
 * cut-off: the day payouts run for. */
int settle_local_date(int utc_offset, int64_t t, int32_t *date);

/* *yes: date is a business day, neither a Saturday nor a Sunday (unless weekend_payouts) nor
 * one of the holidays. */
int settle_business_day(const struct settle_calendar *cal, int32_t date, bool *yes);

/* The payout date of settlement date date, T+N (N = payout_days): the N-th business day
 * after date, counting the days after it only, whether date itself is a business day or not
 * (T+1 of a Friday, a Saturday or a holiday is the next business day after it). T+0: date
 * itself when a business day, else the next business day. */
int settle_payout_date(const struct settle_calendar *cal, int32_t date, int32_t *payout);

/* The fee of one transaction of amount_minor (>= 0) at rate_bp basis points (0..10000; 55 is
 * 0.55%): amount × rate ÷ 10000 rounded half up to the fen, then at most cap_minor (0: no
 * cap). Exact for every int64 amount. 0.55% capped at 20.00: 3,635.45 → 19.99, 3,635.46 →
 * 20.00, 3,637.28 → 20.00 (20.01 capped). */
int settle_fee(int rate_bp, int64_t cap_minor, int64_t amount_minor, int64_t *fee);

/* What a refund of refund_amount gives back of its original's fee orig_fee (of orig_amount):
 * orig_fee × refund_amount ÷ orig_amount rounded half up, but never more than orig_fee less
 * already_returned (what earlier refunds of it gave back). 0 <= refund_amount <= orig_amount,
 * orig_amount > 0, 0 <= already_returned <= orig_fee. [settle] refund_fee = keep is the
 * caller's to apply (it returns nothing). */
int settle_refund_fee(int64_t orig_fee, int64_t orig_amount, int64_t refund_amount,
                      int64_t already_returned, int64_t *returned);

const char *settle_strerror(int rc);

#endif
