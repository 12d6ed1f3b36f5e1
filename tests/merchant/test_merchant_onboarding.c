/* test_merchant_onboarding.c — a merchant's onboarding: the application and its checks, every
 * allowed and refused step between states, device testing (the MID's form and sequence, the
 * acquirer's row not yet active, terminals registered or moved there, not serving),
 * activation (the certificate, the next review), suspension and closing seen by the acquirer,
 * documents (type, content, size, the file kept by its SHA-256), the fee plan and limits,
 * periodic reviews, an audit entry for every change and no clear ID number kept. */
#include "merchant/onboarding_fixture.h"

#include <sys/stat.h>

#include "store/store_acquirer.h"
#include "store/store_certify.h"

/* The steps each state allows, as the issue states them: bits of enum merchant_step. */
#define BIT(s) (1u << (s))
static const unsigned allowed[] = {
    [MERCHANT_APPLIED] = BIT(MERCHANT_STEP_REVIEW) | BIT(MERCHANT_STEP_CLOSE),
    [MERCHANT_REVIEWING] = BIT(MERCHANT_STEP_TEST) | BIT(MERCHANT_STEP_CLOSE),
    [MERCHANT_DEVICE_TESTING] = BIT(MERCHANT_STEP_AGREE) | BIT(MERCHANT_STEP_CLOSE),
    [MERCHANT_AGREEMENT] = BIT(MERCHANT_STEP_ACTIVATE) | BIT(MERCHANT_STEP_CLOSE),
    [MERCHANT_ACTIVE] = BIT(MERCHANT_STEP_SUSPEND) | BIT(MERCHANT_STEP_CLOSE),
    [MERCHANT_SUSPENDED] = BIT(MERCHANT_STEP_RESUME) | BIT(MERCHANT_STEP_CLOSE),
    [MERCHANT_CLOSED] = 0,
};

/* Takes application id one step with mid (NULL: the next); it has then MID want and
 * certificate cert ("" none), and the acquirer's row of want is in status. */
static void step_gives(struct onboarding_fixture *f, int64_t id, enum merchant_step step,
                       const char *mid, const char *want, const char *cert, int status)
{
	struct merchant_info i;
	struct store_merchant row;

	assert_int_equal(merchant_step(f->m, id, step, "checked", mid, T_ACTOR, f->i->now, &i),
	                 MERCHANT_OK);
	assert_string_equal(i.app.mid, want);
	assert_string_equal(i.cert.number, cert);
	assert_int_equal(store_merchant_get(f->i->s, want, &row), STORE_OK);
	assert_int_equal(row.status, status);
}

static void test_lifecycle(void **state)
{
	struct onboarding_fixture *f = *state;
	int64_t id = test_apply(f, "5812");
	struct merchant_info i = test_info(f, id);
	struct store_merchant row;
	struct test_audit log;

	assert_int_equal(i.app.state, MERCHANT_APPLIED);
	assert_string_equal(i.app.mid, "");
	assert_string_equal(i.app.rep_id_masked, "110***********1234");
	assert_int_equal(i.app.fee_credit_bp, 60);
	assert_int_equal(i.app.fee_debit_bp, 55);
	assert_int_equal(i.app.fee_debit_cap, 2000);
	assert_int_equal(i.app.fee_qr_bp, 48);
	assert_int_equal(i.app.types, MERCHANT_TYPES_ALL);
	assert_string_equal(i.cert.number, "");

	test_step(f, id, MERCHANT_STEP_REVIEW);
	assert_string_equal(test_info(f, id).app.mid, "");
	/* The MID comes with device testing (acquirer 898, area 5810, MCC 5812, sequence 0001),
	 * the acquirer's row with it, not yet active; no certificate before activation. */
	step_gives(f, id, MERCHANT_STEP_TEST, NULL, "898581058120001", "",
	           STORE_MERCHANT_ONBOARDING);
	test_step(f, id, MERCHANT_STEP_AGREE);
	assert_int_equal(store_merchant_get(f->i->s, "898581058120001", &row), STORE_OK);
	assert_int_equal(row.status, STORE_MERCHANT_ONBOARDING);
	assert_int_equal(merchant_step(f->m, id, MERCHANT_STEP_ACTIVATE, "agreement signed", NULL,
	                               T_ACTOR, f->i->now, &i),
	                 MERCHANT_OK);
	assert_string_equal(i.app.mid, "898581058120001");
	assert_int_equal(i.app.state, MERCHANT_ACTIVE);
	assert_string_equal(i.cert.number, "MC898581058120001-2026");
	assert_int_equal(i.cert.issued, f->i->now);
	assert_int_equal(i.cert.valid_until, f->i->now + 1095 * T_DAY);
	assert_int_equal(i.app.next_review, f->i->now + 365 * T_DAY);
	assert_int_equal(store_merchant_get(f->i->s, "898581058120001", &row), STORE_OK);
	assert_string_equal(row.name, "Possum Cafe Ltd");
	assert_string_equal(row.mcc, "5812");
	assert_int_equal(row.status, STORE_MERCHANT_ACTIVE);

	/* Found by its MID as by its number. */
	assert_int_equal(merchant_get(f->m, "898581058120001", &i), MERCHANT_OK);
	assert_int_equal(i.app.id, id);

	/* Suspension and closing reach the acquirer's row. */
	test_step(f, id, MERCHANT_STEP_SUSPEND);
	assert_int_equal(store_merchant_get(f->i->s, "898581058120001", &row), STORE_OK);
	assert_int_equal(row.status, STORE_MERCHANT_SUSPENDED);
	test_step(f, id, MERCHANT_STEP_RESUME);
	assert_int_equal(store_merchant_get(f->i->s, "898581058120001", &row), STORE_OK);
	assert_int_equal(row.status, STORE_MERCHANT_ACTIVE);
	test_step(f, id, MERCHANT_STEP_CLOSE);
	assert_int_equal(store_merchant_get(f->i->s, "898581058120001", &row), STORE_OK);
	assert_int_equal(row.status, STORE_MERCHANT_CLOSED);
	assert_int_equal(test_info(f, id).app.next_review, 0);

	/* Every change has its entry: before device testing under the number, after under the
	 * MID. */
	test_audit(f->i->s, "merchant", &log);
	assert_int_equal(log.n, 8);
	assert_string_equal(log.rows[0].action, "merchant.apply");
	assert_string_equal(log.rows[0].object, "merchant:1");
	assert_string_equal(log.rows[0].before, "null");
	assert_string_equal(log.rows[1].action, "merchant.review");
	assert_string_equal(log.rows[1].object, "merchant:1");
	assert_string_equal(log.rows[2].action, "merchant.test");
	assert_string_equal(log.rows[2].object, "merchant:898581058120001");
	assert_string_equal(log.rows[4].action, "merchant.activate");
	assert_string_equal(log.rows[4].object, "merchant:898581058120001");
	assert_string_equal(log.rows[7].action, "merchant.close");
	for (size_t k = 0; k < log.n; k++) {
		assert_string_equal(log.rows[k].actor, T_ACTOR);
		assert_null(strstr(log.rows[k].after, T_REP_ID));
		assert_null(strstr(log.rows[k].after, T_CONTACT));
		assert_non_null(strstr(log.rows[k].after, "138****8000"));
	}
	assert_non_null(strstr(log.rows[1].before, "\"state\":\"applied\""));
	assert_non_null(strstr(log.rows[1].after, "\"state\":\"reviewing\""));
	/* The ID number and the phone are kept only encrypted, and masked. */
	assert_false(test_db_holds(f, T_REP_ID));
	assert_true(test_db_holds(f, "110***********1234"));
	assert_false(test_db_holds(f, T_CONTACT));
	assert_true(test_db_holds(f, "138****8000"));
	assert_string_equal(test_info(f, id).app.phone, T_CONTACT);
}

