/* adjust.c — the SQLite backend of store_settle.h's adjustments (docs/settle.md
 * "Adjustments"): a merchant's balance changed by one operator and approved by a second, and
 * which payout took it. Its table is migration settle.3. */
#include "store/sqlite/internal.h"

#include "store/store_settle.h"

typedef struct store_settle_adjust adjust;
typedef struct store_settle_adjust_filter adjust_filter;

/* A new row's columns, its id drawn by the insert (PostgreSQL takes no NULL for it). */
#define ADJUST_NEW_COLUMNS                                                                         \
	"mid, amount, currency, reason, status, maker, checker, created_at, decided_at, payout_id"
#define ADJUST_COLUMNS ADJUST_NEW_COLUMNS ", id"

static const struct store_col adjust_cols[] = {STORE_COLS(adjust, mid, amount, currency, reason,
                                                          status, maker, checker, created_at,
                                                          decided_at, payout_id, id)};
static const struct store_row adjust_row = STORE_ROW(adjust, adjust_cols);
static const struct store_row adjust_new_row = STORE_ROW_N(adjust_cols, 10); /* but the id */
static const struct store_col decide_cols[] = {STORE_COLS(adjust, status, checker, decided_at, id)};
static const struct store_row decide_row = STORE_ROW(adjust, decide_cols);
static const struct store_col pay_cols[] = {STORE_COLS(adjust, payout_id, id)};
static const struct store_row pay_row = STORE_ROW(adjust, pay_cols);
static const struct store_col filter_cols[] = {STORE_COLS(adjust_filter, status, after_id, limit)};
static const struct store_row filter_row = STORE_ROW_N(filter_cols, 3);

STORE_FN_INSERT(store_settle_adjust_insert, adjust,
                "INSERT INTO settle_adjustments (" ADJUST_NEW_COLUMNS
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                adjust_new_row)
STORE_FN_GET(store_settle_adjust_get, int64_t, adjust,
             "SELECT " ADJUST_COLUMNS " FROM settle_adjustments WHERE id = ?", store_args_id,
             adjust_row)
STORE_FN_UPDATE(store_settle_adjust_decide, adjust,
                "UPDATE settle_adjustments SET status = ?, checker = ?, decided_at = ? "
                "WHERE id = ? AND status = 'pending'",
                decide_row)
STORE_FN_EACH_FILTER(store_settle_adjusts, adjust_filter, adjust,
                     "SELECT " ADJUST_COLUMNS " FROM settle_adjustments "
                     "WHERE (?1 = '' OR status = ?1) AND id > ?2 ORDER BY id LIMIT ?3",
                     filter_row, adjust_row)
STORE_FN_EACH(store_settle_adjust_owed, adjust,
              "SELECT " ADJUST_COLUMNS " FROM settle_adjustments "
              "WHERE status = 'approved' AND payout_id = 0 ORDER BY mid, id",
              adjust_row)
STORE_FN_UPDATE(store_settle_adjust_pay, adjust,
                "UPDATE settle_adjustments SET payout_id = ? WHERE id = ? AND payout_id = 0",
                pay_row)
STORE_FN_EACH_KEY(store_settle_adjust_paid, int64_t, adjust,
                  "SELECT " ADJUST_COLUMNS " FROM settle_adjustments WHERE payout_id = ? "
                  "ORDER BY id",
                  store_args_id, adjust_row)

int store_settle_adjust_unpay(store *s, int64_t payout_id)
{
	static const struct store_query q =
	    STORE_Q("UPDATE settle_adjustments SET payout_id = 0 WHERE payout_id = ?",
	            &store_args_id, NULL);

	return store_q_run(s, &q, &payout_id, NULL);
}
