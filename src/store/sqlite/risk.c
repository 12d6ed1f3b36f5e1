/* risk.c — the SQLite backend of store_risk.h (schema/risk.1.sql).
 *
 * The windows are counters by the minute (risk_counts), written with each request's row in the
 * batch's transaction, so that the earlier requests of the same group-commit batch count, and a
 * window costs at most its minutes whatever the card's or terminal's pace: walking acq_txns
 * instead made a busy terminal's ten minutes thousands of rows a payment. The rest is read from
 * acq_txns by indexed queries, each walking one index range —
 * (pan_hash, at, …), (tid, at, …) or (mid, at, …), covering what is read — from the earliest
 * window a rule reads; named (INDEXED BY), since the planner, knowing no statistics, would take
 * the (tid, batch, stan, kind) index or walk a busy merchant's day for a card at it. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/internal.h"

#include "store/store_risk.h"

/* ORs, not IN (…): each IN list of a statement builds an ephemeral table when it runs, and
 * these statements hold dozens of them. */
#define PAY_TYPES "(type = 'purchase' OR type = 'preauth' OR type = 'completion')"
#define PAYMENT   "(" PAY_TYPES " AND rc = '00' AND reversed = 0)"
#define DECLINE   "(" PAY_TYPES " AND rc <> '00')"

/* A minute's row of risk_counts, as store_risk_counts() reads it. */
struct minute_args {
	int64_t who;
	const char *key;
	int64_t from;
};
struct minute_row {
	int64_t minute, pays, sum, declines;
};
static const struct store_col minute_arg_cols[] = {STORE_COLS(struct minute_args, who, key, from)};
static const struct store_row minute_args = STORE_ROW(struct minute_args, minute_arg_cols);
static const struct store_col minute_cols[] = {
    STORE_COLS(struct minute_row, minute, pays, sum, declines)};
static const struct store_row minute_row = STORE_ROW(struct minute_row, minute_cols);

/* Minute m is in a window starting at t when m >= t / 60 (floored): the window's first,
 * partly earlier, minute counts whole. */
static int64_t minute_of(int64_t t)
{
	return t >= 0 ? t / 60 : -((-t + 59) / 60);
}

/* The minutes from that of `from` on, each added here to the windows it is in: one walk of the
 * primary key's range, no aggregate per window in SQL (a window's sums in SQL cost more than
 * its few rows do). */
int store_risk_counts(store *s, int who, const char *key, const int64_t since[STORE_RISK_WINDOWS],
                      int64_t from, struct store_risk_counts *out)
{
	static const struct store_query q = STORE_Q(
	    "SELECT minute, pays, sum, declines FROM risk_counts WHERE who = ?1 AND key = ?2 "
	    "AND minute >= ?3",
	    &minute_args, &minute_row);
	int64_t first[STORE_RISK_WINDOWS];
	struct minute_row r;
	struct store_cursor st;
	int rc;

	if (who < STORE_RISK_CARD || who > STORE_RISK_CARD_MERCHANT || key == NULL || out == NULL)
		return STORE_EARG;
	*out = (struct store_risk_counts){0};
	for (int i = 0; i < STORE_RISK_WINDOWS; i++)
		first[i] = minute_of(since[i]);
	if ((rc = store_q_open(s, &q, &(struct minute_args){who, key, minute_of(from)}, &st)) !=
	    STORE_OK)
		return rc;
	while ((rc = store_q_next(s, &st, &q, &r)) == STORE_OK)
		for (int i = 0; i < STORE_RISK_WINDOWS; i++)
			if (r.minute >= first[i]) {
				out->count[i] += r.pays;
				out->sum[i] += r.sum;
				out->declines[i] += r.declines;
			}
	return store_q_end(&st, rc, 0);
}

/* A payment's counts: ?1 who, ?2 the key (the card's keyed hash for a whole payment), ?3 the
 * TID, ?4 the MID, then ?5 the minute, ?6 approved, ?7 the sum, ?8 split, ?9 declined. */
struct add_args {
	int64_t who;
	const char *key, *tid, *mid;
	int64_t minute, pays, sum, split, declines;
};
static const struct store_col add_cols[] = {
    STORE_COLS(struct add_args, who, key, tid, mid, minute, pays, sum, split, declines)};
