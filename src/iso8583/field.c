/* field.c — one field on the wire: its length prefix and its content, in every encoding a
 * dialect may choose. Messages and sub-fields are both read and written through here, so a
 * rule about lengths or content holds everywhere at once. */
#include "iso8583/internal.h"

#include "common/hex.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const class_names[] = {"n", "an", "ans", "b", "z", "x+n"};

int iso8583_fail(iso8583_diag *diag, int rc, const iso8583_where *w, size_t offset, const char *fmt,
                 ...)
{
	va_list ap;
	int n;

	if (diag == NULL)
		return rc;
	diag->field = w != NULL ? w->f : -1;
	diag->offset = offset;
	if (w == NULL)
		n = snprintf(diag->text, sizeof diag->text, "frame: ");
	else if (w->path != NULL)
		n = snprintf(diag->text, sizeof diag->text, "field %s: ", w->path);
	else if (w->f == 0)
		n = snprintf(diag->text, sizeof diag->text, "MTI: ");
	else if (w->f == 1)
		n = snprintf(diag->text, sizeof diag->text, "bitmap: ");
	else
		n = snprintf(diag->text, sizeof diag->text, "field %d: ", w->f);
	va_start(ap, fmt);
	vsnprintf(diag->text + n, sizeof diag->text - (size_t)n, fmt, ap);
	va_end(ap);
	return rc;
}

static bool is_bcd(const iso8583_field_spec *s)
{
	return s->enc == ISO8583_ENC_BCD_L || s->enc == ISO8583_ENC_BCD_R;
}

size_t iso8583_wire_size(const iso8583_field_spec *s, size_t units)
{
	switch (s->enc) {
	case ISO8583_ENC_BCD_L:
	case ISO8583_ENC_BCD_R:
		/* x+n keeps its sign as one text byte before the digits (jPOS IFB_AMOUNT). */
		if (s->cls == ISO8583_XN)
			return units == 0 ? 0 : 1 + units / 2;
		return (units + 1) / 2;
	case ISO8583_ENC_HEX:
		return 2 * units;
	default:
		return units;
	}
}

/* Content checks are the codec's hot path, so whole 8-byte words are checked at once (SWAR:
 * "SIMD within a register") and only a word that fails is looked at byte by byte. */
#define ONES  UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static uint64_t load64(const uint8_t *p)
{
	uint64_t x;
	memcpy(&x, p, sizeof x);
	return x;
}

/* Whether 8 bytes are all '0'..'9'. XOR with '0' leaves 0..9 for digits; adding 0x76 sets
 * a byte's top bit iff it is 10 or more, and a top bit already set (above 0x7F) fails too. */
static bool digits8(const uint8_t *p)
{
	uint64_t t = load64(p) ^ (ONES * '0');
	return (((t + ONES * 0x76) | t) & HIGHS) == 0;
}

/* Whether 8 bytes are all printable: none below 0x20 and none 0x7F (bytes above 0x7F,
 * UTF-8, pass). hasless(x, n) and haszero(x) of the well-known bit hacks. */
static bool printable8(const uint8_t *p)
{
	uint64_t x = load64(p), del = x ^ (ONES * 0x7F);
	return (((x - ONES * 0x20) & ~x) | ((del - ONES) & ~del)) & HIGHS ? false : true;
}

static bool digit1(uint8_t c)
{
	return (uint8_t)(c - '0') < 10;
}

static bool printable1(uint8_t c)
{
	return c >= 0x20 && c != 0x7F;
}

/* Length of the run at the start of p[0..n) that word_ok accepts a word at a time and
 * byte_ok a byte at a time: whole words, then one last word overlapping the one before, so
 * only values shorter than a word, or one that fails, are looked at byte by byte. Called
 * with constant checks, so the compiler specialises it. */
static inline size_t run_of(const uint8_t *p, size_t n, bool (*word_ok)(const uint8_t *),
                            bool (*byte_ok)(uint8_t))
{
	size_t i = 0;

	if (n >= 8) {
		while (i + 8 <= n && word_ok(p + i))
			i += 8;
		if (i == n || (i + 8 > n && word_ok(p + n - 8)))
			return n;
	}
	while (i < n && byte_ok(p[i]))
		i++;
	return i;
}

