/* money.c — ISO 4217 tables and amounts written from minor units (money.h). */
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
