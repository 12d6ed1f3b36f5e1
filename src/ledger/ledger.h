/* ledger.h — double-entry accounts and transfers, in the manner of TigerBeetle.
 *
 * An account holds four running sums in minor units of its one currency: debits and credits,
 * each pending (held) and posted. A transfer moves an amount from one account (debited) to
 * another (credited) of the same currency, so every transfer is balanced by construction and
 * the sum of all debits equals the sum of all credits, pending and posted each.
 *
 * Transfers have a 128-bit id chosen by the caller. Creating a transfer whose id exists already
 * creates nothing: LEDGER_EXISTS when the request is the same as the stored one (a retry, which
 * callers treat as success), LEDGER_EEXISTS_DIFFERENT when it is not. The issuer makes each id
 * new (ledger_id_new()): a repeated request is stopped by its duplicate check, in the same
 * transaction as the transfer, before it reaches the ledger.
 *
 * A pending transfer (LEDGER_PENDING) holds its amount; a later transfer with LEDGER_POST
 * posts it — the whole or part, the rest released — or with LEDGER_VOID releases it all; one
 * whose timeout has passed expires (ledger_expire()). Each pending transfer is resolved at most
 * once (LEDGER_ERESOLVED).
 *
 * Balance limits, per account: LEDGER_DEBITS_LIMITED forbids debits (pending + posted) beyond
 * credits posted plus the account's limit — a debit card's account has limit 0, a credit card's
 * the credit line — and LEDGER_CREDITS_LIMITED the mirror image. A transfer that would break a
 * limit is refused with LEDGER_EFUNDS and changes nothing.
 *
 * A call that writes works inside the caller's store transaction when one is open, without a
 * savepoint of its own: it judges before it writes, so a refusal (LEDGER_EFUNDS, …) leaves
 * nothing behind, and after any other failure (LEDGER_ESTORE) the caller rolls back. Outside a
 * transaction a call is one of its own. The caller's outermost store_commit() makes it durable.
 *
 * Errors: LEDGER_OK or a negative LEDGER_E* code, ledger_strerror() names it. STORE_* codes
 * from the store are passed through as LEDGER_ESTORE. No global state. */
#ifndef POSSUM_LEDGER_H
#define POSSUM_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define LEDGER_OK                0
#define LEDGER_EXISTS            1    /* the same transfer exists already: nothing new, success */
#define LEDGER_EARG              (-1) /* an argument malformed: zero id, negative amount, … */
#define LEDGER_ESTORE            (-2) /* the store failed (store_errmsg() says how) */
#define LEDGER_ENOACCOUNT        (-3) /* an account that does not exist */
#define LEDGER_ESAMEACCOUNT      (-4) /* debit and credit the same account */
#define LEDGER_ECURRENCY         (-5) /* transfer and accounts not all in one currency */
#define LEDGER_EFUNDS            (-6) /* would take an account beyond its limit */
#define LEDGER_EEXISTS_DIFFERENT (-7) /* the id is taken by a different transfer */
#define LEDGER_ENOPENDING        (-8) /* post or void of a transfer that is not pending */
#define LEDGER_ERESOLVED                                                                           \
	(-9)                   /* post or void of a pending transfer already posted,               \
	                          voided or expired */
#define LEDGER_EAMOUNT   (-10) /* post of more than is pending, or a zero amount */
#define LEDGER_EOVERFLOW (-11) /* a sum beyond INT64_MAX */

#define LEDGER_AMOUNT_MAX INT64_MAX

/* A transfer id: 128 bits, never all zero. */
typedef struct ledger_id {
	uint8_t b[16];
} ledger_id;

/* Account flags. */
#define LEDGER_DEBITS_LIMITED 0x1u /* debits_pending + debits_posted <= credits_posted + limit */
#define LEDGER_CREDITS_LIMITED                                                                     \
	0x2u /* credits_pending + credits_posted <= debits_posted + limit                          \
	      */

#define LEDGER_CODE_MAX 15

struct ledger_account {
	int64_t id;                     /* assigned by ledger_account_create() */
	char code[LEDGER_CODE_MAX + 1]; /* what it is: "card", "funding", "settlement", … */
	uint16_t currency;              /* ISO 4217 numeric: 156 CNY, 840 USD */
	uint32_t flags;
	int64_t limit; /* >= 0, minor units */
	int64_t debits_pending, debits_posted;
	int64_t credits_pending, credits_posted;
	int64_t created_at; /* Unix seconds */
};

/* Transfer flags: at most one. */
#define LEDGER_PENDING 0x1u /* hold the amount until posted, voided or expired */
#define LEDGER_POST    0x2u /* post the pending transfer pending_id */
#define LEDGER_VOID    0x4u /* void the pending transfer pending_id */

