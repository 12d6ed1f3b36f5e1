/* test_gcm.c — AES-GCM against the test cases of McGrew and Viega, "The Galois/Counter Mode
 * of Operation (GCM)" (the GCM specification submitted to NIST for SP 800-38D), appendix B:
 * test cases 13 to 16 (AES-256), 10 (AES-192) and 4 (AES-128), the ones with a 96-bit IV.
 * The same values are in Nettle's gcm-test.c, and were computed again outside possum with
 * Python's cryptography AESGCM. Then round trips in place, and every rejection: each of
 * nonce, ciphertext, tag and associated data tampered, wrong key lengths, missing buffers. */
#include "testutil.h"

#include "crypto/gcm.h"

/* The specification's test data: K, IV, P (64 bytes; 60 in the cases with A), A. */
#define K_FE "FEFFE9928665731C6D6A8F9467308308"
#define IV   "CAFEBABEFACEDBADDECAF888"
#define P                                                                                          \
	"D9313225F88406E5A55909C5AFF5269A86A7A9531534F7DA2E4C303D8A318A72"                         \
	"1C3C0C95956809532FCF0E2449A6B525B16AEDF5AA0DE657BA637B391AAFD255"
#define A "FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2"

/* Seals p under key and nonce with aad, compares with c and t, opens it again, in place. */
static void check_gcm(const char *key, const char *nonce, const char *p, size_t p_len,
                      const char *aad, const char *c, const char *t)
{
	size_t klen, alen = strlen(aad) / 2;
	const uint8_t *k = test_hex(key, &klen);
	uint8_t a[64], plain[64], buf[64], tag[CRYPTO_GCM_TAG_LEN];
	crypto_gcm *g;

	memcpy(a, HEX(aad[0] != '\0' ? aad : "00"), sizeof a);
	memcpy(plain, HEX(p[0] != '\0' ? p : "00"), sizeof plain);
	assert_int_equal(crypto_gcm_create(k, klen, &g), CRYPTO_OK);
	assert_int_equal(crypto_gcm_seal(g, HEX(nonce), a, alen, plain, p_len, buf, tag),
	                 CRYPTO_OK);
	assert_string_equal(test_tohex(buf, p_len), c);
	assert_string_equal(test_tohex(tag, sizeof tag), t);
	/* The key object again, the other way, in place. */
	assert_int_equal(crypto_gcm_open(g, HEX(nonce), a, alen, buf, p_len, tag, buf), CRYPTO_OK);
	assert_memory_equal(buf, plain, p_len);
	crypto_gcm_free(g);
}

/* Test case 13: the zero AES-256 key, zero IV, nothing to encrypt. */
static void gcm_case13(void **state)
{
	(void)state;
	check_gcm("0000000000000000000000000000000000000000000000000000000000000000",
	          "000000000000000000000000", "", 0, "", "", "530F8AFBC74536B9A963B4F1C4CB738B");
}

/* Test case 14: the zero AES-256 key, zero IV, one zero block. */
static void gcm_case14(void **state)
{
	(void)state;
	check_gcm("0000000000000000000000000000000000000000000000000000000000000000",
	          "000000000000000000000000", "00000000000000000000000000000000", 16, "",
	          "CEA7403D4D606B6E074EC5D3BAF39D18", "D0D1C8A799996BF0265B98B5D48AB919");
}

/* Test case 15: AES-256, 64 bytes, no associated data. */
static void gcm_case15(void **state)
{
	(void)state;
	check_gcm(K_FE K_FE, IV, P, 64, "",
	          "522DC1F099567D07F47F37A32A84427D643A8CDCBFE5C0C97598A2BD2555D1AA"
	          "8CB08E48590DBB3DA7B08B1056828838C5F61E6393BA7A0ABCC9F662898015AD",
	          "B094DAC5D93471BDEC1A502270E3CC6C");
}

/* Test case 16: AES-256, 60 bytes (a partial last block), 20 bytes of associated data. */
static void gcm_case16(void **state)
{
	(void)state;
	check_gcm(K_FE K_FE, IV, P, 60, A,
	          "522DC1F099567D07F47F37A32A84427D643A8CDCBFE5C0C97598A2BD2555D1AA"
	          "8CB08E48590DBB3DA7B08B1056828838C5F61E6393BA7A0ABCC9F662",
	          "76FC6ECE0F4E1768CDDF8853BB2D551B");
}

/* Test cases 10 (AES-192) and 4 (AES-128): the other key lengths, with associated data. */
static void gcm_case10_and_4(void **state)
{
	(void)state;
	check_gcm(K_FE "FEFFE9928665731C", IV, P, 60, A,
	          "3980CA0B3C00E841EB06FAC4872A2757859E1CEAA6EFD984628593B40CA1E19C"
	          "7D773D00C144C525AC619D18C84A3F4718E2448B2FE324D9CCDA2710",
	          "2519498E80F1478F37BA55BD6D27618C");
	check_gcm(K_FE, IV, P, 60, A,
	          "42831EC2217774244B7221B784D0D49CE3AA212F2C02A4E035C17E2329ACA12E"
	          "21D514B25466931C7D8F6A5AAC84AA051BA30B396A0AAC973D58E091",
	          "5BC94FBC3221A5DB94FAE95AE7121A47");
}

