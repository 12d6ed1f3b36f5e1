/* qr_pay.c — a cardholder's wallet paying a terminal's static QR code (docs/qr.md "The
 * terminal's static code", acquirer_qr_pay()): the payload checked (its CRC, form, our GUID,
 * its terminal and merchant; refused, nothing is recorded), then the pipeline's own stages for
 * a request without a message — the risk rules, the local issuer, the row (channel "qr", batch
 * 0, a STAN of the terminal's QR counter), the cardholder's text — in a transaction of its
 * own. The terminal learns of it by its QR results (qr.c). */
#include "acquirer/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "qr/qr.h"
#include "rcode/rcode.h"

/* The payload (its CRC, form and our GUID: 30), its terminal (97 unknown; 58 not active or of
 * another merchant) and merchant (03 not active) into t. */
static int payload_terminal(struct txn *t, const char *payload)
{
	struct qr_merchant m;
	int rc = qr_payload_parse(payload, &m);

	if (rc == QR_ECRC)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "payload_crc");
	if (rc != QR_OK)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "payload_format");
	if (strcmp(m.guid, t->a->cfg.qr_guid) != 0)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "payload_guid");
	if (strlen(m.tid) != ACQUIRER_TID_LEN)
		return acquirer_decide(t, RCODE_TERMINAL_UNKNOWN, "terminal_unknown");
	memcpy(t->tid, m.tid, sizeof t->tid);
	rc = store_terminal_get(t->a->s, t->tid, &t->term);
	if (rc == STORE_ENOTFOUND)
		return acquirer_decide(t, RCODE_TERMINAL_UNKNOWN, "terminal_unknown");
	if (rc != STORE_OK)
		return acquirer_from_store(rc);
	t->have_term = true;
	snprintf(t->mid, sizeof t->mid, "%s", t->term.mid);
	if (t->term.status != STORE_TERMINAL_ACTIVE)
		return acquirer_decide(t, RCODE_NOT_PERMITTED_TERMINAL, "terminal_not_active");
	if (strcmp(m.mid, t->term.mid) != 0)
		return acquirer_decide(t, RCODE_NOT_PERMITTED_TERMINAL, "merchant_differs");
	rc = store_merchant_get(t->a->s, t->mid, &t->merchant);
	if (rc != STORE_OK && rc != STORE_ENOTFOUND)
		return acquirer_from_store(rc);
	if (rc == STORE_ENOTFOUND || t->merchant.status != STORE_MERCHANT_ACTIVE)
		return acquirer_decide(t, RCODE_INVALID_MERCHANT, "merchant_not_active");
	return STAGE_NEXT;
}

/* The request a wallet's payment makes: a purchase of the card, outside the terminal's batch
 * (batch 0, a STAN of the terminal's "qr.TID" counter), the PIN block formed under the zone
 * PIN key with the card's PAN, the card masked and hashed, its holder. */
static int stage_request(struct txn *t)
{
	const struct acquirer_qr_payment *p = t->qr_pay;
	struct request *r = &t->rq;
	char counter[16];
	int64_t v;
	int rc;

	request_init(r);
	r->type = REQUEST_PURCHASE;
	r->qr = REQUEST_QR_MERCHANT;
	r->amount = p->amount;
	r->currency = p->currency;
	r->card.entry = REQUEST_ENTRY_QR;
	snprintf(r->card.pan, sizeof r->card.pan, "%s", p->pan);
	snprintf(t->channel, sizeof t->channel, "qr");
	snprintf(counter, sizeof counter, "qr.%s", t->tid);
	if ((rc = store_acq_next(t->a->s, counter, &v)) != STORE_OK)
		return acquirer_from_store(rc);
	acquirer_counter_digits(v, 6, t->stan);
	t->batch = 0;
	t->counted = true; /* its identity is new: the counter's */
	card_pan_mask(p->pan, strlen(p->pan), t->r->out.card, sizeof t->r->out.card);
	if ((rc = acquirer_pan_hash(t, p->pan)) != ACQUIRER_OK)
		return rc;
	if (issuer_holder_key(t->a->is, p->pan, t->holder_key) != ISSUER_OK)
		t->holder_key[0] = '\0';
	if (p->pin != NULL) {
		rc = hsm_encrypt_pin(t->a->h, &t->a->zpk, p->pin, p->pan, r->pin_block);
		if (rc == HSM_EPINBLOCK || rc == HSM_EPAN || rc == HSM_EARG)
			return acquirer_decide(t, RCODE_PIN_FORMAT, "pin_block");
		if (rc != HSM_OK)
			return ACQUIRER_EHSM;
		r->has_pin = true;
		r->pin_key = &t->a->zpk;
	}
	return STAGE_NEXT;
}

