/* test_mac.c — ISO 9797-1 MAC algorithms 1 and 3, ANSI X9.9 and X9.19, CMAC and the CUP ECB
 * MAC against published known answers, in one piece and in pieces, and their rejections. */
#include "testutil.h"

#include "crypto/mac.h"

static const uint8_t now_is[] = "Now is the time for all ";
static const uint8_t hello[] = "hello world";

/* NIST SP 800-38B D.1 example messages (the SP 800-38A plaintext). */
#define SP800_38B_M                                                                                \
	"6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E51"                         \
	"30C81C46A35CE411E5FBC1191A0A52EFF69F2445DF4F9B17AD2B417BE66C3710"

/* MACs data under key both at once and one byte at a time, and checks the result. */
static void check_mac(enum crypto_mac_alg alg, enum crypto_mac_pad pad, enum crypto_alg cipher,
                      const char *key, const uint8_t *data, size_t len, const char *want)
{
	size_t klen, mlen = strlen(want) / 2;
	const uint8_t *k = test_hex(key, &klen);
	uint8_t out[CRYPTO_MAC_MAX];
	struct crypto_mac_state s;
	crypto_mac *m;

	if (alg == CRYPTO_MAC_CUP_ECB)
		mlen = strlen(want); /* ASCII characters */
	assert_int_equal(crypto_mac_create(alg, pad, cipher, k, klen, &m), CRYPTO_OK);
	assert_int_equal(crypto_mac_compute(m, data, len, out, mlen), CRYPTO_OK);
	if (alg == CRYPTO_MAC_CUP_ECB)
		assert_memory_equal(out, want, mlen);
	else
		assert_string_equal(test_tohex(out, mlen), want);
	assert_int_equal(crypto_mac_verify(m, data, len, out, mlen), CRYPTO_OK);

	memset(out, 0, sizeof out);
	assert_int_equal(crypto_mac_init(m, &s), CRYPTO_OK);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(crypto_mac_update(&s, data + i, 1), CRYPTO_OK);
	assert_int_equal(crypto_mac_final(&s, out, mlen), CRYPTO_OK);
	assert_int_equal(crypto_mac_verify(m, data, len, out, mlen), CRYPTO_OK);
	crypto_mac_free(m);
}

static void check_hex_mac(enum crypto_mac_alg alg, enum crypto_mac_pad pad, enum crypto_alg cipher,
                          const char *key, const char *data, const char *want)
{
	size_t len = 0;
	const uint8_t *d = data[0] != '\0' ? test_hex(data, &len) : (const uint8_t *)"";

	check_mac(alg, pad, cipher, key, d, len, want);
}

/* ANSI X9.19 / ISO 9797-1 MAC algorithm 3, padding 1: the retail MAC example, key
 * 0123456789ABCDEFFEDCBA9876543210 (shared/vectors/README.md). */
static void retail_mac_x919(void **state)
{
	(void)state;
	check_mac(CRYPTO_MAC_ALG3, CRYPTO_MAC_PAD1, CRYPTO_TDES, "0123456789ABCDEFFEDCBA9876543210",
	          now_is, 24, "A1C72E74EA3FA9B6");
}

/* ISO 9797-1 algorithm 3 with padding 1 and 2: pyemv tests/test_mac.py test_mac_iso9797_3,
 * K = AAAAAAAAAAAAAAAA, K' = BBBBBBBBBBBBBBBB, "hello world". */
static void alg3_pyemv(void **state)
{
	(void)state;
	check_mac(CRYPTO_MAC_ALG3, CRYPTO_MAC_PAD1, CRYPTO_TDES, "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB",
	          hello, 11, "78DA3D3DEB48FD4D");
	check_mac(CRYPTO_MAC_ALG3, CRYPTO_MAC_PAD2, CRYPTO_TDES, "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB",
	          hello, 11, "2BC2D9EDE0CF31F6");
}

/* ANSI X9.9 = ISO 9797-1 algorithm 1, single DES, padding 1: "Now is the time for all "
 * under 0123456789ABCDEF, and the FIPS 113 example "7654321 Now is the time for ". */
