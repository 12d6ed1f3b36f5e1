/* test_store_checkpoint.c — the checkpointer (src/store/sqlite/checkpoint.c): on a connection
 * and thread of its own beside a writer, it checkpoints without failing and stops at once; a
 * database that cannot be opened is refused and leaves nothing to stop. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store/store.h"
#include "store/store_checkpoint.h"

static void count_failure(void *ctx, const char *errmsg)
{
	fprintf(stderr, "checkpoint failed: %s\n", errmsg); /* why, should it ever happen */
	(*(int *)ctx)++;
}

static void checkpoints_beside_a_writer(void **state)
{
	struct store_checkpointer c;
	char dir[64], path[96], cmd[96], name[32], value[32];
	int failures = 0;
	store *s;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/possum-checkpoint-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/possum.db", dir);
	assert_int_equal(store_open(path, &s), STORE_OK);
	assert_int_equal(store_set_autocheckpoint(s, STORE_CHECKPOINT_PAGES), STORE_OK);
	assert_int_equal(store_checkpointer_start(&c, path, 5, count_failure, &failures), STORE_OK);
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof name, "test.%d", i);
		assert_int_equal(store_meta_add(s, name, "value"), STORE_OK);
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	}
	store_checkpointer_stop(&c);
	store_checkpointer_stop(&c); /* stopping twice is harmless */
	assert_int_equal(failures, 0);
	assert_int_equal(store_meta_get(s, "test.49", value, sizeof value), STORE_OK);
	assert_string_equal(value, "value");
	store_close(s);

	/* No database there: refused, nothing started. */
	snprintf(path, sizeof path, "%s/no/such/dir/possum.db", dir);
	assert_true(store_checkpointer_start(&c, path, 5, NULL, NULL) != STORE_OK);
	assert_null(c.store);
	store_checkpointer_stop(&c);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(checkpoints_beside_a_writer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
