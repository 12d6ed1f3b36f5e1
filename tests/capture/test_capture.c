/* test_capture.c — frames out of captures built here with pcap_open_dead() and pcap_dump():
 * Ethernet/IPv4 with a handshake, frames split across segments and joined in one, an early
 * segment and a retransmission; Linux cooked SLL2/IPv6 caught mid-stream with a gap and a
 * frame cut short; raw IP and loopback; the --port filter; a file that is not a capture. */
#define _DEFAULT_SOURCE /* pcap.h uses the BSD types u_int, u_char */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture/capture.h"

#define SYN 0x02
#define ACK 0x10
#define PSH 0x08

struct cap {
	char path[64];
	pcap_t *dead;
	pcap_dumper_t *dump;
	int linktype, v6;
	unsigned tick;
};

static void cap_open(struct cap *c, int linktype, int v6)
{
	int fd;

	snprintf(c->path, sizeof c->path, "/tmp/test_capture.XXXXXX");
	assert_true((fd = mkstemp(c->path)) >= 0);
	close(fd);
	c->linktype = linktype;
	c->v6 = v6;
	c->tick = 0;
	assert_non_null(c->dead = pcap_open_dead(linktype, 65535));
	assert_non_null(c->dump = pcap_dump_open(c->dead, c->path));
}

static void cap_close(struct cap *c)
{
	pcap_dump_close(c->dump);
	pcap_close(c->dead);
}

static void put16(uint8_t *b, unsigned v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b + 2, v & 0xFFFF);
}

/* The link header of c's type for an IP packet; its length. */
static size_t link_header(const struct cap *c, uint8_t *b)
{
	unsigned type = c->v6 ? 0x86DD : 0x0800;

	switch (c->linktype) {
	case DLT_EN10MB:
		memset(b, 0x02, 12);
		put16(b + 12, type);
		return 14;
	case DLT_LINUX_SLL2:
		memset(b, 0, 20);
		put16(b, type);
		return 20;
	case DLT_LINUX_SLL:
		memset(b, 0, 16);
		put16(b + 14, type);
		return 16;
	case DLT_NULL: /* the capturing machine's order: little-endian here */
		b[0] = c->v6 ? 10 : 2;
		b[1] = b[2] = b[3] = 0;
		return 4;
	default: /* DLT_RAW */
		return 0;
	}
}

/* A TCP segment from side `from` (0: the client at sport, 1: the server at dport) with seq,
 * flags and len bytes of payload, written to the capture. */
static void segment(struct cap *c, int from, unsigned sport, unsigned dport, uint32_t seq,
                    uint8_t flags, const void *payload, size_t len)
{
	uint8_t b[2048] = {0}, *ip, *tcp;
	size_t off = link_header(c, b), iplen = c->v6 ? 40 : 20;
	struct pcap_pkthdr h = {.ts = {.tv_sec = 1733450000 + c->tick, .tv_usec = 250}};
	uint8_t a4[2][4] = {{10, 0, 0, 1}, {10, 0, 0, 2}};
	uint8_t a6[2][16] = {{0x20, 0x01, 0x0d, 0xb8, [15] = 1},
	                     {0x20, 0x01, 0x0d, 0xb8, [15] = 2}};

	ip = b + off;
	tcp = ip + iplen;
	if (c->v6) {
		ip[0] = 0x60;
		put16(ip + 4, (unsigned)(20 + len));
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, a6[from], 16);
		memcpy(ip + 24, a6[1 - from], 16);
	} else {
		ip[0] = 0x45;
		put16(ip + 2, (unsigned)(20 + 20 + len));
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, a4[from], 4);
		memcpy(ip + 16, a4[1 - from], 4);
	}
	put16(tcp, from == 0 ? sport : dport);
	put16(tcp + 2, from == 0 ? dport : sport);
	put32(tcp + 4, seq);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	if (len > 0)
		memcpy(tcp + 20, payload, len);
	h.caplen = h.len = (bpf_u_int32)(off + iplen + 20 + len);
	c->tick++;
	pcap_dump((u_char *)c->dump, &h, b);
}

/* What the callback saw. */
struct seen {
	int n;
	struct capture_frame f[16];
	uint8_t data[16][64];
	char error[16][160];
};

