/* test_statement.c — a merchant's statement of a day (settle_statement.h) on a store in a
 * temporary directory: a closed day of a debit and a credit purchase, a refund of part of the
 * debit one, a reversed purchase and an open pre-authorization, rendered as JSON, CSV, text
 * and HTML with the expected lines, fees and totals to the fen; the payout that holds the day
 * as it is made and answered paid, and the merchant's sums with it; CSV quoting (an RRN with
 * a comma and a quote), HTML escaping (a merchant's name with <, > and &), the HTML's page
 * breaks every 40 lines (85 lines: three pages, each with its table header); a day not yet
 * closed (its payments without fees, marked so); an unknown merchant. */
#include "settle_fixture.h"

#include <stdbool.h>
#include <stdio.h>

#include "settle/settle_close.h"
#include "settle/settle_payout.h"
#include "settle/settle_statement.h"
#include "store/store_acquirer.h"
#include "store/store_settle.h"

#define D 20261204

static unsigned stan; /* the last request's STAN: from 1 in each test (setup()) */

struct fixture {
	struct settle_fixture fx;
};

static int setup(void **state)
{
	struct fixture *f;

	if (settle_fixture_new(state, sizeof *f, DEC04_2026 + 3 * DAY) != 0)
		return -1;
	f = *state;
	stan = 0;
	settle_fixture_merchant(f->fx.s, M1, "Possum <Books> & Co", "5942");
	settle_fixture_merchant(f->fx.s, M2, "Many Lines", "5942");
	return 0;
}

/* An approved terminal request of settlement date date, at 10:00 local (02:00Z) that day. */
static int64_t txn(store *s, const char *mid, const char *type, int64_t amount, const char *masked,
                   const char *date, const char *rrn, int64_t original)
{
	struct store_acq_txn t = settle_fixture_row(mid, type, amount, masked, date);

	t.at = DEC04_2026 + 2 * 3600, t.original_id = original;
	snprintf(t.tid, sizeof t.tid, "TERM000%c", mid[14]);
	snprintf(t.stan, sizeof t.stan, "%06u", ++stan % 1000000u);
	snprintf(t.rrn, sizeof t.rrn, "%s", rrn);
	snprintf(t.auth_code, sizeof t.auth_code, "A%05u", stan);
	return settle_fixture_insert(s, &t);
}

/* M1's day: 1,000.00 debit (fee 5.50), 300.00 credit (1.80), a refund of 100.00 of the debit
 * one (gives back 0.55), a purchase reversed, an open pre-authorization of 400.00, and a
 * purchase of the next day (not closed). M2: 85 purchases of 1.00 on a credit card. */
static void day(store *s)
{
	struct store_acq_txn t;
	int64_t id;

	id = txn(s, M1, "purchase", 100000, DEBIT, "2026-12-04", "000000000001", 0);
	txn(s, M1, "purchase", 30000, CREDIT, "2026-12-04", "12,\"34", 0);
	txn(s, M1, "refund", 10000, DEBIT, "2026-12-04", "000000000003", id);
	id = txn(s, M1, "purchase", 20000, CREDIT, "2026-12-04", "000000000004", 0);
	assert_int_equal(store_acq_txn_get(s, id, &t), STORE_OK);
	t.reversed = true;
	assert_int_equal(store_acq_txn_update(s, &t), STORE_OK);
	txn(s, M1, "preauth", 40000, CREDIT, "2026-12-04", "000000000005", 0);
	txn(s, M1, "purchase", 5000, DEBIT, "2026-12-05", "000000000006", 0);
	for (int i = 0; i < 85; i++)
		txn(s, M2, "purchase", 100, CREDIT, "2026-12-04", "000000000100", 0);
}

static void close_day(struct fixture *f)
{
	day(f->fx.s);
	settle_fixture_close(&f->fx, D);
}

static size_t count(const char *text, const char *what)
{
	size_t n = 0;

	for (const char *p = strstr(text, what); p != NULL; p = strstr(p + 1, what))
		n++;
	return n;
}

static void expect_item(json_t *items, size_t i, const char *type, int64_t amount, int64_t fee)
{
	json_t *it = json_array_get(items, i);

	assert_string_equal(json_string_value(json_object_get(it, "type")), type);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(it, "amount"), "amount")), amount);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(it, "fee"), "amount")),
	                 fee);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(it, "net"), "amount")),
	                 amount - fee);
}

