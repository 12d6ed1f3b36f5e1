/* qr.c — the terminal's QR requests that move no money (docs/cup-pos.md "QR-code payments"):
 * the query of one of its own requests by STAN (0100, 3 = 300000) and the results of its
 * static code (0100, 3 = 320000), whose payments it keeps in batch 0 with the cursor it asks
 * from. The payment by code and the QR refund move money: term_transact()'s (reversal.c). */
#include "term/internal.h"
#include "rcode/rcode.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QR_RECORD  75 /* a payment in the results' field 62 */
#define QR_RECORDS 6  /* at most in one answer */
#define QR_ROUNDS  50 /* answers saying more follow, at most, in one term_qr_results() */

/* Starts the request of kind (a query or results) into m, after the pending reversal: its MTI,
 * 3, 11 (a new STAN), 25, 41, 42 and 60; res gets its STAN and batch. */
static int qr_start(term *t, enum term_kind kind, struct term_msg *m, struct term_result *res)
{
	const struct term_kind_def *d = &term_kinds[kind];
	int stan, rc;

	res->kind = kind;
	if (!t->signed_in)
		return TERM_ESIGNIN;
	if ((rc = term_reversal_flush(t, res)) != TERM_OK)
		return rc;
	if ((rc = term_next_stan(t, &stan)) != TERM_OK)
		return rc;
	res->stan = stan;
	res->batch = t->st.batch;
	term_msg_start(t, m, d->mti, stan, t->st.batch, d->type, d->nmc);
	iso8583_set_str(&m->m, 3, strcpy(m->f3, d->proc));
	iso8583_set_str(&m->m, 25, strcpy(m->f25, d->cond)); /* the host tells them by 3 and 25 */
	return TERM_OK;
}

int term_qr_query(term *t, const char *stan, struct term_result *res)
{
	struct store_term_txn orig;
	struct term_msg m;
	iso8583_msg resp;
	char f4[13];
	size_t n = stan != NULL ? strlen(stan) : 0;
	int64_t which = n >= 1 && n <= 6 ? term_digits(stan, n) : -1;
	int batch, rc;

	memset(res, 0, sizeof *res);
	if (which < 1)
		return TERM_EARG;
	if ((rc = qr_start(t, TERM_QR_QUERY, &m, res)) != TERM_OK)
		return rc;
	/* 61 names the request by its batch and STAN: its own batch when the terminal has it. */
	batch = t->st.batch;
	if ((rc = term_find(t, stan, &orig)) == TERM_OK)
		batch = orig.batch;
	else if (rc != TERM_ENOTFOUND)
		return rc;
	snprintf(m.f61, sizeof m.f61, "%06d%06d", batch, (int)which);
	iso8583_set_str(&m.m, 61, m.f61);
	if ((rc = term_exchange(t, &m, true, &resp)) != TERM_OK)
		return rc;
	term_field(&resp, 39, res->rc, sizeof res->rc);
	term_field(&resp, 37, res->rrn, sizeof res->rrn);
	term_field(&resp, 38, res->auth, sizeof res->auth);
	term_field(&resp, 44, res->message, sizeof res->message);
	term_field(&resp, 4, f4, sizeof f4);
	res->amount = strlen(f4) == 12 ? term_digits(f4, 12) : 0;
	return TERM_OK;
}

