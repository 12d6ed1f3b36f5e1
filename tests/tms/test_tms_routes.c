/* test_tms_routes.c — the HTTP API of the CA public keys and chip applications
 * (src/http/routes_tms.c), its handlers called as the server calls them, on the store of
 * tms_fixture.h: a key added (201), refused with a wrong checksum or a bad RID (400 naming the
 * field, nothing stored), again (409), revoked (200, again 409, unknown 404), listed with its
 * version; an AID added (201), replaced (200), bad (400), removed (200, again 404); the roles
 * each route allows; 503 without the module. */
#include "testutil.h"

#include <stdio.h>

#include "http/http.h"
#include "tms/tms_fixture.h"

/* Visa's test CA public key A000000003 index 92 and its published checksum (openemv/emv-utils,
 * src/emv_capk_static_data.h; test_tms_capk.c). */
#define VISA92_MOD                                                                                 \
	"996AF56F569187D09293C14810450ED8EE3357397B18A2458EFAA92DA3B6DF6514EC060195318FD43BE9B8F0" \
	"CC669E3F844057CBDDF8BDA191BB64473BC8DC9A730DB8F6B4EDE3924186FFD9B8C7735789C23A36BA0B8AF6" \
	"5372EB57EA5D89E7D14E9C7B6B557460F10885DA16AC923F15AF3758F0F03EBD3C5C2C949CBA306DB44E6A2C" \
	"076C5F67E281D7EF56785DC4D75945E491F01918800A9E2DC66F60080566CE0DAF8D17EAD46AD8E30A247C9F"
#define VISA92_KEY                                                                                 \
	"{\"rid\":\"A000000003\",\"index\":\"92\",\"exponent\":\"03\",\"expiry\":\"20291231\","    \
	"\"modulus\":\"" VISA92_MOD "\",\"checksum\":\"%s\"}"

static const struct http_principal operator_ = {1, HTTP_ROLE_OPERATOR, "", "token:1"};

/* Calls the route of method and pattern with body (JSON text, NULL: none) and query (NULL: none)
 * on ctx as operator; the status, the answer's body in *out (the caller decrefs). */
static int call(struct http_ctx *ctx, const char *method, const char *pattern, const char *body,
                const char *query, json_t **out)
{
	struct http_request req = {
	    .method = method, .path = pattern, .who = &operator_, .now = TMS_FX_NOW};
	struct http_response res = {0};
	const struct http_route *r = NULL;

	for (size_t i = 0; i < http_routes_tms_n; i++)
		if (strcmp(http_routes_tms[i].method, method) == 0 &&
		    strcmp(http_routes_tms[i].pattern, pattern) == 0)
			r = &http_routes_tms[i];
	assert_non_null(r);
	if (query != NULL)
		req.query[req.n_query++] = (struct http_param){"aid", query};
	if (body != NULL)
		assert_non_null(req.body = json_loads(body, 0, NULL));
	assert_int_equal(r->fn(ctx, &req, &res), HTTP_OK);
	json_decref(req.body);
	assert_non_null(res.body);
	*out = res.body;
	return res.status;
}

