/* reversal.c — a financial transaction from the card to the answer, with the reversal
 * discipline around it (term.h): the record committed before the request leaves, the answer
 * that clears it, the pending reversal delivered before anything else, and the one sign-in and
 * retry on A0 or 99. */
#include "term/internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "common/hex.h"
#include "crypto/crypto.h"
#include "crypto/emv.h"
#include "tlv/tlv.h"
#include "rcode/rcode.h"

/* A reversal's field 39 says why (docs/cup-pos.md): 98 no answer in time, A0 a bad MAC on the
 * answer (rcode.h's codes), or this, another reason. */
#define REVERSAL_OTHER "06"

/* What a chip read gives besides the record: the session key, to check the ARPC with, and the
 * CDOL1 data, which the second GENERATE AC covers again. */
struct chip_read {
	uint8_t sk[16], arqc[8];
	uint8_t cdol[64];
	size_t cdol_len;
};

static uint8_t bcd(int v)
{
	return (uint8_t)(((v / 10) % 10) << 4 | (v % 10));
}

int term_card_atc(term *t, const struct term_card *card, int *atc)
{
	uint8_t hash[HSM_PAN_HASH_LEN];
	char hash_hex[2 * HSM_PAN_HASH_LEN + 1];
	int rc;

	if ((rc = hsm_pan_hash(t->h, &t->hkey, card->pan, hash)) != HSM_OK)
		return term_from_hsm(rc);
	hex_encode(hash, sizeof hash, hash_hex, sizeof hash_hex);
	rc = store_term_atc_next(t->s, hash_hex, card->atc != NULL ? *card->atc : 0, atc);
	crypto_wipe(hash, sizeof hash);
	if (rc != STORE_OK)
		return TERM_ESTORE;
	if (card->atc != NULL)
		*card->atc = *atc;
	return TERM_OK;
}

/* Field 55 of x: the CDOL1 data (issuer_cdol1's tags, in order), 5F34 and 9F26 — the ARQC
 * under the session key of the card's master key for its next ATC; and x's application. The
 * TVR (95) is term_chip_assess()'s, so that the ARQC covers what the terminal found. */
static int chip_data(term *t, const struct term_card *card, struct store_term_txn *x,
                     struct chip_read *cr)
{
	uint8_t amount[6], zero6[6] = {0}, country[2] = {0x01, 0x56}, *tvr, date[3];
	uint8_t type, un[4], aip[2] = {0x7C, 0x00}, atc[2], psn, r[8] = {0}, cdol[64];
	int64_t a = x->amount;
	size_t pos = 0, cpos = 0;
	struct term_chip chip;
	char why[200];
	struct tm tm;
	int n, rc;

