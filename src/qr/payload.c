/* payload.c — a terminal's static code (qr.h): the EMVCo merchant-presented payload built from
 * a struct qr_merchant and read back into one.
 *
 * An object is a 2-digit ID, a 2-digit length and that many characters of value; lengths count
 * characters, not bytes (the name in Chinese in "64.01" of the EMVCo specification's example,
 * "0104最佳运输", is 4 characters and 12 bytes of UTF-8). The CRC is
 * computed over the bytes. The objects possum knows are the rows of one table, which the build
 * writes and the parse reads. */
#include "qr/qr.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define QR_MEMBER(m) offsetof(struct qr_merchant, m), sizeof(((struct qr_merchant *)0)->m)

enum form {
	F_DIGITS, /* "0" to "9" */
	F_ANS,    /* printable ASCII, 0x20 to 0x7E */
	F_UTF8,   /* UTF-8 without control characters: the language template's */
};

/* The objects of struct qr_merchant's text members, in the order they are built: the object's
 * ID, its sub-ID within that template (NULL: a primitive object), the member (size 0: the
 * constant value `fixed`, written with its template), the value's length in characters and its
 * form; built: a value is needed to build; read: needed to parse when its template is there
 * (for an object of the top level: always). A template is built when one of its members has a
 * value. */
static const struct field {
	const char *id, *sub;
	size_t off, size;
	const char *fixed;
	unsigned min, max;
	enum form form;
	bool built, read;
} fields[] = {
    {"26", "00", QR_MEMBER(guid), NULL, 1, 32, F_ANS, true, true},
    {"26", "01", QR_MEMBER(mid), NULL, 1, 15, F_ANS, true, false},
    {"52", NULL, QR_MEMBER(mcc), NULL, 4, 4, F_DIGITS, true, true},
    {"53", NULL, QR_MEMBER(currency), NULL, 3, 3, F_DIGITS, true, true},
    {"58", NULL, QR_MEMBER(country), NULL, 2, 2, F_ANS, true, true},
    {"59", NULL, QR_MEMBER(name), NULL, 1, 25, F_ANS, true, true},
    {"60", NULL, QR_MEMBER(city), NULL, 1, 15, F_ANS, true, true},
    {"62", "07", QR_MEMBER(tid), NULL, 1, 25, F_ANS, false, false},
    {"64", "00", 0, 0, "ZH", 2, 2, F_ANS, false, false},
    {"64", "01", QR_MEMBER(name_local), NULL, 1, 25, F_UTF8, false, true},
    {"64", "02", QR_MEMBER(city_local), NULL, 1, 15, F_UTF8, false, false},
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

const char *qr_strerror(int rc)
{
	switch (rc) {
	case QR_OK:
		return "ok";
	case QR_EARG:
		return "an argument malformed or too long for its object";
	case QR_EFORMAT:
		return "not a merchant-presented payload: an object malformed or missing";
	case QR_ECRC:
		return "the payload's CRC does not match";
	case QR_ENOMEM:
		return "out of memory";
	case QR_EENCODE:
		return "the text cannot be drawn as a QR code (too long)";
	default:
		return "unknown error";
	}
}

/* Past the one UTF-8 character at p (before end), or NULL: a byte sequence that is not one
 * (RFC 3629: no overlong form, no surrogate, nothing above U+10FFFF). */
static const char *utf8_next(const char *p, const char *end)
{
	const uint8_t *s = (const uint8_t *)p;
	size_t n = s[0] < 0x80   ? 1
	           : s[0] < 0xC2 ? 0
	           : s[0] < 0xE0 ? 2
	           : s[0] < 0xF0 ? 3
	           : s[0] < 0xF5 ? 4
	                         : 0;
	uint8_t lo = 0x80, hi = 0xBF; /* the second byte's range */

	if (n == 0 || (size_t)(end - p) < n)
		return NULL;
	if (s[0] == 0xE0)
		lo = 0xA0;
	else if (s[0] == 0xED)
		hi = 0x9F;
	else if (s[0] == 0xF0)
		lo = 0x90;
	else if (s[0] == 0xF4)
		hi = 0x8F;
	for (size_t i = 1; i < n; i++, lo = 0x80, hi = 0xBF)
		if (s[i] < lo || s[i] > hi)
			return NULL;
	return p + n;
}

/* Past n characters of UTF-8 from p (before end), or NULL when there are not n of them. */
static const char *utf8_skip(const char *p, const char *end, size_t n)
{
	while (p != NULL && n-- > 0)
		p = p < end ? utf8_next(p, end) : NULL;
	return p;
}

/* The characters of UTF-8 text s (n bytes), or -1 when it is not UTF-8. */
static long utf8_count(const char *s, size_t n)
{
	const char *end = s + n;
	long count = 0;

	for (; s != NULL && s < end; count++)
		s = utf8_next(s, end);
	return s == NULL ? -1 : count;
}

/* Whether v (n bytes) is a value of f: its length in characters, its form, and room in its
 * member. */
static bool value_ok(const struct field *f, const char *v, size_t n)
{
	long chars = utf8_count(v, n);

	if (chars < (long)f->min || chars > (long)f->max || (f->size != 0 && n >= f->size))
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)v[i];
		if (c < 0x20 || c == 0x7F || (f->form != F_UTF8 && c > 0x7E) ||
		    (f->form == F_DIGITS && (c < '0' || c > '9')))
			return false;
	}
	return true;
}

