/* test_outlink.c — the outgoing link (net/outlink.h) against a fake issuer on the same libuv
 * loop: a raw TCP server in this file that reads iso87a frames, answers 0800s (sign-on, echo)
 * with its sign-on code, and answers 0200s at once or holds them to answer later, in any order,
 * or never; it can also send an answer nobody asked for, stop (its connections closed and the
 * port not listened on) and start again on the same port. The TLS tests use net's own server
 * (net/net.h) with net/link.h's session as the issuer, its certificate from tests/lib.sh's
 * tls_test_pki (the openssl command), and a second CA the link does not trust.
 *
 * Each test prints what it tried and what held. Every test closes the link and the fake and
 * runs the loop until uv_loop_close() succeeds: nothing is left open (and the sanitizers'
 * build finds no leak). */
#include "testutil.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include "iso8583/iso8583.h"
#include "net/link.h"
#include "net/outlink.h"

#define FAKE_CONNS 8
#define FAKE_HELD  64
#define WAIT_MS    5000

struct fake_conn {
	uv_tcp_t tcp;
	struct fake *f;
	bool open;
	uint8_t buf[NET_FRAME_HEADER + NET_MAX_FRAME];
	size_t len;
	unsigned requests; /* 0200s read */
};

struct fake {
	uv_loop_t *loop;
	uv_tcp_t listener;
	bool listening;
	int port;
	const iso8583_profile *p;
	struct fake_conn conn[FAKE_CONNS];
	unsigned accepted, signons, echoes;
	char institution[12]; /* field 33 of the last 0800 */
	const char *signon_rc;
	bool echo_silent; /* echoes read, not answered */
	int mac;          /* 1: requests' MACs checked (counted in macs_ok), answers MACed; 2: MACed
	                     wrong */
	unsigned macs_ok;
	bool hold;
	uint8_t held[FAKE_HELD][512];
	size_t held_len[FAKE_HELD];
	struct fake_conn *held_on[FAKE_HELD];
	unsigned nheld;
};

/* ---- the fake issuer ---- */

/* The tests' MAC: each byte of data folded into 8 by XOR, its length added (any function
 * of the bytes serves: the engine only places and compares it). */
static int toy_mac(void *ctx, const uint8_t *data, size_t len, uint8_t out[8])
{
	(void)ctx;
	memset(out, 0, 8);
	for (size_t i = 0; i < len; i++)
		out[i % 8] ^= data[i];
	out[0] ^= (uint8_t)len;
	return 0;
}

static void fake_write(struct fake_conn *fc, const iso8583_msg *m)
{
	uint8_t out[1024];
	size_t len;
	uv_buf_t buf;

	assert_int_equal(iso8583_pack(fc->f->p, m, out + 2, sizeof out - 2, &len, NULL),
	                 ISO8583_OK);
	if (fc->f->mac != 0 && iso8583_has(m, 64)) { /* 64 last: its 8 raw bytes */
		toy_mac(NULL, out + 2, len - 8, out + 2 + len - 8);
		out[2 + len - 1] ^= (uint8_t)(fc->f->mac == 2);
	}
	net_frame_header(len, out);
	buf = uv_buf_init((char *)out, (unsigned)len + 2);
	/* Small frames on loopback: written whole at once. */
	assert_int_equal(uv_try_write((uv_stream_t *)&fc->tcp, &buf, 1), (int)len + 2);
}

/* Answers the request m on fc: MTI+10, the echoed fields, 39 = rc, 38 for an approval. */
static void fake_answer_msg(struct fake_conn *fc, const iso8583_msg *m, const char *rc)
{
	iso8583_msg resp;

	assert_int_equal(net_link_respond(fc->f->p, m, rc, &resp), ISO8583_OK);
	if (strcmp(m->mti, "0200") == 0)
		iso8583_set_str(&resp, 38, "A1B2C3");
	/* As many issuers do: their own institution in 32, which the 0800s sent lack. */
	if (strcmp(m->mti, "0800") == 0)
		iso8583_set_str(&resp, 32, "99990001");
	if (fc->f->mac != 0 && strcmp(m->mti, "0800") != 0)
		iso8583_set(&resp, 64, "\0\0\0\0\0\0\0\0", 8);
	fake_write(fc, &resp);
}

