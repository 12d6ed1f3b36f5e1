/* routes_merchant.c — the API's merchant endpoints (docs/api.md, "Merchants"): applications,
 * their documents (JSON with the file in base64), the review steps, the fee plan, limits and
 * permitted types, one merchant and the list. A merchant is named in the path by its MID or
 * its application's number; a merchant's token sees only its own (an application has no MID
 * yet, so none), and anything else is 404. */
#include "http/http.h"
#include "common/jsonval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_DEFAULT 50
#define LIST_MAX     500

/* The merchant the path names, as the principal may see it: HTTP_OK, or res the 404 (HTTP_EARG)
 * or HTTP_EFAIL. */
static int find(struct http_ctx *ctx, const struct http_request *req, struct http_response *res,
                struct merchant_info *out)
{
	int rc = merchant_get(ctx->merchant, req->args[0], out);

	if (rc == MERCHANT_OK && http_may_see(req, out->app.mid))
		return HTTP_OK;
	if (rc != MERCHANT_OK && rc != MERCHANT_EARG && rc != MERCHANT_ENOTFOUND)
		return HTTP_EFAIL;
	http_fail(res, 404, "no such merchant", NULL);
	return HTTP_EARG;
}

/* The answer to a change merchant refused with rc; field names what was at fault. */
static int refused(struct http_response *res, int rc, const struct merchant_info *i,
                   const char *field)
{
	char next[96], msg[192];

	switch (rc) {
	case MERCHANT_EARG:
		return http_fail(res, 400, "a value out of its bounds", field);
	case MERCHANT_ENOTFOUND:
		return http_fail(res, 404, "no such merchant", NULL);
	case MERCHANT_EEXIST:
		return http_fail(res, 409, "already taken", field);
	case MERCHANT_ESTATE:
		merchant_steps_allowed(i->app.state, next, sizeof next);
		snprintf(msg, sizeof msg, "the merchant is %s: allowed next: %s",
		         merchant_state_name(i->app.state), next);
		return http_fail(res, 409, msg, field);
	default:
		return HTTP_EFAIL;
	}
}

/* Answers status with merchant i, its history and documents. */
static int reply_merchant(struct http_ctx *ctx, struct http_response *res, int status,
                          const struct merchant_info *i)
{
	json_t *o;

	if (merchant_full_json(ctx->merchant, i, ctx->utc_offset, &o) != MERCHANT_OK)
		return HTTP_EFAIL;
	return http_reply(res, status, o);
}

/* POST /api/v1/merchants */
static int merchant_apply_route(struct http_ctx *ctx, const struct http_request *req,
                                struct http_response *res)
{
	struct merchant_application a = {0};
	struct merchant_info i;
	const char *field;
	char ref[24];
	int64_t id;
	int rc;

	if (http_body_string(req, res, "legal_name", true, MERCHANT_NAME_MAX, &a.legal_name) ||
	    http_body_string(req, res, "licence", true, MERCHANT_CODE_MAX, &a.licence) ||
	    http_body_string(req, res, "tax_number", true, MERCHANT_CODE_MAX, &a.tax_number) ||
	    http_body_string(req, res, "rep_name", true, MERCHANT_TEXT_MAX, &a.rep_name) ||
	    http_body_string(req, res, "rep_id", true, MERCHANT_ID_MAX, &a.rep_id) ||
	    http_body_string(req, res, "address", true, MERCHANT_TEXT_MAX, &a.address) ||
	    http_body_string(req, res, "mcc", true, 4, &a.mcc) ||
	    http_body_string(req, res, "phone", true, 21, &a.phone))
		return HTTP_OK;
	if ((field = merchant_application_check(&a)) != NULL)
		return http_fail(res, 400,
		                 strcmp(field, "mcc") == 0 ? "mcc must be 4 digits"
		                                           : "phone must be 5 to 20 digits",
		                 field);
	if ((rc = merchant_apply(ctx->merchant, &a, req->who->actor, req->now, &id)) != MERCHANT_OK)
		return refused(res, rc, NULL, NULL);
	snprintf(ref, sizeof ref, "%lld", (long long)id);
	if (merchant_get(ctx->merchant, ref, &i) != MERCHANT_OK)
		return HTTP_EFAIL;
	return reply_merchant(ctx, res, 201, &i);
}

