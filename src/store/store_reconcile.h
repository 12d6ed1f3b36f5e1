/* store_reconcile.h — the reconciliation's part of the storage interface (docs/settle.md
 * "Reconciliation"): what terminals report at the end of a batch, kept by the acquirer — a
 * settlement's totals (0500, a row per terminal and batch) and a batch upload's transactions
 * (0320, a row each) — and the reads that set them beside the host's requests (acq_txns) and
 * the host's beside the local issuer's decisions. A card is kept masked and as its keyed hash
 * (64 hex digits), never in the clear. Dates are "YYYY-MM-DD". Functions return STORE_OK or a
 * STORE_E* code; a walk calls its fn for each row until fn returns non-zero (returned). */
#ifndef POSSUM_STORE_RECONCILE_H
#define POSSUM_STORE_RECONCILE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* A terminal's settlement of its batch: its totals (field 48; the foreign ones apart), the
 * host's of that batch when it came, whether they agreed, and how many settlements of the
 * batch came (a repeat replaces the rest). */
struct store_recon_batch {
	char tid[9], mid[16];
	int batch;
	int64_t at;
	char settle_date[11]; /* of the settlement's moment, as a request's (settle.h) */
	int64_t sales_amount, refund_amount, foreign_sales_amount, foreign_refund_amount;
	int sales_count, refund_count, foreign_sales_count, foreign_refund_count;
	int64_t host_sales_amount, host_refund_amount;
	int host_sales_count, host_refund_count;
	bool agreed;
	int settlements; /* read: 1 for the first, one more for each repeat */
};

/* Writes b's row: a settlement of a batch that has one replaces it (settlements counts up)
 * and forgets the batch's uploaded transactions — the terminal uploads again after it. */
int store_recon_batch_put(store *s, const struct store_recon_batch *b);
/* Each settlement of settlement date date, by TID and batch; none of batch 0, which holds the
 * payments of a terminal's static QR code (docs/qr.md), never a batch of the terminal's. */
int store_recon_batch_list(store *s, const char *date,
                           int (*fn)(void *ctx, const struct store_recon_batch *b), void *ctx);
/* The settlement of TID tid's batch; STORE_ENOTFOUND when none. */
int store_recon_batch_get(store *s, const char *tid, int batch, struct store_recon_batch *out);

/* A transaction of a batch upload, by its original STAN. */
struct store_recon_upload {
	char tid[9];
	int batch;
	char stan[7];
	char card_class[3]; /* "00" domestic, "01" foreign */
	int64_t amount;
	char masked[20], pan_hash[65];
	int64_t at;
};

/* Writes u's row (one uploaded again replaces it). */
int store_recon_upload_put(store *s, const struct store_recon_upload *u);
/* How many transactions TID tid's batch has uploaded. */
int store_recon_upload_count(store *s, const char *tid, int batch, int64_t *n);

/* A transaction of an uploaded batch as the terminal uploaded it and as the host counts it
 * (an approved, unreversed purchase, completion, refund, void or completion void of that TID,
 * batch and STAN): either may be missing. */
struct store_recon_pair {
	char tid[9], mid[16];
	int batch;
	char stan[7];
	bool uploaded;
	int64_t up_amount;
	char up_masked[20], up_pan_hash[65];
	bool host;
	int64_t amount;
	int currency;
	char type[20], rrn[13], masked[20], pan_hash[65];
};

/* Each transaction of the batches settled on date that uploaded anything (not batch 0),
 * uploaded or the host's, by TID, batch and STAN. */
int store_recon_pairs(store *s, const char *date,
                      int (*fn)(void *ctx, const struct store_recon_pair *p), void *ctx);

/* A request of the host beside the local issuer's decision of it: the host's side (host
 * false: a decision no request of the host's names) and the decision's (found false: none). */
struct store_recon_decision {
	bool host;
	char tid[9], mid[16];
	int batch;
	char stan[7], type[20], rrn[13], masked[20], rc[3];
	int64_t amount;
	int currency;
	bool reversed;
	bool found;
	int64_t decision_id;
	char d_rc[3];
	int64_t d_amount;
	int d_currency;
	bool d_reversed;
};

/* Each request (not a reversal) of the host's terminals of settlement date date that the
 * local issuer decided (it names a decision), with that decision, in the order of the
 * requests. */
int store_recon_host_decisions(store *s, const char *date,
                               int (*fn)(void *ctx, const struct store_recon_decision *d),
                               void *ctx);

/* Which decisions store_recon_issuer_only() reads: made at [from, to), and named by no request
 * of the host's of a settlement date in [date_from, date_to]. */
struct store_recon_window {
	int64_t from, to;
	const char *date_from, *date_to;
};
/* Each approved, unreversed decision of the local issuer (not over its network link, not a
 * reversal) of window w that no request of the host's names, by id: the host side empty. */
int store_recon_issuer_only(store *s, const struct store_recon_window *w,
                            int (*fn)(void *ctx, const struct store_recon_decision *d), void *ctx);

#endif
