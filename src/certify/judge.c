/* judge.c — a case's own expectations judged over its transcript (docs/certify.md "The suite
 * file", "Matching"): each `expect` in order, a subsequence of the terminal's requests, its
 * conditions on the fields of a request and of the answer it got, references to earlier
 * matches (of this case or an earlier one) resolved; a finding for each expectation not met,
 * saying what came instead; a message as one line a person reads, card data masked. */
#include "certify/internal.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card/card.h"
#include "common/hex.h"
#include "common/money.h"

#define TEXT_CAP (2 * CERTIFY_FRAME_MAX + 1) /* any field of a frame as text */
#define NO_MATCH SIZE_MAX

/* Fields whose values are never shown: tracks, PIN block, chip data, keys, MAC. */
static bool hidden(int field)
{
	return field == 35 || field == 36 || field == 52 || field == 55 || field == 62 ||
	       field == 64;
}

static const iso8583_profile *profile_of(const iso8583_msg *m)
{
	const iso8583_profile *p = m->wire != NULL ? m->wire : iso8583_profile_find("cup-pos");

	assert(p != NULL);
	return p;
}

/* Field f's sub-field sub (0: the whole field) as text into out. */
static int sub_text(const iso8583_msg *m, int f, int sub, char *out, size_t cap, size_t *n)
{
	const iso8583_profile *p = profile_of(m);
	uint8_t raw[CERTIFY_FRAME_MAX + 1];
	const uint8_t *sv;
	size_t len, sl;

	if (f < 2 || f > p->max_field || !iso8583_has(m, f))
		return CERTIFY_ENOTFOUND;
	if (sub == 0)
		return iso8583_field_text(p, m, f, out, cap, n) == ISO8583_OK ? CERTIFY_OK
		                                                              : CERTIFY_ENOTFOUND;
	if (iso8583_get(m, f, raw, sizeof raw, &len) != ISO8583_OK ||
	    iso8583_sub_get(p, m->mti, f, raw, len, sub, &sv, &sl) != ISO8583_OK)
		return CERTIFY_ENOTFOUND;
	if (p->fields[f].cls == ISO8583_B) {
		if (hex_encode(sv, sl, out, cap) != HEX_OK)
			return CERTIFY_EARG;
		*n = 2 * sl;
		return CERTIFY_OK;
	}
	if (sl + 1 > cap)
		return CERTIFY_EARG;
	memcpy(out, sv, sl);
	out[sl] = '\0';
	*n = sl;
	return CERTIFY_OK;
}

/* [off, off + len) of text (n characters), in place; CERTIFY_ENOTFOUND past its end. */
static int slice(char *text, size_t n, int off, int len)
{
	if (len == 0)
		return CERTIFY_OK;
	if ((size_t)off + (size_t)len > n)
		return CERTIFY_ENOTFOUND;
	memmove(text, text + off, (size_t)len);
	text[len] = '\0';
	return CERTIFY_OK;
}

int certify_field_text(const iso8583_msg *m, int field, int sub, int off, int len, char *out,
                       size_t cap)
{
	char text[TEXT_CAP];
	size_t n;
	int rc;

	if ((rc = sub_text(m, field, sub, text, sizeof text, &n)) != CERTIFY_OK ||
	    (rc = slice(text, n, off, len)) != CERTIFY_OK)
		return rc;
	if (strlen(text) + 1 > cap)
		return CERTIFY_EARG;
	strcpy(out, text);
	return CERTIFY_OK;
}

/* text, a value of field (sub; len: a slice of it) of a message of mti, as a person may see it:
 * hidden fields replaced, card numbers masked (card_mask_field), settlement totals as they are. */
static void mask(const char *mti, int field, int sub, int len, char *text, size_t cap)
{
	char path[16];
	size_t n = strlen(text);

	if (hidden(field)) {
		snprintf(text, cap, "(hidden)");
		return;
	}
	if (field == 48 && strncmp(mti, "05", 2) == 0)
		return;
	if (sub > 0)
		snprintf(path, sizeof path, "%d.%d", field, sub);
	else
		snprintf(path, sizeof path, "%d", field);
	if (len == 0) {
		card_mask_field(path, text, n);
		return;
	}
	/* A part of a field: masked as the whole would be, where it stands in it. */
	if (field == 2 || field == 34 || field == 48 || field == 59)
		memset(text, '*', n);
}

