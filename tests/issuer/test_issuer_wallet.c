/* test_issuer_wallet.c — the wallet (src/issuer/wallet.c, qr.c; docs/qr.md "Payment codes"):
 * codes issued and what they stand for (unknown, expired on a moved clock, used, another
 * account's), QR payments decided by the issuer's table (by payment code and by the terminal's
 * static code: the account debited, single use, the wallet PIN and its limit, the wrong-PIN
 * count), a QR refund found by RRN, a reversal, the cardholder's text, and the holder key. The
 * ledger's check is clean after each (the fixture's teardown). */
#include "issuer/issuer_fixture.h"
#include "notify/notify.h"
#include "rcode/rcode.h"

#define T_ABOVE 100001 /* CNY 1,000.01: above the default wallet_pin_above */

static struct issuer_wallet_code test_code(struct issuer_fixture *f, int64_t card_id)
{
	struct issuer_wallet_code c;

	assert_int_equal(issuer_wallet_code(f->is, card_id, f->now, &c), ISSUER_OK);
	return c;
}

/* A QR payment of amount: by payment code (pan the code, the PIN block formed with it) or by
 * the terminal's static code (pan the paying card's); a PIN block when pin is not NULL. */
static void test_qr_pay(struct issuer_fixture *f, struct test_request *t, const char *pan,
                        int64_t amount, const char *pin)
{
	memset(t, 0, sizeof *t);
	t->r.op = REQUEST_PURCHASE;
	snprintf(t->pan, sizeof t->pan, "%s", pan);
	t->r.pan = t->pan;
	t->r.entry = REQUEST_ENTRY_QR;
	t->r.amount = amount;
	t->r.currency = T_CNY;
	if (pin != NULL)
		test_pin(f, t, &f->zpk, pin, pan);
	test_identity(f, t);
}

/* A QR refund of amount of the payment of RRN rrn: no card, only the original named. */
static void test_qr_refund(struct issuer_fixture *f, struct test_request *t, const char *rrn,
                           int64_t amount)
{
	memset(t, 0, sizeof *t);
	t->r.op = REQUEST_REFUND;
	t->r.entry = REQUEST_ENTRY_QR;
	t->r.amount = amount;
	t->r.currency = T_CNY;
	test_identity(f, t);
	snprintf(t->orig_rrn, sizeof t->orig_rrn, "%s", rrn);
	t->r.orig_rrn = t->orig_rrn;
}

/* Decides t as a QR payment of kind qr and checks the response code and reason. */
static struct issuer_response test_qr_expect(struct issuer_fixture *f, const struct test_request *t,
                                             enum request_qr qr, const char *rc, const char *reason)
{
	struct issuer_response resp;
	struct request q;

	test_to_request(&t->r, &q);
	q.qr = qr;
	assert_int_equal(request_card_set(&q, t->r.pan, NULL, NULL), REQUEST_OK);
	assert_int_equal(test_decide(f, &q, &resp), ISSUER_OK);
	request_wipe(&q);
	assert_string_equal(resp.rc, rc);
	assert_string_equal(resp.reason, reason);
	return resp;
}

static struct issuer_wallet_use test_resolve(struct issuer_fixture *f, const char *code,
                                             const char *rc, const char *reason)
{
	struct issuer_wallet_use u;

	assert_int_equal(issuer_wallet_resolve(f->is, code, f->now, &u), ISSUER_OK);
	assert_string_equal(u.rc, rc);
	assert_string_equal(u.reason, reason);
	return u;
}

