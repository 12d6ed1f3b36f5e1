/* merchant.c — the SQLite backend of store_merchant.h: merchants' applications, the history of
 * their states, their documents and certificates, the migrations and the queries on them. */
#include "store/sqlite/internal.h"

#include "store/store_merchant.h"

typedef struct store_merchant_app app;
typedef struct store_merchant_app_filter app_filter;
typedef struct store_merchant_step step;
typedef struct store_merchant_doc doc;
typedef struct store_merchant_cert cert;

/* ---- applications ---- */

/* A new row's columns, its id drawn by the insert (PostgreSQL takes no NULL for it). */
#define APP_NEW_COLUMNS                                                                            \
	"state, mid, legal_name, licence, tax_number, rep_name, rep_id, rep_id_masked, address, "  \
	"mcc, phone, phone_sealed, fee_credit_bp, fee_debit_bp, fee_debit_cap, fee_qr_bp, "        \
	"limit_daily, limit_txn, limit_currency, types, next_review, updated_at, created_at"
#define APP_COLUMNS APP_NEW_COLUMNS ", id"

/* In APP_COLUMNS' order: what an update writes (?1 … ?22), then created_at and the id. */
#define APP_SET_COLS                                                                               \
	STORE_COL(app, state), STORE_COL_NULL(app, mid),                                           \
	    STORE_COLS(app, legal_name, licence, tax_number, rep_name, rep_id, rep_id_masked,      \
	               address, mcc) STORE_COL_AS(app, phone_masked, "phone", 0),                  \
	    STORE_COLS(app, phone_sealed, fee_credit_bp, fee_debit_bp, fee_debit_cap, fee_qr_bp,   \
	               limit_daily, limit_txn, limit_currency, types, next_review, updated_at)

static const struct store_col app_cols[] = {APP_SET_COLS STORE_COLS(app, created_at, id)};
static const struct store_row app_row = STORE_ROW(app, app_cols);
static const struct store_row app_new = STORE_ROW_N(app_cols, 23); /* but the id */
static const struct store_col app_update_cols[] = {APP_SET_COLS STORE_COLS(app, id)};
static const struct store_row app_update_args = STORE_ROW_N(app_update_cols, 23);
static const struct store_col app_filter_cols[] = {
    STORE_COLS(app_filter, after_id, state, mid, due_by, limit)};
static const struct store_row app_filter_args = STORE_ROW_N(app_filter_cols, 5);

STORE_FN_INSERT(store_merchant_app_insert, app,
                "INSERT INTO merchant_apps (" APP_NEW_COLUMNS
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
                app_new)
STORE_FN_GET(store_merchant_app_get, int64_t, app,
             "SELECT " APP_COLUMNS " FROM merchant_apps WHERE id = ?", store_args_id, app_row)
STORE_FN_GET(store_merchant_app_by_mid, const char *, app,
             "SELECT " APP_COLUMNS " FROM merchant_apps WHERE mid = ?", store_args_text, app_row)
STORE_FN_UPDATE(store_merchant_app_update, app,
                "UPDATE merchant_apps SET state = ?1, mid = ?2, legal_name = ?3, licence = ?4, "
                "tax_number = ?5, rep_name = ?6, rep_id = ?7, rep_id_masked = ?8, address = ?9, "
                "mcc = ?10, phone = ?11, phone_sealed = ?12, fee_credit_bp = ?13, "
                "fee_debit_bp = ?14, fee_debit_cap = ?15, fee_qr_bp = ?16, limit_daily = ?17, "
                "limit_txn = ?18, limit_currency = ?19, types = ?20, next_review = ?21, "
                "updated_at = ?22 WHERE id = ?23",
                app_update_args)
STORE_FN_EACH_FILTER(store_merchant_app_list, app_filter, app,
                     "SELECT " APP_COLUMNS " FROM merchant_apps WHERE id > ?1"
                     " AND (?2 = 0 OR state = ?2) AND (?3 = '' OR mid = ?3)"
                     " AND (?4 = 0 OR (next_review > 0 AND next_review <= ?4))"
                     " ORDER BY id LIMIT ?5",
                     app_filter_args, app_row)

/* ---- the history of states, documents, certificates: rows of an application ---- */

static const struct store_col step_cols[] = {
    STORE_COLS(step, id, app_id) STORE_COL_AS(step, from, "from_state", 0),
    STORE_COL_AS(step, to, "to_state", 0), STORE_COLS(step, actor, reason, at)};
static const struct store_row step_row = STORE_ROW(step, step_cols);
static const struct store_row step_new = STORE_ROW_N(step_cols + 1, 6);
static const struct store_col doc_cols[] = {
    STORE_COLS(doc, id, app_id, type, name, content_type, sha256, size, at)};
static const struct store_row doc_row = STORE_ROW(doc, doc_cols);
static const struct store_row doc_new = STORE_ROW_N(doc_cols + 1, 7);
static const struct store_col cert_cols[] = {
    STORE_COLS(cert, id, app_id, number, issued, valid_until)};
static const struct store_row cert_row = STORE_ROW(cert, cert_cols);
static const struct store_row cert_new = STORE_ROW_N(cert_cols + 1, 4);

STORE_FN_INSERT(store_merchant_step_insert, step,
                "INSERT INTO merchant_steps (app_id, from_state, to_state, actor, reason, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                step_new)
STORE_FN_EACH_KEY(store_merchant_step_list, int64_t, step,
                  "SELECT id, app_id, from_state, to_state, actor, reason, at FROM "
                  "merchant_steps WHERE app_id = ? ORDER BY id",
                  store_args_id, step_row)
STORE_FN_INSERT(store_merchant_doc_insert, doc,
                "INSERT INTO merchant_docs (app_id, type, name, content_type, sha256, size, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                doc_new)
STORE_FN_EACH_KEY(store_merchant_doc_list, int64_t, doc,
                  "SELECT id, app_id, type, name, content_type, sha256, size, at FROM "
                  "merchant_docs WHERE app_id = ? ORDER BY id",
                  store_args_id, doc_row)
STORE_FN_INSERT(store_merchant_cert_insert, cert,
                "INSERT INTO merchant_certs (app_id, number, issued, valid_until) "
                "VALUES (?, ?, ?, ?)",
                cert_new)
STORE_FN_GET(store_merchant_cert_last, int64_t, cert,
             "SELECT id, app_id, number, issued, valid_until FROM merchant_certs "
             "WHERE app_id = ? ORDER BY id DESC LIMIT 1",
             store_args_id, cert_row)
