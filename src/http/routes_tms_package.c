/* routes_tms_package.c — software packages in the HTTP API (docs/api.md "Terminal management",
 * docs/tms.md "Software updates"): packages listed (operators and auditors) and added from a
 * file in base64 (operators), the public key that verifies them, rollouts listed, added and
 * stopped, each model's minimum version listed and set, and the terminals' status. The JSON
 * forms are the tms module's, as `possum admin tms … --json` prints them. */
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "crypto/ed25519.h"

#define ROLES_READ (HTTP_ROLE_OPERATOR | HTTP_ROLE_AUDITOR)

static int absent(struct http_response *res)
{
	return http_fail(res, 503, "no terminal management here", NULL);
}

/* The answer to a refusal rc of the tms module, why its reason ("--model: …" names field
 * "model"). */
static int refused(struct http_response *res, int rc, const char *why)
{
	char field[32] = "";
	const char *text = why != NULL && why[0] != '\0' ? why : tms_strerror(rc);

	if (strncmp(text, "--", 2) == 0) {
		snprintf(field, sizeof field, "%.*s", (int)strcspn(text + 2, ": "), text + 2);
		text += 2;
	}
	switch (rc) {
	case TMS_EARG:
		return http_fail(res, 400, text, field[0] != '\0' ? field : NULL);
	case TMS_ETOOBIG:
		return http_fail(res, 413, text, "content");
	case TMS_ENOTFOUND:
		return http_fail(res, 404, text, NULL);
	case TMS_EEXIST:
	case TMS_ESTOPPED:
		return http_fail(res, 409, text, NULL);
	default:
		return HTTP_EFAIL;
	}
}

/* A list's walk: the items, the time zone. */
struct walk {
	json_t *items;
	int utc_offset;
};

static int package_item(void *ctx, const struct tms_package *p)
{
	struct walk *w = ctx;

	return json_array_append_new(w->items, tms_package_json(p, w->utc_offset)) != 0;
}

static int rollout_item(void *ctx, const struct tms_rollout *r)
{
	struct walk *w = ctx;

	return json_array_append_new(w->items, tms_rollout_json(r, w->utc_offset)) != 0;
}

static int minimum_item(void *ctx, const struct tms_minimum *m)
{
	struct walk *w = ctx;

	return json_array_append_new(w->items, tms_minimum_json(m, w->utc_offset)) != 0;
}

/* GET /api/v1/tms/packages, /rollouts, /minimums: every one, {"items","next":null}. */
static int get_list(struct http_ctx *ctx, struct http_response *res,
                    int (*list)(struct http_ctx *ctx, struct walk *w))
{
	struct walk w = {json_array(), ctx->utc_offset};

	if (ctx->tms == NULL) {
		json_decref(w.items);
		return absent(res);
	}
	return http_reply_page(res, w.items != NULL && list(ctx, &w) == TMS_OK, w.items, NULL);
}

static int list_packages(struct http_ctx *ctx, struct walk *w)
{
	return tms_package_list(ctx->tms, package_item, w);
}

static int list_rollouts(struct http_ctx *ctx, struct walk *w)
{
	return tms_rollout_list(ctx->tms, rollout_item, w);
}

static int list_minimums(struct http_ctx *ctx, struct walk *w)
{
	return tms_minimum_list(ctx->tms, minimum_item, w);
}

static int get_packages(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res)
{
	(void)req;
	return get_list(ctx, res, list_packages);
}

static int get_rollouts(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res)
{
	(void)req;
	return get_list(ctx, res, list_rollouts);
}

static int get_minimums(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res)
{
	(void)req;
	return get_list(ctx, res, list_minimums);
}

