/* test_close_qr.c — QR-code payments in the books (docs/settle.md "Channels") on a store in a
 * temporary directory: a mixed day of card and QR rows closed, each line with its row's
 * channel — QR at the merchant's QR rate (0.48% by default) without a cap whatever the card
 * (CNY 10,000.00 by QR pays 48.00 where the same debit card swiped is capped at 20.00), a
 * merchant's own QR rate, the static code's rows of batch 0, a QR refund returning its share
 * at the QR rate on a qr line, a late void of a QR payment undoing it on a qr counter-line —
 * to the fen; each merchant's totals with QR's apart and the ledger sound; the statement of
 * the day, closed and not yet closed, by channel (JSON, CSV, text); a day before QR (the
 * totals' QR figures zero). */
#include "settle_fixture.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "settle/settle_close.h"
#include "settle/settle_statement.h"
#include "store/store_acquirer.h"
#include "store/store_merchant.h"
#include "store/store_settle.h"

#define D 20261204

struct fixture {
	struct settle_fixture fx;
};

static int setup(void **state)
{
	struct fixture *f;

	if (settle_fixture_new(state, sizeof *f, DEC04_2026 + 3 * DAY) != 0)
		return -1;
	f = *state;
	settle_fixture_merchant(f->fx.s, M1, "Possum Cafe", "5812");
	settle_fixture_merchant(f->fx.s, M2, "Possum Books", "5942");
	return 0;
}

/* An approved request of channel ("card", "qr") of merchant mid on date, following up
 * original (0 none), in batch batch (0: the terminal's static code's): its id. */
static int64_t row(store *s, const char *channel, int batch, const char *mid, const char *type,
                   int64_t amount, const char *masked, const char *date, int64_t original)
{
	struct store_acq_txn t = settle_fixture_row(mid, type, amount, masked, date);

	snprintf(t.channel, sizeof t.channel, "%s", channel);
	t.batch = batch, t.original_id = original;
	return settle_fixture_insert(s, &t);
}

static void mark_refunded(store *s, int64_t id, int64_t refunded)
{
	struct store_acq_txn t;

	assert_int_equal(store_acq_txn_get(s, id, &t), STORE_OK);
	t.refunded = refunded;
	assert_int_equal(store_acq_txn_update(s, &t), STORE_OK);
}

/* M1's day: a debit card swiped for 10,000.00 (capped 20.00), the same card by a payment code
 * for 10,000.00 (48.00), a credit card by code 123.45 (0.5926: 0.59), a refund of 2,500.00 of
 * the QR payment (gives back 12.00), a credit card's 200.00 (1.20), and the static code paid
 * 50.00 (batch 0: 0.24). M2, with its own QR rate of 0.38%: 1,000.00 by QR (3.80). */
static void day(store *s)
{
	struct store_merchant_app app = {.state = 1,
	                                 .mid = M2,
	                                 .fee_credit_bp = 60,
	                                 .fee_debit_bp = 55,
	                                 .fee_qr_bp = 38,
	                                 .fee_debit_cap = 2000};
	int64_t id;

	row(s, "card", 1, M1, "purchase", 1000000, DEBIT, "2026-12-04", 0);
	id = row(s, "qr", 1, M1, "purchase", 1000000, DEBIT, "2026-12-04", 0);
	mark_refunded(s, id, 250000);
	row(s, "qr", 1, M1, "purchase", 12345, CREDIT, "2026-12-04", 0);
	row(s, "qr", 1, M1, "refund", 250000, DEBIT, "2026-12-04", id);
	row(s, "card", 1, M1, "purchase", 20000, CREDIT, "2026-12-04", 0);
	row(s, "qr", 0, M1, "purchase", 5000, PREPAID, "2026-12-04", 0);
	assert_int_equal(store_merchant_app_insert(s, &app), STORE_OK);
	row(s, "qr", 1, M2, "purchase", 100000, VISA, "2026-12-04", 0);
}

static void expect_line(const struct store_settle_line *l, const char *channel, const char *type,
                        const char *product, int64_t amount, int64_t fee)
{
	assert_string_equal(l->channel, channel);
	assert_string_equal(l->type, type);
	assert_string_equal(l->product, product);
	assert_int_equal(l->amount, amount);
	assert_int_equal(l->fee, fee);
	assert_int_equal(l->net, amount - fee);
}

static void expect_figures(const struct settle_figures *f, int64_t count, int64_t amount,
                           int64_t fees)
{
	assert_int_equal(f->count, count);
	assert_int_equal(f->amount, amount);
	assert_int_equal(f->fees, fees);
	assert_int_equal(f->net, amount - fees);
}

