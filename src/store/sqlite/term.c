/* term.c — the SQLite backend of store_term.h: the reference terminal's tables, their
 * migrations and the queries on them. */
#include "store/sqlite/internal.h"

#include "store/store_term.h"

typedef struct store_term_state state;
typedef struct store_term_txn txn;

/* ---- the terminal ---- */

static const struct store_col state_cols[] = {
    STORE_COLS(state, host, tid, mid, sn, tmk, pik, mak, tdk, dek, hkey, stan, batch, timeout,
               merchant_name, utc_offset, location, qr_cursor, tms_auto)};
static const struct store_row state_row = STORE_ROW(state, state_cols);

#define STATE_COLUMNS                                                                              \
	"host, tid, mid, sn, tmk, pik, mak, tdk, dek, hkey, stan, batch, timeout, merchant_name, " \
	"utc_offset, location, qr_cursor, tms_auto"

/* The one row, made or replaced whole. */
STORE_FN_PUT(
    store_term_state_put, state,
    "INSERT INTO term_state (id, " STATE_COLUMNS
    ") VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO "
    "UPDATE SET host = excluded.host, tid = excluded.tid, mid = excluded.mid, "
    "sn = excluded.sn, tmk = excluded.tmk, pik = excluded.pik, mak = excluded.mak, "
    "tdk = excluded.tdk, dek = excluded.dek, hkey = excluded.hkey, stan = excluded.stan, "
    "batch = excluded.batch, timeout = excluded.timeout, "
    "merchant_name = excluded.merchant_name, utc_offset = excluded.utc_offset, "
    "location = excluded.location, qr_cursor = excluded.qr_cursor, "
    "tms_auto = excluded.tms_auto",
    state_row)

int store_term_state_get(store *s, struct store_term_state *out)
{
	static const struct store_query q =
	    STORE_Q("SELECT " STATE_COLUMNS " FROM term_state WHERE id = 1", NULL, &state_row);

	return store_q_get(s, &q, NULL, out);
}

/* ---- transactions ---- */

/* A new row's columns, its id drawn by the insert (PostgreSQL takes no NULL for it). */
#define TXN_NEW_COLUMNS                                                                            \
	"at, kind, stan, batch, mti, proc, cond, type, entry, amount, currency, sealed, masked, "  \
	"psn, icc, orig, orig_rrn, orig_auth, status, reversible, reason, rc, rrn, auth, date, "   \
	"time, arpc, voided, aid, label, tc, stand_in"
#define TXN_COLUMNS "id, " TXN_NEW_COLUMNS

static const struct store_col txn_cols[] = {
    STORE_COLS(txn, id, at, kind, stan, batch, mti, proc, cond, type, entry, amount, currency)
        STORE_COL_BYTES(txn, sealed, sealed_len),
    STORE_COLS(txn, masked, psn) STORE_COL_BYTES(txn, icc, icc_len),
    STORE_COLS(txn, orig, orig_rrn, orig_auth, status, reversible, reason, rc, rrn, auth, date,
               time, arpc, voided, aid, label, tc, stand_in)};
static const struct store_row txn_row = STORE_ROW(txn, txn_cols);
static const struct store_row txn_new = STORE_ROW_N(txn_cols + 1, 32); /* but the id */
static const struct store_col update_cols[] = {
    STORE_COLS(txn, status, reason, rc, rrn, auth, date, time, arpc, voided, tc, stand_in, id)};
static const struct store_row update_args = STORE_ROW_N(update_cols, 12);
static const struct store_col batch_cols[] = {STORE_COLS(txn, batch)};
static const struct store_row batch_args = STORE_ROW_N(batch_cols, 1);

STORE_FN_INSERT(store_term_txn_insert, txn,
                "INSERT INTO term_txns (" TXN_NEW_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                txn_new)
STORE_FN_UPDATE(store_term_txn_update, txn,
                "UPDATE term_txns SET status = ?, reason = ?, rc = ?, rrn = ?, auth = ?, "
                "date = ?, time = ?, arpc = ?, voided = ?, tc = ?, stand_in = ? WHERE id = ?",
                update_args)

