/* pipeline.c — a terminal's request through the acquirer (DESIGN.md "The acquirer pipeline"):
 * a table of stages, each deciding to go on or to answer, then the record, the answer and the
 * notification, which every request that got that far has. The transactions of
 * spec/cup-pos.md are rows of a second table: which stages they pass and what decides them. */
#include "acquirer/internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "crypto/crypto.h"
#include "store/store_acquirer.h"

#define FRAME_HEAD 13 /* length 2, TPDU 5, header 6: where the MAC block starts */
#define MAC_LEN    8

/* What a transaction passes through. */
#define T_SIGNED 0x01 /* the terminal must be signed in */
#define T_MAC    0x02 /* MACed request and response */
#define T_DUP    0x04 /* TID + STAN + batch is its identity: a repeat is 94 */
#define T_CARD   0x08 /* carries a card: checked, masked, hashed */
#define T_PAY    0x10 /* a payment the card authentication policy applies to */
#define T_AMOUNT 0x20 /* field 4 required */
#define T_RECORD 0x40 /* one row of acq_txns */
#define T_FIN    (T_SIGNED | T_MAC | T_DUP | T_RECORD)

enum { STAGE_NEXT = 0, STAGE_RESPOND = 1 };

struct txn;

struct txn_type {
	const char *name;
	const char *mti;
	const char *proc; /* first two digits of 3; NULL: by 60.3 */
	const char *cond; /* 25 */
	const char *nmc;  /* 60.3 for the network management and settlement messages */
	unsigned flags;
	int (*decide)(struct txn *t);
};

struct txn {
	acquirer *a;
	int64_t now;
	struct acquirer_reply *r;
	const struct txn_type *type;
	uint8_t frame[ACQUIRER_MSG_MAX + 2];
	size_t frame_len;
	iso8583_envelope env;
	iso8583_msg req;
	bool readable; /* unpacked */
	bool counted;  /* passed the duplicate stage: its identity is taken */
	char f60[18], tid[9], mid[16], stan[7];
	int batch;
	struct store_terminal term;
	struct store_merchant merchant; /* the terminal's, read with it */
	char version[17];               /* the application version it reports (59.A2.05); "" none */
	bool have_term, sign_in_again;
	struct issuer_iso_request ir;
	char pan[CARD_PAN_MAX + 1], pan_hash[2 * HSM_PAN_HASH_LEN + 1];
	struct issuer_response resp;
	char rc[3], reason[32], rrn[13], net_stan[7], settle_date[5];
	char f12[7], f13[5], f48[63], f54[32], f60_out[18];
	uint8_t f62[60];
	bool has_f62;
	int64_t decision_id;
};

static int decide(struct txn *t, const char *rc, const char *reason)
{
	snprintf(t->rc, sizeof t->rc, "%s", rc);
	snprintf(t->reason, sizeof t->reason, "%s", reason);
	return STAGE_RESPOND;
}

/* The last n digits of a counter's value v, wrapping and never all zeros, and a NUL. */
static void counter_digits(int64_t v, int n, char *out)
{
	int64_t mod = 1;
	char text[24];

	assert(n > 0 && n <= 12 && v > 0);
	for (int i = 0; i < n; i++)
		mod *= 10;
	snprintf(text, sizeof text, "%0*lld", n, (long long)((v - 1) % (mod - 1) + 1));
	memcpy(out, text, (size_t)n + 1);
}

/* The host's RRN counter: its next value to *v, and the RRN (12 digits) to t. */
static int next_rrn(struct txn *t, int64_t *v)
{
	int rc;

	if ((rc = store_acq_next(t->a->s, "rrn", v)) != STORE_OK)
		return acquirer_from_store(rc);
	counter_digits(*v, 12, t->rrn);
	return ACQUIRER_OK;
}

static int assign_rrn(struct txn *t)
{
	int64_t v;

	return t->rrn[0] != '\0' ? ACQUIRER_OK : next_rrn(t, &v);
}

/* ---- decisions ---- */

/* MMDDhhmmss, UTC: the transmission time of a request to the issuer. */
static void transmit_time(int64_t now, char out[11])
{
	time_t tt = (time_t)now;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 11, "%m%d%H%M%S", &tm);
}

/* The issuer's request from the terminal's: the PIN block under the issuer's zone key, the
 * host's identity (institution, network STAN, time, RRN). orig_stan: a reversal's original. */
static int ask_issuer(struct txn *t, const char *stan)
{
	struct issuer_request req = t->ir.req;
	uint8_t pin[8];
	char transmit[11];
	hsm_key pik;
	int rc;

	if (req.pin_block != NULL) {
		if (hsm_key_set(&pik, t->term.pik) != HSM_OK)
			return ACQUIRER_EHSM;
		rc = hsm_translate_pin(t->a->h, &pik, &t->a->zpk, req.pin_block, t->pan, pin);
		crypto_wipe(&pik, sizeof pik);
		if (rc == HSM_EPINBLOCK || rc == HSM_EPAN)
			return decide(t, "99", "pin_block");
		if (rc != HSM_OK)
			return ACQUIRER_EHSM;
		req.pin_block = pin;
		req.pin_key = &t->a->zpk;
	}
	transmit_time(t->now, transmit);
	req.acquirer = t->a->cfg.institution;
	req.stan = stan;
	req.transmit = transmit;
	req.terminal = t->tid;
	req.merchant = t->mid;
	req.merchant_name = t->merchant.name; /* for the cardholder's text: as registered */
	req.rrn = t->rrn;
	rc = issuer_authorize(t->a->is, &req, t->now, &t->resp);
	crypto_wipe(pin, sizeof pin);
	if (rc != ISSUER_OK)
		return rc == ISSUER_ESTORE ? ACQUIRER_ESTORE : ACQUIRER_EHSM;
	t->decision_id = t->resp.decision_id;
	return decide(t, t->resp.rc, t->resp.reason);
}

