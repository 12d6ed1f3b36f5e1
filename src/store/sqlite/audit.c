/* audit.c — the SQLite backend of store_audit.h: the append-only audit table, its migration
 * and the query on it. Triggers refuse an UPDATE or DELETE, so that not even a bug in possum
 * rewrites history. */
#include "store/sqlite/internal.h"

#include <string.h>

#include "store/store_audit.h"

static const struct store_migration migrations[] = {
    {1, "CREATE TABLE audit_log ("
        " id INTEGER PRIMARY KEY,"
        " at INTEGER NOT NULL,"
        " actor TEXT NOT NULL,"
        " action TEXT NOT NULL,"
        " object TEXT NOT NULL,"
        " before TEXT NOT NULL,"
        " after TEXT NOT NULL);"
        "CREATE INDEX audit_log_object ON audit_log(object, id);"
        "CREATE INDEX audit_log_at ON audit_log(at);"
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
        " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
        " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"},
};

const struct store_module store_module_audit = {"audit", migrations,
                                                sizeof migrations / sizeof migrations[0]};

int store_audit_insert(store *s, struct store_audit *a)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO audit_log (at, actor, action, object, before, after) "
	                     "VALUES (?, ?, ?, ?, ?, ?)",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, a->at);
	sqlite3_bind_text(st, 2, a->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->object, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->before, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, a->after, -1, SQLITE_STATIC);
	if ((rc = store_run(s, st)) == STORE_OK)
		a->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_audit_list(store *s, const struct store_audit_filter *f,
                     int (*fn)(void *ctx, const struct store_audit *a), void *ctx)
{
	sqlite3_stmt *st;
	struct store_audit a;
	int rc, stop = 0;

	/* An empty filter value matches everything; an object also matches its children. */
	if ((rc = store_stmt(
	         s,
	         "SELECT id, at, actor, action, object, before, after FROM audit_log "
	         "WHERE id > ?1 AND (?2 = '' OR actor = ?2) AND (?3 = '' OR action = ?3)"
	         " AND (?4 = '' OR object = ?4 OR substr(object, 1, length(?4) + 1) = ?4 || ':')"
	         " AND at >= ?5 AND (?6 = 0 OR at < ?6) ORDER BY id LIMIT ?7",
	         &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, f->after_id);
	sqlite3_bind_text(st, 2, f->actor != NULL ? f->actor : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->action != NULL ? f->action : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->object != NULL ? f->object : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, f->since);
	sqlite3_bind_int64(st, 6, f->until);
	sqlite3_bind_int64(st, 7, f->limit > 0 ? (sqlite3_int64)f->limit : -1);
	while (stop == 0 && (rc = store_row(s, st)) == STORE_OK) {
		memset(&a, 0, sizeof a);
		a.id = sqlite3_column_int64(st, 0);
		a.at = sqlite3_column_int64(st, 1);
		store_column_text(st, 2, a.actor, sizeof a.actor);
		store_column_text(st, 3, a.action, sizeof a.action);
		store_column_text(st, 4, a.object, sizeof a.object);
		store_column_text(st, 5, a.before, sizeof a.before);
		store_column_text(st, 6, a.after, sizeof a.after);
		stop = fn(ctx, &a);
	}
	sqlite3_reset(st);
	if (stop != 0)
		return stop;
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}
