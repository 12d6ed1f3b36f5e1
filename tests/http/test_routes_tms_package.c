/* test_routes_tms_package.c — software packages in the HTTP API (docs/api.md "Terminal
 * management", routes_tms_package.c), the handlers called as the server calls them: a package
 * posted in base64 and listed, its signature verifying with the key the API gives; bad bodies
 * 400 naming the field, the same version 409; a rollout to terminals (marking the terminal
 * at once) and by percentage, an unknown terminal 404, stopped (again 409); a minimum put and
 * listed; the status (by model and version, held and current versions, pending in words, the last
 * failed update, ?model=); the audit with the token as actor. On SQLite, and on PostgreSQL under
 * POSSUM_TEST_PG. */
#include "http/http_fixture.h"

#include "common/hex.h"
#include "http/http.h"
#include "store/store_audit.h"

#define T_MID "898310048120007"
#define T_TID "TERM0001"

struct api {
	struct store_fixture *sf;
	tms *t;
	hsm *h;
	struct http_ctx ctx;
	struct http_principal operator_;
};

static int setup(void **state)
{
	static const uint8_t lmk[HSM_LMK_LEN] = {7};
	struct api *a = calloc(1, sizeof *a);
	struct tms_config cfg = {.utc_offset = 480};
	struct store_terminal term = {.status = STORE_TERMINAL_ACTIVE,
	                              .batch = 1,
	                              .tid = T_TID,
	                              .mid = T_MID,
	                              .sn = "SN-1",
	                              .model = "PX-7"};
	hsm_key key;
	void *sf;

	if (a == NULL || store_fixture_setup(&sf) != 0 || hsm_open(lmk, &a->h) != HSM_OK)
		return -1;
	a->sf = sf;
	http_fixture_merchant(a->sf->s, T_MID);
	if (store_terminal_insert(a->sf->s, &term) != STORE_OK ||
	    tms_open(a->sf->s, &cfg, &a->t) != TMS_OK ||
	    hsm_generate(a->h, &tms_key_specs[0], &key, NULL) != HSM_OK ||
	    tms_set_signer(a->t, a->h, &key) != TMS_OK)
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
	hsm_close(a->h);
	free(a);
	return store_fixture_teardown(&sf);
}

/* Calls the route of method and pattern (its "{}" given by arg) with query ?model=model
 * (NULL: none) and body (JSON text, NULL: none) as the operator: the status, the body in *out
 * (the caller decrefs). */
static int call_model(struct api *a, const char *method, const char *pattern, const char *arg,
                      const char *model, const char *body, json_t **out)
{
	struct http_request req = {.method = method,
	                           .path = pattern,
	                           .query = {{"model", model}},
	                           .n_query = model != NULL,
	                           .who = &a->operator_,
	                           .now = 1796212800};
	struct http_response res = {0};
	const struct http_route *r = NULL;

	for (size_t i = 0; i < http_routes_tms_package_n; i++)
		if (strcmp(http_routes_tms_package[i].method, method) == 0 &&
		    strcmp(http_routes_tms_package[i].pattern, pattern) == 0)
			r = &http_routes_tms_package[i];
	assert_non_null(r);
	req.args[0] = arg;
	req.n_args = arg != NULL;
	if (body != NULL)
		assert_non_null(req.body = json_loads(body, 0, NULL));
	assert_int_equal(r->fn(&a->ctx, &req, &res), HTTP_OK);
	json_decref(req.body);
	assert_non_null(res.body);
	*out = res.body;
	return res.status;
}

/* call_model() without a query. */
static int call(struct api *a, const char *method, const char *pattern, const char *arg,
                const char *body, json_t **out)
{
	return call_model(a, method, pattern, arg, NULL, body, out);
}

static const char *field(json_t *o)
{
	json_t *v = json_object_get(o, "field");

	return json_is_string(v) ? json_string_value(v) : "";
}

