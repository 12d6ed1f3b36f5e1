/* saf.c — the SQLite backend of store_saf.h: the store-and-forward queue (saf_queue, a table of
 * the acquirer's schema: schema/acquirer.10.sql) and the queries on it. */
#include "store/sqlite/internal.h"

#include "store/store_saf.h"

typedef struct store_saf saf;
typedef struct store_saf_due due;
typedef struct store_saf_take take;
typedef struct store_saf_sent sent;
typedef struct store_saf_answer answer;
typedef struct store_saf_filter filter;

#define SAF_COLUMNS                                                                                \
	"id, link, kind, txn_id, rrn, state, attempts, next_at, last_rc, created_at, updated_at, " \
	"card, claimed_by, claimed_until"

static const struct store_col saf_cols[] = {
    STORE_COLS(saf, id, link, kind, txn_id, rrn, state, attempts, next_at, last_rc, created_at,
               updated_at, card, claimed_by, claimed_until)};
static const struct store_row saf_row = STORE_ROW(saf, saf_cols);
static const struct store_row saf_new = STORE_ROW_N(saf_cols + 1, 11); /* no id */

static const struct store_col due_cols[] = {STORE_COLS(due, link, now, limit)};
static const struct store_row due_args = STORE_ROW_N(due_cols, 3);
static const struct store_col take_cols[] = {STORE_COLS(take, link, holder, until, now, limit)};
static const struct store_row take_args = STORE_ROW_N(take_cols, 5);
static const struct store_col sent_cols[] = {STORE_COLS(sent, id, next_at, now, holder, until)};
static const struct store_row sent_args = STORE_ROW_N(sent_cols, 3);
static const struct store_row sent_claimed_args = STORE_ROW_N(sent_cols, 5);
static const struct store_col answer_cols[] = {
    STORE_COLS(answer, id, state, rc, now, holder, until)};
static const struct store_row answer_args = STORE_ROW_N(answer_cols, 6);
struct release {
	int64_t id;
	const char *holder;
	int64_t until;
};
static const struct store_col release_cols[] = {STORE_COLS(struct release, id, holder, until)};
static const struct store_row release_args = STORE_ROW_N(release_cols, 3);

/* An entry still the claim of ?H until ?U (the holder NULL or "", and 0: none). */
#define CLAIMED(h, u) " AND claimed_by = COALESCE(" h ", '') AND claimed_until = " u
static const struct store_col filter_cols[] = {STORE_COLS(filter, link, state, after, limit)};
static const struct store_row filter_args = STORE_ROW_N(filter_cols, 4);

