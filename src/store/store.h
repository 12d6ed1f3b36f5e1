/* store.h — possum's storage: the one interface the domain modules (ledger, issuer, and later
 * acquirer, merchant, settle) call, with SQLite behind it today and room for PostgreSQL.
 *
 * No SQL is written outside the store's backend files (src/store/sqlite/); domain modules call
 * the store_* functions of their part of the interface (store_ledger.h, store_issuer.h), which
 * speak in C structs, never in backend types.
 *
 * Durability: the SQLite backend runs in WAL mode with synchronous=FULL, so a transaction
 * that store_commit() reported committed survives a crash or a power loss. Schema migrations
 * are versioned per module and applied in order by store_open(), each in its own transaction.
 *
 * Transactions nest: store_begin() inside a transaction opens a savepoint, and its
 * store_commit() or store_rollback() releases or rolls back only that savepoint; the outermost
 * store_commit() is the one that makes the work durable. Outside any transaction each store_*
 * call is a transaction of its own.
 *
 * Who owns the transaction: the caller at the top (the host's group commit: one transaction
 * per batch, one savepoint per request, so that a failed request rolls back alone); the
 * modules below it (acquirer, issuer, ledger, notify) work inside the caller's transaction
 * and may check that there is one with store_in_transaction().
 *
 * Ownership: store_open() allocates the store, store_close() frees it. A store is used by one
 * thread at a time; open one per thread (SQLite serialises writers between them).
 *
 * Errors: every function returns STORE_OK or a negative STORE_E* code, store_strerror() names
 * it; store_errmsg() gives the backend's own words for the last STORE_EIO, which never quote a
 * value (so they may be logged). */
#ifndef POSSUM_STORE_H
#define POSSUM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_OK        0
#define STORE_EARG      (-1)  /* an argument malformed or out of range */
#define STORE_ENOMEM    (-2)  /* out of memory */
#define STORE_EIO       (-3)  /* the database failed: disk full, corrupt, locked past the timeout */
#define STORE_ENOTFOUND (-4)  /* no such row */
#define STORE_EEXIST    (-5)  /* a row with that key exists already */
#define STORE_ESCHEMA   (-6)  /* a database written by a newer possum, or a failed migration */
#define STORE_ETXN      (-7)  /* commit or rollback without a transaction */
#define STORE_ESPACE    (-8)  /* an output buffer too small */
#define STORE_EBUSY     (-9)  /* the database is open elsewhere (a host runs on it) */
#define STORE_ENOTSTORE (-10) /* a file that is not a possum store, or fails its check */
#define STORE_EINDOUBT                                                                             \
	(-11) /* a commit whose sync failed: it may yet be found committed after                   \
	         a crash (its log's frames were written); see store_commit() */
#define STORE_ERETRY                                                                               \
	(-12) /* PostgreSQL ended the transaction for a conflict with another (a deadlock, a       \
	         serialization failure): nothing of it is written, it may be run again */

typedef struct store store;

/* What several modules' rows hold: a wrapped key's text (with its NUL), and a secret sealed by
 * the HSM (hsm_data_encrypt: a PAN, an ID number, a phone) as bytes. */
#define STORE_KEY_MAX    256 /* characters of a wrapped key, with its NUL */
#define STORE_SEALED_MAX 96  /* bytes of an encrypted PAN, ID number or phone */

struct store_sealed {
	uint8_t v[STORE_SEALED_MAX];
	size_t len;
};

const char *store_strerror(int rc);

/* The backend's process-wide settings, once, before the first store_open() and before any
 * thread is started (the program's main): SQLite keeps no memory statistics, whose global
 * lock every allocation of every connection took — the simulated terminals of a load test
 * queued on it. */
int store_global_init(void);

/* Opens the store called name and brings its schema up to date. The name says the backend:
 *   - a path: the SQLite database there (created when missing, mode 0600); STORE_MEMORY: a
 *     private database in memory, gone when closed;
 *   - "postgres:" and a libpq connection string ("postgres:host=db1 dbname=possum"), or a libpq
 *     URI ("postgresql://db1/possum", "postgres://…"): that PostgreSQL database (src/store/pg/),
 *     when possum is built with libpq — without it STORE_EARG. The password comes from
 *     PGPASSFILE or PGPASSWORD, or the string itself; it is never in a message.
 * store_open_say() copies the backend's words for a failure (libpq's "connection refused", a
 * failed migration's) into why (capacity cap; may be NULL), which store_open() drops. On
 * failure *out is untouched. */
