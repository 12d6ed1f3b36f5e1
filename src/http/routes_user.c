/* routes_user.c — the console's people through the API (docs/api.md "Sign-in and sessions",
 * "Users"): signing in with name, password and TOTP code (POST /api/v1/session, which sets the
 * session cookie), the session's principal (GET) and signing out (DELETE); the one-time
 * enrolment link (GET and POST /api/v1/enrol/{token}); and an operator's users (GET and POST
 * /api/v1/users, POST /api/v1/users/{name}/disable and /unlock). The work is the user module's
 * (user/user.h); this file reads requests and shapes answers. */
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "crypto/crypto.h"
#include "crypto/password.h"
#include "qr/qr.h"

#define COOKIE_ATTRS "; Path=/; HttpOnly; SameSite=Strict"
#define QR_SCALE     4

/* A refusal for a user module code other than USER_OK; HTTP_EFAIL for a failure inside. */
static int user_fail(struct http_response *res, int rc, const char *field)
{
	switch (rc) {
	case USER_EARG:
		return http_fail(res, 400, "not a valid value", field);
	case USER_ENOTFOUND:
		return http_fail(res, 404, "no such user", NULL);
	case USER_EEXIST:
		return http_fail(res, 409, "that name is taken", "name");
	case USER_ESTATE:
		return http_fail(res, 409, "not allowed in the user's state", NULL);
	default:
		return HTTP_EFAIL;
	}
}

/* The answer of a session: {"user":{"name","role","mid"},"csrf","idle_seconds"}. */
static int session_reply(struct http_response *res, const char *name, int role, const char *mid,
                         const char *csrf)
{
	return http_reply(res, 200,
	                  json_pack("{s:{s:s, s:s, s:o}, s:s, s:i}", "user", "name", name, "role",
	                            user_role_name(role), "mid",
	                            mid[0] != '\0' ? json_string(mid) : json_null(), "csrf", csrf,
	                            "idle_seconds", USER_IDLE_SECONDS));
}

/* POST /api/v1/session {"name","password","totp"}: 200 and the cookie; 401 for any wrong
 * element (never saying which), 423 while locked. */
static int session_create(struct http_ctx *ctx, const struct http_request *req,
                          struct http_response *res)
{
	const char *name = NULL, *password = NULL, *code = NULL;
	char session[USER_TOKEN_LEN + 1];
	struct user_principal who;
	size_t n;
	int rc;

	if (ctx->users == NULL)
		return http_fail(res, 503, "this host signs no one in", NULL);
	if (http_body_string(req, res, "name", true, STORE_USER_NAME_MAX - 1, &name) != HTTP_OK ||
	    http_body_string(req, res, "password", true, PASSWORD_MAX, &password) != HTTP_OK ||
	    http_body_string(req, res, "totp", true, 8, &code) != HTTP_OK)
		return HTTP_OK;
	rc = user_signin(ctx->users, name, password, code, req->peer, req->now, session, &who);
	if (rc == USER_EDENIED)
		return http_fail(res, 401, "the name, password or code is wrong", NULL);
	if (rc == USER_ELOCKED)
		return http_fail(res, 423, "locked after too many failed sign-ins: try again later",
		                 NULL);
	if (rc != USER_OK)
		return HTTP_EFAIL;
	n = strlen("possum_session=") + USER_TOKEN_LEN + sizeof COOKIE_ATTRS;
	if ((res->set_cookie = malloc(n)) != NULL)
		snprintf(res->set_cookie, n, "possum_session=%s" COOKIE_ATTRS, session);
	crypto_wipe(session, sizeof session);
	rc = res->set_cookie != NULL ? session_reply(res, who.name, who.role, who.mid, who.csrf)
	                             : HTTP_EFAIL;
	crypto_wipe(&who, sizeof who);
	return rc;
}

/* GET /api/v1/session: the session's principal and CSRF token, or 401. */
static int session_get(struct http_ctx *ctx, const struct http_request *req,
                       struct http_response *res)
{
	(void)ctx;
	if (req->session == NULL || strncmp(req->who->actor, "user:", 5) != 0)
		return http_fail(res, 401, "not signed in", NULL);
	return session_reply(res, req->who->actor + 5, (int)req->who->role, req->who->mid,
	                     req->csrf);
}

