/* test_certify_proxy.c — certify's proxy (src/certify/proxy.c) between a terminal (a blocking
 * socket of the test) and a fake test host (a thread answering each request with a fixed
 * answer of its MTI, counting what reached it): what it relays and records into a case's
 * transcript, and each `host` behaviour — pass, answer RC (MACed under the terminal's MAK),
 * lose, late (before the next request, or when the case ends), bad-mac, bad-kcv,
 * totals-differ, close, #N — with nothing recorded between cases, a request that does not
 * unpack relayed and recorded, a frame too long closing the connection, and the quiet time. */
#include "testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "certify/internal.h"

#define LMK_HEX  "9A1F3C5E7B2D4F6081A3C5E7092B4D6F8091A2B3C4D5E6F708192A3B4C5D6E7F"
#define WAIT_MS  5000 /* a generous bound on what must come */
#define QUIET_MS 400  /* how long nothing must come */
#define FRAME    (2 + CERTIFY_FRAME_MAX)
#define TOTALS                                                                                     \
	"00000000010000100000000000000001"                                                         \
	"000000000000000000000000000001"

static const struct hsm_key_spec mak_spec = {"M1", HSM_TDES, 16, 'C', 'N'};
static const struct hsm_key_spec tmk_spec = {"K0", HSM_TDES, 16, 'B', 'S'};
static const struct hsm_key_spec pik_spec = {"P0", HSM_TDES, 16, 'E', 'S'};

/* A fixed answer of the fake host to requests of one MTI, framed with its length. */
struct canned {
	char mti[5];
	uint8_t frame[FRAME];
	size_t len;
};

struct fixture {
	hsm *h, *proxy_h; /* the test's, the proxy's (an hsm is one thread's) */
	hsm_key mak, tmk;
	uint8_t pik[24]; /* the first key of the 0810's 62, under the TMK, and its KCV */
	hsm_kcv pik_kcv;
	struct canned canned[4];
	/* the fake host */
	int host_fd, host_port;
	pthread_t host_thread;
	_Atomic int stop, reached;
	/* the proxy and the terminal */
	certify_proxy *px;
	int port, term;
	struct certify_case c;
	struct certify_case_result cr;
};

static const iso8583_profile *cup(void)
{
	return iso8583_profile_find("cup-pos");
}

static void sleep_ms(int ms)
{
	nanosleep(&(struct timespec){ms / 1000, (long)(ms % 1000) * 1000000}, NULL);
}

/* m framed (with its length) into out; MACed under mak when it carries 64. */
static size_t frame_pack(struct fixture *fx, const iso8583_msg *m, const hsm_key *mak, uint8_t *out)
{
	static const iso8583_envelope env = {{0x60, 0x00, 0x03, 0x00, 0x00},
	                                     {0x60, 0x31, 0x00, 0x31, 0x00, 0x00}};
	size_t n;

	assert_int_equal(iso8583_pack_framed(cup(), &env, m, out, FRAME, &n, NULL), ISO8583_OK);
	if (mak != NULL && iso8583_has(m, 64))
		assert_int_equal(
		    hsm_mac_generate(fx->h, mak, HSM_MAC_CUP_ECB, out + 13, n - 21, out + n - 8, 8),
		    HSM_OK);
	return n;
}

/* A terminal's request of mti (0200 0400 0800 0500), STAN stan, framed into out. */
static size_t request(struct fixture *fx, const char *mti, const char *stan, uint8_t *out)
{
	static const uint8_t mac[8] = {0};
	iso8583_msg m;

	iso8583_msg_init(&m);
	iso8583_set_mti(&m, mti);
	iso8583_set_str(&m, 11, stan);
	iso8583_set_str(&m, 41, "TERM0001");
	iso8583_set_str(&m, 42, "MERCHANT0000001");
	if (mti[1] == '8') {
		iso8583_set_str(&m, 60, "00000001003");
	} else if (mti[1] == '5') {
		iso8583_set_str(&m, 48, TOTALS);
		iso8583_set_str(&m, 60, "00000001201");
	} else {
		iso8583_set_str(&m, 3, "000000");
		iso8583_set_str(&m, 4, "000000000100");
		iso8583_set_str(&m, 22, "021");
		iso8583_set_str(&m, 25, "00");
		if (mti[1] == '4')
			iso8583_set_str(&m, 39, "98");
		iso8583_set_str(&m, 49, "156");
		iso8583_set_str(&m, 60, "22000001");
		iso8583_set(&m, 64, mac, sizeof mac);
	}
	return frame_pack(fx, &m, &fx->mak, out);
}

