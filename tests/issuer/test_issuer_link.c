/* test_issuer_link.c — the issuer's network link (src/issuer/link.c): messages built by hand as
 * the acquirer forwards them, read into requests (which transaction, which fields), decided,
 * and answered (38, 39, 44, 54, 55); transactions it does not do (12) and fields it cannot
 * read (30); advices of stand-in approvals and repeats, answered with their MTIs and applied
 * once. */
#include "issuer/issuer_fixture.h"
#include "net/link.h"

/* A message and the buffers its values point into. */
struct test_msg {
	iso8583_msg m;
	char amount[20], stan[7], rrn[13];
	uint8_t pin_block[8];
	uint8_t icc[256];
};

/* The fields every request has: 3, 4, 7, 11, 25, 32, 41, 42, 49. */
static void msg(struct issuer_fixture *f, struct test_msg *t, const char *mti, const char *proc,
                const char *cond, int64_t amount)
{
	iso8583_msg_init(&t->m);
	assert_int_equal(iso8583_set_mti(&t->m, mti), ISO8583_OK);
	iso8583_set_str(&t->m, 3, proc);
	if (amount > 0) {
		snprintf(t->amount, sizeof t->amount, "%012lld", (long long)amount);
		iso8583_set_str(&t->m, 4, t->amount);
	}
	iso8583_set_str(&t->m, 7, T_TRANSMIT);
	snprintf(t->stan, sizeof t->stan, "%06u", f->stan++);
	iso8583_set_str(&t->m, 11, t->stan);
	iso8583_set_str(&t->m, 25, cond);
	iso8583_set_str(&t->m, 32, T_ACQUIRER);
	iso8583_set_str(&t->m, 41, T_TERMINAL);
	iso8583_set_str(&t->m, 42, T_MERCHANT);
	iso8583_set_str(&t->m, 49, "156");
}

/* The card read from its stripe (22 "021", 35) with a PIN block (52) when pin is not NULL. */
static void swiped(struct issuer_fixture *f, struct test_msg *t,
                   const struct issuer_card_image *img, const char *pin)
{
	iso8583_set_str(&t->m, 22, "021");
	iso8583_set_str(&t->m, 35, img->track2);
	if (pin != NULL) {
		assert_int_equal(hsm_encrypt_pin(f->h, &f->zpk, pin, img->pan, t->pin_block),
		                 HSM_OK);
		iso8583_set(&t->m, 52, t->pin_block, sizeof t->pin_block);
	}
}

static void read_ok(struct issuer_fixture *f, const struct test_msg *t, struct request *out)
{
	char rc[3] = "xx";

	assert_int_equal(issuer_link_read(&t->m, &f->zpk, out, rc), ISSUER_OK);
}

static void read_refused(struct issuer_fixture *f, const struct test_msg *t, const char *want)
{
	struct request out;
	char rc[3] = "xx";

	assert_int_equal(issuer_link_read(&t->m, &f->zpk, &out, rc), ISSUER_EARG);
	assert_string_equal(rc, want);
	/* Card data read before the fault is wiped. */
	assert_int_equal(out.type, 0);
	assert_string_equal(out.card.pan, "");
	assert_false(out.card.has_track2);
}

/* Decides the request read, which must be answered rc. */
static struct issuer_response decide(struct issuer_fixture *f, const struct request *in,
                                     const char *rc)
{
	struct issuer_response resp;

	assert_int_equal(test_decide(f, in, &resp), ISSUER_OK);
	assert_string_equal(resp.rc, rc);
	return resp;
}

