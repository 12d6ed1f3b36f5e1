/* proxy.c — the proxy between the terminal under test and its test host (internal.h): for
 * each connection the terminal makes, one connection to the host's terminal port, frames
 * relayed both ways on a libuv loop of the proxy's own thread. Each request goes into the
 * current case's transcript with the answer the terminal got, and the case's `host`
 * behaviours are played on it: its answer relayed, made by certify itself (`answer RC`, MACed
 * as the host MACs its own), dropped, held until the terminal's next request, or spoilt (its
 * MAC, the sign-in's first key), the settlement's totals changed on their way to the host so
 * that it finds them differing; or the connection closed.
 *
 * Threads: the loop's thread alone touches the connections, the current case and its
 * messages' answers; the run's thread hands a new case over through an async handle and waits
 * until the loop has taken it, and reads the transcript under the lock, which the loop's
 * thread holds while it writes one. cup-pos answers come in the order of their requests on a
 * connection, so an answer belongs to the oldest request forwarded on it not answered yet.
 * SIGPIPE: the program ignores it, as for the net layer (net.h). */
#include "certify/internal.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "crypto/crypto.h"
#include "rcode/rcode.h"

#define LEN_HEADER   2  /* the frame's big-endian length */
#define ENVELOPE_LEN 11 /* TPDU 5, header 6 (docs/cup-pos.md "Framing") */
#define MAC_LEN      8
#define READ_CAP     (LEN_HEADER + CERTIFY_FRAME_MAX)

/* A request forwarded to the host whose answer the terminal has not got: waiting for it, or
 * (`late`) holding it until the terminal's next request. */
struct pending {
	struct pending *next;
	struct certify_msg *msg; /* where its answer is recorded; NULL nowhere (no case then,
	                            or the case it came in has ended) */
	enum certify_effect effect;
	size_t len; /* the answer held; 0 until it came */
	uint8_t ans[CERTIFY_FRAME_MAX];
};

struct queue {
	struct pending *head, *tail;
};

struct pair;

/* One side of a pair: the terminal's connection or the host's. */
struct side {
	uv_tcp_t tcp;
	struct pair *p;
	bool terminal;
	bool open; /* initialised and not closed */
	size_t len;
	uint8_t buf[READ_CAP];
};

/* A connection of the terminal and the one made to the host for it. Freed when both sides'
 * handles have closed. */
struct pair {
	certify_proxy *px;
	struct pair *prev, *next;
	int id; /* 1.. within the run */
	int handles;
	bool closing;
	uv_connect_t connect;
	struct side term, host;
	struct queue waiting, held;
};

/* A frame on its way, with its length header, and the write sending it. */
struct send {
	uv_write_t w;
	uint8_t data[];
};

struct certify_proxy {
	uv_loop_t loop;
	uv_tcp_t listener;
	uv_async_t async;
	bool listening, async_open;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t switched;
	const iso8583_profile *p;
	hsm *h;
	int host_port;
	int (*mak)(void *ctx, char *block, size_t cap);
	void *mak_ctx;
	struct pair *pairs;
	int n_conns;
	unsigned rrn; /* the last of certify's own RRNs */
	/* The loop's thread's; written under lock where the run's reads them. */
	struct certify_case_result *cr;
	int64_t began_ms, last_ms;
	/* Under lock: what the run's thread asks of the loop. */
	struct certify_case_result *next_cr;
	bool switching, stopping, running;
};

static void queue_push(struct queue *q, struct pending *e)
{
	e->next = NULL;
	if (q->tail != NULL)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
}

static struct pending *queue_pop(struct queue *q)
{
	struct pending *e = q->head;

	if (e != NULL && (q->head = e->next) == NULL)
		q->tail = NULL;
	return e;
}

static void queue_free(struct queue *q)
{
	struct pending *e;

	while ((e = queue_pop(q)) != NULL)
		free(e);
}

/* A frame's message (after the TPDU and header) unpacked into m, pointing into frame; env
 * (may be NULL) its envelope. CERTIFY_EARG, and why (may be NULL) says why, when it does not
 * unpack. */
