/* internal.h — what the files of src/host/ share and nobody else sees: the front ends the
 * service (host.c) runs — the terminals' server with group commit (terminals.c), the issuer
 * behind the link (issuer.c), the HTTP API's thread (api.c). host.c owns each of these
 * structs, inside its struct host; each file owns what its struct points to only where it
 * says so. (The error printer, host_say(), is env.h's: the commands print theirs with it.) */
#ifndef POSSUM_HOST_INTERNAL_H
#define POSSUM_HOST_INTERNAL_H

#include <uv.h>

#include "host/env.h"
#include "http/http.h"
#include "log/log.h"
#include "net/link.h"
#include "net/outlink.h"
#include "net/net.h"
#include "notify/scheduler.h"
#include "settle/settle_close.h"

/* ---- The metrics (metrics.c, docs/operations.md) ----
 *
 * The registry the loop records into and the API's thread renders (GET /metrics), with the
 * families the host feeds and those the API reads at each scrape (http_metrics_declare()). */
struct host_metrics {
	metrics *reg;
	metrics_family *txns, *stages, *batch, *commit, *conns;
	metrics_family *link_up, *link_in_flight, *link_requests;
	struct host_links *links;       /* the outgoing links, counted each second; NULL: none */
	uv_timer_t timer;               /* the connections, counted once a second */
	net_server **terminals, **link; /* the host's, NULL once stopped */
	http_server **api;              /* the API's server, NULL once stopped or without it */
	bool started;
};

/* Makes the registry and its families: METRICS_OK or a metrics.h code (host_metrics_close()
 * either way). */
int host_metrics_open(struct host_metrics *hm);
/* A terminal's request answered: its type and response code (96 when its batch did not
 * commit) and its stages' times. hm may be NULL. */
void host_metrics_outcome(struct host_metrics *hm, const struct acquirer_outcome *o,
                          bool committed);
/* A group commit of n requests that took secs. hm may be NULL. */
void host_metrics_commit(struct host_metrics *hm, size_t n, double secs);
/* Counts the connections of *terminals, *link and *api each second on loop: 0 or a libuv
 * code. */
int host_metrics_start(struct host_metrics *hm, uv_loop_t *loop, net_server **terminals,
                       net_server **link, http_server **api);
/* Stops counting (run the loop after it); host_metrics_close() frees the registry, once the
 * API has stopped. */
void host_metrics_stop(struct host_metrics *hm);
void host_metrics_close(struct host_metrics *hm);

/* ---- The routing table (routes.c, docs/links.md) ----
 *
 * The table in force, owned here: made at open from the configuration (host_routes_make(),
 * env.h), swapped on the loop only, between the terminals' batches, when SIGHUP has the
 * configuration file (path; NULL: none, the defaults) read again. */
struct host_routes {
	acquirer *acquirer;
	possum_log *log;
	const char *path;
	acquirer_routes *routes; /* in force; NULL: none */
	uv_signal_t sighup;
	bool started;
};

/* Puts hr->routes in force and handles SIGHUP on loop; 0 or -1. */
int host_routes_start(struct host_routes *hr, uv_loop_t *loop);
void host_routes_stop(struct host_routes *hr);
/* Takes the table off the acquirer and closes it. */
void host_routes_free(struct host_routes *hr);

/* ---- The outgoing links (links.c, docs/links.md) ----
 *
 * One outlink a [link.NAME] of the configuration, made on the host's loop with the link's keys
 * (zpk, zak: key blocks checked under the LMK; an empty one left empty) and its dialect (binary
 * = hex: the hex variant, made here). Every second the links' status is written whole to
 * DATA/links.json (HOST_LINKS_STATUS_FILE): {"updated_at","items":[host_links_item_json()…],
 * "next":null}, read by `possum admin link status`, GET /api/v1/links and the console; it is
 * removed when the links close. */