static void purchase(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_msg t;
	struct request in;
	struct issuer_link_answer a;
	struct issuer_response resp;
	iso8583_msg out;
	char v[64];

	msg(f, &t, "0200", "000000", "00", 2500);
	swiped(f, &t, &img, T_PIN);
	iso8583_set_str(&t.m, 14, img.expiry);
	iso8583_set_str(&t.m, 37, "000000330001");
	read_ok(f, &t, &in);
	assert_int_equal(in.type, REQUEST_PURCHASE);
	assert_int_equal(in.amount, 2500);
	assert_int_equal(in.currency, 156);
	assert_int_equal(in.card.entry, REQUEST_ENTRY_STRIPE);
	assert_true(in.card.has_track2); /* 35 read, its PAN the card's (no field 2) */
	assert_string_equal(in.card.track2.pan, img.pan);
	assert_string_equal(in.card.pan, img.pan);
	assert_string_equal(in.card.expiry, img.expiry);
	assert_memory_equal(in.pin_block, t.pin_block, 8);
	assert_ptr_equal(in.pin_key, &f->zpk);
	assert_int_equal(in.card.icc_len, 0);
	assert_string_equal(in.acquirer, T_ACQUIRER);
	assert_string_equal(in.stan, t.stan);
	assert_string_equal(in.transmit, T_TRANSMIT);
	assert_string_equal(in.terminal, T_TERMINAL);
	assert_string_equal(in.merchant, T_MERCHANT);
	assert_string_equal(in.rrn, "000000330001");

	resp = decide(f, &in, "00");
	test_money(f, img.card_id, T_BALANCE - 2500, T_BALANCE - 2500, 0);

	/* The answer: the request's echo, then 38 and 39. */
	out = t.m;
	assert_int_equal(issuer_link_answer(&resp, &a, &out), ISSUER_OK);
	assert_int_equal(iso8583_get(&out, 39, v, sizeof v, NULL), ISO8583_OK);
	assert_string_equal(v, "00");
	assert_int_equal(iso8583_get(&out, 38, v, sizeof v, NULL), ISO8583_OK);
	assert_string_equal(v, resp.auth_code);
	assert_false(iso8583_has(&out, 44));
	assert_false(iso8583_has(&out, 54));
	assert_false(iso8583_has(&out, 55));
	crypto_wipe(&in, sizeof in);
}

static void chip_purchase(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_CREDIT, true);
	struct test_request chip;
	struct test_msg t;
	struct request in;
	struct issuer_link_answer a;
	struct issuer_response resp;
	iso8583_msg out;
	uint8_t v[64];
	size_t len;

	test_chip(f, &chip, REQUEST_PURCHASE, &img, 8800, NULL);
	msg(f, &t, "0200", "000000", "00", 8800);
	iso8583_set_str(&t.m, 2, img.pan);
	iso8583_set_str(&t.m, 22, "051");
	iso8583_set_str(&t.m, 35, img.track2);
	memcpy(t.icc, chip.icc, chip.r.icc_len);
	iso8583_set(&t.m, 55, t.icc, chip.r.icc_len);
	read_ok(f, &t, &in);
	assert_int_equal(in.card.entry, REQUEST_ENTRY_CHIP);
	assert_string_equal(in.card.pan, img.pan);
	assert_int_equal(in.card.icc_len, chip.r.icc_len);
	assert_memory_equal(in.card.icc, chip.icc, chip.r.icc_len);
	assert_false(in.has_pin);
	resp = decide(f, &in, "00");
	test_check_arpc(&chip, &resp);
	test_money(f, img.card_id, T_LIMIT - 8800, -8800, 0);

	iso8583_msg_init(&out);
	assert_int_equal(issuer_link_answer(&resp, &a, &out), ISSUER_OK);
	assert_int_equal(iso8583_get(&out, 55, v, sizeof v, &len), ISO8583_OK);
	assert_int_equal(len, resp.icc_len);
	assert_memory_equal(v, resp.icc, len);
	crypto_wipe(&in, sizeof in);
}