/* POST /api/v1/tms/packages {"model","version","content": base64}: 201 the package. */
static int post_package(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res)
{
	const char *model = NULL, *version = NULL;
	json_t *content = req->body != NULL ? json_object_get(req->body, "content") : NULL;
	struct tms_package p;
	uint8_t *bytes = NULL;
	size_t len = 0;
	char why[200] = "";
	int rc;

	if (ctx->tms == NULL)
		return absent(res);
	if (http_body_string(req, res, "model", true, TMS_MODEL_MAX, &model) != HTTP_OK ||
	    http_body_string(req, res, "version", true, TMS_VERSION_MAX, &version) != HTTP_OK)
		return HTTP_OK;
	if (!json_is_string(content) ||
	    http_base64_decode(json_string_value(content), json_string_length(content), &bytes,
	                       &len) != HTTP_OK)
		return http_fail(res, 400, "content must be the file in base64", "content");
	rc = tms_package_add(ctx->tms, req->who->actor, model, version, bytes, len, req->now, &p,
	                     why, sizeof why);
	free(bytes);
	if (rc != TMS_OK)
		return refused(res, rc, why);
	return http_reply(res, 201, tms_package_json(&p, ctx->utc_offset));
}

/* GET /api/v1/tms/packages/key: the public key that verifies packages. */
static int get_key(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	uint8_t pub[TMS_PUB_LEN];
	char hex[2 * TMS_PUB_LEN + 1], pem[CRYPTO_ED25519_PEM_MAX];
	int rc;

	(void)req;
	if (ctx->tms == NULL)
		return absent(res);
	if ((rc = tms_package_key(ctx->tms, pub)) != TMS_OK)
		return refused(res, rc, NULL);
	hex_encode(pub, sizeof pub, hex, sizeof hex);
	if (crypto_ed25519_pem(pub, pem, sizeof pem) != CRYPTO_OK)
		return HTTP_EFAIL;
	return http_reply(
	    res, 200,
	    json_pack("{s:s, s:s, s:s}", "algorithm", "Ed25519", "public_key", hex, "pem", pem));
}

/* The names of body field name, an array of strings, comma-joined into out: HTTP_OK, or
 * HTTP_EARG with res the 400. */
static int names_of(const struct http_request *req, struct http_response *res, const char *name,
                    char *out, size_t cap)
{
	json_t *list = json_object_get(req->body, name), *v;
	size_t i, at = 0;

	json_array_foreach(list, i, v)
	{
		size_t n = json_is_string(v) ? json_string_length(v) : 0;

		if (n == 0 || strchr(json_string_value(v), ',') != NULL || at + n + 2 > cap) {
			http_fail(res, 400, "a list of TIDs or MIDs, within 2048 bytes", name);
			return HTTP_EARG;
		}
		at += (size_t)snprintf(out + at, cap - at, "%s%s", at > 0 ? "," : "",
		                       json_string_value(v));
	}
	return HTTP_OK;
}

/* A rollout's body: {"package", one of "terminals":[…], "merchants":[…], "percent":N, and
 * "from":"YYYY-MM-DD HH:MM"}: HTTP_OK, or HTTP_EARG with res the 400. */
static int rollout_body(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res, struct tms_rollout *r)
{
	bool t = json_is_array(json_object_get(req->body, "terminals")),
	     m = json_is_array(json_object_get(req->body, "merchants")),
	     p = json_object_get(req->body, "percent") != NULL;
	const char *from = NULL;
	int64_t percent = 0;

	memset(r, 0, sizeof *r);
	if (http_body_int(req, res, "package", true, 1, INT64_MAX, &r->package_id) != HTTP_OK ||
	    http_body_string(req, res, "from", false, 16, &from) != HTTP_OK)
		return HTTP_EARG;
	if (t + m + p != 1) {
		http_fail(res, 400, "one of terminals, merchants (arrays) and percent", NULL);
		return HTTP_EARG;
	}
	if (p) {
		if (http_body_int(req, res, "percent", true, 1, 100, &percent) != HTTP_OK)
			return HTTP_EARG;
		r->kind = TMS_ROLLOUT_PERCENT;
		r->percent = (int)percent;
	} else {
		r->kind = t ? TMS_ROLLOUT_TERMINALS : TMS_ROLLOUT_MERCHANTS;
		if (names_of(req, res, t ? "terminals" : "merchants", r->targets,
		             sizeof r->targets) != HTTP_OK)
			return HTTP_EARG;
	}
	if (from != NULL && tms_time_parse(from, ctx->utc_offset, &r->starts_at) != TMS_OK) {
		http_fail(res, 400, "from must be \"YYYY-MM-DD HH:MM\"", "from");
		return HTTP_EARG;
	}
	return HTTP_OK;
}

