/* issuer.c — the issuer behind the host's network link: reads an authorization out
 * of each message, has the issuer decide it (committed before the answer is made), answers
 * with the decision's fields, and logs it masked. A message the issuer cannot read is answered
 * with its code (12, 30) and changes nothing; a store or HSM failure is answered 96, never an
 * approval. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "host/internal.h"
#include "crypto/crypto.h"
#include "issuer/link.h"
#include "rcode/rcode.h"

/* The card number of a request, masked, for the log. */
static void masked_card(const struct request *ir, char out[CARD_PAN_MAX + 1])
{
	const char *pan = ir->card.pan;
	size_t n = card_pan_len(pan);

	if (n == 0 || card_pan_mask(pan, n, out, CARD_PAN_MAX + 1) != CARD_OK)
		snprintf(out, CARD_PAN_MAX + 1, "%s", n == 0 ? "" : "?");
}

static void log_decision(struct host_issuer *hi, const iso8583_msg *msg, const struct request *ir,
                         const struct issuer_response *r, int rc)
{
	char card[CARD_PAN_MAX + 1];
	json_t *f = json_object();

	masked_card(ir, card);
	json_object_set_new(f, "link", json_string(hi->link->name));
	json_object_set_new(f, "mti", json_string(msg->mti));
	json_object_set_new(f, "op", json_string(request_type_name(ir->type)));
	if (ir->advice)
		json_object_set_new(f, "advice", json_true());
	json_object_set_new(f, "card", json_string(card));
	json_object_set_new(f, "amount", json_integer(ir->amount));
	json_object_set_new(f, "currency", json_integer(ir->currency));
	json_object_set_new(f, "acquirer", json_string(ir->acquirer));
	json_object_set_new(f, "terminal", json_string(ir->terminal));
	json_object_set_new(f, "stan", json_string(ir->stan));
	if (rc != ISSUER_OK) {
		json_object_set_new(f, "rc", json_string(RCODE_SYSTEM_FAULT));
		json_object_set_new(f, "error", json_string(issuer_strerror(rc)));
		if (rc == ISSUER_ESTORE)
			json_object_set_new(f, "store", json_string(store_errmsg(hi->store)));
	} else {
		json_object_set_new(f, "rc", json_string(r->rc));
		json_object_set_new(f, "reason", json_string(r->reason));
		json_object_set_new(f, "decision", json_integer(r->decision_id));
	}
	log_event(hi->log, rc == ISSUER_OK ? LOG_INFO : LOG_ERROR, "authorization", f);
}

static void authorize(void *ctx, net_request *req, const iso8583_msg *msg)
{
	struct host_issuer *hi = ctx;
	struct request ir;
	struct issuer_response r;
	struct issuer_link_answer a;
	iso8583_msg resp;
	char code[3];
	int rc;

	if (issuer_link_read(msg, hi->zpk, &ir, code) != ISSUER_OK) {
		json_t *f = json_object();

		json_object_set_new(f, "link", json_string(hi->link->name));
		json_object_set_new(f, "mti", json_string(msg->mti));
		json_object_set_new(f, "rc", json_string(code));
		log_event(hi->log, LOG_WARN, "request_refused", f);
		if (net_link_respond(hi->link->dialect, msg, code, &resp) == ISO8583_OK)
			net_link_reply(hi->link, req, &resp);
		else
			net_drop(req, 0);
		return;
	}
	/* Decided and committed before the answer is made; a code sent once committed. */
	rc = ISSUER_ESTORE;
	if (store_begin(hi->store) == STORE_OK) {
		int64_t now = (int64_t)time(NULL);

		if ((rc = issuer_authorize(hi->issuer, &ir, now, &r)) != ISSUER_OK ||
		    (rc = issuer_notify(hi->issuer, &ir, &r, now)) != ISSUER_OK)
			store_rollback(hi->store);
		else if ((rc = store_commit(hi->store) == STORE_OK ? ISSUER_OK : ISSUER_ESTORE) ==
		         ISSUER_OK)
			issuer_send_pending(hi->issuer, &r);
	}
	log_decision(hi, msg, &ir, &r, rc);
	if (net_link_respond(hi->link->dialect, msg, rc == ISSUER_OK ? r.rc : RCODE_SYSTEM_FAULT,
	                     &resp) != ISO8583_OK) {
		net_drop(req, 0);
		goto out;
	}
	if (rc == ISSUER_OK)
		issuer_link_answer(&r, &a, &resp);
	net_link_reply(hi->link, req, &resp);
out:
	crypto_wipe(&ir, sizeof ir);
	crypto_wipe(&r, sizeof r);
}

void host_issuer_attach(struct host_issuer *hi, struct net_link *link)
{
	hi->link = link;
	link->auth.ctx = hi;
	link->auth.authorize = authorize;
}
