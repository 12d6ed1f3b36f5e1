/* test_review.c — the periodic merchant review (risk/risk_review.h, docs/risk.md "Merchant
 * review"): merchants onboarded on the merchant module, their requests written to acq_txns as
 * the acquirer writes them, and the grade with its reasons asserted — a clean merchant A; high
 * refunds, declines, night share, a moved terminal, an average ticket far above its MCC's; a D
 * suspended and audited, not twice; a dry run that changes nothing; the 30-day window's edge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "merchant/onboarding_fixture.h"

#include "risk/risk_review.h"
#include "store/store_acquirer.h"
#include "store/store_review.h"
#include "store/store_risk.h"

#define OFFSET 480 /* Beijing: T_NOW, 10:00 UTC, is 18:00 local */
#define DAY    86400

/* The window's start as the review computes it: 00:00 local 29 days before now's day. */
static int64_t window_from(int64_t now)
{
	int64_t local = now + OFFSET * 60;

	return local - local % DAY - 29 * (int64_t)DAY - OFFSET * 60;
}

/* An active merchant of mcc: its MID into mid. */
static void onboard(struct onboarding_fixture *f, const char *mcc, char mid[16])
{
	int64_t id = test_apply(f, mcc);

	test_step(f, id, MERCHANT_STEP_REVIEW);
	test_step(f, id, MERCHANT_STEP_TEST);
	test_step(f, id, MERCHANT_STEP_AGREE);
	test_step(f, id, MERCHANT_STEP_ACTIVATE);
	snprintf(mid, 16, "%s", test_info(f, id).app.mid);
}

/* A request of mid's terminal 10000001 at at: type, amount, answered rc. */
static void txn(struct onboarding_fixture *f, const char *mid, int64_t at, const char *type,
                int64_t amount, const char *rc)
{
	static unsigned stan;
	struct store_acq_txn t = {.at = at, .batch = 1, .amount = amount, .currency = 156};

	snprintf(t.tid, sizeof t.tid, "10000001");
	snprintf(t.mid, sizeof t.mid, "%s", mid);
	snprintf(t.stan, sizeof t.stan, "%06u", ++stan % 1000000u);
	snprintf(t.type, sizeof t.type, "%s", type);
	snprintf(t.rc, sizeof t.rc, "%s", rc);
	snprintf(t.masked, sizeof t.masked, "622202******1234");
	snprintf(t.rrn, sizeof t.rrn, "%012d", stan);
	snprintf(t.settle_date, sizeof t.settle_date, "2026-11-30");
	assert_int_equal(store_acq_txn_insert(f->i->s, &t), STORE_OK);
}

/* n payments of mid of amount each, an hour before now. */
static void payments(struct onboarding_fixture *f, const char *mid, int n, int64_t amount)
{
	for (int k = 0; k < n; k++)
		txn(f, mid, f->i->now - 3600, "purchase", amount, "00");
}

struct results {
	struct risk_review_result r[8];
	size_t n;
};

static int keep_result(void *ctx, const struct risk_review_result *r)
{
	struct results *rs = ctx;

	if (rs->n < 8)
		rs->r[rs->n++] = *r;
	return 0;
}

/* Reviews mid (NULL: all) at now; the results into rs. */
static int review(struct onboarding_fixture *f, const char *mid, bool dry_run, struct results *rs)
{
	struct risk_review_params p = {f->i->s, f->m, mid, f->i->now, OFFSET, dry_run, T_ACTOR};

	memset(rs, 0, sizeof *rs);
	return risk_review_run(&p, keep_result, rs);
}

/* mid's one review graded grade, its first reason named reason (NULL: none). */
static const struct risk_review_result *graded(struct onboarding_fixture *f, const char *mid,
                                               char grade, const char *reason)
{
	static struct results rs;

	assert_int_equal(review(f, mid, false, &rs), RISK_REVIEW_OK);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.r[0].m.mid, mid);
	assert_int_equal(rs.r[0].grade, grade);
	if (reason == NULL)
		assert_int_equal(rs.r[0].n_reasons, 0);
	else
		assert_string_equal(rs.r[0].reasons[0].name, reason);
	return &rs.r[0];
}

