/* test_qr.c — the QR library (qr/qr.h): CRC-16/CCITT-FALSE against its published check value
 * and the EMVCo specification's example payload, a terminal's payload built to the byte and
 * read back (in ASCII, and with the name in Chinese in template 64), the refusals of a payload
 * changed or malformed and of a merchant too long for its objects, and the PNG image. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qr/qr.h"

/* The example payload of the EMVCo QR Code Specification for Payment Systems, Merchant-Presented
 * Mode (v1.0 and v1.1, its example of a payload with the language template): a dynamic code
 * (01 = 12) of two merchant account templates (29, 31), 52 4111, 53 156, 58 CN, name "BEST
 * TRANSPORT" in Beijing, 最佳运输 北京 in template 64, CRC A13A. The same string is the
 * known-answer test of public libraries (e.g. the Elixir library exemvi's "@official_sample"). */
static const char emvco_example[] =
    "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802"
    "CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.72530315655020162330304"
    "12340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A";

/* possum's payload of terminal 12345678 of merchant 898581053110001; its CRC computed apart
 * (a bit-by-bit CRC-16/CCITT-FALSE in Python over the bytes before it). */
static const char ascii_payload[] =
    "00020101021126320009cn.possum01158985810531100015204581253031565802CN5914BEST TRANSPORT"
    "6007BEIJING62120708123456786304DC2C";
static const char chinese_payload[] =
    "00020101021126320009cn.possum01158985810531100015204581253031565802CN5924MERCHANT 8985810"
    "531100016007BEIJING621207081234567864200002ZH0104最佳运输0202北京6304173D";

static struct qr_merchant merchant(void)
{
	struct qr_merchant m = {.guid = "cn.possum",
	                        .mid = "898581053110001",
	                        .mcc = "5812",
	                        .currency = "156",
	                        .country = "CN",
	                        .name = "BEST TRANSPORT",
	                        .city = "BEIJING",
	                        .tid = "12345678"};
	return m;
}

/* body with its CRC object "6304XXXX" added, into a static buffer. */
static const char *with_crc(const char *body)
{
	static char buf[1024];
	size_t n = (size_t)snprintf(buf, sizeof buf, "%s6304", body);

	snprintf(buf + n, sizeof buf - n, "%04X", (unsigned)qr_crc16(buf, n));
	return buf;
}

static void crc_check_value(void **state)
{
	(void)state;
	assert_int_equal(qr_crc16("123456789", 9), 0x29B1);
	assert_int_equal(qr_crc16("", 0), 0xFFFF);
	assert_int_equal(qr_crc16(emvco_example, strlen(emvco_example) - 4), 0xA13A);
}

static void emvco_example_parses(void **state)
{
	struct qr_merchant m;

	(void)state;
	assert_int_equal(qr_payload_parse(emvco_example, &m), QR_OK);
	assert_int_equal(m.dynamic, 1);
	assert_string_equal(m.mcc, "4111");
	assert_string_equal(m.currency, "156");
	assert_string_equal(m.country, "CN");
	assert_string_equal(m.name, "BEST TRANSPORT");
	assert_string_equal(m.city, "BEIJING");
	assert_string_equal(m.tid, "A6008667");
	assert_string_equal(m.name_local, "最佳运输");
	assert_string_equal(m.city_local, "北京");
	/* No template 26: no GUID or MID of possum's. */
	assert_string_equal(m.guid, "");
	assert_string_equal(m.mid, "");
}

static void ascii_round_trip(void **state)
{
	struct qr_merchant m = merchant(), back;
	char out[QR_PAYLOAD_MAX];

	(void)state;
	assert_int_equal(qr_payload_build(&m, out, sizeof out), QR_OK);
	assert_string_equal(out, ascii_payload);
	assert_int_equal(qr_payload_parse(out, &back), QR_OK);
	assert_memory_equal(&back, &m, sizeof m);
	/* No TID: no template 62. */
	m.tid[0] = '\0';
	assert_int_equal(qr_payload_build(&m, out, sizeof out), QR_OK);
	assert_null(strstr(out, "6212"));
	assert_int_equal(qr_payload_parse(out, &back), QR_OK);
	assert_string_equal(back.tid, "");
}

