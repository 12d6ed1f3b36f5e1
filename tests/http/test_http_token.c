/* test_http_token.c — the API's tokens (made, kept hashed, checked, revoked, each change in the
 * audit log), its router (patterns, 404 and 405) and its reading of times. No server: see
 * test_http_server.c. */
#include "http/http_fixture.h"

#include <stdio.h>

#include "audit/audit.h"
#include "common/jsonval.h"
#include "http/http.h"
#include "store/store_acquirer.h"
#include "store/store_http.h"

struct audit_seen {
	int n;
	struct store_audit last;
};

static int count_audit(void *arg, const struct store_audit *a)
{
	struct audit_seen *seen = arg;

	seen->n++;
	seen->last = *a;
	return 0;
}

/* The token made is shown once: the store has its SHA-256, and the token checks. */
static void token_made_kept_hashed_and_checked(void **state)
{
	struct store_fixture *f = *state;
	struct store_http_token row;
	struct http_principal who;
	struct audit_seen seen = {0};
	struct store_audit_filter af = {.object = "token"};
	char token[HTTP_TOKEN_LEN + 1], *db;
	size_t len;
	int64_t id;

	http_fixture_merchant(f->s, "898581054110001");
	assert_int_equal(http_token_create(f->s, "cli:test", HTTP_ROLE_MERCHANT, "898581054110001",
	                                   "portal", T_NOW, token, &id),
	                 HTTP_OK);
	assert_int_equal(strlen(token), HTTP_TOKEN_LEN);
	assert_int_equal(store_http_token_get(f->s, id, &row), STORE_OK);
	assert_int_equal(strlen(row.hash), 64);
	assert_string_not_equal(row.hash, token);
	assert_string_equal(row.label, "portal");
	/* Nowhere in the database (closed: nothing left in its log): the token itself. */
	store_close(f->s);
	assert_int_equal(store_fixture_bytes(f->path, &db, &len), 0);
	assert_false(store_fixture_holds(db, len, token));
	assert_true(store_fixture_holds(db, len, row.hash)); /* the search sees what is there */
	free(db);
	assert_int_equal(store_open(f->path, &f->s), STORE_OK);

	assert_int_equal(http_token_check(f->s, token, &who), HTTP_OK);
	assert_int_equal(who.token_id, id);
	assert_int_equal(who.role, HTTP_ROLE_MERCHANT);
	assert_string_equal(who.mid, "898581054110001");
	assert_string_equal(who.actor, "token:1");

	assert_int_equal(store_audit_list(f->s, &af, count_audit, &seen), STORE_OK);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.last.action, "token.create");
	assert_string_equal(seen.last.object, "token:1");
	assert_string_equal(seen.last.actor, "cli:test");
	assert_string_equal(seen.last.before, "null");
	assert_non_null(strstr(seen.last.after, "\"role\":\"merchant\""));
	assert_null(strstr(seen.last.after, row.hash));
}

static void token_refused_when_malformed_unknown_or_revoked(void **state)
{
	struct store_fixture *f = *state;
	struct http_principal who;
	struct audit_seen seen = {0};
	struct store_audit_filter af = {.action = "token.revoke"};
	char token[HTTP_TOKEN_LEN + 1], other[HTTP_TOKEN_LEN + 1];
	int64_t id;

	assert_int_equal(
	    http_token_create(f->s, "cli:test", HTTP_ROLE_OPERATOR, NULL, NULL, T_NOW, token, &id),
	    HTTP_OK);
	assert_int_equal(http_token_check(f->s, NULL, &who), HTTP_EDENIED);
	assert_int_equal(http_token_check(f->s, "", &who), HTTP_EDENIED);
	assert_int_equal(http_token_check(f->s, "secret", &who), HTTP_EDENIED);
	/* The right length, one digit changed: unknown. */
	memcpy(other, token, sizeof other);
	other[0] = other[0] == 'A' ? 'B' : 'A';
	assert_int_equal(http_token_check(f->s, other, &who), HTTP_EDENIED);
	/* Not hex. */
	other[0] = 'g';
	assert_int_equal(http_token_check(f->s, other, &who), HTTP_EDENIED);

	assert_int_equal(http_token_revoke(f->s, "cli:test", id, T_NOW + 60), HTTP_OK);
	assert_int_equal(http_token_check(f->s, token, &who), HTTP_EDENIED);
	assert_int_equal(http_token_revoke(f->s, "cli:test", id, T_NOW + 61), HTTP_ENOTFOUND);
	assert_int_equal(http_token_revoke(f->s, "cli:test", 99, T_NOW + 61), HTTP_ENOTFOUND);
	assert_int_equal(store_audit_list(f->s, &af, count_audit, &seen), STORE_OK);
	assert_int_equal(seen.n, 1);
	assert_non_null(strstr(seen.last.before, "\"revoked_at\":null"));
	assert_non_null(strstr(seen.last.after, "\"revoked_at\":\"2026-11-30T")); /* 1796040060 */
}

