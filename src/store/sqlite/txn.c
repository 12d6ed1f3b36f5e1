/* txn.c — store transactions: the outermost is BEGIN IMMEDIATE (so a writer waits for the
 * lock at the start, within the busy timeout, not at its first write), or BEGIN DEFERRED for
 * a reader that wants one consistent view; each one inside it a savepoint. Savepoints all share one
 * name: SQLite resolves a name to the innermost. Another engine's store (s->engine) has its own
 * (src/store/pg/). Uses exec.c only. */
#include <stdio.h>

#include "store/sqlite/internal.h"

int store_begin(store *s)
{
	int rc;

	if (s->engine != NULL)
		return s->engine->begin(s, false);
	if ((rc = store_exec(s, s->depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT sp")) != STORE_OK)
		return rc;
	s->depth++;
	return STORE_OK;
}

int store_begin_read(store *s)
{
	int rc;

	if (s->depth != 0)
		return STORE_ETXN;
	if (s->engine != NULL)
		return s->engine->begin(s, true);
	/* DEFERRED: a snapshot from the first read, under WAL no lock that stops a writer. */
	if ((rc = store_exec(s, "BEGIN DEFERRED")) != STORE_OK)
		return rc;
	s->depth++;
	return STORE_OK;
}

int store_commit(store *s)
{
	int rc;

	if (s->depth == 0)
		return STORE_ETXN;
	if (s->engine != NULL)
		return s->engine->commit(s);
	/* SQLite rolls the whole transaction back by itself after some failures (disk full, I/O
	 * error); what was to be committed is gone. */
	if (sqlite3_get_autocommit(s->db)) {
		s->depth--;
		snprintf(s->errmsg, sizeof s->errmsg,
		         "the transaction was rolled back by a failure");
		return STORE_EIO;
	}
	if ((rc = store_exec(s, s->depth == 1 ? "COMMIT" : "RELEASE sp")) != STORE_OK) {
		int ext = sqlite3_extended_errcode(s->db);

		/* The log's frames were written and only their sync failed: this connection and
		 * the others will not see the transaction, but a crash before they are written over
		 * lets recovery find it committed. Nobody can say which: in doubt. */
		if (s->depth == 1 && (ext == SQLITE_IOERR_FSYNC || ext == SQLITE_IOERR_DIR_FSYNC))
			rc = STORE_EINDOUBT;
		if (s->depth == 1 && !sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->depth--;
		return rc;
	}
	s->depth--;
	return STORE_OK;
}

int store_rollback(store *s)
{
	int rc = STORE_OK;

	if (s->depth == 0)
		return STORE_ETXN;
	if (s->engine != NULL)
		return s->engine->rollback(s);
	if (!sqlite3_get_autocommit(s->db)) {
		if (s->depth == 1)
			rc = store_exec(s, "ROLLBACK");
		else if ((rc = store_exec(s, "ROLLBACK TO sp")) == STORE_OK)
			rc = store_exec(s, "RELEASE sp");
	}
	s->depth--;
	return rc;
}

int store_set_autocheckpoint(store *s, int pages)
{
	if (s == NULL || pages < 0)
		return STORE_EARG;
	if (s->depth > 0)
		return STORE_ETXN;
	if (s->engine != NULL) /* the server checkpoints its own log */
		return STORE_OK;
	return sqlite3_wal_autocheckpoint(s->db, pages) == SQLITE_OK ? STORE_OK : STORE_EIO;
}

int store_checkpoint(store *s)
{
	int rc;

	if (s == NULL)
		return STORE_EARG;
	if (s->depth > 0)
		return STORE_ETXN;
	if (s->engine != NULL)
		return STORE_OK;
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	/* Busy, in any of its forms: nothing to do now, the next checkpoint copies the rest.
	 * SQLITE_BUSY: another connection holds the checkpoint lock (a writer's own checkpoint
	 * past its threshold); it does the copying, this one has nothing to add. The connection
	 * has extended result codes (open.c), so busy also comes as SQLITE_BUSY_RECOVERY (another
	 * connection rebuilding the WAL index: the first minutes after a restart on a WAL left
	 * behind), SQLITE_BUSY_SNAPSHOT or SQLITE_BUSY_TIMEOUT: each "database is locked", and
	 * before this compared rc with SQLITE_BUSY alone they were logged as checkpoint_failed. */
	return rc == SQLITE_OK || (rc & 0xFF) == SQLITE_BUSY ? STORE_OK : store_fail(s, rc);
}

int store_depth(const store *s)
{
	return s->depth;
}

bool store_in_transaction(const store *s)
{
	return s->depth > 0;
}
