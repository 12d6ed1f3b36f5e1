/* read.c — a terminal's cup-pos request read once: the frame unpacked where the caller holds
 * it (no copy), its transaction found in the message classes' tables, the fields read into the
 * host's one request (struct request, request/request.h) and the card checked. */
#include "acquirer/internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "crypto/crypto.h"
#include "rcode/rcode.h"

#define TPDU_ID 0x60 /* spec/cup-pos.md, Framing */

/* Field f as text into out (capacity cap): "" when absent, -1 when it does not fit. */
static int text(const iso8583_msg *m, int f, char *out, size_t cap)
{
	out[0] = '\0';
	if (!iso8583_has(m, f))
		return 0;
	return iso8583_get(m, f, out, cap, NULL) == ISO8583_OK ? 0 : -1;
}

/* The transaction of the message: MTI, then 60.3 or the processing and condition codes. */
static const struct txn_type *find_type(const struct txn *t, const char *proc, const char *cond)
{
	static const struct {
		const struct txn_type *types;
		const size_t *n;
	} classes[] = {
	    {acquirer_netmgmt_types, &acquirer_n_netmgmt_types},
	    {acquirer_settle_types, &acquirer_n_settle_types},
	    {acquirer_financial_types, &acquirer_n_financial_types},
	    {acquirer_reversal_types, &acquirer_n_reversal_types},
	};

	for (size_t c = 0; c < sizeof classes / sizeof classes[0]; c++)
		for (size_t i = 0; i < *classes[c].n; i++) {
			const struct txn_type *y = &classes[c].types[i];

			if (strcmp(y->mti, t->iso.mti) != 0)
				continue;
			if (y->nmc != NULL
			        ? strlen(t->f60) >= 11 && memcmp(t->f60 + 8, y->nmc, 3) == 0
			        : y->proc == NULL || (strncmp(proc, y->proc, 2) == 0 &&
			                              strcmp(cond, y->cond) == 0))
				return y;
		}
	return NULL;
}

/* The message in the caller's buffer: TPDU and header, then the message itself. A message that
 * does not unpack is answerable (30, echoing nothing) when its MTI is a request's. */
static int unpack(struct txn *t)
{
	iso8583_diag diag;

	if (t->len < ENVELOPE_LEN || t->msg[0] != TPDU_ID)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "unpack");
	memcpy(t->env.tpdu, t->msg, sizeof t->env.tpdu);
	memcpy(t->env.header, t->msg + sizeof t->env.tpdu, sizeof t->env.header);
	if (iso8583_unpack(t->a->dialect, t->msg + ENVELOPE_LEN, t->len - ENVELOPE_LEN, &t->iso,
	                   &diag) != ISO8583_OK) {
		if (strlen(t->iso.mti) == 4 && (t->iso.mti[2] - '0') % 2 == 0 &&
		    t->len >= ENVELOPE_LEN + 2) {
			char mti[5];

			memcpy(mti, t->iso.mti, sizeof mti);
			iso8583_msg_init(&t->iso);
			iso8583_set_mti(&t->iso, mti);
			t->readable = true;
		}
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "unpack");
	}
	t->readable = true;
	return STAGE_NEXT;
}

int acquirer_stage_unpack(struct txn *t)
{
	char proc[7] = "", cond[3] = "00";
	int rc;

	if ((rc = unpack(t)) != STAGE_NEXT)
		return rc;
	text(&t->iso, 41, t->tid, sizeof t->tid);
	text(&t->iso, 42, t->mid, sizeof t->mid);
	text(&t->iso, 11, t->stan, sizeof t->stan);
	text(&t->iso, 60, t->f60, sizeof t->f60);
	text(&t->iso, 3, proc, sizeof proc);
	if (iso8583_has(&t->iso, 25))
		text(&t->iso, 25, cond, sizeof cond);
	t->batch = 0;
	if (strlen(t->f60) >= 8)
		for (int i = 2; i < 8; i++)
			t->batch = t->batch * 10 + (t->f60[i] - '0');
	if ((t->type = find_type(t, proc, cond)) == NULL)
		return acquirer_decide(t, RCODE_INVALID_TXN, "unknown_transaction");
	if (t->tid[0] == '\0' || t->mid[0] == '\0' || strlen(t->stan) != 6 || strlen(t->f60) < 8)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "identity");
	return STAGE_NEXT;
}

/* Fields 52 and 55, bytes: the PIN block (under the terminal's PIN key until route.c
 * translates it) and the chip data. */
static int binary_fields(const iso8583_msg *m, struct request *r)
{
	size_t len;

	if (iso8583_has(m, 52)) {
		if (iso8583_get(m, 52, r->pin_block, sizeof r->pin_block + 1, &len) != ISO8583_OK ||
		    len != sizeof r->pin_block)
			return -1;
		r->has_pin = true;
	}
	if (iso8583_has(m, 55)) {
		if (iso8583_get(m, 55, r->card.icc, sizeof r->card.icc, &len) != ISO8583_OK)
			return -1;
		r->card.icc_len = len;
	}
	return 0;
}