/* Balance, purchase, void, refund, pre-authorization and its follow-ups, card
 * authentication: decided by the issuer. */
static int decide_issuer(struct txn *t)
{
	int64_t v;
	int rc;

	/* The network STAN is the RRN's counter too, its last six digits: one counter written a
	 * request, and a STAN repeats only after 999,999 of them. */
	assert(t->rrn[0] == '\0');
	if ((rc = next_rrn(t, &v)) != ACQUIRER_OK)
		return rc;
	counter_digits(v, 6, t->net_stan);
	return ask_issuer(t, t->net_stan);
}

/* A reversal, exactly once: of an original seen (undone at the issuer when it was
 * approved), or of one never seen, whose identity is then tombstoned so that it is refused
 * if it arrives late. A repeated reversal is acknowledged and changes nothing. */
static int decide_reversal(struct txn *t)
{
	struct store_acq_txn orig, rev = {0};
	int rc;

	if ((rc = store_acq_txn_find(t->a->s, t->tid, t->batch, t->stan, 1, &rev)) == STORE_OK) {
		snprintf(t->rrn, sizeof t->rrn, "%s", rev.rrn);
		return decide(t, "00", "reversal_repeated");
	}
	if (rc != STORE_ENOTFOUND)
		return acquirer_from_store(rc);
	if ((rc = assign_rrn(t)) != ACQUIRER_OK)
		return rc;
	rc = store_acq_txn_find(t->a->s, t->tid, t->batch, t->stan, 0, &orig);
	if (rc == STORE_ENOTFOUND) {
		if ((rc = store_acq_tombstone_add(t->a->s, t->tid, t->batch, t->stan, t->now)) !=
		    STORE_OK)
			return acquirer_from_store(rc);
		decide(t, "00", "original_unknown");
	} else if (rc != STORE_OK) {
		return acquirer_from_store(rc);
	} else {
		/* The card is the original's, as its row keeps it: masked and hashed. */
		snprintf(t->r->out.card, sizeof t->r->out.card, "%s", orig.masked);
		snprintf(t->pan_hash, sizeof t->pan_hash, "%s", orig.pan_hash);
		if (strcmp(orig.rc, "00") == 0) {
			/* The issuer finds the original by its network STAN. */
			snprintf(t->net_stan, sizeof t->net_stan, "%s", orig.net_stan);
			t->ir.req.amount = orig.amount;
			if ((rc = ask_issuer(t, orig.net_stan)) < 0)
				return rc;
			/* Reversed at the issuer, or nothing there to reverse: either way done. */
			decide(t, "00", t->resp.reason[0] != '\0' ? t->resp.reason : "reversed");
		} else {
			decide(t, "00", "original_declined");
		}
		orig.reversed = true;
		if ((rc = store_acq_txn_update(t->a->s, &orig)) != STORE_OK)
			return acquirer_from_store(rc);
		rev.original_id = orig.id;
	}
	snprintf(rev.tid, sizeof rev.tid, "%s", t->tid);
	snprintf(rev.mid, sizeof rev.mid, "%s", t->mid);
	snprintf(rev.stan, sizeof rev.stan, "%s", t->stan);
	snprintf(rev.type, sizeof rev.type, "reversal");
	snprintf(rev.masked, sizeof rev.masked, "%s", t->r->out.card);
	snprintf(rev.pan_hash, sizeof rev.pan_hash, "%s", t->pan_hash);
	snprintf(rev.rrn, sizeof rev.rrn, "%s", t->rrn);
	snprintf(rev.rc, sizeof rev.rc, "%s", t->rc);
	snprintf(rev.reason, sizeof rev.reason, "%s", t->reason);
	snprintf(rev.net_stan, sizeof rev.net_stan, "%s", t->net_stan);
	snprintf(rev.settle_date, sizeof rev.settle_date, "%s", t->settle_date);
	rev.at = t->now;
	rev.batch = t->batch;
	rev.kind = 1;
	rev.amount = t->ir.req.amount;
	rev.currency = t->ir.req.currency;
	rev.decision_id = t->decision_id;
	if ((rc = store_acq_txn_insert(t->a->s, &rev)) != STORE_OK)
		return acquirer_from_store(rc);
	return STAGE_RESPOND;
}

/* Sign-in: fresh PIN, MAC and track keys, each sent under the TMK with its check value in
 * field 62 (spec/cup-pos.md "Sign-in"), kept wrapped under the LMK. */
static int decide_signin(struct txn *t)
{
	static const struct hsm_key_spec specs[3] = {
	    {"P0", HSM_TDES, 16, 'B', 'S'},
	    {"M1", HSM_TDES, 16, 'C', 'S'},
	    {"M1", HSM_TDES, 16, 'C', 'S'},
	};
	char *slots[3] = {t->term.pik, t->term.mak, t->term.tdk};
	hsm_key tmk, key;
	uint8_t enc[24];
	size_t len;
	hsm_kcv kcv;
	int rc = ACQUIRER_EHSM;

	if (hsm_key_set(&tmk, t->term.tmk) != HSM_OK)
		return ACQUIRER_EHSM;
	for (size_t i = 0; i < 3; i++) {
		if (hsm_generate(t->a->h, &specs[i], &key, NULL) != HSM_OK ||
		    hsm_export_ecb(t->a->h, &tmk, &key, enc, &len, &kcv) != HSM_OK || len != 16)
			goto out;
		memcpy(t->f62 + i * 20, enc, 16);
		memcpy(t->f62 + i * 20 + 16, kcv.v, HSM_KCV_ECB);
		snprintf(slots[i], STORE_KEY_MAX, "%s", key.block);
	}
	t->has_f62 = true;
	t->term.signed_in = true;
	t->term.last_seen = t->term.last_signin = t->now;
	if ((rc = store_terminal_update(t->a->s, &t->term)) != STORE_OK) {
		rc = acquirer_from_store(rc);
		goto out;
	}
	rc = decide(t, "00", "signed_in");
out:
	crypto_wipe(&key, sizeof key);
	crypto_wipe(&tmk, sizeof tmk);
	crypto_wipe(enc, sizeof enc);
	return rc;
}

