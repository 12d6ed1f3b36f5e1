/* test_http_server.c — the API's server, on a free port with libcurl as the client: the checks
 * every request passes (401, 404, 405, 403, 413, 400), the handler's answer and its failure
 * (500), the request's arguments and query, the log line of each request (never its token);
 * then the API's own endpoints — whoami, the transactions and a merchant's balance — with a
 * merchant's token blind to another merchant's records. */
#include "http/http_fixture.h"

#include <curl/curl.h>
#include <stdio.h>

#include "http/http.h"
#include "log/log.h"
#include "store/store_acquirer.h"

#define MID_A "898581054110001"
#define MID_B "898581054110002"

struct fixture {
	struct store_fixture sf;
	char log_path[128];
	possum_log *log;
	struct http_ctx ctx;
	http_server *srv;
	char operator[HTTP_TOKEN_LEN + 1], merchant[HTTP_TOKEN_LEN + 1],
	    auditor[HTTP_TOKEN_LEN + 1];
	int64_t operator_id;
};

/* ---- routes of the test's own: they show what the server hands a handler ---- */

/* Answers 201 with what it was given: body, arguments, query and actor. */
static int echo(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	json_t *args = json_array(), *query = json_object();

	(void)ctx;
	for (size_t i = 0; i < req->n_args; i++)
		json_array_append_new(args, json_string(req->args[i]));
	for (size_t i = 0; i < req->n_query; i++)
		json_object_set_new(query, req->query[i].name, json_string(req->query[i].value));
	return http_reply(res, 201,
	                  json_pack("{s:O?, s:o, s:o, s:s}", "body", req->body, "args", args,
	                            "query", query, "actor", req->who->actor));
}

static int failing(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	(void)ctx;
	(void)req;
	(void)res;
	return HTTP_EFAIL;
}

static const struct http_route test_routes[] = {
    {"POST", "/echo", HTTP_ROLE_OPERATOR | HTTP_ROLE_MERCHANT, echo},
    {"GET", "/echo/{}/parts/{}", HTTP_ROLES_ALL, echo},
    {"GET", "/fail", HTTP_ROLES_ALL, failing},
    {"POST", "/open", HTTP_PUBLIC, echo},
};

/* A fixture serving routes (NULL: the API's own) with body_max. */
static int start(void **state, const struct http_route *routes, size_t n, int64_t body_max)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct http_config cfg;
	struct store_fixture *sf;
	int64_t id;

	if (f == NULL || store_fixture_setup(state) != 0)
		return -1;
	sf = *state;
	f->sf = *sf;
	free(sf);
	snprintf(f->log_path, sizeof f->log_path, "%s/possum.log", f->sf.dir);
	if (log_open(f->log_path, LOG_DEBUG, &f->log) != LOG_OK)
		return -1;
	http_fixture_merchant(f->sf.s, MID_A);
	http_fixture_merchant(f->sf.s, MID_B);
	if (http_token_create(f->sf.s, "cli:test", HTTP_ROLE_OPERATOR, NULL, NULL, T_NOW,
	                      f->operator, & f->operator_id) != HTTP_OK ||
	    http_token_create(f->sf.s, "cli:test", HTTP_ROLE_MERCHANT, MID_A, NULL, T_NOW,
	                      f->merchant, &id) != HTTP_OK ||
	    http_token_create(f->sf.s, "cli:test", HTTP_ROLE_AUDITOR, NULL, NULL, T_NOW, f->auditor,
	                      &id) != HTTP_OK)
		return -1;
	f->ctx = (struct http_ctx){.store = f->sf.s, .log = f->log, .utc_offset = 480};
	http_config_defaults(&cfg);
	cfg.port = 0;
	cfg.body_max = body_max;
	cfg.routes = routes;
	cfg.n_routes = n;
	if (http_open(&cfg, &f->ctx, f->log, &f->srv) != HTTP_OK)
		return -1;
	*state = f;
	return 0;
}

static int setup_test_routes(void **state)
{
	return start(state, test_routes, sizeof test_routes / sizeof test_routes[0], 1024);
}