static size_t digits_run(const uint8_t *p, size_t n)
{
	return run_of(p, n, digits8, digit1);
}

static size_t printable_run(const uint8_t *p, size_t n)
{
	return run_of(p, n, printable8, printable1);
}

/* Index of the first character of p[0..n) that class cls does not allow, or n. */
static size_t first_bad(uint8_t cls, const uint8_t *p, size_t n)
{
	size_t i = 0;

	switch (cls) {
	case ISO8583_N:
		return digits_run(p, n);
	case ISO8583_AN:
		while (i < n &&
		       (digit1(p[i]) || (uint8_t)((p[i] | 0x20) - 'a') < 26 || p[i] == ' '))
			i++;
		return i;
	case ISO8583_ANS:
		return printable_run(p, n);
	case ISO8583_Z:
		/* Runs of digits, each ended by '=' or the first character that is neither. */
		for (;;) {
			i += digits_run(p + i, n - i);
			if (i == n || p[i] != '=')
				return i;
			i++;
		}
	case ISO8583_XN:
		if (n == 0 || (p[0] != 'C' && p[0] != 'D'))
			return 0;
		return 1 + first_bad(ISO8583_N, p + 1, n - 1);
	default:
		return n;
	}
}

static int bad_char(iso8583_diag *diag, const iso8583_where *w, const iso8583_field_spec *s,
                    uint8_t c, size_t offset)
{
	if (c >= 0x20 && c < 0x7F && s->enc != ISO8583_ENC_EBCDIC)
		return iso8583_fail(diag, ISO8583_ECONTENT, w, offset,
		                    "'%c' is not allowed in an %s field at offset %zu", c,
		                    class_names[s->cls], offset);
	return iso8583_fail(diag, ISO8583_ECONTENT, w, offset,
	                    "byte 0x%02X is not allowed in an %s field at offset %zu", c,
	                    class_names[s->cls], offset);
}

/* Number of prefix characters or bytes for a length type and encoding. */
static size_t prefix_size(const iso8583_field_spec *s)
{
	static const uint8_t digits[] = {0, 2, 3, 4, 0};

	if (s->len_type == ISO8583_FIXED || s->len_type == ISO8583_REST)
		return 0;
	if (s->len_enc == ISO8583_LEN_BCD || s->len_enc == ISO8583_LEN_BIN)
		return s->len_type == ISO8583_LL ? 1 : 2;
	return digits[s->len_type];
}

size_t iso8583_max_size(const iso8583_profile *p)
{
	size_t n = (size_t)p->tpdu_len + p->header_len;

	n += p->mti_enc == ISO8583_MTI_BCD ? 2 : 4;
	n += (size_t)(p->max_field / 64) * (p->bitmap_enc == ISO8583_BITMAP_HEX ? 16 : 8);
	for (int f = 2; f <= p->max_field; f++)
		if (p->fields[f].name != NULL)
			n += prefix_size(&p->fields[f]) +
			     iso8583_wire_size(&p->fields[f], p->fields[f].max);
	return n;
}

static int read_prefix(const iso8583_field_spec *s, const iso8583_where *w, const uint8_t *p,
                       size_t offset, size_t *units, iso8583_diag *diag)
{
	size_t n = prefix_size(s), v = 0;

	switch (s->len_enc) {
	case ISO8583_LEN_BIN:
		v = n == 1 ? p[0] : (size_t)p[0] << 8 | p[1];
		break;
	case ISO8583_LEN_BCD:
		for (size_t i = 0; i < n; i++) {
			if ((p[i] & 15) > 9 || p[i] >= 0xA0)
				goto bad;
			v = v * 100 + (size_t)(p[i] >> 4) * 10 + (p[i] & 15);
		}
		break;
	default:
		for (size_t i = 0; i < n; i++) {
			uint8_t c =
			    s->len_enc == ISO8583_LEN_EBCDIC ? iso8583_from_ebcdic(p[i]) : p[i];
			if ((uint8_t)(c - '0') > 9)
				goto bad;
			v = v * 10 + (size_t)(c - '0');
		}
		break;
	}
	*units = v;
	return ISO8583_OK;
bad:
	return iso8583_fail(diag, ISO8583_EPREFIX, w, offset,
	                    "length prefix is not a number at offset %zu", offset);
}

