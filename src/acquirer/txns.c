/* txns.c — the acquirer's records of its terminals' requests as they are read back: a search's
 * criteria checked, a page of them (or of the requests that came over the issuer's link, the
 * issuer's decisions read as the same rows), one by its RRN, a merchant's balance, and the one
 * JSON shape of each, for the API (src/http/routes_transaction.c) and the CLI (`possum admin
 * txn`, `possum admin merchant balance`) alike. */
#include "acquirer/internal.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"
#include "rcode/rcode.h"
#include "common/jsonval.h"

static const char *const status_names[] = {
    [STORE_ACQ_APPROVED] = "approved", /* refunded in part too */
    [STORE_ACQ_DECLINED] = "declined", /* any other response code */
    [STORE_ACQ_REVERSED] = "reversed", /* approved, then reversed */
    [STORE_ACQ_VOIDED] = "voided",     /* approved, then voided */
    [STORE_ACQ_REFUNDED] = "refunded", /* approved, then refunded in full */
    /* A pre-authorization's: its hold cancelled, or completed (in full or in part). */
    [STORE_ACQ_CANCELLED] = "cancelled",
    [STORE_ACQ_COMPLETED] = "completed",
};

static_assert(STORE_ACQ_CANCELLED == 6 && STORE_ACQ_COMPLETED == 7,
              "the store's TXN_STATUS reads the statuses by these numbers");

/* What became of it, as store_acq_txn_search()'s status criterion reads it: a payment refunded
 * in part stays approved, and its entry says how much was refunded; a pre-authorization's
 * cancel marks it voided, which it reads as cancelled. */
int acquirer_txn_status(const struct store_acq_txn *t)
{
	bool preauth = strcmp(t->type, "preauth") == 0; /* the link's named so by the store */

	return !rcode_approved(t->rc)                        ? STORE_ACQ_DECLINED
	       : t->reversed                                 ? STORE_ACQ_REVERSED
	       : t->voided && preauth                        ? STORE_ACQ_CANCELLED
	       : t->voided                                   ? STORE_ACQ_VOIDED
	       : t->completed > 0                            ? STORE_ACQ_COMPLETED
	       : t->refunded > 0 && t->refunded >= t->amount ? STORE_ACQ_REFUNDED
	                                                     : STORE_ACQ_APPROVED;
}

const char *acquirer_status_name(int status)
{
	return status >= STORE_ACQ_APPROVED && status <= STORE_ACQ_COMPLETED ? status_names[status]
	                                                                     : "";
}

int acquirer_status_parse(const char *name, int *out)
{
	for (int s = STORE_ACQ_APPROVED; s <= STORE_ACQ_COMPLETED; s++)
		if (strcmp(name, status_names[s]) == 0) {
			*out = s;
			return ACQUIRER_OK;
		}
	return ACQUIRER_EARG;
}

static_assert(STORE_OP_PREAUTH == REQUEST_PREAUTH &&
                  STORE_OP_PREAUTH_CANCEL == REQUEST_PREAUTH_CANCEL &&
                  STORE_OP_COMPLETION == REQUEST_COMPLETION &&
                  STORE_OP_COMPLETION_VOID == REQUEST_COMPLETION_VOID &&
                  STORE_OP_PURCHASE == REQUEST_PURCHASE && STORE_OP_VOID == REQUEST_VOID &&
                  STORE_OP_REFUND == REQUEST_REFUND && STORE_OP_REVERSAL == REQUEST_REVERSAL,
              "the store's link listing tells the request types apart by request.h's numbers");

static const char *const source_names[] = {
    [STORE_ACQ_TERMINAL] = "terminal",
    [STORE_ACQ_LINK] = "link",
};

const char *acquirer_source_name(int source)
{
	return source == STORE_ACQ_LINK ? source_names[STORE_ACQ_LINK]
	                                : source_names[STORE_ACQ_TERMINAL];
}

int acquirer_source_parse(const char *name, int *out)
{
	for (int s = STORE_ACQ_TERMINAL; s <= STORE_ACQ_LINK; s++)
		if (strcmp(name, source_names[s]) == 0) {
			*out = s;
			return ACQUIRER_OK;
		}
	return ACQUIRER_EARG;
}

