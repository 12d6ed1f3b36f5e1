/* authorize.c — the issuer's authorization decision: a table of stages, each of which applies
 * to some request types and either lets the request go on or decides it with a response code
 * of docs/cup-pos.md. Reading the table tells the order of the checks; the record follows it,
 * in the caller's transaction, whose commit comes before the answer leaves. */
#include "issuer/internal.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "rcode/rcode.h"
#include "crypto/crypto.h"
#include "tlv/tlv.h"

const struct issuer_cdol_entry issuer_cdol1[ISSUER_CDOL1_ENTRIES] = {
    {0x9F02, 6}, {0x9F03, 6}, {0x9F1A, 2}, {0x95, 5}, {0x5F2A, 2},
    {0x9A, 3},   {0x9C, 1},   {0x9F37, 4}, {0x82, 2}, {0x9F36, 2},
};

/* Operations by what they need. */
#define OPS_ALL                                                                                    \
	(OP(REQUEST_BALANCE) | OP(REQUEST_PREAUTH) | OP(REQUEST_PREAUTH_CANCEL) |                  \
	 OP(REQUEST_COMPLETION) | OP(REQUEST_COMPLETION_VOID) | OP(REQUEST_PURCHASE) |             \
	 OP(REQUEST_VOID) | OP(REQUEST_REFUND) | OP(REQUEST_REVERSAL) | OP(REQUEST_VERIFY) |       \
	 OP(REQUEST_CARDAUTH_START) | OP(REQUEST_CARDAUTH_CONFIRM))
#define OPS_CARDAUTH (OP(REQUEST_CARDAUTH_START) | OP(REQUEST_CARDAUTH_CONFIRM))
/* The card is presented and checked: status, expiry, CVV or cryptogram, PIN. */
#define OPS_PRESENTED                                                                              \
	(OP(REQUEST_BALANCE) | OP(REQUEST_PREAUTH) | OP(REQUEST_PURCHASE) | OP(REQUEST_VERIFY) |   \
	 OPS_CARDAUTH)
/* Presented, and a debit card's PIN is required. */
#define OPS_PIN_REQUIRED (OP(REQUEST_BALANCE) | OP(REQUEST_PREAUTH) | OP(REQUEST_PURCHASE))
/* The card data (track 2 or chip) is required: card-not-present checks take the PAN alone. */
#define OPS_CARD_DATA OPS_PIN_REQUIRED
/* Acting on an earlier approval. */
#define OPS_FOLLOW_UP                                                                              \
	(OP(REQUEST_PREAUTH_CANCEL) | OP(REQUEST_COMPLETION) | OP(REQUEST_COMPLETION_VOID) |       \
	 OP(REQUEST_VOID) | OP(REQUEST_REFUND))
/* With an amount that must be positive and in the card's currency. */
#define OPS_AMOUNT (OP(REQUEST_PREAUTH) | OP(REQUEST_PURCHASE) | OPS_FOLLOW_UP)
/* Spending, under the daily limits. */
#define OPS_SPENDING (OP(REQUEST_PREAUTH) | OP(REQUEST_PURCHASE))
/* What the acquirer may approve in the issuer's name and advise (a card's, without a PIN). */
#define OPS_ADVICE (OP(REQUEST_PREAUTH) | OP(REQUEST_PURCHASE) | OP(REQUEST_COMPLETION))
/* What a reversal may undo. */
#define OPS_REVERSIBLE (OPS_SPENDING | OPS_FOLLOW_UP)

/* ---- the stages ---- */

static int stage_fields(struct issuer_decision *d)
{
	const struct request *r = d->req;

	if (r->type < REQUEST_BALANCE || r->type > REQUEST_CARDAUTH_CONFIRM ||
	    (unsigned)r->qr > REQUEST_QR_MERCHANT)
		return issuer_decide(d, RCODE_INVALID_TXN, "unknown_operation");
	if ((OP(r->type) & OPS_AMOUNT) && r->amount <= 0)
		return issuer_decide(d, RCODE_INVALID_AMOUNT, "amount_missing");
	if (r->amount < 0 || (r->amount > 0 && r->currency != d->is->cfg.currency))
		return issuer_decide(d, RCODE_INVALID_AMOUNT, "currency");
	if (r->has_pin && r->pin_key == NULL)
		return issuer_decide(d, RCODE_PIN_FORMAT, "no_pin_key");
	if (r->advice && (!(OP(r->type) & OPS_ADVICE) || r->qr != REQUEST_QR_NONE))
		return issuer_decide(d, RCODE_INVALID_TXN, "advice_of_another");
	/* Only the issuer checks an online PIN: the acquirer approves none in its name. */
	if (r->advice && r->has_pin)
		return issuer_decide(d, RCODE_FORMAT_ERROR, "advice_with_pin");
	return STAGE_NEXT;
}

