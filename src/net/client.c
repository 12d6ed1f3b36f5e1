/* client.c — the blocking link client (net.h): plain POSIX sockets, for tools and tests; over
 * TLS, an SSL on the socket, made non-blocking so that every wait is a poll with a deadline. */
#include "net/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "crypto/crypto.h"

#define TICKET_WAIT_MS 2000 /* TLS 1.3: the most waited for the server to take our certificate */

struct net_client {
	int fd;
	SSL *ssl; /* NULL: clear TCP */
	struct net_tls_conn tc;
};

/* Splits "host:port" or "[v6]:port" into host (capacity cap) and port text. */
static int split_host_port(const char *hp, char *host, size_t cap, const char **port)
{
	const char *colon, *start = hp, *end;

	if (hp[0] == '[') {
		start = hp + 1;
		if ((end = strchr(start, ']')) == NULL || end[1] != ':')
			return NET_EARG;
		colon = end + 1;
	} else {
		if ((colon = strrchr(hp, ':')) == NULL)
			return NET_EARG;
		end = colon;
	}
	if (end == start || (size_t)(end - start) >= cap || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return NET_EARG;
	memcpy(host, start, (size_t)(end - start));
	host[end - start] = '\0';
	*port = colon + 1;
	return NET_OK;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for fd to be ready for `events` until deadline (0: no deadline). */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd pfd = {fd, events, 0};
	int rc;

	for (;;) {
		int wait = -1;
		if (deadline != 0) {
			long long left = deadline - now_ms();
			if (left <= 0)
				return NET_ETIMEOUT;
			wait = (int)left;
		}
		rc = poll(&pfd, 1, wait);
		if (rc > 0)
			return NET_OK;
		if (rc == 0)
			return NET_ETIMEOUT;
		if (errno != EINTR)
			return NET_EIO;
	}
}

/* Why a connect failed with errno err, in words, into why (capacity cap). */
static void connect_why(int err, char *why, size_t cap)
{
	const char *text = err == ECONNREFUSED   ? "connection refused (nothing listens there)"
	                   : err == ETIMEDOUT    ? "timed out"
	                   : err == EHOSTUNREACH ? "no route to host"
	                   : err == ENETUNREACH  ? "network unreachable"
	                                         : strerror(err);

	snprintf(why, cap, "%s", text);
}

/* Connects one address with a deadline: a non-blocking connect, then poll; *err the errno of a
 * failure (ETIMEDOUT past the deadline). */
static int connect_one(const struct addrinfo *ai, long long deadline, int *fd_out, int *err)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	int flags, rc = NET_ECONNECT;
	socklen_t elen = sizeof *err;

	*err = 0;
	if (fd < 0) {
		*err = errno;
		return NET_ECONNECT;
	}
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		*err = errno;
		if (errno != EINPROGRESS)
			goto out;
		*err = ETIMEDOUT;
		if ((rc = wait_fd(fd, POLLOUT, deadline)) != NET_OK)
			goto out;
		rc = NET_ECONNECT;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &elen) != 0 || *err != 0)
			goto out;
	}
	fcntl(fd, F_SETFL, flags);
	/* A request is one small segment that should leave now: Nagle's algorithm would hold it
	 * for the ACK of the last one, which the host delays (up to 40 ms) until it answers. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
	*fd_out = fd;
	return NET_OK;
out:
	close(fd);
	return rc;
}

int net_client_connect(const char *host_port, int timeout_ms, net_client **out)
{
	char why[128];

	return net_client_connect_why(host_port, timeout_ms, out, why, sizeof why);
}

/* The TCP connection to host:port by deadline, into *fd_out; why said on failure. */
static int connect_tcp(const char *host, const char *port, long long deadline, int timeout_ms,
                       int *fd_out, char *why, size_t cap)
{
	struct addrinfo hints = {0}, *res = NULL, *ai;
	int rc, fd = -1, err = 0, gai;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((gai = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(why, cap, "name not resolved: %s", gai_strerror(gai));
		return NET_ECONNECT;
	}
	rc = NET_ECONNECT;
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if ((rc = connect_one(ai, deadline, &fd, &err)) == NET_OK)
			break;
	freeaddrinfo(res);
	if (rc == NET_ETIMEOUT)
		snprintf(why, cap, "timed out after %d ms", timeout_ms);
	else if (rc != NET_OK)
		connect_why(err, why, cap);
	*fd_out = fd;
	return rc;
}

/* Waits on c's socket for what SSL call ret asked (WANT_READ, WANT_WRITE) by deadline:
 * NET_OK to call again, else the failure (NET_ETLS for an SSL error). */
static int tls_wait(net_client *c, int ret, long long deadline)
{
	int e = SSL_get_error(c->ssl, ret);

	if (e == SSL_ERROR_WANT_READ)
		return wait_fd(c->fd, POLLIN, deadline);
	if (e == SSL_ERROR_WANT_WRITE)
		return wait_fd(c->fd, POLLOUT, deadline);
	if (e == SSL_ERROR_ZERO_RETURN)
		return NET_ECLOSED;
	if (e == SSL_ERROR_SYSCALL)
		return errno == 0 || errno == ECONNRESET || errno == EPIPE ? NET_ECLOSED : NET_EIO;
	return NET_ETLS;
}

/* TLS 1.3: the server says whether it took our certificate (or its lack) after the handshake
 * (a session ticket, or an alert). Waits for either, a short while: a refusal is then said at
 * connect, not as a lost answer later. */
static int tls_accepted(net_client *c, long long deadline)
{
	long long cap = now_ms() + TICKET_WAIT_MS;
	uint8_t b;
	int r, rc;

	if (deadline == 0 || deadline > cap)
		deadline = cap;
	for (;;) {
		if ((r = SSL_peek(c->ssl, &b, 1)) > 0 || c->tc.ticket)
			return NET_OK;
		if ((rc = tls_wait(c, r, deadline)) == NET_ETIMEOUT)
			return NET_OK;
		if (rc != NET_OK)
			return rc;
	}
}

/* The handshake on c by deadline, checking the server's certificate and name. */
static int tls_handshake(net_client *c, net_tls *tls, const char *name, long long deadline,
                         char *why, size_t cap)
{
	int r, rc;

	if ((c->ssl = net_tls_ssl(tls, &c->tc)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1 ||
	    net_tls_set_name(c->ssl, name) != 0) {
		snprintf(why, cap, "TLS: cannot set up (out of memory, or a bad name: %.60s)",
		         name);
		return NET_ETLS;
	}
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	while ((r = SSL_connect(c->ssl)) != 1)
		if ((rc = tls_wait(c, r, deadline)) != NET_OK)
			goto fail;
	if (SSL_version(c->ssl) != TLS1_3_VERSION)
		return NET_OK;
	if ((rc = tls_accepted(c, deadline)) == NET_OK)
		return NET_OK;
	r = -1;
fail:
	if (rc == NET_ETIMEOUT)
		snprintf(why, cap, "TLS: no handshake in time");
	else
		net_tls_why(c->ssl, r, false, why, cap);
	return rc == NET_ETIMEOUT ? rc : NET_ETLS;
}

int net_client_connect_why(const char *host_port, int timeout_ms, net_client **out, char *why,
                           size_t cap)
{
	return net_client_connect_tls(host_port, timeout_ms, NULL, NULL, out, why, cap);
}

int net_client_connect_tls(const char *host_port, int timeout_ms, net_tls *tls, const char *name,
                           net_client **out, char *why, size_t cap)
{
	long long deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	char host[256];
	const char *port;
	net_client *c;
	int rc, fd = -1;

	snprintf(why, cap, "%s", "");
	if ((rc = split_host_port(host_port, host, sizeof host, &port)) != NET_OK) {
		snprintf(why, cap, "not HOST:PORT");
		return rc;
	}
	if ((rc = connect_tcp(host, port, deadline, timeout_ms, &fd, why, cap)) != NET_OK)
		return rc;
	if ((c = calloc(1, sizeof *c)) == NULL) {
		close(fd);
		return NET_ENOMEM;
	}
	c->fd = fd;
	if (tls != NULL && (rc = tls_handshake(c, tls, name != NULL ? name : host, deadline, why,
	                                       cap)) != NET_OK) {
		net_client_close(c);
		return rc;
	}
	*out = c;
	return NET_OK;
}

static int send_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EPIPE || errno == ECONNRESET ? NET_ECLOSED : NET_EIO;
		p += n;
		len -= (size_t)n;
	}
	return NET_OK;
}

