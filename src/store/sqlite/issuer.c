/* issuer.c — the SQLite backend of store_issuer.h: the issuer's tables, their migrations and
 * the queries on them. */
#include "store/sqlite/internal.h"

#include <string.h>

#include "store/store_issuer.h"

static const struct store_migration migrations[] = {
    {1, "CREATE TABLE cards ("
        " id INTEGER PRIMARY KEY,"
        " account_id INTEGER NOT NULL,"
        " pan_hash TEXT NOT NULL UNIQUE,"
        " pan BLOB NOT NULL,"
        " id_number BLOB NOT NULL,"
        " phone BLOB NOT NULL,"
        " masked TEXT NOT NULL,"
        " last4 TEXT NOT NULL,"
        " product INTEGER NOT NULL,"
        " status INTEGER NOT NULL,"
        " expiry TEXT NOT NULL,"
        " service_code TEXT NOT NULL,"
        " chip INTEGER NOT NULL,"
        " psn TEXT NOT NULL,"
        " pvki INTEGER NOT NULL,"
        " pvv TEXT NOT NULL,"
        " holder TEXT NOT NULL,"
        " language TEXT NOT NULL,"
        " pin_tries INTEGER NOT NULL DEFAULT 0,"
        " atc INTEGER NOT NULL DEFAULT -1,"
        " replaced_by INTEGER NOT NULL DEFAULT 0,"
        " created_at INTEGER NOT NULL,"
        " updated_at INTEGER NOT NULL);"
        "CREATE INDEX cards_last4 ON cards(last4);"
        "CREATE TABLE card_days ("
        " card_id INTEGER NOT NULL,"
        " day INTEGER NOT NULL,"
        " amount INTEGER NOT NULL,"
        " count INTEGER NOT NULL,"
        " auths INTEGER NOT NULL,"
        " PRIMARY KEY (card_id, day)) WITHOUT ROWID;"
        "CREATE TABLE decisions ("
        " id INTEGER PRIMARY KEY,"
        " at INTEGER NOT NULL,"
        " op INTEGER NOT NULL,"
        " card_id INTEGER NOT NULL,"
        " dup_key TEXT UNIQUE,"
        " acquirer TEXT NOT NULL, stan TEXT NOT NULL, transmit TEXT NOT NULL,"
        " terminal TEXT NOT NULL, merchant TEXT NOT NULL, rrn TEXT NOT NULL,"
        " amount INTEGER NOT NULL,"
        " currency INTEGER NOT NULL,"
        " rc TEXT NOT NULL, reason TEXT NOT NULL, auth_code TEXT NOT NULL,"
        " transfer_id BLOB,"
        " original_id INTEGER NOT NULL,"
        " remaining INTEGER NOT NULL,"
        " reversed INTEGER NOT NULL);"
        "CREATE INDEX decisions_card ON decisions(card_id, auth_code);"
        "CREATE INDEX decisions_reversal ON decisions(acquirer, terminal, stan);"
        "CREATE TABLE cardauths ("
        " id INTEGER PRIMARY KEY,"
        " card_id INTEGER NOT NULL,"
        " state INTEGER NOT NULL,"
        " otp_hash TEXT NOT NULL,"
        " started_at INTEGER NOT NULL,"
        " otp_expires INTEGER NOT NULL,"
        " tries INTEGER NOT NULL,"
        " verified_at INTEGER NOT NULL,"
        " valid_until INTEGER NOT NULL,"
        " reason TEXT NOT NULL);"
        "CREATE INDEX cardauths_card ON cardauths(card_id, id);"},
    /* A reversal's original by the acquirer's STAN, which each acquirer counts up: new
     * decisions go at the end of the index, where (acquirer, terminal, stan) put each in
     * its terminal's part of it, a page written per decision. The terminal is checked on
     * the rows found. */
    {2, "DROP INDEX decisions_reversal;"
        "CREATE INDEX decisions_reversal ON decisions(acquirer, stan);"},
    /* A follow-up's original by its RRN, which acquirers count up, so that new decisions go
     * at the index's end; by auth code (random) only for the pre-authorizations (2) and
     * completions (4) a terminal names that way (spec/cup-pos.md), instead of every decision
     * of the card at a random place in (card_id, auth_code), a page written each. */
    {3, "DROP INDEX decisions_card;"
        "CREATE INDEX decisions_rrn ON decisions(rrn);"
        "CREATE INDEX decisions_auth ON decisions(card_id, auth_code)"
        " WHERE op IN (2, 4) AND rc = '00';"},
};

