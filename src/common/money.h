/* money.h — amounts of money as people read them: ISO 4217 currencies' minor units and
 * alphabetic codes, and minor units written as "12.34", with integers only. */
#ifndef POSSUM_MONEY_H
#define POSSUM_MONEY_H

#include <stdint.h>

#define MONEY_TEXT_MAX 32 /* bytes of a written amount, with its NUL */

/* ISO 4217 minor units of a currency (numeric code): 2 for most, 0 for JPY, 3 for KWD. */
int money_exponent(unsigned currency);

/* The alphabetic code of a currency ("CNY" for 156), or NULL for one this table lacks. */
const char *money_alpha(unsigned currency);

/* The numeric code of a currency written as people give it: its alphabetic code ("CNY", as
 * money_alpha() knows it) or its ISO 4217 number ("156", 1 to 999). 0 when text is neither. */
unsigned money_code(const char *text);

/* Writes minor units of currency as "12.34" ("-0.05", "1200" for JPY). */
void money_format(int64_t minor, unsigned currency, char out[MONEY_TEXT_MAX]);

/* Reads "12.34" (digits, at most the currency's exponent of decimals, no sign) into minor
 * units of currency: 0, MONEY_EFORMAT when text is not such an amount, MONEY_ERANGE when it is
 * too large. */
#define MONEY_EFORMAT (-1)
#define MONEY_ERANGE  (-2)
int money_parse(const char *text, unsigned currency, int64_t *out);

#endif
