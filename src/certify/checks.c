/* checks.c — a case's named checks (`check NAME`, docs/certify.md "Checks"): what no single
 * message shows.
 *
 * | name              | passes when                                                          |
 * |-------------------|----------------------------------------------------------------------|
 * | `receipt`         | the slip shows the RRN (37) and authorization code (38) the approval  |
 * |                   | carried and the merchant's name as the host last gave it: read in the |
 * |                   | driver's output, or confirmed by the person at the terminal           |
 * | `upload-complete` | after totals that differ, the batch upload (0320 201/203) carried as  |
 * |                   | many transactions as the settlement's totals count, each record an    |
 * |                   | approved payment of the batch settled (its STAN, amount, and card's   |
 * |                   | last four digits where the request carried field 2), none twice, none |
 * |                   | missing; and was ended (0320 202)                                     |
 */
#include "certify/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "rcode/rcode.h"

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
				if (c->c->setup_kinds[i] == CERTIFY_SETUP_PARAM &&
				    strcmp(c->c->setup_keys[i], keys[k]) == 0)
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

/* An approved payment of the batch settled, as the transcript shows its request: what an
 * upload's record must name (docs/cup-pos.md "Batch upload"). */
struct paid {
	const struct certify_msg *m;
	const char *case_id;
	char stan[8], amount[16], last4[8]; /* last4 "": the request carried no field 2 */
	int up_msg, up_rec;                 /* where it was uploaded first; 0: not (yet) */
};

/* Whether a 0400 of case results from..to reverses the request of STAN stan in batch. */
static bool reversed(const struct certify_case_result *from, const struct certify_case_result *to,
                     const char *stan, const char *batch)
{
	char s[8], b[8];

	for (const struct certify_case_result *c = from; c <= to; c++)
		for (size_t i = 0; i < c->tr.n; i++) {
			if (strcmp(mti(c->tr.msgs[i]), "0400") != 0)
				continue;
			text_of(c->tr.msgs[i], false, 11, 0, s, sizeof s);
			text_of(c->tr.msgs[i], false, 60, 2, b, sizeof b);
			if (strcmp(s, stan) == 0 && strcmp(b, batch) == 0)
				return true;
		}
	return false;
}

/* Whether m is a payment the terminal's batch batch counts, and so uploads: a purchase, void,
 * refund or completion (0200, 0220: 3 `00…` or `20…`) answered approved, of that batch, not
 * a QR payment (22 `03x`, which an upload has no card for); reversals are the caller's. */
static bool batch_payment(const struct certify_msg *m, const char *batch)
{
	char f3[8], f22[8], b[8], f4[16];

	if (strcmp(mti(m), "0200") != 0 && strcmp(mti(m), "0220") != 0)
		return false;
	text_of(m, false, 3, 0, f3, sizeof f3);
	text_of(m, false, 22, 0, f22, sizeof f22);
	text_of(m, false, 60, 2, b, sizeof b);
	text_of(m, false, 4, 0, f4, sizeof f4);
	return rcode_approved(m->rc) && (strncmp(f3, "00", 2) == 0 || strncmp(f3, "20", 2) == 0) &&
	       strncmp(f22, "03", 2) != 0 && strcmp(b, batch) == 0 && f4[0] != '\0';
}

/* The approved payments of batch in the cases up to cr (*n of them, *out the caller's to
 * free). CERTIFY_ENOMEM. */
static int batch_payments(const struct certify_result *res, const struct certify_case_result *cr,
                          const char *batch, struct paid **out, size_t *n)
{
	size_t cap = 0;
	char pan[24];

	*out = NULL;
	*n = 0;
	for (const struct certify_case_result *c = res->cases; c <= cr; c++)
		cap += c->tr.n;
	if (cap > 0 && (*out = calloc(cap, sizeof **out)) == NULL)
		return CERTIFY_ENOMEM;
	for (const struct certify_case_result *c = res->cases; c <= cr; c++)
		for (size_t i = 0; i < c->tr.n; i++) {
			const struct certify_msg *m = c->tr.msgs[i];
			struct paid *p = &(*out)[*n];

			if (!batch_payment(m, batch))
				continue;
			text_of(m, false, 11, 0, p->stan, sizeof p->stan);
			if (reversed(c, cr, p->stan, batch))
				continue;
			text_of(m, false, 4, 0, p->amount, sizeof p->amount);
			text_of(m, false, 2, 0, pan, sizeof pan);
			snprintf(p->last4, sizeof p->last4, "%s",
			         strlen(pan) >= 4 ? pan + strlen(pan) - 4 : "");
			crypto_wipe(pan, sizeof pan);
			p->m = m;
			p->case_id = c->c->id;
			(*n)++;
		}
	return CERTIFY_OK;
}

/* n12 minor units as yuan, "17.68", into out. */
static const char *yuan(const char *n12, char out[24])
{
	long long v = atoll(n12);

	snprintf(out, 24, "%lld.%02lld", v / 100, v % 100);
	return out;
}

/* Record k (1-based) of upload message m, rec its 40 characters (card class n2, STAN n6, PAN
 * n20, amount n12), against the batch's payments: one of them, its amount, its card's last
 * four digits where its request carried field 2, not uploaded before. */
