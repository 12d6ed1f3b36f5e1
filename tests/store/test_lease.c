/* test_lease.c — leases (store_lease.h) between two hosts: two store connections on one
 * database (a file, or with POSSUM_TEST_PG one PostgreSQL schema) act as two hosts, holders A
 * and B (this process's identity under two kinds: a process that runs). One takes, the other
 * is refused and told who holds it; the holder renews and the other may not; its time runs out
 * (the database's clock) and the other takes it over; a release frees it at once; the list; a
 * periodic worker's lease (PostgreSQL's alone); four threads taking one lease at the same
 * moment, one winning; whether a holder's process is gone (a pid of this machine that does
 * not run; on PostgreSQL no connection holding its lock); a gone holder's lease taken over at
 * once, by one of four racing; the holder's id; bad arguments. */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_fixture.h"
#include "store/store_lease.h"

/* Two holders whose process runs: this one's, kinds a and b (made by main()). */
static char A[STORE_LEASE_HOLDER_MAX], B[STORE_LEASE_HOLDER_MAX];

static void sleep_ms(long ms)
{
	nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
}

/* One takes; the other is refused with who holds it; renewed by its holder only. */
static void refused(void **state)
{
	struct store_fixture_two *t = *state;
	struct store_lease l;
	int64_t now;

	assert_int_equal(store_lease_take(t->a, "close:2026-12-04", A, 60000, &l), STORE_OK);
	assert_string_equal(l.holder, A);
	assert_int_equal(l.until_ms - l.now_ms, 60000);
	assert_int_equal(store_lease_now(t->b, &now), STORE_OK);
	assert_true(now >= l.since_ms && now - l.since_ms < 10000);
	assert_int_equal(store_lease_take(t->b, "close:2026-12-04", B, 60000, &l), STORE_EBUSY);
	assert_string_equal(l.holder, A); /* who holds it */
	assert_true(l.until_ms > l.now_ms);
	assert_int_equal(store_lease_renew(t->a, "close:2026-12-04", A, 90000), STORE_OK);
	assert_int_equal(store_lease_renew(t->b, "close:2026-12-04", B, 90000), STORE_ENOTFOUND);
	assert_int_equal(store_lease_get(t->b, "close:2026-12-04", &l), STORE_OK);
	assert_string_equal(l.holder, A);
	assert_true(l.until_ms - l.now_ms > 60000); /* renewed for 90 s */
	/* Taken again by its holder: renewed, held since its first take. */
	int64_t since = l.since_ms;
	sleep_ms(5);
	assert_int_equal(store_lease_take(t->a, "close:2026-12-04", A, 1000, &l), STORE_OK);
	assert_int_equal(l.since_ms, since);
}

/* The holder dies: its time runs out and the other takes it over; the old holder has lost it. */
static void taken_over(void **state)
{
	struct store_fixture_two *t = *state;
	struct store_lease l;

	assert_int_equal(store_lease_take(t->a, "saf", A, 300, NULL), STORE_OK);
	assert_int_equal(store_lease_take(t->b, "saf", B, 300, NULL), STORE_EBUSY);
	sleep_ms(400);
	assert_int_equal(store_lease_take(t->b, "saf", B, 60000, &l), STORE_OK);
	assert_string_equal(l.holder, B);
	assert_int_equal(l.since_ms, l.now_ms); /* a new holder's */
	assert_int_equal(store_lease_renew(t->a, "saf", A, 60000), STORE_ENOTFOUND);
	assert_int_equal(store_lease_take(t->a, "saf", A, 60000, &l), STORE_EBUSY);
	assert_string_equal(l.holder, B);
}

/* A release by its holder frees it at once; by another, nothing. */
static void released(void **state)
{
	struct store_fixture_two *t = *state;
	struct store_lease l;

	assert_int_equal(store_lease_take(t->a, "notify", A, 60000, NULL), STORE_OK);
	assert_int_equal(store_lease_release(t->b, "notify", B), STORE_ENOTFOUND);
	assert_int_equal(store_lease_take(t->b, "notify", B, 60000, NULL), STORE_EBUSY);
	assert_int_equal(store_lease_release(t->a, "notify", A), STORE_OK);
	assert_int_equal(store_lease_get(t->a, "notify", &l), STORE_ENOTFOUND);
	assert_int_equal(store_lease_take(t->b, "notify", B, 60000, NULL), STORE_OK);
	assert_int_equal(store_lease_release(t->a, "notify", A), STORE_ENOTFOUND);
}

