/* test_rcode.c — the response-code table against docs/cup-pos.md "Response codes": each code
 * found with its English and Chinese text, its category and the terminal's action; codes
 * unique and two characters; an unknown or missing code gets the "unknown" entry, never NULL. */
#include "testutil.h"

#include "rcode/rcode.h"

static void known_codes(void **state)
{
	const struct rcode_info *i;

	(void)state;
	i = rcode_find("51");
	assert_string_equal(i->code, RCODE_INSUFFICIENT_FUNDS);
	assert_string_equal(i->en, "insufficient funds");
	assert_string_equal(i->zh, "余额不足");
	assert_int_equal(i->category, RCODE_CAT_ISSUER);
	assert_int_equal(i->action, RCODE_ACT_NONE);
	i = rcode_find(RCODE_MAC_ERROR);
	assert_string_equal(i->zh, "MAC校验错,请重新签到");
	assert_int_equal(i->category, RCODE_CAT_HOST);
	assert_int_equal(i->action, RCODE_ACT_SIGN_IN);
	assert_int_equal(rcode_find(RCODE_ISSUER_TIMEOUT)->action, RCODE_ACT_REVERSE);
	assert_int_equal(rcode_find(RCODE_SYSTEM_FAULT)->category, RCODE_CAT_SYSTEM);
	assert_int_equal(rcode_find(RCODE_CARDAUTH_REQUIRED)->action, RCODE_ACT_AUTHENTICATE);
	i = rcode_find("U1");
	assert_string_equal(i->code, RCODE_UPDATE_REQUIRED);
	assert_string_equal(i->en, "software update required");
	assert_string_equal(i->zh, "终端软件需更新");
	assert_int_equal(i->category, RCODE_CAT_HOST);
	assert_string_equal(rcode_action_name(i->action), "update");
	assert_int_equal(rcode_find(RCODE_APPROVED)->category, RCODE_CAT_APPROVED);
	assert_true(rcode_approved("00"));
	assert_false(rcode_approved("01"));
	assert_false(rcode_approved(NULL));
}

static void unknown_codes(void **state)
{
	(void)state;
	assert_string_equal(rcode_find("ZZ")->code, "");
	assert_string_equal(rcode_find("ZZ")->en, "unknown response code");
	assert_string_equal(rcode_find(NULL)->zh, "未知应答码");
	assert_string_equal(rcode_find("0")->code, "");
	assert_string_equal(rcode_find("000")->code, "");
}

struct seen {
	char codes[64][3];
	int n;
};

static int check_entry(void *ctx, const struct rcode_info *i)
{
	struct seen *s = ctx;

	assert_int_equal(strlen(i->code), RCODE_LEN);
	for (int k = 0; k < s->n; k++)
		assert_string_not_equal(s->codes[k], i->code);
	assert_true(s->n < 64);
	memcpy(s->codes[s->n++], i->code, 3);
	assert_ptr_equal(rcode_find(i->code), i);
	assert_true(i->en[0] != '\0' && i->zh[0] != '\0');
	assert_true(rcode_category_name(i->category)[0] != '\0');
	assert_true(rcode_action_name(i->action)[0] != '\0');
	return 0;
}

/* The spec lists 37 codes, and possum adds the payment codes' four (docs/qr.md) and "update
 * required" (docs/tms.md); each is in the table once. */
static void table_unique(void **state)
{
	struct seen s = {.n = 0};

	(void)state;
	assert_int_equal(rcode_each(check_entry, &s), 0);
	assert_int_equal(s.n, 42);
	assert_string_equal(rcode_category_name(RCODE_CAT_HOST), "host");
	assert_string_equal(rcode_action_name(RCODE_ACT_SIGN_IN), "sign_in");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(known_codes),
	    cmocka_unit_test(unknown_codes),
	    cmocka_unit_test(table_unique),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
