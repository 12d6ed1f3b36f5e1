/* store_ledger.h — the ledger's part of the store interface: accounts and transfers as the
 * ledger's own structs, no backend types. Only src/ledger/ calls these; it keeps the ledger's
 * rules, the store only keeps rows.
 *
 * Each function is one statement, so atomic by itself; the ledger groups them in a store
 * transaction. Returns STORE_OK or a negative STORE_E* code (store.h). */
#ifndef POSSUM_STORE_LEDGER_H
#define POSSUM_STORE_LEDGER_H

#include "ledger/ledger.h"
#include "store/store.h"

/* Inserts account a (all but its id, which the store assigns, to *id). */
int store_ledger_account_insert(store *s, const struct ledger_account *a, int64_t *id);

/* Reads account id; STORE_ENOTFOUND when there is none. */
int store_ledger_account_get(store *s, int64_t id, struct ledger_account *out);

/* Writes account a->id's limit and four sums; STORE_ENOTFOUND when there is none. */
int store_ledger_account_update(store *s, const struct ledger_account *a);

/* Inserts transfer t as it is (id, accounts, amount, currency, flags, pending_id, timeout,
 * code, created_at, state, posted_amount); STORE_EEXIST when its id is taken. A pending
 * transfer with a timeout expires at created_at + timeout. */
int store_ledger_transfer_insert(store *s, const struct ledger_transfer *t);

/* Reads transfer id; STORE_ENOTFOUND when there is none. */
int store_ledger_transfer_get(store *s, const ledger_id *id, struct ledger_transfer *out);

/* Marks pending transfer id resolved: state (POSTED, VOIDED or EXPIRED) and posted_amount;
 * STORE_ENOTFOUND when no transfer id is in state LEDGER_STATE_PENDING. */
int store_ledger_transfer_resolve(store *s, const ledger_id *id, enum ledger_state state,
                                  int64_t posted_amount);

/* Up to cap ids of pending transfers that expire at or before now, earliest first; *n gets
 * how many. */
int store_ledger_expirable(store *s, int64_t now, ledger_id *ids, size_t cap, size_t *n);

/* Call fn for each account in ascending id order, or for each transfer; a non-zero return
 * from fn stops the walk and is returned. fn must not call the store. Two walks see the same
 * ledger when they run inside one store transaction. */
typedef int (*store_ledger_account_fn)(void *ctx, const struct ledger_account *a);
typedef int (*store_ledger_transfer_fn)(void *ctx, const struct ledger_transfer *t);
int store_ledger_accounts_each(store *s, store_ledger_account_fn fn, void *ctx);
int store_ledger_transfers_each(store *s, store_ledger_transfer_fn fn, void *ctx);

#endif
