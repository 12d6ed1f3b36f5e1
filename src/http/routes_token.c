/* routes_token.c — what the API says about the token a request presents: GET /api/v1/whoami. */
#include "http/http.h"

/* GET /api/v1/whoami: {"token":ID,"role":"merchant","mid":"898…"|null,"actor":"token:ID"}. */
static int whoami(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	const struct http_principal *who = req->who;

	(void)ctx;
	return http_reply(res, 200,
	                  json_pack("{s:I, s:s, s:o, s:s}", "token", (json_int_t)who->token_id,
	                            "role", http_role_name(who->role), "mid",
	                            who->mid[0] != '\0' ? json_string(who->mid) : json_null(),
	                            "actor", who->actor));
}

const struct http_route http_routes_token[] = {
    {"GET", "/api/v1/whoami", HTTP_ROLES_ALL, whoami},
};
const size_t http_routes_token_n = sizeof http_routes_token / sizeof http_routes_token[0];
