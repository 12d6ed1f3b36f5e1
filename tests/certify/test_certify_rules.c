/* test_certify_rules.c — the rules every request of a terminal under test obeys
 * (src/certify/rules.c): requests packed as the reference terminal packs them, under keys made
 * here as the host makes them (a TMK; working keys exported under it into an 0810's field 62),
 * and the findings each fault gives — none for a correct sign-in and purchase; "mac" for a
 * wrong MAC, and after a sign-in whose keys fail their check value the old MAK still rules;
 * "stan" for a STAN used again in the batch (its reversal is fine); "fields" for a missing
 * field or one the transaction does not take (a MAC on a sign-in), "format" for no
 * transaction; "track" for a track in the clear; "identity" for another SN (a sign-in's too),
 * a ciphertext that does not verify or another application version; "pin" for a PIN block
 * without 22's PIN digit; "batch" for a batch the sign-in did not give, the next one allowed
 * once a settlement closed it. */
#include "testutil.h"

#include <stdio.h>

#include "certify/internal.h"
#include "crypto/crypto.h"

#define SN      "SN-CERTIFY-0001"
#define TID     "TERM0001"
#define MID     "898310048120001"
#define PAN     "6222021234567890"
#define TRACK2  PAN "=2512101123400001"
#define VERSION "321702  "

/* A set of working keys: the MAK and TDK as the host holds them, field 62 as it sends them. */
struct keys {
	hsm_key mak, tdk;
	uint8_t f62[60];
};

struct fixture {
	hsm *h;
	const iso8583_profile *p;
	hsm_key tmk;
	struct keys k[2];
	certify_rules *r;
	struct certify_case_result cr;
	size_t seen; /* findings rules() returned already */
};

static void make_keys(struct fixture *f, struct keys *k)
{
	static const struct hsm_key_spec specs[3] = {
	    {"P0", HSM_TDES, 16, 'B', 'S'},
	    {"M1", HSM_TDES, 16, 'C', 'S'},
	    {"M1", HSM_TDES, 16, 'C', 'S'},
	};
	hsm_key key;
	hsm_kcv kcv;
	uint8_t enc[24];
	size_t len;

	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(hsm_generate(f->h, &specs[i], &key, NULL), HSM_OK);
		assert_int_equal(hsm_export_ecb(f->h, &f->tmk, &key, enc, &len, &kcv), HSM_OK);
		assert_int_equal(len, 16);
		memcpy(k->f62 + i * 20, enc, 16);
		memcpy(k->f62 + i * 20 + 16, kcv.v, 4);
		if (i == 1)
			k->mak = key;
		if (i == 2)
			k->tdk = key;
	}
}

static int fx_setup(void **state)
{
	static const struct hsm_key_spec tmk = {"K0", HSM_TDES, 16, 'B', 'S'};
	struct fixture *f = calloc(1, sizeof *f);
	uint8_t lmk[HSM_LMK_LEN];

	memset(lmk, 0x5A, sizeof lmk);
	assert_int_equal(hsm_open(lmk, &f->h), HSM_OK);
	f->p = iso8583_profile_find("cup-pos");
	assert_int_equal(hsm_generate(f->h, &tmk, &f->tmk, NULL), HSM_OK);
	make_keys(f, &f->k[0]);
	make_keys(f, &f->k[1]);
	assert_int_equal(certify_rules_open(f->h, f->tmk.block, SN, &f->r), CERTIFY_OK);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fixture *f = *state;

	certify_rules_close(f->r);
	certify_transcript_free(&f->cr.tr);
	hsm_close(f->h);
	crypto_wipe(f, sizeof *f);
	free(f);
	return 0;
}

/* req (MACed under mak when not NULL, its 64 then flipped when bad_mac) and its answer ans
 * (may be NULL) as the proxy records them: the frame without its length, unpacked. */
