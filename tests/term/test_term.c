/* test_term.c — the reference terminal without a host: setting it up from components (KCVs
 * checked), the card image, sealing the PAN, the reversal record surviving a reopen, the
 * batch's totals, receipts (masked, both copies, both languages), response code texts, and
 * the fault injection aid against a host that echoes (the reversal left pending); the clock
 * the host sets (the offset of a sign-in's 12 and 13) and the local dates it gives, on a
 * machine whose zone's date is not the host's: a chip request's 9A and a refund's 61.3 (the
 * original's date when the terminal made it); QR-code requests as they leave (the code in 2,
 * entry mode 03x, no card data; the wallet PIN; the no-PIN limit; the refund, query and results'
 * references), their reversal, totals and receipts; an approval the acquirer made in the issuer's
 * name (44 STAND-IN) kept and printed as a stand-in, and nothing else taken for one; a chip card
 * against the AIDs and CA keys the terminal holds (docs/tms.md "Chip transactions at the
 * terminal"): its application selected exactly or partially, or refused before anything is
 * sent; the TVR's floor-limit and CA-key bits; an offline decline by TAC-denial; and the TVR
 * sent in 55 under an ARQC that covers it, the list's label on the record. */
#include "testutil.h"

#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "crypto/crypto.h"
#include "crypto/emv.h"
#include "tlv/tlv.h"
#include "term/internal.h"

struct fixture {
	char dir[64], db[96];
	uint8_t lmk[HSM_LMK_LEN];
	store *s;
	hsm *h;
	struct hsm_component parts[2];
	/* The test host's answer (send_echo()): NULL, the request echoed; else 39 as this, with
	 * 44 answer44 (when not NULL), MAC'd under the terminal's MAK. */
	const char *answer39, *answer44;
};

static const struct term_setup setup_ok = {"127.0.0.1:1", "TERM0001", "898310048120001",
                                           "SN0001",      0,          NULL};

static int fx_setup(void **state)
{
	static const struct hsm_key_spec tmk = {"K0", HSM_TDES, 16, 'D', 'S'};
	struct fixture *f = calloc(1, sizeof *f);
	hsm_key k;

	strcpy(f->dir, "/tmp/test_term_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof f->db, "%s/possum.db", f->dir);
	memset(f->lmk, 0x5A, sizeof f->lmk);
	assert_int_equal(hsm_open(f->lmk, &f->h), HSM_OK);
	assert_int_equal(store_open(f->db, &f->s), STORE_OK);
	/* The TMK as the host would make it, given to the terminal as two components. */
	assert_int_equal(hsm_generate(f->h, &tmk, &k, NULL), HSM_OK);
	assert_int_equal(hsm_export_components(f->h, &k, 2, f->parts, NULL), HSM_OK);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fixture *f = *state;
	char path[128];

	store_close(f->s);
	hsm_close(f->h);
	for (const char *const *n = (const char *const[]){"", "-wal", "-shm", NULL}; *n; n++) {
		snprintf(path, sizeof path, "%s%s", f->db, *n);
		unlink(path);
	}
	rmdir(f->dir);
	crypto_wipe(f, sizeof *f);
	free(f);
	return 0;
}

static void setup_checks_components(void **state)
{
	struct fixture *f = *state;
	struct hsm_component bad[2];
	struct term_setup s = setup_ok;
	term *t;
	size_t which = 9;

	assert_int_equal(term_open(f->s, f->h, &t), TERM_ENOINIT);
	memcpy(bad, f->parts, sizeof bad);
	bad[1].kcv.v[0] ^= 1;
	assert_int_equal(term_setup(f->s, f->h, &s, bad, 2, &which), TERM_EKCV);
	assert_int_equal(which, 1);
	s.tid = "SHORT";
	assert_int_equal(term_setup(f->s, f->h, &s, f->parts, 2, NULL), TERM_EARG);
	assert_int_equal(term_setup(f->s, f->h, &setup_ok, f->parts, 1, NULL), TERM_EARG);
	assert_int_equal(term_setup(f->s, f->h, &setup_ok, f->parts, 2, NULL), TERM_OK);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_string_equal(term_state(t)->tid, "TERM0001");
	assert_int_equal(term_state(t)->timeout, 30);
	assert_int_equal(term_state(t)->batch, 1);
	assert_string_equal(term_state(t)->location, "");
	term_close(t);
	/* A location: kept as written; malformed, refused. */
	s = setup_ok;
	s.location = "xx";
	assert_int_equal(term_setup(f->s, f->h, &s, f->parts, 2, NULL), TERM_EARG);
	s.location = "91000000,0";
	assert_int_equal(term_setup(f->s, f->h, &s, f->parts, 2, NULL), TERM_EARG);
	s.location = "-31230416,121473701";
	assert_int_equal(term_setup(f->s, f->h, &s, f->parts, 2, NULL), TERM_OK);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_string_equal(term_state(t)->location, "-31230416,121473701");
	/* Not signed in: no working keys, nothing is sent. */
	struct term_request req = {.kind = TERM_BALANCE};
	struct term_result r;
	assert_int_equal(term_transact(t, &req, &r), TERM_ESIGNIN);
	req.kind = TERM_SIGNIN;
	assert_int_equal(term_transact(t, &req, &r), TERM_EARG);
	term_close(t);
}

/* Set up again under the same TID, against another address (another host of the same acquirer,
 * which has seen its STANs): its STAN and batch go on; under another TID they start again. */
static void setup_again_keeps_stan(void **state)
{
	struct fixture *f = *state;
	struct term_setup s = setup_ok;
	struct store_term_state st;
	term *t;
	int stan;

	assert_int_equal(term_setup(f->s, f->h, &setup_ok, f->parts, 2, NULL), TERM_OK);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(term_next_stan(t, &stan), TERM_OK);
	term_close(t);
	assert_int_equal(store_term_state_get(f->s, &st), STORE_OK);
	st.batch = 7;
	assert_int_equal(store_term_state_put(f->s, &st), STORE_OK);
	s.host = "127.0.0.1:2";
	assert_int_equal(term_setup(f->s, f->h, &s, f->parts, 2, NULL), TERM_OK);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_string_equal(term_state(t)->host, "127.0.0.1:2");
	assert_int_equal(term_state(t)->stan, 3);
	assert_int_equal(term_state(t)->batch, 7);
	assert_int_equal(term_next_stan(t, &stan), TERM_OK);
	assert_int_equal(stan, 4);
	term_close(t);
	s.tid = "TERM0002";
	assert_int_equal(term_setup(f->s, f->h, &s, f->parts, 2, NULL), TERM_OK);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_int_equal(term_state(t)->stan, 0);
	assert_int_equal(term_state(t)->batch, 1);
	term_close(t);
}

/* A card image whose emv object ends with extra (",\"capk_index\":…"), written to path. */
static void chip_image(const char *path, const char *extra)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fprintf(fp,
	        "{\"pan\":\"6228480402564890018\",\"expiry\":\"2812\",\"service_code\":\"220\","
	        "\"track2\":\"6228480402564890018=28122201234\",\"emv\":{\"psn\":\"01\","
	        "\"icc_mk\":\"0123456789ABCDEFFEDCBA9876543210\"%s}}",
	        extra);
	fclose(fp);
}

static void card_image(void **state)
{
	struct fixture *f = *state;
	struct term_card c;
	char path[128];
	FILE *fp;

	snprintf(path, sizeof path, "%s/card.json", f->dir);
	fp = fopen(path, "w");
	fputs("{\"pan\":\"6228480402564890018\",\"expiry\":\"2812\",\"service_code\":\"220\","
	      "\"cvv2\":\"123\",\"pin\":\"123456\",\"track2\":\"6228480402564890018=28122201234\","
	      "\"emv\":{\"psn\":\"01\",\"icc_mk\":\"0123456789ABCDEFFEDCBA9876543210\"}}",
	      fp);
	fclose(fp);
	assert_int_equal(term_card_load(path, &c), TERM_OK);
	assert_string_equal(c.pan, "6228480402564890018");
	assert_true(c.chip);
	assert_memory_equal(c.icc_mk, HEX("0123456789ABCDEFFEDCBA9876543210"), 16);
	assert_false(c.has_capk);
	term_card_wipe(&c);
	/* The CA key it names (8F): 2 hex digits, else the image is refused. */
	chip_image(path, ",\"capk_index\":\"0B\"");
	assert_int_equal(term_card_load(path, &c), TERM_OK);
	assert_true(c.has_capk);
	assert_int_equal(c.capk_index, 0x0B);
	for (const char *const *bad =
	         (const char *const[]){",\"capk_index\":\"B\"", ",\"capk_index\":\"0G\"",
	                               ",\"capk_index\":11", NULL};
	     *bad != NULL; bad++) {
		chip_image(path, *bad);
		assert_int_equal(term_card_load(path, &c), TERM_ECARD);
	}
	fp = fopen(path, "w");
	fputs("{\"pan\":\"62284804x\",\"expiry\":\"2812\"}", fp);
	fclose(fp);
	assert_int_equal(term_card_load(path, &c), TERM_ECARD);
	assert_int_equal(term_card_load("/nonexistent/card.json", &c), TERM_ECARD);
	unlink(path);
}

