/* query.h — the store's query layer, shared by its engines (SQLite's, src/store/sqlite/, and
 * PostgreSQL's, src/store/pg/): the store handle, the description of a table's rows and the
 * queries made of it (row.c), the engine a store hands them to, and the migrations of each
 * module (schema.c). Nothing here is one engine's: SQLite's connection and statements are
 * named by their struct types alone, and each engine's own header (src/store/sqlite/internal.h,
 * src/store/pg/internal.h) includes this one.
 *
 * A row struct is described once, by a table of its columns (struct store_col: the column's
 * name, its C type and where it lies in the struct); one binder and one reader per engine use
 * the table, so a query is its SQL text and its row types (struct store_query): the struct its
 * parameters are bound from, in the order of the table, and the struct its result row is read
 * into. The first time a query is prepared on a connection its SQL is checked against its
 * description: as many parameters, and result columns of those names in that order.
 *
 * A public function of one query and the usual parameters is defined by a macro of its kind
 * (STORE_FN_INSERT, _GET, _UPDATE, _EACH, …) with its name, its row type and its query; any
 * other is written out, its queries static in its body. Either way a function's SQL and row
 * type stand where it is defined.
 *
 * A store on PostgreSQL has an engine (struct store_engine) that row.c, exec.c, txn.c,
 * schema.c and open.c hand each query, transaction and migration to, so that the modules'
 * query definitions serve both (docs/scaling.md, "The PostgreSQL backend"). */
#ifndef POSSUM_STORE_QUERY_H
#define POSSUM_STORE_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* A prepared statement kept for the life of the store, found by its SQL text's address. */
struct store_cached {
	const char *sql;
	struct sqlite3_stmt *stmt;
};

struct store_engine;

struct store {
	struct sqlite3 *db; /* SQLite's connection (sqlite3.h's type) */
	/* Another engine than SQLite (src/store/pg/) and its connection: NULL for SQLite's, when
	 * db is the connection. row.c, exec.c, txn.c, schema.c and open.c hand a query, a
	 * transaction or the close over to it. */
	const struct store_engine *engine;
	void *conn;
	int depth; /* transaction nesting: 0 none, 1 BEGIN, more savepoints */
	char errmsg[256];
	struct store_cached *cache;
	size_t cached, cache_cap;
	int64_t busy_since; /* monotonic ms of a wait for a lock's first try (open.c) */
};

/* ---- exec.c: SQL of no parameters ---- */

/* Runs sql (string constant) with no parameters: through SQLite's statement cache, or by the
 * engine (several statements allowed there). */
int store_exec(store *s, const char *sql);

/* ---- row.c: rows described once ---- */

/* The C types of a column's field; STORE_T_STR and STORE_T_LIMIT are parameters only. */
enum store_type {
	STORE_T_I64,      /* int64_t */
	STORE_T_INT,      /* int */
	STORE_T_UNSIGNED, /* unsigned: kept as a 64-bit integer */
	STORE_T_BOOL,     /* bool: 0 or 1 */
	STORE_T_TEXT,     /* char[size]: read cut to fit, always with its NUL */
	STORE_T_STR,      /* const char *: bound; NULL as '' */
	STORE_T_LIMIT,    /* size_t: bound as a LIMIT, 0 as -1 (none) */
	STORE_T_FIXED,    /* uint8_t[size]: a blob of exactly size bytes, else read as zeros */
	STORE_T_SEALED,   /* struct store_sealed: a blob up to STORE_SEALED_MAX, else empty */
	STORE_T_BYTES,    /* uint8_t[size] and a size_t length at len_off: else empty */
};

/* Bound as NULL when zero: an empty text, a NULL pointer, an all-zero fixed blob, a zero
 * integer (a NULL column reads back as that zero). */
#define STORE_F_NULL 0x1u

struct store_col {
	const char *name; /* the column's name: a result column must have it */
	unsigned char type, flags;
	uint32_t size;  /* bytes of the field */
	size_t off;     /* offsetof the field in its struct */
	size_t len_off; /* STORE_T_BYTES: offsetof its size_t length */
};

