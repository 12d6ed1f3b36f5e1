/* open.c — a store on PostgreSQL: the connection (made again at the next outermost transaction
 * once it is lost), the engine's table that the shared query layer (row.c, exec.c, txn.c,
 * schema.c of the SQLite backend) hands over to, transactions and savepoints, the migrations
 * (src/store/pg/schema/, numbered as SQLite's; applied when opened, or later for `possum admin
 * store migrate`), the close, and connection strings checked and shown without a password.
 * Each connection holds this process's liveness lock (store_lease.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/internal.h"
#include "store/store_lease.h"

/* Opening hosts apply migrations one at a time: an advisory lock of this key (any number
 * possum alone uses), held by the session until it is released. */
#define MIGRATE_LOCK "7405001"

/* In order of dependence, as the SQLite backend's modules[] (schema.c): a module's tables may
 * refer to those of the modules above it, which PostgreSQL checks when it makes them. */
static const struct store_module *const modules[] = {
    &store_pg_module_meta,     &store_pg_module_ledger,     &store_pg_module_issuer,
    &store_pg_module_term,     &store_pg_module_notify,     &store_pg_module_acquirer,
    &store_pg_module_risk,     &store_pg_module_audit,      &store_pg_module_http,
    &store_pg_module_merchant, &store_pg_module_settlecard, &store_pg_module_settle,
    &store_pg_module_user,     &store_pg_module_pki,        &store_pg_module_tms,
    &store_pg_module_certify,
};

/* The commands held back (defer()), known by their address. */
static const char savepoint[] = "SAVEPOINT sp", release[] = "RELEASE sp";

/* Whether the last command held back is a savepoint's start: one with nothing in it yet. */
static bool empty_savepoint(const struct store_pg *pg)
{
	return pg->n_deferred > 0 && pg->deferred[pg->n_deferred - 1] == savepoint;
}

/* Holds cmd back for the next statement's round trip when the transaction is sound (a command
 * held cannot fail then but with the connection, which fails that statement and the commit);
 * else sends it now, as its failure must be seen now. */
static int defer(store *s, const char *cmd)
{
	struct store_pg *pg = s->conn;

	if (!store_pg_sound(pg) || pg->n_deferred == STORE_PG_DEFER_MAX ||
	    pg->n_queued + pg->n_deferred >= STORE_PG_QUEUE_MAX)
		return store_pg_exec(s, cmd);
	pg->deferred[pg->n_deferred++] = cmd;
	return STORE_OK;
}

/* This process's liveness, seen by the others on the database: the SHARED session advisory
 * lock of its lease identity (store_lease.h), held by each of its connections until closed. */
static int mark_alive(store *s)
{
	struct store_pg *pg = s->conn;
	char holder[STORE_LEASE_HOLDER_MAX];
	const char *identity;
	PGresult *res;
	int rc = STORE_OK;

	store_lease_holder("pg", holder);
	identity = strchr(holder, ':') + 1;
	res = PQexecParams(
	    pg->conn, "SELECT pg_advisory_lock_shared(" STORE_LEASE_KEY_PG("CAST($1 AS text)") ")",
	    1, NULL, &identity, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(s->errmsg, sizeof s->errmsg, "%s", PQerrorMessage(pg->conn));
		s->errmsg[strcspn(s->errmsg, "\n")] = '\0';
		rc = STORE_EIO;
	}
	PQclear(res);
	return rc;
}

/* A connection lost (the server restarted, the network cut): made again before the next
 * outermost transaction, its prepared statements forgotten (the new session has none). A
 * failed attempt is STORE_EIO with libpq's words; the next transaction tries again. */
