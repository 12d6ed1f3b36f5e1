/* record.c — what a request leaves behind: its identity taken (a repeat is 94), its row in
 * acq_txns (an approved void or refund marking its original's row voided or refunded, and a
 * reversal of one unmarking it), and the cardholder's text of its outcome in the notify
 * outbox, all in the request's savepoint; a card authentication's code kept for after the
 * commit. */
#include "acquirer/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcode/rcode.h"

/* TID + STAN + batch seen before, or named by a reversal that came first: 94. */
int acquirer_stage_duplicate(struct txn *t)
{
	struct store_acq_txn seen;
	int rc = store_acq_txn_find(t->a->s, t->tid, t->batch, t->stan, 0, &seen);

	if (rc == STORE_OK)
		return acquirer_decide(t, RCODE_DUPLICATE, "duplicate");
	if (rc != STORE_ENOTFOUND)
		return acquirer_from_store(rc);
	if ((rc = store_acq_tombstone_find(t->a->s, t->tid, t->batch, t->stan)) == STORE_OK) {
		t->counted = true;
		return acquirer_decide(t, RCODE_DUPLICATE, "reversed_before");
	}
	if (rc != STORE_ENOTFOUND)
		return acquirer_from_store(rc);
	t->counted = true;
	return STAGE_NEXT;
}

void acquirer_txn_row(const struct txn *t, int kind, const char *type, const char *auth_code,
                      struct store_acq_txn *row)
{
	*row = (struct store_acq_txn){.at = t->now,
	                              .batch = t->batch,
	                              .kind = kind,
	                              .amount = t->rq.amount,
	                              .currency = t->rq.currency,
	                              .decision_id = t->decision_id};
	snprintf(row->tid, sizeof row->tid, "%s", t->tid);
	snprintf(row->mid, sizeof row->mid, "%s", t->mid);
	snprintf(row->stan, sizeof row->stan, "%s", t->stan);
	snprintf(row->type, sizeof row->type, "%s", type);
	snprintf(row->masked, sizeof row->masked, "%s", t->r->out.card);
	snprintf(row->pan_hash, sizeof row->pan_hash, "%s", t->pan_hash);
	snprintf(row->rrn, sizeof row->rrn, "%s", t->rrn);
	snprintf(row->auth_code, sizeof row->auth_code, "%s", auth_code);
	snprintf(row->rc, sizeof row->rc, "%s", t->rc);
	snprintf(row->reason, sizeof row->reason, "%s", t->reason);
	snprintf(row->net_stan, sizeof row->net_stan, "%s", t->net_stan);
	snprintf(row->settle_date, sizeof row->settle_date, "%s", t->settle_date);
}

/* A void or refund names its original by RRN; approved, it marks the original's row (a
 * purchase or completion of the host's, found by that RRN) voided, or refunded by as much, in
 * the same savepoint as its own row, which then names the original's (row->original_id). */
static int follow_up(struct txn *t, struct store_acq_txn *row)
{
	bool is_void = t->rq.type == REQUEST_VOID;
	struct store_acq_txn orig;
	int rc;

	if (!is_void && t->rq.type != REQUEST_REFUND)
		return ACQUIRER_OK;
	snprintf(row->original_rrn, sizeof row->original_rrn, "%s", t->rq.orig.rrn);
	if (!rcode_approved(row->rc) || row->original_rrn[0] == '\0')
		return ACQUIRER_OK;
	if ((rc = store_acq_txn_by_rrn(t->a->s, row->original_rrn, &orig)) == STORE_ENOTFOUND)
		return ACQUIRER_OK; /* not one of the host's: nothing of its to mark */
	if (rc != STORE_OK)
		return acquirer_from_store(rc);
	if (strcmp(orig.type, "purchase") != 0 && strcmp(orig.type, "completion") != 0)
		return ACQUIRER_OK;
	if (is_void)
		orig.voided = true;
	else
		orig.refunded += row->amount;
	row->original_id = orig.id;
	return acquirer_from_store(store_acq_txn_update(t->a->s, &orig));
}

int acquirer_undo_follow_up(struct txn *t, const struct store_acq_txn *f)
{
	struct store_acq_txn orig;
	int rc;

	if (f->original_id == 0 || !rcode_approved(f->rc) ||
	    (strcmp(f->type, "void") != 0 && strcmp(f->type, "refund") != 0))
		return ACQUIRER_OK;
	if ((rc = store_acq_txn_get(t->a->s, f->original_id, &orig)) != STORE_OK)
		return acquirer_from_store(rc);
	if (strcmp(f->type, "void") == 0)
		orig.voided = false;
	else
		orig.refunded = orig.refunded > f->amount ? orig.refunded - f->amount : 0;
	return acquirer_from_store(store_acq_txn_update(t->a->s, &orig));
}

/* One row for a request whose identity it took (a reversal writes its own). */
int acquirer_stage_record(struct txn *t)
{
	struct store_acq_txn row;
	int rc;

	if (!t->counted || !(t->type->flags & T_RECORD))
		return STAGE_NEXT;
	if ((rc = acquirer_assign_rrn(t)) != ACQUIRER_OK)
		return rc;
	acquirer_txn_row(t, 0, t->rq.type > 0 ? request_type_name(t->rq.type) : t->type->name,
	                 t->resp.auth_code, &row);
	if ((rc = follow_up(t, &row)) != ACQUIRER_OK)
		return rc;
	/* The same identity committed by another host meanwhile (EEXIST) fails it too: 96. */
	if ((rc = store_acq_txn_insert(t->a->s, &row)) != STORE_OK)
		return acquirer_from_store(rc);
	/* A new software version, reported by a request that passed the MAC: written once. */
	if (t->version[0] != '\0' && strcmp(t->version, t->term.version) != 0) {
		memcpy(t->term.version, t->version, sizeof t->term.version);
		if ((rc = store_terminal_update(t->a->s, &t->term)) != STORE_OK)
			return acquirer_from_store(rc);
	}
	return STAGE_NEXT;
}

/* docs/architecture.md "notifications": the cardholder's text of the outcome joins the request's
 * commit in the outbox; a card authentication's code waits for the batch's commit (acquirer.c). */
int acquirer_stage_notify(struct txn *t)
{
	struct issuer_response *p;
	int rc;

	if ((rc = issuer_notify(t->a->is, &t->rq, &t->resp, t->now)) != ISSUER_OK)
		return rc == ISSUER_ESTORE ? ACQUIRER_ESTORE : ACQUIRER_EHSM;
	if (t->resp.otp[0] == '\0')
		return STAGE_NEXT;
	if (t->a->n_pending == t->a->cap_pending) {
		size_t cap = t->a->cap_pending > 0 ? 2 * t->a->cap_pending : 8;

		if ((p = realloc(t->a->pending, cap * sizeof *p)) == NULL)
			return ACQUIRER_ENOMEM;
		t->a->pending = p;
		t->a->cap_pending = cap;
	}
	t->a->pending[t->a->n_pending++] = t->resp;
	return STAGE_NEXT;
}
