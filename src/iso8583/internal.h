/* internal.h — what the iso8583 files share with each other and nothing outside uses: the
 * one-field reader and writer that both messages and sub-fields are built on. */
#ifndef POSSUM_ISO8583_INTERNAL_H
#define POSSUM_ISO8583_INTERNAL_H

#include "iso8583/iso8583.h"

/* Who is being read or written, for error messages: a field number, or a sub-field path
 * such as "60.2"; `base` is added to offsets so they count from the start of the input. */
typedef struct iso8583_where {
	int f;
	const char *path;
	size_t base;
} iso8583_where;

/* Walks the present fields in order without a call per step, for the pack and unpack loops:
 *   iso8583_iter it = ISO8583_ITER(m->present);
 *   for (int f; (f = iso8583_iter_next(&it)) != 0;) … */
typedef struct iso8583_iter {
	const uint64_t *words;
	int w;
	uint64_t x;
} iso8583_iter;

#define ISO8583_ITER(present) ((iso8583_iter){(present), 0, (present)[0]})

static inline int iso8583_iter_next(iso8583_iter *it)
{
	int lz;

	while (it->x == 0) {
		if (++it->w == 3)
			return 0;
		it->x = it->words[it->w];
	}
	lz = __builtin_clzll(it->x);
	it->x &= ~(UINT64_C(1) << (63 - lz));
	return it->w * 64 + lz + 1;
}

uint8_t iso8583_to_ebcdic(uint8_t c);
uint8_t iso8583_from_ebcdic(uint8_t c);

/* Bytes that `units` logical units of a field take on the wire, prefix excluded. */
size_t iso8583_wire_size(const iso8583_field_spec *s, size_t units);

/* Where reading or writing stands: the buffer (`in` when reading, `out` when writing), its
 * length or capacity, the position of the next field, and what an error there names. */
typedef struct iso8583_cursor {
	const uint8_t *in;
	uint8_t *out;
	size_t len;
	size_t pos;
	iso8583_where w;
	iso8583_diag *diag;
} iso8583_cursor;

/* Reads one field (prefix and content) at c->pos, checks it and advances c->pos; *data
 * points at the content in its wire form, *units is its logical length. */
int iso8583_field_read(const iso8583_field_spec *s, iso8583_cursor *c, const uint8_t **data,
                       size_t *units);

/* Writes one field at c->pos and advances c->pos. `val` is the logical value, or the
 * content already in this spec's wire form when `wire` is true. */
int iso8583_field_write(const iso8583_field_spec *s, iso8583_cursor *c, const uint8_t *val,
                        size_t units, bool wire);

/* Decodes a wire-form content of `units` units into its logical value; out holds units
 * bytes. */
void iso8583_field_decode(const iso8583_field_spec *s, const uint8_t *wire, size_t units,
                          uint8_t *out);

/* Fills diag (if not NULL) and returns rc. */
int iso8583_fail(iso8583_diag *diag, int rc, const iso8583_where *w, size_t offset, const char *fmt,
                 ...) __attribute__((format(printf, 5, 6)));

#endif
