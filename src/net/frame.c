/* frame.c — the 2-byte big-endian length header before every message on a link (net.h). */
#include "net/net.h"

int net_frame_header(size_t len, uint8_t hdr[NET_FRAME_HEADER])
{
	if (len == 0 || len > NET_MAX_FRAME)
		return NET_EFRAME;
	hdr[0] = (uint8_t)(len >> 8);
	hdr[1] = (uint8_t)len;
	return NET_OK;
}

int net_frame_length(const uint8_t hdr[NET_FRAME_HEADER], size_t max, size_t *len)
{
	size_t n = (size_t)hdr[0] << 8 | hdr[1];

	if (n == 0 || n > max)
		return NET_EFRAME;
	*len = n;
	return NET_OK;
}

const char *net_strerror(int rc)
{
	switch (rc) {
	case NET_OK:
		return "ok";
	case NET_EARG:
		return "bad argument";
	case NET_ENOMEM:
		return "out of memory";
	case NET_EBIND:
		return "cannot listen on the address";
	case NET_ECONNECT:
		return "cannot connect";
	case NET_ETIMEOUT:
		return "timed out";
	case NET_EIO:
		return "input/output error on the socket";
	case NET_ECLOSED:
		return "connection closed";
	case NET_EFRAME:
		return "bad frame length";
	case NET_ESPACE:
		return "message larger than the buffer";
	case NET_ETLS:
		return "TLS failed";
	default:
		return "unknown error";
	}
}