static void clean_merchant_is_a(void **state)
{
	struct onboarding_fixture *f = *state;
	const struct risk_review_result *r;
	struct test_audit audit;
	char mid[16];

	onboard(f, "5812", mid);
	payments(f, mid, 12, 8800);
	txn(f, mid, f->i->now - 3600, "preauth", 50000, "00"); /* not volume, a payment */
	txn(f, mid, f->i->now - 3600, "refund", 800, "00");
	r = graded(f, mid, 'A', NULL);
	assert_int_equal(r->m.count, 12);
	assert_int_equal(r->m.amount, 12 * 8800);
	assert_int_equal(r->avg_ticket, 8800);
	assert_int_equal(r->ticket_ratio_bp, 10000);
	assert_int_equal(r->m.payments, 13);
	assert_int_equal(r->refund_rate_bp, 800 * 10000 / (12 * 8800));
	assert_false(r->suspended);
	test_audit(f->i->s, NULL, &audit);
	for (size_t k = 0; k < audit.n && k < 16; k++)
		assert_string_not_equal(audit.rows[k].action, "merchant.suspend");
	/* The review is kept: GET's latest. */
	json_t *items = json_array();
	assert_int_equal(risk_review_latest(f->i->s, mid, items), RISK_REVIEW_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "grade")),
	                    "A");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "by")),
	                    T_ACTOR);
	json_decref(items);
}

static void high_refunds(void **state)
{
	struct onboarding_fixture *f = *state;
	const struct risk_review_result *r;
	char mid[16];

	onboard(f, "5411", mid);
	payments(f, mid, 2, 100000);
	txn(f, mid, f->i->now - 60, "refund", 70000, "00"); /* 35% of 2,000.00 */
	r = graded(f, mid, 'C', "refund_rate_high");
	assert_int_equal(r->refund_rate_bp, 3500);
	assert_int_equal(r->reasons[0].level, RISK_REVIEW_SERIOUS);
	assert_non_null(strstr(r->reasons[0].text, "35.00%"));
}

static void many_declines(void **state)
{
	struct onboarding_fixture *f = *state;
	const struct risk_review_result *r;
	char mid[16];

	onboard(f, "5411", mid);
	payments(f, mid, 8, 5000);
	txn(f, mid, f->i->now - 60, "purchase", 5000, "51");
	txn(f, mid, f->i->now - 60, "preauth", 5000, "05");
	r = graded(f, mid, 'B', "decline_rate_high"); /* 2 of 10: 20%, mild */
	assert_int_equal(r->decline_rate_bp, 2000);
	assert_int_equal(r->m.attempts, 10);
	assert_int_equal(r->reasons[0].level, RISK_REVIEW_MILD);
}

static void night_share(void **state)
{
	struct onboarding_fixture *f = *state;
	const struct risk_review_result *r;
	int64_t midnight = window_from(f->i->now) + 29 * (int64_t)DAY; /* today 00:00 local */
	char mid[16];

	onboard(f, "5411", mid);
	payments(f, mid, 6, 5000);
	txn(f, mid, midnight, "purchase", 5000, "00");                   /* 00:00: night */
	txn(f, mid, midnight + 4 * 3600 + 3599, "purchase", 5000, "00"); /* 04:59:59 */
	txn(f, mid, midnight - 3600, "purchase", 5000, "00");            /* 23:00 yesterday: not */
	txn(f, mid, midnight + 5 * 3600, "purchase", 5000, "00");        /* 05:00: not */
	r = graded(f, mid, 'B', "night_share_high");
	assert_int_equal(r->m.night, 2);
	assert_int_equal(r->night_share_bp, 2000);
}

