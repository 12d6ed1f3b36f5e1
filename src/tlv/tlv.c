/* tlv.c — BER-TLV parse, check, walk, find and build for EMV data (see tlv.h).
 *
 * One reader, tlv_next(), does all the byte-level checking; validate, walk and find are
 * the same bounded recursion over it (walk_level), differing only in the visitor. */
#include "tlv/tlv.h"

#include <assert.h>
#include <string.h>

/* tlv_find()'s visitor stops the walk with this when it has the match; positive, so it
 * cannot be taken for a TLV_E* code, and never returned to a caller. */
#define FOUND 2

/* EMV 4.3 Book 3 Annex B: '00' bytes before, between or after objects mean nothing. */
static size_t skip_padding(const uint8_t *buf, size_t len, size_t pos)
{
	while (pos < len && buf[pos] == 0x00)
		pos++;
	return pos;
}

/* Annex B1: if bits 5..1 of the first byte are all 1 the tag number follows in further
 * bytes, each with bit 8 set while another one follows (ISO/IEC 8825-1 8.1.2.4). */
static int read_tag(const uint8_t *buf, size_t len, size_t *pos, uint32_t *tag)
{
	size_t p = *pos, n = 1;
	uint32_t t = buf[p++];
	uint8_t b;

	if ((t & 0x1F) == 0x1F) {
		do {
			if (n == 4)
				return TLV_ETAGLONG;
			if (p == len)
				return TLV_ETAG;
			b = buf[p++];
			t = t << 8 | b;
			n++;
		} while (b & 0x80);
	}
	*tag = t;
	*pos = p;
	return TLV_OK;
}

/* Annex B2: one byte 00..7F is the length; 81 and 82 say one or two length bytes follow.
 * Nothing longer is allowed (see tlv.h), nor the indefinite form 80. */
static int read_len(const uint8_t *buf, size_t len, size_t *pos, size_t *out)
{
	size_t p = *pos, n, v = 0;
	uint8_t b;

	if (p == len)
		return TLV_ELEN;
	b = buf[p++];
	if (b < 0x80) {
		v = b;
	} else {
		n = b & 0x7F;
		if (n == 0 || n > 2)
			return TLV_ELENFORM;
		if (len - p < n)
			return TLV_ELEN;
		while (n-- > 0)
			v = v << 8 | buf[p++];
	}
	*out = v;
	*pos = p;
	return TLV_OK;
}

int tlv_next(const uint8_t *buf, size_t len, size_t *pos, tlv *out)
{
	size_t p, vlen;
	uint32_t tag;
	int rc;

	assert(buf != NULL || len == 0);
	assert(pos != NULL && *pos <= len && out != NULL);
	p = *pos = skip_padding(buf, len, *pos);
	if (p == len)
		return TLV_END;
	if (len - p == 1)
		return TLV_ETRAILING;
	if ((rc = read_tag(buf, len, &p, &tag)) != TLV_OK ||
	    (rc = read_len(buf, len, &p, &vlen)) != TLV_OK)
		return rc;
	if (vlen > len - p)
		return TLV_EOVERRUN;
	out->tag = tag;
	out->value = buf + p;
	out->len = vlen;
	*pos = p + vlen;
	return TLV_OK;
}

struct walk {
	const uint8_t *base; /* the caller's buffer, for fault offsets */
	tlv_visit_fn *fn;    /* NULL to check only */
	void *ctx;
	tlv_fault *fault; /* NULL if the caller does not want it */
};

/* Records where and why the walk stopped; a fault below the top level is reported to the
 * caller as TLV_ECONTENT, except nesting too deep, which is its own rule. */
static int walk_fail(struct walk *w, const uint8_t *at, int depth, int cause)
{
	if (w->fault != NULL) {
		w->fault->offset = (size_t)(at - w->base);
		w->fault->depth = depth;
		w->fault->cause = cause;
	}
	return depth > 0 && cause != TLV_EDEPTH ? TLV_ECONTENT : cause;
}

/* Reads one level, visiting each object before descending into it; recursion is bounded
 * by TLV_MAX_DEPTH, so the stack cost is too. */
static int walk_level(struct walk *w, const uint8_t *buf, size_t len, int depth)
{
	size_t pos = 0, start;
	tlv t;
	int rc;

	for (;;) {
		start = pos = skip_padding(buf, len, pos);
		rc = tlv_next(buf, len, &pos, &t);
		if (rc == TLV_END)
			return TLV_OK;
		if (rc == TLV_OK && depth >= TLV_MAX_DEPTH)
			rc = TLV_EDEPTH;
		if (rc != TLV_OK)
			return walk_fail(w, buf + start, depth, rc);
		if (w->fn != NULL && (rc = w->fn(w->ctx, &t, depth)) != 0)
			return rc;
		if (tlv_is_constructed(t.tag) &&
		    (rc = walk_level(w, t.value, t.len, depth + 1)) != TLV_OK)
			return rc;
	}
}