struct seen {
	struct store_lease l[4];
	size_t n;
};

static int each(void *ctx, const struct store_lease *l)
{
	struct seen *s = ctx;

	assert_true(s->n < 4);
	s->l[s->n++] = *l;
	return 0;
}

/* Listed by name, with the database's now: a lease run out is told by its time. */
static void listed(void **state)
{
	struct store_fixture_two *t = *state;
	struct seen s = {0};

	assert_int_equal(store_lease_take(t->a, "payout:2026-12-07", A, 60000, NULL), STORE_OK);
	assert_int_equal(store_lease_take(t->b, "notify", B, 1, NULL), STORE_OK);
	sleep_ms(20);
	assert_int_equal(store_lease_list(t->a, each, &s), STORE_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.l[0].name, "notify");
	assert_string_equal(s.l[0].holder, B);
	assert_true(s.l[0].until_ms <= s.l[0].now_ms); /* ran out */
	assert_string_equal(s.l[1].name, "payout:2026-12-07");
	assert_true(s.l[1].until_ms > s.l[1].now_ms);
}

/* Four hosts take one lease at the same moment, each on its own connection: one wins. */
struct racer {
	const char *path;
	pthread_barrier_t *go;
	char holder[STORE_LEASE_HOLDER_MAX];
	int rc;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	store *s;

	assert(store_open(r->path, &s) == STORE_OK);
	pthread_barrier_wait(r->go);
	r->rc = store_lease_take(s, "close:2026-12-05", r->holder, 60000, NULL);
	store_close(s);
	return NULL;
}

