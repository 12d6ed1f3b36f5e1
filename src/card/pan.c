/* pan.c — the primary account number: its Luhn check digit (ISO/IEC 7812-1 annex B), its
 * length, and the one masking rule for showing it (first 6, last 4). */
#include "card/internal.h"

#include <string.h>

/* ISO/IEC 7812-1 annex B: from the rightmost digit leftwards, every second digit is doubled
 * (a product over 9 counts as the sum of its digits, i.e. minus 9) and all are added. The
 * rightmost digit is doubled when it is the last of a payload, not when it is a check digit. */
static unsigned luhn_sum(const char *s, size_t n, bool double_rightmost)
{
	unsigned sum = 0;
	bool twice = double_rightmost;

	for (size_t i = n; i > 0; i--) {
		unsigned d = (unsigned)(s[i - 1] - '0');

		if (twice)
			d = d * 2 > 9 ? d * 2 - 9 : d * 2;
		sum += d;
		twice = !twice;
	}
	return sum;
}

int card_luhn_digit(const char *payload, char *digit)
{
	size_t n = payload != NULL ? strnlen(payload, CARD_PAN_MAX) : 0;

	if (n == 0 || n >= CARD_PAN_MAX || !card_all_digits(payload, n))
		return CARD_EDIGITS;
	*digit = (char)('0' + (10 - luhn_sum(payload, n, true) % 10) % 10);
	return CARD_OK;
}

int card_luhn_check(const char *number)
{
	size_t n = number != NULL ? strnlen(number, CARD_PAN_MAX + 1) : 0;

	if (n < 2 || n > CARD_PAN_MAX || !card_all_digits(number, n))
		return CARD_EDIGITS;
	return luhn_sum(number, n, false) % 10 == 0 ? CARD_OK : CARD_ELUHN;
}

int card_pan_check_n(const char *pan, size_t len)
{
	if (len < CARD_PAN_MIN || len > CARD_PAN_MAX || !card_all_digits(pan, len))
		return CARD_EPAN;
	return luhn_sum(pan, len, false) % 10 == 0 ? CARD_OK : CARD_ELUHN;
}

int card_pan_check(const char *pan)
{
	if (pan == NULL)
		return CARD_EPAN;
	return card_pan_check_n(pan, strnlen(pan, CARD_PAN_MAX + 1));
}

int card_pan_mask(const char *pan, size_t len, char *out, size_t cap)
{
	bool is_pan =
	    pan != NULL && len >= CARD_PAN_MIN && len <= CARD_PAN_MAX && card_all_digits(pan, len);

	if (out == NULL)
		return CARD_EARG;
	if (cap < len + 1) {
		if (cap > 0)
			out[0] = '\0';
		return CARD_ESPACE;
	}
	/* Head and tail are copied before the stars go in, so out may be pan. */
	if (is_pan && out != pan) {
		memcpy(out, pan, CARD_MASK_HEAD);
		memcpy(out + len - CARD_MASK_TAIL, pan + len - CARD_MASK_TAIL, CARD_MASK_TAIL);
	}
	for (size_t i = 0; i < len; i++)
		if (!is_pan || (i >= CARD_MASK_HEAD && i + CARD_MASK_TAIL < len))
			out[i] = '*';
	out[len] = '\0';
	return is_pan ? CARD_OK : CARD_EPAN;
}
