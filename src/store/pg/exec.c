/* exec.c — the PostgreSQL engine's executor: a struct store_query (store/query.h: SQL,
 * parameter row, result row) run over libpq, as row.c runs it over SQLite.
 *
 * Each query is prepared once per connection (PQprepare), found again by its SQL text's
 * address; its SQL translated once then (sql.h: `?N` as `$N`, an insert's NULL id as DEFAULT,
 * ON CONFLICT DO NOTHING for an insert without a conflict clause of its own, so that a
 * duplicate is STORE_EEXIST and fails no transaction, RETURNING id for an insert whose id is
 * read back) and checked against its description as row.c checks it: as many
 * parameters as its parameter row has columns, result columns of the row's names in its
 * order. Parameters are bound from the same column tables: integers as int8 text, text as
 * text, bytes as bytea in binary; a LIMIT of 0 (none) as NULL, which PostgreSQL takes for no
 * limit where SQLite takes -1. Results come as text: integers parsed (a boolean's t/f as 1/0,
 * a SUM's numeric and a real by their integer part, as SQLite reads them), bytea's hex decoded
 * into the field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "store/pg/internal.h"

/* The deferred commands and sql (NULL: none) as one simple query; NULL without memory. */
static char *joined(const struct store_pg *pg, const char *sql)
{
	size_t len = sql != NULL ? strlen(sql) + 1 : 1, at = 0;
	char *q;

	for (int i = 0; i < pg->n_deferred; i++)
		len += strlen(pg->deferred[i]) + 2;
	if ((q = malloc(len)) == NULL)
		return NULL;
	for (int i = 0; i < pg->n_deferred; i++)
		at += (size_t)sprintf(q + at, "%s; ", pg->deferred[i]);
	sprintf(q + at, "%s", sql != NULL ? sql : "");
	return q;
}

static int collect(store *s, bool awaited, PGresult **out);
static bool send_held(struct store_pg *pg);

/* Ends a simple query's result: STORE_OK or its failure. */
static int exec_result(store *s, PGresult *res)
{
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		PQclear(res);
		return STORE_OK;
	default:
		return store_pg_fail(s, res);
	}
}

int store_pg_exec(store *s, const char *sql)
{
	struct store_pg *pg = s->conn;
	bool one = sql != NULL && strchr(sql, ';') == NULL, sent;
	char *q = NULL;
	PGresult *res;
	int rc;

	if (pg->n_queued > 0) {
		/* In the queue's round trip: one statement at its end, else the queue alone. */
		sent = send_held(pg) && one &&
		       PQsendQueryParams(pg->conn, sql, 0, NULL, NULL, NULL, NULL, 0) == 1;
		if ((rc = collect(s, sent, &res)) != STORE_OK || sql == NULL)
			return rc;
		if (one)
			return exec_result(s, res);
	}
	if (pg->n_deferred > 0 && (q = joined(pg, sql)) == NULL)
		return STORE_ENOMEM;
	/* Several statements in one query: its result the first failure's, else the last's. */
	res = PQexec(pg->conn, q != NULL ? q : sql);
	pg->n_deferred = 0;
	pg->trips++;
	free(q);
	return exec_result(s, res);
}

bool store_pg_sound(const struct store_pg *pg)
{
	return pg->failed == STORE_OK &&
	       (pg->n_queued > 0 || PQtransactionStatus(pg->conn) == PQTRANS_INTRANS);
}

#define OID_BOOL  16
#define OID_BYTEA 17
#define OID_INT8  20
#define OID_TEXT  25

int store_pg_fail(store *s, PGresult *res)
{
	struct store_pg *pg = s->conn;
	const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	int rc = STORE_EIO;

	if (state == NULL || msg == NULL) {
		/* No answer from the server: the connection's own words (never a password). */
		snprintf(s->errmsg, sizeof s->errmsg, "%s", PQerrorMessage(pg->conn));
	} else if (strncmp(state, "22", 2) == 0) {
		/* A data exception's message may quote the value: its code alone. */
		snprintf(s->errmsg, sizeof s->errmsg, "a value refused (SQLSTATE %s)", state);
		rc = STORE_EARG;
	} else {
		snprintf(s->errmsg, sizeof s->errmsg, "%s (SQLSTATE %s)", msg, state);
		if (strcmp(state, "23505") == 0)
			rc = STORE_EEXIST;
		else if (strncmp(state, "23", 2) == 0 || strncmp(state, "54", 2) == 0)
			rc = STORE_EARG; /* other constraints, limits: an argument the schema
			                    refuses */
		else if (strcmp(state, "53200") == 0)
			rc = STORE_ENOMEM;
		else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
			rc = STORE_ERETRY; /* serialization failure, deadlock */
	}
	if (rc == STORE_ERETRY && s->depth > 0)
		pg->failed = rc; /* the whole transaction's */
	PQclear(res);
	return rc;
}

