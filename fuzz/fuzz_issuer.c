/* fuzz_issuer.c — libFuzzer target for the issuer's network link: every input is unpacked as
 * an iso87a message and, when it unpacks, read as an authorization request (issuer_link_read)
 * and decided (issuer_authorize) against a real store with two issued cards. Whatever the
 * bytes, nothing may crash or read out of bounds, every decision must carry a two-character
 * response code, and the ledger must stay sound (checked every 256 inputs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "issuer/link.h"
#include "ledger/ledger.h"
#include "rcode/rcode.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static const struct card_bin_range bins[] = {
    {"62258801", "62258801", CARD_PRODUCT_DEBIT, NULL},
    {"62258802", "62258802", CARD_PRODUCT_CREDIT, NULL},
};

static store *s;
static hsm *h;
static issuer *is;
static hsm_key zpk;
static const iso8583_profile *profile;
static char dir[] = "/tmp/fuzz_issuer.XXXXXX";

/* The scratch store goes when the fuzzer exits. */
static void remove_store(void)
{
	static const char *const files[] = {"possum.db", "possum.db-wal", "possum.db-shm"};
	char path[64];

	store_close(s);
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const uint8_t lmk[HSM_LMK_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	static const struct hsm_key_spec zpk_spec = {"P0", HSM_TDES, 16, 'B', 'E'};
	struct issuer_card_request card = {.holder = "Fuzz",
	                                   .id_number = "1",
	                                   .phone = "13800000000",
	                                   .pin = "1234",
	                                   .expiry = "9912"};
	struct issuer_config cfg;
	struct issuer_keys keys;
	struct issuer_card_image img;
	hsm_key *k[6] = {&keys.data, &keys.pan_hash, &keys.cvk, &keys.pvk, &keys.imk, &keys.pin};
	char path[64];

	(void)argc;
	(void)argv;
	CHECK(mkdtemp(dir) != NULL);
	atexit(remove_store);
	snprintf(path, sizeof path, "%s/possum.db", dir);
	CHECK(store_open(path, &s) == STORE_OK);
	CHECK(hsm_open(lmk, &h) == HSM_OK);
	for (size_t i = 0; i < 6; i++)
		CHECK(hsm_generate(h, &issuer_key_specs[i], k[i], NULL) == HSM_OK);
	CHECK(hsm_generate(h, &zpk_spec, &zpk, NULL) == HSM_OK);
	issuer_config_defaults(&cfg);
	cfg.bins = bins;
	cfg.n_bins = 2;
	CHECK(issuer_open(s, h, &cfg, &keys, &is) == ISSUER_OK);
	card.product = CARD_PRODUCT_DEBIT;
	card.balance = 100000;
	CHECK(issuer_card_issue(is, &card, 1796032800, &img) == ISSUER_OK);
	card.product = CARD_PRODUCT_CREDIT;
	card.balance = 0;
	card.limit = 100000;
	card.chip = true;
	CHECK(issuer_card_issue(is, &card, 1796032800, &img) == ISSUER_OK);
	CHECK((profile = iso8583_profile_find("iso87a")) != NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned runs;
	struct request ir;
	struct issuer_response r;
	struct ledger_report rep;
	iso8583_msg m;
	char rc[3];

	if (size > 4096 || iso8583_unpack(profile, data, size, &m, NULL) != ISO8583_OK)
		return 0;
	if (issuer_link_read(&m, &zpk, &ir, rc) != ISSUER_OK) {
		CHECK(strcmp(rc, RCODE_INVALID_TXN) == 0 || strcmp(rc, RCODE_FORMAT_ERROR) == 0);
		return 0;
	}
	/* As the inbound link does: a transaction, the decision, the text, the commit. */
	CHECK(store_begin(s) == STORE_OK);
	if (issuer_authorize(is, &ir, 1796032800 + runs, &r) == ISSUER_OK &&
	    issuer_notify(is, &ir, &r, 1796032800 + runs) == ISSUER_OK) {
		CHECK(strlen(r.rc) == 2);
		CHECK(store_commit(s) == STORE_OK);
	} else {
		store_rollback(s);
	}
	request_wipe(&ir);
	if (++runs % 256 == 0) {
		CHECK(ledger_check(s, &rep, NULL, NULL) == LEDGER_OK);
		CHECK(rep.violations == 0);
	}
	return 0;
}
