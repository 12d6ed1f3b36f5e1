/* test_queue_claims.c — the queues' claims (store_claim.h) between two hosts: two store
 * connections on one database (a file, or with POSSUM_TEST_PG one PostgreSQL schema) act as
 * two hosts claiming the texts' outbox (store_notify_claim) and the store-and-forward queue
 * (store_saf_claim). Two claimers get disjoint items; a claim holds until it runs out, then the
 * other takes the item over, and the first one's late mark is refused; on PostgreSQL a claim
 * still uncommitted is skipped, not waited for (SKIP LOCKED); a stand-in's advice goes before
 * its reversal. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "store/store_fixture.h"
#include "store/store_notify.h"
#include "store/store_saf.h"

#define T0 1800000000 /* a time: 2027-01-15 */

/* Host a's claims and host b's (store_fixture_two: two connections on one database). */
static const struct store_claim claim_a = {"host:a:1:1", T0 + 10};
static const struct store_claim claim_b = {"host:b:1:1", T0 + 10};

/* ---- The texts' outbox ---- */

/* n messages due at T0. */
static void texts(store *s, int n)
{
	for (int i = 0; i < n; i++) {
		struct store_notify m = {.kind = 1,
		                         .state = STORE_NOTIFY_PENDING,
		                         .created_at = T0,
		                         .next_at = T0,
		                         .text = "a text"};

		assert_int_equal(store_notify_insert(s, &m), STORE_OK);
	}
}

/* Claims up to cap for c at now: how many, their ids into ids (may be NULL). */
static size_t claim_texts(store *s, const struct store_claim *c, int64_t now, size_t cap,
                          int64_t *ids)
{
	struct store_notify out[16];
	size_t n = 99;

	assert_true(cap <= 16);
	assert_int_equal(store_notify_claim(s, c, now, out, cap, &n), STORE_OK);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(out[i].claimed_by, c->holder);
		assert_true(out[i].claimed_until == c->until);
		if (ids != NULL)
			ids[i] = out[i].id;
	}
	return n;
}

static bool any_shared(const int64_t *x, size_t nx, const int64_t *y, size_t ny)
{
	for (size_t i = 0; i < nx; i++)
		for (size_t j = 0; j < ny; j++)
			if (x[i] == y[j])
				return true;
	return false;
}

/* A message delivered under claim c: STORE_OK, or STORE_ENOTFOUND when c is not its claim. */
static int text_delivered(store *s, int64_t id, const struct store_claim *c)
{
	struct store_notify m;

	assert_int_equal(store_notify_get(s, id, &m), STORE_OK);
	m.state = STORE_NOTIFY_DELIVERED;
	m.done_at = T0 + 1;
	snprintf(m.claimed_by, sizeof m.claimed_by, "%s", c->holder);
	m.claimed_until = c->until;
	return store_notify_update(s, &m);
}

/* Two claimers, disjoint: 4 and 4 of 10, then 2 and none. */
static void texts_disjoint(void **state)
{
	struct store_fixture_two *t = *state;
	int64_t a[16], b[16];
	size_t na, nb;

	texts(t->a, 10);
	na = claim_texts(t->a, &claim_a, T0, 4, a);
	nb = claim_texts(t->b, &claim_b, T0, 4, b);
	assert_int_equal(na, 4);
	assert_int_equal(nb, 4);
	assert_false(any_shared(a, na, b, nb));
	assert_int_equal(claim_texts(t->a, &claim_a, T0, 16, a + 4), 2);
	assert_int_equal(claim_texts(t->b, &claim_b, T0 + 9, 16, NULL), 0);
	assert_false(any_shared(a, 6, b, nb));
	printf("texts: 10 due, a claimed 6, b 4, none both\n");
}

/* A claim holds until it runs out; then the other host takes the message over, and the first
 * one's late mark is refused while the new holder's is written, its claim cleared. */
