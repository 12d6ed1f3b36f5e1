/* cipher.c — TDES and AES over OpenSSL EVP with the key schedule kept per key.
 *
 * Up to four EVP contexts per key (ECB and CBC, each direction), each initialised with the
 * key the first time it is used, so a key used once for one ECB encryption (a derivation
 * step) pays for one; a call re-initialises only the IV, which keeps the schedule. A CBC context
 * carries its chain on from the previous call, so a call that continues that chain (a MAC computed
 * in pieces) skips even the IV reset, which costs more than the cipher on a short message. Single
 * DES is run as TDES with K1 = K2 = K3, since OpenSSL 3 keeps plain DES in its legacy provider. */
#include "crypto/cipher.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

struct crypto_key {
	enum crypto_alg alg;
	size_t block;
	uint8_t key[32]; /* the full key (TDES as K1K2K3), for contexts set up on first use */
	size_t key_len;
	EVP_CIPHER_CTX *ctx[2][2]; /* [cbc][enc], NULL until first used */
	uint8_t chain[2][16];      /* [enc]: the IV the CBC context goes on with */
	int chained[2];            /* [enc]: chain[] holds that IV */
};

static const EVP_CIPHER *cipher_for(enum crypto_alg alg, size_t len, int cbc)
{
	if (alg == CRYPTO_TDES)
		return cbc ? EVP_des_ede3_cbc() : EVP_des_ede3_ecb();
	switch (len) {
	case 16:
		return cbc ? EVP_aes_128_cbc() : EVP_aes_128_ecb();
	case 24:
		return cbc ? EVP_aes_192_cbc() : EVP_aes_192_ecb();
	default:
		return cbc ? EVP_aes_256_cbc() : EVP_aes_256_ecb();
	}
}

void crypto_key_free(crypto_key *k)
{
	if (k == NULL)
		return;
	for (int m = 0; m < 2; m++)
		for (int e = 0; e < 2; e++)
			EVP_CIPHER_CTX_free(k->ctx[m][e]); /* clears the schedule */
	crypto_wipe(k, sizeof *k);
	free(k);
}

int crypto_key_create(enum crypto_alg alg, const uint8_t *key, size_t key_len, crypto_key **out)
{
	uint8_t full[32];
	size_t full_len = key_len;
	crypto_key *k = NULL;
	int rc = CRYPTO_OK;

	*out = NULL;
	if (alg == CRYPTO_TDES) {
		if (key_len != 8 && key_len != 16 && key_len != 24)
			return CRYPTO_EKEYLEN;
		/* X9.52 keying options: K3 = K1 for double length, K1 = K2 = K3 for single. */
		memcpy(full, key, 8);
		memcpy(full + 8, key_len >= 16 ? key + 8 : key, 8);
		memcpy(full + 16, key_len == 24 ? key + 16 : key, 8);
		full_len = 24;
	} else if (alg == CRYPTO_AES) {
		if (key_len != 16 && key_len != 24 && key_len != 32)
			return CRYPTO_EKEYLEN;
		memcpy(full, key, key_len);
	} else {
		return CRYPTO_EARG;
	}

	if ((k = calloc(1, sizeof *k)) == NULL) {
		rc = CRYPTO_ENOMEM;
		goto out;
	}
	k->alg = alg;
	k->block = alg == CRYPTO_TDES ? 8 : 16;
	memcpy(k->key, full, full_len);
	k->key_len = full_len;
	*out = k;
out:
	crypto_wipe(full, sizeof full);
	return rc;
}

/* The context for a mode and direction, set up with the key the first time. */
static int context(crypto_key *k, int cbc, int enc, EVP_CIPHER_CTX **out)
{
	EVP_CIPHER_CTX *c = k->ctx[cbc][enc];

	if (c == NULL) {
		if ((c = EVP_CIPHER_CTX_new()) == NULL)
			return CRYPTO_ENOMEM;
		if (EVP_CipherInit_ex(c, cipher_for(k->alg, k->key_len, cbc), NULL, k->key, NULL,
		                      enc) != 1 ||
		    EVP_CIPHER_CTX_set_padding(c, 0) != 1) {
			EVP_CIPHER_CTX_free(c);
			return CRYPTO_EOPENSSL;
		}
		k->ctx[cbc][enc] = c;
	}
	*out = c;
	return CRYPTO_OK;
}

enum crypto_alg crypto_key_alg(const crypto_key *k)
{
	return k->alg;
}

size_t crypto_key_block(const crypto_key *k)
{
	return k->block;
}

/* With iv NULL the context goes on as it stands: ECB keeps no state between whole blocks, and
 * CBC its chain (EVP_CipherInit_ex with no IV would rewind CBC to its first IV). */
static int run(EVP_CIPHER_CTX *c, const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out)
{
	int n = 0;

	if (len > INT32_MAX)
		return CRYPTO_ELEN;
	if ((iv != NULL && EVP_CipherInit_ex(c, NULL, NULL, NULL, iv, -1) != 1) ||
	    EVP_CipherUpdate(c, out, &n, in, (int)len) != 1)
		return CRYPTO_EOPENSSL;
	assert((size_t)n == len);
	return CRYPTO_OK;
}

int crypto_ecb(crypto_key *k, int enc, const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *c;
	int rc;

	assert(k != NULL);
	if (len == 0 || len % k->block != 0)
		return CRYPTO_ELEN;
	if ((rc = context(k, 0, enc != 0, &c)) != CRYPTO_OK)
		return rc;
	return run(c, NULL, in, len, out);
}

int crypto_cbc(crypto_key *k, int enc, const uint8_t *iv, const uint8_t *in, size_t len,
               uint8_t *out)
{
	uint8_t next[16];
	int e = enc != 0, rc;
	EVP_CIPHER_CTX *c;

	assert(k != NULL && iv != NULL);
	if (len == 0 || len % k->block != 0)
		return CRYPTO_ELEN;
	if ((rc = context(k, 1, e, &c)) != CRYPTO_OK)
		return rc;
	/* The next chaining value is the last cipher block: the input when decrypting, taken
	 * before an in-place call overwrites it. */
	if (!e)
		memcpy(next, in + len - k->block, k->block);
	if (k->chained[e] && memcmp(iv, k->chain[e], k->block) == 0)
		iv = NULL; /* run() then keeps the context's chain */
	rc = run(c, iv, in, len, out);
	k->chained[e] = rc == CRYPTO_OK;
	if (rc == CRYPTO_OK)
		memcpy(k->chain[e], e ? out + len - k->block : next, k->block);
	crypto_wipe(next, sizeof next);
	return rc;
}

int crypto_ecb_once(enum crypto_alg alg, const uint8_t *key, size_t key_len, const uint8_t *in,
                    size_t len, uint8_t *out)
{
	crypto_key *k = NULL;
	int rc = crypto_key_create(alg, key, key_len, &k);

	if (rc == CRYPTO_OK)
		rc = crypto_ecb(k, 1, in, len, out);
	crypto_key_free(k);
	return rc;
}
