/* test_ledger_property.c — thousands of random operations on a few accounts (plain and
 * pending transfers, posts whole and partial and too large, voids, retries and reused ids,
 * expiry, limit changes, caller transactions rolled back), many of them refused; after each
 * batch ledger_check() must find the ledger sound. Then the other way round: sums, transfers
 * and states damaged behind the ledger's back with SQL, and the check must say so. */
#include "ledger/ledger_fixture.h"

#define ACCOUNTS 8
#define BATCHES  40
#define BATCH    100

/* A small deterministic generator (xorshift64), so a failure can be replayed. */
static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static int64_t pick(uint64_t *x, int64_t n)
{
	return (int64_t)(next(x) % (uint64_t)n);
}

struct world {
	store *s;
	int64_t accounts[ACCOUNTS];
	uint64_t ids; /* transfer ids used: 1..ids */
	int64_t now;
	uint64_t rng;
	size_t ok, refused;
};

static void make_accounts(struct world *w)
{
	static const uint32_t flags[ACCOUNTS] = {0,
	                                         0,
	                                         LEDGER_DEBITS_LIMITED,
	                                         LEDGER_DEBITS_LIMITED,
	                                         LEDGER_CREDITS_LIMITED,
	                                         LEDGER_CREDITS_LIMITED,
	                                         LEDGER_DEBITS_LIMITED | LEDGER_CREDITS_LIMITED,
	                                         0};

	for (int i = 0; i < ACCOUNTS; i++)
		w->accounts[i] = test_account(w->s, i == ACCOUNTS - 1 ? 840 : 156, flags[i],
		                              i % 2 == 0 ? 0 : 5000);
}

/* One random operation; counts what it did. Every result is one ledger.h allows. */
static void step(struct world *w)
{
	struct ledger_transfer t = {0};
	int64_t op = pick(&w->rng, 10);
	int rc;

	w->now += pick(&w->rng, 3);
	if (op == 9) {
		assert_int_equal(ledger_expire(w->s, w->now, NULL), LEDGER_OK);
		return;
	}
	if (op == 8) {
		rc = ledger_account_set_limit(w->s, w->accounts[pick(&w->rng, ACCOUNTS)],
		                              pick(&w->rng, 10000));
		assert_true(rc == LEDGER_OK || rc == LEDGER_EFUNDS);
		return;
	}
	/* One in eight reuses an id: a retry or a different transfer under it. */
	t.id = test_id(pick(&w->rng, 8) == 0 && w->ids > 0
	                   ? 1 + (uint64_t)pick(&w->rng, (int64_t)w->ids)
	                   : ++w->ids);
	t.code = (uint32_t)pick(&w->rng, 3);
	if (op < 3) {
		t.flags = op == 0 ? LEDGER_POST : LEDGER_VOID;
		t.pending_id = test_id(1 + (uint64_t)pick(&w->rng, (int64_t)w->ids));
		t.amount = op == 0 ? pick(&w->rng, 4000) : 0;
	} else {
		t.flags = op < 6 ? LEDGER_PENDING : 0;
		t.timeout = t.flags != 0 ? pick(&w->rng, 30) : 0;
		t.debit_account = w->accounts[pick(&w->rng, ACCOUNTS)];
		t.credit_account = w->accounts[pick(&w->rng, ACCOUNTS)];
		t.amount = pick(&w->rng, 3000);
		t.currency = 156;
	}
	/* Some within a caller's transaction that is then rolled back. */
	bool undo = pick(&w->rng, 10) == 0;
	int depth = store_depth(w->s);
	if (undo)
		assert_int_equal(store_begin(w->s), STORE_OK);
	rc = ledger_transfer_create(w->s, &t, w->now, NULL);
	if (undo)
		assert_int_equal(store_rollback(w->s), STORE_OK);
	assert_int_equal(store_depth(w->s), depth);
	assert_true(rc != LEDGER_ESTORE && rc != LEDGER_EARG);
	if (rc == LEDGER_OK)
		w->ok++;
	else
		w->refused++;
}