	if ((rc = term_chip_assess(t, card, (enum term_kind)x->kind, x->amount, &chip, why,
	                           sizeof why)) != TERM_OK)
		return rc;
	strcpy(x->aid, chip.aid);
	snprintf(x->label, sizeof x->label, "%s", chip.label);
	tvr = chip.tvr;
	term_clock_now(t, &tm); /* 9A: the host's local date */
	for (int i = 5; i >= 0; i--, a /= 100)
		amount[i] = bcd((int)(a % 100));
	date[0] = bcd(tm.tm_year % 100);
	date[1] = bcd(tm.tm_mon + 1);
	date[2] = bcd(tm.tm_mday);
	type = (uint8_t)((x->proc[0] - '0') << 4 | (x->proc[1] - '0'));
	if (RAND_bytes(un, sizeof un) != 1)
		return TERM_EHSM;
	if ((rc = term_card_atc(t, card, &n)) != TERM_OK)
		return rc;
	atc[0] = (uint8_t)(n >> 8);
	atc[1] = (uint8_t)n;
	psn = bcd(atoi(card->psn));
	/* The card's CDOL1 data, in issuer_cdol1's order. */
	const struct {
		uint32_t tag;
		const uint8_t *v;
		size_t len;
	} els[] = {
	    {0x9F02, amount, 6},  {0x9F03, zero6, 6}, {0x9F1A, country, 2}, {0x95, tvr, 5},
	    {0x5F2A, country, 2}, {0x9A, date, 3},    {0x9C, &type, 1},     {0x9F37, un, 4},
	    {0x82, aip, 2},       {0x9F36, atc, 2},
	};
	for (size_t i = 0; i < sizeof els / sizeof els[0]; i++) {
		memcpy(cdol + cpos, els[i].v, els[i].len);
		cpos += els[i].len;
		if (tlv_put(x->icc, sizeof x->icc, &pos, els[i].tag, els[i].v, els[i].len) !=
		    TLV_OK)
			return TERM_EARG;
	}
	memcpy(r, atc, 2);
	memcpy(cr->cdol, cdol, cpos);
	cr->cdol_len = cpos;
	if (crypto_emv_session_key(card->icc_mk, r, sizeof r, cr->sk) != CRYPTO_OK ||
	    crypto_emv_arqc(cr->sk, cdol, cpos, cr->arqc) != CRYPTO_OK)
		return TERM_EHSM;
	if (tlv_put(x->icc, sizeof x->icc, &pos, 0x5F34, &psn, 1) != TLV_OK ||
	    tlv_put(x->icc, sizeof x->icc, &pos, 0x9F26, cr->arqc, 8) != TLV_OK)
		return TERM_EARG;
	x->icc_len = pos;
	return TERM_OK;
}

/* Field 62 of a card authentication: NM, ID, PH (step 1) or OT (step 2). */
static size_t cardauth_data(const struct term_request *req, uint8_t *out, size_t cap)
{
	const char *tags[4] = {"NM", "ID", "PH", "OT"};
	const char *vals[4] = {req->holder, req->id_number, req->phone, req->otp};
	size_t pos = 0;

	for (size_t i = 0; i < 4; i++)
		if (vals[i] != NULL)
			pos += (size_t)snprintf((char *)out + pos, cap - pos, "%s%03zu%s", tags[i],
			                        strlen(vals[i]), vals[i]);
	return pos;
}

/* Seals "PAN=YYMM" into x, bound to its batch and STAN. */
static int seal(term *t, struct store_term_txn *x, const char *pan, const char *expiry)
{
	char aad[16], clear[32];
	int rc;

	snprintf(aad, sizeof aad, "%06d%06d", x->batch, x->stan);
	snprintf(clear, sizeof clear, "%s=%s", pan, expiry);
	rc = hsm_data_encrypt(t->h, &t->dek, (const uint8_t *)aad, 12, (const uint8_t *)clear,
	                      strlen(clear), x->sealed, sizeof x->sealed, &x->sealed_len);
	crypto_wipe(clear, sizeof clear);
	return term_from_hsm(rc);
}

static void mask(const char *pan, char out[20])
{
	size_t n = strlen(pan);

	for (size_t i = 0; i < n; i++)
		out[i] = i < 6 || i + 4 >= n ? pan[i] : '*';
	out[n] = '\0';
}

/* A void's original, by its STAN: an approved purchase or completion not voided yet, whose
 * amount and references (37, 38) x takes. */
static int refer_void(term *t, const char *stan, struct store_term_txn *x,
                      struct store_term_txn *orig)
{
	int rc;

	if (stan == NULL)
		return TERM_EARG;
	if ((rc = term_find(t, stan, orig)) != TERM_OK)
		return rc;
	if (!rcode_approved(orig->rc) || orig->voided ||
	    (orig->kind != TERM_PURCHASE && orig->kind != TERM_COMPLETION))
		return TERM_ESTATE;
	x->kind = orig->kind == TERM_PURCHASE ? TERM_VOID : TERM_COMPLETION_VOID;
	x->amount = orig->amount;
	strcpy(x->orig_rrn, orig->rrn);
	strcpy(x->orig_auth, orig->auth);
	return TERM_OK;
}

