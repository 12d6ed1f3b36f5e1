/* test_close.c — the close of a day (settle_close.h) on a store in a temporary directory: a
 * day of two merchants with purchases on debit, credit, prepaid and unknown cards, a void, a
 * partial and a full refund of a capped debit purchase, a completion, a reversal, an open
 * pre-authorization and a purchase of the next settlement date, checked line by line and
 * total by total to the fen; the ledger's check and each payable against Σ net; a rerun and a
 * closed day unchanged; a day before its cut-off refused; refund_fee keep against return; the
 * same day in parts of two; the close killed (_exit in a child, in parts of two) in the first
 * part, between parts, in a later part and in the final transaction, each run again from what
 * the last left, then to its end: the same as a clean close; a merchant's own fee plan; the
 * day's lease between two hosts, a run refused under a running process's and taking over at once
 * a gone one's;
 * the issuer's receivable cleared against its postings (a difference left visible) and an
 * expired hold released; the next day to close after a host was down; late voids and
 * reversals (after their original's line): a counter-line each on their own date, once, the
 * payable and the receivable back to what they were, between parts, of refunds and of voids. */
#include "settle_fixture.h"

#include <stdbool.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ledger/ledger.h"
#include "settle/settle_close.h"
#include "store/store_acquirer.h"
#include "store/store_issuer.h"
#include "store/store_lease.h"
#include "store/store_merchant.h"
#include "store/store_settle.h"

#define D 20261204

struct fixture {
	struct settle_fixture fx;
};

static int setup(void **state)
{
	return settle_fixture_new(state, sizeof(struct fixture), DEC04_2026 + 3 * DAY);
}

/* A terminal request row, approved, of settlement date date, decided by the issuer's decision
 * (0: another issuer's). */
static int64_t txn_decided(store *s, const char *mid, const char *type, int64_t amount,
                           const char *masked, const char *date, int64_t original, int64_t decision)
{
	struct store_acq_txn t = settle_fixture_row(mid, type, amount, masked, date);

	t.original_id = original, t.decision_id = decision;
	return settle_fixture_insert(s, &t);
}

static void mark(store *s, int64_t id, bool reversed, bool voided, int64_t refunded)
{
	struct store_acq_txn t;

	assert_int_equal(store_acq_txn_get(s, id, &t), STORE_OK);
	t.reversed = reversed, t.voided = voided, t.refunded = refunded;
	assert_int_equal(store_acq_txn_update(s, &t), STORE_OK);
}

/* The day: see the file's comment. */
static void day(store *s)
{
	int64_t id;

	settle_fixture_txn(s, M1, "purchase", 100000, DEBIT, "2026-12-04", 0); /* fee 5.50 */
	id = settle_fixture_txn(s, M1, "purchase", 50000, CREDIT, "2026-12-04", 0);
	mark(s, id, false, true, 0);
	settle_fixture_txn(s, M1, "void", 50000, CREDIT, "2026-12-04", id);
	id = settle_fixture_txn(s, M1, "purchase", 500000, DEBIT, "2026-12-04",
	                        0); /* 27.50 capped: 20.00 */
	mark(s, id, false, false, 500000);
	settle_fixture_txn(s, M1, "refund", 100000, DEBIT, "2026-12-04", id); /* returns 4.00 */
	settle_fixture_txn(s, M1, "refund", 400000, DEBIT, "2026-12-04", id); /* returns 16.00 */
	id = settle_fixture_txn(s, M1, "preauth", 40000, CREDIT, "2026-12-04", 0);
	settle_fixture_txn(s, M1, "completion", 30000, CREDIT, "2026-12-04", id); /* fee 1.80 */
	id = settle_fixture_txn(s, M1, "purchase", 20000, CREDIT, "2026-12-04", 0);
	mark(s, id, true, false, 0);
	settle_fixture_txn(s, M1, "preauth", 80000, CREDIT, "2026-12-04", 0);
	settle_fixture_txn(s, M1, "purchase", 10000, CREDIT, "2026-12-05", 0);
	settle_fixture_txn(s, M2, "purchase", 363546, PREPAID, "2026-12-04", 0); /* 19.995: 20.00 */
	settle_fixture_txn(s, M2, "purchase", 363545, DEBIT, "2026-12-04", 0);   /* 19.99 */
	settle_fixture_txn(s, M2, "purchase", 10001, VISA, "2026-12-04", 0); /* credit rate: 0.60 */
}

static void expect_line(const struct store_settle_line *l, const char *mid, const char *type,
                        const char *product, int64_t amount, int64_t fee)
{
	assert_string_equal(l->mid, mid);
	assert_string_equal(l->type, type);
	assert_string_equal(l->product, product);
	assert_string_equal(l->channel, "card");
	assert_string_equal(l->date, "2026-12-04");
	assert_int_equal(l->amount, amount);
	assert_int_equal(l->fee, fee);
	assert_int_equal(l->net, amount - fee);
}

