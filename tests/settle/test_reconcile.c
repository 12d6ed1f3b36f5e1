/* test_reconcile.c — the reconciliation of a settlement date (settle_reconcile.h) on a store in
 * a temporary directory: a batch whose totals match the host's; a batch whose totals differ,
 * uploaded with a transaction of another amount, one the host lacks, one it lacks of the
 * host's and one of another card; the host's requests against the issuer's decisions — none,
 * declined, of another amount, reversed at the issuer only or at the host only, approved at
 * the issuer for a request the host declined, and a decision no request names (but the link's,
 * the next day's and a reversal's, which are not the host's to have). Each difference with its
 * keys, in order, and the counts; a day with none; a repeated settlement replacing the first
 * and forgetting its upload; a date that is not one refused; the payments of a terminal's
 * static QR code (batch 0) outside its batch, and beside the issuer's decisions; a card's
 * authentication, verification and a balance inquiry (no money) not compared at all. */
#include "store/store_fixture.h"

#include <stdbool.h>
#include <stdio.h>

#include "settle/settle_reconcile.h"
#include "store/store_acquirer.h"
#include "store/store_reconcile.h"

#define DEC04_2026 INT64_C(1796342400) /* 00:00:00Z: 08:00 in Beijing, settlement date 12-04 */
#define DAY        INT64_C(86400)
#define D          20261204
#define DATE       "2026-12-04"
#define CARD       "622202******1234"
#define HASH_A     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

struct fx {
	struct store_fixture *f;
	struct settle_calendar cal;
	struct settle_recon_params p;
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);

	if (x == NULL || store_fixture_setup((void **)&x->f) != 0)
		return -1;
	settle_calendar_defaults(&x->cal);
	x->p = (struct settle_recon_params){&x->cal, 480};
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	void *f = x->f;

	free(x);
	return store_fixture_teardown(&f);
}

/* A host request of TID tid's batch: approved (rc "00") unless rc says, of the date, naming
 * decision dec (0 none), of channel channel ("card", "qr"). */
static void txn_of(struct fx *x, const char *channel, const char *tid, int batch, const char *stan,
                   const char *type, int64_t amount, const char *rc, int64_t dec, bool reversed)
{
	struct store_acq_txn t = {.at = DEC04_2026,
	                          .batch = batch,
	                          .amount = amount,
	                          .currency = 156,
	                          .decision_id = dec,
	                          .reversed = reversed};

	snprintf(t.tid, sizeof t.tid, "%s", tid);
	snprintf(t.mid, sizeof t.mid, "M0000000000000%c", tid[7]);
	snprintf(t.stan, sizeof t.stan, "%s", stan);
	snprintf(t.type, sizeof t.type, "%s", type);
	snprintf(t.masked, sizeof t.masked, "%s", CARD);
	snprintf(t.pan_hash, sizeof t.pan_hash, "%s", HASH_A);
	snprintf(t.rrn, sizeof t.rrn, "000000%s", stan);
	snprintf(t.rc, sizeof t.rc, "%s", rc);
	snprintf(t.settle_date, sizeof t.settle_date, DATE);
	snprintf(t.channel, sizeof t.channel, "%s", channel);
	assert_int_equal(store_acq_txn_insert(x->f->s, &t), STORE_OK);
}

/* A card's request (txn_of()). */
static void txn(struct fx *x, const char *tid, int batch, const char *stan, const char *type,
                int64_t amount, const char *rc, int64_t dec, bool reversed)
{
	txn_of(x, "card", tid, batch, stan, type, amount, rc, dec, reversed);
}

/* The local issuer's decision id: op 6 (a purchase) unless op says, at time at. */
static void decision(struct fx *x, int64_t id, int op, int64_t at, int64_t amount, const char *rc,
                     bool reversed, bool link)
{
	char sql[512];

	snprintf(sql, sizeof sql,
	         "INSERT INTO decisions (id, at, op, card_id, acquirer, stan, transmit, terminal, "
	         "merchant, rrn, amount, currency, rc, reason, auth_code, original_id, remaining, "
	         "reversed, link) VALUES (%lld, %lld, %d, 0, '48020000', '%06lld', '', 'T0000009', "
	         "'M', '%012lld', %lld, 156, '%s', '', '', 0, 0, %d, %d)",
	         (long long)id, (long long)at, op, (long long)id, (long long)id, (long long)amount,
	         rc, reversed, link);
	store_fixture_sql(x->f->path, sql);
}

