/* card.c — result code names, and the digit check every card file uses. */
#include "card/internal.h"

bool card_all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

const char *card_strerror(int rc)
{
	switch (rc) {
	case CARD_OK:
		return "ok";
	case CARD_EARG:
		return "argument out of range";
	case CARD_ESPACE:
		return "output buffer too small";
	case CARD_EDIGITS:
		return "not decimal digits of an accepted count";
	case CARD_EPAN:
		return "card number must be 12 to 19 digits";
	case CARD_ELUHN:
		return "card number check digit is wrong";
	case CARD_EEXPIRY:
		return "expiry date must be YYMM with a month 01 to 12";
	case CARD_EEXPIRED:
		return "card expired";
	case CARD_ESERVICE:
		return "service code must be 3 digits of assigned values";
	case CARD_ETRACK:
		return "track 2 data empty or longer than 37 characters";
	case CARD_ESEPARATOR:
		return "track 2 data has no separator after the card number";
	case CARD_EDATA:
		return "track 2 discretionary data must be digits";
	case CARD_EBIN:
		return "malformed BIN range";
	case CARD_ENOBIN:
		return "no BIN range holds the card number";
	}
	return "unknown card error";
}
