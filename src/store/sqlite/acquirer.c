/* acquirer.c — the SQLite backend of store_acquirer.h: the acquirer's tables (merchants,
 * terminals, terminal requests, reversal tombstones, counters, risk events), their migrations
 * and the queries on them. */
#include "store/sqlite/internal.h"

#include <string.h>

#include "store/store_acquirer.h"

static const struct store_migration migrations[] = {
    {1, "CREATE TABLE merchants ("
        " mid TEXT PRIMARY KEY,"
        " name TEXT NOT NULL,"
        " mcc TEXT NOT NULL,"
        " status INTEGER NOT NULL,"
        " created_at INTEGER NOT NULL);"
        "CREATE TABLE terminals ("
        " tid TEXT PRIMARY KEY,"
        " mid TEXT NOT NULL REFERENCES merchants(mid),"
        " sn TEXT NOT NULL,"
        " status INTEGER NOT NULL,"
        " tmk TEXT NOT NULL,"
        " pik TEXT NOT NULL, mak TEXT NOT NULL, tdk TEXT NOT NULL,"
        " batch INTEGER NOT NULL,"
        " signed_in INTEGER NOT NULL,"
        " last_seen INTEGER NOT NULL,"
        " created_at INTEGER NOT NULL);"
        "CREATE UNIQUE INDEX terminals_sn ON terminals(sn) WHERE status != 3;"
        "CREATE TABLE acq_txns ("
        " id INTEGER PRIMARY KEY,"
        " at INTEGER NOT NULL,"
        " tid TEXT NOT NULL, mid TEXT NOT NULL,"
        " batch INTEGER NOT NULL, stan TEXT NOT NULL, kind INTEGER NOT NULL,"
        " type TEXT NOT NULL,"
        " amount INTEGER NOT NULL, currency INTEGER NOT NULL,"
        " masked TEXT NOT NULL, pan_hash TEXT NOT NULL,"
        " rrn TEXT NOT NULL, auth_code TEXT NOT NULL, rc TEXT NOT NULL, reason TEXT NOT NULL,"
        " decision_id INTEGER NOT NULL,"
        " net_stan TEXT NOT NULL,"
        " original_id INTEGER NOT NULL,"
        " reversed INTEGER NOT NULL,"
        " settle_date TEXT NOT NULL,"
        " UNIQUE (tid, batch, stan, kind));"
        "CREATE INDEX acq_txns_rrn ON acq_txns(rrn);"
        "CREATE INDEX acq_txns_card ON acq_txns(pan_hash, mid);"
        "CREATE TABLE acq_tombstones ("
        " tid TEXT NOT NULL, batch INTEGER NOT NULL, stan TEXT NOT NULL,"
        " at INTEGER NOT NULL,"
        " PRIMARY KEY (tid, batch, stan)) WITHOUT ROWID;"
        "CREATE TABLE acq_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"},
    /* Issue 6, one terminal one code: the terminal's place, what it reports, its review, its
     * key's hand-over; the risk events the host raises. */
    {2, "ALTER TABLE terminals ADD COLUMN address TEXT NOT NULL DEFAULT '';"
        "ALTER TABLE terminals ADD COLUMN lat INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE terminals ADD COLUMN lon INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE terminals ADD COLUMN version TEXT NOT NULL DEFAULT '';"
        "ALTER TABLE terminals ADD COLUMN last_signin INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE terminals ADD COLUMN next_review INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE terminals ADD COLUMN tmk_issued INTEGER NOT NULL DEFAULT 1;"
        "CREATE INDEX terminals_mid ON terminals(mid);"
        "CREATE INDEX acq_txns_mid ON acq_txns(mid, id);"
        "CREATE TABLE risk_events ("
        " id INTEGER PRIMARY KEY,"
        " kind TEXT NOT NULL, tid TEXT NOT NULL, detail TEXT NOT NULL,"
        " at INTEGER NOT NULL);"
        "CREATE INDEX risk_events_tid ON risk_events(tid, id);"},
};

const struct store_module store_module_acquirer = {"acquirer", migrations,
                                                   sizeof migrations / sizeof migrations[0]};

