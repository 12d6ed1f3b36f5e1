/* close.c — the close of a day (settle_close.h): a settlement date's acquirer transactions
 * into settlement lines, part by part, then in a final transaction the merchants' totals from
 * the lines, the ledger's postings and the day marked closed; and the channels a line takes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "common/grow.h"
#include "ledger/ledger.h"
#include "settle/settle_close.h"
#include "store/store_acquirer.h"
#include "store/store_merchant.h"
#include "store/store_lease.h"
#include "store/store_settle.h"

#define CNY 156

/* The transfer codes of the close's postings (ledger_transfer.code). */
enum { POST_GROSS = 1401, POST_REFUND, POST_FEE, POST_FEE_RETURN };
/* The issuer's receivable cleared against its postings (1405 on: the payouts'). */
#define POST_CLEAR 1420
#define PAUSE_NS   2000000 /* between two parts: 2 ms */

/* A close under way: the day, the merchant whose lines are being written (its plan), the page
 * of the day's transactions being read, and what this run did. */
struct closing {
	store *s;
	const struct settle_close_params *p;
	char date[SETTLE_DATE_TEXT], payout[SETTLE_DATE_TEXT];
	struct store_settle_total cur; /* cur.mid "" before the first */
	struct settle_plan plan;       /* cur's */
	struct store_settle_page
	    page;                    /* the last transaction read: the next part starts after it */
	char from[16], after[16];    /* page.mid's text (bound), the last MID read */
	int64_t read;                /* transactions the current part read */
	size_t lines, total;         /* lines this run wrote, of total to go when it began */
	size_t merchants, day_lines; /* the day's, in the final transaction */
	struct store_settle_sum *sums; /* each merchant's, for the final transaction */
	size_t nsums, cap;
	int64_t posted;   /* what the issuer posted for the day's lines */
	int64_t *revived; /* earlier days' transactions to settle on this one, read first */
	size_t nrevived, rcap;
	int rc;
};

int settle_account(store *s, const char *name, int64_t now, int64_t *id)
{
	struct ledger_account a = {.currency = CNY};
	const char *colon = strchr(name, ':');
	size_t n = colon != NULL ? (size_t)(colon - name) : strlen(name);
	int rc;

	if ((rc = store_settle_account_get(s, name, id)) != STORE_ENOTFOUND)
		return rc == STORE_OK ? SETTLE_OK : SETTLE_ESTORE;
	if (n > LEDGER_CODE_MAX)
		return SETTLE_EARG;
	memcpy(a.code, name, n); /* "payable" of "payable:MID" */
	if ((rc = ledger_account_create(s, &a, now, id)) != LEDGER_OK)
		return rc == LEDGER_ESTORE ? SETTLE_ESTORE : SETTLE_ELEDGER;
	return store_settle_account_put(s, name, *id) == STORE_OK ? SETTLE_OK : SETTLE_ESTORE;
}

/* A posting of the day between ledger accounts debit and credit: its id derived from (date,
 * who, kind), so that it can only be made once (the ledger takes the same transfer again as a
 * retry, LEDGER_EXISTS). */
static int post_ids(struct closing *c, int64_t debit, int64_t credit, const char *who, int code,
                    int64_t amount)
{
	struct ledger_transfer t = {.debit_account = debit,
	                            .credit_account = credit,
	                            .amount = amount,
	                            .currency = CNY,
	                            .code = (uint32_t)code};
	uint8_t md[SHA256_DIGEST_LENGTH];
	char key[96];
	int rc;

	if (amount == 0)
		return SETTLE_OK;
	snprintf(key, sizeof key, "possum settle %s %s %d", c->date, who, code);
	SHA256((const unsigned char *)key, strlen(key), md);
	memcpy(t.id.b, md, sizeof t.id.b);
	t.id.b[0] |= 1; /* never all zero */
	rc = ledger_transfer_create(c->s, &t, c->p->now, NULL);
	if (rc == LEDGER_OK || rc == LEDGER_EXISTS)
		return SETTLE_OK;
	return rc == LEDGER_ESTORE ? SETTLE_ESTORE : SETTLE_ELEDGER;
}

