/* http.h — the HTTP API of `possum host` (docs/architecture.md, service layer `http`): JSON over
 * HTTP under /api/v1/, served with libmicrohttpd, each request authenticated by an API token or
 * the session cookie of a person signed in (user/user.h, routes_user.c) and authorized by its
 * role. docs/api.md lists every endpoint.
 *
 * An endpoint is a row of a route table: method, path pattern ("{}" stands for one path
 * segment, handed to the handler in args), the roles allowed, and the handler. The server
 * (server.c) reads the request — token (401), route (404/405), role (403), body size (413),
 * JSON body (400) — and only then calls the handler, inside no transaction: a handler that
 * changes something does it in one transaction of its own, with its audit entry
 * (audit/audit.h, actor who->actor), so that a refused request changes nothing.
 *
 * Conventions of every endpoint: money is {"amount": minor units (integer),
 * "currency": "CNY"}; times are "2026-11-30T14:00:00Z" (UTC); cards appear masked; lists are
 * {"items":[…],"next":ID-or-null} paged by ?limit=N (default 50, at most 500)&after=ID; errors
 * are {"error":"a sentence","field":"the field at fault"} with 400 (bad field), 401 (no or
 * unknown token), 403 (role), 404 (unknown id — and another merchant's id, for a merchant's
 * token), 405 (method), 409 (a state that does not allow it), 413 (body too large).
 *
 * Threads: the server runs its handlers one at a time on its own thread, with a store
 * connection, hsm, issuer and merchant of its own (struct http_ctx), beside the host's loop.
 * Functions return HTTP_OK or a negative HTTP_E* code. */
#ifndef POSSUM_HTTP_H
#define POSSUM_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "acquirer/acquirer.h"
#include "settle/settle.h"
#include "hsm/hsm.h"
#include "issuer/issuer.h"
#include "log/log.h"
#include "merchant/merchant.h"
#include "metrics/metrics.h"
#include "store/store.h"
#include "tms/tms.h"
#include "user/user.h"

#define HTTP_OK        0
#define HTTP_EARG      (-1) /* a bad argument or configuration */
#define HTTP_ENOMEM    (-2)
#define HTTP_ESTART    (-3) /* the server could not start (the port taken) */
#define HTTP_EFAIL     (-4) /* a handler failed inside: the request is answered 500 */
#define HTTP_ENOTFOUND (-5) /* no such token, or no such merchant for a merchant's token */
#define HTTP_EDENIED   (-6) /* a token unknown or revoked */
#define HTTP_ESTORE    (-7) /* the store failed; nothing was committed */

const char *http_strerror(int rc);

/* Roles, as bits so that a route names every role it allows. */
enum http_role {
	HTTP_ROLE_OPERATOR = 1, /* everything */
	HTTP_ROLE_MERCHANT = 2, /* its own merchant, terminals and transactions only */
	HTTP_ROLE_AUDITOR = 4,  /* reads everything, changes nothing */
};
#define HTTP_ROLES_ALL (HTTP_ROLE_OPERATOR | HTTP_ROLE_MERCHANT | HTTP_ROLE_AUDITOR)
/* A route's roles: anyone, signed in or not (the sign-in, the enrolment, /healthz, /readyz,
 * /metrics); the server still reads a token or session when one is given, else who->role is
 * 0 and who->actor "anonymous". */
#define HTTP_PUBLIC     0u
#define HTTP_ROLES_READ HTTP_ROLES_ALL

/* Whom a request's token or session names. */
struct http_principal {
	int64_t token_id; /* 0 for a session */
	enum http_role role;
	char mid[16];   /* a merchant token's or user's merchant; "" for the other roles */
	char actor[48]; /* "token:ID" or "user:NAME": the audit log's actor */
};

