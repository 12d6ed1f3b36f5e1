/* test_settle.c — the business day and the fee arithmetic (settle.h): the settlement date of
 * a moment before, at and after the cut-off under offsets 480, 0 and -300, across month and
 * year ends; business days with and without weekend payouts and holidays; T+0, T+1 and T+2
 * across a weekend and a holiday; the fee examples, half-up rounding, big amounts;
 * a refund's share of a capped fee and the "never more than what remains" rule; bad input. */
#include "testutil.h"

#include <stdbool.h>

#include "settle/settle.h"

/* 00:00:00Z of some days (date -u -d DAY +%s). */
#define DEC06_2026 INT64_C(1796515200) /* a Sunday */
#define DEC31_2026 INT64_C(1798675200)
#define FEB28_2027 INT64_C(1803772800)
#define FEB28_2028 INT64_C(1835308800)
#define H(h, m, s) ((int64_t)(h)*3600 + (m)*60 + (s))

static int32_t day_of(const struct settle_calendar *cal, int offset, int64_t t)
{
	int32_t d = 0;

	assert_int_equal(settle_date(cal, offset, t, &d), SETTLE_OK);
	return d;
}

static void cutoff_and_offsets(void **state)
{
	struct settle_calendar cal;

	(void)state;
	settle_calendar_defaults(&cal);
	assert_int_equal(cal.cutoff, 1380);
	assert_int_equal(cal.payout_days, 1);
	assert_false(cal.weekend_payouts);
	/* Beijing (480): local 22:59:59 is 14:59:59Z. */
	assert_int_equal(day_of(&cal, 480, DEC06_2026 + H(14, 59, 59)), 20261206);
	assert_int_equal(day_of(&cal, 480, DEC06_2026 + H(15, 0, 0)), 20261207); /* at: after */
	assert_int_equal(day_of(&cal, 480, DEC06_2026 + H(15, 0, 1)), 20261207);
	assert_int_equal(day_of(&cal, 480, DEC06_2026 - H(8, 0, 0)), 20261206); /* 00:00 local */
	assert_int_equal(day_of(&cal, 480, DEC06_2026 - H(8, 0, 1)), 20261206); /* 23:59:59 of 5 */
	/* UTC. */
	assert_int_equal(day_of(&cal, 0, DEC06_2026 + H(22, 59, 59)), 20261206);
	assert_int_equal(day_of(&cal, 0, DEC06_2026 + H(23, 0, 0)), 20261207);
	/* New York in winter (-300): local 22:59 on the 6th is 03:59Z on the 7th. */
	assert_int_equal(day_of(&cal, -300, DEC06_2026 + H(27, 59, 59)), 20261206);
	assert_int_equal(day_of(&cal, -300, DEC06_2026 + H(28, 0, 0)), 20261207);
	assert_int_equal(day_of(&cal, -300, DEC06_2026 + H(2, 0, 0)), 20261205);
	/* Month and year ends. */
	assert_int_equal(day_of(&cal, 480, DEC31_2026 + H(14, 0, 0)), 20261231);
	assert_int_equal(day_of(&cal, 480, DEC31_2026 + H(15, 30, 0)), 20270101);
	assert_int_equal(day_of(&cal, 480, FEB28_2027 + H(15, 0, 0)), 20270301);
	assert_int_equal(day_of(&cal, 480, FEB28_2028 + H(15, 0, 0)), 20280229); /* leap */
	assert_int_equal(day_of(&cal, 0, 0), 19700101);
	assert_int_equal(day_of(&cal, 0, -H(2, 0, 0)), 19691231); /* before 1970 too */
	/* Cut-off 00:00: every moment is at or after it; 23:59: only the last minute. */
	cal.cutoff = 0;
	assert_int_equal(day_of(&cal, 480, DEC06_2026 - H(8, 0, 0)), 20261207);
	assert_int_equal(day_of(&cal, 480, DEC06_2026 + H(15, 59, 59)), 20261207);
	cal.cutoff = 1439;
	assert_int_equal(day_of(&cal, 0, DEC06_2026 + H(23, 58, 59)), 20261206);
	assert_int_equal(day_of(&cal, 0, DEC06_2026 + H(23, 59, 0)), 20261207);
}