/* A merchant's token needs a merchant that exists, and only it takes one; nothing is kept
 * when refused. */
static void token_create_refuses_bad_arguments(void **state)
{
	struct store_fixture *f = *state;
	struct audit_seen seen = {0};
	struct store_audit_filter af = {0};
	char token[HTTP_TOKEN_LEN + 1];
	int64_t id;

	assert_int_equal(http_token_create(f->s, "cli:test", HTTP_ROLE_MERCHANT, "898581054119999",
	                                   NULL, T_NOW, token, &id),
	                 HTTP_ENOTFOUND);
	assert_int_equal(
	    http_token_create(f->s, "cli:test", HTTP_ROLE_MERCHANT, NULL, NULL, T_NOW, token, &id),
	    HTTP_EARG);
	assert_int_equal(http_token_create(f->s, "cli:test", HTTP_ROLE_AUDITOR, "898581054110001",
	                                   NULL, T_NOW, token, &id),
	                 HTTP_EARG);
	assert_int_equal(
	    http_token_create(f->s, "cli:test", (enum http_role)3, NULL, NULL, T_NOW, token, &id),
	    HTTP_EARG);
	assert_int_equal(http_token_create(f->s, "cli:test", HTTP_ROLE_AUDITOR, NULL, "two\nlines",
	                                   T_NOW, token, &id),
	                 HTTP_EARG);
	assert_int_equal(
	    http_token_create(f->s, "", HTTP_ROLE_AUDITOR, NULL, NULL, T_NOW, token, &id),
	    HTTP_ESTORE);
	assert_int_equal(store_audit_list(f->s, &af, count_audit, &seen), STORE_OK);
	assert_int_equal(seen.n, 0);
	assert_int_equal(store_http_token_get(f->s, 1, &(struct store_http_token){0}),
	                 STORE_ENOTFOUND);
}

static void role_names(void **state)
{
	enum http_role r;

	(void)state;
	assert_int_equal(http_role_parse("auditor", &r), HTTP_OK);
	assert_int_equal(r, HTTP_ROLE_AUDITOR);
	assert_string_equal(http_role_name(HTTP_ROLE_OPERATOR), "operator");
	assert_int_equal(http_role_parse("admin", &r), HTTP_EARG);
	assert_int_equal(http_role_parse(NULL, &r), HTTP_EARG);
	assert_null(http_role_name((enum http_role)3));
}

static int no_handler(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	(void)ctx;
	(void)req;
	return http_reply(res, 200, NULL);
}

static const struct http_route routes[] = {
    {"GET", "/api/v1/merchants", HTTP_ROLES_ALL, no_handler},
    {"POST", "/api/v1/merchants", HTTP_ROLE_OPERATOR, no_handler},
    {"GET", "/api/v1/merchants/{}", HTTP_ROLES_ALL, no_handler},
    {"PUT", "/api/v1/merchants/{}/terminals/{}", HTTP_ROLE_OPERATOR, no_handler},
};