/* POST /api/v1/tms/rollouts: 201 the rollout. */
static int post_rollout(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res)
{
	struct tms_rollout r;
	char why[200] = "";
	int rc;

	if (ctx->tms == NULL)
		return absent(res);
	if (rollout_body(ctx, req, res, &r) != HTTP_OK)
		return HTTP_OK;
	if ((rc = tms_rollout_add(ctx->tms, req->who->actor, &r, req->now, why, sizeof why)) !=
	    TMS_OK)
		return refused(res, rc, why);
	return http_reply(res, 201, tms_rollout_json(&r, ctx->utc_offset));
}

/* POST /api/v1/tms/rollouts/{id}/stop */
static int post_stop(struct http_ctx *ctx, const struct http_request *req,
                     struct http_response *res)
{
	char *end;
	long long id = strtoll(req->args[0], &end, 10);
	int rc;

	if (ctx->tms == NULL)
		return absent(res);
	if (*end != '\0' || id <= 0)
		return http_fail(res, 404, "no such rollout", NULL);
	rc = tms_rollout_stop(ctx->tms, req->who->actor, id, req->now);
	if (rc != TMS_OK)
		return refused(res, rc, rc == TMS_ENOTFOUND ? "no such rollout" : NULL);
	return http_reply(res, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "running", 0));
}

/* PUT /api/v1/tms/minimums {"model","version","after":"YYYY-MM-DD"} */
static int put_minimum(struct http_ctx *ctx, const struct http_request *req,
                       struct http_response *res)
{
	const char *model = NULL, *version = NULL, *after = NULL;
	struct tms_minimum m;
	char why[200] = "";
	int rc;

	if (ctx->tms == NULL)
		return absent(res);
	if (http_body_string(req, res, "model", true, TMS_MODEL_MAX, &model) != HTTP_OK ||
	    http_body_string(req, res, "version", true, TMS_VERSION_MAX, &version) != HTTP_OK ||
	    http_body_string(req, res, "after", true, 10, &after) != HTTP_OK)
		return HTTP_OK;
	if ((rc = tms_minimum_set(ctx->tms, req->who->actor, model, version, after, req->now, &m,
	                          why, sizeof why)) != TMS_OK)
		return refused(res, rc, why);
	return http_reply(res, 200, tms_minimum_json(&m, ctx->utc_offset));
}

/* GET /api/v1/tms/status?model=M */
static int get_status(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	json_t *st = NULL;

	if (ctx->tms == NULL)
		return absent(res);
	if (tms_status(ctx->tms, http_query(req, "model"), req->now, &st) != TMS_OK)
		return HTTP_EFAIL;
	return http_reply(res, 200, st);
}

const struct http_route http_routes_tms_package[] = {
    {"GET", "/api/v1/tms/packages", ROLES_READ, get_packages},
    {"POST", "/api/v1/tms/packages", HTTP_ROLE_OPERATOR, post_package},
    {"GET", "/api/v1/tms/packages/key", ROLES_READ, get_key},
    {"GET", "/api/v1/tms/rollouts", ROLES_READ, get_rollouts},
    {"POST", "/api/v1/tms/rollouts", HTTP_ROLE_OPERATOR, post_rollout},
    {"POST", "/api/v1/tms/rollouts/{}/stop", HTTP_ROLE_OPERATOR, post_stop},
    {"GET", "/api/v1/tms/minimums", ROLES_READ, get_minimums},
    {"PUT", "/api/v1/tms/minimums", HTTP_ROLE_OPERATOR, put_minimum},
    {"GET", "/api/v1/tms/status", ROLES_READ, get_status},
};
const size_t http_routes_tms_package_n =
    sizeof http_routes_tms_package / sizeof http_routes_tms_package[0];