static void fake_frame(struct fake_conn *fc, const uint8_t *msg, size_t len)
{
	struct fake *f = fc->f;
	char code[4] = "";
	iso8583_msg m;

	assert_int_equal(iso8583_unpack(f->p, msg, len, &m, NULL), ISO8583_OK);
	if (strcmp(m.mti, "0800") == 0) {
		iso8583_get(&m, 70, code, sizeof code, NULL);
		f->institution[0] = '\0';
		iso8583_get(&m, 33, f->institution, sizeof f->institution, NULL);
		if (strcmp(code, "301") == 0)
			f->echoes++;
		else
			f->signons++;
		if (strcmp(code, "301") == 0 && f->echo_silent)
			return;
		fake_answer_msg(fc, &m, strcmp(code, "001") == 0 ? f->signon_rc : "00");
		return;
	}
	fc->requests++;
	if (f->mac != 0) {
		uint8_t want[8], got[9];

		assert_true(iso8583_has(&m, 64));
		assert_int_equal(iso8583_get(&m, 64, got, sizeof got, NULL), ISO8583_OK);
		toy_mac(NULL, msg, len - 8, want);
		f->macs_ok += memcmp(got, want, 8) == 0;
	}
	if (!f->hold) {
		fake_answer_msg(fc, &m, "00");
		return;
	}
	assert_true(f->nheld < FAKE_HELD && len <= sizeof f->held[0]);
	memcpy(f->held[f->nheld], msg, len);
	f->held_on[f->nheld] = fc;
	f->held_len[f->nheld++] = len;
}

static void fake_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct fake_conn *fc = h->data;

	(void)suggested;
	*buf = uv_buf_init((char *)fc->buf + fc->len, (unsigned)(sizeof fc->buf - fc->len));
}

static void fake_closed(uv_handle_t *h)
{
	((struct fake_conn *)h->data)->open = false;
}

static void fake_close_conn(struct fake_conn *fc)
{
	if (fc->open && !uv_is_closing((uv_handle_t *)&fc->tcp))
		uv_close((uv_handle_t *)&fc->tcp, fake_closed);
}

static void fake_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct fake_conn *fc = s->data;
	size_t n;

	(void)buf;
	if (nread < 0) {
		fake_close_conn(fc);
		return;
	}
	fc->len += (size_t)nread;
	while (fc->len >= 2 && net_frame_length(fc->buf, NET_MAX_FRAME, &n) == NET_OK &&
	       fc->len >= 2 + n) {
		fake_frame(fc, fc->buf + 2, n);
		memmove(fc->buf, fc->buf + 2 + n, fc->len - 2 - n);
		fc->len -= 2 + n;
	}
}

static void fake_accept(uv_stream_t *server, int status)
{
	struct fake *f = server->data;
	struct fake_conn *fc = NULL;

	assert_int_equal(status, 0);
	for (int i = 0; i < FAKE_CONNS && fc == NULL; i++)
		if (!f->conn[i].open)
			fc = &f->conn[i];
	assert_non_null(fc);
	memset(fc, 0, sizeof *fc);
	fc->f = f;
	fc->open = true;
	uv_tcp_init(f->loop, &fc->tcp);
	fc->tcp.data = fc;
	assert_int_equal(uv_accept(server, (uv_stream_t *)&fc->tcp), 0);
	uv_read_start((uv_stream_t *)&fc->tcp, fake_alloc, fake_read);
	f->accepted++;
}

/* Listens on 127.0.0.1:f->port (0 the first time: a free port, kept for a restart). */
static void fake_start(struct fake *f)
{
	struct sockaddr_in addr;
	struct sockaddr_storage name;
	int namelen = sizeof name;

	uv_ip4_addr("127.0.0.1", f->port, &addr);
	uv_tcp_init(f->loop, &f->listener);
	f->listener.data = f;
	assert_int_equal(uv_tcp_bind(&f->listener, (const struct sockaddr *)&addr, 0), 0);
	assert_int_equal(uv_listen((uv_stream_t *)&f->listener, 16, fake_accept), 0);
	uv_tcp_getsockname(&f->listener, (struct sockaddr *)&name, &namelen);
	f->port = ntohs(((struct sockaddr_in *)&name)->sin_port);
	f->listening = true;
}

static void fake_stop(struct fake *f)
{
	if (f->listening)
		uv_close((uv_handle_t *)&f->listener, NULL);
	f->listening = false;
	for (int i = 0; i < FAKE_CONNS; i++)
		fake_close_conn(&f->conn[i]);
}

/* The first open connection (to answer held requests or send what nobody asked for). */
static struct fake_conn *fake_any(struct fake *f)
{
	for (int i = 0; i < FAKE_CONNS; i++)
		if (f->conn[i].open && !uv_is_closing((uv_handle_t *)&f->conn[i].tcp))
			return &f->conn[i];
	fail_msg("the fake has no connection");
	return NULL;
}

