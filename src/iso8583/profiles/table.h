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

#endif