static void expect_total(const struct store_settle_total *t, const char *mid, int64_t count,
                         int64_t amount, int64_t fees)
{
	assert_string_equal(t->mid, mid);
	assert_int_equal(t->count, count);
	assert_int_equal(t->amount, amount);
	assert_int_equal(t->fees, fees);
	assert_int_equal(t->net, amount - fees);
	assert_string_equal(t->payout_date, "2026-12-07"); /* T+1 of a Friday: Monday */
	assert_string_equal(t->status, "owed");
}

/* A merchant's payable: credits less debits posted. */
static int64_t payable(store *s, const char *mid)
{
	char name[32];

	snprintf(name, sizeof name, "payable:%s", mid);
	return settle_fixture_balance(s, name);
}

static void check_day(store *s, int64_t m1_fees)
{
	struct settle_fixture_lines ls = {0};
	struct settle_fixture_totals ts = {0};

	assert_int_equal(store_settle_lines(s, "2026-12-04", settle_fixture_collect_line, &ls),
	                 STORE_OK);
	assert_int_equal(ls.n, 8);
	expect_line(&ls.l[0], M1, "purchase", "debit", 100000, 550);
	expect_line(&ls.l[1], M1, "purchase", "debit", 500000, 2000);
	expect_line(&ls.l[2], M1, "refund", "debit", -100000, m1_fees == 730 ? -400 : 0);
	expect_line(&ls.l[3], M1, "refund", "debit", -400000, m1_fees == 730 ? -1600 : 0);
	expect_line(&ls.l[4], M1, "completion", "credit", 30000, 180);
	expect_line(&ls.l[5], M2, "purchase", "prepaid", 363546, 2000);
	expect_line(&ls.l[6], M2, "purchase", "debit", 363545, 1999);
	expect_line(&ls.l[7], M2, "purchase", "other", 10001, 60);
	assert_int_equal(store_settle_totals(s, "2026-12-04", settle_fixture_collect_total, &ts),
	                 STORE_OK);
	assert_int_equal(ts.n, 2);
	expect_total(&ts.t[0], M1, 5, 130000, m1_fees);
	expect_total(&ts.t[1], M2, 3, 737092, 4059);
	assert_int_equal(payable(s, M1), 130000 - m1_fees);
	assert_int_equal(payable(s, M2), 737092 - 4059);
	settle_fixture_ledger_sound(s);
}

static void close_return(void **state)
{
	struct fixture *f = *state;
	struct settle_close_result r;
	struct store_settle_day d;

	day(f->fx.s);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	assert_false(r.already);
	assert_int_equal(r.lines, 8);
	assert_int_equal(r.merchants, 2);
	check_day(f->fx.s, 730);
	assert_int_equal(store_settle_day_get(f->fx.s, "2026-12-04", &d), STORE_OK);
	assert_int_equal(d.state, STORE_SETTLE_CLOSED);
	/* Again: closed before, nothing new. */
	f->fx.p.now += 100;
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	assert_true(r.already);
	assert_int_equal(r.lines, 8);
	assert_int_equal(r.closed_at, DEC04_2026 + 3 * DAY);
	check_day(f->fx.s, 730);
}

static void close_keep(void **state)
{
	struct fixture *f = *state;
	struct settle_close_result r;

	day(f->fx.s);
	f->fx.p.refund_fee_keep = true;
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	check_day(f->fx.s, 2730);
}

static void cutoff(void **state)
{
	struct fixture *f = *state;
	struct settle_close_result r;
	struct store_settle_day d;
	int32_t due;

	day(f->fx.s);
	/* 22:59:59 on the 4th in Beijing: the 4th is still open. */
	f->fx.p.now = DEC04_2026 - 8 * 3600 + 23 * 3600 - 1;
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_EEARLY);
	assert_int_equal(store_settle_day_get(f->fx.s, "2026-12-04", &d), STORE_ENOTFOUND);
	assert_int_equal(settle_close_due(&f->fx.p, &due), SETTLE_OK);
	assert_int_equal(due, 20261203);
	/* 23:00:00: past it. */
	f->fx.p.now++;
	assert_int_equal(settle_close_due(&f->fx.p, &due), SETTLE_OK);
	assert_int_equal(due, D);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	check_day(f->fx.s, 730);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, 20261232, &r), SETTLE_EARG);
}

/* Where the child dies: at step, once done reaches n. */
struct fault {
	enum settle_step step;
	size_t n;
};

static void die(void *ctx, enum settle_step step, size_t done, size_t total)
{
	const struct fault *at = ctx;
	static size_t parts;

	(void)total;
	if (step == SETTLE_STEP_PART && ++parts < at->n)
		return;
	if (step == at->step && (step != SETTLE_STEP_ITEM || done >= at->n))
		_exit(9);
}

static int count_total(void *ctx, const struct store_settle_total *t)
{
	(void)t;
	++*(size_t *)ctx;
	return 0;
}

