/* routes_ops.c — what the operations console reads that no other domain answers (docs/api.md
 * "Operations"): the live figures (requests and approvals a second), the declines by response
 * code with their meaning, the settlement runs with their progress, a day's reconciliation
 * differences, the payouts of a run across merchants, the audit log, and the issuer's cards
 * found by their last four digits with their authentication. Operators and auditors only: a
 * merchant's token or session is refused (403). Every read goes through a store or domain
 * function; nothing here changes anything. */
#include "http/http.h"

#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "common/jsonval.h"
#include "rcode/rcode.h"
#include "settle/settle_reconcile.h"
#include "store/store_acquirer.h"
#include "store/store_audit.h"
#include "store/store_settle.h"

#define READERS        (HTTP_ROLE_OPERATOR | HTTP_ROLE_AUDITOR)
#define LIVE_DEFAULT_S 300
#define LIVE_MAX_S     3600

/* The approval rate of approved out of requests, or null when there were none. */
static json_t *rate_json(int64_t approved, int64_t requests)
{
	return requests > 0 ? json_real((double)approved / (double)requests) : json_null();
}

struct live {
	json_t *items;
	int64_t from, next, requests, approved;
	int utc_offset;
};

/* One second's figures. */
static int live_add(struct live *l, int64_t at, int64_t requests, int64_t approved)
{
	return json_array_append_new(
	    l->items, json_pack("{s:o, s:I, s:I, s:o}", "at", jsonval_time(at, l->utc_offset),
	                        "requests", (json_int_t)requests, "approved", (json_int_t)approved,
	                        "rate", rate_json(approved, requests)));
}

/* A second that had requests, after the empty ones before it. */
static int live_one(void *arg, const struct store_acq_second *x)
{
	struct live *l = arg;

	for (; l->next < x->at; l->next++)
		if (live_add(l, l->next, 0, 0) != 0)
			return 1;
	l->next = x->at + 1;
	l->requests += x->requests;
	l->approved += x->approved;
	return live_add(l, x->at, x->requests, x->approved);
}

/* GET /api/v1/ops/live?seconds=N: each of the last N seconds (default 300, at most 3600), now's
 * last, with its requests, approvals and approval rate, and their sums. */
static int live(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	int64_t seconds = LIVE_DEFAULT_S;
	struct store_acq_window w;
	struct live l = {0};
	json_t *body;

	if (http_query_int(req, res, "seconds", 1, LIVE_MAX_S, &seconds) != HTTP_OK)
		return HTTP_OK;
	w = (struct store_acq_window){req->now + 1 - seconds, req->now + 1};
	l = (struct live){json_array(), w.from, w.from, 0, 0, ctx->utc_offset};
	if (l.items == NULL || store_acq_seconds(ctx->store, &w, live_one, &l) != STORE_OK ||
	    (l.next < w.to && live_one(&l, &(struct store_acq_second){w.to - 1, 0, 0}) != 0)) {
		json_decref(l.items);
		return HTTP_EFAIL;
	}
	body = json_pack(
	    "{s:o, s:n, s:I, s:o, s:o, s:I, s:I, s:o}", "items", l.items, "next", "seconds",
	    (json_int_t)seconds, "from", jsonval_time(w.from, ctx->utc_offset), "to",
	    jsonval_time(w.to, ctx->utc_offset), "requests", (json_int_t)l.requests, "approved",
	    (json_int_t)l.approved, "rate", rate_json(l.approved, l.requests));
	return body != NULL ? http_reply(res, 200, body) : HTTP_EFAIL;
}

struct declines {
	json_t *items;
	int64_t requests, approved;
};

static int decline_one(void *arg, const struct store_acq_rc_count *x)
{
	struct declines *d = arg;
	const struct rcode_info *i = rcode_find(x->rc);

	d->requests += x->count;
	if (rcode_approved(x->rc)) {
		d->approved += x->count;
		return 0;
	}
	return json_array_append_new(
	    d->items, json_pack("{s:s, s:I, s:s, s:s, s:s, s:s}", "rc", x->rc, "count",
	                        (json_int_t)x->count, "category", rcode_category_name(i->category),
	                        "action", rcode_action_name(i->action), "en", i->en, "zh", i->zh));
}

/* GET /api/v1/ops/declines?from=&to=: the requests of [from, to) (default today so far)
 * declined, by response code, the most frequent first, with each code's meaning. */
static int declines(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	struct store_acq_window w = {0, req->now + 1};
	struct declines d = {NULL, 0, 0};
	json_t *body;

	if (http_time_parse_local("today", ctx->utc_offset, req->now, &w.from) != HTTP_OK ||
	    http_query_time(req, res, "from", ctx->utc_offset, &w.from) != HTTP_OK ||
	    http_query_time(req, res, "to", ctx->utc_offset, &w.to) != HTTP_OK)
		return HTTP_OK;
	if (w.to <= w.from)
		return http_fail(res, 400, "to must be after from", "to");
	if ((d.items = json_array()) == NULL ||
	    store_acq_rc_counts(ctx->store, &w, decline_one, &d) != STORE_OK) {
		json_decref(d.items);
		return HTTP_EFAIL;
	}
	body = json_pack("{s:o, s:n, s:o, s:o, s:I, s:I, s:o}", "items", d.items, "next", "from",
	                 jsonval_time(w.from, ctx->utc_offset), "to",
	                 jsonval_time(w.to, ctx->utc_offset), "requests", (json_int_t)d.requests,
	                 "approved", (json_int_t)d.approved, "rate",
	                 rate_json(d.approved, d.requests));
	return body != NULL ? http_reply(res, 200, body) : HTTP_EFAIL;
}