/* A recorded transaction, as attempt() records it, with its PAN sealed by term's key. */
static void record(term *t, struct fixture *f, int kind, int stan, int64_t amount, int status,
                   const char *rc)
{
	struct store_term_txn x = {0};
	char aad[16], clear[] = "6228480402564890018=2812";

	x.kind = kind;
	x.stan = stan;
	x.batch = term_state(t)->batch;
	x.amount = amount;
	x.status = status;
	x.reversible = true;
	strcpy(x.mti, "0200");
	strcpy(x.proc, "000000");
	strcpy(x.cond, "00");
	strcpy(x.type, "22");
	strcpy(x.entry, "021");
	strcpy(x.masked, "622848*********0018");
	strcpy(x.rc, rc);
	snprintf(aad, sizeof aad, "%06d%06d", x.batch, x.stan);
	assert_int_equal(hsm_data_encrypt(f->h, &t->dek, (const uint8_t *)aad, 12,
	                                  (const uint8_t *)clear, strlen(clear), x.sealed,
	                                  sizeof x.sealed, &x.sealed_len),
	                 HSM_OK);
	assert_int_equal(store_term_txn_insert(f->s, &x), STORE_OK);
}

static void reversal_survives_reopen(void **state)
{
	struct fixture *f = *state;
	struct store_term_txn x;
	char pan[20], expiry[5];
	bool pending;
	term *t;

	assert_int_equal(term_setup(f->s, f->h, &setup_ok, f->parts, 2, NULL), TERM_OK);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_int_equal(term_reversal_pending(t, NULL, &pending), TERM_OK);
	assert_false(pending);
	record(t, f, TERM_PURCHASE, 7, 1234, STORE_TERM_SENT, "");
	term_close(t);
	/* The terminal "crashed" between recording and the answer: reopen everything. */
	store_close(f->s);
	assert_int_equal(store_open(f->db, &f->s), STORE_OK);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_int_equal(term_reversal_pending(t, &x, &pending), TERM_OK);
	assert_true(pending);
	assert_int_equal(x.stan, 7);
	assert_int_equal(x.amount, 1234);
	assert_int_equal(term_unseal(t, &x, pan, expiry), TERM_OK);
	assert_string_equal(pan, "6228480402564890018");
	assert_string_equal(expiry, "2812");
	/* The sealed PAN is bound to its batch and STAN. */
	x.stan = 8;
	assert_int_equal(term_unseal(t, &x, pan, expiry), TERM_EHSM);
	x.stan = 7;
	/* Acknowledged: nothing is pending any more. */
	x.status = STORE_TERM_REVERSED;
	assert_int_equal(store_term_txn_update(f->s, &x), STORE_OK);
	assert_int_equal(term_reversal_pending(t, NULL, &pending), TERM_OK);
	assert_false(pending);
	term_close(t);
}

static void totals_and_receipt(void **state)
{
	struct fixture *f = *state;
	struct store_term_txn x;
	struct term_totals tt;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	term *t;

	assert_int_equal(term_setup(f->s, f->h, &setup_ok, f->parts, 2, NULL), TERM_OK);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	record(t, f, TERM_PURCHASE, 1, 1000, STORE_TERM_ANSWERED, "00");
	record(t, f, TERM_PURCHASE, 2, 500, STORE_TERM_ANSWERED, "51");
	record(t, f, TERM_REFUND, 3, 300, STORE_TERM_ANSWERED, "00");
	record(t, f, TERM_COMPLETION, 4, 700, STORE_TERM_ANSWERED, "00");
	record(t, f, TERM_PURCHASE, 5, 900, STORE_TERM_REVERSED, "");
	/* A voided sale stays a sale; its void counts with the refunds (spec field 48). */
	record(t, f, TERM_PURCHASE, 6, 250, STORE_TERM_ANSWERED, "00");
	record(t, f, TERM_VOID, 7, 250, STORE_TERM_ANSWERED, "00");
	record(t, f, TERM_VOID, 8, 400, STORE_TERM_ANSWERED, "55");
	/* QR payments are sales and QR refunds refunds; a payment by the static code (batch 0,
	 * the host's) is none of the batch's. */
	record(t, f, TERM_QR_PAY, 9, 1000, STORE_TERM_ANSWERED, "00");
	record(t, f, TERM_QR_PAY, 10, 700, STORE_TERM_ANSWERED, "Q3");
	record(t, f, TERM_QR_REFUND, 11, 300, STORE_TERM_ANSWERED, "00");
	x = (struct store_term_txn){.kind = TERM_QR_RESULT, .amount = 888, .rc = "00"};
	assert_int_equal(store_term_txn_insert(f->s, &x), STORE_OK);
	assert_int_equal(term_totals(t, term_state(t)->batch, &tt), TERM_OK);
	assert_int_equal(tt.sales, 2950);
	assert_int_equal(tt.sales_count, 4);
	assert_int_equal(tt.refunds, 850);
	assert_int_equal(tt.refunds_count, 3);
	assert_int_equal(term_find(t, "1", &x), TERM_OK);
	assert_int_equal(term_find(t, "99", &x), TERM_ENOTFOUND);
	assert_int_equal(term_find(t, "000001", &x), TERM_OK);
	fp = open_memstream(&text, &len);
	term_receipt(term_state(t), NULL, &x, fp);
	fclose(fp);
	assert_non_null(strstr(text, "商户存根"));
	assert_non_null(strstr(text, "CUSTOMER COPY"));
	assert_non_null(strstr(text, "622848*********0018"));
	assert_non_null(strstr(text, "CNY 10.00"));
	assert_non_null(strstr(text, "交易成功"));
	assert_null(strstr(text, "6228480402564890018"));
	free(text);
	term_close(t);
}

/* The slip's text for x under st (the caller frees it). */
static char *slip(const struct store_term_state *st, const struct store_term_txn *x)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	term_receipt(st, NULL, x, fp);
	fclose(fp);
	return text;
}

/* The slip's date has the year (the clock's, across December and January, whose host's date
 * may be a day off it), the merchant's name, and a chip card's AID, label and TC or ARQC. */