/* A posting of the current merchant's day between the accounts called from and to. */
static int post(struct closing *c, const char *from, const char *to, int code, int64_t amount)
{
	int64_t debit, credit;
	int rc;

	if (amount == 0)
		return SETTLE_OK;
	if ((rc = settle_account(c->s, from, c->p->now, &debit)) != SETTLE_OK ||
	    (rc = settle_account(c->s, to, c->p->now, &credit)) != SETTLE_OK)
		return rc;
	return post_ids(c, debit, credit, c->cur.mid, code, amount);
}

/* The local issuer's receivable cleared against what the issuer posted for the day's lines:
 * that sum moves from the issuer's settlement account to "receivable:local" (back when below
 * zero), so that the receivable keeps only what differs from the acquirer's own sums. */
static int clear(struct closing *c)
{
	int64_t posted, receivable;
	int rc;

	if (c->p->issuer_account == 0)
		return SETTLE_OK;
	posted = c->posted;
	if ((rc = settle_account(c->s, "receivable:local", c->p->now, &receivable)) != SETTLE_OK)
		return rc;
	if (posted >= 0)
		return post_ids(c, c->p->issuer_account, receivable, "issuer", POST_CLEAR, posted);
	return post_ids(c, receivable, c->p->issuer_account, "issuer", POST_CLEAR, -posted);
}

/* A merchant's totals of the day from its lines' sums m, and their postings. */
static int flush(struct closing *c, const struct store_settle_sum *m)
{
	char payable[32];
	int rc;

	memset(&c->cur, 0, sizeof c->cur);
	snprintf(c->cur.date, sizeof c->cur.date, "%s", c->date);
	snprintf(c->cur.mid, sizeof c->cur.mid, "%s", m->mid);
	snprintf(c->cur.payout_date, sizeof c->cur.payout_date, "%s", c->payout);
	snprintf(c->cur.status, sizeof c->cur.status, "owed");
	c->cur.count = m->count;
	c->cur.amount = m->gross - m->refunds;
	c->cur.fees = m->fees - m->returned;
	c->cur.net = c->cur.amount - c->cur.fees;
	c->cur.qr_count = m->qr_count;
	c->cur.qr_amount = m->qr_amount;
	c->cur.qr_fees = m->qr_fees;
	c->cur.qr_net = m->qr_amount - m->qr_fees;
	if (store_settle_total_insert(c->s, &c->cur) != STORE_OK)
		return SETTLE_ESTORE;
	snprintf(payable, sizeof payable, "payable:%s", m->mid);
	if ((rc = post(c, "receivable:local", payable, POST_GROSS, m->gross)) != SETTLE_OK ||
	    (rc = post(c, payable, "receivable:local", POST_REFUND, m->refunds)) != SETTLE_OK ||
	    (rc = post(c, payable, "fee_income", POST_FEE, m->fees)) != SETTLE_OK ||
	    (rc = post(c, "fee_income", payable, POST_FEE_RETURN, m->returned)) != SETTLE_OK)
		return rc;
	c->merchants++;
	c->day_lines += (size_t)m->count;
	return SETTLE_OK;
}

/* Keeps a merchant's sums, read before the final transaction. */
static int each_sum(void *ctx, const struct store_settle_sum *m)
{
	struct closing *c = ctx;
	struct store_settle_sum *grown = grow_room(c->sums, c->nsums, &c->cap, sizeof *m, 256);

	if (grown == NULL) {
		c->rc = SETTLE_ESTORE;
		return 1;
	}
	c->sums = grown;
	c->sums[c->nsums++] = *m;
	return 0;
}

/* What the final transaction writes, read from the day's lines once they are all written, in
 * a read transaction (no lock that stops a writer; under the lease, the lines no longer
 * change): each merchant's sums, and what the issuer posted for them. */
