/* aid.c — the chip applications (AIDs) the terminals may select, with the EMV terminal
 * parameters of each (floor limit, random selection, terminal action codes): read and
 * checked, added or replaced, removed, listed, and encoded as the terminals download them
 * (docs/tms.md "Chip applications and CA public keys"). */
#include "tms/internal.h"

#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "common/jsonval.h"
#include "common/text.h"

#define AMOUNT_MAX 999999999999LL /* n12 */

/* text (NULL: def), exactly 2*n hex digits, into out: false when it is not. */
static bool hex_exact(const char *text, const char *def, uint8_t *out, size_t n)
{
	size_t len = 0;

	if (text == NULL)
		text = def;
	if (strlen(text) != 2 * n || strspn(text, "0123456789ABCDEFabcdef") != 2 * n)
		return false;
	return hex_decode(text, 2 * n, out, n, &len) == HEX_OK && len == n;
}

/* Says why a field is refused into why; TMS_EARG. */
static int refuse(char *why, size_t cap, const char *text)
{
	snprintf(why, cap, "%s", text);
	return TMS_EARG;
}

int tms_aid_parse(const struct tms_aid_text *t, struct tms_aid *out, char *why, size_t cap)
{
	size_t n = t->aid != NULL ? strlen(t->aid) : 0;

	*out = (struct tms_aid){.floor_limit = t->floor_limit,
	                        .threshold = t->threshold,
	                        .target_percent = t->target_percent,
	                        .max_target_percent = t->max_target_percent,
	                        .partial = t->partial};
	if (n < 10 || n > 2 * TMS_AID_MAX || n % 2 != 0 || !hex_exact(t->aid, "", out->aid, n / 2))
		return refuse(why, cap, "--aid must be 10 to 32 hex digits (5 to 16 bytes)");
	out->aid_len = n / 2;
	if (t->label == NULL || !text_is_line(t->label, TMS_LABEL_MAX))
		return refuse(why, cap, "--label must be one line of 1 to 32 bytes");
	snprintf(out->label, sizeof out->label, "%s", t->label);
	if (!hex_exact(t->version, "0030", out->version, 2))
		return refuse(why, cap, "--version must be 4 hex digits");
	if (t->floor_limit < 0 || t->floor_limit > AMOUNT_MAX || t->threshold < 0 ||
	    t->threshold > t->floor_limit)
		return refuse(why, cap,
		              "--threshold must not be above --floor-limit (at most 12 digits)");
	if (t->target_percent < 0 || t->max_target_percent > 99 ||
	    t->target_percent > t->max_target_percent)
		return refuse(why, cap,
		              "--target-percent must not be above --max-target-percent (0 to 99)");
	if (!hex_exact(t->tac_default, "D84000A800", out->tac_default, 5))
		return refuse(why, cap, "--tac-default must be 10 hex digits (5 bytes)");
	if (!hex_exact(t->tac_denial, "0010000000", out->tac_denial, 5))
		return refuse(why, cap, "--tac-denial must be 10 hex digits (5 bytes)");
	if (!hex_exact(t->tac_online, "D84004F800", out->tac_online, 5))
		return refuse(why, cap, "--tac-online must be 10 hex digits (5 bytes)");
	return TMS_OK;
}

/* ---- the store's rows ---- */

static void to_row(const struct tms_aid *a, struct store_tms_aid *r)
{
	*r = (struct store_tms_aid){.floor_limit = a->floor_limit,
	                            .threshold = a->threshold,
	                            .target_percent = a->target_percent,
	                            .max_target_percent = a->max_target_percent,
	                            .partial = a->partial,
	                            .updated_at = a->updated_at};
	hex_encode(a->aid, a->aid_len, r->aid, sizeof r->aid);
	snprintf(r->label, sizeof r->label, "%s", a->label);
	hex_encode(a->version, sizeof a->version, r->app_version, sizeof r->app_version);
	hex_encode(a->tac_default, 5, r->tac_default, sizeof r->tac_default);
	hex_encode(a->tac_denial, 5, r->tac_denial, sizeof r->tac_denial);
	hex_encode(a->tac_online, 5, r->tac_online, sizeof r->tac_online);
	snprintf(r->updated_by, sizeof r->updated_by, "%s", a->updated_by);
}

/* Row r as an application: TMS_OK, or TMS_ESTORE for a row that does not read back. */
static int from_row(const struct store_tms_aid *r, struct tms_aid *a)
{
	struct tms_aid_text t = {
	    r->aid,        r->label,       r->app_version, r->tac_default,    r->tac_denial,
	    r->tac_online, r->floor_limit, r->threshold,   r->target_percent, r->max_target_percent,
	    r->partial};
	char why[80];

	if (tms_aid_parse(&t, a, why, sizeof why) != TMS_OK)
		return TMS_ESTORE;
	snprintf(a->updated_by, sizeof a->updated_by, "%s", r->updated_by);
	a->updated_at = r->updated_at;
	return TMS_OK;
}