static int refuse(const char **bad, const char **why, const char *name, const char *text)
{
	*bad = name;
	*why = text;
	return ACQUIRER_EARG;
}

int acquirer_txn_filter_check(const struct store_acq_txn_filter *f, const char **bad,
                              const char **why)
{
	size_t n;

	if (f->tid != NULL && strlen(f->tid) != ACQUIRER_TID_LEN)
		return refuse(bad, why, "terminal", "terminal must be a TID of 8 characters");
	if (f->mid != NULL && strlen(f->mid) != ACQUIRER_MID_LEN)
		return refuse(bad, why, "mid", "mid must be a MID of 15 characters");
	if (f->card != NULL &&
	    (n = strlen(f->card), n < 4 || n > 19 || strspn(f->card, "0123456789*") != n ||
	                              (n > 4 && crypto_digits(f->card, n, n) == n)))
		return refuse(bad, why, "card",
		              "card must be a masked card number or its last 4 digits");
	if (f->channel != NULL && strcmp(f->channel, "card") != 0 && strcmp(f->channel, "qr") != 0)
		return refuse(bad, why, "channel", "channel must be card or qr");
	return ACQUIRER_OK;
}

struct page {
	int (*fn)(void *ctx, const struct store_acq_txn *t);
	void *ctx;
	size_t limit, n;
	int64_t last, next;
};

/* A link's request: its type by the issuer's number of it. */
static void link_type(struct store_acq_txn *t)
{
	if (t->source == STORE_ACQ_LINK)
		snprintf(t->type, sizeof t->type, "%s", request_type_name(t->op));
}

static int page_one(void *arg, const struct store_acq_txn *t)
{
	struct page *p = arg;
	struct store_acq_txn row;

	/* One row more than the page was read: there is a next page, after the last shown. */
	if (p->limit != 0 && p->n == p->limit) {
		p->next = p->last;
		return 1;
	}
	p->n++;
	p->last = t->id;
	row = *t;
	link_type(&row);
	return p->fn(p->ctx, &row) != 0 ? 2 : 0;
}

int acquirer_txn_page(store *s, const struct store_acq_txn_filter *f,
                      int (*fn)(void *ctx, const struct store_acq_txn *t), void *ctx, int64_t *next)
{
	struct store_acq_txn_filter more = *f;
	struct page p = {fn, ctx, f->limit, 0, 0, 0};
	const char *bad, *why;
	int rc;

	*next = 0;
	if (acquirer_txn_filter_check(f, &bad, &why) != ACQUIRER_OK)
		return ACQUIRER_EARG;
	if (more.limit != 0)
		more.limit++;
	rc = store_acq_txn_search(s, &more, page_one, &p);
	if (rc == 2)
		return ACQUIRER_ENOMEM;
	*next = p.next;
	return rc == 1 ? ACQUIRER_OK : acquirer_from_store(rc);
}

int acquirer_txn_by_rrn(store *s, const char *rrn, int source, struct store_acq_txn *out)
{
	int rc = STORE_ENOTFOUND;

	if (source != STORE_ACQ_LINK)
		rc = store_acq_txn_by_rrn(s, rrn, out);
	if (rc == STORE_ENOTFOUND && source != STORE_ACQ_TERMINAL &&
	    (rc = store_acq_link_by_rrn(s, rrn, out)) == STORE_OK)
		link_type(out);
	return acquirer_from_store(rc);
}

/* The one JSON shape of a request, and where it came from ("source"): a payment refunded says
 * how much ("refunded"), a pre-authorization completed how much ("completed"), a follow-up
 * names its original ("original": its RRN), a terminal's its settlement date ("settle_date",
 * YYYY-MM-DD: the business day it belongs to, settle.h); the link's
 * have the acquirer's institution ("acquirer") in place of a terminal, merchant and batch; how
 * it was paid ("channel": "card" or "qr"); a terminal's where it went ("route": "local", a
 * network link's name, "" nowhere: docs/links.md). */