static int setup_api(void **state)
{
	return start(state, NULL, 0, HTTP_BODY_MAX_DEFAULT);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct store_fixture *sf = malloc(sizeof *sf);

	http_close(f->srv);
	log_close(f->log);
	*sf = f->sf;
	free(f);
	*state = sf;
	return store_fixture_teardown(state);
}

/* ---- the client ---- */

struct answer {
	long status;
	char *text;
	size_t len;
	json_t *body;
	char allow[64];
};

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;
	char *grown = realloc(a->text, a->len + size * n + 1);

	assert_non_null(grown);
	a->text = grown;
	memcpy(a->text + a->len, p, size * n);
	a->len += size * n;
	a->text[a->len] = '\0';
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;

	if (size * n > 7 && strncmp(p, "Allow: ", 7) == 0)
		snprintf(a->allow, sizeof a->allow, "%.*s", (int)strcspn(p + 7, "\r\n"), p + 7);
	return size * n;
}

/* method path with token (NULL: none), body (NULL: none; len bytes) and one extra header. */
static struct answer call_with(struct fixture *f, const char *method, const char *path,
                               const char *token, const char *body, size_t len, const char *header)
{
	struct answer a = {0};
	struct curl_slist *headers = NULL;
	char url[512], auth[128];
	CURL *c = curl_easy_init();

	assert_non_null(c);
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", http_port(f->srv), path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (token != NULL) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		headers = curl_slist_append(headers, auth);
	}
	if (header != NULL)
		headers = curl_slist_append(headers, header);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &a);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a.status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	assert_non_null(a.text);
	a.body = json_loads(a.text, 0, NULL);
	assert_non_null(a.body);
	return a;
}

static struct answer call(struct fixture *f, const char *method, const char *path,
                          const char *token, const char *body)
{
	return call_with(f, method, path, token, body, body != NULL ? strlen(body) : 0, NULL);
}

static void answer_free(struct answer *a)
{
	free(a->text);
	json_decref(a->body);
}

static const char *field_of(const struct answer *a, const char *name)
{
	return json_string_value(json_object_get(a->body, name));
}

/* Calls and checks the status, and for an error that it says one. */
static void expect_status(struct fixture *f, const char *method, const char *path,
                          const char *token, const char *body, long status)
{
	struct answer a = call(f, method, path, token, body);

	assert_int_equal(a.status, status);
	if (status >= 400)
		assert_non_null(field_of(&a, "error"));
	answer_free(&a);
}

/* ---- the checks of every request ---- */

static void no_or_bad_token_401(void **state)
{
	struct fixture *f = *state;
	char revoked[HTTP_TOKEN_LEN + 1];
	int64_t id;

	expect_status(f, "POST", "/echo", NULL, "{}", 401);
	expect_status(f, "POST", "/echo", "not-a-token", "{}", 401);
	/* Unknown paths of the API too: without a token, nothing about the API is told. A GET
	 * outside /api/ is a file of the console (http_static_get()), public: 404 when none. */
	expect_status(f, "GET", "/api/nowhere", NULL, NULL, 401);
	expect_status(f, "GET", "/nowhere", NULL, NULL, 404);
	assert_int_equal(http_token_create(f->sf.s, "cli:test", HTTP_ROLE_OPERATOR, NULL, NULL,
	                                   T_NOW, revoked, &id),
	                 HTTP_OK);
	expect_status(f, "POST", "/echo", revoked, "{}", 201);
	assert_int_equal(http_token_revoke(f->sf.s, "cli:test", id, T_NOW), HTTP_OK);
	expect_status(f, "POST", "/echo", revoked, "{}", 401);
}

/* A public route answers without credentials (actor "anonymous"); a token given still names
 * its principal, and a bad one is as none. */