static int phone_row(void *ctx, const struct merchant_info *i)
{
	snprintf(ctx, 24, "%s", i->app.phone);
	return 0;
}

/* An application of before issue 18, its phone in the clear: the module seals it when it
 * opens, once (meta merchant.phones_sealed), and the phone leaves the files; reads show it. */
static void test_old_phones_sealed(void **state)
{
	struct onboarding_fixture *f = *state;
	struct store_merchant_app_filter all = {0};
	int64_t id = test_apply(f, "5812");
	char listed[24] = "";

	merchant_close(f->m);
	f->m = NULL;
	issuer_close(f->i->is);
	f->i->is = NULL;
	store_close(f->i->s); /* the last connection: the log copied in and removed */
	store_fixture_sql(f->i->path, store_fixture_pg()
	                                  ? "UPDATE merchant_apps SET phone = '" T_CONTACT
	                                    "', phone_sealed = '\\x'; DELETE FROM meta WHERE name "
	                                    "= 'merchant.phones_sealed'"
	                                  : "UPDATE merchant_apps SET phone = '" T_CONTACT
	                                    "', phone_sealed = x''; DELETE FROM meta WHERE name = "
	                                    "'merchant.phones_sealed'");
	assert_true(test_db_holds(f, T_CONTACT));
	assert_int_equal(store_open(f->i->path, &f->i->s), STORE_OK);
	assert_int_equal(issuer_open(f->i->s, f->i->h, &f->i->cfg, &f->i->keys, &f->i->is),
	                 ISSUER_OK);
	onboarding_reopen(f);
	assert_false(test_db_holds(f, T_CONTACT));
	assert_string_equal(test_info(f, id).app.phone, T_CONTACT);
	onboarding_reopen(f); /* once: nothing left to seal */
	assert_int_equal(merchant_list(f->m, &all, phone_row, listed), MERCHANT_OK);
	assert_string_equal(listed, T_CONTACT);
	assert_false(test_db_holds(f, T_CONTACT));
}

struct history {
	struct store_merchant_step rows[8];
	size_t n;
};

static int history_row(void *ctx, const struct store_merchant_step *h)
{
	struct history *t = ctx;

	if (t->n < 8)
		t->rows[t->n] = *h;
	t->n++;
	return 0;
}

