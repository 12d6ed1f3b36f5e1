/* bench_hsm.c — cost of the software HSM's per-transaction operations on one core: PIN
 * translation, format 0 with double-length TDES keys, from a terminal PIN key to an issuer
 * PIN key (the target is 1 µs), the same with keys the hsm has not met before (a TR-31 unwrap
 * each), from a DUKPT terminal; the cup-pos MAC of a 200-byte message; a Visa PVV check; an
 * EMV ARQC check with its ARPC. Prints nanoseconds per operation (mean, and p50/p99 over
 * batches), operations per second and heap allocations per operation. Exits 1 if an
 * operation fails or a cached PIN translation allocates. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "crypto/emv.h"
#include "crypto/tr31.h"
#include "hsm/hsm.h"

#define BATCH      1000
#define FRESH_KEYS 2000 /* keys for the uncached case: fewer than the cache holds */
#define PAN        "4012345678909"

enum op { OP_TRANSLATE, OP_TRANSLATE_FRESH, OP_TRANSLATE_DUKPT, OP_MAC, OP_PVV, OP_ARPC };

struct bench {
	hsm *h;
	hsm_key tpk, zpk, bdk, mak, pvk, imk;
	struct hsm_emv_txn emv;
	char pvv[CRYPTO_PVV_LEN + 1];
	hsm_key *fresh;
	size_t next_fresh;
	uint8_t pin_block[8], dukpt_block[8], ksn[10], msg[200];
};

static int run_one(struct bench *b, enum op op)
{
	uint8_t out[8];

	switch (op) {
	case OP_TRANSLATE:
		return hsm_translate_pin(b->h, &b->tpk, &b->zpk, b->pin_block, PAN, out);
	case OP_TRANSLATE_FRESH:
		return hsm_translate_pin(b->h, &b->tpk, &b->fresh[b->next_fresh++], b->pin_block,
		                         PAN, out);
	case OP_TRANSLATE_DUKPT:
		return hsm_translate_pin_dukpt(b->h, &b->bdk, b->ksn, &b->zpk, b->dukpt_block, PAN,
		                               out);
	case OP_MAC:
		return hsm_mac_generate(b->h, &b->mak, HSM_MAC_CUP_ECB, b->msg, sizeof b->msg, out,
		                        8);
	case OP_PVV:
		return hsm_verify_pin_pvv(b->h, &b->tpk, b->pin_block, PAN, &b->pvk, 1, b->pvv);
	case OP_ARPC:
		return hsm_emv_arpc1(b->h, &b->imk, &b->emv, HSM_ARPC_SESSION_KEY,
		                     (const uint8_t *)"00", out);
	}
	return -1;
}

/* One operation of a kind on the bench's keys, for the harness. */
struct hsm_case {
	struct bench *b;
	enum op op;
};

static int hsm_op(void *ctx, unsigned i)
{
	struct hsm_case *c = ctx;

	(void)i;
	return run_one(c->b, c->op);
}

/* Runs an operation `batches` batches of `batch` (after a warm-up, except for keys that must
 * stay unmet) and prints its line; 1 when it failed, or allocated where it must not. */
static int report(const char *what, struct bench *b, enum op op, int batches, int batch,
                  bool no_alloc)
{
	struct hsm_case c = {b, op};
	int warmup = op == OP_TRANSLATE_FRESH ? 0 : 1000;

	return bench_report(what, bench_run(hsm_op, &c, warmup, batches, batch), no_alloc);
}

/* Generated keys, and a BDK of known value wrapped under the bench's LMK directly: the A.4
 * PIN block of its first transaction, translated once to the terminal key, gives a block that
 * deciphers under it (the hsm enciphers no PIN of its own). */
