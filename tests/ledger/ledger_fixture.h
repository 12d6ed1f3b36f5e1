/* ledger_fixture.h — what the ledger's test executables share besides a store (store_fixture.h):
 * accounts made in one line, transfers built from their parts, and a check that
 * collects its violations. Test code only. */
#ifndef POSSUM_TEST_LEDGER_FIXTURE_H
#define POSSUM_TEST_LEDGER_FIXTURE_H

#include <stdbool.h>

#include "ledger/ledger.h"
#include "store/store_fixture.h"

/* A new account; its id. */
static inline int64_t test_account(store *s, uint16_t currency, uint32_t flags, int64_t limit)
{
	struct ledger_account a = {
	    .code = "test", .currency = currency, .flags = flags, .limit = limit};
	int64_t id = 0;

	assert_int_equal(ledger_account_create(s, &a, 1000, &id), LEDGER_OK);
	return id;
}

/* The id numbered n (big-endian in the last 8 bytes). */
static inline ledger_id test_id(uint64_t n)
{
	ledger_id id = {{0}};

	for (int i = 0; i < 8; i++)
		id.b[15 - i] = (uint8_t)(n >> (8 * i));
	return id;
}

/* Violations seen by ledger_check: how many, the last one's text, and whether one
 * contained want (when set). */
struct test_violations {
	size_t n;
	char last[256];
	const char *want;
	bool seen;
};

static inline void test_violation(void *ctx, const char *what)
{
	struct test_violations *v = ctx;

	v->n++;
	snprintf(v->last, sizeof v->last, "%s", what);
	if (v->want != NULL && strstr(what, v->want) != NULL)
		v->seen = true;
}

/* Runs the check; returns how many violations it reported (and checks the count agrees). */
static inline size_t test_check(store *s, struct ledger_report *r, struct test_violations *v)
{
	assert_int_equal(ledger_check(s, r, test_violation, v), LEDGER_OK);
	assert_int_equal(r->violations, v->n);
	return v->n;
}

#endif
