/* link.c — a request routed to a network link (docs/links.md): its message in the link's terms
 * (ISO 8583:1987, the fields that mean the same in every dialect: the caller packs it with the
 * link's profile), the PIN block translated to the link's zone PIN key inside the HSM, the
 * request left waiting with a reversal of it queued "waiting" in the same commit as its row,
 * and then, in a later batch, its answer (or the timeout, or the link refusing it) recorded and
 * the terminal answered. The trade-off: the row is written before the answer (39 = 98,
 * link_waiting) so that the request's identity is taken while it waits — a retransmission is
 * 94, never sent twice — at the price of one update when the answer comes. */
#include "acquirer/internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "request/iso.h"
#include "store/store_risk.h"
#include "rcode/rcode.h"

int acquirer_set_links(acquirer *a, const struct acquirer_link *links, size_t n,
                       bool (*up)(void *ctx, const char *name), void *ctx)
{
	if (a == NULL || n > ACQUIRER_LINKS_MAX || (n > 0 && (links == NULL || up == NULL)))
		return ACQUIRER_EARG;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(links[i].name, links[j].name) == 0)
				return ACQUIRER_EARG;
	if (n > 0)
		memcpy(a->links, links, n * sizeof *links);
	a->n_links = n;
	a->link_up = up;
	a->link_ctx = ctx;
	return ACQUIRER_OK;
}

const struct acquirer_link *acquirer_link_find(const acquirer *a, const char *name)
{
	for (size_t i = 0; a != NULL && name != NULL && i < a->n_links; i++)
		if (strcmp(a->links[i].name, name) == 0)
			return &a->links[i];
	return NULL;
}

static const char *institution(const acquirer *a, const struct acquirer_link *l)
{
	return l->institution[0] != '\0' ? l->institution : a->cfg.institution;
}

/* Field f of the link's message set to len bytes of v, copied into t->link_buf. */
static int put(struct txn *t, int f, const void *v, size_t len)
{
	uint8_t *p = t->link_buf + t->link_used;

	if (len > sizeof t->link_buf - t->link_used)
		return ACQUIRER_EARG;
	memcpy(p, v, len);
	t->link_used += len;
	return iso8583_set(&t->link_msg, f, p, len) == ISO8583_OK ? ACQUIRER_OK : ACQUIRER_EARG;
}

static int put_str(struct txn *t, int f, const char *v)
{
	return v[0] == '\0' ? ACQUIRER_OK : put(t, f, v, strlen(v));
}

/* The terminal's field f, when it sent one, as it is (its logical value). */
static int copy(struct txn *t, int f)
{
	uint8_t v[256];
	size_t len;

	if (!iso8583_has(&t->iso, f))
		return ACQUIRER_OK;
	if (iso8583_get(&t->iso, f, v, sizeof v, &len) != ISO8583_OK)
		return ACQUIRER_EARG;
	return put(t, f, v, len);
}

/* 43, name and location, 40 characters: the merchant's name where it is printable ASCII (a
 * Chinese name would not be what ans allows), else its MID. */
static void acceptor_name(const struct txn *t, char out[41])
{
	const char *name = t->merchant.name;
	bool ascii = name[0] != '\0';

	for (const char *p = name; *p != '\0' && ascii; p++)
		ascii = *p >= 0x20 && *p < 0x7f;
	snprintf(out, 41, "%-40.40s", ascii ? name : t->mid);
}

/* The request in the link's terms: the terminal's card, amount, entry and chip fields as it
 * sent them, the host's identity (7, 11, 32, 37: a follow-up names its original's RRN, as
 * cup-pos does), and the PIN block pin (NULL: none) under the link's key. */
