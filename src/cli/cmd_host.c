/* cmd_host.c — `possum host`: the daemon. Parses the options, opens and starts the host
 * (host/host.h: the service, its front ends and its loop), prints where it listens, and runs it
 * until SIGTERM or SIGINT, which stop it gracefully: no new connections, in-flight requests
 * answered. */
#include <stdio.h>

#include "cli/cli.h"
#include "host/host.h"

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

static void print_listening(const struct host_listening *l, int json)
{
	if (json)
		printf("{\"issuer\":%d,\"acquirer\":%d,\"api\":%d}\n", l->issuer, l->acquirer,
		       l->api);
	else
		printf("possum host: issuer link on %s port %d (%s), terminals on port %d "
		       "(cup-pos), API on %s port %d\n",
		       l->listen, l->issuer, l->dialect, l->acquirer, l->api_listen, l->api);
	fflush(stdout);
}

int cli_host(int argc, char **argv, struct cli_env *env)
{
	const char *port = NULL, *terminal_port = NULL, *api_port = NULL;
	int json = 0, rest, rc;
	struct host_options o = {.prog = argv[0], .port = -1, .terminal_port = -1, .api_port = -1};
	const cli_option opts[] = {
	    {"config", &o.config, NULL},   {"data", &o.data, NULL},
	    {"port", &port, NULL},         {"terminal-port", &terminal_port, NULL},
	    {"api-port", &api_port, NULL}, {"json", NULL, &json}};
	struct host_listening l;
	host *h = NULL;

	(void)env; /* its row needs none */
	if ((rc = cli_options(argc, argv, opts, 6, host_help, &rest)) != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (rest < argc)
		return cli_usage_error(o.prog, "unexpected argument '%s'", argv[rest]);
	if ((rc = port_option(o.prog, "--port", port, &o.port)) != CLI_OK ||
	    (rc = port_option(o.prog, "--terminal-port", terminal_port, &o.terminal_port)) !=
	        CLI_OK ||
	    (rc = port_option(o.prog, "--api-port", api_port, &o.api_port)) != CLI_OK)
		return rc;
	if ((rc = cli_exit(host_open(&o, &h))) != CLI_OK ||
	    (rc = cli_exit(host_start(h, &l))) != CLI_OK)
		goto out;
	print_listening(&l, json);
	rc = cli_exit(host_run(h));
out:
	host_close(h);
	return rc;
}