static void receipt_year_name_and_chip(void **state)
{
	struct store_term_state st = {
	    .tid = "TERM0001", .mid = "898310048120001", .merchant_name = "Possum Cafe"};
	struct store_term_txn x = {.kind = TERM_PURCHASE,
	                           .amount = 500,
	                           .rc = "00",
	                           .date = "1206",
	                           .time = "103000",
	                           .entry = "051",
	                           .masked = "622588*********2867"};
	static const uint8_t icc[] = {0x9F, 0x26, 0x08, 0x01, 0x23, 0x45,
	                              0x67, 0x89, 0xAB, 0xCD, 0xEF};
	char *text;

	(void)state;
	x.at = 1796522400; /* 2026-12-06T02:00:00Z */
	text = slip(&st, &x);
	assert_non_null(strstr(text, "商户名称 MERCHANT NAME: Possum Cafe\n"));
	assert_non_null(strstr(text, "DATE/TIME: 2026-12-06 10:30:00\n"));
	assert_null(strstr(text, "AID"));
	free(text);
	/* Made at 2026-12-31T20:00Z, 04:00 of January 1st in Beijing: the next year's date. */
	x.at = 1798747200;
	snprintf(x.date, sizeof x.date, "0101");
	text = slip(&st, &x);
	assert_non_null(strstr(text, "DATE/TIME: 2027-01-01 10:30:00\n"));
	free(text);
	/* A clock of January 1st and the host's December 31st: the year before. */
	x.at = 1798761600 + 60; /* 2027-01-01T00:01:00Z */
	snprintf(x.date, sizeof x.date, "1231");
	text = slip(&st, &x);
	assert_non_null(strstr(text, "DATE/TIME: 2026-12-31 10:30:00\n"));
	free(text);
	/* Chip: the application, and the TC when the card gave one, else the request's ARQC. */
	snprintf(x.aid, sizeof x.aid, "A000000333010101");
	snprintf(x.label, sizeof x.label, "UnionPay Debit");
	memcpy(x.icc, icc, sizeof icc);
	x.icc_len = sizeof icc;
	text = slip(&st, &x);
	assert_non_null(
	    strstr(text, "AID: A000000333010101  应用标签 APP LABEL: UnionPay Debit\n"));
	assert_non_null(strstr(text, "ARQC: 0123456789ABCDEF\n"));
	free(text);
	snprintf(x.tc, sizeof x.tc, "AF3247999460FD76");
	text = slip(&st, &x);
	assert_non_null(strstr(text, "TC: AF3247999460FD76\n"));
	assert_null(strstr(text, "ARQC"));
	free(text);
	/* Before any sign-in named the merchant, and with no answer: dashes. */
	st.merchant_name[0] = '\0';
	x.date[0] = x.time[0] = '\0';
	text = slip(&st, &x);
	assert_non_null(strstr(text, "MERCHANT NAME: -\n"));
	assert_non_null(strstr(text, "DATE/TIME: - -\n"));
	free(text);
}

/* A downloaded utc_offset moves the slip's date and time from the host's offset (the
 * sign-in's) to the terminal's, across midnight and the year too; an answer without 12 and 13
 * keeps its dashes. */
static void receipt_local_time(void **state)
{
	struct store_term_state st = {.tid = "TERM0001", .utc_offset = 480};
	struct store_term_txn x = {
	    .kind = TERM_PURCHASE, .rc = "00", .date = "1206", .time = "103000", .entry = "021"};
	struct term_slip local = {.local = true, .utc_offset = 330};
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	x.at = 1796522400; /* 2026-12-06T02:00:00Z: 10:00 in Beijing, 07:30 in India */
	const struct {
		int offset;
		const char *date, *time, *want;
	} cases[] = {
	    {330, "1206", "103000", "DATE/TIME: 2026-12-06 08:00:00\n"},
	    {-300, "1206", "103000", "DATE/TIME: 2026-12-05 21:30:00\n"},
	    {480, "1206", "103000", "DATE/TIME: 2026-12-06 10:30:00\n"},
	    {-600, "0101", "040000", "DATE/TIME: 2026-12-31 10:00:00\n"},
	    {330, "", "", "DATE/TIME: - -\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		local.utc_offset = cases[i].offset;
		snprintf(x.date, sizeof x.date, "%s", cases[i].date);
		snprintf(x.time, sizeof x.time, "%s", cases[i].time);
		if (strcmp(cases[i].date, "0101") == 0)
			x.at = 1798747200; /* 2026-12-31T20:00Z: January 1st 04:00 in Beijing */
		assert_non_null(fp = open_memstream(&text, &len));
		term_receipt(&st, &local, &x, fp);
		fclose(fp);
		if (strstr(text, cases[i].want) == NULL)
			fail_msg("offset %d: %s", cases[i].offset, text);
		free(text);
		text = NULL;
	}
}

/* The host's answer to the request framed in buf (len bytes with its length) into buf: the
 * request's 3, 4, 11, 25, 41, 42, 49 and 60, an RRN and auth code, 39 and 44 as f says, MAC'd
 * under t's MAK; its length with its own, 0 when it cannot be made. */
static size_t answer(const struct fixture *f, const term *t, uint8_t *buf, size_t len)
{
	static const int kept[] = {3, 4, 11, 25, 41, 42, 49, 60};
	iso8583_envelope env, reply;
	iso8583_msg rq, rs;
	uint8_t raw[TERM_FRAME_MAX], mac[8] = {0};
	char v[8][40];
	size_t n;

	if (iso8583_unpack_framed(t->p, buf, len, &env, &rq, NULL) != ISO8583_OK)
		return 0;
	iso8583_msg_init(&rs);
	iso8583_set_mti(&rs, "0210");
	for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
		term_field(&rq, kept[i], v[i], sizeof v[i]);
		if (v[i][0] != '\0')
			iso8583_set_str(&rs, kept[i], v[i]);
	}
	iso8583_set_str(&rs, 37, "600000000042");
	iso8583_set_str(&rs, 38, "654321");
	iso8583_set_str(&rs, 39, f->answer39);
	if (f->answer44 != NULL)
		iso8583_set_str(&rs, 44, f->answer44);
	iso8583_set(&rs, 64, mac, sizeof mac);
	if (iso8583_pack(t->p, &rs, raw, sizeof raw, &n, NULL) != ISO8583_OK ||
	    hsm_mac_generate(t->h, &t->mak, HSM_MAC_CUP_ECB, raw, n - 8, mac, 8) != HSM_OK)
		return 0;
	iso8583_envelope_reply(&env, &reply);
	return iso8583_pack_framed(t->p, &reply, &rs, buf, TERM_FRAME_MAX, &n, NULL) == ISO8583_OK
	           ? n
	           : 0;
}

/* A host that answers each request with itself, its MTI made a response's (or, f->answer39
 * set, with answer()), and hands the first request's frame (without its length) to the test
 * through fd out. Runs in a child, forked with t. */
static void echo_host(const struct fixture *f, const term *t, int lfd, int out)
{
	uint8_t buf[TERM_FRAME_MAX];
	size_t len, got;
	ssize_t n;
	int c = accept(lfd, NULL, NULL), first = 1;

	while (c >= 0 && read(c, buf, 2) == 2) {
		len = (size_t)buf[0] << 8 | buf[1];
		for (got = 0; got < len; got += (size_t)n)
			if ((n = read(c, buf + 2 + got, len - got)) <= 0)
				_exit(1);
		if (first && write(out, buf + 2, len) != (ssize_t)len)
			_exit(1);
		first = 0;
		if (f->answer39 == NULL) {
			buf[2 + 11 + 1] |= 0x10; /* after TPDU and header: BCD MTI 0200 → 0210 */
			len += 2;
		} else if ((len = answer(f, t, buf, len + 2)) == 0) {
			_exit(1);
		}
		if (write(c, buf, len) != (ssize_t)len)
			_exit(1);
	}
	_exit(0);
}

/* A request made against echo_host: what term_transact() returned, the request as it left
 * (after TPDU and header, in frame) and whether its MAC verified under the terminal's MAK. */
struct sent {
	int rc;
	struct term_result res;
	uint8_t frame[TERM_FRAME_MAX];
	size_t len;
	bool mac_ok;
};

/* The terminal, set up for host and signed in as far as it knows: working keys of its own. */
static term *signed_in(struct fixture *f, const char *host, hsm_key *mk)
{
	static const struct hsm_key_spec mak = {"M1", HSM_TDES, 16, 'C', 'N'};
	static const struct hsm_key_spec tdk = {"M1", HSM_TDES, 16, 'G', 'N'};
	struct term_setup s = setup_ok;
	term *t;

	s.host = host;
	assert_int_equal(term_setup(f->s, f->h, &s, f->parts, 2, NULL), TERM_OK);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_int_equal(hsm_generate(f->h, &mak, mk, NULL), HSM_OK);
	t->mak = *mk;
	assert_int_equal(hsm_generate(f->h, &tdk, &t->tdk, NULL), HSM_OK);
	t->signed_in = true;
	term_set_timeout(t, 10);
	return t;
}