/* ---- merchants ---- */

int store_merchant_insert(store *s, const struct store_merchant *m)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO merchants (mid, name, mcc, status, created_at) VALUES "
	                     "(?, ?, ?, ?, ?)",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, m->mid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, m->mcc, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, m->status);
	sqlite3_bind_int64(st, 5, m->created_at);
	return store_run(s, st);
}

int store_merchant_get(store *s, const char *mid, struct store_merchant *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(
	         s, "SELECT mid, name, mcc, status, created_at FROM merchants WHERE mid = ?",
	         &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, mid, -1, SQLITE_STATIC);
	if ((rc = store_row(s, st)) == STORE_OK) {
		memset(out, 0, sizeof *out);
		store_column_text(st, 0, out->mid, sizeof out->mid);
		store_column_text(st, 1, out->name, sizeof out->name);
		store_column_text(st, 2, out->mcc, sizeof out->mcc);
		out->status = sqlite3_column_int(st, 3);
		out->created_at = sqlite3_column_int64(st, 4);
		sqlite3_reset(st);
	}
	return rc;
}

int store_merchant_set_status(store *s, const char *mid, int status)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "UPDATE merchants SET status = ? WHERE mid = ?", &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int(st, 1, status);
	sqlite3_bind_text(st, 2, mid, -1, SQLITE_STATIC);
	return store_update(s, st);
}

/* ---- terminals ---- */

#define TERMINAL_COLUMNS                                                                           \
	"tid, mid, sn, status, tmk, pik, mak, tdk, batch, signed_in, last_seen, created_at, "      \
	"address, lat, lon, version, last_signin, next_review, tmk_issued"

/* Binds t's columns in TERMINAL_COLUMNS' order, from the first. */
static void bind_terminal(sqlite3_stmt *st, const struct store_terminal *t)
{
	sqlite3_bind_text(st, 1, t->tid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->mid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->sn, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, t->status);
	sqlite3_bind_text(st, 5, t->tmk, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, t->pik, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, t->mak, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, t->tdk, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, t->batch);
	sqlite3_bind_int(st, 10, t->signed_in);
	sqlite3_bind_int64(st, 11, t->last_seen);
	sqlite3_bind_int64(st, 12, t->created_at);
	sqlite3_bind_text(st, 13, t->address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, t->lat);
	sqlite3_bind_int64(st, 15, t->lon);
	sqlite3_bind_text(st, 16, t->version, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 17, t->last_signin);
	sqlite3_bind_int64(st, 18, t->next_review);
	sqlite3_bind_int(st, 19, t->tmk_issued);
}

static void read_terminal(sqlite3_stmt *st, struct store_terminal *out)
{
	memset(out, 0, sizeof *out);
	store_column_text(st, 0, out->tid, sizeof out->tid);
	store_column_text(st, 1, out->mid, sizeof out->mid);
	store_column_text(st, 2, out->sn, sizeof out->sn);
	out->status = sqlite3_column_int(st, 3);
	store_column_text(st, 4, out->tmk, sizeof out->tmk);
	store_column_text(st, 5, out->pik, sizeof out->pik);
	store_column_text(st, 6, out->mak, sizeof out->mak);
	store_column_text(st, 7, out->tdk, sizeof out->tdk);
	out->batch = sqlite3_column_int(st, 8);
	out->signed_in = sqlite3_column_int(st, 9) != 0;
	out->last_seen = sqlite3_column_int64(st, 10);
	out->created_at = sqlite3_column_int64(st, 11);
	store_column_text(st, 12, out->address, sizeof out->address);
	out->lat = sqlite3_column_int64(st, 13);
	out->lon = sqlite3_column_int64(st, 14);
	store_column_text(st, 15, out->version, sizeof out->version);
	out->last_signin = sqlite3_column_int64(st, 16);
	out->next_review = sqlite3_column_int64(st, 17);
	out->tmk_issued = sqlite3_column_int(st, 18) != 0;
}

