/* row.c — rows described once: the one binder that binds a row struct's fields to a
 * statement's parameters and the one reader that fills a row struct from a result row, both
 * from the row's table of columns (internal.h), and the queries made of them — run, update,
 * get one row, walk the rows. A query's SQL is checked against its description the first time
 * it is prepared on a connection. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/internal.h"

static const struct store_col arg_id_cols[] = {STORE_COLS(struct store_arg_id, id)};
static const struct store_col arg_text_cols[] = {STORE_COLS(struct store_arg_text, text)};
const struct store_row store_args_id = STORE_ROW_N(arg_id_cols, 1);
const struct store_row store_args_text = STORE_ROW_N(arg_text_cols, 1);
static const struct store_col arg_text_n_cols[] = {STORE_COLS(struct store_arg_text_n, text, n)};
const struct store_row store_args_text_n = STORE_ROW_N(arg_text_n_cols, 2);
const struct store_row store_row_n = STORE_ROW_N(arg_text_n_cols + 1, 1);

/* The integer types of fields (internal.h), each bound and read as a 64-bit integer: X(type,
 * its C type) for each; a column read is converted to the C type (to bool: 0 or 1). */
#define INTEGERS(X)                                                                                \
	X(STORE_T_I64, int64_t)                                                                    \
	X(STORE_T_INT, int) X(STORE_T_UNSIGNED, unsigned) X(STORE_T_BOOL, bool)
#define LOAD_INT(type, C)                                                                          \
	case type:                                                                                 \
		v = *(const C *)p;                                                                 \
		break;
#define READ_INT(type, C)                                                                          \
	case type:                                                                                 \
		*(C *)p = (C)sqlite3_column_int64(st, i);                                          \
		break;

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* Binds the field c of row as parameter i; a SQLite result code. */
static int bind_col(sqlite3_stmt *st, int i, const struct store_col *c, const char *row)
{
	const void *p = row + c->off;
	bool null_zero = (c->flags & STORE_F_NULL) != 0;
	int64_t v;

	switch (c->type) {
		INTEGERS(LOAD_INT)
	case STORE_T_LIMIT:
		v = *(const size_t *)p > 0 ? (int64_t) * (const size_t *)p : -1;
		break;
	case STORE_T_TEXT:
		if (null_zero && *(const char *)p == '\0')
			return sqlite3_bind_null(st, i);
		return sqlite3_bind_text(st, i, p, -1, SQLITE_STATIC);
	case STORE_T_STR:
		if (*(const char *const *)p == NULL)
			return null_zero ? sqlite3_bind_null(st, i)
			                 : sqlite3_bind_text(st, i, "", 0, SQLITE_STATIC);
		return sqlite3_bind_text(st, i, *(const char *const *)p, -1, SQLITE_STATIC);
	case STORE_T_FIXED:
		if (null_zero && all_zero(p, c->size))
			return sqlite3_bind_null(st, i);
		return sqlite3_bind_blob(st, i, p, (int)c->size, SQLITE_STATIC);
	case STORE_T_SEALED: {
		const struct store_sealed *b = p;

		return sqlite3_bind_blob(st, i, b->v, (int)b->len, SQLITE_STATIC);
	}
	case STORE_T_BYTES:
		return sqlite3_bind_blob(st, i, p, (int)*(const size_t *)(row + c->len_off),
		                         SQLITE_STATIC);
	default:
		return SQLITE_MISUSE;
	}
	if (null_zero && v == 0)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int64(st, i, v);
}

/* Copies column i, a blob or text, into out when it fits in cap bytes (else none): its
 * length. */
static size_t column_bytes(sqlite3_stmt *st, int i, void *out, size_t cap)
{
	const void *b = sqlite3_column_blob(st, i);
	size_t n = b != NULL ? (size_t)sqlite3_column_bytes(st, i) : 0;

	if (n > cap)
		return 0;
	if (n > 0)
		memcpy(out, b, n);
	return n;
}

/* Reads column i of st's row into the field c of row. */
static void read_col(sqlite3_stmt *st, int i, const struct store_col *c, char *row)
{
	void *p = row + c->off;

	switch (c->type) {
		INTEGERS(READ_INT)
	case STORE_T_TEXT: {
		const unsigned char *t = sqlite3_column_text(st, i);
		size_t n = t != NULL ? (size_t)sqlite3_column_bytes(st, i) : 0;

		if (n >= c->size)
			n = c->size - 1;
		if (n > 0)
			memcpy(p, t, n);
		((char *)p)[n] = '\0';
		break;
	}
	case STORE_T_FIXED:
		if (column_bytes(st, i, p, c->size) != c->size)
			memset(p, 0, c->size);
		break;
	case STORE_T_SEALED: {
		struct store_sealed *b = p;

		b->len = column_bytes(st, i, b->v, sizeof b->v);
		break;
	}
	case STORE_T_BYTES:
		*(size_t *)(row + c->len_off) = column_bytes(st, i, p, c->size);
		break;
	}
}

