/* test_iso8583.c — the ISO 8583 codec: the published ASCII vector, hand-computed messages in
 * each dialect and encoding, every rejection rule with its field and offset, sub-fields,
 * framing, and round trips of randomly generated messages in every dialect. */
#include "testutil.h"

#include <stdio.h>

#include "iso8583/iso8583.h"
#include "iso8583/profiles/table.h"

#define PROFILE(name) iso8583_profile_find(name)

static size_t pack_hex(const iso8583_profile *p, const iso8583_msg *m, char *hex, size_t cap)
{
	uint8_t buf[4096];
	iso8583_diag diag;
	size_t len;
	int rc = iso8583_pack(p, m, buf, sizeof buf, &len, &diag);

	if (rc != ISO8583_OK)
		fail_msg("pack: %s", diag.text);
	assert_int_equal(hex_encode(buf, len, hex, cap), HEX_OK);
	return len;
}

/* Unpacks hex input and expects failure rc at field f, offset off, with this text. */
static void expect_reject(const iso8583_profile *p, const char *hex, int rc, int f, size_t off,
                          const char *text)
{
	size_t len;
	const uint8_t *buf = test_hex(hex, &len);
	iso8583_diag diag;
	iso8583_msg m;

	assert_int_equal(iso8583_unpack(p, buf, len, &m, &diag), rc);
	assert_int_equal(diag.field, f);
	assert_int_equal(diag.offset, off);
	if (text != NULL)
		assert_string_equal(diag.text, text);
}

static const char *ascii_hex(const char *s)
{
	return test_tohex((const uint8_t *)s, strlen(s));
}

/* The known-answer vector: MTI 0100, F2 4242424242424242, F3 123456, F4 100 in the ASCII
 * dialect packs to "01007000000000000000164242424242424242123456000000000100". */
static void iso87a_published_vector(void **state)
{
	const char *expect = "01007000000000000000164242424242424242123456000000000100";
	char hex[512];
	iso8583_msg m, back;
	char value[64];

	(void)state;
	iso8583_msg_init(&m);
	assert_int_equal(iso8583_set_mti(&m, "0100"), ISO8583_OK);
	iso8583_set_str(&m, 2, "4242424242424242");
	iso8583_set_str(&m, 3, "123456");
	iso8583_set_str(&m, 4, "100");
	pack_hex(PROFILE("iso87a"), &m, hex, sizeof hex);
	assert_string_equal(hex, ascii_hex(expect));

	assert_int_equal(
	    iso8583_unpack(PROFILE("iso87a"), (const uint8_t *)expect, strlen(expect), &back, NULL),
	    ISO8583_OK);
	assert_string_equal(back.mti, "0100");
	assert_int_equal(iso8583_get(&back, 4, value, sizeof value, NULL), ISO8583_OK);
	assert_string_equal(value, "000000000100");
	assert_int_equal(iso8583_get(&back, 2, value, sizeof value, NULL), ISO8583_OK);
	assert_string_equal(value, "4242424242424242");
	assert_false(iso8583_has(&back, 5));
}

/* The same message with a binary bitmap (jPOS ISO87APackagerBBitmap). */
static void iso87a_bb_binary_bitmap(void **state)
{
	char hex[512], expect[512];
	iso8583_msg m;

	(void)state;
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, "0100");
	iso8583_set_str(&m, 2, "4242424242424242");
	iso8583_set_str(&m, 3, "123456");
	iso8583_set_str(&m, 4, "100");
	pack_hex(PROFILE("iso87a-bb"), &m, hex, sizeof hex);
	snprintf(expect, sizeof expect, "%s7000000000000000%s", ascii_hex("0100"),
	         ascii_hex("164242424242424242123456000000000100"));
	assert_string_equal(hex, expect);
}

/* jPOS ISO87BPackager: BCD MTI, LLNUM with a BCD length and the odd digit padded right,
 * fixed numerics right-aligned, x+n amounts as a sign byte then BCD. */
static void iso87b_bcd(void **state)
{
	char hex[512];
	iso8583_msg m;

	(void)state;
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, "0200");
	iso8583_set_str(&m, 2, "4012345678909");
	iso8583_set_str(&m, 3, "000000");
	iso8583_set_str(&m, 4, "100");
	iso8583_set_str(&m, 28, "C00000150");
	iso8583_set_str(&m, 41, "TERM0001");
	pack_hex(PROFILE("iso87b"), &m, hex, sizeof hex);
	assert_string_equal(hex, "0200"
	                         "7000001000800000"
	                         "134012345678909"
	                         "0"
	                         "000000"
	                         "000000000100"
	                         "4300000150"
	                         "5445524D30303031");
}

/* cup-pos sign-in, computed by hand from docs/cup-pos.md: BCD MTI, binary bitmap, BCD
 * numerics, LLLVAR with a 2-byte BCD length counting digits, left-aligned. */
static void cup_pos_signin(void **state)
{
	char hex[512];
	iso8583_msg m;

	(void)state;
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, "0800");
	iso8583_set_str(&m, 11, "000001");
	iso8583_set_str(&m, 41, "10000001");
	iso8583_set_str(&m, 42, "898310048161234");
	iso8583_set_str(&m, 60, "00000001004");
	iso8583_set_str(&m, 63, "001");
	pack_hex(PROFILE("cup-pos"), &m, hex, sizeof hex);
	assert_string_equal(hex, "0800"
	                         "0020000000C00012"
	                         "000001"
	                         "3130303030303031"
	                         "383938333130303438313631323334"
	                         "0011"
	                         "000000010040"
	                         "0003"
	                         "303031");
}

