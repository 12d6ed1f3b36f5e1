/* clock.c — the terminal's local clock, set as a POS sets it, from the host: the offset of the
 * host's local time (the sign-in answer's 12 and 13) from the terminal's UTC clock, kept in its
 * state, or the utc_offset its parameters downloaded (docs/tms.md; held.c's term_clock_now()),
 * which overrides it, gives every local date and time the terminal makes (9A, 61.3, the CA
 * keys' expiry, the slips); the machine's time zone never does. */
#include "term/internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int term_clock_year(const char *mmdd, const struct tm *clock)
{
	int month = (mmdd[0] - '0') * 10 + (mmdd[1] - '0');

	return clock->tm_year + 1900 + (month == 1 && clock->tm_mon == 11) -
	       (month == 12 && clock->tm_mon == 0);
}

int64_t term_digits(const char *s, size_t n)
{
	int64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (m 1..12). */
static long long days(long long y, int m, int d)
{
	long long era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* The seconds since 1970-01-01 00:00 of the local date MMDD and time hhmmss, of the year a
 * clock showing *clock gives it (term_clock_year()): TERM_EFORMAT when they are not a date
 * and time. */
static int local_seconds(const char *date, const char *time, const struct tm *clock, long long *out)
{
	int month, day, h, m, s;

	if (strlen(date) != 4 || strlen(time) != 6 || term_digits(date, 4) < 0 ||
	    term_digits(time, 6) < 0)
		return TERM_EFORMAT;
	month = (int)term_digits(date, 2);
	day = (int)term_digits(date + 2, 2);
	h = (int)term_digits(time, 2);
	m = (int)term_digits(time + 2, 2);
	s = (int)term_digits(time + 4, 2);
	if (month < 1 || month > 12 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60)
		return TERM_EFORMAT;
	*out = days(term_clock_year(date, clock), month, day) * 86400 + h * 3600 + m * 60 + s;
	return TERM_OK;
}

int term_clock_offset(const char *date, const char *time, int64_t now, int *minutes)
{
	time_t at = (time_t)now;
	struct tm utc;
	long long local, diff;

	if (gmtime_r(&at, &utc) == NULL || local_seconds(date, time, &utc, &local) != TERM_OK)
		return TERM_EFORMAT;
	/* To the nearest quarter of an hour: zones are whole quarters, the exchange took seconds.
	 */
	diff = local - (long long)now;
	diff = (diff >= 0 ? diff + 450 : diff - 450) / 900 * 15;
	if (diff < -TERM_CLOCK_MAX || diff > TERM_CLOCK_MAX)
		return TERM_EFORMAT;
	*minutes = (int)diff;
	return TERM_OK;
}

int term_clock_shift(const char *date, const char *time, int64_t at, int from, int to,
                     struct tm *out)
{
	time_t clock_at = (time_t)(at + (int64_t)from * 60), moved;
	struct tm clock;
	long long local;

	if (gmtime_r(&clock_at, &clock) == NULL ||
	    local_seconds(date, time, &clock, &local) != TERM_OK)
		return TERM_EFORMAT;
	moved = (time_t)(local + (long long)(to - from) * 60);
	return gmtime_r(&moved, out) != NULL ? TERM_OK : TERM_EFORMAT;
}