static void write_prefix(const iso8583_field_spec *s, size_t units, uint8_t *p)
{
	size_t n = prefix_size(s);

	switch (s->len_enc) {
	case ISO8583_LEN_BIN:
		if (n == 2)
			*p++ = (uint8_t)(units >> 8);
		*p = (uint8_t)units;
		return;
	case ISO8583_LEN_BCD:
		if (n == 2) {
			*p++ = (uint8_t)((units / 1000) << 4 | units / 100 % 10);
			units %= 100;
		}
		*p = (uint8_t)((units / 10) << 4 | units % 10);
		return;
	default:
		for (size_t i = n; i-- > 0; units /= 10) {
			uint8_t c = (uint8_t)('0' + units % 10);
			p[i] = s->len_enc == ISO8583_LEN_EBCDIC ? iso8583_to_ebcdic(c) : c;
		}
		return;
	}
}

/* Track data takes any nibble: D is its separator, and an encrypted track (docs/cup-pos.md
 * "Track encryption") any value; what it holds is the reader's to check. */
static bool nibble_ok(const iso8583_field_spec *s, uint8_t v)
{
	return v <= 9 || s->cls == ISO8583_Z;
}

static int bcd_fail(iso8583_diag *diag, const iso8583_where *w, uint8_t v, bool pad, size_t offset)
{
	if (pad)
		return iso8583_fail(diag, ISO8583_ECONTENT, w, offset,
		                    "pad nibble %X is not 0 at offset %zu", v, offset);
	return iso8583_fail(diag, ISO8583_ECONTENT, w, offset,
	                    "nibble %X is not a digit at offset %zu", v, offset);
}

/* Checks packed BCD of n digits at p: every digit nibble a digit (or D in track data), the
 * pad nibble 0, so that what is read packs back to the same bytes. */
static int check_bcd(const iso8583_field_spec *s, const iso8583_where *w, const uint8_t *p,
                     size_t n, size_t offset, iso8583_diag *diag)
{
	size_t bytes = (n + 1) / 2, k = 0;
	bool pad_first = (n & 1) && s->enc == ISO8583_ENC_BCD_R, pad_last = (n & 1) && !pad_first;

	/* The pad nibble first; once it is 0 it passes as a digit below. */
	if (pad_first && (p[0] >> 4) != 0)
		return bcd_fail(diag, w, p[0] >> 4, true, offset);
	if (pad_last && (p[bytes - 1] & 15) != 0)
		return bcd_fail(diag, w, p[bytes - 1] & 15, true, offset + bytes - 1);
	/* Accumulate over the bytes: a nibble is above 9 iff adding 6 to it reaches bit 4. Only
	 * when that finds something, or in track data (nibble D), look byte by byte. */
	if (s->cls != ISO8583_Z) {
		uint64_t acc = 0;
		for (; k + 8 <= bytes; k += 8) {
			uint64_t x = load64(p + k);
			acc |= ((x & ONES * 15) + ONES * 6) | (((x >> 4) & ONES * 15) + ONES * 6);
		}
		for (; k < bytes; k++)
			acc |= ((p[k] & 15u) + 6) | ((p[k] >> 4) + 6u);
		if ((acc & ONES * 0x10) == 0)
			return ISO8583_OK;
		k = 0;
	}
	for (; k < bytes; k++) {
		if (!nibble_ok(s, p[k] >> 4))
			return bcd_fail(diag, w, p[k] >> 4, false, offset + k);
		if (!nibble_ok(s, p[k] & 15))
			return bcd_fail(diag, w, p[k] & 15, false, offset + k);
	}
	return ISO8583_OK;
}