/* cup-pos framing: length, TPDU, header; the reply swaps TPDU addresses. */
static void cup_pos_framed(void **state)
{
	iso8583_envelope env = {{0x60, 0x00, 0x03, 0x00, 0x00},
	                        {0x60, 0x31, 0x00, 0x31, 0x00, 0x00}};
	iso8583_envelope got, reply;
	uint8_t buf[256];
	size_t len, frame;
	iso8583_msg m, back;

	(void)state;
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, "0820");
	iso8583_set_str(&m, 11, "000002");
	assert_int_equal(
	    iso8583_pack_framed(PROFILE("cup-pos"), &env, &m, buf, sizeof buf, &len, NULL),
	    ISO8583_OK);
	assert_string_equal(test_tohex(buf, len), "0018"
	                                          "6000030000"
	                                          "603100310000"
	                                          "0820"
	                                          "0020000000000000"
	                                          "000002");
	assert_int_equal(iso8583_frame_size(PROFILE("cup-pos"), buf, 1, &frame), ISO8583_EMORE);
	assert_int_equal(iso8583_frame_size(PROFILE("cup-pos"), buf, 2, &frame), ISO8583_OK);
	assert_int_equal(frame, len);
	assert_int_equal(iso8583_unpack_framed(PROFILE("cup-pos"), buf, len, &got, &back, NULL),
	                 ISO8583_OK);
	assert_memory_equal(&got, &env, sizeof env);
	iso8583_envelope_reply(&got, &reply);
	assert_memory_equal(reply.tpdu, HEX("6000000003"), 5);
	assert_memory_equal(reply.header, env.header, 6);
	/* Packing a dialect with a TPDU needs one. */
	assert_int_equal(
	    iso8583_pack_framed(PROFILE("cup-pos"), NULL, &m, buf, sizeof buf, &len, NULL),
	    ISO8583_EFRAME);
}

static void framing_rejects(void **state)
{
	const iso8583_profile *cup = PROFILE("cup-pos"), *a = PROFILE("iso87a");
	iso8583_diag diag;
	iso8583_msg m;
	size_t len;
	const uint8_t *f;

	(void)state;
	f = test_hex("0017"
	             "6000030000"
	             "603100310000"
	             "0820"
	             "0020000000000000"
	             "000002",
	             &len);
	assert_int_equal(iso8583_unpack_framed(cup, f, len, NULL, &m, &diag), ISO8583_EFRAME);
	assert_string_equal(diag.text, "frame: length header says 23 bytes, 24 follow");
	f = test_hex("0018"
	             "6100030000"
	             "603100310000"
	             "0820"
	             "0020000000000000"
	             "000002",
	             &len);
	assert_int_equal(iso8583_unpack_framed(cup, f, len, NULL, &m, &diag), ISO8583_EFRAME);
	assert_string_equal(diag.text, "frame: TPDU id 61, expected 60 at offset 2");
	f = test_hex("0005"
	             "6000030000",
	             &len);
	assert_int_equal(iso8583_unpack_framed(cup, f, len, NULL, &m, &diag), ISO8583_EFRAME);
	f = test_hex("00", &len);
	assert_int_equal(iso8583_unpack_framed(a, f, len, NULL, &m, &diag), ISO8583_EFRAME);
	/* Offsets of errors inside a framed message count from the frame's first byte. */
	f = test_hex("0018"
	             "6000030000"
	             "603100310000"
	             "0820"
	             "0020000000000000"
	             "00000A",
	             &len);
	assert_int_equal(iso8583_unpack_framed(cup, f, len, NULL, &m, &diag), ISO8583_ECONTENT);
	assert_int_equal(diag.offset, 25);
	assert_string_equal(diag.text, "field 11: nibble A is not a digit at offset 25");
}

