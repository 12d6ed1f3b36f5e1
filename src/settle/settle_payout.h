/* settle_payout.h — payouts (docs/settle.md "Payouts"): on its payout date a merchant's net of
 * a settled day is paid to its settlement card. A run of date D takes, merchant by merchant,
 * every total still owed whose payout date is D or before — negative days too — and sums
 * them with the merchant's approved adjustments no payout holds yet (settle_adjust.h): a sum
 * above zero becomes one payout (status "made") of all those days and adjustments to the card
 * in effect, when the merchant may be paid; else they stay owed, each day with the reason kept
 * ("carried_forward": a sum of zero or less, which offsets the merchant's next payout; or the
 * payee's reason, "no_settlement_card", …). A made payout moves its amount in the ledger from
 * "payable:MID" to "payouts" (the clearing account of what is sent to the bank), its transfer
 * id derived from the payout's id.
 *
 * A run is one store transaction; the days a payout holds are no longer owed, so a second run
 * of the same date makes nothing twice. Several hosts on one PostgreSQL: a run first takes the
 * lease "payout:YYYY-MM-DD" (store_lease.h; refused, SETTLE_EBUSY: another host runs it; on
 * SQLite, whose single writer runs one run at a time, none is taken), and each day and
 * adjustment is marked only while still owed, so that a run that outlived its lease and finds
 * one taken by another run is rolled back whole (SETTLE_EBUSY), never paying twice. Whether a
 * merchant may be paid, and to which card, is the caller's to say (the composition root asks the
 * merchant module). Returns SETTLE_OK or a SETTLE_E* code (settle.h). */
#ifndef POSSUM_SETTLE_PAYOUT_H
#define POSSUM_SETTLE_PAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card/card.h"
#include "hsm/hsm.h"
#include "settle/settle.h"
#include "store/store.h"

/* Whether a merchant may be paid now, and to which card. */
struct settle_payee {
	bool ready;
	char reason[32]; /* why not, when not ready */
	char card[20];   /* masked */
	int64_t card_id; /* the issuer's */
};

struct settle_payout_params {
	int64_t now;
	/* Fills *out for merchant mid: SETTLE_OK, or a failure that ends the run (nothing kept). */
	int (*payee)(void *ctx, const char *mid, struct settle_payee *out);
	void *ctx;
	/* Called after each merchant's due days (SETTLE_STEP_ITEM: done days of total), inside the
	 * run's transaction (NULL: none): a progress bar, or a test's fault hook. */
	settle_progress_fn *progress;
	void *progress_ctx;
	const char *owner; /* the lease's holder (NULL: store_lease_holder("settle")) */
	int64_t lease_ms;  /* its time (0: SETTLE_PAYOUT_LEASE_MS) */
};
#define SETTLE_PAYOUT_LEASE_MS (5 * 60 * 1000)

struct settle_payout_result {
	size_t made;      /* payouts made by this run */
	int64_t amount;   /* their sum, fen */
	size_t owed_days; /* days due that still wait */
};

/* Makes the payouts due on date (YYYYMMDD), in one store transaction of its own, under the
 * date's lease on PostgreSQL (released after). SETTLE_EBUSY: another run holds the lease, or took a
 * day or adjustment of this run first (nothing made by this one). */
int settle_payouts_run(store *s, const struct settle_payout_params *p, int32_t date,
                       struct settle_payout_result *r);

/* The bank's answer about a payout: a line "payout_id,status,bank_reference" of its file,
 * status "paid" or "failed". */
struct settle_answer {
	int64_t payout_id;
	bool paid;
	char bank_reference[64];
};
/* Reads one line (without its newline) into *out: SETTLE_OK, or SETTLE_EARG with why (a
 * static text: "not payout_id,status,bank_reference", "a bad payout id", …). */
int settle_answer_parse(const char *line, struct settle_answer *out, const char **why);

struct settle_confirm_result {
	size_t paid, failed, unchanged; /* unchanged: answered before, the same */
	size_t bad;                     /* on failure, the index of the answer refused */
	const char *why;                /* and why */
};
/* Applies the bank's answers a[0..n) in one store transaction: a made payout answered paid
 * becomes paid and its amount moves in the ledger from "payouts" to "paid_out"; answered
 * failed, it becomes failed (reason "bank_failed"), its ledger transfer is reversed (back to
 * "payable:MID") and its days (reason "payout_failed") and adjustments are owed again, for the
 * next run. An
 * answer the payout has already (the same status) changes nothing. SETTLE_EARG with r->bad and
 * r->why when an answer names no payout or contradicts one answered before: nothing changed;
 * SETTLE_EBUSY (r->bad, r->why) when another run answered that payout meanwhile (another
 * host): nothing changed either. */
int settle_payouts_confirm(store *s, const struct settle_answer *a, size_t n, int64_t now,
                           struct settle_confirm_result *r);

/* The name of the holder of the issuer's card card_id into name, "" when the card is not
 * known: SETTLE_OK, else SETTLE_EHSM (the name could not be unsealed) or SETTLE_ESTORE. */
typedef int (*settle_holder_fn)(void *ctx, int64_t card_id, char name[65]);

/* The summary of the payouts of date for people (docs/settle.md "The summary files"): writes
 * DIR/DATE.csv and DIR/DATE.json (dir made, mode 0700, when missing), each mode 0600 through a
 * temporary file renamed, with the columns payout_id, mid, merchant_name, card (masked),
 * account_name (the card's holder as the issuer keeps it, else the merchant's name), amount
 * (yuan, "3764.64"), currency, settle_dates and reference (settle_payout_reference()).
 * *rows: how many payouts. The holders' names are sealed in the store: holder(ctx, ...) gives
 * them (NULL: the merchant's name stands for each). SETTLE_OK, SETTLE_ESTORE, SETTLE_EIO when
 * a file failed, or what holder returned. */
int settle_payouts_summary(store *s, settle_holder_fn holder, void *ctx, const char *dir,
                           int32_t date, size_t *rows);

/* The reference of payout id of date (YYYYMMDD) as the bank is given it: "P20261207-00000001". */
#define SETTLE_REFERENCE_MAX 32
void settle_payout_reference(int32_t date, int64_t id, char out[SETTLE_REFERENCE_MAX]);

/* The bank's file of the payouts of date still made (not yet answered), with the full card
 * numbers (docs/settle.md "The bank's file"): a CSV with the header line
 * "payout_id,mid,account_name,pan,amount,currency,settle_dates,reference", encrypted whole
 * under key (D0, AES-256) with AES-256-GCM (hsm_data_encrypt(), no additional data) and
 * written to path as nonce (12 bytes) || ciphertext || tag (16 bytes), mode 0600 through a
 * temporary file renamed: never in the clear on disk. pan gives a card's full number by the
 * issuer's card id (the caller's: the issuer). *rows: how many payouts. SETTLE_OK,
 * SETTLE_ESTORE, SETTLE_EHSM (the key refused, or pan failed), SETTLE_EIO. */
struct settle_export_params {
	hsm *h;
	const hsm_key *key;
	int (*pan)(void *ctx, int64_t card_id, char pan[CARD_PAN_MAX + 1]);
	settle_holder_fn holder; /* as settle_payouts_summary()'s */
	void *ctx;
};
int settle_payouts_export(store *s, const struct settle_export_params *p, int32_t date,
                          const char *path, size_t *rows);

#endif
