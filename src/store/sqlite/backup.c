/* backup.c — an online copy of a store (SQLite's backup API, a few pages a step inside one read
 * transaction, so that the host keeps writing meanwhile) and its restore in place of a data
 * directory's database, each copy checked by SQLite's integrity check (store.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/sqlite/internal.h"

#define STEP_PAGES 256 /* 1 MiB of 4 KiB pages a step */
#define BUSY_TRIES 1000
#define BUSY_MS    5

/* A new SQLite database at path, created here with mode 0600 (never an existing file's). */
static int open_new(const char *path, sqlite3 **db)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	*db = NULL;
	if (fd < 0)
		return errno == EEXIST ? STORE_EEXIST : STORE_EIO;
	close(fd);
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(*db);
		*db = NULL;
		return STORE_EIO;
	}
	return STORE_OK;
}

/* Removes path and the files SQLite may have left beside it. */
static void remove_db(const char *path)
{
	static const char *const ends[] = {"", "-journal", "-wal", "-shm"};
	char name[PATH_MAX + 16];

	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		snprintf(name, sizeof name, "%s%s", path, ends[i]);
		unlink(name);
	}
}

/* Copies from's database into to's, STEP_PAGES a step, saying the progress after each. */
static int copy_steps(sqlite3 *from, sqlite3 *to, store_progress_fn *progress, void *arg)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	int rc, busy = 0;

	if (b == NULL)
		return STORE_EIO;
	do {
		rc = sqlite3_backup_step(b, STEP_PAGES);
		if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++busy < BUSY_TRIES) {
			sqlite3_sleep(BUSY_MS);
			rc = SQLITE_OK;
		} else if (progress != NULL && (rc == SQLITE_OK || rc == SQLITE_DONE)) {
			int total = sqlite3_backup_pagecount(b);

			progress(arg, (size_t)(total - sqlite3_backup_remaining(b)), (size_t)total);
		}
	} while (rc == SQLITE_OK);
	sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? STORE_OK : STORE_EIO;
}

