/* test_hmac.c — HMAC-SHA-256 against RFC 4231 "Identifiers and Test Vectors for HMAC-SHA-224,
 * HMAC-SHA-256, HMAC-SHA-384, and HMAC-SHA-512", section 4, test cases 1 to 7 (test case 5
 * truncated to 128 bits, as the RFC gives it), each also computed with Python's hmac module
 * outside possum; one key object used for many messages; and the rejections. */
#include "testutil.h"

#include "crypto/hmac.h"

static void check_hmac(const uint8_t *key, size_t klen, const uint8_t *data, size_t len,
                       const char *want)
{
	uint8_t out[CRYPTO_HMAC_LEN];
	size_t n = strlen(want) / 2;
	crypto_hmac *m;

	assert_int_equal(crypto_hmac_create(key, klen, &m), CRYPTO_OK);
	assert_int_equal(crypto_hmac_compute(m, data, len, out, n), CRYPTO_OK);
	assert_string_equal(test_tohex(out, n), want);
	/* The same object again gives the same answer: the key is kept, the state is not. */
	memset(out, 0, sizeof out);
	assert_int_equal(crypto_hmac_compute(m, data, len, out, n), CRYPTO_OK);
	assert_string_equal(test_tohex(out, n), want);
	crypto_hmac_free(m);
}

static void fill(uint8_t *p, uint8_t v, size_t n)
{
	memset(p, v, n);
}

/* RFC 4231 4.2 to 4.5: short keys. */
static void rfc4231_cases_1_to_4(void **state)
{
	uint8_t key[25], data[50];

	(void)state;
	fill(key, 0x0B, 20);
	check_hmac(key, 20, (const uint8_t *)"Hi There", 8,
	           "B0344C61D8DB38535CA8AFCEAF0BF12B881DC200C9833DA726E9376C2E32CFF7");
	check_hmac((const uint8_t *)"Jefe", 4, (const uint8_t *)"what do ya want for nothing?", 28,
	           "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843");
	fill(key, 0xAA, 20);
	fill(data, 0xDD, 50);
	check_hmac(key, 20, data, 50,
	           "773EA91E36800E46854DB8EBD09181A72959098B3EF8C122D9635514CED565FE");
	for (size_t i = 0; i < 25; i++)
		key[i] = (uint8_t)(i + 1);
	fill(data, 0xCD, 50);
	check_hmac(key, 25, data, 50,
	           "82558A389A443C0EA4CC819899F2083A85F0FAA3E578F8077A2E3FF46729665B");
}

/* RFC 4231 4.6: the output truncated to 128 bits. */
static void rfc4231_case_5_truncated(void **state)
{
	uint8_t key[20];

	(void)state;
	fill(key, 0x0C, 20);
	check_hmac(key, 20, (const uint8_t *)"Test With Truncation", 20,
	           "A3B6167473100EE06E0C796C2955552B");
}

/* RFC 4231 4.7 and 4.8: a key longer than SHA-256's block, hashed first. */
static void rfc4231_cases_6_and_7(void **state)
{
	static const char long_data[] =
	    "This is a test using a larger than block-size key and a larger than block-size data. "
	    "The key needs to be hashed before being used by the HMAC algorithm.";
	uint8_t key[131];

	(void)state;
	fill(key, 0xAA, sizeof key);
	check_hmac(key, sizeof key,
	           (const uint8_t *)"Test Using Larger Than Block-Size Key - Hash Key First", 54,
	           "60E431591EE0B67F0D8A26AACBF5B77F8E0BC6213728C5140546040F0EE37F54");
	check_hmac(key, sizeof key, (const uint8_t *)long_data, sizeof long_data - 1,
	           "9B09FFA71B942FCB27635FBCD5B0E944BFDC63644F0713938A7F51535C3A35E2");
}

/* One key, messages in turn: each answer is its own (test cases 1 and 2's data under "Jefe":
 * the second is RFC 4231's case 2). */
static void one_key_many_messages(void **state)
{
	uint8_t out[CRYPTO_HMAC_LEN], first[CRYPTO_HMAC_LEN];
	crypto_hmac *m;

	(void)state;
	assert_int_equal(crypto_hmac_create((const uint8_t *)"Jefe", 4, &m), CRYPTO_OK);
	assert_int_equal(crypto_hmac_compute(m, (const uint8_t *)"Hi There", 8, first, 32),
	                 CRYPTO_OK);
	assert_int_equal(
	    crypto_hmac_compute(m, (const uint8_t *)"what do ya want for nothing?", 28, out, 32),
	    CRYPTO_OK);
	assert_string_equal(test_tohex(out, 32),
	                    "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843");
	assert_int_equal(crypto_hmac_compute(m, (const uint8_t *)"Hi There", 8, out, 32),
	                 CRYPTO_OK);
	assert_memory_equal(out, first, 32);
	assert_memory_not_equal(out,
	                        HEX("5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B9"
	                            "64EC3843"),
	                        32);
	/* The empty message is a message too. */
	assert_int_equal(crypto_hmac_compute(m, NULL, 0, out, 32), CRYPTO_OK);
	crypto_hmac_free(m);
}

static void hmac_rejects(void **state)
{
	uint8_t key[CRYPTO_HMAC_KEY_MAX + 1] = {1}, out[CRYPTO_HMAC_LEN + 1];
	crypto_hmac *m = (crypto_hmac *)1;

	(void)state;
	assert_int_equal(crypto_hmac_create(key, 0, &m), CRYPTO_EKEYLEN);
	assert_null(m);
	assert_int_equal(crypto_hmac_create(NULL, 32, &m), CRYPTO_EKEYLEN);
	assert_int_equal(crypto_hmac_create(key, sizeof key, &m), CRYPTO_EKEYLEN);
	assert_int_equal(crypto_hmac_create(key, CRYPTO_HMAC_KEY_MAX, &m), CRYPTO_OK);
	assert_int_equal(crypto_hmac_compute(m, key, 1, out, 0), CRYPTO_EARG);
	assert_int_equal(crypto_hmac_compute(m, key, 1, out, CRYPTO_HMAC_LEN + 1), CRYPTO_EARG);
	assert_int_equal(crypto_hmac_compute(m, NULL, 1, out, 32), CRYPTO_EARG);
	assert_int_equal(crypto_hmac_compute(m, key, 1, NULL, 32), CRYPTO_EARG);
	assert_int_equal(crypto_hmac_compute(NULL, key, 1, out, 32), CRYPTO_EARG);
	crypto_hmac_free(m);
	crypto_hmac_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rfc4231_cases_1_to_4),  cmocka_unit_test(rfc4231_case_5_truncated),
	    cmocka_unit_test(rfc4231_cases_6_and_7), cmocka_unit_test(one_key_many_messages),
	    cmocka_unit_test(hmac_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
