/* server.c — the libuv link server (net.h): framed requests in, replies out in request order.
 *
 * Each connection keeps its requests in a queue in arrival order. A request leaves the head
 * of the queue once it is replied to or dropped, so a reply completed early waits for those
 * before it. Handles are freed only in their close callbacks; a connection that is closing
 * orphans its waiting requests (conn = NULL), which their owners still reply to or drop.
 *
 * TLS: a connection's SSL reads from and writes to memory BIOs. What libuv reads goes into
 * the SSL's read BIO; the handshake, then SSL_read(), take it out as plaintext into the same
 * read buffer a clear connection reads into, so framing and limits are the same; whatever the
 * SSL has to send (handshake, records, alerts) is taken from its write BIO and written. The
 * handshake must end within message_timeout of the connection's start. */
#include "net/internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "crypto/crypto.h"

#define DEFAULT_HOST        "0.0.0.0"
#define DEFAULT_MAX_MESSAGE 8192
#define DEFAULT_IDLE_MS     300000
#define DEFAULT_MAX_CONNS   10000
#define DEFAULT_MAX_PENDING 64
#define DEFAULT_PER_ADDRESS 64
#define DEFAULT_MESSAGE_MS  10000
#define TLS_CHUNK           16384 /* ciphertext read at once */

struct conn;

/* A framed reply and the libuv write that sends it, in one allocation. */
struct net_write {
	uv_write_t w;
	size_t len;
	uint8_t data[];
};

enum req_state { REQ_WAITING, REQ_REPLIED, REQ_DROPPED };

struct net_request {
	struct net_request *next;
	struct conn *conn; /* NULL once the connection has gone */
	enum req_state state;
	int close_after;         /* net_drop(req, 1) */
	struct net_write *reply; /* REQ_REPLIED */
};

struct conn {
	uv_tcp_t tcp;
	uv_timer_t idle;
	uv_shutdown_t shutdown;
	net_server *s;
	struct conn *prev, *next;
	net_request *head, *tail; /* requests not yet written, in arrival order */
	unsigned queued;
	int handles;    /* open libuv handles: freed at 0 */
	int counted;    /* counts towards max_connections */
	int reading;    /* uv_read_start in effect */
	int processing; /* inside conn_process(): do not re-enter */
	int shutting;   /* graceful close: writes drain, then close */
	int closing;
	int proven; /* has sent a whole message: never evicted for room */
	size_t rlen;
	uint64_t msg_start; /* uv_now() at the first byte of the message being read */
	struct sockaddr_storage addr;
	uint8_t *rbuf; /* NET_FRAME_HEADER + max_message bytes */
	char peer[64];
	/* TLS (server's tls set) */
	SSL *ssl;         /* owns rbio and wbio */
	BIO *rbio, *wbio; /* ciphertext in (network → SSL), out (SSL → network) */
	uint8_t *cbuf;    /* TLS_CHUNK bytes read from the network */
	int handshaken;   /* the handshake is done */
	int feeding;      /* inside conn_tls_read(): do not re-enter */
	struct net_tls_conn tc;
};

struct net_server {
	uv_loop_t *loop;
	uv_tcp_t listener;
	int listener_open; /* until its close callback has run */
	int listener_closing;
	net_handler fn;
	void *ctx;
	size_t max_message;
	unsigned idle_ms, max_conns, max_pending, per_address, message_ms;
	int port;
	net_tls *tls;
	net_tls_refused tls_refused;
	void *tls_refused_ctx;
	struct conn *conns;
	unsigned nconn, active;
	int stopping, freeing;
	net_stop_cb done;
	void *done_arg;
};

static void conn_process(struct conn *c);

/* Frees the server or reports the stop once every handle is closed. Runs last in its
 * callers: the done callback may free the server. */
static void server_settle(net_server *s)
{
	net_stop_cb done = s->done;

	if (s->listener_open || s->nconn > 0)
		return;
	if (s->freeing) {
		free(s);
		return;
	}
	if (s->stopping && done != NULL) {
		s->done = NULL;
		done(s, s->done_arg);
	}
}

static void on_listener_closed(uv_handle_t *h)
{
	net_server *s = h->data;

	s->listener_open = 0;
	server_settle(s);
}

static void listener_close(net_server *s)
{
	if (s->listener_open && !s->listener_closing) {
		s->listener_closing = 1;
		uv_close((uv_handle_t *)&s->listener, on_listener_closed);
	}
}

