/* store_risk.h — the risk module's part of the storage interface (docs/risk.md): the context
 * of a transaction read from the acquirer's rows (acq_txns) in the caller's transaction, so
 * that the earlier requests of the same batch count; the rules that fired on each request;
 * the cases opened for review; the blocked and watched lists of cards (by their keyed hash,
 * shown masked), terminals and merchants.
 *
 * A payment is an approved (rc 00), unreversed purchase, pre-authorization or completion; a
 * decline a request of those types answered otherwise. Times are Unix seconds.
 * Functions return STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_RISK_H
#define POSSUM_STORE_RISK_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* The windows, each by its start: 10 minutes, 30 minutes, 1 hour, 24 hours, the local day. */
enum {
	STORE_RISK_10M,
	STORE_RISK_30M,
	STORE_RISK_1H,
	STORE_RISK_24H,
	STORE_RISK_DAY,
	STORE_RISK_WINDOWS
};

/* What one card, terminal or merchant did in each window, counted by the minute
 * (store_risk_count_add()): the minutes from that of since[w] on; minutes before that of
 * `from` are not read (a window starting earlier reads as if they were none). */
struct store_risk_counts {
	int64_t count[STORE_RISK_WINDOWS], sum[STORE_RISK_WINDOWS];
	int64_t declines[STORE_RISK_WINDOWS];
};
/* who: STORE_RISK_CARD (key the keyed hash), _TERMINAL (the TID), _MERCHANT (the MID),
 * _CARD_MERCHANT (the card at a merchant: "HASH MID"; store_risk_card_merchant() reads it). */
enum { STORE_RISK_CARD, STORE_RISK_TERMINAL, STORE_RISK_MERCHANT, STORE_RISK_CARD_MERCHANT };
int store_risk_counts(store *s, int who, const char *key, const int64_t since[STORE_RISK_WINDOWS],
                      int64_t from, struct store_risk_counts *out);
/* A payment recorded at `at` for who's key: approved (its amount) or declined. */
int store_risk_count_add(store *s, int who, const char *key, int64_t at, bool approved,
                         int64_t amount);
/* The same for a payment's card (pan_hash), terminal, merchant and card at the merchant at
 * once: one statement, as the record stage counts each payment. */
int store_risk_count_payment(store *s, const char *pan_hash, const char *tid, const char *mid,
                             int64_t at, bool approved, int64_t amount);
/* The time of the card's last payment (from acq_txns), 0 none. */
int store_risk_last_payment(store *s, const char *pan_hash, int64_t *at);
/* The time of the last approved QR payment (docs/qr.md) at terminal tid by the holder whose
 * issuer_holder_key() is holder_key (NULL or "": by anyone), as store_risk_holder_qr_add()
 * kept it: *at, 0 none (the rule card_after_qr's holder_qr_gap). */
int store_risk_holder_qr_last(store *s, const char *tid, const char *holder_key, int64_t *at);
/* An approved QR payment by holder holder_key at terminal tid at `at`: the later time kept. */
int store_risk_holder_qr_add(store *s, const char *tid, const char *holder_key, int64_t at);
/* Merchant mid's approved purchases and completions, and its approved refunds, since day. */
int store_risk_merchant_day(store *s, const char *mid, int64_t day, int64_t *purchases,
                            int64_t *refunds);

/* A card's payments at one merchant: in 30 minutes (since30, by the minute), in the local day
 * starting at day (as store_risk_payment_add() kept them); of those in 30 minutes the ones in
 * the last 5% below a multiple of 1,000.00 (amount % 100000 >= 95000), of those in the day
 * the whole multiples of 1,000.00. */
struct store_risk_card_merchant {
	int64_t count_30m, split_30m, count_day, sum_day, round_day;
};
int store_risk_card_merchant(store *s, const char *pan_hash, const char *mid, int64_t since30,
                             int64_t day, struct store_risk_card_merchant *out);

/* The distinct cards that paid at terminal tid in the local day starting at day (as
 * store_risk_terminal_card_add() kept them), and whether pan_hash is one. */
int store_risk_terminal_cards(store *s, const char *tid, int64_t day, const char *pan_hash,
                              int64_t *cards, bool *seen);
/* An approved payment of amount by card pan_hash at terminal tid of merchant mid in the local
 * day starting at day: the card counted once among the terminal's, the payment among the
 * card's at the merchant. */
