/* dukpt.c — DUKPT key derivation, TDES (ANSI X9.24-1:2009 annex A) and AES (ANSI
 * X9.24-3:2017), for the host and for the transaction-originating device.
 *
 * Both variants walk the counter the same way: the key of a counter comes from the key of the
 * counter without its lowest one bit by one derivation step (TDES: the non-reversible key
 * generation process, A.2; AES: the derivation of 6.3 with usage 8000). So the host's walk and
 * the terminal's registers are written once, over a struct variant that names the step, the
 * counter width and the one-bit limit. A step has a fresh key each time, so it makes its
 * OpenSSL key object, uses it once and frees it. */
#include "crypto/dukpt.h"

#include <assert.h>
#include <string.h>

#include "crypto/cipher.h"

/* The key of `counter` (its parent's counter plus one bit) from the parent's key. ksn gives
 * the device's fixed KSN fields; parent and child may be the same buffer. */
typedef int (*step_fn)(const uint8_t *ksn, size_t key_len, const uint8_t *parent, uint32_t counter,
                       uint8_t *child);

struct variant {
	unsigned bits;     /* counter width */
	unsigned max_ones; /* a counter with more one bits is never used */
	step_fn step;
};

static void xor_into(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] ^= src[i];
}

static bool counter_ok(const struct variant *v, uint64_t counter)
{
	return counter != 0 && (counter >> v->bits) == 0 &&
	       (unsigned)__builtin_popcountll(counter) <= v->max_ones;
}

/* The key of `counter` from the initial key: one step per one bit, highest bit first, each
 * step's counter holding the bits so far (X9.24-1:2009 A.3, X9.24-3:2017 6.1 and B.5). */
static int walk(const struct variant *v, const uint8_t *ksn, size_t key_len, const uint8_t *ik,
                uint32_t counter, uint8_t *key)
{
	uint8_t cur[CRYPTO_DUKPT_AES_KEY_MAX];
	uint32_t so_far = 0;
	int rc = CRYPTO_OK;

	memcpy(cur, ik, key_len);
	for (unsigned b = v->bits; b-- > 0;) {
		uint32_t bit = UINT32_C(1) << b;

		if ((counter & bit) == 0)
			continue;
		so_far |= bit;
		if ((rc = v->step(ksn, key_len, cur, so_far, cur)) != CRYPTO_OK)
			goto out;
	}
	memcpy(key, cur, key_len);
out:
	crypto_wipe(cur, sizeof cur);
	return rc;
}

/* ---- TDES, ANSI X9.24-1:2009 annex A ---- */

/* XORed into the key register for the left half of a derived key (A.2 step 4) and into the
 * BDK for the right half of the initial key (A.6). */
static const uint8_t tdes_c0[CRYPTO_DUKPT_TDES_KEY_LEN] = {
    0xC0, 0xC0, 0xC0, 0xC0, 0x00, 0x00, 0x00, 0x00, 0xC0, 0xC0, 0xC0, 0xC0, 0x00, 0x00, 0x00, 0x00,
};

/* The counter is the low 21 bits of the KSN (A.1). */
static uint32_t tdes_counter(const uint8_t ksn[CRYPTO_DUKPT_TDES_KSN_LEN])
{
	return (uint32_t)(ksn[7] & 0x1F) << 16 | (uint32_t)ksn[8] << 8 | ksn[9];
}

static void tdes_put_counter(uint8_t ksn[CRYPTO_DUKPT_TDES_KSN_LEN], uint32_t counter)
{
	ksn[7] = (uint8_t)((ksn[7] & 0xE0) | (counter >> 16 & 0x1F));
	ksn[8] = (uint8_t)(counter >> 8);
	ksn[9] = (uint8_t)counter;
}

/* A.2 steps 1-3 (and 5-7): in XOR the key register's right half, DEA-encrypted under its left
 * half, XOR the right half again. */
static int tdes_half(const uint8_t key[CRYPTO_DUKPT_TDES_KEY_LEN], const uint8_t in[8],
                     uint8_t out[8])
{
	uint8_t block[8];
	int rc;

	memcpy(block, in, 8);
	xor_into(block, key + 8, 8);
	if ((rc = crypto_ecb_once(CRYPTO_TDES, key, 8, block, 8, block)) == CRYPTO_OK) {
		xor_into(block, key + 8, 8);
		memcpy(out, block, 8);
	}
	crypto_wipe(block, sizeof block);
	return rc;
}

