/* update.c — the terminal's software update from its host's terminal management (docs/tms.md
 * "Software updates"): the package asked for chunk by chunk (0820 390), each chunk kept before
 * the next is asked so that a broken download resumes at its offset; the whole package checked
 * (its SHA-256, then its Ed25519 signature under the package key the terminal was given),
 * installed — the version it runs, reported in 59 A2 05 from then on — or refused, and the
 * outcome reported (391). Kept in the term_tms row "pkg": version the version installed
 * ("" none: TERM_APP_VERSION), items the key (KY) and the download's header (PK, VR, MD, SZ,
 * HS, SG), dl_* the download in progress. */
#include "term/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcode/rcode.h"

/* The value of tag in the row's items: NULL when absent. */
static const uint8_t *pkg_item(const struct store_term_tms *row, const char *tag, size_t *n)
{
	const uint8_t *v;
	size_t at = 0;
	char got[3];

	while (tms_item_get(row->items, row->items_len, &at, got, &v, n) == TMS_OK)
		if (strcmp(got, tag) == 0)
			return v;
	return NULL;
}

int term_package_key_set(store *s, const uint8_t pub[TMS_PUB_LEN])
{
	struct store_term_tms *row = malloc(sizeof *row);
	size_t at = 0;
	int rc = TERM_ESTORE;

	if (row == NULL || (rc = term_pkg_get(s, row)) != TERM_OK)
		goto out;
	/* The key alone: a download in progress starts again under it. */
	row->items_len = 0;
	row->dl_version[0] = '\0';
	row->dl_next = 0;
	row->dl_items_len = 0;
	if (tms_item_put(row->items, sizeof row->items, &at, "KY", pub, TMS_PUB_LEN) != TMS_OK)
		rc = TERM_EARG;
	row->items_len = at;
	if (rc == TERM_OK && store_term_tms_put(s, row) != STORE_OK)
		rc = TERM_ESTORE;
out:
	free(row);
	return rc;
}

/* A 390's answer, its items pointing into its field 62. */
struct chunk {
	const uint8_t *pk, *vr, *md, *hs, *sg, *dt;
	size_t pk_len, vr_len, md_len, dt_len;
	int64_t size, offset;
	bool more;
};

static int read_chunk(const uint8_t *f62, size_t len, struct chunk *c)
{
	const uint8_t *v;
	size_t at = 0, n;
	char tag[3];
	int rc;

	memset(c, 0, sizeof *c);
	c->size = c->offset = -1;
	while ((rc = tms_item_get(f62, len, &at, tag, &v, &n)) == TMS_OK) {
		if (strcmp(tag, "PK") == 0)
			c->pk = v, c->pk_len = n;
		else if (strcmp(tag, "VR") == 0 && n <= TMS_VERSION_MAX)
			c->vr = v, c->vr_len = n;
		else if (strcmp(tag, "MD") == 0 && n <= TMS_MODEL_MAX)
			c->md = v, c->md_len = n;
		else if (strcmp(tag, "SZ") == 0 && n >= 1 && n <= 9)
			c->size = (int64_t)term_digits((const char *)v, n);
		else if (strcmp(tag, "OF") == 0 && n >= 1 && n <= 9)
			c->offset = (int64_t)term_digits((const char *)v, n);
		else if (strcmp(tag, "HS") == 0 && n == 32)
			c->hs = v;
		else if (strcmp(tag, "SG") == 0 && n == TMS_SIG_LEN)
			c->sg = v;
		else if (strcmp(tag, "DT") == 0)
			c->dt = v, c->dt_len = n;
		else if (strcmp(tag, "MR") == 0 && n == 1)
			c->more = v[0] == '1';
	}
	if (rc != TMS_ENOTFOUND || c->pk == NULL || c->vr == NULL || c->size < 0 || c->offset < 0 ||
	    c->dt == NULL)
		return TERM_EFORMAT;
	return TERM_OK;
}

/* A new package's header kept after the key (its first chunk: OF 0, MD, HS and SG), the
 * download started again. */
