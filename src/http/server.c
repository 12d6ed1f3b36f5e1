/* server.c — the HTTP API's server: libmicrohttpd on one thread of its own, which runs the
 * handlers one at a time. Each request passes, in order: its token (401), its route (404,
 * 405), its role (403), its body's size (413) and its body's JSON (400); only then is its
 * handler called. Every request is logged as one line, without its body, query or token. */
#include "http/http.h"

#include <arpa/inet.h>
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <microhttpd.h>

#define CONNECTION_TIMEOUT 60 /* seconds a connection may sit idle */

struct http_server {
	struct MHD_Daemon *d;
	struct http_config cfg;
	struct http_route *all; /* every domain's routes, when cfg.routes was NULL */
	struct http_ctx *ctx;
	possum_log *log;
	int port;
};

/* One request, from its headers to its answer. */
struct http_req {
	const char *method, *path; /* libmicrohttpd's, valid until the request completes */
	struct timespec start;
	const struct http_route *route;
	struct http_principal who;
	const char *args[HTTP_ARGS_MAX];
	size_t n_args;
	char *segs; /* the path cut at its slashes: what args point into */
	char *body;
	size_t len, cap;
	/* An answer decided before the body was read (an error), given once it is. */
	int status;
	const char *error;
	char allow[64];
	bool answered;
};

void http_config_defaults(struct http_config *cfg)
{
	*cfg = (struct http_config){.port = 8080, .body_max = HTTP_BODY_MAX_DEFAULT};
	snprintf(cfg->listen, sizeof cfg->listen, "127.0.0.1");
}

static int64_t ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - start->tv_sec) * 1000 +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Sends status and text (taken over) of content type type and logs the request. */
static enum MHD_Result answer_text(struct http_server *srv, struct MHD_Connection *c,
                                   struct http_req *r, int status, char *text, const char *type)
{
	struct MHD_Response *resp;
	enum MHD_Result rc;

	r->answered = true;
	log_event(srv->log, LOG_INFO, "http_request",
	          json_pack("{s:s, s:s, s:i, s:s, s:I}", "method", r->method, "path", r->path,
	                    "status", status, "actor", r->who.actor[0] != '\0' ? r->who.actor : "-",
	                    "ms", (json_int_t)ms_since(&r->start)));
	if (text == NULL)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (status == 405)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	rc = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* Sends status and body (taken over; NULL: {}) and logs the request. */
static enum MHD_Result answer(struct http_server *srv, struct MHD_Connection *c, struct http_req *r,
                              int status, json_t *body)
{
	char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : strdup("{}");

	json_decref(body);
	return answer_text(srv, c, r, status, text, "application/json");
}

static json_t *error_body(const char *error)
{
	return json_pack("{s:s}", "error", error);
}

/* The token of an "Authorization: Bearer TOKEN" header, or NULL. */
static const char *bearer(struct MHD_Connection *c)
{
	const char *v =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);

	if (v == NULL || strncasecmp(v, "Bearer ", 7) != 0)
		return NULL;
	for (v += 7; *v == ' '; v++)
		;
	return v;
}

/* What the headers decide: r->status 0 (go on) or an error with r->error. */
static void admit(struct http_server *srv, struct MHD_Connection *c, const char *url,
                  const char *method, struct http_req *r)
{
	const struct http_route *routes = srv->cfg.routes != NULL ? srv->cfg.routes : srv->all;
	const char *length =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	size_t cap = strlen(url) + 1;
	int rc;

	switch (http_token_check(srv->ctx->store, bearer(c), &r->who)) {
	case HTTP_OK:
		break;
	case HTTP_EDENIED:
		r->status = 401;
		r->error = "an API token is needed: Authorization: Bearer TOKEN";
		return;
	default:
		r->status = 500;
		r->error = "the token could not be checked";
		return;
	}
	if ((r->segs = malloc(cap)) == NULL) {
		r->status = 500;
		r->error = "out of memory";
		return;
	}
	rc = http_route_find(routes, srv->cfg.n_routes, method, url, r->segs, cap, &r->route,
	                     r->args, &r->n_args, r->allow, sizeof r->allow);
	if (rc != HTTP_OK) {
		r->status = rc;
		r->error = rc == 404 ? "no such endpoint" : "method not allowed here";
	} else if ((r->route->roles & (unsigned)r->who.role) == 0) {
		r->status = 403;
		r->error = "this token's role may not do that";
	} else if (length != NULL && strtoull(length, NULL, 10) > (uint64_t)srv->cfg.body_max) {
		r->status = 413;
		r->error = "the request body is too large";
	}
}

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
	struct http_request *req = cls;

	(void)kind;
	if (req->n_query == HTTP_QUERY_MAX) {
		req->n_query++; /* one too many: refused by the caller */
		return MHD_NO;
	}
	req->query[req->n_query++] = (struct http_param){key, value != NULL ? value : ""};
	return MHD_YES;
}

