/* host.h — `possum host`'s ISO 8583 links: what a link does with a message, and the hook
 * through which authorizations reach the issuer.
 *
 * A link (struct host_link) is the net_handler of one link server. For each framed message
 * it unpacks under the link's dialect and:
 *   - cannot unpack: answers MTI+10 with field 39 "30" (format error) when the MTI of a
 *     request can be read, else closes the connection; logs "unpack_failed" either way with
 *     the iso8583 diagnostic, never the message bytes;
 *   - a response MTI (third digit odd): logs "unexpected_response", answers nothing;
 *   - 0800 network management (70: 001 sign-on, 002 sign-off, 301 echo): answers 0810 with
 *     7, 11 and 70 echoed and 39 "00"; another 70 gets 39 "12" (invalid transaction);
 *   - anything else: the authorizer's authorize(), which must answer through
 *     host_link_reply() (or net_reply/net_drop) now or later on the loop's thread; with no
 *     authorizer, MTI+10 with 39 "91" (issuer inoperative).
 * Every answer goes through host_link_respond(), one place for what a response echoes. */
#ifndef POSSUM_CLI_HOST_H
#define POSSUM_CLI_HOST_H

#include <uv.h>

#include "acquirer/acquirer.h"
#include "cli/cli.h"
#include "cli/notify_sink.h"
#include "http/http.h"
#include "iso8583/iso8583.h"
#include "issuer/issuer.h"
#include "log/log.h"
#include "net/net.h"

/* The issuer's side of a link. msg and the values its fields point to are valid only during
 * the call: an authorizer that answers later copies what it needs. It answers req exactly
 * once (host_link_reply(), net_reply() or net_drop()). */
struct host_authorizer {
	void *ctx;
	void (*authorize)(void *ctx, net_request *req, const iso8583_msg *msg);
};

struct host_link {
	const char *name;               /* in log lines: "link":"issuer" */
	const iso8583_profile *dialect; /* a network dialect: 2-byte length, no TPDU */
	struct host_authorizer auth;    /* auth.authorize NULL: answer 91 */
	possum_log *log;
};

/* The net_handler of a link server; ctx is a struct host_link that outlives the server. */
void host_link_handle(void *ctx, net_request *req, const uint8_t *msg, size_t len);

/* Makes resp the response to req: MTI + 10 (0200 → 0210), field 39 = rc (two characters,
 * a static or longer-lived string), and the fields a response echoes where req has them
 * and p defines them: 3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49, 70. Never 2, 35, 52 or 55:
 * card data and PIN blocks are not sent back. resp's values point into req's and rc, which
 * must outlive it. ISO8583_EMTI when req's MTI is not a request (third digit odd). */
int host_link_respond(const iso8583_profile *p, const iso8583_msg *req, const char *rc,
                      iso8583_msg *resp);

/* Packs resp under the link's dialect and answers req with it. On a pack failure, logs
 * "pack_failed" and drops req (closing its connection). Returns ISO8583_OK or the pack
 * error; a reply whose connection has gone counts as sent. */
int host_link_reply(const struct host_link *l, net_request *req, const iso8583_msg *resp);

/* The issuer behind a link (host_issuer.c): each request read (issuer_iso_read), decided and
 * committed (issuer_authorize), answered, and logged masked as "authorization". */
struct host_issuer {
	struct host_link *link;
	issuer *issuer;
	store *store;       /* for the store's message when it fails */
	const hsm_key *zpk; /* the zone PIN key of the link's PIN blocks */
	possum_log *log;
};

/* Makes hi the authorizer of link. */
void host_issuer_attach(struct host_issuer *hi, struct host_link *link);

/* The terminal front end (host_acquirer.c): the net_handler of the cup-pos server. Requests
 * are queued as they are read; once per turn of the loop, after its I/O (a uv_check handle),
 * the whole queue is handled in one batch and committed once (group commit: what arrived
 * while a commit was in flight goes in the next), then every request of the batch is answered
 * — or, when the commit failed, answered 96. Each is logged as a JSON line "transaction",
 * masked. The notification scheduler's outcomes join the next batch (a batch of none when no
 * request waits). */
struct host_pending;
struct host_acquirer {
	acquirer *acquirer;
	possum_log *log;
	struct notify_scheduler *notify; /* joined to the batches; may be NULL */
	uv_check_t check;
	struct host_pending *queue;
	size_t n, cap;
	struct acquirer_reply *replies; /* a batch's answers, kept between batches */
	int *rcs;
	size_t reply_cap;
};

/* Starts ha's check handle on loop. */
int host_acquirer_start(struct host_acquirer *ha, uv_loop_t *loop);
/* The net_handler; ctx is the struct host_acquirer. */
void host_acquirer_handle(void *ctx, net_request *req, const uint8_t *msg, size_t len);
/* Closes the check handle (run the loop after it) and frees the queue: after the server has
 * stopped, when every request has been answered. */
void host_acquirer_stop(struct host_acquirer *ha);

/* The HTTP API (host_api.c), served on a thread of its own beside the loop: it has its own
 * store connection, hsm, issuer, merchant module and logger, so the threads share nothing. A
 * struct host_api must not move once opened. */
struct host_api {
	struct cli_issuer ci;
	merchant *merchant;
	possum_log *log;
	struct http_ctx ctx;
	http_server *server;
};

/* Opens the API's services over the configuration at config (NULL: $POSSUM_CONFIG, else the
 * defaults) and the data directory data (NULL: the config's). Prints its own errors; on any
 * result the caller ends with host_api_close(). CLI_OK, CLI_USAGE or CLI_FAILED. */
int host_api_open(struct host_api *api, const char *prog, const char *config, const char *data);
/* Starts serving cfg. Prints and logs its own errors; CLI_OK or CLI_FAILED. */
int host_api_start(struct host_api *api, const char *prog, const struct http_config *cfg);
/* Stops serving (the request in hand finished first); the services stay open. */
void host_api_stop(struct host_api *api);
/* Stops serving and closes the services; api may be only zeroed. */
void host_api_close(struct host_api *api);

/* The checkpointer (host_checkpoint.c): a thread with a store connection of its own that
 * copies the write-ahead log into the database file every interval_ms, so that the commits on
 * the loop seldom do it — SQLite's automatic checkpoint runs inside the commit that fills the
 * log, thousands of page reads and writes that the requests of that batch would wait for. The
 * loop's connection checkpoints only past HOST_AUTOCHECKPOINT pages, by then little is left to
 * copy, and so lets the log start again (store_set_autocheckpoint). */
#define HOST_AUTOCHECKPOINT 4096 /* pages: 16 MiB */
struct host_checkpointer {
	store *store;
	uv_thread_t thread;
	uv_mutex_t lock;
	uv_cond_t wake;
	bool stop;
	unsigned interval_ms;
	possum_log *log; /* its own: used on its thread only */
};

/* Opens the database at db_path and starts the thread, which logs as cfg's [host] log says.
 * Prints its own errors, as prog; CLI_OK or CLI_FAILED. */
int host_checkpoint_start(struct host_checkpointer *c, const char *prog, const char *db_path,
                          const struct possum_config *cfg, unsigned interval_ms);
/* Stops the thread (after its checkpoint in hand), checkpoints once more and closes. */
void host_checkpoint_stop(struct host_checkpointer *c);

#endif
