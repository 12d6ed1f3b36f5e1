/* internal.h — what the capture files share: a TCP segment as the packet reader
 * (capture.c) gives it to the streams (stream.c), and the reader's state. */
#ifndef POSSUM_CAPTURE_INTERNAL_H
#define POSSUM_CAPTURE_INTERNAL_H

#include <pcap/pcap.h>

#include "capture/capture.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_ACK 0x10

/* One TCP segment of a packet: its ends (addresses as bytes, 4 or 16 of them), its flags and
 * its payload, pointing into the packet. */
struct segment_in {
	int family; /* AF_INET or AF_INET6 */
	const uint8_t *src, *dst;
	uint16_t sport, dport;
	uint32_t seq;
	uint8_t flags;
	const uint8_t *payload;
	size_t len;
	int64_t sec;
	int32_t usec;
};

struct stream;

struct capture {
	pcap_t *pcap;
	int linktype;
	unsigned port; /* only connections with this port at one end; 0: all */
	struct stream **streams;
	size_t n, cap;
	unsigned frames; /* given so far */
	capture_frame_fn fn;
	void *ctx;
	int stop; /* what fn returned when not 0 */
};

/* Adds s to its stream's direction (a new stream when it is the first of its connection),
 * giving each frame it completes to c->fn. CAPTURE_OK or CAPTURE_ENOMEM. */
int capture_stream_add(struct capture *c, const struct segment_in *s);
/* Gives each stream's unfinished ends as frames with their reason. */
void capture_streams_finish(struct capture *c);
/* Frees every stream. */
void capture_streams_free(struct capture *c);

#endif
