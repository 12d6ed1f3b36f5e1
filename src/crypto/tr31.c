/* tr31.c — TR-31 / ANSI X9.143 key blocks over cipher.h and mac.h.
 *
 * The four versions differ in three things only: how the encryption and authentication keys
 * come from the KBPK (variants for A and C, CMAC derivation for B and D), what the MAC covers
 * (the encrypted key data for A and C, the clear key data for B and D) and the CBC IV (the
 * header's first 8 characters for A and C, the MAC for B and D). A table row per version
 * says which; one unwrap and one wrap follow it. */
#include "crypto/tr31.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "common/hex.h"
#include "crypto/cipher.h"
#include "crypto/mac.h"

#define MAX_DATA 64 /* clear key data: 2-byte length, a key of up to 32 bytes, padding */

struct version {
	char id;
	enum crypto_alg alg; /* of the KBPK and of the binding */
	size_t block;
	size_t mac_len; /* bytes of authenticator */
	int derive;     /* 1: CMAC key derivation (B, D); 0: key variants (A, C) */
};

/* TR-31:2018 5.3 and table 5. */
static const struct version versions[] = {
    {'A', CRYPTO_TDES, 8, 4, 0},
    {'B', CRYPTO_TDES, 8, 8, 1},
    {'C', CRYPTO_TDES, 8, 4, 0},
    {'D', CRYPTO_AES, 16, 16, 1},
};

static const struct version *find_version(char id)
{
	for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
		if (versions[i].id == id)
			return &versions[i];
	return NULL;
}

static int is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int one_of(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* Value of n decimal (base 10) or hex (base 16) characters; -1 if one is not a digit. */
static int read_number(const char *s, size_t n, unsigned base, size_t *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		int d = base == 16 ? hex_digit((unsigned char)s[i])
		                   : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
		if (d < 0)
			return -1;
		*v = *v * base + (size_t)d;
	}
	return 0;
}

/* One optional block at b + *pos (TR-31:2018 A.5.6, X9.143 extended lengths): a 2-character
 * ID, a 2-hex-digit length of the whole block, or "00", the length's size in bytes (2 hex
 * digits) and the length in that many bytes of hex; then printable data. */
static int parse_opt_block(const char *b, size_t avail, size_t *pos)
{
	size_t p = *pos, len, lol, head = 4;

	if (avail - p < 4 || !is_alnum(b[p]) || !is_alnum(b[p + 1]) ||
	    read_number(b + p + 2, 2, 16, &len) != 0)
		return CRYPTO_EHEADER;
	if (len == 0) {
		/* Two bytes of length reach past the 9999-character block. */
		if (avail - p < 6 || read_number(b + p + 4, 2, 16, &lol) != 0 || lol == 0 ||
		    lol > 2 || avail - p < 6 + 2 * lol ||
		    read_number(b + p + 6, 2 * lol, 16, &len) != 0)
			return CRYPTO_EHEADER;
		head = 6 + 2 * lol;
	}
	if (len < head || len > avail - p)
		return CRYPTO_EHEADER;
	for (size_t i = p + head; i < p + len; i++)
		if (b[i] < 0x20 || b[i] > 0x7E)
			return CRYPTO_EHEADER;
	*pos = p + len;
	return CRYPTO_OK;
}

/* The fixed header's fields (TR-31:2018 A.5) at b, whose numbers are digits: as they stand. */
static void read_fixed(const char *b, struct crypto_tr31_header *h)
{
	h->version = b[0];
	memcpy(h->usage, b + 5, 2);
	h->algorithm = b[7];
	h->mode = b[8];
	memcpy(h->key_version, b + 9, 2);
	h->exportability = b[11];
	h->n_opt = (unsigned)((b[12] - '0') * 10 + (b[13] - '0'));
}

int crypto_tr31_header_read(const char *text, size_t len, struct crypto_tr31_header *h)
{
	size_t n;

	memset(h, 0, sizeof *h);
	if (len < CRYPTO_TR31_HEADER_LEN || read_number(text + 1, 4, 10, &h->length) != 0 ||
	    read_number(text + 12, 2, 10, &n) != 0 || text[14] != '0' || text[15] != '0')
		return CRYPTO_EHEADER;
	read_fixed(text, h);
	h->opt = len > CRYPTO_TR31_HEADER_LEN ? text + CRYPTO_TR31_HEADER_LEN : NULL;
	h->opt_len = len - CRYPTO_TR31_HEADER_LEN;
	h->header_len = len;
	return CRYPTO_OK;
}

