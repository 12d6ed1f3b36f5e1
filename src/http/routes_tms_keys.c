/* routes_tms_keys.c — terminal management's CA public keys and chip applications in the HTTP
 * API (docs/api.md "Terminal management", docs/tms.md): list each with its version, add a
 * key (its checksum computed or checked), revoke one, add or replace an application, remove
 * one. The JSON forms are the tms module's, as `possum admin tms … --json` prints them. */
#include "http/http.h"

#include <stdio.h>
#include <string.h>

#include "common/jsonval.h"

/* The answer to a refusal of the tms module: 400 naming the field why names ("--rid must
 * be …": field "rid", error "rid must be …"), 404, 409; HTTP_EFAIL for a failure inside. */
static int refused(struct http_response *res, int rc, const char *why)
{
	char field[32] = "", text[200];
	size_t n;

	if (strncmp(why, "--", 2) == 0) {
		n = strcspn(why + 2, " ");
		snprintf(field, sizeof field, "%.*s", (int)n, why + 2);
		for (char *p = field; *p != '\0'; p++)
			*p = *p == '-' ? '_' : *p;
		why += 2;
	}
	snprintf(text, sizeof text, "%s", why[0] != '\0' ? why : tms_strerror(rc));
	switch (rc) {
	case TMS_EARG:
		return http_fail(res, 400, text, field[0] != '\0' ? field : NULL);
	case TMS_ECHECKSUM:
		return http_fail(res, 400, text, "checksum");
	case TMS_ENOTFOUND:
		return http_fail(res, 404, text, NULL);
	case TMS_EEXIST:
	case TMS_EREVOKED:
		return http_fail(res, 409, text, NULL);
	default:
		return HTTP_EFAIL;
	}
}

/* No terminal management on this server: res is the 503. */
static int absent(struct http_response *res)
{
	return http_fail(res, 503, "no terminal management here", NULL);
}

/* A list's answer: {"items":items,"next":null,"version":version} when listed, else
 * HTTP_EFAIL (items freed). */
static int reply_list(struct http_response *res, bool listed, json_t *items, const char *version)
{
	json_t *o;

	if (!listed || items == NULL || (o = jsonval_page(items, NULL)) == NULL) {
		json_decref(items);
		return HTTP_EFAIL;
	}
	json_object_set_new(o, "version", json_string(version));
	return http_reply(res, 200, o);
}

/* A listing's walk: its items, its date, its times' offset. */
struct listing {
	json_t *items;
	int date, utc_offset;
};

static int capk_item(void *ctx, const struct tms_capk *k)
{
	struct listing *l = ctx;

	return json_array_append_new(l->items, tms_capk_json(k, l->date, l->utc_offset)) != 0;
}

static int get_capks(struct http_ctx *ctx, const struct http_request *req,
                     struct http_response *res)
{
	struct listing l = {json_array(), tms_date(req->now, ctx->utc_offset), ctx->utc_offset};
	const char *all = http_query(req, "all");
	char version[9];
	bool listed;

	if (ctx->tms == NULL) {
		json_decref(l.items);
		return absent(res);
	}
	if (all != NULL && strcmp(all, "true") != 0 && strcmp(all, "false") != 0) {
		json_decref(l.items);
		return http_fail(res, 400, "all must be true or false", "all");
	}
	listed = l.items != NULL &&
	         tms_capk_list(ctx->tms, all != NULL && strcmp(all, "true") == 0, l.date, capk_item,
	                       &l) == TMS_OK &&
	         tms_capk_version(ctx->tms, l.date, version) == TMS_OK;
	return reply_list(res, listed, l.items, version);
}

static int post_capk(struct http_ctx *ctx, const struct http_request *req,
                     struct http_response *res)
{
	struct tms_capk_text t = {0};
	struct tms_capk k;
	char why[160];
	int rc;

	if (ctx->tms == NULL)
		return absent(res);
	if (http_body_string(req, res, "rid", true, 10, &t.rid) != HTTP_OK ||
	    http_body_string(req, res, "index", true, 2, &t.index) != HTTP_OK ||
	    http_body_string(req, res, "modulus", true, 2 * TMS_MODULUS_MAX, &t.modulus) !=
	        HTTP_OK ||
	    http_body_string(req, res, "exponent", true, 6, &t.exponent) != HTTP_OK ||
	    http_body_string(req, res, "expiry", true, 8, &t.expiry) != HTTP_OK ||
	    http_body_string(req, res, "checksum", false, 40, &t.checksum) != HTTP_OK)
		return HTTP_OK;
	rc = tms_capk_add(ctx->tms, req->who->actor, &t, req->now, &k, why, sizeof why);
	if (rc != TMS_OK)
		return refused(res, rc, why);
	return http_reply(res, 201,
	                  tms_capk_json(&k, tms_date(req->now, ctx->utc_offset), ctx->utc_offset));
}

static int post_revoke(struct http_ctx *ctx, const struct http_request *req,
                       struct http_response *res)
{
	const char *rid = NULL, *index = NULL, *reason = NULL;
	int rc;