static const char *value_of(const struct field *f, const struct qr_merchant *m)
{
	return f->size == 0 ? f->fixed : (const char *)m + f->off;
}

/* The first max characters of name (n bytes, UTF-8) that fit in cap bytes with a NUL, without
 * trailing spaces, into dst: QR_EARG when name is not UTF-8 or none are left. */
static int name_cut(char *dst, size_t cap, const char *name, size_t n, unsigned max)
{
	const char *p = name, *end = name + n, *q;

	for (unsigned i = 0; i < max && p < end; i++, p = q)
		if ((q = utf8_next(p, end)) == NULL)
			return QR_EARG;
		else if ((size_t)(q - name) >= cap)
			break;
	while (p > name && p[-1] == ' ')
		p--;
	if (p == name)
		return QR_EARG;
	memcpy(dst, name, (size_t)(p - name));
	dst[p - name] = '\0';
	return QR_OK;
}

int qr_merchant_name(struct qr_merchant *m, const char *name, const char *fallback)
{
	size_t n = name != NULL ? strlen(name) : 0, i = 0;

	if (m == NULL || fallback == NULL)
		return QR_EARG;
	while (i < n && name[i] >= 0x20 && name[i] < 0x7F)
		i++;
	m->name_local[0] = '\0';
	if (i == n)
		return name_cut(m->name, sizeof m->name, name, n, 25);
	if (strlen(fallback) >= sizeof m->name ||
	    name_cut(m->name_local, sizeof m->name_local, name, n, 25) != QR_OK)
		return QR_EARG;
	memcpy(m->name, fallback, strlen(fallback) + 1);
	return QR_OK;
}

/* ---- Building ---- */

struct out {
	char *p;
	size_t cap, n;
	bool full;
};

static void put_text(struct out *o, const char *s, size_t len)
{
	if (o->full || o->n + len >= o->cap) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->n, s, len);
	o->n += len;
	o->p[o->n] = '\0';
}

/* Object id with value v (UTF-8, 1 to 99 characters). */
static void put(struct out *o, const char *id, const char *v)
{
	long chars = utf8_count(v, strlen(v));
	char head[8];

	if (chars < 1 || chars > 99) {
		o->full = true;
		return;
	}
	snprintf(head, sizeof head, "%.2s%02ld", id, chars);
	put_text(o, head, 4);
	put_text(o, v, strlen(v));
}

