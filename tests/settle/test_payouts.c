/* test_payouts.c — payouts (settle_payout.h) on a store in a temporary directory, after real
 * closes: a Friday's day due on Monday (not on the Saturday, the weekend skipped) and a
 * holiday's payout date moved on; paid once, a second run making nothing; a merchant without a
 * verified card left owed with the reason, then paid once it has one; a negative day carried
 * forward and offset by the next day's payout; the ledger's check after each run and each
 * payable brought to zero by what was paid; the summary files (CSV quoting, yuan, 0600); the
 * bank's answers paid, failed, twice, and refused whole; bad answer lines; the local date; the
 * bank's file, encrypted, decrypted again. */
#include "settle_fixture.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ledger/ledger.h"
#include "settle/settle_close.h"
#include "settle/settle_payout.h"
#include "store/store_acquirer.h"
#include "store/store_settle.h"

struct fixture {
	struct settle_fixture fx;
	int32_t holidays[1];
	struct settle_close_params p;
	const char *not_ready; /* a MID the payee callback refuses ("no_settlement_card") */
	int calls;
};

static int setup(void **state)
{
	return settle_fixture_new(state, sizeof(struct fixture), DEC04_2026 + 10 * DAY);
}

/* An approved request of settlement date date (a refund without its original: no fee back). */
static void txn(store *s, const char *mid, const char *type, int64_t amount, const char *date)
{
	settle_fixture_txn(s, mid, type, amount, CREDIT, date, 0);
}

static void close_day(struct fixture *f, int32_t date)
{
	settle_fixture_close(&f->fx, date);
}

static int payee(void *ctx, const char *mid, struct settle_payee *out)
{
	struct fixture *f = ctx;

	f->calls++;
	if (f->not_ready != NULL && strcmp(mid, f->not_ready) == 0) {
		memset(out, 0, sizeof *out);
		snprintf(out->reason, sizeof out->reason, "no_settlement_card");
		return SETTLE_OK;
	}
	return settle_fixture_payee(ctx, mid, out);
}

static struct settle_payout_result run(struct fixture *f, int32_t date)
{
	return settle_fixture_payouts(&f->fx, date, payee, f);
}

struct found {
	struct store_settle_payout p[4];
	size_t n;
	struct store_settle_total t[4];
	size_t nt;
};

static int each_payout(void *ctx, const struct store_settle_payout *p)
{
	struct found *fd = ctx;

	assert_true(fd->n < 4);
	fd->p[fd->n++] = *p;
	return 0;
}

static int each_total(void *ctx, const struct store_settle_total *t)
{
	struct found *fd = ctx;

	assert_true(fd->nt < 4);
	fd->t[fd->nt++] = *t;
	return 0;
}

static struct found found(store *s, const char *date)
{
	struct found fd = {0};

	assert_int_equal(store_settle_payouts(s, date, each_payout, &fd), STORE_OK);
	assert_int_equal(store_settle_due(s, date, each_total, &fd), STORE_OK);
	return fd;
}

/* A Friday's day: not due on the Saturday, paid on Monday once; a second run makes nothing. */
static void due_once(void **state)
{
	struct fixture *f = *state;
	struct settle_payout_result r;
	struct found fd;

	txn(f->fx.s, M1, "purchase", 100000, "2026-12-04"); /* fee 6.00 */
	close_day(f, 20261204);
	r = run(f, 20261205);
	assert_int_equal(r.made, 0);
	assert_int_equal(r.owed_days, 0);
	fd = found(f->fx.s, "2026-12-05");
	assert_int_equal(fd.n + fd.nt, 0);
	r = run(f, 20261207);
	assert_int_equal(r.made, 1);
	assert_int_equal(r.amount, 99400);
	fd = found(f->fx.s, "2026-12-07");
	assert_int_equal(fd.n, 1);
	assert_int_equal(fd.nt, 0);
	assert_string_equal(fd.p[0].mid, M1);
	assert_int_equal(fd.p[0].amount, 99400);
	assert_string_equal(fd.p[0].card, "622202******0001");
	assert_string_equal(fd.p[0].settle_dates, "2026-12-04");
	assert_string_equal(fd.p[0].status, "made");
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), 0);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payouts"), 99400);
	fd.nt = 0;
	assert_int_equal(store_settle_totals(f->fx.s, "2026-12-04", each_total, &fd), STORE_OK);
	assert_string_equal(fd.t[0].status, "payout");
	assert_int_equal(fd.t[0].payout_id, fd.p[0].id);
	r = run(f, 20261207); /* twice = once */
	assert_int_equal(r.made, 0);
	assert_int_equal(f->calls, 1);
	assert_int_equal(found(f->fx.s, "2026-12-07").n, 1);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payouts"), 99400);
}

