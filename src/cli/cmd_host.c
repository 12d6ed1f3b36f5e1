/* cmd_host.c — `possum host`: the daemon. Reads the configuration, opens the log and the
 * data directory, listens for terminals (cup-pos) and on the ISO 8583 link, and runs the
 * event loop until SIGTERM or SIGINT, which stop it gracefully: no new connections,
 * in-flight requests answered. The HTTP API (host_api.c) runs beside the loop on a thread of
 * its own. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <uv.h>

#include "cli/cli.h"
#include "cli/host.h"
#include "cli/notify_sink.h"
#include "config/config.h"
#include "log/log.h"
#include "net/net.h"

struct host {
	const char *prog;
	struct cli_issuer ci;
	struct host_issuer issuer_auth;
	possum_log *log;
	uv_loop_t loop;
	uv_signal_t sigterm, sigint;
	struct host_link issuer;
	net_server *issuer_server;
	struct notify_scheduler notify;
	acquirer *acquirer;
	struct host_acquirer terminals;
	net_server *terminal_server;
	struct host_api api;
	struct host_checkpointer checkpoint;
	char ports_path[CONFIG_PATH_MAX + 16];
};

/* The checkpointer on its thread, every 200 ms; the loop's connection checkpoints seldom. */
static int start_checkpoints(struct host *h)
{
	int rc;

	if ((rc = host_checkpoint_start(&h->checkpoint, h->prog, h->ci.data.db, &h->ci.cfg, 200)) !=
	    CLI_OK)
		return rc;
	if ((rc = store_set_autocheckpoint(h->ci.data.store, HOST_AUTOCHECKPOINT)) != STORE_OK)
		return cli_error(CLI_FAILED, h->prog, "the store: %s", store_strerror(rc));
	return CLI_OK;
}

/* The host's services over its data directory: the directory itself (created 0700 when
 * missing), then what lives in it. Every service the links call is opened here, before
 * the loop starts, and plugged into its link (h->issuer.auth for the issuer). */
static int host_open_services(struct host *h)
{
	int rc;

	if ((rc = cli_issuer_open(h->prog, &h->ci)) != CLI_OK)
		return rc;
	h->issuer_auth = (struct host_issuer){
	    .issuer = h->ci.issuer, .store = h->ci.data.store, .zpk = &h->ci.zpk, .log = h->log};
	host_issuer_attach(&h->issuer_auth, &h->issuer);
	if ((rc = cli_acquirer_open(h->prog, &h->ci, &h->acquirer)) != CLI_OK)
		return rc;
	h->terminals = (struct host_acquirer){.acquirer = h->acquirer, .log = h->log};
	return start_checkpoints(h);
}

/* DIR/host.ports: "issuer=PORT", "acquirer=PORT" and "api=PORT" lines, written whole (a temporary
 * file renamed) so a reader never sees half of it. Tests read it to find ports chosen with --port
 * 0. */
static int write_ports(struct host *h)
{
	char tmp[sizeof h->ports_path + 4];
	FILE *f;

	snprintf(h->ports_path, sizeof h->ports_path, "%s/host.ports", h->ci.cfg.data);
	snprintf(tmp, sizeof tmp, "%s.new", h->ports_path);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "issuer=%d\nacquirer=%d\napi=%d\n", net_server_port(h->issuer_server),
	        net_server_port(h->terminal_server), http_port(h->api.server));
	if (fclose(f) != 0 || rename(tmp, h->ports_path) != 0) {
		remove(tmp);
		return -1;
	}
	return 0;
}

/* The scheduler that delivers the notifications' outbox ([notify]). */
static int start_notify(struct host *h)
{
	int rc;

	if ((rc = notify_scheduler_start(&h->notify, &h->loop, h->ci.data.store, true,
	                                 h->ci.data.hsm, &h->ci.notify_key, h->ci.sink,
	                                 &h->ci.cfg.notify, h->log)) != 0)
		return cli_error(CLI_FAILED, h->prog, "the notifications' scheduler: %s",
		                 uv_strerror(rc));
	h->terminals.notify = &h->notify;
	return CLI_OK;
}

static void on_signal_closed(uv_handle_t *handle)
{
	(void)handle;
}

static void on_stopped(net_server *s, void *arg)
{
	struct host *h = arg;

	net_server_close(s);
	if (s == h->issuer_server)
		h->issuer_server = NULL;
	else
		h->terminal_server = NULL;
	if (h->issuer_server != NULL || h->terminal_server != NULL)
		return;
	host_acquirer_stop(&h->terminals);
	uv_close((uv_handle_t *)&h->sigterm, on_signal_closed);
	uv_close((uv_handle_t *)&h->sigint, on_signal_closed);
}

