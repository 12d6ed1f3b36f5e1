/* test_certify_report.c — the report of a run (src/certify/report.c, docs/certify.md
 * "Report"): a result made by hand (a small suite filled in code: signin passed,
 * purchase-stripe failed with two findings, void skipped) written as text, JSON and HTML. A
 * failed case shows its findings and the offending message decoded field by field, the card
 * number masked to its first 6 and last 4 digits and the track, PIN block and MAC never shown;
 * the HTML page escapes what the suite says. The suite of the first tests is the test's
 * (static), not the result's: their cases and transcripts are freed here, and
 * certify_result_free() — which frees the suite with certify_suite_free() — is called only on
 * a result whose suite certify_suite_load() read (the shipped one's). */
#include "testutil.h"

#include <stdio.h>

#include <jansson.h>

#include "certify/internal.h"

#define PAN    "6228480402564890018"
#define MASKED "622848*********0018"
#define TRACK  PAN "=25122200000000000"
#define PIN    "1122334455667788"
#define MAC    "8877665544332211"

static struct certify_suite suite;
static struct certify_case cases[3];

static void make_suite(void)
{
	memset(&suite, 0, sizeof suite);
	memset(cases, 0, sizeof cases);
	snprintf(suite.name, sizeof suite.name, "cup-pos");
	snprintf(suite.title[0], sizeof suite.title[0], "CUP POS terminal test");
	snprintf(suite.title[1], sizeof suite.title[1], "银联POS终端测试");
	snprintf(cases[0].id, sizeof cases[0].id, "signin");
	snprintf(cases[0].title[0], sizeof cases[0].title[0], "Sign-in");
	snprintf(cases[0].title[1], sizeof cases[0].title[1], "签到");
	snprintf(cases[1].id, sizeof cases[1].id, "purchase-stripe");
	snprintf(cases[1].title[0], sizeof cases[1].title[0], "Purchase <stripe> & \"swipe\"");
	snprintf(cases[1].title[1], sizeof cases[1].title[1], "磁条消费");
	snprintf(cases[1].terminal[0], sizeof cases[1].terminal[0],
	         "send the track encrypted, with a MAC");
	snprintf(cases[2].id, sizeof cases[2].id, "void");
	snprintf(cases[2].title[0], sizeof cases[2].title[0], "Void");
	suite.cases = cases;
	suite.n_cases = 3;
}

/* A request as the proxy records it: packed under cup-pos after an envelope of zeros, unpacked
 * from its own bytes. */
static struct certify_msg *request(const char *mti, bool card)
{
	const iso8583_profile *p = iso8583_profile_find("cup-pos");
	struct certify_msg *m = calloc(1, sizeof *m);
	size_t skip = (size_t)p->tpdu_len + p->header_len, len = 0;
	iso8583_diag diag;
	iso8583_msg b;

	assert_non_null(m);
	iso8583_msg_init(&b);
	iso8583_set_mti(&b, mti);
	iso8583_set_str(&b, 3, "000000");
	iso8583_set_str(&b, 11, "000124");
	iso8583_set_str(&b, 41, "12345678");
	iso8583_set_str(&b, 42, "898310048120001");
	iso8583_set_str(&b, 60, "22000001000");
	if (card) {
		iso8583_set_str(&b, 2, PAN);
		iso8583_set_str(&b, 4, "000000001234");
		iso8583_set_str(&b, 22, "021");
		iso8583_set_str(&b, 35, TRACK);
		iso8583_set_str(&b, 49, "156");
		iso8583_set(&b, 52, HEX(PIN), 8);
		iso8583_set_str(&b, 53, "2600000000000000");
		iso8583_set(&b, 64, HEX(MAC), 8);
	}
	assert_int_equal(iso8583_pack(p, &b, m->req + skip, sizeof m->req - skip, &len, &diag),
	                 ISO8583_OK);
	m->req_len = skip + len;
	assert_int_equal(iso8583_unpack(p, m->req + skip, len, &m->rq, &diag), ISO8583_OK);
	m->rq_ok = true;
	m->answered_ms = -1;
	return m;
}

static struct certify_result *make_result(void)
{
	struct certify_result *r = calloc(1, sizeof *r);
	struct certify_case_result *cr;
	struct certify_msg *m;