/* The close in parts of two transactions killed (in a child) at step n, then looked at: the
 * day not closed, no totals, the ledger sound, each line once. */
static void killed_at(struct fixture *f, enum settle_step step, size_t n)
{
	struct settle_close_result r;
	struct store_settle_day d;
	struct settle_fixture_lines ls = {0};
	size_t totals = 0;
	int status;
	pid_t pid;

	store_close(f->fx.s);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		store *s;
		struct settle_close_params p = f->fx.p;
		struct fault at = {step, n};

		p.progress = die, p.ctx = &at;
		if (store_open(settle_fixture_path(&f->fx), &s) != STORE_OK)
			_exit(1);
		settle_close(s, &p, D, &r);
		_exit(2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 9);
	settle_fixture_reopen(&f->fx);
	if (store_settle_day_get(f->fx.s, "2026-12-04", &d) == STORE_OK)
		assert_int_equal(d.state, STORE_SETTLE_OPEN);
	assert_int_equal(
	    store_settle_lines(f->fx.s, "2026-12-04", settle_fixture_collect_line, &ls), STORE_OK);
	assert_true(ls.n <= 8);
	assert_int_equal(store_settle_totals(f->fx.s, "2026-12-04", count_total, &totals),
	                 STORE_OK);
	assert_int_equal(totals, 0);
	settle_fixture_ledger_sound(f->fx.s);
}

/* Killed inside the first part (nothing of it stays), between parts, inside a later part and
 * inside the final transaction, each run again from where the last left it; then to its end:
 * the same as a clean close. */
static void crash(void **state)
{
	struct fixture *f = *state;
	struct settle_close_result r;

	day(f->fx.s);
	f->fx.p.part = 2;
	killed_at(f, SETTLE_STEP_ITEM, 1);
	killed_at(f, SETTLE_STEP_PART, 1);
	killed_at(f, SETTLE_STEP_ITEM, 2);
	killed_at(f, SETTLE_STEP_PART, 2);
	killed_at(f, SETTLE_STEP_FINAL, 0);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	assert_false(r.already);
	assert_int_equal(r.lines, 8);
	check_day(f->fx.s, 730);
}

/* A big day in parts of two: the same lines, totals and postings as in one. */
static void parts(void **state)
{
	struct fixture *f = *state;
	struct settle_close_result r;

	day(f->fx.s);
	f->fx.p.part = 2;
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	assert_int_equal(r.lines, 8);
	assert_int_equal(r.merchants, 2);
	assert_true(r.parts >= 5);
	check_day(f->fx.s, 730);
}

/* A run while another's lease runs is refused (SETTLE_EBUSY, who holds it) while its owner's
 * process runs (this one's, of another kind), on both engines; once its owner is a process
 * gone (a pid of this machine no longer running: on PostgreSQL no connection holds its lock),
 * taken over at once. */
static void busy(void **state)
{
	struct fixture *f = *state;
	struct store_settle_day other = {.date = "2026-12-04", .until = time(NULL) + 600};
	struct settle_close_result r;

	day(f->fx.s);
	store_lease_holder("other", other.owner);
	assert_int_equal(store_settle_lease(f->fx.s, &other, time(NULL)), STORE_OK);
	f->fx.p.owner = "admin:this:2:1";
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_EBUSY);
	assert_string_equal(r.holder, other.owner);
	store_fixture_gone_holder("admin", other.owner, sizeof other.owner);
	assert_int_equal(store_settle_day_put(f->fx.s, &other), STORE_OK);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	check_day(f->fx.s, 730);
}

/* The next day to close: the latest due before any close; after one, the first day with
 * transactions after it, then the next; the latest due once they are closed. */
static void next_day(void **state)
{
	struct fixture *f = *state;
	struct settle_close_result r;
	int32_t next;

	settle_fixture_txn(f->fx.s, M1, "purchase", 10000, CREDIT, "2026-12-02", 0);
	settle_fixture_txn(f->fx.s, M1, "purchase", 10000, CREDIT, "2026-12-04", 0);
	settle_fixture_txn(f->fx.s, M1, "purchase", 10000, CREDIT, "2026-12-05", 0);
	f->fx.p.now = DEC04_2026 + 3 * DAY; /* Dec 7, 08:00 in Beijing: the 6th is due */
	assert_int_equal(settle_close_next(f->fx.s, &f->fx.p, &next), SETTLE_OK);
	assert_int_equal(next, 20261206);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, 20261203, &r), SETTLE_OK);
	assert_int_equal(settle_close_next(f->fx.s, &f->fx.p, &next), SETTLE_OK);
	assert_int_equal(next, D);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	assert_int_equal(settle_close_next(f->fx.s, &f->fx.p, &next), SETTLE_OK);
	assert_int_equal(next, 20261205);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, 20261205, &r), SETTLE_OK);
	assert_int_equal(settle_close_next(f->fx.s, &f->fx.p, &next), SETTLE_OK);
	assert_int_equal(next, 20261206);
}