static void on_conn_closed(uv_handle_t *h)
{
	struct conn *c = h->data;
	net_server *s = c->s;

	if (--c->handles > 0)
		return;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	s->nconn--;
	if (c->ssl != NULL) {
		SSL_free(c->ssl);
		crypto_wipe(c->rbuf, NET_FRAME_HEADER + s->max_message); /* plaintext */
		crypto_wipe(&c->tc, sizeof c->tc);
	}
	free(c->cbuf);
	free(c->rbuf);
	free(c);
	server_settle(s);
}

/* The connection's waiting requests lose it; those already answered are discarded. */
static void conn_orphan(struct conn *c)
{
	net_request *r = c->head, *next;

	for (; r != NULL; r = next) {
		next = r->next;
		if (r->state == REQ_WAITING) {
			r->conn = NULL;
			r->next = NULL;
		} else {
			free(r->reply);
			free(r);
		}
	}
	c->head = c->tail = NULL;
	c->queued = 0;
}

static void conn_retire(struct conn *c)
{
	if (c->counted) {
		c->counted = 0;
		c->s->active--;
	}
	if (c->reading) {
		c->reading = 0;
		uv_read_stop((uv_stream_t *)&c->tcp);
	}
	conn_orphan(c);
}

static void conn_close(struct conn *c);
static void conn_tls_out(struct conn *c);

static void on_shutdown(uv_shutdown_t *req, int status)
{
	(void)status;
	conn_close(req->data);
}

/* Closes once the writes already queued have gone out. */
static void conn_close_graceful(struct conn *c)
{
	if (c->shutting || c->closing)
		return;
	c->shutting = 1;
	conn_retire(c);
	if (c->ssl != NULL && c->handshaken) {
		SSL_shutdown(c->ssl); /* close_notify */
		conn_tls_out(c);
		if (c->closing)
			return;
	}
	c->shutdown.data = c;
	if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shutdown) != 0)
		conn_close(c);
}

static void conn_close(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	conn_retire(c);
	uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
	uv_close((uv_handle_t *)&c->idle, on_conn_closed);
}

static void on_idle(uv_timer_t *t)
{
	struct conn *c = t->data;

	/* A connection waiting for its answers is not idle. */
	if (c->queued > 0)
		uv_timer_start(&c->idle, on_idle, c->s->idle_ms, 0);
	else
		conn_close(c);
}

/* The message begun has not come whole by its deadline; a connection that is not reading
 * (its whole frames wait for answers) waits as when idle. */
static void on_deadline(uv_timer_t *t)
{
	struct conn *c = t->data;

	if (c->reading)
		conn_close(c);
	else
		on_idle(t);
}

/* Arms the timer: the idle timeout between messages, the message's deadline within one. */
static void conn_arm(struct conn *c)
{
	net_server *s = c->s;
	uint64_t now = uv_now(s->loop), end = c->msg_start + s->message_ms;

	if ((c->rlen > 0 && c->reading) || (c->ssl != NULL && !c->handshaken))
		uv_timer_start(&c->idle, on_deadline, end > now ? end - now : 0, 0);
	else
		uv_timer_start(&c->idle, on_idle, s->idle_ms, 0);
}

static void on_write(uv_write_t *w, int status)
{
	struct conn *c = w->handle->data;

	free(w);
	if (c->closing)
		return;
	if (status < 0)
		conn_close(c);
	else
		conn_arm(c);
}

/* Writes w's bytes as they are (clear, or ciphertext already). */
static void conn_write_raw(struct conn *c, struct net_write *w)
{
	uv_buf_t buf = uv_buf_init((char *)w->data, (unsigned)w->len);

	if (uv_write(&w->w, (uv_stream_t *)&c->tcp, &buf, 1, on_write) != 0) {
		free(w);
		conn_close(c);
	}
}

/* Writes what the SSL has to send. */
static void conn_tls_out(struct conn *c)
{
	size_t n = BIO_ctrl_pending(c->wbio);
	struct net_write *w;

	if (n == 0 || c->closing)
		return;
	if ((w = malloc(sizeof *w + n)) == NULL) {
		conn_close(c);
		return;
	}
	w->len = (size_t)BIO_read(c->wbio, w->data, (int)n);
	conn_write_raw(c, w);
}

/* Writes a framed reply: through the SSL on a TLS connection (its plaintext wiped). */
static void conn_write(struct conn *c, struct net_write *w)
{
	int n;

	if (c->ssl == NULL) {
		conn_write_raw(c, w);
		return;
	}
	n = SSL_write(c->ssl, w->data, (int)w->len);
	crypto_wipe(w->data, w->len);
	free(w);
	if (n <= 0) {
		ERR_clear_error();
		conn_close(c);
		return;
	}
	conn_tls_out(c);
}

static void conn_start_reading(struct conn *c);
static void conn_feed(struct conn *c);

