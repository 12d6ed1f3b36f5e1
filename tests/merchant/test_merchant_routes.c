/* test_merchant_routes.c — the API's merchant endpoints, called as the server calls them (a
 * built struct http_request, a principal of each role): apply, steps (409 out of order with
 * the allowed ones), documents in base64, fees, limits, one merchant and the list; 400 naming
 * the field at fault; a merchant's token blind (404) to another merchant and to applications;
 * the roles each route allows; audit entries made as the token. */
#include "merchant/onboarding_fixture.h"

#include "http/http.h"

static const struct http_principal operator_ = {7, HTTP_ROLE_OPERATOR, "", "token:7"};
static const struct http_principal auditor = {8, HTTP_ROLE_AUDITOR, "", "token:8"};

struct call {
	struct http_response res;
	const char *error, *field;
};

/* Calls the route of method and pattern with arg (NULL: none), body (JSON text, NULL: none) and
 * query "name=value" (NULL: none) as who; res is kept in c until the next call on it. */
static int call(struct onboarding_fixture *f, struct call *c, const struct http_principal *who,
                const char *method, const char *pattern, const char *arg, const char *body,
                const char *query)
{
	struct http_ctx ctx = {.store = f->i->s,
	                       .hsm = f->i->h,
	                       .issuer = f->i->is,
	                       .merchant = f->m,
	                       .utc_offset = 480};
	struct http_request req = {.method = method, .path = pattern, .who = who, .now = f->i->now};
	char name[32];
	const struct http_route *r = NULL;

	for (size_t k = 0; k < http_routes_merchant_n; k++)
		if (strcmp(http_routes_merchant[k].method, method) == 0 &&
		    strcmp(http_routes_merchant[k].pattern, pattern) == 0)
			r = &http_routes_merchant[k];
	assert_non_null(r);
	if (arg != NULL)
		req.args[req.n_args++] = arg;
	if (body != NULL)
		assert_non_null(req.body = json_loads(body, 0, NULL));
	if (query != NULL) {
		snprintf(name, sizeof name, "%.*s", (int)(strchr(query, '=') - query), query);
		req.query[0] = (struct http_param){name, strchr(query, '=') + 1};
		req.n_query = 1;
	}
	json_decref(c->res.body);
	memset(c, 0, sizeof *c);
	assert_int_equal(r->fn(&ctx, &req, &c->res), HTTP_OK);
	json_decref(req.body);
	c->error = json_string_value(json_object_get(c->res.body, "error"));
	c->field = json_string_value(json_object_get(c->res.body, "field"));
	return c->res.status;
}

static const char application[] =
    "{\"legal_name\":\"Possum Books\",\"licence\":\"91310000MA1FL8XQ3K\","
    "\"tax_number\":\"91310000MA1FL8XQ3K\",\"rep_name\":\"Li Si\","
    "\"rep_id\":\"" T_REP_ID "\",\"address\":\"9 Road\",\"mcc\":\"5942\","
    "\"phone\":\"" T_CONTACT "\"}";

/* An application through the API taken to active; its MID into mid. */
static void api_activate(struct onboarding_fixture *f, struct call *c, char mid[16])
{
	static const char *const road[] = {"review", "test", "agree", "activate"};
	char ref[24], body[96];

	assert_int_equal(
	    call(f, c, &operator_, "POST", "/api/v1/merchants", NULL, application, NULL), 201);
	snprintf(ref, sizeof ref, "%lld",
	         (long long)json_integer_value(json_object_get(c->res.body, "id")));
	for (size_t k = 0; k < 4; k++) {
		snprintf(body, sizeof body, "{\"step\":\"%s\",\"reason\":\"ok\"}", road[k]);
		assert_int_equal(
		    call(f, c, &operator_, "POST", "/api/v1/merchants/{}/steps", ref, body, NULL),
		    200);
	}
	snprintf(mid, 16, "%s", json_string_value(json_object_get(c->res.body, "mid")));
}