static int stage_duplicate(struct issuer_decision *d)
{
	const struct request *r = d->req;
	struct store_decision prior;
	int rc;

	if (!issuer_present(r->acquirer) || !issuer_present(r->stan) ||
	    !issuer_present(r->transmit))
		/* An advice is applied once: by the identity its repeats carry too. */
		return r->advice ? issuer_decide(d, RCODE_FORMAT_ERROR, "advice_unnamed")
		                 : STAGE_NEXT;
	/* Kinds apart: a reversal (R), an advice (V) and a request (A) of one STAN are three. */
	snprintf(d->rec.dup_key, sizeof d->rec.dup_key, "%s|%s|%s|%c", r->acquirer, r->stan,
	         r->transmit,
	         r->type == REQUEST_REVERSAL ? 'R'
	         : r->advice                 ? 'V'
	                                     : 'A');
	rc = store_decision_by_dup_key(d->is->s, d->rec.dup_key, &prior);
	if (rc == STORE_ENOTFOUND)
		return STAGE_NEXT;
	if (rc != STORE_OK)
		return issuer_from_store(rc);
	d->record = false;
	/* A reversal or an advice is sent until it is answered: its repeat gets the first
	 * answer again, and nothing is applied twice. */
	if (r->type != REQUEST_REVERSAL && !r->advice)
		return issuer_decide(d, RCODE_DUPLICATE, "duplicate");
	if (strcmp(prior.rc, RCODE_APPROVED) == 0)
		snprintf(d->resp->auth_code, sizeof d->resp->auth_code, "%s", prior.auth_code);
	return issuer_decide(d, prior.rc, "repeated");
}

static int stage_card(struct issuer_decision *d)
{
	/* Read and checked once, by the request's reader (request_card_set): each fault is 14. */
	static const char *const faults[] = {
	    [REQUEST_CARD_TRACK2] = "track2_invalid",
	    [REQUEST_CARD_PAN] = "pan_invalid",
	    [REQUEST_CARD_DIFFERS] = "pan_track2_differ",
	};
	const enum request_card_check check = d->req->card.check;
	const struct card_bin_range *bin;
	char hash[STORE_HASH_HEX + 1];
	int rc;

	if (check > REQUEST_CARD_OK && (size_t)check < sizeof faults / sizeof faults[0])
		return issuer_decide(d, RCODE_INVALID_CARD, faults[check]);
	rc = card_bin_lookup(d->is->bins, d->is->cfg.n_bins, d->pan, &bin);
	if (rc != CARD_OK)
		return issuer_decide(d, RCODE_NO_ISSUER, "bin_not_ours");
	if ((rc = issuer_pan_hash(d->is, d->pan, hash)) != ISSUER_OK)
		return rc;
	/* Locked: the limits, tries and balance judged next are the card's until this decision
	 * commits, whichever host decides the card's next request. */
	rc = issuer_card_lock(d, 0, hash);
	if (rc == STORE_ENOTFOUND)
		return issuer_decide(d, RCODE_INVALID_CARD, "card_unknown");
	if (rc != STORE_OK)
		return issuer_from_store(rc);
	d->rec.card_id = d->card.id;
	return STAGE_NEXT;
}

static int stage_status(struct issuer_decision *d)
{
	switch (d->card.status) {
	case ISSUER_CARD_ACTIVE:
		return STAGE_NEXT;
	case ISSUER_CARD_LOST:
		return issuer_decide(d, RCODE_LOST_CARD, "card_lost");
	case ISSUER_CARD_STOLEN:
		return issuer_decide(d, RCODE_STOLEN_CARD, "card_stolen");
	case ISSUER_CARD_REPLACED:
		return issuer_decide(d, RCODE_RESTRICTED_CARD, "card_replaced");
	default:
		return issuer_decide(d, RCODE_RESTRICTED_CARD, "card_blocked");
	}
}

static int stage_expiry(struct issuer_decision *d)
{
	const char *given = issuer_present(d->req->card.expiry) ? d->req->card.expiry : NULL;

	if (!issuer_expiry_current(d->card.expiry, d->now))
		return issuer_decide(d, RCODE_EXPIRED_CARD, "card_expired");
	/* Another expiry than the card's is an old card of the same PAN, or a made-up one. */
	if (given != NULL && strcmp(given, d->card.expiry) != 0)
		return issuer_decide(d, RCODE_EXPIRED_CARD, "expiry_differs");
	return STAGE_NEXT;
}

/* EMV 4.3 Book 2 8.1: the ARQC in field 55 over the CDOL1 data, under the card's key. */
static int stage_cryptogram(struct issuer_decision *d)
{
	const struct request *r = d->req;
	size_t pos = 0;
	uint64_t amount = 0;
	unsigned currency;
	tlv v;
	int rc, atc;

	const uint8_t *icc = r->card.icc;
	size_t icc_len = r->card.icc_len;

	if (icc_len == 0)
		return STAGE_NEXT;
	if (tlv_validate(icc, icc_len, NULL) != TLV_OK)
		return issuer_decide(d, RCODE_FORMAT_ERROR, "icc_malformed");
	for (size_t i = 0; i < ISSUER_CDOL1_ENTRIES; i++) {
		if (tlv_find(icc, icc_len, issuer_cdol1[i].tag, &v) != TLV_OK ||
		    v.len != issuer_cdol1[i].len)
			return issuer_decide(d, RCODE_FORMAT_ERROR, "icc_incomplete");
		memcpy(d->emv_data + pos, v.value, v.len);
		pos += v.len;
	}
	/* 9F02 is n12 in BCD: it must be the amount asked for. */
	for (size_t i = 0; i < 6; i++)
		amount = amount * 100 + (d->emv_data[i] >> 4) * 10 + (d->emv_data[i] & 0x0F);
	if (r->amount > 0 && amount != (uint64_t)r->amount)
		return issuer_decide(d, RCODE_INVALID_AMOUNT, "icc_amount_differs");
	/* 5F2A, n3 in two BCD bytes after 9F02, 9F03, 9F1A and 95: the currency asked in. */
	currency = (unsigned)(d->emv_data[19] & 0x0F) * 100 +
	           (unsigned)(d->emv_data[20] >> 4) * 10 + (unsigned)(d->emv_data[20] & 0x0F);
	if (r->amount > 0 && currency != r->currency)
		return issuer_decide(d, RCODE_INVALID_AMOUNT, "icc_currency_differs");
	if (tlv_find(icc, icc_len, 0x9F26, &v) != TLV_OK || v.len != 8)
		return issuer_decide(d, RCODE_FORMAT_ERROR, "icc_no_arqc");
	memcpy(d->emv.arqc, v.value, 8);
	if (tlv_find(icc, icc_len, 0x9F36, &v) != TLV_OK || v.len != 2)
		return issuer_decide(d, RCODE_FORMAT_ERROR, "icc_no_atc");
	memcpy(d->emv.atc, v.value, 2);
	d->emv.pan = d->pan;
	d->emv.psn = d->card.psn;
	d->emv.data = d->emv_data;
	d->emv.len = sizeof d->emv_data;
	if (!d->card.chip)
		return issuer_decide(d, RCODE_HOLDER_AUTH_FAILED, "not_a_chip_card");
	rc = hsm_emv_verify_arqc(d->is->h, &d->is->keys.imk, &d->emv);
	if (rc == HSM_EVERIFY)
		return issuer_decide(d, RCODE_HOLDER_AUTH_FAILED, "arqc_wrong");
	if (rc != HSM_OK)
		return ISSUER_EHSM;
	/* The application transaction counter only goes up: a lower or equal one is a captured
	 * cryptogram played again. */
	atc = (int)d->emv.atc[0] << 8 | d->emv.atc[1];
	if (atc <= d->card.atc)
		return issuer_decide(d, RCODE_HOLDER_AUTH_FAILED, "atc_replayed");
	d->card.atc = atc;
	d->card_changed = true;
	d->arqc_ok = true;
	return STAGE_NEXT;
}

