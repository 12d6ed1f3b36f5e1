/* data.c — data at rest under the hsm's keys (docs/architecture.md "Data that must never leak"): a
 * value (a PAN) encrypted with AES-256-GCM under a data key (D0), bound to what it belongs to by
 * associated data; and a PAN's keyed hash, HMAC-SHA-256 under an HMAC key (M7), to find it
 * by. The GCM and HMAC objects stay in the key's cache entry, so a key costs its setup once. */
#include "hsm/internal.h"

#include <string.h>

#include <openssl/rand.h>

/* The GCM object of a data key allowed mode. AES-256 only: a PAN at rest is kept under a key
 * as strong as the LMK that keeps the key; this also leaves out the TDES and AES-128 D0 keys
 * of DUKPT terminals, which serve another purpose. */
static int data_key(hsm *h, const hsm_key *key, char mode, crypto_gcm **g)
{
	struct hsm_entry *e;
	int rc;

	if ((rc = hsm_load(h, key, "D0", mode, &e)) != HSM_OK)
		return rc;
	if (e->alg != CRYPTO_AES || e->key_len != 32)
		return HSM_EALG;
	if (e->gcm == NULL && (rc = crypto_gcm_create(e->key, e->key_len, &e->gcm)) != CRYPTO_OK)
		return hsm_from_crypto(rc);
	*g = e->gcm;
	return HSM_OK;
}

/* The arguments of both directions: each buffer present where its length says so, out and
 * out_len present, and lengths GCM takes here, below 2^31 with the overhead added
 * (crypto/gcm.h). */
static int data_args(const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                     const uint8_t *out, const size_t *out_len)
{
	return (aad != NULL || aad_len == 0) && (in != NULL || len == 0) && out != NULL &&
	       out_len != NULL && len <= INT32_MAX - HSM_DATA_OVERHEAD && aad_len <= INT32_MAX;
}

int hsm_data_encrypt(hsm *h, const hsm_key *key, const uint8_t *aad, size_t aad_len,
                     const uint8_t *data, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t nonce[HSM_DATA_NONCE_LEN];
	crypto_gcm *g;
	int rc;

	if (!data_args(aad, aad_len, data, len, out, out_len))
		return HSM_EARG;
	if ((rc = data_key(h, key, 'E', &g)) != HSM_OK)
		return rc;
	if (cap < len + HSM_DATA_OVERHEAD)
		return HSM_ESPACE;
	/* NIST SP 800-38D 8.2.2: the IV from an approved random bit generator, 96 bits. */
	if (RAND_bytes(nonce, sizeof nonce) != 1)
		return HSM_ECRYPTO;
	rc = hsm_from_crypto(crypto_gcm_seal(g, nonce, aad, aad_len, data, len,
	                                     out + HSM_DATA_NONCE_LEN,
	                                     out + HSM_DATA_NONCE_LEN + len));
	if (rc != HSM_OK) {
		crypto_wipe(out, len + HSM_DATA_OVERHEAD);
		return rc;
	}
	memcpy(out, nonce, sizeof nonce);
	*out_len = len + HSM_DATA_OVERHEAD;
	return HSM_OK;
}

int hsm_data_decrypt(hsm *h, const hsm_key *key, const uint8_t *aad, size_t aad_len,
                     const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	crypto_gcm *g;
	size_t n;
	int rc;

	if (!data_args(aad, aad_len, in, len, out, out_len))
		return HSM_EARG;
	if ((rc = data_key(h, key, 'D', &g)) != HSM_OK)
		return rc;
	/* Shorter than a nonce and a tag: nothing that was ever encrypted. */
	if (len < HSM_DATA_OVERHEAD)
		return HSM_EAUTH;
	n = len - HSM_DATA_OVERHEAD;
	if (cap < n)
		return HSM_ESPACE;
	/* crypto_gcm_open() wipes out when the tag does not match. */
	rc = crypto_gcm_open(g, in, aad, aad_len, in + HSM_DATA_NONCE_LEN, n,
	                     in + HSM_DATA_NONCE_LEN + n, out);
	if (rc != CRYPTO_OK)
		return hsm_from_crypto(rc);
	*out_len = n;
	return HSM_OK;
}

int hsm_keyed_hash(hsm *h, const hsm_key *key, const void *data, size_t len,
                   uint8_t out[HSM_PAN_HASH_LEN])
{
	uint8_t hash[HSM_PAN_HASH_LEN];
	struct hsm_entry *e;
	int rc;

	if ((data == NULL && len > 0) || out == NULL)
		return HSM_EARG;
	if ((rc = hsm_load(h, key, "M7", 'G', &e)) != HSM_OK)
		return rc;
	if (e->hdr.algorithm != HSM_HMAC)
		return HSM_EALG;
	if (e->hmac == NULL && (rc = crypto_hmac_create(e->key, e->key_len, &e->hmac)) != CRYPTO_OK)
		return hsm_from_crypto(rc);
	if ((rc = hsm_from_crypto(crypto_hmac_compute(e->hmac, data, len, hash, sizeof hash))) ==
	    HSM_OK)
		memcpy(out, hash, sizeof hash);
	crypto_wipe(hash, sizeof hash);
	return rc;
}

int hsm_pan_hash(hsm *h, const hsm_key *key, const char *pan, uint8_t out[HSM_PAN_HASH_LEN])
{
	size_t n = crypto_digits(pan, 12, 19);

	if (n == 0)
		return HSM_EPAN;
	return hsm_keyed_hash(h, key, pan, n, out);
}
