/* test_pg_sql.c — the PostgreSQL engine's rewriting of SQL (src/store/pg/sql.h), pure text:
 * SQLite's `?` and `?N` as `$N` with SQLite's numbering, quoted text and comments untouched,
 * a blob literal as a bytea, an insert's NULL id as DEFAULT, ON CONFLICT DO NOTHING and
 * RETURNING id appended, and what it refuses. Runs with or without libpq. */
#include "testutil.h"

#include <stdio.h>

#include "store/pg/sql.h"
#include "store/store.h"

static int tried, held;

/* in translated (flags) is want, of n parameters. */
static void translates(const char *in, unsigned flags, const char *want, int n)
{
	char out[512];
	int params = -1;

	tried++;
	assert_int_equal(store_pg_sql(in, flags, out, sizeof out, &params), STORE_OK);
	assert_string_equal(out, want);
	assert_int_equal(params, n);
	held++;
}

static void refuses(const char *in, int rc)
{
	char out[512];
	int params = -1;

	tried++;
	assert_int_equal(store_pg_sql(in, 0, out, sizeof out, &params), rc);
	assert_int_equal(params, -1);
	held++;
}

/* Bare `?`: numbered in order, as SQLite numbers them. */
static void bare_parameters(void **state)
{
	(void)state;
	translates("SELECT a FROM t WHERE id = ?", 0, "SELECT a FROM t WHERE id = $1", 1);
	translates("INSERT INTO t (a, b, c) VALUES (?, ?, ?)", 0,
	           "INSERT INTO t (a, b, c) VALUES ($1, $2, $3)", 3);
	translates("SELECT 1", 0, "SELECT 1", 0);
	translates("", 0, "", 0);
}

/* `?N`: its number, used as often as written; a bare `?` after it is the largest plus one. */
static void numbered_parameters(void **state)
{
	(void)state;
	translates("WHERE (?1 = '' OR link = ?1) AND id > ?3 LIMIT ?4", 0,
	           "WHERE ($1 = '' OR link = $1) AND id > $3 LIMIT $4", 4);
	translates("SET a = ?2 WHERE id = ?1", 0, "SET a = $2 WHERE id = $1", 2);
	translates("VALUES (?2, ?, ?1, ?)", 0, "VALUES ($2, $3, $1, $4)", 4);
	translates("x = ?10", 0, "x = $10", 10);
	translates("x = ?64", 0, "x = $64", 64);
}

/* `??` is two parameters (SQLite's reading), never an escaped `?`. */
static void doubled_question_marks(void **state)
{
	(void)state;
	translates("SELECT ??", 0, "SELECT $1$2", 2);
	translates("a = ?1??", 0, "a = $1$2$3", 3);
}

/* Quoted text and comments are copied as they are, their `?` and quotes too. */
static void quotes_and_comments(void **state)
{
	(void)state;
	translates("SELECT '?' AS q, ? AS p", 0, "SELECT '?' AS q, $1 AS p", 1);
	translates("WHERE a = 'it''s ?1' AND b = ?", 0, "WHERE a = 'it''s ?1' AND b = $1", 1);
	translates("SELECT \"odd ? name\" FROM t WHERE x = ?", 0,
	           "SELECT \"odd ? name\" FROM t WHERE x = $1", 1);
	translates("SELECT '' || ?", 0, "SELECT '' || $1", 1);
	translates("SELECT ? -- why? because\n, ?", 0, "SELECT $1 -- why? because\n, $2", 2);
	translates("SELECT /* ?1 ? */ ?", 0, "SELECT /* ?1 ? */ $1", 1);
	translates("SELECT ? -- to the end?", 0, "SELECT $1 -- to the end?", 1);
	translates("WHERE t = ':x' AND u = '@y' AND v = '$z'", 0,
	           "WHERE t = ':x' AND u = '@y' AND v = '$z'", 0);
}

/* An insert whose id is read back: RETURNING id, after any trailing space or semicolon. */
static void returning_id(void **state)
{
	(void)state;
	translates("INSERT INTO t (a) VALUES (?)", STORE_PG_SQL_RETURNING_ID,
	           "INSERT INTO t (a) VALUES ($1) RETURNING id", 1);
	translates("INSERT INTO t (a) VALUES (?1);  \n", STORE_PG_SQL_RETURNING_ID,
	           "INSERT INTO t (a) VALUES ($1) RETURNING id", 1);
}

/* An insert of its own (no ON CONFLICT, RETURNING or SQLite's OR …) asks for ON CONFLICT DO
 * NOTHING, written before any RETURNING id: a duplicate is then a row not written. */
static void duplicates_do_nothing(void **state)
{
	const unsigned both = STORE_PG_SQL_DO_NOTHING | STORE_PG_SQL_RETURNING_ID;

	(void)state;
	tried++;
	assert_int_equal(store_pg_sql_flags("INSERT INTO t (a) VALUES (?)"),
	                 STORE_PG_SQL_DO_NOTHING);
	assert_int_equal(store_pg_sql_flags("  insert into t (a) VALUES (?)"),
	                 STORE_PG_SQL_DO_NOTHING);
	assert_int_equal(store_pg_sql_flags("INSERT INTO t (a) VALUES (?) ON CONFLICT DO NOTHING"),
	                 0);
	assert_int_equal(store_pg_sql_flags("INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO "
	                                    "UPDATE SET a = excluded.a"),
	                 0);
	assert_int_equal(store_pg_sql_flags("INSERT INTO t (a) VALUES (?) RETURNING a AS n"), 0);
	assert_int_equal(store_pg_sql_flags("INSERT OR IGNORE INTO t (a) VALUES (?)"), 0);
	assert_int_equal(store_pg_sql_flags("INSERTED"), 0);
	assert_int_equal(store_pg_sql_flags("SELECT 1"), 0);
	assert_int_equal(store_pg_sql_flags("UPDATE t SET a = 1"), 0);
	held++;
	translates("INSERT INTO t (a) VALUES (?);", STORE_PG_SQL_DO_NOTHING,
	           "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING", 1);
	translates("INSERT INTO t (a) VALUES (?)", both,
	           "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id", 1);
}

