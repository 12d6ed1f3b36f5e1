/* test_saf.c — the store-and-forward queue (src/acquirer/saf.c over store_saf.h, docs/links.md
 * "Store and forward"): an entry queued in a transaction rolled back leaves nothing; the due
 * entries of a link, the longest due first; the repeat every saf_interval; 00 and 25 settle a
 * reversal, any other answer is kept and the reversal repeated; an advice answered other than
 * 00 refused; expiry after saf_max_age; the queue whole after the store is closed and opened
 * again (a restart); the listing, its filters, its pages and its JSON. */
#include "store/store_fixture.h"

#include <stdio.h>

#include "acquirer/acquirer.h"

#define T0 1800000000 /* a time: 2027-01-15 */

static const struct acquirer_saf_rules rules = {10, 3600};

/* Queues kind of row txn_id for link at now in a transaction of its own: its id. */
static int64_t queue(store *s, const char *link, int kind, int64_t txn_id, int64_t now)
{
	char rrn[13];
	int64_t id = 0;

	snprintf(rrn, sizeof rrn, "%012lld", (long long)txn_id);
	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(acquirer_saf_enqueue(s, link, kind, txn_id, rrn, now, &id), ACQUIRER_OK);
	assert_int_equal(store_commit(s), STORE_OK);
	return id;
}

struct seen {
	int n;
	int64_t ids[16];
	json_t *items;
};

static int collect(void *ctx, const struct store_saf *e)
{
	struct seen *v = ctx;

	if (v->n < 16)
		v->ids[v->n] = e->id;
	v->n++;
	if (v->items != NULL)
		json_array_append_new(v->items, acquirer_saf_json(e, 480));
	return 0;
}

static struct seen due(store *s, const char *link, int64_t now)
{
	struct seen v = {0};

	assert_int_equal(acquirer_saf_due(s, link, now, 0, collect, &v), ACQUIRER_OK);
	return v;
}

static void state_is(store *s, int64_t id, const char *state, const char *rc, int attempts)
{
	struct store_saf e;

	assert_int_equal(store_saf_get(s, id, &e), STORE_OK);
	assert_string_equal(e.state, state);
	assert_string_equal(e.last_rc, rc);
	assert_int_equal(e.attempts, attempts);
}

static void rolled_back_leaves_nothing(void **state)
{
	struct store_fixture *f = *state;
	int64_t id;

	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(
	    acquirer_saf_enqueue(f->s, "far", ACQUIRER_SAF_REVERSAL, 7, "000000000007", T0, &id),
	    ACQUIRER_OK);
	assert_int_equal(due(f->s, "far", T0).n, 1); /* seen inside its transaction */
	assert_int_equal(store_rollback(f->s), STORE_OK);
	assert_int_equal(due(f->s, "far", T0 + 100000).n, 0);
	assert_int_equal(store_saf_get(f->s, id, &(struct store_saf){0}), STORE_ENOTFOUND);
	printf("rolled back: 1 queued, 0 left\n");
}

/* Each a malformed argument: the link's name, the kind, the row, the RRN. */
static const struct bad_enqueue {
	const char *link;
	int kind;
	int64_t txn_id;
	const char *rrn;
} bad_enqueues[] = {
    {"", ACQUIRER_SAF_REVERSAL, 1, "000000000001"},
    {"a b", ACQUIRER_SAF_REVERSAL, 1, "000000000001"},
    {"a-link-name-that-is-longer-than-32", ACQUIRER_SAF_REVERSAL, 1, "000000000001"},
    {"far", 9, 1, "000000000001"},
    {"far", ACQUIRER_SAF_ADVICE, 0, "000000000001"},
    {"far", ACQUIRER_SAF_ADVICE, 1, "123"},
    {"far", ACQUIRER_SAF_ADVICE, 1, NULL},
};