static int decide_signout(struct txn *t)
{
	t->term.signed_in = false;
	t->term.last_seen = t->now;
	if (store_terminal_update(t->a->s, &t->term) != STORE_OK)
		return ACQUIRER_ESTORE;
	return decide(t, "00", "signed_out");
}

/* The terminal's heartbeat: it is seen (its status report's "online"). */
static int decide_echo(struct txn *t)
{
	t->term.last_seen = t->now;
	if (store_terminal_update(t->a->s, &t->term) != STORE_OK)
		return ACQUIRER_ESTORE;
	return decide(t, "00", "echo");
}

/* The batch closed: the next one begins (the terminal moves with it). */
static int next_batch(struct txn *t)
{
	t->term.batch = t->term.batch % 999999 + 1;
	return store_terminal_update(t->a->s, &t->term) == STORE_OK ? ACQUIRER_OK : ACQUIRER_ESTORE;
}

/* Settlement: the terminal's domestic totals (field 48) against the host's for its batch;
 * flag 1 when they agree (the batch is closed), 2 when not (the terminal uploads it). Foreign
 * cards are not acquired here: the host's foreign totals are zero. */
static int decide_settle(struct txn *t)
{
	struct store_acq_totals tot;
	char host[80], f48[64] = "";
	bool agree;
	int rc;

	if (!iso8583_has(&t->req, 48) || iso8583_get(&t->req, 48, f48, sizeof f48, NULL) != 0 ||
	    strlen(f48) != 62 || crypto_digits(f48, 62, 62) != 62)
		return decide(t, "30", "field_48");
	if ((rc = store_acq_totals(t->a->s, t->tid, t->term.batch, &tot)) != STORE_OK)
		return acquirer_from_store(rc);
	snprintf(host, sizeof host, "%012lld%03d%012lld%03d", (long long)tot.sales_amount,
	         tot.sales_count % 1000, (long long)tot.refund_amount, tot.refund_count % 1000);
	agree = memcmp(host, f48, 30) == 0 &&
	        memcmp(f48 + 31, "000000000000000000000000000000", 30) == 0;
	memcpy(t->f48, f48, 62);
	t->f48[30] = t->f48[61] = agree ? '1' : '2';
	t->f48[62] = '\0';
	if (agree && (rc = next_batch(t)) != ACQUIRER_OK)
		return rc;
	return decide(t, "00", agree ? "totals_agree" : "totals_differ");
}

/* Batch upload: accepted, a row each message (the terminal's view of its batch, for the
 * reconciliation); its end (60.3 = 202) closes the batch. */
static int decide_upload(struct txn *t)
{
	int rc;

	if (strcmp(t->type->name, "upload_end") == 0 && (rc = next_batch(t)) != ACQUIRER_OK)
		return rc;
	return decide(t, "00", "uploaded");
}

static const struct txn_type types[] = {
    {"signin", "0800", NULL, NULL, "004", 0, decide_signin},
    {"signout", "0820", NULL, NULL, "002", 0, decide_signout},
    {"echo", "0820", NULL, NULL, "301", 0, decide_echo},
    {"settle", "0500", NULL, NULL, "201", T_SIGNED, decide_settle},
    {"upload", "0320", NULL, NULL, "201", T_SIGNED | T_DUP | T_RECORD, decide_upload},
    {"upload", "0320", NULL, NULL, "203", T_SIGNED | T_DUP | T_RECORD, decide_upload},
    {"upload_end", "0320", NULL, NULL, "202", T_SIGNED | T_DUP | T_RECORD, decide_upload},
    {"balance", "0200", "31", "00", NULL, T_FIN | T_CARD, decide_issuer},
    {"purchase", "0200", "00", "00", NULL, T_FIN | T_CARD | T_PAY | T_AMOUNT, decide_issuer},
    {"void", "0200", "20", "00", NULL, T_FIN | T_CARD | T_AMOUNT, decide_issuer},
    {"refund", "0220", "20", "00", NULL, T_FIN | T_CARD | T_AMOUNT, decide_issuer},
    {"preauth", "0100", "03", "06", NULL, T_FIN | T_CARD | T_PAY | T_AMOUNT, decide_issuer},
    {"preauth_cancel", "0100", "20", "06", NULL, T_FIN | T_CARD | T_AMOUNT, decide_issuer},
    {"completion", "0200", "00", "06", NULL, T_FIN | T_CARD | T_AMOUNT, decide_issuer},
    {"completion_void", "0200", "20", "06", NULL, T_FIN | T_CARD | T_AMOUNT, decide_issuer},
    {"cardauth", "0100", "33", "00", NULL, T_FIN | T_CARD, decide_issuer},
    /* Its identity is its original's: no duplicate check, its own row. */
    {"reversal", "0400", NULL, NULL, NULL, T_SIGNED | T_MAC, decide_reversal},
};

/* ---- stages ---- */

