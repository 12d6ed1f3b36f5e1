/* report.c — the report of a run (docs/certify.md "Report"): every case passed, failed or
 * skipped, and for a failure each finding with the message it is about decoded field by field,
 * masked; as text for a person, one JSON object for a program (the text the certificate's
 * report_sha256 is of) and a printable HTML page. Nothing here shows a card number but its
 * first 6 and last 4 digits, nor any track, PIN block, chip data, key or MAC. */
#include "certify/internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "card/card.h"
#include "common/hex.h"
#include "common/html.h"
#include "common/jsonval.h"
#include "common/text.h"

/* Fields never shown, only their length: tracks, PIN blocks, chip data, keys, MACs. */
static const int hidden_fields[] = {35, 36, 45, 52, 55, 62, 64, 96, 128};

/* The words of the text and HTML reports, in English and Chinese. */
enum label {
	L_SUITE,
	L_MODEL,
	L_VERSION,
	L_TERMINAL,
	L_STARTED,
	L_FINISHED,
	L_RESULT,
	L_CERTIFICATE,
	L_NONE,
	L_PASSED,
	L_FAILED,
	L_SKIPPED,
	L_MUST,
	L_MESSAGE,
	L_MORE,
	L_CASES,
	L_FAILURES,
};

static const char *const labels[][2] = {
    [L_SUITE] = {"Suite", "套件"},
    [L_MODEL] = {"Model", "型号"},
    [L_VERSION] = {"Version", "版本"},
    [L_TERMINAL] = {"Terminal", "终端"},
    [L_STARTED] = {"Started", "开始"},
    [L_FINISHED] = {"Finished", "结束"},
    [L_RESULT] = {"Result", "结果"},
    [L_CERTIFICATE] = {"Certificate", "证书"},
    [L_NONE] = {"none", "无"},
    [L_PASSED] = {"passed", "通过"},
    [L_FAILED] = {"failed", "失败"},
    [L_SKIPPED] = {"skipped", "跳过"},
    [L_MUST] = {"The terminal must", "终端应当"},
    [L_MESSAGE] = {"message", "报文"},
    [L_MORE] = {"more findings not kept", "条未保留的发现"},
    [L_CASES] = {"Cases", "用例"},
    [L_FAILURES] = {"Failures", "失败详情"},
};

static const char *label(enum label l, int lang)
{
	return labels[l][lang == 1];
}

/* A text of the suite in lang: its Chinese when asked for and written, else its English. */
static const char *in_lang(const char text[2][CERTIFY_TEXT_MAX], int lang)
{
	return lang == 1 && text[1][0] != '\0' ? text[1] : text[0];
}

/* ---- counting ---- */

enum outcome { CASE_SKIPPED, CASE_PASSED, CASE_FAILED };

static enum outcome outcome(const struct certify_case_result *cr)
{
	return !cr->run ? CASE_SKIPPED : cr->passed ? CASE_PASSED : CASE_FAILED;
}

static const char *const outcome_json[] = {"skipped", "passed", "failed"};
static const char *const outcome_text[] = {"SKIP", "PASS", "FAIL"};

struct counts {
	size_t passed, failed, skipped;
};

static struct counts count(const struct certify_result *r)
{
	struct counts c = {0, 0, 0};

	for (size_t i = 0; i < r->n_cases; i++)
		switch (outcome(&r->cases[i])) {
		case CASE_PASSED:
			c.passed++;
			break;
		case CASE_FAILED:
			c.failed++;
			break;
		default:
			c.skipped++;
		}
	return c;
}

bool certify_passed(const struct certify_result *r)
{
	struct counts c;

	if (r == NULL)
		return false;
	c = count(r);
	return c.failed == 0 && c.passed > 0;
}

bool certify_complete(const struct certify_result *r)
{
	return certify_passed(r) && count(r).passed == r->n_cases;
}

/* ---- a message decoded ---- */

static bool hidden(int f)
{
	for (size_t i = 0; i < sizeof hidden_fields / sizeof hidden_fields[0]; i++)
		if (hidden_fields[i] == f)
			return true;
	return false;
}