json_t *tms_aid_json(const struct tms_aid *a, int utc_offset)
{
	struct store_tms_aid r;

	to_row(a, &r);
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:i, s:i, s:s, s:s, s:s, s:b, s:s, s:o}", "aid",
	                 r.aid, "label", r.label, "version", r.app_version, "floor_limit",
	                 jsonval_money(a->floor_limit, TMS_CURRENCY), "threshold",
	                 jsonval_money(a->threshold, TMS_CURRENCY), "target_percent",
	                 a->target_percent, "max_target_percent", a->max_target_percent,
	                 "tac_default", r.tac_default, "tac_denial", r.tac_denial, "tac_online",
	                 r.tac_online, "partial", a->partial, "updated_by", r.updated_by,
	                 "updated_at", jsonval_time(a->updated_at, utc_offset));
}

/* ---- changes ---- */

int tms_aid_add(tms *t, const char *actor, const struct tms_aid_text *text, int64_t now,
                struct tms_aid *out, bool *replaced, char *why, size_t cap)
{
	struct store_tms_aid row, old;
	struct tms_aid a, was;
	char object[STORE_AUDIT_OBJECT_MAX];
	json_t *before = NULL, *after = NULL;
	int rc;

	*why = '\0';
	if ((rc = tms_aid_parse(text, &a, why, cap)) != TMS_OK)
		return rc;
	snprintf(a.updated_by, sizeof a.updated_by, "%s", actor);
	a.updated_at = now;
	to_row(&a, &row);
	snprintf(object, sizeof object, "aid:%s", row.aid);
	if ((rc = tms_from_store(store_begin(t->s))) != TMS_OK)
		return rc;
	rc = tms_from_store(store_tms_aid_get(t->s, row.aid, &old));
	if (rc == TMS_OK && (rc = from_row(&old, &was)) == TMS_OK)
		before = tms_aid_json(&was, 0);
	else if (rc != TMS_ENOTFOUND)
		goto out;
	if (replaced != NULL)
		*replaced = before != NULL;
	if ((after = tms_aid_json(&a, 0)) == NULL || (rc == TMS_OK && before == NULL))
		rc = TMS_ENOMEM;
	else if ((rc = tms_from_store(store_tms_aid_put(t->s, &row))) == TMS_OK)
		rc = tms_audit(t, actor, before != NULL ? "tms.aid.replace" : "tms.aid.add", object,
		               before, after, now);
	if (rc == TMS_OK)
		rc = tms_pending_mark(t, "all", NULL, TMS_PENDING_AID);
	if (rc == TMS_OK && out != NULL)
		*out = a;
out:
	json_decref(before);
	json_decref(after);
	return tms_end(t, rc);
}

int tms_aid_remove(tms *t, const char *actor, const char *aid, int64_t now)
{
	struct store_tms_aid row;
	struct tms_aid a;
	char object[STORE_AUDIT_OBJECT_MAX], hex[2 * TMS_AID_MAX + 1];
	json_t *before = NULL;
	int rc;

	if (aid == NULL || strlen(aid) < 10 || strlen(aid) > 2 * TMS_AID_MAX ||
	    !hex_exact(aid, "", a.aid, strlen(aid) / 2))
		return TMS_EARG;
	hex_encode(a.aid, strlen(aid) / 2, hex, sizeof hex);
	snprintf(object, sizeof object, "aid:%s", hex);
	if ((rc = tms_from_store(store_begin(t->s))) != TMS_OK)
		return rc;
	if ((rc = tms_from_store(store_tms_aid_get(t->s, hex, &row))) != TMS_OK ||
	    (rc = from_row(&row, &a)) != TMS_OK)
		goto out;
	if ((before = tms_aid_json(&a, 0)) == NULL)
		rc = TMS_ENOMEM;
	else if ((rc = tms_from_store(store_tms_aid_delete(t->s, hex))) == TMS_OK)
		rc = tms_audit(t, actor, "tms.aid.remove", object, before, NULL, now);
	if (rc == TMS_OK)
		rc = tms_pending_mark(t, "all", NULL, TMS_PENDING_AID);
out:
	json_decref(before);
	return tms_end(t, rc);
}

/* ---- lists and the download form ---- */

/* tms_aid_list()'s walk: the caller's fn, a row that did not read back. */
struct walk {
	int rc;
	int (*fn)(void *ctx, const struct tms_aid *a);
	void *ctx;
};

static int walk_row(void *ctx, const struct store_tms_aid *r)
{
	struct walk *w = ctx;
	struct tms_aid a;

	if ((w->rc = from_row(r, &a)) != TMS_OK)
		return 1;
	return w->fn(w->ctx, &a);
}

int tms_aid_list(tms *t, int (*fn)(void *ctx, const struct tms_aid *a), void *ctx)
{
	struct walk w = {TMS_OK, fn, ctx};
	int rc = store_tms_aid_each(t->s, walk_row, &w);

	if (w.rc != TMS_OK)
		return w.rc;
	return rc < 0 ? tms_from_store(rc) : rc;
}