/* An original by the reference the request gives (by: its RRN or its authorization code),
 * which x keeps in ref (cap bytes) whether or not this terminal's log holds the original. */
static int refer_by(term *t, enum store_term_key by, const char *given, char *ref, size_t cap,
                    struct store_term_txn *orig, bool *found)
{
	int rc;

	if (given == NULL)
		return TERM_EARG;
	snprintf(ref, cap, "%s", given);
	if ((rc = store_term_txn_find(t->s, by, given, orig)) != STORE_OK && rc != STORE_ENOTFOUND)
		return TERM_ESTORE;
	*found = rc == STORE_OK;
	return TERM_OK;
}

/* Field 61 of x: the original's batch and STAN (zeros when this terminal did not make it) and,
 * for a refund, the original's date (61.3, MMDD: its answer's 13), else today's local one. */
static void orig_field(term *t, const struct term_request *req, struct store_term_txn *x,
                       const struct store_term_txn *orig, bool found)
{
	struct tm tm;

	snprintf(x->orig, sizeof x->orig, "%06d%06d", found ? orig->batch : 0,
	         found ? orig->stan : 0);
	if (req->kind != TERM_REFUND)
		return;
	if (found && strlen(orig->date) == 4) {
		memcpy(x->orig + 12, orig->date, 5);
		return;
	}
	term_clock_now(t, &tm);
	strftime(x->orig + 12, sizeof x->orig - 12, "%m%d", &tm);
}

/* Finds the original a request refers to and fills in x's references (37, 38, 61). */
static int refer(term *t, const struct term_request *req, struct store_term_txn *x,
                 struct store_term_txn *orig, bool *found)
{
	int rc;

	*found = false;
	switch (req->kind) {
	case TERM_VOID:
	case TERM_COMPLETION_VOID:
		if ((rc = refer_void(t, req->stan, x, orig)) == TERM_OK)
			*found = true;
		break;
	case TERM_REFUND:
		rc = refer_by(t, STORE_TERM_BY_RRN, req->rrn, x->orig_rrn, sizeof x->orig_rrn, orig,
		              found);
		break;
	case TERM_QR_REFUND:
		/* 61, the original's batch and STAN, only when this terminal made it: a payment by
		 * the static code has none (docs/cup-pos.md "QR refund"). */
		rc = refer_by(t, STORE_TERM_BY_RRN, req->rrn, x->orig_rrn, sizeof x->orig_rrn, orig,
		              found);
		if (rc == TERM_OK && *found && orig->kind == TERM_QR_PAY)
			snprintf(x->orig, sizeof x->orig, "%06d%06d", orig->batch, orig->stan);
		return rc;
	case TERM_PREAUTH_CANCEL:
	case TERM_COMPLETION:
		rc = refer_by(t, STORE_TERM_BY_AUTH, req->auth, x->orig_auth, sizeof x->orig_auth,
		              orig, found);
		break;
	default:
		return TERM_OK;
	}
	if (rc != TERM_OK)
		return rc;
	orig_field(t, req, x, orig, *found);
	return TERM_OK;
}

/* The ARPC of the answer's 55 (tag 91: ARPC || ARC) against the session key: 1 or 2. */
static int check_arpc(const iso8583_msg *resp, const struct chip_read *cr)
{
	uint8_t f55[STORE_TERM_ICC_MAX + 1], arpc[8];
	size_t len;
	tlv v;

	if (!iso8583_has(resp, 55) || iso8583_get(resp, 55, f55, sizeof f55, &len) != ISO8583_OK ||
	    tlv_find(f55, len, 0x91, &v) != TLV_OK || v.len != 10 ||
	    crypto_emv_arpc1(cr->sk, cr->arqc, v.value + 8, arpc) != CRYPTO_OK)
		return 2;
	return CRYPTO_memcmp(arpc, v.value, 8) == 0 ? 1 : 2;
}

