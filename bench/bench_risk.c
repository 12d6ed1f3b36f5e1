/* bench_risk.c — the risk stage's own time (docs/risk.md), with every default rule on (the
 * shipped etc/risk.rules): the context read from the store as the stage reads it, in a
 * transaction, and the rules evaluated (acquirer_risk_evaluate(), the function the stage calls),
 * over a day of history — 50,000 requests of 1,000 cards at 100 terminals of one merchant, a
 * tenth of them declined — on SQLite (WAL, a file in a temporary directory). Prints ns per
 * purchase judged (mean, p50, p99: batches of one; the target is p99 <= 20 us), what the record
 * stage writes of a purchase to keep the counts (its part of the record path), and the
 * evaluation alone, which allocates nothing. Exits 1 when a call fails or the evaluation
 * allocates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquirer/acquirer.h"
#include "harness.h"
#include "issuer/issuer.h"
#include "store/store_risk.h"

#define CARDS     1000
#define ISSUED    100 /* cards the issuer knows (their product read) */
#define TERMINALS 100
#define HISTORY   50000
#define NOW       1796032800 /* 2026-12-01 12:00 UTC: 20:00 local */
#define MID       "898310048120001"
#define DAY       (NOW - 72000) /* its local day's start */

struct bench {
	store *s;
	acquirer *a;
	issuer *is;
	struct issuer_card_image cards[ISSUED];
	char hashes[CARDS][65];
	risk_rules *rules;
	struct risk_ctx ctx;
	unsigned next;
};

static int stage_op(void *ctx, unsigned i)
{
	struct bench *b = ctx;
	unsigned n = b->next++;
	char tid[9];
	struct acquirer_risk_txn x = {.type = REQUEST_PURCHASE,
	                              .amount = 100 + n % 5000,
	                              .entry = REQUEST_ENTRY_STRIPE,
	                              .pan = b->cards[n % ISSUED].pan,
	                              .pan_hash = b->hashes[n % CARDS],
	                              .tid = tid,
	                              .mid = MID,
	                              .mcc = "5411",
	                              .now = NOW};
	struct risk_result res;

	(void)i;
	snprintf(tid, sizeof tid, "B%07u", n % TERMINALS);
	return acquirer_risk_evaluate(b->a, &x, &b->ctx, &res) != ACQUIRER_OK;
}

static int eval_op(void *ctx, unsigned i)
{
	struct bench *b = ctx;
	struct risk_result res;

	b->ctx.v[RISK_V_CARD_COUNT_10M] = i % 8;
	risk_eval(b->rules, &b->ctx, &res);
	return 0;
}

/* What the record stage writes of an approved purchase (acquirer/risk.c, count_payment()):
 * its minute's counts of the card, terminal, merchant and card at the merchant, its card among
 * the terminal's of the day and its payment among the card's at the merchant. */
static int record_op(void *ctx, unsigned i)
{
	struct bench *b = ctx;
	unsigned n = b->next++;
	const char *hash = b->hashes[n % CARDS];
	char tid[9];
	int64_t at = NOW + n / 64, amount = 100 + n % 5000;

	(void)i;
	snprintf(tid, sizeof tid, "B%07u", n % TERMINALS);
	return store_risk_count_payment(b->s, hash, tid, MID, at, true, amount) != STORE_OK ||
	       store_risk_payment_add(b->s, hash, tid, MID, DAY, amount) != STORE_OK;
}

/* A day of requests before NOW: a tenth declined (51). */
static int history(store *s, struct bench *b)
{
	struct store_acq_txn row = {.batch = 1, .currency = 156, .rc = "00", .reason = "approved"};
	char cm[sizeof row.pan_hash + sizeof row.mid];
	int rc = store_begin(s);

	for (int i = 0; rc == STORE_OK && i < HISTORY; i++) {
		row.at = NOW - 86400 + (int64_t)i * 86400 / HISTORY;
		snprintf(row.tid, sizeof row.tid, "B%07d", i % TERMINALS);
		snprintf(row.mid, sizeof row.mid, MID);
		snprintf(row.stan, sizeof row.stan, "%06d", i / TERMINALS + 1);
		snprintf(row.type, sizeof row.type, "purchase");
		snprintf(row.pan_hash, sizeof row.pan_hash, "%s", b->hashes[(i * 7) % CARDS]);
		snprintf(row.rc, sizeof row.rc, i % 10 == 0 ? "51" : "00");
		row.amount = 100 + i % 100000;
		rc = store_acq_txn_insert(s, &row);
		/* The terminal's cards of the day, as the stage keeps them (local day: +08:00). */
		snprintf(cm, sizeof cm, "%s %s", row.pan_hash, MID);
		for (int w = STORE_RISK_CARD; rc == STORE_OK && w <= STORE_RISK_CARD_MERCHANT; w++)
			rc = store_risk_count_add(s, w,
			                          w == STORE_RISK_CARD       ? row.pan_hash
			                          : w == STORE_RISK_TERMINAL ? row.tid
			                          : w == STORE_RISK_MERCHANT ? MID
			                                                     : cm,
			                          row.at, i % 10 != 0, row.amount);
		if (rc == STORE_OK && i % 10 != 0)
			rc = store_risk_payment_add(s, row.pan_hash, row.tid, MID,
			                            row.at >= DAY ? DAY : DAY - 86400, row.amount);
	}
	return rc == STORE_OK ? store_commit(s) : (store_rollback(s), rc);
}