static void add(struct fixture *f, iso8583_msg *req, const hsm_key *mak, bool bad_mac,
                iso8583_msg *ans)
{
	static const iso8583_envelope env = {{0x60, 0x00, 0x03, 0x00, 0x00},
	                                     {0x60, 0x31, 0x00, 0x31, 0x00, 0x00}};
	struct certify_msg *m = calloc(1, sizeof *m);
	uint8_t frame[CERTIFY_FRAME_MAX + 2], zero[8] = {0};
	size_t len;

	if (mak != NULL)
		iso8583_set(req, 64, zero, sizeof zero);
	assert_int_equal(iso8583_pack_framed(f->p, &env, req, frame, sizeof frame, &len, NULL),
	                 ISO8583_OK);
	if (mak != NULL) {
		assert_int_equal(hsm_mac_generate(f->h, mak, HSM_MAC_CUP_ECB, frame + 2 + 11,
		                                  len - 2 - 11 - 8, frame + len - 8, 8),
		                 HSM_OK);
		frame[len - 1] ^= bad_mac ? 0x01 : 0x00;
	}
	memcpy(m->req, frame + 2, len - 2);
	m->req_len = len - 2;
	m->rq_ok = iso8583_unpack(f->p, m->req + 11, m->req_len - 11, &m->rq, NULL) == ISO8583_OK;
	assert_true(m->rq_ok);
	if (ans != NULL) {
		assert_int_equal(
		    iso8583_pack_framed(f->p, &env, ans, frame, sizeof frame, &len, NULL),
		    ISO8583_OK);
		memcpy(m->ans, frame + 2, len - 2);
		m->ans_len = len - 2;
		m->an_ok =
		    iso8583_unpack(f->p, m->ans + 11, m->ans_len - 11, &m->an, NULL) == ISO8583_OK;
		assert_true(m->an_ok);
	}
	m->answered_ms = ans != NULL ? 0 : -1;
	assert_int_equal(certify_transcript_add(&f->cr.tr, m), CERTIFY_OK);
}

/* A sign-in (STAN stan) answered 00 with k's field 62 (its first check value spoiled when
 * bad_kcv) and batch 000001. */
static void signin(struct fixture *f, const char *stan, const struct keys *k, bool bad_kcv)
{
	iso8583_msg q, a;
	uint8_t f62[60];

	memcpy(f62, k->f62, sizeof f62);
	f62[16] ^= bad_kcv ? 0xFF : 0x00;
	iso8583_msg_init(&q);
	iso8583_set_mti(&q, "0800");
	iso8583_set_str(&q, 11, stan);
	iso8583_set_str(&q, 41, TID);
	iso8583_set_str(&q, 42, MID);
	iso8583_set_str(&q, 60, "00000001004");
	iso8583_set_str(&q, 63, "001");
	a = q;
	iso8583_set_mti(&a, "0810");
	iso8583_unset(&a, 63);
	iso8583_set_str(&a, 39, "00");
	iso8583_set(&a, 62, f62, sizeof f62);
	add(f, &q, NULL, false, &a);
}

/* A purchase as the reference terminal sends a swiped card's, and what may be wrong in it. */
struct buy {
	const char *stan;
	const char *batch;    /* 60.2, "000001" when NULL */
	const char *entry;    /* 22, "021" when NULL */
	const struct keys *k; /* what it is MACed and encrypted under; f->k[0] when NULL */
	const char *sn;       /* 59 A2 02, SN when NULL */
	const char *version;  /* 59 A2 05, VERSION when NULL */
	bool bad_mac, clear_track, bad_cipher, no49;
	bool no_pin; /* no 26 and 52, 22 = 022 */
};

/* 59 A2 for b: the SN, the factor and its ciphertext under tdk, the version. */
static void identity(struct fixture *f, const struct buy *b, const hsm_key *tdk, char *out,
                     size_t cap)
{
	const char *sn = b->sn != NULL ? b->sn : SN, *factor = &PAN[strlen(PAN) - 6];
	char data[64], body[192];
	uint8_t mac[4];

	snprintf(data, sizeof data, "%s%s", sn, factor);
	assert_int_equal(hsm_mac_generate(f->h, tdk, HSM_MAC_ALG1, (const uint8_t *)data,
	                                  strlen(data), mac, sizeof mac),
	                 HSM_OK);
	mac[0] ^= b->bad_cipher ? 0x80 : 0x00;
	snprintf(body, sizeof body,
	         "0100202"
	         "02%03zu%s"
	         "03006%s"
	         "04008%s"
	         "05008%s",
	         strlen(sn), sn, factor, test_tohex(mac, sizeof mac),
	         b->version != NULL ? b->version : VERSION);
	snprintf(out, cap, "A2%03zu%s", strlen(body), body);
}

