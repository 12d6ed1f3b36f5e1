/* review.c — the host's periodic merchant review (internal.h "The merchant review"): a timer on
 * the loop looks, now and then, whether the latest review kept is [risk] review_days old; when
 * it is, risk_review_run() grades every merchant on a thread of libuv's pool, in an environment
 * of its own (a store connection, the hsm and the merchant module, which suspends a merchant
 * graded D), and the loop logs what it found. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "host/internal.h"
#include "risk/risk_review.h"
#include "store/store_review.h"

#define REVIEW_FIRST_MS 2000             /* the first look, after the start */
#define REVIEW_EVERY_MS (60 * 60 * 1000) /* then once an hour */

static int count(void *ctx, const struct risk_review_result *r)
{
	struct host_reviewer *v = ctx;

	if (r->grade >= 'A' && r->grade <= 'D')
		v->grades[r->grade - 'A']++;
	v->suspended += r->suspended;
	return 0;
}

/* On the pool's thread: the environment opened, every merchant reviewed, closed again. */
static void review_work(uv_work_t *w)
{
	struct host_reviewer *v = w->data;
	struct host_env env;
	struct risk_review_params p;

	memset(v->grades, 0, sizeof v->grades);
	v->suspended = 0;
	if (host_env_start(&env, v->prog, v->config, v->data, HOST_NEED_MERCHANT) != HOST_OK) {
		v->rc = RISK_REVIEW_ESTORE;
		return;
	}
	p = (struct risk_review_params){.s = env.data.store,
	                                .mm = env.merchant,
	                                .now = time(NULL),
	                                .utc_offset = env.cfg.utc_offset,
	                                .by = "host"};
	v->rc = risk_review_run(&p, count, v);
	host_env_close(&env);
}

static void review_done(uv_work_t *w, int status)
{
	struct host_reviewer *v = w->data;

	v->busy = false;
	if (status != 0 || v->rc != RISK_REVIEW_OK) {
		log_event(
		    v->log, LOG_ERROR, "risk_review",
		    json_pack("{s:s, s:s}", "phase", "end", "error",
		              status != 0 ? uv_strerror(status) : risk_review_strerror(v->rc)));
		return;
	}
	log_event(v->log, LOG_INFO, "risk_review",
	          json_pack("{s:s, s:{s:I, s:I, s:I, s:I}, s:I, s:I}", "phase", "end", "grades",
	                    "A", (json_int_t)v->grades[0], "B", (json_int_t)v->grades[1], "C",
	                    (json_int_t)v->grades[2], "D", (json_int_t)v->grades[3], "suspended",
	                    (json_int_t)v->suspended, "ms",
	                    (json_int_t)(uv_now(v->loop) - v->started)));
}

static void on_tick(uv_timer_t *t)
{
	struct host_reviewer *v = t->data;
	int64_t last = 0, now = time(NULL);
	int rc;

	if (v->busy)
		return;
	if ((rc = store_review_last(v->store, &last)) != STORE_OK) {
		log_event(v->log, LOG_WARN, "risk_review",
		          json_pack("{s:s, s:s}", "phase", "look", "error", store_strerror(rc)));
		return;
	}
	if (now - last < (int64_t)v->days * 86400)
		return;
	log_event(v->log, LOG_INFO, "risk_review",
	          json_pack("{s:s, s:i, s:I}", "phase", "start", "review_days", v->days, "last",
	                    (json_int_t)last));
	v->busy = true;
	v->started = uv_now(v->loop);
	v->work.data = v;
	if (uv_queue_work(v->loop, &v->work, review_work, review_done) != 0)
		v->busy = false;
}

int host_reviewer_start(struct host_reviewer *v, uv_loop_t *loop, store *s, int days,
                        possum_log *log, const char *prog, const char *config, const char *data)
{
	int rc;

	*v = (struct host_reviewer){.loop = loop,
	                            .store = s,
	                            .days = days,
	                            .log = log,
	                            .prog = prog,
	                            .config = config,
	                            .data = data};
	if (days <= 0)
		return 0;
	if ((rc = uv_timer_init(loop, &v->timer)) != 0)
		return rc;
	v->timer.data = v;
	v->started_timer = true;
	return uv_timer_start(&v->timer, on_tick, REVIEW_FIRST_MS, REVIEW_EVERY_MS);
}

static void on_closed(uv_handle_t *h)
{
	(void)h;
}

void host_reviewer_stop(struct host_reviewer *v)
{
	if (!v->started_timer)
		return;
	uv_timer_stop(&v->timer);
	uv_close((uv_handle_t *)&v->timer, on_closed);
	v->started_timer = false;
}
