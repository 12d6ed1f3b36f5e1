/* base.c — what every other file of the hsm uses and which uses none of them: the result
 * codes (their text, and the hsm code for a crypto one) and keys' check values. */
#include "hsm/internal.h"

#include <string.h>

#include <openssl/evp.h>

#include "crypto/ed25519.h"
#include "crypto/kcv.h"

const char *hsm_strerror(int rc)
{
	switch (rc) {
	case HSM_OK:
		return "ok";
	case HSM_EARG:
		return "argument malformed or out of range";
	case HSM_ENOMEM:
		return "out of memory";
	case HSM_ECRYPTO:
		return "OpenSSL error";
	case HSM_ELMK:
		return "LMK missing or not 64 hex digits";
	case HSM_EIO:
		return "LMK file cannot be read or written";
	case HSM_EEXIST:
		return "LMK file already exists";
	case HSM_EPERM:
		return "LMK file is open to other users than its owner (chmod 600)";
	case HSM_EBLOCK:
		return "not a key block under the LMK";
	case HSM_EAUTH:
		return "key block or data does not authenticate (tampered, or under another key)";
	case HSM_EUSAGE:
		return "key usage or mode of use does not permit this operation";
	case HSM_EEXPORT:
		return "key exportability does not permit this export";
	case HSM_EALG:
		return "key algorithm or length not suitable for this operation";
	case HSM_EKCV:
		return "check value does not match";
	case HSM_EPINBLOCK:
		return "PIN block format error (wrong PIN key or PAN)";
	case HSM_EPAN:
		return "PAN not valid for the PIN block format";
	case HSM_EKSN:
		return "invalid or exhausted key serial number";
	case HSM_EVERIFY:
		return "verification failed";
	case HSM_ESPACE:
		return "output buffer too small";
	}
	return "unknown hsm error";
}

int hsm_from_crypto(int rc)
{
	switch (rc) {
	case CRYPTO_OK:
		return HSM_OK;
	case CRYPTO_EKEYLEN:
		return HSM_EALG;
	case CRYPTO_ENOMEM:
		return HSM_ENOMEM;
	case CRYPTO_EOPENSSL:
		return HSM_ECRYPTO;
	case CRYPTO_EPAN:
		return HSM_EPAN;
	case CRYPTO_EKSN:
	case CRYPTO_EEXHAUSTED:
		return HSM_EKSN;
	case CRYPTO_EHEADER:
		return HSM_EBLOCK;
	case CRYPTO_EAUTH:
		return HSM_EAUTH;
	case CRYPTO_EUSAGE:
		return HSM_EUSAGE;
	case CRYPTO_EVERIFY:
		return HSM_EVERIFY;
	case CRYPTO_ESPACE:
		return HSM_ESPACE;
	}
	return HSM_EARG;
}

/* An Ed25519 key's check value, which X9.24-1 has no rule for either: the leftmost n bytes of
 * the SHA-256 of its public key, so that it can be compared with no secret. */
static int check_value_ed25519(const uint8_t *key, size_t len, uint8_t *out, size_t n)
{
	uint8_t pub[CRYPTO_ED25519_PUB_LEN], md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;
	int rc;

	if (len != CRYPTO_ED25519_SEED_LEN || n > 32)
		return CRYPTO_EKEYLEN;
	if ((rc = crypto_ed25519_public(key, pub)) != CRYPTO_OK)
		return rc;
	if (EVP_Digest(pub, sizeof pub, md, &md_len, EVP_sha256(), NULL) != 1)
		return CRYPTO_EOPENSSL;
	memcpy(out, md, n);
	return CRYPTO_OK;
}

/* The leftmost n bytes of the check value of a key of TR-31 algorithm alg (crypto/kcv.h). */
static int check_value(char alg, const uint8_t *key, size_t len, uint8_t *out, size_t n)
{
	if (alg == HSM_ED25519)
		return check_value_ed25519(key, len, out, n);
	if (alg == HSM_HMAC)
		return crypto_kcv_hmac(key, len, out, n);
	return crypto_kcv(alg == HSM_AES ? CRYPTO_AES : CRYPTO_TDES, key, len, out, n);
}

int hsm_check_value(char alg, const uint8_t *key, size_t len, size_t kcv_len, hsm_kcv *kcv)
{
	hsm_kcv out;
	int rc;

	if (kcv_len == 0)
		kcv_len = alg == HSM_TDES ? CRYPTO_KCV_TDES_LEN : CRYPTO_KCV_AES_LEN;
	if ((rc = check_value(alg, key, len, out.v, kcv_len)) != CRYPTO_OK)
		return hsm_from_crypto(rc);
	out.len = kcv_len;
	*kcv = out;
	return HSM_OK;
}

int hsm_check_kcv(char alg, const uint8_t *key, size_t len, const hsm_kcv *kcv)
{
	uint8_t want[HSM_KCV_MAX];
	int rc;

	if (kcv == NULL || kcv->len < 3 || kcv->len > HSM_KCV_MAX)
		return HSM_EARG;
	if ((rc = check_value(alg, key, len, want, kcv->len)) == CRYPTO_OK &&
	    crypto_mac_equal(want, kcv->v, kcv->len) != CRYPTO_OK)
		rc = CRYPTO_EVERIFY;
	crypto_wipe(want, sizeof want);
	return rc == CRYPTO_EVERIFY ? HSM_EKCV : hsm_from_crypto(rc);
}
