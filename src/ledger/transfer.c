/* transfer.c — creating transfers: plain and pending ones, and the post or void of a pending
 * one; each judged before anything is written, so that it works in the caller's transaction
 * without a savepoint of its own (ledger.h), and idempotent by id. */
#include <string.h>

#include "ledger/internal.h"

#define RESOLVING (LEDGER_POST | LEDGER_VOID)

/* What can be judged from the request alone. */
static int validate(const struct ledger_transfer *t)
{
	uint32_t f = t->flags;

	if (ledger_id_is_zero(&t->id) || (f & ~(LEDGER_PENDING | RESOLVING)) != 0 ||
	    (f & (f - 1)) != 0 || t->amount < 0 || t->timeout < 0 || t->debit_account < 0 ||
	    t->credit_account < 0)
		return LEDGER_EARG;
	if (t->timeout != 0 && f != LEDGER_PENDING)
		return LEDGER_EARG;
	if ((f & RESOLVING) != 0) {
		if (ledger_id_is_zero(&t->pending_id))
			return LEDGER_EARG;
		if (t->debit_account != 0 && t->debit_account == t->credit_account)
			return LEDGER_ESAMEACCOUNT;
		return LEDGER_OK;
	}
	if (!ledger_id_is_zero(&t->pending_id) || t->debit_account == 0 || t->credit_account == 0 ||
	    t->currency == 0)
		return LEDGER_EARG;
	if (t->debit_account == t->credit_account)
		return LEDGER_ESAMEACCOUNT;
	return t->amount == 0 ? LEDGER_EAMOUNT : LEDGER_OK;
}

/* Fills a post's or void's defaults from the pending transfer, read into *p: accounts,
 * currency, and the amount (a void's is the whole hold). */
static int complete(store *s, struct ledger_transfer *t, struct ledger_transfer *p)
{
	int rc;

	if ((rc = ledger_store_rc(ledger_row_transfer_get(s, &t->pending_id, p),
	                          LEDGER_ENOPENDING)) != LEDGER_OK)
		return rc;
	if (p->flags != LEDGER_PENDING)
		return LEDGER_ENOPENDING;
	if (t->debit_account == 0)
		t->debit_account = p->debit_account;
	if (t->credit_account == 0)
		t->credit_account = p->credit_account;
	if (t->currency == 0)
		t->currency = p->currency;
	if (t->amount == 0 || t->flags == LEDGER_VOID)
		t->amount = p->amount;
	return LEDGER_OK;
}

/* Whether request t asks for what stored transfer x is. */
static bool same(const struct ledger_transfer *t, const struct ledger_transfer *x)
{
	return t->debit_account == x->debit_account && t->credit_account == x->credit_account &&
	       t->amount == x->amount && t->currency == x->currency && t->flags == x->flags &&
	       memcmp(&t->pending_id, &x->pending_id, sizeof t->pending_id) == 0 &&
	       t->timeout == x->timeout && t->code == x->code;
}

/* Whether pending transfer p's timeout has passed at now. */
static bool expired(const struct ledger_transfer *p, int64_t now)
{
	int64_t age;

	return p->timeout > 0 && now >= p->created_at &&
	       (__builtin_sub_overflow(now, p->created_at, &age) || age >= p->timeout);
}

/* Whether a post or void of pending transfer p, t completed from it, may be made at now. */
static int resolvable(const struct ledger_transfer *t, const struct ledger_transfer *p, int64_t now)
{
	if (t->debit_account != p->debit_account || t->credit_account != p->credit_account)
		return LEDGER_EARG;
	if (t->currency != p->currency)
		return LEDGER_ECURRENCY;
	/* Past its timeout a hold is gone even before ledger_expire() has recorded it. */
	if (p->state != LEDGER_STATE_PENDING || expired(p, now))
		return LEDGER_ERESOLVED;
	if (t->amount > p->amount)
		return LEDGER_EAMOUNT;
	return LEDGER_OK;
}

static int64_t posted_of(const struct ledger_transfer *t)
{
	return t->flags == LEDGER_POST ? t->amount : 0;
}

/* Judges t (completed from pending transfer p for a post or void) against its accounts
 * without writing: the move it makes, into m. */
