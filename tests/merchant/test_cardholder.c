/* test_cardholder.c — card authentication outside the POS and what invalidates it
 * (docs/architecture.md flow 5): each reason — its time over, the card expired, replaced, reported
 * lost or stolen, its reserved phone changed, a risk revocation — marks it invalid with that
 * reason, and the cardholder authenticates again; every change has its audit entry; bad input
 * refused. */
#include "merchant/binding_fixture.h"

static void authenticate(struct binding_fixture *f, const char *pan, const char *phone)
{
	struct merchant_card_elements e = {pan, T_HOLDER, T_ID, phone};
	char why[MERCHANT_REASON_MAX];

	assert_int_equal(merchant_cardauth_start(f->m, T_ACTOR, &e, f->i->now, why), MERCHANT_OK);
	assert_int_equal(
	    merchant_cardauth_confirm(f->m, T_ACTOR, pan, binding_code(f), f->i->now, why),
	    MERCHANT_OK);
}

static void expect_state(struct binding_fixture *f, const char *pan,
                         enum issuer_cardauth_state want, const char *reason)
{
	enum issuer_cardauth_state state;
	char why[32];

	assert_int_equal(issuer_cardauth_state(f->i->is, pan, f->i->now, &state, why), ISSUER_OK);
	assert_int_equal(state, want);
	assert_string_equal(why, reason);
}

/* The last audit entry of card id is action. */
static void audited(struct binding_fixture *f, int64_t id, const char *action)
{
	struct binding_audit log;
	char object[32];

	snprintf(object, sizeof object, "card:%lld", (long long)id);
	binding_audit_of(f, object, &log);
	assert_true(log.n > 0 && log.n <= 16);
	assert_string_equal(log.rows[log.n - 1].action, action);
	assert_string_equal(log.rows[log.n - 1].actor, T_ACTOR);
}

static void authenticated(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image img = test_issue(f->i, CARD_PRODUCT_CREDIT, false);

	expect_state(f, img.pan, ISSUER_CARDAUTH_NONE, "");
	authenticate(f, img.pan, T_PHONE);
	expect_state(f, img.pan, ISSUER_CARDAUTH_VALID, "");
	audited(f, img.card_id, "cardauth.confirm");
	assert_false(binding_db_has(f, img.pan));
	crypto_wipe(&img, sizeof img);
}

/* The issuer's step runs in the merchant module's transaction: its code goes out once that
 * transaction has committed, never from inside it (where what follows could still roll the
 * code back), and it is the code the confirmation takes. */
static void code_after_commit(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image img = test_issue(f->i, CARD_PRODUCT_CREDIT, false);
	struct merchant_card_elements e = {img.pan, T_HOLDER, T_ID, T_PHONE};
	char why[MERCHANT_REASON_MAX];
	int sent = f->i->sms_count;

	assert_int_equal(merchant_cardauth_start(f->m, T_ACTOR, &e, f->i->now, why), MERCHANT_OK);
	assert_int_equal(f->i->sms_count, sent + 1);
	assert_int_equal(f->i->sms_in_txn, 0);
	assert_false(store_in_transaction(f->i->s));
	assert_int_equal(
	    merchant_cardauth_confirm(f->m, T_ACTOR, img.pan, binding_code(f), f->i->now, why),
	    MERCHANT_OK);
	assert_int_equal(f->i->sms_count, sent + 1);
	expect_state(f, img.pan, ISSUER_CARDAUTH_VALID, "");
	crypto_wipe(&img, sizeof img);
}

/* The same limits as at the POS: a wrong element, wrong codes, four starts a day. */
static void refused(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image img = test_issue(f->i, CARD_PRODUCT_CREDIT, false);
	struct merchant_card_elements e = {img.pan, T_HOLDER, T_ID, "13912345670"};
	char why[MERCHANT_REASON_MAX], wrong[16];

	assert_int_equal(merchant_cardauth_start(f->m, T_ACTOR, &e, f->i->now, why),
	                 MERCHANT_EVERIFY);
	assert_string_equal(why, "elements_differ");
	e.phone = T_PHONE;
	assert_int_equal(merchant_cardauth_start(f->m, T_ACTOR, &e, f->i->now, why), MERCHANT_OK);
	snprintf(wrong, sizeof wrong, "%06d", (atoi(binding_code(f)) + 1) % 1000000);
	assert_int_equal(merchant_cardauth_confirm(f->m, T_ACTOR, img.pan, wrong, f->i->now, why),
	                 MERCHANT_EVERIFY);
	assert_string_equal(why, "code_wrong");
	expect_state(f, img.pan, ISSUER_CARDAUTH_NONE, "");
	assert_int_equal(merchant_cardauth_start(f->m, T_ACTOR, &e, f->i->now, why), MERCHANT_OK);
	assert_int_equal(merchant_cardauth_start(f->m, T_ACTOR, &e, f->i->now, why), MERCHANT_OK);
	assert_int_equal(merchant_cardauth_start(f->m, T_ACTOR, &e, f->i->now, why),
	                 MERCHANT_EVERIFY);
	assert_string_equal(why, "cardauth_daily_limit");
	e.pan = "1234";
	assert_int_equal(merchant_cardauth_start(f->m, T_ACTOR, &e, f->i->now, why), MERCHANT_EARG);
	assert_int_equal(merchant_cardauth_confirm(f->m, T_ACTOR, img.pan, NULL, f->i->now, why),
	                 MERCHANT_EARG);
	crypto_wipe(&img, sizeof img);
}

