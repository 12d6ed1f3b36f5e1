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

#define TOKEN_COLUMNS "id, hash, role, mid, label, created_at, revoked_at"

static const struct store_query insert_q =
    STORE_Q("INSERT INTO http_tokens (" TOKEN_COLUMNS ") VALUES (NULL, ?, ?, ?, ?, ?, ?)",
            &token_new, NULL);
static const struct store_query get_q =
    STORE_Q("SELECT " TOKEN_COLUMNS " FROM http_tokens WHERE id = ?", &store_args_id, &token_row);
static const struct store_query by_hash_q = STORE_Q(
    "SELECT " TOKEN_COLUMNS " FROM http_tokens WHERE hash = ?", &store_args_text, &token_row);
static const struct store_query revoke_q = STORE_Q(
    "UPDATE http_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = 0", &revoke_args, NULL);
static const struct store_query list_q =
    STORE_Q("SELECT " TOKEN_COLUMNS " FROM http_tokens ORDER BY id", NULL, &token_row);

int store_http_token_insert(store *s, struct store_http_token *t)
{
	return store_q_run(s, &insert_q, t, &t->id);
}

int store_http_token_get(store *s, int64_t id, struct store_http_token *out)
{
	return store_q_get(s, &get_q, &(struct store_arg_id){id}, out);
}

int store_http_token_by_hash(store *s, const char *hash, struct store_http_token *out)
{
	return store_q_get(s, &by_hash_q, &(struct store_arg_text){hash}, out);
}

int store_http_token_revoke(store *s, int64_t id, int64_t at)
{
	return store_q_update(s, &revoke_q, &(struct revoke_args){at, id});
}

int store_http_token_list(store *s, int (*fn)(void *ctx, const struct store_http_token *t),
                          void *ctx)
{
	token t;

	STORE_WALK(s, &list_q, NULL, t, fn, ctx);
}
