/* routes_transaction.c — the acquirer's records of terminal requests through the API: a search
 * (GET /api/v1/transactions; of the requests over the issuer's link with source=link), one by
 * its RRN (GET /api/v1/transactions/{rrn}: a terminal's, else the link's), and what they hold
 * for a merchant (GET /api/v1/merchants/{mid}/balance). A merchant's token sees its own
 * merchant's only; cards appear masked. */
#include "http/http.h"

#include <string.h>

#include "acquirer/acquirer.h"
#include "acquirer/risk_admin.h"
#include "store/store_acquirer.h"

/* A bad query parameter: res the 400 naming it, HTTP_EARG. */
static int refuse(struct http_response *res, const char *error, const char *name)
{
	http_fail(res, 400, error, name);
	return HTTP_EARG;
}

/* The search's criteria from the query: HTTP_OK, or HTTP_EARG with res the 400. */
static int read_filter(const struct http_ctx *ctx, const struct http_request *req,
                       struct http_response *res, struct store_acq_txn_filter *f)
{
	const char *status = http_query(req, "status"), *source = http_query(req, "source"), *bad,
	           *why;

	f->amount = -1;
	if (http_query_time(req, res, "from", ctx->utc_offset, &f->from) != HTTP_OK ||
	    http_query_time(req, res, "to", ctx->utc_offset, &f->to) != HTTP_OK ||
	    http_query_int(req, res, "amount", 0, INT64_MAX, &f->amount) != HTTP_OK ||
	    http_query_page(req, res, &f->limit, &f->after_id) != HTTP_OK)
		return HTTP_EARG;
	f->tid = http_query(req, "terminal");
	f->mid = http_query(req, "mid");
	f->card = http_query(req, "card");
	f->channel = http_query(req, "channel");
	if (acquirer_txn_filter_check(f, &bad, &why) != ACQUIRER_OK)
		return refuse(res, why, bad);
	if (status != NULL && acquirer_status_parse(status, &f->status) != ACQUIRER_OK)
		return refuse(res,
		              "status must be approved, declined, reversed, voided, refunded, "
		              "cancelled or completed",
		              "status");
	if (source != NULL && acquirer_source_parse(source, &f->source) != ACQUIRER_OK)
		return refuse(res, "source must be terminal or link", "source");
	return HTTP_OK;
}

struct adding {
	json_t *items;
	int utc_offset;
};

static int add_txn(void *arg, const struct store_acq_txn *t)
{
	struct adding *a = arg;

	return json_array_append_new(a->items, acquirer_txn_json(t, a->utc_offset));
}

/* GET /api/v1/transactions?from=&to=&terminal=&status=&card=&amount=&mid=&source=&channel=
 * &limit=&after= */
static int search(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	struct store_acq_txn_filter f = {0};
	struct adding a = {NULL, ctx->utc_offset};
	int64_t next;
	int rc;

	if (read_filter(ctx, req, res, &f) != HTTP_OK)
		return HTTP_OK;
	/* A merchant's token searches its own merchant's; naming another is naming nothing. */
	if (req->who->role == HTTP_ROLE_MERCHANT) {
		if (f.mid != NULL && !http_may_see(req, f.mid))
			return http_fail(res, 404, "no such merchant", "mid");
		f.mid = req->who->mid;
	}
	if ((a.items = json_array()) == NULL)
		return HTTP_EFAIL;
	rc = acquirer_txn_page(ctx->store, &f, add_txn, &a, &next);
	return http_reply_page(res, rc == ACQUIRER_OK, a.items,
	                       next != 0 ? json_integer(next) : NULL);
}

/* GET /api/v1/transactions/{rrn}?source=: a terminal's request, else one over the issuer's link
 * (source names the one to read). */
static int by_rrn(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	const char *name = http_query(req, "source");
	struct store_acq_txn t;
	json_t *body;
	int source = ACQUIRER_SOURCE_ANY, rc;

	if (name != NULL && acquirer_source_parse(name, &source) != ACQUIRER_OK)
		return http_fail(res, 400, "source must be terminal or link", "source");
	rc = acquirer_txn_by_rrn(ctx->store, req->args[0], source, &t);
	if (rc == ACQUIRER_ENOTFOUND || (rc == ACQUIRER_OK && !http_may_see(req, t.mid)))
		return http_fail(res, 404, "no such transaction", NULL);
	if (rc != ACQUIRER_OK)
		return HTTP_EFAIL;
	if ((body = acquirer_txn_json(&t, ctx->utc_offset)) == NULL)
		return HTTP_EFAIL;
	/* Its risk evaluation: the operators' and auditors', never a merchant's. */
	if (req->who->role != HTTP_ROLE_MERCHANT &&
	    json_object_set_new(body, "risk", acquirer_txn_risk_json(ctx->store, t.id)) != 0) {
		json_decref(body);
		return HTTP_EFAIL;
	}
	return http_reply(res, 200, body);
}

/* GET /api/v1/merchants/{mid}/balance?from=&to=: the acquirer's approved, unreversed requests
 * of the merchant, per currency, and what of them is settled, paid, not yet closed or held
 * (http_balance_settled(), of every day). */
static int balance(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	const char *mid = req->args[0];
	int64_t from = 0, to = 0;
	json_t *body;
	int rc;

	if (!http_may_see(req, mid))
		return http_fail(res, 404, "no such merchant", NULL);
	if (http_query_time(req, res, "from", ctx->utc_offset, &from) != HTTP_OK ||
	    http_query_time(req, res, "to", ctx->utc_offset, &to) != HTTP_OK)
		return HTTP_OK;
	if ((body = acquirer_balance_json(ctx->store, mid, from, to, ctx->utc_offset, &rc)) == NULL)
		return rc == ACQUIRER_ENOTFOUND ? http_fail(res, 404, "no such merchant", NULL)
		                                : HTTP_EFAIL;
	if (http_balance_settled(ctx->store, mid, body) != HTTP_OK) {
		json_decref(body);
		return HTTP_EFAIL;
	}
	return http_reply(res, 200, body);
}

const struct http_route http_routes_transaction[] = {
    {"GET", "/api/v1/transactions", HTTP_ROLES_READ, search},
    {"GET", "/api/v1/transactions/{}", HTTP_ROLES_READ, by_rrn},
    {"GET", "/api/v1/merchants/{}/balance", HTTP_ROLES_READ, balance},
};
const size_t http_routes_transaction_n =
    sizeof http_routes_transaction / sizeof http_routes_transaction[0];