/* A row struct's description: n columns; size, when not 0, the bytes cleared before a read. */
struct store_row {
	const struct store_col *cols;
	int n;
	size_t size;
};

/* The type of field f of struct type T. */
#define STORE_TYPE(T, f)                                                                           \
	_Generic(((T *)0)->f,                                                                      \
	    int64_t: STORE_T_I64,                                                                  \
	    int: STORE_T_INT,                                                                      \
	    unsigned: STORE_T_UNSIGNED,                                                            \
	    bool: STORE_T_BOOL,                                                                    \
	    char *: STORE_T_TEXT,                                                                  \
	    const char *: STORE_T_STR,                                                             \
	    size_t: STORE_T_LIMIT,                                                                 \
	    uint8_t *: STORE_T_FIXED,                                                              \
	    struct store_sealed: STORE_T_SEALED)

#define STORE_COL_AS(T, f, column, fl)                                                             \
	{                                                                                          \
		column, STORE_TYPE(T, f), fl, sizeof(((T *)0)->f), offsetof(T, f), 0               \
	}
/* Field f of T as the column of its name. */
#define STORE_COL(T, f) STORE_COL_AS(T, f, #f, 0)
/* The same, bound as NULL when zero (STORE_F_NULL). */
#define STORE_COL_NULL(T, f) STORE_COL_AS(T, f, #f, STORE_F_NULL)
/* Bytes f of T, their length in field len. */
#define STORE_COL_BYTES(T, f, len)                                                                 \
	{                                                                                          \
#f, STORE_T_BYTES, 0, sizeof(((T *)0)->f), offsetof(T, f), offsetof(T, len)        \
	}

/* STORE_COLS(T, f, g, …): STORE_COL(T, f), STORE_COL(T, g), …, (a comma after each) — a
 * table's columns listed by their fields' names, up to 64 of them (the preprocessor walks the list,
 * rescanning it). */
#define STORE_COLS(T, ...) STORE_EVAL_(STORE_MAP1_(T, __VA_ARGS__, ()()(), ()()(), ()()(), 0))
#define STORE_EVAL0_(...)  __VA_ARGS__
#define STORE_EVAL1_(...)  STORE_EVAL0_(STORE_EVAL0_(STORE_EVAL0_(__VA_ARGS__)))
#define STORE_EVAL2_(...)  STORE_EVAL1_(STORE_EVAL1_(STORE_EVAL1_(__VA_ARGS__)))
#define STORE_EVAL3_(...)  STORE_EVAL2_(STORE_EVAL2_(STORE_EVAL2_(__VA_ARGS__)))
#define STORE_EVAL_(...)   STORE_EVAL3_(STORE_EVAL3_(STORE_EVAL3_(__VA_ARGS__)))
#define STORE_END_(...)
#define STORE_OUT_
#define STORE_GET_END2_()             0, STORE_END_
#define STORE_GET_END1_(...)          STORE_GET_END2_
#define STORE_GET_END_(...)           STORE_GET_END1_
#define STORE_NEXT0_(test, next, ...) next STORE_OUT_
#define STORE_NEXT1_(test, next)      STORE_NEXT0_(test, next, 0)
#define STORE_NEXT_(test, next)       STORE_NEXT1_(STORE_GET_END_ test, next)
#define STORE_MAP0_(T, x, peek, ...)                                                               \
	STORE_COL(T, x), STORE_NEXT_(peek, STORE_MAP1_)(T, peek, __VA_ARGS__)
#define STORE_MAP1_(T, x, peek, ...)                                                               \
	STORE_COL(T, x), STORE_NEXT_(peek, STORE_MAP0_)(T, peek, __VA_ARGS__)

/* The description of row struct T by its column table cols (an array), or the first n of them
 * (parameters: cleared before no read). */
#define STORE_ROW(T, cols)                                                                         \
	{                                                                                          \
		cols, (int)(sizeof cols / sizeof cols[0]), sizeof(T)                               \
	}
#define STORE_ROW_N(cols, n)                                                                       \
	{                                                                                          \
		cols, n, 0                                                                         \
	}

