/* settle.c — the SQLite backend of store_settle.h: the close of a day's tables (settlement
 * days, lines, merchant totals, the ledger accounts by name), their migration
 * (schema/settle.N.sql) and the query that reads a day's acquirer transactions. */
#include <string.h>

#include "store/sqlite/internal.h"

#include "store/store_settle.h"

typedef struct store_settle_day day;
typedef struct store_settle_txn txn;
typedef struct store_settle_line line;
typedef struct store_settle_total total;
typedef struct store_settle_payout payout;

static const struct store_col day_cols[] = {
    STORE_COLS(day, date, state, lines, merchants, closed_at, owner, until)};
static const struct store_row day_row = STORE_ROW(day, day_cols);
static const struct store_col txn_cols[] = {
    STORE_COLS(txn, id, tid, mid, type, masked, amount, voided, original_id, product, channel)};
static const struct store_row txn_row = STORE_ROW(txn, txn_cols);
static const struct store_col line_cols[] = {STORE_COLS(
    line, txn_id, date, mid, tid, product, channel, type, amount, fee, net, original_id)};
static const struct store_row line_row = STORE_ROW(line, line_cols);
static const struct store_col total_cols[] = {STORE_COLS(total, date, mid, count, amount, fees, net,
                                                         payout_date, status, payout_id, reason,
                                                         qr_count, qr_amount, qr_fees, qr_net)};
static const struct store_row total_row = STORE_ROW(total, total_cols);
static const struct store_col mark_cols[] = {
    STORE_COLS(total, status, payout_id, reason, date, mid)};
static const struct store_row mark_row = STORE_ROW(total, mark_cols);
static const struct store_col payout_cols[] = {
    STORE_COLS(payout, date, mid, amount, currency, card, card_id, settle_dates, status, reason,
               bank_reference, created_at, updated_at, id)};
static const struct store_row payout_row = STORE_ROW(payout, payout_cols);
static const struct store_row payout_new_row = STORE_ROW_N(payout_cols, 12);
static const struct store_col answer_cols[] = {
    STORE_COLS(payout, status, reason, bank_reference, updated_at, id)};
static const struct store_row answer_row = STORE_ROW(payout, answer_cols);
static const struct store_col unpay_cols[] = {STORE_COLS(total, reason, payout_id)};
static const struct store_row unpay_row = STORE_ROW(total, unpay_cols);

/* A lease's parameters: the day's row, then now. */
struct lease_args {
	const char *date, *owner;
	int64_t until, now;
};
static const struct store_col lease_cols[] = {
    STORE_COLS(struct lease_args, date, owner, until, now)};
static const struct store_row lease_args_row = STORE_ROW_N(lease_cols, 4);

#define DAY_COLUMNS "date, state, lines, merchants, closed_at, owner, until"

STORE_FN_GET(store_settle_day_get, const char *, day,
             "SELECT " DAY_COLUMNS " FROM settle_days WHERE date = ?", store_args_text, day_row)
STORE_FN_PUT(store_settle_day_put, day,
             "INSERT INTO settle_days (" DAY_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
             "(date) DO UPDATE SET state = excluded.state, lines = excluded.lines, merchants = "
             "excluded.merchants, closed_at = excluded.closed_at, owner = excluded.owner, until "
             "= excluded.until",
             day_row)

typedef struct store_settle_run run;
typedef struct store_settle_run_filter run_filter;
static const struct store_col run_cols[] = {
    STORE_COLS(run, date, state, lines, merchants, closed_at, owner, until, written)};
static const struct store_row run_row = STORE_ROW(run, run_cols);
static const struct store_col run_filter_cols[] = {STORE_COLS(run_filter, before, limit)};
static const struct store_row run_filter_args = STORE_ROW_N(run_filter_cols, 2);

