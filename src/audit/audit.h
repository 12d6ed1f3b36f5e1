/* audit.h — the audit log (docs/architecture.md "Data that must never leak": every change is in the
 * audit log): who changed what, with the object's state before and after, written in the same
 * transaction as the change so that neither is kept without the other.
 *
 * Actors are "cli:USER" for the admin command, "token:ID" for an API token, "host" for the
 * host itself. Objects are "KIND:ID": "merchant:898…", "terminal:12345678", "card:42",
 * "token:3". States are JSON objects of what may be shown to an auditor: masked cards, never
 * a clear PAN, ID number, phone, secret or key — the caller's duty, which its tests check by
 * searching the database for the clear values.
 *
 * Reading is store_audit_list() (store/store_audit.h). Errors: AUDIT_OK or a negative
 * AUDIT_E* code; audit_strerror() names it. */
#ifndef POSSUM_AUDIT_H
#define POSSUM_AUDIT_H

#include <stdint.h>

#include <jansson.h>

#include "store/store.h"
#include "store/store_audit.h"

#define AUDIT_OK     0
#define AUDIT_EARG   (-1) /* an actor, action or object empty, too long or not one line */
#define AUDIT_ESTORE (-2) /* the store failed */
#define AUDIT_EBIG   (-3) /* a state longer than STORE_AUDIT_STATE_MAX - 1 bytes as JSON */

const char *audit_strerror(int rc);

/* Appends an entry at now; before and after are JSON values (NULL: null), not taken over.
 * Must run inside the caller's transaction (store_begin), the one that makes the change. */
int audit_record(store *s, const char *actor, const char *action, const char *object,
                 const json_t *before, const json_t *after, int64_t now);

/* An entry as the API and `possum admin audit --json` show it: {"id","at" (local, utc_offset
 * minutes east of UTC),"actor","action","object","before","after"} (the states as JSON); new
 * reference, NULL when out of memory. */
json_t *audit_entry_json(const struct store_audit *a, int utc_offset);

#endif