static void bad_arguments(void **state)
{
	struct store_fixture *f = *state;
	size_t n = sizeof bad_enqueues / sizeof bad_enqueues[0];

	assert_int_equal(store_begin(f->s), STORE_OK);
	for (size_t i = 0; i < n; i++) {
		const struct bad_enqueue *b = &bad_enqueues[i];

		assert_int_equal(
		    acquirer_saf_enqueue(f->s, b->link, b->kind, b->txn_id, b->rrn, T0, NULL),
		    ACQUIRER_EARG);
	}
	assert_int_equal(store_commit(f->s), STORE_OK);
	/* One of each kind a row: a second reversal of row 1 is refused, its advice is not. */
	queue(f->s, "far", ACQUIRER_SAF_REVERSAL, 1, T0);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(
	    acquirer_saf_enqueue(f->s, "far", ACQUIRER_SAF_REVERSAL, 1, "000000000001", T0, NULL),
	    ACQUIRER_EEXIST);
	assert_int_equal(store_commit(f->s), STORE_OK);
	queue(f->s, "far", ACQUIRER_SAF_ADVICE, 1, T0);
	assert_int_equal(acquirer_saf_sent(f->s, &(struct acquirer_saf_rules){0, 60}, 1, NULL, T0),
	                 ACQUIRER_EARG);
	assert_int_equal(acquirer_saf_sent(f->s, &rules, 999, NULL, T0), ACQUIRER_ENOTFOUND);
	assert_int_equal(acquirer_saf_answered(f->s, 1, NULL, "0", T0, NULL), ACQUIRER_EARG);
	assert_int_equal(acquirer_saf_answered(f->s, 999, NULL, "00", T0, NULL),
	                 ACQUIRER_ENOTFOUND);
	assert_int_equal(acquirer_saf_due(f->s, "no such", T0, 0, collect, &(struct seen){0}),
	                 ACQUIRER_EARG);
	printf(
	    "bad arguments: %zu malformed enqueues refused, a second reversal of a row refused\n",
	    n);
}

static void due_oldest_first(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = queue(f->s, "far", ACQUIRER_SAF_REVERSAL, 1, T0 + 5);
	int64_t b = queue(f->s, "far", ACQUIRER_SAF_ADVICE, 2, T0);
	int64_t c = queue(f->s, "other", ACQUIRER_SAF_REVERSAL, 3, T0);
	int64_t d = queue(f->s, "far", ACQUIRER_SAF_REVERSAL, 4, T0 + 60); /* not yet due */
	struct seen v = due(f->s, "far", T0 + 10);

	(void)c;
	(void)d;
	assert_int_equal(v.n, 2);
	assert_int_equal(v.ids[0], b);
	assert_int_equal(v.ids[1], a);
	v = (struct seen){0};
	assert_int_equal(acquirer_saf_due(f->s, "far", T0 + 100, 1, collect, &v), ACQUIRER_OK);
	assert_int_equal(v.n, 1); /* the limit */
	assert_int_equal(v.ids[0], b);
	printf("due at +10 s on far: %d of 3 queued for it, oldest first\n",
	       due(f->s, "far", T0 + 10).n);
}

static void repeated_every_interval(void **state)
{
	struct store_fixture *f = *state;
	int64_t id = queue(f->s, "far", ACQUIRER_SAF_REVERSAL, 1, T0);
	struct store_saf e;
	int sends = 0;

	/* Sent at once, then every 10 s while nobody answers: 0420, then 0421s. */
	for (int64_t now = T0; now < T0 + 60; now++) {
		struct seen v = due(f->s, "far", now);

		if (v.n == 0)
			continue;
		assert_int_equal(store_saf_get(f->s, id, &e), STORE_OK);
		assert_int_equal(acquirer_saf_repeat(&e), sends > 0);
		assert_int_equal(now, T0 + 10 * sends);
		assert_int_equal(acquirer_saf_sent(f->s, &rules, id, NULL, now), ACQUIRER_OK);
		sends++;
	}
	assert_int_equal(sends, 6);
	state_is(f->s, id, "pending", "", 6);
	printf("unanswered for 60 s at saf_interval 10: sent %d times (at 0, 10, …, 50 s)\n",
	       sends);
}