const struct store_module store_module_issuer = {"issuer", migrations,
                                                 sizeof migrations / sizeof migrations[0]};

/* ---- cards ---- */

#define CARD_COLUMNS                                                                                \
	"id, account_id, pan_hash, pan, id_number, phone, masked, last4, product, status, expiry, " \
	"service_code, chip, psn, pvki, pvv, holder, language, pin_tries, atc, replaced_by, "       \
	"created_at, updated_at"

static void read_card(sqlite3_stmt *st, struct store_card *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	c->account_id = sqlite3_column_int64(st, 1);
	store_column_text(st, 2, c->pan_hash, sizeof c->pan_hash);
	store_column_sealed(st, 3, &c->pan);
	store_column_sealed(st, 4, &c->id_number);
	store_column_sealed(st, 5, &c->phone);
	store_column_text(st, 6, c->masked, sizeof c->masked);
	store_column_text(st, 7, c->last4, sizeof c->last4);
	c->product = sqlite3_column_int(st, 8);
	c->status = sqlite3_column_int(st, 9);
	store_column_text(st, 10, c->expiry, sizeof c->expiry);
	store_column_text(st, 11, c->service_code, sizeof c->service_code);
	c->chip = sqlite3_column_int(st, 12) != 0;
	store_column_text(st, 13, c->psn, sizeof c->psn);
	c->pvki = sqlite3_column_int(st, 14);
	store_column_text(st, 15, c->pvv, sizeof c->pvv);
	store_column_text(st, 16, c->holder, sizeof c->holder);
	store_column_text(st, 17, c->language, sizeof c->language);
	c->pin_tries = sqlite3_column_int(st, 18);
	c->atc = sqlite3_column_int(st, 19);
	c->replaced_by = sqlite3_column_int64(st, 20);
	c->created_at = sqlite3_column_int64(st, 21);
	c->updated_at = sqlite3_column_int64(st, 22);
}

int store_card_insert(store *s, struct store_card *c)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO cards (" CARD_COLUMNS ") VALUES (NULL, ?, ?, ?, ?, ?, ?, "
	                     "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, c->account_id);
	sqlite3_bind_text(st, 2, c->pan_hash, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, c->pan.v, (int)c->pan.len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, c->id_number.v, (int)c->id_number.len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, c->phone.v, (int)c->phone.len, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, c->masked, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, c->last4, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, c->product);
	sqlite3_bind_int(st, 9, c->status);
	sqlite3_bind_text(st, 10, c->expiry, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, c->service_code, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 12, c->chip);
	sqlite3_bind_text(st, 13, c->psn, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 14, c->pvki);
	sqlite3_bind_text(st, 15, c->pvv, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 16, c->holder, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 17, c->language, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 18, c->pin_tries);
	sqlite3_bind_int(st, 19, c->atc);
	sqlite3_bind_int64(st, 20, c->replaced_by);
	sqlite3_bind_int64(st, 21, c->created_at);
	sqlite3_bind_int64(st, 22, c->updated_at);
	if ((rc = store_run(s, st)) == STORE_OK)
		c->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

/* Runs st, bound by the caller, and reads its first row as a card. */
static int one_card(store *s, sqlite3_stmt *st, struct store_card *out)
{
	int rc = store_row(s, st);

	if (rc == STORE_OK)
		read_card(st, out);
	sqlite3_reset(st);
	return rc;
}

int store_card_get(store *s, int64_t id, struct store_card *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "SELECT " CARD_COLUMNS " FROM cards WHERE id = ?", &st)) !=
	    STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	return one_card(s, st, out);
}

int store_card_by_hash(store *s, const char *pan_hash, struct store_card *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "SELECT " CARD_COLUMNS " FROM cards WHERE pan_hash = ?", &st)) !=
	    STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, pan_hash, -1, SQLITE_STATIC);
	return one_card(s, st, out);
}

