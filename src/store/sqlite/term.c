/* term.c — the SQLite backend of store_term.h: the reference terminal's tables, their
 * migrations and the queries on them. */
#include "store/sqlite/internal.h"

#include <stdio.h>
#include <string.h>

#include "store/store_term.h"

static const struct store_migration migrations[] = {
    {1, "CREATE TABLE term_state ("
        " id INTEGER PRIMARY KEY CHECK (id = 1),"
        " host TEXT NOT NULL, tid TEXT NOT NULL, mid TEXT NOT NULL, sn TEXT NOT NULL,"
        " tmk TEXT NOT NULL, pik TEXT NOT NULL, mak TEXT NOT NULL, tdk TEXT NOT NULL,"
        " dek TEXT NOT NULL, hkey TEXT NOT NULL,"
        " stan INTEGER NOT NULL, batch INTEGER NOT NULL, timeout INTEGER NOT NULL);"
        "CREATE TABLE term_txns ("
        " id INTEGER PRIMARY KEY,"
        " at INTEGER NOT NULL, kind INTEGER NOT NULL,"
        " stan INTEGER NOT NULL, batch INTEGER NOT NULL,"
        " mti TEXT NOT NULL, proc TEXT NOT NULL, cond TEXT NOT NULL, type TEXT NOT NULL,"
        " entry TEXT NOT NULL, amount INTEGER NOT NULL, currency INTEGER NOT NULL,"
        " sealed BLOB, masked TEXT NOT NULL, psn TEXT NOT NULL, icc BLOB,"
        " orig TEXT NOT NULL, orig_rrn TEXT NOT NULL, orig_auth TEXT NOT NULL,"
        " status INTEGER NOT NULL, reversible INTEGER NOT NULL, reason TEXT NOT NULL,"
        " rc TEXT NOT NULL, rrn TEXT NOT NULL, auth TEXT NOT NULL, date TEXT NOT NULL,"
        " time TEXT NOT NULL, arpc INTEGER NOT NULL, voided INTEGER NOT NULL);"
        "CREATE INDEX term_txns_stan ON term_txns(stan);"
        "CREATE INDEX term_txns_batch ON term_txns(batch);"
        "CREATE INDEX term_txns_pending ON term_txns(status) WHERE status IN (0, 2);"
        "CREATE TABLE term_atcs (pan_hash TEXT PRIMARY KEY, atc INTEGER NOT NULL) WITHOUT ROWID;"},
};

const struct store_module store_module_term = {"term", migrations,
                                               sizeof migrations / sizeof migrations[0]};

/* Column i's text into out (capacity cap), cut to fit. */
static void text_at(sqlite3_stmt *st, int i, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(out, cap, "%s", t != NULL ? (const char *)t : "");
}

/* Column i's blob into out (capacity cap); an oversize one reads as empty. */
static void blob_at(sqlite3_stmt *st, int i, uint8_t *out, size_t cap, size_t *len)
{
	const void *b = sqlite3_column_blob(st, i);
	size_t n = b != NULL ? (size_t)sqlite3_column_bytes(st, i) : 0;

	*len = n <= cap ? n : 0;
	if (*len > 0)
		memcpy(out, b, *len);
}

/* ---- the terminal ---- */

int store_term_state_get(store *s, struct store_term_state *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(
	         s,
	         "SELECT host, tid, mid, sn, tmk, pik, mak, tdk, dek, hkey, stan, batch, "
	         "timeout FROM term_state WHERE id = 1",
	         &st)) != STORE_OK)
		return rc;
	if ((rc = store_row(s, st)) == STORE_OK) {
		memset(out, 0, sizeof *out);
		text_at(st, 0, out->host, sizeof out->host);
		text_at(st, 1, out->tid, sizeof out->tid);
		text_at(st, 2, out->mid, sizeof out->mid);
		text_at(st, 3, out->sn, sizeof out->sn);
		text_at(st, 4, out->tmk, sizeof out->tmk);
		text_at(st, 5, out->pik, sizeof out->pik);
		text_at(st, 6, out->mak, sizeof out->mak);
		text_at(st, 7, out->tdk, sizeof out->tdk);
		text_at(st, 8, out->dek, sizeof out->dek);
		text_at(st, 9, out->hkey, sizeof out->hkey);
		out->stan = sqlite3_column_int(st, 10);
		out->batch = sqlite3_column_int(st, 11);
		out->timeout = sqlite3_column_int(st, 12);
		sqlite3_reset(st);
	}
	return rc;
}

