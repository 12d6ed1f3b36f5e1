/* test_pg_engine.c — the store on PostgreSQL (src/store/pg/): the store-and-forward queue's
 * functions of src/store/sqlite/saf.c, their query definitions unchanged, run by libpq — an
 * insert with its id read back, a get by key, filtered walks, updates — and the same calls on
 * a SQLite store giving the same rows; transactions and savepoints, a failed statement inside
 * one, a duplicate, a query PostgreSQL refuses; every module's migrations, at SQLite's versions;
 * a batch of requests pipelined (a savepoint's SAVEPOINT and RELEASE held back for the next
 * statement's round trip): one round trip a statement, a request failing alone inside it, a
 * COMMIT that fails taking the whole batch, the connection lost midway.
 * Needs a database: POSSUM_TEST_PG, a libpq connection string (tests/pg.sh starts a throwaway one);
 * each test works in a schema of its own, dropped after. Skipped without it (cmocka's skip), and
 * (77) when built without libpq. */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_ledger.h"
#include "store/store_saf.h"

#ifndef POSSUM_HAVE_LIBPQ
int main(void)
{
	printf("skipped: possum built without libpq\n");
	return 77;
}
#else
#include <libpq-fe.h>

#include "store/pg/internal.h" /* the round trips counted, the backend's pid */
#include "store/pg/pg.h"
#include "store/query.h" /* the query layer both engines share */

struct fixture {
	char schema[48];
	store *s;
};

static int rows_written, rows_read, rows_walked, mismatches;

/* conninfo's database: SQL run on it outside the store (the test's schema made and dropped). */
static void admin(const char *sql)
{
	PGconn *c = PQconnectdb(getenv("POSSUM_TEST_PG"));
	PGresult *r = PQexec(c, "SET client_min_messages = warning");

	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	r = PQexec(c, sql);

	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(c);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char sql[192], options[96];
	int rc;

	if (f == NULL || getenv("POSSUM_TEST_PG") == NULL) {
		*state = f;
		return f == NULL ? -1 : 0;
	}
	snprintf(f->schema, sizeof f->schema, "possum_test_%ld", (long)getpid());
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", f->schema,
	         f->schema);
	admin(sql);
	/* The store's connection works in that schema: libpq reads PGOPTIONS. */
	snprintf(options, sizeof options, "-c search_path=%s", f->schema);
	setenv("PGOPTIONS", options, 1);
	if ((rc = store_pg_open(getenv("POSSUM_TEST_PG"), &f->s)) != STORE_OK) {
		fprintf(stderr, "store_pg_open: %s: %s\n", store_strerror(rc), store_errmsg(f->s));
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char sql[128];

	if (f != NULL && f->s != NULL) {
		store_close(f->s);
		snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", f->schema);
		admin(sql);
	}
	free(f);
	return 0;
}

static store *pg_store(void **state)
{
	struct fixture *f = *state;

	if (f->s == NULL)
		skip(); /* POSSUM_TEST_PG unset: no database to run on */
	return f->s;
}

/* An entry of link, kind and txn_id, due at next_at; sealed, with the bytes 0x00 to 0xff. */
static struct store_saf entry(const char *link, const char *kind, int64_t txn_id, int64_t next_at,
                              bool sealed)
{
	struct store_saf e = {
	    .txn_id = txn_id, .next_at = next_at, .created_at = 1000, .updated_at = 1000};

	snprintf(e.link, sizeof e.link, "%s", link);
	snprintf(e.kind, sizeof e.kind, "%s", kind);
	snprintf(e.rrn, sizeof e.rrn, "%012lld", (long long)txn_id);
	snprintf(e.state, sizeof e.state, "pending");
	if (sealed) {
		e.card.len = 77;
		for (size_t i = 0; i < e.card.len; i++)
			e.card.v[i] = (uint8_t)(i * 37); /* 0x00 first */
		e.card.v[5] = 0xff;
	}
	return e;
}

/* What a scenario saw, as text: the same on both engines. */
struct seen {
	char text[4096];
	size_t n;
};

