/* routes_tms.c — terminal management in the HTTP API (docs/api.md "Terminal management",
 * docs/tms.md): a terminal's resolved parameters, a level's set, a key set or unset at a
 * level, and the JSON forms of both, which `possum admin tms param --json` prints too
 * (operators only: the parameters say where terminals connect); the CA public keys and the
 * chip applications listed with their versions (operators and auditors), a key added (its
 * checksum computed or checked) or revoked, an application added, replaced or removed
 * (operators), their JSON forms the tms module's, as `possum admin tms … --json` prints them. */
#include "http/http.h"

#include <stdio.h>
#include <string.h>

#include "common/jsonval.h"

json_t *http_tms_params_json(const struct tms_params *p)
{
	json_t *params = json_object();

	for (size_t i = 0; params != NULL && i < p->n; i++)
		json_object_set_new(params, p->items[i].key,
		                    json_pack("{s:s, s:s, s:s}", "value", p->items[i].value, "from",
		                              tms_level_name(p->items[i].from), "tag",
		                              p->items[i].tag));
	return json_pack("{s:s, s:s, s:s, s:s, s:o*}", "tid", p->tid, "mid", p->mid, "model",
	                 p->model, "version", p->version, "params", params);
}

json_t *http_tms_level_json(const struct tms_level_set *l, int utc_offset)
{
	json_t *params = json_object();

	for (size_t i = 0; params != NULL && i < l->n; i++)
		json_object_set_new(params, l->items[i].key, json_string(l->items[i].value));
	return json_pack("{s:s, s:s?, s:I, s:s?, s:o, s:o*}", "level", tms_level_name(l->level),
	                 "name", l->name[0] != '\0' ? l->name : NULL, "version",
	                 (json_int_t)l->version, "changed_by",
	                 l->actor[0] != '\0' ? l->actor : NULL, "changed_at",
	                 jsonval_time(l->changed_at, utc_offset), "params", params);
}

/* No terminal management on this server: res is the 503. */
static int absent(struct http_response *res)
{
	return http_fail(res, 503, "no terminal management here", NULL);
}

/* The answer to a refusal of the tms module, its reason why: 400 naming field, or when field
 * is NULL the option why names ("--rid must be …": field "rid", error "rid must be …"); 404;
 * 409; HTTP_EFAIL for a failure inside. */
static int refused(struct http_response *res, int rc, const char *why, const char *field)
{
	char named[32] = "", text[200];
	size_t n;

	if (field == NULL && strncmp(why, "--", 2) == 0) {
		n = strcspn(why + 2, " ");
		snprintf(named, sizeof named, "%.*s", (int)n, why + 2);
		for (char *p = named; *p != '\0'; p++)
			*p = *p == '-' ? '_' : *p;
		field = named;
		why += 2;
	}
	snprintf(text, sizeof text, "%s", why[0] != '\0' ? why : tms_strerror(rc));
	switch (rc) {
	case TMS_EARG:
	case TMS_EREADONLY:
		return http_fail(res, 400, text, field);
	case TMS_ECHECKSUM:
		return http_fail(res, 400, text, "checksum");
	case TMS_ENOTFOUND:
		return http_fail(res, 404, text, field);
	case TMS_EEXIST:
	case TMS_EREVOKED:
		return http_fail(res, 409, text, NULL);
	default:
		return HTTP_EFAIL;
	}
}

/* The level and name of the query (level=…&name=…) or the body: HTTP_OK, else res the 400. */
static int level_of(const char *level, const char *name, struct http_response *res,
                    enum tms_level *out)
{
	if (level == NULL || tms_level_find(level, out) != TMS_OK) {
		http_fail(res, 400, "level must be all, model, merchant or terminal", "level");
		return HTTP_EARG;
	}
	if ((*out == TMS_LEVEL_ALL) != (name == NULL || name[0] == '\0')) {
		http_fail(res, 400,
		          *out == TMS_LEVEL_ALL ? "level all takes no name"
		                                : "name (the model, MID or TID) is needed",
		          "name");
		return HTTP_EARG;
	}
	return HTTP_OK;
}