/* The card (2, 35, 14, read and checked once by request_card_set) and its entry mode (22). */
static int card_fields(const iso8583_msg *m, struct request *r)
{
	char pan[CARD_PAN_MAX + 1], track2[CARD_TRACK2_MAX + 1], expiry[5], f22[4];
	int bad = text(m, 2, pan, sizeof pan) | text(m, 35, track2, sizeof track2) |
	          text(m, 14, expiry, sizeof expiry) | text(m, 22, f22, sizeof f22);

	if (bad == 0 && request_card_set(r, pan, track2, expiry) != REQUEST_OK)
		bad = -1;
	r->card.entry = request_entry_of(f22);
	crypto_wipe(pan, sizeof pan);
	crypto_wipe(track2, sizeof track2);
	return bad;
}

/* cup-pos → struct request: what the terminal asks (the type of its transaction, card
 * authentication's by field 62), the amount, the card, the PIN block, chip data, the
 * original's references (37, 38) and card authentication's elements (62). 0, or -1 for a
 * field that cannot be read. */
static int read_request(struct txn *t)
{
	struct request *r = &t->rq;
	char amount[13], currency[4], f62[1000];
	int bad;

	request_init(r);
	bad = text(&t->iso, 4, amount, sizeof amount) |
	      text(&t->iso, 49, currency, sizeof currency) | text(&t->iso, 62, f62, sizeof f62) |
	      card_fields(&t->iso, r) | text(&t->iso, 37, r->orig.rrn, sizeof r->orig.rrn) |
	      text(&t->iso, 38, r->orig.auth_code, sizeof r->orig.auth_code);
	if (bad != 0 || request_cardauth_set(r, f62) != REQUEST_OK ||
	    request_amount_set(r, amount, currency) != REQUEST_OK ||
	    binary_fields(&t->iso, r) != 0) {
		crypto_wipe(f62, sizeof f62);
		request_wipe(r);
		return -1;
	}
	crypto_wipe(f62, sizeof f62);
	r->type = t->type->request;
	if (r->type == REQUEST_VERIFY)
		r->type = r->otp[0] != '\0'         ? REQUEST_CARDAUTH_CONFIRM
		          : request_has_elements(r) ? REQUEST_CARDAUTH_START
		                                    : REQUEST_VERIFY;
	return 0;
}

/* The batch the terminal signed in to (77), the request readable (30), an amount where one is
 * needed (13). */
int acquirer_stage_fields(struct txn *t)
{
	/* A reversal names its original's batch, which may have closed since. */
	if (t->type->request != REQUEST_REVERSAL && t->batch != t->term.batch)
		return acquirer_decide(t, RCODE_BATCH_DIFFERS, "batch_differs");
	if (!(t->type->flags & T_MAC))
		return STAGE_NEXT; /* settlement and batch upload: read by their decisions */
	if (read_request(t) != 0)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "format");
	if ((t->type->flags & T_AMOUNT) && (!iso8583_has(&t->iso, 4) || t->rq.amount <= 0))
		return acquirer_decide(t, RCODE_INVALID_AMOUNT, "amount");
	if (!iso8583_has(&t->iso, 49) && iso8583_has(&t->iso, 4))
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "currency_missing");
	return STAGE_NEXT;
}

/* The card, as read: a PAN (2, or from 35) that passes Luhn (14), not expired (54; 14, or
 * 35's). A PAN that differs from track 2's is the issuer's to decline. */
int acquirer_stage_card(struct txn *t)
{
	const struct request_card *c = &t->rq.card;
	time_t tt = (time_t)t->now;
	uint8_t hash[HSM_PAN_HASH_LEN];
	struct tm tm;

	if (c->check == REQUEST_CARD_TRACK2)
		return acquirer_decide(
		    t, c->pan[0] == '\0' ? RCODE_INVALID_CARD : RCODE_FORMAT_ERROR, "track2");
	card_pan_mask(c->pan, strlen(c->pan), t->r->out.card, sizeof t->r->out.card);
	if (c->check == REQUEST_CARD_PAN)
		return acquirer_decide(t, RCODE_INVALID_CARD, "pan");
	if (hsm_pan_hash(t->a->h, &t->a->pan_hash, c->pan, hash) != HSM_OK)
		return ACQUIRER_EHSM;
	hex_encode(hash, sizeof hash, t->pan_hash, sizeof t->pan_hash);
	gmtime_r(&tt, &tm);
	if (c->expiry[0] != '\0' &&
	    card_expiry_check(c->expiry, tm.tm_year + 1900, tm.tm_mon + 1) != CARD_OK)
		return acquirer_decide(t, RCODE_EXPIRED_CARD, "expired");
	return STAGE_NEXT;
}