static int link_message(struct txn *t, const uint8_t *pin)
{
	static const int terminal_fields[] = {3, 4, 14, 22, 25, 35, 38, 49, 55, 62};
	const struct request *r = &t->rq;
	char f11[7], f43[41];
	int rc = ACQUIRER_OK;

	iso8583_msg_init(&t->link_msg);
	t->link_used = 0;
	if (iso8583_set_mti(&t->link_msg, t->type->mti) != ISO8583_OK)
		return ACQUIRER_EARG;
	for (size_t i = 0; i < sizeof terminal_fields / sizeof terminal_fields[0]; i++)
		rc |= copy(t, terminal_fields[i]);
	memcpy(f11, t->net_stan, sizeof f11);
	acceptor_name(t, f43);
	rc |= put_str(t, 2, r->card.pan) | put_str(t, 7, r->transmit) | put_str(t, 11, f11) |
	      put_str(t, 12, t->f12) | put_str(t, 13, t->f13) |
	      put_str(t, 32, institution(t->a, t->link)) |
	      put_str(t, 37, r->orig.rrn[0] != '\0' ? r->orig.rrn : t->rrn) |
	      put_str(t, 41, t->tid) | put_str(t, 42, t->mid) | put_str(t, 43, f43);
	if (pin != NULL)
		rc |= put(t, 52, pin, REQUEST_PIN_BLOCK);
	return rc == ACQUIRER_OK ? ACQUIRER_OK : ACQUIRER_EARG;
}

/* docs/links.md "Stand-in": the link down, whether t may be approved in its issuer's name — a
 * purchase or pre-authorization up to the route's floor limit, without an online PIN (only the
 * issuer can verify one), of a card not on the blocked list, with a key to seal its advice's
 * card under; approved so (auth code: its network STAN; 44 STAND-IN for the receipt), its
 * advice queued with its row (acquirer_link_record()). Else 91 link_down. */
static int stand_in(struct txn *t, const struct acquirer_link *l)
{
	struct store_risk_listed listed;
	int rc;

	if (l == NULL || t->stand_in <= 0 || !t->a->has_data || t->rq.has_pin ||
	    (t->rq.type != REQUEST_PURCHASE && t->rq.type != REQUEST_PREAUTH) ||
	    t->rq.amount > t->stand_in)
		return acquirer_decide(t, RCODE_ISSUER_INOPERATIVE, "link_down");
	if ((rc = store_risk_listed(t->a->s, t->pan_hash, NULL, NULL, &listed)) != STORE_OK)
		return acquirer_from_store(rc);
	if (listed.card_blocked)
		return acquirer_decide(t, RCODE_ISSUER_INOPERATIVE, "link_down");
	t->link = l;
	t->stood_in = true;
	snprintf(t->resp.auth_code, sizeof t->resp.auth_code, "%s", t->net_stan);
	snprintf(t->resp.message, sizeof t->resp.message, "STAND-IN");
	return acquirer_decide(t, RCODE_APPROVED, "stand_in");
}

/* The link route's authorize: sent, waiting (98 link_waiting until its answer), or, the link
 * not up, approved in stand-in or answered 91 at once. */
int acquirer_link_authorize(struct txn *t)
{
	const struct acquirer_link *l = acquirer_link_find(t->a, t->route_name);
	uint8_t pin[REQUEST_PIN_BLOCK];
	int rc;

	if (l == NULL || t->a->link_up == NULL || !t->a->link_up(t->a->link_ctx, l->name))
		return stand_in(t, l);
	t->link = l;
	if (t->rq.has_pin) {
		if (l->zpk == NULL)
			return acquirer_decide(t, RCODE_SYSTEM_FAULT, "link_no_zpk");
		if ((rc = acquirer_translate_pin(t, l->zpk, pin)) != ACQUIRER_OK)
			return rc;
	}
	rc = link_message(t, t->rq.has_pin ? pin : NULL);
	crypto_wipe(pin, sizeof pin);
	if (rc != ACQUIRER_OK)
		return acquirer_decide(t, RCODE_SYSTEM_FAULT, "link_message");
	t->waiting = true;
	return acquirer_decide(t, RCODE_ISSUER_TIMEOUT, "link_waiting");
}

/* The associated data that ties a sealed card to its request's row. */
static size_t card_aad(int64_t txn_id, char aad[32])
{
	return (size_t)snprintf(aad, 32, "saf.card:%lld", (long long)txn_id);
}

/* A stand-in approval's advice, due at once, with its card (PAN, expiry, entry mode: what the
 * issuer needs to post it) sealed. */
