/* balance.c — field 54 (additional amounts) as possum's dialects carry a balance: one amount
 * of 20 characters, written by the issuer and the acquirer and read by the acquirer from a
 * link and by the terminal (docs/cup-pos.md). */
#include "iso8583/iso8583.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int iso8583_balance_format(int64_t amount, unsigned currency, char out[ISO8583_BALANCE_LEN + 1])
{
	if (currency > 999 || amount < -999999999999LL || amount > 999999999999LL)
		return ISO8583_ECONTENT;
	snprintf(out, ISO8583_BALANCE_LEN + 1, "0002%03u%c%012lld", currency,
	         amount < 0 ? 'D' : 'C', (long long)(amount < 0 ? -amount : amount));
	return ISO8583_OK;
}

int iso8583_balance_parse(const char *f54, int64_t *amount, unsigned *currency)
{
	if (f54 == NULL || strlen(f54) != ISO8583_BALANCE_LEN ||
	    strspn(f54 + 4, "0123456789") != 3 || (f54[7] != 'C' && f54[7] != 'D') ||
	    strspn(f54 + 8, "0123456789") != 12)
		return ISO8583_ECONTENT;
	*currency = (unsigned)((f54[4] - '0') * 100 + (f54[5] - '0') * 10 + (f54[6] - '0'));
	*amount = strtoll(f54 + 8, NULL, 10) * (f54[7] == 'D' ? -1 : 1);
	return ISO8583_OK;
}