static void settlement(struct fx *x, const char *tid, int batch, int64_t sales, int count,
                       int64_t refunds, int refund_count)
{
	struct store_recon_batch b = {.batch = batch,
	                              .at = DEC04_2026 + 3600,
	                              .sales_amount = sales,
	                              .sales_count = count,
	                              .refund_amount = refunds,
	                              .refund_count = refund_count};

	snprintf(b.tid, sizeof b.tid, "%s", tid);
	snprintf(b.mid, sizeof b.mid, "M0000000000000%c", tid[7]);
	snprintf(b.settle_date, sizeof b.settle_date, DATE);
	assert_int_equal(store_recon_batch_put(x->f->s, &b), STORE_OK);
}

static void uploaded(struct fx *x, const char *tid, int batch, const char *stan, int64_t amount,
                     const char *hash)
{
	struct store_recon_upload u = {.batch = batch, .amount = amount, .at = DEC04_2026 + 3700};

	snprintf(u.tid, sizeof u.tid, "%s", tid);
	snprintf(u.stan, sizeof u.stan, "%s", stan);
	snprintf(u.card_class, sizeof u.card_class, "00");
	snprintf(u.masked, sizeof u.masked, "%s", CARD);
	snprintf(u.pan_hash, sizeof u.pan_hash, "%s", hash);
	assert_int_equal(store_recon_upload_put(x->f->s, &u), STORE_OK);
}

struct items {
	struct settle_recon_item it[32];
	size_t n;
};

static int collect(void *ctx, const struct settle_recon_item *it)
{
	struct items *is = ctx;

	assert_true(is->n < 32);
	is->it[is->n++] = *it;
	return 0;
}

/* Item it is of kind, side, TID and STAN, with amount (-1: none) and other (-1: none). */
static void expect(const struct settle_recon_item *it, int kind, int side, const char *tid,
                   const char *stan, int64_t amount, int64_t other, const char *detail)
{
	assert_string_equal(settle_recon_kind_name(it->kind), settle_recon_kind_name(kind));
	assert_int_equal(it->side, side);
	assert_string_equal(it->tid, tid);
	assert_string_equal(it->stan, stan);
	assert_int_equal(it->has_amount, amount >= 0);
	if (amount >= 0)
		assert_int_equal(it->amount, amount);
	assert_int_equal(it->has_other, other >= 0);
	if (other >= 0)
		assert_int_equal(it->other_amount, other);
	assert_string_equal(it->detail, detail);
	assert_int_equal(it->currency, 156);
}

/* T0000001's batch 1 agrees; T0000002's batch 7 does not, and was uploaded. */
static void terminals(struct fx *x)
{
	txn(x, "T0000001", 1, "000001", "purchase", 10000, "00", 1, false);
	txn(x, "T0000001", 1, "000002", "purchase", 5000, "00", 2, false);
	txn(x, "T0000001", 1, "000003", "refund", 2000, "00", 3, false);
	txn(x, "T0000001", 1, "000004", "purchase", 7000, "00", 4,
	    true); /* reversed: not counted */
	settlement(x, "T0000001", 1, 15000, 2, 2000, 1);
	txn(x, "T0000002", 7, "000011", "purchase", 3000, "00", 11, false);
	txn(x, "T0000002", 7, "000012", "purchase", 4000, "00", 12, false);
	txn(x, "T0000002", 7, "000013", "purchase", 5000, "00", 13, false);
	txn(x, "T0000002", 7, "000015", "purchase", 600, "00", 15, false);
	txn(x, "T0000002", 7, "000016", "upload", 0, "00", 0, false); /* a message, not counted */
	settlement(x, "T0000002", 7, 8100, 4, 0, 0);
	uploaded(x, "T0000002", 7, "000011", 3000, HASH_A);
	uploaded(x, "T0000002", 7, "000012", 3500, HASH_A); /* amount differs */
	uploaded(x, "T0000002", 7, "000014", 1000, HASH_A); /* the host has none */
	uploaded(x, "T0000002", 7, "000015", 600, HASH_B);  /* another card */
	decision(x, 1, 6, DEC04_2026, 10000, "00", false, false);
	decision(x, 2, 6, DEC04_2026, 5000, "00", false, false);
	decision(x, 3, 8, DEC04_2026, 2000, "00", false, false);
	decision(x, 4, 6, DEC04_2026, 7000, "00", true, false); /* reversed on both sides */
	decision(x, 11, 6, DEC04_2026, 3000, "00", false, false);
	decision(x, 12, 6, DEC04_2026, 4000, "00", false, false);
	decision(x, 13, 6, DEC04_2026, 5000, "00", false, false);
	decision(x, 15, 6, DEC04_2026, 600, "00", false, false);
}