/* SQLite's NULL for an INTEGER PRIMARY KEY (the next rowid) is the identity's DEFAULT: in an
 * INSERT whose first column is id, and there alone. */
static void null_id_default(void **state)
{
	(void)state;
	translates("INSERT INTO t (id, a) VALUES (NULL, ?)", 0,
	           "INSERT INTO t (id, a) VALUES (DEFAULT, $1)", 1);
	translates("INSERT INTO t(id,a) VALUES (NULL, ?)", 0,
	           "INSERT INTO t(id,a) VALUES (DEFAULT, $1)", 1);
	translates("INSERT INTO t (id, a) VALUES (?, NULL)", 0,
	           "INSERT INTO t (id, a) VALUES ($1, NULL)", 1);
	translates("INSERT INTO t (a, id) VALUES (NULL, ?)", 0,
	           "INSERT INTO t (a, id) VALUES (NULL, $1)", 1);
	translates("INSERT INTO t (ids, a) VALUES (NULL, ?)", 0,
	           "INSERT INTO t (ids, a) VALUES (NULL, $1)", 1);
	translates("INSERT INTO t (id, a) VALUES (NULLIF(?, 0), 'VALUES (NULL')", 0,
	           "INSERT INTO t (id, a) VALUES (NULLIF($1, 0), 'VALUES (NULL')", 1);
	translates("SELECT 'VALUES (NULL' FROM t", 0, "SELECT 'VALUES (NULL' FROM t", 0);
}

/* SQLite's blob literal X'…' (a bit string in PostgreSQL) as a bytea; in quotes, or the end of
 * a word, left as it is. */
static void blob_literals(void **state)
{
	(void)state;
	translates("VALUES (?, X'', ?)", 0, "VALUES ($1, '\\x'::bytea, $2)", 2);
	translates("WHERE b = x'00fF1a'", 0, "WHERE b = '\\x00fF1a'::bytea", 0);
	translates("SELECT 'X''1'' ', MAX'1'", 0, "SELECT 'X''1'' ', MAX'1'", 0);
	refuses("WHERE b = X'0'", STORE_EARG);
	refuses("WHERE b = X'zz'", STORE_EARG);
	refuses("WHERE b = X'00", STORE_EARG);
}

/* What the store never writes, refused rather than sent half-translated. */
static void refused(void **state)
{
	(void)state;
	refuses("WHERE a = :name", STORE_EARG);
	refuses("WHERE a = @name", STORE_EARG);
	refuses("WHERE a = $name", STORE_EARG);
	refuses("WHERE a = $1", STORE_EARG);
	refuses("WHERE a = ?0", STORE_EARG);
	refuses("WHERE a = ?65", STORE_EARG);
	refuses("WHERE a = ?99999999999999999999", STORE_EARG);
	refuses("WHERE a = 'open", STORE_EARG);
	refuses("WHERE a = 'it''", STORE_EARG);
	refuses("WHERE a = \"open", STORE_EARG);
	refuses("SELECT /* open", STORE_EARG);
}

/* An output too small, by one byte or many: STORE_ESPACE, never a write past cap. */
static void output_too_small(void **state)
{
	const char *in = "SELECT a FROM t WHERE id = ?";
	char out[64];
	int params;

	(void)state;
	memset(out, 'Z', sizeof out);
	tried++;
	/* "SELECT a FROM t WHERE id = $1" is 29 bytes: 30 with its NUL. */
	assert_int_equal(store_pg_sql(in, 0, out, 29, &params), STORE_ESPACE);
	assert_int_equal(out[29], 'Z');
	assert_int_equal(store_pg_sql(in, 0, out, 30, &params), STORE_OK);
	assert_int_equal(store_pg_sql(in, STORE_PG_SQL_RETURNING_ID, out, 30, &params),
	                 STORE_ESPACE);
	assert_int_equal(store_pg_sql(in, 0, out, 1, &params), STORE_ESPACE);
	assert_int_equal(store_pg_sql(NULL, 0, out, 1, &params), STORE_EARG);
	assert_int_equal(out[30], 'Z');
	held++;
}

static int report(void **state)
{
	(void)state;
	printf("pg sql: translations tried: %d, held: %d\n", tried, held);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bare_parameters),        cmocka_unit_test(numbered_parameters),
	    cmocka_unit_test(doubled_question_marks), cmocka_unit_test(quotes_and_comments),
	    cmocka_unit_test(returning_id),           cmocka_unit_test(refused),
	    cmocka_unit_test(output_too_small),       cmocka_unit_test(duplicates_do_nothing),
	    cmocka_unit_test(null_id_default),        cmocka_unit_test(blob_literals),
	};
	return cmocka_run_group_tests(tests, NULL, report);
}
