/* open.c — opening and closing a SQLite store: the file (mode 0600), the settings that make
 * commits durable (WAL, synchronous=FULL), foreign keys, the busy handler, the migrations
 * (schema.c) — or none, for `possum admin store` (store_open_unmigrated); copying a store, its
 * backend's message. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/sqlite/internal.h"
#include "store/sqlite/sqlite.h"

#define BUSY_TIMEOUT_MS 5000

/* Settings of the connection, before any table is touched. journal_mode returns a row, so
 * these go through sqlite3_exec rather than the cache. The journals of savepoints (each
 * request of a group commit has one) stay in memory: as temporary files they cost an open,
 * probe and unlink per transaction and put page images of the data on a disk outside the
 * data directory. 16 MiB of page cache keeps the hot tables and indexes in memory. (Pages of
 * 16 KiB halved the host's WAL writes but cost more CPU than they saved, on both sides of
 * `make bench`.) */
/* The busy handler: tries again every millisecond until BUSY_TIMEOUT_MS have passed since the
 * first try. SQLite's own backs off to 100 ms between tries, so that a writer waiting behind a
 * run of transactions (the close of a big day, in parts with a pause between them) would
 * seldom try in a gap between two; this one gets in at the first gap. */
static int busy(void *ctx, int tries)
{
	store *s = ctx;
	struct timespec ts;
	int64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (tries == 0)
		s->busy_since = now;
	if (now - s->busy_since >= BUSY_TIMEOUT_MS)
		return 0;
	sqlite3_sleep(1);
	return 1;
}

static int configure(store *s)
{
	int rc;

	sqlite3_extended_result_codes(s->db, 1);
	if ((rc = sqlite3_busy_handler(s->db, busy, s)) != SQLITE_OK ||
	    (rc = sqlite3_exec(
	         s->db,
	         "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; "
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

/* Opens path's database, configured; migrated when migrate. */
static int open_db(const char *path, bool migrate, store **out)
{
	store *s;
	int rc;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return STORE_ENOMEM;
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = s->db != NULL ? store_fail(s, rc) : STORE_ENOMEM;
		goto out;
	}
	if ((rc = configure(s)) != STORE_OK)
		goto out;
	if (migrate)
		rc = store_migrate(s);
out:
	if (rc != STORE_OK) {
		store_close(s);
		return rc;
	}
	*out = s;
	return STORE_OK;
}

int store_sqlite_open_unmigrated(const char *path, store **out)
{
	if (path == NULL || *path == '\0' || out == NULL || strcmp(path, STORE_MEMORY) == 0)
		return STORE_EARG;
	if (access(path, F_OK) != 0)
		return errno == ENOENT ? STORE_ENOTFOUND : STORE_EIO;
	return open_db(path, false, out);
}

int store_sqlite_open(const char *path, store **out)
{
	int fd;

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
	return open_db(path, true, out);
}

int store_copy(store *from, store *to)
{
	sqlite3_backup *b;
	int rc;

	if (from == NULL || to == NULL || from == to)
		return STORE_EARG;
	if (from->depth > 0 || to->depth > 0)
		return STORE_ETXN;
	if (from->engine != NULL || to->engine != NULL) /* SQLite's databases alone */
		return STORE_EARG;
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
	if (s->engine != NULL)
		s->engine->close(s);
	store_stmt_free(s);
	/* Closing a connection with a transaction open rolls it back. */
	sqlite3_close(s->db);
	free(s);
}

const char *store_errmsg(store *s)
{
	assert(s != NULL);
	return s->errmsg;
}

const char *store_backend(const store *s)
{
	assert(s != NULL);
	return s->engine != NULL ? s->engine->name : "sqlite";
}
