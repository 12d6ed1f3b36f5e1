/* test_issuer_cardauth.c — card authentication (卡鉴权, src/issuer/cardauth.c): the four
 * elements then a one-time code sent by SMS; every way it fails (an element wrong, the code
 * wrong too often, too late, too many starts a day), the funds check of docs/cup-pos.md, and
 * the code kept only as a keyed hash. */
#include "issuer/issuer_fixture.h"

#include <openssl/sha.h>

/* A start (the elements) or a confirmation (the code) for img, its track 2 read. */
static void cardauth(struct issuer_fixture *f, struct test_request *t,
                     const struct issuer_card_image *img, const char *otp)
{
	test_swipe(f, t, otp != NULL ? REQUEST_CARDAUTH_CONFIRM : REQUEST_CARDAUTH_START, img, 0,
	           NULL);
	if (otp == NULL) {
		t->r.holder = T_HOLDER;
		t->r.id_number = T_ID;
		t->r.phone = T_PHONE;
	} else {
		t->r.otp = otp;
	}
}

/* Starts an authentication of img that succeeds; the code sent. */
static void start(struct issuer_fixture *f, const struct issuer_card_image *img,
                  char code[ISSUER_OTP_LEN + 1])
{
	struct test_request t;
	struct issuer_response resp;
	int sent = f->sms_count;

	cardauth(f, &t, img, NULL);
	resp = test_expect(f, &t, "00", "otp_sent");
	assert_string_equal(resp.message, "OTP SENT");
	assert_string_equal(resp.auth_code, "");
	assert_false(resp.has_balance);
	assert_int_equal(f->sms_count, sent + 1);
	assert_string_equal(f->sms_phone, T_PHONE);
	test_sms_code(f, code);
}