struct decode {
	int (*fn)(void *ctx, const struct certify_field *f);
	void *ctx;
	char *text; /* ISO8583_TEXT_MAX + 1 bytes */
};

/* A sub-field (iso8583_explain), as text or hex, masked by its path. */
static int decode_sub(void *ctx, const iso8583_subvalue *sv)
{
	struct decode *d = ctx;
	size_t n = sv->binary ? 2 * sv->len : sv->len;

	if (n > ISO8583_TEXT_MAX)
		return 0;
	if (sv->binary)
		hex_encode(sv->data, sv->len, d->text, ISO8583_TEXT_MAX + 1);
	else
		memcpy(d->text, sv->data, sv->len);
	d->text[n] = '\0';
	card_mask_field(sv->path, d->text, n);
	return d->fn(d->ctx, &(struct certify_field){sv->path, sv->name != NULL ? sv->name : "",
	                                             d->text, sv->depth + 1});
}

/* Field f of m, then its sub-fields unless it is hidden. */
static int decode_field(struct decode *d, const iso8583_msg *m, int f, uint8_t *raw)
{
	const iso8583_field_spec *spec = &m->wire->fields[f];
	char path[8];
	size_t len = 0;
	iso8583_diag diag;
	int rc;

	snprintf(path, sizeof path, "%d", f);
	if (hidden(f)) {
		snprintf(d->text, ISO8583_TEXT_MAX + 1, "(%u %s, not shown)", m->field[f].len,
		         spec->cls == ISO8583_B ? "bytes" : "characters");
	} else if (iso8583_field_text(m->wire, m, f, d->text, ISO8583_TEXT_MAX + 1, &len) ==
	           ISO8583_OK) {
		card_mask_field(path, d->text, len);
	} else {
		snprintf(d->text, ISO8583_TEXT_MAX + 1, "(does not read)");
	}
	rc = d->fn(d->ctx,
	           &(struct certify_field){path, spec->name != NULL ? spec->name : "", d->text, 0});
	if (rc != 0 || hidden(f) || iso8583_get(m, f, raw, ISO8583_TEXT_MAX, &len) != ISO8583_OK)
		return rc;
	rc = iso8583_explain(m->wire, m->mti, f, raw, len, decode_sub, d, NULL, &diag);
	return rc > 0 ? rc : 0; /* a breakdown that does not parse: the field alone */
}

int certify_msg_decode(const iso8583_msg *m, int (*fn)(void *ctx, const struct certify_field *f),
                       void *ctx)
{
	struct decode d = {fn, ctx, malloc(ISO8583_TEXT_MAX + 1)};
	uint8_t *raw = malloc(ISO8583_TEXT_MAX + 1);
	int rc = CERTIFY_OK;

	assert(m != NULL && m->wire != NULL && fn != NULL);
	if (d.text == NULL || raw == NULL) {
		rc = CERTIFY_ENOMEM;
		goto out;
	}
	for (int f = iso8583_next(m, 1); f != 0 && rc == 0; f = iso8583_next(m, f))
		rc = decode_field(&d, m, f, raw);
out:
	free(d.text);
	free(raw);
	return rc;
}

/* The message a finding is about (1-based in its case's transcript), or NULL. */
static const struct certify_msg *finding_msg(const struct certify_case_result *cr,
                                             const struct certify_finding *fd)
{
	return fd->msg >= 1 && (size_t)fd->msg <= cr->tr.n ? cr->tr.msgs[fd->msg - 1] : NULL;
}

/* Field f of m as text ("" when absent or m did not unpack). */
static void field(const iso8583_msg *m, bool ok, int f, char *out, size_t cap)
{
	if (!ok || certify_field_text(m, f, 0, 0, 0, out, cap) != CERTIFY_OK)
		out[0] = '\0';
}

/* "message 2: 0200 STAN 000124 …; no answer (host: lose)" — the heading of a decoded message:
 * its line as the findings show it (certify_msg_line: masked). */
