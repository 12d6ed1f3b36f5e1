/* test_notify_sink.c — the sinks of text messages and delivery through them: the file sink's
 * JSON lines (mode 0600, with and without an outbox id); a webhook on a real local HTTP
 * server (libmicrohttpd, port 0) that answers 500 then 200, so the message is retried after
 * its backoff and then delivered, body checked; a webhook nobody listens on; a message dead
 * after its last attempt; bad sink settings refused; and the scheduler delivering on a
 * libuv loop. */
#include "notify/notify_fixture.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/jsonval.h"
#include "notify/scheduler.h"
#include "notify/sink.h"
#include "notify/webhook.h"

/* ---- a webhook: answers each POST with the next status of its script ---- */

struct server {
	struct MHD_Daemon *d;
	int port;
	unsigned statuses[4];
	size_t n_statuses;
	int requests;
	char body[1024]; /* the last request's */
};

struct upload {
	char buf[1024];
	size_t len;
};

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
	struct server *srv = cls;
	struct upload *u = *con_cls;
	struct MHD_Response *r;
	unsigned status;
	enum MHD_Result rc;

	(void)url;
	(void)version;
	if (u == NULL) {
		if ((u = calloc(1, sizeof *u)) == NULL)
			return MHD_NO;
		*con_cls = u;
		return MHD_YES;
	}
	if (*data_size > 0) {
		size_t n = *data_size < sizeof u->buf - 1 - u->len ? *data_size
		                                                   : sizeof u->buf - 1 - u->len;
		memcpy(u->buf + u->len, data, n);
		u->len += n;
		*data_size = 0;
		return MHD_YES;
	}
	status = strcmp(method, "POST") != 0               ? 405
	         : (size_t)srv->requests < srv->n_statuses ? srv->statuses[srv->requests]
	                                                   : 200;
	memcpy(srv->body, u->buf, u->len + 1);
	srv->requests++;
	r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)c;
	(void)why;
	free(*con_cls);
	*con_cls = NULL;
}

static void server_start(struct server *srv)
{
	const union MHD_DaemonInfo *info;

	srv->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, srv,
	                          MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	assert_non_null(srv->d);
	info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(info);
	srv->port = info->port;
	assert_true(srv->port > 0);
}

static struct notify_config webhook_config(int port)
{
	struct notify_config cfg;

	notify_config_defaults(&cfg);
	snprintf(cfg.webhook, sizeof cfg.webhook, "http://127.0.0.1:%d/sms", port);
	cfg.sink = NOTIFY_SINK_WEBHOOK;
	cfg.timeout = 10;
	return cfg;
}

static struct store_notify row_of(struct notify_fixture *f, int64_t id)
{
	struct store_notify r;

	assert_int_equal(store_notify_get(f->sf.s, id, &r), STORE_OK);
	return r;
}

/* ---- the file sink ---- */

