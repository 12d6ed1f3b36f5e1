/* test_http_health.c — GET /healthz, /readyz and /metrics (routes_health.c) called as the
 * server calls them, the client's address stubbed: /metrics from loopback (127.0.0.0/8, ::1)
 * and from [http] metrics_allow's addresses without a token, from elsewhere 401 without one
 * and 403 with a merchant's, 200 with an operator's; its text with the scraped gauges (the
 * outbox, the reversals, the last close, the risk cases, the process). /readyz 503 while
 * the store does not take a write (another connection holds SQLite's write lock; on
 * PostgreSQL the store's connection is lost) and without an HSM. The allow list's syntax, and
 * what it refuses. */
#include "store/store_fixture.h"

#include "http/http.h"

static const struct http_principal nobody = {0, 0, "", "anonymous"};
static const struct http_principal operator_ = {1, HTTP_ROLE_OPERATOR, "", "token:1"};
static const struct http_principal merchant_ = {2, HTTP_ROLE_MERCHANT, "898310048120001",
                                                "token:2"};

struct fx {
	struct store_fixture *sf;
	hsm *h;
	metrics *m;
	struct http_allow allow;
	struct http_ctx ctx;
};

static int setup(void **state)
{
	static const uint8_t lmk[HSM_LMK_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	struct fx *x = calloc(1, sizeof *x);
	void *sf;

	if (x == NULL || store_fixture_setup(&sf) != 0 || hsm_open(lmk, &x->h) != HSM_OK ||
	    metrics_new(&x->m) != METRICS_OK || http_metrics_declare(x->m) != METRICS_OK ||
	    http_allow_parse("10.1.2.3, 192.168.0.0/16 fd00::/8", &x->allow) != HTTP_OK)
		return -1;
	x->sf = sf;
	x->ctx = (struct http_ctx){.store = x->sf->s,
	                           .hsm = x->h,
	                           .utc_offset = 480,
	                           .metrics = x->m,
	                           .metrics_allow = &x->allow};
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	void *sf = x->sf;

	metrics_free(x->m);
	hsm_close(x->h);
	free(x);
	return store_fixture_teardown(&sf);
}

/* Calls the route method path of the health table as peer, who. */
static int call(struct fx *x, const char *path, const char *peer, const struct http_principal *who,
                struct http_response *res)
{
	struct http_request req = {
	    .method = "GET", .path = path, .who = who, .now = 1796040000, .peer = peer};

	memset(res, 0, sizeof *res);
	for (size_t i = 0; i < http_routes_health_n; i++)
		if (strcmp(http_routes_health[i].pattern, path) == 0) {
			assert_int_equal(http_routes_health[i].roles, HTTP_PUBLIC);
			return http_routes_health[i].fn(&x->ctx, &req, res);
		}
	fail_msg("no route %s", path);
	return -1;
}

static void response_free(struct http_response *res)
{
	json_decref(res->body);
	free(res->text);
}

static void alive_and_ready(void **state)
{
	struct fx *x = *state;
	struct http_response res;

	assert_int_equal(call(x, "/healthz", NULL, &nobody, &res), HTTP_OK);
	assert_int_equal(res.status, 200);
	assert_string_equal(json_string_value(json_object_get(res.body, "status")), "alive");
	response_free(&res);
	assert_int_equal(call(x, "/readyz", NULL, &nobody, &res), HTTP_OK);
	assert_int_equal(res.status, 200);
	assert_string_equal(json_string_value(json_object_get(res.body, "status")), "ready");
	response_free(&res);
}

/* /readyz refused while ctx's store does not take a write. */
static void not_ready(struct fx *x)
{
	struct http_response res;

	assert_int_equal(call(x, "/readyz", NULL, &nobody, &res), HTTP_OK);
	assert_int_equal(res.status, 503);
	assert_string_equal(json_string_value(json_object_get(res.body, "status")), "not ready");
	assert_non_null(strstr(json_string_value(json_object_get(res.body, "why")), "store"));
	response_free(&res);
	assert_false(store_in_transaction(x->ctx.store)); /* nothing left open */
}

/* SQLite: another writer holds the lock past the store's busy timeout (5 s). */
static void not_ready_sqlite(struct fx *x)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(x->sf->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	not_ready(x);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
}

/* PostgreSQL, whose writers do not lock each other out so: the store's connection lost (a
 * store of its own, its server process ended by another connection). */
static void not_ready_pg(struct fx *x)
{
	char path[sizeof x->sf->path + 2 * STORE_FIXTURE_SCHEMA_MAX], sql[160];
	store *s;

	snprintf(path, sizeof path, "%s application_name=possum_t_%s", x->sf->path, x->sf->schema);
	assert_int_equal(store_open(path, &s), STORE_OK);
	snprintf(sql, sizeof sql,
	         "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name "
	         "= 'possum_t_%s'",
	         x->sf->schema);
	store_fixture_sql(x->sf->path, sql);
	x->ctx.store = s;
	not_ready(x);
	x->ctx.store = x->sf->s;
	store_close(s);
}

static void not_ready_without_a_write(void **state)
{
	struct fx *x = *state;
	struct http_response res;

	if (store_fixture_pg())
		not_ready_pg(x);
	else
		not_ready_sqlite(x);
	assert_int_equal(call(x, "/readyz", NULL, &nobody, &res), HTTP_OK);
	assert_int_equal(res.status, 200);
	response_free(&res);
	x->ctx.hsm = NULL;
	assert_int_equal(call(x, "/readyz", NULL, &nobody, &res), HTTP_OK);
	assert_int_equal(res.status, 503);
	assert_string_equal(json_string_value(json_object_get(res.body, "why")),
	                    "the HSM is not open");
	response_free(&res);
}

static void metrics_who_may_read(void **state)
{
	static const struct {
		const char *peer;
		const struct http_principal *who;
		int status;
	} cases[] = {
	    {"127.0.0.1", &nobody, 200},   {"127.9.9.9", &nobody, 200},
	    {"::1", &nobody, 200},         {"::ffff:127.0.0.1", &nobody, 200},
	    {"10.1.2.3", &nobody, 200},    {"192.168.44.5", &nobody, 200},
	    {"fd00::17", &nobody, 200},    {"10.1.2.4", &nobody, 401},
	    {"::2", &nobody, 401},         {NULL, &nobody, 401},
	    {"10.1.2.4", &merchant_, 403}, {"10.1.2.4", &operator_, 200},
	    {"192.169.0.1", &nobody, 401}, {"fe80::1", &merchant_, 403},
	};
	struct fx *x = *state;
	struct http_response res;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(call(x, "/metrics", cases[i].peer, cases[i].who, &res), HTTP_OK);
		if (res.status != cases[i].status)
			fail_msg("%s: %d, not %d", cases[i].peer ? cases[i].peer : "(none)",
			         res.status, cases[i].status);
		if (res.status == 200)
			assert_string_equal(res.content_type,
			                    "text/plain; version=0.0.4; charset=utf-8");
		response_free(&res);
	}
	x->ctx.metrics_allow = NULL; /* loopback only */
	assert_int_equal(call(x, "/metrics", "10.1.2.3", &nobody, &res), HTTP_OK);
	assert_int_equal(res.status, 401);
	response_free(&res);
}