static int stage_unpack(struct txn *t)
{
	char proc[7] = "", cond[3] = "00";
	iso8583_diag diag;

	t->frame[0] = (uint8_t)((t->frame_len - 2) >> 8);
	t->frame[1] = (uint8_t)(t->frame_len - 2);
	if (iso8583_unpack_framed(t->a->dialect, t->frame, t->frame_len, &t->env, &t->req, &diag) !=
	    ISO8583_OK) {
		/* Answerable when its MTI is a request's: 30, echoing nothing. */
		if (strlen(t->req.mti) == 4 && (t->req.mti[2] - '0') % 2 == 0 &&
		    t->frame_len >= FRAME_HEAD + 2) {
			char mti[5];

			memcpy(mti, t->req.mti, sizeof mti);
			iso8583_msg_init(&t->req);
			iso8583_set_mti(&t->req, mti);
			t->readable = true;
		}
		return decide(t, "30", "unpack");
	}
	t->readable = true;
	if (iso8583_has(&t->req, 41))
		iso8583_get(&t->req, 41, t->tid, sizeof t->tid, NULL);
	if (iso8583_has(&t->req, 42))
		iso8583_get(&t->req, 42, t->mid, sizeof t->mid, NULL);
	if (iso8583_has(&t->req, 11))
		iso8583_get(&t->req, 11, t->stan, sizeof t->stan, NULL);
	if (iso8583_has(&t->req, 60))
		iso8583_get(&t->req, 60, t->f60, sizeof t->f60, NULL);
	if (iso8583_has(&t->req, 3))
		iso8583_get(&t->req, 3, proc, sizeof proc, NULL);
	if (iso8583_has(&t->req, 25))
		iso8583_get(&t->req, 25, cond, sizeof cond, NULL);
	t->batch = 0;
	if (strlen(t->f60) >= 8)
		for (int i = 2; i < 8; i++)
			t->batch = t->batch * 10 + (t->f60[i] - '0');
	for (size_t i = 0; i < sizeof types / sizeof types[0] && t->type == NULL; i++) {
		const struct txn_type *y = &types[i];

		if (strcmp(y->mti, t->req.mti) != 0)
			continue;
		if (y->nmc != NULL ? strlen(t->f60) >= 11 && memcmp(t->f60 + 8, y->nmc, 3) == 0
		                   : y->proc == NULL || (strncmp(proc, y->proc, 2) == 0 &&
		                                         strcmp(cond, y->cond) == 0))
			t->type = y;
	}
	if (t->type == NULL)
		return decide(t, "12", "unknown_transaction");
	if (t->tid[0] == '\0' || t->mid[0] == '\0' || strlen(t->stan) != 6 || strlen(t->f60) < 8)
		return decide(t, "30", "identity");
	return STAGE_NEXT;
}

/* Sub-field tag of field 59's A2 (spec/cup-pos.md "Terminal identity") into out. */
static bool f59_sub(const char *v, const char *tag, char *out, size_t cap)
{
	size_t n = strlen(v), pos = 5;

	if (n < 5 || memcmp(v, "A2", 2) != 0)
		return false;
	while (pos + 5 <= n) {
		size_t len = 0;

		for (size_t i = 2; i < 5; i++) {
			if (v[pos + i] < '0' || v[pos + i] > '9')
				return false;
			len = len * 10 + (size_t)(v[pos + i] - '0');
		}
		if (pos + 5 + len > n)
			return false;
		if (memcmp(v + pos, tag, 2) == 0) {
			if (len >= cap)
				return false;
			memcpy(out, v + pos + 5, len);
			out[len] = '\0';
			return true;
		}
		pos += 5 + len;
	}
	return false;
}

/* Whether factor is the last six digits of the request's card number (field 2, else the PAN
 * of track 2); true when the request names no card. */
static bool factor_is_card(struct txn *t, const char *factor)
{
	char pan[CARD_TRACK2_MAX + 1];
	size_t n;

	if (iso8583_get(&t->req, 2, pan, sizeof pan, NULL) != ISO8583_OK &&
	    iso8583_get(&t->req, 35, pan, sizeof pan, NULL) != ISO8583_OK)
		return true;
	n = card_pan_len(pan);
	pan[n] = '\0';
	return n >= 6 && strcmp(pan + n - 6, factor) == 0;
}

/* spec/cup-pos.md "Terminal identity": 04 is the first 4 bytes of ISO 9797-1 algorithm 1
 * under the track key over the SN and the random factor (03), as 8 hex characters. */
static int sn_ciphertext(struct txn *t, const char *f59, const char *sn)
{
	char factor[7], text[9], data[ACQUIRER_SN_MAX + 6 + 1];
	uint8_t mac[4];
	size_t len;
	hsm_key tdk;
	int rc;

	if (!f59_sub(f59, "03", factor, sizeof factor) || strlen(factor) != 6 ||
	    !f59_sub(f59, "04", text, sizeof text) ||
	    hex_decode(text, strlen(text), mac, sizeof mac, &len) != HEX_OK || len != sizeof mac)
		return decide(t, "58", "sn_ciphertext");
	/* The factor is the card's: a ciphertext made once for one card is not good for another. */
	if (!factor_is_card(t, factor))
		return decide(t, "58", "sn_factor");
	if (hsm_key_set(&tdk, t->term.tdk) != HSM_OK)
		return ACQUIRER_EHSM;
	len = (size_t)snprintf(data, sizeof data, "%s%s", sn, factor);
	rc = hsm_mac_verify(t->a->h, &tdk, HSM_MAC_ALG1, (const uint8_t *)data, len, mac,
	                    sizeof mac);
	crypto_wipe(&tdk, sizeof tdk);
	if (rc == HSM_EVERIFY)
		return decide(t, "58", "sn_ciphertext");
	return rc == HSM_OK ? STAGE_NEXT : ACQUIRER_EHSM;
}

/* A risk event about the request's terminal (DESIGN.md flow 2), kept with the request's
 * answer, and the answer 58. */