int store_card_by_last4(store *s, const char *last4, struct store_card *out, int *count)
{
	sqlite3_stmt *st;
	int rc;

	*count = 0;
	if ((rc = store_stmt(s, "SELECT COUNT(*) FROM cards WHERE last4 = ?", &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, last4, -1, SQLITE_STATIC);
	if ((rc = store_row(s, st)) == STORE_OK)
		*count = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc != STORE_OK)
		return rc;
	if (*count == 0)
		return STORE_ENOTFOUND;
	if ((rc = store_stmt(
	         s, "SELECT " CARD_COLUMNS " FROM cards WHERE last4 = ? ORDER BY id LIMIT 1",
	         &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, last4, -1, SQLITE_STATIC);
	return one_card(s, st, out);
}

int store_card_update(store *s, const struct store_card *c)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "UPDATE cards SET status = ?, pin_tries = ?, replaced_by = ?, "
	                     "updated_at = ?, atc = ? WHERE id = ?",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int(st, 1, c->status);
	sqlite3_bind_int(st, 2, c->pin_tries);
	sqlite3_bind_int64(st, 3, c->replaced_by);
	sqlite3_bind_int64(st, 4, c->updated_at);
	sqlite3_bind_int(st, 5, c->atc);
	sqlite3_bind_int64(st, 6, c->id);
	return store_update(s, st);
}

int store_card_set_phone(store *s, const struct store_card *c)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "UPDATE cards SET phone = ?, updated_at = ? WHERE id = ?", &st)) !=
	    STORE_OK)
		return rc;
	sqlite3_bind_blob(st, 1, c->phone.v, (int)c->phone.len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, c->updated_at);
	sqlite3_bind_int64(st, 3, c->id);
	return store_update(s, st);
}

int store_card_each(store *s, int (*fn)(void *ctx, const struct store_card *c), void *ctx)
{
	struct store_card c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "SELECT " CARD_COLUMNS " FROM cards ORDER BY id", &st)) != STORE_OK)
		return rc;
	while ((rc = store_row(s, st)) == STORE_OK) {
		read_card(st, &c);
		if ((rc = fn(ctx, &c)) != 0)
			break;
	}
	sqlite3_reset(st);
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

/* ---- card days ---- */