/* Copies the n characters at p into out without the spaces that pad them on the right. */
static void trimmed(const char *p, size_t n, char *out)
{
	while (n > 0 && p[n - 1] == ' ')
		n--;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* One record of the results (docs/cup-pos.md "QR results") into x, a payment of batch 0, and
 * its id into *id: TERM_EFORMAT when it is not one. */
static int read_record(const char *rec, struct store_term_txn *x, int64_t *id)
{
	int64_t amount = term_digits(rec + 30, 12);

	*id = term_digits(rec, 12);
	if (*id <= 0 || amount < 0 || term_digits(rec + 42, 14) < 0)
		return TERM_EFORMAT;
	memset(x, 0, sizeof *x);
	x->kind = TERM_QR_RESULT;
	x->at = (int64_t)time(NULL);
	x->amount = amount;
	x->currency = TERM_CURRENCY;
	x->status = STORE_TERM_ANSWERED;
	strcpy(x->mti, term_kinds[TERM_QR_RESULT].mti);
	strcpy(x->proc, "000000");
	strcpy(x->cond, "00");
	strcpy(x->type, term_kinds[TERM_QR_RESULT].type);
	strcpy(x->entry, "032");
	strcpy(x->rc, RCODE_APPROVED);
	trimmed(rec + 12, 12, x->rrn);
	trimmed(rec + 24, 6, x->auth);
	memcpy(x->date, rec + 46, 4); /* YYYY MMDD hhmmss: the host's local date and time */
	memcpy(x->time, rec + 50, 6);
	trimmed(rec + 56, 19, x->masked);
	return TERM_OK;
}

/* The payments of the answer's field 62 (more n1, count n1, the records) into xs, checked
 * whole, each after the cursor and the one before it: *n of them, *more whether more follow. */
static int read_results(const term *t, const iso8583_msg *resp, struct store_term_txn *xs,
                        int64_t *last, int *n, bool *more)
{
	char f62[2 + QR_RECORDS * QR_RECORD + 1];
	int64_t id, after = t->st.qr_cursor;
	size_t len;
	int rc;

	if (!iso8583_has(resp, 62) || iso8583_get(resp, 62, f62, sizeof f62, &len) != ISO8583_OK ||
	    len < 2 || (f62[0] != '0' && f62[0] != '1') || f62[1] < '0' ||
	    f62[1] > '0' + QR_RECORDS || len != 2 + (size_t)(f62[1] - '0') * QR_RECORD)
		return TERM_EFORMAT;
	*n = f62[1] - '0';
	*more = f62[0] == '1' && *n > 0; /* more, but none now: asked again later */
	for (int i = 0; i < *n; i++, after = id)
		if ((rc = read_record(f62 + 2 + i * QR_RECORD, &xs[i], &id)) != TERM_OK ||
		    id <= after)
			return TERM_EFORMAT;
	*last = after;
	return TERM_OK;
}

/* Keeps the payments xs (n) and the cursor last together. */
static int keep_results(term *t, struct store_term_txn *xs, int n, int64_t last)
{
	struct store_term_state st = t->st;
	int rc = STORE_OK;

	st.qr_cursor = last;
	if (store_begin(t->s) != STORE_OK)
		return TERM_ESTORE;
	for (int i = 0; i < n && rc == STORE_OK; i++)
		rc = store_term_txn_insert(t->s, &xs[i]);
	if (rc == STORE_OK)
		rc = store_term_state_put(t->s, &st);
	if (rc != STORE_OK || store_commit(t->s) != STORE_OK) {
		store_rollback(t->s);
		return TERM_ESTORE;
	}
	t->st = st;
	return TERM_OK;
}

/* One request of results and its answer: the payments kept, then given to fn. */
static int ask_results(term *t, int (*fn)(void *ctx, const struct store_term_txn *x), void *ctx,
                       struct term_result *res, int *count, bool *more)
{
	struct store_term_txn xs[QR_RECORDS];
	struct term_msg m;
	iso8583_msg resp;
	int64_t last;
	int n, rc;

	*more = false;
	if ((rc = qr_start(t, TERM_QR_RESULT, &m, res)) != TERM_OK)
		return rc;
	m.f62_len =
	    (size_t)snprintf((char *)m.f62, sizeof m.f62, "%012lld", (long long)t->st.qr_cursor);
	iso8583_set(&m.m, 62, m.f62, m.f62_len);
	if ((rc = term_exchange(t, &m, true, &resp)) != TERM_OK)
		return rc;
	term_field(&resp, 39, res->rc, sizeof res->rc);
	if (!rcode_approved(res->rc))
		return TERM_OK;
	if ((rc = read_results(t, &resp, xs, &last, &n, more)) != TERM_OK)
		return rc;
	if (n > 0 && (rc = keep_results(t, xs, n, last)) != TERM_OK)
		return rc;
	*count += n;
	for (int i = 0; i < n && fn != NULL; i++)
		fn(ctx, &xs[i]);
	return TERM_OK;
}

int term_qr_results(term *t, int (*fn)(void *ctx, const struct store_term_txn *x), void *ctx,
                    struct term_result *res, int *count)
{
	bool more = true;
	int rc = TERM_OK;

	memset(res, 0, sizeof *res);
	*count = 0;
	for (int round = 0; rc == TERM_OK && more && round < QR_ROUNDS; round++)
		rc = ask_results(t, fn, ctx, res, count, &more);
	return rc;
}
