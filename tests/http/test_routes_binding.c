/* test_routes_binding.c — the handlers of settlement cards, cardholder authentication and
 * card services, called as the server calls them (a request with its principal): good and
 * bad bodies, another merchant's MID answering 404, unknown cards, a replaced card 409, the
 * roles each route allows, and the audit entries with the token as actor. */
#include "merchant/binding_fixture.h"

#include "http/http.h"

struct api {
	struct binding_fixture *b;
	struct http_ctx ctx;
	struct http_principal operator_, merchant_, other_, auditor_;
};

static int setup(void **state)
{
	struct api *a = calloc(1, sizeof *a);
	void *b;

	if (a == NULL || binding_setup(&b) != 0)
		return -1;
	a->b = b;
	a->ctx = (struct http_ctx){a->b->i->s, a->b->i->h, a->b->i->is, a->b->m, NULL,
	                           480,        NULL,       NULL,        NULL,    NULL};
	a->operator_ = (struct http_principal){1, HTTP_ROLE_OPERATOR, "", "token:1"};
	a->merchant_ = (struct http_principal){2, HTTP_ROLE_MERCHANT, T_MERCHANT, "token:2"};
	a->other_ = (struct http_principal){3, HTTP_ROLE_MERCHANT, "898310048120002", "token:3"};
	a->auditor_ = (struct http_principal){4, HTTP_ROLE_AUDITOR, "", "token:4"};
	*state = a;
	return 0;
}

static int teardown(void **state)
{
	struct api *a = *state;
	void *b = a->b;

	free(a);
	return binding_teardown(&b);
}

/* Calls the route of method and pattern in table with arg (NULL: none) and body (JSON text,
 * NULL: none) as who; the status, and the body in *out (the caller decrefs) when not NULL. */
static int call(struct api *a, const struct http_route *table, size_t n, const char *method,
                const char *pattern, const char *arg, const char *body,
                const struct http_principal *who, json_t **out)
{
	struct http_request req = {
	    .method = method, .path = pattern, .who = who, .now = a->b->i->now};
	struct http_response res = {0};
	const struct http_route *r = NULL;

	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].method, method) == 0 && strcmp(table[i].pattern, pattern) == 0)
			r = &table[i];
	assert_non_null(r);
	assert_true(r->roles & who->role);
	if (arg != NULL)
		req.args[req.n_args++] = arg;
	if (body != NULL)
		assert_non_null(req.body = json_loads(body, 0, NULL));
	assert_int_equal(r->fn(&a->ctx, &req, &res), HTTP_OK);
	json_decref(req.body);
	assert_non_null(res.body);
	if (out != NULL)
		*out = res.body;
	else
		json_decref(res.body);
	return res.status;
}

#define SC(method, pattern, arg, body, who, out)                                                   \
	call(a, http_routes_settlecard, http_routes_settlecard_n, method,                          \
	     "/api/v1/merchants/{}/settlement-card" pattern, arg, body, who, out)
#define CH(pattern, body, who, out)                                                                \
	call(a, http_routes_cardholder, http_routes_cardholder_n, "POST",                          \
	     "/api/v1/cardholder/auth/" pattern, NULL, body, who, out)
#define CARD(pattern, id, body, out)                                                               \
	call(a, http_routes_card, http_routes_card_n, "POST", "/api/v1/cards/{}/" pattern, id,     \
	     body, &a->operator_, out)

