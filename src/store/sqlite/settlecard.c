/* settlecard.c — the SQLite backend of store_settlecard.h: the settlement cards' table, its
 * migration and the queries on it. */
#include "store/sqlite/internal.h"

#include "store/store_settlecard.h"

typedef struct store_settlecard card;

#define COLUMNS                                                                                    \
	"id, mid, state, card_id, pan, masked, actor, started_at, verified_at, effective_from"

static const struct store_col card_cols[] = {STORE_COLS(
    card, id, mid, state, card_id, pan, masked, actor, started_at, verified_at, effective_from)};
static const struct store_row card_row = STORE_ROW(card, card_cols);
/* A new card: pending, neither verified nor in effect. */
static const struct store_col start_cols[] = {
    STORE_COLS(card, mid, card_id, pan, masked, actor, started_at)};
static const struct store_row start_args = STORE_ROW_N(start_cols, 6);
static const struct store_col update_cols[] = {
    STORE_COLS(card, state, actor, verified_at, effective_from, id)};
static const struct store_row update_args = STORE_ROW_N(update_cols, 5);

int store_settlecard_drop(store *s, const char *mid)
{
	static const struct store_query q = STORE_Q(
	    "DELETE FROM settlement_cards WHERE mid = ? AND state = 1", &store_args_text, NULL);

	return store_q_run(s, &q, &mid, NULL);
}

/* On PostgreSQL a transaction-level advisory lock on the merchant's (released at the commit or
 * rollback): under READ COMMITTED two starts' deletes each see no pending binding of the
 * other, not yet committed, and each would insert its own. SQLite's single writer needs none. */
static int start_lock(store *s, const char *mid)
{
	static const struct store_query q =
	    STORE_Q(STORE_SQL("SELECT 1 AS n", "SELECT 1 AS n FROM (SELECT pg_advisory_xact_lock("
	                                       "hashtextextended('settlecard/' || ?, 0))) AS l"),
	            &store_args_text, &store_row_n);
	int64_t n;

	return s->engine == NULL ? STORE_OK : store_q_n(s, &q, mid, &n);
}

int store_settlecard_start(store *s, struct store_settlecard *c)
{
	static const struct store_query q = STORE_Q(
	    "INSERT INTO settlement_cards (mid, state, card_id, pan, masked, actor, started_at, "
	    "verified_at, effective_from) VALUES (?, 1, ?, ?, ?, ?, ?, 0, 0)",
	    &start_args, NULL);
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = start_lock(s, c->mid)) != STORE_OK ||
	    (rc = store_settlecard_drop(s, c->mid)) != STORE_OK ||
	    (rc = store_q_run(s, &q, c, &c->id)) != STORE_OK) {
		store_rollback(s);
		return rc;
	}
	c->state = STORE_SETTLECARD_PENDING;
	return store_commit(s);
}

STORE_FN_GET(store_settlecard_pending, const char *, card,
             "SELECT " COLUMNS " FROM settlement_cards WHERE mid = ? AND state = 1 "
             "ORDER BY id DESC LIMIT 1",
             store_args_text, card_row)
STORE_FN_UPDATE(store_settlecard_update, card,
                "UPDATE settlement_cards SET state = ?, actor = ?, verified_at = ?, "
                "effective_from = ? WHERE id = ?",
                update_args)

int store_settlecard_bound(store *s, const char *mid, int64_t at, struct store_settlecard *out)
{
	static const struct store_query q =
	    STORE_Q("SELECT " COLUMNS " FROM settlement_cards WHERE mid = ? AND state = 2 "
	            "AND effective_from <= ? ORDER BY effective_from DESC, id DESC LIMIT 1",
	            &store_args_text_n, &card_row);

	return store_q_get(s, &q, &(struct store_arg_text_n){mid, at}, out);
}
