/* acquirer.c — the SQLite backend of store_acquirer.h: the acquirer's tables (merchants,
 * terminals, terminal requests, reversal tombstones, counters, risk events), their migrations
 * and the queries on them. */
#include "store/sqlite/internal.h"

#include <string.h>

#include "store/store_acquirer.h"

typedef struct store_merchant merchant;
typedef struct store_terminal terminal;
typedef struct store_terminal_filter terminal_filter;
typedef struct store_terminal_activity activity;
typedef struct store_risk_event risk_event;
typedef struct store_acq_txn txn;
typedef struct store_acq_txn_filter txn_filter;

/* ---- merchants ---- */

static const struct store_col merchant_cols[] = {
    STORE_COLS(merchant, mid, name, mcc, status, created_at)};
static const struct store_row merchant_row = STORE_ROW(merchant, merchant_cols);
/* Its MID (?1) and name (?2), what store_merchant_set_name() binds. */
static const struct store_row merchant_name_args = STORE_ROW_N(merchant_cols, 2);

int store_merchant_insert(store *s, const struct store_merchant *m)
{
	/* A MID taken is no row written, not a failure: PostgreSQL ends a transaction at a
	 * failed statement, and onboarding tries the next MID in the same one. */
	static const struct store_query q =
	    STORE_Q("INSERT INTO merchants (mid, name, mcc, status, created_at) VALUES (?, ?, ?, "
	            "?, ?) ON CONFLICT (mid) DO NOTHING",
	            &merchant_row, NULL);
	int rc = store_q_update(s, &q, m);

	return rc == STORE_ENOTFOUND ? STORE_EEXIST : rc;
}
STORE_FN_GET(store_merchant_get, const char *, merchant,
             "SELECT mid, name, mcc, status, created_at FROM merchants WHERE mid = ?",
             store_args_text, merchant_row)

STORE_FN_UPDATE(store_merchant_set_name, merchant, "UPDATE merchants SET name = ?2 WHERE mid = ?1",
                merchant_name_args)

int store_merchant_set_status(store *s, const char *mid, int status)
{
	static const struct store_query q =
	    STORE_Q("UPDATE merchants SET status = ?2 WHERE mid = ?1", &store_args_text_n, NULL);

	return store_q_update(s, &q, &(struct store_arg_text_n){mid, status});
}

/* ---- terminals ---- */

#define TERMINAL_COLUMNS                                                                           \
	"tid, mid, sn, status, tmk, pik, mak, tdk, batch, signed_in, last_seen, created_at, "      \
	"address, lat, lon, version, last_signin, next_review, tmk_issued, reported_lat, "         \
	"reported_lon, reported_at, model, params_held, capk_held, aid_held, update_failed, "      \
	"tms_pending"

static const struct store_col terminal_cols[] = {STORE_COLS(
    terminal, tid, mid, sn, status, tmk, pik, mak, tdk, batch, signed_in, last_seen, created_at,
    address, lat, lon, version, last_signin, next_review, tmk_issued, reported_lat, reported_lon,
    reported_at, model, params_held, capk_held, aid_held, update_failed, tms_pending)};
static const struct store_row terminal_row = STORE_ROW(terminal, terminal_cols);
/* Its columns up to update_failed (?27): all that store_terminal_update() writes, tms_pending
 * (the last) not among them. */
static const struct store_row terminal_update_args = STORE_ROW_N(terminal_cols, 27);
/* Its columns up to reported_at (?22), the last that store_terminal_set_reported() writes. */
static const struct store_row terminal_reported_args = STORE_ROW_N(terminal_cols, 22);
static const struct store_col terminal_filter_cols[] = {
    STORE_COLS(terminal_filter, mid, after, review_by, limit)};
static const struct store_row terminal_filter_args = STORE_ROW_N(terminal_filter_cols, 4);

/* A terminal's activity: its last request, then its reversals (of its TID and batch). */
static const struct store_col activity_last_cols[] = {
    STORE_COLS(activity, last_at, last_type, last_rc, last_rrn, last_amount, last_currency)};
