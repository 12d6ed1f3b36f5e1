/* capture.c — reading a capture file (capture.h): each packet's link layer, IP header and TCP
 * header taken off, its segment handed to the streams (stream.c). */
#define _DEFAULT_SOURCE /* pcap.h uses the BSD types u_int, u_char */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "capture/internal.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86DD
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88A8
#define IPPROTO_TCP_   6

static uint16_t be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The link types read. */
static bool linktype_known(int lt)
{
	return lt == DLT_EN10MB || lt == DLT_LINUX_SLL || lt == DLT_LINUX_SLL2 || lt == DLT_RAW ||
	       lt == DLT_IPV4 || lt == DLT_IPV6 || lt == DLT_NULL || lt == DLT_LOOP;
}

/* The IP version of what follows a loopback header: 4, 6 or 0. The family is in the capturing
 * machine's byte order (NULL) or in network order (LOOP); BSDs number AF_INET6 24, 28 or 30. */
static int loopback_version(uint32_t family)
{
	if (family == 2)
		return 4;
	return family == 10 || family == 24 || family == 28 || family == 30 ? 6 : 0;
}

/* Where the IP header starts in a packet of link type lt (*off) and its version (4 or 6);
 * 0 for a packet that holds no IP. */
static int link_layer(int lt, const uint8_t *b, size_t len, size_t *off)
{
	uint16_t type = 0;

	*off = 0;
	if (lt == DLT_EN10MB && len >= 14) {
		type = be16(b + 12);
		*off = 14;
		while ((type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) && len >= *off + 4) {
			type = be16(b + *off + 2);
			*off += 4;
		}
	} else if (lt == DLT_LINUX_SLL && len >= 16) {
		type = be16(b + 14);
		*off = 16;
	} else if (lt == DLT_LINUX_SLL2 && len >= 20) {
		type = be16(b);
		*off = 20;
	} else if ((lt == DLT_NULL || lt == DLT_LOOP) && len >= 4) {
		uint32_t f = be32(b);
		*off = 4;
		if (lt == DLT_NULL && loopback_version(f) == 0)
			f = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 |
			    b[0];
		return loopback_version(f);
	} else if ((lt == DLT_RAW || lt == DLT_IPV4 || lt == DLT_IPV6) && len >= 1) {
		return b[0] >> 4 == 4 || b[0] >> 4 == 6 ? b[0] >> 4 : 0;
	}
	return type == ETHERTYPE_IPV4 ? 4 : type == ETHERTYPE_IPV6 ? 6 : 0;
}

/* An IPv4 header at b: the TCP bytes after it into *tcp, *tcp_len; false when not TCP,
 * fragmented or malformed. */
static bool ipv4(const uint8_t *b, size_t len, struct segment_in *s, const uint8_t **tcp,
                 size_t *tcp_len)
{
	size_t ihl, total;

	if (len < 20 || b[0] >> 4 != 4 || (ihl = (size_t)(b[0] & 0x0F) * 4) < 20)
		return false;
	total = be16(b + 2);
	/* More fragments, or an offset: a piece of a datagram. */
	if (b[9] != IPPROTO_TCP_ || (be16(b + 6) & 0x3FFF) != 0 || total < ihl || len < ihl)
		return false;
	s->family = AF_INET;
	s->src = b + 12;
	s->dst = b + 16;
	*tcp = b + ihl;
	/* Ethernet pads short frames: the IP length says where the datagram ends. */
	*tcp_len = (total < len ? total : len) - ihl;
	return true;
}

