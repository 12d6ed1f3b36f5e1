/* routes_review.c — the periodic merchant review through the API (docs/api.md "Risk: the
 * merchant review", docs/risk.md "Merchant review"): the latest review of each merchant (GET
 * /api/v1/risk/review, operators and auditors) and a run of it (POST /api/v1/risk/review,
 * operators: a merchant graded D is suspended, as actor risk:review). A merchant's token is
 * refused (403). */
#include "http/http.h"

#include "risk/risk_review.h"

/* GET /api/v1/risk/review?merchant=MID: each merchant's latest review, in MID order. */
static int review_latest(struct http_ctx *ctx, const struct http_request *req,
                         struct http_response *res)
{
	const char *mid = http_query(req, "merchant");
	json_t *items = json_array();
	int rc;

	if (items == NULL)
		return HTTP_EFAIL;
	rc = risk_review_latest(ctx->store, mid, items);
	return http_reply_page(res, rc == RISK_REVIEW_OK, items, NULL);
}

struct results {
	json_t *items;
	int utc_offset;
};

static int append(void *ctx, const struct risk_review_result *r)
{
	struct results *rs = ctx;

	return json_array_append_new(rs->items, risk_review_json(r, rs->utc_offset)) != 0;
}

/* POST /api/v1/risk/review {"merchant": MID, "dry_run": bool}, both optional: runs the review
 * and answers its results as a list. */
static int review_run(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	struct risk_review_params p = {ctx->store,      ctx->merchant, NULL,           req->now,
	                               ctx->utc_offset, false,         req->who->actor};
	struct results rs = {NULL, ctx->utc_offset};
	int rc;

	if (http_body_string(req, res, "merchant", false, 15, &p.mid) != HTTP_OK ||
	    http_body_bool(req, res, "dry_run", false, &p.dry_run) != HTTP_OK)
		return HTTP_OK;
	if ((rs.items = json_array()) == NULL)
		return HTTP_EFAIL;
	if ((rc = risk_review_run(&p, append, &rs)) == RISK_REVIEW_ENOTFOUND) {
		json_decref(rs.items);
		return http_fail(res, 404, "no such merchant", "merchant");
	}
	return http_reply_page(res, rc == RISK_REVIEW_OK, rs.items, NULL);
}

const struct http_route http_routes_review[] = {
    {"GET", "/api/v1/risk/review", HTTP_ROLE_OPERATOR | HTTP_ROLE_AUDITOR, review_latest},
    {"POST", "/api/v1/risk/review", HTTP_ROLE_OPERATOR, review_run},
};
const size_t http_routes_review_n = sizeof http_routes_review / sizeof http_routes_review[0];
