/* outlink.h — an outgoing ISO 8583 link: long-lived connections to another network or issuer,
 * many requests in flight on each, every answer matched to its request by a key.
 *
 * The engine only: it knows ISO 8583 (a dialect, iso8583/iso8583.h), the 2-byte length framing
 * (net/net.h) and libuv; not the store, the acquirer or the configuration file. It runs on a
 * loop the caller owns and runs; everything is on the loop's thread and nothing here is
 * thread-safe.
 *
 * Connections. outlink_create() opens cfg.connections connections (default 2) to host:port.
 * Each, once connected, sends a sign-on (0800, field 70 = "001") and is usable once answered
 * with 39 = "00". A connection with no message read or written for echo_interval_ms sends an
 * echo (0800, 70 = "301"). A sign-on or echo not answered within timeout_ms, or a sign-on
 * refused, closes the connection. A connection closed (by the peer, an error, a bad frame, or
 * the above) reconnects after a backoff: backoff_min_ms doubling at each failed attempt up to
 * backoff_max_ms, each delay drawn at random between half of it and all of it (jitter, so that
 * many acquirers do not come back at once); a sign-on answered 00 resets it. The host's name
 * is resolved at each attempt with getaddrinfo(), which blocks the loop for the lookup: give
 * an IP address where the loop's latency matters.
 * An 0800 the peer sends (sign-on, sign-off, echo: 70 = 001, 002, 301) is answered 0810 with
 * 39 = "00" (as net/link.h answers them); any other request from the peer is logged
 * ("unexpected_request") and dropped.
 *
 * Requests go round robin over the signed-on connections. With none signed on the link is
 * down: outlink_send() fails at once with OUTLINK_EDOWN (the host answers 91 without waiting).
 *
 * Matching. A request's key is its MTI class and the values of the key fields (default
 * 11, 41, 7, 32): the class is the MTI's first three digits with the third rounded down to
 * even, so 0100 and 0110 are "010", 0200/0210 "020", 0420/0421/0430 "042", 0800/0810 "080".
 * An answer (third MTI digit odd) with the key of a request in flight completes that request,
 * whichever connection it came on. The answer must echo each key field the request had, with
 * its value; a key field the request lacked is not compared (many issuers add 32 or 41 to
 * their 0810s). The key as logged: "020 11=000123 41=TERM0001 7=1206105600 32" (32 lacked).
 * An answer matching nothing is logged at error ("unmatched_answer", with the key) and dropped
 * (so is one that does not unpack: "unpack_failed", counted as unmatched); one whose request
 * has timed out (among the last OUTLINK_LATE_KEYS timed out) is logged at warn ("late_answer")
 * and triggers nothing. A request timed out is logged at warn ("request_timeout").
 * Key values are logged: the key may not name card or PIN data (2, 35, 36, 45, 52, 55).
 * A request whose key is already in flight is refused (OUTLINK_EDUPLICATE): its answer could
 * not be told apart.
 *
 * Timeouts. A request not answered within timeout_ms completes with OUTLINK_TIMEOUT; the
 * issuer may have acted on it (the caller queues a reversal). A request whose bytes could not
 * be written whole (its connection failed first) completes with OUTLINK_DOWN: the peer never
 * read it. A request in flight on a connection that closes after writing it stays in flight:
 * its answer may still come on another connection, else it times out.
 *
 * TLS (cfg.tls, a client context of net_tls_create(), net/net.h): each connection speaks TLS
 * through memory BIOs, checking the server's certificate against the context's trust anchor
 * and its name against cfg.tls_name (default: host; an IP address is checked as one), and
 * shows the context's certificate if it has one (mutual TLS). A handshake that fails closes
 * the connection, logged with why in words ("TLS: certificate not trusted …"), and is retried
 * as any failed connect. A connection (TCP and handshake) not made within timeout_ms is
 * abandoned and retried.
 *
 * Log lines (possum_log, each with "link": name): link_connected, link_signed_on, link_up
 * (info); link_connect_failed (with "why" and "failures"), request_timeout, late_answer,
 * unexpected_request (warn); link_connection_lost (with "why"), link_down, unmatched_answer,
 * unpack_failed, pack_failed (error). Never a message's bytes nor card data.
 *
 * Errors: functions return OUTLINK_OK or a negative OUTLINK_E* code; outlink_strerror()
 * names it. */