static void note(struct seen *w, const struct store_saf *e)
{
	int n = snprintf(w->text + w->n, sizeof w->text - w->n,
	                 "%lld %s %s %lld %s %s %d %lld '%s' %lld %lld card %zu:", (long long)e->id,
	                 e->link, e->kind, (long long)e->txn_id, e->rrn, e->state, e->attempts,
	                 (long long)e->next_at, e->last_rc, (long long)e->created_at,
	                 (long long)e->updated_at, e->card.len);

	w->n += (size_t)n;
	for (size_t i = 0; i < e->card.len; i++)
		w->n +=
		    (size_t)snprintf(w->text + w->n, sizeof w->text - w->n, "%02x", e->card.v[i]);
	w->n += (size_t)snprintf(w->text + w->n, sizeof w->text - w->n, "\n");
}

static int walked(void *ctx, const struct store_saf *e)
{
	note(ctx, e);
	rows_walked++;
	return 0;
}

static int stop_at_first(void *ctx, const struct store_saf *e)
{
	(void)e;
	++*(int *)ctx;
	return 42;
}

/* The same calls on either engine: inserts (ids read back), gets, walks, updates. */
static void scenario(store *s, struct seen *w)
{
	struct store_saf in[4] = {
	    entry("cup", "reversal", 11, 5000, false), entry("cup", "advice", 12, 4000, true),
	    entry("visa", "reversal", 13, 3000, false), entry("cup", "reversal", 14, 9000, false)};
	struct store_saf out;
	int calls = 0;

	for (int i = 0; i < 4; i++) {
		assert_int_equal(store_saf_insert(s, &in[i]), STORE_OK);
		assert_true(in[i].id > (i > 0 ? in[i - 1].id : 0));
		rows_written++;
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(store_saf_get(s, in[i].id, &out), STORE_OK);
		note(w, &out);
		if (memcmp(&out, &in[i], sizeof out) != 0)
			mismatches++;
		rows_read++;
	}
	assert_int_equal(store_saf_get(s, in[3].id + 100, &out), STORE_ENOTFOUND);
	/* Due on cup at 6000, oldest first: the advice (4000), then 11 (5000); 14 not yet. */
	assert_int_equal(store_saf_due(s, &(struct store_saf_due){"cup", 6000, 0}, walked, w),
	                 STORE_OK);
	assert_int_equal(store_saf_due(s, &(struct store_saf_due){"cup", 9999, 1}, walked, w),
	                 STORE_OK);
	assert_int_equal(store_saf_list(s, &(struct store_saf_filter){"", NULL, 0, 0}, walked, w),
	                 STORE_OK);
	assert_int_equal(
	    store_saf_list(s, &(struct store_saf_filter){"cup", "pending", in[0].id, 2}, walked, w),
	    STORE_OK);
	assert_int_equal(
	    store_saf_list(s, &(struct store_saf_filter){NULL, NULL, 0, 0}, stop_at_first, &calls),
	    42);
	assert_int_equal(calls, 1);
	/* Updates: a row changed, and none (STORE_ENOTFOUND). */
	assert_int_equal(store_saf_sent(s, &(struct store_saf_sent){in[0].id, 7000, 6000, NULL, 0}),
	                 STORE_OK);
	/* The advice refused: its card emptied (CASE on a text parameter). Answered twice: no
	 * longer pending. */
	struct store_saf_answer refused = {in[1].id, "refused", "05", 6001, NULL, 0};
	assert_int_equal(store_saf_answered(s, &refused), STORE_OK);
	assert_int_equal(store_saf_answered(s, &refused), STORE_ENOTFOUND);
	assert_int_equal(store_saf_wake(s, &(struct store_saf_sent){in[2].id, 1, 1, NULL, 0}),
	                 STORE_ENOTFOUND); /* not waiting */
	assert_int_equal(store_saf_list(s, &(struct store_saf_filter){NULL, NULL, 0, 0}, walked, w),
	                 STORE_OK);
}

/* The same calls, on SQLite and on PostgreSQL: the same rows, byte for byte. */
static void same_rows_on_both_engines(void **state)
{
	store *pg = pg_store(state), *lite;
	static struct seen on_pg, on_sqlite;

	assert_int_equal(store_open(STORE_MEMORY, &lite), STORE_OK);
	scenario(lite, &on_sqlite);
	store_close(lite);
	scenario(pg, &on_pg);
	assert_true(on_pg.n > 0);
	assert_string_equal(on_pg.text, on_sqlite.text);
	printf("both engines: %zu bytes of rows seen, identical\n", on_pg.n);
}

