/* scheduler.c — delivering the outbox of text messages through a sink, one round at a time
 * or on a libuv loop (scheduler.h); each round's batch claimed (store_claim.h), so that
 * several hosts on one database share the outbox. */
#include "notify/scheduler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "crypto/crypto.h"
#include "store/store_lease.h"

/* A message of the batch not sent: its claim would have run out before the send's end. It is
 * left to the claim's end, then sent by whichever host claims it. */
#define UNSENT 1

/* ---- Delivery: take, send, report ---- */

/* log_event(), or nothing without a log (tests). */
static void note(possum_log *log, int level, const char *event, json_t *fields)
{
	if (log != NULL)
		log_event(log, level, event, fields);
	else
		json_decref(fields);
}

static int batch_take(store *s, hsm *h, const hsm_key *data_key, const struct store_claim *c,
                      int64_t now, size_t take, struct notify_batch *b, possum_log *log)
{
	size_t dead = 0;
	int rc = notify_due(s, h, data_key, c, now, b->d, take, &b->n, &dead);

	if (rc != NOTIFY_OK) {
		crypto_wipe(b, sizeof *b); /* a take that failed half-way may hold phones */
		note(log, LOG_ERROR, "notify_failed",
		     json_pack("{s:s, s:s}", "error", notify_strerror(rc), "store",
		               store_errmsg(s)));
	}
	if (dead > 0)
		note(log, LOG_ERROR, "notify_dead",
		     json_pack("{s:I, s:s}", "messages", (json_int_t)dead, "why",
		               "phone_unreadable"));
	return rc;
}

/* Sends the batch, then has the sink make it durable (a file: one fsync for all of it); if
 * that fails none counts as delivered. With timeout (seconds, 0: none), a message is sent
 * only if a send started now ends before its claim runs out (by the clock): else UNSENT. */
static void batch_send(notify_sink *k, struct notify_batch *b, int64_t timeout)
{
	char why[NOTIFY_SINK_WHY_MAX];

	for (size_t i = 0; i < b->n; i++)
		b->sent[i] = timeout > 0 && (int64_t)time(NULL) + timeout >= b->d[i].claim.until
		                 ? UNSENT
		                 : k->ops->send(k, b->d[i].id, b->d[i].phone, b->d[i].text, false,
		                                b->why[i]);
	if (b->n == 0 || k->ops->flush == NULL || k->ops->flush(k, why) == NOTIFY_OK)
		return;
	for (size_t i = 0; i < b->n; i++)
		if (b->sent[i] == NOTIFY_OK) {
			b->sent[i] = NOTIFY_ESINK;
			snprintf(b->why[i], NOTIFY_SINK_WHY_MAX, "%s", why);
		}
}

/* Records each outcome in the transaction the caller has open and wipes the batch; the
 * number delivered. */
static int batch_record(store *s, int64_t now, int max_attempts, struct notify_batch *b,
                        possum_log *log)
{
	int delivered = 0, rc;
	bool dead;

	for (size_t i = 0; i < b->n; i++) {
		const struct notify_delivery *d = &b->d[i];

		dead = false;
		if (b->sent[i] == UNSENT)
			continue;
		if (b->sent[i] == NOTIFY_OK) {
			rc = notify_delivered(s, d->id, &d->claim, now);
			delivered += rc == NOTIFY_OK;
		} else {
			rc =
			    notify_failed(s, d->id, &d->claim, now, max_attempts, b->why[i], &dead);
		}
		if (rc == NOTIFY_ENOTFOUND) /* its claim ran out: another host took it over */
			note(log, LOG_WARN, "notify_claim_lost",
			     json_pack("{s:I, s:b}", "id", (json_int_t)d->id, "sent",
			               b->sent[i] == NOTIFY_OK));
		else if (rc != NOTIFY_OK)
			note(log, LOG_ERROR, "notify_failed",
			     json_pack("{s:I, s:s, s:s}", "id", (json_int_t)d->id, "error",
			               notify_strerror(rc), "store", store_errmsg(s)));
		else if (b->sent[i] == NOTIFY_OK)
			note(log, LOG_DEBUG, "notify_delivered",
			     json_pack("{s:I, s:i}", "id", (json_int_t)d->id, "attempt",
			               d->attempts + 1));
		else
			note(log, dead ? LOG_ERROR : LOG_WARN,
			     dead ? "notify_dead" : "notify_retry",
			     json_pack("{s:I, s:i, s:s}", "id", (json_int_t)d->id, "attempt",
			               d->attempts + 1, "why", b->why[i]));
	}
	crypto_wipe(b, sizeof *b);
	return delivered;
}

/* batch_record() in a transaction of its own: one commit for the round. */
static int batch_report(store *s, int64_t now, int max_attempts, struct notify_batch *b,
                        possum_log *log)
{
	bool txn = b->n > 0 && store_begin(s) == STORE_OK;
	int delivered = batch_record(s, now, max_attempts, b, log);

	if (txn && store_commit(s) != STORE_OK) {
		store_rollback(s);
		note(log, LOG_ERROR, "notify_failed",
		     json_pack("{s:s, s:s}", "error", "commit", "store", store_errmsg(s)));
		delivered = 0; /* delivered again next round, with the same ids */
	}
	return delivered;
}