static int refuse_risk(struct txn *t, const char *kind, const char *reported, const char *bound)
{
	struct store_risk_event e = {.at = t->now};
	int rc;

	snprintf(e.kind, sizeof e.kind, "%s", kind);
	snprintf(e.tid, sizeof e.tid, "%s", t->tid);
	snprintf(e.detail, sizeof e.detail, "reported '%s', bound '%s'", reported, bound);
	/* What the terminal sent is shown, not obeyed: nothing unprintable reaches the row. */
	for (char *c = e.detail; *c != '\0'; c++)
		if (*c < 0x20 || *c == 0x7F)
			*c = '?';
	if ((rc = store_risk_event_add(t->a->s, &e)) != STORE_OK)
		return acquirer_from_store(rc);
	return decide(t, "58",
	              strcmp(kind, "sn_mismatch") == 0 ? "sn_differs" : "merchant_differs");
}

/* The application version of 59.A2.05 (an8, padded with spaces) into t->version. */
static void reported_version(struct txn *t, const char *f59)
{
	size_t n;

	if (!f59_sub(f59, "05", t->version, sizeof t->version))
		return;
	n = strlen(t->version);
	while (n > 0 && t->version[n - 1] == ' ')
		t->version[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (t->version[i] < 0x21 || t->version[i] > 0x7E)
			t->version[i] = '?';
}

/* Known, active (97: a terminal registered, suspended or retired serves nothing), of this
 * merchant (58 and a risk event), whose merchant is active for anything with a card (03: a
 * suspended or closed merchant takes no payment, but its terminals still reverse, settle and
 * upload what they did before), signed in where the transaction needs working keys — a
 * terminal that is not is asked to sign in again (A0, which makes the terminal sign in once
 * and retry; header processing request 6) — and, where it sends field 59, the SN of its
 * binding (58 and a risk event) with that SN's ciphertext under its track key (58). */
static int stage_terminal(struct txn *t)
{
	char f59[1000], sn[ACQUIRER_SN_MAX + 1] = "";
	int rc = store_terminal_get(t->a->s, t->tid, &t->term);

	if (rc == STORE_ENOTFOUND)
		return decide(t, "97", "terminal_unknown");
	if (rc != STORE_OK)
		return acquirer_from_store(rc);
	t->have_term = true;
	if (t->term.status != STORE_TERMINAL_ACTIVE)
		return decide(t, "97",
		              t->term.status == STORE_TERMINAL_REGISTERED  ? "terminal_registered"
		              : t->term.status == STORE_TERMINAL_SUSPENDED ? "terminal_suspended"
		                                                           : "terminal_retired");
	if (strcmp(t->term.mid, t->mid) != 0)
		return refuse_risk(t, "mid_mismatch", t->mid, t->term.mid);
	if ((rc = store_merchant_get(t->a->s, t->mid, &t->merchant)) != STORE_OK)
		return rc == STORE_ENOTFOUND ? decide(t, "03", "merchant_unknown")
		                             : acquirer_from_store(rc);
	if ((t->type->flags & T_CARD) && t->merchant.status != STORE_MERCHANT_ACTIVE)
		return decide(t, "03",
		              t->merchant.status == STORE_MERCHANT_SUSPENDED ? "merchant_suspended"
		                                                             : "merchant_closed");
	if ((t->type->flags & T_SIGNED) && !t->term.signed_in) {
		t->sign_in_again = true;
		return decide(t, "A0", "not_signed_in");
	}
	if (!iso8583_has(&t->req, 59))
		return STAGE_NEXT;
	if (iso8583_get(&t->req, 59, f59, sizeof f59, NULL) != ISO8583_OK ||
	    !f59_sub(f59, "02", sn, sizeof sn) || strcmp(sn, t->term.sn) != 0)
		return refuse_risk(t, "sn_mismatch", sn, t->term.sn);
	if (!t->term.signed_in)
		return decide(t, "58", "sn_ciphertext"); /* no track key to check it with */
	reported_version(t, f59);
	return sn_ciphertext(t, f59, sn);
}

/* The MAC block: every byte from the MTI to the end of the last field before 64. */
static int stage_mac(struct txn *t)
{
	uint8_t mac[MAC_LEN + 1]; /* iso8583_get() ends it with a NUL */
	hsm_key mak;
	int rc;

	if (!iso8583_has(&t->req, 64) ||
	    iso8583_get(&t->req, 64, mac, sizeof mac, NULL) != ISO8583_OK ||
	    t->frame_len < FRAME_HEAD + MAC_LEN)
		return decide(t, "A0", "mac_missing");
	if (hsm_key_set(&mak, t->term.mak) != HSM_OK)
		return ACQUIRER_EHSM;
	rc = hsm_mac_verify(t->a->h, &mak, HSM_MAC_CUP_ECB, t->frame + FRAME_HEAD,
	                    t->frame_len - FRAME_HEAD - MAC_LEN, mac, MAC_LEN);
	crypto_wipe(&mak, sizeof mak);
	if (rc == HSM_EVERIFY) {
		t->sign_in_again = true;
		return decide(t, "A0", "mac_wrong");
	}
	return rc == HSM_OK ? STAGE_NEXT : ACQUIRER_EHSM;
}

/* TID + STAN + batch seen before, or named by a reversal that came first: 94. */
static int stage_duplicate(struct txn *t)
{
	struct store_acq_txn seen;
	int rc = store_acq_txn_find(t->a->s, t->tid, t->batch, t->stan, 0, &seen);

	if (rc == STORE_OK)
		return decide(t, "94", "duplicate");
	if (rc != STORE_ENOTFOUND)
		return acquirer_from_store(rc);
	if ((rc = store_acq_tombstone_find(t->a->s, t->tid, t->batch, t->stan)) == STORE_OK) {
		t->counted = true;
		return decide(t, "94", "reversed_before");
	}
	if (rc != STORE_ENOTFOUND)
		return acquirer_from_store(rc);
	t->counted = true;
	return STAGE_NEXT;
}

/* The batch the terminal signed in to (77), the request readable (30) as a transaction the
 * issuer does (12), an amount where one is needed (13). */
static int stage_fields(struct txn *t)
{
	char code[3];

	/* A reversal names its original's batch, which may have closed since. */
	if (t->type->decide != decide_reversal && t->batch != t->term.batch)
		return decide(t, "77", "batch_differs");
	if (!(t->type->flags & T_MAC))
		return STAGE_NEXT; /* settlement and batch upload: read by their decisions */
	if (issuer_iso_read(&t->req, NULL, &t->ir, code) != ISSUER_OK)
		return decide(t, code, strcmp(code, "12") == 0 ? "not_supported" : "format");
	if ((t->type->flags & T_AMOUNT) && (!iso8583_has(&t->req, 4) || t->ir.req.amount <= 0))
		return decide(t, "13", "amount");
	if (!iso8583_has(&t->req, 49) && iso8583_has(&t->req, 4))
		return decide(t, "30", "currency_missing");
	return STAGE_NEXT;
}

/* The card: a PAN (2, or from 35) that passes Luhn (14), not expired (54; 14, or 35's). */
static int stage_card(struct txn *t)
{
	struct card_track2 tr = {0};
	const char *expiry = t->ir.expiry;
	time_t tt = (time_t)t->now;
	uint8_t hash[HSM_PAN_HASH_LEN];
	struct tm tm;
	int rc;

	if (t->ir.track2[0] != '\0' &&
	    card_track2_parse(t->ir.track2, strlen(t->ir.track2), &tr) != CARD_OK)
		return decide(t, strcmp(t->ir.pan, "") == 0 ? "14" : "30", "track2");
	snprintf(t->pan, sizeof t->pan, "%s", t->ir.pan[0] != '\0' ? t->ir.pan : tr.pan);
	if (expiry[0] == '\0')
		expiry = tr.expiry;
	card_pan_mask(t->pan, strlen(t->pan), t->r->out.card, sizeof t->r->out.card);
	if (card_pan_check(t->pan) != CARD_OK)
		rc = decide(t, "14", "pan");
	else if (hsm_pan_hash(t->a->h, &t->a->pan_hash, t->pan, hash) != HSM_OK)
		rc = ACQUIRER_EHSM;
	else {
		hex_encode(hash, sizeof hash, t->pan_hash, sizeof t->pan_hash);
		gmtime_r(&tt, &tm);
		rc = expiry[0] != '\0' &&
		             card_expiry_check(expiry, tm.tm_year + 1900, tm.tm_mon + 1) != CARD_OK
		         ? decide(t, "54", "expired")
		         : STAGE_NEXT;
	}
	crypto_wipe(&tr, sizeof tr);
	return rc;
}

/* DESIGN.md flow 5: by policy, a payment with a card whose authentication is missing is
 * declined C1, one whose authentication is no longer valid C2. */
static int stage_cardauth(struct txn *t)
{
	const struct acquirer_config *c = &t->a->cfg;
	enum issuer_cardauth_state state;
	struct issuer_card card;
	bool needed = c->cardauth_above > 0 && t->ir.req.amount > c->cardauth_above;
	char why[32];
	int rc;

	if (!needed && c->cardauth_credit) {
		rc = issuer_card_find(t->a->is, t->pan, &card);
		if (rc != ISSUER_OK && rc != ISSUER_ENOTFOUND)
			return ACQUIRER_ESTORE;
		needed = rc == ISSUER_OK && card.product == CARD_PRODUCT_CREDIT;
	}
	if (!needed && c->cardauth_first_use) {
		rc = store_acq_card_seen(t->a->s, t->pan_hash, t->mid);
		if (rc != STORE_OK && rc != STORE_ENOTFOUND)
			return acquirer_from_store(rc);
		needed = rc == STORE_ENOTFOUND;
	}
	if (!needed)
		return STAGE_NEXT;
	rc = issuer_cardauth_state(t->a->is, t->pan, t->now, &state, why);
	if (rc == ISSUER_ENOTFOUND)
		return STAGE_NEXT; /* the issuer declines a card it does not know */
	if (rc != ISSUER_OK)
		return ACQUIRER_ESTORE;
	if (state == ISSUER_CARDAUTH_NONE)
		return decide(t, "C1", "cardauth_required");
	if (state == ISSUER_CARDAUTH_INVALID) {
		snprintf(t->reason, sizeof t->reason, "cardauth_%.22s", why);
		snprintf(t->rc, sizeof t->rc, "C2");
		return STAGE_RESPOND;
	}
	return STAGE_NEXT;
}

/* Where the risk rules (DESIGN.md "risk") will decide; none yet. */
static int stage_risk(struct txn *t)
{
	(void)t;
	return STAGE_NEXT;
}

static int stage_authorize(struct txn *t)
{
	return t->type->decide(t);
}

/* One row for a request whose identity it took (a reversal writes its own). */
static int stage_record(struct txn *t)
{
	struct store_acq_txn row = {0};
	int rc;

	if (!t->counted || !(t->type->flags & T_RECORD))
		return STAGE_NEXT;
	if ((rc = assign_rrn(t)) != ACQUIRER_OK)
		return rc;
	row.at = t->now;
	snprintf(row.tid, sizeof row.tid, "%s", t->tid);
	snprintf(row.mid, sizeof row.mid, "%s", t->mid);
	row.batch = t->batch;
	snprintf(row.stan, sizeof row.stan, "%s", t->stan);
	snprintf(row.type, sizeof row.type, "%s",
	         t->ir.req.op > 0 ? issuer_op_name(t->ir.req.op) : t->type->name);
	row.amount = t->ir.req.amount;
	row.currency = t->ir.req.currency;
	snprintf(row.masked, sizeof row.masked, "%s", t->r->out.card);
	snprintf(row.pan_hash, sizeof row.pan_hash, "%s", t->pan_hash);
	snprintf(row.rrn, sizeof row.rrn, "%s", t->rrn);
	snprintf(row.auth_code, sizeof row.auth_code, "%s", t->resp.auth_code);
	snprintf(row.rc, sizeof row.rc, "%s", t->rc);
	snprintf(row.reason, sizeof row.reason, "%s", t->reason);
	row.decision_id = t->decision_id;
	snprintf(row.net_stan, sizeof row.net_stan, "%s", t->net_stan);
	snprintf(row.settle_date, sizeof row.settle_date, "%s", t->settle_date);
	/* The same identity committed by another host meanwhile (EEXIST) fails it too: 96. */
	if ((rc = store_acq_txn_insert(t->a->s, &row)) != STORE_OK)
		return acquirer_from_store(rc);
	/* A new software version, reported by a request that passed the MAC: written once. */
	if (t->version[0] != '\0' && strcmp(t->version, t->term.version) != 0) {
		memcpy(t->term.version, t->version, sizeof t->term.version);
		if ((rc = store_terminal_update(t->a->s, &t->term)) != STORE_OK)
			return acquirer_from_store(rc);
	}
	return STAGE_NEXT;
}

/* The answer: MTI + 10, the request's echo, the host's fields, the decision's; MACed when the
 * request was. failed: the same with 39 = 96, the answer when the batch does not commit. */
static int build(struct txn *t, const char *rc, uint8_t *out, size_t *out_len)
{
	static const int echo[] = {3, 4, 11, 22, 25, 41, 42, 49, 60};
	const struct issuer_response *ir = &t->resp;
	bool approved = strcmp(rc, "00") == 0,
	     mac = (t->type != NULL && (t->type->flags & T_MAC) && t->have_term &&
	            t->term.mak[0] != '\0' && strcmp(rc, "A0") != 0);
	uint8_t frame[ACQUIRER_MSG_MAX + 2], zero[MAC_LEN] = {0};
	iso8583_envelope env;
	iso8583_msg m;
	iso8583_diag diag;
	char mti[5];
	size_t len;
	hsm_key mak;
	int err;

	memcpy(mti, t->req.mti, sizeof mti);
	mti[2]++;
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, mti);
	m.wire = t->req.wire;
	for (size_t i = 0; i < sizeof echo / sizeof echo[0]; i++)
		if (iso8583_has(&t->req, echo[i])) {
			/* The echoed values keep the wire form they were unpacked in. */
			iso8583_set(&m, echo[i], t->req.field[echo[i]].data,
			            t->req.field[echo[i]].len);
			m.field[echo[i]] = t->req.field[echo[i]];
		}
	if (t->type != NULL && t->type->decide == decide_signin) {
		snprintf(t->f60_out, sizeof t->f60_out, "00%06d004", t->term.batch);
		iso8583_set_str(&m, 60, t->f60_out);
	}
	if (t->type != NULL && (t->type->flags & T_CARD)) {
		iso8583_set_str(&m, 12, t->f12);
		iso8583_set_str(&m, 13, t->f13);
		iso8583_set_str(&m, 15, t->settle_date);
		iso8583_set_str(&m, 32, t->a->cfg.institution);
		iso8583_set_str(&m, 63, "CUP");
	}
	if (t->rrn[0] != '\0')
		iso8583_set_str(&m, 37, t->rrn);
	if (approved && ir->auth_code[0] != '\0')
		iso8583_set_str(&m, 38, ir->auth_code);
	iso8583_set_str(&m, 39, rc);
	if (approved && ir->message[0] != '\0')
		iso8583_set_str(&m, 44, ir->message);
	if (approved && t->f48[0] != '\0')
		iso8583_set_str(&m, 48, t->f48);
	if (approved && ir->has_balance) {
		snprintf(t->f54, sizeof t->f54, "0002%03u%c%012lld", ir->currency,
		         ir->available < 0 ? 'D' : 'C',
		         (long long)(ir->available < 0 ? -ir->available : ir->available));
		iso8583_set_str(&m, 54, t->f54);
	}
	if (strcmp(rc, "96") != 0 && ir->icc_len > 0)
		iso8583_set(&m, 55, ir->icc, ir->icc_len);
	if (approved && t->has_f62)
		iso8583_set(&m, 62, t->f62, sizeof t->f62);
	if (mac)
		iso8583_set(&m, 64, zero, MAC_LEN);
	iso8583_envelope_reply(&t->env, &env);
	if (t->sign_in_again)
		env.header[2] = (uint8_t)((env.header[2] & 0xF0) | 6);
	if ((err = iso8583_pack_framed(t->a->dialect, &env, &m, frame, sizeof frame, &len,
	                               &diag)) != ISO8583_OK)
		return ACQUIRER_EARG;
	if (mac) {
		if (hsm_key_set(&mak, t->term.mak) != HSM_OK)
			return ACQUIRER_EHSM;
		err = hsm_mac_generate(t->a->h, &mak, HSM_MAC_CUP_ECB, frame + FRAME_HEAD,
		                       len - FRAME_HEAD - MAC_LEN, frame + len - MAC_LEN, MAC_LEN);
		crypto_wipe(&mak, sizeof mak);
		if (err != HSM_OK)
			return ACQUIRER_EHSM;
	}
	memcpy(out, frame + 2, len - 2);
	*out_len = len - 2;
	return ACQUIRER_OK;
}