/* Answers held request i with rc. */
static void fake_release(struct fake *f, unsigned i, const char *rc)
{
	iso8583_msg m;

	assert_int_equal(iso8583_unpack(f->p, f->held[i], f->held_len[i], &m, NULL), ISO8583_OK);
	fake_answer_msg(fake_any(f), &m, rc);
}

/* ---- the loop ---- */

struct env {
	uv_loop_t loop;
	uv_timer_t tick;
	struct fake fake;
	outlink *link;
	struct outlink_config cfg;
	char log_path[64];
	possum_log *log;
	net_server *server; /* the TLS tests' issuer, with its context and the link's */
	net_tls *server_tls, *link_tls;
};

static void on_tick(uv_timer_t *t)
{
	(void)t;
}

/* Runs the loop until cond(ctx) or WAIT_MS; true when cond held. */
static bool run_until(struct env *e, bool (*cond)(struct env *, void *), void *ctx)
{
	uint64_t end;

	uv_update_time(&e->loop);
	end = uv_now(&e->loop) + WAIT_MS;
	while (!cond(e, ctx) && uv_now(&e->loop) < end)
		uv_run(&e->loop, UV_RUN_ONCE);
	return cond(e, ctx);
}

static bool elapsed(struct env *e, void *ctx)
{
	return uv_now(&e->loop) >= *(uint64_t *)ctx;
}

/* Runs the loop for ms milliseconds. */
static void run_for(struct env *e, unsigned ms)
{
	uint64_t until;

	uv_update_time(&e->loop);
	until = uv_now(&e->loop) + ms;
	run_until(e, elapsed, &until);
}

static bool link_up(struct env *e, void *ctx)
{
	struct outlink_status st;

	outlink_status(e->link, &st);
	return st.signed_on == *(unsigned *)ctx;
}

static void wait_signed_on(struct env *e, unsigned n)
{
	assert_true(run_until(e, link_up, &n));
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);

	uv_loop_init(&e->loop);
	uv_timer_init(&e->loop, &e->tick);
	uv_timer_start(&e->tick, on_tick, 5, 5);
	e->fake.loop = &e->loop;
	e->fake.p = iso8583_profile_find("iso87a");
	e->fake.signon_rc = "00";
	fake_start(&e->fake);
	snprintf(e->log_path, sizeof e->log_path, "/tmp/test_outlink.%d.log", (int)getpid());
	assert_int_equal(log_open(e->log_path, LOG_DEBUG, &e->log), LOG_OK);
	e->cfg = (struct outlink_config){.name = "testnet",
	                                 .host = "127.0.0.1",
	                                 .port = e->fake.port,
	                                 .dialect = e->fake.p,
	                                 .connections = 1,
	                                 .timeout_ms = 2000,
	                                 .backoff_min_ms = 20,
	                                 .backoff_max_ms = 200};
	*state = e;
	return 0;
}

static void open_link(struct env *e)
{
	assert_int_equal(outlink_create(&e->loop, &e->cfg, e->log, &e->link), OUTLINK_OK);
}

/* The log's line with event, or NULL: the line in a static buffer. */
static const char *log_line(struct env *e, const char *event)
{
	static char line[1024];
	char want[64];
	FILE *f = fopen(e->log_path, "r");

	assert_non_null(f);
	snprintf(want, sizeof want, "\"event\":\"%s\"", event);
	while (fgets(line, sizeof line, f) != NULL)
		if (strstr(line, want) != NULL) {
			fclose(f);
			return line;
		}
	fclose(f);
	return NULL;
}

static int teardown(void **state)
{
	struct env *e = *state;

	outlink_close(e->link);
	net_server_close(e->server);
	fake_stop(&e->fake);
	uv_close((uv_handle_t *)&e->tick, NULL);
	uv_run(&e->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&e->loop), 0);
	net_tls_close(e->server_tls);
	net_tls_close(e->link_tls);
	log_close(e->log);
	unlink(e->log_path);
	free(e);
	return 0;
}

/* ---- requests ---- */

struct result {
	int calls, result;
	char rc[3], stan[7], sent_stan[7];
};

static void on_result(void *ctx, int result, const iso8583_msg *answer)
{
	struct result *r = ctx;

	r->calls++;
	r->result = result;
	if (answer != NULL) {
		iso8583_get(answer, 39, r->rc, sizeof r->rc, NULL);
		iso8583_get(answer, 11, r->stan, sizeof r->stan, NULL);
	}
}

