/* keys.c — keys coming into and going out of the hsm: generation, check values, components
 * for key ceremonies, and keys under a KEK, by the TDES-ECB of the cup-pos sign-in or as TR-31
 * key blocks. Which usages exist, and which algorithms and modes each takes, is the table
 * below (hsm.h lists it for the reader). */
#include "hsm/internal.h"

#include <string.h>

#include <openssl/rand.h>

#include "crypto/kcv.h"

struct usage {
	char code[3];
	const char *algs;  /* TR-31 algorithm characters it takes */
	const char *modes; /* modes of use it takes, the first the default */
};

/* TR-31:2018 A.5.1 key usages, A.5.3 modes of use. */
static const struct usage usages[] = {
    {"B0", "TA", "X"},   /* DUKPT base derivation key */
    {"C0", "T", "CGV"},  /* card verification key */
    {"D0", "TA", "BED"}, /* data encryption */
    {"E0", "TA", "X"},   /* EMV issuer master key, application cryptograms */
    {"K0", "TA", "BED"}, /* key encryption or wrapping */
    {"K1", "TA", "BED"}, /* TR-31 key block protection key */
    {"M1", "T", "CGV"},  /* ISO 9797-1 MAC algorithm 1 (and the CUP ECB MAC) */
    {"M3", "T", "CGV"},  /* ISO 9797-1 MAC algorithm 3 (X9.19) */
    {"M6", "TA", "CGV"}, /* ISO 9797-1:2011 MAC algorithm 5 (CMAC) */
    {"M7", "H", "CGV"},  /* HMAC (here with SHA-256): the PAN's keyed hash */
    {"P0", "TA", "BED"}, /* PIN encryption */
    {"S0", "E", "S"},    /* asymmetric key for digital signatures (here an Ed25519 seed) */
    {"V1", "T", "CGV"},  /* PIN verification, IBM 3624 */
    {"V2", "T", "CGV"},  /* PIN verification, Visa PVV */
};

#define KEKS "K0K1" /* the usages that may carry other keys */

static const struct usage *find_usage(const char *code)
{
	if (code == NULL || strlen(code) != 2)
		return NULL;
	for (size_t i = 0; i < sizeof usages / sizeof usages[0]; i++)
		if (memcmp(usages[i].code, code, 2) == 0)
			return &usages[i];
	return NULL;
}

