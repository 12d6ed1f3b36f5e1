/* test_risk.c — the risk rules (docs/risk.md): the file's grammar and its faults refused with
 * their line, the arithmetic and precedence of conditions, the strongest action winning, the
 * numbers a rule read, and each shipped default rule (etc/risk.rules) at its boundary. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "risk/risk.h"

static risk_rules *parse(const char *text)
{
	risk_rules *r = NULL;
	char err[256] = "";

	if (risk_rules_parse(text, "t.rules", &r, err, sizeof err) != RISK_OK)
		fail_msg("%s", err);
	return r;
}

/* The error of text, "" when it parses. */
static const char *refuse(const char *text)
{
	static char err[256];
	risk_rules *r = NULL;

	err[0] = '\0';
	assert_int_equal(risk_rules_parse(text, "t.rules", &r, err, sizeof err), RISK_EPARSE);
	assert_null(r);
	return err;
}

static risk_rules *defaults(void)
{
	const char *src = getenv("POSSUM_SOURCE");
	char path[1024], err[256] = "";
	risk_rules *r = NULL;

	snprintf(path, sizeof path, "%s/etc/risk.rules", src != NULL ? src : ".");
	if (risk_rules_load(path, &r, err, sizeof err) != RISK_OK)
		fail_msg("%s", err);
	return r;
}

/* Whether rule name fired on c, and the result's action into *action. */
static bool fired(const risk_rules *r, const struct risk_ctx *c, const char *name, int *action)
{
	struct risk_result res;

	risk_eval(r, c, &res);
	if (action != NULL)
		*action = res.action;
	for (size_t i = 0; i < res.n_hits; i++)
		if (strcmp(res.hits[i].name, name) == 0)
			return true;
	return false;
}

static void grammar(void **state)
{
	struct risk_rule_info info;
	struct risk_result res;
	struct risk_ctx c = {0};
	risk_rules *r;

	(void)state;
	r = parse("# a comment\nmcc 5411 10000.00\nmcc default 20000.00\n"
	          "rule a if amount >= 1000.00   # yuan, as fen\n  and not hour >= 5\nthen review\n"
	          "rule b.x if (amount + 1) * 2 - 6 / 3 % 5 == 2 * 100000 - 2 and -amount < 0 then "
	          "decline 05\n");
	assert_int_equal(risk_rules_count(r), 2);
	assert_int_equal(risk_rule_info(r, 0, &info), RISK_OK);
	assert_string_equal(info.name, "a");
	assert_string_equal(info.condition, "amount >= 1000.00 and not hour >= 5");
	assert_int_equal(info.action, RISK_REVIEW);
	assert_int_equal(risk_rule_info(r, 1, &info), RISK_OK);
	assert_string_equal(info.rc, "05");
	assert_int_equal(risk_rule_info(r, 2, &info), RISK_EARG);
	assert_int_equal(risk_mcc_ceiling(r, 5411), 1000000);
	assert_int_equal(risk_mcc_ceiling(r, 1234), 2000000);
	assert_true(risk_rules_uses(r, RISK_V_HOUR));
	assert_false(risk_rules_uses(r, RISK_V_MCC));
	c.v[RISK_V_AMOUNT] = 100000 - 1; /* (99999 + 1) * 2 - 2 == 200000 */
	c.v[RISK_V_HOUR] = 4;
	risk_eval(r, &c, &res);
	assert_int_equal(res.n_hits, 1);
	assert_string_equal(res.by, "b.x");
	assert_int_equal(res.action, RISK_DECLINE);
	assert_string_equal(res.rc, "05");
	c.v[RISK_V_AMOUNT] = 100000;
	risk_eval(r, &c, &res);
	assert_int_equal(res.action, RISK_REVIEW);
	assert_string_equal(res.rc, "");
	char nums[64];
	risk_hit_numbers(r, &res.hits[0], &c, nums, sizeof nums);
	assert_string_equal(nums, "amount=100000 hour=4");
	c.v[RISK_V_HOUR] = 5;
	risk_eval(r, &c, &res);
	assert_int_equal(res.action, RISK_ALLOW);
	assert_null(res.by);
	risk_rules_free(r);
	/* Division by zero is 0, never a trap. */
	r = parse("rule z if amount / hour == 0 and amount % hour == 0 then allow");
	c.v[RISK_V_HOUR] = 0;
	assert_true(fired(r, &c, "z", NULL));
	risk_rules_free(r);
}

