/* outlink.c — an outgoing ISO 8583 link (outlink.h): connections that connect, sign on, echo
 * and reconnect with backoff; requests in flight kept in a table by key and in a list by
 * deadline (one timeout for all, so the order sent is the order due: one timer serves all). */
#include "net/outlink.h"

#include <netdb.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <jansson.h>

#include "common/hex.h"
#include "crypto/crypto.h"
#include "iso8583/profile.h"
#include "net/internal.h"
#include "net/link.h"
#include "net/trace.h"

#define NBUCKETS  1024
#define MAX_OUT   16384 /* a request packed */
#define RBUF_SIZE (NET_FRAME_HEADER + NET_MAX_FRAME)
#define TLS_CHUNK 16384 /* ciphertext read at once */

enum pending_kind { PEND_USER, PEND_SIGNON, PEND_ECHO };

struct pending {
	struct pending *hnext;       /* the bucket's chain */
	struct pending *prev, *next; /* by deadline */
	uint64_t id, deadline;
	enum pending_kind kind;
	outlink_cb cb;
	void *ctx;
	struct conn *conn; /* sign-on and echo: the connection, at generation gen */
	unsigned gen;
	unsigned absent; /* the key fields the request lacked */
	char key[OUTLINK_KEY_LEN];
};

struct conn {
	struct outlink *l;
	unsigned idx, gen; /* gen changes each time the connection is closed */
	enum outlink_conn_state state;
	uv_tcp_t tcp;
	bool tcp_open;
	uv_connect_t creq;
	uv_timer_t retry, echo;
	uint64_t last_io; /* loop time of the last message read or written */
	bool echo_out;
	unsigned failures;
	int64_t since_ms;
	uint8_t *rbuf; /* plaintext read: frames */
	size_t rlen;
	SSL *ssl; /* TLS: the connection's, reading and writing memory BIOs */
	BIO *rbio, *wbio;
	struct net_tls_conn tc;
	bool handshaken;
	uint8_t *cbuf; /* TLS: ciphertext read */
};

/* A frame being written, and the request it carries. */
struct wreq {
	uv_write_t w;
	struct conn *conn;
	unsigned gen;
	uint64_t id;
	char key[OUTLINK_KEY_LEN];
	uint8_t data[];
};

struct outlink {
	uv_loop_t *loop;
	struct outlink_config cfg;
	possum_log *log;
	char host[256], tls_name[256];
	char institution[12];
	int key[OUTLINK_KEY_MAX];
	struct conn conn[OUTLINK_CONN_MAX];
	unsigned rr;
	struct pending *bucket[NBUCKETS];
	struct pending *head, *tail;
	uv_timer_t deadline;
	uint64_t next_id, rng;
	unsigned stan;
	struct outlink_status st;
	unsigned absent_count[1u << OUTLINK_KEY_MAX]; /* requests in flight by key fields lacked */
	struct {
		char key[OUTLINK_KEY_LEN];
		unsigned absent;
	} late[OUTLINK_LATE_KEYS]; /* requests timed out: a ring */
	unsigned late_next, late_count[1u << OUTLINK_KEY_MAX];
	unsigned handles;
	bool closing;
};

static const int default_key[] = {11, 41, 7, 32};
static const int secret_fields[] = {2, 35, 36, 45, 52, 55};

static void conn_connect(struct conn *c);
static void conn_fail(struct conn *c, const char *why);
static void send_network(struct conn *c, const char *code);
static void echo_arm(struct conn *c);
static void conn_ready(struct conn *c);
static void set_state(struct conn *c, enum outlink_conn_state s);

