/* internal.h — what the ledger's files share: moving amounts between two accounts' sums
 * within their limits, and the error mapping from the store. */
#ifndef POSSUM_LEDGER_INTERNAL_H
#define POSSUM_LEDGER_INTERNAL_H

#include <stdbool.h>

#include "ledger/ledger.h"

/* True when a is within the limits its flags set. */
bool ledger_within_limits(const struct ledger_account *a);

/* A move between two accounts, judged before it is written: their sums as they will be. */
struct ledger_move {
	struct ledger_account debit, credit;
};

/* Adds pending (may be negative: a hold released) and posted to the debit sums of account
 * debit and the credit sums of account credit, both of currency, into m without writing:
 * LEDGER_ENOACCOUNT, LEDGER_ECURRENCY, LEDGER_EOVERFLOW or LEDGER_EFUNDS when it cannot. */
int ledger_move_check(store *s, int64_t debit, int64_t credit, uint16_t currency, int64_t pending,
                      int64_t posted, struct ledger_move *m);
/* Writes the sums of a checked move back. */
int ledger_move_write(store *s, const struct ledger_move *m);
/* Both: writes only on success. */
int ledger_move(store *s, int64_t debit, int64_t credit, uint16_t currency, int64_t pending,
                int64_t posted);

/* Resolves pending transfer p (state LEDGER_STATE_PENDING): releases its hold, posts posted
 * of it, and marks it state; LEDGER_ERESOLVED when it was resolved meanwhile. */
int ledger_resolve(store *s, const struct ledger_transfer *p, int64_t posted,
                   enum ledger_state state);

/* The ledger's rows in the store (row.c): its types converted to the store's rows
 * (store_ledger.h) and back. Each returns the store's STORE_* code, as store_ledger_*. */
#define LEDGER_ROW_BATCH 64 /* the most ids ledger_row_expirable() gives at once */
int ledger_row_account_insert(store *s, const struct ledger_account *a, int64_t *id);
int ledger_row_account_get(store *s, int64_t id, struct ledger_account *out);
/* Reads account id to change it, its row locked to the transaction's end where the store has
 * row locks (store_ledger_account_lock). */
int ledger_row_account_lock(store *s, int64_t id, struct ledger_account *out);
/* Locks account id's row where the store has row locks (store_ledger_account_hold). */
int ledger_row_account_hold(store *s, int64_t id);
int ledger_row_account_update(store *s, const struct ledger_account *a);
int ledger_row_transfer_insert(store *s, const struct ledger_transfer *t);
int ledger_row_transfer_get(store *s, const ledger_id *id, struct ledger_transfer *out);
int ledger_row_transfer_resolve(store *s, const ledger_id *id, enum ledger_state state,
                                int64_t posted_amount);
int ledger_row_expirable(store *s, int64_t now, ledger_id *ids, size_t cap, size_t *n);
typedef int (*ledger_row_account_fn)(void *ctx, const struct ledger_account *a);
typedef int (*ledger_row_transfer_fn)(void *ctx, const struct ledger_transfer *t);
int ledger_row_accounts_each(store *s, ledger_row_account_fn fn, void *ctx);
int ledger_row_transfers_each(store *s, ledger_row_transfer_fn fn, void *ctx);

/* A store failure as a ledger code: LEDGER_ESTORE, or missing when STORE_ENOTFOUND. */
int ledger_store_rc(int store_rc, int missing);

/* Ends the savepoint a writing call opened: committed when rc says success (LEDGER_OK or
 * LEDGER_EXISTS), else rolled back; returns rc, or LEDGER_ESTORE when the commit failed. */
int ledger_end(store *s, int rc);

#endif
