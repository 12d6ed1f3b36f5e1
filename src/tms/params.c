/* params.c — the terminals' parameters (docs/tms.md "Parameters"): the table of keys with their
 * tags, checks and defaults; a key set or unset at a level, audited; a level's set listed; a
 * terminal's set resolved over the levels, and its download form and version. */
#include "tms/internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/text.h"
#include "crypto/crypto.h"
#include "merchant/merchant.h"
#include "store/store_acquirer.h"
#include "store/store_audit.h"
#include "store/store_merchant.h"
#include "store/store_tms.h"

static_assert(TMS_MODEL_MAX == MERCHANT_MODEL_MAX, "a level's model is a terminal's");
static_assert(TMS_VALUE_MAX < STORE_TMS_VALUE_MAX, "a value fits its column");

/* How a key's value is checked. */
enum kind {
	K_UTF8,   /* one line of UTF-8, min to max bytes */
	K_ASCII,  /* printable ASCII, min to max bytes */
	K_HOST,   /* HOST:PORT */
	K_NUMBER, /* a decimal integer from min to max, kept without leading zeros */
	K_CHOICE, /* one of the words of choices, separated by '|' */
	K_OFFSET, /* +HH:MM or -HH:MM, at most 14:00 */
	K_LIMITS, /* read only: the merchant's limits */
};

/* Where a key's default comes from. */
enum origin {
	D_TEXT,    /* the row's text */
	D_NAME,    /* the merchant's registered name (its first 40 bytes of whole characters) */
	D_OFFSET,  /* [host] utc_offset */
	D_TYPES,   /* the merchant's permitted types */
	D_TXN_MAX, /* the merchant's per-transaction limit */
};

static const struct key {
	const char *name, tag[3];
	enum kind kind;
	int min, max;
	const char *choices;
	enum origin origin;
	const char *text;
} keys[TMS_PARAMS_N] = {
    /* name               tag   kind      min  max  choices  default */
    {"merchant_name_zh", "MZ", K_UTF8, 1, 40, NULL, D_NAME, NULL},
    {"merchant_name_en", "ME", K_ASCII, 0, 40, NULL, D_TEXT, ""},
    {"host_primary", "H1", K_HOST, 0, 0, NULL, D_TEXT, ""},
    {"host_backup", "H2", K_HOST, 0, 0, NULL, D_TEXT, ""},
    {"connect_timeout", "CT", K_NUMBER, 1, 120, NULL, D_TEXT, "10"},
    {"answer_timeout", "AT", K_NUMBER, 5, 180, NULL, D_TEXT, "60"},
    {"reversal_retries", "RR", K_NUMBER, 1, 9, NULL, D_TEXT, "3"},
    {"receipt_header", "RH", K_UTF8, 0, 120, NULL, D_TEXT, ""},
    {"receipt_footer", "RF", K_UTF8, 0, 120, NULL, D_TEXT, ""},
    {"language", "LG", K_CHOICE, 0, 0, "zh|en", D_TEXT, "zh"},
    {"utc_offset", "UO", K_OFFSET, 0, 0, NULL, D_OFFSET, NULL},
    {"pin_credit", "PC", K_CHOICE, 0, 0, "0|1", D_TEXT, "0"},
    {"types", "TX", K_LIMITS, 0, 0, NULL, D_TYPES, NULL},
    {"per_txn_max", "MX", K_LIMITS, 0, 0, NULL, D_TXN_MAX, NULL},
};

static const char *const level_names[] = {
    [TMS_LEVEL_DEFAULT] = "default",   [TMS_LEVEL_ALL] = "all",
    [TMS_LEVEL_MODEL] = "model",       [TMS_LEVEL_MERCHANT] = "merchant",
    [TMS_LEVEL_TERMINAL] = "terminal", [TMS_LEVEL_LIMITS] = "merchant limits",
};

const char *tms_level_name(enum tms_level level)
{
	return (size_t)level < sizeof level_names / sizeof level_names[0] ? level_names[level]
	                                                                  : NULL;
}

int tms_level_find(const char *name, enum tms_level *out)
{
	for (int l = TMS_LEVEL_ALL; name != NULL && l <= TMS_LEVEL_TERMINAL; l++)
		if (strcmp(name, level_names[l]) == 0) {
			*out = (enum tms_level)l;
			return TMS_OK;
		}
	return TMS_EARG;
}