static int frame_unpack(const iso8583_profile *p, const uint8_t *frame, size_t len,
                        iso8583_envelope *env, iso8583_msg *m, char *why, size_t cap)
{
	iso8583_diag d = {0};

	if (len < ENVELOPE_LEN || frame[0] != 0x60) {
		if (why != NULL)
			snprintf(why, cap,
			         "%zu bytes that do not start with a TPDU 60 and a header", len);
		return CERTIFY_EARG;
	}
	if (env != NULL) {
		memcpy(env->tpdu, frame, sizeof env->tpdu);
		memcpy(env->header, frame + sizeof env->tpdu, sizeof env->header);
	}
	if (iso8583_unpack(p, frame + ENVELOPE_LEN, len - ENVELOPE_LEN, m, &d) != ISO8583_OK) {
		if (why != NULL)
			snprintf(why, cap, "%s", d.text);
		return CERTIFY_EARG;
	}
	return CERTIFY_OK;
}

/* The request's MTI: unpacked, or its 2 BCD bytes after the envelope; "" neither. */
static void msg_mti(const struct certify_msg *m, char mti[5])
{
	const uint8_t *b = m->req + ENVELOPE_LEN;

	mti[0] = '\0';
	if (m->rq_ok)
		memcpy(mti, m->rq.mti, 5);
	else if (m->req_len >= ENVELOPE_LEN + 2 && (b[0] >> 4) < 10 && (b[0] & 15) < 10 &&
	         (b[1] >> 4) < 10 && (b[1] & 15) < 10)
		snprintf(mti, 5, "%02X%02X", b[0], b[1]);
}

/* The behaviour of cr's case for m, the last of its transcript: the first `host` line naming
 * its MTI and either every such request or its count in the case; `pass` when none does. */
static void behaviour_find(const struct certify_case_result *cr, const struct certify_msg *m,
                           struct certify_behaviour *out)
{
	char mti[5], other[5];
	int nth = 0;

	memset(out, 0, sizeof *out);
	out->effect = CERTIFY_PASS;
	msg_mti(m, mti);
	if (mti[0] == '\0' || cr->c == NULL)
		return;
	for (size_t i = 0; i < cr->tr.n; i++) {
		msg_mti(cr->tr.msgs[i], other);
		nth += strcmp(mti, other) == 0;
	}
	for (int i = 0; i < cr->c->n_host; i++) {
		const struct certify_behaviour *b = &cr->c->host[i];

		if (strcmp(b->mti, mti) == 0 && (b->nth == 0 || b->nth == nth)) {
			*out = *b;
			return;
		}
	}
}

/* Records a request into the current case's transcript (none: *out NULL and `pass`): the
 * frame, or (frame NULL) a frame of len bytes too long to read, which closes the
 * connection. */
static void request_record(struct pair *p, const uint8_t *frame, size_t len,
                           struct certify_msg **out, struct certify_behaviour *b)
{
	certify_proxy *px = p->px;
	int64_t now = certify_now_ms();
	struct certify_msg *m = px->cr != NULL ? calloc(1, sizeof *m) : NULL;

	memset(b, 0, sizeof *b);
	b->effect = frame != NULL ? CERTIFY_PASS : CERTIFY_CLOSE;
	if (m != NULL) {
		m->conn = p->id;
		m->at_ms = now - px->began_ms;
		m->answered_ms = -1;
		if (frame == NULL) {
			snprintf(
			    m->rq_error, sizeof m->rq_error,
			    "a frame of %zu bytes, more than the %d certify reads: connection closed",
			    len, CERTIFY_FRAME_MAX);
		} else {
			memcpy(m->req, frame, len);
			m->req_len = len;
			m->rq_ok = frame_unpack(px->p, m->req, len, NULL, &m->rq, m->rq_error,
			                        sizeof m->rq_error) == CERTIFY_OK;
		}
	}
	pthread_mutex_lock(&px->lock);
	px->last_ms = now;
	if (m != NULL && certify_transcript_add(&px->cr->tr, m) != CERTIFY_OK) {
		free(m);
		m = NULL;
	}
	if (m != NULL && frame != NULL)
		behaviour_find(px->cr, m, b);
	if (m != NULL)
		m->effect = b->effect;
	pthread_mutex_unlock(&px->lock);
	*out = m;
}