/* The fixed header (TR-31:2018 A.5) and the optional blocks within the first avail
 * characters; the length field is read, not compared. */
static int parse_fields(const char *b, size_t avail, struct crypto_tr31_header *h)
{
	const struct version *v;
	size_t n, pos = CRYPTO_TR31_HEADER_LEN;
	int rc;

	memset(h, 0, sizeof *h);
	if (avail < CRYPTO_TR31_HEADER_LEN)
		return CRYPTO_ELEN;
	if ((v = find_version(b[0])) == NULL || read_number(b + 1, 4, 10, &h->length) != 0 ||
	    !is_alnum(b[5]) || !is_alnum(b[6]) || !one_of(b[7], "ADEHRST") ||
	    !one_of(b[8], "BCDEGNSTVXY") || !is_alnum(b[9]) || !is_alnum(b[10]) ||
	    !one_of(b[11], "ENS") || read_number(b + 12, 2, 10, &n) != 0 || b[14] != '0' ||
	    b[15] != '0')
		return CRYPTO_EHEADER;
	read_fixed(b, h);
	for (size_t i = 0; i < n; i++)
		if ((rc = parse_opt_block(b, avail, &pos)) != CRYPTO_OK)
			return rc;
	h->opt = n > 0 ? b + CRYPTO_TR31_HEADER_LEN : NULL;
	h->opt_len = pos - CRYPTO_TR31_HEADER_LEN;
	h->header_len = pos;
	/* The header is encrypted-block aligned: a "PB" optional block pads it (A.5.6). */
	return pos % v->block == 0 ? CRYPTO_OK : CRYPTO_EHEADER;
}

int crypto_tr31_parse(const char *block, size_t len, struct crypto_tr31_header *h)
{
	const struct version *v;
	size_t rest;
	int rc;

	if (len > CRYPTO_TR31_MAX_LEN)
		return CRYPTO_ELEN;
	if ((rc = parse_fields(block, len, h)) != CRYPTO_OK)
		return rc;
	v = find_version(h->version);
	rest = len - h->header_len;
	/* Key data of whole cipher blocks in hex, then the authenticator in hex. */
	if (h->length != len || rest <= 2 * v->mac_len || (rest - 2 * v->mac_len) % 2 != 0 ||
	    ((rest - 2 * v->mac_len) / 2) % v->block != 0)
		return CRYPTO_ELEN;
	return CRYPTO_OK;
}

static int mode_includes(char have, char want)
{
	if (have == want || have == 'N')
		return 1;
	switch (want) {
	case 'E':
		return have == 'B';
	case 'D':
		return have == 'B' || have == 'T';
	case 'G':
	case 'V':
		return have == 'C';
	case 'S':
		return have == 'T';
	}
	return 0;
}

int crypto_tr31_permits(const struct crypto_tr31_header *h, const char *usage, char mode)
{
	if (usage != NULL && (strlen(usage) != 2 || memcmp(h->usage, usage, 2) != 0))
		return CRYPTO_EUSAGE;
	if (mode != '\0' && !mode_includes(h->mode, mode))
		return CRYPTO_EUSAGE;
	return CRYPTO_OK;
}

static int check_kbpk(const struct version *v, size_t len)
{
	if (v->alg == CRYPTO_TDES)
		return len == 16 || len == 24 ? CRYPTO_OK : CRYPTO_EKEYLEN;
	return len == 16 || len == 24 || len == 32 ? CRYPTO_OK : CRYPTO_EKEYLEN;
}

/* Key lengths the header's algorithm allows (TDES also single length, as HSMs write it);
 * other algorithms any length that fits. */
static int key_len_fits(char algorithm, size_t n)
{
	switch (algorithm) {
	case 'T':
		return n == 8 || n == 16 || n == 24;
	case 'D':
		return n == 8;
	case 'A':
		return n == 16 || n == 24 || n == 32;
	}
	return n > 0 && n <= CRYPTO_TR31_MAX_KEY;
}

