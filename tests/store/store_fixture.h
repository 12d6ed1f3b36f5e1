/* store_fixture.h — a store in a fresh temporary directory for the cmocka tests that need one
 * (the store's and its modules'), and SQL run on it behind the store's back. Test code only.
 *
 * With POSSUM_TEST_PG set (a libpq connection string: tests/store/e2e_pg_modules.sh starts a
 * throwaway PostgreSQL and runs the modules' tests with it), the store is on PostgreSQL
 * instead: each fixture works in a schema of its own (possum_t_PID_N, made here, dropped at
 * teardown), and f->path is the store's name ("postgres:… options=-csearch_path=…"), so that
 * a test reopening the store with store_open(f->path) finds the same one. A test that cannot
 * run there (SQL of SQLite's alone, a file's bytes) asks store_fixture_pg() and skips; a test
 * that a secret is not stored in clear searches store_fixture_bytes(), on either engine. */
#ifndef POSSUM_TEST_STORE_FIXTURE_H
#define POSSUM_TEST_STORE_FIXTURE_H

#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef POSSUM_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include "store/store.h"

#define STORE_FIXTURE_SCHEMA_MAX 48

struct store_fixture {
	char dir[64], path[1024];
	char schema[STORE_FIXTURE_SCHEMA_MAX]; /* PostgreSQL: the fixture's schema; "" on SQLite */
	store *s;
};

/* Whether the fixtures' stores are on PostgreSQL (POSSUM_TEST_PG set). */
static inline bool store_fixture_pg(void)
{
	const char *pg = getenv("POSSUM_TEST_PG");

	return pg != NULL && *pg != '\0';
}

#ifdef POSSUM_HAVE_LIBPQ
/* Runs sql on POSSUM_TEST_PG's database in schema (NULL: none set); 0 or -1, its SQLSTATE
 * into state (when not NULL: 6 bytes, "" when none came). */