static void mixed_day(void **state)
{
	struct fixture *f = *state;
	struct settle_figures by[SETTLE_CHANNELS];
	struct settle_close_result r;
	struct settle_fixture_lines ls = {0};
	struct settle_fixture_totals ts = {0};

	day(f->fx.s);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	assert_int_equal(r.lines, 7);
	assert_int_equal(
	    store_settle_lines(f->fx.s, "2026-12-04", settle_fixture_collect_line, &ls), STORE_OK);
	assert_int_equal(ls.n, 7);
	expect_line(&ls.l[0], "card", "purchase", "debit", 1000000, 2000); /* 55.00 capped */
	expect_line(&ls.l[1], "qr", "purchase", "debit", 1000000, 4800);   /* 0.48%, no cap */
	expect_line(&ls.l[2], "qr", "purchase", "credit", 12345, 59);
	expect_line(&ls.l[3], "qr", "refund", "debit", -250000, -1200); /* 48.00 × 1/4 */
	assert_int_equal(ls.l[3].original_id, ls.l[1].txn_id);
	expect_line(&ls.l[4], "card", "purchase", "credit", 20000, 120);
	expect_line(&ls.l[5], "qr", "purchase", "prepaid", 5000, 24);
	assert_string_equal(ls.l[5].mid, M1);
	expect_line(&ls.l[6], "qr", "purchase", "other", 100000, 380); /* M2's own rate */
	assert_int_equal(
	    store_settle_totals(f->fx.s, "2026-12-04", settle_fixture_collect_total, &ts),
	    STORE_OK);
	assert_int_equal(ts.n, 2);
	assert_string_equal(ts.t[0].mid, M1);
	assert_int_equal(ts.t[0].count, 6);
	assert_int_equal(ts.t[0].amount, 1787345);
	assert_int_equal(ts.t[0].fees, 5803);
	assert_int_equal(ts.t[0].net, 1787345 - 5803);
	settle_total_channels(&ts.t[0], by);
	expect_figures(&by[SETTLE_CHANNEL_CARD], 2, 1020000, 2120);
	expect_figures(&by[SETTLE_CHANNEL_QR], 4, 767345, 3683);
	settle_total_channels(&ts.t[1], by);
	expect_figures(&by[SETTLE_CHANNEL_CARD], 0, 0, 0);
	expect_figures(&by[SETTLE_CHANNEL_QR], 1, 100000, 380);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), 1787345 - 5803);
	assert_int_equal(settle_fixture_balance(f->fx.s, "fee_income"), 5803 + 380);
	settle_fixture_ledger_sound(f->fx.s);
}

/* A QR payment voided on the next day, after its line: a counter-line of channel qr undoes
 * its amount and fee, and the next day's totals hold it as QR's. */
static void late_void(void **state)
{
	struct fixture *f = *state;
	struct settle_figures by[SETTLE_CHANNELS];
	struct store_settle_line l;
	struct settle_fixture_totals ts = {0};
	struct store_acq_txn t;
	int64_t id, v;

	id = row(f->fx.s, "qr", 1, M1, "purchase", 1000000, DEBIT, "2026-12-04", 0);
	settle_fixture_close(&f->fx, D);
	assert_int_equal(store_acq_txn_get(f->fx.s, id, &t), STORE_OK);
	t.voided = true;
	assert_int_equal(store_acq_txn_update(f->fx.s, &t), STORE_OK);
	v = row(f->fx.s, "qr", 1, M1, "void", 1000000, DEBIT, "2026-12-05", id);
	f->fx.p.now += DAY;
	settle_fixture_close(&f->fx, D + 1);
	assert_int_equal(store_settle_line_get(f->fx.s, v, &l), STORE_OK);
	expect_line(&l, "qr", "void", "debit", -1000000, -4800);
	assert_int_equal(
	    store_settle_totals(f->fx.s, "2026-12-05", settle_fixture_collect_total, &ts),
	    STORE_OK);
	assert_int_equal(ts.n, 1);
	settle_total_channels(&ts.t[0], by);
	expect_figures(&by[SETTLE_CHANNEL_QR], 1, -1000000, -4800);
	expect_figures(&by[SETTLE_CHANNEL_CARD], 0, 0, 0);
	assert_int_equal(settle_fixture_balance(f->fx.s, "payable:" M1), 0);
	settle_fixture_ledger_sound(f->fx.s);
}

/* The JSON figures of channel name under the statement's totals: count, amount in fen, and
 * fees (-1: left out). */