int store_card_day_get(store *s, int64_t card_id, int64_t day, struct store_card_day *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_stmt(s,
	                     "SELECT amount, count, auths FROM card_days WHERE card_id = ? AND "
	                     "day = ?",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, card_id);
	sqlite3_bind_int64(st, 2, day);
	rc = store_row(s, st);
	if (rc == STORE_OK) {
		out->amount = sqlite3_column_int64(st, 0);
		out->count = sqlite3_column_int(st, 1);
		out->auths = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

int store_card_day_add(store *s, int64_t card_id, int64_t day, const struct store_card_day *d)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc =
	         store_stmt(s,
	                    "INSERT INTO card_days (card_id, day, amount, count, auths) VALUES (?, "
	                    "?, ?, ?, ?) ON CONFLICT (card_id, day) DO UPDATE SET amount = amount "
	                    "+ excluded.amount, count = count + excluded.count, auths = auths + "
	                    "excluded.auths",
	                    &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, card_id);
	sqlite3_bind_int64(st, 2, day);
	sqlite3_bind_int64(st, 3, d->amount);
	sqlite3_bind_int(st, 4, d->count);
	sqlite3_bind_int(st, 5, d->auths);
	return store_run(s, st);
}

/* ---- decisions ---- */

#define DECISION_COLUMNS                                                                            \
	"id, at, op, card_id, dup_key, acquirer, stan, transmit, terminal, merchant, rrn, amount, " \
	"currency, rc, reason, auth_code, transfer_id, original_id, remaining, reversed"

static const uint8_t zero_id[16];

static void read_decision(sqlite3_stmt *st, struct store_decision *d)
{
	const void *tid;

	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(st, 0);
	d->at = sqlite3_column_int64(st, 1);
	d->op = sqlite3_column_int(st, 2);
	d->card_id = sqlite3_column_int64(st, 3);
	store_column_text(st, 4, d->dup_key, sizeof d->dup_key);
	store_column_text(st, 5, d->acquirer, sizeof d->acquirer);
	store_column_text(st, 6, d->stan, sizeof d->stan);
	store_column_text(st, 7, d->transmit, sizeof d->transmit);
	store_column_text(st, 8, d->terminal, sizeof d->terminal);
	store_column_text(st, 9, d->merchant, sizeof d->merchant);
	store_column_text(st, 10, d->rrn, sizeof d->rrn);
	d->amount = sqlite3_column_int64(st, 11);
	d->currency = sqlite3_column_int(st, 12);
	store_column_text(st, 13, d->rc, sizeof d->rc);
	store_column_text(st, 14, d->reason, sizeof d->reason);
	store_column_text(st, 15, d->auth_code, sizeof d->auth_code);
	tid = sqlite3_column_blob(st, 16);
	if (tid != NULL && sqlite3_column_bytes(st, 16) == 16)
		memcpy(d->transfer_id, tid, 16);
	d->original_id = sqlite3_column_int64(st, 17);
	d->remaining = sqlite3_column_int64(st, 18);
	d->reversed = sqlite3_column_int(st, 19) != 0;
}

int store_decision_insert(store *s, struct store_decision *d)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO decisions (" DECISION_COLUMNS ") VALUES (NULL, ?, ?, ?, "
	                     "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, d->at);
	sqlite3_bind_int(st, 2, d->op);
	sqlite3_bind_int64(st, 3, d->card_id);
	if (d->dup_key[0] != '\0')
		sqlite3_bind_text(st, 4, d->dup_key, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, d->acquirer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, d->stan, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, d->transmit, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, d->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, d->merchant, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, d->rrn, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, d->amount);
	sqlite3_bind_int(st, 12, d->currency);
	sqlite3_bind_text(st, 13, d->rc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, d->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 15, d->auth_code, -1, SQLITE_STATIC);
	if (memcmp(d->transfer_id, zero_id, 16) != 0)
		sqlite3_bind_blob(st, 16, d->transfer_id, 16, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 16);
	sqlite3_bind_int64(st, 17, d->original_id);
	sqlite3_bind_int64(st, 18, d->remaining);
	sqlite3_bind_int(st, 19, d->reversed);
	if ((rc = store_run(s, st)) == STORE_OK)
		d->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int one_decision(store *s, sqlite3_stmt *st, struct store_decision *out)
{
	int rc = store_row(s, st);

	if (rc == STORE_OK)
		read_decision(st, out);
	sqlite3_reset(st);
	return rc;
}

int store_decision_get(store *s, int64_t id, struct store_decision *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "SELECT " DECISION_COLUMNS " FROM decisions WHERE id = ?", &st)) !=
	    STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	return one_decision(s, st, out);
}

int store_decision_by_dup_key(store *s, const char *dup_key, struct store_decision *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "SELECT " DECISION_COLUMNS " FROM decisions WHERE dup_key = ?",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, dup_key, -1, SQLITE_STATIC);
	return one_decision(s, st, out);
}

int store_decision_original(store *s, int64_t card_id, unsigned ops, const char *auth_code,
                            const char *rrn, struct store_decision *out)
{
	bool by_auth = auth_code != NULL && (ops & ~STORE_DECISION_AUTH_OPS) == 0;
	sqlite3_stmt *st;
	int rc;

	/* By auth code through decisions_auth, whose WHERE the query repeats so that SQLite may
	 * use it; else by RRN through decisions_rrn, the auth code (when given) checked on the
	 * row. */
	if (by_auth)
		rc = store_stmt(
		    s,
		    "SELECT " DECISION_COLUMNS " FROM decisions WHERE card_id = ?1 AND "
		    "auth_code = ?3 AND op IN (2, 4) AND rc = '00' AND ((1 << op) & ?2) != 0 "
		    "ORDER BY id DESC LIMIT 1",
		    &st);
	else if (rrn != NULL)
		rc = store_stmt(
		    s,
		    "SELECT " DECISION_COLUMNS " FROM decisions WHERE rrn = ?4 AND "
		    "card_id = ?1 AND rc = '00' AND ((1 << op) & ?2) != 0 AND (?3 IS NULL "
		    "OR auth_code = ?3) ORDER BY id DESC LIMIT 1",
		    &st);
	else
		return STORE_EARG;
	if (rc != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, card_id);
	sqlite3_bind_int64(st, 2, ops);
	if (auth_code != NULL)
		sqlite3_bind_text(st, 3, auth_code, -1, SQLITE_STATIC);
	if (!by_auth)
		sqlite3_bind_text(st, 4, rrn, -1, SQLITE_STATIC);
	return one_decision(s, st, out);
}

