/* session.c — signing in with name, password and TOTP code (counting failures, locking after
 * USER_LOCK_FAILURES, refusing a code's step used before), the sessions it opens, their idle
 * expiry, and signing out; each sign-in, failure, lock and sign-out in the audit log. */
#include "user/internal.h"

#include <stdio.h>
#include <string.h>

#include "common/text.h"
#include "crypto/crypto.h"
#include "crypto/password.h"

/* An Argon2id hash of nothing anyone's password is, of possum's parameters: verified against
 * when the name is unknown, so that an unknown name costs what a known one does and the
 * answer's time does not tell which names exist. */
static const char dummy_hash[] = "$argon2id$v=19$m=19456,t=2,p=1$cG9zc3VtLmR1bW15LnNsdA$"
                                 "eo4afzCDstA0LdudnmV5R638ARY7O89gaoICZvxzSQ8";

/* Whether password and code are row's: USER_OK with *step the code's, else why not (for the
 * audit log, never the caller's answer). */
static int check_factors(user_module *u, const struct store_user *row, const char *password,
                         const char *code, int64_t now, int64_t *step, const char **why)
{
	uint8_t key[TOTP_SECRET_LEN];
	int rc;

	*why = "state";
	if (row->state != USER_ACTIVE)
		return USER_EDENIED;
	*why = "password";
	if ((rc = password_verify(row->password, password)) != CRYPTO_OK)
		return rc == CRYPTO_ENOMEM ? USER_ENOMEM : USER_EDENIED;
	*why = "code";
	if ((rc = user_secret_open(u, row, key)) != USER_OK)
		return rc;
	rc = totp_verify(key, sizeof key, code, now, row->totp_last, step);
	crypto_wipe(key, sizeof key);
	return rc == CRYPTO_OK ? USER_OK : USER_EDENIED;
}

/* A failure on row (read again inside the transaction): counted, and the user locked at
 * USER_LOCK_FAILURES; USER_EDENIED, USER_ELOCKED (just locked) or the store's failure. */
static int count_failure(user_module *u, struct store_user *row, json_t *extra, int64_t now)
{
	struct store_user before = *row;
	bool locks = row->failures + 1 >= USER_LOCK_FAILURES;
	int rc;

	row->failures = locks ? 0 : row->failures + 1;
	if (locks)
		row->locked_until = now + USER_LOCK_SECONDS;
	if ((rc = user_from_store(store_user_update(u->s, row))) != USER_OK ||
	    (rc = user_audit(u, "anonymous", "user.signin_failed", &before, row, extra, now)) !=
	        USER_OK ||
	    (locks &&
	     (rc = user_audit(u, "host", "user.locked", &before, row, NULL, now)) != USER_OK))
		return rc;
	return locks ? USER_ELOCKED : USER_EDENIED;
}

/* Whom a session of row with csrf names. */
static void principal_of(const struct store_user *row, const char *csrf, struct user_principal *who)
{
	memset(who, 0, sizeof *who);
	strcpy(who->name, row->name);
	who->role = row->role;
	strcpy(who->mid, row->mid);
	strcpy(who->csrf, csrf);
}

/* The session opened for row at now: its id into session, *who filled. */
static int open_session(user_module *u, const struct store_user *row, int64_t now,
                        char session[USER_TOKEN_LEN + 1], struct user_principal *who)
{
	struct store_user_session ss = {.user_id = row->id,
	                                .created_at = now,
	                                .last_seen = now,
	                                .expires_at = now + USER_IDLE_SECONDS};
	int rc;

	if ((rc = user_token_new(session, ss.hash)) != USER_OK ||
	    (rc = user_token_new(ss.csrf, NULL)) != USER_OK ||
	    (rc = user_from_store(store_user_session_expire(u->s, now))) != USER_OK)
		return rc; /* the sessions left idle go as a new one comes */
	if ((rc = user_from_store(store_user_session_insert(u->s, &ss))) != USER_OK)
		return rc;
	principal_of(row, ss.csrf, who);
	return USER_OK;
}

/* The code's step taken on row (read in the transaction) for a sign-in: USER_OK, row written;
 * USER_EDENIED when another sign-in took the step first (a replay, perhaps on another host),
 * row read again (as that one left it: its failure is counted on it, not on what it undid);
 * or the store's failure. */
static int take_step(user_module *u, struct store_user *row, int64_t step)
{
	int rc;

	if (step <= row->totp_last)
		return USER_EDENIED;
	row->failures = 0;
	row->totp_last = step;
	if ((rc = user_from_store(store_user_signin(u->s, row))) != USER_ENOTFOUND)
		return rc;
	crypto_wipe(row->password, sizeof row->password);
	rc = user_from_store(store_user_get_id(u->s, row->id, row));
	return rc == USER_OK ? USER_EDENIED : rc;
}

/* The sign-in's transaction: the row read again and locked (another host's sign-in of the user
 * waits), the code's step taken (a code used meanwhile, here or on another host, is refused),
 * then the failure counted or the session opened, with their audit entries. */