static int plan(store *s, const struct ledger_transfer *t, const struct ledger_transfer *p,
                int64_t now, struct ledger_move *m)
{
	int64_t held;
	int rc;

	if ((t->flags & RESOLVING) != 0) {
		if ((rc = resolvable(t, p, now)) != LEDGER_OK)
			return rc;
		return ledger_move_check(s, p->debit_account, p->credit_account, p->currency,
		                         -p->amount, posted_of(t), m);
	}
	held = t->flags == LEDGER_PENDING ? t->amount : 0;
	return ledger_move_check(s, t->debit_account, t->credit_account, t->currency, held,
	                         t->amount - held, m);
}

/* Writes a planned move and, for a post or void, the pending transfer's new state. */
static int apply(store *s, const struct ledger_transfer *t, const struct ledger_transfer *p,
                 const struct ledger_move *m)
{
	int rc;

	if ((rc = ledger_move_write(s, m)) != LEDGER_OK || (t->flags & RESOLVING) == 0)
		return rc;
	return ledger_store_rc(
	    ledger_row_transfer_resolve(
	        s, &p->id, t->flags == LEDGER_POST ? LEDGER_STATE_POSTED : LEDGER_STATE_VOIDED,
	        posted_of(t)),
	    LEDGER_ERESOLVED);
}

#define ID_FREE 2 /* taken()'s answer for an id not taken: a positive code of this file's */

/* Whether t's id is taken: LEDGER_EXISTS when the stored transfer is what t asks for (a retry;
 * a post or void is compared once completed, as it was stored), *t then becoming it;
 * LEDGER_EEXISTS_DIFFERENT when it is another; ID_FREE when there is none. */
static int taken(store *s, struct ledger_transfer *t)
{
	struct ledger_transfer old;

	switch (ledger_row_transfer_get(s, &t->id, &old)) {
	case STORE_OK:
		if (!same(t, &old))
			return LEDGER_EEXISTS_DIFFERENT;
		*t = old;
		return LEDGER_EXISTS;
	case STORE_ENOTFOUND:
		return ID_FREE;
	default:
		return LEDGER_ESTORE;
	}
}

int ledger_transfer_create(store *s, const struct ledger_transfer *t, int64_t now,
                           struct ledger_transfer *out)
{
	struct ledger_transfer req, p = {0};
	struct ledger_move m;
	bool own;
	int rc;

	if (s == NULL || t == NULL)
		return LEDGER_EARG;
	if ((rc = validate(t)) != LEDGER_OK)
		return rc;
	/* The caller's transaction when there is one; else one of its own. */
	if ((own = store_depth(s) == 0) && store_begin(s) != STORE_OK)
		return LEDGER_ESTORE;
	req = *t;
	req.created_at = now;
	req.state = t->flags == LEDGER_PENDING ? LEDGER_STATE_PENDING : LEDGER_STATE_NONE;
	req.posted_amount = 0;
	rc = (t->flags & RESOLVING) != 0 ? complete(s, &req, &p) : LEDGER_OK;
	if (rc == LEDGER_OK)
		rc = plan(s, &req, &p, now, &m);
	/* Judged before anything is written: a refusal leaves nothing. A new id is the usual
	 * case, so an id already taken is looked at only now (a retry, which a refusal may be:
	 * a post whose hold it resolved) or when the insert finds it, and a new transfer costs
	 * no look-up. */
	if (rc != LEDGER_OK) {
		int retry = taken(s, &req);

		rc = retry != ID_FREE ? retry : rc;
		goto out;
	}
	switch (ledger_row_transfer_insert(s, &req)) {
	case STORE_OK:
		rc = apply(s, &req, &p, &m);
		break;
	case STORE_EEXIST:
		rc = taken(s, &req);
		break;
	case STORE_EARG: /* the accounts' foreign keys */
		rc = LEDGER_ENOACCOUNT;
		break;
	default:
		rc = LEDGER_ESTORE;
		break;
	}
out:
	if (own)
		rc = ledger_end(s, rc);
	if (rc >= 0 && out != NULL)
		*out = req;
	return rc;
}

int ledger_transfer_get(store *s, const ledger_id *id, struct ledger_transfer *out)
{
	if (s == NULL || id == NULL || out == NULL)
		return LEDGER_EARG;
	return ledger_store_rc(ledger_row_transfer_get(s, id, out), LEDGER_ENOPENDING);
}

int ledger_resolve(store *s, const struct ledger_transfer *p, int64_t posted,
                   enum ledger_state state)
{
	int rc;

	if ((rc = ledger_move(s, p->debit_account, p->credit_account, p->currency, -p->amount,
	                      posted)) != LEDGER_OK)
		return rc;
	return ledger_store_rc(ledger_row_transfer_resolve(s, &p->id, state, posted),
	                       LEDGER_ERESOLVED);
}
