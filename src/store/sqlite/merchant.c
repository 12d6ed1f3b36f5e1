/* merchant.c — the SQLite backend of store_merchant.h: merchants' applications, the history of
 * their states, their documents and certificates, the migrations and the queries on them. */
#include "store/sqlite/internal.h"

#include <string.h>

#include "store/store_merchant.h"

static const struct store_migration migrations[] = {
    {1, "CREATE TABLE merchant_apps ("
        " id INTEGER PRIMARY KEY,"
        " state INTEGER NOT NULL,"
        " mid TEXT UNIQUE,"
        " legal_name TEXT NOT NULL, licence TEXT NOT NULL, tax_number TEXT NOT NULL,"
        " rep_name TEXT NOT NULL, rep_id BLOB NOT NULL, rep_id_masked TEXT NOT NULL,"
        " address TEXT NOT NULL, mcc TEXT NOT NULL, phone TEXT NOT NULL,"
        " fee_credit_bp INTEGER NOT NULL, fee_debit_bp INTEGER NOT NULL,"
        " fee_debit_cap INTEGER NOT NULL, fee_qr_bp INTEGER NOT NULL,"
        " limit_daily INTEGER NOT NULL, limit_txn INTEGER NOT NULL,"
        " limit_currency INTEGER NOT NULL, types INTEGER NOT NULL,"
        " next_review INTEGER NOT NULL,"
        " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
        "CREATE INDEX merchant_apps_review ON merchant_apps(next_review) WHERE next_review > 0;"
        "CREATE TABLE merchant_steps ("
        " id INTEGER PRIMARY KEY,"
        " app_id INTEGER NOT NULL REFERENCES merchant_apps(id),"
        " from_state INTEGER NOT NULL, to_state INTEGER NOT NULL,"
        " actor TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL);"
        "CREATE INDEX merchant_steps_app ON merchant_steps(app_id, id);"
        "CREATE TABLE merchant_docs ("
        " id INTEGER PRIMARY KEY,"
        " app_id INTEGER NOT NULL REFERENCES merchant_apps(id),"
        " type TEXT NOT NULL, name TEXT NOT NULL, content_type TEXT NOT NULL,"
        " sha256 TEXT NOT NULL, size INTEGER NOT NULL, at INTEGER NOT NULL,"
        " UNIQUE (app_id, sha256));"
        "CREATE TABLE merchant_certs ("
        " id INTEGER PRIMARY KEY,"
        " app_id INTEGER NOT NULL REFERENCES merchant_apps(id),"
        " number TEXT NOT NULL UNIQUE,"
        " issued INTEGER NOT NULL, valid_until INTEGER NOT NULL);"
        "CREATE INDEX merchant_certs_app ON merchant_certs(app_id, id);"},
};

const struct store_module store_module_merchant = {"merchant", migrations,
                                                   sizeof migrations / sizeof migrations[0]};

/* ---- applications ---- */

#define APP_COLUMNS                                                                                \
	"state, mid, legal_name, licence, tax_number, rep_name, rep_id, rep_id_masked, address, "  \
	"mcc, phone, fee_credit_bp, fee_debit_bp, fee_debit_cap, fee_qr_bp, limit_daily, "         \
	"limit_txn, limit_currency, types, next_review, updated_at, created_at, id"

/* Binds a's columns in APP_COLUMNS order from ?1, but for created_at and id (the last two):
 * an insert binds created_at as ?22, an update the id as ?22. */
