/* test_pinblock.c — ISO 9564-1 PIN blocks, formats 0, 1, 3 and 4, against published values,
 * with random fill, and every strict-reading rejection. */
#include "testutil.h"

#include "crypto/pinblock.h"

static void check_build(enum crypto_pin_format f, const char *pin, const char *pan,
                        const char *fill, const char *want)
{
	uint8_t out[8];
	char back[CRYPTO_PIN_MAX + 1];

	assert_int_equal(crypto_pinblock_build(f, pin, pan, fill ? HEX(fill) : NULL, out),
	                 CRYPTO_OK);
	assert_string_equal(test_tohex(out, 8), want);
	assert_int_equal(crypto_pinblock_read(f, out, pan, back, sizeof back), CRYPTO_OK);
	assert_string_equal(back, pin);
}

static void check_read_fails(enum crypto_pin_format f, const char *block, const char *pan, int want)
{
	char pin[CRYPTO_PIN_MAX + 1] = "x";

	assert_int_equal(crypto_pinblock_read(f, HEX(block), pan, pin, sizeof pin), want);
	assert_string_equal(pin, "x"); /* nothing written */
}

/* Format 0: shared/vectors/README.md (ANSI X9.24-1:2009 A.4), the EFTlab/BP-Tools example,
 * and psec tests/test_pinblock.py test_encode_pinblock_iso_0. */
static void format0_known_answers(void **state)
{
	(void)state;
	check_build(CRYPTO_PIN_ISO0, "1234", "4012345678909", NULL, "041274EDCBA9876F");
	check_build(CRYPTO_PIN_ISO0, "1234", "43219876543210987", NULL, "0412AC89ABCDEF67");
	check_build(CRYPTO_PIN_ISO0, "1234", "5555555551234567", NULL, "041261AAAAEDCBA9");
	check_build(CRYPTO_PIN_ISO0, "123456789012", "5555555551234567", NULL, "0C1261032D8226A9");
}

/* Format 1: IBM CCA Basic Services 2.54, E-11, PIN 123456 with fillers 6ABCFDE1. */
static void format1_known_answer(void **state)
{
	(void)state;
	check_build(CRYPTO_PIN_ISO1, "123456", NULL, "6ABCFDE1000000", "161234566ABCFDE1");
}

/* Format 3: psec tests/test_pinblock.py test_decode_pinblock_iso_3 (fill F). */
static void format3_known_answers(void **state)
{
	static const char *const pins[] = {"1234", "123456789", "1234567890", "123456789012"};
	static const char *const blocks[] = {"341261AAAAEDCBA9", "391261032D8DCBA9",
	                                     "3A1261032D82CBA9", "3C1261032D8226A9"};

	(void)state;
	for (size_t i = 0; i < 4; i++)
		check_build(CRYPTO_PIN_ISO3, pins[i], "5555555551234567", "FFFFFFFFFFFFFF",
		            blocks[i]);
}

/* Random fill: format 1 any nibble, format 3 only A to F; fresh each time. */
static void random_fill(void **state)
{
	uint8_t a[8], b[8];
	char pin[CRYPTO_PIN_MAX + 1];

	(void)state;
	assert_int_equal(crypto_pinblock_build(CRYPTO_PIN_ISO1, "1234", NULL, NULL, a), CRYPTO_OK);
	assert_int_equal(crypto_pinblock_build(CRYPTO_PIN_ISO1, "1234", NULL, NULL, b), CRYPTO_OK);
	assert_memory_not_equal(a, b, 8);
	assert_int_equal(crypto_pinblock_read(CRYPTO_PIN_ISO1, b, NULL, pin, sizeof pin),
	                 CRYPTO_OK);
	assert_string_equal(pin, "1234");
	for (int round = 0; round < 50; round++) {
		assert_int_equal(
		    crypto_pinblock_build(CRYPTO_PIN_ISO3, "12345", "4012345678909", NULL, a),
		    CRYPTO_OK);
		assert_int_equal(
		    crypto_pinblock_read(CRYPTO_PIN_ISO3, a, "4012345678909", pin, sizeof pin),
		    CRYPTO_OK);
		assert_string_equal(pin, "12345");
	}
	assert_int_equal(crypto_pinblock_build(CRYPTO_PIN_ISO3, "12345", "4012345678909", NULL, b),
	                 CRYPTO_OK);
	assert_memory_not_equal(a, b, 8);
}