static void x99_single_des(void **state)
{
	static const uint8_t fips113[] = "7654321 Now is the time for ";

	(void)state;
	check_mac(CRYPTO_MAC_ALG1, CRYPTO_MAC_PAD1, CRYPTO_TDES, "0123456789ABCDEF", now_is, 24,
	          "70A30640CC76DD8B");
	check_mac(CRYPTO_MAC_ALG1, CRYPTO_MAC_PAD1, CRYPTO_TDES, "0123456789ABCDEF", fips113, 28,
	          "F1D30F6849312CA4");
	check_mac(CRYPTO_MAC_ALG1, CRYPTO_MAC_PAD1, CRYPTO_TDES, "0123456789ABCDEF", fips113, 28,
	          "F1D30F68");
}

/* ISO 9797-1 algorithm 1 with double-length TDES, padding 1 and 2: psec tests/test_mac.py
 * test_generate_cbc_mac, key AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB, "hello world". */
static void alg1_tdes_psec(void **state)
{
	(void)state;
	check_mac(CRYPTO_MAC_ALG1, CRYPTO_MAC_PAD1, CRYPTO_TDES, "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB",
	          hello, 11, "68D9038F23360DF3");
	check_mac(CRYPTO_MAC_ALG1, CRYPTO_MAC_PAD2, CRYPTO_TDES, "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB",
	          hello, 11, "32DC341271ACCD00");
	check_mac(CRYPTO_MAC_ALG1, CRYPTO_MAC_PAD2, CRYPTO_TDES, "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB",
	          hello, 11, "32DC3412");
}

/* docs/cup-pos.md "MAC": MAK 2222222222222222 (public test of a UnionPay POS gateway). */
static void cup_ecb(void **state)
{
	(void)state;
	check_hex_mac(CRYPTO_MAC_CUP_ECB, CRYPTO_MAC_PAD_OWN, CRYPTO_TDES, "2222222222222222",
	              "1234567890ABCDEFABCDEF1234567890", "E267B6E2");
	check_hex_mac(CRYPTO_MAC_CUP_ECB, CRYPTO_MAC_PAD_OWN, CRYPTO_TDES,
	              "22222222222222222222222222222222", "1234567890ABCDEFABCDEF1234567890",
	              "E267B6E2");
}

/* NIST SP 800-38B D.1, AES-128 examples 1-4. */
static void cmac_aes_sp800_38b(void **state)
{
	static const char *const want[] = {
	    "BB1D6929E95937287FA37D129B756746",
	    "070A16B46B4D4144F79BDD9DD04A287C",
	    "DFA66747DE9AE63030CA32611497C827",
	    "51F0BEBF7E3B9D92FC49741779363CFE",
	};
	static const size_t len[] = {0, 16, 40, 64};
	const uint8_t *m = HEX(SP800_38B_M);

	(void)state;
	for (size_t i = 0; i < 4; i++)
		check_mac(CRYPTO_MAC_CMAC, CRYPTO_MAC_PAD_OWN, CRYPTO_AES,
		          "2B7E151628AED2A6ABF7158809CF4F3C", m, len[i], want[i]);
}

/* NIST SP 800-38B D.2, three-key TDEA examples 5-8 and two-key TDEA examples 9-11. */
static void cmac_tdes_sp800_38b(void **state)
{
	static const char *const want3[] = {"B7A688E122FFAF95", "8E8F293136283797",
	                                    "743DDBE0CE2DC2ED", "33E6B1092400EAE5"};
	static const char *const want2[] = {"BD2EBF9A3BA00361", "4FF2AB813C53CE83",
	                                    "62DD1B471902BD4E"};
	static const size_t len[] = {0, 8, 20, 32};
	const uint8_t *m = HEX(SP800_38B_M);

	(void)state;
	for (size_t i = 0; i < 4; i++)
		check_mac(CRYPTO_MAC_CMAC, CRYPTO_MAC_PAD_OWN, CRYPTO_TDES,
		          "8AA83BF8CBDA10620BC1BF19FBB6CD58BC313D4A371CA8B5", m, len[i], want3[i]);
	for (size_t i = 0; i < 3; i++)
		check_mac(CRYPTO_MAC_CMAC, CRYPTO_MAC_PAD_OWN, CRYPTO_TDES,
		          "4CF15134A2850DD58A3D10BA80570D38", m, len[i], want2[i]);
}