/* The CVV in track 2 (after PVKI and PVV): the stripe's under the card's service code, or the
 * iCVV of the chip's track 2 image when the chip was read. */
static int stage_cvv(struct issuer_decision *d)
{
	const struct request *r = d->req;
	char cvv[CRYPTO_CVV_LEN + 1];
	bool chip_read = r->card.entry == REQUEST_ENTRY_CHIP;
	/* An advice's card was read by the acquirer, which keeps no track or chip data to send
	 * with it later: what it carries is checked, nothing more is asked. */
	bool needed = (OP(r->type) & OPS_CARD_DATA) && !r->advice;
	int rc;

	/* A chip read proves the card with its cryptogram: its track 2 image alone is a copy. */
	if (chip_read && d->card.chip && !d->arqc_ok && needed)
		return issuer_decide(d, RCODE_CARD_VERIFICATION, "chip_data_missing");
	if (!d->req->card.has_track2) {
		if (needed && !d->arqc_ok)
			return issuer_decide(d, RCODE_CARD_VERIFICATION, "no_card_data");
		return STAGE_NEXT;
	}
	if (strlen(d->req->card.track2.discretionary) < 5 + CRYPTO_CVV_LEN)
		return issuer_decide(d, RCODE_CARD_VERIFICATION, "cvv_missing");
	memcpy(cvv, d->req->card.track2.discretionary + 5, CRYPTO_CVV_LEN);
	cvv[CRYPTO_CVV_LEN] = '\0';
	rc = hsm_verify_cvv(
	    d->is->h, &d->is->keys.cvk, d->pan, d->req->card.track2.expiry,
	    chip_read && d->card.chip ? CRYPTO_CVV_SC_ICVV : d->req->card.track2.service_code, cvv);
	crypto_wipe(cvv, sizeof cvv);
	if (rc == HSM_EVERIFY)
		return issuer_decide(d, RCODE_CARD_VERIFICATION, "cvv_wrong");
	if (rc != HSM_OK)
		return ISSUER_EHSM;
	if (strcmp(d->req->card.track2.service_code, d->card.service_code) != 0)
		return issuer_decide(d, RCODE_CARD_VERIFICATION, "service_code_differs");
	return STAGE_NEXT;
}

static int stage_pin(struct issuer_decision *d)
{
	const struct request *r = d->req;
	const struct issuer_config *cfg = &d->is->cfg;
	/* An advice has none: the acquirer approved it without (stage_fields). */
	bool required =
	    d->card.product == CARD_PRODUCT_DEBIT && (OP(r->type) & OPS_PIN_REQUIRED) && !r->advice;

	/* A card locked by wrong PINs spends nothing until an operator unlocks it, PIN or not. */
	if (d->card.pin_tries >= cfg->pin_tries && (r->has_pin || (OP(r->type) & OPS_PIN_REQUIRED)))
		return issuer_decide(d, RCODE_PIN_TRIES_EXCEEDED, "pin_locked");
	if (!r->has_pin)
		return required ? issuer_decide(d, RCODE_WRONG_PIN, "pin_required") : STAGE_NEXT;
	return issuer_pin_outcome(d,
	                          hsm_verify_pin_pvv(d->is->h, r->pin_key, r->pin_block, d->pan,
	                                             &d->is->keys.pvk, d->card.pvki, d->card.pvv));
}

static bool same_day(const issuer *is, int64_t a, int64_t b)
{
	return issuer_day(is, a) == issuer_day(is, b);
}

/* A payment undone the day it was made no longer counts against that day's limits. */
static void unspend(struct issuer_decision *d)
{
	if ((d->orig.op == REQUEST_PURCHASE || d->orig.op == REQUEST_PREAUTH) &&
	    same_day(d->is, d->orig.at, d->now)) {
		d->day.amount -= d->orig.amount;
		d->day.count--;
	}
}