static int reconnect(store *s)
{
	struct store_pg *pg = s->conn;

	if (PQstatus(pg->conn) == CONNECTION_OK)
		return STORE_OK;
	store_pg_stmts_free(pg);
	pg->n_queued = pg->n_deferred = 0;
	pg->failed = STORE_OK;
	PQreset(pg->conn);
	if (PQstatus(pg->conn) == CONNECTION_OK)
		return mark_alive(s);
	snprintf(s->errmsg, sizeof s->errmsg, "%s", PQerrorMessage(pg->conn));
	s->errmsg[strcspn(s->errmsg, "\n")] = '\0';
	return STORE_EIO;
}

/* The outermost: a writer's READ COMMITTED (its row locks and conditional updates are the
 * queries'); a reader's one snapshot (store_begin_read). Inside it a savepoint, all of one
 * name, which PostgreSQL, as SQLite, resolves to the innermost; none in a transaction failed
 * for good (its failure returned). */
static int pg_begin(store *s, bool read)
{
	struct store_pg *pg = s->conn;
	int rc;

	if (s->depth > 0 && pg->failed != STORE_OK)
		return pg->failed;
	if (s->depth == 0 && (rc = reconnect(s)) != STORE_OK)
		return rc;
	if (s->depth == 0)
		rc = store_pg_exec(s, read ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
		                           : "BEGIN");
	else
		rc = defer(s, savepoint);
	if (rc == STORE_OK)
		s->depth++;
	return rc;
}

/* A savepoint nothing was sent in is forgotten, one of a transaction failed for good too (the
 * outermost's rollback ends it all); the outermost's commands held back are dropped, as all it
 * did, and the statements queued read first (their answers do not matter now). */
static int pg_rollback(store *s)
{
	struct store_pg *pg = s->conn;
	int rc = STORE_OK;

	if (s->depth > 1 && pg->failed == STORE_OK && empty_savepoint(pg))
		pg->n_deferred--;
	else if (s->depth > 1 && pg->failed == STORE_OK)
		rc = store_pg_exec(s, "ROLLBACK TO sp; RELEASE sp"); /* the second not run if the
		                                                        first fails */
	else if (s->depth == 1) {
		pg->n_deferred = 0;
		if (pg->n_queued > 0)
			(void)store_pg_exec(s, NULL);
		rc = store_pg_exec(s, "ROLLBACK");
		pg->failed = STORE_OK;
	}
	s->depth--;
	return rc;
}

/* A statement that failed in a transaction fails the rest of it (SQLite's fails alone): the
 * savepoint or the transaction is rolled back here and the commit is STORE_EIO — or the
 * failure of a transaction failed for good (pg->failed), whose savepoints' commits all fail
 * with it. A COMMIT whose answer never came may have been applied: in doubt. A savepoint's
 * release is held back for the next statement or the COMMIT (defer()); one nothing was sent
 * in is forgotten. The COMMIT goes in the round trip of the statements queued. */
