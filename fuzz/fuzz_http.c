/* fuzz_http.c — libFuzzer target for the HTTP API's readers of a request: the query readers
 * (http_query, http_query_int, http_query_time, http_query_page) and the JSON body readers
 * (http_body_string, http_body_int, http_body_bool) over a synthetic struct http_request.
 * The input's first line is the query string ("name=value&…", up to HTTP_QUERY_MAX pairs, as
 * the server hands them over), the rest the JSON body; the first pair's name is also read as
 * a body field. Whatever the bytes, nothing may crash, leak or read out of bounds; a value
 * read is within the bounds asked for, and a refusal is a 400. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "common/text.h"
#include "http/http.h"

#define FUZZ_INPUT_MAX 4096
#define NOW            1795000000 /* 2026-11-18 */

/* Splits text (the query string, written over) into req's pairs. */
static void split_query(char *text, struct http_request *req)
{
	char *next;

	for (char *p = text; p != NULL && req->n_query < HTTP_QUERY_MAX; p = next) {
		char *eq;
		if ((next = strchr(p, '&')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(p, '=')) != NULL)
			*eq++ = '\0';
		req->query[req->n_query++] = (struct http_param){p, eq != NULL ? eq : ""};
	}
}

/* res is a 400 after a refusal; reset for the next reader. */
static void refused(struct http_response *res, int rc)
{
	CHECK(rc == HTTP_OK || (rc == HTTP_EARG && res->status == 400 && res->body != NULL));
	json_decref(res->body);
	res->body = NULL;
	res->status = 0;
}

static void read_query(const struct http_request *req, struct http_response *res)
{
	int64_t v = -7, after = -7;
	size_t limit = 0;
	int rc;

	(void)http_query(req, "status");
	if ((rc = http_query_int(req, res, "amount", -100, 100, &v)) == HTTP_OK)
		CHECK(v == -7 || (v >= -100 && v <= 100));
	refused(res, rc);
	rc = http_query_time(req, res, "since", 480, &v);
	refused(res, rc);
	if ((rc = http_query_page(req, res, &limit, &after)) == HTTP_OK)
		CHECK(limit >= 1 && limit <= HTTP_PAGE_MAX && after >= 0);
	refused(res, rc);
}

static void read_body(const struct http_request *req, struct http_response *res, const char *f)
{
	const char *s = NULL;
	int64_t v = 0;
	bool b;
	int rc;

	if ((rc = http_body_string(req, res, f, true, 16, &s)) == HTTP_OK)
		CHECK(s != NULL && s[0] != '\0' && strlen(s) <= 16 && text_is_line(s, 16));
	refused(res, rc);
	if ((rc = http_body_int(req, res, "amount", false, 1, 999999, &v)) == HTTP_OK)
		CHECK(v == 0 || (v >= 1 && v <= 999999));
	refused(res, rc);
	refused(res, http_body_bool(req, res, "flag", false, &b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request req = {.method = "POST", .path = "/fuzz", .now = NOW};
	struct http_response res = {0};
	char *text, *body;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	text = fuzz_text(data, size);
	if ((body = strchr(text, '\n')) != NULL)
		*body++ = '\0';
	split_query(text, &req);
	read_query(&req, &res);
	if (body != NULL)
		req.body = json_loads(body, JSON_REJECT_DUPLICATES, NULL);
	if (req.body != NULL && !json_is_object(req.body)) {
		json_decref(req.body);
		req.body = NULL;
	}
	read_body(&req, &res, req.n_query > 0 ? req.query[0].name : "name");
	json_decref(req.body);
	free(text);
	return 0;
}
