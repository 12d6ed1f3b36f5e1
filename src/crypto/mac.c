/* mac.c — ISO 9797-1 algorithms 1 and 3, CMAC and the CUP ECB MAC over the cipher.h keys.
 *
 * Every algorithm here but CUP ECB is a CBC chain that differs only in which key chains the
 * blocks and how the last block is padded and finished, so one chain and one final step serve
 * them all. Whole blocks are chained with crypto_cbc() in chunks through a stack buffer; the
 * last block is held back until crypto_mac_final() knows it is the last. */
#include "crypto/mac.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/hex.h"

struct crypto_mac {
	enum crypto_mac_alg alg;
	enum crypto_mac_pad pad;
	size_t block;
	crypto_key *key;  /* the whole key: the last block, or every block */
	crypto_key *left; /* ALG3 only: K, single DES, for every block but the last */
	uint8_t k1[16];   /* CMAC subkeys, NIST SP 800-38B 6.1 */
	uint8_t k2[16];
};

void crypto_mac_free(crypto_mac *m)
{
	if (m == NULL)
		return;
	crypto_key_free(m->key);
	crypto_key_free(m->left);
	crypto_wipe(m, sizeof *m);
	free(m);
}

/* NIST SP 800-38B 6.1: shift left one bit; if the top bit fell out, XOR in R_b. */
static void cmac_double(const uint8_t *in, size_t b, uint8_t *out)
{
	uint8_t carry = in[0] >> 7;

	for (size_t i = 0; i + 1 < b; i++)
		out[i] = (uint8_t)(in[i] << 1 | in[i + 1] >> 7);
	out[b - 1] = (uint8_t)(in[b - 1] << 1);
	if (carry)
		out[b - 1] ^= b == 16 ? 0x87 : 0x1B;
}

static int check_args(enum crypto_mac_alg alg, enum crypto_mac_pad pad, enum crypto_alg cipher,
                      size_t key_len)
{
	switch (alg) {
	case CRYPTO_MAC_ALG1:
		return pad == CRYPTO_MAC_PAD1 || pad == CRYPTO_MAC_PAD2 ? CRYPTO_OK : CRYPTO_EARG;
	case CRYPTO_MAC_ALG3:
		if (pad != CRYPTO_MAC_PAD1 && pad != CRYPTO_MAC_PAD2)
			return CRYPTO_EARG;
		if (cipher != CRYPTO_TDES)
			return CRYPTO_EARG;
		return key_len == 16 ? CRYPTO_OK : CRYPTO_EKEYLEN; /* K and K' */
	case CRYPTO_MAC_CMAC:
		if (pad != CRYPTO_MAC_PAD_OWN)
			return CRYPTO_EARG;
		/* SP 800-38B names TDEA with two or three distinct keys, not single DES. */
		return cipher == CRYPTO_TDES && key_len == 8 ? CRYPTO_EKEYLEN : CRYPTO_OK;
	case CRYPTO_MAC_CUP_ECB:
		if (pad != CRYPTO_MAC_PAD_OWN || cipher != CRYPTO_TDES)
			return CRYPTO_EARG;
		return key_len == 8 || key_len == 16 ? CRYPTO_OK : CRYPTO_EKEYLEN;
	}
	return CRYPTO_EARG;
}

int crypto_mac_create(enum crypto_mac_alg alg, enum crypto_mac_pad pad, enum crypto_alg cipher,
                      const uint8_t *key, size_t key_len, crypto_mac **out)
{
	uint8_t l[16] = {0};
	crypto_mac *m = NULL;
	int rc;

	*out = NULL;
	if ((rc = check_args(alg, pad, cipher, key_len)) != CRYPTO_OK)
		return rc;
	if ((m = calloc(1, sizeof *m)) == NULL)
		return CRYPTO_ENOMEM;
	m->alg = alg;
	m->pad = pad;
	if ((rc = crypto_key_create(cipher, key, key_len, &m->key)) != CRYPTO_OK)
		goto out;
	m->block = crypto_key_block(m->key);
	if (alg == CRYPTO_MAC_ALG3 &&
	    (rc = crypto_key_create(CRYPTO_TDES, key, 8, &m->left)) != CRYPTO_OK)
		goto out;
	if (alg == CRYPTO_MAC_CMAC) {
		/* L = CIPH_K(0^b); K1 = dbl(L); K2 = dbl(K1). */
		if ((rc = crypto_ecb(m->key, 1, l, m->block, l)) != CRYPTO_OK)
			goto out;
		cmac_double(l, m->block, m->k1);
		cmac_double(m->k1, m->block, m->k2);
	}
	*out = m;
	m = NULL;
out:
	crypto_wipe(l, sizeof l);
	crypto_mac_free(m);
	return rc;
}

