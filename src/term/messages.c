/* messages.c — the terminal's cup-pos messages: building a request's fields, the MAC of field
 * 64, the exchange with the host over src/net, and network management (sign-in with its
 * working keys, sign-out, echo). */
#include "term/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "crypto/crypto.h"
#include "crypto/kcv.h"
#include "rcode/rcode.h"

void term_msg_start(term *t, struct term_msg *m, const char *mti, int stan, int batch,
                    const char *type, const char *nmc)
{
	memset(m, 0, sizeof *m);
	iso8583_msg_init(&m->m);
	iso8583_set_mti(&m->m, mti);
	snprintf(m->f11, sizeof m->f11, "%06d", stan);
	snprintf(m->f60, sizeof m->f60, "%s%06d%s", type, batch, nmc);
	iso8583_set_str(&m->m, 11, m->f11);
	iso8583_set_str(&m->m, 41, t->st.tid);
	iso8583_set_str(&m->m, 42, t->st.mid);
	iso8583_set_str(&m->m, 60, m->f60);
}

void term_msg_card(struct term_msg *m, const struct store_term_txn *x, const char *pan,
                   const char *expiry)
{
	snprintf(m->f2, sizeof m->f2, "%s", pan);
	snprintf(m->f3, sizeof m->f3, "%s", x->proc);
	snprintf(m->f14, sizeof m->f14, "%s", expiry);
	snprintf(m->f22, sizeof m->f22, "%s", x->entry);
	snprintf(m->f25, sizeof m->f25, "%s", x->cond);
	if (pan[0] != '\0')
		iso8583_set_str(&m->m, 2, m->f2);
	iso8583_set_str(&m->m, 3, m->f3);
	if (x->amount > 0) {
		snprintf(m->f4, sizeof m->f4, "%012lld", (long long)x->amount);
		iso8583_set_str(&m->m, 4, m->f4);
	}
	if (expiry[0] != '\0')
		iso8583_set_str(&m->m, 14, m->f14);
	iso8583_set_str(&m->m, 22, m->f22);
	if (x->psn[0] != '\0') {
		snprintf(m->f23, sizeof m->f23, "0%s", x->psn);
		iso8583_set_str(&m->m, 23, m->f23);
	}
	iso8583_set_str(&m->m, 25, m->f25);
	if (x->orig_rrn[0] != '\0')
		iso8583_set_str(&m->m, 37, strcpy(m->f37, x->orig_rrn));
	if (x->orig_auth[0] != '\0')
		iso8583_set_str(&m->m, 38, strcpy(m->f38, x->orig_auth));
	iso8583_set_str(&m->m, 49, "156");
	if (x->icc_len > 0) {
		memcpy(m->f55, x->icc, x->icc_len);
		m->f55_len = x->icc_len;
		iso8583_set(&m->m, 55, m->f55, m->f55_len);
		m->chip = true;
	}
	if (x->orig[0] != '\0')
		iso8583_set_str(&m->m, 61, strcpy(m->f61, x->orig));
}

void term_field(const iso8583_msg *resp, int f, char *out, size_t cap)
{
	if (!iso8583_has(resp, f) || iso8583_get(resp, f, out, cap, NULL) != ISO8583_OK)
		out[0] = '\0';
}

/* docs/cup-pos.md "MAC": field 64 over the packed message from its MTI, with bit 64 set. */
static int mac_request(term *t, struct term_msg *m)
{
	size_t len;
	int rc;

	iso8583_set(&m->m, 64, m->f64, sizeof m->f64);
	if (iso8583_pack(t->p, &m->m, t->tx, sizeof t->tx, &len, NULL) != ISO8583_OK)
		return TERM_EARG;
	if ((rc = hsm_mac_generate(t->h, &t->mak, HSM_MAC_CUP_ECB, t->tx, len - sizeof m->f64,
	                           m->f64, sizeof m->f64)) != HSM_OK)
		return term_from_hsm(rc);
	return TERM_OK;
}

/* The MTI of the answer to mti: 0200 → 0210. */
static void answer_mti(const char *mti, char out[5])
{
	memcpy(out, mti, 5);
	out[2] = (char)(out[2] + 1);
}

static void drop_connection(term *t)
{
	net_client_close(t->c);
	t->c = NULL;
}