/* Each reason, then authenticated again. */
static void lost_and_stolen(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image img = test_issue(f->i, CARD_PRODUCT_CREDIT, false);
	static const struct {
		enum issuer_card_status status;
		const char *reason;
	} cases[] = {{ISSUER_CARD_LOST, "card_lost"}, {ISSUER_CARD_STOLEN, "card_stolen"}};

	for (size_t i = 0; i < 2; i++) {
		authenticate(f, img.pan, T_PHONE);
		assert_int_equal(merchant_card_set_status(f->m, T_ACTOR, img.card_id,
		                                          cases[i].status, f->i->now),
		                 MERCHANT_OK);
		audited(f, img.card_id, "card.status");
		expect_state(f, img.pan, ISSUER_CARDAUTH_INVALID, cases[i].reason);
		assert_int_equal(merchant_card_set_status(f->m, T_ACTOR, img.card_id,
		                                          ISSUER_CARD_ACTIVE, f->i->now),
		                 MERCHANT_OK);
		expect_state(f, img.pan, ISSUER_CARDAUTH_INVALID, cases[i].reason);
		f->i->now += T_DAY; /* a day's authentications are limited */
	}
	authenticate(f, img.pan, T_PHONE);
	expect_state(f, img.pan, ISSUER_CARDAUTH_VALID, "");
	crypto_wipe(&img, sizeof img);
}

static void replaced(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image img = test_issue(f->i, CARD_PRODUCT_CREDIT, false), fresh;

	authenticate(f, img.pan, T_PHONE);
	assert_int_equal(
	    merchant_card_replace(f->m, T_ACTOR, img.card_id, NULL, NULL, f->i->now, &fresh),
	    MERCHANT_OK);
	audited(f, img.card_id, "card.replace");
	expect_state(f, img.pan, ISSUER_CARDAUTH_INVALID, "card_replaced");
	expect_state(f, fresh.pan, ISSUER_CARDAUTH_NONE, "");
	authenticate(f, fresh.pan, T_PHONE);
	expect_state(f, fresh.pan, ISSUER_CARDAUTH_VALID, "");
	/* A replaced card stays so. */
	assert_int_equal(
	    merchant_card_replace(f->m, T_ACTOR, img.card_id, NULL, NULL, f->i->now, &fresh),
	    MERCHANT_ESTATE);
	assert_false(binding_db_has(f, img.pan));
	crypto_wipe(&img, sizeof img);
	crypto_wipe(&fresh, sizeof fresh);
}

static void phone_changed(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image img = test_issue(f->i, CARD_PRODUCT_CREDIT, false);
	struct merchant_card_elements old = {img.pan, T_HOLDER, T_ID, T_PHONE};
	char why[MERCHANT_REASON_MAX];

	authenticate(f, img.pan, T_PHONE);
	assert_int_equal(
	    merchant_card_set_phone(f->m, T_ACTOR, img.card_id, "not a phone", f->i->now),
	    MERCHANT_EARG);
	expect_state(f, img.pan, ISSUER_CARDAUTH_VALID, "");
	assert_int_equal(
	    merchant_card_set_phone(f->m, T_ACTOR, img.card_id, "+8613800138000", f->i->now),
	    MERCHANT_OK);
	audited(f, img.card_id, "card.phone");
	expect_state(f, img.pan, ISSUER_CARDAUTH_INVALID, "phone_changed");
	assert_false(binding_db_has(f, "13800138000"));
	/* The old phone no longer matches; the new one does, and its code goes there. */
	assert_int_equal(merchant_cardauth_start(f->m, T_ACTOR, &old, f->i->now, why),
	                 MERCHANT_EVERIFY);
	authenticate(f, img.pan, "+8613800138000");
	assert_string_equal(f->i->sms_phone, "+8613800138000");
	expect_state(f, img.pan, ISSUER_CARDAUTH_VALID, "");
	crypto_wipe(&img, sizeof img);
}

