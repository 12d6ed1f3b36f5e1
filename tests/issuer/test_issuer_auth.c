/* test_issuer_auth.c — the issuer's decision table (src/issuer/authorize.c) as a specification,
 * for a card presented: one test per response code and path, each asserting the code and what
 * it did to the card's account (or that a decline changed nothing); then balance inquiry and
 * verification; advices of stand-in approvals (no PIN, posted once, a repeat answered as the
 * first). Follow-ups and reversals are test_issuer_followup.c's. The ledger's check is
 * clean after each (the fixture's teardown). */
#include "issuer/issuer_fixture.h"
#include "notify/notify.h"

/* ---- approvals ---- */

static void purchase_approved(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	struct issuer_response resp;

	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 2500, T_PIN);
	resp = test_expect(f, &t, "00", "approved");
	assert_true(test_is_digits(resp.auth_code, 6));
	assert_true(resp.decision_id > 0);
	assert_int_equal(resp.icc_len, 0); /* no chip, no ARPC */
	test_money(f, img.card_id, T_BALANCE - 2500, T_BALANCE - 2500, 0);
	assert_int_equal(test_card(f, img.card_id).pin_tries, 0);
}

/* Every approved financial outcome puts the cardholder's text in the outbox, in the same
 * commit, to the reserved phone; a decline puts nothing. */
static void purchase_notified(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct notify_delivery due[4];
	struct test_request t;
	char want[128];
	size_t n;

	test_swipe(f, &t, REQUEST_PURCHASE, &img, 1234, T_PIN);
	t.r.merchant_name = "Possum Tea House";
	test_expect(f, &t, "00", "approved");
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 1234, "000000");
	test_expect(f, &t, "55", "pin_wrong");
	assert_int_equal(notify_due(f->s, f->h, &f->keys.data,
	                            &(struct store_claim){"test", f->now + 60}, f->now, due, 4, &n,
	                            NULL),
	                 NOTIFY_OK);
	assert_int_equal(n, 1);
	assert_string_equal(due[0].phone, T_PHONE);
	/* 2026-11-30 10:00 UTC is 18:00 in Beijing. */
	snprintf(want, sizeof want,
	         "您尾号%s的卡于2026-11-30 18:00在Possum Tea House消费 CNY 12.34元",
	         img.pan + strlen(img.pan) - 4);
	assert_string_equal(due[0].text, want);
	crypto_wipe(due, sizeof due);
}

static void purchase_chip_approved(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, true);
	struct test_request t;
	struct issuer_response resp;

	test_chip(f, &t, REQUEST_PURCHASE, &img, 1234, T_PIN);
	resp = test_expect(f, &t, "00", "approved");
	test_check_arpc(&t, &resp);
	test_money(f, img.card_id, T_BALANCE - 1234, T_BALANCE - 1234, 0);

	/* Field 55 alone, no track 2: the cryptogram is the card's proof. */
	test_chip(f, &t, REQUEST_PURCHASE, &img, 1000, T_PIN);
	t.r.track2 = NULL;
	snprintf(t.pan, sizeof t.pan, "%s", img.pan);
	t.r.pan = t.pan;
	resp = test_expect(f, &t, "00", "approved");
	test_check_arpc(&t, &resp);
	test_money(f, img.card_id, T_BALANCE - 2234, T_BALANCE - 2234, 0);

	/* A decline of a genuine card: the ARPC carries the decline's code for the card. */
	test_chip(f, &t, REQUEST_PURCHASE, &img, T_BALANCE, T_PIN);
	resp = test_expect(f, &t, "51", "insufficient_funds");
	test_check_arpc(&t, &resp);
	test_money(f, img.card_id, T_BALANCE - 2234, T_BALANCE - 2234, 0);
}

static void credit_without_pin_approved(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_CREDIT, false);
	struct test_request t;

	test_money(f, img.card_id, T_LIMIT, 0, 0);
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 30000, NULL);
	test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_LIMIT - 30000, -30000, 0);
}

/* ---- the card: 14, 15, 41, 43, 62, 54 ---- */