static int queue_advice(struct txn *t)
{
	char text[64], aad[32], f22[4] = "";
	struct store_sealed card = {.len = 0};
	int64_t id;
	size_t n;
	int rc;

	request_iso_text(&t->iso, 22, f22, sizeof f22);
	n = (size_t)snprintf(text, sizeof text, "%s|%s|%s", t->rq.card.pan, t->rq.card.expiry, f22);
	rc = hsm_data_encrypt(t->a->h, &t->a->data, (const uint8_t *)aad, card_aad(t->row_id, aad),
	                      (const uint8_t *)text, n, card.v, sizeof card.v, &card.len);
	crypto_wipe(text, sizeof text);
	if (rc != HSM_OK)
		return ACQUIRER_EHSM;
	if ((rc = acquirer_saf_enqueue(t->a->s, t->link->name, ACQUIRER_SAF_ADVICE, t->row_id,
	                               t->rrn, t->now, &id)) != ACQUIRER_OK)
		return rc;
	return acquirer_from_store(store_saf_seal(t->a->s, id, &card));
}

/* After the row: a request sent, its reversal queued waiting, due when no answer has settled it
 * in time; one approved in stand-in, its advice. */
int acquirer_link_record(struct txn *t)
{
	if (!t->waiting && !t->stood_in)
		return STAGE_NEXT;
	assert(t->row_id > 0);
	if (t->stood_in)
		return queue_advice(t);
	return acquirer_saf_wait(t->a->s, t->link->name, t->row_id, t->rrn, t->now,
	                         t->now + t->link->timeout + ACQUIRER_LINK_MARGIN, &t->saf_id);
}

/* A terminal's reversal of orig, a request routed to a link: the issuer's reversal due at once —
 * the one queued waiting woken, or a new one for an approved original; nothing for one the
 * issuer declined. */
int acquirer_link_reverse(struct txn *t, const struct store_acq_txn *orig)
{
	const struct acquirer_link *l = acquirer_link_find(t->a, orig->route);
	struct store_saf e;
	int rc = store_saf_of_txn(t->a->s, orig->id, &e);

	if (rc == STORE_OK && strcmp(e.state, "waiting") == 0)
		return acquirer_from_store(store_saf_wake(
		    t->a->s, &(struct store_saf_sent){e.id, t->now, t->now, NULL, 0}));
	if (rc != STORE_ENOTFOUND)
		return acquirer_from_store(rc);
	if (!rcode_approved(orig->rc))
		return ACQUIRER_OK;
	if (l == NULL)
		return ACQUIRER_EARG; /* a link no longer configured: its reversal has nowhere to go
		                       */
	return acquirer_saf_enqueue(t->a->s, l->name, ACQUIRER_SAF_REVERSAL, orig->id, orig->rrn,
	                            t->now, NULL);
}

const iso8583_msg *acquirer_wait_message(const acquirer_wait *w, const char **link)
{
	const struct txn *t = (const struct txn *)w;

	assert(t->waiting && t->link != NULL);
	if (link != NULL)
		*link = t->link->name;
	return &t->link_msg;
}

int acquirer_link_answer_read(const iso8583_msg *m, struct acquirer_link_answer *out)
{
	char f54[32];
	unsigned currency;

	memset(out, 0, sizeof *out);
	out->result = ACQUIRER_LINK_ANSWERED;
	if (request_iso_text(m, 39, out->rc, sizeof out->rc) != REQUEST_OK || strlen(out->rc) != 2)
		return ACQUIRER_EARG;
	if (request_iso_text(m, 38, out->auth_code, sizeof out->auth_code) != REQUEST_OK)
		out->auth_code[0] = '\0';
	if (request_iso_text(m, 54, f54, sizeof f54) == REQUEST_OK &&
	    iso8583_balance_parse(f54, &out->available, &currency) == ISO8583_OK) {
		out->has_balance = true;
		out->currency = (uint16_t)currency;
	}
	if (iso8583_has(m, 55) &&
	    iso8583_get(m, 55, out->icc, sizeof out->icc, &out->icc_len) != ISO8583_OK)
		out->icc_len = 0;
	return ACQUIRER_OK;
}

/* An advice's fields of its card: 2, 14 and 22, unsealed into out; ACQUIRER_EHSM when the card
 * does not open (another key, or moved to another row). */