/* GET /api/v1/merchants/{ref} */
static int merchant_get_route(struct http_ctx *ctx, const struct http_request *req,
                              struct http_response *res)
{
	struct merchant_info i;
	int rc;

	if ((rc = find(ctx, req, res, &i)) != HTTP_OK)
		return rc == HTTP_EARG ? HTTP_OK : rc;
	return reply_merchant(ctx, res, 200, &i);
}

struct page {
	json_t *items;
	int64_t last;
	size_t n, limit;
	int utc_offset;
};

static int page_item(void *ctx, const struct merchant_info *i)
{
	struct page *p = ctx;

	if (p->n == p->limit)
		return 1; /* one more than the page holds: there is a next page */
	p->n++;
	p->last = i->app.id;
	return json_array_append_new(p->items, merchant_json(i, false, p->utc_offset)) != 0 ? -1
	                                                                                    : 0;
}

/* GET /api/v1/merchants?state=&limit=&after= */
static int merchant_list_route(struct http_ctx *ctx, const struct http_request *req,
                               struct http_response *res)
{
	const char *state = http_query(req, "state"), *limit = http_query(req, "limit"),
	           *after = http_query(req, "after");
	struct store_merchant_app_filter f = {0};
	struct page p = {json_array(), 0, 0, LIST_DEFAULT, ctx->utc_offset};
	char *end;
	int rc;

	for (int k = MERCHANT_APPLIED; state != NULL && k <= MERCHANT_CLOSED; k++)
		if (strcmp(state, merchant_state_name(k)) == 0)
			f.state = k;
	if (state != NULL && f.state == 0) {
		json_decref(p.items);
		return http_fail(res, 400, "state must be a merchant's state", "state");
	}
	if (limit != NULL && ((p.limit = strtoul(limit, &end, 10)) == 0 || *end != '\0' ||
	                      p.limit > LIST_MAX || limit[0] == '-')) {
		json_decref(p.items);
		return http_fail(res, 400, "limit must be 1 to 500", "limit");
	}
	if (after != NULL &&
	    ((f.after_id = strtoll(after, &end, 10)) < 0 || *end != '\0' || after[0] == '\0')) {
		json_decref(p.items);
		return http_fail(res, 400, "after must be a merchant's number", "after");
	}
	if (req->who->role == HTTP_ROLE_MERCHANT)
		f.mid = req->who->mid;
	f.limit = p.limit + 1;
	rc = merchant_list(ctx->merchant, &f, page_item, &p);
	return http_reply_page(res, rc == MERCHANT_OK || rc == 1, p.items,
	                       rc == 1 ? json_integer(p.last) : NULL);
}

/* POST /api/v1/merchants/{ref}/steps {"step","reason"[,"mid"][,"override_certification"]} */
static int merchant_step_route(struct http_ctx *ctx, const struct http_request *req,
                               struct http_response *res)
{
	const char *step_name = NULL, *reason = NULL;
	struct merchant_step_args a = {0};
	struct merchant_info i, after;
	enum merchant_step step;
	int rc;

