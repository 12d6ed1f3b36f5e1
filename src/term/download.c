/* download.c — the terminal's downloads from its host's terminal management (docs/tms.md
 * "Downloads"): a set (parameters, CA keys, AIDs) asked for chunk by chunk (0820 360, 370,
 * 380), each chunk kept before the next is asked so that a broken download resumes at its next
 * item; the whole set checked (its version, every CA key's checksum and expiry), applied and
 * confirmed (361, 371, 381); and what the applied parameters make the terminal refuse before
 * it sends anything. */
#include "term/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rcode/rcode.h"

/* 60.3 of a set's download and of its confirmation. */
static const char *const set_nmc[TMS_SETS] = {"360", "370", "380"};
static const char *const set_ok_nmc[TMS_SETS] = {"361", "371", "381"};

bool term_download_asked(const term *t, enum tms_set *set)
{
	switch (t->asked) {
	case 7:
		*set = TMS_SET_PARAMS;
		return true;
	case 4:
		*set = TMS_SET_CAPK;
		return true;
	case 5:
		*set = TMS_SET_AID;
		return true;
	default:
		return false;
	}
}

/* One 0820 of nmc (a download's, a confirmation's, an update's chunk or report) with field 62
 * (len bytes) and, when f59 is not NULL, field 59 as given: res->rc the answer's, *resp the
 * answer. */
int term_send_0820(term *t, const char *nmc, const uint8_t *f62, size_t len, const char *f59,
                   struct term_result *res, iso8583_msg *resp)
{
	struct term_msg m;
	int stan, rc;

	if ((rc = term_next_stan(t, &stan)) != TERM_OK)
		return rc;
	term_msg_start(t, &m, "0820", stan, t->st.batch, "00", nmc);
	memcpy(m.f62, f62, len);
	m.f62_len = len;
	iso8583_set(&m.m, 62, m.f62, m.f62_len);
	if (f59 != NULL) {
		snprintf(m.f59, sizeof m.f59, "%s", f59);
		iso8583_set_str(&m.m, 59, m.f59);
	}
	return term_exchange_admin(t, &m, stan, res, resp);
}

bool term_inject_drop(term *t, bool more)
{
	if (!more || t->inject != TERM_INJECT_DROP)
		return false;
	t->inject = TERM_INJECT_NONE;
	net_client_close(t->c);
	t->c = NULL;
	return true;
}

/* An answer's field 62 read into the row being downloaded: its VN (a new one starts the items
 * again), its items appended, NX and MR; *more whether MR says more follows. */
static int take_chunk(const iso8583_msg *resp, struct store_term_tms *row, bool *more,
                      struct term_download *out)
{
	uint8_t f62[TMS_CHUNK_MAX + 1];
	const uint8_t *v;
	size_t len = 0, at = 0, n, start;
	char tag[3];
	int nx = -1, rc;

	*more = false;
	if (!iso8583_has(resp, 62) || iso8583_get(resp, 62, f62, sizeof f62, &len) != ISO8583_OK ||
	    tms_item_get(f62, len, &at, tag, &v, &n) != TMS_OK || strcmp(tag, "VN") != 0 || n != 8)
		return TERM_EFORMAT;
	if (memcmp(row->dl_version, v, 8) != 0) { /* the set changed: what it had is dropped */
		out->restarted = row->dl_version[0] != '\0';
		memcpy(row->dl_version, v, 8);
		row->dl_version[8] = '\0';
		row->dl_items_len = 0;
		row->dl_next = 0;
	}
	for (start = at; (rc = tms_item_get(f62, len, &at, tag, &v, &n)) == TMS_OK; start = at) {
		if (strcmp(tag, "NX") == 0 && n >= 1 && n <= 5)
			nx = (int)term_digits((const char *)v, n);
		else if (strcmp(tag, "MR") == 0 && n == 1)
			*more = v[0] == '1';
		else if (at - start > sizeof row->dl_items - row->dl_items_len)
			return TERM_EFORMAT;
		else {
			memcpy(row->dl_items + row->dl_items_len, f62 + start, at - start);
			row->dl_items_len += at - start;
		}
	}
	if (rc != TMS_ENOTFOUND || nx < 0)
		return TERM_EFORMAT;
	row->dl_next = nx;
	return TERM_OK;
}

/* Every CA key of items checked at the terminal's date (tms_capk_check): TERM_OK, or
 * TERM_EREFUSED with why. fault corrupts a byte of the first key's modulus, as a test aid. */
static int check_capks(term *t, const struct store_term_tms *row, bool fault,
                       struct term_download *out)
{
	struct tms_capk *k = malloc(sizeof *k);
	const uint8_t *v;
	size_t at = 0, n;
	char tag[3];
	struct tm now;
	int date, rc = TERM_OK, i = 0;

