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

/* The value is read by store_meta_get(), which refuses to cut it. */
static const struct store_query get_q =
    STORE_Q("SELECT value FROM meta WHERE name = ?1", &store_args_text, NULL);
static const struct store_query add_q =
    STORE_Q("INSERT INTO meta (name, value) VALUES (?1, ?2)", &meta_args, NULL);
static const struct store_query set_q =
    STORE_Q("INSERT INTO meta (name, value) VALUES (?1, ?2) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            &meta_args, NULL);

int store_meta_get(store *s, const char *name, char *out, size_t cap)
{
	const unsigned char *v;
	sqlite3_stmt *st;
	size_t len;
	int rc;

	if (name == NULL || *name == '\0' || out == NULL)
		return STORE_EARG;
	if ((rc = store_q_prepare(s, &get_q, &(struct store_arg_text){name}, &st)) != STORE_OK ||
	    (rc = store_row(s, st)) != STORE_OK)
		return rc;
	v = sqlite3_column_text(st, 0);
	len = (size_t)sqlite3_column_bytes(st, 0);
	if (v == NULL)
		rc = STORE_ENOMEM;
	else if (len + 1 > cap)
		rc = STORE_ESPACE;
	else
		memcpy(out, v, len + 1);
	sqlite3_reset(st);
	return rc;
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
