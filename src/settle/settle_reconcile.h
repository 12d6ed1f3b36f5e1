/* settle_reconcile.h — the reconciliation of a settlement date (docs/settle.md
 * "Reconciliation"): what the terminals reported at the end of their batches set beside the
 * host's records, and the host's records beside the local issuer's decisions; every difference
 * found is said, with the transaction's keys. Nothing is adjusted here.
 *
 *   terminal_host  each batch settled (0500) on the date: its totals against the host's as they
 *                  stand (totals_differ); where the batch was uploaded (0320), each transaction
 *                  uploaded against the host's approved, unreversed request of that TID, batch
 *                  and STAN (terminal_only, host_only, amount_differs, card_differs); batch
 *                  0, the payments of a terminal's static QR code (docs/qr.md), is no
 *                  terminal's batch and is left out
 *   host_issuer    each request of the host's terminals of the date that the local issuer
 *                  decided (batch 0's too), against that decision (host_only: none, or declined;
 *                  issuer_only: the issuer approved what the host declined; reversed_differs;
 *                  amount_differs), and each approved decision of the date's time, not over the
 *                  issuer's network link, that no request of the host's names (issuer_only)
 *
 * Reads through the store (store_reconcile.h) in one read transaction. Returns SETTLE_OK or a
 * SETTLE_E* code (settle.h). */
#ifndef POSSUM_SETTLE_RECONCILE_H
#define POSSUM_SETTLE_RECONCILE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "settle/settle.h"
#include "store/store.h"

enum settle_recon_kind {
	SETTLE_RECON_TOTALS_DIFFER = 0, /* a batch's totals: the terminal's and the host's */
	SETTLE_RECON_TERMINAL_ONLY,     /* uploaded; the host has no such request */
	SETTLE_RECON_HOST_ONLY,         /* the host's; not uploaded, or not at the issuer */
	SETTLE_RECON_ISSUER_ONLY,       /* approved at the issuer; not at the host */
	SETTLE_RECON_AMOUNT_DIFFERS,    /* on both sides, of different amounts */
	SETTLE_RECON_CARD_DIFFERS,      /* uploaded with another card than the host's */
	SETTLE_RECON_REVERSED_DIFFERS,  /* approved on both sides, reversed on one only */
	SETTLE_RECON_KINDS
};

enum settle_recon_side {
	SETTLE_RECON_TERMINAL_HOST = 0, /* the terminal's batch against the host's records */
	SETTLE_RECON_HOST_ISSUER,       /* the host's records against the issuer's decisions */
};

/* A difference. amount is the first side's (the terminal's, or the host's against the
 * issuer), other_amount the second's (the host's, or the issuer's); where one side has nothing
 * its has_ is false (a terminal_only's other, a host_only's …). */
struct settle_recon_item {
	int kind; /* enum settle_recon_kind */
	int side; /* enum settle_recon_side */
	char tid[9], mid[16];
	int batch;       /* 0: unknown (a decision no request names) */
	char stan[7];    /* the terminal's STAN; the network STAN of a decision alone */
	char rrn[13];    /* "" unknown */
	char card[20];   /* masked; "" unknown */
	char type[20];   /* the host's request type; "" unknown */
	char what[16];   /* totals_differ: "sales", "refunds", "foreign_sales", "foreign_refunds" */
	char detail[24]; /* why, where the kind alone does not say: "no_decision", … ("" none) */
	bool has_amount, has_other;
	int64_t amount, other_amount; /* minor units of currency */
	int currency;                 /* ISO 4217 numeric */
	int count, other_count; /* totals_differ: the counts (the terminal's n3, the host's) */
};

struct settle_recon_params {
	const struct settle_calendar *cal; /* the settlement date of a decision's time */
	int utc_offset;                    /* [host] utc_offset */
};

/* What a reconciliation found, by kind. */
struct settle_recon_counts {
	int64_t n[SETTLE_RECON_KINDS];
	int64_t total;
};

/* Calls fn for each difference of settlement date date (YYYYMMDD) — the terminals' first, by
 * TID, batch and STAN, then the issuer's — until fn returns non-zero; counts them in *counts
 * (may be NULL). SETTLE_OK (whatever fn returned), SETTLE_EARG for a date that is not one, or
 * SETTLE_ESTORE. */
int settle_reconcile(store *s, const struct settle_recon_params *p, int32_t date,
                     int (*fn)(void *ctx, const struct settle_recon_item *it), void *ctx,
                     struct settle_recon_counts *counts);

/* "totals_differ", "terminal_only", … ; "terminal_host", "host_issuer". */
const char *settle_recon_kind_name(int kind);
const char *settle_recon_side_name(int side);

/* An item as `possum admin reconcile --json` and the API show it: its keys (null where
 * unknown), its amounts as money objects, each absent where that side has none; a batch's
 * totals with their counts. New reference; NULL when out of memory. */
json_t *settle_recon_item_json(const struct settle_recon_item *it);

#endif
