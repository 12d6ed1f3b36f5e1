/* test_adjust.c — adjustments (settle_adjust.h) on a store in a temporary directory: made
 * pending and posted only once a second actor approves (the merchant's payable credited, the
 * ledger's check passing, both steps audited); an approval by the maker refused with nothing
 * posted; a rejection; a second decision refused; bad input refused with nothing kept; the
 * next payout run paying an approved adjustment with the merchant's days (or alone), a failed
 * payout owing it again, a negative one offsetting the days as a negative day does — and for
 * each merchant Σ nets + Σ approved adjustments = paid + owed, to the fen. */
#include "settle_fixture.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ledger/ledger.h"
#include "settle/settle_adjust.h"
#include "settle/settle_close.h"
#include "settle/settle_payout.h"
#include "store/store_acquirer.h"
#include "store/store_audit.h"
#include "store/store_settle.h"

struct fixture {
	struct settle_fixture fx;
};

static int setup(void **state)
{
	struct fixture *f;

	if (settle_fixture_new(state, sizeof *f, DEC04_2026 + 10 * DAY) != 0)
		return -1;
	f = *state;
	settle_fixture_merchant(f->fx.s, M1, "Cafe 1", "5812");
	settle_fixture_merchant(f->fx.s, M2, "Cafe 2", "5812");
	return 0;
}

/* An approved purchase of settlement date date. */
static void purchase(store *s, const char *mid, int64_t amount, const char *date)
{
	settle_fixture_txn(s, mid, "purchase", amount, CREDIT, date, 0);
}

static void close_day(struct fixture *f, int32_t date)
{
	settle_fixture_close(&f->fx, date);
}

static struct settle_payout_result run(struct fixture *f, int32_t date)
{
	return settle_fixture_payouts(&f->fx, date, settle_fixture_payee, NULL);
}

static struct store_settle_adjust adjustment(store *s, int64_t id)
{
	struct store_settle_adjust a;

	assert_int_equal(store_settle_adjust_get(s, id, &a), STORE_OK);
	return a;
}

static int64_t make(struct fixture *f, const char *actor, const char *mid, int64_t amount)
{
	struct store_settle_adjust a;

	assert_int_equal(
	    settle_adjust_create(f->fx.s, actor, mid, amount, "batch 7 short", f->fx.p.now, &a),
	    SETTLE_OK);
	assert_string_equal(a.status, "pending");
	return a.id;
}

static int decide(struct fixture *f, const char *actor, int64_t id, bool approve)
{
	struct store_settle_adjust a;

	return settle_adjust_decide(f->fx.s, actor, id, approve, f->fx.p.now, &a);
}

struct audits {
	char actions[4][STORE_AUDIT_ACTION_MAX], actors[4][STORE_AUDIT_ACTOR_MAX];
	size_t n;
};

static int each_audit(void *ctx, const struct store_audit *a)
{
	struct audits *au = ctx;

	assert_true(au->n < 4);
	snprintf(au->actions[au->n], sizeof au->actions[0], "%s", a->action);
	snprintf(au->actors[au->n++], sizeof au->actors[0], "%s", a->actor);
	return 0;
}

static struct audits audits(store *s, int64_t id)
{
	char object[32];
	struct store_audit_filter filter = {.object = object};
	struct audits au = {0};

	snprintf(object, sizeof object, "adjustment:%lld", (long long)id);
	assert_int_equal(store_audit_list(s, &filter, each_audit, &au), STORE_OK);
	return au;
}

/* Made by one, approved by another: posted to the merchant's payable, both steps audited. */
static void approved(void **state)
{
	struct fixture *f = *state;
	int64_t id = make(f, "cli:alice", M1, 1250);
	struct store_settle_adjust a;
	struct audits au;

	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), 0);
	assert_int_equal(settle_adjust_decide(f->fx.s, "token:2", id, true, f->fx.p.now + 60, &a),
	                 SETTLE_OK);
	assert_string_equal(a.status, "approved");
	assert_string_equal(a.maker, "cli:alice");
	assert_string_equal(a.checker, "token:2");
	assert_int_equal(a.decided_at, f->fx.p.now + 60);
	assert_string_equal(adjustment(f->fx.s, id).status, "approved");
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), 1250);
	assert_int_equal(settle_fixture_balance(f->fx.s, "adjustments"), -1250);
	settle_fixture_ledger_sound(f->fx.s);
	au = audits(f->fx.s, id);
	assert_int_equal(au.n, 2);
	assert_string_equal(au.actions[0], "adjustment.create");
	assert_string_equal(au.actors[0], "cli:alice");
	assert_string_equal(au.actions[1], "adjustment.approve");
	assert_string_equal(au.actors[1], "token:2");
	/* Twice: refused, nothing posted again. */
	assert_int_equal(decide(f, "token:3", id, true), SETTLE_ESTATE);
	assert_int_equal(decide(f, "token:3", id, false), SETTLE_ESTATE);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), 1250);
	assert_int_equal(audits(f->fx.s, id).n, 2);
}

