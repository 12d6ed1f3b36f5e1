/* reconcile.c — the reconciliation of a settlement date (settle_reconcile.h): the terminals'
 * batches against the host's records, the host's records against the local issuer's
 * decisions, each difference handed to the caller with the transaction's keys. Reads only. */
#include "settle/settle_reconcile.h"

#include <stdio.h>
#include <string.h>

#include "common/jsonval.h"
#include "store/store_acquirer.h"
#include "store/store_reconcile.h"

#define CNY 156 /* field 49 of a settlement: its totals' currency */

static const char *const kind_names[SETTLE_RECON_KINDS] = {
    "totals_differ",  "terminal_only", "host_only",        "issuer_only",
    "amount_differs", "card_differs",  "reversed_differs",
};

const char *settle_recon_kind_name(int kind)
{
	return kind >= 0 && kind < SETTLE_RECON_KINDS ? kind_names[kind] : "?";
}

const char *settle_recon_side_name(int side)
{
	return side == SETTLE_RECON_TERMINAL_HOST ? "terminal_host" : "host_issuer";
}

/* A reconciliation under way. */
struct recon {
	store *s;
	int (*fn)(void *ctx, const struct settle_recon_item *it);
	void *ctx;
	struct settle_recon_counts *counts;
	int stop; /* what fn returned, when not 0: no more is said */
	int rc;   /* a store failure inside a walk */
};

/* Counts it and hands it to the caller; non-zero (the walk stops) once the caller said stop. */
static int say(struct recon *r, const struct settle_recon_item *it)
{
	r->counts->n[it->kind]++;
	r->counts->total++;
	if (r->stop == 0)
		r->stop = r->fn(r->ctx, it);
	return r->stop;
}

/* One of a batch's totals: the terminal's (n3, a count modulo 1000) against the host's. */
static int totals(struct recon *r, const struct store_recon_batch *b, const char *what,
                  int64_t amount, int count, int64_t host_amount, int host_count)
{
	struct settle_recon_item it = {.kind = SETTLE_RECON_TOTALS_DIFFER,
	                               .side = SETTLE_RECON_TERMINAL_HOST,
	                               .batch = b->batch,
	                               .has_amount = true,
	                               .has_other = true,
	                               .amount = amount,
	                               .other_amount = host_amount,
	                               .currency = CNY,
	                               .count = count,
	                               .other_count = host_count};

	if (amount == host_amount && count == host_count % 1000)
		return 0;
	snprintf(it.tid, sizeof it.tid, "%s", b->tid);
	snprintf(it.mid, sizeof it.mid, "%s", b->mid);
	snprintf(it.what, sizeof it.what, "%s", what);
	return say(r, &it);
}

/* A batch settled: its totals against the host's as they stand now (a reversal since counts). */
static int each_batch(void *ctx, const struct store_recon_batch *b)
{
	struct recon *r = ctx;
	struct store_acq_totals h;
	int stop;

	if ((r->rc = store_acq_totals(r->s, b->tid, b->batch, &h)) != STORE_OK)
		return 1;
	if ((stop = totals(r, b, "sales", b->sales_amount, b->sales_count, h.sales_amount,
	                   h.sales_count)) != 0 ||
	    (stop = totals(r, b, "refunds", b->refund_amount, b->refund_count, h.refund_amount,
	                   h.refund_count)) != 0 ||
	    (stop = totals(r, b, "foreign_sales", b->foreign_sales_amount, b->foreign_sales_count,
	                   0, 0)) != 0)
		return stop;
	return totals(r, b, "foreign_refunds", b->foreign_refund_amount, b->foreign_refund_count, 0,
	              0);
}

