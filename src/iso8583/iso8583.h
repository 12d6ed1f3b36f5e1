/* iso8583.h — ISO 8583 messages: pack and unpack under a dialect (profile), framing.
 *
 * A message is an MTI and fields 2–192, held in a caller-provided iso8583_msg. Nothing here
 * allocates. Unpacking leaves each field pointing into the caller's input buffer, which must
 * outlive the message; iso8583_set() keeps a pointer to the caller's value, which must live
 * until the message is packed. All functions return ISO8583_OK or a negative ISO8583_E* code;
 * iso8583_strerror() names it and, where given, an iso8583_diag says which field and which
 * byte ("field 35: length 40 exceeds 37 at offset 52"). */
#ifndef POSSUM_ISO8583_H
#define POSSUM_ISO8583_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iso8583/profile.h"

#define ISO8583_OK         0
#define ISO8583_ESHORT     (-1)  /* the message ends before a field does */
#define ISO8583_ELENGTH    (-2)  /* a length prefix above the field's maximum */
#define ISO8583_EPREFIX    (-3)  /* a length prefix that is not a number */
#define ISO8583_ECONTENT   (-4)  /* a character the field's class does not allow */
#define ISO8583_EUNDEFINED (-5)  /* the bitmap names a field the dialect does not define */
#define ISO8583_ETRAILING  (-6)  /* bytes left over after the last field */
#define ISO8583_EMTI       (-7)  /* an MTI that is not four digits */
#define ISO8583_EBITMAP    (-8)  /* a bitmap that is not hex, or is empty */
#define ISO8583_ESPACE     (-9)  /* the output buffer is too small */
#define ISO8583_EFIELD     (-10) /* a field number out of range */
#define ISO8583_EFRAME     (-11) /* a length header that does not match, or a bad TPDU */
#define ISO8583_EMORE      (-12) /* not yet a whole frame: read more bytes */
#define ISO8583_ESUB       (-13) /* a sub-field that does not fit its layout */

#define ISO8583_MAX_FIELD 192

typedef struct iso8583_value {
	const uint8_t *data; /* logical value, or the wire form under msg.wire */
	uint16_t len;        /* logical length: digits, characters or bytes */
	bool wire;           /* data is as unpacked, in the encoding of msg.wire */
} iso8583_value;

typedef struct iso8583_msg {
	char mti[5];                 /* four digits and a NUL */
	uint64_t present[3];         /* bit (f - 1) % 64 of word (f - 1) / 64 */
	const iso8583_profile *wire; /* profile the wire values were unpacked with */
	bool secondary; /* a secondary bitmap naming no field was read, and is packed back: some
	                   widely used libraries always send one */
	iso8583_value field[ISO8583_MAX_FIELD + 1]; /* valid only where present */
} iso8583_msg;

/* Where an error was found. text is a complete sentence for a person. */
typedef struct iso8583_diag {
	int field;     /* field number, 0 for MTI, 1 for the bitmap, -1 for the frame */
	size_t offset; /* byte offset in the input (unpack) or output (pack) */
	char text[160];
} iso8583_diag;

/* Framing around a message: the cup-pos TPDU and header (empty in other dialects). */
typedef struct iso8583_envelope {
	uint8_t tpdu[5];
	uint8_t header[6];
} iso8583_envelope;

void iso8583_msg_init(iso8583_msg *m);

/* MTI of four decimal digits. */
int iso8583_set_mti(iso8583_msg *m, const char *mti);

/* Sets field f (2..192) to `len` units of `value` (text, or bytes for class b); the pointer
 * is kept, not copied. Contents are checked against the dialect when packed. */
int iso8583_set(iso8583_msg *m, int f, const void *value, size_t len);
int iso8583_set_str(iso8583_msg *m, int f, const char *value);
void iso8583_unset(iso8583_msg *m, int f);
bool iso8583_has(const iso8583_msg *m, int f);

/* Copies the logical value of field f into out (capacity cap) and NUL-terminates it;
 * *len_out (if not NULL) gets the length without the NUL. Binary values are raw bytes. */
int iso8583_get(const iso8583_msg *m, int f, void *out, size_t cap, size_t *len_out);

/* The next present field after f (start with f = 1), or 0 when there is none. */
int iso8583_next(const iso8583_msg *m, int f);

int iso8583_unpack(const iso8583_profile *p, const uint8_t *buf, size_t len, iso8583_msg *m,
                   iso8583_diag *diag);
int iso8583_pack(const iso8583_profile *p, const iso8583_msg *m, uint8_t *buf, size_t cap,
                 size_t *len_out, iso8583_diag *diag);