/* TR-31:2018 5.3.2.1 (TDES) and 5.3.2.3 (AES): CMAC under the KBPK of counter, key usage
 * (0000 encryption, 0001 MAC), separator 00, algorithm, length in bits, block by block. */
static int derive_cmac(const struct version *v, const uint8_t *kbpk, size_t len, uint16_t usage,
                       uint8_t *out)
{
	/* Algorithm: 0000 2-key TDES, 0001 3-key TDES, 0002-0004 AES-128, -192, -256. */
	unsigned alg = v->alg == CRYPTO_TDES ? (len == 24) : 2 + (unsigned)(len - 16) / 8;
	uint8_t in[8] = {1, (uint8_t)(usage >> 8), (uint8_t)usage,          0,
	                 0, (uint8_t)alg,          (uint8_t)(len * 8 >> 8), (uint8_t)(len * 8)};
	uint8_t block[16];
	crypto_mac *m;
	int rc;

	if ((rc = crypto_mac_create(CRYPTO_MAC_CMAC, CRYPTO_MAC_PAD_OWN, v->alg, kbpk, len, &m)) !=
	    CRYPTO_OK)
		return rc;
	for (size_t done = 0; done < len && rc == CRYPTO_OK; done += v->block, in[0]++) {
		size_t n = len - done < v->block ? len - done : v->block; /* AES-192: 16 + 8 */

		if ((rc = crypto_mac_compute(m, in, sizeof in, block, v->block)) == CRYPTO_OK)
			memcpy(out + done, block, n);
	}
	crypto_wipe(block, sizeof block);
	crypto_mac_free(m);
	return rc;
}

/* The encryption key (KBEK) and the authentication key (KBAK), each as long as the KBPK. */
static int derive_keys(const struct version *v, const uint8_t *kbpk, size_t len, uint8_t *kbek,
                       uint8_t *kbak)
{
	int rc;

	if (v->derive) {
		if ((rc = derive_cmac(v, kbpk, len, 0x0000, kbek)) != CRYPTO_OK)
			return rc;
		return derive_cmac(v, kbpk, len, 0x0001, kbak);
	}
	/* TR-31:2018 5.3.1: variants KBPK XOR 45... and KBPK XOR 4D.... */
	for (size_t i = 0; i < len; i++) {
		kbek[i] = kbpk[i] ^ 0x45;
		kbak[i] = kbpk[i] ^ 0x4D;
	}
	return CRYPTO_OK;
}

/* The authenticator over header || key data: ISO 9797-1 algorithm 1 (TDES CBC-MAC), leftmost
 * 4 bytes, for A and C; CMAC for B (TDES) and D (AES). */
static int authenticate(const struct version *v, const uint8_t *kbak, size_t len,
                        const char *header, size_t header_len, const uint8_t *data, size_t data_len,
                        uint8_t *out)
{
	struct crypto_mac_state s;
	crypto_mac *m;
	int rc;

	if ((rc = crypto_mac_create(v->derive ? CRYPTO_MAC_CMAC : CRYPTO_MAC_ALG1,
	                            v->derive ? CRYPTO_MAC_PAD_OWN : CRYPTO_MAC_PAD1, v->alg, kbak,
	                            len, &m)) != CRYPTO_OK)
		return rc;
	crypto_mac_init(m, &s);
	if ((rc = crypto_mac_update(&s, (const uint8_t *)header, header_len)) == CRYPTO_OK &&
	    (rc = crypto_mac_update(&s, data, data_len)) == CRYPTO_OK)
		rc = crypto_mac_final(&s, out, v->mac_len);
	crypto_wipe(&s, sizeof s);
	crypto_mac_free(m);
	return rc;
}

static int cbc(const struct version *v, const uint8_t *kbek, size_t len, int enc, const uint8_t *iv,
               uint8_t *data, size_t n)
{
	crypto_key *k;
	int rc;

	if ((rc = crypto_key_create(v->alg, kbek, len, &k)) != CRYPTO_OK)
		return rc;
	rc = crypto_cbc(k, enc, iv, data, n, data);
	crypto_key_free(k);
	return rc;
}

