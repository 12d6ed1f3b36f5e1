/* test_settlecard.c — settlement-card binding (docs/architecture.md flow 4): the four elements and
 * the code checked by the issuer, each wrong element and a wrong code refused with nothing bound
 * and the card nowhere in the clear, a good binding, a change that takes effect at the next
 * settlement day with both masked cards in the audit log, and when payouts may go. */
#include "merchant/binding_fixture.h"

#include "store/store_settlecard.h"

static struct merchant_card_elements elements(const char *pan)
{
	return (struct merchant_card_elements){pan, T_HOLDER, T_ID, T_PHONE};
}

/* Both steps for pan; the code from the text. */
static void bind(struct binding_fixture *f, const char *pan)
{
	struct merchant_card_elements e = elements(pan);
	char why[MERCHANT_REASON_MAX];

	assert_int_equal(merchant_settlecard_start(f->m, T_ACTOR, T_MERCHANT, &e, f->i->now, why),
	                 MERCHANT_OK);
	assert_int_equal(
	    merchant_settlecard_confirm(f->m, T_ACTOR, T_MERCHANT, binding_code(f), f->i->now, why),
	    MERCHANT_OK);
}

static void nothing_bound(struct binding_fixture *f, const char *pan)
{
	struct merchant_settlecard_view v;

	assert_int_equal(merchant_settlecard_get(f->m, T_MERCHANT, f->i->now, &v), MERCHANT_OK);
	assert_false(v.has_current);
	assert_false(v.has_next);
	assert_false(binding_db_has(f, pan));
}

static void good_binding(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image img = test_issue(f->i, CARD_PRODUCT_DEBIT, false);
	struct issuer_card card = test_card(f->i, img.card_id);
	struct merchant_settlecard_view v;
	struct binding_audit log;
	char why[MERCHANT_REASON_MAX];
	bool ready;

	assert_int_equal(merchant_payout_ready(f->m, T_MERCHANT, f->i->now, &ready, why),
	                 MERCHANT_OK);
	assert_false(ready);
	assert_string_equal(why, "no_settlement_card");
	bind(f, img.pan);
	assert_int_equal(merchant_settlecard_get(f->m, T_MERCHANT, f->i->now, &v), MERCHANT_OK);
	assert_true(v.has_current);
	assert_false(v.has_next);
	assert_false(v.has_pending);
	assert_string_equal(v.current.masked, card.masked);
	assert_int_equal(v.current.card_id, img.card_id);
	assert_int_equal(v.current.effective_from, f->i->now); /* the first card: at once */
	assert_string_equal(v.current.actor, T_ACTOR);
	assert_int_equal(merchant_payout_ready(f->m, T_MERCHANT, f->i->now, &ready, why),
	                 MERCHANT_OK);
	assert_true(ready);
	assert_string_equal(why, "");
	/* Kept sealed: the PAN is nowhere in the clear, the masked card in the audit log. */
	assert_false(binding_db_has(f, img.pan));
	binding_audit_of(f, "merchant:" T_MERCHANT, &log);
	assert_int_equal(log.n, 2);
	assert_string_equal(log.rows[0].action, "settlement_card.start");
	assert_string_equal(log.rows[1].action, "settlement_card.bind");
	assert_string_equal(log.rows[1].actor, T_ACTOR);
	assert_string_equal(log.rows[1].before, "{\"card\":null}");
	assert_non_null(strstr(log.rows[1].after, card.masked));
	crypto_wipe(&img, sizeof img);
}

/* Each of the three elements wrong in turn: refused at step 1, nothing kept. */
static void wrong_elements(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image img = test_issue(f->i, CARD_PRODUCT_DEBIT, false);
	struct merchant_card_elements bad[3];
	char why[MERCHANT_REASON_MAX];
	struct store_settlecard row;

	for (size_t i = 0; i < 3; i++)
		bad[i] = elements(img.pan);
	bad[0].holder = "Li Si";
	bad[1].id_number = "110101199003075510";
	bad[2].phone = "13912345670";
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(
		    merchant_settlecard_start(f->m, T_ACTOR, T_MERCHANT, &bad[i], f->i->now, why),
		    MERCHANT_EVERIFY);
		assert_string_equal(why, "elements_differ");
	}
	assert_int_equal(f->i->sms_count, 0);
	assert_int_equal(store_settlecard_pending(f->i->s, T_MERCHANT, &row), STORE_ENOTFOUND);
	nothing_bound(f, img.pan);
	/* No code to confirm. */
	assert_int_equal(
	    merchant_settlecard_confirm(f->m, T_ACTOR, T_MERCHANT, "123456", f->i->now, why),
	    MERCHANT_ENOTFOUND);
	crypto_wipe(&img, sizeof img);
}