void store_pg_stmts_free(struct store_pg *pg)
{
	free(pg->stmts);
	pg->stmts = NULL;
	pg->n = pg->cap = 0;
}

/* Checks the statement just prepared against q's result row: its columns, by name, in order. */
static int check(store *s, const struct store_query *q, const char *name)
{
	struct store_pg *pg = s->conn;
	PGresult *d = PQdescribePrepared(pg->conn, name);
	int rc = STORE_OK;

	pg->trips++;
	if (PQresultStatus(d) != PGRES_COMMAND_OK)
		return store_pg_fail(s, d);
	if (PQnfields(d) != q->row->n)
		rc = STORE_EARG;
	for (int i = 0; rc == STORE_OK && i < q->row->n; i++)
		if (strcmp(PQfname(d, i), q->row->cols[i].name) != 0)
			rc = STORE_EARG;
	PQclear(d);
	if (rc != STORE_OK)
		snprintf(s->errmsg, sizeof s->errmsg, "a query does not match its row: %.200s",
		         q->sql);
	return rc;
}

static unsigned param_type(const struct store_col *c)
{
	switch (c->type) {
	case STORE_T_TEXT:
	case STORE_T_STR:
		return OID_TEXT;
	case STORE_T_FIXED:
	case STORE_T_SEALED:
	case STORE_T_BYTES:
		return OID_BYTEA;
	default:
		return OID_INT8;
	}
}

/* Translates and prepares q on the connection as statement st->name. */
static int prepare(store *s, const struct store_query *q, struct store_pg_stmt *st)
{
	struct store_pg *pg = s->conn;
	const char *text = q->pg_sql != NULL ? q->pg_sql : q->sql; /* PostgreSQL's own, if any */
	int n = q->args != NULL ? q->args->n : 0, params, rc;
	size_t cap = strlen(text) * 3 + 64; /* `?` as `$64` at most triples one byte; the
	                                          clauses appended */
	Oid types[STORE_PG_PARAMS_MAX];
	char *sql = malloc(cap);
	PGresult *res;

	if (sql == NULL)
		return STORE_ENOMEM;
	if ((rc = store_pg_sql(text, st->flags, sql, cap, &params)) != STORE_OK)
		goto out;
	/* The commands held back go first: a refused statement fails the transaction after them. */
	if ((pg->n_deferred > 0 || pg->n_queued > 0) && (rc = store_pg_exec(s, NULL)) != STORE_OK)
		goto out;
	if (params != n) {
		snprintf(s->errmsg, sizeof s->errmsg, "a query does not match its row: %.200s",
		         q->sql);
		rc = STORE_EARG;
		goto out;
	}
	for (int i = 0; i < n; i++)
		types[i] = param_type(&q->args->cols[i]);
	res = PQprepare(pg->conn, st->name, sql, n, types);
	pg->trips++;
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = store_pg_fail(s, res);
		goto out;
	}
	PQclear(res);
	if (q->row != NULL && (st->flags & STORE_PG_SQL_RETURNING_ID) == 0)
		rc = check(s, q, st->name);
out:
	free(sql);
	return rc;
}

/* The statement of q (with flags, and those its text asks for) on this connection: prepared
 * now if it was not. */
static int stmt(store *s, const struct store_query *q, unsigned flags,
                const struct store_pg_stmt **out)
{
	struct store_pg *pg = s->conn;
	struct store_pg_stmt *st;
	int rc;

	for (size_t i = 0; i < pg->n; i++)
		if (pg->stmts[i].sql == q->sql &&
		    (pg->stmts[i].flags & STORE_PG_SQL_RETURNING_ID) == flags) {
			*out = &pg->stmts[i];
			return STORE_OK;
		}
	if (pg->n == pg->cap) {
		size_t cap = pg->cap != 0 ? 2 * pg->cap : 32;

		if ((st = realloc(pg->stmts, cap * sizeof *st)) == NULL)
			return STORE_ENOMEM;
		pg->stmts = st;
		pg->cap = cap;
	}
	st = &pg->stmts[pg->n];
	*st = (struct store_pg_stmt){
	    q->sql, flags | store_pg_sql_flags(q->pg_sql != NULL ? q->pg_sql : q->sql), ""};
	/* Names never used again on the connection: one that failed its check stays prepared,
	 * unused. */
	snprintf(st->name, sizeof st->name, "q%lu", pg->named++);
	if ((rc = prepare(s, q, st)) != STORE_OK)
		return rc;
	*out = &pg->stmts[pg->n++];
	return STORE_OK;
}