static const struct store_row activity_last = STORE_ROW_N(activity_last_cols, 6);
static const struct store_col activity_reversal_cols[] = {
    STORE_COLS(activity, reversals_batch, reversals)};
static const struct store_row activity_reversals = STORE_ROW_N(activity_reversal_cols, 2);

STORE_FN_PUT(store_terminal_insert, terminal,
             "INSERT INTO terminals (" TERMINAL_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
             "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             terminal_row)
STORE_FN_GET(store_terminal_get, const char *, terminal,
             "SELECT " TERMINAL_COLUMNS " FROM terminals WHERE tid = ?", store_args_text,
             terminal_row)
/* Numbered as in TERMINAL_COLUMNS: ?1 the TID; ?12, its creation, is not written. */
STORE_FN_UPDATE(store_terminal_update, terminal,
                "UPDATE terminals SET mid = ?2, sn = ?3, status = ?4, tmk = ?5, pik = ?6, "
                "mak = ?7, tdk = ?8, batch = ?9, signed_in = ?10, last_seen = ?11, address = ?13, "
                "lat = ?14, lon = ?15, version = ?16, last_signin = ?17, next_review = ?18, "
                "tmk_issued = ?19, reported_lat = ?20, reported_lon = ?21, reported_at = ?22, "
                "model = ?23, params_held = ?24, capk_held = ?25, aid_held = ?26, "
                "update_failed = ?27 WHERE tid = ?1",
                terminal_update_args)

/* tms_pending alone, in one statement over the row as it is then: a mark that landed since
 * the row was read (store_tms_mark()) is kept. */
struct pending_arg {
	const char *tid;
	int64_t keep, add;
};
static const struct store_col pending_cols[] = {STORE_COLS(struct pending_arg, tid, keep, add)};
static const struct store_row pending_args = STORE_ROW_N(pending_cols, 3);

int store_terminal_pending(store *s, const char *tid, int64_t keep, int64_t add)
{
	static const struct store_query q =
	    STORE_Q("UPDATE terminals SET tms_pending = (tms_pending & ?2) | ?3 WHERE tid = ?1",
	            &pending_args, NULL);

	return store_q_update(s, &q, &(struct pending_arg){tid, keep, add});
}
/* The reported location alone (?20 to ?22), leaving every other column as it is. */
STORE_FN_UPDATE(store_terminal_set_reported, terminal,
                "UPDATE terminals SET reported_lat = ?20, reported_lon = ?21, reported_at = ?22 "
                "WHERE tid = ?1",
                terminal_reported_args)
STORE_FN_EACH_FILTER(store_terminal_list, terminal_filter, terminal,
                     "SELECT " TERMINAL_COLUMNS " FROM terminals WHERE (?1 = '' OR mid = ?1) "
                     "AND tid > ?2 AND (?3 = 0 OR (status = 1 AND next_review <= ?3)) "
                     "ORDER BY tid LIMIT ?4",
                     terminal_filter_args, terminal_row)

int store_terminal_activity(store *s, const char *tid, int batch,
                            struct store_terminal_activity *out)
{
	/* The unique (tid, batch, stan, kind) index finds the terminal's latest batch and its
	 * rows: an index of (tid, id) for this report cost every payment a page. */
	static const struct store_query last_q = STORE_Q(
	    "SELECT at AS last_at, type AS last_type, rc AS last_rc, rrn AS last_rrn, amount AS "
	    "last_amount, currency AS last_currency FROM acq_txns WHERE tid = ?1 AND batch = (SELECT "
	    "max(batch) FROM acq_txns WHERE tid = ?1) ORDER BY id DESC LIMIT 1",
	    &store_args_text, &activity_last);
	static const struct store_query reversals_q =
	    STORE_Q("SELECT COUNT(*) FILTER (WHERE batch = ?2) AS reversals_batch, "
	            "COUNT(*) AS reversals FROM acq_txns WHERE tid = ?1 AND kind = 1",
	            &store_args_text_n, &activity_reversals);
	struct store_arg_text_n a = {tid, batch};
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_q_get(s, &last_q, &a, out)) != STORE_OK && rc != STORE_ENOTFOUND)
		return rc;
	return store_q_get(s, &reversals_q, &a, out);
}

