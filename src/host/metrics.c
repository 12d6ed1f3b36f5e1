/* metrics.c — the host's metrics (internal.h, docs/operations.md): the registry, made here and
 * handed to the API's thread, which answers GET /metrics; what the terminals' front end
 * records of each batch (each request's outcome and its stages' times, the group commit's size
 * and duration); and the connections of each front end (terminals, link, the API's),
 * counted once a second on the loop. */
#include <stdio.h>

#include "host/internal.h"

#define TICK_MS 1000

/* Seconds: 10 µs to 2.5 s; a batch: 1 to 1024 requests. */
static const double seconds[] = {0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                 0.01,    0.025,   0.05,   0.1,     0.25,   0.5,   1,      2.5};
static const double sizes[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
#define N(a) (sizeof a / sizeof a[0])

int host_metrics_open(struct host_metrics *hm)
{
	const struct {
		struct metrics_spec spec;
		metrics_family **out;
	} fams[] = {
	    {{.name = "possum_transactions_total",
	      .help = "Terminal requests answered, by transaction type and response code.",
	      .type = METRICS_COUNTER,
	      .labels = {"type", "rc"},
	      .series_max = 512},
	     &hm->txns},
	    {{.name = "possum_stage_seconds",
	      .help = "Time a terminal request spent in each stage of the acquirer's pipeline.",
	      .type = METRICS_HISTOGRAM,
	      .labels = {"stage"},
	      .buckets = seconds,
	      .n_buckets = N(seconds)},
	     &hm->stages},
	    {{.name = "possum_commit_batch_size",
	      .help = "Terminal requests committed together by one group commit.",
	      .type = METRICS_HISTOGRAM,
	      .buckets = sizes,
	      .n_buckets = N(sizes)},
	     &hm->batch},
	    {{.name = "possum_commit_seconds",
	      .help = "Duration of the terminals' group commit.",
	      .type = METRICS_HISTOGRAM,
	      .buckets = seconds,
	      .n_buckets = N(seconds)},
	     &hm->commit},
	    {{.name = "possum_connections",
	      .help = "Connections open, by front end (terminals, link, http).",
	      .type = METRICS_GAUGE,
	      .labels = {"front"},
	      .series_max = 4},
	     &hm->conns},
	    {{.name = "possum_link_up",
	      .help = "Whether a network link has a connection signed on (1) or is down (0).",
	      .type = METRICS_GAUGE,
	      .labels = {"link"},
	      .series_max = HOST_LINKS_MAX},
	     &hm->link_up},
	    {{.name = "possum_link_in_flight",
	      .help = "Requests sent on a network link and not yet answered or timed out.",
	      .type = METRICS_GAUGE,
	      .labels = {"link"},
	      .series_max = HOST_LINKS_MAX},
	     &hm->link_in_flight},
	    {{.name = "possum_link_requests_total",
	      .help = "Requests sent on a network link, by how they ended (answered, timed_out, "
	              "down), and answers dropped (late, unmatched).",
	      .type = METRICS_COUNTER,
	      .labels = {"link", "result"},
	      .series_max = 5 * HOST_LINKS_MAX},
	     &hm->link_requests},
	};
	int rc;

	if ((rc = metrics_new(&hm->reg)) != METRICS_OK)
		return rc;
	for (size_t i = 0; i < N(fams); i++)
		if ((rc = metrics_add(hm->reg, &fams[i].spec, fams[i].out)) != METRICS_OK)
			return rc;
	return http_metrics_declare(hm->reg);
}

void host_metrics_outcome(struct host_metrics *hm, const struct acquirer_outcome *o, bool committed)
{
	const char *rc = committed ? o->rc : "96";
	const char *type = o->type[0] != '\0' ? o->type : "unknown";

	if (hm == NULL || hm->reg == NULL)
		return;
	metrics_add_to(hm->txns, (const char *[]){type, rc[0] != '\0' ? rc : "none"}, 1);
	for (size_t i = 0; i < o->n_times; i++)
		metrics_observe(hm->stages, (const char *[]){o->times[i].stage},
		                (double)o->times[i].ns / 1e9);
}

void host_metrics_commit(struct host_metrics *hm, size_t n, double secs)
{
	if (hm == NULL || hm->reg == NULL)
		return;
	metrics_observe(hm->batch, NULL, (double)n);
	metrics_observe(hm->commit, NULL, secs);
}

static void on_tick(uv_timer_t *timer)
{
	struct host_metrics *hm = timer->data;

	metrics_set(hm->conns, (const char *[]){"terminals"},
	            (double)net_server_connections(*hm->terminals));
	metrics_set(hm->conns, (const char *[]){"link"}, (double)net_server_connections(*hm->link));
	metrics_set(hm->conns, (const char *[]){"http"}, (double)http_connections(*hm->api));
	for (size_t i = 0; hm->links != NULL && i < hm->links->n; i++) {
		const struct host_link *l = &hm->links->link[i];
		const char *name = l->cfg->name;
		struct outlink_status st;

		if (l->out == NULL)
			continue;
		outlink_status(l->out, &st);
		metrics_set(hm->link_up, (const char *[]){name}, st.signed_on > 0);
		metrics_set(hm->link_in_flight, (const char *[]){name}, (double)st.in_flight);
		metrics_set(hm->link_requests, (const char *[]){name, "answered"},
		            (double)st.answered);
		metrics_set(hm->link_requests, (const char *[]){name, "timed_out"},
		            (double)st.timed_out);
		metrics_set(hm->link_requests, (const char *[]){name, "down"}, (double)st.down);
		metrics_set(hm->link_requests, (const char *[]){name, "late"}, (double)st.late);
		metrics_set(hm->link_requests, (const char *[]){name, "unmatched"},
		            (double)st.unmatched);
	}
}

int host_metrics_start(struct host_metrics *hm, uv_loop_t *loop, net_server **terminals,
                       net_server **link, http_server **api)
{
	int rc;

	hm->terminals = terminals;
	hm->link = link;
	hm->api = api;
	hm->timer.data = hm;
	on_tick(&hm->timer);
	if ((rc = uv_timer_init(loop, &hm->timer)) != 0)
		return rc;
	hm->started = true;
	return uv_timer_start(&hm->timer, on_tick, TICK_MS, TICK_MS);
}

static void on_timer_closed(uv_handle_t *handle)
{
	(void)handle;
}

void host_metrics_stop(struct host_metrics *hm)
{
	if (!hm->started)
		return;
	hm->started = false;
	uv_timer_stop(&hm->timer);
	uv_close((uv_handle_t *)&hm->timer, on_timer_closed);
}

void host_metrics_close(struct host_metrics *hm)
{
	metrics_free(hm->reg);
	hm->reg = NULL;
}