/* The transaction table of docs/cup-pos.md. */
static void operations(void **state)
{
	static const struct {
		const char *mti, *proc, *cond, *f62;
		enum request_type op;
		bool advice;
	} cases[] = {
	    {"0200", "000000", "00", NULL, REQUEST_PURCHASE, false},
	    {"0200", "000000", NULL, NULL, REQUEST_PURCHASE, false},
	    {"0200", "200000", "00", NULL, REQUEST_VOID, false},
	    {"0200", "310000", "00", NULL, REQUEST_BALANCE, false},
	    {"0100", "310000", "00", NULL, REQUEST_BALANCE, false},
	    {"0220", "200000", "00", NULL, REQUEST_REFUND, false},
	    {"0100", "030000", "06", NULL, REQUEST_PREAUTH, false},
	    {"0100", "000000", "06", NULL, REQUEST_PREAUTH, false},
	    {"0100", "200000", "06", NULL, REQUEST_PREAUTH_CANCEL, false},
	    {"0200", "000000", "06", NULL, REQUEST_COMPLETION, false},
	    {"0200", "200000", "06", NULL, REQUEST_COMPLETION_VOID, false},
	    {"0100", "330000", "00", "NM003abcID004X123PH00513912", REQUEST_CARDAUTH_START, false},
	    {"0100", "330000", "00", "OT006123456", REQUEST_CARDAUTH_CONFIRM, false},
	    {"0100", "330000", "00", NULL, REQUEST_VERIFY, false},
	    {"0400", "000000", "00", NULL, REQUEST_REVERSAL, false},
	    {"0420", "030000", "06", NULL, REQUEST_REVERSAL, false},
	    {"0421", "000000", "00", NULL, REQUEST_REVERSAL, false},
	    /* Advices of stand-in approvals, and their repeats. */
	    {"0120", "000000", "06", NULL, REQUEST_PREAUTH, true},
	    {"0120", "030000", "06", NULL, REQUEST_PREAUTH, true},
	    {"0121", "030000", "06", NULL, REQUEST_PREAUTH, true},
	    {"0220", "000000", "00", NULL, REQUEST_PURCHASE, true},
	    {"0221", "000000", "00", NULL, REQUEST_PURCHASE, true},
	    {"0220", "000000", "06", NULL, REQUEST_COMPLETION, true},
	    {"0221", "000000", "06", NULL, REQUEST_COMPLETION, true},
	};
	struct issuer_fixture *f = *state;
	struct test_msg t;
	struct request in;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		msg(f, &t, cases[i].mti, cases[i].proc, cases[i].cond != NULL ? cases[i].cond : "",
		    100);
		if (cases[i].cond == NULL)
			iso8583_unset(&t.m, 25);
		if (cases[i].f62 != NULL)
			iso8583_set_str(&t.m, 62, cases[i].f62);
		read_ok(f, &t, &in);
		if (in.type != cases[i].op || in.advice != cases[i].advice)
			fail_msg("%s %s %s: op %d%s, not %d%s", cases[i].mti, cases[i].proc,
			         cases[i].cond != NULL ? cases[i].cond : "-", in.type,
			         in.advice ? " advice" : "", cases[i].op,
			         cases[i].advice ? " advice" : "");
	}
}

