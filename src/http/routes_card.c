/* routes_card.c — the API of the issuer's card services for operators: a loss report (挂失:
 * lost or stolen), a replacement, a new reserved phone. Each invalidates the card's
 * authentication with its reason and is in the audit log. A replacement answers the new
 * card's id and masked number only: its number, PIN and CVV are never sent over the API. */
#include "http/http.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"

/* The card id of the path; false when it is not one (the route then answers 404). */
static bool card_id(const struct http_request *req, int64_t *id)
{
	char *end;
	long long v = strtoll(req->args[0], &end, 10);

	*id = v;
	return req->args[0][0] != '\0' && *end == '\0' && v > 0;
}

/* The card as it is now: 200 with its id, masked number, status. */
static int card_reply(struct http_ctx *ctx, struct http_response *res, int64_t id)
{
	struct issuer_card c;

	if (issuer_card_get(ctx->issuer, id, &c) != ISSUER_OK)
		return HTTP_EFAIL;
	return http_reply(res, 200,
	                  json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)c.id, "card",
	                            c.masked, "status", issuer_card_status_name(c.status), "expiry",
	                            c.expiry));
}

static int loss(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	const char *kind = "lost";
	int64_t id;
	int rc;

	if (!card_id(req, &id))
		return http_fail(res, 404, "no such card", NULL);
	if (http_body_string(req, res, "kind", false, 16, &kind) != HTTP_OK)
		return HTTP_OK;
	if (strcmp(kind, "lost") != 0 && strcmp(kind, "stolen") != 0)
		return http_fail(res, 400, "kind must be lost or stolen", "kind");
	rc = merchant_card_set_status(ctx->merchant, req->who->actor, id,
	                              kind[0] == 'l' ? ISSUER_CARD_LOST : ISSUER_CARD_STOLEN,
	                              req->now);
	if (rc != MERCHANT_OK)
		return http_merchant_fail(res, rc, "", "kind");
	return card_reply(ctx, res, id);
}

static int replace(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	struct issuer_card_image img;
	int64_t id, fresh;
	int rc;

	if (!card_id(req, &id))
		return http_fail(res, 404, "no such card", NULL);
	rc = merchant_card_replace(ctx->merchant, req->who->actor, id, NULL, NULL, req->now, &img);
	if (rc != MERCHANT_OK)
		return http_merchant_fail(res, rc, "", "card");
	fresh = img.card_id;
	crypto_wipe(&img, sizeof img);
	if ((rc = card_reply(ctx, res, fresh)) == HTTP_OK)
		json_object_set_new(res->body, "replaces", json_integer(id));
	return rc;
}

static int phone(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	const char *number;
	int64_t id;
	int rc;

	if (!card_id(req, &id))
		return http_fail(res, 404, "no such card", NULL);
	if (http_body_string(req, res, "phone", true, ISSUER_PHONE_MAX, &number) != HTTP_OK)
		return HTTP_OK;
	rc = merchant_card_set_phone(ctx->merchant, req->who->actor, id, number, req->now);
	if (rc != MERCHANT_OK)
		return http_merchant_fail(res, rc, "digits, optionally a leading '+'", "phone");
	return card_reply(ctx, res, id);
}

const struct http_route http_routes_card[] = {
    {"POST", "/api/v1/cards/{}/loss", HTTP_ROLE_OPERATOR, loss},
    {"POST", "/api/v1/cards/{}/replace", HTTP_ROLE_OPERATOR, replace},
    {"POST", "/api/v1/cards/{}/phone", HTTP_ROLE_OPERATOR, phone},
};
const size_t http_routes_card_n = sizeof http_routes_card / sizeof http_routes_card[0];