/* What a handler works with: the API thread's own handles (never the loop's). */
struct http_ctx {
	store *store;
	hsm *hsm;
	issuer *issuer;
	merchant *merchant;
	possum_log *log;
	int utc_offset; /* minutes east of UTC of the times the API shows and of its days */
	/* POST /api/v1/risk/reload: the host's (NULL: 503): RISK_OK with *count the rules now in
	 * force, else a risk.h code with err "FILE:LINE: why" and the old rules kept. */
	int (*risk_reload)(void *arg, size_t *count, char *err, size_t errlen);
	void *risk_arg;
	acquirer *acquirer; /* the risk lists and cases (routes_risk_cases.c); NULL: 503 there */
	user_module *users; /* the console's users and sessions (routes_user.c); NULL: none */
	tms *tms;           /* terminal management (routes_tms.c); NULL: 503 there */
	/* [settle]: the business day the reconciliation reads (routes_ops.c); NULL: the defaults */
	const struct settle_calendar *settle_cal;
	/* GET /metrics (routes_health.c): the registry the host records into, with the families
	 * http_metrics_declare() added (NULL: 503), and the addresses besides loopback that may
	 * read it without signing in (NULL: loopback only). */
	metrics *metrics;
	const struct http_allow *metrics_allow;
	/* GET /api/v1/links (routes_links.c): the data directory whose links.json the host writes
	 * (NULL: 503 there). */
	const char *data_dir;
};

#define HTTP_ARGS_MAX  4
#define HTTP_QUERY_MAX 16

struct http_param {
	const char *name, *value;
};

/* A request as the handler sees it; every pointer is valid for the handler's call only. */
struct http_request {
	const char *method, *path;
	const char *args[HTTP_ARGS_MAX]; /* the path segments the pattern's "{}" matched */
	size_t n_args;
	struct http_param query[HTTP_QUERY_MAX];
	size_t n_query;
	json_t *body;       /* the JSON body (an object), or NULL when there is none */
	const char *accept; /* the Accept header, or NULL when there is none */
	const struct http_principal *who;
	int64_t now;         /* Unix seconds */
	const char *peer;    /* the client's address, numeric ("127.0.0.1", "::1") */
	const char *session; /* the session id of the request's cookie, when it named one */
	const char *csrf;    /* and that session's CSRF token (else NULL) */
};

/* A handler's answer: status and a JSON body, which the response owns — or, for an endpoint
 * that answers in another type (a statement as CSV), text (heap, owned by the response too)
 * of content_type (a static string) in place of the body (http_reply_text()). */
struct http_response {
	int status;
	json_t *body;
	char *text;
	const char *content_type;
	char *set_cookie; /* heap, owned by the response: a Set-Cookie header's value, or NULL;
	                   * the server adds "; Secure" under [http] secure_cookies */
};

/* Fills res (always, with http_reply() or http_fail()) and returns HTTP_OK, or HTTP_EFAIL
 * when something failed inside (the store, the hsm): the server then answers 500 and logs it. */
typedef int (*http_handler)(struct http_ctx *ctx, const struct http_request *req,
                            struct http_response *res);

struct http_route {
	const char *method;  /* "GET", "POST", "PUT", "DELETE" */
	const char *pattern; /* "/api/v1/merchants/{}/documents" */
	unsigned roles;      /* enum http_role bits allowed */
	http_handler fn;
};

/* ---- The route tables ----
 *
 * One table a domain, in src/http/routes_DOMAIN.c: `const struct http_route
 * http_routes_DOMAIN[]` and `const size_t http_routes_DOMAIN_n`. The server serves them all,
 * in this order: to add a domain, add its line here. */
#define HTTP_DOMAINS(X)                                                                            \
	X(token)                                                                                   \
	X(transaction)                                                                             \
	X(merchant)                                                                                \
	X(terminal)                                                                                \
	X(settlecard)                                                                              \
	X(tms)                                                                                     \
	X(tms_package)                                                                             \
	X(statement)                                                                               \
	X(cardholder)                                                                              \
	X(card)                                                                                    \
	X(adjust)                                                                                  \
	X(risk)                                                                                    \
	X(review)                                                                                  \
	X(risk_cases)                                                                              \
	X(user)                                                                                    \
	X(portal)                                                                                  \
	X(ops)                                                                                     \
	X(links)                                                                                   \
	X(health)