static void msg_heading(const struct certify_msg *m, int lang, char *out, size_t cap)
{
	char line[CERTIFY_WHY_MAX];

	certify_msg_line(m, line, sizeof line);
	snprintf(out, cap, "%s %d: %s", label(L_MESSAGE, lang), m->n, line);
}

/* ---- text ---- */

static int text_field(void *ctx, const struct certify_field *f)
{
	fprintf(ctx, "            %*s%-8s %-32.32s %s\n", 2 * f->depth, "", f->path, f->name,
	        f->value);
	return 0;
}

static void text_case(const struct certify_case_result *cr, int lang, FILE *f)
{
	const struct certify_case *c = cr->c;
	char heading[CERTIFY_WHY_MAX + 32];

	fprintf(f, "  %s  %-20s %s", outcome_text[outcome(cr)], c->id, in_lang(c->title, lang));
	if (outcome(cr) != CASE_SKIPPED)
		fprintf(f, "  (%lld.%01lld s)", (long long)(cr->ms / 1000),
		        (long long)(cr->ms % 1000 / 100));
	fputc('\n', f);
	if (outcome(cr) != CASE_FAILED)
		return;
	if (in_lang(c->terminal, lang)[0] != '\0')
		fprintf(f, "        %s: %s\n", label(L_MUST, lang), in_lang(c->terminal, lang));
	for (size_t k = 0; k < cr->n_findings; k++) {
		const struct certify_finding *fd = &cr->findings[k];
		const struct certify_msg *m = finding_msg(cr, fd);

		if (fd->line > 0)
			fprintf(f, "        [%s] line %d: %s\n", fd->rule, fd->line, fd->why);
		else
			fprintf(f, "        [%s] %s\n", fd->rule, fd->why);
		if (m == NULL)
			continue;
		msg_heading(m, lang, heading, sizeof heading);
		fprintf(f, "          %s\n", heading);
		if (m->rq_ok)
			certify_msg_decode(&m->rq, text_field, f);
	}
	if (cr->n_more > 0)
		fprintf(f, "        (%zu %s)\n", cr->n_more, label(L_MORE, lang));
}

static void text_report(const struct certify_result *r, int lang, FILE *f)
{
	const struct certify_suite *s = r->suite;
	struct counts n = count(r);
	char started[TEXT_TIME_LEN], finished[TEXT_TIME_LEN];

	text_local(r->started, r->utc_offset, started);
	text_local(r->finished, r->utc_offset, finished);
	fprintf(f, "possum certify\n");
	fprintf(f, "%-12s %s  %s\n", label(L_SUITE, lang), s->name, in_lang(s->title, lang));
	fprintf(f, "%-12s %s  %s %s\n", label(L_MODEL, lang), r->model[0] != '\0' ? r->model : "-",
	        label(L_VERSION, lang), r->version[0] != '\0' ? r->version : "-");
	fprintf(f, "%-12s TID %s  MID %s  SN %s\n", label(L_TERMINAL, lang), r->tid, r->mid, r->sn);
	fprintf(f, "%-12s %s\n%-12s %s\n", label(L_STARTED, lang), started, label(L_FINISHED, lang),
	        finished);
	fprintf(f, "%-12s %zu %s, %zu %s, %zu %s\n", label(L_RESULT, lang), n.passed,
	        label(L_PASSED, lang), n.failed, label(L_FAILED, lang), n.skipped,
	        label(L_SKIPPED, lang));
	fprintf(f, "%-12s %s\n\n", label(L_CERTIFICATE, lang),
	        r->certificate[0] != '\0' ? r->certificate : label(L_NONE, lang));
	for (size_t i = 0; i < r->n_cases; i++)
		text_case(&r->cases[i], lang, f);
}

/* ---- JSON ---- */

/* A text of a message (which a terminal may send in another encoding) as a JSON string:
 * "(not UTF-8)" when it is not UTF-8. */