/* ---- risk events ---- */

static const struct store_col risk_event_cols[] = {
    STORE_COLS(risk_event, id, at, kind, tid, detail)};
static const struct store_row risk_event_row = STORE_ROW(risk_event, risk_event_cols);
static const struct store_row risk_event_new = STORE_ROW_N(risk_event_cols + 1, 4); /* no id */

STORE_FN_INSERT(store_risk_event_add, risk_event,
                "INSERT INTO risk_events (at, kind, tid, detail) VALUES (?, ?, ?, ?)",
                risk_event_new)
STORE_FN_EACH_KEY(store_risk_event_list, const char *, risk_event,
                  "SELECT id, at, kind, tid, detail FROM risk_events WHERE ?1 = '' OR tid = ?1 "
                  "ORDER BY id",
                  store_args_text, risk_event_row)

/* ---- terminal requests ---- */

/* A new row's columns, its id drawn by the insert (PostgreSQL takes no NULL for it). */
#define TXN_NEW_COLUMNS                                                                            \
	"at, tid, mid, batch, stan, kind, type, amount, currency, masked, pan_hash, rrn, "         \
	"auth_code, rc, reason, decision_id, net_stan, original_id, reversed, settle_date, "       \
	"voided, refunded, original_rrn, completed, channel, route"
#define TXN_COLUMNS "id, " TXN_NEW_COLUMNS
/* A row as read: a terminal's request (the link's: LINK_ENTRIES). */
#define TXN_READ TXN_COLUMNS ", 0 AS source, '' AS acquirer, 0 AS op"

static const struct store_col txn_cols[] = {STORE_COLS(
    txn, id, at, tid, mid, batch, stan, kind, type, amount, currency, masked, pan_hash, rrn,
    auth_code, rc, reason, decision_id, net_stan, original_id, reversed, settle_date, voided,
    refunded, original_rrn, completed, channel, route, source, acquirer, op)};
static const struct store_row txn_row = STORE_ROW(txn, txn_cols);
static const struct store_row txn_new = STORE_ROW_N(txn_cols + 1, 26); /* but the id */
static const struct store_col txn_update_cols[] = {
    STORE_COLS(txn, reversed, voided, refunded, completed, id)};
static const struct store_row txn_update_args = STORE_ROW_N(txn_update_cols, 5);
static const struct store_col txn_decided_cols[] = {
    STORE_COLS(txn, rc, reason, auth_code, original_id, original_rrn, id)};
static const struct store_row txn_decided_args = STORE_ROW_N(txn_decided_cols, 6);
/* In the order of TXN_SEARCH's parameters. */
static const struct store_col txn_filter_cols[] = {
    STORE_COLS(txn_filter, after_id, from, to, tid, mid, card, amount, status, limit, channel)};
static const struct store_row txn_filter_args = STORE_ROW_N(txn_filter_cols, 10);

/* A request by its TID, batch, STAN and kind; a tombstone by the first three and its time. */
struct key_args {
	const char *tid;
	int batch;
	const char *stan;
	int kind;
	int64_t at;
};
static const struct store_col key_cols[] = {STORE_COLS(struct key_args, tid, batch, stan, kind)};
static const struct store_row key_args = STORE_ROW_N(key_cols, 4);
static const struct store_col tombstone_cols[] = {
    STORE_COLS(struct key_args, tid, batch, stan, at)};
static const struct store_row tombstone_args = STORE_ROW_N(tombstone_cols, 4);
static const struct store_row tombstone_key = STORE_ROW_N(tombstone_cols, 3);

STORE_FN_INSERT(store_acq_txn_insert, txn,
                "INSERT INTO acq_txns (" TXN_NEW_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                txn_new)

int store_acq_claim(store *s, const char *tid, int batch, const char *stan)
{
	/* A transaction-level advisory lock on the identity's hash (released at the commit or
	 * rollback); a hash two identities share only makes one wait for the other. Not waited
	 * for (STORE_Q_DEFER): the next statement runs after it, the lock held. */
	static const struct store_query q = STORE_Q_DEFERRED(
	    STORE_SQL(
	        "SELECT 1 AS n",
	        "SELECT 1 AS n FROM (SELECT pg_advisory_xact_lock(hashtextextended(? || '/' || "
	        "CAST(? AS TEXT) || '/' || ?, 0))) AS l"),
	    &tombstone_key);

	if (s->engine == NULL)
		return STORE_OK;
	return store_q_update(s, &q, &(struct key_args){tid, batch, stan, 0, 0});
}

