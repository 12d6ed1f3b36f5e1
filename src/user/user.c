/* user.c — the user module's handle, names and codes, its tokens and their hashes, the TOTP
 * secret's sealing and URI, what is shown of a user and its audit entries. */
#include "user/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "audit/audit.h"
#include "common/hex.h"
#include "common/jsonval.h"
#include "crypto/crypto.h"

const struct hsm_key_spec user_key_specs[1] = {{"D0", HSM_AES, 32, 'B', 'N'}};
const char *const user_key_names[1] = {"user.data"};

static const char *const role_names[] = {
    [USER_OPERATOR] = "operator",
    [USER_MERCHANT] = "merchant",
    [USER_AUDITOR] = "auditor",
};
static const char *const state_names[] = {
    [USER_ENROLLING] = "enrolling",
    [USER_ACTIVE] = "active",
    [USER_DISABLED] = "disabled",
};

const char *user_strerror(int rc)
{
	static const char *const names[] = {
	    "ok",
	    "bad argument",
	    "the store failed",
	    "the hsm failed",
	    "not found",
	    "name taken",
	    "sign-in refused",
	    "locked out for now",
	    "not allowed in the user's state",
	    "out of memory",
	};

	if (rc > 0 || (size_t)-rc >= sizeof names / sizeof names[0])
		return "unknown user error";
	return names[-rc];
}

const char *user_role_name(int role)
{
	if (role < 0 || (size_t)role >= sizeof role_names / sizeof role_names[0])
		return NULL;
	return role_names[role];
}

int user_role_parse(const char *name, int *out)
{
	for (size_t i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
		if (role_names[i] != NULL && name != NULL && strcmp(role_names[i], name) == 0) {
			*out = (int)i;
			return USER_OK;
		}
	return USER_EARG;
}

const char *user_state_name(int state)
{
	if (state < 0 || (size_t)state >= sizeof state_names / sizeof state_names[0] ||
	    state_names[state] == NULL)
		return "unknown";
	return state_names[state];
}

int user_open(store *s, hsm *h, const hsm_key *data, user_module **out)
{
	user_module *u;

	*out = NULL;
	if (s == NULL || h == NULL || data == NULL)
		return USER_EARG;
	if ((u = calloc(1, sizeof *u)) == NULL)
		return USER_ENOMEM;
	u->s = s;
	u->h = h;
	u->data = *data;
	*out = u;
	return USER_OK;
}

void user_close(user_module *u)
{
	if (u == NULL)
		return;
	crypto_wipe(&u->data, sizeof u->data);
	free(u);
}

int user_from_store(int rc)
{
	switch (rc) {
	case STORE_OK:
		return USER_OK;
	case STORE_ENOTFOUND:
		return USER_ENOTFOUND;
	case STORE_EEXIST:
		return USER_EEXIST;
	case STORE_ENOMEM:
		return USER_ENOMEM;
	default:
		return USER_ESTORE;
	}
}

int user_token_hash(const char *token, char hash[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;

	if (token == NULL || strlen(token) != USER_TOKEN_LEN ||
	    strspn(token, "0123456789ABCDEF") != USER_TOKEN_LEN)
		return USER_EDENIED;
	if (EVP_Digest(token, USER_TOKEN_LEN, md, &md_len, EVP_sha256(), NULL) != 1 || md_len != 32)
		return USER_EHSM;
	hex_encode(md, md_len, hash, 65);
	return USER_OK;
}

int user_token_new(char token[USER_TOKEN_LEN + 1], char hash[65])
{
	uint8_t raw[USER_TOKEN_LEN / 2];
	int rc = USER_OK;

	if (RAND_bytes(raw, sizeof raw) != 1)
		return USER_EHSM;
	hex_encode(raw, sizeof raw, token, USER_TOKEN_LEN + 1);
	crypto_wipe(raw, sizeof raw);
	if (hash != NULL && (rc = user_token_hash(token, hash)) != USER_OK)
		crypto_wipe(token, USER_TOKEN_LEN + 1);
	return rc;
}

int user_secret_open(user_module *u, const struct store_user *row, uint8_t key[TOTP_SECRET_LEN])
{
	size_t len = 0;
	int rc = hsm_data_decrypt(u->h, &u->data, (const uint8_t *)row->name, strlen(row->name),
	                          row->totp.v, row->totp.len, key, TOTP_SECRET_LEN, &len);

	if (rc != HSM_OK || len != TOTP_SECRET_LEN) {
		crypto_wipe(key, TOTP_SECRET_LEN);
		return USER_EHSM;
	}
	return USER_OK;
}

int user_otpauth(user_module *u, const struct store_user *row, char out[USER_OTPAUTH_MAX])
{
	uint8_t key[TOTP_SECRET_LEN];
	char b32[TOTP_B32_MAX];
	int rc;

	if ((rc = user_secret_open(u, row, key)) != USER_OK)
		return rc;
	if (totp_base32_encode(key, sizeof key, b32, sizeof b32) != CRYPTO_OK)
		rc = USER_EARG;
	else if (snprintf(out, USER_OTPAUTH_MAX,
	                  "otpauth://totp/" USER_ISSUER ":%s?secret=%s&issuer=" USER_ISSUER
	                  "&algorithm=SHA1&digits=%d&period=%d",
	                  row->name, b32, TOTP_DIGITS, TOTP_STEP) >= USER_OTPAUTH_MAX)
		rc = USER_EARG;
	crypto_wipe(key, sizeof key);
	crypto_wipe(b32, sizeof b32);
	return rc;
}

json_t *user_json(const struct store_user *row, int utc_offset)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:o, s:o}", "name", row->name, "role",
	                 user_role_name(row->role) != NULL ? user_role_name(row->role) : "unknown",
	                 "mid", row->mid[0] != '\0' ? json_string(row->mid) : json_null(), "state",
	                 user_state_name(row->state), "locked_until",
	                 jsonval_time(row->locked_until, utc_offset), "created",
	                 jsonval_time(row->created_at, utc_offset));
}

int user_audit(user_module *u, const char *actor, const char *action,
               const struct store_user *before, const struct store_user *after, json_t *extra,
               int64_t now)
{
	char object[STORE_AUDIT_OBJECT_MAX];
	json_t *b = before != NULL ? user_json(before, 0) : NULL;
	json_t *a = after != NULL ? user_json(after, 0) : json_object();
	int rc = USER_OK;

	snprintf(object, sizeof object, "user:%s", after != NULL ? after->name : before->name);
	if ((before != NULL && b == NULL) || a == NULL ||
	    (extra != NULL && json_object_update(a, extra) != 0))
		rc = USER_ENOMEM;
	else if (audit_record(u->s, actor, action, object, b, a, now) != AUDIT_OK)
		rc = USER_ESTORE;
	json_decref(b);
	json_decref(a);
	return rc;
}

int user_end(user_module *u, int rc)
{
	if (rc != USER_OK) {
		store_rollback(u->s);
		return rc;
	}
	return store_commit(u->s) == STORE_OK ? USER_OK : USER_ESTORE;
}