static void answers(void **state)
{
	struct store_fixture *f = *state;
	int64_t ok = queue(f->s, "far", ACQUIRER_SAF_REVERSAL, 1, T0);
	int64_t gone = queue(f->s, "far", ACQUIRER_SAF_REVERSAL, 2, T0);
	int64_t no = queue(f->s, "far", ACQUIRER_SAF_REVERSAL, 3, T0);
	int64_t adv = queue(f->s, "far", ACQUIRER_SAF_ADVICE, 4, T0);
	int64_t adv25 = queue(f->s, "far", ACQUIRER_SAF_ADVICE, 5, T0);
	const char *st;

	for (int64_t id = ok; id <= adv25; id++)
		assert_int_equal(acquirer_saf_sent(f->s, &rules, id, NULL, T0), ACQUIRER_OK);
	assert_int_equal(acquirer_saf_answered(f->s, ok, NULL, "00", T0 + 1, &st), ACQUIRER_OK);
	assert_string_equal(st, "done");
	assert_int_equal(acquirer_saf_answered(f->s, gone, NULL, "25", T0 + 1, &st), ACQUIRER_OK);
	assert_string_equal(st, "done");
	assert_int_equal(acquirer_saf_answered(f->s, no, NULL, "96", T0 + 1, &st), ACQUIRER_OK);
	assert_string_equal(st, "pending");
	assert_int_equal(acquirer_saf_answered(f->s, adv, NULL, "05", T0 + 1, &st), ACQUIRER_OK);
	assert_string_equal(st, "refused");
	assert_int_equal(acquirer_saf_answered(f->s, adv25, NULL, "25", T0 + 1, &st), ACQUIRER_OK);
	assert_string_equal(st, "refused");
	state_is(f->s, ok, "done", "00", 1);
	state_is(f->s, gone, "done", "25", 1);
	state_is(f->s, no, "pending", "96", 1);
	state_is(f->s, adv, "refused", "05", 1);
	/* A late second answer to a settled entry changes nothing. */
	assert_int_equal(acquirer_saf_answered(f->s, ok, NULL, "05", T0 + 2, NULL),
	                 ACQUIRER_ENOTFOUND);
	state_is(f->s, ok, "done", "00", 1);
	/* The reversal answered 96 is due again at its interval, its code kept; then 00. */
	struct seen v = due(f->s, "far", T0 + 10);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.ids[0], no);
	assert_int_equal(acquirer_saf_sent(f->s, &rules, no, NULL, T0 + 10), ACQUIRER_OK);
	assert_int_equal(acquirer_saf_answered(f->s, no, NULL, "00", T0 + 11, NULL), ACQUIRER_OK);
	state_is(f->s, no, "done", "00", 2);
	assert_int_equal(due(f->s, "far", T0 + 1000).n, 0);
	printf("answers: reversal 00 done, 25 done, 96 kept pending then 00 done; advice 05 and 25 "
	       "refused; a late answer ignored\n");
}

static void expiry(void **state)
{
	struct store_fixture *f = *state;
	int64_t old = queue(f->s, "far", ACQUIRER_SAF_REVERSAL, 1, T0);
	int64_t young = queue(f->s, "far", ACQUIRER_SAF_REVERSAL, 2, T0 + 100);
	int64_t done = queue(f->s, "far", ACQUIRER_SAF_ADVICE, 3, T0);
	int64_t other = queue(f->s, "other", ACQUIRER_SAF_REVERSAL, 4, T0);
	int64_t n = -1;

	assert_int_equal(acquirer_saf_answered(f->s, done, NULL, "00", T0, NULL), ACQUIRER_OK);
	assert_int_equal(acquirer_saf_expire(f->s, "far", &rules, T0 + 3599, &n), ACQUIRER_OK);
	assert_int_equal(n, 0);
	assert_int_equal(acquirer_saf_expire(f->s, "far", &rules, T0 + 3600, &n), ACQUIRER_OK);
	assert_int_equal(n, 1);
	state_is(f->s, old, "expired", "", 0);
	state_is(f->s, young, "pending", "", 0);
	state_is(f->s, done, "done", "00", 0);
	state_is(f->s, other, "pending", "", 0);
	assert_int_equal(due(f->s, "far", T0 + 3600).n, 1); /* the young one only */
	assert_int_equal(acquirer_saf_sent(f->s, &rules, old, NULL, T0 + 3600), ACQUIRER_ENOTFOUND);
	printf("expiry at saf_max_age 3600: 1 of 4 expired (the pending one of far at 3600 s)\n");
}

