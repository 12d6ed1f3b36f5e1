/* expire.c — pending transfers whose timeout has passed: their holds released, their state
 * LEDGER_STATE_EXPIRED, in batches found through the expiry index. */
#include "ledger/internal.h"

#define BATCH LEDGER_ROW_BATCH

int ledger_expire(store *s, int64_t now, size_t *n)
{
	ledger_id ids[BATCH];
	struct ledger_transfer p;
	size_t got, done = 0;
	int rc;

	if (s == NULL)
		return LEDGER_EARG;
	if (store_begin(s) != STORE_OK)
		return LEDGER_ESTORE;
	/* Each batch's transfers leave the pending state, so the next query finds the next. */
	do {
		if ((rc = ledger_store_rc(ledger_row_expirable(s, now, ids, BATCH, &got),
		                          LEDGER_ESTORE)) != LEDGER_OK)
			goto out;
		for (size_t i = 0; i < got; i++, done++)
			if ((rc = ledger_store_rc(ledger_row_transfer_get(s, &ids[i], &p),
			                          LEDGER_ESTORE)) != LEDGER_OK ||
			    (rc = ledger_resolve(s, &p, 0, LEDGER_STATE_EXPIRED)) != LEDGER_OK)
				goto out;
	} while (got == BATCH);
out:
	if ((rc = ledger_end(s, rc)) == LEDGER_OK && n != NULL)
		*n = done;
	return rc;
}
