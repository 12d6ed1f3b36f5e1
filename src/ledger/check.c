/* check.c — ledger_check(): every invariant verified from the rows themselves. Accounts are
 * read into memory in id order, then each transfer adds to the sums recomputed for its two
 * accounts (a pending transfer while pending; the amount posted of it once posted), then the
 * recomputed sums are compared with the running ones, and every pending transfer with the
 * posts and voids that name it. The walks share one store transaction, so they see one
 * ledger. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/internal.h"

enum { DP, DPO, CP, CPO, NSUMS }; /* debits pending and posted, credits pending and posted */

static const char *const sum_names[NSUMS] = {"debits_pending", "debits_posted", "credits_pending",
                                             "credits_posted"};

struct account {
	struct ledger_account a;
	int64_t sums[NSUMS]; /* recomputed from the transfers */
	bool overflow;
};

/* A pending transfer, and the posts and voids found naming it. */
struct pending {
	ledger_id id;
	enum ledger_state state;
	int64_t amount, posted_amount;
	unsigned posts, voids;
	int64_t post_amount;
};

/* A post or void: which pending transfer, how much. */
struct resolution {
	ledger_id id, pending_id;
	uint32_t flags;
	int64_t amount;
};

struct check {
	struct ledger_report *r;
	ledger_violation_fn fn;
	void *ctx;
	struct account *accounts;
	size_t n_accounts, cap_accounts;
	struct pending *pendings;
	size_t n_pendings, cap_pendings;
	struct resolution *resolutions;
	size_t n_resolutions, cap_resolutions;
	struct ledger_totals *totals;
	size_t n_totals;
};

