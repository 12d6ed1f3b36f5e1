/* test_store_ops.c — the store's reads for the operations console: requests counted by second
 * and by response code over a window found by id (rows a little out of order, reversals and
 * rows outside left out), and the settlement runs with the lines an open day has so far. */
#include "store_fixture.h"

#include <string.h>

#include "store/store_acquirer.h"
#include "store/store_settle.h"

#define T(name) cmocka_unit_test_setup_teardown(name, store_fixture_setup, store_fixture_teardown)

/* A row of acq_txns: a request (kind 0) or a reversal (1) at at, answered rc. */
static void row(store *s, int stan, int kind, int64_t at, const char *rc)
{
	struct store_acq_txn t = {
	    .at = at, .batch = 1, .kind = kind, .amount = 100, .currency = 156};

	snprintf(t.tid, sizeof t.tid, "TERM0001");
	snprintf(t.mid, sizeof t.mid, "898310048120001");
	snprintf(t.stan, sizeof t.stan, "%06d", stan);
	snprintf(t.type, sizeof t.type, "purchase");
	snprintf(t.rc, sizeof t.rc, "%s", rc);
	snprintf(t.settle_date, sizeof t.settle_date, "2026-12-06");
	snprintf(t.channel, sizeof t.channel, "card");
	assert_int_equal(store_acq_txn_insert(s, &t), STORE_OK);
}

/* Rows from 0 to 999 s, then the window's, one written late (at 1000 after 1001's). */
static void rows(store *s)
{
	int stan = 1;

	for (int64_t at = 0; at < 1000; at += 10)
		row(s, stan++, 0, at, "00");
	row(s, stan++, 0, 1000, "00");
	row(s, stan++, 0, 1001, "51");
	row(s, stan++, 0, 1000, "00");
	row(s, stan++, 1, 1001, "00");
	row(s, stan++, 0, 1003, "55");
	row(s, stan++, 0, 1003, "51");
	row(s, stan++, 0, 5000, "00");
}

struct got {
	struct store_acq_second sec[8];
	struct store_acq_rc_count rc[8];
	size_t n;
};

static int second_one(void *ctx, const struct store_acq_second *x)
{
	struct got *g = ctx;

	g->sec[g->n++] = *x;
	return g->n == 8;
}

static int rc_one(void *ctx, const struct store_acq_rc_count *x)
{
	struct got *g = ctx;

	g->rc[g->n++] = *x;
	return g->n == 8;
}

static void seconds_of_a_window(void **state)
{
	struct store_fixture *f = *state;
	struct store_acq_window w = {1000, 1004};
	struct got g = {0};

	rows(f->s);
	assert_int_equal(store_acq_seconds(f->s, &w, second_one, &g), STORE_OK);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.sec[0].at, 1000);
	assert_int_equal(g.sec[0].requests, 2);
	assert_int_equal(g.sec[0].approved, 2);
	assert_int_equal(g.sec[1].at, 1001);
	assert_int_equal(g.sec[1].requests, 1); /* the reversal is no request */
	assert_int_equal(g.sec[1].approved, 0);
	assert_int_equal(g.sec[2].at, 1003);
	assert_int_equal(g.sec[2].requests, 2);
}

static void codes_of_a_window(void **state)
{
	struct store_fixture *f = *state;
	struct store_acq_window w = {1000, 1004};
	struct got g = {0};

	rows(f->s);
	assert_int_equal(store_acq_rc_counts(f->s, &w, rc_one, &g), STORE_OK);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.rc[0].rc, "00"); /* 2, then 51 before 55 by code */
	assert_int_equal(g.rc[0].count, 2);
	assert_string_equal(g.rc[1].rc, "51");
	assert_int_equal(g.rc[1].count, 2);
	assert_string_equal(g.rc[2].rc, "55");
	assert_int_equal(g.rc[2].count, 1);
}

static void empty_and_outside(void **state)
{
	struct store_fixture *f = *state;
	struct store_acq_window w = {2000, 3000};
	struct got g = {0};

	assert_int_equal(store_acq_seconds(f->s, &w, second_one, &g), STORE_OK);
	assert_int_equal(g.n, 0);
	rows(f->s);
	assert_int_equal(store_acq_seconds(f->s, &w, second_one, &g), STORE_OK);
	assert_int_equal(g.n, 0);
	w = (struct store_acq_window){0, 100};
	assert_int_equal(store_acq_seconds(f->s, &w, second_one, &g), 1); /* what fn returned */
	assert_int_equal(g.n, 8); /* the first eight of 0, 10, … 90: fn stopped it */
	assert_int_equal(g.sec[7].at, 70);
}

struct runs {
	struct store_settle_run r[4];
	size_t n;
};

static int run_one(void *ctx, const struct store_settle_run *r)
{
	struct runs *rs = ctx;

	rs->r[rs->n++] = *r;
	return rs->n == 4;
}

static void settlement_runs(void **state)
{
	struct store_fixture *f = *state;
	struct store_settle_day closed = {"2026-12-04", STORE_SETTLE_CLOSED, 7, 2, 1000, "", 0};
	struct store_settle_day open = {"2026-12-05", STORE_SETTLE_OPEN, 0, 0, 0, "settle:h:1", 99};
	struct store_settle_line l = {.date = "2026-12-05", .mid = "898310048120001"};
	struct store_settle_run_filter all = {"", 0}, before = {"2026-12-05", 1};
	struct runs rs = {0};

	assert_int_equal(store_settle_day_put(f->s, &closed), STORE_OK);
	assert_int_equal(store_settle_day_put(f->s, &open), STORE_OK);
	for (l.txn_id = 1; l.txn_id <= 3; l.txn_id++)
		assert_int_equal(store_settle_line_insert(f->s, &l), STORE_OK);
	assert_int_equal(store_settle_runs(f->s, &all, run_one, &rs), STORE_OK);
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.r[0].date, "2026-12-05"); /* newest first */
	assert_int_equal(rs.r[0].written, 3);
	assert_string_equal(rs.r[0].owner, "settle:h:1");
	assert_string_equal(rs.r[1].date, "2026-12-04");
	assert_int_equal(rs.r[1].written, 7); /* closed: its lines */
	rs.n = 0;
	assert_int_equal(store_settle_runs(f->s, &before, run_one, &rs), STORE_OK);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.r[0].date, "2026-12-04");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(seconds_of_a_window),
	    T(codes_of_a_window),
	    T(empty_and_outside),
	    T(settlement_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