/* The body read, the handler's turn. */
static enum MHD_Result serve(struct http_server *srv, struct MHD_Connection *c, const char *url,
                             const char *method, struct http_req *r)
{
	struct http_request req = {.method = method,
	                           .path = url,
	                           .n_args = r->n_args,
	                           .who = &r->who,
	                           .now = (int64_t)time(NULL)};
	struct http_response res = {0};
	json_error_t jerr;
	enum MHD_Result rc;

	memcpy(req.args, r->args, sizeof req.args);
	req.accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_query, &req);
	if (req.n_query > HTTP_QUERY_MAX)
		return answer(srv, c, r, 400, error_body("too many query parameters"));
	if (r->len > 0) {
		req.body = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(req.body)) {
			json_decref(req.body);
			return answer(srv, c, r, 400, error_body("the body must be a JSON object"));
		}
	}
	if (r->route->fn(srv->ctx, &req, &res) != HTTP_OK || res.status < 200 || res.status > 599) {
		log_event(srv->log, LOG_ERROR, "http_failed",
		          json_pack("{s:s, s:s, s:s}", "method", method, "path", url, "actor",
		                    r->who.actor));
		json_decref(res.body);
		free(res.text);
		res = (struct http_response){500, error_body("the request failed inside"), NULL,
		                             NULL};
	}
	rc = res.text != NULL ? answer_text(srv, c, r, res.status, res.text, res.content_type)
	                      : answer(srv, c, r, res.status, res.body);
	json_decref(req.body);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct http_req *r = *con_cls;
	const char *expect;

	(void)version;
	if (r == NULL) {
		if ((r = calloc(1, sizeof *r)) == NULL)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &r->start);
		r->method = method;
		r->path = url;
		*con_cls = r;
		admit(srv, c, url, method, r);
		/* A client waiting for "100 Continue" is answered now, and sends no body. */
		expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
		if (r->status != 0 && expect != NULL && strcasecmp(expect, "100-continue") == 0)
			return answer(srv, c, r, r->status, error_body(r->error));
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		/* Past an error, the body is read and dropped, so that the answer reaches the
		 * client rather than a reset connection. */
		if (r->status == 0 && r->len + *upload_data_size > (size_t)srv->cfg.body_max) {
			r->status = 413;
			r->error = "the request body is too large";
		}
		if (r->status == 0 && r->len + *upload_data_size > r->cap) {
			size_t cap = r->cap > 0 ? r->cap : 4096;
			char *grown;

			while (cap < r->len + *upload_data_size)
				cap *= 2;
			if ((grown = realloc(r->body, cap)) == NULL)
				return MHD_NO;
			r->body = grown;
			r->cap = cap;
		}
		if (r->status == 0) {
			memcpy(r->body + r->len, upload_data, *upload_data_size);
			r->len += *upload_data_size;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->answered)
		return MHD_YES;
	if (r->status != 0)
		return answer(srv, c, r, r->status, error_body(r->error));
	return serve(srv, c, url, method, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
	struct http_server *srv = cls;
	struct http_req *r = *con_cls;

	(void)c;
	(void)why;
	if (r == NULL)
		return;
	free(r->segs);
	free(r->body);
	free(r);
	*con_cls = NULL;
	(void)srv;
}

/* Every domain's routes, one after another (HTTP_DOMAINS). */
static int gather_routes(struct http_server *srv)
{
	size_t n = 0, k = 0;

#define HTTP_COUNT_ROUTES(domain) n += http_routes_##domain##_n;
	HTTP_DOMAINS(HTTP_COUNT_ROUTES)
	if ((srv->all = calloc(n, sizeof *srv->all)) == NULL)
		return HTTP_ENOMEM;
#define HTTP_COPY_ROUTES(domain)                                                                   \
	memcpy(srv->all + k, http_routes_##domain, http_routes_##domain##_n * sizeof *srv->all);   \
	k += http_routes_##domain##_n;
	HTTP_DOMAINS(HTTP_COPY_ROUTES)
	assert(k == n);
	srv->cfg.n_routes = n;
	return HTTP_OK;
}

int http_open(const struct http_config *cfg, struct http_ctx *ctx, possum_log *log,
              http_server **out)
{
	struct http_server *srv;
	struct sockaddr_in in4 = {.sin_family = AF_INET};
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
	const struct sockaddr *addr;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	const union MHD_DaemonInfo *info;
	int rc;

	*out = NULL;
	if (cfg->port < 0 || cfg->port > 65535 || cfg->body_max < 1)
		return HTTP_EARG;
	if (inet_pton(AF_INET, cfg->listen, &in4.sin_addr) == 1) {
		in4.sin_port = htons((uint16_t)cfg->port);
		addr = (const struct sockaddr *)&in4;
	} else if (inet_pton(AF_INET6, cfg->listen, &in6.sin6_addr) == 1) {
		in6.sin6_port = htons((uint16_t)cfg->port);
		addr = (const struct sockaddr *)&in6;
		flags |= MHD_USE_IPv6;
	} else {
		return HTTP_EARG;
	}
	if ((srv = calloc(1, sizeof *srv)) == NULL)
		return HTTP_ENOMEM;
	srv->cfg = *cfg;
	srv->ctx = ctx;
	srv->log = log;
	if (cfg->routes == NULL && (rc = gather_routes(srv)) != HTTP_OK)
		goto fail;
	srv->d = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_request, srv,
	                          MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_NOTIFY_COMPLETED,
	                          on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT,
	                          (unsigned)CONNECTION_TIMEOUT, MHD_OPTION_END);
	if (srv->d == NULL) {
		rc = HTTP_ESTART;
		goto fail;
	}
	info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info != NULL ? info->port : cfg->port;
	*out = srv;
	return HTTP_OK;
fail:
	free(srv->all);
	free(srv);
	return rc;
}

int http_port(const http_server *srv)
{
	return srv->port;
}

void http_close(http_server *srv)
{
	if (srv == NULL)
		return;
	MHD_stop_daemon(srv->d);
	free(srv->all);
	free(srv);
}