/* Every rejection rule of the issue, with the field and byte offset it names. */
static void unpack_rejects(void **state)
{
	const iso8583_profile *a = PROFILE("iso87a"), *cup = PROFILE("cup-pos");
	char hex[1024];

	(void)state;
	/* A field longer than its maximum: 35 is z..37. */
	snprintf(hex, sizeof hex, "%s",
	         ascii_hex("0200"
	                   "4000000000000000"
	                   "2042424242424242424242"));
	expect_reject(a, hex, ISO8583_ELENGTH, 2, 20, "field 2: length 20 exceeds 19 at offset 20");
	snprintf(hex, sizeof hex, "%s",
	         ascii_hex("0200"
	                   "0000000020000000"
	                   "404012345678901234=25121011234567890123456"));
	expect_reject(a, hex, ISO8583_ELENGTH, 35, 20,
	              "field 35: length 40 exceeds 37 at offset 20");
	/* A non-digit in a numeric field. */
	expect_reject(a,
	              ascii_hex("0200"
	                        "2000000000000000"
	                        "12A456"),
	              ISO8583_ECONTENT, 3, 22,
	              "field 3: 'A' is not allowed in an n field at offset 22");
	/* A length prefix that is not a number. */
	expect_reject(a,
	              ascii_hex("0200"
	                        "4000000000000000"
	                        "1X4242"),
	              ISO8583_EPREFIX, 2, 20,
	              "field 2: length prefix is not a number at offset 20");
	/* A bitmap naming a field the dialect does not define (cup-pos has no field 5). */
	expect_reject(cup,
	              "0200"
	              "0800000000000000"
	              "000000000100",
	              ISO8583_EUNDEFINED, 5, 10,
	              "field 5: not defined in cup-pos, named by the bitmap at offset 10");
	/* Bytes left over after the last field. */
	expect_reject(a,
	              ascii_hex("0200"
	                        "2000000000000000"
	                        "000000"
	                        "99"),
	              ISO8583_ETRAILING, 3, 26, "field 3: 2 bytes left over after it at offset 26");
	/* A message cut short: in a fixed field, in a prefix, in the bitmap, in the MTI. */
	expect_reject(a,
	              ascii_hex("0200"
	                        "2000000000000000"
	                        "0000"),
	              ISO8583_ESHORT, 3, 20, "field 3: needs 6 bytes, 4 left at offset 20");
	expect_reject(a,
	              ascii_hex("0200"
	                        "4000000000000000"
	                        "1"),
	              ISO8583_ESHORT, 2, 20,
	              "field 2: message ends in the length prefix at offset 20");
	expect_reject(a,
	              ascii_hex("0200"
	                        "20000000"),
	              ISO8583_ESHORT, 1, 4, "bitmap: message ends in the bitmap at offset 4");
	expect_reject(a, ascii_hex("02"), ISO8583_ESHORT, 0, 0,
	              "MTI: message ends in the MTI at offset 0");
	/* An MTI that is not digits, a bitmap that is not hex or names nothing. */
	expect_reject(a,
	              ascii_hex("02X0"
	                        "2000000000000000"
	                        "000000"),
	              ISO8583_EMTI, 0, 0, NULL);
	expect_reject(cup,
	              "0A00"
	              "2000000000000000"
	              "000000",
	              ISO8583_EMTI, 0, 0, NULL);
	expect_reject(a,
	              ascii_hex("0200"
	                        "200000000000000G"
	                        "000000"),
	              ISO8583_EBITMAP, 1, 19, "bitmap: not an upper-case hex digit at offset 19");
	expect_reject(a,
	              ascii_hex("0200"
	                        "a000000000000000"
	                        "000000"),
	              ISO8583_EBITMAP, 1, 4, NULL);
	expect_reject(a,
	              ascii_hex("0200"
	                        "0000000000000000"),
	              ISO8583_EBITMAP, 1, 4, "bitmap: names no field");
	/* BCD: a pad nibble that is not 0, a digit nibble that is not a digit. */
	expect_reject(cup,
	              "0200"
	              "4000000000000000"
	              "03"
	              "123F",
	              ISO8583_ECONTENT, 2, 12, "field 2: pad nibble F is not 0 at offset 12");
	expect_reject(cup,
	              "0200"
	              "2000000000000000"
	              "00C000",
	              ISO8583_ECONTENT, 3, 11, "field 3: nibble C is not a digit at offset 11");
	/* A BCD prefix that is not BCD, and one above the maximum. */
	expect_reject(cup,
	              "0200"
	              "4000000000000000"
	              "1A"
	              "1234",
	              ISO8583_EPREFIX, 2, 10, NULL);
	expect_reject(cup,
	              "0200"
	              "4000000000000000"
	              "20"
	              "12345678901234567890",
	              ISO8583_ELENGTH, 2, 10, "field 2: length 20 exceeds 19 at offset 10");
	/* A secondary bitmap naming a field cup-pos does not have. */
	expect_reject(cup,
	              "0200"
	              "A000000000000000"
	              "4000000000000000"
	              "000000",
	              ISO8583_EUNDEFINED, 66, 21, NULL);
	/* Text classes: a control character in ans, '=' outside z, an x+n without a sign. */
	expect_reject(a,
	              ascii_hex("0800"
	                        "0000000000800000"
	                        "TERM\x01"
	                        "001"),
	              ISO8583_ECONTENT, 41, 24,
	              "field 41: byte 0x01 is not allowed in an ans field at offset 24");
	expect_reject(a,
	              ascii_hex("0800"
	                        "0000000002000000"
	                        "A0!"),
	              ISO8583_ETRAILING, 39, 22, NULL);
	expect_reject(a,
	              ascii_hex("0800"
	                        "0000000002000000"
	                        "!0"),
	              ISO8583_ECONTENT, 39, 20, NULL);
	expect_reject(a,
	              ascii_hex("0800"
	                        "0000001000000000"
	                        "X00000100"),
	              ISO8583_ECONTENT, 28, 20,
	              "field 28: 'X' is not allowed in an x+n field at offset 20");
}

/* Cutting a valid message anywhere short of its end is an error, never a read past it. */
static void every_truncation_rejected(void **state)
{
	const char *names[] = {"cup-pos", "iso87a", "iso87a-bb", "iso87b"};
	uint8_t buf[512], *copy;
	iso8583_msg m, back;
	size_t len;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		const iso8583_profile *p = PROFILE(names[i]);
		iso8583_msg_init(&m);
		iso8583_set_mti(&m, "0200");
		iso8583_set_str(&m, 2, "6228480402564890018");
		iso8583_set_str(&m, 4, "1234");
		iso8583_set_str(&m, 35, "6228480402564890018=2812220");
		iso8583_set_str(&m, 41, "10000001");
		iso8583_set(&m, 55, HEX("9F26081122334455667788"), 11);
		iso8583_set(&m, 64, HEX("0102030405060708"), 8);
		assert_int_equal(iso8583_pack(p, &m, buf, sizeof buf, &len, NULL), ISO8583_OK);
		for (size_t cut = 0; cut < len; cut++) {
			/* A heap copy of exactly `cut` bytes, so ASan sees any read past it. */
			copy = malloc(cut + 1);
			memcpy(copy, buf, cut);
			assert_int_not_equal(iso8583_unpack(p, copy, cut, &back, NULL), ISO8583_OK);
			free(copy);
		}
		assert_int_equal(iso8583_unpack(p, buf, len, &back, NULL), ISO8583_OK);
	}
}

