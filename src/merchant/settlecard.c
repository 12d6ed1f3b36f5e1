/* settlecard.c — the card a merchant's money is paid to (docs/architecture.md flow 4): bound, or
 * changed, only after the issuer has checked the four elements and the one-time code sent to
 * the reserved phone; kept sealed under the module's data key with the MID as associated data
 * (so it cannot be moved to another merchant's row), shown masked; a change takes effect at
 * the next settlement day so that a day is paid to one card. */
#include "merchant/internal.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "common/jsonval.h"
#include "crypto/crypto.h"
#include "store/store_acquirer.h"
#include "store/store_settlecard.h"
#include "rcode/rcode.h"

#define DAY 86400

/* The merchant a binding is for: one that exists and is not closed. */
static int bindable(merchant *m, const char *mid)
{
	struct store_merchant row;
	int rc = store_merchant_get(m->s, mid, &row);

	if (rc != STORE_OK)
		return merchant_from_store(rc);
	return row.status == STORE_MERCHANT_CLOSED ? MERCHANT_ESTATE : MERCHANT_OK;
}

static int audit(merchant *m, const char *actor, const char *action, const char *mid,
                 json_t *before, json_t *after, int64_t now)
{
	char object[32];
	int rc;

	snprintf(object, sizeof object, "merchant:%s", mid);
	rc = audit_record(m->s, actor, action, object, before, after, now);
	json_decref(before);
	json_decref(after);
	return merchant_from_audit(rc);
}

int merchant_settlecard_start(merchant *m, const char *actor, const char *mid,
                              const struct merchant_card_elements *e, int64_t now,
                              char reason[MERCHANT_REASON_MAX])
{
	struct store_settlecard row = {0};
	struct issuer_response resp;
	struct issuer_card card;
	int rc;

	if (m == NULL || actor == NULL || mid == NULL || e == NULL || reason == NULL)
		return MERCHANT_EARG;
	reason[0] = '\0';
	if (e->pan == NULL || card_pan_check(e->pan) != CARD_OK) {
		snprintf(reason, MERCHANT_REASON_MAX, "pan_invalid");
		return MERCHANT_EARG;
	}
	if ((rc = bindable(m, mid)) != MERCHANT_OK)
		return rc;
	rc = issuer_card_find(m->is, e->pan, &card);
	if (rc == ISSUER_ENOTFOUND) {
		snprintf(reason, MERCHANT_REASON_MAX, "card_unknown");
		return MERCHANT_EVERIFY;
	}
	if (rc != ISSUER_OK)
		return merchant_from_issuer(rc);
	if (card.product != CARD_PRODUCT_DEBIT) {
		snprintf(reason, MERCHANT_REASON_MAX, "not_a_debit_card");
		return MERCHANT_EARG;
	}
	if ((rc = issuer_cardauth_start(m->is, e->pan, e->holder, e->id_number, e->phone, now,
	                                &resp)) != ISSUER_OK)
		return merchant_from_issuer(rc);
	if (!rcode_approved(resp.rc)) {
		snprintf(reason, MERCHANT_REASON_MAX, "%s", resp.reason);
		return MERCHANT_EVERIFY;
	}
	snprintf(row.mid, sizeof row.mid, "%s", mid);
	snprintf(row.masked, sizeof row.masked, "%s", card.masked);
	snprintf(row.actor, sizeof row.actor, "%s", actor);
	row.card_id = card.id;
	row.started_at = now;
	if (hsm_data_encrypt(m->h, &m->data, (const uint8_t *)mid, strlen(mid),
	                     (const uint8_t *)e->pan, strlen(e->pan), row.pan.v, sizeof row.pan.v,
	                     &row.pan.len) != HSM_OK)
		return MERCHANT_EHSM;
	if ((rc = merchant_from_store(store_begin(m->s))) != MERCHANT_OK)
		return rc;
	if ((rc = merchant_from_store(store_settlecard_start(m->s, &row))) != MERCHANT_OK ||
	    (rc = audit(m, actor, "settlement_card.start", mid, NULL,
	                json_pack("{s:s}", "pending", card.masked), now)) != MERCHANT_OK ||
	    (rc = merchant_from_store(store_commit(m->s))) != MERCHANT_OK)
		store_rollback(m->s);
	return rc;
}

/* The day after now's, at 00:00 UTC: when a changed card takes over. */
static int64_t next_day(int64_t now)
{
	return (now / DAY + 1) * DAY;
}

