/* bench_crypto.c — speed on one core of the cryptography a host does per transaction: MACs
 * over a 200-byte message with the key set up once (CUP ECB, X9.19 retail, ISO 9797-1
 * algorithm 1, AES and TDES CMAC), the host's DUKPT derivation of a PIN key from BDK and KSN
 * (TDES, AES-128), and the issuer's EMV ARQC verification with its ARPC reply. Prints
 * nanoseconds per operation (mean, and p50/p99 over batches of 1,000), operations per second
 * and heap allocations per operation (possum's own: the --wrap of alloc_count.h does not see
 * those inside the shared libcrypto). A MAC allocates nothing (its keys are set up once):
 * exits 1 if one does, or if any operation fails. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "crypto/dukpt.h"
#include "crypto/emv.h"
#include "crypto/mac.h"

#define BATCH   1000
#define MSG_LEN 200
#define N_KSN   1024 /* DUKPT: the device's first 1,024 transactions, in turn */

/* Batches to run: 100, or as many as given (fewer for a quick run under callgrind). Set once
 * by main. */
static int batches = 100;

static uint8_t msg[MSG_LEN];

/* ---- The operations: op(ctx, i) does the i-th one ---- */

static int mac_op(void *ctx, unsigned i)
{
	uint8_t mac[CRYPTO_MAC_MAX];

	(void)i;
	return crypto_mac_compute(ctx, msg, sizeof msg, mac, 8);
}

/* X9.24-1:2009 A.4 and X9.24-3:2017 test BDKs, and the KSNs of counters 1 to N_KSN. */
struct dukpt_ctx {
	uint8_t bdk[16];
	uint8_t ksn[N_KSN][CRYPTO_DUKPT_AES_KSN_LEN];
};

static int dukpt_tdes_op(void *ctx, unsigned i)
{
	struct dukpt_ctx *d = ctx;
	uint8_t key[CRYPTO_DUKPT_TDES_KEY_LEN];

	return crypto_dukpt_tdes_key(d->bdk, d->ksn[i % N_KSN], CRYPTO_DUKPT_PIN, key);
}

static int dukpt_aes_op(void *ctx, unsigned i)
{
	struct dukpt_ctx *d = ctx;
	uint8_t key[CRYPTO_DUKPT_AES_KEY_MAX];
	size_t len;

	return crypto_dukpt_aes_key(d->bdk, sizeof d->bdk, d->ksn[i % N_KSN], CRYPTO_DUKPT_PIN,
	                            CRYPTO_DUKPT_AES128, key, &len);
}

/* One card's keys and one ARQC over the EMV Book 2 8.1.1 minimum data set (pyemv's). */
struct emv_ctx {
	uint8_t imk[16], mk[16], sk[16], r[8], arqc[8], data[33];
	char pan[20], psn[3];
};

/* Verify the ARQC under the session key and answer with ARPC method 1, ARC "00". */
static int arqc_arpc(const struct emv_ctx *e, const uint8_t sk[16])
{
	static const uint8_t arc[2] = {'0', '0'};
	uint8_t arpc[8];
	int rc;

	if ((rc = crypto_emv_arqc_verify(sk, e->data, sizeof e->data, e->arqc)) != CRYPTO_OK)
		return rc;
	return crypto_emv_arpc1(sk, e->arqc, arc, arpc);
}

static int emv_verify_op(void *ctx, unsigned i)
{
	struct emv_ctx *e = ctx;

	(void)i;
	return arqc_arpc(e, e->sk);
}

/* The issuer's whole chain: ICC master key from the IMK, session key from the ATC, then
 * verify and answer. */
static int emv_chain_op(void *ctx, unsigned i)
{
	struct emv_ctx *e = ctx;
	uint8_t mk[16], sk[16];
	int rc;

	(void)i;
	if ((rc = crypto_emv_icc_mk_a(e->imk, e->pan, e->psn, mk)) != CRYPTO_OK ||
	    (rc = crypto_emv_session_key(mk, e->r, sizeof e->r, sk)) != CRYPTO_OK)
		return rc;
	return arqc_arpc(e, sk);
}

/* Runs op for the configured batches and prints its line; 1 when it failed or allocated
 * where it must not. */
static int report(const char *what, bench_op op, void *ctx, bool no_alloc)
{
	return bench_report(what, bench_run(op, ctx, BATCH, batches, BATCH), no_alloc);
}

