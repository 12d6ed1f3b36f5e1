/* http.c — the SQLite backend of store_http.h: the API tokens' table, its migration and the
 * queries on it. */
#include "store/sqlite/internal.h"

#include "store/store_http.h"

typedef struct store_http_token token;

static const struct store_col token_cols[] = {
    STORE_COLS(token, id, hash, role, mid, label, created_at, revoked_at)};
static const struct store_row token_row = STORE_ROW(token, token_cols);
static const struct store_row token_new = STORE_ROW_N(token_cols + 1, 6); /* but the id */

/* A revocation: when, of which token. */
struct revoke_args {
	int64_t at, id;
};
static const struct store_col revoke_cols[] = {STORE_COLS(struct revoke_args, at, id)};
static const struct store_row revoke_args = STORE_ROW_N(revoke_cols, 2);

/* A token's columns but the id, which an insert leaves to the database. */
#define TOKEN_FIELDS  "hash, role, mid, label, created_at, revoked_at"
#define TOKEN_COLUMNS "id, " TOKEN_FIELDS

STORE_FN_INSERT(store_http_token_insert, token,
                "INSERT INTO http_tokens (" TOKEN_FIELDS ") VALUES (?, ?, ?, ?, ?, ?)", token_new)
STORE_FN_GET(store_http_token_get, int64_t, token,
             "SELECT " TOKEN_COLUMNS " FROM http_tokens WHERE id = ?", store_args_id, token_row)
STORE_FN_GET(store_http_token_by_hash, const char *, token,
             "SELECT " TOKEN_COLUMNS " FROM http_tokens WHERE hash = ?", store_args_text, token_row)

int store_http_token_revoke(store *s, int64_t id, int64_t at)
{
	static const struct store_query q =
	    STORE_Q("UPDATE http_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = 0",
	            &revoke_args, NULL);

	return store_q_update(s, &q, &(struct revoke_args){at, id});
}

STORE_FN_EACH(store_http_token_list, token, "SELECT " TOKEN_COLUMNS " FROM http_tokens ORDER BY id",
              token_row)
