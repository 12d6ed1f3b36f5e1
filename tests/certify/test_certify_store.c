/* test_certify_store.c — the device certificates (store_certify.h, src/certify/record.c,
 * docs/certify.md "Certificates") on a store of their own: kept, read, listed by model with and
 * without the revoked, revoked once, and "is there one in force for this model (and version)";
 * a run's certificate recorded only when every case passed with the model and version named,
 * with the SHA-256 of its JSON report and its audit entry; a revocation audited. On PostgreSQL
 * too (tests/store/e2e_pg_modules.sh runs this with POSSUM_TEST_PG). */
#include "testutil.h"

#include <stdio.h>

#include <openssl/evp.h>

#include "certify/internal.h"
#include "store/store_audit.h"
#include "store/store_certify.h"
#include "store/store_fixture.h"

#define T_ACTOR "cli:tester"

static struct store_certify_cert cert(const char *id, const char *model, const char *version,
                                      int64_t at)
{
	struct store_certify_cert c = {.passed_cases = 18, .issued_at = at};

	snprintf(c.id, sizeof c.id, "%s", id);
	snprintf(c.model, sizeof c.model, "%s", model);
	snprintf(c.version, sizeof c.version, "%s", version);
	snprintf(c.suite, sizeof c.suite, "cup-pos");
	snprintf(c.issued_by, sizeof c.issued_by, T_ACTOR);
	memset(c.report_sha256, 'a', 64);
	return c;
}

struct listed {
	char ids[8][STORE_CERTIFY_ID_MAX];
	size_t n;
};

static int list_one(void *ctx, const struct store_certify_cert *c)
{
	struct listed *l = ctx;

	if (l->n < 8)
		snprintf(l->ids[l->n++], STORE_CERTIFY_ID_MAX, "%s", c->id);
	return 0;
}

static struct listed list(store *s, const char *model, bool all)
{
	struct listed l = {.n = 0};
	struct store_certify_filter f = {model, all};

	assert_int_equal(store_certify_list(s, &f, list_one, &l), STORE_OK);
	return l;
}

static void certificates_kept_listed_revoked(void **state)
{
	struct store_fixture *f = *state;
	struct store_certify_cert a = cert("CERT-00000000000A", "PX-7", "321702", 1000),
	                          b = cert("CERT-00000000000B", "PX-7", "321703", 2000),
	                          c = cert("CERT-00000000000C", "Q9", "1.0", 1500), got;
	struct listed l;

	assert_int_equal(store_certify_add(f->s, &a), STORE_OK);
	assert_int_equal(store_certify_add(f->s, &b), STORE_OK);
	assert_int_equal(store_certify_add(f->s, &c), STORE_OK);
	assert_int_equal(store_certify_add(f->s, &a), STORE_EEXIST);
	assert_int_equal(store_certify_get(f->s, "CERT-00000000000B", &got), STORE_OK);
	assert_string_equal(got.model, "PX-7");
	assert_string_equal(got.version, "321703");
	assert_string_equal(got.suite, "cup-pos");
	assert_int_equal(got.passed_cases, 18);
	assert_int_equal(got.issued_at, 2000);
	assert_int_equal(got.revoked_at, 0);
	assert_int_equal(store_certify_get(f->s, "CERT-FFFFFFFFFFFF", &got), STORE_ENOTFOUND);

	l = list(f->s, NULL, false); /* the latest first */
	assert_int_equal(l.n, 3);
	assert_string_equal(l.ids[0], "CERT-00000000000B");
	assert_string_equal(l.ids[1], "CERT-00000000000C");
	l = list(f->s, "PX-7", false);
	assert_int_equal(l.n, 2);

	assert_int_equal(store_certify_in_force(f->s, "PX-7", "321702", &got), STORE_OK);
	assert_string_equal(got.id, "CERT-00000000000A");
	assert_int_equal(store_certify_in_force(f->s, "PX-7", "", &got), STORE_OK);
	assert_string_equal(got.id, "CERT-00000000000B"); /* any version: the latest */
	assert_int_equal(store_certify_in_force(f->s, "PX-7", "9", NULL), STORE_ENOTFOUND);
	assert_int_equal(store_certify_in_force(f->s, "PX-8", NULL, NULL), STORE_ENOTFOUND);

	a.revoked_at = 3000;
	snprintf(a.revoked_by, sizeof a.revoked_by, T_ACTOR);
	snprintf(a.revoke_reason, sizeof a.revoke_reason, "fails in the field");
	assert_int_equal(store_certify_revoke(f->s, &a), STORE_OK);
	assert_int_equal(store_certify_revoke(f->s, &a), STORE_ENOTFOUND); /* once */
	assert_int_equal(store_certify_get(f->s, a.id, &got), STORE_OK);
	assert_int_equal(got.revoked_at, 3000);
	assert_string_equal(got.revoke_reason, "fails in the field");
	assert_int_equal(store_certify_in_force(f->s, "PX-7", "321702", NULL), STORE_ENOTFOUND);
	assert_int_equal(list(f->s, "PX-7", false).n, 1);
	assert_int_equal(list(f->s, "PX-7", true).n, 2);
	assert_int_equal(list(f->s, "", true).n, 3);
}