#define HTTP_DECLARE_ROUTES(domain)                                                                \
	extern const struct http_route http_routes_##domain[];                                     \
	extern const size_t http_routes_##domain##_n;
HTTP_DOMAINS(HTTP_DECLARE_ROUTES)

/* ---- The server (server.c, router.c) ---- */

#define HTTP_BODY_MAX_DEFAULT (16 * 1024 * 1024)

/* Addresses and blocks of them (health.c): "10.0.0.5", "10.0.0.0/8", "::1", "fd00::/8". */
#define HTTP_ALLOW_MAX 32
struct http_allow {
	struct http_allow_net {
		uint8_t addr[16]; /* IPv4 as an IPv4-mapped IPv6 address (::ffff:a.b.c.d) */
		int bits;         /* of the 128 */
	} nets[HTTP_ALLOW_MAX];
	size_t n;
};
/* text, addresses or CIDR blocks separated by commas or spaces ("" none), into *out:
 * HTTP_OK, or HTTP_EARG (a malformed one, or more than HTTP_ALLOW_MAX) with *out empty. */
int http_allow_parse(const char *text, struct http_allow *out);
/* Whether numeric address peer ("10.0.0.5", "::1", "::ffff:10.0.0.5") is in allow (NULL:
 * none); http_peer_loopback() whether it is 127.0.0.0/8 or ::1. False for NULL or not an
 * address. */
bool http_allow_match(const struct http_allow *allow, const char *peer);
bool http_peer_loopback(const char *peer);

/* The [http] section of the config file (docs/config.md). */
struct http_config {
	char listen[64];     /* the address listened on, numeric IPv4 or IPv6; default 127.0.0.1 */
	int port;            /* default 8080; 0: a free one (http_port()) */
	int64_t body_max;    /* bytes of a request body; beyond it 413; default 16 MiB */
	bool secure_cookies; /* the session cookie marked Secure (behind TLS); default no */
	struct http_allow metrics_allow; /* GET /metrics without signing in; default none */
	/* token_failures bad API tokens or sign-ins from one address within token_window
	 * seconds: its API requests refused (429) for token_lockout seconds; 10, 60, 300. */
	int token_failures, token_window, token_lockout;
	/* Connections at once (256), from one address (32), and seconds one may sit idle (10):
	 * beyond the limits new connections are closed at once. */
	int max_connections, max_per_address, timeout;
	/* HTTPS: the certificate (chain) and its private key as PEM text, both or neither (NULL:
	 * plain HTTP), which must outlive the server. TLS is GnuTLS's, through libmicrohttpd, 1.2
	 * and 1.3 only; the session cookie is then Secure whatever secure_cookies says. */
	const char *tls_cert, *tls_key;
	/* Seconds a request may take to come whole, headers and body, from the connection's
	 * start or the end of its previous request, however often bytes trickle in (30). */
	int request_timeout;
	/* The routes served; NULL: every domain's (HTTP_DOMAINS). Tests serve their own. */
	const struct http_route *routes;
	size_t n_routes;
};

void http_config_defaults(struct http_config *cfg);

typedef struct http_server http_server;

/* Starts serving cfg on a thread of the server's own, which runs the handlers one at a time
 * with ctx and writes a line to log for each request ("http_request": method, path, status,
 * actor, peer, ms — never a body, a query or a token), and a "token_denied" line (peer,
 * credential, path, refused) for each bad API token or wrong sign-in. ctx and log must outlive the
 * server, and no other thread may use what they hold until http_close(). HTTP_OK, HTTP_EARG (a
 * listen address that is not one) or HTTP_ESTART (the port taken). */