/* Framing. iso8583_frame_size() tells, from the first bytes of a stream, how long the
 * whole frame is (ISO8583_EMORE until the length header has arrived). The framed forms
 * check and write the length header and, for dialects with them, the TPDU and header. */
int iso8583_frame_size(const iso8583_profile *p, const uint8_t *buf, size_t len, size_t *frame_len);
int iso8583_unpack_framed(const iso8583_profile *p, const uint8_t *buf, size_t len,
                          iso8583_envelope *env, iso8583_msg *m, iso8583_diag *diag);
int iso8583_pack_framed(const iso8583_profile *p, const iso8583_envelope *env, const iso8583_msg *m,
                        uint8_t *buf, size_t cap, size_t *len_out, iso8583_diag *diag);

/* A variant of dialect base whose binary fields (52, 55, 64, 96, 128 …), which base writes as
 * raw bytes, travel as upper-case hex text, two characters a byte, their length prefixes still
 * counting bytes: as jPOS's ISO87APackager (IFA_BINARY) and Wireshark's ISO 8583 dissector
 * write them by default, where pyiso8583's default spec writes raw bytes. *out is base but for
 * its field table, copied into fields (n entries, at least base->max_field + 1), which must
 * outlive out. ISO8583_ESPACE when n is too small. */
int iso8583_profile_hex_binary(const iso8583_profile *base, iso8583_field_spec *fields, size_t n,
                               iso8583_profile *out);

/* The largest message the dialect allows, every field it defines at its maximum: the bytes
 * after the length header (TPDU and header included). What a receiver must be able to read. */
size_t iso8583_max_size(const iso8583_profile *p);

/* The envelope of a response: TPDU destination and source swapped, header as given. */
void iso8583_envelope_reply(const iso8583_envelope *req, iso8583_envelope *resp);

/* Sub-fields. iso8583_explain() breaks a field's logical value into its sub-fields by the
 * first layout of the field's spec that applies to the MTI, calling fn for each (depth 0
 * for the top level, deeper for nested ones). A sub-field's value points into `value`. */
typedef struct iso8583_subvalue {
	char path[32]; /* "60.2", "59.A2.02", "48.3.4" (record 3, position 4), "55.9F26" */
	const char *name;
	const uint8_t *data;
	size_t len;
	bool binary; /* show as hex */
	int depth;
} iso8583_subvalue;

typedef int (*iso8583_sub_fn)(void *ctx, const iso8583_subvalue *sv);

/* Returns ISO8583_OK, ISO8583_ESUB (diag says why) or what fn returned if not 0. A field
 * with no applicable layout calls fn for nothing. `layout_name` (if not NULL) gets the
 * layout's name or NULL. */
int iso8583_explain(const iso8583_profile *p, const char *mti, int f, const uint8_t *value,
                    size_t len, iso8583_sub_fn fn, void *ctx, const char **layout_name,
                    iso8583_diag *diag);

/* Positional sub-field `pos` (1-based) of field f's SEQ layout for this MTI, pointing into
 * value: how the host reads 60.1 or 61.2. ISO8583_ESUB if absent or malformed. */
int iso8583_sub_get(const iso8583_profile *p, const char *mti, int f, const uint8_t *value,
                    size_t len, int pos, const uint8_t **sub, size_t *sub_len);

/* Field f's logical value as text into out (capacity cap, NUL-terminated), *len characters:
 * text fields as themselves, binary ones as upper-case hex (masked for people with
 * card_mask_field(), card/card.h). ISO8583_ESPACE when out is too small; ISO8583_TEXT_MAX + 1
 * holds any field. */
#define ISO8583_TEXT_MAX 20000
int iso8583_field_text(const iso8583_profile *p, const iso8583_msg *m, int f, char *out, size_t cap,
                       size_t *len);

/* Field 54 as a balance (balance.c): account type 00, amount type 02 (available), the currency
 * (ISO 4217 numeric, 3 digits), C or D, and the amount's minor units, 12 digits — 20
 * characters. Format: ISO8583_ECONTENT for a currency or amount that does not fit. Parse:
 * ISO8583_ECONTENT when f54 is not of that form (its account and amount types are not read). */
#define ISO8583_BALANCE_LEN 20
int iso8583_balance_format(int64_t amount, unsigned currency, char out[ISO8583_BALANCE_LEN + 1]);
int iso8583_balance_parse(const char *f54, int64_t *amount, unsigned *currency);

const char *iso8583_strerror(int rc);

#endif