static void date_bad_input(void **state)
{
	struct settle_calendar cal;
	int32_t d = 0;

	(void)state;
	settle_calendar_defaults(&cal);
	assert_int_equal(settle_date(NULL, 0, 0, &d), SETTLE_EARG);
	assert_int_equal(settle_date(&cal, 0, 0, NULL), SETTLE_EARG);
	assert_int_equal(settle_date(&cal, 1441, 0, &d), SETTLE_EARG);
	assert_int_equal(settle_date(&cal, -1441, 0, &d), SETTLE_EARG);
	assert_int_equal(settle_date(&cal, 0, INT64_MAX, &d), SETTLE_ERANGE);
	assert_int_equal(settle_date(&cal, 0, INT64_MIN, &d), SETTLE_ERANGE);
	assert_int_equal(settle_date(&cal, 0, INT64_C(253402300799) - 3600, &d), SETTLE_OK);
	assert_int_equal(d, 99991231);
	assert_int_equal(settle_date(&cal, 0, INT64_C(253402300799), &d), SETTLE_ERANGE);
	cal.cutoff = 1440;
	assert_int_equal(settle_date(&cal, 0, 0, &d), SETTLE_EARG);
	cal.cutoff = -1;
	assert_int_equal(settle_date(&cal, 0, 0, &d), SETTLE_EARG);
	assert_int_equal(settle_calendar_check(&cal), SETTLE_EARG);
	assert_string_equal(settle_strerror(SETTLE_EARG), "bad argument");
	assert_string_equal(settle_strerror(SETTLE_ERANGE), "date out of range");
	assert_string_equal(settle_strerror(-99), "unknown error");
}