/* Approved by its maker: refused, nothing posted nor audited; another then may. */
static void maker_refused(void **state)
{
	struct fixture *f = *state;
	int64_t id = make(f, "token:1", M1, -700);
	int64_t account;

	assert_int_equal(decide(f, "token:1", id, true), SETTLE_EMAKER);
	assert_string_equal(adjustment(f->fx.s, id).status, "pending");
	assert_int_equal(store_settle_account_get(f->fx.s, "payable:" M1, &account),
	                 STORE_ENOTFOUND);
	assert_int_equal(audits(f->fx.s, id).n, 1);
	assert_int_equal(decide(f, "token:4", id, true), SETTLE_OK);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), -700);
	assert_int_equal(settle_fixture_balance(f->fx.s, "adjustments"), 700);
	settle_fixture_ledger_sound(f->fx.s);
}

/* Rejected (its maker may withdraw it): nothing posted, and no approval after. */
static void rejected(void **state)
{
	struct fixture *f = *state;
	int64_t id = make(f, "token:1", M1, 500);
	struct audits au;

	assert_int_equal(decide(f, "token:1", id, false), SETTLE_OK);
	assert_string_equal(adjustment(f->fx.s, id).status, "rejected");
	assert_string_equal(adjustment(f->fx.s, id).checker, "token:1");
	assert_int_equal(decide(f, "token:2", id, true), SETTLE_ESTATE);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), 0);
	au = audits(f->fx.s, id);
	assert_int_equal(au.n, 2);
	assert_string_equal(au.actions[1], "adjustment.reject");
	assert_int_equal(decide(f, "token:2", 99, true), SETTLE_ENOTFOUND);
	/* A payout run takes no rejected adjustment. */
	assert_int_equal(run(f, 20261207).made, 0);
}

static int each_count(void *ctx, const struct store_settle_adjust *a)
{
	(void)a;
	++*(size_t *)ctx;
	return 0;
}

/* Bad input: refused, nothing kept. */
static void bad_input(void **state)
{
	struct fixture *f = *state;
	struct store_settle_adjust a;
	struct store_settle_adjust_filter all = {.status = ""};
	char longer[SETTLE_ADJUST_REASON_MAX + 2];
	size_t n = 0;

	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	assert_int_equal(settle_adjust_create(f->fx.s, "cli:a", M1, 0, "zero", 1, &a), SETTLE_EARG);
	assert_int_equal(
	    settle_adjust_create(f->fx.s, "cli:a", M1, SETTLE_ADJUST_AMOUNT_MAX + 1, "big", 1, &a),
	    SETTLE_EARG);
	assert_int_equal(settle_adjust_create(f->fx.s, "cli:a", M1, 1, "two\nlines", 1, &a),
	                 SETTLE_EARG);
	assert_int_equal(settle_adjust_create(f->fx.s, "cli:a", M1, 1, "", 1, &a), SETTLE_EARG);
	assert_int_equal(settle_adjust_create(f->fx.s, "cli:a", M1, 1, longer, 1, &a), SETTLE_EARG);
	longer[SETTLE_ADJUST_REASON_MAX] = '\0'; /* 200 bytes: taken */
	assert_int_equal(settle_adjust_create(f->fx.s, "cli:a", M1, 1, longer, 1, &a), SETTLE_OK);
	assert_int_equal(settle_adjust_create(f->fx.s, "cli:a", "M00000000000009", 1, "who", 1, &a),
	                 SETTLE_ENOTFOUND);
	all.limit = 10;
	assert_int_equal(store_settle_adjusts(f->fx.s, &all, each_count, &n), STORE_OK);
	assert_int_equal(n, 1);
}

/* Σ the merchant's settlement lines' net + Σ its approved adjustments = what it was paid (its
 * payouts made and not failed) + what it is owed (its payable's balance), to the fen. */
struct sums {
	const char *mid;
	int64_t nets, adjusted, paid;
};

static int sum_total(void *ctx, const struct store_settle_total *t)
{
	struct sums *m = ctx;

	if (strcmp(t->mid, m->mid) == 0)
		m->nets += t->net;
	return 0;
}

static int sum_adjust(void *ctx, const struct store_settle_adjust *a)
{
	struct sums *m = ctx;

	if (strcmp(a->mid, m->mid) == 0)
		m->adjusted += a->amount;
	return 0;
}

static void invariant(store *s, const char *mid, const char *const *dates)
{
	struct store_settle_adjust_filter approved = {.status = "approved"};
	struct store_settle_payout p;
	struct sums m = {.mid = mid};
	char payable[32];

	for (; *dates != NULL; dates++)
		assert_int_equal(store_settle_totals(s, *dates, sum_total, &m), STORE_OK);
	assert_int_equal(store_settle_adjusts(s, &approved, sum_adjust, &m), STORE_OK);
	for (int64_t id = 1; store_settle_payout_get(s, id, &p) == STORE_OK; id++)
		if (strcmp(p.mid, mid) == 0 && strcmp(p.status, "failed") != 0)
			m.paid += p.amount;
	snprintf(payable, sizeof payable, "payable:%s", mid);
	assert_int_equal(m.nets + m.adjusted, m.paid + settle_fixture_balance(s, payable));
}