static void card_number_invalid(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	char pan[CARD_PAN_MAX + 1], unknown[CARD_PAN_MAX + 1];
	size_t n = strlen(img.pan);

	/* The check digit wrong. */
	snprintf(pan, sizeof pan, "%s", img.pan);
	pan[n - 1] = (char)('0' + (pan[n - 1] - '0' + 1) % 10);
	test_follow_up(f, &t, REQUEST_VERIFY, &img, 0, NULL);
	t.r.pan = pan;
	test_expect(f, &t, "14", "pan_invalid");

	/* Luhn-valid, in our debit BIN, never issued. */
	snprintf(unknown, sizeof unknown, "%s", img.pan);
	unknown[10] = (char)('0' + (unknown[10] - '0' + 5) % 10);
	unknown[n - 1] = '\0';
	assert_int_equal(card_luhn_digit(unknown, &unknown[n - 1]), CARD_OK);
	unknown[n] = '\0';
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	t.r.track2 = NULL;
	t.r.pan = unknown;
	t.r.pin_block = NULL;
	test_expect(f, &t, "14", "card_unknown");

	/* Track 2 of another PAN than field 2's. */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	t.r.pan = unknown;
	test_expect(f, &t, "14", "pan_track2_differ");

	/* Track 2 that is not track 2. */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	snprintf(t.track2, sizeof t.track2, "%s", img.pan);
	test_expect(f, &t, "14", "track2_invalid");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void bin_not_ours(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;

	test_follow_up(f, &t, REQUEST_PURCHASE, &img, 100, NULL);
	t.r.pan = "4111111111111111";
	test_expect(f, &t, "15", "bin_not_ours");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void card_status(void **state)
{
	static const struct {
		enum issuer_card_status status;
		const char *rc, *reason;
	} cases[] = {
	    {ISSUER_CARD_LOST, "41", "card_lost"},
	    {ISSUER_CARD_STOLEN, "43", "card_stolen"},
	    {ISSUER_CARD_BLOCKED, "62", "card_blocked"},
	};
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(
		    issuer_card_set_status(f->is, img.card_id, cases[i].status, f->now), ISSUER_OK);
		assert_int_equal(test_card(f, img.card_id).status, cases[i].status);
		test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
		test_expect(f, &t, cases[i].rc, cases[i].reason);
		test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	}
	assert_int_equal(issuer_card_set_status(f->is, img.card_id, ISSUER_CARD_ACTIVE, f->now),
	                 ISSUER_OK);
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	test_expect(f, &t, "00", "approved");
	assert_int_equal(issuer_card_set_status(f->is, img.card_id, ISSUER_CARD_REPLACED, f->now),
	                 ISSUER_EARG);
	assert_int_equal(issuer_card_set_status(f->is, 9999, ISSUER_CARD_LOST, f->now),
	                 ISSUER_ENOTFOUND);
}

static void card_replaced(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image old = test_issue(f, CARD_PRODUCT_DEBIT, false), img;
	struct test_request t;
	struct issuer_card c;

	test_swipe(f, &t, REQUEST_PURCHASE, &old, 1000, T_PIN);
	test_expect(f, &t, "00", "approved");
	assert_int_equal(issuer_card_replace(f->is, old.card_id, "246810", NULL, f->now, &img),
	                 ISSUER_OK);
	assert_string_not_equal(img.pan, old.pan);
	assert_int_equal(img.account_id, old.account_id);
	c = test_card(f, old.card_id);
	assert_int_equal(c.status, ISSUER_CARD_REPLACED);
	assert_int_equal(c.replaced_by, img.card_id);

	test_swipe(f, &t, REQUEST_PURCHASE, &old, 1000, T_PIN);
	test_expect(f, &t, "62", "card_replaced");
	test_money(f, img.card_id, T_BALANCE - 1000, T_BALANCE - 1000, 0);
	/* The new card spends the same account, with its own PIN. */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 1000, "246810");
	test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 2000, T_BALANCE - 2000, 0);
	test_money(f, old.card_id, T_BALANCE - 2000, T_BALANCE - 2000, 0);

	/* A replaced card stays replaced. */
	assert_int_equal(issuer_card_set_status(f->is, old.card_id, ISSUER_CARD_ACTIVE, f->now),
	                 ISSUER_ESTATE);
	assert_int_equal(issuer_card_replace(f->is, old.card_id, NULL, NULL, f->now, &img),
	                 ISSUER_ESTATE);
	crypto_wipe(&img, sizeof img);
}