static int counted(void *ctx, const struct store_saf_count *c)
{
	char *text = ctx;
	size_t n = strlen(text);

	snprintf(text + n, 128 - n, "%s %lld/%lld/%lld;", c->link, (long long)c->pending,
	         (long long)c->refused, (long long)c->expired);
	return 0;
}

/* A duplicate, a value the schema refuses, a query PostgreSQL does not take as SQLite does;
 * the queue counted by link and state (COUNT(*) FILTER, docs/scaling.md's difference 5). */
static void refusals(void **state)
{
	static const struct store_query sum_of_truth =
	    STORE_Q("SELECT SUM(state = 'pending') AS n FROM saf_queue", NULL, &store_row_n);
	store *s = pg_store(state);
	struct store_saf e = entry("cup", "reversal", 21, 1, false), dup = e, bad = e,
	                 other = entry("visa", "advice", 23, 1, false);
	struct store_saf_answer refused = {0, "refused", "05", 2, NULL, 0};
	char counts[128] = "";
	int64_t n = 0;

	assert_int_equal(store_saf_insert(s, &e), STORE_OK);
	assert_int_equal(store_saf_insert(s, &dup), STORE_EEXIST);
	assert_non_null(strstr(store_errmsg(s), "SQLSTATE 23505"));
	bad.txn_id = 22;
	snprintf(bad.state, sizeof bad.state, "bogus");
	assert_int_equal(store_saf_insert(s, &bad), STORE_EARG); /* the CHECK */
	assert_int_equal(store_saf_insert(s, &other), STORE_OK);
	refused.id = other.id;
	assert_int_equal(store_saf_answered(s, &refused), STORE_OK);
	assert_int_equal(store_saf_counts(s, counted, counts), STORE_OK);
	assert_string_equal(counts, "cup 1/0/0;visa 0/1/0;");
	/* SUM of a boolean: PostgreSQL has none; the failure comes as STORE_EIO, named. */
	assert_int_equal(store_q_n_id(s, &sum_of_truth, 0, &n), STORE_EIO);
	assert_non_null(strstr(store_errmsg(s), "SQLSTATE 42883"));
	printf("refused: duplicate (EEXIST), CHECK (EARG), SUM(boolean): %s; counted: %s\n",
	       store_errmsg(s), counts);
}

static int count(void *ctx, const struct store_saf *e)
{
	(void)e;
	++*(int *)ctx;
	return 0;
}

static int rows(store *s)
{
	int n = 0;

	assert_int_equal(store_saf_list(s, &(struct store_saf_filter){0}, count, &n), STORE_OK);
	return n;
}

/* Transactions and savepoints through the same API; a statement that fails inside a savepoint
 * fails only that savepoint, whose commit says so, and the transaction goes on. */
static void transactions(void **state)
{
	store *s = pg_store(state);
	struct store_saf a = entry("cup", "reversal", 31, 1, false),
	                 b = entry("cup", "advice", 31, 1, true), dup = a, bad = a;

	bad.txn_id = 33;
	snprintf(bad.state, sizeof bad.state, "bogus");

	assert_int_equal(store_commit(s), STORE_ETXN);
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(store_saf_insert(s, &a), STORE_OK);
	assert_int_equal(store_rollback(s), STORE_OK);
	assert_int_equal(rows(s), 0);

	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(store_saf_insert(s, &a), STORE_OK);
	assert_int_equal(store_begin(s), STORE_OK);                /* a request's savepoint */
	assert_int_equal(store_saf_insert(s, &dup), STORE_EEXIST); /* fails alone, as on SQLite */
	assert_int_equal(store_commit(s), STORE_OK);
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(store_saf_insert(s, &bad), STORE_EARG); /* fails the savepoint */
	assert_int_equal(store_commit(s), STORE_EIO);            /* rolled back alone */
	assert_int_equal(store_depth(s), 1);
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(store_saf_insert(s, &b), STORE_OK);
	assert_int_equal(store_rollback(s), STORE_OK);
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(store_saf_insert(s, &b), STORE_OK);
	assert_int_equal(store_commit(s), STORE_OK);
	assert_int_equal(store_commit(s), STORE_OK);
	assert_int_equal(store_depth(s), 0);
	assert_int_equal(rows(s), 2);

	/* A failed statement in the outermost: its commit rolls all of it back. A duplicate
	 * there fails alone. */
	struct store_saf c = entry("visa", "reversal", 32, 1, false);
	dup = b;
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(store_saf_insert(s, &c), STORE_OK);
	assert_int_equal(store_saf_insert(s, &dup), STORE_EEXIST);
	assert_int_equal(store_saf_insert(s, &bad), STORE_EARG);
	assert_int_equal(store_commit(s), STORE_EIO);
	assert_int_equal(store_depth(s), 0);
	assert_int_equal(rows(s), 2);
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(store_saf_insert(s, &c), STORE_OK);
	assert_int_equal(store_saf_insert(s, &dup), STORE_EEXIST);
	assert_int_equal(store_commit(s), STORE_OK);
	assert_int_equal(rows(s), 3);

	/* A reader's snapshot. */
	assert_int_equal(store_begin_read(s), STORE_OK);
	assert_int_equal(rows(s), 3);
	assert_int_equal(store_commit(s), STORE_OK);
	printf("transactions: rollback, savepoint failed alone, outer failure rolled back, "
	       "a duplicate failing alone: held\n");
}

