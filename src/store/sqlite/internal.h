/* internal.h — what the SQLite backend's files share: the store itself, the cache of prepared
 * statements, the mapping of SQLite's result codes to STORE_* codes, and the migrations of
 * each module. */
#ifndef POSSUM_STORE_SQLITE_INTERNAL_H
#define POSSUM_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"

/* A prepared statement kept for the life of the store, found by its SQL text's address. */
struct store_cached {
	const char *sql;
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	int depth; /* transaction nesting: 0 none, 1 BEGIN, more savepoints */
	char errmsg[256];
	struct store_cached *cache;
	size_t cached, cache_cap;
};

/* One migration step: the schema change that takes a module to `version`. */
struct store_migration {
	int version;
	const char *sql;
};

/* A module's migrations, in ascending version order. */
struct store_module {
	const char *name;
	const struct store_migration *steps;
	size_t n;
};

extern const struct store_module store_module_meta;
extern const struct store_module store_module_ledger;
extern const struct store_module store_module_issuer;
extern const struct store_module store_module_term;
extern const struct store_module store_module_notify;
extern const struct store_module store_module_acquirer;
extern const struct store_module store_module_audit;
extern const struct store_module store_module_http;
extern const struct store_module store_module_merchant;
extern const struct store_module store_module_settlecard;

/* Brings every module's schema up to date (schema.c). */
int store_migrate(store *s);

/* The cached statement for sql, which must be a string constant (its address is the key),
 * reset and with no bindings. The caller resets it when done (store_reset), so that it holds
 * no read lock. */
int store_stmt(store *s, const char *sql, sqlite3_stmt **out);

/* Maps a failed SQLite result code to a STORE_* code and records SQLite's message. */
int store_fail(store *s, int sqlite_rc);

/* Steps st to its end (a statement returning no row), resets it; STORE_OK or the failure. */
int store_run(store *s, sqlite3_stmt *st);

/* Steps st for its one row: STORE_OK (the row there), STORE_ENOTFOUND (st reset), or the
 * failure (st reset). The caller reads the row, then resets st. */
int store_row(store *s, sqlite3_stmt *st);

/* Runs an UPDATE (store_run): STORE_ENOTFOUND when it changed no row. */
int store_update(store *s, sqlite3_stmt *st);

/* Copies column i of st's row, text, into out (capacity cap), cut to fit. */
void store_column_text(sqlite3_stmt *st, int i, char *out, size_t cap);

/* Copies column i of st's row, a blob, into out; an empty one when it is longer than out
 * holds. */
struct store_sealed;
void store_column_sealed(sqlite3_stmt *st, int i, struct store_sealed *out);

/* Runs sql (string constant) through the cache with no parameters. */
int store_exec(store *s, const char *sql);

#endif
