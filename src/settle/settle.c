/* settle.c — the business day and the fee arithmetic (settle.h). Dates are turned into day
 * numbers (days since 1970-01-01, proleptic Gregorian; H. Hinnant's civil-date algorithms)
 * for arithmetic, and back; the fee is split so that no product can overflow. */
#include "settle/settle.h"

#include <stdlib.h>

#define YEAR_MIN 1
#define YEAR_MAX 9999

/* Days since 1970-01-01 of y-m-d (a valid date). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The date of day number z, YYYYMMDD; SETTLE_ERANGE outside the years 1..9999. */
static int civil_from_days(int64_t z, int32_t *date)
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y < YEAR_MIN || y > YEAR_MAX)
		return SETTLE_ERANGE;
	*date = (int32_t)(y * 10000 + m * 100 + d);
	return SETTLE_OK;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* date's day number; SETTLE_EARG when date is no date of the years 1..9999. */
static int day_number(int32_t date, int64_t *z)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = date / 10000, m = date / 100 % 100, d = date % 100;

	if (date < 0 || y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && leap(y)))
		return SETTLE_EARG;
	*z = days_from_civil(y, m, d);
	return SETTLE_OK;
}

void settle_calendar_defaults(struct settle_calendar *cal)
{
	*cal = (struct settle_calendar){.cutoff = SETTLE_CUTOFF_DEFAULT, .payout_days = 1};
}

int settle_calendar_check(const struct settle_calendar *cal)
{
	int64_t z;

	if (cal == NULL || cal->cutoff < 0 || cal->cutoff >= 1440 || cal->payout_days < 0 ||
	    cal->payout_days > SETTLE_PAYOUT_DAYS_MAX || (cal->holidays == NULL && cal->n_holidays))
		return SETTLE_EARG;
	for (size_t i = 0; i < cal->n_holidays; i++)
		if (day_number(cal->holidays[i], &z) != SETTLE_OK ||
		    (i > 0 && cal->holidays[i] <= cal->holidays[i - 1]))
			return SETTLE_EARG;
	return SETTLE_OK;
}

int settle_date_parse(const char *text, int32_t *date)
{
	int32_t v = 0;
	int64_t z;

	if (text == NULL || date == NULL)
		return SETTLE_EARG;
	for (int i = 0; i < 10; i++) {
		bool dash = i == 4 || i == 7;

		if (dash ? text[i] != '-' : (text[i] < '0' || text[i] > '9'))
			return SETTLE_EARG;
		if (!dash)
			v = v * 10 + (text[i] - '0');
	}
	if (text[10] != '\0' || day_number(v, &z) != SETTLE_OK)
		return SETTLE_EARG;
	*date = v;
	return SETTLE_OK;
}