static int sums(struct closing *c)
{
	int rc = SETTLE_OK;

	if (store_begin_read(c->s) != STORE_OK)
		return SETTLE_ESTORE;
	c->nsums = 0;
	if (store_settle_sums(c->s, c->date, each_sum, c) != STORE_OK)
		rc = c->rc != SETTLE_OK ? c->rc : SETTLE_ESTORE;
	else if (c->p->issuer_account != 0 &&
	         store_settle_issuer_posted(c->s, c->date, c->p->issuer_account, &c->posted) !=
	             STORE_OK)
		rc = SETTLE_ESTORE;
	store_rollback(c->s);
	return rc;
}

/* Starts merchant mid's lines: its plan (its own, else the defaults). */
static int start(struct closing *c, const char *mid)
{
	struct store_merchant_app app;
	int rc = store_merchant_app_by_mid(c->s, mid, &app);

	if (rc != STORE_OK && rc != STORE_ENOTFOUND)
		return SETTLE_ESTORE;
	c->plan = c->p->plan;
	if (rc == STORE_OK)
		c->plan = (struct settle_plan){app.fee_credit_bp, app.fee_debit_bp, app.fee_qr_bp,
		                               app.fee_debit_cap};
	snprintf(c->cur.mid, sizeof c->cur.mid, "%s", mid);
	return SETTLE_OK;
}

/* The card's product: the local issuer's card's (known), else by the BIN ranges from the masked
 * PAN's first digits (the rest, hidden, read as zeros): "debit", "credit", "prepaid", or
 * "other" (no range holds it). */
static const char *product(const struct settle_close_params *p, int known, const char *masked)
{
	const struct card_bin_range *r;
	char pan[CARD_PAN_MAX + 1];
	size_t i;

	for (i = 0; masked[i] != '\0' && i < CARD_PAN_MAX; i++)
		pan[i] = masked[i] >= '0' && masked[i] <= '9' ? masked[i] : '0';
	pan[i] = '\0';
	if (known == 0) {
		if (card_bin_lookup(p->bins, p->nbins, pan, &r) != CARD_OK)
			return "other";
		known = (int)r->product;
	}
	switch (known) {
	case CARD_PRODUCT_DEBIT:
		return "debit";
	case CARD_PRODUCT_PREPAID:
		return "prepaid";
	default:
		return "credit";
	}
}

static const char *const channel_names[SETTLE_CHANNELS] = {"card", "qr"};

int settle_channel_of(const char *name)
{
	return name != NULL && strcmp(name, "qr") == 0 ? SETTLE_CHANNEL_QR : SETTLE_CHANNEL_CARD;
}

const char *settle_channel_name(int channel)
{
	return channel_names[channel == SETTLE_CHANNEL_QR];
}

void settle_total_channels(const struct store_settle_total *t,
                           struct settle_figures out[SETTLE_CHANNELS])
{
	out[SETTLE_CHANNEL_QR] =
	    (struct settle_figures){t->qr_count, t->qr_amount, t->qr_fees, t->qr_net};
	out[SETTLE_CHANNEL_CARD] =
	    (struct settle_figures){t->count - t->qr_count, t->amount - t->qr_amount,
	                            t->fees - t->qr_fees, t->net - t->qr_net};
}

/* The fee of amount by plan for a line of channel and the card's product prod: QR at the QR
 * rate, uncapped, whatever the card; debit and prepaid at the debit rate, capped; credit and
 * other at the credit rate. */
static int fee_of(const struct settle_plan *plan, int channel, const char *prod, int64_t amount,
                  int64_t *fee)
{
	if (channel == SETTLE_CHANNEL_QR)
		return settle_fee(plan->qr_bp, 0, amount, fee);
	if (strcmp(prod, "debit") == 0 || strcmp(prod, "prepaid") == 0)
		return settle_fee(plan->debit_bp, plan->debit_cap, amount, fee);
	return settle_fee(plan->credit_bp, 0, amount, fee);
}

/* What refund t gives back of its original's fee: its share (settle_refund_fee); nothing with
 * refund_fee = keep, or when its original is not known. The original's fee is reckoned as its
 * line's was, by the merchant's plan, the channel and the card's product (the refund's: the
 * same card, and a QR payment's refund is a QR one). */