static int64_t wall_ms(void)
{
	uv_timeval64_t tv;

	uv_gettimeofday(&tv);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void log_link(const struct outlink *l, int level, const char *event, json_t *extra)
{
	json_t *fields;

	if (l->log == NULL) {
		json_decref(extra);
		return;
	}
	fields = json_pack("{s:s}", "link", l->cfg.name);
	if (extra != NULL)
		json_object_update(fields, extra);
	json_decref(extra);
	log_event(l->log, level, event, fields);
}

/* ---- the key ---- */

/* The key fields m lacks: bit i for l->key[i]. */
static unsigned absent_of(const struct outlink *l, const iso8583_msg *m)
{
	unsigned absent = 0;

	for (size_t i = 0; i < l->cfg.nkey; i++)
		if (!iso8583_has(m, l->key[i]))
			absent |= 1u << i;
	return absent;
}

/* The MTI class (outlink.h) and the key fields' values as text: "020 11=000001 41=T1 7=… 32",
 * a field in absent written bare whatever m holds (a request without it matches an answer that
 * adds it). */
static int key_of(const struct outlink *l, const iso8583_msg *m, unsigned absent,
                  char out[OUTLINK_KEY_LEN])
{
	const iso8583_profile *p = l->cfg.dialect;
	char value[OUTLINK_KEY_LEN];
	size_t used, n;

	if (strlen(m->mti) != 4 || strspn(m->mti, "0123456789") != 4)
		return OUTLINK_EARG;
	used = (size_t)snprintf(out, OUTLINK_KEY_LEN, "%c%c%c", m->mti[0], m->mti[1],
	                        '0' + ((m->mti[2] - '0') & ~1));
	for (size_t i = 0; i < l->cfg.nkey && used < OUTLINK_KEY_LEN; i++) {
		int f = l->key[i];
		value[0] = '\0';
		if (absent & (1u << i)) {
			used += (size_t)snprintf(out + used, OUTLINK_KEY_LEN - used, " %d", f);
			continue;
		}
		if (iso8583_has(m, f) &&
		    iso8583_field_text(p, m, f, value, sizeof value, &n) != ISO8583_OK)
			return OUTLINK_EARG;
		used += (size_t)snprintf(out + used, OUTLINK_KEY_LEN - used, " %d=%s", f, value);
	}
	return used < OUTLINK_KEY_LEN ? OUTLINK_OK : OUTLINK_EARG;
}

static unsigned key_hash(const char *key)
{
	uint32_t h = 2166136261u;

	for (; *key != '\0'; key++)
		h = (h ^ (uint8_t)*key) * 16777619u;
	return h % NBUCKETS;
}

/* ---- requests in flight ---- */

static struct pending *pending_find(const struct outlink *l, const char *key)
{
	struct pending *p = l->bucket[key_hash(key)];

	while (p != NULL && strcmp(p->key, key) != 0)
		p = p->hnext;
	return p;
}

static void on_deadline(uv_timer_t *t);

/* The timer set for the first request due. */
static void arm_deadline(struct outlink *l)
{
	uint64_t now = uv_now(l->loop);

	if (l->head == NULL || l->closing) {
		uv_timer_stop(&l->deadline);
		return;
	}
	uv_timer_start(&l->deadline, on_deadline,
	               l->head->deadline > now ? l->head->deadline - now : 0, 0);
}

static struct pending *pending_add(struct outlink *l, const char *key, unsigned absent,
                                   enum pending_kind kind)
{
	struct pending *p = calloc(1, sizeof *p);
	unsigned b = key_hash(key);

	if (p == NULL)
		return NULL;
	memcpy(p->key, key, OUTLINK_KEY_LEN);
	p->kind = kind;
	p->absent = absent;
	l->absent_count[absent]++;
	p->id = ++l->next_id;
	p->deadline = uv_now(l->loop) + l->cfg.timeout_ms;
	p->hnext = l->bucket[b];
	l->bucket[b] = p;
	p->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = p;
	else
		l->head = p;
	l->tail = p;
	l->st.in_flight++;
	if (l->head == p)
		arm_deadline(l);
	return p;
}

/* Takes p out of the table and the list (the caller frees it). */
static void pending_unlink(struct outlink *l, struct pending *p)
{
	struct pending **pp = &l->bucket[key_hash(p->key)];

	while (*pp != p)
		pp = &(*pp)->hnext;
	*pp = p->hnext;
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		l->head = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	else
		l->tail = p->prev;
	l->st.in_flight--;
	l->absent_count[p->absent]--;
}

/* A sign-on's or an echo's end, on its connection if that is still the one it went on. */
static void network_done(struct pending *p, int result, const iso8583_msg *answer)
{
	struct conn *c = p->conn;
	char rc[3] = "", why[64];

	if (c->gen != p->gen || c->l->closing)
		return;
	if (answer != NULL)
		iso8583_get(answer, 39, rc, sizeof rc, NULL);
	if (p->kind == PEND_ECHO)
		c->echo_out = false;
	if (result != OUTLINK_ANSWERED || strcmp(rc, "00") != 0) {
		snprintf(why, sizeof why, "%s %s%s", p->kind == PEND_ECHO ? "echo" : "sign-on",
		         result == OUTLINK_TIMEOUT    ? "not answered in time"
		         : result == OUTLINK_ANSWERED ? "answered "
		                                      : "not written",
		         rc);
		conn_fail(c, why);
		return;
	}
	if (p->kind == PEND_ECHO) {
		c->l->st.echoes++;
		c->l->st.last_echo_ms = wall_ms();
		return;
	}
	set_state(c, OUTLINK_CONN_UP);
	c->failures = 0;
	log_link(c->l, LOG_INFO, "link_signed_on", json_pack("{s:i}", "connection", c->idx));
	if (++c->l->st.signed_on == 1)
		log_link(c->l, LOG_INFO, "link_up", NULL);
	echo_arm(c);
}

/* A request timed out, kept in the ring to tell its late answer. */
static void remember_late(struct outlink *l, const struct pending *p)
{
	unsigned i = l->late_next++ % OUTLINK_LATE_KEYS;

	if (l->late[i].key[0] != '\0')
		l->late_count[l->late[i].absent]--;
	memcpy(l->late[i].key, p->key, OUTLINK_KEY_LEN);
	l->late[i].absent = p->absent;
	l->late_count[p->absent]++;
}

/* The request in flight m answers, trying each set of key fields lacked by one; NULL none. */
static struct pending *match(const struct outlink *l, const iso8583_msg *m)
{
	char key[OUTLINK_KEY_LEN];
	struct pending *p;

	for (unsigned a = 0; a < 1u << l->cfg.nkey; a++)
		if (l->absent_count[a] > 0 && key_of(l, m, a, key) == OUTLINK_OK &&
		    (p = pending_find(l, key)) != NULL)
			return p;
	return NULL;
}

/* Whether m answers a request that has timed out (among the last OUTLINK_LATE_KEYS). */
static bool is_late(const struct outlink *l, const iso8583_msg *m)
{
	char key[OUTLINK_KEY_LEN];

	for (unsigned a = 0; a < 1u << l->cfg.nkey; a++) {
		if (l->late_count[a] == 0 || key_of(l, m, a, key) != OUTLINK_OK)
			continue;
		for (unsigned i = 0; i < OUTLINK_LATE_KEYS; i++)
			if (l->late[i].absent == a && strcmp(l->late[i].key, key) == 0)
				return true;
	}
	return false;
}

/* Ends p: out of the table, its callback (or the connection's handling), freed. */
static void complete(struct outlink *l, struct pending *p, int result, const iso8583_msg *answer)
{
	pending_unlink(l, p);
	if (p->kind == PEND_USER) {
		if (result == OUTLINK_ANSWERED)
			l->st.answered++;
		else if (result == OUTLINK_TIMEOUT)
			l->st.timed_out++;
		else if (result == OUTLINK_DOWN)
			l->st.down++;
		if (result == OUTLINK_TIMEOUT) {
			remember_late(l, p);
			log_link(l, LOG_WARN, "request_timeout", json_pack("{s:s}", "key", p->key));
		}
		p->cb(p->ctx, result, answer);
	} else {
		network_done(p, result, answer);
	}
	free(p);
}

static void on_deadline(uv_timer_t *t)
{
	struct outlink *l = t->data;
	uint64_t now = uv_now(l->loop);

	while (l->head != NULL && l->head->deadline <= now)
		complete(l, l->head, OUTLINK_TIMEOUT, NULL);
	arm_deadline(l);
}

/* ---- writing ---- */

static void on_written(uv_write_t *w, int status)
{
	struct wreq *wr = (struct wreq *)w;
	struct conn *c = wr->conn;
	struct outlink *l = c->l;
	struct pending *p;

	if (status < 0 && !l->closing) {
		p = pending_find(l, wr->key);
		if (p != NULL && p->id == wr->id)
			complete(l, p, OUTLINK_DOWN, NULL);
		if (c->gen == wr->gen)
			conn_fail(c, uv_strerror(status));
	}
	free(wr);
}

/* A write of len bytes for the request p (NULL: none); NULL out of memory. */
static struct wreq *wreq_new(struct conn *c, size_t len, const struct pending *p)
{
	struct wreq *wr = malloc(sizeof *wr + len);

	if (wr == NULL)
		return NULL;
	wr->conn = c;
	wr->gen = c->gen;
	wr->id = p != NULL ? p->id : 0;
	memcpy(wr->key, p != NULL ? p->key : "", p != NULL ? OUTLINK_KEY_LEN : 1);
	return wr;
}

/* Writes wr's len bytes on c's socket; wr is freed either way. */
static int write_raw(struct conn *c, struct wreq *wr, size_t len)
{
	uv_buf_t buf = uv_buf_init((char *)wr->data, (unsigned)len);

	if (uv_write(&wr->w, (uv_stream_t *)&c->tcp, &buf, 1, on_written) < 0) {
		free(wr);
		return OUTLINK_EDOWN;
	}
	return OUTLINK_OK;
}

/* TLS: writes the ciphertext the SSL has for the socket, for the request p (NULL: none). */
static int tls_flush(struct conn *c, const struct pending *p)
{
	size_t n = BIO_ctrl_pending(c->wbio);
	struct wreq *wr;

	if (n == 0)
		return OUTLINK_OK;
	if ((wr = wreq_new(c, n, p)) == NULL)
		return OUTLINK_ENOMEM;
	return write_raw(c, wr, (size_t)BIO_read(c->wbio, wr->data, (int)n));
}

/* Frames msg (len bytes) and writes it on c, for the request p (NULL: none): through the SSL
 * on a TLS connection (the plaintext wiped). */
static int write_frame(struct conn *c, const uint8_t *msg, size_t len, const struct pending *p)
{
	struct wreq *wr = wreq_new(c, NET_FRAME_HEADER + len, p);
	int rc, n;

	if (wr == NULL)
		return OUTLINK_ENOMEM;
	if (net_frame_header(len, wr->data) != NET_OK) {
		free(wr);
		return OUTLINK_EPACK;
	}
	memcpy(wr->data + NET_FRAME_HEADER, msg, len);
	if (c->ssl == NULL) {
		rc = write_raw(c, wr, NET_FRAME_HEADER + len);
	} else {
		n = SSL_write(c->ssl, wr->data, (int)(NET_FRAME_HEADER + len));
		ERR_clear_error();
		crypto_wipe(wr->data, NET_FRAME_HEADER + len);
		free(wr);
		rc = n > 0 ? tls_flush(c, p) : OUTLINK_EDOWN;
	}
	if (rc != OUTLINK_OK)
		return rc;
	if (c->l->cfg.trace)
		net_trace(c->l->log, c->l->cfg.dialect, c->l->cfg.name, "out", c->l->host, msg,
		          len);
	c->last_io = uv_now(c->l->loop);
	return OUTLINK_OK;
}

/* The MAC field of m: 128 when it has a field above 64, else 64. */
static int mac_field(const iso8583_msg *m)
{
	return iso8583_next(m, 64) > 0 && iso8583_next(m, 64) < 128 ? 128 : 64;
}

/* The MAC of the packed message buf (len bytes, its MAC field last, mac_len bytes of it on the
 * wire: 8 raw or 16 hex) into out; 0 or -1. */
static int mac_of(const struct outlink *l, const uint8_t *buf, size_t len, size_t mac_len,
                  uint8_t out[8])
{
	if (len < mac_len || (mac_len != 8 && mac_len != 16))
		return -1;
	return l->cfg.mac(l->cfg.mac_ctx, buf, len - mac_len, out);
}

/* m packed into out (*len), MACed when the link has a MAC and m is not network management:
 * its MAC field packed as zeros, its place found as what it adds to the packed length, then
 * filled in the dialect's form. */
static int pack_mac(struct outlink *l, const iso8583_msg *m, uint8_t *out, size_t cap, size_t *len,
                    iso8583_diag *diag)
{
	static const uint8_t zero[8] = {0};
	iso8583_msg mm;
	size_t bare;
	uint8_t mac[8];
	int f;

	if (l->cfg.mac == NULL || strncmp(m->mti, "08", 2) == 0)
		return iso8583_pack(l->cfg.dialect, m, out, cap, len, diag);
	mm = *m;
	f = mac_field(&mm);
	iso8583_unset(&mm, f);
	if (iso8583_pack(l->cfg.dialect, &mm, out, cap, &bare, diag) != ISO8583_OK)
		return -1;
	iso8583_set(&mm, f, zero, sizeof zero);
	if (iso8583_pack(l->cfg.dialect, &mm, out, cap, len, diag) != ISO8583_OK)
		return -1;
	if (mac_of(l, out, *len, *len - bare, mac) != 0) {
		snprintf(diag->text, sizeof diag->text, "the MAC could not be made");
		return -1;
	}
	if (*len - bare == 8)
		memcpy(out + *len - 8, mac, 8);
	else
		hex_encode(mac, 8, (char *)out + *len - 16, 17);
	crypto_wipe(mac, sizeof mac);
	return ISO8583_OK;
}

/* Packs m under the dialect and writes it on c. */
static int pack_write(struct conn *c, const iso8583_msg *m, const struct pending *p)
{
	uint8_t out[MAX_OUT + 1];
	iso8583_diag diag;
	size_t len;

	if (pack_mac(c->l, m, out, MAX_OUT, &len, &diag) != ISO8583_OK) {
		log_link(c->l, LOG_ERROR, "pack_failed",
		         json_pack("{s:s, s:s}", "mti", m->mti, "error", diag.text));
		return OUTLINK_EPACK;
	}
	return write_frame(c, out, len, p);
}

/* An answer's MAC, when the link has one and the answer carries 64 or 128: true when it is
 * right (or there is none to check). */
static bool answer_mac_ok(struct outlink *l, const iso8583_msg *m, const uint8_t *msg, size_t len)
{
	uint8_t got[9], want[8];
	size_t glen, wire;
	int f = iso8583_has(m, 128) ? 128 : 64;
	bool ok;

	if (l->cfg.mac == NULL || !iso8583_has(m, f))
		return true;
	if (iso8583_get(m, f, got, sizeof got, &glen) != ISO8583_OK || glen != 8)
		return false;
	/* Its form on the wire: hex text or raw bytes, as the dialect writes the field. */
	wire = l->cfg.dialect->fields[f].enc == ISO8583_ENC_HEX ? 16 : 8;
	ok = mac_of(l, msg, len, wire, want) == 0 && CRYPTO_memcmp(got, want, 8) == 0;
	crypto_wipe(want, sizeof want);
	return ok;
}

/* An 0800 with 70 = code (001 sign-on, 301 echo), 7 and a STAN of the link's own. */
static void send_network(struct conn *c, const char *code)
{
	struct outlink *l = c->l;
	char stan[7], when[11], key[OUTLINK_KEY_LEN];
	time_t now = time(NULL);
	struct tm tm;
	struct pending *p;
	iso8583_msg m;

	l->stan = l->stan % 999999 + 1;
	snprintf(stan, sizeof stan, "%06u", l->stan);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%m%d%H%M%S", &tm);
	iso8583_msg_init(&m);
	iso8583_set_mti(&m, "0800");
	iso8583_set_str(&m, 7, when);
	iso8583_set_str(&m, 11, stan);
	iso8583_set_str(&m, 70, code);
	if (l->cfg.institution != NULL)
		iso8583_set_str(&m, 33, l->cfg.institution);
	if (key_of(l, &m, absent_of(l, &m), key) != OUTLINK_OK || pending_find(l, key) != NULL ||
	    (p = pending_add(l, key, absent_of(l, &m),
	                     strcmp(code, "001") == 0 ? PEND_SIGNON : PEND_ECHO)) == NULL) {
		conn_fail(c, "cannot send network management");
		return;
	}
	p->conn = c;
	p->gen = c->gen;
	if (pack_write(c, &m, p) != OUTLINK_OK) {
		pending_unlink(l, p);
		free(p);
		conn_fail(c, "cannot send network management");
		return;
	}
	if (p->kind == PEND_ECHO)
		c->echo_out = true;
}

/* ---- echo ---- */

static void on_echo(uv_timer_t *t)
{
	struct conn *c = t->data;
	uint64_t idle = uv_now(c->l->loop) - c->last_io;

	if (c->state != OUTLINK_CONN_UP)
		return;
	if (!c->echo_out && idle >= c->l->cfg.echo_interval_ms)
		send_network(c, "301");
	if (c->state == OUTLINK_CONN_UP)
		echo_arm(c);
}

/* The echo timer set for when c will have been idle echo_interval_ms. */
static void echo_arm(struct conn *c)
{
	uint64_t idle = uv_now(c->l->loop) - c->last_io, every = c->l->cfg.echo_interval_ms;

	uv_timer_start(&c->echo, on_echo, idle >= every ? every : every - idle, 0);
}

/* ---- reading ---- */

/* A request from the peer: its 0800s answered 00, anything else dropped. */
static void peer_request(struct conn *c, const iso8583_msg *m)
{
	iso8583_msg resp;
	char code[4] = "";

	iso8583_get(m, 70, code, sizeof code, NULL);
	if (strcmp(m->mti, "0800") != 0 ||
	    (strcmp(code, "001") != 0 && strcmp(code, "002") != 0 && strcmp(code, "301") != 0)) {
		log_link(c->l, LOG_WARN, "unexpected_request",
		         json_pack("{s:s, s:s}", "mti", m->mti, "code", code));
		return;
	}
	if (net_link_respond(c->l->cfg.dialect, m, "00", &resp) == ISO8583_OK)
		pack_write(c, &resp, NULL);
}

/* An answer: to its request, or logged and dropped. */
static void answer(struct conn *c, const iso8583_msg *m)
{
	struct outlink *l = c->l;
	char key[OUTLINK_KEY_LEN] = "(unreadable)";
	struct pending *p;

	if ((p = match(l, m)) != NULL) {
		complete(l, p, OUTLINK_ANSWERED, m);
		return;
	}
	key_of(l, m, absent_of(l, m), key);
	if (is_late(l, m)) {
		l->st.late++;
		log_link(l, LOG_WARN, "late_answer", json_pack("{s:s}", "key", key));
		return;
	}
	l->st.unmatched++;
	log_link(l, LOG_ERROR, "unmatched_answer",
	         json_pack("{s:s, s:s, s:i}", "mti", m->mti, "key", key, "connection", c->idx));
}

static void handle_frame(struct conn *c, const uint8_t *msg, size_t len)
{
	struct outlink *l = c->l;
	iso8583_diag diag;
	iso8583_msg m;

	c->last_io = uv_now(l->loop);
	if (l->cfg.trace)
		net_trace(l->log, l->cfg.dialect, l->cfg.name, "in", l->host, msg, len);
	if (iso8583_unpack(l->cfg.dialect, msg, len, &m, &diag) != ISO8583_OK) {
		l->st.unmatched++;
		log_link(l, LOG_ERROR, "unpack_failed",
		         json_pack("{s:s, s:s}", "mti", m.mti, "error", diag.text));
		return;
	}
	if ((m.mti[2] - '0') % 2 == 0) {
		peer_request(c, &m);
	} else if (!answer_mac_ok(l, &m, msg, len)) {
		l->st.unmatched++;
		log_link(l, LOG_ERROR, "mac_failed", json_pack("{s:s}", "mti", m.mti));
	} else {
		answer(c, &m);
	}
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)suggested;
	if (c->ssl != NULL)
		*buf = uv_buf_init((char *)c->cbuf, TLS_CHUNK);
	else
		*buf = uv_buf_init((char *)c->rbuf + c->rlen, (unsigned)(RBUF_SIZE - c->rlen));
}