/* What became of a pending transfer. */
enum ledger_state {
	LEDGER_STATE_NONE = 0, /* not a pending transfer */
	LEDGER_STATE_PENDING,
	LEDGER_STATE_POSTED,
	LEDGER_STATE_VOIDED,
	LEDGER_STATE_EXPIRED,
};

struct ledger_transfer {
	ledger_id id;
	int64_t debit_account, credit_account; /* POST and VOID: 0 means the pending one's */
	int64_t amount;    /* > 0; POST: 0 means the pending amount; VOID: ignored */
	uint16_t currency; /* POST and VOID: 0 means the pending one's */
	uint32_t flags;
	ledger_id pending_id; /* POST and VOID: the pending transfer */
	int64_t timeout;      /* PENDING: seconds after created_at it expires; 0 never */
	uint32_t code;        /* the caller's kind of transfer, for reports */
	/* Set by the ledger: */
	int64_t created_at;
	enum ledger_state state; /* pending transfers */
	int64_t posted_amount;   /* pending transfers: what was posted of it */
};

const char *ledger_strerror(int rc);

/* A new id, ordered by the time it was made: a UUIDv7 (RFC 9562 5.7), 48 bits of Unix
 * milliseconds then 74 random bits (OpenSSL RAND_bytes). The transfers' table is kept in id
 * order, so new transfers go at its end, where random ids would each land in a leaf of
 * their own anywhere in it: a page written per transfer. */
int ledger_id_new(ledger_id *out);
bool ledger_id_is_zero(const ledger_id *id);
/* 32 lower-case hex digits and a NUL. */
void ledger_id_hex(const ledger_id *id, char out[33]);
int ledger_id_parse(const char *hex, ledger_id *out);

/* Creates an account as a says (code, currency, flags, limit; sums start at 0) at time now;
 * its id to *id. */
int ledger_account_create(store *s, const struct ledger_account *a, int64_t now, int64_t *id);
int ledger_account_get(store *s, int64_t id, struct ledger_account *out);
/* Changes an account's limit (a credit line); LEDGER_EFUNDS when the account's balance is
 * already beyond the new one. */
int ledger_account_set_limit(store *s, int64_t id, int64_t limit);
/* Holds account id for the caller's transaction, where several hosts may write the store at
 * once (PostgreSQL: its row locked to the transaction's end); nothing, not even a query, on
 * SQLite, whose one writer holds everything already. For an account most moves touch (an
 * issuer's settlement account), locked before anything else a decision locks, so that hosts
 * queue on it rather than deadlock (docs/scaling.md "Several hosts on one database"). */
int ledger_account_hold(store *s, int64_t id);

/* What an account may still be debited: credits_posted + limit - debits_posted -
 * debits_pending (for LEDGER_DEBITS_LIMITED accounts; may be negative on others). */
int64_t ledger_available(const struct ledger_account *a);

/* Creates transfer t at time now (Unix seconds): a plain posted transfer, a pending one, or the
 * post or void of a pending one. LEDGER_OK, LEDGER_EXISTS (same id, same request: *out gets
 * the stored transfer), or an error: a refusal changes nothing, a store failure leaves the
 * caller's transaction to roll back (ledger.h). out (may be NULL) gets the transfer as stored. */
int ledger_transfer_create(store *s, const struct ledger_transfer *t, int64_t now,
                           struct ledger_transfer *out);
int ledger_transfer_get(store *s, const ledger_id *id, struct ledger_transfer *out);

/* Expires every pending transfer whose timeout has passed at now, releasing its hold; *n (may
 * be NULL) gets how many. */
int ledger_expire(store *s, int64_t now, size_t *n);

/* ---- The check ---- */

/* Totals over the whole ledger, per currency. */
struct ledger_totals {
	uint16_t currency;
	size_t accounts, transfers;
	int64_t debits_pending, debits_posted, credits_pending, credits_posted;
};

#define LEDGER_CHECK_CURRENCIES 8

struct ledger_report {
	struct ledger_totals totals[LEDGER_CHECK_CURRENCIES];
	size_t currencies;
	size_t violations;
};

/* Called once for each violation found, with a sentence that names accounts and transfers by
 * id and never a card; ctx is the caller's. */
typedef void (*ledger_violation_fn)(void *ctx, const char *what);

/* Verifies every invariant, from the transfers themselves and not only the running sums: each
 * account's four sums equal the sums of its transfers; debits equal credits overall, pending
 * and posted, per currency; no LEDGER_DEBITS_LIMITED or LEDGER_CREDITS_LIMITED account beyond
 * its limit; every transfer between two distinct accounts of its currency with a positive
 * amount; every pending transfer resolved at most once, and posted for no more than it held.
 * Fills r and returns LEDGER_OK when it could read everything (r->violations says whether the
 * ledger is sound), else an error. */
int ledger_check(store *s, struct ledger_report *r, ledger_violation_fn fn, void *ctx);

#endif
