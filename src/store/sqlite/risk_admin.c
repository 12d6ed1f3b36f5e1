/* risk_admin.c — the SQLite backend of store_risk.h's analyst's reads (schema/risk.1.sql):
 * the cases newest first, a page at a time, and the case a request opened. Kept apart from
 * risk.c, which holds what the risk stage reads and writes on every transaction. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/internal.h"

#include "store/store_acquirer.h"
#include "store/store_risk.h"

typedef struct store_risk_case rcase;
#define CASE_SELECT                                                                                \
	"SELECT id, opened_at, status, txn_ids, rrn, tid, mid, masked, pan_hash, rules, numbers, " \
	"verdict, reason, closed_by, closed_at FROM risk_cases "
static const struct store_col case_cols[] = {STORE_COLS(rcase, id, opened_at, status, txn_ids, rrn,
                                                        tid, mid, masked, pan_hash, rules, numbers,
                                                        verdict, reason, closed_by, closed_at)};
static const struct store_row case_row = STORE_ROW(rcase, case_cols);

typedef struct store_risk_case_page page;
static const struct store_col page_cols[] = {STORE_COLS(page, open_only, before_id, limit)};
static const struct store_row page_args = STORE_ROW(page, page_cols);

STORE_FN_EACH_FILTER(store_risk_case_page, page, rcase,
                     CASE_SELECT "WHERE (?1 = 0 OR status = 'open') AND (?2 = 0 OR id < ?2) "
                                 "ORDER BY id DESC LIMIT ?3",
                     page_args, case_row)

/* txn_ids is "ID,ID,…": the id matched whole between commas. */
STORE_FN_GET(store_risk_case_by_txn, int64_t, rcase,
             CASE_SELECT "WHERE ',' || txn_ids || ',' LIKE '%,' || ?1 || ',%' ORDER BY id DESC "
                         "LIMIT 1",
             store_args_id, case_row)

/* ---- Replay ---- */

typedef struct store_acq_txn atxn;
static const struct store_col replay_cols[] = {STORE_COLS(atxn, id, at, tid, mid, batch, stan, kind,
                                                          type, amount, currency, masked, pan_hash,
                                                          rrn, auth_code, rc, reason, decision_id)};
static const struct store_row replay_row = STORE_ROW(atxn, replay_cols);

struct replay_args {
	int64_t from, to;
};
static const struct store_col replay_arg_cols[] = {STORE_COLS(struct replay_args, from, to)};
static const struct store_row replay_args = STORE_ROW(struct replay_args, replay_arg_cols);

int store_risk_replay_rows(store *s, int64_t from, int64_t to,
                           int (*fn)(void *ctx, const struct store_acq_txn *t), void *ctx)
{
	static const struct store_query q = STORE_Q(
	    "SELECT id, at, tid, mid, batch, stan, kind, type, amount, currency, masked, pan_hash, "
	    "rrn, auth_code, rc, reason, decision_id FROM acq_txns WHERE at >= ?1 AND at < ?2 AND "
	    "kind = 0 AND type IN ('purchase', 'preauth', 'completion', 'refund') ORDER BY at, id",
	    &replay_args, &replay_row);
	atxn t;

	memset(&t, 0, sizeof t);
	STORE_WALK(s, &q, (&(struct replay_args){from, to}), t, fn, ctx);
}
