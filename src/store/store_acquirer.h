/* store_acquirer.h — the acquirer's part of the storage interface: merchants, their terminals
 * (with the terminal's keys wrapped under the LMK), one row per terminal request, the
 * tombstones of reversals whose original was never seen, the host's counters (network
 * STAN, RRN) and the risk events it raises.
 *
 * Rows are plain structs; the acquirer fills in and reads their fields, the store keeps them.
 * A PAN arrives only masked and as its keyed hash (64 hex digits); never in the clear.
 * Functions return STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_ACQUIRER_H
#define POSSUM_STORE_ACQUIRER_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

enum store_merchant_status {
	STORE_MERCHANT_ACTIVE = 1,
	STORE_MERCHANT_SUSPENDED,
	STORE_MERCHANT_CLOSED,
	/* MID given, not yet active (device testing, agreement: docs/merchant.md): its terminals
	 * are registered and keyed, none serves. */
	STORE_MERCHANT_ONBOARDING,
};

struct store_merchant {
	char mid[16], name[129], mcc[5];
	int status;
	int64_t created_at;
};

/* STORE_EEXIST when the MID is taken. */
int store_merchant_insert(store *s, const struct store_merchant *m);
int store_merchant_get(store *s, const char *mid, struct store_merchant *out);
/* Writes m's name alone (by its MID); STORE_ENOTFOUND: no such merchant. */
int store_merchant_set_name(store *s, const struct store_merchant *m);
/* Writes merchant mid's status (enum store_merchant_status). */
int store_merchant_set_status(store *s, const char *mid, int status);

enum store_terminal_status {
	STORE_TERMINAL_ACTIVE = 1,
	STORE_TERMINAL_SUSPENDED,
	STORE_TERMINAL_RETIRED,    /* its SN is free to be bound again */
	STORE_TERMINAL_REGISTERED, /* bound and keyed, not yet in service */
};

#define STORE_ADDRESS_MAX 257 /* bytes of a terminal's registered address, with its NUL */

/* A terminal's downloads still needed (its tms_pending column, docs/tms.md "Downloads"). */
#define STORE_TMS_PENDING_PARAMS  1
#define STORE_TMS_PENDING_CAPK    2
#define STORE_TMS_PENDING_AID     4
#define STORE_TMS_PENDING_PACKAGE 8 /* a software update (docs/tms.md "Software updates") */
#define STORE_TMS_PENDING_ALL                                                                      \
	(STORE_TMS_PENDING_PARAMS | STORE_TMS_PENDING_CAPK | STORE_TMS_PENDING_AID)

struct store_terminal {
	char tid[9], mid[16], sn[51];
	int status;
	char tmk[STORE_KEY_MAX]; /* K0 */
	char pik[STORE_KEY_MAX]; /* P0, from the last sign-in; "" before */
	char mak[STORE_KEY_MAX]; /* M1 */
	char tdk[STORE_KEY_MAX]; /* M1: the track key (59.A2.04) */
	int batch;               /* 60.2, 1..999999 */
	bool signed_in;
	int64_t last_seen, created_at;
	/* Its registered place: an address and coordinates in micro-degrees. */
	char address[STORE_ADDRESS_MAX];
	int64_t lat, lon;
	char version[17];    /* the application version it last reported (59.A2.05) */
	int64_t last_signin; /* 0: never */
	int64_t next_review; /* its periodic review; 0: none (not active yet) */
	bool tmk_issued;     /* its TMK has been handed out (once per key) */
	/* The location it last reported (59.A2.06), in micro-degrees, and when; 0 at: never. */
	int64_t reported_lat, reported_lon, reported_at;
	char model[33]; /* its model (docs/tms.md "Terminal models"); "" none */
	/* Its downloads (docs/tms.md "Downloads", acquirer.16): the versions of the parameters, CA
	 * keys and AIDs it confirmed it holds ("" none), and the sets it still needs
	 * (STORE_TMS_PENDING_* bits), which the answers' processing-request nibble asks for. */
	char params_held[9], capk_held[9], aid_held[9];
	int tms_pending;
	/* The last software installation it reported failed (0820 391 OK 0, acquirer.17): the
	 * package's version and its reason, "" none since its last success. */
	char update_failed[96];
};

/* STORE_EEXIST when the TID is taken or the SN is bound to a terminal that is not retired. */
int store_terminal_insert(store *s, const struct store_terminal *t);
int store_terminal_get(store *s, const char *tid, struct store_terminal *out);
/* Writes every column of t but its TID, its creation time and tms_pending (which
 * store_terminal_pending() and store_tms_mark() change, each in one statement: a row read and
 * written back never undoes an operator's mark made in between); STORE_EEXIST when its SN is
 * bound to another terminal that is not retired. */