static void faults_with_line(void **state)
{
	(void)state;
	assert_string_equal(refuse("rule a if amount > 1 then review\n\nrule b if amont > 1 then "
	                           "review"),
	                    "t.rules:3: unknown name 'amont'");
	assert_string_equal(refuse("rule a if amount > 1\nthen decline\n"),
	                    "t.rules:3: decline takes a response code of two characters "
	                    "(decline 65)");
	assert_string_equal(refuse("\n\nrule a if (amount > 1 then review"),
	                    "t.rules:3: ')' expected");
	assert_string_equal(refuse("rule a if amount > 1 then review\nrule a if hour > 1 then "
	                           "review"),
	                    "t.rules:2: rule 'a' named twice");
	assert_string_equal(refuse("mcc 54 100.00"), "t.rules:1: an MCC is 4 digits (mcc 5411 "
	                                             "10000.00)");
	assert_string_equal(refuse("mcc 5411 100.0"), "t.rules:1: an amount has two decimals "
	                                              "(1000.00)");
	assert_string_equal(refuse("allow"), "t.rules:1: 'rule' or 'mcc' expected");
	assert_string_equal(refuse("rule a amount > 1 then review"),
	                    "t.rules:1: 'if' expected after the rule's name");
	assert_string_equal(refuse("rule a if amount > 1 then block"),
	                    "t.rules:1: an action expected: allow, review, decline RC, "
	                    "require_auth, revoke_auth or suspend_terminal");
	assert_string_equal(refuse("rule a if amount >\n"), "t.rules:2: a condition ends too soon");
	assert_string_equal(refuse("rule a if amount > 1 then decline 00"),
	                    "t.rules:1: decline 00 would approve");
	/* The line is the first ":N: ", whatever the reason quotes of the text (the fuzzer's find:
	 * a quoted ":8: " on line 2 read as line 8). */
	assert_int_equal(risk_error_line(refuse("# x\nrule t if distance \xca:::::8: :03\n")), 2);
	assert_int_equal(risk_error_line("t.rules:12: unknown name 'a:3: b'"), 12);
	assert_int_equal(risk_error_line("no line here"), 0);
	assert_int_equal(risk_error_line("t.rules:99999999999: x"), 0);
	char err[256];
	risk_rules *r;
	assert_int_equal(risk_rules_load("/nonexistent/x.rules", &r, err, sizeof err), RISK_EIO);
	assert_null(r);
	/* An empty file is no rules: valid. */
	r = parse("# nothing\n");
	assert_int_equal(risk_rules_count(r), 0);
	risk_rules_free(r);
}

static void precedence(void **state)
{
	struct risk_ctx c = {0};
	struct risk_result res;
	risk_rules *r = parse("rule a if 1 then review\nrule b if 1 then require_auth\n"
	                      "rule c if 1 then revoke_auth\nrule d if 1 then suspend_terminal\n"
	                      "rule e if 1 then decline 62\nrule f if 1 then decline 65\n"
	                      "rule g if 1 then allow\n");

	(void)state;
	risk_eval(r, &c, &res);
	assert_int_equal(res.n_hits, 7);
	assert_int_equal(res.action, RISK_DECLINE);
	assert_string_equal(res.by, "e"); /* the first decline in the file */
	assert_string_equal(res.rc, "62");
	risk_rules_free(r);
	r = parse("rule a if 1 then review\nrule b if 1 then require_auth\n"
	          "rule c if 1 then revoke_auth\nrule d if 1 then suspend_terminal\n");
	risk_eval(r, &c, &res);
	assert_int_equal(res.action, RISK_SUSPEND_TERMINAL);
	assert_string_equal(res.rc, "58");
	risk_rules_free(r);
	r = parse("rule a if 1 then review\nrule b if 1 then require_auth\n"
	          "rule c if 1 then revoke_auth\n");
	risk_eval(r, &c, &res);
	assert_string_equal(res.rc, "C2");
	risk_rules_free(r);
	r = parse("rule a if 1 then review\nrule b if 1 then require_auth\n");
	risk_eval(r, &c, &res);
	assert_string_equal(res.rc, "C1");
	risk_rules_free(r);
	risk_eval(NULL, &c, &res); /* rules = none */
	assert_int_equal(res.action, RISK_ALLOW);
	assert_int_equal(res.n_hits, 0);
}