static void follow_ups(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_msg t;
	struct request in;
	struct issuer_link_answer a;
	struct issuer_response pre, resp;
	iso8583_msg out;
	char v[8], stan[7];

	/* Pre-authorization, then its cancel naming it by 38. */
	msg(f, &t, "0100", "030000", "06", 4000);
	swiped(f, &t, &img, T_PIN);
	read_ok(f, &t, &in);
	pre = decide(f, &in, "00");
	test_money(f, img.card_id, T_BALANCE - 4000, T_BALANCE, 4000);
	msg(f, &t, "0100", "200000", "06", 4000);
	iso8583_set_str(&t.m, 2, img.pan);
	iso8583_set_str(&t.m, 22, "012");
	iso8583_set_str(&t.m, 38, pre.auth_code);
	read_ok(f, &t, &in);
	assert_int_equal(in.type, REQUEST_PREAUTH_CANCEL);
	assert_string_equal(in.orig.auth_code, pre.auth_code);
	assert_int_equal(in.card.entry, REQUEST_ENTRY_MANUAL);
	resp = decide(f, &in, "00");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	/* Cancelled twice: declined, and the echoed 38 does not go back as an approval's. */
	msg(f, &t, "0100", "200000", "06", 4000);
	iso8583_set_str(&t.m, 2, img.pan);
	iso8583_set_str(&t.m, 38, pre.auth_code);
	read_ok(f, &t, &in);
	resp = decide(f, &in, "12");
	out = t.m;
	assert_int_equal(issuer_link_answer(&resp, &a, &out), ISSUER_OK);
	assert_false(iso8583_has(&out, 38));
	assert_int_equal(iso8583_get(&out, 39, v, sizeof v, NULL), ISO8583_OK);
	assert_string_equal(v, "12");

	/* A purchase, refunded by 0220 naming it by its RRN (37). */
	msg(f, &t, "0200", "000000", "00", 3000);
	swiped(f, &t, &img, T_PIN);
	iso8583_set_str(&t.m, 37, "000000440001");
	read_ok(f, &t, &in);
	resp = decide(f, &in, "00");
	msg(f, &t, "0220", "200000", "00", 1000);
	iso8583_set_str(&t.m, 2, img.pan);
	iso8583_set_str(&t.m, 37, "000000440001");
	read_ok(f, &t, &in);
	assert_int_equal(in.type, REQUEST_REFUND);
	resp = decide(f, &in, "00");
	test_money(f, img.card_id, T_BALANCE - 2000, T_BALANCE - 2000, 0);

	/* The refund reversed by 0400: its own 11 is the refund's. */
	snprintf(stan, sizeof stan, "%s", t.stan);
	msg(f, &t, "0400", "200000", "00", 1000);
	iso8583_set_str(&t.m, 7, "1130100500");
	iso8583_set_str(&t.m, 11, stan);
	iso8583_set_str(&t.m, 2, img.pan);
	read_ok(f, &t, &in);
	assert_int_equal(in.type, REQUEST_REVERSAL);
	resp = decide(f, &in, "00");
	assert_string_equal(resp.reason, "approved");
	test_money(f, img.card_id, T_BALANCE - 3000, T_BALANCE - 3000, 0);
	crypto_wipe(&in, sizeof in);
}

static void card_authentication(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_msg t;
	struct request in;
	struct issuer_link_answer a;
	struct issuer_response resp;
	iso8583_msg out;
	char f62[128], v[32], code[ISSUER_OTP_LEN + 1];

	msg(f, &t, "0100", "330000", "00", 0);
	swiped(f, &t, &img, NULL);
	/* Another issuer's tag (XX) is skipped. */
	snprintf(f62, sizeof f62, "NM%03zu%sXX002hiID%03zu%sPH%03zu%s", strlen(T_HOLDER), T_HOLDER,
	         strlen(T_ID), T_ID, strlen(T_PHONE), T_PHONE);
	iso8583_set_str(&t.m, 62, f62);
	read_ok(f, &t, &in);
	assert_int_equal(in.type, REQUEST_CARDAUTH_START);
	assert_string_equal(in.holder, T_HOLDER);
	assert_string_equal(in.id_number, T_ID);
	assert_string_equal(in.phone, T_PHONE);
	assert_string_equal(in.otp, "");
	resp = decide(f, &in, "00");
	iso8583_msg_init(&out);
	assert_int_equal(issuer_link_answer(&resp, &a, &out), ISSUER_OK);
	assert_int_equal(iso8583_get(&out, 44, v, sizeof v, NULL), ISO8583_OK);
	assert_string_equal(v, "OTP SENT");
	assert_false(iso8583_has(&out, 38));

	test_sms_code(f, code);
	msg(f, &t, "0100", "330000", "00", 0);
	swiped(f, &t, &img, NULL);
	snprintf(f62, sizeof f62, "OT006%s", code);
	iso8583_set_str(&t.m, 62, f62);
	read_ok(f, &t, &in);
	assert_int_equal(in.type, REQUEST_CARDAUTH_CONFIRM);
	assert_string_equal(in.otp, code);
	resp = decide(f, &in, "00");
	assert_string_equal(resp.reason, "authenticated");
	crypto_wipe(&in, sizeof in);
}

