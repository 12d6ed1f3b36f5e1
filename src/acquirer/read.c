/* read.c — a terminal's cup-pos request read once: the frame unpacked where the caller holds
 * it (no copy), the fields read into the host's one request (struct request,
 * request/request.h) and the card checked. */
#include "acquirer/internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "rcode/rcode.h"
#include "request/iso.h"

#define TPDU_ID 0x60 /* docs/cup-pos.md, Framing */

/* A message that does not unpack (n bytes of it tried) is answerable — 30, echoing nothing but
 * the MTI — when its envelope and a request's MTI can be read. */
static int refuse(struct txn *t, size_t n, const char *reason)
{
	iso8583_diag diag;
	char mti[5];

	if (t->len < ENVELOPE_LEN + 2 || t->msg[0] != TPDU_ID)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, reason);
	memcpy(t->env.tpdu, t->msg, sizeof t->env.tpdu);
	memcpy(t->env.header, t->msg + sizeof t->env.tpdu, sizeof t->env.header);
	if (iso8583_unpack(t->a->dialect, t->msg + ENVELOPE_LEN, n - ENVELOPE_LEN, &t->iso,
	                   &diag) == ISO8583_OK ||
	    strlen(t->iso.mti) != 4 || (t->iso.mti[2] - '0') % 2 != 0)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, reason);
	memcpy(mti, t->iso.mti, sizeof mti);
	iso8583_msg_init(&t->iso);
	iso8583_set_mti(&t->iso, mti);
	t->readable = true;
	return acquirer_decide(t, RCODE_FORMAT_ERROR, reason);
}

int acquirer_too_long(struct txn *t)
{
	/* The envelope and the MTI alone: what follows is not read (no bitmap, it does not unpack).
	 */
	return refuse(t, ENVELOPE_LEN + 2, "too_long");
}

/* The message in the caller's buffer: TPDU and header, then the message itself. */
static int unpack(struct txn *t)
{
	iso8583_diag diag;

	if (t->len < ENVELOPE_LEN || t->msg[0] != TPDU_ID)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "unpack");
	memcpy(t->env.tpdu, t->msg, sizeof t->env.tpdu);
	memcpy(t->env.header, t->msg + sizeof t->env.tpdu, sizeof t->env.header);
	if (iso8583_unpack(t->a->dialect, t->msg + ENVELOPE_LEN, t->len - ENVELOPE_LEN, &t->iso,
	                   &diag) != ISO8583_OK)
		return refuse(t, t->len, "unpack");
	t->readable = true;
	return STAGE_NEXT;
}

int acquirer_unpack(struct txn *t, char proc[7], char cond[3])
{
	struct acquirer_f60 f60;
	int rc;

	proc[0] = '\0';
	snprintf(cond, 3, "00");
	if ((rc = unpack(t)) != STAGE_NEXT)
		return rc;
	request_iso_text(&t->iso, 41, t->tid, sizeof t->tid);
	request_iso_text(&t->iso, 42, t->mid, sizeof t->mid);
	request_iso_text(&t->iso, 11, t->stan, sizeof t->stan);
	request_iso_text(&t->iso, 60, t->f60, sizeof t->f60);
	request_iso_text(&t->iso, 3, proc, 7);
	if (iso8583_has(&t->iso, 25))
		request_iso_text(&t->iso, 25, cond, 3);
	t->batch = 0;
	if (acquirer_f60_read(t->f60, &f60) == 0)
		t->batch = f60.batch;
	return STAGE_NEXT;
}

int acquirer_identity(struct txn *t)
{
	struct acquirer_f60 f60;

	if (t->tid[0] == '\0' || t->mid[0] == '\0' || strlen(t->stan) != 6 ||
	    acquirer_f60_read(t->f60, &f60) != 0)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "identity");
	return STAGE_NEXT;
}

/* cup-pos → struct request: what the terminal asks (the type of its transaction, card
 * authentication's by field 62), the amount, the card, the PIN block, chip data, the
 * original's references (37, 38) and card authentication's elements (62). 0, or -1 for a
 * field that cannot be read. */
static int read_request(struct txn *t)
{
	struct request *r = &t->rq;

	request_init(r);
	/* The PIN block is under the terminal's PIN key until the route translates it. */
	if (request_iso_read(&t->iso, r) != REQUEST_OK ||
	    request_iso_secrets(&t->iso, NULL, r) != REQUEST_OK) {
		request_wipe(r);
		return -1;
	}
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
 * 35's). A PAN that differs from track 2's is the issuer's to decline. A QR code scanned (22
 * = 03x) is qr.c's. */
int acquirer_stage_card(struct txn *t)
{
	const struct request_card *c = &t->rq.card;
	time_t tt = (time_t)t->now;
	struct tm tm;
	int rc;

	if (acquirer_qr_entry(t))
		return acquirer_qr_card(t); /* docs/qr.md: no Luhn, BIN or expiry for a code */
	if (c->check == REQUEST_CARD_TRACK2)
		return acquirer_decide(
		    t, c->pan[0] == '\0' ? RCODE_INVALID_CARD : RCODE_FORMAT_ERROR, "track2");
	card_pan_mask(c->pan, strlen(c->pan), t->r->out.card, sizeof t->r->out.card);
	if (c->check == REQUEST_CARD_PAN)
		return acquirer_decide(t, RCODE_INVALID_CARD, "pan");
	if ((rc = acquirer_pan_hash(t, c->pan)) != ACQUIRER_OK)
		return rc;
	gmtime_r(&tt, &tm);
	if (c->expiry[0] != '\0' &&
	    card_expiry_check(c->expiry, tm.tm_year + 1900, tm.tm_mon + 1) != CARD_OK)
		return acquirer_decide(t, RCODE_EXPIRED_CARD, "expired");
	return STAGE_NEXT;
}