/* A merchant's own plan over the defaults: debit 0.50% capped at 10.00, credit 1.00%. */
static void own_plan(void **state)
{
	struct fixture *f = *state;
	struct store_merchant_app app = {
	    .state = 1, .mid = M1, .fee_credit_bp = 100, .fee_debit_bp = 50, .fee_debit_cap = 1000};
	struct settle_close_result r;
	struct settle_fixture_lines ls = {0};

	assert_int_equal(store_merchant_app_insert(f->fx.s, &app), STORE_OK);
	settle_fixture_txn(f->fx.s, M1, "purchase", 300000, DEBIT, "2026-12-04",
	                   0); /* 15.00: 10.00 */
	settle_fixture_txn(f->fx.s, M1, "purchase", 100000, DEBIT, "2026-12-04", 0); /* 5.00 */
	settle_fixture_txn(f->fx.s, M1, "purchase", 12345, CREDIT, "2026-12-04",
	                   0); /* 1.2345: 1.23 */
	settle_fixture_txn(f->fx.s, M2, "purchase", 12345, CREDIT, "2026-12-04",
	                   0); /* defaults: 0.7407: 0.74 */
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	assert_int_equal(
	    store_settle_lines(f->fx.s, "2026-12-04", settle_fixture_collect_line, &ls), STORE_OK);
	assert_int_equal(ls.n, 4);
	expect_line(&ls.l[0], M1, "purchase", "debit", 300000, 1000);
	expect_line(&ls.l[1], M1, "purchase", "debit", 100000, 500);
	expect_line(&ls.l[2], M1, "purchase", "credit", 12345, 123);
	expect_line(&ls.l[3], M2, "purchase", "credit", 12345, 74);
	settle_fixture_ledger_sound(f->fx.s);
}

/* The issuer's ledger transfer and decision for a transaction: the card pays (debit, or a
 * hold when timeout > 0) or is paid back. Returns the decision's id. */
static int64_t issued(store *s, int64_t card, int64_t settlement, bool debit, int64_t amount,
                      int64_t timeout, ledger_id *id)
{
	struct ledger_transfer t = {.debit_account = debit ? card : settlement,
	                            .credit_account = debit ? settlement : card,
	                            .amount = amount,
	                            .currency = 156,
	                            .flags = timeout > 0 ? LEDGER_PENDING : 0,
	                            .timeout = timeout,
	                            .code = 1};
	struct store_decision d = {.at = DEC04_2026, .amount = amount, .currency = 156};

	assert_int_equal(ledger_id_new(&t.id), LEDGER_OK);
	assert_int_equal(ledger_transfer_create(s, &t, DEC04_2026, NULL), LEDGER_OK);
	memcpy(d.transfer_id, t.id.b, sizeof d.transfer_id);
	snprintf(d.rc, sizeof d.rc, "00");
	assert_int_equal(store_decision_insert(s, &d), STORE_OK);
	if (id != NULL)
		*id = t.id;
	return d.id;
}

/* A ledger account's debits less credits posted. */
static int64_t debit_balance(store *s, int64_t id)
{
	struct ledger_account a;

	assert_int_equal(ledger_account_get(s, id, &a), LEDGER_OK);
	return a.debits_posted - a.credits_posted;
}

/* The issuer's receivable cleared against what the issuer posted for the day's transactions
 * (a purchase it took 10.00 less of: the 10.00 stays visible in receivable:local), and the
 * open pre-authorization's hold, past its timeout, released by the close. */
static void issuer_cleared(void **state)
{
	struct fixture *f = *state;
	struct ledger_account acct = {.code = "card", .currency = 156};
	struct ledger_transfer hold;
	struct settle_close_result r;
	int64_t card, settlement, receivable, p1;
	ledger_id hold_id;

	assert_int_equal(ledger_account_create(f->fx.s, &acct, DEC04_2026, &card), LEDGER_OK);
	snprintf(acct.code, sizeof acct.code, "settlement");
	assert_int_equal(ledger_account_create(f->fx.s, &acct, DEC04_2026, &settlement), LEDGER_OK);
	p1 = txn_decided(f->fx.s, M1, "purchase", 100000, DEBIT, "2026-12-04", 0,
	                 issued(f->fx.s, card, settlement, true, 100000, 0, NULL));
	/* The issuer took 10.00 less of this one. */
	txn_decided(f->fx.s, M2, "purchase", 50000, CREDIT, "2026-12-04", 0,
	            issued(f->fx.s, card, settlement, true, 49000, 0, NULL));
	txn_decided(f->fx.s, M1, "refund", 20000, DEBIT, "2026-12-04", p1,
	            issued(f->fx.s, card, settlement, false, 20000, 0, NULL));
	txn_decided(f->fx.s, M1, "preauth", 80000, CREDIT, "2026-12-04", 0,
	            issued(f->fx.s, card, settlement, true, 80000, DAY, &hold_id));
	f->fx.p.issuer_account = settlement;
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	assert_int_equal(r.lines, 3);
	assert_int_equal(r.expired, 1);
	assert_int_equal(ledger_transfer_get(f->fx.s, &hold_id, &hold), LEDGER_OK);
	assert_int_equal(hold.state, LEDGER_STATE_EXPIRED);
	assert_int_equal(store_settle_account_get(f->fx.s, "receivable:local", &receivable),
	                 STORE_OK);
	/* 1,500.00 gross less 200.00 refunded less the 1,290.00 the issuer posted. */
	assert_int_equal(debit_balance(f->fx.s, receivable), 1000);
	assert_int_equal(debit_balance(f->fx.s, settlement), 129000 - 129000);
	settle_fixture_ledger_sound(f->fx.s);
	/* Run again: closed before, nothing posted twice. */
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	assert_true(r.already);
	assert_int_equal(debit_balance(f->fx.s, receivable), 1000);
}