static int decode_hex(const char *text, size_t n, uint8_t *out)
{
	size_t got;

	if (hex_decode(text, 2 * n, out, n, &got) != HEX_OK || got != n)
		return CRYPTO_EFORMAT;
	return CRYPTO_OK;
}

int crypto_tr31_unwrap(const uint8_t *kbpk, size_t kbpk_len, const char *block, size_t len,
                       const char *usage, char mode, struct crypto_tr31_header *h, uint8_t *key,
                       size_t key_cap, size_t *key_len)
{
	uint8_t kbek[32], kbak[32], data[MAX_DATA], mac[16], want[16];
	struct crypto_tr31_header hh;
	const struct version *v;
	size_t n, bits;
	int rc;

	*key_len = 0;
	if ((rc = crypto_tr31_parse(block, len, &hh)) != CRYPTO_OK)
		return rc;
	if ((rc = crypto_tr31_permits(&hh, usage, mode)) != CRYPTO_OK)
		return rc;
	v = find_version(hh.version);
	if ((rc = check_kbpk(v, kbpk_len)) != CRYPTO_OK)
		return rc;
	if ((n = (len - hh.header_len - 2 * v->mac_len) / 2) > sizeof data)
		return CRYPTO_ELEN;
	if ((rc = decode_hex(block + hh.header_len, n, data)) != CRYPTO_OK ||
	    (rc = decode_hex(block + len - 2 * v->mac_len, v->mac_len, mac)) != CRYPTO_OK)
		goto out;
	if ((rc = derive_keys(v, kbpk, kbpk_len, kbek, kbak)) != CRYPTO_OK)
		goto out;
	if (v->derive) {
		/* B, D: decrypt with the MAC as IV, then authenticate the clear key data. */
		if ((rc = cbc(v, kbek, kbpk_len, 0, mac, data, n)) != CRYPTO_OK ||
		    (rc = authenticate(v, kbak, kbpk_len, block, hh.header_len, data, n, want)) !=
		        CRYPTO_OK)
			goto out;
		if ((rc = crypto_mac_equal(want, mac, v->mac_len)) != CRYPTO_OK)
			goto out;
	} else {
		/* A, C: authenticate the encrypted key data, then decrypt with the header's first
		 * 8 characters as IV. */
		if ((rc = authenticate(v, kbak, kbpk_len, block, hh.header_len, data, n, want)) !=
		    CRYPTO_OK)
			goto out;
		if ((rc = crypto_mac_equal(want, mac, v->mac_len)) != CRYPTO_OK)
			goto out;
		if ((rc = cbc(v, kbek, kbpk_len, 0, (const uint8_t *)block, data, n)) != CRYPTO_OK)
			goto out;
	}
	/* Key data: the key's length in bits (2 bytes), the key, padding. */
	bits = (size_t)data[0] << 8 | data[1];
	if (bits % 8 != 0 || bits / 8 > n - 2 || !key_len_fits(hh.algorithm, bits / 8)) {
		rc = CRYPTO_EFORMAT;
		goto out;
	}
	if (bits / 8 > key_cap) {
		rc = CRYPTO_ESPACE;
		goto out;
	}
	memcpy(key, data + 2, bits / 8);
	*key_len = bits / 8;
	if (h != NULL)
		*h = hh;
out:
	crypto_wipe(kbek, sizeof kbek);
	crypto_wipe(kbak, sizeof kbak);
	crypto_wipe(data, sizeof data);
	crypto_wipe(want, sizeof want);
	return rc;
}

/* The fixed header and optional blocks of h, with length field total, checked by the same
 * parser that reads blocks; writes header_len characters to out. */
static int compose_header(const struct crypto_tr31_header *h, size_t total, char *out, size_t cap,
                          struct crypto_tr31_header *parsed)
{
	char fixed[CRYPTO_TR31_HEADER_LEN + 1];
	int rc;