/* The whole frames read on c handled, the rest kept; false when c has closed meanwhile. */
static bool process_frames(struct conn *c)
{
	unsigned gen = c->gen;
	size_t off = 0, len;

	while (c->rlen - off >= NET_FRAME_HEADER && c->gen == gen && !c->l->closing) {
		if (net_frame_length(c->rbuf + off, NET_MAX_FRAME, &len) != NET_OK) {
			conn_fail(c, "a frame of length 0");
			return false;
		}
		if (c->rlen - off < NET_FRAME_HEADER + len)
			break;
		handle_frame(c, c->rbuf + off + NET_FRAME_HEADER, len);
		off += NET_FRAME_HEADER + len;
	}
	if (c->gen != gen || c->l->closing)
		return false;
	memmove(c->rbuf, c->rbuf + off, c->rlen - off);
	c->rlen -= off;
	return true;
}

/* The handshake goes on: 1 done (the sign-on sent), 0 more to come, -1 failed (the connection
 * closing, why logged). */
static int tls_handshake(struct conn *c)
{
	char why[160];
	int r = SSL_do_handshake(c->ssl), e;

	if (r == 1) {
		c->handshaken = true;
		conn_ready(c);
		return 1;
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		ERR_clear_error();
		return 0;
	}
	net_tls_why(c->ssl, r, false, why, sizeof why);
	tls_flush(c, NULL); /* the alert */
	conn_fail(c, why);
	return -1;
}