static void not_done(void **state)
{
	static const struct {
		const char *mti, *proc, *cond;
	} cases[] = {
	    {"0300", "000000", "00"}, {"0800", "000000", "00"}, {"0200", "400000", "00"},
	    {"0200", "030000", "00"}, {"0220", "310000", "00"}, {"0100", "400000", "00"},
	    {"0200", "", "00"},       {"0120", "310000", "00"}, {"0120", "200000", "06"},
	    {"0121", "330000", "00"}, {"0220", "030000", "00"}, {"0221", "310000", "00"},
	    {"0401", "000000", "00"}, {"0201", "000000", "00"}, {"0130", "000000", "00"},
	    {"0221", "200000", "00"},
	};
	struct issuer_fixture *f = *state;
	struct test_msg t;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		msg(f, &t, cases[i].mti, cases[i].proc, cases[i].cond, 100);
		if (cases[i].proc[0] == '\0')
			iso8583_unset(&t.m, 3);
		read_refused(f, &t, "12");
	}
}

static void malformed(void **state)
{
	static const char *const f62[] = {
	    "NM0",                        /* cut short */
	    "NM010abc",                   /* longer than what follows */
	    "NM0x3abc",                   /* length not digits */
	    "OT0071234567",               /* a code of 7 */
	    "PH021123456789012345678901", /* a phone too long */
	    "NM003abcI",                  /* a stray byte */
	};
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_msg t;
	char long_name[80];

	for (size_t i = 0; i < sizeof f62 / sizeof f62[0]; i++) {
		msg(f, &t, "0100", "330000", "00", 0);
		swiped(f, &t, &img, NULL);
		iso8583_set_str(&t.m, 62, f62[i]);
		read_refused(f, &t, "30");
	}
	msg(f, &t, "0100", "330000", "00", 0);
	swiped(f, &t, &img, NULL);
	snprintf(long_name, sizeof long_name, "NM065%065d", 0); /* a name of 65 bytes */
	iso8583_set_str(&t.m, 62, long_name);
	read_refused(f, &t, "30");

	msg(f, &t, "0200", "000000", "00", 0);
	swiped(f, &t, &img, T_PIN);
	iso8583_set_str(&t.m, 4, "00000000012a");
	read_refused(f, &t, "30");
	msg(f, &t, "0200", "000000", "00", 100);
	swiped(f, &t, &img, T_PIN);
	iso8583_set_str(&t.m, 49, "15x");
	read_refused(f, &t, "30");
	msg(f, &t, "0200", "000000", "00", 100);
	swiped(f, &t, &img, T_PIN);
	iso8583_set(&t.m, 52, t.pin_block, 7); /* a PIN block of 7 bytes */
	read_refused(f, &t, "30");
	msg(f, &t, "0200", "000000", "00", 100);
	swiped(f, &t, &img, T_PIN);
	iso8583_set_str(&t.m, 41, "TERMINAL0001"); /* longer than a terminal id */
	read_refused(f, &t, "30");
}

/* The MTI of the answer net_link_respond() makes to a request of mti. */
static void answer_mti(const char *mti, const char *want)
{
	const iso8583_profile *p = iso8583_profile_find("iso87a");
	iso8583_msg req, resp;

	iso8583_msg_init(&req);
	assert_int_equal(iso8583_set_mti(&req, mti), ISO8583_OK);
	iso8583_set_str(&req, 11, "000001");
	assert_int_equal(net_link_respond(p, &req, "00", &resp), ISO8583_OK);
	if (strcmp(resp.mti, want) != 0)
		fail_msg("%s answered %s, not %s", mti, resp.mti, want);
}

/* An advice as a possum acquirer sends it after a stand-in approval: 2, 14, 22 (no track, no
 * PIN), 37 and the acquirer's auth code in 38. */
static void advice_msg(struct issuer_fixture *f, struct test_msg *t, const char *mti,
                       const char *proc, const char *cond, int64_t amount,
                       const struct issuer_card_image *img, const char *auth_code)
{
	msg(f, t, mti, proc, cond, amount);
	iso8583_set_str(&t->m, 2, img->pan);
	iso8583_set_str(&t->m, 14, img->expiry);
	iso8583_set_str(&t->m, 22, "021");
	snprintf(t->rrn, sizeof t->rrn, "%06u%s", 550, t->stan);
	iso8583_set_str(&t->m, 37, t->rrn);
	iso8583_set_str(&t->m, 38, auth_code);
}

/* Reads t (which must be an advice of op unless op is a reversal), decides it and checks the
 * answer: its MTI and 39 = rc. */