/* The card's answer to the second GENERATE AC once the issuer approved and authenticated
 * itself: a TC over the CDOL1 data and the authorisation response code (8A, field 39), under
 * the same session key; its hex in x->tc for the slip. "" when the card cannot make one. */
static void second_gen_ac(const struct chip_read *cr, struct store_term_txn *x)
{
	uint8_t data[sizeof cr->cdol + 2], tc[8];

	x->tc[0] = '\0';
	memcpy(data, cr->cdol, cr->cdol_len);
	memcpy(data + cr->cdol_len, x->rc, 2);
	if (crypto_emv_arqc(cr->sk, data, cr->cdol_len + 2, tc) == CRYPTO_OK)
		hex_encode(tc, sizeof tc, x->tc, sizeof x->tc);
	crypto_wipe(data, sizeof data);
}

/* Reads the answer into x and res: an approval with 44 STAND-IN is the acquirer's stand-in. */
static void read_answer(const iso8583_msg *resp, struct store_term_txn *x, struct term_result *res)
{
	char f54[ISO8583_BALANCE_LEN + 1];
	unsigned currency;

	x->status = STORE_TERM_ANSWERED;
	term_field(resp, 39, x->rc, sizeof x->rc);
	term_field(resp, 37, x->rrn, sizeof x->rrn);
	term_field(resp, 38, x->auth, sizeof x->auth);
	term_field(resp, 13, x->date, sizeof x->date);
	term_field(resp, 12, x->time, sizeof x->time);
	term_field(resp, 44, res->message, sizeof res->message);
	x->stand_in = rcode_approved(x->rc) && strcmp(res->message, TERM_STAND_IN) == 0;
	term_field(resp, 54, f54, sizeof f54);
	if (iso8583_balance_parse(f54, &res->balance, &currency) == ISO8583_OK)
		res->has_balance = true;
}

/* The record of a new transaction of kind d (x->kind, from refer()): its fixed fields, the
 * entry mode, the card's PAN and expiry (a void's from its original's sealed copy; a QR
 * payment's code and no expiry; a QR refund neither) and the masked PAN (a QR refund's, its
 * original's when the terminal has it). */
static int fill_record(term *t, const struct term_request *req, const struct term_kind_def *d,
                       struct store_term_txn *x, const struct store_term_txn *orig, bool found,
                       char pan[20], char expiry[5])
{
	int rc;

	x->at = (int64_t)time(NULL);
	x->batch = t->st.batch;
	x->currency = TERM_CURRENCY;
	x->reversible = d->reversible;
	strcpy(x->mti, d->mti);
	strcpy(x->proc, d->proc);
	strcpy(x->cond, d->cond);
	strcpy(x->type, d->type);
	if (d->qr) {
		snprintf(pan, 20, "%s", x->kind == TERM_QR_PAY ? req->code : "");
		expiry[0] = '\0';
	} else if (req->card != NULL) {
		strcpy(pan, req->card->pan);
		strcpy(expiry, req->card->expiry);
	} else if (found && (x->kind == TERM_VOID || x->kind == TERM_COMPLETION_VOID)) {
		if ((rc = term_unseal(t, orig, pan, expiry)) != TERM_OK)
			return rc;
	} else {
		return TERM_EARG;
	}
	snprintf(x->entry, sizeof x->entry, "%s%c",
	         d->qr                     ? "03"
	         : req->card == NULL       ? "01"
	         : req->entry == TERM_CHIP ? "05"
	                                   : "02",
	         req->pin != NULL ? '1' : '2');
	mask(pan, x->masked);
	if (x->kind == TERM_QR_REFUND && found)
		strcpy(x->masked, orig->masked);
	return TERM_OK;
}

/* Track 2 encrypted under the track key, 53's third digit 1 (docs/cup-pos.md "Track
 * encryption"); a swiped card's PAN is then left out of 2, the host reads it from the track.
 * A chip card keeps 2: the spec leaves it out for a swiped card only. */