/* A query: its SQL (a string constant: the statement cache's key), the row its parameters
 * are bound from (NULL: none), the row its result is read into (NULL: none read), flags; and,
 * for the few queries without a form both engines take (docs/scaling.md, "Where the SQL
 * differs"), PostgreSQL's own text (pg_sql; NULL: sql serves both). */
#define STORE_Q_RETURNING 0x1u /* writes and returns a row: stepped to its end once read */
/* A write whose outcome its caller does not read, but for its failure (store_q_run() without an
 * id; store_q_update(), whose "no row" is then a failure too): on PostgreSQL, inside a
 * transaction, sent and not waited for (src/store/pg/exec.c, pipeline mode), its answer read
 * with the next statement's or the commit's. Its failure fails the whole transaction then:
 * that statement, every later one, the savepoints' commits and the outermost commit return it
 * (the outermost rolls back). SQLite runs it at once. */
#define STORE_Q_DEFER 0x2u
struct store_query {
	const char *sql, *pg_sql;
	const struct store_row *args, *row;
	unsigned flags;
};
#define STORE_Q(text, a, r)                                                                        \
	{                                                                                          \
		.sql = text, .args = a, .row = r, .flags = 0                                       \
	}
#define STORE_Q_RET(text, a, r)                                                                    \
	{                                                                                          \
		.sql = text, .args = a, .row = r, .flags = STORE_Q_RETURNING                       \
	}
#define STORE_Q_DEFERRED(text, a)                                                                  \
	{                                                                                          \
		.sql = text, .args = a, .row = NULL, .flags = STORE_Q_DEFER                        \
	}
/* STORE_Q with the SQL last, for the STORE_FN_* macros: the SQL they are given may be a
 * STORE_SQL(), which holds a comma once expanded. */
#define STORE_Q_LAST(a, r, ...)                                                                    \
	{                                                                                          \
		.sql = __VA_ARGS__, .args = a, .row = r, .flags = 0                                \
	}
/* The SQL of a query in each engine's dialect, where no one text serves both: written where
 * a query's SQL is (STORE_Q, the STORE_FN_* macros), as STORE_SQL("… MAX(a, b) …", "…
 * GREATEST(a, b) …"). */
#define STORE_SQL(sqlite_sql, pg) sqlite_sql, .pg_sql = pg

/* PostgreSQL's advisory lock key of a lease holder's process (store_lease.h): the first 8
 * bytes of the SHA-256 of its identity text ("HOSTNAME:PID:START"; the SQL expression text),
 * big-endian, as a signed bigint. src/store/pg/open.c takes it on each connection; lease.c
 * looks for it in pg_locks. */
#define STORE_LEASE_KEY_PG(text)                                                                   \
	"CAST(CAST('x' || left(encode(sha256(convert_to(" text ", 'UTF8')), 'hex'), 16) AS "       \
	"bit(64)) AS bigint)"

/* Parameter rows shared by many queries: one integer; one text; a text and an integer (a
 * terminal and its batch, a merchant and a time, a module and its version). With
 * store_args_text a struct store_arg_text_n binds its text alone (its first field, as in
 * struct store_arg_text); store_row_n reads its n from a result column called n. */
struct store_arg_id {
	int64_t id;
};
struct store_arg_text {
	const char *text;
};
struct store_arg_text_n {
	const char *text;
	int64_t n;
};
extern const struct store_row store_args_id, store_args_text, store_args_text_n, store_row_n;

/* A walk over a query's rows, whichever the engine: SQLite's statement, or another engine's
 * rows (res: src/store/pg's PGresult, row at of n). */
struct store_cursor {
	struct sqlite3_stmt *st;
	const struct store_engine *engine;
	void *res;
	int at, n;
};

/* The operations of an engine other than SQLite, which the functions of row.c, exec.c, txn.c
 * and schema.c hand over to when a store has one (s->engine): each as the function it stands
 * for. run: q to its end, with id (may be NULL) the id of the row it inserted, with changes
 * (may be NULL) how many rows it wrote. open, next, end: store_q_open(), store_q_next() (the
 * row read into out, cleared first), store_q_end() (the rows freed). exec: SQL of no
 * parameters, several statements allowed (a migration). begin: store_begin(), or with read
 * store_begin_read(). migrate: store_migrate_report() over the engine's own migrations.
 * close: the connection closed and freed (store_close() frees s). */
