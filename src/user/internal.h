/* internal.h — what the user module's files share: the handle, the codes of the layers below,
 * the random tokens and their hashes, the TOTP secret's sealing, and the end of a change with
 * its audit entry. */
#ifndef POSSUM_USER_INTERNAL_H
#define POSSUM_USER_INTERNAL_H

#include "user/user.h"

#include "crypto/totp.h"

struct user_module {
	store *s;
	hsm *h;
	hsm_key data;
};

int user_from_store(int rc);

/* A fresh token: USER_TOKEN_LEN hex digits of RAND_bytes, and its SHA-256 (hash may be NULL). */
int user_token_new(char token[USER_TOKEN_LEN + 1], char hash[65]);
/* The SHA-256 of token as 64 hex digits: USER_OK, USER_EDENIED when token is not a token. */
int user_token_hash(const char *token, char hash[65]);

/* The clear TOTP secret of row (TOTP_SECRET_LEN bytes into key; the caller wipes it). */
int user_secret_open(user_module *u, const struct store_user *row, uint8_t key[TOTP_SECRET_LEN]);
/* The otpauth:// URI of row's secret. */
int user_otpauth(user_module *u, const struct store_user *row, char out[USER_OTPAUTH_MAX]);

/* Records action on row (after; before may be NULL: none) by actor with extra members merged
 * into the after state (may be NULL), inside the transaction. */
int user_audit(user_module *u, const char *actor, const char *action,
               const struct store_user *before, const struct store_user *after, json_t *extra,
               int64_t now);

/* Ends the transaction a change opened: committed when rc is USER_OK, else rolled back. */
int user_end(user_module *u, int rc);

#endif