/* req made with fault against echo_host, after prep (when not NULL) had the new terminal. */
static void send_echo(struct fixture *f, const struct term_request *req, enum term_inject fault,
                      void (*prep)(term *t, struct fixture *f), struct sent *out)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof a;
	struct term_result *r = &out->res;
	hsm_key mk;
	char host[32];
	int lfd, fds[2], status;
	ssize_t n;
	pid_t pid;
	term *t;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &alen), 0);
	snprintf(host, sizeof host, "127.0.0.1:%d", ntohs(a.sin_port));
	assert_int_equal(pipe(fds), 0);
	t = signed_in(f, host, &mk);
	if (prep != NULL)
		prep(t, f);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		echo_host(f, t, lfd, fds[1]);
	}
	assert_true(pid > 0);
	close(lfd);
	close(fds[1]);
	assert_int_equal(term_set_inject(t, fault), TERM_OK);
	int count;
	out->rc = req->kind == TERM_QR_QUERY    ? term_qr_query(t, req->stan, r)
	          : req->kind == TERM_QR_RESULT ? term_qr_results(t, NULL, NULL, r, &count)
	                                        : term_transact(t, req, r);
	if (out->rc != TERM_OK && out->rc != TERM_EMAC && out->rc != TERM_ETIMEOUT)
		print_message("term_transact: %s\n", term_strerror(out->rc));
	assert_int_equal(t->inject, TERM_INJECT_NONE); /* one request only */
	term_close(t);
	kill(pid, SIGKILL); /* it wrote the request before it answered: no waiting when none came */
	n = read(fds[0], out->frame, sizeof out->frame);
	close(fds[0]);
	assert_true(n > 11 + 8);
	out->len = (size_t)n - 11;
	memmove(out->frame, out->frame + 11, out->len);
	/* The MAC block: from the MTI to the last field before 64. */
	out->mac_ok = hsm_mac_verify(f->h, &mk, HSM_MAC_CUP_ECB, out->frame, out->len - 8,
	                             out->frame + out->len - 8, 8) == HSM_OK;
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

static const struct term_card stripe = {.pan = "6228480402564890018",
                                        .expiry = "2812",
                                        .service_code = "220",
                                        .track2 = "6228480402564890018=28122200000"};

/* A chip card of application aid, naming CA key index capk (-1: none). */
static struct term_card chip_card(const char *aid, int capk)
{
	struct term_card c = stripe;

	c.chip = true;
	strcpy(c.psn, "01");
	strcpy(c.aid, aid);
	strcpy(c.label, "CARD LABEL");
	memset(c.icc_mk, 0x11, sizeof c.icc_mk);
	c.has_capk = capk >= 0;
	c.capk_index = (uint8_t)(capk >= 0 ? capk : 0);
	return c;
}

/* A purchase made with fault against echo_host: its return, the reversal it left pending
 * (*x) and whether the request's MAC verified under the terminal's MAK. */
static int purchase_with(struct fixture *f, enum term_inject fault, struct store_term_txn *x,
                         bool *mac_ok)
{
	struct term_request req = {.kind = TERM_PURCHASE, .card = &stripe, .amount = 1234};
	struct sent out;
	bool pending;
	term *t;

	send_echo(f, &req, fault, NULL, &out);
	*mac_ok = out.mac_ok;
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_int_equal(term_reversal_pending(t, x, &pending), TERM_OK);
	assert_true(pending);
	term_close(t);
	return out.rc;
}

/* A purchase made with fault: what term_transact() returned, whether the request's MAC
 * verified, and the pending reversal's reason. */
static void expect_fault(void **state, enum term_inject fault, int rc, bool mac_ok,
                         const char *reason)
{
	struct store_term_txn x;
	bool verified;

	assert_int_equal(purchase_with(*state, fault, &x, &verified), rc);
	assert_int_equal(verified, mac_ok);
	assert_int_equal(x.status, STORE_TERM_REVERSAL);
	assert_string_equal(x.reason, reason);
	assert_int_equal(x.amount, 1234);
}

/* Timeout: the request leaves intact, the answer is dropped, the reversal waits (98). */
static void inject_timeout(void **state)
{
	expect_fault(state, TERM_INJECT_TIMEOUT, TERM_ETIMEOUT, true, "98");
}

/* Bad MAC: the request's field 64 does not verify (its echo neither: A0 pending). */
static void inject_bad_mac(void **state)
{
	expect_fault(state, TERM_INJECT_BAD_MAC, TERM_EMAC, false, "A0");
}

/* A purchase of STAN 7 whose answer never came: its reversal pending (98). */
static void lost_purchase(term *t, struct fixture *f)
{
	record(t, f, TERM_PURCHASE, 7, 1234, STORE_TERM_REVERSAL, "");
}

/* A pending reversal the host answers with nothing that ends it (its echo, whose MAC does not
 * verify) is sent 3 times, reversal_retries' default, STAN 7's 0400 first; then the purchase is
 * not sent and the reversal stays pending. */
static void reversal_tries_default(void **state)
{
	struct fixture *f = *state;
	struct term_request req = {.kind = TERM_PURCHASE, .card = &stripe, .amount = 500};
	struct store_term_txn x;
	struct sent out;
	bool pending;
	term *t;

	send_echo(f, &req, TERM_INJECT_NONE, lost_purchase, &out);
	assert_int_equal(out.rc, TERM_EREVERSAL);
	assert_int_equal(out.res.reversal_sends, 3);
	assert_int_equal(out.res.reversal_stan, 7);
	assert_int_equal(out.res.reversals, 0);
	assert_memory_equal(out.frame, "\x04\x00", 2); /* BCD MTI: the reversal went first */
	assert_true(out.mac_ok);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_int_equal(term_reversal_pending(t, &x, &pending), TERM_OK);
	assert_true(pending);
	assert_int_equal(x.stan, 7);
	assert_int_equal(x.status, STORE_TERM_REVERSAL);
	term_close(t);
}

/* Only the enum's values are taken. */
static void inject_checked(void **state)
{
	struct fixture *f = *state;
	term *t;

	assert_int_equal(term_setup(f->s, f->h, &setup_ok, f->parts, 2, NULL), TERM_OK);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_int_equal(term_set_inject(t, (enum term_inject)7), TERM_EARG);
	assert_int_equal(t->inject, TERM_INJECT_NONE);
	assert_int_equal(term_set_inject(t, TERM_INJECT_BAD_MAC), TERM_OK);
	assert_int_equal(t->inject, TERM_INJECT_BAD_MAC);
	term_close(t);
}

/* The clock from a sign-in's 12 and 13: the host's offset from the terminal's UTC clock, to
 * the quarter hour, the year across New Year, and nothing a zone cannot be. */
static void clock_offset(void **state)
{
	const int64_t dec6 = 1796524200;  /* 2026-12-06 02:30:00 UTC */
	const int64_t jan1 = 1798768800;  /* 2027-01-01 02:00:00 UTC */
	const int64_t dec31 = 1798747200; /* 2026-12-31 20:00:00 UTC */
	const struct tm in_dec = {.tm_year = 126, .tm_mon = 11}, in_jan = {.tm_year = 127};
	int m = 0;

	(void)state;
	assert_int_equal(term_clock_offset("1206", "103000", dec6, &m), TERM_OK);
	assert_int_equal(m, 480); /* Beijing */
	assert_int_equal(term_clock_offset("1206", "102951", dec6, &m), TERM_OK);
	assert_int_equal(m, 480); /* an answer of 9 seconds ago */
	assert_int_equal(term_clock_offset("1205", "213000", dec6, &m), TERM_OK);
	assert_int_equal(m, -300); /* New York, the day before */
	assert_int_equal(term_clock_offset("1206", "080000", dec6, &m), TERM_OK);
	assert_int_equal(m, 330); /* India: a half hour */
	assert_int_equal(term_clock_offset("1231", "210000", jan1, &m), TERM_OK);
	assert_int_equal(m, -300); /* the old year's last evening */
	assert_int_equal(term_clock_offset("0101", "040000", dec31, &m), TERM_OK);
	assert_int_equal(m, 480); /* the new year's first morning */
	m = 7;
	assert_int_equal(term_clock_offset("1206", "170000", dec6, &m), TERM_EFORMAT); /* +14:30 */
	assert_int_equal(term_clock_offset("1205", "100000", dec6, &m), TERM_EFORMAT); /* -16:30 */
	assert_int_equal(term_clock_offset("1306", "103000", dec6, &m), TERM_EFORMAT);
	assert_int_equal(term_clock_offset("1206", "250000", dec6, &m), TERM_EFORMAT);
	assert_int_equal(term_clock_offset("12 6", "103000", dec6, &m), TERM_EFORMAT);
	assert_int_equal(term_clock_offset("", "", dec6, &m), TERM_EFORMAT); /* an older host */
	assert_int_equal(m, 7);
	assert_int_equal(term_clock_year("0101", &in_dec), 2027);
	assert_int_equal(term_clock_year("1231", &in_jan), 2026);
	assert_int_equal(term_clock_year("0601", &in_dec), 2026);
}