static void on_signal(uv_signal_t *sig, int signum)
{
	struct host *h = sig->data;

	uv_signal_stop(&h->sigterm);
	uv_signal_stop(&h->sigint);
	log_event(h->log, LOG_INFO, "stopping",
	          json_pack("{s:s}", "signal", signum == SIGTERM ? "SIGTERM" : "SIGINT"));
	remove(h->ports_path);
	host_api_stop(&h->api);
	notify_scheduler_stop(&h->notify);
	net_server_stop(h->issuer_server, on_stopped, h);
	net_server_stop(h->terminal_server, on_stopped, h);
}

/* Listens as name on port with fn(ctx): NET_OK, or the failure logged and said. */
static int listen_on(struct host *h, const char *name, int port, net_handler fn, void *ctx,
                     net_server **out)
{
	struct net_server_config ncfg = {
	    .host = h->ci.cfg.listen,
	    .port = port,
	    .idle_timeout_ms = h->ci.cfg.idle_timeout * 1000,
	    .max_connections = h->ci.cfg.max_connections,
	};
	int rc;

	if ((rc = net_server_create(&h->loop, &ncfg, fn, ctx, out)) != NET_OK) {
		log_event(h->log, LOG_ERROR, "listen_failed",
		          json_pack("{s:s, s:s, s:i, s:s}", "link", name, "listen",
		                    h->ci.cfg.listen, "port", port, "error", net_strerror(rc)));
		cli_error(CLI_FAILED, h->prog, "cannot listen on %s port %d: %s", h->ci.cfg.listen,
		          port, net_strerror(rc));
		*out = NULL;
	}
	return rc;
}

/* Listens for terminals and on the link, and runs the loop until a signal has stopped
 * everything. */
static int host_run(struct host *h, int json)
{
	h->issuer.name = "issuer";
	h->issuer.dialect = h->ci.cfg.dialect;
	h->issuer.log = h->log;
	if (host_acquirer_start(&h->terminals, &h->loop) != 0) {
		cli_error(CLI_FAILED, h->prog, "cannot start the terminal front end");
		return CLI_FAILED;
	}
	if (listen_on(h, "issuer", h->ci.cfg.port, host_link_handle, &h->issuer,
	              &h->issuer_server) != NET_OK ||
	    listen_on(h, "acquirer", h->ci.cfg.terminal_port, host_acquirer_handle, &h->terminals,
	              &h->terminal_server) != NET_OK ||
	    host_api_start(&h->api, h->prog, &h->ci.cfg.http) != CLI_OK)
		goto fail;
	if (write_ports(h) != 0) {
		cli_error(CLI_FAILED, h->prog, "cannot write %s: %s", h->ports_path,
		          strerror(errno));
		goto fail;
	}
	if (start_notify(h) != CLI_OK) {
		remove(h->ports_path);
		goto fail;
	}
	log_event(h->log, LOG_INFO, "listening",
	          json_pack("{s:s, s:i, s:s, s:s}", "link", "issuer", "port",
	                    net_server_port(h->issuer_server), "listen", h->ci.cfg.listen,
	                    "dialect", h->ci.cfg.dialect->name));
	log_event(h->log, LOG_INFO, "listening",
	          json_pack("{s:s, s:i, s:s, s:s}", "link", "acquirer", "port",
	                    net_server_port(h->terminal_server), "listen", h->ci.cfg.listen,
	                    "dialect", "cup-pos"));
	if (json)
		printf("{\"issuer\":%d,\"acquirer\":%d,\"api\":%d}\n",
		       net_server_port(h->issuer_server), net_server_port(h->terminal_server),
		       http_port(h->api.server));
	else
		printf("possum host: issuer link on %s port %d (%s), terminals on port %d "
		       "(cup-pos), API on %s port %d\n",
		       h->ci.cfg.listen, net_server_port(h->issuer_server), h->ci.cfg.dialect->name,
		       net_server_port(h->terminal_server), h->ci.cfg.http.listen,
		       http_port(h->api.server));
	fflush(stdout);

	h->sigterm.data = h->sigint.data = h;
	uv_signal_init(&h->loop, &h->sigterm);
	uv_signal_init(&h->loop, &h->sigint);
	uv_signal_start(&h->sigterm, on_signal, SIGTERM);
	uv_signal_start(&h->sigint, on_signal, SIGINT);
	uv_run(&h->loop, UV_RUN_DEFAULT);
	log_event(h->log, LOG_INFO, "stopped", NULL);
	return CLI_OK;
fail:
	host_api_stop(&h->api);
	net_server_close(h->issuer_server);
	net_server_close(h->terminal_server);
	host_acquirer_stop(&h->terminals);
	uv_run(&h->loop, UV_RUN_DEFAULT); /* frees what the servers had opened */
	return CLI_FAILED;
}

