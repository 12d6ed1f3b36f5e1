/* sign.c — signatures under keys the hsm keeps: Ed25519 (RFC 8032) under an S0 key, whose
 * clear seed stays in the hsm's cache; the public key given out for those who verify. */
#include "hsm/internal.h"

#include "crypto/ed25519.h"

int hsm_ed25519_sign(hsm *h, const hsm_key *key, const uint8_t *msg, size_t len,
                     uint8_t sig[HSM_ED25519_SIG_LEN])
{
	struct hsm_entry *e;
	int rc;

	if (msg == NULL && len > 0)
		return HSM_EARG;
	if ((rc = hsm_load(h, key, "S0", 'S', &e)) != HSM_OK)
		return rc;
	if (e->hdr.algorithm != HSM_ED25519 || e->key_len != CRYPTO_ED25519_SEED_LEN)
		return HSM_EALG;
	return hsm_from_crypto(
	    crypto_ed25519_sign(e->key, msg != NULL ? msg : (const uint8_t *)"", len, sig));
}

int hsm_ed25519_public(hsm *h, const hsm_key *key, uint8_t pub[HSM_ED25519_PUB_LEN])
{
	struct hsm_entry *e;
	int rc;

	if ((rc = hsm_load(h, key, "S0", 0, &e)) != HSM_OK)
		return rc;
	if (e->hdr.algorithm != HSM_ED25519 || e->key_len != CRYPTO_ED25519_SEED_LEN)
		return HSM_EALG;
	return hsm_from_crypto(crypto_ed25519_public(e->key, pub));
}
