/* qr.c — QR-code payments at the acquirer (docs/qr.md, docs/cup-pos.md "QR-code payments"):
 * the card of a request whose entry mode says a QR code was scanned (a payment code's card at
 * the issuer's wallet, a QR refund's original by its RRN), the terminal's QR query and QR
 * results messages, and a cardholder's wallet paying a terminal's static code
 * (acquirer_qr_pay(): the payload checked, then the pipeline's own stages for a request
 * without a message). Channel "qr" on each row. */
#include "acquirer/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "crypto/crypto.h"
#include "qr/qr.h"
#include "rcode/rcode.h"
#include "request/iso.h"

#define QR_RECORDS     6     /* records of a results answer, at most */
#define QR_RECORD_LEN  75    /* id 12, RRN 12, auth 6, amount 12, time 14, card 19 */
#define QR_RESULTS_AGE 86400 /* seconds: the payments a terminal still learns of */

bool acquirer_qr_entry(const struct txn *t)
{
	char f22[4] = "";

	if (t->msg == NULL)
		return t->rq.qr != REQUEST_QR_NONE;
	request_iso_text(&t->iso, 22, f22, sizeof f22);
	return strncmp(f22, "03", 2) == 0;
}

/* The keyed hash of pan into t->pan_hash. */
static int hash_pan(struct txn *t, const char *pan)
{
	uint8_t hash[HSM_PAN_HASH_LEN];

	if (hsm_pan_hash(t->a->h, &t->a->pan_hash, pan, hash) != HSM_OK)
		return ACQUIRER_EHSM;
	hex_encode(hash, sizeof hash, t->pan_hash, sizeof t->pan_hash);
	return ACQUIRER_OK;
}

/* A payment code (field 2): what it stands for at the issuer, read only (its decision re-reads
 * it and marks it used). Refused, the row keeps the code masked (6 + 4) and no card's hash;
 * else the card's masked PAN, its keyed hash and its holder. */
static int code_card(struct txn *t)
{
	struct issuer_wallet_use use;
	int rc;

	t->rq.qr = REQUEST_QR_CODE;
	card_pan_mask(t->rq.card.pan, strlen(t->rq.card.pan), t->r->out.card,
	              sizeof t->r->out.card);
	if ((rc = issuer_wallet_resolve(t->a->is, t->rq.card.pan, t->now, &use)) != ISSUER_OK) {
		rc = rc == ISSUER_ESTORE ? ACQUIRER_ESTORE : ACQUIRER_EHSM;
		goto out;
	}
	if (strcmp(use.rc, RCODE_APPROVED) != 0) {
		rc = acquirer_decide(t, use.rc, use.reason);
		goto out;
	}
	if ((rc = hash_pan(t, use.pan)) != ACQUIRER_OK)
		goto out;
	snprintf(t->r->out.card, sizeof t->r->out.card, "%s", use.masked);
	snprintf(t->holder_key, sizeof t->holder_key, "%s", use.holder_key);
	rc = STAGE_NEXT;
out:
	crypto_wipe(&use, sizeof use);
	return rc;
}

/* A QR refund names its payment by RRN (37): a QR purchase of this merchant, or 25. The issuer
 * finds the card from its own decision (card.pan ""); the row keeps the original's card. */
static int refund_original(struct txn *t)
{
	struct store_acq_txn orig;
	int rc = t->rq.orig.rrn[0] != '\0' ? store_acq_txn_by_rrn(t->a->s, t->rq.orig.rrn, &orig)
	                                   : STORE_ENOTFOUND;

	if (rc != STORE_OK && rc != STORE_ENOTFOUND)
		return acquirer_from_store(rc);
	if (rc == STORE_ENOTFOUND || strcmp(orig.channel, "qr") != 0 ||
	    strcmp(orig.type, "purchase") != 0 || strcmp(orig.mid, t->mid) != 0)
		return acquirer_decide(t, RCODE_ORIGINAL_NOT_FOUND, "original_not_qr");
	t->rq.qr = orig.batch == 0 ? REQUEST_QR_MERCHANT : REQUEST_QR_CODE;
	crypto_wipe(t->rq.card.pan, sizeof t->rq.card.pan);
	snprintf(t->r->out.card, sizeof t->r->out.card, "%s", orig.masked);
	snprintf(t->pan_hash, sizeof t->pan_hash, "%s", orig.pan_hash);
	return STAGE_NEXT;
}

int acquirer_qr_card(struct txn *t)
{
	snprintf(t->channel, sizeof t->channel, "qr");
	if (t->rq.type == REQUEST_PURCHASE)
		return code_card(t);
	if (t->rq.type == REQUEST_REFUND)
		return refund_original(t);
	return acquirer_decide(t, RCODE_INVALID_TXN, "qr_not_supported");
}

/* ---- the terminal's QR query and QR results ---- */

/* An upper-case copy of a status's name: field 44's state word. */
static void state_word(const struct store_acq_txn *o, char *out, size_t cap)
{
	const char *name = acquirer_status_name(acquirer_txn_status(o));
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < cap; i++)
		out[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A' : name[i]);
	out[i] = '\0';
}

/* 61 (batch n6 + STAN n6) names one of the terminal's own requests: answered with its 39, its
 * state (44), 4, 37 and 38, or 25. Not recorded: a repeat is answered again. */
