/* issuer_fixture.h — what the issuer's test executables share: an issuer on a store in a fresh
 * temporary directory with its six keys, a zone PIN key for requests, a clock the tests move,
 * an SMS callback that keeps the last text; cards issued in one line; requests built as a
 * terminal would send them (track 2, a PIN block under the zone key, field 55 with an ARQC
 * under the card's own key); and the ledger's check, clean after every test. Test code only. */
#ifndef POSSUM_TEST_ISSUER_FIXTURE_H
#define POSSUM_TEST_ISSUER_FIXTURE_H

#include "testutil.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>

#include "crypto/crypto.h"
#include "crypto/emv.h"
#include "issuer/issuer.h"
#include "issuer/link.h"
#include "ledger/ledger.h"
#include "store/store_fixture.h"
#include "tlv/tlv.h"

#define T_NOW      1796032800 /* 2026-11-30 10:00 UTC */
#define T_DAY      86400
#define T_CNY      156
#define T_PIN      "907315"
#define T_BALANCE  100000
#define T_LIMIT    500000
#define T_HOLDER   "Zhang San"
#define T_ID       "110101199003075519"
#define T_PHONE    "13912345678"
#define T_ACQUIRER "48020000"
#define T_TERMINAL "TERM0001"
#define T_MERCHANT "898310048120001"
#define T_TRANSMIT "1130100000"

static const struct card_bin_range test_bins[] = {
    {"62258801", "62258801", CARD_PRODUCT_DEBIT, NULL},
    {"62258802", "62258802", CARD_PRODUCT_CREDIT, NULL},
};

struct issuer_fixture {
	char dir[64], path[1024], schema[STORE_FIXTURE_SCHEMA_MAX];
	store *s;
	hsm *h;
	struct issuer_keys keys;
	struct issuer_config cfg;
	issuer *is;
	hsm_key zpk, other_zpk; /* zone PIN keys: the acquirer's, and one the issuer is not told */
	int64_t now;
	unsigned stan, atc;
	int sms_count, sms_in_txn; /* texts sent, and of those sent inside a transaction */
	char sms_phone[ISSUER_PHONE_MAX + 1], sms_text[256];
};

static inline int test_sms(void *ctx, const char *phone, const char *text)
{
	struct issuer_fixture *f = ctx;

	f->sms_count++;
	f->sms_in_txn += store_in_transaction(f->s);
	snprintf(f->sms_phone, sizeof f->sms_phone, "%s", phone);
	snprintf(f->sms_text, sizeof f->sms_text, "%s", text);
	return 0;
}

/* The one run of exactly six digits in the last SMS. */
static inline void test_sms_code(const struct issuer_fixture *f, char code[ISSUER_OTP_LEN + 1])
{
	const char *s = f->sms_text;
	int found = 0;

	while (*s != '\0') {
		size_t n = 0;

		while (isdigit((unsigned char)s[n]))
			n++;
		if (n == ISSUER_OTP_LEN) {
			memcpy(code, s, n);
			code[n] = '\0';
			found++;
		}
		s += n > 0 ? n : 1;
	}
	assert_int_equal(found, 1);
}

/* Opens the issuer again with f->cfg, as a test that changed a setting needs. */
static inline void test_reopen(struct issuer_fixture *f)
{
	issuer_close(f->is);
	f->is = NULL;
	assert_int_equal(issuer_open(f->s, f->h, &f->cfg, &f->keys, &f->is), ISSUER_OK);
}