static int stage_respond(struct txn *t)
{
	int rc;

	if (!t->readable)
		return STAGE_NEXT; /* nothing to answer: the connection is closed */
	if ((rc = build(t, t->rc, t->r->msg, &t->r->len)) != ACQUIRER_OK)
		return rc;
	return build(t, "96", t->r->failed, &t->r->failed_len);
}

/* Where the cardholder's notification joins the request's commit (DESIGN.md
 * "notifications"): the outbox is written here. */
static int stage_notify(struct txn *t)
{
	(void)t;
	return STAGE_NEXT;
}

struct stage {
	const char *name;
	int (*run)(struct txn *t);
	unsigned flags; /* the transactions it applies to (any of); 0: all */
	bool always;    /* run after a decision too */
};

static const struct stage stages[] = {
    {"unpack", stage_unpack, 0, false},                /* 30 unreadable, 12 unknown */
    {"terminal", stage_terminal, 0, false},            /* 97 unknown or not active; 58
                                                          merchant, SN (risk event); A0 not
                                                          signed in */
    {"mac", stage_mac, T_MAC, false},                  /* A0 */
    {"duplicate", stage_duplicate, T_DUP, false},      /* 94, a tombstone's too */
    {"fields", stage_fields, T_MAC | T_SIGNED, false}, /* 77 batch, 30, 12, 13 */
    {"card", stage_card, T_CARD, false},               /* 14 Luhn, 54 expired */
    {"cardauth", stage_cardauth, T_PAY, false},        /* C1, C2 */
    {"risk", stage_risk, T_PAY, false},
    {"authorize", stage_authorize, 0, false}, /* the issuer, or the host itself */
    {"record", stage_record, T_RECORD, true},
    {"respond", stage_respond, 0, true},
    {"notify", stage_notify, T_MAC, true},
};