/* Strict reading: psec tests/test_pinblock.py test_decode_pinblock_iso_0_exception and
 * _iso_3_exception (control field, PIN length 15 and 2, fill, non-digit PIN, PAN). */
static void read_rejects(void **state)
{
	const char *pan = "5555555551234567";
	char pin[4];

	(void)state;
	check_read_fails(CRYPTO_PIN_ISO0, "241261AAAAEDCBA9", pan, CRYPTO_EFORMAT);
	check_read_fails(CRYPTO_PIN_ISO0, "0F1261AAAAEDCBA9", pan, CRYPTO_EPIN);
	check_read_fails(CRYPTO_PIN_ISO0, "021261AAAAEDCBA9", pan, CRYPTO_EPIN);
	check_read_fails(CRYPTO_PIN_ISO0, "041261AAAAEDCBAA", pan, CRYPTO_EFORMAT);
	check_read_fails(CRYPTO_PIN_ISO0, "051261AAAAEDCBA9", pan, CRYPTO_EPIN);
	check_read_fails(CRYPTO_PIN_ISO0, "051261AAAAEDCBA9", "555555555123", CRYPTO_EPAN);
	check_read_fails(CRYPTO_PIN_ISO0, "051261AAAAEDCBA9", "5555555551234A", CRYPTO_EPAN);
	check_read_fails(CRYPTO_PIN_ISO0, "041274EDCBA9876F", NULL, CRYPTO_EPAN);
	check_read_fails(CRYPTO_PIN_ISO3, "241261AAAAEDCBA9", pan, CRYPTO_EFORMAT);
	check_read_fails(CRYPTO_PIN_ISO3, "3F1261AAAAEDCBA9", pan, CRYPTO_EPIN);
	check_read_fails(CRYPTO_PIN_ISO3, "321261AAAAEDCBA9", pan, CRYPTO_EPIN);
	check_read_fails(CRYPTO_PIN_ISO3, "341261AAAAEDCBA2", pan, CRYPTO_EFORMAT);
	check_read_fails(CRYPTO_PIN_ISO3, "351261AAAAEDCBA9", pan, CRYPTO_EPIN);
	/* A format 0 block is not a format 3 block, and the reverse. */
	check_read_fails(CRYPTO_PIN_ISO3, "041274EDCBA9876F", "4012345678909", CRYPTO_EFORMAT);
	check_read_fails(CRYPTO_PIN_ISO1, "041274EDCBA9876F", NULL, CRYPTO_EFORMAT);
	check_read_fails(CRYPTO_PIN_ISO1, "1612345A6ABCFDE1", NULL, CRYPTO_EPIN);
	/* The PIN must fit the caller's buffer with its NUL. */
	assert_int_equal(crypto_pinblock_read(CRYPTO_PIN_ISO0, HEX("041274EDCBA9876F"),
	                                      "4012345678909", pin, sizeof pin),
	                 CRYPTO_ESPACE);
	assert_int_equal(crypto_pinblock_read((enum crypto_pin_format)2, HEX("241234FFFFFFFFFF"),
	                                      NULL, pin, sizeof pin),
	                 CRYPTO_EARG);
}