/* Writes the answers at the head of the queue that are ready, in order. */
static void conn_flush(struct conn *c)
{
	net_server *s = c->s;

	while (c->head != NULL && c->head->state != REQ_WAITING) {
		net_request *r = c->head;
		int close_after = r->close_after;

		c->head = r->next;
		if (c->head == NULL)
			c->tail = NULL;
		c->queued--;
		if (r->reply != NULL)
			conn_write(c, r->reply);
		free(r);
		if (c->closing)
			return;
		if (close_after) {
			conn_close_graceful(c);
			return;
		}
	}
	if (s->stopping) {
		if (c->head == NULL)
			conn_close_graceful(c);
		return;
	}
	if (!c->reading && !c->shutting && c->queued < s->max_pending) {
		conn_start_reading(c);
		conn_feed(c);
	}
}

/* Hands every whole frame in the read buffer to the handler, while the queue has room. */
static void conn_process(struct conn *c)
{
	net_server *s = c->s;

	if (c->processing)
		return;
	c->processing = 1;
	while (!c->closing && !c->shutting && !s->stopping && c->rlen >= NET_FRAME_HEADER) {
		size_t n, whole;
		net_request *r;

		if (net_frame_length(c->rbuf, s->max_message, &n) != NET_OK) {
			conn_close(c);
			break;
		}
		whole = NET_FRAME_HEADER + n;
		if (c->rlen < whole)
			break;
		if (c->queued >= s->max_pending) {
			c->reading = 0;
			uv_read_stop((uv_stream_t *)&c->tcp);
			break;
		}
		if ((r = calloc(1, sizeof *r)) == NULL) {
			conn_close(c);
			break;
		}
		r->conn = c;
		c->proven = 1;
		if (c->tail != NULL)
			c->tail->next = r;
		else
			c->head = r;
		c->tail = r;
		c->queued++;
		s->fn(s->ctx, r, c->rbuf + NET_FRAME_HEADER, n);
		memmove(c->rbuf, c->rbuf + whole, c->rlen - whole);
		c->rlen -= whole;
		c->msg_start = uv_now(s->loop);
	}
	c->processing = 0;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)suggested;
	if (c->ssl != NULL)
		*buf = uv_buf_init((char *)c->cbuf, TLS_CHUNK);
	else
		*buf = uv_buf_init((char *)c->rbuf + c->rlen,
		                   (unsigned)(NET_FRAME_HEADER + c->s->max_message - c->rlen));
}

/* The handshake goes on: 1 done (the client's certificate read), 0 more to come, -1 failed
 * (said to the server's tls_refused, the alert sent, the connection closing). */
static int conn_tls_handshake(struct conn *c)
{
	net_server *s = c->s;
	char why[160];
	int r = SSL_do_handshake(c->ssl), e;

	if (r == 1) {
		c->handshaken = 1;
		net_tls_peer(c->ssl, &c->tc);
		return 1;
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		ERR_clear_error();
		return 0;
	}
	net_tls_why(c->ssl, r, true, why, sizeof why);
	if (s->tls_refused != NULL)
		s->tls_refused(s->tls_refused_ctx, c->peer, why);
	conn_tls_out(c);
	conn_close_graceful(c);
	return -1;
}

/* Plaintext out of the SSL into the read buffer, frames to the handler, while reading. */
static void conn_tls_read(struct conn *c)
{
	net_server *s = c->s;
	size_t cap = NET_FRAME_HEADER + s->max_message;

	if (c->feeding)
		return;
	c->feeding = 1;
	while (c->reading && !c->closing && !c->shutting && c->rlen < cap) {
		int n = SSL_read(c->ssl, c->rbuf + c->rlen, (int)(cap - c->rlen)), e;

		if (n > 0) {
			if (c->rlen == 0)
				c->msg_start = uv_now(s->loop);
			c->rlen += (size_t)n;
			conn_process(c);
			continue;
		}
		e = SSL_get_error(c->ssl, n);
		ERR_clear_error();
		if (e == SSL_ERROR_ZERO_RETURN)
			conn_close_graceful(c);
		else if (e != SSL_ERROR_WANT_READ)
			conn_close(c);
		break;
	}
	c->feeding = 0;
}