static int refund_return(struct closing *c, const struct store_settle_txn *t, int64_t *ret)
{
	struct store_acq_txn o;
	int64_t ofee, already, amount = t->amount;
	int rc;

	*ret = 0;
	if (c->p->refund_fee_keep || t->original_id == 0)
		return SETTLE_OK;
	if ((rc = store_acq_txn_get(c->s, t->original_id, &o)) == STORE_ENOTFOUND)
		return SETTLE_OK;
	if (rc != STORE_OK || store_settle_returned(c->s, t->original_id, &already) != STORE_OK)
		return SETTLE_ESTORE;
	if (o.amount <= 0)
		return SETTLE_OK;
	if ((rc = fee_of(&c->plan, settle_channel_of(t->channel),
	                 product(c->p, t->product, t->masked), o.amount, &ofee)) != SETTLE_OK)
		return rc;
	if (amount > o.amount)
		amount = o.amount;
	if (already > ofee)
		already = ofee;
	return settle_refund_fee(ofee, o.amount, amount, already, ret);
}

/* Writes line l (its net from its amount and fee), counted for the progress. */
static int put(struct closing *c, struct store_settle_line *l)
{
	l->net = l->amount - l->fee;
	if (store_settle_line_insert(c->s, l) != STORE_OK)
		return SETTLE_ESTORE;
	c->lines++;
	if (c->p->progress != NULL)
		c->p->progress(c->p->ctx, SETTLE_STEP_ITEM, c->lines, c->total);
	return SETTLE_OK;
}

/* What follow-up t undoes of its original's line o (*amount, *fee: 0 nothing). A void or a
 * reversal of a purchase or completion cancels what its lines still settle in all (refunds
 * settled before counted), fee included: nothing, when cancelled before. A reversal of a
 * refund or void undoes that line, unless the original they acted on was reversed since (the
 * issuer then moves nothing either). */
static int undone(struct closing *c, const struct store_settle_txn *t,
                  const struct store_settle_line *o, int64_t *amount, int64_t *fee)
{
	struct store_acq_txn first;
	int rc;

	*amount = 0, *fee = 0;
	if (strcmp(o->type, "purchase") == 0 || strcmp(o->type, "completion") == 0) {
		if (store_settle_family(c->s, o->txn_id, amount, fee) != STORE_OK)
			return SETTLE_ESTORE;
		*amount = -*amount, *fee = -*fee;
		return SETTLE_OK;
	}
	if (strcmp(t->type, "reversal") != 0 || o->original_id == 0 ||
	    (strcmp(o->type, "refund") != 0 && strcmp(o->type, "void") != 0 &&
	     strcmp(o->type, "completion_void") != 0))
		return SETTLE_OK;
	if ((rc = store_acq_txn_get(c->s, o->original_id, &first)) != STORE_OK &&
	    rc != STORE_ENOTFOUND)
		return SETTLE_ESTORE;
	if (rc == STORE_OK && first.reversed)
		return SETTLE_OK;
	*amount = -o->amount, *fee = -o->fee;
	return SETTLE_OK;
}

/* A follow-up t whose original has a line o: its counter-line, keyed by t's own id, of o's
 * merchant, terminal and product, undoing what t undoes (undone()), if anything. */
static int counter(struct closing *c, const struct store_settle_txn *t)
{
	struct store_settle_line o, l = {.txn_id = t->id};
	int rc;

	if ((rc = store_settle_line_get(c->s, t->original_id, &o)) == STORE_ENOTFOUND)
		return SETTLE_OK;
	if (rc != STORE_OK)
		return SETTLE_ESTORE;
	if ((rc = undone(c, t, &o, &l.amount, &l.fee)) != SETTLE_OK)
		return rc;
	if (l.amount == 0 && l.fee == 0)
		return SETTLE_OK;
	snprintf(l.date, sizeof l.date, "%s", c->date);
	memcpy(l.mid, o.mid, sizeof l.mid);
	memcpy(l.tid, o.tid, sizeof l.tid);
	memcpy(l.product, o.product, sizeof l.product);
	memcpy(l.channel, o.channel, sizeof l.channel);
	memcpy(l.type, t->type, sizeof l.type);
	l.original_id = o.txn_id;
	return put(c, &l);
}