/* A wrong code: not bound; after the last try the binding ends. */
static void wrong_code(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image img = test_issue(f->i, CARD_PRODUCT_DEBIT, false);
	struct merchant_card_elements e = elements(img.pan);
	char why[MERCHANT_REASON_MAX], wrong[16];
	struct merchant_settlecard_view v;

	assert_int_equal(merchant_settlecard_start(f->m, T_ACTOR, T_MERCHANT, &e, f->i->now, why),
	                 MERCHANT_OK);
	snprintf(wrong, sizeof wrong, "%06d", (atoi(binding_code(f)) + 1) % 1000000);
	for (int i = 0; i < f->i->cfg.otp_tries; i++) {
		assert_int_equal(
		    merchant_settlecard_confirm(f->m, T_ACTOR, T_MERCHANT, wrong, f->i->now, why),
		    MERCHANT_EVERIFY);
		assert_string_equal(why, "code_wrong");
	}
	assert_int_equal(merchant_settlecard_get(f->m, T_MERCHANT, f->i->now, &v), MERCHANT_OK);
	assert_true(v.has_pending);
	/* The right code is too late now. */
	assert_int_equal(
	    merchant_settlecard_confirm(f->m, T_ACTOR, T_MERCHANT, binding_code(f), f->i->now, why),
	    MERCHANT_EVERIFY);
	assert_string_equal(why, "no_code_pending");
	assert_int_equal(merchant_settlecard_get(f->m, T_MERCHANT, f->i->now, &v), MERCHANT_OK);
	assert_false(v.has_pending);
	nothing_bound(f, img.pan);
	crypto_wipe(&img, sizeof img);
}

static void code_expired(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image img = test_issue(f->i, CARD_PRODUCT_DEBIT, false);
	struct merchant_card_elements e = elements(img.pan);
	char why[MERCHANT_REASON_MAX];
	struct merchant_settlecard_view v;

	assert_int_equal(merchant_settlecard_start(f->m, T_ACTOR, T_MERCHANT, &e, f->i->now, why),
	                 MERCHANT_OK);
	f->i->now += f->i->cfg.otp_ttl + 1;
	assert_int_equal(
	    merchant_settlecard_confirm(f->m, T_ACTOR, T_MERCHANT, binding_code(f), f->i->now, why),
	    MERCHANT_EVERIFY);
	assert_string_equal(why, "code_expired");
	assert_int_equal(merchant_settlecard_get(f->m, T_MERCHANT, f->i->now, &v), MERCHANT_OK);
	assert_false(v.has_pending);
	nothing_bound(f, img.pan);
	crypto_wipe(&img, sizeof img);
}

/* Refused before the issuer is asked: not a debit card, not a PAN, no such merchant or card. */
static void refused(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image credit = test_issue(f->i, CARD_PRODUCT_CREDIT, false);
	struct merchant_card_elements e = elements(credit.pan);
	struct store_merchant closed = {.mid = "898310048120009",
	                                .name = "Gone",
	                                .mcc = "5411",
	                                .status = STORE_MERCHANT_CLOSED,
	                                .created_at = T_NOW};
	char why[MERCHANT_REASON_MAX], pan[CARD_PAN_MAX + 1];
	struct merchant_settlecard_view v;

	assert_int_equal(merchant_settlecard_start(f->m, T_ACTOR, T_MERCHANT, &e, f->i->now, why),
	                 MERCHANT_EARG);
	assert_string_equal(why, "not_a_debit_card");
	e.pan = credit.pan + 12; /* last four digits are not a card */
	assert_int_equal(merchant_settlecard_start(f->m, T_ACTOR, T_MERCHANT, &e, f->i->now, why),
	                 MERCHANT_EARG);
	assert_string_equal(why, "pan_invalid");
	/* A valid number the issuer never issued; and no such merchant. */
	snprintf(pan, sizeof pan, "622588010000000");
	assert_int_equal(card_luhn_digit(pan, &pan[15]), CARD_OK);
	pan[16] = '\0';
	e.pan = pan;
	assert_int_equal(merchant_settlecard_start(f->m, T_ACTOR, T_MERCHANT, &e, f->i->now, why),
	                 MERCHANT_EVERIFY);
	assert_string_equal(why, "card_unknown");
	e.pan = credit.pan;
	assert_int_equal(
	    merchant_settlecard_start(f->m, T_ACTOR, "898310048120002", &e, f->i->now, why),
	    MERCHANT_ENOTFOUND);
	assert_int_equal(store_merchant_insert(f->i->s, &closed), STORE_OK);
	assert_int_equal(merchant_settlecard_start(f->m, T_ACTOR, closed.mid, &e, f->i->now, why),
	                 MERCHANT_ESTATE);
	assert_int_equal(merchant_settlecard_get(f->m, "898310048120002", f->i->now, &v),
	                 MERCHANT_ENOTFOUND);
	assert_int_equal(f->i->sms_count, 0);
	crypto_wipe(&credit, sizeof credit);
}