static const char *text(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static char *elements(const char *pan, const char *phone)
{
	static char body[256];

	snprintf(body, sizeof body,
	         "{\"card\":\"%s\",\"holder\":\"" T_HOLDER "\",\"id_number\":\"" T_ID
	         "\",\"phone\":\"%s\"}",
	         pan, phone);
	return body;
}

static char *otp(const char *pan, const char *code)
{
	static char body[128];

	if (pan != NULL)
		snprintf(body, sizeof body, "{\"card\":\"%s\",\"otp\":\"%s\"}", pan, code);
	else
		snprintf(body, sizeof body, "{\"otp\":\"%s\"}", code);
	return body;
}

static void settlement_card(void **state)
{
	struct api *a = *state;
	struct issuer_card_image img = test_issue(a->b->i, CARD_PRODUCT_DEBIT, false);
	struct issuer_card card = test_card(a->b->i, img.card_id);
	struct binding_audit log;
	char wrong[16];
	json_t *o;

	/* Bad bodies, a wrong element, another merchant's MID, an unknown one. */
	assert_int_equal(SC("POST", "", T_MERCHANT, "{\"card\":\"x\"}", &a->merchant_, &o), 400);
	assert_string_equal(text(o, "field"), "holder");
	json_decref(o);
	assert_int_equal(
	    SC("POST", "", T_MERCHANT, elements(img.pan, "13912345670"), &a->merchant_, &o), 400);
	assert_non_null(strstr(text(o, "error"), "elements_differ"));
	json_decref(o);
	assert_int_equal(SC("POST", "", T_MERCHANT, elements(img.pan, T_PHONE), &a->other_, NULL),
	                 404);
	assert_int_equal(SC("GET", "", T_MERCHANT, NULL, &a->other_, NULL), 404);
	assert_int_equal(SC("GET", "", "898310048120002", NULL, &a->operator_, NULL), 404);
	assert_int_equal(
	    SC("POST", "/confirm", T_MERCHANT, otp(NULL, "123456"), &a->merchant_, NULL), 404);
	/* Started, a wrong code, the right one. */
	assert_int_equal(SC("POST", "", T_MERCHANT, elements(img.pan, T_PHONE), &a->merchant_, &o),
	                 202);
	assert_non_null(strstr(text(o, "pending"), img.pan + 15));
	assert_true(json_is_null(json_object_get(o, "current")));
	json_decref(o);
	snprintf(wrong, sizeof wrong, "%06d", (atoi(binding_code(a->b)) + 1) % 1000000);
	assert_int_equal(SC("POST", "/confirm", T_MERCHANT, otp(NULL, wrong), &a->merchant_, &o),
	                 400);
	assert_string_equal(text(o, "field"), "otp");
	json_decref(o);
	assert_int_equal(
	    SC("POST", "/confirm", T_MERCHANT, otp(NULL, binding_code(a->b)), &a->merchant_, &o),
	    200);
	assert_string_equal(text(json_object_get(o, "current"), "card"), card.masked);
	assert_true(json_is_true(json_object_get(o, "payout_ready")));
	json_decref(o);
	assert_int_equal(SC("GET", "", T_MERCHANT, NULL, &a->operator_, &o), 200);
	assert_string_equal(text(json_object_get(o, "current"), "card"), card.masked);
	assert_string_equal(text(json_object_get(o, "current"), "effective_from"),
	                    "2026-11-30T18:00:00+08:00");
	json_decref(o);
	binding_audit_of(a->b, "merchant:" T_MERCHANT, &log);
	assert_int_equal(log.n, 2);
	assert_string_equal(log.rows[1].actor, "token:2");
	assert_false(binding_db_has(a->b, img.pan));
	crypto_wipe(&img, sizeof img);
}

static void cardholder_and_cards(void **state)
{
	struct api *a = *state;
	struct issuer_card_image img = test_issue(a->b->i, CARD_PRODUCT_CREDIT, false);
	struct binding_audit log;
	char id[24], object[40], *dump;
	json_t *o;

	snprintf(id, sizeof id, "%lld", (long long)img.card_id);
	assert_int_equal(CH("status", otp(img.pan, "x") /* card only is read */, &a->operator_, &o),
	                 200);
	assert_string_equal(text(o, "state"), "NONE");
	json_decref(o);
	assert_int_equal(CH("status", "{\"card\":\"1234\"}", &a->operator_, NULL), 400);
	assert_int_equal(CH("start", "{\"holder\":\"x\"}", &a->merchant_, &o), 400);
	assert_string_equal(text(o, "field"), "card");
	json_decref(o);
	assert_int_equal(CH("start", elements(img.pan, T_PHONE), &a->merchant_, NULL), 202);
	assert_int_equal(CH("confirm", otp(img.pan, "12"), &a->merchant_, NULL), 400);
	assert_int_equal(CH("confirm", otp(img.pan, binding_code(a->b)), &a->merchant_, &o), 200);
	assert_string_equal(text(o, "state"), "VALID");
	json_decref(o);

	/* A loss report, then the authentication is invalid with its reason. */
	assert_int_equal(CARD("loss", id, "{\"kind\":\"misplaced\"}", NULL), 400);
	assert_int_equal(CARD("loss", "abc", NULL, NULL), 404);
	assert_int_equal(CARD("loss", "999", NULL, NULL), 404);
	assert_int_equal(CARD("loss", id, NULL, &o), 200);
	assert_string_equal(text(o, "status"), "lost");
	json_decref(o);
	assert_int_equal(CH("status", otp(img.pan, "x"), &a->auditor_, &o), 200);
	assert_string_equal(text(o, "state"), "INVALID");
	assert_string_equal(text(o, "reason"), "card_lost");
	json_decref(o);

	/* A new reserved phone; a replacement (its number never in the answer), then 409. */
	assert_int_equal(CARD("phone", id, "{\"phone\":\"call me\"}", &o), 400);
	assert_string_equal(text(o, "field"), "phone");
	json_decref(o);
	assert_int_equal(CARD("phone", id, "{\"phone\":\"13800138000\"}", NULL), 200);
	assert_int_equal(CARD("replace", id, NULL, &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "replaces")), img.card_id);
	assert_string_equal(text(o, "status"), "active");
	dump = json_dumps(o, 0);
	assert_null(strstr(dump, img.pan + 6));
	free(dump);
	json_decref(o);
	assert_int_equal(CARD("replace", id, NULL, NULL), 409);
	assert_int_equal(CH("status", otp(img.pan, "x"), &a->auditor_, &o), 200);
	assert_string_equal(text(o, "reason"), "card_lost"); /* the first reason stays */
	json_decref(o);
	snprintf(object, sizeof object, "card:%s", id);
	binding_audit_of(a->b, object, &log);
	assert_int_equal(log.n, 5); /* cardauth.start, .confirm, card.status, .phone, .replace */
	assert_string_equal(log.rows[2].action, "card.status");
	assert_string_equal(log.rows[2].actor, "token:1");
	assert_string_equal(log.rows[4].action, "card.replace");
	/* Cards are the operators'; status is readable by every role. */
	for (size_t i = 0; i < http_routes_card_n; i++)
		assert_int_equal(http_routes_card[i].roles, HTTP_ROLE_OPERATOR);
	assert_int_equal(http_routes_cardholder[2].roles, HTTP_ROLES_READ);
	crypto_wipe(&img, sizeof img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(settlement_card, setup, teardown),
	    cmocka_unit_test_setup_teardown(cardholder_and_cards, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
