/* test_term.c — the reference terminal without a host: setting it up from components (KCVs
 * checked), the card image, sealing the PAN, the reversal record surviving a reopen, the
 * batch's totals, receipts (masked, both copies, both languages) and response code texts. */
#include "testutil.h"

#include <stdio.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "term/internal.h"

struct fixture {
	char dir[64], db[96];
	uint8_t lmk[HSM_LMK_LEN];
	store *s;
	hsm *h;
	struct hsm_component parts[2];
};

static const struct term_setup setup_ok = {"127.0.0.1:1", "TERM0001", "898310048120001", "SN0001",
                                           0};

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
	/* Not signed in: no working keys, nothing is sent. */
	struct term_request req = {.kind = TERM_BALANCE};
	struct term_result r;
	assert_int_equal(term_transact(t, &req, &r), TERM_ESIGNIN);
	req.kind = TERM_SIGNIN;
	assert_int_equal(term_transact(t, &req, &r), TERM_EARG);
	term_close(t);
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
	term_card_wipe(&c);
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
	assert_int_equal(term_totals(t, term_state(t)->batch, &tt), TERM_OK);
	assert_int_equal(tt.sales, 1950);
	assert_int_equal(tt.sales_count, 3);
	assert_int_equal(tt.refunds, 550);
	assert_int_equal(tt.refunds_count, 2);
	assert_int_equal(term_find(t, "1", &x), TERM_OK);
	assert_int_equal(term_find(t, "99", &x), TERM_ENOTFOUND);
	assert_int_equal(term_find(t, "000001", &x), TERM_OK);
	fp = open_memstream(&text, &len);
	term_receipt(term_state(t), &x, fp);
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

/* The fault injection aid takes only its enum's values, and arms the next request. */
static void inject_checked(void **state)
{
	struct fixture *f = *state;
	term *t;

	assert_int_equal(term_setup(f->s, f->h, &setup_ok, f->parts, 2, NULL), TERM_OK);
	assert_int_equal(term_open(f->s, f->h, &t), TERM_OK);
	assert_int_equal(t->inject, TERM_INJECT_NONE);
	assert_int_equal(term_set_inject(t, (enum term_inject)7), TERM_EARG);
	assert_int_equal(term_set_inject(t, (enum term_inject) - 1), TERM_EARG);
	assert_int_equal(t->inject, TERM_INJECT_NONE);
	assert_int_equal(term_set_inject(t, TERM_INJECT_BAD_MAC), TERM_OK);
	assert_int_equal(t->inject, TERM_INJECT_BAD_MAC);
	assert_int_equal(term_set_inject(t, TERM_INJECT_TIMEOUT), TERM_OK);
	assert_int_equal(t->inject, TERM_INJECT_TIMEOUT);
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
	term_rc_text("ZZ", &en, &zh);
	assert_string_equal(en, "unknown response code");
	assert_string_equal(term_strerror(TERM_EREVERSAL),
	                    "a pending reversal could not be delivered");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(setup_checks_components, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(card_image, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(reversal_survives_reopen, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(totals_and_receipt, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(inject_checked, fx_setup, fx_teardown),
	    cmocka_unit_test(rc_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