static const struct store_row add_args = STORE_ROW(struct add_args, add_cols);

static struct add_args counted(int who, const char *key, const char *tid, const char *mid,
                               int64_t at, bool approved, int64_t amount)
{
	return (struct add_args){who,
	                         key,
	                         tid,
	                         mid,
	                         minute_of(at),
	                         approved,
	                         approved ? amount : 0,
	                         approved && amount % 100000 >= 95000,
	                         !approved};
}

int store_risk_count_add(store *s, int who, const char *key, int64_t at, bool approved,
                         int64_t amount)
{
	static const struct store_query q = STORE_Q_DEFERRED(
	    "INSERT INTO risk_counts (who, key, minute, pays, sum, split, declines) VALUES (?1, ?2, "
	    "?5, ?6, ?7, ?8, ?9) ON CONFLICT (who, key, minute) DO UPDATE SET pays = risk_counts.pays "
	    "+ ?6, sum = risk_counts.sum + ?7, split = risk_counts.split + ?8, declines = "
	    "risk_counts.declines + ?9",
	    &add_args);
	struct add_args a = counted(who, key, NULL, NULL, at, approved, amount);

	return store_q_run(s, &q, &a, NULL);
}

int store_risk_count_payment(store *s, const char *pan_hash, const char *tid, const char *mid,
                             int64_t at, bool approved, int64_t amount)
{
	static const struct store_query q = STORE_Q_DEFERRED(
	    "INSERT INTO risk_counts (who, key, minute, pays, sum, split, declines) VALUES "
	    "(0, ?2, ?5, ?6, ?7, ?8, ?9), (1, ?3, ?5, ?6, ?7, ?8, ?9), (2, ?4, ?5, ?6, ?7, ?8, ?9), "
	    "(3, ?2 || ' ' || ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (who, key, minute) DO UPDATE SET "
	    "pays = risk_counts.pays + excluded.pays, sum = risk_counts.sum + excluded.sum, split = "
	    "risk_counts.split + excluded.split, declines = risk_counts.declines + excluded.declines",
	    &add_args);
	struct add_args a = counted(0, pan_hash, tid, mid, at, approved, amount);

	return store_q_run(s, &q, &a, NULL);
}

/* A card's last payment; the index named on SQLite (INDEXED BY), PostgreSQL planning from
 * its statistics. */
#define LAST_PAYMENT(indexed)                                                                      \
	"SELECT COALESCE(MAX(at), 0) AS n FROM acq_txns " indexed                                  \
	" WHERE pan_hash = ?1 AND kind = "                                                         \
	"0 AND " PAYMENT

int store_risk_last_payment(store *s, const char *pan_hash, int64_t *at)
{
	static const struct store_query q =
	    STORE_Q(STORE_SQL(LAST_PAYMENT("INDEXED BY acq_txns_card_at"), LAST_PAYMENT("")),
	            &store_args_text, &store_row_n);
	return store_q_n(s, &q, pan_hash, at);
}

/* A holder's last QR payment at a terminal (risk.3): the keys, and its time. */
struct holder_args {
	const char *tid, *holder_key;
	int64_t at;
};
static const struct store_col holder_cols[] = {STORE_COLS(struct holder_args, tid, holder_key, at)};
static const struct store_row holder_args = STORE_ROW_N(holder_cols, 3);
static const struct store_row holder_key_args = STORE_ROW_N(holder_cols, 2);

int store_risk_holder_qr_last(store *s, const char *tid, const char *holder_key, int64_t *at)
{
	static const struct store_query q =
	    STORE_Q("SELECT COALESCE(MAX(at), 0) AS n FROM risk_holder_qr WHERE tid = ?1 AND "
	            "(?2 = '' OR holder_key = ?2)",
	            &holder_key_args, &store_row_n);

	struct store_arg_text_n out = {NULL, 0}; /* store_row_n reads its n */
	int rc = store_q_get(s, &q, &(struct holder_args){tid, holder_key, 0}, &out);

	*at = rc == STORE_OK ? out.n : 0;
	return rc;
}