static void violation(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void violation(struct check *c, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	c->r->violations++;
	if (c->fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	c->fn(c->ctx, what);
}

/* Room for one more element in *items (n of them, capacity *cap, each size bytes). */
static int grow(void **items, size_t n, size_t *cap, size_t size)
{
	void *p;
	size_t want;

	if (n < *cap)
		return LEDGER_OK;
	want = *cap != 0 ? 2 * *cap : 64;
	if ((p = realloc(*items, want * size)) == NULL)
		return LEDGER_ESTORE;
	*items = p;
	*cap = want;
	return LEDGER_OK;
}

static struct ledger_totals *totals_of(struct check *c, uint16_t currency)
{
	for (size_t i = 0; i < c->n_totals; i++)
		if (c->totals[i].currency == currency)
			return &c->totals[i];
	return NULL;
}

static int add_account(void *ctx, const struct ledger_account *a)
{
	struct check *c = ctx;

	if (grow((void **)&c->accounts, c->n_accounts, &c->cap_accounts, sizeof *c->accounts) !=
	    LEDGER_OK)
		return LEDGER_ESTORE;
	c->accounts[c->n_accounts++] = (struct account){.a = *a};
	return 0;
}

static int by_account_id(const void *key, const void *elem)
{
	int64_t id = *(const int64_t *)key, other = ((const struct account *)elem)->a.id;

	return (id > other) - (id < other);
}

static struct account *account_of(struct check *c, int64_t id)
{
	if (c->n_accounts == 0) /* bsearch may not take the NULL of no accounts */
		return NULL;
	return bsearch(&id, c->accounts, c->n_accounts, sizeof *c->accounts, by_account_id);
}

/* Adds amount to sum `which` of account x. */
static void add(struct account *x, int which, int64_t amount)
{
	if (__builtin_add_overflow(x->sums[which], amount, &x->sums[which]))
		x->overflow = true;
}

static int add_transfer(void *ctx, const struct ledger_transfer *t)
{
	struct check *c = ctx;
	struct account *d = account_of(c, t->debit_account), *k = account_of(c, t->credit_account);
	struct ledger_totals *tot = totals_of(c, t->currency);
	char id[33];

	ledger_id_hex(&t->id, id);
	if (tot != NULL)
		tot->transfers++;
	if (t->flags != 0 && t->flags != LEDGER_PENDING && t->flags != LEDGER_POST &&
	    t->flags != LEDGER_VOID) {
		violation(c, "transfer %s: flags %#" PRIx32 " are not one kind", id, t->flags);
		return 0;
	}
	if (t->amount <= 0 && t->flags != LEDGER_VOID)
		violation(c, "transfer %s: amount %" PRId64 " is not positive", id, t->amount);
	if (t->debit_account == t->credit_account)
		violation(c, "transfer %s: debits and credits account %" PRId64, id,
		          t->debit_account);
	if (d == NULL || k == NULL) {
		violation(c, "transfer %s: account %" PRId64 " does not exist", id,
		          d == NULL ? t->debit_account : t->credit_account);
		return 0;
	}
	if (d->a.currency != t->currency || k->a.currency != t->currency)
		violation(c,
		          "transfer %s: currency %u, accounts %" PRId64 " and %" PRId64
		          " in %u and %u",
		          id, t->currency, d->a.id, k->a.id, d->a.currency, k->a.currency);
	if ((t->flags & (LEDGER_POST | LEDGER_VOID)) != 0) {
		if (grow((void **)&c->resolutions, c->n_resolutions, &c->cap_resolutions,
		         sizeof *c->resolutions) != LEDGER_OK)
			return LEDGER_ESTORE;
		c->resolutions[c->n_resolutions++] =
		    (struct resolution){.id = t->id,
		                        .pending_id = t->pending_id,
		                        .flags = t->flags,
		                        .amount = t->amount};
		return 0;
	}
	if (t->flags == 0) {
		add(d, DPO, t->amount);
		add(k, CPO, t->amount);
		return 0;
	}
	if (grow((void **)&c->pendings, c->n_pendings, &c->cap_pendings, sizeof *c->pendings) !=
	    LEDGER_OK)
		return LEDGER_ESTORE;
	c->pendings[c->n_pendings++] = (struct pending){
	    .id = t->id, .state = t->state, .amount = t->amount, .posted_amount = t->posted_amount};
	if (t->state == LEDGER_STATE_PENDING) {
		add(d, DP, t->amount);
		add(k, CP, t->amount);
	} else if (t->state == LEDGER_STATE_POSTED) {
		add(d, DPO, t->posted_amount);
		add(k, CPO, t->posted_amount);
	}
	return 0;
}

static int by_id(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(ledger_id));
}

/* Each post and void names a pending transfer; each pending one is resolved at most once, as
 * its state says, for no more than it held. */
static void check_pendings(struct check *c)
{
	char id[33], pid[33];

	/* ledger_id is the first member of struct pending: by_id compares either. qsort and
	 * bsearch may not take the NULL of none. */
	if (c->n_pendings > 0)
		qsort(c->pendings, c->n_pendings, sizeof *c->pendings, by_id);
	for (size_t i = 0; i < c->n_resolutions; i++) {
		const struct resolution *x = &c->resolutions[i];
		struct pending *p = NULL;

		if (c->n_pendings > 0)
			p = bsearch(&x->pending_id, c->pendings, c->n_pendings, sizeof *c->pendings,
			            by_id);

		if (p == NULL) {
			ledger_id_hex(&x->id, id);
			ledger_id_hex(&x->pending_id, pid);
			violation(c, "transfer %s: posts or voids %s, not a pending transfer", id,
			          pid);
		} else if (x->flags == LEDGER_POST) {
			p->posts++;
			p->post_amount = x->amount;
		} else {
			p->voids++;
		}
	}
	for (size_t i = 0; i < c->n_pendings; i++) {
		const struct pending *p = &c->pendings[i];
		bool ok;

		ledger_id_hex(&p->id, id);
		if (p->posts + p->voids > 1)
			violation(c, "pending transfer %s: resolved %u times", id,
			          p->posts + p->voids);
		switch (p->state) {
		case LEDGER_STATE_PENDING:
		case LEDGER_STATE_EXPIRED:
			ok = p->posts + p->voids == 0 && p->posted_amount == 0;
			break;
		case LEDGER_STATE_POSTED:
			ok = p->posts == 1 && p->voids == 0 && p->post_amount == p->posted_amount &&
			     p->posted_amount <= p->amount;
			break;
		case LEDGER_STATE_VOIDED:
			ok = p->voids == 1 && p->posts == 0 && p->posted_amount == 0;
			break;
		default:
			ok = false;
		}
		if (!ok)
			violation(c,
			          "pending transfer %s: state %d, posted %" PRId64 " of %" PRId64
			          ", %u posts and %u voids name it",
			          id, (int)p->state, p->posted_amount, p->amount, p->posts,
			          p->voids);
	}
}

/* Each account's sums against its transfers and its limits; the totals per currency. */
static void check_accounts(struct check *c)
{
	for (size_t i = 0; i < c->n_accounts; i++) {
		const struct account *x = &c->accounts[i];
		const int64_t stored[NSUMS] = {x->a.debits_pending, x->a.debits_posted,
		                               x->a.credits_pending, x->a.credits_posted};
		struct ledger_totals *tot = totals_of(c, x->a.currency);
		bool overflow = false;

		if (x->overflow)
			violation(
			    c, "account %" PRId64 ": its transfers sum beyond the largest amount",
			    x->a.id);
		for (int j = 0; j < NSUMS; j++)
			if (!x->overflow && stored[j] != x->sums[j])
				violation(c,
				          "account %" PRId64 ": %s is %" PRId64
				          ", its transfers sum to %" PRId64,
				          x->a.id, sum_names[j], stored[j], x->sums[j]);
		if (!ledger_within_limits(&x->a))
			violation(c, "account %" PRId64 ": beyond its limit %" PRId64, x->a.id,
			          x->a.limit);
		tot->accounts++;
		overflow |=
		    __builtin_add_overflow(tot->debits_pending, stored[DP], &tot->debits_pending);
		overflow |=
		    __builtin_add_overflow(tot->debits_posted, stored[DPO], &tot->debits_posted);
		overflow |=
		    __builtin_add_overflow(tot->credits_pending, stored[CP], &tot->credits_pending);
		overflow |=
		    __builtin_add_overflow(tot->credits_posted, stored[CPO], &tot->credits_posted);
		if (overflow)
			violation(c, "currency %u: totals beyond the largest amount",
			          x->a.currency);
	}
	for (size_t i = 0; i < c->n_totals; i++) {
		const struct ledger_totals *t = &c->totals[i];

		if (t->debits_pending != t->credits_pending ||
		    t->debits_posted != t->credits_posted)
			violation(c,
			          "currency %u: debits %" PRId64 " pending, %" PRId64
			          " posted; credits %" PRId64 " pending, %" PRId64 " posted",
			          t->currency, t->debits_pending, t->debits_posted,
			          t->credits_pending, t->credits_posted);
	}
}

static int by_currency(const void *a, const void *b)
{
	return (int)((const struct ledger_totals *)a)->currency -
	       (int)((const struct ledger_totals *)b)->currency;
}

/* One totals entry per currency of the accounts, ascending. */
static int make_totals(struct check *c)
{
	if ((c->totals = calloc(c->n_accounts + 1, sizeof *c->totals)) == NULL)
		return LEDGER_ESTORE;
	for (size_t i = 0; i < c->n_accounts; i++)
		if (totals_of(c, c->accounts[i].a.currency) == NULL)
			c->totals[c->n_totals++].currency = c->accounts[i].a.currency;
	qsort(c->totals, c->n_totals, sizeof *c->totals, by_currency);
	return LEDGER_OK;
}

int ledger_check(store *s, struct ledger_report *r, ledger_violation_fn fn, void *ctx)
{
	struct check c = {.r = r, .fn = fn, .ctx = ctx};
	int rc;

	if (s == NULL || r == NULL)
		return LEDGER_EARG;
	memset(r, 0, sizeof *r);
	if (store_begin_read(s) != STORE_OK)
		return LEDGER_ESTORE;
	if ((rc = ledger_row_accounts_each(s, add_account, &c)) != STORE_OK ||
	    (rc = make_totals(&c)) != LEDGER_OK ||
	    (rc = ledger_row_transfers_each(s, add_transfer, &c)) != STORE_OK) {
		rc = LEDGER_ESTORE;
		goto out;
	}
	check_pendings(&c);
	check_accounts(&c);
	/* The report holds the first LEDGER_CHECK_CURRENCIES; all were checked. */
	r->currencies = c.n_totals < LEDGER_CHECK_CURRENCIES ? c.n_totals : LEDGER_CHECK_CURRENCIES;
	memcpy(r->totals, c.totals, r->currencies * sizeof *c.totals);
out:
	store_rollback(s);
	free(c.accounts);
	free(c.pendings);
	free(c.resolutions);
	free(c.totals);
	return rc;
}