/* Whatever the connection holds read: through the SSL first on a TLS one. */
static void conn_feed(struct conn *c)
{
	if (c->ssl == NULL) {
		conn_process(c);
		return;
	}
	if (!c->handshaken && conn_tls_handshake(c) <= 0) {
		conn_tls_out(c);
		return;
	}
	conn_tls_read(c);
	conn_tls_out(c);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = stream->data;

	(void)buf;
	if (nread < 0) {
		conn_close(c);
		return;
	}
	if (c->ssl != NULL) {
		if (nread > 0 && BIO_write(c->rbio, c->cbuf, (int)nread) != (int)nread) {
			conn_close(c);
			return;
		}
		conn_feed(c);
		if (!c->closing)
			conn_arm(c);
		return;
	}
	if (c->rlen == 0)
		c->msg_start = uv_now(c->s->loop);
	c->rlen += (size_t)nread;
	conn_process(c);
	if (!c->closing)
		conn_arm(c);
}

static void conn_start_reading(struct conn *c)
{
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
		c->reading = 1;
	else
		conn_close(c);
}

/* Whether a and b are the same IP address (ports aside). */
static int same_address(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
		              &((const struct sockaddr_in *)b)->sin_addr,
		              sizeof(struct in_addr)) == 0;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		              &((const struct sockaddr_in6 *)b)->sin6_addr,
		              sizeof(struct in6_addr)) == 0;
	return 0;
}

/* Whether c's address already has per_address counted connections. */
static int address_full(const struct conn *c)
{
	const struct conn *o;
	unsigned n = 0;

	for (o = c->s->conns; o != NULL; o = o->next)
		if (o != c && o->counted && same_address(&o->addr, &c->addr) &&
		    ++n >= c->s->per_address)
			return 1;
	return 0;
}

/* At max_connections, closes the oldest counted connection that has not yet sent a whole
 * message, making room for c; 0 when every one has. */
static int evict_unproven(struct conn *c)
{
	struct conn *o, *oldest = NULL;

	for (o = c->s->conns; o != NULL; o = o->next)
		if (o != c && o->counted && !o->proven)
			oldest = o; /* newest first: the last is the oldest */
	if (oldest == NULL)
		return 0;
	conn_close(oldest);
	return 1;
}

static void peer_name(struct conn *c)
{
	struct sockaddr_storage ss;
	int len = sizeof ss;
	char ip[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0) {
		c->addr = ss;
		if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
			uv_ip6_name(a, ip, sizeof ip);
			port = ntohs(a->sin6_port);
			snprintf(c->peer, sizeof c->peer, "[%s]:%d", ip, port);
			return;
		}
		uv_ip4_name((struct sockaddr_in *)&ss, ip, sizeof ip);
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	}
	snprintf(c->peer, sizeof c->peer, "%s:%d", ip, port);
}

/* A TLS connection's SSL, its BIOs and its ciphertext buffer; the handshake's deadline runs
 * from now. */
static int conn_tls_start(struct conn *c)
{
	net_server *s = c->s;

	if ((c->cbuf = malloc(TLS_CHUNK)) == NULL ||
	    (c->ssl = net_tls_ssl_mem(s->tls, &c->tc, true, &c->rbio, &c->wbio)) == NULL)
		return -1;
	c->msg_start = uv_now(s->loop);
	return 0;
}

static void on_connection(uv_stream_t *listener, int status)
{
	net_server *s = listener->data;
	struct conn *c;

	if (status < 0 || (c = calloc(1, sizeof *c)) == NULL)
		return;
	if ((c->rbuf = malloc(NET_FRAME_HEADER + s->max_message)) == NULL) {
		free(c);
		return;
	}
	c->s = s;
	c->tcp.data = c->idle.data = c;
	uv_tcp_init(s->loop, &c->tcp);
	uv_timer_init(s->loop, &c->idle);
	c->handles = 2;
	c->next = s->conns;
	if (s->conns != NULL)
		s->conns->prev = c;
	s->conns = c;
	s->nconn++;
	if (uv_accept(listener, (uv_stream_t *)&c->tcp) != 0 || s->stopping ||
	    (s->active >= s->max_conns && !evict_unproven(c))) {
		conn_close(c);
		return;
	}
	peer_name(c);
	if (address_full(c)) {
		conn_close(c);
		return;
	}
	c->counted = 1;
	s->active++;
	/* Answers are small and leave at once (see client.c). */
	uv_tcp_nodelay(&c->tcp, 1);
	if (s->tls != NULL && conn_tls_start(c) != 0) {
		conn_close(c);
		return;
	}
	conn_arm(c);
	conn_start_reading(c);
}

