/* tms.c — the store's part of terminal management (store_tms.h), one text for both engines:
 * the parameters set at each level and each level's version (tms.1); the CA public keys and
 * the chip applications (tms.2); software packages, rollouts and minimum versions (tms.3). Its
 * migrations are tms.N.sql in both engines' schema directories. */
#include "store/sqlite/internal.h"

#include "store/store_tms.h"

/* ---- Parameters (tms.1) ---- */

typedef struct store_tms_param param;
typedef struct store_tms_set level_set;

static const struct store_col param_cols[] = {STORE_COLS(param, level, name, key, value)};
static const struct store_row param_row = STORE_ROW(param, param_cols);
/* A key's place: its level, name and key (the row's first three columns). */
static const struct store_row param_key = STORE_ROW_N(param_cols, 3);
/* The value read alone. */
static const struct store_col value_cols[] = {STORE_COLS(param, value)};
static const struct store_row value_row = {value_cols, 1, 0};
static const struct store_col set_cols[] = {
    STORE_COLS(level_set, level, name, version, actor, changed_at)};
static const struct store_row set_row = STORE_ROW(level_set, set_cols);
/* A level's place: its level and name. */
static const struct store_row set_key = STORE_ROW_N(set_cols, 2);
/* A change: its level, name, actor and time (?1, ?2, ?4, ?5). */
static const struct store_col bump_cols[] = {STORE_COLS(level_set, level, name, actor, changed_at)};
static const struct store_row bump_args = STORE_ROW_N(bump_cols, 4);

int store_tms_param_get(store *s, struct store_tms_param *p)
{
	static const struct store_query q =
	    STORE_Q("SELECT value FROM tms_params WHERE level = ? AND name = ? AND key = ?",
	            &param_key, &value_row);

	return store_q_get(s, &q, p, p);
}

STORE_FN_PUT(store_tms_param_put, param,
             "INSERT INTO tms_params (level, name, key, value) VALUES (?, ?, ?, ?) "
             "ON CONFLICT (level, name, key) DO UPDATE SET value = excluded.value",
             param_row)

int store_tms_param_delete(store *s, const struct store_tms_param *p)
{
	static const struct store_query q = STORE_Q(
	    "DELETE FROM tms_params WHERE level = ? AND name = ? AND key = ?", &param_key, NULL);

	return store_q_update(s, &q, p);
}

STORE_FN_EACH_FILTER(store_tms_param_list, level_set, param,
                     "SELECT level, name, key, value FROM tms_params WHERE level = ? AND "
                     "name = ? ORDER BY key",
                     set_key, param_row)

int store_tms_set_bump(store *s, struct store_tms_set *set)
{
	static const struct store_query q =
	    STORE_Q("INSERT INTO tms_param_sets (level, name, version, actor, changed_at) "
	            "VALUES (?1, ?2, 1, ?3, ?4) ON CONFLICT (level, name) DO UPDATE SET "
	            "version = tms_param_sets.version + 1, actor = excluded.actor, "
	            "changed_at = excluded.changed_at",
	            &bump_args, NULL);
	int rc;

	if ((rc = store_q_run(s, &q, set, NULL)) != STORE_OK)
		return rc;
	return store_tms_set_get(s, set);
}

int store_tms_set_get(store *s, struct store_tms_set *set)
{
	static const struct store_query q =
	    STORE_Q("SELECT level, name, version, actor, changed_at FROM tms_param_sets "
	            "WHERE level = ? AND name = ?",
	            &set_key, &set_row);

	return store_q_get(s, &q, set, set);
}

/* ---- CA public keys and chip applications (tms.2) ---- */

typedef struct store_tms_capk capk;
typedef struct store_tms_aid aid;

#define CAPK_NEW_COLUMNS                                                                           \
	"rid, key_index, modulus, exponent, expiry, checksum, added_by, added_at, revoked_at, "    \
	"revoked_by, revoke_reason"
#define CAPK_COLUMNS CAPK_NEW_COLUMNS ", id"

static const struct store_col capk_cols[] = {STORE_COLS(capk, rid, key_index, modulus, exponent,
                                                        expiry, checksum, added_by, added_at,
                                                        revoked_at, revoked_by, revoke_reason, id)};