/* In each state, each step: the allowed ones go, the others are refused and change nothing. */
static void test_every_transition(void **state)
{
	struct onboarding_fixture *f = *state;

	for (int s = MERCHANT_APPLIED; s <= MERCHANT_CLOSED; s++)
		for (int step = MERCHANT_STEP_REVIEW; step <= MERCHANT_STEP_CLOSE; step++) {
			int64_t id = test_merchant_in(f, s);
			struct history before = {0}, after = {0};
			struct test_audit log_before, log_after;
			int rc;

			assert_int_equal(test_info(f, id).app.state, s);
			assert_int_equal(merchant_history(f->m, id, history_row, &before),
			                 MERCHANT_OK);
			test_audit(f->i->s, NULL, &log_before);
			rc = merchant_step(f->m, id, (enum merchant_step)step, "why", NULL, T_ACTOR,
			                   f->i->now, NULL);
			assert_int_equal(merchant_history(f->m, id, history_row, &after),
			                 MERCHANT_OK);
			test_audit(f->i->s, NULL, &log_after);
			if (allowed[s] & BIT(step)) {
				assert_int_equal(rc, MERCHANT_OK);
				assert_int_equal(after.n, before.n + 1);
				assert_int_equal(after.rows[after.n - 1].from, s);
				assert_string_equal(after.rows[after.n - 1].reason, "why");
				assert_string_equal(after.rows[after.n - 1].actor, T_ACTOR);
				assert_int_equal(log_after.n, log_before.n + 1);
			} else {
				assert_int_equal(rc, MERCHANT_ESTATE);
				assert_int_equal(test_info(f, id).app.state, s);
				assert_int_equal(after.n, before.n);
				assert_int_equal(log_after.n, log_before.n);
			}
		}
}

static void test_steps_named(void **state)
{
	char text[96];
	enum merchant_step step;

	(void)state;
	merchant_steps_allowed(MERCHANT_APPLIED, text, sizeof text);
	assert_string_equal(text, "review or close");
	merchant_steps_allowed(MERCHANT_ACTIVE, text, sizeof text);
	assert_string_equal(text, "suspend or close");
	merchant_steps_allowed(MERCHANT_CLOSED, text, sizeof text);
	assert_string_equal(text, "none");
	assert_int_equal(merchant_step_parse("agree", &step), MERCHANT_OK);
	assert_int_equal(step, MERCHANT_STEP_AGREE);
	assert_int_equal(merchant_step_parse("approve", &step), MERCHANT_EARG);
	assert_string_equal(merchant_state_name(MERCHANT_DEVICE_TESTING), "device_testing");
	assert_string_equal(merchant_state_name(99), "unknown");
}

/* The sequence runs per acquirer code, area and MCC, and steps over a MID given by hand; a
 * MID given at the test step is taken as it is, once; activation keeps the MID device testing
 * gave (another one asked for refused), and gives one to a merchant past the test step
 * without one (from before the MID came with it). */
static void test_mid_assignment(void **state)
{
	struct onboarding_fixture *f = *state;
	struct store_merchant taken = {.mid = "898581058120002",
	                               .name = "Hand",
	                               .mcc = "5812",
	                               .status = STORE_MERCHANT_ACTIVE};
	struct merchant_info i;
	struct test_audit log;
	int64_t a, b, c;

	assert_int_equal(store_merchant_insert(f->i->s, &taken), STORE_OK);
	assert_string_equal(test_info(f, test_merchant_in(f, MERCHANT_DEVICE_TESTING)).app.mid,
	                    "898581058120001");
	assert_string_equal(test_info(f, test_merchant_in(f, MERCHANT_ACTIVE)).app.mid,
	                    "898581058120003");
	a = test_apply(f, "5411");
	test_step(f, a, MERCHANT_STEP_REVIEW);
	test_step(f, a, MERCHANT_STEP_TEST);
	assert_string_equal(test_info(f, a).app.mid, "898581054110001");
	test_step(f, a, MERCHANT_STEP_AGREE);
	assert_int_equal(merchant_step(f->m, a, MERCHANT_STEP_ACTIVATE, "x", "898581054119999",
	                               T_ACTOR, f->i->now, NULL),
	                 MERCHANT_EARG);
	step_gives(f, a, MERCHANT_STEP_ACTIVATE, "898581054110001", "898581054110001",
	           "MC898581054110001-2026", STORE_MERCHANT_ACTIVE);

	b = test_merchant_in(f, MERCHANT_REVIEWING);
	test_audit(f->i->s, NULL, &log);
	assert_int_equal(merchant_step(f->m, b, MERCHANT_STEP_TEST, "x", "898581058120003", T_ACTOR,
	                               f->i->now, NULL),
	                 MERCHANT_EEXIST);
	/* Refused whole: no state, no MID, no entry. */
	i = test_info(f, b);
	assert_int_equal(i.app.state, MERCHANT_REVIEWING);
	assert_string_equal(i.app.mid, "");
	{
		struct test_audit again;

		test_audit(f->i->s, NULL, &again);
		assert_int_equal(again.n, log.n);
	}
	assert_int_equal(
	    merchant_step(f->m, b, MERCHANT_STEP_TEST, "x", "bad-mid", T_ACTOR, f->i->now, NULL),
	    MERCHANT_EARG);
	assert_int_equal(merchant_step(f->m, b, MERCHANT_STEP_CLOSE, "x", "898310048120009",
	                               T_ACTOR, f->i->now, NULL),
	                 MERCHANT_EARG);
	assert_int_equal(merchant_step(f->m, b, MERCHANT_STEP_TEST, "x", "898310048120009", T_ACTOR,
	                               f->i->now, &i),
	                 MERCHANT_OK);
	assert_string_equal(i.app.mid, "898310048120009");

	/* An application in agreement with no MID, as one past the test step before this build
	 * left it (written as such: the steps no longer make one). */
	c = test_merchant_in(f, MERCHANT_REVIEWING);
	i = test_info(f, c);
	i.app.state = MERCHANT_AGREEMENT;
	assert_int_equal(store_merchant_app_update(f->i->s, &i.app), STORE_OK);
	step_gives(f, c, MERCHANT_STEP_ACTIVATE, "898310048120010", "898310048120010",
	           "MC898310048120010-2026", STORE_MERCHANT_ACTIVE);
}

