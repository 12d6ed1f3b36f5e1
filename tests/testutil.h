/* testutil.h — small helpers shared by the cmocka test executables.
 *
 * HEX("0A1B") decodes a literal into one of a ring of static buffers, so a test can write
 * assert_memory_equal(out, HEX("041274EDCBA9876F"), 8). Test code only. */
#ifndef POSSUM_TESTUTIL_H
#define POSSUM_TESTUTIL_H

/* A test's own assert() (where cmocka cannot fail it: another thread, a callback on a loop)
 * checks in every build, the plain one (RelWithDebInfo, NDEBUG) too. Include this first. */
#undef NDEBUG
#include <assert.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/hex.h"

static inline const uint8_t *test_hex(const char *s, size_t *len_out)
{
	static uint8_t ring[8][4096];
	static unsigned next;
	uint8_t *buf = ring[next++ % 8];
	size_t len = 0;

	if (hex_decode(s, strlen(s), buf, sizeof ring[0], &len) != HEX_OK)
		fail_msg("bad hex literal in test: %s", s);
	if (len_out != NULL)
		*len_out = len;
	return buf;
}

#define HEX(s)    test_hex((s), NULL)
#define HEXLEN(s) (strlen(s) / 2)

/* Upper-case hex of a buffer, into a ring of static strings. */
static inline const char *test_tohex(const uint8_t *p, size_t len)
{
	static char ring[8][8193];
	static unsigned next;
	char *buf = ring[next++ % 8];

	if (hex_encode(p, len, buf, sizeof ring[0]) != HEX_OK)
		fail_msg("value too long for test_tohex");
	return buf;
}

#endif