/* A 0200 with STAN stan, sent: the outlink_send() code. */
static int send_0200(struct env *e, unsigned stan, struct result *r)
{
	iso8583_msg m;

	snprintf(r->sent_stan, sizeof r->sent_stan, "%06u", stan);
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, "0200");
	iso8583_set_str(&m, 3, "000000");
	iso8583_set_str(&m, 4, "000000001000");
	iso8583_set_str(&m, 7, "1206105600");
	iso8583_set_str(&m, 11, r->sent_stan);
	iso8583_set_str(&m, 32, "123456");
	iso8583_set_str(&m, 41, "TERM0001");
	iso8583_set_str(&m, 49, "156");
	return outlink_send(e->link, &m, on_result, r);
}

static bool called(struct env *e, void *ctx)
{
	(void)e;
	return ((struct result *)ctx)->calls > 0;
}

static struct outlink_status status(struct env *e)
{
	struct outlink_status st;

	outlink_status(e->link, &st);
	return st;
}

/* A key of the configuration's (11 and 37) and an 0420 answered 0430 by the fake (its 0200
 * path answers any request MTI + 10). */
static void custom_key_reversal(void **state)
{
	struct env *e = *state;
	static const int key[] = {11, 37};
	struct result r = {0};
	iso8583_msg m;

	e->cfg.key_fields = key;
	e->cfg.nkey = 2;
	open_link(e);
	wait_signed_on(e, 1);
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, "0420");
	iso8583_set_str(&m, 4, "000000001000");
	iso8583_set_str(&m, 11, "000321");
	iso8583_set_str(&m, 37, "612345000321");
	assert_int_equal(outlink_send(e->link, &m, on_result, &r), OUTLINK_OK);
	assert_true(run_until(e, called, &r));
	assert_int_equal(r.result, OUTLINK_ANSWERED);
	assert_string_equal(r.stan, "000321");
	assert_int_equal(status(e).unmatched, 0);
	printf("key 11+37: 0420 answered by 0430 and matched (%s)\n", r.rc);
}

static void signon_then_request(void **state)
{
	struct env *e = *state;
	struct result r = {0};

	e->cfg.institution = "88880001";
	open_link(e);
	wait_signed_on(e, 1);
	assert_int_equal(e->fake.signons, 1);
	assert_string_equal(e->fake.institution, "88880001");
	assert_int_equal(send_0200(e, 1, &r), OUTLINK_OK);
	assert_int_equal(r.calls, 0); /* never from within outlink_send() */
	assert_true(run_until(e, called, &r));
	assert_int_equal(r.result, OUTLINK_ANSWERED);
	assert_string_equal(r.rc, "00");
	assert_string_equal(r.stan, "000001");
	assert_int_equal(status(e).answered, 1);
	assert_int_equal(status(e).in_flight, 0);
	printf("sign-on: %u sent, answered 00; request: answered %s, stan %s\n", e->fake.signons,
	       r.rc, r.stan);
}

struct many {
	struct result r[50];
};

static bool all_called(struct env *e, void *ctx)
{
	struct many *m = ctx;

	(void)e;
	for (int i = 0; i < 50; i++)
		if (m->r[i].calls == 0)
			return false;
	return true;
}

static bool held(struct env *e, void *ctx)
{
	return e->fake.nheld == *(unsigned *)ctx;
}

static void fifty_out_of_order(void **state)
{
	struct env *e = *state;
	struct many m = {0};
	unsigned want = 50, matched = 0, wrong = 0;
	size_t peak;

	e->cfg.connections = 2;
	e->fake.hold = true;
	open_link(e);
	wait_signed_on(e, 2);
	for (unsigned i = 0; i < 50; i++)
		assert_int_equal(send_0200(e, 100 + i, &m.r[i]), OUTLINK_OK);
	assert_true(run_until(e, held, &want));
	peak = status(e).in_flight;
	assert_int_equal(peak, 50);
	/* Answered in an order of their own: odd positions backwards, then even ones. */
	for (int i = 49; i >= 0; i -= 2)
		fake_release(&e->fake, (unsigned)i, "00");
	for (int i = 0; i < 50; i += 2)
		fake_release(&e->fake, (unsigned)i, i % 4 == 0 ? "00" : "51");
	assert_true(run_until(e, all_called, &m));
	for (int i = 0; i < 50; i++) {
		bool ok = m.r[i].calls == 1 && m.r[i].result == OUTLINK_ANSWERED &&
		          strcmp(m.r[i].stan, m.r[i].sent_stan) == 0;
		matched += ok;
		wrong += !ok;
	}
	assert_int_equal(matched, 50);
	assert_int_equal(status(e).answered, 50);
	assert_int_equal(status(e).unmatched, 0);
	printf("in flight at once: %zu, answered out of order: 50, matched: %u, mismatched: %u\n",
	       peak, matched, wrong);
}