/* TLS: the ciphertext read goes through the SSL; the plaintext into frames. */
static void tls_feed(struct conn *c)
{
	unsigned gen = c->gen;
	int n, e;

	if (!c->handshaken && tls_handshake(c) <= 0) {
		if (c->gen == gen)
			tls_flush(c, NULL);
		return;
	}
	while (c->gen == gen && !c->l->closing) {
		if ((n = SSL_read(c->ssl, c->rbuf + c->rlen, (int)(RBUF_SIZE - c->rlen))) > 0) {
			c->rlen += (size_t)n;
			if (!process_frames(c))
				return;
			continue;
		}
		e = SSL_get_error(c->ssl, n);
		ERR_clear_error();
		if (e == SSL_ERROR_ZERO_RETURN)
			conn_fail(c, "closed by the peer");
		else if (e != SSL_ERROR_WANT_READ)
			conn_fail(c, "TLS: the connection failed");
		break;
	}
	if (c->gen == gen && !c->l->closing)
		tls_flush(c, NULL);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = s->data;

	(void)buf;
	if (nread < 0) {
		conn_fail(c, nread == UV_EOF ? "closed by the peer" : uv_strerror((int)nread));
		return;
	}
	if (c->ssl == NULL) {
		c->rlen += (size_t)nread;
		process_frames(c);
		return;
	}
	if (nread > 0 && BIO_write(c->rbio, c->cbuf, (int)nread) != (int)nread) {
		conn_fail(c, "out of memory");
		return;
	}
	tls_feed(c);
}

