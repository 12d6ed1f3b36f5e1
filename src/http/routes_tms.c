/* routes_tms.c — terminal management in the HTTP API (docs/api.md "Terminal management",
 * docs/tms.md): a terminal's resolved parameters, a level's set, a key set or unset at a
 * level; and the JSON forms of both, which `possum admin tms param --json` prints too.
 * Operators only: the parameters say where terminals connect. */
#include "http/http.h"

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

/* The answer to a refusal of the tms module, its reason why. */
static int refused(struct http_response *res, int rc, const char *why, const char *field)
{
	switch (rc) {
	case TMS_EARG:
	case TMS_EREADONLY:
		return http_fail(res, 400, why, field);
	case TMS_ENOTFOUND:
		return http_fail(res, 404, why, field);
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
		return http_fail(res, 503, "terminal management is not open here", NULL);
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
		return http_fail(res, 503, "terminal management is not open here", NULL);
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

const struct http_route http_routes_tms[] = {
    {"GET", "/api/v1/tms/params", HTTP_ROLE_OPERATOR, get_params},
    {"PUT", "/api/v1/tms/params", HTTP_ROLE_OPERATOR, change_param},
    {"DELETE", "/api/v1/tms/params", HTTP_ROLE_OPERATOR, change_param},
};
const size_t http_routes_tms_n = sizeof http_routes_tms / sizeof http_routes_tms[0];