static int track(term *t, const struct term_request *req, struct term_msg *m)
{
	size_t n = strlen(strcpy(m->f35, req->card->track2));
	int rc;

	if ((rc = term_from_hsm(hsm_track_crypt(t->h, &t->tdk, 1, (uint8_t *)m->f35, n))) !=
	    TERM_OK)
		return rc;
	iso8583_set(&m->m, 35, m->f35, n);
	iso8583_set_str(&m->m, 53, "2610000000000000");
	if (req->entry != TERM_CHIP)
		iso8583_unset(&m->m, 2);
	return TERM_OK;
}

/* The request of kind d for the record x into m: the card, its track 2 and PIN block, the
 * cardholder's identity, and what refunds and card authentication add. */
static int build_request(term *t, const struct term_request *req, const struct term_kind_def *d,
                         const struct store_term_txn *x, const char *pan, const char *expiry,
                         struct term_msg *m)
{
	int rc;

	term_msg_start(t, m, x->mti, x->stan, x->batch, x->type, d->nmc);
	term_msg_card(m, x, pan, expiry);
	if (req->card != NULL && (rc = track(t, req, m)) != TERM_OK)
		return rc;
	/* A QR payment's wallet PIN: format 0 with the code as the PAN, and no 53. */
	if (req->pin != NULL && (req->card != NULL || x->kind == TERM_QR_PAY)) {
		if ((rc = term_from_hsm(hsm_encrypt_pin(t->h, &t->pik, req->pin, pan, m->f52))) !=
		    TERM_OK)
			return rc;
		iso8583_set(&m->m, 52, m->f52, sizeof m->f52);
		if (!d->qr && req->card == NULL)
			iso8583_set_str(&m->m, 53, "2600000000000000");
		iso8583_set_str(&m->m, 26, "12");
	}
	if (d->identity) {
		if ((rc = term_identity(t, pan, m->f59, sizeof m->f59)) != TERM_OK)
			return rc;
		iso8583_set_str(&m->m, 59, m->f59);
	}
	if (x->kind == TERM_REFUND)
		iso8583_set_str(&m->m, 63, "000");
	if (x->kind == TERM_CARDAUTH) {
		m->f62_len = cardauth_data(req, m->f62, sizeof m->f62);
		iso8583_set(&m->m, 62, m->f62, m->f62_len);
	}
	return TERM_OK;
}

/* What the exchange (rc, and resp when TERM_OK) leaves in the record x, in its original (voided
 * by an approved void or cancellation) and in res. */
static int record_answer(term *t, int rc, const iso8583_msg *resp, const struct chip_read *cr,
                         struct store_term_txn *x, struct store_term_txn *orig, bool found,
                         struct term_result *res)
{
	if (rc == TERM_OK) {
		read_answer(resp, x, res);
		if (x->icc_len > 0 && rcode_approved(x->rc))
			x->arpc = check_arpc(resp, cr);
		if (x->arpc == 1)
			second_gen_ac(cr, x);
	} else if (rc == TERM_ETIMEOUT || rc == TERM_EMAC || rc == TERM_EFORMAT) {
		/* No usable answer: what was sent may have been applied. */
		x->status = x->reversible ? STORE_TERM_REVERSAL : STORE_TERM_ANSWERED;
		strcpy(x->reason, rc == TERM_ETIMEOUT ? RCODE_ISSUER_TIMEOUT
		                  : rc == TERM_EMAC   ? RCODE_MAC_ERROR
		                                      : REVERSAL_OTHER);
	} else {
		x->status = STORE_TERM_ANSWERED; /* never sent */
	}
	if (store_term_txn_update(t->s, x) != STORE_OK)
		return TERM_ESTORE;
	if (rc == TERM_OK && found && rcode_approved(x->rc) &&
	    (x->kind == TERM_VOID || x->kind == TERM_COMPLETION_VOID ||
	     x->kind == TERM_PREAUTH_CANCEL)) {
		orig->voided = true;
		if (store_term_txn_update(t->s, orig) != STORE_OK)
			rc = TERM_ESTORE;
	}
	strcpy(res->rc, x->rc);
	strcpy(res->rrn, x->rrn);
	strcpy(res->auth, x->auth);
	res->arpc = x->arpc;
	res->stand_in = x->stand_in;
	return rc;
}

