/* response.c — what every handler of the HTTP API shares: its answers (a body, or an error
 * naming the field at fault), the reading of body fields with their checks, the query, the
 * merchant scope of a token, and the API's forms of times and money. */
#include "http/http.h"

#include <stdio.h>
#include <string.h>

#include "common/money.h"
#include "common/text.h"

const char *http_strerror(int rc)
{
	switch (rc) {
	case HTTP_OK:
		return "ok";
	case HTTP_EARG:
		return "bad argument";
	case HTTP_ENOMEM:
		return "out of memory";
	case HTTP_ESTART:
		return "the HTTP server could not start";
	case HTTP_EFAIL:
		return "the request failed inside";
	default:
		return "unknown http error";
	}
}

int http_reply(struct http_response *res, int status, json_t *body)
{
	json_decref(res->body);
	res->status = status;
	res->body = body != NULL ? body : json_object();
	return HTTP_OK;
}

int http_fail(struct http_response *res, int status, const char *error, const char *field)
{
	json_t *body = json_pack("{s:s}", "error", error);

	if (body != NULL && field != NULL)
		json_object_set_new(body, "field", json_string(field));
	return http_reply(res, status, body);
}

const char *http_query(const struct http_request *req, const char *name)
{
	for (size_t i = 0; i < req->n_query; i++)
		if (strcmp(req->query[i].name, name) == 0)
			return req->query[i].value;
	return NULL;
}

bool http_may_see(const struct http_request *req, const char *mid)
{
	return req->who->role != HTTP_ROLE_MERCHANT || strcmp(req->who->mid, mid) == 0;
}

/* The body's member field: HTTP_OK with *v (NULL when absent and optional), or the 400. */
static int body_member(const struct http_request *req, struct http_response *res,
                       const char *field, bool required, json_t **v)
{
	*v = req->body != NULL ? json_object_get(req->body, field) : NULL;
	if (*v == NULL && required) {
		char msg[96];

		snprintf(msg, sizeof msg, "%s is required", field);
		http_fail(res, 400, msg, field);
		return HTTP_EARG;
	}
	return HTTP_OK;
}

static int bad_field(struct http_response *res, const char *field, const char *what)
{
	char msg[128];

	snprintf(msg, sizeof msg, "%s must be %s", field, what);
	http_fail(res, 400, msg, field);
	return HTTP_EARG;
}

int http_body_string(const struct http_request *req, struct http_response *res, const char *field,
                     bool required, size_t max, const char **out)
{
	json_t *v;
	char what[64];

	if (body_member(req, res, field, required, &v) != HTTP_OK)
		return HTTP_EARG;
	if (v == NULL)
		return HTTP_OK;
	if (!json_is_string(v) || !text_is_line(json_string_value(v), max) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(what, sizeof what, "text of 1 to %zu bytes on one line", max);
		return bad_field(res, field, what);
	}
	*out = json_string_value(v);
	return HTTP_OK;
}

int http_body_int(const struct http_request *req, struct http_response *res, const char *field,
                  bool required, int64_t min, int64_t max, int64_t *out)
{
	json_t *v;
	char what[80];

	if (body_member(req, res, field, required, &v) != HTTP_OK)
		return HTTP_EARG;
	if (v == NULL)
		return HTTP_OK;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		snprintf(what, sizeof what, "an integer from %lld to %lld", (long long)min,
		         (long long)max);
		return bad_field(res, field, what);
	}
	*out = json_integer_value(v);
	return HTTP_OK;
}

int http_body_bool(const struct http_request *req, struct http_response *res, const char *field,
                   bool required, bool *out)
{
	json_t *v;

	if (body_member(req, res, field, required, &v) != HTTP_OK)
		return HTTP_EARG;
	if (v == NULL)
		return HTTP_OK;
	if (!json_is_boolean(v))
		return bad_field(res, field, "true or false");
	*out = json_is_true(v);
	return HTTP_OK;
}

json_t *http_time(int64_t t)
{
	char text[TEXT_UTC_LEN];

	text_utc(t, text);
	return text[0] != '\0' ? json_string(text) : json_null();
}

json_t *http_money(int64_t minor, unsigned currency)
{
	const char *alpha = money_alpha(currency);
	char digits[8];

	if (alpha == NULL) {
		snprintf(digits, sizeof digits, "%03u", currency % 1000);
		alpha = digits;
	}
	return json_pack("{s:I, s:s}", "amount", (json_int_t)minor, "currency", alpha);
}
