/* store_http.h — the HTTP API's part of the storage interface: its API tokens. A token is kept
 * only as its SHA-256 (64 hex digits), never as the token itself, with the role and merchant it
 * grants, a label for people, and when it was made and revoked.
 *
 * Functions return STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_HTTP_H
#define POSSUM_STORE_HTTP_H

#include <stdint.h>

#include "store/store.h"

#define STORE_HTTP_LABEL_MAX 65 /* bytes of a label, with its NUL */

struct store_http_token {
	int64_t id;
	char hash[65]; /* SHA-256 of the token, hex */
	int role;      /* enum http_role of http/http.h */
	char mid[16];  /* a merchant token's MID; "" for the other roles */
	char label[STORE_HTTP_LABEL_MAX];
	int64_t created_at;
	int64_t revoked_at; /* 0 while in force */
};

/* Appends t (t->id ignored) and sets t->id; STORE_EEXIST when the hash is taken. */
int store_http_token_insert(store *s, struct store_http_token *t);
/* The token of that id, or of that hash; STORE_ENOTFOUND when there is none. */
int store_http_token_get(store *s, int64_t id, struct store_http_token *out);
int store_http_token_by_hash(store *s, const char *hash, struct store_http_token *out);
/* Sets revoked_at of a token in force; STORE_ENOTFOUND when none of that id is. */
int store_http_token_revoke(store *s, int64_t id, int64_t at);
/* Calls fn for each token, oldest first, until it returns non-zero (which is returned). */
int store_http_token_list(store *s, int (*fn)(void *ctx, const struct store_http_token *t),
                          void *ctx);

#endif
