/* checks.c — a case's named checks (`check NAME`, docs/certify.md "Checks"): what no single
 * message shows.
 *
 * | name              | passes when                                                          |
 * |-------------------|----------------------------------------------------------------------|
 * | `receipt`         | the slip shows the RRN (37) and authorization code (38) the approval  |
 * |                   | carried and the merchant's name as the host last gave it: read in the |
 * |                   | driver's output, or confirmed by the person at the terminal           |
 * | `upload-complete` | after totals that differ, the batch upload (0320 201/203) carried as  |
 * |                   | many transactions as the settlement's totals count, and was ended     |
 * |                   | (0320 202)                                                            |
 */
#include "certify/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The request's MTI, "" when it did not unpack. */
static const char *mti(const struct certify_msg *m)
{
	return m->rq_ok ? m->rq.mti : "";
}

/* Field f (sub-field sub) of m's request, or of its answer, as text; "" when absent. */
static void text_of(const struct certify_msg *m, bool answer, int f, int sub, char *out, size_t cap)
{
	if ((answer && !m->an_ok) || (!answer && !m->rq_ok) ||
	    certify_field_text(answer ? &m->an : &m->rq, f, sub, 0, 0, out, cap) != CERTIFY_OK)
		out[0] = '\0';
}

/* The merchant's names the terminal may print (its language decides which): the last
 * `setup param merchant_name_zh` and `merchant_name_en` of this run set, else the name field
 * 63 of the last approved sign-in answer carried, in names[0] and names[1] ("" none). */
static void merchant_names(const struct certify_result *res, const struct certify_case_result *cr,
                           char names[2][200])
{
	static const char *const keys[2] = {"merchant_name_zh", "merchant_name_en"};
	char f63[200];

	names[0][0] = names[1][0] = '\0';
	for (const struct certify_case_result *c = res->cases; c <= cr; c++) {
		for (size_t m = 0; m < c->tr.n; m++)
			if (strcmp(mti(c->tr.msgs[m]), "0800") == 0 &&
			    strcmp(c->tr.msgs[m]->rc, "00") == 0) {
				text_of(c->tr.msgs[m], true, 63, 0, f63, sizeof f63);
				if (strlen(f63) > 3)
					snprintf(names[0], 200, "%s", f63 + 3);
			}
		for (int i = 0; c->run && i < c->c->n_setup; i++)
			for (int k = 0; k < 2; k++)
				if (strcmp(c->c->setup_keys[i], keys[k]) == 0)
					snprintf(names[k], 200, "%s", c->c->setup_values[i]);
	}
}

/* Whether text shows one of names (a name "" shows nothing; no names at all: true). */
static bool shows_a_name(const char *text, char names[2][200])
{
	if (names[0][0] == '\0' && names[1][0] == '\0')
		return true;
	return (names[0][0] != '\0' && strstr(text, names[0]) != NULL) ||
	       (names[1][0] != '\0' && strstr(text, names[1]) != NULL);
}

/* The case's first approved payment or refund, or NULL. */
static const struct certify_msg *approval(const struct certify_case_result *cr)
{
	for (size_t i = 0; i < cr->tr.n; i++) {
		const struct certify_msg *m = cr->tr.msgs[i];

		if ((strcmp(mti(m), "0200") == 0 || strcmp(mti(m), "0220") == 0 ||
		     strcmp(mti(m), "0100") == 0) &&
		    strcmp(m->rc, "00") == 0)
			return m;
	}
	return NULL;
}

/* Asks the person at the terminal; true for a yes. */
static bool confirm(FILE *ask, FILE *say, const char *question)
{
	char line[64];

	fprintf(say, "        %s [y/n] ", question);
	fflush(say);
	return ask != NULL && fgets(line, sizeof line, ask) != NULL &&
	       (line[0] == 'y' || line[0] == 'Y');
}

