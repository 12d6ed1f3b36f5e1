/* test_routes_tms.c — the terminals' parameters in the HTTP API (docs/api.md "Terminal
 * management"), the handlers called as the server calls them: a key put at a level and
 * deleted, a terminal's resolved set with where each value comes from and its version, a
 * level's set, bad bodies and values answered 400 naming the field with nothing changed,
 * unknown merchants and terminals 404, operators only, and the audit with the token as actor.
 * On SQLite, and on PostgreSQL under POSSUM_TEST_PG. */
#include "http/http_fixture.h"

#include "http/http.h"
#include "store/store_audit.h"

#define T_MID "898310048120007"
#define T_TID "TERM0001"

struct api {
	struct store_fixture *sf;
	tms *t;
	struct http_ctx ctx;
	struct http_principal operator_;
};

static int setup(void **state)
{
	struct api *a = calloc(1, sizeof *a);
	struct tms_config cfg = {.utc_offset = 480};
	struct store_terminal term = {.status = STORE_TERMINAL_ACTIVE,
	                              .batch = 1,
	                              .tid = T_TID,
	                              .mid = T_MID,
	                              .sn = "SN-1",
	                              .model = "PX-7"};
	void *sf;

	if (a == NULL || store_fixture_setup(&sf) != 0)
		return -1;
	a->sf = sf;
	http_fixture_merchant(a->sf->s, T_MID);
	if (store_terminal_insert(a->sf->s, &term) != STORE_OK ||
	    tms_open(a->sf->s, &cfg, &a->t) != TMS_OK)
		return -1;
	a->ctx = (struct http_ctx){.store = a->sf->s, .tms = a->t, .utc_offset = 480};
	a->operator_ = (struct http_principal){1, HTTP_ROLE_OPERATOR, "", "token:1"};
	*state = a;
	return 0;
}

static int teardown(void **state)
{
	struct api *a = *state;
	void *sf = a->sf;

	tms_close(a->t);
	free(a);
	return store_fixture_teardown(&sf);
}

/* Calls the route of method with query (name=value pairs, NULL ended; NULL: none) and body
 * (JSON text, NULL: none) as the operator: the status, the body in *out (the caller decrefs). */
static int call(struct api *a, const char *method, const char *const *query, const char *body,
                json_t **out)
{
	struct http_request req = {
	    .method = method, .path = "/api/v1/tms/params", .who = &a->operator_, .now = T_NOW};
	struct http_response res = {0};
	const struct http_route *r = NULL;

	for (size_t i = 0; i < http_routes_tms_n; i++)
		if (strcmp(http_routes_tms[i].method, method) == 0 &&
		    strcmp(http_routes_tms[i].pattern, req.path) == 0)
			r = &http_routes_tms[i];
	assert_non_null(r);
	for (size_t i = 0; query != NULL && query[i] != NULL; i += 2)
		req.query[req.n_query++] = (struct http_param){query[i], query[i + 1]};
	if (body != NULL)
		assert_non_null(req.body = json_loads(body, 0, NULL));
	assert_int_equal(r->fn(&a->ctx, &req, &res), HTTP_OK);
	json_decref(req.body);
	assert_non_null(res.body);
	*out = res.body;
	return res.status;
}

/* The value and origin of key in a resolved set. */
static void assert_key(json_t *o, const char *key, const char *value, const char *from)
{
	json_t *k = json_object_get(json_object_get(o, "params"), key);

	assert_non_null(k);
	assert_string_equal(json_string_value(json_object_get(k, "value")), value);
	assert_string_equal(json_string_value(json_object_get(k, "from")), from);
}