static void bind_app(sqlite3_stmt *st, const struct store_merchant_app *a)
{
	if (a->mid[0] != '\0')
		sqlite3_bind_text(st, 2, a->mid, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int(st, 1, a->state);
	sqlite3_bind_text(st, 3, a->legal_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->licence, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->tax_number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, a->rep_name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, a->rep_id.v, (int)a->rep_id.len, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, a->rep_id_masked, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, a->address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, a->mcc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, a->phone, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 12, a->fee_credit_bp);
	sqlite3_bind_int(st, 13, a->fee_debit_bp);
	sqlite3_bind_int64(st, 14, a->fee_debit_cap);
	sqlite3_bind_int(st, 15, a->fee_qr_bp);
	sqlite3_bind_int64(st, 16, a->limit_daily);
	sqlite3_bind_int64(st, 17, a->limit_txn);
	sqlite3_bind_int(st, 18, a->limit_currency);
	sqlite3_bind_int64(st, 19, a->types);
	sqlite3_bind_int64(st, 20, a->next_review);
	sqlite3_bind_int64(st, 21, a->updated_at);
}

static void read_app(sqlite3_stmt *st, struct store_merchant_app *a)
{
	memset(a, 0, sizeof *a);
	a->state = sqlite3_column_int(st, 0);
	store_column_text(st, 1, a->mid, sizeof a->mid);
	store_column_text(st, 2, a->legal_name, sizeof a->legal_name);
	store_column_text(st, 3, a->licence, sizeof a->licence);
	store_column_text(st, 4, a->tax_number, sizeof a->tax_number);
	store_column_text(st, 5, a->rep_name, sizeof a->rep_name);
	store_column_sealed(st, 6, &a->rep_id);
	store_column_text(st, 7, a->rep_id_masked, sizeof a->rep_id_masked);
	store_column_text(st, 8, a->address, sizeof a->address);
	store_column_text(st, 9, a->mcc, sizeof a->mcc);
	store_column_text(st, 10, a->phone, sizeof a->phone);
	a->fee_credit_bp = sqlite3_column_int(st, 11);
	a->fee_debit_bp = sqlite3_column_int(st, 12);
	a->fee_debit_cap = sqlite3_column_int64(st, 13);
	a->fee_qr_bp = sqlite3_column_int(st, 14);
	a->limit_daily = sqlite3_column_int64(st, 15);
	a->limit_txn = sqlite3_column_int64(st, 16);
	a->limit_currency = sqlite3_column_int(st, 17);
	a->types = (unsigned)sqlite3_column_int64(st, 18);
	a->next_review = sqlite3_column_int64(st, 19);
	a->updated_at = sqlite3_column_int64(st, 20);
	a->created_at = sqlite3_column_int64(st, 21);
	a->id = sqlite3_column_int64(st, 22);
}

int store_merchant_app_insert(store *s, struct store_merchant_app *a)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO merchant_apps (" APP_COLUMNS ") VALUES (?1, ?2, ?3, ?4, "
	                     "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
	                     "?19, ?20, ?21, ?22, NULL)",
	                     &st)) != STORE_OK)
		return rc;
	bind_app(st, a);
	sqlite3_bind_int64(st, 22, a->created_at);
	if ((rc = store_run(s, st)) == STORE_OK)
		a->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

/* The one row st (bound) selects. */
static int get_app(store *s, sqlite3_stmt *st, struct store_merchant_app *out)
{
	int rc;

	if ((rc = store_row(s, st)) == STORE_OK) {
		read_app(st, out);
		sqlite3_reset(st);
	}
	return rc;
}

int store_merchant_app_get(store *s, int64_t id, struct store_merchant_app *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "SELECT " APP_COLUMNS " FROM merchant_apps WHERE id = ?", &st)) !=
	    STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	return get_app(s, st, out);
}

int store_merchant_app_by_mid(store *s, const char *mid, struct store_merchant_app *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "SELECT " APP_COLUMNS " FROM merchant_apps WHERE mid = ?", &st)) !=
	    STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, mid, -1, SQLITE_STATIC);
	return get_app(s, st, out);
}

int store_merchant_app_update(store *s, const struct store_merchant_app *a)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "UPDATE merchant_apps SET state = ?1, mid = ?2, legal_name = ?3, "
	                     "licence = ?4, tax_number = ?5, rep_name = ?6, rep_id = ?7, "
	                     "rep_id_masked = ?8, address = ?9, mcc = ?10, phone = ?11, "
	                     "fee_credit_bp = ?12, fee_debit_bp = ?13, fee_debit_cap = ?14, "
	                     "fee_qr_bp = ?15, limit_daily = ?16, limit_txn = ?17, "
	                     "limit_currency = ?18, types = ?19, next_review = ?20, "
	                     "updated_at = ?21 WHERE id = ?22",
	                     &st)) != STORE_OK)
		return rc;
	bind_app(st, a);
	sqlite3_bind_int64(st, 22, a->id);
	return store_update(s, st);
}