/* T0000003's requests against the issuer's decisions, and decisions of their own. */
static void issuer_side(struct fx *x)
{
	txn(x, "T0000003", 1, "000021", "purchase", 7000, "00", 99, false); /* no decision */
	txn(x, "T0000003", 1, "000022", "purchase", 800, "00", 22, false);
	decision(x, 22, 6, DEC04_2026, 800, "51", false, false); /* declined */
	txn(x, "T0000003", 1, "000023", "purchase", 900, "00", 23, false);
	decision(x, 23, 6, DEC04_2026, 990, "00", false, false); /* another amount */
	txn(x, "T0000003", 1, "000024", "purchase", 1000, "00", 24, false);
	decision(x, 24, 6, DEC04_2026, 1000, "00", true, false); /* reversed at the issuer */
	txn(x, "T0000003", 1, "000025", "purchase", 1100, "00", 25, true);
	decision(x, 25, 6, DEC04_2026, 1100, "00", false, false); /* reversed at the host */
	txn(x, "T0000003", 1, "000026", "purchase", 1200, "05", 26, false);
	decision(x, 26, 6, DEC04_2026, 1200, "00", false, false); /* the host declined it */
	/* 23:00:00 on 12-03, the cut-off: 12-04's, and no request names it. */
	decision(x, 30, 6, DEC04_2026 - 9 * 3600, 1300, "00", false, false);
	decision(x, 31, 6, DEC04_2026, 1400, "00", false, true);        /* the link's */
	decision(x, 32, 6, DEC04_2026 + DAY, 1500, "00", false, false); /* 12-05 */
	decision(x, 33, 9, DEC04_2026, 1600, "00", false, false);       /* a reversal */
	/* 22:59:59 in Beijing on 12-03, a second before the cut-off: 12-03's. */
	decision(x, 34, 6, DEC04_2026 - 9 * 3600 - 1, 1700, "00", false, false);
}

