/* test_ledger.c — the ledger through ledger.h, a path at a time: ids; accounts; plain and
 * pending transfers, posts whole and partial, voids, expiry; retries (LEDGER_EXISTS) against
 * different transfers under one id; both kinds of limit, a credit line among them; every
 * refusal (currency, same account, unknown accounts, overflow, resolved twice) changing
 * nothing; joining the caller's transaction; and the check clean after each. */
#include "ledger/ledger_fixture.h"

#include <string.h>
#include <time.h>

#define CNY 156
#define USD 840

static struct ledger_transfer plain(uint64_t id, int64_t debit, int64_t credit, int64_t amount)
{
	return (struct ledger_transfer){.id = test_id(id),
	                                .debit_account = debit,
	                                .credit_account = credit,
	                                .amount = amount,
	                                .currency = CNY,
	                                .code = 1};
}

static struct ledger_transfer pending(uint64_t id, int64_t debit, int64_t credit, int64_t amount,
                                      int64_t timeout)
{
	struct ledger_transfer t = plain(id, debit, credit, amount);

	t.flags = LEDGER_PENDING;
	t.timeout = timeout;
	return t;
}

/* A post (flags LEDGER_POST) or void of pending transfer p, everything else defaulted. */
static struct ledger_transfer resolving(uint64_t id, uint32_t flags, uint64_t p, int64_t amount)
{
	return (struct ledger_transfer){
	    .id = test_id(id), .flags = flags, .pending_id = test_id(p), .amount = amount};
}

static struct ledger_account account(store *s, int64_t id)
{
	struct ledger_account a;

	assert_int_equal(ledger_account_get(s, id, &a), LEDGER_OK);
	return a;
}

static void assert_sums(store *s, int64_t id, int64_t dp, int64_t dpo, int64_t cp, int64_t cpo)
{
	struct ledger_account a = account(s, id);

	assert_int_equal(a.debits_pending, dp);
	assert_int_equal(a.debits_posted, dpo);
	assert_int_equal(a.credits_pending, cp);
	assert_int_equal(a.credits_posted, cpo);
}

static void assert_clean(store *s)
{
	struct ledger_report r;
	struct test_violations v = {0};

	if (test_check(s, &r, &v) != 0)
		fail_msg("check: %s", v.last);
}

static int create(store *s, struct ledger_transfer t, int64_t now)
{
	return ledger_transfer_create(s, &t, now, NULL);
}

static void ids(void **state)
{
	ledger_id a, b, c;
	struct timespec ts;
	uint64_t ms, at = 0;
	char hex[33];

	(void)state;
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &ts), 0);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	assert_int_equal(ledger_id_new(&a), LEDGER_OK);
	assert_int_equal(ledger_id_new(&b), LEDGER_OK);
	assert_false(ledger_id_is_zero(&a));
	assert_memory_not_equal(a.b, b.b, 16);
	/* RFC 9562 5.7: the time first, then version 7 and variant 10. */
	for (int i = 0; i < 6; i++)
		at = at << 8 | a.b[i];
	assert_true(at >= ms && at < ms + 60000);
	assert_int_equal(a.b[6] >> 4, 7);
	assert_int_equal(b.b[8] >> 6, 2);
	/* Made later, sorted later: the table's order is the time's. */
	do
		assert_int_equal(ledger_id_new(&c), LEDGER_OK);
	while (memcmp(c.b, a.b, 6) == 0);
	assert_true(memcmp(c.b, a.b, 16) > 0);

	assert_int_equal(ledger_id_parse("ba7816bf8f01cfea414140de5dae2223", &a), LEDGER_OK);
	ledger_id_hex(&a, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223");
	assert_int_equal(ledger_id_parse("BA7816BF8F01CFEA414140DE5DAE2223", &c), LEDGER_OK);
	assert_memory_equal(a.b, c.b, 16);

	assert_int_equal(ledger_id_parse("00000000000000000000000000000000", &a), LEDGER_EARG);
	assert_int_equal(ledger_id_parse("ba7816bf8f01cfea414140de5dae222", &a), LEDGER_EARG);
	assert_int_equal(ledger_id_parse("ba7816bf8f01cfea414140de5dae22230", &a), LEDGER_EARG);
	assert_int_equal(ledger_id_parse("zz7816bf8f01cfea414140de5dae2223", &a), LEDGER_EARG);
	assert_int_equal(ledger_id_parse(NULL, &a), LEDGER_EARG);
	assert_int_equal(ledger_id_new(NULL), LEDGER_EARG);
}

