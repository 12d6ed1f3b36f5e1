/* test_risk_store.c — the risk module's part of the store (store_risk.h): windows counted by
 * the minute (the first minute whole, declines apart), a card's day at a merchant and the
 * terminal's distinct cards kept as payments are approved, cases opened, read, listed and
 * closed once, and the lists added to, found, listed and removed from. */
#include "store/store_fixture.h"
#include "store/store_risk.h"

#define T0 1796032800 /* a minute's start */

static int count_case(void *ctx, const struct store_risk_case *c)
{
	(void)c;
	++*(int *)ctx;
	return 0;
}

static int count_entry(void *ctx, const struct store_risk_entry *e)
{
	(void)e;
	++*(int *)ctx;
	return 0;
}

static void windows_by_the_minute(void **state)
{
	struct store_fixture *f = *state;
	struct store_risk_counts n;
	struct store_risk_card_merchant cm;
	int64_t cards;
	bool seen;

	assert_int_equal(store_risk_count_add(f->s, STORE_RISK_CARD, "c1", T0 + 5, true, 100),
	                 STORE_OK);
	assert_int_equal(store_risk_count_add(f->s, STORE_RISK_CARD, "c1", T0 + 59, true, 200),
	                 STORE_OK);
	assert_int_equal(store_risk_count_add(f->s, STORE_RISK_CARD, "c1", T0 + 61, false, 300),
	                 STORE_OK);
	assert_int_equal(store_risk_count_add(f->s, STORE_RISK_CARD, "c2", T0 + 61, true, 300),
	                 STORE_OK);
	/* At T0 + 659 the 10 minutes start at T0 + 59: the minute of T0 counts whole. */
	int64_t at = T0 + 659;
	int64_t w[STORE_RISK_WINDOWS] = {at - 600, at - 1800, at - 3600, at - 86400, T0 + 60};
	assert_int_equal(store_risk_counts(f->s, STORE_RISK_CARD, "c1", w, w[3], &n), STORE_OK);
	assert_int_equal(n.count[STORE_RISK_10M], 2);
	assert_int_equal(n.sum[STORE_RISK_10M], 300);
	assert_int_equal(n.declines[STORE_RISK_10M], 1);
	assert_int_equal(n.count[STORE_RISK_DAY], 0); /* the day began at T0 + 60 */
	assert_int_equal(n.declines[STORE_RISK_DAY], 1);
	/* A minute later the first minute is out. */
	w[0] = at + 60 - 600;
	assert_int_equal(store_risk_counts(f->s, STORE_RISK_CARD, "c1", w, w[3], &n), STORE_OK);
	assert_int_equal(n.count[STORE_RISK_10M], 0);
	assert_int_equal(store_risk_counts(f->s, 9, "c1", w, w[3], &n), STORE_EARG);
	/* A card at a merchant: 30 minutes by the minute, the day as kept. */
	assert_int_equal(
	    store_risk_count_add(f->s, STORE_RISK_CARD_MERCHANT, "c1 M1", T0, true, 195000),
	    STORE_OK);
	assert_int_equal(
	    store_risk_count_add(f->s, STORE_RISK_CARD_MERCHANT, "c1 M1", T0, true, 194999),
	    STORE_OK);
	assert_int_equal(store_risk_payment_add(f->s, "c1", "T1", "M1", T0, 300000), STORE_OK);
	assert_int_equal(store_risk_payment_add(f->s, "c1", "T1", "M1", T0, 100), STORE_OK);
	assert_int_equal(store_risk_payment_add(f->s, "c2", "T1", "M1", T0, 100), STORE_OK);
	assert_int_equal(store_risk_card_merchant(f->s, "c1", "M1", T0 - 1800, T0, &cm), STORE_OK);
	assert_int_equal(cm.count_30m, 2);
	assert_int_equal(cm.split_30m, 1);
	assert_int_equal(cm.count_day, 2);
	assert_int_equal(cm.sum_day, 300100);
	assert_int_equal(cm.round_day, 1);
	assert_int_equal(store_risk_card_merchant(f->s, "c9", "M1", T0 - 1800, T0, &cm), STORE_OK);
	assert_int_equal(cm.count_day, 0);
	assert_int_equal(store_risk_terminal_cards(f->s, "T1", T0, "c1", &cards, &seen), STORE_OK);
	assert_int_equal(cards, 2);
	assert_true(seen);
	assert_int_equal(store_risk_terminal_cards(f->s, "T1", T0, "c3", &cards, &seen), STORE_OK);
	assert_false(seen);
	assert_int_equal(store_risk_terminal_cards(f->s, "T1", T0 + 86400, "c1", &cards, &seen),
	                 STORE_OK);
	assert_int_equal(cards, 0);
}

/* store_risk_count_payment(): the card's, terminal's, merchant's and card-at-merchant's minutes
 * at once, as store_risk_count_add() for each. */
