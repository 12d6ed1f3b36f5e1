/* reversal.c — reversals (docs/cup-pos.md): a terminal undoing a request whose answer it did
 * not get, exactly once, by TID, batch and STAN. Its own table: MACed, no duplicate check (its
 * identity is its original's), its own row; the original undone at the issuer through the
 * route when it was approved, and the cardholder told of it. */
#include "acquirer/internal.h"

#include <stdio.h>
#include <string.h>

#include "rcode/rcode.h"

/* The original seen: undone at the issuer, through the route it took, when it was approved
 * (found there by its network STAN and amount), and marked reversed; a void, completion void
 * or refund reversed no longer marks its own original (record.c). */
static int reverse_original(struct txn *t, struct store_acq_txn *orig)
{
	int rc;

	/* The card is the original's, as its row keeps it: masked and hashed; and its channel, and
	 * its QR kind (a static code's payments are outside the terminal's batches: batch 0). */
	snprintf(t->r->out.card, sizeof t->r->out.card, "%s", orig->masked);
	snprintf(t->pan_hash, sizeof t->pan_hash, "%s", orig->pan_hash);
	snprintf(t->channel, sizeof t->channel, "%s", orig->channel);
	snprintf(t->route_name, sizeof t->route_name, "%s", orig->route);
	if (strcmp(orig->channel, "qr") == 0)
		t->rq.qr = orig->batch == 0 ? REQUEST_QR_MERCHANT : REQUEST_QR_CODE;
	if (orig->route[0] != '\0' && strcmp(orig->route, ACQUIRER_ROUTE_LOCAL) != 0) {
		/* Sent on a link: the issuer's reversal queued (link.c), due at once. */
		if ((rc = acquirer_link_reverse(t, orig)) != ACQUIRER_OK)
			return rc;
		acquirer_decide(t, RCODE_APPROVED, "reversal_queued");
		if (!orig->reversed && (rc = acquirer_undo_follow_up(t, orig)) != ACQUIRER_OK)
			return rc;
	} else if (strcmp(orig->rc, RCODE_APPROVED) == 0) {
		snprintf(t->net_stan, sizeof t->net_stan, "%s", orig->net_stan);
		t->rq.amount = t->rq.orig.amount = orig->amount;
		memcpy(t->rq.orig.stan, orig->net_stan, sizeof t->rq.orig.stan);
		if ((rc = acquirer_ask(t, orig->net_stan)) < 0)
			return rc;
		/* Reversed at the issuer, or nothing there to reverse: either way done. */
		acquirer_decide(t, RCODE_APPROVED,
		                t->resp.reason[0] != '\0' ? t->resp.reason : "reversed");
		if (!orig->reversed && (rc = acquirer_undo_follow_up(t, orig)) != ACQUIRER_OK)
			return rc;
	} else {
		acquirer_decide(t, RCODE_APPROVED, "original_declined");
	}
	orig->reversed = true;
	return acquirer_from_store(store_acq_txn_update(t->a->s, orig));
}

/* The reversal's own row, of the row it reversed (0: none, its identity tombstoned). */
static int reversal_row(struct txn *t, int64_t original_id)
{
	struct store_acq_txn rev;

	acquirer_txn_row(t, 1, "reversal", "", &rev);
	rev.original_id = original_id;
	return acquirer_from_store(store_acq_txn_insert(t->a->s, &rev));
}

/* A reversal, exactly once: of an original seen (undone at the issuer when it was
 * approved), or of one never seen, whose identity is then tombstoned so that it is refused
 * if it arrives late. A repeated reversal is acknowledged and changes nothing. */
static int decide_reversal(struct txn *t)
{
	struct store_acq_txn orig, rev;
	int64_t original_id = 0;
	int rc;

	if ((rc = store_acq_txn_find(t->a->s, t->tid, t->batch, t->stan, 1, &rev)) == STORE_OK) {
		snprintf(t->rrn, sizeof t->rrn, "%s", rev.rrn);
		return acquirer_decide(t, RCODE_APPROVED, "reversal_repeated");
	}
	if (rc != STORE_ENOTFOUND)
		return acquirer_from_store(rc);
	if ((rc = acquirer_assign_rrn(t)) != ACQUIRER_OK)
		return rc;
	rc = store_acq_txn_find(t->a->s, t->tid, t->batch, t->stan, 0, &orig);
	if (rc == STORE_ENOTFOUND) {
		if (acquirer_qr_entry(t))
			snprintf(t->channel, sizeof t->channel, "qr");
		if ((rc = store_acq_tombstone_add(t->a->s, t->tid, t->batch, t->stan, t->now)) !=
		    STORE_OK)
			return acquirer_from_store(rc);
		acquirer_decide(t, RCODE_APPROVED, "original_unknown");
	} else if (rc != STORE_OK) {
		return acquirer_from_store(rc);
	} else {
		if ((rc = reverse_original(t, &orig)) != ACQUIRER_OK)
			return rc;
		original_id = orig.id;
	}
	if ((rc = reversal_row(t, original_id)) != ACQUIRER_OK)
		return rc;
	return STAGE_RESPOND;
}

static const struct stage stages[] = {
    /* after unpack (pipeline.c): 30 unreadable, 12 unknown */
    {"terminal", acquirer_stage_terminal, 0, false}, /* 97, A0 not signed in */
    {"mac", acquirer_stage_mac, 0, false},           /* A0 */
    {"binding", acquirer_stage_binding, 0, false},   /* 58, 03 */
    {"fields", acquirer_stage_fields, 0, false},     /* 30 */
    {"route", acquirer_stage_route, 0, false},       /* where the original went */
    {"reverse", decide_reversal, 0, false},          /* 00 once, and its row */
    {"notify", acquirer_stage_notify, 0, true},      /* the cardholder's text */
    {"respond", acquirer_stage_respond, 0, true},
};

static const struct txn_class reversals = {"reversal", stages, sizeof stages / sizeof stages[0]};

/* Its identity is its original's: no duplicate check, its own row. */
const struct txn_type acquirer_reversal_types[] = {
    {"reversal", "0400", NULL, NULL, NULL, T_SIGNED | T_MAC, REQUEST_REVERSAL, &reversals, NULL},
};
const size_t acquirer_n_reversal_types =
    sizeof acquirer_reversal_types / sizeof acquirer_reversal_types[0];