static void card_expired(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_request req = test_card_request(CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image img;
	struct test_request t;

	req.expiry = "2612";
	assert_int_equal(issuer_card_issue(f->is, &req, f->now, &img), ISSUER_OK);
	/* Valid through the last second of its month. */
	f->now = 1798761599; /* 2026-12-31 23:59:59 UTC */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	test_expect(f, &t, "00", "approved");
	f->now += 1;
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	test_expect(f, &t, "54", "card_expired");
	test_money(f, img.card_id, T_BALANCE - 100, T_BALANCE - 100, 0);
}

static void expiry_differs(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	char *sep;

	/* Field 14 another date than the card's. */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	t.r.expiry = strcmp(img.expiry, "3012") == 0 ? "3011" : "3012";
	test_expect(f, &t, "54", "expiry_differs");

	/* Track 2 with another (valid, future) expiry. */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	sep = strchr(t.track2, '=');
	assert_non_null(sep);
	memcpy(sep + 1, strcmp(img.expiry, "3012") == 0 ? "3011" : "3012", 4);
	test_expect(f, &t, "54", "expiry_differs");

	/* Field 14 the card's own: fine. */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	t.r.expiry = img.expiry;
	test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 100, T_BALANCE - 100, 0);
}

/* ---- card verification: 59, 05, 30, 13 ---- */

static void cvv_wrong(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image chip = test_issue(f, CARD_PRODUCT_DEBIT, true);
	struct test_request t;
	char *sep;
	size_t cvv;

	/* Track 2: PAN=YYMM SSS PVKI PVV(4) CVV(3). */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	sep = strchr(t.track2, '=');
	assert_non_null(sep);
	cvv = (size_t)(sep - t.track2) + 1 + 4 + 3 + 5;
	assert_int_equal(strlen(t.track2), cvv + 3);
	t.track2[cvv + 1] = (char)('0' + (t.track2[cvv + 1] - '0' + 1) % 10);
	test_expect(f, &t, "59", "cvv_wrong");

	/* No CVV in the discretionary data. */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	t.track2[cvv] = '\0';
	test_expect(f, &t, "59", "cvv_missing");

	/* Neither track 2 nor chip data: a purchase needs the card. */
	test_follow_up(f, &t, REQUEST_PURCHASE, &img, 100, NULL);
	test_pin(f, &t, &f->zpk, T_PIN, img.pan);
	test_expect(f, &t, "59", "no_card_data");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	assert_int_equal(test_card(f, img.card_id).pin_tries, 0);

	/* A chip's track 2 image (its iCVV) written to a stripe does not pass as one. */
	test_swipe(f, &t, REQUEST_PURCHASE, &chip, 100, T_PIN);
	t.r.entry = REQUEST_ENTRY_STRIPE;
	test_expect(f, &t, "59", "cvv_wrong");
	test_money(f, chip.card_id, T_BALANCE, T_BALANCE, 0);
}

static void cryptogram_wrong(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image chip = test_issue(f, CARD_PRODUCT_DEBIT, true);
	struct issuer_card_image stripe = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	struct issuer_response resp;
	tlv v;

	test_chip(f, &t, REQUEST_PURCHASE, &chip, 500, T_PIN);
	assert_int_equal(tlv_find(t.icc, t.r.icc_len, 0x9F26, &v), TLV_OK);
	t.icc[v.value - t.icc] ^= 0x01;
	resp = test_expect(f, &t, "05", "arqc_wrong");
	assert_int_equal(resp.icc_len, 0);

	/* The data changed after the card signed it. */
	test_chip(f, &t, REQUEST_PURCHASE, &chip, 500, T_PIN);
	assert_int_equal(tlv_find(t.icc, t.r.icc_len, 0x9F37, &v), TLV_OK);
	t.icc[v.value - t.icc] ^= 0x80;
	test_expect(f, &t, "05", "arqc_wrong");

	/* Field 55 for a card that has no chip (its key derived as if it had). */
	test_swipe(f, &t, REQUEST_PURCHASE, &stripe, 500, T_PIN);
	assert_int_equal(hsm_emv_icc_mk(f->h, &f->keys.imk, stripe.pan, "00", stripe.icc_mk),
	                 HSM_OK);
	test_icc(f, &t, &stripe, 500, 0);
	test_expect(f, &t, "05", "not_a_chip_card");
	test_money(f, chip.card_id, T_BALANCE, T_BALANCE, 0);
	test_money(f, stripe.card_id, T_BALANCE, T_BALANCE, 0);
	crypto_wipe(&stripe, sizeof stripe);
}