static void file_sink_writes_json_lines(void **state)
{
	struct notify_fixture *f = *state;
	struct notify_config cfg;
	char err[256], why[NOTIFY_SINK_WHY_MAX], path[160], *all;
	notify_sink *k;
	struct stat st;
	json_t *line;
	json_error_t jerr;
	size_t len;
	FILE *fp;
	int64_t id;

	notify_config_defaults(&cfg);
	assert_int_equal(notify_file_open(&cfg, f->sf.dir, &k, err, sizeof err), NOTIFY_OK);
	assert_int_equal(notify_sink_send(k, 0, "13800001111", "code 123456", why), NOTIFY_OK);
	struct notify_message m = test_message();
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, &id), NOTIFY_OK);
	assert_int_equal(notify_deliver_due(f->sf.s, f->h, &f->key, k, T_NOW, 8, NULL), 1);
	assert_int_equal(row_of(f, id).state, STORE_NOTIFY_DELIVERED);
	assert_int_equal(notify_deliver_due(f->sf.s, f->h, &f->key, k, T_NOW + 60, 8, NULL), 0);
	notify_sink_close(k);

	snprintf(path, sizeof path, "%s/sms.jsonl", f->sf.dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_non_null(fp = fopen(path, "r"));
	assert_int_equal(cli_read_all(fp, &all, &len), 0);
	fclose(fp);
	/* Two lines: the one-time code without an id, the notification with its own. */
	assert_non_null(strstr(all, "\"phone\":\"13800001111\",\"text\":\"code 123456\"}\n"));
	line = json_loads(strchr(all, '\n') + 1, JSON_DISABLE_EOF_CHECK, &jerr);
	assert_non_null(line);
	assert_non_null(json_string_value(json_object_get(line, "ts")));
	assert_string_equal(json_string_value(json_object_get(line, "phone")), T_PHONE);
	assert_string_equal(json_string_value(json_object_get(line, "text")),
	                    "您尾号1234的卡于2026-11-22 10:30在某某商户消费 CNY 12.34元");
	assert_true(json_integer_value(json_object_get(line, "id")) == id);
	assert_int_equal(strlen(all) - (size_t)(strrchr(all, '\n') - all), 1); /* 2 lines */
	json_decref(line);
	free(all);

	/* A file named in the config, and one that cannot be opened. */
	snprintf(cfg.file, sizeof cfg.file, "%s/other.jsonl", f->sf.dir);
	assert_int_equal(notify_file_open(&cfg, f->sf.dir, &k, err, sizeof err), NOTIFY_OK);
	notify_sink_close(k);
	assert_int_equal(access(cfg.file, F_OK), 0);
	snprintf(cfg.file, sizeof cfg.file, "%s/no/such/dir.jsonl", f->sf.dir);
	assert_int_equal(notify_file_open(&cfg, f->sf.dir, &k, err, sizeof err), NOTIFY_EIO);
	assert_null(k);
	assert_non_null(strstr(err, "cannot open"));
}

/* The whole of the file at path, a heap string. */
static char *read_whole(const char *path)
{
	char *all;
	size_t len;
	FILE *fp;

	assert_non_null(fp = fopen(path, "r"));
	assert_int_equal(cli_read_all(fp, &all, &len), 0);
	fclose(fp);
	return all;
}

/* line appended to the file at path, as another writer would. */
static void append(const char *path, const char *line)
{
	FILE *fp;

	assert_non_null(fp = fopen(path, "a"));
	fputs(line, fp);
	fclose(fp);
}

/* The file sink's retention: lines dated before file_retention_days ago removed when it opens
 * (an undated line kept), the file still mode 0600; a sink whose file another pruned writes to
 * the new one; 0 keeps every line. */
static void file_sink_prunes_old_lines(void **state)
{
	struct notify_fixture *f = *state;
	struct notify_config cfg;
	char err[256], why[NOTIFY_SINK_WHY_MAX], path[160], recent[JSONVAL_TIME_LEN], *all;
	const char *old = "{\"ts\":\"2000-01-01T00:00:00Z\",\"phone\":\"13911112222\","
	                  "\"text\":\"code 111111\"}\n";
	notify_sink *a, *b;
	struct stat st;
	FILE *fp;

	notify_config_defaults(&cfg);
	snprintf(path, sizeof path, "%s/sms.jsonl", f->sf.dir);
	jsonval_time_text((int64_t)time(NULL) - 6 * 86400, 0, recent);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp,
	        "%s{\"ts\":\"%s\",\"phone\":\"13933334444\",\"text\":\"kept\"}\n"
	        "not a line of ours\n",
	        old, recent);
	fclose(fp);
	assert_int_equal(notify_file_open(&cfg, f->sf.dir, &a, err, sizeof err), NOTIFY_OK);
	all = read_whole(path);
	assert_null(strstr(all, "13911112222"));
	assert_non_null(strstr(all, "13933334444"));
	assert_non_null(strstr(all, "not a line of ours"));
	free(all);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* An old line appended after, pruned by a second sink: the first writes to the new file. */
	append(path, old);
	assert_int_equal(notify_file_open(&cfg, f->sf.dir, &b, err, sizeof err), NOTIFY_OK);
	assert_int_equal(notify_sink_send(a, 0, "13955556666", "after", why), NOTIFY_OK);
	assert_int_equal(notify_sink_send(b, 0, "13977778888", "after", why), NOTIFY_OK);
	notify_sink_close(a);
	notify_sink_close(b);
	all = read_whole(path);
	assert_null(strstr(all, "13911112222"));
	assert_non_null(strstr(all, "13955556666"));
	assert_non_null(strstr(all, "13977778888"));
	free(all);

	/* 0: for ever. */
	cfg.file_retention_days = 0;
	append(path, old);
	assert_int_equal(notify_file_open(&cfg, f->sf.dir, &a, err, sizeof err), NOTIFY_OK);
	notify_sink_close(a);
	all = read_whole(path);
	assert_non_null(strstr(all, "13911112222"));
	free(all);
}

