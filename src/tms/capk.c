/* capk.c — the certification authorities' public keys (EMV Book 2, 11.2 and its Annex on the
 * check sum): read and checked, added once, revoked, listed, and encoded as the terminals
 * download them (docs/tms.md "Chip applications and CA public keys"). */
#include "tms/internal.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/hex.h"
#include "common/jsonval.h"
#include "common/text.h"

/* text, 2*min to 2*max hex digits (no space), into out: its byte count in *len, or 0. */
static size_t hex_field(const char *text, size_t min, size_t max, uint8_t *out, size_t *len)
{
	size_t n = text != NULL ? strlen(text) : 0;

	*len = 0;
	if (n < 2 * min || n > 2 * max || n % 2 != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (hex_digit((unsigned char)text[i]) < 0)
			return 0;
	if (hex_decode(text, n, out, max, len) != HEX_OK)
		*len = 0;
	return *len;
}

/* Whether text is a real date YYYYMMDD (Gregorian), its value into *out. */
static bool date_parse(const char *text, int *out)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (text == NULL || strlen(text) != 8 || strspn(text, "0123456789") != 8)
		return false;
	*out = atoi(text);
	y = *out / 10000, m = *out / 100 % 100, d = *out % 100;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

int tms_capk_checksum(const struct tms_capk *k, uint8_t sum[20])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned len = 0;
	int rc = TMS_ENOMEM;

	if (c == NULL)
		return TMS_ENOMEM;
	/* EMV Book 2, 11.2, the CA public key check sum: SHA-1 over RID ‖ index ‖ modulus ‖
	 * exponent. */
	if (EVP_DigestInit_ex(c, EVP_sha1(), NULL) == 1 &&
	    EVP_DigestUpdate(c, k->rid, sizeof k->rid) == 1 &&
	    EVP_DigestUpdate(c, &k->index, 1) == 1 &&
	    EVP_DigestUpdate(c, k->modulus, k->modulus_len) == 1 &&
	    EVP_DigestUpdate(c, k->exponent, k->exponent_len) == 1 &&
	    EVP_DigestFinal_ex(c, sum, &len) == 1 && len == 20)
		rc = TMS_OK;
	EVP_MD_CTX_free(c);
	return rc;
}

int tms_capk_check(const struct tms_capk *k, int date)
{
	uint8_t sum[20];
	int rc;

	if (k == NULL || k->modulus_len == 0 || k->modulus_len > TMS_MODULUS_MAX ||
	    k->exponent_len == 0 || k->exponent_len > sizeof k->exponent)
		return TMS_EARG;
	if ((rc = tms_capk_checksum(k, sum)) != TMS_OK)
		return rc;
	if (memcmp(sum, k->checksum, sizeof sum) != 0)
		return TMS_ECHECKSUM;
	if (k->revoked_at != 0)
		return TMS_EREVOKED;
	return date > k->expiry ? TMS_EEXPIRED : TMS_OK;
}

/* Says why a field is refused into why; TMS_EARG. */
static int refuse(char *why, size_t cap, const char *text)
{
	snprintf(why, cap, "%s", text);
	return TMS_EARG;
}

int tms_capk_parse(const struct tms_capk_text *t, struct tms_capk *out, char *why, size_t cap)
{
	static const uint8_t e3[] = {0x03}, e65537[] = {0x01, 0x00, 0x01};
	uint8_t sum[20], given[20];
	char a[41], b[41];
	size_t n;
	int rc;

	*out = (struct tms_capk){0};
	if (hex_field(t->rid, 5, 5, out->rid, &n) == 0)
		return refuse(why, cap, "--rid must be 10 hex digits (5 bytes)");
	if (hex_field(t->index, 1, 1, &out->index, &n) == 0)
		return refuse(why, cap, "--index must be 2 hex digits (1 byte)");
	if (hex_field(t->modulus, 1, TMS_MODULUS_MAX, out->modulus, &out->modulus_len) == 0)
		return refuse(why, cap, "--modulus must be 2 to 496 hex digits (1 to 248 bytes)");
	hex_field(t->exponent, 1, 3, out->exponent, &out->exponent_len);
	if (!((out->exponent_len == 1 && memcmp(out->exponent, e3, 1) == 0) ||
	      (out->exponent_len == 3 && memcmp(out->exponent, e65537, 3) == 0)))
		return refuse(why, cap, "--exponent must be 03 or 010001");
	if (!date_parse(t->expiry, &out->expiry))
		return refuse(why, cap, "--expiry must be a date YYYYMMDD");
	if ((rc = tms_capk_checksum(out, sum)) != TMS_OK)
		return rc;
	memcpy(out->checksum, sum, sizeof sum);
	if (t->checksum == NULL || t->checksum[0] == '\0')
		return TMS_OK;
	if (hex_field(t->checksum, 20, 20, given, &n) == 0)
		return refuse(why, cap, "--checksum must be 40 hex digits (20 bytes)");
	if (memcmp(given, sum, sizeof sum) == 0)
		return TMS_OK;
	hex_encode(given, sizeof given, a, sizeof a);
	hex_encode(sum, sizeof sum, b, sizeof b);
	snprintf(why, cap, "the checksum %s does not match the key's, %s", a, b);
	return TMS_ECHECKSUM;
}