static_assert(STORE_DECISION_AUTH_OPS == (OP(REQUEST_PREAUTH) | OP(REQUEST_COMPLETION)),
              "decisions_auth holds the pre-authorizations and completions");

static int stage_original(struct issuer_decision *d)
{
	const struct request *r = d->req;
	unsigned ops;
	int rc;

	switch (r->type) {
	case REQUEST_PREAUTH_CANCEL:
	case REQUEST_COMPLETION:
		ops = OP(REQUEST_PREAUTH);
		break;
	case REQUEST_COMPLETION_VOID:
		ops = OP(REQUEST_COMPLETION);
		break;
	case REQUEST_VOID:
		ops = OP(REQUEST_PURCHASE);
		break;
	default:
		ops = OP(REQUEST_PURCHASE) | OP(REQUEST_COMPLETION);
		break;
	}
	/* A pre-authorization's follow-ups name it by auth code; the others by RRN, a void with
	 * the auth code as well (docs/cup-pos.md). */
	if (!issuer_present(r->orig.rrn) &&
	    (!issuer_present(r->orig.auth_code) || (ops & ~STORE_DECISION_AUTH_OPS) != 0))
		return issuer_decide(d, RCODE_ORIGINAL_NOT_FOUND, "original_not_named");
	rc = store_decision_original(d->is->s, d->card.id, ops,
	                             issuer_present(r->orig.auth_code) ? r->orig.auth_code : NULL,
	                             issuer_present(r->orig.rrn) ? r->orig.rrn : NULL, &d->orig);
	if (rc == STORE_ENOTFOUND)
		return issuer_decide(d, RCODE_ORIGINAL_NOT_FOUND, "original_unknown");
	if (rc != STORE_OK)
		return issuer_from_store(rc);
	d->rec.original_id = d->orig.id;
	return STAGE_NEXT;
}

/* Whether the original found (a card's, or a QR payment's) allows what is asked of it. */
static int stage_follow_up(struct issuer_decision *d)
{
	const struct request *r = d->req;

	if (d->orig.reversed)
		return issuer_decide(d, RCODE_ORIGINAL_NOT_FOUND, "original_reversed");
	switch (r->type) {
	case REQUEST_PREAUTH_CANCEL:
		if (d->orig.remaining == 0)
			return issuer_decide(d, RCODE_INVALID_TXN, "original_resolved");
		if (r->amount != d->orig.amount)
			return issuer_decide(d, RCODE_AMOUNT_DIFFERS, "amount_differs");
		break;
	case REQUEST_COMPLETION:
		if (d->orig.remaining == 0)
			return issuer_decide(d, RCODE_INVALID_TXN, "original_resolved");
		if (r->amount > d->orig.amount)
			return issuer_decide(d, RCODE_AMOUNT_DIFFERS, "amount_over_hold");
		break;
	case REQUEST_VOID:
	case REQUEST_COMPLETION_VOID:
		if (!same_day(d->is, d->orig.at, d->now))
			return issuer_decide(d, RCODE_INVALID_TXN, "not_same_day");
		if (r->amount != d->orig.amount)
			return issuer_decide(d, RCODE_AMOUNT_DIFFERS, "amount_differs");
		if (d->orig.remaining != d->orig.amount)
			return issuer_decide(d, RCODE_INVALID_TXN, "original_refunded_or_voided");
		break;
	default:
		if (r->amount > d->orig.remaining)
			return issuer_decide(d, RCODE_AMOUNT_DIFFERS, "amount_over_remaining");
		break;
	}
	return STAGE_NEXT;
}

static int stage_limits(struct issuer_decision *d)
{
	const struct issuer_config *cfg = &d->is->cfg;
	struct store_card_day day;
	int rc;

	if ((rc = store_card_day_get(d->is->s, d->card.id, issuer_day(d->is, d->now), &day)) !=
	    STORE_OK)
		return issuer_from_store(rc);
	if (cfg->daily_amount_limit > 0 && d->req->amount > cfg->daily_amount_limit - day.amount)
		return issuer_decide(d, RCODE_AMOUNT_LIMIT, "daily_amount_limit");
	if (cfg->daily_count_limit > 0 && day.count >= cfg->daily_count_limit)
		return issuer_decide(d, RCODE_COUNT_LIMIT, "daily_count_limit");
	return STAGE_NEXT;
}

/* Approves d, with a new auth code when auth_code is set; an advised pre-authorization or
 * purchase keeps the one the acquirer gave the terminal (38), by which its follow-ups name it. */
static int approve(struct issuer_decision *d, bool auth_code)
{
	const struct request *r = d->req;
	int rc;

	if (auth_code) {
		if (r->advice && r->type != REQUEST_COMPLETION && strlen(r->orig.auth_code) == 6)
			memcpy(d->resp->auth_code, r->orig.auth_code, 7);
		else if ((rc = issuer_random_digits(d->resp->auth_code, 6)) != ISSUER_OK)
			return rc;
		snprintf(d->rec.auth_code, sizeof d->rec.auth_code, "%s", d->resp->auth_code);
	}
	return issuer_decide(d, RCODE_APPROVED, r->advice ? "advice" : "approved");
}

/* A pending transfer made, posted or voided for this request. */
static int hold(struct issuer_decision *d, uint32_t flags, int64_t amount,
                enum issuer_transfer_code code, ledger_id *id)
{
	struct ledger_transfer t = {
	    .flags = flags, .amount = amount, .currency = d->is->cfg.currency, .code = code};
	int rc;