/* ctx: the offset in struct outlink_status of a counter that must reach 1. */
/* zak: requests MACed in 64 (the fake checks each), answers' MACs checked; an answer whose MAC
 * is wrong dropped (mac_failed), its request timing out; sign-ons never MACed. */
static void mac_requests_and_answers(void **state)
{
	struct env *e = *state;
	struct result r = {0}, bad = {0};

	e->cfg.mac = toy_mac;
	e->cfg.timeout_ms = 500;
	e->fake.mac = 1;
	open_link(e);
	wait_signed_on(e, 1);
	assert_int_equal(send_0200(e, 11, &r), OUTLINK_OK);
	assert_true(run_until(e, called, &r));
	assert_int_equal(r.result, OUTLINK_ANSWERED);
	assert_int_equal(e->fake.macs_ok, 1);
	e->fake.mac = 2;
	assert_int_equal(send_0200(e, 12, &bad), OUTLINK_OK);
	assert_true(run_until(e, called, &bad));
	assert_int_equal(bad.result, OUTLINK_TIMEOUT);
	assert_non_null(log_line(e, "mac_failed"));
	assert_int_equal(status(e).unmatched, 1);
	printf(
	    "MAC: request MACs right at the peer: %u of 2; an answer with a wrong MAC dropped, its "
	    "request timed out\n",
	    e->fake.macs_ok);
}

static bool counted_once(struct env *e, void *ctx)
{
	struct outlink_status st = status(e);
	uint64_t n;

	memcpy(&n, (const char *)&st + *(const size_t *)ctx, sizeof n);
	return n == 1;
}

static void unmatched_answer_dropped(void **state)
{
	struct env *e = *state;
	struct result r = {0};
	const char *line;
	iso8583_msg m;

	open_link(e);
	wait_signed_on(e, 1);
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, "0210");
	iso8583_set_str(&m, 7, "1206105600");
	iso8583_set_str(&m, 11, "999999");
	iso8583_set_str(&m, 39, "00");
	iso8583_set_str(&m, 41, "TERM0001");
	fake_write(fake_any(&e->fake), &m);
	assert_true(
	    run_until(e, counted_once, &(size_t){offsetof(struct outlink_status, unmatched)}));
	line = log_line(e, "unmatched_answer");
	assert_non_null(line);
	assert_non_null(strstr(line, "\"key\":\"020 11=999999 41=TERM0001 7=1206105600 32\""));
	assert_non_null(strstr(line, "\"level\":\"error\""));
	/* The link goes on serving. */
	assert_int_equal(send_0200(e, 7, &r), OUTLINK_OK);
	assert_true(run_until(e, called, &r));
	assert_int_equal(r.result, OUTLINK_ANSWERED);
	assert_int_equal(status(e).answered, 1);
	printf("unmatched answers: %llu dropped, then a request answered: %s\n",
	       (unsigned long long)status(e).unmatched, r.rc);
}

static void timeout_then_late_answer(void **state)
{
	struct env *e = *state;
	struct result r = {0};
	unsigned one = 1;
	uint64_t t0;

	e->cfg.timeout_ms = 200;
	e->fake.hold = true;
	open_link(e);
	wait_signed_on(e, 1);
	uv_update_time(&e->loop);
	t0 = uv_now(&e->loop);
	assert_int_equal(send_0200(e, 42, &r), OUTLINK_OK);
	assert_true(run_until(e, called, &r));
	assert_int_equal(r.result, OUTLINK_TIMEOUT);
	t0 = uv_now(&e->loop) - t0;
	assert_in_range(t0, 190, 1000);
	assert_true(run_until(e, held, &one));
	fake_release(&e->fake, 0, "00");
	assert_true(run_until(e, counted_once, &(size_t){offsetof(struct outlink_status, late)}));
	assert_non_null(log_line(e, "request_timeout"));
	assert_non_null(log_line(e, "late_answer"));
	assert_null(log_line(e, "unmatched_answer"));
	run_for(e, 50);
	assert_int_equal(r.calls, 1);
	assert_int_equal(status(e).timed_out, 1);
	assert_int_equal(status(e).unmatched, 0);
	assert_int_equal(status(e).signed_on, 1);
	printf("timed out after %llu ms; late answers: %llu logged, callbacks: %d\n",
	       (unsigned long long)t0, (unsigned long long)status(e).late, r.calls);
}

