/* routes_token.c — the API's tokens through the API: whom the token presented names (GET
 * /api/v1/whoami), and an operator's making (POST /api/v1/tokens) and revoking (DELETE
 * /api/v1/tokens/{id}) of tokens, each in the audit log under the operator's token. */
#include "http/http.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "store/store_http.h"

/* GET /api/v1/whoami: {"token":ID,"role":"merchant","mid":"898…"|null,"actor":"token:ID"}; for
 * a session, "token" null and "user" the user's name. */
static int whoami(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	const struct http_principal *who = req->who;
	json_t *body = json_pack("{s:o, s:s, s:o, s:s}", "token",
	                         who->token_id != 0 ? json_integer(who->token_id) : json_null(),
	                         "role", http_role_name(who->role), "mid",
	                         who->mid[0] != '\0' ? json_string(who->mid) : json_null(), "actor",
	                         who->actor);

	(void)ctx;
	if (body != NULL && who->token_id == 0 && strncmp(who->actor, "user:", 5) == 0)
		json_object_set_new(body, "user", json_string(who->actor + 5));
	return http_reply(res, 200, body);
}

/* POST /api/v1/tokens {"role","mid","label"}: 201 {"id","role","mid","label","token"}, the
 * token shown this once. */
static int token_create(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res)
{
	const char *role_name = NULL, *mid = NULL, *label = NULL;
	char token[HTTP_TOKEN_LEN + 1];
	enum http_role role;
	int64_t id;
	int rc;

	if (http_body_string(req, res, "role", true, 16, &role_name) != HTTP_OK ||
	    http_body_string(req, res, "mid", false, 15, &mid) != HTTP_OK ||
	    http_body_string(req, res, "label", false, STORE_HTTP_LABEL_MAX - 1, &label) != HTTP_OK)
		return HTTP_OK;
	if (http_role_parse(role_name, &role) != HTTP_OK)
		return http_fail(res, 400, "role must be operator, merchant or auditor", "role");
	if ((role == HTTP_ROLE_MERCHANT) != (mid != NULL))
		return http_fail(res, 400, "mid goes with the merchant role, and only", "mid");
	rc = http_token_create(ctx->store, req->who->actor, role, mid, label, req->now, token, &id);
	if (rc == HTTP_ENOTFOUND)
		return http_fail(res, 404, "no such merchant", "mid");
	if (rc != HTTP_OK)
		return HTTP_EFAIL;
	rc = http_reply(res, 201, http_token_made_json(id, role_name, mid, label, token));
	crypto_wipe(token, sizeof token);
	return rc;
}

/* DELETE /api/v1/tokens/{id}: 200 {"id","revoked":true}, or 404 when none of that id is in
 * force. */
static int token_revoke(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res)
{
	const char *text = req->args[0];
	char *end;
	long long id = strtoll(text, &end, 10);
	int rc;

	if (*text < '1' || *text > '9' || *end != '\0')
		return http_fail(res, 404, "no such token", NULL);
	if ((rc = http_token_revoke(ctx->store, req->who->actor, id, req->now)) == HTTP_ENOTFOUND)
		return http_fail(res, 404, "no such token", NULL);
	if (rc != HTTP_OK)
		return HTTP_EFAIL;
	return http_reply(res, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", 1));
}

const struct http_route http_routes_token[] = {
    {"GET", "/api/v1/whoami", HTTP_ROLES_ALL, whoami},
    {"POST", "/api/v1/tokens", HTTP_ROLE_OPERATOR, token_create},
    {"DELETE", "/api/v1/tokens/{}", HTTP_ROLE_OPERATOR, token_revoke},
};
const size_t http_routes_token_n = sizeof http_routes_token / sizeof http_routes_token[0];