static void purchase(struct fixture *f, const struct buy *b)
{
	const struct keys *k = b->k != NULL ? b->k : &f->k[0];
	char track[40], f59[200], f60[18];
	uint8_t pinblock[8] = {0x04, 0x12, 0x74, 0xED, 0xCB, 0xA9, 0x87, 0x6F};
	iso8583_msg q, a;

	strcpy(track, TRACK2);
	if (!b->clear_track)
		assert_int_equal(hsm_track_crypt(f->h, &k->tdk, 1, (uint8_t *)track, strlen(track)),
		                 HSM_OK);
	identity(f, b, &k->tdk, f59, sizeof f59);
	snprintf(f60, sizeof f60, "22%s000", b->batch != NULL ? b->batch : "000001");
	iso8583_msg_init(&q);
	iso8583_set_mti(&q, "0200");
	iso8583_set_str(&q, 3, "000000");
	iso8583_set_str(&q, 4, "000000001000");
	iso8583_set_str(&q, 11, b->stan);
	iso8583_set_str(&q, 14, "2512");
	iso8583_set_str(&q, 22, b->entry != NULL ? b->entry : b->no_pin ? "022" : "021");
	iso8583_set_str(&q, 25, "00");
	if (!b->no_pin)
		iso8583_set_str(&q, 26, "12");
	iso8583_set(&q, 35, track, strlen(track));
	iso8583_set_str(&q, 41, TID);
	iso8583_set_str(&q, 42, MID);
	if (!b->no49)
		iso8583_set_str(&q, 49, "156");
	if (!b->no_pin)
		iso8583_set(&q, 52, pinblock, sizeof pinblock);
	iso8583_set_str(&q, 53, b->clear_track ? "2600000000000000" : "2610000000000000");
	iso8583_set_str(&q, 59, f59);
	iso8583_set_str(&q, 60, f60);
	iso8583_msg_init(&a);
	iso8583_set_mti(&a, "0210");
	iso8583_set_str(&a, 11, b->stan);
	iso8583_set_str(&a, 39, "00");
	add(f, &q, &k->mak, b->bad_mac, &a);
	crypto_wipe(track, sizeof track);
}

/* The reversal (98) of the purchase of STAN stan, as the reference terminal sends it. */
static void reversal(struct fixture *f, const char *stan)
{
	iso8583_msg q;

	iso8583_msg_init(&q);
	iso8583_set_mti(&q, "0400");
	iso8583_set_str(&q, 2, PAN);
	iso8583_set_str(&q, 3, "000000");
	iso8583_set_str(&q, 4, "000000001000");
	iso8583_set_str(&q, 11, stan);
	iso8583_set_str(&q, 14, "2512");
	iso8583_set_str(&q, 22, "021");
	iso8583_set_str(&q, 25, "00");
	iso8583_set_str(&q, 39, "98");
	iso8583_set_str(&q, 41, TID);
	iso8583_set_str(&q, 42, MID);
	iso8583_set_str(&q, 49, "156");
	iso8583_set_str(&q, 60, "22000001000");
	add(f, &q, &f->k[0].mak, false, NULL);
}

/* A settlement (STAN stan) of batch 000001 answered 00, totals agreeing. */
static void settle(struct fixture *f, const char *stan)
{
	static const char totals[] =
	    "000000001000001000000000000000000000000000000000000000000000000";
	iso8583_msg q, a;

	iso8583_msg_init(&q);
	iso8583_set_mti(&q, "0500");
	iso8583_set_str(&q, 11, stan);
	iso8583_set_str(&q, 41, TID);
	iso8583_set_str(&q, 42, MID);
	iso8583_set_str(&q, 48, totals + 1);
	iso8583_set_str(&q, 49, "156");
	iso8583_set_str(&q, 60, "00000001201");
	iso8583_set_str(&q, 63, "001");
	a = q;
	iso8583_set_mti(&a, "0510");
	iso8583_set_str(&a, 39, "00");
	add(f, &q, NULL, false, &a);
}

/* The rules over the requests added since; their findings' rules as "mac,stan" (each why
 * printed). */