/* A follow-up of row original of settlement date date (kind 1: its reversal, type
 * "reversal"), of the original's merchant, terminal, card and amount (amount, when not 0),
 * decided by decision; the original's row marked as the acquirer marks it (record.c). */
static int64_t follow(store *s, int kind, const char *type, int64_t original, int64_t amount,
                      const char *date, int64_t decision)
{
	static unsigned stan = 500000;
	struct store_acq_txn o, t, first;

	assert_int_equal(store_acq_txn_get(s, original, &o), STORE_OK);
	t = o;
	t.kind = kind, t.original_id = original, t.decision_id = decision;
	t.amount = amount != 0 ? amount : o.amount;
	t.reversed = false, t.voided = false, t.refunded = 0;
	snprintf(t.stan, sizeof t.stan, "%06u", ++stan % 1000000u);
	snprintf(t.type, sizeof t.type, "%s", type);
	snprintf(t.settle_date, sizeof t.settle_date, "%s", date);
	assert_int_equal(store_acq_txn_insert(s, &t), STORE_OK);
	if (kind == 1 && o.original_id != 0 && strcmp(o.type, "purchase") != 0 &&
	    strcmp(o.type, "completion") != 0) {
		assert_int_equal(store_acq_txn_get(s, o.original_id, &first), STORE_OK);
		mark(s, first.id, first.reversed, strcmp(o.type, "refund") == 0 && first.voided,
		     first.refunded - (strcmp(o.type, "refund") == 0 ? o.amount : 0));
	}
	if (kind == 1)
		mark(s, original, true, o.voided, o.refunded);
	else if (strcmp(type, "refund") == 0)
		mark(s, original, o.reversed, o.voided, o.refunded + t.amount);
	else
		mark(s, original, o.reversed, true, o.refunded);
	return t.id;
}

/* Line txn_id of date: mid M1's, of type, product, amount, fee and original. */
static void expect_counter(store *s, int64_t txn_id, const char *date, const char *type,
                           const char *product, int64_t amount, int64_t fee, int64_t original)
{
	struct store_settle_line l;

	assert_int_equal(store_settle_line_get(s, txn_id, &l), STORE_OK);
	assert_string_equal(l.date, date);
	assert_string_equal(l.mid, M1);
	assert_string_equal(l.tid, "T0000001");
	assert_string_equal(l.type, type);
	assert_string_equal(l.product, product);
	assert_string_equal(l.channel, "card");
	assert_int_equal(l.amount, amount);
	assert_int_equal(l.fee, fee);
	assert_int_equal(l.net, amount - fee);
	assert_int_equal(l.original_id, original);
}

/* Merchant M1's total of date: count, amount, fees. */
static void expect_m1(store *s, const char *date, int64_t count, int64_t amount, int64_t fees)
{
	struct settle_fixture_totals ts = {0};

	assert_int_equal(store_settle_totals(s, date, settle_fixture_collect_total, &ts), STORE_OK);
	assert_int_equal(ts.n, 1);
	assert_string_equal(ts.t[0].mid, M1);
	assert_int_equal(ts.t[0].count, count);
	assert_int_equal(ts.t[0].amount, amount);
	assert_int_equal(ts.t[0].fees, fees);
	assert_int_equal(ts.t[0].net, amount - fees);
}

/* The issuer's accounts of a late test: a card and its settlement account. */
static void issuer_accounts(struct fixture *f, int64_t *card, int64_t *settlement)
{
	struct ledger_account acct = {.code = "card", .currency = 156};

	assert_int_equal(ledger_account_create(f->fx.s, &acct, DEC04_2026, card), LEDGER_OK);
	snprintf(acct.code, sizeof acct.code, "settlement");
	assert_int_equal(ledger_account_create(f->fx.s, &acct, DEC04_2026, settlement), LEDGER_OK);
	f->fx.p.issuer_account = *settlement;
}

/* receivable:local's balance: left (0: it nets to zero). */
static void receivable_left(store *s, int64_t left)
{
	int64_t receivable;

	assert_int_equal(store_settle_account_get(s, "receivable:local", &receivable), STORE_OK);
	assert_int_equal(debit_balance(s, receivable), left);
}