static const struct store_row capk_row = STORE_ROW(capk, capk_cols);
static const struct store_row capk_new = STORE_ROW_N(capk_cols, 11); /* but the id */
static const struct store_row capk_key = STORE_ROW_N(capk_cols, 2);  /* rid, key_index */
static const struct store_col capk_revoke_cols[] = {
    STORE_COLS(capk, revoked_at, revoked_by, revoke_reason, id)};
static const struct store_row capk_revoke_args = STORE_ROW_N(capk_revoke_cols, 4);

STORE_FN_INSERT(store_tms_capk_insert, capk,
                "INSERT INTO tms_capks (" CAPK_NEW_COLUMNS
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                capk_new)
STORE_FN_UPDATE(store_tms_capk_revoke, capk,
                "UPDATE tms_capks SET revoked_at = ?, revoked_by = ?, revoke_reason = ? "
                "WHERE id = ? AND revoked_at = 0",
                capk_revoke_args)
STORE_FN_EACH(store_tms_capk_each, capk,
              "SELECT " CAPK_COLUMNS " FROM tms_capks ORDER BY rid, key_index", capk_row)

int store_tms_capk_get(store *s, struct store_tms_capk *k)
{
	static const struct store_query q =
	    STORE_Q("SELECT " CAPK_COLUMNS " FROM tms_capks WHERE rid = ? AND key_index = ?",
	            &capk_key, &capk_row);
	struct store_tms_capk key = *k;

	return store_q_get(s, &q, &key, k);
}

#define AID_COLUMNS                                                                                \
	"aid, label, app_version, floor_limit, threshold, target_percent, max_target_percent, "    \
	"tac_default, tac_denial, tac_online, partial, updated_by, updated_at"

static const struct store_col aid_cols[] = {STORE_COLS(
    aid, aid, label, app_version, floor_limit, threshold, target_percent, max_target_percent,
    tac_default, tac_denial, tac_online, partial, updated_by, updated_at)};
static const struct store_row aid_row = STORE_ROW(aid, aid_cols);

STORE_FN_PUT(store_tms_aid_put, aid,
             "INSERT INTO tms_aids (" AID_COLUMNS
             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
             "ON CONFLICT (aid) DO UPDATE SET label = ?2, app_version = ?3, floor_limit = ?4, "
             "threshold = ?5, target_percent = ?6, max_target_percent = ?7, tac_default = ?8, "
             "tac_denial = ?9, tac_online = ?10, partial = ?11, updated_by = ?12, "
             "updated_at = ?13",
             aid_row)
STORE_FN_GET(store_tms_aid_get, const char *, aid,
             "SELECT " AID_COLUMNS " FROM tms_aids WHERE aid = ?", store_args_text, aid_row)
STORE_FN_EACH(store_tms_aid_each, aid, "SELECT " AID_COLUMNS " FROM tms_aids ORDER BY aid", aid_row)

int store_tms_aid_delete(store *s, const char *a)
{
	static const struct store_query q =
	    STORE_Q("DELETE FROM tms_aids WHERE aid = ?", &store_args_text, NULL);

	return store_q_update(s, &q, &a);
}

/* ---- Software packages (tms.3) ---- */

typedef struct store_tms_package package;
typedef struct store_tms_chunk chunk;
typedef struct store_tms_rollout rollout;
typedef struct store_tms_minimum minimum;
typedef struct store_tms_count count;

#define PACKAGE_NEW_COLUMNS "model, version, size, sha256, signature, added_by, added_at"

static const struct store_col package_cols[] = {
    STORE_COLS(package, model, version, size, sha256, signature, added_by, added_at, id)};
static const struct store_row package_row = STORE_ROW(package, package_cols);
static const struct store_row package_new = STORE_ROW_N(package_cols, 7); /* but the id */

STORE_FN_INSERT(store_tms_package_insert, package,
                "INSERT INTO tms_packages (" PACKAGE_NEW_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                package_new)
STORE_FN_GET(store_tms_package_get, int64_t, package,
             "SELECT " PACKAGE_NEW_COLUMNS ", id FROM tms_packages WHERE id = ?", store_args_id,
             package_row)
STORE_FN_EACH(store_tms_package_each, package,
              "SELECT " PACKAGE_NEW_COLUMNS ", id FROM tms_packages ORDER BY model, id",
              package_row)

static const struct store_col chunk_cols[] = {STORE_COLS(chunk, package_id, seq)
                                                  STORE_COL_BYTES(chunk, data, len)};
static const struct store_row chunk_row = STORE_ROW(chunk, chunk_cols);
static const struct store_row chunk_key = STORE_ROW_N(chunk_cols, 2);

