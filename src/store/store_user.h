/* store_user.h — the user module's part of the storage interface: people who sign in to the
 * console (user/user.h) and their sessions. A user's password is kept only as its Argon2id
 * hash, its TOTP secret only sealed by the HSM, its enrolment token and each session's id only
 * as their SHA-256 (64 hex digits).
 *
 * Functions return STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_USER_H
#define POSSUM_STORE_USER_H

#include <stdint.h>

#include "store/store.h"

#define STORE_USER_NAME_MAX     33  /* bytes of a name, with its NUL */
#define STORE_USER_PASSWORD_MAX 128 /* bytes of an encoded Argon2id hash, with its NUL */

struct store_user {
	int64_t id;
	char name[STORE_USER_NAME_MAX];
	int role;                               /* enum user_role */
	char mid[16];                           /* a merchant user's MID; "" for the other roles */
	char password[STORE_USER_PASSWORD_MAX]; /* "" until enrolled */
	struct store_sealed totp;               /* the TOTP secret, sealed */
	int state;                              /* enum user_state */
	int failures;                           /* failed sign-ins in a row */
	int64_t locked_until;                   /* 0: not locked */
	int64_t totp_last;                      /* the last TOTP step accepted */
	char enrol_hash[65];                    /* SHA-256 of the enrolment token; "" when used */
	int64_t enrol_expires;
	int64_t created_at;
};

struct store_user_session {
	char hash[65]; /* SHA-256 of the session id */
	int64_t user_id;
	char csrf[65];
	int64_t created_at, last_seen, expires_at;
};

/* Appends u (u->id ignored) and sets u->id; STORE_EEXIST when the name is taken. */
int store_user_insert(store *s, struct store_user *u);
/* The user of that name, id or enrolment token hash; STORE_ENOTFOUND when there is none. */
int store_user_get(store *s, const char *name, struct store_user *out);
int store_user_get_id(store *s, int64_t id, struct store_user *out);
/* The user of that name, on PostgreSQL its row locked to the transaction's end (SELECT … FOR
 * UPDATE): a sign-in's, so that two at once on two hosts take turns and neither's failure
 * count nor step is lost (SQLite's single writer does the same). */
int store_user_lock(store *s, const char *name, struct store_user *out);
int store_user_by_enrol(store *s, const char *hash, struct store_user *out);
/* Writes every column of u but its id, name, role, mid and created_at. */
int store_user_update(store *s, const struct store_user *u);
/* The same, a sign-in's: written only while the row's totp_last is below u's, STORE_ENOTFOUND
 * when not (the code's step taken by another sign-in, perhaps on another host, since u was
 * read): a TOTP code signs in once. */
int store_user_signin(store *s, const struct store_user *u);
/* Calls fn for each user, by name, until it returns non-zero (which is returned). */
int store_user_list(store *s, int (*fn)(void *ctx, const struct store_user *u), void *ctx);

int store_user_session_insert(store *s, const struct store_user_session *ss);
int store_user_session_get(store *s, const char *hash, struct store_user_session *out);
/* Sets last_seen and expires_at of session ss->hash; STORE_ENOTFOUND when it is gone. */
int store_user_session_touch(store *s, const struct store_user_session *ss);
/* Ends the session of hash (STORE_ENOTFOUND when none), or every session of user_id. */
int store_user_session_delete(store *s, const char *hash);
int store_user_session_delete_user(store *s, int64_t user_id);
/* Ends every session idle past its expiry at now. */
int store_user_session_expire(store *s, int64_t now);

#endif
