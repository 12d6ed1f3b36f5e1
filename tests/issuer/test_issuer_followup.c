/* test_issuer_followup.c — the issuer's decisions on what acts on an earlier approval
 * (src/issuer/authorize.c, stages original and reversal): completion, pre-authorization cancel
 * and expiry, void and completion void, refund, and reversals of each, every one asserting the
 * response code and the card's account after it. The ledger's check is clean after each (the
 * fixture's teardown). */
#include "issuer/issuer_fixture.h"

/* ---- pre-authorization, completion, cancel ---- */

static void preauth_completion(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	struct issuer_response pre, done;

	test_swipe(f, &t, REQUEST_PREAUTH, &img, 8000, T_PIN);
	pre = test_expect(f, &t, "00", "approved");
	assert_true(test_is_digits(pre.auth_code, 6));
	test_money(f, img.card_id, T_BALANCE - 8000, T_BALANCE, 8000);

	/* More than held. */
	test_follow_up(f, &t, REQUEST_COMPLETION, &img, 8001, pre.auth_code);
	test_expect(f, &t, "64", "amount_over_hold");
	test_money(f, img.card_id, T_BALANCE - 8000, T_BALANCE, 8000);
	/* An auth code never given. */
	test_follow_up(f, &t, REQUEST_COMPLETION, &img, 5000,
	               strcmp(pre.auth_code, "000000") == 0 ? "000001" : "000000");
	test_expect(f, &t, "25", "original_unknown");
	test_follow_up(f, &t, REQUEST_COMPLETION, &img, 5000, NULL);
	test_expect(f, &t, "25", "original_not_named");
	test_money(f, img.card_id, T_BALANCE - 8000, T_BALANCE, 8000);

	/* Less than held: the rest released. */
	test_follow_up(f, &t, REQUEST_COMPLETION, &img, 5000, pre.auth_code);
	done = test_expect(f, &t, "00", "approved");
	assert_true(test_is_digits(done.auth_code, 6));
	test_money(f, img.card_id, T_BALANCE - 5000, T_BALANCE - 5000, 0);
	/* Completed once. */
	test_follow_up(f, &t, REQUEST_COMPLETION, &img, 1000, pre.auth_code);
	test_expect(f, &t, "12", "original_resolved");
	test_follow_up(f, &t, REQUEST_PREAUTH_CANCEL, &img, 8000, pre.auth_code);
	test_expect(f, &t, "12", "original_resolved");
	test_money(f, img.card_id, T_BALANCE - 5000, T_BALANCE - 5000, 0);

	/* Completion void, the same day: the completion's money back. */
	test_follow_up(f, &t, REQUEST_COMPLETION_VOID, &img, 4000, done.auth_code);
	test_expect(f, &t, "64", "amount_differs");
	test_follow_up(f, &t, REQUEST_COMPLETION_VOID, &img, 5000, done.auth_code);
	test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	test_follow_up(f, &t, REQUEST_COMPLETION_VOID, &img, 5000, done.auth_code);
	test_expect(f, &t, "12", "original_refunded_or_voided");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void preauth_cancel(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	struct issuer_response pre;

	test_swipe(f, &t, REQUEST_PREAUTH, &img, 3000, T_PIN);
	pre = test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 3000, T_BALANCE, 3000);
	test_follow_up(f, &t, REQUEST_PREAUTH_CANCEL, &img, 2999, pre.auth_code);
	test_expect(f, &t, "64", "amount_differs");
	test_money(f, img.card_id, T_BALANCE - 3000, T_BALANCE, 3000);
	test_follow_up(f, &t, REQUEST_PREAUTH_CANCEL, &img, 3000, pre.auth_code);
	test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	test_follow_up(f, &t, REQUEST_PREAUTH_CANCEL, &img, 3000, pre.auth_code);
	test_expect(f, &t, "12", "original_resolved");
	test_follow_up(f, &t, REQUEST_COMPLETION, &img, 3000, pre.auth_code);
	test_expect(f, &t, "12", "original_resolved");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

/* A cancelled hold is not put back by a reversal of the cancel, which is acknowledged so that
 * the acquirer stops sending it. */
static void reversal_cancel(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request p, c, rev;
	struct issuer_response pre;

	test_swipe(f, &p, REQUEST_PREAUTH, &img, 3000, T_PIN);
	pre = test_expect(f, &p, "00", "approved");
	test_follow_up(f, &c, REQUEST_PREAUTH_CANCEL, &img, 3000, pre.auth_code);
	test_expect(f, &c, "00", "approved");
	test_reversal(&rev, &c, "1130100140");
	test_expect(f, &rev, "00", "not_reversible");
	test_reversal(&rev, &c, "1130100141");
	test_expect(f, &rev, "00", "already_reversed");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void preauth_expired(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	struct issuer_response pre;
	size_t n = 0;

	test_swipe(f, &t, REQUEST_PREAUTH, &img, 3000, T_PIN);
	pre = test_expect(f, &t, "00", "approved");
	f->now += 8 * T_DAY;
	assert_int_equal(ledger_expire(f->s, f->now, &n), LEDGER_OK);
	assert_int_equal(n, 1);
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	test_follow_up(f, &t, REQUEST_COMPLETION, &img, 3000, pre.auth_code);
	test_expect(f, &t, "12", "hold_resolved_or_expired");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

/* ---- void and refund ---- */

static void purchase_void(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	struct issuer_response a, b;

	test_swipe(f, &t, REQUEST_PURCHASE, &img, 4000, T_PIN);
	a = test_expect(f, &t, "00", "approved");
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 6000, T_PIN);
	b = test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 10000, T_BALANCE - 10000, 0);

	test_follow_up(f, &t, REQUEST_VOID, &img, 3999, a.auth_code);
	test_expect(f, &t, "64", "amount_differs");
	test_follow_up(f, &t, REQUEST_VOID, &img, 4000, a.auth_code);
	test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 6000, T_BALANCE - 6000, 0);
	test_follow_up(f, &t, REQUEST_VOID, &img, 4000, a.auth_code);
	test_expect(f, &t, "12", "original_refunded_or_voided");
	test_follow_up(f, &t, REQUEST_REFUND, &img, 1, a.auth_code);
	test_expect(f, &t, "64", "amount_over_remaining");

	/* The next day a void is too late (a refund is the way). */
	f->now += T_DAY;
	test_follow_up(f, &t, REQUEST_VOID, &img, 6000, b.auth_code);
	test_expect(f, &t, "12", "not_same_day");
	test_money(f, img.card_id, T_BALANCE - 6000, T_BALANCE - 6000, 0);
}