int store_acq_txn_find(store *s, const char *tid, int batch, const char *stan, int kind,
                       struct store_acq_txn *out)
{
	static const struct store_query q =
	    STORE_Q("SELECT " TXN_READ " FROM acq_txns WHERE tid = ? AND batch = ? AND "
	            "stan = ? AND kind = ?",
	            &key_args, &txn_row);

	return store_q_get(s, &q, &(struct key_args){tid, batch, stan, kind, 0}, out);
}

STORE_FN_UPDATE(store_acq_txn_update, txn,
                "UPDATE acq_txns SET reversed = ?, voided = ?, refunded = ?, completed = ? "
                "WHERE id = ?",
                txn_update_args)
STORE_FN_UPDATE(store_acq_txn_decided, txn,
                "UPDATE acq_txns SET rc = ?, reason = ?, auth_code = ?, original_id = ?, "
                "original_rrn = ? WHERE id = ?",
                txn_decided_args)
STORE_FN_GET(store_acq_txn_get, int64_t, txn, "SELECT " TXN_READ " FROM acq_txns WHERE id = ?",
             store_args_id, txn_row)
STORE_FN_GET(store_acq_txn_by_rrn, const char *, txn,
             "SELECT " TXN_READ " FROM acq_txns WHERE rrn = ? AND rrn != '' AND kind = 0 "
             "ORDER BY id DESC LIMIT 1",
             store_args_text, txn_row)

/* An original by its type, card and auth code. */
struct auth_args {
	const char *type, *pan_hash, *auth_code;
};
static const struct store_col auth_cols[] = {
    STORE_COLS(struct auth_args, type, pan_hash, auth_code)};
static const struct store_row auth_args = STORE_ROW_N(auth_cols, 3);

int store_acq_txn_by_auth(store *s, const char *type, const char *pan_hash, const char *auth_code,
                          struct store_acq_txn *out)
{
	/* The (pan_hash, mid) index finds the card's rows. */
	static const struct store_query q =
	    STORE_Q("SELECT " TXN_READ
	            " FROM acq_txns WHERE type = ?1 AND pan_hash = ?2 AND auth_code = ?3 "
	            "AND auth_code != '' AND kind = 0 AND rc = '00' ORDER BY id DESC LIMIT 1",
	            &auth_args, &txn_row);

	return store_q_get(s, &q, &(struct auth_args){type, pan_hash, auth_code}, out);
}

#define STR_(x)     #x
#define STR(x)      STR_(x)
#define OPS_PAYMENT "(" STR(STORE_OP_COMPLETION) ", " STR(STORE_OP_PURCHASE) ")"
#define OPS_VOIDS   "(" STR(STORE_OP_COMPLETION_VOID) ", " STR(STORE_OP_VOID) ")"
#define OPS_FOLLOW_UPS                                                                             \
	"(" STR(STORE_OP_PREAUTH_CANCEL) ", " STR(STORE_OP_COMPLETION) ", " STR(                   \
	    STORE_OP_COMPLETION_VOID) ", " STR(STORE_OP_VOID) ", " STR(STORE_OP_REFUND) ")"
/* The approved decisions of ops naming d as their original (the partial index of original_id). */
#define NAMING_D(OPS)                                                                              \
	"FROM decisions AS v WHERE v.original_id = d.id AND v.original_id != 0 AND v.op IN " OPS   \
	" AND v.rc = '00'"

/* The link's requests (the issuer's decisions of them, but reversals) after ?1, as rows: a
 * payment approved is voided when a void of it stands, and what is no longer remaining of it
 * was refunded; a pre-authorization is cancelled (voided) when a cancel of it was approved,
 * and completed by its completions' amount; a follow-up names its original's RRN. Their type
 * is the acquirer's to name from op, but a pre-authorization's, which the status reads. */
