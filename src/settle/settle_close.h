/* settle_close.h — the close of a day (docs/settle.md "The close of a day"): the approved
 * purchases, completions and refunds of a settlement date, net of voids and reversals, become
 * settlement lines with their fees (the merchant's plan by the card's product), each
 * merchant's totals of the day with its payout date, and the ledger's postings: gross from the
 * local issuer's receivable to the merchant's payable, fees from the payable to fee income,
 * refunds and returned fees back.
 *
 * The whole close of a day is one store transaction — lines, totals, postings and the day
 * marked closed — so a close killed anywhere leaves nothing of itself and a rerun starts from
 * the same rows (nothing settles twice: a line's key is its transaction's id; the ledger's
 * transfer ids are derived from the date, the merchant and the kind of posting). A closed day
 * is not closed again: settle_close() says so and the stored result stands.
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
 * card no BIN range knows pays credit_bp. */
struct settle_plan {
	int credit_bp, debit_bp, qr_bp;
	int64_t debit_cap;
};

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
	/* Called after each line written, inside the transaction (NULL: none): a test's hook to
	 * kill the close midway (POSSUM_SETTLE_FAULT). */
	void (*on_line)(void *ctx, size_t lines);
	void *ctx;
};

struct settle_close_result {
	int32_t date;
	bool already; /* it was closed before: nothing done */
	size_t lines, merchants;
	int64_t closed_at;
	size_t expired; /* holds released by this run: pre-authorizations past their timeout */
};

/* Closes settlement date date (YYYYMMDD): SETTLE_OK (r->already when it was closed before),
 * SETTLE_EEARLY when the day is not yet past its cut-off at p->now, or a failure (nothing
 * written). Opens its own store transaction (not inside another). */
int settle_close(store *s, const struct settle_close_params *p, int32_t date,
                 struct settle_close_result *r);

/* The latest settlement date past its cut-off at p->now: the day before now's. */
int settle_close_due(const struct settle_close_params *p, int32_t *date);

/* The ledger account of a merchant's payable ("payable:MID") and the others the close posts
 * to ("fee_income", "receivable:local", "payouts"), by name: *id, created (CNY) when missing. */
int settle_account(store *s, const char *name, int64_t now, int64_t *id);

/* A posting of amount (fen, CNY) from account from to account to (by name, settle_account()),
 * transfer code code, its id derived from key: made once (the same again is a retry). */
int settle_transfer(store *s, const char *from, const char *to, int code, const char *key,
                    int64_t amount, int64_t now);

#endif
