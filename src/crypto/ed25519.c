/* ed25519.c — Ed25519 signatures through OpenSSL's EVP (ed25519.h). One-shot EVP_DigestSign
 * and EVP_DigestVerify: Ed25519 hashes the message itself (RFC 8032 5.1.6), so no digest is
 * named. */
#include "crypto/ed25519.h"

#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "crypto/crypto.h"

int crypto_ed25519_public(const uint8_t seed[CRYPTO_ED25519_SEED_LEN],
                          uint8_t pub[CRYPTO_ED25519_PUB_LEN])
{
	EVP_PKEY *k =
	    EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, CRYPTO_ED25519_SEED_LEN);
	size_t len = CRYPTO_ED25519_PUB_LEN;
	int rc = CRYPTO_EOPENSSL;

	if (k != NULL && EVP_PKEY_get_raw_public_key(k, pub, &len) == 1 &&
	    len == CRYPTO_ED25519_PUB_LEN)
		rc = CRYPTO_OK;
	EVP_PKEY_free(k);
	return rc;
}

int crypto_ed25519_sign(const uint8_t seed[CRYPTO_ED25519_SEED_LEN], const uint8_t *msg, size_t len,
                        uint8_t sig[CRYPTO_ED25519_SIG_LEN])
{
	EVP_PKEY *k =
	    EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, CRYPTO_ED25519_SEED_LEN);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t n = CRYPTO_ED25519_SIG_LEN;
	int rc = CRYPTO_EOPENSSL;

	if (k == NULL || md == NULL || EVP_DigestSignInit(md, NULL, NULL, NULL, k) != 1)
		goto out;
	if (EVP_DigestSign(md, sig, &n, msg, len) == 1 && n == CRYPTO_ED25519_SIG_LEN)
		rc = CRYPTO_OK;
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	return rc;
}

int crypto_ed25519_verify(const uint8_t pub[CRYPTO_ED25519_PUB_LEN], const uint8_t *msg, size_t len,
                          const uint8_t sig[CRYPTO_ED25519_SIG_LEN])
{
	EVP_PKEY *k =
	    EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, CRYPTO_ED25519_PUB_LEN);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int rc = CRYPTO_EOPENSSL;

	if (k == NULL || md == NULL || EVP_DigestVerifyInit(md, NULL, NULL, NULL, k) != 1)
		goto out;
	rc = EVP_DigestVerify(md, sig, CRYPTO_ED25519_SIG_LEN, msg, len) == 1 ? CRYPTO_OK
	                                                                      : CRYPTO_EVERIFY;
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	return rc;
}

int crypto_ed25519_pem(const uint8_t pub[CRYPTO_ED25519_PUB_LEN], char *out, size_t cap)
{
	EVP_PKEY *k =
	    EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, CRYPTO_ED25519_PUB_LEN);
	BIO *b = BIO_new(BIO_s_mem());
	char *text;
	long n;
	int rc = CRYPTO_EOPENSSL;

	if (k == NULL || b == NULL || PEM_write_bio_PUBKEY(b, k) != 1)
		goto out;
	n = BIO_get_mem_data(b, &text);
	if (n <= 0)
		goto out;
	if ((size_t)n >= cap) {
		rc = CRYPTO_ESPACE;
		goto out;
	}
	memcpy(out, text, (size_t)n);
	out[n] = '\0';
	rc = CRYPTO_OK;
out:
	BIO_free(b);
	EVP_PKEY_free(k);
	return rc;
}