int store_terminal_update(store *s, const struct store_terminal *t);
/* tms_pending of the terminal tid becomes (tms_pending & keep) | add, as the row is when the
 * statement runs; STORE_ENOTFOUND: no such terminal. */
int store_terminal_pending(store *s, const char *tid, int64_t keep, int64_t add);
/* Writes t's reported location and its time (reported_lat, reported_lon, reported_at) alone. */
int store_terminal_set_reported(store *s, const struct store_terminal *t);

/* Which terminals store_terminal_list() reads, by TID: each field NULL or 0 for any. */
struct store_terminal_filter {
	const char *mid;
	const char *after; /* TIDs greater than this only: to page on */
	int64_t review_by; /* active terminals whose next review is at or before this only */
	size_t limit;      /* 0: no limit */
};

/* Calls fn for each terminal of f in TID order until it returns non-zero (returned). */
int store_terminal_list(store *s, const struct store_terminal_filter *f,
                        int (*fn)(void *ctx, const struct store_terminal *t), void *ctx);

/* What a terminal's requests say of it: its last request row, and the reversals it sent. */
struct store_terminal_activity {
	int64_t last_at; /* 0: no request row */
	char last_type[20], last_rc[3], last_rrn[13];
	int64_t last_amount;
	int last_currency;
	int reversals_batch; /* reversal rows of its batch `batch` */
	int reversals;       /* reversal rows of every batch */
};
int store_terminal_activity(store *s, const char *tid, int batch,
                            struct store_terminal_activity *out);

/* A risk event the host raised (a terminal reporting another SN, …), for the risk rules to
 * read: kind ("sn_mismatch", …), the terminal, a line of detail (never a card or key). */
struct store_risk_event {
	int64_t id, at;
	char kind[32], tid[9], detail[256];
};
/* Appends e (e->id ignored) and sets e->id. */
int store_risk_event_add(store *s, struct store_risk_event *e);
/* Calls fn for each event of terminal tid (NULL: all), oldest first, until it returns
 * non-zero (returned). */
int store_risk_event_list(store *s, const char *tid,
                          int (*fn)(void *ctx, const struct store_risk_event *e), void *ctx);

/* A terminal request (kind 0), or a reversal (kind 1) of the request with the same TID, batch
 * and STAN. */
struct store_acq_txn {
	int64_t id, at;
	char tid[9], mid[16];
	int batch;
	char stan[7];
	int kind;
	char type[20]; /* "purchase", "refund", …: acquirer.c's names */
	int64_t amount;
	int currency;
	char masked[20], pan_hash[65];
	char rrn[13], auth_code[7], rc[3], reason[32];
	int64_t decision_id; /* the issuer's decision; 0 none */
	char net_stan[7];    /* the STAN used towards the issuer */
	int64_t original_id; /* a reversal: the row reversed; 0 none (a tombstone); an approved
	                        follow-up: the request it acted on; 0 none */
	bool reversed;
	char settle_date[11]; /* YYYY-MM-DD: the settlement date of its decision (settle.h) */
	/* What became of a payment: voided, and how much of it was refunded (minor units), each
	 * written with the void, completion void or refund that did it, undone with its reversal;
	 * of a pre-authorization: cancelled (voided) and how much was completed, which stay (the
	 * issuer gives no hold back when the cancel or completion is reversed). */
	bool voided;
	int64_t refunded;
	char original_rrn[13]; /* a follow-up (void, refund, completion, its void, a cancel): the
	                          RRN of the original it named, or found by auth code; "" none */
	int64_t completed;
	/* Where it came from (enum store_acq_source): a terminal's (a row of acq_txns), or over
	 * the issuer's link (an issuer decision's, store_acq_txn_search() only: then no tid, mid,
	 * batch or pan_hash; id the decision's; acquirer the acquirer's institution (field 32);
	 * op its type as a number (request.h), type ""). */
	int source;
	char acquirer[12];
	int op;
	/* How it was paid: "card", or "qr" (docs/qr.md: a payment code scanned, or the terminal's
	 * static code paid by a wallet; a QR refund or reversal keeps its original's). */
	char channel[5];
	/* Where it went (schema/acquirer.9.sql): "local", a network link's name, "" nowhere. */
	char route[33];
};

/* STORE_EEXIST when a row of that TID, batch, STAN and kind exists. */
int store_acq_txn_insert(store *s, struct store_acq_txn *t);
int store_acq_txn_find(store *s, const char *tid, int batch, const char *stan, int kind,
                       struct store_acq_txn *out);