STORE_FN_PUT(store_tms_chunk_put, chunk,
             "INSERT INTO tms_package_chunks (package_id, seq, data) VALUES (?, ?, ?)", chunk_row)

int store_tms_chunk_get(store *s, struct store_tms_chunk *c)
{
	static const struct store_query q =
	    STORE_Q("SELECT package_id, seq, data FROM tms_package_chunks WHERE package_id = ? "
	            "AND seq = ?",
	            &chunk_key, &chunk_row);
	struct store_tms_chunk key = {.package_id = c->package_id, .seq = c->seq};

	return store_q_get(s, &q, &key, c);
}

#define ROLLOUT_NEW_COLUMNS                                                                        \
	"package_id, kind, targets, percent, starts_at, added_by, added_at, stopped_at, "          \
	"stopped_by"

static const struct store_col rollout_cols[] = {STORE_COLS(rollout, package_id, kind, targets,
                                                           percent, starts_at, added_by, added_at,
                                                           stopped_at, stopped_by, id)};
static const struct store_row rollout_row = STORE_ROW(rollout, rollout_cols);
static const struct store_row rollout_new = STORE_ROW_N(rollout_cols, 9); /* but the id */
static const struct store_col rollout_stop_cols[] = {
    STORE_COLS(rollout, stopped_at, stopped_by, id)};
static const struct store_row rollout_stop_args = STORE_ROW_N(rollout_stop_cols, 3);

STORE_FN_INSERT(store_tms_rollout_insert, rollout,
                "INSERT INTO tms_rollouts (" ROLLOUT_NEW_COLUMNS
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rollout_new)
STORE_FN_GET(store_tms_rollout_get, int64_t, rollout,
             "SELECT " ROLLOUT_NEW_COLUMNS ", id FROM tms_rollouts WHERE id = ?", store_args_id,
             rollout_row)
STORE_FN_UPDATE(store_tms_rollout_stop, rollout,
                "UPDATE tms_rollouts SET stopped_at = ?, stopped_by = ? WHERE id = ? AND "
                "stopped_at = 0",
                rollout_stop_args)
STORE_FN_EACH(store_tms_rollout_each, rollout,
              "SELECT " ROLLOUT_NEW_COLUMNS ", id FROM tms_rollouts ORDER BY id", rollout_row)

#define MINIMUM_COLUMNS "model, version, after_date, set_by, set_at"

static const struct store_col minimum_cols[] = {
    STORE_COLS(minimum, model, version, after_date, set_by, set_at)};
static const struct store_row minimum_row = STORE_ROW(minimum, minimum_cols);

STORE_FN_PUT(store_tms_minimum_put, minimum,
             "INSERT INTO tms_minimums (" MINIMUM_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5) "
             "ON CONFLICT (model) DO UPDATE SET version = ?2, after_date = ?3, set_by = ?4, "
             "set_at = ?5",
             minimum_row)
STORE_FN_GET(store_tms_minimum_get, const char *, minimum,
             "SELECT " MINIMUM_COLUMNS " FROM tms_minimums WHERE model = ?", store_args_text,
             minimum_row)
STORE_FN_EACH(store_tms_minimum_each, minimum,
              "SELECT " MINIMUM_COLUMNS " FROM tms_minimums ORDER BY model", minimum_row)

static const struct store_col count_cols[] = {STORE_COLS(count, model, version, n)};
static const struct store_row count_row = STORE_ROW(count, count_cols);

STORE_FN_EACH(store_tms_count_each, count,
              "SELECT model, version, COUNT(*) AS n FROM terminals GROUP BY model, version "
              "ORDER BY model, version",
              count_row)

/* ---- Downloads (acquirer.16) ---- */

typedef struct store_tms_mark mark;

static const struct store_col mark_cols[] = {STORE_COLS(mark, level, name, bits)};
static const struct store_row mark_args = STORE_ROW_N(mark_cols, 3);

int store_tms_mark(store *s, const struct store_tms_mark *m)
{
	static const struct store_query q =
	    STORE_Q("UPDATE terminals SET tms_pending = tms_pending | ?3 WHERE ?1 = 'all' OR "
	            "(?1 = 'model' AND model = ?2) OR (?1 = 'merchant' AND mid = ?2) OR "
	            "(?1 = 'terminal' AND tid = ?2)",
	            &mark_args, NULL);
	int rc = store_q_update(s, &q, m);

	return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}
