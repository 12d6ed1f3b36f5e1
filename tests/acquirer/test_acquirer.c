/* test_acquirer.c — the acquirer's pipeline (src/acquirer) driven in-process as a terminal
 * drives it: a merchant and a terminal registered, the TMK keyed in from its components, the
 * terminal signed in (working keys imported under the TMK), then cup-pos requests MACed and
 * PIN-encrypted under those keys, each answer read back and its MAC checked. Every stage's
 * decline, every transaction, reversals exactly once, settlement, card authentication policy,
 * a store failure (96) and several requests committed in one batch; QR-code payments in
 * test_acquirer_qr.inc; a card routed to a network link in test_acquirer_link.inc; a sign-in
 * against its model's minimum software version in test_acquirer_update.inc. */
#include "issuer/issuer_fixture.h"

#include <stdio.h>
#include <time.h>

#include "acquirer/acquirer.h"
#include "acquirer/internal.h"
#include "merchant/merchant.h"
#include "store/store_acquirer.h"
#include "store/store_fixture.h"
#include "store/store_reconcile.h"
#include "store/store_tms.h"
#include "tms/tms.h"
#include "iso8583/iso8583.h"
#include "rcode/rcode.h"

#define A_MID "898310048120001"
#define A_TID "TERM0001"
#define A_SN  "0000020254004318"

static const struct hsm_key_spec tmk_spec = {"K0", HSM_TDES, 16, 'B', 'S'};
static const struct hsm_key_spec pik_spec = {"P0", HSM_TDES, 16, 'E', 'N'};
static const struct hsm_key_spec mak_spec = {"M1", HSM_TDES, 16, 'C', 'N'};
static const struct hsm_key_spec data_spec = {"D0", HSM_AES, 32, 'B', 'N'};

struct fx {
	struct issuer_fixture *f;
	struct acquirer_config cfg;
	acquirer *a;
	merchant *m; /* registers the terminal */
	/* the terminal */
	hsm_key tmk, pik, mak, tdk;
	unsigned stan;
	int batch;
	const char *cert_sn; /* mutual TLS: the client certificate's CN; NULL none */
};

/* A request being built: its field values live here until it is sent. */
struct req {
	iso8583_msg m;
	char stan[7], f60[18], f4[24], track2[CARD_TRACK2_MAX + 1], f59[128], f61[20], f62[200];
	char rrn[13], auth[7];
	uint8_t pin[8];
	bool clear_track; /* 35 sent as it is, with 53 as it is */
	char f35[CARD_TRACK2_MAX + 1], f53[17];
};

/* An answer read back. */
struct ans {
	struct acquirer_reply r;
	uint8_t frame[ACQUIRER_MSG_MAX + 2];
	iso8583_envelope env;
	iso8583_msg m;
	char rc[3], rrn[13], auth[7];
};

static void reopen(struct fx *x)
{
	acquirer_close(x->a);
	assert_int_equal(acquirer_open(x->f->s, x->f->h, x->f->is, &x->f->zpk, &x->f->keys.pan_hash,
	                               &x->cfg, &x->a),
	                 ACQUIRER_OK);
}

/* The key ceremony at the terminal: the TMK from its components, checked by KCV. */
static int key_in(struct fx *x, const struct merchant_tmk *tmk)
{
	return hsm_import_components(x->f->h, &tmk_spec, tmk->parts, tmk->n_parts, &x->tmk, NULL,
	                             NULL) == HSM_OK
	           ? 0
	           : -1;
}

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	struct merchant_config mc;
	struct merchant_terminal_new n = {.mid = A_MID, .sn = A_SN, .tid = A_TID, .activate = true};
	struct merchant_tmk_form form = {.parts = 2};
	struct merchant_tmk tmk;
	char mid[ACQUIRER_MID_LEN + 1], tid[MERCHANT_TID_LEN + 1];
	hsm_key data;

	if (x == NULL || issuer_fixture_setup((void **)&x->f) != 0)
		return -1;
	acquirer_config_defaults(&x->cfg);
	merchant_config_defaults(&mc);
	if (acquirer_open(x->f->s, x->f->h, x->f->is, &x->f->zpk, &x->f->keys.pan_hash, &x->cfg,
	                  &x->a) != ACQUIRER_OK ||
	    hsm_generate(x->f->h, &data_spec, &data, NULL) != HSM_OK ||
	    merchant_open(x->f->s, x->f->h, x->f->is, &mc, &data, &x->m) != MERCHANT_OK ||
	    acquirer_merchant_add(x->a, "Possum Grocery", "5411", A_MID, x->f->now, mid) !=
	        ACQUIRER_OK ||
	    merchant_terminal_register(x->m, "cli:test", &n, &form, x->f->now, tid, &tmk) !=
	        MERCHANT_OK ||
	    key_in(x, &tmk) != 0)
		return -1;
	crypto_wipe(&tmk, sizeof tmk);
	x->stan = 1;
	x->batch = 1;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	void *f = x->f;

	acquirer_close(x->a);
	merchant_close(x->m);
	free(x);
	return issuer_fixture_teardown(&f);
}

/* ---- the test terminal ---- */

static void begin(struct fx *x, struct req *q, const char *mti, const char *f60_1, const char *nmc)
{
	memset(q, 0, sizeof *q);
	iso8583_msg_init(&q->m);
	iso8583_set_mti(&q->m, mti);
	snprintf(q->stan, sizeof q->stan, "%06u", x->stan++);
	snprintf(q->f60, sizeof q->f60, "%s%06d%s", f60_1, x->batch, nmc);
	iso8583_set_str(&q->m, 11, q->stan);
	iso8583_set_str(&q->m, 41, A_TID);
	iso8583_set_str(&q->m, 42, A_MID);
	iso8583_set_str(&q->m, 60, q->f60);
}

/* Field 59, tag A2: device type, SN, the random factor, the SN's ciphertext under the track
 * key (ISO 9797-1 algorithm 1 over SN || factor, first 4 bytes in hex), application version. */
static void terminal_identity(struct fx *x, struct req *q, const char *sn, const char *factor)
{
	char data[64], cipher[9];
	uint8_t mac[4];
	int n = snprintf(data, sizeof data, "%s%s", sn, factor), len;

	assert_int_equal(hsm_mac_generate(x->f->h, &x->tdk, HSM_MAC_ALG1, (const uint8_t *)data,
	                                  (size_t)n, mac, sizeof mac),
	                 HSM_OK);
	hex_encode(mac, sizeof mac, cipher, sizeof cipher);
	len = snprintf(q->f59 + 5, sizeof q->f59 - 5,
	               "0100202"
	               "02%03zu%s"
	               "03006%s"
	               "04008%s"
	               "05008321702  ",
	               strlen(sn), sn, factor, cipher);
	memcpy(q->f59, "A2", 2);
	q->f59[2] = (char)('0' + len / 100);
	q->f59[3] = (char)('0' + len / 10 % 10);
	q->f59[4] = (char)('0' + len % 10);
	iso8583_set_str(&q->m, 59, q->f59);
}

/* A card request: 3, 25, the card read from its stripe, the amount, a PIN block under the
 * PIK when pin is not NULL, and field 59 with sn. */
static void card_req(struct fx *x, struct req *q, const char *mti, const char *proc,
                     const char *cond, const char *f60_1, const struct issuer_card_image *img,
                     int64_t amount, const char *pin, const char *sn)
{
	const char *last6 = img->pan + strlen(img->pan) - 6;

	begin(x, q, mti, f60_1, "000");
	iso8583_set_str(&q->m, 3, proc);
	iso8583_set_str(&q->m, 25, cond);
	snprintf(q->track2, sizeof q->track2, "%s", img->track2);
	iso8583_set_str(&q->m, 35, q->track2);
	iso8583_set_str(&q->m, 22, pin != NULL ? "021" : "022");
	if (amount > 0) {
		snprintf(q->f4, sizeof q->f4, "%012lld", (long long)amount);
		iso8583_set_str(&q->m, 4, q->f4);
	}
	iso8583_set_str(&q->m, 49, "156");
	if (pin != NULL) {
		assert_int_equal(hsm_encrypt_pin(x->f->h, &x->pik, pin, img->pan, q->pin), HSM_OK);
		iso8583_set(&q->m, 52, q->pin, 8);
		iso8583_set_str(&q->m, 53, "2600000000000000");
	}
	if (sn != NULL)
		terminal_identity(x, q, sn, last6);
}

static void purchase_req(struct fx *x, struct req *q, const struct issuer_card_image *img,
                         int64_t amount, const char *pin)
{
	card_req(x, q, "0200", "000000", "00", "22", img, amount, pin, A_SN);
}

/* q's track 2 as the terminal sends it (docs/cup-pos.md "Track encryption"): under the track
 * key, 53's third digit 1; unless q->clear_track or the terminal has no track key (not signed
 * in). The clear values stay in q, for a resend. */
static void encrypt_track(struct fx *x, struct req *q, iso8583_msg *m)
{
	size_t n;

	*m = q->m;
	if (q->clear_track || x->tdk.len == 0 || !iso8583_has(m, 35))
		return;
	assert_int_equal(iso8583_get(m, 35, q->f35, sizeof q->f35, &n), ISO8583_OK);
	assert_int_equal(hsm_track_crypt(x->f->h, &x->tdk, 1, (uint8_t *)q->f35, n), HSM_OK);
	iso8583_set(m, 35, q->f35, n);
	snprintf(q->f53, sizeof q->f53, "%s", iso8583_has(m, 52) ? "26" : "00");
	snprintf(q->f53 + 2, sizeof q->f53 - 2, "10000000000000");
	iso8583_set_str(m, 53, q->f53);
}

/* q framed as the terminal sends it (TPDU 60 0003 0000), MACed under its MAK when mac. */
static size_t framed(struct fx *x, struct req *q, bool mac, uint8_t frame[ACQUIRER_MSG_MAX + 2])
{
	static const iso8583_envelope env = {{0x60, 0x00, 0x03, 0x00, 0x00},
	                                     {0x60, 0x31, 0x00, 0x31, 0x00, 0x00}};
	uint8_t zero[8] = {0};
	iso8583_msg m;
	size_t len;

	if (mac)
		iso8583_set(&q->m, 64, zero, 8);
	encrypt_track(x, q, &m);
	assert_int_equal(iso8583_pack_framed(iso8583_profile_find("cup-pos"), &env, &m, frame,
	                                     ACQUIRER_MSG_MAX + 2, &len, NULL),
	                 ISO8583_OK);
	if (mac)
		assert_int_equal(hsm_mac_generate(x->f->h, &x->mak, HSM_MAC_CUP_ECB, frame + 13,
		                                  len - 13 - 8, frame + len - 8, 8),
		                 HSM_OK);
	return len;
}