static int one_of(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* Key lengths: TDES double or triple (X9.24-1:2017 forbids single), AES any, HMAC-SHA-256 the
 * hash's 32 bytes. */
static int len_fits(enum hsm_alg alg, size_t len)
{
	switch (alg) {
	case HSM_TDES:
		return len == 16 || len == 24;
	case HSM_AES:
		return len == 16 || len == 24 || len == 32;
	case HSM_HMAC:
	case HSM_ED25519:
		return len == 32;
	}
	return 0;
}

int hsm_header(const struct hsm_key_spec *spec, size_t len, struct crypto_tr31_header *hdr)
{
	const struct usage *u = find_usage(spec->usage);
	char mode, exportability = spec->exportability != 0 ? spec->exportability : 'E';

	if (u == NULL)
		return HSM_EUSAGE;
	mode = spec->mode != 0 ? spec->mode : u->modes[0];
	if (!one_of((char)spec->alg, u->algs) || (spec->len != 0 && spec->len != len) ||
	    !len_fits(spec->alg, len))
		return HSM_EALG;
	if (!one_of(mode, u->modes))
		return HSM_EUSAGE;
	if (!one_of(exportability, "ENS"))
		return HSM_EARG;
	memset(hdr, 0, sizeof *hdr);
	hdr->version = 'D';
	memcpy(hdr->usage, u->code, 3);
	hdr->algorithm = (char)spec->alg;
	hdr->mode = mode;
	memcpy(hdr->key_version, "00", 3);
	hdr->exportability = exportability;
	return HSM_OK;
}

int hsm_key_set(hsm_key *k, const char *text)
{
	size_t len = strnlen(text, HSM_KEY_MAX + 1);

	if (len == 0 || len > HSM_KEY_MAX)
		return HSM_EBLOCK;
	memcpy(k->block, text, len);
	k->block[len] = '\0';
	k->len = len;
	return HSM_OK;
}

int hsm_key_info(hsm *h, const hsm_key *key, struct hsm_key_info *info)
{
	struct hsm_entry *e;
	int rc;

	if ((rc = hsm_load(h, key, NULL, 0, &e)) != HSM_OK)
		return rc;
	memcpy(info->usage, e->hdr.usage, 3);
	info->alg = (enum hsm_alg)e->hdr.algorithm;
	info->len = e->key_len;
	info->mode = e->hdr.mode;
	info->exportability = e->hdr.exportability;
	return HSM_OK;
}

int hsm_key_kcv(hsm *h, const hsm_key *key, hsm_kcv *kcv)
{
	struct hsm_entry *e;
	int rc;

	if ((rc = hsm_load(h, key, NULL, 0, &e)) != HSM_OK)
		return rc;
	return hsm_check_value(e->hdr.algorithm, e->key, e->key_len, 0, kcv);
}

/* n random bytes for a key of TR-31 algorithm alg; TDES keys and components get odd parity
 * (FIPS 46-3), as HSMs give them. */
static int random_key(char alg, uint8_t *key, size_t n)
{
	if (RAND_bytes(key, (int)n) != 1)
		return HSM_ECRYPTO;
	if (alg == HSM_TDES)
		crypto_des_parity_fix(key, n);
	return HSM_OK;
}

int hsm_generate(hsm *h, const struct hsm_key_spec *spec, hsm_key *out, hsm_kcv *kcv)
{
	struct crypto_tr31_header hdr;
	uint8_t key[HSM_CLEAR_MAX];
	int rc;

	if ((rc = hsm_header(spec, spec->len, &hdr)) != HSM_OK)
		return rc;
	if ((rc = random_key(hdr.algorithm, key, spec->len)) != HSM_OK)
		goto out;
	rc = hsm_store(h, &hdr, key, spec->len, out, kcv);
out:
	crypto_wipe(key, sizeof key);
	return rc;
}

static void xor_into(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] ^= src[i];
}

/* Zero in every bit that counts: DES ignores the low bit of each byte (mask FE). */
static int is_zero(const uint8_t *p, size_t n, uint8_t mask)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return (acc & mask) == 0;
}

int hsm_import_components(hsm *h, const struct hsm_key_spec *spec,
                          const struct hsm_component *parts, size_t n, hsm_key *out, hsm_kcv *kcv,
                          size_t *bad)
{
	struct crypto_tr31_header hdr;
	uint8_t key[HSM_CLEAR_MAX] = {0};
	char alg = (char)spec->alg;
	size_t len;
	int rc;

	if (parts == NULL || n < 2 || n > HSM_PARTS_MAX)
		return HSM_EARG;
	len = parts[0].len;
	if ((rc = hsm_header(spec, len, &hdr)) != HSM_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (parts[i].len != len)
			return HSM_EARG;
		/* Each custodian's component is checked on its own first, so that a typing
		 * mistake is named before anything is formed. */
		if ((rc = hsm_check_kcv(alg, parts[i].part, len, &parts[i].kcv)) != HSM_OK) {
			if (rc == HSM_EKCV && bad != NULL)
				*bad = i;
			return rc;
		}
	}
	/* X9.24-1: the key is the XOR of the components; equal components would give zero. */
	for (size_t i = 0; i < n; i++)
		xor_into(key, parts[i].part, len);
	if (is_zero(key, len, alg == HSM_TDES ? 0xFE : 0xFF)) {
		rc = HSM_EARG;
		goto out;
	}
	/* Two odd-parity TDES components give even parity, put right here. */
	if (alg == HSM_TDES)
		crypto_des_parity_fix(key, len);
	rc = hsm_store(h, &hdr, key, len, out, kcv);
out:
	crypto_wipe(key, sizeof key);
	return rc;
}