/* A request written on a connection that then drops stays in flight: its answer comes on the
 * other connection. */
static void answer_on_other_connection(void **state)
{
	struct env *e = *state;
	struct result r = {0};
	unsigned one = 1;

	e->cfg.connections = 2;
	e->fake.hold = true;
	open_link(e);
	wait_signed_on(e, 2);
	assert_int_equal(send_0200(e, 11, &r), OUTLINK_OK);
	assert_true(run_until(e, held, &one));
	fake_close_conn(e->fake.held_on[0]);
	assert_true(run_until(e, link_up, &one));
	assert_int_equal(status(e).in_flight, 1);
	fake_release(&e->fake, 0, "00");
	assert_true(run_until(e, called, &r));
	assert_int_equal(r.result, OUTLINK_ANSWERED);
	assert_int_equal(status(e).reconnects, 1);
	printf("connection dropped with a request in flight: answered on the other one (%s)\n",
	       r.rc);
}

static void server_down_fails_at_once(void **state)
{
	struct env *e = *state;
	struct result r = {0};
	unsigned zero = 0;
	uint64_t t0;

	e->cfg.connections = 2;
	open_link(e);
	wait_signed_on(e, 2);
	fake_stop(&e->fake);
	assert_true(run_until(e, link_up, &zero));
	assert_false(outlink_up(e->link));
	t0 = uv_hrtime();
	assert_int_equal(send_0200(e, 5, &r), OUTLINK_EDOWN);
	t0 = uv_hrtime() - t0;
	run_for(e, 20);
	assert_int_equal(r.calls, 0);
	assert_int_equal(status(e).down, 1);
	assert_int_equal(status(e).reconnects, 2);
	assert_string_equal(outlink_strerror(OUTLINK_EDOWN), "link down: no connection signed on");
	printf("server stopped: link down, a send refused in %llu us with %s\n",
	       (unsigned long long)(t0 / 1000), "OUTLINK_EDOWN");
}

static void server_back_reconnects(void **state)
{
	struct env *e = *state;
	struct result r = {0};
	struct outlink_status st;
	unsigned zero = 0;

	open_link(e);
	wait_signed_on(e, 1);
	fake_stop(&e->fake);
	assert_true(run_until(e, link_up, &zero));
	run_for(e, 600); /* attempts refused: 20, 40, 80, 160, 200 ms … with jitter */
	st = status(e);
	assert_in_range(st.conn[0].failures, 3, 30);
	fake_start(&e->fake);
	wait_signed_on(e, 1);
	assert_int_equal(e->fake.signons, 2);
	assert_int_equal(status(e).conn[0].failures, 0);
	assert_int_equal(send_0200(e, 9, &r), OUTLINK_OK);
	assert_true(run_until(e, called, &r));
	assert_int_equal(r.result, OUTLINK_ANSWERED);
	printf("server down 600 ms: %u attempts refused with backoff; back: signed on again, "
	       "request answered %s\n",
	       st.conn[0].failures, r.rc);
}

static void round_robin(void **state)
{
	struct env *e = *state;
	struct many m = {0};
	unsigned a, b;

	e->cfg.connections = 2;
	open_link(e);
	wait_signed_on(e, 2);
	for (unsigned i = 0; i < 50; i++)
		assert_int_equal(send_0200(e, 300 + i, &m.r[i]), OUTLINK_OK);
	assert_true(run_until(e, all_called, &m));
	a = e->fake.conn[0].requests;
	b = e->fake.conn[1].requests;
	assert_int_equal(a + b, 50);
	assert_int_equal(a, 25);
	assert_int_equal(b, 25);
	printf("round robin: 50 requests over 2 connections: %u and %u\n", a, b);
}

static void echo_when_idle(void **state)
{
	struct env *e = *state;
	struct outlink_status st;

	e->cfg.echo_interval_ms = 100;
	open_link(e);
	wait_signed_on(e, 1);
	run_for(e, 450);
	st = status(e);
	assert_in_range(e->fake.echoes, 2, 5); /* 4 unless the machine is loaded */
	assert_true(st.echoes >= 2);
	assert_true(st.last_echo_ms > 0);
	printf("idle 450 ms, echo every 100 ms: %u echoes sent, %llu answered\n", e->fake.echoes,
	       (unsigned long long)st.echoes);
}