static void test_bad_application(void **state)
{
	struct onboarding_fixture *f = *state;
	char big[MERCHANT_TEXT_MAX + 2];
	struct {
		const char *field;
		size_t offset;
		const char *value;
	} cases[] = {
	    {"legal_name", offsetof(struct merchant_application, legal_name), ""},
	    {"legal_name", offsetof(struct merchant_application, legal_name), "two\nlines"},
	    {"licence", offsetof(struct merchant_application, licence), NULL},
	    {"tax_number", offsetof(struct merchant_application, tax_number), ""},
	    {"rep_name", offsetof(struct merchant_application, rep_name), big},
	    {"rep_id", offsetof(struct merchant_application, rep_id),
	     "123456789012345678901234567890123"},
	    {"address", offsetof(struct merchant_application, address), big},
	    {"mcc", offsetof(struct merchant_application, mcc), "581"},
	    {"mcc", offsetof(struct merchant_application, mcc), "58a2"},
	    {"phone", offsetof(struct merchant_application, phone), "call me"},
	    {"phone", offsetof(struct merchant_application, phone), "1234"},
	};
	struct merchant_application good = test_application("5812");
	struct test_audit log;
	int64_t id = -1;

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_null(merchant_application_check(&good));
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct merchant_application a = good;

		memcpy((char *)&a + cases[k].offset, &cases[k].value, sizeof(const char *));
		assert_string_equal(merchant_application_check(&a), cases[k].field);
		assert_int_equal(merchant_apply(f->m, &a, T_ACTOR, f->i->now, &id), MERCHANT_EARG);
	}
	assert_int_equal(merchant_apply(f->m, &good, "", f->i->now, &id), MERCHANT_EARG);
	assert_int_equal(id, -1);
	test_audit(f->i->s, NULL, &log);
	assert_int_equal(log.n, 0);
	{
		struct merchant_info i;

		assert_int_equal(merchant_get(f->m, "1", &i), MERCHANT_ENOTFOUND);
		assert_int_equal(merchant_get(f->m, "x1", &i), MERCHANT_EARG);
		assert_int_equal(merchant_get(f->m, "898581058129999", &i), MERCHANT_ENOTFOUND);
	}
	assert_int_equal(
	    merchant_step(f->m, 42, MERCHANT_STEP_REVIEW, "x", NULL, T_ACTOR, f->i->now, NULL),
	    MERCHANT_ENOTFOUND);
	id = test_apply(f, "5812");
	assert_int_equal(
	    merchant_step(f->m, id, MERCHANT_STEP_REVIEW, "", NULL, T_ACTOR, f->i->now, NULL),
	    MERCHANT_EARG);
}

static const uint8_t pdf[] = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
static const uint8_t png[] = "\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\0IEND\xAE\x42\x60\x82";
static const uint8_t jpeg[] = "\xFF\xD8\xFF\xE0\0\x10JFIF\xFF\xD9";

struct docs {
	struct store_merchant_doc rows[4];
	size_t n;
};

static int doc_row(void *ctx, const struct store_merchant_doc *d)
{
	struct docs *t = ctx;

	if (t->n < 4)
		t->rows[t->n] = *d;
	t->n++;
	return 0;
}

/* The name kept: the base name, no control characters or leading dots, at most
 * MERCHANT_DOC_NAME_MAX bytes and not cut inside a character. */
static void test_document_names(void **state)
{
	char out[MERCHANT_DOC_NAME_MAX + 1], long_name[300];

	(void)state;
	assert_true(merchant_document_name("../../etc/passwd", out));
	assert_string_equal(out, "passwd");
	assert_true(merchant_document_name("C:\\docs\\..licence.pdf", out));
	assert_string_equal(out, "licence.pdf");
	assert_true(merchant_document_name("a\tb\x1B[31m.pdf", out));
	assert_string_equal(out, "ab[31m.pdf");
	assert_false(merchant_document_name("../..", out));
	assert_false(merchant_document_name("dir/", out));
	memset(long_name, 'a', sizeof long_name);
	memcpy(long_name + MERCHANT_DOC_NAME_MAX - 1, "\xE5\x92\x96", 3); /* 咖 across the end */
	long_name[sizeof long_name - 1] = '\0';
	assert_true(merchant_document_name(long_name, out));
	assert_int_equal(strlen(out), MERCHANT_DOC_NAME_MAX - 1);
}

