/* http.c — the SQLite backend of store_http.h: the API tokens' table, its migration and the
 * queries on it. */
#include "store/sqlite/internal.h"

#include <string.h>

#include "store/store_http.h"

static const struct store_migration migrations[] = {
    {1, "CREATE TABLE http_tokens ("
        " id INTEGER PRIMARY KEY,"
        " hash TEXT NOT NULL UNIQUE,"
        " role INTEGER NOT NULL,"
        " mid TEXT NOT NULL,"
        " label TEXT NOT NULL,"
        " created_at INTEGER NOT NULL,"
        " revoked_at INTEGER NOT NULL);"},
};

const struct store_module store_module_http = {"http", migrations,
                                               sizeof migrations / sizeof migrations[0]};

#define TOKEN_COLUMNS "id, hash, role, mid, label, created_at, revoked_at"

int store_http_token_insert(store *s, struct store_http_token *t)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(
	         s, "INSERT INTO http_tokens (" TOKEN_COLUMNS ") VALUES (NULL, ?, ?, ?, ?, ?, ?)",
	         &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, t->hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, t->role);
	sqlite3_bind_text(st, 3, t->mid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t->label, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, t->created_at);
	sqlite3_bind_int64(st, 6, t->revoked_at);
	if ((rc = store_run(s, st)) == STORE_OK)
		t->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static void token_row(sqlite3_stmt *st, struct store_http_token *out)
{
	memset(out, 0, sizeof *out);
	out->id = sqlite3_column_int64(st, 0);
	store_column_text(st, 1, out->hash, sizeof out->hash);
	out->role = sqlite3_column_int(st, 2);
	store_column_text(st, 3, out->mid, sizeof out->mid);
	store_column_text(st, 4, out->label, sizeof out->label);
	out->created_at = sqlite3_column_int64(st, 5);
	out->revoked_at = sqlite3_column_int64(st, 6);
}

/* The one row st (bound) selects, into out. */
static int token_one(store *s, sqlite3_stmt *st, struct store_http_token *out)
{
	int rc;

	if ((rc = store_row(s, st)) == STORE_OK) {
		token_row(st, out);
		sqlite3_reset(st);
	}
	return rc;
}

int store_http_token_get(store *s, int64_t id, struct store_http_token *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "SELECT " TOKEN_COLUMNS " FROM http_tokens WHERE id = ?", &st)) !=
	    STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	return token_one(s, st, out);
}

int store_http_token_by_hash(store *s, const char *hash, struct store_http_token *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "SELECT " TOKEN_COLUMNS " FROM http_tokens WHERE hash = ?", &st)) !=
	    STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	return token_one(s, st, out);
}

int store_http_token_revoke(store *s, int64_t id, int64_t at)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(
	         s, "UPDATE http_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = 0",
	         &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_int64(st, 2, id);
	return store_update(s, st);
}

int store_http_token_list(store *s, int (*fn)(void *ctx, const struct store_http_token *t),
                          void *ctx)
{
	sqlite3_stmt *st;
	struct store_http_token t;
	int rc, stop = 0;

	if ((rc = store_stmt(s, "SELECT " TOKEN_COLUMNS " FROM http_tokens ORDER BY id", &st)) !=
	    STORE_OK)
		return rc;
	while (stop == 0 && (rc = store_row(s, st)) == STORE_OK) {
		token_row(st, &t);
		stop = fn(ctx, &t);
	}
	sqlite3_reset(st);
	if (stop != 0)
		return stop;
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}
