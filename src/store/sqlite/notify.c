/* notify.c — the SQLite backend of store_notify.h: the outbox table, its migration and the
 * queries on it. */
#include "store/sqlite/internal.h"

#include "store/store_notify.h"

typedef struct store_notify notice;

#define NOTIFY_COLUMNS "id, kind, phone, text, state, attempts, created_at, next_at, done_at, error"

static const struct store_col notice_cols[] = {STORE_COLS(
    notice, id, kind, phone, text, state, attempts, created_at, next_at, done_at, error)};
static const struct store_row notice_row = STORE_ROW(notice, notice_cols);
/* A new notice: its phone is sealed afterwards (store_notify_seal). */
static const struct store_col insert_cols[] = {
    STORE_COLS(notice, kind, text, state, attempts, created_at, next_at, done_at, error)};
static const struct store_row insert_args = STORE_ROW_N(insert_cols, 8);
static const struct store_col update_cols[] = {
    STORE_COLS(notice, state, attempts, next_at, done_at, error, id)};
static const struct store_row update_args = STORE_ROW_N(update_cols, 6);

struct seal_args {
	struct store_sealed phone;
	int64_t id;
};
static const struct store_col seal_cols[] = {STORE_COLS(struct seal_args, phone, id)};
static const struct store_row seal_args = STORE_ROW_N(seal_cols, 2);

struct due_args {
	int state;
	int64_t now, limit;
};
static const struct store_col due_cols[] = {STORE_COLS(struct due_args, state, now, limit)};
static const struct store_row due_args = STORE_ROW_N(due_cols, 3);

static const struct store_query insert_q = STORE_Q("INSERT INTO notify_outbox (" NOTIFY_COLUMNS
                                                   ") VALUES (NULL, ?, X'', ?, ?, ?, ?, ?, ?, ?)",
                                                   &insert_args, NULL);
static const struct store_query seal_q =
    STORE_Q("UPDATE notify_outbox SET phone = ? WHERE id = ?", &seal_args, NULL);
static const struct store_query get_q = STORE_Q(
    "SELECT " NOTIFY_COLUMNS " FROM notify_outbox WHERE id = ?", &store_args_id, &notice_row);
static const struct store_query due_q =
    STORE_Q("SELECT " NOTIFY_COLUMNS " FROM notify_outbox WHERE state = ? AND "
            "next_at <= ? ORDER BY next_at, id LIMIT ?",
            &due_args, &notice_row);
static const struct store_query update_q =
    STORE_Q("UPDATE notify_outbox SET state = ?, attempts = ?, next_at = ?, "
            "done_at = ?, error = ? WHERE id = ?",
            &update_args, NULL);

int store_notify_insert(store *s, struct store_notify *n)
{
	return store_q_run(s, &insert_q, n, &n->id);
}

int store_notify_seal(store *s, int64_t id, const struct store_sealed *phone)
{
	return store_q_update(s, &seal_q, &(struct seal_args){*phone, id});
}

int store_notify_get(store *s, int64_t id, struct store_notify *out)
{
	return store_q_get(s, &get_q, &(struct store_arg_id){id}, out);
}

int store_notify_due(store *s, int64_t now, struct store_notify *out, size_t cap, size_t *n)
{
	sqlite3_stmt *st;
	int rc = STORE_OK;

	*n = 0;
	if ((rc = store_q_prepare(s, &due_q,
	                          &(struct due_args){STORE_NOTIFY_PENDING, now, (int64_t)cap},
	                          &st)) != STORE_OK)
		return rc;
	while (*n < cap && (rc = store_q_next(s, st, &due_q, &out[*n])) == STORE_OK)
		(*n)++;
	return store_q_end(st, rc, 0);
}

int store_notify_update(store *s, const struct store_notify *n)
{
	return store_q_update(s, &update_q, n);
}