int store_terminal_insert(store *s, const struct store_terminal *t)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO terminals (" TERMINAL_COLUMNS
	                     ") VALUES (?, ?, ?, ?, ?, ?, "
	                     "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                     &st)) != STORE_OK)
		return rc;
	bind_terminal(st, t);
	return store_run(s, st);
}

int store_terminal_get(store *s, const char *tid, struct store_terminal *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "SELECT " TERMINAL_COLUMNS " FROM terminals WHERE tid = ?", &st)) !=
	    STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
	if ((rc = store_row(s, st)) == STORE_OK) {
		read_terminal(st, out);
		sqlite3_reset(st);
	}
	return rc;
}

int store_terminal_update(store *s, const struct store_terminal *t)
{
	sqlite3_stmt *st;
	int rc;

	/* Numbered as in TERMINAL_COLUMNS: ?1 the TID; ?12, its creation, is not written. */
	if ((rc = store_stmt(
	         s,
	         "UPDATE terminals SET mid = ?2, sn = ?3, status = ?4, tmk = ?5, pik = ?6, mak = ?7, "
	         "tdk = ?8, batch = ?9, signed_in = ?10, last_seen = ?11, address = ?13, lat = ?14, "
	         "lon = ?15, version = ?16, last_signin = ?17, next_review = ?18, tmk_issued = ?19 "
	         "WHERE tid = ?1",
	         &st)) != STORE_OK)
		return rc;
	bind_terminal(st, t);
	return store_update(s, st);
}