/* A second card, on an account and holder of its own. */
static struct issuer_card_image test_other_card(struct issuer_fixture *f, const char *id)
{
	struct issuer_card_request req = test_card_request(CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image img;

	req.id_number = id;
	assert_int_equal(issuer_card_issue(f->is, &req, f->now, &img), ISSUER_OK);
	return img;
}

/* ---- codes ---- */

static void code_issued(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_wallet_code a = test_code(f, img.card_id), b;
	struct issuer_card c = test_card(f, img.card_id);

	assert_true(test_is_digits(a.code, ISSUER_WALLET_CODE_LEN));
	assert_memory_equal(a.code, "62", 2);
	assert_int_equal(a.card_id, img.card_id);
	assert_true(a.expires_at == f->now + 60);
	assert_string_equal(a.masked, c.masked);
	/* The same account's wallet: the same number, another random part. */
	f->now += 5;
	b = test_code(f, img.card_id);
	assert_memory_equal(a.code, b.code, 9);
	assert_memory_not_equal(a.code + 9, b.code + 9, 10);
	assert_true(b.expires_at == f->now + 60);
	/* Only for an active card that exists. */
	assert_int_equal(issuer_card_set_status(f->is, img.card_id, ISSUER_CARD_LOST, f->now),
	                 ISSUER_OK);
	assert_int_equal(issuer_wallet_code(f->is, img.card_id, f->now, &b), ISSUER_ESTATE);
	assert_string_equal(b.code, "");
	assert_int_equal(issuer_wallet_code(f->is, 9999, f->now, &b), ISSUER_ENOTFOUND);
	assert_int_equal(issuer_wallet_code(f->is, img.card_id, f->now, NULL), ISSUER_EARG);
	/* The setting: a code lives wallet_code_ttl seconds. */
	assert_int_equal(issuer_card_set_status(f->is, img.card_id, ISSUER_CARD_ACTIVE, f->now),
	                 ISSUER_OK);
	f->cfg.wallet_code_ttl = 30;
	test_reopen(f);
	assert_true(test_code(f, img.card_id).expires_at == f->now + 30);
}

/* A code is kept only as the keyed hash of its random part: neither it nor its random part is
 * in the store's files. */
static void code_not_stored(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_wallet_code c = test_code(f, img.card_id);

	assert_false(store_fixture_has(f->path, c.code));
	assert_false(store_fixture_has(f->path, c.code + 9));
}

static void resolve_ok(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_wallet_code c = test_code(f, img.card_id);
	struct issuer_wallet_use u = test_resolve(f, c.code, "00", "ok");
	char key[65];

	assert_int_equal(u.card_id, img.card_id);
	assert_string_equal(u.pan, img.pan);
	assert_string_equal(u.masked, c.masked);
	assert_int_equal(issuer_holder_key(f->is, img.pan, key), ISSUER_OK);
	assert_string_equal(u.holder_key, key);
	/* Read only: it may be asked again. */
	test_resolve(f, c.code, "00", "ok");
	assert_int_equal(issuer_wallet_resolve(f->is, NULL, f->now, &u), ISSUER_EARG);
}

static void resolve_unknown(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_wallet_code c = test_code(f, img.card_id);
	char code[ISSUER_WALLET_CODE_LEN + 1];
	struct issuer_wallet_use u;

	/* Another random part. */
	snprintf(code, sizeof code, "%s", c.code);
	code[18] = code[18] == '9' ? '0' : (char)(code[18] + 1);
	u = test_resolve(f, code, RCODE_QR_UNKNOWN, "code_unknown");
	assert_int_equal(u.card_id, 0);
	assert_string_equal(u.pan, "");
	/* Not a code at all: too short, not digits, not in 62. */
	test_resolve(f, "6200000011234", RCODE_QR_UNKNOWN, "code_unknown");
	test_resolve(f, "62000000112345678X9", RCODE_QR_UNKNOWN, "code_unknown");
	test_resolve(f, "", RCODE_QR_UNKNOWN, "code_unknown");
	memcpy(code, c.code, sizeof code);
	code[0] = '7';
	test_resolve(f, code, RCODE_QR_UNKNOWN, "code_unknown");
}

/* A code lives wallet_code_ttl seconds (60): at 59 it pays, at 60 it is expired. */
static void resolve_expired(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_wallet_code c = test_code(f, img.card_id);
	struct test_request t;

	f->now += 59;
	test_resolve(f, c.code, "00", "ok");
	f->now += 1;
	test_resolve(f, c.code, RCODE_QR_EXPIRED, "code_expired");
	test_qr_pay(f, &t, c.code, 100, NULL);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "Q2", "code_expired");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	/* A day after it expired, the next code issued purges its row: unknown since. */
	f->now += 86401;
	test_code(f, img.card_id);
	test_resolve(f, c.code, RCODE_QR_UNKNOWN, "code_unknown");
}