static void closed_json(void **state)
{
	struct fixture *f = *state;
	struct settle_statement st;
	json_t *j, *totals, *it;

	close_day(f);
	assert_int_equal(settle_statement_build(f->fx.s, M1, D, &st), SETTLE_OK);
	assert_true(st.closed);
	assert_int_equal(st.n, 3);
	j = settle_statement_json(&st, 480);
	assert_string_equal(json_string_value(json_object_get(j, "mid")), M1);
	assert_string_equal(json_string_value(json_object_get(j, "merchant_name")),
	                    "Possum <Books> & Co");
	assert_string_equal(json_string_value(json_object_get(j, "date")), "2026-12-04");
	assert_true(json_is_null(json_object_get(j, "next")));
	expect_item(json_object_get(j, "items"), 0, "purchase", 100000, 550);
	expect_item(json_object_get(j, "items"), 1, "purchase", 30000, 180);
	expect_item(json_object_get(j, "items"), 2, "refund", -10000, -55);
	it = json_array_get(json_object_get(j, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(it, "at")),
	                    "2026-12-04T10:00:00+08:00");
	assert_string_equal(json_string_value(json_object_get(it, "card")), DEBIT);
	assert_string_equal(json_string_value(json_object_get(it, "product")), "debit");
	assert_string_equal(json_string_value(json_object_get(it, "tid")), "TERM0001");
	totals = json_object_get(j, "totals");
	assert_int_equal(json_integer_value(json_object_get(totals, "count")), 3);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(totals, "amount"), "amount")),
	    120000);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(totals, "fees"), "amount")), 675);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(totals, "net"), "amount")), 119325);
	it = json_object_get(j, "payout");
	assert_true(json_is_null(json_object_get(it, "payout_id")));
	assert_string_equal(json_string_value(json_object_get(it, "status")), "owed");
	assert_string_equal(json_string_value(json_object_get(it, "payout_date")), "2026-12-07");
	json_decref(j);
	settle_statement_free(&st);
}

static void closed_csv_text(void **state)
{
	struct fixture *f = *state;
	struct settle_statement st;
	char *csv, *text;

	close_day(f);
	assert_int_equal(settle_statement_build(f->fx.s, M1, D, &st), SETTLE_OK);
	csv = settle_fixture_render(&st, SETTLE_STATEMENT_CSV);
	assert_non_null(
	    strstr(csv, "time,tid,type,card,product,rrn,auth_code,amount,fee,net,channel\r\n"));
	assert_non_null(strstr(csv, "2026-12-04T10:00:00+08:00,TERM0001,purchase," DEBIT
	                            ",debit,000000000001,A00001,1000.00,5.50,994.50,card\r\n"));
	/* RFC 4180: the field with a comma and a quote quoted, its quote doubled. */
	assert_non_null(strstr(csv, ",credit,\"12,\"\"34\",A00002,300.00,1.80,298.20,card\r\n"));
	assert_non_null(strstr(csv, ",refund," DEBIT
	                            ",debit,000000000003,A00003,-100.00,-0.55,-99.45,card\r\n"));
	assert_int_equal(count(csv, "\r\n"), 4);
	assert_null(strstr(csv, "preauth"));
	assert_null(strstr(csv, "000000000004")); /* reversed: nothing settled */
	text = settle_fixture_render(&st, SETTLE_STATEMENT_TEXT);
	assert_non_null(strstr(text, M1));
	assert_non_null(strstr(text, "2026-12-04 10:00:00"));
	assert_non_null(strstr(text,
	                       "total 合计: 3 transactions, amount 1200.00 CNY, fees 6.75 CNY, "
	                       "net 1193.25 CNY"));
	assert_non_null(strstr(text, "  card 银行卡: 3 transactions, amount 1200.00 CNY, fees 6.75 "
	                             "CNY, net 1193.25 CNY\n  qr 扫码: 0 transactions, amount 0.00 "
	                             "CNY, fees 0.00 CNY, net 0.00 CNY\n"));
	assert_non_null(strstr(text, "owed 1193.25 CNY, due 2026-12-07"));
	free(csv);
	free(text);
	settle_statement_free(&st);
}

static int payee(void *ctx, const char *mid, struct settle_payee *out)
{
	(void)ctx, (void)mid;
	*out = (struct settle_payee){.ready = true, .card = "622202******9999", .card_id = 7};
	return SETTLE_OK;
}

/* The payout made, then paid: the statement and the merchant's sums follow. */
static void payout_and_sums(void **state)
{
	struct fixture *f = *state;
	struct settle_payout_params p = {.now = DEC04_2026 + 3 * DAY, .payee = payee};
	struct settle_answer a = {.payout_id = 1, .paid = true, .bank_reference = "B1"};
	struct settle_confirm_result cr;
	struct settle_payout_result r;
	struct store_settle_balance m;
	struct settle_statement st;
	char *text;

	close_day(f);
	assert_int_equal(settle_statement_balance(f->fx.s, M1, &m), SETTLE_OK);
	assert_int_equal(m.paid, 0);
	assert_int_equal(m.unpaid, 119325);
	assert_int_equal(m.open, 5000); /* the 5th's purchase, its day not closed */
	assert_int_equal(m.open_count, 1);
	assert_int_equal(m.held, 40000);
	assert_int_equal(m.held_count, 1);
	assert_int_equal(settle_payouts_run(f->fx.s, &p, 20261207, &r), SETTLE_OK);
	assert_int_equal(settle_statement_balance(f->fx.s, M1, &m), SETTLE_OK);
	assert_int_equal(m.unpaid, 119325); /* made, not yet answered */
	assert_int_equal(settle_statement_build(f->fx.s, M1, D, &st), SETTLE_OK);
	assert_true(st.has_payout);
	assert_string_equal(st.payout.status, "made");
	assert_string_equal(st.payout.payout_date, "2026-12-07");
	assert_int_equal(st.payout.amount, 119325);
	assert_true(st.payout.payout_id > 0);
	a.payout_id = st.payout.payout_id;
	settle_statement_free(&st);
	assert_int_equal(settle_payouts_confirm(f->fx.s, &a, 1, p.now, &cr), SETTLE_OK);
	assert_int_equal(settle_statement_balance(f->fx.s, M1, &m), SETTLE_OK);
	assert_int_equal(m.paid, 119325);
	assert_int_equal(m.unpaid, 0);
	assert_int_equal(settle_statement_build(f->fx.s, M1, D, &st), SETTLE_OK);
	assert_string_equal(st.payout.status, "paid");
	text = settle_fixture_render(&st, SETTLE_STATEMENT_TEXT);
	assert_non_null(strstr(text, "paid 2026-12-07 (1193.25 CNY)"));
	free(text);
	settle_statement_free(&st);
}