/* MMDD of the host's (Beijing's) day that is days from today. */
static void beijing(int days, char out[5])
{
	time_t at = time(NULL) + 480 * 60 + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&at, &tm);
	strftime(out, 5, "%m%d", &tm);
}

/* A machine zone whose date is not Beijing's now: 12 hours behind Beijing in its morning, 12
 * ahead in its afternoon; so a terminal on the machine's zone makes a wrong date. */
static void other_zone(void)
{
	time_t at = time(NULL) + 480 * 60, now = time(NULL);
	struct tm tm, local;
	char mine[5], host[5];

	gmtime_r(&at, &tm);
	assert_int_equal(setenv("TZ", tm.tm_hour < 12 ? "XXX4" : "XXX-20", 1), 0);
	tzset();
	localtime_r(&now, &local);
	strftime(mine, sizeof mine, "%m%d", &local);
	beijing(0, host);
	assert_string_not_equal(mine, host);
}

/* Field f of the request in out, as text. */
static void sent_field(const struct sent *out, int f, char *v, size_t cap)
{
	iso8583_msg m;

	assert_int_equal(
	    iso8583_unpack(iso8583_profile_find("cup-pos"), out->frame, out->len, &m, NULL),
	    ISO8583_OK);
	assert_true(iso8583_has(&m, f));
	assert_int_equal(iso8583_get(&m, f, v, cap, NULL), ISO8583_OK);
}

/* Field 55 of the request in out into f55: its length. */
static size_t sent_icc(const struct sent *out, uint8_t f55[STORE_TERM_ICC_MAX])
{
	iso8583_msg m;
	size_t len;

	assert_int_equal(
	    iso8583_unpack(iso8583_profile_find("cup-pos"), out->frame, out->len, &m, NULL),
	    ISO8583_OK);
	assert_int_equal(iso8583_get(&m, 55, f55, STORE_TERM_ICC_MAX, &len), ISO8583_OK);
	return len;
}

/* The original of the refund below: an approved purchase of batch 1, STAN 7, RRN
 * 600000000007, answered three days ago (its 13, Beijing's date then: neither today nor
 * the machine's date, a day off Beijing's). */
static void earlier_purchase(term *t, struct fixture *f)
{
	struct store_term_txn x = {.kind = TERM_PURCHASE, .stan = 7, .amount = 500};

	x.batch = term_state(t)->batch;
	x.status = STORE_TERM_ANSWERED;
	x.reversible = true;
	strcpy(x.mti, "0200");
	strcpy(x.proc, "000000");
	strcpy(x.cond, "00");
	strcpy(x.type, "22");
	strcpy(x.entry, "021");
	strcpy(x.masked, "622848*********0018");
	strcpy(x.rc, "00");
	strcpy(x.rrn, "600000000007");
	strcpy(x.time, "101500");
	beijing(-3, x.date);
	assert_int_equal(store_term_txn_insert(f->s, &x), STORE_OK);
}

/* On a machine whose zone's date is not the host's: a chip purchase's 9A is the host's date
 * (the default clock, Beijing's), not the machine's. */
static void chip_date(void **state)
{
	struct term_card chip = chip_card("A000000333010101", -1);
	struct term_request buy = {
	    .kind = TERM_PURCHASE, .card = &chip, .entry = TERM_CHIP, .amount = 500};
	char today[5], v[64];
	uint8_t f55[STORE_TERM_ICC_MAX];
	struct sent out;
	tlv d;

	other_zone();
	send_echo(*state, &buy, TERM_INJECT_NONE, NULL, &out);
	assert_int_equal(tlv_find(f55, sent_icc(&out, f55), 0x9A, &d), TLV_OK);
	assert_int_equal(d.len, 3);
	beijing(0, today);
	snprintf(v, sizeof v, "%02X%02X", d.value[1], d.value[2]);
	assert_string_equal(v, today);
	unsetenv("TZ");
	tzset();
}

/* A refund of a transaction of this terminal: the original's date, not today's. */
static void refund_known(void **state)
{
	struct term_request refund = {
	    .kind = TERM_REFUND, .card = &stripe, .amount = 500, .rrn = "600000000007"};
	char earlier[5], v[64], want[32];
	struct sent out;

	other_zone();
	send_echo(*state, &refund, TERM_INJECT_NONE, earlier_purchase, &out);
	sent_field(&out, 61, v, sizeof v);
	beijing(-3, earlier);
	snprintf(want, sizeof want, "000001000007%s", earlier);
	assert_string_equal(v, want);
	unsetenv("TZ");
	tzset();
}

/* A refund of a transaction this terminal did not make: 61 has no batch or STAN, and the host's
 * date of today; and before any sign-in the clock is Beijing's. */
static void refund_unknown(void **state)
{
	struct term_request refund = {
	    .kind = TERM_REFUND, .card = &stripe, .amount = 500, .rrn = "600000000099"};
	char today[5], v[64], want[32];
	struct sent out;
	term *t;

	other_zone();
	send_echo(*state, &refund, TERM_INJECT_NONE, NULL, &out);
	sent_field(&out, 61, v, sizeof v);
	beijing(0, today);
	snprintf(want, sizeof want, "000000000000%s", today);
	assert_string_equal(v, want);
	assert_int_equal(
	    term_open(((struct fixture *)*state)->s, ((struct fixture *)*state)->h, &t), TERM_OK);
	assert_int_equal(term_state(t)->utc_offset, 480);
	term_close(t);
	unsetenv("TZ");
	tzset();
}

/* A QR payment's code, for the tests below: a wallet's 19 digits. */
#define QR_CODE "6212345678901234567"

/* Whether the request sent has field f. */
static bool sent_has(const struct sent *out, int f)
{
	iso8583_msg m;

	assert_int_equal(
	    iso8583_unpack(iso8583_profile_find("cup-pos"), out->frame, out->len, &m, NULL),
	    ISO8583_OK);
	return iso8583_has(&m, f);
}

/* Field f of the request as sent is want. */
static void sent_is(const struct sent *out, int f, const char *want)
{
	char v[64];

	sent_field(out, f, v, sizeof v);
	assert_string_equal(v, want);
}

/* A QR payment by code: a purchase with the code in 2 and entry mode 032, without 14, 35, 52,
 * 53, 55 or 59, MACed; recorded first with the code masked and sealed for its reversal. */
static void qr_pay_fields(void **state)
{
	struct fixture *f = *state;
	struct term_request pay = {.kind = TERM_QR_PAY, .code = QR_CODE, .amount = 500};
	struct store_term_txn x;
	char v[64], pan[20], expiry[5];
	struct sent out;
	bool pending;
	term *t;

	send_echo(f, &pay, TERM_INJECT_NONE, NULL, &out);
	assert_true(out.mac_ok);
	sent_is(&out, 2, QR_CODE);
	sent_is(&out, 3, "000000");
	sent_is(&out, 22, "032");
	sent_is(&out, 25, "00");
	sent_field(&out, 60, v, sizeof v);
	assert_memory_equal(v, "22000001", 8);
	for (int i = 0; i < 6; i++)
		assert_false(sent_has(&out, (const int[]){14, 35, 52, 53, 55, 59}[i]));
	/* The echo's MAC does not verify: the payment waits for its reversal, with its code. */
	assert_int_equal(out.rc, TERM_EMAC);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_int_equal(term_reversal_pending(t, &x, &pending), TERM_OK);
	assert_true(pending);
	assert_int_equal(x.kind, TERM_QR_PAY);
	assert_string_equal(x.masked, "621234*********4567");
	assert_string_equal(x.entry, "032");
	assert_int_equal(term_unseal(t, &x, pan, expiry), TERM_OK);
	assert_string_equal(pan, QR_CODE);
	assert_string_equal(expiry, "");
	term_close(t);
}