static int advice_card(acquirer *a, const struct store_saf *e, struct acquirer_saf_msg *out)
{
	char text[64], aad[32], *exp, *f22;
	size_t n;
	int rc = hsm_data_decrypt(a->h, &a->data, (const uint8_t *)aad, card_aad(e->txn_id, aad),
	                          e->card.v, e->card.len, (uint8_t *)text, sizeof text - 1, &n);

	if (rc != HSM_OK || !a->has_data)
		return ACQUIRER_EHSM;
	text[n] = '\0';
	if ((exp = strchr(text, '|')) == NULL || (f22 = strchr(exp + 1, '|')) == NULL) {
		crypto_wipe(text, sizeof text);
		return ACQUIRER_EHSM;
	}
	*exp++ = '\0';
	*f22++ = '\0';
	if (strlen(text) >= sizeof out->f2 || strlen(exp) >= sizeof out->f14 ||
	    strlen(f22) >= sizeof out->f22) {
		crypto_wipe(text, sizeof text);
		return ACQUIRER_EHSM;
	}
	memcpy(out->f2, text, strlen(text) + 1);
	memcpy(out->f14, exp, strlen(exp) + 1);
	memcpy(out->f22, f22, strlen(f22) + 1);
	crypto_wipe(text, sizeof text);
	iso8583_set_str(&out->m, 2, out->f2);
	if (out->f14[0] != '\0')
		iso8583_set_str(&out->m, 14, out->f14);
	if (out->f22[0] != '\0')
		iso8583_set_str(&out->m, 22, out->f22);
	return ACQUIRER_OK;
}

/* The MTI of e's message: a reversal 0420, an advice its request's class (0120, 0220) at 2;
 * a repeat's last digit 1. */
static void saf_mti(const struct store_saf *e, const struct txn_type *y, char mti[5])
{
	bool advice = strcmp(e->kind, "advice") == 0;

	snprintf(mti, 5, "%s", advice ? y->mti : "0420");
	mti[2] = advice ? '2' : mti[2];
	mti[3] = acquirer_saf_repeat(e) ? '1' : '0';
}

int acquirer_saf_message(acquirer *a, const struct acquirer_link *l, const struct store_saf *e,
                         struct acquirer_saf_msg *out)
{
	const struct txn_type *y = NULL;
	struct store_acq_txn row;
	char mti[5];
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_acq_txn_get(a->s, e->txn_id, &row)) != STORE_OK)
		return acquirer_from_store(rc);
	for (size_t i = 0; i < acquirer_n_financial_types && y == NULL; i++)
		if (strcmp(acquirer_financial_types[i].name, row.type) == 0)
			y = &acquirer_financial_types[i];
	if (y == NULL || y->proc == NULL)
		return ACQUIRER_EARG;
	iso8583_msg_init(&out->m);
	saf_mti(e, y, mti);
	iso8583_set_mti(&out->m, mti);
	snprintf(out->f3, sizeof out->f3, "%s0000", y->proc);
	snprintf(out->f4, sizeof out->f4, "%012lld", (long long)row.amount);
	acquirer_transmit_time(e->created_at, out->f7);
	snprintf(out->f11, sizeof out->f11, "%s", row.net_stan);
	snprintf(out->f32, sizeof out->f32, "%s", institution(a, l));
	snprintf(out->f37, sizeof out->f37, "%s", row.rrn);
	snprintf(out->f41, sizeof out->f41, "%s", row.tid);
	snprintf(out->f42, sizeof out->f42, "%s", row.mid);
	snprintf(out->f49, sizeof out->f49, "%03d", row.currency);
	iso8583_set_str(&out->m, 3, out->f3);
	iso8583_set_str(&out->m, 4, out->f4);
	iso8583_set_str(&out->m, 7, out->f7);
	iso8583_set_str(&out->m, 11, out->f11);
	iso8583_set_str(&out->m, 25, y->cond);
	iso8583_set_str(&out->m, 32, out->f32);
	iso8583_set_str(&out->m, 37, out->f37);
	iso8583_set_str(&out->m, 41, out->f41);
	iso8583_set_str(&out->m, 42, out->f42);
	iso8583_set_str(&out->m, 49, out->f49);
	if (strcmp(e->kind, "advice") != 0)
		return ACQUIRER_OK;
	snprintf(out->f38, sizeof out->f38, "%s", row.auth_code);
	iso8583_set_str(&out->m, 38, out->f38);
	return advice_card(a, e, out);
}
