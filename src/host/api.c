/* api.c — the host's HTTP API: the services its thread works with, opened apart from
 * the loop's (a second store connection, hsm, issuer and merchant module, and a logger of its
 * own over the same log), and the server started on them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "host/internal.h"

int host_api_open(struct host_api *api, const char *prog, const char *config, const char *data)
{
	int rc;

	memset(api, 0, sizeof *api);
	if ((rc = host_env_config(&api->env, prog, config, data)) != HOST_OK ||
	    (rc = host_env_open(&api->env, HOST_NEED_MERCHANT | HOST_NEED_ACQUIRER |
	                                       HOST_NEED_USER | HOST_NEED_TMS)) != HOST_OK)
		return rc;
	if ((rc = log_open(api->env.cfg.log, api->env.cfg.log_level, &api->log)) != LOG_OK)
		return host_say(HOST_EFAILED, prog, "%s: %s: %s", api->env.cfg.log,
		                log_strerror(rc), strerror(errno));
	api->ctx = (struct http_ctx){.store = api->env.data.store,
	                             .hsm = api->env.data.hsm,
	                             .issuer = api->env.issuer,
	                             .merchant = api->env.merchant,
	                             .acquirer = api->env.acquirer,
	                             .users = api->env.users,
	                             .tms = api->env.tms,
	                             .settle_cal = &api->env.cfg.settle,
	                             .log = api->log,
	                             .utc_offset = api->env.cfg.utc_offset,
	                             .data_dir = api->env.data.dir,
	                             .metrics_allow = &api->env.cfg.http.metrics_allow};
	return HOST_OK;
}

/* The API's port cannot be listened on: fatal when required, else a warning. */
static int api_failed(struct host_api *api, const char *prog, const struct http_config *cfg,
                      bool required, int rc)
{
	log_event(api->log, required ? LOG_ERROR : LOG_WARN, "listen_failed",
	          json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "link", "api", "listen", cfg->listen,
	                    "port", cfg->port, "error", http_strerror(rc), "key", "[http] port",
	                    "effect", required ? "not started" : "running without the API"));
	if (required)
		return host_say(
		    HOST_EFAILED, prog,
		    "cannot serve the API on %s port %d: %s (in use, or not allowed); move it "
		    "with --api-port N or [http] port in the configuration (0 picks a free port)",
		    cfg->listen, cfg->port, http_strerror(rc));
	fprintf(stderr,
	        "%s: warning: cannot serve the API on %s port %d: %s (in use, or not allowed); "
	        "running without the API. Move it with --api-port N or [http] port in the "
	        "configuration (0 picks a free port); [http] required = yes makes this fatal\n",
	        prog, cfg->listen, cfg->port, http_strerror(rc));
	return HOST_OK;
}

int host_api_start(struct host_api *api, const char *prog, const struct http_config *cfg,
                   bool required)
{
	int rc;

	if ((rc = http_open(cfg, &api->ctx, api->log, &api->server)) != HTTP_OK) {
		api->server = NULL;
		return api_failed(api, prog, cfg, required, rc);
	}
	log_event(api->log, LOG_INFO, "listening",
	          json_pack("{s:s, s:i, s:s, s:s}", "link", "api", "port", http_port(api->server),
	                    "listen", cfg->listen, "scheme",
	                    cfg->tls_cert != NULL ? "https" : "http"));
	return HOST_OK;
}

int host_api_port(const struct host_api *api)
{
	return api->server != NULL ? http_port(api->server) : -1;
}

void host_api_stop(struct host_api *api)
{
	http_close(api->server);
	api->server = NULL;
}

void host_api_close(struct host_api *api)
{
	host_api_stop(api);
	log_close(api->log);
	api->log = NULL;
	host_env_close(&api->env);
}