	make_suite();
	assert_non_null(r);
	r->suite = &suite;
	r->cases = calloc(3, sizeof *r->cases);
	r->n_cases = 3;
	snprintf(r->model, sizeof r->model, "PX-7");
	snprintf(r->version, sizeof r->version, "321702");
	snprintf(r->tid, sizeof r->tid, "12345678");
	snprintf(r->mid, sizeof r->mid, "898310048120001");
	snprintf(r->sn, sizeof r->sn, "SN0001");
	r->started = 1796000000;
	r->finished = 1796000300;
	r->utc_offset = 480;
	for (size_t i = 0; i < 3; i++)
		r->cases[i].c = &cases[i];
	cr = &r->cases[0];
	cr->run = cr->passed = true;
	cr->ms = 1200;
	assert_int_equal(certify_transcript_add(&cr->tr, request("0800", false)), CERTIFY_OK);
	cr = &r->cases[1];
	cr->run = true;
	cr->ms = 3450;
	assert_int_equal(certify_transcript_add(&cr->tr, request("0800", false)), CERTIFY_OK);
	m = request("0200", true);
	m->effect = CERTIFY_LOSE;
	assert_int_equal(certify_transcript_add(&cr->tr, m), CERTIFY_OK);
	certify_find(cr, 2, 0, "track", "track 2 sent in the clear: 53's third digit is 0");
	certify_find(cr, 0, 42, "expect", "expected 0400 with 39=98 after message 2; nothing came");
	r->passed = r->failed = r->skipped = 1;
	return r;
}

static void free_result(struct certify_result *r)
{
	for (size_t i = 0; i < r->n_cases; i++)
		certify_transcript_free(&r->cases[i].tr);
	free(r->cases);
	free(r);
}

/* The report of r in fmt and lang, as a string the caller frees. */
static char *report(const struct certify_result *r, enum certify_format fmt, int lang)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(certify_report_write(r, fmt, lang, f), CERTIFY_OK);
	fclose(f);
	return text;
}

/* Nothing secret in text: no whole card number, track, PIN block or MAC. */
static void assert_nothing_secret(const char *text)
{
	assert_null(strstr(text, PAN));
	assert_null(strstr(text, "=2512"));
	assert_null(strstr(text, PIN));
	assert_null(strstr(text, MAC));
}

static void text_shows_findings_decoded_and_masked(void **state)
{
	struct certify_result *r = make_result();
	char *t = report(r, CERTIFY_TEXT, 0);

	(void)state;
	assert_non_null(strstr(t, "cup-pos  CUP POS terminal test"));
	assert_non_null(strstr(t, "PX-7  Version 321702"));
	assert_non_null(strstr(t, "Started      2026-11-30 08:53:20"));
	assert_non_null(strstr(t, "1 passed, 1 failed, 1 skipped"));
	assert_non_null(strstr(t, "Certificate  none"));
	assert_non_null(strstr(t, "PASS  signin"));
	assert_non_null(strstr(t, "FAIL  purchase-stripe"));
	assert_non_null(strstr(t, "SKIP  void"));
	assert_non_null(strstr(t, "The terminal must: send the track encrypted, with a MAC"));
	assert_non_null(strstr(t, "[track] track 2 sent in the clear"));
	assert_non_null(strstr(t, "[expect] line 42: expected 0400 with 39=98"));
	assert_non_null(strstr(t, "message 2: 0200 STAN 000124 2=" MASKED));
	assert_non_null(strstr(t, "; no answer (host: lose)"));
	assert_non_null(strstr(t, MASKED));
	assert_non_null(strstr(t, "(8 bytes, not shown)")); /* 52 and 64 */
	assert_non_null(strstr(t, "60.1")); /* a sub-field, by the dialect's layout */
	assert_nothing_secret(t);
	free(t);
	t = report(r, CERTIFY_TEXT, 1);
	assert_non_null(strstr(t, "磁条消费"));
	assert_non_null(strstr(t, "签到"));
	assert_non_null(strstr(t, "void")); /* no Chinese title: the English one */
	free(t);
	free_result(r);
}

static void json_is_one_object(void **state)
{
	struct certify_result *r = make_result();
	char *t;
	json_t *o, *c, *fd, *fields;
	json_error_t err;
	bool masked = false;
	size_t i;
	json_t *v;

	(void)state;
	snprintf(r->certificate, sizeof r->certificate, "CERT-0123456789AB");
	t = report(r, CERTIFY_JSON, 0);
	assert_nothing_secret(t);
	assert_non_null(o = json_loads(t, 0, &err));
	assert_string_equal(json_string_value(json_object_get(o, "suite")), "cup-pos");
	assert_string_equal(json_string_value(json_object_get(o, "model")), "PX-7");
	assert_string_equal(json_string_value(json_object_get(o, "version")), "321702");
	assert_string_equal(json_string_value(json_object_get(o, "tid")), "12345678");
	assert_string_equal(json_string_value(json_object_get(o, "started")),
	                    "2026-11-30T08:53:20+08:00");
	assert_int_equal(json_integer_value(json_object_get(o, "passed")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "failed")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "skipped")), 1);
	assert_string_equal(json_string_value(json_object_get(o, "certificate")),
	                    "CERT-0123456789AB");
	c = json_object_get(json_object_get(o, "cases"), "items");
	assert_int_equal(json_array_size(c), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 0), "result")),
	                    "passed");
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 2), "result")),
	                    "skipped");
	c = json_array_get(c, 1);
	assert_string_equal(json_string_value(json_object_get(c, "id")), "purchase-stripe");
	assert_string_equal(json_string_value(json_object_get(c, "title_zh")), "磁条消费");
	assert_string_equal(json_string_value(json_object_get(c, "result")), "failed");
	assert_int_equal(json_integer_value(json_object_get(c, "ms")), 3450);
	fd = json_object_get(json_object_get(c, "findings"), "items");
	assert_int_equal(json_array_size(fd), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(fd, 0), "rule")),
	                    "track");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(fd, 0), "message")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(fd, 1), "line")), 42);
	assert_true(json_is_null(json_object_get(json_array_get(fd, 1), "decoded")));
	fields = json_object_get(
	    json_object_get(json_object_get(json_array_get(fd, 0), "decoded"), "fields"), "items");
	json_array_foreach(fields, i, v)
	{
		if (strcmp(json_string_value(json_object_get(v, "field")), "2") == 0)
			masked =
			    strcmp(json_string_value(json_object_get(v, "value")), MASKED) == 0;
	}
	assert_true(masked);
	v = json_array_get(json_object_get(json_object_get(c, "messages"), "items"), 1);
	assert_int_equal(json_integer_value(json_object_get(v, "n")), 2);
	assert_string_equal(json_string_value(json_object_get(v, "mti")), "0200");
	assert_string_equal(json_string_value(json_object_get(v, "stan")), "000124");
	assert_string_equal(json_string_value(json_object_get(v, "effect")), "lose");
	assert_true(json_is_null(json_object_get(v, "rc")));
	json_decref(o);
	free(t);
	free_result(r);
}

