/* stream.c — TCP streams put back in order and cut into frames (capture.h): each connection
 * two directions, each with the next sequence number it expects, the bytes in order not yet
 * a whole frame, and the segments that came early, in sequence order. */
#define _DEFAULT_SOURCE /* pcap.h uses the BSD types u_int, u_char */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "capture/internal.h"

/* A segment that came before the bytes it follows. */
struct early {
	uint32_t seq;
	uint8_t *data;
	size_t len;
	struct early *next;
};

struct half {
	bool started;  /* next is known */
	uint32_t next; /* the sequence number of the next byte in order */
	uint8_t *buf;  /* bytes in order, not yet a whole frame */
	size_t len, cap;
	struct early *early;
};

struct stream {
	int family;
	uint8_t addr[2][16];
	uint16_t port[2];
	int client; /* the side that sent the SYN; -1 not seen */
	unsigned number;
	struct half half[2]; /* half[i]: what side i sent */
	int64_t sec;         /* the last packet's time */
	int32_t usec;
};

/* Signed distance from b to a, sequence numbers wrapping (RFC 793). */
static int64_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/* The side of st that s was sent by: 0, 1, or -1 when s is not of st's connection. */
static int side_of(const struct stream *st, const struct segment_in *s)
{
	size_t n = s->family == AF_INET ? 4 : 16;

	if (st->family != s->family)
		return -1;
	for (int i = 0; i < 2; i++)
		if (memcmp(st->addr[i], s->src, n) == 0 && st->port[i] == s->sport &&
		    memcmp(st->addr[1 - i], s->dst, n) == 0 && st->port[1 - i] == s->dport)
			return i;
	return -1;
}

static struct stream *stream_new(struct capture *c, const struct segment_in *s)
{
	size_t n = s->family == AF_INET ? 4 : 16;
	struct stream *st, **grown;

	if (c->n == c->cap) {
		size_t cap = c->cap == 0 ? 16 : c->cap * 2;
		if ((grown = realloc(c->streams, cap * sizeof *grown)) == NULL)
			return NULL;
		c->streams = grown;
		c->cap = cap;
	}
	if ((st = calloc(1, sizeof *st)) == NULL)
		return NULL;
	st->family = s->family;
	memcpy(st->addr[0], s->src, n);
	memcpy(st->addr[1], s->dst, n);
	st->port[0] = s->sport;
	st->port[1] = s->dport;
	st->client = -1;
	st->number = (unsigned)c->n + 1;
	c->streams[c->n++] = st;
	return st;
}

/* "ip:port" or "[ip6]:port" of side i. */
static void side_text(const struct stream *st, int i, char out[CAPTURE_ADDR_MAX])
{
	char ip[INET6_ADDRSTRLEN] = "?";

	inet_ntop(st->family, st->addr[i], ip, sizeof ip);
	snprintf(out, CAPTURE_ADDR_MAX, st->family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip,
	         st->port[i]);
}

/* The client of st: its SYN's sender; else the side away from the port asked for; else the
 * higher port (servers listen on the lower ones), the first seen on a tie. */
static int client_of(const struct capture *c, const struct stream *st)
{
	if (st->client >= 0)
		return st->client;
	if (c->port != 0 && (st->port[0] == c->port) != (st->port[1] == c->port))
		return st->port[0] == c->port ? 1 : 0;
	return st->port[1] > st->port[0] ? 1 : 0;
}

/* Gives len bytes at data, sent by side i of st, to the caller as a frame (error NULL) or
 * what is left of one (error its reason). */
static void give(struct capture *c, const struct stream *st, int i, const uint8_t *data, size_t len,
                 const char *error)
{
	struct capture_frame f = {.sec = st->sec,
	                          .usec = st->usec,
	                          .stream = st->number,
	                          .number = ++c->frames,
	                          .data = data,
	                          .len = len,
	                          .error = error};

	if (c->stop != 0)
		return;
	side_text(st, i, f.src);
	side_text(st, 1 - i, f.dst);
	f.direction = client_of(c, st) == i ? CAPTURE_TO_SERVER : CAPTURE_TO_CLIENT;
	c->stop = c->fn(c->ctx, &f);
}

/* The whole frames at the start of side i's bytes given, and taken off. */
static void cut_frames(struct capture *c, struct stream *st, int i)
{
	struct half *h = &st->half[i];
	size_t at = 0, n;

	while (h->len - at >= 2) {
		n = (size_t)(h->buf[at] << 8 | h->buf[at + 1]);
		if (n == 0) {
			give(c, st, i, h->buf + at, 2, "a length header of 0");
			at += 2;
			continue;
		}
		if (h->len - at < 2 + n)
			break;
		give(c, st, i, h->buf + at, 2 + n, NULL);
		at += 2 + n;
	}
	if (at > 0 && h->len > at) /* h->buf may be NULL when nothing came yet */
		memmove(h->buf, h->buf + at, h->len - at);
	h->len -= at;
}

