/* resume.c — a request that waited for its network link finished (acquirer.h "Network links"):
 * in a later batch than the one it came in, its link's answer (or the timeout, or the link
 * refusing it) decided, kept on its row, its waiting reversal settled, and its terminal
 * answered as for the local issuer. */
#include "acquirer/internal.h"

#include <stdio.h>
#include <string.h>

#include "rcode/rcode.h"

/* The waiting reversal once the request is settled: cancelled (answered in time and standing),
 * or due at once (timed out, or approved after its terminal reversed it). An entry no longer
 * waiting was taken by the sender (the answer came too late: its reversal is on its way), so an
 * approval cannot stand: *void set. */
static int settle_waiting(struct txn *t, bool reverse, bool *void_it)
{
	struct store_saf e;
	int rc;

	*void_it = false;
	if ((rc = store_saf_get(t->a->s, t->saf_id, &e)) != STORE_OK)
		return acquirer_from_store(rc);
	if (strcmp(e.state, "waiting") != 0) {
		*void_it = true;
		return ACQUIRER_OK;
	}
	if (reverse)
		return acquirer_from_store(store_saf_wake(
		    t->a->s, &(struct store_saf_sent){e.id, t->now, t->now, NULL, 0}));
	return acquirer_from_store(store_saf_cancel(t->a->s, e.id));
}

/* The answer decided, kept on the row (the follow-up marking its original when approved), the
 * waiting reversal settled. */
static int finish(struct txn *t, const struct acquirer_link_answer *ans)
{
	struct store_acq_txn row;
	bool approved = ans->result == ACQUIRER_LINK_ANSWERED && rcode_approved(ans->rc), late;
	int rc;

	if ((rc = store_acq_txn_get(t->a->s, t->row_id, &row)) != STORE_OK)
		return acquirer_from_store(rc);
	if ((rc = settle_waiting(t,
	                         ans->result == ACQUIRER_LINK_TIMEOUT || (approved && row.reversed),
	                         &late)) != ACQUIRER_OK)
		return rc;
	if (ans->result == ACQUIRER_LINK_DOWN)
		acquirer_decide(t, RCODE_ISSUER_INOPERATIVE, "link_down");
	else if (ans->result == ACQUIRER_LINK_TIMEOUT || (approved && late))
		acquirer_decide(t, RCODE_ISSUER_TIMEOUT, late ? "link_late" : "link_timeout");
	else
		acquirer_decide(t, ans->rc, approved ? "approved" : "issuer_declined");
	if (rcode_approved(t->rc)) {
		snprintf(t->resp.auth_code, sizeof t->resp.auth_code, "%s", ans->auth_code);
		t->resp.has_balance = ans->has_balance;
		t->resp.available = ans->available;
		t->resp.currency = ans->currency;
	}
	if (ans->result == ACQUIRER_LINK_ANSWERED && ans->icc_len <= sizeof t->resp.icc) {
		memcpy(t->resp.icc, ans->icc, ans->icc_len); /* the ARPC, declined or not */
		t->resp.icc_len = ans->icc_len;
	}
	snprintf(row.rc, sizeof row.rc, "%s", t->rc);
	snprintf(row.reason, sizeof row.reason, "%s", t->reason);
	snprintf(row.auth_code, sizeof row.auth_code, "%s",
	         rcode_approved(t->rc) ? t->resp.auth_code : "");
	if (!row.reversed && (rc = acquirer_follow_up(t, &row)) != ACQUIRER_OK)
		return rc;
	return acquirer_from_store(store_acq_txn_decided(t->a->s, &row));
}

static int resume_run(struct txn *t, const struct acquirer_link_answer *ans)
{
	int rc;

	if ((rc = acquirer_from_store(store_begin(t->a->s))) != ACQUIRER_OK)
		return rc;
	if ((rc = finish(t, ans)) < 0 || (rc = acquirer_stage_respond(t)) < 0) {
		store_rollback(t->a->s);
		return rc;
	}
	return acquirer_from_store(store_commit(t->a->s));
}

int acquirer_resume(acquirer *a, acquirer_wait *w, const struct acquirer_link_answer *ans,
                    int64_t now, struct acquirer_reply *r)
{
	struct txn *t = (struct txn *)w;
	int rc;

	if (a == NULL || t == NULL || ans == NULL || r == NULL || t->a != a || !t->waiting)
		return ACQUIRER_EARG;
	memset(r, 0, sizeof *r);
	t->r = r;
	t->now = now; /* the answer's time: what the queue's times are written with */
	t->waiting = false;
	snprintf(r->out.card, sizeof r->out.card, "%s", t->masked);
	if ((rc = resume_run(t, ans)) != ACQUIRER_OK)
		acquirer_failed(t, rc);
	acquirer_outcome_of(t, "authorize", &r->out);
	acquirer_txn_free(t);
	return rc;
}

void acquirer_wait_drop(acquirer_wait *w)
{
	if (w != NULL)
		acquirer_txn_free((struct txn *)w);
}