int http_open(const struct http_config *cfg, struct http_ctx *ctx, possum_log *log,
              http_server **out);
/* The port listened on (the one chosen when cfg's was 0). */
int http_port(const http_server *srv);
/* The connections open now, as libmicrohttpd counts them (possum_connections{front="http"});
 * 0 for a NULL srv. Read from any thread: a gauge, not a lock. */
unsigned http_connections(const http_server *srv);
/* Stops taking connections, waits for the handler running to finish, and frees srv; srv may be
 * NULL. */
void http_close(http_server *srv);

/* The route of method and path among n routes (router.c): HTTP_OK with *out and args[] (the
 * segments "{}" matched, pointing into segs, a copy of path cut at its slashes, capacity cap)
 * and *n_args; 404 when no route has that path, 405 when none of those that have it takes
 * method (allow, capacity allow_cap, then lists those that do, as "GET, POST"). */
int http_route_find(const struct http_route *routes, size_t n, const char *method, const char *path,
                    char *segs, size_t cap, const struct http_route **out,
                    const char *args[HTTP_ARGS_MAX], size_t *n_args, char *allow, size_t allow_cap);

/* ---- API tokens (token.c) ----
 *
 * A token is 64 hex digits from OpenSSL's RAND_bytes, shown once when made; the store keeps its
 * SHA-256 only. Each change is committed with its audit entry ("token.create",
 * "token.revoke"; object "token:ID") as actor. */
#define HTTP_TOKEN_LEN 64

/* "operator", "merchant", "auditor" ↔ the role; NULL or HTTP_EARG for anything else. */
const char *http_role_name(enum http_role role);
int http_role_parse(const char *name, enum http_role *out);

/* Makes a token of role (for HTTP_ROLE_MERCHANT, of merchant mid, which must exist:
 * HTTP_ENOTFOUND; for the others mid must be NULL) with label (NULL: none; else text_is_line,
 * up to 64 bytes), and writes it into token (HTTP_TOKEN_LEN digits and a NUL) and its id into
 * *id. */
int http_token_create(store *s, const char *actor, enum http_role role, const char *mid,
                      const char *label, int64_t now, char token[HTTP_TOKEN_LEN + 1], int64_t *id);
/* What the maker of token id is shown, once: {"id","role","mid" (or null),"label","token"}
 * (POST /api/v1/tokens and `possum admin token create --json`); new reference, NULL when out
 * of memory. */
json_t *http_token_made_json(int64_t id, const char *role, const char *mid, const char *label,
                             const char *token);
/* Revokes token id: HTTP_ENOTFOUND when no token of that id is in force. */
int http_token_revoke(store *s, const char *actor, int64_t id, int64_t now);
/* Whom token names: HTTP_OK with *out, HTTP_EDENIED (malformed, unknown or revoked) or
 * HTTP_ESTORE. */
int http_token_check(store *s, const char *token, struct http_principal *out);

/* ---- What handlers share (response.c) ---- */

/* res = status and body (taken over; NULL: {}). Returns HTTP_OK. */
int http_reply(struct http_response *res, int status, json_t *body);
/* A page of a list, once the listing is done (listed: it succeeded): res = 200
 * {"items":items,"next":next} (both taken over; next NULL: null) and HTTP_OK; else items and
 * next are freed and HTTP_EFAIL. */
int http_reply_page(struct http_response *res, bool listed, json_t *items, json_t *next);
/* res = status and {"error":error,"field":field} (field NULL: none). Returns HTTP_OK. */
int http_fail(struct http_response *res, int status, const char *error, const char *field);

/* The bytes of base64 text b64 (len characters), into a heap buffer the caller frees:
 * HTTP_OK, or HTTP_EARG when it is not base64 (or empty) — a file sent in a JSON body. */
int http_base64_decode(const char *b64, size_t len, uint8_t **out, size_t *out_len);