/* ---- Connections -------------------------------------------------------------------- */

/* One of p's handles gone: p freed with the last. */
static void pair_release(struct pair *p)
{
	if (--p->handles > 0)
		return;
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		p->px->pairs = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	queue_free(&p->waiting);
	queue_free(&p->held); /* held answers of a closed connection are dropped */
	free(p);
}

static void on_side_closed(uv_handle_t *hd)
{
	pair_release(((struct side *)hd->data)->p);
}

/* Closes both sides; the pair is freed when they have. */
static void pair_close(struct pair *p)
{
	struct side *sides[2] = {&p->term, &p->host};

	if (p->closing)
		return;
	p->closing = true;
	for (int i = 0; i < 2; i++)
		if (sides[i]->open) {
			sides[i]->open = false;
			uv_close((uv_handle_t *)&sides[i]->tcp, on_side_closed);
		}
}

static void on_sent(uv_write_t *w, int status)
{
	struct side *s = w->handle->data;

	free(w);
	if (status < 0)
		pair_close(s->p);
}

/* Writes the frame (len bytes, without its length) to s, its length before it; a closing
 * pair sends nothing. CERTIFY_ENET when it cannot be written (the pair closed). */
static int side_send(struct side *s, const uint8_t *frame, size_t len)
{
	struct send *w;
	uv_buf_t buf;

	if (s->p->closing)
		return CERTIFY_ENET;
	assert(len <= CERTIFY_FRAME_MAX);
	if ((w = malloc(sizeof *w + LEN_HEADER + len)) == NULL) {
		pair_close(s->p);
		return CERTIFY_ENOMEM;
	}
	w->data[0] = (uint8_t)(len >> 8);
	w->data[1] = (uint8_t)len;
	memcpy(w->data + LEN_HEADER, frame, len);
	buf = uv_buf_init((char *)w->data, (unsigned)(LEN_HEADER + len));
	if (uv_write(&w->w, (uv_stream_t *)&s->tcp, &buf, 1, on_sent) != 0) {
		free(w);
		pair_close(s->p);
		return CERTIFY_ENET;
	}
	return CERTIFY_OK;
}

/* The answer (len bytes) to the terminal, and into msg (may be NULL) as the one it got. */
static void answer_deliver(struct pair *p, struct certify_msg *msg, const uint8_t *frame,
                           size_t len)
{
	certify_proxy *px = p->px;

	if (side_send(&p->term, frame, len) != CERTIFY_OK || msg == NULL)
		return;
	pthread_mutex_lock(&px->lock);
	memcpy(msg->ans, frame, len);
	msg->ans_len = len;
	msg->answered_ms = certify_now_ms() - px->began_ms;
	msg->an_ok = frame_unpack(px->p, msg->ans, len, NULL, &msg->an, NULL, 0) == CERTIFY_OK;
	if (!msg->an_ok || !iso8583_has(&msg->an, 39) ||
	    iso8583_get(&msg->an, 39, msg->rc, sizeof msg->rc, NULL) != ISO8583_OK)
		msg->rc[0] = '\0';
	pthread_mutex_unlock(&px->lock);
}

/* The `late` answers held on p, delivered now. */
static void held_deliver(struct pair *p)
{
	struct pending *e;

	while ((e = queue_pop(&p->held)) != NULL) {
		answer_deliver(p, e->msg, e->ans, e->len);
		free(e);
	}
}

/* ---- What certify does to answers ----------------------------------------------------- */

/* The terminal's MAC key, from the caller. CERTIFY_ENOTFOUND when there is none. */
static int mak_get(certify_proxy *px, hsm_key *k)
{
	char block[HSM_KEY_MAX + 1] = "";
	int rc = CERTIFY_ENOTFOUND;

	if (px->mak != NULL && px->mak(px->mak_ctx, block, sizeof block) == 0 && block[0] != '\0')
		rc = hsm_key_set(k, block) == HSM_OK ? CERTIFY_OK : CERTIFY_ENOTFOUND;
	crypto_wipe(block, sizeof block);
	return rc;
}