static void test_documents(void **state)
{
	struct onboarding_fixture *f = *state;
	int64_t id = test_apply(f, "5812");
	struct store_merchant_doc d;
	struct docs list = {0};
	struct test_audit log;
	char path[4200];
	struct stat st;
	uint8_t big[64];
	FILE *fp;
	char got[sizeof pdf];

	assert_int_equal(merchant_document_add(f->m, id, "licence", "licence.pdf", pdf,
	                                       sizeof pdf - 1, T_ACTOR, f->i->now, &d),
	                 MERCHANT_OK);
	assert_string_equal(d.content_type, "application/pdf");
	assert_int_equal(d.size, sizeof pdf - 1);
	assert_int_equal(strlen(d.sha256), 64);
	snprintf(path, sizeof path, "%s/%s", f->cfg.documents, d.sha256);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_non_null(fp = fopen(path, "rb"));
	assert_int_equal(fread(got, 1, sizeof got, fp), sizeof pdf - 1);
	fclose(fp);
	assert_memory_equal(got, pdf, sizeof pdf - 1);
	assert_int_equal(merchant_document_add(f->m, id, "id_front", "front.png", png,
	                                       sizeof png - 1, T_ACTOR, f->i->now, &d),
	                 MERCHANT_OK);
	assert_string_equal(d.content_type, "image/png");
	assert_int_equal(merchant_document_add(f->m, id, "id_back", "back.jpg", jpeg,
	                                       sizeof jpeg - 1, T_ACTOR, f->i->now, &d),
	                 MERCHANT_OK);
	assert_string_equal(d.content_type, "image/jpeg");

	/* Refused: a type not known, content of no accepted kind, nothing, a name not one line,
	 * the same file twice, too large, a closed application, no application. */
	assert_int_equal(merchant_document_add(f->m, id, "photo", "x.pdf", pdf, sizeof pdf - 1,
	                                       T_ACTOR, f->i->now, NULL),
	                 MERCHANT_EARG);
	assert_int_equal(merchant_document_add(f->m, id, "other", "x.txt", (const uint8_t *)"hello",
	                                       5, T_ACTOR, f->i->now, NULL),
	                 MERCHANT_EARG);
	assert_int_equal(
	    merchant_document_add(f->m, id, "other", "x.pdf", pdf, 0, T_ACTOR, f->i->now, NULL),
	    MERCHANT_EARG);
	assert_int_equal(merchant_document_add(f->m, id, "other", "../..", pdf, sizeof pdf - 1,
	                                       T_ACTOR, f->i->now, NULL),
	                 MERCHANT_EARG);
	assert_int_equal(merchant_document_add(f->m, id, "other",
	                                       "a\xE2\x80\xAE"
	                                       "fdp.exe",
	                                       pdf, sizeof pdf - 1, T_ACTOR, f->i->now, NULL),
	                 MERCHANT_EARG);
	/* Only starting like a PDF, PNG or JPEG: refused. */
	assert_int_equal(merchant_document_add(f->m, id, "other", "x.pdf",
	                                       (const uint8_t *)"%PDF-1.4\n<script>", 17, T_ACTOR,
	                                       f->i->now, NULL),
	                 MERCHANT_EARG);
	assert_int_equal(merchant_document_add(f->m, id, "other", "x.png", png, sizeof png - 2,
	                                       T_ACTOR, f->i->now, NULL),
	                 MERCHANT_EARG);
	assert_int_equal(merchant_document_add(f->m, id, "other", "x.jpg", jpeg, sizeof jpeg - 2,
	                                       T_ACTOR, f->i->now, NULL),
	                 MERCHANT_EARG);
	assert_int_equal(merchant_document_add(f->m, id, "other", "again.pdf", pdf, sizeof pdf - 1,
	                                       T_ACTOR, f->i->now, NULL),
	                 MERCHANT_EEXIST);
	f->cfg.document_max = 32;
	onboarding_reopen(f);
	memset(big, 0, sizeof big);
	memcpy(big, "%PDF-", 5);
	memcpy(big + 27, "%%EOF", 5); /* the first 32 bytes a whole PDF */
	assert_int_equal(merchant_document_add(f->m, id, "other", "big.pdf", big, sizeof big,
	                                       T_ACTOR, f->i->now, NULL),
	                 MERCHANT_EARG);
	assert_int_equal(merchant_document_add(f->m, id, "other", "small.pdf", big, 32, T_ACTOR,
	                                       f->i->now, NULL),
	                 MERCHANT_OK);
	assert_int_equal(
	    merchant_document_add(f->m, 99, "other", "x.pdf", big, 32, T_ACTOR, f->i->now, NULL),
	    MERCHANT_ENOTFOUND);
	test_step(f, id, MERCHANT_STEP_CLOSE);
	assert_int_equal(
	    merchant_document_add(f->m, id, "other", "late.pdf", big, 32, T_ACTOR, f->i->now, NULL),
	    MERCHANT_ESTATE);

	assert_int_equal(merchant_documents(f->m, id, doc_row, &list), MERCHANT_OK);
	assert_int_equal(list.n, 4);
	assert_string_equal(list.rows[0].type, "licence");
	assert_string_equal(list.rows[0].name, "licence.pdf");
	assert_int_equal(merchant_documents(f->m, 99, doc_row, &list), MERCHANT_ENOTFOUND);
	test_audit(f->i->s, "merchant:1", &log);
	assert_int_equal(log.n, 6); /* apply, four documents, close */
	assert_string_equal(log.rows[1].action, "merchant.document");
	assert_non_null(strstr(log.rows[1].after, "\"sha256\""));
}

