/* test_payout_hosts.c — payouts exactly once with several hosts on one database: two store
 * connections (a file, or with POSSUM_TEST_PG one PostgreSQL schema) act as two hosts, each
 * running the day's payouts as the host does (the run, then the summary file in its own
 * directory when it made any). While one holds the payout date's lease the other is refused
 * (PostgreSQL; SQLite's single writer needs none). A run that outlived its lease is not
 * overtaken by another host's: that one cannot write until the first ends (PostgreSQL: the
 * payouts' table locked; SQLite: the single writer). Either way one payout per merchant, one
 * payout file, the ledger's payouts credited once. A payout answered by one run is not
 * answered again by another's. A run rolled back leaves no gap in the payouts' ids. */
#include "settle_fixture.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "settle/settle_payout.h"
#include "store/store_lease.h"
#include "store/store_settle.h"

#define PAY_DATE  20261207 /* the Monday after Friday 2026-12-04 */
#define PAY_TEXT  "2026-12-07"
#define NET_TOTAL (99400 + 49700) /* 1000.00 and 500.00 less 0.60% */

struct fixture {
	struct settle_fixture fx;
	store *b; /* the second host's connection */
	int32_t nested;
	int rc_b;
	struct settle_payout_result r_b;
};

static int setup(void **state)
{
	char path[sizeof((struct store_fixture *)0)->path + 32];
	struct fixture *f;

	if (settle_fixture_new(state, sizeof *f, DEC04_2026 + 10 * DAY) != 0)
		return -1;
	f = *state;
	/* The second host's: its run waiting for the first's fails after 300 ms. */
	if (store_open(store_fixture_second(f->fx.sf, 300, path, sizeof path), &f->b) != STORE_OK)
		return -1;
	settle_fixture_merchant(f->fx.s, M1, "One", "5812");
	settle_fixture_merchant(f->fx.s, M2, "Two", "5812");
	settle_fixture_txn(f->fx.s, M1, "purchase", 100000, CREDIT, "2026-12-04", 0);
	settle_fixture_txn(f->fx.s, M2, "purchase", 50000, CREDIT, "2026-12-04", 0);
	settle_fixture_close(&f->fx, 20261204);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->b);
	return settle_fixture_free(state);
}

/* A host's payouts as close.c runs them: the run, then the summary in DIR/HOST when it made
 * any. */
static int host_run(struct fixture *f, store *s, const char *host, int64_t lease_ms,
                    int (*payee)(void *, const char *, struct settle_payee *),
                    struct settle_payout_result *r)
{
	struct settle_payout_params p = {
	    .now = f->fx.p.now, .payee = payee, .ctx = f, .owner = host, .lease_ms = lease_ms};
	char dir[128];
	size_t rows;
	int rc;

	snprintf(dir, sizeof dir, "%s/%s", settle_fixture_dir(&f->fx), host);
	if ((rc = settle_payouts_run(s, &p, PAY_DATE, r)) == SETTLE_OK && r->made > 0)
		rc = settle_payouts_summary(s, NULL, NULL, dir, PAY_DATE, &rows);
	return rc;
}

static int count(void *ctx, const struct store_settle_payout *p)
{
	(void)p;
	++*(size_t *)ctx;
	return 0;
}

/* What both hosts made: one payout per merchant, the payouts account credited once, one
 * summary file in all. */