static inline int issuer_fixture_setup(void **state)
{
	static const uint8_t lmk[HSM_LMK_LEN] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF,
	                                         0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10,
	                                         0x0F, 0x1E, 0x2D, 0x3C, 0x4B, 0x5A, 0x69, 0x78,
	                                         0x87, 0x96, 0xA5, 0xB4, 0xC3, 0xD2, 0xE1, 0xF0};
	static const struct hsm_key_spec zpk = {"P0", HSM_TDES, 16, 'B', 'N'};
	struct issuer_fixture *f = calloc(1, sizeof *f);
	hsm_key *keys[6];

	if (f == NULL)
		return -1;
	keys[0] = &f->keys.data;
	keys[1] = &f->keys.pan_hash;
	keys[2] = &f->keys.cvk;
	keys[3] = &f->keys.pvk;
	keys[4] = &f->keys.imk;
	keys[5] = &f->keys.pin;
	snprintf(f->dir, sizeof f->dir, "/tmp/possum-issuer-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	if (store_fixture_name(f->dir, f->path, sizeof f->path, f->schema) != 0 ||
	    store_open(f->path, &f->s) != STORE_OK || hsm_open(lmk, &f->h) != HSM_OK)
		return -1;
	for (size_t i = 0; i < 6; i++)
		if (hsm_generate(f->h, &issuer_key_specs[i], keys[i], NULL) != HSM_OK)
			return -1;
	if (hsm_generate(f->h, &zpk, &f->zpk, NULL) != HSM_OK ||
	    hsm_generate(f->h, &zpk, &f->other_zpk, NULL) != HSM_OK)
		return -1;
	issuer_config_defaults(&f->cfg);
	f->cfg.bins = test_bins;
	f->cfg.n_bins = sizeof test_bins / sizeof test_bins[0];
	f->cfg.sms = test_sms;
	f->cfg.sms_ctx = f;
	if (issuer_open(f->s, f->h, &f->cfg, &f->keys, &f->is) != ISSUER_OK)
		return -1;
	f->now = T_NOW;
	f->stan = 1;
	f->atc = 1;
	*state = f;
	return 0;
}

static inline void test_violation_print(void *ctx, const char *what)
{
	(void)ctx;
	fprintf(stderr, "ledger violation: %s\n", what);
}

/* The ledger's check must find nothing wrong after any test. */
static inline int issuer_fixture_teardown(void **state)
{
	struct issuer_fixture *f = *state;
	struct ledger_report r;
	int rc = 0;

	if (ledger_check(f->s, &r, test_violation_print, NULL) != LEDGER_OK || r.violations != 0)
		rc = -1;
	issuer_close(f->is);
	store_close(f->s);
	hsm_close(f->h);
	if (store_fixture_remove(f->dir, f->schema) != 0)
		rc = -1;
	free(f);
	return rc;
}

/* ---- cards ---- */

static inline struct issuer_card_request test_card_request(enum card_product product, bool chip)
{
	return (struct issuer_card_request){.product = product,
	                                    .holder = T_HOLDER,
	                                    .id_number = T_ID,
	                                    .phone = T_PHONE,
	                                    .balance =
	                                        product == CARD_PRODUCT_DEBIT ? T_BALANCE : 0,
	                                    .limit = product == CARD_PRODUCT_CREDIT ? T_LIMIT : 0,
	                                    .pin = T_PIN,
	                                    .chip = chip};
}

/* A debit card (balance T_BALANCE) or a credit card (limit T_LIMIT), PIN T_PIN. */
static inline struct issuer_card_image test_issue(struct issuer_fixture *f,
                                                  enum card_product product, bool chip)
{
	struct issuer_card_request req = test_card_request(product, chip);
	struct issuer_card_image img;

	assert_int_equal(issuer_card_issue(f->is, &req, f->now, &img), ISSUER_OK);
	return img;
}

static inline struct issuer_card test_card(struct issuer_fixture *f, int64_t id)
{
	struct issuer_card c;

	assert_int_equal(issuer_card_get(f->is, id, &c), ISSUER_OK);
	return c;
}

/* The card's account as it must be: available, balance, held. */
static inline void test_money(struct issuer_fixture *f, int64_t id, int64_t available,
                              int64_t balance, int64_t held)
{
	struct issuer_card c = test_card(f, id);

	assert_int_equal(c.available, available);
	assert_int_equal(c.balance, balance);
	assert_int_equal(c.held, held);
}

/* ---- requests ---- */

/* A request as the tests write it: pointers into their own buffers, NULL or "" for absent;
 * made the host's struct request (test_to_request) when it is decided. */
struct test_fields {
	enum request_type op;
	const char *pan, *track2, *expiry;
	enum request_entry entry;
	const uint8_t *pin_block; /* under pin_key */
	const hsm_key *pin_key;
	const uint8_t *icc;
	size_t icc_len;
	int64_t amount;
	uint16_t currency;
	const char *acquirer, *stan, *transmit, *terminal, *merchant, *rrn, *merchant_name;
	const char *orig_auth_code, *orig_rrn;
	const char *holder, *id_number, *phone, *otp;
	bool advice; /* of a stand-in approval: orig_auth_code the acquirer's */
};