/* How a follow-up names its original (docs/cup-pos.md): a void by RRN, its auth code
 * checked against the original's; a void or refund never by auth code alone (a purchase is
 * found by its RRN); a pre-authorization's completion by auth code alone. */
static void originals_named(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	struct issuer_response p, h;

	test_swipe(f, &t, REQUEST_PURCHASE, &img, 1000, T_PIN);
	p = test_expect(f, &t, "00", "approved");
	test_follow_up(f, &t, REQUEST_VOID, &img, 1000, p.auth_code);
	t.r.orig_auth_code = strcmp(p.auth_code, "000000") != 0 ? "000000" : "000001";
	test_expect(f, &t, "25", "original_unknown");
	test_follow_up(f, &t, REQUEST_VOID, &img, 1000, p.auth_code);
	t.r.orig_rrn = NULL;
	test_expect(f, &t, "25", "original_not_named");
	test_follow_up(f, &t, REQUEST_REFUND, &img, 1000, NULL);
	t.r.orig_auth_code = p.auth_code;
	test_expect(f, &t, "25", "original_not_named");
	test_money(f, img.card_id, T_BALANCE - 1000, T_BALANCE - 1000, 0);
	/* Its RRN alone is enough. */
	test_follow_up(f, &t, REQUEST_VOID, &img, 1000, p.auth_code);
	t.r.orig_auth_code = NULL;
	test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);

	test_swipe(f, &t, REQUEST_PREAUTH, &img, 3000, T_PIN);
	h = test_expect(f, &t, "00", "approved");
	test_follow_up(f, &t, REQUEST_COMPLETION, &img, 3000, h.auth_code);
	assert_null(t.r.orig_rrn);
	test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 3000, T_BALANCE - 3000, 0);
}