/* A closed day's lines are its count; an open one's are counted (the parts written so far). */
STORE_FN_EACH_FILTER(store_settle_runs, run_filter, run,
                     "SELECT " DAY_COLUMNS ", CASE WHEN state = 1 THEN lines ELSE "
                     "(SELECT COUNT(*) FROM settle_lines l WHERE l.date = d.date) END AS written "
                     "FROM settle_days d WHERE ?1 = '' OR date < ?1 ORDER BY date DESC LIMIT ?2",
                     run_filter_args, run_row)

int store_settle_lease(store *s, const struct store_settle_day *d, int64_t now)
{
	static const struct store_query q = STORE_Q(
	    "INSERT INTO settle_days (" DAY_COLUMNS ") VALUES (?1, 0, 0, 0, 0, ?2, ?3) "
	    "ON CONFLICT (date) DO UPDATE SET owner = ?2, until = ?3 WHERE settle_days.state = 0 "
	    "AND (settle_days.owner = ?2 OR settle_days.until <= ?4)",
	    &lease_args_row, NULL);
	struct store_settle_day got;
	int rc;

	if ((rc = store_q_run(s, &q, &(struct lease_args){d->date, d->owner, d->until, now},
	                      NULL)) != STORE_OK ||
	    (rc = store_settle_day_get(s, d->date, &got)) != STORE_OK)
		return rc;
	return got.state == STORE_SETTLE_OPEN && strcmp(got.owner, d->owner) == 0 &&
	               got.until == d->until
	           ? STORE_OK
	           : STORE_EEXIST;
}

struct next_day {
	const char *after, *before;
	char date[11];
};
static const struct store_col next_cols[] = {STORE_COLS(struct next_day, after, before, date)};
static const struct store_row next_args = STORE_ROW_N(next_cols, 2);
static const struct store_row next_row = {next_cols + 2, 1, sizeof(struct next_day)};

int store_settle_next_day(store *s, const char *after, const char *before, char out[11])
{
	/* After the later of ?1 and the latest day closed; none when no day was closed (a
	 * comparison with NULL, as SQLite's MAX(?1, NULL) gave). */
	static const struct store_query q = STORE_Q(
	    "SELECT MIN(settle_date) AS date FROM acq_txns WHERE settle_date > (SELECT CASE WHEN "
	    "MAX(date) < ?1 THEN ?1 ELSE MAX(date) END FROM settle_days WHERE state = 1) AND "
	    "settle_date < ?2",
	    &next_args, &next_row);
	struct next_day n = {after, before, ""};
	int rc;

	if ((rc = store_q_get(s, &q, &n, &n)) != STORE_OK)
		return rc;
	if (n.date[0] == '\0') /* MIN() of no row: NULL */
		return STORE_ENOTFOUND;
	memcpy(out, n.date, sizeof n.date);
	return STORE_OK;
}

#define TXN_SELECT                                                                                 \
	"SELECT id, tid, mid, type, masked, amount, voided, original_id, "                         \
	"COALESCE((SELECT c.product FROM decisions AS d JOIN cards AS c ON "                       \
	"c.id = d.card_id WHERE d.id = acq_txns.decision_id), 0) AS product, channel FROM acq_txns "
#define TXN_SETTLES                                                                                \
	"kind = 0 AND rc = '00' AND reversed = 0 AND type IN ('purchase', 'completion', 'refund')"
#define TXN_UNSETTLED "NOT EXISTS (SELECT 1 FROM settle_lines WHERE txn_id = acq_txns.id)"
/* A follow-up whose original has a line: its reversal (kind 1), or a void or completion void
 * not reversed; the close decides whether it undoes the line (close.c, counter()). */
#define TXN_FOLLOWS                                                                                \
	"rc = '00' AND original_id != 0 AND (kind = 1 OR (kind = 0 AND reversed = 0 AND type IN "  \
	"('void', 'completion_void'))) AND EXISTS (SELECT 1 FROM settle_lines AS o WHERE "         \
	"o.txn_id = acq_txns.original_id)"
#define TXN_SETTLES_OR "((" TXN_SETTLES ") OR (" TXN_FOLLOWS "))"

STORE_FN_EACH_KEY(store_settle_txns, const char *, txn,
                  TXN_SELECT "WHERE settle_date = ? AND " TXN_SETTLES " ORDER BY mid, id",
                  store_args_text, txn_row)

