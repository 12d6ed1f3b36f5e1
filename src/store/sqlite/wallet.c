/* wallet.c — the SQLite backend of store_wallet.h: the issuer's wallets and their payment
 * codes (the tables of issuer.5.sql). */
#include "store/sqlite/internal.h"

#include "store/store_wallet.h"

typedef struct store_wallet wallet;
typedef struct store_wallet_code code;

#define WALLET_COLUMNS "id, account_id, created_at"

static const struct store_col wallet_cols[] = {STORE_COLS(wallet, id, account_id, created_at)};
static const struct store_row wallet_row = STORE_ROW(wallet, wallet_cols);
static const struct store_row wallet_new = STORE_ROW_N(wallet_cols + 1, 2); /* but the id */

STORE_FN_INSERT(store_wallet_insert, wallet,
                "INSERT INTO wallets (account_id, created_at) VALUES (?, ?)", wallet_new)
STORE_FN_GET(store_wallet_get, int64_t, wallet,
             "SELECT " WALLET_COLUMNS " FROM wallets WHERE id = ?", store_args_id, wallet_row)
STORE_FN_GET(store_wallet_by_account, int64_t, wallet,
             "SELECT " WALLET_COLUMNS " FROM wallets WHERE account_id = ?", store_args_id,
             wallet_row)

/* A new row's columns, its id drawn by the insert (PostgreSQL takes no NULL for it). */
#define CODE_NEW_COLUMNS "hash, wallet_id, card_id, created_at, expires_at, used_at"
#define CODE_COLUMNS     "id, " CODE_NEW_COLUMNS

static const struct store_col code_cols[] = {
    STORE_COLS(code, id, hash, wallet_id, card_id, created_at, expires_at, used_at)};
static const struct store_row code_row = STORE_ROW(code, code_cols);
static const struct store_row code_new = STORE_ROW_N(code_cols + 1, 6); /* but the id */
static const struct store_col code_use_cols[] = {STORE_COLS(code, used_at, id)};
static const struct store_row code_use_args = STORE_ROW_N(code_use_cols, 2);

STORE_FN_INSERT(store_wallet_code_insert, code,
                "INSERT INTO wallet_codes (" CODE_NEW_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?)",
                code_new)
STORE_FN_GET(store_wallet_code_by_hash, const char *, code,
             "SELECT " CODE_COLUMNS " FROM wallet_codes WHERE hash = ?", store_args_text, code_row)
STORE_FN_GET(store_wallet_code_lock, int64_t, code,
             STORE_SQL("SELECT " CODE_COLUMNS " FROM wallet_codes WHERE id = ?",
                       "SELECT " CODE_COLUMNS " FROM wallet_codes WHERE id = ? FOR UPDATE"),
             store_args_id, code_row)
STORE_FN_UPDATE(store_wallet_code_use, code,
                "UPDATE wallet_codes SET used_at = ? WHERE id = ? AND used_at = 0", code_use_args)

int store_wallet_code_purge(store *s, int64_t before)
{
	static const struct store_query q =
	    STORE_Q("DELETE FROM wallet_codes WHERE expires_at < ?", &store_args_id, NULL);

	return store_q_run(s, &q, &before, NULL);
}