/* The requests whose answers the host MACs: they move money or reverse (docs/cup-pos.md). */
static bool mti_macs(const char *mti)
{
	static const char *const macs[] = {"0100", "0200", "0220", "0400"};

	for (size_t i = 0; i < sizeof macs / sizeof macs[0]; i++)
		if (strcmp(mti, macs[i]) == 0)
			return true;
	return false;
}

/* The time fields of certify's answer (12 hhmmss, 13 MMDD, local as the host's) and its RRN
 * (37): the time and a count of its own, 12 digits. */
static void answer_stamp(certify_proxy *px, char f12[7], char f13[5], char f37[13])
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(f12, 7, "%H%M%S", &tm);
	strftime(f13, 5, "%m%d", &tm);
	px->rrn = (px->rrn + 1) % 1000000;
	snprintf(f37, 13, "%.6s%06u", f12, px->rrn);
}

/* m packed into out (capacity CERTIFY_FRAME_MAX; *len its bytes, without the length) in the
 * envelope env; MACed under mak (may be NULL: not MACed) as src/acquirer/respond.c MACs the
 * host's answers: every byte from the MTI to before 64. */
static int answer_pack(certify_proxy *px, const iso8583_envelope *env, const iso8583_msg *m,
                       const hsm_key *mak, uint8_t *out, size_t *len)
{
	uint8_t buf[READ_CAP];
	size_t n;

	if (iso8583_pack_framed(px->p, env, m, buf, sizeof buf, &n, NULL) != ISO8583_OK)
		return CERTIFY_EARG;
	n -= LEN_HEADER;
	memcpy(out, buf + LEN_HEADER, n);
	*len = n;
	if (mak == NULL)
		return CERTIFY_OK;
	if (n < ENVELOPE_LEN + MAC_LEN ||
	    hsm_mac_generate(px->h, mak, HSM_MAC_CUP_ECB, out + ENVELOPE_LEN,
	                     n - ENVELOPE_LEN - MAC_LEN, out + n - MAC_LEN, MAC_LEN) != HSM_OK)
		return CERTIFY_EARG;
	return CERTIFY_OK;
}

/* certify's own answer to m (`answer RC`), as the host makes one: MTI + 10, the request's
 * 3, 4, 11, 25, 41, 42, 49 and 60, the time, an RRN and code (39), in the answer's envelope,
 * MACed under the terminal's MAK when the request is one whose answers the host MACs — but for
 * A0, which says the host no longer trusts that key (src/acquirer/respond.c leaves it off). */
static int answer_make(certify_proxy *px, const struct certify_msg *m, const char *code,
                       uint8_t *out, size_t *len)
{
	static const int echo[] = {3, 4, 11, 25, 41, 42, 49, 60};
	static const uint8_t zero[MAC_LEN] = {0};
	char mti[5], f12[7], f13[5], f37[13];
	iso8583_envelope rq_env, env;
	iso8583_msg a;
	hsm_key mak;
	bool mac;
	int rc;

	if (!m->rq_ok)
		return CERTIFY_EARG;
	memcpy(rq_env.tpdu, m->req, sizeof rq_env.tpdu);
	memcpy(rq_env.header, m->req + sizeof rq_env.tpdu, sizeof rq_env.header);
	iso8583_envelope_reply(&rq_env, &env);
	memcpy(mti, m->rq.mti, sizeof mti);
	mti[2]++;
	iso8583_msg_init(&a);
	iso8583_set_mti(&a, mti);
	a.wire = m->rq.wire;
	for (size_t i = 0; i < sizeof echo / sizeof echo[0]; i++)
		if (iso8583_has(&m->rq, echo[i])) {
			iso8583_set(&a, echo[i], m->rq.field[echo[i]].data,
			            m->rq.field[echo[i]].len);
			a.field[echo[i]] = m->rq.field[echo[i]]; /* in the wire form it came in */
		}
	answer_stamp(px, f12, f13, f37);
	iso8583_set_str(&a, 12, f12);
	iso8583_set_str(&a, 13, f13);
	iso8583_set_str(&a, 37, f37);
	iso8583_set_str(&a, 39, code);
	mac = mti_macs(m->rq.mti) && strcmp(code, RCODE_MAC_ERROR) != 0 &&
	      mak_get(px, &mak) == CERTIFY_OK;
	if (mac)
		iso8583_set(&a, 64, zero, sizeof zero);
	rc = answer_pack(px, &env, &a, mac ? &mak : NULL, out, len);
	crypto_wipe(&mak, sizeof mak);
	return rc;
}