/* One attempt: the record, the request, the answer. */
static int attempt(term *t, const struct term_request *req, struct term_result *res)
{
	const struct term_kind_def *d;
	struct store_term_txn x = {0}, orig;
	struct chip_read cr = {0};
	struct term_msg m;
	iso8583_msg resp;
	char pan[20], expiry[5];
	bool found;
	int rc;

	x.kind = req->kind;
	x.amount = req->amount;
	if ((rc = refer(t, req, &x, &orig, &found)) != TERM_OK)
		return rc;
	d = &term_kinds[x.kind];
	res->kind = x.kind;
	if ((rc = fill_record(t, req, d, &x, &orig, found, pan, expiry)) != TERM_OK)
		goto out;
	if ((rc = term_next_stan(t, &x.stan)) != TERM_OK)
		goto out;
	res->stan = x.stan;
	res->batch = x.batch;
	if (req->card != NULL && req->entry == TERM_CHIP) {
		if (!req->card->chip) {
			rc = TERM_ECARD;
			goto out;
		}
		strcpy(x.psn, req->card->psn);
		if ((rc = chip_data(t, req->card, &x, &cr)) != TERM_OK)
			goto out;
	}
	if (pan[0] != '\0' && (rc = seal(t, &x, pan, expiry)) != TERM_OK)
		goto out;
	if ((rc = build_request(t, req, d, &x, pan, expiry, &m)) != TERM_OK)
		goto out;
	/* The record, with what the reversal needs, is committed before the request leaves. */
	x.status = STORE_TERM_SENT;
	if ((rc = term_from_store(store_term_txn_insert(t->s, &x))) != TERM_OK)
		goto out;
	res->txn_id = x.id;
	m.fault = t->inject;
	t->inject = TERM_INJECT_NONE;
	rc = term_exchange(t, &m, true, &resp);
	rc = record_answer(t, rc, &resp, &cr, &x, &orig, found, res);
out:
	crypto_wipe(pan, sizeof pan);
	crypto_wipe(&cr, sizeof cr);
	crypto_wipe(&m, sizeof m);
	return rc;
}

/* Whether req is a transaction term_transact() makes: a card's, a QR payment (a code of 16 to
 * 19 digits; above the no-PIN limit only with the wallet PIN: TERM_EPIN) or a QR refund. */
static int check_request(const struct term_request *req)
{
	const struct term_kind_def *d;
	size_t n;

	if ((unsigned)req->kind >= TERM_KINDS || req->amount < 0 || req->amount > 999999999999LL)
		return TERM_EARG;
	d = &term_kinds[req->kind];
	if (!d->card && !(d->qr && d->reversible))
		return TERM_EARG;
	if (req->kind != TERM_QR_PAY)
		return TERM_OK;
	n = req->code != NULL ? strlen(req->code) : 0;
	if (n < 16 || n > 19 || strspn(req->code, "0123456789") != n || req->amount == 0)
		return TERM_EARG;
	return req->amount > TERM_QR_NOPIN_MAX && req->pin == NULL ? TERM_EPIN : TERM_OK;
}

