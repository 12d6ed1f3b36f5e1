/* meta.c — the store's settings and wrapped keys by name (the "meta" module): one table of
 * name and text value. */
#include <string.h>

#include "store/sqlite/internal.h"

static const struct store_migration steps[] = {
    {1, "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"},
};

const struct store_module store_module_meta = {"meta", steps, sizeof steps / sizeof steps[0]};

static const char get_sql[] = "SELECT value FROM meta WHERE name = ?1";
static const char add_sql[] = "INSERT INTO meta (name, value) VALUES (?1, ?2)";
static const char set_sql[] = "INSERT INTO meta (name, value) VALUES (?1, ?2) "
                              "ON CONFLICT (name) DO UPDATE SET value = excluded.value";

int store_meta_get(store *s, const char *name, char *out, size_t cap)
{
	sqlite3_stmt *st;
	int rc;

	if (name == NULL || *name == '\0' || out == NULL)
		return STORE_EARG;
	if ((rc = store_stmt(s, get_sql, &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		const unsigned char *v = sqlite3_column_text(st, 0);

		if (v == NULL) {
			rc = STORE_ENOMEM;
		} else if (len + 1 > cap) {
			rc = STORE_ESPACE;
		} else {
			memcpy(out, v, len + 1);
			rc = STORE_OK;
		}
	} else {
		rc = rc == SQLITE_DONE ? STORE_ENOTFOUND : store_fail(s, rc);
	}
	sqlite3_reset(st);
	return rc;
}

/* Adds (add_sql) or replaces (set_sql) a value. */
static int meta_put(store *s, const char *sql, const char *name, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	if (name == NULL || *name == '\0' || value == NULL || strlen(value) > STORE_VALUE_MAX)
		return STORE_EARG;
	if ((rc = store_stmt(s, sql, &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return store_run(s, st);
}

int store_meta_add(store *s, const char *name, const char *value)
{
	return meta_put(s, add_sql, name, value);
}

int store_meta_set(store *s, const char *name, const char *value)
{
	return meta_put(s, set_sql, name, value);
}