static const struct store_col page_cols[] = {
    STORE_COLS(struct store_settle_page, date, mid, id, limit)};
static const struct store_row page_args = STORE_ROW_N(page_cols, 4);

STORE_FN_EACH_FILTER(store_settle_unsettled, struct store_settle_page, txn,
                     TXN_SELECT
                     "WHERE settle_date = ?1 AND (mid, id) > (?2, ?3) AND " TXN_SETTLES_OR
                     " AND " TXN_UNSETTLED " ORDER BY mid, id LIMIT ?4",
                     page_args, txn_row)

/* A purchase or completion of an earlier day closed (while it was voided), without a line,
 * not voided now: it settles on ?1 when a reversal of ?1 undid its void. */
#define TXN_REVIVED                                                                                \
	"settle_date < ?1 AND settle_date IN (SELECT date FROM settle_days WHERE state = 1) AND "  \
	"voided = 0 AND " TXN_SETTLES " AND " TXN_UNSETTLED
STORE_FN_EACH_KEY(store_settle_revived, const char *, txn,
                  TXN_SELECT
                  "WHERE id IN (SELECT v.original_id FROM acq_txns AS r JOIN acq_txns "
                  "AS v ON v.id = r.original_id WHERE r.settle_date = ?1 AND r.kind = "
                  "1 AND r.rc = '00' AND v.type IN ('void', 'completion_void')) AND " TXN_REVIVED
                  " ORDER BY mid, id",
                  store_args_text, txn_row)

static const struct store_col one_cols[] = {STORE_COLS(struct store_settle_one, date, id)};
static const struct store_row one_args = STORE_ROW_N(one_cols, 2);

STORE_FN_EACH_FILTER(store_settle_revived_one, struct store_settle_one, txn,
                     TXN_SELECT "WHERE id = ?2 AND " TXN_REVIVED, one_args, txn_row)

int store_settle_unsettled_count(store *s, const char *date, int64_t *n)
{
	static const struct store_query q = STORE_Q(
	    "SELECT COUNT(*) AS n FROM acq_txns WHERE settle_date = ? AND ((" TXN_SETTLES
	    " AND (voided = 0 OR type = 'refund')) OR (" TXN_FOLLOWS ")) AND " TXN_UNSETTLED,
	    &store_args_text, &store_row_n);
	return store_q_n(s, &q, date, n);
}

typedef struct store_settle_sum msum;
static const struct store_col sum_cols[] = {
    STORE_COLS(msum, mid, count, gross, fees, refunds, returned, qr_count, qr_amount, qr_fees)};
static const struct store_row sum_row = STORE_ROW(msum, sum_cols);

/* By sign: a refund's or a counter-line's amount below zero, a fee given back below zero; the
 * lines of channel qr apart. */
STORE_FN_EACH_KEY(store_settle_sums, const char *, msum,
                  "SELECT mid, COUNT(*) AS count, "
                  "SUM(CASE WHEN amount > 0 THEN amount ELSE 0 END) AS gross, "
                  "SUM(CASE WHEN fee > 0 THEN fee ELSE 0 END) AS fees, "
                  "SUM(CASE WHEN amount < 0 THEN -amount ELSE 0 END) AS refunds, "
                  "SUM(CASE WHEN fee < 0 THEN -fee ELSE 0 END) AS returned, "
                  "COUNT(*) FILTER (WHERE channel = 'qr') AS qr_count, "
                  "SUM(CASE channel WHEN 'qr' THEN amount ELSE 0 END) AS qr_amount, "
                  "SUM(CASE channel WHEN 'qr' THEN fee ELSE 0 END) AS qr_fees "
                  "FROM settle_lines WHERE date = ? GROUP BY mid ORDER BY mid",
                  store_args_text, sum_row)

#define LINE_COLUMNS "txn_id, date, mid, tid, product, channel, type, amount, fee, net, original_id"