	/* A repeated request never gets here (the duplicate stage, in the same transaction as
	 * the transfer), so each transfer is new. */
	if (ledger_id_new(id) != LEDGER_OK)
		return ISSUER_EHSM;
	t.id = *id;
	if (flags == LEDGER_PENDING) {
		t.debit_account = d->card.account_id;
		t.credit_account = d->is->settlement;
		t.timeout = (int64_t)d->is->cfg.hold_days * 86400;
	} else {
		memcpy(t.pending_id.b, d->orig.transfer_id, sizeof t.pending_id.b);
	}
	rc = ledger_transfer_create(d->is->s, &t, d->now, NULL);
	switch (rc) {
	case LEDGER_OK:
		return ISSUER_OK;
	case LEDGER_EFUNDS:
		return issuer_decide(d, RCODE_INSUFFICIENT_FUNDS, "insufficient_funds");
	case LEDGER_ERESOLVED:
		/* A hold that expired meanwhile has nothing left for a reversal to release. */
		if (d->req->type == REQUEST_REVERSAL)
			return ISSUER_OK;
		return issuer_decide(d, RCODE_INVALID_TXN, "hold_resolved_or_expired");
	case LEDGER_EAMOUNT:
		return issuer_decide(d, RCODE_AMOUNT_DIFFERS, "amount_over_hold");
	default:
		return issuer_ledger_failure(rc);
	}
}

/* A posted move on the card's account for this request: debit (a payment) or credit back. */
static int move(struct issuer_decision *d, bool debit, int64_t amount, ledger_id *id)
{
	int rc;

	if (ledger_id_new(id) != LEDGER_OK)
		return ISSUER_EHSM;
	rc = issuer_move(d->is, id, d->card.account_id, debit, amount,
	                 d->req->type == REQUEST_REVERSAL ? ISSUER_XFER_REVERSAL
	                 : d->req->type == REQUEST_REFUND ? ISSUER_XFER_REFUND
	                 : debit                          ? ISSUER_XFER_PURCHASE
	                                                  : ISSUER_XFER_VOID,
	                 d->now);
	if (rc == ISSUER_EFUNDS)
		return issuer_decide(d, RCODE_INSUFFICIENT_FUNDS, "insufficient_funds");
	return rc;
}

static int stage_authorize(struct issuer_decision *d)
{
	const struct request *r = d->req;
	struct ledger_account a = {0};
	ledger_id id;
	bool spends = false;
	int rc;

	/* Only the enquiries read the account: a transfer checks its limits itself. */
	if ((r->type == REQUEST_BALANCE || r->type == REQUEST_VERIFY) &&
	    (rc = ledger_account_get(d->is->s, d->card.account_id, &a)) != LEDGER_OK)
		return issuer_ledger_failure(rc);
	switch (r->type) {
	case REQUEST_BALANCE:
		d->resp->has_balance = true;
		d->resp->available = ledger_available(&a);
		d->resp->currency = a.currency;
		return approve(d, false);
	case REQUEST_VERIFY:
		/* docs/cup-pos.md: whether the funds cover the amount, never the balance. */
		if (r->amount > 0 && ledger_available(&a) < r->amount)
			return issuer_decide(d, RCODE_INSUFFICIENT_FUNDS, "insufficient_funds");
		return approve(d, false);
	case REQUEST_PURCHASE:
		rc = move(d, true, r->amount, &id);
		spends = true;
		break;
	case REQUEST_PREAUTH:
		rc = hold(d, LEDGER_PENDING, r->amount, ISSUER_XFER_HOLD, &id);
		spends = true;
		break;
	case REQUEST_PREAUTH_CANCEL:
		rc = hold(d, LEDGER_VOID, 0, ISSUER_XFER_CANCEL, &id);
		break;
	case REQUEST_COMPLETION:
		rc = hold(d, LEDGER_POST, r->amount, ISSUER_XFER_COMPLETION, &id);
		break;
	default: /* void, completion void, refund: money back to the card */
		rc = move(d, false, r->amount, &id);
		break;
	}
	if (rc != ISSUER_OK)
		return rc; /* an error, or a decline (STAGE_DONE) */
	memcpy(d->rec.transfer_id, id.b, sizeof id.b);
	if (OP(r->type) & OPS_FOLLOW_UP) {
		d->orig.remaining = r->type == REQUEST_REFUND ? d->orig.remaining - r->amount : 0;
		d->orig_changed = true;
	}
	if (r->type == REQUEST_VOID || r->type == REQUEST_PREAUTH_CANCEL)
		unspend(d);
	/* What later requests may still complete, void or refund of this one. */
	if (r->type == REQUEST_PURCHASE || r->type == REQUEST_PREAUTH ||
	    r->type == REQUEST_COMPLETION)
		d->rec.remaining = r->amount;
	if (spends) {
		d->day.amount += r->amount;
		d->day.count++;
	}
	return approve(d, true);
}

/* Undoes the original of a reversal exactly once. An original never seen, or not of this
 * amount, is acknowledged and nothing changes: the acquirer stops sending it. */