const char *tms_param_key(size_t i)
{
	return i < TMS_PARAMS_N ? keys[i].name : NULL;
}

const char *tms_param_tag(size_t i)
{
	return i < TMS_PARAMS_N ? keys[i].tag : NULL;
}

static const struct key *key_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < TMS_PARAMS_N; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* ---- values ---- */

/* The bytes of the UTF-8 character at s (n bytes left), 0 when it is not one (RFC 3629:
 * no overlong form, no surrogate, nothing past U+10FFFF). */
static size_t utf8_char(const unsigned char *s, size_t n)
{
	size_t len = s[0] < 0x80                    ? 1
	             : s[0] >= 0xC2 && s[0] <= 0xDF ? 2
	             : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
	             : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
	                                            : 0;

	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F) ||
	    (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
		return 0;
	return len;
}

static bool utf8_ok(const char *s)
{
	size_t n = strlen(s), len;

	for (size_t i = 0; i < n; i += len)
		if ((len = utf8_char((const unsigned char *)s + i, n - i)) == 0)
			return false;
	return true;
}

/* text's decimal digits (1 to 9 of them, nothing else) as *out. */
static bool number(const char *text, size_t len, long *out)
{
	if (len == 0 || len > 9 || strspn(text, "0123456789") < len)
		return false;
	*out = 0;
	for (size_t i = 0; i < len; i++)
		*out = *out * 10 + (text[i] - '0');
	return true;
}

/* HOST:PORT: a host name or IPv4 address (1 to 253 of letters, digits, '.' and '-', not
 * starting with '-') and a port 1 to 65535, into out as "HOST:PORT". */
