/* reconcile.c — the SQLite backend of store_reconcile.h: the terminals' settlements and batch
 * uploads (acq_batches, acq_uploads: schema/acquirer.6.sql), and the reads that set them beside
 * the host's requests (acq_txns) and the host's beside the local issuer's decisions. */
#include <string.h>

#include "store/sqlite/internal.h"

#include "store/store_reconcile.h"

typedef struct store_recon_batch settlement;
typedef struct store_recon_upload upload;
typedef struct store_recon_pair pair;
typedef struct store_recon_decision decision;
typedef struct store_recon_window window;

static const struct store_col batch_cols[] = {
    STORE_COLS(settlement, tid, batch, mid, at, settle_date, sales_amount, sales_count,
               refund_amount, refund_count, foreign_sales_amount, foreign_sales_count,
               foreign_refund_amount, foreign_refund_count, host_sales_amount, host_sales_count,
               host_refund_amount, host_refund_count, agreed, settlements)};
static const struct store_row batch_row = STORE_ROW(settlement, batch_cols);
static const struct store_row batch_new = STORE_ROW_N(batch_cols, 18); /* but settlements */
static const struct store_col upload_cols[] = {
    STORE_COLS(upload, tid, batch, stan, card_class, amount, masked, pan_hash, at)};
static const struct store_row upload_row = STORE_ROW(upload, upload_cols);
static const struct store_row upload_key = STORE_ROW_N(upload_cols, 2); /* tid, batch */
static const struct store_col pair_cols[] = {
    STORE_COLS(pair, tid, mid, batch, stan, uploaded, up_amount, up_masked, up_pan_hash, host,
               amount, currency, type, rrn, masked, pan_hash)};
static const struct store_row pair_row = STORE_ROW(pair, pair_cols);
static const struct store_col decision_cols[] = {
    STORE_COLS(decision, host, tid, mid, batch, stan, type, rrn, masked, rc, amount, currency,
               reversed, found, decision_id, d_rc, d_amount, d_currency, d_reversed)};
static const struct store_row decision_row = STORE_ROW(decision, decision_cols);
static const struct store_col window_cols[] = {STORE_COLS(window, from, to, date_from, date_to)};
static const struct store_row window_args = STORE_ROW_N(window_cols, 4);

#define BATCH_COLUMNS                                                                              \
	"tid, batch, mid, at, settle_date, sales_amount, sales_count, refund_amount, "             \
	"refund_count, foreign_sales_amount, foreign_sales_count, foreign_refund_amount, "         \
	"foreign_refund_count, host_sales_amount, host_sales_count, host_refund_amount, "          \
	"host_refund_count, agreed"

/* The upsert, then the batch's upload forgotten: in a savepoint of its own. */
int store_recon_batch_put(store *s, const struct store_recon_batch *b)
{
	static const struct store_query put_q = STORE_Q(
	    "INSERT INTO acq_batches (" BATCH_COLUMNS ", settlements) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, 1) ON CONFLICT (tid, "
	    "batch) DO UPDATE SET mid = ?3, at = ?4, settle_date = ?5, sales_amount = ?6, "
	    "sales_count = ?7, refund_amount = ?8, refund_count = ?9, foreign_sales_amount = ?10, "
	    "foreign_sales_count = ?11, foreign_refund_amount = ?12, foreign_refund_count = ?13, "
	    "host_sales_amount = ?14, host_sales_count = ?15, host_refund_amount = ?16, "
	    "host_refund_count = ?17, agreed = ?18, settlements = acq_batches.settlements + 1",
	    &batch_new, NULL);
	static const struct store_query forget_q =
	    STORE_Q("DELETE FROM acq_uploads WHERE tid = ?1 AND batch = ?2", &upload_key, NULL);
	upload key = {.batch = b->batch};
	int rc;

	memcpy(key.tid, b->tid, sizeof key.tid);
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_q_run(s, &put_q, b, NULL)) != STORE_OK ||
	    (rc = store_q_run(s, &forget_q, &key, NULL)) != STORE_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s);
}

