/* cardholder.c — what the API and the admin command do to the issuer's cards on a
 * cardholder's or an operator's behalf (docs/architecture.md flow 5): card authentication outside
 * the POS, loss reports, replacements, a new reserved phone and a risk revocation. Each runs the
 * issuer's own function inside a transaction that also holds its audit entry, so that the
 * change and its record are kept together or not at all. */
#include "merchant/internal.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "crypto/crypto.h"
#include "rcode/rcode.h"

int merchant_from_issuer(int rc)
{
	switch (rc) {
	case ISSUER_OK:
		return MERCHANT_OK;
	case ISSUER_EARG:
	case ISSUER_EAMBIGUOUS:
		return MERCHANT_EARG;
	case ISSUER_ENOTFOUND:
		return MERCHANT_ENOTFOUND;
	case ISSUER_ESTATE:
		return MERCHANT_ESTATE;
	case ISSUER_EHSM:
		return MERCHANT_EHSM;
	case ISSUER_ENOMEM:
		return MERCHANT_ENOMEM;
	default:
		return MERCHANT_ESTORE;
	}
}

/* What an auditor sees of a card: masked, with its status. */
static json_t *card_state(const struct issuer_card *c)
{
	return json_pack("{s:s, s:s}", "card", c->masked, "status",
	                 issuer_card_status_name(c->status));
}

/* A change to make on a card. */
enum change_kind { CHANGE_STATUS, CHANGE_REPLACE, CHANGE_PHONE, CHANGE_REVOKE };

struct change {
	enum change_kind kind;
	const char *action;
	enum issuer_card_status status;
	const char *pin, *expiry, *phone, *why;
	struct issuer_card_image *image;
};

/* Runs c on card_id with its audit entry, in one transaction. */
static int card_change(merchant *m, const char *actor, int64_t card_id, const struct change *c,
                       int64_t now)
{
	struct issuer_card before, after;
	json_t *b = NULL, *a = NULL;
	char object[32];
	int rc;

	if (m == NULL || actor == NULL)
		return MERCHANT_EARG;
	if ((rc = merchant_from_store(store_begin(m->s))) != MERCHANT_OK)
		return rc;
	if ((rc = merchant_from_issuer(issuer_card_get(m->is, card_id, &before))) != MERCHANT_OK)
		goto fail;
	switch (c->kind) {
	case CHANGE_STATUS:
		rc = issuer_card_set_status(m->is, card_id, c->status, now);
		break;
	case CHANGE_REPLACE:
		rc = issuer_card_replace(m->is, card_id, c->pin, c->expiry, now, c->image);
		break;
	case CHANGE_PHONE:
		rc = issuer_card_set_phone(m->is, card_id, c->phone, now);
		break;
	case CHANGE_REVOKE:
		rc = issuer_cardauth_revoke(m->is, card_id);
		break;
	}
	if ((rc = merchant_from_issuer(rc)) != MERCHANT_OK ||
	    (rc = merchant_from_issuer(issuer_card_get(m->is, card_id, &after))) != MERCHANT_OK)
		goto fail;
	b = card_state(&before);
	a = card_state(&after);
	if (c->kind == CHANGE_REPLACE)
		json_object_set_new(a, "replaced_by", json_integer(after.replaced_by));
	if (c->kind == CHANGE_PHONE || c->kind == CHANGE_REVOKE)
		json_object_set_new(
		    a, "authentication",
		    json_string(c->kind == CHANGE_PHONE ? "phone_changed" : "risk_revoked"));
	if (c->why != NULL)
		json_object_set_new(a, "why", json_string(c->why));
	snprintf(object, sizeof object, "card:%lld", (long long)card_id);
	if ((rc = merchant_from_audit(audit_record(m->s, actor, c->action, object, b, a, now))) !=
	    MERCHANT_OK)
		goto fail;
	if ((rc = merchant_from_store(store_commit(m->s))) == MERCHANT_OK)
		goto out;
fail:
	store_rollback(m->s);
	if (c->image != NULL)
		crypto_wipe(c->image, sizeof *c->image);
out:
	json_decref(b);
	json_decref(a);
	return rc;
}

int merchant_card_set_status(merchant *m, const char *actor, int64_t card_id,
                             enum issuer_card_status status, int64_t now)
{
	const struct change c = {.kind = CHANGE_STATUS, .action = "card.status", .status = status};