static void expect_json_channel(json_t *j, const char *name, int64_t count, int64_t amount,
                                int64_t fees)
{
	json_t *c =
	    json_object_get(json_object_get(json_object_get(j, "totals"), "channels"), name);
	json_t *fee = json_object_get(c, "fees");

	assert_non_null(c);
	assert_int_equal(json_integer_value(json_object_get(c, "count")), count);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(c, "amount"), "amount")), amount);
	if (fees < 0)
		assert_null(fee);
	else
		assert_int_equal(json_integer_value(json_object_get(fee, "amount")), fees);
}

static void statement(void **state)
{
	struct fixture *f = *state;
	struct settle_statement st;
	char *csv, *text;
	json_t *j;

	day(f->fx.s);
	/* Not yet closed: each payment's channel, the amounts by channel, no fees. */
	assert_int_equal(settle_statement_build(f->fx.s, M1, D, &st), SETTLE_OK);
	assert_false(st.closed);
	assert_int_equal(st.channels[SETTLE_CHANNEL_QR].count, 4);
	assert_int_equal(st.channels[SETTLE_CHANNEL_QR].amount, 767345);
	assert_int_equal(st.channels[SETTLE_CHANNEL_CARD].amount, 1020000);
	j = settle_statement_json(&st, 480);
	expect_json_channel(j, "qr", 4, 767345, -1);
	expect_json_channel(j, "card", 2, 1020000, -1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(j, "items"), 1), "channel")),
	                    "qr");
	json_decref(j);
	settle_statement_free(&st);
	/* Closed: the lines' fees, and the totals by channel as the close kept them. */
	settle_fixture_close(&f->fx, D);
	assert_int_equal(settle_statement_build(f->fx.s, M1, D, &st), SETTLE_OK);
	assert_true(st.closed);
	assert_int_equal(st.n, 6);
	expect_figures(&st.channels[SETTLE_CHANNEL_CARD], 2, 1020000, 2120);
	expect_figures(&st.channels[SETTLE_CHANNEL_QR], 4, 767345, 3683);
	j = settle_statement_json(&st, 480);
	expect_json_channel(j, "card", 2, 1020000, 2120);
	expect_json_channel(j, "qr", 4, 767345, 3683);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(j, "items"), 0), "channel")),
	                    "card");
	json_decref(j);
	csv = settle_fixture_render(&st, SETTLE_STATEMENT_CSV);
	assert_non_null(strstr(csv, ",10000.00,48.00,9952.00,qr\r\n"));
	assert_non_null(strstr(csv, ",10000.00,20.00,9980.00,card\r\n"));
	assert_non_null(strstr(csv, ",-2500.00,-12.00,-2488.00,qr\r\n"));
	text = settle_fixture_render(&st, SETTLE_STATEMENT_TEXT);
	assert_non_null(strstr(text, "total 合计: 6 transactions, amount 17873.45 CNY, fees 58.03 "
	                             "CNY, net 17815.42 CNY\n"));
	assert_non_null(strstr(text,
	                       "  card 银行卡: 2 transactions, amount 10200.00 CNY, fees 21.20 "
	                       "CNY, net 10178.80 CNY\n"));
	assert_non_null(strstr(text,
	                       "  qr 扫码: 4 transactions, amount 7673.45 CNY, fees 36.83 CNY, "
	                       "net 7636.62 CNY\n"));
	free(csv);
	free(text);
	settle_statement_free(&st);
}

/* A day of cards alone: its QR figures zero, its card figures the whole day's. */
static void cards_only(void **state)
{
	struct fixture *f = *state;
	struct settle_figures by[SETTLE_CHANNELS];
	struct settle_fixture_totals ts = {0};

	row(f->fx.s, "card", 1, M1, "purchase", 1000000, DEBIT, "2026-12-04", 0);
	settle_fixture_close(&f->fx, D);
	assert_int_equal(
	    store_settle_totals(f->fx.s, "2026-12-04", settle_fixture_collect_total, &ts),
	    STORE_OK);
	settle_total_channels(&ts.t[0], by);
	expect_figures(&by[SETTLE_CHANNEL_CARD], 1, 1000000, 2000);
	expect_figures(&by[SETTLE_CHANNEL_QR], 0, 0, 0);
	assert_int_equal(settle_channel_of("qr"), SETTLE_CHANNEL_QR);
	assert_int_equal(settle_channel_of(""), SETTLE_CHANNEL_CARD);
	assert_int_equal(settle_channel_of(NULL), SETTLE_CHANNEL_CARD);
	assert_string_equal(settle_channel_name(SETTLE_CHANNEL_QR), "qr");
	assert_string_equal(settle_channel_name(SETTLE_CHANNEL_CARD), "card");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(mixed_day, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(late_void, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(statement, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(cards_only, setup, settle_fixture_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
