/* message.c — an ISO 8583 message: MTI, bitmaps and fields, packed and unpacked under a
 * profile. The bitmap in iso8583_msg.present is kept in wire order (bit 63 of word 0 is
 * field 1), so unpacking copies it and packing writes it with the extension bits set. */
#include "iso8583/internal.h"

#include <assert.h>
#include <string.h>

#include "common/hex.h"

#define BIT(f)  (UINT64_C(1) << (63 - ((f)-1) % 64))
#define WORD(f) (((f)-1) / 64)

void iso8583_msg_init(iso8583_msg *m)
{
	/* Only the bitmap and MTI: fields are valid where present, so the 3 KiB of values
	 * need no clearing per message. */
	memset(m->mti, 0, sizeof m->mti);
	memset(m->present, 0, sizeof m->present);
	m->wire = NULL;
	m->secondary = false;
}

static bool mti_ok(const char *mti)
{
	for (int i = 0; i < 4; i++)
		if (mti[i] < '0' || mti[i] > '9')
			return false;
	return mti[4] == '\0';
}

int iso8583_set_mti(iso8583_msg *m, const char *mti)
{
	if (strlen(mti) != 4 || !mti_ok(mti))
		return ISO8583_EMTI;
	memcpy(m->mti, mti, 5);
	return ISO8583_OK;
}

int iso8583_set(iso8583_msg *m, int f, const void *value, size_t len)
{
	if (f < 2 || f > ISO8583_MAX_FIELD)
		return ISO8583_EFIELD;
	if (len > 9999)
		return ISO8583_ELENGTH;
	m->field[f] = (iso8583_value){value, (uint16_t)len, false};
	m->present[WORD(f)] |= BIT(f);
	return ISO8583_OK;
}

int iso8583_set_str(iso8583_msg *m, int f, const char *value)
{
	return iso8583_set(m, f, value, strlen(value));
}

void iso8583_unset(iso8583_msg *m, int f)
{
	if (f >= 2 && f <= ISO8583_MAX_FIELD)
		m->present[WORD(f)] &= ~BIT(f);
}

bool iso8583_has(const iso8583_msg *m, int f)
{
	return f >= 2 && f <= ISO8583_MAX_FIELD && (m->present[WORD(f)] & BIT(f)) != 0;
}

int iso8583_next(const iso8583_msg *m, int f)
{
	for (int w = f / 64; w < 3; w++) {
		uint64_t x = m->present[w];
		if (w == f / 64)
			x &= f % 64 == 0 ? ~UINT64_C(0) : (UINT64_C(1) << (64 - f % 64)) - 1;
		if (x != 0)
			return w * 64 + __builtin_clzll(x) + 1;
	}
	return 0;
}

int iso8583_get(const iso8583_msg *m, int f, void *out, size_t cap, size_t *len_out)
{
	const iso8583_value *v;

	if (!iso8583_has(m, f))
		return ISO8583_EFIELD;
	v = &m->field[f];
	if (cap < (size_t)v->len + 1)
		return ISO8583_ESPACE;
	if (v->wire)
		iso8583_field_decode(&m->wire->fields[f], v->data, v->len, out);
	else
		memcpy(out, v->data, v->len);
	((uint8_t *)out)[v->len] = '\0';
	if (len_out != NULL)
		*len_out = v->len;
	return ISO8583_OK;
}

/* --- unpack --- */

static int read_mti(const iso8583_profile *p, const uint8_t *buf, size_t len, size_t base,
                    iso8583_msg *m, size_t *pos, iso8583_diag *diag)
{
	static const iso8583_where w = {0, NULL, 0};
	size_t need = p->mti_enc == ISO8583_MTI_BCD ? 2 : 4;

	if (len < need)
		return iso8583_fail(diag, ISO8583_ESHORT, &w, base,
		                    "message ends in the MTI at offset %zu", base);
	for (int i = 0; i < 4; i++) {
		uint8_t c = p->mti_enc == ISO8583_MTI_BCD
		                ? (uint8_t)('0' + (i & 1 ? buf[i / 2] & 15 : buf[i / 2] >> 4))
		                : buf[i];
		if (c < '0' || c > '9')
			return iso8583_fail(diag, ISO8583_EMTI, &w, base,
			                    "not four digits at offset %zu", base);
		m->mti[i] = (char)c;
	}
	m->mti[4] = '\0';
	*pos = need;
	return ISO8583_OK;
}