/* The random part of one wallet's code shown with another wallet's number. */
static void resolve_other_account(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image a = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image b = test_other_card(f, "310104198811224437");
	struct issuer_wallet_code ca = test_code(f, a.card_id), cb = test_code(f, b.card_id);
	char code[ISSUER_WALLET_CODE_LEN + 1];
	struct test_request t;

	assert_memory_not_equal(ca.code, cb.code, 9); /* two wallets */
	memcpy(code, cb.code, 9);
	memcpy(code + 9, ca.code + 9, 11);
	test_resolve(f, code, RCODE_QR_OTHER_ACCOUNT, "code_other_account");
	test_qr_pay(f, &t, code, 100, NULL);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "Q4", "code_other_account");
	test_money(f, a.card_id, T_BALANCE, T_BALANCE, 0);
	test_money(f, b.card_id, T_BALANCE, T_BALANCE, 0);
	/* Each code is still its own account's. */
	assert_int_equal(test_resolve(f, ca.code, "00", "ok").card_id, a.card_id);
	assert_int_equal(test_resolve(f, cb.code, "00", "ok").card_id, b.card_id);
}

/* ---- payments by code ---- */

/* Approved below the PIN limit without a PIN (a debit card too), the account debited, the
 * cardholder told of a QR payment; the code pays once (Q3). */
static void purchase_by_code(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_wallet_code c = test_code(f, img.card_id);
	struct notify_delivery due[2];
	struct issuer_response resp;
	struct test_request t;
	char want[160];
	size_t n;

	test_qr_pay(f, &t, c.code, 1234, NULL);
	t.r.merchant_name = "Possum Tea House";
	resp = test_qr_expect(f, &t, REQUEST_QR_CODE, "00", "approved");
	assert_true(test_is_digits(resp.auth_code, 6));
	test_money(f, img.card_id, T_BALANCE - 1234, T_BALANCE - 1234, 0);
	test_resolve(f, c.code, RCODE_QR_USED, "code_used");
	assert_int_equal(notify_due(f->s, f->h, &f->keys.data,
	                            &(struct store_claim){"test", f->now + 60}, f->now, due, 2, &n,
	                            NULL),
	                 NOTIFY_OK);
	assert_int_equal(n, 1);
	snprintf(want, sizeof want,
	         "您尾号%s的卡于2026-11-30 18:00在Possum Tea House扫码支付 CNY 12.34元",
	         img.pan + strlen(img.pan) - 4);
	assert_string_equal(due[0].text, want);
	crypto_wipe(due, sizeof due);

	/* A second use, by another request. */
	test_qr_pay(f, &t, c.code, 100, NULL);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "Q3", "code_used");
	test_money(f, img.card_id, T_BALANCE - 1234, T_BALANCE - 1234, 0);
	/* The card's status and funds are checked as a card's. */
	c = test_code(f, img.card_id);
	test_qr_pay(f, &t, c.code, T_BALANCE, NULL);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "51", "insufficient_funds");
	assert_int_equal(issuer_card_set_status(f->is, img.card_id, ISSUER_CARD_BLOCKED, f->now),
	                 ISSUER_OK);
	test_qr_pay(f, &t, c.code, 100, NULL);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "62", "card_blocked");
	test_money(f, img.card_id, T_BALANCE - 1234, T_BALANCE - 1234, 0);
	/* Only a payment and its refund and reversal are QR payments. */
	test_qr_pay(f, &t, c.code, 100, NULL);
	t.r.op = REQUEST_PREAUTH;
	test_qr_expect(f, &t, REQUEST_QR_CODE, "12", "qr_operation");
}

/* Above wallet_pin_above the wallet PIN is needed: 55 without it; a PIN formed with the code as
 * its PAN is the card's PIN; a wrong one is counted as the card's. */