static void html_escaped_and_paged(void **state)
{
	struct fixture *f = *state;
	struct settle_statement st;
	char *html;

	close_day(f);
	assert_int_equal(settle_statement_build(f->fx.s, M1, D, &st), SETTLE_OK);
	html = settle_fixture_render(&st, SETTLE_STATEMENT_HTML);
	assert_non_null(strstr(html, "@page { size: A4"));
	assert_non_null(strstr(html, "Possum &lt;Books&gt; &amp; Co"));
	assert_null(strstr(html, "<Books>"));
	assert_non_null(strstr(html, "12,&quot;34"));
	assert_non_null(strstr(html, "1193.25 CNY"));
	assert_int_equal(count(html, "<thead>"), 1);
	assert_int_equal(count(html, "page next"), 0);
	free(html);
	settle_statement_free(&st);
	/* 85 lines: pages of 40, 40 and 5, each with its header; the totals after the last. */
	assert_int_equal(settle_statement_build(f->fx.s, M2, D, &st), SETTLE_OK);
	assert_int_equal(st.n, 85);
	html = settle_fixture_render(&st, SETTLE_STATEMENT_HTML);
	assert_int_equal(count(html, "<thead>"), 3);
	assert_int_equal(count(html, "<section class=\"page next\">"), 2);
	assert_int_equal(count(html, "<tr><td>2026-12-04 10:00:00</td>"), 85);
	assert_true(strstr(html, "合计 Total") > strstr(html, "<section class=\"page next\">"));
	free(html);
	settle_statement_free(&st);
}

static void open_day(void **state)
{
	struct fixture *f = *state;
	struct settle_statement st;
	json_t *j, *it;
	char *text, *csv;

	close_day(f);
	assert_int_equal(settle_statement_build(f->fx.s, M1, 20261205, &st), SETTLE_OK);
	assert_false(st.closed);
	assert_false(st.has_payout);
	assert_int_equal(st.n, 1);
	assert_int_equal(st.amount, 5000);
	j = settle_statement_json(&st, 480);
	assert_true(json_is_false(json_object_get(j, "closed")));
	assert_true(json_is_null(json_object_get(j, "payout")));
	it = json_array_get(json_object_get(j, "items"), 0);
	assert_null(json_object_get(it, "fee"));
	assert_null(json_object_get(it, "net"));
	assert_null(json_object_get(json_object_get(j, "totals"), "fees"));
	json_decref(j);
	text = settle_fixture_render(&st, SETTLE_STATEMENT_TEXT);
	assert_non_null(strstr(text, "not closed"));
	csv = settle_fixture_render(&st, SETTLE_STATEMENT_CSV);
	assert_non_null(strstr(csv, ",50.00,,,card\r\n"));
	free(text);
	free(csv);
	settle_statement_free(&st);
	/* A merchant with nothing that day: an empty statement. */
	assert_int_equal(settle_statement_build(f->fx.s, M2, 20261205, &st), SETTLE_OK);
	assert_int_equal(st.n, 0);
	settle_statement_free(&st);
}

static void unknown_merchant(void **state)
{
	struct fixture *f = *state;
	struct settle_statement st;
	enum settle_statement_format fmt;

	assert_int_equal(settle_statement_build(f->fx.s, "M00000000000009", D, &st),
	                 SETTLE_ENOTFOUND);
	settle_statement_free(&st);
	assert_int_equal(settle_statement_build(f->fx.s, M1, 20261332, &st), SETTLE_EARG);
	settle_statement_free(&st);
	assert_int_equal(settle_statement_format_parse("html", &fmt), SETTLE_OK);
	assert_int_equal(fmt, SETTLE_STATEMENT_HTML);
	assert_int_equal(settle_statement_format_parse("pdf", &fmt), SETTLE_EARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(closed_json, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(closed_csv_text, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(payout_and_sums, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(html_escaped_and_paged, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(open_day, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(unknown_merchant, setup, settle_fixture_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