	if ((rc = find(ctx, req, res, &i)) != HTTP_OK)
		return rc == HTTP_EARG ? HTTP_OK : rc;
	if (http_body_string(req, res, "step", true, 16, &step_name) ||
	    http_body_string(req, res, "reason", true, MERCHANT_TEXT_MAX, &reason) ||
	    http_body_string(req, res, "mid", false, 15, &a.mid) ||
	    http_body_string(req, res, "override_certification", false, MERCHANT_TEXT_MAX,
	                     &a.override_certification))
		return HTTP_OK;
	if (merchant_step_parse(step_name, &step) != MERCHANT_OK)
		return http_fail(
		    res, 400,
		    "step must be review, test, agree, activate, suspend, resume or close", "step");
	if (a.mid != NULL && step != MERCHANT_STEP_TEST && step != MERCHANT_STEP_ACTIVATE)
		return http_fail(res, 400, "mid goes with the test (or activate) step only", "mid");
	if (a.mid != NULL && i.app.mid[0] != '\0' && strcmp(a.mid, i.app.mid) != 0)
		return http_fail(res, 400, "the merchant has its MID already", "mid");
	if (a.override_certification != NULL && step != MERCHANT_STEP_AGREE)
		return http_fail(res, 400, "override_certification goes with the agree step only",
		                 "override_certification");
	rc = merchant_step_with(ctx->merchant, i.app.id, step, reason, req->who->actor, req->now,
	                        &a, &after);
	if (rc == MERCHANT_ECERTIFY)
		return http_fail(res, 409, a.why, "step");
	if (rc != MERCHANT_OK)
		return refused(res, rc, &i,
		               rc == MERCHANT_ESTATE              ? "step"
		               : a.override_certification != NULL ? "override_certification"
		                                                  : "mid");
	return reply_merchant(ctx, res, 200, &after);
}

/* POST /api/v1/merchants/{ref}/documents {"type","name","content": base64} */
static int document_add_route(struct http_ctx *ctx, const struct http_request *req,
                              struct http_response *res)
{
	const char *type = NULL, *name = NULL;
	char base[MERCHANT_DOC_NAME_MAX + 1];
	struct store_merchant_doc d;
	struct merchant_info i;
	json_t *content;
	uint8_t *bytes = NULL;
	size_t len = 0;
	int rc;

	if ((rc = find(ctx, req, res, &i)) != HTTP_OK)
		return rc == HTTP_EARG ? HTTP_OK : rc;
	if (http_body_string(req, res, "type", true, 16, &type) ||
	    http_body_string(req, res, "name", true, MERCHANT_NAME_MAX, &name))
		return HTTP_OK;
	if (!merchant_document_type(type))
		return http_fail(res, 400,
		                 "type must be licence, tax, id_front, id_back, agreement or other",
		                 "type");
	/* "..", "x/": nothing of a file's name left (refused here, not blamed on the content). */
	if (!merchant_document_name(name, base))
		return http_fail(res, 400,
		                 "name must end in a file's name, not a separator, dots or spaces",
		                 "name");
	content = json_object_get(req->body, "content");
	if (!json_is_string(content) ||
	    http_base64_decode(json_string_value(content), json_string_length(content), &bytes,
	                       &len) != HTTP_OK)
		return http_fail(res, 400, "content must be the file in base64", "content");
	rc = merchant_document_add(ctx->merchant, i.app.id, type, name, bytes, len, req->who->actor,
	                           req->now, &d);
	free(bytes);
	if (rc == MERCHANT_EARG)
		return http_fail(res, 400,
		                 "content must be a PDF, JPEG or PNG within the size allowed",
		                 "content");
	if (rc != MERCHANT_OK)
		return refused(res, rc, &i, "content");
	return http_reply(res, 201, merchant_doc_json(&d, ctx->utc_offset));
}

/* GET /api/v1/merchants/{ref}/documents */
static int document_list_route(struct http_ctx *ctx, const struct http_request *req,
                               struct http_response *res)
{
	struct merchant_info i;
	json_t *items;
	int rc;

	if ((rc = find(ctx, req, res, &i)) != HTTP_OK)
		return rc == HTTP_EARG ? HTTP_OK : HTTP_EFAIL;
	if (merchant_docs_json(ctx->merchant, i.app.id, ctx->utc_offset, &items) != MERCHANT_OK)
		return HTTP_EFAIL;
	return http_reply_page(res, true, items, NULL);
}

/* The answer to a change of merchant i that returned rc: refused, or the merchant as it is
 * now. */
static int changed(struct http_ctx *ctx, const struct http_request *req, struct http_response *res,
                   int rc, struct merchant_info *i)
{
	if (rc != MERCHANT_OK)
		return refused(res, rc, i, NULL);
	if (merchant_get(ctx->merchant, req->args[0], i) != MERCHANT_OK)
		return HTTP_EFAIL;
	return reply_merchant(ctx, res, 200, i);
}

