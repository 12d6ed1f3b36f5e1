/* pg.h — the store on PostgreSQL (docs/scaling.md, "The PostgreSQL backend"): the same store
 * handle and the same store_* functions as on SQLite, their queries run by libpq. Built only
 * where libpq is (POSSUM_HAVE_LIBPQ). A prototype: every module's schema is made
 * (src/store/pg/schema/), the store-and-forward queue's functions (store_saf.h) and the migrations'
 * own queries run on it; the rest of the store is SQLite's until its SQL is checked
 * (docs/scaling.md says what is left). */
#ifndef POSSUM_STORE_PG_H
#define POSSUM_STORE_PG_H

#include "store/store.h"

/* Connects to the database of conninfo (a libpq connection string; the password from
 * PGPASSFILE or the environment, never in a log: store_errmsg() gives libpq's message, which
 * quotes no password) and brings its schema up to date (src/store/pg/schema/), one host at a
 * time (an advisory lock). STORE_EIO when the connection fails, STORE_ESCHEMA when a
 * migration does. *out is the store even then, so that store_errmsg() says why: closed with
 * store_close() either way. */
int store_pg_open(const char *conninfo, store **out);

/* store_pg_open() without the migrations (store_open_unmigrated(): `possum admin store`),
 * which store_migrate_report() then applies under the same advisory lock. */
int store_pg_open_unmigrated(const char *conninfo, store **out);

/* The libpq connection string of a PostgreSQL store name (store_name_is_pg()): a URI whole,
 * else what follows "postgres:" (store.c). */
const char *store_pg_conninfo(const char *name);

/* conninfo as store_name_show() shows it: "postgres" and its host, hostaddr, port, dbname and
 * user as libpq reads them, never a password. Returns out (capacity cap). */
const char *store_pg_describe(const char *conninfo, char *out, size_t cap);

#endif
