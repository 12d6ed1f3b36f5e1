/* row.c — the ledger's accounts and transfers as the store keeps them: its own types converted
 * to the store's rows (store_ledger.h) and back, and the one rule of the rows that is the
 * ledger's: when a pending transfer expires. Each function returns what the store's does, a
 * STORE_* code; the rest of the ledger calls these, never store_ledger_* directly. */
#include <string.h>

#include "ledger/internal.h"
#include "store/store_ledger.h"

_Static_assert(sizeof(ledger_id) == STORE_LEDGER_ID_LEN, "a transfer id is the store's");
_Static_assert(LEDGER_CODE_MAX + 1 == STORE_LEDGER_CODE_MAX, "an account code is the store's");
_Static_assert(LEDGER_STATE_PENDING == STORE_LEDGER_STATE_PENDING, "pending is the store's");

static void account_to_row(const struct ledger_account *a, struct store_ledger_account *r)
{
	*r = (struct store_ledger_account){
	    .id = a->id,
	    .currency = a->currency,
	    .flags = a->flags,
	    .limit = a->limit,
	    .debits_pending = a->debits_pending,
	    .debits_posted = a->debits_posted,
	    .credits_pending = a->credits_pending,
	    .credits_posted = a->credits_posted,
	    .created_at = a->created_at,
	};
	memcpy(r->code, a->code, sizeof r->code);
}

static void account_from_row(const struct store_ledger_account *r, struct ledger_account *a)
{
	*a = (struct ledger_account){
	    .id = r->id,
	    .currency = (uint16_t)r->currency,
	    .flags = (uint32_t)r->flags,
	    .limit = r->limit,
	    .debits_pending = r->debits_pending,
	    .debits_posted = r->debits_posted,
	    .credits_pending = r->credits_pending,
	    .credits_posted = r->credits_posted,
	    .created_at = r->created_at,
	};
	memcpy(a->code, r->code, sizeof a->code);
	a->code[sizeof a->code - 1] = '\0';
}

/* t as a row, with when it expires: a pending transfer with a timeout, at created_at +
 * timeout (never, when that is beyond time). */
static void transfer_to_row(const struct ledger_transfer *t, struct store_ledger_transfer *r)
{
	*r = (struct store_ledger_transfer){
	    .debit_account = t->debit_account,
	    .credit_account = t->credit_account,
	    .amount = t->amount,
	    .currency = t->currency,
	    .flags = t->flags,
	    .timeout = t->timeout,
	    .code = t->code,
	    .created_at = t->created_at,
	    .state = (int)t->state,
	    .posted_amount = t->posted_amount,
	};
	memcpy(r->id, t->id.b, sizeof r->id);
	memcpy(r->pending_id, t->pending_id.b, sizeof r->pending_id);
	if ((t->flags & LEDGER_PENDING) != 0 && t->timeout > 0 &&
	    t->created_at <= INT64_MAX - t->timeout)
		r->expires_at = t->created_at + t->timeout;
}

static void transfer_from_row(const struct store_ledger_transfer *r, struct ledger_transfer *t)
{
	*t = (struct ledger_transfer){
	    .debit_account = r->debit_account,
	    .credit_account = r->credit_account,
	    .amount = r->amount,
	    .currency = (uint16_t)r->currency,
	    .flags = (uint32_t)r->flags,
	    .timeout = r->timeout,
	    .code = (uint32_t)r->code,
	    .created_at = r->created_at,
	    .state = (enum ledger_state)r->state,
	    .posted_amount = r->posted_amount,
	};
	memcpy(t->id.b, r->id, sizeof t->id.b);
	memcpy(t->pending_id.b, r->pending_id, sizeof t->pending_id.b);
}

int ledger_row_account_insert(store *s, const struct ledger_account *a, int64_t *id)
{
	struct store_ledger_account r;

	account_to_row(a, &r);
	return store_ledger_account_insert(s, &r, id);
}

int ledger_row_account_get(store *s, int64_t id, struct ledger_account *out)
{
	struct store_ledger_account r;
	int rc;

	if ((rc = store_ledger_account_get(s, id, &r)) == STORE_OK)
		account_from_row(&r, out);
	return rc;
}

int ledger_row_account_update(store *s, const struct ledger_account *a)
{
	struct store_ledger_account r;

	account_to_row(a, &r);
	return store_ledger_account_update(s, &r);
}

int ledger_row_transfer_insert(store *s, const struct ledger_transfer *t)
{
	struct store_ledger_transfer r;

	transfer_to_row(t, &r);
	return store_ledger_transfer_insert(s, &r);
}

int ledger_row_transfer_get(store *s, const ledger_id *id, struct ledger_transfer *out)
{
	struct store_ledger_transfer r;
	int rc;

	if ((rc = store_ledger_transfer_get(s, id->b, &r)) == STORE_OK)
		transfer_from_row(&r, out);
	return rc;
}

int ledger_row_transfer_resolve(store *s, const ledger_id *id, enum ledger_state state,
                                int64_t posted_amount)
{
	return store_ledger_transfer_resolve(s, id->b, (int)state, posted_amount);
}

int ledger_row_expirable(store *s, int64_t now, ledger_id *ids, size_t cap, size_t *n)
{
	uint8_t rows[LEDGER_ROW_BATCH][STORE_LEDGER_ID_LEN];
	int rc;

	if (cap > LEDGER_ROW_BATCH)
		cap = LEDGER_ROW_BATCH;
	if ((rc = store_ledger_expirable(s, now, rows, cap, n)) != STORE_OK)
		return rc;
	for (size_t i = 0; i < *n; i++)
		memcpy(ids[i].b, rows[i], sizeof ids[i].b);
	return STORE_OK;
}

/* A walk's callback and its context, for the rows converted. */
struct walk {
	ledger_row_account_fn account;
	ledger_row_transfer_fn transfer;
	void *ctx;
};

static int each_account(void *ctx, const struct store_ledger_account *r)
{
	const struct walk *w = ctx;
	struct ledger_account a;

	account_from_row(r, &a);
	return w->account(w->ctx, &a);
}

static int each_transfer(void *ctx, const struct store_ledger_transfer *r)
{
	const struct walk *w = ctx;
	struct ledger_transfer t;

	transfer_from_row(r, &t);
	return w->transfer(w->ctx, &t);
}

int ledger_row_accounts_each(store *s, ledger_row_account_fn fn, void *ctx)
{
	return store_ledger_accounts_each(s, each_account,
	                                  &(struct walk){.account = fn, .ctx = ctx});
}

int ledger_row_transfers_each(store *s, ledger_row_transfer_fn fn, void *ctx)
{
	return store_ledger_transfers_each(s, each_transfer,
	                                   &(struct walk){.transfer = fn, .ctx = ctx});
}
