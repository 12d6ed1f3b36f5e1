/* payout.c — payouts (settle_payout.h): a run's due days, merchant by merchant, into payouts
 * to the settlement card, or left owed with the reason, in one store transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "ledger/ledger.h"
#include "settle/settle_close.h"
#include "settle/settle_payout.h"
#include "store/store_settle.h"

#define CNY         156
#define POST_PAYOUT 1405 /* ledger_transfer.code of a payout made */

/* The run's due days, read whole before any is written. */
struct due {
	struct store_settle_total *t;
	size_t n, cap;
	int rc;
};

static int each_due(void *ctx, const struct store_settle_total *t)
{
	struct due *d = ctx;
	struct store_settle_total *grown;

	if (d->n == d->cap) {
		d->cap = d->cap != 0 ? 2 * d->cap : 64;
		if ((grown = realloc(d->t, d->cap * sizeof *grown)) == NULL) {
			d->rc = SETTLE_ESTORE;
			return 1;
		}
		d->t = grown;
	}
	d->t[d->n++] = *t;
	return 0;
}

int settle_transfer(store *s, const char *from, const char *to, int code, const char *key,
                    int64_t amount, int64_t now)
{
	struct ledger_transfer t = {.amount = amount, .currency = CNY, .code = (uint32_t)code};
	uint8_t md[SHA256_DIGEST_LENGTH];
	int rc;

	if ((rc = settle_account(s, from, now, &t.debit_account)) != SETTLE_OK ||
	    (rc = settle_account(s, to, now, &t.credit_account)) != SETTLE_OK)
		return rc;
	SHA256((const unsigned char *)key, strlen(key), md);
	memcpy(t.id.b, md, sizeof t.id.b);
	t.id.b[0] |= 1; /* never all zero */
	rc = ledger_transfer_create(s, &t, now, NULL);
	if (rc == LEDGER_OK || rc == LEDGER_EXISTS)
		return SETTLE_OK;
	return rc == LEDGER_ESTORE ? SETTLE_ESTORE : SETTLE_ELEDGER;
}

/* The ledger's posting of payout po: payable:MID to payouts, its id from the payout's. */
static int post(store *s, const struct store_settle_payout *po, int64_t now)
{
	char key[64], payable[32];

	snprintf(payable, sizeof payable, "payable:%s", po->mid);
	snprintf(key, sizeof key, "possum payout %lld", (long long)po->id);
	return settle_transfer(s, payable, "payouts", POST_PAYOUT, key, po->amount, now);
}

/* Marks days t[0..n) with status, payout id and reason. */
static int mark(store *s, struct store_settle_total *t, size_t n, const char *status,
                int64_t payout_id, const char *reason)
{
	for (size_t i = 0; i < n; i++) {
		snprintf(t[i].status, sizeof t[i].status, "%s", status);
		t[i].payout_id = payout_id;
		snprintf(t[i].reason, sizeof t[i].reason, "%s", reason);
		if (store_settle_total_mark(s, &t[i]) != STORE_OK)
			return SETTLE_ESTORE;
	}
	return SETTLE_OK;
}

/* One merchant's due days t[0..n) (n at most what a payout's list holds): a payout, or owed. */
static int merchant(store *s, const struct settle_payout_params *p, const char *date,
                    struct store_settle_total *t, size_t n, struct settle_payout_result *r)
{
	struct store_settle_payout po = {.created_at = p->now, .updated_at = p->now};
	struct settle_payee payee = {0};
	size_t len = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		po.amount += t[i].net;
		len += (size_t)snprintf(po.settle_dates + len, sizeof po.settle_dates - len, "%s%s",
		                        i != 0 ? "," : "", t[i].date);
	}
	if (po.amount <= 0) {
		r->owed_days += n;
		return mark(s, t, n, "owed", 0, "carried_forward");
	}
	if ((rc = p->payee(p->ctx, t[0].mid, &payee)) != SETTLE_OK)
		return rc;
	if (!payee.ready) {
		r->owed_days += n;
		return mark(s, t, n, "owed", 0, payee.reason);
	}
	snprintf(po.date, sizeof po.date, "%s", date);
	snprintf(po.mid, sizeof po.mid, "%s", t[0].mid);
	snprintf(po.currency, sizeof po.currency, "CNY");
	snprintf(po.card, sizeof po.card, "%s", payee.card);
	po.card_id = payee.card_id;
	snprintf(po.status, sizeof po.status, "made");
	if (store_settle_payout_insert(s, &po) != STORE_OK)
		return SETTLE_ESTORE;
	if ((rc = post(s, &po, p->now)) != SETTLE_OK)
		return rc;
	r->made++;
	r->amount += po.amount;
	return mark(s, t, n, "payout", po.id, "");
}

/* The days due, grouped by merchant (a payout's list holds 40 days: a later day waits). */
static int run_due(store *s, const struct settle_payout_params *p, const char *date, struct due *d,
                   struct settle_payout_result *r)
{
	const size_t most = STORE_SETTLE_DATES_MAX / SETTLE_DATE_TEXT;
	size_t i = 0, j;
	int rc;

	if (store_settle_due(s, date, each_due, d) != STORE_OK)
		return d->rc != SETTLE_OK ? d->rc : SETTLE_ESTORE;
	while (i < d->n) {
		for (j = i; j < d->n && strcmp(d->t[j].mid, d->t[i].mid) == 0; j++)
			;
		if ((rc = merchant(s, p, date, &d->t[i], j - i < most ? j - i : most, r)) !=
		    SETTLE_OK)
			return rc;
		r->owed_days += j - i > most ? j - i - most : 0;
		i = j;
		if (p->progress != NULL)
			p->progress(p->progress_ctx, SETTLE_STEP_ITEM, i, d->n);
	}
	return SETTLE_OK;
}

int settle_payouts_run(store *s, const struct settle_payout_params *p, int32_t date,
                       struct settle_payout_result *r)
{
	struct due d = {0};
	char text[SETTLE_DATE_TEXT];
	int rc;

	memset(r, 0, sizeof *r);
	if (p == NULL || p->payee == NULL)
		return SETTLE_EARG;
	if ((rc = settle_date_format(date, text)) != SETTLE_OK)
		return rc;
	if (store_begin(s) != STORE_OK)
		return SETTLE_ESTORE;
	rc = run_due(s, p, text, &d, r);
	free(d.t);
	if (rc != SETTLE_OK) {
		store_rollback(s);
		memset(r, 0, sizeof *r);
		return rc;
	}
	return store_commit(s) == STORE_OK ? SETTLE_OK : SETTLE_ESTORE;
}