static void test_fees_and_limits(void **state)
{
	struct onboarding_fixture *f = *state;
	int64_t id = test_merchant_in(f, MERCHANT_ACTIVE);
	struct merchant_fees fees = {
	    .credit_bp = 58, .debit_bp = 50, .qr_bp = 38, .debit_cap = 1800};
	struct merchant_limits limits = {.daily = 5000000,
	                                 .per_txn = 200000,
	                                 .currency = 156,
	                                 .types = MERCHANT_TYPE_PURCHASE | MERCHANT_TYPE_REFUND};
	struct merchant_info i;
	struct test_audit log;
	struct merchant_fees bad_fees = fees;
	struct merchant_limits bad_limits = limits;
	unsigned bit;

	assert_int_equal(merchant_fees_set(f->m, id, &fees, T_ACTOR, f->i->now), MERCHANT_OK);
	assert_int_equal(merchant_limits_set(f->m, id, &limits, T_ACTOR, f->i->now), MERCHANT_OK);
	i = test_info(f, id);
	assert_int_equal(i.app.fee_credit_bp, 58);
	assert_int_equal(i.app.fee_debit_bp, 50);
	assert_int_equal(i.app.fee_qr_bp, 38);
	assert_int_equal(i.app.fee_debit_cap, 1800);
	assert_int_equal(i.app.limit_daily, 5000000);
	assert_int_equal(i.app.limit_txn, 200000);
	assert_int_equal(i.app.types, MERCHANT_TYPE_PURCHASE | MERCHANT_TYPE_REFUND);
	test_audit(f->i->s, "merchant:898581058120001", &log);
	assert_string_equal(log.rows[log.n - 2].action, "merchant.fees");
	assert_non_null(strstr(log.rows[log.n - 2].before, "\"credit_bp\":60"));
	assert_non_null(strstr(log.rows[log.n - 2].after, "\"credit_bp\":58"));
	assert_string_equal(log.rows[log.n - 1].action, "merchant.limits");
	assert_non_null(strstr(log.rows[log.n - 1].after, "\"types\":[\"purchase\",\"refund\"]"));

	bad_fees.credit_bp = 10001;
	assert_int_equal(merchant_fees_set(f->m, id, &bad_fees, T_ACTOR, f->i->now), MERCHANT_EARG);
	bad_fees = fees;
	bad_fees.debit_cap = -1;
	assert_int_equal(merchant_fees_set(f->m, id, &bad_fees, T_ACTOR, f->i->now), MERCHANT_EARG);
	bad_limits.types = 0;
	assert_int_equal(merchant_limits_set(f->m, id, &bad_limits, T_ACTOR, f->i->now),
	                 MERCHANT_EARG);
	bad_limits = limits;
	bad_limits.per_txn = limits.daily + 1;
	assert_int_equal(merchant_limits_set(f->m, id, &bad_limits, T_ACTOR, f->i->now),
	                 MERCHANT_EARG);
	assert_int_equal(merchant_fees_set(f->m, 99, &fees, T_ACTOR, f->i->now),
	                 MERCHANT_ENOTFOUND);
	test_step(f, id, MERCHANT_STEP_CLOSE);
	assert_int_equal(merchant_fees_set(f->m, id, &fees, T_ACTOR, f->i->now), MERCHANT_ESTATE);
	assert_int_equal(merchant_limits_set(f->m, id, &limits, T_ACTOR, f->i->now),
	                 MERCHANT_ESTATE);
	assert_int_equal(merchant_type_parse("refund", &bit), MERCHANT_OK);
	assert_int_equal(bit, MERCHANT_TYPE_REFUND);
	assert_int_equal(merchant_type_parse("cashback", &bit), MERCHANT_EARG);
}

struct due {
	int64_t ids[8];
	size_t n;
};

static int due_row(void *ctx, const struct merchant_info *i)
{
	struct due *d = ctx;

	if (d->n < 8)
		d->ids[d->n] = i->app.id;
	d->n++;
	return 0;
}

static void test_review_due(void **state)
{
	struct onboarding_fixture *f = *state;
	int64_t a = test_merchant_in(f, MERCHANT_ACTIVE), b, c;
	struct due d = {0};

	f->i->now += 100 * T_DAY;
	b = test_merchant_in(f, MERCHANT_ACTIVE);
	c = test_merchant_in(f, MERCHANT_AGREEMENT);
	(void)c;
	assert_int_equal(merchant_review_due(f->m, f->i->now, due_row, &d), MERCHANT_OK);
	assert_int_equal(d.n, 0);
	f->i->now = T_NOW + 365 * T_DAY;
	assert_int_equal(merchant_review_due(f->m, f->i->now, due_row, &d), MERCHANT_OK);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.ids[0], a);
	f->i->now += 100 * T_DAY;
	memset(&d, 0, sizeof d);
	assert_int_equal(merchant_review_due(f->m, f->i->now, due_row, &d), MERCHANT_OK);
	assert_int_equal(d.n, 2);
	assert_int_equal(merchant_reviewed(f->m, a, "site visit", T_ACTOR, f->i->now), MERCHANT_OK);
	assert_int_equal(test_info(f, a).app.next_review, f->i->now + 365 * T_DAY);
	memset(&d, 0, sizeof d);
	assert_int_equal(merchant_review_due(f->m, f->i->now, due_row, &d), MERCHANT_OK);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.ids[0], b);
	/* A suspended merchant is not due, nor can it be reviewed. */
	test_step(f, b, MERCHANT_STEP_SUSPEND);
	memset(&d, 0, sizeof d);
	assert_int_equal(merchant_review_due(f->m, f->i->now, due_row, &d), MERCHANT_OK);
	assert_int_equal(d.n, 0);
	assert_int_equal(merchant_reviewed(f->m, b, "x", T_ACTOR, f->i->now), MERCHANT_ESTATE);
}

