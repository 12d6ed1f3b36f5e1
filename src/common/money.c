/* money.c — ISO 4217 tables, and amounts written from minor units and read back (money.h). */
#include "common/money.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

int money_exponent(unsigned currency)
{
	/* ISO 4217 minor units of the currencies that have other than two. */
	static const struct {
		unsigned code;
		int exponent;
	} others[] = {{392, 0}, {410, 0}, {704, 0}, {48, 3}, {400, 3}, {414, 3}, {512, 3}};

	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		if (others[i].code == currency)
			return others[i].exponent;
	return 2;
}

/* The currencies of the cards and merchants possum meets first. */
static const struct {
	unsigned code;
	const char *alpha;
} codes[] = {{156, "CNY"}, {344, "HKD"}, {446, "MOP"}, {901, "TWD"}, {840, "USD"},
             {978, "EUR"}, {826, "GBP"}, {392, "JPY"}, {410, "KRW"}, {702, "SGD"}};

const char *money_alpha(unsigned currency)
{
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (codes[i].code == currency)
			return codes[i].alpha;
	return NULL;
}

unsigned money_code(const char *text)
{
	unsigned v = 0;
	size_t n = 0;

	for (size_t i = 0; text != NULL && i < sizeof codes / sizeof codes[0]; i++)
		if (strcmp(codes[i].alpha, text) == 0)
			return codes[i].code;
	for (; text != NULL && text[n] >= '0' && text[n] <= '9' && n < 3; n++)
		v = v * 10 + (unsigned)(text[n] - '0');
	return n > 0 && text[n] == '\0' ? v : 0;
}

void money_format(int64_t minor, unsigned currency, char out[MONEY_TEXT_MAX])
{
	int exponent = money_exponent(currency);
	uint64_t v = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor, scale = 1;

	for (int i = 0; i < exponent; i++)
		scale *= 10;
	if (exponent == 0)
		snprintf(out, MONEY_TEXT_MAX, "%s%" PRIu64, minor < 0 ? "-" : "", v);
	else
		snprintf(out, MONEY_TEXT_MAX, "%s%" PRIu64 ".%0*" PRIu64, minor < 0 ? "-" : "",
		         v / scale, exponent, v % scale);
}

int money_parse(const char *text, unsigned currency, int64_t *out)
{
	int exponent = money_exponent(currency), fraction = -1;
	int64_t v = 0;
	const char *p;

	for (p = text; *p != '\0'; p++) {
		if (*p == '.' && fraction < 0 && p != text && exponent > 0) {
			fraction = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || fraction == exponent || v > (INT64_MAX - 9) / 10)
			break;
		v = v * 10 + (*p - '0');
		if (fraction >= 0)
			fraction++;
	}
	if (*p != '\0' || p == text || fraction == 0)
		return MONEY_EFORMAT;
	for (int i = fraction < 0 ? 0 : fraction; i < exponent; i++) {
		if (v > INT64_MAX / 10)
			return MONEY_ERANGE;
		v *= 10;
	}
	*out = v;
	return 0;
}
