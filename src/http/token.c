/* token.c — API tokens: made from OpenSSL's random bytes and shown once, kept as their SHA-256
 * only, each creation and revocation committed with its audit entry; and the check of the
 * token a request presents. */
#include "http/http.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "audit/audit.h"
#include "common/hex.h"
#include "common/jsonval.h"
#include "common/text.h"
#include "crypto/crypto.h"
#include "store/store_acquirer.h"
#include "store/store_http.h"

static const char *const role_names[] = {
    [HTTP_ROLE_OPERATOR] = "operator",
    [HTTP_ROLE_MERCHANT] = "merchant",
    [HTTP_ROLE_AUDITOR] = "auditor",
};

const char *http_role_name(enum http_role role)
{
	if ((unsigned)role >= sizeof role_names / sizeof role_names[0])
		return NULL;
	return role_names[role];
}

int http_role_parse(const char *name, enum http_role *out)
{
	for (size_t i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
		if (role_names[i] != NULL && name != NULL && strcmp(role_names[i], name) == 0) {
			*out = (enum http_role)i;
			return HTTP_OK;
		}
	return HTTP_EARG;
}

/* The SHA-256 of token, as 64 hex digits. */
static int token_hash(const char *token, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;

	if (EVP_Digest(token, strlen(token), md, &md_len, EVP_sha256(), NULL) != 1 || md_len != 32)
		return HTTP_EFAIL;
	hex_encode(md, md_len, out, 65);
	return HTTP_OK;
}

json_t *http_token_made_json(int64_t id, const char *role, const char *mid, const char *label,
                             const char *token)
{
	return json_pack("{s:I, s:s, s:o, s:s, s:s}", "id", (json_int_t)id, "role", role, "mid",
	                 mid != NULL ? json_string(mid) : json_null(), "label",
	                 label != NULL ? label : "", "token", token);
}

/* What an auditor may see of a token: never the token or its hash. */
static json_t *token_state(const struct store_http_token *t)
{
	json_t *o =
	    json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)t->id, "role",
	              http_role_name(t->role), "label", t->label, "created_at",
	              jsonval_time(t->created_at, 0), "revoked_at", jsonval_time(t->revoked_at, 0));

	if (o != NULL && t->mid[0] != '\0')
		json_object_set_new(o, "mid", json_string(t->mid));
	return o;
}

/* The object name of token id in the audit log: "token:ID". */
static void token_object(int64_t id, char out[32])
{
	snprintf(out, 32, "token:%lld", (long long)id);
}

static int from_store(int rc)
{
	return rc == STORE_OK ? HTTP_OK : rc == STORE_ENOTFOUND ? HTTP_ENOTFOUND : HTTP_ESTORE;
}

int http_token_create(store *s, const char *actor, enum http_role role, const char *mid,
                      const char *label, int64_t now, char token[HTTP_TOKEN_LEN + 1], int64_t *id)
{
	struct store_http_token t = {.role = role, .created_at = now};
	struct store_merchant m;
	uint8_t secret[HTTP_TOKEN_LEN / 2];
	char object[32];
	json_t *after = NULL;
	int rc;

	if (http_role_name(role) == NULL || (role == HTTP_ROLE_MERCHANT) != (mid != NULL) ||
	    (mid != NULL && strlen(mid) >= sizeof t.mid) ||
	    (label != NULL && !text_is_line(label, sizeof t.label - 1)))
		return HTTP_EARG;
	if (mid != NULL)
		strcpy(t.mid, mid);
	if (label != NULL)
		strcpy(t.label, label);
	if (RAND_bytes(secret, sizeof secret) != 1)
		return HTTP_EFAIL;
	hex_encode(secret, sizeof secret, token, HTTP_TOKEN_LEN + 1);
	crypto_wipe(secret, sizeof secret);
	if ((rc = token_hash(token, t.hash)) != HTTP_OK)
		goto fail;
	if (store_begin(s) != STORE_OK) {
		rc = HTTP_ESTORE;
		goto fail;
	}
	if ((mid != NULL && (rc = from_store(store_merchant_get(s, mid, &m))) != HTTP_OK) ||
	    (rc = from_store(store_http_token_insert(s, &t))) != HTTP_OK)
		goto rollback;
	token_object(t.id, object);
	if ((after = token_state(&t)) == NULL) {
		rc = HTTP_ENOMEM;
		goto rollback;
	}
	if (audit_record(s, actor, "token.create", object, NULL, after, now) != AUDIT_OK) {
		rc = HTTP_ESTORE;
		goto rollback;
	}
	json_decref(after);
	if (store_commit(s) != STORE_OK) {
		rc = HTTP_ESTORE;
		goto fail;
	}
	*id = t.id;
	return HTTP_OK;
rollback:
	json_decref(after);
	store_rollback(s);
fail:
	crypto_wipe(token, HTTP_TOKEN_LEN + 1);
	return rc;
}

int http_token_revoke(store *s, const char *actor, int64_t id, int64_t now)
{
	struct store_http_token t;
	char object[32];
	json_t *before = NULL, *after = NULL;
	int rc;

	if (store_begin(s) != STORE_OK)
		return HTTP_ESTORE;
	if ((rc = from_store(store_http_token_get(s, id, &t))) != HTTP_OK)
		goto out;
	if (t.revoked_at != 0) {
		rc = HTTP_ENOTFOUND;
		goto out;
	}
	before = token_state(&t);
	t.revoked_at = now;
	after = token_state(&t);
	token_object(id, object);
	if (before == NULL || after == NULL)
		rc = HTTP_ENOMEM;
	else if ((rc = from_store(store_http_token_revoke(s, id, now))) == HTTP_OK &&
	         audit_record(s, actor, "token.revoke", object, before, after, now) != AUDIT_OK)
		rc = HTTP_ESTORE;
out:
	json_decref(before);
	json_decref(after);
	if (rc != HTTP_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s) == STORE_OK ? HTTP_OK : HTTP_ESTORE;
}

int http_token_check(store *s, const char *token, struct http_principal *out)
{
	struct store_http_token t;
	char hash[65];
	int rc;

	if (token == NULL || strlen(token) != HTTP_TOKEN_LEN ||
	    strspn(token, "0123456789ABCDEF") != HTTP_TOKEN_LEN)
		return HTTP_EDENIED;
	if (token_hash(token, hash) != HTTP_OK)
		return HTTP_EFAIL;
	if ((rc = store_http_token_by_hash(s, hash, &t)) != STORE_OK)
		return rc == STORE_ENOTFOUND ? HTTP_EDENIED : HTTP_ESTORE;
	if (t.revoked_at != 0 || http_role_name(t.role) == NULL)
		return HTTP_EDENIED;
	memset(out, 0, sizeof *out);
	out->token_id = t.id;
	out->role = (enum http_role)t.role;
	assert(sizeof out->mid == sizeof t.mid);
	memcpy(out->mid, t.mid, sizeof out->mid);
	snprintf(out->actor, sizeof out->actor, "token:%lld", (long long)t.id);
	return HTTP_OK;
}
