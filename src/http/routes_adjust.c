/* routes_adjust.c — the API of adjustments (docs/settle.md "Adjustments"): an operator makes one
 * for a merchant, a second operator — another token — approves it, which posts it, or rejects
 * it; operators and auditors list them. Each step is in the audit log under its token. */
#include "http/http.h"

#include <stdlib.h>
#include <string.h>

#include "settle/settle_adjust.h"

/* The answer to a settle code other than SETTLE_OK. */
static int adjust_fail(struct http_response *res, int rc)
{
	switch (rc) {
	case SETTLE_ENOTFOUND:
		return http_fail(res, 404, "no such adjustment", NULL);
	case SETTLE_ESTATE:
		return http_fail(res, 409, "the adjustment is not pending", NULL);
	case SETTLE_EMAKER:
		if (http_fail(res, 403, settle_strerror(rc), NULL) == HTTP_OK && res->body != NULL)
			json_object_set_new(res->body, "reason",
			                    json_string("second_operator_required"));
		return HTTP_OK;
	default:
		return HTTP_EFAIL;
	}
}

/* POST /api/v1/settle/adjustments {"mid","amount" (fen, signed, not 0),"reason"}: 201 the
 * adjustment, pending. */
static int adjust_create(struct http_ctx *ctx, const struct http_request *req,
                         struct http_response *res)
{
	struct store_settle_adjust a;
	const char *mid, *reason;
	int64_t amount;
	int rc;

	if (http_body_string(req, res, "mid", true, 15, &mid) != HTTP_OK ||
	    http_body_int(req, res, "amount", true, -SETTLE_ADJUST_AMOUNT_MAX,
	                  SETTLE_ADJUST_AMOUNT_MAX, &amount) != HTTP_OK ||
	    http_body_string(req, res, "reason", true, SETTLE_ADJUST_REASON_MAX, &reason) !=
	        HTTP_OK)
		return HTTP_OK;
	if (amount == 0)
		return http_fail(res, 400, "amount must not be 0", "amount");
	rc = settle_adjust_create(ctx->store, req->who->actor, mid, amount, reason, req->now, &a);
	if (rc == SETTLE_ENOTFOUND)
		return http_fail(res, 404, "no such merchant", "mid");
	if (rc == SETTLE_EARG)
		return http_fail(res, 400, "mid, amount or reason is not valid", NULL);
	if (rc != SETTLE_OK)
		return HTTP_EFAIL;
	return http_reply(res, 201, settle_adjust_json(&a, ctx->utc_offset));
}

struct adding {
	json_t *items;
	int utc_offset;
	size_t n, limit;
	int64_t next;
};

static int add(void *arg, const struct store_settle_adjust *a)
{
	struct adding *ad = arg;

	if (ad->n++ == ad->limit) /* the one read past the page: there is a next */
		return 0;
	ad->next = a->id;
	return json_array_append_new(ad->items, settle_adjust_json(a, ad->utc_offset));
}

/* GET /api/v1/settle/adjustments?status=pending|approved|rejected&limit=&after= */
static int adjust_list(struct http_ctx *ctx, const struct http_request *req,
                       struct http_response *res)
{
	struct store_settle_adjust_filter f = {.status = http_query(req, "status")};
	struct adding ad = {.utc_offset = ctx->utc_offset};
	int rc;

	if (http_query_page(req, res, &ad.limit, &f.after_id) != HTTP_OK)
		return HTTP_OK;
	if (f.status != NULL && strcmp(f.status, "pending") != 0 &&
	    strcmp(f.status, "approved") != 0 && strcmp(f.status, "rejected") != 0)
		return http_fail(res, 400, "status must be pending, approved or rejected",
		                 "status");
	f.limit = ad.limit + 1;
	if ((ad.items = json_array()) == NULL)
		return HTTP_EFAIL;
	rc = store_settle_adjusts(ctx->store, &f, add, &ad);
	return http_reply_page(res, rc == STORE_OK, ad.items,
	                       ad.n > ad.limit ? json_integer(ad.next) : NULL);
}

/* POST /api/v1/settle/adjustments/{id}/approve and …/reject: 200 the adjustment decided. */
static int decide(struct http_ctx *ctx, const struct http_request *req, struct http_response *res,
                  bool approve)
{
	struct store_settle_adjust a;
	const char *text = req->args[0];
	char *end;
	long long id = strtoll(text, &end, 10);
	int rc;

	if (*text < '1' || *text > '9' || *end != '\0')
		return http_fail(res, 404, "no such adjustment", NULL);
	rc = settle_adjust_decide(ctx->store, req->who->actor, id, approve, req->now, &a);
	if (rc != SETTLE_OK)
		return adjust_fail(res, rc);
	return http_reply(res, 200, settle_adjust_json(&a, ctx->utc_offset));
}

static int adjust_approve(struct http_ctx *ctx, const struct http_request *req,
                          struct http_response *res)
{
	return decide(ctx, req, res, true);
}

static int adjust_reject(struct http_ctx *ctx, const struct http_request *req,
                         struct http_response *res)
{
	return decide(ctx, req, res, false);
}

const struct http_route http_routes_adjust[] = {
    {"POST", "/api/v1/settle/adjustments", HTTP_ROLE_OPERATOR, adjust_create},
    {"GET", "/api/v1/settle/adjustments", HTTP_ROLE_OPERATOR | HTTP_ROLE_AUDITOR, adjust_list},
    {"POST", "/api/v1/settle/adjustments/{}/approve", HTTP_ROLE_OPERATOR, adjust_approve},
    {"POST", "/api/v1/settle/adjustments/{}/reject", HTTP_ROLE_OPERATOR, adjust_reject},
};
const size_t http_routes_adjust_n = sizeof http_routes_adjust / sizeof http_routes_adjust[0];