int store_decision_for_reversal(store *s, const char *acquirer, const char *terminal,
                                const char *stan, unsigned ops, int64_t since,
                                struct store_decision *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(
	         s,
	         "SELECT " DECISION_COLUMNS " FROM decisions WHERE acquirer = ? AND "
	         "terminal = ? AND stan = ? AND ((1 << op) & ?) != 0 AND at >= ? ORDER BY id DESC "
	         "LIMIT 1",
	         &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, acquirer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, stan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ops);
	sqlite3_bind_int64(st, 5, since);
	return one_decision(s, st, out);
}

int store_decision_update(store *s, const struct store_decision *d)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s, "UPDATE decisions SET remaining = ?, reversed = ? WHERE id = ?",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, d->remaining);
	sqlite3_bind_int(st, 2, d->reversed);
	sqlite3_bind_int64(st, 3, d->id);
	return store_update(s, st);
}

/* ---- card authentications ---- */

#define CARDAUTH_COLUMNS                                                                           \
	"id, card_id, state, otp_hash, started_at, otp_expires, tries, verified_at, valid_until, " \
	"reason"

int store_cardauth_insert(store *s, struct store_cardauth *a)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "INSERT INTO cardauths (" CARDAUTH_COLUMNS
	                     ") VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, a->card_id);
	sqlite3_bind_int(st, 2, a->state);
	sqlite3_bind_text(st, 3, a->otp_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, a->started_at);
	sqlite3_bind_int64(st, 5, a->otp_expires);
	sqlite3_bind_int(st, 6, a->tries);
	sqlite3_bind_int64(st, 7, a->verified_at);
	sqlite3_bind_int64(st, 8, a->valid_until);
	sqlite3_bind_text(st, 9, a->reason, -1, SQLITE_STATIC);
	if ((rc = store_run(s, st)) == STORE_OK)
		a->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_cardauth_latest(store *s, int64_t card_id, bool decided, struct store_cardauth *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "SELECT " CARDAUTH_COLUMNS " FROM cardauths WHERE card_id = ?1 AND "
	                     "(?2 = 0 OR state IN (?3, ?4)) ORDER BY id DESC LIMIT 1",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, card_id);
	sqlite3_bind_int(st, 2, decided);
	sqlite3_bind_int(st, 3, STORE_CARDAUTH_VERIFIED);
	sqlite3_bind_int(st, 4, STORE_CARDAUTH_INVALID);
	if ((rc = store_row(s, st)) == STORE_OK) {
		memset(out, 0, sizeof *out);
		out->id = sqlite3_column_int64(st, 0);
		out->card_id = sqlite3_column_int64(st, 1);
		out->state = sqlite3_column_int(st, 2);
		store_column_text(st, 3, out->otp_hash, sizeof out->otp_hash);
		out->started_at = sqlite3_column_int64(st, 4);
		out->otp_expires = sqlite3_column_int64(st, 5);
		out->tries = sqlite3_column_int(st, 6);
		out->verified_at = sqlite3_column_int64(st, 7);
		out->valid_until = sqlite3_column_int64(st, 8);
		store_column_text(st, 9, out->reason, sizeof out->reason);
	}
	sqlite3_reset(st);
	return rc;
}

int store_cardauth_update(store *s, const struct store_cardauth *a)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_stmt(s,
	                     "UPDATE cardauths SET state = ?, tries = ?, verified_at = ?, "
	                     "valid_until = ?, reason = ? WHERE id = ?",
	                     &st)) != STORE_OK)
		return rc;
	sqlite3_bind_int(st, 1, a->state);
	sqlite3_bind_int(st, 2, a->tries);
	sqlite3_bind_int64(st, 3, a->verified_at);
	sqlite3_bind_int64(st, 4, a->valid_until);
	sqlite3_bind_text(st, 5, a->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, a->id);
	return store_update(s, st);
}
