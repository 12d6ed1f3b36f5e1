/* test_notify.c — the notifications' domain: texts in Chinese and English for every kind,
 * amounts and times as written, bad input refused; the outbox written inside the caller's
 * transaction (nothing after a rollback), due at once, its phone encrypted at rest and bound
 * to its row; the backoff schedule; a message dead after its last attempt. */
#include "notify/notify_fixture.h"

#include "crypto/crypto.h"

static void format_issue_example(void **state)
{
	struct notify_message m = test_message();
	char text[NOTIFY_TEXT_MAX];

	(void)state;
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_OK);
	assert_string_equal(text, "您尾号1234的卡于2026-11-22 10:30在某某商户消费 CNY 12.34元");
	m.language = "en";
	m.merchant = "SOME SHOP";
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_OK);
	assert_string_equal(
	    text, "Your card ending 1234 paid CNY 12.34 at SOME SHOP on 2026-11-22 10:30.");
	m.language = NULL; /* Chinese unless the card says English */
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_OK);
	assert_string_equal(text, "您尾号1234的卡于2026-11-22 10:30在SOME SHOP消费 CNY 12.34元");
}

/* A kind's text in each language, for a shop called SHOP. */
struct wording_case {
	enum notify_kind kind;
	const char *zh, *en;
};

/* Each case's texts, of a card's outcome or (qr) a QR payment's. */
static void check_wordings(const struct wording_case *cases, size_t n, bool qr)
{
	struct notify_message m = test_message();
	char text[NOTIFY_TEXT_MAX];

	m.merchant = "SHOP";
	m.qr = qr;
	for (size_t i = 0; i < n; i++) {
		m.kind = cases[i].kind;
		m.language = "zh";
		assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_OK);
		assert_string_equal(text, cases[i].zh);
		m.language = "en";
		assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_OK);
		assert_string_equal(text, cases[i].en);
	}
}

static void format_every_kind(void **state)
{
	static const struct wording_case cases[] = {
	    {NOTIFY_PURCHASE, "您尾号1234的卡于2026-11-22 10:30在SHOP消费 CNY 12.34元",
	     "Your card ending 1234 paid CNY 12.34 at SHOP on 2026-11-22 10:30."},
	    {NOTIFY_REFUND, "您尾号1234的卡于2026-11-22 10:30在SHOP退货 CNY 12.34元",
	     "Your card ending 1234 was refunded CNY 12.34 by SHOP on 2026-11-22 10:30."},
	    {NOTIFY_VOID, "您尾号1234的卡于2026-11-22 10:30在SHOP消费撤销 CNY 12.34元",
	     "Your card ending 1234 had a payment of CNY 12.34 at SHOP voided on 2026-11-22 10:30."},
	    {NOTIFY_PREAUTH, "您尾号1234的卡于2026-11-22 10:30在SHOP预授权 CNY 12.34元",
	     "Your card ending 1234 had CNY 12.34 held by a pre-authorization at SHOP on 2026-11-22 "
	     "10:30."},
	    {NOTIFY_PREAUTH_CANCEL, "您尾号1234的卡于2026-11-22 10:30在SHOP预授权撤销 CNY 12.34元",
	     "Your card ending 1234 had a hold of CNY 12.34 at SHOP released on 2026-11-22 10:30."},
	    {NOTIFY_COMPLETION, "您尾号1234的卡于2026-11-22 10:30在SHOP预授权完成 CNY 12.34元",
	     "Your card ending 1234 paid CNY 12.34 at SHOP (pre-authorization completed) on "
	     "2026-11-22 10:30."},
	    {NOTIFY_COMPLETION_VOID,
	     "您尾号1234的卡于2026-11-22 10:30在SHOP预授权完成撤销 CNY 12.34元",
	     "Your card ending 1234 had a completed pre-authorization of CNY 12.34 at SHOP "
	     "voided on 2026-11-22 10:30."},
	    {NOTIFY_REVERSAL, "您尾号1234的卡于2026-11-22 10:30在SHOP冲正 CNY 12.34元",
	     "Your card ending 1234 had a transaction of CNY 12.34 at SHOP reversed on 2026-11-22 "
	     "10:30."},
	};

	(void)state;
	check_wordings(cases, sizeof cases / sizeof cases[0], false);
}