static void public_route_anonymous(void **state)
{
	struct fixture *f = *state;
	struct answer a = call(f, "POST", "/open", NULL, "{}");

	assert_int_equal(a.status, 201);
	assert_string_equal(field_of(&a, "actor"), "anonymous");
	answer_free(&a);
	a = call(f, "POST", "/open", "not-a-token", "{}");
	assert_int_equal(a.status, 201);
	assert_string_equal(field_of(&a, "actor"), "anonymous");
	answer_free(&a);
	a = call(f, "POST", "/open", f->operator, "{}");
	assert_int_equal(a.status, 201);
	assert_int_equal(strncmp(field_of(&a, "actor"), "token:", 6), 0);
	answer_free(&a);
}

static void unknown_path_404_wrong_method_405(void **state)
{
	struct fixture *f = *state;
	struct answer a;

	expect_status(f, "GET", "/nowhere", f->operator, NULL, 404);
	expect_status(f, "GET", "/echo/1/parts", f->operator, NULL, 404);
	expect_status(f, "GET", "/echo/", f->operator, NULL, 404);
	a = call(f, "GET", "/echo", f->operator, NULL);
	assert_int_equal(a.status, 405);
	assert_string_equal(a.allow, "POST");
	answer_free(&a);
	expect_status(f, "DELETE", "/fail", f->operator, NULL, 405);
}

static void wrong_role_403(void **state)
{
	struct fixture *f = *state;

	expect_status(f, "POST", "/echo", f->auditor, "{}", 403);
	expect_status(f, "POST", "/echo", f->merchant, "{}", 201);
	expect_status(f, "GET", "/echo/a/parts/b", f->auditor, NULL, 201);
}

static void body_too_large_413(void **state)
{
	struct fixture *f = *state;
	char body[2048];
	struct answer a;

	memset(body, ' ', sizeof body);
	memcpy(body, "{}", 2);
	/* body_max is 1024: as much is taken, one byte more is not. */
	a = call_with(f, "POST", "/echo", f->operator, body, 1024, NULL);
	assert_int_equal(a.status, 201);
	answer_free(&a);
	a = call_with(f, "POST", "/echo", f->operator, body, 1025, NULL);
	assert_int_equal(a.status, 413);
	assert_non_null(field_of(&a, "error"));
	answer_free(&a);
	/* A client that waits for "100 Continue" is answered before it sends the body. */
	a = call_with(f, "POST", "/echo", f->operator, body, sizeof body, "Expect: 100-continue");
	assert_int_equal(a.status, 413);
	answer_free(&a);
	/* Sent in chunks, with no length told beforehand. */
	a = call_with(f, "POST", "/echo", f->operator, body, sizeof body,
	              "Transfer-Encoding: chunked");
	assert_int_equal(a.status, 413);
	answer_free(&a);
	/* The connection's next request is served as ever. */
	expect_status(f, "POST", "/echo", f->operator, "{\"a\":1}", 201);
}

static void bad_json_400(void **state)
{
	struct fixture *f = *state;

	expect_status(f, "POST", "/echo", f->operator, "{\"a\":", 400);
	expect_status(f, "POST", "/echo", f->operator, "[1, 2]", 400);
	expect_status(f, "POST", "/echo", f->operator, "\"text\"", 400);
	expect_status(f, "POST", "/echo", f->operator, "{\"a\":1,\"a\":2}", 400);
	expect_status(f, "POST", "/echo", f->operator, "{\"a\":1} x", 400);
}

static void handler_gets_body_args_query_and_actor(void **state)
{
	struct fixture *f = *state;
	struct answer a =
	    call(f, "POST", "/echo?x=1&y=two%20words&z", f->operator, "{\"amount\":1234}");
	char actor[32];

	assert_int_equal(a.status, 201);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(a.body, "body"), "amount")), 1234);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(a.body, "query"), "y")), "two words");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(a.body, "query"), "z")), "");
	snprintf(actor, sizeof actor, "token:%lld", (long long)f->operator_id);
	assert_string_equal(field_of(&a, "actor"), actor);
	answer_free(&a);

	a = call(f, "GET", "/echo/M%201/parts/T1", f->auditor, NULL);
	assert_int_equal(a.status, 201);
	assert_string_equal(json_string_value(json_array_get(json_object_get(a.body, "args"), 0)),
	                    "M 1");
	assert_string_equal(json_string_value(json_array_get(json_object_get(a.body, "args"), 1)),
	                    "T1");
	assert_true(json_is_null(json_object_get(a.body, "body")));
	answer_free(&a);
	expect_status(f, "GET",
	              "/echo/a/parts/b?a=1&b=1&c=1&d=1&e=1&f=1&g=1&h=1&i=1&j=1&k=1&l=1&m=1&n=1&o=1&"
	              "p=1&q=1",
	              f->operator, NULL, 400);
}