/* A captured field 55 played again under a new STAN: its ATC is not above the card's last. */
static void cryptogram_replayed(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, true);
	struct test_request t, again;
	tlv v;

	test_chip(f, &t, REQUEST_PURCHASE, &img, 700, T_PIN);
	test_expect(f, &t, "00", "approved");
	test_swipe(f, &again, REQUEST_PURCHASE, &img, 700, T_PIN);
	again.r.entry = REQUEST_ENTRY_CHIP;
	memcpy(again.icc, t.icc, t.r.icc_len);
	again.r.icc = again.icc;
	again.r.icc_len = t.r.icc_len;
	test_expect(f, &again, "05", "atc_replayed");
	test_money(f, img.card_id, T_BALANCE - 700, T_BALANCE - 700, 0);

	/* The currency the card signed for (5F2A) must be the one asked in. */
	test_chip(f, &t, REQUEST_PURCHASE, &img, 700, T_PIN);
	assert_int_equal(tlv_find(t.icc, t.r.icc_len, 0x5F2A, &v), TLV_OK);
	t.icc[v.value - t.icc + 1] = 0x40; /* 0840, USD */
	test_expect(f, &t, "13", "icc_currency_differs");

	/* A chip read without its cryptogram: the track 2 image alone is a copy. */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 700, T_PIN);
	t.r.entry = REQUEST_ENTRY_CHIP;
	test_expect(f, &t, "59", "chip_data_missing");
	test_money(f, img.card_id, T_BALANCE - 700, T_BALANCE - 700, 0);
}

static void icc_incomplete(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, true);
	struct test_request t;

	for (size_t i = 0; i < ISSUER_CDOL1_ENTRIES; i++) {
		test_swipe(f, &t, REQUEST_PURCHASE, &img, 500, T_PIN);
		t.r.entry = REQUEST_ENTRY_CHIP;
		test_icc(f, &t, &img, 500, issuer_cdol1[i].tag);
		test_expect(f, &t, "30", "icc_incomplete");
	}
	/* No ARQC. */
	test_chip(f, &t, REQUEST_PURCHASE, &img, 500, T_PIN);
	t.r.icc_len -= 11; /* 9F26 08 + 8 bytes, last */
	test_expect(f, &t, "30", "icc_no_arqc");
	/* Not BER-TLV at all. */
	test_chip(f, &t, REQUEST_PURCHASE, &img, 500, T_PIN);
	t.r.icc_len -= 3;
	test_expect(f, &t, "30", "icc_malformed");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void amount_invalid(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, true);
	struct test_request t;

	test_swipe(f, &t, REQUEST_PURCHASE, &img, 0, T_PIN);
	test_expect(f, &t, "13", "amount_missing");
	test_swipe(f, &t, REQUEST_PURCHASE, &img, -100, T_PIN);
	test_expect(f, &t, "13", "amount_missing");
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	t.r.currency = 840;
	test_expect(f, &t, "13", "currency");
	/* 9F02 (what the card signed) differs from field 4. */
	test_chip(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	t.r.amount = 10000;
	test_expect(f, &t, "13", "icc_amount_differs");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void operation_unknown(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	const int ops[] = {0, REQUEST_CARDAUTH_CONFIRM + 1, 31, 32, 1000, -1};

	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
		t.r.op = (enum request_type)ops[i];
		test_expect(f, &t, "12", "unknown_operation");
	}
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

/* ---- PIN: 55, 75, 99 ---- */

static void pin_wrong(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;

	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, "111111");
	test_expect(f, &t, "55", "pin_wrong");
	assert_int_equal(test_card(f, img.card_id).pin_tries, 1);
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);

	/* A debit card's purchase needs its PIN; a miss is not a wrong try. */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, NULL);
	test_expect(f, &t, "55", "pin_required");
	assert_int_equal(test_card(f, img.card_id).pin_tries, 1);
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void pin_tries_reset(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;

	for (int wrong = 1; wrong <= 2; wrong++) {
		for (int i = 0; i < wrong; i++) {
			test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, "000000");
			test_expect(f, &t, "55", "pin_wrong");
		}
		assert_int_equal(test_card(f, img.card_id).pin_tries, wrong);
		test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
		test_expect(f, &t, "00", "approved");
		assert_int_equal(test_card(f, img.card_id).pin_tries, 0);
	}
	test_money(f, img.card_id, T_BALANCE - 200, T_BALANCE - 200, 0);
}