/* Hands q to the acquirer in a batch of its own (with one bit of its MAC block flipped when
 * flip), and reads the answer, whose MAC (when it has one) must verify. */
static void sent(struct fx *x, struct req *q, bool mac, struct ans *a, bool flip)
{
	uint8_t frame[ACQUIRER_MSG_MAX + 2];
	iso8583_diag diag;
	size_t len = framed(x, q, mac, frame);

	if (flip)
		frame[len - 10] ^= 0x01;
	memset(a, 0, sizeof *a);
	assert_int_equal(acquirer_begin(x->a), ACQUIRER_OK);
	acquirer_handle_tls(x->a, frame + 2, len - 2, x->f->now, x->cert_sn, &a->r);
	assert_int_equal(acquirer_commit(x->a), ACQUIRER_OK);
	assert_true(a->r.len > 0);
	a->frame[0] = (uint8_t)(a->r.len >> 8);
	a->frame[1] = (uint8_t)a->r.len;
	memcpy(a->frame + 2, a->r.msg, a->r.len);
	assert_int_equal(iso8583_unpack_framed(iso8583_profile_find("cup-pos"), a->frame,
	                                       a->r.len + 2, &a->env, &a->m, &diag),
	                 ISO8583_OK);
	/* The TPDU's addresses swapped. */
	assert_memory_equal(a->env.tpdu + 1, "\x00\x00\x00\x03", 4);
	assert_int_equal(iso8583_get(&a->m, 39, a->rc, sizeof a->rc, NULL), ISO8583_OK);
	if (iso8583_has(&a->m, 37))
		iso8583_get(&a->m, 37, a->rrn, sizeof a->rrn, NULL);
	if (iso8583_has(&a->m, 38))
		iso8583_get(&a->m, 38, a->auth, sizeof a->auth, NULL);
	if (iso8583_has(&a->m, 64)) {
		uint8_t m64[9];

		iso8583_get(&a->m, 64, m64, sizeof m64, NULL);
		assert_int_equal(hsm_mac_verify(x->f->h, &x->mak, HSM_MAC_CUP_ECB, a->frame + 13,
		                                a->r.len + 2 - 13 - 8, m64, 8),
		                 HSM_OK);
	}
}

static void expect(struct fx *x, struct req *q, bool mac, const char *rc, struct ans *a)
{
	sent(x, q, mac, a, false);
	if (strcmp(a->rc, rc) != 0)
		fail_msg("expected %s, got %s (%s at %s)", rc, a->rc, a->r.out.reason,
		         a->r.out.stage);
}

/* Sign-in: the working keys in 62, each under the TMK with its check value, imported. */
static void signin(struct fx *x)
{
	struct req q;
	struct ans a;
	uint8_t f62[61];
	char f60[18];
	size_t len;
	hsm_key *keys[3] = {&x->pik, &x->mak, &x->tdk};
	const struct hsm_key_spec *specs[3] = {&pik_spec, &mak_spec, &mak_spec};

	begin(x, &q, "0800", "00", "004");
	iso8583_set_str(&q.m, 63, "001");
	expect(x, &q, false, "00", &a);
	assert_string_equal(a.r.out.type, "signin");
	assert_false(iso8583_has(&a.m, 64));
	assert_int_equal(iso8583_get(&a.m, 62, f62, sizeof f62, &len), ISO8583_OK);
	assert_int_equal(len, 60);
	for (int i = 0; i < 3; i++) {
		hsm_kcv kcv = {.len = 4};

		memcpy(kcv.v, f62 + i * 20 + 16, 4);
		assert_int_equal(
		    hsm_import_ecb(x->f->h, &x->tmk, specs[i], f62 + i * 20, 16, &kcv, keys[i]),
		    HSM_OK);
	}
	assert_int_equal(iso8583_get(&a.m, 60, f60, sizeof f60, NULL), ISO8583_OK);
	x->batch = atoi((char[7]){f60[2], f60[3], f60[4], f60[5], f60[6], f60[7], 0});
}

static int64_t count_rows(struct fx *x, const char *sql)
{
	return test_sql_int(x->f->path, sql, NULL);
}

/* ---- tests ---- */

/* The MMDD and YYYY-MM-DD of Unix time t moved by offset minutes. */
static void local_date(int64_t t, int offset, char mmdd[5], char ymd[11])
{
	time_t tt = (time_t)(t + (int64_t)offset * 60);
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(mmdd, 5, "%m%d", &tm);
	strftime(ymd, 11, "%Y-%m-%d", &tm);
}

/* Field 15 and the row's settle_date: the settlement date of the decision's moment, the next
 * day from the cut-off on (exactly at it included), that day before it; a calendar that is
 * not one is refused at open. */
static void settlement_date_by_cutoff(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	int minute = (int)(((x->f->now + 480 * 60) % 86400 + 86400) % 86400 / 60);
	char f15[5], mmdd[5], ymd[11], sql[160];
	struct req q;
	struct ans a;

	x->cfg.settle.cutoff = minute; /* now is at the cut-off: the next day */
	reopen(x);
	signin(x);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "00", &a);
	local_date(x->f->now + 86400, 480, mmdd, ymd);
	assert_int_equal(iso8583_get(&a.m, 15, f15, sizeof f15, NULL), ISO8583_OK);
	assert_string_equal(f15, mmdd);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM acq_txns WHERE rrn = '%s' AND "
	         "settle_date = '%s'",
	         a.rrn, ymd);
	assert_int_equal(count_rows(x, sql), 1);
	if (minute < 1439) { /* before a cut-off a minute later: that day */
		x->cfg.settle.cutoff = minute + 1;
		reopen(x);
		purchase_req(x, &q, &img, 100, T_PIN);
		expect(x, &q, true, "00", &a);
		local_date(x->f->now, 480, mmdd, ymd);
		assert_int_equal(iso8583_get(&a.m, 15, f15, sizeof f15, NULL), ISO8583_OK);
		assert_string_equal(f15, mmdd);
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM acq_txns WHERE rrn = '%s' AND "
		         "settle_date = '%s'",
		         a.rrn, ymd);
		assert_int_equal(count_rows(x, sql), 1);
	}
	x->cfg.settle.cutoff = 1440;
	acquirer_close(x->a);
	x->a = NULL;
	assert_int_equal(acquirer_open(x->f->s, x->f->h, x->f->is, &x->f->zpk, &x->f->keys.pan_hash,
	                               &x->cfg, &x->a),
	                 ACQUIRER_EARG);
	x->cfg.settle.cutoff = 1380;
	reopen(x);
}

/* The outcome's stage times (the metrics' possum_stage_seconds): each stage that ran, in the
 * order of the financial table, from unpack to respond, none negative. */
static void stage_times(const struct acquirer_outcome *o)
{
	static const char *const ran[] = {"unpack", "terminal", "mac",      "binding", "duplicate",
	                                  "fields", "card",     "cardauth", "route",   "authorize",
	                                  "record", "notify",   "respond"};
	size_t k = 0;

	for (size_t i = 0; i < o->n_times; i++) {
		assert_true(o->times[i].ns >= 0);
		if (k < sizeof ran / sizeof ran[0] && strcmp(o->times[i].stage, ran[k]) == 0)
			k++;
	}
	assert_int_equal(k, sizeof ran / sizeof ran[0]);
	assert_string_equal(o->times[0].stage, "unpack");
	assert_string_equal(o->times[o->n_times - 1].stage, "respond");
}

static void purchase_approved(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct req q;
	struct ans a;
	char f15[5];

	signin(x);
	purchase_req(x, &q, &img, 1234, T_PIN);
	expect(x, &q, true, "00", &a);
	assert_true(iso8583_has(&a.m, 64));
	assert_true(test_is_digits(a.rrn, 12));
	assert_int_equal(strlen(a.auth), 6);
	assert_int_equal(iso8583_get(&a.m, 15, f15, sizeof f15, NULL), ISO8583_OK);
	assert_false(iso8583_has(&a.m, 2) || iso8583_has(&a.m, 35) || iso8583_has(&a.m, 52));
	assert_string_equal(a.r.out.type, "purchase");
	assert_null(strstr(a.r.out.card, img.pan));
	assert_int_equal(strncmp(a.r.out.card, img.pan, 6), 0);
	stage_times(&a.r.out);
	test_money(x->f, img.card_id, T_BALANCE - 1234, T_BALANCE - 1234, 0);
	/* The failed form of the answer, for a batch that does not commit: 96, no auth code. */
	{
		struct ans b = a;
		char rc[3];

		memcpy(b.frame + 2, a.r.failed, a.r.failed_len);
		b.frame[0] = (uint8_t)(a.r.failed_len >> 8);
		b.frame[1] = (uint8_t)a.r.failed_len;
		assert_int_equal(iso8583_unpack_framed(iso8583_profile_find("cup-pos"), b.frame,
		                                       a.r.failed_len + 2, &b.env, &b.m, NULL),
		                 ISO8583_OK);
		iso8583_get(&b.m, 39, rc, sizeof rc, NULL);
		assert_string_equal(rc, "96");
		assert_false(iso8583_has(&b.m, 38));
	}
	assert_int_equal(count_rows(x, "SELECT COUNT(*) FROM acq_txns WHERE rc = '00' AND "
	                               "type = 'purchase' AND pan_hash != '' AND masked LIKE "
	                               "'622588%'"),
	                 1);
	crypto_wipe(&img, sizeof img);
}

/* docs/cup-pos.md "Track encryption": the host decrypts track 2 under the terminal's track key
 * before any check, and takes the PAN from it (no field 2 here); a clear track is refused (30
 * track_not_encrypted) unless [acquirer] track_encryption = optional; a track that does not
 * decrypt to one is 30 track_invalid. */