int store_settle_line_insert(store *s, const struct store_settle_line *l)
{
	static const struct store_query q = STORE_Q("INSERT INTO settle_lines (" LINE_COLUMNS
	                                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
	                                            "?, ?)",
	                                            &line_row, NULL);

	return store_q_run(s, &q, l, NULL);
}

STORE_FN_GET(store_settle_line_get, int64_t, line,
             "SELECT " LINE_COLUMNS " FROM settle_lines WHERE txn_id = ?", store_args_id, line_row)

/* The lines that follow original ?1: its refunds' and counter-lines, and those undoing them. */
#define FOLLOWING                                                                                  \
	"original_id = ?1 OR original_id IN (SELECT txn_id FROM settle_lines WHERE original_id = " \
	"?1)"

struct family {
	int64_t amount, fee;
};
static const struct store_col family_cols[] = {STORE_COLS(struct family, amount, fee)};
static const struct store_row family_row = STORE_ROW(struct family, family_cols);

int store_settle_family(store *s, int64_t original_id, int64_t *amount, int64_t *fee)
{
	static const struct store_query q =
	    STORE_Q("SELECT COALESCE(SUM(amount), 0) AS amount, COALESCE(SUM(fee), 0) AS fee "
	            "FROM settle_lines WHERE txn_id = ?1 OR " FOLLOWING,
	            &store_args_id, &family_row);
	struct family out = {0, 0};
	int rc;

	if ((rc = store_q_get(s, &q, &original_id, &out)) != STORE_OK)
		return rc;
	*amount = out.amount, *fee = out.fee;
	return STORE_OK;
}

int store_settle_returned(store *s, int64_t original_id, int64_t *sum)
{
	static const struct store_query q =
	    STORE_Q("SELECT COALESCE(-SUM(fee), 0) AS n FROM settle_lines WHERE " FOLLOWING,
	            &store_args_id, &store_row_n);
	struct store_arg_text_n out = {NULL, 0};
	int rc;

	if ((rc = store_q_get(s, &q, &original_id, &out)) != STORE_OK)
		return rc;
	*sum = out.n;
	return STORE_OK;
}

int store_settle_issuer_posted(store *s, const char *date, int64_t issuer_account, int64_t *sum)
{
	static const struct store_query q = STORE_Q(
	    "SELECT COALESCE(SUM(CASE WHEN t.credit_account = ?2 THEN t.amount WHEN "
	    "t.debit_account = ?2 THEN -t.amount ELSE 0 END), 0) AS n FROM settle_lines AS l "
	    "JOIN acq_txns AS a ON a.id = l.txn_id AND a.decision_id != 0 "
	    "JOIN decisions AS d ON d.id = a.decision_id "
	    "JOIN ledger_transfers AS t ON t.id = d.transfer_id WHERE l.date = ?1",
	    &store_args_text_n, &store_row_n);
	struct store_arg_text_n out = {NULL, 0};
	int rc;

	if ((rc = store_q_get(s, &q, &(struct store_arg_text_n){date, issuer_account}, &out)) !=
	    STORE_OK)
		return rc;
	*sum = out.n;
	return STORE_OK;
}

STORE_FN_EACH_KEY(store_settle_lines, const char *, line,
                  "SELECT " LINE_COLUMNS " FROM settle_lines WHERE date = ? ORDER BY mid, txn_id",
                  store_args_text, line_row)

#define TOTAL_COLUMNS                                                                              \
	"date, mid, count, amount, fees, net, payout_date, status, payout_id, reason, qr_count, "  \
	"qr_amount, qr_fees, qr_net"

int store_settle_total_insert(store *s, const struct store_settle_total *t)
{
	static const struct store_query q =
	    STORE_Q("INSERT INTO settle_totals (" TOTAL_COLUMNS
	            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	            &total_row, NULL);

	return store_q_run(s, &q, t, NULL);
}

STORE_FN_EACH_KEY(store_settle_totals, const char *, total,
                  "SELECT " TOTAL_COLUMNS " FROM settle_totals WHERE date = ? ORDER BY mid",
                  store_args_text, total_row)

