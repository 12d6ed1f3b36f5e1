/* test_kcv.c — TDES and AES key check values and DES parity against published values; HMAC
 * key check values against independent computations. */
#include "testutil.h"

#include "crypto/kcv.h"

static void check_kcv(enum crypto_alg alg, const char *key, const char *want)
{
	size_t klen, n = strlen(want) / 2;
	const uint8_t *k = test_hex(key, &klen);
	uint8_t out[16];

	assert_int_equal(crypto_kcv(alg, k, klen, out, n), CRYPTO_OK);
	assert_string_equal(test_tohex(out, n), want);
	assert_int_equal(crypto_kcv_verify(alg, k, klen, out, n), CRYPTO_OK);
}

/* ANSI X9.24-1 TDES KCV: shared/vectors/README.md (08D7B4), and the KCVs TR-31:2018 A.7.2
 * and A.7.3 print for their wrapped keys (as the openemv/tr31 tests quote them). */
static void tdes_kcv(void **state)
{
	(void)state;
	check_kcv(CRYPTO_TDES, "0123456789ABCDEFFEDCBA9876543210", "08D7B4");
	check_kcv(CRYPTO_TDES, "F039121BEC83D26B169BDCD5B22AAF8F", "CB9DEA");
	check_kcv(CRYPTO_TDES, "3F419E1CB7079442AA37474C2EFBF8B8", "57C409");
	check_kcv(CRYPTO_TDES, "EDB380DD340BC2620247D445F5B8D678", "F4B08D");
	/* Single DES, the classic key. */
	check_kcv(CRYPTO_TDES, "0123456789ABCDEF", "D5D44F");
}

/* docs/cup-pos.md sign-in: the first 4 bytes; the whole block for comparison with
 * TDES-ECB of zeros (tests/crypto/test_cipher.c). */
static void tdes_kcv_longer(void **state)
{
	(void)state;
	check_kcv(CRYPTO_TDES, "0123456789ABCDEFFEDCBA9876543210", "08D7B4FB");
	check_kcv(CRYPTO_TDES, "0123456789ABCDEFFEDCBA9876543210", "08D7B4FB629D0885");
}

/* ANSI X9.24-1:2017 AES KCV (CMAC of zeros, 5 bytes): ANSI X9.143:2021 8.1 (the TR-31:2018
 * A.7.4 key, KCV 08793E), 8.5 and 8.6 (the KBPK KCVs), as openemv/tr31 quotes them. */
static void aes_kcv(void **state)
{
	(void)state;
	check_kcv(CRYPTO_AES, "3F419E1CB7079442AA37474C2EFBF8B8", "08793E25AB");
	check_kcv(CRYPTO_AES, "FA36E44278DB3AB5F298F9F7DA8F1F88", "D77F007724");
	check_kcv(CRYPTO_AES, "88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6",
	          "2331550BC9");
}

/* HMAC-SHA-256 keys: possum's rule, HMAC-SHA-256 of 16 zero bytes, computed outside possum
 * with `openssl dgst -sha256 -mac HMAC -macopt hexkey:…` and Python's hmac module. */
static void hmac_kcv(void **state)
{
	uint8_t out[32];

	(void)state;
	assert_int_equal(
	    crypto_kcv_hmac(HEX("0123456789ABCDEFFEDCBA98765432100123456789ABCDEFFEDCBA9876543210"),
	                    32, out, 5),
	    CRYPTO_OK);
	assert_string_equal(test_tohex(out, 5), "22E4CFA119");
	assert_int_equal(
	    crypto_kcv_hmac(HEX("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6"),
	                    32, out, 32),
	    CRYPTO_OK);
	assert_string_equal(test_tohex(out, 32),
	                    "FF2366E262D28A9A99DC5D960F02FD2A43384FC0FFD34BF8173683D2A1A30C38");
	assert_int_equal(crypto_kcv_hmac(out, 32, out, 0), CRYPTO_EARG);
	assert_int_equal(crypto_kcv_hmac(out, 32, out, 33), CRYPTO_EARG);
	assert_int_equal(crypto_kcv_hmac(out, 0, out, 5), CRYPTO_EKEYLEN);
}

static void kcv_rejects(void **state)
{
	const uint8_t *key = HEX("0123456789ABCDEFFEDCBA9876543210");
	uint8_t out[17];

	(void)state;
	assert_int_equal(crypto_kcv_verify(CRYPTO_TDES, key, 16, HEX("08D7B5"), 3), CRYPTO_EVERIFY);
	assert_int_equal(crypto_kcv_verify(CRYPTO_AES, key, 16, HEX("08D7B4"), 3), CRYPTO_EVERIFY);
	assert_int_equal(crypto_kcv(CRYPTO_TDES, key, 12, out, 3), CRYPTO_EKEYLEN);
	assert_int_equal(crypto_kcv(CRYPTO_AES, key, 8, out, 3), CRYPTO_EKEYLEN);
	assert_int_equal(crypto_kcv(CRYPTO_TDES, key, 16, out, 0), CRYPTO_EARG);
	assert_int_equal(crypto_kcv(CRYPTO_TDES, key, 16, out, 9), CRYPTO_EARG);
	assert_int_equal(crypto_kcv(CRYPTO_AES, key, 16, out, 17), CRYPTO_EARG);
	assert_int_equal(crypto_kcv((enum crypto_alg)7, key, 16, out, 3), CRYPTO_EARG);
}

/* FIPS 46-3 odd parity; the fixed values are the NIST SP 800-67 weak keys as written there. */
static void des_parity(void **state)
{
	static const char *const in[] = {"0000000000000000", "FFFFFFFFFFFFFFFF", "E1E1E1E1F0F0F0F0",
	                                 "1E1E1E1E0F0F0F0F"};
	static const char *const fixed[] = {"0101010101010101", "FEFEFEFEFEFEFEFE",
	                                    "E0E0E0E0F1F1F1F1", "1F1F1F1F0E0E0E0E"};
	uint8_t key[24];

	(void)state;
	assert_int_equal(crypto_des_parity_check(HEX("0123456789ABCDEFFEDCBA9876543210"), 16),
	                 CRYPTO_OK);
	assert_int_equal(crypto_des_parity_check(HEX("2222222222222222"), 8), CRYPTO_EPARITY);
	assert_int_equal(crypto_des_parity_check(HEX("0123456789ABCDEFFEDCBA9876543211"), 16),
	                 CRYPTO_EPARITY);
	for (size_t i = 0; i < 4; i++) {
		memcpy(key, HEX(in[i]), 8);
		assert_int_equal(crypto_des_parity_fix(key, 8), CRYPTO_OK);
		assert_string_equal(test_tohex(key, 8), fixed[i]);
		assert_int_equal(crypto_des_parity_check(key, 8), CRYPTO_OK);
	}
	memcpy(key, HEX("0123456789ABCDEFFEDCBA98765432100123456789ABCDEE"), 24);
	assert_int_equal(crypto_des_parity_fix(key, 24), CRYPTO_OK);
	assert_string_equal(test_tohex(key, 24),
	                    "0123456789ABCDEFFEDCBA98765432100123456789ABCDEF");
	assert_int_equal(crypto_des_parity_check(key, 12), CRYPTO_EKEYLEN);
	assert_int_equal(crypto_des_parity_fix(key, 0), CRYPTO_EKEYLEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tdes_kcv),    cmocka_unit_test(tdes_kcv_longer),
	    cmocka_unit_test(aes_kcv),     cmocka_unit_test(hmac_kcv),
	    cmocka_unit_test(kcv_rejects), cmocka_unit_test(des_parity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
