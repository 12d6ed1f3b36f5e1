/* open.c — opening and closing a SQLite store: the file (mode 0600), the settings that make
 * commits durable (WAL, synchronous=FULL), foreign keys, the busy timeout, the migrations;
 * and the cache of prepared statements and the error mapping every backend file uses. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/sqlite/internal.h"
#include "store/store_issuer.h"

#define BUSY_TIMEOUT_MS 5000

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

int store_stmt(store *s, const char *sql, sqlite3_stmt **out)
{
	struct store_cached *c;
	int rc;

	for (size_t i = 0; i < s->cached; i++) {
		if (s->cache[i].sql == sql) {
			sqlite3_reset(s->cache[i].stmt);
			sqlite3_clear_bindings(s->cache[i].stmt);
			*out = s->cache[i].stmt;
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
	return STORE_OK;
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

void store_column_text(sqlite3_stmt *st, int i, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n = t != NULL ? (size_t)sqlite3_column_bytes(st, i) : 0;

	if (n >= cap)
		n = cap - 1;
	if (n > 0)
		memcpy(out, t, n);
	out[n] = '\0';
}

void store_column_sealed(sqlite3_stmt *st, int i, struct store_sealed *out)
{
	const void *b = sqlite3_column_blob(st, i);
	size_t n = b != NULL ? (size_t)sqlite3_column_bytes(st, i) : 0;

	out->len = n <= sizeof out->v ? n : 0;
	if (out->len > 0)
		memcpy(out->v, b, out->len);
}

int store_update(store *s, sqlite3_stmt *st)
{
	int rc = store_run(s, st);

	if (rc == STORE_OK && sqlite3_changes(s->db) == 0)
		return STORE_ENOTFOUND;
	return rc;
}

int store_exec(store *s, const char *sql)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, sql, &st)) != STORE_OK)
		return rc;
	return store_run(s, st);
}

/* Settings of the connection, before any table is touched. journal_mode returns a row, so
 * these go through sqlite3_exec rather than the cache. The journals of savepoints (each
 * request of a group commit has one) stay in memory: as temporary files they cost an open,
 * probe and unlink per transaction and put page images of the data on a disk outside the
 * data directory. 16 MiB of page cache keeps the hot tables and indexes in memory. (Pages of
 * 16 KiB halved the host's WAL writes but cost more CPU than they saved, on both sides of
 * `make bench`.) */
static int configure(store *s)
{
	int rc;

	sqlite3_extended_result_codes(s->db, 1);
	if ((rc = sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS)) != SQLITE_OK ||
	    (rc = sqlite3_exec(
	         s->db,
	         "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
	         "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16384;",
	         NULL, NULL, NULL)) != SQLITE_OK)
		return store_fail(s, rc);
	return STORE_OK;
}

int store_global_init(void)
{
	int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

	return rc == SQLITE_OK ? STORE_OK : STORE_EARG;
}

int store_open(const char *path, store **out)
{
	store *s;
	int fd, rc;

	if (path == NULL || *path == '\0' || out == NULL)
		return STORE_EARG;
	/* Created here rather than by SQLite so that the mode is ours; SQLite gives the WAL and
	 * shared-memory files the database's mode. Only when it does not exist (O_EXCL): closing
	 * a descriptor of a database this process has open would drop every POSIX lock the
	 * process holds on it, and with them the WAL locks of its other connections. */
	if (strcmp(path, STORE_MEMORY) == 0)
		;
	else if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0)
		close(fd);
	else if (errno != EEXIST)
		return STORE_EIO;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return STORE_ENOMEM;
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = s->db != NULL ? store_fail(s, rc) : STORE_ENOMEM;
		goto out;
	}
	if ((rc = configure(s)) != STORE_OK)
		goto out;
	rc = store_migrate(s);
out:
	if (rc != STORE_OK) {
		store_close(s);
		return rc;
	}
	*out = s;
	return STORE_OK;
}

int store_copy(store *from, store *to)
{
	sqlite3_backup *b;
	int rc;

	if (from == NULL || to == NULL || from == to)
		return STORE_EARG;
	if (from->depth > 0 || to->depth > 0)
		return STORE_ETXN;
	if ((b = sqlite3_backup_init(to->db, "main", from->db, "main")) == NULL)
		return store_fail(to, sqlite3_errcode(to->db));
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? STORE_OK : store_fail(to, rc);
}

void store_close(store *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->cached; i++)
		sqlite3_finalize(s->cache[i].stmt);
	free(s->cache);
	/* Closing a connection with a transaction open rolls it back. */
	sqlite3_close(s->db);
	free(s);
}

const char *store_errmsg(store *s)
{
	assert(s != NULL);
	return s->errmsg;
}
