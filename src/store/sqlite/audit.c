/* audit.c — the SQLite backend of store_audit.h: the append-only audit table, its migration
 * and the query on it. Triggers refuse an UPDATE or DELETE, so that not even a bug in possum
 * rewrites history. */
#include "store/sqlite/internal.h"

#include "store/store_audit.h"

typedef struct store_audit audit;
typedef struct store_audit_filter filter;

static const struct store_col audit_cols[] = {
    STORE_COLS(audit, id, at, actor, action, object, before, after)};
static const struct store_row audit_row = STORE_ROW(audit, audit_cols);
static const struct store_row audit_new = STORE_ROW_N(audit_cols + 1, 6); /* but the id */

/* In the order of the list's parameters. */
static const struct store_col filter_cols[] = {
    STORE_COLS(filter, after_id, actor, action, object, since, until, limit)};
static const struct store_row filter_args = STORE_ROW_N(filter_cols, 7);

STORE_FN_INSERT(store_audit_insert, audit,
                "INSERT INTO audit_log (at, actor, action, object, before, after) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                audit_new)
/* An empty filter value matches everything; an object also matches its children. */
STORE_FN_EACH_FILTER(store_audit_list, filter, audit,
                     "SELECT id, at, actor, action, object, before, after FROM audit_log "
                     "WHERE id > ?1 AND (?2 = '' OR actor = ?2) AND (?3 = '' OR action = ?3)"
                     " AND (?4 = '' OR object = ?4 OR substr(object, 1, length(?4) + 1) = ?4 "
                     "|| ':') AND at >= ?5 AND (?6 = 0 OR at < ?6) ORDER BY id LIMIT ?7",
                     filter_args, audit_row)
