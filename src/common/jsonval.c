/* jsonval.c — amounts and times as JSON values (jsonval.h). */
#include "common/jsonval.h"

#include <stdio.h>

#include "common/money.h"
#include "common/text.h"

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

json_t *jsonval_time(int64_t t)
{
	char text[TEXT_UTC_LEN];

	text_utc(t, text);
	return text[0] != '\0' ? json_string(text) : json_null();
}

json_t *jsonval_page(json_t *items, json_t *next)
{
	return json_pack("{s:o, s:o}", "items", items, "next", next != NULL ? next : json_null());
}
