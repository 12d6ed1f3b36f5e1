/* expiry.c — the card's expiry date, YYMM as on the stripe (ISO/IEC 7813), in ISO 8583 field
 * 14 and in EMV tag 5F24's first four digits: its form and whether it has passed. */
#include "card/internal.h"

#include <string.h>

int card_expiry_parse(const char *yymm, int *year, int *month)
{
	int mm;

	if (!card_all_digits(yymm, CARD_EXPIRY_LEN))
		return CARD_EEXPIRY;
	mm = (yymm[2] - '0') * 10 + (yymm[3] - '0');
	if (mm < 1 || mm > 12)
		return CARD_EEXPIRY;
	/* card.h: YY is 20YY. */
	*year = 2000 + (yymm[0] - '0') * 10 + (yymm[1] - '0');
	*month = mm;
	return CARD_OK;
}

int card_expiry_check(const char *yymm, int year, int month)
{
	int card_year, card_month, rc;

	if (year < 2000 || year > 2099 || month < 1 || month > 12)
		return CARD_EARG;
	if (yymm == NULL || strnlen(yymm, CARD_EXPIRY_LEN + 1) != CARD_EXPIRY_LEN)
		return CARD_EEXPIRY;
	if ((rc = card_expiry_parse(yymm, &card_year, &card_month)) != CARD_OK)
		return rc;
	/* Valid through the last day of its month: expired only from the month after. */
	if (year * 12 + month > card_year * 12 + card_month)
		return CARD_EEXPIRED;
	return CARD_OK;
}
