/* test_net.c — the link server and client together in one process: the server's loop runs
 * in a thread, the test drives clients from the main thread. Framing (split and coalesced
 * frames), replies in request order when the handler completes them out of order, the
 * refusals (zero length, oversize frame: the connection closes), idle timeout, the limit on
 * connections, back-pressure per connection, dropped requests, a reply to a request whose
 * connection has gone, and a graceful stop that answers what is in flight.
 *
 * The handler's behaviour is chosen by the first byte of each message:
 *   E  echo it back          D  drop it (connection stays)   C  drop it and close
 *   H  hold it               R  release the held ones, newest first, then answer "R<n>"
 *                               with n the number released
 *   P  answer "P1" once every held request's connection has gone, else "P0"
 *   Z  reply to the held requests (their connections gone) and answer "Z<rc>" with
 *      net_reply()'s code for the last, as a digit of its absolute value
 *   Q  answer "Q" and the client certificate's CN and fingerprint ("CN:HEX"), or "Q-"
 *
 * TLS: a small CA made by tests/lib.sh's tls_test_pki (the openssl command) once for the
 * group, and another CA whose certificates the first does not trust.
 * The handler runs on the loop's thread, where cmocka cannot fail a test: it checks with
 * assert(), which aborts the whole test program. */
#include "testutil.h"

#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/net.h"

#define MAX_HELD 16
#define WAIT_MS  10000 /* a generous bound on answers that must come */

enum command { CMD_NONE, CMD_STOP, CMD_RELEASE, CMD_CLOSE };

struct fixture {
	uv_loop_t loop;
	uv_async_t async;
	net_server *s;
	pthread_t thread;
	int port;
	char addr[32];
	_Atomic int command;
	_Atomic int acked;
	_Atomic int held_count;
	_Atomic int stopped;
	_Atomic int refused; /* TLS handshakes refused, with the last why */
	char refused_why[160];
	/* loop thread only */
	net_request *held[MAX_HELD];
	uint8_t held_msg[MAX_HELD][64];
	size_t held_len[MAX_HELD];
	int nheld;
};

/* A millisecond's wait in the loops that poll for what the server thread has done. */
static void pause_ms(void)
{
	nanosleep(&(struct timespec){0, 1000000}, NULL);
}

/* Replies to the held requests, newest first. A reply may let the server read the next
 * request, which the handler then holds: the list is emptied before. */
static int release_held(struct fixture *fx)
{
	net_request *held[MAX_HELD];
	uint8_t msg[MAX_HELD][64];
	size_t len[MAX_HELD];
	int n = fx->nheld, rc = NET_OK;

	memcpy(held, fx->held, sizeof held);
	memcpy(msg, fx->held_msg, sizeof msg);
	memcpy(len, fx->held_len, sizeof len);
	fx->nheld = 0;
	atomic_store(&fx->held_count, 0);
	for (int i = n - 1; i >= 0; i--)
		rc = net_reply(held[i], msg[i], len[i]);
	return rc;
}

static void handler(void *ctx, net_request *req, const uint8_t *msg, size_t len)
{
	struct fixture *fx = ctx;
	char answer[16];
	int all_gone = 1, rc;

	switch (msg[0]) {
	case 'E':
		rc = net_reply(req, msg, len);
		assert(rc == NET_OK);
		break;
	case 'D':
		net_drop(req, 0);
		break;
	case 'C':
		net_drop(req, 1);
		break;
	case 'H':
		assert(fx->nheld < MAX_HELD && len <= sizeof fx->held_msg[0]);
		memcpy(fx->held_msg[fx->nheld], msg, len);
		fx->held_len[fx->nheld] = len;
		fx->held[fx->nheld++] = req;
		atomic_store(&fx->held_count, fx->nheld);
		break;
	case 'R':
		snprintf(answer, sizeof answer, "R%d", fx->nheld);
		release_held(fx);
		net_reply(req, (const uint8_t *)answer, strlen(answer));
		break;
	case 'P':
		for (int i = 0; i < fx->nheld; i++)
			if (strcmp(net_request_peer(fx->held[i]), "-") != 0)
				all_gone = 0;
		net_reply(req, (const uint8_t *)(all_gone ? "P1" : "P0"), 2);
		break;
	case 'Q': {
		const struct net_peer_cert *pc = net_request_peer_cert(req);
		char q[140] = "Q-";

		if (pc != NULL)
			snprintf(q, sizeof q, "Q%s:%s", pc->cn, pc->sha256);
		net_reply(req, (const uint8_t *)q, strlen(q));
		break;
	}
	case 'Z':
		rc = release_held(fx);
		snprintf(answer, sizeof answer, "Z%d", -rc);
		net_reply(req, (const uint8_t *)answer, strlen(answer));
		break;
	default:
		assert(!"unexpected message");
	}
}