STORE_FN_EACH_KEY(store_settle_due, const char *, total,
                  "SELECT " TOTAL_COLUMNS " FROM settle_totals WHERE status = 'owed' AND "
                  "payout_date <= ? ORDER BY mid, date",
                  store_args_text, total_row)
/* Only a day still owed and held by no payout: a run that finds it taken by another (several
 * hosts, READ COMMITTED: the row's lock waited for, its new status seen) changes nothing. */
STORE_FN_UPDATE(store_settle_total_mark, total,
                "UPDATE settle_totals SET status = ?, payout_id = ?, reason = ? "
                "WHERE date = ? AND mid = ? AND status = 'owed' AND payout_id = 0",
                mark_row)

#define PAYOUT_COLUMNS                                                                             \
	"date, mid, amount, currency, card, card_id, settle_dates, status, reason, "               \
	"bank_reference, created_at, updated_at"

/* The id given, not the engine's: PostgreSQL's identity does not give back a value taken by a
 * transaction rolled back (a run killed, refused), and a payout's reference is its id, a gap
 * in which the bank reads as a payout file lost. MAX(id) + 1 is safe while the run holds
 * store_settle_payouts_lock(): the price is that payout runs on several hosts wait for each
 * other, which they do in minutes a day. */
STORE_FN_INSERT(store_settle_payout_insert, payout,
                "INSERT INTO settle_payouts (id, " PAYOUT_COLUMNS
                ") VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM settle_payouts), ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?)",
                payout_new_row)

int store_settle_payouts_lock(store *s)
{
	/* SHARE ROW EXCLUSIVE: conflicts with itself and with any write of the table (another
	 * run's insert, a bank answer's update), not with a read. */
	static const struct store_query q =
	    STORE_Q(STORE_SQL("SELECT 1", "LOCK TABLE settle_payouts IN SHARE ROW EXCLUSIVE MODE"),
	            NULL, NULL);

	return s->engine == NULL ? STORE_OK : store_q_run(s, &q, NULL, NULL);
}
STORE_FN_EACH_KEY(store_settle_payouts, const char *, payout,
                  "SELECT " PAYOUT_COLUMNS ", id FROM settle_payouts WHERE date = ? ORDER BY id",
                  store_args_text, payout_row)

STORE_FN_GET(store_settle_payout_get, int64_t, payout,
             "SELECT " PAYOUT_COLUMNS ", id FROM settle_payouts WHERE id = ?", store_args_id,
             payout_row)
/* Only a payout still made (not answered): an answer applied by another run changes nothing. */
STORE_FN_UPDATE(store_settle_payout_answer, payout,
                "UPDATE settle_payouts SET status = ?, reason = ?, bank_reference = ?, "
                "updated_at = ? WHERE id = ? AND status = 'made'",
                answer_row)
STORE_FN_UPDATE(store_settle_total_unpay, total,
                "UPDATE settle_totals SET status = 'owed', reason = ?, payout_id = 0 "
                "WHERE payout_id = ?",
                unpay_row)

int store_settle_account_get(store *s, const char *name, int64_t *account)
{
	static const struct store_query q =
	    STORE_Q("SELECT account AS n FROM settle_accounts WHERE name = ?", &store_args_text,
	            &store_row_n);
	return store_q_n(s, &q, name, account);
}

int store_settle_account_put(store *s, const char *name, int64_t account)
{
	static const struct store_query q = STORE_Q(
	    "INSERT INTO settle_accounts (name, account) VALUES (?, ?)", &store_args_text_n, NULL);

	return store_q_run(s, &q, &(struct store_arg_text_n){name, account}, NULL);
}

int store_settle_last_closed(store *s, int64_t *at)
{
	static const struct store_query q =
	    STORE_Q("SELECT closed_at AS n FROM settle_days WHERE state = ? "
	            "ORDER BY closed_at DESC LIMIT 1",
	            &store_args_id, &store_row_n);
	return store_q_n_id(s, &q, STORE_SETTLE_CLOSED, at);
}
