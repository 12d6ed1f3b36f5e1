/* server.c — the HTTP API's server: libmicrohttpd on one thread of its own, which runs the
 * handlers one at a time. A GET outside /api/ that is no route is a file of the console
 * (http_static_get()). Any other request passes, in order: its credentials — an API token
 * (Authorization: Bearer) or a session cookie (possum_session, user/user.h) — (401; a public
 * route needs none), its route (404, 405), its role (403), the CSRF token of a change made
 * with a cookie (403), its body's size (413) and its body's JSON (400); only then is its
 * handler called. Every answer carries X-Content-Type-Options: nosniff and Referrer-Policy:
 * no-referrer; the API's Cache-Control: no-store, the console's files their
 * Content-Security-Policy and X-Frame-Options: DENY. Every request is logged as one line,
 * with the client's address and without its body, query, token or cookie.
 *
 * Guessing credentials: a bad API token or a wrong sign-in is a "token_denied" line with the
 * client's address and a failure in the server's guard (guard.h); an address with
 * token_failures of them within token_window seconds has every API request refused with 429
 * and Retry-After for token_lockout seconds, before its credentials are even checked. Each
 * failure is not delayed by sleeping: the handlers run one at a time on one thread, so a sleep
 * would stall every other client (libmicrohttpd's suspend and resume would need a timer of
 * their own to wake the connection); refusing early costs the guesser as much and the
 * others nothing. */
#include "http/http.h"

#include <arpa/inet.h>
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "crypto/crypto.h"
#include "http/deadline.h"
#include "http/guard.h"

#define SESSION_COOKIE "possum_session"
#define CSRF_HEADER    "X-CSRF-Token"
#define STATIC_CSP     "default-src 'self'; img-src 'self' data:"
#define SIGNIN_PATH    "/api/v1/session" /* POST: a sign-in, whose 401 is a failure */
/* GnuTLS's priorities of the API's TLS: its defaults, but TLS 1.2 and 1.3 alone. */
#define HTTP_TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

struct http_server {
	struct MHD_Daemon *d;
	struct http_config cfg;
	struct http_route *all; /* every domain's routes, when cfg.routes was NULL */
	struct http_ctx *ctx;
	possum_log *log;
	int port;
	struct http_guard guard;         /* failures of credentials per address */
	struct http_deadlines deadlines; /* [http] request_timeout */
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
	bool is_static;                /* a console file, not a route */
	const char *session;           /* the cookie's session id, when it named a session */
	char csrf[USER_TOKEN_LEN + 1]; /* that session's CSRF token */
	char peer[INET6_ADDRSTRLEN];   /* the client's address, numeric */
	int64_t retry_after;           /* seconds, of a 429 */
};

void http_config_defaults(struct http_config *cfg)
{
	*cfg = (struct http_config){.port = 8080,
	                            .body_max = HTTP_BODY_MAX_DEFAULT,
	                            .token_failures = 10,
	                            .token_window = 60,
	                            .token_lockout = 300,
	                            .max_connections = 256,
	                            .max_per_address = 32,
	                            .timeout = 10,
	                            .request_timeout = 30};
	snprintf(cfg->listen, sizeof cfg->listen, "127.0.0.1");
}

static int64_t ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - start->tv_sec) * 1000 +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* The headers of every answer: its type, the security headers of the API or of the console's
 * files, and the handler's cookie (set_cookie: may be NULL). */
static void add_headers(const struct http_server *srv, struct MHD_Response *resp,
                        const struct http_req *r, int status, const char *type,
                        const char *set_cookie)
{
	char cookie[256];

	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (r->is_static) {
		MHD_add_response_header(resp, "Content-Security-Policy", STATIC_CSP);
		MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	} else {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	}
	if (set_cookie != NULL &&
	    (size_t)snprintf(cookie, sizeof cookie, "%s%s", set_cookie,
	                     srv->cfg.secure_cookies || srv->cfg.tls_cert != NULL
	                         ? "; Secure"
	                         : "") < sizeof cookie)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, cookie);
	crypto_wipe(cookie, sizeof cookie);
	if (status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (status == 405)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (status == 429 && (size_t)snprintf(cookie, sizeof cookie, "%lld",
	                                      (long long)r->retry_after) < sizeof cookie)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, cookie);
}