static void texts_taken_over(void **state)
{
	struct store_fixture_two *t = *state;
	struct store_claim late_b = {"host:b:1:1", T0 + 20};
	struct store_notify m;
	int64_t id;

	texts(t->a, 1);
	assert_int_equal(claim_texts(t->a, &claim_a, T0, 4, &id), 1);
	assert_int_equal(claim_texts(t->b, &late_b, T0 + 9, 4, NULL), 0);
	assert_int_equal(claim_texts(t->b, &late_b, T0 + 10, 4, NULL), 1); /* a's ran out */
	assert_int_equal(text_delivered(t->a, id, &claim_a), STORE_ENOTFOUND);
	assert_int_equal(text_delivered(t->b, id, &(struct store_claim){"", 0}), STORE_ENOTFOUND);
	assert_int_equal(text_delivered(t->b, id, &late_b), STORE_OK);
	assert_int_equal(store_notify_get(t->a, id, &m), STORE_OK);
	assert_int_equal(m.state, STORE_NOTIFY_DELIVERED);
	assert_string_equal(m.claimed_by, "");
	assert_true(m.claimed_until == 0);
	assert_int_equal(claim_texts(t->a, &claim_a, T0 + 30, 4, NULL), 0); /* delivered: done */
}

/* PostgreSQL: a claim not yet committed is skipped by the other claimer, which does not wait
 * for it (FOR UPDATE SKIP LOCKED). SQLite has one writer: nothing to show there. */
static void texts_skip_locked(void **state)
{
	struct store_fixture_two *t = *state;
	int64_t a[4], b[4];

	if (!store_fixture_pg())
		skip();
	texts(t->a, 4);
	assert_int_equal(store_begin(t->a), STORE_OK);
	assert_int_equal(claim_texts(t->a, &claim_a, T0, 2, a), 2);
	assert_int_equal(claim_texts(t->b, &claim_b, T0, 4, b), 2);
	assert_false(any_shared(a, 2, b, 2));
	assert_int_equal(store_commit(t->a), STORE_OK);
	assert_int_equal(claim_texts(t->b, &claim_b, T0, 4, NULL), 0);
}

/* ---- The store-and-forward queue ---- */

/* An entry of kind for row txn_id on link "cup", due at T0: its id. */
static int64_t entry(store *s, const char *kind, int64_t txn_id)
{
	struct store_saf e = {.txn_id = txn_id, .next_at = T0, .created_at = T0, .updated_at = T0};

	snprintf(e.link, sizeof e.link, "cup");
	snprintf(e.kind, sizeof e.kind, "%s", kind);
	snprintf(e.rrn, sizeof e.rrn, "%012lld", (long long)txn_id);
	snprintf(e.state, sizeof e.state, "pending");
	assert_int_equal(store_saf_insert(s, &e), STORE_OK);
	return e.id;
}

struct got {
	size_t n;
	int64_t ids[16];
};

static int got_one(void *ctx, const struct store_saf *e)
{
	struct got *g = ctx;

	assert_true(g->n < 16);
	g->ids[g->n++] = e->id;
	return 0;
}

static struct got claim_saf(store *s, const struct store_claim *c, int64_t now, size_t limit)
{
	struct got g = {0};

	assert_int_equal(
	    store_saf_claim(s, &(struct store_saf_take){"cup", c->holder, c->until, now, limit},
	                    got_one, &g),
	    STORE_OK);
	return g;
}

static int saf_sent(store *s, int64_t id, const struct store_claim *c, int64_t now)
{
	return store_saf_sent(s, &(struct store_saf_sent){id, now + 30, now, c->holder, c->until});
}

static int saf_answered(store *s, int64_t id, const struct store_claim *c)
{
	return store_saf_answered(
	    s, &(struct store_saf_answer){id, "done", "00", T0 + 1, c->holder, c->until});
}

/* Two claimers, disjoint; a mark under the other's claim refused; a claim run out taken over
 * and the first holder's late answer refused; a claim given back is due again at once. */