static void random_operations(void **state)
{
	struct store_fixture *f = *state;
	struct world w = {.s = f->s, .rng = 0x9E3779B97F4A7C15u, .now = 1000};
	struct ledger_report r;

	make_accounts(&w);
	for (int b = 0; b < BATCHES; b++) {
		struct test_violations v = {0};

		/* Half the batches in one caller's transaction, committed. */
		if (b % 2 == 1)
			assert_int_equal(store_begin(f->s), STORE_OK);
		for (int i = 0; i < BATCH; i++)
			step(&w);
		if (b % 2 == 1)
			assert_int_equal(store_commit(f->s), STORE_OK);
		if (test_check(f->s, &r, &v) != 0)
			fail_msg("batch %d: %zu violations, the last: %s", b, v.n, v.last);
	}
	/* The random walk exercised both outcomes. */
	assert_true(w.ok > BATCHES * BATCH / 10);
	assert_true(w.refused > BATCHES * BATCH / 10);
	assert_int_equal(r.currencies, 2);
}

/* A small sound ledger: a plain transfer, a posted pending one, a pending one. */
static void small_ledger(store *s)
{
	int64_t a = test_account(s, 156, 0, 0), b = test_account(s, 156, LEDGER_DEBITS_LIMITED, 0);
	struct ledger_transfer t[] = {
	    {.id = test_id(1),
	     .debit_account = a,
	     .credit_account = b,
	     .amount = 100,
	     .currency = 156},
	    {.id = test_id(2),
	     .debit_account = a,
	     .credit_account = b,
	     .amount = 50,
	     .currency = 156,
	     .flags = LEDGER_PENDING},
	    {.id = test_id(3), .flags = LEDGER_POST, .pending_id = test_id(2), .amount = 20},
	    {.id = test_id(4),
	     .debit_account = b,
	     .credit_account = a,
	     .amount = 30,
	     .currency = 156,
	     .flags = LEDGER_PENDING},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		assert_int_equal(ledger_transfer_create(s, &t[i], 100, NULL), LEDGER_OK);
}

/* Each damage, done to a fresh small ledger, and the words the check must use. */
static void corruption_detected(void **state)
{
	static const struct {
		const char *sql, *says;
	} damage[] = {
	    {"UPDATE ledger_accounts SET debits_posted = debits_posted + 1 WHERE id = 1",
	     "debits_posted is 121, its transfers sum to 120"},
	    {"UPDATE ledger_accounts SET credits_pending = 0 WHERE id = 1", "credits_pending"},
	    {"UPDATE ledger_transfers SET amount = 101 WHERE flags = 0", "its transfers sum"},
	    {"UPDATE ledger_transfers SET state = 2, posted_amount = 30 WHERE flags = 1 AND state = 1",
	     "state 2, posted 30 of 30, 0 posts and 0 voids name it"},
	    {"UPDATE ledger_transfers SET posted_amount = 60 WHERE flags = 1 AND state = 2",
	     "posted 60 of 50"},
	    {"UPDATE ledger_transfers SET pending_id = NULL WHERE flags = 2",
	     "not a pending transfer"},
	    {"UPDATE ledger_accounts SET balance_limit = 0, credits_posted = 0, debits_posted = 10 "
	     "WHERE id = 2",
	     "beyond its limit"},
	};
	struct store_fixture *f = *state;

	for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
		struct test_violations v = {.want = damage[i].says};
		struct ledger_report r;
		char path[128];
		store *s;

		/* A database of its own for each. */
		snprintf(path, sizeof path, "%s/damage%zu.db", f->dir, i);
		assert_int_equal(store_open(path, &s), STORE_OK);
		small_ledger(s);
		assert_int_equal(test_check(s, &r, &v), 0);
		store_fixture_sql(path, damage[i].sql);
		if (test_check(s, &r, &v) == 0 || !v.seen)
			fail_msg("after %s: %zu violations, the last: %s", damage[i].sql, v.n,
			         v.last);
		store_close(s);
	}
}

/* Debits and credits no longer balance over a currency. */
static void imbalance_detected(void **state)
{
	struct store_fixture *f = *state;
	struct test_violations v = {0};
	struct ledger_report r;

	small_ledger(f->s);
	store_fixture_sql(
	    f->path, "UPDATE ledger_accounts SET credits_posted = credits_posted + 5 WHERE id = 2");
	assert_true(test_check(f->s, &r, &v) >= 2);
	assert_non_null(strstr(v.last, "currency 156"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, store_fixture_setup, store_fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(random_operations),
	    T(corruption_detected),
	    T(imbalance_detected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
