/* store_audit.h — the audit log's part of the storage interface: one row per change an
 * operator, a merchant or a partner system made, appended in the same transaction as the
 * change and never updated or deleted.
 *
 * Rows hold only what may be shown to an auditor: masked cards, never a clear PAN, ID number,
 * phone or key (src/audit checks the caller's promise as far as it can). Functions return
 * STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_AUDIT_H
#define POSSUM_STORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_AUDIT_ACTOR_MAX  64   /* bytes of who, with its NUL */
#define STORE_AUDIT_ACTION_MAX 48   /* "merchant.review", … */
#define STORE_AUDIT_OBJECT_MAX 64   /* "merchant:898…", "terminal:12345678", … */
#define STORE_AUDIT_STATE_MAX  4096 /* bytes of a before or after (JSON text) */

struct store_audit {
	int64_t id, at;
	char actor[STORE_AUDIT_ACTOR_MAX];
	char action[STORE_AUDIT_ACTION_MAX];
	char object[STORE_AUDIT_OBJECT_MAX];
	char before[STORE_AUDIT_STATE_MAX]; /* JSON; "null" for a creation */
	char after[STORE_AUDIT_STATE_MAX];  /* JSON; "null" for a deletion */
};

/* Appends a (a->id ignored) and sets a->id. */
int store_audit_insert(store *s, struct store_audit *a);

/* Which rows store_audit_list() reads: each field empty or 0 for any. object matches a row
 * whose object is it, or begins with it and ':' ("merchant" matches every merchant). */
struct store_audit_filter {
	const char *actor, *action, *object;
	int64_t since, until; /* at in [since, until) */
	int64_t after_id;     /* rows with a greater id only: to page on */
	size_t limit;         /* 0: no limit */
};

/* Calls fn for each row of f, oldest first, until it returns non-zero (which is returned). */
int store_audit_list(store *s, const struct store_audit_filter *f,
                     int (*fn)(void *ctx, const struct store_audit *a), void *ctx);

#endif