/* The close of date in a child killed once its first part is committed (parts of one). */
static void killed_after_part(struct fixture *f, int32_t date)
{
	int status;
	pid_t pid;

	store_close(f->fx.s);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct settle_close_params p = f->fx.p;
		struct fault at = {SETTLE_STEP_PART, 1};
		struct settle_close_result r;
		store *s;

		p.progress = die, p.ctx = &at, p.part = 1;
		if (store_open(settle_fixture_path(&f->fx), &s) != STORE_OK)
			_exit(1);
		settle_close(s, &p, date, &r);
		_exit(2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 9);
	settle_fixture_reopen(&f->fx);
}

/* A purchase closed on the 4th, reversed after the close (the reversal dated the 5th, as the
 * issuer gave its money back): the 5th's close writes its counter-line, the whole fee given
 * back, the payable back to zero, the receivable cleared; a close of the 5th killed and run
 * again, and run once more, writes it once. */
static void late_reversal(void **state)
{
	struct fixture *f = *state;
	struct settle_close_result r;
	struct settle_fixture_lines ls = {0};
	int64_t card, settlement, p1, p2, rev;

	issuer_accounts(f, &card, &settlement);
	p1 = txn_decided(f->fx.s, M1, "purchase", 100000, DEBIT, "2026-12-04", 0,
	                 issued(f->fx.s, card, settlement, true, 100000, 0, NULL));
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	assert_int_equal(r.lines, 1);
	rev = follow(f->fx.s, 1, "reversal", p1, 0, "2026-12-05",
	             issued(f->fx.s, card, settlement, false, 100000, 0, NULL));
	p2 = settle_fixture_txn(f->fx.s, M1, "purchase", 20000, CREDIT, "2026-12-05",
	                        0); /* fee 1.20 */
	killed_after_part(f, 20261205);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, 20261205, &r), SETTLE_OK);
	assert_int_equal(r.lines, 2);
	expect_counter(f->fx.s, rev, "2026-12-05", "reversal", "debit", -100000, -550, p1);
	expect_counter(f->fx.s, p2, "2026-12-05", "purchase", "credit", 20000, 120, 0);
	expect_m1(f->fx.s, "2026-12-05", 2, -80000, -430);
	/* Σ net of both days: the reversed purchase nothing, the other 200.00 less 1.20. */
	assert_int_equal(payable(f->fx.s, M1), 20000 - 120);
	settle_fixture_ledger_sound(f->fx.s);
	/* The reversal's money back cleared against its counter-line: p2 is another issuer's
	 * in this test, its 200.00 stays. */
	receivable_left(f->fx.s, 20000);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, 20261205, &r), SETTLE_OK);
	assert_true(r.already);
	assert_int_equal(
	    store_settle_lines(f->fx.s, "2026-12-05", settle_fixture_collect_line, &ls), STORE_OK);
	assert_int_equal(ls.n, 2);
	/* Nothing of it on a later day. */
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, 20261206, &r), SETTLE_OK);
	assert_int_equal(r.lines, 0);
}

/* A purchase and a completion closed on the 4th, voided on the 5th: each void's counter-line,
 * the receivable cleared against the issuer's money back. */
static void late_void(void **state)
{
	struct fixture *f = *state;
	struct settle_close_result r;
	int64_t card, settlement, p1, pre, c1, v1, v2;

	issuer_accounts(f, &card, &settlement);
	p1 = txn_decided(f->fx.s, M1, "purchase", 100000, DEBIT, "2026-12-04", 0,
	                 issued(f->fx.s, card, settlement, true, 100000, 0, NULL));
	pre = settle_fixture_txn(f->fx.s, M1, "preauth", 40000, CREDIT, "2026-12-04", 0);
	c1 = txn_decided(f->fx.s, M1, "completion", 30000, CREDIT, "2026-12-04", pre,
	                 issued(f->fx.s, card, settlement, true, 30000, 0, NULL));
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	assert_int_equal(r.lines, 2);
	v1 = follow(f->fx.s, 0, "void", p1, 0, "2026-12-05",
	            issued(f->fx.s, card, settlement, false, 100000, 0, NULL));
	v2 = follow(f->fx.s, 0, "completion_void", c1, 0, "2026-12-05",
	            issued(f->fx.s, card, settlement, false, 30000, 0, NULL));
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, 20261205, &r), SETTLE_OK);
	assert_int_equal(r.lines, 2);
	expect_counter(f->fx.s, v1, "2026-12-05", "void", "debit", -100000, -550, p1);
	expect_counter(f->fx.s, v2, "2026-12-05", "completion_void", "credit", -30000, -180, c1);
	expect_m1(f->fx.s, "2026-12-05", 2, -130000, -730);
	assert_int_equal(payable(f->fx.s, M1), 0);
	settle_fixture_ledger_sound(f->fx.s);
	receivable_left(f->fx.s, 0);
}