static void survives_restart(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = queue(f->s, "far", ACQUIRER_SAF_REVERSAL, 1, T0);
	int64_t b = queue(f->s, "far", ACQUIRER_SAF_ADVICE, 2, T0 + 1);

	assert_int_equal(acquirer_saf_sent(f->s, &rules, a, NULL, T0), ACQUIRER_OK);
	assert_int_equal(acquirer_saf_answered(f->s, a, NULL, "91", T0 + 1, NULL), ACQUIRER_OK);
	store_close(f->s);
	assert_int_equal(store_open(f->path, &f->s), STORE_OK);
	state_is(f->s, a, "pending", "91", 1);
	state_is(f->s, b, "pending", "", 0);
	struct seen v = due(f->s, "far", T0 + 10);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.ids[0], b); /* due at +1, the repeat of a at +10 */
	assert_int_equal(v.ids[1], a);
	printf("after close and open: 2 of 2 entries pending, attempts and last code kept\n");
}

static void listing(void **state)
{
	struct store_fixture *f = *state;
	struct seen v = {0};
	int64_t next;

	for (int64_t t = 1; t <= 5; t++)
		queue(f->s, t % 2 ? "far" : "other", ACQUIRER_SAF_REVERSAL, t, T0 + t);
	assert_int_equal(acquirer_saf_answered(f->s, 3, NULL, "00", T0 + 9, NULL), ACQUIRER_OK);

	/* All, two a page: 1 2, then 3 4, then 5. */
	struct store_saf_filter page = {NULL, NULL, 0, 2};
	int pages = 0;
	do {
		assert_int_equal(acquirer_saf_page(f->s, &page, collect, &v, &next), ACQUIRER_OK);
		page.after = next;
		pages++;
	} while (next != 0);
	assert_int_equal(pages, 3);
	assert_int_equal(v.n, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(v.ids[i], i + 1);

	v = (struct seen){.items = json_array()};
	assert_int_equal(acquirer_saf_page(f->s, &(struct store_saf_filter){"far", "pending", 0, 0},
	                                   collect, &v, &next),
	                 ACQUIRER_OK);
	assert_int_equal(v.n, 2); /* 1 and 5: 3 is done */
	assert_int_equal(next, 0);
	json_t *one = json_array_get(v.items, 0);
	assert_string_equal(json_string_value(json_object_get(one, "link")), "far");
	assert_string_equal(json_string_value(json_object_get(one, "kind")), "reversal");
	assert_string_equal(json_string_value(json_object_get(one, "rrn")), "000000000001");
	assert_string_equal(json_string_value(json_object_get(one, "state")), "pending");
	assert_string_equal(json_string_value(json_object_get(one, "next_at")),
	                    "2027-01-15T16:00:01+08:00");
	assert_true(json_is_null(json_object_get(one, "last_rc")));
	json_decref(v.items);

	v = (struct seen){.items = json_array()};
	assert_int_equal(acquirer_saf_page(f->s, &(struct store_saf_filter){"", "done", 0, 0},
	                                   collect, &v, &next),
	                 ACQUIRER_OK);
	assert_int_equal(v.n, 1);
	one = json_array_get(v.items, 0);
	assert_string_equal(json_string_value(json_object_get(one, "last_rc")), "00");
	assert_true(json_is_null(json_object_get(one, "next_at")));
	json_decref(v.items);

	assert_int_equal(acquirer_saf_page(f->s, &(struct store_saf_filter){NULL, "lost", 0, 0},
	                                   collect, &v, &next),
	                 ACQUIRER_EARG);
	assert_int_equal(acquirer_saf_page(f->s, &(struct store_saf_filter){"a/b", NULL, 0, 0},
	                                   collect, &v, &next),
	                 ACQUIRER_EARG);
	printf("listing: 5 entries in 3 pages of 2; far pending: 2; done: 1\n");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, store_fixture_setup, store_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(rolled_back_leaves_nothing), T(bad_arguments), T(due_oldest_first),
	    T(repeated_every_interval),    T(answers),       T(expiry),
	    T(survives_restart),           T(listing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