/* One transaction into its line (a voided purchase or completion settles nothing), or a
 * follow-up into its counter-line. */
static int line(struct closing *c, const struct store_settle_txn *t)
{
	struct store_settle_line l = {.txn_id = t->id};
	bool refund = strcmp(t->type, "refund") == 0;
	int64_t fee;
	int rc;

	if (strcmp(t->type, "reversal") == 0 || strcmp(t->type, "void") == 0 ||
	    strcmp(t->type, "completion_void") == 0)
		return counter(c, t);
	if (t->voided && !refund)
		return SETTLE_OK;
	snprintf(l.date, sizeof l.date, "%s", c->date);
	memcpy(l.mid, t->mid, sizeof l.mid);
	memcpy(l.tid, t->tid, sizeof l.tid);
	snprintf(l.product, sizeof l.product, "%s", product(c->p, t->product, t->masked));
	snprintf(l.channel, sizeof l.channel, "%s",
	         settle_channel_name(settle_channel_of(t->channel)));
	memcpy(l.type, t->type, sizeof l.type);
	if (refund) {
		rc = refund_return(c, t, &fee);
		l.amount = -t->amount, l.fee = -fee, l.original_id = t->original_id;
	} else {
		rc = fee_of(&c->plan, settle_channel_of(l.channel), l.product, t->amount, &fee);
		l.amount = t->amount, l.fee = fee;
	}
	if (rc != SETTLE_OK)
		return rc;
	return put(c, &l);
}

static int each_txn(void *ctx, const struct store_settle_txn *t)
{
	struct closing *c = ctx;

	snprintf(c->after, sizeof c->after, "%s", t->mid);
	c->page.id = t->id;
	c->read++;
	if (strcmp(t->mid, c->cur.mid) != 0 && (c->rc = start(c, t->mid)) != SETTLE_OK)
		return 1;
	return (c->rc = line(c, t)) != SETTLE_OK;
}

/* A transaction of an earlier day settling on this one (store_settle_revived). */
static int each_revived(void *ctx, const struct store_settle_txn *t)
{
	struct closing *c = ctx;

	if (strcmp(t->mid, c->cur.mid) != 0 && (c->rc = start(c, t->mid)) != SETTLE_OK)
		return 1;
	return (c->rc = line(c, t)) != SETTLE_OK;
}

static int each_revival(void *ctx, const struct store_settle_txn *t)
{
	struct closing *c = ctx;
	int64_t *grown = grow_room(c->revived, c->nrevived, &c->rcap, sizeof *grown, 16);

	if (grown == NULL) {
		c->rc = SETTLE_ESTORE;
		return 1;
	}
	c->revived = grown;
	c->revived[c->nrevived++] = t->id;
	return 0;
}

/* The earlier days' transactions that settle on this one (store_settle_revived()), read
 * before the parts in a read transaction (no lock: the day's reversals no longer change, and
 * the last part checks each again). */
static int revivals(struct closing *c)
{
	int rc = SETTLE_OK;

	if (store_begin_read(c->s) != STORE_OK)
		return SETTLE_ESTORE;
	if (store_settle_revived(c->s, c->date, each_revival, c) != STORE_OK)
		rc = c->rc != SETTLE_OK ? c->rc : SETTLE_ESTORE;
	store_rollback(c->s);
	return rc;
}

/* The day's lease for this run, taken or renewed inside the current transaction (the
 * database's clock: hosts on one PostgreSQL agree on it): SETTLE_OK; SETTLE_EBUSY (r->holder)
 * when another's still runs and its owner's process is not gone (store_lease_gone());
 * r->already when the day is closed. */