static void log_request(struct http_server *srv, const struct http_req *r, int status)
{
	log_event(srv->log, LOG_INFO, "http_request",
	          json_pack("{s:s, s:s, s:i, s:s, s:s, s:I}", "method", r->method, "path", r->path,
	                    "status", status, "actor", r->who.actor[0] != '\0' ? r->who.actor : "-",
	                    "peer", r->peer, "ms", (json_int_t)ms_since(&r->start)));
}

/* A credential refused (what: "token" or "signin"): a line with the client's address, and a
 * failure counted against it. */
static void denied(struct http_server *srv, const struct http_req *r, const char *what)
{
	bool refused = http_guard_fail(&srv->guard, r->peer, (int64_t)time(NULL));

	log_event(srv->log, LOG_WARN, "token_denied",
	          json_pack("{s:s, s:s, s:s, s:b}", "peer", r->peer, "credential", what, "path",
	                    r->path, "refused", refused));
}

/* Sends status and text (taken over) of content type type and logs the request. */
static enum MHD_Result answer_text(struct http_server *srv, struct MHD_Connection *c,
                                   struct http_req *r, int status, char *text, const char *type,
                                   const char *set_cookie)
{
	struct MHD_Response *resp;
	enum MHD_Result rc;

	r->answered = true;
	log_request(srv, r, status);
	if (text == NULL)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(text);
		return MHD_NO;
	}
	add_headers(srv, resp, r, status, type, set_cookie);
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
	return answer_text(srv, c, r, status, text, "application/json", NULL);
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

/* Whom the request's credentials name, into r->who (left empty when there are none): an API
 * token (Authorization: Bearer; 401 when unknown) or else a session cookie (an unknown or ended
 * session is none). unsafe: a change, whose session must present its CSRF token (403). */
static void credentials(struct http_server *srv, struct MHD_Connection *c, bool unsafe,
                        struct http_req *r)
{
	const char *token = bearer(c), *csrf;
	const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, SESSION_COOKIE);
	struct user_principal who;

	if (token != NULL) {
		int rc = http_token_check(srv->ctx->store, token, &r->who);

		if (rc == HTTP_OK)
			return;
		memset(&r->who, 0, sizeof r->who);
		if (rc == HTTP_EDENIED)
			denied(srv, r, "token");
		r->status = rc == HTTP_EDENIED ? 401 : 500;
		r->error = rc == HTTP_EDENIED
		               ? "an API token is needed: Authorization: Bearer TOKEN"
		               : "the token could not be checked";
		return;
	}
	if (cookie == NULL || srv->ctx->users == NULL)
		return;
	if (user_session_check(srv->ctx->users, cookie, (int64_t)time(NULL), &who) != USER_OK)
		return;
	r->session = cookie;
	r->who.role = (enum http_role)who.role;
	memcpy(r->who.mid, who.mid, sizeof r->who.mid);
	snprintf(r->who.actor, sizeof r->who.actor, "user:%s", who.name);
	memcpy(r->csrf, who.csrf, sizeof r->csrf);
	crypto_wipe(&who, sizeof who);
	csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, CSRF_HEADER);
	if (unsafe && (csrf == NULL || strlen(csrf) != strlen(r->csrf) ||
	               CRYPTO_memcmp(csrf, r->csrf, strlen(csrf)) != 0)) {
		r->status = 403;
		r->error = "csrf token missing or wrong";
	}
}

/* The client's numeric address into r->peer ("" when unknown). */
static void peer_address(struct MHD_Connection *c, struct http_req *r)
{
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = info != NULL ? info->client_addr : NULL;

	r->peer[0] = '\0';
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		          r->peer, sizeof r->peer);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		          r->peer, sizeof r->peer);
}

