/* record.c — what a request leaves behind: its identity taken (a repeat is 94), its row in
 * acq_txns (an approved follow-up marking its original's row: voided, refunded, a
 * pre-authorization cancelled or completed; a reversal of a void or refund unmarking it), and
 * the cardholder's text of its outcome in the notify outbox, all in the request's savepoint; a
 * card authentication's code kept for after the commit. */
#include "acquirer/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcode/rcode.h"

/* TID + STAN + batch seen before, or named by a reversal that came first: 94. Both looked up
 * in one query (one round trip on PostgreSQL). */
int acquirer_stage_duplicate(struct txn *t)
{
	int seen, rc = store_acq_claim(t->a->s, t->tid, t->batch, t->stan);

	if (rc == STORE_OK)
		rc = store_acq_seen(t->a->s, t->tid, t->batch, t->stan, &seen);
	if (rc != STORE_OK)
		return acquirer_from_store(rc);
	if (seen == STORE_ACQ_SEEN_TXN)
		return acquirer_decide(t, RCODE_DUPLICATE, "duplicate");
	t->counted = true;
	if (seen == STORE_ACQ_SEEN_TOMBSTONE)
		return acquirer_decide(t, RCODE_DUPLICATE, "reversed_before");
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
	snprintf(row->channel, sizeof row->channel, "%s", t->channel);
	snprintf(row->route, sizeof row->route, "%s", t->route_name);
}

/* The follow-ups: each acts on an original it names. */
#define FOLLOW_UPS                                                                                 \
	((1u << REQUEST_VOID) | (1u << REQUEST_REFUND) | (1u << REQUEST_COMPLETION_VOID) |         \
	 (1u << REQUEST_PREAUTH_CANCEL) | (1u << REQUEST_COMPLETION))

/* A follow-up's original among the host's rows, named as the issuer reads it (authorize.c): a
 * pre-authorization's cancel and completion, and a completion's void, by the card and auth code
 * (38), else by RRN; a void and a refund by RRN, of a purchase or completion. STORE_ENOTFOUND
 * when none of the type it acts on. */
static int find_original(struct txn *t, struct store_acq_txn *orig)
{
	const struct request_original *o = &t->rq.orig;
	const char *type = t->rq.type == REQUEST_COMPLETION_VOID ? "completion"
	                   : t->rq.type == REQUEST_VOID || t->rq.type == REQUEST_REFUND ? NULL
	                                                                                : "preauth";
	int rc;

	if (type != NULL && o->auth_code[0] != '\0')
		rc = store_acq_txn_by_auth(t->a->s, type, t->pan_hash, o->auth_code, orig);
	else if (o->rrn[0] != '\0')
		rc = store_acq_txn_by_rrn(t->a->s, o->rrn, orig);
	else
		return STORE_ENOTFOUND;
	if (rc != STORE_OK)
		return rc;
	if (type != NULL
	        ? strcmp(orig->type, type) != 0
	        : strcmp(orig->type, "purchase") != 0 && strcmp(orig->type, "completion") != 0)
		return STORE_ENOTFOUND; /* not one of the host's: nothing of its to mark */
	return STORE_OK;
}

/* A follow-up names its original's RRN; approved, it marks the original's row in the same
 * savepoint as its own row, which then names the original's (row->original_id): a void or
 * completion void voided, a refund refunded by as much, a pre-authorization cancelled (voided)
 * or completed by as much. */
int acquirer_follow_up(struct txn *t, struct store_acq_txn *row)
{
	enum request_type type = t->rq.type;
	struct store_acq_txn orig;
	int rc;

	if (type <= 0 || ((1u << type) & FOLLOW_UPS) == 0)
		return ACQUIRER_OK;
	snprintf(row->original_rrn, sizeof row->original_rrn, "%s", t->rq.orig.rrn);
	if (!rcode_approved(row->rc))
		return ACQUIRER_OK;
	if ((rc = find_original(t, &orig)) == STORE_ENOTFOUND)
		return ACQUIRER_OK;
	if (rc != STORE_OK)
		return acquirer_from_store(rc);
	snprintf(row->original_rrn, sizeof row->original_rrn, "%s", orig.rrn);
	if (type == REQUEST_REFUND)
		orig.refunded += row->amount;
	else if (type == REQUEST_COMPLETION)
		orig.completed += row->amount;
	else
		orig.voided = true;
	row->original_id = orig.id;
	return acquirer_from_store(store_acq_txn_update(t->a->s, &orig));
}

/* A void's, completion void's or refund's reversal gives its original back what it took. The
 * issuer gives no hold back (authorize.c): a pre-authorization stays cancelled or completed
 * when the cancel or completion is reversed. */
int acquirer_undo_follow_up(struct txn *t, const struct store_acq_txn *f)
{
	bool refund = strcmp(f->type, "refund") == 0;
	struct store_acq_txn orig;
	int rc;

	if (f->original_id == 0 || !rcode_approved(f->rc) ||
	    (!refund && strcmp(f->type, "void") != 0 && strcmp(f->type, "completion_void") != 0))
		return ACQUIRER_OK;
	if ((rc = store_acq_txn_get(t->a->s, f->original_id, &orig)) != STORE_OK)
		return acquirer_from_store(rc);
	if (refund)
		orig.refunded = orig.refunded > f->amount ? orig.refunded - f->amount : 0;
	else
		orig.voided = false;
	return acquirer_from_store(store_acq_txn_update(t->a->s, &orig));
}

/* What a request that passed the MAC reports of its terminal, kept on the terminal's row in the
 * request's transaction: a new software version (written once), the location and its time. */
static int reported(struct txn *t)
{
	int rc;

	if (t->version[0] != '\0' && strcmp(t->version, t->term.version) != 0) {
		memcpy(t->term.version, t->version, sizeof t->term.version);
		if ((rc = store_terminal_update(t->a->s, &t->term)) != STORE_OK)
			return acquirer_from_store(rc);
	}
	if (t->has_location) {
		t->term.reported_lat = t->location_lat;
		t->term.reported_lon = t->location_lon;
		t->term.reported_at = t->now;
		if ((rc = store_terminal_set_reported(t->a->s, &t->term)) != STORE_OK)
			return acquirer_from_store(rc);
	}
	return STAGE_NEXT;
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
	if ((rc = acquirer_follow_up(t, &row)) != ACQUIRER_OK)
		return rc;
	/* The same identity committed by another host meanwhile (EEXIST) fails it too: 96 (not
	 * met: another host's claim of it waits in the duplicate stage, store_acq_claim). */
	if ((rc = store_acq_txn_insert(t->a->s, &row)) != STORE_OK)
		return acquirer_from_store(rc);
	t->row_id = row.id;
	return reported(t);
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