static void risk_revoked(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image img = test_issue(f->i, CARD_PRODUCT_CREDIT, false);
	struct binding_audit log;

	authenticate(f, img.pan, T_PHONE);
	assert_int_equal(merchant_card_revoke_auth(f->m, T_ACTOR, img.card_id, "", f->i->now),
	                 MERCHANT_EARG);
	assert_int_equal(merchant_card_revoke_auth(f->m, T_ACTOR, img.card_id,
	                                           "many declines abroad", f->i->now),
	                 MERCHANT_OK);
	expect_state(f, img.pan, ISSUER_CARDAUTH_INVALID, "risk_revoked");
	binding_audit_of(f, "card:1", &log);
	assert_string_equal(log.rows[log.n - 1].action, "card.revoke_auth");
	assert_non_null(strstr(log.rows[log.n - 1].after, "many declines abroad"));
	authenticate(f, img.pan, T_PHONE);
	expect_state(f, img.pan, ISSUER_CARDAUTH_VALID, "");
	assert_int_equal(merchant_card_revoke_auth(f->m, T_ACTOR, 999, "why", f->i->now),
	                 MERCHANT_ENOTFOUND);
	crypto_wipe(&img, sizeof img);
}

/* The authentication's time over, and the card's own expiry. */
static void expired(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_request req = test_card_request(CARD_PRODUCT_CREDIT, false);
	struct issuer_card_image img = test_issue(f->i, CARD_PRODUCT_CREDIT, false), soon;

	authenticate(f, img.pan, T_PHONE);
	f->i->now += (int64_t)f->i->cfg.auth_valid_days * T_DAY;
	expect_state(f, img.pan, ISSUER_CARDAUTH_INVALID, "expired");
	authenticate(f, img.pan, T_PHONE);
	expect_state(f, img.pan, ISSUER_CARDAUTH_VALID, "");

	f->i->now = T_NOW; /* 2026-11: a card valid to the end of 2026-12 */
	req.expiry = "2612";
	assert_int_equal(issuer_card_issue(f->i->is, &req, f->i->now, &soon), ISSUER_OK);
	authenticate(f, soon.pan, T_PHONE);
	expect_state(f, soon.pan, ISSUER_CARDAUTH_VALID, "");
	f->i->now += 40 * T_DAY; /* 2027-01 */
	expect_state(f, soon.pan, ISSUER_CARDAUTH_INVALID, "card_expired");
	crypto_wipe(&img, sizeof img);
	crypto_wipe(&soon, sizeof soon);
}

static void unknown_card(void **state)
{
	struct binding_fixture *f = *state;
	struct issuer_card_image img;

	assert_int_equal(merchant_card_set_status(f->m, T_ACTOR, 42, ISSUER_CARD_LOST, f->i->now),
	                 MERCHANT_ENOTFOUND);
	assert_int_equal(merchant_card_set_phone(f->m, T_ACTOR, 42, "13800138000", f->i->now),
	                 MERCHANT_ENOTFOUND);
	assert_int_equal(merchant_card_replace(f->m, T_ACTOR, 42, NULL, NULL, f->i->now, &img),
	                 MERCHANT_ENOTFOUND);
	assert_int_equal(
	    merchant_card_set_status(f->m, T_ACTOR, 42, ISSUER_CARD_REPLACED, f->i->now),
	    MERCHANT_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(authenticated, binding_setup, binding_teardown),
	    cmocka_unit_test_setup_teardown(code_after_commit, binding_setup, binding_teardown),
	    cmocka_unit_test_setup_teardown(refused, binding_setup, binding_teardown),
	    cmocka_unit_test_setup_teardown(lost_and_stolen, binding_setup, binding_teardown),
	    cmocka_unit_test_setup_teardown(replaced, binding_setup, binding_teardown),
	    cmocka_unit_test_setup_teardown(phone_changed, binding_setup, binding_teardown),
	    cmocka_unit_test_setup_teardown(risk_revoked, binding_setup, binding_teardown),
	    cmocka_unit_test_setup_teardown(expired, binding_setup, binding_teardown),
	    cmocka_unit_test_setup_teardown(unknown_card, binding_setup, binding_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