struct test_request {
	struct test_fields r;
	char pan[CARD_PAN_MAX + 1], track2[CARD_TRACK2_MAX + 1], stan[7], rrn[13], orig_rrn[13];
	uint8_t pin_block[8];
	uint8_t icc[256];
	uint8_t sk[16], arqc[8]; /* chip: the session key and the ARQC, to check the ARPC */
};

/* A fresh identity: acquirer, STAN (never used before in this test), time, terminal, merchant,
 * RRN. */
static inline void test_identity(struct issuer_fixture *f, struct test_request *t)
{
	unsigned n = f->stan++;

	snprintf(t->stan, sizeof t->stan, "%06u", n);
	snprintf(t->rrn, sizeof t->rrn, "%012u", 330000 + n);
	t->r.acquirer = T_ACQUIRER;
	t->r.stan = t->stan;
	t->r.transmit = T_TRANSMIT;
	t->r.terminal = T_TERMINAL;
	t->r.merchant = T_MERCHANT;
	t->r.rrn = t->rrn;
}

/* A PIN block of pin for img's PAN under key (format 0, as the terminal's PIN pad makes it). */
static inline void test_pin(struct issuer_fixture *f, struct test_request *t, const hsm_key *key,
                            const char *pin, const char *pan)
{
	assert_int_equal(hsm_encrypt_pin(f->h, key, pin, pan, t->pin_block), HSM_OK);
	t->r.pin_block = t->pin_block;
	t->r.pin_key = &f->zpk;
}

/* A request of op for img with amount (CNY): track 2 from the card (a chip card's is the image
 * on its chip, with the iCVV, so read as chip), a PIN block when pin is not NULL, a fresh
 * identity. */
static inline void test_swipe(struct issuer_fixture *f, struct test_request *t,
                              enum request_type op, const struct issuer_card_image *img,
                              int64_t amount, const char *pin)
{
	memset(t, 0, sizeof *t);
	t->r.op = op;
	snprintf(t->track2, sizeof t->track2, "%s", img->track2);
	t->r.track2 = t->track2;
	t->r.entry = img->chip ? REQUEST_ENTRY_CHIP : REQUEST_ENTRY_STRIPE;
	t->r.amount = amount;
	t->r.currency = T_CNY;
	if (pin != NULL)
		test_pin(f, t, &f->zpk, pin, img->pan);
	test_identity(f, t);
}

#define TEST_SQL_COLS 8

/* Reads sql on the store named path (a fixture's) through a connection of its own, SQLite's
 * or PostgreSQL's: fn on each row (its first TEST_SQL_COLS columns as text, NULL for a NULL)
 * until it returns non-zero; how many rows it was given. The SQL is both engines': its one
 * text parameter (param; NULL: none) is $1, which SQLite takes as a parameter's name. */