#define STORE_MEMORY    ":memory:"
#define STORE_PG_PREFIX "postgres:"
int store_open(const char *name, store **out);
int store_open_say(const char *name, store **out, char *why, size_t cap);

/* Whether name (store_open()'s) names a PostgreSQL database. */
bool store_name_is_pg(const char *name);

/* name as it may be printed or logged: a path as it is; a PostgreSQL database as "postgres"
 * and the host, port, dbname and user libpq reads in it ("postgres host=db1 dbname=possum"),
 * never a password. Returns out (capacity cap). */
const char *store_name_show(const char *name, char *out, size_t cap);

/* Checks conninfo, a libpq connection string or URI (a PostgreSQL store name without its
 * "postgres:"), as a configuration file gives it: STORE_OK, or STORE_EARG with why (capacity
 * cap) — libpq cannot parse it (PQconninfoParse's words), it holds a password (which belongs in
 * PGPASSFILE or PGPASSWORD, never in a file or a log), or possum was built without libpq. */
int store_pg_conninfo_check(const char *conninfo, char *why, size_t cap);

/* The backend of an open store: "sqlite" or "postgres" (static). */
const char *store_backend(const store *s);

/* Copies the whole database from over to's (one step, under to's write lock): to load a
 * database in memory from a file and to save it back. Neither may be in a transaction
 * (STORE_ETXN). */
int store_copy(store *from, store *to);

/* Backup and restore (backup.c). progress, when not NULL, is called after each step with the
 * pages copied so far and the pages in all, arg passed on. */
typedef void store_progress_fn(void *arg, size_t done, size_t total);

/* An online, consistent copy of s into the new file dest (mode 0600; STORE_EEXIST when it
 * exists): one read transaction (a snapshot that stops no writer under WAL, so the copy never
 * starts again however busy the host) copied a few pages a step, written as dest.partial,
 * checked (SQLite's integrity check) and renamed to dest. s outside any transaction
 * (STORE_ETXN). */
int store_backup(store *s, const char *dest, store_progress_fn *progress, void *arg);

/* Puts the store at src (checked first: a possum store, SQLite's integrity check passed, else
 * STORE_ENOTSTORE) in place of the database at path. The database at path, when there is one,
 * is locked exclusively first (STORE_EBUSY when any connection has it open: a host runs on
 * it), its log copied in, and it is renamed aside to path.YYYYMMDDTHHMMSSZ (its name into
 * aside, capacity cap; "" when there was none) only once the copy of src is whole beside it;
 * the copy is then renamed to path. */
int store_restore(const char *path, const char *src, char *aside, size_t cap,
                  store_progress_fn *progress, void *arg);

/* Backup and restore of a PostgreSQL store (src/store/pg/dump.c), by its name (store_open()'s),
 * with PostgreSQL's own tools, found in the directory $POSSUM_PG_BIN names when it is set, else
 * on PATH, else in /usr/lib/postgresql/VERSION/bin (the newest):
 * store_pg_backup() writes pg_dump's custom format (-Fc) of the database into the new file
 * dest (mode 0600; STORE_EEXIST when it exists), as dest.partial renamed once whole;
 * store_pg_restore() puts such a file back in place of the database's tables (pg_restore
 * --clean --if-exists --single-transaction: all or nothing), refused (STORE_EBUSY) while
 * another session is connected to the database (a host runs on it). STORE_EIO when the tool is
 * missing or fails, why (capacity cap) then saying which and its first words (never a
 * password: the name holds none, PGPASSFILE or PGPASSWORD give it); STORE_ENOTSTORE for a src
 * that is not a pg_dump archive. progress is called at the start and at the end (0 of 1, 1 of
 * 1). */
#define STORE_PG_BIN_ENV "POSSUM_PG_BIN"
int store_pg_backup(const char *name, const char *dest, char *why, size_t cap,
                    store_progress_fn *progress, void *arg);
int store_pg_restore(const char *name, const char *src, char *why, size_t cap,
                     store_progress_fn *progress, void *arg);

/* Rolls back any open transaction and frees s; s may be NULL. */
void store_close(store *s);

/* The backend's message for the last failure (never NULL; "" when none). Valid until the next
 * call on s. */
const char *store_errmsg(store *s);