static int read_bitmap(const iso8583_profile *p, const uint8_t *buf, size_t len, size_t base,
                       size_t *pos, uint64_t *word, iso8583_diag *diag)
{
	static const iso8583_where w = {1, NULL, 0};
	size_t at = *pos, need = p->bitmap_enc == ISO8583_BITMAP_HEX ? 16 : 8;
	uint64_t v = 0;

	if (len - at < need)
		return iso8583_fail(diag, ISO8583_ESHORT, &w, base + at,
		                    "message ends in the bitmap at offset %zu", base + at);
	for (size_t i = 0; i < need; i++) {
		if (p->bitmap_enc == ISO8583_BITMAP_BINARY) {
			v = v << 8 | buf[at + i];
			continue;
		}
		/* Upper case only, as every peer writes it, so what is read packs back the same. */
		int d = buf[at + i] >= 'a' ? -1 : hex_digit(buf[at + i]);
		if (d < 0)
			return iso8583_fail(diag, ISO8583_EBITMAP, &w, base + at + i,
			                    "not an upper-case hex digit at offset %zu",
			                    base + at + i);
		v = v << 4 | (uint64_t)d;
	}
	*word = v;
	*pos = at + need;
	return ISO8583_OK;
}

static int unpack_at(const iso8583_profile *p, const uint8_t *buf, size_t len, size_t base,
                     iso8583_msg *m, iso8583_diag *diag)
{
	static const iso8583_where bitmap = {1, NULL, 0};
	size_t pos = 0, at[3], words = 0;
	int rc, last = 0;

	iso8583_msg_init(m);
	m->wire = p;
	if ((rc = read_mti(p, buf, len, base, m, &pos, diag)) != ISO8583_OK)
		return rc;
	/* Bit 1 announces the secondary bitmap, bit 65 the tertiary where the dialect has one. */
	do {
		at[words] = base + pos;
		rc = read_bitmap(p, buf, len, base, &pos, &m->present[words], diag);
		if (rc != ISO8583_OK)
			return rc;
		words++;
	} while ((words == 1 && (m->present[0] & BIT(1))) ||
	         (words == 2 && p->tertiary && (m->present[1] & BIT(65))));
	/* The extension bits are not fields. A bitmap that is sent must name a field (or
	 * announce one that does), but for a secondary bitmap naming none: peers send that (jPOS
	 * and others always send the secondary bitmap), and it is remembered to pack back. */
	m->present[0] &= ~BIT(1);
	if (p->tertiary)
		m->present[1] &= ~BIT(65);
	if ((m->present[0] | m->present[1] | m->present[2]) == 0)
		return iso8583_fail(diag, ISO8583_EBITMAP, &bitmap, at[0], "names no field");
	m->secondary = words >= 2 && m->present[1] == 0;
	if (words == 3 && m->present[2] == 0)
		return iso8583_fail(diag, ISO8583_EBITMAP, &bitmap, at[2],
		                    "tertiary bitmap names no field at offset %zu", at[2]);

	iso8583_cursor c = {buf, NULL, len, pos, {0, NULL, base}, diag};
	iso8583_iter it = ISO8583_ITER(m->present);
	for (int f; (f = iso8583_iter_next(&it)) != 0;) {
		const iso8583_field_spec *s = f <= p->max_field ? &p->fields[f] : NULL;
		const uint8_t *data;
		size_t units;

		c.w.f = f;
		if (s == NULL || s->name == NULL)
			return iso8583_fail(diag, ISO8583_EUNDEFINED, &c.w, base + c.pos,
			                    "not defined in %s, named by the bitmap at offset %zu",
			                    p->name, base + c.pos);
		if ((rc = iso8583_field_read(s, &c, &data, &units)) != ISO8583_OK)
			return rc;
		m->field[f] = (iso8583_value){data, (uint16_t)units, true};
		last = f;
	}
	if (c.pos != len)
		return iso8583_fail(diag, ISO8583_ETRAILING, &(iso8583_where){last, NULL, 0},
		                    base + c.pos, "%zu bytes left over after it at offset %zu",
		                    len - c.pos, base + c.pos);
	return ISO8583_OK;
}

int iso8583_unpack(const iso8583_profile *p, const uint8_t *buf, size_t len, iso8583_msg *m,
                   iso8583_diag *diag)
{
	assert(p != NULL && m != NULL && (buf != NULL || len == 0));
	return unpack_at(p, buf, len, 0, m, diag);
}

/* --- pack --- */