	if (ctx->tms == NULL)
		return absent(res);
	if (http_body_string(req, res, "rid", true, 10, &rid) != HTTP_OK ||
	    http_body_string(req, res, "index", true, 2, &index) != HTTP_OK ||
	    http_body_string(req, res, "reason", true, TMS_REASON_MAX, &reason) != HTTP_OK)
		return HTTP_OK;
	rc = tms_capk_revoke(ctx->tms, req->who->actor, rid, index, reason, req->now);
	if (rc == TMS_EARG)
		return http_fail(res, 400, "rid must be 10 hex digits and index 2", "rid");
	if (rc != TMS_OK)
		return refused(res, rc, rc == TMS_ENOTFOUND ? "no such key" : "");
	return http_reply(
	    res, 200, json_pack("{s:s, s:s, s:s}", "rid", rid, "index", index, "state", "revoked"));
}

static int aid_item(void *ctx, const struct tms_aid *a)
{
	struct listing *l = ctx;

	return json_array_append_new(l->items, tms_aid_json(a, l->utc_offset)) != 0;
}

static int get_aids(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	struct listing l = {json_array(), 0, ctx->utc_offset};
	char version[9];
	bool listed;

	(void)req;
	if (ctx->tms == NULL) {
		json_decref(l.items);
		return absent(res);
	}
	listed = l.items != NULL && tms_aid_list(ctx->tms, aid_item, &l) == TMS_OK &&
	         tms_aid_version(ctx->tms, version) == TMS_OK;
	return reply_list(res, listed, l.items, version);
}

/* The body's application: HTTP_OK, or HTTP_EARG with res the 400. */
static int body_aid(const struct http_request *req, struct http_response *res,
                    struct tms_aid_text *t)
{
	int64_t target = 0, max = 0;

	if (http_body_string(req, res, "aid", true, 2 * TMS_AID_MAX, &t->aid) != HTTP_OK ||
	    http_body_string(req, res, "label", true, TMS_LABEL_MAX, &t->label) != HTTP_OK ||
	    http_body_string(req, res, "version", false, 4, &t->version) != HTTP_OK ||
	    http_body_int(req, res, "floor_limit", false, 0, 999999999999, &t->floor_limit) !=
	        HTTP_OK ||
	    http_body_int(req, res, "threshold", false, 0, 999999999999, &t->threshold) !=
	        HTTP_OK ||
	    http_body_int(req, res, "target_percent", false, 0, 99, &target) != HTTP_OK ||
	    http_body_int(req, res, "max_target_percent", false, 0, 99, &max) != HTTP_OK ||
	    http_body_string(req, res, "tac_default", false, 10, &t->tac_default) != HTTP_OK ||
	    http_body_string(req, res, "tac_denial", false, 10, &t->tac_denial) != HTTP_OK ||
	    http_body_string(req, res, "tac_online", false, 10, &t->tac_online) != HTTP_OK ||
	    http_body_bool(req, res, "partial", false, &t->partial) != HTTP_OK)
		return HTTP_EARG;
	t->target_percent = (int)target;
	t->max_target_percent = (int)max;
	return HTTP_OK;
}

static int post_aid(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	struct tms_aid_text t = {0};
	struct tms_aid a;
	bool replaced = false;
	char why[160];
	json_t *o;
	int rc;

	if (ctx->tms == NULL)
		return absent(res);
	if (body_aid(req, res, &t) != HTTP_OK)
		return HTTP_OK;
	rc = tms_aid_add(ctx->tms, req->who->actor, &t, req->now, &a, &replaced, why, sizeof why);
	if (rc != TMS_OK)
		return refused(res, rc, why);
	if ((o = tms_aid_json(&a, ctx->utc_offset)) != NULL)
		json_object_set_new(o, "replaced", json_boolean(replaced));
	return http_reply(res, replaced ? 200 : 201, o);
}

static int delete_aid(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	const char *aid = http_query(req, "aid");
	int rc;

	if (ctx->tms == NULL)
		return absent(res);
	if (aid == NULL &&
	    http_body_string(req, res, "aid", true, 2 * TMS_AID_MAX, &aid) != HTTP_OK)
		return HTTP_OK;
	rc = tms_aid_remove(ctx->tms, req->who->actor, aid, req->now);
	if (rc == TMS_EARG)
		return http_fail(res, 400, "aid must be 10 to 32 hex digits (5 to 16 bytes)",
		                 "aid");
	if (rc != TMS_OK)
		return refused(res, rc, rc == TMS_ENOTFOUND ? "no such application" : "");
	return http_reply(res, 200, json_pack("{s:s, s:b}", "aid", aid, "removed", 1));
}

const struct http_route http_routes_tms_keys[] = {
    {"GET", "/api/v1/tms/capks", HTTP_ROLE_OPERATOR | HTTP_ROLE_AUDITOR, get_capks},
    {"POST", "/api/v1/tms/capks", HTTP_ROLE_OPERATOR, post_capk},
    {"POST", "/api/v1/tms/capks/revoke", HTTP_ROLE_OPERATOR, post_revoke},
    {"GET", "/api/v1/tms/aids", HTTP_ROLE_OPERATOR | HTTP_ROLE_AUDITOR, get_aids},
    {"POST", "/api/v1/tms/aids", HTTP_ROLE_OPERATOR, post_aid},
    {"DELETE", "/api/v1/tms/aids", HTTP_ROLE_OPERATOR, delete_aid},
};
const size_t http_routes_tms_keys_n = sizeof http_routes_tms_keys / sizeof http_routes_tms_keys[0];
