/* sqlite.h — the store on SQLite, the backend of one host on one machine: the same store
 * handle and store_* functions as every backend's (store.h), their queries run by SQLite. */
#ifndef POSSUM_STORE_SQLITE_H
#define POSSUM_STORE_SQLITE_H

#include "store/store.h"

/* Opens (creating it when missing, mode 0600) the SQLite database at path, or a private one in
 * memory for STORE_MEMORY, and brings its schema up to date. On failure *out is untouched.
 * store_open() calls it for a name that is not PostgreSQL's. */
int store_sqlite_open(const char *path, store **out);

/* store_open_unmigrated() for a name that is not PostgreSQL's. */
int store_sqlite_open_unmigrated(const char *path, store **out);

#endif