/* ---- the webhook ---- */

static void webhook_retries_then_delivers(void **state)
{
	struct notify_fixture *f = *state;
	struct server srv = {.statuses = {500, 503}, .n_statuses = 2};
	struct notify_message m = test_message();
	struct notify_config cfg;
	char err[256];
	notify_sink *k;
	json_t *body;
	json_error_t jerr;
	int64_t id;

	server_start(&srv);
	cfg = webhook_config(srv.port);
	assert_int_equal(notify_webhook_open(&cfg, &k, err, sizeof err), NOTIFY_OK);
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, &id), NOTIFY_OK);

	assert_int_equal(notify_deliver_due(f->sf.s, f->h, &f->key, k, T_NOW, 8, NULL), 0);
	assert_int_equal(srv.requests, 1);
	assert_int_equal(row_of(f, id).attempts, 1);
	assert_string_equal(row_of(f, id).error, "http 500");
	/* Not again before its backoff. */
	assert_int_equal(notify_deliver_due(f->sf.s, f->h, &f->key, k, T_NOW + 9, 8, NULL), 0);
	assert_int_equal(srv.requests, 1);
	assert_int_equal(notify_deliver_due(f->sf.s, f->h, &f->key, k, T_NOW + 10, 8, NULL), 0);
	assert_int_equal(srv.requests, 2);
	assert_string_equal(row_of(f, id).error, "http 503");
	assert_int_equal(notify_deliver_due(f->sf.s, f->h, &f->key, k, T_NOW + 39, 8, NULL), 0);
	assert_int_equal(srv.requests, 2);
	assert_int_equal(notify_deliver_due(f->sf.s, f->h, &f->key, k, T_NOW + 40, 8, NULL), 1);
	assert_int_equal(srv.requests, 3);
	assert_int_equal(row_of(f, id).state, STORE_NOTIFY_DELIVERED);
	assert_int_equal(row_of(f, id).attempts, 2);

	body = json_loads(srv.body, 0, &jerr);
	assert_non_null(body);
	assert_true(json_integer_value(json_object_get(body, "id")) == id);
	assert_string_equal(json_string_value(json_object_get(body, "phone")), T_PHONE);
	assert_string_equal(json_string_value(json_object_get(body, "text")),
	                    "您尾号1234的卡于2026-11-22 10:30在某某商户消费 CNY 12.34元");
	assert_int_equal(json_object_size(body), 3);
	json_decref(body);

	/* Delivered: never sent again. */
	assert_int_equal(notify_deliver_due(f->sf.s, f->h, &f->key, k, T_NOW + 86400, 8, NULL), 0);
	assert_int_equal(srv.requests, 3);
	notify_sink_close(k);
	MHD_stop_daemon(srv.d);
}

