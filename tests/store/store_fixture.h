/* store_fixture.h — a store in a fresh temporary directory for the cmocka tests that need one
 * (the store's and its modules'), and SQL run on its file behind the store's back. Test code
 * only. */
#ifndef POSSUM_TEST_STORE_FIXTURE_H
#define POSSUM_TEST_STORE_FIXTURE_H

#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>

#include "store/store.h"

struct store_fixture {
	char dir[64], path[96];
	store *s;
};

static inline int store_fixture_setup(void **state)
{
	struct store_fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/possum-test-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
	if (store_open(f->path, &f->s) != STORE_OK)
		return -1;
	*state = f;
	return 0;
}

static inline int store_fixture_teardown(void **state)
{
	struct store_fixture *f = *state;
	char cmd[128];

	store_close(f->s);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Runs sql on the database file at path through a connection of its own. */
static inline void store_fixture_sql(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

#endif
