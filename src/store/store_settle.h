/* store_settle.h — the settle module's part of the storage interface: the close of a day
 * (docs/settle.md). A settlement day (its state, counts and the lease a host takes to close
 * it), one settlement line per acquirer transaction that settles (the transaction's id is the
 * line's key: nothing settles twice), a merchant's totals of a day, and the ledger accounts
 * the close posts to, by name ("payable:MID", "fee_income", …: a ledger account's own code is
 * too short for a MID). Dates are "YYYY-MM-DD". It reads the acquirer's rows of a day
 * (acq_txns) as the close needs them. Functions return STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_SETTLE_H
#define POSSUM_STORE_SETTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* The longest list of settlement dates one payout holds (40 dates); later ones wait. */
#define STORE_SETTLE_DATES_MAX 440

enum store_settle_state {
	STORE_SETTLE_OPEN = 0, /* not closed (a row only holds its lease) */
	STORE_SETTLE_CLOSED,
};

struct store_settle_day {
	char date[11];
	int state;
	int64_t lines, merchants;
	int64_t closed_at;
	char owner[64]; /* who holds the lease to close it, until when ("" none) */
	int64_t until;
};

/* STORE_ENOTFOUND when the day has no row. */
int store_settle_day_get(store *s, const char *date, struct store_settle_day *out);
/* Writes the day's row, whether it had one or not. */
int store_settle_day_put(store *s, const struct store_settle_day *d);
/* A settlement run as the operations console lists it: the day's row, and the lines written
 * so far (of a day not yet closed: its parts committed; of a closed one, its lines). */
struct store_settle_run {
	char date[11];
	int state;
	int64_t lines, merchants, closed_at;
	char owner[64];
	int64_t until, written;
};
/* Which runs: the days before date before ("" any), newest first, at most limit (0: all). */
struct store_settle_run_filter {
	const char *before;
	size_t limit;
};
int store_settle_runs(store *s, const struct store_settle_run_filter *f,
                      int (*fn)(void *ctx, const struct store_settle_run *r), void *ctx);
/* When the latest close of a day ended (the greatest closed_at of a closed day): *at;
 * STORE_ENOTFOUND when no day was ever closed. */
int store_settle_last_closed(store *s, int64_t *at);
/* The first settle_date of the acquirer's transactions after both after and the latest day
 * closed, and before before ("YYYY-MM-DD" each): out. STORE_ENOTFOUND when there is none, or
 * when no day was ever closed. */
int store_settle_next_day(store *s, const char *after, const char *before, char out[11]);
/* Takes the lease of day d->date for d->owner until d->until, unless it is closed or another
 * owner's lease runs past now: STORE_OK taken (a row made when missing), STORE_EEXIST not.
 * Times in seconds of the database's clock (store_lease_now(): hosts on several machines
 * agree on it). */
int store_settle_lease(store *s, const struct store_settle_day *d, int64_t now);

/* An acquirer transaction of a day that may settle: a request (kind 0) approved (rc 00), not
 * reversed, of type purchase, completion or refund, with what became of it; or, for
 * store_settle_unsettled(), a follow-up whose original has a line (a reversal, type
 * "reversal", or a void or completion void not reversed), which may undo that line. */
struct store_settle_txn {
	int64_t id;
	char tid[9], mid[16], type[20], masked[20];
	int64_t amount;
	bool voided;
	int64_t original_id;
	int product;     /* the local issuer's card's (enum card_product, from its BIN ranges at
	                    issue, through the issuer's decision); 0 another issuer's */
	char channel[5]; /* how it was paid: "card" or "qr" (docs/qr.md; a QR refund's: "qr") */
};
/* Calls fn for each such transaction of settle_date date, by MID then id, until it returns
 * non-zero (returned). */
int store_settle_txns(store *s, const char *date,
                      int (*fn)(void *ctx, const struct store_settle_txn *t), void *ctx);
/* A part of a day's such transactions that have no line yet: those after (mid, id) in that
 * order (mid "" and id 0: from the first), at most limit of them. */
struct store_settle_page {
	const char *date, *mid;
	int64_t id, limit;
};
int store_settle_unsettled(store *s, const struct store_settle_page *pg,
                           int (*fn)(void *ctx, const struct store_settle_txn *t), void *ctx);