/* The parameters of one execution: values pointing into the row or into num. */
struct params {
	const char *values[STORE_PG_PARAMS_MAX];
	int lengths[STORE_PG_PARAMS_MAX], formats[STORE_PG_PARAMS_MAX];
	char num[STORE_PG_PARAMS_MAX][24];
};

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* Binds field c of row as parameter i (values[i] NULL: SQL NULL), as row.c's bind_col does. */
static void bind_col(struct params *b, int i, const struct store_col *c, const char *row)
{
	const void *p = row + c->off;
	bool null_zero = (c->flags & STORE_F_NULL) != 0;
	int64_t v = 0;

	b->values[i] = NULL;
	b->lengths[i] = b->formats[i] = 0;
	switch (c->type) {
	case STORE_T_I64:
		v = *(const int64_t *)p;
		break;
	case STORE_T_INT:
		v = *(const int *)p;
		break;
	case STORE_T_UNSIGNED:
		v = *(const unsigned *)p;
		break;
	case STORE_T_BOOL:
		v = *(const bool *)p;
		break;
	case STORE_T_LIMIT:
		/* No limit: NULL here, -1 in SQLite. */
		if ((v = (int64_t) * (const size_t *)p) == 0)
			return;
		break;
	case STORE_T_TEXT:
		if (!null_zero || *(const char *)p != '\0')
			b->values[i] = p;
		return;
	case STORE_T_STR:
		b->values[i] = *(const char *const *)p;
		if (b->values[i] == NULL && !null_zero)
			b->values[i] = "";
		return;
	case STORE_T_FIXED:
		if (!null_zero || !all_zero(p, c->size)) {
			b->values[i] = p;
			b->lengths[i] = (int)c->size;
			b->formats[i] = 1;
		}
		return;
	case STORE_T_SEALED:
		b->values[i] = (const char *)((const struct store_sealed *)p)->v;
		b->lengths[i] = (int)((const struct store_sealed *)p)->len;
		b->formats[i] = 1;
		return;
	case STORE_T_BYTES:
		b->values[i] = p;
		b->lengths[i] = (int)*(const size_t *)(row + c->len_off);
		b->formats[i] = 1;
		return;
	}
	if (null_zero && v == 0)
		return;
	snprintf(b->num[i], sizeof b->num[i], "%lld", (long long)v);
	b->values[i] = b->num[i];
}

static bool good(const PGresult *res)
{
	return PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
}

/* The connection in pipeline mode (entered when it was not) and the commands held back sent,
 * queued with no row expected: false when a send failed. */
static bool send_held(struct store_pg *pg)
{
	PGconn *c = pg->conn;
	bool ok = PQpipelineStatus(c) == PQ_PIPELINE_ON || PQenterPipelineMode(c) == 1;

	for (int i = 0; ok && i < pg->n_deferred; i++) {
		ok = PQsendQueryParams(c, pg->deferred[i], 0, NULL, NULL, NULL, NULL, 0) == 1;
		if (ok)
			pg->if_none[pg->n_queued++] = STORE_OK;
	}
	pg->n_deferred = 0;
	return ok;
}

/* One query's answer read to its end: its result (NULL: none came). */
static PGresult *answer(PGconn *c)
{
	PGresult *res = PQgetResult(c), *r;

	if (res != NULL)
		while ((r = PQgetResult(c)) != NULL)
			PQclear(r);
	return res;
}

/* A queued statement's answer r (freed): its failure, or if_none when it wrote no row. */
static int queued_rc(store *s, PGresult *r, int if_none)
{
	if (r == NULL || !good(r))
		return store_pg_fail(s, r);
	if (if_none != STORE_OK && strcmp(PQcmdTuples(r), "0") == 0) {
		PQclear(r);
		snprintf(s->errmsg, sizeof s->errmsg, "a write not waited for changed no row");
		return if_none;
	}
	PQclear(r);
	return STORE_OK;
}