/* Pieces of any size give the MAC of the whole: 200 bytes split at every point. */
static void pieces_match_whole(void **state)
{
	static const enum crypto_mac_alg algs[] = {CRYPTO_MAC_ALG1, CRYPTO_MAC_ALG3,
	                                           CRYPTO_MAC_CMAC, CRYPTO_MAC_CUP_ECB};
	static const enum crypto_mac_pad pads[] = {CRYPTO_MAC_PAD2, CRYPTO_MAC_PAD1,
	                                           CRYPTO_MAC_PAD_OWN, CRYPTO_MAC_PAD_OWN};
	const uint8_t *key = HEX("0123456789ABCDEFFEDCBA9876543210");
	uint8_t data[600], whole[8], split[8];
	struct crypto_mac_state s;
	crypto_mac *m;

	(void)state;
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	for (size_t a = 0; a < 4; a++) {
		assert_int_equal(crypto_mac_create(algs[a], pads[a], CRYPTO_TDES, key, 16, &m),
		                 CRYPTO_OK);
		assert_int_equal(crypto_mac_compute(m, data, sizeof data, whole, 8), CRYPTO_OK);
		for (size_t cut = 0; cut <= sizeof data; cut += 13) {
			crypto_mac_init(m, &s);
			assert_int_equal(crypto_mac_update(&s, data, cut), CRYPTO_OK);
			assert_int_equal(crypto_mac_update(&s, data + cut, sizeof data - cut),
			                 CRYPTO_OK);
			assert_int_equal(crypto_mac_final(&s, split, 8), CRYPTO_OK);
			assert_memory_equal(whole, split, 8);
		}
		crypto_mac_free(m);
	}
}

static void verify_rejects_tampering(void **state)
{
	const uint8_t *key = HEX("0123456789ABCDEFFEDCBA9876543210");
	uint8_t data[24], mac[8];
	crypto_mac *m;

	(void)state;
	memcpy(data, now_is, sizeof data);
	assert_int_equal(
	    crypto_mac_create(CRYPTO_MAC_ALG3, CRYPTO_MAC_PAD1, CRYPTO_TDES, key, 16, &m),
	    CRYPTO_OK);
	assert_int_equal(crypto_mac_compute(m, data, sizeof data, mac, 8), CRYPTO_OK);
	data[23] ^= 0x01;
	assert_int_equal(crypto_mac_verify(m, data, sizeof data, mac, 8), CRYPTO_EAUTH);
	data[23] ^= 0x01;
	mac[7] ^= 0x80;
	assert_int_equal(crypto_mac_verify(m, data, sizeof data, mac, 8), CRYPTO_EAUTH);
	assert_int_equal(crypto_mac_verify(m, data, sizeof data, mac, 4), CRYPTO_OK);
	assert_int_equal(crypto_mac_verify(m, data, sizeof data, mac, 0), CRYPTO_EARG);
	assert_int_equal(crypto_mac_verify(m, data, sizeof data, mac, 9), CRYPTO_EARG);
	crypto_mac_free(m);
}

static void equal_is_exact(void **state)
{
	(void)state;
	assert_int_equal(crypto_mac_equal(HEX("A1C72E74"), HEX("A1C72E74"), 4), CRYPTO_OK);
	assert_int_equal(crypto_mac_equal(HEX("A1C72E74"), HEX("A1C72E75"), 4), CRYPTO_EAUTH);
	assert_int_equal(crypto_mac_equal(HEX("A1C72E74"), HEX("21C72E74"), 4), CRYPTO_EAUTH);
}