/* Appends to out (capacity cap, *at used) what fmt says, cut where out is full. */
static void put(char *out, size_t cap, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void put(char *out, size_t cap, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*at + 1 >= cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *at, cap - *at, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at = *at + (size_t)n < cap ? *at + (size_t)n : cap - 1;
}

/* The fields a line shows, in this order. */
static const int line_fields[] = {2, 3, 4, 22, 25, 37, 38, 39, 60, 61};

static void put_fields(const iso8583_msg *m, const int *fields, size_t n, char *out, size_t cap,
                       size_t *at)
{
	char v[TEXT_CAP];
	int64_t minor;

	for (size_t i = 0; i < n; i++) {
		if (certify_field_text(m, fields[i], 0, 0, 0, v, sizeof v) != CERTIFY_OK)
			continue;
		if (fields[i] == 4 && (minor = strtoll(v, NULL, 10)) >= 0)
			money_format(minor, 156, v); /* n12 minor units, CNY (49 is 156) */
		else
			mask(m->mti, fields[i], 0, 0, v, sizeof v);
		put(out, cap, at, " %d=%s", fields[i], v);
	}
}

void certify_msg_line(const struct certify_msg *m, char *out, size_t cap)
{
	static const int answer_fields[] = {39, 37, 38};
	char stan[8];
	size_t at = 0;

	assert(cap > 0);
	out[0] = '\0';
	if (!m->rq_ok) {
		put(out, cap, &at, "message %d, which does not read: %s", m->n, m->rq_error);
		return;
	}
	put(out, cap, &at, "%s", m->rq.mti);
	if (certify_field_text(&m->rq, 11, 0, 0, 0, stan, sizeof stan) == CERTIFY_OK)
		put(out, cap, &at, " STAN %s", stan);
	put_fields(&m->rq, line_fields, sizeof line_fields / sizeof line_fields[0], out, cap, &at);
	if (m->an_ok) {
		put(out, cap, &at, "; answered %s", m->an.mti);
		put_fields(&m->an, answer_fields, 3, out, cap, &at);
	} else {
		put(out, cap, &at, "%s",
		    m->ans_len > 0 ? "; its answer did not read" : "; no answer");
	}
	if (m->effect != CERTIFY_PASS)
		put(out, cap, &at, " (host: %s)", certify_effect_name(m->effect));
}

/* The message expect r->expect of this case (ci) or an earlier one matched, or NULL (why). */
static const struct certify_msg *ref_msg(const struct certify_result *res, size_t ci,
                                         const struct certify_ref *r, char *why, size_t cap)
{
	const struct certify_case_result *cr = &res->cases[ci];
	int k;

	if (r->case_id[0] != '\0') {
		cr = NULL;
		for (size_t i = 0; i < ci; i++)
			if (res->cases[i].c != NULL && strcmp(res->cases[i].c->id, r->case_id) == 0)
				cr = &res->cases[i];
		if (cr == NULL || !cr->run) {
			snprintf(why, cap, "case %s %s", r->case_id,
			         cr == NULL ? "does not come before this one" : "was not run");
			return NULL;
		}
	}
	if (r->expect > cr->c->n_expects || (k = cr->matched[r->expect - 1]) < 1 ||
	    (size_t)k > cr->tr.n) {
		snprintf(why, cap, "expect %d of %s matched nothing", r->expect,
		         r->case_id[0] != '\0' ? r->case_id : "this case");
		return NULL;
	}
	return cr->tr.msgs[k - 1];
}

/* Alternative alt (n characters) of a value with its references replaced, into out. */
static int resolve(const struct certify_result *res, size_t ci, const char *alt, size_t n,
                   char *out, size_t cap, char *why, size_t wcap)
{
	char v[TEXT_CAP];
	size_t at = 0;

	for (const char *s = alt, *end; s < alt + n; s = end) {
		const struct certify_msg *m;
		struct certify_ref r;

		if (*s != '@') {
			end = s + 1;
			put(out, cap, &at, "%c", *s);
			continue;
		}
		if (certify_ref_read(s, &r, &end, why, wcap) != CERTIFY_OK ||
		    (m = ref_msg(res, ci, &r, why, wcap)) == NULL)
			return CERTIFY_ENOTFOUND;
		if (!(r.answer ? m->an_ok : m->rq_ok) ||
		    certify_field_text(r.answer ? &m->an : &m->rq, r.field, r.sub, 0, 0, v,
		                       sizeof v) != CERTIFY_OK) {
			snprintf(why, wcap, "%.*s: %s has no field %d%s", (int)(end - s), s,
			         r.answer ? "its answer" : "its request", r.field,
			         r.sub > 0 ? ".N" : "");
			return CERTIFY_ENOTFOUND;
		}
		put(out, cap, &at, "%s", v);
	}
	out[at] = '\0';
	return CERTIFY_OK;
}

/* A condition as the suite writes it: ">48[30,1]=1". */
static void cond_write(const struct certify_cond *cd, char *out, size_t cap)
{
	size_t at = 0;

	put(out, cap, &at, "%s%s%d", cd->op == CERTIFY_ABSENT ? "-" : "", cd->answer ? ">" : "",
	    cd->field);
	if (cd->sub > 0)
		put(out, cap, &at, ".%d", cd->sub);
	if (cd->len > 0)
		put(out, cap, &at, "[%d,%d]", cd->off, cd->len);
	if (cd->op == CERTIFY_EQ || cd->op == CERTIFY_NE)
		put(out, cap, &at, "%s%s", cd->op == CERTIFY_EQ ? "=" : "!=", cd->value);
}

/* Whether got equals one of cd's alternatives; want gets them resolved and masked. */
static int alternatives(const struct certify_result *res, size_t ci, const char *mti,
                        const struct certify_cond *cd, const char *got, bool *equal, char *want,
                        size_t cap, char *why, size_t wcap)
{
	char v[TEXT_CAP];
	size_t at = 0;

	*equal = false;
	for (const char *a = cd->value, *bar;; a = bar + 1) {
		bar = a + strcspn(a, "|");
		if (resolve(res, ci, a, (size_t)(bar - a), v, sizeof v, why, wcap) != CERTIFY_OK)
			return CERTIFY_ENOTFOUND;
		*equal = *equal || strcmp(v, got) == 0;
		mask(mti, cd->field, cd->sub, cd->len, v, sizeof v);
		put(want, cap, &at, "%s%s", a == cd->value ? "" : " or ", v);
		if (*bar == '\0')
			return CERTIFY_OK;
	}
}

/* Whether m meets cd; when not, why says how (its values masked). */
static bool cond_met(const struct certify_result *res, size_t ci, const struct certify_msg *m,
                     const struct certify_cond *cd, char *why, size_t cap)
{
	const iso8583_msg *f = cd->answer ? &m->an : &m->rq;
	char name[48], got[TEXT_CAP], want[CERTIFY_WHY_MAX], reason[CERTIFY_WHY_MAX];
	bool have, equal;

	cond_write(cd, name, sizeof name);
	if (cd->answer && !m->an_ok) {
		snprintf(why, cap, "%s: no answer it read came", name);
		return cd->op == CERTIFY_ABSENT;
	}
	have = certify_field_text(f, cd->field, cd->sub, cd->off, cd->len, got, sizeof got) ==
	       CERTIFY_OK;
	if (cd->op == CERTIFY_PRESENT || cd->op == CERTIFY_ABSENT) {
		if (have == (cd->op == CERTIFY_PRESENT))
			return true;
		snprintf(why, cap, "%s: the field is %s", name, have ? "present" : "absent");
		return false;
	}
	if (!have) {
		snprintf(why, cap, "%s: the field is absent", name);
		return false;
	}
	want[0] = '\0';
	if (alternatives(res, ci, f->mti, cd, got, &equal, want, sizeof want, reason,
	                 sizeof reason) != CERTIFY_OK) {
		snprintf(why, cap, "%s: %s", name, reason);
		return false;
	}
	if (equal == (cd->op == CERTIFY_EQ))
		return true;
	mask(f->mti, cd->field, cd->sub, cd->len, got, sizeof got);
	if (equal)
		snprintf(why, cap, "%s: it is %s, which it must not be", name, got);
	else
		snprintf(why, cap, "%s: it is %s, not %s", name, got, want);
	return false;
}

/* Whether request m fits expectation e; when not, why (may be NULL) says the first reason. */
static bool fits(const struct certify_result *res, size_t ci, const struct certify_expect *e,
                 const struct certify_msg *m, char *why, size_t cap)
{
	char scratch[CERTIFY_WHY_MAX];
	bool mti = false;

	if (why == NULL) {
		why = scratch;
		cap = sizeof scratch;
	}
	if (!m->rq_ok) {
		snprintf(why, cap, "it does not read");
		return false;
	}
	for (int i = 0; i < e->n_mtis; i++)
		mti = mti || strcmp(e->mtis[i], m->rq.mti) == 0;
	if (!mti) {
		snprintf(why, cap, "not %s", e->mtis[0]);
		return false;
	}
	for (int i = 0; i < e->n_conds; i++)
		if (!cond_met(res, ci, m, &e->conds[i], why, cap))
			return false;
	return true;
}

/* An expectation as the suite writes it, for findings: "0400 with 39=98 11=@1.11". */
static void expect_write(const struct certify_expect *e, char *out, size_t cap)
{
	char cond[CERTIFY_VALUE_MAX + 40];
	size_t at = 0;

	for (int i = 0; i < e->n_mtis; i++)
		put(out, cap, &at, "%s%s", i > 0 ? "|" : "", e->mtis[i]);
	for (int i = 0; i < e->n_conds; i++) {
		cond_write(&e->conds[i], cond, sizeof cond);
		put(out, cap, &at, "%s%s", i > 0 ? " " : " with ", cond);
	}
}

/* "after message 3" (pos messages are behind), or "" before any. */
static void after_write(size_t pos, char *out, size_t cap)
{
	if (pos == 0)
		out[0] = '\0';
	else
		snprintf(out, cap, " after message %zu", pos);
}

/* The finding of an expectation that nothing after message pos met: the nearest request of
 * its MTI and why it does not fit, else the next request, else "nothing came". */
static void find_missing(struct certify_result *res, size_t ci, const struct certify_expect *e,
                         size_t pos)
{
	struct certify_case_result *cr = &res->cases[ci];
	char want[CERTIFY_WHY_MAX], after[48], line[CERTIFY_WHY_MAX], why[CERTIFY_WHY_MAX];

	expect_write(e, want, sizeof want);
	after_write(pos, after, sizeof after);
	for (size_t j = pos; j < cr->tr.n; j++) {
		const struct certify_msg *m = cr->tr.msgs[j];

		for (int k = 0; m->rq_ok && k < e->n_mtis; k++)
			if (strcmp(e->mtis[k], m->rq.mti) == 0) {
				fits(res, ci, e, m, why, sizeof why);
				certify_msg_line(m, line, sizeof line);
				certify_find(cr, 0, e->line, "expect",
				             "line %d: expected %s%s; got message %zu, %s (%s)",
				             e->line, want, after, j + 1, line, why);
				return;
			}
	}
	if (pos < cr->tr.n) {
		certify_msg_line(cr->tr.msgs[pos], line, sizeof line);
		if (cr->tr.n - pos > 1)
			snprintf(why, sizeof why, " (and %zu more, none a %s)", cr->tr.n - pos - 1,
			         e->mtis[0]);
		else
			why[0] = '\0';
		certify_find(cr, 0, e->line, "expect",
		             "line %d: expected %s%s; got message %zu, %s%s", e->line, want, after,
		             pos + 1, line, why);
		return;
	}
	certify_find(cr, 0, e->line, "expect", "line %d: expected %s%s; nothing came", e->line,
	             want, after);
}

/* A `none`: the first request after message pos that fits e is a finding. */
static void judge_none(struct certify_result *res, size_t ci, const struct certify_expect *e,
                       size_t pos)
{
	struct certify_case_result *cr = &res->cases[ci];
	char want[CERTIFY_WHY_MAX], after[48], line[CERTIFY_WHY_MAX];

	for (size_t j = pos; j < cr->tr.n; j++)
		if (fits(res, ci, e, cr->tr.msgs[j], NULL, 0)) {
			expect_write(e, want, sizeof want);
			after_write(pos, after, sizeof after);
			certify_msg_line(cr->tr.msgs[j], line, sizeof line);
			certify_find(cr, (int)j + 1, e->line, "expect",
			             "line %d: expected no %s%s; got message %zu, %s", e->line,
			             want, after, j + 1, line);
			return;
		}
}

/* The findings of an earlier judgement of the case dropped: judging again replaces them. */
static void drop_findings(struct certify_case_result *cr)
{
	size_t kept = 0;

	for (size_t i = 0; i < cr->n_findings; i++)
		if (strcmp(cr->findings[i].rule, "expect") != 0)
			cr->findings[kept++] = cr->findings[i];
	cr->n_findings = kept;
}

int certify_judge(struct certify_result *res, size_t ci, bool *complete)
{
	struct certify_case_result *cr = &res->cases[ci];
	const struct certify_case *c = cr->c;
	size_t pos = 0; /* the messages before pos are behind the last match */
	bool all = true;

	assert(ci < res->n_cases && c != NULL);
	drop_findings(cr);
	for (int i = 0; i < c->n_expects; i++) {
		const struct certify_expect *e = &c->expects[i];
		size_t j = NO_MATCH;

		cr->matched[i] = 0;
		if (e->none) {
			judge_none(res, ci, e, pos);
			continue;
		}
		for (size_t k = pos; j == NO_MATCH && k < cr->tr.n; k++)
			if (fits(res, ci, e, cr->tr.msgs[k], NULL, 0))
				j = k;
		if (j == NO_MATCH) {
			all = false;
			find_missing(res, ci, e, pos);
			continue;
		}
		cr->matched[i] = (int)j + 1;
		for (pos = j + 1;
		     e->many && pos < cr->tr.n && fits(res, ci, e, cr->tr.msgs[pos], NULL, 0);)
			pos++;
	}
	if (complete != NULL)
		*complete = all;
	return CERTIFY_OK;
}