static int stage_reversal(struct issuer_decision *d)
{
	const struct request *r = d->req;
	ledger_id id;
	int rc;

	if (!issuer_present(r->acquirer) || !issuer_present(r->terminal) ||
	    !issuer_present(r->orig.stan))
		return issuer_decide(d, RCODE_FORMAT_ERROR, "reversal_unnamed");
	/* STANs wrap: only an original of the last days is the one a reversal names. */
	rc = store_decision_for_reversal(d->is->s, r->acquirer, r->terminal, r->orig.stan,
	                                 OPS_REVERSIBLE, d->now - ISSUER_REVERSAL_DAYS * 86400,
	                                 &d->orig);
	if (rc == STORE_ENOTFOUND ||
	    (rc == STORE_OK && r->orig.amount > 0 && r->orig.amount != d->orig.amount))
		return issuer_decide(d, RCODE_APPROVED, "original_unknown");
	if (rc != STORE_OK)
		return issuer_from_store(rc);
	d->rec.original_id = d->orig.id;
	d->rec.card_id = d->orig.card_id;
	if (d->orig.reversed)
		return issuer_decide(d, RCODE_APPROVED, "already_reversed");
	if (strcmp(d->orig.rc, RCODE_APPROVED) != 0)
		goto reversed; /* a decline moved nothing */
	if ((rc = issuer_card_lock(d, d->orig.card_id, NULL)) != STORE_OK)
		return issuer_from_store(rc);
	rc = ISSUER_OK;
	switch (d->orig.op) {
	case REQUEST_PREAUTH:
		/* A hold completed or cancelled since has nothing left to release. */
		if (d->orig.remaining > 0)
			rc = hold(d, LEDGER_VOID, 0, ISSUER_XFER_REVERSAL, &id);
		break;
	case REQUEST_PURCHASE:
	case REQUEST_COMPLETION:
		/* Its money back, kept on the decision: the close clears the acquirer's
		 * counter-line against it (docs/settle.md). */
		if (d->orig.remaining > 0 &&
		    (rc = move(d, false, d->orig.remaining, &id)) == ISSUER_OK)
			memcpy(d->rec.transfer_id, id.b, sizeof id.b);
		break;
	case REQUEST_VOID:
	case REQUEST_COMPLETION_VOID:
	case REQUEST_REFUND:
		/* The money given back is taken again, and the original it acted on may again be
		 * refunded or voided for as much. */
		if ((rc = store_decision_get(d->is->s, d->orig.original_id, &d->orig2)) != STORE_OK)
			return issuer_from_store(rc);
		/* An original reversed since gave back all it had left: with this one undone, that
		 * is what the card is owed, so nothing moves. */
		if (d->orig2.reversed)
			break;
		if ((rc = move(d, true, d->orig.amount, &id)) == ISSUER_OK) {
			memcpy(d->rec.transfer_id, id.b, sizeof id.b);
			d->orig2.remaining += d->orig.amount;
			d->orig2_changed = true;
		}
		break;
	default:
		/* A cancelled hold is not put back (the merchant asks for a new pre-authorization),
		 * and the reversal is acknowledged so that the acquirer stops sending it. */
		d->orig.reversed = true;
		d->orig_changed = true;
		return issuer_decide(d, RCODE_APPROVED, "not_reversible");
	}
	if (rc != ISSUER_OK)
		return rc; /* an error, or a decline (STAGE_DONE) that changed nothing */
	d->orig.remaining = 0;
	unspend(d);
reversed:
	d->orig.reversed = true;
	d->orig_changed = true;
	return approve(d, false);
}

/* The decision table. A QR payment (docs/qr.md) is a purchase, its refund or its reversal: by
 * payment code (the code's card found through its wallet) or by the terminal's static code
 * (the paying card named); neither has card data to check. */
#define QR_PAY    OP(REQUEST_PURCHASE)
#define QR_REFUND OP(REQUEST_REFUND)
#define OPS_QR    (QR_PAY | QR_REFUND | OP(REQUEST_REVERSAL))
#define EVERY(ops)                                                                                 \
	{                                                                                          \
		ops, ops, ops                                                                      \
	} /* a card's and both kinds of QR payment alike */
static const struct stage {
	const char *name;
	/* The operations it applies to: of a card's request, of a QR payment by payment code, of
	 * one by the terminal's static code (indexed by enum request_qr). */
	unsigned ops[3];
	int (*run)(struct issuer_decision *d);
} stages[] = {
    {"fields", EVERY(OPS_ALL), stage_fields},                               /* 12, 13, 99 */
    {"duplicate", EVERY(OPS_ALL), stage_duplicate},                         /* 94 */
    {"qr", {0, OPS_ALL & ~OPS_QR, OPS_ALL & ~OPS_QR}, issuer_qr_operation}, /* 12 */
    {"reversal", EVERY(OP(REQUEST_REVERSAL)), stage_reversal},              /* 00 once, 51, 12 */
    {"code", {0, QR_PAY, 0}, issuer_qr_code},                               /* Q1, Q2, Q3, Q4 */
    {"card", {OPS_ALL & ~OP(REQUEST_REVERSAL), 0, QR_PAY}, stage_card},     /* 14, 15 */
    {"qr_original", {0, QR_REFUND, QR_REFUND}, issuer_qr_original},         /* 25 */
    {"status",
     {OPS_PRESENTED | OP(REQUEST_COMPLETION), QR_PAY, QR_PAY},
     stage_status},                                                        /* 41, 43, 62 */
    {"expiry", {OPS_PRESENTED, QR_PAY, QR_PAY}, stage_expiry},             /* 54 */
    {"cryptogram", {OPS_PRESENTED, 0, 0}, stage_cryptogram},               /* 05, 30, 13 */
    {"cvv", {OPS_PRESENTED, 0, 0}, stage_cvv},                             /* 59 */
    {"pin", {OPS_PRESENTED, 0, 0}, stage_pin},                             /* 55, 75, 99 */
    {"wallet_pin", {0, QR_PAY, QR_PAY}, issuer_qr_pin},                    /* 55, 75, 99 */
    {"original", {OPS_FOLLOW_UP, 0, 0}, stage_original},                   /* 25 */
    {"follow_up", {OPS_FOLLOW_UP, QR_REFUND, QR_REFUND}, stage_follow_up}, /* 25, 64, 12 */
    {"limits", {OPS_SPENDING, QR_PAY, QR_PAY}, stage_limits},              /* 61, 65 */
    {"cardauth", {OPS_CARDAUTH, 0, 0}, issuer_cardauth},                   /* 05, 65, 51 */
    {"authorize",
     {OPS_ALL & ~OP(REQUEST_REVERSAL) & ~OPS_CARDAUTH, QR_PAY | QR_REFUND, QR_PAY | QR_REFUND},
     stage_authorize}, /* 51 */
};

