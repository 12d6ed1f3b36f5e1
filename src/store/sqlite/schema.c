/* schema.c — schema migrations, versioned per module: the table of modules, and the one
 * routine that brings each up to date, a step per transaction. A module's version is a row of
 * schema_versions; a database whose version is beyond what this build knows was written by a
 * newer possum and is refused (STORE_ESCHEMA) rather than misread. The steps themselves are SQL
 * files, src/store/sqlite/schema/MODULE.VERSION.sql, which the build makes into the
 * store_module_* tables (cmake/embed_schema.cmake). Another engine's store runs the same
 * routine over its own modules (store_migrate_modules: src/store/pg/). Uses exec.c, row.c and
 * txn.c; open.c uses it, and `possum admin store` reports and applies them
 * (store_schema_status, store_migrate_report). */
#include <assert.h>
#include <stdio.h>

#include "store/sqlite/internal.h"

/* In order of dependence: a module's tables may refer to those of the modules above it. */
static const struct store_module *const modules[] = {
    &store_module_meta,   &store_module_ledger,   &store_module_issuer,     &store_module_term,
    &store_module_notify, &store_module_acquirer, &store_module_risk,       &store_module_audit,
    &store_module_http,   &store_module_merchant, &store_module_settlecard, &store_module_settle,
    &store_module_user,   &store_module_pki,      &store_module_tms,        &store_module_certify,
};

static const char create_versions[] =
    "CREATE TABLE IF NOT EXISTS schema_versions (module TEXT PRIMARY KEY, "
    "version INTEGER NOT NULL)";
/* A module's row of schema_versions: its name and version (struct store_arg_text_n). */
static const struct store_query get_version = STORE_Q(
    "SELECT version AS n FROM schema_versions WHERE module = ?1", &store_args_text, &store_row_n);
static const struct store_query set_version =
    STORE_Q("INSERT INTO schema_versions (module, version) VALUES (?1, ?2) "
            "ON CONFLICT (module) DO UPDATE SET version = excluded.version",
            &store_args_text_n, NULL);

int store_schema_version(store *s, const char *module, int *version)
{
	int64_t v = 0;
	int rc;

	if (module == NULL || version == NULL)
		return STORE_EARG;
	rc = store_q_n(s, &get_version, module, &v);
	if (rc != STORE_OK && rc != STORE_ENOTFOUND)
		return rc;
	*version = (int)v;
	return STORE_OK;
}

/* Applies one step unless another process applied it first (the version is read again
 * inside the transaction). */
static int apply(store *s, const struct store_module *m, const struct store_migration *step)
{
	int rc, version;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_schema_version(s, m->name, &version)) != STORE_OK ||
	    version >= step->version)
		goto out;
	if (s->engine != NULL)
		rc = s->engine->exec(s, step->sql);
	else if ((rc = sqlite3_exec(s->db, step->sql, NULL, NULL, NULL)) != SQLITE_OK)
		store_fail(s, rc);
	if (rc != STORE_OK) {
		rc = STORE_ESCHEMA;
		goto out;
	}
	rc = store_q_run(s, &set_version, &(struct store_arg_text_n){m->name, step->version}, NULL);
out:
	if (rc != STORE_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s);
}

int store_migrate(store *s)
{
	return store_migrate_report(s, NULL, NULL);
}

int store_migrate_report(store *s, store_migrated_fn *fn, void *ctx)
{
	if (s->engine != NULL)
		return s->engine->migrate(s, fn, ctx);
	return store_migrate_modules_report(s, modules, sizeof modules / sizeof modules[0], fn,
	                                    ctx);
}

int store_migrate_modules(store *s, const struct store_module *const *list, size_t n)
{
	return store_migrate_modules_report(s, list, n, NULL, NULL);
}

/* Whether schema_versions exists: a PostgreSQL database no migration has touched yet is shown
 * at version 0 (a SQLite store always has it). */
static const struct store_query has_versions =
    STORE_Q(STORE_SQL("SELECT count(*) AS n FROM sqlite_master WHERE name = 'schema_versions'",
                      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = "
                      "'schema_versions' AND table_schema = current_schema()"),
            NULL, &store_row_n);

/* The modules' versions and newest: SQLite's list, whose names and versions PostgreSQL's
 * migrations repeat (tests/store/e2e_pg_schema.sh checks it). */
int store_schema_status(store *s, store_schema_fn *fn, void *ctx)
{
	size_t n = sizeof modules / sizeof modules[0];
	int64_t found = 0;
	int rc;

	if (s == NULL || fn == NULL)
		return STORE_EARG;
	if ((rc = store_q_n_id(s, &has_versions, 0, &found)) != STORE_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct store_schema_module m = {modules[i]->name, 0,
		                                modules[i]->steps[modules[i]->n - 1].version};

		if (found > 0 && (rc = store_schema_version(s, m.module, &m.version)) != STORE_OK)
			return rc;
		if ((rc = fn(ctx, &m)) != 0)
			return rc;
	}
	return STORE_OK;
}

int store_migrate_modules_report(store *s, const struct store_module *const *list, size_t n,
                                 store_migrated_fn *fn, void *ctx)
{
	int rc, version;

	if ((rc = store_exec(s, create_versions)) != STORE_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct store_module *m = list[i];

		assert(m->n > 0);
		if ((rc = store_schema_version(s, m->name, &version)) != STORE_OK)
			return rc;
		if (version > m->steps[m->n - 1].version) {
			snprintf(s->errmsg, sizeof s->errmsg,
			         "module %s is at version %d, this possum knows up to %d", m->name,
			         version, m->steps[m->n - 1].version);
			return STORE_ESCHEMA;
		}
		for (size_t j = 0; j < m->n; j++) {
			if (m->steps[j].version <= version)
				continue;
			if ((rc = apply(s, m, &m->steps[j])) != STORE_OK)
				return rc;
			if (fn != NULL)
				fn(ctx, m->name, m->steps[j].version);
		}
	}
	return STORE_OK;
}