/* EBCDIC text is checked as the ASCII it maps to; unmapped bytes map to 0, which no text
 * class allows. */
static size_t first_bad_ebcdic(uint8_t cls, const uint8_t *p, size_t n)
{
	uint8_t ascii[10000];

	assert(n <= sizeof ascii);
	for (size_t i = 0; i < n; i++)
		ascii[i] = iso8583_from_ebcdic(p[i]);
	return first_bad(cls, ascii, n);
}

static int check_content(const iso8583_field_spec *s, const iso8583_where *w, const uint8_t *p,
                         size_t units, size_t offset, iso8583_diag *diag)
{
	size_t i;

	switch (s->enc) {
	case ISO8583_ENC_BIN:
		return ISO8583_OK;
	case ISO8583_ENC_HEX:
		for (i = 0; i < 2 * units; i++)
			if (p[i] >= 'a' || hex_digit(p[i]) < 0)
				return iso8583_fail(diag, ISO8583_ECONTENT, w, offset + i,
				                    "not an upper-case hex digit at offset %zu",
				                    offset + i);
		return ISO8583_OK;
	case ISO8583_ENC_BCD_L:
	case ISO8583_ENC_BCD_R:
		if (s->cls == ISO8583_XN && units > 0) {
			if (first_bad(ISO8583_XN, p, 1) != 1)
				return bad_char(diag, w, s, p[0], offset);
			return check_bcd(s, w, p + 1, units - 1, offset + 1, diag);
		}
		return check_bcd(s, w, p, units, offset, diag);
	case ISO8583_ENC_EBCDIC:
		i = first_bad_ebcdic(s->cls, p, units);
		break;
	default:
		i = first_bad(s->cls, p, units);
		break;
	}
	return i < units ? bad_char(diag, w, s, p[i], offset + i) : ISO8583_OK;
}

int iso8583_field_read(const iso8583_field_spec *s, iso8583_cursor *c, const uint8_t **data,
                       size_t *units)
{
	const iso8583_where *w = &c->w;
	size_t at = c->pos, len = c->len, n = 0, size, psize = prefix_size(s);
	int rc;

	assert(at <= len);
	if (s->len_type == ISO8583_FIXED) {
		n = s->max;
	} else if (s->len_type == ISO8583_REST) {
		n = len - at; /* sub-field specs use one-byte-a-unit encodings */
		if (s->max > 0 && n > s->max)
			return iso8583_fail(c->diag, ISO8583_ELENGTH, w, w->base + at,
			                    "length %zu exceeds %u at offset %zu", n, s->max,
			                    w->base + at);
	} else {
		if (len - at < psize)
			return iso8583_fail(c->diag, ISO8583_ESHORT, w, w->base + at,
			                    "message ends in the length prefix at offset %zu",
			                    w->base + at);
		if ((rc = read_prefix(s, w, c->in + at, w->base + at, &n, c->diag)) != ISO8583_OK)
			return rc;
		if (n > s->max)
			return iso8583_fail(c->diag, ISO8583_ELENGTH, w, w->base + at,
			                    "length %zu exceeds %u at offset %zu", n, s->max,
			                    w->base + at);
		at += psize;
	}
	size = iso8583_wire_size(s, n);
	if (len - at < size)
		return iso8583_fail(c->diag, ISO8583_ESHORT, w, w->base + at,
		                    "needs %zu bytes, %zu left at offset %zu", size, len - at,
		                    w->base + at);
	if ((rc = check_content(s, w, c->in + at, n, w->base + at, c->diag)) != ISO8583_OK)
		return rc;
	*data = c->in + at;
	*units = n;
	c->pos = at + size;
	return ISO8583_OK;
}

