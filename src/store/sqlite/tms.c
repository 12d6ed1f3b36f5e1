/* tms.c — the store's part of terminal management (store_tms.h), one text for both engines:
 * the parameters set at each level, and each level's version. Its migrations are tms.N.sql in
 * both engines' schema directories. */
#include "store/sqlite/internal.h"

#include "store/store_tms.h"

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