static void rejects_bad_arguments(void **state)
{
	uint8_t key[32] = {1};
	crypto_mac *m = NULL;

	(void)state;
	/* Algorithm 3 needs K and K': exactly 16 bytes of TDES. */
	assert_int_equal(
	    crypto_mac_create(CRYPTO_MAC_ALG3, CRYPTO_MAC_PAD1, CRYPTO_TDES, key, 8, &m),
	    CRYPTO_EKEYLEN);
	assert_int_equal(
	    crypto_mac_create(CRYPTO_MAC_ALG3, CRYPTO_MAC_PAD1, CRYPTO_TDES, key, 24, &m),
	    CRYPTO_EKEYLEN);
	assert_int_equal(
	    crypto_mac_create(CRYPTO_MAC_ALG3, CRYPTO_MAC_PAD1, CRYPTO_AES, key, 16, &m),
	    CRYPTO_EARG);
	/* Padding must fit the algorithm. */
	assert_int_equal(
	    crypto_mac_create(CRYPTO_MAC_ALG1, CRYPTO_MAC_PAD_OWN, CRYPTO_TDES, key, 16, &m),
	    CRYPTO_EARG);
	assert_int_equal(
	    crypto_mac_create(CRYPTO_MAC_CMAC, CRYPTO_MAC_PAD1, CRYPTO_AES, key, 16, &m),
	    CRYPTO_EARG);
	assert_int_equal(
	    crypto_mac_create(CRYPTO_MAC_CUP_ECB, CRYPTO_MAC_PAD1, CRYPTO_TDES, key, 16, &m),
	    CRYPTO_EARG);
	/* Key lengths. */
	assert_int_equal(
	    crypto_mac_create(CRYPTO_MAC_CMAC, CRYPTO_MAC_PAD_OWN, CRYPTO_TDES, key, 8, &m),
	    CRYPTO_EKEYLEN);
	assert_int_equal(
	    crypto_mac_create(CRYPTO_MAC_CMAC, CRYPTO_MAC_PAD_OWN, CRYPTO_AES, key, 20, &m),
	    CRYPTO_EKEYLEN);
	assert_int_equal(
	    crypto_mac_create(CRYPTO_MAC_CUP_ECB, CRYPTO_MAC_PAD_OWN, CRYPTO_TDES, key, 24, &m),
	    CRYPTO_EKEYLEN);
	assert_int_equal(
	    crypto_mac_create(CRYPTO_MAC_ALG1, CRYPTO_MAC_PAD1, CRYPTO_TDES, key, 12, &m),
	    CRYPTO_EKEYLEN);
	assert_int_equal(
	    crypto_mac_create((enum crypto_mac_alg)9, CRYPTO_MAC_PAD1, CRYPTO_TDES, key, 16, &m),
	    CRYPTO_EARG);
	assert_null(m);
	/* The MAC length: 1 to the block. */
	assert_int_equal(
	    crypto_mac_create(CRYPTO_MAC_CMAC, CRYPTO_MAC_PAD_OWN, CRYPTO_AES, key, 16, &m),
	    CRYPTO_OK);
	assert_int_equal(crypto_mac_size(m), 16);
	assert_int_equal(crypto_mac_compute(m, key, 5, key, 17), CRYPTO_EARG);
	assert_int_equal(crypto_mac_compute(m, key, 5, key, 0), CRYPTO_EARG);
	crypto_mac_free(m);
	crypto_mac_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(retail_mac_x919),
	    cmocka_unit_test(alg3_pyemv),
	    cmocka_unit_test(x99_single_des),
	    cmocka_unit_test(alg1_tdes_psec),
	    cmocka_unit_test(cup_ecb),
	    cmocka_unit_test(cmac_aes_sp800_38b),
	    cmocka_unit_test(cmac_tdes_sp800_38b),
	    cmocka_unit_test(pieces_match_whole),
	    cmocka_unit_test(verify_rejects_tampering),
	    cmocka_unit_test(equal_is_exact),
	    cmocka_unit_test(rejects_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
