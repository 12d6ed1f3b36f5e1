/* profile.h — what a dialect of ISO 8583 is made of: field specs, sub-field layouts, MTI and
 * bitmap encodings, framing. A profile is data; a new dialect is a new table.
 *
 * The built-in profiles (cup-pos, iso87a, iso87a-bb, iso87b) are static and live for the
 * program's life; iso8583_profile_find() returns a pointer to one of them. */
#ifndef POSSUM_ISO8583_PROFILE_H
#define POSSUM_ISO8583_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How the length of a field is given. */
enum iso8583_len_type {
	ISO8583_FIXED = 0, /* always `max` units */
	ISO8583_LL,        /* prefix of up to 99 */
	ISO8583_LLL,       /* up to 999 */
	ISO8583_LLLL,      /* up to 9999 */
	ISO8583_REST,      /* sub-fields only: everything that remains of the parent value */
};

/* What a field may contain (ISO 8583:1987 4.2). The logical value of a field — what
 * iso8583_set() takes and iso8583_get() gives — is text for every class but b, whose value
 * is raw bytes. */
enum iso8583_class {
	ISO8583_N = 0, /* decimal digits */
	ISO8583_AN,    /* letters, digits and space */
	ISO8583_ANS,   /* printable characters (UTF-8 allowed) */
	ISO8583_B,     /* binary */
	ISO8583_Z,     /* track 2/3 data: digits and '='; in BCD any nibble v, as '0' + v */
	ISO8583_XN,    /* 'C' or 'D' then digits (amounts with a sign) */
};

/* How the content is written on the wire. */
enum iso8583_encoding {
	ISO8583_ENC_ASCII = 0, /* text as is; binary raw */
	ISO8583_ENC_BCD_L,     /* packed BCD, odd length left-aligned (a 0 nibble pads the right) */
	ISO8583_ENC_BCD_R,     /* packed BCD, odd length right-aligned (a 0 nibble pads the left) */
	ISO8583_ENC_BIN,       /* raw bytes */
	ISO8583_ENC_HEX,       /* binary written as upper-case hex characters */
	ISO8583_ENC_EBCDIC,    /* text in EBCDIC (code page 037) */
};

/* How a length prefix is written. BCD and binary prefixes take one byte for LL and two for
 * LLL and LLLL; ASCII and EBCDIC take one character a digit. Prefixes count the logical
 * units: digits for n, z and xn (the sign included), characters for text, bytes for b. */
enum iso8583_len_encoding {
	ISO8583_LEN_ASCII = 0,
	ISO8583_LEN_BCD,
	ISO8583_LEN_BIN,
	ISO8583_LEN_EBCDIC,
};

typedef struct iso8583_layout iso8583_layout;

typedef struct iso8583_field_spec {
	const char *name; /* NULL: the dialect does not define this field */
	uint8_t len_type; /* enum iso8583_len_type */
	uint8_t cls;      /* enum iso8583_class */
	uint8_t enc;      /* enum iso8583_encoding */
	uint8_t len_enc;  /* enum iso8583_len_encoding */
	uint16_t max;     /* fixed length, or the largest a prefix may give, in logical units */
	const iso8583_layout *const *layouts; /* sub-field breakdowns, NULL-terminated, or NULL */
} iso8583_field_spec;

/* A sub-field: positional (id "1", "2", …) or tagged (id is the tag, e.g. "A2", "NM"). Its
 * spec applies to the parent's logical value, so sub-field specs use the ASCII/BIN
 * encodings. */
typedef struct iso8583_sub {
	const char *id;
	iso8583_field_spec spec;
} iso8583_sub;

enum iso8583_layout_kind {
	ISO8583_LAYOUT_SEQ = 0, /* sub-fields one after another; trailing ones may be absent */
	ISO8583_LAYOUT_TAGGED,  /* tag (tag_width chars) + length (len_digits digits) + value */
	ISO8583_LAYOUT_REPEAT,  /* a count (count_digits digits) then that many `record`s */
	ISO8583_LAYOUT_TLV,     /* BER-TLV (EMV), broken out by the tlv module */
};

struct iso8583_layout {
	uint8_t kind;            /* enum iso8583_layout_kind */
	const char *mti;         /* applies when the MTI starts with this; "" always */
	const char *name;        /* what this breakdown is, e.g. "settlement totals" */
	const iso8583_sub *subs; /* SEQ: the positions; TAGGED: the known tags */
	uint8_t n_subs;
	uint8_t tag_width;            /* TAGGED */
	uint8_t len_digits;           /* TAGGED */
	uint8_t count_digits;         /* REPEAT */
	uint8_t max_count;            /* REPEAT */
	const iso8583_layout *record; /* REPEAT */
};

enum iso8583_mti_encoding { ISO8583_MTI_ASCII = 0, ISO8583_MTI_BCD };
enum iso8583_bitmap_encoding { ISO8583_BITMAP_BINARY = 0, ISO8583_BITMAP_HEX };

typedef struct iso8583_profile {
	const char *name;
	const char *description;
	uint8_t mti_enc;    /* enum iso8583_mti_encoding */
	uint8_t bitmap_enc; /* enum iso8583_bitmap_encoding */
	bool tertiary;      /* bit 65 announces a third bitmap, for fields 129–192 */
	uint8_t len_header; /* framing: bytes of big-endian binary length before the message */
	uint8_t tpdu_len;   /* framing: TPDU bytes after the length (cup-pos: 5), or 0 */
	uint8_t header_len; /* framing: header bytes after the TPDU (cup-pos: 6), or 0 */
	uint8_t max_field;  /* 64, 128 or 192 */
	const iso8583_field_spec *fields; /* indexed by field number, max_field + 1 entries */
} iso8583_profile;

/* The built-in profile called `name`, or NULL. */
const iso8583_profile *iso8583_profile_find(const char *name);

/* The i-th built-in profile (i from 0), or NULL past the last. */
const iso8583_profile *iso8583_profile_at(size_t i);

#endif