static void write_word(const iso8583_profile *p, uint64_t v, uint8_t *out)
{
	static const char hexd[] = "0123456789ABCDEF";

	for (int i = 0; i < 8; i++) {
		uint8_t b = (uint8_t)(v >> (56 - 8 * i));
		if (p->bitmap_enc == ISO8583_BITMAP_HEX) {
			out[2 * i] = (uint8_t)hexd[b >> 4];
			out[2 * i + 1] = (uint8_t)hexd[b & 15];
		} else {
			out[i] = b;
		}
	}
}

/* A value unpacked under another profile is brought to its logical form first. Kept out of
 * iso8583_pack so the common path carries no 10 KiB buffer. */
static int write_foreign(const iso8583_profile *p, const iso8583_msg *m, int f, iso8583_cursor *c)
{
	uint8_t tmp[10000];
	const iso8583_value *v = &m->field[f];

	iso8583_field_decode(&m->wire->fields[f], v->data, v->len, tmp);
	return iso8583_field_write(&p->fields[f], c, tmp, v->len, false);
}

static int pack_at(const iso8583_profile *p, const iso8583_msg *m, uint8_t *buf, size_t cap,
                   size_t base, size_t *len_out, iso8583_diag *diag)
{
	uint64_t bm[3] = {m->present[0], m->present[1], m->present[2]};
	size_t pos = 0, words, wsize = p->bitmap_enc == ISO8583_BITMAP_HEX ? 16 : 8;
	int rc;

	if (!mti_ok(m->mti))
		return iso8583_fail(diag, ISO8583_EMTI, &(iso8583_where){0, NULL, 0}, base,
		                    "not four digits");
	if ((bm[0] | bm[1] | bm[2]) == 0)
		return iso8583_fail(diag, ISO8583_EBITMAP, &(iso8583_where){1, NULL, 0}, base,
		                    "names no field");
	words = bm[2] ? 3 : bm[1] || m->secondary ? 2 : 1;
	if (words > 1)
		bm[0] |= BIT(1);
	if (words > 2)
		bm[1] |= BIT(65);

	if (cap < (p->mti_enc == ISO8583_MTI_BCD ? 2 : 4) + words * wsize)
		return iso8583_fail(diag, ISO8583_ESPACE, NULL, base, "output buffer too small");
	if (p->mti_enc == ISO8583_MTI_BCD) {
		buf[0] = (uint8_t)((m->mti[0] - '0') << 4 | (m->mti[1] - '0'));
		buf[1] = (uint8_t)((m->mti[2] - '0') << 4 | (m->mti[3] - '0'));
		pos = 2;
	} else {
		memcpy(buf, m->mti, 4);
		pos = 4;
	}
	for (size_t i = 0; i < words; i++, pos += wsize)
		write_word(p, bm[i], buf + pos);

	iso8583_cursor c = {NULL, buf, cap, pos, {0, NULL, base}, diag};
	iso8583_iter it = ISO8583_ITER(m->present);
	for (int f; (f = iso8583_iter_next(&it)) != 0;) {
		const iso8583_value *v = &m->field[f];

		c.w.f = f;
		if (f > p->max_field || p->fields[f].name == NULL || (p->tertiary && f == 65))
			return iso8583_fail(diag, ISO8583_EUNDEFINED, &c.w, base + c.pos,
			                    "not defined in %s", p->name);
		if (v->wire && m->wire != p)
			rc = write_foreign(p, m, f, &c);
		else
			rc = iso8583_field_write(&p->fields[f], &c, v->data, v->len, v->wire);
		if (rc != ISO8583_OK)
			return rc;
	}
	pos = c.pos;
	*len_out = pos;
	return ISO8583_OK;
}

int iso8583_pack(const iso8583_profile *p, const iso8583_msg *m, uint8_t *buf, size_t cap,
                 size_t *len_out, iso8583_diag *diag)
{
	assert(p != NULL && m != NULL && buf != NULL && len_out != NULL);
	return pack_at(p, m, buf, cap, 0, len_out, diag);
}

/* --- framing --- */

static size_t frame_overhead(const iso8583_profile *p)
{
	return (size_t)p->len_header + p->tpdu_len + p->header_len;
}

int iso8583_frame_size(const iso8583_profile *p, const uint8_t *buf, size_t len, size_t *frame_len)
{
	size_t n = 0;

	if (p->len_header == 0)
		return ISO8583_EFRAME;
	if (len < p->len_header)
		return ISO8583_EMORE;
	for (size_t i = 0; i < p->len_header; i++)
		n = n << 8 | buf[i];
	*frame_len = p->len_header + n;
	return ISO8583_OK;
}