static const char *const dates[] = {"2026-12-04", "2026-12-07", NULL};

/* The next payout run pays an approved adjustment with the merchant's days, and one alone;
 * run again it pays nothing twice; a pending one waits. */
static void paid_out(void **state)
{
	struct fixture *f = *state;
	struct settle_payout_result r;
	struct store_settle_payout p;
	int64_t a1 = make(f, "cli:alice", M1, 500), a2 = make(f, "cli:alice", M2, 2000);
	int64_t a3 = make(f, "cli:alice", M1, 300); /* left pending */

	purchase(f->fx.s, M1, 100000, "2026-12-04"); /* net 994.00 */
	close_day(f, 20261204);
	assert_int_equal(decide(f, "token:2", a1, true), SETTLE_OK);
	assert_int_equal(decide(f, "token:2", a2, true), SETTLE_OK);
	r = run(f, 20261207);
	assert_int_equal(r.made, 2);
	assert_int_equal(r.amount, 99400 + 500 + 2000);
	assert_int_equal(store_settle_payout_get(f->fx.s, 1, &p), STORE_OK);
	assert_string_equal(p.mid, M1);
	assert_int_equal(p.amount, 99900);
	assert_string_equal(p.settle_dates, "2026-12-04");
	assert_int_equal(store_settle_payout_get(f->fx.s, 2, &p), STORE_OK);
	assert_string_equal(p.mid, M2);
	assert_int_equal(p.amount, 2000);
	assert_string_equal(p.settle_dates, "");
	assert_int_equal(adjustment(f->fx.s, a1).payout_id, 1);
	assert_int_equal(adjustment(f->fx.s, a2).payout_id, 2);
	assert_int_equal(adjustment(f->fx.s, a3).payout_id, 0);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), 0);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M2), 0);
	assert_int_equal(run(f, 20261207).made, 0);
	invariant(f->fx.s, M1, dates);
	invariant(f->fx.s, M2, dates);
}

/* A failed payout owes its adjustments again: the next run pays them in a new payout. */
static void failed_payout(void **state)
{
	struct fixture *f = *state;
	struct settle_confirm_result cr;
	struct settle_answer ans;
	const char *why;
	int64_t a1 = make(f, "cli:alice", M1, 500);

	purchase(f->fx.s, M1, 100000, "2026-12-04");
	close_day(f, 20261204);
	assert_int_equal(decide(f, "token:2", a1, true), SETTLE_OK);
	assert_int_equal(run(f, 20261207).amount, 99900);
	assert_int_equal(settle_answer_parse("1,failed,BANK1", &ans, &why), SETTLE_OK);
	assert_int_equal(settle_payouts_confirm(f->fx.s, &ans, 1, f->fx.p.now, &cr), SETTLE_OK);
	assert_int_equal(cr.failed, 1);
	assert_int_equal(adjustment(f->fx.s, a1).payout_id, 0);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), 99900);
	settle_fixture_ledger_sound(f->fx.s);
	invariant(f->fx.s, M1, dates);
	assert_int_equal(run(f, 20261208).amount, 99900);
	assert_int_equal(adjustment(f->fx.s, a1).payout_id, 2);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), 0);
	invariant(f->fx.s, M1, dates);
}

/* A negative adjustment offsets the merchant's days as a negative day does: past them, all is
 * carried forward; the next day's payout takes it. */
static void negative(void **state)
{
	struct fixture *f = *state;
	struct settle_payout_result r;
	int64_t a1 = make(f, "cli:alice", M1, -100000);

	purchase(f->fx.s, M1, 100000, "2026-12-04"); /* net 994.00 */
	purchase(f->fx.s, M1, 50000, "2026-12-07");  /* net 497.00 */
	close_day(f, 20261204);
	close_day(f, 20261207);
	assert_int_equal(decide(f, "token:2", a1, true), SETTLE_OK);
	r = run(f, 20261207);
	assert_int_equal(r.made, 0);
	assert_int_equal(r.owed_days, 1);
	assert_int_equal(adjustment(f->fx.s, a1).payout_id, 0);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), 99400 + 49700 - 100000);
	invariant(f->fx.s, M1, dates);
	r = run(f, 20261208);
	assert_int_equal(r.made, 1);
	assert_int_equal(r.amount, 99400 + 49700 - 100000);
	assert_int_equal(adjustment(f->fx.s, a1).payout_id, 1);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), 0);
	invariant(f->fx.s, M1, dates);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(approved, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(maker_refused, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(rejected, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(bad_input, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(paid_out, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(failed_payout, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(negative, setup, settle_fixture_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