static void purchase_pin(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_CREDIT, false);
	struct issuer_wallet_code c = test_code(f, img.card_id);
	struct test_request t;

	test_qr_pay(f, &t, c.code, T_ABOVE, NULL);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "55", "pin_required");
	test_qr_pay(f, &t, c.code, T_ABOVE, "000000");
	test_qr_expect(f, &t, REQUEST_QR_CODE, "55", "pin_wrong");
	assert_int_equal(test_card(f, img.card_id).pin_tries, 1);
	test_money(f, img.card_id, T_LIMIT, 0, 0);
	/* A code declined pays later while it lives; the right PIN clears the count. */
	test_qr_pay(f, &t, c.code, T_ABOVE, T_PIN);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "00", "approved");
	assert_int_equal(test_card(f, img.card_id).pin_tries, 0);
	test_money(f, img.card_id, T_LIMIT - T_ABOVE, -T_ABOVE, 0);
	/* A PIN block formed with the card's PAN is no block of the code's: unreadable, and no
	 * wrong PIN of the cardholder's. */
	c = test_code(f, img.card_id);
	test_qr_pay(f, &t, c.code, 100, NULL);
	test_pin(f, &t, &f->zpk, T_PIN, img.pan);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "99", "pin_block_unreadable");
	assert_int_equal(test_card(f, img.card_id).pin_tries, 0);
	/* At the limit, none is asked. */
	test_qr_pay(f, &t, c.code, 100000, NULL);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "00", "approved");
}

/* Wrong wallet PINs lock the card as wrong card PINs do (75), for cards too. */
static void purchase_pin_locked(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_wallet_code c = test_code(f, img.card_id);
	struct test_request t;

	for (int i = 1; i <= 3; i++) {
		test_qr_pay(f, &t, c.code, 100, "111111");
		test_qr_expect(f, &t, REQUEST_QR_CODE, i < 3 ? "55" : "75",
		               i < 3 ? "pin_wrong" : "pin_tries_exceeded");
		assert_int_equal(test_card(f, img.card_id).pin_tries, i);
	}
	test_qr_pay(f, &t, c.code, 100, NULL);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "75", "pin_locked");
	test_swipe(f, &t, REQUEST_PURCHASE, &img, 100, T_PIN);
	test_expect(f, &t, "75", "pin_locked");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

/* The terminal's static code paid by a wallet: the card named, no card data, PIN as above. */
static void purchase_by_static_code(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;

	test_qr_pay(f, &t, img.pan, 2000, NULL);
	test_qr_expect(f, &t, REQUEST_QR_MERCHANT, "00", "approved");
	test_qr_pay(f, &t, img.pan, T_ABOVE, NULL);
	test_qr_expect(f, &t, REQUEST_QR_MERCHANT, "55", "pin_required");
	test_qr_pay(f, &t, img.pan, T_ABOVE, "000000");
	test_qr_expect(f, &t, REQUEST_QR_MERCHANT, "55", "pin_wrong");
	test_qr_pay(f, &t, img.pan, 50000, T_PIN);
	test_qr_expect(f, &t, REQUEST_QR_MERCHANT, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 52000, T_BALANCE - 52000, 0);
	/* The card's number is checked as a card's (Luhn): a code's digits are no card here. */
	test_qr_pay(f, &t, "6200000011234567891", 100, NULL);
	test_qr_expect(f, &t, REQUEST_QR_MERCHANT, "14", "pan_invalid");
}

/* ---- refund, reversal ---- */

/* A QR refund names its original by RRN alone: the card that paid gets the money back, up to
 * what remains. */