/* The request (kind 0) of that RRN, the latest if several; STORE_ENOTFOUND when none. */
int store_acq_txn_by_rrn(store *s, const char *rrn, struct store_acq_txn *out);
/* The row of that id; STORE_ENOTFOUND when none. */
int store_acq_txn_get(store *s, int64_t id, struct store_acq_txn *out);
/* The latest approved request (kind 0) of that type, card (pan_hash) and auth code: the
 * original a pre-authorization's follow-up or a completion's void names by its field 38. */
int store_acq_txn_by_auth(store *s, const char *type, const char *pan_hash, const char *auth_code,
                          struct store_acq_txn *out);
/* The request over the issuer's link (read as store_acq_txn_search() reads it) of that RRN,
 * the latest if several, but that a follow-up (which over the link repeats its original's RRN)
 * comes after any other; STORE_ENOTFOUND when none. */
int store_acq_link_by_rrn(store *s, const char *rrn, struct store_acq_txn *out);

/* Which requests (kind 0) store_acq_txn_search() reads: each criterion NULL, "" or 0 (amount:
 * negative) for any. */
enum store_acq_status {
	STORE_ACQ_ANY = 0,
	STORE_ACQ_APPROVED,  /* rc 00, not reversed, voided, cancelled, completed or refunded
	                        in full */
	STORE_ACQ_DECLINED,  /* any other rc */
	STORE_ACQ_REVERSED,  /* approved, then reversed */
	STORE_ACQ_VOIDED,    /* approved, then voided */
	STORE_ACQ_REFUNDED,  /* approved, then refunded in full */
	STORE_ACQ_CANCELLED, /* a pre-authorization approved, then cancelled */
	STORE_ACQ_COMPLETED, /* a pre-authorization approved, then completed */
};
/* The request types (request.h's enum request_type, as the issuer's decisions keep them in op)
 * that the link's listing tells apart; the acquirer checks them against request.h. */
#define STORE_OP_PREAUTH         2
#define STORE_OP_PREAUTH_CANCEL  3
#define STORE_OP_COMPLETION      4
#define STORE_OP_COMPLETION_VOID 5
#define STORE_OP_PURCHASE        6
#define STORE_OP_VOID            7
#define STORE_OP_REFUND          8
#define STORE_OP_REVERSAL        9
enum store_acq_source {
	STORE_ACQ_TERMINAL = 0, /* the host's terminals' requests */
	STORE_ACQ_LINK,         /* the requests of other acquirers over the issuer's link */
};
struct store_acq_txn_filter {
	int64_t from, to; /* at in [from, to) */
	const char *tid, *mid;
	const char *card;    /* the masked PAN, or its last 4 digits */
	int64_t amount;      /* minor units; negative: any */
	int status;          /* enum store_acq_status */
	int64_t after_id;    /* rows with a greater id only: to page on */
	size_t limit;        /* 0: no limit */
	int source;          /* enum store_acq_source: the link's have no tid or mid to match */
	const char *channel; /* "card" or "qr" (the link's are all "card") */
};
/* Calls fn for each request of f, oldest first, until it returns non-zero (which is
 * returned): of the terminals, or with f->source STORE_ACQ_LINK those of the issuer's link,
 * but reversals (the issuer's decisions, read as a terminal's request is: a payment voided,
 * refunded by amount less remaining, reversed). */
int store_acq_txn_search(store *s, const struct store_acq_txn_filter *f,
                         int (*fn)(void *ctx, const struct store_acq_txn *t), void *ctx);

/* docs/cup-pos.md "QR results": terminal tid's approved, unreversed payments by its static
 * code (rows of batch 0, channel "qr", type "purchase") with an id greater than after_id and at
 * at or after since, oldest first, limit of them at most: fn is called for each until it
 * returns non-zero (which is returned). */
int store_acq_qr_results(store *s, const char *tid, int64_t after_id, int64_t since, size_t limit,
                         int (*fn)(void *ctx, const struct store_acq_txn *t), void *ctx);

/* Writes t's reversed, voided, refunded and completed. */
int store_acq_txn_update(store *s, const struct store_acq_txn *t);
/* Writes t's decision: rc, reason, auth_code, original_id and original_rrn (a request answered
 * by its link after its row was written: acquirer/link.c). */
int store_acq_txn_decided(store *s, const struct store_acq_txn *t);

/* What a terminal's batch holds, approved and not reversed: payments (purchases,
 * completions) and what goes back (refunds, voids, completion voids). */