int settle_date_format(int32_t date, char out[SETTLE_DATE_TEXT])
{
	int32_t v = date;
	int64_t z;

	if (out == NULL || day_number(date, &z) != SETTLE_OK)
		return SETTLE_EARG;
	out[10] = '\0';
	for (int i = 9; i >= 0; i--) {
		if (i == 4 || i == 7) {
			out[i] = '-';
			continue;
		}
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return SETTLE_OK;
}

/* The local time shifted by what remains of the day after the cut-off: its date is the
 * settlement date (a moment at or after the cut-off lands on the next day). */
int settle_date(const struct settle_calendar *cal, int utc_offset, int64_t t, int32_t *date)
{
	const int64_t bound = INT64_C(253402300800); /* 10000-01-01T00:00:00Z */
	int64_t shifted, z;

	if (cal == NULL || date == NULL || cal->cutoff < 0 || cal->cutoff >= 1440 ||
	    utc_offset < -1440 || utc_offset > 1440)
		return SETTLE_EARG;
	if (t < -bound || t > bound)
		return SETTLE_ERANGE;
	shifted = t + ((int64_t)utc_offset + 1440 - cal->cutoff) * 60;
	z = shifted / 86400 - (shifted % 86400 < 0);
	return civil_from_days(z, date);
}

int settle_local_date(int utc_offset, int64_t t, int32_t *date)
{
	const struct settle_calendar c = {.cutoff = 0}; /* from 00:00 on, the day after's */

	return settle_date(&c, utc_offset, t - 86400, date);
}

static int holiday_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* Day number z's business-ness; 1970-01-01 was a Thursday. */
static bool business(const struct settle_calendar *cal, int64_t z, int32_t date)
{
	int64_t wd = ((z % 7) + 7 + 4) % 7; /* 0 Sunday … 6 Saturday */

	if (!cal->weekend_payouts && (wd == 0 || wd == 6))
		return false;
	return cal->n_holidays == 0 ||
	       bsearch(&date, cal->holidays, cal->n_holidays, sizeof date, holiday_cmp) == NULL;
}

int settle_business_day(const struct settle_calendar *cal, int32_t date, bool *yes)
{
	int64_t z;

	if (cal == NULL || yes == NULL || (cal->holidays == NULL && cal->n_holidays) ||
	    day_number(date, &z) != SETTLE_OK)
		return SETTLE_EARG;
	*yes = business(cal, z, date);
	return SETTLE_OK;
}

int settle_payout_date(const struct settle_calendar *cal, int32_t date, int32_t *payout)
{
	int64_t z;
	int32_t d = date;
	int left, rc;

	if (cal == NULL || payout == NULL || cal->payout_days < 0 ||
	    cal->payout_days > SETTLE_PAYOUT_DAYS_MAX ||
	    (cal->holidays == NULL && cal->n_holidays) || day_number(date, &z) != SETTLE_OK)
		return SETTLE_EARG;
	left = cal->payout_days;
	if (left == 0 && business(cal, z, d)) {
		*payout = d;
		return SETTLE_OK;
	}
	/* Each step a day later; the holidays being finite, a business day comes. */
	for (;;) {
		if ((rc = civil_from_days(++z, &d)) != SETTLE_OK)
			return rc;
		if (business(cal, z, d) && --left <= 0)
			break;
	}
	*payout = d;
	return SETTLE_OK;
}

/* amount = q × 10000 + r, so amount × rate + 5000 = q × rate × 10000 + (r × rate + 5000):
 * the half-up quotient is q × rate + (r × rate + 5000) / 10000, each part far from overflow. */
int settle_fee(int rate_bp, int64_t cap_minor, int64_t amount_minor, int64_t *fee)
{
	int64_t q, r, f;

	if (fee == NULL || rate_bp < 0 || rate_bp > SETTLE_BP_MAX || cap_minor < 0 ||
	    amount_minor < 0)
		return SETTLE_EARG;
	q = amount_minor / 10000;
	r = amount_minor % 10000;
	f = q * rate_bp + (r * rate_bp + 5000) / 10000;
	*fee = cap_minor > 0 && f > cap_minor ? cap_minor : f;
	return SETTLE_OK;
}

/* fee × refund ÷ amount, half up: (2 × fee × refund + amount) ÷ (2 × amount), in 128 bits. */
int settle_refund_fee(int64_t orig_fee, int64_t orig_amount, int64_t refund_amount,
                      int64_t already_returned, int64_t *returned)
{
	unsigned __int128 num;
	int64_t share, left;

	if (returned == NULL || orig_amount <= 0 || orig_fee < 0 || refund_amount < 0 ||
	    refund_amount > orig_amount || already_returned < 0 || already_returned > orig_fee)
		return SETTLE_EARG;
	num = (unsigned __int128)orig_fee * (unsigned __int128)refund_amount * 2u +
	      (unsigned __int128)orig_amount;
	share = (int64_t)(num / ((unsigned __int128)orig_amount * 2u));
	left = orig_fee - already_returned;
	*returned = share > left ? left : share;
	return SETTLE_OK;
}

int settle_date_add(int32_t date, int days, int32_t *out)
{
	int64_t z;
	int rc;

	if (out == NULL)
		return SETTLE_EARG;
	if ((rc = day_number(date, &z)) != SETTLE_OK)
		return rc;
	return civil_from_days(z + days, out);
}

const char *settle_strerror(int rc)
{
	switch (rc) {
	case SETTLE_OK:
		return "ok";
	case SETTLE_EARG:
		return "bad argument";
	case SETTLE_ERANGE:
		return "date out of range";
	case SETTLE_EEARLY:
		return "the day is not yet past its cut-off";
	case SETTLE_ESTORE:
		return "the store failed";
	case SETTLE_ELEDGER:
		return "the ledger refused a posting";
	case SETTLE_EIO:
		return "a file could not be written";
	case SETTLE_EHSM:
		return "the HSM refused (a key of the wrong kind?)";
	case SETTLE_ENOTFOUND:
		return "not found";
	case SETTLE_ESTATE:
		return "the adjustment is not pending";
	case SETTLE_EMAKER:
		return "the maker of an adjustment may not approve it: a second operator must";
	case SETTLE_EBUSY:
		return "another run holds the lease, or took a row of this run first";
	default:
		return "unknown error";
	}
}
