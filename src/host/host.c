/* host.c — the host's life (host.h): opening its services, starting its front ends on the
 * loop, running it until a signal or host_stop(), and stopping it gracefully. */
#include "host/host.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <uv.h>

#include "host/internal.h"
#include "store/store_checkpoint.h"

#define CHECKPOINT_MS 200 /* the checkpointer's interval */

struct host {
	const char *prog;
	struct host_env env; /* the loop's: issuer and acquirer */
	possum_log *log;
	uv_loop_t loop;
	bool loop_open, stopping;
	uv_signal_t sigterm, sigint;
	uv_async_t wake; /* host_stop() */
	struct net_link issuer;
	iso8583_profile issuer_hex; /* [link] binary = hex: the dialect with its fields below */
	iso8583_field_spec issuer_hex_fields[ISO8583_MAX_FIELD + 1];
	struct host_issuer issuer_auth;
	net_server *issuer_server;
	struct notify_scheduler notify;
	struct host_terminals terminals;
	net_server *terminal_server;
	net_tls *issuer_tls, *terminal_tls; /* NULL: clear TCP; freed by host_close() */
	struct tls_refusals {
		const char *link;
		possum_log *log;
	} refusals[2]; /* the issuer link's and the terminals': logged "tls_refused" */
	struct host_api api;
	struct store_checkpointer checkpoint;
	struct host_closer close;    /* the close of each day */
	struct host_reviewer review; /* the periodic merchant review ([risk] review_days) */
	const char *config, *data;   /* as given (the review's thread opens its own environment) */
	struct host_risk risk;       /* the risk rules in force */
	struct host_routes routes;   /* the routing table in force */
	struct host_metrics metrics; /* GET /metrics */
	struct host_links links;     /* the outgoing links ([link.NAME]), their DATA/links.json */
	struct acquirer_link alinks[HOST_LINKS_MAX]; /* the links as the acquirer knows them */
	struct host_saf saf;                         /* their store-and-forward sender */
	possum_log *checkpoint_log;                  /* its own: used on its thread only */
	char ports_path[HOST_CONFIG_PATH_MAX + 16];
};

/* The checkpointer's failures: worth a line, not a stop (the log only grows meanwhile). */
static void on_checkpoint_failed(void *ctx, const char *errmsg)
{
	log_event(ctx, LOG_WARN, "checkpoint_failed", json_pack("{s:s}", "error", errmsg));
}

/* The checkpointer on its thread, every 200 ms; the loop's connection checkpoints seldom. On
 * PostgreSQL none: the server checkpoints its own log. The store's name and backend logged. */
static int start_checkpoints(struct host *h)
{
	const struct host_config *cfg = &h->env.cfg;
	char shown[512];
	int rc;

	log_event(h->log, LOG_INFO, "store",
	          json_pack("{s:s, s:s}", "backend", store_backend(h->env.data.store), "name",
	                    store_name_show(h->env.data.db, shown, sizeof shown)));
	if (store_name_is_pg(h->env.data.db))
		return HOST_OK;

	if ((rc = log_open(cfg->log, cfg->log_level, &h->checkpoint_log)) != LOG_OK)
		return host_say(HOST_EFAILED, h->prog, "the checkpointer's log: %s",
		                log_strerror(rc));
	if ((rc = store_checkpointer_start(&h->checkpoint, h->env.data.db, CHECKPOINT_MS,
	                                   on_checkpoint_failed, h->checkpoint_log)) != STORE_OK)
		return host_say(HOST_EFAILED, h->prog, "the checkpointer: %s", store_strerror(rc));
	if ((rc = store_set_autocheckpoint(h->env.data.store, STORE_CHECKPOINT_PAGES)) != STORE_OK)
		return host_say(HOST_EFAILED, h->prog, "the store: %s", store_strerror(rc));
	return HOST_OK;
}