static void check_record(struct certify_case_result *cr, int line, const struct certify_msg *m,
                         int k, const char *rec, struct paid *paid, size_t n)
{
	char stan[8], amount[16], last4[8], a[24], b[24];
	struct paid *p = NULL;

	snprintf(stan, sizeof stan, "%.6s", rec + 2);
	snprintf(last4, sizeof last4, "%.4s", rec + 24);
	snprintf(amount, sizeof amount, "%.12s", rec + 28);
	for (size_t i = 0; i < n && p == NULL; i++)
		if (strcmp(paid[i].stan, stan) == 0)
			p = &paid[i];
	if (p == NULL)
		certify_find(cr, m->n, line, "check",
		             "upload-complete: record %d (STAN %s, %s): no approved payment of the "
		             "batch has that STAN",
		             k, stan, yuan(amount, a));
	else if (strcmp(p->amount, amount) != 0)
		certify_find(cr, m->n, line, "check",
		             "upload-complete: record %d (STAN %s, %s): the payment of that STAN "
		             "(case %s, message %d) was of %s",
		             k, stan, yuan(amount, a), p->case_id, p->m->n, yuan(p->amount, b));
	else if (p->last4[0] != '\0' && strcmp(p->last4, last4) != 0)
		certify_find(cr, m->n, line, "check",
		             "upload-complete: record %d (STAN %s, %s): its card ends %s, the "
		             "payment's %s",
		             k, stan, yuan(amount, a), last4, p->last4);
	else if (p->up_msg > 0)
		certify_find(cr, m->n, line, "check",
		             "upload-complete: record %d (STAN %s, %s): uploaded already (message "
		             "%d, record %d)",
		             k, stan, yuan(amount, a), p->up_msg, p->up_rec);
	else {
		p->up_msg = m->n;
		p->up_rec = k;
	}
}

/* The records of upload message m (0320 201: a count and that many; 203: one) checked; the
 * number of transactions it carries. */
static int check_records(struct certify_case_result *cr, int line, const struct certify_msg *m,
                         const char *f48, struct paid *paid, size_t n)
{
	int count = 0;

	if (strlen(f48) >= 2 && f48[0] >= '0' && f48[0] <= '9' && f48[1] >= '0' && f48[1] <= '9')
		count = (f48[0] - '0') * 10 + (f48[1] - '0');
	if (strlen(f48) != 2 + (size_t)count * 40) {
		certify_find(cr, m->n, line, "check",
		             "upload-complete: field 48 is not a count and that many records of 40 "
		             "digits (docs/cup-pos.md \"Batch upload\")");
		return count;
	}
	for (int k = 0; k < count; k++)
		check_record(cr, line, m, k + 1, f48 + 2 + 40 * k, paid, n);
	return count;
}

/* The upload's messages: each record checked, the transactions counted, its end seen. */
static void check_upload(const struct certify_result *res, struct certify_case_result *cr, int line)
{
	char f48[400], nmc[8], batch[8] = "", a[24];
	struct paid *paid = NULL;
	size_t n = 0;
	int expected = -1, uploaded = 0;
	bool ended = false;

	for (size_t i = 0; i < cr->tr.n && expected < 0; i++)
		if (strcmp(mti(cr->tr.msgs[i]), "0500") == 0) {
			text_of(cr->tr.msgs[i], false, 48, 0, f48, sizeof f48);
			text_of(cr->tr.msgs[i], false, 60, 2, batch, sizeof batch);
			expected = totals_count(f48);
		}
	if (expected < 0) {
		certify_find(cr, 0, line, "check", "upload-complete: no settlement (0500) came");
		return;
	}
	if (batch_payments(res, cr, batch, &paid, &n) != CERTIFY_OK) {
		certify_find(cr, 0, line, "check", "upload-complete: out of memory");
		return;
	}
	for (size_t i = 0; i < cr->tr.n; i++) {
		const struct certify_msg *m = cr->tr.msgs[i];

		text_of(m, false, 60, 3, nmc, sizeof nmc);
		text_of(m, false, 48, 0, f48, sizeof f48);
		if (strcmp(mti(m), "0320") == 0 &&
		    (strcmp(nmc, "201") == 0 || strcmp(nmc, "203") == 0))
			uploaded += check_records(cr, line, m, f48, paid, n);
		else if (strcmp(mti(m), "0320") == 0 && strcmp(nmc, "202") == 0)
			ended = true;
	}
	crypto_wipe(f48, sizeof f48);
	for (size_t i = 0; i < n; i++)
		if (paid[i].up_msg == 0)
			certify_find(
			    cr, 0, line, "check",
			    "upload-complete: the payment of STAN %s (%s, case %s, message %d) "
			    "was not uploaded",
			    paid[i].stan, yuan(paid[i].amount, a), paid[i].case_id, paid[i].m->n);
	free(paid);
	if (uploaded != expected)
		certify_find(cr, 0, line, "check",
		             "upload-complete: the batch upload carried %d transactions; the "
		             "settlement's totals count %d",
		             uploaded, expected);
	if (!ended)
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
			check_upload(res, cr, cr->c->line);
	}
}