static void pack_rejects(void **state)
{
	const iso8583_profile *a = PROFILE("iso87a"), *cup = PROFILE("cup-pos");
	uint8_t buf[256];
	iso8583_diag diag;
	iso8583_msg m;
	size_t len, full;

	(void)state;
	iso8583_msg_init(&m);
	assert_int_equal(iso8583_set_mti(&m, "02A0"), ISO8583_EMTI);
	assert_int_equal(iso8583_set_mti(&m, "020"), ISO8583_EMTI);
	assert_int_equal(iso8583_set(&m, 1, "x", 1), ISO8583_EFIELD);
	assert_int_equal(iso8583_set(&m, 193, "x", 1), ISO8583_EFIELD);
	assert_int_equal(iso8583_pack(a, &m, buf, sizeof buf, &len, &diag), ISO8583_EMTI);
	iso8583_set_mti(&m, "0200");
	assert_int_equal(iso8583_pack(a, &m, buf, sizeof buf, &len, &diag), ISO8583_EBITMAP);

	iso8583_set_str(&m, 2, "42424242424242424242");
	assert_int_equal(iso8583_pack(a, &m, buf, sizeof buf, &len, &diag), ISO8583_ELENGTH);
	assert_string_equal(diag.text, "field 2: length 20 exceeds 19");
	iso8583_set_str(&m, 2, "4242x");
	assert_int_equal(iso8583_pack(a, &m, buf, sizeof buf, &len, &diag), ISO8583_ECONTENT);
	assert_string_equal(diag.text, "field 2: 'x' is not allowed in an n field at offset 20");
	/* BCD packs eight digits a word at a time: a bad one inside a word is caught too. */
	iso8583_set_str(&m, 2, "4242424:42424242");
	assert_int_equal(iso8583_pack(cup, &m, buf, sizeof buf, &len, &diag), ISO8583_ECONTENT);
	assert_string_equal(diag.text, "field 2: ':' is not allowed in an n field at offset 10");
	iso8583_set_str(&m, 2, "42424242424242=2");
	assert_int_equal(iso8583_pack(cup, &m, buf, sizeof buf, &len, &diag), ISO8583_ECONTENT);
	iso8583_set_str(&m, 2, "4242");
	iso8583_set_str(&m, 5, "1");
	assert_int_equal(iso8583_pack(cup, &m, buf, sizeof buf, &len, &diag), ISO8583_EUNDEFINED);
	assert_string_equal(diag.text, "field 5: not defined in cup-pos");
	iso8583_unset(&m, 5);
	iso8583_set(&m, 52, "\x01\x02", 2);
	assert_int_equal(iso8583_pack(cup, &m, buf, sizeof buf, &len, &diag), ISO8583_ELENGTH);
	assert_string_equal(diag.text, "field 52: length 2, must be 8");
	iso8583_set(&m, 52, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	iso8583_set_str(&m, 28, "100");
	assert_int_equal(iso8583_pack(a, &m, buf, sizeof buf, &len, &diag), ISO8583_ELENGTH);
	iso8583_unset(&m, 28);

	/* Every buffer one byte short of enough is refused, none written past. */
	assert_int_equal(iso8583_pack(a, &m, buf, sizeof buf, &full, &diag), ISO8583_OK);
	for (size_t cap = 0; cap < full; cap++) {
		uint8_t *out = malloc(cap + 1);
		assert_int_equal(iso8583_pack(a, &m, out, cap, &len, &diag), ISO8583_ESPACE);
		free(out);
	}
}

/* Fixed-length values shorter than the field: numbers get leading zeros, text trailing
 * spaces; unpacking gives the padded value. */
static void pack_pads_fixed_fields(void **state)
{
	char hex[256], value[32];
	iso8583_msg m, back;
	uint8_t buf[128];
	size_t len;

	(void)state;
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, "0200");
	iso8583_set_str(&m, 11, "42");
	iso8583_set_str(&m, 41, "T1");
	pack_hex(PROFILE("cup-pos"), &m, hex, sizeof hex);
	assert_string_equal(hex, "0200"
	                         "0020000000800000"
	                         "000042"
	                         "5431202020202020");
	assert_int_equal(iso8583_pack(PROFILE("cup-pos"), &m, buf, sizeof buf, &len, NULL),
	                 ISO8583_OK);
	assert_int_equal(iso8583_unpack(PROFILE("cup-pos"), buf, len, &back, NULL), ISO8583_OK);
	assert_int_equal(iso8583_get(&back, 41, value, sizeof value, &len), ISO8583_OK);
	assert_string_equal(value, "T1      ");
	assert_int_equal(iso8583_get(&back, 11, value, 6, &len), ISO8583_ESPACE);
	assert_int_equal(iso8583_get(&back, 12, value, sizeof value, &len), ISO8583_EFIELD);
}

/* Fields past 64 need the secondary bitmap, and bit 1 is set for them. */
static void secondary_bitmap(void **state)
{
	char hex[512], expect[512];
	iso8583_msg m, back;
	uint8_t buf[256];
	size_t len;

	(void)state;
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, "0800");
	iso8583_set_str(&m, 7, "1122103000");
	iso8583_set_str(&m, 70, "301");
	pack_hex(PROFILE("iso87a"), &m, hex, sizeof hex);
	snprintf(expect, sizeof expect, "%s",
	         ascii_hex("0800"
	                   "8200000000000000"
	                   "0400000000000000"
	                   "1122103000"
	                   "301"));
	assert_string_equal(hex, expect);
	assert_int_equal(iso8583_pack(PROFILE("iso87b"), &m, buf, sizeof buf, &len, NULL),
	                 ISO8583_OK);
	assert_string_equal(test_tohex(buf, len), "0800"
	                                          "8200000000000000"
	                                          "0400000000000000"
	                                          "1122103000"
	                                          "0301");
	assert_int_equal(iso8583_unpack(PROFILE("iso87b"), buf, len, &back, NULL), ISO8583_OK);
	assert_false(iso8583_has(&back, 1));
	assert_int_equal(iso8583_next(&back, 1), 7);
	assert_int_equal(iso8583_next(&back, 7), 70);
	assert_int_equal(iso8583_next(&back, 70), 0);
}

