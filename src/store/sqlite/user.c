/* user.c — the SQLite backend of store_user.h: the users' and sessions' tables (migration
 * user.1.sql) and the queries on them. */
#include "store/sqlite/internal.h"

#include "store/store_user.h"

typedef struct store_user user;
typedef struct store_user_session session;

/* A user's columns but the id, which an insert leaves to the database. */
#define USER_FIELDS                                                                                \
	"name, role, mid, password, totp, state, failures, locked_until, totp_last, enrol_hash, "  \
	"enrol_expires, created_at"
#define USER_COLUMNS    "id, " USER_FIELDS
#define SESSION_COLUMNS "hash, user_id, csrf, created_at, last_seen, expires_at"

static const struct store_col user_cols[] = {STORE_COLS(user, id, name, role, mid, password, totp,
                                                        state, failures, locked_until, totp_last,
                                                        enrol_hash, enrol_expires, created_at)};
static const struct store_row user_row = STORE_ROW(user, user_cols);
static const struct store_row user_new = STORE_ROW_N(user_cols + 1, 12); /* but the id */
static const struct store_col update_cols[] = {STORE_COLS(
    user, password, totp, state, failures, locked_until, totp_last, enrol_hash, enrol_expires, id)};
static const struct store_row update_args = STORE_ROW_N(update_cols, 9);

static const struct store_col session_cols[] = {
    STORE_COLS(session, hash, user_id, csrf, created_at, last_seen, expires_at)};
static const struct store_row session_row = STORE_ROW(session, session_cols);
static const struct store_row session_args = STORE_ROW_N(session_cols, 6);
static const struct store_col touch_cols[] = {STORE_COLS(session, last_seen, expires_at, hash)};
static const struct store_row touch_args = STORE_ROW_N(touch_cols, 3);

STORE_FN_INSERT(store_user_insert, user,
                "INSERT INTO users (" USER_FIELDS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                user_new)
STORE_FN_GET(store_user_get, const char *, user,
             "SELECT " USER_COLUMNS " FROM users WHERE name = ?", store_args_text, user_row)
STORE_FN_GET(store_user_lock, const char *, user,
             STORE_SQL("SELECT " USER_COLUMNS " FROM users WHERE name = ?",
                       "SELECT " USER_COLUMNS " FROM users WHERE name = ? FOR UPDATE"),
             store_args_text, user_row)
STORE_FN_GET(store_user_get_id, int64_t, user, "SELECT " USER_COLUMNS " FROM users WHERE id = ?",
             store_args_id, user_row)
STORE_FN_GET(store_user_by_enrol, const char *, user,
             "SELECT " USER_COLUMNS " FROM users WHERE enrol_hash = ? AND enrol_hash <> ''",
             store_args_text, user_row)
STORE_FN_UPDATE(store_user_update, user,
                "UPDATE users SET password = ?, totp = ?, state = ?, failures = ?, "
                "locked_until = ?, totp_last = ?, enrol_hash = ?, enrol_expires = ? WHERE id = ?",
                update_args)
/* Only a step after the last used: another sign-in's write, committed meanwhile (READ
 * COMMITTED waits for its row lock, then sees its step), leaves no row to change. */
STORE_FN_UPDATE(store_user_signin, user,
                "UPDATE users SET password = ?1, totp = ?2, state = ?3, failures = ?4, "
                "locked_until = ?5, totp_last = ?6, enrol_hash = ?7, enrol_expires = ?8 "
                "WHERE id = ?9 AND totp_last < ?6",
                update_args)
STORE_FN_EACH(store_user_list, user, "SELECT " USER_COLUMNS " FROM users ORDER BY name", user_row)

STORE_FN_PUT(store_user_session_insert, session,
             "INSERT INTO user_sessions (" SESSION_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?)",
             session_args)
STORE_FN_GET(store_user_session_get, const char *, session,
             "SELECT " SESSION_COLUMNS " FROM user_sessions WHERE hash = ?", store_args_text,
             session_row)
STORE_FN_UPDATE(store_user_session_touch, session,
                "UPDATE user_sessions SET last_seen = ?, expires_at = ? WHERE hash = ?", touch_args)

int store_user_session_delete(store *s, const char *hash)
{
	static const struct store_query q =
	    STORE_Q("DELETE FROM user_sessions WHERE hash = ?", &store_args_text, NULL);

	return store_q_update(s, &q, &hash);
}

int store_user_session_delete_user(store *s, int64_t user_id)
{
	static const struct store_query q =
	    STORE_Q("DELETE FROM user_sessions WHERE user_id = ?", &store_args_id, NULL);

	return store_q_run(s, &q, &user_id, NULL);
}

int store_user_session_expire(store *s, int64_t now)
{
	static const struct store_query q =
	    STORE_Q("DELETE FROM user_sessions WHERE expires_at <= ?", &store_args_id, NULL);

	return store_q_run(s, &q, &now, NULL);
}
