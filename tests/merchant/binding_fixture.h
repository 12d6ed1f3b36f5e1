/* binding_fixture.h — what the tests of settlement cards and cardholder services share: the
 * issuer fixture with the merchant module over it (its own data key), an active merchant
 * T_MERCHANT, the one-time code of the last text, and a search of the database's files for a
 * value that must not be there in the clear. Test code only. */
#ifndef POSSUM_TEST_BINDING_FIXTURE_H
#define POSSUM_TEST_BINDING_FIXTURE_H

#include "issuer/issuer_fixture.h"

#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "merchant/merchant.h"
#include "store/store_acquirer.h"

#define T_ACTOR "cli:tester"

struct binding_fixture {
	struct issuer_fixture *i;
	merchant *m;
};

static inline int binding_setup(void **state)
{
	static const struct hsm_key_spec data_spec = {"D0", HSM_AES, 32, 'B', 'N'};
	struct binding_fixture *f = calloc(1, sizeof *f);
	struct store_merchant row = {.mid = T_MERCHANT,
	                             .name = "Test Shop",
	                             .mcc = "5411",
	                             .status = STORE_MERCHANT_ACTIVE,
	                             .created_at = T_NOW};
	struct merchant_config cfg;
	hsm_key data;
	void *is;

	if (f == NULL || issuer_fixture_setup(&is) != 0)
		return -1;
	f->i = is;
	merchant_config_defaults(&cfg);
	if (hsm_generate(f->i->h, &data_spec, &data, NULL) != HSM_OK ||
	    merchant_open(f->i->s, f->i->h, f->i->is, &cfg, &data, &f->m) != MERCHANT_OK ||
	    store_merchant_insert(f->i->s, &row) != STORE_OK)
		return -1;
	*state = f;
	return 0;
}

static inline int binding_teardown(void **state)
{
	struct binding_fixture *f = *state;
	void *is = f->i;

	merchant_close(f->m);
	free(f);
	return issuer_fixture_teardown(&is);
}

/* The code of the last text sent. */
static inline const char *binding_code(struct binding_fixture *f)
{
	static char code[ISSUER_OTP_LEN + 1];

	test_sms_code(f->i, code);
	return code;
}

/* Whether text is anywhere in the store (its files, or its tables on PostgreSQL). */
static inline bool binding_db_has(struct binding_fixture *f, const char *text)
{
	return store_fixture_has(f->i->path, text);
}

struct binding_audit {
	struct store_audit rows[16];
	size_t n;
};

static inline int binding_audit_one(void *ctx, const struct store_audit *a)
{
	struct binding_audit *l = ctx;

	if (l->n < 16)
		l->rows[l->n] = *a;
	l->n++;
	return 0;
}

/* The audit entries of object, oldest first. */
static inline void binding_audit_of(struct binding_fixture *f, const char *object,
                                    struct binding_audit *out)
{
	struct store_audit_filter filter = {.object = object};

	memset(out, 0, sizeof *out);
	assert_int_equal(store_audit_list(f->i->s, &filter, binding_audit_one, out), STORE_OK);
}

#endif