/* A result of one case, passed, of model PX-7 version v (NULL: none named). */
static struct certify_suite suite = {.name = "cup-pos", .n_cases = 1};
static struct certify_case one_case = {.id = "signin", .title = {"Sign-in", ""}};

static struct certify_result *result(const char *version, bool passed)
{
	struct certify_result *r = calloc(1, sizeof *r);

	assert_non_null(r);
	suite.cases = &one_case;
	r->suite = &suite;
	assert_non_null(r->cases = calloc(1, sizeof *r->cases));
	r->n_cases = 1;
	r->cases[0].c = &one_case;
	r->cases[0].run = true;
	r->cases[0].passed = passed;
	r->started = 1796000000;
	r->finished = 1796000100;
	snprintf(r->model, sizeof r->model, "PX-7");
	snprintf(r->version, sizeof r->version, "%s", version != NULL ? version : "");
	return r;
}

struct audited {
	char action[STORE_AUDIT_ACTION_MAX], after[STORE_AUDIT_STATE_MAX];
	size_t n;
};

static int audit_one(void *ctx, const struct store_audit *a)
{
	struct audited *au = ctx;

	au->n++;
	snprintf(au->action, sizeof au->action, "%s", a->action);
	snprintf(au->after, sizeof au->after, "%s", a->after);
	return 0;
}

static struct audited audited(store *s, const char *id)
{
	char object[STORE_AUDIT_OBJECT_MAX];
	struct store_audit_filter f = {.object = object};
	struct audited au = {.n = 0};

	snprintf(object, sizeof object, "certificate:%s", id);
	assert_int_equal(store_audit_list(s, &f, audit_one, &au), STORE_OK);
	return au;
}

/* The SHA-256 of r's JSON report, as lower-case hex. */
static void sha256_of_report(const struct certify_result *r, char out[65])
{
	uint8_t md[32];
	unsigned n = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_int_equal(certify_report_write(r, CERTIFY_JSON, 0, f), CERTIFY_OK);
	fclose(f);
	assert_int_equal(EVP_Digest(text, len, md, &n, EVP_sha256(), NULL), 1);
	for (unsigned i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	free(text);
}

static void free_result(struct certify_result *r)
{
	free(r->cases);
	free(r);
}

static void a_run_recorded_and_revoked(void **state)
{
	struct store_fixture *f = *state;
	struct certify_result *r = result("321702", true), *failed = result("321702", false),
	                      *unnamed = result(NULL, true);
	struct store_certify_cert got;
	struct audited au;
	char id[STORE_CERTIFY_ID_MAX], sha[65];

	assert_int_equal(certify_record(f->s, failed, T_ACTOR, id), CERTIFY_EARG);
	assert_int_equal(certify_record(f->s, unnamed, T_ACTOR, id), CERTIFY_EARG);
	assert_int_equal(list(f->s, NULL, true).n, 0);

	assert_int_equal(certify_record(f->s, r, T_ACTOR, id), CERTIFY_OK);
	assert_int_equal(strlen(id), 17);
	assert_true(strncmp(id, "CERT-", 5) == 0);
	assert_int_equal(strspn(id + 5, "0123456789ABCDEF"), 12);
	assert_string_equal(r->certificate, id);
	assert_int_equal(store_certify_get(f->s, id, &got), STORE_OK);
	assert_string_equal(got.model, "PX-7");
	assert_string_equal(got.version, "321702");
	assert_string_equal(got.issued_by, T_ACTOR);
	assert_int_equal(got.passed_cases, 1);
	sha256_of_report(r, sha); /* the report as printed after: its certificate named */
	assert_string_equal(got.report_sha256, sha);
	au = audited(f->s, id);
	assert_int_equal(au.n, 1);
	assert_string_equal(au.action, "certify.record");
	assert_non_null(strstr(au.after, "\"model\":\"PX-7\""));

	assert_int_equal(certify_revoke(f->s, id, "", T_ACTOR, 5000, NULL), CERTIFY_EARG);
	assert_int_equal(certify_revoke(f->s, id, "two\nlines", T_ACTOR, 5000, NULL), CERTIFY_EARG);
	assert_int_equal(certify_revoke(f->s, "CERT-FFFFFFFFFFFF", "x", T_ACTOR, 5000, NULL),
	                 CERTIFY_ENOTFOUND);
	assert_int_equal(certify_revoke(f->s, id, "fails in the field", T_ACTOR, 5000, &got),
	                 CERTIFY_OK);
	assert_int_equal(got.revoked_at, 5000);
	assert_int_equal(certify_revoke(f->s, id, "again", T_ACTOR, 6000, &got), CERTIFY_EREVOKED);
	assert_int_equal(got.revoked_at, 5000);
	assert_string_equal(got.revoke_reason, "fails in the field");
	au = audited(f->s, id);
	assert_int_equal(au.n, 2);
	assert_string_equal(au.action, "certify.revoke");
	assert_non_null(strstr(au.after, "\"revoke_reason\":\"fails in the field\""));
	assert_int_equal(store_certify_in_force(f->s, "PX-7", NULL, NULL), STORE_ENOTFOUND);
	assert_int_equal(store_depth(f->s), 0); /* every transaction ended */
	free_result(r);
	free_result(failed);
	free_result(unnamed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(certificates_kept_listed_revoked, store_fixture_setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(a_run_recorded_and_revoked, store_fixture_setup,
	                                    store_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
