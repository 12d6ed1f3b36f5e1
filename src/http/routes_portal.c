/* routes_portal.c — what the merchant portal (web/js/merchant.js, docs/console.md) reads that
 * the other domains' endpoints do not give: a merchant's takings in buckets of an hour or a
 * day, per card product and channel, with their totals (GET /api/v1/merchants/{mid}/takings),
 * for its home page and charts. A merchant's principal reaches only its own MID (another's
 * answers 404). */
#include "http/http.h"

#include <string.h>

#include "common/jsonval.h"
#include "store/store_acquirer.h"

#define DAY 86400

/* The buckets a request may ask for: an hour's over 31 days at most, a day's over 400. */
static const struct {
	const char *name;
	int64_t step, span_max;
} takings_by[] = {
    {"hour", 3600, 31 * (int64_t)DAY},
    {"day", DAY, 400 * (int64_t)DAY},
};

/* The totals of the period per product, channel and currency: a handful (4 × 2 × currencies). */
#define TOTALS_MAX 64

struct takings_out {
	json_t *buckets;
	struct store_acq_takings totals[TOTALS_MAX];
	size_t n_totals;
	int utc_offset;
};

static json_t *takings_json(const struct store_acq_takings *t)
{
	return json_pack("{s:s, s:s, s:i, s:o}", "product", t->product, "channel", t->channel,
	                 "count", t->count, "amount",
	                 jsonval_money(t->amount, (unsigned)t->currency));
}

/* Adds t to its total (a new one when it is the first of its product, channel and currency). */
static int add_total(struct takings_out *o, const struct store_acq_takings *t)
{
	struct store_acq_takings *sum = NULL;

	for (size_t i = 0; i < o->n_totals && sum == NULL; i++)
		if (strcmp(o->totals[i].product, t->product) == 0 &&
		    strcmp(o->totals[i].channel, t->channel) == 0 &&
		    o->totals[i].currency == t->currency)
			sum = &o->totals[i];
	if (sum == NULL) {
		if (o->n_totals == TOTALS_MAX)
			return 1;
		sum = &o->totals[o->n_totals++];
		*sum = *t;
		sum->count = 0;
		sum->amount = 0;
	}
	sum->count += t->count;
	sum->amount += t->amount;
	return 0;
}

static int add_bucket(void *arg, const struct store_acq_takings *t)
{
	struct takings_out *o = arg;
	json_t *item = takings_json(t);

	if (item == NULL ||
	    json_object_set_new(item, "at", jsonval_time(t->at, o->utc_offset)) != 0 ||
	    json_array_append_new(o->buckets, item) != 0)
		return 1;
	return add_total(o, t);
}

/* The period's bounds and bucket from the query: HTTP_OK, or HTTP_EARG with res the 400. */
static int takings_query(struct http_ctx *ctx, const struct http_request *req,
                         struct http_response *res, struct store_acq_takings_filter *f)
{
	const char *by = http_query(req, "by");
	size_t i;

	f->from = 0;
	f->to = 0;
	f->step = 0;
	if (http_time_parse_local("today", ctx->utc_offset, req->now, &f->from) != HTTP_OK ||
	    http_query_time(req, res, "from", ctx->utc_offset, &f->from) != HTTP_OK ||
	    http_query_time(req, res, "to", ctx->utc_offset, &f->to) != HTTP_OK)
		return HTTP_EARG;
	for (i = 0; i < sizeof takings_by / sizeof takings_by[0]; i++)
		if (strcmp(by == NULL ? "hour" : by, takings_by[i].name) == 0)
			break;
	if (i == sizeof takings_by / sizeof takings_by[0]) {
		http_fail(res, 400, "by must be hour or day", "by");
		return HTTP_EARG;
	}
	f->step = takings_by[i].step;
	if (f->to != 0 && f->to <= f->from) {
		http_fail(res, 400, "to must be after from", "to");
		return HTTP_EARG;
	}
	if ((f->to != 0 ? f->to : req->now) - f->from > takings_by[i].span_max) {
		http_fail(res, 400, "too long a period for buckets of that size", "from");
		return HTTP_EARG;
	}
	return HTTP_OK;
}

/* GET /api/v1/merchants/{mid}/takings?from=&to=&by=hour|day: from today's midnight by default,
 * to no end, by the hour. */
static int takings(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	struct store_acq_takings_filter f = {.mid = req->args[0]};
	struct takings_out o = {.utc_offset = ctx->utc_offset};
	struct store_merchant m;
	json_t *body = NULL, *totals = NULL;
	int rc;

	if (!http_may_see(req, f.mid))
		return http_fail(res, 404, "no such merchant", NULL);
	if (takings_query(ctx, req, res, &f) != HTTP_OK)
		return HTTP_OK;
	if ((rc = store_merchant_get(ctx->store, f.mid, &m)) == STORE_ENOTFOUND)
		return http_fail(res, 404, "no such merchant", NULL);
	if (rc != STORE_OK || (o.buckets = json_array()) == NULL ||
	    (totals = json_array()) == NULL ||
	    store_acq_takings(ctx->store, &f, add_bucket, &o) != STORE_OK)
		goto fail;
	for (size_t i = 0; i < o.n_totals; i++)
		if (json_array_append_new(totals, takings_json(&o.totals[i])) != 0)
			goto fail;
	body = json_pack("{s:s, s:o, s:o, s:s, s:o, s:o}", "mid", f.mid, "from",
	                 jsonval_time(f.from, ctx->utc_offset), "to",
	                 jsonval_time(f.to, ctx->utc_offset), "by", f.step == DAY ? "day" : "hour",
	                 "buckets", o.buckets, "totals", totals);
	if (body == NULL)
		return HTTP_EFAIL; /* json_pack's "o" took both arrays, even when it failed */
	return http_reply(res, 200, body);
fail:
	json_decref(o.buckets);
	json_decref(totals);
	return HTTP_EFAIL;
}

const struct http_route http_routes_portal[] = {
    {"GET", "/api/v1/merchants/{}/takings", HTTP_ROLES_READ, takings},
};
const size_t http_routes_portal_n = sizeof http_routes_portal / sizeof http_routes_portal[0];