static json_t *json_str(const char *s)
{
	json_t *v = json_string(s);

	return v != NULL ? v : json_string("(not UTF-8)");
}

/* A text as JSON: null when empty. */
static json_t *json_text(const char *s)
{
	return s[0] != '\0' ? json_str(s) : json_null();
}

static int json_field(void *ctx, const struct certify_field *f)
{
	return json_array_append_new(ctx, json_pack("{s:s, s:o, s:o}", "field", f->path, "name",
	                                            json_str(f->name), "value",
	                                            json_str(f->value))) != 0;
}

static json_t *json_decoded(const struct certify_msg *m)
{
	json_t *items;

	if (m == NULL || !m->rq_ok || (items = json_array()) == NULL)
		return json_null();
	certify_msg_decode(&m->rq, json_field, items);
	return json_pack("{s:s, s:o}", "mti", m->rq.mti, "fields", jsonval_page(items, NULL));
}

static json_t *json_findings(const struct certify_case_result *cr)
{
	json_t *items = json_array();

	for (size_t k = 0; items != NULL && k < cr->n_findings; k++) {
		const struct certify_finding *fd = &cr->findings[k];

		json_array_append_new(items, json_pack("{s:s, s:i, s:i, s:o, s:o}", "rule",
		                                       fd->rule, "line", fd->line, "message",
		                                       fd->msg, "why", json_str(fd->why), "decoded",
		                                       json_decoded(finding_msg(cr, fd))));
	}
	return jsonval_page(items, NULL);
}

static json_t *json_messages(const struct certify_case_result *cr)
{
	json_t *items = json_array();
	char stan[16];

	for (size_t k = 0; items != NULL && k < cr->tr.n; k++) {
		const struct certify_msg *m = cr->tr.msgs[k];

		field(&m->rq, m->rq_ok, 11, stan, sizeof stan);
		json_array_append_new(
		    items, json_pack("{s:i, s:o, s:o, s:s, s:o}", "n", m->n, "mti",
		                     m->rq_ok ? json_string(m->rq.mti) : json_null(), "stan",
		                     json_text(stan), "effect", certify_effect_name(m->effect),
		                     "rc", json_text(m->rc)));
	}
	return jsonval_page(items, NULL);
}

static json_t *json_case(const struct certify_case_result *cr)
{
	const struct certify_case *c = cr->c;

	return json_pack("{s:s, s:o, s:o, s:s, s:I, s:o, s:I, s:o}", "id", c->id, "title",
	                 json_str(c->title[0]), "title_zh", json_text(c->title[1]), "result",
	                 outcome_json[outcome(cr)], "ms", (json_int_t)cr->ms, "findings",
	                 json_findings(cr), "findings_more", (json_int_t)cr->n_more, "messages",
	                 json_messages(cr));
}

static json_t *json_report(const struct certify_result *r)
{
	json_t *cases = json_array();
	struct counts n = count(r);

	for (size_t i = 0; cases != NULL && i < r->n_cases; i++)
		json_array_append_new(cases, json_case(&r->cases[i]));
	return json_pack(
	    "{s:s, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:o, s:o}", "suite", r->suite->name,
	    "model", json_text(r->model), "version", json_text(r->version), "tid",
	    json_text(r->tid), "started", jsonval_time(r->started, r->utc_offset), "finished",
	    jsonval_time(r->finished, r->utc_offset), "passed", (json_int_t)n.passed, "failed",
	    (json_int_t)n.failed, "skipped", (json_int_t)n.skipped, "certificate",
	    json_text(r->certificate), "cases", jsonval_page(cases, NULL));
}

/* ---- HTML ---- */

