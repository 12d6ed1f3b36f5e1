/* jsonval.c — amounts and times as JSON values (jsonval.h). */
#include "common/jsonval.h"

#include <stdio.h>
#include <time.h>

#include "common/money.h"

json_t *jsonval_money(int64_t minor, unsigned currency)
{
	const char *alpha = money_alpha(currency);
	char digits[8];

	if (alpha == NULL) {
		snprintf(digits, sizeof digits, "%03u", currency % 1000);
		alpha = digits;
	}
	return json_pack("{s:I, s:s}", "amount", (json_int_t)minor, "currency", alpha);
}

void jsonval_time_text(int64_t t, int utc_offset, char out[JSONVAL_TIME_LEN])
{
	time_t local = (time_t)(t + (int64_t)utc_offset * 60);
	int off = utc_offset < 0 ? -utc_offset : utc_offset;
	struct tm tm;
	size_t n;

	out[0] = '\0';
	if (t == 0 || gmtime_r(&local, &tm) == NULL ||
	    (n = strftime(out, JSONVAL_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm)) != 19)
		return;
	if (utc_offset == 0)
		snprintf(out + n, JSONVAL_TIME_LEN - n, "Z");
	else
		snprintf(out + n, JSONVAL_TIME_LEN - n, "%c%02d:%02d", utc_offset < 0 ? '-' : '+',
		         off / 60 % 100, off % 60);
}

json_t *jsonval_time(int64_t t, int utc_offset)
{
	char text[JSONVAL_TIME_LEN];

	jsonval_time_text(t, utc_offset, text);
	return text[0] != '\0' ? json_string(text) : json_null();
}

json_t *jsonval_page(json_t *items, json_t *next)
{
	return json_pack("{s:o, s:o}", "items", items, "next", next != NULL ? next : json_null());
}
