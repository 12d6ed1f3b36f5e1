/* sql.h — the PostgreSQL engine's rewriting of a query's SQL, which is written once in the
 * dialect both engines take (docs/scaling.md): SQLite's parameters `?` and `?N` made
 * PostgreSQL's `$N`, an insert's NULL id its DEFAULT, a duplicate made a row not written (ON
 * CONFLICT DO NOTHING) and an insert's id asked for by RETURNING. Pure text in, text out, no
 * connection: done once per query and connection, when the statement is prepared.
 *
 * The numbering is SQLite's: `?N` is parameter N, a bare `?` the one after the largest number
 * so far (so `?2, ?` is $2, $3, and `??` two parameters). Quoted text ('…', "…") and comments
 * are copied as they are. Returns STORE_OK, STORE_ESPACE (out too small: cap bytes with the
 * NUL) or STORE_EARG (a named parameter, :x @x $x, which the store never writes; ?0 or a
 * number past STORE_PG_PARAMS_MAX; an unterminated quote or comment; a blob literal not of
 * pairs of hex digits). */
#ifndef POSSUM_STORE_PG_SQL_H
#define POSSUM_STORE_PG_SQL_H

#include <stddef.h>

#define STORE_PG_PARAMS_MAX 64 /* parameters of one query: a row's columns (STORE_COLS) */

#define STORE_PG_SQL_RETURNING_ID 0x1u /* " RETURNING id" appended: an insert's id read back */
/* " ON CONFLICT DO NOTHING" appended (before any RETURNING id): an insert of a duplicate key
 * writes no row, which the executor answers STORE_EEXIST, and fails no transaction — as a
 * failed statement on SQLite fails alone. */
#define STORE_PG_SQL_DO_NOTHING 0x2u

/* The flags the text in asks for itself: STORE_PG_SQL_DO_NOTHING for an INSERT of neither
 * SQLite's OR …, an ON CONFLICT nor a RETURNING of its own; else 0. */
unsigned store_pg_sql_flags(const char *in);

/* in translated into out (capacity cap); *nparams the parameters it has (the largest N). A
 * blob literal X'0a1b' is PostgreSQL's '\x0a1b'::bytea (X'' an empty bytea, where PostgreSQL
 * reads X'…' as a bit string). An
 * INSERT whose first column is id (INSERT INTO t (id, …) VALUES (NULL, …): SQLite's "the next
 * rowid") has its NULL written DEFAULT (the identity's next value). */
int store_pg_sql(const char *in, unsigned flags, char *out, size_t cap, int *nparams);

#endif
