/* table.h — shorthand for writing profile tables, shared by the built-in dialects. */
#ifndef POSSUM_ISO8583_TABLE_H
#define POSSUM_ISO8583_TABLE_H

#include "iso8583/profile.h"

/* A field: name, length type, class, content encoding, prefix encoding, maximum. */
#define FIELD(name, lt, cls, enc, lenc, max)                                                       \
	{                                                                                          \
		(name), ISO8583_##lt, ISO8583_##cls, ISO8583_ENC_##enc, ISO8583_LEN_##lenc, (max), \
		    NULL                                                                           \
	}
#define FIELD_L(name, lt, cls, enc, lenc, max, layouts)                                            \
	{                                                                                          \
		(name), ISO8583_##lt, ISO8583_##cls, ISO8583_ENC_##enc, ISO8583_LEN_##lenc, (max), \
		    (layouts)                                                                      \
	}

/* A sub-field of a parent's logical value: one byte a unit, so ASCII throughout. */
#define SUB(id, name, lt, cls, max)                                                                \
	{                                                                                          \
		(id), FIELD(name, lt, cls, ASCII, ASCII, max)                                      \
	}
#define SUB_L(id, name, lt, cls, max, layouts)                                                     \
	{                                                                                          \
		(id), FIELD_L(name, lt, cls, ASCII, ASCII, max, layouts)                           \
	}

/* The built-in dialects, listed by profiles.c. */
extern const iso8583_profile iso8583_cup_pos, iso8583_iso87a, iso8583_iso87a_bb, iso8583_iso87b;

#define COUNT(a) ((uint8_t)(sizeof(a) / sizeof((a)[0])))

/* A sub-field layout for messages whose MTI starts with sel ("" for all): sub-fields one after
 * another (SEQ); tagged ones, tags of tag_width characters and lengths of len_digits digits
 * (TAGGED); a count of count_digits digits then at most max records (REPEAT); BER-TLV (TLV). */
#define LAYOUT_SEQ(sel, what, subs_)                                                               \
	{                                                                                          \
		.kind = ISO8583_LAYOUT_SEQ, .mti = (sel), .name = (what), .subs = (subs_),         \
		.n_subs = COUNT(subs_)                                                             \
	}
#define LAYOUT_TAGGED(sel, what, subs_, tag_width_, len_digits_)                                   \
	{                                                                                          \
		.kind = ISO8583_LAYOUT_TAGGED, .mti = (sel), .name = (what), .subs = (subs_),      \
		.n_subs = COUNT(subs_), .tag_width = (tag_width_), .len_digits = (len_digits_)     \
	}
#define LAYOUT_REPEAT(sel, what, count_digits_, max, record_)                                      \
	{                                                                                          \
		.kind = ISO8583_LAYOUT_REPEAT, .mti = (sel), .name = (what),                       \
		.count_digits = (count_digits_), .max_count = (max), .record = (record_)           \
	}
#define LAYOUT_TLV(sel, what)                                                                      \
	{                                                                                          \
		.kind = ISO8583_LAYOUT_TLV, .mti = (sel), .name = (what)                           \
	}

#endif
