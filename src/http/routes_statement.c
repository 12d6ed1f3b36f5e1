/* routes_statement.c — a merchant's statements and payouts through the API (docs/api.md
 * "Statements and payouts"): its statement of a settlement date (GET
 * /api/v1/merchants/{mid}/statements/{date}: JSON, or CSV when the request accepts text/csv),
 * its payouts newest first (GET /api/v1/merchants/{mid}/payouts), and the settle module's
 * figures its balance shows (http_balance_settled()). A merchant's token sees its own
 * merchant's only: another's is 404. */
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonval.h"
#include "settle/settle_payout.h"
#include "settle/settle_statement.h"
#include "store/store_acquirer.h"

#define CNY 156

/* GET /api/v1/merchants/{mid}/statements/{date} */
static int statement(struct http_ctx *ctx, const struct http_request *req,
                     struct http_response *res)
{
	struct settle_statement st;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int32_t date;
	int rc;

	if (!http_may_see(req, req->args[0]))
		return http_fail(res, 404, "no such merchant", NULL);
	if (settle_date_parse(req->args[1], &date) != SETTLE_OK)
		return http_fail(res, 400, "the date must be a settlement date YYYY-MM-DD", "date");
	if ((rc = settle_statement_build(ctx->store, req->args[0], date, &st)) != SETTLE_OK) {
		settle_statement_free(&st);
		return rc == SETTLE_ENOTFOUND ? http_fail(res, 404, "no such merchant", NULL)
		                              : HTTP_EFAIL;
	}
	if (!http_accepts(req, "text/csv")) {
		rc = http_reply(res, 200, settle_statement_json(&st, ctx->utc_offset));
	} else if ((f = open_memstream(&text, &len)) == NULL) {
		rc = HTTP_EFAIL;
	} else {
		rc = settle_statement_write(&st, SETTLE_STATEMENT_CSV, ctx->utc_offset, f);
		if (fclose(f) != 0 || rc != SETTLE_OK) {
			free(text);
			text = NULL;
		}
		rc = http_reply_text(res, 200, "text/csv; charset=utf-8", text);
	}
	settle_statement_free(&st);
	return rc;
}

/* "2026-12-04,2026-12-07" as ["2026-12-04","2026-12-07"]. */
static json_t *dates_json(const char *list)
{
	json_t *a = json_array();

	for (const char *p = list; a != NULL && *p != '\0'; p += strcspn(p, ","), p += *p == ',')
		json_array_append_new(a, json_stringn(p, strcspn(p, ",")));
	return a;
}

struct payouts {
	json_t *items;
	int utc_offset;
	size_t limit, n;
	int64_t last; /* the id of the last one listed */
	bool more;    /* a row past the page came: there are more */
};

json_t *http_payout_json(const struct store_settle_payout *p, int utc_offset)
{
	char reference[SETTLE_REFERENCE_MAX] = "";
	int32_t date = 0;

	if (settle_date_parse(p->date, &date) == SETTLE_OK)
		settle_payout_reference(date, p->id, reference);
	return json_pack("{s:I, s:s, s:s, s:o, s:s, s:o, s:s, s:s?, s:s?, s:s, s:o, s:o}",
	                 "payout_id", (json_int_t)p->id, "mid", p->mid, "date", p->date, "amount",
	                 jsonval_money(p->amount, CNY), "card", p->card, "settle_dates",
	                 dates_json(p->settle_dates), "status", p->status, "reason",
	                 p->reason[0] != '\0' ? p->reason : NULL, "bank_reference",
	                 p->bank_reference[0] != '\0' ? p->bank_reference : NULL, "reference",
	                 reference, "created", jsonval_time(p->created_at, utc_offset), "updated",
	                 jsonval_time(p->updated_at, utc_offset));
}

static int add_payout(void *arg, const struct store_settle_payout *p)
{
	struct payouts *ps = arg;

	if (ps->n == ps->limit) { /* the one past the page */
		ps->more = true;
		return 0;
	}
	ps->n++, ps->last = p->id;
	return json_array_append_new(ps->items, http_payout_json(p, ps->utc_offset));
}

/* GET /api/v1/merchants/{mid}/payouts?limit=&after=: newest first; after=ID pages on to those
 * older than payout ID (the previous page's next). */
static int payouts(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	struct store_settle_payout_filter f = {req->args[0], 0, 0};
	struct payouts ps = {NULL, ctx->utc_offset, 0, 0, 0, false};
	struct store_merchant m;
	int rc;

	if (!http_may_see(req, f.mid))
		return http_fail(res, 404, "no such merchant", NULL);
	if (http_query_page(req, res, &ps.limit, &f.before) != HTTP_OK)
		return HTTP_OK;
	if ((rc = store_merchant_get(ctx->store, f.mid, &m)) != STORE_OK)
		return rc == STORE_ENOTFOUND ? http_fail(res, 404, "no such merchant", NULL)
		                             : HTTP_EFAIL;
	if ((ps.items = json_array()) == NULL)
		return HTTP_EFAIL;
	f.limit = ps.limit + 1;
	rc = store_settle_payouts_of(ctx->store, &f, add_payout, &ps);
	return http_reply_page(res, rc == STORE_OK, ps.items,
	                       ps.more ? json_integer(ps.last) : NULL);
}

int http_balance_settled(store *s, const char *mid, json_t *body)
{
	struct store_settle_balance m;

	if (settle_statement_balance(s, mid, &m) != SETTLE_OK)
		return HTTP_EFAIL;
	if (json_object_set_new(body, "settled_paid", jsonval_money(m.paid, CNY)) != 0 ||
	    json_object_set_new(body, "settled_unpaid", jsonval_money(m.unpaid, CNY)) != 0 ||
	    json_object_set_new(body, "not_closed", jsonval_money(m.open, CNY)) != 0 ||
	    json_object_set_new(body, "not_closed_count", json_integer(m.open_count)) != 0 ||
	    json_object_set_new(body, "preauth_held", jsonval_money(m.held, CNY)) != 0 ||
	    json_object_set_new(body, "preauth_held_count", json_integer(m.held_count)) != 0)
		return HTTP_ENOMEM;
	return HTTP_OK;
}

const struct http_route http_routes_statement[] = {
    {"GET", "/api/v1/merchants/{}/statements/{}", HTTP_ROLES_READ, statement},
    {"GET", "/api/v1/merchants/{}/payouts", HTTP_ROLES_READ, payouts},
};
const size_t http_routes_statement_n =
    sizeof http_routes_statement / sizeof http_routes_statement[0];