static void html_is_escaped_and_printable(void **state)
{
	struct certify_result *r = make_result();
	char *t = report(r, CERTIFY_HTML, 0);

	(void)state;
	assert_true(strncmp(t, "<!DOCTYPE html>", 15) == 0);
	assert_non_null(strstr(t, "@media print"));
	assert_non_null(strstr(t, "Purchase &lt;stripe&gt; &amp; &quot;swipe&quot;"));
	assert_null(strstr(t, "<stripe>"));
	assert_non_null(strstr(t, "磁条消费"));        /* both languages' titles */
	assert_non_null(strstr(t, "银联POS终端测试")); /* the suite's too */
	assert_non_null(strstr(t, "1 passed 通过, 1 failed 失败, 1 skipped 跳过"));
	assert_non_null(strstr(t, "<td class=\"failed\">failed</td>"));
	assert_non_null(strstr(t, MASKED));
	assert_non_null(strstr(t, "line 42: expected 0400 with 39=98"));
	assert_nothing_secret(t);
	free(t);
	free_result(r);
}

static void passed_only_with_none_failed(void **state)
{
	struct certify_result *r = make_result();

	(void)state;
	assert_false(certify_passed(r));
	r->cases[1].passed = true;
	assert_true(certify_passed(r));
	for (size_t i = 0; i < r->n_cases; i++)
		r->cases[i].run = false;
	assert_false(certify_passed(r)); /* nothing run: nothing passed */
	assert_false(certify_passed(NULL));
	assert_int_equal(certify_report_write(r, (enum certify_format)9, 0, stdout), CERTIFY_EARG);
	assert_int_equal(certify_report_write(r, CERTIFY_TEXT, 2, stdout), CERTIFY_EARG);
	free_result(r);
}

/* The shipped suite (certify_suite_load, as the run reads it) reported in each form, then the
 * result freed with its suite and its transcripts (certify_result_free). */
static void shipped_suite_reported_and_freed(void **state)
{
	struct certify_suite *s = NULL;
	struct certify_result *r = calloc(1, sizeof *r);
	char err[256], *t;

	(void)state;
	assert_int_equal(certify_suite_load("cup-pos", &s, err, sizeof err), CERTIFY_OK);
	assert_non_null(r);
	r->suite = s;
	assert_non_null(r->cases = calloc(s->n_cases, sizeof *r->cases));
	r->n_cases = s->n_cases;
	for (size_t i = 0; i < s->n_cases; i++) {
		r->cases[i].c = &s->cases[i];
		r->cases[i].run = r->cases[i].passed = true;
		assert_int_equal(certify_transcript_add(&r->cases[i].tr, request("0200", true)),
		                 CERTIFY_OK);
	}
	r->cases[1].passed = false;
	certify_find(&r->cases[1], 1, 0, "mac", "the MAC does not verify");
	for (int fmt = CERTIFY_TEXT; fmt <= CERTIFY_HTML; fmt++)
		for (int lang = 0; lang < 2; lang++) {
			t = report(r, (enum certify_format)fmt, lang);
			assert_non_null(strstr(t, s->cases[1].id));
			assert_non_null(strstr(t, MASKED));
			assert_nothing_secret(t);
			free(t);
		}
	certify_result_free(r);
	certify_result_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(text_shows_findings_decoded_and_masked),
	    cmocka_unit_test(json_is_one_object),
	    cmocka_unit_test(html_is_escaped_and_printable),
	    cmocka_unit_test(passed_only_with_none_failed),
	    cmocka_unit_test(shipped_suite_reported_and_freed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
