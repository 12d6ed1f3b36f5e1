/* test_grow.c — grow_room() (common/grow.h): the first room, doubling when full, the same
 * array while there is room. */
#include "testutil.h"

#include <stdint.h>

#include "common/grow.h"

static void grows(void **state)
{
	int64_t *a = NULL, *b;
	size_t cap = 0;

	(void)state;
	assert_non_null(a = grow_room(a, 0, &cap, sizeof *a, 4));
	assert_int_equal(cap, 4);
	for (size_t n = 0; n < 4; n++)
		a[n] = (int64_t)n;
	assert_ptr_equal(grow_room(a, 3, &cap, sizeof *a, 4), a); /* room left: as it was */
	assert_int_equal(cap, 4);
	assert_non_null(b = grow_room(a, 4, &cap, sizeof *a, 4)); /* full: twice as many */
	assert_int_equal(cap, 8);
	assert_int_equal(b[3], 3);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(grows)};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