int store_term_state_put(store *s, const struct store_term_state *t)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(
	         s,
	         "INSERT OR REPLACE INTO term_state (id, host, tid, mid, sn, tmk, pik, "
	         "mak, tdk, dek, hkey, stan, batch, timeout) VALUES (1, ?, ?, ?, ?, ?, ?, "
	         "?, ?, ?, ?, ?, ?, ?)",
	         &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, t->host, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->tid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->mid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t->sn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, t->tmk, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, t->pik, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, t->mak, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, t->tdk, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, t->dek, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, t->hkey, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, t->stan);
	sqlite3_bind_int(st, 12, t->batch);
	sqlite3_bind_int(st, 13, t->timeout);
	return store_run(s, st);
}

/* ---- transactions ---- */

#define TXN_COLUMNS                                                                                \
	"id, at, kind, stan, batch, mti, proc, cond, type, entry, amount, currency, sealed, "      \
	"masked, psn, icc, orig, orig_rrn, orig_auth, status, reversible, reason, rc, rrn, auth, " \
	"date, time, arpc, voided"

static void read_txn(sqlite3_stmt *st, struct store_term_txn *t)
{
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(st, 0);
	t->at = sqlite3_column_int64(st, 1);
	t->kind = sqlite3_column_int(st, 2);
	t->stan = sqlite3_column_int(st, 3);
	t->batch = sqlite3_column_int(st, 4);
	text_at(st, 5, t->mti, sizeof t->mti);
	text_at(st, 6, t->proc, sizeof t->proc);
	text_at(st, 7, t->cond, sizeof t->cond);
	text_at(st, 8, t->type, sizeof t->type);
	text_at(st, 9, t->entry, sizeof t->entry);
	t->amount = sqlite3_column_int64(st, 10);
	t->currency = sqlite3_column_int(st, 11);
	blob_at(st, 12, t->sealed, sizeof t->sealed, &t->sealed_len);
	text_at(st, 13, t->masked, sizeof t->masked);
	text_at(st, 14, t->psn, sizeof t->psn);
	blob_at(st, 15, t->icc, sizeof t->icc, &t->icc_len);
	text_at(st, 16, t->orig, sizeof t->orig);
	text_at(st, 17, t->orig_rrn, sizeof t->orig_rrn);
	text_at(st, 18, t->orig_auth, sizeof t->orig_auth);
	t->status = sqlite3_column_int(st, 19);
	t->reversible = sqlite3_column_int(st, 20) != 0;
	text_at(st, 21, t->reason, sizeof t->reason);
	text_at(st, 22, t->rc, sizeof t->rc);
	text_at(st, 23, t->rrn, sizeof t->rrn);
	text_at(st, 24, t->auth, sizeof t->auth);
	text_at(st, 25, t->date, sizeof t->date);
	text_at(st, 26, t->time, sizeof t->time);
	t->arpc = sqlite3_column_int(st, 27);
	t->voided = sqlite3_column_int(st, 28) != 0;
}

