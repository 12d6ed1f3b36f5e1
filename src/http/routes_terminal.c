/* routes_terminal.c — the terminals of the HTTP API (docs/api.md "Terminals"): register,
 * list, show, status, state changes, rebinding, the model, and the TMK handed out once; and
 * the JSON forms of a terminal, its status and its TMK, which `possum admin terminal --json`
 * prints too. */
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "crypto/crypto.h"
#include "common/jsonval.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX     500
#define ONLINE_S      600 /* a terminal seen within 10 minutes is online */

/* The location t last reported, in micro-degrees, when, and how far from its registered place
 * (metres; null without one); null when it never reported one. */
static json_t *reported_json(const struct merchant_terminal *t, int utc_offset)
{
	if (t->reported_at == 0)
		return json_null();
	return json_pack("{s:I, s:I, s:o, s:o}", "lat", (json_int_t)t->reported_lat, "lon",
	                 (json_int_t)t->reported_lon, "at",
	                 jsonval_time(t->reported_at, utc_offset), "distance_m",
	                 t->reported_distance_m >= 0 ? json_integer(t->reported_distance_m)
	                                             : json_null());
}

json_t *http_terminal_json(const struct merchant_terminal *t, int utc_offset)
{
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:I, s:I}, s:s, s:s?, s:i, s:b, s:s, s:b, s:o, "
	              "s:o, s:o, s:o}",
	              "tid", t->tid, "mid", t->mid, "sn", t->sn, "state",
	              merchant_terminal_state_name(t->state), "place", "address", t->place.address,
	              "lat", (json_int_t)t->place.lat, "lon", (json_int_t)t->place.lon, "model",
	              t->model, "version", t->version[0] != '\0' ? t->version : NULL, "batch",
	              t->batch, "signed_in", t->signed_in, "tmk_kcv", t->tmk_kcv, "tmk_issued",
	              t->tmk_issued, "last_signin", jsonval_time(t->last_signin, utc_offset),
	              "last_seen", jsonval_time(t->last_seen, utc_offset), "next_review",
	              jsonval_time(t->next_review, utc_offset), "created",
	              jsonval_time(t->created_at, utc_offset));

	if (o != NULL)
		json_object_set_new(o, "reported", reported_json(t, utc_offset));
	return o;
}

json_t *http_terminal_status_json(const struct merchant_terminal_status *s, int utc_offset)
{
	json_t *o = http_terminal_json(&s->t, utc_offset), *last = json_null();

	if (o == NULL)
		return NULL;
	if (s->last_txn.at != 0)
		last = json_pack("{s:o, s:s, s:s, s:s, s:o}", "at",
		                 jsonval_time(s->last_txn.at, utc_offset), "type", s->last_txn.type,
		                 "rc", s->last_txn.rc, "rrn", s->last_txn.rrn, "money",
		                 jsonval_money(s->last_txn.amount, (unsigned)s->last_txn.currency));
	json_object_set_new(o, "online", json_boolean(s->online));
	json_object_set_new(o, "last_seen", jsonval_time(s->last_seen, utc_offset));
	json_object_set_new(o, "last_transaction", last != NULL ? last : json_null());
	json_object_set_new(o, "reversals_batch", json_integer(s->reversals_batch));
	json_object_set_new(o, "reversals", json_integer(s->reversals));
	json_object_set_new(o, "risk_events", json_integer(s->risk_events));
	return o;
}