/* A.6: in DEA-encrypted under the whole double-length key. */
static int tdes_whole(const uint8_t key[CRYPTO_DUKPT_TDES_KEY_LEN], const uint8_t in[8],
                      uint8_t out[8])
{
	return crypto_ecb_once(CRYPTO_TDES, key, CRYPTO_DUKPT_TDES_KEY_LEN, in, 8, out);
}

/* A double-length key whose halves both come from in by half: one under key (the right half
 * when plain_at is 8, the left when 0), the other under key XOR C0. Both a derivation step
 * (A.2) and the initial key (A.6) are made so. out is written only on success and may be key. */
static int c0_halves(int (*half)(const uint8_t *, const uint8_t *, uint8_t *),
                     const uint8_t key[CRYPTO_DUKPT_TDES_KEY_LEN], const uint8_t in[8],
                     size_t plain_at, uint8_t out[CRYPTO_DUKPT_TDES_KEY_LEN])
{
	uint8_t k[CRYPTO_DUKPT_TDES_KEY_LEN], t[CRYPTO_DUKPT_TDES_KEY_LEN];
	int rc;

	memcpy(k, key, sizeof k);
	if ((rc = half(k, in, t + plain_at)) == CRYPTO_OK) {
		xor_into(k, tdes_c0, sizeof k);
		if ((rc = half(k, in, t + (8 - plain_at))) == CRYPTO_OK)
			memcpy(out, t, sizeof t);
	}
	crypto_wipe(k, sizeof k);
	crypto_wipe(t, sizeof t);
	return rc;
}

/* A.2 "Non-reversible Key Generation Process": the right half under the key register, the
 * left under it XOR C0. Crypto register-1 is the right 64 bits of the KSN register, which
 * holds the counter bits so far. */
static int tdes_step(const uint8_t *ksn, size_t key_len, const uint8_t *parent, uint32_t counter,
                     uint8_t *child)
{
	uint8_t reg[CRYPTO_DUKPT_TDES_KSN_LEN];

	(void)key_len; /* always double length */
	memcpy(reg, ksn, sizeof reg);
	tdes_put_counter(reg, counter);
	return c0_halves(tdes_half, parent, reg + 2, 8, child);
}

static const struct variant tdes = {21, 10, tdes_step}; /* A.1, A.3 */

int crypto_dukpt_tdes_ipek(const uint8_t bdk[CRYPTO_DUKPT_TDES_KEY_LEN],
                           const uint8_t ksn[CRYPTO_DUKPT_TDES_KSN_LEN],
                           uint8_t ipek[CRYPTO_DUKPT_TDES_KEY_LEN])
{
	uint8_t id[8];

	/* A.6: the left 64 bits of the initial KSN (counter zero) encrypted under the BDK give
	 * the left half, under the BDK XOR C0C0C0C000000000C0C0C0C000000000 the right half. */
	memcpy(id, ksn, sizeof id);
	id[7] &= 0xE0;
	return c0_halves(tdes_whole, bdk, id, 0, ipek);
}

int crypto_dukpt_tdes_transaction_key(const uint8_t ipek[CRYPTO_DUKPT_TDES_KEY_LEN],
                                      const uint8_t ksn[CRYPTO_DUKPT_TDES_KSN_LEN],
                                      uint8_t key[CRYPTO_DUKPT_TDES_KEY_LEN])
{
	uint32_t counter = tdes_counter(ksn);

	if (!counter_ok(&tdes, counter))
		return CRYPTO_EKSN;
	return walk(&tdes, ksn, CRYPTO_DUKPT_TDES_KEY_LEN, ipek, counter, key);
}

/* A.4.1 table A-1: the byte of each half that the variant flips (XOR FF), and whether the
 * data key's one-way function follows. */
static int tdes_variant(enum crypto_dukpt_usage usage, size_t *at, bool *one_way)
{
	*one_way = false;
	switch (usage) {
	case CRYPTO_DUKPT_PIN:
		*at = 7;
		return CRYPTO_OK;
	case CRYPTO_DUKPT_MAC:
	case CRYPTO_DUKPT_MAC_BOTH:
		*at = 6;
		return CRYPTO_OK;
	case CRYPTO_DUKPT_MAC_RESP:
		*at = 4;
		return CRYPTO_OK;
	case CRYPTO_DUKPT_DATA:
	case CRYPTO_DUKPT_DATA_BOTH:
		*at = 5;
		*one_way = true;
		return CRYPTO_OK;
	case CRYPTO_DUKPT_DATA_RESP:
		*at = 3;
		*one_way = true;
		return CRYPTO_OK;
	}
	return CRYPTO_EARG;
}

