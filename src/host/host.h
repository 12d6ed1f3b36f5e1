/* host.h — the host: the service layer and composition root, the one module that knows all
 * the others. It reads the configuration, opens the data directory, the store, the HSM and
 * each module with the keys that module declares (host/env.h), and runs the front ends on one
 * libuv loop: the terminals' server (cup-pos) with group commit, the ISO 8583 issuer link
 * (net/link.h, with the issuer behind it), the notifications' scheduler (notify/scheduler.h,
 * joined to the terminals' batches) — and beside the loop the HTTP API on a thread of its own
 * and the store's checkpointer (store/store_checkpoint.h). The day's close, outbound links and
 * the console plug in here.
 *
 * Life: host_open() (nothing listens yet) → host_start() (listens, writes DIR/host.ports) →
 * host_run() (until SIGTERM, SIGINT or host_stop(): no new connections, requests in flight
 * answered) → host_close(). The command line (cli/cmd_host.c) only parses options, calls these
 * and prints.
 *
 * Ownership: host_open() allocates the host and everything it opens; host_close() frees it
 * all. Functions print their own errors on stderr as "PROG: message", log what the daemon
 * logs, and return HOST_OK or a negative HOST_E* code (host/env.h): HOST_EUSAGE for a bad
 * configuration or option, HOST_EFAILED for what could not start. */
#ifndef POSSUM_HOST_H
#define POSSUM_HOST_H

#include "host/env.h"

struct host_options {
	const char *prog;   /* errors are said as "PROG: …" */
	const char *config; /* the configuration file; NULL: $POSSUM_CONFIG, else the defaults */
	const char *data;   /* the data directory; NULL: [host] data */
	int port;           /* the link's port, -1: [link] port; 0: a free one */
	int terminal_port;  /* the terminals' port, -1: [acquirer] port */
	int api_port;       /* the HTTP API's port, -1: [http] port */
	int log_messages;   /* 1: log every message, as [host] log_messages = yes */
};

/* Where the host listens, once started. */
struct host_listening {
	const char *listen;     /* [link] listen: the link's and terminals' address */
	const char *dialect;    /* the link's dialect */
	int issuer, acquirer;   /* the link's and the terminals' ports */
	const char *api_listen; /* [http] listen */
	int api;                /* the API's port; -1: not served (its port busy) */
};

typedef struct host host;

/* Reads the configuration, opens the log, the environment (issuer and acquirer), the
 * checkpointer and the API's services. */
int host_open(const struct host_options *o, host **out);

/* Listens for terminals, on the link and for the API, writes DIR/host.ports ("issuer=PORT",
 * "acquirer=PORT", "api=PORT" lines, written whole; only what listens: a busy API port is a
 * warning unless [http] required = yes, the link's and terminals' are fatal) and starts the
 * notifications' scheduler; where to *out (may be NULL). */
int host_start(host *h, struct host_listening *out);

/* Runs the loop until the host has stopped; HOST_OK. */
int host_run(host *h);

/* Asks the started host to stop gracefully, as SIGTERM does; from any thread. */
void host_stop(host *h);

/* h may be NULL. */
void host_close(host *h);

#endif