	return card_change(m, actor, card_id, &c, now);
}

int merchant_card_replace(merchant *m, const char *actor, int64_t card_id, const char *pin,
                          const char *expiry, int64_t now, struct issuer_card_image *out)
{
	const struct change c = {.kind = CHANGE_REPLACE,
	                         .action = "card.replace",
	                         .pin = pin,
	                         .expiry = expiry,
	                         .image = out};

	if (out == NULL)
		return MERCHANT_EARG;
	return card_change(m, actor, card_id, &c, now);
}

int merchant_card_set_phone(merchant *m, const char *actor, int64_t card_id, const char *phone,
                            int64_t now)
{
	const struct change c = {.kind = CHANGE_PHONE, .action = "card.phone", .phone = phone};

	return card_change(m, actor, card_id, &c, now);
}

int merchant_card_revoke_auth(merchant *m, const char *actor, int64_t card_id, const char *why,
                              int64_t now)
{
	const struct change c = {.kind = CHANGE_REVOKE, .action = "card.revoke_auth", .why = why};

	if (why == NULL || why[0] == '\0')
		return MERCHANT_EARG;
	return card_change(m, actor, card_id, &c, now);
}

/* One step of a card authentication, start (e) or confirm (pan, otp), with its audit entry
 * when it went through; a refusal keeps the issuer's record of it (its limits count it). The
 * issuer's step runs in this transaction: a start's code is sent after its commit. */
static int cardauth_step(merchant *m, const char *actor, const struct merchant_card_elements *e,
                         const char *pan, const char *otp, int64_t now,
                         char reason[MERCHANT_REASON_MAX])
{
	struct issuer_response resp;
	struct issuer_card card;
	json_t *after;
	char object[32];
	int rc;

	if (m == NULL || actor == NULL || pan == NULL || reason == NULL)
		return MERCHANT_EARG;
	reason[0] = '\0';
	if (card_pan_check(pan) != CARD_OK) {
		snprintf(reason, MERCHANT_REASON_MAX, "pan_invalid");
		return MERCHANT_EARG;
	}
	if ((rc = merchant_from_store(store_begin(m->s))) != MERCHANT_OK)
		return rc;
	rc = e != NULL
	         ? issuer_cardauth_start(m->is, pan, e->holder, e->id_number, e->phone, now, &resp)
	         : issuer_cardauth_confirm(m->is, pan, otp, now, &resp);
	if ((rc = merchant_from_issuer(rc)) != MERCHANT_OK)
		goto fail;
	if (!rcode_approved(resp.rc)) {
		snprintf(reason, MERCHANT_REASON_MAX, "%s", resp.reason);
		if ((rc = merchant_from_store(store_commit(m->s))) == MERCHANT_OK)
			rc = MERCHANT_EVERIFY;
		goto out;
	}
	if ((rc = merchant_from_issuer(issuer_card_find(m->is, pan, &card))) != MERCHANT_OK)
		goto fail;
	snprintf(object, sizeof object, "card:%lld", (long long)card.id);
	after = json_pack("{s:s, s:s}", "card", card.masked, "authentication",
	                  e != NULL ? "code_sent" : "valid");
	rc = merchant_from_audit(audit_record(m->s, actor,
	                                      e != NULL ? "cardauth.start" : "cardauth.confirm",
	                                      object, NULL, after, now));
	json_decref(after);
	if (rc != MERCHANT_OK)
		goto fail;
	if ((rc = merchant_from_store(store_commit(m->s))) == MERCHANT_OK)
		issuer_send_pending(m->is, &resp);
	goto out;
fail:
	store_rollback(m->s);
out:
	crypto_wipe(&resp, sizeof resp);
	return rc;
}

int merchant_cardauth_start(merchant *m, const char *actor, const struct merchant_card_elements *e,
                            int64_t now, char reason[MERCHANT_REASON_MAX])
{
	if (e == NULL)
		return MERCHANT_EARG;
	return cardauth_step(m, actor, e, e->pan, NULL, now, reason);
}

int merchant_cardauth_confirm(merchant *m, const char *actor, const char *pan, const char *otp,
                              int64_t now, char reason[MERCHANT_REASON_MAX])
{
	if (otp == NULL)
		return MERCHANT_EARG;
	return cardauth_step(m, actor, NULL, pan, otp, now, reason);
}
