/* test_notify_hosts.c — the notification scheduler with several hosts on one database: two
 * schedulers on one loop, each on its own store connection (a file, or with POSSUM_TEST_PG one
 * PostgreSQL schema) with its own lease holder and its own file sink, as two hosts. On
 * PostgreSQL the one holding the lease "notify" delivers every message and the other none; it
 * stops (dies), and once its lease has run out a third takes over and delivers what comes
 * next. On SQLite (one machine, one host) no lease is taken: every message is delivered. */
#include "notify/notify_fixture.h"

#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "notify/scheduler.h"
#include "notify/sink.h"
#include "store/store_lease.h"
#include "store/store_notify.h"

#define N 3 /* messages a round */

struct host {
	store *s;
	notify_sink *k;
	struct notify_scheduler ns;
	char dir[96];
	bool running;
};

struct run {
	struct notify_fixture *f;
	struct host *h[2];
	int64_t ids[2 * N];
	size_t n;
	int ticks;
	uv_timer_t timer;
};

/* Every message delivered? */
static bool all_delivered(struct run *r)
{
	struct store_notify row;

	for (size_t i = 0; i < r->n; i++) {
		assert_int_equal(store_notify_get(r->f->sf.s, r->ids[i], &row), STORE_OK);
		if (row.state != STORE_NOTIFY_DELIVERED)
			return false;
	}
	return true;
}

/* Looks every 50 ms; stops the schedulers still running once all is delivered (or after a
 * minute: the test then fails on the rows, not on a time). */
static void on_watch(uv_timer_t *t)
{
	struct run *r = t->data;

	if (!all_delivered(r) && ++r->ticks < 1200)
		return;
	uv_close((uv_handle_t *)t, NULL);
	for (int i = 0; i < 2; i++)
		if (r->h[i]->running) {
			notify_scheduler_stop(&r->h[i]->ns);
			r->h[i]->running = false;
		}
}

static void start(struct notify_fixture *f, struct host *h, uv_loop_t *loop, const char *name)
{
	struct notify_config cfg;
	char err[256];

	notify_config_defaults(&cfg);
	cfg.interval = 1;
	snprintf(h->dir, sizeof h->dir, "%s/%s", f->sf.dir, name);
	assert_int_equal(mkdir(h->dir, 0700), 0);
	assert_int_equal(notify_file_open(&cfg, h->dir, &h->k, err, sizeof err), NOTIFY_OK);
	assert_int_equal(
	    notify_scheduler_start(&h->ns, loop, h->s, false, f->h, &f->key, h->k, &cfg, NULL), 0);
	store_lease_holder(name, h->ns.holder); /* this process's: one that runs */
	h->running = true;
}

/* Messages N more put in the outbox, due now. */
static void enqueue(struct run *r)
{
	struct notify_message m = test_message();

	m.at = (int64_t)time(NULL);
	for (int i = 0; i < N; i++)
		assert_int_equal(
		    notify_enqueue(r->f->sf.s, r->f->h, &r->f->key, &m, &r->ids[r->n++]),
		    NOTIFY_OK);
}

/* The loop run until every message is delivered and the schedulers stopped. */
static void run_loop(struct run *r, uv_loop_t *loop)
{
	r->ticks = 0;
	uv_timer_init(loop, &r->timer);
	r->timer.data = r;
	uv_timer_start(&r->timer, on_watch, 50, 50);
	assert_int_equal(uv_run(loop, UV_RUN_DEFAULT), 0);
	assert_true(all_delivered(r));
}

/* Lines in host h's sink file. */
static int lines(const struct host *h)
{
	char path[160], buf[4096];
	int n = 0;
	FILE *fp;

	snprintf(path, sizeof path, "%s/sms.jsonl", h->dir);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(buf, sizeof buf, fp) != NULL)
		n++;
	fclose(fp);
	return n;
}

static void one_host_delivers(void **state)
{
	struct notify_fixture *f = *state;
	struct host a = {.s = f->sf.s}, b = {0}, c = {0};
	struct run r = {.f = f, .h = {&a, &b}};
	bool pg = store_fixture_pg();
	struct store_lease l;
	uv_loop_t loop;

	assert_int_equal(store_open(f->sf.path, &b.s), STORE_OK);
	assert_int_equal(uv_loop_init(&loop), 0);
	enqueue(&r);
	start(f, &a, &loop, "a");
	start(f, &b, &loop, "b");
	run_loop(&r, &loop);
	if (pg) { /* the first to tick took the lease and delivered all, the other none */
		assert_int_equal(lines(&a) + lines(&b), N);
		assert_true(lines(&a) == 0 || lines(&b) == 0);
	} else {
		assert_true(lines(&a) + lines(&b) >= N);
	}
	/* The holder dies; a third host on the other's connection takes over once the lease has
	 * run out (3 intervals, 10 s at least: made to have run out here) and delivers what comes
	 * next. */
	c.s = lines(&a) > 0 ? b.s : a.s;
	r.h[0] = &c, r.h[1] = lines(&a) > 0 ? &a : &b;
	if (pg)
		store_fixture_sql(f->sf.path,
		                  "UPDATE leases SET until_ms = 0 WHERE name = 'notify'");
	enqueue(&r);
	start(f, &c, &loop, "c");
	run_loop(&r, &loop);
	assert_int_equal(lines(&c), N);
	assert_int_equal(store_lease_get(f->sf.s, "notify", &l), pg ? STORE_OK : STORE_ENOTFOUND);
	if (pg)
		assert_string_equal(l.holder, c.ns.holder);
	assert_int_equal(uv_loop_close(&loop), 0);
	notify_sink_close(a.k);
	notify_sink_close(b.k);
	notify_sink_close(c.k);
	store_close(b.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(one_host_delivers, notify_fixture_setup,
	                                    notify_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