/* clang-format off */
#define LINK_ENTRIES                                                                               \
	"SELECT id, at, tid, mid, batch, stan, kind, type, amount, currency, masked, pan_hash, "   \
	"rrn, auth_code, rc, reason, decision_id, net_stan, original_id, reversed, settle_date, "  \
	"voided, CASE WHEN paid = 1 AND voided = 0 AND reversed = 0 THEN amount - remaining "      \
	"ELSE 0 END AS refunded, original_rrn, completed, 'card' AS channel, '' AS route, source, acquirer, op FROM (SELECT d.id AS id, " \
	"d.at AS at, '' AS tid, '' AS mid, 0 AS batch, d.stan AS stan, 0 AS kind, CASE WHEN "      \
	"d.op = " STR(STORE_OP_PREAUTH) " THEN 'preauth' ELSE '' END AS type, d.amount AS "        \
	"amount, d.currency AS currency, COALESCE(c.masked, '') AS masked, '' AS pan_hash, d.rrn " \
	"AS rrn, d.auth_code AS auth_code, d.rc AS rc, d.reason AS reason, d.id AS decision_id, "  \
	"'' AS net_stan, d.original_id AS original_id, d.reversed AS reversed, '' AS settle_date," \
	" CASE WHEN d.rc = '00' AND d.op IN " OPS_PAYMENT " THEN 1 ELSE 0 END AS paid, "           \
	"d.remaining AS remaining, CASE WHEN d.rc = '00' AND ((d.remaining = 0 AND d.op IN "       \
	OPS_PAYMENT " AND EXISTS (SELECT 1 " NAMING_D(OPS_VOIDS) " AND v.reversed = 0)) OR "        \
	"(d.op = " STR(STORE_OP_PREAUTH) " AND EXISTS (SELECT 1 "                                  \
	NAMING_D("(" STR(STORE_OP_PREAUTH_CANCEL) ")") "))) THEN 1 ELSE 0 END AS voided, "         \
	"CASE WHEN d.op = " STR(STORE_OP_PREAUTH) " AND d.rc = '00' THEN (SELECT "                 \
	"COALESCE(SUM(v.amount), 0) " NAMING_D("(" STR(STORE_OP_COMPLETION) ")") ") ELSE 0 END "   \
	"AS completed, COALESCE(o.rrn, '') AS original_rrn, 1 AS source, d.acquirer AS acquirer, " \
	"d.op AS op FROM decisions AS d LEFT JOIN cards AS c ON c.id = d.card_id LEFT JOIN "       \
	"decisions AS o ON o.id = d.original_id AND d.op IN " OPS_FOLLOW_UPS " WHERE d.link = 1 "  \
	"AND d.id > ?1 AND d.op != " STR(STORE_OP_REVERSAL) ") AS link"
/* clang-format on */

/* The status of a row as acquirer_txn_status() reads it (enum store_acq_status's numbers). */
#define TXN_STATUS                                                                                 \
	"CASE WHEN rc != '00' THEN 2 WHEN reversed != 0 THEN 3 WHEN voided != 0 AND "              \
	"type = 'preauth' THEN 6 WHEN voided != 0 THEN 4 WHEN completed > 0 THEN 7 WHEN "          \
	"refunded > 0 AND refunded >= amount THEN 5 ELSE 1 END"

/* The search of store_acq_txn_search(), FROM its rows after ?1 and MID_TEST its test of the
 * merchant: an empty or zero criterion matches every row; a card of 4 characters is its last
 * 4. */
#define TXN_SEARCH(FROM, MID_TEST)                                                                 \
	FROM " AND " MID_TEST " AND at >= ?2 AND (?3 = 0 OR at < ?3) AND (?4 = '' OR tid = ?4) "   \
	     "AND (?6 = '' OR masked = ?6 OR (length(?6) = 4 AND "                                 \
	     "substr(masked, length(masked) - 3) = ?6)) AND (?7 < 0 OR amount = ?7) AND "          \
	     "(?8 = 0 OR " TXN_STATUS                                                              \
	     " = ?8) AND (?10 = '' OR channel = ?10) ORDER BY id LIMIT ?9"