json_t *acquirer_txn_json(const struct store_acq_txn *t, int utc_offset)
{
	json_t *o =
	    json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:i, s:s}",
	              "id", (json_int_t)t->id, "at", jsonval_time(t->at, utc_offset), "rrn", t->rrn,
	              "tid", t->tid, "mid", t->mid, "type", t->type, "amount",
	              jsonval_money(t->amount, (unsigned)t->currency), "card", t->masked, "status",
	              acquirer_status_name(acquirer_txn_status(t)), "rc", t->rc, "reason",
	              t->reason, "auth_code", t->auth_code, "batch", t->batch, "stan", t->stan);

	if (o != NULL && t->refunded > 0 &&
	    json_object_set_new(o, "refunded", jsonval_money(t->refunded, (unsigned)t->currency)))
		goto fail;
	if (o != NULL && t->completed > 0 &&
	    json_object_set_new(o, "completed", jsonval_money(t->completed, (unsigned)t->currency)))
		goto fail;
	if (o != NULL && t->original_rrn[0] != '\0' &&
	    json_object_set_new(o, "original", json_string(t->original_rrn)))
		goto fail;
	if (o != NULL && t->settle_date[0] != '\0' &&
	    json_object_set_new(o, "settle_date", json_string(t->settle_date)))
		goto fail;
	if (o != NULL && t->source == STORE_ACQ_LINK &&
	    (json_object_del(o, "tid") || json_object_del(o, "mid") ||
	     json_object_del(o, "batch") ||
	     json_object_set_new(o, "acquirer", json_string(t->acquirer))))
		goto fail;
	if (o != NULL &&
	    json_object_set_new(o, "source", json_string(acquirer_source_name(t->source))))
		goto fail;
	if (o != NULL &&
	    json_object_set_new(o, "channel",
	                        json_string(t->channel[0] != '\0' ? t->channel : "card")))
		goto fail;
	if (o != NULL && t->source != STORE_ACQ_LINK &&
	    json_object_set_new(o, "route", json_string(t->route)))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

struct totals {
	int (*fn)(void *ctx, const struct acquirer_balance *b);
	void *ctx;
};

static int one_currency(void *arg, int currency, const struct store_acq_totals *t)
{
	struct totals *p = arg;
	struct acquirer_balance b = {currency,         t->sales_amount,
	                             t->refund_amount, t->sales_amount - t->refund_amount,
	                             t->sales_count,   t->refund_count};

	return p->fn(p->ctx, &b) != 0 ? 1 : 0;
}

int acquirer_merchant_balance(store *s, const char *mid, int64_t from, int64_t to,
                              int (*fn)(void *ctx, const struct acquirer_balance *b), void *ctx)
{
	struct store_merchant m;
	struct totals p = {fn, ctx};
	int rc;

	if ((rc = store_merchant_get(s, mid, &m)) != STORE_OK)
		return acquirer_from_store(rc);
	rc = store_acq_merchant_totals(s, mid, from, to, one_currency, &p);
	return rc == 1 ? ACQUIRER_ENOMEM : acquirer_from_store(rc);
}

static int add_currency(void *arg, const struct acquirer_balance *b)
{
	unsigned c = (unsigned)b->currency;

	return json_array_append_new(
	    arg, json_pack("{s:o, s:i, s:o, s:i, s:o}", "sales", jsonval_money(b->sales, c),
	                   "sales_count", b->sales_count, "refunds", jsonval_money(b->refunds, c),
	                   "refunds_count", b->refunds_count, "net", jsonval_money(b->net, c)));
}

json_t *acquirer_balance_json(store *s, const char *mid, int64_t from, int64_t to, int utc_offset,
                              int *rc)
{
	json_t *list = json_array();

	*rc = ACQUIRER_ENOMEM;
	if (list == NULL || (*rc = acquirer_merchant_balance(s, mid, from, to, add_currency,
	                                                     list)) != ACQUIRER_OK) {
		json_decref(list);
		return NULL;
	}
	return json_pack("{s:s, s:o, s:o, s:o}", "mid", mid, "from", jsonval_time(from, utc_offset),
	                 "to", jsonval_time(to, utc_offset), "currencies", list);
}