/* PUT /api/v1/merchants/{ref}/fees {"credit_bp","debit_bp","debit_cap","qr_bp"}: what is not
 * given stays. */
static int fees_route(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	struct merchant_info i;
	int64_t credit, debit, qr, cap;
	struct merchant_fees f;
	int rc;

	if ((rc = find(ctx, req, res, &i)) != HTTP_OK)
		return rc == HTTP_EARG ? HTTP_OK : rc;
	credit = i.app.fee_credit_bp, debit = i.app.fee_debit_bp, qr = i.app.fee_qr_bp;
	cap = i.app.fee_debit_cap;
	if (http_body_int(req, res, "credit_bp", false, 0, MERCHANT_BP_MAX, &credit) ||
	    http_body_int(req, res, "debit_bp", false, 0, MERCHANT_BP_MAX, &debit) ||
	    http_body_int(req, res, "qr_bp", false, 0, MERCHANT_BP_MAX, &qr) ||
	    http_body_int(req, res, "debit_cap", false, 0, INT64_MAX, &cap))
		return HTTP_OK;
	f = (struct merchant_fees){(int)credit, (int)debit, (int)qr, cap};
	rc = merchant_fees_set(ctx->merchant, i.app.id, &f, req->who->actor, req->now);
	return changed(ctx, req, res, rc, &i);
}

/* PUT /api/v1/merchants/{ref}/limits {"daily","per_txn","types":[…]}: what is not given
 * stays. */
static int limits_route(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res)
{
	struct merchant_info i;
	struct merchant_limits l;
	json_t *types, *v;
	size_t k;
	int rc;

	if ((rc = find(ctx, req, res, &i)) != HTTP_OK)
		return rc == HTTP_EARG ? HTTP_OK : rc;
	l = (struct merchant_limits){i.app.limit_daily, i.app.limit_txn,
	                             (unsigned)i.app.limit_currency, i.app.types};
	if (http_body_int(req, res, "daily", false, 0, INT64_MAX, &l.daily) ||
	    http_body_int(req, res, "per_txn", false, 0, INT64_MAX, &l.per_txn))
		return HTTP_OK;
	if ((types = req->body != NULL ? json_object_get(req->body, "types") : NULL) != NULL) {
		if (!json_is_array(types) || json_array_size(types) == 0)
			return http_fail(res, 400, "types must be a list of transaction types",
			                 "types");
		l.types = 0;
		json_array_foreach(types, k, v)
		{
			unsigned bit;

			if (merchant_type_parse(json_string_value(v), &bit) != MERCHANT_OK)
				return http_fail(res, 400,
				                 "types must name purchase, void, refund, preauth, "
				                 "balance or cardauth",
				                 "types");
			l.types |= bit;
		}
	}
	if (l.daily > 0 && l.per_txn > l.daily)
		return http_fail(res, 400, "per_txn must not exceed daily", "per_txn");
	rc = merchant_limits_set(ctx->merchant, i.app.id, &l, req->who->actor, req->now);
	return changed(ctx, req, res, rc, &i);
}

const struct http_route http_routes_merchant[] = {
    {"POST", "/api/v1/merchants", HTTP_ROLE_OPERATOR, merchant_apply_route},
    {"GET", "/api/v1/merchants", HTTP_ROLES_READ, merchant_list_route},
    {"GET", "/api/v1/merchants/{}", HTTP_ROLES_READ, merchant_get_route},
    {"POST", "/api/v1/merchants/{}/steps", HTTP_ROLE_OPERATOR, merchant_step_route},
    {"POST", "/api/v1/merchants/{}/documents", HTTP_ROLE_OPERATOR | HTTP_ROLE_MERCHANT,
     document_add_route},
    {"GET", "/api/v1/merchants/{}/documents", HTTP_ROLES_READ, document_list_route},
    {"PUT", "/api/v1/merchants/{}/fees", HTTP_ROLE_OPERATOR, fees_route},
    {"PUT", "/api/v1/merchants/{}/limits", HTTP_ROLE_OPERATOR, limits_route},
};
const size_t http_routes_merchant_n = sizeof http_routes_merchant / sizeof http_routes_merchant[0];