/* ---- connections ---- */

static void set_state(struct conn *c, enum outlink_conn_state s)
{
	c->state = s;
	c->since_ms = wall_ms();
}

static void maybe_free(struct outlink *l)
{
	if (!l->closing || l->handles > 0)
		return;
	for (unsigned i = 0; i < l->cfg.connections; i++) {
		free(l->conn[i].rbuf);
		free(l->conn[i].cbuf);
	}
	free(l);
}

static void on_conn_handle_closed(uv_handle_t *h)
{
	struct outlink *l = ((struct conn *)h->data)->l;

	l->handles--;
	maybe_free(l);
}

static void on_deadline_closed(uv_handle_t *h)
{
	struct outlink *l = h->data;

	l->handles--;
	maybe_free(l);
}

static void on_retry(uv_timer_t *t)
{
	conn_connect(t->data);
}

/* The next attempt after a capped exponential backoff, with jitter. */
static void retry_later(struct conn *c)
{
	struct outlink *l = c->l;
	unsigned shift = c->failures < 20 ? c->failures : 20;
	uint64_t d = (uint64_t)l->cfg.backoff_min_ms << shift;

	if (d > l->cfg.backoff_max_ms)
		d = l->cfg.backoff_max_ms;
	l->rng ^= l->rng << 13, l->rng ^= l->rng >> 7, l->rng ^= l->rng << 17;
	d = d / 2 + l->rng % (d / 2 + 1);
	c->failures++;
	set_state(c, OUTLINK_CONN_WAITING);
	uv_timer_start(&c->retry, on_retry, d, 0);
}

