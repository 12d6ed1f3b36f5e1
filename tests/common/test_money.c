/* test_money.c — currencies as people give them and amounts as JSON: money_code() takes the
 * alphabetic code or the ISO 4217 number and nothing else; jsonval_money() writes the one shape
 * of an amount, {"amount":minor,"currency":"CNY"}, with the digits for a currency it lacks. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "common/jsonval.h"
#include "common/money.h"

static void codes_alphabetic_and_numeric(void **state)
{
	(void)state;
	assert_int_equal(money_code("CNY"), 156);
	assert_int_equal(money_code("USD"), 840);
	assert_int_equal(money_code("156"), 156);
	assert_int_equal(money_code("36"), 36);
	assert_string_equal(money_alpha(money_code("JPY")), "JPY");
}

static void codes_refused(void **state)
{
	static const char *const bad[] = {"", "cny", "XYZ", "1560", "15a", "-15", " 156", "CNY "};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(money_code(bad[i]), 0);
	assert_int_equal(money_code(NULL), 0);
}

static void money_as_json(void **state)
{
	json_t *m;
	char *text;

	(void)state;
	m = jsonval_money(123456, 156);
	text = json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(text, "{\"amount\":123456,\"currency\":\"CNY\"}");
	free(text);
	json_decref(m);
	m = jsonval_money(-5, 36);
	assert_string_equal(json_string_value(json_object_get(m, "currency")), "036");
	assert_int_equal(json_integer_value(json_object_get(m, "amount")), -5);
	json_decref(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(codes_alphabetic_and_numeric),
	    cmocka_unit_test(codes_refused),
	    cmocka_unit_test(money_as_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