static inline int store_fixture_pg_sql_state(const char *schema, const char *sql, char *state)
{
	PGconn *c = PQconnectdb(getenv("POSSUM_TEST_PG"));
	PGresult *r;
	char set[96];
	int rc = -1;

	if (state != NULL)
		*state = '\0';
	if (PQstatus(c) != CONNECTION_OK)
		goto out;
	snprintf(set, sizeof set, "SET client_min_messages = warning; SET search_path = %s",
	         schema != NULL ? schema : "public");
	r = PQexec(c, set);
	PQclear(r);
	r = PQexec(c, sql);
	if (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
		rc = 0;
	else if (state != NULL && PQresultErrorField(r, PG_DIAG_SQLSTATE) != NULL)
		snprintf(state, 6, "%s", PQresultErrorField(r, PG_DIAG_SQLSTATE));
	else
		fprintf(stderr, "store_fixture: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
out:
	PQfinish(c);
	return rc;
}

/* Runs sql on POSSUM_TEST_PG's database in schema (NULL: none set); 0 or -1. */
static inline int store_fixture_pg_sql(const char *schema, const char *sql)
{
	return store_fixture_pg_sql_state(schema, sql, NULL);
}
#endif

/* The name of a fresh store for a fixture in dir: a file in dir (path, capacity cap), or on
 * PostgreSQL a new schema (its name into schema, capacity SCHEMA_MAX). 0 or -1. */
static inline int store_fixture_name(const char *dir, char *path, size_t cap, char *schema)
{
	*schema = '\0';
	snprintf(path, cap, "%s/test.db", dir);
	if (!store_fixture_pg())
		return 0;
#ifdef POSSUM_HAVE_LIBPQ
	static unsigned n;
	char sql[160];

	snprintf(schema, STORE_FIXTURE_SCHEMA_MAX, "possum_t_%ld_%u", (long)getpid(), n++);
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", schema,
	         schema);
	if (store_fixture_pg_sql(NULL, sql) != 0)
		return -1;
	snprintf(path, cap, "%s%s options=-csearch_path=%s", STORE_PG_PREFIX,
	         getenv("POSSUM_TEST_PG"), schema);
	return 0;
#else
	fprintf(stderr, "store_fixture: POSSUM_TEST_PG set, but built without libpq\n");
	return -1;
#endif
}

/* Removes a fixture's dir and, on PostgreSQL, its schema ("" none): 0 or -1. */
static inline int store_fixture_remove(const char *dir, const char *schema)
{
	char cmd[160];

	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return -1;
#ifdef POSSUM_HAVE_LIBPQ
	if (*schema != '\0') {
		snprintf(cmd, sizeof cmd, "DROP SCHEMA %s CASCADE", schema);
		return store_fixture_pg_sql(NULL, cmd);
	}
#endif
	return 0;
}

/* The name of f's store for a second connection, another host's: f->path; on PostgreSQL
 * with a lock_timeout of ms, so that its wait for a lock of the first connection's, in this
 * same thread, fails rather than lasts for ever (as SQLite's busy timeout does). path of
 * capacity cap holds it when it is not f->path. */
static inline const char *store_fixture_second(const struct store_fixture *f, int ms, char *path,
                                               size_t cap)
{
	if (!store_fixture_pg())
		return f->path;
	snprintf(path, cap, "%s%s options='-csearch_path=%s -clock_timeout=%d'", STORE_PG_PREFIX,
	         getenv("POSSUM_TEST_PG"), f->schema, ms);
	return path;
}

static inline int store_fixture_setup(void **state)
{
	struct store_fixture *f = calloc(1, sizeof *f);
	char why[256];
	int rc;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/possum-test-XXXXXX");
	if (mkdtemp(f->dir) == NULL ||
	    store_fixture_name(f->dir, f->path, sizeof f->path, f->schema) != 0)
		return -1;
	if ((rc = store_open_say(f->path, &f->s, why, sizeof why)) != STORE_OK) {
		fprintf(stderr, "store_fixture: %s: %s\n", store_strerror(rc), why);
		return -1;
	}
	*state = f;
	return 0;
}

static inline int store_fixture_teardown(void **state)
{
	struct store_fixture *f = *state;
	int rc;

	store_close(f->s);
	rc = store_fixture_remove(f->dir, f->schema);
	free(f);
	return rc;
}

/* Two hosts on one database (leases, the queues' claims): a is the fixture's connection, b a
 * second one on the same store (a file, or the fixture's PostgreSQL schema). */
struct store_fixture_two {
	struct store_fixture *f;
	store *a, *b;
};

static inline int store_fixture_two_setup(void **state)
{
	struct store_fixture_two *t = calloc(1, sizeof *t);
	void *f;

	if (t == NULL || store_fixture_setup(&f) != 0)
		return -1;
	t->f = f;
	t->a = t->f->s;
	if (store_open(t->f->path, &t->b) != STORE_OK)
		return -1;
	*state = t;
	return 0;
}

static inline int store_fixture_two_teardown(void **state)
{
	struct store_fixture_two *t = *state;
	void *f = t->f;

	store_close(t->b);
	free(t);
	return store_fixture_teardown(&f);
}

/* Appends n bytes of p to the buffer *buf of *len bytes (grown by realloc): 0 or -1. */
static inline int store_fixture_append(char **buf, size_t *len, const char *p, size_t n)
{
	char *grown = realloc(*buf, *len + n + 1);

	if (grown == NULL)
		return -1;
	memcpy(grown + *len, p, n);
	*len += n;
	grown[*len] = '\0';
	*buf = grown;
	return 0;
}

#ifdef POSSUM_HAVE_LIBPQ
/* Every row of every table of schema as text, a line each (bytea columns as their bytes,
 * non-printable ones escaped: encode(…, 'escape')), appended to *buf: 0 or -1. The first query
 * writes the second: one SELECT of each table's columns, joined by UNION ALL. */
static inline int store_fixture_pg_rows(const char *schema, char **buf, size_t *len)
{
	static const char tables[] =
	    "SELECT string_agg(format('SELECT concat_ws('' '', %s) FROM %I', cols, table_name), "
	    "' UNION ALL ') FROM (SELECT table_name, string_agg(CASE WHEN data_type = 'bytea' "
	    "THEN format('encode(%I, ''escape'')', column_name) ELSE format('%I::text', "
	    "column_name) END, ', ' ORDER BY ordinal_position) AS cols FROM "
	    "information_schema.columns WHERE table_schema = current_schema() GROUP BY table_name) "
	    "AS t";
	PGconn *c = PQconnectdb(getenv("POSSUM_TEST_PG"));
	PGresult *q = NULL, *r = NULL;
	char set[96];
	int rc = -1;

	snprintf(set, sizeof set, "SET search_path = %s", schema);
	if (PQstatus(c) != CONNECTION_OK)
		goto out;
	PQclear(PQexec(c, set));
	q = PQexec(c, tables);
	if (PQresultStatus(q) != PGRES_TUPLES_OK || PQntuples(q) != 1)
		goto out;
	r = PQexec(c, PQgetvalue(q, 0, 0));
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		goto out;
	rc = 0;
	for (int i = 0; rc == 0 && i < PQntuples(r); i++)
		if (store_fixture_append(buf, len, PQgetvalue(r, i, 0),
		                         (size_t)PQgetlength(r, i, 0)) != 0 ||
		    store_fixture_append(buf, len, "\n", 1) != 0)
			rc = -1;
out:
	if (rc != 0)
		fprintf(stderr, "store_fixture: rows of %s: %s", schema, PQerrorMessage(c));
	PQclear(q);
	PQclear(r);
	PQfinish(c);
	return rc;
}
#endif

/* What the store named path (a fixture's) holds, as bytes to search for a secret stored in
 * clear: SQLite's database file whole (close the store first, so that nothing is left in its
 * WAL), or on PostgreSQL every row of the fixture's schema as text (store_fixture_pg_rows).
 * *out is malloc'd, NUL-terminated, *len bytes; 0 or -1. */
static inline int store_fixture_bytes(const char *path, char **out, size_t *len)
{
	char chunk[65536];
	size_t n;
	FILE *fp;
	int rc = 0;

	*out = NULL;
	*len = 0;
#ifdef POSSUM_HAVE_LIBPQ
	if (store_name_is_pg(path)) {
		const char *schema = strstr(path, "search_path=");

		return schema != NULL
		           ? store_fixture_pg_rows(schema + strlen("search_path="), out, len)
		           : -1;
	}
#endif
	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		rc = store_fixture_append(out, len, chunk, n);
	fclose(fp);
	return rc == 0 && *out != NULL ? 0 : -1;
}

/* Whether text occurs in the len bytes at buf (store_fixture_bytes()'s). */
static inline bool store_fixture_holds(const char *buf, size_t len, const char *text)
{
	size_t n = strlen(text);

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(buf + i, text, n) == 0)
			return true;
	return false;
}

