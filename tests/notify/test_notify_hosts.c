/* test_notify_hosts.c — the notification scheduler with several hosts on one database: two
 * schedulers on one loop, each on its own store connection (a file, or with POSSUM_TEST_PG one
 * PostgreSQL schema) with its own claim holder and its own file sink, as two hosts, claiming
 * 4 messages a round. They share the outbox (store_claim.h): every message is delivered
 * exactly once, some by each; the 4 a third host claimed and never reported (it was killed
 * mid-round) are delivered by them once its claim has run out, and its late report is
 * refused. The same on both engines. */
#include "notify/notify_fixture.h"

#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "notify/scheduler.h"
#include "notify/sink.h"
#include "crypto/crypto.h"
#include "store/store_lease.h"
#include "store/store_notify.h"

#define N    40 /* messages in the outbox */
#define TAKE 4  /* messages a round claims */

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
	int64_t ids[N];
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
	cfg.batch = TAKE;
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

static void hosts_share_the_outbox(void **state)
{
	struct notify_fixture *f = *state;
	struct host a = {.s = f->sf.s}, b = {0};
	struct run r = {.f = f, .h = {&a, &b}};
	struct store_claim killed = {"host:killed:1:1", 0};
	int64_t now;
	struct notify_delivery d[TAKE];
	size_t n;
	uv_loop_t loop;

	assert_int_equal(store_open(f->sf.path, &b.s), STORE_OK);
	assert_int_equal(uv_loop_init(&loop), 0);
	enqueue(&r);
	now = (int64_t)time(NULL); /* after the messages' time: each due */
	killed.until = now + 2;
	/* A host claims a round, then is killed before it reports. */
	assert_int_equal(notify_due(f->sf.s, f->h, &f->key, &killed, now, d, TAKE, &n, NULL),
	                 NOTIFY_OK);
	assert_int_equal(n, TAKE);
	start(f, &a, &loop, "a");
	start(f, &b, &loop, "b");
	run_loop(&r, &loop); /* the killed host's 4 too, once its claim has run out */
	printf("40 messages: host a delivered %d, host b %d\n", lines(&a), lines(&b));
	assert_int_equal(lines(&a) + lines(&b), N);
	assert_true(lines(&a) > 0 && lines(&b) > 0);
	/* The killed host's report, late: its claim was taken over, nothing written. */
	assert_int_equal(notify_delivered(f->sf.s, d[0].id, &d[0].claim, now), NOTIFY_ENOTFOUND);
	crypto_wipe(d, sizeof d);
	assert_int_equal(uv_loop_close(&loop), 0);
	notify_sink_close(a.k);
	notify_sink_close(b.k);
	store_close(b.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(hosts_share_the_outbox, notify_fixture_setup,
	                                    notify_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