static void differences(void **state)
{
	struct fx *x = *state;
	struct settle_recon_counts n;
	struct items is = {0};

	terminals(x);
	issuer_side(x);
	assert_int_equal(settle_reconcile(x->f->s, &x->p, D, collect, &is, &n), SETTLE_OK);
	assert_int_equal(is.n, 12);
	expect(&is.it[0], SETTLE_RECON_TOTALS_DIFFER, SETTLE_RECON_TERMINAL_HOST, "T0000002", "",
	       8100, 12600, "");
	assert_string_equal(is.it[0].what, "sales");
	assert_int_equal(is.it[0].count, 4);
	assert_int_equal(is.it[0].other_count, 4);
	assert_int_equal(is.it[0].batch, 7);
	assert_string_equal(is.it[0].mid, "M00000000000002");
	expect(&is.it[1], SETTLE_RECON_AMOUNT_DIFFERS, SETTLE_RECON_TERMINAL_HOST, "T0000002",
	       "000012", 3500, 4000, "");
	assert_string_equal(is.it[1].rrn, "000000000012");
	assert_string_equal(is.it[1].card, CARD);
	expect(&is.it[2], SETTLE_RECON_HOST_ONLY, SETTLE_RECON_TERMINAL_HOST, "T0000002", "000013",
	       5000, -1, "");
	assert_string_equal(is.it[2].rrn, "000000000013");
	expect(&is.it[3], SETTLE_RECON_TERMINAL_ONLY, SETTLE_RECON_TERMINAL_HOST, "T0000002",
	       "000014", 1000, -1, "");
	assert_string_equal(is.it[3].rrn, "");
	expect(&is.it[4], SETTLE_RECON_CARD_DIFFERS, SETTLE_RECON_TERMINAL_HOST, "T0000002",
	       "000015", 600, 600, "");
	expect(&is.it[5], SETTLE_RECON_HOST_ONLY, SETTLE_RECON_HOST_ISSUER, "T0000003", "000021",
	       7000, -1, "no_decision");
	expect(&is.it[6], SETTLE_RECON_HOST_ONLY, SETTLE_RECON_HOST_ISSUER, "T0000003", "000022",
	       800, 800, "issuer_declined");
	expect(&is.it[7], SETTLE_RECON_AMOUNT_DIFFERS, SETTLE_RECON_HOST_ISSUER, "T0000003",
	       "000023", 900, 990, "");
	expect(&is.it[8], SETTLE_RECON_REVERSED_DIFFERS, SETTLE_RECON_HOST_ISSUER, "T0000003",
	       "000024", 1000, 1000, "reversed_at_issuer");
	expect(&is.it[9], SETTLE_RECON_REVERSED_DIFFERS, SETTLE_RECON_HOST_ISSUER, "T0000003",
	       "000025", 1100, 1100, "reversed_at_host");
	expect(&is.it[10], SETTLE_RECON_ISSUER_ONLY, SETTLE_RECON_HOST_ISSUER, "T0000003", "000026",
	       1200, 1200, "host_declined");
	/* A decision alone: the issuer's keys (its terminal, the network STAN, the RRN). */
	expect(&is.it[11], SETTLE_RECON_ISSUER_ONLY, SETTLE_RECON_HOST_ISSUER, "T0000009", "000030",
	       -1, 1300, "no_host_request");
	assert_string_equal(is.it[11].rrn, "000000000030");
	assert_int_equal(is.it[11].batch, 0);
	assert_int_equal(n.total, 12);
	assert_int_equal(n.n[SETTLE_RECON_HOST_ONLY], 3);
	assert_int_equal(n.n[SETTLE_RECON_ISSUER_ONLY], 2);
	assert_int_equal(n.n[SETTLE_RECON_TOTALS_DIFFER], 1);
}

/* The reconciliation of date finds no difference. */
static void none_on(struct fx *x, int32_t date)
{
	struct settle_recon_counts n;
	struct items is = {0};

	assert_int_equal(settle_reconcile(x->f->s, &x->p, date, collect, &is, &n), SETTLE_OK);
	assert_int_equal(is.n, 0);
	assert_int_equal(n.total, 0);
}

/* A day whose batches agree and whose requests the issuer decided alike: nothing. */
static void clean_day(void **state)
{
	struct fx *x = *state;
	struct settle_recon_counts n;
	struct items is = {0};

	txn(x, "T0000001", 1, "000001", "purchase", 10000, "00", 1, false);
	txn(x, "T0000001", 1, "000002", "refund", 2000, "00", 2, false);
	decision(x, 1, 6, DEC04_2026, 10000, "00", false, false);
	decision(x, 2, 8, DEC04_2026, 2000, "00", false, false);
	settlement(x, "T0000001", 1, 10000, 1, 2000, 1);
	uploaded(x, "T0000001", 1, "000001", 10000, HASH_A);
	uploaded(x, "T0000001", 1, "000002", 2000, HASH_A);
	none_on(x, D);
	/* The next day has nothing either; a date that is not one is refused. */
	none_on(x, D + 1);
	assert_int_equal(settle_reconcile(x->f->s, &x->p, 20260230, collect, &is, &n), SETTLE_EARG);
}

/* A settlement of a batch again replaces the first and forgets its upload. */
static void repeated_settlement(void **state)
{
	struct fx *x = *state;
	struct store_recon_batch b;
	int64_t uploads;

	settlement(x, "T0000001", 1, 100, 1, 0, 0);
	uploaded(x, "T0000001", 1, "000001", 100, HASH_A);
	uploaded(x, "T0000001", 1, "000001", 200, HASH_A); /* uploaded again: replaced */
	assert_int_equal(store_recon_upload_count(x->f->s, "T0000001", 1, &uploads), STORE_OK);
	assert_int_equal(uploads, 1);
	settlement(x, "T0000001", 1, 300, 2, 0, 0);
	assert_int_equal(store_recon_batch_get(x->f->s, "T0000001", 1, &b), STORE_OK);
	assert_int_equal(b.settlements, 2);
	assert_int_equal(b.sales_amount, 300);
	assert_int_equal(b.sales_count, 2);
	assert_int_equal(store_recon_upload_count(x->f->s, "T0000001", 1, &uploads), STORE_OK);
	assert_int_equal(uploads, 0);
	assert_int_equal(store_recon_batch_get(x->f->s, "T0000001", 2, &b), STORE_ENOTFOUND);
}