int store_term_txn_insert(store *s, struct store_term_txn *t)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO term_txns (" TXN_COLUMNS
	                     ") VALUES (NULL, ?, ?, ?, ?, ?, ?, "
	                     "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, t->at);
	sqlite3_bind_int(st, 2, t->kind);
	sqlite3_bind_int(st, 3, t->stan);
	sqlite3_bind_int(st, 4, t->batch);
	sqlite3_bind_text(st, 5, t->mti, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, t->proc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, t->cond, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, t->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, t->entry, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, t->amount);
	sqlite3_bind_int(st, 11, t->currency);
	sqlite3_bind_blob(st, 12, t->sealed, (int)t->sealed_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, t->masked, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, t->psn, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 15, t->icc, (int)t->icc_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 16, t->orig, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 17, t->orig_rrn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 18, t->orig_auth, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 19, t->status);
	sqlite3_bind_int(st, 20, t->reversible);
	sqlite3_bind_text(st, 21, t->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 22, t->rc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 23, t->rrn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 24, t->auth, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 25, t->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 26, t->time, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 27, t->arpc);
	sqlite3_bind_int(st, 28, t->voided);
	if ((rc = store_run(s, st)) == STORE_OK)
		t->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_term_txn_update(store *s, const struct store_term_txn *t)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(
	         s,
	         "UPDATE term_txns SET status = ?, reason = ?, rc = ?, rrn = ?, auth = ?, "
	         "date = ?, time = ?, arpc = ?, voided = ? WHERE id = ?",
	         &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int(st, 1, t->status);
	sqlite3_bind_text(st, 2, t->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->rc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t->rrn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, t->auth, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, t->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, t->time, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, t->arpc);
	sqlite3_bind_int(st, 9, t->voided);
	sqlite3_bind_int64(st, 10, t->id);
	return store_update(s, st);
}

/* Runs st, bound by the caller, and reads its first row as a transaction. */
static int one_txn(store *s, sqlite3_stmt *st, struct store_term_txn *out)
{
	int rc = store_row(s, st);

	if (rc == STORE_OK) {
		read_txn(st, out);
		sqlite3_reset(st);
	}
	return rc;
}

static const char *const find_sql[] = {
    [STORE_TERM_BY_STAN] = "SELECT " TXN_COLUMNS " FROM term_txns WHERE stan = CAST(?1 AS INTEGER) "
                           "ORDER BY id DESC LIMIT 1",
    [STORE_TERM_BY_RRN] = "SELECT " TXN_COLUMNS " FROM term_txns WHERE rrn = ?1 AND rc = '00' "
                          "ORDER BY id DESC LIMIT 1",
    [STORE_TERM_BY_AUTH] = "SELECT " TXN_COLUMNS " FROM term_txns WHERE auth = ?1 AND rc = '00' "
                           "ORDER BY id DESC LIMIT 1",
};

int store_term_txn_find(store *s, enum store_term_key key, const char *value,
                        struct store_term_txn *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((unsigned)key >= sizeof find_sql / sizeof find_sql[0] || value == NULL)
		return STORE_EARG;
	if ((rc = store_stmt(s, find_sql[key], &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	return one_txn(s, st, out);
}

int store_term_txn_pending(store *s, struct store_term_txn *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "SELECT " TXN_COLUMNS " FROM term_txns WHERE status IN (0, 2) AND "
	                     "reversible = 1 ORDER BY id LIMIT 1",
	                     &st)) != STORE_OK)
		return rc;
	return one_txn(s, st, out);
}

int store_term_txn_each(store *s, int batch, int (*fn)(void *ctx, const struct store_term_txn *t),
                        void *ctx)
{
	struct store_term_txn t;
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "SELECT " TXN_COLUMNS " FROM term_txns WHERE batch = ? ORDER BY id",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int(st, 1, batch);
	while ((rc = store_row(s, st)) == STORE_OK) {
		read_txn(st, &t);
		if ((rc = fn(ctx, &t)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

/* ---- chip cards ---- */

int store_term_atc_next(store *s, const char *pan_hash, int *atc)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO term_atcs (pan_hash, atc) VALUES (?, 1) ON CONFLICT "
	                     "(pan_hash) DO UPDATE SET atc = atc + 1 RETURNING atc",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, pan_hash, -1, SQLITE_STATIC);
	if ((rc = store_row(s, st)) == STORE_OK) {
		*atc = sqlite3_column_int(st, 0);
		rc = store_run(s, st);
	}
	return rc;
}