static bool host_port(const char *v, char *out, size_t cap)
{
	const char *colon = strrchr(v, ':');
	size_t host = colon != NULL ? (size_t)(colon - v) : 0;
	long port;

	if (host == 0 || host > 253 || v[0] == '-' ||
	    strspn(v, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-") != host ||
	    !number(colon + 1, strlen(colon + 1), &port) || port < 1 || port > 65535)
		return false;
	return (size_t)snprintf(out, cap, "%.*s:%ld", (int)host, v, port) < cap;
}

static bool choice(const char *choices, const char *v)
{
	size_t n = strlen(v);

	for (const char *p = choices; n > 0; p += strcspn(p, "|") + (p[strcspn(p, "|")] == '|')) {
		if (*p == '\0')
			return false;
		if (strcspn(p, "|") == n && strncmp(p, v, n) == 0)
			return true;
	}
	return false;
}

/* minutes east of UTC as "+HH:MM". */
static void offset_text(int minutes, char out[8])
{
	int a = minutes < 0 ? -minutes : minutes;

	snprintf(out, 8, "%c%02d:%02d", minutes < 0 ? '-' : '+', a / 60 % 100, a % 60);
}

static bool offset_ok(const char *v)
{
	long h, m;

	return strlen(v) == 6 && (v[0] == '+' || v[0] == '-') && v[3] == ':' &&
	       number(v + 1, 2, &h) && number(v + 4, 2, &m) && m < 60 && h * 60 + m <= 14 * 60;
}

/* Checks v as k's value and writes it as kept into out; false (why said) when it is not one. */
static bool value_check(const struct key *k, const char *v, char out[TMS_VALUE_MAX + 1], char *why)
{
	size_t n = strlen(v);
	long x;
	bool ok;

	switch (k->kind) {
	case K_UTF8:
		ok = n >= (size_t)k->min && n <= (size_t)k->max && utf8_ok(v) &&
		     (n == 0 || text_is_line(v, (size_t)k->max));
		snprintf(why, TMS_WHY_MAX, "%s: one line of UTF-8 text, %d to %d bytes", k->name,
		         k->min, k->max);
		break;
	case K_ASCII:
		ok = n >= (size_t)k->min && n <= (size_t)k->max;
		for (size_t i = 0; ok && i < n; i++)
			ok = v[i] >= 0x20 && v[i] <= 0x7E;
		snprintf(why, TMS_WHY_MAX, "%s: printable ASCII, %d to %d characters", k->name,
		         k->min, k->max);
		break;
	case K_HOST:
		snprintf(why, TMS_WHY_MAX,
		         "%s: HOST:PORT (a host name or IPv4 address, a port 1 to 65535)", k->name);
		return host_port(v, out, TMS_VALUE_MAX + 1);
	case K_NUMBER:
		snprintf(why, TMS_WHY_MAX, "%s: a whole number from %d to %d", k->name, k->min,
		         k->max);
		if (!number(v, n, &x) || x < k->min || x > k->max)
			return false;
		snprintf(out, TMS_VALUE_MAX + 1, "%ld", x);
		return true;
	case K_CHOICE:
		ok = choice(k->choices, v);
		snprintf(why, TMS_WHY_MAX, "%s: one of %s", k->name, k->choices);
		break;
	case K_OFFSET:
		ok = offset_ok(v);
		snprintf(why, TMS_WHY_MAX, "%s: +HH:MM or -HH:MM, at most 14:00", k->name);
		break;
	default:
		return false;
	}
	if (ok)
		snprintf(out, TMS_VALUE_MAX + 1, "%s", v);
	return ok;
}

/* ---- a level and its name ---- */

/* The store's place of level and name into p; TMS_ENOTFOUND for a merchant or terminal that
 * is not there, TMS_EARG (why said) for a level or name that is not one. */
static int level_of(tms *t, enum tms_level level, const char *name, struct store_tms_set *p,
                    char *why)
{
	struct store_terminal *term;
	struct store_merchant m;
	int rc = TMS_OK;

	memset(p, 0, sizeof *p);
	if (name == NULL)
		name = "";
	if (level < TMS_LEVEL_ALL || level > TMS_LEVEL_TERMINAL) {
		snprintf(why, TMS_WHY_MAX, "the level is all, model, merchant or terminal");
		return TMS_EARG;
	}
	snprintf(p->level, sizeof p->level, "%s", level_names[level]);
	if ((level == TMS_LEVEL_ALL) != (name[0] == '\0') ||
	    (level == TMS_LEVEL_MODEL && !merchant_model_ok(name)) ||
	    strlen(name) >= sizeof p->name) {
		snprintf(why, TMS_WHY_MAX, "%s",
		         level == TMS_LEVEL_ALL ? "all: no name is given"
		         : level == TMS_LEVEL_MODEL
		             ? "model: 1 to 32 of letters, digits, '.', '_', '-'"
		             : "a MID or TID is needed");
		return TMS_EARG;
	}
	snprintf(p->name, sizeof p->name, "%s", name);
	if (level == TMS_LEVEL_MERCHANT)
		rc = tms_from_store(store_merchant_get(t->s, name, &m));
	else if (level == TMS_LEVEL_TERMINAL) {
		if ((term = calloc(1, sizeof *term)) == NULL)
			return TMS_ENOMEM;
		rc = tms_from_store(store_terminal_get(t->s, name, term));
		crypto_wipe(term, sizeof *term);
		free(term);
	}
	if (rc == TMS_ENOTFOUND)
		snprintf(why, TMS_WHY_MAX, "no such %s: %s", p->level, name);
	return rc;
}

/* The audit log's object of a level: "tms:all", "tms:model:M", … */
static void object_of(const struct store_tms_set *p, char out[STORE_AUDIT_OBJECT_MAX])
{
	snprintf(out, STORE_AUDIT_OBJECT_MAX, "tms:%s%s%s", p->level, p->name[0] ? ":" : "",
	         p->name);
}

static json_t *audit_state(const char *key, const char *value, int64_t version)
{
	return json_pack("{s:s, s:s?, s:I}", "key", key, "value", value, "version",
	                 (json_int_t)version);
}

/* Inside the transaction: p->key set to value (NULL: removed) from old (NULL: not set), the
 * level's version counted up, and the change audited. */
static int record(tms *t, const char *actor, struct store_tms_set *set, struct store_tms_param *p,
                  const char *old, const char *value, int64_t now)
{
	char object[STORE_AUDIT_OBJECT_MAX];
	json_t *before, *after;
	int64_t was;
	int rc;

	if (value != NULL) {
		snprintf(p->value, sizeof p->value, "%s", value);
		rc = tms_from_store(store_tms_param_put(t->s, p));
	} else {
		rc = tms_from_store(store_tms_param_delete(t->s, p));
	}
	if (rc != TMS_OK)
		return rc;
	if ((rc = tms_from_store(store_tms_set_get(t->s, set))) != TMS_OK && rc != TMS_ENOTFOUND)
		return rc;
	was = rc == TMS_OK ? set->version : 0;
	snprintf(set->actor, sizeof set->actor, "%s", actor);
	set->changed_at = now;
	if ((rc = tms_from_store(store_tms_set_bump(t->s, set))) != TMS_OK)
		return rc;
	object_of(set, object);
	before = audit_state(p->key, old, was);
	after = audit_state(p->key, value, set->version);
	rc = before == NULL || after == NULL
	         ? TMS_ENOMEM
	         : tms_audit(t, actor, value != NULL ? "tms.param.set" : "tms.param.unset", object,
	                     before, after, now);
	json_decref(before);
	json_decref(after);
	return rc;
}

/* A set (value not NULL) or unset of c->key at c's level, in one transaction. */
static int change(tms *t, const char *actor, const struct tms_change *c, const char *value,
                  int64_t now, char *why)
{
	const struct key *k = key_find(c->key);
	struct store_tms_set set;
	struct store_tms_param p;
	char kept[TMS_VALUE_MAX + 1], old[TMS_VALUE_MAX + 1];
	bool was_set;
	int rc;

	if (k == NULL) {
		snprintf(why, TMS_WHY_MAX, "%s: no such key (docs/tms.md lists them)",
		         c->key != NULL ? c->key : "");
		return TMS_EARG;
	}
	if (k->kind == K_LIMITS) {
		snprintf(why, TMS_WHY_MAX,
		         "%s: read only, the merchant's limits (possum admin merchant limits)",
		         k->name);
		return TMS_EREADONLY;
	}
	if (value != NULL && !value_check(k, value, kept, why))
		return TMS_EARG;
	if ((rc = tms_from_store(store_begin(t->s))) != TMS_OK)
		return rc;
	if ((rc = level_of(t, c->level, c->name, &set, why)) != TMS_OK)
		return tms_end(t, rc);
	memset(&p, 0, sizeof p);
	snprintf(p.level, sizeof p.level, "%s", set.level);
	snprintf(p.name, sizeof p.name, "%s", set.name);
	snprintf(p.key, sizeof p.key, "%s", k->name);
	rc = tms_from_store(store_tms_param_get(t->s, &p));
	if (rc != TMS_OK && rc != TMS_ENOTFOUND)
		return tms_end(t, rc);
	was_set = rc == TMS_OK;
	snprintf(old, sizeof old, "%s", p.value);
	if (value == NULL && !was_set) {
		snprintf(why, TMS_WHY_MAX, "%s is not set at %s%s%s", k->name, set.level,
		         set.name[0] ? " " : "", set.name);
		return tms_end(t, TMS_ENOTFOUND);
	}
	if (value != NULL && was_set && strcmp(old, kept) == 0)
		return tms_end(t, TMS_OK); /* the value it has: nothing changes */
	rc = record(t, actor, &set, &p, was_set ? old : NULL, value != NULL ? kept : NULL, now);
	if (rc == TMS_OK)
		rc = tms_pending_mark(t, set.level, set.name, TMS_PENDING_PARAMS);
	return tms_end(t, rc);
}

/* A caller's why, or a buffer of ours when it gives none. */
#define WHY(why) ((why) != NULL ? (why) : (char[TMS_WHY_MAX]){0})

int tms_param_set(tms *t, const char *actor, const struct tms_change *c, int64_t now, char *why)
{
	if (t == NULL || actor == NULL || c == NULL || c->value == NULL)
		return TMS_EARG;
	return change(t, actor, c, c->value, now, WHY(why));
}

int tms_param_unset(tms *t, const char *actor, const struct tms_change *c, int64_t now, char *why)
{
	if (t == NULL || actor == NULL || c == NULL)
		return TMS_EARG;
	return change(t, actor, c, NULL, now, WHY(why));
}

/* ---- a level's set ---- */

static int list_one(void *ctx, const struct store_tms_param *p)
{
	struct tms_level_set *out = ctx;

	if (out->n == TMS_PARAMS_N)
		return 1;
	snprintf(out->items[out->n].key, sizeof out->items[out->n].key, "%s", p->key);
	snprintf(out->items[out->n].value, sizeof out->items[out->n].value, "%s", p->value);
	out->n++;
	return 0;
}

/* The keys set at set's level and name into out (its version and last change too). */
static int level_read(tms *t, struct store_tms_set *set, struct tms_level_set *out)
{
	int rc = tms_from_store(store_tms_set_get(t->s, set));

	if (rc != TMS_OK && rc != TMS_ENOTFOUND)
		return rc;
	if (rc == TMS_OK) {
		out->version = set->version;
		snprintf(out->actor, sizeof out->actor, "%s", set->actor);
		out->changed_at = set->changed_at;
	}
	rc = store_tms_param_list(t->s, set, list_one, out);
	return rc < 0 ? tms_from_store(rc) : TMS_OK;
}

int tms_param_list(tms *t, enum tms_level level, const char *name, struct tms_level_set *out,
                   char *why)
{
	struct store_tms_set set;
	int rc;

	if (t == NULL || out == NULL)
		return TMS_EARG;
	memset(out, 0, sizeof *out);
	if ((rc = level_of(t, level, name, &set, WHY(why))) != TMS_OK)
		return rc;
	out->level = level;
	snprintf(out->name, sizeof out->name, "%s", set.name);
	return level_read(t, &set, out);
}

/* ---- a terminal's set ---- */

/* The default of keys[i] for terminal's merchant m and application a (may be NULL). */
static void default_of(tms *t, size_t i, const struct store_merchant *m,
                       const struct store_merchant_app *a, char out[TMS_VALUE_MAX + 1])
{
	const struct key *k = &keys[i];
	size_t n, len;

	switch (k->origin) {
	case D_NAME:
		/* Whole characters of the name, as many as fit in its 40 bytes. */
		for (n = 0; m->name[n] != '\0'; n += len)
			if ((len = utf8_char((const unsigned char *)m->name + n,
			                     strlen(m->name + n))) == 0 ||
			    n + len > (size_t)k->max)
				break;
		snprintf(out, TMS_VALUE_MAX + 1, "%.*s", (int)n, m->name);
		break;
	case D_OFFSET:
		offset_text(t->cfg.utc_offset, out);
		break;
	case D_TYPES:
		if (merchant_types_name(a != NULL ? a->types : MERCHANT_TYPES_ALL, out,
		                        TMS_VALUE_MAX + 1) != MERCHANT_OK)
			out[0] = '\0';
		break;
	case D_TXN_MAX:
		snprintf(out, TMS_VALUE_MAX + 1, "%lld", a != NULL ? (long long)a->limit_txn : 0LL);
		break;
	default:
		snprintf(out, TMS_VALUE_MAX + 1, "%s", k->text);
	}
}

/* The value of key at the levels read, the most particular first: the level, or DEFAULT. */
static enum tms_level find_set(const struct tms_level_set sets[4], const char *key,
                               const char **value)
{
	for (int l = 3; l >= 0; l--)
		for (size_t i = 0; i < sets[l].n; i++)
			if (strcmp(sets[l].items[i].key, key) == 0) {
				*value = sets[l].items[i].value;
				return sets[l].level;
			}
	return TMS_LEVEL_DEFAULT;
}

/* The four levels' sets of terminal term (a model's only when it has one). */
static int read_levels(tms *t, const struct store_terminal *term, struct tms_level_set sets[4])
{
	const char *names[4] = {"", term->model, term->mid, term->tid};
	struct store_tms_set set;
	int rc = TMS_OK;

	for (int l = 0; l < 4 && rc == TMS_OK; l++) {
		memset(&sets[l], 0, sizeof sets[l]);
		sets[l].level = (enum tms_level)(TMS_LEVEL_ALL + l);
		if (l == 1 && names[l][0] == '\0')
			continue;
		memset(&set, 0, sizeof set);
		snprintf(set.level, sizeof set.level, "%s", level_names[TMS_LEVEL_ALL + l]);
		snprintf(set.name, sizeof set.name, "%s", names[l]);
		rc = level_read(t, &set, &sets[l]);
	}
	return rc;
}

/* The terminal's merchant: its acquirer's row, and its application when it has one (*a NULL
 * when not: no limits, every type). */
static int merchant_of(tms *t, const char *mid, struct store_merchant *m,
                       struct store_merchant_app *app, const struct store_merchant_app **a)
{
	int rc = tms_from_store(store_merchant_get(t->s, mid, m));

	*a = NULL;
	if (rc == TMS_ENOTFOUND) {
		memset(m, 0, sizeof *m); /* a terminal whose merchant is gone: no name */
		rc = TMS_OK;
	}
	if (rc != TMS_OK)
		return rc;
	rc = tms_from_store(store_merchant_app_by_mid(t->s, mid, app));
	if (rc == TMS_OK)
		*a = app;
	return rc == TMS_ENOTFOUND ? TMS_OK : rc;
}

/* Everything resolve() reads, on the heap: a terminal's row holds its keys. */
struct resolving {
	struct store_terminal term;
	struct store_merchant m;
	struct store_merchant_app app;
	struct tms_level_set sets[4];
};

static int resolve(tms *t, const char *tid, struct resolving *r, struct tms_params *out)
{
	const struct store_merchant_app *a;
	const char *value;
	int rc;

	if ((rc = tms_from_store(store_terminal_get(t->s, tid, &r->term))) != TMS_OK ||
	    (rc = merchant_of(t, r->term.mid, &r->m, &r->app, &a)) != TMS_OK ||
	    (rc = read_levels(t, &r->term, r->sets)) != TMS_OK)
		return rc;
	snprintf(out->tid, sizeof out->tid, "%s", r->term.tid);
	snprintf(out->mid, sizeof out->mid, "%s", r->term.mid);
	snprintf(out->model, sizeof out->model, "%s", r->term.model);
	for (size_t i = 0; i < TMS_PARAMS_N; i++) {
		struct tms_param *p = &out->items[i];

		p->key = keys[i].name;
		memcpy(p->tag, keys[i].tag, sizeof p->tag);
		p->from = keys[i].kind == K_LIMITS ? TMS_LEVEL_LIMITS
		                                   : find_set(r->sets, keys[i].name, &value);
		if (p->from == TMS_LEVEL_DEFAULT || p->from == TMS_LEVEL_LIMITS)
			default_of(t, i, &r->m, a, p->value);
		else
			snprintf(p->value, sizeof p->value, "%s", value);
	}
	out->n = TMS_PARAMS_N;
	return TMS_OK;
}

/* The parameters' items of p in tag order into buf (cap bytes) at *len, moved on. */
static int encode_items(const struct tms_params *p, uint8_t *buf, size_t cap, size_t *len)
{
	const struct tms_param *order[TMS_PARAMS_N];
	int rc = TMS_OK;

	assert(p->n <= TMS_PARAMS_N);
	for (size_t i = 0; i < p->n; i++) {
		size_t j = i;

		for (; j > 0 && strcmp(order[j - 1]->tag, p->items[i].tag) > 0; j--)
			order[j] = order[j - 1];
		order[j] = &p->items[i];
	}
	for (size_t i = 0; i < p->n && rc == TMS_OK; i++)
		rc = tms_item_put(buf, cap, len, order[i]->tag, order[i]->value,
		                  strlen(order[i]->value));
	return rc;
}

int tms_params_resolve(tms *t, const char *tid, struct tms_params *out)
{
	uint8_t items[TMS_PARAMS_N * (5 + TMS_VALUE_MAX)];
	struct resolving *r;
	size_t len = 0;
	int rc;

	if (t == NULL || tid == NULL || out == NULL)
		return TMS_EARG;
	memset(out, 0, sizeof *out);
	if ((r = calloc(1, sizeof *r)) == NULL)
		return TMS_ENOMEM;
	/* One snapshot of every level (within a caller's transaction: that one's). */
	if (store_depth(t->s) > 0)
		rc = resolve(t, tid, r, out);
	else if ((rc = tms_from_store(store_begin_read(t->s))) == TMS_OK) {
		rc = resolve(t, tid, r, out);
		store_rollback(t->s);
	}
	/* The version: of the keys' items alone, without the VN item that carries it. */
	if (rc == TMS_OK)
		rc = encode_items(out, items, sizeof items, &len);
	if (rc == TMS_OK)
		rc = tms_version_of(items, len, out->version);
	crypto_wipe(&r->term, sizeof r->term);
	free(r);
	return rc;
}

int tms_params_encode(const struct tms_params *p, uint8_t *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	int rc;

	if (p == NULL || buf == NULL || len == NULL || strlen(p->version) != 8)
		return TMS_EARG;
	if ((rc = tms_item_put(buf, cap, &n, "VN", p->version, 8)) != TMS_OK ||
	    (rc = encode_items(p, buf, cap, &n)) != TMS_OK)
		return rc;
	*len = n;
	return TMS_OK;
}