#define TERMINAL_ROWS "SELECT " TXN_READ " FROM acq_txns WHERE kind = 0 AND id > ?1"

/* A merchant's search (every search of a merchant's token) walks the (mid, id) index from
 * after_id; an "or any merchant" test in the same statement would make SQLite read every row
 * instead. The link's requests have no terminal or merchant of the host's. */
static const struct store_query txn_search_mid_q =
    STORE_Q(TXN_SEARCH(TERMINAL_ROWS, "mid = ?5"), &txn_filter_args, &txn_row);
static const struct store_query txn_search_q =
    STORE_Q(TXN_SEARCH(TERMINAL_ROWS, "?5 = ''"), &txn_filter_args, &txn_row);
static const struct store_query txn_search_link_q =
    STORE_Q(TXN_SEARCH("SELECT * FROM (" LINK_ENTRIES ") AS entries WHERE ?4 = ''", "?5 = ''"),
            &txn_filter_args, &txn_row);

/* The link's request of an RRN: ?1, LINK_ENTRIES' id to read after, is 0. A follow-up over
 * the link names its original by repeating its RRN (field 37): the original is the one shown,
 * the follow-ups only when no other has the RRN. */
struct link_rrn_args {
	int64_t after;
	const char *rrn;
};
static const struct store_col link_rrn_cols[] = {STORE_COLS(struct link_rrn_args, after, rrn)};
static const struct store_row link_rrn_args = STORE_ROW_N(link_rrn_cols, 2);

int store_acq_link_by_rrn(store *s, const char *rrn, struct store_acq_txn *out)
{
	static const struct store_query q = STORE_Q(
	    "SELECT * FROM (" LINK_ENTRIES
	    ") AS entries WHERE rrn = ?2 ORDER BY op IN " OPS_FOLLOW_UPS ", id DESC LIMIT 1",
	    &link_rrn_args, &txn_row);

	return store_q_get(s, &q, &(struct link_rrn_args){0, rrn}, out);
}

int store_acq_txn_search(store *s, const struct store_acq_txn_filter *f,
                         int (*fn)(void *ctx, const struct store_acq_txn *t), void *ctx)
{
	bool by_mid = f->mid != NULL && f->mid[0] != '\0';
	txn t;

	STORE_WALK(s,
	           f->source == STORE_ACQ_LINK ? &txn_search_link_q
	           : by_mid                    ? &txn_search_mid_q
	                                       : &txn_search_q,
	           f, t, fn, ctx);
}

/* The rows a terminal's QR results read (the unique (tid, batch, stan, kind) index finds its
 * batch 0). */
struct qr_results_args {
	const char *tid;
	int64_t after_id, since;
	size_t limit;
};
static const struct store_col qr_results_cols[] = {
    STORE_COLS(struct qr_results_args, tid, after_id, since, limit)};
static const struct store_row qr_results_args = STORE_ROW_N(qr_results_cols, 4);

int store_acq_qr_results(store *s, const char *tid, int64_t after_id, int64_t since, size_t limit,
                         int (*fn)(void *ctx, const struct store_acq_txn *t), void *ctx)
{
	static const struct store_query q =
	    STORE_Q("SELECT " TXN_READ " FROM acq_txns WHERE tid = ?1 AND batch = 0 AND kind = 0 "
	            "AND channel = 'qr' AND type = 'purchase' AND rc = '00' AND reversed = 0 AND "
	            "id > ?2 AND at >= ?3 ORDER BY id LIMIT ?4",
	            &qr_results_args, &txn_row);
	struct qr_results_args a = {tid, after_id, since, limit};
	txn t;

	STORE_WALK(s, &q, &a, t, fn, ctx);
}

/* ---- totals ---- */

/* A row of totals: payments (sales) or what goes back, for a currency. */
struct totals_row {
	int currency;
	bool sales;
	int64_t amount;
	int count;
};
static const struct store_col totals_cols[] = {
    STORE_COLS(struct totals_row, currency, sales, amount, count)};
static const struct store_row totals_row = STORE_ROW(struct totals_row, totals_cols);
static const struct store_row totals_batch_row = STORE_ROW_N(totals_cols + 1, 3);