static void refund_by_rrn(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_wallet_code c = test_code(f, img.card_id);
	struct notify_delivery due[4];
	struct test_request pay, t;
	size_t n;

	test_qr_pay(f, &pay, c.code, 5000, NULL);
	test_qr_expect(f, &pay, REQUEST_QR_CODE, "00", "approved");
	test_qr_refund(f, &t, pay.rrn, 3000);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 2000, T_BALANCE - 2000, 0);
	test_qr_refund(f, &t, pay.rrn, 2001);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "64", "amount_over_remaining");
	test_qr_refund(f, &t, pay.rrn, 2000);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "00", "approved");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	assert_int_equal(notify_due(f->s, f->h, &f->keys.data,
	                            &(struct store_claim){"test", f->now + 60}, f->now, due, 4, &n,
	                            NULL),
	                 NOTIFY_OK);
	assert_int_equal(n, 3);
	assert_non_null(strstr(due[1].text, "扫码支付退货 CNY 30.00元"));
	crypto_wipe(due, sizeof due);

	/* An RRN of no QR payment: unknown, unnamed, or a card's purchase. */
	test_qr_refund(f, &t, "999999999999", 100);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "25", "original_unknown");
	test_qr_refund(f, &t, "", 100);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "25", "original_not_named");
	test_swipe(f, &pay, REQUEST_PURCHASE, &img, 700, T_PIN);
	test_expect(f, &pay, "00", "approved");
	test_qr_refund(f, &t, pay.rrn, 100);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "25", "original_unknown");
	/* A static code's payment, refunded the same way. */
	test_qr_pay(f, &pay, img.pan, 900, NULL);
	test_qr_expect(f, &pay, REQUEST_QR_MERCHANT, "00", "approved");
	test_qr_refund(f, &t, pay.rrn, 900);
	test_qr_expect(f, &t, REQUEST_QR_MERCHANT, "00", "approved");
	test_money(f, img.card_id, T_BALANCE - 700, T_BALANCE - 700, 0);
}

/* A payment by code is reversed by acquirer, terminal and STAN, as a card's; the code stays
 * used; a reversed payment is refunded no more. */
static void reversal_of_code(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_wallet_code c = test_code(f, img.card_id);
	struct test_request pay, rev, t;

	test_qr_pay(f, &pay, c.code, 4000, NULL);
	test_qr_expect(f, &pay, REQUEST_QR_CODE, "00", "approved");
	test_reversal(&rev, &pay, "1130100500");
	assert_string_equal(rev.pan, c.code);
	test_qr_expect(f, &rev, REQUEST_QR_CODE, "00", "approved");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	test_qr_expect(f, &rev, REQUEST_QR_CODE, "00", "repeated");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	test_resolve(f, c.code, RCODE_QR_USED, "code_used");
	test_qr_refund(f, &t, pay.rrn, 100);
	test_qr_expect(f, &t, REQUEST_QR_CODE, "25", "original_reversed");
}

/* ---- the holder ---- */

static void holder_key(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image a = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image b = test_issue(f, CARD_PRODUCT_CREDIT, true); /* same holder */
	struct issuer_card_image c = test_other_card(f, "44030519750101003X");
	struct issuer_card_image d = test_other_card(f, "44030519750101003x");
	char ka[65], kb[65], kc[65], kd[65];

	assert_int_equal(issuer_holder_key(f->is, a.pan, ka), ISSUER_OK);
	assert_int_equal(issuer_holder_key(f->is, b.pan, kb), ISSUER_OK);
	assert_int_equal(issuer_holder_key(f->is, c.pan, kc), ISSUER_OK);
	assert_int_equal(issuer_holder_key(f->is, d.pan, kd), ISSUER_OK);
	assert_int_equal(strlen(ka), 64);
	assert_string_equal(ka, kb);
	assert_string_not_equal(ka, kc);
	assert_string_equal(kc, kd); /* the check character in either case */
	/* A card the issuer does not know, or no card number. */
	assert_int_equal(issuer_holder_key(f->is, "6225880100000000", ka), ISSUER_ENOTFOUND);
	assert_int_equal(issuer_holder_key(f->is, "12ab", ka), ISSUER_ENOTFOUND);
	assert_int_equal(issuer_holder_key(f->is, NULL, ka), ISSUER_EARG);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, issuer_fixture_setup, issuer_fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(code_issued),         T(code_not_stored),
	    T(resolve_ok),          T(resolve_unknown),
	    T(resolve_expired),     T(resolve_other_account),
	    T(purchase_by_code),    T(purchase_pin),
	    T(purchase_pin_locked), T(purchase_by_static_code),
	    T(refund_by_rrn),       T(reversal_of_code),
	    T(holder_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
