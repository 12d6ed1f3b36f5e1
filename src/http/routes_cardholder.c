/* routes_cardholder.c — the API of cardholder card authentication (docs/architecture.md flow 5) for
 * a cardholder's app or web page: the four elements (a code texted to the reserved phone), the
 * code, and the state of a card's authentication. The card number travels in the body, never
 * in the path or query, so that no request log holds it. The same limits as at the POS. */
#include "http/http.h"

#include <stdio.h>
#include <string.h>

int http_merchant_fail(struct http_response *res, int rc, const char *reason, const char *field)
{
	char msg[96];

	switch (rc) {
	case MERCHANT_EARG:
		snprintf(msg, sizeof msg, "%s is not valid%s%s", field,
		         reason[0] != '\0' ? ": " : "", reason);
		return http_fail(res, 400, msg, field);
	case MERCHANT_EVERIFY:
		snprintf(msg, sizeof msg, "verification failed: %s", reason);
		return http_fail(res, 400, msg, strncmp(reason, "code", 4) == 0 ? "otp" : NULL);
	case MERCHANT_ENOTFOUND:
		return http_fail(res, 404, "not found", NULL);
	case MERCHANT_ESTATE:
		return http_fail(res, 409, "not allowed in its present state", NULL);
	default:
		return HTTP_EFAIL;
	}
}

/* The body's card, holder, id_number and phone; HTTP_EARG with the 400 written. */
static int elements(const struct http_request *req, struct http_response *res,
                    struct merchant_card_elements *e)
{
	memset(e, 0, sizeof *e);
	if (http_body_string(req, res, "card", true, CARD_PAN_MAX, &e->pan) != HTTP_OK ||
	    http_body_string(req, res, "holder", true, ISSUER_NAME_MAX, &e->holder) != HTTP_OK ||
	    http_body_string(req, res, "id_number", true, ISSUER_ID_MAX, &e->id_number) !=
	        HTTP_OK ||
	    http_body_string(req, res, "phone", true, ISSUER_PHONE_MAX, &e->phone) != HTTP_OK)
		return HTTP_EARG;
	return HTTP_OK;
}

static int auth_start(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	struct merchant_card_elements e;
	char why[MERCHANT_REASON_MAX];
	int rc;

	if (elements(req, res, &e) != HTTP_OK)
		return HTTP_OK;
	rc = merchant_cardauth_start(ctx->merchant, req->who->actor, &e, req->now, why);
	if (rc != MERCHANT_OK)
		return http_merchant_fail(res, rc, why, "card");
	return http_reply(res, 202, json_pack("{s:s}", "state", "code_sent"));
}

static int auth_confirm(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res)
{
	const char *pan, *otp;
	char why[MERCHANT_REASON_MAX];
	int rc;

	if (http_body_string(req, res, "card", true, CARD_PAN_MAX, &pan) != HTTP_OK ||
	    http_body_string(req, res, "otp", true, ISSUER_OTP_LEN, &otp) != HTTP_OK)
		return HTTP_OK;
	rc = merchant_cardauth_confirm(ctx->merchant, req->who->actor, pan, otp, req->now, why);
	if (rc != MERCHANT_OK)
		return http_merchant_fail(res, rc, why, "card");
	return http_reply(res, 200, json_pack("{s:s}", "state", "VALID"));
}

static int auth_status(struct http_ctx *ctx, const struct http_request *req,
                       struct http_response *res)
{
	static const char *const names[] = {"NONE", "VALID", "INVALID"};
	enum issuer_cardauth_state state;
	char why[32];
	const char *pan;
	json_t *body;
	int rc;

	if (http_body_string(req, res, "card", true, CARD_PAN_MAX, &pan) != HTTP_OK)
		return HTTP_OK;
	if (card_pan_check(pan) != CARD_OK)
		return http_fail(res, 400, "card must be a card number", "card");
	rc = issuer_cardauth_state(ctx->issuer, pan, req->now, &state, why);
	if (rc == ISSUER_ENOTFOUND)
		return http_fail(res, 404, "no such card", "card");
	if (rc != ISSUER_OK)
		return HTTP_EFAIL;
	body = json_pack("{s:s}", "state", names[state]);
	if (state == ISSUER_CARDAUTH_INVALID)
		json_object_set_new(body, "reason", json_string(why));
	return http_reply(res, 200, body);
}

const struct http_route http_routes_cardholder[] = {
    {"POST", "/api/v1/cardholder/auth/start", HTTP_ROLE_OPERATOR | HTTP_ROLE_MERCHANT, auth_start},
    {"POST", "/api/v1/cardholder/auth/confirm", HTTP_ROLE_OPERATOR | HTTP_ROLE_MERCHANT,
     auth_confirm},
    {"POST", "/api/v1/cardholder/auth/status", HTTP_ROLES_READ, auth_status},
};
const size_t http_routes_cardholder_n =
    sizeof http_routes_cardholder / sizeof http_routes_cardholder[0];