static int walk_all(const uint8_t *buf, size_t len, tlv_visit_fn *fn, void *ctx, tlv_fault *fault)
{
	struct walk w = {buf, fn, ctx, fault};

	assert(buf != NULL || len == 0);
	if (fault != NULL)
		*fault = (tlv_fault){0, 0, TLV_OK};
	return walk_level(&w, buf, len, 0);
}

int tlv_validate(const uint8_t *buf, size_t len, tlv_fault *fault)
{
	return walk_all(buf, len, NULL, NULL, fault);
}

int tlv_walk(const uint8_t *buf, size_t len, tlv_visit_fn *fn, void *ctx, tlv_fault *fault)
{
	assert(fn != NULL);
	return walk_all(buf, len, fn, ctx, fault);
}

struct find {
	uint32_t tag;
	tlv *out;
};

static int find_visit(void *ctx, const tlv *t, int depth)
{
	struct find *f = ctx;

	(void)depth;
	if (t->tag != f->tag)
		return 0;
	*f->out = *t;
	return FOUND;
}

int tlv_find(const uint8_t *buf, size_t len, uint32_t tag, tlv *out)
{
	struct find f = {tag, out};
	int rc;

	assert(out != NULL);
	rc = walk_all(buf, len, find_visit, &f, NULL);
	if (rc == FOUND)
		return TLV_OK;
	return rc == TLV_OK ? TLV_ENOTFOUND : rc;
}

/* Bytes in the tag as written: the uint32_t holds it big-endian without leading zeros. */
static size_t tag_size(uint32_t tag)
{
	if (tag > 0xFFFFFF)
		return 4;
	if (tag > 0xFFFF)
		return 3;
	return tag > 0xFF ? 2 : 1;
}

static uint8_t tag_first_byte(uint32_t tag)
{
	return (uint8_t)(tag >> 8 * (tag_size(tag) - 1));
}

/* Whether read_tag() would read exactly these bytes back: a first byte that is not
 * padding, with bits 5..1 all 1 if and only if more bytes follow, and bit 8 set in every
 * later byte but the last (Annex B1). */
static int tag_is_valid(uint32_t tag)
{
	size_t n = tag_size(tag);
	uint8_t first = tag_first_byte(tag);

	if (first == 0x00 || ((first & 0x1F) == 0x1F) != (n > 1))
		return 0;
	for (size_t i = n - 1; i-- > 0;) {
		uint8_t b = (uint8_t)(tag >> 8 * i);
		if (((b & 0x80) != 0) != (i > 0))
			return 0;
	}
	return 1;
}

int tlv_put(uint8_t *buf, size_t cap, size_t *pos, uint32_t tag, const uint8_t *value, size_t len)
{
	uint8_t hdr[7]; /* 4 tag bytes and 82 XX XX */
	size_t n = 0;

	assert(buf != NULL || cap == 0);
	assert(pos != NULL && *pos <= cap);
	assert(value != NULL || len == 0);
	if (!tag_is_valid(tag))
		return TLV_EBADTAG;
	if (len > TLV_MAX_LEN)
		return TLV_ETOOLONG;
	for (size_t i = tag_size(tag); i-- > 0;)
		hdr[n++] = (uint8_t)(tag >> 8 * i);
	/* Annex B2, shortest form: 1 byte to 127, 81 XX to 255, 82 XX XX beyond. */
	if (len > 0xFF)
		hdr[n++] = 0x82;
	else if (len > 0x7F)
		hdr[n++] = 0x81;
	if (len > 0xFF)
		hdr[n++] = (uint8_t)(len >> 8);
	hdr[n++] = (uint8_t)len;
	if (cap - *pos < n || cap - *pos - n < len)
		return TLV_ESPACE;
	/* Value first: it may sit where the header goes (a template built in place). */
	if (len > 0)
		memmove(buf + *pos + n, value, len);
	memcpy(buf + *pos, hdr, n);
	*pos += n + len;
	return TLV_OK;
}

int tlv_is_constructed(uint32_t tag)
{
	return (tag_first_byte(tag) & 0x20) != 0;
}

const char *tlv_strerror(int rc)
{
	switch (rc) {
	case TLV_OK:
		return "ok";
	case TLV_END:
		return "end of data";
	case TLV_ETAG:
		return "tag cut short";
	case TLV_ETAGLONG:
		return "tag longer than 4 bytes";
	case TLV_ELEN:
		return "length missing or cut short";
	case TLV_ELENFORM:
		return "length form not allowed (indefinite, or more than 3 bytes)";
	case TLV_EOVERRUN:
		return "value runs past the end of the data";
	case TLV_EDEPTH:
		return "constructed objects nested too deep";
	case TLV_ECONTENT:
		return "constructed object's contents are not valid BER-TLV";
	case TLV_ETRAILING:
		return "stray byte after the data";
	case TLV_ENOTFOUND:
		return "tag not found";
	case TLV_EBADTAG:
		return "not a valid BER-TLV tag";
	case TLV_ETOOLONG:
		return "value longer than 65535 bytes";
	case TLV_ESPACE:
		return "output buffer too small";
	}
	return "unknown tlv error";
}