static void on_stopped(net_server *s, void *arg)
{
	struct fixture *fx = arg;

	(void)s;
	atomic_store(&fx->stopped, 1);
}

static void on_async_closed(uv_handle_t *h)
{
	(void)h;
}

static void on_command(uv_async_t *a)
{
	struct fixture *fx = a->data;

	switch (atomic_exchange(&fx->command, CMD_NONE)) {
	case CMD_STOP:
		net_server_stop(fx->s, on_stopped, fx);
		break;
	case CMD_RELEASE:
		release_held(fx);
		break;
	case CMD_CLOSE:
		release_held(fx);
		net_server_close(fx->s);
		uv_close((uv_handle_t *)&fx->async, on_async_closed);
		break;
	default:
		break;
	}
	atomic_store(&fx->acked, 1);
}

/* Runs a command on the loop's thread and waits until it has. */
static void command(struct fixture *fx, enum command cmd)
{
	atomic_store(&fx->acked, 0);
	atomic_store(&fx->command, cmd);
	uv_async_send(&fx->async);
	while (!atomic_load(&fx->acked))
		pause_ms();
}

static void *run_loop(void *arg)
{
	struct fixture *fx = arg;

	uv_run(&fx->loop, UV_RUN_DEFAULT);
	return NULL;
}

static void on_refused(void *ctx, const char *peer, const char *why)
{
	struct fixture *fx = ctx;

	assert(strchr(peer, ':') != NULL);
	snprintf(fx->refused_why, sizeof fx->refused_why, "%s", why);
	atomic_fetch_add(&fx->refused, 1);
}

static struct fixture *start(const struct net_server_config *cfg)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	struct net_server_config c = *cfg;

	assert_non_null(fx);
	assert_int_equal(uv_loop_init(&fx->loop), 0);
	assert_int_equal(uv_async_init(&fx->loop, &fx->async, on_command), 0);
	fx->async.data = fx;
	c.tls_refused = on_refused;
	c.tls_refused_ctx = fx;
	assert_int_equal(net_server_create(&fx->loop, &c, handler, fx, &fx->s), NET_OK);
	fx->port = net_server_port(fx->s);
	assert_true(fx->port > 0);
	snprintf(fx->addr, sizeof fx->addr, "127.0.0.1:%d", fx->port);
	assert_int_equal(pthread_create(&fx->thread, NULL, run_loop, fx), 0);
	return fx;
}

static void finish(struct fixture *fx)
{
	command(fx, CMD_CLOSE);
	assert_int_equal(pthread_join(fx->thread, NULL), 0);
	assert_int_equal(uv_loop_close(&fx->loop), 0);
	free(fx);
}

static net_client *connect_to(struct fixture *fx)
{
	net_client *c = NULL;

	assert_int_equal(net_client_connect(fx->addr, WAIT_MS, &c), NET_OK);
	return c;
}

static void send_text(net_client *c, const char *text)
{
	assert_int_equal(net_client_send(c, (const uint8_t *)text, strlen(text)), NET_OK);
}

static void expect_text(net_client *c, const char *text)
{
	uint8_t buf[256];
	size_t len;

	assert_int_equal(net_client_recv(c, buf, sizeof buf - 1, &len, WAIT_MS), NET_OK);
	buf[len] = '\0';
	assert_string_equal((char *)buf, text);
}

static void expect_closed(net_client *c)
{
	uint8_t buf[256];
	size_t len;

	assert_int_equal(net_client_recv(c, buf, sizeof buf, &len, WAIT_MS), NET_ECLOSED);
}

/* A plain socket, to send what net_client refuses to. */
static int raw_connect(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	return fd;
}