/* Whether the cardholder is told of the outcome (issuer_notify): an approved financial one of
 * a card, a reversal only when it undid something; the reserved phone unsealed for it. */
static int notice(struct issuer_decision *d)
{
	static const unsigned told = OP(REQUEST_PREAUTH) | OP(REQUEST_PREAUTH_CANCEL) |
	                             OP(REQUEST_COMPLETION) | OP(REQUEST_COMPLETION_VOID) |
	                             OP(REQUEST_PURCHASE) | OP(REQUEST_VOID) | OP(REQUEST_REFUND) |
	                             OP(REQUEST_REVERSAL);
	const struct request *r = d->req;
	struct issuer_response *resp = d->resp;
	int rc;

	if (strcmp(resp->rc, RCODE_APPROVED) != 0 || !(told & OP(r->type)) || d->card.id == 0 ||
	    (r->type == REQUEST_REVERSAL && strcmp(resp->reason, "approved") != 0))
		return ISSUER_OK;
	if (d->phone[0] == '\0' && (rc = issuer_unseal(d->is, d->card.pan_hash, &d->card.phone,
	                                               d->phone, sizeof d->phone)) != ISSUER_OK)
		return rc;
	resp->notify = true;
	resp->notify_amount = r->type == REQUEST_REVERSAL ? d->orig.amount : r->amount;
	return ISSUER_OK;
}

/* What the caller sends the cardholder after the decision: its text, or a code. */
static void followup(struct issuer_decision *d)
{
	struct issuer_response *resp = d->resp;

	if (!resp->notify && resp->otp[0] == '\0')
		return;
	snprintf(resp->last4, sizeof resp->last4, "%s", d->card.last4);
	snprintf(resp->language, sizeof resp->language, "%s", d->card.language);
	memcpy(resp->phone, d->phone, sizeof resp->phone);
}

/* Writes what the decision changed, and the decision itself. */
static int record(struct issuer_decision *d)
{
	int rc = STORE_OK;

	if (d->card_changed) {
		d->card.updated_at = d->now;
		rc = store_card_update(d->is->s, &d->card);
	}
	if (rc == STORE_OK && d->orig_changed)
		rc = store_decision_update(d->is->s, &d->orig);
	if (rc == STORE_OK && d->orig2_changed)
		rc = store_decision_update(d->is->s, &d->orig2);
	if (rc == STORE_OK && (d->day.amount != 0 || d->day.count != 0 || d->day.auths != 0))
		rc = store_card_day_add(d->is->s, d->card.id, issuer_day(d->is, d->now), &d->day);
	/* A payment code pays once: used by the payment it approved. Found used here (cannot be:
	 * issuer_qr_code locked it), the decision fails and is rolled back, never a second
	 * payment. */
	if (rc == STORE_OK && d->code.id != 0 && strcmp(d->resp->rc, RCODE_APPROVED) == 0) {
		d->code.used_at = d->now;
		if ((rc = store_wallet_code_use(d->is->s, &d->code)) == STORE_ENOTFOUND)
			rc = STORE_EIO;
	}
	if (rc == STORE_OK && d->auth_new)
		rc = store_cardauth_insert(d->is->s, &d->auth);
	else if (rc == STORE_OK && d->auth_changed)
		rc = store_cardauth_update(d->is->s, &d->auth);
	if (rc != STORE_OK)
		return rc;
	snprintf(d->rec.rc, sizeof d->rec.rc, "%s", d->resp->rc);
	snprintf(d->rec.reason, sizeof d->rec.reason, "%s", d->resp->reason);
	return store_decision_insert(d->is->s, &d->rec);
}

/* EMV 4.3 Book 2 8.2.1: the ARPC of a verified ARQC with the response code as ARC, in tag 91
 * of the response's field 55. */
static int arpc(struct issuer_decision *d)
{
	uint8_t out[10];
	size_t pos = 0;

	memcpy(out + 8, d->resp->rc, 2);
	if (hsm_emv_arpc1(d->is->h, &d->is->keys.imk, &d->emv, HSM_ARPC_SESSION_KEY, out + 8,
	                  out) != HSM_OK)
		return ISSUER_EHSM;
	if (tlv_put(d->resp->icc, sizeof d->resp->icc, &pos, 0x91, out, sizeof out) != TLV_OK)
		return ISSUER_EARG;
	d->resp->icc_len = pos;
	return ISSUER_OK;
}