/* `bad-mac`: every byte of the answer's MAC (64, the frame's last 8 bytes) changed, hex
 * digits into other hex digits, so that only its value is wrong. */
static void spoil_mac(const iso8583_profile *p, uint8_t *frame, size_t len)
{
	iso8583_msg m;

	if (frame_unpack(p, frame, len, NULL, &m, NULL, 0) != CERTIFY_OK || !iso8583_has(&m, 64) ||
	    len < ENVELOPE_LEN + MAC_LEN)
		return;
	for (uint8_t *b = frame + len - MAC_LEN; b < frame + len; b++)
		if (*b >= '0' && *b <= '9')
			*b ^= 0x01; /* 0↔1 … 8↔9 */
		else if ((*b >= 'A' && *b <= 'F') || (*b >= 'a' && *b <= 'f'))
			*b ^= 0x07; /* A↔F, B↔E, C↔D */
		else
			*b ^= 0xFF;
}

/* `bad-kcv`: the first key of 62 (PIK: 16 bytes, then its 4-byte check value), its bytes
 * inverted, which keeps each byte's DES parity but not the key its check value is of. */
static int spoil_kcv(uint8_t *v, size_t n)
{
	if (n < 20)
		return CERTIFY_ENOTFOUND;
	for (size_t i = 0; i < 16; i++)
		v[i] ^= 0xFF;
	return CERTIFY_OK;
}

/* `totals-differ`: the settlement's totals as the host gets them counting one sale more than
 * the terminal's (48's domestic sales count, n3 after the n12 amount: docs/cup-pos.md
 * "Settlement"), so that the host itself finds they differ, answers 2 and keeps the batch
 * open for the upload — the terminal's request stays in the transcript as it sent it. Spoiling
 * the answer's flag instead would leave the host with a batch it had closed. */
static int spoil_totals(uint8_t *v, size_t n)
{
	int count;

	if (n < 15 || strspn((const char *)v + 12, "0123456789") < 3)
		return CERTIFY_ENOTFOUND;
	count = ((v[12] - '0') * 100 + (v[13] - '0') * 10 + (v[14] - '0') + 1) % 1000;
	v[12] = (uint8_t)('0' + count / 100);
	v[13] = (uint8_t)('0' + count / 10 % 10);
	v[14] = (uint8_t)('0' + count % 10);
	return CERTIFY_OK;
}

/* Field f of the message in frame (*len bytes, capacity CERTIFY_FRAME_MAX), when it is an mti,
 * changed by spoil and the answer packed again in its place. */
static int spoil_field(const iso8583_profile *p, uint8_t *frame, size_t *len, const char *mti,
                       int f, int (*spoil)(uint8_t *v, size_t n))
{
	uint8_t v[CERTIFY_FRAME_MAX], out[READ_CAP];
	iso8583_envelope env;
	iso8583_msg m;
	size_t n;

	if (frame_unpack(p, frame, *len, &env, &m, NULL, 0) != CERTIFY_OK ||
	    strcmp(m.mti, mti) != 0 || !iso8583_has(&m, f) ||
	    iso8583_get(&m, f, v, sizeof v, &n) != ISO8583_OK || spoil(v, n) != CERTIFY_OK)
		return CERTIFY_ENOTFOUND;
	iso8583_set(&m, f, v, n);
	if (iso8583_pack_framed(p, &env, &m, out, sizeof out, &n, NULL) != ISO8583_OK ||
	    n - LEN_HEADER > CERTIFY_FRAME_MAX)
		return CERTIFY_EARG;
	memcpy(frame, out + LEN_HEADER, n - LEN_HEADER);
	*len = n - LEN_HEADER;
	return CERTIFY_OK;
}

/* ---- Frames --------------------------------------------------------------------------- */

/* The terminal's request: the late answers held before it delivered, recorded, then the
 * case's behaviour for it. */