static void chinese_round_trip(void **state)
{
	struct qr_merchant m = merchant(), back;
	char out[QR_PAYLOAD_MAX];

	(void)state;
	snprintf(m.name, sizeof m.name, "MERCHANT %s", m.mid);
	snprintf(m.name_local, sizeof m.name_local, "最佳运输");
	snprintf(m.city_local, sizeof m.city_local, "北京");
	assert_int_equal(qr_payload_build(&m, out, sizeof out), QR_OK);
	assert_string_equal(out, chinese_payload);
	assert_int_equal(qr_payload_parse(out, &back), QR_OK);
	assert_memory_equal(&back, &m, sizeof m);
	/* 25 characters of Chinese, 75 bytes: the most 64.01 takes. */
	m.name_local[0] = '\0';
	for (int i = 0; i < 25; i++)
		strcat(m.name_local, "汉");
	m.city_local[0] = '\0';
	assert_int_equal(qr_payload_build(&m, out, sizeof out), QR_OK);
	assert_non_null(strstr(out, "64350002ZH0125汉"));
	assert_int_equal(qr_payload_parse(out, &back), QR_OK);
	assert_string_equal(back.name_local, m.name_local);
	assert_string_equal(back.city_local, "");
}

/* A merchant's name into 59, or 64.01 with the fallback in 59. */
static void merchant_names(void **state)
{
	struct qr_merchant m = {.dynamic = 0};

	(void)state;
	assert_int_equal(qr_merchant_name(&m, "Possum Grocery", "MERCHANT 1"), QR_OK);
	assert_string_equal(m.name, "Possum Grocery");
	assert_string_equal(m.name_local, "");
	/* 25 characters, the space before the 26th dropped. */
	assert_int_equal(qr_merchant_name(&m, "Beijing Best Transport Co Ltd", "X"), QR_OK);
	assert_string_equal(m.name, "Beijing Best Transport Co");
	assert_int_equal(qr_merchant_name(&m, "Beijing Best Transport   Ltd", "X"), QR_OK);
	assert_string_equal(m.name, "Beijing Best Transport");
	assert_int_equal(qr_merchant_name(&m, "最佳运输", "MERCHANT 1"), QR_OK);
	assert_string_equal(m.name, "MERCHANT 1");
	assert_string_equal(m.name_local, "最佳运输");
	/* 30 characters of Chinese: the first 25. */
	assert_int_equal(
	    qr_merchant_name(&m, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
	                     "F"),
	    QR_OK);
	assert_string_equal(m.name_local, "一二三四五六七八九十一二三四五六七八九十一二三四五");
	/* A name with an accent is not ASCII: 64. */
	assert_int_equal(qr_merchant_name(&m, "Café", "F"), QR_OK);
	assert_string_equal(m.name_local, "Café");
	assert_string_equal(m.name, "F");
	assert_int_equal(qr_merchant_name(&m, "", "F"), QR_EARG);
	assert_int_equal(qr_merchant_name(&m, "   ", "F"), QR_EARG);
	assert_int_equal(qr_merchant_name(&m, "\xE6\x9C", "F"), QR_EARG);
	assert_int_equal(qr_merchant_name(&m, "最佳", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), QR_EARG);
}

static void changed_payload_fails_crc(void **state)
{
	char p[sizeof emvco_example];
	struct qr_merchant m;

	(void)state;
	memcpy(p, ascii_payload, sizeof ascii_payload);
	p[strlen(p) - 20] ^= 1; /* a character of the TID */
	assert_int_equal(qr_payload_parse(p, &m), QR_ECRC);
	memcpy(p, emvco_example, sizeof emvco_example);
	memcpy(strstr(p, "BEST"), "REST", 4);
	assert_int_equal(qr_payload_parse(p, &m), QR_ECRC);
	memcpy(p, ascii_payload, sizeof ascii_payload);
	p[strlen(p) - 1] = 'D'; /* the CRC itself */
	assert_int_equal(qr_payload_parse(p, &m), QR_ECRC);
}