static const char html_style[] =
    "body{font:14px/1.45 system-ui,sans-serif;color:#111;margin:2em auto;max-width:60em}"
    "h1{font-size:1.5em;margin-bottom:.1em}h2{font-size:1.2em;margin-top:1.6em}"
    "h3{font-size:1.05em}.sub{color:#555;margin-top:0}"
    ".summary{border:2px solid #b42318;padding:.6em 1em;margin:1em 0}"
    ".summary.ok{border-color:#1a7f37}.summary th{border:0;background:none;width:9em}"
    ".summary td{border:0}.summary .verdict{font-size:1.3em;color:#b42318}"
    ".summary.ok .verdict{color:#1a7f37}table{border-collapse:collapse;width:100%}"
    "th,td{border:1px solid #ccc;padding:.2em .45em;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3}.passed{color:#1a7f37;font-weight:bold}"
    ".failed{color:#b42318;font-weight:bold}.skipped{color:#777}"
    ".msg td,.msg th{font:12px/1.3 ui-monospace,monospace}.why{margin:.4em 0}"
    "@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}"
    ".case{break-inside:avoid-page}tr{break-inside:avoid}"
    "th{background:#eee;-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

static void html_row(FILE *f, const char *th, const char *td)
{
	fputs("<tr><th>", f);
	html_escape(f, th);
	fputs("</th><td>", f);
	html_escape(f, td);
	fputs("</td></tr>\n", f);
}

static void html_summary(const struct certify_result *r, FILE *f)
{
	struct counts n = count(r);
	char t[TEXT_TIME_LEN * 2 + 8], u[TEXT_TIME_LEN], line[160];

	fprintf(
	    f,
	    "<table class=\"summary%s\">\n<tr><th class=\"verdict\" colspan=\"2\">%s</th></tr>\n",
	    certify_passed(r) ? " ok" : "",
	    certify_passed(r) ? "PASSED 通过" : "NOT PASSED 未通过");
	snprintf(line, sizeof line, "%s %s", r->model[0] != '\0' ? r->model : "-",
	         r->version[0] != '\0' ? r->version : "-");
	html_row(f, "Model, version / 型号、版本", line);
	snprintf(line, sizeof line, "TID %s  MID %s  SN %s", r->tid, r->mid, r->sn);
	html_row(f, "Terminal / 终端", line);
	text_local(r->started, r->utc_offset, t);
	text_local(r->finished, r->utc_offset, u);
	strcat(strcat(t, " – "), u);
	html_row(f, "Run / 测试时间", t);
	snprintf(line, sizeof line, "%zu passed 通过, %zu failed 失败, %zu skipped 跳过", n.passed,
	         n.failed, n.skipped);
	html_row(f, "Result / 结果", line);
	html_row(f, "Certificate / 证书", r->certificate[0] != '\0' ? r->certificate : "none 无");
	fputs("</table>\n", f);
}

static void html_cases(const struct certify_result *r, FILE *f)
{
	char ms[32];

	fputs("<h2>Cases 用例</h2>\n<table>\n<tr><th>Case</th><th>Title</th><th>标题</th>"
	      "<th>Result 结果</th><th>Time</th></tr>\n",
	      f);
	for (size_t i = 0; i < r->n_cases; i++) {
		const struct certify_case_result *cr = &r->cases[i];

		fputs("<tr><td>", f);
		html_escape(f, cr->c->id);
		fputs("</td><td>", f);
		html_escape(f, cr->c->title[0]);
		fputs("</td><td>", f);
		html_escape(f, cr->c->title[1]);
		if (outcome(cr) == CASE_SKIPPED)
			snprintf(ms, sizeof ms, "–");
		else
			snprintf(ms, sizeof ms, "%lld.%01lld s", (long long)(cr->ms / 1000),
			         (long long)(cr->ms % 1000 / 100));
		fprintf(f, "</td><td class=\"%s\">%s</td><td>%s</td></tr>\n",
		        outcome_json[outcome(cr)], outcome_json[outcome(cr)], ms);
	}
	fputs("</table>\n", f);
}

static int html_field(void *ctx, const struct certify_field *fd)
{
	FILE *f = ctx;

	fprintf(f, "<tr><td style=\"padding-left:%.1fem\">", 0.45 + 1.2 * fd->depth);
	html_escape(f, fd->path);
	fputs("</td><td>", f);
	html_escape(f, fd->name);
	fputs("</td><td>", f);
	html_escape(f, fd->value);
	fputs("</td></tr>\n", f);
	return 0;
}