/* Whether m's members are good values of their objects, those needed given. */
static bool merchant_ok(const struct qr_merchant *m)
{
	for (size_t i = 0; i < N_FIELDS; i++) {
		const struct field *f = &fields[i];
		const char *v = value_of(f, m);
		size_t n = f->size != 0 ? strnlen(v, f->size) : strlen(v);

		if (n == 0 ? f->built : !value_ok(f, v, n))
			return false;
	}
	/* A city in Chinese goes with the name in Chinese (64.01 is the template's own). */
	return (m->dynamic == 0 || m->dynamic == 1) &&
	       (m->city_local[0] == '\0' || m->name_local[0] != '\0');
}

/* Template fields[*i].id from its rows, *i past them: written when a member has a value. */
static void put_template(struct out *o, const struct qr_merchant *m, size_t *i)
{
	const char *id = fields[*i].id;
	char inner[QR_PAYLOAD_MAX];
	struct out t = {inner, sizeof inner, 0, false};
	bool any = false;

	inner[0] = '\0';
	for (; *i < N_FIELDS && strcmp(fields[*i].id, id) == 0; ++*i) {
		const char *v = value_of(&fields[*i], m);
		any |= fields[*i].size != 0 && v[0] != '\0';
		if (v[0] != '\0')
			put(&t, fields[*i].sub, v);
	}
	if (t.full)
		o->full = true;
	else if (any)
		put(o, id, inner);
}

int qr_payload_build(const struct qr_merchant *m, char *out, size_t cap)
{
	struct out o = {out, cap, 0, false};
	char crc[8];

	if (m == NULL || out == NULL || cap == 0 || !merchant_ok(m))
		return QR_EARG;
	out[0] = '\0';
	put(&o, "00", "01");
	put(&o, "01", m->dynamic ? "12" : "11");
	for (size_t i = 0; i < N_FIELDS;) {
		if (fields[i].sub != NULL) {
			put_template(&o, m, &i);
			continue;
		}
		put(&o, fields[i].id, value_of(&fields[i], m));
		i++;
	}
	put_text(&o, "6304", 4);
	if (o.full)
		return QR_EARG;
	snprintf(crc, sizeof crc, "%04X", (unsigned)qr_crc16(out, o.n));
	put_text(&o, crc, 4);
	return o.full ? QR_EARG : QR_OK;
}

/* ---- Reading ---- */

struct obj {
	int id; /* 0 to 99 */
	const char *v;
	size_t n; /* bytes of v */
};

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The object at *p (before end) into ob, *p past it: QR_EFORMAT when its ID or length is not
 * 2 digits, its length is 00, or its value is not that many characters of UTF-8. */
static int next_obj(const char **p, const char *end, struct obj *ob)
{
	const char *s = *p, *e;

	if (end - s < 4 || !digits(s, 4))
		return QR_EFORMAT;
	size_t len = (size_t)((s[2] - '0') * 10 + (s[3] - '0'));
	if (len == 0 || (e = utf8_skip(s + 4, end, len)) == NULL)
		return QR_EFORMAT;
	*ob = (struct obj){(s[0] - '0') * 10 + (s[1] - '0'), s + 4, (size_t)(e - (s + 4))};
	*p = e;
	return QR_OK;
}

static int atoi_2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* The row of object id (sub-ID sub, -1 for an object of the top level), or NULL. */
static const struct field *field_find(int id, int sub)
{
	for (size_t i = 0; i < N_FIELDS; i++) {
		const struct field *f = &fields[i];
		if (atoi_2(f->id) == id && (f->sub == NULL ? sub < 0 : atoi_2(f->sub) == sub))
			return f;
	}
	return NULL;
}

/* Whether object id is a template possum reads (26, 62, 64). */
static bool template_read(int id)
{
	for (size_t i = 0; i < N_FIELDS; i++)
		if (fields[i].sub != NULL && atoi_2(fields[i].id) == id)
			return true;
	return false;
}

/* Object ob of row f into its member of out: QR_EFORMAT when its value is not one of f's or
 * the member has one already. */
static int take(const struct field *f, const struct obj *ob, struct qr_merchant *out)
{
	char *dst = (char *)out + f->off;

	if (!value_ok(f, ob->v, ob->n) || (f->size != 0 && dst[0] != '\0'))
		return QR_EFORMAT;
	if (f->size != 0) {
		memcpy(dst, ob->v, ob->n);
		dst[ob->n] = '\0';
	}
	return QR_OK;
}

