/* cmd_host.c — `possum host`: the daemon. Parses the options, opens and starts the host
 * (host/host.h: the service, its front ends and its loop), prints where it listens, and runs it
 * until SIGTERM or SIGINT, which stop it gracefully: no new connections, in-flight requests
 * answered. */
#include <stdio.h>

#include "cli/cli.h"
#include "host/host.h"

static const char host_help[] =
    "[--config FILE] [--data DIR] [--port N] [--terminal-port N] [--api-port N]\n"
    "        [--log-messages] [--json]\n"
    "\n"
    "Runs the host: the terminal front end POS terminals connect to (cup-pos, [acquirer] in\n"
    "the configuration), the ISO 8583 link acquirers connect to ([link]) and the issuer\n"
    "behind both, until SIGTERM or SIGINT, which stop it gracefully: no new connections,\n"
    "requests in flight answered, then exit 0. Logs JSON lines ([host] log), one\n"
    "\"transaction\" a terminal request, masked. The HTTP API (docs/api.md, [http]) is served\n"
    "beside them; when its port is busy the host warns and runs without it, unless [http]\n"
    "required = yes. The ports listened on are written to DIR/host.ports as issuer=PORT,\n"
    "acquirer=PORT and (when served) api=PORT lines.\n"
    "\n"
    "  --config FILE  the configuration (docs/config.md); without it, the defaults\n"
    "  --data DIR     the data directory, created (mode 0700) if missing: overrides\n"
    "                 $POSSUM_DATA and [host] data; its store is DIR/possum.db, the\n"
    "                 config's [store], or $POSSUM_STORE over both (docs/config.md)\n"
    "  --port N       the link's port, 0 for a free one: overrides [link] port\n"
    "  --terminal-port N  the terminals' port, 0 for a free one: overrides [acquirer] port\n"
    "  --api-port N   the HTTP API's port, 0 for a free one: overrides [http] port\n"
    "  --log-messages  log every message in and out, terminals' and link's, as a\n"
    "                 \"message\" line at debug (the log's level lowered to debug): its\n"
    "                 direction, peer, MTI and fields, masked as 'possum iso decode --mask'\n"
    "                 masks them; as [host] log_messages = yes\n"
    "  --json         print the ports listened on as\n"
    "                 {\"issuer\":PORT,\"acquirer\":PORT,\"api\":PORT}, without \"api\"\n"
    "                 when the API is not served\n"
    "\n"
    "Exit status: 0 stopped by a signal; 1 could not start (the link's or terminals' port\n"
    "in use, the API's when required, data directory, log file); 2 bad usage or a bad\n"
    "configuration.\n";

/* Reads --NAME's value, when given, as a port into *port. */
static int port_option(const char *prog, const char *name, const char *text, int *port)
{
	int64_t n;
	int rc;

	if (text == NULL)
		return CLI_OK;
	if ((rc = cli_int64(prog, name, text, 0, 65535, &n)) != CLI_OK)
		return rc;
	*port = (int)n;
	return CLI_OK;
}

/* Where the host listens; the API only when it is served (its port may be busy). */
static void print_listening(const struct host_listening *l, int json)
{
	if (json) {
		printf("{\"issuer\":%d,\"acquirer\":%d", l->issuer, l->acquirer);
		if (l->api >= 0)
			printf(",\"api\":%d", l->api);
		printf("}\n");
	} else {
		printf(
		    "possum host: issuer link on %s port %d (%s), terminals on port %d (cup-pos)",
		    l->listen, l->issuer, l->dialect, l->acquirer);
		if (l->api >= 0)
			printf(", API on %s port %d\n", l->api_listen, l->api);
		else
			printf(", no API (its port is busy)\n");
	}
	fflush(stdout);
}

/* The ports asked for. */
struct ports {
	const char *port, *terminal, *api;
	int log_messages;
};

static int run_host(struct cli_env *env, const void *values)
{
	const struct ports *p = values;
	struct host_options o = {.prog = env->prog,
	                         .config = env->config,
	                         .data = env->data,
	                         .port = -1,
	                         .terminal_port = -1,
	                         .api_port = -1,
	                         .log_messages = p->log_messages};
	struct host_listening l;
	host *h = NULL;
	int rc;

	if ((rc = port_option(o.prog, "--port", p->port, &o.port)) != CLI_OK ||
	    (rc = port_option(o.prog, "--terminal-port", p->terminal, &o.terminal_port)) !=
	        CLI_OK ||
	    (rc = port_option(o.prog, "--api-port", p->api, &o.api_port)) != CLI_OK)
		return rc;
	if ((rc = cli_raise_nofile(o.prog, 0)) != CLI_OK ||
	    (rc = cli_exit(host_open(&o, &h))) != CLI_OK ||
	    (rc = cli_exit(host_start(h, &l))) != CLI_OK)
		goto out;
	print_listening(&l, env->json);
	rc = cli_exit(host_run(h));
out:
	host_close(h);
	return rc;
}

/* `possum host`'s row: it opens its environment itself, through host/host.h. */
const cli_command cli_host_row = {"host",
                                  NULL,
                                  .handler = run_host,
                                  .env = CLI_ENV_NONE,
                                  .help = host_help,
                                  CLI_OPTIONS(struct ports, CLI_TEXT("port", struct ports, port),
                                              CLI_TEXT("terminal-port", struct ports, terminal),
                                              CLI_TEXT("api-port", struct ports, api),
                                              CLI_SET("log-messages", struct ports, log_messages)),
                                  .common = CLI_DATADIR};