static void track_encryption(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct req q;
	struct ans a;
	size_t n;

	signin(x);
	purchase_req(x, &q, &img, 100, T_PIN);
	q.clear_track = true;
	expect(x, &q, true, "30", &a);
	assert_string_equal(a.r.out.reason, "track_not_encrypted");
	/* Encrypted, but not a track once decrypted: a nibble A inside the encrypted bytes. */
	purchase_req(x, &q, &img, 100, T_PIN);
	n = strlen(q.track2);
	assert_true(n >= 17);
	q.track2[n - 4] = ':';
	expect(x, &q, true, "30", &a);
	assert_string_equal(a.r.out.reason, "track_invalid");
	/* The same in the clear is no track either. */
	q.clear_track = true;
	expect(x, &q, true, "30", &a);
	assert_string_equal(a.r.out.reason, "track_not_encrypted");
	test_money(x->f, img.card_id, T_BALANCE, T_BALANCE, 0);
	/* Encrypted: approved. */
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "00", &a);
	assert_int_equal(strncmp(a.r.out.card, img.pan, 6), 0);
	/* Optional: both. */
	x->cfg.track_optional = true;
	reopen(x);
	purchase_req(x, &q, &img, 100, T_PIN);
	q.clear_track = true;
	expect(x, &q, true, "00", &a);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "00", &a);
	purchase_req(x, &q, &img, 100, T_PIN);
	q.track2[strlen(q.track2) - 4] = ':';
	q.clear_track = true;
	expect(x, &q, true, "30", &a);
	assert_string_equal(a.r.out.reason, "track_invalid");
	test_money(x->f, img.card_id, T_BALANCE - 300, T_BALANCE - 300, 0);
}

static void mac_tampered(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct req q;
	struct ans a;

	signin(x);
	purchase_req(x, &q, &img, 100, T_PIN);
	sent(x, &q, true, &a, true);
	assert_string_equal(a.rc, "A0");
	assert_int_equal(a.env.header[2] & 0x0F, 6); /* sign in again */
	/* No MAC at all. */
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, false, "A0", &a);
	test_money(x->f, img.card_id, T_BALANCE, T_BALANCE, 0);
}

static void replay(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct req q;
	struct ans a;

	signin(x);
	purchase_req(x, &q, &img, 500, T_PIN);
	expect(x, &q, true, "00", &a);
	iso8583_unset(&q.m, 64);
	expect(x, &q, true, "94", &a);
	test_money(x->f, img.card_id, T_BALANCE - 500, T_BALANCE - 500, 0);
}

struct risk_seen {
	struct store_risk_event e[4];
	int n;
};

static int risk_add(void *ctx, const struct store_risk_event *e)
{
	struct risk_seen *r = ctx;

	if (r->n < 4)
		r->e[r->n] = *e;
	r->n++;
	return 0;
}

static void terminal_checks(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct req q;
	struct ans a;

	/* Not signed in: asked to sign in. */
	card_req(x, &q, "0200", "000000", "00", "22", &img, 100, NULL, NULL);
	expect(x, &q, false, "A0", &a);
	assert_string_equal(a.r.out.reason, "not_signed_in");
	signin(x);
	/* Unknown terminal. */
	purchase_req(x, &q, &img, 100, T_PIN);
	iso8583_set_str(&q.m, 41, "TERM9999");
	expect(x, &q, true, "97", &a);
	/* Another SN than its binding. */
	card_req(x, &q, "0200", "000000", "00", "22", &img, 100, T_PIN, "0000020254009999");
	expect(x, &q, true, "58", &a);
	assert_string_equal(a.r.out.reason, "sn_differs");
	/* The SN's ciphertext wrong. */
	purchase_req(x, &q, &img, 100, T_PIN);
	{
		char *c = strstr(q.f59, "04008") + 5;

		*c = *c == '0' ? '1' : '0';
	}
	expect(x, &q, true, "58", &a);
	assert_string_equal(a.r.out.reason, "sn_ciphertext");
	/* A right ciphertext, made for another card's factor. */
	purchase_req(x, &q, &img, 100, T_PIN);
	terminal_identity(x, &q, A_SN, "123456");
	expect(x, &q, true, "58", &a);
	assert_string_equal(a.r.out.reason, "sn_factor");
	/* Another merchant's MID. */
	purchase_req(x, &q, &img, 100, T_PIN);
	iso8583_set_str(&q.m, 42, "898310048129999");
	expect(x, &q, true, "58", &a);
	assert_string_equal(a.r.out.reason, "merchant_differs");
	/* The same altered after their MAC: A0 before anything they say is looked at, and no
	 * risk event from a request nobody MACed. */
	purchase_req(x, &q, &img, 100, T_PIN);
	iso8583_set_str(&q.m, 42, "898310048129999");
	sent(x, &q, true, &a, true);
	assert_string_equal(a.rc, "A0");
	assert_string_equal(a.r.out.reason, "mac_wrong");
	card_req(x, &q, "0200", "000000", "00", "22", &img, 100, T_PIN, "0000020254009999");
	sent(x, &q, true, &a, true);
	assert_string_equal(a.rc, "A0");
	assert_string_equal(a.r.out.reason, "mac_wrong");
	test_money(x->f, img.card_id, T_BALANCE, T_BALANCE, 0);
	/* The other SN and the other MID each left a risk event; the ciphertexts did not. */
	{
		struct risk_seen r = {0};

		assert_int_equal(store_risk_event_list(x->f->s, A_TID, risk_add, &r), STORE_OK);
		assert_int_equal(r.n, 2);
		assert_string_equal(r.e[0].kind, "sn_mismatch");
		assert_string_equal(r.e[0].tid, A_TID);
		assert_string_equal(r.e[0].detail, "reported '0000020254009999', bound '" A_SN "'");
		assert_int_equal(r.e[0].at, x->f->now);
		assert_string_equal(r.e[1].kind, "mid_mismatch");
	}
}

/* Over mutual TLS the certificate's CN must be the SN of the TID's binding: another is 58
 * tls_sn_mismatch with a risk event, on a sign-in as on a purchase; the bound one is served. */
static void tls_certificate_sn(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct risk_seen r = {0};
	struct req q;
	struct ans a;

	x->cert_sn = A_SN;
	signin(x);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "00", &a);
	x->cert_sn = "SN-OF-ANOTHER";
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "58", &a);
	assert_string_equal(a.r.out.reason, "tls_sn_mismatch");
	assert_string_equal(a.r.out.stage, "binding"); /* after the MAC */
	begin(x, &q, "0800", "00", "004");
	iso8583_set_str(&q.m, 63, "001");
	expect(x, &q, false, "58", &a);
	assert_int_equal(store_risk_event_list(x->f->s, A_TID, risk_add, &r), STORE_OK);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.e[0].kind, "tls_sn_mismatch");
	assert_string_equal(r.e[0].detail, "reported 'SN-OF-ANOTHER', bound '" A_SN "'");
	test_money(x->f, img.card_id, T_BALANCE - 100, T_BALANCE - 100, 0);
}

/* A terminal that is not active serves nothing: 97, whatever it sends, until it is again. */
static void terminal_states(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct req q;
	struct ans a;

	signin(x);
	assert_int_equal(merchant_terminal_set_state(x->m, "cli:test", A_TID,
	                                             MERCHANT_TERMINAL_SUSPENDED, "audit",
	                                             x->f->now),
	                 MERCHANT_OK);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "97", &a);
	assert_string_equal(a.r.out.reason, "terminal_suspended");
	begin(x, &q, "0800", "00", "004");
	expect(x, &q, false, "97", &a);
	assert_int_equal(merchant_terminal_set_state(x->m, "cli:test", A_TID,
	                                             MERCHANT_TERMINAL_ACTIVE, NULL, x->f->now),
	                 MERCHANT_OK);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "00", &a);
	assert_int_equal(merchant_terminal_set_state(x->m, "cli:test", A_TID,
	                                             MERCHANT_TERMINAL_RETIRED, NULL, x->f->now),
	                 MERCHANT_OK);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "97", &a);
	assert_string_equal(a.r.out.reason, "terminal_retired");
	test_money(x->f, img.card_id, T_BALANCE - 100, T_BALANCE - 100, 0);
}

/* Rebinding re-keys: the old working keys and the old TMK are refused; keyed with the new
 * TMK, the terminal signs in and pays again. */
static void rebind_rekeys(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct merchant_place shop = {"1 Nanjing Road, Shanghai", 31230416, 121473701};
	struct merchant_tmk_form form = {.parts = 3};
	struct merchant_tmk tmk;
	struct req q;
	struct ans a;
	uint8_t f62[61];
	size_t len;
	hsm_kcv kcv = {.len = 4};
	hsm_key pik;

	signin(x);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "00", &a);
	assert_int_equal(merchant_terminal_rebind(x->m, "cli:test", A_TID, NULL, &shop, "moved",
	                                          &form, x->f->now, &tmk),
	                 MERCHANT_OK);
	/* The old working keys: sign in again. */
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "A0", &a);
	assert_string_equal(a.r.out.reason, "not_signed_in");
	/* The sign-in's keys come under the new TMK: the old one's check fails at the terminal. */
	begin(x, &q, "0800", "00", "004");
	expect(x, &q, false, "00", &a);
	assert_int_equal(iso8583_get(&a.m, 62, f62, sizeof f62, &len), ISO8583_OK);
	memcpy(kcv.v, f62 + 16, 4);
	assert_int_equal(hsm_import_ecb(x->f->h, &x->tmk, &pik_spec, f62, 16, &kcv, &pik),
	                 HSM_EKCV);
	/* Keyed with the new TMK. */
	assert_int_equal(key_in(x, &tmk), 0);
	crypto_wipe(&tmk, sizeof tmk);
	signin(x);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "00", &a);
	test_money(x->f, img.card_id, T_BALANCE - 200, T_BALANCE - 200, 0);
}