int store_risk_holder_qr_add(store *s, const char *tid, const char *holder_key, int64_t at)
{
	static const struct store_query q = STORE_Q(
	    "INSERT INTO risk_holder_qr (tid, holder_key, at) VALUES (?1, ?2, ?3) ON CONFLICT "
	    "(tid, holder_key) DO UPDATE SET at = CASE WHEN ?3 > risk_holder_qr.at THEN ?3 ELSE "
	    "risk_holder_qr.at END",
	    &holder_args, NULL);

	return store_q_run(s, &q, &(struct holder_args){tid, holder_key, at}, NULL);
}

struct day_args {
	const char *mid;
	int64_t day;
};
struct day_row {
	int64_t purchases, refunds;
};
static const struct store_col day_arg_cols[] = {STORE_COLS(struct day_args, mid, day)};
static const struct store_row day_args = STORE_ROW(struct day_args, day_arg_cols);
static const struct store_col mday_cols[] = {STORE_COLS(struct day_row, purchases, refunds)};
static const struct store_row mday_row = STORE_ROW(struct day_row, mday_cols);

/* A merchant's purchases and refunds since a day began; the index named as LAST_PAYMENT's. */
#define MERCHANT_DAY(indexed)                                                                       \
	"SELECT COALESCE(SUM(CASE WHEN type = 'purchase' OR type = 'completion' THEN amount END), " \
	"0) AS purchases, COALESCE(SUM(CASE WHEN type = 'refund' THEN amount END), 0) AS refunds "  \
	"FROM acq_txns " indexed " WHERE mid = ?1 AND at >= ?2 AND kind = 0 AND rc = '00' AND "     \
	"reversed = 0"

int store_risk_merchant_day(store *s, const char *mid, int64_t day, int64_t *purchases,
                            int64_t *refunds)
{
	static const struct store_query q =
	    STORE_Q(STORE_SQL(MERCHANT_DAY("INDEXED BY acq_txns_mid_at"), MERCHANT_DAY("")),
	            &day_args, &mday_row);
	struct day_row r;
	int rc = store_q_get(s, &q, &(struct day_args){mid, day}, &r);

	*purchases = rc == STORE_OK ? r.purchases : 0;
	*refunds = rc == STORE_OK ? r.refunds : 0;
	return rc;
}

struct cm_args {
	const char *pan_hash, *mid;
	int64_t since30, day;
};
struct cm_row {
	int64_t count_30m, split_30m;
};
static const struct store_col cm_arg_cols[] = {
    STORE_COLS(struct cm_args, pan_hash, mid, since30, day)};
static const struct store_row cm_args = STORE_ROW(struct cm_args, cm_arg_cols);
static const struct store_row cm_args_30 = STORE_ROW_N(cm_arg_cols, 3);
static const struct store_col cm_cols[] = {STORE_COLS(struct cm_row, count_30m, split_30m)};
static const struct store_row cm_row = STORE_ROW(struct cm_row, cm_cols);
static const struct store_col day_cols[] = {
    STORE_COLS(struct store_risk_card_merchant, count_day, sum_day, round_day)};
static const struct store_row day_row = STORE_ROW_N(day_cols, 3);

