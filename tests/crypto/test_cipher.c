/* test_cipher.c — TDES and AES block encryption against published known answers. */
#include "testutil.h"

#include "crypto/cipher.h"

static void run_ecb(enum crypto_alg alg, const char *key, const char *plain, const char *cipher)
{
	size_t klen, plen;
	const uint8_t *k = test_hex(key, &klen);
	const uint8_t *p = test_hex(plain, &plen);
	uint8_t out[64], back[64];
	crypto_key *ck;

	assert_int_equal(crypto_key_create(alg, k, klen, &ck), CRYPTO_OK);
	assert_int_equal(crypto_ecb(ck, 1, p, plen, out), CRYPTO_OK);
	assert_string_equal(test_tohex(out, plen), cipher);
	assert_int_equal(crypto_ecb(ck, 0, out, plen, back), CRYPTO_OK);
	assert_memory_equal(back, p, plen);
	crypto_key_free(ck);
}

/* FIPS 46 / the classic DES example: "Now is t" under 0123456789ABCDEF. */
static void des_single_length(void **state)
{
	(void)state;
	run_ecb(CRYPTO_TDES, "0123456789ABCDEF", "4E6F772069732074", "3FA40E8A984D4815");
}

/* ANSI X9.24 key check value: TDES of zeros, 0123456789ABCDEFFEDCBA9876543210 → 08D7B4. */
static void tdes_double_length_kcv(void **state)
{
	(void)state;
	run_ecb(CRYPTO_TDES, "0123456789ABCDEFFEDCBA9876543210", "0000000000000000",
	        "08D7B4FB629D0885");
}

/* FIPS 197 appendix C.1, C.2, C.3. */
static void aes_fips197(void **state)
{
	(void)state;
	run_ecb(CRYPTO_AES, "000102030405060708090A0B0C0D0E0F", "00112233445566778899AABBCCDDEEFF",
	        "69C4E0D86A7B0430D8CDB78070B4C55A");
	run_ecb(CRYPTO_AES, "000102030405060708090A0B0C0D0E0F1011121314151617",
	        "00112233445566778899AABBCCDDEEFF", "DDA97CA4864CDFE06EAF70A0EC0D7191");
	run_ecb(CRYPTO_AES, "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
	        "00112233445566778899AABBCCDDEEFF", "8EA2B7CA516745BFEAFC49904B496089");
}

/* NIST SP 800-38A F.2.1 CBC-AES128.Encrypt, first two blocks; the IV is reset per call. */
static void aes_cbc_sp800_38a(void **state)
{
	const uint8_t *key = HEX("2B7E151628AED2A6ABF7158809CF4F3C");
	const uint8_t *iv = HEX("000102030405060708090A0B0C0D0E0F");
	const uint8_t *plain =
	    HEX("6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E51");
	uint8_t out[32];
	crypto_key *k;

	(void)state;
	assert_int_equal(crypto_key_create(CRYPTO_AES, key, 16, &k), CRYPTO_OK);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(crypto_cbc(k, 1, iv, plain, 32, out), CRYPTO_OK);
		assert_string_equal(test_tohex(out, 32), "7649ABAC8119B246CEE98E9B12E9197D"
		                                         "5086CB9B507219EE95DB113A917678B2");
	}
	assert_int_equal(crypto_cbc(k, 0, iv, out, 32, out), CRYPTO_OK);
	assert_memory_equal(out, plain, 32);
	crypto_key_free(k);
}

/* NIST SP 800-38A F.2.1/F.2.2: CBC in two calls, the second given the last cipher block of
 * the first as IV (the chain the context carries on), equals CBC in one; in place too. */
static void aes_cbc_in_pieces(void **state)
{
	const uint8_t *key = HEX("2B7E151628AED2A6ABF7158809CF4F3C");
	const uint8_t *iv = HEX("000102030405060708090A0B0C0D0E0F");
	const uint8_t *plain =
	    HEX("6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E51");
	const char *cipher = "7649ABAC8119B246CEE98E9B12E9197D5086CB9B507219EE95DB113A917678B2";
	uint8_t out[32], back[32];
	crypto_key *k;

	(void)state;
	assert_int_equal(crypto_key_create(CRYPTO_AES, key, 16, &k), CRYPTO_OK);
	assert_int_equal(crypto_cbc(k, 1, iv, plain, 16, out), CRYPTO_OK);
	assert_int_equal(crypto_cbc(k, 1, out, plain + 16, 16, out + 16), CRYPTO_OK);
	assert_string_equal(test_tohex(out, 32), cipher);
	memcpy(back, out, 32);
	assert_int_equal(crypto_cbc(k, 0, iv, back, 16, back), CRYPTO_OK);
	assert_int_equal(crypto_cbc(k, 0, out, back + 16, 16, back + 16), CRYPTO_OK);
	assert_memory_equal(back, plain, 32);
	/* A new chain after a continued one starts from its own IV again. */
	assert_int_equal(crypto_cbc(k, 1, iv, plain, 32, out), CRYPTO_OK);
	assert_string_equal(test_tohex(out, 32), cipher);
	crypto_key_free(k);
}

static void rejects_bad_lengths(void **state)
{
	uint8_t key[32] = {0}, buf[16] = {0};
	crypto_key *k = NULL;

	(void)state;
	assert_int_equal(crypto_key_create(CRYPTO_TDES, key, 12, &k), CRYPTO_EKEYLEN);
	assert_null(k);
	assert_int_equal(crypto_key_create(CRYPTO_AES, key, 8, &k), CRYPTO_EKEYLEN);
	assert_int_equal(crypto_key_create(CRYPTO_TDES, key, 16, &k), CRYPTO_OK);
	assert_int_equal(crypto_ecb(k, 1, buf, 7, buf), CRYPTO_ELEN);
	assert_int_equal(crypto_ecb(k, 1, buf, 0, buf), CRYPTO_ELEN);
	crypto_key_free(k);
	assert_int_equal(crypto_key_create(CRYPTO_AES, key, 16, &k), CRYPTO_OK);
	assert_int_equal(crypto_ecb(k, 1, buf, 8, buf), CRYPTO_ELEN);
	crypto_key_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(des_single_length), cmocka_unit_test(tdes_double_length_kcv),
	    cmocka_unit_test(aes_fips197),       cmocka_unit_test(aes_cbc_sp800_38a),
	    cmocka_unit_test(aes_cbc_in_pieces), cmocka_unit_test(rejects_bad_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