int store_risk_payment_add(store *s, const char *pan_hash, const char *tid, const char *mid,
                           int64_t day, int64_t amount);

/* ---- The rules that fired on a request ---- */
struct store_risk_hit {
	int64_t id, txn_id, at;
	char rule[32], action[20], rc[3];
	char numbers[512]; /* "name=value name=value" */
};
int store_risk_hit_add(store *s, struct store_risk_hit *h);
/* Calls fn for each hit of request txn_id, in order, until it returns non-zero (returned). */
int store_risk_hit_list(store *s, int64_t txn_id,
                        int (*fn)(void *ctx, const struct store_risk_hit *h), void *ctx);

/* ---- Cases ---- */
struct store_risk_case {
	int64_t id, opened_at;
	char status[8];    /* "open", "closed" */
	char txn_ids[256]; /* the requests' ids, comma-separated */
	char rrn[13], tid[9], mid[16], masked[20], pan_hash[65];
	char rules[256];    /* the rules that fired, comma-separated */
	char numbers[1024]; /* each rule's numbers: "rule: name=value …; rule: …" */
	char verdict[16];   /* "fraud", "legitimate"; "" while open */
	char reason[256];
	char closed_by[64];
	int64_t closed_at; /* 0 while open */
};
/* Opens c (its status set "open", its id set). */
int store_risk_case_open(store *s, struct store_risk_case *c);
int store_risk_case_get(store *s, int64_t id, struct store_risk_case *out);
/* Closes open case id with verdict, reason, by whom, when; STORE_ENOTFOUND when there is no
 * open case of that id. */
int store_risk_case_close(store *s, int64_t id, const char *verdict, const char *reason,
                          const char *by, int64_t at);
/* The cases newest first, a page at a time: open ones only when open_only, ids below
 * before_id (0: from the newest), limit of them (0: all). */
struct store_risk_case_page {
	bool open_only;
	int64_t before_id;
	size_t limit;
};
int store_risk_case_page(store *s, const struct store_risk_case_page *f,
                         int (*fn)(void *ctx, const struct store_risk_case *c), void *ctx);
/* The latest case that names request txn_id; STORE_ENOTFOUND when none does. */
int store_risk_case_by_txn(store *s, int64_t txn_id, struct store_risk_case *out);
/* The cases still open: *n. */
int store_risk_case_open_count(store *s, int64_t *n);

/* ---- Lists ---- */
struct store_risk_entry {
	char kind[12];   /* "card", "terminal", "merchant" */
	char key[65];    /* the card's keyed hash, the TID or the MID */
	char list[8];    /* "blocked", "watched" */
	char masked[20]; /* the card masked; the key for the others */
	char reason[256];
	int64_t at;
};
/* Adds e, or rewrites its reason and time when it is there. */
int store_risk_list_add(store *s, const struct store_risk_entry *e);
/* STORE_ENOTFOUND when kind's key is not on list. */
int store_risk_list_remove(store *s, const char *kind, const char *key, const char *list);
int store_risk_list_find(store *s, const char *kind, const char *key, const char *list,
                         struct store_risk_entry *out);
/* Calls fn for each entry, of kind (NULL: all) and list (NULL: both), by kind and key, until
 * it returns non-zero (returned). */
int store_risk_list_each(store *s, const char *kind, const char *list,
                         int (*fn)(void *ctx, const struct store_risk_entry *e), void *ctx);

/* Which of a transaction's card, terminal and merchant are on which list (any may be NULL). */
struct store_risk_listed {
	bool card_blocked, card_watched, terminal_blocked, terminal_watched, merchant_blocked,
	    merchant_watched;
};
int store_risk_listed(store *s, const char *pan_hash, const char *tid, const char *mid,
                      struct store_risk_listed *out);

/* ---- The replay (store/sqlite/replay.c) ---- */

/* The terminals' payments and refunds (kind 0) recorded at in [from, to), in time order (then
 * by id), for a replay of the rules: their id, at, tid, mid, batch, stan, kind, type, amount,
 * currency, masked, pan_hash, rrn, auth_code, rc, reason, decision_id (the rest zero). */
struct store_acq_txn;
int store_risk_replay_rows(store *s, int64_t from, int64_t to,
                           int (*fn)(void *ctx, const struct store_acq_txn *t), void *ctx);

#endif