static int find(const char *method, const char *path, const struct http_route **r,
                const char *args[HTTP_ARGS_MAX], size_t *n, char *allow)
{
	static char segs[256];

	return http_route_find(routes, 4, method, path, segs, sizeof segs, r, args, n, allow, 64);
}

static void router_matches_patterns(void **state)
{
	const struct http_route *r;
	const char *args[HTTP_ARGS_MAX];
	size_t n;
	char allow[64];

	(void)state;
	assert_int_equal(find("POST", "/api/v1/merchants", &r, args, &n, allow), HTTP_OK);
	assert_ptr_equal(r, &routes[1]);
	assert_int_equal(n, 0);
	assert_int_equal(find("GET", "/api/v1/merchants/898", &r, args, &n, allow), HTTP_OK);
	assert_ptr_equal(r, &routes[2]);
	assert_int_equal(n, 1);
	assert_string_equal(args[0], "898");
	assert_int_equal(find("PUT", "/api/v1/merchants/M1/terminals/T1", &r, args, &n, allow),
	                 HTTP_OK);
	assert_int_equal(n, 2);
	assert_string_equal(args[0], "M1");
	assert_string_equal(args[1], "T1");
}

static void router_404_and_405(void **state)
{
	const struct http_route *r;
	const char *args[HTTP_ARGS_MAX];
	size_t n;
	char allow[64];

	(void)state;
	assert_int_equal(find("DELETE", "/api/v1/merchants", &r, args, &n, allow), 405);
	assert_string_equal(allow, "GET, POST");
	assert_int_equal(find("GET", "/api/v1/merchants/M1/terminals/T1", &r, args, &n, allow),
	                 405);
	assert_string_equal(allow, "PUT");
	assert_int_equal(find("GET", "/api/v1/merchant", &r, args, &n, allow), 404);
	assert_int_equal(find("GET", "/api/v1/merchants/", &r, args, &n, allow), 404);
	assert_int_equal(find("GET", "/api/v1//merchants", &r, args, &n, allow), 404);
	assert_int_equal(find("GET", "/api/v1/merchants/M1/x", &r, args, &n, allow), 404);
	assert_int_equal(find("GET", "api/v1/merchants", &r, args, &n, allow), 404);
	assert_int_equal(find("GET", "/", &r, args, &n, allow), 404);
	assert_int_equal(find("GET", "", &r, args, &n, allow), 404);
	assert_int_equal(find("GET", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s", &r, args, &n, allow),
	                 404);
}

static void times_read_and_refused(void **state)
{
	int64_t t = 7;

	(void)state;
	assert_int_equal(http_time_parse("2026-11-30T12:00:00Z", &t), HTTP_OK);
	assert_int_equal(t, T_NOW);
	assert_int_equal(http_time_parse("2026-11-30", &t), HTTP_OK);
	assert_int_equal(t, T_NOW - 12 * 3600);
	assert_int_equal(http_time_parse("1970-01-01", &t), HTTP_OK);
	assert_int_equal(t, 0);
	assert_int_equal(http_time_parse("2024-02-29", &t), HTTP_OK);
	t = 7;
	assert_int_equal(http_time_parse("2026-02-29", &t), HTTP_EARG);
	assert_int_equal(http_time_parse("2100-02-29", &t), HTTP_EARG);
	assert_int_equal(http_time_parse("2026-13-01", &t), HTTP_EARG);
	assert_int_equal(http_time_parse("2026-11-30T24:00:00Z", &t), HTTP_EARG);
	assert_int_equal(http_time_parse("2026-11-30T12:00:00", &t), HTTP_EARG);
	assert_int_equal(http_time_parse("2026-1-030", &t), HTTP_EARG);
	assert_int_equal(http_time_parse("+026-11-30", &t), HTTP_EARG);
	assert_int_equal(http_time_parse("2026-11- 3", &t), HTTP_EARG);
	assert_int_equal(http_time_parse("1969-12-31", &t), HTTP_EARG);
	assert_int_equal(http_time_parse("", &t), HTTP_EARG);
	assert_int_equal(t, 7);

	/* RFC 3339 offsets; days, today and yesterday local under the offset given. */
	assert_int_equal(http_time_parse("2026-11-30T20:00:00+08:00", &t), HTTP_OK);
	assert_int_equal(t, T_NOW);
	assert_int_equal(http_time_parse("2026-11-30T07:00:00-05:00", &t), HTTP_OK);
	assert_int_equal(t, T_NOW);
	assert_int_equal(http_time_parse_local("2026-11-30", 480, T_NOW, &t), HTTP_OK);
	assert_int_equal(t, T_NOW - 20 * 3600);
	assert_int_equal(http_time_parse_local("2026-11-30T12:00:00Z", 480, T_NOW, &t), HTTP_OK);
	assert_int_equal(t, T_NOW);
	/* T_NOW is 20:00 in Beijing, 2026-11-30; 16:01 later it is 12-01 there, still 11-30 in UTC.
	 */
	assert_int_equal(http_time_parse_local("today", 480, T_NOW, &t), HTTP_OK);
	assert_int_equal(t, T_NOW - 20 * 3600);
	assert_int_equal(http_time_parse_local("today", 480, T_NOW + 4 * 3600 + 60, &t), HTTP_OK);
	assert_int_equal(t, T_NOW + 4 * 3600);
	assert_int_equal(http_time_parse_local("yesterday", 480, T_NOW, &t), HTTP_OK);
	assert_int_equal(t, T_NOW - 44 * 3600);
	assert_int_equal(http_time_parse_local("today", -300, T_NOW, &t), HTTP_OK);
	assert_int_equal(t, T_NOW - 7 * 3600);
	t = 7;
	assert_int_equal(http_time_parse("2026-11-30T12:00:00+8:00", &t), HTTP_EARG);
	assert_int_equal(http_time_parse("2026-11-30T12:00:00+08:0x", &t), HTTP_EARG);
	assert_int_equal(http_time_parse("2026-11-30T12:00:00+25:00", &t), HTTP_EARG);
	assert_int_equal(http_time_parse("2026-11-30T12:00:00x08:00", &t), HTTP_EARG);
	assert_int_equal(http_time_parse("2026-11-30T12:00:00Z08:00", &t), HTTP_EARG);
	assert_int_equal(http_time_parse_local("tomorrow", 480, T_NOW, &t), HTTP_EARG);
	assert_int_equal(http_time_parse_local("Today", 480, T_NOW, &t), HTTP_EARG);
	assert_int_equal(http_time_parse("yesterday", &t), HTTP_EARG);
	assert_int_equal(t, 7);
}

/* The one JSON shape of a time: RFC 3339 with the offset given, read back to the same instant. */
static void times_written_with_their_offset(void **state)
{
	static const struct {
		int offset;
		const char *text;
	} cases[] = {
	    {480, "2026-11-30T20:00:00+08:00"},
	    {-300, "2026-11-30T07:00:00-05:00"},
	    {330, "2026-11-30T17:30:00+05:30"},
	    {0, "2026-11-30T12:00:00Z"},
	};
	char text[JSONVAL_TIME_LEN];
	int64_t t;
	json_t *j;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		jsonval_time_text(T_NOW, cases[i].offset, text);
		assert_string_equal(text, cases[i].text);
		assert_int_equal(http_time_parse(text, &t), HTTP_OK);
		assert_int_equal(t, T_NOW);
	}
	j = jsonval_time(T_NOW, 480);
	assert_string_equal(json_string_value(j), "2026-11-30T20:00:00+08:00");
	json_decref(j);
	j = jsonval_time(0, 480); /* 0: no time */
	assert_true(json_is_null(j));
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(token_made_kept_hashed_and_checked, store_fixture_setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(token_refused_when_malformed_unknown_or_revoked,
	                                    store_fixture_setup, store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(token_create_refuses_bad_arguments, store_fixture_setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test(role_names),
	    cmocka_unit_test(router_matches_patterns),
	    cmocka_unit_test(router_404_and_405),
	    cmocka_unit_test(times_read_and_refused),
	    cmocka_unit_test(times_written_with_their_offset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
