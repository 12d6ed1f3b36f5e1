/* hex.c — hexadecimal text to bytes and back (see hex.h). */
#include "common/hex.h"

#include <assert.h>

int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hex_decode(const char *text, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	size_t n = 0;
	int hi = -1;

	assert(text != NULL || len == 0);
	for (size_t i = 0; i < len; i++) {
		if (is_space(text[i]) && hi < 0)
			continue;
		int d = hex_digit((unsigned char)text[i]);
		if (d < 0)
			return HEX_EDIGIT;
		if (hi < 0) {
			hi = d;
			continue;
		}
		if (n == cap)
			return HEX_ESPACE;
		out[n++] = (uint8_t)(hi << 4 | d);
		hi = -1;
	}
	if (hi >= 0)
		return HEX_EODD;
	*out_len = n;
	return HEX_OK;
}

int hex_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	static const char digits[] = "0123456789ABCDEF";

	if (cap < 2 * len + 1)
		return HEX_ESPACE;
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
	return HEX_OK;
}

const char *hex_strerror(int rc)
{
	switch (rc) {
	case HEX_OK:
		return "ok";
	case HEX_EODD:
		return "odd number of hex digits";
	case HEX_EDIGIT:
		return "not a hex digit";
	case HEX_ESPACE:
		return "hex value too long";
	}
	return "unknown hex error";
}
