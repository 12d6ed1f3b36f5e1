/* ledger.c — the ledger's tables in SQLite (the "ledger" module): accounts with their running
 * sums, and transfers keyed by their 128-bit id, with an index to find pending transfers by
 * expiry. The rules are the ledger's (src/ledger/); this file only keeps rows. */
#include <string.h>

#include "store/sqlite/internal.h"
#include "store/store_ledger.h"

static const struct store_migration steps[] = {
    {1, "CREATE TABLE ledger_accounts ("
        " id INTEGER PRIMARY KEY,"
        " code TEXT NOT NULL,"
        " currency INTEGER NOT NULL,"
        " flags INTEGER NOT NULL,"
        " balance_limit INTEGER NOT NULL,"
        " debits_pending INTEGER NOT NULL,"
        " debits_posted INTEGER NOT NULL,"
        " credits_pending INTEGER NOT NULL,"
        " credits_posted INTEGER NOT NULL,"
        " created_at INTEGER NOT NULL);"
        "CREATE TABLE ledger_transfers ("
        " id BLOB PRIMARY KEY CHECK (length(id) = 16),"
        " debit_account INTEGER NOT NULL REFERENCES ledger_accounts (id),"
        " credit_account INTEGER NOT NULL REFERENCES ledger_accounts (id),"
        " amount INTEGER NOT NULL,"
        " currency INTEGER NOT NULL,"
        " flags INTEGER NOT NULL,"
        " pending_id BLOB,"
        " timeout INTEGER NOT NULL,"
        " code INTEGER NOT NULL,"
        " created_at INTEGER NOT NULL,"
        " state INTEGER NOT NULL,"
        " posted_amount INTEGER NOT NULL,"
        " expires_at INTEGER"
        ") WITHOUT ROWID;"
        "CREATE INDEX ledger_transfers_expiry ON ledger_transfers (state, expires_at);"},
};

const struct store_module store_module_ledger = {"ledger", steps, sizeof steps / sizeof steps[0]};

#define ACCOUNT_COLUMNS                                                                            \
	"id, code, currency, flags, balance_limit, debits_pending, debits_posted, "                \
	"credits_pending, credits_posted, created_at"
#define TRANSFER_COLUMNS                                                                           \
	"id, debit_account, credit_account, amount, currency, flags, pending_id, timeout, code, "  \
	"created_at, state, posted_amount"

static const char account_insert_sql[] =
    "INSERT INTO ledger_accounts (code, currency, flags, balance_limit, debits_pending, "
    "debits_posted, credits_pending, credits_posted, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char account_get_sql[] =
    "SELECT " ACCOUNT_COLUMNS " FROM ledger_accounts WHERE id = ?1";
static const char account_update_sql[] =
    "UPDATE ledger_accounts SET balance_limit = ?2, debits_pending = ?3, debits_posted = ?4, "
    "credits_pending = ?5, credits_posted = ?6 WHERE id = ?1";
static const char accounts_sql[] = "SELECT " ACCOUNT_COLUMNS " FROM ledger_accounts ORDER BY id";
static const char transfer_insert_sql[] =
    "INSERT INTO ledger_transfers (" TRANSFER_COLUMNS ", expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
static const char transfer_get_sql[] =
    "SELECT " TRANSFER_COLUMNS " FROM ledger_transfers WHERE id = ?1";
static const char transfer_resolve_sql[] =
    "UPDATE ledger_transfers SET state = ?2, posted_amount = ?3 WHERE id = ?1 AND state = ?4";
static const char transfers_sql[] = "SELECT " TRANSFER_COLUMNS " FROM ledger_transfers";
static const char expirable_sql[] =
    "SELECT id FROM ledger_transfers WHERE state = ?1 AND expires_at <= ?2 "
    "ORDER BY expires_at LIMIT ?3";

static void account_read(sqlite3_stmt *st, struct ledger_account *a)
{
	const unsigned char *code = sqlite3_column_text(st, 1);

	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(st, 0);
	if (code != NULL)
		strncpy(a->code, (const char *)code, sizeof a->code - 1);
	a->currency = (uint16_t)sqlite3_column_int(st, 2);
	a->flags = (uint32_t)sqlite3_column_int64(st, 3);
	a->limit = sqlite3_column_int64(st, 4);
	a->debits_pending = sqlite3_column_int64(st, 5);
	a->debits_posted = sqlite3_column_int64(st, 6);
	a->credits_pending = sqlite3_column_int64(st, 7);
	a->credits_posted = sqlite3_column_int64(st, 8);
	a->created_at = sqlite3_column_int64(st, 9);
}

/* Copies a 16-byte id column; a column of another length (only a damaged database has one)
 * reads as the zero id, which the check reports. */
static void id_read(sqlite3_stmt *st, int col, ledger_id *id)
{
	const void *p = sqlite3_column_blob(st, col);

	memset(id, 0, sizeof *id);
	if (p != NULL && sqlite3_column_bytes(st, col) == (int)sizeof id->b)
		memcpy(id->b, p, sizeof id->b);
}