/* A PIN key of the terminal's own, as sign-in would have given it. */
static void with_pik(term *t, struct fixture *f)
{
	static const struct hsm_key_spec pik = {"P0", HSM_TDES, 16, 'E', 'N'};

	(void)f;
	assert_int_equal(hsm_generate(t->h, &pik, &t->pik, NULL), HSM_OK);
}

/* Above the no-PIN limit with the wallet PIN: 22 = 031, 26 and 52 (formed with the code as the
 * PAN), still no 53. */
static void qr_pay_pin(void **state)
{
	struct term_request pay = {
	    .kind = TERM_QR_PAY, .code = QR_CODE, .amount = 150000, .pin = "123456"};
	struct sent out;

	send_echo(*state, &pay, TERM_INJECT_NONE, with_pik, &out);
	assert_true(out.mac_ok);
	sent_is(&out, 22, "031");
	sent_is(&out, 26, "12");
	assert_true(sent_has(&out, 52));
	assert_false(sent_has(&out, 53));
}

/* The terminal's own checks, before anything is sent: above CNY 1,000.00 no payment without the
 * wallet PIN (TERM_EPIN), at it one goes; a code that is not 16 to 19 digits, no amount, a
 * query or results through term_transact(): TERM_EARG. */
static void qr_pay_refused_locally(void **state)
{
	struct fixture *f = *state;
	struct term_request pay = {.kind = TERM_QR_PAY, .code = QR_CODE, .amount = 100001};
	struct term_result r;
	bool pending;
	term *t;

	assert_int_equal(term_setup(f->s, f->h, &setup_ok, f->parts, 2, NULL), TERM_OK);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_int_equal(term_transact(t, &pay, &r), TERM_EPIN);
	assert_string_equal(term_strerror(TERM_EPIN),
	                    "the wallet PIN is needed above CNY 1,000.00, the terminal's no-PIN "
	                    "limit (--pin)");
	pay.amount = TERM_QR_NOPIN_MAX;
	assert_int_equal(term_transact(t, &pay, &r), TERM_ESIGNIN); /* past the checks */
	pay.code = "621234567890";
	assert_int_equal(term_transact(t, &pay, &r), TERM_EARG);
	pay.code = "62123456789012345x";
	assert_int_equal(term_transact(t, &pay, &r), TERM_EARG);
	pay.code = NULL;
	assert_int_equal(term_transact(t, &pay, &r), TERM_EARG);
	pay.code = QR_CODE;
	pay.amount = 0;
	assert_int_equal(term_transact(t, &pay, &r), TERM_EARG);
	pay.kind = TERM_QR_QUERY;
	assert_int_equal(term_transact(t, &pay, &r), TERM_EARG);
	pay.kind = TERM_QR_RESULT;
	assert_int_equal(term_transact(t, &pay, &r), TERM_EARG);
	assert_int_equal(term_qr_query(t, "0", &r), TERM_EARG);
	assert_int_equal(term_qr_query(t, "1234567", &r), TERM_EARG);
	assert_int_equal(term_qr_query(t, "12a", &r), TERM_EARG);
	assert_int_equal(term_qr_query(t, "12", &r), TERM_ESIGNIN);
	assert_int_equal(term_reversal_pending(t, NULL, &pending), TERM_OK);
	assert_false(pending);
	term_close(t);
}

/* An approved QR payment of this terminal, batch 1, STAN 9, RRN 600000000009. */
static void earlier_qr_pay(term *t, struct fixture *f)
{
	struct store_term_txn x = {.kind = TERM_QR_PAY,
	                           .stan = 9,
	                           .batch = 1,
	                           .amount = 800,
	                           .status = STORE_TERM_ANSWERED,
	                           .reversible = true,
	                           .mti = "0200",
	                           .proc = "000000",
	                           .cond = "00",
	                           .type = "22",
	                           .entry = "032",
	                           .masked = "621234*********4567",
	                           .rc = "00",
	                           .rrn = "600000000009"};

	(void)t;
	assert_int_equal(store_term_txn_insert(f->s, &x), STORE_OK);
}

/* A QR refund: 0220 200000, entry mode 032, no 2 or 14, 37 the RRN and 61 the original's batch
 * and STAN when this terminal made it (none else), the original's masked code kept. */
static void qr_refund_fields(void **state)
{
	struct fixture *f = *state;
	struct term_request refund = {.kind = TERM_QR_REFUND, .amount = 300, .rrn = "600000000009"};
	struct store_term_txn x;
	struct sent out;
	bool pending;
	term *t;

	send_echo(f, &refund, TERM_INJECT_NONE, earlier_qr_pay, &out);
	assert_true(out.mac_ok);
	assert_memory_equal(out.frame, HEX("0220"), 2);
	sent_is(&out, 3, "200000");
	sent_is(&out, 22, "032");
	sent_is(&out, 37, "600000000009");
	sent_is(&out, 61, "000001000009");
	assert_false(sent_has(&out, 2));
	assert_false(sent_has(&out, 14));
	assert_false(sent_has(&out, 63));
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_int_equal(term_reversal_pending(t, &x, &pending), TERM_OK);
	assert_true(pending);
	assert_string_equal(x.masked, "621234*********4567");
	assert_int_equal(x.sealed_len, 0); /* nothing to seal: its reversal has no 2 either */
	x.status = STORE_TERM_REVERSED;
	assert_int_equal(store_term_txn_update(f->s, &x), STORE_OK);
	term_close(t);
	/* A payment by the static code (or another terminal's): no 61. */
	refund.rrn = "600000000077";
	send_echo(f, &refund, TERM_INJECT_NONE, NULL, &out);
	assert_false(sent_has(&out, 61));
	sent_is(&out, 37, "600000000077");
}

/* A QR query: 0100 300000, 60.1 = 26, 61 the request's batch and STAN, MACed; results: 0100
 * 320000, 60.1 = 27, 62 the cursor (000000000000 the first time), MACed. */
static void qr_query_and_results_fields(void **state)
{
	struct term_request query = {.kind = TERM_QR_QUERY, .stan = "42"};
	struct term_request results = {.kind = TERM_QR_RESULT};
	char v[64];
	struct sent out;

	send_echo(*state, &query, TERM_INJECT_NONE, NULL, &out);
	assert_true(out.mac_ok);
	assert_memory_equal(out.frame, HEX("0100"), 2);
	sent_is(&out, 3, "300000");
	sent_field(&out, 60, v, sizeof v);
	assert_memory_equal(v, "26000001", 8);
	sent_is(&out, 61, "000001000042");
	assert_false(sent_has(&out, 2));
	assert_false(sent_has(&out, 4));
	send_echo(*state, &results, TERM_INJECT_NONE, NULL, &out);
	assert_true(out.mac_ok);
	sent_is(&out, 3, "320000");
	sent_field(&out, 60, v, sizeof v);
	assert_memory_equal(v, "27000001", 8);
	sent_field(&out, 62, v, sizeof v);
	assert_memory_equal(v, "000000000000", 12);
}

/* The slip of a QR payment says 扫码支付 with the code masked, or the card that paid the
 * static code, and asks no signature; a QR refund's amount is a refund's. */
static void qr_receipt(void **state)
{
	struct store_term_txn x = {.kind = TERM_QR_PAY,
	                           .amount = 1234,
	                           .rc = "00",
	                           .batch = 1,
	                           .stan = 5,
	                           .entry = "032",
	                           .masked = "621234*********4567",
	                           .rrn = "600000000005",
	                           .auth = "123456"};
	struct store_term_state st = {.tid = "TERM0001", .mid = "898310048120001"};
	char *text;

	(void)state;
	text = slip(&st, &x);
	assert_non_null(strstr(text, "交易类型 TRANS TYPE: 扫码支付 QR PAYMENT\n"));
	assert_non_null(strstr(text, "付款码 PAYMENT CODE: 621234*********4567 (扫码 QR)\n"));
	assert_non_null(strstr(text, "参考号 REF NO.: 600000000005  授权码 AUTH NO.: 123456\n"));
	assert_non_null(strstr(text, "MERCHANT NO.: 898310048120001\n"));
	assert_null(strstr(text, "SIGNATURE"));
	free(text);
	x.kind = TERM_QR_RESULT;
	x.batch = 0;
	text = slip(&st, &x);
	assert_non_null(strstr(text, "卡号 CARD NO.: 621234*********4567 (扫码 QR)\n"));
	assert_non_null(strstr(text, "BATCH NO.: -  凭证号 VOUCHER NO.: -\n"));
	assert_non_null(strstr(text, "QR PAYMENT (STATIC CODE)"));
	free(text);
	x.kind = TERM_QR_REFUND;
	text = slip(&st, &x);
	assert_non_null(strstr(text, "扫码退货 QR REFUND\n"));
	assert_non_null(strstr(text, "CNY -12.34\n"));
	free(text);
}