static void webhook_dead_after_max_attempts(void **state)
{
	struct notify_fixture *f = *state;
	struct server srv = {.statuses = {500, 500, 500}, .n_statuses = 3};
	struct notify_message m = test_message();
	struct notify_config cfg;
	char err[256];
	notify_sink *k;
	int64_t id, now = T_NOW;

	server_start(&srv);
	cfg = webhook_config(srv.port);
	assert_int_equal(notify_webhook_open(&cfg, &k, err, sizeof err), NOTIFY_OK);
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, &id), NOTIFY_OK);
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(notify_deliver_due(f->sf.s, f->h, &f->key, k, now, 3, NULL), 0);
		now += notify_backoff(i);
	}
	assert_int_equal(srv.requests, 3);
	assert_int_equal(row_of(f, id).state, STORE_NOTIFY_DEAD);
	assert_int_equal(notify_deliver_due(f->sf.s, f->h, &f->key, k, now + 86400, 3, NULL), 0);
	assert_int_equal(srv.requests, 3);
	notify_sink_close(k);
	MHD_stop_daemon(srv.d);
}

static void webhook_unreachable_and_bad_settings(void **state)
{
	struct server srv = {0};
	struct notify_config cfg;
	char err[256], why[NOTIFY_SINK_WHY_MAX];
	notify_sink *k;
	int port;

	(void)state;
	/* A port that was just free and is closed again: connection refused. */
	server_start(&srv);
	port = srv.port;
	MHD_stop_daemon(srv.d);
	cfg = webhook_config(port);
	assert_int_equal(notify_webhook_open(&cfg, &k, err, sizeof err), NOTIFY_OK);
	assert_int_equal(notify_sink_send(k, 1, T_PHONE, "text", why), NOTIFY_ESINK);
	assert_true(why[0] != '\0');
	assert_null(strstr(why, T_PHONE));
	notify_sink_close(k);

	cfg.webhook[0] = '\0';
	assert_int_equal(notify_webhook_open(&cfg, &k, err, sizeof err), NOTIFY_EARG);
	assert_null(k);
	snprintf(cfg.webhook, sizeof cfg.webhook, "file:///etc/passwd");
	assert_int_equal(notify_webhook_open(&cfg, &k, err, sizeof err), NOTIFY_EARG);
	assert_non_null(strstr(err, "[notify] webhook"));
}

/* ---- the scheduler on a loop ---- */

struct watch {
	struct notify_fixture *f;
	struct notify_scheduler *ns;
	int64_t id;
	int ticks;
	bool joined_checked; /* joined: the outcome seen waiting, then reported */
	uv_timer_t timer;
};

/* Looks at the message every 50 ms; stops everything once it is delivered, or after a
 * minute (the test then fails on its state, not on a time). Joined, it plays the host's
 * batch: the outcome waits for it, unrecorded, until it reports inside its transaction. */
static void on_watch(uv_timer_t *t)
{
	struct watch *w = t->data;

	if (w->ns->joined && notify_scheduler_due(w->ns)) {
		assert_int_equal(row_of(w->f, w->id).state, STORE_NOTIFY_PENDING);
		assert_int_equal(store_begin(w->f->sf.s), STORE_OK);
		assert_int_equal(notify_scheduler_report(w->ns), 1);
		assert_false(notify_scheduler_due(w->ns));
		assert_int_equal(store_commit(w->f->sf.s), STORE_OK);
		w->joined_checked = true;
	}
	if (row_of(w->f, w->id).state != STORE_NOTIFY_DELIVERED && ++w->ticks < 1200)
		return;
	uv_close((uv_handle_t *)t, NULL);
	notify_scheduler_stop(w->ns);
}

/* The scheduler delivers a message through the file sink and records it: alone, in its own
 * commit; joined, in its caller's. */