/* A transaction of an uploaded batch: on one side only, or different. */
static int each_pair(void *ctx, const struct store_recon_pair *p)
{
	struct settle_recon_item it = {.side = SETTLE_RECON_TERMINAL_HOST,
	                               .batch = p->batch,
	                               .has_amount = p->uploaded,
	                               .has_other = p->host,
	                               .amount = p->up_amount,
	                               .other_amount = p->amount,
	                               .currency = p->host ? p->currency : CNY};

	if (p->uploaded && !p->host)
		it.kind = SETTLE_RECON_TERMINAL_ONLY;
	else if (!p->uploaded) /* the host's alone: its amount is the one there is */
		it.kind = SETTLE_RECON_HOST_ONLY, it.has_amount = true, it.has_other = false,
		it.amount = p->amount;
	else if (p->up_amount != p->amount)
		it.kind = SETTLE_RECON_AMOUNT_DIFFERS;
	else if (strcmp(p->up_pan_hash, p->pan_hash) != 0)
		it.kind = SETTLE_RECON_CARD_DIFFERS;
	else
		return 0;
	snprintf(it.tid, sizeof it.tid, "%s", p->tid);
	snprintf(it.mid, sizeof it.mid, "%s", p->mid);
	snprintf(it.stan, sizeof it.stan, "%s", p->stan);
	snprintf(it.rrn, sizeof it.rrn, "%s", p->rrn);
	snprintf(it.type, sizeof it.type, "%s", p->type);
	snprintf(it.card, sizeof it.card, "%s", p->uploaded ? p->up_masked : p->masked);
	return say(ctx, &it);
}

/* The kind of a request of the host's against its decision at the issuer, and why: each side
 * counts what it approved and did not reverse. -1 when they agree. */
static int decision_kind(const struct store_recon_decision *d, const char **why)
{
	bool h_ok = strcmp(d->rc, "00") == 0, i_ok = d->found && strcmp(d->d_rc, "00") == 0;
	bool h = d->host && h_ok && !d->reversed, i = i_ok && !d->d_reversed;

	*why = "";
	if (h && !i) {
		*why = i_ok ? "reversed_at_issuer" : d->found ? "issuer_declined" : "no_decision";
		return i_ok ? SETTLE_RECON_REVERSED_DIFFERS : SETTLE_RECON_HOST_ONLY;
	}
	if (!h && i) {
		*why = !d->host ? "no_host_request" : h_ok ? "reversed_at_host" : "host_declined";
		return d->host && h_ok ? SETTLE_RECON_REVERSED_DIFFERS : SETTLE_RECON_ISSUER_ONLY;
	}
	if (h && i && (d->amount != d->d_amount || d->currency != d->d_currency))
		return SETTLE_RECON_AMOUNT_DIFFERS;
	return -1;
}

/* A request of the host's and its decision (or a decision alone). */
static int each_decision(void *ctx, const struct store_recon_decision *d)
{
	struct settle_recon_item it = {.side = SETTLE_RECON_HOST_ISSUER,
	                               .batch = d->batch,
	                               .has_amount = d->host,
	                               .has_other = d->found,
	                               .amount = d->amount,
	                               .other_amount = d->d_amount,
	                               .currency = d->host ? d->currency : d->d_currency};
	const char *why;

	if ((it.kind = decision_kind(d, &why)) < 0)
		return 0;
	snprintf(it.tid, sizeof it.tid, "%s", d->tid);
	snprintf(it.mid, sizeof it.mid, "%s", d->mid);
	snprintf(it.stan, sizeof it.stan, "%s", d->stan);
	snprintf(it.rrn, sizeof it.rrn, "%s", d->rrn);
	snprintf(it.card, sizeof it.card, "%s", d->masked);
	snprintf(it.type, sizeof it.type, "%s", d->type);
	snprintf(it.detail, sizeof it.detail, "%s", why);
	return say(ctx, &it);
}

/* The first moment (Unix seconds from 1970) whose settlement date is date or later:
 * settle_date() never goes back as time goes on, so a binary search finds it, whatever the
 * cut-off and offset. A moment past the calendar's years counts as later. */