static void pin_locked(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image credit = test_issue(f, CARD_PRODUCT_CREDIT, false);
	struct test_request t;

	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, "000000");
	test_expect(f, &t, "55", "pin_wrong");
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, "000000");
	test_expect(f, &t, "55", "pin_wrong");
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, "000000");
	test_expect(f, &t, "75", "pin_tries_exceeded");
	assert_int_equal(test_card(f, img.card_id).pin_tries, 3);
	/* Locked: the right PIN, or none, is refused too, and counts no further. */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	test_expect(f, &t, "75", "pin_locked");
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, NULL);
	test_expect(f, &t, "75", "pin_locked");
	assert_int_equal(test_card(f, img.card_id).pin_tries, 3);
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);

	/* The bank unlocks it. */
	assert_int_equal(issuer_card_set_status(f->is, img.card_id, ISSUER_CARD_ACTIVE, f->now),
	                 ISSUER_OK);
	assert_int_equal(test_card(f, img.card_id).pin_tries, 0);
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 100, T_BALANCE - 100, 0);

	/* A credit card's PIN, when given, is checked as well. */
	test_swipe(f, &t, REQUEST_PURCHASE, &credit, 100, "000000");
	test_expect(f, &t, "55", "pin_wrong");
	test_swipe(f, &t, REQUEST_PURCHASE, &credit, 100, T_PIN);
	test_expect(f, &t, "00", "approved");
	/* Locked by wrong PINs, a credit card spends nothing, even without a PIN. */
	for (int i = 0; i < 3; i++) {
		test_swipe(f, &t, REQUEST_PURCHASE, &credit, 100, "000000");
		test_authorize(f, &t);
	}
	test_swipe(f, &t, REQUEST_PURCHASE, &credit, 100, NULL);
	test_expect(f, &t, "75", "pin_locked");
}

static void pin_block_other_key(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;

	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, NULL);
	test_pin(f, &t, &f->other_zpk, T_PIN, img.pan);
	test_expect(f, &t, "99", "pin_block_unreadable");
	/* The acquirer's key fault is not the cardholder's wrong try. */
	assert_int_equal(test_card(f, img.card_id).pin_tries, 0);
	/* A PIN block with no key to read it by. */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	t.r.pin_key = NULL;
	test_expect(f, &t, "99", "no_pin_key");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

/* ---- funds and limits: 51, 61, 65 ---- */

static void insufficient_funds(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image debit = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image credit = test_issue(f, CARD_PRODUCT_CREDIT, false);
	struct test_request t;

	test_swipe(f, &t, REQUEST_PURCHASE, &debit, T_BALANCE + 1, T_PIN);
	test_expect(f, &t, "51", "insufficient_funds");
	test_money(f, debit.card_id, T_BALANCE, T_BALANCE, 0);
	test_swipe(f, &t, REQUEST_PURCHASE, &debit, T_BALANCE, T_PIN);
	test_expect(f, &t, "00", "approved");
	test_money(f, debit.card_id, 0, 0, 0);

	f->cfg.daily_amount_limit = 0; /* the credit line, not the daily limit, is under test */
	test_reopen(f);
	test_swipe(f, &t, REQUEST_PURCHASE, &credit, T_LIMIT + 1, NULL);
	test_expect(f, &t, "51", "insufficient_funds");
	test_money(f, credit.card_id, T_LIMIT, 0, 0);
	test_swipe(f, &t, REQUEST_PREAUTH, &credit, T_LIMIT + 1, NULL);
	test_expect(f, &t, "51", "insufficient_funds");
	test_money(f, credit.card_id, T_LIMIT, 0, 0);
	test_swipe(f, &t, REQUEST_PURCHASE, &credit, T_LIMIT, NULL);
	test_expect(f, &t, "00", "approved");
	test_money(f, credit.card_id, 0, -T_LIMIT, 0);
}