int crypto_dukpt_tdes_working_key(const uint8_t txn_key[CRYPTO_DUKPT_TDES_KEY_LEN],
                                  enum crypto_dukpt_usage usage,
                                  uint8_t key[CRYPTO_DUKPT_TDES_KEY_LEN])
{
	uint8_t var[CRYPTO_DUKPT_TDES_KEY_LEN], out[CRYPTO_DUKPT_TDES_KEY_LEN];
	size_t at;
	bool one_way;
	int rc;

	if ((rc = tdes_variant(usage, &at, &one_way)) != CRYPTO_OK)
		return rc;
	memcpy(var, txn_key, sizeof var);
	var[at] ^= 0xFF;
	var[at + 8] ^= 0xFF;
	/* A.4.1 figure A-2: each half of the data variant encrypted under the whole of it. */
	if (one_way)
		rc = crypto_ecb_once(CRYPTO_TDES, var, sizeof var, var, sizeof var, out);
	else
		memcpy(out, var, sizeof out);
	if (rc == CRYPTO_OK)
		memcpy(key, out, sizeof out);
	crypto_wipe(var, sizeof var);
	crypto_wipe(out, sizeof out);
	return rc;
}

int crypto_dukpt_tdes_key(const uint8_t bdk[CRYPTO_DUKPT_TDES_KEY_LEN],
                          const uint8_t ksn[CRYPTO_DUKPT_TDES_KSN_LEN],
                          enum crypto_dukpt_usage usage, uint8_t key[CRYPTO_DUKPT_TDES_KEY_LEN])
{
	uint8_t ipek[CRYPTO_DUKPT_TDES_KEY_LEN], txn[CRYPTO_DUKPT_TDES_KEY_LEN];
	int rc;

	if ((rc = crypto_dukpt_tdes_ipek(bdk, ksn, ipek)) != CRYPTO_OK)
		goto out;
	if ((rc = crypto_dukpt_tdes_transaction_key(ipek, ksn, txn)) != CRYPTO_OK)
		goto out;
	rc = crypto_dukpt_tdes_working_key(txn, usage, key);
out:
	crypto_wipe(ipek, sizeof ipek);
	crypto_wipe(txn, sizeof txn);
	return rc;
}

/* ---- AES, ANSI X9.24-3:2017 ---- */

/* 6.3.2 table 2: key usage indicators of the derivation keys themselves. */
#define AES_USAGE_DERIVATION  0x8000
#define AES_USAGE_INITIAL_KEY 0x8001

static bool aes_len_ok(size_t len)
{
	return len == 16 || len == 24 || len == 32;
}

/* The type of a derivation key, an AES key of the BDK's length (6.1.3). */
static enum crypto_dukpt_key_type aes_type_of(size_t len)
{
	assert(aes_len_ok(len));
	return len == 16   ? CRYPTO_DUKPT_AES128
	       : len == 24 ? CRYPTO_DUKPT_AES192
	                   : CRYPTO_DUKPT_AES256;
}

/* Length in bytes of a key type, or 0 for a value that is none. */
static size_t aes_type_len(enum crypto_dukpt_key_type type)
{
	switch (type) {
	case CRYPTO_DUKPT_2TDEA:
	case CRYPTO_DUKPT_AES128:
		return 16;
	case CRYPTO_DUKPT_3TDEA:
	case CRYPTO_DUKPT_AES192:
		return 24;
	case CRYPTO_DUKPT_AES256:
		return 32;
	}
	return 0;
}

static int aes_usage(enum crypto_dukpt_usage usage, uint16_t *indicator)
{
	switch (usage) {
	case CRYPTO_DUKPT_PIN:
		*indicator = 0x1000;
		return CRYPTO_OK;
	case CRYPTO_DUKPT_MAC:
		*indicator = 0x2000;
		return CRYPTO_OK;
	case CRYPTO_DUKPT_MAC_RESP:
		*indicator = 0x2001;
		return CRYPTO_OK;
	case CRYPTO_DUKPT_MAC_BOTH:
		*indicator = 0x2002;
		return CRYPTO_OK;
	case CRYPTO_DUKPT_DATA:
		*indicator = 0x3000;
		return CRYPTO_OK;
	case CRYPTO_DUKPT_DATA_RESP:
		*indicator = 0x3001;
		return CRYPTO_OK;
	case CRYPTO_DUKPT_DATA_BOTH:
		*indicator = 0x3002;
		return CRYPTO_OK;
	}
	return CRYPTO_EARG;
}

