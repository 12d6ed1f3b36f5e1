/* settlecard.c — the SQLite backend of store_settlecard.h: the settlement cards' table, its
 * migration and the queries on it. */
#include "store/sqlite/internal.h"

#include <string.h>

#include "store/store_settlecard.h"

static const struct store_migration migrations[] = {
    {1, "CREATE TABLE settlement_cards ("
        " id INTEGER PRIMARY KEY,"
        " mid TEXT NOT NULL,"
        " state INTEGER NOT NULL,"
        " card_id INTEGER NOT NULL,"
        " pan BLOB NOT NULL,"
        " masked TEXT NOT NULL,"
        " actor TEXT NOT NULL,"
        " started_at INTEGER NOT NULL,"
        " verified_at INTEGER NOT NULL,"
        " effective_from INTEGER NOT NULL);"
        "CREATE INDEX settlement_cards_mid ON settlement_cards(mid, state, effective_from);"},
};

const struct store_module store_module_settlecard = {"settlecard", migrations,
                                                     sizeof migrations / sizeof migrations[0]};

#define COLUMNS                                                                                    \
	"id, mid, state, card_id, pan, masked, actor, started_at, verified_at, effective_from"

static void read_row(sqlite3_stmt *st, struct store_settlecard *c)
{
	const void *pan = sqlite3_column_blob(st, 4);
	int n = sqlite3_column_bytes(st, 4);

	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	store_column_text(st, 1, c->mid, sizeof c->mid);
	c->state = sqlite3_column_int(st, 2);
	c->card_id = sqlite3_column_int64(st, 3);
	if (pan != NULL && n > 0 && (size_t)n <= sizeof c->pan.v) {
		memcpy(c->pan.v, pan, (size_t)n);
		c->pan.len = (size_t)n;
	}
	store_column_text(st, 5, c->masked, sizeof c->masked);
	store_column_text(st, 6, c->actor, sizeof c->actor);
	c->started_at = sqlite3_column_int64(st, 7);
	c->verified_at = sqlite3_column_int64(st, 8);
	c->effective_from = sqlite3_column_int64(st, 9);
}

static int one_row(store *s, sqlite3_stmt *st, struct store_settlecard *out)
{
	int rc = store_row(s, st);

	if (rc == STORE_OK) {
		read_row(st, out);
		sqlite3_reset(st);
	}
	return rc;
}

int store_settlecard_drop(store *s, const char *mid)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "DELETE FROM settlement_cards WHERE mid = ? AND state = 1", &st)) !=
	    STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, mid, -1, SQLITE_STATIC);
	return store_run(s, st);
}

int store_settlecard_start(store *s, struct store_settlecard *c)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_settlecard_drop(s, c->mid)) != STORE_OK ||
	    (rc = store_stmt(s,
	                     "INSERT INTO settlement_cards (" COLUMNS
	                     ") VALUES (NULL, ?, 1, ?, ?, ?, ?, ?, 0, 0)",
	                     &st)) != STORE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, c->mid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, c->card_id);
	sqlite3_bind_blob(st, 3, c->pan.v, (int)c->pan.len, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->masked, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, c->started_at);
	if ((rc = store_run(s, st)) != STORE_OK)
		goto fail;
	c->id = sqlite3_last_insert_rowid(s->db);
	c->state = STORE_SETTLECARD_PENDING;
	return store_commit(s);
fail:
	store_rollback(s);
	return rc;
}

int store_settlecard_pending(store *s, const char *mid, struct store_settlecard *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "SELECT " COLUMNS " FROM settlement_cards WHERE mid = ? AND state = 1 "
	                     "ORDER BY id DESC LIMIT 1",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, mid, -1, SQLITE_STATIC);
	return one_row(s, st, out);
}

int store_settlecard_update(store *s, const struct store_settlecard *c)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "UPDATE settlement_cards SET state = ?, actor = ?, verified_at = ?, "
	                     "effective_from = ? WHERE id = ?",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int(st, 1, c->state);
	sqlite3_bind_text(st, 2, c->actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->verified_at);
	sqlite3_bind_int64(st, 4, c->effective_from);
	sqlite3_bind_int64(st, 5, c->id);
	return store_update(s, st);
}

int store_settlecard_bound(store *s, const char *mid, int64_t at, struct store_settlecard *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc =
	         store_stmt(s,
	                    "SELECT " COLUMNS " FROM settlement_cards WHERE mid = ? AND state = 2 "
	                    "AND effective_from <= ? ORDER BY effective_from DESC, id DESC LIMIT 1",
	                    &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, mid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	return one_row(s, st, out);
}