static bool reconnected(struct env *e, void *ctx)
{
	(void)ctx;
	return status(e).reconnects >= 1 && status(e).signed_on == 1;
}

static void echo_unanswered_reconnects(void **state)
{
	struct env *e = *state;

	e->cfg.echo_interval_ms = 50;
	e->cfg.timeout_ms = 150;
	e->fake.echo_silent = true;
	open_link(e);
	wait_signed_on(e, 1);
	assert_true(run_until(e, reconnected, NULL));
	assert_true(e->fake.echoes >= 1);
	assert_int_equal(e->fake.signons, 2);
	assert_int_equal(status(e).echoes, 0);
	assert_non_null(log_line(e, "link_connection_lost"));
	assert_non_null(log_line(e, "link_down"));
	printf("echo unanswered in 150 ms: connection closed, reconnected and signed on again "
	       "(%u sign-ons)\n",
	       e->fake.signons);
}

static bool signons_at_least(struct env *e, void *ctx)
{
	return e->fake.signons >= *(unsigned *)ctx;
}

static void signon_refused_retried(void **state)
{
	struct env *e = *state;
	struct result r = {0};
	unsigned three = 3;

	e->fake.signon_rc = "91";
	open_link(e);
	assert_true(run_until(e, signons_at_least, &three));
	assert_false(outlink_up(e->link));
	assert_int_equal(send_0200(e, 1, &r), OUTLINK_EDOWN);
	assert_non_null(strstr(log_line(e, "link_connect_failed"), "sign-on answered 91"));
	e->fake.signon_rc = "00";
	wait_signed_on(e, 1);
	printf(
	    "sign-on answered 91: the connection closed and retried; %u sign-ons sent, up once answered 00\n",
	    e->fake.signons);
}

static void close_completes_in_flight(void **state)
{
	struct env *e = *state;
	struct result r = {0}, dup = {0};

	e->fake.hold = true;
	open_link(e);
	wait_signed_on(e, 1);
	assert_int_equal(send_0200(e, 77, &r), OUTLINK_OK);
	assert_int_equal(send_0200(e, 77, &dup), OUTLINK_EDUPLICATE);
	outlink_close(e->link);
	e->link = NULL;
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.result, OUTLINK_CLOSED);
	assert_int_equal(dup.calls, 0);
}

static void bad_config_refused(void **state)
{
	struct env *e = *state;
	struct outlink_config c = e->cfg;
	static const int pan_key[] = {11, 2};
	static const int bad_key[] = {11, 300};
	outlink *l = NULL;

	c.host = NULL;
	assert_int_equal(outlink_create(&e->loop, &c, NULL, &l), OUTLINK_EARG);
	c = e->cfg;
	c.key_fields = pan_key, c.nkey = 2;
	assert_int_equal(outlink_create(&e->loop, &c, NULL, &l), OUTLINK_EARG);
	c.key_fields = bad_key;
	assert_int_equal(outlink_create(&e->loop, &c, NULL, &l), OUTLINK_EARG);
	c = e->cfg;
	c.institution = "8888A";
	assert_int_equal(outlink_create(&e->loop, &c, NULL, &l), OUTLINK_EARG);
	c = e->cfg;
	c.connections = OUTLINK_CONN_MAX + 1;
	assert_int_equal(outlink_create(&e->loop, &c, NULL, &l), OUTLINK_EARG);
	assert_null(l);
}

/* ---- TLS: a net server (net/net.h) with net/link.h's session as the issuer ---- */

static char pki[300], other[300]; /* two CAs by tests/lib.sh: other's certificates not trusted */

static void approve(void *ctx, net_request *req, const iso8583_msg *msg)
{
	const struct net_link *nl = ctx;
	iso8583_msg resp;

	assert_int_equal(net_link_respond(nl->dialect, msg, "00", &resp), ISO8583_OK);
	net_link_reply(nl, req, &resp);
}

