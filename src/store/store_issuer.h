/* store_issuer.h — the issuer's part of the storage interface: cards, their daily counters,
 * authorization decisions and card authentications.
 *
 * Rows are plain structs; the issuer fills in and reads their fields, the store keeps them.
 * Secrets arrive already protected: a card's PAN, ID number and phone as AES-GCM ciphertexts
 * (hsm_data_encrypt) and the PAN's and one-time codes' keyed hashes as 64 hex digits; the
 * store never sees them in the clear. Functions return STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_ISSUER_H
#define POSSUM_STORE_ISSUER_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_HASH_HEX 64

struct store_card {
	int64_t id, account_id;
	char pan_hash[STORE_HASH_HEX + 1];
	struct store_sealed pan, id_number, phone;
	char masked[20], last4[5];
	int product, status;
	char expiry[5], service_code[4], psn[3];
	bool chip;
	int pvki;
	char pvv[5];
	char holder[65];          /* "": the name is sealed (issuer.6) */
	struct store_sealed name; /* the holder's name, encrypted; empty in rows of before */
	char language[3];
	int pin_tries;
	int atc; /* the highest application transaction counter seen; -1 none */
	int64_t replaced_by, created_at, updated_at;
};

/* Inserts c (c->id ignored) and sets c->id; STORE_EEXIST when its PAN hash is taken. */
int store_card_insert(store *s, struct store_card *c);
int store_card_get(store *s, int64_t id, struct store_card *out);
int store_card_by_hash(store *s, const char *pan_hash, struct store_card *out);
/* As store_card_get and store_card_by_hash, for a decision that changes the card: on
 * PostgreSQL the card's row locked to the transaction's end (SELECT … FOR UPDATE), so that a
 * decision of the same card on another host waits for this one's commit, then reads its daily
 * sums, tries and balance after it; on SQLite, one writer at a time, the same reads. */
int store_card_lock(store *s, int64_t id, struct store_card *out);
int store_card_lock_by_hash(store *s, const char *pan_hash, struct store_card *out);
/* The oldest card ending in last4, and how many do (*count; 0 with STORE_ENOTFOUND). */
int store_card_by_last4(store *s, const char *last4, struct store_card *out, int *count);
/* Calls fn for each card ending in last4, oldest first, until it returns non-zero. */
int store_card_each_last4(store *s, const char *last4,
                          int (*fn)(void *ctx, const struct store_card *c), void *ctx);
/* The card an account pays with: its newest card not replaced (of any status). */
int store_card_of_account(store *s, int64_t account_id, struct store_card *out);
/* Writes c's status, pin_tries, atc, replaced_by and updated_at. */
int store_card_update(store *s, const struct store_card *c);
/* Writes c's phone (sealed) and updated_at. */
int store_card_set_phone(store *s, const struct store_card *c);
/* Sets c's sealed name and its clear holder (blanked when sealing a row of before). */
int store_card_set_name(store *s, const struct store_card *c);
/* Calls fn for every card, oldest first, until it returns non-zero (returned). */
int store_card_each(store *s, int (*fn)(void *ctx, const struct store_card *c), void *ctx);

/* A card's use in one day (days since 1970-01-01 UTC). */
struct store_card_day {
	int64_t amount; /* approved spending */
	int count;      /* approved payments */
	int auths;      /* card authentications started */
};
/* Zeros when the card has no row for day. */
int store_card_day_get(store *s, int64_t card_id, int64_t day, struct store_card_day *out);
/* Adds d to the day's row, creating it. */
int store_card_day_add(store *s, int64_t card_id, int64_t day, const struct store_card_day *d);

struct store_decision {
	int64_t id, at;
	int op;
	int64_t card_id;  /* 0: no card was found */
	char dup_key[80]; /* acquirer|stan|transmit|class, unique; "" for none */
	char acquirer[12], stan[7], transmit[11], terminal[9], merchant[16], rrn[13];
	int64_t amount;
	int currency;
	char rc[3], reason[32], auth_code[7];
	uint8_t transfer_id[16]; /* all zero: no transfer */
	int64_t original_id;     /* the decision this one acts on */
	int64_t remaining;       /* what may still be refunded, completed or voided of it */
	bool reversed;
	bool link; /* the request came over the issuer's network link (another acquirer's) */
	int qr;    /* a QR payment's kind (enum request_qr); 0: a card's */
};

/* Inserts d (d->id ignored) and sets d->id; STORE_EEXIST when its dup_key is taken. */
int store_decision_insert(store *s, struct store_decision *d);
int store_decision_get(store *s, int64_t id, struct store_decision *out);
int store_decision_by_dup_key(store *s, const char *dup_key, struct store_decision *out);
/* The ops a decision can be named by its auth code alone: pre-authorization (2) and
 * completion (4), as decisions_auth's WHERE says. */
#define STORE_DECISION_AUTH_OPS ((1u << 2) | (1u << 4))

/* The latest approved decision of card_id among ops (a bit mask of 1 << op): by auth_code
 * when it is not NULL and ops are within STORE_DECISION_AUTH_OPS (rrn is then not looked at);
 * else by rrn, whose auth code must be auth_code when that is not NULL. STORE_EARG when
 * neither names it. */
int store_decision_original(store *s, int64_t card_id, unsigned ops, const char *auth_code,
                            const char *rrn, struct store_decision *out);
/* The latest approved QR decision (qr not 0) among ops (a bit mask of 1 << op) of rrn: a QR
 * refund's original, of whichever card paid it. */
int store_decision_qr_original(store *s, unsigned ops, const char *rrn, struct store_decision *out);
/* The latest decision among ops (a bit mask of 1 << op) of acquirer, terminal and stan made
 * at or after since. */
int store_decision_for_reversal(store *s, const char *acquirer, const char *terminal,
                                const char *stan, unsigned ops, int64_t since,
                                struct store_decision *out);
/* Writes d's remaining and reversed. */
int store_decision_update(store *s, const struct store_decision *d);

/* Card authentications (卡鉴权): a one-time code sent, then confirmed. */
enum store_cardauth_state {
	STORE_CARDAUTH_PENDING = 1, /* code sent, not yet confirmed */
	STORE_CARDAUTH_VERIFIED,
	STORE_CARDAUTH_FAILED,  /* too many wrong codes, or expired */
	STORE_CARDAUTH_INVALID, /* verified, later invalidated (reason) */
};

struct store_cardauth {
	int64_t id, card_id;
	int state;
	char otp_hash[STORE_HASH_HEX + 1];
	int64_t started_at, otp_expires;
	int tries;
	int64_t verified_at, valid_until;
	char reason[32];
};

int store_cardauth_insert(store *s, struct store_cardauth *a);
/* The card's latest authentication; with decided, the latest verified or invalidated one
 * (what the card's standing is: an attempt pending or failed since changes nothing). */
int store_cardauth_latest(store *s, int64_t card_id, bool decided, struct store_cardauth *out);
/* Writes a's state, tries, verified_at, valid_until and reason. */
int store_cardauth_update(store *s, const struct store_cardauth *a);

#endif