static void saf_shared(void **state)
{
	struct store_fixture_two *t = *state;
	struct store_claim late_b = {"host:b:1:1", T0 + 40};
	struct store_saf e;
	struct got a, b;

	for (int i = 1; i <= 6; i++)
		entry(t->a, "reversal", i);
	a = claim_saf(t->a, &claim_a, T0, 3);
	b = claim_saf(t->b, &claim_b, T0, 0);
	assert_int_equal(a.n, 3);
	assert_int_equal(b.n, 3);
	assert_false(any_shared(a.ids, a.n, b.ids, b.n));
	assert_int_equal(claim_saf(t->b, &claim_b, T0, 0).n, 0);
	assert_int_equal(saf_sent(t->b, a.ids[0], &claim_b, T0), STORE_ENOTFOUND);
	assert_int_equal(saf_sent(t->a, a.ids[0], &claim_a, T0), STORE_OK);
	assert_int_equal(saf_sent(t->a, a.ids[1], &claim_a, T0), STORE_OK);
	for (size_t i = 0; i < b.n; i++) { /* b sends its own, answered */
		assert_int_equal(saf_sent(t->b, b.ids[i], &claim_b, T0), STORE_OK);
		assert_int_equal(saf_answered(t->b, b.ids[i], &claim_b), STORE_OK);
	}
	/* a is killed: its claims run out at T0 + 10, its entries next due at T0 + 30. */
	assert_int_equal(claim_saf(t->b, &late_b, T0 + 29, 0).n, 1); /* the one a never sent */
	b = claim_saf(t->b, &late_b, T0 + 30, 0);
	assert_int_equal(b.n, 2);
	assert_int_equal(saf_answered(t->a, a.ids[0], &claim_a), STORE_ENOTFOUND);
	assert_int_equal(saf_sent(t->b, a.ids[0], &late_b, T0 + 30), STORE_OK);
	assert_int_equal(saf_answered(t->b, a.ids[0], &late_b), STORE_OK);
	assert_int_equal(store_saf_get(t->a, a.ids[0], &e), STORE_OK);
	assert_string_equal(e.state, "done");
	assert_int_equal(e.attempts, 2);
	assert_string_equal(e.claimed_by, "");
	/* Given back (no answer came): any host's again, at once. */
	assert_int_equal(store_saf_release(t->a, a.ids[1], &claim_a), STORE_ENOTFOUND);
	assert_int_equal(store_saf_release(t->b, a.ids[1], &late_b), STORE_OK);
	assert_int_equal(
	    claim_saf(t->a, &(struct store_claim){"host:a:1:1", T0 + 60}, T0 + 31, 0).n, 1);
	printf("saf: 6 due, a claimed 3, b 3; a killed, b took its 3 over\n");
}

/* A stand-in's advice, then its reversal (the terminal reversed it), both due: the reversal
 * is not claimed while the advice is due or on its way, by either host; once the advice is
 * answered it is. Another transaction's entries are not held back. */
static void saf_advice_first(void **state)
{
	struct store_fixture_two *t = *state;
	int64_t advice = entry(t->a, "advice", 7), reversal = entry(t->a, "reversal", 7);
	int64_t other = entry(t->a, "reversal", 8);
	struct got a, b;

	a = claim_saf(t->a, &claim_a, T0, 0);
	assert_int_equal(a.n, 2);
	assert_true(any_shared(a.ids, a.n, &advice, 1) && any_shared(a.ids, a.n, &other, 1));
	b = claim_saf(t->b, &claim_b, T0, 0);
	assert_int_equal(b.n, 0); /* the advice on its way */
	assert_int_equal(saf_sent(t->a, advice, &claim_a, T0), STORE_OK);
	assert_int_equal(claim_saf(t->b, &claim_b, T0 + 1, 0).n, 0);
	assert_int_equal(saf_answered(t->a, advice, &claim_a), STORE_OK);
	b = claim_saf(t->b, &claim_b, T0 + 1, 0);
	assert_int_equal(b.n, 1);
	assert_true(b.ids[0] == reversal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(texts_disjoint, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	    cmocka_unit_test_setup_teardown(texts_taken_over, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	    cmocka_unit_test_setup_teardown(texts_skip_locked, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	    cmocka_unit_test_setup_teardown(saf_shared, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	    cmocka_unit_test_setup_teardown(saf_advice_first, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
