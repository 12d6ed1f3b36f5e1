/* routes_risk_cases.c — the analyst's tools of the HTTP API (docs/api.md "Risk"): the blocked
 * and watched lists read and changed (cards given by number, kept by their keyed hash, shown
 * masked), the cases read and closed with a verdict, a fraud's card blocked and its
 * authentication revoked in the same step. Operators change; auditors read. */
#include "http/http.h"

#include <stdlib.h>
#include <string.h>

#include "acquirer/risk_admin.h"
#include "common/jsonval.h"

#define READERS (HTTP_ROLE_OPERATOR | HTTP_ROLE_AUDITOR)

static int list_one(void *ctx, const struct store_risk_entry *e)
{
	struct http_ctx *c = ((void **)ctx)[0];

	return json_array_append_new(((void **)ctx)[1],
	                             acquirer_risk_entry_json(e, c->utc_offset)) != 0;
}

/* GET /api/v1/risk/lists?list=&kind=: the entries, by kind and key. */
static int lists(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	const char *list = http_query(req, "list"), *kind = http_query(req, "kind");
	json_t *items = json_array();
	void *args[2] = {ctx, items};

	if (list != NULL && strcmp(list, "blocked") != 0 && strcmp(list, "watched") != 0) {
		json_decref(items);
		return http_fail(res, 400, "list must be blocked or watched", "list");
	}
	if (kind != NULL && strcmp(kind, "card") != 0 && strcmp(kind, "terminal") != 0 &&
	    strcmp(kind, "merchant") != 0) {
		json_decref(items);
		return http_fail(res, 400, "kind must be card, terminal or merchant", "kind");
	}
	return http_reply_page(res,
	                       items != NULL && store_risk_list_each(ctx->store, kind, list,
	                                                             list_one, args) == STORE_OK,
	                       items, NULL);
}

/* POST /api/v1/risk/lists {"kind","card"|"tid"|"mid","list","reason"}: 201 the entry. */
static int list_add(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"card", "tid", "mid"};
	static const char *const kinds[] = {"card", "terminal", "merchant"};
	const char *kind = NULL, *list = NULL, *reason = "", *value = NULL;
	struct store_risk_entry e = {0};
	int i, rc;

	if (ctx->acquirer == NULL)
		return http_fail(res, 503, "no acquirer here", NULL);
	if (http_body_string(req, res, "kind", true, 16, &kind) != HTTP_OK ||
	    http_body_string(req, res, "list", true, 16, &list) != HTTP_OK ||
	    http_body_string(req, res, "reason", false, 255, &reason) != HTTP_OK)
		return HTTP_OK;
	for (i = 0; i < 3 && strcmp(kind, kinds[i]) != 0; i++)
		;
	if (i == 3)
		return http_fail(res, 400, "kind must be card, terminal or merchant", "kind");
	if (strcmp(list, "blocked") != 0 && strcmp(list, "watched") != 0)
		return http_fail(res, 400, "list must be blocked or watched", "list");
	if (http_body_string(req, res, fields[i], true, 32, &value) != HTTP_OK)
		return HTTP_OK;
	if ((rc = acquirer_risk_object(ctx->acquirer, kind, value, &e)) == ACQUIRER_EARG)
		return http_fail(res, 400,
		                 i == 0   ? "not a card number (12 to 19 digits, Luhn)"
		                 : i == 1 ? "a TID of 8 letters or digits"
		                          : "a MID of 15 letters or digits",
		                 fields[i]);
	snprintf(e.list, sizeof e.list, "%s", list);
	snprintf(e.reason, sizeof e.reason, "%s", reason);
	if (rc != ACQUIRER_OK ||
	    acquirer_risk_list_add(ctx->acquirer, req->who->actor, &e, req->now) != ACQUIRER_OK)
		return HTTP_EFAIL;
	return http_reply(res, 201, acquirer_risk_entry_json(&e, ctx->utc_offset));
}

/* DELETE /api/v1/risk/lists/{list}/{kind}/{key}: key the entry's "key" (a card's keyed hash,
 * as the list shows it; the TID; the MID). 200 the entry removed; 404 not on the list. */
static int list_remove(struct http_ctx *ctx, const struct http_request *req,
                       struct http_response *res)
{
	struct store_risk_entry old;
	int rc;

	if (ctx->acquirer == NULL)
		return http_fail(res, 503, "no acquirer here", NULL);
	rc = acquirer_risk_list_remove(ctx->acquirer, req->who->actor, req->args[1], req->args[2],
	                               req->args[0], req->now, &old);
	if (rc == ACQUIRER_ENOTFOUND || rc == ACQUIRER_EARG)
		return http_fail(res, 404, "not on the list", NULL);
	if (rc != ACQUIRER_OK)
		return HTTP_EFAIL;
	return http_reply(res, 200, acquirer_risk_entry_json(&old, ctx->utc_offset));
}