/* The command line's ports over the configuration's. */
static void apply_options(struct host_config *cfg, const struct host_options *o)
{
	if (o->port >= 0)
		cfg->port = o->port;
	if (o->terminal_port >= 0)
		cfg->terminal_port = o->terminal_port;
	if (o->api_port >= 0)
		cfg->http.port = o->api_port;
	if (o->log_messages)
		cfg->log_messages = true;
	/* The messages are logged at debug: asking for them asks for that level. */
	if (cfg->log_messages && cfg->log_level > LOG_DEBUG)
		cfg->log_level = LOG_DEBUG;
}

/* Every service the front ends call, opened before the loop starts and plugged into its
 * front end. */
static int open_services(struct host *h, const struct host_options *o)
{
	struct host_config *cfg = &h->env.cfg;
	char err[512];
	int rc;

	if ((rc = log_open(cfg->log, cfg->log_level, &h->log)) != LOG_OK)
		return host_say(HOST_EFAILED, h->prog, "%s: %s: %s", cfg->log, log_strerror(rc),
		                strerror(errno));
	if ((rc = host_env_open(&h->env, HOST_NEED_ISSUER | HOST_NEED_ACQUIRER |
	                                     HOST_NEED_MERCHANT | HOST_NEED_TMS)) != HOST_OK)
		return rc;
	/* The terminals' downloads (docs/tms.md "Downloads"). */
	acquirer_set_tms(h->env.acquirer, h->env.tms);
	h->risk = (struct host_risk){.cfg = cfg, .acquirer = h->env.acquirer, .log = h->log};
	if (host_risk_load(cfg, &h->risk.rules, err, sizeof err) != RISK_OK)
		return host_say(HOST_EUSAGE, h->prog, "[risk] rules: %s", err);
	h->routes =
	    (struct host_routes){.acquirer = h->env.acquirer,
	                         .log = h->log,
	                         .path = o->config != NULL ? o->config : getenv("POSSUM_CONFIG")};
	if (host_routes_make(cfg, &h->routes.routes, err, sizeof err) != HOST_OK)
		return host_say(HOST_EUSAGE, h->prog, "[route]: %s", err);
	acquirer_set_routes(h->env.acquirer, h->routes.routes);
	h->issuer = (struct net_link){
	    .name = "issuer", .dialect = cfg->dialect, .log = h->log, .trace = cfg->log_messages};
	if (cfg->link_binary_hex &&
	    iso8583_profile_hex_binary(cfg->dialect, h->issuer_hex_fields,
	                               sizeof h->issuer_hex_fields / sizeof h->issuer_hex_fields[0],
	                               &h->issuer_hex) == ISO8583_OK)
		h->issuer.dialect = &h->issuer_hex;
	h->issuer_auth = (struct host_issuer){
	    .issuer = h->env.issuer, .store = h->env.data.store, .zpk = &h->env.zpk, .log = h->log};
	host_issuer_attach(&h->issuer_auth, &h->issuer);
	h->terminals = (struct host_terminals){.acquirer = h->env.acquirer,
	                                       .log = h->log,
	                                       .dialect = iso8583_profile_find("cup-pos"),
	                                       .trace = cfg->log_messages};
	if ((rc = start_checkpoints(h)) != HOST_OK ||
	    (rc = host_api_open(&h->api, h->prog, o->config, o->data)) != HOST_OK)
		return rc;
	if ((rc = host_metrics_open(&h->metrics)) != METRICS_OK)
		return host_say(HOST_EFAILED, h->prog, "the metrics: %s", metrics_strerror(rc));
	h->terminals.metrics = &h->metrics;
	h->api.ctx.metrics = h->metrics.reg;
	h->api.ctx.risk_reload = host_risk_reload;
	h->api.ctx.risk_arg = &h->risk;
	/* A peer that goes away while a reply is written must not kill the host. */
	signal(SIGPIPE, SIG_IGN);
	if (uv_loop_init(&h->loop) != 0)
		return host_say(HOST_EFAILED, h->prog, "cannot start the event loop");
	h->loop_open = true;
	return HOST_OK;
}

