/* routes_transaction.c — the acquirer's records of terminal requests through the API: a search
 * (GET /api/v1/transactions), one by its RRN (GET /api/v1/transactions/{rrn}), and what they
 * hold for a merchant (GET /api/v1/merchants/{mid}/balance). A merchant's token sees its own
 * merchant's only; cards appear masked. */
#include "http/http.h"

#include <string.h>

#include "acquirer/acquirer.h"
#include "crypto/crypto.h"
#include "store/store_acquirer.h"
#include "rcode/rcode.h"

static const char *const status_names[] = {
    [STORE_ACQ_APPROVED] = "approved",
    [STORE_ACQ_DECLINED] = "declined",
    [STORE_ACQ_REVERSED] = "reversed",
};

static json_t *txn_json(const struct store_acq_txn *t)
{
	int status = !rcode_approved(t->rc) ? STORE_ACQ_DECLINED
	             : t->reversed          ? STORE_ACQ_REVERSED
	                                    : STORE_ACQ_APPROVED;

	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:i, s:s}",
	                 "id", (json_int_t)t->id, "at", http_time(t->at), "rrn", t->rrn, "tid",
	                 t->tid, "mid", t->mid, "type", t->type, "amount",
	                 http_money(t->amount, (unsigned)t->currency), "card", t->masked, "status",
	                 status_names[status], "rc", t->rc, "reason", t->reason, "auth_code",
	                 t->auth_code, "batch", t->batch, "stan", t->stan);
}

struct page {
	json_t *items;
	size_t limit;
	int64_t next; /* the last item's id when there may be more */
};

static int add_txn(void *arg, const struct store_acq_txn *t)
{
	struct page *p = arg;

	/* One row more than the page was read: there is a next page, after the last shown. */
	if (json_array_size(p->items) == p->limit) {
		p->next = json_integer_value(
		    json_object_get(json_array_get(p->items, p->limit - 1), "id"));
		return 1;
	}
	return json_array_append_new(p->items, txn_json(t)) == 0 ? 0 : STORE_ENOMEM;
}

/* A bad query parameter: res the 400 naming it, HTTP_EARG. */
static int refuse(struct http_response *res, const char *error, const char *name)
{
	http_fail(res, 400, error, name);
	return HTTP_EARG;
}

/* The search's criteria from the query: HTTP_OK, or HTTP_EARG with res the 400. */
static int read_filter(const struct http_request *req, struct http_response *res,
                       struct store_acq_txn_filter *f)
{
	const char *status = http_query(req, "status");
	size_t n;

	f->amount = -1;
	if (http_query_time(req, res, "from", &f->from) != HTTP_OK ||
	    http_query_time(req, res, "to", &f->to) != HTTP_OK ||
	    http_query_int(req, res, "amount", 0, INT64_MAX, &f->amount) != HTTP_OK ||
	    http_query_page(req, res, &f->limit, &f->after_id) != HTTP_OK)
		return HTTP_EARG;
	f->tid = http_query(req, "terminal");
	if (f->tid != NULL && strlen(f->tid) != ACQUIRER_TID_LEN)
		return refuse(res, "terminal must be a TID of 8 characters", "terminal");
	f->mid = http_query(req, "mid");
	if (f->mid != NULL && strlen(f->mid) != ACQUIRER_MID_LEN)
		return refuse(res, "mid must be a MID of 15 characters", "mid");
	f->card = http_query(req, "card");
	if (f->card != NULL &&
	    (n = strlen(f->card), n < 4 || n > 19 || strspn(f->card, "0123456789*") != n ||
	                              (n > 4 && crypto_digits(f->card, n, n) == n)))
		return refuse(res, "card must be a masked card number or its last 4 digits",
		              "card");
	if (status != NULL) {
		for (f->status = STORE_ACQ_APPROVED; f->status <= STORE_ACQ_REVERSED; f->status++)
			if (strcmp(status, status_names[f->status]) == 0)
				break;
		if (f->status > STORE_ACQ_REVERSED)
			return refuse(res, "status must be approved, declined or reversed",
			              "status");
	}
	return HTTP_OK;
}

