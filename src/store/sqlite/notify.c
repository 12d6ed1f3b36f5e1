/* notify.c — the SQLite backend of store_notify.h: the outbox table, its migration and the
 * queries on it. */
#include <stdlib.h>

#include "store/sqlite/internal.h"

#include "store/store_notify.h"

typedef struct store_notify notice;

/* A notice's columns but the id, which an insert leaves to the database. */
#define NOTIFY_FIELDS  "kind, phone, text, state, attempts, created_at, next_at, done_at, error"
#define NOTIFY_COLUMNS "id, " NOTIFY_FIELDS ", claimed_by, claimed_until"

static const struct store_col notice_cols[] = {STORE_COLS(notice, id, kind, phone, text, state,
                                                          attempts, created_at, next_at, done_at,
                                                          error, claimed_by, claimed_until)};
static const struct store_row notice_row = STORE_ROW(notice, notice_cols);
/* A new notice: its phone empty, sealed afterwards with the row's id (store_notify_seal). */
static const struct store_row insert_args = STORE_ROW_N(notice_cols + 1, 9);
static const struct store_col update_cols[] = {
    STORE_COLS(notice, state, attempts, next_at, done_at, error, id, claimed_by, claimed_until)};
static const struct store_row update_args = STORE_ROW_N(update_cols, 8);

struct seal_args {
	struct store_sealed phone;
	int64_t id;
};
static const struct store_col seal_cols[] = {STORE_COLS(struct seal_args, phone, id)};
static const struct store_row seal_args = STORE_ROW_N(seal_cols, 2);

struct claim_args {
	const char *holder;
	int64_t until, now;
	int state;
	int64_t limit;
};
static const struct store_col claim_cols[] = {
    STORE_COLS(struct claim_args, holder, until, now, state, limit)};
static const struct store_row claim_args = STORE_ROW_N(claim_cols, 5);

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

/* The claim (store_claim.h): one statement, the due messages' ids picked and claimed at once;
 * on PostgreSQL the rows another claimer has locked skipped rather than waited for. */
#define CLAIM_SQL(lock)                                                                            \
	"UPDATE notify_outbox SET claimed_by = ?1, claimed_until = ?2 WHERE id IN (SELECT id "     \
	"FROM notify_outbox WHERE state = ?4 AND next_at <= ?3 AND claimed_until <= ?3 ORDER BY "  \
	"next_at, id LIMIT ?5" lock ") RETURNING " NOTIFY_COLUMNS

/* Claimed messages come in no order (RETURNING's): the earliest due first. */
static int earliest(const void *a, const void *b)
{
	const struct store_notify *x = a, *y = b;

	if (x->next_at != y->next_at)
		return x->next_at < y->next_at ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

int store_notify_claim(store *s, const struct store_claim *c, int64_t now, struct store_notify *out,
                       size_t cap, size_t *n)
{
	static const struct store_query q = {
	    .sql = STORE_SQL(CLAIM_SQL(""), CLAIM_SQL(" FOR UPDATE SKIP LOCKED")),
	    .args = &claim_args,
	    .row = &notice_row,
	    .flags = STORE_Q_RETURNING};
	struct claim_args a = {c->holder, c->until, now, STORE_NOTIFY_PENDING, (int64_t)cap};
	struct store_cursor st;
	int rc;

	*n = 0;
	if ((rc = store_q_open(s, &q, &a, &st)) != STORE_OK)
		return rc;
	while (*n < cap && (rc = store_q_next(s, &st, &q, &out[*n])) == STORE_OK)
		(*n)++;
	qsort(out, *n, sizeof *out, earliest);
	return store_q_end(&st, rc, 0);
}

STORE_FN_UPDATE(store_notify_update, notice,
                "UPDATE notify_outbox SET state = ?, attempts = ?, next_at = ?, done_at = ?, "
                "error = ?, claimed_by = '', claimed_until = 0 WHERE id = ? AND claimed_by = ? "
                "AND claimed_until = ?",
                update_args)
