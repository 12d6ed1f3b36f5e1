/* settle_close.h — the close of a day (docs/settle.md "The close of a day"): the approved
 * purchases, completions and refunds of a settlement date, net of voids and reversals, become
 * settlement lines with their fees (the merchant's plan by the channel, card or QR, and the
 * card's product), each merchant's totals of the day (QR's apart) with its payout date, and
 * the ledger's postings: gross from the local issuer's receivable to the merchant's payable,
 * fees from the payable to fee income, refunds and returned fees back; the receivable cleared
 * against what the local issuer posted for the same transactions; the holds past their
 * timeout released. A void or reversal of the
 * date whose original already has a line (written by an earlier close) undoes it by a
 * counter-line keyed by its own row; a purchase voided when its day closed settles on the date
 * its void is reversed (docs/settle.md "Late voids and reversals").
 *
 * In parts, so that a big day does not hold the store's one writer lock for long: the lines
 * are written part by part (a store transaction each, of at most p->part transactions of the
 * day, by MID then id), each part committed before the next; then one final transaction sums
 * the day's lines into each merchant's totals, makes the postings and marks the day closed.
 * What is atomic: each part, and the final transaction. A close killed anywhere leaves some
 * parts' lines and nothing else: the day is not closed, it has no totals and no postings, and
 * a reader of the day (statements, payouts, `admin settle run`'s output) sees it only once it
 * is closed. Run again, it writes the lines still missing (a line's key is its transaction's
 * id: a transaction that has one is skipped, and a refund's returned fee reads the lines of the
 * earlier refunds) and then the final transaction, whose totals come from the lines alone; the
 * ledger's transfer ids are derived from the date, the merchant and the kind of posting. So a
 * close killed and run again gives what one run gives. A closed day is not closed again:
 * settle_close() says so and the stored result stands.
 *
 * One run at a time: each part and the final transaction take (renew) the day's lease in the
 * store for p->owner, for p->lease_s seconds of the database's clock (store_lease_now()); a
 * lease of another owner still running refuses the close (SETTLE_EBUSY), unless its owner's
 * process is gone (store_lease_gone(): on PostgreSQL no connection holds its advisory lock, on
 * SQLite a pid of this machine no longer running): then it is taken over at once.
 *
 * Above the store, ledger and card (library) and below the acquirer: it reads the acquirer's
 * rows through the store (store_settle.h). Returns SETTLE_OK or a SETTLE_E* code (settle.h). */
#ifndef POSSUM_SETTLE_CLOSE_H
#define POSSUM_SETTLE_CLOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card/card.h"
#include "settle/settle.h"
#include "store/store.h"

/* A fee plan (the [merchant] defaults, or a merchant's own): basis points and the debit cap
 * in fen. Credit cards pay credit_bp; debit and prepaid cards debit_bp capped at debit_cap; a
 * card no BIN range knows pays credit_bp; a QR-code payment (channel qr) pays qr_bp, uncapped,
 * whatever the card's product. */
struct settle_plan {
	int credit_bp, debit_bp, qr_bp;
	int64_t debit_cap;
};

/* The channel a line is paid through (docs/settle.md "Channels"): its transaction's, a card
 * presented or a QR code (docs/qr.md); a refund or counter-line its original's. */
enum settle_channel { SETTLE_CHANNEL_CARD, SETTLE_CHANNEL_QR, SETTLE_CHANNELS };
/* SETTLE_CHANNEL_QR for "qr", else SETTLE_CHANNEL_CARD (NULL, "", "card"). */
int settle_channel_of(const char *name);
/* "card", "qr". */
const char *settle_channel_name(int channel);

/* What lines of one channel come to: how many, Σ amount, Σ fee, Σ net (fen). */
struct settle_figures {
	int64_t count, amount, fees, net;
};
/* A merchant's totals of a day by channel: its qr lines' as the close kept them, the card's
 * the rest. */
struct store_settle_total;
void settle_total_channels(const struct store_settle_total *t,
                           struct settle_figures out[SETTLE_CHANNELS]);

struct settle_close_params {
	const struct settle_calendar *cal;
	int utc_offset;                    /* [host] utc_offset: the cut-off is local time */
	bool refund_fee_keep;              /* [settle] refund_fee = keep: a refund returns no fee */
	const struct card_bin_range *bins; /* the issuer's BIN ranges: the card's product */
	size_t nbins;
	struct settle_plan plan; /* for a merchant without a plan of its own */
	int64_t now;             /* Unix seconds: the day must be past its cut-off */
	/* The local issuer's settlement account in the ledger (0: none): what the issuer posted
	 * for the day's transactions is cleared against "receivable:local". */
	int64_t issuer_account;
	size_t part;       /* transactions a part (0: SETTLE_CLOSE_PART) */
	const char *owner; /* who takes the day's lease ("KIND:HOST:PID"; NULL: "settle") */
	int64_t lease_s;   /* for how long, from each part (0: SETTLE_CLOSE_LEASE_S) */
	/* Called after each line written (SETTLE_STEP_ITEM: done lines of total, the day's
	 * transactions still without a line when the run began), after each part committed, and in
	 * the final transaction before its commit (NULL: none): a progress bar, or a test's hook to
	 * kill the close there (POSSUM_SETTLE_FAULT). total is 0 unless count. */
	settle_progress_fn *progress;
	void *ctx;
	bool count; /* count the lines to go first, for the progress's total (a bar's) */
};

#define SETTLE_CLOSE_PART    10000
#define SETTLE_CLOSE_LEASE_S (5 * 60)

struct settle_close_result {
	int32_t date;
	bool already; /* it was closed before: nothing done */
	size_t lines, merchants;
	int64_t closed_at;
	size_t expired;  /* holds released by this run: pre-authorizations past their timeout */
	size_t parts;    /* parts this run committed */
	char holder[64]; /* SETTLE_EBUSY: who holds the day's lease */
};

/* Closes settlement date date (YYYYMMDD): SETTLE_OK (r->already when it was closed before),
 * SETTLE_EEARLY when the day is not yet past its cut-off at p->now, SETTLE_EBUSY (r->holder),
 * or a failure (the parts committed before it stay, the day open). Opens its own store
 * transactions (not inside another). */
int settle_close(store *s, const struct settle_close_params *p, int32_t date,
                 struct settle_close_result *r);

/* The latest settlement date past its cut-off at p->now: the day before now's. */
int settle_close_due(const struct settle_close_params *p, int32_t *date);

/* The oldest settlement date due to close at p->now: the first day with transactions after
 * the latest day closed (at most SETTLE_CLOSE_BACK days before the latest due; before any day
 * was closed, only the latest due), else the latest due itself (settle_close_due()). */
#define SETTLE_CLOSE_BACK 31
int settle_close_next(store *s, const struct settle_close_params *p, int32_t *date);

/* The ledger account of a merchant's payable ("payable:MID") and the others the close posts
 * to ("fee_income", "receivable:local", "payouts"), by name: *id, created (CNY) when missing. */
int settle_account(store *s, const char *name, int64_t now, int64_t *id);

/* A posting of amount (fen, CNY) from account from to account to (by name, settle_account()),
 * transfer code code, its id derived from key: made once (the same again is a retry). */
int settle_transfer(store *s, const char *from, const char *to, int code, const char *key,
                    int64_t amount, int64_t now);

#endif