static void request_arrived(struct pair *p, const uint8_t *frame, size_t len)
{
	uint8_t ans[CERTIFY_FRAME_MAX];
	struct certify_behaviour b;
	struct certify_msg *m;
	struct pending *e;
	size_t n;

	held_deliver(p);
	if (p->closing)
		return;
	request_record(p, frame, len, &m, &b);
	if (b.effect == CERTIFY_CLOSE) {
		pair_close(p);
		return;
	}
	if (b.effect == CERTIFY_ANSWER) {
		if (answer_make(p->px, m, b.rc, ans, &n) == CERTIFY_OK) {
			answer_deliver(p, m, ans, n);
			return;
		}
		b.effect = CERTIFY_PASS; /* a request that does not unpack is relayed */
		pthread_mutex_lock(&p->px->lock);
		m->effect = CERTIFY_PASS;
		pthread_mutex_unlock(&p->px->lock);
	}
	if ((e = calloc(1, sizeof *e)) == NULL) {
		pair_close(p);
		return;
	}
	e->msg = m;
	e->effect = b.effect;
	queue_push(&p->waiting, e);
	if (b.effect == CERTIFY_TOTALS_DIFFER && len <= sizeof ans) {
		memcpy(ans, frame, len); /* the host gets other totals than the terminal sent */
		n = len;
		spoil_field(p->px->p, ans, &n, "0500", 48, spoil_totals);
		side_send(&p->host, ans, n);
		return;
	}
	side_send(&p->host, frame, len);
}

/* The host's answer, to the oldest request waiting on the pair, as its behaviour says. */
static void answer_arrived(struct pair *p, const uint8_t *frame, size_t len)
{
	const iso8583_profile *prof = p->px->p;
	struct pending *e = queue_pop(&p->waiting);

	if (e == NULL) {
		answer_deliver(p, NULL, frame, len); /* asked by nothing: relayed as it is */
		return;
	}
	memcpy(e->ans, frame, len);
	e->len = len;
	switch (e->effect) {
	case CERTIFY_LOSE:
		free(e);
		return;
	case CERTIFY_LATE:
		queue_push(&p->held, e);
		return;
	case CERTIFY_BAD_MAC:
		spoil_mac(prof, e->ans, e->len);
		break;
	case CERTIFY_BAD_KCV:
		spoil_field(prof, e->ans, &e->len, "0810", 62, spoil_kcv);
		break;
	default:
		break;
	}
	answer_deliver(p, e->msg, e->ans, e->len);
	free(e);
}

/* Every whole frame read on s handled; a frame longer than certify reads (or empty) closes
 * the pair, recorded as a request that did not read when the terminal sent it. */
static void side_frames(struct side *s)
{
	struct pair *p = s->p;
	struct certify_behaviour b;
	struct certify_msg *m;
	size_t whole;

	while (!p->closing && iso8583_frame_size(p->px->p, s->buf, s->len, &whole) == ISO8583_OK) {
		if (whole == LEN_HEADER || whole > READ_CAP) {
			if (s->terminal)
				request_record(p, NULL, whole - LEN_HEADER, &m, &b);
			pair_close(p);
			return;
		}
		if (s->len < whole)
			return;
		if (s->terminal)
			request_arrived(p, s->buf + LEN_HEADER, whole - LEN_HEADER);
		else
			answer_arrived(p, s->buf + LEN_HEADER, whole - LEN_HEADER);
		memmove(s->buf, s->buf + whole, s->len - whole);
		s->len -= whole;
	}
}

static void on_alloc(uv_handle_t *hd, size_t suggested, uv_buf_t *buf)
{
	struct side *s = hd->data;

	(void)suggested;
	*buf = uv_buf_init((char *)s->buf + s->len, (unsigned)(READ_CAP - s->len));
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
	struct side *s = st->data;

	(void)buf;
	if (nread < 0) {
		pair_close(s->p); /* either side gone: both closed */
		return;
	}
	s->len += (size_t)nread;
	side_frames(s);
}

