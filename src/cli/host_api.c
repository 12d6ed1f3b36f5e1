/* host_api.c — `possum host`'s HTTP API: the services its thread works with, opened apart from
 * the loop's (a second store connection, hsm, issuer and merchant module, and a logger of its
 * own over the same log), and the server started on them. */
#include <errno.h>
#include <string.h>

#include "cli/host.h"

int host_api_open(struct host_api *api, const char *prog, const char *config, const char *data)
{
	int rc;

	memset(api, 0, sizeof *api);
	if ((rc = cli_issuer_config(prog, config, data, &api->ci)) != CLI_OK)
		return rc;
	if ((rc = cli_issuer_open(prog, &api->ci)) != CLI_OK ||
	    (rc = cli_merchant_open(prog, &api->ci, &api->merchant)) != CLI_OK)
		return rc;
	if ((rc = log_open(api->ci.cfg.log, api->ci.cfg.log_level, &api->log)) != LOG_OK)
		return cli_error(CLI_FAILED, prog, "%s: %s: %s", api->ci.cfg.log, log_strerror(rc),
		                 strerror(errno));
	api->ctx = (struct http_ctx){.store = api->ci.data.store,
	                             .hsm = api->ci.data.hsm,
	                             .issuer = api->ci.issuer,
	                             .merchant = api->merchant,
	                             .log = api->log};
	return CLI_OK;
}

int host_api_start(struct host_api *api, const char *prog, const struct http_config *cfg)
{
	int rc;

	if ((rc = http_open(cfg, &api->ctx, api->log, &api->server)) != HTTP_OK) {
		log_event(api->log, LOG_ERROR, "listen_failed",
		          json_pack("{s:s, s:s, s:i, s:s}", "link", "api", "listen", cfg->listen,
		                    "port", cfg->port, "error", http_strerror(rc)));
		return cli_error(CLI_FAILED, prog, "cannot serve the API on %s port %d: %s",
		                 cfg->listen, cfg->port, http_strerror(rc));
	}
	log_event(api->log, LOG_INFO, "listening",
	          json_pack("{s:s, s:i, s:s}", "link", "api", "port", http_port(api->server),
	                    "listen", cfg->listen));
	return CLI_OK;
}

void host_api_stop(struct host_api *api)
{
	http_close(api->server);
	api->server = NULL;
}

void host_api_close(struct host_api *api)
{
	host_api_stop(api);
	merchant_close(api->merchant);
	api->merchant = NULL;
	log_close(api->log);
	api->log = NULL;
	cli_issuer_close(&api->ci);
}