/* The decision's record from the request: its identity, what it asked. */
static void decision_init(struct issuer_decision *d, issuer *is, const struct request *req,
                          int64_t now, struct issuer_response *resp)
{
	memset(resp, 0, sizeof *resp);
	memset(d, 0, sizeof *d);
	d->is = is;
	d->req = req;
	d->pan = req->card.pan;
	d->now = now;
	d->resp = resp;
	d->record = true;
	d->rec.at = now;
	d->rec.op = req->type;
	d->rec.amount = req->amount;
	d->rec.currency = req->currency;
	memcpy(d->rec.acquirer, req->acquirer, sizeof d->rec.acquirer);
	memcpy(d->rec.stan, req->stan, sizeof d->rec.stan);
	memcpy(d->rec.transmit, req->transmit, sizeof d->rec.transmit);
	memcpy(d->rec.terminal, req->terminal, sizeof d->rec.terminal);
	memcpy(d->rec.merchant, req->merchant, sizeof d->rec.merchant);
	memcpy(d->rec.rrn, req->rrn, sizeof d->rec.rrn);
	d->rec.link = req->link;
	d->rec.qr = (int)req->qr;
}

/* Runs the decision table: the first stage takes every type, and decides those it does not
 * know (12). STAGE_DONE or an ISSUER_E* code. */
static int run(struct issuer_decision *d)
{
	unsigned type = (unsigned)d->req->type, qr = (unsigned)d->req->qr;
	int rc = STAGE_NEXT;

	for (size_t i = 0; i < sizeof stages / sizeof stages[0] && rc == STAGE_NEXT; i++)
		if (i == 0 || (type > 0 && type < 32 && qr < 3 && (stages[i].ops[qr] & OP(type))))
			rc = stages[i].run(d);
	assert(rc != STAGE_NEXT);
	return rc;
}

/* Writes the decision and what goes with it: the record, the ARPC, what the caller sends. */
static int finish(struct issuer_decision *d)
{
	int rc;

	if (!d->record)
		return ISSUER_OK; /* a duplicate: nothing was written */
	if ((rc = notice(d)) != ISSUER_OK)
		return rc;
	/* The same decision already recorded (STORE_EEXIST) cannot be met here: the duplicate
	 * stage looked in the same transaction. Any failure is the caller's to roll back. */
	if ((rc = issuer_from_store(record(d))) != ISSUER_OK)
		return rc == ISSUER_EARG ? ISSUER_ESTORE : rc;
	if (d->arqc_ok && (rc = arpc(d)) != ISSUER_OK)
		return rc;
	d->resp->decision_id = d->rec.id;
	followup(d);
	return ISSUER_OK;
}

int issuer_authorize(issuer *is, const struct request *req, int64_t now,
                     struct issuer_response *resp)
{
	struct issuer_decision d;
	int rc;

	if (is == NULL || req == NULL || resp == NULL)
		return ISSUER_EARG;
	/* The caller's transaction: the decision is written there, never committed here. */
	assert(store_depth(is->s) > 0);
	decision_init(&d, is, req, now, resp);
	if ((rc = run(&d)) >= 0)
		rc = finish(&d);
	if (rc < 0)
		memset(resp, 0, sizeof *resp);
	crypto_wipe(&d, sizeof d);
	return rc;
}

/* An element given for card authentication: one too long for its field matches no card's, as
 * it did not before it was copied; ESC, which no stored holder, ID number or phone has, stands
 * in for it. */
static void element_set(char *dst, size_t cap, const char *src)
{
	if (request_copy(dst, cap, src) != REQUEST_OK)
		snprintf(dst, cap, "\x1b");
}

/* Card authentication outside a terminal's request: keyed in (the elements or the code), in a
 * transaction of its own, committed before the code is sent; in a savepoint of the caller's,
 * the code is the caller's to send after its own commit. */
static int cardauth_alone(issuer *is, enum request_type type, const char *pan,
                          const char *const elements[3], const char *otp, int64_t now,
                          struct issuer_response *resp)
{
	struct request req;
	int rc;

	request_init(&req);
	req.type = type;
	req.card.entry = REQUEST_ENTRY_MANUAL;
	if (is == NULL || resp == NULL || !issuer_present(pan) ||
	    request_card_set(&req, pan, NULL, NULL) != REQUEST_OK)
		return ISSUER_EARG;
	if (elements != NULL) {
		element_set(req.holder, sizeof req.holder, elements[0]);
		element_set(req.id_number, sizeof req.id_number, elements[1]);
		element_set(req.phone, sizeof req.phone, elements[2]);
	}
	/* A code too long is wrong as an empty one is: a try counted. */
	request_copy(req.otp, sizeof req.otp, otp);
	if ((rc = issuer_from_store(store_begin(is->s))) != ISSUER_OK)
		goto out;
	if ((rc = issuer_authorize(is, &req, now, resp)) != ISSUER_OK)
		store_rollback(is->s);
	else
		rc = issuer_from_store(store_commit(is->s)); /* a failed commit ends it too */
	if (rc != ISSUER_OK)
		crypto_wipe(resp, sizeof *resp);
	else if (!store_in_transaction(is->s))
		issuer_send_pending(is, resp);
out:
	request_wipe(&req);
	return rc;
}

int issuer_cardauth_start(issuer *is, const char *pan, const char *holder, const char *id_number,
                          const char *phone, int64_t now, struct issuer_response *resp)
{
	const char *const elements[3] = {holder, id_number, phone};

	return cardauth_alone(is, REQUEST_CARDAUTH_START, pan, elements, NULL, now, resp);
}

int issuer_cardauth_confirm(issuer *is, const char *pan, const char *otp, int64_t now,
                            struct issuer_response *resp)
{
	return cardauth_alone(is, REQUEST_CARDAUTH_CONFIRM, pan, NULL, otp, now, resp);
}