int term_transact(term *t, const struct term_request *req, struct term_result *res)
{
	struct term_result again;
	char why[200];
	int rc;

	memset(res, 0, sizeof *res);
	if ((rc = check_request(req)) != TERM_OK)
		return rc;
	/* What the downloaded parameters do not permit is never sent. */
	if ((rc = term_params_permit(t, req, why, sizeof why)) != TERM_OK)
		return rc;
	/* Nor is a chip card's whose application it does not take, or that it declines offline. */
	if ((rc = term_chip_permit(t, req, why, sizeof why)) != TERM_OK)
		return rc;
	res->kind = req->kind;
	if (!t->signed_in)
		return TERM_ESIGNIN;
	if ((rc = term_reversal_flush(t, res)) != TERM_OK)
		return rc;
	if ((rc = attempt(t, req, res)) != TERM_OK)
		return rc;
	if (strcmp(res->rc, RCODE_MAC_ERROR) != 0 && strcmp(res->rc, RCODE_PIN_FORMAT) != 0)
		return TERM_OK;
	/* The host no longer trusts the keys: sign in again once, then send once more. */
	if ((rc = term_manage(t, TERM_SIGNIN, &again)) != TERM_OK)
		return rc;
	if (!rcode_approved(again.rc))
		return TERM_OK;
	rc = attempt(t, req, res);
	res->retried = true;
	return rc;
}

/* Sends the reversal m up to tries times, again after a timeout or a dropped connection, an
 * answer that does not read or verify, or one that does not end it (approved, or 12 and 25:
 * the host holds nothing to reverse; either way nothing more is to be done): the same message
 * each time, retransmitted, not remade (docs/cup-pos.md "Reversals": the host acknowledges a
 * repeat). A host that cannot be reached ends the round at once: nothing was sent. TERM_OK once
 * an answer ends it, else TERM_EREVERSAL; res->reversal_sends counts the sends. */
static int reversal_send(term *t, struct term_msg *m, int tries, struct term_result *res)
{
	iso8583_msg resp;
	char rc39[3];
	int rc;

	for (res->reversal_sends = 0; res->reversal_sends < tries;) {
		if ((rc = term_exchange(t, m, true, &resp)) == TERM_ECONNECT)
			break; /* not sent: pending still, for when the host is back */
		res->reversal_sends++;
		if (rc == TERM_OK) {
			term_field(&resp, 39, rc39, sizeof rc39);
			if (rcode_approved(rc39) || strcmp(rc39, RCODE_INVALID_TXN) == 0 ||
			    strcmp(rc39, RCODE_ORIGINAL_NOT_FOUND) == 0)
				return TERM_OK;
		} else if (rc != TERM_ETIMEOUT && rc != TERM_EMAC && rc != TERM_EFORMAT) {
			break;
		}
	}
	return TERM_EREVERSAL;
}

int term_reversal_flush(term *t, struct term_result *res)
{
	struct store_term_txn x;
	struct term_msg m;
	char pan[20] = "", expiry[5] = "";
	int rc;
	bool pending;

	if ((rc = term_reversal_pending(t, &x, &pending)) != TERM_OK || !pending)
		return rc;
	if (!t->signed_in)
		return TERM_ESIGNIN;
	if (x.status == STORE_TERM_SENT) {
		/* Recorded, never answered: the terminal stopped on the way. */
		x.status = STORE_TERM_REVERSAL;
		strcpy(x.reason, RCODE_ISSUER_TIMEOUT);
		if (store_term_txn_update(t->s, &x) != STORE_OK)
			return TERM_ESTORE;
	}
	/* A QR refund has nothing sealed: no field 2. */
	if (x.sealed_len > 0 && (rc = term_unseal(t, &x, pan, expiry)) != TERM_OK)
		return rc;
	/* The original's fields, its STAN and batch; 39 says why. */
	term_msg_start(t, &m, "0400", x.stan, x.batch, x.type, "000");
	term_msg_card(&m, &x, pan, expiry);
	iso8583_set_str(&m.m, 39, strcpy(m.f39, x.reason));
	res->reversal_stan = x.stan;
	rc = reversal_send(t, &m, term_held_reversal_tries(t), res);
	crypto_wipe(pan, sizeof pan);
	crypto_wipe(&m, sizeof m);
	if (rc != TERM_OK)
		return rc;
	x.status = STORE_TERM_REVERSED;
	if (store_term_txn_update(t->s, &x) != STORE_OK)
		return TERM_ESTORE;
	res->reversals++;
	return TERM_OK;
}
