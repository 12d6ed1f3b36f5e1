/* live.c — the SQLite backend of the operations console's reads of store_acquirer.h: the
 * requests of a window of time counted by second and by response code, read through the
 * primary key. acq_txns has no index on its time: a window's ids are found by a binary search
 * on id (the rows are written in about the order of their times, STORE_ACQ_SKEW_S), and the
 * counts read only the rows between them. */
#include "store/sqlite/internal.h"

#include "store/store_acquirer.h"

struct probe {
	int64_t id, at;
};
static const struct store_col probe_cols[] = {STORE_COLS(struct probe, id, at)};
static const struct store_row probe_row = STORE_ROW(struct probe, probe_cols);

/* The ids [lo, hi) of the rows of a window, and the window itself. */
struct range {
	int64_t lo, hi, from, to;
};
static const struct store_col range_cols[] = {STORE_COLS(struct range, lo, hi, from, to)};
static const struct store_row range_args = STORE_ROW_N(range_cols, 4);

typedef struct store_acq_second second;
static const struct store_col second_cols[] = {STORE_COLS(second, at, requests, approved)};
static const struct store_row second_row = STORE_ROW(second, second_cols);

typedef struct store_acq_rc_count rc_count;
static const struct store_col rc_cols[] = {STORE_COLS(rc_count, rc, count)};
static const struct store_row rc_row = STORE_ROW(rc_count, rc_cols);

/* The first row whose id is id or above: STORE_ENOTFOUND when none. */
static int probe(store *s, int64_t id, struct probe *out)
{
	static const struct store_query q =
	    STORE_Q("SELECT id, at FROM acq_txns WHERE id >= ? ORDER BY id LIMIT 1", &store_args_id,
	            &probe_row);

	return store_q_get(s, &q, &id, out);
}

/* *id: the first id of a row made at t or later, as the rows' order of ids has it (one past
 * the last row when none). */
static int first_at(store *s, int64_t t, int64_t *id)
{
	static const struct store_query last =
	    STORE_Q("SELECT id, at FROM acq_txns ORDER BY id DESC LIMIT 1", NULL, &probe_row);
	struct probe p;
	int64_t lo = 0, hi, mid;
	int rc;

	if ((rc = store_q_get(s, &last, NULL, &p)) != STORE_OK) {
		*id = 1;
		return rc == STORE_ENOTFOUND ? STORE_OK : rc;
	}
	for (hi = p.id + 1; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if ((rc = probe(s, mid, &p)) == STORE_ENOTFOUND || (rc == STORE_OK && p.at >= t))
			hi = mid;
		else if (rc == STORE_OK)
			lo = p.id + 1;
		else
			return rc;
	}
	*id = lo;
	return STORE_OK;
}

/* The ids of window w's rows, with the skew's margin on either side. */
static int window_range(store *s, const struct store_acq_window *w, struct range *r)
{
	int rc;

	r->from = w->from;
	r->to = w->to;
	if ((rc = first_at(s, w->from - STORE_ACQ_SKEW_S, &r->lo)) != STORE_OK)
		return rc;
	return first_at(s, w->to + STORE_ACQ_SKEW_S, &r->hi);
}

int store_acq_seconds(store *s, const struct store_acq_window *w,
                      int (*fn)(void *ctx, const struct store_acq_second *x), void *ctx)
{
	static const struct store_query q = STORE_Q(
	    "SELECT at, COUNT(*) AS requests, COUNT(*) FILTER (WHERE rc = '00') AS approved FROM acq_txns "
	    "WHERE id >= ?1 AND id < ?2 AND at >= ?3 AND at < ?4 AND kind = 0 "
	    "GROUP BY at ORDER BY at",
	    &range_args, &second_row);
	struct range r;
	second row;
	int rc;

	if ((rc = window_range(s, w, &r)) != STORE_OK)
		return rc;
	STORE_WALK(s, &q, &r, row, fn, ctx);
}

int store_acq_rc_counts(store *s, const struct store_acq_window *w,
                        int (*fn)(void *ctx, const struct store_acq_rc_count *x), void *ctx)
{
	static const struct store_query q =
	    STORE_Q("SELECT rc, COUNT(*) AS count FROM acq_txns "
	            "WHERE id >= ?1 AND id < ?2 AND at >= ?3 AND at < ?4 AND kind = 0 "
	            "GROUP BY rc ORDER BY count DESC, rc",
	            &range_args, &rc_row);
	struct range r;
	rc_count row;
	int rc;

	if ((rc = window_range(s, w, &r)) != STORE_OK)
		return rc;
	STORE_WALK(s, &q, &r, row, fn, ctx);
}