static void on_tcp_closed(uv_handle_t *h)
{
	struct conn *c = h->data;
	struct outlink *l = c->l;

	c->tcp_open = false;
	SSL_free(c->ssl); /* and its BIOs */
	c->ssl = NULL;
	l->handles--;
	if (l->closing)
		maybe_free(l);
	else
		retry_later(c);
}

/* Closes c (if open) and schedules the next attempt; why is logged. */
static void conn_fail(struct conn *c, const char *why)
{
	struct outlink *l = c->l;
	bool was_up = c->state == OUTLINK_CONN_UP;

	if (c->state == OUTLINK_CONN_CLOSING || c->state == OUTLINK_CONN_WAITING)
		return;
	c->gen++;
	c->echo_out = false;
	uv_timer_stop(&c->echo);
	uv_timer_stop(&c->retry);
	log_link(l, was_up ? LOG_ERROR : LOG_WARN,
	         was_up ? "link_connection_lost" : "link_connect_failed",
	         json_pack("{s:i, s:s, s:i}", "connection", c->idx, "why", why, "failures",
	                   c->failures));
	if (was_up) {
		l->st.reconnects++;
		if (--l->st.signed_on == 0)
			log_link(l, LOG_ERROR, "link_down", NULL);
	}
	if (!c->tcp_open) {
		retry_later(c);
		return;
	}
	set_state(c, OUTLINK_CONN_CLOSING);
	uv_close((uv_handle_t *)&c->tcp, on_tcp_closed);
}

/* Connected (and, under TLS, the handshake done): the sign-on goes. */
static void conn_ready(struct conn *c)
{
	uv_timer_stop(&c->retry);
	log_link(c->l, LOG_INFO, "link_connected",
	         json_pack("{s:i, s:b}", "connection", c->idx, "tls", c->ssl != NULL));
	c->last_io = uv_now(c->l->loop);
	set_state(c, OUTLINK_CONN_SIGNING_ON);
	send_network(c, "001");
}

/* TLS: c's SSL over memory BIOs, as a client checking the server's name; then the
 * handshake's first flight. */