json_t *http_tmk_json(const char *tid, const char *mid, const char *sn,
                      const struct merchant_tmk *k)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "tid", tid, "mid", mid, "sn", sn);
	char hex[2 * HSM_CLEAR_MAX + 1], kcv[2 * HSM_KCV_MAX + 1];
	/* "HEX:KCV,HEX:KCV[,HEX:KCV]": what `possum term init --tmk-components` and `possum
	 * load`'s terminals file read. */
	char all[HSM_PARTS_MAX * (sizeof hex + sizeof kcv + 1)] = "";

	if (o == NULL)
		return NULL;
	if (k->n_parts > 0) {
		json_t *list = json_array();

		for (size_t i = 0; i < k->n_parts; i++) {
			hex_encode(k->parts[i].part, k->parts[i].len, hex, sizeof hex);
			hex_encode(k->parts[i].kcv.v, k->parts[i].kcv.len, kcv, sizeof kcv);
			json_array_append_new(
			    list, json_pack("{s:s, s:s}", "component", hex, "kcv", kcv));
			snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s:%s",
			         i > 0 ? "," : "", hex, kcv);
		}
		json_object_set_new(o, "components", list);
		json_object_set_new(o, "tmk_components", json_string(all));
		crypto_wipe(all, sizeof all);
	} else {
		json_object_set_new(o, "tr31", json_string(k->block));
	}
	hex_encode(k->kcv.v, k->kcv.len, kcv, sizeof kcv);
	json_object_set_new(o, "kcv", json_string(kcv));
	crypto_wipe(hex, sizeof hex);
	return o;
}

/* The answer to a merchant module's refusal; HTTP_EFAIL for a failure inside. */
static int refused(struct http_response *res, int rc, const char *field)
{
	switch (rc) {
	case MERCHANT_EARG:
		return http_fail(res, 400, "a field is not valid", field);
	case MERCHANT_EVERIFY:
		return http_fail(res, 400, "a component does not match its check value", "kek");
	case MERCHANT_ENOTFOUND:
		return http_fail(res, 404, "no such terminal or merchant", field);
	case MERCHANT_EEXIST:
		return http_fail(res, 409, "the TID is taken or the SN is bound", field);
	case MERCHANT_ESTATE:
		return http_fail(res, 409, merchant_strerror(rc), "state");
	default:
		return HTTP_EFAIL;
	}
}

/* The terminal of the path's TID, when the principal may see it; else res is the 404. */
static int visible(struct http_ctx *ctx, const struct http_request *req, struct http_response *res,
                   struct merchant_terminal *t)
{
	int rc = merchant_terminal_get(ctx->merchant, req->args[0], t);

	if (rc == MERCHANT_OK && http_may_see(req, t->mid))
		return HTTP_OK;
	if (rc != MERCHANT_OK && rc != MERCHANT_ENOTFOUND)
		return HTTP_EFAIL;
	http_fail(res, 404, "no such terminal", NULL);
	return HTTP_EARG;
}

/* res = status and terminal tid as it is now. */
static int reply_terminal(struct http_ctx *ctx, const char *tid, struct http_response *res,
                          int status)
{
	struct merchant_terminal t;
	json_t *o;

	if (merchant_terminal_get(ctx->merchant, tid, &t) != MERCHANT_OK ||
	    (o = http_terminal_json(&t, ctx->utc_offset)) == NULL)
		return HTTP_EFAIL;
	return http_reply(res, status, o);
}

/* The body's place: address, lat and lon, all three (required) or none. */
static int body_place(const struct http_request *req, struct http_response *res, bool required,
                      struct merchant_place *p, bool *given)
{
	const char *address = NULL;
	int64_t lat = 0, lon = 0;

	*given = false;
	if (http_body_string(req, res, "address", required, MERCHANT_ADDRESS_MAX, &address) !=
	    HTTP_OK)
		return HTTP_EARG;
	if (address == NULL)
		return HTTP_OK;
	if (http_body_int(req, res, "lat", true, -90 * MERCHANT_MICRODEG, 90 * MERCHANT_MICRODEG,
	                  &lat) != HTTP_OK ||
	    http_body_int(req, res, "lon", true, -180 * MERCHANT_MICRODEG, 180 * MERCHANT_MICRODEG,
	                  &lon) != HTTP_OK)
		return HTTP_EARG;
	snprintf(p->address, sizeof p->address, "%s", address);
	p->lat = lat;
	p->lon = lon;
	*given = true;
	return HTTP_OK;
}