/* Reversals arriving between two parts of the 4th's close (parts of one): of a purchase whose
 * line was written (it gets its counter-line on the 5th) and of one not yet reached (no line,
 * no counter-line): each settles exactly once or not at all. */
struct between {
	store *s;
	int64_t first, last, rev_first, rev_last;
};

static void reverse_between(void *ctx, enum settle_step step, size_t done, size_t total)
{
	struct between *b = ctx;

	(void)done, (void)total;
	if (step != SETTLE_STEP_PART || b->rev_first != 0)
		return;
	b->rev_first = follow(b->s, 1, "reversal", b->first, 0, "2026-12-05", 0);
	b->rev_last = follow(b->s, 1, "reversal", b->last, 0, "2026-12-05", 0);
}

static void late_between_parts(void **state)
{
	struct fixture *f = *state;
	struct between b = {.s = f->fx.s};
	struct settle_close_result r;
	struct store_settle_line l;
	int64_t mid;

	b.first = settle_fixture_txn(f->fx.s, M1, "purchase", 100000, DEBIT, "2026-12-04", 0);
	mid = settle_fixture_txn(f->fx.s, M1, "purchase", 20000, CREDIT, "2026-12-04", 0);
	b.last = settle_fixture_txn(f->fx.s, M1, "purchase", 30000, CREDIT, "2026-12-04", 0);
	f->fx.p.part = 1, f->fx.p.progress = reverse_between, f->fx.p.ctx = &b;
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	assert_int_not_equal(b.rev_first, 0);
	assert_int_equal(r.lines, 2); /* first and mid: last was reversed before its part */
	assert_int_equal(store_settle_line_get(f->fx.s, b.last, &l), STORE_ENOTFOUND);
	f->fx.p.progress = NULL;
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, 20261205, &r), SETTLE_OK);
	assert_int_equal(r.lines, 1);
	expect_counter(f->fx.s, b.rev_first, "2026-12-05", "reversal", "debit", -100000, -550,
	               b.first);
	assert_int_equal(store_settle_line_get(f->fx.s, b.rev_last, &l), STORE_ENOTFOUND);
	assert_int_equal(store_settle_line_get(f->fx.s, mid, &l), STORE_OK);
	assert_int_equal(payable(f->fx.s, M1), 20000 - 120);
	settle_fixture_ledger_sound(f->fx.s);
}

/* Refunds undone: a partial refund of a capped debit purchase (4.00 of its 20.00 fee given
 * back) reversed on the 5th, its line undone exactly; the purchase reversed on the 6th, all it
 * still settles cancelled. A purchase partly refunded then reversed: what it still settled. */
static void late_refund(void **state)
{
	struct fixture *f = *state;
	struct settle_close_result r;
	int64_t p1, f1, p2, f2, r1, r2, r3;

	p1 = settle_fixture_txn(f->fx.s, M1, "purchase", 500000, DEBIT, "2026-12-04",
	                        0); /* fee 20.00 */
	f1 = settle_fixture_txn(f->fx.s, M1, "refund", 100000, DEBIT, "2026-12-04",
	                        p1); /* returns 4.00 */
	mark(f->fx.s, p1, false, false, 100000);
	p2 = settle_fixture_txn(f->fx.s, M1, "purchase", 300000, CREDIT, "2026-12-04",
	                        0); /* fee 18.00 */
	f2 = settle_fixture_txn(f->fx.s, M1, "refund", 100000, CREDIT, "2026-12-04",
	                        p2); /* returns 6.00 */
	mark(f->fx.s, p2, false, false, 100000);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	assert_int_equal(r.lines, 4);
	r1 = follow(f->fx.s, 1, "reversal", f1, 0, "2026-12-05", 0);
	r2 = follow(f->fx.s, 1, "reversal", p2, 200000, "2026-12-05", 0);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, 20261205, &r), SETTLE_OK);
	assert_int_equal(r.lines, 2);
	expect_counter(f->fx.s, r1, "2026-12-05", "reversal", "debit", 100000, 400, f1);
	expect_counter(f->fx.s, r2, "2026-12-05", "reversal", "credit", -200000, -1200, p2);
	expect_m1(f->fx.s, "2026-12-05", 2, -100000, -800);
	r3 = follow(f->fx.s, 1, "reversal", p1, 0, "2026-12-06", 0);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, 20261206, &r), SETTLE_OK);
	expect_counter(f->fx.s, r3, "2026-12-06", "reversal", "debit", -500000, -2000, p1);
	/* Both purchases wholly undone: nothing owed, no fee. */
	assert_int_equal(payable(f->fx.s, M1), 0);
	settle_fixture_ledger_sound(f->fx.s);
	(void)f2;
}

/* A void reversed after its counter-line was written settles its purchase again; a purchase
 * voided, then reversed as well, is cancelled once. */