static void handler_failure_500(void **state)
{
	struct fixture *f = *state;

	expect_status(f, "GET", "/fail", f->operator, NULL, 500);
}

/* Each request is a line of the log — method, path, status, actor, peer, ms — and its token
 * and body are not; a bad token is a token_denied line with the peer. */
static void requests_logged_without_token_or_body(void **state)
{
	struct fixture *f = *state;
	char *all = NULL;
	size_t len = 0;
	FILE *fp;

	expect_status(f, "POST", "/echo?card=6222", f->merchant, "{\"secret\":\"s3cr3t\"}", 201);
	expect_status(f, "GET", "/api/nowhere", NULL, NULL, 401);
	expect_status(f, "GET", "/echo", "not-a-token", NULL, 401);
	log_close(f->log);
	f->log = NULL; /* the server's lines are all written: its requests are answered */
	assert_non_null(fp = fopen(f->log_path, "r"));
	{
		char chunk[4096];
		size_t n;

		while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
			assert_non_null(all = realloc(all, len + n + 1));
			memcpy(all + len, chunk, n);
			len += n;
			all[len] = '\0';
		}
	}
	fclose(fp);
	assert_non_null(all);
	assert_non_null(strstr(all, "\"event\":\"http_request\",\"method\":\"POST\",\"path\":"
	                            "\"/echo\",\"status\":201,\"actor\":\"token:2\","
	                            "\"peer\":\"127.0.0.1\",\"ms\":"));
	/* A bad token: a line with the address it came from (never the token). */
	assert_non_null(strstr(all, "\"event\":\"token_denied\",\"peer\":\"127.0.0.1\","
	                            "\"credential\":\"token\""));
	assert_null(strstr(all, "not-a-token"));
	assert_non_null(strstr(all, "\"path\":\"/api/nowhere\",\"status\":401,\"actor\":\"-\""));
	assert_null(strstr(all, f->merchant));
	assert_null(strstr(all, "s3cr3t"));
	assert_null(strstr(all, "6222"));
	free(all);
}

/* ---- the API's endpoints ---- */

static void add_txn(struct fixture *f, const char *mid, const char *tid, const char *type,
                    int64_t amount, int currency, const char *rc, bool reversed, const char *masked,
                    const char *rrn, int64_t at)
{
	static unsigned stan;
	struct store_acq_txn t = {
	    .at = at, .batch = 1, .amount = amount, .currency = currency, .reversed = reversed};

	snprintf(t.tid, sizeof t.tid, "%s", tid);
	snprintf(t.mid, sizeof t.mid, "%s", mid);
	snprintf(t.stan, sizeof t.stan, "%06u", ++stan % 1000000);
	snprintf(t.type, sizeof t.type, "%s", type);
	snprintf(t.masked, sizeof t.masked, "%s", masked);
	snprintf(t.pan_hash, sizeof t.pan_hash, "%064d", 0);
	snprintf(t.rrn, sizeof t.rrn, "%s", rrn);
	snprintf(t.rc, sizeof t.rc, "%s", rc);
	assert_int_equal(store_acq_txn_insert(f->sf.s, &t), STORE_OK);
}