	if (k == NULL)
		return TERM_ESTORE;
	term_clock_now(t, &now);
	date = (now.tm_year + 1900) * 10000 + (now.tm_mon + 1) * 100 + now.tm_mday;
	for (; rc == TERM_OK &&
	       tms_item_get(row->dl_items, row->dl_items_len, &at, tag, &v, &n) == TMS_OK;
	     i++) {
		int err = tms_capk_decode(v, n, k);

		if (err == TMS_OK && fault && i == 0)
			k->modulus[0] ^= 0x01;
		if (err == TMS_OK)
			err = tms_capk_check(k, date);
		if (err != TMS_OK) {
			snprintf(out->why, sizeof out->why,
			         "CA key %d: %s (CA公钥校验失败): the set is refused, not applied",
			         i, tms_strerror(err));
			rc = TERM_EREFUSED;
		}
	}
	free(k);
	return rc;
}

/* The downloaded set checked (its version is its items', CA keys each) and applied. */
static int apply(term *t, enum tms_set set, struct store_term_tms *row, bool fault,
                 struct term_download *out)
{
	char version[9];
	int rc = TERM_OK;

	if (tms_version_of(row->dl_items, row->dl_items_len, version) != TMS_OK)
		return TERM_ESTORE;
	if (strcmp(version, row->dl_version) != 0) {
		snprintf(out->why, sizeof out->why,
		         "the items' version %s is not the announced %s (版本不符)", version,
		         row->dl_version);
		rc = TERM_EREFUSED;
	} else if (set == TMS_SET_CAPK) {
		rc = check_capks(t, row, fault, out);
	}
	if (rc == TERM_OK) {
		memcpy(row->version, row->dl_version, sizeof row->version);
		memcpy(row->items, row->dl_items, row->dl_items_len);
		row->items_len = row->dl_items_len;
	}
	/* Applied or refused, the next download starts from the first item. */
	row->dl_version[0] = '\0';
	row->dl_next = 0;
	row->dl_items_len = 0;
	if (store_term_tms_put(t->s, row) != STORE_OK)
		return TERM_ESTORE;
	return rc;
}

/* The chunks from the row's resume point to the last; each kept as it comes. */
static int fetch(term *t, enum tms_set set, struct store_term_tms *row, struct term_download *out)
{
	uint8_t req[32];
	iso8583_msg resp;
	struct term_result res;
	char nx[8];
	bool more = true;
	size_t len;
	int rc;

	out->from = (size_t)row->dl_next;
	while (more) {
		len = 0;
		snprintf(nx, sizeof nx, "%lld", (long long)row->dl_next);
		if (tms_item_put(req, sizeof req, &len, "VN", row->dl_version,
		                 strlen(row->dl_version)) != TMS_OK ||
		    tms_item_put(req, sizeof req, &len, "NX", nx, strlen(nx)) != TMS_OK)
			return TERM_EARG;
		if ((rc = term_send_0820(t, set_nmc[set], req, len, NULL, &res, &resp)) != TERM_OK)
			return rc;
		out->messages++;
		memcpy(out->rc, res.rc, sizeof out->rc);
		if (!rcode_approved(res.rc))
			return TERM_OK;
		if ((rc = take_chunk(&resp, row, &more, out)) != TERM_OK)
			return rc;
		if (store_term_tms_put(t->s, row) != STORE_OK)
			return TERM_ESTORE;
		if (term_inject_drop(t, more)) /* the test aid: a broken download */
			return TERM_ETIMEOUT;
	}
	return TERM_OK;
}

int term_download(term *t, enum tms_set set, struct term_download *out)
{
	struct store_term_tms *row = malloc(sizeof *row);
	uint8_t req[16];
	iso8583_msg resp;
	struct term_result res;
	bool fault = t->inject == TERM_INJECT_BAD_CAPK;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof *out);
	out->set = set;
	if (row == NULL)
		return TERM_ESTORE;
	if ((rc = term_tms_get(t, set, row)) != TERM_OK ||
	    (rc = fetch(t, set, row, out)) != TERM_OK)
		goto out;
	if (!rcode_approved(out->rc))
		goto out;
	out->items = 0;
	for (size_t at = 0; at < row->dl_items_len; out->items++) {
		const uint8_t *v;
		size_t n;
		char tag[3];

		if (tms_item_get(row->dl_items, row->dl_items_len, &at, tag, &v, &n) != TMS_OK)
			break;
	}
	if (fault)
		t->inject = TERM_INJECT_NONE;
	if ((rc = apply(t, set, row, fault, out)) != TERM_OK)
		goto out;
	memcpy(out->version, row->version, sizeof out->version);
	out->applied = true;
	/* Confirmed: the version it holds now. */
	if ((rc = tms_item_put(req, sizeof req, &len, "VN", row->version, 8)) == TMS_OK &&
	    (rc = term_send_0820(t, set_ok_nmc[set], req, len, NULL, &res, &resp)) == TERM_OK) {
		out->messages++;
		memcpy(out->rc, res.rc, sizeof out->rc);
		out->confirmed = rcode_approved(res.rc);
	}
out:
	free(row);
	return rc;
}

int term_set_tms_auto(term *t, bool on)
{
	struct store_term_state st = t->st;

	st.tms_auto = on;
	if (store_term_state_put(t->s, &st) != STORE_OK)
		return TERM_ESTORE;
	t->st = st;
	return TERM_OK;
}