/* A terminal's static QR code paid (docs/qr.md): rows of batch 0, channel qr, beside the
 * terminal's batch 1 (a card's purchase and a payment code's). The terminal's batch agrees:
 * batch 0 is not in it, and a settlement a terminal would report of batch 0 is left out; the
 * host's rows against the issuer's decisions hold batch 0's (one of another amount). */
static void qr_batch_zero(void **state)
{
	struct fx *x = *state;
	struct settle_recon_counts n;
	struct items is = {0};

	txn(x, "T0000001", 1, "000001", "purchase", 10000, "00", 1, false);
	txn_of(x, "qr", "T0000001", 1, "000002", "purchase", 3000, "00", 2, false); /* by code */
	txn_of(x, "qr", "T0000001", 0, "000001", "purchase", 5000, "00", 3, false);
	txn_of(x, "qr", "T0000001", 0, "000002", "purchase", 4000, "00", 4, false);
	decision(x, 1, 6, DEC04_2026, 10000, "00", false, false);
	decision(x, 2, 6, DEC04_2026, 3000, "00", false, false);
	decision(x, 3, 6, DEC04_2026, 5000, "00", false, false);
	decision(x, 4, 6, DEC04_2026, 4400, "00", false, false); /* another amount */
	settlement(x, "T0000001", 1, 13000, 2, 0, 0);
	uploaded(x, "T0000001", 1, "000001", 10000, HASH_A);
	uploaded(x, "T0000001", 1, "000002", 3000, HASH_A);
	settlement(x, "T0000001", 0, 0, 0, 0, 0); /* no terminal's: not compared */
	uploaded(x, "T0000001", 0, "000009", 100, HASH_A);
	assert_int_equal(settle_reconcile(x->f->s, &x->p, D, collect, &is, &n), SETTLE_OK);
	assert_int_equal(is.n, 1);
	expect(&is.it[0], SETTLE_RECON_AMOUNT_DIFFERS, SETTLE_RECON_HOST_ISSUER, "T0000001",
	       "000002", 4000, 4400, "");
	assert_int_equal(is.it[0].batch, 0);
	assert_int_equal(n.n[SETTLE_RECON_TOTALS_DIFFER], 0);
	assert_int_equal(n.n[SETTLE_RECON_HOST_ONLY], 0);
	assert_int_equal(n.n[SETTLE_RECON_TERMINAL_ONLY], 0);
}

/* Requests that move no money, approved at the issuer (ops 1, 10, 11, 12: request.h) with no
 * currency: a balance inquiry and a card's authentication named by the host's requests, a
 * verification and the authentication's start no request names (the start is the issuer's
 * alone). None is a difference. */
static void no_money(void **state)
{
	struct fx *x = *state;

	txn(x, "T0000001", 1, "000001", "balance", 0, "00", 1, false);
	txn(x, "T0000001", 1, "000002", "cardauth_confirm", 0, "00", 2, false);
	decision(x, 1, 1, DEC04_2026, 0, "00", false, false);
	decision(x, 2, 12, DEC04_2026, 0, "00", false, false);
	decision(x, 3, 11, DEC04_2026, 0, "00", false, false);
	decision(x, 4, 10, DEC04_2026, 0, "00", false, false);
	store_fixture_sql(x->f->path, "UPDATE decisions SET currency = 0");
	none_on(x, D);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(differences, setup, teardown),
	    cmocka_unit_test_setup_teardown(clean_day, setup, teardown),
	    cmocka_unit_test_setup_teardown(repeated_settlement, setup, teardown),
	    cmocka_unit_test_setup_teardown(qr_batch_zero, setup, teardown),
	    cmocka_unit_test_setup_teardown(no_money, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