int store_term_txn_find(store *s, enum store_term_key key, const char *value,
                        struct store_term_txn *out)
{
	static const struct store_query q[] = {
	    [STORE_TERM_BY_STAN] = STORE_Q("SELECT " TXN_COLUMNS " FROM term_txns WHERE stan = "
	                                   "CAST(?1 AS BIGINT) ORDER BY id DESC LIMIT 1",
	                                   &store_args_text, &txn_row),
	    [STORE_TERM_BY_RRN] =
	        STORE_Q("SELECT " TXN_COLUMNS " FROM term_txns WHERE rrn = ?1 AND "
	                "rc = '00' ORDER BY id DESC LIMIT 1",
	                &store_args_text, &txn_row),
	    [STORE_TERM_BY_AUTH] = STORE_Q("SELECT " TXN_COLUMNS " FROM term_txns WHERE auth = ?1 "
	                                   "AND rc = '00' ORDER BY id DESC LIMIT 1",
	                                   &store_args_text, &txn_row),
	};

	if ((unsigned)key >= sizeof q / sizeof q[0] || value == NULL)
		return STORE_EARG;
	return store_q_get(s, &q[key], &value, out);
}

int store_term_txn_pending(store *s, struct store_term_txn *out)
{
	static const struct store_query q =
	    STORE_Q("SELECT " TXN_COLUMNS " FROM term_txns WHERE status IN (0, 2) AND "
	            "reversible = 1 ORDER BY id LIMIT 1",
	            NULL, &txn_row);

	return store_q_get(s, &q, NULL, out);
}

int store_term_txn_each(store *s, int batch, int (*fn)(void *ctx, const struct store_term_txn *t),
                        void *ctx)
{
	static const struct store_query q =
	    STORE_Q("SELECT " TXN_COLUMNS " FROM term_txns WHERE batch = ? ORDER BY id",
	            &batch_args, &txn_row);
	txn t = {.batch = batch};

	STORE_WALK(s, &q, &t, t, fn, ctx);
}

/* ---- chip cards ---- */

/* A card's counter, by its PAN's hash: the next value, above `above`. */
int store_term_atc_next(store *s, const char *pan_hash, int above, int *atc)
{
	static const struct store_query q = STORE_Q_RET(
	    "INSERT INTO term_atcs (pan_hash, atc) VALUES (?, ? + 1) ON CONFLICT (pan_hash) "
	    "DO UPDATE SET atc = CASE WHEN term_atcs.atc >= excluded.atc - 1 THEN term_atcs.atc "
	    "ELSE excluded.atc - 1 END + 1 RETURNING atc AS n",
	    &store_args_text_n, &store_row_n);
	struct store_arg_text_n r = {pan_hash, above};
	int rc;

	if ((rc = store_q_get(s, &q, &r, &r)) == STORE_OK)
		*atc = (int)r.n;
	return rc;
}

/* ---- downloads (term.7) ---- */

typedef struct store_term_tms tms_set;

static const struct store_col tms_cols[] = {
    STORE_COLS(tms_set, name, version) STORE_COL_BYTES(tms_set, items, items_len),
    STORE_COLS(tms_set, dl_version, dl_next) STORE_COL_BYTES(tms_set, dl_items, dl_items_len)};
static const struct store_row tms_row = STORE_ROW(tms_set, tms_cols);
static const struct store_row tms_key = STORE_ROW_N(tms_cols, 1);

int store_term_tms_get(store *s, struct store_term_tms *out)
{
	static const struct store_query q =
	    STORE_Q("SELECT name, version, items, dl_version, dl_next, dl_items FROM term_tms "
	            "WHERE name = ?",
	            &tms_key, &tms_row);

	return store_q_get(s, &q, out, out);
}

STORE_FN_PUT(store_term_tms_put, tms_set,
             "INSERT INTO term_tms (name, version, items, dl_version, dl_next, dl_items) "
             "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET version = "
             "excluded.version, items = excluded.items, dl_version = excluded.dl_version, "
             "dl_next = excluded.dl_next, dl_items = excluded.dl_items",
             tms_row)