static void check_receipt(const struct certify_result *res, struct certify_case_result *cr,
                          int line, FILE *ask, FILE *say, int lang)
{
	const struct certify_msg *m = approval(cr);
	char rrn[16], auth[8], names[2][200], q[600];

	if (m == NULL) {
		certify_find(cr, 0, line, "check", "receipt: no approval in this case to print");
		return;
	}
	text_of(m, true, 37, 0, rrn, sizeof rrn);
	text_of(m, true, 38, 0, auth, sizeof auth);
	merchant_names(res, cr, names);
	if (ask != NULL) {
		snprintf(
		    q, sizeof q,
		    lang ? "签购单是否显示参考号 %s、授权码 %s 及商户名“%s%s%s”？"
		         : "Does the slip show RRN %s, authorization code %s and the merchant's "
		           "name '%s%s%s'?",
		    rrn, auth, names[0], names[0][0] && names[1][0] ? " / " : "", names[1]);
		if (!confirm(ask, say, q))
			certify_find(cr, m->n, line, "check",
			             "receipt: the person at the terminal did "
			             "not confirm the slip");
		return;
	}
	if (strstr(cr->driver_out, rrn) == NULL || strstr(cr->driver_out, auth) == NULL)
		certify_find(cr, m->n, line, "check",
		             "receipt: the slip does not show RRN %s and authorization code %s as "
		             "answered",
		             rrn, auth);
	else if (!shows_a_name(cr->driver_out, names))
		certify_find(cr, m->n, line, "check",
		             "receipt: the slip does not show the merchant's name ('%s' or '%s')",
		             names[0], names[1]);
}

/* The transactions the settlement's totals count: sales and refunds, domestic and foreign
 * (docs/cup-pos.md "Settlement": count n3 after each n12 amount). */
static int totals_count(const char *f48)
{
	static const int at[4] = {12, 27, 43, 58};
	size_t n = strlen(f48);
	int sum = 0;
	char d[4] = "";

	for (int i = 0; i < 4; i++)
		if (n >= (size_t)at[i] + 3) {
			memcpy(d, f48 + at[i], 3);
			sum += atoi(d);
		}
	return sum;
}

static void check_upload(struct certify_case_result *cr, int line)
{
	char f48[400], nmc[8];
	int expected = -1, uploaded = 0;
	bool ended = false;

	for (size_t i = 0; i < cr->tr.n; i++) {
		const struct certify_msg *m = cr->tr.msgs[i];

		text_of(m, false, 60, 3, nmc, sizeof nmc);
		text_of(m, false, 48, 0, f48, sizeof f48);
		if (strcmp(mti(m), "0500") == 0 && expected < 0)
			expected = totals_count(f48);
		else if (strcmp(mti(m), "0320") == 0 && strcmp(nmc, "201") == 0)
			uploaded += f48[0] != '\0' ? (f48[0] - '0') * 10 + (f48[1] - '0') : 0;
		else if (strcmp(mti(m), "0320") == 0 && strcmp(nmc, "203") == 0)
			uploaded++;
		else if (strcmp(mti(m), "0320") == 0 && strcmp(nmc, "202") == 0)
			ended = true;
	}
	if (expected < 0)
		certify_find(cr, 0, line, "check", "upload-complete: no settlement (0500) came");
	else if (uploaded != expected)
		certify_find(cr, 0, line, "check",
		             "upload-complete: the batch upload carried %d transactions; the "
		             "settlement's totals count %d",
		             uploaded, expected);
	else if (!ended)
		certify_find(cr, 0, line, "check",
		             "upload-complete: the batch upload was not ended (0320 60.3 202)");
}

void certify_checks(const struct certify_result *res, struct certify_case_result *cr, FILE *ask,
                    FILE *say, int lang)
{
	for (int i = 0; i < cr->c->n_checks; i++) {
		const char *name = cr->c->checks[i];

		if (strcmp(name, "receipt") == 0)
			check_receipt(res, cr, cr->c->line, ask, say, lang);
		else if (strcmp(name, "upload-complete") == 0)
			check_upload(cr, cr->c->line);
	}
}
