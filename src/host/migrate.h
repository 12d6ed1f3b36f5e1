/* migrate.h — `possum admin store migrate`'s work below the command line: the store's pending
 * migrations applied (store_migrate_report) and each one written to the audit log. */
#ifndef POSSUM_HOST_MIGRATE_H
#define POSSUM_HOST_MIGRATE_H

#include <stdint.h>

#include "store/store.h"

#define HOST_MIGRATED_MAX 256 /* steps audited in one run; more are applied, not audited */

/* Applies s's pending migrations, fn (when not NULL) after each; then, in one transaction,
 * records each step in the audit log as action "store.migrate" by actor on object
 * "schema:MODULE", before {"version": V-1}, after {"version": V} — the audit log's own table
 * being made by a migration, the entries are written once every step is applied. A store
 * result: STORE_OK, or the first failure (the steps applied before it stay, and are audited
 * when the audit log is there). *audited: the entries written. */
int host_store_migrate(store *s, const char *actor, int64_t now, store_migrated_fn *fn, void *ctx,
                       int *audited);

#endif