static const char host_help[] =
    "[--config FILE] [--data DIR] [--port N] [--terminal-port N] [--api-port N] [--json]\n"
    "\n"
    "Runs the host: the terminal front end POS terminals connect to (cup-pos, [acquirer] in\n"
    "the configuration), the ISO 8583 link acquirers connect to ([link]) and the issuer\n"
    "behind both, until SIGTERM or SIGINT, which stop it gracefully: no new connections,\n"
    "requests in flight answered, then exit 0. Logs JSON lines ([host] log), one\n"
    "\"transaction\" a terminal request, masked. The HTTP API (docs/api.md, [http]) is served\n"
    "beside them. The ports listened on are written to DIR/host.ports as issuer=PORT,\n"
    "acquirer=PORT and api=PORT lines.\n"
    "\n"
    "  --config FILE  the configuration (docs/config.md); without it, the defaults\n"
    "  --data DIR     the data directory, created (mode 0700) if missing: overrides\n"
    "                 [host] data\n"
    "  --port N       the link's port, 0 for a free one: overrides [link] port\n"
    "  --terminal-port N  the terminals' port, 0 for a free one: overrides [acquirer] port\n"
    "  --api-port N   the HTTP API's port, 0 for a free one: overrides [http] port\n"
    "  --json         print the ports listened on as\n"
    "                 {\"issuer\":PORT,\"acquirer\":PORT,\"api\":PORT}\n"
    "\n"
    "Exit status: 0 stopped by a signal; 1 could not start (address in use, data directory,\n"
    "log file); 2 bad usage or a bad configuration.\n";

int cli_host(int argc, char **argv)
{
	const char *config = NULL, *data = NULL, *port = NULL, *terminal_port = NULL,
	           *api_port = NULL;
	int json = 0, rest, rc;
	const cli_option opts[] = {
	    {"config", &config, NULL},     {"data", &data, NULL},
	    {"port", &port, NULL},         {"terminal-port", &terminal_port, NULL},
	    {"api-port", &api_port, NULL}, {"json", NULL, &json}};
	struct host h = {.prog = argv[0]};
	int64_t n;

	if ((rc = cli_options(argc, argv, opts, 6, host_help, &rest)) != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (rest < argc)
		return cli_usage_error(h.prog, "unexpected argument '%s'", argv[rest]);
	if ((rc = cli_issuer_config(h.prog, config, data, &h.ci)) != CLI_OK)
		return rc;
	if (port != NULL) {
		if ((rc = cli_int64(h.prog, "--port", port, 0, 65535, &n)) != CLI_OK)
			goto out;
		h.ci.cfg.port = (int)n;
	}
	if (terminal_port != NULL) {
		if ((rc = cli_int64(h.prog, "--terminal-port", terminal_port, 0, 65535, &n)) !=
		    CLI_OK)
			goto out;
		h.ci.cfg.terminal_port = (int)n;
	}
	if (api_port != NULL) {
		if ((rc = cli_int64(h.prog, "--api-port", api_port, 0, 65535, &n)) != CLI_OK)
			goto out;
		h.ci.cfg.http.port = (int)n;
	}
	if ((rc = log_open(h.ci.cfg.log, h.ci.cfg.log_level, &h.log)) != LOG_OK) {
		rc = cli_error(CLI_FAILED, h.prog, "%s: %s: %s", h.ci.cfg.log, log_strerror(rc),
		               strerror(errno));
		goto out;
	}
	if ((rc = host_open_services(&h)) != CLI_OK ||
	    (rc = host_api_open(&h.api, h.prog, config, data)) != CLI_OK)
		goto out;
	/* A peer that goes away while a reply is written must not kill the host. */
	signal(SIGPIPE, SIG_IGN);
	if (uv_loop_init(&h.loop) != 0) {
		rc = cli_error(CLI_FAILED, h.prog, "cannot start the event loop");
		goto out;
	}
	rc = host_run(&h, json);
	uv_loop_close(&h.loop);
out:
	host_api_close(&h.api);
	host_checkpoint_stop(&h.checkpoint);
	acquirer_close(h.acquirer);
	log_close(h.log);
	cli_issuer_close(&h.ci);
	return rc;
}