/* Whose totals: a terminal's batch (tid, batch) or a merchant's time (mid, from, to). */
struct totals_args {
	const char *who;
	int batch;
	int64_t from, to;
};
static const struct store_col totals_args_cols[] = {STORE_COLS(struct totals_args, who, batch)};
static const struct store_row totals_batch_args = STORE_ROW_N(totals_args_cols, 2);
static const struct store_col totals_time_cols[] = {STORE_COLS(struct totals_args, who, from, to)};
static const struct store_row totals_time_args = STORE_ROW_N(totals_time_cols, 3);

#define TOTALS_OF                                                                                  \
	"type IN ('purchase', 'completion') AS sales, COALESCE(SUM(amount), 0) AS amount, "        \
	"COUNT(*) AS count FROM acq_txns WHERE "
#define TOTALS_WHICH                                                                               \
	" AND kind = 0 AND rc = '00' AND reversed = 0 AND type IN ('purchase', 'completion', "     \
	"'refund', 'void', 'completion_void')"

/* Adds a row of totals to t. */
static void totals_add(const struct totals_row *r, struct store_acq_totals *t)
{
	if (r->sales) {
		t->sales_amount = r->amount;
		t->sales_count = r->count;
	} else {
		t->refund_amount = r->amount;
		t->refund_count = r->count;
	}
}

int store_acq_totals(store *s, const char *tid, int batch, struct store_acq_totals *out)
{
	static const struct store_query q =
	    STORE_Q("SELECT " TOTALS_OF "tid = ? AND batch = ?" TOTALS_WHICH " GROUP BY 1",
	            &totals_batch_args, &totals_batch_row);
	struct totals_row r;
	struct store_cursor st;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_q_open(s, &q, &(struct totals_args){.who = tid, .batch = batch}, &st)) !=
	    STORE_OK)
		return rc;
	while ((rc = store_q_next(s, &st, &q, &r)) == STORE_OK)
		totals_add(&r, out);
	return store_q_end(&st, rc, 0);
}

int store_acq_merchant_totals(store *s, const char *mid, int64_t from, int64_t to,
                              int (*fn)(void *ctx, int currency, const struct store_acq_totals *t),
                              void *ctx)
{
	/* The classification of store_acq_totals(), per currency. */
	static const struct store_query q =
	    STORE_Q("SELECT currency, " TOTALS_OF "mid = ?1" TOTALS_WHICH
	            " AND at >= ?2 AND (?3 = 0 OR at < ?3) GROUP BY 1, 2 ORDER BY 1",
	            &totals_time_args, &totals_row);
	struct totals_args a = {.who = mid, .from = from, .to = to};
	struct store_acq_totals t = {0};
	struct totals_row r;
	struct store_cursor st;
	int rc, currency = 0, stop = 0;

	/* Rows come currency by currency, and each currency's totals go to fn when the next
	 * begins. */
	if ((rc = store_q_open(s, &q, &a, &st)) != STORE_OK)
		return rc;
	while (stop == 0 && (rc = store_q_next(s, &st, &q, &r)) == STORE_OK) {
		if (currency != 0 && currency != r.currency) {
			stop = fn(ctx, currency, &t);
			memset(&t, 0, sizeof t);
		}
		currency = r.currency;
		totals_add(&r, &t);
	}
	if ((rc = store_q_end(&st, rc, stop)) != STORE_OK || stop != 0)
		return rc;
	return currency != 0 ? fn(ctx, currency, &t) : STORE_OK;
}

typedef struct store_acq_takings_filter takings_filter;
typedef struct store_acq_takings takings;
static const struct store_col takings_filter_cols[] = {
    STORE_COLS(takings_filter, mid, from, to, step)};
static const struct store_row takings_filter_args = STORE_ROW_N(takings_filter_cols, 4);
static const struct store_col takings_cols[] = {
    STORE_COLS(takings, at, product, channel, currency, count, amount)};
static const struct store_row takings_row = STORE_ROW(takings, takings_cols);