static int count_audit(void *ctx, const struct store_audit *row)
{
	assert_string_equal(row->actor, "token:1");
	++*(size_t *)ctx;
	return 0;
}

/* How many audit entries of action there are, each with the token as actor. */
static size_t audited(struct api *a, const char *action)
{
	size_t n = 0;

	assert_int_equal(store_audit_list(a->sf->s, &(struct store_audit_filter){.action = action},
	                                  count_audit, &n),
	                 STORE_OK);
	return n;
}

static void packages(void **state)
{
	struct api *a = *state;
	uint8_t pub[TMS_PUB_LEN], sig[TMS_SIG_LEN];
	size_t n = 0;
	json_t *o;

	/* "possum firmware\n" in base64. */
	assert_int_equal(call(a, "POST", "/api/v1/tms/packages", NULL,
	                      "{\"model\":\"PX-7\",\"version\":\"2.0\","
	                      "\"content\":\"cG9zc3VtIGZpcm13YXJlCg==\"}",
	                      &o),
	                 201);
	assert_int_equal(json_integer_value(json_object_get(o, "size")), 16);
	assert_int_equal(hex_decode(json_string_value(json_object_get(o, "signature")), 128, sig,
	                            sizeof sig, &n),
	                 0);
	json_decref(o);
	assert_int_equal(call(a, "GET", "/api/v1/tms/packages/key", NULL, NULL, &o), 200);
	assert_int_equal(hex_decode(json_string_value(json_object_get(o, "public_key")), 64, pub,
	                            sizeof pub, &n),
	                 0);
	assert_non_null(strstr(json_string_value(json_object_get(o, "pem")), "PUBLIC KEY"));
	json_decref(o);
	assert_int_equal(tms_package_verify(pub, sizeof pub, "PX-7", "2.0",
	                                    (const uint8_t *)"possum firmware\n", 16, sig),
	                 TMS_OK);
	/* The same version: 409; bad fields: 400 naming them. */
	assert_int_equal(call(a, "POST", "/api/v1/tms/packages", NULL,
	                      "{\"model\":\"PX-7\",\"version\":\"2.0\",\"content\":\"AAAA\"}", &o),
	                 409);
	json_decref(o);
	assert_int_equal(call(a, "POST", "/api/v1/tms/packages", NULL,
	                      "{\"model\":\"PX-7\",\"version\":\"2.1\",\"content\":\"@@@\"}", &o),
	                 400);
	assert_string_equal(field(o), "content");
	json_decref(o);
	assert_int_equal(call(a, "POST", "/api/v1/tms/packages", NULL,
	                      "{\"model\":\"PX 7\",\"version\":\"2.1\",\"content\":\"AAAA\"}", &o),
	                 400);
	assert_string_equal(field(o), "model");
	json_decref(o);
	assert_int_equal(call(a, "GET", "/api/v1/tms/packages", NULL, NULL, &o), 200);
	assert_int_equal(json_array_size(json_object_get(o, "items")), 1);
	json_decref(o);
	n = 0;
	assert_int_equal(
	    store_audit_list(a->sf->s, &(struct store_audit_filter){0}, count_audit, &n), STORE_OK);
	assert_int_equal(n, 1);
}