static void add_txns(struct fixture *f)
{
	add_txn(f, MID_A, "TERMA001", "purchase", 10000, 156, "00", false, "622202******1234",
	        "000000000001", T_NOW);
	add_txn(f, MID_A, "TERMA001", "purchase", 2500, 156, "51", false, "622202******1234",
	        "000000000002", T_NOW + 60);
	add_txn(f, MID_A, "TERMA002", "refund", 3000, 156, "00", false, "622202******5678",
	        "000000000003", T_NOW + 120);
	add_txn(f, MID_A, "TERMA002", "purchase", 700, 156, "00", true, "622202******5678",
	        "000000000004", T_NOW + 180);
	add_txn(f, MID_A, "TERMA002", "purchase", 5000, 840, "00", false, "411111******1111",
	        "000000000005", T_NOW + 86400);
	add_txn(f, MID_B, "TERMB001", "purchase", 99900, 156, "00", false, "622202******1234",
	        "000000000006", T_NOW);
}

static void whoami_names_the_token(void **state)
{
	struct fixture *f = *state;
	struct answer a = call(f, "GET", "/api/v1/whoami", f->merchant, NULL);

	assert_int_equal(a.status, 200);
	assert_string_equal(field_of(&a, "role"), "merchant");
	assert_string_equal(field_of(&a, "mid"), MID_A);
	assert_string_equal(field_of(&a, "actor"), "token:2");
	answer_free(&a);
	a = call(f, "GET", "/api/v1/whoami", f->auditor, NULL);
	assert_string_equal(field_of(&a, "role"), "auditor");
	assert_true(json_is_null(json_object_get(a.body, "mid")));
	answer_free(&a);
	expect_status(f, "GET", "/api/v1/whoami", NULL, NULL, 401);
	expect_status(f, "POST", "/api/v1/whoami", f->operator, NULL, 405);
}

/* The number of items a search answers, and the RRN of the first. */
static size_t search(struct fixture *f, const char *token, const char *query, char first[13])
{
	char path[256];
	struct answer a;
	size_t n;

	snprintf(path, sizeof path, "/api/v1/transactions%s", query);
	a = call(f, "GET", path, token, NULL);
	assert_int_equal(a.status, 200);
	n = json_array_size(json_object_get(a.body, "items"));
	if (first != NULL)
		snprintf(first, 13, "%s",
		         n > 0 ? json_string_value(json_object_get(
		                     json_array_get(json_object_get(a.body, "items"), 0), "rrn"))
		               : "");
	answer_free(&a);
	return n;
}

static void transactions_searched(void **state)
{
	struct fixture *f = *state;
	char rrn[13];
	struct answer a;

	add_txns(f);
	assert_int_equal(search(f, f->operator, "", NULL), 6);
	assert_int_equal(search(f, f->auditor, "?mid=" MID_B, rrn), 1);
	assert_string_equal(rrn, "000000000006");
	assert_int_equal(search(f, f->operator, "?terminal=TERMA002", NULL), 3);
	assert_int_equal(search(f, f->operator, "?status=declined", rrn), 1);
	assert_string_equal(rrn, "000000000002");
	assert_int_equal(search(f, f->operator, "?status=reversed", rrn), 1);
	assert_string_equal(rrn, "000000000004");
	assert_int_equal(search(f, f->operator, "?status=approved", NULL), 4);
	assert_int_equal(search(f, f->operator, "?card=1234", NULL), 3);
	assert_int_equal(search(f, f->operator, "?card=622202******5678", NULL), 2);
	assert_int_equal(search(f, f->operator, "?amount=3000", rrn), 1);
	assert_string_equal(rrn, "000000000003");
	/* Days are local ([host] utc_offset, 480 here): 2026-12-01 begins at 2026-11-30T16:00Z. */
	assert_int_equal(search(f, f->operator, "?from=2026-12-01", rrn), 1);
	assert_string_equal(rrn, "000000000005");
	assert_int_equal(search(f, f->operator, "?from=2026-12-01&to=2026-12-02", rrn), 1);
	assert_int_equal(search(f, f->operator, "?from=2026-12-02", rrn), 0);
	assert_int_equal(
	    search(f, f->operator, "?from=2026-11-30T12:01:00Z&to=2026-11-30T12:03:00Z", NULL), 2);
	assert_int_equal(search(f, f->operator,
	                        "?from=2026-11-30T20:01:00%2B08:00&to=2026-11-30T07:03:00-05:00",
	                        NULL),
	                 2);
	/* today and yesterday: the host's local days (the rows are of 2026-11-30 and 12-01). */
	assert_int_equal(search(f, f->operator, "?from=today", NULL), 0);
	assert_int_equal(search(f, f->operator, "?to=yesterday&mid=" MID_A, NULL), 5);

	/* Pages: two, then the rest after the second's id. */
	a = call(f, "GET", "/api/v1/transactions?limit=2", f->operator, NULL);
	assert_int_equal(json_array_size(json_object_get(a.body, "items")), 2);
	assert_int_equal(json_integer_value(json_object_get(a.body, "next")), 2);
	answer_free(&a);
	a = call(f, "GET", "/api/v1/transactions?limit=4&after=2", f->operator, NULL);
	assert_int_equal(json_array_size(json_object_get(a.body, "items")), 4);
	assert_true(json_is_null(json_object_get(a.body, "next")));
	answer_free(&a);

	/* One row as the API shows it: masked card, money in minor units, local time with its
	 * offset (RFC 3339). */
	a = call(f, "GET", "/api/v1/transactions/000000000001", f->auditor, NULL);
	assert_int_equal(a.status, 200);
	assert_string_equal(field_of(&a, "card"), "622202******1234");
	assert_string_equal(field_of(&a, "at"), "2026-11-30T20:00:00+08:00");
	assert_string_equal(field_of(&a, "status"), "approved");
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(a.body, "amount"), "amount")),
	    10000);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(a.body, "amount"), "currency")),
	    "CNY");
	assert_null(json_object_get(a.body, "pan_hash"));
	answer_free(&a);
	expect_status(f, "GET", "/api/v1/transactions/999999999999", f->operator, NULL, 404);
}