/* res = status and text (heap, taken over) of content type type (a static string): HTTP_OK,
 * or HTTP_EFAIL when text is NULL (memory out). */
int http_reply_text(struct http_response *res, int status, const char *type, char *text);
/* ---- The console's files (static.c, docs/console.md) ----
 *
 * The web console (web/ in the source tree) is built into the binary. The server answers a GET
 * of a path outside /api/ (and not a route of its own) with the file of that path, "/" being
 * "/index.html": HTTP_OK with *data (static, the binary's), *len and its media type *type, or
 * HTTP_ENOTFOUND. */
int http_static_get(const char *path, const uint8_t **data, size_t *len, const char **type);

/* Whether the request's Accept header names media type type ("text/csv"), case aside,
 * whatever its parameters (";q=0.9"); false without the header. */
bool http_accepts(const struct http_request *req, const char *type);

/* The query parameter called name, or NULL. */
const char *http_query(const struct http_request *req, const char *name);

/* Whether the request's principal may see what belongs to merchant mid: operators and
 * auditors always, a merchant's token only for its own MID. A handler answers 404 when not. */
bool http_may_see(const struct http_request *req, const char *mid);

/* Body readers: HTTP_OK with *out set (a string points into the body), or — the field
 * missing when required, of the wrong type, or out of its bounds — HTTP_EARG with res already
 * the 400 naming the field. An absent optional field leaves *out as it was. A string must be
 * 1 to max bytes with no control character and no bidirectional control (text_is_line). */
int http_body_string(const struct http_request *req, struct http_response *res, const char *field,
                     bool required, size_t max, const char **out);
int http_body_int(const struct http_request *req, struct http_response *res, const char *field,
                  bool required, int64_t min, int64_t max, int64_t *out);
int http_body_bool(const struct http_request *req, struct http_response *res, const char *field,
                   bool required, bool *out);

/* Query readers, like the body's: HTTP_OK with *out set (left as it was when the parameter is
 * absent), or HTTP_EARG with res already the 400 naming the parameter. A time is read by
 * http_time_parse_local() under utc_offset. */
int http_query_int(const struct http_request *req, struct http_response *res, const char *name,
                   int64_t min, int64_t max, int64_t *out);
int http_query_time(const struct http_request *req, struct http_response *res, const char *name,
                    int utc_offset, int64_t *out);
/* A list's page: ?limit=N (default 50, at most 500) and ?after=ID (default 0). */
#define HTTP_PAGE_DEFAULT 50
#define HTTP_PAGE_MAX     500
int http_query_page(const struct http_request *req, struct http_response *res, size_t *limit,
                    int64_t *after);

/* The Unix time of text: RFC 3339 with its offset ("2026-11-30T22:00:00+08:00",
 * "2026-11-30T14:00:00Z"), or a local day under utc_offset (minutes east of UTC), "2026-11-30",
 * "today" or "yesterday" (now's), as its midnight: HTTP_OK or HTTP_EARG. */
int http_time_parse_local(const char *text, int utc_offset, int64_t now, int64_t *out);
/* The same with days in UTC, and neither today nor yesterday (`admin audit --since`). */
int http_time_parse(const char *text, int64_t *out);

/* ---- Health and metrics (routes_health.c, docs/operations.md) ----
 *
 * GET /healthz (alive), /readyz (the store writable, the HSM open) and /metrics (the registry
 * in the Prometheus text format, with the families below read at each scrape). */

/* Adds to m the families GET /metrics sets as it answers: the store's gauges (the outbox's
 * depth, the reversals pending, the last close, the risk cases open) and the process's
 * (process_cpu_seconds_total, …). METRICS_OK or a metrics.h code. */
int http_metrics_declare(metrics *m);

/* Whether the service can take requests: HTTP_OK, or HTTP_EFAIL with why (capacity cap) — the
 * store cannot begin a write transaction (one is begun and rolled back), or no HSM. */