/* Each purchase or completion without a line of a day closed before date, that was voided
 * then, whose void a reversal of date undid since (it settles on date), by MID then id. */
int store_settle_revived(store *s, const char *date,
                         int (*fn)(void *ctx, const struct store_settle_txn *t), void *ctx);
/* Transaction id, found by store_settle_revived() of date, if it still is such (fn on it). */
struct store_settle_one {
	const char *date;
	int64_t id;
};
int store_settle_revived_one(store *s, const struct store_settle_one *k,
                             int (*fn)(void *ctx, const struct store_settle_txn *t), void *ctx);
/* How many lines of date are still to be written: such transactions without a line, but for
 * a voided purchase or completion (which settles nothing): *n. */
int store_settle_unsettled_count(store *s, const char *date, int64_t *n);

struct store_settle_line {
	int64_t txn_id;
	char date[11], mid[16], tid[9];
	char product[8];     /* debit, credit, prepaid, other */
	char channel[8];     /* card, qr: the transaction's (docs/settle.md "Channels") */
	char type[20];       /* purchase, completion, refund; reversal, void, completion_void */
	int64_t amount;      /* fen; a refund's negative */
	int64_t fee;         /* a refund's: minus what it gives back */
	int64_t net;         /* amount - fee */
	int64_t original_id; /* a refund's or a counter-line's original; 0 none */
};
/* STORE_EEXIST when transaction l->txn_id has a line already. */
int store_settle_line_insert(store *s, const struct store_settle_line *l);
/* Transaction txn_id's line. */
int store_settle_line_get(store *s, int64_t txn_id, struct store_settle_line *out);
/* What the lines of original_id settle in all: its own, its refunds' and counter-lines', and
 * the lines undoing those (Σ amount, Σ fee). */
int store_settle_family(store *s, int64_t original_id, int64_t *amount, int64_t *fee);
/* What the lines following original_id (its refunds', its counter-lines', less the lines
 * undoing them) gave back of its fee so far (Σ -fee): *sum. */
int store_settle_returned(store *s, int64_t original_id, int64_t *sum);
/* What the local issuer posted to (+) and from (-) its ledger account issuer_account for the
 * transactions that have lines of date: through each line's acquirer transaction, its issuer's
 * decision and the decision's ledger transfer (a transaction of another issuer has none). */
int store_settle_issuer_posted(store *s, const char *date, int64_t issuer_account, int64_t *sum);
/* Calls fn for each line of date, by MID then transaction id, until it returns non-zero. */
int store_settle_lines(store *s, const char *date,
                       int (*fn)(void *ctx, const struct store_settle_line *l), void *ctx);

/* A merchant's lines of a day summed by sign: the amounts above zero (gross: purchases,
 * completions, refunds' reversals) and below (refunds: refunds, counter-lines, as > 0), the
 * fees above zero (fees) and below (returned, as > 0); and of them the lines of channel qr:
 * how many, Σ amount, Σ fee. */
struct store_settle_sum {
	char mid[16];
	int64_t count, gross, fees, refunds, returned;
	int64_t qr_count, qr_amount, qr_fees;
};
/* Calls fn for each merchant's sums of the lines of date, by MID, until it returns non-zero. */
int store_settle_sums(store *s, const char *date,
                      int (*fn)(void *ctx, const struct store_settle_sum *m), void *ctx);

struct store_settle_total {
	char date[11], mid[16];
	int64_t count, amount, fees, net;
	char payout_date[11];
	char status[8];    /* "owed", or "payout" once a payout holds it */
	int64_t payout_id; /* the payout that holds it; 0 none */
	char reason[32];   /* why an owed day due waits ("" none): docs/settle.md "Payouts" */
	/* Of count, amount, fees and net, the lines of channel qr (the card's: the rest). */
	int64_t qr_count, qr_amount, qr_fees, qr_net;
};
/* STORE_EEXIST when the merchant has totals for that date already. */
int store_settle_total_insert(store *s, const struct store_settle_total *t);
/* Calls fn for each merchant's totals of date, by MID, until it returns non-zero. */
int store_settle_totals(store *s, const char *date,
                        int (*fn)(void *ctx, const struct store_settle_total *t), void *ctx);

