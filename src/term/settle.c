/* settle.c — the end of the day: the batch's totals in 0500 and, when the host's differ,
 * the batch uploaded (0320: stripe transactions 8 a message, chip ones one a message with
 * their field 55, then the end), and the next batch. */
#include "term/internal.h"
#include "rcode/rcode.h"

#include <stdio.h>
#include <string.h>

/* Whether x counts in the batch, and as what: 1 sale, 2 refund or void, 0 not at all. As
 * docs/cup-pos.md's field 48 (and the host) count: a void is a refund/void of its own, so the
 * sale it voided still counts as a sale. */
static int counted(const struct store_term_txn *x)
{
	if (x->status != STORE_TERM_ANSWERED || !rcode_approved(x->rc))
		return 0;
	if (x->kind == TERM_PURCHASE || x->kind == TERM_COMPLETION || x->kind == TERM_QR_PAY)
		return 1;
	return x->kind == TERM_REFUND || x->kind == TERM_VOID || x->kind == TERM_COMPLETION_VOID ||
	               x->kind == TERM_QR_REFUND
	           ? 2
	           : 0;
}

static int add_total(void *ctx, const struct store_term_txn *x)
{
	struct term_totals *tt = ctx;

	switch (counted(x)) {
	case 1:
		tt->sales += x->amount;
		tt->sales_count++;
		break;
	case 2:
		tt->refunds += x->amount;
		tt->refunds_count++;
		break;
	default:
		break;
	}
	return 0;
}

int term_totals(term *t, int batch, struct term_totals *out)
{
	memset(out, 0, sizeof *out);
	return term_from_store(store_term_txn_each(t->s, batch, add_total, out));
}

/* The upload in progress. */
struct upload {
	term *t;
	struct term_msg m; /* the stripe message being filled */
	int records;
	int sent;
	int rc;
};

/* Sends one 0320 (nmc 201, 202 or 203) with field 48 (and 55). */
static int send_upload(term *t, struct term_msg *m, const char *nmc, const char *f48)
{
	iso8583_msg resp;
	char rc39[3];
	int stan, rc;

	if ((rc = term_next_stan(t, &stan)) != TERM_OK)
		return rc;
	snprintf(m->f11, sizeof m->f11, "%06d", stan);
	snprintf(m->f60, sizeof m->f60, "00%06d%s", t->st.batch, nmc);
	iso8583_set_mti(&m->m, "0320");
	iso8583_set_str(&m->m, 11, m->f11);
	iso8583_set_str(&m->m, 41, t->st.tid);
	iso8583_set_str(&m->m, 42, t->st.mid);
	iso8583_set_str(&m->m, 48, f48);
	iso8583_set_str(&m->m, 60, m->f60);
	if ((rc = term_exchange(t, m, false, &resp)) != TERM_OK)
		return rc;
	term_field(&resp, 39, rc39, sizeof rc39);
	return rcode_approved(rc39) ? TERM_OK : TERM_ESTATE;
}

static int flush_stripe(struct upload *u)
{
	int rc;

	if (u->records == 0)
		return TERM_OK;
	u->m.f48[0] = (char)('0' + u->records / 10);
	u->m.f48[1] = (char)('0' + u->records % 10);
	rc = send_upload(u->t, &u->m, "201", u->m.f48);
	u->sent += u->records;
	u->records = 0;
	return rc;
}

static int upload_one(void *ctx, const struct store_term_txn *x)
{
	struct upload *u = ctx;
	char pan[20], expiry[5], record[41];
	struct term_msg chip;
	int rc;

	/* A QR request has no card number an upload's record takes (a code is none). */
	if (counted(x) == 0 || term_kinds[x->kind].qr)
		return 0;
	if ((rc = term_unseal(u->t, x, pan, expiry)) != TERM_OK)
		return u->rc = rc;
	/* Card class 00 (domestic), STAN, PAN right-aligned in 20 zeros, amount. */
	snprintf(record, sizeof record, "00%06d%20s%012lld", x->stan, pan, (long long)x->amount);
	for (char *p = record + 8; *p == ' '; p++)
		*p = '0';
	memset(pan, 0, sizeof pan);
	if (x->icc_len > 0) {
		memset(&chip, 0, sizeof chip);
		iso8583_msg_init(&chip.m);
		memcpy(chip.f55, x->icc, x->icc_len);
		iso8583_set(&chip.m, 55, chip.f55, x->icc_len);
		chip.chip = true;
		snprintf(chip.f48, sizeof chip.f48, "01%s", record);
		if ((rc = send_upload(u->t, &chip, "203", chip.f48)) != TERM_OK)
			return u->rc = rc;
		u->sent++;
		return 0;
	}
	if (u->records == 0) {
		memset(&u->m, 0, sizeof u->m);
		iso8583_msg_init(&u->m.m);
		strcpy(u->m.f48, "00");
	}
	strcat(u->m.f48, record);
	if (++u->records == 8 && (rc = flush_stripe(u)) != TERM_OK)
		return u->rc = rc;
	return 0;
}

static int upload(term *t, int *sent)
{
	struct upload u = {.t = t};
	struct term_msg end;
	int rc;

	if ((rc = term_batch_each(t, upload_one, &u)) != TERM_OK && u.rc == TERM_OK)
		return rc;
	if (u.rc != TERM_OK)
		return u.rc;
	if ((rc = flush_stripe(&u)) != TERM_OK)
		return rc;
	*sent = u.sent;
	memset(&end, 0, sizeof end);
	iso8583_msg_init(&end.m);
	return send_upload(t, &end, "202", "00");
}

int term_settle(term *t, struct term_result *res)
{
	struct term_totals tt;
	struct term_msg m;
	iso8583_msg resp;
	char f48[64];
	int stan, rc;

	memset(res, 0, sizeof *res);
	if ((rc = term_reversal_flush(t, res)) != TERM_OK)
		return rc;
	if ((rc = term_totals(t, t->st.batch, &tt)) != TERM_OK ||
	    (rc = term_next_stan(t, &stan)) != TERM_OK)
		return rc;
	term_msg_start(t, &m, "0500", stan, t->st.batch, "00", "201");
	snprintf(m.f48, sizeof m.f48, "%012lld%03d%012lld%03d0%012d%03d%012d%03d0",
	         (long long)tt.sales, tt.sales_count % 1000, (long long)tt.refunds,
	         tt.refunds_count % 1000, 0, 0, 0, 0);
	iso8583_set_str(&m.m, 48, m.f48);
	iso8583_set_str(&m.m, 49, "156");
	iso8583_set_str(&m.m, 63, "001");
	if ((rc = term_exchange_admin(t, &m, stan, res, &resp)) != TERM_OK)
		return rc;
	if (!rcode_approved(res->rc))
		return TERM_OK;
	term_field(&resp, 48, f48, sizeof f48);
	res->settle_flag = strlen(f48) >= 31 && f48[30] == '2' ? 2 : 1;
	if (res->settle_flag == 2 && (rc = upload(t, &res->uploaded)) != TERM_OK)
		return rc;
	t->st.batch = t->st.batch >= 999999 ? 1 : t->st.batch + 1;
	return term_from_store(store_term_state_put(t->s, &t->st));
}
