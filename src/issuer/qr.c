/* qr.c — the stages of the issuer's decision that QR payments have instead of a card's
 * (docs/qr.md): the rows of authorize.c's table for a payment code (its card found through its
 * wallet), a QR refund (its original found by RRN among the QR payments, and the card that
 * paid it), and the wallet PIN (the card's PIN, needed above wallet_pin_above). A QR payment
 * has no card data to check (expiry given, CVV, cryptogram); the card's status, limits and
 * funds are checked as a card's are. */
#include "issuer/internal.h"

#include <string.h>

#include "crypto/crypto.h"
#include "rcode/rcode.h"

int issuer_qr_operation(struct issuer_decision *d)
{
	return issuer_decide(d, RCODE_INVALID_TXN, "qr_operation");
}

int issuer_qr_code(struct issuer_decision *d)
{
	char rc[3], reason[32];
	int err;

	err = issuer_wallet_find(d->is, d->req->card.pan, d->now, &d->code, &d->card, rc, reason);
	if (err != ISSUER_OK)
		return err;
	if (strcmp(rc, RCODE_APPROVED) != 0)
		return issuer_decide(d, rc, reason);
	/* The card locked (its limits and tries judged next are this decision's until it commits,
	 * as a card's own payment's: stage_card), then the code, read again: the rows in the order
	 * every decision takes them (the settlement account, the card, the code). The same code
	 * paid meanwhile on another host is seen used (READ COMMITTED) and declined, not paid
	 * twice. */
	if ((err = issuer_card_lock(d, d->card.id, NULL)) != STORE_OK ||
	    (err = store_wallet_code_lock(d->is->s, d->code.id, &d->code)) != STORE_OK)
		return issuer_from_store(err == STORE_ENOTFOUND ? STORE_EIO : err);
	if (d->code.used_at != 0)
		return issuer_decide(d, RCODE_QR_USED, "code_used");
	d->rec.card_id = d->card.id;
	/* From here on the payment is the card's: its PVV, limits and account. */
	if ((err = issuer_unseal(d->is, d->card.pan_hash, &d->card.pan, d->card_pan,
	                         sizeof d->card_pan)) != ISSUER_OK)
		return err;
	d->pan = d->card_pan;
	return STAGE_NEXT;
}

int issuer_qr_original(struct issuer_decision *d)
{
	const char *rrn = d->req->orig.rrn;
	int rc;

	if (!issuer_present(rrn))
		return issuer_decide(d, RCODE_ORIGINAL_NOT_FOUND, "original_not_named");
	rc = store_decision_qr_original(d->is->s, OP(REQUEST_PURCHASE), rrn, &d->orig);
	if (rc == STORE_ENOTFOUND)
		return issuer_decide(d, RCODE_ORIGINAL_NOT_FOUND, "original_unknown");
	if (rc != STORE_OK || (rc = issuer_card_lock(d, d->orig.card_id, NULL)) != STORE_OK)
		return issuer_from_store(rc);
	d->rec.original_id = d->orig.id;
	d->rec.card_id = d->card.id;
	return STAGE_NEXT;
}

int issuer_qr_pin(struct issuer_decision *d)
{
	const struct request *r = d->req;
	issuer *is = d->is;
	const hsm_key *key = r->pin_key;
	const uint8_t *block = r->pin_block;
	uint8_t formed[8];
	int rc = HSM_OK;

	/* A card locked by wrong PINs spends nothing until an operator unlocks it, PIN or not. */
	if (d->card.pin_tries >= is->cfg.pin_tries)
		return issuer_decide(d, RCODE_PIN_TRIES_EXCEEDED, "pin_locked");
	if (!r->has_pin)
		return r->amount > is->cfg.wallet_pin_above
		           ? issuer_decide(d, RCODE_WRONG_PIN, "pin_required")
		           : STAGE_NEXT;
	/* The PIN pad formed the block with the code as its PAN: formed again for the card's
	 * in the hsm, under the issuer's own PIN key. */
	if (r->qr == REQUEST_QR_CODE) {
		rc = hsm_translate_pin_pan(is->h, r->pin_key, &is->keys.pin, r->pin_block,
		                           r->card.pan, d->pan, formed);
		key = &is->keys.pin;
		block = formed;
	}
	if (rc == HSM_OK)
		rc = hsm_verify_pin_pvv(is->h, key, block, d->pan, &is->keys.pvk, d->card.pvki,
		                        d->card.pvv);
	crypto_wipe(formed, sizeof formed);
	return issuer_pin_outcome(d, rc);
}
