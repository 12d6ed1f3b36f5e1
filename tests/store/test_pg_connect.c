/* test_pg_connect.c — libpq in the build (CMake's possum_libpq): a connection to the server
 * of POSSUM_TEST_PG (a libpq connection string: tests/pg.sh's pg_conninfo, given by
 * tests/store/e2e_pg_harness.sh) answers SELECT 1. Skipped when POSSUM_TEST_PG is unset, as
 * under a bare ctest; built only where libpq is found (POSSUM_HAVE_LIBPQ). */
#include "testutil.h"

#include <stdlib.h>

#include <libpq-fe.h>

static void connects_and_selects_one(void **state)
{
	const char *conninfo = getenv("POSSUM_TEST_PG");
	PGconn *c;
	PGresult *r;

	(void)state;
	if (conninfo == NULL || conninfo[0] == '\0')
		skip();
	c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s", PQerrorMessage(c));
	r = PQexec(c, "SELECT 1");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), "1");
	PQclear(r);
	PQfinish(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(connects_and_selects_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