static int on_frame(void *ctx, const struct capture_frame *f)
{
	struct seen *s = ctx;

	assert_true(s->n < 16 && f->len <= 64);
	s->f[s->n] = *f;
	memcpy(s->data[s->n], f->data, f->len);
	snprintf(s->error[s->n], sizeof s->error[0], "%s", f->error != NULL ? f->error : "");
	s->n++;
	return 0;
}

static void read_all(const char *path, unsigned port, struct seen *s)
{
	char err[256];
	capture *c;

	memset(s, 0, sizeof *s);
	assert_int_equal(capture_open(path, &c, err, sizeof err), CAPTURE_OK);
	assert_int_equal(capture_read(c, port, on_frame, s), CAPTURE_OK);
	capture_close(c);
	remove(path);
}

static void assert_frame(const struct seen *s, int i, const char *bytes, size_t len,
                         const char *src, const char *dst, enum capture_direction d)
{
	assert_int_equal(s->f[i].len, len);
	assert_memory_equal(s->data[i], bytes, len);
	assert_string_equal(s->f[i].src, src);
	assert_string_equal(s->f[i].dst, dst);
	assert_int_equal(s->f[i].direction, d);
	assert_int_equal(s->f[i].number, (unsigned)i + 1);
}

/* The client's stream: 00 05 HELLO | 00 03 ABC | 00 04 WXYZ (18 bytes) in segments [0,4),
 * [9,18) early, [4,9) which joins the end of one frame and a whole one, and [0,4) again; the
 * server answers 00 02 OK. */
static void ethernet_ipv4_reassembled(void **state)
{
	static const char stream[] = "\0\5HELLO\0\3ABC\0\4WXYZ";
	struct cap c;
	struct seen s;

	(void)state;
	cap_open(&c, DLT_EN10MB, 0);
	segment(&c, 0, 40000, 5001, 1000, SYN, NULL, 0);
	segment(&c, 1, 40000, 5001, 7000, SYN | ACK, NULL, 0);
	segment(&c, 0, 40000, 5001, 1001, ACK | PSH, stream, 4);
	segment(&c, 0, 40000, 5001, 1010, ACK | PSH, stream + 9, 9);
	segment(&c, 0, 40000, 5001, 1005, ACK | PSH, stream + 4, 5);
	segment(&c, 0, 40000, 5001, 1001, ACK | PSH, stream, 4); /* retransmitted */
	segment(&c, 1, 40000, 5001, 7001, ACK | PSH, "\0\2OK", 4);
	cap_close(&c);
	read_all(c.path, 0, &s);
	assert_int_equal(s.n, 4);
	assert_frame(&s, 0, "\0\5HELLO", 7, "10.0.0.1:40000", "10.0.0.2:5001", CAPTURE_TO_SERVER);
	assert_frame(&s, 1, "\0\3ABC", 5, "10.0.0.1:40000", "10.0.0.2:5001", CAPTURE_TO_SERVER);
	assert_frame(&s, 2, "\0\4WXYZ", 6, "10.0.0.1:40000", "10.0.0.2:5001", CAPTURE_TO_SERVER);
	assert_frame(&s, 3, "\0\2OK", 4, "10.0.0.2:5001", "10.0.0.1:40000", CAPTURE_TO_CLIENT);
	for (int i = 0; i < 4; i++) {
		assert_string_equal(s.error[i], "");
		assert_int_equal(s.f[i].stream, 1);
	}
	assert_int_equal(s.f[0].sec, 1733450000 + 4);
	assert_int_equal(s.f[0].usec, 250);
}

/* Caught mid-stream (no SYN) on SLL2 over IPv6: the higher port is the client. The client
 * sends a frame, then one whose middle the capture missed; the server one cut short. */
