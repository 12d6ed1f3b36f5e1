/* migrate.c — the store's pending migrations applied and audited (migrate.h). */
#include "host/migrate.h"

#include <stdio.h>

#include <jansson.h>

#include "audit/audit.h"

struct step {
	const char *module;
	int version;
};

struct run {
	struct step steps[HOST_MIGRATED_MAX];
	size_t n;
	store_migrated_fn *fn;
	void *ctx;
};

static void on_step(void *ctx, const char *module, int version)
{
	struct run *r = ctx;

	if (r->n < HOST_MIGRATED_MAX)
		r->steps[r->n++] = (struct step){module, version};
	if (r->fn != NULL)
		r->fn(r->ctx, module, version);
}

/* One entry per step, in one transaction. */
static int audit_steps(store *s, const struct run *r, const char *actor, int64_t now)
{
	char object[96];
	int rc = STORE_OK;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	for (size_t i = 0; i < r->n && rc == STORE_OK; i++) {
		json_t *before = json_pack("{s:i}", "version", r->steps[i].version - 1);
		json_t *after = json_pack("{s:i}", "version", r->steps[i].version);

		snprintf(object, sizeof object, "schema:%s", r->steps[i].module);
		if (before == NULL || after == NULL)
			rc = STORE_ENOMEM;
		else if (audit_record(s, actor, "store.migrate", object, before, after, now) !=
		         AUDIT_OK)
			rc = STORE_EIO;
		json_decref(before);
		json_decref(after);
	}
	if (rc != STORE_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s);
}

int host_store_migrate(store *s, const char *actor, int64_t now, store_migrated_fn *fn, void *ctx,
                       int *audited)
{
	struct run r = {.fn = fn, .ctx = ctx};
	int rc, arc, audit_version = 0;

	*audited = 0;
	rc = store_migrate_report(s, on_step, &r);
	if (r.n == 0 || store_schema_version(s, "audit", &audit_version) != STORE_OK ||
	    audit_version < 1)
		return rc;
	if ((arc = audit_steps(s, &r, actor, now)) == STORE_OK)
		*audited = (int)r.n;
	return rc != STORE_OK ? rc : arc;
}