static void slurp(const char *path, char *buf, size_t size)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, size - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

/* A settle_holder_fn: the card is not the issuer's (""), or (ctx non-NULL) the name cannot be
 * unsealed. */
static int card_holder(void *ctx, int64_t card_id, char name[65])
{
	(void)card_id;
	name[0] = '\0';
	return ctx != NULL ? SETTLE_EHSM : SETTLE_OK;
}

/* The summary of a date's payouts: the CSV's columns and row (the merchant's name for the
 * account's when the card is not the issuer's), the JSON, both mode 0600. */
static void summary(void **state)
{
	struct fixture *f = *state;
	struct store_merchant m = {.mid = M1, .name = "Possum \"Cafe\", Ltd", .mcc = "5812"};
	char dir[96], path[128], buf[1024];
	struct stat st;
	size_t rows;

	assert_int_equal(store_merchant_insert(f->fx.s, &m), STORE_OK);
	txn(f->fx.s, M1, "refund", 30000, "2026-12-04");
	txn(f->fx.s, M1, "purchase", 100000, "2026-12-07");
	close_day(f, 20261204);
	close_day(f, 20261207);
	assert_int_equal(run(f, 20261208).made, 1);
	snprintf(dir, sizeof dir, "%s/payouts", settle_fixture_dir(&f->fx));
	assert_int_equal(settle_payouts_summary(f->fx.s, card_holder, f, dir, 20261208, &rows),
	                 SETTLE_EHSM);
	assert_int_equal(settle_payouts_summary(f->fx.s, card_holder, NULL, dir, 20261208, &rows),
	                 SETTLE_OK);
	assert_int_equal(rows, 1);
	snprintf(path, sizeof path, "%s/2026-12-08.csv", dir);
	slurp(path, buf, sizeof buf);
	assert_string_equal(
	    buf, "payout_id,mid,merchant_name,card,account_name,amount,currency,settle_dates,"
	         "reference\n"
	         "1," M1 ",\"Possum \"\"Cafe\"\", Ltd\",622202******0001,\"Possum \"\"Cafe\"\", "
	         "Ltd\",694.00,CNY,\"2026-12-04,2026-12-07\",P20261208-00000001\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(path, sizeof path, "%s/2026-12-08.json", dir);
	slurp(path, buf, sizeof buf);
	assert_string_equal(buf,
	                    "{\"date\":\"2026-12-08\",\"items\":[{\"payout_id\":1,\"mid\":\"" M1
	                    "\",\"merchant_name\":\"Possum \\\"Cafe\\\", Ltd\",\"card\":"
	                    "\"622202******0001\",\"account_name\":\"Possum \\\"Cafe\\\", "
	                    "Ltd\",\"amount\":\"694.00\",\"currency\":\"CNY\",\"settle_dates\":"
	                    "\"2026-12-04,2026-12-07\",\"reference\":\"P20261208-00000001\"}]}");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

/* A holiday on the Monday: the payout date is the Tuesday. */
static void holiday(void **state)
{
	struct fixture *f = *state;

	f->holidays[0] = 20261207;
	f->fx.cal.holidays = f->holidays, f->fx.cal.n_holidays = 1;
	txn(f->fx.s, M1, "purchase", 100000, "2026-12-04");
	close_day(f, 20261204);
	assert_int_equal(run(f, 20261207).made, 0);
	assert_int_equal(run(f, 20261208).made, 1);
	assert_int_equal(found(f->fx.s, "2026-12-08").p[0].amount, 99400);
}

/* A merchant without a verified card stays owed with the reason; paid once it has one. */
static void not_ready(void **state)
{
	struct fixture *f = *state;
	struct settle_payout_result r;
	struct found fd;

	txn(f->fx.s, M1, "purchase", 100000, "2026-12-04");
	txn(f->fx.s, M2, "purchase", 50000, "2026-12-04"); /* fee 3.00 */
	close_day(f, 20261204);
	f->not_ready = M2;
	r = run(f, 20261207);
	assert_int_equal(r.made, 1);
	assert_int_equal(r.owed_days, 1);
	fd = found(f->fx.s, "2026-12-07");
	assert_int_equal(fd.n, 1);
	assert_string_equal(fd.p[0].mid, M1);
	assert_int_equal(fd.nt, 1);
	assert_string_equal(fd.t[0].mid, M2);
	assert_string_equal(fd.t[0].date, "2026-12-04");
	assert_string_equal(fd.t[0].reason, "no_settlement_card");
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M2), 49700);
	f->not_ready = NULL;
	r = run(f, 20261208);
	assert_int_equal(r.made, 1);
	fd = found(f->fx.s, "2026-12-08");
	assert_int_equal(fd.n, 1);
	assert_int_equal(fd.nt, 0);
	assert_string_equal(fd.p[0].mid, M2);
	assert_int_equal(fd.p[0].amount, 49700);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M2), 0);
}