static int start_header(struct store_term_tms *row, const struct chunk *c)
{
	size_t kn, at = 0;
	const uint8_t *key = pkg_item(row, "KY", &kn);
	uint8_t keep[TMS_PUB_LEN];
	char sz[24];

	if (c->offset != 0 || c->md == NULL || c->hs == NULL || c->sg == NULL || key == NULL ||
	    kn != TMS_PUB_LEN)
		return TERM_EFORMAT;
	memcpy(keep, key, sizeof keep);
	snprintf(sz, sizeof sz, "%lld", (long long)c->size);
	if (tms_item_put(row->items, sizeof row->items, &at, "KY", keep, sizeof keep) != TMS_OK ||
	    tms_item_put(row->items, sizeof row->items, &at, "PK", c->pk, c->pk_len) != TMS_OK ||
	    tms_item_put(row->items, sizeof row->items, &at, "VR", c->vr, c->vr_len) != TMS_OK ||
	    tms_item_put(row->items, sizeof row->items, &at, "MD", c->md, c->md_len) != TMS_OK ||
	    tms_item_put(row->items, sizeof row->items, &at, "SZ", sz, strlen(sz)) != TMS_OK ||
	    tms_item_put(row->items, sizeof row->items, &at, "HS", c->hs, 32) != TMS_OK ||
	    tms_item_put(row->items, sizeof row->items, &at, "SG", c->sg, TMS_SIG_LEN) != TMS_OK)
		return TERM_EFORMAT;
	row->items_len = at;
	snprintf(row->dl_version, sizeof row->dl_version, "%.*s", (int)c->vr_len,
	         (const char *)c->vr);
	row->dl_next = 0;
	row->dl_items_len = 0;
	return TERM_OK;
}

/* An answer's chunk appended to the download in progress (a new package starts it again). */
static int take_chunk(const iso8583_msg *resp, struct store_term_tms *row, bool *more,
                      struct term_update *out)
{
	uint8_t f62[TMS_CHUNK_MAX + 1];
	const uint8_t *pk;
	size_t len = 0, n = 0;
	struct chunk c;
	int rc;

	if (!iso8583_has(resp, 62) || iso8583_get(resp, 62, f62, sizeof f62, &len) != ISO8583_OK ||
	    (rc = read_chunk(f62, len, &c)) != TERM_OK)
		return TERM_EFORMAT;
	pk = pkg_item(row, "PK", &n);
	if (pk == NULL || n != c.pk_len || memcmp(pk, c.pk, n) != 0 ||
	    strlen(row->dl_version) != c.vr_len || memcmp(row->dl_version, c.vr, c.vr_len) != 0) {
		out->restarted = pk != NULL;
		if ((rc = start_header(row, &c)) != TERM_OK)
			return rc;
	}
	if (c.size > (int64_t)sizeof row->dl_items) {
		snprintf(out->why, sizeof out->why,
		         "a package of %lld bytes: over the %zu this terminal keeps (软件包过大)",
		         (long long)c.size, sizeof row->dl_items);
		return TERM_EREFUSED;
	}
	if (c.offset != row->dl_next || row->dl_items_len + c.dt_len > (size_t)c.size)
		return TERM_EFORMAT;
	memcpy(row->dl_items + row->dl_items_len, c.dt, c.dt_len);
	row->dl_items_len += c.dt_len;
	row->dl_next += (int64_t)c.dt_len;
	out->size = (size_t)c.size;
	*more = c.more;
	return TERM_OK;
}