/* A secondary bitmap naming no field, as jPOS and other libraries always send one: read, and
 * packed back the same; a message made here has none. */
static void secondary_bitmap_empty(void **state)
{
	const iso8583_profile *p = PROFILE("iso87a");
	const char *wire = "0800"
	                   "8220000000000000"
	                   "0000000000000000"
	                   "1122103000"
	                   "000001";
	char hex[512];
	uint8_t buf[256];
	size_t len;
	iso8583_msg m;

	(void)state;
	assert_int_equal(iso8583_unpack(p, (const uint8_t *)wire, strlen(wire), &m, NULL),
	                 ISO8583_OK);
	assert_true(m.secondary);
	assert_int_equal(iso8583_next(&m, 1), 7);
	assert_int_equal(iso8583_next(&m, 7), 11);
	assert_int_equal(iso8583_next(&m, 11), 0);
	assert_int_equal(iso8583_pack(p, &m, buf, sizeof buf, &len, NULL), ISO8583_OK);
	assert_int_equal(len, strlen(wire));
	assert_memory_equal(buf, wire, len);
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, "0810");
	iso8583_set_str(&m, 7, "1122103000");
	pack_hex(p, &m, hex, sizeof hex);
	assert_string_equal(hex, ascii_hex("0810"
	                                   "0200000000000000"
	                                   "1122103000"));
}

/* iso87a with its binary fields as hex text (jPOS's ISO87APackager, Wireshark): the PIN block
 * and the MAC two characters a byte, the bitmap as before; the same logical values both ways. */
static void hex_binary_variant(void **state)
{
	static const uint8_t pin[8] = {0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0};
	iso8583_field_spec fields[ISO8583_MAX_FIELD + 1];
	iso8583_profile hexp;
	char hex[512];
	uint8_t buf[256], out[9]; /* iso8583_get() ends it with a NUL */
	iso8583_msg m, back;
	size_t len;

	(void)state;
	assert_int_equal(iso8583_profile_hex_binary(PROFILE("iso87a"), fields, 10, &hexp),
	                 ISO8583_ESPACE);
	assert_int_equal(
	    iso8583_profile_hex_binary(PROFILE("iso87a"), fields, ISO8583_MAX_FIELD + 1, &hexp),
	    ISO8583_OK);
	assert_string_equal(hexp.name, "iso87a");
	assert_int_equal(PROFILE("iso87a")->fields[52].enc, ISO8583_ENC_BIN); /* untouched */
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, "0200");
	iso8583_set_str(&m, 11, "000001");
	iso8583_set(&m, 52, pin, sizeof pin);
	pack_hex(&hexp, &m, hex, sizeof hex);
	assert_string_equal(hex, ascii_hex("0200"
	                                   "0020000000001000"
	                                   "000001"
	                                   "123456789ABCDEF0"));
	assert_int_equal(iso8583_pack(&hexp, &m, buf, sizeof buf, &len, NULL), ISO8583_OK);
	assert_int_equal(iso8583_unpack(&hexp, buf, len, &back, NULL), ISO8583_OK);
	assert_int_equal(iso8583_get(&back, 52, out, sizeof out, &len), ISO8583_OK);
	assert_memory_equal(out, pin, sizeof pin);
	/* Raw bytes where hex text is expected are refused, naming the field. */
	assert_int_equal(iso8583_pack(PROFILE("iso87a"), &m, buf, sizeof buf, &len, NULL),
	                 ISO8583_OK);
	assert_int_equal(iso8583_unpack(&hexp, buf, len, &back, NULL), ISO8583_ESHORT);
}

/* A dialect of test fields exercising what the built-in ones do not: a tertiary bitmap,
 * LLLL lengths, binary and EBCDIC prefixes, EBCDIC and hex content. */
static const iso8583_field_spec test_fields[193] = {
    [2] = FIELD("ebcdic number", LL, N, EBCDIC, EBCDIC, 19),
    [3] = FIELD("hex binary", FIXED, B, HEX, ASCII, 4),
    [4] = FIELD("llll ascii", LLLL, ANS, ASCII, ASCII, 2000),
    [5] = FIELD("llll bcd", LLLL, N, BCD_L, BCD, 2000),
    [6] = FIELD("ll binary prefix", LL, B, BIN, BIN, 99),
    [7] = FIELD("lll binary prefix", LLL, ANS, ASCII, BIN, 999),
    [8] = FIELD("ebcdic text", FIXED, ANS, EBCDIC, ASCII, 5),
    [130] = FIELD("tertiary field", FIXED, N, ASCII, ASCII, 3),
    [192] = FIELD("last field", FIXED, B, BIN, ASCII, 1),
};
static const iso8583_profile test_profile = {
    .name = "test",
    .description = "test dialect",
    .mti_enc = ISO8583_MTI_ASCII,
    .bitmap_enc = ISO8583_BITMAP_BINARY,
    .tertiary = true,
    .max_field = 192,
    .fields = test_fields,
};