/* Whatever is changed — a bit of the nonce, the ciphertext, the tag or the associated data —
 * test case 16 no longer opens, and leaves no plaintext behind. */
static void gcm_tampered(void **state)
{
	uint8_t nonce[12], aad[20], ct[60], tag[16], out[60];
	static const uint8_t zeros[60];
	crypto_gcm *g;

	(void)state;
	assert_int_equal(crypto_gcm_create(HEX(K_FE K_FE), 32, &g), CRYPTO_OK);
	memcpy(aad, HEX(A), sizeof aad);
	memcpy(nonce, HEX(IV), sizeof nonce);
	assert_int_equal(crypto_gcm_seal(g, nonce, aad, sizeof aad, HEX(P), 60, ct, tag),
	                 CRYPTO_OK);
	assert_int_equal(crypto_gcm_open(g, nonce, aad, sizeof aad, ct, 60, tag, out), CRYPTO_OK);
	assert_memory_equal(out, HEX(P), 60);

	uint8_t *const parts[] = {nonce, ct, ct + 59, tag, tag + 15, aad, aad + 19};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		*parts[i] ^= 0x01;
		memset(out, 0xAA, sizeof out);
		assert_int_equal(crypto_gcm_open(g, nonce, aad, sizeof aad, ct, 60, tag, out),
		                 CRYPTO_EAUTH);
		assert_memory_equal(out, zeros, sizeof out);
		*parts[i] ^= 0x01;
	}
	/* Associated data shortened, or left out. */
	assert_int_equal(crypto_gcm_open(g, nonce, aad, 19, ct, 60, tag, out), CRYPTO_EAUTH);
	assert_int_equal(crypto_gcm_open(g, nonce, NULL, 0, ct, 60, tag, out), CRYPTO_EAUTH);
	/* Ciphertext cut short. */
	assert_int_equal(crypto_gcm_open(g, nonce, aad, sizeof aad, ct, 59, tag, out),
	                 CRYPTO_EAUTH);
	/* Another key. */
	crypto_gcm_free(g);
	assert_int_equal(crypto_gcm_create(HEX(K_FE), 16, &g), CRYPTO_OK);
	assert_int_equal(crypto_gcm_open(g, nonce, aad, sizeof aad, ct, 60, tag, out),
	                 CRYPTO_EAUTH);
	/* After all that, the right values still open (the contexts recover). */
	crypto_gcm_free(g);
	assert_int_equal(crypto_gcm_create(HEX(K_FE K_FE), 32, &g), CRYPTO_OK);
	assert_int_equal(crypto_gcm_open(g, nonce, aad, sizeof aad, ct, 60, tag, out), CRYPTO_OK);
	crypto_gcm_free(g);
}

static void gcm_rejects(void **state)
{
	static const size_t bad_lens[] = {0, 8, 15, 17, 31, 33, 64};
	uint8_t buf[16], tag[16];
	crypto_gcm *g = (crypto_gcm *)1;

	(void)state;
	for (size_t i = 0; i < sizeof bad_lens / sizeof bad_lens[0]; i++) {
		assert_int_equal(crypto_gcm_create(HEX(K_FE K_FE K_FE K_FE), bad_lens[i], &g),
		                 CRYPTO_EKEYLEN);
		assert_null(g);
	}
	assert_int_equal(crypto_gcm_create(HEX(K_FE), 16, &g), CRYPTO_OK);
	assert_int_equal(crypto_gcm_seal(g, NULL, NULL, 0, buf, 16, buf, tag), CRYPTO_EARG);
	assert_int_equal(crypto_gcm_seal(g, HEX(IV), NULL, 4, buf, 16, buf, tag), CRYPTO_EARG);
	assert_int_equal(crypto_gcm_seal(g, HEX(IV), NULL, 0, NULL, 16, buf, tag), CRYPTO_EARG);
	assert_int_equal(crypto_gcm_seal(g, HEX(IV), NULL, 0, buf, 16, NULL, tag), CRYPTO_EARG);
	assert_int_equal(crypto_gcm_seal(NULL, HEX(IV), NULL, 0, buf, 16, buf, tag), CRYPTO_EARG);
	assert_int_equal(crypto_gcm_open(g, HEX(IV), NULL, 0, buf, 16, NULL, buf), CRYPTO_EARG);
	assert_int_equal(crypto_gcm_open(g, HEX(IV), NULL, 0, NULL, 16, tag, buf), CRYPTO_EARG);
	assert_int_equal(crypto_gcm_seal(g, HEX(IV), buf, (size_t)INT32_MAX + 1, buf, 16, buf, tag),
	                 CRYPTO_ELEN);
	crypto_gcm_free(g);
	crypto_gcm_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(gcm_case13),       cmocka_unit_test(gcm_case14),
	    cmocka_unit_test(gcm_case15),       cmocka_unit_test(gcm_case16),
	    cmocka_unit_test(gcm_case10_and_4), cmocka_unit_test(gcm_tampered),
	    cmocka_unit_test(gcm_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