int hsm_export_components(hsm *h, const hsm_key *key, size_t n, struct hsm_component *parts,
                          hsm_kcv *kcv)
{
	struct hsm_component split[HSM_PARTS_MAX];
	struct hsm_entry *e;
	hsm_kcv check;
	int rc;

	if (parts == NULL || n < 2 || n > HSM_PARTS_MAX)
		return HSM_EARG;
	if ((rc = hsm_load(h, key, NULL, 0, &e)) != HSM_OK)
		return rc;
	if (!one_of(e->hdr.exportability, "ES"))
		return HSM_EEXPORT;
	memset(split, 0, sizeof split);
	memcpy(split[n - 1].part, e->key, e->key_len);
	for (size_t i = 0; i < n; i++) {
		split[i].len = e->key_len;
		if (i + 1 < n) {
			if ((rc = random_key(e->hdr.algorithm, split[i].part, e->key_len)) !=
			    HSM_OK)
				goto out;
			xor_into(split[n - 1].part, split[i].part, e->key_len);
		}
	}
	if (e->hdr.algorithm == HSM_TDES)
		crypto_des_parity_fix(split[n - 1].part, e->key_len);
	for (size_t i = 0; i < n; i++)
		if ((rc = hsm_check_value(e->hdr.algorithm, split[i].part, e->key_len, 0,
		                          &split[i].kcv)) != HSM_OK)
			goto out;
	if ((rc = hsm_check_value(e->hdr.algorithm, e->key, e->key_len, 0, &check)) != HSM_OK)
		goto out;
	memcpy(parts, split, n * sizeof split[0]);
	if (kcv != NULL)
		*kcv = check;
out:
	crypto_wipe(split, sizeof split);
	return rc;
}

/* A key encryption key, for an export (mode E) or an import (mode D). */
static int load_kek(hsm *h, const hsm_key *kek, char mode, struct hsm_entry **e)
{
	return hsm_load(h, kek, KEKS, mode, e);
}

int hsm_export_ecb(hsm *h, const hsm_key *kek, const hsm_key *key, uint8_t out[24], size_t *out_len,
                   hsm_kcv *kcv)
{
	struct hsm_entry *ek, *e;
	uint8_t enc[24];
	crypto_key *k;
	hsm_kcv check;
	int rc;

	if ((rc = load_kek(h, kek, 'E', &ek)) != HSM_OK ||
	    (rc = hsm_load(h, key, NULL, 0, &e)) != HSM_OK)
		return rc;
	/* A key no stronger than the key that carries it; TDES-ECB carries only TDES. */
	if (ek->alg != CRYPTO_TDES || e->alg != CRYPTO_TDES || e->key_len > ek->key_len)
		return HSM_EALG;
	if (e->hdr.exportability != 'S')
		return HSM_EEXPORT;
	if ((rc = hsm_entry_cipher(ek, &k)) != HSM_OK)
		return rc;
	if ((rc = hsm_from_crypto(crypto_ecb(k, 1, e->key, e->key_len, enc))) != HSM_OK ||
	    (rc = hsm_check_value(HSM_TDES, e->key, e->key_len, HSM_KCV_ECB, &check)) != HSM_OK)
		return rc;
	memcpy(out, enc, e->key_len);
	*out_len = e->key_len;
	*kcv = check;
	return HSM_OK;
}

/* The TDES key the len bytes at in carry under kek (K0 or K1, mode D or B), deciphered into
 * key (the caller wipes it): what sign-in's import and its check value both start from. */
static int decipher_ecb(hsm *h, const hsm_key *kek, const uint8_t *in, size_t len, uint8_t key[24])
{
	struct hsm_entry *ek;
	crypto_key *k;
	int rc;

	if ((rc = load_kek(h, kek, 'D', &ek)) != HSM_OK)
		return rc;
	if (ek->alg != CRYPTO_TDES || (len != 16 && len != 24) || len > ek->key_len)
		return HSM_EALG;
	if ((rc = hsm_entry_cipher(ek, &k)) != HSM_OK)
		return rc;
	return hsm_from_crypto(crypto_ecb(k, 0, in, len, key));
}