static int setup(struct bench *b, hsm *h, store *s, const char *rules_path)
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
	struct acquirer_config acfg;
	struct issuer_config cfg;
	struct issuer_keys keys;
	hsm_key *k[6] = {&keys.data, &keys.pan_hash, &keys.cvk, &keys.pvk, &keys.imk, &keys.pin};
	hsm_key zpk, pan_hash;
	char err[512];

	for (size_t i = 0; i < 6; i++)
		if (hsm_generate(h, &issuer_key_specs[i], k[i], NULL) != HSM_OK)
			return -1;
	if (hsm_generate(h, &zpk_spec, &zpk, NULL) != HSM_OK ||
	    hsm_generate(h, &acquirer_key_specs[0], &pan_hash, NULL) != HSM_OK)
		return -1;
	issuer_config_defaults(&cfg);
	cfg.bins = bins;
	cfg.n_bins = 1;
	acquirer_config_defaults(&acfg);
	if (issuer_open(s, h, &cfg, &keys, &b->is) != ISSUER_OK ||
	    acquirer_open(s, h, b->is, &zpk, &pan_hash, &acfg, &b->a) != ACQUIRER_OK)
		return -1;
	for (int i = 0; i < ISSUED; i++)
		if (issuer_card_issue(b->is, &card, NOW - 86400, &b->cards[i]) != ISSUER_OK)
			return -1;
	for (int i = 0; i < CARDS; i++)
		snprintf(b->hashes[i], sizeof b->hashes[i], "%064d", i);
	if (risk_rules_load(rules_path, &b->rules, err, sizeof err) != RISK_OK) {
		fprintf(stderr, "bench: %s\n", err);
		return -1;
	}
	acquirer_set_rules(b->a, b->rules);
	b->s = s;
	return history(s, b);
}

int main(int argc, char **argv)
{
	static const uint8_t lmk[HSM_LMK_LEN] = {7, 7, 7};
	const char *src = getenv("POSSUM_SOURCE");
	int batches = bench_batches(argc, argv, 2000), bad = 0;
	char dir[] = "/tmp/possum-bench-XXXXXX", path[64], cmd[96], rules[1024];
	struct bench *b = calloc(1, sizeof *b);
	store *s = NULL;
	hsm *h = NULL;

	snprintf(rules, sizeof rules, "%s/etc/risk.rules", src != NULL ? src : ".");
	if (getenv("BENCH_RULES") != NULL) /* another file: which rule costs what */
		snprintf(rules, sizeof rules, "%s", getenv("BENCH_RULES"));
	if (b == NULL || mkdtemp(dir) == NULL) {
		fprintf(stderr, "bench: no temporary directory\n");
		return 1;
	}
	snprintf(path, sizeof path, "%s/possum.db", dir);
	if (store_open(path, &s) != STORE_OK || hsm_open(lmk, &h) != HSM_OK ||
	    setup(b, h, s, rules) != 0) {
		fprintf(stderr, "bench: setup failed\n");
		return 1;
	}
	printf("risk stage on SQLite (WAL), a file in %s: %zu rules of %s, a day of %d requests "
	       "(%d cards, %d terminals, one merchant)\n",
	       dir, risk_rules_count(b->rules), rules, HISTORY, CARDS, TERMINALS);
	/* In a transaction, as the stage runs in its batch's. */
	bad |= store_begin(s) != STORE_OK;
	bad |= bench_report("risk stage: a purchase's context and every default rule",
	                    bench_run(stage_op, b, 200, batches, 1), false);
	store_rollback(s);
	bad |= store_begin(s) != STORE_OK;
	bad |= bench_report("risk record: an approved purchase counted (the stage's writes)",
	                    bench_run(record_op, b, 200, batches, 1), false);
	store_rollback(s);
	bad |= bench_report("risk rules alone: risk_eval() over a context",
	                    bench_run(eval_op, b, 1000, batches, 100), true);
	bench_peak_memory();
	acquirer_close(b->a);
	issuer_close(b->is);
	risk_rules_free(b->rules);
	memset(b->cards, 0, sizeof b->cards);
	free(b);
	hsm_close(h);
	store_close(s);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (getenv("BENCH_KEEP") != NULL) /* to look at the store: EXPLAIN QUERY PLAN */
		printf("kept %s\n", dir);
	else if (system(cmd) != 0)
		fprintf(stderr, "bench: %s left behind\n", dir);
	return bad;
}