static void daily_amount_limit(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img;
	struct test_request t;

	f->cfg.daily_amount_limit = 10000;
	test_reopen(f);
	img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 6000, T_PIN);
	test_expect(f, &t, "00", "approved");
	test_swipe(f, &t, REQUEST_PREAUTH, &img, 4001, T_PIN);
	test_expect(f, &t, "61", "daily_amount_limit");
	test_money(f, img.card_id, T_BALANCE - 6000, T_BALANCE - 6000, 0);
	test_swipe(f, &t, REQUEST_PREAUTH, &img, 4000, T_PIN);
	test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 10000, T_BALANCE - 6000, 4000);
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 1, T_PIN);
	test_expect(f, &t, "61", "daily_amount_limit");
	/* The day is the local one (utc_offset 480): 23:59 in Beijing is still today... */
	f->now = T_NOW + 6 * 3600 - 60;
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 1, T_PIN);
	test_expect(f, &t, "61", "daily_amount_limit");
	/* ...and its midnight, 16:00 of the same UTC day, a new day with a new allowance. */
	f->now = T_NOW + 6 * 3600;
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 10000, T_PIN);
	test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 20000, T_BALANCE - 16000, 4000);
	f->now += T_DAY - 1;
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 1, T_PIN);
	test_expect(f, &t, "61", "daily_amount_limit");
}

static void daily_count_limit(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img;
	struct test_request t, paid, rev, last;

	f->cfg.daily_count_limit = 2;
	test_reopen(f);
	img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	/* Declines do not count. */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, "000000");
	test_expect(f, &t, "55", "pin_wrong");
	for (int i = 0; i < 2; i++) {
		test_swipe(f, &last, REQUEST_PURCHASE, &img, 100, T_PIN);
		test_expect(f, &last, "00", "approved");
	}
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	test_expect(f, &t, "65", "daily_count_limit");
	test_money(f, img.card_id, T_BALANCE - 200, T_BALANCE - 200, 0);
	/* A payment reversed the same day no longer counts against it. */
	test_swipe(f, &paid, REQUEST_PURCHASE, &img, 100, T_PIN);
	test_expect(f, &paid, "65", "daily_count_limit");
	test_reversal(&rev, &last, "1130100150");
	test_expect(f, &rev, "00", "approved");
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	test_expect(f, &t, "00", "approved");
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	test_expect(f, &t, "65", "daily_count_limit");
	test_money(f, img.card_id, T_BALANCE - 200, T_BALANCE - 200, 0);
	f->now += T_DAY;
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	test_expect(f, &t, "00", "approved");
}

/* ---- duplicates: 94 ---- */

static void duplicate(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t, again;
	struct issuer_response resp;

	test_swipe(f, &t, REQUEST_PURCHASE, &img, 700, T_PIN);
	test_expect(f, &t, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 700, T_BALANCE - 700, 0);
	/* Same acquirer, STAN and transmission time: whatever else, a duplicate. */
	test_swipe(f, &again, REQUEST_PURCHASE, &img, 900, T_PIN);
	snprintf(again.stan, sizeof again.stan, "%s", t.stan);
	resp = test_expect(f, &again, "94", "duplicate");
	assert_int_equal(resp.decision_id, 0);
	assert_string_equal(resp.auth_code, "");
	test_money(f, img.card_id, T_BALANCE - 700, T_BALANCE - 700, 0);
	/* A declined one is as much decided. */
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 700, "000000");
	test_expect(f, &t, "55", "pin_wrong");
	test_expect(f, &t, "94", "duplicate");
	assert_int_equal(test_card(f, img.card_id).pin_tries, 1);
	/* Another transmission time is another request. */
	test_swipe(f, &again, REQUEST_PURCHASE, &img, 700, T_PIN);
	snprintf(again.stan, sizeof again.stan, "%s", t.stan);
	again.r.transmit = "1130100001";
	test_expect(f, &again, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 1400, T_BALANCE - 1400, 0);
}

