/* onboarding_fixture.h — what the tests of merchant onboarding share: the merchant module on
 * the issuer fixture's store and hsm, with a data key and a documents directory of its own;
 * applications filed and stepped in one line; the audit log read back; and a search of the
 * database files for a value that must never be kept in the clear. Test code only. */
#ifndef POSSUM_TEST_ONBOARDING_FIXTURE_H
#define POSSUM_TEST_ONBOARDING_FIXTURE_H

#include "issuer/issuer_fixture.h"

#include "audit/audit.h"
#include "merchant/merchant.h"

#define T_ACTOR   "cli:tester"
#define T_REP_ID  "110101198001011234"
#define T_CONTACT "13800138000"

struct onboarding_fixture {
	struct issuer_fixture *i;
	merchant *m;
	hsm_key data;
	struct merchant_config cfg;
};

static inline void onboarding_reopen(struct onboarding_fixture *f)
{
	merchant_close(f->m);
	f->m = NULL;
	assert_int_equal(merchant_open(f->i->s, f->i->h, f->i->is, &f->cfg, &f->data, &f->m),
	                 MERCHANT_OK);
}

static inline int onboarding_fixture_setup(void **state)
{
	static const struct hsm_key_spec data = {"D0", HSM_AES, 32, 'B', 'N'};
	struct onboarding_fixture *f = calloc(1, sizeof *f);
	void *is;

	if (f == NULL || issuer_fixture_setup(&is) != 0)
		return -1;
	f->i = is;
	if (hsm_generate(f->i->h, &data, &f->data, NULL) != HSM_OK)
		return -1;
	merchant_config_defaults(&f->cfg);
	snprintf(f->cfg.documents, sizeof f->cfg.documents, "%s/documents", f->i->dir);
	if (merchant_open(f->i->s, f->i->h, f->i->is, &f->cfg, &f->data, &f->m) != MERCHANT_OK)
		return -1;
	*state = f;
	return 0;
}

static inline int onboarding_fixture_teardown(void **state)
{
	struct onboarding_fixture *f = *state;
	void *is = f->i;

	merchant_close(f->m);
	free(f);
	return issuer_fixture_teardown(&is);
}

static inline struct merchant_application test_application(const char *mcc)
{
	return (struct merchant_application){.legal_name = "Possum Cafe Ltd",
	                                     .licence = "91310000MA1FL8XQ3K",
	                                     .tax_number = "91310000MA1FL8XQ3K",
	                                     .rep_name = "Li Si",
	                                     .rep_id = T_REP_ID,
	                                     .address = "1 Nanjing Road, Shanghai",
	                                     .mcc = mcc,
	                                     .phone = T_CONTACT};
}

static inline int64_t test_apply(struct onboarding_fixture *f, const char *mcc)
{
	struct merchant_application a = test_application(mcc);
	int64_t id = 0;

	assert_int_equal(merchant_apply(f->m, &a, T_ACTOR, f->i->now, &id), MERCHANT_OK);
	assert_true(id > 0);
	return id;
}

static inline void test_step(struct onboarding_fixture *f, int64_t id, enum merchant_step step)
{
	assert_int_equal(merchant_step(f->m, id, step, "checked", NULL, T_ACTOR, f->i->now, NULL),
	                 MERCHANT_OK);
}

/* An application taken to the state `to` by the usual road (suspended through active; closed
 * from wherever `to` says: straight from applied). */
static inline int64_t test_merchant_in(struct onboarding_fixture *f, int to)
{
	static const enum merchant_step road[] = {MERCHANT_STEP_REVIEW, MERCHANT_STEP_TEST,
	                                          MERCHANT_STEP_AGREE, MERCHANT_STEP_ACTIVATE,
	                                          MERCHANT_STEP_SUSPEND};
	int64_t id = test_apply(f, "5812");

	if (to == MERCHANT_CLOSED) {
		test_step(f, id, MERCHANT_STEP_CLOSE);
		return id;
	}
	for (int s = MERCHANT_APPLIED; s < to; s++)
		test_step(f, id, road[s - MERCHANT_APPLIED]);
	return id;
}

static inline struct merchant_info test_info(struct onboarding_fixture *f, int64_t id)
{
	struct merchant_info i;
	char ref[24];

	snprintf(ref, sizeof ref, "%lld", (long long)id);
	assert_int_equal(merchant_get(f->m, ref, &i), MERCHANT_OK);
	return i;
}

struct test_audit {
	struct store_audit rows[16];
	size_t n;
};

static inline int test_audit_row(void *ctx, const struct store_audit *a)
{
	struct test_audit *t = ctx;

	if (t->n < 16)
		t->rows[t->n] = *a;
	t->n++;
	return 0;
}

/* The audit entries of object (NULL: all). */
static inline void test_audit(store *s, const char *object, struct test_audit *out)
{
	struct store_audit_filter flt = {.object = object};

	memset(out, 0, sizeof *out);
	assert_int_equal(store_audit_list(s, &flt, test_audit_row, out), STORE_OK);
}

/* Whether the store holds text (its files, or its tables on PostgreSQL). */
static inline bool test_db_holds(const struct onboarding_fixture *f, const char *text)
{
	return store_fixture_has(f->i->path, text);
}

#endif