#define HOST_LINKS_STATUS_FILE "links.json"
struct host_link {
	const struct host_link_config *cfg;
	outlink *out;
	hsm_key zpk, zak;
	hsm *hsm;    /* the zak's, when there is one: the MAC (links.c link_mac()) */
	int mac_alg; /* enum hsm_mac_alg of the zak's usage */
	int key_fields[OUTLINK_KEY_MAX]; /* the match key's fields ("mti" is outlink's own) */
	iso8583_profile hex;             /* binary = hex: the dialect with these fields */
	iso8583_field_spec hex_fields[ISO8583_MAX_FIELD + 1];
};
struct host_links {
	struct host_link link[HOST_LINKS_MAX];
	size_t n;
	int utc_offset;
	possum_log *log;
	uv_timer_t timer;
	bool timer_open, write_failed;
	char path[HOST_CONFIG_PATH_MAX + 16];
};

/* Opens one outlink a link of cfg on loop (they connect as the loop runs) and starts writing
 * their status into data_dir: HOST_OK, HOST_EUSAGE (a key block that is not one, or not of its
 * usage, said) or HOST_EFAILED. On any result the caller ends with host_links_close(). */
int host_links_open(struct host_links *hl, uv_loop_t *loop, const struct host_config *cfg, hsm *h,
                    possum_log *log, const char *data_dir);
/* The link called name with its keys (*zak's len 0: no MAC) and its configuration (each output
 * may be NULL); NULL when there is no such link. */
outlink *host_links_find(struct host_links *hl, const char *name, const hsm_key **zpk,
                         const hsm_key **zak, const struct host_link_config **cfg);
/* Closes the timer and the outlinks (their requests in flight end OUTLINK_CLOSED; run the loop
 * after it), wipes the keys and removes DATA/links.json. hl may be only zeroed. */
void host_links_close(struct host_links *hl);
/* One link's item of DATA/links.json: {"name","host","port","dialect","binary","state" ("up"
 * when a connection is signed on, else "down"),"connections":[{"state","failures","since"}],
 * "signed_on","in_flight","sent","answered","timed_out","down","late","unmatched","echoes",
 * "reconnects","last_echo" (null: never)}, times local (utc_offset minutes east of UTC); NULL
 * when out of memory. */
json_t *host_links_item_json(const struct host_link_config *c, const struct outlink_status *st,
                             int utc_offset);

/* ---- Store and forward (saf.c, docs/links.md) ----
 *
 * Once a second, each link's due entries of the queue sent on it when it is up, and its
 * entries pending too long expired; the answers recorded. links_cfg are the links as the
 * acquirer knows them (acquirer_set_links()), the caller's. */
#define HOST_SAF_FLYING 256
struct host_saf {
	acquirer *acquirer;
	store *store;
	struct host_links *links;
	const struct acquirer_link *links_cfg;
	size_t n;
	possum_log *log;
	uv_timer_t timer;
	bool started;
	int64_t flying[HOST_SAF_FLYING]; /* the entries on their way */
	size_t n_flying;
	char holder[STORE_CLAIM_HOLDER_MAX]; /* this process's claims (store_claim.h) */
};

/* 0 or a libuv code. */
int host_saf_start(struct host_saf *hs, uv_loop_t *loop);
/* Stops the timer (run the loop after it); entries in flight end with their links. */
void host_saf_stop(struct host_saf *hs);

/* ---- The terminals' front end (terminals.c) ----
 *
 * The net_handler of the cup-pos server. Requests are queued as they are read; once per turn
 * of the loop, after its I/O (a uv_check handle), the whole queue is handled in one batch and
 * committed once (group commit: what arrived while a commit was in flight goes in the next),
 * then every request of the batch is answered — or, when the commit failed, answered 96. Each
 * is logged as a JSON line "transaction", masked, and with trace every message in and out as
 * "message". The notification scheduler's outcomes join
 * the next batch (a batch of none when no request waits). */
