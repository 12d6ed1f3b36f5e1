/* bin.c — which card range a PAN belongs to: a caller's table of prefix ranges (single BINs
 * of 6 or 8 digits, ISO/IEC 7812-1:2017, or ranges as card schemes publish them), searched for
 * the most specific range that holds the PAN. A linear scan: tables are hundreds of rows,
 * and a scan needs no index to build or keep in step. */
#include "card/internal.h"

#include <stdint.h>
#include <string.h>

/* The value of n (at most 19) digits; 10^19 - 1 fits in 64 bits. */
static uint64_t value_of(const char *s, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

/* The prefix length of a well-formed range, else 0. */
static size_t range_len(const struct card_bin_range *r)
{
	size_t n = strnlen(r->low, sizeof r->low);

	if (n == 0 || n == sizeof r->low || strnlen(r->high, sizeof r->high) != n ||
	    !card_all_digits(r->low, n) || !card_all_digits(r->high, n) ||
	    memcmp(r->low, r->high, n) > 0)
		return 0;
	if (r->product != CARD_PRODUCT_DEBIT && r->product != CARD_PRODUCT_CREDIT &&
	    r->product != CARD_PRODUCT_PREPAID)
		return 0;
	return n;
}

int card_bin_check(const struct card_bin_range *table, size_t n, size_t *bad)
{
	if (table == NULL && n > 0)
		return CARD_EARG;
	for (size_t i = 0; i < n; i++) {
		if (range_len(&table[i]) == 0) {
			if (bad != NULL)
				*bad = i;
			return CARD_EBIN;
		}
	}
	return CARD_OK;
}

int card_bin_lookup(const struct card_bin_range *table, size_t n, const char *pan,
                    const struct card_bin_range **out)
{
	const struct card_bin_range *best = NULL;
	size_t pan_len, best_len = 0;
	uint64_t best_width = 0;

	if (out == NULL || (table == NULL && n > 0))
		return CARD_EARG;
	if (pan == NULL || (pan_len = strnlen(pan, CARD_PAN_MAX + 1)) < CARD_PAN_MIN ||
	    pan_len > CARD_PAN_MAX || !card_all_digits(pan, pan_len))
		return CARD_EPAN;
	for (size_t i = 0; i < n; i++) {
		const struct card_bin_range *r = &table[i];
		size_t len = range_len(r);
		uint64_t width;

		if (len == 0)
			return CARD_EBIN;
		/* Digit strings of one length compare as their numbers do. */
		if (len > pan_len || memcmp(pan, r->low, len) < 0 || memcmp(pan, r->high, len) > 0)
			continue;
		width = value_of(r->high, len) - value_of(r->low, len);
		if (best == NULL || len > best_len || (len == best_len && width < best_width)) {
			best = r;
			best_len = len;
			best_width = width;
		}
	}
	if (best == NULL)
		return CARD_ENOBIN;
	*out = best;
	return CARD_OK;
}