/* A purchase of amount at 10:00 at a supermarket (5411), debit. */
static struct risk_ctx purchase(int64_t amount)
{
	struct risk_ctx c = {0};

	c.v[RISK_V_AMOUNT] = amount;
	c.v[RISK_V_TYPE] = RISK_TYPE_PURCHASE;
	c.v[RISK_V_PRODUCT] = RISK_PRODUCT_DEBIT;
	c.v[RISK_V_HOUR] = 10;
	c.v[RISK_V_MCC] = 5411;
	c.v[RISK_V_CARD_COUNT_10M] = 1;
	c.v[RISK_V_HOLDER_QR_GAP] = RISK_GAP_NONE; /* no QR payment by the holder */
	return c;
}

static void default_rules(void **state)
{
	risk_rules *r = defaults();
	struct risk_ctx c;
	int action;

	(void)state;
	assert_int_equal(risk_rules_count(r), 15);
	/* night_large: 04:59 versus 05:00, 1,000.00 and up. */
	c = purchase(100000);
	c.v[RISK_V_HOUR] = 4, c.v[RISK_V_MINUTE] = 59;
	assert_true(fired(r, &c, "night_large", &action));
	assert_int_equal(action, RISK_REVIEW);
	c.v[RISK_V_HOUR] = 5, c.v[RISK_V_MINUTE] = 0;
	assert_false(fired(r, &c, "night_large", &action));
	assert_int_equal(action, RISK_ALLOW);
	c = purchase(99999), c.v[RISK_V_HOUR] = 0;
	assert_false(fired(r, &c, "night_large", NULL));
	/* card_velocity: the 3rd payment versus the 4th; the 5th reviewed, the 6th declined 65. */
	c = purchase(100);
	c.v[RISK_V_CARD_COUNT_10M] = 3;
	assert_false(fired(r, &c, "card_velocity", NULL));
	c.v[RISK_V_CARD_COUNT_10M] = 4;
	assert_true(fired(r, &c, "card_velocity", &action));
	assert_int_equal(action, RISK_REVIEW);
	c.v[RISK_V_CARD_COUNT_10M] = 5;
	assert_true(fired(r, &c, "card_velocity", &action));
	assert_int_equal(action, RISK_REVIEW);
	c.v[RISK_V_CARD_COUNT_10M] = 6;
	assert_true(fired(r, &c, "card_velocity.decline", &action));
	assert_int_equal(action, RISK_DECLINE);
	/* split_amounts: the 3rd within 30 minutes, 950.00 below 1,000 in; 949.99 out. */
	c = purchase(195000);
	c.v[RISK_V_CARD_MERCHANT_SPLIT_30M] = 3;
	assert_true(fired(r, &c, "split_amounts", NULL));
	c.v[RISK_V_AMOUNT] = 194999;
	assert_false(fired(r, &c, "split_amounts", NULL));
	c.v[RISK_V_AMOUNT] = 99999, c.v[RISK_V_CARD_MERCHANT_SPLIT_30M] = 2;
	assert_false(fired(r, &c, "split_amounts", NULL));
	/* round_credit: credit only, a whole multiple, the 3rd. */
	c = purchase(300000);
	c.v[RISK_V_PRODUCT] = RISK_PRODUCT_CREDIT, c.v[RISK_V_CARD_MERCHANT_ROUND_DAY] = 3;
	assert_true(fired(r, &c, "round_credit", NULL));
	c.v[RISK_V_CARD_MERCHANT_ROUND_DAY] = 2;
	assert_false(fired(r, &c, "round_credit", NULL));
	c.v[RISK_V_CARD_MERCHANT_ROUND_DAY] = 3, c.v[RISK_V_PRODUCT] = RISK_PRODUCT_DEBIT;
	assert_false(fired(r, &c, "round_credit", NULL));
	/* terminal_cards: the 30th card versus the 31st. */
	c = purchase(100);
	c.v[RISK_V_TERMINAL_CARDS_DAY] = 30, c.v[RISK_V_TERMINAL_CARD_NEW] = 1;
	assert_false(fired(r, &c, "terminal_cards", NULL));
	c.v[RISK_V_TERMINAL_CARDS_DAY] = 31;
	assert_true(fired(r, &c, "terminal_cards", NULL));
	c.v[RISK_V_TERMINAL_CARD_NEW] = 0; /* a card seen before pays again: no new review */
	assert_false(fired(r, &c, "terminal_cards", NULL));
	/* decline_burst: nine declined before this one make it the 10th. */
	c = purchase(100);
	c.v[RISK_V_TERMINAL_DECLINES_10M] = 8;
	assert_false(fired(r, &c, "decline_burst", NULL));
	c.v[RISK_V_TERMINAL_DECLINES_10M] = 9;
	assert_true(fired(r, &c, "decline_burst", &action));
	assert_int_equal(action, RISK_SUSPEND_TERMINAL);
	/* terminal_moved: 50 km versus 51, and only where a location was reported. */
	c = purchase(100);
	c.v[RISK_V_DISTANCE] = 51000;
	assert_false(fired(r, &c, "terminal_moved", NULL));
	c.v[RISK_V_LOCATION_KNOWN] = 1;
	assert_true(fired(r, &c, "terminal_moved", NULL));
	c.v[RISK_V_DISTANCE] = 50000;
	assert_false(fired(r, &c, "terminal_moved", NULL));
	/* mcc_ceiling: above 10,000.00 at 5411 reviewed, above 5× declined 61; 5812's 5,000.00,
	 * others 20,000.00. */
	c = purchase(1000000);
	assert_false(fired(r, &c, "mcc_ceiling", NULL));
	c.v[RISK_V_AMOUNT] = 1000001;
	assert_true(fired(r, &c, "mcc_ceiling", &action));
	assert_int_equal(action, RISK_REVIEW);
	c.v[RISK_V_AMOUNT] = 5000000;
	assert_true(fired(r, &c, "mcc_ceiling", NULL));
	c.v[RISK_V_AMOUNT] = 5000001;
	assert_true(fired(r, &c, "mcc_ceiling.decline", &action));
	assert_int_equal(action, RISK_DECLINE);
	c = purchase(500001), c.v[RISK_V_MCC] = 5812;
	assert_true(fired(r, &c, "mcc_ceiling", NULL));
	c = purchase(2000000), c.v[RISK_V_MCC] = 7011;
	assert_false(fired(r, &c, "mcc_ceiling", NULL));
	c.v[RISK_V_AMOUNT] = 2000001;
	assert_true(fired(r, &c, "mcc_ceiling", NULL));
	/* refund_rate: past 30% of purchases from 1,000.00 of purchases. */
	c = purchase(30000);
	c.v[RISK_V_TYPE] = RISK_TYPE_REFUND;
	c.v[RISK_V_MERCHANT_PURCHASES_DAY] = 100000;
	c.v[RISK_V_MERCHANT_REFUNDS_DAY] = 30000;
	assert_false(fired(r, &c, "refund_rate", NULL));
	c.v[RISK_V_MERCHANT_REFUNDS_DAY] = 30001;
	assert_true(fired(r, &c, "refund_rate", NULL));
	c.v[RISK_V_MERCHANT_PURCHASES_DAY] = 99999, c.v[RISK_V_MERCHANT_REFUNDS_DAY] = 99999;
	assert_false(fired(r, &c, "refund_rate", NULL));
	/* card_after_qr: a card payment 300 s after the holder's QR payment at the terminal, not
	 * 301 s; not a QR payment, not a refund. */
	c = purchase(10000);
	c.v[RISK_V_CHANNEL] = RISK_CHANNEL_CHIP, c.v[RISK_V_HOLDER_QR_GAP] = 300;
	assert_true(fired(r, &c, "card_after_qr", &action));
	assert_int_equal(action, RISK_REVIEW);
	c.v[RISK_V_HOLDER_QR_GAP] = 301;
	assert_false(fired(r, &c, "card_after_qr", NULL));
	c.v[RISK_V_HOLDER_QR_GAP] = 0, c.v[RISK_V_CHANNEL] = RISK_CHANNEL_QR;
	assert_false(fired(r, &c, "card_after_qr", NULL));
	c.v[RISK_V_CHANNEL] = RISK_CHANNEL_SWIPE, c.v[RISK_V_TYPE] = RISK_TYPE_REFUND;
	assert_false(fired(r, &c, "card_after_qr", NULL));
	/* blocked: card 62, terminal 58, merchant 03; over a review. */
	struct risk_result res;
	c = purchase(100000), c.v[RISK_V_HOUR] = 1, c.v[RISK_V_TERMINAL_BLOCKED] = 1;
	risk_eval(r, &c, &res);
	assert_string_equal(res.rc, "58");
	assert_int_equal(res.n_hits, 2);
	c.v[RISK_V_CARD_BLOCKED] = 1;
	risk_eval(r, &c, &res);
	assert_string_equal(res.rc, "62");
	assert_string_equal(res.by, "blocked");
	c = purchase(100), c.v[RISK_V_MERCHANT_BLOCKED] = 1;
	risk_eval(r, &c, &res);
	assert_string_equal(res.rc, "03");
	/* An ordinary purchase: nothing fires. */
	c = purchase(10000);
	risk_eval(r, &c, &res);
	assert_int_equal(res.n_hits, 0);
	risk_rules_free(r);
}