/* Four racers on lease close:2026-12-05 (held before by from, unless NULL): one wins. */
static void race4(struct store_fixture_two *t, const char *from)
{
	struct racer r[4];
	pthread_t th[4];
	pthread_barrier_t go;
	char kind[8];
	int won = 0, busy = 0;

	if (from != NULL)
		assert_int_equal(store_lease_take(t->a, "close:2026-12-05", from, 60000, NULL),
		                 STORE_OK);
	pthread_barrier_init(&go, NULL, 4);
	for (int i = 0; i < 4; i++) {
		r[i] = (struct racer){.path = t->f->path, .go = &go};
		snprintf(kind, sizeof kind, "r%d", i);
		store_lease_holder(kind, r[i].holder);
		assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		won += r[i].rc == STORE_OK;
		busy += r[i].rc == STORE_EBUSY;
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(won, 1);
	assert_int_equal(busy, 3);
}

static void raced(void **state)
{
	race4(*state, NULL);
}

/* Whether a holder's process is gone: a pid of this machine no longer running, on both
 * engines (on PostgreSQL: no connection holds its lock), with or without its START; this
 * process, never; a process of another machine: on SQLite not known (one machine's
 * database), on PostgreSQL gone (no connection of it); a holder not "KIND:HOST:PID:START",
 * never. */
static void gone(void **state)
{
	struct store_fixture_two *t = *state;
	char dead[STORE_LEASE_HOLDER_MAX];
	bool g = true;

	store_fixture_gone_holder("host", dead, sizeof dead);
	assert_int_equal(store_lease_gone(t->b, dead, &g), STORE_OK);
	assert_true(g);
	dead[strlen(dead) - 2] = '\0'; /* KIND:HOST:PID, as older possums wrote a close's owner */
	assert_int_equal(store_lease_gone(t->b, dead, &g), STORE_OK);
	assert_true(g);
	assert_int_equal(store_lease_gone(t->b, A, &g), STORE_OK);
	assert_false(g);
	assert_int_equal(store_lease_gone(t->b, "host:elsewhere:1:1", &g), STORE_OK);
	assert_int_equal(g, store_fixture_pg());
	assert_int_equal(store_lease_gone(t->b, "settle", &g), STORE_OK);
	assert_false(g);
	assert_int_equal(store_lease_gone(t->b, "", &g), STORE_EARG);
}

/* A gone holder's lease is taken over at once, its time still running: the new holder's since
 * now; a live holder's is refused. */
static void taken_from_gone(void **state)
{
	struct store_fixture_two *t = *state;
	char dead[STORE_LEASE_HOLDER_MAX];
	struct store_lease l;

	store_fixture_gone_holder("host", dead, sizeof dead);
	assert_int_equal(store_lease_take(t->a, "saf", dead, 60000, NULL), STORE_OK);
	assert_int_equal(store_lease_take(t->b, "saf", B, 60000, &l), STORE_OK);
	assert_string_equal(l.holder, B);
	assert_int_equal(l.since_ms, l.now_ms);
	assert_int_equal(l.until_ms - l.now_ms, 60000);
	assert_int_equal(store_lease_take(t->a, "saf", A, 60000, &l), STORE_EBUSY);
	assert_string_equal(l.holder, B);
}

/* Four take over a gone holder's lease at once: one wins. */
static void raced_gone(void **state)
{
	char dead[STORE_LEASE_HOLDER_MAX];

	store_fixture_gone_holder("host", dead, sizeof dead);
	race4(*state, dead);
}

/* A periodic worker's lease: on PostgreSQL one host's, renewed by it each round; on SQLite
 * (one machine, one writer) none needed, every round goes on. */
static void held(void **state)
{
	struct store_fixture_two *t = *state;
	bool pg = store_fixture_pg();

	assert_int_equal(store_lease_needed(t->a), pg);
	assert_int_equal(store_lease_hold(t->a, "saf", A, 10000), STORE_OK);
	assert_int_equal(store_lease_hold(t->b, "saf", B, 10000), pg ? STORE_EBUSY : STORE_OK);
	assert_int_equal(store_lease_hold(t->a, "saf", A, 10000), STORE_OK);
	assert_int_equal(store_lease_get(t->a, "saf", &(struct store_lease){0}),
	                 pg ? STORE_OK : STORE_ENOTFOUND);
}

/* This process's id: KIND:HOST:PID:START, the same on every call. */
static void holder(void **state)
{
	char a[STORE_LEASE_HOLDER_MAX], b[STORE_LEASE_HOLDER_MAX], pid[24];

	(void)state;
	store_lease_holder("host", a);
	store_lease_holder("host", b);
	assert_string_equal(a, b);
	assert_memory_equal(a, "host:", 5);
	snprintf(pid, sizeof pid, ":%ld:", (long)getpid());
	assert_non_null(strstr(a, pid));
	store_lease_holder("admin", b);
	assert_memory_equal(b, "admin:", 6);
}

static void bad(void **state)
{
	struct store_fixture_two *t = *state;
	char name[80];

	memset(name, 'x', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(store_lease_take(t->a, "", "h", 1000, NULL), STORE_EARG);
	assert_int_equal(store_lease_take(t->a, "x", "", 1000, NULL), STORE_EARG);
	assert_int_equal(store_lease_take(t->a, "x", NULL, 1000, NULL), STORE_EARG);
	assert_int_equal(store_lease_take(t->a, "x", "h", 0, NULL), STORE_EARG);
	assert_int_equal(store_lease_take(t->a, name, "h", 1000, NULL), STORE_EARG);
	assert_int_equal(store_lease_renew(t->a, "x", "h", -1), STORE_EARG);
	assert_int_equal(store_lease_release(t->a, "x", ""), STORE_EARG);
	assert_int_equal(store_lease_get(t->a, "x", &(struct store_lease){0}), STORE_ENOTFOUND);
}

int main(void)
{
	store_lease_holder("a", A);
	store_lease_holder("b", B);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(refused, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	    cmocka_unit_test_setup_teardown(taken_over, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	    cmocka_unit_test_setup_teardown(released, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	    cmocka_unit_test_setup_teardown(listed, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	    cmocka_unit_test_setup_teardown(raced, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	    cmocka_unit_test_setup_teardown(held, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	    cmocka_unit_test_setup_teardown(gone, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	    cmocka_unit_test_setup_teardown(taken_from_gone, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	    cmocka_unit_test_setup_teardown(raced_gone, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	    cmocka_unit_test_setup_teardown(holder, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	    cmocka_unit_test_setup_teardown(bad, store_fixture_two_setup,
	                                    store_fixture_two_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