static inline int test_sql_rows(const char *path, const char *sql, const char *param,
                                int (*fn)(void *ctx, const char *const *cols), void *ctx)
{
	const char *cols[TEST_SQL_COLS];
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = 0, stop = 0;

#ifdef POSSUM_HAVE_LIBPQ
	if (store_name_is_pg(path)) {
		PGconn *c = PQconnectdb(path + strlen(STORE_PG_PREFIX));
		PGresult *r;

		assert_int_equal(PQstatus(c), CONNECTION_OK);
		r = PQexecParams(c, sql, param != NULL, NULL, &param, NULL, NULL, 0);
		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		for (; stop == 0 && n < PQntuples(r); n++) {
			for (int i = 0; i < TEST_SQL_COLS; i++)
				cols[i] = i < PQnfields(r) && !PQgetisnull(r, n, i)
				              ? PQgetvalue(r, n, i)
				              : NULL;
			stop = fn(ctx, cols);
		}
		PQclear(r);
		PQfinish(c);
		return n;
	}
#endif
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (param != NULL)
		assert_int_equal(sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC), SQLITE_OK);
	for (; stop == 0 && sqlite3_step(st) == SQLITE_ROW; n++) {
		for (int i = 0; i < TEST_SQL_COLS; i++)
			cols[i] = i < sqlite3_column_count(st)
			              ? (const char *)sqlite3_column_text(st, i)
			              : NULL;
		stop = fn(ctx, cols);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* test_sql_first()'s row: the first column into a buffer. */
struct test_sql_text {
	char *out;
	size_t cap;
};

static inline int test_sql_text_of(void *ctx, const char *const *cols)
{
	struct test_sql_text *t = ctx;

	snprintf(t->out, t->cap, "%s", cols[0] != NULL ? cols[0] : "");
	return 1;
}

/* The first row of sql (as test_sql_rows()): its first column as text into out (cap bytes;
 * "" when NULL or no row); 1, or 0 when there is no row. */
static inline int test_sql_first(const char *path, const char *sql, const char *param, char *out,
                                 size_t cap)
{
	struct test_sql_text t = {out, cap};

	*out = '\0';
	return test_sql_rows(path, sql, param, test_sql_text_of, &t);
}

/* The integer sql (as test_sql_first) reads first: a count. */
static inline int64_t test_sql_int(const char *path, const char *sql, const char *param)
{
	char v[32];

	assert_int_equal(test_sql_first(path, sql, param, v, sizeof v), 1);
	return strtoll(v, NULL, 10);
}

/* The RRN of the decision that gave auth_code, read through a connection of its own; an
 * RRN no decision has when none gave it. */
static inline void test_rrn_of(const struct issuer_fixture *f, const char *auth_code, char rrn[13])
{
	if (test_sql_first(
	        f->path, "SELECT rrn FROM decisions WHERE auth_code = $1 ORDER BY id DESC LIMIT 1",
	        auth_code, rrn, 13) == 0)
		snprintf(rrn, 13, "999999999999");
}

/* A follow-up (completion, cancel, void, refund) of the original that gave auth_code, named
 * as docs/cup-pos.md has the terminal name it: by auth code (38) for a pre-authorization's
 * cancel and completion, by RRN (37) for a refund, by both for the voids. The PAN keyed in,
 * no PIN. auth_code NULL: the caller names it. */
static inline void test_follow_up(struct issuer_fixture *f, struct test_request *t,
                                  enum request_type op, const struct issuer_card_image *img,
                                  int64_t amount, const char *auth_code)
{
	memset(t, 0, sizeof *t);
	t->r.op = op;
	snprintf(t->pan, sizeof t->pan, "%s", img->pan);
	t->r.pan = t->pan;
	t->r.entry = REQUEST_ENTRY_MANUAL;
	t->r.amount = amount;
	t->r.currency = T_CNY;
	test_identity(f, t);
	if (auth_code == NULL)
		return;
	if (op != REQUEST_REFUND)
		t->r.orig_auth_code = auth_code;
	if (op == REQUEST_VOID || op == REQUEST_REFUND || op == REQUEST_COMPLETION_VOID) {
		test_rrn_of(f, auth_code, t->orig_rrn);
		t->r.orig_rrn = t->orig_rrn;
	}
}

/* An advice of op for img as the acquirer sends it after approving it in the issuer's name:
 * the card number and expiry (no track 2, no PIN), auth_code the acquirer's (NULL: none), a
 * fresh identity. */
static inline void test_advice(struct issuer_fixture *f, struct test_request *t,
                               enum request_type op, const struct issuer_card_image *img,
                               int64_t amount, const char *auth_code)
{
	memset(t, 0, sizeof *t);
	t->r.op = op;
	t->r.advice = true;
	snprintf(t->pan, sizeof t->pan, "%s", img->pan);
	t->r.pan = t->pan;
	t->r.expiry = img->expiry;
	t->r.entry = REQUEST_ENTRY_STRIPE;
	t->r.amount = amount;
	t->r.currency = T_CNY;
	t->r.orig_auth_code = auth_code;
	test_identity(f, t);
}

/* The decisions recorded of STAN stan, and how many of them moved money (a transfer). */
static inline int test_decisions_of(const struct issuer_fixture *f, const char *stan, int *posted)
{
	*posted = (int)test_sql_int(
	    f->path, "SELECT COUNT(transfer_id) FROM decisions WHERE stan = $1", stan);
	return (int)test_sql_int(f->path, "SELECT COUNT(*) FROM decisions WHERE stan = $1", stan);
}

/* The reversal of orig (same acquirer, terminal and STAN, its own transmission time). */
static inline void test_reversal(struct test_request *t, const struct test_request *orig,
                                 const char *transmit)
{
	memset(t, 0, sizeof *t);
	t->r.op = REQUEST_REVERSAL;
	snprintf(t->stan, sizeof t->stan, "%s", orig->stan);
	snprintf(t->pan, sizeof t->pan, "%s", orig->r.pan != NULL ? orig->r.pan : "");
	t->r.pan = t->pan;
	t->r.amount = orig->r.amount;
	t->r.currency = orig->r.currency;
	t->r.acquirer = orig->r.acquirer;
	t->r.stan = t->stan;
	t->r.transmit = transmit;
	t->r.terminal = orig->r.terminal;
	t->r.merchant = orig->r.merchant;
}

/* The CDOL1 data of a terminal's chip read: the values of issuer_cdol1, in its order. */
static inline size_t test_cdol1(uint8_t out[ISSUER_CDOL1_LEN], int64_t amount, unsigned atc)
{
	size_t pos = 0;

	memset(out, 0, ISSUER_CDOL1_LEN);
	/* 9F02 amount, n12 BCD */
	for (int i = 5; i >= 0; i--, amount /= 100)
		out[i] = (uint8_t)((amount % 100 / 10) << 4 | (amount % 10));
	pos = 6 + 6;                                        /* 9F03 other amount: zero */
	memcpy(out + pos, "\x01\x56", 2), pos += 2;         /* 9F1A terminal country: China */
	pos += 5;                                           /* 95 TVR: zero */
	memcpy(out + pos, "\x01\x56", 2), pos += 2;         /* 5F2A currency: CNY */
	memcpy(out + pos, "\x26\x11\x30", 3), pos += 3;     /* 9A date */
	out[pos++] = 0x00;                                  /* 9C type: goods and services */
	memcpy(out + pos, "\x5A\x17\xC3\x09", 4), pos += 4; /* 9F37 unpredictable number */
	memcpy(out + pos, "\x7C\x00", 2), pos += 2;         /* 82 AIP */
	out[pos++] = (uint8_t)(atc >> 8);                   /* 9F36 ATC */
	out[pos++] = (uint8_t)atc;
	assert_int_equal(pos, ISSUER_CDOL1_LEN);
	return pos;
}

/* Field 55 of a chip read of img: the CDOL1 tags, 5F34 and 9F26, the ARQC computed as the
 * card does (session key from its master key and the ATC); skip (0: none) is a CDOL1 tag left
 * out. */
static inline void test_icc(struct issuer_fixture *f, struct test_request *t,
                            const struct issuer_card_image *img, int64_t amount, uint32_t skip)
{
	uint8_t data[ISSUER_CDOL1_LEN], r[8] = {0}, psn = 0x00;
	unsigned atc = f->atc++;
	size_t pos = 0, off = 0;

	test_cdol1(data, amount, atc);
	r[0] = (uint8_t)(atc >> 8);
	r[1] = (uint8_t)atc;
	assert_int_equal(crypto_emv_session_key(img->icc_mk, r, sizeof r, t->sk), CRYPTO_OK);
	assert_int_equal(crypto_emv_arqc(t->sk, data, sizeof data, t->arqc), CRYPTO_OK);
	for (size_t i = 0; i < ISSUER_CDOL1_ENTRIES; i++) {
		if (issuer_cdol1[i].tag != skip)
			assert_int_equal(tlv_put(t->icc, sizeof t->icc, &pos, issuer_cdol1[i].tag,
			                         data + off, issuer_cdol1[i].len),
			                 TLV_OK);
		off += issuer_cdol1[i].len;
	}
	assert_int_equal(tlv_put(t->icc, sizeof t->icc, &pos, 0x5F34, &psn, 1), TLV_OK);
	assert_int_equal(tlv_put(t->icc, sizeof t->icc, &pos, 0x9F26, t->arqc, 8), TLV_OK);
	t->r.icc = t->icc;
	t->r.icc_len = pos;
}

/* A chip read of img: its track 2 image (with the iCVV), field 55, a PIN block when pin is
 * not NULL. */
static inline void test_chip(struct issuer_fixture *f, struct test_request *t, enum request_type op,
                             const struct issuer_card_image *img, int64_t amount, const char *pin)
{
	test_swipe(f, t, op, img, amount, pin);
	t->r.entry = REQUEST_ENTRY_CHIP;
	test_icc(f, t, img, amount, 0);
}

/* The response's tag 91 must be the ARPC (method 1, session key) of t's ARQC with the
 * response code as ARC. */
static inline void test_check_arpc(const struct test_request *t, const struct issuer_response *resp)
{
	uint8_t arpc[8];
	tlv v;

	assert_int_equal(tlv_find(resp->icc, resp->icc_len, 0x91, &v), TLV_OK);
	assert_int_equal(v.len, 10);
	assert_int_equal(crypto_emv_arpc1(t->sk, t->arqc, (const uint8_t *)resp->rc, arpc),
	                 CRYPTO_OK);
	assert_memory_equal(v.value, arpc, 8);
	assert_memory_equal(v.value + 8, resp->rc, 2);
}

/* A string of the test's into a request's field, which it must fit. */
static inline void test_copy(char *dst, size_t cap, const char *src)
{
	assert_int_equal(request_copy(dst, cap, src), REQUEST_OK);
}

/* The host's request of what the test wrote: read as a link reads one (request_card_set). */
static inline void test_to_request(const struct test_fields *r, struct request *q)
{
	request_init(q);
	q->type = r->op;
	q->advice = r->advice;
	assert_int_equal(request_card_set(q, r->pan, r->track2, r->expiry), REQUEST_OK);
	q->card.entry = r->entry;
	if (r->pin_block != NULL) {
		memcpy(q->pin_block, r->pin_block, sizeof q->pin_block);
		q->has_pin = true;
		q->pin_key = r->pin_key;
	}
	assert_true(r->icc_len <= sizeof q->card.icc);
	if (r->icc != NULL)
		memcpy(q->card.icc, r->icc, q->card.icc_len = r->icc_len);
	q->amount = r->amount;
	q->currency = r->currency;
	test_copy(q->acquirer, sizeof q->acquirer, r->acquirer);
	test_copy(q->stan, sizeof q->stan, r->stan);
	test_copy(q->transmit, sizeof q->transmit, r->transmit);
	test_copy(q->terminal, sizeof q->terminal, r->terminal);
	test_copy(q->merchant, sizeof q->merchant, r->merchant);
	test_copy(q->rrn, sizeof q->rrn, r->rrn);
	test_copy(q->merchant_name, sizeof q->merchant_name, r->merchant_name);
	test_copy(q->orig.auth_code, sizeof q->orig.auth_code, r->orig_auth_code);
	test_copy(q->orig.rrn, sizeof q->orig.rrn, r->orig_rrn);
	if (r->op == REQUEST_REVERSAL) { /* named by its own STAN and amount: the original's */
		test_copy(q->orig.stan, sizeof q->orig.stan, r->stan);
		q->orig.amount = r->amount;
	}
	test_copy(q->holder, sizeof q->holder, r->holder);
	test_copy(q->id_number, sizeof q->id_number, r->id_number);
	test_copy(q->phone, sizeof q->phone, r->phone);
	test_copy(q->otp, sizeof q->otp, r->otp);
}

/* Decides q as the inbound link does: a transaction, the decision, the cardholder's text, the
 * commit, then any code sent. The issuer's code; nothing committed unless ISSUER_OK. */
static inline int test_decide(struct issuer_fixture *f, const struct request *q,
                              struct issuer_response *resp)
{
	int rc;

	assert_int_equal(store_begin(f->s), STORE_OK);
	if ((rc = issuer_authorize(f->is, q, f->now, resp)) != ISSUER_OK ||
	    (rc = issuer_notify(f->is, q, resp, f->now)) != ISSUER_OK) {
		store_rollback(f->s);
		return rc;
	}
	assert_int_equal(store_commit(f->s), STORE_OK);
	issuer_send_pending(f->is, resp);
	return ISSUER_OK;
}

static inline struct issuer_response test_authorize(struct issuer_fixture *f,
                                                    const struct test_request *t)
{
	struct issuer_response resp;
	struct request q;

	test_to_request(&t->r, &q);
	assert_int_equal(test_decide(f, &q, &resp), ISSUER_OK);
	request_wipe(&q);
	return resp;
}

/* Authorizes t and checks the response code (and the reason, when not NULL). */
static inline struct issuer_response test_expect(struct issuer_fixture *f,
                                                 const struct test_request *t, const char *rc,
                                                 const char *reason)
{
	struct issuer_response resp = test_authorize(f, t);

	assert_string_equal(resp.rc, rc);
	if (reason != NULL)
		assert_string_equal(resp.reason, reason);
	return resp;
}

static inline bool test_is_digits(const char *s, size_t n)
{
	return strlen(s) == n && crypto_digits(s, n, n) == n;
}

#endif