static int64_t first_moment(const struct settle_recon_params *p, int32_t date)
{
	int64_t lo = 0, hi = INT64_C(253402300800); /* 10000-01-01 */

	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		int32_t d;

		if (settle_date(p->cal, p->utc_offset, mid, &d) != SETTLE_OK || d >= date)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The issuer's decisions of the date's time that no request of the host's names: those of
 * the days either side too, which a decision of the date's time may name when the calendar
 * changed. */
static int issuer_only(struct recon *r, const struct settle_recon_params *p, int32_t date)
{
	char before[SETTLE_DATE_TEXT], after[SETTLE_DATE_TEXT];
	struct store_recon_window w = {.date_from = before, .date_to = after};
	int32_t prev, next;
	int rc;

	if (settle_date_add(date, -1, &prev) != SETTLE_OK ||
	    settle_date_add(date, 1, &next) != SETTLE_OK ||
	    settle_date_format(prev, before) != SETTLE_OK ||
	    settle_date_format(next, after) != SETTLE_OK)
		return SETTLE_EARG;
	w.from = first_moment(p, date);
	w.to = first_moment(p, next);
	rc = store_recon_issuer_only(r->s, &w, each_decision, r);
	return r->stop != 0 || rc == STORE_OK ? SETTLE_OK : SETTLE_ESTORE;
}

/* The walks in turn, each unless the caller said stop. */
static int walk(struct recon *r, const struct settle_recon_params *p, int32_t date,
                const char *text)
{
	int rc;

	rc = store_recon_batch_list(r->s, text, each_batch, r);
	if (r->rc != STORE_OK || (r->stop == 0 && rc != STORE_OK))
		return SETTLE_ESTORE;
	if (r->stop == 0 && store_recon_pairs(r->s, text, each_pair, r) != STORE_OK && r->stop == 0)
		return SETTLE_ESTORE;
	if (r->stop == 0 && store_recon_host_decisions(r->s, text, each_decision, r) != STORE_OK &&
	    r->stop == 0)
		return SETTLE_ESTORE;
	return r->stop == 0 ? issuer_only(r, p, date) : SETTLE_OK;
}

int settle_reconcile(store *s, const struct settle_recon_params *p, int32_t date,
                     int (*fn)(void *ctx, const struct settle_recon_item *it), void *ctx,
                     struct settle_recon_counts *counts)
{
	struct settle_recon_counts mine;
	struct recon r = {s, fn, ctx, counts != NULL ? counts : &mine, 0, STORE_OK};
	char text[SETTLE_DATE_TEXT];
	int rc;

	memset(r.counts, 0, sizeof *r.counts);
	if (s == NULL || p == NULL || p->cal == NULL || fn == NULL ||
	    settle_date_format(date, text) != SETTLE_OK)
		return SETTLE_EARG;
	/* One snapshot: a host writing meanwhile changes nothing of what is compared. */
	if (store_begin_read(s) != STORE_OK)
		return SETTLE_ESTORE;
	rc = walk(&r, p, date, text);
	store_rollback(s);
	return rc;
}

/* A text, or JSON null when empty. */
static json_t *text_or_null(const char *s)
{
	return s[0] != '\0' ? json_string(s) : json_null();
}

/* An item as JSON: its keys (null where unknown), its amounts as money objects, each absent
 * where that side has none; a batch's totals with their counts. */
json_t *settle_recon_item_json(const struct settle_recon_item *it)
{
	unsigned c = (unsigned)it->currency;
	json_t *o =
	    json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "kind",
	              settle_recon_kind_name(it->kind), "side", settle_recon_side_name(it->side),
	              "tid", text_or_null(it->tid), "mid", text_or_null(it->mid), "batch",
	              it->batch != 0 ? json_integer(it->batch) : json_null(), "stan",
	              text_or_null(it->stan), "rrn", text_or_null(it->rrn), "card",
	              text_or_null(it->card), "type", text_or_null(it->type), "what",
	              text_or_null(it->what), "detail", text_or_null(it->detail));
	bool totals = it->kind == SETTLE_RECON_TOTALS_DIFFER;

	if (o != NULL &&
	    ((it->has_amount && json_object_set_new(o, "amount", jsonval_money(it->amount, c))) ||
	     (it->has_other &&
	      json_object_set_new(o, "other_amount", jsonval_money(it->other_amount, c))) ||
	     (totals && json_object_set_new(o, "count", json_integer(it->count))) ||
	     (totals && json_object_set_new(o, "other_count", json_integer(it->other_count))))) {
		json_decref(o);
		return NULL;
	}
	return o;
}