static void build_rejects(void **state)
{
	uint8_t out[8];

	(void)state;
	assert_int_equal(crypto_pinblock_build(CRYPTO_PIN_ISO0, "123", "4012345678909", NULL, out),
	                 CRYPTO_EPIN);
	assert_int_equal(
	    crypto_pinblock_build(CRYPTO_PIN_ISO0, "1234567890123", "4012345678909", NULL, out),
	    CRYPTO_EPIN);
	assert_int_equal(crypto_pinblock_build(CRYPTO_PIN_ISO0, "12a4", "4012345678909", NULL, out),
	                 CRYPTO_EPIN);
	assert_int_equal(crypto_pinblock_build(CRYPTO_PIN_ISO0, NULL, "4012345678909", NULL, out),
	                 CRYPTO_EPIN);
	assert_int_equal(crypto_pinblock_build(CRYPTO_PIN_ISO0, "1234", "401234567890", NULL, out),
	                 CRYPTO_EPAN);
	assert_int_equal(
	    crypto_pinblock_build(CRYPTO_PIN_ISO0, "1234", "40123456789012345678", NULL, out),
	    CRYPTO_EPAN);
	assert_int_equal(crypto_pinblock_build(CRYPTO_PIN_ISO3, "1234", "401234567890X", NULL, out),
	                 CRYPTO_EPAN);
	/* Format 0 has no fill to choose; format 3 fill is A to F. */
	assert_int_equal(crypto_pinblock_build(CRYPTO_PIN_ISO0, "1234", "4012345678909",
	                                       HEX("FFFFFFFFFFFFFF"), out),
	                 CRYPTO_EARG);
	assert_int_equal(crypto_pinblock_build(CRYPTO_PIN_ISO3, "1234", "4012345678909",
	                                       HEX("FFFFFFFFF9FFFF"), out),
	                 CRYPTO_EARG);
	assert_int_equal(
	    crypto_pinblock_build((enum crypto_pin_format)4, "1234", "4012345678909", NULL, out),
	    CRYPTO_EARG);
}

static crypto_key *aes_key(const char *hex)
{
	size_t len;
	const uint8_t *k = test_hex(hex, &len);
	crypto_key *key;

	assert_int_equal(crypto_key_create(CRYPTO_AES, k, len, &key), CRYPTO_OK);
	return key;
}

/* Format 4 enciphered with a known random field, read back, and enciphered again to the
 * published block. */
static void check_format4(const char *key, const char *pin, const char *pan, const char *fill,
                          const char *block)
{
	crypto_key *k = aes_key(key);
	uint8_t out[16];
	char back[CRYPTO_PIN_MAX + 1];

	assert_int_equal(crypto_pinblock4_decipher(k, HEX(block), pan, back, sizeof back),
	                 CRYPTO_OK);
	assert_string_equal(back, pin);
	assert_int_equal(crypto_pinblock4_encipher(k, pin, pan, HEX(fill), out), CRYPTO_OK);
	assert_string_equal(test_tohex(out, 16), block);
	crypto_key_free(k);
}

/* Format 4: shared/vectors/README.md (random field all FF); ep2 Security Specification 8.0.0
 * 8.4 as psec test_decipher_pinblock_iso_4 quotes it (its random field, 146C6601F4A8035C, is
 * what deciphering the block gives); psec's PAN shorter than 12 digits. */
static void format4_known_answers(void **state)
{
	(void)state;
	check_format4("00112233445566778899AABBCCDDEEFF", "1234", "1234567890123456789",
	              "FFFFFFFFFFFFFFFF", "28B41FDDD29B743E93124BD8E32D921E");
	check_format4("C1D0F8FB4958670DBA40AB1F3752EF0D", "1234", "432198765432109870",
	              "146C6601F4A8035C", "CC17F65586BFD0953010226C4FC5B3CA");
	check_format4("00112233445566778899AABBCCDDEEFF", "123456", "1", "FFFFFFFFFFFFFFFF",
	              "39B69B1B91FE05D48F7EF0D68EB2CBD6");
}