static const char *rules(struct fixture *f)
{
	static char out[256];
	size_t n = 0;

	assert_int_equal(certify_rules_case(f->r, &f->cr), CERTIFY_OK);
	out[0] = '\0';
	for (size_t i = f->seen; i < f->cr.n_findings; i++) {
		printf("  finding %s: %s\n", f->cr.findings[i].rule, f->cr.findings[i].why);
		n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", n > 0 ? "," : "",
		                      f->cr.findings[i].rule);
	}
	f->seen = f->cr.n_findings;
	return out;
}

/* The why of the last finding. */
static const char *why(const struct fixture *f)
{
	assert_true(f->cr.n_findings > 0);
	return f->cr.findings[f->cr.n_findings - 1].why;
}

static void correct_terminal_no_finding(void **state)
{
	struct fixture *f = *state;

	signin(f, "000001", &f->k[0], false);
	purchase(f, &(struct buy){.stan = "000002"});
	purchase(f, &(struct buy){.stan = "000003", .no_pin = true});
	reversal(f, "000003");
	assert_string_equal(rules(f), "");
	assert_int_equal(f->cr.ruled, 4);
	/* Checked once: a second call looks at nothing new. */
	assert_string_equal(rules(f), "");
}

static void wrong_mac(void **state)
{
	struct fixture *f = *state;

	signin(f, "000001", &f->k[0], false);
	purchase(f, &(struct buy){.stan = "000002", .bad_mac = true});
	assert_string_equal(rules(f), "mac");
	assert_int_equal(f->cr.findings[0].msg, 2);
	assert_non_null(strstr(f->cr.findings[0].why, "message 2 (0200 STAN 000002): field 64"));
}

/* The keys of a sign-in whose check value fails are refused: the old MAK still rules. */
static void bad_kcv_keeps_old_keys(void **state)
{
	struct fixture *f = *state;

	signin(f, "000001", &f->k[0], false);
	signin(f, "000002", &f->k[1], true);
	purchase(f, &(struct buy){.stan = "000003"});
	assert_string_equal(rules(f), "");
	/* Under the refused keys: the MAC, and the SN's ciphertext (the track, most likely, does
	 * not decrypt to a track either). */
	purchase(f, &(struct buy){.stan = "000004", .k = &f->k[1]});
	assert_int_equal(strncmp(rules(f), "mac,", 4), 0);
	assert_non_null(strstr(f->cr.findings[0].why,
	                       "does not verify under the MAC key of the last sign-in whose keys "
	                       "matched their check values"));
	assert_non_null(strstr(why(f), "59 A2 04 does not verify"));
	/* A good sign-in with the new keys: they rule from then on, in the next case too. */
	signin(f, "000005", &f->k[1], false);
	purchase(f, &(struct buy){.stan = "000006", .k = &f->k[1]});
	assert_string_equal(rules(f), "");
	certify_transcript_free(&f->cr.tr);
	memset(&f->cr, 0, sizeof f->cr);
	f->seen = 0;
	purchase(f, &(struct buy){.stan = "000007", .k = &f->k[1]});
	assert_string_equal(rules(f), "");
	purchase(f, &(struct buy){.stan = "000008", .k = &f->k[0]});
	assert_int_equal(strncmp(rules(f), "mac,", 4), 0);
}

static void stan_reused(void **state)
{
	struct fixture *f = *state;

	signin(f, "000001", &f->k[0], false);
	purchase(f, &(struct buy){.stan = "000002"});
	reversal(f, "000002");
	assert_string_equal(rules(f), "");
	purchase(f, &(struct buy){.stan = "000002"});
	assert_string_equal(rules(f), "stan");
	assert_non_null(strstr(why(f), "STAN 000002 was used before in batch 000001"));
	/* The sign-in's STAN is taken too; one below the last is not above it. */
	purchase(f, &(struct buy){.stan = "000001"});
	assert_string_equal(rules(f), "stan");
	purchase(f, &(struct buy){.stan = "000005"});
	purchase(f, &(struct buy){.stan = "000004"});
	assert_string_equal(rules(f), "stan");
	assert_non_null(strstr(why(f), "STAN 000004 is not above the last request's, 000005"));
}

static void missing_field(void **state)
{
	struct fixture *f = *state;

	signin(f, "000001", &f->k[0], false);
	purchase(f, &(struct buy){.stan = "000002", .no49 = true});
	assert_string_equal(rules(f), "fields");
	assert_non_null(strstr(why(f), "lacks field 49 (currency), which the purchase"));
}

