/* notify.c — the SQLite backend of store_notify.h: the outbox table, its migration and the
 * queries on it. */
#include "store/sqlite/internal.h"

#include "store/store_notify.h"

typedef struct store_notify notice;

/* A notice's columns but the id, which an insert leaves to the database. */
#define NOTIFY_FIELDS  "kind, phone, text, state, attempts, created_at, next_at, done_at, error"
#define NOTIFY_COLUMNS "id, " NOTIFY_FIELDS

static const struct store_col notice_cols[] = {STORE_COLS(
    notice, id, kind, phone, text, state, attempts, created_at, next_at, done_at, error)};
static const struct store_row notice_row = STORE_ROW(notice, notice_cols);
/* A new notice: its phone empty, sealed afterwards with the row's id (store_notify_seal). */
static const struct store_row insert_args = STORE_ROW_N(notice_cols + 1, 9);
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

STORE_FN_INSERT(store_notify_insert, notice,
                "INSERT INTO notify_outbox (" NOTIFY_FIELDS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                insert_args)

int store_notify_seal(store *s, int64_t id, const struct store_sealed *phone)
{
	static const struct store_query q =
	    STORE_Q_DEFERRED("UPDATE notify_outbox SET phone = ? WHERE id = ?", &seal_args);

	return store_q_update(s, &q, &(struct seal_args){*phone, id});
}

STORE_FN_GET(store_notify_get, int64_t, notice,
             "SELECT " NOTIFY_COLUMNS " FROM notify_outbox WHERE id = ?", store_args_id, notice_row)

int store_notify_pending_count(store *s, int64_t *n)
{
	static const struct store_query q =
	    STORE_Q("SELECT COUNT(*) AS n FROM notify_outbox WHERE state = ?", &store_args_id,
	            &store_row_n);
	return store_q_n_id(s, &q, STORE_NOTIFY_PENDING, n);
}

int store_notify_due(store *s, int64_t now, struct store_notify *out, size_t cap, size_t *n)
{
	static const struct store_query q =
	    STORE_Q("SELECT " NOTIFY_COLUMNS " FROM notify_outbox WHERE state = ? AND next_at <= ? "
	            "ORDER BY next_at, id LIMIT ?",
	            &due_args, &notice_row);
	struct due_args a = {STORE_NOTIFY_PENDING, now, (int64_t)cap};
	struct store_cursor st;
	int rc;

	*n = 0;
	if ((rc = store_q_open(s, &q, &a, &st)) != STORE_OK)
		return rc;
	while (*n < cap && (rc = store_q_next(s, &st, &q, &out[*n])) == STORE_OK)
		(*n)++;
	return store_q_end(&st, rc, 0);
}

STORE_FN_UPDATE(store_notify_update, notice,
                "UPDATE notify_outbox SET state = ?, attempts = ?, next_at = ?, done_at = ?, "
                "error = ? WHERE id = ?",
                update_args)