static int pg_commit(store *s)
{
	struct store_pg *pg = s->conn;
	int rc;

	if (!store_pg_sound(pg)) {
		rc = pg->failed != STORE_OK ? pg->failed : STORE_EIO;
		if (PQstatus(pg->conn) != CONNECTION_OK) {
			if (s->depth > 0)
				s->depth--;
		} else if (pg_rollback(s) == STORE_OK && rc == STORE_EIO)
			snprintf(s->errmsg, sizeof s->errmsg,
			         "the transaction was rolled back by a failure");
		return rc;
	}
	if (s->depth > 1 && empty_savepoint(pg)) {
		pg->n_deferred--;
		rc = STORE_OK;
	} else if ((rc = s->depth == 1 ? store_pg_exec(s, "COMMIT") : defer(s, release)) !=
	           STORE_OK) {
		if (s->depth == 1 && PQstatus(pg->conn) != CONNECTION_OK)
			rc = STORE_EINDOUBT;
		else if (s->depth == 1 && PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
			store_pg_exec(s, "ROLLBACK");
	}
	if (--s->depth == 0)
		pg->failed = STORE_OK;
	return rc;
}

static void pg_close(store *s)
{
	struct store_pg *pg = s->conn;

	if (pg == NULL)
		return;
	store_pg_stmts_free(pg);
	PQfinish(pg->conn); /* a transaction left open is rolled back by the server */
	free(pg);
	s->conn = NULL;
}

/* The server's notices ("already exists, skipping") are not the store's to print. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int migrate(store *s, store_migrated_fn *fn, void *ctx);

static const struct store_engine engine = {
    .name = "postgres",
    .run = store_pg_run,
    .open = store_pg_open_q,
    .next = store_pg_next,
    .end = store_pg_end,
    .exec = store_pg_exec,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .migrate = migrate,
    .close = pg_close,
};

/* The engine's migrations (store_migrate_report() hands them here), under the advisory lock:
 * hosts and `possum admin store migrate` opening together apply each step once. */
static int migrate(store *s, store_migrated_fn *fn, void *ctx)
{
	int rc, unlock;

	if ((rc = store_pg_exec(s, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")")) != STORE_OK)
		return rc;
	rc = store_migrate_modules_report(s, modules, sizeof modules / sizeof modules[0], fn, ctx);
	unlock = store_pg_exec(s, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")");
	return rc != STORE_OK ? rc : unlock;
}

/* A store on conninfo's database, connected; nothing applied. */
static int connect_pg(const char *conninfo, store **out)
{
	struct store_pg *pg;
	store *s;
	int rc = STORE_OK;

	if (conninfo == NULL || out == NULL)
		return STORE_EARG;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return STORE_ENOMEM;
	if ((pg = calloc(1, sizeof *pg)) == NULL) {
		free(s);
		return STORE_ENOMEM;
	}
	s->engine = &engine;
	s->conn = pg;
	if ((pg->conn = PQconnectdb(conninfo)) == NULL) {
		rc = STORE_ENOMEM;
		goto out;
	}
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		snprintf(s->errmsg, sizeof s->errmsg, "%s", PQerrorMessage(pg->conn));
		s->errmsg[strcspn(s->errmsg, "\n")] = '\0';
		rc = STORE_EIO;
		goto out;
	}
	PQsetNoticeProcessor(pg->conn, quiet, NULL);
	rc = mark_alive(s);
out:
	*out = s; /* when it failed, for its store_errmsg() */
	return rc;
}

int store_pg_open(const char *conninfo, store **out)
{
	int rc = connect_pg(conninfo, out);

	return rc == STORE_OK ? migrate(*out, NULL, NULL) : rc;
}

int store_pg_open_unmigrated(const char *conninfo, store **out)
{
	return connect_pg(conninfo, out);
}

int store_pg_conninfo_check(const char *conninfo, char *why, size_t cap)
{
	PQconninfoOption *opts, *o;
	char *err = NULL;
	int rc = STORE_OK;

	if ((opts = PQconninfoParse(conninfo, &err)) == NULL) {
		snprintf(why, cap, "%s", err != NULL ? err : "out of memory");
		why[strcspn(why, "\n")] = '\0';
		PQfreemem(err);
		return STORE_EARG;
	}
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL) {
			snprintf(why, cap, "holds a password: give it in PGPASSFILE or PGPASSWORD");
			rc = STORE_EARG;
		}
	PQconninfoFree(opts);
	return rc;
}

/* The options of a connection string worth showing: never its password. */
static const char *const shown[] = {"host", "hostaddr", "port", "dbname", "user"};

const char *store_pg_describe(const char *conninfo, char *out, size_t cap)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL), *o;
	size_t n = (size_t)snprintf(out, cap, "postgres");

	for (size_t i = 0; opts != NULL && i < sizeof shown / sizeof shown[0]; i++)
		for (o = opts; o->keyword != NULL; o++)
			if (strcmp(o->keyword, shown[i]) == 0 && o->val != NULL &&
			    *o->val != '\0' && n < cap)
				n += (size_t)snprintf(out + n, cap - n, " %s=%s", o->keyword,
				                      o->val);
	PQconninfoFree(opts);
	return out;
}
