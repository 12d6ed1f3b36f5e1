/* ledger.c — the ledger's tables in SQLite (the "ledger" module): accounts with their running
 * sums, and transfers keyed by their 128-bit id, with an index to find pending transfers by
 * expiry. The rules are the ledger's (src/ledger/); this file only keeps rows. */
#include <string.h>

#include "store/sqlite/internal.h"
#include "store/store_ledger.h"

typedef struct store_ledger_account account;
typedef struct store_ledger_transfer transfer;

/* In the order of the columns of ledger_accounts and ledger_transfers. */
static const struct store_col account_cols[] = {
    STORE_COLS(account, id, code, currency, flags) STORE_COL_AS(account, limit, "balance_limit", 0),
    STORE_COLS(account, debits_pending, debits_posted, credits_pending, credits_posted,
               created_at)};
static const struct store_col transfer_cols[] = {
    STORE_COLS(transfer, id, debit_account, credit_account, amount, currency, flags)
        STORE_COL_NULL(transfer, pending_id),
    STORE_COLS(transfer, timeout, code, created_at, state, posted_amount)
        STORE_COL_NULL(transfer, expires_at)};

static const struct store_row account_row = STORE_ROW(account, account_cols);
static const struct store_row account_new = STORE_ROW_N(account_cols + 1, 9); /* but the id */
/* ?1 the id, ?5 … ?9 the limit and the four sums (?2 … ?4 unused). */
static const struct store_row account_sums = STORE_ROW_N(account_cols, 9);
static const struct store_row transfer_all = STORE_ROW(transfer, transfer_cols);
/* What is read: all but expires_at (cleared). */
static const struct store_row transfer_row = {transfer_cols, 12, sizeof(transfer)};
static const struct store_row transfer_id = STORE_ROW_N(transfer_cols, 1);

/* A transfer's resolution. */
struct resolve_args {
	uint8_t id[STORE_LEDGER_ID_LEN];
	int state;
	int64_t posted_amount;
	int pending;
};
static const struct store_col resolve_cols[] = {
    STORE_COLS(struct resolve_args, id, state, posted_amount, pending)};
static const struct store_row resolve_args = STORE_ROW_N(resolve_cols, 4);

/* Which pending transfers expire. */
struct expirable_args {
	int pending;
	int64_t now, limit;
};
static const struct store_col expirable_cols[] = {
    STORE_COLS(struct expirable_args, pending, now, limit)};
static const struct store_row expirable_args = STORE_ROW_N(expirable_cols, 3);

#define ACCOUNT_COLUMNS                                                                            \
	"id, code, currency, flags, balance_limit, debits_pending, debits_posted, "                \
	"credits_pending, credits_posted, created_at"
#define TRANSFER_COLUMNS                                                                           \
	"id, debit_account, credit_account, amount, currency, flags, pending_id, timeout, code, "  \
	"created_at, state, posted_amount"

int store_ledger_account_insert(store *s, const struct store_ledger_account *a, int64_t *id)
{
	static const struct store_query q =
	    STORE_Q("INSERT INTO ledger_accounts (code, currency, flags, balance_limit, "
	            "debits_pending, debits_posted, credits_pending, credits_posted, created_at) "
	            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	            &account_new, NULL);

	return store_q_run(s, &q, a, id);
}

STORE_FN_GET(store_ledger_account_get, int64_t, account,
             "SELECT " ACCOUNT_COLUMNS " FROM ledger_accounts WHERE id = ?1", store_args_id,
             account_row)
STORE_FN_GET(store_ledger_account_lock, int64_t, account,
             STORE_SQL("SELECT " ACCOUNT_COLUMNS " FROM ledger_accounts WHERE id = ?1",
                       "SELECT " ACCOUNT_COLUMNS " FROM ledger_accounts WHERE id = ?1 FOR UPDATE"),
             store_args_id, account_row)