static void transaction_search_refuses_bad_queries(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[][2] = {
	    {"?status=pending", "status"},
	    {"?card=123", "card"},
	    {"?card=6222021234561234", "card"},
	    {"?card=62x2", "card"},
	    {"?amount=-1", "amount"},
	    {"?amount=1.50", "amount"},
	    {"?from=tomorrow", "from"},
	    {"?from=2026-11-30T12:00:00+8:00", "from"},
	    {"?from=2026-11-30T12:00:00%2B25:00", "from"},
	    {"?to=2026-11-31", "to"},
	    {"?terminal=T1", "terminal"},
	    {"?mid=898", "mid"},
	    {"?limit=0", "limit"},
	    {"?limit=501", "limit"},
	    {"?after=x", "after"},
	};
	char path[128];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct answer a;

		snprintf(path, sizeof path, "/api/v1/transactions%s", bad[i][0]);
		a = call(f, "GET", path, f->operator, NULL);
		assert_int_equal(a.status, 400);
		assert_string_equal(field_of(&a, "field"), bad[i][1]);
		answer_free(&a);
	}
}

/* A merchant's token sees its own merchant's records, and nothing of another's: 404. */
static void merchant_token_blind_to_another_merchant(void **state)
{
	struct fixture *f = *state;
	char path[128];

	add_txns(f);
	assert_int_equal(search(f, f->merchant, "", NULL), 5);
	assert_int_equal(search(f, f->merchant, "?mid=" MID_A, NULL), 5);
	assert_int_equal(search(f, f->merchant, "?terminal=TERMB001", NULL), 0);
	assert_int_equal(search(f, f->merchant, "?card=1234", NULL), 2);
	expect_status(f, "GET", "/api/v1/transactions?mid=" MID_B, f->merchant, NULL, 404);
	expect_status(f, "GET", "/api/v1/transactions/000000000006", f->merchant, NULL, 404);
	expect_status(f, "GET", "/api/v1/transactions/000000000001", f->merchant, NULL, 200);
	snprintf(path, sizeof path, "/api/v1/merchants/%s/balance", MID_B);
	expect_status(f, "GET", path, f->merchant, NULL, 404);
	expect_status(f, "GET", path, f->auditor, NULL, 200);
}

static int64_t money_of(json_t *o, const char *name)
{
	return json_integer_value(json_object_get(json_object_get(o, name), "amount"));
}

