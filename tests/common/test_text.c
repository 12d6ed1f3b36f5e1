/* test_text.c — text_is_line(): one line of 1 to max bytes; UTF-8 letters pass, control
 * characters and the bidirectional controls (the right-to-left override among them) do not. */
#include "testutil.h"

#include "common/text.h"

static void lines_and_letters(void **state)
{
	(void)state;
	assert_true(text_is_line("Possum Cafe", 64));
	assert_true(text_is_line("\xE5\x92\x96\xE5\x95\xA1 Caf\xC3\xA9", 64)); /* 咖啡 Café */
	assert_true(text_is_line("<script>alert(1)</script>", 64)); /* text: escaped where shown */
	assert_true(text_is_line("\xE2\x80\x94 dash", 64));         /* U+2014 beside them */
	assert_true(text_is_line("\xE2\x81\xA5", 64));              /* U+2065, unassigned */
	assert_false(text_is_line("", 64));
	assert_false(text_is_line(NULL, 64));
	assert_false(text_is_line("abcd", 3));
	assert_false(text_is_line("a\nb", 64));
	assert_false(text_is_line("a\x1B[31m", 64));
	assert_false(text_is_line("a\x7F", 64));
}

static void bidi_controls_refused(void **state)
{
	static const char *const bad[] = {
	    "evil\xE2\x80\xAEgpj.exe", /* U+202E RIGHT-TO-LEFT OVERRIDE */
	    "\xE2\x80\xAA",
	    "\xE2\x80\xAB",
	    "\xE2\x80\xAC",
	    "\xE2\x80\xAD", /* U+202A..D */
	    "\xE2\x81\xA6x",
	    "x\xE2\x81\xA7",
	    "\xE2\x81\xA8",
	    "\xE2\x81\xA9", /* U+2066..9 */
	    "\xE2\x80\x8E",
	    "\xE2\x80\x8F",
	    "a\xD8\x9C", /* LRM, RLM, ALM */
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(text_is_line(bad[i], 64));
	assert_false(text_is_line("ab\xE2\x80", 64) && text_is_line("ab\xE2\x80\xAE", 64));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lines_and_letters),
	    cmocka_unit_test(bidi_controls_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