static void html_failure(const struct certify_case_result *cr, FILE *f)
{
	const struct certify_case *c = cr->c;
	char heading[CERTIFY_WHY_MAX + 32], line[32];

	fputs("<section class=\"case\"><h3>", f);
	html_escape(f, c->id);
	fputs(" — ", f);
	html_escape(f, c->title[0]);
	if (c->title[1][0] != '\0') {
		fputs(" / ", f);
		html_escape(f, c->title[1]);
	}
	fputs("</h3>\n", f);
	for (int l = 0; l < 2; l++)
		if (c->terminal[l][0] != '\0') {
			fprintf(f, "<p>%s: ", label(L_MUST, l));
			html_escape(f, c->terminal[l]);
			fputs("</p>\n", f);
		}
	for (size_t k = 0; k < cr->n_findings; k++) {
		const struct certify_finding *fd = &cr->findings[k];
		const struct certify_msg *m = finding_msg(cr, fd);

		fputs("<p class=\"why\"><b>", f);
		html_escape(f, fd->rule);
		fputs("</b> ", f);
		if (fd->line > 0) {
			snprintf(line, sizeof line, "line %d: ", fd->line);
			fputs(line, f);
		}
		html_escape(f, fd->why);
		fputs("</p>\n", f);
		if (m == NULL)
			continue;
		msg_heading(m, 0, heading, sizeof heading);
		fputs("<table class=\"msg\"><tr><th colspan=\"3\">", f);
		html_escape(f, heading);
		fputs("</th></tr>\n", f);
		if (m->rq_ok)
			certify_msg_decode(&m->rq, html_field, f);
		fputs("</table>\n", f);
	}
	if (cr->n_more > 0)
		fprintf(f, "<p>(%zu more findings not kept)</p>\n", cr->n_more);
	fputs("</section>\n", f);
}

static void html_report(const struct certify_result *r, int lang, FILE *f)
{
	const struct certify_suite *s = r->suite;
	struct counts n = count(r);

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">\n<title>",
	        lang == 1 ? "zh" : "en");
	html_escape(f, "possum certify: ");
	html_escape(f, s->name);
	fprintf(f, " %s %s</title>\n<style>%s</style></head><body>\n<h1>", r->model, r->version,
	        html_style);
	html_escape(f, s->title[0][0] != '\0' ? s->title[0] : s->name);
	fputs("</h1>\n<p class=\"sub\">", f);
	html_escape(f, s->title[1]);
	fputs(" · possum certify, suite ", f);
	html_escape(f, s->name);
	fputs("</p>\n", f);
	html_summary(r, f);
	html_cases(r, f);
	if (n.failed > 0)
		fputs("<h2>Failures 失败详情</h2>\n", f);
	for (size_t i = 0; i < r->n_cases; i++)
		if (outcome(&r->cases[i]) == CASE_FAILED)
			html_failure(&r->cases[i], f);
	fputs("</body></html>\n", f);
}

int certify_report_write(const struct certify_result *r, enum certify_format fmt, int lang, FILE *f)
{
	json_t *o;
	int rc = CERTIFY_OK;

	if (r == NULL || r->suite == NULL || f == NULL || lang < 0 || lang > 1)
		return CERTIFY_EARG;
	switch (fmt) {
	case CERTIFY_TEXT:
		text_report(r, lang, f);
		break;
	case CERTIFY_JSON:
		if ((o = json_report(r)) == NULL)
			return CERTIFY_ENOMEM;
		if (json_dumpf(o, f, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0 ||
		    fputc('\n', f) == EOF)
			rc = CERTIFY_EIO;
		json_decref(o);
		break;
	case CERTIFY_HTML:
		html_report(r, lang, f);
		break;
	default:
		return CERTIFY_EARG;
	}
	if (fflush(f) != 0 || ferror(f))
		rc = CERTIFY_EIO;
	return rc;
}