void iso8583_field_decode(const iso8583_field_spec *s, const uint8_t *wire, size_t units,
                          uint8_t *out)
{
	switch (s->enc) {
	case ISO8583_ENC_BCD_L:
	case ISO8583_ENC_BCD_R: {
		size_t n = units, lead;
		if (s->cls == ISO8583_XN && units > 0) {
			*out++ = *wire++;
			n--;
		}
		lead = (n & 1) && s->enc == ISO8583_ENC_BCD_R ? 1 : 0;
		for (size_t i = 0; i < n; i++) {
			size_t k = i + lead;
			uint8_t v = k & 1 ? wire[k / 2] & 15 : wire[k / 2] >> 4;
			out[i] = (uint8_t)('0' + v); /* D, in track data, is '=' */
		}
		return;
	}
	case ISO8583_ENC_HEX:
		for (size_t i = 0; i < units; i++)
			out[i] =
			    (uint8_t)(hex_digit(wire[2 * i]) << 4 | hex_digit(wire[2 * i + 1]));
		return;
	case ISO8583_ENC_EBCDIC:
		for (size_t i = 0; i < units; i++)
			out[i] = iso8583_from_ebcdic(wire[i]);
		return;
	default:
		memcpy(out, wire, units);
		return;
	}
}

/* A digit's nibble. In track data '=' is the nibble D, which is just what '=' - '0' gives;
 * anything else comes out above 9. */
static unsigned digit_nibble(uint8_t c)
{
	return (unsigned)c - '0';
}

/* Eight ASCII digits (d[0] first) packed into four BCD bytes, a word at a time: XOR with '0'
 * leaves each digit's value in its byte; shifting each 16-bit lane left by 4 and right by 8
 * puts a pair into the lane's low byte, and two more steps gather the four pairs (the word
 * read and written little-endian, whatever the machine). *bad gets a top bit set for any byte that
 * was not a digit (as in digits8). */
static uint32_t bcd_pack8(const uint8_t *d, uint64_t *bad)
{
	uint64_t t = load64(d);

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	t = __builtin_bswap64(t);
#endif
	t ^= ONES * '0';
	*bad |= (t + ONES * 0x76) | t;
	t = ((t << 4) | (t >> 8)) & UINT64_C(0x00FF00FF00FF00FF);
	t = (t | (t >> 8)) & UINT64_C(0x0000FFFF0000FFFF);
	return (uint32_t)(t | (t >> 16));
}

/* Packs n digits two to a byte, the odd nibble padded with 0 on the left (right-aligned) or
 * on the right. Returns false if a character was not a digit (or, in track data, '0' plus
 * any nibble: '=' - '0' is the separator D). Track data is checked first; plain digits on the way,
 * where a nibble above 9 reaches bit 4 when 6 is added. */
static bool bcd_encode(const uint8_t *d, size_t n, bool right, bool track, uint8_t *out)
{
	unsigned acc = 0, hi, lo;
	uint64_t bad = 0;
	size_t i = 0;

	for (size_t k = 0; track && k < n; k++)
		if ((d[k] & 0xF0) != 0x30) /* '0' + any nibble: see nibble_ok() */
			return false;
	if ((n & 1) && right) {
		lo = digit_nibble(d[0]);
		acc |= lo + 6;
		*out++ = (uint8_t)lo;
		i = 1;
	}
	for (; i + 8 <= n; i += 8, out += 4) {
		uint32_t packed = bcd_pack8(d + i, &bad);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		packed = __builtin_bswap32(packed);
#endif
		memcpy(out, &packed, 4);
	}
	for (; i + 1 < n; i += 2) {
		hi = digit_nibble(d[i]);
		lo = digit_nibble(d[i + 1]);
		acc |= (hi + 6) | (lo + 6);
		*out++ = (uint8_t)(hi << 4 | lo);
	}
	if (i < n) {
		hi = digit_nibble(d[i]);
		acc |= hi + 6;
		*out = (uint8_t)(hi << 4);
	}
	return track || ((acc & ~0xFu) == 0 && (bad & HIGHS) == 0);
}

/* Writes a logical value in the field's encoding; false if a character is not of its class
 * (checked on the way for BCD digits, before writing otherwise). */