static void payment_counted_at_once(void **state)
{
	struct store_fixture *f = *state;
	const char *keys[] = {"c1", "T1", "M1", "c1 M1"};
	int64_t w[STORE_RISK_WINDOWS] = {T0 - 600, T0 - 1800, T0 - 3600, T0 - 86400, T0 - 60};
	struct store_risk_counts n;

	assert_int_equal(store_risk_count_payment(f->s, "c1", "T1", "M1", T0, true, 195000),
	                 STORE_OK);
	assert_int_equal(store_risk_count_payment(f->s, "c1", "T1", "M1", T0 + 1, true, 100),
	                 STORE_OK);
	assert_int_equal(store_risk_count_payment(f->s, "c1", "T1", "M1", T0 + 2, false, 100),
	                 STORE_OK);
	for (int who = STORE_RISK_CARD; who <= STORE_RISK_CARD_MERCHANT; who++) {
		assert_int_equal(store_risk_counts(f->s, who, keys[who], w, w[3], &n), STORE_OK);
		assert_int_equal(n.count[STORE_RISK_10M], 2);
		assert_int_equal(n.sum[STORE_RISK_24H], 195100);
		assert_int_equal(n.declines[STORE_RISK_DAY], 1);
	}
	assert_int_equal(store_risk_counts(f->s, STORE_RISK_CARD, "c2", w, w[3], &n), STORE_OK);
	assert_int_equal(n.count[STORE_RISK_10M], 0);
}

static void cases(void **state)
{
	struct store_fixture *f = *state;
	struct store_risk_case c = {.opened_at = T0,
	                            .txn_ids = "7",
	                            .rrn = "000000000007",
	                            .tid = "T1",
	                            .mid = "M1",
	                            .masked = "622588******0266",
	                            .rules = "night_large",
	                            .numbers = "night_large: hour=4"},
	                       got;
	struct store_risk_case_page all = {0}, open = {.open_only = true};
	int n = 0;

	assert_int_equal(store_risk_case_open(f->s, &c), STORE_OK);
	assert_true(c.id > 0);
	assert_int_equal(store_risk_case_get(f->s, c.id, &got), STORE_OK);
	assert_string_equal(got.status, "open");
	assert_string_equal(got.numbers, "night_large: hour=4");
	assert_int_equal(
	    store_risk_case_close(f->s, c.id, "fraud", "stolen card", "token:1", T0 + 9), STORE_OK);
	assert_int_equal(store_risk_case_close(f->s, c.id, "legitimate", "", "token:1", T0 + 10),
	                 STORE_ENOTFOUND); /* once */
	assert_int_equal(store_risk_case_get(f->s, c.id, &got), STORE_OK);
	assert_string_equal(got.status, "closed");
	assert_string_equal(got.verdict, "fraud");
	assert_string_equal(got.closed_by, "token:1");
	assert_int_equal(got.closed_at, T0 + 9);
	assert_int_equal(store_risk_case_open(f->s, &c), STORE_OK);
	assert_int_equal(store_risk_case_page(f->s, &all, count_case, &n), STORE_OK);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(store_risk_case_page(f->s, &open, count_case, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_risk_case_get(f->s, 999, &got), STORE_ENOTFOUND);
}

static void lists(void **state)
{
	struct store_fixture *f = *state;
	struct store_risk_entry e = {.kind = "card",
	                             .key = "c1",
	                             .list = "blocked",
	                             .masked = "622588******0266",
	                             .reason = "fraud",
	                             .at = T0},
	                        got;
	struct store_risk_listed l;
	int n = 0;

	assert_int_equal(store_risk_list_add(f->s, &e), STORE_OK);
	snprintf(e.reason, sizeof e.reason, "confirmed");
	assert_int_equal(store_risk_list_add(f->s, &e), STORE_OK); /* rewritten, not twice */
	assert_int_equal(store_risk_list_find(f->s, "card", "c1", "blocked", &got), STORE_OK);
	assert_string_equal(got.reason, "confirmed");
	e = (struct store_risk_entry){.kind = "terminal", .key = "T1", .list = "watched", .at = T0};
	assert_int_equal(store_risk_list_add(f->s, &e), STORE_OK);
	assert_int_equal(store_risk_listed(f->s, "c1", "T1", "M1", &l), STORE_OK);
	assert_true(l.card_blocked);
	assert_false(l.card_watched);
	assert_true(l.terminal_watched);
	assert_false(l.terminal_blocked || l.merchant_blocked || l.merchant_watched);
	assert_int_equal(store_risk_list_each(f->s, NULL, NULL, count_entry, &n), STORE_OK);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(store_risk_list_each(f->s, "card", "watched", count_entry, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_risk_list_remove(f->s, "card", "c1", "blocked"), STORE_OK);
	assert_int_equal(store_risk_list_remove(f->s, "card", "c1", "blocked"), STORE_ENOTFOUND);
	assert_int_equal(store_risk_listed(f->s, "c1", "T1", "M1", &l), STORE_OK);
	assert_false(l.card_blocked);
	e = (struct store_risk_entry){.kind = "shop", .key = "x", .list = "blocked"};
	assert_int_not_equal(store_risk_list_add(f->s, &e), STORE_OK); /* not a kind */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(windows_by_the_minute, store_fixture_setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(payment_counted_at_once, store_fixture_setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(cases, store_fixture_setup, store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(lists, store_fixture_setup, store_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
