/* routes.c — the host's routing table ([route] lines, docs/links.md): made from the
 * configuration at start, put in force on the acquirer, and reloaded on SIGHUP by reading the
 * configuration file again. As for the risk rules (risk.c), the loop swaps the table between
 * two batches of the terminals, so a request in flight is routed by the table it started with
 * and none is lost; a file that does not read keeps the table in force, its error logged with
 * its line. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/internal.h"

int host_routes_make(const struct host_config *cfg, acquirer_routes **out, char *err, size_t errlen)
{
	size_t bad = 0;
	int rc = acquirer_routes_create(cfg->routes, cfg->nroutes, &bad, out);

	if (rc == ACQUIRER_OK)
		return HOST_OK;
	*out = NULL;
	if (rc == ACQUIRER_EARG && bad < cfg->nroutes && cfg->route_lines != NULL)
		snprintf(err, errlen, "line %d: [route] route: not a route", cfg->route_lines[bad]);
	else
		snprintf(err, errlen, "the routes: %s", acquirer_strerror(rc));
	return HOST_EUSAGE;
}

/* The line an error of host_config_load() names ("FILE line N: …"), or 0. */
static int error_line(const char *err)
{
	const char *p = strstr(err, " line ");

	return p != NULL ? atoi(p + 6) : 0;
}

/* On the loop: the table in force from now on, the old one closed. */
static void swap_routes(struct host_routes *hr, acquirer_routes *rt)
{
	acquirer_routes *old = hr->routes;

	hr->routes = rt;
	acquirer_set_routes(hr->acquirer, rt);
	acquirer_routes_close(old);
	log_event(hr->log, LOG_INFO, "routes",
	          json_pack("{s:s, s:I}", "source", hr->path != NULL ? hr->path : "(defaults)",
	                    "routes", (json_int_t)acquirer_routes_count(rt)));
}

/* The configuration read again: its routes, or its error in err. */
static int reload(struct host_routes *hr, acquirer_routes **out, char *err, size_t errlen)
{
	struct host_config cfg;
	int rc = HOST_OK;

	*out = NULL;
	host_config_defaults(&cfg);
	if (hr->path != NULL && host_config_load(hr->path, &cfg, err, errlen) != HOST_CONFIG_OK)
		rc = HOST_EUSAGE;
	else
		rc = host_routes_make(&cfg, out, err, errlen);
	host_config_free(&cfg);
	return rc;
}

static void on_sighup(uv_signal_t *sig, int signum)
{
	struct host_routes *hr = sig->data;
	acquirer_routes *rt;
	char err[512];

	(void)signum;
	if (reload(hr, &rt, err, sizeof err) != HOST_OK) {
		log_event(hr->log, LOG_ERROR, "routes_reload_failed",
		          json_pack("{s:s, s:i, s:s}", "error", err, "line", error_line(err),
		                    "effect", "the routes in force stay"));
		return;
	}
	swap_routes(hr, rt);
}

int host_routes_start(struct host_routes *hr, uv_loop_t *loop)
{
	hr->sighup.data = hr;
	if (uv_signal_init(loop, &hr->sighup) != 0)
		return -1;
	hr->started = true;
	acquirer_set_routes(hr->acquirer, hr->routes);
	return uv_signal_start(&hr->sighup, on_sighup, SIGHUP) == 0 ? 0 : -1;
}

static void on_closed(uv_handle_t *h)
{
	(void)h;
}

void host_routes_stop(struct host_routes *hr)
{
	if (!hr->started)
		return;
	uv_signal_stop(&hr->sighup);
	uv_close((uv_handle_t *)&hr->sighup, on_closed);
	hr->started = false;
}

void host_routes_free(struct host_routes *hr)
{
	if (hr->acquirer != NULL)
		acquirer_set_routes(hr->acquirer, NULL);
	acquirer_routes_close(hr->routes);
	hr->routes = NULL;
}