/* Calls fn for each total still owed whose payout date is date or before, by MID then date,
 * until it returns non-zero. */
int store_settle_due(store *s, const char *date,
                     int (*fn)(void *ctx, const struct store_settle_total *t), void *ctx);
/* Writes t's status, payout_id and reason (by its date and MID) on a day still owed and held by
 * no payout: STORE_ENOTFOUND when there is none (another run took it first). */
int store_settle_total_mark(store *s, const struct store_settle_total *t);

/* A payout: what a run of date paid a merchant, to which card, for which settlement dates. */
struct store_settle_payout {
	int64_t id;
	char date[11], mid[16];
	int64_t amount; /* fen, > 0 */
	char currency[4];
	char card[20];                             /* masked */
	int64_t card_id;                           /* the issuer's card */
	char settle_dates[STORE_SETTLE_DATES_MAX]; /* "YYYY-MM-DD,YYYY-MM-DD,…" */
	char status[8];                            /* made (paid and failed: the bank's answer) */
	char reason[32];
	char bank_reference[64];
	int64_t created_at, updated_at;
};
/* Inserts p, p->id set: the highest id so far plus one, so that ids (and the references the
 * bank reads, docs/settle.md) have no gap, a run rolled back leaving none. In a transaction
 * that took store_settle_payouts_lock() first. */
int store_settle_payout_insert(store *s, struct store_settle_payout *p);
/* Takes the payouts' table to the transaction's end on PostgreSQL, before any other write of
 * a payout run, so that no two runs (two hosts, two dates) read the same highest id: payout
 * runs wait for each other. Nothing on SQLite, whose one writer does the same. */
int store_settle_payouts_lock(store *s);
/* Calls fn for each payout made by the run of date, by id, until it returns non-zero. */
int store_settle_payouts(store *s, const char *date,
                         int (*fn)(void *ctx, const struct store_settle_payout *p), void *ctx);

/* Payout id: STORE_ENOTFOUND when none. */
int store_settle_payout_get(store *s, int64_t id, struct store_settle_payout *out);
/* Writes p's status, reason, bank_reference and updated_at (by its id) on a payout still made:
 * STORE_ENOTFOUND when there is none (answered by another run first). */
int store_settle_payout_answer(store *s, const struct store_settle_payout *p);
/* The days payout id held back to owed, with reason: t->payout_id the payout, t->reason. */
int store_settle_total_unpay(store *s, const struct store_settle_total *t);

/* The ledger account of that name: STORE_ENOTFOUND when none was recorded. */
int store_settle_account_get(store *s, const char *name, int64_t *account);
int store_settle_account_put(store *s, const char *name, int64_t account);

/* ---- Adjustments (docs/settle.md "Adjustments"; store/sqlite/adjust.c) ----
 * A change of a merchant's balance, made by one operator (the maker) and posted only once a
 * second approves it: pending, then approved or rejected (by the checker). An approved one is
 * owed to the merchant (a negative one by it) until a payout takes it (payout_id), and owed
 * again when that payout fails. */
#define STORE_SETTLE_REASON_MAX 256 /* bytes of an adjustment's reason, with its NUL */

struct store_settle_adjust {
	int64_t id;
	char mid[16];
	int64_t amount; /* fen, signed, never 0: above zero the merchant is owed more */
	char currency[4];
	char reason[STORE_SETTLE_REASON_MAX];
	char status[10];  /* pending, approved, rejected */
	char maker[64];   /* the audit log's actor who made it ("cli:USER", "token:ID") */
	char checker[64]; /* who approved or rejected it ("" while pending) */
	int64_t created_at, decided_at; /* decided_at 0 while pending */
	int64_t payout_id;              /* the payout that took it; 0 none */
};
/* Which adjustments store_settle_adjusts() reads: status "" for any, ids above after_id,
 * at most limit (0: no limit), by id. */
struct store_settle_adjust_filter {
	const char *status;
	int64_t after_id;
	size_t limit;
};
/* Inserts a, a->id set. */
int store_settle_adjust_insert(store *s, struct store_settle_adjust *a);
/* Adjustment id: STORE_ENOTFOUND when none. */
int store_settle_adjust_get(store *s, int64_t id, struct store_settle_adjust *out);
/* Writes a's status, checker and decided_at (by its id) when it is still pending:
 * STORE_ENOTFOUND when it is not (another decided it first). */