static void authenticated(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	char code[ISSUER_OTP_LEN + 1];

	start(f, &img, code);
	assert_non_null(strstr(f->sms_text, img.pan + strlen(img.pan) - 4));
	assert_non_null(strstr(f->sms_text, f->cfg.name));
	assert_null(strstr(f->sms_text, img.pan));
	f->now += 60;
	cardauth(f, &t, &img, code);
	test_expect(f, &t, "00", "authenticated");
	assert_int_equal(f->sms_count, 1);
	/* Used: there is no code pending any more. */
	cardauth(f, &t, &img, code);
	test_expect(f, &t, "05", "no_code_pending");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void authenticated_chip_english(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_request req = test_card_request(CARD_PRODUCT_CREDIT, true);
	struct issuer_card_image img;
	struct test_request t;
	struct issuer_response resp;
	char code[ISSUER_OTP_LEN + 1];

	req.language = "en";
	assert_int_equal(issuer_card_issue(f->is, &req, f->now, &img), ISSUER_OK);
	cardauth(f, &t, &img, NULL);
	test_icc(f, &t, &img, 0, 0);
	resp = test_expect(f, &t, "00", "otp_sent");
	test_check_arpc(&t, &resp);
	assert_non_null(strstr(f->sms_text, "verification code"));
	test_sms_code(f, code);
	cardauth(f, &t, &img, code);
	test_expect(f, &t, "00", "authenticated");
}

static void element_wrong(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;

	for (int which = 0; which < 3; which++) {
		cardauth(f, &t, &img, NULL);
		if (which == 0)
			t.r.holder = "Zhang Shan";
		else if (which == 1)
			t.r.id_number = "110101199003075510";
		else
			t.r.phone = "13912345679";
		test_expect(f, &t, "05", "elements_differ");
	}
	cardauth(f, &t, &img, NULL);
	t.r.phone = NULL;
	test_expect(f, &t, "05", "elements_missing");
	assert_int_equal(f->sms_count, 0);
	cardauth(f, &t, &img, "123456");
	test_expect(f, &t, "05", "no_code_pending");
}

static void code_wrong(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	char code[ISSUER_OTP_LEN + 1], wrong[ISSUER_OTP_LEN + 1];

	start(f, &img, code);
	snprintf(wrong, sizeof wrong, "%s", code);
	wrong[0] = (char)('0' + (wrong[0] - '0' + 1) % 10);
	cardauth(f, &t, &img, wrong);
	test_expect(f, &t, "05", "code_wrong");
	cardauth(f, &t, &img, "12345"); /* not even a code: a try all the same */
	test_expect(f, &t, "05", "code_wrong");
	cardauth(f, &t, &img, wrong);
	test_expect(f, &t, "05", "code_wrong");
	/* Three wrong: the code is void. */
	cardauth(f, &t, &img, code);
	test_expect(f, &t, "05", "no_code_pending");
	/* A new start sends a new code, which works. */
	start(f, &img, code);
	cardauth(f, &t, &img, wrong);
	test_expect(f, &t, "05", "code_wrong");
	cardauth(f, &t, &img, code);
	test_expect(f, &t, "00", "authenticated");
}

static void code_expired(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	char code[ISSUER_OTP_LEN + 1];

	start(f, &img, code);
	f->now += f->cfg.otp_ttl + 1;
	cardauth(f, &t, &img, code);
	test_expect(f, &t, "05", "code_expired");
	cardauth(f, &t, &img, code);
	test_expect(f, &t, "05", "no_code_pending");
	/* To the last second of its life, it works. */
	start(f, &img, code);
	f->now += f->cfg.otp_ttl;
	cardauth(f, &t, &img, code);
	test_expect(f, &t, "00", "authenticated");
}

static void daily_starts(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	char code[ISSUER_OTP_LEN + 1];

	/* Four a day, matching or not: the elements cannot be guessed one at a time. */
	for (int i = 0; i < 4; i++) {
		cardauth(f, &t, &img, NULL);
		if (i % 2 == 1)
			t.r.holder = "Li Si";
		test_expect(f, &t, i % 2 == 1 ? "05" : "00",
		            i % 2 == 1 ? "elements_differ" : "otp_sent");
	}
	cardauth(f, &t, &img, NULL);
	test_expect(f, &t, "65", "cardauth_daily_limit");
	assert_int_equal(f->sms_count, 2);
	f->now += T_DAY;
	start(f, &img, code);
}

static void funds_covered(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	struct issuer_response resp;
	char code[ISSUER_OTP_LEN + 1];

	start(f, &img, code);
	cardauth(f, &t, &img, code);
	t.r.amount = T_BALANCE + 1;
	resp = test_expect(f, &t, "51", "authenticated_funds_short");
	assert_false(resp.has_balance); /* whether it covers the amount, never the balance */
	start(f, &img, code);
	cardauth(f, &t, &img, code);
	t.r.amount = T_BALANCE;
	resp = test_expect(f, &t, "00", "authenticated");
	assert_false(resp.has_balance);
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void card_checked(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	char code[ISSUER_OTP_LEN + 1];

	/* The card itself first: a lost card is not authenticated. */
	assert_int_equal(issuer_card_set_status(f->is, img.card_id, ISSUER_CARD_LOST, f->now),
	                 ISSUER_OK);
	cardauth(f, &t, &img, NULL);
	test_expect(f, &t, "41", "card_lost");
	assert_int_equal(issuer_card_set_status(f->is, img.card_id, ISSUER_CARD_ACTIVE, f->now),
	                 ISSUER_OK);
	/* A PIN given is checked. */
	cardauth(f, &t, &img, NULL);
	test_pin(f, &t, &f->zpk, "000000", img.pan);
	test_expect(f, &t, "55", "pin_wrong");
	/* A track 2 that is not the card's. */
	cardauth(f, &t, &img, NULL);
	t.track2[strlen(t.track2) - 1] =
	    (char)('0' + (t.track2[strlen(t.track2) - 1] - '0' + 1) % 10);
	test_expect(f, &t, "59", "cvv_wrong");
	assert_int_equal(f->sms_count, 0);
	start(f, &img, code);
}

/* code_not_stored()'s check of a row of cardauths: its hash and reason hold not its code. */
struct codes_seen {
	char (*codes)[ISSUER_OTP_LEN + 1];
	int rows;
};

static int code_not_in_row(void *ctx, const char *const *cols)
{
	struct codes_seen *c = ctx;
	const char *hash = cols[0], *reason = cols[1], *code = c->codes[c->rows++];
	char plain[2 * SHA256_DIGEST_LENGTH + 1];
	uint8_t digest[SHA256_DIGEST_LENGTH];

	assert_int_equal(strlen(hash), 64);
	assert_int_equal(strspn(hash, "0123456789abcdefABCDEF"), 64);
	assert_null(strstr(hash, code));
	assert_null(strstr(reason, code));
	/* Keyed: not the plain hash of the code. */
	SHA256((const uint8_t *)code, ISSUER_OTP_LEN, digest);
	assert_int_equal(hex_encode(digest, sizeof digest, plain, sizeof plain), HEX_OK);
	assert_string_not_equal(hash, plain);
	return c->rows == 2;
}

static void code_not_stored(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	char codes[2][ISSUER_OTP_LEN + 1];
	struct codes_seen seen = {codes, 0};

	start(f, &img, codes[0]);
	start(f, &img, codes[1]);
	assert_int_equal(test_sql_rows(f->path,
	                               "SELECT otp_hash, reason FROM cardauths ORDER BY id", NULL,
	                               code_not_in_row, &seen),
	                 2);
}

/* Authenticates img completely. */
static void authenticate(struct issuer_fixture *f, const struct issuer_card_image *img)
{
	struct test_request t;
	char code[ISSUER_OTP_LEN + 1];

	start(f, img, code);
	cardauth(f, &t, img, code);
	test_expect(f, &t, "00", "authenticated");
}

static void expect_state(struct issuer_fixture *f, const char *pan, enum issuer_cardauth_state want,
                         const char *reason)
{
	enum issuer_cardauth_state state;
	char why[32];

	assert_int_equal(issuer_cardauth_state(f->is, pan, f->now, &state, why), ISSUER_OK);
	assert_int_equal(state, want);
	assert_string_equal(why, reason);
}

/* None, then valid; the card replaced, reported lost or stolen, or the time run out: invalid,
 * with why. A card not issued here is not found. */
static void state_and_invalidation(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image a = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image b = test_issue(f, CARD_PRODUCT_CREDIT, false);
	struct issuer_card_image c = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image d = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image repl;
	enum issuer_cardauth_state st;
	char why[32];

	expect_state(f, a.pan, ISSUER_CARDAUTH_NONE, "");
	authenticate(f, &a);
	authenticate(f, &b);
	authenticate(f, &c);
	authenticate(f, &d);
	expect_state(f, a.pan, ISSUER_CARDAUTH_VALID, "");
	assert_int_equal(issuer_card_replace(f->is, a.card_id, NULL, NULL, f->now, &repl),
	                 ISSUER_OK);
	expect_state(f, a.pan, ISSUER_CARDAUTH_INVALID, "card_replaced");
	expect_state(f, repl.pan, ISSUER_CARDAUTH_NONE, "");
	assert_int_equal(issuer_card_set_status(f->is, b.card_id, ISSUER_CARD_LOST, f->now),
	                 ISSUER_OK);
	expect_state(f, b.pan, ISSUER_CARDAUTH_INVALID, "card_lost");
	/* Found again: still to be authenticated again. */
	assert_int_equal(issuer_card_set_status(f->is, b.card_id, ISSUER_CARD_ACTIVE, f->now),
	                 ISSUER_OK);
	expect_state(f, b.pan, ISSUER_CARDAUTH_INVALID, "card_lost");
	assert_int_equal(issuer_card_set_status(f->is, c.card_id, ISSUER_CARD_STOLEN, f->now),
	                 ISSUER_OK);
	expect_state(f, c.pan, ISSUER_CARDAUTH_INVALID, "card_stolen");
	f->now += (int64_t)f->cfg.auth_valid_days * T_DAY + 1;
	expect_state(f, d.pan, ISSUER_CARDAUTH_INVALID, "expired");
	assert_int_equal(issuer_cardauth_state(f->is, "6225880999999999", f->now, &st, why),
	                 ISSUER_ENOTFOUND);
	crypto_wipe(&repl, sizeof repl);
}

/* An attempt started after a verified authentication — pending, then failed — neither hides
 * it (a payment is not declined C1 meanwhile) nor shields it from an invalidation. */
static void attempt_after_verified(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_request t;
	char code[ISSUER_OTP_LEN + 1], wrong[ISSUER_OTP_LEN + 1];

	authenticate(f, &img);
	start(f, &img, code);
	expect_state(f, img.pan, ISSUER_CARDAUTH_VALID, "");
	snprintf(wrong, sizeof wrong, "%s", code);
	wrong[0] = (char)('0' + (wrong[0] - '0' + 1) % 10);
	for (int i = 0; i < f->cfg.otp_tries; i++) {
		cardauth(f, &t, &img, wrong);
		test_expect(f, &t, "05", "code_wrong");
	}
	expect_state(f, img.pan, ISSUER_CARDAUTH_VALID, "");
	start(f, &img, code);
	assert_int_equal(issuer_card_set_phone(f->is, img.card_id, "13900009999", f->now),
	                 ISSUER_OK);
	expect_state(f, img.pan, ISSUER_CARDAUTH_INVALID, "phone_changed");
}

struct found {
	int64_t ids[4];
	size_t n;
};

static int found_one(void *ctx, const struct issuer_card *c)
{
	struct found *fd = ctx;

	fd->ids[fd->n++] = c->id;
	return fd->n == 4;
}

/* The operations console's reads: a card's state by its id, as by its PAN; the cards ending
 * in four digits, oldest first, none for digits no card ends in. */
static void state_by_id_and_last4(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image a = test_issue(f, CARD_PRODUCT_DEBIT, false);
	const char *last4 = a.pan + strlen(a.pan) - 4;
	enum issuer_cardauth_state st;
	struct found fd = {{0}, 0};
	char why[32];

	assert_int_equal(issuer_cardauth_state_id(f->is, a.card_id, f->now, &st, why), ISSUER_OK);
	assert_int_equal(st, ISSUER_CARDAUTH_NONE);
	authenticate(f, &a);
	assert_int_equal(issuer_cardauth_state_id(f->is, a.card_id, f->now, &st, why), ISSUER_OK);
	assert_int_equal(st, ISSUER_CARDAUTH_VALID);
	assert_int_equal(issuer_card_set_status(f->is, a.card_id, ISSUER_CARD_STOLEN, f->now),
	                 ISSUER_OK);
	assert_int_equal(issuer_cardauth_state_id(f->is, a.card_id, f->now, &st, why), ISSUER_OK);
	assert_int_equal(st, ISSUER_CARDAUTH_INVALID);
	assert_string_equal(why, "card_stolen");
	assert_int_equal(issuer_cardauth_state_id(f->is, 9999, f->now, &st, why), ISSUER_ENOTFOUND);
	assert_int_equal(issuer_card_list_last4(f->is, last4, found_one, &fd), ISSUER_OK);
	assert_int_equal(fd.n, 1);
	assert_int_equal(fd.ids[0], a.card_id);
	fd.n = 0;
	assert_int_equal(
	    issuer_card_list_last4(f->is, strcmp(last4, "0000") ? "0000" : "0001", found_one, &fd),
	    ISSUER_OK);
	assert_int_equal(fd.n, 0);
	crypto_wipe(&a, sizeof a);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, issuer_fixture_setup, issuer_fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(authenticated),          T(authenticated_chip_english),
	    T(element_wrong),          T(code_wrong),
	    T(code_expired),           T(daily_starts),
	    T(funds_covered),          T(card_checked),
	    T(code_not_stored),        T(state_and_invalidation),
	    T(attempt_after_verified), T(state_by_id_and_last4),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