/* The whole round trip: connect when needed, send, receive one frame. */
static int round_trip(term *t, const struct term_msg *m)
{
	static const iso8583_envelope env = {{0x60, 0x00, 0x03, 0x00, 0x00},
	                                     {0x60, 0x31, 0x00, 0x31, 0x00, 0x00}};
	iso8583_envelope e = env;
	size_t len, n;
	int rc;

	if (m->chip)
		e.header[0] = 0x61;
	if (iso8583_pack_framed(t->p, &e, &m->m, t->tx, sizeof t->tx, &len, NULL) != ISO8583_OK)
		return TERM_EARG;
	t->unreachable[0] = '\0';
	if (t->c == NULL && term_connect(t) != TERM_OK)
		return TERM_ECONNECT;
	/* net_client_send() puts back the 2-byte length iso8583_pack_framed() wrote. */
	rc = net_client_send(t->c, t->tx + NET_FRAME_HEADER, len - NET_FRAME_HEADER);
	if (rc == NET_OK)
		rc = net_client_recv(t->c, t->rx + NET_FRAME_HEADER,
		                     sizeof t->rx - NET_FRAME_HEADER, &n, t->timeout_ms);
	if (rc != NET_OK) {
		/* A late answer on this connection would be read as the next one's. */
		drop_connection(t);
		return TERM_ETIMEOUT;
	}
	net_frame_header(n, t->rx);
	t->rx_len = n + NET_FRAME_HEADER;
	return TERM_OK;
}

int term_exchange(term *t, struct term_msg *m, bool mac, iso8583_msg *resp)
{
	iso8583_envelope env;
	char want[5], got[7], rc39[3];
	const size_t head = NET_FRAME_HEADER + 5 + 6; /* the MAC starts at the MTI */
	int rc;

	if (mac && (rc = mac_request(t, m)) != TERM_OK)
		return rc;
	if (mac && (m->fault == TERM_INJECT_BAD_MAC || (t->broken & TERM_BROKEN_WRONG_MAC)))
		m->f64[0] ^= 0xFF;
	if ((rc = round_trip(t, m)) != TERM_OK)
		return rc;
	if (m->fault == TERM_INJECT_TIMEOUT) {
		/* The answer read (so the host is done with the request) and thrown away. */
		drop_connection(t);
		return TERM_ETIMEOUT;
	}
	if (iso8583_unpack_framed(t->p, t->rx, t->rx_len, &env, resp, NULL) != ISO8583_OK) {
		drop_connection(t);
		return TERM_EFORMAT;
	}
	t->asked = env.header[2] & 0x0F;
	answer_mti(m->m.mti, want);
	if (strcmp(resp->mti, want) != 0) {
		drop_connection(t);
		return TERM_EFORMAT;
	}
	term_field(resp, 11, got, sizeof got);
	if (strcmp(got, m->f11) != 0) {
		drop_connection(t);
		return TERM_EFORMAT;
	}
	term_field(resp, 39, rc39, sizeof rc39);
	if (t->broken & TERM_BROKEN_IGNORE_ANSWER_MAC)
		return TERM_OK; /* the test switch: taken whatever its MAC */
	if (iso8583_has(resp, 64)) {
		if (!t->signed_in || t->rx_len < head + 8 ||
		    hsm_mac_verify(t->h, &t->mak, HSM_MAC_CUP_ECB, t->rx + head,
		                   t->rx_len - head - 8, t->rx + t->rx_len - 8, 8) != HSM_OK)
			return TERM_EMAC;
	} else if (mac && rcode_approved(rc39)) {
		return TERM_EMAC; /* an approval the host did not sign */
	}
	return TERM_OK;
}

int term_exchange_admin(term *t, struct term_msg *m, int stan, struct term_result *res,
                        iso8583_msg *resp)
{
	int rc;

	res->stan = stan;
	res->batch = t->st.batch;
	if ((rc = term_exchange(t, m, false, resp)) != TERM_OK)
		return rc;
	term_field(resp, 39, res->rc, sizeof res->rc);
	return TERM_OK;
}

/* ---- network management ---- */

/* Field 62 of 0810: PIK, MAK and TDK under the TMK, each with its 4-byte KCV. */
static int import_keys(term *t, const iso8583_msg *resp, struct store_term_state *st)
{
	static const struct hsm_key_spec specs[3] = {
	    {"P0", HSM_TDES, 16, 'E', 'N'},
	    {"M1", HSM_TDES, 16, 'C', 'N'},
	    {"M1", HSM_TDES, 16, 'G', 'N'},
	};
	char *blocks[3] = {st->pik, st->mak, st->tdk};
	uint8_t f62[64];
	size_t len;
	hsm_key k;
	hsm_kcv kcv;
	int rc;

	if (!iso8583_has(resp, 62) || iso8583_get(resp, 62, f62, sizeof f62, &len) != ISO8583_OK ||
	    len != 60)
		return TERM_EFORMAT;
	for (size_t i = 0; i < 3; i++) {
		kcv.len = HSM_KCV_ECB;
		memcpy(kcv.v, f62 + i * 20 + 16, HSM_KCV_ECB);
		/* The test switch ignore-kcv: the check value the key will have, whatever came. */
		if ((t->broken & TERM_BROKEN_IGNORE_KCV) &&
		    (rc = hsm_kcv_ecb(t->h, &t->tmk, f62 + i * 20, 16, &kcv)) != HSM_OK)
			return term_from_hsm(rc);
		if ((rc = hsm_import_ecb(t->h, &t->tmk, &specs[i], f62 + i * 20, 16, &kcv, &k)) !=
		    HSM_OK)
			return term_from_hsm(rc);
		strcpy(blocks[i], k.block);
	}
	return TERM_OK;
}

