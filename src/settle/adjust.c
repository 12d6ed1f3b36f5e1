/* adjust.c — adjustments (settle_adjust.h): made pending by one operator, approved (and
 * posted to the ledger) or rejected by a second, each step one store transaction with its
 * audit entry. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "common/jsonval.h"
#include "common/text.h"
#include "settle/settle_adjust.h"
#include "settle/settle_close.h"
#include "store/store_acquirer.h"

/* The ledger's codes of an adjustment's posting (after the payouts' 1405-1407): the merchant
 * owed more (adjustments to payable), or less (payable to adjustments). */
enum { POST_ADJUST_CREDIT = 1408, POST_ADJUST_DEBIT };

json_t *settle_adjust_json(const struct store_settle_adjust *a, int utc_offset)
{
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id",
	                 (json_int_t)a->id, "mid", a->mid, "amount", (json_int_t)a->amount,
	                 "currency", a->currency, "reason", a->reason, "status", a->status, "maker",
	                 a->maker, "checker",
	                 a->checker[0] != '\0' ? json_string(a->checker) : json_null(), "created",
	                 jsonval_time(a->created_at, utc_offset), "decided",
	                 jsonval_time(a->decided_at, utc_offset), "payout_id",
	                 a->payout_id != 0 ? json_integer(a->payout_id) : json_null());
}

/* What the audit log keeps of a (no times: the entry has its own). */
static json_t *state(const struct store_settle_adjust *a)
{
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)a->id, "mid",
	                 a->mid, "amount", (json_int_t)a->amount, "currency", a->currency, "reason",
	                 a->reason, "status", a->status, "maker", a->maker, "checker", a->checker);
}

/* The audit entry of a step, before (NULL: a creation) and a after it. */
static int audit(store *s, const char *actor, const char *action,
                 const struct store_settle_adjust *before, const struct store_settle_adjust *a,
                 int64_t now)
{
	json_t *b = before != NULL ? state(before) : NULL, *j = state(a);
	char object[64];
	int rc;

	snprintf(object, sizeof object, "adjustment:%lld", (long long)a->id);
	if (j == NULL || (before != NULL && b == NULL))
		rc = SETTLE_ESTORE;
	else
		rc = audit_record(s, actor, action, object, b, j, now) == AUDIT_OK ? SETTLE_OK
		                                                                   : SETTLE_ESTORE;
	json_decref(b);
	json_decref(j);
	return rc;
}

/* Commits when rc is SETTLE_OK, else rolls back; returns the outcome. */
static int finish(store *s, int rc)
{
	if (rc != SETTLE_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s) == STORE_OK ? SETTLE_OK : SETTLE_ESTORE;
}

static int create(store *s, const char *actor, struct store_settle_adjust *a, int64_t now)
{
	struct store_merchant m;
	int rc;

	if ((rc = store_merchant_get(s, a->mid, &m)) != STORE_OK)
		return rc == STORE_ENOTFOUND ? SETTLE_ENOTFOUND : SETTLE_ESTORE;
	if (store_settle_adjust_insert(s, a) != STORE_OK)
		return SETTLE_ESTORE;
	return audit(s, actor, "adjustment.create", NULL, a, now);
}

int settle_adjust_create(store *s, const char *actor, const char *mid, int64_t amount,
                         const char *reason, int64_t now, struct store_settle_adjust *out)
{
	struct store_settle_adjust a = {.amount = amount, .created_at = now};
	int rc;

	if (actor == NULL || mid == NULL || reason == NULL || amount == 0 ||
	    amount > SETTLE_ADJUST_AMOUNT_MAX || amount < -SETTLE_ADJUST_AMOUNT_MAX ||
	    !text_is_line(reason, SETTLE_ADJUST_REASON_MAX) || strlen(mid) >= sizeof a.mid ||
	    strlen(actor) >= sizeof a.maker)
		return SETTLE_EARG;
	snprintf(a.mid, sizeof a.mid, "%s", mid);
	snprintf(a.currency, sizeof a.currency, "CNY");
	snprintf(a.reason, sizeof a.reason, "%s", reason);
	snprintf(a.status, sizeof a.status, "pending");
	snprintf(a.maker, sizeof a.maker, "%s", actor);
	if (store_begin(s) != STORE_OK)
		return SETTLE_ESTORE;
	if ((rc = finish(s, create(s, actor, &a, now))) != SETTLE_OK)
		return rc;
	*out = a;
	return SETTLE_OK;
}

/* Adjustment a approved: its transfer, between "adjustments" and the merchant's payable. */
static int post(store *s, const struct store_settle_adjust *a, int64_t now)
{
	char key[64], payable[32];

	snprintf(payable, sizeof payable, "payable:%s", a->mid);
	snprintf(key, sizeof key, "possum adjustment %lld", (long long)a->id);
	if (a->amount > 0)
		return settle_transfer(s, "adjustments", payable, POST_ADJUST_CREDIT, key,
		                       a->amount, now);
	return settle_transfer(s, payable, "adjustments", POST_ADJUST_DEBIT, key, -a->amount, now);
}

static int decide(store *s, const char *actor, int64_t id, bool approve, int64_t now,
                  struct store_settle_adjust *a)
{
	struct store_settle_adjust before;
	int rc;

	if ((rc = store_settle_adjust_get(s, id, &before)) != STORE_OK)
		return rc == STORE_ENOTFOUND ? SETTLE_ENOTFOUND : SETTLE_ESTORE;
	if (strcmp(before.status, "pending") != 0)
		return SETTLE_ESTATE;
	if (approve && strcmp(before.maker, actor) == 0)
		return SETTLE_EMAKER;
	*a = before;
	snprintf(a->status, sizeof a->status, "%s", approve ? "approved" : "rejected");
	snprintf(a->checker, sizeof a->checker, "%s", actor);
	a->decided_at = now;
	if ((rc = store_settle_adjust_decide(s, a)) != STORE_OK)
		return rc == STORE_ENOTFOUND ? SETTLE_ESTATE : SETTLE_ESTORE;
	if (approve && (rc = post(s, a, now)) != SETTLE_OK)
		return rc;
	return audit(s, actor, approve ? "adjustment.approve" : "adjustment.reject", &before, a,
	             now);
}

int settle_adjust_decide(store *s, const char *actor, int64_t id, bool approve, int64_t now,
                         struct store_settle_adjust *out)
{
	struct store_settle_adjust a;
	int rc;

	if (actor == NULL || strlen(actor) >= sizeof a.checker)
		return SETTLE_EARG;
	if (store_begin(s) != STORE_OK)
		return SETTLE_ESTORE;
	if ((rc = finish(s, decide(s, actor, id, approve, now, &a))) != SETTLE_OK)
		return rc;
	*out = a;
	return SETTLE_OK;
}