/* What the headers decide: r->status 0 (go on) or an error with r->error. */
static void admit(struct http_server *srv, struct MHD_Connection *c, const char *url,
                  const char *method, struct http_req *r)
{
	const struct http_route *routes = srv->cfg.routes != NULL ? srv->cfg.routes : srv->all;
	const char *length =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	bool unsafe = strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
	size_t cap = strlen(url) + 1;
	int found;

	peer_address(c, r);
	if ((r->segs = malloc(cap)) == NULL) {
		r->status = 500;
		r->error = "out of memory";
		return;
	}
	found = http_route_find(routes, srv->cfg.n_routes, method, url, r->segs, cap, &r->route,
	                        r->args, &r->n_args, r->allow, sizeof r->allow);
	if (found == 404 && strcmp(method, "GET") == 0 && strncmp(url, "/api/", 5) != 0) {
		r->is_static = true;
		return;
	}
	if ((r->retry_after = http_guard_refused(&srv->guard, r->peer, (int64_t)time(NULL))) > 0) {
		r->status = 429;
		r->error = "too many bad tokens or sign-ins from this address: try again later";
		return;
	}
	credentials(srv, c, unsafe, r);
	if (found == HTTP_OK && r->route->roles == HTTP_PUBLIC) {
		if (r->status != 0) { /* credentials that do not pass: anonymous, then */
			memset(&r->who, 0, sizeof r->who);
			crypto_wipe(r->csrf, sizeof r->csrf);
			r->session = NULL;
			r->status = 0;
		}
		if (r->who.role == 0)
			snprintf(r->who.actor, sizeof r->who.actor, "anonymous");
	} else if (r->status == 0 && r->who.role == 0) {
		r->status = 401;
		r->error = "sign in, or present an API token: Authorization: Bearer TOKEN";
	} else if (r->status == 0 && found != HTTP_OK) {
		r->status = found;
		r->error = found == 404 ? "no such endpoint" : "method not allowed here";
	} else if (r->status == 0 && (r->route->roles & (unsigned)r->who.role) == 0) {
		r->status = 403;
		r->error = "this role may not do that";
	}
	if (r->status == 0 && length != NULL &&
	    strtoull(length, NULL, 10) > (uint64_t)srv->cfg.body_max) {
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

/* A file of the console: 200 with its type, or 404. */
static enum MHD_Result serve_static(struct http_server *srv, struct MHD_Connection *c,
                                    const char *url, struct http_req *r)
{
	const uint8_t *data;
	const char *type;
	struct MHD_Response *resp;
	enum MHD_Result rc;
	size_t len;

	if (http_static_get(url, &data, &len, &type) != HTTP_OK)
		return answer(srv, c, r, 404, error_body("no such file"));
	r->answered = true;
	log_request(srv, r, 200);
	resp =
	    MHD_create_response_from_buffer(len, (void *)(uintptr_t)data, MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	add_headers(srv, resp, r, 200, type, NULL);
	rc = MHD_queue_response(c, 200, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* The handler's answer sent: its text or JSON body, and its cookie. */
static enum MHD_Result send_response(struct http_server *srv, struct MHD_Connection *c,
                                     struct http_req *r, struct http_response *res)
{
	enum MHD_Result rc;

	if (res->text == NULL) {
		res->text = res->body != NULL ? json_dumps(res->body, JSON_COMPACT) : strdup("{}");
		res->content_type = "application/json";
	}
	json_decref(res->body);
	rc = answer_text(srv, c, r, res->status, res->text, res->content_type, res->set_cookie);
	if (res->set_cookie != NULL) {
		crypto_wipe(res->set_cookie, strlen(res->set_cookie));
		free(res->set_cookie);
	}
	return rc;
}

/* The body read, the handler's turn. */
static enum MHD_Result serve(struct http_server *srv, struct MHD_Connection *c, const char *url,
                             const char *method, struct http_req *r)
{
	struct http_request req = {.method = method,
	                           .path = url,
	                           .n_args = r->n_args,
	                           .who = &r->who,
	                           .now = (int64_t)time(NULL),
	                           .peer = r->peer,
	                           .session = r->session,
	                           .csrf = r->session != NULL ? r->csrf : NULL};
	struct http_response res = {0};
	json_error_t jerr;
	enum MHD_Result rc;

	if (r->is_static)
		return serve_static(srv, c, url, r);
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
		free(res.set_cookie);
		res = (struct http_response){500, error_body("the request failed inside"), NULL,
		                             NULL, NULL};
	}
	if (res.status == 401 && strcmp(method, "POST") == 0 && strcmp(url, SIGNIN_PATH) == 0)
		denied(srv, r, "signin");
	rc = send_response(srv, c, r, &res);
	json_decref(req.body);
	return rc;
}

/* The deadline's entry of connection c (NULL: none). */
static struct http_deadline *deadline_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return info != NULL ? info->socket_context : NULL;
}

/* A connection opened (armed for its first request's deadline) or closed. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
	struct http_server *srv = cls;
	const union MHD_ConnectionInfo *info;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context =
		    info != NULL ? http_deadline_add(&srv->deadlines, info->connect_fd) : NULL;
	} else {
		http_deadline_remove(&srv->deadlines, *socket_context);
		*socket_context = NULL;
	}
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
		if (r->status != 0 && expect != NULL && strcasecmp(expect, "100-continue") == 0) {
			http_deadline_arm(&srv->deadlines, deadline_of(c), false);
			return answer(srv, c, r, r->status, error_body(r->error));
		}
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
	/* The request has come whole: its deadline no longer runs while it is answered. */
	http_deadline_arm(&srv->deadlines, deadline_of(c), false);
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

	(void)why;
	/* The next request on the connection has its own deadline, from now. */
	http_deadline_arm(&srv->deadlines, deadline_of(c), true);
	if (r == NULL)
		return;
	free(r->segs);
	if (r->body != NULL)
		crypto_wipe(r->body, r->cap); /* a password, perhaps */
	free(r->body);
	crypto_wipe(r->csrf, sizeof r->csrf);
	free(r);
	*con_cls = NULL;
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
	/* TLS: the certificate and key (GnuTLS copies them), versions 1.2 and 1.3 only. */
	struct MHD_OptionItem tls[] = {
	    {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)(uintptr_t)cfg->tls_cert},
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)(uintptr_t)cfg->tls_key},
	    {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)(uintptr_t)HTTP_TLS_PRIORITIES},
	    {MHD_OPTION_END, 0, NULL}};
	struct MHD_OptionItem plain[] = {{MHD_OPTION_END, 0, NULL}};
	int rc;

	*out = NULL;
	if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL))
		return HTTP_EARG;
	if (cfg->port < 0 || cfg->port > 65535 || cfg->body_max < 1 || cfg->token_failures < 1 ||
	    cfg->token_window < 1 || cfg->token_lockout < 1 || cfg->max_connections < 1 ||
	    cfg->max_per_address < 1 || cfg->timeout < 1 || cfg->request_timeout < 1)
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
	http_guard_init(&srv->guard, cfg->token_failures, cfg->token_window, cfg->token_lockout);
	if (cfg->routes == NULL && (rc = gather_routes(srv)) != HTTP_OK)
		goto fail;
	if (cfg->tls_cert != NULL)
		flags |= MHD_USE_TLS;
	if (http_deadlines_start(&srv->deadlines, cfg->request_timeout) != 0) {
		rc = HTTP_ESTART;
		goto fail;
	}
	srv->d = MHD_start_daemon(
	    flags, (uint16_t)cfg->port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, addr,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
	    on_connection, srv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->max_per_address, MHD_OPTION_ARRAY,
	    cfg->tls_cert != NULL ? tls : plain, MHD_OPTION_END);
	if (srv->d == NULL) {
		rc = HTTP_ESTART;
		goto fail;
	}
	info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info != NULL ? info->port : cfg->port;
	*out = srv;
	return HTTP_OK;
fail:
	http_deadlines_stop(&srv->deadlines);
	free(srv->all);
	free(srv);
	return rc;
}

int http_port(const http_server *srv)
{
	return srv->port;
}

unsigned http_connections(const http_server *srv)
{
	const union MHD_DaemonInfo *info;

	if (srv == NULL)
		return 0;
	info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return info != NULL ? info->num_connections : 0;
}

void http_close(http_server *srv)
{
	if (srv == NULL)
		return;
	MHD_stop_daemon(srv->d); /* every connection's entry removed */
	http_deadlines_stop(&srv->deadlines);
	free(srv->all);
	free(srv);
}
