/* password.c — Argon2id password hashes through libargon2 (password.h). */
#include "crypto/password.h"

#include <string.h>

#include <argon2.h>
#include <openssl/rand.h>

int password_hash(const char *password, char out[PASSWORD_ENCODED_MAX])
{
	uint8_t salt[PASSWORD_SALT_LEN];
	size_t len = password != NULL ? strlen(password) : 0;
	int rc;

	if (len < PASSWORD_MIN || len > PASSWORD_MAX)
		return CRYPTO_ELEN;
	if (RAND_bytes(salt, sizeof salt) != 1)
		return CRYPTO_EOPENSSL;
	rc = argon2id_hash_encoded(PASSWORD_T, PASSWORD_M_KIB, PASSWORD_P, password, len, salt,
	                           sizeof salt, PASSWORD_HASH_LEN, out, PASSWORD_ENCODED_MAX);
	crypto_wipe(salt, sizeof salt);
	if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
		return CRYPTO_ENOMEM;
	return rc == ARGON2_OK ? CRYPTO_OK : CRYPTO_EARG;
}

int password_verify(const char *encoded, const char *password)
{
	int rc;

	if (encoded == NULL || password == NULL || strncmp(encoded, "$argon2id$", 10) != 0)
		return CRYPTO_EFORMAT;
	rc = argon2id_verify(encoded, password, strlen(password));
	if (rc == ARGON2_OK)
		return CRYPTO_OK;
	if (rc == ARGON2_VERIFY_MISMATCH)
		return CRYPTO_EVERIFY;
	return rc == ARGON2_MEMORY_ALLOCATION_ERROR ? CRYPTO_ENOMEM : CRYPTO_EFORMAT;
}

int password_argon2id_raw(const struct password_argon2 *in, uint8_t *out, size_t out_len)
{
	argon2_context c = {
	    .out = out,
	    .outlen = (uint32_t)out_len,
	    .pwd = (uint8_t *)(uintptr_t)in->pwd,
	    .pwdlen = (uint32_t)in->pwd_len,
	    .salt = (uint8_t *)(uintptr_t)in->salt,
	    .saltlen = (uint32_t)in->salt_len,
	    .secret = (uint8_t *)(uintptr_t)in->secret,
	    .secretlen = (uint32_t)in->secret_len,
	    .ad = (uint8_t *)(uintptr_t)in->ad,
	    .adlen = (uint32_t)in->ad_len,
	    .t_cost = in->t,
	    .m_cost = in->m_kib,
	    .lanes = in->p,
	    .threads = in->p,
	    .version = ARGON2_VERSION_13,
	    .flags = ARGON2_DEFAULT_FLAGS,
	};

	return argon2_ctx(&c, Argon2_id) == ARGON2_OK ? CRYPTO_OK : CRYPTO_EARG;
}
