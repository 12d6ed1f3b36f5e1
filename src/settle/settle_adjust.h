/* settle_adjust.h — adjustments (docs/settle.md "Adjustments"): nothing in a merchant's balance
 * changes silently. One operator makes an adjustment — the merchant, an amount in fen (above
 * zero the acquirer owes the merchant more, below zero less) and a reason — which waits,
 * pending, until a second operator approves or rejects it; the maker may not approve it. Its
 * approval posts it: a ledger transfer between the "adjustments" account and the merchant's
 * "payable:MID" (settle_close.h), its id derived from the adjustment's, so that the merchant's
 * payable still holds what it is owed; the next payout run takes it (settle_payout.h). Each
 * step — made, approved, rejected — is one store transaction with its audit entry
 * ("adjustment.create", "adjustment.approve", "adjustment.reject"; object "adjustment:ID";
 * actors as audit/audit.h's). Returns SETTLE_OK or a SETTLE_E* code (settle.h). */
#ifndef POSSUM_SETTLE_ADJUST_H
#define POSSUM_SETTLE_ADJUST_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "settle/settle.h"
#include "store/store.h"
#include "store/store_settle.h"

#define SETTLE_ADJUST_AMOUNT_MAX INT64_C(100000000000) /* |amount|: 1,000,000,000.00 */
#define SETTLE_ADJUST_REASON_MAX 200                   /* bytes of a reason (one line) */

/* Makes a pending adjustment of merchant mid by amount (fen, CNY; not 0, at most
 * SETTLE_ADJUST_AMOUNT_MAX either way) for reason (one line of 1 to SETTLE_ADJUST_REASON_MAX
 * bytes), made by actor: *out the adjustment. SETTLE_EARG for a bad amount or reason,
 * SETTLE_ENOTFOUND for a merchant unknown. */
int settle_adjust_create(store *s, const char *actor, const char *mid, int64_t amount,
                         const char *reason, int64_t now, struct store_settle_adjust *out);

/* Approves adjustment id as actor and posts it, or rejects it (approve false; nothing
 * posted): *out the adjustment after. SETTLE_ENOTFOUND (no such id), SETTLE_ESTATE (not
 * pending), SETTLE_EMAKER (an approval by its maker): nothing changed. */
int settle_adjust_decide(store *s, const char *actor, int64_t id, bool approve, int64_t now,
                         struct store_settle_adjust *out);

/* The API's and `possum admin settle adjustments --json`'s form of a: {"id", "mid", "amount",
 * "currency", "reason", "status", "maker", "checker" (who approved or rejected it; null while
 * pending), "created",
 * "decided" (RFC 3339 under utc_offset, or null), "payout_id" (or null)}; NULL when out of
 * memory. */
json_t *settle_adjust_json(const struct store_settle_adjust *a, int utc_offset);

#endif