/* Registers n (tid gets its TID), which want says is taken or refused. */
static void registers(struct onboarding_fixture *f, const struct merchant_terminal_new *n,
                      char tid[MERCHANT_TID_LEN + 1], int want)
{
	assert_int_equal(merchant_terminal_register(f->m, T_ACTOR, n, NULL, f->i->now, tid, NULL),
	                 want);
}

/* A merchant in device testing (its MID given) with terminal tid of model (NULL none)
 * registered, keyed, not serving. */
static int64_t testing_with(struct onboarding_fixture *f, const char *tid, const char *model)
{
	int64_t id = test_merchant_in(f, MERCHANT_DEVICE_TESTING);
	struct merchant_info i = test_info(f, id);
	struct merchant_terminal_new t = {.mid = i.app.mid, .sn = tid, .tid = tid, .model = model};
	char got[MERCHANT_TID_LEN + 1];

	registers(f, &t, got, MERCHANT_OK);
	return id;
}

static void certificate(struct onboarding_fixture *f, const char *id, const char *model,
                        const char *version, int64_t revoked_at)
{
	struct store_certify_cert c = {
	    .passed_cases = 18, .issued_at = f->i->now, .revoked_at = revoked_at};

	snprintf(c.id, sizeof c.id, "%s", id);
	snprintf(c.model, sizeof c.model, "%s", model);
	snprintf(c.version, sizeof c.version, "%s", version);
	snprintf(c.suite, sizeof c.suite, "cup-pos");
	snprintf(c.issued_by, sizeof c.issued_by, T_ACTOR);
	assert_int_equal(store_certify_add(f->i->s, &c), STORE_OK);
}

static void reported(struct onboarding_fixture *f, const char *tid, const char *version)
{
	struct store_terminal t;

	assert_int_equal(store_terminal_get(f->i->s, tid, &t), STORE_OK);
	snprintf(t.version, sizeof t.version, "%s", version);
	assert_int_equal(store_terminal_update(f->i->s, &t), STORE_OK);
}

/* Whether the terminals of n's merchant may serve (want MERCHANT_OK) or not (MERCHANT_ESTATE):
 * tid, registered still, activated; n registered and activated at once. */
static void serving(struct onboarding_fixture *f, const char *tid,
                    const struct merchant_terminal_new *n, int want)
{
	struct merchant_terminal t;
	char got[MERCHANT_TID_LEN + 1];

	assert_int_equal(merchant_terminal_get(f->m, tid, &t), MERCHANT_OK);
	assert_int_equal(t.state, MERCHANT_TERMINAL_REGISTERED);
	assert_int_equal(merchant_terminal_set_state(f->m, T_ACTOR, tid, MERCHANT_TERMINAL_ACTIVE,
	                                             NULL, f->i->now),
	                 want);
	registers(f, n, got, want);
}

/* docs/certify.md "The onboarding's requirement", on an acquirer's road: the MID given at the
 * test step, the terminals registered (keyed, not serving) during the device test; agree asks
 * a certificate in force for each terminal's model and the version it reported (any version
 * before it reports one); a terminal of no model, or a retired one, is not asked about; an
 * override goes on, audited with the terminals it let through; merchant add's whole road is
 * never held up; once the merchant is active its terminals may be activated. */