struct store_engine {
	const char *name;
	int (*run)(store *s, const struct store_query *q, const void *args, int64_t *id,
	           int64_t *changes);
	int (*open)(store *s, const struct store_query *q, const void *args,
	            struct store_cursor *c);
	int (*next)(store *s, struct store_cursor *c, const struct store_query *q, void *out);
	void (*end)(struct store_cursor *c);
	int (*exec)(store *s, const char *sql);
	int (*begin)(store *s, bool read);
	int (*commit)(store *s);
	int (*rollback)(store *s);
	int (*migrate)(store *s, store_migrated_fn *fn, void *ctx);
	void (*close)(store *s);
};

/* Runs q to its end; with id (may be NULL), the rowid of the row it inserted. */
int store_q_run(store *s, const struct store_query *q, const void *args, int64_t *id);

/* Runs q, an UPDATE or DELETE: *changes the rows it wrote (0 when it fails). */
int store_q_changes(store *s, const struct store_query *q, const void *args, int64_t *changes);

/* Runs q, an UPDATE or DELETE: STORE_ENOTFOUND when it changed no row. */
int store_q_update(store *s, const struct store_query *q, const void *args);

/* Runs q, of parameters store_args_text and result row store_row_n (one integer column
 * called n: a count, a counter's next value), with text: *n. STORE_ENOTFOUND with no row. */
int store_q_n(store *s, const struct store_query *q, const char *text, int64_t *n);
/* The same with an integer: q of parameters store_args_id (or none) and result row store_row_n;
 * *n 0 when it fails. */
int store_q_n_id(store *s, const struct store_query *q, int64_t id, int64_t *n);

/* Reads q's first row into out (q->row's struct; NULL: only whether there is one):
 * STORE_OK, STORE_ENOTFOUND or the failure. */
int store_q_get(store *s, const struct store_query *q, const void *args, void *out);

/* A walk over q's rows: store_q_open() (args bound), then store_q_next() for each row into out
 * until it returns other than STORE_OK, then store_q_end() with the last rc and what the
 * caller's callback returned (stop): stop when not 0, else rc with the end (STORE_ENOTFOUND)
 * as STORE_OK. */
int store_q_open(store *s, const struct store_query *q, const void *args, struct store_cursor *c);
int store_q_next(store *s, struct store_cursor *c, const struct store_query *q, void *out);
int store_q_end(struct store_cursor *c, int rc, int stop);

/* The body of a list function: walks q's rows (args bound), each read into row (a variable of
 * q's row type) and passed to fn(ctx, &row) until fn returns non-zero; returns what
 * store_q_end() does. A macro so that fn is called through its own type. */
#define STORE_WALK(s, q, args, row, fn, ctx)                                                       \
	do {                                                                                       \
		struct store_cursor c_;                                                            \
		int rc_, stop_ = 0;                                                                \
                                                                                                   \
		if ((rc_ = store_q_open(s, q, args, &c_)) != STORE_OK)                             \
			return rc_;                                                                \
		while (stop_ == 0 && (rc_ = store_q_next(s, &c_, q, &(row))) == STORE_OK)          \
			stop_ = (fn)(ctx, &(row));                                                 \
		return store_q_end(&c_, rc_, stop_);                                               \
	} while (0)

/* ---- public functions of one query ----
 * Most of the store's functions run one query: insert a row (its id set), write one (put,
 * update), get one by a key, or walk rows. Each is defined by the macro of its kind with its
 * name (declared in its module's store_*.h: the compiler checks that the two agree), the
 * types of its key and row, and its query's SQL and rows, so that the SQL stands where the
 * function is defined. A key (an int64_t or a const char *) is bound from its own address by a
 * row of one column at offset 0 (store_args_id, store_args_text); a filter from the struct it
 * points to. A function of more than one query, or of other parameters, is written out. */