int store_begin(store *s);
/* STORE_OK: durable. STORE_EIO: not committed (rolled back). STORE_EINDOUBT (the outermost
 * commit only): its sync failed — it is rolled back here and no reader sees it, but a crash
 * before the log is written over lets recovery find it committed; a caller that answers
 * others must not say "not done" (possum's host leaves the terminals unanswered: they
 * reverse). */
int store_commit(store *s);
/* STORE_ERETRY (PostgreSQL): a statement of the transaction met a deadlock or a serialization
 * failure (SQLSTATE 40P01, 40001); every later statement, savepoint and commit of it returns
 * STORE_ERETRY too, without the server, and the outermost commit rolls it all back — a
 * savepoint's rollback does not save the rest (the caller's batch fails whole: possum's host
 * answers its requests 96). */
/* A transaction for reading only, outside any other (else STORE_ETXN): every read in it sees
 * the database as of its first, and it stops no writer (WAL), so a long report such as the
 * ledger check can run beside a busy host. Ended with store_commit() or store_rollback(). */
int store_begin_read(store *s);
int store_rollback(store *s);

/* Checkpoints (WAL): by default a commit that grows the write-ahead log past 1000 pages
 * (4 MiB) copies the log into the database file itself, and waits for that. pages sets that
 * threshold (0: never). A program with a checkpointer of its own — store_checkpoint() on a
 * connection and thread of its own — raises it on its busy connections: the checkpointer
 * copies the log meanwhile, and the commit that passes the threshold only copies what is left
 * and, being the writer, lets the log start again from its beginning (a checkpoint on
 * another connection never catches up with a steady writer, and the log would only grow). */
int store_set_autocheckpoint(store *s, int pages);
/* Copies what the log holds into the database file, as far as no reader still needs it,
 * without waiting for or stopping any writer (SQLite's PASSIVE checkpoint). Outside a
 * transaction (STORE_ETXN). Another checkpoint running at that moment (the writer's own, past
 * its threshold) is not a failure: STORE_OK, and the next one copies the rest. */
int store_checkpoint(store *s);

/* Transaction depth: 0 outside any transaction. */
int store_depth(const store *s);

/* Whether s is inside a transaction (store_depth() > 0). A module below the one that owns the
 * transaction works inside it: it asserts that there is one (assert(store_in_transaction(s)))
 * and opens a savepoint of its own (store_begin()) only where a failure of its part must roll
 * back alone. */
bool store_in_transaction(const store *s);

/* The schema version a module's migrations have brought the database to (0: none). */
int store_schema_version(store *s, const char *module, int *version);

/* Migrations for those who want to see or run them before a program opens the store
 * (`possum admin store status|migrate`). store_open_unmigrated() opens the store called name
 * (store_open()'s) without applying any migration: nothing is changed until
 * store_migrate_report() is called. A SQLite file must exist (STORE_ENOTFOUND when there is
 * none; it is never created); a PostgreSQL database no migration has touched shows every
 * module at version 0, and its migrations take the same advisory lock as store_open()'s. On a
 * connection's failure the store is still given, for its store_errmsg(). The caller owns the
 * store (store_close()). */
int store_open_unmigrated(const char *name, store **out);

/* A module's schema: its version in the database (0: none) and the newest this build knows
 * (a version above it: the database was written by a newer possum). The strings are the
 * store's, static. */
struct store_schema_module {
	const char *module;
	int version, newest;
};
/* Calls fn for each module in order of dependence, changing nothing, until fn returns
 * non-zero (which is returned). */
typedef int store_schema_fn(void *ctx, const struct store_schema_module *m);
int store_schema_status(store *s, store_schema_fn *fn, void *ctx);

/* Applies every pending migration as store_open() does (each in its own transaction; a module
 * above what this build knows: STORE_ESCHEMA, the module named in store_errmsg()), calling fn
 * (when not NULL) after each step committed with its module and version. */
typedef void store_migrated_fn(void *ctx, const char *module, int version);
int store_migrate_report(store *s, store_migrated_fn *fn, void *ctx);

/* Settings and wrapped keys by name, text up to STORE_VALUE_MAX characters: store_meta_get()
 * copies the value with a NUL into out (capacity cap); STORE_ENOTFOUND when there is none.
 * store_meta_add() refuses to replace one (STORE_EEXIST), so that two processes creating the
 * same key at once keep the first's. */
#define STORE_VALUE_MAX 1024
int store_meta_get(store *s, const char *name, char *out, size_t cap);
int store_meta_add(store *s, const char *name, const char *value);
int store_meta_set(store *s, const char *name, const char *value);

#endif
