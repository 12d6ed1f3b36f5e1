/* cache.c — keys in and out of the LMK: unwrapping a key block into the hsm's cache of
 * unwrapped keys (and finding it there the next time), and wrapping a key under the LMK.
 *
 * A TR-31 unwrap costs two CMAC key derivations, a CBC decryption and a CMAC, with OpenSSL
 * objects set up for each: tens of microseconds, against well under one for the TDES block a
 * PIN translation needs. So an unwrapped key stays in the cache with its key schedule, found
 * again by its block's text: the same text under the same LMK is always the same key, and it
 * was authenticated when it came in. Blocks that fail to unwrap never enter it. */
#include "hsm/internal.h"

#include <stdlib.h>
#include <string.h>

/* The set of a block: from its last 16 characters, the authenticator in hex (TR-31:2018
 * A.4), which is as good as random, so that no hashing of the whole text is needed. */
static size_t set_of(const char *block, size_t len)
{
	uint64_t a, b;

	memcpy(&a, block + len - 16, sizeof a);
	memcpy(&b, block + len - 8, sizeof b);
	a = (a ^ b * 0x9E3779B97F4A7C15u) * 0xBF58476D1CE4E5B9u;
	return (size_t)(a >> 32) & (HSM_CACHE_SETS - 1);
}

void hsm_entry_clear(struct hsm_entry *e)
{
	crypto_key_free(e->cipher);
	for (size_t i = 0; i < HSM_MAC_ALGS; i++)
		crypto_mac_free(e->mac[i]);
	crypto_gcm_free(e->gcm);
	crypto_hmac_free(e->hmac);
	crypto_wipe(e, sizeof *e);
}

int hsm_entry_cipher(struct hsm_entry *e, crypto_key **k)
{
	int rc;

	if (e->cipher == NULL &&
	    (rc = crypto_key_create(e->alg, e->key, e->key_len, &e->cipher)) != CRYPTO_OK)
		return hsm_from_crypto(rc);
	*k = e->cipher;
	return HSM_OK;
}

/* The way of set to fill: an empty one, else the least recently used, which is cleared. */
static int victim(struct hsm_entry **set, struct hsm_entry **out)
{
	size_t w = 0;

	for (size_t i = 0; i < HSM_CACHE_WAYS; i++) {
		if (set[i] == NULL || set[i]->used == 0) {
			w = i;
			break;
		}
		if (set[i]->used < set[w]->used)
			w = i;
	}
	if (set[w] == NULL && (set[w] = calloc(1, sizeof *set[w])) == NULL)
		return HSM_ENOMEM;
	hsm_entry_clear(set[w]);
	*out = set[w];
	return HSM_OK;
}

/* Unwraps key under the LMK into a way of set. */
static int add(hsm *h, const hsm_key *key, struct hsm_entry **set, struct hsm_entry **out)
{
	struct crypto_tr31_header hdr;
	uint8_t clear[HSM_CLEAR_MAX];
	struct hsm_entry *e;
	size_t n;
	int rc;

	/* Only version D (AES) blocks: the LMK protects every key with AES-256. */
	if (key->block[0] != 'D')
		return HSM_EBLOCK;
	rc = crypto_tr31_unwrap(h->lmk, sizeof h->lmk, key->block, key->len, NULL, 0, &hdr, clear,
	                        sizeof clear, &n);
	if (rc == CRYPTO_ELEN || rc == CRYPTO_EFORMAT || rc == CRYPTO_ESPACE)
		rc = HSM_EBLOCK;
	else
		rc = hsm_from_crypto(rc);
	if (rc != HSM_OK)
		goto out;
	/* hsm_store() writes TDES keys of 16 or 24 bytes, AES keys, 32-byte HMAC keys and
	 * Ed25519 seeds; nothing else belongs. */
	if (!(hdr.algorithm == HSM_AES || (hdr.algorithm == HSM_TDES && n >= 16) ||
	      ((hdr.algorithm == HSM_HMAC || hdr.algorithm == HSM_ED25519) && n == 32)) ||
	    hdr.n_opt > 0) {
		rc = HSM_EBLOCK;
		goto out;
	}
	if ((rc = victim(set, &e)) != HSM_OK)
		goto out;
	memcpy(e->block, key->block, key->len);
	e->len = key->len;
	e->hdr = hdr;
	e->alg = hdr.algorithm == HSM_AES    ? CRYPTO_AES
	         : hdr.algorithm == HSM_TDES ? CRYPTO_TDES
	                                     : (enum crypto_alg)0;
	memcpy(e->key, clear, n);
	e->key_len = n;
	*out = e;
out:
	crypto_wipe(clear, sizeof clear);
	return rc;
}

static int permits(const struct hsm_entry *e, const char *usages, char mode)
{
	if (usages == NULL)
		return crypto_tr31_permits(&e->hdr, NULL, mode) == CRYPTO_OK ? HSM_OK : HSM_EUSAGE;
	for (const char *u = usages; u[0] != '\0' && u[1] != '\0'; u += 2) {
		const char one[3] = {u[0], u[1], '\0'};

		if (crypto_tr31_permits(&e->hdr, one, mode) == CRYPTO_OK)
			return HSM_OK;
	}
	return HSM_EUSAGE;
}

int hsm_load(hsm *h, const hsm_key *key, const char *usages, char mode, struct hsm_entry **out)
{
	struct hsm_entry **set, *e = NULL;
	int rc;

	/* The shortest version D block has 16 header, 32 key data and 32 authenticator
	 * characters; the rest of the layout is the parser's to check. */
	if (key->len < 80 || key->len > HSM_KEY_MAX)
		return HSM_EBLOCK;
	set = &h->slot[set_of(key->block, key->len) * HSM_CACHE_WAYS];
	for (size_t w = 0; w < HSM_CACHE_WAYS && e == NULL; w++)
		if (set[w] != NULL && set[w]->used != 0 && set[w]->len == key->len &&
		    memcmp(set[w]->block, key->block, key->len) == 0)
			e = set[w];
	if (e == NULL && (rc = add(h, key, set, &e)) != HSM_OK)
		return rc;
	e->used = ++h->tick;
	if ((rc = permits(e, usages, mode)) != HSM_OK)
		return rc;
	*out = e;
	return HSM_OK;
}

int hsm_store(hsm *h, const struct crypto_tr31_header *hdr, const uint8_t *key, size_t len,
              hsm_key *out, hsm_kcv *kcv)
{
	hsm_key wrapped;
	hsm_kcv check;
	int rc;

	rc = crypto_tr31_wrap(h->lmk, sizeof h->lmk, hdr, key, len, NULL, wrapped.block,
	                      sizeof wrapped.block, &wrapped.len);
	if (rc != CRYPTO_OK)
		return hsm_from_crypto(rc);
	if (kcv != NULL && (rc = hsm_check_value(hdr->algorithm, key, len, 0, &check)) != HSM_OK)
		return rc;
	*out = wrapped;
	if (kcv != NULL)
		*kcv = check;
	return HSM_OK;
}