struct runs {
	struct http_ctx *ctx;
	json_t *items;
	size_t n, limit;
	char last[11];
	bool more; /* a run past the page came */
	int rc;
};

/* A run: a closed day's lines are all done; an open one's still to write are counted. */
static int run_one(void *arg, const struct store_settle_run *r)
{
	struct runs *rs = arg;
	int64_t to_go = 0;
	bool closed = r->state == STORE_SETTLE_CLOSED;

	if (rs->n == rs->limit) {
		rs->more = true;
		return 0;
	}
	if (!closed &&
	    (rs->rc = store_settle_unsettled_count(rs->ctx->store, r->date, &to_go)) != STORE_OK)
		return 1;
	rs->n++;
	memcpy(rs->last, r->date, sizeof rs->last);
	return json_array_append_new(
	    rs->items,
	    json_pack("{s:s, s:s, s:I, s:I, s:{s:I, s:I}, s:o, s:s?, s:o}", "date", r->date,
	              "state", closed ? "closed" : "open", "lines", (json_int_t)r->lines,
	              "merchants", (json_int_t)r->merchants, "progress", "done",
	              (json_int_t)r->written, "of", (json_int_t)(r->written + to_go), "closed_at",
	              closed ? jsonval_time(r->closed_at, rs->ctx->utc_offset) : json_null(),
	              "owner", r->owner[0] != '\0' ? r->owner : NULL, "lease_until",
	              r->until > 0 ? jsonval_time(r->until, rs->ctx->utc_offset) : json_null()));
}

/* GET /api/v1/settle/days?limit=&after=DATE: the settlement runs, newest first; after a date,
 * those before it (the previous page's next). */
static int days(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	const char *after = http_query(req, "after");
	struct runs rs = {ctx, json_array(), 0, HTTP_PAGE_DEFAULT, "", false, STORE_OK};
	struct store_settle_run_filter f = {"", 0};
	int64_t limit = HTTP_PAGE_DEFAULT;
	int32_t date;
	int rc;

	if (rs.items == NULL)
		return HTTP_EFAIL;
	if (http_query_int(req, res, "limit", 1, HTTP_PAGE_MAX, &limit) != HTTP_OK) {
		json_decref(rs.items);
		return HTTP_OK;
	}
	if (after != NULL && settle_date_parse(after, &date) != SETTLE_OK) {
		json_decref(rs.items);
		return http_fail(res, 400, "a date, YYYY-MM-DD", "after");
	}
	f = (struct store_settle_run_filter){after != NULL ? after : "", (size_t)limit + 1};
	rs.limit = (size_t)limit;
	rc = store_settle_runs(ctx->store, &f, run_one, &rs);
	return http_reply_page(res, rc == STORE_OK && rs.rc == STORE_OK, rs.items,
	                       rs.more ? json_string(rs.last) : NULL);
}

static int recon_one(void *ctx, const struct settle_recon_item *it)
{
	return json_array_append_new(ctx, settle_recon_item_json(it)) != 0;
}

/* GET /api/v1/settle/reconcile/{date}: the differences of settlement date date, with their
 * counts by kind. */
static int reconcile(struct http_ctx *ctx, const struct http_request *req,
                     struct http_response *res)
{
	struct settle_calendar defaults;
	struct settle_recon_params p = {ctx->settle_cal, ctx->utc_offset};
	struct settle_recon_counts n = {0};
	json_t *items, *counts;
	int32_t date;

	if (settle_date_parse(req->args[0], &date) != SETTLE_OK)
		return http_fail(res, 400, "a date, YYYY-MM-DD", "date");
	if (p.cal == NULL) {
		settle_calendar_defaults(&defaults);
		p.cal = &defaults;
	}
	if ((items = json_array()) == NULL)
		return HTTP_EFAIL;
	if (settle_reconcile(ctx->store, &p, date, recon_one, items, &n) != SETTLE_OK ||
	    (counts = json_object()) == NULL) {
		json_decref(items);
		return HTTP_EFAIL;
	}
	for (int k = 0; k < SETTLE_RECON_KINDS; k++)
		json_object_set_new(counts, settle_recon_kind_name(k), json_integer(n.n[k]));
	json_object_set_new(counts, "all", json_integer(n.total));
	return http_reply(res, 200,
	                  json_pack("{s:s, s:o, s:n, s:o}", "date", req->args[0], "items", items,
	                            "next", "counts", counts));
}

struct payouts {
	json_t *items;
	int utc_offset;
};