static void lower_case_crc_and_any_order_read(void **state)
{
	char p[sizeof ascii_payload];
	struct qr_merchant m;

	(void)state;
	memcpy(p, ascii_payload, sizeof ascii_payload);
	p[strlen(p) - 3] = 'c'; /* DC2C → Dc2C */
	assert_int_equal(qr_payload_parse(p, &m), QR_OK);
	/* 59 and 60 before 52; an object possum does not know (54, an amount) passed over. */
	assert_int_equal(qr_payload_parse(with_crc("5914BEST TRANSPORT6007BEIJING0002010102112632"
	                                           "0009cn.possum011589858105311000152045812"
	                                           "540510.0053031565802CN"),
	                                  &m),
	                 QR_OK);
	assert_string_equal(m.mid, "898581053110001");
	/* UnionPay's own account object (15) is a merchant account. */
	assert_int_equal(qr_payload_parse(with_crc("000201010211153112345678901234567890123456789"
	                                           "0152045812530315658"
	                                           "02CN5901X6001Y"),
	                                  &m),
	                 QR_OK);
}

static void malformed_refused(void **state)
{
	static const char *const bodies[] = {
	    /* a length that is not 2 digits */
	    "0002010102112632000Xcn.possum01158985810531100015204581253031565802CN5901X6001Y",
	    /* a length past the end */
	    "00020101021126320009cn.possum01158985810531100015204581253031565802CN5901X6099Y",
	    /* length 00 */
	    "00020101021126320009cn.possum0115898581053110001520458125303156580002CN5901X6001Y",
	    /* an ID that is not 2 digits */
	    "0002010102112632000Acn.possum01158985810531100015204581253031565802CN5901X6001Y",
	    /* no 59 (name) */
	    "00020101021126320009cn.possum01158985810531100015204581253031565802CN6001Y",
	    /* no 00 */
	    "01021126320009cn.possum01158985810531100015204581253031565802CN5901X6001Y",
	    /* no merchant account */
	    "00020101021152045812530315658"
	    "02CN5901X6001Y",
	    /* 00 not 01; 01 neither 11 nor 12 */
	    "00020201021126320009cn.possum01158985810531100015204581253031565802CN5901X6001Y",
	    "00020101021326320009cn.possum01158985810531100015204581253031565802CN5901X6001Y",
	    /* an MCC not of digits */
	    "00020101021126320009cn.possum0115898581053110001520458A253031565802CN5901X6001Y",
	    /* 59 twice */
	    "00020101021126320009cn.possum01158985810531100015204581253031565802CN5901X5901X6001Y",
	    /* 26 without its GUID (00) */
	    "00020101021126190115898581053110001520458125303156580"
	    "2CN5901X6001Y",
	    /* a template's inner length wrong */
	    "00020101021126320009cn.possum01168985810531100015204581253031565802CN5901X6001Y",
	    /* 64 without the name (01) */
	    "00020101021126320009cn.possum01158985810531100015204581253031565802CN5901X6001Y64060002ZH",
	    /* a name longer than 25 */
	    "00020101021126320009cn.possum01158985810531100015204581253031565802CN5926ABCDEFGHIJKLMNOP"
	    "QRSTUVWXYZ6001Y",
	};
	struct qr_merchant m;
	char p[QR_PAYLOAD_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		const char *body = with_crc(bodies[i]);
		if (qr_payload_parse(body, &m) != QR_EFORMAT)
			fail_msg("body %zu: %s: not refused as malformed", i, body);
	}
	/* Not UTF-8 (a lone continuation byte), in a value of the right length. */
	assert_int_equal(qr_payload_parse(with_crc("00020101021126320009cn.possum01158985810531100"
	                                           "015204581253031565802CN5901\x80"
	                                           "6001Y"),
	                                  &m),
	                 QR_EFORMAT);
	/* No CRC object; a CRC not hexadecimal; the CRC not last. */
	assert_int_equal(qr_payload_parse("000201010211", &m), QR_EFORMAT);
	memcpy(p, ascii_payload, sizeof ascii_payload);
	p[strlen(p) - 1] = 'G';
	assert_int_equal(qr_payload_parse(p, &m), QR_EFORMAT);
	assert_int_equal(qr_payload_parse("", &m), QR_EFORMAT);
	assert_int_equal(qr_payload_parse(NULL, &m), QR_EARG);
}