static int lease(struct closing *c, struct settle_close_result *r)
{
	struct store_settle_day d, got;
	int64_t now;
	bool gone;
	int rc;

	if (store_lease_now(c->s, &now) != STORE_OK)
		return SETTLE_ESTORE;
	now /= 1000;
	d = (struct store_settle_day){
	    .until = now + (c->p->lease_s > 0 ? c->p->lease_s : SETTLE_CLOSE_LEASE_S)};
	snprintf(d.date, sizeof d.date, "%s", c->date);
	snprintf(d.owner, sizeof d.owner, "%s", c->p->owner != NULL ? c->p->owner : "settle");
	if ((rc = store_settle_lease(c->s, &d, now)) == STORE_OK)
		return SETTLE_OK;
	if (rc != STORE_EEXIST || store_settle_day_get(c->s, c->date, &got) != STORE_OK)
		return SETTLE_ESTORE;
	if (got.state == STORE_SETTLE_CLOSED) {
		r->already = true;
		r->lines = (size_t)got.lines, r->merchants = (size_t)got.merchants;
		r->closed_at = got.closed_at;
		return SETTLE_OK;
	}
	if (store_lease_gone(c->s, got.owner, &gone) != STORE_OK)
		return SETTLE_ESTORE;
	if (gone && store_settle_lease(c->s, &d, got.until) == STORE_OK)
		return SETTLE_OK; /* taken over from a process gone, unless another was first */
	snprintf(r->holder, sizeof r->holder, "%s", got.owner);
	return SETTLE_EBUSY;
}

/* One part: up to p->part of the day's transactions without a line, after the last read, into
 * lines (a follow-up into its counter-line); *more when there may be others after them; the
 * last also writes the lines of earlier days' transactions revived on this one. Inside the
 * part's transaction. */
static int part(struct closing *c, bool *more)
{
	c->read = 0;
	memcpy(c->from, c->after, sizeof c->from); /* bound: after changes as rows are read */
	c->page.mid = c->from;
	if (store_settle_unsettled(c->s, &c->page, each_txn, c) != STORE_OK)
		return c->rc != SETTLE_OK ? c->rc : SETTLE_ESTORE;
	*more = c->read == c->page.limit;
	/* The last part: then those of earlier days whose void was reversed on this one. */
	for (size_t i = 0; !*more && i < c->nrevived; i++)
		if (store_settle_revived_one(c->s,
		                             &(struct store_settle_one){c->date, c->revived[i]},
		                             each_revived, c) != STORE_OK)
			return c->rc != SETTLE_OK ? c->rc : SETTLE_ESTORE;
	return SETTLE_OK;
}

/* The final transaction's work: each merchant's totals and postings from the day's lines, the
 * issuer's receivable cleared, the holds past their timeout released, the day closed. */
static int final(struct closing *c, struct settle_close_result *r)
{
	struct store_settle_day d = {.state = STORE_SETTLE_CLOSED};
	int rc;

	for (size_t i = 0; i < c->nsums; i++)
		if ((rc = flush(c, &c->sums[i])) != SETTLE_OK)
			return rc;
	if ((rc = clear(c)) != SETTLE_OK)
		return rc;
	if ((rc = ledger_expire(c->s, c->p->now, &r->expired)) != LEDGER_OK)
		return rc == LEDGER_ESTORE ? SETTLE_ESTORE : SETTLE_ELEDGER;
	snprintf(d.date, sizeof d.date, "%s", c->date);
	snprintf(d.owner, sizeof d.owner, "%s", c->p->owner != NULL ? c->p->owner : "settle");
	d.lines = (int64_t)c->day_lines;
	d.merchants = (int64_t)c->merchants;
	d.closed_at = c->p->now;
	if (store_settle_day_put(c->s, &d) != STORE_OK)
		return SETTLE_ESTORE;
	r->lines = c->day_lines, r->merchants = c->merchants, r->closed_at = d.closed_at;
	if (c->p->progress != NULL)
		c->p->progress(c->p->ctx, SETTLE_STEP_FINAL, c->lines, c->total);
	return SETTLE_OK;
}

/* The work of a transaction of the close: a part (*more from it), or the final one (more
 * NULL). */
