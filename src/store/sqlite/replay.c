/* replay.c — the SQLite backend of store_risk.h's replay: the terminals' recorded payments
 * and refunds of a span, in time order, as `possum admin risk replay` runs them again. Kept
 * apart from risk.c, which holds what the risk stage and the analyst read and write. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/internal.h"

#include "store/store_acquirer.h"
#include "store/store_risk.h"

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