static void transfer_read(sqlite3_stmt *st, struct ledger_transfer *t)
{
	memset(t, 0, sizeof *t);
	id_read(st, 0, &t->id);
	t->debit_account = sqlite3_column_int64(st, 1);
	t->credit_account = sqlite3_column_int64(st, 2);
	t->amount = sqlite3_column_int64(st, 3);
	t->currency = (uint16_t)sqlite3_column_int(st, 4);
	t->flags = (uint32_t)sqlite3_column_int64(st, 5);
	id_read(st, 6, &t->pending_id);
	t->timeout = sqlite3_column_int64(st, 7);
	t->code = (uint32_t)sqlite3_column_int64(st, 8);
	t->created_at = sqlite3_column_int64(st, 9);
	t->state = (enum ledger_state)sqlite3_column_int(st, 10);
	t->posted_amount = sqlite3_column_int64(st, 11);
}

int store_ledger_account_insert(store *s, const struct ledger_account *a, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, account_insert_sql, &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, a->code, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, a->currency);
	sqlite3_bind_int64(st, 3, a->flags);
	sqlite3_bind_int64(st, 4, a->limit);
	sqlite3_bind_int64(st, 5, a->debits_pending);
	sqlite3_bind_int64(st, 6, a->debits_posted);
	sqlite3_bind_int64(st, 7, a->credits_pending);
	sqlite3_bind_int64(st, 8, a->credits_posted);
	sqlite3_bind_int64(st, 9, a->created_at);
	if ((rc = store_run(s, st)) == STORE_OK)
		*id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_ledger_account_get(store *s, int64_t id, struct ledger_account *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, account_get_sql, &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_row(s, st)) == STORE_OK) {
		account_read(st, out);
		sqlite3_reset(st);
	}
	return rc;
}

int store_ledger_account_update(store *s, const struct ledger_account *a)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, account_update_sql, &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, a->limit);
	sqlite3_bind_int64(st, 3, a->debits_pending);
	sqlite3_bind_int64(st, 4, a->debits_posted);
	sqlite3_bind_int64(st, 5, a->credits_pending);
	sqlite3_bind_int64(st, 6, a->credits_posted);
	return store_update(s, st);
}

int store_ledger_transfer_insert(store *s, const struct ledger_transfer *t)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, transfer_insert_sql, &st)) != STORE_OK)
		return rc;
	sqlite3_bind_blob(st, 1, t->id.b, sizeof t->id.b, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, t->debit_account);
	sqlite3_bind_int64(st, 3, t->credit_account);
	sqlite3_bind_int64(st, 4, t->amount);
	sqlite3_bind_int(st, 5, t->currency);
	sqlite3_bind_int64(st, 6, t->flags);
	if (!ledger_id_is_zero(&t->pending_id))
		sqlite3_bind_blob(st, 7, t->pending_id.b, sizeof t->pending_id.b, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, t->timeout);
	sqlite3_bind_int64(st, 9, t->code);
	sqlite3_bind_int64(st, 10, t->created_at);
	sqlite3_bind_int(st, 11, (int)t->state);
	sqlite3_bind_int64(st, 12, t->posted_amount);
	if ((t->flags & LEDGER_PENDING) != 0 && t->timeout > 0 &&
	    t->created_at <= INT64_MAX - t->timeout)
		sqlite3_bind_int64(st, 13, t->created_at + t->timeout);
	return store_run(s, st);
}

int store_ledger_transfer_get(store *s, const ledger_id *id, struct ledger_transfer *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, transfer_get_sql, &st)) != STORE_OK)
		return rc;
	sqlite3_bind_blob(st, 1, id->b, sizeof id->b, SQLITE_STATIC);
	if ((rc = store_row(s, st)) == STORE_OK) {
		transfer_read(st, out);
		sqlite3_reset(st);
	}
	return rc;
}

int store_ledger_transfer_resolve(store *s, const ledger_id *id, enum ledger_state state,
                                  int64_t posted_amount)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, transfer_resolve_sql, &st)) != STORE_OK)
		return rc;
	sqlite3_bind_blob(st, 1, id->b, sizeof id->b, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)state);
	sqlite3_bind_int64(st, 3, posted_amount);
	sqlite3_bind_int(st, 4, LEDGER_STATE_PENDING);
	return store_update(s, st);
}

int store_ledger_expirable(store *s, int64_t now, ledger_id *ids, size_t cap, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if ((rc = store_stmt(s, expirable_sql, &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int(st, 1, LEDGER_STATE_PENDING);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, (int64_t)cap);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		id_read(st, 0, &ids[(*n)++]);
	rc = rc == SQLITE_DONE ? STORE_OK : store_fail(s, rc);
	sqlite3_reset(st);
	return rc;
}

/* A walk over the rows of sql: accounts to account, or transfers to transfer. */
struct walk {
	store_ledger_account_fn account;
	store_ledger_transfer_fn transfer;
	void *ctx;
};

static int walk(store *s, const char *sql, const struct walk *w)
{
	struct ledger_account a;
	struct ledger_transfer t;
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, sql, &st)) != STORE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (w->account != NULL) {
			account_read(st, &a);
			rc = w->account(w->ctx, &a);
		} else {
			transfer_read(st, &t);
			rc = w->transfer(w->ctx, &t);
		}
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? STORE_OK : store_fail(s, rc);
out:
	sqlite3_reset(st);
	return rc;
}

int store_ledger_accounts_each(store *s, store_ledger_account_fn fn, void *ctx)
{
	return walk(s, accounts_sql, &(struct walk){.account = fn, .ctx = ctx});
}

int store_ledger_transfers_each(store *s, store_ledger_transfer_fn fn, void *ctx)
{
	return walk(s, transfers_sql, &(struct walk){.transfer = fn, .ctx = ctx});
}