STORE_FN_INSERT(store_saf_insert, saf,
                "INSERT INTO saf_queue (link, kind, txn_id, rrn, state, attempts, next_at, "
                "last_rc, created_at, updated_at, card) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                saf_new)
STORE_FN_GET(store_saf_get, int64_t, saf, "SELECT " SAF_COLUMNS " FROM saf_queue WHERE id = ?",
             store_args_id, saf_row)
STORE_FN_EACH_FILTER(store_saf_due, due, saf,
                     "SELECT " SAF_COLUMNS " FROM saf_queue WHERE state IN ('waiting', "
                     "'pending') AND link = ?1 AND next_at <= ?2 ORDER BY next_at, id LIMIT ?3",
                     due_args, saf_row)
/* The claim (store_claim.h): one statement, the due entries' ids picked and claimed at once;
 * on PostgreSQL the rows another claimer has locked skipped rather than waited for. An entry
 * waits while an earlier one of its transaction is due or claimed (on its way). */
#define CLAIM_SQL(lock)                                                                            \
	"UPDATE saf_queue SET claimed_by = ?2, claimed_until = ?3 WHERE id IN (SELECT q.id FROM "  \
	"saf_queue q WHERE q.state IN ('waiting', 'pending') AND q.link = ?1 AND q.next_at <= ?4 " \
	"AND q.claimed_until <= ?4 AND NOT EXISTS (SELECT 1 FROM saf_queue o WHERE o.txn_id = "    \
	"q.txn_id AND o.id < q.id AND o.state IN ('waiting', 'pending') AND (o.next_at <= ?4 OR "  \
	"o.claimed_until > ?4)) ORDER BY q.next_at, q.id LIMIT ?5" lock ") RETURNING " SAF_COLUMNS

int store_saf_claim(store *s, const struct store_saf_take *f,
                    int (*fn)(void *ctx, const struct store_saf *e), void *ctx)
{
	static const struct store_query q = {
	    .sql = STORE_SQL(CLAIM_SQL(""), CLAIM_SQL(" FOR UPDATE OF q SKIP LOCKED")),
	    .args = &take_args,
	    .row = &saf_row,
	    .flags = STORE_Q_RETURNING};
	struct store_saf e;

	STORE_WALK(s, &q, f, e, fn, ctx);
}

STORE_FN_UPDATE(store_saf_sent, sent,
                "UPDATE saf_queue SET state = 'pending', attempts = attempts + 1, next_at = ?2, "
                "updated_at = ?3 WHERE id = ?1 AND state IN ('waiting', 'pending')" CLAIMED("?4",
                                                                                            "?5"),
                sent_claimed_args)
STORE_FN_UPDATE(store_saf_answered, answer,
                "UPDATE saf_queue SET state = ?2, last_rc = ?3, updated_at = ?4, "
                "card = CASE WHEN ?2 = 'pending' THEN card END, claimed_by = '', claimed_until = "
                "0 WHERE id = ?1 AND state = 'pending'" CLAIMED("?5", "?6"),
                answer_args)

int store_saf_release(store *s, int64_t id, const struct store_claim *c)
{
	static const struct store_query q =
	    STORE_Q("UPDATE saf_queue SET claimed_by = '', claimed_until = 0 WHERE id = ?1" CLAIMED(
	                "?2", "?3"),
	            &release_args, NULL);

	return store_q_update(s, &q, &(struct release){id, c->holder, c->until});
}
STORE_FN_UPDATE(store_saf_wake, sent,
                "UPDATE saf_queue SET state = 'pending', next_at = ?2, updated_at = ?3 "
                "WHERE id = ?1 AND state = 'waiting'",
                sent_args)
int store_saf_seal(store *s, int64_t id, const struct store_sealed *card)
{
	struct seal {
		struct store_sealed card;
		int64_t id;
	} a = {*card, id};
	static const struct store_col cols[] = {STORE_COLS(struct seal, card, id)};
	static const struct store_row args = STORE_ROW_N(cols, 2);
	static const struct store_query q =
	    STORE_Q("UPDATE saf_queue SET card = ?1 WHERE id = ?2", &args, NULL);

	return store_q_update(s, &q, &a);
}

int store_saf_cancel(store *s, int64_t id)
{
	static const struct store_query q = STORE_Q(
	    "DELETE FROM saf_queue WHERE id = ?1 AND state = 'waiting'", &store_args_id, NULL);

	return store_q_update(s, &q, &id);
}
STORE_FN_GET(store_saf_of_txn, int64_t, saf,
             "SELECT " SAF_COLUMNS " FROM saf_queue WHERE kind = 'reversal' AND txn_id = ?",
             store_args_id, saf_row)
STORE_FN_EACH_FILTER(store_saf_list, filter, saf,
                     "SELECT " SAF_COLUMNS " FROM saf_queue WHERE (?1 = '' OR link = ?1) AND "
                     "(?2 = '' OR state = ?2) AND id > ?3 ORDER BY id LIMIT ?4",
                     filter_args, saf_row)

int store_saf_expire(store *s, const char *link, int64_t before, int64_t now, int64_t *n)
{
	struct expire {
		const char *link;
		int64_t before, now;
	} a = {link, before, now};
	static const struct store_col cols[] = {STORE_COLS(struct expire, link, before, now)};
	static const struct store_row args = STORE_ROW_N(cols, 3);
	static const struct store_query q =
	    STORE_Q("UPDATE saf_queue SET state = 'expired', updated_at = ?3, card = NULL WHERE "
	            "link = ?1 AND state = 'pending' AND created_at <= ?2",
	            &args, NULL);
	return store_q_changes(s, &q, &a, n);
}
