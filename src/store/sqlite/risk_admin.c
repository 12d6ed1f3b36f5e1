/* risk_admin.c — the SQLite backend of store_risk.h's analyst's reads (schema/risk.1.sql):
 * the cases newest first, a page at a time, and the case a request opened. Kept apart from
 * risk.c, which holds what the risk stage reads and writes on every transaction. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/internal.h"

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
