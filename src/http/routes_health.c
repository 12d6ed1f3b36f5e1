/* routes_health.c — GET /healthz, /readyz and /metrics (docs/operations.md): public routes,
 * the metrics answering without sign-in only loopback and the addresses of [http]
 * metrics_allow, anyone else an operator's token or session. The gauges that are the store's
 * or the process's are read as each scrape is answered, on the API's thread. */
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_acquirer.h"
#include "store/store_notify.h"
#include "store/store_risk.h"
#include "store/store_saf.h"
#include "store/store_settle.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define DAY          86400

/* The families read at each scrape, in the order they are set (scrape()). */
static const struct metrics_spec scraped[] = {
    {.name = "possum_outbox_depth",
     .help = "Cardholder texts in the notify outbox not delivered yet.",
     .type = METRICS_GAUGE},
    {.name = "possum_reversals_pending",
     .help = "Reversals of requests the host never saw (tombstones) in the last 24 hours.",
     .type = METRICS_GAUGE},
    {.name = "possum_settlement_last_run_timestamp_seconds",
     .help = "When the latest close of a settlement day ended (Unix time; 0 never).",
     .type = METRICS_GAUGE},
    {.name = "possum_risk_cases_open",
     .help = "Risk cases open, awaiting a verdict.",
     .type = METRICS_GAUGE},
    {.name = "process_cpu_seconds_total",
     .help = "Total user and system CPU time spent in seconds.",
     .type = METRICS_COUNTER},
    {.name = "process_resident_memory_bytes",
     .help = "Resident memory size in bytes.",
     .type = METRICS_GAUGE},
    {.name = "process_virtual_memory_bytes",
     .help = "Virtual memory size in bytes.",
     .type = METRICS_GAUGE},
    {.name = "process_open_fds", .help = "Number of open file descriptors.", .type = METRICS_GAUGE},
    {.name = "process_max_fds",
     .help = "Maximum number of open file descriptors.",
     .type = METRICS_GAUGE},
    {.name = "process_start_time_seconds",
     .help = "Start time of the process since unix epoch in seconds.",
     .type = METRICS_GAUGE},
};
#define N_SCRAPED (sizeof scraped / sizeof scraped[0])

/* The store-and-forward queue of each link (docs/links.md), by state. */
static const struct metrics_spec saf_spec = {
    .name = "possum_saf_entries",
    .help = "Store-and-forward entries of each network link, by state (pending, refused, "
            "expired).",
    .type = METRICS_GAUGE,
    .labels = {"link", "state"},
    .series_max = 3 * 64};

int http_metrics_declare(metrics *m)
{
	int rc = METRICS_OK;

	for (size_t i = 0; i < N_SCRAPED && rc == METRICS_OK; i++)
		rc = metrics_add(m, &scraped[i], NULL);
	return rc == METRICS_OK ? metrics_add(m, &saf_spec, NULL) : rc;
}

static int saf_count(void *ctx, const struct store_saf_count *c)
{
	metrics_family *f = metrics_find(ctx, saf_spec.name);

	metrics_set(f, (const char *[]){c->link, "pending"}, (double)c->pending);
	metrics_set(f, (const char *[]){c->link, "refused"}, (double)c->refused);
	metrics_set(f, (const char *[]){c->link, "expired"}, (double)c->expired);
	return 0;
}

/* Sets family i of scraped[] to v (the CPU's counter to the kernel's total). */
static void set(metrics *m, size_t i, double v)
{
	metrics_set(metrics_find(m, scraped[i].name), NULL, v);
}

/* The store's gauges and the process's, read now: HTTP_OK or HTTP_EFAIL (the store). */
static int scrape(struct http_ctx *ctx, int64_t now)
{
	int64_t n[4];
	struct http_process p;
	int rc;

	if (store_notify_pending_count(ctx->store, &n[0]) != STORE_OK ||
	    store_acq_tombstone_count(ctx->store, now - DAY, &n[1]) != STORE_OK ||
	    ((rc = store_settle_last_closed(ctx->store, &n[2])) != STORE_OK &&
	     rc != STORE_ENOTFOUND) ||
	    store_risk_case_open_count(ctx->store, &n[3]) != STORE_OK ||
	    store_saf_counts(ctx->store, saf_count, ctx->metrics) != STORE_OK)
		return HTTP_EFAIL;
	for (size_t i = 0; i < 4; i++)
		set(ctx->metrics, i, (double)n[i]);
	if (http_process_read(&p) == HTTP_OK) {
		const double v[] = {p.cpu_seconds, p.resident_bytes, p.virtual_bytes,
		                    p.open_fds,    p.max_fds,        p.start_time};

		for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
			set(ctx->metrics, 4 + i, v[i]);
	}
	return HTTP_OK;
}

static int get_healthz(struct http_ctx *ctx, const struct http_request *req,
                       struct http_response *res)
{
	(void)ctx, (void)req;
	return http_reply(res, 200, json_pack("{s:s}", "status", "alive"));
}

static int get_readyz(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	char why[300];

	(void)req;
	if (http_ready(ctx, why, sizeof why) != HTTP_OK)
		return http_reply(res, 503,
		                  json_pack("{s:s, s:s}", "status", "not ready", "why", why));
	return http_reply(res, 200, json_pack("{s:s}", "status", "ready"));
}

static int get_metrics(struct http_ctx *ctx, const struct http_request *req,
                       struct http_response *res)
{
	char *text;
	size_t len;

	if (!http_peer_loopback(req->peer) && !http_allow_match(ctx->metrics_allow, req->peer)) {
		if (req->who == NULL || req->who->role == 0)
			return http_fail(
			    res, 401, "an operator's token or session is needed from this address",
			    NULL);
		if (req->who->role != HTTP_ROLE_OPERATOR)
			return http_fail(res, 403, "only an operator may read the metrics", NULL);
	}
	if (ctx->metrics == NULL)
		return http_fail(res, 503, "no metrics are recorded", NULL);
	if (scrape(ctx, req->now) != HTTP_OK)
		return HTTP_EFAIL;
	if (metrics_render(ctx->metrics, &text, &len) != METRICS_OK)
		return HTTP_EFAIL;
	return http_reply_text(res, 200, CONTENT_TYPE, text);
}

const struct http_route http_routes_health[] = {
    {"GET", "/healthz", HTTP_PUBLIC, get_healthz},
    {"GET", "/readyz", HTTP_PUBLIC, get_readyz},
    {"GET", "/metrics", HTTP_PUBLIC, get_metrics},
};
const size_t http_routes_health_n = sizeof http_routes_health / sizeof http_routes_health[0];