/* ---- the store's rows ---- */

static void to_row(const struct tms_capk *k, struct store_tms_capk *r)
{
	hex_encode(k->rid, sizeof k->rid, r->rid, sizeof r->rid);
	hex_encode(&k->index, 1, r->key_index, sizeof r->key_index);
	hex_encode(k->modulus, k->modulus_len, r->modulus, sizeof r->modulus);
	hex_encode(k->exponent, k->exponent_len, r->exponent, sizeof r->exponent);
	hex_encode(k->checksum, sizeof k->checksum, r->checksum, sizeof r->checksum);
	r->expiry = k->expiry;
	snprintf(r->added_by, sizeof r->added_by, "%s", k->added_by);
	r->added_at = k->added_at;
	r->revoked_at = k->revoked_at;
	snprintf(r->revoked_by, sizeof r->revoked_by, "%s", k->revoked_by);
	snprintf(r->revoke_reason, sizeof r->revoke_reason, "%s", k->revoke_reason);
}

/* Row r as a key: TMS_OK, or TMS_ESTORE for a row that does not read back. */
static int from_row(const struct store_tms_capk *r, struct tms_capk *k)
{
	size_t n;

	*k = (struct tms_capk){
	    .expiry = (int)r->expiry, .added_at = r->added_at, .revoked_at = r->revoked_at};
	if (hex_field(r->rid, 5, 5, k->rid, &n) == 0 ||
	    hex_field(r->key_index, 1, 1, &k->index, &n) == 0 ||
	    hex_field(r->modulus, 1, TMS_MODULUS_MAX, k->modulus, &k->modulus_len) == 0 ||
	    hex_field(r->exponent, 1, 3, k->exponent, &k->exponent_len) == 0 ||
	    hex_field(r->checksum, 20, 20, k->checksum, &n) == 0)
		return TMS_ESTORE;
	snprintf(k->added_by, sizeof k->added_by, "%s", r->added_by);
	snprintf(k->revoked_by, sizeof k->revoked_by, "%s", r->revoked_by);
	snprintf(k->revoke_reason, sizeof k->revoke_reason, "%s", r->revoke_reason);
	return TMS_OK;
}

/* The audit log's object of key k: "capk:RID:INDEX". */
static void capk_object(const struct tms_capk *k, char out[STORE_AUDIT_OBJECT_MAX])
{
	char rid[11], index[3];

	hex_encode(k->rid, sizeof k->rid, rid, sizeof rid);
	hex_encode(&k->index, 1, index, sizeof index);
	snprintf(out, STORE_AUDIT_OBJECT_MAX, "capk:%s:%s", rid, index);
}

const char *tms_capk_state(const struct tms_capk *k, int date)
{
	if (k->revoked_at != 0)
		return "revoked";
	return date > k->expiry ? "expired" : "active";
}

json_t *tms_capk_json(const struct tms_capk *k, int date, int utc_offset)
{
	struct store_tms_capk r;
	char expiry[9];
	json_t *o;

	to_row(k, &r);
	snprintf(expiry, sizeof expiry, "%08d", k->expiry);
	o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:o}", "rid", r.rid, "index",
	              r.key_index, "modulus", r.modulus, "exponent", r.exponent, "modulus_bytes",
	              (int)k->modulus_len, "checksum", r.checksum, "expiry", expiry, "state",
	              tms_capk_state(k, date), "added_by", r.added_by, "added_at",
	              jsonval_time(k->added_at, utc_offset));
	if (o != NULL)
		json_object_set_new(o, "revocation",
		                    k->revoked_at == 0
		                        ? json_null()
		                        : json_pack("{s:o, s:s, s:s}", "at",
		                                    jsonval_time(k->revoked_at, utc_offset), "by",
		                                    k->revoked_by, "reason", k->revoke_reason));
	return o;
}

