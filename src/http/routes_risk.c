/* routes_risk.c — the risk rules of the HTTP API for operators (docs/api.md "Risk"): a reload
 * of the rules file the configuration names, in force from the terminals' next batch; a file
 * with a fault is refused with its line and the rules in force stay (docs/risk.md). */
#include "http/http.h"

#include "risk/risk.h"

/* 200 {"rules": N}; 422 {"error": "FILE:LINE: why", "line": N}; 503 where no host runs the
 * rules. */
static int reload(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	char err[512] = "";
	size_t count = 0;
	int rc;

	(void)req;
	if (ctx->risk_reload == NULL)
		return http_fail(res, 503, "no risk rules to reload here", NULL);
	if ((rc = ctx->risk_reload(ctx->risk_arg, &count, err, sizeof err)) == RISK_OK)
		return http_reply(res, 200, json_pack("{s:I}", "rules", (json_int_t)count));
	if (rc == RISK_ENOMEM)
		return HTTP_EFAIL;
	return http_reply(res, 422,
	                  json_pack("{s:s, s:i}", "error", err, "line", risk_error_line(err)));
}

const struct http_route http_routes_risk[] = {
    {"POST", "/api/v1/risk/reload", HTTP_ROLE_OPERATOR, reload},
};
const size_t http_routes_risk_n = sizeof http_routes_risk / sizeof http_routes_risk[0];