static bool applies(const struct stage *s, const struct txn *t)
{
	if (s->flags == 0)
		return true;
	return t->type != NULL && (t->type->flags & s->flags) != 0;
}

/* Host local time for 12 and 13; the settlement date (15) is the local date. */
static void host_time(struct txn *t)
{
	time_t tt = (time_t)t->now;
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(t->f12, sizeof t->f12, "%H%M%S", &tm);
	strftime(t->f13, sizeof t->f13, "%m%d", &tm);
	memcpy(t->settle_date, t->f13, sizeof t->settle_date);
}

static void outcome(const struct txn *t, const char *stage, struct acquirer_outcome *o)
{
	snprintf(o->mti, sizeof o->mti, "%s", t->req.mti);
	snprintf(o->type, sizeof o->type, "%s",
	         t->ir.req.op > 0 ? issuer_op_name(t->ir.req.op)
	         : t->type        ? t->type->name
	                          : "");
	snprintf(o->tid, sizeof o->tid, "%s", t->tid);
	snprintf(o->mid, sizeof o->mid, "%s", t->mid);
	snprintf(o->stan, sizeof o->stan, "%s", t->stan);
	o->batch = t->batch;
	o->amount = t->ir.req.amount;
	o->currency = t->ir.req.currency;
	snprintf(o->rc, sizeof o->rc, "%s", t->rc);
	snprintf(o->reason, sizeof o->reason, "%s", t->reason);
	snprintf(o->rrn, sizeof o->rrn, "%s", t->rrn);
	snprintf(o->auth_code, sizeof o->auth_code, "%s",
	         strcmp(t->rc, "00") == 0 ? t->resp.auth_code : "");
	snprintf(o->stage, sizeof o->stage, "%s", stage);
}