/* Appends the bytes of [seq, seq + len) that come after h->next; CAPTURE_OK or ENOMEM. */
static int append(struct half *h, uint32_t seq, const uint8_t *data, size_t len)
{
	int64_t d = seq_diff(seq, h->next);
	uint8_t *grown;

	if (d + (int64_t)len <= 0)
		return CAPTURE_OK; /* retransmitted: had already */
	data += -d;
	len -= (size_t)-d;
	if (h->len + len > h->cap) {
		size_t cap = h->cap == 0 ? 4096 : h->cap;
		while (cap < h->len + len)
			cap *= 2;
		if ((grown = realloc(h->buf, cap)) == NULL)
			return CAPTURE_ENOMEM;
		h->buf = grown;
		h->cap = cap;
	}
	memcpy(h->buf + h->len, data, len);
	h->len += len;
	h->next += (uint32_t)len;
	return CAPTURE_OK;
}

/* Keeps a segment that came early, in sequence order. */
static int keep_early(struct half *h, uint32_t seq, const uint8_t *data, size_t len)
{
	struct early *e = malloc(sizeof *e), **at = &h->early;

	if (e == NULL || (e->data = malloc(len)) == NULL) {
		free(e);
		return CAPTURE_ENOMEM;
	}
	memcpy(e->data, data, len);
	e->seq = seq;
	e->len = len;
	while (*at != NULL && seq_diff((*at)->seq, seq) <= 0)
		at = &(*at)->next;
	e->next = *at;
	*at = e;
	return CAPTURE_OK;
}

/* The early segments that the bytes in order have reached, appended. */
static int take_early(struct half *h)
{
	struct early *e;
	int rc = CAPTURE_OK;

	while (rc == CAPTURE_OK && (e = h->early) != NULL && seq_diff(e->seq, h->next) <= 0) {
		h->early = e->next;
		rc = append(h, e->seq, e->data, e->len);
		free(e->data);
		free(e);
	}
	return rc;
}

/* The payload of s into half h: in order, early or already had. */
static int half_add(struct half *h, const struct segment_in *s)
{
	uint32_t seq = s->seq;
	int rc;

	if (s->flags & TCP_SYN) {
		h->started = true;
		h->next = ++seq; /* the SYN takes a sequence number */
	} else if (!h->started) {
		h->started = true; /* captured mid-stream: from here */
		h->next = seq;
	}
	if (s->len == 0)
		return CAPTURE_OK;
	if (seq_diff(seq, h->next) > 0)
		return keep_early(h, seq, s->payload, s->len);
	if ((rc = append(h, seq, s->payload, s->len)) != CAPTURE_OK)
		return rc;
	return take_early(h);
}

int capture_stream_add(struct capture *c, const struct segment_in *s)
{
	struct stream *st = NULL;
	int side = -1, rc;

	for (size_t k = c->n; k-- > 0 && side < 0;)
		if ((side = side_of(c->streams[k], s)) >= 0)
			st = c->streams[k];
	if (st == NULL) {
		if ((st = stream_new(c, s)) == NULL)
			return CAPTURE_ENOMEM;
		side = 0;
	}
	if ((s->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		st->client = side;
	else if ((s->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		st->client = 1 - side;
	st->sec = s->sec;
	st->usec = s->usec;
	if ((rc = half_add(&st->half[side], s)) != CAPTURE_OK)
		return rc;
	cut_frames(c, st, side);
	return CAPTURE_OK;
}

/* What side i of st leaves unfinished: bytes of a frame never completed, and after a gap the
 * bytes the capture has past it. */
static void finish_half(struct capture *c, struct stream *st, int i)
{
	struct half *h = &st->half[i];
	char why[128];
	size_t after = 0;

	for (struct early *e = h->early; e != NULL; e = e->next)
		after += e->len;
	if (h->early != NULL) {
		snprintf(
		    why, sizeof why,
		    "bytes missing from the capture after these; %zu bytes past the gap not read",
		    after);
		give(c, st, i, h->buf, h->len, why);
	} else if (h->len > 0) {
		snprintf(why, sizeof why,
		         "the stream ends in the middle of a frame (%zu bytes of %zu)", h->len,
		         h->len >= 2 ? (size_t)(h->buf[0] << 8 | h->buf[1]) + 2 : (size_t)0);
		give(c, st, i, h->buf, h->len, why);
	}
}

void capture_streams_finish(struct capture *c)
{
	for (size_t k = 0; k < c->n; k++) {
		finish_half(c, c->streams[k], 0);
		finish_half(c, c->streams[k], 1);
	}
}

void capture_streams_free(struct capture *c)
{
	for (size_t k = 0; k < c->n; k++) {
		for (int i = 0; i < 2; i++) {
			struct early *e, *next;
			for (e = c->streams[k]->half[i].early; e != NULL; e = next) {
				next = e->next;
				free(e->data);
				free(e);
			}
			free(c->streams[k]->half[i].buf);
		}
		free(c->streams[k]);
	}
	free(c->streams);
	c->streams = NULL;
	c->n = c->cap = 0;
}
