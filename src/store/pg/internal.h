/* internal.h — what the PostgreSQL engine's files share (exec.c: statements, parameters and
 * rows over libpq; open.c: the connection, transactions, migrations), beside the query layer
 * both engines share (store/query.h: the store handle, the rows' column tables, the queries,
 * the engine's table of operations, the migrations). Nothing of SQLite's is included. */
#ifndef POSSUM_STORE_PG_INTERNAL_H
#define POSSUM_STORE_PG_INTERNAL_H

#include <libpq-fe.h>

#include "store/pg/pg.h"
#include "store/pg/sql.h"
#include "store/query.h"

/* A statement prepared on the connection, found by its SQL text's address (as SQLite's cache)
 * and whether it reads an insert's id back (RETURNING id appended). */
struct store_pg_stmt {
	const char *sql;
	unsigned flags; /* STORE_PG_SQL_* */
	char name[16];
};

/* Savepoint commands held back at most (open.c): more are sent with those held. */
#define STORE_PG_DEFER_MAX 8
/* Statements sent and not waited for at most (exec.c): the next one waits. */
#define STORE_PG_QUEUE_MAX 32

/* s->conn of a PostgreSQL store. */
struct store_pg {
	PGconn *conn;
	struct store_pg_stmt *stmts;
	size_t n, cap;
	unsigned long named; /* statements named so far: q0, q1, … */
	/* "SAVEPOINT sp" and "RELEASE sp" not sent yet: they go ahead of the next statement, in
	 * its round trip (exec.c: libpq's pipeline mode; open.c: one simple query). Held only
	 * while the transaction is sound, so that they cannot fail but with the connection. */
	const char *deferred[STORE_PG_DEFER_MAX];
	int n_deferred;
	/* Sent in pipeline mode and not waited for (query.h's STORE_Q_DEFER, and the commands held
	 * that went before them): their answers read in the next statement's round trip, or the
	 * commit's. if_none[i]: the code of statement i writing no row (0: none is fine). */
	int n_queued;
	int if_none[STORE_PG_QUEUE_MAX];
	/* What failed the transaction for good (0: nothing): a statement not waited for, a
	 * deadlock or a serialization failure (STORE_ERETRY). Every statement, savepoint and commit
	 * returns it until the outermost transaction is rolled back. */
	int failed;
	unsigned long trips; /* round trips to the server so far (the tests count them) */
};

/* exec.c: the engine's run, open, next and end (query.h's struct store_engine). */
int store_pg_run(store *s, const struct store_query *q, const void *args, int64_t *id,
                 int64_t *changes);
int store_pg_open_q(store *s, const struct store_query *q, const void *args,
                    struct store_cursor *c);
int store_pg_next(store *s, struct store_cursor *c, const struct store_query *q, void *out);
void store_pg_end(struct store_cursor *c);
/* Maps a failed result (NULL: none came) to a STORE_* code and records its message (never a
 * value: a data error is named by its SQLSTATE alone); frees res. */
int store_pg_fail(store *s, PGresult *res);
/* SQL of no parameters and no rows read, several statements allowed, sent after the deferred
 * commands in the same round trip (open.c); NULL: only those. A single statement goes in the
 * round trip of the statements queued, several after it (a queued one's failure returned then,
 * sql not run). */
int store_pg_exec(store *s, const char *sql);
/* Whether the transaction may go on: no failure known, the server's transaction sound (or
 * statements queued, whose answers are not known yet). */
bool store_pg_sound(const struct store_pg *pg);
/* Forgets the prepared statements (a connection reset, the close). */
void store_pg_stmts_free(struct store_pg *pg);

/* The engine's migrations, generated from src/store/pg/schema/MODULE.VERSION.sql. */
extern const struct store_module store_pg_module_meta, store_pg_module_ledger,
    store_pg_module_issuer, store_pg_module_term, store_pg_module_notify, store_pg_module_acquirer,
    store_pg_module_risk, store_pg_module_audit, store_pg_module_http, store_pg_module_merchant,
    store_pg_module_settlecard, store_pg_module_settle, store_pg_module_user, store_pg_module_pki,
    store_pg_module_tms, store_pg_module_certify;

#endif