int hsm_import_ecb(hsm *h, const hsm_key *kek, const struct hsm_key_spec *spec, const uint8_t *in,
                   size_t len, const hsm_kcv *kcv, hsm_key *out)
{
	struct crypto_tr31_header hdr;
	uint8_t key[24];
	int rc;

	if (spec->alg != HSM_TDES)
		return HSM_EALG;
	if ((rc = hsm_header(spec, len, &hdr)) != HSM_OK ||
	    (rc = decipher_ecb(h, kek, in, len, key)) != HSM_OK)
		goto out;
	/* docs/cup-pos.md "Sign-in": the terminal checks each KCV before using the keys. */
	if ((rc = hsm_check_kcv(HSM_TDES, key, len, kcv)) != HSM_OK)
		goto out;
	rc = hsm_store(h, &hdr, key, len, out, NULL);
out:
	crypto_wipe(key, sizeof key);
	return rc;
}

int hsm_kcv_ecb(hsm *h, const hsm_key *kek, const uint8_t *in, size_t len, hsm_kcv *kcv)
{
	uint8_t key[24];
	int rc;

	if ((rc = decipher_ecb(h, kek, in, len, key)) == HSM_OK)
		rc = hsm_check_value(HSM_TDES, key, len, HSM_KCV_ECB, kcv);
	crypto_wipe(key, sizeof key);
	return rc;
}

int hsm_export_tr31(hsm *h, const hsm_key *kek, const hsm_key *key, char *out, size_t cap,
                    size_t *out_len)
{
	struct crypto_tr31_header hdr;
	struct hsm_entry *ek, *e;
	char block[HSM_KEY_MAX + 1];
	size_t n;
	int rc;

	if ((rc = load_kek(h, kek, 'E', &ek)) != HSM_OK ||
	    (rc = hsm_load(h, key, NULL, 0, &e)) != HSM_OK)
		return rc;
	if (!one_of(e->hdr.exportability, "ES"))
		return HSM_EEXPORT;
	/* A key no stronger than the key that carries it (X9.24-1): the TR-31 layer sees to it for
	 * TDES and AES keys, this for 256-bit HMAC keys. */
	if (e->hdr.algorithm == HSM_HMAC && (ek->alg != CRYPTO_AES || ek->key_len < e->key_len))
		return HSM_EALG;
	hdr = e->hdr;
	hdr.version = ek->alg == CRYPTO_TDES ? 'B' : 'D';
	rc = crypto_tr31_wrap(ek->key, ek->key_len, &hdr, e->key, e->key_len, NULL, block,
	                      sizeof block, &n);
	if (rc != CRYPTO_OK)
		return hsm_from_crypto(rc);
	if (cap < n + 1)
		return HSM_ESPACE;
	memcpy(out, block, n + 1);
	*out_len = n;
	return HSM_OK;
}

int hsm_import_tr31(hsm *h, const hsm_key *kek, const char *block, size_t len, const char *usage,
                    hsm_key *out, hsm_kcv *kcv)
{
	struct crypto_tr31_header in, hdr;
	uint8_t key[HSM_CLEAR_MAX];
	struct hsm_key_spec spec;
	char code[3];
	struct hsm_entry *ek;
	size_t n;
	int rc;

	if ((rc = load_kek(h, kek, 'D', &ek)) != HSM_OK)
		return rc;
	rc = crypto_tr31_unwrap(ek->key, ek->key_len, block, len, usage, 0, &in, key, sizeof key,
	                        &n);
	if (rc == CRYPTO_ELEN || rc == CRYPTO_EFORMAT)
		rc = HSM_EBLOCK;
	else if (rc == CRYPTO_ESPACE)
		rc = HSM_EALG;
	else
		rc = hsm_from_crypto(rc);
	if (rc != HSM_OK)
		goto out;
	/* The sender's header, checked against what this hsm allows for its usage. */
	memcpy(code, in.usage, sizeof code);
	spec =
	    (struct hsm_key_spec){code, (enum hsm_alg)in.algorithm, n, in.mode, in.exportability};
	if ((rc = hsm_header(&spec, n, &hdr)) != HSM_OK)
		goto out;
	memcpy(hdr.key_version, in.key_version, 3);
	rc = hsm_store(h, &hdr, key, n, out, kcv);
out:
	crypto_wipe(key, sizeof key);
	return rc;
}
