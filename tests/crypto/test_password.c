/* test_password.c — Argon2id against RFC 9106 section 5.3's test vector (with its secret and
 * associated data), and the encoded hashes possum keeps: their parameters, a right and a wrong
 * password, a salt of their own each time, and passwords too short or long refused. */
#include "testutil.h"

#include "crypto/password.h"

/* RFC 9106 5.3: password 32 × 01, salt 16 × 02, secret 8 × 03, associated data 12 × 04, 32 KiB,
 * 3 passes, 4 lanes, a 32-byte tag. */
static void rfc9106_argon2id(void **state)
{
	uint8_t pwd[32], salt[16], secret[8], ad[12], tag[32];
	struct password_argon2 in = {pwd, salt, secret, ad, 32, 16, 8, 12, 32, 3, 4};

	(void)state;
	memset(pwd, 0x01, sizeof pwd);
	memset(salt, 0x02, sizeof salt);
	memset(secret, 0x03, sizeof secret);
	memset(ad, 0x04, sizeof ad);
	assert_int_equal(password_argon2id_raw(&in, tag, sizeof tag), CRYPTO_OK);
	assert_memory_equal(
	    tag, HEX("0D640DF58D78766C08C037A34A8B53C9D01EF0452D75B65EB52520E96B01E659"), 32);
}

static void encoded_hashes(void **state)
{
	char a[PASSWORD_ENCODED_MAX], b[PASSWORD_ENCODED_MAX];

	(void)state;
	assert_int_equal(password_hash("correct horse battery", a), CRYPTO_OK);
	assert_int_equal(strncmp(a, "$argon2id$v=19$m=19456,t=2,p=1$", 31), 0);
	assert_int_equal(password_verify(a, "correct horse battery"), CRYPTO_OK);
	assert_int_equal(password_verify(a, "correct horse batterY"), CRYPTO_EVERIFY);
	assert_int_equal(password_hash("correct horse battery", b), CRYPTO_OK);
	assert_string_not_equal(a, b); /* a salt of its own */
	assert_int_equal(password_verify("$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
	                                 "correct horse battery"),
	                 CRYPTO_EFORMAT);
	assert_int_equal(password_verify("$argon2id$garbage", "correct horse battery"),
	                 CRYPTO_EFORMAT);
}

static void lengths_refused(void **state)
{
	char out[PASSWORD_ENCODED_MAX], long_one[PASSWORD_MAX + 2];

	(void)state;
	assert_int_equal(password_hash("eleven char", out), CRYPTO_ELEN);
	assert_int_equal(password_hash(NULL, out), CRYPTO_ELEN);
	memset(long_one, 'x', sizeof long_one - 1);
	long_one[sizeof long_one - 1] = '\0';
	assert_int_equal(password_hash(long_one, out), CRYPTO_ELEN);
	assert_int_equal(password_hash("twelve chars", out), CRYPTO_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rfc9106_argon2id),
	    cmocka_unit_test(encoded_hashes),
	    cmocka_unit_test(lengths_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