static int post_terminal(struct http_ctx *ctx, const struct http_request *req,
                         struct http_response *res)
{
	struct merchant_terminal_new n = {0};
	char tid[MERCHANT_TID_LEN + 1];
	bool given;
	int rc;

	if (http_body_string(req, res, "mid", true, 15, &n.mid) != HTTP_OK ||
	    http_body_string(req, res, "sn", true, MERCHANT_SN_MAX, &n.sn) != HTTP_OK ||
	    http_body_string(req, res, "tid", false, MERCHANT_TID_LEN, &n.tid) != HTTP_OK ||
	    body_place(req, res, true, &n.place, &given) != HTTP_OK ||
	    http_body_bool(req, res, "activate", false, &n.activate) != HTTP_OK ||
	    http_body_string(req, res, "model", false, MERCHANT_MODEL_MAX, &n.model) != HTTP_OK)
		return HTTP_OK;
	if (n.model != NULL && !merchant_model_ok(n.model))
		return http_fail(res, 400, "model must be 1 to 32 of A-Z a-z 0-9 . _ -", "model");
	if (strchr(n.sn, ' ') != NULL)
		return http_fail(res, 400, "sn must be printable characters without a space", "sn");
	if (n.tid != NULL && (strlen(n.tid) != MERCHANT_TID_LEN ||
	                      strspn(n.tid, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	                                    "qrstuvwxyz") != MERCHANT_TID_LEN))
		return http_fail(res, 400, "tid must be 8 letters and digits", "tid");
	rc = merchant_terminal_register(ctx->merchant, req->who->actor, &n, NULL, req->now, tid,
	                                NULL);
	if (rc == MERCHANT_ENOTFOUND)
		return http_fail(res, 404, "no such merchant", "mid");
	if (rc == MERCHANT_ESTATE)
		return http_fail(res, 409,
		                 n.activate
		                     ? "the merchant is not active (one in device testing or "
		                       "agreement has its terminals registered without activate)"
		                     : "the merchant is suspended or closed",
		                 "mid");
	if (rc != MERCHANT_OK)
		return refused(res, rc, rc == MERCHANT_EEXIST ? "sn" : NULL);
	return reply_terminal(ctx, tid, res, 201);
}

struct page {
	json_t *items;
	size_t n, limit;
	char last[MERCHANT_TID_LEN + 1];
	int utc_offset;
};

static int page_add(void *ctx, const struct merchant_terminal *t)
{
	struct page *p = ctx;

	if (p->n == p->limit)
		return 1; /* one more than the page: there is a next */
	json_array_append_new(p->items, http_terminal_json(t, p->utc_offset));
	memcpy(p->last, t->tid, sizeof p->last);
	p->n++;
	return 0;
}

static int get_terminals(struct http_ctx *ctx, const struct http_request *req,
                         struct http_response *res)
{
	const char *mid = http_query(req, "mid"), *after = http_query(req, "after"),
	           *limit = http_query(req, "limit");
	struct page p = {.limit = LIMIT_DEFAULT, .utc_offset = ctx->utc_offset};
	char *end;
	int rc;

	if (limit != NULL) {
		long v = strtol(limit, &end, 10);

		if (*limit == '\0' || *end != '\0' || v < 1 || v > LIMIT_MAX)
			return http_fail(res, 400, "limit must be an integer from 1 to 500",
			                 "limit");
		p.limit = (size_t)v;
	}
	if (req->who->role == HTTP_ROLE_MERCHANT) {
		if (mid != NULL && strcmp(mid, req->who->mid) != 0)
			return http_fail(res, 404, "no such merchant", "mid");
		mid = req->who->mid;
	}
	if ((p.items = json_array()) == NULL)
		return HTTP_EFAIL;
	rc = merchant_terminal_list(ctx->merchant, mid, after, p.limit + 1, page_add, &p);
	return http_reply_page(res, rc >= 0, p.items, rc > 0 ? json_string(p.last) : NULL);
}