static void declines(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image lost = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct issuer_card_request cr = test_card_request(CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image soon;
	struct req q;
	struct ans a;

	cr.expiry = "2612";
	assert_int_equal(issuer_card_issue(x->f->is, &cr, x->f->now, &soon), ISSUER_OK);
	signin(x);
	purchase_req(x, &q, &img, 100, "000000");
	expect(x, &q, true, "55", &a);
	purchase_req(x, &q, &img, T_BALANCE + 1, T_PIN);
	expect(x, &q, true, "51", &a);
	assert_int_equal(
	    issuer_card_set_status(x->f->is, lost.card_id, ISSUER_CARD_LOST, x->f->now), ISSUER_OK);
	purchase_req(x, &q, &lost, 100, T_PIN);
	expect(x, &q, true, "41", &a);
	/* Luhn: the PAN's last digit changed, keyed in. */
	purchase_req(x, &q, &img, 100, NULL);
	iso8583_unset(&q.m, 35);
	{
		char pan[CARD_PAN_MAX + 1];

		snprintf(pan, sizeof pan, "%s", img.pan);
		pan[strlen(pan) - 1] = (char)('0' + (pan[strlen(pan) - 1] - '0' + 1) % 10);
		iso8583_set_str(&q.m, 2, pan);
		iso8583_set_str(&q.m, 14, img.expiry);
		/* The terminal's field 59 names the card as keyed: its factor too. */
		terminal_identity(x, &q, A_SN, pan + strlen(pan) - 6);
		expect(x, &q, true, "14", &a);
	}
	/* Amount missing. */
	purchase_req(x, &q, &img, 0, T_PIN);
	expect(x, &q, true, "13", &a);
	/* An unknown processing code. */
	card_req(x, &q, "0200", "990000", "00", "22", &img, 100, NULL, NULL);
	expect(x, &q, false, "12", &a);
	/* Expired by the acquirer's own check. */
	x->f->now += 40 * T_DAY;
	purchase_req(x, &q, &soon, 100, T_PIN);
	expect(x, &q, true, "54", &a);
	assert_string_equal(a.r.out.stage, "card");
	/* A PIN block under another key than the PIK. */
	purchase_req(x, &q, &img, 100, NULL);
	assert_int_equal(hsm_encrypt_pin(x->f->h, &x->f->other_zpk, T_PIN, img.pan, q.pin), HSM_OK);
	iso8583_set(&q.m, 52, q.pin, 8);
	sent(x, &q, true, &a, false);
	assert_true(strcmp(a.rc, "99") == 0 || strcmp(a.rc, "55") == 0);
	test_money(x->f, img.card_id, T_BALANCE, T_BALANCE, 0);
	crypto_wipe(&soon, sizeof soon);
}

/* Echo and sign-out need no sign-in; after a sign-out, payments are refused until the next
 * sign-in. A balance inquiry answers 54, never moving money. */
static void network_and_balance(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct req q;
	struct ans a;
	char f54[32];

	begin(x, &q, "0820", "00", "301");
	expect(x, &q, false, "00", &a);
	assert_string_equal(a.r.out.type, "echo");
	signin(x);
	card_req(x, &q, "0200", "310000", "00", "01", &img, 0, T_PIN, NULL);
	expect(x, &q, true, "00", &a);
	assert_int_equal(iso8583_get(&a.m, 54, f54, sizeof f54, NULL), ISO8583_OK);
	assert_string_equal(f54, "0002156C000000100000");
	assert_false(iso8583_has(&a.m, 38));
	test_money(x->f, img.card_id, T_BALANCE, T_BALANCE, 0);
	begin(x, &q, "0820", "00", "002");
	expect(x, &q, false, "00", &a);
	assert_string_equal(a.r.out.type, "signout");
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "A0", &a);
	assert_string_equal(a.r.out.reason, "not_signed_in");
	/* An unknown network management code. */
	begin(x, &q, "0820", "00", "999");
	expect(x, &q, false, "12", &a);
}

/* A follow-up naming its original: 37, 38 and 61. */
static void follow_up(struct fx *x, struct req *q, const char *mti, const char *proc,
                      const char *cond, const char *f60_1, const struct issuer_card_image *img,
                      int64_t amount, const struct ans *orig, const char *orig_stan)
{
	card_req(x, q, mti, proc, cond, f60_1, img, amount, NULL, NULL);
	snprintf(q->rrn, sizeof q->rrn, "%s", orig->rrn);
	snprintf(q->auth, sizeof q->auth, "%s", orig->auth);
	snprintf(q->f61, sizeof q->f61, "%06d%s", x->batch, orig_stan);
	iso8583_set_str(&q->m, 37, q->rrn);
	if (q->auth[0] != '\0')
		iso8583_set_str(&q->m, 38, q->auth);
	iso8583_set_str(&q->m, 61, q->f61);
}

/* The listing's reading of the request of rrn: its status, and what was refunded of it. */
static void listed(struct fx *x, const char *rrn, int status, int64_t refunded)
{
	struct store_acq_txn t;

	assert_int_equal(acquirer_txn_by_rrn(x->f->s, rrn, STORE_ACQ_TERMINAL, &t), ACQUIRER_OK);
	assert_string_equal(acquirer_status_name(acquirer_txn_status(&t)),
	                    acquirer_status_name(status));
	assert_int_equal(t.refunded, refunded);
}

static void reversal_of(struct fx *x, const struct req *orig, struct req *q,
                        const struct issuer_card_image *img, int64_t amount);

/* Each marks its original's row, which every list reads (status voided, refunded in part or
 * in full), and names it; a refund's reversal takes its amount off again. */
static void void_and_refund(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct req q, p1, r;
	struct ans a1, a2, a;
	struct store_acq_txn t;

	signin(x);
	purchase_req(x, &p1, &img, 1000, T_PIN);
	expect(x, &p1, true, "00", &a1);
	follow_up(x, &q, "0200", "200000", "00", "23", &img, 1000, &a1, p1.stan);
	expect(x, &q, true, "00", &a);
	assert_string_equal(a.r.out.type, "void");
	test_money(x->f, img.card_id, T_BALANCE, T_BALANCE, 0);
	listed(x, a1.rrn, STORE_ACQ_VOIDED, 0);
	assert_int_equal(acquirer_txn_by_rrn(x->f->s, a.rrn, ACQUIRER_SOURCE_ANY, &t), ACQUIRER_OK);
	assert_string_equal(t.original_rrn, a1.rrn);
	purchase_req(x, &p1, &img, 2000, T_PIN);
	expect(x, &p1, true, "00", &a2);
	follow_up(x, &q, "0220", "200000", "00", "25", &img, 500, &a2, p1.stan);
	iso8583_unset(&q.m, 38);
	expect(x, &q, true, "00", &a);
	assert_string_equal(a.r.out.type, "refund");
	test_money(x->f, img.card_id, T_BALANCE - 1500, T_BALANCE - 1500, 0);
	listed(x, a2.rrn, STORE_ACQ_APPROVED, 500);
	/* The rest refunded: refunded in full; that refund reversed: in part again. */
	follow_up(x, &q, "0220", "200000", "00", "25", &img, 1500, &a2, p1.stan);
	iso8583_unset(&q.m, 38);
	expect(x, &q, true, "00", &a);
	listed(x, a2.rrn, STORE_ACQ_REFUNDED, 2000);
	reversal_of(x, &q, &r, &img, 1500);
	expect(x, &r, true, "00", &a);
	listed(x, a2.rrn, STORE_ACQ_APPROVED, 500);
	test_money(x->f, img.card_id, T_BALANCE - 1500, T_BALANCE - 1500, 0);
	/* A refund declined (over what remains) marks nothing. */
	follow_up(x, &q, "0220", "200000", "00", "25", &img, 1600, &a2, p1.stan);
	iso8583_unset(&q.m, 38);
	expect(x, &q, true, "64", &a);
	listed(x, a2.rrn, STORE_ACQ_APPROVED, 500);
}

/* The requests of a status, as the lists' criterion finds them. */
static int count_one(void *ctx, const struct store_acq_txn *t)
{
	(void)t;
	++*(int *)ctx;
	return 0;
}

static int count_status(struct fx *x, int status)
{
	struct store_acq_txn_filter f = {.amount = -1, .status = status};
	int64_t next;
	int n = 0;

	assert_int_equal(acquirer_txn_page(x->f->s, &f, count_one, &n, &next), ACQUIRER_OK);
	return n;
}

/* A follow-up's original, as it names it. */
static void names(struct fx *x, const char *rrn, const char *original)
{
	struct store_acq_txn t;

	assert_int_equal(acquirer_txn_by_rrn(x->f->s, rrn, ACQUIRER_SOURCE_ANY, &t), ACQUIRER_OK);
	assert_string_equal(t.original_rrn, original);
}

/* A pre-authorization is listed cancelled, or completed (and by how much); a completion's
 * void, by auth code alone, marks it voided, and that void's reversal takes it off again. */
static void preauth_flow(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_CREDIT, false);
	struct req q, p, r;
	struct ans pa, a, c;
	struct store_acq_txn t;

	signin(x);
	card_req(x, &p, "0100", "030000", "06", "10", &img, 5000, T_PIN, A_SN);
	expect(x, &p, true, "00", &pa);
	test_money(x->f, img.card_id, T_LIMIT - 5000, 0, 5000);
	listed(x, pa.rrn, STORE_ACQ_APPROVED, 0);
	follow_up(x, &q, "0100", "200000", "06", "11", &img, 5000, &pa, p.stan);
	iso8583_unset(&q.m, 37); /* named by its auth code alone */
	expect(x, &q, true, "00", &a);
	assert_string_equal(a.r.out.type, "preauth_cancel");
	test_money(x->f, img.card_id, T_LIMIT, 0, 0);
	listed(x, pa.rrn, STORE_ACQ_CANCELLED, 0);
	names(x, a.rrn, pa.rrn);
	/* The cancel's reversal gives no hold back: still cancelled. */
	reversal_of(x, &q, &r, &img, 5000);
	expect(x, &r, true, "00", &a);
	listed(x, pa.rrn, STORE_ACQ_CANCELLED, 0);
	card_req(x, &p, "0100", "030000", "06", "10", &img, 5000, T_PIN, A_SN);
	expect(x, &p, true, "00", &pa);
	follow_up(x, &q, "0200", "000000", "06", "20", &img, 4000, &pa, p.stan);
	expect(x, &q, true, "00", &c);
	assert_string_equal(c.r.out.type, "completion");
	test_money(x->f, img.card_id, T_LIMIT - 4000, -4000, 0);
	listed(x, pa.rrn, STORE_ACQ_COMPLETED, 0);
	assert_int_equal(acquirer_txn_by_rrn(x->f->s, pa.rrn, STORE_ACQ_TERMINAL, &t), ACQUIRER_OK);
	assert_int_equal(t.completed, 4000);
	names(x, c.rrn, pa.rrn);
	assert_int_equal(count_status(x, STORE_ACQ_CANCELLED), 1);
	assert_int_equal(count_status(x, STORE_ACQ_COMPLETED), 1);
	follow_up(x, &q, "0200", "200000", "06", "21", &img, 4000, &c, q.stan);
	iso8583_unset(&q.m, 37);
	expect(x, &q, true, "00", &a);
	assert_string_equal(a.r.out.type, "completion_void");
	listed(x, c.rrn, STORE_ACQ_VOIDED, 0);
	names(x, a.rrn, c.rrn);
	assert_int_equal(count_status(x, STORE_ACQ_VOIDED), 1);
	reversal_of(x, &q, &r, &img, 4000);
	expect(x, &r, true, "00", &a);
	listed(x, c.rrn, STORE_ACQ_APPROVED, 0);
	listed(x, pa.rrn, STORE_ACQ_COMPLETED, 0);
	/* Not found by either source, nor among the link's. */
	assert_int_equal(acquirer_txn_by_rrn(x->f->s, pa.rrn, STORE_ACQ_LINK, &t),
	                 ACQUIRER_ENOTFOUND);
	assert_int_equal(acquirer_txn_by_rrn(x->f->s, "999999999999", ACQUIRER_SOURCE_ANY, &t),
	                 ACQUIRER_ENOTFOUND);
}