/* ---- changes ---- */

int tms_capk_add(tms *t, const char *actor, const struct tms_capk_text *text, int64_t now,
                 struct tms_capk *out, char *why, size_t cap)
{
	struct store_tms_capk row;
	struct tms_capk k;
	char object[STORE_AUDIT_OBJECT_MAX];
	json_t *after = NULL;
	int rc;

	*why = '\0';
	if ((rc = tms_capk_parse(text, &k, why, cap)) != TMS_OK)
		return rc;
	snprintf(k.added_by, sizeof k.added_by, "%s", actor);
	k.added_at = now;
	to_row(&k, &row);
	capk_object(&k, object);
	if ((after = tms_capk_json(&k, tms_date(now, 0), 0)) == NULL)
		return TMS_ENOMEM;
	if ((rc = tms_from_store(store_begin(t->s))) != TMS_OK)
		goto out;
	if ((rc = tms_from_store(store_tms_capk_insert(t->s, &row))) == TMS_OK)
		rc = tms_audit(t, actor, "tms.capk.add", object, NULL, after, now);
	if (rc == TMS_OK)
		rc = tms_pending_mark(t, "all", NULL, TMS_PENDING_CAPK);
	if (rc == TMS_EEXIST)
		snprintf(why, cap, "%s exists already (revoked keys too): add another index",
		         object + 5);
	rc = tms_end(t, rc);
	if (rc == TMS_OK && out != NULL)
		*out = k;
out:
	json_decref(after);
	return rc;
}

int tms_capk_revoke(tms *t, const char *actor, const char *rid, const char *index,
                    const char *reason, int64_t now)
{
	struct store_tms_capk row = {0};
	struct tms_capk k;
	char object[STORE_AUDIT_OBJECT_MAX];
	json_t *before = NULL, *after = NULL;
	int rc;

	if (rid == NULL || index == NULL || strlen(rid) != 10 || strlen(index) != 2 ||
	    reason == NULL || !text_is_line(reason, TMS_REASON_MAX))
		return TMS_EARG;
	for (size_t i = 0; i < 10; i++)
		row.rid[i] = (char)toupper((unsigned char)rid[i]);
	for (size_t i = 0; i < 2; i++)
		row.key_index[i] = (char)toupper((unsigned char)index[i]);
	if ((rc = tms_from_store(store_begin(t->s))) != TMS_OK)
		return rc;
	if ((rc = tms_from_store(store_tms_capk_get(t->s, &row))) != TMS_OK ||
	    (rc = from_row(&row, &k)) != TMS_OK)
		goto out;
	if (k.revoked_at != 0) {
		rc = TMS_EREVOKED;
		goto out;
	}
	before = tms_capk_json(&k, tms_date(now, 0), 0);
	k.revoked_at = now;
	snprintf(k.revoked_by, sizeof k.revoked_by, "%s", actor);
	snprintf(k.revoke_reason, sizeof k.revoke_reason, "%s", reason);
	after = tms_capk_json(&k, tms_date(now, 0), 0);
	to_row(&k, &row);
	capk_object(&k, object);
	if (before == NULL || after == NULL)
		rc = TMS_ENOMEM;
	else if ((rc = tms_from_store(store_tms_capk_revoke(t->s, &row))) == TMS_OK)
		rc = tms_audit(t, actor, "tms.capk.revoke", object, before, after, now);
	if (rc == TMS_OK)
		rc = tms_pending_mark(t, "all", NULL, TMS_PENDING_CAPK);
out:
	json_decref(before);
	json_decref(after);
	return tms_end(t, rc);
}

/* ---- lists and the download form ---- */

/* tms_capk_list()'s walk: which keys, the caller's fn, a row that did not read back. */
struct walk {
	bool all;
	int date, rc;
	int (*fn)(void *ctx, const struct tms_capk *k);
	void *ctx;
};