static void moved_terminal(void **state)
{
	struct onboarding_fixture *f = *state;
	struct store_terminal t = {.status = STORE_TERMINAL_ACTIVE, .batch = 1};
	const struct risk_review_result *r;
	char mid[16];

	onboard(f, "5411", mid);
	snprintf(t.mid, sizeof t.mid, "%s", mid);
	snprintf(t.address, sizeof t.address, "1 Chang'an Avenue, Beijing");
	t.lat = 39915000, t.lon = 116404000;
	/* 0.44 degrees of latitude north: some 48.9 km, not moved; 0.46: 51.2 km, moved. */
	snprintf(t.tid, sizeof t.tid, "20000001"), snprintf(t.sn, sizeof t.sn, "SN-1");
	t.reported_lat = 39915000 + 440000, t.reported_lon = 116404000, t.reported_at = 1;
	assert_int_equal(store_terminal_insert(f->i->s, &t), STORE_OK);
	r = graded(f, mid, 'A', NULL);
	assert_int_equal(r->terminals, 1);
	assert_int_equal(r->terminals_moved, 0);
	snprintf(t.tid, sizeof t.tid, "20000002"), snprintf(t.sn, sizeof t.sn, "SN-2");
	t.reported_lat = 39915000 + 460000;
	assert_int_equal(store_terminal_insert(f->i->s, &t), STORE_OK);
	r = graded(f, mid, 'C', "terminal_moved");
	assert_int_equal(r->terminals, 2);
	assert_int_equal(r->terminals_moved, 1);
}

static void ticket_above_mcc(void **state)
{
	struct onboarding_fixture *f = *state;
	const struct risk_review_result *r;
	char small[16], big[16];

	onboard(f, "5812", small);
	onboard(f, "5812", big);
	payments(f, small, 30, 10000); /* 100.00 */
	payments(f, big, 3, 150000);   /* 1,500.00: the MCC's average 750,000 / 33 = 227.27 */
	r = graded(f, small, 'A', NULL);
	assert_int_equal(r->mcc_avg_ticket, (30 * 10000 + 3 * 150000) / 33);
	r = graded(f, big, 'C', "ticket_above_mcc"); /* 6.60x its MCC's: serious from 5x */
	assert_int_equal(r->ticket_ratio_bp, 150000 * 10000 / 22727);
	assert_int_equal(r->reasons[0].level, RISK_REVIEW_SERIOUS);
	assert_non_null(strstr(r->reasons[0].text, "6.60x"));
}

/* A merchant whose refunds are 70% of its purchases: extreme, D. */
static void refund_extreme(struct onboarding_fixture *f, char mid[16])
{
	onboard(f, "5411", mid);
	payments(f, mid, 2, 100000);
	txn(f, mid, f->i->now - 60, "refund", 140000, "00");
}

static size_t suspensions(struct onboarding_fixture *f, const char *mid)
{
	struct test_audit audit;
	char object[40];
	size_t n = 0;

	snprintf(object, sizeof object, "merchant:%s", mid);
	test_audit(f->i->s, object, &audit);
	for (size_t k = 0; k < audit.n && k < 16; k++)
		if (strcmp(audit.rows[k].action, "merchant.suspend") == 0) {
			assert_string_equal(audit.rows[k].actor, RISK_REVIEW_ACTOR);
			n++;
		}
	return n;
}

static void d_suspends_once(void **state)
{
	struct onboarding_fixture *f = *state;
	const struct risk_review_result *r;
	struct store_merchant m;
	struct merchant_info i;
	char mid[16];

	refund_extreme(f, mid);
	r = graded(f, mid, 'D', "refund_rate_high");
	assert_true(r->suspended);
	assert_int_equal(r->m.status, STORE_MERCHANT_SUSPENDED);
	assert_int_equal(store_merchant_get(f->i->s, mid, &m), STORE_OK);
	assert_int_equal(m.status, STORE_MERCHANT_SUSPENDED);
	assert_int_equal(merchant_get(f->m, mid, &i), MERCHANT_OK);
	assert_int_equal(i.app.state, MERCHANT_SUSPENDED);
	assert_int_equal(suspensions(f, mid), 1);
	/* Again: still D, not suspended twice. */
	r = graded(f, mid, 'D', "refund_rate_high");
	assert_false(r->suspended);
	assert_int_equal(suspensions(f, mid), 1);
	/* Resumed by an operator, the next review suspends it again. */
	assert_int_equal(merchant_step(f->m, i.app.id, MERCHANT_STEP_RESUME, "checked", NULL,
	                               T_ACTOR, f->i->now, NULL),
	                 MERCHANT_OK);
	r = graded(f, mid, 'D', "refund_rate_high");
	assert_true(r->suspended);
	assert_int_equal(suspensions(f, mid), 2);
}