static void metrics_text(void **state)
{
	struct fx *x = *state;
	struct http_response res;

	store_fixture_sql(
	    x->sf->path,
	    "INSERT INTO acq_tombstones VALUES ('00000001', 1, '000007', 1796039000);"
	    "INSERT INTO acq_tombstones VALUES ('00000001', 1, '000008', 1795000000);"
	    "INSERT INTO settle_days VALUES ('2026-11-29', 1, 0, 0, 1795970000, '', 0);"
	    "INSERT INTO settle_days VALUES ('2026-11-28', 1, 0, 0, 1795880000, '', 0);"
	    "INSERT INTO settle_days VALUES ('2026-11-30', 0, 0, 0, 0, 'h', 9);");
	assert_int_equal(call(x, "/metrics", "127.0.0.1", &nobody, &res), HTTP_OK);
	assert_int_equal(res.status, 200);
	assert_non_null(
	    strstr(res.text, "# TYPE possum_outbox_depth gauge\npossum_outbox_depth 0\n"));
	assert_non_null(strstr(res.text, "\npossum_reversals_pending 1\n"));
	assert_non_null(
	    strstr(res.text, "\npossum_settlement_last_run_timestamp_seconds 1795970000\n"));
	assert_non_null(strstr(res.text, "\npossum_risk_cases_open 0\n"));
	assert_non_null(strstr(res.text, "# TYPE process_cpu_seconds_total counter\n"));
	assert_non_null(strstr(res.text, "\nprocess_resident_memory_bytes "));
	assert_non_null(strstr(res.text, "\nprocess_open_fds "));
	assert_non_null(strstr(res.text, "\nprocess_max_fds "));
	assert_null(strstr(res.text, "\nprocess_start_time_seconds 0\n"));
	response_free(&res);
	x->ctx.metrics = NULL;
	assert_int_equal(call(x, "/metrics", "127.0.0.1", &nobody, &res), HTTP_OK);
	assert_int_equal(res.status, 503);
	response_free(&res);
}

static void allow_syntax(void **state)
{
	static const char *const bad[] = {
	    "10.0.0",      "10.0.0.0/33",  "::1/129",           "10.0.0.0/",
	    "10.0.0.0/-1", "host.example", "10.0.0.1;10.0.0.2", "10.0.0.0/8x"};
	struct http_allow a;
	char many[32 * 12 + 16] = "";

	(void)state;
	assert_int_equal(http_allow_parse("", &a), HTTP_OK);
	assert_int_equal(a.n, 0);
	assert_false(http_allow_match(&a, "127.0.0.1"));
	assert_int_equal(http_allow_parse(" 10.0.0.0/8,,2001:db8::/32\t0.0.0.0/0 ", &a), HTTP_OK);
	assert_int_equal(a.n, 3);
	assert_true(http_allow_match(&a, "203.0.113.9")); /* 0.0.0.0/0: every IPv4 address */
	assert_true(http_allow_match(&a, "2001:db8::5"));
	assert_false(http_allow_match(&a, "2001:db9::5"));
	assert_false(http_allow_match(&a, "not an address"));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (http_allow_parse(bad[i], &a) != HTTP_EARG || a.n != 0)
			fail_msg("accepted %s", bad[i]);
	for (int i = 0; i <= HTTP_ALLOW_MAX; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "10.0.0.%d ", i);
	assert_int_equal(http_allow_parse(many, &a), HTTP_EARG);
	assert_true(http_peer_loopback("127.0.0.1"));
	assert_false(http_peer_loopback("128.0.0.1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(alive_and_ready, setup, teardown),
	    cmocka_unit_test_setup_teardown(not_ready_without_a_write, setup, teardown),
	    cmocka_unit_test_setup_teardown(metrics_who_may_read, setup, teardown),
	    cmocka_unit_test_setup_teardown(metrics_text, setup, teardown),
	    cmocka_unit_test(allow_syntax),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
