/* account.c — accounts: creation, reading, the limit of a credit line, and moving amounts
 * between two accounts' running sums, which every kind of transfer comes down to. */
#include <string.h>

#include "ledger/internal.h"

/* used <= base + limit, where base + limit may be beyond INT64_MAX (then always true). */
static bool within(int64_t used, int64_t base, int64_t limit)
{
	int64_t cap;

	return __builtin_add_overflow(base, limit, &cap) || used <= cap;
}

/* pending + posted, or false when the sum overflows (then beyond any limit). */
static bool total(int64_t pending, int64_t posted, int64_t *sum)
{
	return !__builtin_add_overflow(pending, posted, sum);
}

bool ledger_within_limits(const struct ledger_account *a)
{
	int64_t used;

	if ((a->flags & LEDGER_DEBITS_LIMITED) != 0 &&
	    (!total(a->debits_pending, a->debits_posted, &used) ||
	     !within(used, a->credits_posted, a->limit)))
		return false;
	if ((a->flags & LEDGER_CREDITS_LIMITED) != 0 &&
	    (!total(a->credits_pending, a->credits_posted, &used) ||
	     !within(used, a->debits_posted, a->limit)))
		return false;
	return true;
}

int64_t ledger_available(const struct ledger_account *a)
{
	int64_t v;

	/* Saturates rather than wraps: an account with a huge limit has that much available. */
	if (__builtin_add_overflow(a->credits_posted, a->limit, &v))
		return INT64_MAX;
	if (__builtin_sub_overflow(v, a->debits_posted, &v) ||
	    __builtin_sub_overflow(v, a->debits_pending, &v))
		return INT64_MIN;
	return v;
}

int ledger_account_create(store *s, const struct ledger_account *a, int64_t now, int64_t *id)
{
	struct ledger_account row;

	if (s == NULL || a == NULL || id == NULL || a->code[0] == '\0' ||
	    memchr(a->code, '\0', sizeof a->code) == NULL || a->currency == 0 ||
	    a->currency > 999 ||
	    (a->flags & ~(LEDGER_DEBITS_LIMITED | LEDGER_CREDITS_LIMITED)) != 0 || a->limit < 0)
		return LEDGER_EARG;
	row = (struct ledger_account){
	    .currency = a->currency, .flags = a->flags, .limit = a->limit, .created_at = now};
	memcpy(row.code, a->code, sizeof row.code);
	return ledger_store_rc(ledger_row_account_insert(s, &row, id), LEDGER_ESTORE);
}

int ledger_account_get(store *s, int64_t id, struct ledger_account *out)
{
	if (s == NULL || out == NULL)
		return LEDGER_EARG;
	return ledger_store_rc(ledger_row_account_get(s, id, out), LEDGER_ENOACCOUNT);
}

int ledger_account_set_limit(store *s, int64_t id, int64_t limit)
{
	struct ledger_account a;
	int rc;

	if (s == NULL || limit < 0)
		return LEDGER_EARG;
	if (store_begin(s) != STORE_OK)
		return LEDGER_ESTORE;
	if ((rc = ledger_store_rc(ledger_row_account_lock(s, id, &a), LEDGER_ENOACCOUNT)) !=
	    LEDGER_OK)
		goto out;
	a.limit = limit;
	if (!ledger_within_limits(&a)) {
		rc = LEDGER_EFUNDS;
		goto out;
	}
	rc = ledger_store_rc(ledger_row_account_update(s, &a), LEDGER_ENOACCOUNT);
out:
	return ledger_end(s, rc);
}

int ledger_account_hold(store *s, int64_t id)
{
	if (s == NULL)
		return LEDGER_EARG;
	return ledger_store_rc(ledger_row_account_hold(s, id), LEDGER_ENOACCOUNT);
}

/* Adds delta to *sum, refusing an overflow. */
static int add(int64_t *sum, int64_t delta)
{
	return __builtin_add_overflow(*sum, delta, sum) ? LEDGER_EOVERFLOW : LEDGER_OK;
}

/* Reads both accounts of a move to change them, their rows locked (ledger_row_account_lock)
 * lower id first: the sums are read, judged and written whole, so on a store several hosts
 * write at once (PostgreSQL) a host must hold both rows from its read to its commit, or two
 * moves of one card would each add to the same sums and one be lost; in one order, so that two
 * moves of the same two accounts wait for each other rather than deadlock. */
static int move_read(store *s, int64_t debit, int64_t credit, struct ledger_move *m)
{
	bool debit_first = debit < credit;
	int rc;

	rc = ledger_row_account_lock(s, debit_first ? debit : credit,
	                             debit_first ? &m->debit : &m->credit);
	if (rc == STORE_OK)
		rc = ledger_row_account_lock(s, debit_first ? credit : debit,
		                             debit_first ? &m->credit : &m->debit);
	return ledger_store_rc(rc, LEDGER_ENOACCOUNT);
}

int ledger_move_check(store *s, int64_t debit, int64_t credit, uint16_t currency, int64_t pending,
                      int64_t posted, struct ledger_move *m)
{
	struct ledger_account *d = &m->debit, *c = &m->credit;
	int rc;

	if ((rc = move_read(s, debit, credit, m)) != LEDGER_OK)
		return rc;
	if (d->currency != currency || c->currency != currency)
		return LEDGER_ECURRENCY;
	if ((rc = add(&d->debits_pending, pending)) != LEDGER_OK ||
	    (rc = add(&d->debits_posted, posted)) != LEDGER_OK ||
	    (rc = add(&c->credits_pending, pending)) != LEDGER_OK ||
	    (rc = add(&c->credits_posted, posted)) != LEDGER_OK)
		return rc;
	if (!ledger_within_limits(d) || !ledger_within_limits(c))
		return LEDGER_EFUNDS;
	return LEDGER_OK;
}

int ledger_move_write(store *s, const struct ledger_move *m)
{
	if (ledger_row_account_update(s, &m->debit) != STORE_OK ||
	    ledger_row_account_update(s, &m->credit) != STORE_OK)
		return LEDGER_ESTORE;
	return LEDGER_OK;
}

int ledger_move(store *s, int64_t debit, int64_t credit, uint16_t currency, int64_t pending,
                int64_t posted)
{
	struct ledger_move m;
	int rc = ledger_move_check(s, debit, credit, currency, pending, posted, &m);

	return rc == LEDGER_OK ? ledger_move_write(s, &m) : rc;
}