/* The pipeline synced, one round trip: the answers of the statements queued read, then (when
 * awaited) that of the statement sent after them into *out (NULL when it was not run), then the
 * sync's; pipeline mode left. A queued statement's failure fails the transaction (pg->failed)
 * and is returned: the server ran nothing after it. */
static int collect(store *s, bool awaited, PGresult **out)
{
	struct store_pg *pg = s->conn;
	PGconn *c = pg->conn;
	int rc = STORE_OK, n = pg->n_queued;
	PGresult *r;

	*out = NULL;
	pg->n_queued = 0;
	pg->trips++;
	if (PQpipelineSync(c) != 1) {
		PQexitPipelineMode(c);
		rc = store_pg_fail(s, NULL); /* the connection lost */
		goto out;
	}
	for (int i = 0; i < n; i++) {
		r = answer(c);
		if (rc == STORE_OK)
			rc = queued_rc(s, r, pg->if_none[i]);
		else
			PQclear(r);
	}
	if (awaited && rc == STORE_OK)
		*out = answer(c);
	else if (awaited)
		PQclear(answer(c));
	while ((r = PQgetResult(c)) != NULL && PQresultStatus(r) != PGRES_PIPELINE_SYNC)
		PQclear(r);
	PQclear(r);
	if (PQexitPipelineMode(c) != 1 && *out != NULL && good(*out)) {
		PQclear(*out); /* answers left unread */
		*out = NULL;
	}
out:
	if (rc != STORE_OK && s->depth > 0)
		pg->failed = rc;
	return rc;
}

/* Statement st sent in pipeline mode after the commands held back, queued (if_none: its code
 * for no row written) when !awaited, else synced and read with the queue: *out its result. */
static int pipelined(store *s, const struct store_pg_stmt *st, int n, const struct params *b,
                     bool awaited, int if_none, PGresult **out)
{
	struct store_pg *pg = s->conn;
	bool ok = send_held(pg) && PQsendQueryPrepared(pg->conn, st->name, n, b->values, b->lengths,
	                                               b->formats, 0) == 1;
	int rc;

	*out = NULL;
	if (ok && !awaited) {
		pg->if_none[pg->n_queued++] = if_none;
		return STORE_OK;
	}
	/* A send that failed: what was sent is synced and read all the same, the statement
	 * failed. */
	if ((rc = collect(s, ok, out)) == STORE_OK && *out == NULL)
		rc = store_pg_fail(s, NULL);
	return rc;
}

/* Whether a run of q (with id or changes asked for) may be queued, not waited for: a write
 * marked STORE_Q_DEFER, no id read, in a sound transaction, room in the queue. */
static bool deferrable(const store *s, const struct store_query *q, const int64_t *id)
{
	const struct store_pg *pg = s->conn;

	return (q->flags & STORE_Q_DEFER) != 0 && id == NULL && s->depth > 0 &&
	       pg->n_queued + pg->n_deferred < STORE_PG_QUEUE_MAX && store_pg_sound(pg);
}

/* Runs q (flags: its statement's) with args bound: *out the result, tuples or none — NULL when
 * it was queued (defer: deferrable(); if_none its code for no row written). An insert that
 * wrote no row for its ON CONFLICT DO NOTHING (sql.h) is STORE_EEXIST, as the duplicate is on
 * SQLite. A deadlock or a serialization failure fails the transaction (pg->failed). */
static int execute(store *s, const struct store_query *q, unsigned flags, const void *args,
                   bool defer, int if_none, PGresult **out)
{
	struct store_pg *pg = s->conn;
	int n = q->args != NULL ? q->args->n : 0, rc;
	const struct store_pg_stmt *st;
	struct params b;
	PGresult *res;

	*out = NULL;
	if (pg->failed != STORE_OK && s->depth > 0)
		return pg->failed;
	if ((rc = stmt(s, q, flags, &st)) != STORE_OK)
		return rc;
	for (int i = 0; i < n; i++)
		bind_col(&b, i, &q->args->cols[i], args);
	if ((st->flags & STORE_PG_SQL_DO_NOTHING) != 0)
		if_none = STORE_EEXIST; /* queued: a duplicate fails the transaction */
	if (defer || pg->n_deferred > 0 || pg->n_queued > 0) {
		if ((rc = pipelined(s, st, n, &b, !defer, if_none, &res)) != STORE_OK || defer)
			return rc;
	} else {
		res = PQexecPrepared(pg->conn, st->name, n, b.values, b.lengths, b.formats, 0);
		pg->trips++;
	}
	if (!good(res))
		return store_pg_fail(s, res);
	if ((st->flags & STORE_PG_SQL_DO_NOTHING) != 0 && strcmp(PQcmdTuples(res), "0") == 0) {
		PQclear(res);
		snprintf(s->errmsg, sizeof s->errmsg,
		         "a row of that key exists already (SQLSTATE 23505)");
		return STORE_EEXIST;
	}
	*out = res;
	return STORE_OK;
}