/* The fake host's answer to mti: 39 00, the answer's own fields, MACed where the host MACs. */
static void canned_make(struct fixture *fx, struct canned *a, const char *mti)
{
	static const uint8_t mac[8] = {0};
	uint8_t f62[60];
	char amti[5];
	iso8583_msg m;

	snprintf(a->mti, sizeof a->mti, "%s", mti);
	snprintf(amti, sizeof amti, "%s", mti);
	amti[2]++;
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, amti);
	iso8583_set_str(&m, 11, "000001");
	iso8583_set_str(&m, 39, "00");
	iso8583_set_str(&m, 41, "TERM0001");
	iso8583_set_str(&m, 42, "MERCHANT0000001");
	if (mti[1] == '8') {
		memcpy(f62, fx->pik, 16);
		memcpy(f62 + 16, fx->pik_kcv.v, 4);
		memset(f62 + 20, 0x5A, 40);
		iso8583_set_str(&m, 60, "00000001003");
		iso8583_set(&m, 62, f62, sizeof f62);
	} else if (mti[1] == '5') {
		iso8583_set_str(&m, 48, TOTALS);
		iso8583_set_str(&m, 60, "00000001201");
	} else {
		iso8583_set_str(&m, 12, "101010");
		iso8583_set_str(&m, 13, "0102");
		iso8583_set_str(&m, 37, "100000000001");
		iso8583_set(&m, 64, mac, sizeof mac);
	}
	a->len = frame_pack(fx, &m, &fx->mak, a->frame);
}

/* Reads a frame (without its length) from fd within ms: its length, 0 when nothing came,
 * -1 when the connection closed. */
static long frame_recv(int fd, uint8_t *buf, size_t cap, int ms)
{
	size_t got = 0, want = 2;

	while (got < want) {
		struct pollfd pfd = {fd, POLLIN, 0};
		ssize_t n;

		if (poll(&pfd, 1, ms) <= 0)
			return 0;
		if ((n = recv(fd, buf + got, want - got, 0)) <= 0)
			return -1;
		got += (size_t)n;
		if (got == 2 && want == 2) {
			want = 2 + ((size_t)buf[0] << 8 | buf[1]);
			assert(want <= cap);
		}
	}
	memmove(buf, buf + 2, want - 2);
	return (long)(want - 2);
}