/* docs/qr.md: a QR payment, its refund and its reversal are told as such. */
static void format_qr(void **state)
{
	static const struct wording_case cases[] = {
	    {NOTIFY_PURCHASE, "您尾号1234的卡于2026-11-22 10:30在SHOP扫码支付 CNY 12.34元",
	     "Your card ending 1234 paid CNY 12.34 at SHOP (QR payment) on 2026-11-22 10:30."},
	    {NOTIFY_REFUND, "您尾号1234的卡于2026-11-22 10:30在SHOP扫码支付退货 CNY 12.34元",
	     "Your card ending 1234 was refunded CNY 12.34 by SHOP (QR payment) on 2026-11-22 "
	     "10:30."},
	    {NOTIFY_REVERSAL, "您尾号1234的卡于2026-11-22 10:30在SHOP扫码支付冲正 CNY 12.34元",
	     "Your card ending 1234 had a transaction of CNY 12.34 at SHOP reversed (QR payment) "
	     "on 2026-11-22 10:30."},
	};

	(void)state;
	check_wordings(cases, sizeof cases / sizeof cases[0], true);
}

static void format_amounts_currencies_and_times(void **state)
{
	struct notify_message m = test_message();
	char text[NOTIFY_TEXT_MAX];

	(void)state;
	m.language = "en";
	m.merchant = "M";
	m.amount = 5;
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_OK);
	assert_string_equal(text, "Your card ending 1234 paid CNY 0.05 at M on 2026-11-22 10:30.");
	m.amount = 1234567;
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_OK);
	assert_string_equal(text,
	                    "Your card ending 1234 paid CNY 12345.67 at M on 2026-11-22 10:30.");
	m.amount = 0;
	m.currency = 392; /* JPY: no minor units */
	m.utc_offset = 540;
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_OK);
	assert_string_equal(text, "Your card ending 1234 paid JPY 0 at M on 2026-11-22 11:30.");
	m.amount = 1500;
	m.currency = 999; /* not in the table: its numeric code */
	m.utc_offset = 0;
	m.at = T_NOW - 3 * 3600; /* the day before, in UTC */
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_OK);
	assert_string_equal(text, "Your card ending 1234 paid 999 15.00 at M on 2026-11-21 23:30.");
}

static void format_refuses_bad_input(void **state)
{
	struct notify_message m = test_message();
	char text[NOTIFY_TEXT_MAX], small[20], name[NOTIFY_MERCHANT_MAX + 2];

	(void)state;
	assert_int_equal(notify_message_format(NULL, text, sizeof text), NOTIFY_EARG);
	m.kind = 0;
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_EARG);
	m.kind = NOTIFY_REVERSAL + 1;
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_EARG);
	m = test_message();
	m.last4 = "123"; /* never more of the card than its last four digits */
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_EARG);
	m.last4 = "6225880112341234";
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_EARG);
	m.last4 = "12a4";
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_EARG);
	m = test_message();
	m.merchant = "";
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_EARG);
	m.merchant = "SHOP\nFAKE LINE";
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_EARG);
	memset(name, 'A', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	m.merchant = name;
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_EARG);
	m = test_message();
	m.amount = -1;
	assert_int_equal(notify_message_format(&m, text, sizeof text), NOTIFY_EARG);
	m = test_message();
	assert_int_equal(notify_message_format(&m, small, sizeof small), NOTIFY_ESPACE);
	assert_string_equal(small, "");
}

/* The messages not delivered yet. */
static int64_t count_rows(struct notify_fixture *f)
{
	int64_t n = -1;

	assert_int_equal(store_notify_pending_count(f->sf.s, &n), STORE_OK);
	return n;
}

static void enqueue_follows_the_transaction(void **state)
{
	struct notify_fixture *f = *state;
	struct notify_message m = test_message();
	struct notify_delivery d[4];
	size_t n;
	int64_t id;

	assert_int_equal(store_begin(f->sf.s), STORE_OK);
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, &id), NOTIFY_OK);
	assert_int_equal(store_depth(f->sf.s), 1);
	assert_int_equal(store_rollback(f->sf.s), STORE_OK);
	assert_int_equal(count_rows(f), 0);

	assert_int_equal(store_begin(f->sf.s), STORE_OK);
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, &id), NOTIFY_OK);
	assert_int_equal(store_commit(f->sf.s), STORE_OK);
	/* Due at once, not before the outcome it tells of. */
	assert_int_equal(notify_due(f->sf.s, f->h, &f->key,
	                            &(struct store_claim){"test", T_NOW - 1 + 60}, T_NOW - 1, d, 4,
	                            &n, NULL),
	                 NOTIFY_OK);
	assert_int_equal(n, 0);
	assert_int_equal(notify_due(f->sf.s, f->h, &f->key,
	                            &(struct store_claim){"test", T_NOW + 60}, T_NOW, d, 4, &n,
	                            NULL),
	                 NOTIFY_OK);
	assert_int_equal(n, 1);
	assert_true(d[0].id == id);
	assert_string_equal(d[0].phone, T_PHONE);
	assert_string_equal(d[0].text,
	                    "您尾号1234的卡于2026-11-22 10:30在某某商户消费 CNY 12.34元");
	assert_int_equal(d[0].attempts, 0);

	/* Outside a transaction it is one of its own. */
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, NULL), NOTIFY_OK);
	assert_int_equal(count_rows(f), 2);
	assert_int_equal(notify_delivered(f->sf.s, id, &d[0].claim, T_NOW + 1), NOTIFY_OK);
	assert_int_equal(count_rows(f), 1);
}