int store_risk_card_merchant(store *s, const char *pan_hash, const char *mid, int64_t since30,
                             int64_t day, struct store_risk_card_merchant *out)
{
	static const struct store_query q30 =
	    STORE_Q("SELECT COALESCE(SUM(pays), 0) AS count_30m, COALESCE(SUM(split), 0) AS "
	            "split_30m FROM risk_counts WHERE who = 3 AND key = ?1 || ' ' || ?2 AND minute "
	            ">= ?3",
	            &cm_args_30, &cm_row);
	static const struct store_query qday =
	    STORE_Q("SELECT count AS count_day, sum AS sum_day, round AS round_day FROM "
	            "risk_card_days WHERE pan_hash = ?1 AND mid = ?2 AND day = ?4",
	            &cm_args, &day_row);
	struct cm_args a = {pan_hash, mid, minute_of(since30), day};
	struct cm_row r;
	int rc;

	*out = (struct store_risk_card_merchant){0};
	if ((rc = store_q_get(s, &q30, &a, &r)) != STORE_OK)
		return rc;
	out->count_30m = r.count_30m;
	out->split_30m = r.split_30m;
	rc = store_q_get(s, &qday, &a, out);
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

struct cards_args {
	const char *tid;
	int64_t day;
	const char *pan_hash;
};
struct cards_row {
	int64_t cards, seen;
};
static const struct store_col cards_arg_cols[] = {
    STORE_COLS(struct cards_args, tid, day, pan_hash)};
static const struct store_row cards_args = STORE_ROW(struct cards_args, cards_arg_cols);
static const struct store_col cards_cols[] = {STORE_COLS(struct cards_row, cards, seen)};
static const struct store_row cards_row = STORE_ROW(struct cards_row, cards_cols);

/* Kept in risk_terminal_cards and _days as each payment is approved, as a card's day at a
 * merchant is in risk_card_days (the things not read from acq_txns): a day of a busy terminal,
 * or of a card, is too long a walk for each payment. */
int store_risk_terminal_cards(store *s, const char *tid, int64_t day, const char *pan_hash,
                              int64_t *cards, bool *seen)
{
	static const struct store_query q = STORE_Q(
	    "SELECT COALESCE((SELECT cards FROM risk_terminal_days WHERE tid = ?1 AND day = "
	    "?2), 0) AS cards, EXISTS (SELECT 1 FROM risk_terminal_cards WHERE tid = ?1 AND "
	    "day = ?2 AND pan_hash = ?3) AS seen",
	    &cards_args, &cards_row);
	struct cards_row r;
	int rc = store_q_get(s, &q, &(struct cards_args){tid, day, pan_hash}, &r);

	*cards = rc == STORE_OK ? r.cards : 0;
	*seen = rc == STORE_OK && r.seen != 0;
	return rc;
}

struct pay_args {
	const char *tid;
	int64_t day;
	const char *pan_hash, *mid;
	int64_t amount, round;
};
static const struct store_col pay_cols[] = {
    STORE_COLS(struct pay_args, tid, day, pan_hash, mid, amount, round)};
static const struct store_row pay_args = STORE_ROW(struct pay_args, pay_cols);
static const struct store_row pay_args_3 = STORE_ROW_N(pay_cols, 3); /* tid, day, pan_hash */
static const struct store_row pay_args_2 = STORE_ROW_N(pay_cols, 2); /* tid, day */

int store_risk_payment_add(store *s, const char *pan_hash, const char *tid, const char *mid,
                           int64_t day, int64_t amount)
{
	static const struct store_query card_q = STORE_Q_DEFERRED(
	    "INSERT INTO risk_card_days (pan_hash, mid, day, count, sum, round) VALUES (?3, "
	    "?4, ?2, 1, ?5, ?6) ON CONFLICT (pan_hash, mid, day) DO UPDATE SET count = "
	    "risk_card_days.count + 1, sum = risk_card_days.sum + ?5, round = risk_card_days.round "
	    "+ ?6",
	    &pay_args);
	static const struct store_query add_q = STORE_Q(
	    "INSERT INTO risk_terminal_cards (tid, day, pan_hash) VALUES (?1, ?2, ?3) ON CONFLICT "
	    "DO NOTHING",
	    &pay_args_3, NULL);
	static const struct store_query count_q = STORE_Q_DEFERRED(
	    "INSERT INTO risk_terminal_days (tid, day, cards) VALUES (?1, ?2, 1) ON CONFLICT "
	    "(tid, day) DO UPDATE SET cards = risk_terminal_days.cards + 1",
	    &pay_args_2);
	struct pay_args a = {tid, day, pan_hash, mid, amount, amount > 0 && amount % 100000 == 0};
	int rc;

	if ((rc = store_q_run(s, &card_q, &a, NULL)) != STORE_OK)
		return rc;
	if ((rc = store_q_update(s, &add_q, &a)) == STORE_ENOTFOUND) /* seen that day already */
		return STORE_OK;
	return rc != STORE_OK ? rc : store_q_run(s, &count_q, &a, NULL);
}

/* ---- Hits ---- */

typedef struct store_risk_hit hit;
static const struct store_col hit_cols[] = {
    STORE_COLS(hit, id, txn_id, at, rule, action, rc, numbers)};
static const struct store_row hit_row = STORE_ROW(hit, hit_cols);
static const struct store_col hit_new_cols[] = {
    STORE_COLS(hit, txn_id, at, rule, action, rc, numbers)};
static const struct store_row hit_new = STORE_ROW(hit, hit_new_cols);

STORE_FN_INSERT(store_risk_hit_add, hit,
                "INSERT INTO risk_hits (txn_id, at, rule, action, rc, numbers) VALUES (?, ?, ?, "
                "?, ?, ?)",
                hit_new)
STORE_FN_EACH_KEY(store_risk_hit_list, int64_t, hit,
                  "SELECT id, txn_id, at, rule, action, rc, numbers FROM risk_hits WHERE txn_id "
                  "= ?1 ORDER BY id",
                  store_args_id, hit_row)

/* ---- Cases ---- */

typedef struct store_risk_case rcase;
#define CASE_COLUMNS                                                                               \
	"id, opened_at, status, txn_ids, rrn, tid, mid, masked, pan_hash, rules, numbers, "        \
	"verdict, reason, closed_by, closed_at"
static const struct store_col case_cols[] = {STORE_COLS(rcase, id, opened_at, status, txn_ids, rrn,
                                                        tid, mid, masked, pan_hash, rules, numbers,
                                                        verdict, reason, closed_by, closed_at)};
static const struct store_row case_row = STORE_ROW(rcase, case_cols);
static const struct store_col case_new_cols[] = {
    STORE_COLS(rcase, opened_at, txn_ids, rrn, tid, mid, masked, pan_hash, rules, numbers)};
static const struct store_row case_new = STORE_ROW(rcase, case_new_cols);

int store_risk_case_open(store *s, struct store_risk_case *c)
{
	static const struct store_query q =
	    STORE_Q("INSERT INTO risk_cases (status, opened_at, txn_ids, rrn, tid, mid, masked, "
	            "pan_hash, rules, numbers) VALUES ('open', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	            &case_new, NULL);

	snprintf(c->status, sizeof c->status, "open");
	return store_q_run(s, &q, c, &c->id);
}

STORE_FN_GET(store_risk_case_get, int64_t, rcase,
             "SELECT " CASE_COLUMNS " FROM risk_cases WHERE id = ?1", store_args_id, case_row)

struct close_args {
	int64_t id;
	const char *verdict, *reason, *by;
	int64_t at;
};
static const struct store_col close_cols[] = {
    STORE_COLS(struct close_args, id, verdict, reason, by, at)};
static const struct store_row close_args = STORE_ROW(struct close_args, close_cols);

int store_risk_case_close(store *s, int64_t id, const char *verdict, const char *reason,
                          const char *by, int64_t at)
{
	static const struct store_query q =
	    STORE_Q("UPDATE risk_cases SET status = 'closed', verdict = ?2, reason = ?3, closed_by "
	            "= ?4, closed_at = ?5 WHERE id = ?1 AND status = 'open'",
	            &close_args, NULL);

	return store_q_update(s, &q, &(struct close_args){id, verdict, reason, by, at});
}

typedef struct store_risk_case_page page;
static const struct store_col page_cols[] = {STORE_COLS(page, open_only, before_id, limit)};
static const struct store_row page_args = STORE_ROW(page, page_cols);

STORE_FN_EACH_FILTER(store_risk_case_page, page, rcase,
                     "SELECT " CASE_COLUMNS " FROM risk_cases WHERE (?1 = 0 OR status = 'open') "
                     "AND (?2 = 0 OR id < ?2) ORDER BY id DESC LIMIT ?3",
                     page_args, case_row)

/* txn_ids is "ID,ID,…": the id matched whole between commas. */
STORE_FN_GET(store_risk_case_by_txn, int64_t, rcase,
             "SELECT " CASE_COLUMNS " FROM risk_cases WHERE ',' || txn_ids || ',' LIKE '%,' || "
             "?1 || ',%' ORDER BY id DESC LIMIT 1",
             store_args_id, case_row)

/* ---- Lists ---- */

typedef struct store_risk_entry entry;
static const struct store_col entry_cols[] = {
    STORE_COLS(entry, kind, key, list, masked, reason, at)};
static const struct store_row entry_row = STORE_ROW(entry, entry_cols);

STORE_FN_PUT(store_risk_list_add, entry,
             "INSERT INTO risk_lists (kind, key, list, masked, reason, at) VALUES (?1, ?2, ?3, "
             "?4, ?5, ?6) ON CONFLICT (kind, key, list) DO UPDATE SET masked = ?4, reason = ?5, "
             "at = ?6",
             entry_row)

struct entry_key {
	const char *kind, *key, *list;
};
static const struct store_col entry_key_cols[] = {STORE_COLS(struct entry_key, kind, key, list)};
static const struct store_row entry_key = STORE_ROW(struct entry_key, entry_key_cols);

int store_risk_list_remove(store *s, const char *kind, const char *key, const char *list)
{
	static const struct store_query q = STORE_Q(
	    "DELETE FROM risk_lists WHERE kind = ?1 AND key = ?2 AND list = ?3", &entry_key, NULL);

	return store_q_update(s, &q, &(struct entry_key){kind, key, list});
}

int store_risk_list_find(store *s, const char *kind, const char *key, const char *list,
                         struct store_risk_entry *out)
{
	static const struct store_query q = STORE_Q(
	    "SELECT kind, key, list, masked, reason, at FROM risk_lists WHERE kind = ?1 AND "
	    "key = ?2 AND list = ?3",
	    &entry_key, &entry_row);

	return store_q_get(s, &q, &(struct entry_key){kind, key, list}, out);
}

struct each_args {
	const char *kind, *list;
};
static const struct store_col each_cols[] = {STORE_COLS(struct each_args, kind, list)};
static const struct store_row each_args = STORE_ROW(struct each_args, each_cols);

int store_risk_list_each(store *s, const char *kind, const char *list,
                         int (*fn)(void *ctx, const struct store_risk_entry *e), void *ctx)
{
	static const struct store_query q =
	    STORE_Q("SELECT kind, key, list, masked, reason, at FROM risk_lists WHERE (?1 = '' OR "
	            "kind = ?1) AND (?2 = '' OR list = ?2) ORDER BY kind, key, list",
	            &each_args, &entry_row);
	entry e;

	STORE_WALK(s, &q, (&(struct each_args){kind, list}), e, fn, ctx);
}

struct listed_args {
	const char *card, *tid, *mid;
};
struct listed_row {
	bool card_blocked, card_watched, terminal_blocked, terminal_watched, merchant_blocked,
	    merchant_watched;
};
static const struct store_col listed_arg_cols[] = {STORE_COLS(struct listed_args, card, tid, mid)};
static const struct store_row listed_args = STORE_ROW(struct listed_args, listed_arg_cols);
static const struct store_col listed_cols[] = {
    STORE_COLS(struct listed_row, card_blocked, card_watched, terminal_blocked, terminal_watched,
               merchant_blocked, merchant_watched)};
static const struct store_row listed_row = STORE_ROW(struct listed_row, listed_cols);

#define LISTED(kind, n, list)                                                                      \
	"EXISTS (SELECT 1 FROM risk_lists WHERE kind = '" kind "' AND key = ?" #n                  \
	" AND list = '" list "') AS " kind "_" list

/* Six lookups of the primary key (an OR of its three ranges costs more: the planner's
 * multi-index OR builds a temporary table to drop duplicates). */
int store_risk_listed(store *s, const char *pan_hash, const char *tid, const char *mid,
                      struct store_risk_listed *out)
{
	static const struct store_query q = STORE_Q(
	    "SELECT " LISTED("card", 1, "blocked") ", " LISTED("card", 1, "watched") ", " LISTED(
	        "terminal", 2,
	        "blocked") ", " LISTED("terminal", 2,
	                               "watched") ", " LISTED("merchant", 3,
	                                                      "blocked") ", " LISTED("merchant", 3,
	                                                                             "watched"),
	    &listed_args, &listed_row);
	struct listed_row r;
	int rc = store_q_get(s, &q, &(struct listed_args){pan_hash, tid, mid}, &r);

	if (rc != STORE_OK)
		return rc;
	*out =
	    (struct store_risk_listed){r.card_blocked,     r.card_watched,     r.terminal_blocked,
	                               r.terminal_watched, r.merchant_blocked, r.merchant_watched};
	return STORE_OK;
}

int store_risk_case_open_count(store *s, int64_t *n)
{
	static const struct store_query q = STORE_Q(
	    "SELECT COUNT(*) AS n FROM risk_cases WHERE status = 'open'", NULL, &store_row_n);
	return store_q_n_id(s, &q, 0, n);
}