/* Runs the stages up to a decision, then those that always run. A failure (negative) rolls
 * the request's savepoint back and makes its answer 96. */
static int run(struct txn *t, const char **decided_by)
{
	bool decided = false;
	int rc;

	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
		const struct stage *s = &stages[i];

		if ((decided && !s->always) || !applies(s, t))
			continue;
		if ((rc = s->run(t)) < 0) {
			*decided_by = s->name;
			return rc;
		}
		if (rc == STAGE_RESPOND && !decided) {
			decided = true;
			*decided_by = s->name;
		}
	}
	assert(decided);
	return ACQUIRER_OK;
}

int acquirer_handle(acquirer *a, const uint8_t *msg, size_t len, int64_t now,
                    struct acquirer_reply *r)
{
	struct txn *t;
	const char *stage = "";
	int rc;

	if (a == NULL || msg == NULL || r == NULL)
		return ACQUIRER_EARG;
	memset(r, 0, sizeof *r);
	if ((t = calloc(1, sizeof *t)) == NULL)
		return ACQUIRER_ENOMEM;
	t->a = a;
	t->now = now;
	t->r = r;
	host_time(t);
	if (len + 2 > sizeof t->frame || len == 0) {
		rc = ACQUIRER_OK;
		decide(t, "30", "too_long");
		stage = "unpack";
		goto out;
	}
	memcpy(t->frame + 2, msg, len);
	t->frame_len = len + 2;
	if ((rc = acquirer_from_store(store_begin(a->s))) != ACQUIRER_OK)
		goto fail;
	if ((rc = run(t, &stage)) != ACQUIRER_OK) {
		store_rollback(a->s);
		goto fail;
	}
	if ((rc = acquirer_from_store(store_commit(a->s))) != ACQUIRER_OK)
		goto fail;
	goto out;
fail:
	/* The answer to a request whose work is gone: 96, never an approval. */
	decide(t, "96", acquirer_strerror(rc));
	t->resp.auth_code[0] = '\0';
	t->resp.has_balance = false;
	t->resp.icc_len = 0;
	t->has_f62 = false;
	t->f48[0] = '\0';
	if (t->readable && build(t, "96", r->msg, &r->len) == ACQUIRER_OK)
		memcpy(r->failed, r->msg, r->failed_len = r->len);
	else
		r->len = r->failed_len = 0;
out:
	outcome(t, stage, &r->out);
	crypto_wipe(t, sizeof *t);
	free(t);
	return rc;
}