static struct issuer_response advice_answered(struct issuer_fixture *f, const struct test_msg *t,
                                              enum request_type op, const char *mti, const char *rc)
{
	struct request in;
	struct issuer_response resp;
	iso8583_msg out;
	char v[8];

	read_ok(f, t, &in);
	assert_int_equal(in.type, op);
	assert_int_equal(in.advice, op != REQUEST_REVERSAL);
	assert_false(in.has_pin);
	resp = decide(f, &in, rc);
	assert_int_equal(net_link_respond(iso8583_profile_find("iso87a"), &t->m, resp.rc, &out),
	                 ISO8583_OK);
	assert_string_equal(out.mti, mti);
	assert_int_equal(iso8583_get(&out, 39, v, sizeof v, NULL), ISO8583_OK);
	assert_string_equal(v, rc);
	crypto_wipe(&in, sizeof in);
	return resp;
}

/* The acquirer's side of stand-in: advices (0120, 0220) and their repeats (0121, 0221), a
 * repeated reversal (0421), each answered with its MTI (0130, 0230, 0430) and applied once. */
static void advices(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_card_image img = test_issue(f, CARD_PRODUCT_DEBIT, false);
	struct test_msg t, again;
	struct issuer_response resp;
	struct request in;
	char approved[3][7]; /* the STANs of the advices approved */
	int posted, postings = 0, sent = 0, n, declined;

	answer_mti("0421", "0430");
	answer_mti("0121", "0130");
	answer_mti("0221", "0230");
	answer_mti("0420", "0430");
	answer_mti("0200", "0210");
	answer_mti("0800", "0810");

	/* A purchase: 0220 posted, its 0221 and the 0220 again answered as it was. */
	advice_msg(f, &t, "0220", "000000", "00", 2500, &img, "654321");
	resp = advice_answered(f, &t, REQUEST_PURCHASE, "0230", "00");
	assert_string_equal(resp.reason, "advice");
	assert_string_equal(resp.auth_code, "654321");
	again = t;
	assert_int_equal(iso8583_set_mti(&again.m, "0221"), ISO8583_OK);
	resp = advice_answered(f, &again, REQUEST_PURCHASE, "0230", "00");
	assert_string_equal(resp.reason, "repeated");
	assert_string_equal(resp.auth_code, "654321");
	resp = advice_answered(f, &t, REQUEST_PURCHASE, "0230", "00");
	assert_string_equal(resp.reason, "repeated");
	sent += 3;
	test_money(f, img.card_id, T_BALANCE - 2500, T_BALANCE - 2500, 0);
	assert_int_equal(test_decisions_of(f, t.stan, &posted), 1);
	assert_int_equal(posted, 1);
	memcpy(approved[0], t.stan, 7);

	/* Its void by the terminal, naming it as the terminal knows it: the advice's RRN and the
	 * acquirer's auth code. */
	msg(f, &again, "0200", "200000", "00", 2500);
	iso8583_set_str(&again.m, 2, img.pan);
	iso8583_set_str(&again.m, 37, t.rrn);
	iso8583_set_str(&again.m, 38, "654321");
	read_ok(f, &again, &in);
	decide(f, &in, "00");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);

	/* Over the balance: 51, and 51 again to its repeat; nothing posted. */
	advice_msg(f, &t, "0220", "000000", "00", T_BALANCE + 1, &img, "654322");
	advice_answered(f, &t, REQUEST_PURCHASE, "0230", "51");
	assert_int_equal(iso8583_set_mti(&t.m, "0221"), ISO8583_OK);
	resp = advice_answered(f, &t, REQUEST_PURCHASE, "0230", "51");
	assert_string_equal(resp.reason, "repeated");
	sent += 2;
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	assert_int_equal(test_decisions_of(f, t.stan, &declined), 1);
	assert_int_equal(declined, 0);

	/* A pre-authorization (0120, repeated 0121) and its completion (0220, 25 "06"). */
	advice_msg(f, &t, "0120", "030000", "06", 4000, &img, "777888");
	advice_answered(f, &t, REQUEST_PREAUTH, "0130", "00");
	assert_int_equal(iso8583_set_mti(&t.m, "0121"), ISO8583_OK);
	advice_answered(f, &t, REQUEST_PREAUTH, "0130", "00");
	test_money(f, img.card_id, T_BALANCE - 4000, T_BALANCE, 4000);
	memcpy(approved[1], t.stan, 7);
	advice_msg(f, &t, "0220", "000000", "06", 3000, &img, "777888");
	advice_answered(f, &t, REQUEST_COMPLETION, "0230", "00");
	sent += 3;
	memcpy(approved[2], t.stan, 7);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(test_decisions_of(f, approved[i], &posted), 1);
		postings += posted;
	}
	assert_int_equal(postings, 3);
	test_money(f, img.card_id, T_BALANCE - 3000, T_BALANCE - 3000, 0);

	/* The completion reversed (0420), the reversal repeated (0421): undone once. */
	msg(f, &again, "0420", "000000", "06", 3000);
	iso8583_set_str(&again.m, 11, t.stan);
	iso8583_set_str(&again.m, 7, "1130110000");
	resp = advice_answered(f, &again, REQUEST_REVERSAL, "0430", "00");
	assert_string_equal(resp.reason, "approved");
	assert_int_equal(iso8583_set_mti(&again.m, "0421"), ISO8583_OK);
	resp = advice_answered(f, &again, REQUEST_REVERSAL, "0430", "00");
	assert_string_equal(resp.reason, "repeated");
	test_money(f, img.card_id, T_BALANCE, T_BALANCE, 0);
	n = test_decisions_of(f, t.stan, &posted); /* the completion and its one reversal */
	assert_int_equal(n, 2);
	print_message("advices and repeats sent: %d, approved: 3, postings: %d, declined 51 "
	              "posted: %d; reversal and its 0421: decisions %d\n",
	              sent, postings, declined, n - 1);
}