/* The terminal's clock from the sign-in answer's 12 and 13, the host's local time; an answer
 * without them (an older host) or with an offset no zone has leaves the clock as it was. */
static void set_clock(const iso8583_msg *resp, struct store_term_state *st)
{
	char f12[8], f13[6];
	int minutes;

	term_field(resp, 12, f12, sizeof f12);
	term_field(resp, 13, f13, sizeof f13);
	if (term_clock_offset(f13, f12, (int64_t)time(NULL), &minutes) == TERM_OK)
		st->utc_offset = minutes;
}

/* A sign-in whose keys do not check: the host has replaced the terminal's keys already, so
 * the old ones are forgotten too — the terminal is signed out until a sign-in succeeds, and
 * sends nothing MACed under keys the host no longer holds. Returns rc (TERM_EKCV), or
 * TERM_ESTORE. */
static int forget_keys(term *t, int rc)
{
	t->st.pik[0] = t->st.mak[0] = t->st.tdk[0] = '\0';
	t->signed_in = false;
	return store_term_state_put(t->s, &t->st) == STORE_OK ? rc : TERM_ESTORE;
}

int term_manage(term *t, enum term_kind kind, struct term_result *res)
{
	const struct term_kind_def *d;
	struct store_term_state st;
	struct term_msg m;
	iso8583_msg resp;
	const uint8_t *sub;
	size_t sub_len;
	char f60[18], batch[7], f63[165];
	size_t name_len;
	int stan, rc;

	memset(res, 0, sizeof *res);
	if (kind != TERM_SIGNIN && kind != TERM_SIGNOUT && kind != TERM_ECHO)
		return TERM_EARG;
	d = &term_kinds[kind];
	if ((rc = term_next_stan(t, &stan)) != TERM_OK)
		return rc;
	term_msg_start(t, &m, d->mti, stan, t->st.batch, d->type, d->nmc);
	/* A sign-in says who it is and what it runs (docs/cup-pos.md "Sign-in"): the host checks
	 * the SN against its binding and the version against its model's minimum. */
	if (kind == TERM_SIGNIN) {
		iso8583_set_str(&m.m, 63, "001");
		if (t->st.sn[0] != '\0') {
			if ((rc = term_identity(t, NULL, m.f59, sizeof m.f59)) != TERM_OK)
				return rc;
			iso8583_set_str(&m.m, 59, m.f59);
		}
	}
	if ((rc = term_exchange_admin(t, &m, stan, res, &resp)) != TERM_OK)
		return rc;
	if (kind != TERM_SIGNIN || !rcode_approved(res->rc))
		return TERM_OK;
	st = t->st;
	if ((rc = import_keys(t, &resp, &st)) != TERM_OK)
		return rc == TERM_EKCV ? forget_keys(t, rc) : rc;
	term_field(&resp, 60, f60, sizeof f60);
	if (iso8583_sub_get(t->p, resp.mti, 60, (const uint8_t *)f60, strlen(f60), 2, &sub,
	                    &sub_len) == ISO8583_OK &&
	    sub_len == 6) {
		memcpy(batch, sub, 6);
		batch[6] = '\0';
		st.batch = atoi(batch);
	}
	/* 63.2: the merchant's name for the slips (docs/cup-pos.md); an older host sends none. */
	term_field(&resp, 63, f63, sizeof f63);
	name_len = strlen(f63) > 3 ? strlen(f63) - 3 : 0;
	if (name_len >= sizeof st.merchant_name) /* a longer name is cut, at a UTF-8 boundary */
		for (name_len = sizeof st.merchant_name - 1;
		     name_len > 0 && ((unsigned char)f63[3 + name_len] & 0xC0) == 0x80; name_len--)
			;
	memcpy(st.merchant_name, f63 + (name_len > 0 ? 3 : 0), name_len);
	st.merchant_name[name_len] = '\0';
	set_clock(&resp, &st);
	if (store_term_state_put(t->s, &st) != STORE_OK)
		return TERM_ESTORE;
	t->st = st;
	hsm_key_set(&t->pik, st.pik);
	hsm_key_set(&t->mak, st.mak);
	hsm_key_set(&t->tdk, st.tdk);
	t->signed_in = true;
	res->batch = st.batch;
	return TERM_OK;
}
