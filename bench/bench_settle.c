/* bench_settle.c — the close of a day (settle_close.h) at scale: a store in a temporary
 * directory (WAL, synchronous=FULL) holding 1,000,000 approved purchases of one settlement
 * date over 10,000 merchants (100 each, debit and credit cards by the BIN ranges, every 50th
 * refunded in part), written first and not timed; then the close, one transaction: lines,
 * totals, the ledger's postings. Prints the seconds and the transactions per second, against
 * the target (under 15 s). argv[1], when given, is the number of transactions (a short
 * run). Exits 1 if the close fails or a total is wrong. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "settle/settle_close.h"
#include "store/store_acquirer.h"
#include "store/store_settle.h"

#define MERCHANTS 10000
#define TXNS      1000000

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Transaction i: a purchase of merchant i % MERCHANTS, or every 50th (i % 50 == 49) a refund
 * of 1.00 of the purchase before it. */
static int add(store *s, long i, int64_t *last)
{
	struct store_acq_txn t = {.at = 1796342400, .batch = 1, .currency = 156};
	unsigned m = (unsigned)(i % MERCHANTS);
	bool refund = i % 50 == 49;

	snprintf(t.tid, sizeof t.tid, "T%07u", m);
	snprintf(t.mid, sizeof t.mid, "M%014u", m);
	snprintf(t.stan, sizeof t.stan, "%06u", (unsigned)(i / MERCHANTS) % 1000000u);
	snprintf(t.type, sizeof t.type, "%s", refund ? "refund" : "purchase");
	snprintf(t.masked, sizeof t.masked, "%s",
	         i % 3 == 0 ? "625812******5678" : "622202******1234");
	snprintf(t.rc, sizeof t.rc, "00");
	snprintf(t.settle_date, sizeof t.settle_date, "2026-12-04");
	t.amount = refund ? 100 : 1000 + i % 500000;
	t.original_id = refund ? *last : 0;
	if (store_acq_txn_insert(s, &t) != STORE_OK)
		return 1;
	*last = t.id;
	return 0;
}

static int fill(store *s, long n)
{
	int64_t last = 0;

	if (store_begin(s) != STORE_OK)
		return 1;
	for (long i = 0; i < n; i++)
		if (add(s, i, &last) != 0) {
			store_rollback(s);
			return 1;
		}
	return store_commit(s) != STORE_OK;
}

int main(int argc, char **argv)
{
	struct card_bin_range bins[] = {{"622202", "622202", CARD_PRODUCT_DEBIT, NULL},
	                                {"625800", "625899", CARD_PRODUCT_CREDIT, NULL}};
	struct settle_calendar cal;
	struct settle_close_params p = {.cal = &cal,
	                                .utc_offset = 480,
	                                .bins = bins,
	                                .nbins = 2,
	                                .plan = {60, 55, 48, 2000},
	                                .now = 1796342400 + 3 * 86400};
	struct settle_close_result r;
	char dir[] = "/tmp/possum-bench-settle-XXXXXX", path[64], cmd[96];
	long n = argc > 1 ? atol(argv[1]) : TXNS;
	store *s = NULL;
	double t0, t1;
	int rc = 1;

	settle_calendar_defaults(&cal);
	if (n < 1 || mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/possum.db", dir);
	if (store_open(path, &s) != STORE_OK || fill(s, n) != 0) {
		fprintf(stderr, "bench_settle: cannot fill the store\n");
		goto out;
	}
	t0 = seconds();
	rc = settle_close(s, &p, 20261204, &r);
	t1 = seconds();
	if (rc != SETTLE_OK || r.lines != (size_t)n) {
		fprintf(stderr, "bench_settle: the close: %s, %zu lines\n", settle_strerror(rc),
		        r.lines);
		rc = 1;
		goto out;
	}
	printf("settle close: %ld transactions, %zu merchants: %.2f s, %.0f transactions/s "
	       "(target: 1,000,000 under 15 s)\n",
	       n, r.merchants, t1 - t0, (double)n / (t1 - t0));
	bench_peak_memory();
out:
	store_close(s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc != 0;
}