static void unknown_transaction_and_signin(void **state)
{
	struct fixture *f = *state;
	iso8583_msg q;

	iso8583_msg_init(&q);
	iso8583_set_mti(&q, "0800");
	iso8583_set_str(&q, 11, "000001");
	iso8583_set_str(&q, 41, TID);
	iso8583_set_str(&q, 42, MID);
	iso8583_set_str(&q, 60, "00000001999");
	add(f, &q, NULL, false, NULL);
	assert_string_equal(rules(f), "format");
	assert_non_null(strstr(why(f), "60.3=999"));
	/* A sign-in: with a MAC, which it does not take; naming the SN registered. */
	iso8583_set_str(&q, 11, "000002");
	iso8583_set_str(&q, 60, "00000001004");
	iso8583_set_str(&q, 63, "001");
	iso8583_set_str(&q, 59,
	                "A2022"
	                "01002"
	                "02"
	                "02010SN-ANOTHER");
	add(f, &q, &f->k[0].mak, false, NULL);
	assert_string_equal(rules(f), "fields,identity");
	assert_non_null(strstr(f->cr.findings[1].why, "carries field 64 (MAC), which the sign-in"));
	assert_non_null(strstr(why(f), "59 A2 02 names SN 'SN-ANOTHER'"));
}

static void clear_track(void **state)
{
	struct fixture *f = *state;

	signin(f, "000001", &f->k[0], false);
	purchase(f, &(struct buy){.stan = "000002", .clear_track = true});
	assert_string_equal(rules(f), "track");
	assert_non_null(strstr(why(f), "field 35 travels in the clear"));
	assert_null(strstr(why(f), PAN));
}

static void other_sn(void **state)
{
	struct fixture *f = *state;

	signin(f, "000001", &f->k[0], false);
	purchase(f, &(struct buy){.stan = "000002", .sn = "SN-OTHER"});
	assert_string_equal(rules(f), "identity");
	assert_non_null(strstr(why(f), "'SN-OTHER'"));
}

static void bad_ciphertext(void **state)
{
	struct fixture *f = *state;

	signin(f, "000001", &f->k[0], false);
	purchase(f, &(struct buy){.stan = "000002", .bad_cipher = true});
	assert_string_equal(rules(f), "identity");
	assert_non_null(strstr(why(f), "59 A2 04 does not verify"));
}

static void pin_without_digit(void **state)
{
	struct fixture *f = *state;

	signin(f, "000001", &f->k[0], false);
	purchase(f, &(struct buy){.stan = "000002", .entry = "022"}); /* 52 sent, 22 says none */
	assert_string_equal(rules(f), "pin");
	assert_non_null(strstr(why(f), "field 22's third digit is 2, not 1"));
}

static void batch_not_given(void **state)
{
	struct fixture *f = *state;

	signin(f, "000001", &f->k[0], false);
	purchase(f, &(struct buy){.stan = "000002", .batch = "000002"});
	assert_string_equal(rules(f), "batch");
	assert_non_null(strstr(why(f), "60.2 is batch 000002, but the terminal's batch is 000001"));
}

/* A settlement closes the batch: the next one may follow it, no other. */
static void settlement_closes_batch(void **state)
{
	struct fixture *f = *state;

	signin(f, "000001", &f->k[0], false);
	purchase(f, &(struct buy){.stan = "000002"});
	settle(f, "000003");
	purchase(f, &(struct buy){.stan = "000004", .batch = "000002"});
	assert_string_equal(rules(f), "");
	purchase(f, &(struct buy){.stan = "000005", .batch = "000003"});
	assert_string_equal(rules(f), "batch");
}

/* The application version stays as it was first said. */
static void version_changes(void **state)
{
	struct fixture *f = *state;

	signin(f, "000001", &f->k[0], false);
	purchase(f, &(struct buy){.stan = "000002"});
	purchase(f, &(struct buy){.stan = "000003", .version = "321703  "});
	assert_string_equal(rules(f), "identity");
	assert_non_null(strstr(why(f), "59 A2 05 says version '321703  '"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(correct_terminal_no_finding, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(wrong_mac, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(bad_kcv_keeps_old_keys, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(stan_reused, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(missing_field, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(unknown_transaction_and_signin, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(clear_track, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(other_sn, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(bad_ciphertext, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(pin_without_digit, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(batch_not_given, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(settlement_closes_batch, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(version_changes, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
