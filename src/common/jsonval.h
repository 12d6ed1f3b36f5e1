/* jsonval.h — the one JSON shape of an amount and of a time across the product (the API, the
 * command line's --json, the logs): {"amount":1234,"currency":"CNY"}, and RFC 3339 text.
 *
 * Each returns a new jansson reference (NULL when memory is out), which the caller owns. */
#ifndef POSSUM_JSONVAL_H
#define POSSUM_JSONVAL_H

#include <stdint.h>

#include <jansson.h>

/* {"amount":minor,"currency":"CNY"} for an ISO 4217 numeric currency: its alphabetic code when
 * known, else its three digits. */
json_t *jsonval_money(int64_t minor, unsigned currency);

/* "2026-11-30T14:00:00Z" for t (Unix seconds, UTC); JSON null for 0, the "none" of a time. */
json_t *jsonval_time(int64_t t);

#endif