static void run_scheduler(struct notify_fixture *f, bool joined)
{
	struct notify_message m = test_message();
	struct notify_config cfg;
	struct notify_scheduler ns;
	struct watch w = {.f = f, .ns = &ns};
	char err[256], *all;
	notify_sink *k;
	uv_loop_t loop;
	size_t len;
	FILE *fp;

	notify_config_defaults(&cfg);
	m.at = (int64_t)time(NULL);
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, &w.id), NOTIFY_OK);
	assert_int_equal(notify_file_open(&cfg, f->sf.dir, &k, err, sizeof err), NOTIFY_OK);
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(
	    notify_scheduler_start(&ns, &loop, f->sf.s, joined, f->h, &f->key, k, &cfg, NULL), 0);
	uv_timer_init(&loop, &w.timer);
	w.timer.data = &w;
	uv_timer_start(&w.timer, on_watch, 50, 50);
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(uv_loop_close(&loop), 0);
	notify_sink_close(k);
	assert_int_equal(row_of(f, w.id).state, STORE_NOTIFY_DELIVERED);
	assert_true(w.joined_checked == joined);
	assert_false(notify_scheduler_due(&ns));

	snprintf(err, sizeof err, "%s/sms.jsonl", f->sf.dir);
	assert_non_null(fp = fopen(err, "r"));
	assert_int_equal(cli_read_all(fp, &all, &len), 0);
	fclose(fp);
	assert_non_null(strstr(all, "\"phone\":\"" T_PHONE "\""));
	free(all);
}

static void scheduler_delivers_on_the_loop(void **state)
{
	run_scheduler(*state, false);
}

static void scheduler_joined_waits_for_its_callers_commit(void **state)
{
	run_scheduler(*state, true);
}

/* Joined and stopped with a round sent but not reported: it records the round itself, so
 * nothing is sent twice for want of a batch. */
static void scheduler_joined_records_at_stop(void **state)
{
	struct notify_fixture *f = *state;
	struct notify_message m = test_message();
	struct notify_config cfg;
	struct notify_scheduler ns;
	char err[256];
	notify_sink *k;
	uv_loop_t loop;
	int64_t id;

	notify_config_defaults(&cfg);
	m.at = (int64_t)time(NULL);
	assert_int_equal(notify_enqueue(f->sf.s, f->h, &f->key, &m, &id), NOTIFY_OK);
	assert_int_equal(notify_file_open(&cfg, f->sf.dir, &k, err, sizeof err), NOTIFY_OK);
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(
	    notify_scheduler_start(&ns, &loop, f->sf.s, true, f->h, &f->key, k, &cfg, NULL), 0);
	/* The first tick takes the message; the loop runs until it has been sent. */
	while (!notify_scheduler_due(&ns))
		assert_true(uv_run(&loop, UV_RUN_ONCE) != 0);
	assert_int_equal(row_of(f, id).state, STORE_NOTIFY_PENDING);
	notify_scheduler_stop(&ns);
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(uv_loop_close(&loop), 0);
	notify_sink_close(k);
	assert_false(notify_scheduler_due(&ns));
	assert_int_equal(row_of(f, id).state, STORE_NOTIFY_DELIVERED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(file_sink_writes_json_lines, notify_fixture_setup,
	                                    notify_fixture_teardown),
	    cmocka_unit_test_setup_teardown(webhook_retries_then_delivers, notify_fixture_setup,
	                                    notify_fixture_teardown),
	    cmocka_unit_test_setup_teardown(webhook_dead_after_max_attempts, notify_fixture_setup,
	                                    notify_fixture_teardown),
	    cmocka_unit_test_setup_teardown(webhook_unreachable_and_bad_settings,
	                                    notify_fixture_setup, notify_fixture_teardown),
	    cmocka_unit_test_setup_teardown(file_sink_prunes_old_lines, notify_fixture_setup,
	                                    notify_fixture_teardown),
	    cmocka_unit_test_setup_teardown(scheduler_delivers_on_the_loop, notify_fixture_setup,
	                                    notify_fixture_teardown),
	    cmocka_unit_test_setup_teardown(scheduler_joined_waits_for_its_callers_commit,
	                                    notify_fixture_setup, notify_fixture_teardown),
	    cmocka_unit_test_setup_teardown(scheduler_joined_records_at_stop, notify_fixture_setup,
	                                    notify_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