static void merchant_too_long_refused(void **state)
{
	struct qr_merchant m;
	char out[QR_PAYLOAD_MAX];

	(void)state;
	m = merchant();
	snprintf(m.name, sizeof m.name, "%s", "ABCDEFGHIJKLMNOPQRSTUVWXY"); /* 25 fit */
	assert_int_equal(qr_payload_build(&m, out, sizeof out), QR_OK);
	memset(m.name, 'A', sizeof m.name); /* 26, no NUL */
	assert_int_equal(qr_payload_build(&m, out, sizeof out), QR_EARG);
	m = merchant();
	m.name_local[0] = '\0';
	for (int i = 0; i < 26; i++)
		strcat(m.name_local, "汉");
	assert_int_equal(qr_payload_build(&m, out, sizeof out), QR_EARG);
	m = merchant();
	memcpy(m.mcc, "58A2", 5);
	assert_int_equal(qr_payload_build(&m, out, sizeof out), QR_EARG);
	m = merchant();
	m.guid[0] = '\0';
	assert_int_equal(qr_payload_build(&m, out, sizeof out), QR_EARG);
	m = merchant();
	snprintf(m.name, sizeof m.name, "最佳运输"); /* 59 takes ASCII only */
	assert_int_equal(qr_payload_build(&m, out, sizeof out), QR_EARG);
	m = merchant();
	snprintf(m.city_local, sizeof m.city_local, "北京"); /* without the name in Chinese */
	assert_int_equal(qr_payload_build(&m, out, sizeof out), QR_EARG);
	m = merchant();
	snprintf(m.name_local, sizeof m.name_local, "最佳\n运输");
	assert_int_equal(qr_payload_build(&m, out, sizeof out), QR_EARG);
	/* Room for all but the CRC. */
	m = merchant();
	assert_int_equal(qr_payload_build(&m, out, strlen(ascii_payload) - 3), QR_EARG);
	assert_int_equal(qr_payload_build(&m, out, strlen(ascii_payload) + 1), QR_OK);
}

/* The PNG's width from its IHDR chunk, after checking its signature, chunk and form (1-bit
 * greyscale). */
static uint32_t png_width(const uint8_t *png, size_t len)
{
	assert_true(len > 33);
	assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
	assert_memory_equal(png + 8, "\0\0\0\x0dIHDR", 8);
	uint32_t w =
	    (uint32_t)png[16] << 24 | (uint32_t)png[17] << 16 | (uint32_t)png[18] << 8 | png[19];
	assert_memory_equal(png + 16, png + 20, 4); /* square */
	assert_int_equal(png[24], 1);               /* bit depth */
	assert_int_equal(png[25], 0);               /* greyscale */
	assert_memory_equal(png + len - 8, "IEND", 4);
	return w;
}

static void png_drawn(void **state)
{
	uint8_t *png;
	size_t len;
	char *big;

	(void)state;
	assert_int_equal(qr_png(chinese_payload, 4, &png, &len), QR_OK);
	/* Modules: 17 + 4 a version; 4 of quiet zone each side; 4 pixels each. */
	uint32_t w = png_width(png, len);
	assert_int_equal(w % 4, 0);
	assert_int_equal((w / 4 - 8 - 17) % 4, 0);
	free(png);
	assert_int_equal(qr_png("A", 1, &png, &len), QR_OK);
	assert_int_equal(png_width(png, len), 21 + 8); /* version 1 */
	free(png);

	big = malloc(4001);
	assert_non_null(big);
	memset(big, 'A', 4000);
	big[4000] = '\0';
	assert_int_equal(qr_png(big, 4, &png, &len), QR_EENCODE);
	assert_null(png);
	free(big);
	assert_int_equal(qr_png("A", 0, &png, &len), QR_EARG);
	assert_int_equal(qr_png("", 4, &png, &len), QR_EARG);
	assert_string_equal(qr_strerror(QR_EENCODE),
	                    "the text cannot be drawn as a QR code (too long)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(crc_check_value),
	    cmocka_unit_test(emvco_example_parses),
	    cmocka_unit_test(ascii_round_trip),
	    cmocka_unit_test(chinese_round_trip),
	    cmocka_unit_test(merchant_names),
	    cmocka_unit_test(changed_payload_fails_crc),
	    cmocka_unit_test(lower_case_crc_and_any_order_read),
	    cmocka_unit_test(malformed_refused),
	    cmocka_unit_test(merchant_too_long_refused),
	    cmocka_unit_test(png_drawn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