/* The issuer under TLS (pki's host certificate), the link trusting ca_dir's CA. */
static void tls_issuer(struct env *e, struct net_link *nl, const char *ca_dir)
{
	char cert[400], key[400], ca[400], why[160];

	snprintf(cert, sizeof cert, "%s/host.crt", pki);
	snprintf(key, sizeof key, "%s/host.key", pki);
	snprintf(ca, sizeof ca, "%s/ca.crt", ca_dir);
	*nl = (struct net_link){
	    .name = "issuer", .dialect = e->fake.p, .log = e->log, .auth = {nl, approve}};
	assert_int_equal(
	    net_tls_create(&(struct net_tls_config){.server = true, .cert = cert, .key = key},
	                   &e->server_tls, why, sizeof why),
	    NET_OK);
	assert_int_equal(
	    net_tls_create(&(struct net_tls_config){.ca = ca}, &e->link_tls, why, sizeof why),
	    NET_OK);
	assert_int_equal(net_server_create(
	                     &e->loop,
	                     &(struct net_server_config){.host = "127.0.0.1", .tls = e->server_tls},
	                     net_link_handle, nl, &e->server),
	                 NET_OK);
	e->cfg.port = net_server_port(e->server);
	e->cfg.tls = e->link_tls;
}

static void tls_signon_and_request(void **state)
{
	struct env *e = *state;
	struct net_link nl;
	struct result r = {0};

	tls_issuer(e, &nl, pki);
	e->cfg.connections = 2;
	open_link(e);
	wait_signed_on(e, 2);
	assert_int_equal(send_0200(e, 21, &r), OUTLINK_OK);
	assert_true(run_until(e, called, &r));
	assert_int_equal(r.result, OUTLINK_ANSWERED);
	assert_string_equal(r.rc, "00");
	assert_non_null(strstr(log_line(e, "link_connected"), "\"tls\":true"));
	printf("TLS: 2 connections signed on, the server's certificate checked (IP 127.0.0.1); "
	       "request answered %s\n",
	       r.rc);
}

static bool tls_refused(struct env *e, void *ctx)
{
	const char *line = log_line(e, "link_connect_failed");

	(void)ctx;
	return line != NULL && strstr(line, "TLS") != NULL;
}

static void tls_untrusted_server(void **state)
{
	struct env *e = *state;
	struct net_link nl;
	struct result r = {0};
	char why[200] = "";
	const char *line;

	tls_issuer(e, &nl, other);
	open_link(e);
	assert_true(run_until(e, tls_refused, NULL));
	line = strstr(log_line(e, "link_connect_failed"), "\"why\":");
	assert_non_null(line);
	sscanf(line, "\"why\":\"%199[^\"]", why);
	assert_non_null(strstr(why, "not trusted"));
	assert_false(outlink_up(e->link));
	assert_int_equal(send_0200(e, 22, &r), OUTLINK_EDOWN);
	printf("TLS: a server the link does not trust: never signed on (%s)\n", why);
}

static int make_pki(void **state)
{
	const char *src = getenv("POSSUM_SOURCE");
	char cmd[1000], base[] = "/tmp/test_outlink_tlsXXXXXX";

	(void)state;
	if (src == NULL || mkdtemp(base) == NULL)
		return -1;
	snprintf(pki, sizeof pki, "%s/pki", base);
	snprintf(other, sizeof other, "%s/other", base);
	snprintf(cmd, sizeof cmd, "sh -c '. %s/tests/lib.sh && tls_test_pki %s && tls_test_pki %s'",
	         src, pki, other);
	return system(cmd) == 0 ? 0 : -1;
}

static int remove_pki(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %.250s", pki);
	*strrchr(cmd, '/') = '\0'; /* the base directory */
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(signon_then_request, setup, teardown),
	    cmocka_unit_test_setup_teardown(custom_key_reversal, setup, teardown),
	    cmocka_unit_test_setup_teardown(fifty_out_of_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(unmatched_answer_dropped, setup, teardown),
	    cmocka_unit_test_setup_teardown(mac_requests_and_answers, setup, teardown),
	    cmocka_unit_test_setup_teardown(timeout_then_late_answer, setup, teardown),
	    cmocka_unit_test_setup_teardown(answer_on_other_connection, setup, teardown),
	    cmocka_unit_test_setup_teardown(server_down_fails_at_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(server_back_reconnects, setup, teardown),
	    cmocka_unit_test_setup_teardown(round_robin, setup, teardown),
	    cmocka_unit_test_setup_teardown(echo_when_idle, setup, teardown),
	    cmocka_unit_test_setup_teardown(echo_unanswered_reconnects, setup, teardown),
	    cmocka_unit_test_setup_teardown(signon_refused_retried, setup, teardown),
	    cmocka_unit_test_setup_teardown(close_completes_in_flight, setup, teardown),
	    cmocka_unit_test_setup_teardown(bad_config_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(tls_signon_and_request, setup, teardown),
	    cmocka_unit_test_setup_teardown(tls_untrusted_server, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, make_pki, remove_pki);
}
