/* fuzz_iso8583.c — libFuzzer target: unpack arbitrary bytes in one dialect (FUZZ_PROFILE,
 * set by the build), and for what unpacks, check that it packs back to the same bytes and
 * that its sub-fields and values can be read. Built once per dialect. A broken property
 * aborts, whatever NDEBUG says. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iso8583/iso8583.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

static int ignore(void *ctx, const iso8583_subvalue *sv)
{
	(void)ctx;
	(void)sv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000], value[10000];
	const iso8583_profile *p = iso8583_profile_find(FUZZ_PROFILE);
	iso8583_envelope env;
	iso8583_diag diag;
	iso8583_msg m;
	size_t len;

	CHECK(p != NULL);
	/* Unframed: a message that unpacks packs back to exactly its input. */
	if (iso8583_unpack(p, data, size, &m, &diag) == ISO8583_OK) {
		CHECK(iso8583_pack(p, &m, out, sizeof out, &len, &diag) == ISO8583_OK);
		CHECK(len == size && memcmp(out, data, size) == 0);
		for (int f = iso8583_next(&m, 1); f != 0; f = iso8583_next(&m, f)) {
			size_t vlen;
			CHECK(iso8583_get(&m, f, value, sizeof value, &vlen) == ISO8583_OK);
			iso8583_explain(p, m.mti, f, value, vlen, ignore, NULL, NULL, &diag);
		}
	}
	/* Framed: the same, through the length header (and TPDU and header). */
	if (iso8583_unpack_framed(p, data, size, &env, &m, &diag) == ISO8583_OK) {
		CHECK(iso8583_pack_framed(p, &env, &m, out, sizeof out, &len, &diag) == ISO8583_OK);
		CHECK(len == size && memcmp(out, data, size) == 0);
	}
	return 0;
}
