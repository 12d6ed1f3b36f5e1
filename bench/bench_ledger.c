/* bench_ledger.c — the ledger's transfers per second on a database file in a temporary
 * directory, WAL with synchronous=FULL, so each commit waits for the disk: one transfer per
 * store transaction (a commit, an fsync, each), then 100 per transaction (the fsync shared);
 * then a pending transfer and its post, each its own transaction. Transfers go between 1,000
 * accounts, none limited. Prints nanoseconds per transfer (mean, and p50/p99: per transfer
 * for one per transaction, per transfer averaged over each transaction of 100) and transfers
 * per second. Exits 1 if a transfer fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ledger/ledger.h"

#define ACCOUNTS 1000
#define PER_TXN  100

struct bench {
	store *s;
	uint64_t next_id;
	int per_txn;
	uint32_t flags;
};

static ledger_id id_of(uint64_t n)
{
	ledger_id id = {{0}};

	memcpy(id.b, &n, sizeof n);
	id.b[15] = 1;
	return id;
}

/* Transfer i; with LEDGER_PENDING a pending one and its post. Opens and commits a store
 * transaction every per_txn transfers. */
static int transfer_op(void *ctx, unsigned i)
{
	struct bench *b = ctx;
	struct ledger_transfer t = {.id = id_of(++b->next_id),
	                            .debit_account = 1 + (int64_t)(i % ACCOUNTS),
	                            .credit_account = 1 + (int64_t)((i * 7 + 1) % ACCOUNTS),
	                            .amount = 1 + (int64_t)(i % 5000),
	                            .currency = 156,
	                            .flags = b->flags};
	int rc;

	if (t.debit_account == t.credit_account)
		t.credit_account = 1 + t.debit_account % ACCOUNTS;
	if (b->per_txn > 1 && i % (unsigned)b->per_txn == 0 && store_begin(b->s) != STORE_OK)
		return -1;
	rc = ledger_transfer_create(b->s, &t, 1000, NULL);
	if (rc == LEDGER_OK && b->flags == LEDGER_PENDING) {
		t = (struct ledger_transfer){
		    .id = id_of(++b->next_id), .flags = LEDGER_POST, .pending_id = t.id};
		rc = ledger_transfer_create(b->s, &t, 1001, NULL);
	}
	if (b->per_txn > 1 && i % (unsigned)b->per_txn == (unsigned)b->per_txn - 1 &&
	    store_commit(b->s) != STORE_OK)
		return -1;
	return rc != LEDGER_OK;
}

int main(int argc, char **argv)
{
	int batches = bench_batches(argc, argv, 1000), bad = 0;
	char dir[] = "/tmp/possum-bench-XXXXXX", path[64], cmd[96];
	struct bench b = {0};
	struct ledger_account a = {.code = "bench", .currency = 156};
	int64_t id;

	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "bench: no temporary directory\n");
		return 1;
	}
	snprintf(path, sizeof path, "%s/ledger.db", dir);
	if (store_open(path, &b.s) != STORE_OK || store_begin(b.s) != STORE_OK) {
		fprintf(stderr, "bench: cannot open %s\n", path);
		return 1;
	}
	for (int i = 0; i < ACCOUNTS; i++)
		if (ledger_account_create(b.s, &a, 1000, &id) != LEDGER_OK)
			bad = 1;
	if (bad || store_commit(b.s) != STORE_OK) {
		fprintf(stderr, "bench: setup failed\n");
		return 1;
	}
	printf("ledger on SQLite (WAL, synchronous=FULL), a file in %s, %d accounts\n", dir,
	       ACCOUNTS);
	/* One per transaction: each operation is a transfer and an fsync; batches of one give the
	 * per-transfer latency percentiles. */
	b.per_txn = 1;
	bad |= bench_report("transfer, one per transaction",
	                    bench_run(transfer_op, &b, 20, batches, 1), false);
	b.per_txn = PER_TXN;
	bad |= bench_report("transfer, 100 per transaction",
	                    bench_run(transfer_op, &b, PER_TXN, batches, PER_TXN), false);
	b.per_txn = 1;
	b.flags = LEDGER_PENDING;
	bad |= bench_report("pending + post, each its own transaction",
	                    bench_run(transfer_op, &b, 20, batches / 2 > 0 ? batches / 2 : 1, 1),
	                    false);
	bench_peak_memory();
	store_close(b.s);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: %s left behind\n", dir);
	return bad;
}