static bool encode(const iso8583_field_spec *s, const uint8_t *val, size_t units, uint8_t *out)
{
	static const char hexd[] = "0123456789ABCDEF";

	switch (s->enc) {
	case ISO8583_ENC_BCD_L:
	case ISO8583_ENC_BCD_R:
		if (s->cls == ISO8583_XN) {
			if (first_bad(ISO8583_XN, val, 1) != 1)
				return false;
			*out++ = *val++;
			units--;
		}
		return bcd_encode(val, units, s->enc == ISO8583_ENC_BCD_R, s->cls == ISO8583_Z,
		                  out);
	case ISO8583_ENC_HEX:
		for (size_t i = 0; i < units; i++) {
			out[2 * i] = (uint8_t)hexd[val[i] >> 4];
			out[2 * i + 1] = (uint8_t)hexd[val[i] & 15];
		}
		return true;
	case ISO8583_ENC_EBCDIC:
		if (first_bad(s->cls, val, units) != units)
			return false;
		for (size_t i = 0; i < units; i++)
			out[i] = iso8583_to_ebcdic(val[i]);
		return true;
	default:
		if (first_bad(s->cls, val, units) != units)
			return false;
		memcpy(out, val, units);
		return true;
	}
}

/* Short fixed values are padded as ISO 8583 prescribes, numbers with leading zeros and text
 * with trailing spaces, then written like any other. Binary, track and signed values must
 * fit exactly. */
static int write_padded(const iso8583_field_spec *s, iso8583_cursor *c, const uint8_t *val,
                        size_t units)
{
	uint8_t padded[10000];
	size_t lead;

	if ((s->cls != ISO8583_N && s->cls != ISO8583_AN && s->cls != ISO8583_ANS) ||
	    s->max > sizeof padded)
		return iso8583_fail(c->diag, ISO8583_ELENGTH, &c->w, c->w.base + c->pos,
		                    "length %zu, must be %u", units, s->max);
	lead = s->cls == ISO8583_N ? s->max - units : 0;
	memset(padded, s->cls == ISO8583_N ? '0' : ' ', s->max);
	memcpy(padded + lead, val, units);
	return iso8583_field_write(s, c, padded, s->max, false);
}

int iso8583_field_write(const iso8583_field_spec *s, iso8583_cursor *c, const uint8_t *val,
                        size_t units, bool wire)
{
	const iso8583_where *w = &c->w;
	size_t at = c->pos, psize = prefix_size(s), size;
	uint8_t *out = c->out + at;

	assert(s->len_type != ISO8583_REST);
	if (units > s->max)
		return iso8583_fail(c->diag, ISO8583_ELENGTH, w, w->base + at,
		                    "length %zu exceeds %u", units, s->max);
	if (s->len_type == ISO8583_FIXED && units != s->max) {
		if (wire)
			return iso8583_fail(c->diag, ISO8583_ELENGTH, w, w->base + at,
			                    "length %zu, must be %u", units, s->max);
		return write_padded(s, c, val, units);
	}
	if (!wire && s->cls == ISO8583_XN && units == 0)
		return iso8583_fail(c->diag, ISO8583_ECONTENT, w, w->base + at,
		                    "x+n value is empty");
	if (!wire && s->cls == ISO8583_B && is_bcd(s))
		return iso8583_fail(c->diag, ISO8583_ECONTENT, w, w->base + at,
		                    "binary field cannot be BCD");
	size = iso8583_wire_size(s, units);
	if (c->len - at < psize + size)
		return iso8583_fail(c->diag, ISO8583_ESPACE, w, w->base + at,
		                    "output buffer too small");
	write_prefix(s, units, out);
	if (wire) {
		memcpy(out + psize, val, size);
	} else if (!encode(s, val, units, out + psize)) {
		size_t bad = first_bad(s->cls, val, units);
		return iso8583_fail(c->diag, ISO8583_ECONTENT, w, w->base + at,
		                    "'%c' is not allowed in an %s field at offset %zu", val[bad],
		                    class_names[s->cls], w->base + at);
	}
	c->pos = at + psize + size;
	return ISO8583_OK;
}