int store_terminal_list(store *s, const struct store_terminal_filter *f,
                        int (*fn)(void *ctx, const struct store_terminal *t), void *ctx)
{
	struct store_terminal t;
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((rc = store_stmt(s,
	                     "SELECT " TERMINAL_COLUMNS
	                     " FROM terminals WHERE (?1 = '' OR mid = ?1) "
	                     "AND tid > ?2 AND (?3 = 0 OR (status = 1 AND next_review <= ?3)) "
	                     "ORDER BY tid LIMIT ?4",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, f->mid != NULL ? f->mid : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->after != NULL ? f->after : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, f->review_by);
	sqlite3_bind_int64(st, 4, f->limit > 0 ? (sqlite3_int64)f->limit : -1);
	while (stop == 0 && (rc = store_row(s, st)) == STORE_OK) {
		read_terminal(st, &t);
		stop = fn(ctx, &t);
	}
	sqlite3_reset(st);
	if (stop != 0)
		return stop;
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

int store_terminal_activity(store *s, const char *tid, int batch,
                            struct store_terminal_activity *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_stmt(
	         s,
	         /* The unique (tid, batch, stan, kind) index finds the terminal's latest batch and
	          * its rows: an index of (tid, id) for this report cost every payment a page. */
	         "SELECT at, type, rc, rrn, amount, currency FROM acq_txns WHERE tid = ?1 AND "
	         "batch = (SELECT max(batch) FROM acq_txns WHERE tid = ?1) ORDER BY id DESC LIMIT 1",
	         &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
	if ((rc = store_row(s, st)) == STORE_OK) {
		out->last_at = sqlite3_column_int64(st, 0);
		store_column_text(st, 1, out->last_type, sizeof out->last_type);
		store_column_text(st, 2, out->last_rc, sizeof out->last_rc);
		store_column_text(st, 3, out->last_rrn, sizeof out->last_rrn);
		out->last_amount = sqlite3_column_int64(st, 4);
		out->last_currency = sqlite3_column_int(st, 5);
		sqlite3_reset(st);
	} else if (rc != STORE_ENOTFOUND) {
		return rc;
	}
	if ((rc = store_stmt(s,
	                     "SELECT COALESCE(SUM(batch = ?2), 0), COUNT(*) FROM acq_txns "
	                     "WHERE tid = ?1 AND kind = 1",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, batch);
	if ((rc = store_row(s, st)) != STORE_OK)
		return rc;
	out->reversals_batch = sqlite3_column_int(st, 0);
	out->reversals = sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	return STORE_OK;
}

/* ---- risk events ---- */

int store_risk_event_add(store *s, struct store_risk_event *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO risk_events (kind, tid, detail, at) VALUES (?, ?, ?, ?)",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, e->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->tid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, e->at);
	if ((rc = store_run(s, st)) == STORE_OK)
		e->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_risk_event_list(store *s, const char *tid,
                          int (*fn)(void *ctx, const struct store_risk_event *e), void *ctx)
{
	struct store_risk_event e;
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((rc = store_stmt(s,
	                     "SELECT id, at, kind, tid, detail FROM risk_events WHERE ?1 = '' OR "
	                     "tid = ?1 ORDER BY id",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, tid != NULL ? tid : "", -1, SQLITE_STATIC);
	while (stop == 0 && (rc = store_row(s, st)) == STORE_OK) {
		memset(&e, 0, sizeof e);
		e.id = sqlite3_column_int64(st, 0);
		e.at = sqlite3_column_int64(st, 1);
		store_column_text(st, 2, e.kind, sizeof e.kind);
		store_column_text(st, 3, e.tid, sizeof e.tid);
		store_column_text(st, 4, e.detail, sizeof e.detail);
		stop = fn(ctx, &e);
	}
	sqlite3_reset(st);
	if (stop != 0)
		return stop;
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

/* ---- terminal requests ---- */

#define TXN_COLUMNS                                                                                \
	"id, at, tid, mid, batch, stan, kind, type, amount, currency, masked, pan_hash, rrn, "     \
	"auth_code, rc, reason, decision_id, net_stan, original_id, reversed, settle_date"

/* Reads st's row of TXN_COLUMNS into out. */
static void txn_row(sqlite3_stmt *st, struct store_acq_txn *out)
{
	memset(out, 0, sizeof *out);
	out->id = sqlite3_column_int64(st, 0);
	out->at = sqlite3_column_int64(st, 1);
	store_column_text(st, 2, out->tid, sizeof out->tid);
	store_column_text(st, 3, out->mid, sizeof out->mid);
	out->batch = sqlite3_column_int(st, 4);
	store_column_text(st, 5, out->stan, sizeof out->stan);
	out->kind = sqlite3_column_int(st, 6);
	store_column_text(st, 7, out->type, sizeof out->type);
	out->amount = sqlite3_column_int64(st, 8);
	out->currency = sqlite3_column_int(st, 9);
	store_column_text(st, 10, out->masked, sizeof out->masked);
	store_column_text(st, 11, out->pan_hash, sizeof out->pan_hash);
	store_column_text(st, 12, out->rrn, sizeof out->rrn);
	store_column_text(st, 13, out->auth_code, sizeof out->auth_code);
	store_column_text(st, 14, out->rc, sizeof out->rc);
	store_column_text(st, 15, out->reason, sizeof out->reason);
	out->decision_id = sqlite3_column_int64(st, 16);
	store_column_text(st, 17, out->net_stan, sizeof out->net_stan);
	out->original_id = sqlite3_column_int64(st, 18);
	out->reversed = sqlite3_column_int(st, 19) != 0;
	store_column_text(st, 20, out->settle_date, sizeof out->settle_date);
}

/* The one row st (bound) selects, into out. */
static int txn_one(store *s, sqlite3_stmt *st, struct store_acq_txn *out)
{
	int rc;

	if ((rc = store_row(s, st)) == STORE_OK) {
		txn_row(st, out);
		sqlite3_reset(st);
	}
	return rc;
}

int store_acq_txn_insert(store *s, struct store_acq_txn *t)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO acq_txns (" TXN_COLUMNS ") VALUES (NULL, ?, ?, ?, ?, ?, "
	                     "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, t->at);
	sqlite3_bind_text(st, 2, t->tid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->mid, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, t->batch);
	sqlite3_bind_text(st, 5, t->stan, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, t->kind);
	sqlite3_bind_text(st, 7, t->type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, t->amount);
	sqlite3_bind_int(st, 9, t->currency);
	sqlite3_bind_text(st, 10, t->masked, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, t->pan_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, t->rrn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, t->auth_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, t->rc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 15, t->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 16, t->decision_id);
	sqlite3_bind_text(st, 17, t->net_stan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 18, t->original_id);
	sqlite3_bind_int(st, 19, t->reversed);
	sqlite3_bind_text(st, 20, t->settle_date, -1, SQLITE_STATIC);
	if ((rc = store_run(s, st)) == STORE_OK)
		t->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_acq_txn_find(store *s, const char *tid, int batch, const char *stan, int kind,
                       struct store_acq_txn *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "SELECT " TXN_COLUMNS " FROM acq_txns WHERE tid = ? AND batch = ? AND "
	                     "stan = ? AND kind = ?",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, batch);
	sqlite3_bind_text(st, 3, stan, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, kind);
	return txn_one(s, st, out);
}

int store_acq_txn_update(store *s, const struct store_acq_txn *t)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "UPDATE acq_txns SET reversed = ? WHERE id = ?", &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int(st, 1, t->reversed);
	sqlite3_bind_int64(st, 2, t->id);
	return store_update(s, st);
}

int store_acq_txn_by_rrn(store *s, const char *rrn, struct store_acq_txn *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "SELECT " TXN_COLUMNS " FROM acq_txns WHERE rrn = ? AND rrn != '' AND "
	                     "kind = 0 ORDER BY id DESC LIMIT 1",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, rrn, -1, SQLITE_STATIC);
	return txn_one(s, st, out);
}

/* The search of store_acq_txn_search(), MID_TEST its test of the merchant: an empty or zero
 * criterion matches every row; a card of 4 characters is its last 4. */
#define TXN_SEARCH(MID_TEST)                                                                       \
	"SELECT " TXN_COLUMNS " FROM acq_txns WHERE kind = 0 AND id > ?1 AND " MID_TEST            \
	" AND at >= ?2 AND (?3 = 0 OR at < ?3) AND (?4 = '' OR tid = ?4) AND (?6 = '' OR"          \
	" masked = ?6 OR (length(?6) = 4 AND substr(masked, -4) = ?6)) AND (?7 < 0 OR amount = "   \
	"?7) AND (?8 = 0 OR (?8 = 1 AND rc = '00' AND reversed = 0) OR (?8 = 2 AND rc != '00')"    \
	" OR (?8 = 3 AND reversed = 1)) ORDER BY id LIMIT ?9"

int store_acq_txn_search(store *s, const struct store_acq_txn_filter *f,
                         int (*fn)(void *ctx, const struct store_acq_txn *t), void *ctx)
{
	bool by_mid = f->mid != NULL && f->mid[0] != '\0';
	sqlite3_stmt *st;
	struct store_acq_txn t;
	int rc, stop = 0;

	/* A merchant's search (every search of a merchant's token) walks the (mid, id) index
	 * from after_id; an "or any merchant" test in the same statement would make SQLite read
	 * every row instead. */
	if ((rc = store_stmt(s, by_mid ? TXN_SEARCH("mid = ?5") : TXN_SEARCH("?5 = ''"), &st)) !=
	    STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, f->after_id);
	sqlite3_bind_int64(st, 2, f->from);
	sqlite3_bind_int64(st, 3, f->to);
	sqlite3_bind_text(st, 4, f->tid != NULL ? f->tid : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, by_mid ? f->mid : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, f->card != NULL ? f->card : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, f->amount);
	sqlite3_bind_int(st, 8, f->status);
	sqlite3_bind_int64(st, 9, f->limit > 0 ? (sqlite3_int64)f->limit : -1);
	while (stop == 0 && (rc = store_row(s, st)) == STORE_OK) {
		txn_row(st, &t);
		stop = fn(ctx, &t);
	}
	sqlite3_reset(st);
	if (stop != 0)
		return stop;
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

int store_acq_totals(store *s, const char *tid, int batch, struct store_acq_totals *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_stmt(
	         s,
	         "SELECT type IN ('purchase', 'completion'), COALESCE(SUM(amount), 0), COUNT(*) "
	         "FROM acq_txns WHERE tid = ? AND batch = ? AND kind = 0 AND rc = '00' AND "
	         "reversed = 0 AND type IN ('purchase', 'completion', 'refund', 'void', "
	         "'completion_void') GROUP BY 1",
	         &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, batch);
	while ((rc = store_row(s, st)) == STORE_OK) {
		if (sqlite3_column_int(st, 0)) {
			out->sales_amount = sqlite3_column_int64(st, 1);
			out->sales_count = sqlite3_column_int(st, 2);
		} else {
			out->refund_amount = sqlite3_column_int64(st, 1);
			out->refund_count = sqlite3_column_int(st, 2);
		}
	}
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

int store_acq_merchant_totals(store *s, const char *mid, int64_t from, int64_t to,
                              int (*fn)(void *ctx, int currency, const struct store_acq_totals *t),
                              void *ctx)
{
	sqlite3_stmt *st;
	struct store_acq_totals t = {0};
	int rc, currency = 0, stop = 0;

	/* The classification of store_acq_totals(), per currency: rows come currency by
	 * currency, and each currency's totals go to fn when the next begins. */
	if ((rc = store_stmt(
	         s,
	         "SELECT currency, type IN ('purchase', 'completion'), COALESCE(SUM(amount), 0), "
	         "COUNT(*) FROM acq_txns WHERE mid = ?1 AND kind = 0 AND rc = '00' AND "
	         "reversed = 0 AND type IN ('purchase', 'completion', 'refund', 'void', "
	         "'completion_void') AND at >= ?2 AND (?3 = 0 OR at < ?3) GROUP BY 1, 2 "
	         "ORDER BY 1",
	         &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, mid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	while (stop == 0 && (rc = store_row(s, st)) == STORE_OK) {
		if (currency != 0 && currency != sqlite3_column_int(st, 0)) {
			stop = fn(ctx, currency, &t);
			memset(&t, 0, sizeof t);
		}
		currency = sqlite3_column_int(st, 0);
		if (sqlite3_column_int(st, 1)) {
			t.sales_amount = sqlite3_column_int64(st, 2);
			t.sales_count = sqlite3_column_int(st, 3);
		} else {
			t.refund_amount = sqlite3_column_int64(st, 2);
			t.refund_count = sqlite3_column_int(st, 3);
		}
	}
	sqlite3_reset(st);
	if (stop != 0)
		return stop;
	if (rc != STORE_ENOTFOUND)
		return rc;
	return currency != 0 ? fn(ctx, currency, &t) : STORE_OK;
}

int store_acq_card_seen(store *s, const char *pan_hash, const char *mid)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "SELECT 1 FROM acq_txns WHERE pan_hash = ? AND mid = ? AND rc = '00' "
	                     "AND reversed = 0 AND kind = 0 LIMIT 1",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, pan_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, mid, -1, SQLITE_STATIC);
	if ((rc = store_row(s, st)) == STORE_OK)
		sqlite3_reset(st);
	return rc;
}

/* ---- tombstones and counters ---- */

int store_acq_tombstone_add(store *s, const char *tid, int batch, const char *stan, int64_t at)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc =
	         store_stmt(s,
	                    "INSERT INTO acq_tombstones (tid, batch, stan, at) VALUES (?, ?, ?, ?) "
	                    "ON CONFLICT DO NOTHING",
	                    &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, batch);
	sqlite3_bind_text(st, 3, stan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, at);
	return store_run(s, st);
}

int store_acq_tombstone_find(store *s, const char *tid, int batch, const char *stan)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(
	         s, "SELECT 1 FROM acq_tombstones WHERE tid = ? AND batch = ? AND stan = ?",
	         &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, batch);
	sqlite3_bind_text(st, 3, stan, -1, SQLITE_STATIC);
	if ((rc = store_row(s, st)) == STORE_OK)
		sqlite3_reset(st);
	return rc;
}

int store_acq_next(store *s, const char *name, int64_t *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO acq_counters (name, value) VALUES (?, 1) ON CONFLICT "
	                     "(name) DO UPDATE SET value = value + 1 RETURNING value",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = store_row(s, st)) != STORE_OK)
		return rc;
	*out = sqlite3_column_int64(st, 0);
	/* Stepped to its end so that the write is complete before the reset. */
	return store_run(s, st);
}