static void paid_once(struct fixture *f)
{
	char path[160];
	size_t n = 0, files = 0;

	assert_int_equal(store_settle_payouts(f->fx.s, PAY_TEXT, count, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payouts"), NET_TOTAL);
	settle_fixture_ledger_sound(f->fx.s);
	for (const char *const *h = (const char *const[]){"host:a:1:1", "host:b:2:1", NULL};
	     *h != NULL; h++) {
		snprintf(path, sizeof path, "%s/%s/" PAY_TEXT ".csv", settle_fixture_dir(&f->fx),
		         *h);
		files += access(path, F_OK) == 0;
	}
	assert_int_equal(files, 1);
}

/* PostgreSQL: while host b holds the date's lease, host a's run is refused; b's run pays, its
 * lease released after; a's run again pays nothing twice. SQLite takes no lease (one writer):
 * a pays, b's run after it nothing. */
static void lease_held(void **state)
{
	struct fixture *f = *state;
	struct settle_payout_result r;
	struct store_lease l;
	bool pg = store_fixture_pg();

	assert_int_equal(store_lease_take(f->b, "payout:" PAY_TEXT, "host:b:2:1", 60000, NULL),
	                 STORE_OK);
	assert_int_equal(host_run(f, f->fx.s, "host:a:1:1", 0, settle_fixture_payee, &r),
	                 pg ? SETTLE_EBUSY : SETTLE_OK);
	assert_int_equal(r.made, pg ? 0 : 2);
	assert_int_equal(host_run(f, f->b, "host:b:2:1", 0, settle_fixture_payee, &r), SETTLE_OK);
	assert_int_equal(r.made, pg ? 2 : 0);
	assert_int_equal(r.amount, pg ? NET_TOTAL : 0);
	if (pg)
		assert_int_equal(store_lease_get(f->fx.s, "payout:" PAY_TEXT, &l), STORE_ENOTFOUND);
	assert_int_equal(host_run(f, f->fx.s, "host:a:1:1", 0, settle_fixture_payee, &r),
	                 SETTLE_OK);
	assert_int_equal(r.made, 0);
	paid_once(f);
}

/* Host a's payee, asked inside a's run (its due days read, nothing written yet): the first time,
 * host b runs the date's payouts whole, a's lease having run out (a host stalled past its
 * lease). */
static int overtaken(void *ctx, const char *mid, struct settle_payee *out)
{
	struct fixture *f = ctx;

	if (f->nested++ == 0) {
		nanosleep(&(struct timespec){0, 20000000L}, NULL); /* a's lease of 1 ms runs out */
		f->rc_b = host_run(f, f->b, "host:b:2:1", 0, settle_fixture_payee, &f->r_b);
	}
	return settle_fixture_payee(ctx, mid, out);
}

/* b, its lease taken over a's, cannot begin its writes while a's run holds the payouts'
 * table (PostgreSQL, its lock_timeout runs out) or the single writer's lock (SQLite, its busy
 * timeout runs out): the store failed, and a pays. Paid once. */
static void run_overtaken(void **state)
{
	struct fixture *f = *state;
	struct settle_payout_result r;
	int rc = host_run(f, f->fx.s, "host:a:1:1", 1, overtaken, &r);

	assert_int_equal(f->rc_b, SETTLE_ESTORE);
	assert_int_equal(f->r_b.made, 0);
	assert_int_equal(rc, SETTLE_OK);
	assert_int_equal(r.made, 2);
	paid_once(f);
}

/* A payee that fails for M2, after M1's payout is written. */
static int fails_m2(void *ctx, const char *mid, struct settle_payee *out)
{
	return strcmp(mid, M2) == 0 ? SETTLE_ESTORE : settle_fixture_payee(ctx, mid, out);
}

static int payout_id(void *ctx, const struct store_settle_payout *p)
{
	int64_t *ids = ctx;

	ids[ids[0]++ + 1] = p->id;
	return 0;
}

/* A run rolled back after M1's payout was written (M2's payee failing) leaves no gap: the next
 * run's payouts are 1 and 2, their references the bank reads without a hole (PostgreSQL's
 * identity would have given 2 and 3). */
static void ids_gapless(void **state)
{
	struct fixture *f = *state;
	struct settle_payout_result r;
	int64_t ids[4] = {0};

	assert_int_equal(host_run(f, f->fx.s, "host:a:1:1", 0, fails_m2, &r), SETTLE_ESTORE);
	assert_int_equal(r.made, 0);
	assert_int_equal(host_run(f, f->b, "host:b:2:1", 0, settle_fixture_payee, &r), SETTLE_OK);
	assert_int_equal(r.made, 2);
	assert_int_equal(store_settle_payouts(f->fx.s, PAY_TEXT, payout_id, ids), STORE_OK);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 1);
	assert_int_equal(ids[2], 2);
}

/* A payout answered by one host's run is not answered again by the other's: the answer is
 * written only while the payout is still made. */
static void answered_once(void **state)
{
	struct fixture *f = *state;
	struct settle_payout_result r;
	struct store_settle_payout p;
	struct settle_answer a = {.payout_id = 1, .paid = true, .bank_reference = "B1"};
	struct settle_confirm_result cr;

	assert_int_equal(host_run(f, f->fx.s, "host:a:1:1", 0, settle_fixture_payee, &r),
	                 SETTLE_OK);
	assert_int_equal(store_settle_payout_get(f->b, 1, &p), STORE_OK);
	assert_int_equal(settle_payouts_confirm(f->fx.s, &a, 1, f->fx.p.now, &cr), SETTLE_OK);
	assert_int_equal(cr.paid, 1);
	/* b read the payout made before a's answer: its write finds it answered. */
	snprintf(p.status, sizeof p.status, "failed");
	assert_int_equal(store_settle_payout_answer(f->b, &p), STORE_ENOTFOUND);
	assert_int_equal(store_settle_payout_get(f->b, 1, &p), STORE_OK);
	assert_string_equal(p.status, "paid");
	assert_int_equal(settle_fixture_balance(f->fx.s, "paid_out"), 99400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(lease_held, setup, teardown),
	    cmocka_unit_test_setup_teardown(run_overtaken, setup, teardown),
	    cmocka_unit_test_setup_teardown(answered_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(ids_gapless, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