/* int fn(store *s, T *row): inserts row; its id set to the row's. */
#define STORE_FN_INSERT(fn, T, sql, args)                                                          \
	int fn(store *s, T *row_)                                                                  \
	{                                                                                          \
		static const struct store_query q_ = STORE_Q_LAST(&(args), NULL, sql);             \
		return store_q_run(s, &q_, row_, &row_->id);                                       \
	}

/* int fn(store *s, const T *row): writes row (an insert without an id read back). */
#define STORE_FN_PUT(fn, T, sql, args)                                                             \
	int fn(store *s, const T *row_)                                                            \
	{                                                                                          \
		static const struct store_query q_ = STORE_Q_LAST(&(args), NULL, sql);             \
		return store_q_run(s, &q_, row_, NULL);                                            \
	}

/* int fn(store *s, const T *row): updates row, STORE_ENOTFOUND when no row changed. */
#define STORE_FN_UPDATE(fn, T, sql, args)                                                          \
	int fn(store *s, const T *row_)                                                            \
	{                                                                                          \
		static const struct store_query q_ = STORE_Q_LAST(&(args), NULL, sql);             \
		return store_q_update(s, &q_, row_);                                               \
	}

/* int fn(store *s, K key, T *out): the first row of the query by key. */
#define STORE_FN_GET(fn, K, T, sql, args, row)                                                     \
	int fn(store *s, K key_, T *out_)                                                          \
	{                                                                                          \
		static const struct store_query q_ = STORE_Q_LAST(&(args), &(row), sql);           \
		return store_q_get(s, &q_, &key_, out_);                                           \
	}

/* int fn(store *s, int (*cb)(void *ctx, const T *), void *ctx): cb on each row, in turn,
 * until it returns non-zero. With _KEY, fn(store *s, K key, cb, ctx): each row of the query
 * by key; with _FILTER, fn(store *s, const F *filter, cb, ctx): each that filter selects. */
#define STORE_FN_EACH(fn, T, sql, row)                                                             \
	int fn(store *s, int (*cb_)(void *, const T *), void *ctx_)                                \
	{                                                                                          \
		static const struct store_query q_ = STORE_Q_LAST(NULL, &(row), sql);              \
		T r_;                                                                              \
		STORE_WALK(s, &q_, NULL, r_, cb_, ctx_);                                           \
	}
#define STORE_FN_EACH_KEY(fn, K, T, sql, args, row)                                                \
	int fn(store *s, K key_, int (*cb_)(void *, const T *), void *ctx_)                        \
	{                                                                                          \
		static const struct store_query q_ = STORE_Q_LAST(&(args), &(row), sql);           \
		T r_;                                                                              \
		STORE_WALK(s, &q_, &key_, r_, cb_, ctx_);                                          \
	}
#define STORE_FN_EACH_FILTER(fn, F, T, sql, args, row)                                             \
	int fn(store *s, const F *filter_, int (*cb_)(void *, const T *), void *ctx_)              \
	{                                                                                          \
		static const struct store_query q_ = STORE_Q_LAST(&(args), &(row), sql);           \
		T r_;                                                                              \
		STORE_WALK(s, &q_, filter_, r_, cb_, ctx_);                                        \
	}

/* ---- schema.c: migrations ---- */

/* One migration step: the schema change that takes a module to `version`. */
struct store_migration {
	int version;
	const char *sql;
};

/* A module's migrations, in ascending version order: generated at build time from its files
 * src/store/sqlite/schema/MODULE.VERSION.sql, or src/store/pg/schema/ for PostgreSQL's
 * (cmake/embed_schema.cmake). */
struct store_module {
	const char *name;
	const struct store_migration *steps;
	size_t n;
};

/* A module called name (a string) of the migrations of array steps. */
#define STORE_MODULE(name, steps)                                                                  \
	{                                                                                          \
		name, steps, sizeof steps / sizeof steps[0]                                        \
	}

/* Brings the n modules (an engine's list, in order of dependence) up to date. */
int store_migrate_modules(store *s, const struct store_module *const *modules, size_t n);
/* The same, calling fn (when not NULL) after each step applied. */
int store_migrate_modules_report(store *s, const struct store_module *const *modules, size_t n,
                                 store_migrated_fn *fn, void *ctx);

#endif