static void test_agree_asks_certificates(void **state)
{
	struct onboarding_fixture *f = *state;
	int64_t id = testing_with(f, "PX000001", "PX-7"), other;
	struct merchant_info i = test_info(f, id);
	struct merchant_terminal_new
	    served = {.mid = i.app.mid, .sn = "SN-SERVE", .activate = true, .model = "PX-7"},
	    none = {.mid = i.app.mid, .sn = "SN-NONE", .tid = "NO000001"},
	    old = {.mid = i.app.mid, .sn = "SN-OLD", .tid = "OL000001", .model = "OLD-1"};
	struct merchant_step_args a = {0};
	struct test_audit au;
	char tid[MERCHANT_TID_LEN + 1], object[STORE_AUDIT_OBJECT_MAX];

	/* Not yet active: its terminals are registered, none put in service. */
	serving(f, "PX000001", &served, MERCHANT_ESTATE);
	registers(f, &none, tid, MERCHANT_OK);
	registers(f, &old, tid, MERCHANT_OK);
	assert_int_equal(merchant_terminal_set_state(f->m, T_ACTOR, "OL000001",
	                                             MERCHANT_TERMINAL_RETIRED, "gone", f->i->now),
	                 MERCHANT_OK);

	assert_int_equal(
	    merchant_step_with(f->m, id, MERCHANT_STEP_AGREE, "x", T_ACTOR, f->i->now, &a, NULL),
	    MERCHANT_ECERTIFY);
	assert_string_equal(
	    a.why, "terminal PX000001 (model PX-7, no version reported) has no device certificate "
	           "in force");
	assert_int_equal(test_info(f, id).app.state, MERCHANT_DEVICE_TESTING);
	certificate(f, "CERT-00000000000A", "PX-7", "321700", 0);
	reported(f, "PX000001", "321702");
	assert_int_equal(
	    merchant_step_with(f->m, id, MERCHANT_STEP_AGREE, "x", T_ACTOR, f->i->now, &a, NULL),
	    MERCHANT_ECERTIFY);
	assert_non_null(strstr(a.why, "(model PX-7, version 321702)"));
	certificate(f, "CERT-00000000000B", "PX-7", "321702", f->i->now); /* revoked */
	assert_int_equal(
	    merchant_step(f->m, id, MERCHANT_STEP_AGREE, "x", NULL, T_ACTOR, f->i->now, NULL),
	    MERCHANT_ECERTIFY);
	reported(f, "PX000001", ""); /* none reported: any version of its model */
	assert_int_equal(
	    merchant_step(f->m, id, MERCHANT_STEP_AGREE, "x", NULL, T_ACTOR, f->i->now, NULL),
	    MERCHANT_OK);

	/* Active: its terminals go into service one by one, as the operator activates them. */
	test_step(f, id, MERCHANT_STEP_ACTIVATE);
	serving(f, "PX000001", &served, MERCHANT_OK);

	other = testing_with(f, "PX000002", "PX-7");
	i = test_info(f, other);
	none =
	    (struct merchant_terminal_new){.mid = i.app.mid, .sn = "SN-NONE-2", .tid = "NO000002"};
	registers(f, &none, tid, MERCHANT_OK);
	reported(f, "PX000002", "321702");
	a.override_certification = "pilot";
	assert_int_equal(
	    merchant_step_with(f->m, other, MERCHANT_STEP_TEST, "x", T_ACTOR, f->i->now, &a, NULL),
	    MERCHANT_EARG);
	a.override_certification = "two\nlines";
	assert_int_equal(
	    merchant_step_with(f->m, other, MERCHANT_STEP_AGREE, "x", T_ACTOR, f->i->now, &a, NULL),
	    MERCHANT_EARG);
	a.override_certification = "pilot: vendor retest booked";
	assert_int_equal(
	    merchant_step_with(f->m, other, MERCHANT_STEP_AGREE, "x", T_ACTOR, f->i->now, &a, NULL),
	    MERCHANT_OK);
	snprintf(object, sizeof object, "merchant:%s", i.app.mid);
	test_audit(f->i->s, object, &au);
	assert_true(au.n >= 2);
	assert_string_equal(au.rows[au.n - 2].action, "merchant.certification_override");
	assert_non_null(
	    strstr(au.rows[au.n - 2].after, "\"reason\":\"pilot: vendor retest booked\""));
	assert_non_null(strstr(au.rows[au.n - 2].after,
	                       "{\"tid\":\"PX000002\",\"model\":\"PX-7\",\"version\":\"321702\"}"));
	assert_null(strstr(au.rows[au.n - 2].after, "NO000002")); /* no model: not asked about */
	assert_string_equal(au.rows[au.n - 1].action, "merchant.agree");

	other = testing_with(f, "PX000003", "PX-7");
	reported(f, "PX000003", "321702");
	a = (struct merchant_step_args){.whole_road = true};
	assert_int_equal(
	    merchant_step_with(f->m, other, MERCHANT_STEP_AGREE, "x", T_ACTOR, f->i->now, &a, NULL),
	    MERCHANT_OK);
}

/* A terminal moved to a merchant in device testing: one registered (not in service) may be, one
 * in service not; a closed merchant's MID takes no terminal. */
static void test_rebind_to_testing(void **state)
{
	struct onboarding_fixture *f = *state;
	struct merchant_info from = test_info(f, test_merchant_in(f, MERCHANT_ACTIVE)),
	                     to = test_info(f, testing_with(f, "PX000001", "PX-7"));
	struct merchant_terminal_new serving = {.mid = from.app.mid,
	                                        .sn = "SN-S",
	                                        .activate = true},
	                             waiting = {.mid = from.app.mid, .sn = "SN-W"};
	char s[MERCHANT_TID_LEN + 1], w[MERCHANT_TID_LEN + 1];
	int64_t closed = testing_with(f, "PX000002", "PX-7");

	registers(f, &serving, s, MERCHANT_OK);
	registers(f, &waiting, w, MERCHANT_OK);
	assert_int_equal(merchant_terminal_rebind(f->m, T_ACTOR, s, to.app.mid, NULL, "moved", NULL,
	                                          f->i->now, NULL),
	                 MERCHANT_ESTATE);
	assert_int_equal(merchant_terminal_rebind(f->m, T_ACTOR, w, to.app.mid, NULL, "moved", NULL,
	                                          f->i->now, NULL),
	                 MERCHANT_OK);
	test_step(f, closed, MERCHANT_STEP_CLOSE);
	waiting.mid = test_info(f, closed).app.mid;
	waiting.sn = "SN-C";
	registers(f, &waiting, w, MERCHANT_ESTATE);
}

int main(void)
{
#define T(fn)                                                                                      \
	cmocka_unit_test_setup_teardown(fn, onboarding_fixture_setup, onboarding_fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_lifecycle),   T(test_old_phones_sealed),       T(test_every_transition),
	    T(test_steps_named), T(test_mid_assignment),          T(test_bad_application),
	    T(test_documents),   T(test_document_names),          T(test_fees_and_limits),
	    T(test_review_due),  T(test_agree_asks_certificates), T(test_rebind_to_testing),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