static int tls_start(struct conn *c)
{
	struct outlink *l = c->l;

	if ((c->ssl = net_tls_ssl_mem(l->cfg.tls, &c->tc, false, &c->rbio, &c->wbio)) == NULL)
		return -1;
	c->handshaken = false;
	if (net_tls_set_name(c->ssl, l->cfg.tls_name) != 0)
		return -1;
	tls_feed(c);
	return 0;
}

static void on_connect(uv_connect_t *req, int status)
{
	struct conn *c = req->data;

	if (c->l->closing || c->state != OUTLINK_CONN_CONNECTING)
		return;
	if (status < 0) {
		conn_fail(c, uv_strerror(status));
		return;
	}
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) < 0) {
		conn_fail(c, "cannot read");
		return;
	}
	if (c->l->cfg.tls == NULL)
		conn_ready(c);
	else if (tls_start(c) != 0)
		conn_fail(c, "TLS: cannot set up (out of memory, or a bad tls_name)");
}

/* A connection (and its TLS handshake) not made within timeout_ms. */
static void on_connect_deadline(uv_timer_t *t)
{
	struct conn *c = t->data;

	if (c->state == OUTLINK_CONN_CONNECTING)
		conn_fail(c, "no connection in time");
}

/* Resolves the host (blocking, outlink.h says why) and starts connecting. */
static void conn_connect(struct conn *c)
{
	struct outlink *l = c->l;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	char port[8];
	int rc;

	set_state(c, OUTLINK_CONN_CONNECTING);
	c->rlen = 0;
	snprintf(port, sizeof port, "%d", l->cfg.port);
	if ((rc = getaddrinfo(l->host, port, &hints, &res)) != 0) {
		conn_fail(c, gai_strerror(rc));
		return;
	}
	uv_tcp_init(l->loop, &c->tcp);
	c->tcp.data = c;
	c->tcp_open = true;
	l->handles++;
	uv_tcp_nodelay(&c->tcp, 1);
	c->creq.data = c;
	rc = uv_tcp_connect(&c->creq, &c->tcp, res->ai_addr, on_connect);
	freeaddrinfo(res);
	if (rc < 0)
		conn_fail(c, uv_strerror(rc));
	else
		uv_timer_start(&c->retry, on_connect_deadline, l->cfg.timeout_ms, 0);
}

/* ---- the link ---- */

static int check_config(const struct outlink_config *cfg)
{
	if (cfg->host == NULL || cfg->host[0] == '\0' || strlen(cfg->host) >= 256 ||
	    cfg->port < 1 || cfg->port > 65535 || cfg->dialect == NULL ||
	    (cfg->institution != NULL &&
	     (strlen(cfg->institution) > 11 ||
	      strspn(cfg->institution, "0123456789") != strlen(cfg->institution))) ||
	    cfg->connections > OUTLINK_CONN_MAX || cfg->nkey > OUTLINK_KEY_MAX ||
	    (cfg->nkey > 0 && cfg->key_fields == NULL))
		return OUTLINK_EARG;
	for (size_t i = 0; i < cfg->nkey; i++) {
		int f = cfg->key_fields[i];
		if (f < 2 || f > cfg->dialect->max_field || cfg->dialect->fields[f].name == NULL)
			return OUTLINK_EARG;
		for (size_t j = 0; j < sizeof secret_fields / sizeof secret_fields[0]; j++)
			if (f == secret_fields[j])
				return OUTLINK_EARG;
	}
	if (cfg->tls_name != NULL && strlen(cfg->tls_name) >= 256)
		return OUTLINK_EARG;
	return OUTLINK_OK;
}

/* cfg with its defaults, the key copied in. */
static void set_config(struct outlink *l, const struct outlink_config *cfg)
{
	const int *key = cfg->nkey > 0 ? cfg->key_fields : default_key;

	l->cfg = *cfg;
	l->cfg.name = cfg->name != NULL ? cfg->name : "link";
	l->cfg.nkey = cfg->nkey > 0 ? cfg->nkey : sizeof default_key / sizeof default_key[0];
	memcpy(l->key, key, l->cfg.nkey * sizeof *key);
	l->cfg.key_fields = NULL;
	snprintf(l->host, sizeof l->host, "%s", cfg->host);
	l->cfg.host = l->host;
	snprintf(l->tls_name, sizeof l->tls_name, "%s",
	         cfg->tls_name != NULL ? cfg->tls_name : cfg->host);
	l->cfg.tls_name = l->tls_name;
	snprintf(l->institution, sizeof l->institution, "%s",
	         cfg->institution != NULL ? cfg->institution : "");
	l->cfg.institution = l->institution[0] != '\0' ? l->institution : NULL;
#define DEFAULT(m, v) l->cfg.m = l->cfg.m != 0 ? l->cfg.m : (v)
	DEFAULT(connections, 2);
	DEFAULT(timeout_ms, 10000);
	DEFAULT(echo_interval_ms, 60000);
	DEFAULT(backoff_min_ms, 100);
	DEFAULT(backoff_max_ms, 30000);
	DEFAULT(max_in_flight, 4096);
#undef DEFAULT
	if (l->cfg.backoff_max_ms < l->cfg.backoff_min_ms)
		l->cfg.backoff_max_ms = l->cfg.backoff_min_ms;
}