struct host_pending;
struct host_terminals {
	acquirer *acquirer;
	struct host_links *links; /* the outgoing links requests are sent on; NULL: none */
	possum_log *log;
	const iso8583_profile *dialect;  /* cup-pos: how trace reads the messages */
	bool trace;                      /* every message in and out logged (net/trace.h) */
	struct notify_scheduler *notify; /* joined to the batches; may be NULL */
	struct host_metrics *metrics;    /* each batch recorded; may be NULL */
	uv_check_t check;
	uv_idle_t idle; /* a turn of the loop without waiting, while requests are queued */
	struct host_pending *queue;
	size_t n, cap;
	struct acquirer_reply *replies; /* a batch's answers, kept between batches */
	int *rcs;
	size_t reply_cap;
};

/* Starts t's check handle on loop: 0 or a libuv code. */
int host_terminals_start(struct host_terminals *t, uv_loop_t *loop);
/* The net_handler; ctx is the struct host_terminals. */
void host_terminals_handle(void *ctx, net_request *req, const uint8_t *msg, size_t len);
/* Closes the check handle (run the loop after it) and frees the queue: after the server has
 * stopped, when every request has been answered. */
void host_terminals_stop(struct host_terminals *t);

/* ---- The issuer behind the link (issuer.c) ----
 *
 * Each request read into the internal request (issuer_link_read), decided (issuer_authorize)
 * and its cardholder's text queued (issuer_notify) in one transaction of the host's, committed,
 * any one-time code sent (issuer_send_pending), answered (issuer_link_answer), and logged
 * masked as "authorization". */
struct host_issuer {
	struct net_link *link;
	issuer *issuer;
	store *store;       /* for the store's message when it fails */
	const hsm_key *zpk; /* the zone PIN key of the link's PIN blocks */
	possum_log *log;
};

/* Makes hi the authorizer of link. */
void host_issuer_attach(struct host_issuer *hi, struct net_link *link);

/* ---- The HTTP API (api.c) ----
 *
 * Served on a thread of its own beside the loop: it has its own environment (store
 * connection, hsm, issuer, merchant module) and logger, so the threads share nothing. A struct
 * host_api must not move once opened. */
struct host_api {
	struct host_env env;
	possum_log *log;
	struct http_ctx ctx;
	http_server *server;
};

/* Opens the API's environment over the configuration at config and the data directory data,
 * as env.h reads them. On any result the caller ends with host_api_close(). */
int host_api_open(struct host_api *api, const char *prog, const char *config, const char *data);
/* Starts serving cfg: HOST_OK, or when its port cannot be listened on HOST_EFAILED if
 * required, else HOST_OK without a server (a warning said and logged either way). */
int host_api_start(struct host_api *api, const char *prog, const struct http_config *cfg,
                   bool required);
/* The port the API listens on, -1 when it does not. */
int host_api_port(const struct host_api *api);
/* Stops serving (the request in hand finished first); the services stay open. */
void host_api_stop(struct host_api *api);
/* Stops serving and closes the services; api may be only zeroed. */
void host_api_close(struct host_api *api);

/* ---- The risk rules (risk.c) ----
 *
 * The rules in force, owned here: read at open by host_risk_load(); swapped on the loop only,
 * between the terminals' batches (SIGHUP, or a file the API's thread read and handed over). */
struct host_risk {
	const struct host_config *cfg;
	acquirer *acquirer;
	possum_log *log;
	risk_rules *rules; /* in force; NULL: none */
	uv_signal_t sighup;
	uv_async_t async;
	uv_mutex_t lock;
	risk_rules *handed; /* from the API's thread, under lock */
	bool handed_any, started;
};

/* Puts hr->rules in force and handles SIGHUP on loop; 0 or -1. */
int host_risk_start(struct host_risk *hr, uv_loop_t *loop);
/* The API's reload, on its thread: RISK_OK with *count the new rules' (in force by the next
 * batch), else the old stay and err says FILE:LINE: why. */