/* The one text a query of one row and column returns into out; "" on any failure. */
static void query_text(sqlite3 *db, const char *sql, char *out, size_t cap)
{
	sqlite3_stmt *st;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* Whether db is a whole possum store: SQLite's integrity check passes and its migrations have
 * been recorded. */
static int check(sqlite3 *db)
{
	char text[64];

	query_text(db, "PRAGMA integrity_check(1)", text, sizeof text);
	if (strcmp(text, "ok") != 0)
		return STORE_ENOTSTORE;
	query_text(db, "SELECT count(*) > 0 FROM schema_versions", text, sizeof text);
	return strcmp(text, "1") == 0 ? STORE_OK : STORE_ENOTSTORE;
}

int store_backup(store *s, const char *dest, store_progress_fn *progress, void *arg)
{
	char part[PATH_MAX];
	sqlite3 *to = NULL;
	int rc;

	if (s == NULL || dest == NULL || *dest == '\0' ||
	    (size_t)snprintf(part, sizeof part, "%s.partial", dest) >= sizeof part)
		return STORE_EARG;
	if (s->depth != 0)
		return STORE_ETXN;
	if (s->engine != NULL) { /* a server's database: its own tools (pg_dump) */
		snprintf(s->errmsg, sizeof s->errmsg,
		         "a %s store is backed up by its server's tools", s->engine->name);
		return STORE_EARG;
	}
	if (access(dest, F_OK) == 0)
		return STORE_EEXIST;
	remove_db(part); /* a crashed backup's */
	if ((rc = open_new(part, &to)) != STORE_OK)
		return rc;
	/* One snapshot for every step: the source never changes under the copy, which would
	 * otherwise start again after each of the host's commits. */
	if ((rc = store_begin_read(s)) != STORE_OK)
		goto out;
	if ((rc = store_exec(s, "SELECT count(*) FROM schema_versions")) == STORE_OK)
		rc = copy_steps(s->db, to, progress, arg);
	store_rollback(s);
	if (rc == STORE_OK)
		rc = check(to) == STORE_OK ? STORE_OK : STORE_EIO;
	if (sqlite3_close(to) != SQLITE_OK && rc == STORE_OK)
		rc = STORE_EIO;
	to = NULL;
	if (rc == STORE_OK && rename(part, dest) != 0)
		rc = STORE_EIO;
out:
	sqlite3_close(to);
	if (rc != STORE_OK)
		remove_db(part);
	return rc;
}

/* The database at path opened and locked for this connection alone: its log copied in and
 * left (journal_mode DELETE, which needs every other connection closed), then an exclusive
 * lock kept until closed. STORE_ENOTFOUND when there is no file, STORE_EBUSY when in use. */
static int lock_current(const char *path, sqlite3 **db)
{
	char mode[16];

	*db = NULL;
	if (access(path, F_OK) != 0)
		return errno == ENOENT ? STORE_ENOTFOUND : STORE_EIO;
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK)
		return STORE_EIO;
	if (sqlite3_exec(*db, "PRAGMA locking_mode=EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK)
		return STORE_EIO;
	query_text(*db, "PRAGMA journal_mode=DELETE", mode, sizeof mode);
	if (strcmp(mode, "delete") != 0)
		return STORE_EBUSY;
	switch (sqlite3_exec(*db, "BEGIN EXCLUSIVE; COMMIT", NULL, NULL, NULL) & 0xff) {
	case SQLITE_OK:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_EBUSY;
	}
	return STORE_EIO;
}

/* src checked and copied to the new file part. */
static int copy_in(const char *src, const char *part, store_progress_fn *progress, void *arg)
{
	sqlite3 *from = NULL, *to = NULL;
	int rc = STORE_ENOTSTORE;

	if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	        SQLITE_OK ||
	    check(from) != STORE_OK)
		goto out;
	remove_db(part);
	if ((rc = open_new(part, &to)) == STORE_OK)
		rc = copy_steps(from, to, progress, arg);
	if (rc == STORE_OK && check(to) != STORE_OK)
		rc = STORE_EIO;
	if (to != NULL && sqlite3_close(to) != SQLITE_OK && rc == STORE_OK)
		rc = STORE_EIO;
out:
	sqlite3_close(from);
	return rc;
}

/* path renamed to path.YYYYMMDDTHHMMSSZ, that name into aside. */
static int put_aside(const char *path, char *aside, size_t cap)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
	if ((size_t)snprintf(aside, cap, "%s.%s", path, stamp) >= cap)
		return STORE_ESPACE;
	return rename(path, aside) == 0 ? STORE_OK : STORE_EIO;
}

int store_restore(const char *path, const char *src, char *aside, size_t cap,
                  store_progress_fn *progress, void *arg)
{
	char part[PATH_MAX];
	sqlite3 *cur = NULL;
	int rc;

	if (path == NULL || src == NULL || aside == NULL || cap == 0 ||
	    (size_t)snprintf(part, sizeof part, "%s.restore", path) >= sizeof part)
		return STORE_EARG;
	aside[0] = '\0';
	if ((rc = lock_current(path, &cur)) == STORE_ENOTFOUND)
		rc = STORE_OK;
	if (rc == STORE_OK)
		rc = copy_in(src, part, progress, arg);
	if (rc == STORE_OK && cur != NULL && (rc = put_aside(path, aside, cap)) == STORE_OK) {
		/* Locked and out of WAL mode: no log of the old database is left to apply to the
		 * new one; a shared-memory file may be. */
		char shm[PATH_MAX + 8];

		snprintf(shm, sizeof shm, "%s-shm", path);
		unlink(shm);
	}
	if (rc == STORE_OK && rename(part, path) != 0) {
		rc = STORE_EIO;
		if (aside[0] != '\0' && rename(aside, path) == 0)
			aside[0] = '\0';
	}
	if (rc != STORE_OK)
		remove_db(part);
	sqlite3_close(cur);
	return rc;
}
