/* review.c — the SQLite backend of store_review.h (docs/risk.md "Merchant review"): each
 * merchant's figures over a window, summed from the acquirer's acq_txns in one pass grouped by
 * merchant, its cases counted by verdict, and the reviews kept in risk_reviews (risk.2). */
#include "store/sqlite/internal.h"

#include "store/store_review.h"

typedef struct store_review_window window;
typedef struct store_review_merchant figures;
typedef struct store_review review;
typedef struct store_review_cases cases;

static const struct store_col window_cols[] = {STORE_COLS(window, from, to, utc_offset, mid)};
static const struct store_row window_row = STORE_ROW(window, window_cols);
static const struct store_col figures_cols[] = {STORE_COLS(figures, mid, name, mcc, status, count,
                                                           amount, purchases, refunds, attempts,
                                                           declines, payments, night)};
static const struct store_row figures_row = STORE_ROW(figures, figures_cols);
static const struct store_row window_span = STORE_ROW_N(window_cols, 2); /* from, to */
static const struct store_col cases_cols[] = {
    STORE_COLS(cases, mid, opened, fraud, legitimate, open)};
static const struct store_row cases_row = STORE_ROW(cases, cases_cols);
static const struct store_col review_cols[] = {
    STORE_COLS(review, id, at, mid, grade, reasons, suspended, by, figures)};
static const struct store_row review_row = STORE_ROW(review, review_cols);
static const struct store_row review_new = STORE_ROW_N(review_cols + 1, 7); /* no id */

/* Each merchant's figures in one pass over its requests of the window: an approved one is rc
 * 00 and not reversed, a declined one answered otherwise; a payment a purchase,
 * pre-authorization or completion (store_review.h); night its local time before 05:00. Only
 * merchants active or suspended (status 1, 2) are graded: not one closed, nor one still in
 * device testing or agreement (STORE_MERCHANT_ONBOARDING), which takes no payment. ok, declined,
 * volume and payment are truth values (integers in SQLite, booleans in PostgreSQL): counted with
 * FILTER, not summed. */
#define FIGURES_SQL                                                                                 \
	"SELECT m.mid, m.name, m.mcc, m.status, "                                                   \
	"COUNT(*) FILTER (WHERE t.ok AND t.volume) AS count, "                                      \
	"COALESCE(SUM(CASE WHEN t.ok AND t.volume THEN t.amount END), 0) AS amount, "               \
	"COALESCE(SUM(CASE WHEN t.ok AND t.type = 'purchase' THEN t.amount END), 0) AS purchases, " \
	"COALESCE(SUM(CASE WHEN t.ok AND t.type = 'refund' THEN t.amount END), 0) AS refunds, "     \
	"COUNT(*) FILTER (WHERE t.payment) AS attempts, "                                           \
	"COUNT(*) FILTER (WHERE t.payment AND t.declined) AS declines, "                            \
	"COUNT(*) FILTER (WHERE t.payment AND t.ok) AS payments, "                                  \
	"COUNT(*) FILTER (WHERE t.payment AND t.ok AND (t.at + ?3) % 86400 < 18000) AS night "      \
	"FROM merchants AS m LEFT JOIN (SELECT mid, at, type, amount, "                             \
	"rc = '00' AND reversed = 0 AS ok, rc != '00' AS declined, "                                \
	"type IN ('purchase', 'completion') AS volume, "                                            \
	"type IN ('purchase', 'preauth', 'completion') AS payment FROM acq_txns "                   \
	"WHERE kind = 0 AND at >= ?1 AND at <= ?2) AS t ON t.mid = m.mid "                          \
	"WHERE m.status IN (1, 2) AND (?4 = '' OR m.mid = ?4) GROUP BY m.mid ORDER BY m.mid"

STORE_FN_EACH_FILTER(store_review_merchants, window, figures, FIGURES_SQL, window_row, figures_row)

/* No index by merchant and time on risk_cases: a scan (cases are few beside requests). */
STORE_FN_EACH_FILTER(store_review_cases, window, cases,
                     "SELECT mid, COUNT(*) AS opened, COUNT(*) FILTER (WHERE verdict = 'fraud') AS "
                     "fraud, COUNT(*) FILTER (WHERE verdict = 'legitimate') AS legitimate, "
                     "COUNT(*) FILTER (WHERE status = 'open') AS open "
                     "FROM risk_cases WHERE opened_at >= ?1 AND opened_at <= ?2 GROUP BY mid "
                     "ORDER BY mid",
                     window_span, cases_row)

STORE_FN_INSERT(store_review_insert, review,
                "INSERT INTO risk_reviews (at, mid, grade, reasons, suspended, by, figures) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                review_new)

STORE_FN_EACH_KEY(store_review_latest, const char *, review,
                  "SELECT id, at, mid, grade, reasons, suspended, by, figures FROM risk_reviews "
                  "WHERE id IN (SELECT max(id) FROM risk_reviews WHERE ?1 = '' OR mid = ?1 "
                  "GROUP BY mid) ORDER BY mid",
                  store_args_text, review_row)

int store_review_last(store *s, int64_t *at)
{
	/* ?1 is bound and unused: store_q_n() binds one text. */
	static const struct store_query q =
	    STORE_Q("SELECT COALESCE(MAX(at), 0) AS n FROM risk_reviews WHERE ?1 = ?1",
	            &store_args_text, &store_row_n);

	return store_q_n(s, &q, "", at);
}
