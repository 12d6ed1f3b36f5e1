/* qr.c — QR-code payments at the terminal (docs/qr.md, docs/cup-pos.md "QR-code payments"):
 * the card of a request whose entry mode says a QR code was scanned (a payment code's card at
 * the issuer's wallet, a QR refund's original by its RRN), channel "qr" on its row, and the
 * terminal's QR query and QR results messages. A wallet paying a terminal's static code is
 * qr_pay.c's. */
#include "acquirer/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
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
	if ((rc = acquirer_pan_hash(t, use.pan)) != ACQUIRER_OK)
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
    {"terminal", acquirer_stage_terminal, 0, false}, /* 97, A0 not signed in */
    {"mac", acquirer_stage_mac, 0, false},           /* A0 */
    {"binding", acquirer_stage_binding, 0, false},   /* 58, 03 */
    {"query", decide_query, 0, false},               /* the original's 39, or 25 */
    {"respond", acquirer_stage_respond, 0, true},
};
static const struct stage results_stages[] = {
    {"terminal", acquirer_stage_terminal, 0, false},
    {"mac", acquirer_stage_mac, 0, false},
    {"binding", acquirer_stage_binding, 0, false},
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