/* A negative day is carried forward, never paid: the next day's payout holds both. */
static void negative(void **state)
{
	struct fixture *f = *state;
	struct settle_payout_result r;
	struct found fd;

	txn(f->fx.s, M1, "refund", 30000, "2026-12-04"); /* net -300.00 */
	txn(f->fx.s, M1, "purchase", 100000, "2026-12-07");
	close_day(f, 20261204);
	close_day(f, 20261207);
	r = run(f, 20261207);
	assert_int_equal(r.made, 0);
	assert_int_equal(r.owed_days, 1);
	assert_int_equal(f->calls, 0);
	fd = found(f->fx.s, "2026-12-07");
	assert_int_equal(fd.nt, 1);
	assert_string_equal(fd.t[0].reason, "carried_forward");
	assert_int_equal(fd.t[0].net, -30000);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), 69400);
	r = run(f, 20261208);
	assert_int_equal(r.made, 1);
	assert_int_equal(r.amount, 69400);
	fd = found(f->fx.s, "2026-12-08");
	assert_int_equal(fd.n, 1);
	assert_int_equal(fd.nt, 0);
	assert_string_equal(fd.p[0].settle_dates, "2026-12-04,2026-12-07");
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), 0);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payouts"), 69400);
}

static struct store_settle_payout payout(store *s, int64_t id)
{
	struct store_settle_payout p;

	assert_int_equal(store_settle_payout_get(s, id, &p), STORE_OK);
	return p;
}

/* The bank's answers: paid (out of the ledger), failed (back to owed, paid again by the next
 * run), the same file twice changing nothing, and a file with an unknown payout or a
 * contradicting answer refused whole. */