/* Batch 0 is no terminal's: the payments of its static QR code (docs/qr.md). */
STORE_FN_EACH_KEY(store_recon_batch_list, const char *, settlement,
                  "SELECT " BATCH_COLUMNS ", settlements FROM acq_batches WHERE settle_date = ?1 "
                  "AND batch != 0 ORDER BY tid, batch",
                  store_args_text, batch_row)

int store_recon_batch_get(store *s, const char *tid, int batch, struct store_recon_batch *out)
{
	static const struct store_query q =
	    STORE_Q("SELECT " BATCH_COLUMNS ", settlements FROM acq_batches WHERE tid = ?1 AND "
	            "batch = ?2",
	            &store_args_text_n, &batch_row);

	return store_q_get(s, &q, &(struct store_arg_text_n){tid, batch}, out);
}

STORE_FN_PUT(store_recon_upload_put, upload,
             "INSERT INTO acq_uploads (tid, batch, stan, card_class, amount, masked, pan_hash, at) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tid, batch, stan) DO UPDATE SET "
             "card_class = excluded.card_class, amount = excluded.amount, masked = "
             "excluded.masked, pan_hash = excluded.pan_hash, at = excluded.at",
             upload_row)

int store_recon_upload_count(store *s, const char *tid, int batch, int64_t *n)
{
	static const struct store_query q =
	    STORE_Q("SELECT COUNT(*) AS n FROM acq_uploads WHERE tid = ?1 AND batch = ?2",
	            &store_args_text_n, &store_row_n);
	struct store_arg_text_n out = {0}; /* store_row_n reads its n */
	int rc = store_q_get(s, &q, &(struct store_arg_text_n){tid, batch}, &out);

	*n = rc == STORE_OK ? out.n : 0;
	return rc;
}

/* What the host counts of a batch, as store_acq_totals() does (store/sqlite/acquirer.c). */
#define HOST_COUNTED                                                                               \
	"a.kind = 0 AND a.rc = '00' AND a.reversed = 0 AND a.type IN ('purchase', 'completion', "  \
	"'refund', 'void', 'completion_void')"

/* The batches of ?1 that uploaded (b), the host's counted requests of them (h), then each
 * uploaded transaction beside the host's of its STAN, and each of the host's not uploaded. The
 * unique (tid, batch, stan, kind) index of acq_txns finds a batch's requests. */
int store_recon_pairs(store *s, const char *date,
                      int (*fn)(void *ctx, const struct store_recon_pair *p), void *ctx)
{
	static const struct store_query q = STORE_Q(
	    "WITH b AS (SELECT tid, mid, batch FROM acq_batches AS x WHERE settle_date = ?1 AND "
	    "batch != 0 AND EXISTS "
	    "(SELECT 1 FROM acq_uploads AS u WHERE u.tid = x.tid AND u.batch = x.batch)), h AS "
	    "(SELECT a.tid, a.mid, a.batch, a.stan, a.amount, a.currency, a.type, a.rrn, a.masked, "
	    "a.pan_hash FROM acq_txns AS a JOIN b ON a.tid = b.tid AND a.batch = b.batch WHERE " HOST_COUNTED
	    ") SELECT u.tid AS tid, b.mid AS mid, u.batch AS batch, u.stan AS stan, 1 AS uploaded, u.amount AS "
	    "up_amount, u.masked AS up_masked, u.pan_hash AS up_pan_hash, CASE WHEN h.stan IS NOT NULL "
	    "THEN 1 ELSE 0 END AS host, COALESCE(h.amount, 0) AS amount, COALESCE(h.currency, 0) AS currency, "
	    "COALESCE(h.type, '') AS type, COALESCE(h.rrn, '') AS rrn, COALESCE(h.masked, '') AS "
	    "masked, COALESCE(h.pan_hash, '') AS pan_hash FROM acq_uploads AS u JOIN b ON u.tid = "
	    "b.tid AND u.batch = b.batch LEFT JOIN h ON h.tid = u.tid AND h.batch = u.batch AND "
	    "h.stan = u.stan UNION ALL SELECT h.tid, h.mid, h.batch, h.stan, 0, 0, '', '', 1, h.amount, "
	    "h.currency, h.type, h.rrn, h.masked, h.pan_hash FROM h WHERE NOT EXISTS (SELECT 1 FROM "
	    "acq_uploads AS u WHERE u.tid = h.tid AND u.batch = h.batch AND u.stan = h.stan) ORDER "
	    "BY 1, 3, 4",
	    &store_args_text, &pair_row);
	pair p;

	STORE_WALK(s, &q, &date, p, fn, ctx);
}