static void on_connected(uv_connect_t *req, int status)
{
	struct pair *p = req->data;

	if (status < 0 || p->closing) {
		pair_close(p);
		return;
	}
	uv_tcp_nodelay(&p->term.tcp, 1);
	uv_tcp_nodelay(&p->host.tcp, 1);
	if (uv_read_start((uv_stream_t *)&p->term.tcp, on_alloc, on_read) != 0 ||
	    uv_read_start((uv_stream_t *)&p->host.tcp, on_alloc, on_read) != 0)
		pair_close(p);
}

static int side_init(certify_proxy *px, struct pair *p, struct side *s, bool terminal)
{
	if (uv_tcp_init(&px->loop, &s->tcp) != 0)
		return CERTIFY_ENET;
	s->tcp.data = s;
	s->p = p;
	s->terminal = terminal;
	s->open = true;
	p->handles++;
	return CERTIFY_OK;
}

/* A terminal's connection: its pair, and the connection to the host started; the terminal
 * is read once that is made. */
static void on_accept(uv_stream_t *l, int status)
{
	certify_proxy *px = l->data;
	struct sockaddr_in up;
	struct pair *p;

	if (status < 0 || (p = calloc(1, sizeof *p)) == NULL)
		return;
	p->px = px;
	p->id = ++px->n_conns;
	if ((p->next = px->pairs) != NULL)
		p->next->prev = p;
	px->pairs = p;
	p->handles = 1; /* until both sides are initialised */
	if (side_init(px, p, &p->term, true) != CERTIFY_OK ||
	    uv_accept(l, (uv_stream_t *)&p->term.tcp) != 0 ||
	    side_init(px, p, &p->host, false) != CERTIFY_OK ||
	    uv_ip4_addr("127.0.0.1", px->host_port, &up) != 0)
		goto out;
	p->connect.data = p;
	if (uv_tcp_connect(&p->connect, &p->host.tcp, (const struct sockaddr *)&up, on_connected) !=
	    0)
		goto out;
	p->handles--;
	return;
out:
	pair_close(p);
	pair_release(p); /* the placeholder */
}

/* ---- The loop's thread and the run's ---------------------------------------------------- */

/* The case the run's thread handed over takes effect: the late answers held delivered (into
 * the case ending), the answers still awaited recorded nowhere. */
static void case_switch(certify_proxy *px)
{
	int64_t now = certify_now_ms();

	for (struct pair *p = px->pairs; p != NULL; p = p->next)
		held_deliver(p);
	pthread_mutex_lock(&px->lock);
	for (struct pair *p = px->pairs; p != NULL; p = p->next)
		for (struct pending *e = p->waiting.head; e != NULL; e = e->next)
			e->msg = NULL;
	px->cr = px->next_cr;
	px->began_ms = px->last_ms = now;
	px->switching = false;
	pthread_cond_broadcast(&px->switched);
	pthread_mutex_unlock(&px->lock);
}

/* Every handle closed: the loop then ends. */
static void loop_shut(certify_proxy *px)
{
	for (struct pair *p = px->pairs; p != NULL; p = p->next)
		pair_close(p);
	if (px->listening) {
		px->listening = false;
		uv_close((uv_handle_t *)&px->listener, NULL);
	}
	if (px->async_open) {
		px->async_open = false;
		uv_close((uv_handle_t *)&px->async, NULL);
	}
}

static void on_async(uv_async_t *a)
{
	certify_proxy *px = a->data;
	bool switching, stopping;

	pthread_mutex_lock(&px->lock);
	switching = px->switching;
	stopping = px->stopping;
	pthread_mutex_unlock(&px->lock);
	if (switching)
		case_switch(px);
	if (stopping)
		loop_shut(px);
}

static void *proxy_thread(void *arg)
{
	certify_proxy *px = arg;

	uv_run(&px->loop, UV_RUN_DEFAULT);
	pthread_mutex_lock(&px->lock);
	px->running = false;
	pthread_cond_broadcast(&px->switched);
	pthread_mutex_unlock(&px->lock);
	return NULL;
}

