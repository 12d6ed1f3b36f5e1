/* amount.c — money on the command line: "12.34" read into minor units and written back, by
 * the exponent of the currency (ISO 4217), with integers only. */
#include "cli/cli.h"

#include <stdio.h>

#include "common/money.h"

int cli_currency_exponent(unsigned currency)
{
	return money_exponent(currency);
}

int cli_amount(const char *prog, const char *name, const char *text, unsigned currency,
               int64_t *out)
{
	int rc = money_parse(text, currency, out);

	if (rc == MONEY_ERANGE)
		return cli_usage_error(prog, "--%s: amount too large", name);
	if (rc != 0)
		return cli_usage_error(
		    prog, "--%s takes an amount such as 12.34 (at most %d decimals), not '%s'",
		    name, cli_currency_exponent(currency), text);
	return CLI_OK;
}

void cli_amount_format(int64_t minor, unsigned currency, char out[32])
{
	money_format(minor, currency, out);
}

void cli_money_text(int64_t minor, unsigned currency, char out[CLI_MONEY_TEXT])
{
	const char *alpha = money_alpha(currency);
	char digits[MONEY_TEXT_MAX];

	money_format(minor, currency, digits);
	if (alpha != NULL)
		snprintf(out, CLI_MONEY_TEXT, "%s %s", digits, alpha);
	else
		snprintf(out, CLI_MONEY_TEXT, "%s %03u", digits, currency % 1000);
}