/* The counter is the last four bytes of the KSN, big-endian (6.2). */
static uint32_t aes_counter(const uint8_t ksn[CRYPTO_DUKPT_AES_KSN_LEN])
{
	return (uint32_t)ksn[8] << 24 | (uint32_t)ksn[9] << 16 | (uint32_t)ksn[10] << 8 | ksn[11];
}

/* The last 8 bytes of the derivation data of every key but the initial key: the right half
 * of the initial key ID, then the counter (6.3.2 table 3). */
static void aes_tail(const uint8_t ksn[CRYPTO_DUKPT_AES_KSN_LEN], uint32_t counter, uint8_t tail[8])
{
	memcpy(tail, ksn + 4, 4);
	tail[4] = (uint8_t)(counter >> 24);
	tail[5] = (uint8_t)(counter >> 16);
	tail[6] = (uint8_t)(counter >> 8);
	tail[7] = (uint8_t)counter;
}

/* 6.3.1: the derived key is the leading bytes of the AES-ECB encryption, under the
 * derivation key, of one derivation data block per 16 bytes needed. A block (6.3.2 table 2)
 * is version 01, key block counter (from 1), key usage, algorithm, length in bits, then the
 * 8-byte tail. key and out may be the same buffer. */
static int aes_derive(const uint8_t *key, size_t key_len, uint16_t usage,
                      enum crypto_dukpt_key_type type, const uint8_t tail[8], uint8_t *out)
{
	uint8_t data[2 * 16], material[2 * 16];
	size_t len = aes_type_len(type), blocks = (len + 15) / 16;
	int rc;

	assert(len != 0);
	for (size_t i = 0; i < blocks; i++) {
		uint8_t *d = data + 16 * i;

		d[0] = 0x01;
		d[1] = (uint8_t)(i + 1);
		d[2] = (uint8_t)(usage >> 8);
		d[3] = (uint8_t)usage;
		d[4] = 0x00;
		d[5] = (uint8_t)type;
		d[6] = (uint8_t)(len * 8 >> 8);
		d[7] = (uint8_t)(len * 8);
		memcpy(d + 8, tail, 8);
	}
	if ((rc = crypto_ecb_once(CRYPTO_AES, key, key_len, data, 16 * blocks, material)) ==
	    CRYPTO_OK)
		memcpy(out, material, len);
	crypto_wipe(material, sizeof material);
	return rc;
}

/* 6.4 / B.5: an intermediate derivation key, of the derivation key's own type. */
static int aes_step(const uint8_t *ksn, size_t key_len, const uint8_t *parent, uint32_t counter,
                    uint8_t *child)
{
	uint8_t tail[8];

	aes_tail(ksn, counter, tail);
	return aes_derive(parent, key_len, AES_USAGE_DERIVATION, aes_type_of(key_len), tail, child);
}

static const struct variant aes = {32, 16, aes_step}; /* 6.1 */

int crypto_dukpt_aes_initial_key(const uint8_t *bdk, size_t bdk_len,
                                 const uint8_t initial_key_id[CRYPTO_DUKPT_AES_IKID_LEN],
                                 uint8_t *ik)
{
	if (!aes_len_ok(bdk_len))
		return CRYPTO_EKEYLEN;
	/* 6.3.2 table 3: the initial key's tail is the whole initial key ID. */
	return aes_derive(bdk, bdk_len, AES_USAGE_INITIAL_KEY, aes_type_of(bdk_len), initial_key_id,
	                  ik);
}

int crypto_dukpt_aes_transaction_key(const uint8_t *ik, size_t ik_len,
                                     const uint8_t ksn[CRYPTO_DUKPT_AES_KSN_LEN], uint8_t *key)
{
	uint32_t counter = aes_counter(ksn);

	if (!aes_len_ok(ik_len))
		return CRYPTO_EKEYLEN;
	if (!counter_ok(&aes, counter))
		return CRYPTO_EKSN;
	return walk(&aes, ksn, ik_len, ik, counter, key);
}