static int payout_one(void *arg, const struct store_settle_payout *p)
{
	struct payouts *ps = arg;

	return json_array_append_new(ps->items, http_payout_json(p, ps->utc_offset)) != 0;
}

/* GET /api/v1/payouts?date=YYYY-MM-DD: the payouts the run of that date (default today's)
 * made, every merchant's, by id. */
static int payouts(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	const char *text = http_query(req, "date");
	struct payouts ps = {NULL, ctx->utc_offset};
	char today[SETTLE_DATE_TEXT];
	int32_t date;

	if (text == NULL) {
		if (settle_local_date(ctx->utc_offset, req->now, &date) != SETTLE_OK ||
		    settle_date_format(date, today) != SETTLE_OK)
			return HTTP_EFAIL;
		text = today;
	} else if (settle_date_parse(text, &date) != SETTLE_OK) {
		return http_fail(res, 400, "a date, YYYY-MM-DD", "date");
	}
	if ((ps.items = json_array()) == NULL)
		return HTTP_EFAIL;
	return http_reply_page(res,
	                       store_settle_payouts(ctx->store, text, payout_one, &ps) == STORE_OK,
	                       ps.items, NULL);
}

struct audit_page {
	json_t *items;
	int utc_offset;
	size_t n, limit;
	int64_t last;
	bool more; /* an entry past the page came */
};

static int audit_one(void *arg, const struct store_audit *a)
{
	struct audit_page *p = arg;

	if (p->n == p->limit) {
		p->more = true;
		return 0;
	}
	p->n++;
	p->last = a->id;
	return json_array_append_new(p->items, audit_entry_json(a, p->utc_offset)) != 0;
}

/* GET /api/v1/audit?from=&to=&actor=&object=&action=&limit=&after=: the audit log, oldest
 * first; object a KIND:ID or a KIND. */
static int audit(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	struct store_audit_filter f = {0};
	struct audit_page p = {NULL, ctx->utc_offset, 0, 0, 0, false};
	bool listed;

	f.actor = http_query(req, "actor");
	f.action = http_query(req, "action");
	f.object = http_query(req, "object");
	if (http_query_time(req, res, "from", ctx->utc_offset, &f.since) != HTTP_OK ||
	    http_query_time(req, res, "to", ctx->utc_offset, &f.until) != HTTP_OK ||
	    http_query_page(req, res, &p.limit, &f.after_id) != HTTP_OK)
		return HTTP_OK;
	f.limit = p.limit + 1;
	if ((p.items = json_array()) == NULL)
		return HTTP_EFAIL;
	listed = store_audit_list(ctx->store, &f, audit_one, &p) == STORE_OK;
	return http_reply_page(res, listed, p.items, p.more ? json_integer(p.last) : NULL);
}

struct cards {
	struct http_ctx *ctx;
	json_t *items;
	int64_t now;
	int rc;
};

/* A card with its authentication's state. */
static int card_one(void *arg, const struct issuer_card *c)
{
	static const char *const names[] = {"NONE", "VALID", "INVALID"};
	struct cards *cs = arg;
	enum issuer_cardauth_state state;
	char reason[32];

	if ((cs->rc = issuer_cardauth_state_id(cs->ctx->issuer, c->id, cs->now, &state, reason)) !=
	    ISSUER_OK)
		return 1;
	return json_array_append_new(
	    cs->items,
	    json_pack("{s:I, s:s, s:s, s:s, s:s, s:{s:s, s:s?}}", "id", (json_int_t)c->id, "card",
	              c->masked, "holder", c->holder, "status", issuer_card_status_name(c->status),
	              "expiry", c->expiry, "auth", "state", names[state], "reason",
	              reason[0] != '\0' ? reason : NULL));
}

/* GET /api/v1/cards?last4=NNNN: the issuer's cards ending in those digits, oldest first. */
static int cards(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	const char *last4 = http_query(req, "last4");
	struct cards cs = {ctx, NULL, req->now, ISSUER_OK};
	int rc;

	if (last4 == NULL || strlen(last4) != 4 || strspn(last4, "0123456789") != 4)
		return http_fail(res, 400, "last4: the card's last 4 digits", "last4");
	if (ctx->issuer == NULL)
		return http_fail(res, 503, "no issuer here", NULL);
	if ((cs.items = json_array()) == NULL)
		return HTTP_EFAIL;
	rc = issuer_card_list_last4(ctx->issuer, last4, card_one, &cs);
	return http_reply_page(res, rc >= 0 && cs.rc == ISSUER_OK, cs.items, NULL);
}

const struct http_route http_routes_ops[] = {
    {"GET", "/api/v1/ops/live", READERS, live},
    {"GET", "/api/v1/ops/declines", READERS, declines},
    {"GET", "/api/v1/settle/days", READERS, days},
    {"GET", "/api/v1/settle/reconcile/{}", READERS, reconcile},
    {"GET", "/api/v1/payouts", READERS, payouts},
    {"GET", "/api/v1/audit", READERS, audit},
    {"GET", "/api/v1/cards", READERS, cards},
};
const size_t http_routes_ops_n = sizeof http_routes_ops / sizeof http_routes_ops[0];
