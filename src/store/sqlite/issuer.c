/* issuer.c — the SQLite backend of store_issuer.h: the issuer's tables, their migrations and
 * the queries on them. */
#include "store/sqlite/internal.h"

#include "store/store_issuer.h"

typedef struct store_card card;
typedef struct store_decision decision;
typedef struct store_cardauth cardauth;

/* ---- cards ---- */

/* A new row's columns, its id drawn by the insert (PostgreSQL takes no NULL for it). */
#define CARD_NEW_COLUMNS                                                                           \
	"account_id, pan_hash, pan, id_number, phone, masked, last4, product, status, expiry, "    \
	"service_code, chip, psn, pvki, pvv, holder, language, pin_tries, atc, replaced_by, "      \
	"created_at, updated_at, name"
#define CARD_COLUMNS "id, " CARD_NEW_COLUMNS

static const struct store_col card_cols[] = {
    STORE_COLS(card, id, account_id, pan_hash, pan, id_number, phone, masked, last4, product,
               status, expiry, service_code, chip, psn, pvki, pvv, holder, language, pin_tries, atc,
               replaced_by, created_at, updated_at, name)};
static const struct store_row card_row = STORE_ROW(card, card_cols);
static const struct store_row card_new = STORE_ROW_N(card_cols + 1, 23); /* but the id */
static const struct store_col card_update_cols[] = {
    STORE_COLS(card, status, pin_tries, replaced_by, updated_at, atc, id)};
static const struct store_row card_update_args = STORE_ROW_N(card_update_cols, 6);
static const struct store_col card_phone_cols[] = {STORE_COLS(card, phone, updated_at, id)};
static const struct store_row card_phone_args = STORE_ROW_N(card_phone_cols, 3);
static const struct store_col card_name_cols[] = {STORE_COLS(card, name, holder, id)};
static const struct store_row card_name_args = STORE_ROW_N(card_name_cols, 3);

STORE_FN_INSERT(store_card_insert, card,
                "INSERT INTO cards (" CARD_NEW_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                card_new)
STORE_FN_GET(store_card_get, int64_t, card, "SELECT " CARD_COLUMNS " FROM cards WHERE id = ?",
             store_args_id, card_row)
STORE_FN_GET(store_card_by_hash, const char *, card,
             "SELECT " CARD_COLUMNS " FROM cards WHERE pan_hash = ?", store_args_text, card_row)
STORE_FN_GET(store_card_lock, int64_t, card,
             STORE_SQL("SELECT " CARD_COLUMNS " FROM cards WHERE id = ?",
                       "SELECT " CARD_COLUMNS " FROM cards WHERE id = ? FOR UPDATE"),
             store_args_id, card_row)
STORE_FN_GET(store_card_lock_by_hash, const char *, card,
             STORE_SQL("SELECT " CARD_COLUMNS " FROM cards WHERE pan_hash = ?",
                       "SELECT " CARD_COLUMNS " FROM cards WHERE pan_hash = ? FOR UPDATE"),
             store_args_text, card_row)
STORE_FN_GET(store_card_of_account, int64_t, card,
             "SELECT " CARD_COLUMNS " FROM cards WHERE account_id = ? AND replaced_by = 0 "
             "ORDER BY id DESC LIMIT 1",
             store_args_id, card_row)

int store_card_by_last4(store *s, const char *last4, struct store_card *out, int *count)
{
	static const struct store_query count_q = STORE_Q(
	    "SELECT COUNT(*) AS n FROM cards WHERE last4 = ?", &store_args_text, &store_row_n);
	static const struct store_query first_q =
	    STORE_Q("SELECT " CARD_COLUMNS " FROM cards WHERE last4 = ? ORDER BY id LIMIT 1",
	            &store_args_text, &card_row);
	int64_t n;
	int rc;

	*count = 0;
	if ((rc = store_q_n(s, &count_q, last4, &n)) != STORE_OK)
		return rc;
	if ((*count = (int)n) == 0)
		return STORE_ENOTFOUND;
	return store_q_get(s, &first_q, &last4, out);
}

STORE_FN_UPDATE(store_card_update, card,
                "UPDATE cards SET status = ?, pin_tries = ?, replaced_by = ?, updated_at = ?, "
                "atc = ? WHERE id = ?",
                card_update_args)
STORE_FN_UPDATE(store_card_set_phone, card,
                "UPDATE cards SET phone = ?, updated_at = ? WHERE id = ?", card_phone_args)
STORE_FN_UPDATE(store_card_set_name, card, "UPDATE cards SET name = ?, holder = ? WHERE id = ?",
                card_name_args)
STORE_FN_EACH(store_card_each, card, "SELECT " CARD_COLUMNS " FROM cards ORDER BY id", card_row)
STORE_FN_EACH_KEY(store_card_each_last4, const char *, card,
                  "SELECT " CARD_COLUMNS " FROM cards WHERE last4 = ? ORDER BY id", store_args_text,
                  card_row)