static unsigned long trips(store *s)
{
	return ((struct store_pg *)s->conn)->trips;
}

/* A request of the group commit: its savepoint around one insert; its rc and the commit's. */
static int request(store *s, struct store_saf *e, int want)
{
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(store_saf_insert(s, e), want);
	return store_commit(s);
}

/* A batch as the terminals' group commit makes it (a transaction, a savepoint a request): one
 * round trip a statement, the savepoints' commands riding with the next statement or the
 * COMMIT; a request whose statement fails (its pipeline's SAVEPOINT run before it) fails alone,
 * those before and after it committed. */
static void pipelined_batch(void **state)
{
	store *s = pg_store(state);
	struct store_saf a = entry("cup", "reversal", 41, 1, false), warm = a,
	                 b = entry("cup", "advice", 41, 1, false),
	                 bad = entry("cup", "advice", 42, 1, false),
	                 c = entry("visa", "reversal", 43, 1, false), d = c;
	unsigned long t0, n;

	warm.txn_id = 40;
	assert_int_equal(store_saf_insert(s, &warm), STORE_OK); /* prepared: no Parse below */
	snprintf(bad.state, sizeof bad.state, "bogus");
	t0 = trips(s);
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(request(s, &a, STORE_OK), STORE_OK);
	assert_int_equal(request(s, &b, STORE_OK), STORE_OK);
	assert_int_equal(request(s, &bad, STORE_EARG), STORE_EIO); /* rolled back alone */
	assert_int_equal(store_depth(s), 1);
	assert_int_equal(request(s, &c, STORE_OK), STORE_OK);
	assert_int_equal(store_begin(s), STORE_OK); /* a savepoint with nothing in it */
	assert_int_equal(store_commit(s), STORE_OK);
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(store_rollback(s), STORE_OK);
	assert_int_equal(store_commit(s), STORE_OK);
	/* BEGIN, 4 statements, the failed savepoint's ROLLBACK TO, COMMIT: 7 (20 without). */
	n = trips(s) - t0;
	assert_int_equal(n, 7);
	assert_int_equal(rows(s), 4);
	/* A duplicate (ON CONFLICT DO NOTHING) fails its request alone, the transaction sound. */
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(request(s, &d, STORE_EEXIST), STORE_OK);
	assert_int_equal(store_commit(s), STORE_OK);
	assert_int_equal(rows(s), 4);
	printf(
	    "pipelined batch: 4 requests, one failing alone, 2 empty savepoints, in %lu round trips\n",
	    n);
}

/* A batch whose COMMIT fails (a deferred constraint checked there): nothing of it is kept, and
 * the commit says so, as the terminals' group commit answers 96 to every request of it. */
static void pipelined_commit_fails(void **state)
{
	store *s = pg_store(state);
	struct store_saf a = entry("cup", "reversal", 51, 1, false);

	assert_int_equal(store_exec(s, "CREATE TABLE late (k int UNIQUE DEFERRABLE INITIALLY "
	                               "DEFERRED)"),
	                 STORE_OK);
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(request(s, &a, STORE_OK), STORE_OK);
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(store_exec(s, "INSERT INTO late VALUES (1), (1)"), STORE_OK);
	assert_int_equal(store_commit(s), STORE_OK);
	assert_int_not_equal(store_commit(s), STORE_OK);
	assert_non_null(strstr(store_errmsg(s), "SQLSTATE 23505"));
	assert_int_equal(store_depth(s), 0);
	assert_int_equal(rows(s), 0);
}