/* An IPv6 header at b, its extension headers skipped; as ipv4(). */
static bool ipv6(const uint8_t *b, size_t len, struct segment_in *s, const uint8_t **tcp,
                 size_t *tcp_len)
{
	size_t off = 40, end;
	uint8_t next;

	if (len < 40 || b[0] >> 4 != 6)
		return false;
	end = 40 + (size_t)be16(b + 4);
	end = end < len ? end : len;
	next = b[6];
	/* Hop-by-hop options, routing, destination options: skipped. A fragment is not read. */
	while ((next == 0 || next == 43 || next == 60) && off + 8 <= end) {
		next = b[off];
		off += 8 + (size_t)b[off + 1] * 8;
	}
	if (next != IPPROTO_TCP_ || off > end)
		return false;
	s->family = AF_INET6;
	s->src = b + 8;
	s->dst = b + 24;
	*tcp = b + off;
	*tcp_len = end - off;
	return true;
}

/* The TCP segment of a packet into *s; false when the packet holds none. */
static bool packet_segment(int lt, const uint8_t *b, size_t len, struct segment_in *s)
{
	const uint8_t *tcp;
	size_t off, tcp_len, doff;
	int version = link_layer(lt, b, len, &off);

	if (version == 4   ? !ipv4(b + off, len - off, s, &tcp, &tcp_len)
	    : version == 6 ? !ipv6(b + off, len - off, s, &tcp, &tcp_len)
	                   : true)
		return false;
	if (tcp_len < 20 || (doff = (size_t)(tcp[12] >> 4) * 4) < 20 || doff > tcp_len)
		return false;
	s->sport = be16(tcp);
	s->dport = be16(tcp + 2);
	s->seq = be32(tcp + 4);
	s->flags = tcp[13];
	s->payload = tcp + doff;
	s->len = tcp_len - doff;
	return true;
}

int capture_open(const char *path, capture **out, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct capture *c;

	*out = NULL;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return CAPTURE_ENOMEM;
	if ((c->pcap = pcap_open_offline(path, perr)) == NULL) {
		snprintf(err, errlen, "%s", perr);
		free(c);
		return CAPTURE_EFORMAT;
	}
	c->linktype = pcap_datalink(c->pcap);
	if (!linktype_known(c->linktype)) {
		snprintf(err, errlen,
		         "link type %s (%d) is not read: Ethernet, Linux cooked (SLL, "
		         "SLL2), raw IP and loopback are",
		         pcap_datalink_val_to_name(c->linktype) != NULL
		             ? pcap_datalink_val_to_name(c->linktype)
		             : "?",
		         c->linktype);
		capture_close(c);
		return CAPTURE_EFORMAT;
	}
	*out = c;
	return CAPTURE_OK;
}

int capture_read(capture *c, unsigned port, capture_frame_fn fn, void *ctx)
{
	struct pcap_pkthdr *hdr;
	const uint8_t *data;
	struct segment_in s;
	int rc;

	c->port = port;
	c->fn = fn;
	c->ctx = ctx;
	while (c->stop == 0 && (rc = pcap_next_ex(c->pcap, &hdr, &data)) == 1) {
		if (!packet_segment(c->linktype, data, hdr->caplen, &s))
			continue;
		if (port != 0 && s.sport != port && s.dport != port)
			continue;
		s.sec = hdr->ts.tv_sec;
		s.usec = (int32_t)hdr->ts.tv_usec;
		if (capture_stream_add(c, &s) != CAPTURE_OK)
			return CAPTURE_ENOMEM;
	}
	if (c->stop != 0)
		return c->stop;
	if (rc == PCAP_ERROR)
		return CAPTURE_EREAD;
	capture_streams_finish(c);
	return c->stop;
}

void capture_close(capture *c)
{
	if (c == NULL)
		return;
	capture_streams_free(c);
	if (c->pcap != NULL)
		pcap_close(c->pcap);
	free(c);
}

const char *capture_strerror(int rc)
{
	switch (rc) {
	case CAPTURE_OK:
		return "ok";
	case CAPTURE_EFORMAT:
		return "not a capture file (libpcap or pcapng), or a link type not read";
	case CAPTURE_ENOMEM:
		return "out of memory";
	case CAPTURE_EREAD:
		return "the capture file is cut short or damaged";
	default:
		return "unknown error";
	}
}
