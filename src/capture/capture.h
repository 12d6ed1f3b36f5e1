/* capture.h — ISO 8583 frames out of a packet capture: a libpcap (or pcapng) file read,
 * each TCP stream followed per direction and cut into frames by their 2-byte big-endian
 * length header, for `possum iso decode --pcap`.
 *
 * Read: Ethernet (with 802.1Q tags), Linux cooked (SLL and SLL2), raw IP and loopback
 * (NULL, LOOP) link types; IPv4 (not fragmented) and IPv6 (hop-by-hop, routing and
 * destination options headers skipped; fragments not read); TCP. Each direction of a
 * connection is put in order by sequence number: retransmitted bytes are dropped, a segment
 * that comes early waits for the bytes before it, a frame may span segments and a segment
 * hold several frames. What cannot become a whole frame — a stream that ends mid-frame, a
 * gap never filled (bytes the capture missed), a length of 0 — is given as a frame with its
 * reason, so the caller can show it and go on.
 *
 * Ownership: capture_open() allocates the reader, capture_close() frees it; a frame's
 * values live during the callback only. Functions return CAPTURE_OK or a negative
 * CAPTURE_E* code (capture_strerror()). */
#ifndef POSSUM_CAPTURE_H
#define POSSUM_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAPTURE_OK      0
#define CAPTURE_EFORMAT (-1) /* not a capture file, or a link type not read */
#define CAPTURE_ENOMEM  (-2)
#define CAPTURE_EREAD   (-3) /* the file ends or breaks in the middle of a packet */

#define CAPTURE_ADDR_MAX 56 /* "[v6 address]:port" and a NUL */

/* Which side sent a frame: the connection's client (its SYN's sender, else the side whose
 * port is not the one asked for or, without one, the higher port) or its server. */
enum capture_direction { CAPTURE_TO_SERVER, CAPTURE_TO_CLIENT };

struct capture_frame {
	int64_t sec;  /* when the packet that completed it was captured: Unix seconds, */
	int32_t usec; /* and microseconds */
	char src[CAPTURE_ADDR_MAX], dst[CAPTURE_ADDR_MAX]; /* "ip:port", "[ip6]:port" */
	enum capture_direction direction;
	unsigned stream;     /* the connection, 1 for the first seen */
	unsigned number;     /* the frame, 1 for the first given */
	const uint8_t *data; /* the frame, its length header included; or what there is */
	size_t len;
	const char *error; /* NULL for a whole frame; else why data is not one */
};

/* Returns 0 to go on; anything else stops capture_read(), which returns it. */
typedef int (*capture_frame_fn)(void *ctx, const struct capture_frame *f);

typedef struct capture capture;

/* Opens the capture at path. CAPTURE_EFORMAT, with why in err (capacity errlen), when it is
 * not one or its link type is not read. */
int capture_open(const char *path, capture **out, char *err, size_t errlen);

/* Gives each frame of each TCP stream to fn, in the order they were completed; only those
 * of connections with port at either end when port is not 0. The streams' unfinished ends
 * are given last. */
int capture_read(capture *c, unsigned port, capture_frame_fn fn, void *ctx);

/* c may be NULL. */
void capture_close(capture *c);

const char *capture_strerror(int rc);

#endif