/* What the rules still need once the transaction's own values are known. */
static void needs(void **state)
{
	risk_rules *r = parse("rule a if type != refund and card_count_10m >= 4 then review\n"
	                      "rule b if hour < 5 or card_blocked then review\n"
	                      "rule c if type == refund and amount > mcc_ceiling then review\n");
	bool known[RISK_NVARS] = {false}, need[RISK_NVARS];
	struct risk_ctx c = {0};

	(void)state;
	known[RISK_V_TYPE] = known[RISK_V_HOUR] = known[RISK_V_AMOUNT] = known[RISK_V_MCC] = true;
	c.v[RISK_V_TYPE] = RISK_TYPE_REFUND, c.v[RISK_V_HOUR] = 3;
	risk_needs(r, &c, known, need);
	assert_false(need[RISK_V_CARD_COUNT_10M]); /* a refund: rule a is false */
	assert_false(need[RISK_V_CARD_BLOCKED]);   /* 03:00: rule b is true */
	assert_false(need[RISK_V_AMOUNT]);         /* known already */
	c.v[RISK_V_TYPE] = RISK_TYPE_PURCHASE, c.v[RISK_V_HOUR] = 12;
	risk_needs(r, &c, known, need);
	assert_true(need[RISK_V_CARD_COUNT_10M]);
	assert_true(need[RISK_V_CARD_BLOCKED]);
	assert_false(need[RISK_V_MCC_CEILING]); /* rule c is false on a purchase */
	risk_rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(grammar),    cmocka_unit_test(faults_with_line),
	    cmocka_unit_test(precedence), cmocka_unit_test(default_rules),
	    cmocka_unit_test(needs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