/* A round takes as many as the caller has room for, oldest first: not a fixed few (16 held the
 * host's delivery to 16 texts a second, far behind its payments). */
static void due_fills_the_caller(void **state)
{
	struct notify_fixture *f = *state;
	struct notify_message m = test_message();
	struct notify_delivery *d = calloc(128, sizeof *d);
	int64_t first = 0, id;
	size_t n;

	assert_non_null(d);
	for (int i = 0; i < 150; i++) {
		assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, &id), NOTIFY_OK);
		if (i == 0)
			first = id;
	}
	assert_int_equal(notify_due(f->sf.s, f->h, &f->key,
	                            &(struct store_claim){"test", T_NOW + 60}, T_NOW, d, 128, &n,
	                            NULL),
	                 NOTIFY_OK);
	assert_int_equal(n, 128);
	assert_true(d[0].id == first);
	assert_string_equal(d[127].phone, T_PHONE);
	assert_int_equal(notify_due(f->sf.s, f->h, &f->key,
	                            &(struct store_claim){"test", T_NOW + 60}, T_NOW, d, 0, &n,
	                            NULL),
	                 NOTIFY_OK);
	assert_int_equal(n, 0);
	free(d);
}

static void enqueue_refuses_bad_input(void **state)
{
	struct notify_fixture *f = *state;
	struct notify_message m = test_message();

	m.phone = "139-1234";
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, NULL), NOTIFY_EARG);
	m.phone = "";
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, NULL), NOTIFY_EARG);
	m.phone = NULL;
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, NULL), NOTIFY_EARG);
	m.phone = "+8613912345678";
	m.last4 = "12";
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, NULL), NOTIFY_EARG);
	assert_int_equal(count_rows(f), 0);
	assert_int_equal(store_depth(f->sf.s), 0);
	assert_int_equal(notify_delivered(f->sf.s, 999, NULL, T_NOW), NOTIFY_ENOTFOUND);
	assert_int_equal(notify_failed(f->sf.s, 999, NULL, T_NOW, 8, NULL, NULL), NOTIFY_ENOTFOUND);
	assert_int_equal(notify_failed(f->sf.s, 1, NULL, T_NOW, 0, NULL, NULL), NOTIFY_EARG);
}

/* The phone's digits appear nowhere in the database (its file, or its tables); the text,
 * masked, does. */
static void phone_encrypted_at_rest(void **state)
{
	struct notify_fixture *f = *state;
	struct notify_message m = test_message();
	char *db;
	size_t len;

	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, NULL), NOTIFY_OK);
	store_close(f->sf.s); /* everything in the main file, none left in the WAL */
	f->sf.s = NULL;
	assert_int_equal(store_fixture_bytes(f->sf.path, &db, &len), 0);
	assert_false(store_fixture_holds(db, len, T_PHONE));
	assert_false(store_fixture_holds(db, len, "2345678"));
	assert_true(store_fixture_holds(db, len, "某某商户"));
	free(db);
	assert_int_equal(store_open(f->sf.path, &f->sf.s), STORE_OK);
}

/* Under another key, or moved to another row, a phone does not decrypt: the message is dead,
 * not delivered to a wrong number, and does not block the others. */
static void unreadable_phone_is_dead(void **state)
{
	struct notify_fixture *f = *state;
	struct notify_message m = test_message();
	struct notify_delivery d[4];
	struct store_notify row;
	size_t n, dead;
	int64_t a, b;

	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->other_key, &m, &a), NOTIFY_OK);
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, &b), NOTIFY_OK);
	assert_int_equal(store_notify_get(f->sf.s, b, &row), STORE_OK);
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, &a), NOTIFY_OK);
	assert_int_equal(store_notify_seal(f->sf.s, a, &row.phone), STORE_OK); /* b's phone */
	assert_int_equal(notify_due(f->sf.s, f->h, &f->key,
	                            &(struct store_claim){"test", T_NOW + 60}, T_NOW, d, 4, &n,
	                            &dead),
	                 NOTIFY_OK);
	assert_int_equal(n, 1);
	assert_int_equal(dead, 2);
	assert_true(d[0].id == b);
	assert_int_equal(store_notify_get(f->sf.s, a, &row), STORE_OK);
	assert_int_equal(row.state, STORE_NOTIFY_DEAD);
	assert_string_equal(row.error, "phone_unreadable");
	crypto_wipe(d, sizeof d);
}

