/* net.h — ISO 8583 links over TCP: a libuv server that hands each framed request to an
 * asynchronous handler, a blocking client, and the framing both share.
 *
 * Framing: every message is preceded by a 2-byte big-endian length counting the bytes that
 * follow (the header of the network dialects: iso87a, iso87b). A length of 0, or one above
 * the server's max_message, closes the connection.
 *
 * Server. net_server_create() binds and listens on a loop the caller owns and runs. Each
 * whole frame read becomes a net_request given to the handler, which must — then, or later
 * from code running on the same loop — call exactly one of net_reply() or net_drop() for it.
 * That lets a caller batch requests (group commit) before answering. Replies on one
 * connection go out in the order of their requests, whatever the order they are completed
 * in. A request whose connection has gone (peer closed, idle timeout, server closed) stays
 * valid until it is replied to or dropped; the reply is then discarded. Everything runs on
 * the loop's thread; nothing here is thread-safe. Writing to a socket the peer closed raises
 * SIGPIPE: the program ignores it (signal(SIGPIPE, SIG_IGN)) before running the loop.
 *
 * Client: plain blocking POSIX sockets, one request at a time, for tools and tests. The
 * outgoing link to another network (connections signed on and echoed, many requests in flight
 * matched by key) is net/outlink.h.
 *
 * TLS (OpenSSL, TLS 1.2 and 1.3): a net_tls context, made from PEM files, given to a server
 * (struct net_server_config .tls) or to net_client_connect_tls(); NULL is clear TCP. The
 * server speaks TLS through memory BIOs (the ciphertext pumped between libuv and OpenSSL):
 * every limit holds as in clear, the handshake under the message deadline. Nothing here logs
 * or keeps key material: OpenSSL holds the private key inside the context and frees it.
 *
 * Errors: functions return NET_OK or a negative NET_E* code; net_strerror() names it. */
#ifndef POSSUM_NET_H
#define POSSUM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#define NET_OK       0
#define NET_EARG     (-1)  /* an argument malformed or out of range (a bad "host:port") */
#define NET_ENOMEM   (-2)  /* out of memory */
#define NET_EBIND    (-3)  /* cannot listen on the address (in use, not local, not allowed) */
#define NET_ECONNECT (-4)  /* cannot connect: refused, unreachable, unknown host */
#define NET_ETIMEOUT (-5)  /* no connection or no answer in time */
#define NET_EIO      (-6)  /* the socket failed while sending or receiving */
#define NET_ECLOSED  (-7)  /* the peer closed the connection; or the request's has gone */
#define NET_EFRAME   (-8)  /* a frame length of 0 or above the maximum */
#define NET_ESPACE   (-9)  /* the message does not fit the buffer given */
#define NET_ETLS     (-10) /* TLS could not be set up, or its handshake failed (why: in words) */

#define NET_FRAME_HEADER 2      /* bytes of length before each message */
#define NET_MAX_FRAME    0xFFFF /* the largest length a 2-byte header can give */

/* Framing, shared by server and client. net_frame_header() writes the header for a message
 * of len bytes (NET_EFRAME if len is 0 or above NET_MAX_FRAME). net_frame_length() reads one
 * and gives the length that follows (NET_EFRAME if 0 or above max). */
int net_frame_header(size_t len, uint8_t hdr[NET_FRAME_HEADER]);
int net_frame_length(const uint8_t hdr[NET_FRAME_HEADER], size_t max, size_t *len);

/* ---- TLS ---- */

typedef struct net_tls net_tls;

#define NET_TLS_PINS_MAX 32

/* A context's files and checks. Paths are PEM files. */
struct net_tls_config {
	bool server;
	const char *cert, *key;  /* own certificate (chain) and private key: a server's both
	                            needed; a client's both or neither (mutual TLS) */
	const char *ca;          /* server: clients must show a certificate chaining to it (mutual
	                            TLS); client: the server's trust anchor, NULL the system's */
	const char *crl;         /* a CRL checked on the peer's certificate; NULL none */
	const char *const *pins; /* server: "sha256:HEX" fingerprints of the clients' certificates
	                            (pinned): one is required and must be listed, its issuer not
	                            checked unless ca is also given */
	size_t npins;            /* at most NET_TLS_PINS_MAX */
};

/* Reads cfg's files into *out, freed by net_tls_close(): NET_ETLS (why, capacity cap, says
 * which file and what is wrong with it) or NET_EARG (a malformed pin). */
int net_tls_create(const struct net_tls_config *cfg, net_tls **out, char *why, size_t cap);
void net_tls_close(net_tls *t); /* t may be NULL */

/* "sha256:HEX" (64 hex digits, either case, colons between bytes allowed) into 64 lower-case
 * hex digits: NET_OK or NET_EARG. */
int net_tls_pin_parse(const char *text, char out[65]);

/* A verified client certificate: its subject's common name and its SHA-256 fingerprint. */
struct net_peer_cert {
	char cn[65];
	char sha256[65]; /* lower-case hex, as net_tls_pin_parse() gives */
};

/* ---- server ---- */

typedef struct net_server net_server;
typedef struct net_request net_request;

/* Told of a TLS handshake refused or failed: the peer's "ip:port" and why, in words (a clear
 * client, a certificate not trusted, revoked or not pinned, …). */
typedef void (*net_tls_refused)(void *ctx, const char *peer, const char *why);