int http_ready(struct http_ctx *ctx, char *why, size_t cap);

/* The process's figures from /proc/self (process.c): HTTP_OK, or HTTP_EFAIL when unreadable. */
struct http_process {
	double cpu_seconds, start_time;
	double resident_bytes, virtual_bytes;
	double open_fds, max_fds;
};
int http_process_read(struct http_process *out);

/* ---- Statements (routes_statement.c) ---- */

/* Adds to body, a merchant's balance (GET /api/v1/merchants/{mid}/balance), what the settle
 * module knows of merchant mid, across every day whatever the balance's from and to, as money
 * objects: "settled_paid" (its payouts the bank answered paid), "settled_unpaid" (its closed
 * days' nets still owed, a negative one carried forward too, and its payouts made and not yet
 * answered), "not_closed" and "not_closed_count" (its approved payments of days not yet
 * closed: today so far), "preauth_held" and "preauth_held_count" (its pre-authorizations
 * still open). HTTP_OK, HTTP_EFAIL (the store), HTTP_ENOMEM. */
int http_balance_settled(store *s, const char *mid, json_t *body);
/* A payout as the API shows it (GET /api/v1/merchants/{mid}/payouts, /api/v1/payouts); NULL
 * when out of memory. */
struct store_settle_payout;
json_t *http_payout_json(const struct store_settle_payout *p, int utc_offset);

/* ---- Terminals (routes_terminal.c) ---- */

/* The API's (and `possum admin terminal --json`'s) forms of a terminal, its status report and
 * a TMK handed out; NULL when out of memory. */
/* Times local, utc_offset minutes east of UTC (jsonval_time()). */
json_t *http_terminal_json(const struct merchant_terminal *t, int utc_offset);
json_t *http_terminal_status_json(const struct merchant_terminal_status *s, int utc_offset);
json_t *http_tmk_json(const char *tid, const char *mid, const char *sn,
                      const struct merchant_tmk *k);

/* ---- Terminal management (routes_tms.c, docs/tms.md) ---- */

/* The API's (and `possum admin tms param --json`'s) forms of a terminal's resolved parameters
 * ({"tid","mid","model","version","params":{KEY:{"value","from","tag"}}}) and of one level's
 * set ({"level","name","version","changed_by","changed_at","params":{KEY:VALUE}}); NULL when
 * out of memory. */
json_t *http_tms_params_json(const struct tms_params *p);
json_t *http_tms_level_json(const struct tms_level_set *l, int utc_offset);

/* The answer to a merchant module code other than MERCHANT_OK (routes_cardholder.c): 400
 * naming field for MERCHANT_EARG, 400 with the issuer's reason for MERCHANT_EVERIFY (field
 * "otp" when the code was at fault), 404, 409; HTTP_EFAIL for a failure inside. */
int http_merchant_fail(struct http_response *res, int rc, const char *reason, const char *field);

/* ---- The network links' status (routes_links.c, docs/links.md "Watching the links") ---- */

#define HTTP_LINKS_FILE    "links.json" /* in the data directory: the host's, each second */
#define HTTP_LINKS_STALE_S 5            /* older than this: the host is not running */

/* The links' status as the host last wrote it in data_dir (DATA/links.json: {"updated_at",
 * "items":[…],"next":null}), each item with its store-and-forward counts from s added as
 * "saf":{"pending","refused","expired"}: HTTP_OK with *out (the caller's); HTTP_ENOTFOUND when
 * the file is missing (*written 0) or, max_age not 0, was written more than max_age seconds
 * before now (*written its time: the host is not running); HTTP_EFAIL (the file unreadable, the
 * store). The API, served by the host that writes the file, gives max_age 0 (its clock may be
 * another than the file system's: a test's faked one); a command gives HTTP_LINKS_STALE_S. */
int http_links_status(store *s, const char *data_dir, int64_t now, int64_t max_age, json_t **out,
                      int64_t *written);

#endif