static int decide_query(struct txn *t)
{
	struct store_acq_txn o;
	char f61[30] = "", stan[7];
	int batch = 0, rc;

	if (request_iso_text(&t->iso, 61, f61, sizeof f61) != REQUEST_OK || strlen(f61) < 12 ||
	    strspn(f61, "0123456789") < 12)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "format");
	for (int i = 0; i < 6; i++)
		batch = batch * 10 + (f61[i] - '0');
	memcpy(stan, f61 + 6, 6);
	stan[6] = '\0';
	rc = store_acq_txn_find(t->a->s, t->tid, batch, stan, 0, &o);
	if (rc == STORE_ENOTFOUND)
		return acquirer_decide(t, RCODE_ORIGINAL_NOT_FOUND, "original_unknown");
	if (rc != STORE_OK)
		return acquirer_from_store(rc);
	snprintf(t->rrn, sizeof t->rrn, "%s", o.rrn);
	snprintf(t->resp.auth_code, sizeof t->resp.auth_code, "%s", o.auth_code);
	snprintf(t->f4, sizeof t->f4, "%012lld", (long long)o.amount);
	state_word(&o, t->resp.message, sizeof t->resp.message);
	t->rq.amount = o.amount;
	t->rq.currency = (uint16_t)o.currency;
	snprintf(t->r->out.card, sizeof t->r->out.card, "%s", o.masked);
	return acquirer_decide(t, o.rc, "qr_query");
}

/* One record of the results (75 characters) after those already in t->qr62, or the count
 * full: the answer says more follow. */
static int add_result(void *arg, const struct store_acq_txn *o)
{
	struct txn *t = arg;
	time_t tt = (time_t)(o->at + (int64_t)t->a->cfg.utc_offset * 60);
	char when[15], rec[QR_RECORD_LEN + 1];
	int n = t->qr62[1] - '0';
	struct tm tm;

	if (n == QR_RECORDS) {
		t->qr62[0] = '1';
		return 1;
	}
	gmtime_r(&tt, &tm);
	strftime(when, sizeof when, "%Y%m%d%H%M%S", &tm);
	snprintf(rec, sizeof rec, "%012lld%-12.12s%-6.6s%012lld%-14.14s%-19.19s", (long long)o->id,
	         o->rrn, o->auth_code, (long long)o->amount, when, o->masked);
	memcpy(t->qr62 + 2 + (size_t)n * QR_RECORD_LEN, rec, QR_RECORD_LEN);
	t->qr62[1] = (char)('0' + n + 1);
	t->qr62_len = 2 + (size_t)(n + 1) * QR_RECORD_LEN;
	return 0;
}

/* 62 the id of the last payment the terminal has: the approved payments by its static code
 * after it, of the last 24 hours, oldest first, six at most and whether more follow. */
static int decide_results(struct txn *t)
{
	char cursor[13];
	size_t len = 0;
	int rc;

	if (iso8583_get(&t->iso, 62, cursor, sizeof cursor, &len) != ISO8583_OK || len != 12 ||
	    strspn(cursor, "0123456789") != 12)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "format");
	memcpy(t->qr62, "00", 2);
	t->qr62_len = 2;
	rc = store_acq_qr_results(t->a->s, t->tid, strtoll(cursor, NULL, 10),
	                          t->now - QR_RESULTS_AGE, QR_RECORDS + 1, add_result, t);
	if (rc != STORE_OK && rc != 1)
		return acquirer_from_store(rc);
	return acquirer_decide(t, RCODE_APPROVED, "qr_results");
}

static const struct stage query_stages[] = {
    /* after unpack (pipeline.c): 30 unreadable, 12 unknown */
    {"terminal", acquirer_stage_terminal, 0, false}, /* 97, 58, 03, A0 not signed in */
    {"mac", acquirer_stage_mac, 0, false},           /* A0 */
    {"query", decide_query, 0, false},               /* the original's 39, or 25 */
    {"respond", acquirer_stage_respond, 0, true},
};
static const struct stage results_stages[] = {
    {"terminal", acquirer_stage_terminal, 0, false},
    {"mac", acquirer_stage_mac, 0, false},
    {"results", decide_results, 0, false}, /* 00 and the records; 30 a cursor unreadable */
    {"respond", acquirer_stage_respond, 0, true},
};

static const struct txn_class query = {"qr_query", query_stages,
                                       sizeof query_stages / sizeof query_stages[0]};
static const struct txn_class results = {"qr_results", results_stages,
                                         sizeof results_stages / sizeof results_stages[0]};

/* No identity (no duplicate check), no row. */
const struct txn_type acquirer_qr_types[] = {
    {"qr_query", "0100", "30", "00", NULL, T_SIGNED | T_MAC | T_ORIGINAL, 0, &query, NULL},
    {"qr_results", "0100", "32", "00", NULL, T_SIGNED | T_MAC, 0, &results, NULL},
};
const size_t acquirer_n_qr_types = sizeof acquirer_qr_types / sizeof acquirer_qr_types[0];

/* ---- a wallet paying a terminal's static code ---- */

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
	if ((rc = hash_pan(t, p->pan)) != ACQUIRER_OK)
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
	if ((rc = pay_run(t, &stage)) == ACQUIRER_OK)
		acquirer_outcome_of(t, stage, out);
out:
	if (t != NULL) {
		crypto_wipe(t, sizeof *t);
		free(t);
	}
	free(r);
	return rc;
}