size_t crypto_mac_size(const crypto_mac *m)
{
	return m->alg == CRYPTO_MAC_CUP_ECB ? 8 : m->block;
}

int crypto_mac_init(crypto_mac *m, struct crypto_mac_state *s)
{
	assert(m != NULL && s != NULL);
	memset(s, 0, sizeof *s);
	s->mac = m;
	return CRYPTO_OK;
}

static void xor_into(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] ^= src[i];
}

/* Takes len bytes (whole blocks) into the chain: CUP ECB XORs them (cup-pos.md "MAC"), the
 * others CBC-encrypt them, keeping only the last cipher block. */
static int absorb(struct crypto_mac_state *s, const uint8_t *data, size_t len)
{
	const crypto_mac *m = s->mac;
	crypto_key *k = m->alg == CRYPTO_MAC_ALG3 ? m->left : m->key;
	uint8_t scratch[256];
	size_t used = 0;
	int rc = CRYPTO_OK;

	if (m->alg == CRYPTO_MAC_CUP_ECB) {
		for (size_t i = 0; i < len; i += m->block)
			xor_into(s->chain, data + i, m->block);
		return CRYPTO_OK;
	}
	while (len > 0) {
		size_t n = len < sizeof scratch ? len : sizeof scratch;

		if ((rc = crypto_cbc(k, 1, s->chain, data, n, scratch)) != CRYPTO_OK)
			break;
		memcpy(s->chain, scratch + n - m->block, m->block);
		used = n > used ? n : used;
		data += n;
		len -= n;
	}
	crypto_wipe(scratch, used);
	return rc;
}

int crypto_mac_update(struct crypto_mac_state *s, const uint8_t *data, size_t len)
{
	size_t b, take, keep;
	int rc;

	assert(s != NULL && s->mac != NULL);
	if (len == 0)
		return CRYPTO_OK;
	b = s->mac->block;
	take = b - s->n < len ? b - s->n : len;
	memcpy(s->buf + s->n, data, take);
	s->n += take;
	data += take;
	len -= take;
	if (len == 0)
		return CRYPTO_OK; /* a full buf may be the last block: keep it */
	if ((rc = absorb(s, s->buf, b)) != CRYPTO_OK)
		return rc;
	/* Chain every whole block but the last 1..b bytes, which wait for final. */
	keep = len % b != 0 ? len % b : b;
	if ((rc = absorb(s, data, len - keep)) != CRYPTO_OK)
		return rc;
	memcpy(s->buf, data + len - keep, keep);
	s->n = keep;
	return CRYPTO_OK;
}

/* Upper-case hex of 4 or 8 bytes, without the NUL, as cup-pos.md writes blocks. */
static void block_hex(const uint8_t *in, size_t n, uint8_t *out)
{
	char hex[17];
	int hx = hex_encode(in, n, hex, sizeof hex);

	assert(hx == HEX_OK && n <= 8);
	(void)hx;
	memcpy(out, hex, 2 * n);
	crypto_wipe(hex, sizeof hex);
}

/* docs/cup-pos.md "MAC": R as 16 hex characters; encrypt the first 8, XOR the last 8, encrypt
 * again; the first 8 hex characters of that are the MAC. */