#ifndef POSSUM_NET_OUTLINK_H
#define POSSUM_NET_OUTLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "iso8583/iso8583.h"
#include "log/log.h"
#include "net/net.h"

#define OUTLINK_OK 0
/* OUTLINK_EARG: a configuration or request out of range (a key naming card data, a request MTI
 * that is not a request, a key too long). */
#define OUTLINK_EARG       (-1)
#define OUTLINK_ENOMEM     (-2)
#define OUTLINK_EDOWN      (-3) /* no connection signed on: answer 91 at once */
#define OUTLINK_ECLOSED    (-4) /* outlink_close() has been called */
#define OUTLINK_EDUPLICATE (-5) /* a request with the same key is in flight */
#define OUTLINK_EBUSY      (-6) /* max_in_flight requests are in flight already */
#define OUTLINK_EPACK      (-7) /* the request does not pack under the dialect */

#define OUTLINK_CONN_MAX  16  /* connections a link */
#define OUTLINK_KEY_MAX   8   /* fields in the matching key, the MTI class aside */
#define OUTLINK_KEY_LEN   128 /* the key as text, its NUL included */
#define OUTLINK_LATE_KEYS 256 /* timed-out keys remembered to tell a late answer */

/* How a request sent ended, given to its callback. */
enum outlink_result {
	OUTLINK_ANSWERED = 0, /* answer is the matching response */
	OUTLINK_TIMEOUT,      /* no answer within timeout_ms: the peer may have acted on it */
	OUTLINK_DOWN,         /* not written whole: the peer never read it */
	OUTLINK_CLOSED,       /* outlink_close() before an answer came */
};

/* A zero member takes the default given. Every pointer is the caller's, read during
 * outlink_create() only, except dialect, name, tls and the log, which must outlive the link. */
struct outlink_config {
	const char *name;               /* in log lines: "link":"cupnet"; NULL "link" */
	const char *host;               /* name or address of the peer (required) */
	int port;                       /* required, 1..65535 */
	const iso8583_profile *dialect; /* a network dialect: 2-byte length, no TPDU (required) */
	unsigned connections;           /* 1..OUTLINK_CONN_MAX; 0: 2 */
	unsigned timeout_ms;            /* a request's, a sign-on's and an echo's; 0: 10000 */
	unsigned echo_interval_ms;      /* idle time before an echo; 0: 60000 */
	unsigned backoff_min_ms;        /* first reconnect delay; 0: 100 */
	unsigned backoff_max_ms;        /* its cap; 0: 30000 */
	unsigned max_in_flight;         /* requests at once, beyond: OUTLINK_EBUSY; 0: 4096 */
	const int *key_fields;          /* the key's fields after the MTI class; NULL: 11 41 7 32 */
	size_t nkey;                    /* entries of key_fields, at most OUTLINK_KEY_MAX */
	const char *institution;        /* field 33 (forwarding institution) of the 0800s sent; NULL
	                                   none (at most 11 digits) */
	net_tls *tls;         /* NULL: clear TCP; else TLS, the context outliving the link (close
	                         it after the loop has freed the link) */
	const char *tls_name; /* the name the server's certificate must have; NULL: host */
	bool trace;           /* every message in and out logged (net/trace.h) */
	/* MAC (NULL: none). With it every request sent but network management (08xx) carries
	 * field 64 — 128 when it has fields above 64 — set to mac() of the packed message before
	 * that field (as ISO 8583 MACs are: the MTI, the bitmaps and the fields up to it); the
	 * dialect's form of the field (8 raw bytes, or 16 hex characters) is kept. An answer that
	 * carries 64 or 128 is checked the same way, and dropped when it differs ("mac_failed",
	 * counted as unmatched: its request then times out). mac returns 0, or -1 (the request is
	 * refused OUTLINK_EPACK; an answer dropped). */
	int (*mac)(void *ctx, const uint8_t *data, size_t len, uint8_t out[8]);
	void *mac_ctx;
};