static int tls_send(net_client *c, const uint8_t *p, size_t len)
{
	int n, rc;

	while ((n = SSL_write(c->ssl, p, (int)len)) <= 0)
		if ((rc = tls_wait(c, n, 0)) != NET_OK) {
			ERR_clear_error();
			return rc == NET_ETLS ? NET_EIO : rc;
		}
	return NET_OK;
}

int net_client_send(net_client *c, const uint8_t *msg, size_t len)
{
	uint8_t frame[NET_FRAME_HEADER + NET_MAX_FRAME];
	int rc;

	/* One send for the whole frame: a header sent alone is a segment of its own, and the
	 * message then waits for its ACK. */
	if ((rc = net_frame_header(len, frame)) != NET_OK)
		return rc;
	memcpy(frame + NET_FRAME_HEADER, msg, len);
	rc = c->ssl != NULL ? tls_send(c, frame, NET_FRAME_HEADER + len)
	                    : send_all(c->fd, frame, NET_FRAME_HEADER + len);
	crypto_wipe(frame, NET_FRAME_HEADER + len); /* card data, PIN blocks */
	return rc;
}

/* recv_all() through c's SSL: a read first (it may hold a record already), a wait when it
 * asks for one. */
static int tls_recv(net_client *c, uint8_t *p, size_t len, long long deadline)
{
	while (len > 0) {
		int n = SSL_read(c->ssl, p, (int)len), rc;

		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if ((rc = tls_wait(c, n, deadline)) != NET_OK) {
			ERR_clear_error();
			return rc == NET_ETLS ? NET_EIO : rc;
		}
	}
	return NET_OK;
}

