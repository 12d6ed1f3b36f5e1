/* respond.c — the answer to a terminal: MTI + 10, the request's echo, the host's fields and the
 * decision's, MACed when the request was, packed straight into the reply the caller sends (the
 * bytes after the frame's 2-byte length); and beside it the answer to send instead should the
 * batch not commit (39 = 96). */
#include "acquirer/internal.h"

#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"
#include "rcode/rcode.h"

/* The request's echo: MTI + 10, and the fields that keep the wire form they were unpacked in. */
static void echo(const struct txn *t, iso8583_msg *m)
{
	static const int fields[] = {3, 4, 11, 22, 25, 41, 42, 49, 60};
	char mti[5];

	memcpy(mti, t->iso.mti, sizeof mti);
	mti[2]++;
	iso8583_msg_init(m);
	iso8583_set_mti(m, mti);
	m->wire = t->iso.wire;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (iso8583_has(&t->iso, fields[i])) {
			iso8583_set(m, fields[i], t->iso.field[fields[i]].data,
			            t->iso.field[fields[i]].len);
			m->field[fields[i]] = t->iso.field[fields[i]];
		}
}

/* The host's fields and the decision's, answering rc. */
static void answer(struct txn *t, const char *rc, iso8583_msg *m)
{
	const struct issuer_response *ir = &t->resp;
	bool approved = strcmp(rc, RCODE_APPROVED) == 0;
	/* A QR query's answer is its original's, declined or not (docs/cup-pos.md). */
	bool original =
	    t->type != NULL && (t->type->flags & T_ORIGINAL) && strcmp(rc, RCODE_SYSTEM_FAULT) != 0;

	if (t->type != NULL && (t->type->flags & T_SIGNIN)) {
		snprintf(t->f60_out, sizeof t->f60_out, "00%06d004", t->term.batch);
		iso8583_set_str(m, 60, t->f60_out);
		/* 12 and 13, the host's local time, set the terminal's clock; 63.1 CUP, 63.2 the
		 * merchant's name, which the terminal prints on its slips. */
		if (approved) {
			iso8583_set_str(m, 12, t->f12);
			iso8583_set_str(m, 13, t->f13);
			snprintf(t->f63, sizeof t->f63, "CUP%s", t->merchant.name);
			iso8583_set_str(m, 63, t->f63);
		}
	}
	if (t->type != NULL && (t->type->flags & T_CARD)) {
		iso8583_set_str(m, 12, t->f12);
		iso8583_set_str(m, 13, t->f13);
		iso8583_set_str(m, 15, t->f15);
		iso8583_set_str(m, 32, t->a->cfg.institution);
		iso8583_set_str(m, 63, "CUP");
	}
	if (t->rrn[0] != '\0')
		iso8583_set_str(m, 37, t->rrn);
	if (original && t->f4[0] != '\0')
		iso8583_set_str(m, 4, t->f4);
	if ((approved || original) && ir->auth_code[0] != '\0')
		iso8583_set_str(m, 38, ir->auth_code);
	iso8583_set_str(m, 39, rc);
	if ((approved || original) && ir->message[0] != '\0')
		iso8583_set_str(m, 44, ir->message);
	if (approved && t->f48[0] != '\0')
		iso8583_set_str(m, 48, t->f48);
	if (approved && ir->has_balance &&
	    iso8583_balance_format(ir->available, ir->currency, t->f54) == ISO8583_OK)
		iso8583_set_str(m, 54, t->f54);
	if (strcmp(rc, RCODE_SYSTEM_FAULT) != 0 && ir->icc_len > 0)
		iso8583_set(m, 55, ir->icc, ir->icc_len);
	if (approved && t->has_f62)
		iso8583_set(m, 62, t->f62, sizeof t->f62);
	if (approved && t->tms62_len > 0)
		iso8583_set(m, 62, t->tms62, t->tms62_len);
	if (approved && t->qr62_len > 0)
		iso8583_set(m, 62, (const uint8_t *)t->qr62, t->qr62_len);
}

/* m packed straight into out: the envelope, then the message, then its MAC in place. */
static int pack(struct txn *t, const iso8583_msg *m, bool mac, uint8_t *out, size_t *out_len)
{
	iso8583_envelope env;
	iso8583_diag diag;
	size_t len;
	hsm_key mak;
	int err, ask;

	iso8583_envelope_reply(&t->env, &env);
	/* The processing request (docs/cup-pos.md "Framing"): 6 sign in again, else the first
	 * download the terminal still needs (7 parameters, 4 CA keys, 5 AIDs, 8 its software). */
	if (t->sign_in_again)
		env.header[2] = (uint8_t)((env.header[2] & 0xF0) | 6);
	else if ((ask = acquirer_tms_nibble(t)) != 0)
		env.header[2] = (uint8_t)((env.header[2] & 0xF0) | ask);
	memcpy(out, env.tpdu, sizeof env.tpdu);
	memcpy(out + sizeof env.tpdu, env.header, sizeof env.header);
	if (iso8583_pack(t->a->dialect, m, out + ENVELOPE_LEN, ACQUIRER_MSG_MAX - ENVELOPE_LEN,
	                 &len, &diag) != ISO8583_OK)
		return ACQUIRER_EARG;
	len += ENVELOPE_LEN;
	if (mac) {
		if (hsm_key_set(&mak, t->term.mak) != HSM_OK)
			return ACQUIRER_EHSM;
		err = hsm_mac_generate(t->a->h, &mak, HSM_MAC_CUP_ECB, out + ENVELOPE_LEN,
		                       len - ENVELOPE_LEN - MAC_LEN, out + len - MAC_LEN, MAC_LEN);
		crypto_wipe(&mak, sizeof mak);
		if (err != HSM_OK)
			return ACQUIRER_EHSM;
	}
	*out_len = len;
	return ACQUIRER_OK;
}

/* The answer, MACed when the request was. failed: the same with 39 = 96, the answer when the
 * batch does not commit. */
int acquirer_build(struct txn *t, const char *rc, uint8_t *out, size_t *out_len)
{
	static const uint8_t zero[MAC_LEN] = {0};
	bool mac = t->type != NULL && (t->type->flags & T_MAC) && t->have_term &&
	           t->term.mak[0] != '\0' && strcmp(rc, RCODE_MAC_ERROR) != 0;
	iso8583_msg m;

	echo(t, &m);
	answer(t, rc, &m);
	if (mac)
		iso8583_set(&m, 64, zero, MAC_LEN);
	return pack(t, &m, mac, out, out_len);
}

int acquirer_stage_respond(struct txn *t)
{
	int rc;

	if (!t->readable)
		return STAGE_NEXT; /* nothing to answer: the connection is closed */
	/* Waiting for its link: answered with the link's answer (link.c), or 96 when its batch
	 * does not commit. */
	if (!t->waiting && (rc = acquirer_build(t, t->rc, t->r->msg, &t->r->len)) != ACQUIRER_OK)
		return rc;
	return acquirer_build(t, RCODE_SYSTEM_FAULT, t->r->failed, &t->r->failed_len);
}