int host_open(const struct host_options *o, host **out)
{
	struct host *h;
	int rc;

	*out = NULL;
	if ((h = calloc(1, sizeof *h)) == NULL)
		return host_say(HOST_EFAILED, o->prog, "out of memory");
	h->prog = o->prog;
	h->config = o->config, h->data = o->data;
	if ((rc = host_env_config(&h->env, o->prog, o->config, o->data)) != HOST_OK) {
		free(h);
		return rc;
	}
	apply_options(&h->env.cfg, o);
	if ((rc = open_services(h, o)) != HOST_OK) {
		host_close(h);
		return rc;
	}
	*out = h;
	return HOST_OK;
}

void host_close(host *h)
{
	if (h == NULL)
		return;
	if (h->loop_open)
		uv_loop_close(&h->loop);
	host_api_close(&h->api);
	host_metrics_close(&h->metrics);
	host_risk_free(&h->risk);
	host_routes_free(&h->routes);
	store_checkpointer_stop(&h->checkpoint);
	log_close(h->checkpoint_log);
	log_close(h->log);
	net_tls_close(h->issuer_tls);
	net_tls_close(h->terminal_tls);
	host_env_close(&h->env);
	free(h);
}

/* DIR/host.ports, written whole (a temporary file renamed) so a reader never sees half of it.
 * Tests read it to find ports chosen with --port 0. */
static int write_ports(struct host *h)
{
	char tmp[sizeof h->ports_path + 4];
	FILE *f;

	snprintf(h->ports_path, sizeof h->ports_path, "%s/host.ports", h->env.cfg.data);
	snprintf(tmp, sizeof tmp, "%s.new", h->ports_path);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "issuer=%d\nacquirer=%d\n", net_server_port(h->issuer_server),
	        net_server_port(h->terminal_server));
	if (host_api_port(&h->api) >= 0)
		fprintf(f, "api=%d\n", host_api_port(&h->api));
	if (fclose(f) != 0 || rename(tmp, h->ports_path) != 0) {
		remove(tmp);
		return -1;
	}
	return 0;
}

/* The scheduler that delivers the notifications' outbox ([notify]), joined to the terminals'
 * batches. */
static int start_notify(struct host *h)
{
	int rc;

	if ((rc = notify_scheduler_start(&h->notify, &h->loop, h->env.data.store, true,
	                                 h->env.data.hsm, &h->env.notify_key, h->env.sink,
	                                 &h->env.cfg.notify, h->log)) != 0)
		return host_say(HOST_EFAILED, h->prog, "the notifications' scheduler: %s",
		                uv_strerror(rc));
	h->terminals.notify = &h->notify;
	return HOST_OK;
}

static void on_closed(uv_handle_t *handle)
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
	host_terminals_stop(&h->terminals);
	host_saf_stop(&h->saf);
	host_links_close(&h->links);
	host_metrics_stop(&h->metrics);
	host_risk_stop(&h->risk);
	host_routes_stop(&h->routes);
	uv_close((uv_handle_t *)&h->sigterm, on_closed);
	uv_close((uv_handle_t *)&h->sigint, on_closed);
	uv_close((uv_handle_t *)&h->wake, on_closed);
}

/* No new connections; the requests in flight are answered, then the loop ends. */
static void begin_stop(struct host *h, const char *signal_name)
{
	if (h->stopping)
		return;
	h->stopping = true;
	uv_signal_stop(&h->sigterm);
	uv_signal_stop(&h->sigint);
	log_event(h->log, LOG_INFO, "stopping",
	          signal_name != NULL ? json_pack("{s:s}", "signal", signal_name) : NULL);
	remove(h->ports_path);
	host_api_stop(&h->api);
	notify_scheduler_stop(&h->notify);
	host_closer_stop(&h->close);
	host_reviewer_stop(&h->review);
	net_server_stop(h->issuer_server, on_stopped, h);
	net_server_stop(h->terminal_server, on_stopped, h);
}

