/* bench_settle.c — the close of a day (settle_close.h) at scale: a store in a temporary
 * directory (WAL, synchronous=FULL) holding 1,000,000 approved purchases of one settlement
 * date over 10,000 merchants (100 each, debit and credit cards by the BIN ranges, every 50th
 * refunded in part), written first and not timed; then the close, in parts: lines, totals,
 * the ledger's postings. Prints the seconds and the transactions per second, against the
 * issue's target (under 15 s); the longest part and the final transaction; and, from another
 * connection writing a transaction every 10 ms meanwhile as the host's authorizations do, the
 * longest such write waited (the writer lock the close holds). argv[1], when given, is the
 * number of transactions (a short run). Exits 1 if the close fails or a total is wrong. */
#include <inttypes.h>
#include <pthread.h>
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

/* The close's parts as they commit: the longest (how long it held the writer lock) and when
 * the last ended (the final transaction runs from then). */
struct parts {
	double last, longest;
	size_t n;
};

static void on_progress(void *ctx, enum settle_step step, size_t done, size_t total)
{
	struct parts *pp = ctx;
	double now;

	(void)done, (void)total;
	if (step != SETTLE_STEP_PART)
		return;
	now = seconds();
	if (pp->n > 0 && now - pp->last > pp->longest) /* the first: its start is not known */
		pp->longest = now - pp->last;
	pp->last = now;
	pp->n++;
}

/* An authorization's write while the close runs: another connection, as the host's, writes
 * a transaction of the next day in a store transaction of its own every 10 ms; the longest it
 * waited for the writer lock and the store's answer, and how many failed (the busy timeout). */
struct auths {
	const char *path;
	volatile int stop;
	double longest;
	long n, failed;
};

static void *authorize(void *arg)
{
	struct auths *a = arg;
	struct store_acq_txn t = {.at = 1796428800, .batch = 1, .currency = 156, .amount = 100};
	store *s;

	if (store_open(a->path, &s) != STORE_OK)
		return NULL;
	snprintf(t.tid, sizeof t.tid, "T9999999");
	snprintf(t.mid, sizeof t.mid, "M99999999999999");
	snprintf(t.type, sizeof t.type, "purchase");
	snprintf(t.rc, sizeof t.rc, "00");
	snprintf(t.settle_date, sizeof t.settle_date, "2026-12-05");
	while (!a->stop) {
		double t0 = seconds();

		snprintf(t.stan, sizeof t.stan, "%06u", (unsigned)(a->n % 1000000));
		if (store_begin(s) != STORE_OK || store_acq_txn_insert(s, &t) != STORE_OK ||
		    store_commit(s) != STORE_OK) {
			store_rollback(s);
			a->failed++;
		}
		if (seconds() - t0 > a->longest)
			a->longest = seconds() - t0;
		a->n++;
		nanosleep(&(struct timespec){0, 10000000}, NULL);
	}
	store_close(s);
	return NULL;
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
	struct parts pp = {0};
	struct auths auths = {0};
	pthread_t auth;
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
	p.progress = on_progress, p.ctx = &pp;
	auths.path = path;
	if (pthread_create(&auth, NULL, authorize, &auths) != 0)
		goto out;
	t0 = pp.last = seconds();
	rc = settle_close(s, &p, 20261204, &r);
	t1 = seconds();
	auths.stop = 1;
	pthread_join(auth, NULL);
	if (rc != SETTLE_OK || r.lines != (size_t)n) {
		fprintf(stderr, "bench_settle: the close: %s, %zu lines\n", settle_strerror(rc),
		        r.lines);
		rc = 1;
		goto out;
	}
	printf("settle close: %ld transactions, %zu merchants: %.2f s, %.0f transactions/s "
	       "(target: 1,000,000 under 15 s)\n",
	       n, r.merchants, t1 - t0, (double)n / (t1 - t0));
	printf("  in %zu parts: the longest (after the first) %.3f s; the sums and the final "
	       "transaction %.3f s\n",
	       pp.n, pp.longest, t1 - pp.last);
	printf("  an authorization's write meanwhile (every 10 ms, %ld of them): the longest "
	       "%.3f s, %ld failed\n",
	       auths.n, auths.longest, auths.failed);
	bench_peak_memory();
out:
	store_close(s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc != 0;
}