/* Reads len bytes by deadline. ready: the bytes are likely there already (a frame's body
 * after its header), so a read is tried before waiting, which saves a poll a frame. */
static int recv_all(net_client *c, uint8_t *p, size_t len, long long deadline, bool ready)
{
	int fd = c->fd;

	if (c->ssl != NULL)
		return tls_recv(c, p, len, deadline);
	while (len > 0) {
		ssize_t n;
		int rc;

		if (!ready && (rc = wait_fd(fd, POLLIN, deadline)) != NET_OK)
			return rc;
		n = recv(fd, p, len, ready ? MSG_DONTWAIT : 0);
		ready = false;
		if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (n < 0)
			return errno == ECONNRESET ? NET_ECLOSED : NET_EIO;
		if (n == 0)
			return NET_ECLOSED;
		p += n;
		len -= (size_t)n;
	}
	return NET_OK;
}

int net_client_recv(net_client *c, uint8_t *buf, size_t cap, size_t *len, int timeout_ms)
{
	long long deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	uint8_t hdr[NET_FRAME_HEADER];
	size_t n;
	int rc;

	if ((rc = recv_all(c, hdr, sizeof hdr, deadline, false)) != NET_OK)
		return rc;
	if ((rc = net_frame_length(hdr, NET_MAX_FRAME, &n)) != NET_OK)
		return rc;
	if (n > cap)
		return NET_ESPACE;
	if ((rc = recv_all(c, buf, n, deadline, true)) != NET_OK)
		return rc;
	*len = n;
	return NET_OK;
}

void net_client_close(net_client *c)
{
	if (c == NULL)
		return;
	SSL_free(c->ssl);
	crypto_wipe(&c->tc, sizeof c->tc);
	close(c->fd);
	free(c);
}
