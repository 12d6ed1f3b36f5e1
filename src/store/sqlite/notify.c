/* notify.c — the SQLite backend of store_notify.h: the outbox table, its migration and the
 * queries on it. */
#include "store/sqlite/internal.h"

#include <string.h>

#include "store/store_notify.h"

static const struct store_migration migrations[] = {
    {1, "CREATE TABLE notify_outbox ("
        " id INTEGER PRIMARY KEY,"
        " kind INTEGER NOT NULL,"
        " phone BLOB NOT NULL,"
        " text TEXT NOT NULL,"
        " state INTEGER NOT NULL,"
        " attempts INTEGER NOT NULL,"
        " created_at INTEGER NOT NULL,"
        " next_at INTEGER NOT NULL,"
        " done_at INTEGER NOT NULL,"
        " error TEXT NOT NULL);"
        "CREATE INDEX notify_outbox_due ON notify_outbox(state, next_at);"},
};

const struct store_module store_module_notify = {"notify", migrations,
                                                 sizeof migrations / sizeof migrations[0]};

#define NOTIFY_COLUMNS "id, kind, phone, text, state, attempts, created_at, next_at, done_at, error"

static void column_copy(sqlite3_stmt *st, int i, void *out, size_t cap, size_t *len)
{
	const void *v = sqlite3_column_blob(st, i);
	size_t n = v != NULL ? (size_t)sqlite3_column_bytes(st, i) : 0;

	if (n > cap)
		n = 0;
	if (n > 0)
		memcpy(out, v, n);
	*len = n;
}

static void read_notify(sqlite3_stmt *st, struct store_notify *n)
{
	size_t len;

	memset(n, 0, sizeof *n);
	n->id = sqlite3_column_int64(st, 0);
	n->kind = sqlite3_column_int(st, 1);
	column_copy(st, 2, n->phone.v, sizeof n->phone.v, &n->phone.len);
	column_copy(st, 3, n->text, sizeof n->text - 1, &len);
	n->text[len] = '\0';
	n->state = sqlite3_column_int(st, 4);
	n->attempts = sqlite3_column_int(st, 5);
	n->created_at = sqlite3_column_int64(st, 6);
	n->next_at = sqlite3_column_int64(st, 7);
	n->done_at = sqlite3_column_int64(st, 8);
	column_copy(st, 9, n->error, sizeof n->error - 1, &len);
	n->error[len] = '\0';
}

int store_notify_insert(store *s, struct store_notify *n)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO notify_outbox (" NOTIFY_COLUMNS
	                     ") VALUES (NULL, ?, X'', ?, ?, ?, ?, ?, ?, ?)",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int(st, 1, n->kind);
	sqlite3_bind_text(st, 2, n->text, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, n->state);
	sqlite3_bind_int(st, 4, n->attempts);
	sqlite3_bind_int64(st, 5, n->created_at);
	sqlite3_bind_int64(st, 6, n->next_at);
	sqlite3_bind_int64(st, 7, n->done_at);
	sqlite3_bind_text(st, 8, n->error, -1, SQLITE_STATIC);
	if ((rc = store_run(s, st)) == STORE_OK)
		n->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_notify_seal(store *s, int64_t id, const struct store_sealed *phone)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "UPDATE notify_outbox SET phone = ? WHERE id = ?", &st)) !=
	    STORE_OK)
		return rc;
	sqlite3_bind_blob(st, 1, phone->v, (int)phone->len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return store_update(s, st);
}

int store_notify_get(store *s, int64_t id, struct store_notify *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "SELECT " NOTIFY_COLUMNS " FROM notify_outbox WHERE id = ?",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_row(s, st)) == STORE_OK)
		read_notify(st, out);
	sqlite3_reset(st);
	return rc;
}

int store_notify_due(store *s, int64_t now, struct store_notify *out, size_t cap, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if ((rc = store_stmt(s,
	                     "SELECT " NOTIFY_COLUMNS " FROM notify_outbox WHERE state = ? AND "
	                     "next_at <= ? ORDER BY next_at, id LIMIT ?",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int(st, 1, STORE_NOTIFY_PENDING);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)cap);
	while (*n < cap && (rc = store_row(s, st)) == STORE_OK)
		read_notify(st, &out[(*n)++]);
	sqlite3_reset(st);
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

int store_notify_update(store *s, const struct store_notify *n)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "UPDATE notify_outbox SET state = ?, attempts = ?, next_at = ?, "
	                     "done_at = ?, error = ? WHERE id = ?",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int(st, 1, n->state);
	sqlite3_bind_int(st, 2, n->attempts);
	sqlite3_bind_int64(st, 3, n->next_at);
	sqlite3_bind_int64(st, 4, n->done_at);
	sqlite3_bind_text(st, 5, n->error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, n->id);
	return store_update(s, st);
}