static void rollouts_and_minimums(void **state)
{
	struct api *a = *state;
	struct store_terminal term;
	char id[16];
	json_t *o;

	assert_int_equal(call(a, "POST", "/api/v1/tms/packages", NULL,
	                      "{\"model\":\"PX-7\",\"version\":\"2.0\",\"content\":\"AAAA\"}", &o),
	                 201);
	json_decref(o);
	assert_int_equal(call(a, "POST", "/api/v1/tms/rollouts", NULL,
	                      "{\"package\":1,\"terminals\":[\"" T_TID "\"]}", &o),
	                 201);
	snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(o, "id")));
	json_decref(o);
	/* The terminal it names marked at once: the next answer to it asks 8. */
	assert_int_equal(store_terminal_get(a->sf->s, T_TID, &term), STORE_OK);
	assert_int_equal(term.tms_pending, TMS_PENDING_PACKAGE);
	assert_int_equal(call(a, "POST", "/api/v1/tms/rollouts", NULL,
	                      "{\"package\":1,\"terminals\":[\"NOPE0001\"]}", &o),
	                 404);
	json_decref(o);
	assert_int_equal(call(a, "POST", "/api/v1/tms/rollouts", NULL,
	                      "{\"package\":1,\"percent\":10,\"from\":\"2026-12-03 08:00\"}", &o),
	                 201);
	assert_string_equal(json_string_value(json_object_get(o, "from")),
	                    "2026-12-03T08:00:00+08:00");
	json_decref(o);
	assert_int_equal(call(a, "POST", "/api/v1/tms/rollouts", NULL,
	                      "{\"package\":1,\"percent\":10,\"terminals\":[\"" T_TID "\"]}", &o),
	                 400);
	json_decref(o);
	/* A merchant's terminals; an unknown merchant 404. */
	assert_int_equal(call(a, "POST", "/api/v1/tms/rollouts", NULL,
	                      "{\"package\":1,\"merchants\":[\"" T_MID "\"]}", &o),
	                 201);
	assert_string_equal(json_string_value(json_object_get(o, "kind")), "merchants");
	json_decref(o);
	assert_int_equal(call(a, "POST", "/api/v1/tms/rollouts", NULL,
	                      "{\"package\":1,\"merchants\":[\"898310048129999\"]}", &o),
	                 404);
	json_decref(o);
	assert_int_equal(call(a, "GET", "/api/v1/tms/status", NULL, NULL, &o), 200);
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_object_get(json_array_get(json_object_get(o, "terminals"), 0), "package"),
	        "version")),
	    "2.0");
	json_decref(o);
	assert_int_equal(call(a, "POST", "/api/v1/tms/rollouts/{}/stop", id, NULL, &o), 200);
	json_decref(o);
	assert_int_equal(call(a, "POST", "/api/v1/tms/rollouts/{}/stop", id, NULL, &o), 409);
	json_decref(o);
	assert_int_equal(call(a, "POST", "/api/v1/tms/rollouts/{}/stop", "99", NULL, &o), 404);
	json_decref(o);
	assert_int_equal(call(a, "PUT", "/api/v1/tms/minimums", NULL,
	                      "{\"model\":\"PX-7\",\"version\":\"2.0\",\"after\":\"2026-12-31\"}",
	                      &o),
	                 200);
	json_decref(o);
	assert_int_equal(call(a, "PUT", "/api/v1/tms/minimums", NULL,
	                      "{\"model\":\"PX-7\",\"version\":\"2.0\",\"after\":\"2026-13-01\"}",
	                      &o),
	                 400);
	assert_string_equal(field(o), "after");
	json_decref(o);
	assert_int_equal(call(a, "GET", "/api/v1/tms/minimums", NULL, NULL, &o), 200);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(o, "items"), 0), "after")),
	                    "2026-12-31");
	json_decref(o);
	/* Every change audited, the token its actor; nothing for the refusals. */
	assert_int_equal(audited(a, "tms.package.add"), 1);
	assert_int_equal(audited(a, "tms.rollout.add"), 3);
	assert_int_equal(audited(a, "tms.rollout.stop"), 1);
	assert_int_equal(audited(a, "tms.minimum.set"), 1);
}

static const char *text(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "(not a string)";
}

/* The item of array whose key is value, or NULL. */
static json_t *item(json_t *array, const char *key, const char *value)
{
	size_t i;
	json_t *x;

	json_array_foreach(array, i, x)
	{
		if (strcmp(text(x, key), value) == 0)
			return x;
	}
	return NULL;
}