static void dry_run_changes_nothing(void **state)
{
	struct onboarding_fixture *f = *state;
	struct results rs;
	struct store_merchant m;
	json_t *items = json_array();
	char mid[16];

	refund_extreme(f, mid);
	assert_int_equal(review(f, mid, true, &rs), RISK_REVIEW_OK);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].grade, 'D');
	assert_false(rs.r[0].suspended);
	assert_int_equal(store_merchant_get(f->i->s, mid, &m), STORE_OK);
	assert_int_equal(m.status, STORE_MERCHANT_ACTIVE);
	assert_int_equal(suspensions(f, mid), 0);
	assert_int_equal(risk_review_latest(f->i->s, NULL, items), RISK_REVIEW_OK);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
}

static void window_edge(void **state)
{
	struct onboarding_fixture *f = *state;
	const struct risk_review_result *r;
	int64_t from = window_from(f->i->now);
	char mid[16];

	onboard(f, "5411", mid);
	payments(f, mid, 2, 100000);
	txn(f, mid, from - 1, "refund", 140000, "00"); /* 23:59:59, 30 local days ago: out */
	r = graded(f, mid, 'A', NULL);
	assert_int_equal(r->from, from);
	assert_int_equal(r->m.refunds, 0);
	txn(f, mid, from, "refund", 140000, "00"); /* 00:00:00, 29 days ago: in */
	r = graded(f, mid, 'D', "refund_rate_high");
	assert_int_equal(r->m.refunds, 140000);
}

/* A case of mid opened at at, closed with verdict unless it is NULL. */
static void risk_case(struct onboarding_fixture *f, const char *mid, int64_t at,
                      const char *verdict)
{
	struct store_risk_case c = {.opened_at = at};

	snprintf(c.mid, sizeof c.mid, "%s", mid);
	snprintf(c.rules, sizeof c.rules, "night_large");
	assert_int_equal(store_risk_case_open(f->i->s, &c), STORE_OK);
	if (verdict != NULL)
		assert_int_equal(
		    store_risk_case_close(f->i->s, c.id, verdict, "checked", T_ACTOR, at),
		    STORE_OK);
}

static void cases_and_verdicts(void **state)
{
	struct onboarding_fixture *f = *state;
	const struct risk_review_result *r;
	int64_t from = window_from(f->i->now);
	char mid[16];

	onboard(f, "5411", mid);
	risk_case(f, mid, from - 1, "fraud"); /* before the window: not counted */
	risk_case(f, mid, from, "legitimate");
	r = graded(f, mid, 'A', NULL);
	assert_int_equal(r->cases.opened, 1);
	assert_int_equal(r->cases.legitimate, 1);
	for (int k = 0; k < 3; k++)
		risk_case(f, mid, f->i->now - 60, NULL);
	r = graded(f, mid, 'B', "open_cases");
	assert_int_equal(r->cases.open, 3);
	risk_case(f, mid, f->i->now - 60, "fraud");
	r = graded(f, mid, 'D', "fraud_cases");
	assert_int_equal(r->cases.opened, 5);
	assert_int_equal(r->cases.fraud, 1);
	assert_true(r->suspended);
}

static void every_merchant_and_unknown(void **state)
{
	struct onboarding_fixture *f = *state;
	struct results rs;
	char a[16], b[16];

	onboard(f, "5411", a);
	onboard(f, "5812", b);
	assert_int_equal(review(f, NULL, false, &rs), RISK_REVIEW_OK);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.r[0].grade, 'A');
	assert_int_equal(rs.r[1].grade, 'A');
	assert_int_equal(review(f, "898581054119999", false, &rs), RISK_REVIEW_ENOTFOUND);
	assert_int_equal(rs.n, 0);
	struct risk_review_params bad = {f->i->s, f->m, NULL, f->i->now, OFFSET, false, NULL};
	assert_int_equal(risk_review_run(&bad, keep_result, &rs), RISK_REVIEW_EARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn)                                                                                      \
	cmocka_unit_test_setup_teardown(fn, onboarding_fixture_setup, onboarding_fixture_teardown)
	    T(clean_merchant_is_a), T(high_refunds),
	    T(many_declines),       T(night_share),
	    T(moved_terminal),      T(ticket_above_mcc),
	    T(d_suspends_once),     T(dry_run_changes_nothing),
	    T(window_edge),         T(every_merchant_and_unknown),
	    T(cases_and_verdicts),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