	if (h->n_opt > 99 || (h->opt_len > 0 && h->opt == NULL))
		return CRYPTO_EHEADER;
	if (cap < CRYPTO_TR31_HEADER_LEN + h->opt_len)
		return CRYPTO_ESPACE;
	snprintf(fixed, sizeof fixed, "%c%04zu%.2s%c%c%.2s%c%02u00", h->version, total, h->usage,
	         h->algorithm, h->mode, h->key_version, h->exportability, h->n_opt);
	if (strlen(fixed) != CRYPTO_TR31_HEADER_LEN)
		return CRYPTO_EHEADER; /* a NUL among the fields */
	memcpy(out, fixed, CRYPTO_TR31_HEADER_LEN);
	if (h->opt_len > 0)
		memcpy(out + CRYPTO_TR31_HEADER_LEN, h->opt, h->opt_len);
	if ((rc = parse_fields(out, CRYPTO_TR31_HEADER_LEN + h->opt_len, parsed)) != CRYPTO_OK)
		return rc;
	/* Every character of opt must belong to one of the n_opt blocks. */
	return parsed->opt_len == h->opt_len ? CRYPTO_OK : CRYPTO_EHEADER;
}

int crypto_tr31_wrap(const uint8_t *kbpk, size_t kbpk_len, const struct crypto_tr31_header *h,
                     const uint8_t *key, size_t key_len, const uint8_t *pad, char *out, size_t cap,
                     size_t *out_len)
{
	uint8_t kbek[32], kbak[32], data[MAX_DATA], mac[16];
	struct crypto_tr31_header hh;
	const struct version *v = find_version(h->version);
	size_t pad_len, n, total, hl = CRYPTO_TR31_HEADER_LEN + h->opt_len;
	int rc, hx;

	*out_len = 0;
	if (v == NULL || !v->derive)
		return CRYPTO_EHEADER; /* A and C are read, no longer written (X9.143) */
	if ((rc = check_kbpk(v, kbpk_len)) != CRYPTO_OK)
		return rc;
	if (!key_len_fits(h->algorithm, key_len) || key_len > CRYPTO_TR31_MAX_KEY)
		return CRYPTO_EKEYLEN;
	/* A key no stronger than its KBPK: a TDES KBPK wraps no AES key, nor a longer one. */
	if ((h->algorithm == 'A' && v->alg == CRYPTO_TDES) ||
	    (h->algorithm == (v->alg == CRYPTO_TDES ? 'T' : 'A') && key_len > kbpk_len))
		return CRYPTO_EKEYLEN;
	pad_len = (v->block - (2 + key_len) % v->block) % v->block;
	n = 2 + key_len + pad_len;
	total = hl + 2 * n + 2 * v->mac_len;
	if (total > CRYPTO_TR31_MAX_LEN)
		return CRYPTO_ELEN;
	if ((rc = compose_header(h, total, out, cap, &hh)) != CRYPTO_OK)
		return rc;
	if (cap < total + 1)
		return CRYPTO_ESPACE;
	data[0] = (uint8_t)(key_len * 8 >> 8);
	data[1] = (uint8_t)(key_len * 8);
	memcpy(data + 2, key, key_len);
	if (pad != NULL)
		memcpy(data + 2 + key_len, pad, pad_len);
	else if (pad_len > 0 && RAND_bytes(data + 2 + key_len, (int)pad_len) != 1) {
		rc = CRYPTO_EOPENSSL;
		goto out;
	}
	/* TR-31:2018 5.3.2: MAC the clear key data, then encrypt it with the MAC as IV. */
	if ((rc = derive_keys(v, kbpk, kbpk_len, kbek, kbak)) != CRYPTO_OK ||
	    (rc = authenticate(v, kbak, kbpk_len, out, hl, data, n, mac)) != CRYPTO_OK ||
	    (rc = cbc(v, kbek, kbpk_len, 1, mac, data, n)) != CRYPTO_OK)
		goto out;
	/* cap >= total + 1 leaves room for both and the NUL. */
	hx = hex_encode(data, n, out + hl, cap - hl) |
	     hex_encode(mac, v->mac_len, out + hl + 2 * n, cap - hl - 2 * n);
	assert(hx == HEX_OK);
	(void)hx;
	*out_len = total;
out:
	crypto_wipe(kbek, sizeof kbek);
	crypto_wipe(kbak, sizeof kbak);
	crypto_wipe(data, sizeof data);
	return rc;
}