/* ---- advices of stand-in approvals: posted once, a repeat answered as the first ---- */

static void advice_posted_once(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t, req;
	struct issuer_response resp;
	int n, posted, repeats = 0;

	/* A debit card's purchase without a PIN: approved in the issuer's name, posted now. */
	test_advice(f, &t, REQUEST_PURCHASE, &img, 2500, "654321");
	resp = test_expect(f, &t, "00", "advice");
	assert_string_equal(resp.auth_code, "654321"); /* the one the terminal printed */
	assert_true(resp.decision_id > 0);
	test_money(f, img.card_id, T_BALANCE - 2500, T_BALANCE - 2500, 0);
	/* Repeated (0221, or the 0220 again): the same identity, the first answer, no posting. */
	for (int i = 0; i < 3; i++, repeats++) {
		resp = test_expect(f, &t, "00", "repeated");
		assert_string_equal(resp.auth_code, "654321");
		assert_int_equal(resp.decision_id, 0);
	}
	test_money(f, img.card_id, T_BALANCE - 2500, T_BALANCE - 2500, 0);
	n = test_decisions_of(f, t.stan, &posted);
	assert_int_equal(n, 1);
	assert_int_equal(posted, 1);
	/* A request of the same STAN and time is another kind: decided, not its duplicate. */
	test_swipe(f, &req, REQUEST_PURCHASE, &img, 100, T_PIN);
	snprintf(req.stan, sizeof req.stan, "%s", t.stan);
	test_expect(f, &req, "00", "approved");
	test_expect(f, &req, "94", "duplicate");
	test_money(f, img.card_id, T_BALANCE - 2600, T_BALANCE - 2600, 0);
	/* Without an auth code of the acquirer's: one of the issuer's. */
	test_advice(f, &t, REQUEST_PURCHASE, &img, 400, NULL);
	resp = test_expect(f, &t, "00", "advice");
	assert_true(test_is_digits(resp.auth_code, 6));
	test_money(f, img.card_id, T_BALANCE - 3000, T_BALANCE - 3000, 0);
	print_message("advice: 1 posted, repeats %d, decisions of its STAN %d, posted %d "
	              "(twice: %d)\n",
	              repeats, n, posted, posted - 1);
}

static void advice_declined(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image lost = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	int posted;

	/* Over the balance: 51, nothing posted; the acquirer opens a risk case. */
	test_advice(f, &t, REQUEST_PURCHASE, &img, T_BALANCE + 1, "111111");
	test_expect(f, &t, "51", "insufficient_funds");
	test_expect(f, &t, "51", "repeated");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	assert_int_equal(test_decisions_of(f, t.stan, &posted), 1);
	assert_int_equal(posted, 0);
	/* The card's status, as for any request. */
	assert_int_equal(issuer_card_set_status(f->is, lost.card_id, ISSUER_CARD_LOST, f->now),
	                 ISSUER_OK);
	test_advice(f, &t, REQUEST_PURCHASE, &lost, 100, "111112");
	test_expect(f, &t, "41", "card_lost");
	test_money(f, lost.card_id, T_BALANCE, T_BALANCE, 0);
	/* An advice carries no PIN (the acquirer checks none), needs a STAN, transmission time
	 * and acquirer (its repeats are found by them), and is of a payment. */
	test_advice(f, &t, REQUEST_PURCHASE, &img, 100, "111113");
	test_pin(f, &t, &f->zpk, T_PIN, img.pan);
	test_expect(f, &t, "30", "advice_with_pin");
	test_advice(f, &t, REQUEST_PURCHASE, &img, 100, "111114");
	t.r.stan = NULL;
	test_expect(f, &t, "30", "advice_unnamed");
	test_advice(f, &t, REQUEST_REFUND, &img, 100, "111115");
	test_expect(f, &t, "12", "advice_of_another");
	test_advice(f, &t, REQUEST_BALANCE, &img, 0, NULL);
	test_expect(f, &t, "12", "advice_of_another");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

/* A pre-authorization approved in the issuer's name holds; its completion, advised too, posts
 * it. A chip card's advice without field 55 is not asked for its cryptogram. */
static void advice_preauth_completion(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, true);
	struct test_request t;

	test_advice(f, &t, REQUEST_PREAUTH, &img, 4000, "222333");
	t.r.entry = REQUEST_ENTRY_CHIP;
	test_expect(f, &t, "00", "advice");
	test_money(f, img.card_id, T_BALANCE - 4000, T_BALANCE, 4000);
	test_advice(f, &t, REQUEST_COMPLETION, &img, 3000, "222333");
	test_expect(f, &t, "00", "advice");
	test_expect(f, &t, "00", "repeated");
	test_money(f, img.card_id, T_BALANCE - 3000, T_BALANCE - 3000, 0);
}