static void encodings_and_tertiary_bitmap(void **state)
{
	iso8583_msg m, back;
	uint8_t buf[512];
	char value[64];
	size_t len;
	iso8583_diag diag;

	(void)state;
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, "0100");
	iso8583_set_str(&m, 2, "1234");
	iso8583_set(&m, 3, "\xDE\xAD\xBE\xEF", 4);
	iso8583_set_str(&m, 4, "hi");
	iso8583_set_str(&m, 5, "123");
	iso8583_set(&m, 6, "\x00\x01", 2);
	iso8583_set_str(&m, 7, "abc");
	iso8583_set_str(&m, 8, "A-1 z");
	iso8583_set_str(&m, 130, "7");
	iso8583_set(&m, 192, "\xFF", 1);
	assert_int_equal(iso8583_pack(&test_profile, &m, buf, sizeof buf, &len, &diag), ISO8583_OK);
	assert_string_equal(test_tohex(buf, len), "30313030"
	                                          "FF00000000000000"
	                                          "8000000000000000"
	                                          "4000000000000001"
	                                          "F0F4F1F2F3F4"
	                                          "4445414442454546"
	                                          "30303032"
	                                          "6869"
	                                          "0003"
	                                          "1230"
	                                          "02"
	                                          "0001"
	                                          "0003"
	                                          "616263"
	                                          "C160F140A9"
	                                          "303037"
	                                          "FF");
	assert_int_equal(iso8583_unpack(&test_profile, buf, len, &back, &diag), ISO8583_OK);
	assert_int_equal(iso8583_get(&back, 8, value, sizeof value, NULL), ISO8583_OK);
	assert_string_equal(value, "A-1 z");
	assert_int_equal(iso8583_get(&back, 3, value, sizeof value, &len), ISO8583_OK);
	assert_memory_equal(value, "\xDE\xAD\xBE\xEF", 4);
	assert_int_equal(iso8583_get(&back, 2, value, sizeof value, NULL), ISO8583_OK);
	assert_string_equal(value, "1234");
	assert_int_equal(iso8583_next(&back, 8), 130);
	assert_int_equal(iso8583_next(&back, 130), 192);
	/* A tertiary bitmap that names nothing would not pack back the same. */
	expect_reject(&test_profile,
	              "30313030"
	              "C000000000000000"
	              "8000000000000000"
	              "0000000000000000",
	              ISO8583_EBITMAP, 1, 20,
	              "bitmap: tertiary bitmap names no field at offset 20");
	/* In a dialect with a tertiary bitmap, 65 is that bitmap, not a field. */
	iso8583_set_str(&m, 65, "1");
	assert_int_equal(iso8583_pack(&test_profile, &m, buf, sizeof buf, &len, &diag),
	                 ISO8583_EUNDEFINED);
	/* Hex content in lower case would not pack back the same: refused. */
	expect_reject(&test_profile,
	              "30313030"
	              "2000000000000000"
	              "6465414442454546",
	              ISO8583_ECONTENT, 3, 12, "field 3: not an upper-case hex digit at offset 12");
	/* EBCDIC content outside code page 037's printable set is refused. */
	expect_reject(&test_profile,
	              "30313030"
	              "0100000000000000"
	              "4142434445",
	              ISO8583_ECONTENT, 8, 12,
	              "field 8: byte 0x41 is not allowed in an ans field at offset 12");
	(void)value;
}

/* --- sub-fields --- */

struct collected {
	char rows[64][200];
	int n;
};

static int collect(void *ctx, const iso8583_subvalue *sv)
{
	struct collected *c = ctx;
	char value[128];

	if (sv->binary)
		hex_encode(sv->data, sv->len < 31 ? sv->len : 31, value, sizeof value);
	else
		snprintf(value, sizeof value, "%.*s", (int)sv->len, (const char *)sv->data);
	snprintf(c->rows[c->n++], sizeof c->rows[0], "%d %s=%s", sv->depth, sv->path, value);
	return 0;
}

static struct collected explain(const char *mti, int f, const void *value, size_t len, int rc)
{
	struct collected c = {.n = 0};
	iso8583_diag diag;

	assert_int_equal(
	    iso8583_explain(PROFILE("cup-pos"), mti, f, value, len, collect, &c, NULL, &diag), rc);
	return c;
}

static void subfields_positional(void **state)
{
	struct collected c;
	const uint8_t *sub;
	size_t len;

	(void)state;
	c = explain("0200", 60, "22000001000", 11, ISO8583_OK);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.rows[0], "0 60.1=22");
	assert_string_equal(c.rows[1], "0 60.2=000001");
	assert_string_equal(c.rows[2], "0 60.3=000");
	assert_int_equal(iso8583_sub_get(PROFILE("cup-pos"), "0200", 60,
	                                 (const uint8_t *)"22000001000", 11, 2, &sub, &len),
	                 ISO8583_OK);
	assert_int_equal(len, 6);
	assert_memory_equal(sub, "000001", 6);
	assert_int_equal(iso8583_sub_get(PROFILE("cup-pos"), "0200", 60, (const uint8_t *)"22000",
	                                 5, 2, &sub, &len),
	                 ISO8583_ESUB);
	assert_int_equal(iso8583_sub_get(PROFILE("cup-pos"), "0200", 60, (const uint8_t *)"22", 2,
	                                 3, &sub, &len),
	                 ISO8583_ESUB);
	/* 60.2 cut short. */
	explain("0200", 60, "22000", 5, ISO8583_ESUB);

	/* 48 in a settlement: 62 digits of totals. */
	c = explain("0500", 48, "000000012345001000000000100001100000000000000000000000000000000",
	            62, ISO8583_OK);
	assert_int_equal(c.n, 10);
	assert_string_equal(c.rows[0], "0 48.1=000000012345");
	assert_string_equal(c.rows[1], "0 48.2=001");
	assert_string_equal(c.rows[4], "0 48.5=1");
	/* 48 in a batch upload: a count, then records. */
	c = explain("0320", 48,
	            "02"
	            "00"
	            "000011"
	            "06228480402564890018"
	            "000000001234"
	            "01"
	            "000012"
	            "00000004012345678909"
	            "000000000500",
	            82, ISO8583_OK);
	assert_int_equal(c.n, 11);
	assert_string_equal(c.rows[0], "0 48.count=02");
	assert_string_equal(c.rows[3], "1 48.1.2=000011");
	assert_string_equal(c.rows[10], "1 48.2.4=000000000500");
	explain("0320", 48,
	        "02"
	        "00"
	        "000011"
	        "06228480402564890018"
	        "000000001234",
	        42, ISO8583_ESUB);
	explain("0320", 48, "09", 2, ISO8583_ESUB);

	/* 62 in a sign-in response: three keys and their check values. */
	c = explain("0810", 62,
	            HEX("000102030405060708090A0B0C0D0E0F"
	                "AABBCCDD"
	                "101112131415161718191A1B1C1D1E1F"
	                "11223344"
	                "202122232425262728292A2B2C2D2E2F"
	                "55667788"),
	            60, ISO8583_OK);
	assert_int_equal(c.n, 6);
	assert_string_equal(c.rows[1], "0 62.2=AABBCCDD");
	assert_string_equal(c.rows[5], "0 62.6=55667788");
	/* A field with no layout for this MTI breaks out nothing. */
	c = explain("0200", 62, "x", 1, ISO8583_OK);
	assert_int_equal(c.n, 0);
}

