/* payout.c — payouts (settle_payout.h): a run's due days and approved adjustments, merchant by
 * merchant, into payouts to the settlement card, or left owed with the reason, in one store
 * transaction, on PostgreSQL under the payout date's lease; a day or adjustment found taken by
 * another run rolls the run back (SETTLE_EBUSY): paid once, whichever host runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "common/grow.h"
#include "ledger/ledger.h"
#include "settle/settle_close.h"
#include "settle/settle_payout.h"
#include "store/store_lease.h"
#include "store/store_settle.h"

#define CNY         156
#define POST_PAYOUT 1405 /* ledger_transfer.code of a payout made */

/* The run's due days and the approved adjustments no payout holds, read whole before any is
 * written. */
struct due {
	struct store_settle_total *t;
	size_t n, cap;
	struct store_settle_adjust *a;
	size_t na, acap;
	int rc;
};

static int each_due(void *ctx, const struct store_settle_total *t)
{
	struct due *d = ctx;
	struct store_settle_total *grown = grow_room(d->t, d->n, &d->cap, sizeof *t, 64);

	if (grown == NULL) {
		d->rc = SETTLE_ESTORE;
		return 1;
	}
	d->t = grown;
	d->t[d->n++] = *t;
	return 0;
}

static int each_adjust(void *ctx, const struct store_settle_adjust *a)
{
	struct due *d = ctx;
	struct store_settle_adjust *grown = grow_room(d->a, d->na, &d->acap, sizeof *a, 64);

	if (grown == NULL) {
		d->rc = SETTLE_ESTORE;
		return 1;
	}
	d->a = grown;
	d->a[d->na++] = *a;
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

/* A conditional mark's result: SETTLE_EBUSY when the row was taken by another run. */
static int taken(int rc)
{
	return rc == STORE_OK ? SETTLE_OK : rc == STORE_ENOTFOUND ? SETTLE_EBUSY : SETTLE_ESTORE;
}

/* Marks days t[0..n), still owed, with status, payout id and reason. */
static int mark(store *s, struct store_settle_total *t, size_t n, const char *status,
                int64_t payout_id, const char *reason)
{
	int rc;

	for (size_t i = 0; i < n; i++) {
		snprintf(t[i].status, sizeof t[i].status, "%s", status);
		t[i].payout_id = payout_id;
		snprintf(t[i].reason, sizeof t[i].reason, "%s", reason);
		if ((rc = taken(store_settle_total_mark(s, &t[i]))) != SETTLE_OK)
			return rc;
	}
	return SETTLE_OK;
}

/* What a merchant is owed by a run: its due days t[0..n) (n at most what a payout's list
 * holds) and its approved adjustments a[0..na) no payout holds. */
struct owed {
	char mid[16];
	struct store_settle_total *t;
	size_t n;
	struct store_settle_adjust *a;
	size_t na;
};

/* The payout po made of o: its days and adjustments held by it. */
static int hold(store *s, struct owed *o, const struct store_settle_payout *po)
{
	int rc;

	for (size_t k = 0; k < o->na; k++) {
		o->a[k].payout_id = po->id;
		if ((rc = taken(store_settle_adjust_pay(s, &o->a[k]))) != SETTLE_OK)
			return rc;
	}
	return mark(s, o->t, o->n, "payout", po->id, "");
}

/* One merchant's due days and adjustments: a payout, or owed (the adjustments left as they
 * are, for the next run). */
static int merchant(store *s, const struct settle_payout_params *p, const char *date,
                    struct owed *o, struct settle_payout_result *r)
{
	struct store_settle_payout po = {.created_at = p->now, .updated_at = p->now};
	struct settle_payee payee = {0};
	size_t len = 0;
	int rc;

	for (size_t i = 0; i < o->n; i++) {
		po.amount += o->t[i].net;
		len += (size_t)snprintf(po.settle_dates + len, sizeof po.settle_dates - len, "%s%s",
		                        i != 0 ? "," : "", o->t[i].date);
	}
	for (size_t k = 0; k < o->na; k++)
		po.amount += o->a[k].amount;
	if (po.amount <= 0) {
		r->owed_days += o->n;
		return mark(s, o->t, o->n, "owed", 0, "carried_forward");
	}
	if ((rc = p->payee(p->ctx, o->mid, &payee)) != SETTLE_OK)
		return rc;
	if (!payee.ready) {
		r->owed_days += o->n;
		return mark(s, o->t, o->n, "owed", 0, payee.reason);
	}
	snprintf(po.date, sizeof po.date, "%s", date);
	snprintf(po.mid, sizeof po.mid, "%s", o->mid);
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
	return hold(s, o, &po);
}

/* The MID that comes first of the next due day's (d->t[i]) and the next adjustment's
 * (d->a[k]): both lists are by MID. */
static const char *next_mid(const struct due *d, size_t i, size_t k)
{
	if (i == d->n)
		return d->a[k].mid;
	if (k == d->na || strcmp(d->t[i].mid, d->a[k].mid) <= 0)
		return d->t[i].mid;
	return d->a[k].mid;
}

/* The days due and the adjustments, grouped by merchant (a payout's list holds 40 days: a
 * later day waits). */
static int run_due(store *s, const struct settle_payout_params *p, const char *date, struct due *d,
                   struct settle_payout_result *r)
{
	const size_t most = STORE_SETTLE_DATES_MAX / SETTLE_DATE_TEXT;
	size_t i = 0, j, k = 0, l;
	struct owed o;
	int rc;

	if (store_settle_due(s, date, each_due, d) != STORE_OK ||
	    store_settle_adjust_owed(s, each_adjust, d) != STORE_OK)
		return d->rc != SETTLE_OK ? d->rc : SETTLE_ESTORE;
	while (i < d->n || k < d->na) {
		snprintf(o.mid, sizeof o.mid, "%s", next_mid(d, i, k));
		for (j = i; j < d->n && strcmp(d->t[j].mid, o.mid) == 0; j++)
			;
		for (l = k; l < d->na && strcmp(d->a[l].mid, o.mid) == 0; l++)
			;
		o.t = &d->t[i], o.n = j - i < most ? j - i : most;
		o.a = &d->a[k], o.na = l - k;
		if ((rc = merchant(s, p, date, &o, r)) != SETTLE_OK)
			return rc;
		r->owed_days += j - i > most ? j - i - most : 0;
		i = j, k = l;
		if (p->progress != NULL)
			p->progress(p->progress_ctx, SETTLE_STEP_ITEM, i + k, d->n + d->na);
	}
	return SETTLE_OK;
}

/* The run in its transaction, the lease held. */
static int run(store *s, const struct settle_payout_params *p, const char *date,
               struct settle_payout_result *r)
{
	struct due d = {0};
	int rc;

	if (store_begin(s) != STORE_OK)
		return SETTLE_ESTORE;
	/* First, before any row is written: a run waiting here holds no row another waits for. */
	if ((rc = store_settle_payouts_lock(s)) != STORE_OK)
		rc = SETTLE_ESTORE;
	else
		rc = run_due(s, p, date, &d, r);
	free(d.t);
	free(d.a);
	if (rc != SETTLE_OK) {
		store_rollback(s);
		memset(r, 0, sizeof *r);
		return rc;
	}
	return store_commit(s) == STORE_OK ? SETTLE_OK : SETTLE_ESTORE;
}

int settle_payouts_run(store *s, const struct settle_payout_params *p, int32_t date,
                       struct settle_payout_result *r)
{
	char text[SETTLE_DATE_TEXT], name[STORE_LEASE_NAME_MAX], holder[STORE_LEASE_HOLDER_MAX];
	int rc;

	memset(r, 0, sizeof *r);
	if (p == NULL || p->payee == NULL)
		return SETTLE_EARG;
	if ((rc = settle_date_format(date, text)) != SETTLE_OK)
		return rc;
	/* SQLite's single writer runs one run at a time, and a run killed there leaves no lease
	 * to wait for: the lease is for several hosts, on PostgreSQL. */
	if (!store_lease_needed(s))
		return run(s, p, text, r);
	if (p->owner != NULL)
		snprintf(holder, sizeof holder, "%s", p->owner);
	else
		store_lease_holder("settle", holder);
	snprintf(name, sizeof name, "payout:%s", text);
	rc = store_lease_take(s, name, holder,
	                      p->lease_ms > 0 ? p->lease_ms : SETTLE_PAYOUT_LEASE_MS, NULL);
	if (rc != STORE_OK)
		return rc == STORE_EBUSY ? SETTLE_EBUSY : SETTLE_ESTORE;
	rc = run(s, p, text, r);
	store_lease_release(s, name, holder); /* or its time runs out */
	return rc;
}