int store_ledger_account_hold(store *s, int64_t id)
{
	/* Not waited for (STORE_Q_DEFER): the next statement runs after it, the row locked; no
	 * row (store_q_update's STORE_ENOTFOUND) fails the transaction then. */
	static const struct store_query q = STORE_Q_DEFERRED(
	    STORE_SQL("SELECT id AS n FROM ledger_accounts WHERE id = ?1",
	              "SELECT id AS n FROM ledger_accounts WHERE id = ?1 FOR UPDATE"),
	    &store_args_id);

	return s->engine == NULL ? STORE_OK : store_q_update(s, &q, &id);
}

/* ?2 … ?5 the columns after balance_limit in the table: bound from account_cols. Not waited
 * for on PostgreSQL (STORE_Q_DEFER): the account was read FOR UPDATE before, the row is there. */
int store_ledger_account_update(store *s, const struct store_ledger_account *a)
{
	static const struct store_query q = STORE_Q_DEFERRED(
	    "UPDATE ledger_accounts SET balance_limit = ?5, debits_pending = ?6, "
	    "debits_posted = ?7, credits_pending = ?8, credits_posted = ?9 WHERE id = ?1",
	    &account_sums);

	return store_q_update(s, &q, a);
}
int store_ledger_transfer_insert(store *s, const struct store_ledger_transfer *t)
{
	/* An id taken is no row written, not a failure: PostgreSQL ends a transaction at a
	 * failed statement, and the ledger reads the transfer of that id next (a retry). */
	static const struct store_query q =
	    STORE_Q("INSERT INTO ledger_transfers (" TRANSFER_COLUMNS ", expires_at) "
	            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
	            "ON CONFLICT (id) DO NOTHING",
	            &transfer_all, NULL);
	int rc = store_q_update(s, &q, t);

	return rc == STORE_ENOTFOUND ? STORE_EEXIST : rc;
}

int store_ledger_transfer_get(store *s, const uint8_t id[STORE_LEDGER_ID_LEN],
                              struct store_ledger_transfer *out)
{
	static const struct store_query q =
	    STORE_Q("SELECT " TRANSFER_COLUMNS " FROM ledger_transfers WHERE id = ?1", &transfer_id,
	            &transfer_row);
	transfer key;

	memcpy(key.id, id, sizeof key.id);
	return store_q_get(s, &q, &key, out);
}

int store_ledger_transfer_resolve(store *s, const uint8_t id[STORE_LEDGER_ID_LEN], int state,
                                  int64_t posted_amount)
{
	static const struct store_query q = STORE_Q(
	    "UPDATE ledger_transfers SET state = ?2, posted_amount = ?3 WHERE id = ?1 AND state = ?4",
	    &resolve_args, NULL);
	struct resolve_args a = {
	    .state = state, .posted_amount = posted_amount, .pending = STORE_LEDGER_STATE_PENDING};

	memcpy(a.id, id, sizeof a.id);
	return store_q_update(s, &q, &a);
}

int store_ledger_expirable(store *s, int64_t now, uint8_t (*ids)[STORE_LEDGER_ID_LEN], size_t cap,
                           size_t *n)
{
	static const struct store_query q =
	    STORE_Q("SELECT id FROM ledger_transfers WHERE state = ?1 AND expires_at <= ?2 "
	            "ORDER BY expires_at LIMIT ?3",
	            &expirable_args, &transfer_id);
	struct expirable_args a = {STORE_LEDGER_STATE_PENDING, now, (int64_t)cap};
	transfer t;
	struct store_cursor st;
	int rc;

	*n = 0;
	if ((rc = store_q_open(s, &q, &a, &st)) != STORE_OK)
		return rc;
	while (*n < cap && (rc = store_q_next(s, &st, &q, &t)) == STORE_OK)
		memcpy(ids[(*n)++], t.id, sizeof t.id);
	return store_q_end(&st, rc, 0);
}

STORE_FN_EACH(store_ledger_accounts_each, account,
              "SELECT " ACCOUNT_COLUMNS " FROM ledger_accounts ORDER BY id", account_row)
STORE_FN_EACH(store_ledger_transfers_each, transfer,
              "SELECT " TRANSFER_COLUMNS " FROM ledger_transfers", transfer_row)