/* Copies a bytea's text form ("\\x" and hex) into out when it fits in cap bytes (else none):
 * its length. */
static size_t column_bytes(const char *v, void *out, size_t cap)
{
	size_t n = 0;

	if (v[0] != '\\' || v[1] != 'x' || hex_decode(v + 2, strlen(v + 2), out, cap, &n) != HEX_OK)
		return 0;
	return n;
}

/* The integer of a value v of type oid, as SQLite's sqlite3_column_int64 gives it: a boolean's
 * t/f as 1/0, a number's integer part (a numeric's 12.50, a real's 1e+15), text's leading
 * digits. */
static int64_t column_int(const char *v, unsigned oid)
{
	char *end;
	int64_t n;

	if (oid == OID_BOOL)
		return v[0] == 't';
	n = strtoll(v, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E') {
		double d = strtod(v, NULL);

		n = d >= 9.2e18 ? INT64_MAX : d <= -9.2e18 ? INT64_MIN : (int64_t)d;
	}
	return n;
}

/* Reads column i of res's row r into field c of row (a NULL leaves the cleared field). */
static void read_col(const PGresult *res, int r, int i, const struct store_col *c, char *row)
{
	const char *v = PQgetvalue(res, r, i);
	void *p = row + c->off;
	int64_t n;

	if (PQgetisnull(res, r, i))
		return;
	n = column_int(v, PQftype(res, i));
	switch (c->type) {
	case STORE_T_I64:
		*(int64_t *)p = n;
		break;
	case STORE_T_INT:
		*(int *)p = (int)n;
		break;
	case STORE_T_UNSIGNED:
		*(unsigned *)p = (unsigned)n;
		break;
	case STORE_T_BOOL:
		*(bool *)p = n != 0;
		break;
	case STORE_T_TEXT:
		snprintf(p, c->size, "%s", v);
		break;
	case STORE_T_FIXED:
		if (column_bytes(v, p, c->size) != c->size)
			memset(p, 0, c->size);
		break;
	case STORE_T_SEALED: {
		struct store_sealed *b = p;

		b->len = column_bytes(v, b->v, sizeof b->v);
		break;
	}
	case STORE_T_BYTES:
		*(size_t *)(row + c->len_off) = column_bytes(v, p, c->size);
		break;
	}
}

int store_pg_run(store *s, const struct store_query *q, const void *args, int64_t *id,
                 int64_t *changes)
{
	unsigned flags = id != NULL ? STORE_PG_SQL_RETURNING_ID : 0;
	bool defer = deferrable(s, q, id);
	PGresult *res;
	int rc;

	/* Queued: a write asked how many rows it changed (store_q_update) must change one. */
	if ((rc = execute(s, q, flags, args, defer, changes != NULL ? STORE_ENOTFOUND : STORE_OK,
	                  &res)) != STORE_OK)
		return rc;
	if (res == NULL) {
		if (changes != NULL)
			*changes = 1;
		return STORE_OK;
	}
	if (id != NULL)
		*id = PQntuples(res) == 1 ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	if (changes != NULL)
		*changes = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return STORE_OK;
}

int store_pg_open_q(store *s, const struct store_query *q, const void *args, struct store_cursor *c)
{
	PGresult *res;
	int rc;

	if ((rc = execute(s, q, 0, args, false, STORE_OK, &res)) != STORE_OK)
		return rc;
	c->res = res;
	c->at = 0;
	c->n = PQntuples(res);
	return STORE_OK;
}

int store_pg_next(store *s, struct store_cursor *c, const struct store_query *q, void *out)
{
	(void)s;
	if (c->at >= c->n)
		return STORE_ENOTFOUND;
	if (out != NULL) {
		if (q->row->size != 0)
			memset(out, 0, q->row->size);
		for (int i = 0; i < q->row->n; i++)
			read_col(c->res, c->at, i, &q->row->cols[i], out);
	}
	c->at++;
	return STORE_OK;
}

void store_pg_end(struct store_cursor *c)
{
	PQclear(c->res);
	c->res = NULL;
}