STORE_FN_EACH_FILTER(store_acq_takings, takings_filter, takings,
                     "SELECT ?2 + ((at - ?2) / ?4) * ?4 AS at, " STORE_ACQ_PRODUCT_SQL
                     " AS product, channel, currency, COUNT(*) AS count, SUM(amount) AS amount "
                     "FROM acq_txns WHERE mid = ?1 AND at >= ?2 AND (?3 = 0 OR at < ?3) AND "
                     "kind = 0 AND rc = '00' AND reversed = 0 AND voided = 0 AND "
                     "type IN ('purchase', 'completion') GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
                     takings_filter_args, takings_row)

/* ---- cards seen, tombstones and counters ---- */

/* A card at a merchant. */
struct seen_args {
	const char *pan_hash, *mid;
};
static const struct store_col seen_cols[] = {STORE_COLS(struct seen_args, pan_hash, mid)};
static const struct store_row seen_args = STORE_ROW_N(seen_cols, 2);

int store_acq_card_seen(store *s, const char *pan_hash, const char *mid)
{
	static const struct store_query q =
	    STORE_Q("SELECT 1 FROM acq_txns WHERE pan_hash = ? AND mid = ? AND rc = '00' AND "
	            "reversed = 0 AND kind = 0 LIMIT 1",
	            &seen_args, NULL);

	return store_q_get(s, &q, &(struct seen_args){pan_hash, mid}, NULL);
}

int store_acq_tombstone_add(store *s, const char *tid, int batch, const char *stan, int64_t at)
{
	static const struct store_query q =
	    STORE_Q("INSERT INTO acq_tombstones (tid, batch, stan, at) VALUES (?, ?, ?, ?) "
	            "ON CONFLICT DO NOTHING",
	            &tombstone_args, NULL);

	return store_q_run(s, &q, &(struct key_args){tid, batch, stan, 0, at}, NULL);
}

int store_acq_seen(store *s, const char *tid, int batch, const char *stan, int *seen)
{
	static const struct store_query q = STORE_Q(
	    "SELECT CASE WHEN EXISTS (SELECT 1 FROM acq_txns WHERE tid = ?1 AND batch = ?2 AND "
	    "stan = ?3 AND kind = 0) THEN 1 WHEN EXISTS (SELECT 1 FROM acq_tombstones WHERE tid = "
	    "?1 AND batch = ?2 AND stan = ?3) THEN 2 ELSE 0 END AS n",
	    &tombstone_key, &store_row_n);
	struct store_arg_text_n out = {0};
	int rc = store_q_get(s, &q, &(struct key_args){tid, batch, stan, 0, 0}, &out);

	*seen = rc == STORE_OK ? (int)out.n : STORE_ACQ_SEEN_NONE;
	return rc;
}

#define ACQ_NEXT                                                                                   \
	"INSERT INTO acq_counters (name, value) VALUES (?, 1) ON CONFLICT (name) "                 \
	"DO UPDATE SET value = acq_counters.value + 1 RETURNING value AS n"

/* A counter's next value. The RRN, drawn by every request of every host, is PostgreSQL's
 * sequence acq_rrn (acquirer.13): nextval holds no row to the commit, where the upsert of
 * acq_counters would queue each host's batch behind another's. On SQLite, one writer at a
 * time, it is the upsert (the same statement, the name bound). */
int store_acq_next(store *s, const char *name, int64_t *out)
{
	static const struct store_query q = STORE_Q_RET(ACQ_NEXT, &store_args_text, &store_row_n);
	static const struct store_query rrn = STORE_Q_RET(
	    STORE_SQL(ACQ_NEXT, "SELECT nextval('acq_rrn') AS n WHERE CAST(? AS TEXT) IS NOT NULL"),
	    &store_args_text, &store_row_n);

	return store_q_n(s, strcmp(name, "rrn") == 0 ? &rrn : &q, name, out);
}

int store_acq_tombstone_count(store *s, int64_t since, int64_t *n)
{
	static const struct store_query q = STORE_Q(
	    "SELECT COUNT(*) AS n FROM acq_tombstones WHERE at >= ?", &store_args_id, &store_row_n);
	return store_q_n_id(s, &q, since, n);
}