/* The status: the terminals by model and version, the model's minimum as the minimums' list
 * has it; each terminal's held and current versions, what it still needs in words and its
 * last failed update; ?model= narrowing it all to one model (none: empty lists). */
static void status(void **state)
{
	struct api *a = *state;
	struct store_terminal term = {.status = STORE_TERMINAL_ACTIVE,
	                              .batch = 1,
	                              .tid = "TERM0002",
	                              .mid = T_MID,
	                              .sn = "SN-2",
	                              .model = "QX-1",
	                              .version = "POSSUM01",
	                              .update_failed = "POSSUM02: hash or signature",
	                              .tms_pending = TMS_PENDING_CAPK | TMS_PENDING_PACKAGE};
	json_t *o, *m, *x, *d;

	assert_int_equal(store_terminal_insert(a->sf->s, &term), STORE_OK);
	assert_int_equal(call(a, "PUT", "/api/v1/tms/minimums", NULL,
	                      "{\"model\":\"PX-7\",\"version\":\"2.0\",\"after\":\"2026-12-31\"}",
	                      &o),
	                 200);
	json_decref(o);
	assert_int_equal(call(a, "GET", "/api/v1/tms/status", NULL, NULL, &o), 200);
	assert_int_equal(json_array_size(json_object_get(o, "models")), 2);
	assert_non_null(m = item(json_object_get(o, "models"), "model", "PX-7"));
	assert_string_equal(text(json_object_get(m, "minimum"), "after"), "2026-12-31");
	assert_string_equal(text(json_object_get(m, "minimum"), "version"), "2.0");
	assert_non_null(m = item(json_object_get(o, "models"), "model", "QX-1"));
	assert_true(json_is_null(json_object_get(m, "minimum")));
	assert_int_equal(json_integer_value(json_object_get(m, "terminals")), 1);
	assert_string_equal(text(json_array_get(json_object_get(m, "versions"), 0), "version"),
	                    "POSSUM01");
	assert_non_null(x = item(json_object_get(o, "terminals"), "tid", "TERM0002"));
	assert_string_equal(text(x, "update_failed"), "POSSUM02: hash or signature");
	d = json_object_get(x, "downloads");
	assert_string_equal(text(json_object_get(d, "params"), "holds"), "");
	assert_int_equal(strlen(text(json_object_get(d, "params"), "current")), 8);
	assert_int_equal(strlen(text(json_object_get(d, "aid"), "current")), 8);
	assert_int_equal(json_array_size(json_object_get(d, "pending")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(d, "pending"), 0)),
	                    "capk");
	assert_string_equal(json_string_value(json_array_get(json_object_get(d, "pending"), 1)),
	                    "package");
	assert_non_null(x = item(json_object_get(o, "terminals"), "tid", T_TID));
	assert_true(json_is_null(json_object_get(x, "update_failed")));
	assert_int_equal(
	    json_array_size(json_object_get(json_object_get(x, "downloads"), "pending")), 0);
	json_decref(o);

	assert_int_equal(call_model(a, "GET", "/api/v1/tms/status", NULL, "QX-1", NULL, &o), 200);
	assert_int_equal(json_array_size(json_object_get(o, "models")), 1);
	assert_int_equal(json_array_size(json_object_get(o, "terminals")), 1);
	assert_string_equal(text(json_array_get(json_object_get(o, "terminals"), 0), "tid"),
	                    "TERM0002");
	json_decref(o);
	assert_int_equal(call_model(a, "GET", "/api/v1/tms/status", NULL, "NOPE", NULL, &o), 200);
	assert_int_equal(json_array_size(json_object_get(o, "models")), 0);
	assert_int_equal(json_array_size(json_object_get(o, "terminals")), 0);
	assert_int_equal(json_array_size(json_object_get(o, "rollouts")), 0);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(packages, setup, teardown),
	    cmocka_unit_test_setup_teardown(rollouts_and_minimums, setup, teardown),
	    cmocka_unit_test_setup_teardown(status, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