struct store_acq_totals {
	int64_t sales_amount, refund_amount;
	int sales_count, refund_count;
};
int store_acq_totals(store *s, const char *tid, int batch, struct store_acq_totals *out);

/* What merchant mid's requests hold, approved and not reversed, at in [from, to) (to 0: no
 * end), classified as store_acq_totals() does: fn is called once per currency (ISO 4217
 * numeric), in ascending order, until it returns non-zero (which is returned). */
int store_acq_merchant_totals(store *s, const char *mid, int64_t from, int64_t to,
                              int (*fn)(void *ctx, int currency, const struct store_acq_totals *t),
                              void *ctx);

/* A merchant's takings (the console's charts): its payments (purchases, completions) approved
 * and neither reversed nor voided, at in [from, to) (to 0: no end), counted and summed in
 * buckets of step seconds from from (an hour, a day), per card product, channel and currency. */
struct store_acq_takings_filter {
	const char *mid;
	int64_t from, to, step;
};
struct store_acq_takings {
	int64_t at;      /* the bucket's start: from + n * step */
	char product[8]; /* "debit", "credit", "prepaid", or "" (no card of the issuer) */
	char channel[5]; /* "card" or "qr" */
	int currency;
	int count;
	int64_t amount; /* minor units, before any refund */
};
/* Calls fn for each bucket, product, channel and currency that has a payment, in that order,
 * until it returns non-zero (which is returned). */
int store_acq_takings(store *s, const struct store_acq_takings_filter *f,
                      int (*fn)(void *ctx, const struct store_acq_takings *t), void *ctx);

/* STORE_OK when the card of pan_hash has an approved, unreversed request at merchant mid,
 * STORE_ENOTFOUND when not (its first use there). */
int store_acq_card_seen(store *s, const char *pan_hash, const char *mid);

/* A reversal whose original was never seen: a later original with that TID, batch and STAN
 * is refused. */
int store_acq_tombstone_add(store *s, const char *tid, int batch, const char *stan, int64_t at);
/* What a request's identity (TID, batch, STAN) met before, in one query (the duplicate stage's
 * two lookups: store_acq_txn_find() of kind 0, then its tombstone): *seen
 * STORE_ACQ_SEEN_TXN, a request of that identity recorded; else STORE_ACQ_SEEN_TOMBSTONE, a
 * reversal that came first named it; else STORE_ACQ_SEEN_NONE. */
#define STORE_ACQ_SEEN_NONE      0
#define STORE_ACQ_SEEN_TXN       1
#define STORE_ACQ_SEEN_TOMBSTONE 2
int store_acq_seen(store *s, const char *tid, int batch, const char *stan, int *seen);
/* Claims a request's identity (TID, batch, STAN) for the transaction, before it is looked up:
 * on PostgreSQL a lock another host's claim of the same identity waits on until this
 * transaction ends, so that a retransmission in flight on two hosts at once is looked up by the
 * second after the first's commit, and found (94); on SQLite, one writer at a time, STORE_OK
 * without a query. */
int store_acq_claim(store *s, const char *tid, int batch, const char *stan);
/* The tombstones recorded at or after since: *n. */
int store_acq_tombstone_count(store *s, int64_t since, int64_t *n);

/* The next value of the counter called name (1 the first time). */
int store_acq_next(store *s, const char *name, int64_t *out);

/* ---- What the operations console reads (docs/api.md "Operations"; store/sqlite/live.c) ----
 * The requests (kind 0) of the host's terminals made at [from, to), read by the primary key:
 * the rows' ids are looked up by their times (a binary search on id), on the promise that a
 * row is written within STORE_ACQ_SKEW_S seconds of the order of its time, so that no index on
 * the time is needed and only the window's rows are read. */
#define STORE_ACQ_SKEW_S 60
struct store_acq_window {
	int64_t from, to;
};
/* One second's requests and how many of them were approved (rc 00). */
struct store_acq_second {
	int64_t at, requests, approved;
};
/* Calls fn for each second of w that had a request, oldest first, until it returns non-zero. */
int store_acq_seconds(store *s, const struct store_acq_window *w,
                      int (*fn)(void *ctx, const struct store_acq_second *x), void *ctx);
/* How many requests of w were answered each response code. */
struct store_acq_rc_count {
	char rc[3];
	int64_t count;
};
/* Calls fn for each response code answered in w, the most frequent first, until it returns
 * non-zero. */
int store_acq_rc_counts(store *s, const struct store_acq_window *w,
                        int (*fn)(void *ctx, const struct store_acq_rc_count *x), void *ctx);

#endif