static void confirm(void **state)
{
	struct fixture *f = *state;
	struct settle_confirm_result r;
	struct settle_answer a[3];
	struct found fd;
	const char *why;

	txn(f->fx.s, M1, "purchase", 100000, "2026-12-04");
	txn(f->fx.s, M2, "purchase", 50000, "2026-12-04");
	close_day(f, 20261204);
	assert_int_equal(run(f, 20261207).made, 2);
	assert_int_equal(settle_answer_parse("1,paid,BANK0001", &a[0], &why), SETTLE_OK);
	assert_int_equal(settle_answer_parse("2,failed,BANK0002\r", &a[1], &why), SETTLE_OK);
	assert_int_equal(settle_payouts_confirm(f->fx.s, a, 2, f->fx.p.now, &r), SETTLE_OK);
	assert_int_equal(r.paid, 1);
	assert_int_equal(r.failed, 1);
	assert_string_equal(payout(f->fx.s, 1).status, "paid");
	assert_string_equal(payout(f->fx.s, 1).bank_reference, "BANK0001");
	assert_string_equal(payout(f->fx.s, 2).status, "failed");
	assert_string_equal(payout(f->fx.s, 2).reason, "bank_failed");
	assert_int_equal(settle_fixture_balance(f->fx.s, "payouts"), 0);
	assert_int_equal(settle_fixture_balance(f->fx.s, "paid_out"), 99400);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M2), 49700);
	settle_fixture_ledger_sound(f->fx.s);
	fd = found(f->fx.s, "2026-12-07");
	assert_int_equal(fd.nt, 1);
	assert_string_equal(fd.t[0].reason, "payout_failed");
	/* Twice: nothing changes. */
	assert_int_equal(settle_payouts_confirm(f->fx.s, a, 2, f->fx.p.now, &r), SETTLE_OK);
	assert_int_equal(r.paid + r.failed, 0);
	assert_int_equal(r.unchanged, 2);
	assert_int_equal(settle_fixture_balance(f->fx.s, "paid_out"), 99400);
	/* Refused whole: a good line, then one contradicting an earlier answer. */
	assert_int_equal(run(f, 20261208).made, 1); /* payout 3: M2 again */
	assert_int_equal(settle_answer_parse("3,paid,BANK0003", &a[0], &why), SETTLE_OK);
	assert_int_equal(settle_answer_parse("1,failed,BANK0001", &a[1], &why), SETTLE_OK);
	assert_int_equal(settle_payouts_confirm(f->fx.s, a, 2, f->fx.p.now, &r), SETTLE_EARG);
	assert_int_equal(r.bad, 1);
	assert_string_equal(payout(f->fx.s, 3).status, "made");
	assert_string_equal(payout(f->fx.s, 1).status, "paid");
	assert_int_equal(settle_fixture_balance(f->fx.s, "payouts"), 49700);
	assert_int_equal(settle_answer_parse("9,paid,X", &a[1], &why), SETTLE_OK);
	assert_int_equal(settle_payouts_confirm(f->fx.s, a, 2, f->fx.p.now, &r), SETTLE_EARG);
	assert_string_equal(r.why, "no such payout");
	assert_string_equal(payout(f->fx.s, 3).status, "made");
	settle_fixture_ledger_sound(f->fx.s);
}

static int card_pan(void *ctx, int64_t card_id, char pan[CARD_PAN_MAX + 1])
{
	(void)ctx;
	snprintf(pan, CARD_PAN_MAX + 1, "622202000000000%lld", (long long)card_id);
	return SETTLE_OK;
}

/* The bank's file: the payouts still made, full card numbers, AES-256-GCM under the bank's key
 * (nonce || ciphertext || tag), 0600; decrypted with the key it is the CSV; another key's
 * usage is refused. */