int host_risk_reload(void *arg, size_t *count, char *err, size_t errlen);
void host_risk_stop(struct host_risk *hr);
void host_risk_free(struct host_risk *hr);

/* ---- The close of each day (close.c) ----
 *
 * Once a minute (the first a second after the start) the host looks for the latest settlement
 * date past its cut-off ([settle] cutoff, [host] utc_offset); when this host has not closed or
 * seen it closed, it takes the day's lease in the store (owner "host:NAME:PID:START", for five
 * minutes) on the loop's connection — so that one close runs however many hosts share the
 * store, and another host takes over at once when one dies midway (store_lease_gone()) — and
 * runs settle_close() on a thread of libuv's pool, on a store connection of its own, so the
 * loop goes on (though the terminals' commits wait for the close's, SQLite having one writer).
 * Logs "settle_close" at its start and its end (lines, merchants, milliseconds). A day missed
 * while no host ran is closed by hand (`possum admin settle run --date`).
 *
 * Then, once a day on a business day (local), once the latest due day is closed, it runs that
 * day's payouts (settle_payouts_run(), on the loop's connection: one short transaction; a run
 * makes nothing twice, whichever host runs it) and writes their summary (DATA/payouts); logs
 * "settle_payouts" (date, made, amount, owed_days). */
struct host_closer {
	uv_loop_t *loop;
	uv_timer_t timer;
	uv_work_t work;
	bool busy;
	store *store; /* the loop's: the lease */
	const struct host_config *cfg;
	const char *db; /* the store's name: the close's own connection */
	possum_log *log;
	merchant *merchant;  /* whether a merchant may be paid, to which card */
	issuer *issuer;      /* the payees' names (sealed in the store); NULL: none */
	const char *datadir; /* DATA: the payouts' summary in DATA/payouts */
	char owner[64];
	int32_t done; /* the last date closed, or seen closed */
	int32_t paid; /* the last date whose payouts ran */
	/* The close under way (the pool's thread writes, the loop reads after it): */
	int32_t date;
	int rc;
	struct settle_close_result r;
	uint64_t started;
};

/* ---- The merchant review (review.c) ----
 *
 * With [risk] review_days = N (0: never), the host looks once an hour (the first two seconds
 * after its start) whether the latest merchant review kept (docs/risk.md "Merchant review") is
 * N days old, and when it is, reviews every merchant on a thread of libuv's pool, in an
 * environment of its own (config and data as the host was given them; the merchant module
 * suspends a merchant graded D, as "host"). Logs "risk_review" at its start and its end
 * (grades, suspended, milliseconds). */
struct host_reviewer {
	uv_loop_t *loop;
	uv_timer_t timer;
	uv_work_t work;
	bool busy, started_timer;
	store *store; /* the loop's: the latest review's time */
	int days;
	possum_log *log;
	const char *prog, *config, *data;
	/* The run under way (the pool's thread writes, the loop reads after it): */
	int rc;
	int64_t grades[4], suspended;
	uint64_t started;
};

/* Starts v's timer on loop when days > 0: 0 or a libuv code. */
int host_reviewer_start(struct host_reviewer *v, uv_loop_t *loop, store *s, int days,
                        possum_log *log, const char *prog, const char *config, const char *data);
/* Stops the timer (a review under way ends first: the loop waits for it). */
void host_reviewer_stop(struct host_reviewer *v);

/* Starts c's timer on loop: 0 or a libuv code. */
int host_closer_start(struct host_closer *c, uv_loop_t *loop, store *s, const char *db,
                      const struct host_config *cfg, possum_log *log, merchant *m, issuer *is,
                      const char *datadir);
/* Stops the timer (a close under way ends first: the loop waits for it). */
void host_closer_stop(struct host_closer *c);

#endif