static void format4_random(void **state)
{
	crypto_key *k = aes_key("00112233445566778899AABBCCDDEEFF");
	uint8_t a[16], b[16];
	char pin[CRYPTO_PIN_MAX + 1];

	(void)state;
	assert_int_equal(crypto_pinblock4_encipher(k, "987654321098", "4111111111111111", NULL, a),
	                 CRYPTO_OK);
	assert_int_equal(crypto_pinblock4_encipher(k, "987654321098", "4111111111111111", NULL, b),
	                 CRYPTO_OK);
	assert_memory_not_equal(a, b, 16);
	assert_int_equal(crypto_pinblock4_decipher(k, a, "4111111111111111", pin, sizeof pin),
	                 CRYPTO_OK);
	assert_string_equal(pin, "987654321098");
	/* Another PAN unbinds the PIN. */
	assert_int_not_equal(crypto_pinblock4_decipher(k, a, "4111111111111112", pin, sizeof pin),
	                     CRYPTO_OK);
	crypto_key_free(k);
}

/* psec tests/test_pinblock.py test_decipher_pinblock_iso_4_exception: control field 3,
 * PIN "1AB2", fill BBBBBBBBBB, PIN length 3. */
static void format4_rejects(void **state)
{
	static const struct {
		const char *key, *block, *pan;
		int rc;
	} bad[] = {
	    {"E60B15B90ABDF14CEE337C97440F0D6E", "7D5AF4C33667A2098626027FB7A9A1B7",
	     "4266229809609384667", CRYPTO_EFORMAT},
	    {"C7BBEBA16C5AD97D5866450718C03750", "2F9C910447F17293EC95DEDE1E3CA201",
	     "8220499325458689523", CRYPTO_EPIN},
	    {"820F6C7C12355BDFF1AB6CE12E8EED89", "CCF310A8300B46C925A86B1098089301",
	     "939589847393485609", CRYPTO_EFORMAT},
	    {"4FE3F0311936FBCE44F17159F1659CF09B2BF8913BB514A1", "51334B00A6CBA3EC7B1C6F871F060AFC",
	     "2129100799029059903", CRYPTO_EPIN},
	};
	const uint8_t *tdes = HEX("0123456789ABCDEFFEDCBA9876543210");
	char pin[CRYPTO_PIN_MAX + 1];
	uint8_t out[16];
	crypto_key *k;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		k = aes_key(bad[i].key);
		assert_int_equal(
		    crypto_pinblock4_decipher(k, HEX(bad[i].block), bad[i].pan, pin, sizeof pin),
		    bad[i].rc);
		crypto_key_free(k);
	}
	k = aes_key("C1D0F8FB4958670DBA40AB1F3752EF0D");
	assert_int_equal(crypto_pinblock4_decipher(k, HEX("CC17F65586BFD0953010226C4FC5B3CA"),
	                                           "43219876543210987099", pin, sizeof pin),
	                 CRYPTO_EPAN);
	assert_int_equal(crypto_pinblock4_decipher(k, HEX("CC17F65586BFD0953010226C4FC5B3CA"), "",
	                                           pin, sizeof pin),
	                 CRYPTO_EPAN);
	assert_int_equal(crypto_pinblock4_encipher(k, "123", "4111111111111111", NULL, out),
	                 CRYPTO_EPIN);
	crypto_key_free(k);
	assert_int_equal(crypto_key_create(CRYPTO_TDES, tdes, 16, &k), CRYPTO_OK);
	assert_int_equal(crypto_pinblock4_encipher(k, "1234", "4111111111111111", NULL, out),
	                 CRYPTO_EARG);
	crypto_key_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(format0_known_answers), cmocka_unit_test(format1_known_answer),
	    cmocka_unit_test(format3_known_answers), cmocka_unit_test(random_fill),
	    cmocka_unit_test(read_rejects),          cmocka_unit_test(build_rejects),
	    cmocka_unit_test(format4_known_answers), cmocka_unit_test(format4_random),
	    cmocka_unit_test(format4_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
