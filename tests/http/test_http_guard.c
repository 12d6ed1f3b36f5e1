/* test_http_guard.c — the HTTP API's guard (src/http/guard.c) with stubbed addresses: the
 * failures of one address within the window refuse it for the lockout and no other address;
 * failures spread beyond the window never do; a full table makes room with its stalest slot
 * and never forgets a refused address for one that is not. */
#include "testutil.h"

#include <stdio.h>

#include "http/guard.h"

static struct http_guard g; /* 16 KiB: not on the stack */

static void refuses_after_failures(void **state)
{
	(void)state;
	http_guard_init(&g, 3, 60, 300);
	assert_false(http_guard_fail(&g, "192.0.2.1", 1000));
	assert_false(http_guard_fail(&g, "192.0.2.1", 1001));
	assert_int_equal(http_guard_refused(&g, "192.0.2.1", 1001), 0);
	assert_true(http_guard_fail(&g, "192.0.2.1", 1002));
	assert_int_equal(http_guard_refused(&g, "192.0.2.1", 1002), 300);
	assert_int_equal(http_guard_refused(&g, "192.0.2.1", 1301), 1);
	assert_int_equal(http_guard_refused(&g, "192.0.2.1", 1302), 0); /* the lockout over */
	/* Another address: untouched. */
	assert_int_equal(http_guard_refused(&g, "192.0.2.2", 1002), 0);
	assert_int_equal(http_guard_refused(&g, "2001:db8::1", 1002), 0);
	assert_false(http_guard_fail(&g, "192.0.2.2", 1002));
	/* No address (unknown): never counted. */
	assert_false(http_guard_fail(&g, "", 1002));
	assert_int_equal(http_guard_refused(&g, "", 1002), 0);
	assert_int_equal(http_guard_refused(&g, NULL, 1002), 0);
}

static void window_passes(void **state)
{
	(void)state;
	http_guard_init(&g, 3, 60, 300);
	for (int64_t t = 0; t < 600; t += 40) /* two in every window at most */
		assert_false(http_guard_fail(&g, "192.0.2.1", 1000 + t));
	assert_int_equal(http_guard_refused(&g, "192.0.2.1", 1600), 0);
}

static void full_table(void **state)
{
	char peer[32];

	(void)state;
	http_guard_init(&g, 2, 60, 300);
	assert_false(http_guard_fail(&g, "198.51.100.1", 1000));
	assert_true(http_guard_fail(&g, "198.51.100.1", 1000)); /* refused */
	for (int i = 0; i < 2 * HTTP_GUARD_SLOTS; i++) {        /* twice the table of others */
		snprintf(peer, sizeof peer, "10.%d.%d.1", i / 250, i % 250);
		assert_false(http_guard_fail(&g, peer, 1001 + i / 100));
	}
	assert_int_equal(http_guard_refused(&g, "198.51.100.1", 1010), 290);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(refuses_after_failures),
	    cmocka_unit_test(window_passes),
	    cmocka_unit_test(full_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