/* A change: the old card is paid until the next settlement day, then the new one; the audit
 * entry names both, masked. */
static void change(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image a = test_issue(f->i, CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image b = test_issue(f->i, CARD_PRODUCT_DEBIT, false);
	struct issuer_card ca = test_card(f->i, a.card_id), cb = test_card(f->i, b.card_id);
	int64_t tomorrow = (f->i->now / T_DAY + 1) * T_DAY;
	struct merchant_settlecard_view v;
	struct binding_audit log;

	bind(f, a.pan);
	f->i->now += 60;
	bind(f, b.pan);
	assert_int_equal(merchant_settlecard_get(f->m, T_MERCHANT, f->i->now, &v), MERCHANT_OK);
	assert_true(v.has_current);
	assert_string_equal(v.current.masked, ca.masked);
	assert_true(v.has_next);
	assert_string_equal(v.next.masked, cb.masked);
	assert_int_equal(v.next.effective_from, tomorrow);
	assert_int_equal(merchant_settlecard_get(f->m, T_MERCHANT, tomorrow, &v), MERCHANT_OK);
	assert_true(v.has_current);
	assert_string_equal(v.current.masked, cb.masked);
	assert_false(v.has_next);
	binding_audit_of(f, "merchant:" T_MERCHANT, &log);
	assert_int_equal(log.n, 4);
	assert_string_equal(log.rows[3].action, "settlement_card.bind");
	assert_non_null(strstr(log.rows[3].before, ca.masked));
	assert_non_null(strstr(log.rows[3].after, cb.masked));
	assert_false(binding_db_has(f, a.pan));
	assert_false(binding_db_has(f, b.pan));
	crypto_wipe(&a, sizeof a);
	crypto_wipe(&b, sizeof b);
}

/* Payouts wait for an active merchant whose card the issuer still has active. */
static void payout_ready(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image img = test_issue(f->i, CARD_PRODUCT_DEBIT, false);
	char why[MERCHANT_REASON_MAX];
	bool ready;

	bind(f, img.pan);
	assert_int_equal(issuer_card_set_status(f->i->is, img.card_id, ISSUER_CARD_LOST, f->i->now),
	                 ISSUER_OK);
	assert_int_equal(merchant_payout_ready(f->m, T_MERCHANT, f->i->now, &ready, why),
	                 MERCHANT_OK);
	assert_false(ready);
	assert_string_equal(why, "card_not_active");
	assert_int_equal(
	    issuer_card_set_status(f->i->is, img.card_id, ISSUER_CARD_ACTIVE, f->i->now),
	    ISSUER_OK);
	assert_int_equal(merchant_payout_ready(f->m, T_MERCHANT, f->i->now, &ready, why),
	                 MERCHANT_OK);
	assert_true(ready);
	assert_int_equal(merchant_payout_ready(f->m, "898310048120002", f->i->now, &ready, why),
	                 MERCHANT_ENOTFOUND);
	crypto_wipe(&img, sizeof img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(good_binding, binding_setup, binding_teardown),
	    cmocka_unit_test_setup_teardown(wrong_elements, binding_setup, binding_teardown),
	    cmocka_unit_test_setup_teardown(wrong_code, binding_setup, binding_teardown),
	    cmocka_unit_test_setup_teardown(code_expired, binding_setup, binding_teardown),
	    cmocka_unit_test_setup_teardown(refused, binding_setup, binding_teardown),
	    cmocka_unit_test_setup_teardown(change, binding_setup, binding_teardown),
	    cmocka_unit_test_setup_teardown(payout_ready, binding_setup, binding_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
