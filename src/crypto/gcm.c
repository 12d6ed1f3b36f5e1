/* gcm.c — AES-GCM over OpenSSL EVP with the key schedule kept per key.
 *
 * One EVP context per direction, set up with the key the first time it is used (a key that
 * only ever encrypts pays for one); a call then re-initialises only the nonce, which keeps the
 * schedule and the hash subkey H (SP 800-38D 6.4), and allocates nothing. */
#include "crypto/gcm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

struct crypto_gcm {
	uint8_t key[32];
	size_t key_len;
	EVP_CIPHER_CTX *ctx[2]; /* [enc], NULL until first used */
};

void crypto_gcm_free(crypto_gcm *g)
{
	if (g == NULL)
		return;
	EVP_CIPHER_CTX_free(g->ctx[0]); /* clears the schedule */
	EVP_CIPHER_CTX_free(g->ctx[1]);
	crypto_wipe(g, sizeof *g);
	free(g);
}

int crypto_gcm_create(const uint8_t *key, size_t key_len, crypto_gcm **out)
{
	crypto_gcm *g;

	*out = NULL;
	if (key_len != 16 && key_len != 24 && key_len != 32)
		return CRYPTO_EKEYLEN;
	if ((g = calloc(1, sizeof *g)) == NULL)
		return CRYPTO_ENOMEM;
	memcpy(g->key, key, key_len);
	g->key_len = key_len;
	*out = g;
	return CRYPTO_OK;
}

static const EVP_CIPHER *gcm_for(size_t key_len)
{
	switch (key_len) {
	case 16:
		return EVP_aes_128_gcm();
	case 24:
		return EVP_aes_192_gcm();
	default:
		return EVP_aes_256_gcm();
	}
}

/* The context for a direction, with the key set and ready for a nonce. The default IV length
 * of OpenSSL's GCM is the 96 bits this module takes. */
static int context(crypto_gcm *g, int enc, EVP_CIPHER_CTX **out)
{
	EVP_CIPHER_CTX *c = g->ctx[enc];

	if (c == NULL) {
		if ((c = EVP_CIPHER_CTX_new()) == NULL)
			return CRYPTO_ENOMEM;
		if (EVP_CipherInit_ex(c, gcm_for(g->key_len), NULL, g->key, NULL, enc) != 1) {
			EVP_CIPHER_CTX_free(c);
			return CRYPTO_EOPENSSL;
		}
		g->ctx[enc] = c;
	}
	*out = c;
	return CRYPTO_OK;
}

/* The nonce and the associated data, the first steps either way (SP 800-38D 7.1, 7.2). */
static int start(crypto_gcm *g, int enc, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
                 size_t len, EVP_CIPHER_CTX **out)
{
	EVP_CIPHER_CTX *c;
	int n, rc;

	if (g == NULL || nonce == NULL || (aad == NULL && aad_len > 0))
		return CRYPTO_EARG;
	if (aad_len > INT32_MAX || len > INT32_MAX)
		return CRYPTO_ELEN;
	if ((rc = context(g, enc, &c)) != CRYPTO_OK)
		return rc;
	if (EVP_CipherInit_ex(c, NULL, NULL, NULL, nonce, enc) != 1 ||
	    (aad_len > 0 && EVP_CipherUpdate(c, NULL, &n, aad, (int)aad_len) != 1))
		return CRYPTO_EOPENSSL;
	*out = c;
	return CRYPTO_OK;
}

int crypto_gcm_seal(crypto_gcm *g, const uint8_t nonce[CRYPTO_GCM_NONCE_LEN], const uint8_t *aad,
                    size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                    uint8_t tag[CRYPTO_GCM_TAG_LEN])
{
	uint8_t last[16]; /* what EVP_CipherFinal_ex writes: nothing, in GCM */
	EVP_CIPHER_CTX *c;
	int n = 0, rc;

	if ((in == NULL || out == NULL) && len > 0)
		return CRYPTO_EARG;
	if ((rc = start(g, 1, nonce, aad, aad_len, len, &c)) != CRYPTO_OK)
		return rc;
	if ((len > 0 && EVP_CipherUpdate(c, out, &n, in, (int)len) != 1) ||
	    EVP_CipherFinal_ex(c, last, &n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, CRYPTO_GCM_TAG_LEN, tag) != 1)
		return CRYPTO_EOPENSSL;
	return CRYPTO_OK;
}

int crypto_gcm_open(crypto_gcm *g, const uint8_t nonce[CRYPTO_GCM_NONCE_LEN], const uint8_t *aad,
                    size_t aad_len, const uint8_t *in, size_t len,
                    const uint8_t tag[CRYPTO_GCM_TAG_LEN], uint8_t *out)
{
	uint8_t expected[CRYPTO_GCM_TAG_LEN], last[16];
	EVP_CIPHER_CTX *c;
	int n = 0, rc;

	if (((in == NULL || out == NULL) && len > 0) || tag == NULL)
		return CRYPTO_EARG;
	if ((rc = start(g, 0, nonce, aad, aad_len, len, &c)) != CRYPTO_OK)
		return rc;
	/* EVP_CTRL_GCM_SET_TAG takes a non-const buffer. */
	memcpy(expected, tag, sizeof expected);
	if ((len > 0 && EVP_CipherUpdate(c, out, &n, in, (int)len) != 1) ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, CRYPTO_GCM_TAG_LEN, expected) != 1) {
		rc = CRYPTO_EOPENSSL;
		goto out;
	}
	/* SP 800-38D 7.2 step 8: the tag is compared (OpenSSL: in constant time) at the end. */
	if (EVP_CipherFinal_ex(c, last, &n) != 1)
		rc = CRYPTO_EAUTH;
out:
	if (rc != CRYPTO_OK && len > 0)
		crypto_wipe(out, len);
	return rc;
}