int crypto_dukpt_aes_working_key(const uint8_t *txn_key, size_t txn_key_len,
                                 const uint8_t ksn[CRYPTO_DUKPT_AES_KSN_LEN],
                                 enum crypto_dukpt_usage usage, enum crypto_dukpt_key_type type,
                                 uint8_t key[CRYPTO_DUKPT_AES_KEY_MAX], size_t *key_len)
{
	uint32_t counter = aes_counter(ksn);
	size_t len = aes_type_len(type);
	uint16_t indicator;
	uint8_t tail[8];
	int rc;

	if (!aes_len_ok(txn_key_len))
		return CRYPTO_EKEYLEN;
	if ((rc = aes_usage(usage, &indicator)) != CRYPTO_OK)
		return rc;
	if (len == 0)
		return CRYPTO_EARG;
	/* 6.1.3: no stronger than the key it comes from; the TDEA keys never are. */
	if (type >= CRYPTO_DUKPT_AES128 && len > txn_key_len)
		return CRYPTO_EKEYLEN;
	if (!counter_ok(&aes, counter))
		return CRYPTO_EKSN;
	aes_tail(ksn, counter, tail);
	if ((rc = aes_derive(txn_key, txn_key_len, indicator, type, tail, key)) == CRYPTO_OK)
		*key_len = len;
	return rc;
}

int crypto_dukpt_aes_key(const uint8_t *bdk, size_t bdk_len,
                         const uint8_t ksn[CRYPTO_DUKPT_AES_KSN_LEN], enum crypto_dukpt_usage usage,
                         enum crypto_dukpt_key_type type, uint8_t key[CRYPTO_DUKPT_AES_KEY_MAX],
                         size_t *key_len)
{
	uint8_t ik[CRYPTO_DUKPT_AES_KEY_MAX], txn[CRYPTO_DUKPT_AES_KEY_MAX];
	int rc;

	/* The initial key ID is the KSN's first 8 bytes (6.2). */
	if ((rc = crypto_dukpt_aes_initial_key(bdk, bdk_len, ksn, ik)) != CRYPTO_OK)
		goto out;
	if ((rc = crypto_dukpt_aes_transaction_key(ik, bdk_len, ksn, txn)) != CRYPTO_OK)
		goto out;
	rc = crypto_dukpt_aes_working_key(txn, bdk_len, ksn, usage, type, key, key_len);
out:
	crypto_wipe(ik, sizeof ik);
	crypto_wipe(txn, sizeof txn);
	return rc;
}

/* ---- The transaction-originating device ---- */

/* The counter whose key register i holds when the next counter is `next`, or 0 when
 * register i is empty then: the registers below next's lowest one bit are, and so are those
 * of its other one bits, whose keys were used on the way to next. Each other register holds
 * the key of next's bits above i, plus bit i. */
static uint64_t reg_counter(uint64_t next, unsigned i)
{
	uint64_t bit = UINT64_C(1) << i, low = next & (~next + 1);

	if (bit < low || (bit != low && (next & bit) != 0))
		return 0;
	return (next & ~((bit << 1) - 1)) | bit;
}

static int terminal_load(crypto_dukpt_terminal *t, const struct variant *v, const uint8_t *ik,
                         size_t key_len, uint32_t counter)
{
	int rc = CRYPTO_OK;

	/* A new device's first transaction is counter 1. */
	t->counter = counter == 0 ? 1 : counter;
	t->key_len = (uint8_t)key_len;
	if (!counter_ok(v, t->counter)) {
		rc = CRYPTO_EKSN;
		goto out;
	}
	/* X9.24-1:2009 A.2 "Load Initial Key" and X9.24-3:2017 B.6.3 Load_Initial_Key fill
	 * register i with the key of counter 1 << i, one step from the initial key. A device
	 * started further on gets what the walk would have left, each key derived as the host
	 * does. */
	for (unsigned i = 0; i < v->bits; i++) {
		uint64_t c = reg_counter(t->counter, i);

		if (c == 0)
			continue;
		if ((rc = walk(v, t->ksn, key_len, ik, (uint32_t)c, t->reg[i])) != CRYPTO_OK)
			goto out;
		t->valid |= UINT32_C(1) << i;
	}
out:
	if (rc != CRYPTO_OK)
		crypto_wipe(t, sizeof *t);
	return rc;
}

/* Hands out the key of the current counter and moves on; the caller reads t->counter first
 * for the KSN. */