int merchant_settlecard_confirm(merchant *m, const char *actor, const char *mid, const char *otp,
                                int64_t now, char reason[MERCHANT_REASON_MAX])
{
	struct store_settlecard pending, old;
	struct issuer_response resp;
	char pan[CARD_PAN_MAX + 1];
	size_t n;
	bool had;
	int rc;

	if (m == NULL || actor == NULL || mid == NULL || otp == NULL || reason == NULL)
		return MERCHANT_EARG;
	reason[0] = '\0';
	if ((rc = merchant_from_store(store_settlecard_pending(m->s, mid, &pending))) !=
	    MERCHANT_OK)
		return rc;
	if (hsm_data_decrypt(m->h, &m->data, (const uint8_t *)mid, strlen(mid), pending.pan.v,
	                     pending.pan.len, (uint8_t *)pan, sizeof pan - 1, &n) != HSM_OK)
		return MERCHANT_EHSM;
	pan[n] = '\0';
	/* The issuer's step and the binding commit together; a refused code still counts. */
	if ((rc = merchant_from_store(store_begin(m->s))) != MERCHANT_OK)
		goto out;
	if ((rc = issuer_cardauth_confirm(m->is, pan, otp, now, &resp)) != ISSUER_OK) {
		rc = merchant_from_issuer(rc);
		goto fail;
	}
	if (!rcode_approved(resp.rc)) {
		snprintf(reason, MERCHANT_REASON_MAX, "%s", resp.reason);
		if ((strcmp(resp.reason, "no_code_pending") == 0 ||
		     strcmp(resp.reason, "code_expired") == 0) &&
		    (rc = merchant_from_store(store_settlecard_drop(m->s, mid))) != MERCHANT_OK)
			goto fail;
		if ((rc = merchant_from_store(store_commit(m->s))) == MERCHANT_OK)
			rc = MERCHANT_EVERIFY;
		goto out;
	}
	rc = store_settlecard_bound(m->s, mid, INT64_MAX, &old);
	if (rc != STORE_OK && rc != STORE_ENOTFOUND) {
		rc = merchant_from_store(rc);
		goto fail;
	}
	had = rc == STORE_OK;
	pending.state = STORE_SETTLECARD_BOUND;
	pending.verified_at = now;
	pending.effective_from = had ? next_day(now) : now;
	snprintf(pending.actor, sizeof pending.actor, "%s", actor);
	if ((rc = merchant_from_store(store_settlecard_update(m->s, &pending))) != MERCHANT_OK ||
	    (rc = audit(m, actor, "settlement_card.bind", mid,
	                json_pack("{s:o}", "card", had ? json_string(old.masked) : json_null()),
	                json_pack("{s:s, s:o}", "card", pending.masked, "effective_from",
	                          jsonval_time(pending.effective_from, 0)),
	                now)) != MERCHANT_OK)
		goto fail;
	rc = merchant_from_store(store_commit(m->s));
	if (rc == MERCHANT_OK)
		goto out;
fail:
	store_rollback(m->s);
out:
	crypto_wipe(pan, sizeof pan);
	crypto_wipe(&pending, sizeof pending);
	return rc;
}

static void view(const struct store_settlecard *row, struct merchant_settlecard *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->masked, sizeof out->masked, "%s", row->masked);
	snprintf(out->actor, sizeof out->actor, "%s", row->actor);
	out->card_id = row->card_id;
	out->started_at = row->started_at;
	out->verified_at = row->verified_at;
	out->effective_from = row->effective_from;
}

/* *found and the row of a query that may find nothing. */
static int maybe(int rc, bool *found)
{
	*found = rc == STORE_OK;
	return rc == STORE_ENOTFOUND ? MERCHANT_OK : merchant_from_store(rc);
}

int merchant_settlecard_get(merchant *m, const char *mid, int64_t now,
                            struct merchant_settlecard_view *out)
{
	struct store_settlecard row;
	int rc;

	if (m == NULL || mid == NULL || out == NULL)
		return MERCHANT_EARG;
	memset(out, 0, sizeof *out);
	if ((rc = merchant_from_store(
	         store_merchant_get(m->s, mid, &(struct store_merchant){0}))) != MERCHANT_OK)
		return rc;
	if ((rc = maybe(store_settlecard_bound(m->s, mid, now, &row), &out->has_current)) !=
	    MERCHANT_OK)
		return rc;
	if (out->has_current)
		view(&row, &out->current);
	if ((rc = maybe(store_settlecard_bound(m->s, mid, INT64_MAX, &row), &out->has_next)) !=
	    MERCHANT_OK)
		return rc;
	out->has_next = out->has_next && row.effective_from > now;
	if (out->has_next)
		view(&row, &out->next);
	if ((rc = maybe(store_settlecard_pending(m->s, mid, &row), &out->has_pending)) !=
	    MERCHANT_OK)
		return rc;
	if (out->has_pending)
		view(&row, &out->pending);
	crypto_wipe(&row, sizeof row);
	return MERCHANT_OK;
}

int merchant_payout_ready(merchant *m, const char *mid, int64_t now, bool *ready,
                          char reason[MERCHANT_REASON_MAX])
{
	struct store_merchant mer;
	struct store_settlecard row;
	struct issuer_card card;
	const char *why = "";
	int rc;

	if (m == NULL || mid == NULL || ready == NULL || reason == NULL)
		return MERCHANT_EARG;
	*ready = false;
	reason[0] = '\0';
	if ((rc = merchant_from_store(store_merchant_get(m->s, mid, &mer))) != MERCHANT_OK)
		return rc;
	rc = store_settlecard_bound(m->s, mid, now, &row);
	if (rc != STORE_OK && rc != STORE_ENOTFOUND)
		return merchant_from_store(rc);
	if (mer.status != STORE_MERCHANT_ACTIVE)
		why = "merchant_not_active";
	else if (rc == STORE_ENOTFOUND)
		why = "no_settlement_card";
	else if ((rc = issuer_card_get(m->is, row.card_id, &card)) != ISSUER_OK)
		return merchant_from_issuer(rc);
	else if (card.status != ISSUER_CARD_ACTIVE)
		why = "card_not_active";
	*ready = why[0] == '\0';
	snprintf(reason, MERCHANT_REASON_MAX, "%s", why);
	crypto_wipe(&row, sizeof row);
	return MERCHANT_OK;
}