int net_server_create(uv_loop_t *loop, const struct net_server_config *cfg, net_handler fn,
                      void *ctx, net_server **out)
{
	struct sockaddr_storage addr;
	struct sockaddr_in6 bound;
	int len = sizeof bound;
	const char *host = cfg->host != NULL ? cfg->host : DEFAULT_HOST;
	net_server *s;

	assert(loop != NULL && fn != NULL && out != NULL);
	if (cfg->port < 0 || cfg->port > 65535 || cfg->max_message > NET_MAX_FRAME)
		return NET_EARG;
	if (uv_ip4_addr(host, cfg->port, (struct sockaddr_in *)&addr) != 0 &&
	    uv_ip6_addr(host, cfg->port, (struct sockaddr_in6 *)&addr) != 0)
		return NET_EARG;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return NET_ENOMEM;
	s->loop = loop;
	s->fn = fn;
	s->ctx = ctx;
	s->max_message = cfg->max_message ? cfg->max_message : DEFAULT_MAX_MESSAGE;
	s->idle_ms = cfg->idle_timeout_ms ? cfg->idle_timeout_ms : DEFAULT_IDLE_MS;
	s->max_conns = cfg->max_connections ? cfg->max_connections : DEFAULT_MAX_CONNS;
	s->max_pending =
	    cfg->max_pending_per_connection ? cfg->max_pending_per_connection : DEFAULT_MAX_PENDING;
	s->per_address = cfg->max_per_address ? cfg->max_per_address : DEFAULT_PER_ADDRESS;
	s->message_ms = cfg->message_timeout_ms ? cfg->message_timeout_ms : DEFAULT_MESSAGE_MS;
	s->tls = cfg->tls;
	s->tls_refused = cfg->tls_refused;
	s->tls_refused_ctx = cfg->tls_refused_ctx;
	s->listener.data = s;
	uv_tcp_init(loop, &s->listener);
	s->listener_open = 1;
	if (uv_tcp_bind(&s->listener, (struct sockaddr *)&addr, 0) != 0 ||
	    uv_listen((uv_stream_t *)&s->listener, 511, on_connection) != 0 ||
	    uv_tcp_getsockname(&s->listener, (struct sockaddr *)&bound, &len) != 0) {
		/* The listener's handle is freed by the loop; see net_server_close(). */
		net_server_close(s);
		return NET_EBIND;
	}
	s->port = ntohs(bound.sin6_family == AF_INET6 ? bound.sin6_port
	                                              : ((struct sockaddr_in *)&bound)->sin_port);
	*out = s;
	return NET_OK;
}

int net_server_port(const net_server *s)
{
	return s->port;
}

unsigned net_server_connections(const net_server *s)
{
	return s != NULL ? s->nconn : 0;
}

void net_server_stop(net_server *s, net_stop_cb done, void *arg)
{
	struct conn *c, *next;

	s->stopping = 1;
	s->done = done;
	s->done_arg = arg;
	listener_close(s);
	for (c = s->conns; c != NULL; c = next) {
		next = c->next;
		if (c->head == NULL)
			conn_close_graceful(c);
		else if (c->reading) {
			c->reading = 0;
			uv_read_stop((uv_stream_t *)&c->tcp);
		}
	}
	server_settle(s);
}

void net_server_close(net_server *s)
{
	struct conn *c, *next;

	if (s == NULL)
		return;
	s->freeing = 1;
	listener_close(s);
	for (c = s->conns; c != NULL; c = next) {
		next = c->next;
		conn_close(c);
	}
	server_settle(s);
}

int net_reply(net_request *req, const uint8_t *msg, size_t len)
{
	struct net_write *w;

	assert(req != NULL && req->state == REQ_WAITING);
	if (req->conn == NULL) {
		free(req);
		return NET_ECLOSED;
	}
	if (len == 0 || len > NET_MAX_FRAME) {
		net_drop(req, 1);
		return NET_EFRAME;
	}
	if ((w = malloc(sizeof *w + NET_FRAME_HEADER + len)) == NULL) {
		net_drop(req, 1);
		return NET_ENOMEM;
	}
	net_frame_header(len, w->data);
	memcpy(w->data + NET_FRAME_HEADER, msg, len);
	w->len = NET_FRAME_HEADER + len;
	req->reply = w;
	req->state = REQ_REPLIED;
	conn_flush(req->conn);
	return NET_OK;
}

void net_drop(net_request *req, int close_connection)
{
	assert(req != NULL && req->state == REQ_WAITING);
	if (req->conn == NULL) {
		free(req);
		return;
	}
	req->state = REQ_DROPPED;
	req->close_after = close_connection;
	conn_flush(req->conn);
}

const struct net_peer_cert *net_request_peer_cert(const net_request *req)
{
	return req->conn != NULL && req->conn->tc.has_cert ? &req->conn->tc.cert : NULL;
}

const char *net_request_peer(const net_request *req)
{
	return req->conn != NULL ? req->conn->peer : "-";
}
