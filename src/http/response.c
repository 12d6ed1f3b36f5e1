/* response.c — what every handler of the HTTP API shares: its answers (a body, or an error
 * naming the field at fault), the reading of body fields with their checks, the query, the
 * merchant scope of a token, and the API's forms of times and money. */
#include "http/http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "common/text.h"
#include "common/jsonval.h"

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
	case HTTP_ENOTFOUND:
		return "no such token or merchant";
	case HTTP_EDENIED:
		return "unknown or revoked token";
	case HTTP_ESTORE:
		return "the store failed";
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

int http_reply_text(struct http_response *res, int status, const char *type, char *text)
{
	if (text == NULL)
		return HTTP_EFAIL;
	json_decref(res->body);
	free(res->text);
	*res = (struct http_response){status, NULL, text, type, res->set_cookie};
	return HTTP_OK;
}

bool http_accepts(const struct http_request *req, const char *type)
{
	size_t n = strlen(type);

	/* Accept: a list of media ranges, each with its parameters: "text/csv;q=0.9, text/html". */
	for (const char *p = req->accept; p != NULL && *p != '\0'; p = strchr(p, ',')) {
		p += strspn(p, ", \t");
		if (strncasecmp(p, type, n) == 0 && strchr(",; \t", p[n]) != NULL)
			return true;
	}
	return false;
}

int http_reply_page(struct http_response *res, bool listed, json_t *items, json_t *next)
{
	if (!listed) {
		json_decref(items);
		json_decref(next);
		return HTTP_EFAIL;
	}
	return http_reply(res, 200, jsonval_page(items, next));
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
static int body_member(const struct http_request *req, struct http_response *res, const char *field,
                       bool required, json_t **v)
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

/* The 400 of a body field or query parameter: "FIELD must be WHAT". */
static int bad_field(struct http_response *res, const char *field, const char *what)
{
	char msg[128];

	snprintf(msg, sizeof msg, "%s must be %s", field, what);
	http_fail(res, 400, msg, field);
	return HTTP_EARG;
}

/* The 400 of an integer out of [min, max]. */
static int bad_int(struct http_response *res, const char *field, int64_t min, int64_t max)
{
	char what[80];

	snprintf(what, sizeof what, "an integer from %lld to %lld", (long long)min, (long long)max);
	return bad_field(res, field, what);
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

	if (body_member(req, res, field, required, &v) != HTTP_OK)
		return HTTP_EARG;
	if (v == NULL)
		return HTTP_OK;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return bad_int(res, field, min, max);
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

int http_query_int(const struct http_request *req, struct http_response *res, const char *name,
                   int64_t min, int64_t max, int64_t *out)
{
	const char *v = http_query(req, name);
	char *end;
	long long n;

	if (v == NULL)
		return HTTP_OK;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || n < min || n > max)
		return bad_int(res, name, min, max);
	*out = n;
	return HTTP_OK;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "+08:00" or "-05:00" at text: the minutes east of UTC in *out; -1 when it is not one. */
static int parse_zone(const char *text, int *out)
{
	if ((text[0] != '+' && text[0] != '-') || text[3] != ':' ||
	    strspn(text + 1, "0123456789") != 2 || strspn(text + 4, "0123456789") != 2 ||
	    text[6] != '\0')
		return -1;
	*out = ((text[1] - '0') * 10 + text[2] - '0') * 60 + (text[4] - '0') * 10 + text[5] - '0';
	if (*out > 24 * 60)
		return -1;
	if (text[0] == '-')
		*out = -*out;
	return 0;
}

int http_time_parse_local(const char *text, int utc_offset, int64_t now, int64_t *out)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0, zone = utc_offset;
	size_t len = strlen(text);
	int64_t local_day = (now + (int64_t)utc_offset * 60) / 86400;

	/* A local day: its midnight under utc_offset. */
	if (strcmp(text, "today") == 0 || strcmp(text, "yesterday") == 0) {
		*out = (local_day - (text[0] == 'y')) * 86400 - (int64_t)utc_offset * 60;
		return HTTP_OK;
	}
	if (len == 10) {
		if (sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
			return HTTP_EARG;
	} else if (len == 20 || len == 25) {
		if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) !=
		        6 ||
		    n != 19 ||
		    (len == 20 ? strcmp(text + 19, "Z") != 0 : parse_zone(text + 19, &zone) != 0))
			return HTTP_EARG;
		zone = len == 20 ? 0 : zone;
		n = (int)len;
	} else {
		return HTTP_EARG;
	}
	/* sscanf takes signs and spaces in %d: the digits are checked where they stand. */
	for (size_t i = 0; i < 19 && i < len; i++)
		if ((text[i] < '0' || text[i] > '9') && i != 4 && i != 7 && i != 10 && i != 13 &&
		    i != 16)
			return HTTP_EARG;
	if ((size_t)n != len || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0))) || h > 23 ||
	    mi > 59 || sec > 59)
		return HTTP_EARG;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - (int64_t)zone * 60;
	return HTTP_OK;
}

int http_time_parse(const char *text, int64_t *out)
{
	if (strcmp(text, "today") == 0 || strcmp(text, "yesterday") == 0)
		return HTTP_EARG;
	return http_time_parse_local(text, 0, 0, out);
}

int http_query_time(const struct http_request *req, struct http_response *res, const char *name,
                    int utc_offset, int64_t *out)
{
	const char *v = http_query(req, name);

	if (v != NULL && http_time_parse_local(v, utc_offset, req->now, out) != HTTP_OK)
		return bad_field(res, name,
		                 "a time, 2026-11-30T22:00:00+08:00 or 2026-11-30T14:00:00Z, or a "
		                 "local day, 2026-11-30, today or yesterday");
	return HTTP_OK;
}

int http_query_page(const struct http_request *req, struct http_response *res, size_t *limit,
                    int64_t *after)
{
	int64_t n = HTTP_PAGE_DEFAULT;

	*after = 0;
	if (http_query_int(req, res, "limit", 1, HTTP_PAGE_MAX, &n) != HTTP_OK ||
	    http_query_int(req, res, "after", 0, INT64_MAX, after) != HTTP_OK)
		return HTTP_EARG;
	*limit = (size_t)n;
	return HTTP_OK;
}

int http_base64_decode(const char *b64, size_t len, uint8_t **out, size_t *out_len)
{
	uint8_t *buf;
	int n;

	if (len == 0 || len % 4 != 0 || len > INT32_MAX || (buf = malloc(len / 4 * 3)) == NULL)
		return HTTP_EARG;
	/* EVP_DecodeBlock counts the padding's bytes too: take them off. */
	if ((n = EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)len)) < 0) {
		free(buf);
		return HTTP_EARG;
	}
	n -= (b64[len - 1] == '=') + (b64[len - 2] == '=');
	*out = buf;
	*out_len = (size_t)n;
	return HTTP_OK;
}
