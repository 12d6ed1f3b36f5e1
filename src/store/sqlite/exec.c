/* exec.c — what every file of the SQLite backend uses to run SQL: the cache of prepared
 * statements (kept for the life of the store, found by the address of their SQL text), the
 * stepping of a statement, and the mapping of SQLite's result codes to STORE_* codes
 * (store_exec() hands its SQL to another engine's exec when the store has one). It calls no
 * other file of the backend. */
#include <stdio.h>
#include <stdlib.h>

#include "store/sqlite/internal.h"

int store_fail(store *s, int sqlite_rc)
{
	snprintf(s->errmsg, sizeof s->errmsg, "%s", sqlite3_errmsg(s->db));
	switch (sqlite_rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return STORE_EEXIST;
	case SQLITE_NOMEM:
		return STORE_ENOMEM;
	case SQLITE_RANGE:
	case SQLITE_TOOBIG:
		return STORE_EARG;
	}
	/* Other constraints (foreign keys, checks) are an argument the schema refuses. */
	if ((sqlite_rc & 0xff) == SQLITE_CONSTRAINT)
		return STORE_EARG;
	return STORE_EIO;
}

int store_stmt(store *s, const char *sql, sqlite3_stmt **out, bool *fresh)
{
	struct store_cached *c;
	int rc;

	for (size_t i = 0; i < s->cached; i++) {
		if (s->cache[i].sql == sql) {
			sqlite3_reset(s->cache[i].stmt);
			sqlite3_clear_bindings(s->cache[i].stmt);
			*out = s->cache[i].stmt;
			if (fresh != NULL)
				*fresh = false;
			return STORE_OK;
		}
	}
	if (s->cached == s->cache_cap) {
		size_t cap = s->cache_cap != 0 ? 2 * s->cache_cap : 32;
		c = realloc(s->cache, cap * sizeof *c);
		if (c == NULL)
			return STORE_ENOMEM;
		s->cache = c;
		s->cache_cap = cap;
	}
	c = &s->cache[s->cached];
	if ((rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->stmt, NULL)) !=
	    SQLITE_OK)
		return store_fail(s, rc);
	c->sql = sql;
	s->cached++;
	*out = c->stmt;
	if (fresh != NULL)
		*fresh = true;
	return STORE_OK;
}

void store_stmt_free(store *s)
{
	for (size_t i = 0; i < s->cached; i++)
		sqlite3_finalize(s->cache[i].stmt);
	free(s->cache);
	s->cache = NULL;
	s->cached = s->cache_cap = 0;
}

int store_run(store *s, sqlite3_stmt *st)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	rc = rc == SQLITE_DONE ? STORE_OK : store_fail(s, rc);
	sqlite3_reset(st);
	return rc;
}

int store_row(store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return STORE_OK;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_ENOTFOUND : store_fail(s, rc);
}

int store_exec(store *s, const char *sql)
{
	sqlite3_stmt *st;
	int rc;

	if (s->engine != NULL)
		return s->engine->exec(s, sql);
	if ((rc = store_stmt(s, sql, &st, NULL)) != STORE_OK)
		return rc;
	return store_run(s, st);
}