static void export(void **state)
{
	static const struct hsm_key_spec d0 = {"D0", HSM_AES, 32, 'B', 'N'};
	static const struct hsm_key_spec m7 = {"M7", HSM_HMAC, 32, 'C', 'N'};
	struct fixture *f = *state;
	uint8_t lmk[HSM_LMK_LEN] = {1, 2, 3}, file[2048], plain[2048];
	struct settle_export_params p = {.pan = card_pan, .holder = card_holder};
	struct settle_answer a;
	struct settle_confirm_result r;
	hsm_key key, other;
	char path[128];
	const char *why;
	size_t rows, n, len;
	struct stat st;
	FILE *fp;
	hsm *h;

	txn(f->fx.s, M1, "purchase", 100000, "2026-12-04");
	txn(f->fx.s, M2, "purchase", 50000, "2026-12-04");
	close_day(f, 20261204);
	assert_int_equal(run(f, 20261207).made, 2);
	assert_int_equal(settle_answer_parse("2,paid,B2", &a, &why), SETTLE_OK);
	assert_int_equal(settle_payouts_confirm(f->fx.s, &a, 1, f->fx.p.now, &r), SETTLE_OK);
	assert_int_equal(hsm_open(lmk, &h), HSM_OK);
	assert_int_equal(hsm_generate(h, &d0, &key, NULL), HSM_OK);
	assert_int_equal(hsm_generate(h, &m7, &other, NULL), HSM_OK);
	p.h = h, p.key = &key;
	snprintf(path, sizeof path, "%s/bank.bin", settle_fixture_dir(&f->fx));
	assert_int_equal(settle_payouts_export(f->fx.s, &p, 20261207, path, &rows), SETTLE_OK);
	assert_int_equal(rows, 1); /* payout 2 answered already */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_non_null(fp = fopen(path, "rb"));
	len = fread(file, 1, sizeof file, fp);
	fclose(fp);
	for (size_t i = 0; i + 16 <= len; i++) /* no PAN in the clear */
		assert_int_not_equal(memcmp(file + i, "6222020000000001", 16), 0);
	assert_int_equal(hsm_data_decrypt(h, &key, NULL, 0, file, len, plain, sizeof plain - 1, &n),
	                 HSM_OK);
	plain[n] = '\0';
	assert_string_equal(
	    (char *)plain,
	    "payout_id,mid,account_name,pan,amount,currency,settle_dates,reference\n"
	    "1," M1 ",\"\",6222020000000001,994.00,CNY,\"2026-12-04\",P20261207-00000001\n");
	file[20] ^= 1;
	assert_int_equal(hsm_data_decrypt(h, &key, NULL, 0, file, len, plain, sizeof plain, &n),
	                 HSM_EAUTH);
	p.key = &other;
	assert_int_equal(settle_payouts_export(f->fx.s, &p, 20261207, path, &rows), SETTLE_EHSM);
	hsm_close(h);
}

/* The local date payouts run for, whatever the cut-off: UTC+8's midnight. */
static void local_date(void **state)
{
	int32_t d;

	(void)state;
	assert_int_equal(settle_local_date(480, DEC04_2026 + 16 * 3600 - 1, &d), SETTLE_OK);
	assert_int_equal(d, 20261204);
	assert_int_equal(settle_local_date(480, DEC04_2026 + 16 * 3600, &d), SETTLE_OK);
	assert_int_equal(d, 20261205);
	assert_int_equal(settle_local_date(-720, DEC04_2026 + 12 * 3600 - 1, &d), SETTLE_OK);
	assert_int_equal(d, 20261203);
}

/* Bad lines. */
static void answer_lines(void **state)
{
	static const char *bad[] = {"",           "1,paid",
	                            "1,paid,R,x", "x,paid,R",
	                            "0,paid,R",   "1,settled,R",
	                            "1,paid,",    "-1,paid,R",
	                            "1,PAID,R",   "99999999999999999999,paid,R"};
	struct settle_answer a;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(settle_answer_parse(bad[i], &a, &why), SETTLE_EARG);
	assert_int_equal(settle_answer_parse("12,failed,REF 7", &a, &why), SETTLE_OK);
	assert_int_equal(a.payout_id, 12);
	assert_false(a.paid);
	assert_string_equal(a.bank_reference, "REF 7");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(due_once, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(holiday, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(not_ready, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(negative, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(summary, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(confirm, setup, settle_fixture_free),
	    cmocka_unit_test(answer_lines),
	    cmocka_unit_test(local_date),
	    cmocka_unit_test_setup_teardown(export, setup, settle_fixture_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