static int cup_ecb_final(struct crypto_mac_state *s, uint8_t *out, size_t out_len)
{
	uint8_t hex[16], e[8];
	int rc;

	memset(s->buf + s->n, 0, 8 - s->n);
	xor_into(s->chain, s->buf, 8);
	block_hex(s->chain, 8, hex);
	if ((rc = crypto_ecb(s->mac->key, 1, hex, 8, e)) != CRYPTO_OK)
		goto out;
	xor_into(e, hex + 8, 8);
	if ((rc = crypto_ecb(s->mac->key, 1, e, 8, e)) != CRYPTO_OK)
		goto out;
	block_hex(e, 4, hex);
	memcpy(out, hex, out_len);
out:
	crypto_wipe(hex, sizeof hex);
	crypto_wipe(e, sizeof e);
	return rc;
}

/* Pads the held-back data into the last block (ISO 9797-1 6.1; SP 800-38B 6.2 steps 3-4). */
static int pad_last(struct crypto_mac_state *s)
{
	const crypto_mac *m = s->mac;
	size_t b = m->block;
	int rc;

	if (m->alg == CRYPTO_MAC_CMAC) {
		if (s->n == b) {
			xor_into(s->buf, m->k1, b);
			return CRYPTO_OK;
		}
		s->buf[s->n] = 0x80;
		memset(s->buf + s->n + 1, 0, b - s->n - 1);
		xor_into(s->buf, m->k2, b);
		return CRYPTO_OK;
	}
	if (m->pad == CRYPTO_MAC_PAD1) {
		/* Also pads empty data to one block of zeros. */
		memset(s->buf + s->n, 0, b - s->n);
		return CRYPTO_OK;
	}
	if (s->n == b) {
		/* Padding method 2 always adds: a full last block is chained as it is. */
		if ((rc = absorb(s, s->buf, b)) != CRYPTO_OK)
			return rc;
		s->n = 0;
	}
	s->buf[s->n] = 0x80;
	memset(s->buf + s->n + 1, 0, b - s->n - 1);
	return CRYPTO_OK;
}

int crypto_mac_final(struct crypto_mac_state *s, uint8_t *out, size_t out_len)
{
	const crypto_mac *m;
	int rc;

	assert(s != NULL && s->mac != NULL);
	m = s->mac;
	if (out_len == 0 || out_len > crypto_mac_size(m)) {
		rc = CRYPTO_EARG;
		goto out;
	}
	if (m->alg == CRYPTO_MAC_CUP_ECB) {
		rc = cup_ecb_final(s, out, out_len);
		goto out;
	}
	if ((rc = pad_last(s)) != CRYPTO_OK)
		goto out;
	/* The last block under the whole key: for ALG3 this TDES step is ISO 9797-1 output
	 * transformation 3, e_K(d_K'(H_q)), merged with the last chaining step. */
	if ((rc = crypto_cbc(m->key, 1, s->chain, s->buf, m->block, s->chain)) != CRYPTO_OK)
		goto out;
	memcpy(out, s->chain, out_len);
out:
	crypto_wipe(s, sizeof *s);
	return rc;
}

int crypto_mac_compute(crypto_mac *m, const uint8_t *data, size_t len, uint8_t *out, size_t out_len)
{
	struct crypto_mac_state s;
	int rc;

	crypto_mac_init(m, &s);
	if ((rc = crypto_mac_update(&s, data, len)) != CRYPTO_OK) {
		crypto_wipe(&s, sizeof s);
		return rc;
	}
	return crypto_mac_final(&s, out, out_len);
}

int crypto_mac_verify(crypto_mac *m, const uint8_t *data, size_t len, const uint8_t *mac,
                      size_t mac_len)
{
	uint8_t want[CRYPTO_MAC_MAX];
	int rc;

	if ((rc = crypto_mac_compute(m, data, len, want, mac_len)) == CRYPTO_OK)
		rc = crypto_mac_equal(want, mac, mac_len);
	crypto_wipe(want, sizeof want);
	return rc;
}

int crypto_mac_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0 ? CRYPTO_OK : CRYPTO_EAUTH;
}
