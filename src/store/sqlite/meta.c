/* meta.c — the store's settings and wrapped keys by name (the "meta" module): one table of
 * name and text value. */
#include <string.h>

#include "store/sqlite/internal.h"

/* A setting: its name, its value. */
struct meta_row {
	const char *name, *value;
};
static const struct store_col meta_cols[] = {STORE_COLS(struct meta_row, name, value)};
static const struct store_row meta_args = STORE_ROW_N(meta_cols, 2);

/* A value as read: never cut, since none is stored longer than STORE_VALUE_MAX. */
struct meta_value {
	char value[STORE_VALUE_MAX + 1];
};
static const struct store_col value_cols[] = {STORE_COLS(struct meta_value, value)};
static const struct store_row value_row = STORE_ROW(struct meta_value, value_cols);

static const struct store_query get_q =
    STORE_Q("SELECT value FROM meta WHERE name = ?1", &store_args_text, &value_row);
static const struct store_query add_q =
    STORE_Q("INSERT INTO meta (name, value) VALUES (?1, ?2)", &meta_args, NULL);
static const struct store_query set_q =
    STORE_Q("INSERT INTO meta (name, value) VALUES (?1, ?2) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            &meta_args, NULL);

int store_meta_get(store *s, const char *name, char *out, size_t cap)
{
	struct meta_value v;
	int rc;

	if (name == NULL || *name == '\0' || out == NULL)
		return STORE_EARG;
	if ((rc = store_q_get(s, &get_q, &(struct store_arg_text){name}, &v)) != STORE_OK)
		return rc;
	if (strlen(v.value) + 1 > cap)
		return STORE_ESPACE;
	memcpy(out, v.value, strlen(v.value) + 1);
	return STORE_OK;
}

/* Adds (add_q) or replaces (set_q) a value. */
static int meta_put(store *s, const struct store_query *q, const char *name, const char *value)
{
	if (name == NULL || *name == '\0' || value == NULL || strlen(value) > STORE_VALUE_MAX)
		return STORE_EARG;
	return store_q_run(s, q, &(struct meta_row){name, value}, NULL);
}

int store_meta_add(store *s, const char *name, const char *value)
{
	return meta_put(s, &add_q, name, value);
}

int store_meta_set(store *s, const char *name, const char *value)
{
	return meta_put(s, &set_q, name, value);
}