static void accounts(void **state)
{
	struct store_fixture *f = *state;
	struct ledger_account a = {
	    .code = "card", .currency = CNY, .flags = LEDGER_DEBITS_LIMITED, .limit = 500};
	int64_t id, id2;

	assert_int_equal(ledger_account_create(f->s, &a, 1234, &id), LEDGER_OK);
	assert_int_equal(ledger_account_create(f->s, &a, 1234, &id2), LEDGER_OK);
	assert_true(id > 0 && id2 != id);
	a = account(f->s, id);
	assert_string_equal(a.code, "card");
	assert_int_equal(a.currency, CNY);
	assert_int_equal(a.flags, LEDGER_DEBITS_LIMITED);
	assert_int_equal(a.limit, 500);
	assert_int_equal(a.created_at, 1234);
	assert_int_equal(ledger_available(&a), 500);
	assert_int_equal(ledger_account_get(f->s, 9999, &a), LEDGER_ENOACCOUNT);

	struct ledger_account bad[] = {
	    {.code = "", .currency = CNY},
	    {.code = "x", .currency = 0},
	    {.code = "x", .currency = 1000},
	    {.code = "x", .currency = CNY, .flags = 0x4},
	    {.code = "x", .currency = CNY, .limit = -1},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(ledger_account_create(f->s, &bad[i], 0, &id), LEDGER_EARG);
	assert_int_equal(ledger_account_create(f->s, NULL, 0, &id), LEDGER_EARG);
}

static void plain_transfer(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = test_account(f->s, CNY, 0, 0), b = test_account(f->s, CNY, 0, 0);
	struct ledger_transfer t = plain(1, a, b, 250), out, got;

	assert_int_equal(ledger_transfer_create(f->s, &t, 5000, &out), LEDGER_OK);
	assert_int_equal(out.created_at, 5000);
	assert_int_equal(out.state, LEDGER_STATE_NONE);
	assert_sums(f->s, a, 0, 250, 0, 0);
	assert_sums(f->s, b, 0, 0, 0, 250);
	assert_int_equal(ledger_transfer_get(f->s, &t.id, &got), LEDGER_OK);
	assert_memory_equal(&got, &out, sizeof got);
	assert_int_equal(ledger_transfer_get(f->s, &(ledger_id){{1}}, &got), LEDGER_ENOPENDING);
	assert_clean(f->s);
}

static void retries(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = test_account(f->s, CNY, 0, 0), b = test_account(f->s, CNY, 0, 0);
	struct ledger_transfer t = plain(1, a, b, 250), out;

	assert_int_equal(create(f->s, t, 100), LEDGER_OK);
	/* The same request later: a retry, nothing new, the stored transfer (first time). */
	assert_int_equal(ledger_transfer_create(f->s, &t, 200, &out), LEDGER_EXISTS);
	assert_int_equal(out.created_at, 100);
	assert_sums(f->s, a, 0, 250, 0, 0);

	struct ledger_transfer other = t;
	other.amount = 251;
	assert_int_equal(create(f->s, other, 200), LEDGER_EEXISTS_DIFFERENT);
	other = t;
	other.code = 2;
	assert_int_equal(create(f->s, other, 200), LEDGER_EEXISTS_DIFFERENT);
	other = t;
	other.credit_account = a;
	other.debit_account = b;
	assert_int_equal(create(f->s, other, 200), LEDGER_EEXISTS_DIFFERENT);
	other = t;
	other.flags = LEDGER_PENDING;
	assert_int_equal(create(f->s, other, 200), LEDGER_EEXISTS_DIFFERENT);
	assert_sums(f->s, a, 0, 250, 0, 0);
	assert_clean(f->s);
}

static void pending_post_whole(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = test_account(f->s, CNY, 0, 0), b = test_account(f->s, CNY, 0, 0);
	struct ledger_transfer out, p;

	assert_int_equal(create(f->s, pending(1, a, b, 300, 0), 100), LEDGER_OK);
	assert_sums(f->s, a, 300, 0, 0, 0);
	assert_sums(f->s, b, 0, 0, 300, 0);
	assert_clean(f->s);

	/* Amount 0: the whole of it; accounts and currency from the pending transfer. */
	struct ledger_transfer post = resolving(2, LEDGER_POST, 1, 0);
	assert_int_equal(ledger_transfer_create(f->s, &post, 200, &out), LEDGER_OK);
	assert_int_equal(out.amount, 300);
	assert_int_equal(out.debit_account, a);
	assert_int_equal(out.currency, CNY);
	assert_sums(f->s, a, 0, 300, 0, 0);
	assert_sums(f->s, b, 0, 0, 0, 300);
	assert_int_equal(ledger_transfer_get(f->s, &post.pending_id, &p), LEDGER_OK);
	assert_int_equal(p.state, LEDGER_STATE_POSTED);
	assert_int_equal(p.posted_amount, 300);

	/* The post again: a retry. Another post or a void of it: resolved already. */
	assert_int_equal(create(f->s, post, 300), LEDGER_EXISTS);
	post.amount = 300;
	assert_int_equal(create(f->s, post, 300), LEDGER_EXISTS);
	post.amount = 100;
	assert_int_equal(create(f->s, post, 300), LEDGER_EEXISTS_DIFFERENT);
	assert_int_equal(create(f->s, resolving(3, LEDGER_POST, 1, 0), 300), LEDGER_ERESOLVED);
	assert_int_equal(create(f->s, resolving(4, LEDGER_VOID, 1, 0), 300), LEDGER_ERESOLVED);
	assert_sums(f->s, a, 0, 300, 0, 0);
	assert_clean(f->s);
}

static void pending_post_partial(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = test_account(f->s, CNY, 0, 0), b = test_account(f->s, CNY, 0, 0);
	struct ledger_transfer p;

	assert_int_equal(create(f->s, pending(1, a, b, 300, 0), 100), LEDGER_OK);
	assert_int_equal(create(f->s, resolving(2, LEDGER_POST, 1, 301), 200), LEDGER_EAMOUNT);
	/* 120 posted, the other 180 released. */
	assert_int_equal(create(f->s, resolving(2, LEDGER_POST, 1, 120), 200), LEDGER_OK);
	assert_sums(f->s, a, 0, 120, 0, 0);
	assert_sums(f->s, b, 0, 0, 0, 120);
	p.id = test_id(1);
	assert_int_equal(ledger_transfer_get(f->s, &p.id, &p), LEDGER_OK);
	assert_int_equal(p.posted_amount, 120);
	assert_clean(f->s);
}

static void pending_void(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = test_account(f->s, CNY, 0, 0), b = test_account(f->s, CNY, 0, 0);
	struct ledger_transfer out, p = resolving(2, LEDGER_VOID, 1, 0);

	assert_int_equal(create(f->s, pending(1, a, b, 300, 0), 100), LEDGER_OK);
	assert_int_equal(ledger_transfer_create(f->s, &p, 200, &out), LEDGER_OK);
	assert_int_equal(out.amount, 300);
	assert_sums(f->s, a, 0, 0, 0, 0);
	assert_sums(f->s, b, 0, 0, 0, 0);
	assert_int_equal(ledger_transfer_get(f->s, &p.pending_id, &p), LEDGER_OK);
	assert_int_equal(p.state, LEDGER_STATE_VOIDED);
	assert_int_equal(create(f->s, resolving(2, LEDGER_VOID, 1, 0), 300), LEDGER_EXISTS);
	assert_int_equal(create(f->s, resolving(3, LEDGER_POST, 1, 0), 300), LEDGER_ERESOLVED);
	assert_clean(f->s);
}

static void resolve_refusals(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = test_account(f->s, CNY, 0, 0), b = test_account(f->s, CNY, 0, 0),
	        c = test_account(f->s, CNY, 0, 0);
	struct ledger_transfer t;

	assert_int_equal(create(f->s, plain(1, a, b, 10), 100), LEDGER_OK);
	assert_int_equal(create(f->s, pending(2, a, b, 10, 0), 100), LEDGER_OK);
	/* Not pending, or no such transfer. */
	assert_int_equal(create(f->s, resolving(3, LEDGER_POST, 1, 0), 100), LEDGER_ENOPENDING);
	assert_int_equal(create(f->s, resolving(3, LEDGER_VOID, 99, 0), 100), LEDGER_ENOPENDING);
	/* Accounts or currency other than the pending transfer's. */
	t = resolving(3, LEDGER_POST, 2, 0);
	t.debit_account = c;
	assert_int_equal(create(f->s, t, 100), LEDGER_EARG);
	t = resolving(3, LEDGER_POST, 2, 0);
	t.currency = USD;
	assert_int_equal(create(f->s, t, 100), LEDGER_ECURRENCY);
	t = resolving(3, LEDGER_POST, 2, 0);
	t.debit_account = t.credit_account = a;
	assert_int_equal(create(f->s, t, 100), LEDGER_ESAMEACCOUNT);
	/* Malformed: no pending id, a timeout on a post. */
	t = resolving(3, LEDGER_POST, 0, 0);
	t.pending_id = (ledger_id){{0}};
	assert_int_equal(create(f->s, t, 100), LEDGER_EARG);
	t = resolving(3, LEDGER_POST, 2, 0);
	t.timeout = 5;
	assert_int_equal(create(f->s, t, 100), LEDGER_EARG);
	assert_sums(f->s, a, 10, 10, 0, 0);
	assert_clean(f->s);
}

static void expiry(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = test_account(f->s, CNY, LEDGER_DEBITS_LIMITED, 100),
	        b = test_account(f->s, CNY, 0, 0);
	struct ledger_transfer p;
	size_t n = 99;

	assert_int_equal(create(f->s, pending(1, a, b, 60, 10), 100), LEDGER_OK);
	assert_int_equal(create(f->s, pending(2, a, b, 40, 0), 100), LEDGER_OK);
	assert_int_equal(create(f->s, pending(3, a, b, 1, 0), 100), LEDGER_EFUNDS);
	assert_int_equal(ledger_expire(f->s, 109, &n), LEDGER_OK);
	assert_int_equal(n, 0);
	/* Past its timeout it can no longer be posted, even before ledger_expire() ran. */
	assert_int_equal(create(f->s, resolving(4, LEDGER_POST, 1, 0), 110), LEDGER_ERESOLVED);
	assert_int_equal(ledger_expire(f->s, 110, &n), LEDGER_OK);
	assert_int_equal(n, 1);
	assert_sums(f->s, a, 40, 0, 0, 0);
	assert_sums(f->s, b, 0, 0, 40, 0);
	p.id = test_id(1);
	assert_int_equal(ledger_transfer_get(f->s, &p.id, &p), LEDGER_OK);
	assert_int_equal(p.state, LEDGER_STATE_EXPIRED);
	assert_int_equal(create(f->s, resolving(4, LEDGER_VOID, 1, 0), 111), LEDGER_ERESOLVED);
	/* The hold released, the room is back. */
	assert_int_equal(create(f->s, pending(3, a, b, 60, 0), 111), LEDGER_OK);
	assert_int_equal(ledger_expire(f->s, INT64_MAX, NULL), LEDGER_OK);
	assert_clean(f->s);
}

/* More pending transfers expire at once than one batch of the expiry holds. */
static void expiry_many(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = test_account(f->s, CNY, 0, 0), b = test_account(f->s, CNY, 0, 0);
	size_t n;

	assert_int_equal(store_begin(f->s), STORE_OK);
	for (uint64_t i = 1; i <= 200; i++)
		assert_int_equal(create(f->s, pending(i, a, b, 1, (int64_t)i), 0), LEDGER_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(ledger_expire(f->s, 150, &n), LEDGER_OK);
	assert_int_equal(n, 150);
	assert_sums(f->s, a, 50, 0, 0, 0);
	assert_int_equal(ledger_expire(f->s, 1000, &n), LEDGER_OK);
	assert_int_equal(n, 50);
	assert_sums(f->s, a, 0, 0, 0, 0);
	assert_clean(f->s);
}

/* A debit card: never below zero. */
static void debits_limited(void **state)
{
	struct store_fixture *f = *state;
	int64_t card = test_account(f->s, CNY, LEDGER_DEBITS_LIMITED, 0),
	        funding = test_account(f->s, CNY, 0, 0), shop = test_account(f->s, CNY, 0, 0);

	assert_int_equal(create(f->s, plain(1, card, shop, 1), 100), LEDGER_EFUNDS);
	assert_int_equal(create(f->s, plain(1, funding, card, 500), 100), LEDGER_OK);
	assert_int_equal(create(f->s, pending(2, card, shop, 300, 0), 100), LEDGER_OK);
	struct ledger_account held = account(f->s, card);
	assert_int_equal(ledger_available(&held), 200);
	assert_int_equal(create(f->s, plain(3, card, shop, 201), 100), LEDGER_EFUNDS);
	assert_int_equal(create(f->s, plain(3, card, shop, 200), 100), LEDGER_OK);
	assert_int_equal(create(f->s, plain(4, card, shop, 1), 100), LEDGER_EFUNDS);
	/* Credits pending do not count: only what is posted may be spent. */
	assert_int_equal(create(f->s, pending(5, funding, card, 50, 0), 100), LEDGER_OK);
	assert_int_equal(create(f->s, plain(6, card, shop, 1), 100), LEDGER_EFUNDS);
	assert_sums(f->s, card, 300, 200, 50, 500);
	assert_clean(f->s);
}

/* A credit card: debits up to the credit line; the line changed. */
static void credit_line(void **state)
{
	struct store_fixture *f = *state;
	int64_t card = test_account(f->s, CNY, LEDGER_DEBITS_LIMITED, 1000),
	        shop = test_account(f->s, CNY, 0, 0);

	assert_int_equal(create(f->s, plain(1, card, shop, 1001), 100), LEDGER_EFUNDS);
	assert_int_equal(create(f->s, plain(1, card, shop, 800), 100), LEDGER_OK);
	assert_int_equal(ledger_account_set_limit(f->s, card, 799), LEDGER_EFUNDS);
	assert_int_equal(ledger_account_set_limit(f->s, card, 800), LEDGER_OK);
	assert_int_equal(create(f->s, plain(2, card, shop, 1), 100), LEDGER_EFUNDS);
	assert_int_equal(ledger_account_set_limit(f->s, card, 2000), LEDGER_OK);
	assert_int_equal(create(f->s, plain(2, card, shop, 1200), 100), LEDGER_OK);
	assert_int_equal(ledger_account_set_limit(f->s, card, -1), LEDGER_EARG);
	assert_int_equal(ledger_account_set_limit(f->s, 9999, 1), LEDGER_ENOACCOUNT);
	assert_int_equal(account(f->s, card).limit, 2000);
	assert_clean(f->s);
}

/* The mirror image: an account that may be credited only up to its debits plus a limit. */
static void credits_limited(void **state)
{
	struct store_fixture *f = *state;
	int64_t cap = test_account(f->s, CNY, LEDGER_CREDITS_LIMITED, 100),
	        other = test_account(f->s, CNY, 0, 0);

	assert_int_equal(create(f->s, plain(1, other, cap, 101), 100), LEDGER_EFUNDS);
	assert_int_equal(create(f->s, pending(1, other, cap, 100, 0), 100), LEDGER_OK);
	assert_int_equal(create(f->s, plain(2, other, cap, 1), 100), LEDGER_EFUNDS);
	assert_int_equal(create(f->s, plain(2, cap, other, 50), 100), LEDGER_OK);
	assert_int_equal(create(f->s, plain(3, other, cap, 50), 100), LEDGER_OK);
	assert_int_equal(create(f->s, plain(4, other, cap, 1), 100), LEDGER_EFUNDS);
	assert_int_equal(ledger_account_set_limit(f->s, cap, 99), LEDGER_EFUNDS);
	assert_sums(f->s, cap, 0, 50, 100, 50);
	assert_clean(f->s);
}

static void refusals(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = test_account(f->s, CNY, 0, 0), b = test_account(f->s, CNY, 0, 0),
	        u = test_account(f->s, USD, 0, 0);
	struct ledger_transfer t;

	assert_int_equal(create(f->s, plain(1, a, u, 10), 100), LEDGER_ECURRENCY);
	t = plain(1, a, b, 10);
	t.currency = USD;
	assert_int_equal(create(f->s, t, 100), LEDGER_ECURRENCY);
	assert_int_equal(create(f->s, plain(1, a, a, 10), 100), LEDGER_ESAMEACCOUNT);
	assert_int_equal(create(f->s, plain(1, a, 9999, 10), 100), LEDGER_ENOACCOUNT);
	assert_int_equal(create(f->s, plain(1, 9999, a, 10), 100), LEDGER_ENOACCOUNT);
	assert_int_equal(create(f->s, plain(1, a, b, 0), 100), LEDGER_EAMOUNT);
	assert_int_equal(create(f->s, plain(1, a, b, -1), 100), LEDGER_EARG);
	assert_int_equal(create(f->s, plain(0, a, b, 10), 100), LEDGER_EARG);
	assert_int_equal(create(f->s, plain(1, 0, b, 10), 100), LEDGER_EARG);
	t = plain(1, a, b, 10);
	t.flags = LEDGER_PENDING | LEDGER_POST;
	assert_int_equal(create(f->s, t, 100), LEDGER_EARG);
	t.flags = 0x8;
	assert_int_equal(create(f->s, t, 100), LEDGER_EARG);
	t = plain(1, a, b, 10);
	t.timeout = 5;
	assert_int_equal(create(f->s, t, 100), LEDGER_EARG);
	t = pending(1, a, b, 10, -1);
	assert_int_equal(create(f->s, t, 100), LEDGER_EARG);
	t = plain(1, a, b, 10);
	t.pending_id = test_id(7);
	assert_int_equal(create(f->s, t, 100), LEDGER_EARG);
	t.currency = 0;
	assert_int_equal(create(f->s, t, 100), LEDGER_EARG);
	assert_int_equal(ledger_transfer_create(f->s, NULL, 100, NULL), LEDGER_EARG);
	assert_int_equal(ledger_transfer_create(NULL, &t, 100, NULL), LEDGER_EARG);

	/* Nothing of it stored: id 1 is still free. */
	t.id = test_id(1);
	assert_int_equal(ledger_transfer_get(f->s, &t.id, &t), LEDGER_ENOPENDING);
	assert_int_equal(create(f->s, plain(1, a, b, 10), 100), LEDGER_OK);
	assert_sums(f->s, a, 0, 10, 0, 0);
	assert_sums(f->s, u, 0, 0, 0, 0);
	assert_clean(f->s);
}

static void overflow(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = test_account(f->s, CNY, 0, 0), b = test_account(f->s, CNY, 0, 0);

	assert_int_equal(create(f->s, plain(1, a, b, LEDGER_AMOUNT_MAX), 100), LEDGER_OK);
	assert_int_equal(create(f->s, plain(2, a, b, 1), 100), LEDGER_EOVERFLOW);
	assert_int_equal(create(f->s, pending(2, a, b, LEDGER_AMOUNT_MAX, 0), 100), LEDGER_OK);
	assert_int_equal(create(f->s, pending(3, a, b, 1, 0), 100), LEDGER_EOVERFLOW);
	/* Posting what is held would take the posted sums beyond the largest amount. */
	assert_int_equal(create(f->s, resolving(4, LEDGER_POST, 2, 0), 100), LEDGER_EOVERFLOW);
	assert_int_equal(create(f->s, resolving(4, LEDGER_VOID, 2, 0), 100), LEDGER_OK);
	assert_sums(f->s, a, 0, LEDGER_AMOUNT_MAX, 0, 0);
	assert_clean(f->s);
}

/* The ledger works in the caller's transaction, without a savepoint of its own: the caller's
 * rollback undoes it. */
static void joins_transaction(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = test_account(f->s, CNY, 0, 0), b = test_account(f->s, CNY, 0, 0);
	struct ledger_transfer t;

	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(create(f->s, plain(1, a, b, 10), 100), LEDGER_OK);
	assert_int_equal(create(f->s, plain(2, a, a, 10), 100), LEDGER_ESAMEACCOUNT);
	assert_int_equal(store_depth(f->s), 1);
	assert_sums(f->s, a, 0, 10, 0, 0);
	assert_int_equal(store_rollback(f->s), STORE_OK);
	assert_sums(f->s, a, 0, 0, 0, 0);
	t.id = test_id(1);
	assert_int_equal(ledger_transfer_get(f->s, &t.id, &t), LEDGER_ENOPENDING);
	assert_clean(f->s);
}

/* Inside the caller's transaction a refusal leaves nothing behind, for the caller to commit what
 * else it did: it is judged before anything is written. */
static void refusals_in_transaction(void **state)
{
	struct store_fixture *f = *state;
	int64_t card = test_account(f->s, CNY, LEDGER_DEBITS_LIMITED, 0),
	        shop = test_account(f->s, CNY, 0, 0);
	struct ledger_transfer t;

	assert_int_equal(create(f->s, plain(1, shop, card, 100), 100), LEDGER_OK);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(create(f->s, plain(2, card, shop, 101), 100), LEDGER_EFUNDS);
	assert_int_equal(create(f->s, pending(3, card, shop, 60, 0), 100), LEDGER_OK);
	assert_int_equal(create(f->s, pending(4, card, shop, 41, 0), 100), LEDGER_EFUNDS);
	assert_int_equal(create(f->s, resolving(5, LEDGER_POST, 3, 61), 100), LEDGER_EAMOUNT);
	assert_int_equal(create(f->s, resolving(6, LEDGER_POST, 3, 60), 100), LEDGER_OK);
	assert_int_equal(create(f->s, resolving(7, LEDGER_VOID, 3, 0), 100), LEDGER_ERESOLVED);
	/* A retry of what this transaction made is one still. */
	assert_int_equal(create(f->s, resolving(6, LEDGER_POST, 3, 60), 100), LEDGER_EXISTS);
	assert_int_equal(store_depth(f->s), 1);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_sums(f->s, card, 0, 60, 0, 100);
	for (int id = 2; id <= 7; id++) {
		if (id == 3 || id == 6)
			continue;
		t.id = test_id(id);
		assert_int_equal(ledger_transfer_get(f->s, &t.id, &t), LEDGER_ENOPENDING);
	}
	assert_clean(f->s);
}

/* Totals per currency, sorted; an empty ledger is sound. */
static void check_totals(void **state)
{
	struct store_fixture *f = *state;
	struct ledger_report r;
	struct test_violations v = {0};

	assert_int_equal(test_check(f->s, &r, &v), 0);
	assert_int_equal(r.currencies, 0);
	int64_t a = test_account(f->s, USD, 0, 0), b = test_account(f->s, USD, 0, 0),
	        c = test_account(f->s, CNY, 0, 0), d = test_account(f->s, CNY, 0, 0);
	struct ledger_transfer t = plain(1, a, b, 70);
	t.currency = USD;
	assert_int_equal(create(f->s, t, 100), LEDGER_OK);
	assert_int_equal(create(f->s, pending(2, c, d, 30, 0), 100), LEDGER_OK);
	assert_int_equal(test_check(f->s, &r, &v), 0);
	assert_int_equal(r.currencies, 2);
	assert_int_equal(r.totals[0].currency, CNY);
	assert_int_equal(r.totals[0].accounts, 2);
	assert_int_equal(r.totals[0].transfers, 1);
	assert_int_equal(r.totals[0].debits_pending, 30);
	assert_int_equal(r.totals[0].credits_pending, 30);
	assert_int_equal(r.totals[1].currency, USD);
	assert_int_equal(r.totals[1].debits_posted, 70);
	assert_int_equal(r.totals[1].credits_posted, 70);
	assert_int_equal(ledger_check(f->s, NULL, NULL, NULL), LEDGER_EARG);
	assert_int_equal(ledger_check(f->s, &r, NULL, NULL), LEDGER_OK);
}

static void strerror_names(void **state)
{
	(void)state;
	for (int rc = LEDGER_EXISTS; rc >= LEDGER_EOVERFLOW; rc--)
		assert_string_not_equal(ledger_strerror(rc), "unknown ledger error");
	assert_string_equal(ledger_strerror(-100), "unknown ledger error");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, store_fixture_setup, store_fixture_teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ids),
	    T(accounts),
	    T(plain_transfer),
	    T(retries),
	    T(pending_post_whole),
	    T(pending_post_partial),
	    T(pending_void),
	    T(resolve_refusals),
	    T(expiry),
	    T(expiry_many),
	    T(debits_limited),
	    T(credit_line),
	    T(credits_limited),
	    T(refusals),
	    T(overflow),
	    T(joins_transaction),
	    T(refusals_in_transaction),
	    T(check_totals),
	    cmocka_unit_test(strerror_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
