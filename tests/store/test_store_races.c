/* test_store_races.c — the changes that happen once even when two hosts make them at once (docs/
 * scaling.md, "Several hosts on one database"): two store handles on one store (a file, or with
 * POSSUM_TEST_PG one PostgreSQL schema, READ COMMITTED) stand for two hosts, and the race is
 * played by hand: handle a reads, handle b does the whole change, then a's write finds the row
 * changed and fails cleanly (STORE_ENOTFOUND), leaving b's: a TOTP code's step, a payment
 * code, an adjustment's decision. A terminal's row read and written back whole by the acquirer
 * leaves an operator's download mark made in between (tms_pending). And the rows locked so that on
 * PostgreSQL b waits for a's transaction (b's lock_timeout runs out while a's is under way): a
 * sign-in's user, a payment's code, a settlement card's start. */
#include "store/store_fixture.h"

#include <string.h>

#include "store/store_acquirer.h"
#include "store/store_settle.h"
#include "store/store_settlecard.h"
#include "store/store_tms.h"
#include "store/store_user.h"
#include "store/store_wallet.h"

#define MID "898310048120001"

struct fixture {
	struct store_fixture fx;
	store *b; /* the second host's connection */
};

static int setup(void **state)
{
	char path[sizeof((struct store_fixture *)0)->path + 32];
	struct fixture *f = calloc(1, sizeof *f);
	void *fx;

	if (f == NULL || store_fixture_setup(&fx) != 0)
		return -1;
	f->fx = *(struct store_fixture *)fx;
	free(fx);
	/* The second host's: a wait for the first's lock fails after 300 ms. */
	if (store_open(store_fixture_second(&f->fx, 300, path, sizeof path), &f->b) != STORE_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc;

	store_close(f->b);
	store_close(f->fx.s);
	rc = store_fixture_remove(f->fx.dir, f->fx.schema);
	free(f);
	return rc;
}

/* The same TOTP step twice: a's sign-in, which read the row before b's took the step, writes
 * nothing; the step stays b's, its failures 0. */
static void totp_step_once(void **state)
{
	struct fixture *f = *state;
	struct store_user u = {.role = 1, .state = 1, .totp_last = 100}, a, b;

	snprintf(u.name, sizeof u.name, "alice");
	assert_int_equal(store_user_insert(f->fx.s, &u), STORE_OK);
	assert_int_equal(store_user_get(f->fx.s, "alice", &a), STORE_OK);
	assert_int_equal(store_user_get(f->b, "alice", &b), STORE_OK);
	b.totp_last = 101;
	assert_int_equal(store_user_signin(f->b, &b), STORE_OK);
	a.totp_last = 101;
	a.failures = 3;
	assert_int_equal(store_user_signin(f->fx.s, &a), STORE_ENOTFOUND);
	assert_int_equal(store_user_get(f->fx.s, "alice", &a), STORE_OK);
	assert_int_equal(a.totp_last, 101);
	assert_int_equal(a.failures, 0);
	/* A later step signs in. */
	a.totp_last = 102;
	assert_int_equal(store_user_signin(f->fx.s, &a), STORE_OK);
}

/* A sign-in's read of its user, locked: on PostgreSQL the other host's sign-in waits for it (b's
 * lock_timeout runs out), then reads the failure a counted. */
static void signin_locked(void **state)
{
	struct fixture *f = *state;
	struct store_user u = {.role = 1, .state = 1}, a, b;

	snprintf(u.name, sizeof u.name, "bob");
	assert_int_equal(store_user_insert(f->fx.s, &u), STORE_OK);
	assert_int_equal(store_begin(f->fx.s), STORE_OK);
	assert_int_equal(store_user_lock(f->fx.s, "bob", &a), STORE_OK);
	if (store_fixture_pg())
		assert_int_not_equal(store_user_lock(f->b, "bob", &b), STORE_OK);
	a.failures++;
	assert_int_equal(store_user_update(f->fx.s, &a), STORE_OK);
	assert_int_equal(store_commit(f->fx.s), STORE_OK);
	assert_int_equal(store_user_lock(f->b, "bob", &b), STORE_OK);
	assert_int_equal(b.failures, 1);
}

/* One payment code used by two payments: the second's use, read before the first's, finds it
 * used. */
static void wallet_code_once(void **state)
{
	struct fixture *f = *state;
	struct store_wallet_code c = {.wallet_id = 1, .card_id = 1, .expires_at = 1000}, a, b;

	memset(c.hash, 'a', STORE_HASH_HEX);
	assert_int_equal(store_wallet_code_insert(f->fx.s, &c), STORE_OK);
	assert_int_equal(store_wallet_code_by_hash(f->fx.s, c.hash, &a), STORE_OK);
	assert_int_equal(store_wallet_code_by_hash(f->b, c.hash, &b), STORE_OK);
	b.used_at = 500;
	assert_int_equal(store_wallet_code_use(f->b, &b), STORE_OK);
	assert_int_equal(a.used_at, 0);
	a.used_at = 501;
	assert_int_equal(store_wallet_code_use(f->fx.s, &a), STORE_ENOTFOUND);
	assert_int_equal(store_wallet_code_by_hash(f->fx.s, c.hash, &a), STORE_OK);
	assert_int_equal(a.used_at, 500);
}

/* The payment's read of its code, locked: on PostgreSQL the other host's waits for it (b's
 * lock_timeout runs out), then sees the code used. */
static void wallet_code_locked(void **state)
{
	struct fixture *f = *state;
	struct store_wallet_code c = {.wallet_id = 1, .card_id = 1, .expires_at = 1000}, a, b;

	memset(c.hash, 'b', STORE_HASH_HEX);
	assert_int_equal(store_wallet_code_insert(f->fx.s, &c), STORE_OK);
	assert_int_equal(store_begin(f->fx.s), STORE_OK);
	assert_int_equal(store_wallet_code_lock(f->fx.s, c.id, &a), STORE_OK);
	if (store_fixture_pg())
		assert_int_not_equal(store_wallet_code_lock(f->b, c.id, &b), STORE_OK);
	a.used_at = 500;
	assert_int_equal(store_wallet_code_use(f->fx.s, &a), STORE_OK);
	assert_int_equal(store_commit(f->fx.s), STORE_OK);
	assert_int_equal(store_wallet_code_lock(f->b, c.id, &b), STORE_OK);
	assert_int_equal(b.used_at, 500);
}

/* One adjustment approved by two checkers: the second's decision, read pending, finds it
 * decided; the first's stands. */
static void adjustment_decided_once(void **state)
{
	struct fixture *f = *state;
	struct store_settle_adjust j = {.amount = 500}, a, b;

	snprintf(j.mid, sizeof j.mid, MID);
	snprintf(j.currency, sizeof j.currency, "CNY");
	snprintf(j.status, sizeof j.status, "pending");
	snprintf(j.maker, sizeof j.maker, "cli:maker");
	assert_int_equal(store_settle_adjust_insert(f->fx.s, &j), STORE_OK);
	assert_int_equal(store_settle_adjust_get(f->fx.s, j.id, &a), STORE_OK);
	assert_int_equal(store_settle_adjust_get(f->b, j.id, &b), STORE_OK);
	snprintf(b.status, sizeof b.status, "approved");
	snprintf(b.checker, sizeof b.checker, "cli:bob");
	assert_int_equal(store_settle_adjust_decide(f->b, &b), STORE_OK);
	assert_string_equal(a.status, "pending");
	snprintf(a.status, sizeof a.status, "rejected");
	snprintf(a.checker, sizeof a.checker, "cli:carol");
	assert_int_equal(store_settle_adjust_decide(f->fx.s, &a), STORE_ENOTFOUND);
	assert_int_equal(store_settle_adjust_get(f->fx.s, j.id, &a), STORE_OK);
	assert_string_equal(a.status, "approved");
	assert_string_equal(a.checker, "cli:bob");
}

/* Two starts of one merchant's settlement card: on PostgreSQL b's waits for a's, under way in
 * a's transaction (its lock_timeout runs out: it fails, nothing written), then replaces it. One
 * pending binding, b's, either way. */
static void settlecard_start_turns(void **state)
{
	struct fixture *f = *state;
	struct store_settlecard a = {.card_id = 1}, b = {.card_id = 2}, p;

	snprintf(a.mid, sizeof a.mid, MID);
	snprintf(b.mid, sizeof b.mid, MID);
	if (store_fixture_pg()) {
		assert_int_equal(store_begin(f->fx.s), STORE_OK);
		assert_int_equal(store_settlecard_start(f->fx.s, &a), STORE_OK);
		assert_int_not_equal(store_settlecard_start(f->b, &b), STORE_OK);
		assert_int_equal(store_commit(f->fx.s), STORE_OK);
	} else {
		assert_int_equal(store_settlecard_start(f->fx.s, &a), STORE_OK);
	}
	assert_int_equal(store_settlecard_start(f->b, &b), STORE_OK);
	assert_int_equal(store_settlecard_pending(f->fx.s, MID, &p), STORE_OK);
	assert_int_equal(p.card_id, 2);
	assert_int_equal(store_settlecard_drop(f->fx.s, MID), STORE_OK);
	assert_int_equal(store_settlecard_pending(f->fx.s, MID, &p), STORE_ENOTFOUND);
}

/* The acquirer (a) reads a terminal's row, an operator's change (b) marks its parameters
 * pending, then a writes the row back, a purchase's or an echo's: the mark stays. Its own
 * change of the bits (store_terminal_pending()) works on the row as it then is. */
static void terminal_mark_kept(void **state)
{
	struct fixture *f = *state;
	struct store_merchant m = {.status = 1, .created_at = 1};
	struct store_terminal t = {.status = 1, .batch = 1, .created_at = 1}, a;
	struct store_tms_mark mark = {
	    .level = "terminal", .name = "TERM0001", .bits = STORE_TMS_PENDING_PARAMS};

	snprintf(m.mid, sizeof m.mid, MID);
	snprintf(m.name, sizeof m.name, "Possum Cafe");
	snprintf(m.mcc, sizeof m.mcc, "5812");
	assert_int_equal(store_merchant_insert(f->fx.s, &m), STORE_OK);
	snprintf(t.tid, sizeof t.tid, "TERM0001");
	snprintf(t.mid, sizeof t.mid, MID);
	snprintf(t.sn, sizeof t.sn, "SN0001");
	assert_int_equal(store_terminal_insert(f->fx.s, &t), STORE_OK);
	assert_int_equal(store_terminal_get(f->fx.s, "TERM0001", &a), STORE_OK);
	assert_int_equal(a.tms_pending, 0);
	assert_int_equal(store_tms_mark(f->b, &mark), STORE_OK);
	a.last_seen = 500;
	assert_int_equal(store_terminal_update(f->fx.s, &a), STORE_OK);
	assert_int_equal(store_terminal_get(f->b, "TERM0001", &a), STORE_OK);
	assert_int_equal(a.tms_pending, STORE_TMS_PENDING_PARAMS);
	assert_int_equal(a.last_seen, 500);
	/* The CA keys' bit added, the parameters' kept; then the parameters' cleared alone. */
	assert_int_equal(
	    store_terminal_pending(f->fx.s, "TERM0001", ~(int64_t)0, STORE_TMS_PENDING_CAPK),
	    STORE_OK);
	assert_int_equal(
	    store_terminal_pending(f->fx.s, "TERM0001", ~(int64_t)STORE_TMS_PENDING_PARAMS, 0),
	    STORE_OK);
	assert_int_equal(store_terminal_get(f->b, "TERM0001", &a), STORE_OK);
	assert_int_equal(a.tms_pending, STORE_TMS_PENDING_CAPK);
	assert_int_equal(store_terminal_pending(f->fx.s, "TERM0009", ~(int64_t)0, 1),
	                 STORE_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(totp_step_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(signin_locked, setup, teardown),
	    cmocka_unit_test_setup_teardown(wallet_code_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(wallet_code_locked, setup, teardown),
	    cmocka_unit_test_setup_teardown(adjustment_decided_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(settlecard_start_turns, setup, teardown),
	    cmocka_unit_test_setup_teardown(terminal_mark_kept, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