/* DELETE /api/v1/session: signed out, the cookie cleared; 204. */
static int session_delete(struct http_ctx *ctx, const struct http_request *req,
                          struct http_response *res)
{
	int rc;

	if (req->session == NULL || ctx->users == NULL)
		return http_fail(res, 401, "not signed in", NULL);
	if ((rc = user_signout(ctx->users, req->session, req->now)) != USER_OK &&
	    rc != USER_ENOTFOUND)
		return HTTP_EFAIL;
	if ((res->set_cookie = strdup("possum_session=" COOKIE_ATTRS "; Max-Age=0")) == NULL)
		return HTTP_EFAIL;
	return http_reply_text(res, 204, "text/plain", strdup(""));
}

/* "data:image/png;base64,…" of text's QR code; NULL when it could not be made. */
static char *qr_data_url(const char *text)
{
	static const char prefix[] = "data:image/png;base64,";
	uint8_t *png = NULL;
	size_t len = 0;
	char *url = NULL;

	if (qr_png(text, QR_SCALE, &png, &len) != QR_OK)
		return NULL;
	if ((url = malloc(sizeof prefix + (len + 2) / 3 * 4)) != NULL) {
		memcpy(url, prefix, sizeof prefix - 1);
		EVP_EncodeBlock((unsigned char *)url + sizeof prefix - 1, png, (int)len);
	}
	free(png);
	return url;
}

/* GET /api/v1/enrol/{token}: {"name","otpauth","qr"} while the link is good, else 404. */
static int enrol_get(struct http_ctx *ctx, const struct http_request *req,
                     struct http_response *res)
{
	char name[STORE_USER_NAME_MAX], otpauth[USER_OTPAUTH_MAX], *qr;
	int rc;

	if (ctx->users == NULL)
		return http_fail(res, 503, "this host enrols no one", NULL);
	rc = user_enrol_info(ctx->users, req->args[0], req->now, name, otpauth);
	if (rc == USER_ENOTFOUND)
		return http_fail(res, 404, "no such enrolment link, or it was used or has expired",
		                 NULL);
	if (rc != USER_OK)
		return HTTP_EFAIL;
	if ((qr = qr_data_url(otpauth)) == NULL)
		rc = HTTP_EFAIL;
	else
		rc = http_reply(
		    res, 200,
		    json_pack("{s:s, s:s, s:s}", "name", name, "otpauth", otpauth, "qr", qr));
	crypto_wipe(otpauth, sizeof otpauth);
	if (qr != NULL)
		crypto_wipe(qr, strlen(qr));
	free(qr);
	return rc;
}

/* POST /api/v1/enrol/{token} {"password"}: the password set, 204; the link used up. */
static int enrol_post(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	const char *password = NULL;
	int rc;

	if (ctx->users == NULL)
		return http_fail(res, 503, "this host enrols no one", NULL);
	if (http_body_string(req, res, "password", true, PASSWORD_MAX, &password) != HTTP_OK)
		return HTTP_OK;
	rc = user_enrol(ctx->users, req->args[0], password, req->now);
	if (rc == USER_EARG)
		return http_fail(res, 400, "a password of at least 12 characters", "password");
	if (rc == USER_ENOTFOUND)
		return http_fail(res, 404, "no such enrolment link, or it was used or has expired",
		                 NULL);
	if (rc != USER_OK)
		return HTTP_EFAIL;
	return http_reply_text(res, 204, "text/plain", strdup(""));
}

static int append_user(void *arg, const struct store_user *row)
{
	json_t *items = arg;

	return json_array_append_new(items, user_json(row, 0)) != 0;
}

/* GET /api/v1/users: every user, by name. */
static int users_list(struct http_ctx *ctx, const struct http_request *req,
                      struct http_response *res)
{
	json_t *items = json_array();