typedef struct outlink outlink;

/* A request's end. answer (OUTLINK_ANSWERED only, else NULL) and the values its fields point
 * to are valid only during the call: copy what is needed later. The callback may call
 * outlink_send() (even on this link) but not outlink_close(). */
typedef void (*outlink_cb)(void *ctx, int result, const iso8583_msg *answer);

enum outlink_conn_state {
	OUTLINK_CONN_WAITING = 0, /* not connected: a reconnect is due after the backoff */
	OUTLINK_CONN_CONNECTING,
	OUTLINK_CONN_SIGNING_ON, /* connected, the sign-on sent */
	OUTLINK_CONN_UP,         /* signed on: requests go here */
	OUTLINK_CONN_CLOSING,
};

/* What `possum admin link status` shows. Counters count since outlink_create(). */
struct outlink_status {
	unsigned connections; /* configured */
	unsigned signed_on;   /* connections UP now: 0 is a link down */
	size_t in_flight;     /* requests sent, not yet answered or timed out (sign-ons and
	                         echoes included) */
	uint64_t sent, answered, timed_out, down; /* requests given to outlink_send() and how
	                                             they ended (down: not written, or refused
	                                             OUTLINK_EDOWN at once) */
	uint64_t late, unmatched;                 /* answers dropped */
	uint64_t echoes, reconnects;              /* echoes answered 00, connections lost */
	int64_t last_echo_ms; /* wall clock (ms since 1970) of the last echo answered; 0 never */
	struct {
		enum outlink_conn_state state;
		unsigned failures; /* connect attempts failed since the last sign-on */
		int64_t since_ms;  /* wall clock of the last change of state */
	} conn[OUTLINK_CONN_MAX];
};

/* Checks cfg, makes the link and starts connecting on loop; *out is freed by outlink_close().
 * OUTLINK_EARG (a missing host, port or dialect, a count out of range, a key naming card data),
 * OUTLINK_ENOMEM. log may be NULL (nothing logged). */
int outlink_create(uv_loop_t *loop, const struct outlink_config *cfg, possum_log *log,
                   outlink **out);

/* Completes every request in flight with OUTLINK_CLOSED (their callbacks run within this call),
 * closes the connections and frees the link once the loop has run the handles' close
 * callbacks: run the loop (uv_run) after it. l may be NULL. */
void outlink_close(outlink *l);

/* Packs req (a request: third MTI digit even) and writes it on the next signed-on connection.
 * OUTLINK_OK: cb(ctx, result, answer) will be called exactly once, from the loop, never from
 * within this call. Any other code: cb is never called — OUTLINK_EDOWN (no connection signed
 * on), OUTLINK_EDUPLICATE, OUTLINK_EBUSY, OUTLINK_EPACK, OUTLINK_EARG, OUTLINK_ECLOSED,
 * OUTLINK_ENOMEM. req is read during the call only; ctx is the caller's and must stay valid
 * until cb runs. */
int outlink_send(outlink *l, const iso8583_msg *req, outlink_cb cb, void *ctx);

/* True when at least one connection is signed on. */
bool outlink_up(const outlink *l);

/* Fills *st (on the loop's thread). */
void outlink_status(const outlink *l, struct outlink_status *st);

/* "waiting", "connecting", "signing_on", "up", "closing". */
const char *outlink_conn_state_name(enum outlink_conn_state s);

const char *outlink_strerror(int rc);

#endif