/* The string at key of o, "" when none. */
static const char *text(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static void capks(void **state)
{
	struct tms_fixture *x = *state;
	struct http_ctx ctx = {.store = x->sf->s, .tms = x->t, .utc_offset = 480};
	char body[1024];
	json_t *o;

	snprintf(body, sizeof body, VISA92_KEY, "429C954A3859CEF91295F663C963E582ED6EB254");
	assert_int_equal(call(&ctx, "POST", "/api/v1/tms/capks", body, NULL, &o), 400);
	assert_string_equal(text(o, "field"), "checksum");
	json_decref(o);
	assert_int_equal(call(&ctx, "POST", "/api/v1/tms/capks",
	                      "{\"rid\":\"A00000000G\",\"index\":\"92\",\"modulus\":\"99\","
	                      "\"exponent\":\"03\",\"expiry\":\"20291231\"}",
	                      NULL, &o),
	                 400);
	assert_string_equal(text(o, "field"), "rid");
	json_decref(o);
	assert_int_equal(call(&ctx, "GET", "/api/v1/tms/capks", NULL, NULL, &o), 200);
	assert_int_equal(json_array_size(json_object_get(o, "items")), 0);
	assert_string_equal(text(o, "version"), "e3b0c442");
	json_decref(o);
	snprintf(body, sizeof body, VISA92_KEY, "429C954A3859CEF91295F663C963E582ED6EB253");
	assert_int_equal(call(&ctx, "POST", "/api/v1/tms/capks", body, NULL, &o), 201);
	assert_string_equal(text(o, "state"), "active");
	assert_string_equal(text(o, "added_by"), "token:1");
	json_decref(o);
	assert_int_equal(call(&ctx, "POST", "/api/v1/tms/capks", body, NULL, &o), 409);
	json_decref(o);
	assert_int_equal(call(&ctx, "GET", "/api/v1/tms/capks", NULL, NULL, &o), 200);
	assert_int_equal(json_array_size(json_object_get(o, "items")), 1);
	assert_string_not_equal(text(o, "version"), "e3b0c442");
	json_decref(o);
	assert_int_equal(call(&ctx, "POST", "/api/v1/tms/capks/revoke",
	                      "{\"rid\":\"A000000003\",\"index\":\"92\",\"reason\":\"test\"}", NULL,
	                      &o),
	                 200);
	json_decref(o);
	assert_int_equal(call(&ctx, "POST", "/api/v1/tms/capks/revoke",
	                      "{\"rid\":\"A000000003\",\"index\":\"92\",\"reason\":\"test\"}", NULL,
	                      &o),
	                 409);
	json_decref(o);
	assert_int_equal(call(&ctx, "POST", "/api/v1/tms/capks/revoke",
	                      "{\"rid\":\"A000000003\",\"index\":\"99\",\"reason\":\"test\"}", NULL,
	                      &o),
	                 404);
	json_decref(o);
	assert_int_equal(tms_fixture_audited(x, "tms.capk.add"), 1);
	assert_int_equal(tms_fixture_audited(x, "tms.capk.revoke"), 1);
}

static void aids(void **state)
{
	struct tms_fixture *x = *state;
	struct http_ctx ctx = {.store = x->sf->s, .tms = x->t, .utc_offset = 480};
	json_t *o;

	assert_int_equal(call(&ctx, "GET", "/api/v1/tms/aids", NULL, NULL, &o), 200);
	assert_int_equal(json_array_size(json_object_get(o, "items")), 3);
	json_decref(o);
	assert_int_equal(
	    call(&ctx, "POST", "/api/v1/tms/aids",
	         "{\"aid\":\"A0000000031010\",\"label\":\"Visa\",\"floor_limit\":30000,"
	         "\"threshold\":40000}",
	         NULL, &o),
	    400);
	assert_string_equal(text(o, "field"), "threshold");
	json_decref(o);
	assert_int_equal(
	    call(&ctx, "POST", "/api/v1/tms/aids",
	         "{\"aid\":\"A0000000031010\",\"label\":\"Visa\",\"floor_limit\":30000,"
	         "\"partial\":true}",
	         NULL, &o),
	    201);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(o, "floor_limit"), "amount")),
	    30000);
	json_decref(o);
	assert_int_equal(call(&ctx, "POST", "/api/v1/tms/aids",
	                      "{\"aid\":\"A0000000031010\",\"label\":\"Visa\"}", NULL, &o),
	                 200);
	assert_true(json_is_true(json_object_get(o, "replaced")));
	json_decref(o);
	assert_int_equal(call(&ctx, "DELETE", "/api/v1/tms/aids", NULL, "A0000000031010", &o), 200);
	json_decref(o);
	assert_int_equal(
	    call(&ctx, "DELETE", "/api/v1/tms/aids", "{\"aid\":\"A0000000031010\"}", NULL, &o),
	    404);
	json_decref(o);
	assert_int_equal(tms_fixture_audited(x, "tms.aid.add"), 1);
	assert_int_equal(tms_fixture_audited(x, "tms.aid.replace"), 1);
	assert_int_equal(tms_fixture_audited(x, "tms.aid.remove"), 1);
}

static void roles_and_absent(void **state)
{
	struct http_ctx ctx = {0};
	json_t *o;

	(void)state;
	for (size_t i = 0; i < http_routes_tms_n; i++) {
		const struct http_route *r = &http_routes_tms[i];

		assert_false(r->roles & HTTP_ROLE_MERCHANT);
		if (strcmp(r->method, "GET") != 0)
			assert_int_equal(r->roles, HTTP_ROLE_OPERATOR);
	}
	assert_int_equal(call(&ctx, "GET", "/api/v1/tms/capks", NULL, NULL, &o), 503);
	json_decref(o);
	assert_int_equal(call(&ctx, "GET", "/api/v1/tms/aids", NULL, NULL, &o), 503);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(capks, tms_fixture_setup, tms_fixture_teardown),
	    cmocka_unit_test_setup_teardown(aids, tms_fixture_setup, tms_fixture_teardown),
	    cmocka_unit_test(roles_and_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