/* A write not waited for (STORE_Q_DEFER) that fails — here an account update that finds no
 * row — fails its transaction at the next round trip: its savepoint's commit, every later
 * request's and the outermost commit return it, nothing is kept. A request of the batch that
 * meets a deadlock or a serialization failure (SQLSTATE 40P01, 40001) fails it whole the same
 * way, STORE_ERETRY, which the host answers 96. */
static void failures_fail_the_batch(void **state)
{
	store *s = pg_store(state);
	struct store_saf a = entry("cup", "reversal", 61, 1, false),
	                 b = entry("cup", "reversal", 62, 1, false);
	struct store_ledger_account none = {.id = 999999};

	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(request(s, &a, STORE_OK), STORE_OK);
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(store_ledger_account_update(s, &none), STORE_OK); /* queued */
	assert_int_equal(store_commit(s), STORE_OK); /* its RELEASE held: still no round trip */
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(store_saf_insert(s, &b), STORE_ENOTFOUND); /* the queue's answer */
	assert_int_equal(store_commit(s), STORE_ENOTFOUND);
	assert_int_equal(store_begin(s), STORE_ENOTFOUND);
	assert_int_equal(store_commit(s), STORE_ENOTFOUND);
	assert_int_equal(store_depth(s), 0);
	assert_int_equal(rows(s), 0);

	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(request(s, &a, STORE_OK), STORE_OK);
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(store_exec(s, "DO $$BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = "
	                               "'40P01'; END$$"),
	                 STORE_ERETRY);
	assert_int_equal(store_rollback(s), STORE_OK);  /* the savepoint saves nothing */
	assert_int_equal(store_begin(s), STORE_ERETRY); /* the next request's */
	assert_int_equal(store_commit(s), STORE_ERETRY);
	assert_string_equal(store_strerror(STORE_ERETRY),
	                    "a conflict with another transaction (deadlock, serialization): "
	                    "nothing written, try again");
	assert_int_equal(rows(s), 0);
	/* The next transaction is sound. */
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(request(s, &b, STORE_OK), STORE_OK);
	assert_int_equal(store_commit(s), STORE_OK);
	assert_int_equal(rows(s), 1);
	printf("failures not waited for, deadlocks: the batch failed whole, nothing kept\n");
}

/* libpq's answer to sql on c, which must be status st; freed. */
static void expect_pq(PGconn *c, const char *sql, ExecStatusType st)
{
	PGresult *r = PQexec(c, sql);

	assert_int_equal(PQresultStatus(r), st);
	PQclear(r);
}

/* The batch's store asking for row 1 of dl, on a thread of its own (it waits). */
struct locker {
	store *s;
	int rc;
};

static void *lock_row_1(void *arg)
{
	struct locker *l = arg;

	l->rc = store_exec(l->s, "SELECT k FROM dl WHERE k = 1 FOR UPDATE");
	return NULL;
}

/* A real deadlock: the batch waits for a row another session holds, then that session waits
 * for one the batch holds. PostgreSQL ends the statement of the one that waited first (its
 * deadlock_timeout the first to run out), the batch's: STORE_ERETRY, the batch fails whole,
 * nothing of it kept, the other session gets its row. */
static void deadlock_fails_the_batch(void **state)
{
	struct fixture *f = *state;
	store *s = pg_store(state);
	struct store_saf a = entry("cup", "reversal", 71, 1, false);
	PGconn *other = PQconnectdb(getenv("POSSUM_TEST_PG"));
	struct locker l = {s, STORE_OK};
	pthread_t t;
	char sql[128];
	PGresult *r;

	assert_int_equal(
	    store_exec(s, "CREATE TABLE dl (k int PRIMARY KEY); INSERT INTO dl VALUES (1), (2)"),
	    STORE_OK);
	snprintf(sql, sizeof sql, "SET search_path = %s", f->schema);
	expect_pq(other, sql, PGRES_COMMAND_OK);
	expect_pq(other, "BEGIN; SELECT k FROM dl WHERE k = 1 FOR UPDATE", PGRES_TUPLES_OK);
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(request(s, &a, STORE_OK), STORE_OK);
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(store_exec(s, "SELECT k FROM dl WHERE k = 2 FOR UPDATE"), STORE_OK);
	assert_int_equal(pthread_create(&t, NULL, lock_row_1, &l), 0);
	nanosleep(&(struct timespec){0, 500000000L}, NULL); /* the batch waiting for row 1 */
	assert_int_equal(PQsendQuery(other, "SELECT k FROM dl WHERE k = 2 FOR UPDATE"), 1);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(l.rc, STORE_ERETRY);
	assert_non_null(strstr(store_errmsg(s), "SQLSTATE 40P01"));
	assert_int_equal(store_rollback(s), STORE_OK);
	assert_int_equal(store_begin(s), STORE_ERETRY); /* the next request's */
	assert_int_equal(store_commit(s), STORE_ERETRY);
	assert_int_equal(store_depth(s), 0);
	assert_int_equal(rows(s), 0);
	r = PQgetResult(other);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK); /* its row, once the batch gave up */
	PQclear(r);
	while ((r = PQgetResult(other)) != NULL)
		PQclear(r);
	expect_pq(other, "COMMIT", PGRES_COMMAND_OK);
	PQfinish(other);
	printf("a deadlock between the batch and another session: the batch failed whole\n");
}