static void subfields_tagged(void **state)
{
	const char *f59 = "A2065"
	                  "01002"
	                  "02"
	                  "02016"
	                  "0000020254004318"
	                  "03006"
	                  "000052"
	                  "04008"
	                  "6A1B2C3D"
	                  "05008"
	                  "321702  ";
	const char *f62 = "NM006"
	                  "\xE5\xBC\xA0\xE4\xB8\x89"
	                  "ID018"
	                  "11010519491231002X"
	                  "PH011"
	                  "13800138000";
	struct collected c;

	(void)state;
	c = explain("0200", 59, f59, strlen(f59), ISO8583_OK);
	assert_int_equal(c.n, 6);
	assert_string_equal(c.rows[0], "0 59.A2=01002020201600000202540043180300600005204008"
	                               "6A1B2C3D05008321702  ");
	assert_string_equal(c.rows[2], "1 59.A2.02=0000020254004318");
	assert_string_equal(c.rows[5], "1 59.A2.05=321702  ");
	c = explain("0100", 62, f62, strlen(f62), ISO8583_OK);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.rows[0], "0 62.NM=\xE5\xBC\xA0\xE4\xB8\x89");
	assert_string_equal(c.rows[2], "0 62.PH=13800138000");
	/* A tag's length past the end, a length that is not a number, a tag cut short. */
	explain("0200", 59,
	        "A2099"
	        "01002",
	        10, ISO8583_ESUB);
	explain("0200", 59,
	        "A20X5"
	        "01002",
	        10, ISO8583_ESUB);
	explain("0200", 59, "A2", 2, ISO8583_ESUB);
	/* A value its class does not allow: the random factor is n6. */
	explain("0200", 59,
	        "A2011"
	        "03006"
	        "00005X",
	        16, ISO8583_ESUB);
}

static void subfields_tlv(void **state)
{
	struct collected c;

	(void)state;
	c = explain("0200", 55,
	            HEX("9F2608A1B2C3D4E5F60708"
	                "9F360200FF"
	                "7103"
	                "860100"),
	            21, ISO8583_OK);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.rows[0], "0 55.9F26=A1B2C3D4E5F60708");
	assert_string_equal(c.rows[1], "0 55.9F36=00FF");
	assert_string_equal(c.rows[3], "1 55.71.86=00");
	explain("0200", 55, HEX("9F2609A1B2"), 5, ISO8583_ESUB);
}