int notify_deliver_due(store *s, hsm *h, const hsm_key *data_key, notify_sink *k, int64_t now,
                       int max_attempts, possum_log *log)
{
	struct notify_batch *b = malloc(sizeof *b); /* a third of a megabyte: not on the stack */
	char holder[STORE_LEASE_HOLDER_MAX];
	int rc;

	if (b == NULL)
		return NOTIFY_ENOMEM;
	store_lease_holder("notify", holder);
	if ((rc =
	         batch_take(s, h, data_key, &(struct store_claim){holder, now + NOTIFY_ROUND_CLAIM},
	                    now, NOTIFY_BATCH, b, log)) == NOTIFY_OK) {
		batch_send(k, b, 0);
		rc = batch_report(s, now, max_attempts, b, log);
	}
	free(b);
	return rc;
}

/* ---- The scheduler ---- */

static void on_tick(uv_timer_t *t);

/* Records the sent round's outcomes: in the caller's transaction (joined), else in one of
 * its own. The next round may then take from the outbox, at once when this one was full:
 * more is waiting. */
static int round_record(struct notify_scheduler *ns, bool own_txn)
{
	bool full = ns->batch.n == ns->take;
	int64_t now = (int64_t)time(NULL);
	int delivered = own_txn
	                    ? batch_report(ns->store, now, ns->max_attempts, &ns->batch, ns->log)
	                    : batch_record(ns->store, now, ns->max_attempts, &ns->batch, ns->log);

	ns->busy = ns->sent = false;
	if (full && !ns->closed)
		uv_timer_start(&ns->timer, on_tick, 0, ns->interval_ms);
	return delivered;
}

static void on_work(uv_work_t *w)
{
	struct notify_scheduler *ns = w->data;

	batch_send(ns->sink, &ns->batch, ns->timeout);
}

static void on_work_done(uv_work_t *w, int status)
{
	struct notify_scheduler *ns = w->data;

	(void)status; /* never cancelled */
	ns->sent = true;
	/* Joined, the host's next batch records it; stopping, there may be none. */
	if (!ns->joined || ns->closed)
		round_record(ns, true);
}

static void on_tick(uv_timer_t *t)
{
	struct notify_scheduler *ns = t->data;
	int64_t now = (int64_t)time(NULL);
	struct store_claim c = {ns->holder, now + 2 * ns->timeout};

	if (ns->busy ||
	    batch_take(ns->store, ns->hsm, ns->data_key, &c, now, ns->take, &ns->batch, ns->log) !=
	        NOTIFY_OK ||
	    ns->batch.n == 0)
		return;
	ns->busy = true;
	ns->work.data = ns;
	if (uv_queue_work(ns->loop, &ns->work, on_work, on_work_done) != 0) {
		crypto_wipe(&ns->batch, sizeof ns->batch);
		ns->busy = false;
	}
}

int notify_scheduler_start(struct notify_scheduler *ns, uv_loop_t *loop, store *s, bool joined,
                           hsm *h, const hsm_key *data_key, notify_sink *sink,
                           const struct notify_config *cfg, possum_log *log)
{
	int rc;

	*ns = (struct notify_scheduler){.loop = loop,
	                                .store = s,
	                                .joined = joined,
	                                .hsm = h,
	                                .data_key = data_key,
	                                .sink = sink,
	                                .max_attempts = cfg->max_attempts,
	                                .interval_ms = (uint64_t)cfg->interval * 1000,
	                                .timeout = cfg->timeout > 0 ? cfg->timeout : 1,
	                                .take = cfg->batch >= 1 && cfg->batch <= NOTIFY_BATCH
	                                            ? (size_t)cfg->batch
	                                            : NOTIFY_BATCH,
	                                .log = log};
	store_lease_holder("host", ns->holder);
	if ((rc = uv_timer_init(loop, &ns->timer)) != 0)
		return rc;
	ns->timer.data = ns;
	return uv_timer_start(&ns->timer, on_tick, 0, ns->interval_ms);
}

bool notify_scheduler_due(const struct notify_scheduler *ns)
{
	return ns->sent;
}

int notify_scheduler_report(struct notify_scheduler *ns)
{
	return ns->sent ? round_record(ns, false) : 0;
}

/* A round sent and still waiting for a batch is recorded now: there may be no batch. */
static void on_timer_closed(uv_handle_t *handle)
{
	struct notify_scheduler *ns = handle->data;

	if (ns->sent)
		round_record(ns, true);
}

void notify_scheduler_stop(struct notify_scheduler *ns)
{
	ns->closed = true; /* from now on no round starts, and a sent one records itself */
	uv_timer_stop(&ns->timer);
	uv_close((uv_handle_t *)&ns->timer, on_timer_closed);
}