/* ---- balance inquiry and verification ---- */

static void balance_inquiry(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	struct issuer_response resp;

	test_swipe(f, &t, REQUEST_PREAUTH, &img, 1500, T_PIN);
	test_expect(f, &t, "00", "approved");
	test_swipe(f, &t, REQUEST_BALANCE, &img, 0, T_PIN);
	resp = test_expect(f, &t, "00", "approved");
	assert_true(resp.has_balance);
	assert_int_equal(resp.available, T_BALANCE - 1500);
	assert_int_equal(resp.currency, T_CNY);
	assert_string_equal(resp.auth_code, "");
	/* A debit card's balance needs its PIN. */
	test_swipe(f, &t, REQUEST_BALANCE, &img, 0, NULL);
	resp = test_expect(f, &t, "55", "pin_required");
	assert_false(resp.has_balance);
	test_money(f, img.card_id, T_BALANCE - 1500, T_BALANCE, 1500);
}

static void verify_funds(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	struct issuer_response resp;

	test_swipe(f, &t, REQUEST_VERIFY, &img, T_BALANCE + 1, NULL);
	resp = test_expect(f, &t, "51", "insufficient_funds");
	assert_false(resp.has_balance);
	test_swipe(f, &t, REQUEST_VERIFY, &img, T_BALANCE, NULL);
	resp = test_expect(f, &t, "00", "approved");
	assert_false(resp.has_balance);
	assert_string_equal(resp.auth_code, "");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void arguments(void **state)
{
	struct issuer_fixture *f = *state;
	struct request r = {.type = REQUEST_BALANCE};
	struct issuer_response resp;

	assert_int_equal(issuer_authorize(NULL, &r, f->now, &resp), ISSUER_EARG);
	assert_int_equal(issuer_authorize(f->is, NULL, f->now, &resp), ISSUER_EARG);
	assert_int_equal(issuer_authorize(f->is, &r, f->now, NULL), ISSUER_EARG);
	for (int rc = ISSUER_OK; rc >= ISSUER_ENOMEM; rc--)
		assert_string_not_equal(issuer_strerror(rc), "unknown error");
	assert_string_equal(issuer_strerror(-100), "unknown error");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, issuer_fixture_setup, issuer_fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(purchase_approved),
	    T(purchase_notified),
	    T(purchase_chip_approved),
	    T(credit_without_pin_approved),
	    T(card_number_invalid),
	    T(bin_not_ours),
	    T(card_status),
	    T(card_replaced),
	    T(card_expired),
	    T(expiry_differs),
	    T(cvv_wrong),
	    T(cryptogram_wrong),
	    T(cryptogram_replayed),
	    T(icc_incomplete),
	    T(amount_invalid),
	    T(operation_unknown),
	    T(pin_wrong),
	    T(pin_tries_reset),
	    T(pin_locked),
	    T(pin_block_other_key),
	    T(insufficient_funds),
	    T(daily_amount_limit),
	    T(daily_count_limit),
	    T(duplicate),
	    T(advice_posted_once),
	    T(advice_declined),
	    T(advice_preauth_completion),
	    T(balance_inquiry),
	    T(verify_funds),
	    T(arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
