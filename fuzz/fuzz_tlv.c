/* fuzz_tlv.c — libFuzzer target for the BER-TLV codec (src/tlv).
 *
 * Every input is read with tlv_next(), tlv_validate(), tlv_walk() and tlv_find(); the
 * sanitizers catch any read past it. Input that validates is rebuilt with tlv_put(), and
 * the rebuild must validate, walk to the same objects, be no longer than the input, and
 * equal it byte for byte when it is just as long (the input was in shortest form, without
 * padding; any other input rebuilds shorter). The build is RelWithDebInfo, where assert() is
 * compiled out, so the checks abort() themselves. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlv/tlv.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* Larger inputs teach nothing new and slow the run; every object takes two bytes, so this
 * also bounds the number of objects. */
#define FUZZ_INPUT_MAX 4096
#define MAX_OBJECTS    (FUZZ_INPUT_MAX / 2)

struct object {
	uint32_t tag;
	int depth;
	const uint8_t *value;
	size_t len;
};

struct trace {
	size_t n;
	struct object o[MAX_OBJECTS];
};

static struct trace first, second;
static uint8_t rebuilt[FUZZ_INPUT_MAX];

static int record(void *ctx, const tlv *t, int depth)
{
	struct trace *tr = ctx;

	CHECK(tr->n < MAX_OBJECTS);
	CHECK(depth >= 0 && depth < TLV_MAX_DEPTH);
	tr->o[tr->n++] = (struct object){t->tag, depth, t->value, t->len};
	/* Display lookups on every tag seen; names, when known, are non-empty. */
	const char *name = tlv_tag_name(t->tag);
	CHECK(name == NULL || name[0] != '\0');
	CHECK(name != NULL || !tlv_tag_is_text(t->tag));
	return 0;
}

/* One level of in into out at *pos, templates built in place from their contents. */
static void rebuild(const uint8_t *in, size_t len, size_t *pos)
{
	size_t at = 0;
	tlv t;
	int rc;

	while ((rc = tlv_next(in, len, &at, &t)) == TLV_OK) {
		const uint8_t *value = t.value;
		size_t start = *pos;
		if (tlv_is_constructed(t.tag)) {
			rebuild(t.value, t.len, pos);
			value = rebuilt + start;
			t.len = *pos - start;
			*pos = start;
		}
		CHECK(tlv_put(rebuilt, sizeof rebuilt, pos, t.tag, value, t.len) == TLV_OK);
	}
	CHECK(rc == TLV_END);
}

static void same_objects(const struct trace *a, const struct trace *b)
{
	CHECK(a->n == b->n);
	for (size_t i = 0; i < a->n; i++) {
		CHECK(a->o[i].tag == b->o[i].tag);
		CHECK(a->o[i].depth == b->o[i].depth);
		if (!tlv_is_constructed(a->o[i].tag)) {
			CHECK(a->o[i].len == b->o[i].len);
			CHECK(memcmp(a->o[i].value, b->o[i].value, a->o[i].len) == 0);
		}
	}
}

/* The top level read with tlv_next() alone; it must stop where validation would. */
static int scan_top_level(const uint8_t *data, size_t size)
{
	size_t pos = 0, last = 0;
	tlv t;
	int rc;

	while ((rc = tlv_next(data, size, &pos, &t)) == TLV_OK) {
		CHECK(pos > last && pos <= size);
		CHECK(t.value >= data && t.value + t.len == data + pos);
		last = pos;
	}
	CHECK(rc == TLV_END ? pos == size : pos < size);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tlv_fault vf, wf;
	size_t pos = 0;
	tlv t;
	int rc, top;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	top = scan_top_level(data, size);
	rc = tlv_validate(data, size, &vf);
	CHECK(tlv_strerror(rc) != NULL);
	first.n = 0;
	CHECK(tlv_walk(data, size, record, &first, &wf) == rc);
	if (rc != TLV_OK) {
		/* The walk fails at the same place, inside the data, and for the same cause;
		 * a fault at the top level is the one tlv_next() met. */
		CHECK(wf.offset == vf.offset && wf.cause == vf.cause && wf.depth == vf.depth);
		CHECK(vf.offset < size && vf.cause != TLV_ECONTENT);
		CHECK(vf.depth > 0 || vf.cause == top);
		return 0;
	}
	CHECK(top == TLV_END);

	/* tlv_find() returns the first object with a tag in walk order. */
	for (size_t i = 0; i < first.n; i += 1 + first.n / 8) {
		size_t j = 0;
		while (first.o[j].tag != first.o[i].tag)
			j++;
		CHECK(tlv_find(data, size, first.o[i].tag, &t) == TLV_OK);
		CHECK(t.value == first.o[j].value && t.len == first.o[j].len);
	}

	rebuild(data, size, &pos);
	CHECK(pos <= size);
	CHECK(tlv_validate(rebuilt, pos, NULL) == TLV_OK);
	second.n = 0;
	CHECK(tlv_walk(rebuilt, pos, record, &second, NULL) == TLV_OK);
	same_objects(&first, &second);
	if (pos == size)
		CHECK(memcmp(rebuilt, data, size) == 0);
	return 0;
}