static void balance_sums_approved_sales_less_refunds(void **state)
{
	struct fixture *f = *state;
	struct answer a;
	json_t *cny, *usd;

	add_txns(f);
	a = call(f, "GET", "/api/v1/merchants/" MID_A "/balance", f->merchant, NULL);
	assert_int_equal(a.status, 200);
	assert_int_equal(json_array_size(json_object_get(a.body, "currencies")), 2);
	/* CNY: 100.00 approved, 25.00 declined and 7.00 reversed left out, 30.00 refunded. */
	cny = json_array_get(json_object_get(a.body, "currencies"), 0);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(cny, "net"), "currency")), "CNY");
	assert_int_equal(money_of(cny, "sales"), 10000);
	assert_int_equal(json_integer_value(json_object_get(cny, "sales_count")), 1);
	assert_int_equal(money_of(cny, "refunds"), 3000);
	assert_int_equal(money_of(cny, "net"), 7000);
	usd = json_array_get(json_object_get(a.body, "currencies"), 1);
	assert_int_equal(money_of(usd, "net"), 5000);
	answer_free(&a);

	a = call(f, "GET", "/api/v1/merchants/" MID_A "/balance?to=2026-12-01", f->operator, NULL);
	assert_int_equal(json_array_size(json_object_get(a.body, "currencies")), 1);
	assert_string_equal(field_of(&a, "to"), "2026-12-01T00:00:00+08:00");
	answer_free(&a);
	a = call(f, "GET", "/api/v1/merchants/" MID_B "/balance?from=2027-01-01", f->operator,
	         NULL);
	assert_int_equal(a.status, 200);
	assert_int_equal(json_array_size(json_object_get(a.body, "currencies")), 0);
	answer_free(&a);
	expect_status(f, "GET", "/api/v1/merchants/898581054119999/balance", f->operator, NULL,
	              404);
	expect_status(f, "GET", "/api/v1/merchants/" MID_A "/balance?from=x", f->operator, NULL,
	              400);
}

/* The Accept header read as media ranges: the type named in a list, with its parameters, case
 * aside; not a prefix of another type, nor anything without the header. */
static void accept_header_read(void **state)
{
	struct http_request req = {0};
	static const struct {
		const char *accept;
		bool csv;
	} cases[] = {
	    {"text/csv", true},
	    {"TEXT/CSV", true},
	    {"application/json, text/csv;q=0.9", true},
	    {"text/csv ;q=0.5,*/*", true},
	    {"text/csvx", false},
	    {"application/json", false},
	    {"text/html, application/text/csv", false},
	    {"", false},
	    {NULL, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		req.accept = cases[i].accept;
		assert_int_equal(http_accepts(&req, "text/csv"), cases[i].csv);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(no_or_bad_token_401, setup_test_routes, teardown),
	    cmocka_unit_test_setup_teardown(public_route_anonymous, setup_test_routes, teardown),
	    cmocka_unit_test_setup_teardown(unknown_path_404_wrong_method_405, setup_test_routes,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(wrong_role_403, setup_test_routes, teardown),
	    cmocka_unit_test_setup_teardown(body_too_large_413, setup_test_routes, teardown),
	    cmocka_unit_test_setup_teardown(bad_json_400, setup_test_routes, teardown),
	    cmocka_unit_test_setup_teardown(handler_gets_body_args_query_and_actor,
	                                    setup_test_routes, teardown),
	    cmocka_unit_test_setup_teardown(handler_failure_500, setup_test_routes, teardown),
	    cmocka_unit_test_setup_teardown(requests_logged_without_token_or_body,
	                                    setup_test_routes, teardown),
	    cmocka_unit_test_setup_teardown(whoami_names_the_token, setup_api, teardown),
	    cmocka_unit_test_setup_teardown(transactions_searched, setup_api, teardown),
	    cmocka_unit_test_setup_teardown(transaction_search_refuses_bad_queries, setup_api,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(merchant_token_blind_to_another_merchant, setup_api,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(balance_sums_approved_sales_less_refunds, setup_api,
	                                    teardown),
	    cmocka_unit_test(accept_header_read),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