/* The connection lost while a savepoint's commands are held back: the pipelined statement
 * fails, so do its request and the batch's commit; nothing is kept; the next transaction
 * connects again. */
static void pipelined_connection_lost(void **state)
{
	store *s = pg_store(state);
	struct store_saf a = entry("cup", "reversal", 61, 1, false),
	                 b = entry("cup", "advice", 61, 1, false);
	char sql[96];
	int rc;

	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(request(s, &a, STORE_OK), STORE_OK);
	assert_int_equal(store_begin(s), STORE_OK);
	snprintf(sql, sizeof sql, "DO $$BEGIN PERFORM pg_terminate_backend(%d); END$$",
	         PQbackendPID(((struct store_pg *)s->conn)->conn));
	admin(sql);
	assert_int_equal(store_saf_insert(s, &b), STORE_EIO);
	assert_int_not_equal(store_commit(s), STORE_OK);
	rc = store_commit(s);
	assert_true(rc == STORE_EIO || rc == STORE_EINDOUBT);
	assert_int_equal(store_depth(s), 0);
	assert_int_equal(store_begin(s), STORE_OK); /* connected again */
	assert_int_equal(rows(s), 0);
	assert_int_equal(request(s, &b, STORE_OK), STORE_OK);
	assert_int_equal(store_commit(s), STORE_OK);
	assert_int_equal(rows(s), 1);
}

/* Migrations: every module's, applied once, at the SQLite numbering (each module at SQLite's
 * version after opening); a second opening applies none. */
static void migrations(void **state)
{
	static const char *const names[] = {
	    "meta", "ledger",   "issuer",     "term",   "notify", "acquirer", "risk", "audit",
	    "http", "merchant", "settlecard", "settle", "user",   "pki",      "tms",  "certify"};
	store *s = pg_store(state), *again, *lite;
	int version = 0, want = 0, steps = 0;

	assert_int_equal(store_open(STORE_MEMORY, &lite), STORE_OK);
	assert_int_equal(store_pg_open(getenv("POSSUM_TEST_PG"), &again), STORE_OK);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_int_equal(store_schema_version(lite, names[i], &want), STORE_OK);
		assert_true(want > 0);
		assert_int_equal(store_schema_version(s, names[i], &version), STORE_OK);
		assert_int_equal(version, want);
		assert_int_equal(store_schema_version(again, names[i], &version), STORE_OK);
		assert_int_equal(version, want);
		steps += want;
	}
	store_close(again);
	store_close(lite);
	printf("pg engine: migrations of %zu modules (%d steps) at SQLite's versions\n",
	       sizeof names / sizeof names[0], steps);
}

/* A query that does not match its description (parameters, result columns): refused when it is
 * prepared, as on SQLite, and the connection goes on. */
static void query_not_matching_its_row(void **state)
{
	static const struct store_col cols[] = {STORE_COLS(struct store_saf, id, link)};
	static const struct store_row row = STORE_ROW_N(cols, 2);
	static const struct store_query
	    one_param_too_many =
	        STORE_Q("SELECT id, link FROM saf_queue WHERE id = ?1 AND txn_id = ?2",
	                &store_args_id, &row),
	    wrong_name =
	        STORE_Q("SELECT id, rrn FROM saf_queue WHERE id = ?1", &store_args_id, &row),
	    one_column = STORE_Q("SELECT id FROM saf_queue WHERE id = ?", &store_args_id, &row);
	store *s = pg_store(state);
	struct store_saf out, e = entry("cup", "reversal", 41, 1, false);
	int64_t id = 1;

	assert_int_equal(store_q_get(s, &one_param_too_many, &id, &out), STORE_EARG);
	assert_int_equal(store_q_get(s, &wrong_name, &id, &out), STORE_EARG);
	assert_non_null(strstr(store_errmsg(s), "does not match its row"));
	assert_int_equal(store_q_get(s, &one_column, &id, &out), STORE_EARG);
	assert_int_equal(store_saf_insert(s, &e), STORE_OK);
	assert_int_equal(store_saf_get(s, e.id, &out), STORE_OK);
}