/* A purchase of 3.00 answered 39 rc and 44 f44 (NULL: none): what term_transact() gave, and
 * the record as the terminal keeps it (read back after a reopen) with its slip (freed by the
 * caller). */
static char *answered_with(struct fixture *f, const char *rc, const char *f44,
                           struct term_result *res, struct store_term_txn *x)
{
	struct term_request req = {.kind = TERM_PURCHASE, .card = &stripe, .amount = 300};
	struct sent out;
	char stan[8];
	term *t;

	f->answer39 = rc;
	f->answer44 = f44;
	send_echo(f, &req, TERM_INJECT_NONE, NULL, &out);
	assert_int_equal(out.rc, TERM_OK);
	assert_string_equal(out.res.rc, rc);
	*res = out.res;
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	snprintf(stan, sizeof stan, "%d", res->stan);
	assert_int_equal(term_find(t, stan, x), TERM_OK);
	term_close(t);
	return slip(&(struct store_term_state){.tid = "TERM0001"}, x);
}

/* An approval whose 44 is STAND-IN (the acquirer's, in the issuer's name, its link down) is
 * kept as one and its slip says so under the auth code; an approval with another 44, one with
 * none, and a decline that says STAND-IN are not. */
static void stand_in_kept_and_printed(void **state)
{
	static const struct {
		const char *rc, *f44;
		bool stand_in;
	} cases[] = {
	    {"00", "STAND-IN", true},  {"00", "APPROVED", false},  {"00", NULL, false},
	    {"91", "STAND-IN", false}, {"00", "STAND-IN ", false},
	};
	struct store_term_txn x;
	struct term_result res;
	char *text;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		text = answered_with(*state, cases[i].rc, cases[i].f44, &res, &x);
		assert_int_equal(res.stand_in, cases[i].stand_in);
		assert_int_equal(x.stand_in, cases[i].stand_in);
		if (cases[i].stand_in) {
			assert_string_equal(x.auth, "654321");
			assert_non_null(
			    strstr(text, "授权码 AUTH NO.: 654321\n代授权 STAND-IN (收单机构代"
			                 "发卡行授权 APPROVED BY THE ACQUIRER FOR THE "
			                 "ISSUER)\n"));
		} else {
			assert_null(strstr(text, "STAND-IN"));
		}
		free(text);
	}
	print_message("stand-in: %zu answers read, 1 kept and printed as stand-in\n",
	              sizeof cases / sizeof cases[0]);
}

/* ---- chip cards against what the terminal holds ---- */

/* The terminal's AID list as downloaded: the n applications given. */
static void hold_aids(store *s, const struct tms_aid_text *apps, size_t n)
{
	struct store_term_tms *row = calloc(1, sizeof *row);
	struct tms_aid a;
	char why[TMS_WHY_MAX];

	assert_non_null(row);
	strcpy(row->name, "aid");
	strcpy(row->version, "0a1d0a1d");
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(tms_aid_parse(&apps[i], &a, why, sizeof why), TMS_OK);
		assert_int_equal(tms_aid_item(&a, row->items, sizeof row->items, &row->items_len),
		                 TMS_OK);
	}
	assert_int_equal(store_term_tms_put(s, row), STORE_OK);
	free(row);
}

/* The terminal's CA keys as downloaded: one, of rid and index, used through expiry. */
static void hold_capk(store *s, const char *rid, const char *index, const char *expiry)
{
	struct store_term_tms *row = calloc(1, sizeof *row);
	struct tms_capk *k = malloc(sizeof *k);
	char modulus[257], why[TMS_WHY_MAX];
	struct tms_capk_text text = {rid, index, modulus, "03", expiry, NULL};

	assert_non_null(row);
	assert_non_null(k);
	for (int i = 0; i < 128; i++)
		memcpy(modulus + 2 * i, "B6", 2);
	modulus[256] = '\0';
	strcpy(row->name, "capk");
	strcpy(row->version, "0ca90ca9");
	assert_int_equal(tms_capk_parse(&text, k, why, sizeof why), TMS_OK);
	assert_int_equal(tms_capk_item(k, row->items, sizeof row->items, &row->items_len), TMS_OK);
	assert_int_equal(store_term_tms_put(s, row), STORE_OK);
	free(k);
	free(row);
}

/* The TVR term_chip_assess() makes of card for amount, as hex ("" when refused). */
static const char *tvr_of(term *t, const struct term_card *card, int64_t amount)
{
	static char hex[11];
	struct term_chip chip;
	char why[200];

	hex[0] = '\0';
	if (term_chip_assess(t, card, TERM_PURCHASE, amount, &chip, why, sizeof why) == TERM_OK)
		hex_encode(chip.tvr, 5, hex, sizeof hex);
	return hex;
}

/* Application selection (EMV Book 1, 12.3.1): without a list the card's own; with one, exactly
 * or, where the entry allows it, by the list's AID beginning the card's — the list's label
 * then — else refused, by term_transact() too, before it sends or even asks for a sign-in. */
static void chip_app_selected(void **state)
{
	struct fixture *f = *state;
	const struct tms_aid_text apps[] = {
	    {.aid = "A000000333010101", .label = "银联借记 UnionPay Debit CN"},
	    {.aid = "A0000000031010", .label = "VISA", .partial = true},
	    {.aid = "A000000003", .label = "VISA ANY", .partial = true},
	};
	struct term_card quasi = chip_card("A000000333010103", -1);
	struct term_request req = {
	    .kind = TERM_PURCHASE, .card = &quasi, .entry = TERM_CHIP, .amount = 100};
	struct term_card card;
	struct term_chip chip;
	struct term_result r;
	char why[200] = "";
	bool pending;
	term *t;

	assert_int_equal(term_setup(f->s, f->h, &setup_ok, f->parts, 2, NULL), TERM_OK);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_int_equal(term_chip_permit(t, &req, why, sizeof why), TERM_OK); /* no list */
	hold_aids(f->s, apps, 3);
	assert_int_equal(term_chip_permit(t, &req, why, sizeof why), TERM_EREFUSED);
	assert_non_null(strstr(why, "A000000333010103 is not on this terminal's AID list"));
	assert_non_null(strstr(why, "本终端不支持该卡应用"));
	assert_int_equal(term_transact(t, &req, &r), TERM_EREFUSED);
	assert_int_equal(term_reversal_pending(t, NULL, &pending), TERM_OK);
	assert_false(pending);
	req.entry = TERM_SWIPE; /* its stripe: no application to select */
	assert_int_equal(term_chip_permit(t, &req, why, sizeof why), TERM_OK);
	/* Exact, the list's label; partial, the longest entry that begins it; shorter: none. */
	card = chip_card("A000000333010101", -1);
	assert_int_equal(term_chip_assess(t, &card, TERM_PURCHASE, 100, &chip, why, sizeof why),
	                 TERM_OK);
	assert_string_equal(chip.aid, "A000000333010101");
	assert_string_equal(chip.label, "银联借记 UnionPay Debit CN");
	card = chip_card("A000000003101001", -1);
	assert_int_equal(term_chip_assess(t, &card, TERM_PURCHASE, 100, &chip, why, sizeof why),
	                 TERM_OK);
	assert_string_equal(chip.aid, "A000000003101001");
	assert_string_equal(chip.label, "VISA");
	card = chip_card("A000000003201001", -1);
	assert_int_equal(term_chip_assess(t, &card, TERM_PURCHASE, 100, &chip, why, sizeof why),
	                 TERM_OK);
	assert_string_equal(chip.label, "VISA ANY");
	card = chip_card("A000000333", -1); /* shorter than the list's: never partial */
	assert_int_equal(term_chip_assess(t, &card, TERM_PURCHASE, 100, &chip, why, sizeof why),
	                 TERM_EREFUSED);
	term_close(t);
}

