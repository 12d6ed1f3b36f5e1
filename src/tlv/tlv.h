/* tlv.h — BER-TLV as EMV uses it: the chip data of ISO 8583 field 55, card templates,
 * issuer scripts.
 *
 * Nothing here allocates. Parsing hands back tlv values that point into the caller's buffer
 * and stay valid while that buffer does; building writes into a caller-supplied buffer.
 * The codec's functions return TLV_OK or a negative TLV_E* code (tlv_next() also TLV_END,
 * tlv_walk() whatever its callback chose to stop with); tlv_strerror() names a code. The
 * dictionary lookups at the end answer directly.
 *
 * The encoding accepted is EMV 4.3 Book 3 Annex B (after ISO/IEC 8825-1, BER):
 *  - a tag of 1 to 4 bytes, held big-endian in a uint32_t: 0x9F26, 0xDF8101. Bit 6 of
 *    its first byte marks a constructed object, whose value is itself BER-TLV;
 *  - a definite length of 1 to 3 bytes: 00..7F, 81 XX, 82 XX XX. Annex B allows no more
 *    (three bytes, it notes, for 71, 72 and 86; accepted here for any tag), so 80
 *    (indefinite) and 83..FF are rejected.
 *    A long form wider than needed (81 05, 82 00 80) is accepted: BER leaves the number
 *    of length bytes to the sender (ISO/IEC 8825-1 8.1.3.5 note 2) and Annex B does not
 *    narrow it, so such data from a card or terminal is well formed. tlv_put() always
 *    writes the shortest form;
 *  - 00 bytes before, between and after objects are padding and skipped (Annex B1). */
#ifndef POSSUM_TLV_H
#define POSSUM_TLV_H

#include <stddef.h>
#include <stdint.h>

#define TLV_OK        0
#define TLV_END       1     /* tlv_next(): no more objects at this level; not an error */
#define TLV_ETAG      (-1)  /* tag cut short by the end of the data */
#define TLV_ETAGLONG  (-2)  /* tag longer than 4 bytes */
#define TLV_ELEN      (-3)  /* length missing or cut short by the end of the data */
#define TLV_ELENFORM  (-4)  /* length 80 (indefinite) or 83..FF, which EMV does not use */
#define TLV_EOVERRUN  (-5)  /* value runs past the end of the data */
#define TLV_EDEPTH    (-6)  /* constructed objects nested more than TLV_MAX_DEPTH deep */
#define TLV_ECONTENT  (-7)  /* a constructed object whose value is not valid BER-TLV */
#define TLV_ETRAILING (-8)  /* one stray byte where an object should start */
#define TLV_ENOTFOUND (-9)  /* tlv_find(): no object with that tag */
#define TLV_EBADTAG   (-10) /* tlv_put(): not the encoding of a BER-TLV tag */
#define TLV_ETOOLONG  (-11) /* tlv_put(): value longer than 65535 bytes */
#define TLV_ESPACE    (-12) /* the output buffer is too small */

/* Deepest nesting accepted: top-level objects are at depth 0, the contents of a top-level
 * template at depth 1, and so on up to TLV_MAX_DEPTH - 1. EMV needs 4 (6F A5 BF0C 61);
 * the bound keeps hostile input from costing stack. */
#define TLV_MAX_DEPTH 8

/* Largest value tlv_put() writes: the most a 3-byte length (82 XX XX) can say. */
#define TLV_MAX_LEN 65535

/* One data object. value points into the parsed buffer, just past the length field. */
typedef struct tlv {
	uint32_t tag;
	const uint8_t *value;
	size_t len;
} tlv;

/* Where and why tlv_validate() or tlv_walk() stopped: the offset (from the start of the
 * buffer given) of the object that could not be read, its nesting depth, and the specific
 * code — never TLV_ECONTENT, which only says that the fault is inside a constructed object. */
typedef struct tlv_fault {
	size_t offset;
	int depth;
	int cause;
} tlv_fault;

/* Reads the object that starts at or after *pos (after any 00 padding) in buf[0..len) and
 * moves *pos past it; returns TLV_END when only padding is left. One level only: the value
 * of a constructed object is handed back whole, unchecked. On an error *pos is left at the
 * first byte of the object that could not be read. A single byte left over is
 * TLV_ETRAILING rather than a cut-short tag or length: no object is shorter than two bytes,
 * so it is junk after the data (an odd byte, a stray checksum), not a truncated object. */
int tlv_next(const uint8_t *buf, size_t len, size_t *pos, tlv *out);

/* Checks the whole buffer: every object well formed, the value of every constructed object
 * well formed in turn, no deeper than TLV_MAX_DEPTH. A fault inside a constructed object is
 * returned as TLV_ECONTENT (TLV_EDEPTH for too deep nesting); `fault`, if not NULL, gets the
 * specific cause and where. An empty buffer, or one of padding only, is valid. */
int tlv_validate(const uint8_t *buf, size_t len, tlv_fault *fault);

/* Called by tlv_walk() for each object, depth 0 at the top. A non-zero return stops the
 * walk, and tlv_walk() returns that value; callers should return their own negative codes
 * (or a positive one) so it cannot be mistaken for a TLV_E* code. */
typedef int tlv_visit_fn(void *ctx, const tlv *t, int depth);

/* Visits every object depth-first, a constructed object before its contents, in the order
 * they appear. Stops at the first fault with the same codes as tlv_validate(); the objects
 * before it will have been visited, so run tlv_validate() first to get all or nothing. */
int tlv_walk(const uint8_t *buf, size_t len, tlv_visit_fn *fn, void *ctx, tlv_fault *fault);

/* Finds the first object with this tag, searching depth-first into constructed objects.
 * Reads only as far as the match: a fault before it is returned as by tlv_walk(), one after
 * it goes unseen, so validate untrusted data first. TLV_ENOTFOUND if there is none. */
int tlv_find(const uint8_t *buf, size_t len, uint32_t tag, tlv *out);

/* Appends tag, the shortest length and value at buf + *pos (capacity cap) and moves *pos
 * past them. value may be NULL when len is 0, and may lie inside buf — even at buf + *pos,
 * so a template is built in place: put its contents at some pos, then put the template tag
 * with value buf + pos and the contents' length, and they are moved up behind the header.
 * The value of a constructed tag is taken as given; tlv_validate() it if in doubt. */
int tlv_put(uint8_t *buf, size_t cap, size_t *pos, uint32_t tag, const uint8_t *value, size_t len);

/* 1 if bit 6 of the tag's first byte is set (ISO/IEC 8825-1 8.1.2.5), else 0. */
int tlv_is_constructed(uint32_t tag);

/* The EMV name of a tag ("Application Cryptogram" for 0x9F26), or NULL if the dictionary
 * does not know it. Names follow EMV 4.3 Book 3 Annex A; the few tags Annex A leaves to the
 * payment systems carry the name their system gives them (UnionPay PBOC 3.0, Visa,
 * Mastercard), as noted in tags.c. */
const char *tlv_tag_name(uint32_t tag);

/* 1 if the tag's value is text (format a, an or ans, e.g. 50 Application Label), so best
 * shown as characters; 0 for binary and numeric (BCD) values, best shown as hex, and for
 * unknown tags. A display should still fall back to hex for bytes that are not printable. */
int tlv_tag_is_text(uint32_t tag);

const char *tlv_strerror(int rc);

#endif