/* Listens on cfg's address and port; *port the one it got. */
static int proxy_listen(certify_proxy *px, const struct certify_proxy_config *cfg, int *port)
{
	const char *host = cfg->listen != NULL ? cfg->listen : "127.0.0.1";
	struct sockaddr_storage addr;
	int len = sizeof addr;

	if (uv_ip4_addr(host, cfg->port, (struct sockaddr_in *)&addr) != 0 &&
	    uv_ip6_addr(host, cfg->port, (struct sockaddr_in6 *)&addr) != 0)
		return CERTIFY_EARG;
	if (uv_tcp_init(&px->loop, &px->listener) != 0)
		return CERTIFY_ENET;
	px->listener.data = px;
	px->listening = true;
	if (uv_tcp_bind(&px->listener, (const struct sockaddr *)&addr, 0) != 0 ||
	    uv_listen((uv_stream_t *)&px->listener, 16, on_accept) != 0 ||
	    uv_tcp_getsockname(&px->listener, (struct sockaddr *)&addr, &len) != 0)
		return CERTIFY_ENET;
	*port = ntohs(addr.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
	                                         : ((struct sockaddr_in *)&addr)->sin_port);
	return CERTIFY_OK;
}

int certify_proxy_start(const struct certify_proxy_config *cfg, certify_proxy **out, int *port)
{
	certify_proxy *px;
	int rc;

	*out = NULL;
	if (cfg->port < 0 || cfg->port > 65535 || cfg->host_port <= 0 || cfg->host_port > 65535)
		return CERTIFY_EARG;
	if ((px = calloc(1, sizeof *px)) == NULL)
		return CERTIFY_ENOMEM;
	px->p = iso8583_profile_find("cup-pos");
	assert(px->p != NULL);
	px->h = cfg->h;
	px->host_port = cfg->host_port;
	px->mak = cfg->mak;
	px->mak_ctx = cfg->mak_ctx;
	px->began_ms = px->last_ms = certify_now_ms();
	pthread_mutex_init(&px->lock, NULL);
	pthread_cond_init(&px->switched, NULL);
	if (uv_loop_init(&px->loop) != 0) {
		rc = CERTIFY_ENOMEM;
		goto out;
	}
	if ((rc = proxy_listen(px, cfg, port)) != CERTIFY_OK)
		goto loop;
	rc = CERTIFY_ENOMEM;
	if (uv_async_init(&px->loop, &px->async, on_async) != 0)
		goto loop;
	px->async.data = px;
	px->async_open = px->running = true;
	if (pthread_create(&px->thread, NULL, proxy_thread, px) != 0)
		goto loop;
	*out = px;
	return CERTIFY_OK;
loop:
	loop_shut(px);
	uv_run(&px->loop, UV_RUN_DEFAULT);
	uv_loop_close(&px->loop);
out:
	pthread_cond_destroy(&px->switched);
	pthread_mutex_destroy(&px->lock);
	free(px);
	return rc;
}

void certify_proxy_case(certify_proxy *px, struct certify_case_result *cr)
{
	pthread_mutex_lock(&px->lock);
	px->next_cr = cr;
	px->switching = true;
	uv_async_send(&px->async);
	while (px->switching && px->running)
		pthread_cond_wait(&px->switched, &px->lock);
	pthread_mutex_unlock(&px->lock);
}

void certify_proxy_lock(certify_proxy *px)
{
	pthread_mutex_lock(&px->lock);
}

void certify_proxy_unlock(certify_proxy *px)
{
	pthread_mutex_unlock(&px->lock);
}

int64_t certify_proxy_quiet_ms(certify_proxy *px)
{
	int64_t last;

	pthread_mutex_lock(&px->lock);
	last = px->last_ms;
	pthread_mutex_unlock(&px->lock);
	return certify_now_ms() - last;
}

void certify_proxy_close(certify_proxy *px)
{
	int rc;

	if (px == NULL)
		return;
	pthread_mutex_lock(&px->lock);
	px->stopping = true;
	uv_async_send(&px->async);
	pthread_mutex_unlock(&px->lock);
	pthread_join(px->thread, NULL);
	rc = uv_loop_close(&px->loop);
	assert(rc == 0); /* every handle closed, every pair freed with its held answers */
	(void)rc;
	pthread_cond_destroy(&px->switched);
	pthread_mutex_destroy(&px->lock);
	free(px);
}