/* The chunks from the row's offset to the last; each kept as it comes. */
static int fetch(term *t, struct store_term_tms *row, struct term_update *out)
{
	uint8_t req[48];
	const uint8_t *pk;
	iso8583_msg resp;
	struct term_result res;
	char of[24];
	bool more = true;
	size_t len, n;
	int rc;

	out->from = (size_t)row->dl_next;
	while (more) {
		len = 0;
		snprintf(of, sizeof of, "%lld", (long long)row->dl_next);
		/* In the middle of a package: that one from its offset; else the host's choice. */
		if ((pk = pkg_item(row, "PK", &n)) != NULL &&
		    tms_item_put(req, sizeof req, &len, "PK", pk, n) != TMS_OK)
			return TERM_EARG;
		if (tms_item_put(req, sizeof req, &len, "OF", pk != NULL ? of : "0",
		                 pk != NULL ? strlen(of) : 1) != TMS_OK)
			return TERM_EARG;
		if ((rc = term_send_0820(t, "390", req, len, NULL, &res, &resp)) != TERM_OK)
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

/* The downloaded package checked: its hash, then its signature under the key. */
static int check(const struct store_term_tms *row, bool fault, struct term_update *out)
{
	const uint8_t *key, *sg, *md, *hs;
	uint8_t *data = malloc(row->dl_items_len > 0 ? row->dl_items_len : 1);
	char model[TMS_MODEL_MAX + 1];
	const char *what = NULL;
	size_t kn, sn, mn, hn;
	int rc = TERM_OK;

	key = pkg_item(row, "KY", &kn);
	sg = pkg_item(row, "SG", &sn);
	md = pkg_item(row, "MD", &mn);
	hs = pkg_item(row, "HS", &hn);
	if (data == NULL)
		return TERM_ESTORE;
	memcpy(data, row->dl_items, row->dl_items_len);
	if (fault && row->dl_items_len > 0) /* the test aid: a byte corrupted as received */
		data[row->dl_items_len / 2] ^= 0x01;
	snprintf(model, sizeof model, "%.*s", md != NULL ? (int)mn : 0,
	         md != NULL ? (const char *)md : "");
	/* First the bytes against the hash announced with them, then the signature over that
	 * hash, model and version: a failure says which. */
	if (hs == NULL || hn != 32 ||
	    tms_package_hash_check(data, row->dl_items_len, hs) != TMS_OK) {
		what = "its SHA-256 is not the one announced (哈希值不符)";
		out->failed = "hash";
	} else if (key == NULL || sg == NULL || sn != TMS_SIG_LEN ||
	           tms_package_verify(key, kn, model, row->dl_version, data, row->dl_items_len,
	                              sg) != TMS_OK) {
		what = "its signature does not verify under the package key (签名校验失败)";
		out->failed = "signature";
	}
	if (what != NULL) {
		snprintf(out->why, sizeof out->why, "package %s: %s: refused, not installed",
		         row->dl_version, what);
		rc = TERM_EREFUSED;
	}
	free(data);
	return rc;
}

/* 391: installed (ok) or not, with why; 59 A2 05 the version it runs now. */
static int report(term *t, const struct store_term_tms *row, bool ok, struct term_update *out)
{
	uint8_t req[TMS_UPDATE_WHY_MAX + 48];
	const uint8_t *pk;
	iso8583_msg resp;
	struct term_result res;
	char f59[sizeof((struct term_msg *)0)->f59];
	size_t len = 0, n;
	int rc;

	if ((pk = pkg_item(row, "PK", &n)) == NULL)
		return TERM_OK;
	if (tms_item_put(req, sizeof req, &len, "PK", pk, n) != TMS_OK ||
	    tms_item_put(req, sizeof req, &len, "OK", ok ? "1" : "0", 1) != TMS_OK ||
	    (!ok &&
	     tms_item_put(req, sizeof req, &len, "ER", out->failed, strlen(out->failed)) != TMS_OK))
		return TERM_EARG;
	/* The row, installed or not, is kept already: term_identity() reads its version. */
	if ((rc = term_identity(t, NULL, f59, sizeof f59)) != TERM_OK)
		return rc;
	if ((rc = term_send_0820(t, "391", req, len, f59, &res, &resp)) != TERM_OK)
		return rc;
	out->messages++;
	memcpy(out->rc, res.rc, sizeof out->rc);
	out->reported = rcode_approved(res.rc);
	return TERM_OK;
}

int term_update(term *t, struct term_update *out)
{
	struct store_term_tms *row = malloc(sizeof *row);
	bool fault = t->inject == TERM_INJECT_BAD_SIG;
	size_t n;
	int rc, checked;

	memset(out, 0, sizeof *out);
	if (row == NULL)
		return TERM_ESTORE;
	if ((rc = term_pkg_get(t->s, row)) != TERM_OK)
		goto out;
	if (pkg_item(row, "KY", &n) == NULL) {
		snprintf(
		    out->why, sizeof out->why,
		    "no package key: set it with possum term update --package-key HEX (未设置软件"
		    "包公钥): no update");
		rc = TERM_EREFUSED;
		goto out;
	}
	if ((rc = fetch(t, row, out)) != TERM_OK || !rcode_approved(out->rc))
		goto out;
	if (fault)
		t->inject = TERM_INJECT_NONE;
	snprintf(out->version, sizeof out->version, "%s", row->dl_version);
	if ((checked = check(row, fault, out)) == TERM_OK) {
		memcpy(row->version, row->dl_version, sizeof row->version);
		out->installed = true;
	}
	/* Installed or refused, the next update starts from the first byte. */
	row->dl_next = 0;
	row->dl_items_len = 0;
	if (store_term_tms_put(t->s, row) != STORE_OK) {
		rc = TERM_ESTORE;
		goto out;
	}
	if ((rc = report(t, row, checked == TERM_OK, out)) == TERM_OK)
		rc = checked;
	row->dl_version[0] = '\0';
	n = 0;
	/* The header dropped: the key alone kept. */
	if (pkg_item(row, "KY", &n) != NULL)
		row->items_len = 5 + n;
	if (store_term_tms_put(t->s, row) != STORE_OK)
		rc = TERM_ESTORE;
out:
	free(row);
	return rc;
}

bool term_update_asked(const term *t)
{
	return t->asked == 8;
}