static int signin_commit(user_module *u, const char *name, int verdict, int64_t step, json_t *extra,
                         int64_t now, char session[USER_TOKEN_LEN + 1], struct user_principal *who)
{
	struct store_user row, before;
	char actor[STORE_USER_NAME_MAX + 5];
	int rc;

	if (store_begin(u->s) != STORE_OK)
		return USER_ESTORE;
	if ((rc = user_from_store(store_user_lock(u->s, name, &row))) != USER_OK)
		goto out;
	before = row;
	if (verdict == USER_OK && (verdict = take_step(u, &row, step)) != USER_OK &&
	    verdict != USER_EDENIED) {
		rc = verdict;
		goto out;
	}
	if (verdict != USER_OK) {
		/* The failure is kept: committed, and then refused. */
		if ((rc = count_failure(u, &row, extra, now)) == USER_EDENIED || rc == USER_ELOCKED)
			rc = user_end(u, USER_OK) == USER_OK ? rc : USER_ESTORE;
		else
			rc = user_end(u, rc);
		goto done;
	}
	snprintf(actor, sizeof actor, "user:%s", row.name);
	if ((rc = open_session(u, &row, now, session, who)) == USER_OK)
		rc = user_audit(u, actor, "user.signin", &before, &row, extra, now);
out:
	rc = user_end(u, rc);
done:
	crypto_wipe(row.password, sizeof row.password);
	return rc;
}

/* A sign-in while locked: audited, USER_ELOCKED. */
static int audit_locked_out(user_module *u, const struct store_user *row, json_t *extra,
                            int64_t now)
{
	int rc;

	if (store_begin(u->s) != STORE_OK)
		return USER_ESTORE;
	rc = user_end(u, user_audit(u, "anonymous", "user.signin_failed", NULL, row, extra, now));
	return rc == USER_OK ? USER_ELOCKED : rc;
}

int user_signin(user_module *u, const char *name, const char *password, const char *code,
                const char *peer, int64_t now, char session[USER_TOKEN_LEN + 1],
                struct user_principal *who)
{
	struct store_user row;
	const char *why = "unknown";
	int64_t step = 0;
	json_t *extra;
	int rc;

	if (name == NULL || password == NULL || code == NULL ||
	    !text_is_line(name, STORE_USER_NAME_MAX - 1))
		return USER_EDENIED;
	if ((rc = user_from_store(store_user_get(u->s, name, &row))) == USER_ENOTFOUND) {
		(void)password_verify(dummy_hash, password);
		return USER_EDENIED; /* nobody to count it against */
	}
	if (rc != USER_OK)
		return rc;
	if (row.locked_until > now)
		rc = USER_ELOCKED;
	else if ((rc = check_factors(u, &row, password, code, now, &step, &why)) != USER_OK &&
	         rc != USER_EDENIED)
		goto out;
	extra = json_pack("{s:s, s:s}", "peer", peer != NULL ? peer : "", "result",
	                  rc == USER_OK        ? "ok"
	                  : rc == USER_ELOCKED ? "locked"
	                                       : why);
	if (extra == NULL) {
		rc = USER_ENOMEM;
		goto out;
	}
	if (rc == USER_ELOCKED) /* audited, not counted: the lock runs its time */
		rc = audit_locked_out(u, &row, extra, now);
	else
		rc = signin_commit(u, name, rc, step, extra, now, session, who);
	json_decref(extra);
out:
	crypto_wipe(row.password, sizeof row.password);
	return rc;
}

int user_session_check(user_module *u, const char *session, int64_t now, struct user_principal *who)
{
	struct store_user_session ss;
	struct store_user row;
	char hash[65];
	int rc;

	if (user_token_hash(session, hash) != USER_OK)
		return USER_EDENIED;
	if ((rc = user_from_store(store_user_session_get(u->s, hash, &ss))) != USER_OK)
		return rc == USER_ENOTFOUND ? USER_EDENIED : rc;
	if (now >= ss.expires_at) {
		rc = user_from_store(store_user_session_delete(u->s, hash));
		return rc == USER_OK || rc == USER_ENOTFOUND ? USER_EDENIED : rc;
	}
	if ((rc = user_from_store(store_user_get_id(u->s, ss.user_id, &row))) != USER_OK)
		return rc == USER_ENOTFOUND ? USER_EDENIED : rc;
	crypto_wipe(row.password, sizeof row.password);
	if (row.state != USER_ACTIVE)
		return USER_EDENIED;
	ss.last_seen = now;
	ss.expires_at = now + USER_IDLE_SECONDS;
	if ((rc = user_from_store(store_user_session_touch(u->s, &ss))) != USER_OK)
		return rc == USER_ENOTFOUND ? USER_EDENIED : rc;
	principal_of(&row, ss.csrf, who);
	return USER_OK;
}

int user_signout(user_module *u, const char *session, int64_t now)
{
	struct store_user_session ss;
	struct store_user row;
	char hash[65], actor[STORE_USER_NAME_MAX + 5];
	int rc;

	if (user_token_hash(session, hash) != USER_OK)
		return USER_ENOTFOUND;
	if (store_begin(u->s) != STORE_OK)
		return USER_ESTORE;
	if ((rc = user_from_store(store_user_session_get(u->s, hash, &ss))) == USER_OK &&
	    (rc = user_from_store(store_user_get_id(u->s, ss.user_id, &row))) == USER_OK &&
	    (rc = user_from_store(store_user_session_delete(u->s, hash))) == USER_OK) {
		snprintf(actor, sizeof actor, "user:%s", row.name);
		rc = user_audit(u, actor, "user.signout", NULL, &row, NULL, now);
		crypto_wipe(row.password, sizeof row.password);
	}
	return user_end(u, rc);
}