static const struct stage pay_stages[] = {
    /* after the payload (payload_terminal): 30, 97, 58, 03, nothing recorded */
    {"request", stage_request, 0, false},              /* batch 0, its STAN, the card */
    {"risk", acquirer_stage_risk, T_RISK, false},      /* the rules' action */
    {"route", acquirer_stage_route, 0, false},         /* the local issuer */
    {"authorize", acquirer_stage_authorize, 0, false}, /* the issuer's decision */
    {"record", acquirer_stage_record, 0, true},        /* one row, channel qr */
    {"risk_record", acquirer_stage_risk_record, T_RISK, true},
    {"notify", acquirer_stage_notify, 0, true}, /* the cardholder's text */
};
static const struct txn_class pay = {"qr_pay", pay_stages,
                                     sizeof pay_stages / sizeof pay_stages[0]};
static const struct txn_type pay_type = {
    "purchase",       "",   NULL, NULL, NULL, T_RECORD | T_CARD | T_PAY | T_AMOUNT | T_RISK,
    REQUEST_PURCHASE, &pay, NULL};

/* The payload refused, or its payment run (acquirer_run(): its own transaction); the payload's
 * checks are reads only, in the same transaction as the payment. */
static int pay_run(struct txn *t, const char **stage)
{
	int rc;

	if ((rc = acquirer_from_store(store_begin(t->a->s))) != ACQUIRER_OK)
		return rc;
	if ((rc = payload_terminal(t, t->qr_pay->payload)) == STAGE_NEXT)
		rc = acquirer_run(t, stage);
	else if (rc == STAGE_RESPOND)
		rc = ACQUIRER_OK;
	if (rc != ACQUIRER_OK) {
		store_rollback(t->a->s);
		return rc;
	}
	return acquirer_from_store(store_commit(t->a->s));
}

int acquirer_qr_pay(acquirer *a, const struct acquirer_qr_payment *p, int64_t now,
                    struct acquirer_outcome *out)
{
	struct acquirer_reply *r = NULL;
	struct txn *t = NULL;
	const char *stage = "payload";
	int rc = ACQUIRER_ENOMEM;

	if (a == NULL || p == NULL || p->payload == NULL || p->pan == NULL || out == NULL ||
	    p->amount <= 0 || strlen(p->pan) > CARD_PAN_MAX)
		return ACQUIRER_EARG;
	memset(out, 0, sizeof *out);
	if ((r = calloc(1, sizeof *r)) == NULL || (t = calloc(1, sizeof *t)) == NULL)
		goto out;
	acquirer_txn_start(t, a, now, r);
	t->type = &pay_type;
	t->qr_pay = p;
	t->rq.amount = p->amount;
	t->rq.currency = p->currency;
	if ((rc = pay_run(t, &stage)) == ACQUIRER_OK) {
		acquirer_outcome_of(t, stage, out);
		memcpy(out->card, r->out.card, sizeof out->card); /* masked */
	}
out:
	if (t != NULL) {
		crypto_wipe(t, sizeof *t);
		free(t);
	}
	free(r);
	return rc;
}