/* Values of other types read into an integer field as SQLite reads them: a truth value as 1
 * or 0, a decimal or a real by its integer part, a NULL as 0, text not a number as 0. */
static void values_read_as_on_sqlite(void **state)
{
#define READ_Q(sql) STORE_Q(sql, NULL, &store_row_n)
	static const struct store_query qs[] = {
	    READ_Q("SELECT 1 = 1 AS n"),
	    READ_Q("SELECT 2 < 1 AS n"),
	    READ_Q("SELECT SUM(x) AS n FROM (SELECT 9000000000 AS x UNION ALL SELECT 1) AS t"),
	    READ_Q("SELECT CAST(12.75 AS NUMERIC) AS n"),
	    READ_Q("SELECT 2.5 * 4 AS n"),
	    READ_Q("SELECT 1e15 / 4 AS n"),
	    READ_Q("SELECT -7.9 AS n"),
	    READ_Q("SELECT NULL AS n"),
	    READ_Q("SELECT 'tomato' AS n"),
	    READ_Q("SELECT MAX(x) AS n FROM (SELECT 1 AS x WHERE 1 = 0) AS t"),
	};
#undef READ_Q
	store *s = pg_store(state), *lite;
	int64_t on_pg, on_sqlite;

	assert_int_equal(store_open(STORE_MEMORY, &lite), STORE_OK);
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		on_pg = on_sqlite = -1;
		assert_int_equal(store_q_n_id(lite, &qs[i], 0, &on_sqlite), STORE_OK);
		assert_int_equal(store_q_n_id(s, &qs[i], 0, &on_pg), STORE_OK);
		if (on_pg != on_sqlite)
			fprintf(stderr, "%s: PostgreSQL %lld, SQLite %lld\n", qs[i].sql,
			        (long long)on_pg, (long long)on_sqlite);
		assert_int_equal(on_pg, on_sqlite);
	}
	store_close(lite);
	printf("pg engine: %zu values of other types read as SQLite reads them\n",
	       sizeof qs / sizeof qs[0]);
}

/* A database that cannot be reached: STORE_EIO, libpq's words. */
static void unreachable(void **state)
{
	store *s;

	(void)pg_store(state);
	assert_int_equal(store_pg_open("host=127.0.0.1 port=1 connect_timeout=2", &s), STORE_EIO);
	assert_true(strlen(store_errmsg(s)) > 0);
	store_close(s);
}

static int report(void **state)
{
	(void)state;
	printf("pg engine: rows written: %d, read back: %d, walked: %d, mismatches: %d\n",
	       rows_written, rows_read, rows_walked, mismatches);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(same_rows_on_both_engines, setup, teardown),
	    cmocka_unit_test_setup_teardown(refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(transactions, setup, teardown),
	    cmocka_unit_test_setup_teardown(migrations, setup, teardown),
	    cmocka_unit_test_setup_teardown(query_not_matching_its_row, setup, teardown),
	    cmocka_unit_test_setup_teardown(values_read_as_on_sqlite, setup, teardown),
	    cmocka_unit_test_setup_teardown(unreachable, setup, teardown),
	    cmocka_unit_test_setup_teardown(pipelined_batch, setup, teardown),
	    cmocka_unit_test_setup_teardown(failures_fail_the_batch, setup, teardown),
	    cmocka_unit_test_setup_teardown(deadlock_fails_the_batch, setup, teardown),
	    cmocka_unit_test_setup_teardown(pipelined_commit_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(pipelined_connection_lost, setup, teardown),
	};
	if (getenv("POSSUM_TEST_PG") == NULL)
		printf("POSSUM_TEST_PG unset: the tests skip\n");
	return cmocka_run_group_tests(tests, NULL, report);
}
#endif
