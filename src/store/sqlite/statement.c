/* statement.c — the SQLite backend of store_settle.h's statements (docs/settle.md
 * "Statements"): a merchant's settlement lines of a day joined with their transactions, its
 * approved payments of a day not yet closed, its totals of a day, its payouts newest first and
 * its sums across days. Reads the settle module's tables and the acquirer's acq_txns. */
#include "store/sqlite/internal.h"

#include "store/store_settle.h"

typedef struct store_settle_stmt_line stmt_line;
typedef struct store_settle_stmt_key stmt_key;
typedef struct store_settle_total total;
typedef struct store_settle_payout payout;
typedef struct store_settle_payout_filter payout_filter;
typedef struct store_settle_balance balance;

static const struct store_col stmt_line_cols[] = {STORE_COLS(
    stmt_line, txn_id, at, tid, type, masked, product, rrn, auth_code, amount, fee, net, channel)};
static const struct store_row stmt_line_row = STORE_ROW(stmt_line, stmt_line_cols);
static const struct store_col stmt_key_cols[] = {STORE_COLS(stmt_key, date, mid)};
static const struct store_row stmt_key_row = STORE_ROW(stmt_key, stmt_key_cols);
static const struct store_col stmt_total_cols[] = {
    STORE_COLS(total, date, mid, count, amount, fees, net, payout_date, status, payout_id, reason,
               qr_count, qr_amount, qr_fees, qr_net)};
static const struct store_row stmt_total_row = STORE_ROW(total, stmt_total_cols);
static const struct store_col stmt_payout_cols[] = {
    STORE_COLS(payout, id, date, mid, amount, currency, card, card_id, settle_dates, status, reason,
               bank_reference, created_at, updated_at)};
static const struct store_row stmt_payout_row = STORE_ROW(payout, stmt_payout_cols);
static const struct store_col payout_filter_cols[] = {
    STORE_COLS(payout_filter, mid, before, limit)};
static const struct store_row payout_filter_row = STORE_ROW(payout_filter, payout_filter_cols);
static const struct store_col balance_cols[] = {
    STORE_COLS(balance, paid, unpaid, open, open_count, held, held_count)};
static const struct store_row balance_row = STORE_ROW(balance, balance_cols);

STORE_FN_EACH_FILTER(store_settle_stmt_lines, stmt_key, stmt_line,
                     "SELECT l.txn_id, t.at, l.tid, l.type, t.masked, l.product, t.rrn, "
                     "t.auth_code, l.amount, l.fee, l.net, l.channel FROM settle_lines AS l "
                     "JOIN acq_txns AS t ON t.id = l.txn_id "
                     "WHERE l.date = ?1 AND l.mid = ?2 ORDER BY l.txn_id",
                     stmt_key_row, stmt_line_row)

/* The payments of a day as the close takes them (store_settle_txns), a refund's negative. */
#define STMT_OPEN_WHERE                                                                            \
	"kind = 0 AND rc = '00' AND reversed = 0 AND voided = 0 AND "                              \
	"type IN ('purchase', 'completion', 'refund')"
#define STMT_SIGNED "CASE type WHEN 'refund' THEN -amount ELSE amount END"

STORE_FN_EACH_FILTER(store_settle_stmt_open, stmt_key, stmt_line,
                     "SELECT id AS txn_id, at, tid, type, masked, " STORE_ACQ_PRODUCT_SQL
                     " AS product, "
                     "rrn, auth_code, " STMT_SIGNED " AS amount, 0 AS fee, 0 AS net, channel "
                     "FROM acq_txns WHERE settle_date = ?1 AND mid = ?2 AND " STMT_OPEN_WHERE
                     " ORDER BY id",
                     stmt_key_row, stmt_line_row)

int store_settle_total_get(store *s, const struct store_settle_stmt_key *k,
                           struct store_settle_total *out)
{
	static const struct store_query q = STORE_Q(
	    "SELECT date, mid, count, amount, fees, net, payout_date, status, payout_id, "
	    "reason, qr_count, qr_amount, qr_fees, qr_net FROM settle_totals WHERE date = ?1 "
	    "AND mid = ?2",
	    &stmt_key_row, &stmt_total_row);

	return store_q_get(s, &q, k, out);
}

/* No index by merchant on settle_payouts (a merchant has few): a scan, newest first. */
STORE_FN_EACH_FILTER(store_settle_payouts_of, payout_filter, payout,
                     "SELECT id, date, mid, amount, currency, card, card_id, settle_dates, "
                     "status, reason, bank_reference, created_at, updated_at FROM "
                     "settle_payouts WHERE mid = ?1 AND (?2 = 0 OR id < ?2) ORDER BY id DESC "
                     "LIMIT ?3",
                     payout_filter_row, stmt_payout_row)

int store_settle_balance(store *s, const char *mid, struct store_settle_balance *out)
{
	static const struct store_query q = STORE_Q(
	    "SELECT (SELECT COALESCE(SUM(amount), 0) FROM settle_payouts WHERE mid = ?1 AND "
	    "status = 'paid') AS paid, "
	    "(SELECT COALESCE(SUM(net), 0) FROM settle_totals WHERE mid = ?1 AND status = 'owed') "
	    "+ (SELECT COALESCE(SUM(amount), 0) FROM settle_payouts WHERE mid = ?1 AND "
	    "status = 'made') + (SELECT COALESCE(SUM(amount), 0) FROM settle_adjustments WHERE "
	    "mid = ?1 AND status = 'approved' AND payout_id = 0) AS unpaid, "
	    "COALESCE(SUM(" STMT_SIGNED "), 0) AS open, COUNT(*) AS open_count, "
	    "(SELECT COALESCE(SUM(amount), 0) FROM acq_txns WHERE mid = ?1 AND kind = 0 AND "
	    "rc = '00' AND reversed = 0 AND type = 'preauth' AND voided = 0 AND completed = 0) "
	    "AS held, "
	    "(SELECT COUNT(*) FROM acq_txns WHERE mid = ?1 AND kind = 0 AND rc = '00' AND "
	    "reversed = 0 AND type = 'preauth' AND voided = 0 AND completed = 0) AS held_count "
	    "FROM acq_txns WHERE mid = ?1 AND " STMT_OPEN_WHERE " AND NOT EXISTS (SELECT 1 FROM "
	    "settle_days AS d WHERE d.date = acq_txns.settle_date AND d.state = 1)",
	    &store_args_text, &balance_row);

	return store_q_get(s, &q, &mid, out);
}
