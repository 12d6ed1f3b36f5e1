/* saf_count.c — the SQLite backend of store_saf.h's counts: the store-and-forward queue's
 * entries counted by link and state, for the links' status. */
#include "store/sqlite/internal.h"

#include "store/store_saf.h"

typedef struct store_saf_count count;

static const struct store_col count_cols[] = {STORE_COLS(count, link, pending, refused, expired)};
static const struct store_row count_row = STORE_ROW(count, count_cols);

STORE_FN_EACH(store_saf_counts, count,
              "SELECT link, COUNT(*) FILTER (WHERE state = 'pending') AS pending, "
              "COUNT(*) FILTER (WHERE state = 'refused') AS refused, "
              "COUNT(*) FILTER (WHERE state = 'expired') AS expired FROM saf_queue "
              "GROUP BY link ORDER BY link",
              count_row)