static void date_text(void **state)
{
	char text[SETTLE_DATE_TEXT];
	int32_t d = 0;

	(void)state;
	assert_int_equal(settle_date_parse("2026-12-06", &d), SETTLE_OK);
	assert_int_equal(d, 20261206);
	assert_int_equal(settle_date_parse("2028-02-29", &d), SETTLE_OK);
	assert_int_equal(settle_date_format(20280229, text), SETTLE_OK);
	assert_string_equal(text, "2028-02-29");
	assert_int_equal(settle_date_format(10101, text), SETTLE_OK);
	assert_string_equal(text, "0001-01-01");
	static const char *const bad[] = {"2027-02-29", "2026-13-01", "2026-00-10",  "2026-04-31",
	                                  "2026-12-6",  "2026/12/06", "2026-12-06 ", "0000-01-01",
	                                  "",           "20261206",   "2026-12-0x",  "1900-02-29"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(settle_date_parse(bad[i], &d), SETTLE_EARG);
	assert_int_equal(settle_date_parse(NULL, &d), SETTLE_EARG);
	assert_int_equal(settle_date_format(20261232, text), SETTLE_EARG);
	assert_int_equal(settle_date_format(-20261201, text), SETTLE_EARG);
}

static bool is_business(const struct settle_calendar *cal, int32_t date)
{
	bool yes = false;

	assert_int_equal(settle_business_day(cal, date, &yes), SETTLE_OK);
	return yes;
}

static void business_days(void **state)
{
	static const int32_t holidays[] = {20261207, 20270101};
	struct settle_calendar cal;
	bool yes;

	(void)state;
	settle_calendar_defaults(&cal);
	assert_true(is_business(&cal, 20261204));  /* Friday */
	assert_false(is_business(&cal, 20261205)); /* Saturday */
	assert_false(is_business(&cal, 20261206)); /* Sunday */
	assert_true(is_business(&cal, 20261207));  /* Monday */
	cal.holidays = holidays;
	cal.n_holidays = 2;
	assert_int_equal(settle_calendar_check(&cal), SETTLE_OK);
	assert_false(is_business(&cal, 20261207));
	assert_false(is_business(&cal, 20270101)); /* a Friday holiday */
	assert_true(is_business(&cal, 20261208));
	cal.weekend_payouts = true;
	assert_true(is_business(&cal, 20261205));
	assert_true(is_business(&cal, 20261206));
	assert_false(is_business(&cal, 20261207)); /* a holiday still */
	assert_int_equal(settle_business_day(&cal, 20261131, &yes), SETTLE_EARG);
	assert_int_equal(settle_business_day(NULL, 20261201, &yes), SETTLE_EARG);
	assert_int_equal(settle_business_day(&cal, 20261201, NULL), SETTLE_EARG);
}

static int32_t payout_of(const struct settle_calendar *cal, int32_t date)
{
	int32_t p = 0;

	assert_int_equal(settle_payout_date(cal, date, &p), SETTLE_OK);
	return p;
}

static void payout_dates(void **state)
{
	static const int32_t monday[] = {20261207};
	static const int32_t new_year[] = {20270101};
	struct settle_calendar cal;

	(void)state;
	settle_calendar_defaults(&cal);
	/* T+1 */
	assert_int_equal(payout_of(&cal, 20261203), 20261204); /* Thu → Fri */
	assert_int_equal(payout_of(&cal, 20261204), 20261207); /* Fri → Mon */
	assert_int_equal(payout_of(&cal, 20261205), 20261207); /* Sat → Mon */
	assert_int_equal(payout_of(&cal, 20261206), 20261207); /* Sun → Mon */
	cal.holidays = monday;
	cal.n_holidays = 1;
	assert_int_equal(payout_of(&cal, 20261204), 20261208); /* over the weekend and Monday */
	assert_int_equal(payout_of(&cal, 20261207), 20261208); /* of the holiday itself */
	/* T+2 */
	cal.payout_days = 2;
	assert_int_equal(payout_of(&cal, 20261204), 20261209);
	cal.n_holidays = 0;
	assert_int_equal(payout_of(&cal, 20261203), 20261207); /* Fri, Mon */
	assert_int_equal(payout_of(&cal, 20261204), 20261208);
	/* A year end with a holiday: Thu 31st → (Fri 1st a holiday) → Mon 4th. */
	cal.payout_days = 1;
	cal.holidays = new_year;
	cal.n_holidays = 1;
	assert_int_equal(payout_of(&cal, 20261231), 20270104);
	/* T+0: the day itself when a business day, else the next one. */
	cal.payout_days = 0;
	assert_int_equal(payout_of(&cal, 20261204), 20261204);
	assert_int_equal(payout_of(&cal, 20261205), 20261207);
	assert_int_equal(payout_of(&cal, 20270101), 20270104);
	/* Weekend payouts: Friday's is paid on Saturday. */
	cal.payout_days = 1;
	cal.weekend_payouts = true;
	assert_int_equal(payout_of(&cal, 20261204), 20261205);
}

static void calendar_bad_input(void **state)
{
	static const int32_t unsorted[] = {20261207, 20261201};
	static const int32_t twice[] = {20261207, 20261207};
	static const int32_t nodate[] = {20261231, 20261232};
	struct settle_calendar cal;
	int32_t p;

	(void)state;
	settle_calendar_defaults(&cal);
	assert_int_equal(settle_calendar_check(&cal), SETTLE_OK);
	assert_int_equal(settle_calendar_check(NULL), SETTLE_EARG);
	cal.holidays = unsorted;
	cal.n_holidays = 2;
	assert_int_equal(settle_calendar_check(&cal), SETTLE_EARG);
	cal.holidays = twice;
	assert_int_equal(settle_calendar_check(&cal), SETTLE_EARG);
	cal.holidays = nodate;
	assert_int_equal(settle_calendar_check(&cal), SETTLE_EARG);
	cal.holidays = NULL;
	assert_int_equal(settle_calendar_check(&cal), SETTLE_EARG);
	assert_int_equal(settle_payout_date(&cal, 20261204, &p), SETTLE_EARG);
	cal.n_holidays = 0;
	cal.payout_days = 31;
	assert_int_equal(settle_calendar_check(&cal), SETTLE_EARG);
	assert_int_equal(settle_payout_date(&cal, 20261204, &p), SETTLE_EARG);
	cal.payout_days = -1;
	assert_int_equal(settle_payout_date(&cal, 20261204, &p), SETTLE_EARG);
	cal.payout_days = 1;
	assert_int_equal(settle_payout_date(&cal, 20260229, &p), SETTLE_EARG);
	assert_int_equal(settle_payout_date(&cal, 99991231, &p), SETTLE_ERANGE);
	assert_int_equal(settle_payout_date(NULL, 20261204, &p), SETTLE_EARG);
}

static int64_t fee_of(int bp, int64_t cap, int64_t amount)
{
	int64_t f = -1;

	assert_int_equal(settle_fee(bp, cap, amount, &f), SETTLE_OK);
	return f;
}

static void fees(void **state)
{
	int64_t f;

	(void)state;
	/* The issue's: debit 0.55% capped at 20.00. */
	assert_int_equal(fee_of(55, 2000, 363545), 1999);
	assert_int_equal(fee_of(55, 2000, 363546), 2000);
	assert_int_equal(fee_of(55, 2000, 363727), 2000); /* 2000.4985: rounds down */
	assert_int_equal(fee_of(55, 0, 363728), 2001);    /* 2000.504: rounds up … */
	assert_int_equal(fee_of(55, 2000, 363728), 2000); /* … and the cap holds it */
	assert_int_equal(fee_of(55, 2000, 100000000), 2000);
	/* Credit 0.60%, QR 0.48%, no cap. */
	assert_int_equal(fee_of(60, 0, 1000000), 6000);
	assert_int_equal(fee_of(48, 0, 12345), 59); /* 59.256 */
	/* Half up, per transaction: exactly half goes up, just under goes down. */
	assert_int_equal(fee_of(50, 0, 100), 1); /* 0.5 */
	assert_int_equal(fee_of(50, 0, 99), 0);  /* 0.495 */
	assert_int_equal(fee_of(55, 0, 1), 0);   /* a fen pays nothing */
	assert_int_equal(fee_of(55, 0, 91), 1);  /* 0.5005 */
	assert_int_equal(fee_of(55, 0, 90), 0);  /* 0.495 */
	assert_int_equal(fee_of(55, 0, 0), 0);
	assert_int_equal(fee_of(0, 0, 363545), 0);
	assert_int_equal(fee_of(10000, 0, 363545), 363545);
	/* Big amounts: 10^15 fen and the largest int64, exactly. */
	assert_int_equal(fee_of(60, 0, INT64_C(1000000000000000)), INT64_C(6000000000000));
	assert_int_equal(fee_of(55, 0, INT64_C(999999999999999)), INT64_C(5500000000000));
	assert_int_equal(fee_of(10000, 0, INT64_MAX), INT64_MAX);
	assert_int_equal(fee_of(9999, 0, INT64_MAX), INT64_C(9222449699651090329));
	assert_int_equal(fee_of(55, 2000, INT64_MAX), 2000);
	/* Bad input. */
	assert_int_equal(settle_fee(-1, 0, 100, &f), SETTLE_EARG);
	assert_int_equal(settle_fee(10001, 0, 100, &f), SETTLE_EARG);
	assert_int_equal(settle_fee(55, -1, 100, &f), SETTLE_EARG);
	assert_int_equal(settle_fee(55, 0, -100, &f), SETTLE_EARG);
	assert_int_equal(settle_fee(55, 0, 100, NULL), SETTLE_EARG);
}

static int64_t back(int64_t fee, int64_t amount, int64_t refund, int64_t already)
{
	int64_t r = -1;

	assert_int_equal(settle_refund_fee(fee, amount, refund, already, &r), SETTLE_OK);
	return r;
}

static void refund_fees(void **state)
{
	int64_t r;

	(void)state;
	/* A debit purchase of 5,000.00 paid the capped 20.00: a refund of 1,000.00 gives back a
	 * fifth of it, 4.00 (not 0.55% of 1,000.00, 5.50); then 2,500.00 half, 10.00; the last
	 * 1,500.00 the 6.00 that remain. */
	assert_int_equal(back(2000, 500000, 100000, 0), 400);
	assert_int_equal(back(2000, 500000, 250000, 400), 1000);
	assert_int_equal(back(2000, 500000, 150000, 1400), 600);
	/* Thirds: 6.6667 rounds to 6.67 twice; the third gets what remains, 6.66. */
	assert_int_equal(back(2000, 300000, 100000, 0), 667);
	assert_int_equal(back(2000, 300000, 100000, 667), 667);
	assert_int_equal(back(2000, 300000, 100000, 1334), 666);
	/* Half up; a whole refund gives the whole fee; nothing left, nothing given. */
	assert_int_equal(back(1, 2, 1, 0), 1);
	assert_int_equal(back(1, 3, 1, 0), 0);
	assert_int_equal(back(1999, 363545, 363545, 0), 1999);
	assert_int_equal(back(2000, 500000, 500000, 2000), 0);
	assert_int_equal(back(0, 500000, 500000, 0), 0);
	assert_int_equal(back(2000, 500000, 0, 0), 0);
	/* Big: no overflow in fee × refund. */
	assert_int_equal(
	    back(INT64_C(10000000000000), INT64_C(1000000000000000), INT64_C(999999999999999), 0),
	    INT64_C(10000000000000));
	assert_int_equal(back(INT64_MAX, INT64_MAX, INT64_MAX / 2, 0), INT64_MAX / 2);
	/* Bad input. */
	assert_int_equal(settle_refund_fee(2000, 500000, 500001, 0, &r), SETTLE_EARG);
	assert_int_equal(settle_refund_fee(2000, 0, 0, 0, &r), SETTLE_EARG);
	assert_int_equal(settle_refund_fee(2000, 500000, -1, 0, &r), SETTLE_EARG);
	assert_int_equal(settle_refund_fee(-1, 500000, 1, 0, &r), SETTLE_EARG);
	assert_int_equal(settle_refund_fee(2000, 500000, 1, 2001, &r), SETTLE_EARG);
	assert_int_equal(settle_refund_fee(2000, 500000, 1, -1, &r), SETTLE_EARG);
	assert_int_equal(settle_refund_fee(2000, 500000, 1, 0, NULL), SETTLE_EARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cutoff_and_offsets),
	    cmocka_unit_test(date_bad_input),
	    cmocka_unit_test(date_text),
	    cmocka_unit_test(business_days),
	    cmocka_unit_test(payout_dates),
	    cmocka_unit_test(calendar_bad_input),
	    cmocka_unit_test(fees),
	    cmocka_unit_test(refund_fees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