static const struct mac_case {
	const char *name;
	enum crypto_mac_alg alg;
	enum crypto_mac_pad pad;
	enum crypto_alg cipher;
} mac_cases[] = {
    {"MAC, CUP ECB (docs/cup-pos.md)", CRYPTO_MAC_CUP_ECB, CRYPTO_MAC_PAD_OWN, CRYPTO_TDES},
    {"MAC, X9.19 retail (ISO 9797-1 alg 3)", CRYPTO_MAC_ALG3, CRYPTO_MAC_PAD1, CRYPTO_TDES},
    {"MAC, ISO 9797-1 alg 1, TDES", CRYPTO_MAC_ALG1, CRYPTO_MAC_PAD1, CRYPTO_TDES},
    {"MAC, AES-128 CMAC", CRYPTO_MAC_CMAC, CRYPTO_MAC_PAD_OWN, CRYPTO_AES},
    {"MAC, TDES CMAC (2-key)", CRYPTO_MAC_CMAC, CRYPTO_MAC_PAD_OWN, CRYPTO_TDES},
};

/* The KSNs of the first N_KSN transactions: counters with at most max_ones one bits
 * (X9.24-1:2009 A.3: 10; X9.24-3:2017 6.1: 16), behind the initial KSN prefix. */
static void fill_ksns(struct dukpt_ctx *d, const uint8_t *prefix, size_t ksn_len, int max_ones)
{
	uint32_t counter = 0;

	for (size_t i = 0; i < N_KSN; i++) {
		do
			counter++;
		while (__builtin_popcount(counter) > max_ones);
		memcpy(d->ksn[i], prefix, ksn_len);
		d->ksn[i][ksn_len - 3] |= (uint8_t)(counter >> 16);
		d->ksn[i][ksn_len - 2] = (uint8_t)(counter >> 8);
		d->ksn[i][ksn_len - 1] = (uint8_t)counter;
	}
}

int main(int argc, char **argv)
{
	static const uint8_t key16[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF,
	                                  0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10};
	static const uint8_t tdes_ksn[10] = {0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0, 0, 0};
	static const uint8_t aes_ksn[12] = {0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56};
	static const uint8_t aes_bdk[16] = {0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10,
	                                    0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1};
	static const uint8_t cdol[33] = {0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00,
	                                 0x00, 0x00, 0x00, 0x01, 0x24, 0x00, 0x00, 0x00, 0x80,
	                                 0x00, 0x01, 0x24, 0x11, 0x03, 0x09, 0x00, 0x38, 0x04,
	                                 0x82, 0x3E, 0x58, 0x00, 0x00, 0x01};
	static struct dukpt_ctx dukpt;
	struct emv_ctx emv = {.pan = "5123456789012345", .psn = "01", .r = {0x00, 0x01}};
	int failed = 0;

	batches = bench_batches(argc, argv, 100);
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)i;
	printf("possum crypto, one core, %d operations each (MACs over %d bytes)\n",
	       BATCH * batches, MSG_LEN);

	for (size_t i = 0; i < sizeof mac_cases / sizeof mac_cases[0]; i++) {
		const struct mac_case *mc = &mac_cases[i];
		crypto_mac *m;

		if (crypto_mac_create(mc->alg, mc->pad, mc->cipher, key16, sizeof key16, &m) !=
		    CRYPTO_OK) {
			fprintf(stderr, "%s: key setup failed\n", mc->name);
			return 1;
		}
		failed |= report(mc->name, mac_op, m, true);
		crypto_mac_free(m);
	}

	memcpy(dukpt.bdk, key16, sizeof dukpt.bdk);
	fill_ksns(&dukpt, tdes_ksn, sizeof tdes_ksn, 10);
	failed |= report("DUKPT TDES, BDK + KSN -> PIN key", dukpt_tdes_op, &dukpt, false);
	memcpy(dukpt.bdk, aes_bdk, sizeof dukpt.bdk);
	fill_ksns(&dukpt, aes_ksn, sizeof aes_ksn, 16);
	failed |= report("DUKPT AES-128, BDK + KSN -> PIN key", dukpt_aes_op, &dukpt, false);

	memcpy(emv.imk, key16, sizeof emv.imk);
	memcpy(emv.data, cdol, sizeof emv.data);
	if (crypto_emv_icc_mk_a(emv.imk, emv.pan, emv.psn, emv.mk) != CRYPTO_OK ||
	    crypto_emv_session_key(emv.mk, emv.r, sizeof emv.r, emv.sk) != CRYPTO_OK ||
	    crypto_emv_arqc(emv.sk, emv.data, sizeof emv.data, emv.arqc) != CRYPTO_OK) {
		fprintf(stderr, "EMV setup failed\n");
		return 1;
	}
	failed |= report("EMV ARQC verify + ARPC-1 (session key held)", emv_verify_op, &emv, false);
	failed |= report("EMV IMK -> MK -> SK, ARQC verify + ARPC-1", emv_chain_op, &emv, false);
	crypto_wipe(&emv, sizeof emv);
	crypto_wipe(&dukpt, sizeof dukpt);
	return failed;
}