static void raw_send(int fd, const void *p, size_t len)
{
	assert_int_equal(send(fd, p, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* Reads until the server closes; gives what came. */
static size_t raw_read_to_close(int fd, uint8_t *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;

	while ((n = recv(fd, buf + got, cap - got, 0)) > 0)
		got += (size_t)n;
	return got;
}

/* ---- framing ---- */

static void frame_header_and_length(void **state)
{
	uint8_t hdr[2];
	size_t len;

	(void)state;
	assert_int_equal(net_frame_header(0x1234, hdr), NET_OK);
	assert_memory_equal(hdr, HEX("1234"), 2);
	assert_int_equal(net_frame_length(hdr, 8192, &len), NET_OK);
	assert_int_equal(len, 0x1234);
	assert_int_equal(net_frame_length(hdr, 0x1233, &len), NET_EFRAME);
	assert_int_equal(net_frame_length(HEX("0000"), 8192, &len), NET_EFRAME);
	assert_int_equal(net_frame_header(0, hdr), NET_EFRAME);
	assert_int_equal(net_frame_header(NET_MAX_FRAME + 1, hdr), NET_EFRAME);
	assert_int_equal(net_frame_header(NET_MAX_FRAME, hdr), NET_OK);
	assert_memory_equal(hdr, HEX("FFFF"), 2);
}

static void echo_and_framing(void **state)
{
	struct net_server_config cfg = {.host = "127.0.0.1"};
	struct fixture *fx = start(&cfg);
	net_client *c = connect_to(fx);
	static const char split[] = "\x00\x03"
	                            "E34";
	uint8_t big[8192];
	uint8_t buf[8192];
	size_t len;
	int fd;

	(void)state;
	send_text(c, "Ehello");
	expect_text(c, "Ehello");
	/* The largest frame allowed by default. */
	memset(big, 'E', sizeof big);
	assert_int_equal(net_client_send(c, big, sizeof big), NET_OK);
	assert_int_equal(net_client_recv(c, buf, sizeof buf, &len, WAIT_MS), NET_OK);
	assert_int_equal(len, sizeof big);
	/* An answer larger than the buffer given. */
	send_text(c, "Etoo long for four");
	assert_int_equal(net_client_recv(c, buf, 4, &len, WAIT_MS), NET_ESPACE);
	net_client_close(c);

	/* Two frames in one write, then one frame a byte at a time. */
	fd = raw_connect(fx->port);
	raw_send(fd,
	         "\x00\x02"
	         "E1"
	         "\x00\x02"
	         "E2",
	         8);
	for (size_t i = 0; i < sizeof split - 1; i++)
		raw_send(fd, &split[i], 1);
	shutdown(fd, SHUT_WR);
	/* The server closes on the end of input, maybe before answering: what came is a
	 * prefix of the three answers in order. */
	len = raw_read_to_close(fd, buf, sizeof buf);
	assert_true(len <= 13);
	assert_memory_equal(buf,
	                    "\x00\x02"
	                    "E1"
	                    "\x00\x02"
	                    "E2"
	                    "\x00\x03"
	                    "E34",
	                    len);
	close(fd);
	finish(fx);
}

static void bad_frames_close(void **state)
{
	struct net_server_config cfg = {.host = "127.0.0.1", .max_message = 100};
	struct fixture *fx = start(&cfg);
	uint8_t frame[2 + 101], buf[16];
	net_client *c;
	int fd;

	(void)state;
	/* Zero length. */
	fd = raw_connect(fx->port);
	raw_send(fd, "\x00\x00", 2);
	assert_int_equal(raw_read_to_close(fd, buf, sizeof buf), 0);
	close(fd);
	/* One over max_message. */
	fd = raw_connect(fx->port);
	net_frame_header(101, frame);
	memset(frame + 2, 'E', 101);
	raw_send(fd, frame, sizeof frame);
	assert_int_equal(raw_read_to_close(fd, buf, sizeof buf), 0);
	close(fd);
	/* Exactly max_message is fine, and the server still answers. */
	c = connect_to(fx);
	assert_int_equal(net_client_send(c, frame + 2, 100), NET_OK);
	assert_int_equal(net_client_recv(c, frame, sizeof frame, &(size_t){0}, WAIT_MS), NET_OK);
	net_client_close(c);
	finish(fx);
}

/* ---- replies ---- */

static void replies_in_request_order(void **state)
{
	struct net_server_config cfg = {.host = "127.0.0.1"};
	struct fixture *fx = start(&cfg);
	net_client *c = connect_to(fx);

	(void)state;
	send_text(c, "H1");
	send_text(c, "H2");
	send_text(c, "H3");
	/* R releases them newest first; they still come back in the order asked. */
	send_text(c, "R");
	expect_text(c, "H1");
	expect_text(c, "H2");
	expect_text(c, "H3");
	expect_text(c, "R3");
	net_client_close(c);
	finish(fx);
}

static void dropped_requests(void **state)
{
	struct net_server_config cfg = {.host = "127.0.0.1"};
	struct fixture *fx = start(&cfg);
	net_client *c = connect_to(fx);

	(void)state;
	/* A dropped request has no answer; the one after it has its own. */
	send_text(c, "D");
	send_text(c, "Eafter");
	expect_text(c, "Eafter");
	/* Dropped with close: the answers before it go out, then the connection closes. */
	send_text(c, "H1");
	send_text(c, "C");
	while (atomic_load(&fx->held_count) != 1)
		pause_ms();
	command(fx, CMD_RELEASE);
	expect_text(c, "H1");
	expect_closed(c);
	net_client_close(c);
	finish(fx);
}

static void reply_after_peer_closed(void **state)
{
	struct net_server_config cfg = {.host = "127.0.0.1"};
	struct fixture *fx = start(&cfg);
	net_client *c1 = connect_to(fx), *c2 = connect_to(fx);
	uint8_t buf[16];
	size_t len;
	int tries;

	(void)state;
	send_text(c1, "Hgone");
	while (atomic_load(&fx->held_count) != 1)
		pause_ms();
	net_client_close(c1);
	/* Wait until the server has seen the close, asking on the other connection. */
	for (tries = 0; tries < 5000; tries++) {
		send_text(c2, "P");
		assert_int_equal(net_client_recv(c2, buf, sizeof buf, &len, WAIT_MS), NET_OK);
		if (len == 2 && buf[1] == '1')
			break;
		pause_ms();
	}
	assert_true(tries < 5000);
	/* The reply to the orphaned request is discarded: NET_ECLOSED, nothing else. */
	send_text(c2, "Z");
	expect_text(c2, "Z7");
	send_text(c2, "Estill here");
	expect_text(c2, "Estill here");
	net_client_close(c2);
	finish(fx);
}

/* ---- limits ---- */

static void idle_timeout_closes(void **state)
{
	struct net_server_config cfg = {.host = "127.0.0.1", .idle_timeout_ms = 50};
	struct fixture *fx = start(&cfg);
	net_client *c = connect_to(fx);

	(void)state;
	send_text(c, "Ebefore");
	expect_text(c, "Ebefore");
	expect_closed(c);
	net_client_close(c);
	finish(fx);
}

static void max_connections(void **state)
{
	struct net_server_config cfg = {.host = "127.0.0.1", .max_connections = 2};
	struct fixture *fx = start(&cfg);
	net_client *c1 = connect_to(fx), *c2 = connect_to(fx), *c3;
	int tries;

	(void)state;
	send_text(c1, "E1");
	expect_text(c1, "E1");
	send_text(c2, "E2");
	expect_text(c2, "E2");
	/* The third is accepted by the system and closed at once by the server. */
	c3 = connect_to(fx);
	expect_closed(c3);
	net_client_close(c3);
	/* Once one leaves, there is room again (after the server has seen it leave). */
	net_client_close(c1);
	for (tries = 0; tries < 5000; tries++) {
		uint8_t buf[8];
		size_t len;
		c3 = connect_to(fx);
		send_text(c3, "E3");
		if (net_client_recv(c3, buf, sizeof buf, &len, WAIT_MS) == NET_OK)
			break;
		net_client_close(c3);
		pause_ms();
	}
	assert_true(tries < 5000);
	net_client_close(c3);
	net_client_close(c2);
	finish(fx);
}

/* At max_connections, a new connection takes the place of the oldest that has sent no whole
 * message; one that has is kept. */
static void max_connections_evicts_silent(void **state)
{
	struct net_server_config cfg = {.host = "127.0.0.1", .max_connections = 2};
	struct fixture *fx = start(&cfg);
	net_client *c1 = connect_to(fx), *c2, *c3;

	(void)state;
	send_text(c1, "E1");
	expect_text(c1, "E1");
	c2 = connect_to(fx);
	c3 = connect_to(fx);
	send_text(c3, "E3");
	expect_text(c3, "E3");
	expect_closed(c2);
	send_text(c1, "E4");
	expect_text(c1, "E4");
	net_client_close(c3);
	net_client_close(c2);
	net_client_close(c1);
	finish(fx);
}

static void back_pressure(void **state)
{
	struct net_server_config cfg = {.host = "127.0.0.1", .max_pending_per_connection = 2};
	struct fixture *fx = start(&cfg);
	net_client *c = connect_to(fx), *other = connect_to(fx);

	(void)state;
	/* Two held requests fill the connection's queue: the third waits unread. */
	send_text(c, "H1");
	send_text(c, "H2");
	send_text(c, "H3");
	while (atomic_load(&fx->held_count) != 2)
		pause_ms();
	send_text(other, "R");
	expect_text(other, "R2");
	expect_text(c, "H1");
	expect_text(c, "H2");
	/* Answers drained: H3 is read and held in its turn. */
	while (atomic_load(&fx->held_count) != 1)
		pause_ms();
	send_text(other, "R");
	expect_text(other, "R1");
	expect_text(c, "H3");
	net_client_close(c);
	net_client_close(other);
	finish(fx);
}

/* ---- stop ---- */

static void graceful_stop(void **state)
{
	struct net_server_config cfg = {.host = "127.0.0.1"};
	struct fixture *fx = start(&cfg);
	net_client *busy = connect_to(fx), *idle = connect_to(fx), *late = NULL;

	(void)state;
	send_text(idle, "Eidle");
	expect_text(idle, "Eidle");
	send_text(busy, "Hin flight");
	while (atomic_load(&fx->held_count) != 1)
		pause_ms();
	command(fx, CMD_STOP);
	/* An idle connection closes at once; new ones are refused. */
	expect_closed(idle);
	assert_int_equal(net_client_connect(fx->addr, WAIT_MS, &late), NET_ECONNECT);
	assert_false(atomic_load(&fx->stopped));
	/* The request in flight is answered, then its connection closes. */
	command(fx, CMD_RELEASE);
	expect_text(busy, "Hin flight");
	expect_closed(busy);
	while (!atomic_load(&fx->stopped))
		pause_ms();
	net_client_close(busy);
	net_client_close(idle);
	finish(fx);
}

/* ---- refusals ---- */

static void bad_arguments(void **state)
{
	struct net_server_config cfg = {.host = "not an address"};
	net_client *c = NULL;
	net_server *s = NULL;
	uv_loop_t loop;

	(void)state;
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(net_server_create(&loop, &cfg, handler, NULL, &s), NET_EARG);
	cfg = (struct net_server_config){.host = "127.0.0.1", .port = 70000};
	assert_int_equal(net_server_create(&loop, &cfg, handler, NULL, &s), NET_EARG);
	/* An address not on this machine. */
	cfg = (struct net_server_config){.host = "192.0.2.1"};
	assert_int_equal(net_server_create(&loop, &cfg, handler, NULL, &s), NET_EBIND);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);

	assert_int_equal(net_client_connect("no port", 1000, &c), NET_EARG);
	assert_int_equal(net_client_connect("127.0.0.1:", 1000, &c), NET_EARG);
	assert_int_equal(net_client_connect("127.0.0.1:x", 1000, &c), NET_EARG);
	assert_int_equal(net_client_connect("[::1:5", 1000, &c), NET_EARG);
	/* Port 1 on loopback: nothing listens there (it is privileged). */
	assert_int_equal(net_client_connect("127.0.0.1:1", 1000, &c), NET_ECONNECT);
	assert_string_equal(net_strerror(NET_ETIMEOUT), "timed out");
}

/* The client sends each frame whole, in one segment: a header sent on its own made the
 * message wait for the header's ACK, which the peer delays (up to 40 ms) — half of every
 * payment's time at the host. A plain listener sees each whole frame in one read. */
/* A client connected to a listening socket of the test's own: c, and the accepted end fd. */
static void client_pair(int *lfd, int *fd, net_client **c)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t alen = sizeof a;
	char addr[32];

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((*lfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(*lfd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(*lfd, 1), 0);
	assert_int_equal(getsockname(*lfd, (struct sockaddr *)&a, &alen), 0);
	snprintf(addr, sizeof addr, "127.0.0.1:%d", ntohs(a.sin_port));
	assert_int_equal(net_client_connect(addr, WAIT_MS, c), NET_OK);
	assert_true((*fd = accept(*lfd, NULL, NULL)) >= 0);
}

static void client_sends_whole_frames(void **state)
{
	const char msg[] = "a request of some length, as a terminal sends";
	uint8_t buf[256];
	net_client *c = NULL;
	int lfd, fd;

	(void)state;
	client_pair(&lfd, &fd, &c);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(net_client_send(c, (const uint8_t *)msg, sizeof msg - 1), NET_OK);
		assert_int_equal(recv(fd, buf, sizeof buf, 0),
		                 (ssize_t)(NET_FRAME_HEADER + sizeof msg - 1));
		assert_int_equal(buf[0] << 8 | buf[1], sizeof msg - 1);
		assert_memory_equal(buf + NET_FRAME_HEADER, msg, sizeof msg - 1);
	}
	net_client_close(c);
	close(fd);
	close(lfd);
}

/* The peer of client_receives_split_frames: a frame's header alone, its body in two parts 20
 * ms apart, then a whole frame, then a header whose body never comes. */
static void *send_in_pieces(void *arg)
{
	int fd = *(int *)arg;

	raw_send(fd, "\x00\x06", 2);
	for (int i = 0; i < 20; i++)
		pause_ms();
	raw_send(fd, "ans", 3);
	for (int i = 0; i < 20; i++)
		pause_ms();
	raw_send(fd,
	         "wer"
	         "\x00\x03"
	         "two"
	         "\x00\x05",
	         10);
	return NULL;
}

/* A reply's body is read at once when it came with its header, and waited for when it did
 * not: however the answer arrives, the client gives it whole, or times out. */
static void client_receives_split_frames(void **state)
{
	uint8_t buf[64];
	net_client *c = NULL;
	pthread_t peer;
	size_t len;
	int lfd, fd;

	(void)state;
	client_pair(&lfd, &fd, &c);
	assert_int_equal(pthread_create(&peer, NULL, send_in_pieces, &fd), 0);
	assert_int_equal(net_client_recv(c, buf, sizeof buf, &len, WAIT_MS), NET_OK);
	assert_int_equal(len, 6);
	assert_memory_equal(buf, "answer", 6);
	assert_int_equal(net_client_recv(c, buf, sizeof buf, &len, WAIT_MS), NET_OK);
	assert_int_equal(len, 3);
	assert_memory_equal(buf, "two", 3);
	assert_int_equal(net_client_recv(c, buf, sizeof buf, &len, 100), NET_ETIMEOUT);
	assert_int_equal(pthread_join(peer, NULL), 0);
	net_client_close(c);
	close(fd);
	close(lfd);
}

/* ---- TLS ---- */

static char pki[256], other[256]; /* the CAs' directories */

static void pki_path(char *out, size_t cap, const char *dir, const char *file)
{
	snprintf(out, cap, "%s/%s", dir, file);
}

/* A server's or a client's context of files in dir (NULL: none). */
static net_tls *tls_of(bool server, const char *dir, const char *cert, const char *ca,
                       const char *crl, const char *const *pins, size_t npins)
{
	char c[300], k[300], a[300], r[300], why[200];
	struct net_tls_config cfg = {.server = server, .pins = pins, .npins = npins};
	net_tls *t = NULL;

	if (cert != NULL) {
		snprintf(c, sizeof c, "%s/%s.crt", dir, cert);
		snprintf(k, sizeof k, "%s/%s.key", dir, cert);
		cfg.cert = c;
		cfg.key = k;
	}
	if (ca != NULL) {
		pki_path(a, sizeof a, ca, "ca.crt");
		cfg.ca = a;
	}
	if (crl != NULL) {
		pki_path(r, sizeof r, crl, "crl.pem");
		cfg.crl = r;
	}
	assert_int_equal(net_tls_create(&cfg, &t, why, sizeof why), NET_OK);
	return t;
}

/* Connects to fx over TLS with client (NULL: none), as name: the result, why in why. */
static int tls_connect(struct fixture *fx, net_tls *client, const char *name, net_client **c,
                       char *why, size_t cap)
{
	int rc = net_client_connect_tls(fx->addr, WAIT_MS, client, name, c, why, cap);

	if (rc != NET_OK)
		*c = NULL;
	return rc;
}

/* A TLS client of fx: connected, its Q answered with what the server saw of its certificate. */
static void expect_served(struct fixture *fx, net_tls *client, const char *q)
{
	char why[200];
	net_client *c;

	assert_int_equal(tls_connect(fx, client, NULL, &c, why, sizeof why), NET_OK);
	send_text(c, "Q");
	expect_text(c, q);
	send_text(c, "Etwice");
	expect_text(c, "Etwice");
	net_client_close(c);
}

/* A TLS client fx refuses: its handshake fails with words containing want. */
static void expect_refused(struct fixture *fx, net_tls *client, const char *name, const char *want)
{
	char why[200];
	net_client *c;
	int rc = tls_connect(fx, client, name, &c, why, sizeof why);

	if (rc == NET_OK) {
		/* TLS 1.2, or a refusal past the wait: the first answer never comes. */
		printf("refused after the handshake (%s expected)\n", want);
		send_text(c, "Eno");
		assert_int_not_equal(net_client_recv(c, (uint8_t[8]){0}, 8, &(size_t){0}, WAIT_MS),
		                     NET_OK);
		net_client_close(c);
		return;
	}
	printf("refused, as expected: %s\n", why);
	assert_int_equal(rc, NET_ETLS);
	if (strstr(why, want) == NULL)
		fail_msg("refused with '%s', expected '%s'", why, want);
}

static void tls_handshake_and_checks(void **state)
{
	net_tls *srv = tls_of(true, pki, "host", NULL, NULL, NULL, 0);
	net_tls *cli = tls_of(false, pki, NULL, pki, NULL, NULL, 0);
	net_tls *wrong = tls_of(false, pki, NULL, other, NULL, NULL, 0);
	struct fixture *fx = start(&(struct net_server_config){.host = "127.0.0.1", .tls = srv});
	char why[200];
	net_client *c;

	(void)state;
	expect_served(fx, cli, "Q-"); /* the address checked against IP:127.0.0.1 */
	assert_int_equal(tls_connect(fx, cli, "localhost", &c, why, sizeof why), NET_OK);
	net_client_close(c);
	expect_refused(fx, wrong, NULL, "certificate not trusted");
	expect_refused(fx, cli, "pos.example.com", "name mismatch");
	/* A clear client on the TLS port is served nothing: no echo, the connection closed. */
	{
		uint8_t buf[256];
		int fd = raw_connect(fx->port);
		size_t got;

		raw_send(fd,
		         "\x00\x05"
		         "Eecho",
		         7);
		got = raw_read_to_close(fd, buf, sizeof buf);
		for (size_t i = 0; i + 5 <= got; i++)
			assert_memory_not_equal(buf + i, "Eecho", 5);
		close(fd);
		while (atomic_load(&fx->refused) < 3)
			pause_ms();
		assert_non_null(strstr(fx->refused_why, "not TLS"));
	}
	finish(fx);
	net_tls_close(srv);
	net_tls_close(cli);
	net_tls_close(wrong);
}

static void tls_mutual(void **state)
{
	net_tls *srv = tls_of(true, pki, "host", pki, pki, NULL, 0);
	net_tls *none = tls_of(false, pki, NULL, pki, NULL, NULL, 0);
	net_tls *sn1 = tls_of(false, pki, "SN0001", pki, NULL, NULL, 0);
	net_tls *revoked = tls_of(false, pki, "SN0002", pki, NULL, NULL, 0);
	net_tls *stranger = tls_of(false, other, "SN0001", pki, NULL, NULL, 0);
	struct fixture *fx = start(&(struct net_server_config){.host = "127.0.0.1", .tls = srv});
	char q[100];

	(void)state;
	snprintf(q, sizeof q, "QSN0001:%s", getenv("SN0001_FP"));
	expect_served(fx, sn1, q);
	expect_refused(fx, none, NULL, "requires a client certificate");
	expect_refused(fx, revoked, NULL, "revoked");
	expect_refused(fx, stranger, NULL, "not issued by a CA it trusts");
	while (atomic_load(&fx->refused) < 3)
		pause_ms();
	printf("mutual TLS: served SN0001; refused no certificate, revoked, another CA's (%d "
	       "refusals, the last: %s)\n",
	       atomic_load(&fx->refused), fx->refused_why);
	finish(fx);
	net_tls_close(srv);
	net_tls_close(none);
	net_tls_close(sn1);
	net_tls_close(revoked);
	net_tls_close(stranger);
}

/* The link's pinning: a certificate whose fingerprint is listed is served whoever issued it;
 * another, even from the same CA, is refused. */
static void tls_pinned(void **state)
{
	char pin[80];
	const char *pins[] = {pin};
	net_tls *srv, *sn1, *sn2, *none;
	struct fixture *fx;
	char q[100];

	(void)state;
	snprintf(pin, sizeof pin, "sha256:%s", getenv("OTHER_FP"));
	srv = tls_of(true, pki, "host", NULL, NULL, pins, 1);
	sn1 = tls_of(false, other, "SN0001", pki, NULL, NULL, 0);
	sn2 = tls_of(false, pki, "SN0001", pki, NULL, NULL, 0);
	none = tls_of(false, pki, NULL, pki, NULL, NULL, 0);
	fx = start(&(struct net_server_config){.host = "127.0.0.1", .tls = srv});
	snprintf(q, sizeof q, "QSN0001:%s", getenv("OTHER_FP"));
	expect_served(fx, sn1, q);
	expect_refused(fx, sn2, NULL, "refused this terminal's certificate");
	while (atomic_load(&fx->refused) < 1)
		pause_ms();
	assert_non_null(strstr(fx->refused_why, "not pinned"));
	expect_refused(fx, none, NULL, "requires a client certificate");
	finish(fx);
	net_tls_close(srv);
	net_tls_close(sn1);
	net_tls_close(sn2);
	net_tls_close(none);
}

/* A connection that never finishes its handshake is closed at the message deadline, not left
 * to the idle timeout; the per-address limit holds before any TLS. */
static void tls_handshake_deadline(void **state)
{
	net_tls *srv = tls_of(true, pki, "host", NULL, NULL, NULL, 0);
	struct fixture *fx = start(&(struct net_server_config){.host = "127.0.0.1",
	                                                       .tls = srv,
	                                                       .idle_timeout_ms = 60000,
	                                                       .message_timeout_ms = 200,
	                                                       .max_per_address = 2});
	struct timespec t0, t1;
	uint8_t buf[64];
	int fd, a, b, c;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = raw_connect(fx->port);
	raw_send(fd, "\x16\x03\x01", 3); /* a ClientHello begun */
	raw_read_to_close(fd, buf, sizeof buf);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	close(fd);
	a = raw_connect(fx->port);
	b = raw_connect(fx->port);
	c = raw_connect(fx->port); /* the third from one address: closed at once */
	assert_int_equal(raw_read_to_close(c, buf, sizeof buf), 0);
	close(a);
	close(b);
	close(c);
	finish(fx);
	net_tls_close(srv);
}

static void tls_bad_files_and_pins(void **state)
{
	char out[65], why[200], cert[300];
	struct net_tls_config cfg = {.server = true, .cert = "/nonexistent.crt", .key = "/x.key"};
	net_tls *t = NULL;

	(void)state;
	assert_int_equal(net_tls_pin_parse("sha256:"
	                                   "AB:cd"
	                                   "00112233445566778899aabbccddeeff"
	                                   "00112233445566778899aabbccdd",
	                                   out),
	                 NET_OK);
	assert_string_equal(out,
	                    "abcd00112233445566778899aabbccddeeff00112233445566778899aabbccdd");
	assert_int_equal(net_tls_pin_parse("sha1:ab", out), NET_EARG);
	assert_int_equal(net_tls_pin_parse("sha256:abc", out), NET_EARG);
	assert_int_equal(net_tls_pin_parse("sha256:"
	                                   "zz112233445566778899aabbccddeeff00112233"
	                                   "445566778899aabbccddeeff",
	                                   out),
	                 NET_EARG);
	assert_int_equal(net_tls_create(&cfg, &t, why, sizeof why), NET_ETLS);
	assert_non_null(strstr(why, "/nonexistent.crt"));
	cfg.key = NULL;
	assert_int_equal(net_tls_create(&cfg, &t, why, sizeof why), NET_EARG);
	pki_path(cert, sizeof cert, pki, "host.crt");
	cfg.cert = cert;
	cfg.key = cert; /* a certificate is no key */
	assert_int_equal(net_tls_create(&cfg, &t, why, sizeof why), NET_ETLS);
	assert_non_null(strstr(why, "cannot use the key"));
	assert_null(t);
}

/* The leaf's SHA-256 fingerprint as net.h gives it, by the openssl command, into env name. */
static void fingerprint_env(const char *name, const char *dir, const char *leaf)
{
	char cmd[600], fp[128] = "", hex[65];
	size_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof cmd, "openssl x509 -noout -fingerprint -sha256 -in %s/%s.crt", dir,
	         leaf);
	assert_non_null(p = popen(cmd, "r"));
	assert_non_null(fgets(fp, sizeof fp, p));
	pclose(p);
	for (const char *c = strchr(fp, '=') + 1; *c != '\0' && n < 64; c++)
		if (*c != ':' && *c != '\n')
			hex[n++] = (char)tolower((unsigned char)*c);
	hex[n] = '\0';
	setenv(name, hex, 1);
}

/* The two CAs, by tests/lib.sh (POSSUM_SOURCE: set by ctest). */
static int make_pki(void **state)
{
	const char *src = getenv("POSSUM_SOURCE");
	char cmd[1200], base[] = "/tmp/test_net_tlsXXXXXX";

	(void)state;
	if (src == NULL || mkdtemp(base) == NULL)
		return -1;
	snprintf(pki, sizeof pki, "%s/pki", base);
	snprintf(other, sizeof other, "%s/other", base);
	snprintf(cmd, sizeof cmd,
	         "sh -c '. %s/tests/lib.sh && tls_test_pki %s SN0001 SN0002 && "
	         "tls_test_revoke %s SN0002 && tls_test_pki %s SN0001'",
	         src, pki, pki, other);
	if (system(cmd) != 0)
		return -1;
	fingerprint_env("SN0001_FP", pki, "SN0001");
	fingerprint_env("OTHER_FP", other, "SN0001");
	return 0;
}

static int remove_pki(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %.250s", pki);
	*strrchr(cmd, '/') = '\0'; /* the base directory */
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(client_sends_whole_frames),
	    cmocka_unit_test(client_receives_split_frames),
	    cmocka_unit_test(frame_header_and_length),
	    cmocka_unit_test(echo_and_framing),
	    cmocka_unit_test(bad_frames_close),
	    cmocka_unit_test(replies_in_request_order),
	    cmocka_unit_test(dropped_requests),
	    cmocka_unit_test(reply_after_peer_closed),
	    cmocka_unit_test(idle_timeout_closes),
	    cmocka_unit_test(max_connections),
	    cmocka_unit_test(max_connections_evicts_silent),
	    cmocka_unit_test(back_pressure),
	    cmocka_unit_test(graceful_stop),
	    cmocka_unit_test(bad_arguments),
	    cmocka_unit_test(tls_handshake_and_checks),
	    cmocka_unit_test(tls_mutual),
	    cmocka_unit_test(tls_pinned),
	    cmocka_unit_test(tls_bad_files_and_pins),
	    cmocka_unit_test(tls_handshake_deadline),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, make_pki, remove_pki);
}