/* Runs sql as store_fixture_sql() does, expecting a constraint of the schema to refuse it:
 * SQLite's SQLITE_CONSTRAINT, PostgreSQL's SQLSTATE of class 23 (integrity constraint). */
static inline void store_fixture_sql_refused(const char *path, const char *sql)
{
	sqlite3 *db;

#ifdef POSSUM_HAVE_LIBPQ
	const char *schema = strstr(path, "search_path=");
	char state[6];

	if (store_name_is_pg(path)) {
		assert_non_null(schema);
		assert_int_equal(
		    store_fixture_pg_sql_state(schema + strlen("search_path="), sql, state), -1);
		assert_memory_equal(state, "23", 2);
		return;
	}
#endif
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL) & 0xff, SQLITE_CONSTRAINT);
	sqlite3_close(db);
}

/* Runs sql on the store named path (a fixture's) through a connection of its own: SQLite's
 * file, or on PostgreSQL the fixture's schema (sql then in PostgreSQL's dialect). */
static inline void store_fixture_sql(const char *path, const char *sql)
{
	sqlite3 *db;

#ifdef POSSUM_HAVE_LIBPQ
	const char *schema = strstr(path, "search_path=");

	if (store_name_is_pg(path)) {
		assert_non_null(schema);
		assert_int_equal(store_fixture_pg_sql(schema + strlen("search_path="), sql), 0);
		return;
	}
#endif
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Whether the store named path (a fixture's) holds text, a secret that must not be there:
 * SQLite's database file or its WAL, byte for byte; on PostgreSQL any row of the fixture's
 * schema (store_fixture_bytes). */
static inline bool store_fixture_has(const char *path, const char *text)
{
	char name[1100], *buf;
	size_t len;
	bool found = false;

	for (int i = 0; i < (store_fixture_pg() ? 1 : 2) && !found; i++) {
		snprintf(name, sizeof name, "%s%s", path, i == 0 ? "" : "-wal");
		if (store_fixture_bytes(name, &buf, &len) != 0)
			continue;
		found = store_fixture_holds(buf, len, text);
		free(buf);
	}
	return found;
}

/* A lease holder (store_lease.h) of kind whose process is gone: this machine's host name and
 * the pid of a child that has exited (reaped, not yet reused), START 1; into out. On
 * PostgreSQL no connection holds its lock either. */
static inline void store_fixture_gone_holder(const char *kind, char *out, size_t cap)
{
	char host[33] = "";
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	gethostname(host, sizeof host - 1);
	snprintf(out, cap, "%s:%s:%ld:1", kind, host, (long)pid);
}

#endif