static int walk_row(void *ctx, const struct store_tms_capk *r)
{
	struct walk *w = ctx;
	struct tms_capk k;

	if ((w->rc = from_row(r, &k)) != TMS_OK)
		return 1;
	if (!w->all && (k.revoked_at != 0 || w->date > k.expiry))
		return 0;
	return w->fn(w->ctx, &k);
}

int tms_capk_list(tms *t, bool all, int date, int (*fn)(void *ctx, const struct tms_capk *k),
                  void *ctx)
{
	struct walk w = {all, date, TMS_OK, fn, ctx};
	int rc = store_tms_capk_each(t->s, walk_row, &w);

	if (w.rc != TMS_OK)
		return w.rc;
	return rc < 0 ? tms_from_store(rc) : rc;
}

int tms_capk_item(const struct tms_capk *k, uint8_t *buf, size_t cap, size_t *at)
{
	uint8_t value[320];
	char expiry[9];
	size_t n = 0;
	int rc;

	snprintf(expiry, sizeof expiry, "%08d", k->expiry);
	if ((rc = tms_item_put(value, sizeof value, &n, "RI", k->rid, sizeof k->rid)) != TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "IX", &k->index, 1)) != TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "MO", k->modulus, k->modulus_len)) !=
	        TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "EX", k->exponent, k->exponent_len)) !=
	        TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "XD", expiry, 8)) != TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "CS", k->checksum, 20)) != TMS_OK)
		return rc;
	return tms_item_put(buf, cap, at, "CK", value, n);
}

static int form_add(void *ctx, const struct tms_capk *k)
{
	struct tms_form *f = ctx;

	f->rc = tms_capk_item(k, f->buf, f->cap, &f->len);
	return f->rc != TMS_OK;
}

int tms_capk_encode(tms *t, int date, uint8_t *buf, size_t cap, size_t *len)
{
	struct tms_form f = {buf, cap, 0, TMS_OK};
	int rc = tms_capk_list(t, false, date, form_add, &f);

	*len = f.len;
	return f.rc != TMS_OK ? f.rc : rc;
}

int tms_capk_version(tms *t, int date, char version[9])
{
	return tms_form_version(t, date, tms_capk_encode, version);
}

/* The nested items of a CK item: tag, where in struct tms_capk, the lengths it may have. */
static const struct {
	const char *tag;
	size_t off, len_off; /* len_off 0: a fixed length, min */
	size_t min, max;
} ck_items[] = {
    {"RI", offsetof(struct tms_capk, rid), 0, 5, 5},
    {"IX", offsetof(struct tms_capk, index), 0, 1, 1},
    {"MO", offsetof(struct tms_capk, modulus), offsetof(struct tms_capk, modulus_len), 1,
     TMS_MODULUS_MAX},
    {"EX", offsetof(struct tms_capk, exponent), offsetof(struct tms_capk, exponent_len), 1, 3},
    {"XD", 0, 0, 8, 8}, /* the expiry: ASCII, read apart */
    {"CS", offsetof(struct tms_capk, checksum), 0, 20, 20},
};

int tms_capk_decode(const uint8_t *value, size_t len, struct tms_capk *out)
{
	unsigned seen = 0;
	const uint8_t *v;
	char tag[3], expiry[9];
	size_t at = 0, n, i;
	int rc;

	*out = (struct tms_capk){0};
	while ((rc = tms_item_get(value, len, &at, tag, &v, &n)) == TMS_OK) {
		for (i = 0; i < sizeof ck_items / sizeof ck_items[0]; i++)
			if (strcmp(tag, ck_items[i].tag) == 0)
				break;
		if (i == sizeof ck_items / sizeof ck_items[0])
			continue; /* another's: skipped */
		if ((seen & 1u << i) || n < ck_items[i].min || n > ck_items[i].max)
			return TMS_EARG;
		seen |= 1u << i;
		if (strcmp(tag, "XD") == 0) {
			memcpy(expiry, v, 8);
			expiry[8] = '\0';
			if (!date_parse(expiry, &out->expiry))
				return TMS_EARG;
			continue;
		}
		memcpy((uint8_t *)out + ck_items[i].off, v, n);
		if (ck_items[i].len_off != 0)
			*(size_t *)(void *)((uint8_t *)out + ck_items[i].len_off) = n;
	}
	if (rc != TMS_ENOTFOUND)
		return rc;
	return seen == (1u << (sizeof ck_items / sizeof ck_items[0])) - 1 ? TMS_OK : TMS_EARG;
}
