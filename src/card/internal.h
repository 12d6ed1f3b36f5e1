/* internal.h — what the card module's files share: digit runs, the PAN check on a part of a
 * text, the expiry date's form. Not for use outside src/card. */
#ifndef POSSUM_CARD_INTERNAL_H
#define POSSUM_CARD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "card/card.h"

/* Whether the len characters at s are all decimal digits (true for len 0). */
bool card_all_digits(const char *s, size_t len);

/* card_pan_check() on the len characters at pan, which need not be NUL-terminated. */
int card_pan_check_n(const char *pan, size_t len);

/* The 4 characters at yymm as an expiry date: CARD_EEXPIRY unless digits with a month 01 to
 * 12; *year (20YY, see card_expiry_check()) and *month get its parts. */
int card_expiry_parse(const char *yymm, int *year, int *month);

#endif