static int setup(struct bench *b)
{
	static const uint8_t lmk[HSM_LMK_LEN] = {0x9A, 0x1F, 0x3C, 0x5E};
	/* ANSI X9.24-1:2009 A.4: BDK, the first KSN, its PIN block of PIN 1234. */
	static const uint8_t bdk[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF,
	                                0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10};
	static const uint8_t ksn[10] = {0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0, 0x00, 0x01};
	static const uint8_t a4_block[8] = {0x1B, 0x9C, 0x18, 0x45, 0xEB, 0x99, 0x3A, 0x7A};
	const struct crypto_tr31_header b0 = {.version = 'D',
	                                      .usage = "B0",
	                                      .algorithm = 'T',
	                                      .mode = 'X',
	                                      .key_version = "00",
	                                      .exportability = 'N'};
	const struct hsm_key_spec pin = {"P0", HSM_TDES, 16, 0, 'E'};
	const struct hsm_key_spec mac = {"M1", HSM_TDES, 16, 0, 'E'};
	const struct hsm_key_spec pvk = {"V2", HSM_TDES, 16, 0, 'E'};
	const struct crypto_tr31_header e0 = {.version = 'D',
	                                      .usage = "E0",
	                                      .algorithm = 'T',
	                                      .mode = 'X',
	                                      .key_version = "00",
	                                      .exportability = 'N'};
	static const uint8_t r[8] = {0x00, 0x01};
	uint8_t mk[16], sk[16];

	if (hsm_open(lmk, &b->h) != HSM_OK || hsm_generate(b->h, &pin, &b->tpk, NULL) != HSM_OK ||
	    hsm_generate(b->h, &pin, &b->zpk, NULL) != HSM_OK ||
	    hsm_generate(b->h, &mac, &b->mak, NULL) != HSM_OK ||
	    crypto_tr31_wrap(lmk, sizeof lmk, &b0, bdk, sizeof bdk, NULL, b->bdk.block,
	                     sizeof b->bdk.block, &b->bdk.len) != CRYPTO_OK)
		return -1;
	memcpy(b->ksn, ksn, sizeof ksn);
	memcpy(b->dukpt_block, a4_block, sizeof a4_block);
	if (hsm_translate_pin_dukpt(b->h, &b->bdk, ksn, &b->tpk, a4_block, PAN, b->pin_block) !=
	    HSM_OK)
		return -1;
	/* A PVV for the PIN, and a card's ARQC under the known IMK (the BDK's value) made by
	 * the crypto layer, as the card would. */
	for (size_t i = 0; i < sizeof b->msg; i++)
		b->msg[i] = (uint8_t)i;
	b->emv = (struct hsm_emv_txn){
	    .pan = "9901234567890123", .psn = "45", .atc = {0x00, 0x01}, .data = b->msg, .len = 33};
	if (hsm_generate(b->h, &pvk, &b->pvk, NULL) != HSM_OK ||
	    hsm_generate_pvv(b->h, &b->tpk, b->pin_block, PAN, &b->pvk, 1, b->pvv) != HSM_OK ||
	    crypto_tr31_wrap(lmk, sizeof lmk, &e0, bdk, sizeof bdk, NULL, b->imk.block,
	                     sizeof b->imk.block, &b->imk.len) != CRYPTO_OK ||
	    crypto_emv_icc_mk_a(bdk, b->emv.pan, b->emv.psn, mk) != CRYPTO_OK ||
	    crypto_emv_session_key(mk, r, sizeof r, sk) != CRYPTO_OK ||
	    crypto_emv_arqc(sk, b->emv.data, b->emv.len, b->emv.arqc) != CRYPTO_OK)
		return -1;
	if ((b->fresh = malloc(FRESH_KEYS * sizeof *b->fresh)) == NULL)
		return -1;
	for (size_t i = 0; i < FRESH_KEYS; i++)
		if (hsm_generate(b->h, &pin, &b->fresh[i], NULL) != HSM_OK)
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	int batches = bench_batches(argc, argv, 1000), tenth = batches / 10 > 0 ? batches / 10 : 1;
	struct bench b = {0};
	int bad = 0;

	if (setup(&b) != 0) {
		fprintf(stderr, "bench: setup failed\n");
		return 1;
	}
	printf("software HSM, one core, %d operations each (fresh keys: %d)\n", BATCH * batches,
	       FRESH_KEYS);
	bad |= report("PIN translate, format 0, TDES, cached keys", &b, OP_TRANSLATE, batches,
	              BATCH, true);
	bad |= report("PIN translate, target key not yet unwrapped", &b, OP_TRANSLATE_FRESH,
	              FRESH_KEYS / 100, 100, false);
	bad |= report("PIN translate from DUKPT (BDK + KSN)", &b, OP_TRANSLATE_DUKPT, tenth,
	              BATCH / 10, false);
	bad |= report("CUP ECB MAC, 200 bytes, cached key", &b, OP_MAC, batches, BATCH, true);
	bad |= report("PIN verify, Visa PVV", &b, OP_PVV, batches, BATCH, false);
	bad |= report("EMV ARQC verify + ARPC method 1", &b, OP_ARPC, tenth, BATCH / 10, false);
	hsm_close(b.h);
	free(b.fresh);
	return bad;
}