	(void)req;
	if (ctx->users == NULL || items == NULL) {
		json_decref(items);
		return HTTP_EFAIL;
	}
	return http_reply_page(res, user_list(ctx->users, append_user, items) == USER_OK, items,
	                       NULL);
}

/* POST /api/v1/users {"name","role","mid"}: 201 {"name","role","mid","otpauth","enrol"}. */
static int users_create(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res)
{
	const char *name = NULL, *role_name = NULL, *mid = NULL;
	struct user_made made;
	char enrol[USER_TOKEN_LEN + 16];
	int role, rc;

	if (ctx->users == NULL)
		return HTTP_EFAIL;
	if (http_body_string(req, res, "name", true, STORE_USER_NAME_MAX - 1, &name) != HTTP_OK ||
	    http_body_string(req, res, "role", true, 16, &role_name) != HTTP_OK ||
	    http_body_string(req, res, "mid", false, 15, &mid) != HTTP_OK)
		return HTTP_OK;
	if (user_role_parse(role_name, &role) != USER_OK)
		return http_fail(res, 400, "role must be operator, merchant or auditor", "role");
	if ((role == USER_MERCHANT) != (mid != NULL))
		return http_fail(res, 400, "mid goes with the merchant role, and only", "mid");
	rc = user_create(ctx->users, req->who->actor, name, role, mid, req->now, &made);
	if (rc == USER_ENOTFOUND)
		return http_fail(res, 404, "no such merchant", "mid");
	if (rc != USER_OK)
		return user_fail(res, rc, "name");
	snprintf(enrol, sizeof enrol, "/#/enrol/%s", made.enrol);
	rc = http_reply(res, 201,
	                json_pack("{s:s, s:s, s:o, s:s, s:s}", "name", name, "role", role_name,
	                          "mid", mid != NULL ? json_string(mid) : json_null(), "otpauth",
	                          made.otpauth, "enrol", enrol));
	crypto_wipe(&made, sizeof made);
	crypto_wipe(enrol, sizeof enrol);
	return rc;
}

/* POST /api/v1/users/{name}/disable and /unlock: 200 and the user as it is now. */
static int users_change(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res, bool disable)
{
	struct store_user row;
	int rc = ctx->users == NULL ? USER_ESTORE
	         : disable ? user_disable(ctx->users, req->who->actor, req->args[0], req->now)
	                   : user_unlock(ctx->users, req->who->actor, req->args[0], req->now);

	if (rc != USER_OK)
		return user_fail(res, rc, NULL);
	if (store_user_get(ctx->store, req->args[0], &row) != STORE_OK)
		return HTTP_EFAIL;
	crypto_wipe(row.password, sizeof row.password);
	return http_reply(res, 200, user_json(&row, ctx->utc_offset));
}

static int users_disable(struct http_ctx *ctx, const struct http_request *req,
                         struct http_response *res)
{
	return users_change(ctx, req, res, true);
}

static int users_unlock(struct http_ctx *ctx, const struct http_request *req,
                        struct http_response *res)
{
	return users_change(ctx, req, res, false);
}

const struct http_route http_routes_user[] = {
    {"POST", "/api/v1/session", HTTP_PUBLIC, session_create},
    {"GET", "/api/v1/session", HTTP_PUBLIC, session_get},
    {"DELETE", "/api/v1/session", HTTP_ROLES_ALL, session_delete},
    {"GET", "/api/v1/enrol/{}", HTTP_PUBLIC, enrol_get},
    {"POST", "/api/v1/enrol/{}", HTTP_PUBLIC, enrol_post},
    {"GET", "/api/v1/users", HTTP_ROLE_OPERATOR | HTTP_ROLE_AUDITOR, users_list},
    {"POST", "/api/v1/users", HTTP_ROLE_OPERATOR, users_create},
    {"POST", "/api/v1/users/{}/disable", HTTP_ROLE_OPERATOR, users_disable},
    {"POST", "/api/v1/users/{}/unlock", HTTP_ROLE_OPERATOR, users_unlock},
};
const size_t http_routes_user_n = sizeof http_routes_user / sizeof http_routes_user[0];