/* The reversal of q: its own 11 and 60 are the original's, 39 why. */
static void reversal_of(struct fx *x, const struct req *orig, struct req *q,
                        const struct issuer_card_image *img, int64_t amount)
{
	card_req(x, q, "0400", "000000", "00", "22", img, amount, NULL, NULL);
	x->stan--; /* the reversal takes no STAN of its own */
	snprintf(q->stan, sizeof q->stan, "%s", orig->stan);
	snprintf(q->f60, sizeof q->f60, "%s", orig->f60);
	iso8583_set_str(&q->m, 39, "98");
}

static void reversals(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct req p, r, late;
	struct ans a;

	signin(x);
	purchase_req(x, &p, &img, 700, T_PIN);
	expect(x, &p, true, "00", &a);
	test_money(x->f, img.card_id, T_BALANCE - 700, T_BALANCE - 700, 0);
	reversal_of(x, &p, &r, &img, 700);
	expect(x, &r, true, "00", &a);
	test_money(x->f, img.card_id, T_BALANCE, T_BALANCE, 0);
	/* Logged and kept with the original's card, masked. */
	assert_int_equal(strncmp(a.r.out.card, img.pan, 6), 0);
	assert_non_null(strchr(a.r.out.card, '*'));
	assert_string_equal(a.r.out.card + strlen(a.r.out.card) - 4, img.pan + strlen(img.pan) - 4);
	/* Again: acknowledged, applied once. */
	iso8583_unset(&r.m, 64);
	expect(x, &r, true, "00", &a);
	assert_string_equal(a.r.out.reason, "reversal_repeated");
	test_money(x->f, img.card_id, T_BALANCE, T_BALANCE, 0);
	/* The reversal of a request never seen: acknowledged, tombstoned; the late original is
	 * refused. */
	purchase_req(x, &late, &img, 300, T_PIN);
	reversal_of(x, &late, &r, &img, 300);
	expect(x, &r, true, "00", &a);
	assert_string_equal(a.r.out.reason, "original_unknown");
	expect(x, &late, true, "94", &a);
	assert_string_equal(a.r.out.reason, "reversed_before");
	test_money(x->f, img.card_id, T_BALANCE, T_BALANCE, 0);
	assert_int_equal(count_rows(x, "SELECT COUNT(*) FROM acq_tombstones"), 1);
}

static void settle(struct fx *x, int64_t sales, int count, const char *flag)
{
	struct req q;
	struct ans a;
	char f48[128], out[63];

	begin(x, &q, "0500", "00", "201");
	snprintf(f48, sizeof f48, "%012lld%03d%012d%03d0%012d%03d%012d%03d0", (long long)sales,
	         count, 0, 0, 0, 0, 0, 0);
	iso8583_set_str(&q.m, 48, f48);
	iso8583_set_str(&q.m, 49, "156");
	expect(x, &q, false, "00", &a);
	assert_int_equal(iso8583_get(&a.m, 48, out, sizeof out, NULL), ISO8583_OK);
	assert_int_equal(out[30], flag[0]);
	assert_int_equal(out[61], flag[0]);
}

/* A batch upload (0320, 60.3 nmc) of field 48 f48 (NULL: none), answered rc. */
static void upload(struct fx *x, const char *nmc, const char *f48, const char *rc)
{
	struct req q;
	struct ans a;

	begin(x, &q, "0320", "00", nmc);
	if (f48 != NULL)
		iso8583_set_str(&q.m, 48, f48);
	expect(x, &q, false, rc, &a);
}

/* An upload record: card class, STAN, the PAN right-aligned in 20 zeros, the amount. */
static void upload_record(char *out, size_t cap, const char *cls, const char *stan, const char *pan,
                          int64_t amount)
{
	snprintf(out, cap, "%s%s%020d%012lld", cls, stan, 0, (long long)amount);
	memcpy(out + 8 + 20 - strlen(pan), pan, strlen(pan));
}

/* Field 48 of a batch upload malformed: 30, and nothing of it kept. */
static void upload_malformed(struct fx *x, const struct issuer_card_image *img, const char *stan)
{
	char rec[41], bad[128], luhn[20];

	upload_record(rec, sizeof rec, "00", stan, img->pan, 1000);
	upload(x, "201", "00", "30");           /* a stripe upload of no record */
	snprintf(bad, sizeof bad, "02%s", rec); /* 2 said, 1 there */
	upload(x, "201", bad, "30");
	snprintf(bad, sizeof bad, "01%s0", rec); /* a digit too many */
	upload(x, "201", bad, "30");
	snprintf(bad, sizeof bad, "02%s%s", rec, rec); /* a chip upload of 2 */
	upload(x, "203", bad, "30");
	snprintf(bad, sizeof bad, "01%s", rec);
	bad[2] = '0', bad[3] = '2'; /* card class 02 */
	upload(x, "201", bad, "30");
	snprintf(luhn, sizeof luhn, "%s", img->pan);
	luhn[strlen(luhn) - 1] = luhn[strlen(luhn) - 1] == '9' ? '0' : luhn[strlen(luhn) - 1] + 1;
	upload_record(rec, sizeof rec, "00", stan, luhn, 1000);
	snprintf(bad, sizeof bad, "01%s", rec); /* a PAN that fails Luhn */
	upload(x, "201", bad, "30");
	upload(x, "201", NULL, "30");
	assert_int_equal(count_rows(x, "SELECT COUNT(*) FROM acq_uploads"), 0);
}

static void settlement(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct store_recon_batch b;
	struct req q;
	struct ans a;
	char stan[7], rec[41], f48[64], sql[512];

	signin(x);
	purchase_req(x, &q, &img, 1000, T_PIN);
	expect(x, &q, true, "00", &a);
	snprintf(stan, sizeof stan, "%s", q.stan);
	purchase_req(x, &q, &img, 2500, T_PIN);
	expect(x, &q, true, "00", &a);
	/* Totals that differ: flag 2, kept beside the host's; the batch uploaded, then it
	 * closes. */
	settle(x, 1000, 1, "2");
	assert_int_equal(store_recon_batch_get(x->f->s, A_TID, x->batch, &b), STORE_OK);
	assert_int_equal(b.sales_amount, 1000);
	assert_int_equal(b.sales_count, 1);
	assert_int_equal(b.host_sales_amount, 3500);
	assert_int_equal(b.host_sales_count, 2);
	assert_false(b.agreed);
	assert_int_equal(b.settlements, 1);
	assert_string_equal(b.mid, A_MID);
	assert_int_equal(strlen(b.settle_date), 10);
	upload_malformed(x, &img, stan);
	upload_record(rec, sizeof rec, "00", stan, img.pan, 1000);
	snprintf(f48, sizeof f48, "01%s", rec);
	upload(x, "201", f48, "00");
	/* Kept with the card as the request's row keeps it: masked and hashed, never clear. */
	snprintf(sql, sizeof sql,
	         "SELECT COUNT(*) FROM acq_uploads AS u JOIN acq_txns AS t ON t.tid = u.tid AND "
	         "t.batch = u.batch AND t.stan = u.stan WHERE u.amount = 1000 AND u.masked = "
	         "t.masked AND u.pan_hash = t.pan_hash AND u.card_class = '00' AND u.stan = '%s'",
	         stan);
	assert_int_equal(count_rows(x, sql), 1);
	snprintf(sql, sizeof sql,
	         "SELECT COUNT(*) FROM acq_uploads WHERE masked LIKE '%%%s%%' OR pan_hash LIKE "
	         "'%%%s%%'",
	         img.pan + 6, img.pan + 6);
	assert_int_equal(count_rows(x, sql), 0);
	upload(x, "202", "00", "00");
	x->batch++;
	/* A request of the old batch now: the terminal must sign in (77). */
	x->batch--;
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "77", &a);
	x->batch++;
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "00", &a);
	/* Totals that agree: flag 1. */
	settle(x, 100, 1, "1");
	signin(x);
	assert_int_equal(x->batch, 3);
	/* The upload messages' rows: the 7 refused (30) and the 2 taken. */
	assert_int_equal(count_rows(x, "SELECT COUNT(*) FROM acq_txns WHERE type LIKE 'upload%'"),
	                 9);
	assert_int_equal(count_rows(x, "SELECT COUNT(*) FROM acq_batches WHERE agreed = 1"), 1);
}

/* Card authentication policy: a credit card must be authenticated (C1); once it is, it pays;
 * replaced, the old card's authentication is no longer valid (C2). */