static const char *text(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static const char *const terminal_q[] = {"terminal", T_TID, NULL};

static int count_audit(void *ctx, const struct store_audit *row)
{
	assert_string_equal(row->actor, "token:1");
	++*(size_t *)ctx;
	return 0;
}

/* PUT at each level, GET resolved, DELETE: the override, the version, the level's set. */
static void put_get_delete(void **state)
{
	struct api *a = *state;
	const char *const merchant_q[] = {"level", "merchant", "name", T_MID, NULL};
	struct store_audit_filter all = {0};
	size_t n = 0;
	char v0[9];
	json_t *o;

	assert_int_equal(call(a, "GET", terminal_q, NULL, &o), 200);
	assert_key(o, "language", "zh", "default");
	assert_key(o, "types", "purchase,void,refund,preauth,balance,cardauth", "merchant limits");
	assert_string_equal(text(o, "model"), "PX-7");
	snprintf(v0, sizeof v0, "%s", text(o, "version"));
	assert_int_equal(strlen(v0), 8);
	json_decref(o);

	assert_int_equal(call(a, "PUT", NULL,
	                      "{\"level\":\"model\",\"name\":\"PX-7\",\"key\":\"language\","
	                      "\"value\":\"en\"}",
	                      &o),
	                 200);
	assert_string_equal(text(o, "level"), "model");
	assert_int_equal(json_integer_value(json_object_get(o, "version")), 1);
	assert_string_equal(text(o, "changed_by"), "token:1");
	json_decref(o);
	assert_int_equal(call(a, "PUT", NULL,
	                      "{\"level\":\"merchant\",\"name\":\"" T_MID
	                      "\",\"key\":\"receipt_footer\",\"value\":\"\"}",
	                      &o),
	                 200);
	json_decref(o);
	assert_int_equal(call(a, "GET", terminal_q, NULL, &o), 200);
	assert_key(o, "language", "en", "model");
	assert_key(o, "receipt_footer", "", "merchant");
	assert_string_not_equal(text(o, "version"), v0);
	json_decref(o);

	assert_int_equal(call(a, "GET", merchant_q, NULL, &o), 200);
	assert_string_equal(text(json_object_get(o, "params"), "receipt_footer"), "");
	assert_int_equal(json_object_size(json_object_get(o, "params")), 1);
	json_decref(o);

	assert_int_equal(call(a, "DELETE", NULL,
	                      "{\"level\":\"model\",\"name\":\"PX-7\",\"key\":\"language\"}", &o),
	                 200);
	json_decref(o);
	assert_int_equal(
	    call(a, "DELETE", NULL,
	         "{\"level\":\"merchant\",\"name\":\"" T_MID "\",\"key\":\"receipt_footer\"}", &o),
	    200);
	json_decref(o);
	assert_int_equal(call(a, "GET", terminal_q, NULL, &o), 200);
	assert_key(o, "language", "zh", "default");
	assert_string_equal(text(o, "version"), v0);
	json_decref(o);
	/* Each change audited, the token its actor. */
	assert_int_equal(store_audit_list(a->sf->s, &all, count_audit, &n), STORE_OK);
	assert_int_equal(n, 4);
}

/* Bad requests: 400 naming the field, 404 for who is not there; nothing changed. */
static void refusals(void **state)
{
	static const struct {
		const char *method, *body, *field;
		int status;
	} bad[] = {
	    {"PUT", "{\"level\":\"all\",\"key\":\"connect_timeout\",\"value\":\"0\"}", "value",
	     400},
	    {"PUT", "{\"level\":\"all\",\"key\":\"types\",\"value\":\"purchase\"}", "key", 400},
	    {"PUT", "{\"level\":\"all\",\"key\":\"colour\",\"value\":\"blue\"}", "key", 400},
	    {"PUT", "{\"level\":\"all\",\"key\":\"language\",\"value\":1}", "value", 400},
	    {"PUT", "{\"level\":\"all\",\"key\":\"language\"}", "value", 400},
	    {"PUT", "{\"level\":\"everyone\",\"key\":\"language\",\"value\":\"en\"}", "level", 400},
	    {"PUT", "{\"level\":\"all\",\"name\":\"x\",\"key\":\"language\",\"value\":\"en\"}",
	     "name", 400},
	    {"PUT", "{\"level\":\"model\",\"key\":\"language\",\"value\":\"en\"}", "name", 400},
	    {"PUT", "{\"level\":\"model\",\"name\":\"a b\",\"key\":\"language\",\"value\":\"en\"}",
	     "name", 400},
	    {"PUT",
	     "{\"level\":\"merchant\",\"name\":\"898310048129999\",\"key\":\"language\","
	     "\"value\":\"en\"}",
	     "name", 404},
	    {"DELETE", "{\"level\":\"all\",\"key\":\"language\"}", "key", 404},
	    {"DELETE", "{\"level\":\"all\",\"key\":\"language\",\"value\":\"en\"}", "value", 400},
	};
	struct api *a = *state;
	const char *const nosuch_q[] = {"terminal", "NOSUCH01", NULL};
	const char *const both_q[] = {"terminal", T_TID, "level", "all", NULL};
	struct store_audit_filter all = {0};
	size_t n = 0;
	json_t *o;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int status = call(a, bad[i].method, NULL, bad[i].body, &o);

		if (status != bad[i].status || strcmp(text(o, "field"), bad[i].field) != 0)
			fail_msg("%s %s: %d %s", bad[i].method, bad[i].body, status,
			         json_dumps(o, 0));
		assert_true(text(o, "error")[0] != '\0');
		json_decref(o);
	}
	assert_int_equal(call(a, "GET", nosuch_q, NULL, &o), 404);
	json_decref(o);
	assert_int_equal(call(a, "GET", both_q, NULL, &o), 400);
	json_decref(o);
	assert_int_equal(store_audit_list(a->sf->s, &all, count_audit, &n), STORE_OK);
	assert_int_equal(n, 0);
}

/* Operators alone: the parameters say where terminals connect. */
static void operators_only(void **state)
{
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < http_routes_tms_n; i++) {
		if (strcmp(http_routes_tms[i].pattern, "/api/v1/tms/params") != 0)
			continue; /* the keys' and AIDs' (test_tms_routes.c) */
		assert_int_equal(http_routes_tms[i].roles, HTTP_ROLE_OPERATOR);
		n++;
	}
	assert_int_equal(n, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(put_get_delete, setup, teardown),
	    cmocka_unit_test_setup_teardown(refusals, setup, teardown),
	    cmocka_unit_test(operators_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