int iso8583_unpack_framed(const iso8583_profile *p, const uint8_t *buf, size_t len,
                          iso8583_envelope *env, iso8583_msg *m, iso8583_diag *diag)
{
	size_t frame_len, at = p->len_header;
	int rc = iso8583_frame_size(p, buf, len, &frame_len);

	if (rc == ISO8583_EMORE || (rc == ISO8583_OK && len < frame_overhead(p)))
		return iso8583_fail(diag, ISO8583_EFRAME, NULL, 0,
		                    "%zu bytes, shorter than the frame's %zu-byte headers", len,
		                    frame_overhead(p));
	if (rc != ISO8583_OK)
		return iso8583_fail(diag, rc, NULL, 0, "%s has no length header", p->name);
	if (frame_len != len)
		return iso8583_fail(diag, ISO8583_EFRAME, NULL, 0,
		                    "length header says %zu bytes, %zu follow", frame_len - at,
		                    len - at);
	if (env != NULL)
		memset(env, 0, sizeof *env);
	if (p->tpdu_len > 0) {
		/* cup-pos TPDU: id 60, destination, source (docs/cup-pos.md, Framing). */
		if (buf[at] != 0x60)
			return iso8583_fail(diag, ISO8583_EFRAME, NULL, at,
			                    "TPDU id %02X, expected 60 at offset %zu", buf[at], at);
		if (env != NULL) {
			memcpy(env->tpdu, buf + at, p->tpdu_len);
			memcpy(env->header, buf + at + p->tpdu_len, p->header_len);
		}
		at += (size_t)p->tpdu_len + p->header_len;
	}
	return unpack_at(p, buf + at, len - at, at, m, diag);
}

int iso8583_pack_framed(const iso8583_profile *p, const iso8583_envelope *env, const iso8583_msg *m,
                        uint8_t *buf, size_t cap, size_t *len_out, iso8583_diag *diag)
{
	size_t over = frame_overhead(p), body, total;
	int rc;

	if (p->len_header == 0)
		return iso8583_fail(diag, ISO8583_EFRAME, NULL, 0, "%s has no length header",
		                    p->name);
	if (p->tpdu_len > 0 && env == NULL)
		return iso8583_fail(diag, ISO8583_EFRAME, NULL, 0, "%s needs a TPDU and header",
		                    p->name);
	if (cap < over)
		return iso8583_fail(diag, ISO8583_ESPACE, NULL, 0, "output buffer too small");
	if ((rc = pack_at(p, m, buf + over, cap - over, over, &body, diag)) != ISO8583_OK)
		return rc;
	total = body + p->tpdu_len + p->header_len;
	if (p->len_header < sizeof total && total >> (8 * p->len_header) != 0)
		return iso8583_fail(diag, ISO8583_ESPACE, NULL, 0,
		                    "%zu bytes do not fit the %u-byte length header", total,
		                    p->len_header);
	for (size_t i = 0; i < p->len_header; i++)
		buf[i] = (uint8_t)(total >> (8 * (p->len_header - 1 - i)));
	if (p->tpdu_len > 0) {
		memcpy(buf + p->len_header, env->tpdu, p->tpdu_len);
		memcpy(buf + p->len_header + p->tpdu_len, env->header, p->header_len);
	}
	*len_out = p->len_header + total;
	return ISO8583_OK;
}

void iso8583_envelope_reply(const iso8583_envelope *req, iso8583_envelope *resp)
{
	resp->tpdu[0] = req->tpdu[0];
	memcpy(resp->tpdu + 1, req->tpdu + 3, 2);
	memcpy(resp->tpdu + 3, req->tpdu + 1, 2);
	memcpy(resp->header, req->header, sizeof resp->header);
}

const char *iso8583_strerror(int rc)
{
	switch (rc) {
	case ISO8583_OK:
		return "ok";
	case ISO8583_ESHORT:
		return "message cut short";
	case ISO8583_ELENGTH:
		return "field longer than its maximum";
	case ISO8583_EPREFIX:
		return "length prefix is not a number";
	case ISO8583_ECONTENT:
		return "character not allowed in field";
	case ISO8583_EUNDEFINED:
		return "field not defined in this dialect";
	case ISO8583_ETRAILING:
		return "bytes left over after the last field";
	case ISO8583_EMTI:
		return "MTI is not four digits";
	case ISO8583_EBITMAP:
		return "bad bitmap";
	case ISO8583_ESPACE:
		return "buffer too small";
	case ISO8583_EFIELD:
		return "no such field";
	case ISO8583_EFRAME:
		return "bad frame";
	case ISO8583_EMORE:
		return "incomplete frame";
	case ISO8583_ESUB:
		return "sub-field does not fit its layout";
	}
	return "unknown ISO 8583 error";
}