static int get_terminal(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res)
{
	struct merchant_terminal t;
	int rc = visible(ctx, req, res, &t);

	if (rc != HTTP_OK)
		return rc == HTTP_EARG ? HTTP_OK : rc;
	return http_reply(res, 200, http_terminal_json(&t, ctx->utc_offset));
}

static int get_status(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	struct merchant_terminal_status s;
	struct merchant_terminal t;
	int rc = visible(ctx, req, res, &t);

	if (rc != HTTP_OK)
		return rc == HTTP_EARG ? HTTP_OK : rc;
	if (merchant_terminal_status(ctx->merchant, t.tid, req->now, ONLINE_S, &s) != MERCHANT_OK)
		return HTTP_EFAIL;
	return http_reply(res, 200, http_terminal_status_json(&s, ctx->utc_offset));
}

static int post_state(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	enum merchant_terminal_state to;
	const char *state = NULL, *reason = NULL;
	int rc;

	if (http_body_string(req, res, "state", true, 16, &state) != HTTP_OK ||
	    http_body_string(req, res, "reason", false, 200, &reason) != HTTP_OK)
		return HTTP_OK;
	if (merchant_terminal_state_find(state, &to) != MERCHANT_OK ||
	    to == MERCHANT_TERMINAL_REGISTERED)
		return http_fail(res, 400, "state must be active, suspended or retired", "state");
	rc = merchant_terminal_set_state(ctx->merchant, req->who->actor, req->args[0], to, reason,
	                                 req->now);
	if (rc != MERCHANT_OK)
		return refused(res, rc, NULL);
	return reply_terminal(ctx, req->args[0], res, 200);
}

static int post_rebind(struct http_ctx *ctx, const struct http_request *req,
                       struct http_response *res)
{
	struct merchant_place place;
	const char *mid = NULL, *reason = NULL;
	bool given;
	int rc;

	if (http_body_string(req, res, "mid", false, 15, &mid) != HTTP_OK ||
	    body_place(req, res, false, &place, &given) != HTTP_OK ||
	    http_body_string(req, res, "reason", true, 200, &reason) != HTTP_OK)
		return HTTP_OK;
	if (mid == NULL && !given)
		return http_fail(res, 400, "a new mid or place (address, lat, lon) is needed",
		                 "mid");
	rc = merchant_terminal_rebind(ctx->merchant, req->who->actor, req->args[0], mid,
	                              given ? &place : NULL, reason, NULL, req->now, NULL);
	if (rc == MERCHANT_EARG)
		return http_fail(res, 400, "the binding would not change", "mid");
	if (rc != MERCHANT_OK)
		return refused(res, rc, NULL);
	return reply_terminal(ctx, req->args[0], res, 200);
}

/* A terminal's model (docs/tms.md "Terminal models"): the TMS's parameters of that model apply
 * to it from then on. */
static int post_model(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	const char *model = NULL;
	int rc;

	if (http_body_string(req, res, "model", true, MERCHANT_MODEL_MAX, &model) != HTTP_OK)
		return HTTP_OK;
	if (!merchant_model_ok(model))
		return http_fail(res, 400, "model must be 1 to 32 of A-Z a-z 0-9 . _ -", "model");
	rc = merchant_terminal_model(ctx->merchant, req->who->actor, req->args[0], model, req->now);
	if (rc != MERCHANT_OK)
		return refused(res, rc, rc == MERCHANT_EARG ? "model" : NULL);
	return reply_terminal(ctx, req->args[0], res, 200);
}

