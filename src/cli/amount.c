/* amount.c — money on the command line: "12.34" read into minor units and written back, by
 * the exponent of the currency (ISO 4217), with integers only. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cli_currency_exponent(unsigned currency)
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

int cli_amount(const char *prog, const char *name, const char *text, unsigned currency,
               int64_t *out)
{
	int exponent = cli_currency_exponent(currency), fraction = -1;
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
		return cli_usage_error(
		    prog, "--%s takes an amount such as 12.34 (at most %d decimals), not '%s'",
		    name, exponent, text);
	for (int i = fraction < 0 ? 0 : fraction; i < exponent; i++) {
		if (v > INT64_MAX / 10)
			return cli_usage_error(prog, "--%s: amount too large", name);
		v *= 10;
	}
	*out = v;
	return CLI_OK;
}

void cli_amount_format(int64_t minor, unsigned currency, char out[32])
{
	int exponent = cli_currency_exponent(currency);
	uint64_t v = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor, scale = 1;

	for (int i = 0; i < exponent; i++)
		scale *= 10;
	if (exponent == 0)
		snprintf(out, 32, "%s%" PRIu64, minor < 0 ? "-" : "", v);
	else
		snprintf(out, 32, "%s%" PRIu64 ".%0*" PRIu64, minor < 0 ? "-" : "", v / scale,
		         exponent, v % scale);
}