/* The TVR (EMV Book 3, Annex C5): byte 4 bit 8 from an amount at or above the floor limit
 * (10.6.1); byte 1 bits 8 and 6 when the card names a CA key the terminal does not hold in
 * force for its RID — none, another RID's, one past its expiry (10.3); a TAC-denial bit the TVR
 * has declines offline (10.7), but not a refund, void or cancellation; without an AID list no
 * floor limit and no TACs. */
static void chip_tvr(void **state)
{
	struct fixture *f = *state;
	struct tms_aid_text debit = {
	    .aid = "A000000333010101", .label = "UnionPay Debit", .floor_limit = 10000};
	struct term_card plain = chip_card("A000000333010101", -1);
	struct term_card named = chip_card("A000000333010101", 0x08);
	struct term_request req = {
	    .kind = TERM_PURCHASE, .card = &named, .entry = TERM_CHIP, .amount = 500};
	struct term_chip chip;
	char why[200];
	term *t;

	assert_int_equal(term_setup(f->s, f->h, &setup_ok, f->parts, 2, NULL), TERM_OK);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_string_equal(tvr_of(t, &plain, 99999999), "0000000000"); /* nothing held */
	assert_string_equal(tvr_of(t, &named, 500), "A000000000");
	hold_aids(f->s, &debit, 1);
	assert_string_equal(tvr_of(t, &plain, 9999), "0000000000");
	assert_string_equal(tvr_of(t, &plain, 10000), "0000008000");
	assert_string_equal(tvr_of(t, &named, 10000), "A000008000");
	hold_capk(f->s, "A000000003", "08", "20991231"); /* another RID's */
	assert_string_equal(tvr_of(t, &named, 500), "A000000000");
	hold_capk(f->s, "A000000333", "08", "20200101"); /* past its expiry */
	assert_string_equal(tvr_of(t, &named, 500), "A000000000");
	hold_capk(f->s, "A000000333", "08", "20991231");
	assert_string_equal(tvr_of(t, &named, 500), "0000000000");
	named.capk_index = 0x09;
	assert_string_equal(tvr_of(t, &named, 500), "A000000000");
	/* TAC-denial: the bits the TVR has decline offline, nothing sent; others do not. */
	debit.tac_denial = "8000000000";
	hold_aids(f->s, &debit, 1);
	assert_int_equal(term_chip_assess(t, &named, TERM_PURCHASE, 500, &chip, why, sizeof why),
	                 TERM_EREFUSED);
	assert_non_null(strstr(why, "declined offline by the terminal (AAC): the TVR A000000000 "
	                            "meets the application's TAC-denial 8000000000"));
	assert_int_equal(term_chip_permit(t, &req, why, sizeof why), TERM_EREFUSED);
	assert_string_equal(tvr_of(t, &plain, 500), "0000000000");
	assert_string_equal(tvr_of(t, &plain, 10000), "0000008000");
	debit.tac_denial = "0000008000";
	hold_aids(f->s, &debit, 1);
	assert_string_equal(tvr_of(t, &plain, 10000), "");
	assert_string_equal(tvr_of(t, &named, 9999), "A000000000");
	/* What gives back or undoes is never declined offline; its TVR is made all the same. */
	for (enum term_kind k = TERM_VOID; k <= TERM_COMPLETION_VOID; k++) {
		if (k == TERM_PREAUTH || k == TERM_COMPLETION)
			continue;
		assert_int_equal(term_chip_assess(t, &plain, k, 10000, &chip, why, sizeof why),
		                 TERM_OK);
		assert_memory_equal(chip.tvr, HEX("0000008000"), 5);
	}
	assert_int_equal(term_chip_assess(t, &plain, TERM_PREAUTH, 10000, &chip, why, sizeof why),
	                 TERM_EREFUSED);
	term_close(t);
}

/* The AID list of chip_tvr_sent: debit with a floor limit of CNY 1.00. */
static void floor_100(term *t, struct fixture *f)
{
	const struct tms_aid_text debit = {
	    .aid = "A000000333010101", .label = "UnionPay Debit CN", .floor_limit = 100};

	(void)t;
	hold_aids(f->s, &debit, 1);
}

/* What the host receives: 95 as the terminal made it (over the floor limit, a CA key missing),
 * under an ARQC over the CDOL1 data as 55 carries them — the issuer's check passes — and the
 * list's label on the terminal's record, for the slip. */
static void chip_tvr_sent(void **state)
{
	struct fixture *f = *state;
	struct term_card card = chip_card("A000000333010101", 0x09);
	struct term_request buy = {
	    .kind = TERM_PURCHASE, .card = &card, .entry = TERM_CHIP, .amount = 500};
	static const uint32_t cdol1[] = {0x9F02, 0x9F03, 0x9F1A, 0x95, 0x5F2A,
	                                 0x9A,   0x9C,   0x9F37, 0x82, 0x9F36};
	uint8_t f55[STORE_TERM_ICC_MAX], data[64], r[8] = {0}, sk[16], arqc[8];
	struct store_term_txn x;
	struct sent out;
	size_t len, n = 0;
	char stan[8];
	term *t;
	tlv v;

	send_echo(f, &buy, TERM_INJECT_NONE, floor_100, &out); /* sent: its echo is no answer */
	len = sent_icc(&out, f55);
	assert_int_equal(tlv_find(f55, len, 0x95, &v), TLV_OK);
	assert_int_equal(v.len, 5);
	assert_memory_equal(v.value, HEX("A000008000"), 5);
	for (size_t i = 0; i < sizeof cdol1 / sizeof cdol1[0]; i++) {
		assert_int_equal(tlv_find(f55, len, cdol1[i], &v), TLV_OK);
		memcpy(data + n, v.value, v.len);
		n += v.len;
	}
	assert_int_equal(tlv_find(f55, len, 0x9F36, &v), TLV_OK);
	memcpy(r, v.value, 2);
	assert_int_equal(crypto_emv_session_key(card.icc_mk, r, sizeof r, sk), CRYPTO_OK);
	assert_int_equal(crypto_emv_arqc(sk, data, n, arqc), CRYPTO_OK);
	assert_int_equal(tlv_find(f55, len, 0x9F26, &v), TLV_OK);
	assert_memory_equal(v.value, arqc, 8);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	snprintf(stan, sizeof stan, "%d", out.res.stan);
	assert_int_equal(term_find(t, stan, &x), TERM_OK);
	assert_string_equal(x.aid, "A000000333010101");
	assert_string_equal(x.label, "UnionPay Debit CN");
	term_close(t);
}

static void rc_texts(void **state)
{
	const char *en, *zh;

	(void)state;
	term_rc_text("55", &en, &zh);
	assert_string_equal(en, "wrong PIN");
	assert_string_equal(zh, "密码错");
	term_rc_text("C1", &en, &zh);
	assert_string_equal(zh, "请先进行银行卡鉴权");
	term_rc_text("Q2", &en, &zh);
	assert_string_equal(zh, "付款码已过期,请刷新");
	term_rc_text("ZZ", &en, &zh);
	assert_string_equal(en, "unknown response code");
	assert_string_equal(term_strerror(TERM_EREVERSAL),
	                    "a pending reversal could not be delivered");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(setup_checks_components, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(setup_again_keeps_stan, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(card_image, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(reversal_survives_reopen, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(totals_and_receipt, fx_setup, fx_teardown),
	    cmocka_unit_test(receipt_year_name_and_chip),
	    cmocka_unit_test_setup_teardown(inject_checked, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(inject_timeout, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(inject_bad_mac, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(reversal_tries_default, fx_setup, fx_teardown),
	    cmocka_unit_test(receipt_local_time),
	    cmocka_unit_test(rc_texts),
	    cmocka_unit_test(clock_offset),
	    cmocka_unit_test_setup_teardown(chip_date, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(refund_known, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(refund_unknown, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(qr_pay_fields, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(qr_pay_pin, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(qr_pay_refused_locally, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(qr_refund_fields, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(qr_query_and_results_fields, fx_setup, fx_teardown),
	    cmocka_unit_test(qr_receipt),
	    cmocka_unit_test_setup_teardown(stand_in_kept_and_printed, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(chip_app_selected, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(chip_tvr, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(chip_tvr_sent, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
