/* routes_settlecard.c — the API of a merchant's settlement card (docs/architecture.md flow 4):
 * binding or changing it in two steps (the four elements, then the code texted to the reserved
 * phone), and what the merchant has, masked, with whether its payouts may go. A merchant's token
 * reaches only its own MID (another's answers 404). */
#include "http/http.h"
#include "common/jsonval.h"

#include <string.h>

static json_t *card_json(const struct merchant_settlecard *c, int utc_offset)
{
	return json_pack("{s:s, s:o, s:o}", "card", c->masked, "verified_at",
	                 jsonval_time(c->verified_at, utc_offset), "effective_from",
	                 jsonval_time(c->effective_from, utc_offset));
}

static int show(struct http_ctx *ctx, const struct http_request *req, struct http_response *res,
                int status)
{
	struct merchant_settlecard_view v;
	char why[MERCHANT_REASON_MAX];
	bool ready;
	json_t *body;
	int rc;

	if ((rc = merchant_settlecard_get(ctx->merchant, req->args[0], req->now, &v)) !=
	        MERCHANT_OK ||
	    (rc = merchant_payout_ready(ctx->merchant, req->args[0], req->now, &ready, why)) !=
	        MERCHANT_OK)
		return http_merchant_fail(res, rc, "", "mid");
	body = json_pack("{s:s, s:o, s:o, s:o, s:b}", "mid", req->args[0], "current",
	                 v.has_current ? card_json(&v.current, ctx->utc_offset) : json_null(),
	                 "next", v.has_next ? card_json(&v.next, ctx->utc_offset) : json_null(),
	                 "pending", v.has_pending ? json_string(v.pending.masked) : json_null(),
	                 "payout_ready", ready);
	if (!ready)
		json_object_set_new(body, "payout_waits", json_string(why));
	return http_reply(res, status, body);
}

static int sc_get(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	if (!http_may_see(req, req->args[0]))
		return http_fail(res, 404, "not found", NULL);
	return show(ctx, req, res, 200);
}

static int sc_start(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	struct merchant_card_elements e = {0};
	char why[MERCHANT_REASON_MAX];
	int rc;

	if (!http_may_see(req, req->args[0]))
		return http_fail(res, 404, "not found", NULL);
	if (http_body_string(req, res, "card", true, CARD_PAN_MAX, &e.pan) != HTTP_OK ||
	    http_body_string(req, res, "holder", true, ISSUER_NAME_MAX, &e.holder) != HTTP_OK ||
	    http_body_string(req, res, "id_number", true, ISSUER_ID_MAX, &e.id_number) != HTTP_OK ||
	    http_body_string(req, res, "phone", true, ISSUER_PHONE_MAX, &e.phone) != HTTP_OK)
		return HTTP_OK;
	rc = merchant_settlecard_start(ctx->merchant, req->who->actor, req->args[0], &e, req->now,
	                               why);
	if (rc != MERCHANT_OK)
		return http_merchant_fail(res, rc, why, "card");
	return show(ctx, req, res, 202);
}

static int sc_confirm(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	char why[MERCHANT_REASON_MAX];
	const char *otp;
	int rc;

	if (!http_may_see(req, req->args[0]))
		return http_fail(res, 404, "not found", NULL);
	if (http_body_string(req, res, "otp", true, ISSUER_OTP_LEN, &otp) != HTTP_OK)
		return HTTP_OK;
	rc = merchant_settlecard_confirm(ctx->merchant, req->who->actor, req->args[0], otp,
	                                 req->now, why);
	if (rc != MERCHANT_OK)
		return http_merchant_fail(res, rc, why, "otp");
	return show(ctx, req, res, 200);
}

const struct http_route http_routes_settlecard[] = {
    {"GET", "/api/v1/merchants/{}/settlement-card", HTTP_ROLES_READ, sc_get},
    {"POST", "/api/v1/merchants/{}/settlement-card", HTTP_ROLE_OPERATOR | HTTP_ROLE_MERCHANT,
     sc_start},
    {"POST", "/api/v1/merchants/{}/settlement-card/confirm",
     HTTP_ROLE_OPERATOR | HTTP_ROLE_MERCHANT, sc_confirm},
};
const size_t http_routes_settlecard_n =
    sizeof http_routes_settlecard / sizeof http_routes_settlecard[0];