static void test_apply_and_steps(void **state)
{
	struct onboarding_fixture *f = *state;
	struct call c = {0};
	struct test_audit log;
	char mid[16];

	assert_int_equal(
	    call(f, &c, &operator_, "POST", "/api/v1/merchants", NULL, application, NULL), 201);
	assert_string_equal(json_string_value(json_object_get(c.res.body, "state")), "applied");
	assert_string_equal(json_string_value(json_object_get(c.res.body, "rep_id")),
	                    "110***********1234");
	assert_true(json_is_null(json_object_get(c.res.body, "mid")));
	assert_int_equal(json_array_size(json_object_get(c.res.body, "history")), 1);

	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/steps", "1",
	                      "{\"step\":\"activate\",\"reason\":\"x\"}", NULL),
	                 409);
	assert_string_equal(c.error, "the merchant is applied: allowed next: review or close");
	assert_string_equal(c.field, "step");
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/steps", "1",
	                      "{\"step\":\"approve\",\"reason\":\"x\"}", NULL),
	                 400);
	assert_string_equal(c.field, "step");
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/steps", "1",
	                      "{\"step\":\"review\"}", NULL),
	                 400);
	assert_string_equal(c.field, "reason");
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/steps", "1",
	                      "{\"step\":\"review\",\"reason\":\"x\",\"mid\":\"898310048120001\"}",
	                      NULL),
	                 400);
	assert_string_equal(c.field, "mid");
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/steps", "42",
	                      "{\"step\":\"review\",\"reason\":\"x\"}", NULL),
	                 404);

	api_activate(f, &c, mid);
	assert_string_equal(mid, "898581059420001");
	assert_int_equal(call(f, &c, &auditor, "GET", "/api/v1/merchants/{}", mid, NULL, NULL),
	                 200);
	assert_string_equal(json_string_value(json_object_get(c.res.body, "state")), "active");
	assert_int_equal(json_array_size(json_object_get(c.res.body, "history")), 5);

	/* Made as the token. */
	test_audit(f->i->s, NULL, &log);
	assert_true(log.n >= 6);
	assert_string_equal(log.rows[0].actor, "token:7");
	assert_string_equal(log.rows[log.n - 1].action, "merchant.activate");
	c.res.body = (json_decref(c.res.body), NULL);
}

static void test_bad_applications(void **state)
{
	struct onboarding_fixture *f = *state;
	struct call c = {0};
	struct test_audit log;

	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants", NULL,
	                      "{\"legal_name\":\"X\"}", NULL),
	                 400);
	assert_string_equal(c.field, "licence");
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants", NULL,
	                      "{\"legal_name\":\"X\",\"licence\":\"L\",\"tax_number\":\"T\","
	                      "\"rep_name\":\"R\",\"rep_id\":\"I\",\"address\":\"A\","
	                      "\"mcc\":\"58a1\",\"phone\":\"13800138000\"}",
	                      NULL),
	                 400);
	assert_string_equal(c.field, "mcc");
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants", NULL,
	                      "{\"legal_name\":\"X\",\"licence\":\"L\",\"tax_number\":\"T\","
	                      "\"rep_name\":\"R\",\"rep_id\":\"I\",\"address\":\"A\","
	                      "\"mcc\":\"5812\",\"phone\":\"call\"}",
	                      NULL),
	                 400);
	assert_string_equal(c.field, "phone");
	assert_int_equal(
	    call(f, &c, &operator_, "POST", "/api/v1/merchants", NULL, "{\"legal_name\":7}", NULL),
	    400);
	assert_string_equal(c.field, "legal_name");
	test_audit(f->i->s, NULL, &log);
	assert_int_equal(log.n, 0);
	c.res.body = (json_decref(c.res.body), NULL);
}