/* --- random round trips --- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from the seed, so a failure can be replayed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static size_t random_value(const iso8583_field_spec *s, uint8_t *out)
{
	static const char an[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ";
	size_t len = s->len_type == ISO8583_FIXED ? s->max : rnd() % ((size_t)s->max + 1);

	for (size_t i = 0; i < len; i++) {
		switch (s->cls) {
		case ISO8583_N:
			out[i] = (uint8_t)('0' + rnd() % 10);
			break;
		case ISO8583_AN:
			out[i] = (uint8_t)an[rnd() % (sizeof an - 1)];
			break;
		case ISO8583_ANS:
			out[i] = (uint8_t)(0x20 + rnd() % 95);
			if (out[i] == 0x7F)
				out[i] = '~';
			break;
		case ISO8583_Z:
			out[i] = rnd() % 8 == 0 ? '=' : (uint8_t)('0' + rnd() % 10);
			break;
		case ISO8583_XN:
			out[i] = i == 0 ? (rnd() & 1 ? 'C' : 'D') : (uint8_t)('0' + rnd() % 10);
			break;
		default:
			out[i] = (uint8_t)rnd();
			break;
		}
	}
	if (s->cls == ISO8583_XN && len == 0)
		return random_value(s, out);
	return len;
}

static void random_round_trips(void **state)
{
	static uint8_t values[ISO8583_MAX_FIELD + 1][1000];
	const char *names[] = {"cup-pos", "iso87a", "iso87a-bb", "iso87b"};
	static uint8_t buf[65536], again[65536], other[65536];

	(void)state;
	rng_state = 0x5EED2026;
	for (int iter = 0; iter < 3000; iter++) {
		const iso8583_profile *p = PROFILE(names[iter % 4]);
		const iso8583_profile *q = PROFILE(names[(iter / 4) % 4]);
		size_t lens[ISO8583_MAX_FIELD + 1], len, len2, len3;
		iso8583_msg m, back, cross;
		iso8583_diag diag;
		char mti[5];

		snprintf(mti, sizeof mti, "%04u", (unsigned)(rnd() % 10000));
		iso8583_msg_init(&m);
		iso8583_set_mti(&m, mti);
		for (int f = 2; f <= p->max_field; f++) {
			const iso8583_field_spec *s = &p->fields[f];
			if (s->name == NULL || rnd() % 3 != 0 || s->max > 999)
				continue;
			lens[f] = random_value(s, values[f]);
			iso8583_set(&m, f, values[f], lens[f]);
		}
		if (iso8583_next(&m, 1) == 0) {
			lens[3] = random_value(&p->fields[3], values[3]);
			iso8583_set(&m, 3, values[3], lens[3]);
		}
		if (iso8583_pack(p, &m, buf, sizeof buf, &len, &diag) != ISO8583_OK)
			fail_msg("%s iteration %d: pack: %s", p->name, iter, diag.text);
		if (iso8583_unpack(p, buf, len, &back, &diag) != ISO8583_OK)
			fail_msg("%s iteration %d: unpack: %s", p->name, iter, diag.text);
		assert_string_equal(back.mti, mti);
		assert_memory_equal(back.present, m.present, sizeof m.present);
		for (int f = iso8583_next(&m, 1); f != 0; f = iso8583_next(&m, f)) {
			uint8_t got[1001];
			assert_int_equal(iso8583_get(&back, f, got, sizeof got, &len2), ISO8583_OK);
			assert_int_equal(len2, lens[f]);
			assert_memory_equal(got, values[f], len2);
		}
		/* Repacking what was unpacked gives the same bytes. */
		assert_int_equal(iso8583_pack(p, &back, again, sizeof again, &len2, &diag),
		                 ISO8583_OK);
		assert_int_equal(len2, len);
		assert_memory_equal(again, buf, len);
		/* Into another dialect, where it defines the fields, and back. */
		bool fits = true;
		for (int f = iso8583_next(&back, 1); f != 0; f = iso8583_next(&back, f))
			fits =
			    fits && f <= q->max_field && q->fields[f].name != NULL &&
			    q->fields[f].cls == p->fields[f].cls && q->fields[f].max >= lens[f] &&
			    (q->fields[f].len_type != ISO8583_FIXED || q->fields[f].max == lens[f]);
		if (!fits)
			continue;
		assert_int_equal(iso8583_pack(q, &back, other, sizeof other, &len3, &diag),
		                 ISO8583_OK);
		assert_int_equal(iso8583_unpack(q, other, len3, &cross, &diag), ISO8583_OK);
		assert_int_equal(iso8583_pack(p, &cross, again, sizeof again, &len2, &diag),
		                 ISO8583_OK);
		assert_int_equal(len2, len);
		assert_memory_equal(again, buf, len);
	}
}

static void profiles_listed(void **state)
{
	(void)state;
	assert_non_null(iso8583_profile_find("cup-pos"));
	assert_non_null(iso8583_profile_find("iso87a"));
	assert_non_null(iso8583_profile_find("iso87a-bb"));
	assert_non_null(iso8583_profile_find("iso87b"));
	assert_null(iso8583_profile_find("iso93"));
	assert_string_equal(iso8583_profile_at(0)->name, "cup-pos");
	assert_null(iso8583_profile_at(4));
	assert_string_equal(iso8583_strerror(ISO8583_ELENGTH), "field longer than its maximum");
}

/* Field 54 as a balance: written and read back, a debit's sign, and what is not one refused. */
static void balance_field(void **state)
{
	char out[ISO8583_BALANCE_LEN + 1];
	int64_t amount;
	unsigned currency;

	(void)state;
	assert_int_equal(iso8583_balance_format(123456, 156, out), ISO8583_OK);
	assert_string_equal(out, "0002156C000000123456");
	assert_int_equal(iso8583_balance_parse(out, &amount, &currency), ISO8583_OK);
	assert_int_equal(amount, 123456);
	assert_int_equal(currency, 156);
	assert_int_equal(iso8583_balance_format(-5, 840, out), ISO8583_OK);
	assert_string_equal(out, "0002840D000000000005");
	assert_int_equal(iso8583_balance_parse(out, &amount, &currency), ISO8583_OK);
	assert_int_equal(amount, -5);
	assert_int_equal(iso8583_balance_format(0, 1000, out), ISO8583_ECONTENT);
	assert_int_equal(iso8583_balance_format(1000000000000LL, 156, out), ISO8583_ECONTENT);
	assert_int_equal(iso8583_balance_parse("0002156X000000123456", &amount, &currency),
	                 ISO8583_ECONTENT);
	assert_int_equal(iso8583_balance_parse("0002156C00000012345", &amount, &currency),
	                 ISO8583_ECONTENT);
	assert_int_equal(iso8583_balance_parse("0002156C00000012345A", &amount, &currency),
	                 ISO8583_ECONTENT);
	assert_int_equal(iso8583_balance_parse("", &amount, &currency), ISO8583_ECONTENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(iso87a_published_vector),
	    cmocka_unit_test(iso87a_bb_binary_bitmap),
	    cmocka_unit_test(iso87b_bcd),
	    cmocka_unit_test(cup_pos_signin),
	    cmocka_unit_test(cup_pos_framed),
	    cmocka_unit_test(framing_rejects),
	    cmocka_unit_test(unpack_rejects),
	    cmocka_unit_test(every_truncation_rejected),
	    cmocka_unit_test(pack_rejects),
	    cmocka_unit_test(pack_pads_fixed_fields),
	    cmocka_unit_test(secondary_bitmap),
	    cmocka_unit_test(encodings_and_tertiary_bitmap),
	    cmocka_unit_test(subfields_positional),
	    cmocka_unit_test(subfields_tagged),
	    cmocka_unit_test(subfields_tlv),
	    cmocka_unit_test(random_round_trips),
	    cmocka_unit_test(secondary_bitmap_empty),
	    cmocka_unit_test(hex_binary_variant),
	    cmocka_unit_test(profiles_listed),
	    cmocka_unit_test(balance_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