static int terminal_next(crypto_dukpt_terminal *t, const struct variant *v, uint8_t *key)
{
	uint64_t c = t->counter, low = c & (~c + 1), next = c + low;
	unsigned i;
	int rc;

	if (t->valid == 0)
		return CRYPTO_EEXHAUSTED;
	if (t->aes != (v == &aes))
		return CRYPTO_EARG;
	i = (unsigned)__builtin_ctzll(c);
	assert((t->valid >> i & 1) != 0);
	/* X9.24-1:2009 A.2 "New Key-1" and X9.24-3:2017 B.6.3 Update_Derivation_Keys: while the
	 * counter has fewer one bits than the limit, the counters one bit further on are used,
	 * and their keys go to the registers below. Otherwise ("New Key-2") adding the lowest
	 * one bit skips every counter with too many. A failed step leaves the counter where it
	 * was; the keys already derived are the right ones for a retry. */
	if ((unsigned)__builtin_popcountll(c) < v->max_ones) {
		for (unsigned j = i; j-- > 0;) {
			if ((rc = v->step(t->ksn, t->key_len, t->reg[i],
			                  (uint32_t)(c | UINT64_C(1) << j), t->reg[j])) !=
			    CRYPTO_OK)
				return rc;
			t->valid |= UINT32_C(1) << j;
		}
		next = c + 1;
	}
	memcpy(key, t->reg[i], t->key_len);
	crypto_wipe(t->reg[i], sizeof t->reg[i]);
	t->valid &= ~(UINT32_C(1) << i);
	t->counter = next;
	/* Past the last counter every register has been used: the device is exhausted (A.2
	 * "cease operation"). */
	assert((next >> v->bits) == 0 || t->valid == 0);
	return CRYPTO_OK;
}

int crypto_dukpt_tdes_terminal_load(crypto_dukpt_terminal *t,
                                    const uint8_t ipek[CRYPTO_DUKPT_TDES_KEY_LEN],
                                    const uint8_t ksn[CRYPTO_DUKPT_TDES_KSN_LEN])
{
	crypto_wipe(t, sizeof *t);
	memcpy(t->ksn, ksn, CRYPTO_DUKPT_TDES_KSN_LEN);
	tdes_put_counter(t->ksn, 0);
	return terminal_load(t, &tdes, ipek, CRYPTO_DUKPT_TDES_KEY_LEN, tdes_counter(ksn));
}

int crypto_dukpt_aes_terminal_load(crypto_dukpt_terminal *t, const uint8_t *ik, size_t ik_len,
                                   const uint8_t ksn[CRYPTO_DUKPT_AES_KSN_LEN])
{
	crypto_wipe(t, sizeof *t);
	if (!aes_len_ok(ik_len))
		return CRYPTO_EKEYLEN;
	memcpy(t->ksn, ksn, CRYPTO_DUKPT_AES_IKID_LEN);
	t->aes = true;
	return terminal_load(t, &aes, ik, ik_len, aes_counter(ksn));
}

int crypto_dukpt_tdes_terminal_next(crypto_dukpt_terminal *t,
                                    uint8_t ksn[CRYPTO_DUKPT_TDES_KSN_LEN],
                                    uint8_t key[CRYPTO_DUKPT_TDES_KEY_LEN])
{
	uint32_t counter = (uint32_t)t->counter;
	int rc;

	if ((rc = terminal_next(t, &tdes, key)) == CRYPTO_OK) {
		memcpy(ksn, t->ksn, CRYPTO_DUKPT_TDES_KSN_LEN);
		tdes_put_counter(ksn, counter);
	}
	return rc;
}

int crypto_dukpt_aes_terminal_next(crypto_dukpt_terminal *t, uint8_t ksn[CRYPTO_DUKPT_AES_KSN_LEN],
                                   uint8_t key[CRYPTO_DUKPT_AES_KEY_MAX], size_t *key_len)
{
	uint32_t counter = (uint32_t)t->counter;
	int rc;

	if ((rc = terminal_next(t, &aes, key)) == CRYPTO_OK) {
		memcpy(ksn, t->ksn, CRYPTO_DUKPT_AES_IKID_LEN);
		ksn[8] = (uint8_t)(counter >> 24);
		ksn[9] = (uint8_t)(counter >> 16);
		ksn[10] = (uint8_t)(counter >> 8);
		ksn[11] = (uint8_t)counter;
		*key_len = t->key_len;
	}
	return rc;
}

bool crypto_dukpt_terminal_exhausted(const crypto_dukpt_terminal *t)
{
	return t->valid == 0;
}