/* ---- card days ---- */

/* A row of card_days. */
struct day_row {
	int64_t card_id, day, amount;
	int count, auths;
};
static const struct store_col day_cols[] = {
    STORE_COLS(struct day_row, card_id, day, amount, count, auths)};
static const struct store_row day_all = STORE_ROW(struct day_row, day_cols);
static const struct store_row day_key = STORE_ROW_N(day_cols, 2);
static const struct store_row day_sums = STORE_ROW_N(day_cols + 2, 3);

int store_card_day_get(store *s, int64_t card_id, int64_t day, struct store_card_day *out)
{
	static const struct store_query q =
	    STORE_Q("SELECT amount, count, auths FROM card_days WHERE card_id = ? AND day = ?",
	            &day_key, &day_sums);
	struct day_row r = {.card_id = card_id, .day = day};
	int rc = store_q_get(s, &q, &r, &r);

	*out = (struct store_card_day){.amount = r.amount, .count = r.count, .auths = r.auths};
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

int store_card_day_add(store *s, int64_t card_id, int64_t day, const struct store_card_day *d)
{
	static const struct store_query q = STORE_Q_DEFERRED(
	    "INSERT INTO card_days (card_id, day, amount, count, auths) VALUES (?, ?, ?, ?, "
	    "?) ON CONFLICT (card_id, day) DO UPDATE SET amount = card_days.amount + "
	    "excluded.amount, count = card_days.count + excluded.count, auths = card_days.auths + "
	    "excluded.auths",
	    &day_all);
	struct day_row r = {card_id, day, d->amount, d->count, d->auths};

	return store_q_run(s, &q, &r, NULL);
}

/* ---- decisions ---- */

/* A new row's columns, its id drawn by the insert (PostgreSQL takes no NULL for it). */
#define DECISION_NEW_COLUMNS                                                                       \
	"at, op, card_id, dup_key, acquirer, stan, transmit, terminal, merchant, rrn, amount, "    \
	"currency, rc, reason, auth_code, transfer_id, original_id, remaining, reversed, link, qr"
#define DECISION_COLUMNS "id, " DECISION_NEW_COLUMNS

/* No duplicate key, no transfer: NULL. */
static const struct store_col decision_cols[] = {
    STORE_COLS(decision, id, at, op, card_id) STORE_COL_NULL(decision, dup_key),
    STORE_COLS(decision, acquirer, stan, transmit, terminal, merchant, rrn, amount, currency, rc,
               reason, auth_code) STORE_COL_NULL(decision, transfer_id),
    STORE_COLS(decision, original_id, remaining, reversed, link, qr)};
static const struct store_row decision_row = STORE_ROW(decision, decision_cols);
static const struct store_row decision_new = STORE_ROW_N(decision_cols + 1, 21); /* no id */
static const struct store_col decision_update_cols[] = {
    STORE_COLS(decision, remaining, reversed, id)};
static const struct store_row decision_update_args = STORE_ROW_N(decision_update_cols, 3);

/* What names an original: ?1 … ?3, and ?4 when by RRN. */
struct original_args {
	int64_t card_id;
	unsigned ops;
	const char *auth_code, *rrn;
};
static const struct store_col original_cols[] = {
    STORE_COLS(struct original_args, card_id, ops) STORE_COL_NULL(struct original_args, auth_code),
    STORE_COLS(struct original_args, rrn)};
static const struct store_row original_auth_args = STORE_ROW_N(original_cols, 3);
static const struct store_row original_rrn_args = STORE_ROW_N(original_cols, 4);

/* What names the original of a reversal. */
struct reversal_args {
	const char *acquirer, *terminal, *stan;
	unsigned ops;
	int64_t since;
};
static const struct store_col reversal_cols[] = {
    STORE_COLS(struct reversal_args, acquirer, terminal, stan, ops, since)};
static const struct store_row reversal_args = STORE_ROW_N(reversal_cols, 5);

STORE_FN_INSERT(store_decision_insert, decision,
                "INSERT INTO decisions (" DECISION_NEW_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                decision_new)
STORE_FN_GET(store_decision_get, int64_t, decision,
             "SELECT " DECISION_COLUMNS " FROM decisions WHERE id = ?", store_args_id, decision_row)
STORE_FN_GET(store_decision_by_dup_key, const char *, decision,
             "SELECT " DECISION_COLUMNS " FROM decisions WHERE dup_key = ?", store_args_text,
             decision_row)

/* Whether op's bit is set in the parameter p, a set of ops (1 << op): PostgreSQL shifts an
 * integer by an integer alone, and op is a 64-bit column there. */
#define OP_IN(p) "((1 << CAST(op AS INTEGER)) & " p ") != 0"

/* By auth code through decisions_auth, whose WHERE the query repeats so that SQLite may use
 * it; else by RRN through decisions_rrn, the auth code (when given) checked on the row. */
static const struct store_query original_auth_q = STORE_Q(
    "SELECT " DECISION_COLUMNS " FROM decisions WHERE card_id = ?1 AND "
    "auth_code = ?3 AND op IN (2, 4) AND rc = '00' AND " OP_IN("?2") " "
                                                                     "ORDER BY id DESC LIMIT 1",
    &original_auth_args, &decision_row);
static const struct store_query original_rrn_q = STORE_Q(
    "SELECT " DECISION_COLUMNS " FROM decisions WHERE rrn = ?4 AND "
    "card_id = ?1 AND rc = '00' AND " OP_IN("?2") " AND (?3 IS NULL "
                                                  "OR auth_code = ?3) ORDER BY id DESC LIMIT 1",
    &original_rrn_args, &decision_row);

int store_decision_original(store *s, int64_t card_id, unsigned ops, const char *auth_code,
                            const char *rrn, struct store_decision *out)
{
	bool by_auth = auth_code != NULL && (ops & ~STORE_DECISION_AUTH_OPS) == 0;
	struct original_args a = {card_id, ops, auth_code, rrn};

	if (!by_auth && rrn == NULL)
		return STORE_EARG;
	return store_q_get(s, by_auth ? &original_auth_q : &original_rrn_q, &a, out);
}

int store_decision_qr_original(store *s, unsigned ops, const char *rrn, struct store_decision *out)
{
	static const struct store_query q =
	    STORE_Q("SELECT " DECISION_COLUMNS " FROM decisions WHERE rrn = ?4 AND qr != 0 AND "
	            "rc = '00' AND " OP_IN("?2") " ORDER BY id DESC LIMIT 1",
	            &original_rrn_args, &decision_row);
	struct original_args a = {0, ops, NULL, rrn};

	return store_q_get(s, &q, &a, out);
}

int store_decision_for_reversal(store *s, const char *acquirer, const char *terminal,
                                const char *stan, unsigned ops, int64_t since,
                                struct store_decision *out)
{
	static const struct store_query q = STORE_Q(
	    "SELECT " DECISION_COLUMNS " FROM decisions WHERE acquirer = ? AND terminal = ? "
	    "AND stan = ? AND " OP_IN("?") " AND at >= ? ORDER BY id DESC LIMIT 1",
	    &reversal_args, &decision_row);

	return store_q_get(s, &q, &(struct reversal_args){acquirer, terminal, stan, ops, since},
	                   out);
}

STORE_FN_UPDATE(store_decision_update, decision,
                "UPDATE decisions SET remaining = ?, reversed = ? WHERE id = ?",
                decision_update_args)

/* ---- card authentications ---- */

/* A new row's columns, its id drawn by the insert (PostgreSQL takes no NULL for it). */
#define CARDAUTH_NEW_COLUMNS                                                                       \
	"card_id, state, otp_hash, started_at, otp_expires, tries, verified_at, valid_until, reason"
#define CARDAUTH_COLUMNS "id, " CARDAUTH_NEW_COLUMNS

static const struct store_col cardauth_cols[] = {STORE_COLS(cardauth, id, card_id, state, otp_hash,
                                                            started_at, otp_expires, tries,
                                                            verified_at, valid_until, reason)};
static const struct store_row cardauth_row = STORE_ROW(cardauth, cardauth_cols);
static const struct store_row cardauth_new = STORE_ROW_N(cardauth_cols + 1, 9); /* no id */
static const struct store_col cardauth_update_cols[] = {
    STORE_COLS(cardauth, state, tries, verified_at, valid_until, reason, id)};
static const struct store_row cardauth_update_args = STORE_ROW_N(cardauth_update_cols, 6);

/* A card's latest authentication: with decided, among those of the states verified and
 * invalid only. */
struct latest_args {
	int64_t card_id;
	bool decided;
	int verified, invalid;
};
static const struct store_col latest_cols[] = {
    STORE_COLS(struct latest_args, card_id, decided, verified, invalid)};
static const struct store_row latest_args = STORE_ROW_N(latest_cols, 4);

STORE_FN_INSERT(store_cardauth_insert, cardauth,
                "INSERT INTO cardauths (" CARDAUTH_NEW_COLUMNS
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                cardauth_new)

int store_cardauth_latest(store *s, int64_t card_id, bool decided, struct store_cardauth *out)
{
	static const struct store_query q =
	    STORE_Q("SELECT " CARDAUTH_COLUMNS " FROM cardauths WHERE card_id = ?1 AND "
	            "(?2 = 0 OR state IN (?3, ?4)) ORDER BY id DESC LIMIT 1",
	            &latest_args, &cardauth_row);
	struct latest_args a = {card_id, decided, STORE_CARDAUTH_VERIFIED, STORE_CARDAUTH_INVALID};

	return store_q_get(s, &q, &a, out);
}

STORE_FN_UPDATE(store_cardauth_update, cardauth,
                "UPDATE cardauths SET state = ?, tries = ?, verified_at = ?, valid_until = ?, "
                "reason = ? WHERE id = ?",
                cardauth_update_args)