int outlink_create(uv_loop_t *loop, const struct outlink_config *cfg, possum_log *log,
                   outlink **out)
{
	struct outlink *l;
	int rc;

	if ((rc = check_config(cfg)) != OUTLINK_OK)
		return rc;
	if ((l = calloc(1, sizeof *l)) == NULL)
		return OUTLINK_ENOMEM;
	set_config(l, cfg);
	for (unsigned i = 0; i < l->cfg.connections; i++)
		if ((l->conn[i].rbuf = malloc(RBUF_SIZE)) == NULL ||
		    (cfg->tls != NULL && (l->conn[i].cbuf = malloc(TLS_CHUNK)) == NULL)) {
			maybe_free((l->closing = true, l));
			return OUTLINK_ENOMEM;
		}
	l->loop = loop;
	l->log = log;
	l->rng = uv_hrtime() ^ (uintptr_t)l;
	l->rng |= 1;
	uv_timer_init(loop, &l->deadline);
	l->deadline.data = l;
	l->handles = 1 + 2 * l->cfg.connections;
	l->st.connections = l->cfg.connections;
	for (unsigned i = 0; i < l->cfg.connections; i++) {
		struct conn *c = &l->conn[i];
		c->l = l;
		c->idx = i;
		uv_timer_init(loop, &c->retry);
		uv_timer_init(loop, &c->echo);
		c->retry.data = c->echo.data = c;
	}
	for (unsigned i = 0; i < l->cfg.connections; i++)
		conn_connect(&l->conn[i]);
	*out = l;
	return OUTLINK_OK;
}

void outlink_close(outlink *l)
{
	if (l == NULL || l->closing)
		return;
	l->closing = true; /* a callback's outlink_send() is refused */
	while (l->head != NULL) {
		struct pending *p = l->head;
		pending_unlink(l, p);
		if (p->kind == PEND_USER)
			p->cb(p->ctx, OUTLINK_CLOSED, NULL);
		free(p);
	}
	uv_close((uv_handle_t *)&l->deadline, on_deadline_closed);
	for (unsigned i = 0; i < l->cfg.connections; i++) {
		struct conn *c = &l->conn[i];
		set_state(c, OUTLINK_CONN_CLOSING);
		uv_close((uv_handle_t *)&c->retry, on_conn_handle_closed);
		uv_close((uv_handle_t *)&c->echo, on_conn_handle_closed);
		if (c->tcp_open && !uv_is_closing((uv_handle_t *)&c->tcp))
			uv_close((uv_handle_t *)&c->tcp, on_tcp_closed);
	}
}

/* The next signed-on connection, round robin; NULL when the link is down. */
static struct conn *next_conn(struct outlink *l)
{
	for (unsigned i = 0; i < l->cfg.connections; i++) {
		struct conn *c = &l->conn[(l->rr + i) % l->cfg.connections];
		if (c->state == OUTLINK_CONN_UP) {
			l->rr = c->idx + 1;
			return c;
		}
	}
	return NULL;
}

int outlink_send(outlink *l, const iso8583_msg *req, outlink_cb cb, void *ctx)
{
	char key[OUTLINK_KEY_LEN];
	unsigned absent = absent_of(l, req);
	struct pending *p;
	struct conn *c;
	int rc;

	if (l->closing)
		return OUTLINK_ECLOSED;
	if (cb == NULL || key_of(l, req, absent, key) != OUTLINK_OK || (req->mti[2] - '0') % 2 != 0)
		return OUTLINK_EARG;
	if ((c = next_conn(l)) == NULL) {
		l->st.down++;
		return OUTLINK_EDOWN;
	}
	if (pending_find(l, key) != NULL)
		return OUTLINK_EDUPLICATE;
	if (l->st.in_flight >= l->cfg.max_in_flight)
		return OUTLINK_EBUSY;
	if ((p = pending_add(l, key, absent, PEND_USER)) == NULL)
		return OUTLINK_ENOMEM;
	p->cb = cb;
	p->ctx = ctx;
	if ((rc = pack_write(c, req, p)) != OUTLINK_OK) {
		pending_unlink(l, p);
		free(p);
		if (rc == OUTLINK_EDOWN)
			conn_fail(c, "cannot write");
		return rc;
	}
	l->st.sent++;
	return OUTLINK_OK;
}

bool outlink_up(const outlink *l)
{
	return l->st.signed_on > 0;
}

void outlink_status(const outlink *l, struct outlink_status *st)
{
	*st = l->st;
	for (unsigned i = 0; i < l->cfg.connections; i++) {
		st->conn[i].state = l->conn[i].state;
		st->conn[i].failures = l->conn[i].failures;
		st->conn[i].since_ms = l->conn[i].since_ms;
	}
}

const char *outlink_conn_state_name(enum outlink_conn_state s)
{
	static const char *const names[] = {"waiting", "connecting", "signing_on", "up", "closing"};

	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

const char *outlink_strerror(int rc)
{
	static const char *const msgs[] = {
	    "ok",
	    "argument out of range",
	    "out of memory",
	    "link down: no connection signed on",
	    "link closed",
	    "a request with the same key is in flight",
	    "too many requests in flight",
	    "the request does not pack under the dialect",
	};

	return rc <= 0 && -rc < (int)(sizeof msgs / sizeof msgs[0]) ? msgs[-rc] : "unknown error";
}