static void cardauth_policy(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_CREDIT, false);
	struct issuer_card_image debit = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct issuer_card_image repl;
	struct req q;
	struct ans a;
	char code[ISSUER_OTP_LEN + 1];

	x->cfg.cardauth_credit = true;
	reopen(x);
	signin(x);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "C1", &a);
	purchase_req(x, &q, &debit, 100, T_PIN);
	expect(x, &q, true, "00", &a);
	/* Step 1: the four elements; step 2: the code sent. */
	card_req(x, &q, "0100", "330000", "00", "40", &img, 0, NULL, NULL);
	snprintf(q.f62, sizeof q.f62, "NM%03zu%sID%03zu%sPH%03zu%s", strlen(T_HOLDER), T_HOLDER,
	         strlen(T_ID), T_ID, strlen(T_PHONE), T_PHONE);
	iso8583_set(&q.m, 62, q.f62, strlen(q.f62));
	expect(x, &q, true, "00", &a);
	assert_true(iso8583_has(&a.m, 44));
	test_sms_code(x->f, code);
	card_req(x, &q, "0100", "330000", "00", "40", &img, 0, NULL, NULL);
	snprintf(q.f62, sizeof q.f62, "OT%03zu%s", strlen(code), code);
	iso8583_set(&q.m, 62, q.f62, strlen(q.f62));
	expect(x, &q, true, "00", &a);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "00", &a);
	assert_int_equal(issuer_card_replace(x->f->is, img.card_id, NULL, NULL, x->f->now, &repl),
	                 ISSUER_OK);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "C2", &a);
	assert_string_equal(a.r.out.reason, "cardauth_card_replaced");
	/* Amount threshold, first use. */
	x->cfg.cardauth_credit = false;
	x->cfg.cardauth_above = 5000;
	reopen(x);
	purchase_req(x, &q, &debit, 5001, T_PIN);
	expect(x, &q, true, "C1", &a);
	purchase_req(x, &q, &debit, 5000, T_PIN);
	expect(x, &q, true, "00", &a);
	x->cfg.cardauth_above = 0;
	x->cfg.cardauth_first_use = true;
	reopen(x);
	purchase_req(x, &q, &debit, 100, T_PIN);
	expect(x, &q, true, "00", &a); /* used here before */
	purchase_req(x, &q, &repl, 100, T_PIN);
	expect(x, &q, true, "C1", &a);
	crypto_wipe(&repl, sizeof repl);
}

/* A card authentication's code leaves only once the decision that keeps its hash is committed:
 * at the batch's commit, or at the request's own outside a batch; never for work rolled back. */
static void cardauth_code_after_commit(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_CREDIT, false);
	struct acquirer_reply r;
	uint8_t frame[ACQUIRER_MSG_MAX + 2];
	struct req q;
	size_t len;
	int before;

	signin(x);
	for (int alone = 0; alone < 2; alone++) {
		card_req(x, &q, "0100", "330000", "00", "40", &img, 0, NULL, NULL);
		snprintf(q.f62, sizeof q.f62, "NM%03zu%sID%03zu%sPH%03zu%s", strlen(T_HOLDER),
		         T_HOLDER, strlen(T_ID), T_ID, strlen(T_PHONE), T_PHONE);
		iso8583_set(&q.m, 62, q.f62, strlen(q.f62));
		len = framed(x, &q, true, frame);
		before = x->f->sms_count;
		if (!alone)
			assert_int_equal(acquirer_begin(x->a), ACQUIRER_OK);
		assert_int_equal(acquirer_handle(x->a, frame + 2, len - 2, x->f->now, &r),
		                 ACQUIRER_OK);
		assert_string_equal(r.out.rc, "00");
		assert_string_equal(r.out.reason, "otp_sent");
		assert_string_equal(r.out.route, "local_issuer");
		if (!alone) {
			assert_int_equal(x->f->sms_count, before); /* not yet committed */
			assert_int_equal(acquirer_commit(x->a), ACQUIRER_OK);
		}
		assert_int_equal(x->f->sms_count, before + 1);
		assert_string_equal(x->f->sms_phone, T_PHONE);
	}
	/* A batch begun again drops what an uncommitted one held: nothing is sent twice. */
	before = x->f->sms_count;
	assert_int_equal(acquirer_begin(x->a), ACQUIRER_OK);
	assert_int_equal(acquirer_commit(x->a), ACQUIRER_OK);
	assert_int_equal(x->f->sms_count, before);
}

/* A table of the two routes refused, naming the one at index want. */
static void refused_at(const struct acquirer_route routes[2], size_t want)
{
	acquirer_routes *rt = NULL;
	size_t at = 99;

	assert_int_equal(acquirer_routes_create(routes, 2, &at, &rt), ACQUIRER_EARG);
	assert_int_equal(at, want);
	assert_null(rt);
}

/* The routing table (acquirer.h, docs/links.md) alone: the most specific range wins (the
 * longest prefix, then the narrowest), a PAN no range holds is not found, and a table with a
 * malformed range, an empty destination or the same range twice is refused naming it. */
static void routes_table(void **state)
{
	const struct acquirer_route rows[] = {
	    {{"6", "6", CARD_PRODUCT_DEBIT, NULL}, "local", 0},
	    {{"62", "62", CARD_PRODUCT_DEBIT, NULL}, "cup", 0},
	    {{"621000", "621999", CARD_PRODUCT_DEBIT, NULL}, "wide", 0},
	    {{"621200", "621299", CARD_PRODUCT_DEBIT, NULL}, "narrow", 0},
	    {{"62258801", "62258801", CARD_PRODUCT_DEBIT, NULL}, "local", 0},
	    {{"4000", "4999", CARD_PRODUCT_DEBIT, NULL}, "visa", 0},
	};
	struct acquirer_route bad[2] = {rows[0], rows[1]};
	const struct acquirer_route *r;
	acquirer_routes *rt;

	(void)state;
	assert_int_equal(acquirer_routes_create(rows, 6, NULL, &rt), ACQUIRER_OK);
	assert_int_equal(acquirer_routes_count(rt), 6);
	assert_string_equal(acquirer_routes_at(rt, 3)->dest, "narrow");
	static const struct {
		const char *pan, *dest;
	} cases[] = {
	    {"6225880112345678", "local"},  {"6225880212345678", "cup"},
	    {"6212341234567890", "narrow"}, {"6219991234567890", "wide"},
	    {"6312341234567890", "local"},  {"4000123412341234", "visa"},
	    {"4999999999999999", "visa"},   {"6200000000000000", "cup"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(acquirer_routes_find(rt, cases[i].pan, &r), ACQUIRER_OK);
		if (strcmp(r->dest, cases[i].dest) != 0)
			fail_msg("%s: %s, expected %s", cases[i].pan, r->dest, cases[i].dest);
	}
	assert_int_equal(acquirer_routes_find(rt, "5100000000000000", &r), ACQUIRER_ENOTFOUND);
	assert_int_equal(acquirer_routes_find(rt, "62A", &r), ACQUIRER_EARG);
	acquirer_routes_close(rt);
	/* None: a table that finds nothing. */
	assert_int_equal(acquirer_routes_create(NULL, 0, NULL, &rt), ACQUIRER_OK);
	assert_int_equal(acquirer_routes_count(rt), 0);
	assert_int_equal(acquirer_routes_find(rt, "6225880112345678", &r), ACQUIRER_ENOTFOUND);
	acquirer_routes_close(rt);
	/* Refusals, each naming the route at fault. */
	bad[1].range = bad[0].range;
	refused_at(bad, 1);
	bad[1] = rows[1];
	snprintf(bad[1].range.high, sizeof bad[1].range.high, "61");
	refused_at(bad, 1);
	bad[1] = rows[1];
	bad[0].dest[0] = '\0';
	refused_at(bad, 0);
	bad[0] = rows[0];
	snprintf(bad[0].range.high, sizeof bad[0].range.high, "60");
	refused_at(bad, 0);
	assert_int_equal(acquirer_routes_create(rows, ACQUIRER_ROUTES_MAX + 1, NULL, &rt),
	                 ACQUIRER_EARG);
}

/* The route stage with a table: a card of a link's range answered 91 link_down at once, its row
 * keeping the link's name and no money moved; a card no range holds 15 no_route, its row no
 * route; a card of a local range approved, its row "local"; the longest prefix deciding; the
 * table taken away, every card local again. */
static void routes_in_pipeline(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct acquirer_route rows[2] = {{{"6", "6", CARD_PRODUCT_DEBIT, NULL}, "local", 0},
	                                 {{"", "", CARD_PRODUCT_DEBIT, NULL}, "far", 0}};
	acquirer_routes *rt;
	struct req q;
	struct ans a;

	signin(x);
	memcpy(rows[1].range.low, img.pan, 8);
	memcpy(rows[1].range.high, img.pan, 8);
	assert_int_equal(acquirer_routes_create(rows, 2, NULL, &rt), ACQUIRER_OK);
	acquirer_set_routes(x->a, rt);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "91", &a);
	assert_string_equal(a.r.out.reason, "link_down");
	assert_string_equal(a.r.out.route, "far");
	test_money(x->f, img.card_id, T_BALANCE, T_BALANCE, 0);
	acquirer_set_routes(x->a, NULL);
	acquirer_routes_close(rt);
	/* Only the link's row, for another range: no route. */
	snprintf(rows[1].range.low, sizeof rows[1].range.low, "4");
	snprintf(rows[1].range.high, sizeof rows[1].range.high, "4");
	assert_int_equal(acquirer_routes_create(rows + 1, 1, NULL, &rt), ACQUIRER_OK);
	acquirer_set_routes(x->a, rt);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "15", &a);
	assert_string_equal(a.r.out.reason, "no_route");
	assert_string_equal(a.r.out.route, "");
	acquirer_set_routes(x->a, NULL);
	acquirer_routes_close(rt);
	/* "6" local alone: approved. */
	assert_int_equal(acquirer_routes_create(rows, 1, NULL, &rt), ACQUIRER_OK);
	acquirer_set_routes(x->a, rt);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "00", &a);
	assert_string_equal(a.r.out.route, "local_issuer");
	acquirer_set_routes(x->a, NULL);
	acquirer_routes_close(rt);
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "00", &a);
	assert_int_equal(count_rows(x, "SELECT COUNT(*) FROM acq_txns WHERE route = 'far' AND "
	                               "rc = '91' AND reason = 'link_down'"),
	                 1);
	assert_int_equal(count_rows(x, "SELECT COUNT(*) FROM acq_txns WHERE route = '' AND "
	                               "rc = '15' AND reason = 'no_route'"),
	                 1);
	assert_int_equal(count_rows(x, "SELECT COUNT(*) FROM acq_txns WHERE route = 'local' AND "
	                               "rc = '00'"),
	                 2);
	crypto_wipe(&img, sizeof img);
}