static int get_params(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	const char *tid = http_query(req, "terminal"), *level = http_query(req, "level"),
	           *name = http_query(req, "name");
	char why[TMS_WHY_MAX] = "";
	struct tms_level_set set;
	struct tms_params p;
	enum tms_level l;
	int rc;

	if (ctx->tms == NULL)
		return absent(res);
	if (tid != NULL && level == NULL) {
		if ((rc = tms_params_resolve(ctx->tms, tid, &p)) != TMS_OK)
			return refused(res, rc, "no such terminal", "terminal");
		return http_reply(res, 200, http_tms_params_json(&p));
	}
	if (tid != NULL)
		return http_fail(res, 400, "terminal=TID, or level=…&name=…, not both", "terminal");
	if (level_of(level, name, res, &l) != HTTP_OK)
		return HTTP_OK;
	if ((rc = tms_param_list(ctx->tms, l, name, &set, why)) != TMS_OK)
		return refused(res, rc, why, "name");
	return http_reply(res, 200, http_tms_level_json(&set, ctx->utc_offset));
}

/* The field a refusal of key's change (rc, why) is about. */
static const char *field_of(int rc, const char *key, const char *why)
{
	size_t i = 0;

	if (rc == TMS_ENOTFOUND)
		return strncmp(why, "no such", 7) == 0 ? "name" : "key";
	while (tms_param_key(i) != NULL && strcmp(tms_param_key(i), key) != 0)
		i++;
	if (rc == TMS_EREADONLY || tms_param_key(i) == NULL)
		return "key";
	return strncmp(why, key, strlen(key)) == 0 ? "value" : "name";
}

/* PUT (a set: "value" needed, "" allowed) and DELETE (an unset). */
static int change_param(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res)
{
	bool put = strcmp(req->method, "PUT") == 0;
	const char *level = NULL, *name = NULL, *key = NULL;
	json_t *value = req->body != NULL ? json_object_get(req->body, "value") : NULL;
	char why[TMS_WHY_MAX] = "";
	struct tms_change c = {0};
	struct tms_level_set set;
	int rc;

	if (ctx->tms == NULL)
		return absent(res);
	if (http_body_string(req, res, "level", true, 16, &level) != HTTP_OK ||
	    http_body_string(req, res, "name", false, 64, &name) != HTTP_OK ||
	    http_body_string(req, res, "key", true, 64, &key) != HTTP_OK ||
	    level_of(level, name, res, &c.level) != HTTP_OK)
		return HTTP_OK;
	if (put && !json_is_string(value))
		return http_fail(res, 400, "value (a string) is needed", "value");
	if (!put && value != NULL)
		return http_fail(res, 400, "DELETE takes no value", "value");
	c.name = name;
	c.key = key;
	c.value = put ? json_string_value(value) : NULL;
	rc = put ? tms_param_set(ctx->tms, req->who->actor, &c, req->now, why)
	         : tms_param_unset(ctx->tms, req->who->actor, &c, req->now, why);
	if (rc != TMS_OK)
		return refused(res, rc, why, field_of(rc, key, why));
	if ((rc = tms_param_list(ctx->tms, c.level, name, &set, why)) != TMS_OK)
		return HTTP_EFAIL;
	return http_reply(res, 200, http_tms_level_json(&set, ctx->utc_offset));
}

/* ---- CA public keys and chip applications ---- */

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
		return refused(res, rc, why, NULL);
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
		return refused(res, rc, rc == TMS_ENOTFOUND ? "no such key" : "", NULL);
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
		return refused(res, rc, why, NULL);
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
		return refused(res, rc, rc == TMS_ENOTFOUND ? "no such application" : "", NULL);
	return http_reply(res, 200, json_pack("{s:s, s:b}", "aid", aid, "removed", 1));
}

const struct http_route http_routes_tms[] = {
    {"GET", "/api/v1/tms/params", HTTP_ROLE_OPERATOR, get_params},
    {"PUT", "/api/v1/tms/params", HTTP_ROLE_OPERATOR, change_param},
    {"DELETE", "/api/v1/tms/params", HTTP_ROLE_OPERATOR, change_param},
    {"GET", "/api/v1/tms/capks", HTTP_ROLE_OPERATOR | HTTP_ROLE_AUDITOR, get_capks},
    {"POST", "/api/v1/tms/capks", HTTP_ROLE_OPERATOR, post_capk},
    {"POST", "/api/v1/tms/capks/revoke", HTTP_ROLE_OPERATOR, post_revoke},
    {"GET", "/api/v1/tms/aids", HTTP_ROLE_OPERATOR | HTTP_ROLE_AUDITOR, get_aids},
    {"POST", "/api/v1/tms/aids", HTTP_ROLE_OPERATOR, post_aid},
    {"DELETE", "/api/v1/tms/aids", HTTP_ROLE_OPERATOR, delete_aid},
};
const size_t http_routes_tms_n = sizeof http_routes_tms / sizeof http_routes_tms[0];