/* The body's "kek": 2 or 3 {"component":HEX,"kcv":HEX}. */
static int body_kek(const struct http_request *req, struct http_response *res,
                    struct hsm_component kek[HSM_PARTS_MAX], size_t *n)
{
	json_t *list = req->body != NULL ? json_object_get(req->body, "kek") : NULL, *v;
	size_t i;

	*n = 0;
	if (list == NULL)
		return HTTP_OK;
	if (!json_is_array(list) || json_array_size(list) < 2 ||
	    json_array_size(list) > HSM_PARTS_MAX)
		goto bad;
	json_array_foreach(list, i, v)
	{
		const char *c = json_string_value(json_object_get(v, "component")),
		           *k = json_string_value(json_object_get(v, "kcv"));

		if (c == NULL || k == NULL ||
		    hex_decode(c, strlen(c), kek[i].part, sizeof kek[i].part, &kek[i].len) !=
		        HEX_OK ||
		    hex_decode(k, strlen(k), kek[i].kcv.v, sizeof kek[i].kcv.v, &kek[i].kcv.len) !=
		        HEX_OK ||
		    kek[i].kcv.len < 3)
			goto bad;
	}
	*n = i;
	return HTTP_OK;
bad:
	crypto_wipe(kek, HSM_PARTS_MAX * sizeof *kek);
	http_fail(res, 400, "kek must be 2 or 3 {\"component\":HEX,\"kcv\":HEX}", "kek");
	return HTTP_EARG;
}

static int post_tmk(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	struct hsm_component kek[HSM_PARTS_MAX];
	struct merchant_tmk_form form = {.parts = 2};
	struct merchant_terminal t;
	struct merchant_tmk *tmk;
	int64_t parts = 2;
	int rc;

	if (http_body_int(req, res, "parts", false, 2, 3, &parts) != HTTP_OK ||
	    body_kek(req, res, kek, &form.kek_parts) != HTTP_OK)
		return HTTP_OK;
	form.parts = (size_t)parts;
	form.kek = form.kek_parts > 0 ? kek : NULL;
	if ((tmk = calloc(1, sizeof *tmk)) == NULL) {
		rc = HTTP_EFAIL;
		goto out;
	}
	rc = merchant_terminal_tmk(ctx->merchant, req->who->actor, req->args[0], &form, req->now,
	                           tmk);
	if (rc == MERCHANT_ESTATE)
		rc = http_fail(res, 409, "the TMK has been handed out already: rebind to re-key",
		               NULL);
	else if (rc != MERCHANT_OK)
		rc = refused(res, rc, NULL);
	else if (merchant_terminal_get(ctx->merchant, req->args[0], &t) != MERCHANT_OK)
		rc = HTTP_EFAIL;
	else
		rc = http_reply(res, 200, http_tmk_json(t.tid, t.mid, t.sn, tmk));
out:
	if (tmk != NULL)
		crypto_wipe(tmk, sizeof *tmk);
	free(tmk);
	crypto_wipe(kek, sizeof kek);
	return rc;
}

const struct http_route http_routes_terminal[] = {
    {"POST", "/api/v1/terminals", HTTP_ROLE_OPERATOR, post_terminal},
    {"GET", "/api/v1/terminals", HTTP_ROLES_READ, get_terminals},
    {"GET", "/api/v1/terminals/{}", HTTP_ROLES_READ, get_terminal},
    {"GET", "/api/v1/terminals/{}/status", HTTP_ROLES_READ, get_status},
    {"POST", "/api/v1/terminals/{}/state", HTTP_ROLE_OPERATOR, post_state},
    {"POST", "/api/v1/terminals/{}/rebind", HTTP_ROLE_OPERATOR, post_rebind},
    {"POST", "/api/v1/terminals/{}/tmk", HTTP_ROLE_OPERATOR, post_tmk},
    {"POST", "/api/v1/terminals/{}/model", HTTP_ROLE_OPERATOR, post_model},
};
const size_t http_routes_terminal_n = sizeof http_routes_terminal / sizeof http_routes_terminal[0];
