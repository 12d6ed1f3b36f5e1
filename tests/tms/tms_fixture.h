/* tms_fixture.h — the tms module over a fresh store (store_fixture.h: SQLite, or PostgreSQL
 * with POSSUM_TEST_PG) for its cmocka tests, and the count of audit entries of an action. Test
 * code only. */
#ifndef POSSUM_TEST_TMS_FIXTURE_H
#define POSSUM_TEST_TMS_FIXTURE_H

#include "store/store_audit.h"
#include "store/store_fixture.h"
#include "tms/tms.h"

#define TMS_FX_NOW   ((int64_t)1796212800) /* 2026-12-02T12:00:00Z */
#define TMS_FX_ACTOR "cli:test"

struct tms_fixture {
	struct store_fixture *sf;
	tms *t;
};

static inline int tms_fixture_setup(void **state)
{
	struct tms_fixture *x = calloc(1, sizeof *x);
	struct tms_config cfg = {.utc_offset = 480};
	void *sf;

	if (x == NULL || store_fixture_setup(&sf) != 0)
		return -1;
	x->sf = sf;
	if (tms_open(x->sf->s, &cfg, &x->t) != TMS_OK)
		return -1;
	*state = x;
	return 0;
}

static inline int tms_fixture_teardown(void **state)
{
	struct tms_fixture *x = *state;
	void *sf = x->sf;

	tms_close(x->t);
	free(x);
	return store_fixture_teardown(&sf);
}

static inline int tms_fixture_count(void *ctx, const struct store_audit *a)
{
	(void)a;
	++*(int *)ctx;
	return 0;
}

/* The audit entries of action. */
static inline int tms_fixture_audited(struct tms_fixture *x, const char *action)
{
	struct store_audit_filter f = {.action = action};
	int n = 0;

	assert_int_equal(store_audit_list(x->sf->s, &f, tms_fixture_count, &n), STORE_OK);
	return n;
}

#endif