static void refund_partial(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t, r;
	struct issuer_response p;

	test_swipe(f, &t, REQUEST_PURCHASE, &img, 10000, T_PIN);
	p = test_expect(f, &t, "00", "approved");
	f->now += 3 * T_DAY;
	test_follow_up(f, &t, REQUEST_REFUND, &img, 4000, p.auth_code);
	test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 6000, T_BALANCE - 6000, 0);
	test_follow_up(f, &t, REQUEST_REFUND, &img, 6001, p.auth_code);
	test_expect(f, &t, "64", "amount_over_remaining");
	test_follow_up(f, &t, REQUEST_REFUND, &img, 6000, p.auth_code);
	test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	test_follow_up(f, &t, REQUEST_REFUND, &img, 1, p.auth_code);
	test_expect(f, &t, "64", "amount_over_remaining");
	/* By RRN, as field 37 names the original. */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 500, T_PIN);
	test_expect(f, &t, "00", "approved");
	test_follow_up(f, &r, REQUEST_REFUND, &img, 500, NULL);
	r.r.orig_rrn = t.rrn;
	test_expect(f, &r, "00", "approved");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

/* ---- reversals ---- */

static void reversal_purchase(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request p, rev;
	struct issuer_response resp;

	test_swipe(f, &p, REQUEST_PURCHASE, &img, 2500, T_PIN);
	test_expect(f, &p, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 2500, T_BALANCE - 2500, 0);

	test_reversal(&rev, &p, "1130100130");
	resp = test_expect(f, &rev, "00", "approved");
	assert_true(resp.decision_id > 0);
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	/* Sent again until acknowledged: the same answer, no second credit. */
	resp = test_expect(f, &rev, "00", "repeated");
	assert_int_equal(resp.decision_id, 0);
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	/* Another reversal of the same purchase. */
	test_reversal(&rev, &p, "1130100230");
	test_expect(f, &rev, "00", "already_reversed");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	/* A reversed purchase can be neither voided nor refunded. */
	test_follow_up(f, &rev, REQUEST_REFUND, &img, 100, NULL);
	rev.r.orig_rrn = p.rrn;
	test_expect(f, &rev, "25", "original_reversed");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void reversal_unknown(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request p, rev;

	test_swipe(f, &p, REQUEST_PURCHASE, &img, 2500, T_PIN);
	test_expect(f, &p, "00", "approved");
	/* A STAN never seen. */
	test_reversal(&rev, &p, "1130100130");
	snprintf(rev.stan, sizeof rev.stan, "999999");
	test_expect(f, &rev, "00", "original_unknown");
	/* Another terminal. */
	test_reversal(&rev, &p, "1130100131");
	rev.r.terminal = "TERM0002";
	test_expect(f, &rev, "00", "original_unknown");
	/* Another amount. */
	test_reversal(&rev, &p, "1130100132");
	rev.r.amount = 2499;
	test_expect(f, &rev, "00", "original_unknown");
	/* Without a name at all. */
	test_reversal(&rev, &p, "1130100133");
	rev.r.terminal = NULL;
	test_expect(f, &rev, "30", "reversal_unnamed");
	test_money(f, img.card_id, T_BALANCE - 2500, T_BALANCE - 2500, 0);
	/* The purchase is still there to reverse. */
	test_reversal(&rev, &p, "1130100134");
	test_expect(f, &rev, "00", "approved");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void reversal_declined(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request p, rev;

	test_swipe(f, &p, REQUEST_PURCHASE, &img, T_BALANCE + 1, T_PIN);
	test_expect(f, &p, "51", "insufficient_funds");
	test_reversal(&rev, &p, "1130100130");
	test_expect(f, &rev, "00", "approved");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void reversal_preauth(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_CREDIT, false);
	struct test_request p, rev, t;
	struct issuer_response pre;

	test_swipe(f, &p, REQUEST_PREAUTH, &img, 20000, NULL);
	pre = test_expect(f, &p, "00", "approved");
	test_money(f, img.card_id, T_LIMIT - 20000, 0, 20000);
	test_reversal(&rev, &p, "1130100130");
	test_expect(f, &rev, "00", "approved");
	test_money(f, img.card_id, T_LIMIT, 0, 0);
	/* Nothing held is left to complete. */
	test_follow_up(f, &t, REQUEST_COMPLETION, &img, 20000, pre.auth_code);
	test_expect(f, &t, "25", "original_reversed");
	test_money(f, img.card_id, T_LIMIT, 0, 0);
}

static void reversal_completion(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request p, c, rev;
	struct issuer_response pre;

	test_swipe(f, &p, REQUEST_PREAUTH, &img, 9000, T_PIN);
	pre = test_expect(f, &p, "00", "approved");
	test_follow_up(f, &c, REQUEST_COMPLETION, &img, 7000, pre.auth_code);
	test_expect(f, &c, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 7000, T_BALANCE - 7000, 0);
	test_reversal(&rev, &c, "1130100130");
	test_expect(f, &rev, "00", "approved");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	/* The pre-authorization, completed, has no hold left to release. */
	test_reversal(&rev, &p, "1130100131");
	test_expect(f, &rev, "00", "approved");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void reversal_refund(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request p, r, rev;
	struct issuer_response pur;

	test_swipe(f, &p, REQUEST_PURCHASE, &img, 10000, T_PIN);
	pur = test_expect(f, &p, "00", "approved");
	test_follow_up(f, &r, REQUEST_REFUND, &img, 3000, pur.auth_code);
	test_expect(f, &r, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 7000, T_BALANCE - 7000, 0);
	/* The refund undone: its money taken back, and the purchase refundable again for it. */
	test_reversal(&rev, &r, "1130100130");
	test_expect(f, &rev, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 10000, T_BALANCE - 10000, 0);
	test_follow_up(f, &r, REQUEST_REFUND, &img, 10000, pur.auth_code);
	test_expect(f, &r, "00", "approved");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

/* Both a payment and what gave some of it back reversed, in either order: the card as before
 * either happened. */
static void reversal_both(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);

	for (int order = 0; order < 2; order++) {
		for (int kind = 0; kind < 2; kind++) {
			struct test_request p, r, rev;
			struct issuer_response pur;
			int64_t back = kind == 0 ? 3000 : 10000;

			test_swipe(f, &p, REQUEST_PURCHASE, &img, 10000, T_PIN);
			pur = test_expect(f, &p, "00", "approved");
			test_follow_up(f, &r, kind == 0 ? REQUEST_REFUND : REQUEST_VOID, &img, back,
			               pur.auth_code);
			test_expect(f, &r, "00", "approved");
			test_reversal(&rev, order == 0 ? &p : &r, "1130100130");
			test_expect(f, &rev, "00", "approved");
			test_reversal(&rev, order == 0 ? &r : &p, "1130100131");
			test_expect(f, &rev, "00", "approved");
			test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
		}
	}
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, issuer_fixture_setup, issuer_fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(preauth_completion), T(preauth_cancel),   T(reversal_cancel),     T(preauth_expired),
	    T(purchase_void),      T(refund_partial),   T(reversal_purchase),   T(reversal_unknown),
	    T(reversal_declined),  T(reversal_preauth), T(reversal_completion), T(reversal_refund),
	    T(reversal_both),      T(originals_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
