/* notify_sink.c — the sinks of text messages (a JSON-lines file, an HTTP webhook through
 * libcurl) and the scheduler that delivers the outbox through them (notify_sink.h). */
#include "cli/notify_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "common/text.h"
#include "crypto/crypto.h"

struct notify_sink {
	int kind;             /* enum config_sink */
	int fd;               /* the file; -1 for a webhook */
	pthread_mutex_t lock; /* one line written at a time */
	char url[CONFIG_PATH_MAX];
	long timeout;
};

int notify_sink_open(const struct config_notify *cfg, const char *data_dir, notify_sink **out,
                     char *err, size_t errlen)
{
	notify_sink *k;
	char path[CONFIG_PATH_MAX + 4200];

	*out = NULL;
	if ((k = calloc(1, sizeof *k)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	k->kind = cfg->sink;
	k->fd = -1;
	k->timeout = cfg->timeout;
	pthread_mutex_init(&k->lock, NULL);
	if (k->kind == CONFIG_SINK_WEBHOOK) {
		if (strncmp(cfg->webhook, "http://", 7) != 0 &&
		    strncmp(cfg->webhook, "https://", 8) != 0) {
			snprintf(err, errlen,
			         "[notify] webhook: not an http or https URL: '%.100s'",
			         cfg->webhook);
			goto fail;
		}
		snprintf(k->url, sizeof k->url, "%s", cfg->webhook);
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			snprintf(err, errlen, "libcurl does not start");
			goto fail;
		}
		*out = k;
		return 0;
	}
	if (cfg->file[0] != '\0')
		snprintf(path, sizeof path, "%s", cfg->file);
	else
		snprintf(path, sizeof path, "%s/sms.jsonl", data_dir);
	if ((k->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		goto fail;
	}
	*out = k;
	return 0;
fail:
	pthread_mutex_destroy(&k->lock);
	free(k);
	return -1;
}

void notify_sink_close(notify_sink *k)
{
	if (k == NULL)
		return;
	if (k->fd >= 0)
		close(k->fd);
	if (k->kind == CONFIG_SINK_WEBHOOK)
		curl_global_cleanup();
	pthread_mutex_destroy(&k->lock);
	free(k);
}

/* A response's body is not read: its status says it all. */
static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

static int post(notify_sink *k, const char *body, char why[NOTIFY_SINK_WHY_MAX])
{
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	CURL *c = curl_easy_init();
	long status = 0;
	CURLcode rc;
	int ok = -1;

	if (c == NULL || headers == NULL) {
		snprintf(why, NOTIFY_SINK_WHY_MAX, "out of memory");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, k->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* called on worker threads */
	curl_easy_setopt(c, CURLOPT_TIMEOUT, k->timeout);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	if ((rc = curl_easy_perform(c)) != CURLE_OK) {
		snprintf(why, NOTIFY_SINK_WHY_MAX, "%s",
		         rc == CURLE_OPERATION_TIMEDOUT ? "timeout" : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		snprintf(why, NOTIFY_SINK_WHY_MAX, "http %ld", status);
		goto out;
	}
	ok = 0;
out:
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
	return ok;
}

/* Appends line and a newline in one write and, when sync, makes the file durable. */
static int append(notify_sink *k, const char *line, bool sync, char why[NOTIFY_SINK_WHY_MAX])
{
	size_t len = strlen(line);
	int ok = -1;

	pthread_mutex_lock(&k->lock);
	if (write(k->fd, line, len) != (ssize_t)len || write(k->fd, "\n", 1) != 1)
		snprintf(why, NOTIFY_SINK_WHY_MAX, "write failed");
	else if (sync && fsync(k->fd) != 0)
		snprintf(why, NOTIFY_SINK_WHY_MAX, "fsync failed");
	else
		ok = 0;
	pthread_mutex_unlock(&k->lock);
	return ok;
}

/* One message to the sink; a file sink syncs it when sync (a batch syncs once, at its end). */
static int send_one(notify_sink *k, int64_t id, const char *phone, const char *text, bool sync,
                    char why[NOTIFY_SINK_WHY_MAX])
{
	json_t *o = json_object();
	char ts[TEXT_UTC_LEN], *line = NULL;
	int rc = -1;

	why[0] = '\0';
	if (o == NULL)
		goto nomem;
	if (k->kind == CONFIG_SINK_FILE) {
		text_utc((int64_t)time(NULL), ts);
		json_object_set_new(o, "ts", json_string(ts));
	} else if (id != 0) {
		json_object_set_new(o, "id", json_integer(id));
	}
	json_object_set_new(o, "phone", json_string(phone));
	json_object_set_new(o, "text", json_string(text));
	if (k->kind == CONFIG_SINK_FILE && id != 0)
		json_object_set_new(o, "id", json_integer(id));
	if ((line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
		goto nomem;
	rc = k->kind == CONFIG_SINK_FILE ? append(k, line, sync, why) : post(k, line, why);
	crypto_wipe(line, strlen(line));
	free(line);
	json_decref(o);
	return rc;
nomem:
	json_decref(o);
	snprintf(why, NOTIFY_SINK_WHY_MAX, "out of memory");
	return -1;
}

int notify_sink_send(notify_sink *k, int64_t id, const char *phone, const char *text,
                     char why[NOTIFY_SINK_WHY_MAX])
{
	return send_one(k, id, phone, text, true, why);
}

/* ---- Delivery: take, send, report ---- */

/* log_event(), or nothing without a log (tests). */
static void note(possum_log *log, int level, const char *event, json_t *fields)
{
	if (log != NULL)
		log_event(log, level, event, fields);
	else
		json_decref(fields);
}

static int batch_take(store *s, hsm *h, const hsm_key *data_key, int64_t now,
                      struct notify_batch *b, possum_log *log)
{
	size_t dead = 0;
	int rc = notify_due(s, h, data_key, now, b->d, NOTIFY_BATCH, &b->n, &dead);

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

/* Sends the batch; a file sink is synced once for all of it, and if that fails none counts as
 * delivered. */
static void batch_send(notify_sink *k, struct notify_batch *b)
{
	bool file = k->kind == CONFIG_SINK_FILE;
	int synced = 0;

	for (size_t i = 0; i < b->n; i++)
		b->sent[i] = send_one(k, b->d[i].id, b->d[i].phone, b->d[i].text, !file, b->why[i]);
	if (file && b->n > 0) {
		pthread_mutex_lock(&k->lock);
		synced = fsync(k->fd);
		pthread_mutex_unlock(&k->lock);
	}
	for (size_t i = 0; i < b->n && synced != 0; i++)
		if (b->sent[i] == 0) {
			b->sent[i] = -1;
			snprintf(b->why[i], NOTIFY_SINK_WHY_MAX, "fsync failed");
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
		if (b->sent[i] == 0) {
			rc = notify_delivered(s, d->id, now);
			delivered += rc == NOTIFY_OK;
		} else {
			rc = notify_failed(s, d->id, now, max_attempts, b->why[i], &dead);
		}
		if (rc != NOTIFY_OK)
			note(log, LOG_ERROR, "notify_failed",
			     json_pack("{s:I, s:s, s:s}", "id", (json_int_t)d->id, "error",
			               notify_strerror(rc), "store", store_errmsg(s)));
		else if (b->sent[i] == 0)
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
	int rc;

	if (b == NULL)
		return NOTIFY_ENOMEM;
	if ((rc = batch_take(s, h, data_key, now, b, log)) == NOTIFY_OK) {
		batch_send(k, b);
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
	bool full = ns->batch.n == NOTIFY_BATCH;
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

	batch_send(ns->sink, &ns->batch);
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

	if (ns->busy ||
	    batch_take(ns->store, ns->hsm, ns->data_key, (int64_t)time(NULL), &ns->batch,
	               ns->log) != NOTIFY_OK ||
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
                           const struct config_notify *cfg, possum_log *log)
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
	                                .log = log};
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