static void answer(void **state)
{
	struct issuer_fixture *f = *state;
	struct issuer_response resp = {.rc = "00", .auth_code = "123456", .message = "OTP SENT"};
	struct issuer_link_answer a;
	iso8583_msg out;
	char v[64];
	uint8_t icc[16];
	size_t len;

	(void)f;
	resp.has_balance = true;
	resp.available = 12345;
	resp.currency = 156;
	memcpy(resp.icc, "\x91\x0A\x01\x02\x03\x04\x05\x06\x07\x08\x30\x30", 12);
	resp.icc_len = 12;
	iso8583_msg_init(&out);
	assert_int_equal(issuer_link_answer(&resp, &a, &out), ISSUER_OK);
	assert_int_equal(iso8583_get(&out, 39, v, sizeof v, NULL), ISO8583_OK);
	assert_string_equal(v, "00");
	assert_int_equal(iso8583_get(&out, 38, v, sizeof v, NULL), ISO8583_OK);
	assert_string_equal(v, "123456");
	assert_int_equal(iso8583_get(&out, 44, v, sizeof v, NULL), ISO8583_OK);
	assert_string_equal(v, "OTP SENT");
	assert_int_equal(iso8583_get(&out, 54, v, sizeof v, NULL), ISO8583_OK);
	assert_string_equal(v, "0002156C000000012345");
	assert_int_equal(iso8583_get(&out, 55, icc, sizeof icc, &len), ISO8583_OK);
	assert_int_equal(len, 12);
	assert_memory_equal(icc, resp.icc, 12);

	/* A credit card over its line: a debit balance. */
	resp = (struct issuer_response){
	    .rc = "00", .has_balance = true, .available = -500, .currency = 156};
	iso8583_msg_init(&out);
	assert_int_equal(issuer_link_answer(&resp, &a, &out), ISSUER_OK);
	assert_int_equal(iso8583_get(&out, 54, v, sizeof v, NULL), ISO8583_OK);
	assert_string_equal(v, "0002156D000000000500");
	assert_false(iso8583_has(&out, 38));
	assert_false(iso8583_has(&out, 44));
	assert_false(iso8583_has(&out, 55));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, issuer_fixture_setup, issuer_fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(purchase), T(chip_purchase), T(operations), T(follow_ups), T(card_authentication),
	    T(not_done), T(malformed),     T(advices),    T(answer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