/* A chip purchase: field 55 to the issuer, the ARPC back in the answer's 55. */
static void chip_purchase(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, true);
	struct test_request t = {0};
	struct issuer_response resp = {0};
	struct req q;
	struct ans a;
	size_t len;

	signin(x);
	test_icc(x->f, &t, &img, 800, 0);
	purchase_req(x, &q, &img, 800, T_PIN);
	iso8583_set_str(&q.m, 22, "051");
	iso8583_set(&q.m, 55, t.icc, t.r.icc_len);
	expect(x, &q, true, "00", &a);
	assert_int_equal(iso8583_get(&a.m, 55, resp.icc, sizeof resp.icc, &len), ISO8583_OK);
	resp.icc_len = len;
	memcpy(resp.rc, "00", 3);
	test_check_arpc(&t, &resp);
	test_money(x->f, img.card_id, T_BALANCE - 800, T_BALANCE - 800, 0);
	crypto_wipe(&img, sizeof img);
}

/* The store failing under a request: 96, and nothing of it kept (the issuer's decision
 * rolled back with it). */
static void store_failure(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct req q;
	struct ans a;

	signin(x);
	store_fixture_sql(x->f->path,
	                  store_fixture_pg()
	                      ? "CREATE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS "
	                        "$$BEGIN RAISE EXCEPTION 'disk full'; END$$; CREATE TRIGGER fail "
	                        "BEFORE INSERT ON acq_txns FOR EACH ROW EXECUTE FUNCTION fail()"
	                      : "CREATE TRIGGER fail BEFORE INSERT ON acq_txns BEGIN "
	                        "SELECT RAISE(ABORT, 'disk full'); END");
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "96", &a);
	assert_false(iso8583_has(&a.m, 38));
	test_money(x->f, img.card_id, T_BALANCE, T_BALANCE, 0);
	assert_int_equal(count_rows(x, "SELECT COUNT(*) FROM decisions"), 0);
	store_fixture_sql(x->f->path, store_fixture_pg() ? "DROP TRIGGER fail ON acq_txns"
	                                                 : "DROP TRIGGER fail");
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "00", &a);
}

/* Several requests handled in one batch, committed once, all kept. */
static void group_commit(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct req q[4];
	struct acquirer_reply *r = calloc(4, sizeof *r);
	uint8_t frame[ACQUIRER_MSG_MAX + 2];
	size_t len;

	assert_non_null(r);
	signin(x);
	assert_int_equal(acquirer_begin(x->a), ACQUIRER_OK);
	for (int i = 0; i < 4; i++) {
		purchase_req(x, &q[i], &img, 100 + i, T_PIN);
		if (i == 3) /* the same identity as the first: 94 within the batch */
			iso8583_set_str(&q[i].m, 11, q[0].stan);
		len = framed(x, &q[i], true, frame);
		assert_int_equal(acquirer_handle(x->a, frame + 2, len - 2, x->f->now, &r[i]),
		                 ACQUIRER_OK);
	}
	/* Nothing is durable before the commit: another connection sees none of it. */
	assert_int_equal(count_rows(x, "SELECT COUNT(*) FROM acq_txns WHERE type = 'purchase'"), 0);
	assert_int_equal(acquirer_commit(x->a), ACQUIRER_OK);
	assert_int_equal(count_rows(x, "SELECT COUNT(*) FROM acq_txns WHERE type = 'purchase'"), 3);
	for (int i = 0; i < 4; i++)
		assert_string_equal(r[i].out.rc, i < 3 ? "00" : "94");
	test_money(x->f, img.card_id, T_BALANCE - 303, T_BALANCE - 303, 0);
	free(r);
}

/* What the host records of a terminal: the version it reports, its sign-in, its last
 * request, the reversals it sent, for the status report. */
static void status_report(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct merchant_terminal_status st;
	struct req q, rev;
	struct ans a;

	assert_int_equal(merchant_terminal_status(x->m, A_TID, x->f->now, 600, &st), MERCHANT_OK);
	assert_false(st.online);
	assert_int_equal(st.last_txn.at, 0);
	assert_string_equal(st.t.version, "");
	signin(x);
	purchase_req(x, &q, &img, 250, T_PIN);
	expect(x, &q, true, "00", &a);
	x->f->now += 60;
	reversal_of(x, &q, &rev, &img, 250);
	expect(x, &rev, true, "00", &a);
	assert_int_equal(merchant_terminal_status(x->m, A_TID, x->f->now + 300, 600, &st),
	                 MERCHANT_OK);
	assert_string_equal(st.t.version, "321702");
	assert_true(st.online);
	assert_int_equal(st.last_seen, x->f->now);
	assert_int_equal(st.t.last_signin, x->f->now - 60);
	assert_string_equal(st.last_txn.type, "reversal");
	assert_int_equal(st.last_txn.amount, 250);
	assert_int_equal(st.reversals_batch, 1);
	assert_int_equal(st.reversals, 1);
	assert_int_equal(st.risk_events, 0);
	assert_int_equal(merchant_terminal_status(x->m, A_TID, x->f->now + 601, 600, &st),
	                 MERCHANT_OK);
	assert_false(st.online);
}

static void registration(void **state)
{
	struct fx *x = *state;
	char mid[ACQUIRER_MID_LEN + 1];

	assert_int_equal(acquirer_merchant_add(x->a, "Other", "5812", NULL, x->f->now, mid),
	                 ACQUIRER_OK);
	assert_int_equal(strlen(mid), 15);
	assert_int_equal(acquirer_merchant_add(x->a, "Again", "5812", mid, x->f->now, mid),
	                 ACQUIRER_EEXIST);
	assert_int_equal(acquirer_merchant_add(x->a, "Bad", "58", NULL, x->f->now, mid),
	                 ACQUIRER_EARG);
}

static void unreadable(void **state)
{
	struct fx *x = *state;
	struct acquirer_reply r;

	/* Not even an MTI: no answer (the connection is closed). */
	assert_int_equal(acquirer_begin(x->a), ACQUIRER_OK);
	acquirer_handle(x->a, (const uint8_t *)"\x60\x00", 2, x->f->now, &r);
	assert_int_equal(acquirer_commit(x->a), ACQUIRER_OK);
	assert_int_equal(r.len, 0);
}

/* A suspended or closed merchant takes no payment (03), but its terminal still reverses what
 * it did before; resumed, it pays again; one not yet active takes none either. */
static void merchant_inactive(void **state)
{
	static const struct {
		int status;
		const char *reason;
	} others[] = {
	    {STORE_MERCHANT_ONBOARDING, "merchant_onboarding"},
	    {STORE_MERCHANT_CLOSED, "merchant_closed"},
	};
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct req p, q, r;
	struct ans a;

	signin(x);
	purchase_req(x, &p, &img, 100, T_PIN);
	expect(x, &p, true, "00", &a);
	assert_int_equal(store_merchant_set_status(x->f->s, A_MID, STORE_MERCHANT_SUSPENDED),
	                 STORE_OK);
	purchase_req(x, &q, &img, 200, T_PIN);
	expect(x, &q, true, "03", &a);
	assert_string_equal(a.r.out.reason, "merchant_suspended");
	test_money(x->f, img.card_id, T_BALANCE - 100, T_BALANCE - 100, 0);
	reversal_of(x, &p, &r, &img, 100);
	expect(x, &r, true, "00", &a);
	test_money(x->f, img.card_id, T_BALANCE, T_BALANCE, 0);
	assert_int_equal(store_merchant_set_status(x->f->s, A_MID, STORE_MERCHANT_ACTIVE),
	                 STORE_OK);
	purchase_req(x, &q, &img, 300, T_PIN);
	expect(x, &q, true, "00", &a);
	/* Closed; or not yet active (in device testing or agreement: its terminals are not in
	 * service, so this is the check behind that one). */
	for (size_t k = 0; k < sizeof others / sizeof others[0]; k++) {
		assert_int_equal(store_merchant_set_status(x->f->s, A_MID, others[k].status),
		                 STORE_OK);
		purchase_req(x, &q, &img, 400, T_PIN);
		expect(x, &q, true, "03", &a);
		assert_string_equal(a.r.out.reason, others[k].reason);
	}
	test_money(x->f, img.card_id, T_BALANCE - 300, T_BALANCE - 300, 0);
}

/* q's field 59 with sub-field 06, the location, appended as text says it. */
static void with_location(struct req *q, const char *text)
{
	size_t n = strlen(q->f59), len;

	snprintf(q->f59 + n, sizeof q->f59 - n, "06%03zu%s", strlen(text), text);
	len = strlen(q->f59) - 5;
	q->f59[2] = (char)('0' + len / 100);
	q->f59[3] = (char)('0' + len / 10 % 10);
	q->f59[4] = (char)('0' + len % 10);
	iso8583_set_str(&q->m, 59, q->f59);
}

/* 59.A2.06 on a purchase and a pre-authorization: read, kept on the terminal's row with its
 * time, and its distance from the registered place shown; malformed, 30 and nothing kept. */