/* A merchant's token sees its own merchant only: another's, and applications, are 404. */
static void test_merchant_scope(void **state)
{
	struct onboarding_fixture *f = *state;
	struct http_principal mine = {9, HTTP_ROLE_MERCHANT, "", "token:9"};
	struct call c = {0};
	char a[16], b[16];

	api_activate(f, &c, a);
	api_activate(f, &c, b);
	assert_int_equal(
	    call(f, &c, &operator_, "POST", "/api/v1/merchants", NULL, application, NULL), 201);
	snprintf(mine.mid, sizeof mine.mid, "%s", a);
	assert_int_equal(call(f, &c, &mine, "GET", "/api/v1/merchants/{}", a, NULL, NULL), 200);
	assert_int_equal(call(f, &c, &mine, "GET", "/api/v1/merchants/{}", "1", NULL, NULL), 200);
	assert_int_equal(call(f, &c, &mine, "GET", "/api/v1/merchants/{}", b, NULL, NULL), 404);
	assert_int_equal(call(f, &c, &mine, "GET", "/api/v1/merchants/{}", "3", NULL, NULL), 404);
	assert_int_equal(call(f, &c, &mine, "GET", "/api/v1/merchants/{}/documents", b, NULL, NULL),
	                 404);
	assert_int_equal(call(f, &c, &mine, "POST", "/api/v1/merchants/{}/documents", b,
	                      "{\"type\":\"other\",\"name\":\"x.pdf\",\"content\":\"JVBERi0=\"}",
	                      NULL),
	                 404);
	assert_int_equal(call(f, &c, &mine, "GET", "/api/v1/merchants", NULL, NULL, NULL), 200);
	assert_int_equal(json_array_size(json_object_get(c.res.body, "items")), 1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(c.res.body, "items"), 0), "mid")),
	                    a);
	assert_int_equal(call(f, &c, &auditor, "GET", "/api/v1/merchants", NULL, NULL, NULL), 200);
	assert_int_equal(json_array_size(json_object_get(c.res.body, "items")), 3);
	assert_true(json_is_null(json_object_get(c.res.body, "next")));
	assert_int_equal(call(f, &c, &auditor, "GET", "/api/v1/merchants", NULL, NULL, "limit=2"),
	                 200);
	assert_int_equal(json_array_size(json_object_get(c.res.body, "items")), 2);
	assert_int_equal(json_integer_value(json_object_get(c.res.body, "next")), 2);
	assert_int_equal(call(f, &c, &auditor, "GET", "/api/v1/merchants", NULL, NULL, "after=2"),
	                 200);
	assert_int_equal(json_array_size(json_object_get(c.res.body, "items")), 1);
	assert_int_equal(
	    call(f, &c, &auditor, "GET", "/api/v1/merchants", NULL, NULL, "state=applied"), 200);
	assert_int_equal(json_array_size(json_object_get(c.res.body, "items")), 1);
	assert_int_equal(call(f, &c, &auditor, "GET", "/api/v1/merchants", NULL, NULL, "state=x"),
	                 400);
	assert_string_equal(c.field, "state");
	assert_int_equal(call(f, &c, &auditor, "GET", "/api/v1/merchants", NULL, NULL, "limit=0"),
	                 400);
	assert_string_equal(c.field, "limit");
	c.res.body = (json_decref(c.res.body), NULL);
}

/* Changes are the operator's; a merchant may add its own documents; an auditor only reads. */
static void test_roles(void **state)
{
	(void)state;
	for (size_t k = 0; k < http_routes_merchant_n; k++) {
		const struct http_route *r = &http_routes_merchant[k];

		if (strcmp(r->method, "GET") == 0)
			assert_int_equal(r->roles, HTTP_ROLES_READ);
		else if (strstr(r->pattern, "documents") != NULL)
			assert_int_equal(r->roles, HTTP_ROLE_OPERATOR | HTTP_ROLE_MERCHANT);
		else
			assert_int_equal(r->roles, HTTP_ROLE_OPERATOR);
	}
}

static void test_documents(void **state)
{
	struct onboarding_fixture *f = *state;
	struct call c = {0};

	assert_int_equal(
	    call(f, &c, &operator_, "POST", "/api/v1/merchants", NULL, application, NULL), 201);
	/* "%PDF-1.4\n%%EOF\n" */
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/documents", "1",
	                      "{\"type\":\"licence\",\"name\":\"licence.pdf\","
	                      "\"content\":\"JVBERi0xLjQKJSVFT0YK\"}",
	                      NULL),
	                 201);
	assert_string_equal(json_string_value(json_object_get(c.res.body, "content_type")),
	                    "application/pdf");
	assert_int_equal(json_integer_value(json_object_get(c.res.body, "size")), 15);
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/documents", "1",
	                      "{\"type\":\"licence\",\"name\":\"again.pdf\","
	                      "\"content\":\"JVBERi0xLjQKJSVFT0YK\"}",
	                      NULL),
	                 409);
	/* A name with directories kept as its base name; "%PDF-1.4" then a script: not a PDF. */
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/documents", "1",
	                      "{\"type\":\"other\",\"name\":\"../../etc/passwd\","
	                      "\"content\":\"JVBERi0xLjUKJSVFT0YK\"}",
	                      NULL),
	                 201);
	assert_string_equal(json_string_value(json_object_get(c.res.body, "name")), "passwd");
	/* A name with nothing of a file's name left: the name at fault, not the content. */
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/documents", "1",
	                      "{\"type\":\"other\",\"name\":\"dir/.. \","
	                      "\"content\":\"JVBERi0xLjYKJSVFT0YK\"}",
	                      NULL),
	                 400);
	assert_string_equal(c.field, "name");
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/documents", "1",
	                      "{\"type\":\"other\",\"name\":\"x.pdf\","
	                      "\"content\":\"JVBERi0xLjQKPHNjcmlwdD4=\"}",
	                      NULL),
	                 400);
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/documents", "1",
	                      "{\"type\":\"selfie\",\"name\":\"x.pdf\",\"content\":\"JVBERi0=\"}",
	                      NULL),
	                 400);
	assert_string_equal(c.field, "type");
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/documents", "1",
	                      "{\"type\":\"other\",\"name\":\"x.txt\",\"content\":\"aGVsbG8=\"}",
	                      NULL),
	                 400);
	assert_string_equal(c.field, "content");
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/documents", "1",
	                      "{\"type\":\"other\",\"name\":\"x.pdf\",\"content\":\"%%%\"}", NULL),
	                 400);
	assert_string_equal(c.field, "content");
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/documents", "1",
	                      "{\"type\":\"other\",\"name\":\"x.pdf\"}", NULL),
	                 400);
	assert_string_equal(c.field, "content");
	assert_int_equal(
	    call(f, &c, &auditor, "GET", "/api/v1/merchants/{}/documents", "1", NULL, NULL), 200);
	assert_int_equal(json_array_size(json_object_get(c.res.body, "items")),
	                 2); /* licence.pdf, passwd */
	c.res.body = (json_decref(c.res.body), NULL);
}

