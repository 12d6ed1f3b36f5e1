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

/* The fields an account and a transfer have alike in the ledger's struct and the store's row;
 * X(f) copies field f. The ids, codes and the transfer's expiry differ. (Kept as lists of
 * names, not formatted.) */
/* clang-format off */
#define ACCOUNT_FIELDS(X) \
	X(id) X(currency) X(flags) X(limit) X(debits_pending) X(debits_posted) \
	X(credits_pending) X(credits_posted) X(created_at)
#define TRANSFER_FIELDS(X) \
	X(debit_account) X(credit_account) X(amount) X(currency) X(flags) X(timeout) X(code) \
	X(created_at) X(state) X(posted_amount)
/* clang-format on */
#define COPY(f)      to->f = from->f;
#define COPY_CAST(f) to->f = (__typeof__(to->f))from->f;

static void account_to_row(const struct ledger_account *from, struct store_ledger_account *to)
{
	memset(to, 0, sizeof *to);
	ACCOUNT_FIELDS(COPY)
	memcpy(to->code, from->code, sizeof to->code);
}

static void account_from_row(const struct store_ledger_account *from, struct ledger_account *to)
{
	memset(to, 0, sizeof *to);
	ACCOUNT_FIELDS(COPY_CAST)
	memcpy(to->code, from->code, sizeof to->code);
	to->code[sizeof to->code - 1] = '\0';
}

/* t as a row, with when it expires: a pending transfer with a timeout, at created_at +
 * timeout (never, when that is beyond time). */
static void transfer_to_row(const struct ledger_transfer *from, struct store_ledger_transfer *to)
{
	memset(to, 0, sizeof *to);
	TRANSFER_FIELDS(COPY_CAST)
	memcpy(to->id, from->id.b, sizeof to->id);
	memcpy(to->pending_id, from->pending_id.b, sizeof to->pending_id);
	if ((from->flags & LEDGER_PENDING) != 0 && from->timeout > 0 &&
	    from->created_at <= INT64_MAX - from->timeout)
		to->expires_at = from->created_at + from->timeout;
}

static void transfer_from_row(const struct store_ledger_transfer *from, struct ledger_transfer *to)
{
	memset(to, 0, sizeof *to);
	TRANSFER_FIELDS(COPY_CAST)
	memcpy(to->id.b, from->id, sizeof to->id.b);
	memcpy(to->pending_id.b, from->pending_id, sizeof to->pending_id.b);
}

int ledger_row_account_insert(store *s, const struct ledger_account *a, int64_t *id)
{
	struct store_ledger_account r;

	account_to_row(a, &r);
	return store_ledger_account_insert(s, &r, id);
}

static int account_read(store *s, int64_t id, struct ledger_account *out, bool lock)
{
	struct store_ledger_account r;
	int rc;

	rc = lock ? store_ledger_account_lock(s, id, &r) : store_ledger_account_get(s, id, &r);
	if (rc == STORE_OK)
		account_from_row(&r, out);
	return rc;
}

int ledger_row_account_get(store *s, int64_t id, struct ledger_account *out)
{
	return account_read(s, id, out, false);
}

int ledger_row_account_lock(store *s, int64_t id, struct ledger_account *out)
{
	return account_read(s, id, out, true);
}

int ledger_row_account_hold(store *s, int64_t id)
{
	return store_ledger_account_hold(s, id);
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
