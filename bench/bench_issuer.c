/* bench_issuer.c — the issuer's decisions per second, each committed by the bench as the
 * inbound link does (a transaction, the decision, the cardholder's text, the commit: an fsync each:
 * SQLite WAL, synchronous=FULL, a file in a temporary directory): purchases by stripe with a PIN
 * block checked against the card's PVV, and balance inquiries, over 100 debit cards. The requests
 * are made beforehand, so the figures are the issuer's alone: decision, ledger transfer, record,
 * outbox, commit. Prints nanoseconds per decision (mean, p50, p99: batches of one), decisions per
 * second, and the peak memory. Exits 1 if a decision fails or is not the one expected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "issuer/issuer.h"
#include "rcode/rcode.h"

#define CARDS    100
#define REQUESTS 4096

struct bench {
	issuer *is;
	struct issuer_card_image cards[CARDS];
	struct request *req;
	store *s;
	hsm_key zpk;
	unsigned next;
	enum request_type op;
};

static int decide_op(void *ctx, unsigned i)
{
	struct bench *b = ctx;
	struct request *q = &b->req[b->next++ % REQUESTS];
	struct issuer_response resp;

	(void)i;
	/* A new STAN each time: never a duplicate, every one a decision. */
	int64_t now = 1796032800 + b->next / 1000000;

	snprintf(q->stan, sizeof q->stan, "%06u", b->next % 1000000);
	q->type = b->op;
	q->amount = b->op == REQUEST_PURCHASE ? 1 : 0;
	if (store_begin(b->s) != STORE_OK)
		return 1;
	if (issuer_authorize(b->is, q, now, &resp) != ISSUER_OK ||
	    issuer_notify(b->is, q, &resp, now) != ISSUER_OK) {
		store_rollback(b->s);
		return 1;
	}
	if (store_commit(b->s) != STORE_OK)
		return 1;
	return strcmp(resp.rc, RCODE_APPROVED) != 0;
}

static int setup(struct bench *b, hsm *h, store *s)
{
	static const struct card_bin_range bins[] = {
	    {"62258801", "62258801", CARD_PRODUCT_DEBIT, NULL}};
	static const struct hsm_key_spec zpk_spec = {"P0", HSM_TDES, 16, 'B', 'E'};
	struct issuer_card_request card = {.product = CARD_PRODUCT_DEBIT,
	                                   .holder = "Bench",
	                                   .id_number = "1",
	                                   .phone = "13800000000",
	                                   .balance = 100000000,
	                                   .pin = "1234"};
	struct issuer_config cfg;
	struct issuer_keys keys;
	hsm_key *k[6] = {&keys.data, &keys.pan_hash, &keys.cvk, &keys.pvk, &keys.imk, &keys.pin};

	for (size_t i = 0; i < 6; i++)
		if (hsm_generate(h, &issuer_key_specs[i], k[i], NULL) != HSM_OK)
			return -1;
	if (hsm_generate(h, &zpk_spec, &b->zpk, NULL) != HSM_OK)
		return -1;
	issuer_config_defaults(&cfg);
	cfg.bins = bins;
	cfg.n_bins = 1;
	cfg.daily_amount_limit = 0;
	cfg.daily_count_limit = 0;
	if (issuer_open(s, h, &cfg, &keys, &b->is) != ISSUER_OK)
		return -1;
	for (int i = 0; i < CARDS; i++)
		if (issuer_card_issue(b->is, &card, 1796032800, &b->cards[i]) != ISSUER_OK)
			return -1;
	if ((b->req = calloc(REQUESTS, sizeof *b->req)) == NULL)
		return -1;
	for (int i = 0; i < REQUESTS; i++) {
		struct request *q = &b->req[i];
		const struct issuer_card_image *c = &b->cards[i % CARDS];

		request_init(q);
		if (hsm_encrypt_pin(h, &b->zpk, c->pin, c->pan, q->pin_block) != HSM_OK ||
		    request_card_set(q, NULL, c->track2, NULL) != REQUEST_OK)
			return -1;
		q->card.entry = REQUEST_ENTRY_STRIPE;
		q->has_pin = true;
		q->pin_key = &b->zpk;
		q->currency = 156;
		snprintf(q->acquirer, sizeof q->acquirer, "48020000");
		snprintf(q->transmit, sizeof q->transmit, "1130120000");
		snprintf(q->terminal, sizeof q->terminal, "BENCH001");
		snprintf(q->merchant, sizeof q->merchant, "898310048120001");
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const uint8_t lmk[HSM_LMK_LEN] = {7, 7, 7};
	int batches = bench_batches(argc, argv, 1000), bad = 0;
	char dir[] = "/tmp/possum-bench-XXXXXX", path[64], cmd[96];
	struct bench b = {0};
	store *s = NULL;
	hsm *h = NULL;

	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "bench: no temporary directory\n");
		return 1;
	}
	snprintf(path, sizeof path, "%s/possum.db", dir);
	if (store_open(path, &s) != STORE_OK || hsm_open(lmk, &h) != HSM_OK ||
	    (b.s = s, setup(&b, h, s)) != 0) {
		fprintf(stderr, "bench: setup failed\n");
		return 1;
	}
	printf("issuer on SQLite (WAL, synchronous=FULL), a file in %s, %d cards; each decision "
	       "committed\n",
	       dir, CARDS);
	b.op = REQUEST_PURCHASE;
	bad |= bench_report("purchase (track 2 CVV, PIN by PVV, transfer)",
	                    bench_run(decide_op, &b, 50, batches, 1), false);
	b.op = REQUEST_BALANCE;
	bad |= bench_report("balance inquiry (CVV, PIN)", bench_run(decide_op, &b, 50, batches, 1),
	                    false);
	bench_peak_memory();
	issuer_close(b.is);
	for (int i = 0; i < CARDS; i++)
		memset(&b.cards[i], 0, sizeof b.cards[i]);
	for (int i = 0; i < REQUESTS; i++)
		request_wipe(&b.req[i]);
	free(b.req);
	hsm_close(h);
	store_close(s);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: %s left behind\n", dir);
	return bad;
}
