/* mac.c — MACs through the hsm: generation and verification with a MAC key whose usage names
 * the algorithm (TR-31:2018 A.5.1: M1 algorithm 1, M3 algorithm 3, M6 CMAC). */
#include "hsm/internal.h"

#include <string.h>

struct mac_alg {
	enum crypto_mac_alg alg;
	enum crypto_mac_pad pad;
	const char *usage;
};

static const struct mac_alg mac_algs[HSM_MAC_ALGS] = {
    /* The CUP ECB MAC has no TR-31 usage of its own; its key is a TDES MAC key of the
     * algorithm 1 family, as the cup-pos F59 check uses algorithm 1. */
    [HSM_MAC_CUP_ECB] = {CRYPTO_MAC_CUP_ECB, CRYPTO_MAC_PAD_OWN, "M1"},
    /* docs/cup-pos.md "MAC", x919: ISO 9797-1 algorithm 3, padding method 1. */
    [HSM_MAC_X919] = {CRYPTO_MAC_ALG3, CRYPTO_MAC_PAD1, "M3"},
    [HSM_MAC_CMAC] = {CRYPTO_MAC_CMAC, CRYPTO_MAC_PAD_OWN, "M6"},
    /* docs/cup-pos.md "Terminal identity": the SN ciphertext under the track key. */
    [HSM_MAC_ALG1] = {CRYPTO_MAC_ALG1, CRYPTO_MAC_PAD1, "M1"},
};

/* The MAC object of key for alg, allowed mode, made on first use and kept in the cache;
 * mac_len must be 1 to the MAC's size. */
static int mac_key(hsm *h, const hsm_key *key, enum hsm_mac_alg alg, char mode, size_t mac_len,
                   crypto_mac **m)
{
	const struct mac_alg *a;
	struct hsm_entry *e;
	int rc;

	if ((unsigned)alg >= HSM_MAC_ALGS)
		return HSM_EARG;
	a = &mac_algs[alg];
	if ((rc = hsm_load(h, key, a->usage, mode, &e)) != HSM_OK)
		return rc;
	if (e->mac[alg] == NULL) {
		rc = crypto_mac_create(a->alg, a->pad, e->alg, e->key, e->key_len, &e->mac[alg]);
		if (rc == CRYPTO_EKEYLEN || rc == CRYPTO_EARG)
			return HSM_EALG; /* e.g. X9.19 with a triple-length key */
		if (rc != CRYPTO_OK)
			return hsm_from_crypto(rc);
	}
	if (mac_len == 0 || mac_len > crypto_mac_size(e->mac[alg]))
		return HSM_EARG;
	*m = e->mac[alg];
	return HSM_OK;
}

int hsm_mac_generate(hsm *h, const hsm_key *key, enum hsm_mac_alg alg, const uint8_t *data,
                     size_t len, uint8_t *mac, size_t mac_len)
{
	uint8_t out[CRYPTO_MAC_MAX];
	crypto_mac *m = NULL;
	int rc;

	if ((rc = mac_key(h, key, alg, 'G', mac_len, &m)) != HSM_OK ||
	    (rc = hsm_from_crypto(crypto_mac_compute(m, data, len, out, mac_len))) != HSM_OK)
		return rc;
	memcpy(mac, out, mac_len);
	return HSM_OK;
}

int hsm_mac_verify(hsm *h, const hsm_key *key, enum hsm_mac_alg alg, const uint8_t *data,
                   size_t len, const uint8_t *mac, size_t mac_len)
{
	crypto_mac *m = NULL;
	int rc;

	if ((rc = mac_key(h, key, alg, 'V', mac_len, &m)) != HSM_OK)
		return rc;
	rc = crypto_mac_verify(m, data, len, mac, mac_len);
	return rc == CRYPTO_EAUTH ? HSM_EVERIFY : hsm_from_crypto(rc);
}