/* Checks a statement just prepared against q's description: as many parameters as q->args
 * has columns, and as many result columns as q->row, of the same names. */
static int check(store *s, const struct store_query *q, sqlite3_stmt *st)
{
	int params = sqlite3_bind_parameter_count(st);

	if (params != (q->args != NULL ? q->args->n : 0))
		goto bad;
	if (q->row == NULL)
		return STORE_OK;
	if (sqlite3_column_count(st) != q->row->n)
		goto bad;
	for (int i = 0; i < q->row->n; i++) {
		const char *name = sqlite3_column_name(st, i);

		if (name == NULL || strcmp(name, q->row->cols[i].name) != 0)
			goto bad;
	}
	return STORE_OK;
bad:
	snprintf(s->errmsg, sizeof s->errmsg, "a query does not match its row: %.200s", q->sql);
	return STORE_EARG;
}

int store_q_prepare(store *s, const struct store_query *q, const void *args, sqlite3_stmt **out)
{
	sqlite3_stmt *st;
	bool fresh;
	int rc;

	if ((rc = store_stmt(s, q->sql, &st, &fresh)) != STORE_OK)
		return rc;
	if (fresh && (rc = check(s, q, st)) != STORE_OK)
		return rc;
	for (int i = 0; q->args != NULL && i < q->args->n; i++)
		if ((rc = bind_col(st, i + 1, &q->args->cols[i], args)) != SQLITE_OK)
			return store_fail(s, rc);
	*out = st;
	return STORE_OK;
}

int store_q_run(store *s, const struct store_query *q, const void *args, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	if (s->engine != NULL)
		return s->engine->run(s, q, args, id, NULL);
	if ((rc = store_q_prepare(s, q, args, &st)) != STORE_OK)
		return rc;
	if ((rc = store_run(s, st)) == STORE_OK && id != NULL)
		*id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_q_changes(store *s, const struct store_query *q, const void *args, int64_t *changes)
{
	int rc;

	*changes = 0;
	if (s->engine != NULL)
		return s->engine->run(s, q, args, NULL, changes);
	if ((rc = store_q_run(s, q, args, NULL)) == STORE_OK)
		*changes = sqlite3_changes64(s->db);
	return rc;
}

int store_q_update(store *s, const struct store_query *q, const void *args)
{
	int64_t changes;
	int rc = store_q_changes(s, q, args, &changes);

	if (rc == STORE_OK && changes == 0)
		return STORE_ENOTFOUND;
	return rc;
}

int store_q_open(store *s, const struct store_query *q, const void *args, struct store_cursor *c)
{
	c->engine = s->engine;
	c->st = NULL;
	c->res = NULL;
	c->at = c->n = 0;
	if (s->engine != NULL)
		return s->engine->open(s, q, args, c);
	return store_q_prepare(s, q, args, &c->st);
}

int store_q_next(store *s, struct store_cursor *c, const struct store_query *q, void *out)
{
	sqlite3_stmt *st = c->st;
	int rc;

	if (c->engine != NULL)
		return c->engine->next(s, c, q, out);
	rc = store_row(s, st);
	if (rc != STORE_OK || out == NULL)
		return rc;
	if (q->row->size != 0)
		memset(out, 0, q->row->size);
	for (int i = 0; i < q->row->n; i++)
		read_col(st, i, &q->row->cols[i], out);
	return STORE_OK;
}

int store_q_end(struct store_cursor *c, int rc, int stop)
{
	if (c->engine != NULL)
		c->engine->end(c);
	else
		sqlite3_reset(c->st);
	if (stop != 0)
		return stop;
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

int store_q_get(store *s, const struct store_query *q, const void *args, void *out)
{
	struct store_cursor c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_q_open(s, q, args, &c)) != STORE_OK)
		return rc;
	rc = store_q_next(s, &c, q, out);
	/* Another engine has read its whole result: freed, whatever it was. */
	if (c.engine != NULL) {
		c.engine->end(&c);
		return rc;
	}
	if (rc != STORE_OK)
		return rc;
	st = c.st;
	/* A write returning its row is stepped to its end, so that the write is complete. */
	if ((q->flags & STORE_Q_RETURNING) != 0)
		return store_run(s, st);
	sqlite3_reset(st);
	return STORE_OK;
}

int store_q_n(store *s, const struct store_query *q, const char *text, int64_t *n)
{
	struct store_arg_text_n r = {text, 0};
	int rc;

	if ((rc = store_q_get(s, q, &r, &r)) == STORE_OK)
		*n = r.n;
	return rc;
}

int store_q_n_id(store *s, const struct store_query *q, int64_t id, int64_t *n)
{
	struct store_arg_text_n out;
	int rc = store_q_get(s, q, &(struct store_arg_id){id}, &out);

	*n = rc == STORE_OK ? out.n : 0;
	return rc;
}