static void reported_location(void **state)
{
	static const char *const bad[] = {
	    "39915000;116404000", "39915000,116404000 ", "",
	    "91000000,0",         "39.915,116.404",      "0,180000001"};
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct store_terminal st;
	struct merchant_terminal mt;
	struct req q;
	struct ans a;
	int64_t rows;

	signin(x);
	/* Registered at Tiananmen. */
	assert_int_equal(store_terminal_get(x->f->s, A_TID, &st), STORE_OK);
	snprintf(st.address, sizeof st.address, "%s", "Tiananmen, Beijing");
	st.lat = 39915000;
	st.lon = 116404000;
	assert_int_equal(store_terminal_update(x->f->s, &st), STORE_OK);
	/* No 06: nothing reported. */
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "00", &a);
	assert_int_equal(merchant_terminal_get(x->m, A_TID, &mt), MERCHANT_OK);
	assert_true(mt.reported_at == 0 && mt.reported_distance_m == -1);
	/* At People's Square, Shanghai: kept, about 1,068 km away. */
	purchase_req(x, &q, &img, 200, T_PIN);
	with_location(&q, "31230416,121473701");
	expect(x, &q, true, "00", &a);
	assert_int_equal(store_terminal_get(x->f->s, A_TID, &st), STORE_OK);
	assert_true(st.reported_lat == 31230416 && st.reported_lon == 121473701);
	assert_int_equal(st.reported_at, x->f->now);
	assert_int_equal(merchant_terminal_get(x->m, A_TID, &mt), MERCHANT_OK);
	assert_in_range(mt.reported_distance_m, 1062000, 1073000);
	/* A pre-authorization reports it too; south and west are negative. */
	card_req(x, &q, "0100", "030000", "06", "10", &img, 300, T_PIN, A_SN);
	with_location(&q, "-33856784,-151215297");
	expect(x, &q, true, "00", &a);
	assert_int_equal(store_terminal_get(x->f->s, A_TID, &st), STORE_OK);
	assert_true(st.reported_lat == -33856784 && st.reported_lon == -151215297);
	/* Malformed: a format error, no row, no money, the last location kept. */
	rows = count_rows(x, "SELECT count(*) FROM acq_txns");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		purchase_req(x, &q, &img, 400, T_PIN);
		with_location(&q, bad[i]);
		expect(x, &q, true, "30", &a);
		assert_string_equal(a.r.out.reason, "location");
	}
	assert_int_equal(count_rows(x, "SELECT count(*) FROM acq_txns"), rows);
	assert_int_equal(store_terminal_get(x->f->s, A_TID, &st), STORE_OK);
	assert_true(st.reported_lat == -33856784 && st.reported_lon == -151215297);
	test_money(x->f, img.card_id, T_BALANCE - 600, T_BALANCE - 300, 300);
}

/* Field 59 the layout does not allow (docs/cup-pos.md "Terminal identity"): refused 30 with its
 * reason, nothing recorded, no money moved — and answered even at 999 bytes, a frame above
 * 1,024 (issue 18: such frames were closed unanswered). */
static void f59_layout_refused(void **state)
{
	static char big[1000];
	static const struct {
		const char *tail;  /* appended to the good A2 body, inside A2's length */
		const char *after; /* after A2's length */
		const char *reason;
	} bad[] = {
	    {"", "X", "f59_trailing"},      {"", "A2000", "f59_trailing"},
	    {"07002XY", "", "f59_tag"},     {"01002XY", "", "f59_tag"},
	    {"06010123", "", "f59_length"}, {"06", "", "f59_length"},
	    {"0600A", "", "f59_length"},    {"06024123456789012345678901234", "", "f59_length"},
	};
	struct fx *x = *state;
	struct issuer_card_image img = test_issue(x->f, CARD_PRODUCT_DEBIT, false);
	struct req q;
	struct ans a;
	int64_t rows;
	size_t n;

	signin(x);
	rows = count_rows(x, "SELECT count(*) FROM acq_txns");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		purchase_req(x, &q, &img, 100, T_PIN);
		n = strlen(q.f59);
		snprintf(q.f59 + n, sizeof q.f59 - n, "%s", bad[i].tail);
		n = strlen(q.f59) - 5;
		q.f59[2] = (char)('0' + n / 100);
		q.f59[3] = (char)('0' + n / 10 % 10);
		q.f59[4] = (char)('0' + n % 10);
		n = strlen(q.f59);
		snprintf(q.f59 + n, sizeof q.f59 - n, "%s", bad[i].after);
		iso8583_set_str(&q.m, 59, q.f59);
		expect(x, &q, true, "30", &a);
		assert_string_equal(a.r.out.reason, bad[i].reason);
	}
	/* 999 bytes, the dialect's maximum: a frame of about 1,200 bytes, answered. */
	purchase_req(x, &q, &img, 100, T_PIN);
	n = strlen(q.f59);
	memcpy(big, q.f59, n);
	memset(big + n, 'X', 999 - n);
	big[999] = '\0';
	iso8583_set_str(&q.m, 59, big);
	expect(x, &q, true, "30", &a);
	assert_string_equal(a.r.out.reason, "f59_trailing");
	assert_int_equal(count_rows(x, "SELECT count(*) FROM acq_txns"), rows);
	test_money(x->f, img.card_id, T_BALANCE, T_BALANCE, 0);
	/* The good one still pays. */
	purchase_req(x, &q, &img, 100, T_PIN);
	expect(x, &q, true, "00", &a);
}

/* The largest message cup-pos allows fits ACQUIRER_MSG_MAX; a longer frame is answered 30
 * too_long when its TPDU and MTI read, and dropped (no answer) when they do not. */
static void too_long_answered(void **state)
{
	static uint8_t frame[ACQUIRER_MSG_MAX + 64];
	static const uint8_t head[] = {0x60, 0x00, 0x03, 0x00, 0x00, 0x60, 0x31,
	                               0x00, 0x31, 0x00, 0x00, 0x02, 0x00};
	struct fx *x = *state;
	struct ans a;

	assert_true(iso8583_max_size(iso8583_profile_find("cup-pos")) <= ACQUIRER_MSG_MAX);
	assert_true(iso8583_max_size(iso8583_profile_find("cup-pos")) > 2000);
	memset(frame, 0x31, sizeof frame);
	memcpy(frame, head, sizeof head);
	memset(&a, 0, sizeof a);
	assert_int_equal(acquirer_handle(x->a, frame, ACQUIRER_MSG_MAX + 1, x->f->now, &a.r),
	                 ACQUIRER_OK);
	assert_string_equal(a.r.out.rc, "30");
	assert_string_equal(a.r.out.reason, "too_long");
	assert_true(a.r.len > 0);
	assert_int_equal(
	    iso8583_unpack(iso8583_profile_find("cup-pos"), a.r.msg + 11, a.r.len - 11, &a.m, NULL),
	    ISO8583_OK);
	assert_int_equal(iso8583_get(&a.m, 39, a.rc, sizeof a.rc, NULL), ISO8583_OK);
	assert_string_equal(a.rc, "30");
	assert_string_equal(a.m.mti, "0210");
	assert_memory_equal(a.r.msg + 1, "\x00\x00\x00\x03", 4); /* the TPDU's addresses swapped */
	/* Not a cup-pos TPDU, or an answer's MTI: nothing to answer. */
	frame[0] = 0x61;
	assert_int_equal(acquirer_handle(x->a, frame, sizeof frame, x->f->now, &a.r), ACQUIRER_OK);
	assert_true(a.r.len == 0 && strcmp(a.r.out.reason, "too_long") == 0);
	frame[0] = 0x60;
	frame[12] = 0x10;
	assert_int_equal(acquirer_handle(x->a, frame, sizeof frame, x->f->now, &a.r), ACQUIRER_OK);
	assert_true(a.r.len == 0);
}

#include "test_acquirer_qr.inc"
#include "test_acquirer_link.inc"
#include "test_acquirer_update.inc"

/* Fields 48 and 60 read by fields.c: the layouts taken, and every departure refused. */
static void fields_read(void **state)
{
	struct acquirer_f60 f60;
	struct store_recon_batch b = {0};
	struct acquirer_f48_record r;
	char up[2 + 2 * ACQUIRER_F48_RECORD + 1];
	int n;

	(void)state;
	assert_int_equal(acquirer_f60_read("00000042004", &f60), 0);
	assert_int_equal(f60.batch, 42);
	assert_string_equal(f60.nmc, "004");
	assert_int_equal(acquirer_f60_read("00000042", &f60), 0);
	assert_string_equal(f60.nmc, "");
	assert_int_equal(acquirer_f60_read("0000004", &f60), -1);     /* short */
	assert_int_equal(acquirer_f60_read("00:00042004", &f60), -1); /* a batch not digits */
	assert_int_equal(acquirer_f60_read("000000420x4", &f60), -1); /* 60.3 not digits */
	assert_int_equal(acquirer_f48_totals("00000000123400100000000000000000000000000000000000000"
	                                     "000000000",
	                                     62, &b),
	                 0);
	assert_int_equal(b.sales_amount, 1234);
	assert_int_equal(b.sales_count, 1);
	assert_int_equal(acquirer_f48_totals("0000000012340010000000000000000", 31, &b), -1);
	snprintf(up, sizeof up, "02%s%s", "0000012300006225880100000000000000001234",
	         "0100012400006225880100000000000000000100");
	assert_int_equal(acquirer_f48_upload(up, strlen(up), 1, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(acquirer_f48_record(up + 2, &r), 0);
	assert_string_equal(r.pan, "6225880100000000");
	assert_int_equal(r.amount, 1234);
	assert_int_equal(acquirer_f48_upload(up, strlen(up), 1, 1, &n), -1);     /* chip: one */
	assert_int_equal(acquirer_f48_upload(up, strlen(up) - 1, 1, 8, &n), -1); /* short */
	up[2] = '2';                                                             /* card class 20 */
	assert_int_equal(acquirer_f48_upload(up, strlen(up), 1, 8, &n), -1);
	up[2] = '0';
	up[29] = '5'; /* the PAN's check digit wrong */
	assert_int_equal(acquirer_f48_upload(up, strlen(up), 1, 8, &n), -1);
	assert_int_equal(acquirer_f48_upload("00", 2, 0, 8, &n), 0); /* the end: none */
	assert_int_equal(acquirer_f48_upload("00", 2, 1, 8, &n), -1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(purchase_approved),
	    cmocka_unit_test(routes_table),
	    T(routes_in_pipeline),
	    T(link_answered),
	    T(link_timeout),
	    T(link_down),
	    T(link_reversed_while_waiting),
	    T(link_stand_in),
	    T(settlement_date_by_cutoff),
	    T(track_encryption),
	    T(mac_tampered),
	    T(replay),
	    T(terminal_checks),
	    T(tls_certificate_sn),
	    T(declines),
	    T(void_and_refund),
	    T(preauth_flow),
	    T(reversals),
	    T(merchant_inactive),
	    T(settlement),
	    T(cardauth_policy),
	    T(cardauth_code_after_commit),
	    T(store_failure),
	    T(group_commit),
	    T(registration),
	    T(unreadable),
	    T(chip_purchase),
	    T(network_and_balance),
	    T(terminal_states),
	    T(rebind_rekeys),
	    T(status_report),
	    T(reported_location),
	    T(f59_layout_refused),
	    T(signin_minimum_version),
	    T(too_long_answered),
	    T(qr_code_payment),
	    T(qr_code_pin),
	    T(qr_refund),
	    T(qr_static_code),
	    T(qr_channel_listed),
	    cmocka_unit_test(fields_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