/* GET /api/v1/transactions?from=&to=&terminal=&status=&card=&amount=&mid=&limit=&after= */
static int search(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	struct store_acq_txn_filter f = {0};
	struct page p = {0};
	int rc;

	if (read_filter(req, res, &f) != HTTP_OK)
		return HTTP_OK;
	/* A merchant's token searches its own merchant's; naming another is naming nothing. */
	if (req->who->role == HTTP_ROLE_MERCHANT) {
		if (f.mid != NULL && !http_may_see(req, f.mid))
			return http_fail(res, 404, "no such merchant", "mid");
		f.mid = req->who->mid;
	}
	if ((p.items = json_array()) == NULL)
		return HTTP_EFAIL;
	p.limit = f.limit;
	f.limit++;
	rc = store_acq_txn_search(ctx->store, &f, add_txn, &p);
	return http_reply_page(res, rc == STORE_OK || rc == 1, p.items,
	                       p.next != 0 ? json_integer(p.next) : NULL);
}

/* GET /api/v1/transactions/{rrn} */
static int by_rrn(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	struct store_acq_txn t;
	int rc = store_acq_txn_by_rrn(ctx->store, req->args[0], &t);

	if (rc == STORE_ENOTFOUND || (rc == STORE_OK && !http_may_see(req, t.mid)))
		return http_fail(res, 404, "no such transaction", NULL);
	if (rc != STORE_OK)
		return HTTP_EFAIL;
	return http_reply(res, 200, txn_json(&t));
}

static int add_currency(void *arg, int currency, const struct store_acq_totals *t)
{
	json_t *list = arg;

	return json_array_append_new(list,
	                             json_pack("{s:o, s:i, s:o, s:i, s:o}", "sales",
	                                       http_money(t->sales_amount, (unsigned)currency),
	                                       "sales_count", t->sales_count, "refunds",
	                                       http_money(t->refund_amount, (unsigned)currency),
	                                       "refunds_count", t->refund_count, "net",
	                                       http_money(t->sales_amount - t->refund_amount,
	                                                  (unsigned)currency))) == 0
	           ? 0
	           : STORE_ENOMEM;
}

/* GET /api/v1/merchants/{mid}/balance?from=&to=: the acquirer's approved, unreversed requests
 * of the merchant, per currency. Nothing is settled yet (a later issue): it is all of them. */
static int balance(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	const char *mid = req->args[0];
	struct store_merchant m;
	int64_t from = 0, to = 0;
	json_t *list;
	int rc;

	if (!http_may_see(req, mid))
		return http_fail(res, 404, "no such merchant", NULL);
	if ((rc = store_merchant_get(ctx->store, mid, &m)) == STORE_ENOTFOUND)
		return http_fail(res, 404, "no such merchant", NULL);
	if (rc != STORE_OK)
		return HTTP_EFAIL;
	if (http_query_time(req, res, "from", &from) != HTTP_OK ||
	    http_query_time(req, res, "to", &to) != HTTP_OK)
		return HTTP_OK;
	if ((list = json_array()) == NULL)
		return HTTP_EFAIL;
	if (store_acq_merchant_totals(ctx->store, mid, from, to, add_currency, list) != STORE_OK) {
		json_decref(list);
		return HTTP_EFAIL;
	}
	return http_reply(res, 200,
	                  json_pack("{s:s, s:o, s:o, s:o}", "mid", mid, "from", http_time(from),
	                            "to", http_time(to), "currencies", list));
}

const struct http_route http_routes_transaction[] = {
    {"GET", "/api/v1/transactions", HTTP_ROLES_READ, search},
    {"GET", "/api/v1/transactions/{}", HTTP_ROLES_READ, by_rrn},
    {"GET", "/api/v1/merchants/{}/balance", HTTP_ROLES_READ, balance},
};
const size_t http_routes_transaction_n =
    sizeof http_routes_transaction / sizeof http_routes_transaction[0];