struct page {
	struct http_ctx *ctx;
	json_t *items;
	size_t n;
	int64_t last;
};

static int case_one(void *arg, const struct store_risk_case *c)
{
	struct page *p = arg;

	p->n++;
	p->last = c->id;
	return json_array_append_new(p->items, acquirer_risk_case_json(c, p->ctx->utc_offset)) != 0;
}

/* GET /api/v1/risk/cases?open=1&limit=&after=: newest first; after: a case's id, those older
 * than it. */
static int cases(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	struct store_risk_case_page f = {0};
	struct page p = {ctx, NULL, 0, 0};
	int64_t open = 0;
	bool listed;

	if (http_query_int(req, res, "open", 0, 1, &open) != HTTP_OK ||
	    http_query_page(req, res, &f.limit, &f.before_id) != HTTP_OK)
		return HTTP_OK;
	f.open_only = open != 0;
	if ((p.items = json_array()) == NULL)
		return HTTP_EFAIL;
	listed = store_risk_case_page(ctx->store, &f, case_one, &p) == STORE_OK;
	return http_reply_page(res, listed, p.items, p.n == f.limit ? json_integer(p.last) : NULL);
}

/* The case of the path's id: HTTP_OK with *c, or res already the 404. */
static int find_case(struct http_ctx *ctx, const struct http_request *req,
                     struct http_response *res, struct store_risk_case *c, int64_t *id)
{
	char *end;
	int rc;

	*id = strtoll(req->args[0], &end, 10);
	if (*end != '\0' || *id <= 0 ||
	    (rc = store_risk_case_get(ctx->store, *id, c)) == STORE_ENOTFOUND) {
		http_fail(res, 404, "no such case", NULL);
		return HTTP_ENOTFOUND;
	}
	return rc == STORE_OK ? HTTP_OK : HTTP_EFAIL;
}

/* GET /api/v1/risk/cases/{id}: the case with its transactions and the rules that fired. */
static int case_get(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	struct store_risk_case c;
	json_t *body;
	int64_t id;
	int rc = find_case(ctx, req, res, &c, &id);

	if (rc != HTTP_OK)
		return rc == HTTP_ENOTFOUND ? HTTP_OK : rc;
	if ((body = acquirer_risk_case_full_json(ctx->store, &c, ctx->utc_offset)) == NULL)
		return HTTP_EFAIL;
	return http_reply(res, 200, body);
}

/* POST /api/v1/risk/cases/{id}/close {"verdict","reason","block"}: 200 the case closed; 400 a
 * bad verdict or block without fraud; 404 no such case; 409 closed already. */
static int case_close(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	const char *verdict = NULL, *reason = NULL;
	struct store_risk_case c;
	bool block = false;
	int64_t id;
	int rc;

	if (ctx->acquirer == NULL)
		return http_fail(res, 503, "no acquirer here", NULL);
	if ((rc = find_case(ctx, req, res, &c, &id)) != HTTP_OK)
		return rc == HTTP_ENOTFOUND ? HTTP_OK : rc;
	if (http_body_string(req, res, "verdict", true, 16, &verdict) != HTTP_OK ||
	    http_body_string(req, res, "reason", true, 255, &reason) != HTTP_OK ||
	    http_body_bool(req, res, "block", false, &block) != HTTP_OK)
		return HTTP_OK;
	if (strcmp(verdict, "fraud") != 0 && strcmp(verdict, "legitimate") != 0)
		return http_fail(res, 400, "verdict must be fraud or legitimate", "verdict");
	if (block && strcmp(verdict, "fraud") != 0)
		return http_fail(res, 400, "block goes with the verdict fraud only", "block");
	rc = acquirer_risk_case_close(ctx->acquirer, req->who->actor, id, verdict, reason, block,
	                              req->now, &c);
	if (rc == ACQUIRER_RISK_ECLOSED)
		return http_fail(res, 409, "the case is closed already", NULL);
	if (rc != ACQUIRER_OK)
		return HTTP_EFAIL;
	return http_reply(res, 200, acquirer_risk_case_json(&c, ctx->utc_offset));
}

const struct http_route http_routes_risk_cases[] = {
    {"GET", "/api/v1/risk/lists", READERS, lists},
    {"POST", "/api/v1/risk/lists", HTTP_ROLE_OPERATOR, list_add},
    {"DELETE", "/api/v1/risk/lists/{}/{}/{}", HTTP_ROLE_OPERATOR, list_remove},
    {"GET", "/api/v1/risk/cases", READERS, cases},
    {"GET", "/api/v1/risk/cases/{}", READERS, case_get},
    {"POST", "/api/v1/risk/cases/{}/close", HTTP_ROLE_OPERATOR, case_close},
};
const size_t http_routes_risk_cases_n =
    sizeof http_routes_risk_cases / sizeof http_routes_risk_cases[0];