static void on_signal(uv_signal_t *sig, int signum)
{
	begin_stop(sig->data, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

static void on_wake(uv_async_t *a)
{
	begin_stop(a->data, NULL);
}

void host_stop(host *h)
{
	uv_async_send(&h->wake);
}

static void on_tls_refused(void *ctx, const char *peer, const char *why)
{
	const struct tls_refusals *r = ctx;

	log_event(r->log, LOG_WARN, "tls_refused",
	          json_pack("{s:s, s:s, s:s}", "link", r->link, "peer", peer, "error", why));
}

/* The TLS context of a front end's keys t ([section]), into *out (NULL when t has no
 * certificate: clear TCP); HOST_OK, or HOST_EFAILED said. */
static int tls_context(struct host *h, const char *section, const struct host_tls *t, net_tls **out)
{
	const char *pins[NET_TLS_PINS_MAX];
	char why[300];
	int rc;

	*out = NULL;
	if (t->cert[0] == '\0')
		return HOST_OK;
	for (size_t i = 0; i < t->npeers; i++)
		pins[i] = t->peers[i];
	rc = net_tls_create(
	    &(struct net_tls_config){.server = true,
	                             .cert = t->cert,
	                             .key = t->key,
	                             .ca = t->client_ca[0] != '\0' ? t->client_ca : NULL,
	                             .crl = t->crl[0] != '\0' ? t->crl : NULL,
	                             .pins = pins,
	                             .npins = t->npeers},
	    out, why, sizeof why);
	if (rc != NET_OK)
		return host_say(HOST_EFAILED, h->prog, "[%s] TLS: %s", section, why);
	return HOST_OK;
}

/* Listens as name on port with fn(ctx): NET_OK, or the failure logged and said, with the
 * option and the key that move the port. */
static int listen_on(struct host *h, const char *name, int port, net_handler fn, void *ctx,
                     net_server **out)
{
	const struct host_config *cfg = &h->env.cfg;
	bool link = strcmp(name, "issuer") == 0;
	const char *what = link ? "issuer link" : "terminals' port";
	const char *option = link ? "--port" : "--terminal-port";
	const char *key = link ? "[link] port" : "[acquirer] port";
	struct tls_refusals *refused = &h->refusals[link ? 0 : 1];
	net_tls **tls = link ? &h->issuer_tls : &h->terminal_tls;
	struct net_server_config ncfg = {
	    .host = cfg->listen,
	    .port = port,
	    .idle_timeout_ms = cfg->idle_timeout * 1000,
	    .max_connections = cfg->max_connections,
	    .max_per_address = cfg->max_per_address,
	    .message_timeout_ms = cfg->message_timeout * 1000,
	    .tls_refused = on_tls_refused,
	    .tls_refused_ctx = refused,
	};
	int rc;

	*out = NULL;
	*refused = (struct tls_refusals){name, h->log};
	if (tls_context(h, link ? "link" : "acquirer", link ? &cfg->link_tls : &cfg->acquirer_tls,
	                tls) != HOST_OK)
		return NET_ETLS;
	ncfg.tls = *tls;
	if ((rc = net_server_create(&h->loop, &ncfg, fn, ctx, out)) != NET_OK) {
		log_event(h->log, LOG_ERROR, "listen_failed",
		          json_pack("{s:s, s:s, s:i, s:s}", "link", name, "listen", cfg->listen,
		                    "port", port, "error", net_strerror(rc)));
		host_say(
		    HOST_EFAILED, h->prog,
		    "cannot listen on %s port %d (the %s): %s (in use, or not allowed); move it "
		    "with %s N or %s in the configuration (0 picks a free port)",
		    cfg->listen, port, what, net_strerror(rc), option, key);
		*out = NULL;
	}
	return rc;
}

/* The front ends on the loop, listening; HOST_OK or HOST_EFAILED, said. */
static int start_front_ends(struct host *h)
{
	const struct host_config *cfg = &h->env.cfg;

	if (listen_on(h, "issuer", cfg->port, net_link_handle, &h->issuer, &h->issuer_server) !=
	        NET_OK ||
	    listen_on(h, "acquirer", cfg->terminal_port, host_terminals_handle, &h->terminals,
	              &h->terminal_server) != NET_OK ||
	    host_api_start(&h->api, h->prog, &cfg->http, cfg->http_required) != HOST_OK)
		return HOST_EFAILED;
	if (write_ports(h) != 0)
		return host_say(HOST_EFAILED, h->prog, "cannot write %s: %s", h->ports_path,
		                strerror(errno));
	if (start_notify(h) != HOST_OK) {
		remove(h->ports_path);
		return HOST_EFAILED;
	}
	return HOST_OK;
}

/* What a front end's TLS is: "off", "on", "mutual" (client certificates from a CA) or
 * "pinned" (client certificates by fingerprint). */
static const char *tls_mode(const struct host_tls *t)
{
	return t->cert[0] == '\0'        ? "off"
	       : t->client_ca[0] != '\0' ? "mutual"
	       : t->npeers > 0           ? "pinned"
	                                 : "on";
}

static void log_listening(struct host *h)
{
	const struct host_config *cfg = &h->env.cfg;

	log_event(h->log, LOG_INFO, "listening",
	          json_pack("{s:s, s:i, s:s, s:s, s:s}", "link", "issuer", "port",
	                    net_server_port(h->issuer_server), "listen", cfg->listen, "dialect",
	                    cfg->dialect->name, "tls", tls_mode(&cfg->link_tls)));
	log_event(h->log, LOG_INFO, "listening",
	          json_pack("{s:s, s:i, s:s, s:s, s:s}", "link", "acquirer", "port",
	                    net_server_port(h->terminal_server), "listen", cfg->listen, "dialect",
	                    "cup-pos", "tls", tls_mode(&cfg->acquirer_tls)));
}

/* No BIN ranges: the issuer knows no card, and answers every one 15. Said at start, on stderr
 * and in the log, with the key that fixes it. */
static void warn_no_bins(struct host *h)
{
	if (h->env.cfg.nbins > 0)
		return;
	log_event(h->log, LOG_WARN, "no_bins",
	          json_pack("{s:s, s:s}", "key", "[issuer] bin", "effect",
	                    "every card declined 15 (no such issuer)"));
	fprintf(stderr,
	        "%s: warning: no BIN ranges configured: every card will be declined 15 (no such "
	        "issuer); set [issuer] bin in the configuration (--config FILE), one line a range, "
	        "as bin = 62258801 debit\n",
	        h->prog);
}

static bool link_up(void *ctx, const char *name)
{
	outlink *l = host_links_find(ctx, name, NULL, NULL, NULL);

	return l != NULL && outlink_up(l);
}

/* The acquirer told of the links once they are open (their keys, timeouts, whether each is
 * up), the terminals' requests sent on them, and the store-and-forward sender started. */
static int start_link_engine(struct host *h)
{
	const struct host_config *cfg = &h->env.cfg;

	for (size_t i = 0; i < cfg->nlinks; i++) {
		const struct host_link_config *c = &cfg->links[i];
		const hsm_key *zpk = NULL;
		struct acquirer_link *al = &h->alinks[i];

		host_links_find(&h->links, c->name, &zpk, NULL, NULL);
		*al = (struct acquirer_link){.zpk = zpk != NULL && zpk->len > 0 ? zpk : NULL,
		                             .timeout = c->timeout,
		                             .saf_interval = c->saf_interval,
		                             .saf_max_age = c->saf_max_age};
		snprintf(al->name, sizeof al->name, "%s", c->name);
		snprintf(al->institution, sizeof al->institution, "%s", c->institution);
	}
	if (acquirer_set_links(h->env.acquirer, h->alinks, cfg->nlinks, link_up, &h->links) !=
	    ACQUIRER_OK)
		return host_say(HOST_EFAILED, h->prog, "the links: more than %d",
		                ACQUIRER_LINKS_MAX);
	h->terminals.links = &h->links;
	h->metrics.links = &h->links;
	h->saf = (struct host_saf){.acquirer = h->env.acquirer,
	                           .store = h->env.data.store,
	                           .links = &h->links,
	                           .links_cfg = h->alinks,
	                           .n = cfg->nlinks,
	                           .log = h->log};
	if (cfg->nlinks > 0 && host_saf_start(&h->saf, &h->loop) != 0)
		return host_say(HOST_EFAILED, h->prog, "cannot start the store-and-forward sender");
	return HOST_OK;
}

int host_start(host *h, struct host_listening *out)
{
	const struct host_config *cfg = &h->env.cfg;

	if (host_terminals_start(&h->terminals, &h->loop) != 0)
		return host_say(HOST_EFAILED, h->prog, "cannot start the terminal front end");
	if (host_links_open(&h->links, &h->loop, cfg, h->env.data.hsm, h->log, h->env.data.dir) !=
	        HOST_OK ||
	    start_link_engine(h) != HOST_OK || start_front_ends(h) != HOST_OK) {
		host_saf_stop(&h->saf);
		host_links_close(&h->links);
		host_api_stop(&h->api);
		net_server_close(h->issuer_server);
		net_server_close(h->terminal_server);
		h->issuer_server = h->terminal_server = NULL;
		host_terminals_stop(&h->terminals);
		uv_run(&h->loop, UV_RUN_DEFAULT); /* frees what the servers had opened */
		return HOST_EFAILED;
	}
	log_listening(h);
	warn_no_bins(h);
	if (host_metrics_start(&h->metrics, &h->loop, &h->terminal_server, &h->issuer_server,
	                       &h->api.server) != 0)
		log_event(h->log, LOG_WARN, "metrics",
		          json_pack("{s:s}", "error", "cannot count the connections"));
	if (host_closer_start(&h->close, &h->loop, h->env.data.store, h->env.data.db, cfg, h->log,
	                      h->env.merchant, h->env.issuer, h->env.data.dir) != 0)
		log_event(h->log, LOG_WARN, "settle_close",
		          json_pack("{s:s}", "error", "cannot start the close's timer"));
	if (host_reviewer_start(&h->review, &h->loop, h->env.data.store, cfg->risk_review_days,
	                        h->log, h->prog, h->config, h->data) != 0)
		log_event(h->log, LOG_WARN, "risk_review",
		          json_pack("{s:s}", "error", "cannot start the review's timer"));
	if (host_risk_start(&h->risk, &h->loop) != 0)
		log_event(
		    h->log, LOG_WARN, "risk_rules",
		    json_pack("{s:s}", "error", "cannot handle SIGHUP: no reload but the API's"));
	if (host_routes_start(&h->routes, &h->loop) != 0)
		log_event(
		    h->log, LOG_WARN, "routes",
		    json_pack("{s:s}", "error", "cannot handle SIGHUP: no reload of the routes"));
	h->sigterm.data = h->sigint.data = h->wake.data = h;
	uv_signal_init(&h->loop, &h->sigterm);
	uv_signal_init(&h->loop, &h->sigint);
	uv_async_init(&h->loop, &h->wake, on_wake);
	uv_signal_start(&h->sigterm, on_signal, SIGTERM);
	uv_signal_start(&h->sigint, on_signal, SIGINT);
	if (out != NULL)
		*out = (struct host_listening){.listen = cfg->listen,
		                               .dialect = cfg->dialect->name,
		                               .issuer = net_server_port(h->issuer_server),
		                               .acquirer = net_server_port(h->terminal_server),
		                               .api_listen = cfg->http.listen,
		                               .api = host_api_port(&h->api)};
	return HOST_OK;
}

int host_run(host *h)
{
	uv_run(&h->loop, UV_RUN_DEFAULT);
	log_event(h->log, LOG_INFO, "stopped", NULL);
	return HOST_OK;
}
