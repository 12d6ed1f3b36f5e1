/* store_ledger.h — the ledger's part of the store interface: the rows of accounts and
 * transfers, as the store's own plain structs (the ledger, above the store, converts its
 * types to them and back; the store knows nothing of the ledger's). Only src/ledger/ calls
 * these; it keeps the ledger's rules — which transfer expires when, what the states mean — and
 * the store only keeps rows.
 *
 * Each function is one statement, so atomic by itself; the ledger groups them in a store
 * transaction. Returns STORE_OK or a negative STORE_E* code (store.h). */
#ifndef POSSUM_STORE_LEDGER_H
#define POSSUM_STORE_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_LEDGER_ID_LEN   16 /* bytes of a transfer's id */
#define STORE_LEDGER_CODE_MAX 16 /* bytes of an account's code, with its NUL */
/* The state of a transfer that holds its amount, still to be resolved: what
 * store_ledger_transfer_resolve() and store_ledger_expirable() look for. */
#define STORE_LEDGER_STATE_PENDING 1

struct store_ledger_account {
	int64_t id; /* assigned by the store */
	char code[STORE_LEDGER_CODE_MAX];
	int currency;
	int64_t flags;
	int64_t limit;
	int64_t debits_pending, debits_posted, credits_pending, credits_posted;
	int64_t created_at;
};

struct store_ledger_transfer {
	uint8_t id[STORE_LEDGER_ID_LEN];
	int64_t debit_account, credit_account, amount;
	int currency;
	int64_t flags;
	uint8_t pending_id[STORE_LEDGER_ID_LEN]; /* all zero: none */
	int64_t timeout;
	int64_t code;
	int64_t created_at;
	int state;
	int64_t posted_amount;
	int64_t expires_at; /* when a pending transfer expires; 0 never (also when read) */
};

/* Inserts account a (all but its id, which the store assigns, to *id). */
int store_ledger_account_insert(store *s, const struct store_ledger_account *a, int64_t *id);

/* Reads account id; STORE_ENOTFOUND when there is none. */
int store_ledger_account_get(store *s, int64_t id, struct store_ledger_account *out);
/* Reads account id to change it: on PostgreSQL its row locked to the transaction's end
 * (SELECT … FOR UPDATE), so that another host's change waits for this one's commit and reads
 * its sums after it; on SQLite, one writer at a time, the same read as
 * store_ledger_account_get. */
int store_ledger_account_lock(store *s, int64_t id, struct store_ledger_account *out);
/* Locks account id's row to the transaction's end on PostgreSQL (STORE_ENOTFOUND when there is
 * none — inside a transaction not waited for, query.h's STORE_Q_DEFER: returned by the next
 * statement, failing the transaction); on SQLite, one writer at a time, STORE_OK without a
 * query. */
int store_ledger_account_hold(store *s, int64_t id);

/* Writes a->id's limit and four sums; STORE_ENOTFOUND when there is none. */
int store_ledger_account_update(store *s, const struct store_ledger_account *a);

/* Inserts transfer t as it is, expires_at included; STORE_EEXIST when its id is taken. */
int store_ledger_transfer_insert(store *s, const struct store_ledger_transfer *t);

/* Reads transfer id (expires_at read as 0); STORE_ENOTFOUND when there is none. */
int store_ledger_transfer_get(store *s, const uint8_t id[STORE_LEDGER_ID_LEN],
                              struct store_ledger_transfer *out);

/* Marks pending transfer id resolved: its state and posted_amount; STORE_ENOTFOUND when no
 * transfer id is in state STORE_LEDGER_STATE_PENDING. */
int store_ledger_transfer_resolve(store *s, const uint8_t id[STORE_LEDGER_ID_LEN], int state,
                                  int64_t posted_amount);

/* Up to cap ids of pending transfers that expire at or before now, earliest first; *n gets
 * how many. */
int store_ledger_expirable(store *s, int64_t now, uint8_t (*ids)[STORE_LEDGER_ID_LEN], size_t cap,
                           size_t *n);

/* Call fn for each account in ascending id order, or for each transfer; a non-zero return
 * from fn stops the walk and is returned. fn must not call the store. Two walks see the same
 * ledger when they run inside one store transaction. */
typedef int (*store_ledger_account_fn)(void *ctx, const struct store_ledger_account *a);
typedef int (*store_ledger_transfer_fn)(void *ctx, const struct store_ledger_transfer *t);
int store_ledger_accounts_each(store *s, store_ledger_account_fn fn, void *ctx);
int store_ledger_transfers_each(store *s, store_ledger_transfer_fn fn, void *ctx);

#endif
