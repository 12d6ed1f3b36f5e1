/* jsonval.h — the one JSON shape of an amount, of a time and of a list across the product (the
 * API, the command line's --json): {"amount":1234,"currency":"CNY"}, RFC 3339 text with the
 * host's offset ([host] utc_offset, which the caller passes), and {"items":[…],"next":…}. The
 * service log's "ts" is the one time kept in UTC (log/log.h).
 *
 * Each returns a new jansson reference (NULL when memory is out), which the caller owns. */
#ifndef POSSUM_JSONVAL_H
#define POSSUM_JSONVAL_H

#include <stdint.h>

#include <jansson.h>

/* {"amount":minor,"currency":"CNY"} for an ISO 4217 numeric currency: its alphabetic code when
 * known, else its three digits. */
json_t *jsonval_money(int64_t minor, unsigned currency);

/* RFC 3339 with the offset: "2026-11-30T22:00:00+08:00" for t (Unix seconds) as local time
 * utc_offset minutes east of UTC ("…Z" when it is 0); JSON null for 0, the "none" of a time. */
json_t *jsonval_time(int64_t t, int utc_offset);

#define JSONVAL_TIME_LEN 26 /* "2026-11-30T22:00:00+08:00" and its NUL */

/* The same text into out; "" for 0 or a time gmtime cannot show. */
void jsonval_time_text(int64_t t, int utc_offset, char out[JSONVAL_TIME_LEN]);

/* {"items":items,"next":next} — a page of a list, next the cursor of the next page or NULL
 * (JSON null) for the last; takes both references. */
json_t *jsonval_page(json_t *items, json_t *next);

#endif