/* Template ob's objects, those of the table taken: QR_EFORMAT when one is malformed or one
 * its template needs is missing (26.00 the GUID, 64.01 the name). */
static int take_template(const struct obj *ob, struct qr_merchant *out)
{
	const char *p = ob->v, *end = ob->v + ob->n;
	const struct field *f;
	struct obj sub;
	int rc;

	while (p < end) {
		if ((rc = next_obj(&p, end, &sub)) != QR_OK)
			return rc;
		if ((f = field_find(ob->id, sub.id)) != NULL && (rc = take(f, &sub, out)) != QR_OK)
			return rc;
	}
	for (size_t i = 0; i < N_FIELDS; i++)
		if (atoi_2(fields[i].id) == ob->id && fields[i].read &&
		    value_of(&fields[i], out)[0] == '\0')
			return QR_EFORMAT;
	return QR_OK;
}

/* Object ob of the top level into out: "00" must say "01", "01" static or dynamic; objects
 * possum does not know are passed over. */
static int take_top(const struct obj *ob, struct qr_merchant *out)
{
	const struct field *f;

	if (ob->id == 0)
		return ob->n == 2 && memcmp(ob->v, "01", 2) == 0 ? QR_OK : QR_EFORMAT;
	if (ob->id == 1) {
		if (ob->n != 2 || (memcmp(ob->v, "11", 2) != 0 && memcmp(ob->v, "12", 2) != 0))
			return QR_EFORMAT;
		out->dynamic = ob->v[1] == '2';
		return QR_OK;
	}
	if (template_read(ob->id))
		return take_template(ob, out);
	return (f = field_find(ob->id, -1)) != NULL ? take(f, ob, out) : QR_OK;
}

/* The CRC of payload s (n bytes): its last object "6304" and 4 hexadecimal digits (either
 * case), checked over everything before those digits. */
static int crc_check(const char *s, size_t n)
{
	unsigned v = 0;

	if (n < 8 || memcmp(s + n - 8, "6304", 4) != 0)
		return QR_EFORMAT;
	for (size_t i = n - 4; i < n; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
		        : c >= 'A' && c <= 'F' ? c - 'A' + 10
		        : c >= 'a' && c <= 'f' ? c - 'a' + 10
		                               : -1;
		if (d < 0)
			return QR_EFORMAT;
		v = v << 4 | (unsigned)d;
	}
	return qr_crc16(s, n - 4) == v ? QR_OK : QR_ECRC;
}

/* Whether the objects every payload has were there: "00", a merchant account (IDs 02 to 51),
 * the table's objects of the top level it reads, and last of all "63". */
static bool objects_needed(const bool seen[100], const struct obj *last)
{
	bool account = false;

	for (int id = 2; id <= 51; id++)
		account |= seen[id];
	if (!seen[0] || !account || last->id != 63 || last->n != 4)
		return false;
	for (size_t i = 0; i < N_FIELDS; i++)
		if (fields[i].sub == NULL && fields[i].read && !seen[atoi_2(fields[i].id)])
			return false;
	return true;
}

int qr_payload_parse(const char *payload, struct qr_merchant *out)
{
	bool seen[100] = {false};
	struct obj ob = {-1, NULL, 0};
	const char *p, *end;
	int rc;

	if (payload == NULL || out == NULL)
		return QR_EARG;
	memset(out, 0, sizeof *out);
	p = payload;
	end = payload + strlen(payload);
	if ((rc = crc_check(payload, (size_t)(end - payload))) != QR_OK)
		return rc;
	while (p < end) {
		if ((rc = next_obj(&p, end, &ob)) != QR_OK)
			return rc;
		if (seen[ob.id])
			return QR_EFORMAT;
		seen[ob.id] = true;
		if ((rc = take_top(&ob, out)) != QR_OK)
			return rc;
	}
	return objects_needed(seen, &ob) ? QR_OK : QR_EFORMAT;
}