int store_settle_adjust_decide(store *s, const struct store_settle_adjust *a);
int store_settle_adjusts(store *s, const struct store_settle_adjust_filter *f,
                         int (*fn)(void *ctx, const struct store_settle_adjust *a), void *ctx);
/* Calls fn for each approved adjustment no payout holds, by MID then id, until it returns
 * non-zero. */
int store_settle_adjust_owed(store *s, int (*fn)(void *ctx, const struct store_settle_adjust *a),
                             void *ctx);
/* Writes a's payout_id (by its id): the payout that took it, when no payout holds it yet;
 * STORE_ENOTFOUND otherwise (another run took it first). */
int store_settle_adjust_pay(store *s, const struct store_settle_adjust *a);
/* The adjustments payout payout_id held owed again (payout_id 0). */
int store_settle_adjust_unpay(store *s, int64_t payout_id);
/* Calls fn for each adjustment payout payout_id holds, by id. */
int store_settle_adjust_paid(store *s, int64_t payout_id,
                             int (*fn)(void *ctx, const struct store_settle_adjust *a), void *ctx);

/* ---- Statements (src/store/sqlite/statement.c; docs/settle.md "Statements") ----
 * What a merchant's statement of a day, its payouts and its balance read: a settlement line
 * with what the merchant needs of its transaction (its time, card masked, RRN, auth code), a
 * day's approved payments before its close, one merchant's totals of a day, its payouts
 * newest first, and its sums across days. */

/* A line of a merchant's statement: a settlement line and its transaction's row. Of a day not
 * yet closed, the transaction alone: fee and net 0, product as the local issuer's card's
 * ("" for another issuer's, known at the close). */
struct store_settle_stmt_line {
	int64_t txn_id, at;
	char tid[9], type[20], masked[20], product[8], rrn[13], auth_code[7];
	char channel[8];          /* card, qr */
	int64_t amount, fee, net; /* fen; a refund's amount negative */
};
/* Which lines: merchant mid's of settlement date date. */
struct store_settle_stmt_key {
	const char *date, *mid;
};
/* Calls fn for each settlement line of k (a closed day), by transaction id, until it returns
 * non-zero (returned). */
int store_settle_stmt_lines(store *s, const struct store_settle_stmt_key *k,
                            int (*fn)(void *ctx, const struct store_settle_stmt_line *l),
                            void *ctx);
/* The same of a day not yet closed: its approved purchases, completions and refunds neither
 * reversed nor voided, as the close would take them, by id. */
int store_settle_stmt_open(store *s, const struct store_settle_stmt_key *k,
                           int (*fn)(void *ctx, const struct store_settle_stmt_line *l), void *ctx);
/* Merchant k->mid's totals of k->date: STORE_ENOTFOUND when it has none (no line that day, or
 * the day not closed). */
int store_settle_total_get(store *s, const struct store_settle_stmt_key *k,
                           struct store_settle_total *out);

/* A page of a merchant's payouts, newest first: those of id below before (0: from the
 * newest), limit of them (0: all). */
struct store_settle_payout_filter {
	const char *mid;
	int64_t before;
	size_t limit;
};
int store_settle_payouts_of(store *s, const struct store_settle_payout_filter *f,
                            int (*fn)(void *ctx, const struct store_settle_payout *p), void *ctx);

/* A merchant's sums across days, fen: paid (its payouts the bank answered paid), unpaid (the
 * nets of its closed days still owed, negative ones too, its approved adjustments no payout
 * took, and its payouts made and not yet answered), open (its approved payments of days not yet
 * closed, refunds less, as store_settle_stmt_open() takes them; open_count of them), held (its open
 * pre-authorizations: approved, neither reversed, cancelled nor completed; held_count). */
struct store_settle_balance {
	int64_t paid, unpaid, open, open_count, held, held_count;
};
int store_settle_balance(store *s, const char *mid, struct store_settle_balance *out);
/* ---- end of statements ---- */

#endif
