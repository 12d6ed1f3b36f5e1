/* enrol.c — a user's life: made by an operator with a sealed TOTP secret and an enrolment
 * token, its password set once through the token (or by the command line), disabled and
 * unlocked; and what the command line reads of it. */
#include "user/internal.h"

#include <string.h>

#include <openssl/rand.h>

#include "crypto/crypto.h"
#include "crypto/password.h"
#include "store/store_acquirer.h"

/* 1 to 32 of a-z, 0-9, '.', '_', '-'. */
static bool name_ok(const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;

	return n >= 1 && n < STORE_USER_NAME_MAX &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* A new secret sealed into row->totp (the name as associated data). */
static int seal_secret(user_module *u, struct store_user *row)
{
	uint8_t key[TOTP_SECRET_LEN];
	int rc = USER_OK;

	if (RAND_bytes(key, sizeof key) != 1)
		return USER_EHSM;
	if (hsm_data_encrypt(u->h, &u->data, (const uint8_t *)row->name, strlen(row->name), key,
	                     sizeof key, row->totp.v, sizeof row->totp.v, &row->totp.len) != HSM_OK)
		rc = USER_EHSM;
	crypto_wipe(key, sizeof key);
	return rc;
}

static int check_new(user_module *u, const char *name, int role, const char *mid)
{
	struct store_merchant m;

	if (!name_ok(name) || user_role_name(role) == NULL ||
	    (role == USER_MERCHANT) != (mid != NULL) ||
	    (mid != NULL && strlen(mid) >= sizeof m.mid))
		return USER_EARG;
	return mid != NULL ? user_from_store(store_merchant_get(u->s, mid, &m)) : USER_OK;
}

int user_create(user_module *u, const char *actor, const char *name, int role, const char *mid,
                int64_t now, struct user_made *out)
{
	struct store_user row = {.role = role, .state = USER_ENROLLING, .created_at = now};
	int rc;

	if (!name_ok(name))
		return USER_EARG;
	strcpy(row.name, name);
	if (mid != NULL && strlen(mid) < sizeof row.mid)
		strcpy(row.mid, mid);
	if ((rc = seal_secret(u, &row)) != USER_OK ||
	    (rc = user_token_new(out->enrol, row.enrol_hash)) != USER_OK ||
	    (rc = user_otpauth(u, &row, out->otpauth)) != USER_OK)
		goto fail;
	row.enrol_expires = now + USER_ENROL_SECONDS;
	if (store_begin(u->s) != STORE_OK) {
		rc = USER_ESTORE;
		goto fail;
	}
	if ((rc = check_new(u, name, role, mid)) == USER_OK &&
	    (rc = user_from_store(store_user_insert(u->s, &row))) == USER_OK)
		rc = user_audit(u, actor, "user.create", NULL, &row, NULL, now);
	if ((rc = user_end(u, rc)) == USER_OK)
		return USER_OK;
fail:
	crypto_wipe(out, sizeof *out);
	return rc;
}

/* The user of an enrolment token still valid, inside no transaction. */
static int by_token(user_module *u, const char *token, int64_t now, struct store_user *row)
{
	char hash[65];
	int rc;

	if (user_token_hash(token, hash) != USER_OK)
		return USER_ENOTFOUND;
	if ((rc = user_from_store(store_user_by_enrol(u->s, hash, row))) != USER_OK)
		return rc;
	if (row->state != USER_ENROLLING || now >= row->enrol_expires)
		return USER_ENOTFOUND;
	return USER_OK;
}

int user_enrol_info(user_module *u, const char *token, int64_t now, char name[STORE_USER_NAME_MAX],
                    char otpauth[USER_OTPAUTH_MAX])
{
	struct store_user row;
	int rc;

	if ((rc = by_token(u, token, now, &row)) != USER_OK)
		return rc;
	strcpy(name, row.name);
	return user_otpauth(u, &row, otpauth);
}

/* Sets row's password (hashed) and makes it active, audited as action by actor. */
static int set_password(user_module *u, const char *actor, const char *action,
                        struct store_user *row, const char *password, int64_t now)
{
	struct store_user before = *row;
	int rc;

	rc = password_hash(password, row->password);
	if (rc == CRYPTO_ELEN)
		return USER_EARG;
	if (rc != CRYPTO_OK)
		return rc == CRYPTO_ENOMEM ? USER_ENOMEM : USER_EHSM;
	row->state = USER_ACTIVE;
	row->enrol_hash[0] = '\0';
	row->enrol_expires = 0;
	row->failures = 0;
	row->locked_until = 0;
	if ((rc = user_from_store(store_user_update(u->s, row))) == USER_OK)
		rc = user_audit(u, actor, action, &before, row, NULL, now);
	return rc;
}

int user_enrol(user_module *u, const char *token, const char *password, int64_t now)
{
	struct store_user row;
	char actor[STORE_USER_NAME_MAX + 5];
	int rc;

	if (password == NULL || strlen(password) < PASSWORD_MIN || strlen(password) > PASSWORD_MAX)
		return USER_EARG;
	if (store_begin(u->s) != STORE_OK)
		return USER_ESTORE;
	if ((rc = by_token(u, token, now, &row)) == USER_OK) {
		snprintf(actor, sizeof actor, "user:%s", row.name);
		rc = set_password(u, actor, "user.enrol", &row, password, now);
	}
	crypto_wipe(row.password, sizeof row.password);
	return user_end(u, rc);
}

int user_set_password(user_module *u, const char *actor, const char *name, const char *password,
                      int64_t now)
{
	struct store_user row;
	int rc;

	if (password == NULL || strlen(password) < PASSWORD_MIN || strlen(password) > PASSWORD_MAX)
		return USER_EARG;
	if (store_begin(u->s) != STORE_OK)
		return USER_ESTORE;
	if ((rc = user_from_store(store_user_get(u->s, name, &row))) == USER_OK)
		rc = row.state == USER_DISABLED
		         ? USER_ESTATE
		         : set_password(u, actor, "user.password", &row, password, now);
	crypto_wipe(row.password, sizeof row.password);
	return user_end(u, rc);
}

/* Disables (disable) or unlocks name, as actor. */
static int change_state(user_module *u, const char *actor, const char *name, bool disable,
                        int64_t now)
{
	struct store_user row, before;
	int rc;

	if (store_begin(u->s) != STORE_OK)
		return USER_ESTORE;
	if ((rc = user_from_store(store_user_get(u->s, name, &row))) != USER_OK)
		goto out;
	before = row;
	if (disable) {
		row.state = USER_DISABLED;
	} else {
		row.state = row.password[0] != '\0' ? USER_ACTIVE : USER_ENROLLING;
		row.failures = 0;
		row.locked_until = 0;
	}
	if ((rc = user_from_store(store_user_update(u->s, &row))) == USER_OK &&
	    (!disable ||
	     (rc = user_from_store(store_user_session_delete_user(u->s, row.id))) == USER_OK))
		rc = user_audit(u, actor, disable ? "user.disable" : "user.unlock", &before, &row,
		                NULL, now);
out:
	crypto_wipe(row.password, sizeof row.password);
	return user_end(u, rc);
}

int user_disable(user_module *u, const char *actor, const char *name, int64_t now)
{
	return change_state(u, actor, name, true, now);
}

int user_unlock(user_module *u, const char *actor, const char *name, int64_t now)
{
	return change_state(u, actor, name, false, now);
}

int user_totp_now(user_module *u, const char *name, int64_t now, char code[7])
{
	struct store_user row;
	uint8_t key[TOTP_SECRET_LEN];
	char out[9];
	int rc;

	if ((rc = user_from_store(store_user_get(u->s, name, &row))) != USER_OK ||
	    (rc = user_secret_open(u, &row, key)) != USER_OK)
		return rc;
	if (totp_code(key, sizeof key, totp_step(now), TOTP_DIGITS, out) != CRYPTO_OK)
		rc = USER_EHSM;
	else
		memcpy(code, out, 7);
	crypto_wipe(key, sizeof key);
	crypto_wipe(out, sizeof out);
	return rc;
}

int user_list(user_module *u, int (*fn)(void *ctx, const struct store_user *row), void *ctx)
{
	return user_from_store(store_user_list(u->s, fn, ctx));
}