static void backoff_schedule(void **state)
{
	struct notify_fixture *f = *state;
	static const int64_t expected[] = {10, 30, 120, 600, 3600, 3600, 3600};
	struct notify_message m = test_message();
	struct notify_delivery d[2];
	struct store_notify row;
	int64_t id, now = T_NOW;
	size_t n;
	bool dead;

	for (int i = 1; i <= 7; i++)
		assert_true(notify_backoff(i) == expected[i - 1]);
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, &id), NOTIFY_OK);
	for (int i = 1; i <= 4; i++) {
		/* The first attempt unclaimed, each after it under the claim that took it. */
		assert_int_equal(notify_failed(f->sf.s, id, i == 1 ? NULL : &d[0].claim, now, 8,
		                               "http 500", &dead),
		                 NOTIFY_OK);
		assert_false(dead);
		now += expected[i - 1];
		assert_int_equal(notify_due(f->sf.s, f->h, &f->key,
		                            &(struct store_claim){"test", now - 1 + 60}, now - 1, d,
		                            2, &n, NULL),
		                 NOTIFY_OK);
		assert_int_equal(n, 0);
		assert_int_equal(notify_due(f->sf.s, f->h, &f->key,
		                            &(struct store_claim){"test", now + 60}, now, d, 2, &n,
		                            NULL),
		                 NOTIFY_OK);
		assert_int_equal(n, 1);
		assert_int_equal(d[0].attempts, i);
	}
	assert_int_equal(store_notify_get(f->sf.s, id, &row), STORE_OK);
	assert_string_equal(row.error, "http 500");
	assert_int_equal(notify_delivered(f->sf.s, id, &d[0].claim, now), NOTIFY_OK);
	assert_int_equal(store_notify_get(f->sf.s, id, &row), STORE_OK);
	assert_int_equal(row.state, STORE_NOTIFY_DELIVERED);
	assert_true(row.done_at == now);
	assert_string_equal(row.error, "");
	crypto_wipe(d, sizeof d);
}

static void dead_after_max_attempts(void **state)
{
	struct notify_fixture *f = *state;
	struct notify_message m = test_message();
	struct store_notify row;
	int64_t id;
	bool dead = true;

	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, &id), NOTIFY_OK);
	for (int i = 1; i < 3; i++) {
		assert_int_equal(notify_failed(f->sf.s, id, NULL, T_NOW + i, 3, "timeout", &dead),
		                 NOTIFY_OK);
		assert_false(dead);
	}
	assert_int_equal(notify_failed(f->sf.s, id, NULL, T_NOW + 3, 3, "timeout", &dead),
	                 NOTIFY_OK);
	assert_true(dead);
	assert_int_equal(store_notify_get(f->sf.s, id, &row), STORE_OK);
	assert_int_equal(row.state, STORE_NOTIFY_DEAD);
	assert_int_equal(row.attempts, 3);
	assert_int_equal(count_rows(f), 0);
	/* A dead message takes no more reports. */
	assert_int_equal(notify_failed(f->sf.s, id, NULL, T_NOW + 4, 3, "timeout", &dead),
	                 NOTIFY_EARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(format_issue_example),
	    cmocka_unit_test(format_every_kind),
	    cmocka_unit_test(format_qr),
	    cmocka_unit_test(format_amounts_currencies_and_times),
	    cmocka_unit_test(format_refuses_bad_input),
	    cmocka_unit_test_setup_teardown(enqueue_follows_the_transaction, notify_fixture_setup,
	                                    notify_fixture_teardown),
	    cmocka_unit_test_setup_teardown(due_fills_the_caller, notify_fixture_setup,
	                                    notify_fixture_teardown),
	    cmocka_unit_test_setup_teardown(enqueue_refuses_bad_input, notify_fixture_setup,
	                                    notify_fixture_teardown),
	    cmocka_unit_test_setup_teardown(phone_encrypted_at_rest, notify_fixture_setup,
	                                    notify_fixture_teardown),
	    cmocka_unit_test_setup_teardown(unreadable_phone_is_dead, notify_fixture_setup,
	                                    notify_fixture_teardown),
	    cmocka_unit_test_setup_teardown(backoff_schedule, notify_fixture_setup,
	                                    notify_fixture_teardown),
	    cmocka_unit_test_setup_teardown(dead_after_max_attempts, notify_fixture_setup,
	                                    notify_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