static void test_fees_and_limits(void **state)
{
	struct onboarding_fixture *f = *state;
	struct call c = {0};
	struct test_audit log;
	char mid[16];
	json_t *fees, *limits;

	api_activate(f, &c, mid);
	assert_int_equal(call(f, &c, &operator_, "PUT", "/api/v1/merchants/{}/fees", mid,
	                      "{\"credit_bp\":58,\"debit_cap\":1800}", NULL),
	                 200);
	fees = json_object_get(c.res.body, "fees");
	assert_int_equal(json_integer_value(json_object_get(fees, "credit_bp")), 58);
	assert_int_equal(json_integer_value(json_object_get(fees, "debit_bp")), 55);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(fees, "debit_cap"), "amount")),
	    1800);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(fees, "debit_cap"), "currency")),
	    "CNY");
	assert_int_equal(call(f, &c, &operator_, "PUT", "/api/v1/merchants/{}/fees", mid,
	                      "{\"qr_bp\":10001}", NULL),
	                 400);
	assert_string_equal(c.field, "qr_bp");
	assert_int_equal(call(f, &c, &operator_, "PUT", "/api/v1/merchants/{}/limits", mid,
	                      "{\"daily\":5000000,\"per_txn\":200000,\"types\":[\"purchase\","
	                      "\"refund\"]}",
	                      NULL),
	                 200);
	limits = json_object_get(c.res.body, "limits");
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(limits, "per_txn"), "amount")),
	    200000);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(limits, "daily"), "currency")),
	    "CNY");
	assert_int_equal(json_array_size(json_object_get(limits, "types")), 2);
	assert_int_equal(call(f, &c, &operator_, "PUT", "/api/v1/merchants/{}/limits", mid,
	                      "{\"types\":[\"cashback\"]}", NULL),
	                 400);
	assert_string_equal(c.field, "types");
	assert_int_equal(call(f, &c, &operator_, "PUT", "/api/v1/merchants/{}/limits", mid,
	                      "{\"types\":[]}", NULL),
	                 400);
	assert_int_equal(call(f, &c, &operator_, "PUT", "/api/v1/merchants/{}/limits", mid,
	                      "{\"per_txn\":6000000}", NULL),
	                 400);
	assert_string_equal(c.field, "per_txn");
	assert_int_equal(call(f, &c, &operator_, "PUT", "/api/v1/merchants/{}/limits", mid,
	                      "{\"daily\":-1}", NULL),
	                 400);
	assert_string_equal(c.field, "daily");
	assert_int_equal(call(f, &c, &operator_, "POST", "/api/v1/merchants/{}/steps", mid,
	                      "{\"step\":\"close\",\"reason\":\"left\"}", NULL),
	                 200);
	assert_int_equal(call(f, &c, &operator_, "PUT", "/api/v1/merchants/{}/fees", mid,
	                      "{\"credit_bp\":50}", NULL),
	                 409);
	test_audit(f->i->s, NULL, &log);
	assert_string_equal(log.rows[log.n - 3].action, "merchant.fees");
	assert_string_equal(log.rows[log.n - 2].action, "merchant.limits");
	assert_string_equal(log.rows[log.n - 1].action, "merchant.close");
	c.res.body = (json_decref(c.res.body), NULL);
}

int main(void)
{
#define T(fn)                                                                                      \
	cmocka_unit_test_setup_teardown(fn, onboarding_fixture_setup, onboarding_fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_apply_and_steps), T(test_bad_applications), T(test_merchant_scope),
	    T(test_roles),           T(test_documents),        T(test_fees_and_limits),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