/* The requests that move no money (a balance inquiry, a card's verification or authentication):
 * not compared, on either side. The issuer's decisions of money are those of ops
 * STORE_OP_PREAUTH to STORE_OP_REFUND (store_acquirer.h): not a balance (1), a reversal (9) nor
 * a verification (10, 11, 12: request.h). */
#define NO_MONEY_TYPES "('balance', 'verify', 'cardauth_start', 'cardauth_confirm')"
#define MONEY_OPS      "d.op BETWEEN 2 AND 8"

int store_recon_host_decisions(store *s, const char *date,
                               int (*fn)(void *ctx, const struct store_recon_decision *d),
                               void *ctx)
{
	/* The (settle_date, mid, id) index of acq_txns (settle.1) finds the day's requests. */
	static const struct store_query q = STORE_Q(
	    "SELECT 1 AS host, a.tid AS tid, a.mid AS mid, a.batch AS batch, a.stan AS stan, a.type "
	    "AS type, a.rrn AS rrn, a.masked AS masked, a.rc AS rc, a.amount AS amount, a.currency "
	    "AS currency, a.reversed AS reversed, d.id IS NOT NULL AS found, a.decision_id AS "
	    "decision_id, COALESCE(d.rc, '') AS d_rc, COALESCE(d.amount, 0) AS d_amount, "
	    "COALESCE(d.currency, 0) AS d_currency, COALESCE(d.reversed, 0) AS d_reversed FROM "
	    "acq_txns AS a LEFT JOIN decisions AS d ON d.id = a.decision_id WHERE a.settle_date = "
	    "?1 AND a.kind = 0 AND a.decision_id != 0 AND a.type NOT IN " NO_MONEY_TYPES
	    " ORDER BY "
	    "a.id",
	    &store_args_text, &decision_row);
	decision d;

	STORE_WALK(s, &q, &date, d, fn, ctx);
}

int store_recon_issuer_only(store *s, const struct store_recon_window *w,
                            int (*fn)(void *ctx, const struct store_recon_decision *d), void *ctx)
{
	/* The decisions named by the days' requests are read once (a list, not a lookup per
	 * decision); the decisions of the window are read in full (there is no index of time). */
	static const struct store_query q = STORE_Q(
	    "SELECT 0 AS host, d.terminal AS tid, d.merchant AS mid, 0 AS batch, d.stan AS stan, '' "
	    "AS type, d.rrn AS rrn, COALESCE(c.masked, '') AS masked, '' AS rc, 0 AS amount, 0 AS "
	    "currency, 0 AS reversed, 1 AS found, d.id AS decision_id, d.rc AS d_rc, d.amount AS "
	    "d_amount, d.currency AS d_currency, d.reversed AS d_reversed FROM decisions AS d LEFT "
	    "JOIN cards AS c ON c.id = d.card_id WHERE d.at >= ?1 AND d.at < ?2 AND d.link = 0 AND "
	    "d.rc = '00' AND d.reversed = 0 AND " MONEY_OPS
	    " AND d.id NOT IN (SELECT decision_id FROM "
	    "acq_txns WHERE settle_date BETWEEN ?3 AND ?4 AND decision_id != 0) ORDER BY d.id",
	    &window_args, &decision_row);
	decision d;

	STORE_WALK(s, &q, w, d, fn, ctx);
}
