/* test_totp.c — TOTP against RFC 6238 appendix B (the SHA-1 rows: 8 digits there, and their low
 * 6 digits, possum's codes), HOTP against RFC 4226 appendix D, the window of ±1 step, a used
 * step refused, and RFC 4648 section 10's base32 vectors. */
#include "testutil.h"

#include "crypto/totp.h"

static const uint8_t seed[] = "12345678901234567890"; /* RFC 6238 appendix B, SHA-1 */

static const struct {
	int64_t t;
	const char *code;
} rfc6238[] = {
    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
};

static void rfc6238_sha1_rows(void **state)
{
	char out[9];

	(void)state;
	for (size_t i = 0; i < sizeof rfc6238 / sizeof rfc6238[0]; i++) {
		assert_int_equal(totp_code(seed, 20, totp_step(rfc6238[i].t), 8, out), CRYPTO_OK);
		assert_string_equal(out, rfc6238[i].code);
		assert_int_equal(totp_code(seed, 20, totp_step(rfc6238[i].t), 6, out), CRYPTO_OK);
		assert_string_equal(out, rfc6238[i].code + 2);
	}
}

/* RFC 4226 appendix D: the HOTP values of counts 0 to 9. */
static void rfc4226_hotp(void **state)
{
	static const char *const want[] = {"755224", "287082", "359152", "969429", "338314",
	                                   "254676", "287922", "162583", "399871", "520489"};
	char out[9];

	(void)state;
	for (unsigned i = 0; i < 10; i++) {
		assert_int_equal(totp_hotp(seed, 20, i, 6, out), CRYPTO_OK);
		assert_string_equal(out, want[i]);
	}
}

/* At 1111111111 (step 37037037), the codes of steps 37037036 to 37037038 pass, those two steps
 * away do not, and a step used once is refused after. */
static void window_and_replay(void **state)
{
	int64_t now = 1111111111, at = totp_step(now), step;
	char code[9];

	(void)state;
	for (int d = -2; d <= 2; d++) {
		assert_int_equal(totp_code(seed, 20, at + d, 6, code), CRYPTO_OK);
		assert_int_equal(totp_verify(seed, 20, code, now, 0, &step),
		                 d >= -1 && d <= 1 ? CRYPTO_OK : CRYPTO_EVERIFY);
		if (d >= -1 && d <= 1)
			assert_true(step == at + d);
	}
	assert_int_equal(totp_code(seed, 20, at, 6, code), CRYPTO_OK);
	assert_int_equal(totp_verify(seed, 20, code, now, at, &step), CRYPTO_EVERIFY);
	assert_int_equal(totp_verify(seed, 20, code, now, at - 1, &step), CRYPTO_OK);
	assert_int_equal(totp_verify(seed, 20, "12345", now, 0, &step), CRYPTO_EFORMAT);
	assert_int_equal(totp_verify(seed, 20, "12345a", now, 0, &step), CRYPTO_EFORMAT);
}

/* RFC 4648 section 10, without the padding otpauth URIs leave out. */
static void base32_rfc4648(void **state)
{
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const coded[] = {"",        "MY",       "MZXQ",      "MZXW6",
	                                    "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"};
	char out[TOTP_B32_MAX];
	uint8_t back[16];
	size_t len;

	(void)state;
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(totp_base32_encode((const uint8_t *)plain[i], strlen(plain[i]),
		                                    out, sizeof out),
		                 CRYPTO_OK);
		assert_string_equal(out, coded[i]);
		assert_int_equal(totp_base32_decode(coded[i], back, sizeof back, &len), CRYPTO_OK);
		assert_int_equal(len, strlen(plain[i]));
		assert_memory_equal(back, plain[i], len);
	}
	assert_int_equal(totp_base32_decode("mzxw6ytboi======", back, sizeof back, &len),
	                 CRYPTO_OK);
	assert_memory_equal(back, "foobar", 6);
	assert_int_equal(totp_base32_decode("MZ1W", back, sizeof back, &len), CRYPTO_EFORMAT);
	assert_int_equal(totp_base32_decode("MZXW6YTBOI", back, 3, &len), CRYPTO_ESPACE);
	assert_int_equal(totp_base32_encode((const uint8_t *)"foobar", 6, out, 10), CRYPTO_ESPACE);
}

static void totp_rejects(void **state)
{
	char out[9];

	(void)state;
	assert_int_equal(totp_hotp(seed, 0, 1, 6, out), CRYPTO_EKEYLEN);
	assert_int_equal(totp_hotp(seed, 20, 1, 5, out), CRYPTO_EARG);
	assert_int_equal(totp_hotp(seed, 20, 1, 9, out), CRYPTO_EARG);
	assert_int_equal(totp_code(seed, 20, -1, 6, out), CRYPTO_EARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rfc6238_sha1_rows), cmocka_unit_test(rfc4226_hotp),
	    cmocka_unit_test(window_and_replay), cmocka_unit_test(base32_rfc4648),
	    cmocka_unit_test(totp_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