int tms_aid_item(const struct tms_aid *a, uint8_t *buf, size_t cap, size_t *at)
{
	uint8_t value[200];
	char fl[13], th[13], tp[3], mp[3];
	size_t n = 0;
	int rc;

	snprintf(fl, sizeof fl, "%012lld", (long long)a->floor_limit);
	snprintf(th, sizeof th, "%012lld", (long long)a->threshold);
	snprintf(tp, sizeof tp, "%02d", a->target_percent);
	snprintf(mp, sizeof mp, "%02d", a->max_target_percent);
	if ((rc = tms_item_put(value, sizeof value, &n, "AD", a->aid, a->aid_len)) != TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "LB", a->label, strlen(a->label))) !=
	        TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "AV", a->version, 2)) != TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "FL", fl, 12)) != TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "TH", th, 12)) != TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "TP", tp, 2)) != TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "MP", mp, 2)) != TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "TD", a->tac_default, 5)) != TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "TN", a->tac_denial, 5)) != TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "TO", a->tac_online, 5)) != TMS_OK ||
	    (rc = tms_item_put(value, sizeof value, &n, "PS", a->partial ? "1" : "0", 1)) != TMS_OK)
		return rc;
	return tms_item_put(buf, cap, at, "AI", value, n);
}

/* The AI item's nested items, in tms_aid_item()'s order; binary ones read back as hex, the
 * others as their text, for tms_aid_parse() to check as it checks an operator's. */
static const struct {
	const char *tag;
	bool binary;
	size_t min, max;
} ai_items[] = {
    {"AD", true, 5, TMS_AID_MAX}, {"LB", false, 1, TMS_LABEL_MAX},
    {"AV", true, 2, 2},           {"FL", false, 12, 12},
    {"TH", false, 12, 12},        {"TP", false, 2, 2},
    {"MP", false, 2, 2},          {"TD", true, 5, 5},
    {"TN", true, 5, 5},           {"TO", true, 5, 5},
    {"PS", false, 1, 1},
};
#define AI_ITEMS (sizeof ai_items / sizeof ai_items[0])

/* The number the digits of s make; -1 when s is not all digits. */
static int64_t digits(const char *s)
{
	int64_t v = 0;

	if (s[0] == '\0' || strspn(s, "0123456789") != strlen(s))
		return -1;
	for (; *s != '\0'; s++)
		v = v * 10 + (*s - '0');
	return v;
}

int tms_aid_decode(const uint8_t *value, size_t len, struct tms_aid *out)
{
	char text[AI_ITEMS][2 * TMS_AID_MAX + 1], tag[3], why[TMS_WHY_MAX];
	struct tms_aid_text t;
	const uint8_t *v;
	size_t at = 0, n, i;
	unsigned seen = 0;
	int rc;

	while ((rc = tms_item_get(value, len, &at, tag, &v, &n)) == TMS_OK) {
		for (i = 0; i < AI_ITEMS && strcmp(tag, ai_items[i].tag) != 0; i++)
			;
		if (i == AI_ITEMS)
			continue; /* another's: skipped */
		if ((seen & 1u << i) || n < ai_items[i].min || n > ai_items[i].max)
			return TMS_EARG;
		seen |= 1u << i;
		if (ai_items[i].binary)
			hex_encode(v, n, text[i], sizeof text[i]);
		else
			snprintf(text[i], sizeof text[i], "%.*s", (int)n, (const char *)v);
	}
	if (rc != TMS_ENOTFOUND || seen != (1u << AI_ITEMS) - 1 ||
	    (strcmp(text[10], "0") != 0 && strcmp(text[10], "1") != 0))
		return TMS_EARG;
	t = (struct tms_aid_text){text[0],
	                          text[1],
	                          text[2],
	                          text[7],
	                          text[8],
	                          text[9],
	                          digits(text[3]),
	                          digits(text[4]),
	                          (int)digits(text[5]),
	                          (int)digits(text[6]),
	                          text[10][0] == '1'};
	return tms_aid_parse(&t, out, why, sizeof why);
}

static int form_add(void *ctx, const struct tms_aid *a)
{
	struct tms_form *f = ctx;

	f->rc = tms_aid_item(a, f->buf, f->cap, &f->len);
	return f->rc != TMS_OK;
}

int tms_aid_encode(tms *t, uint8_t *buf, size_t cap, size_t *len)
{
	struct tms_form f = {buf, cap, 0, TMS_OK};
	int rc = tms_aid_list(t, form_add, &f);

	*len = f.len;
	return f.rc != TMS_OK ? f.rc : rc;
}

/* tms_aid_encode() as tms_form_version() calls it: no date. */
int tms_aid_encode_dated(tms *t, int date, uint8_t *buf, size_t cap, size_t *len)
{
	(void)date;
	return tms_aid_encode(t, buf, cap, len);
}

int tms_aid_version(tms *t, char version[9])
{
	return tms_form_version(t, 0, tms_aid_encode_dated, version);
}