int store_merchant_app_list(store *s, const struct store_merchant_app_filter *f,
                            int (*fn)(void *ctx, const struct store_merchant_app *a), void *ctx)
{
	sqlite3_stmt *st;
	struct store_merchant_app a;
	int rc, stop = 0;

	if ((rc = store_stmt(s,
	                     "SELECT " APP_COLUMNS " FROM merchant_apps WHERE id > ?1"
	                     " AND (?2 = 0 OR state = ?2) AND (?3 = '' OR mid = ?3)"
	                     " AND (?4 = 0 OR (next_review > 0 AND next_review <= ?4))"
	                     " ORDER BY id LIMIT ?5",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, f->after_id);
	sqlite3_bind_int(st, 2, f->state);
	sqlite3_bind_text(st, 3, f->mid != NULL ? f->mid : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, f->due_by);
	sqlite3_bind_int64(st, 5, f->limit > 0 ? (sqlite3_int64)f->limit : -1);
	while (stop == 0 && (rc = store_row(s, st)) == STORE_OK) {
		read_app(st, &a);
		stop = fn(ctx, &a);
	}
	sqlite3_reset(st);
	if (stop != 0)
		return stop;
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

/* ---- the history of states ---- */

int store_merchant_step_insert(store *s, struct store_merchant_step *h)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO merchant_steps (app_id, from_state, to_state, actor, "
	                     "reason, at) VALUES (?, ?, ?, ?, ?, ?)",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, h->app_id);
	sqlite3_bind_int(st, 2, h->from);
	sqlite3_bind_int(st, 3, h->to);
	sqlite3_bind_text(st, 4, h->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, h->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, h->at);
	if ((rc = store_run(s, st)) == STORE_OK)
		h->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_merchant_step_list(store *s, int64_t app_id,
                             int (*fn)(void *ctx, const struct store_merchant_step *h), void *ctx)
{
	sqlite3_stmt *st;
	struct store_merchant_step h;
	int rc, stop = 0;

	if ((rc = store_stmt(s,
	                     "SELECT id, app_id, from_state, to_state, actor, reason, at FROM "
	                     "merchant_steps WHERE app_id = ? ORDER BY id",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, app_id);
	while (stop == 0 && (rc = store_row(s, st)) == STORE_OK) {
		memset(&h, 0, sizeof h);
		h.id = sqlite3_column_int64(st, 0);
		h.app_id = sqlite3_column_int64(st, 1);
		h.from = sqlite3_column_int(st, 2);
		h.to = sqlite3_column_int(st, 3);
		store_column_text(st, 4, h.actor, sizeof h.actor);
		store_column_text(st, 5, h.reason, sizeof h.reason);
		h.at = sqlite3_column_int64(st, 6);
		stop = fn(ctx, &h);
	}
	sqlite3_reset(st);
	if (stop != 0)
		return stop;
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

/* ---- documents ---- */

int store_merchant_doc_insert(store *s, struct store_merchant_doc *d)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO merchant_docs (app_id, type, name, content_type, sha256, "
	                     "size, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, d->app_id);
	sqlite3_bind_text(st, 2, d->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->content_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, d->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, d->size);
	sqlite3_bind_int64(st, 7, d->at);
	if ((rc = store_run(s, st)) == STORE_OK)
		d->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_merchant_doc_list(store *s, int64_t app_id,
                            int (*fn)(void *ctx, const struct store_merchant_doc *d), void *ctx)
{
	sqlite3_stmt *st;
	struct store_merchant_doc d;
	int rc, stop = 0;

	if ((rc = store_stmt(s,
	                     "SELECT id, app_id, type, name, content_type, sha256, size, at FROM "
	                     "merchant_docs WHERE app_id = ? ORDER BY id",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, app_id);
	while (stop == 0 && (rc = store_row(s, st)) == STORE_OK) {
		memset(&d, 0, sizeof d);
		d.id = sqlite3_column_int64(st, 0);
		d.app_id = sqlite3_column_int64(st, 1);
		store_column_text(st, 2, d.type, sizeof d.type);
		store_column_text(st, 3, d.name, sizeof d.name);
		store_column_text(st, 4, d.content_type, sizeof d.content_type);
		store_column_text(st, 5, d.sha256, sizeof d.sha256);
		d.size = sqlite3_column_int64(st, 6);
		d.at = sqlite3_column_int64(st, 7);
		stop = fn(ctx, &d);
	}
	sqlite3_reset(st);
	if (stop != 0)
		return stop;
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

/* ---- certificates ---- */

int store_merchant_cert_insert(store *s, struct store_merchant_cert *c)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO merchant_certs (app_id, number, issued, valid_until) "
	                     "VALUES (?, ?, ?, ?)",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, c->app_id);
	sqlite3_bind_text(st, 2, c->number, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->issued);
	sqlite3_bind_int64(st, 4, c->valid_until);
	if ((rc = store_run(s, st)) == STORE_OK)
		c->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_merchant_cert_last(store *s, int64_t app_id, struct store_merchant_cert *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "SELECT id, app_id, number, issued, valid_until FROM merchant_certs "
	                     "WHERE app_id = ? ORDER BY id DESC LIMIT 1",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, app_id);
	if ((rc = store_row(s, st)) == STORE_OK) {
		memset(out, 0, sizeof *out);
		out->id = sqlite3_column_int64(st, 0);
		out->app_id = sqlite3_column_int64(st, 1);
		store_column_text(st, 2, out->number, sizeof out->number);
		out->issued = sqlite3_column_int64(st, 3);
		out->valid_until = sqlite3_column_int64(st, 4);
		sqlite3_reset(st);
	}
	return rc;
}
