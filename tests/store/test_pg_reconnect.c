/* test_pg_reconnect.c — the store on PostgreSQL as the host uses it (docs/scaling.md, "Running
 * the host on PostgreSQL"): a connection lost and made again at the next outermost transaction,
 * its prepared statements prepared again and this process's liveness lock taken again; a
 * database opened unmigrated, its modules at version 0 and migrated by store_migrate_report();
 * connection strings checked (a password refused) and shown without a password. The cases on a
 * database need POSSUM_TEST_PG (e2e_pg_modules.sh gives one) and skip without; the strings'
 * need none. */
#include "store/store_fixture.h"

#include <string.h>

#include "store/store_lease.h"

/* Ends every other session of the test's role on the database: the store's connection lost
 * as a server restart would lose it. */
static void terminate_sessions(void)
{
	assert_int_equal(
	    store_fixture_pg_sql(NULL, "SELECT pg_terminate_backend(pid) FROM "
	                               "pg_stat_activity WHERE usename = current_user "
	                               "AND pid <> pg_backend_pid() AND query LIKE '%meta%'"),
	    0);
}

static void lost_connection_made_again(void **state)
{
	struct store_fixture *f = *state;
	char v[16], holder[STORE_LEASE_HOLDER_MAX];
	bool gone = true;

	if (!store_fixture_pg())
		skip();
	assert_int_equal(store_meta_set(f->s, "test.k", "1"), STORE_OK); /* a statement prepared */
	terminate_sessions();
	/* Outside a transaction nothing reconnects: the loss is seen. */
	assert_int_equal(store_meta_get(f->s, "test.k", v, sizeof v), STORE_EIO);
	/* The next outermost transaction resets the connection; the statement is prepared again
	 * on the new session. */
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "test.k", v, sizeof v), STORE_OK);
	assert_string_equal(v, "1");
	assert_int_equal(store_meta_set(f->s, "test.k", "2"), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	/* The new session holds this process's liveness lock again (store_lease.h): the only
	 * connection of this process, it says the process is alive. */
	store_lease_holder("test", holder);
	assert_int_equal(store_lease_gone(f->s, holder, &gone), STORE_OK);
	assert_false(gone);
	/* Lost inside a transaction: its commit fails, nothing of it kept, the next one goes on. */
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_meta_set(f->s, "test.k", "3"), STORE_OK);
	terminate_sessions();
	assert_int_not_equal(store_meta_set(f->s, "test.k", "4"), STORE_OK);
	assert_int_not_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_depth(f->s), 0);
	assert_int_equal(store_begin_read(f->s), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "test.k", v, sizeof v), STORE_OK);
	assert_string_equal(v, "2");
	assert_int_equal(store_commit(f->s), STORE_OK);
}

static int count_module(void *ctx, const struct store_schema_module *m)
{
	int *at = ctx;

	at[m->version == m->newest ? 1 : 0]++;
	return 0;
}

static void on_step(void *ctx, const char *module, int version)
{
	(void)module;
	(void)version;
	(*(int *)ctx)++;
}

/* A schema no migration has touched: every module at 0, all applied by store_migrate_report(),
 * each step reported, then every module current. */
static void unmigrated_then_migrated(void **state)
{
	struct store_fixture *f = *state;
	char dir[64] = "/tmp/possum-test-XXXXXX", name[1024], schema[STORE_FIXTURE_SCHEMA_MAX];
	int before[2] = {0, 0}, after[2] = {0, 0}, steps = 0;
	store *s = NULL;

	(void)f;
	if (!store_fixture_pg())
		skip();
	assert_non_null(mkdtemp(dir));
	assert_int_equal(store_fixture_name(dir, name, sizeof name, schema), 0);
	assert_int_equal(store_open_unmigrated(name, &s), STORE_OK);
	assert_string_equal(store_backend(s), "postgres");
	assert_int_equal(store_schema_status(s, count_module, before), STORE_OK);
	assert_int_equal(before[1], 0);
	assert_true(before[0] >= 14);
	assert_int_equal(store_migrate_report(s, on_step, &steps), STORE_OK);
	assert_true(steps >= 42);
	assert_int_equal(store_schema_status(s, count_module, after), STORE_OK);
	assert_int_equal(after[0], 0);
	assert_int_equal(after[1], before[0]);
	steps = 0;
	assert_int_equal(store_migrate_report(s, on_step, &steps), STORE_OK);
	assert_int_equal(steps, 0);
	store_close(s);
	assert_int_equal(store_fixture_remove(dir, schema), 0);
}

/* A connection string: refused with a password or when libpq cannot read it; shown without a
 * password. */
static void conninfo_checked_and_shown(void **state)
{
	char why[200], shown[200];

	(void)state;
	assert_int_equal(store_pg_conninfo_check("host=db1 dbname=possum", why, sizeof why),
	                 STORE_OK);
	assert_int_equal(store_pg_conninfo_check("postgresql://db1/possum", why, sizeof why),
	                 STORE_OK);
	assert_int_equal(store_pg_conninfo_check("host=db1 password=hunter2", why, sizeof why),
	                 STORE_EARG);
	assert_non_null(strstr(why, "PGPASSFILE"));
	assert_int_equal(store_pg_conninfo_check("postgresql://u:hunter2@db1/p", why, sizeof why),
	                 STORE_EARG);
	assert_int_equal(store_pg_conninfo_check("host=db1 port", why, sizeof why), STORE_EARG);
	assert_non_null(strstr(why, "missing \"=\""));
	store_name_show("postgres:host=db1 port=5433 dbname=possum user=app password=hunter2",
	                shown, sizeof shown);
	assert_string_equal(shown, "postgres host=db1 port=5433 dbname=possum user=app");
	store_name_show("postgresql://app:hunter2@db1/possum", shown, sizeof shown);
	assert_string_equal(shown, "postgres host=db1 dbname=possum user=app");
	store_name_show("/var/lib/possum/possum.db", shown, sizeof shown);
	assert_string_equal(shown, "/var/lib/possum/possum.db");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(lost_connection_made_again, store_fixture_setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(unmigrated_then_migrated, store_fixture_setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test(conninfo_checked_and_shown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