/* A zero member takes the default given. */
struct net_server_config {
	const char *host;                    /* address to listen on; NULL: "0.0.0.0" */
	int port;                            /* 0: a free port, see net_server_port() */
	size_t max_message;                  /* largest frame accepted; 0: 8192 */
	unsigned idle_timeout_ms;            /* close after this long without a byte read,
	                                        with no request outstanding; 0: 300000 */
	unsigned max_connections;            /* at it a new connection closes the oldest one
	                                        that has not yet sent a whole message, or is
	                                        closed at once when every one has; 0: 10000 */
	unsigned max_pending_per_connection; /* requests not yet replied to; beyond it the
	                                        connection is not read until replies drain;
	                                        0: 64 */
	unsigned max_per_address;            /* connections at once from one IP address; beyond
	                                        it new ones are closed at once; 0: 64 */
	unsigned message_timeout_ms;         /* a message begun must be whole this long after
	                                        its first byte, or the connection is closed;
	                                        0: 10000 */
	net_tls *tls;                        /* NULL: clear TCP; else TLS only (outlives the
	                                        server's connections: close it after the loop
	                                        has freed the server) */
	net_tls_refused tls_refused;         /* NULL: not told */
	void *tls_refused_ctx;
};

/* Called for each request. msg (len bytes, the frame without its header) is valid only
 * during the call: copy what is needed later. */
typedef void (*net_handler)(void *ctx, net_request *req, const uint8_t *msg, size_t len);

/* Called once net_server_stop() has finished: no more requests, every connection closed. */
typedef void (*net_stop_cb)(net_server *s, void *arg);

/* Listens on cfg's address; *out is the server, freed by net_server_close(). NET_EBIND says
 * the address could not be used; errno-like detail is not kept. */
int net_server_create(uv_loop_t *loop, const struct net_server_config *cfg, net_handler fn,
                      void *ctx, net_server **out);

/* The port listened on: the one the system chose when cfg.port was 0. */
int net_server_port(const net_server *s);

/* The connections open now (on the loop's thread; 0 for NULL). */
unsigned net_server_connections(const net_server *s);

/* Stops accepting and reading; connections close once their outstanding requests have been
 * replied to or dropped (and the replies written); then done(s, arg) runs on the loop. Frames
 * read but not yet handed to the handler are discarded. */
void net_server_stop(net_server *s, net_stop_cb done, void *arg);

/* Closes the listener and every connection at once (outstanding requests are orphaned: their
 * replies will be discarded) and frees the server when the loop has run the handles' close
 * callbacks: run the loop (uv_run) after it. s may be NULL. */
void net_server_close(net_server *s);

/* Frames msg and queues it as the answer to req, written once every earlier request on the
 * connection has been answered; req is freed. NET_ECLOSED (req freed, reply discarded) when
 * its connection has gone; NET_EFRAME for an empty or oversize message, NET_ENOMEM (req is
 * then dropped, as if by net_drop(req, 1)). */
int net_reply(net_request *req, const uint8_t *msg, size_t len);

/* Answers nothing to req and frees it; with close_connection, the connection is closed
 * once the replies queued before it are written. */
void net_drop(net_request *req, int close_connection);

/* The peer as "ip:port" (IPv6 as "[ip]:port"), for logs; "-" when the connection has gone.
 * The text lives as long as req. */
const char *net_request_peer(const net_request *req);

/* The client certificate verified in the handshake of req's connection; NULL when it has
 * none (clear TCP, no certificate asked) or the connection has gone. Lives as long as req. */
const struct net_peer_cert *net_request_peer_cert(const net_request *req);

/* ---- client ---- */

typedef struct net_client net_client;

/* Connects to "host:port" ("[v6addr]:port" for IPv6 literals) within timeout_ms (0: the
 * system's timeout); *out is freed by net_client_close(). */
int net_client_connect(const char *host_port, int timeout_ms, net_client **out);

/* net_client_connect() that also says, when it fails, why in words (capacity cap): "connection
 * refused", "timed out after N ms", "name not resolved: …", "no route to host", … */
int net_client_connect_why(const char *host_port, int timeout_ms, net_client **out, char *why,
                           size_t cap);

/* net_client_connect_why() that then speaks TLS under tls (NULL: clear TCP), checking the
 * server's certificate against tls's trust anchor and name (NULL: the host part of
 * host_port; an IP address is checked as one). A failed handshake is NET_ETLS with why in
 * words: "TLS: certificate not trusted …", "TLS: name mismatch …", "TLS: certificate
 * revoked", "TLS: the host refused this terminal's certificate …". */
int net_client_connect_tls(const char *host_port, int timeout_ms, net_tls *tls, const char *name,
                           net_client **out, char *why, size_t cap);

/* Sends msg (1 to NET_MAX_FRAME bytes) framed. */
int net_client_send(net_client *c, const uint8_t *msg, size_t len);

/* Receives one framed message into buf (capacity cap), its length in *len. NET_ETIMEOUT when
 * no whole message came within timeout_ms (0: wait for ever), NET_ECLOSED when the server
 * closed the connection, NET_ESPACE when it is larger than cap (the connection is then out
 * of step: close it). */
int net_client_recv(net_client *c, uint8_t *buf, size_t cap, size_t *len, int timeout_ms);

/* c may be NULL. */
void net_client_close(net_client *c);

const char *net_strerror(int rc);

#endif
