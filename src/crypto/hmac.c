/* hmac.c — HMAC-SHA-256 over OpenSSL's EVP_MAC, the key set once per crypto_hmac: each call
 * re-initialises the context without a key, which keeps the one it has. */
#include "crypto/hmac.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

struct crypto_hmac {
	EVP_MAC_CTX *ctx;
};

void crypto_hmac_free(crypto_hmac *m)
{
	if (m == NULL)
		return;
	EVP_MAC_CTX_free(m->ctx); /* cleanses the key */
	free(m);
}

int crypto_hmac_create(const uint8_t *key, size_t key_len, crypto_hmac **out)
{
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
	    OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = NULL;
	crypto_hmac *m = NULL;
	int rc = CRYPTO_OK;

	*out = NULL;
	if (key == NULL || key_len == 0 || key_len > CRYPTO_HMAC_KEY_MAX)
		return CRYPTO_EKEYLEN;
	if ((m = calloc(1, sizeof *m)) == NULL)
		return CRYPTO_ENOMEM;
	if ((mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL)) == NULL ||
	    (m->ctx = EVP_MAC_CTX_new(mac)) == NULL) {
		rc = CRYPTO_ENOMEM;
		goto out;
	}
	if (EVP_MAC_init(m->ctx, key, key_len, params) != 1) {
		rc = CRYPTO_EOPENSSL;
		goto out;
	}
	*out = m;
	m = NULL;
out:
	EVP_MAC_free(mac); /* the context keeps its own reference */
	crypto_hmac_free(m);
	return rc;
}

int crypto_hmac_compute(crypto_hmac *m, const uint8_t *data, size_t len, uint8_t *out,
                        size_t out_len)
{
	uint8_t full[CRYPTO_HMAC_LEN];
	size_t n = 0;
	int rc = CRYPTO_OK;

	if (m == NULL || out == NULL || (data == NULL && len > 0))
		return CRYPTO_EARG;
	if (out_len == 0 || out_len > CRYPTO_HMAC_LEN)
		return CRYPTO_EARG;
	if (EVP_MAC_init(m->ctx, NULL, 0, NULL) != 1 ||
	    (len > 0 && EVP_MAC_update(m->ctx, data, len) != 1) ||
	    EVP_MAC_final(m->ctx, full, &n, sizeof full) != 1 || n != sizeof full) {
		rc = CRYPTO_EOPENSSL;
		goto out;
	}
	memcpy(out, full, out_len);
out:
	crypto_wipe(full, sizeof full);
	return rc;
}