static int work(struct closing *c, bool *more, struct settle_close_result *r)
{
	if (more == NULL)
		return final(c, r);
	return part(c, more);
}

/* A transaction of the close: the lease taken, the day checked (closed before: nothing done,
 * rolled back; not yet past its cut-off at today: refused), its work, committed. */
static int step(struct closing *c, int32_t date, int32_t today, bool *more,
                struct settle_close_result *r)
{
	int rc;

	if (store_begin(c->s) != STORE_OK)
		return SETTLE_ESTORE;
	if ((rc = lease(c, r)) == SETTLE_OK && !r->already)
		rc = today <= date ? SETTLE_EEARLY /* its cut-off moment is still ahead */
		                   : work(c, more, r);
	if (rc != SETTLE_OK || r->already) {
		store_rollback(c->s);
		return rc;
	}
	if (store_commit(c->s) != STORE_OK)
		return SETTLE_ESTORE;
	if (more != NULL) {
		/* A pause, so that a writer waiting for the lock (a terminal's request) takes it
		 * before the next part does. */
		nanosleep(&(struct timespec){0, PAUSE_NS}, NULL);
		r->parts++;
		if (c->p->progress != NULL)
			c->p->progress(c->p->ctx, SETTLE_STEP_PART, c->lines, c->total);
	}
	return SETTLE_OK;
}

int settle_close_due(const struct settle_close_params *p, int32_t *date)
{
	int32_t today;
	int rc;

	if ((rc = settle_date(p->cal, p->utc_offset, p->now, &today)) != SETTLE_OK)
		return rc;
	return settle_date_add(today, -1, date);
}

int settle_close_next(store *s, const struct settle_close_params *p, int32_t *date)
{
	char after[SETTLE_DATE_TEXT], before[SETTLE_DATE_TEXT], next[SETTLE_DATE_TEXT];
	int32_t due, back;
	int rc;

	if ((rc = settle_close_due(p, &due)) != SETTLE_OK ||
	    (rc = settle_date_add(due, -SETTLE_CLOSE_BACK - 1, &back)) != SETTLE_OK ||
	    (rc = settle_date_format(back, after)) != SETTLE_OK ||
	    (rc = settle_date_format(due, before)) != SETTLE_OK)
		return rc;
	*date = due;
	rc = store_settle_next_day(s, after, before, next);
	if (rc == STORE_ENOTFOUND)
		return SETTLE_OK;
	if (rc != STORE_OK)
		return SETTLE_ESTORE;
	return settle_date_parse(next, date);
}

int settle_close(store *s, const struct settle_close_params *p, int32_t date,
                 struct settle_close_result *r)
{
	struct closing c = {.s = s, .p = p};
	int64_t total;
	int32_t today, payout;
	bool more = true;
	int rc;

	memset(r, 0, sizeof *r);
	r->date = date;
	if ((rc = settle_date_format(date, c.date)) != SETTLE_OK ||
	    (rc = settle_date(p->cal, p->utc_offset, p->now, &today)) != SETTLE_OK ||
	    (rc = settle_payout_date(p->cal, date, &payout)) != SETTLE_OK ||
	    (rc = settle_date_format(payout, c.payout)) != SETTLE_OK)
		return rc;
	c.page = (struct store_settle_page){
	    .date = c.date, .limit = (int64_t)(p->part > 0 ? p->part : SETTLE_CLOSE_PART)};
	/* The transactions to go, for the progress: read before any lock is taken. */
	if (p->progress != NULL && p->count &&
	    store_settle_unsettled_count(s, c.date, &total) == STORE_OK)
		c.total = (size_t)total;
	if ((rc = revivals(&c)) != SETTLE_OK)
		goto out;
	c.total += c.nrevived;
	while (more)
		if ((rc = step(&c, date, today, &more, r)) != SETTLE_OK || r->already)
			goto out;
	if ((rc = sums(&c)) == SETTLE_OK)
		rc = step(&c, date, today, NULL, r);
out:
	free(c.sums);
	free(c.revived);
	return rc;
}