static void frame_send(int fd, const uint8_t *frame, size_t len)
{
	assert_int_equal(send(fd, frame, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* The fake host: one connection at a time, each request answered with its MTI's canned
 * answer (none: not answered). */
static void host_serve(struct fixture *fx, int c)
{
	uint8_t buf[FRAME];
	long n;

	while (!fx->stop && (n = frame_recv(c, buf, sizeof buf, 50)) >= 0) {
		char mti[5];

		if (n == 0)
			continue;
		fx->reached++;
		snprintf(mti, sizeof mti, "%02X%02X", buf[11], buf[12]);
		for (size_t i = 0; i < 4; i++)
			if (strcmp(fx->canned[i].mti, mti) == 0)
				send(c, fx->canned[i].frame, fx->canned[i].len, MSG_NOSIGNAL);
	}
}

static void *host_run(void *arg)
{
	struct fixture *fx = arg;

	while (!fx->stop) {
		struct pollfd pfd = {fx->host_fd, POLLIN, 0};
		int c;

		if (poll(&pfd, 1, 50) <= 0 || (c = accept(fx->host_fd, NULL, NULL)) < 0)
			continue;
		host_serve(fx, c);
		close(c);
	}
	return NULL;
}

static int listen_any(int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert(fd >= 0);
	assert(bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(fd, 8) == 0);
	assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static int term_connect(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	return fd;
}

/* The MAK the test host holds for the terminal, as its store would give it. */
static int mak_of(void *ctx, char *block, size_t cap)
{
	struct fixture *fx = ctx;

	snprintf(block, cap, "%s", fx->mak.block);
	return 0;
}

static int setup(void **state)
{
	static const char *const mtis[4] = {"0200", "0400", "0800", "0500"};
	struct fixture *fx = calloc(1, sizeof *fx);
	struct certify_proxy_config cfg = {0};
	hsm_key pik;
	size_t n;

	assert_non_null(fx);
	assert_int_equal(hsm_open(HEX(LMK_HEX), &fx->h), HSM_OK);
	assert_int_equal(hsm_open(HEX(LMK_HEX), &fx->proxy_h), HSM_OK);
	assert_int_equal(hsm_generate(fx->h, &mak_spec, &fx->mak, NULL), HSM_OK);
	assert_int_equal(hsm_generate(fx->h, &tmk_spec, &fx->tmk, NULL), HSM_OK);
	assert_int_equal(hsm_generate(fx->h, &pik_spec, &pik, NULL), HSM_OK);
	assert_int_equal(hsm_export_ecb(fx->h, &fx->tmk, &pik, fx->pik, &n, &fx->pik_kcv), HSM_OK);
	assert_int_equal(n, 16);
	for (size_t i = 0; i < 4; i++)
		canned_make(fx, &fx->canned[i], mtis[i]);
	fx->host_fd = listen_any(&fx->host_port);
	assert_int_equal(pthread_create(&fx->host_thread, NULL, host_run, fx), 0);
	cfg.host_port = fx->host_port;
	cfg.h = fx->proxy_h;
	cfg.mak = mak_of;
	cfg.mak_ctx = fx;
	assert_int_equal(certify_proxy_start(&cfg, &fx->px, &fx->port), CERTIFY_OK);
	assert_true(fx->port > 0);
	snprintf(fx->c.id, sizeof fx->c.id, "case");
	fx->cr.c = &fx->c;
	fx->term = term_connect(fx->port);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	close(fx->term);
	certify_proxy_close(fx->px);
	fx->stop = 1;
	pthread_join(fx->host_thread, NULL);
	close(fx->host_fd);
	certify_transcript_free(&fx->cr.tr);
	hsm_close(fx->h);
	hsm_close(fx->proxy_h);
	free(fx);
	return 0;
}

/* The case's `host MTI[#N] EFFECT [RC]` lines. */
static void host_line(struct fixture *fx, const char *mti, int nth, enum certify_effect e,
                      const char *rc)
{
	struct certify_behaviour *b = &fx->c.host[fx->c.n_host++];

	snprintf(b->mti, sizeof b->mti, "%s", mti);
	b->nth = nth;
	b->effect = e;
	snprintf(b->rc, sizeof b->rc, "%s", rc != NULL ? rc : "");
}

/* The transcript's message i (0-based) once it is there and, when answered, has its answer
 * recorded; copied out under the proxy's lock (its fields then point into the copy). */
static void msg_wait(struct fixture *fx, size_t i, bool answered, struct certify_msg *out)
{
	for (int ms = 0; ms < WAIT_MS; ms++) {
		bool ready;

		certify_proxy_lock(fx->px);
		ready = fx->cr.tr.n > i && (!answered || fx->cr.tr.msgs[i]->ans_len > 0);
		if (ready)
			memcpy(out, fx->cr.tr.msgs[i], sizeof *out);
		certify_proxy_unlock(fx->px);
		if (ready) { /* the copy's fields pointed into its own bytes */
			if (out->rq_ok)
				assert_int_equal(iso8583_unpack(cup(), out->req + 11,
				                                out->req_len - 11, &out->rq, NULL),
				                 ISO8583_OK);
			if (out->an_ok)
				assert_int_equal(iso8583_unpack(cup(), out->ans + 11,
				                                out->ans_len - 11, &out->an, NULL),
				                 ISO8583_OK);
			return;
		}
		sleep_ms(1);
	}
	fail_msg("message %zu never came%s", i + 1, answered ? " answered" : "");
}

/* The case begins: requests recorded into fx->cr from now on. */
static void case_begin(struct fixture *fx)
{
	certify_proxy_case(fx->px, &fx->cr);
}

/* Sends the terminal's request of mti and stan; the answer that comes, or 0 / -1. */
static long exchange(struct fixture *fx, const char *mti, const char *stan, uint8_t *ans, int ms)
{
	uint8_t req[FRAME];

	frame_send(fx->term, req, request(fx, mti, stan, req));
	return frame_recv(fx->term, ans, FRAME, ms);
}

/* Field f of the answer (a frame without its length) as text. */
static const char *field(const uint8_t *frame, long len, int f)
{
	static char out[8][512];
	static unsigned next;
	char *o = out[next++ % 8];
	iso8583_msg m;
	size_t n;

	assert_true(len > 11);
	assert_int_equal(iso8583_unpack(cup(), frame + 11, (size_t)len - 11, &m, NULL), ISO8583_OK);
	if (f == 0)
		return strcpy(o, m.mti);
	if (!iso8583_has(&m, f))
		return "";
	assert_int_equal(iso8583_field_text(cup(), &m, f, o, sizeof out[0], &n), ISO8583_OK);
	return o;
}

/* The fake host's canned answer to mti, without its length. */
static const struct canned *canned(struct fixture *fx, const char *mti)
{
	for (size_t i = 0; i < 4; i++)
		if (strcmp(fx->canned[i].mti, mti) == 0)
			return &fx->canned[i];
	fail_msg("no canned answer to %s", mti);
	return NULL;
}

static bool mac_verifies(struct fixture *fx, const uint8_t *frame, long len)
{
	return hsm_mac_verify(fx->h, &fx->mak, HSM_MAC_CUP_ECB, frame + 11, (size_t)len - 19,
	                      frame + len - 8, 8) == HSM_OK;
}

/* pass: the host's answer relayed as it is, the request and its answer recorded. */
static void pass_relays_and_records(void **state)
{
	struct fixture *fx = *state;
	const struct canned *want = canned(fx, "0200");
	uint8_t ans[FRAME];
	struct certify_msg m;
	long n;

	case_begin(fx);
	n = exchange(fx, "0200", "000011", ans, WAIT_MS);
	assert_int_equal(n, (long)want->len - 2);
	assert_memory_equal(ans, want->frame + 2, (size_t)n);
	msg_wait(fx, 0, true, &m);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.conn, 1);
	assert_true(m.rq_ok);
	assert_string_equal(m.rq.mti, "0200");
	assert_true(m.an_ok);
	assert_string_equal(m.an.mti, "0210");
	assert_string_equal(m.rc, "00");
	assert_int_equal(m.effect, CERTIFY_PASS);
	assert_int_equal(m.ans_len, (size_t)n);
	assert_memory_equal(m.ans, ans, (size_t)n);
	assert_true(m.at_ms >= 0 && m.answered_ms >= m.at_ms);
	assert_int_equal(fx->reached, 1);
}

/* Between cases requests are relayed and recorded nowhere. */
static void nothing_recorded_between_cases(void **state)
{
	struct fixture *fx = *state;
	uint8_t ans[FRAME];

	assert_true(exchange(fx, "0200", "000011", ans, WAIT_MS) > 0);
	assert_string_equal(field(ans, (long)canned(fx, "0200")->len - 2, 39), "00");
	case_begin(fx);
	certify_proxy_case(fx->px, NULL);
	assert_true(exchange(fx, "0800", "000012", ans, WAIT_MS) > 0);
	certify_proxy_lock(fx->px);
	assert_int_equal(fx->cr.tr.n, 0);
	certify_proxy_unlock(fx->px);
	assert_int_equal(fx->reached, 2);
}

/* answer A0: certify answers itself, MACed under the terminal's MAK; the host sees nothing. */
static void answer_is_certifys_own(void **state)
{
	struct fixture *fx = *state;
	uint8_t ans[FRAME];
	struct certify_msg m;
	const char *rrn;
	long n;

	host_line(fx, "0200", 0, CERTIFY_ANSWER, "A0");
	host_line(fx, "0800", 0, CERTIFY_ANSWER, "96");
	case_begin(fx);
	n = exchange(fx, "0200", "000123", ans, WAIT_MS);
	assert_true(n > 0);
	assert_memory_equal(ans, HEX("6000000003"), 5); /* the TPDU's addresses swapped */
	assert_string_equal(field(ans, n, 0), "0210");
	assert_string_equal(field(ans, n, 39), "A0");
	assert_string_equal(field(ans, n, 11), "000123");
	assert_string_equal(field(ans, n, 3), "000000");
	assert_string_equal(field(ans, n, 4), "000000000100");
	assert_string_equal(field(ans, n, 25), "00");
	assert_string_equal(field(ans, n, 41), "TERM0001");
	assert_string_equal(field(ans, n, 42), "MERCHANT0000001");
	assert_string_equal(field(ans, n, 49), "156");
	assert_string_equal(field(ans, n, 60), "22000001");
	assert_int_equal(strlen(field(ans, n, 12)), 6);
	assert_int_equal(strlen(field(ans, n, 13)), 4);
	rrn = field(ans, n, 37);
	assert_int_equal(strlen(rrn), 12);
	assert_int_equal(strspn(rrn, "0123456789"), 12);
	assert_true(mac_verifies(fx, ans, n));
	msg_wait(fx, 0, true, &m);
	assert_int_equal(m.effect, CERTIFY_ANSWER);
	assert_string_equal(m.rc, "A0");
	/* An answer of another RC to a request whose answers are not MACed: no 64. */
	n = exchange(fx, "0800", "000124", ans, WAIT_MS);
	assert_string_equal(field(ans, n, 0), "0810");
	assert_string_equal(field(ans, n, 39), "96");
	assert_string_equal(field(ans, n, 64), "");
	assert_int_equal(fx->reached, 0);
}

/* A case whose 0200s have effect e begins; a 0200 reaches the host and no answer comes. */
static void unanswered_0200(struct fixture *fx, enum certify_effect e)
{
	uint8_t ans[FRAME];

	host_line(fx, "0200", 0, e, NULL);
	case_begin(fx);
	assert_int_equal(exchange(fx, "0200", "000011", ans, QUIET_MS), 0);
	assert_int_equal(fx->reached, 1);
}

/* lose: forwarded, its answer never delivered; the connection stays. */
static void lose_never_delivers(void **state)
{
	struct fixture *fx = *state;
	uint8_t ans[FRAME];
	struct certify_msg m;
	long n;

	unanswered_0200(fx, CERTIFY_LOSE);
	n = exchange(fx, "0400", "000011", ans, WAIT_MS);
	assert_string_equal(field(ans, n, 0), "0410");
	msg_wait(fx, 0, false, &m);
	assert_int_equal(m.effect, CERTIFY_LOSE);
	assert_int_equal(m.ans_len, 0);
	assert_int_equal(m.answered_ms, -1);
	assert_string_equal(m.rc, "");
	msg_wait(fx, 1, true, &m);
	assert_int_equal(m.effect, CERTIFY_PASS);
}

/* late: the answer held until the terminal's next request, delivered just before it. */
static void late_comes_before_the_next_request(void **state)
{
	struct fixture *fx = *state;
	uint8_t ans[FRAME];
	struct certify_msg first, second;
	long n;

	unanswered_0200(fx, CERTIFY_LATE);
	n = exchange(fx, "0400", "000011", ans, WAIT_MS);
	assert_string_equal(field(ans, n, 0), "0210");
	n = frame_recv(fx->term, ans, sizeof ans, WAIT_MS);
	assert_string_equal(field(ans, n, 0), "0410");
	msg_wait(fx, 0, true, &first);
	msg_wait(fx, 1, true, &second);
	assert_int_equal(first.effect, CERTIFY_LATE);
	assert_string_equal(first.rc, "00");
	assert_true(first.answered_ms >= first.at_ms + QUIET_MS - 50);
	assert_true(first.answered_ms <= second.at_ms);
	assert_int_equal(second.effect, CERTIFY_PASS);
}

/* late: an answer still held is delivered when the case ends, recorded into it. */
static void late_comes_when_the_case_ends(void **state)
{
	struct fixture *fx = *state;
	uint8_t ans[FRAME];
	struct certify_msg m;
	long n;

	unanswered_0200(fx, CERTIFY_LATE);
	certify_proxy_case(fx->px, NULL);
	certify_proxy_lock(fx->px);
	assert_int_equal(fx->cr.tr.msgs[0]->ans_len, canned(fx, "0200")->len - 2);
	certify_proxy_unlock(fx->px);
	n = frame_recv(fx->term, ans, sizeof ans, WAIT_MS);
	assert_string_equal(field(ans, n, 0), "0210");
	msg_wait(fx, 0, true, &m);
	assert_string_equal(m.rc, "00");
}

/* bad-mac: the answer as the host sent it but for its MAC, every byte of it. */
static void bad_mac_changes_64_only(void **state)
{
	struct fixture *fx = *state;
	const struct canned *want = canned(fx, "0200");
	uint8_t ans[FRAME];
	struct certify_msg m;
	long n;

	host_line(fx, "0200", 0, CERTIFY_BAD_MAC, NULL);
	case_begin(fx);
	assert_true(mac_verifies(fx, want->frame + 2, (long)want->len - 2));
	n = exchange(fx, "0200", "000011", ans, WAIT_MS);
	assert_int_equal(n, (long)want->len - 2);
	assert_memory_equal(ans, want->frame + 2, (size_t)n - 8);
	for (int i = 1; i <= 8; i++)
		assert_int_not_equal(ans[n - i], want->frame[want->len - (size_t)i]);
	assert_false(mac_verifies(fx, ans, n));
	assert_int_equal(strspn(field(ans, n, 64), "0123456789ABCDEF"), 16);
	msg_wait(fx, 0, true, &m);
	assert_int_equal(m.effect, CERTIFY_BAD_MAC);
	assert_memory_equal(m.ans, ans, (size_t)n);
}

/* bad-kcv: the 0810's first key changed, its check value not; nothing else. */
static void bad_kcv_changes_62_only(void **state)
{
	struct fixture *fx = *state;
	const struct canned *want = canned(fx, "0800");
	const uint8_t *orig = want->frame + 2;
	uint8_t ans[FRAME], f62[64];
	hsm_kcv kcv = {.len = HSM_KCV_ECB};
	iso8583_msg m;
	hsm_key k;
	size_t off, len;
	long n;

	host_line(fx, "0800", 0, CERTIFY_BAD_KCV, NULL);
	case_begin(fx);
	n = exchange(fx, "0800", "000011", ans, WAIT_MS);
	assert_int_equal(n, (long)want->len - 2);
	assert_int_equal(iso8583_unpack(cup(), orig + 11, want->len - 13, &m, NULL), ISO8583_OK);
	off = (size_t)(m.field[62].data - orig); /* binary: the wire form is the bytes */
	assert_memory_equal(m.field[62].data, fx->pik, 16);
	assert_memory_equal(ans, orig, off);
	for (size_t i = off; i < off + 16; i++)
		assert_int_not_equal(ans[i], orig[i]);
	assert_memory_equal(ans + off + 16, orig + off + 16, (size_t)n - off - 16);
	/* The terminal's import: the original's key matches its KCV, the spoilt one does not. */
	assert_int_equal(iso8583_unpack(cup(), ans + 11, (size_t)n - 11, &m, NULL), ISO8583_OK);
	assert_int_equal(iso8583_get(&m, 62, f62, sizeof f62, &len), ISO8583_OK);
	assert_int_equal(len, 60);
	memcpy(kcv.v, f62 + 16, HSM_KCV_ECB);
	assert_int_equal(hsm_import_ecb(fx->h, &fx->tmk, &pik_spec, fx->pik, 16, &kcv, &k), HSM_OK);
	assert_int_equal(hsm_import_ecb(fx->h, &fx->tmk, &pik_spec, f62, 16, &kcv, &k), HSM_EKCV);
}

/* totals-differ: the 0510's 48 says the totals differ, domestic and foreign; nothing else. */
static void totals_differ_sets_the_flags(void **state)
{
	struct fixture *fx = *state;
	const struct canned *want = canned(fx, "0500");
	char f48[80];
	uint8_t ans[FRAME];
	long n;

	host_line(fx, "0500", 0, CERTIFY_TOTALS_DIFFER, NULL);
	case_begin(fx);
	n = exchange(fx, "0500", "000011", ans, WAIT_MS);
	assert_int_equal(n, (long)want->len - 2);
	snprintf(f48, sizeof f48, "%s", TOTALS);
	f48[30] = f48[61] = '2';
	assert_string_equal(field(ans, n, 48), f48);
	assert_string_equal(field(want->frame + 2, (long)want->len - 2, 48), TOTALS);
	for (int f = 0; f <= 64; f++)
		if (f != 1 && f != 48)
			assert_string_equal(field(ans, n, f),
			                    field(want->frame + 2, (long)want->len - 2, f));
}

/* close: the terminal's connection closed, the request never forwarded. */
static void close_closes(void **state)
{
	struct fixture *fx = *state;
	uint8_t ans[FRAME];
	struct certify_msg m;

	host_line(fx, "0200", 0, CERTIFY_CLOSE, NULL);
	case_begin(fx);
	assert_int_equal(exchange(fx, "0200", "000011", ans, WAIT_MS), -1);
	assert_int_equal(fx->reached, 0);
	msg_wait(fx, 0, false, &m);
	assert_int_equal(m.effect, CERTIFY_CLOSE);
	assert_int_equal(m.ans_len, 0);
	/* A new connection is relayed, its requests counted on in the case: number 2. */
	close(fx->term);
	fx->term = term_connect(fx->port);
	assert_true(exchange(fx, "0800", "000012", ans, WAIT_MS) > 0);
	msg_wait(fx, 1, true, &m);
	assert_int_equal(m.conn, 2);
	assert_int_equal(m.n, 2);
}

/* host 0200#2: only the case's second 0200 is answered by certify. */
static void nth_applies_to_the_nth_only(void **state)
{
	struct fixture *fx = *state;
	static const char *const want[3] = {"00", "05", "00"};
	uint8_t ans[FRAME];
	struct certify_msg m;

	host_line(fx, "0200", 2, CERTIFY_ANSWER, "05");
	case_begin(fx);
	assert_true(exchange(fx, "0800", "000010", ans, WAIT_MS) > 0);
	for (int i = 0; i < 3; i++) {
		char stan[7];
		long n;

		snprintf(stan, sizeof stan, "%06d", 11 + i);
		n = exchange(fx, "0200", stan, ans, WAIT_MS);
		assert_string_equal(field(ans, n, 39), want[i]);
		msg_wait(fx, 1 + (size_t)i, true, &m);
		assert_int_equal(m.effect, i == 1 ? CERTIFY_ANSWER : CERTIFY_PASS);
	}
	assert_int_equal(fx->reached, 3);
}

/* A request that does not unpack is relayed and recorded with why; its MTI still names its
 * behaviour, and one certify cannot answer is relayed instead. */
static void unreadable_request_relayed_and_recorded(void **state)
{
	struct fixture *fx = *state;
	uint8_t req[FRAME], ans[FRAME];
	struct certify_msg m;
	size_t len = request(fx, "0200", "000011", req);
	long n;

	host_line(fx, "0200", 0, CERTIFY_ANSWER, "05");
	case_begin(fx);
	req[len - 9] = 0xFF; /* inside 60's BCD: not a digit */
	frame_send(fx->term, req, len);
	n = frame_recv(fx->term, ans, sizeof ans, WAIT_MS);
	assert_string_equal(field(ans, n, 39), "00");
	assert_int_equal(fx->reached, 1);
	msg_wait(fx, 0, true, &m);
	assert_false(m.rq_ok);
	assert_true(m.rq_error[0] != '\0');
	assert_int_equal(m.req_len, len - 2);
	assert_int_equal(m.effect, CERTIFY_PASS);
	assert_string_equal(m.rc, "00");
}

/* A frame longer than certify reads closes the connection, recorded as unreadable. */
static void frame_too_long_closes(void **state)
{
	struct fixture *fx = *state;
	uint8_t big[64] = {(CERTIFY_FRAME_MAX + 1) >> 8, (CERTIFY_FRAME_MAX + 1) & 0xFF, 0x60};
	uint8_t ans[FRAME];
	struct certify_msg m;

	case_begin(fx);
	frame_send(fx->term, big, sizeof big);
	assert_int_equal(frame_recv(fx->term, ans, sizeof ans, WAIT_MS), -1);
	msg_wait(fx, 0, false, &m);
	assert_false(m.rq_ok);
	assert_non_null(strstr(m.rq_error, "2049 bytes"));
	assert_int_equal(fx->reached, 0);
}

/* The quiet time: since the case began, then since the last request. */
static void quiet_since_the_last_request(void **state)
{
	struct fixture *fx = *state;
	uint8_t ans[FRAME];

	sleep_ms(100);
	case_begin(fx);
	assert_true(certify_proxy_quiet_ms(fx->px) < 100);
	sleep_ms(300);
	assert_true(certify_proxy_quiet_ms(fx->px) >= 300);
	assert_true(exchange(fx, "0800", "000011", ans, WAIT_MS) > 0);
	assert_true(certify_proxy_quiet_ms(fx->px) < 300);
}

/* The upstream gone: the terminal's connection closed; a bad configuration refused. */
static void host_gone_closes_and_bad_config(void **state)
{
	struct fixture *fx = *state;
	struct certify_proxy_config cfg = {.host_port = 0};
	certify_proxy *px = (certify_proxy *)fx;
	uint8_t ans[FRAME];
	int port;

	assert_true(exchange(fx, "0800", "000011", ans, WAIT_MS) > 0); /* the host has it */
	fx->stop = 1; /* the fake host closes its connection */
	assert_int_equal(frame_recv(fx->term, ans, sizeof ans, WAIT_MS), -1);
	assert_int_equal(certify_proxy_start(&cfg, &px, &port), CERTIFY_EARG);
	assert_null(px);
	cfg.host_port = 1;
	cfg.listen = "no such address";
	assert_int_equal(certify_proxy_start(&cfg, &px, &port), CERTIFY_EARG);
	cfg.listen = "127.0.0.1";
	cfg.port = fx->port; /* taken */
	assert_int_equal(certify_proxy_start(&cfg, &px, &port), CERTIFY_ENET);
	certify_proxy_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	    T(pass_relays_and_records),
	    T(nothing_recorded_between_cases),
	    T(answer_is_certifys_own),
	    T(lose_never_delivers),
	    T(late_comes_before_the_next_request),
	    T(late_comes_when_the_case_ends),
	    T(bad_mac_changes_64_only),
	    T(bad_kcv_changes_62_only),
	    T(totals_differ_sets_the_flags),
	    T(close_closes),
	    T(nth_applies_to_the_nth_only),
	    T(unreadable_request_relayed_and_recorded),
	    T(frame_too_long_closes),
	    T(quiet_since_the_last_request),
	    T(host_gone_closes_and_bad_config),
#undef T
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