static void late_void_reversed(void **state)
{
	struct fixture *f = *state;
	struct settle_close_result r;
	struct store_settle_line l;
	int64_t p1, v1, r1, p2, v2, r2;

	p1 = settle_fixture_txn(f->fx.s, M1, "purchase", 100000, DEBIT, "2026-12-04", 0);
	p2 = settle_fixture_txn(f->fx.s, M1, "purchase", 20000, CREDIT, "2026-12-04", 0);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	v1 = follow(f->fx.s, 0, "void", p1, 0, "2026-12-05", 0);
	v2 = follow(f->fx.s, 0, "void", p2, 0, "2026-12-05", 0);
	r2 = follow(f->fx.s, 1, "reversal", p2, 0, "2026-12-05", 0);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, 20261205, &r), SETTLE_OK);
	assert_int_equal(r.lines, 2);
	expect_counter(f->fx.s, v1, "2026-12-05", "void", "debit", -100000, -550, p1);
	expect_counter(f->fx.s, v2, "2026-12-05", "void", "credit", -20000, -120, p2);
	assert_int_equal(store_settle_line_get(f->fx.s, r2, &l), STORE_ENOTFOUND);
	r1 = follow(f->fx.s, 1, "reversal", v1, 0, "2026-12-06", 0);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, 20261206, &r), SETTLE_OK);
	expect_counter(f->fx.s, r1, "2026-12-06", "reversal", "debit", 100000, 550, v1);
	assert_int_equal(payable(f->fx.s, M1), 100000 - 550);
	settle_fixture_ledger_sound(f->fx.s);
}

/* A purchase voided on its own day (no line), the void reversed after the day closed: the
 * purchase settles on the reversal's day, as itself, once; voided again later, its
 * counter-line. */
static void late_void_undone(void **state)
{
	struct fixture *f = *state;
	struct settle_close_result r;
	struct store_settle_line l;
	int64_t p1, v1, r1, v2;

	p1 = settle_fixture_txn(f->fx.s, M1, "purchase", 100000, DEBIT, "2026-12-04", 0);
	v1 = follow(f->fx.s, 0, "void", p1, 0, "2026-12-04", 0);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r), SETTLE_OK);
	assert_int_equal(r.lines, 0);
	r1 = follow(f->fx.s, 1, "reversal", v1, 0, "2026-12-05", 0);
	f->fx.p.part = 1;
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, 20261205, &r), SETTLE_OK);
	assert_int_equal(r.lines, 1);
	expect_counter(f->fx.s, p1, "2026-12-05", "purchase", "debit", 100000, 550, 0);
	assert_int_equal(store_settle_line_get(f->fx.s, r1, &l), STORE_ENOTFOUND);
	expect_m1(f->fx.s, "2026-12-05", 1, 100000, 550);
	v2 = follow(f->fx.s, 0, "void", p1, 0, "2026-12-06", 0);
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, 20261206, &r), SETTLE_OK);
	assert_int_equal(r.lines, 1);
	expect_counter(f->fx.s, v2, "2026-12-06", "void", "debit", -100000, -550, p1);
	assert_int_equal(payable(f->fx.s, M1), 0);
	settle_fixture_ledger_sound(f->fx.s);
}

/* The lease: one owner at a time until it runs out; none on a closed day. */
static void lease(void **state)
{
	struct fixture *f = *state;
	struct store_settle_day a = {.date = "2026-12-04", .owner = "host:a:1", .until = 1300};
	struct store_settle_day b = {.date = "2026-12-04", .owner = "host:b:2", .until = 1400};
	struct settle_close_result r;

	assert_int_equal(store_settle_lease(f->fx.s, &a, 1000), STORE_OK);
	assert_int_equal(store_settle_lease(f->fx.s, &b, 1100), STORE_EEXIST);
	a.until = 1500; /* renewed by its owner */
	assert_int_equal(store_settle_lease(f->fx.s, &a, 1200), STORE_OK);
	assert_int_equal(store_settle_lease(f->fx.s, &b, 1499), STORE_EEXIST);
	b.until = 1800;
	assert_int_equal(store_settle_lease(f->fx.s, &b, 1500), STORE_OK); /* a's ran out */
	assert_int_equal(settle_close(f->fx.s, &f->fx.p, D, &r),
	                 SETTLE_OK); /* a leased day closes */
	assert_false(r.already);
	b.until = 99999;
	assert_int_equal(store_settle_lease(f->fx.s, &b, 2000), STORE_EEXIST);
	assert_int_equal(store_settle_lease(f->fx.s, &a, 99999), STORE_EEXIST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(close_return, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(close_keep, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(cutoff, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(crash, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(own_plan, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(lease, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(issuer_cleared, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(parts, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(busy, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(next_day, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(late_reversal, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(late_void, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(late_between_parts, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(late_refund, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(late_void_reversed, setup, settle_fixture_free),
	    cmocka_unit_test_setup_teardown(late_void_undone, setup, settle_fixture_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