static void sll2_ipv6_gap_and_cut(void **state)
{
	struct cap c;
	struct seen s;

	(void)state;
	cap_open(&c, DLT_LINUX_SLL2, 1);
	segment(&c, 0, 50123, 5000, 0xFFFFFFFE, ACK, "\0\3XYZ", 5); /* across the wrap */
	segment(&c, 0, 50123, 5000, 3, ACK, "\0\4AB", 4);
	segment(&c, 0, 50123, 5000, 9, ACK, "EF", 2); /* "CD" at 7 never captured */
	segment(&c, 1, 50123, 5000, 100, ACK, "\0\11ABC", 5);
	cap_close(&c);
	read_all(c.path, 0, &s);
	assert_int_equal(s.n, 3);
	assert_frame(&s, 0, "\0\3XYZ", 5, "[2001:db8::1]:50123", "[2001:db8::2]:5000",
	             CAPTURE_TO_SERVER);
	assert_string_equal(s.error[0], "");
	/* The unfinished ends come last, stream by stream, the client's first. */
	assert_frame(&s, 1, "\0\4AB", 4, "[2001:db8::1]:50123", "[2001:db8::2]:5000",
	             CAPTURE_TO_SERVER);
	assert_non_null(strstr(s.error[1], "bytes missing from the capture"));
	assert_frame(&s, 2, "\0\11ABC", 5, "[2001:db8::2]:5000", "[2001:db8::1]:50123",
	             CAPTURE_TO_CLIENT);
	assert_string_equal(s.error[2], "the stream ends in the middle of a frame (5 bytes of 11)");
}

/* Raw IP, loopback and Linux cooked (SLL) captures; a frame with a length of 0 is given as
 * such. */
static void raw_loopback_and_sll(void **state)
{
	struct cap c;
	struct seen s;

	(void)state;
	cap_open(&c, DLT_RAW, 0);
	segment(&c, 0, 40000, 5001, 1, ACK, "\0\0\0\1Z", 5);
	cap_close(&c);
	read_all(c.path, 0, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.error[0], "a length header of 0");
	assert_frame(&s, 1, "\0\1Z", 3, "10.0.0.1:40000", "10.0.0.2:5001", CAPTURE_TO_SERVER);
	cap_open(&c, DLT_NULL, 1);
	segment(&c, 0, 40000, 5001, 1, ACK, "\0\1Q", 3);
	cap_close(&c);
	read_all(c.path, 0, &s);
	assert_int_equal(s.n, 1);
	assert_frame(&s, 0, "\0\1Q", 3, "[2001:db8::1]:40000", "[2001:db8::2]:5001",
	             CAPTURE_TO_SERVER);
	cap_open(&c, DLT_LINUX_SLL, 0);
	segment(&c, 1, 40000, 5001, 1, ACK, "\0\1R", 3);
	cap_close(&c);
	read_all(c.path, 0, &s);
	assert_int_equal(s.n, 1);
	assert_frame(&s, 0, "\0\1R", 3, "10.0.0.2:5001", "10.0.0.1:40000", CAPTURE_TO_CLIENT);
}

/* --port: only the connections with that port at one end; the side on it is the server. */
static void port_filter(void **state)
{
	struct cap c;
	struct seen s;

	(void)state;
	cap_open(&c, DLT_EN10MB, 0);
	segment(&c, 0, 6000, 5001, 1, ACK, "\0\1A", 3);
	segment(&c, 0, 6001, 8080, 1, ACK, "\0\1B", 3);
	cap_close(&c);
	read_all(c.path, 6000, &s);
	assert_int_equal(s.n, 1);
	assert_frame(&s, 0, "\0\1A", 3, "10.0.0.1:6000", "10.0.0.2:5001", CAPTURE_TO_CLIENT);
}

static void not_a_capture(void **state)
{
	char path[] = "/tmp/test_capture.XXXXXX", err[256] = "";
	capture *c = NULL;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, "0200 not a capture at all", 25), 25);
	close(fd);
	assert_int_equal(capture_open(path, &c, err, sizeof err), CAPTURE_EFORMAT);
	assert_null(c);
	assert_true(err[0] != '\0');
	remove(path);
	assert_int_equal(capture_open("/nonexistent/x.pcap", &c, err, sizeof err), CAPTURE_EFORMAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ethernet_ipv4_reassembled),
	    cmocka_unit_test(sll2_ipv6_gap_and_cut),
	    cmocka_unit_test(raw_loopback_and_sll),
	    cmocka_unit_test(port_filter),
	    cmocka_unit_test(not_a_capture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
