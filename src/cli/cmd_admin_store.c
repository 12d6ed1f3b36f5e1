/* cmd_admin_store.c — `possum admin store status` and `possum admin store migrate`: the
 * store's schema, module by module, as this possum knows it, and its pending migrations run
 * before any program opens the store (which would apply them itself); the store opened so for
 * `leases` (cmd_admin_leases.c). None creates a data directory or a store. Uses store.h's
 * store_schema_status() and host/migrate.h. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "host/migrate.h"

#define MODULES_MAX 64

static const char status_help[] =
    "[--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Shows each module's schema version in the data directory's store (DIR/possum.db, or the\n"
    "PostgreSQL database of the config's [store]) and the newest this possum knows, and which\n"
    "migrations are pending, changing nothing. A version above the newest means a newer possum\n"
    "wrote the store: this one is too old for it.\n"
    "\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         {\"items\":[{\"module\",\"version\",\"newest\",\"state\" (\"current\",\n"
    "                 \"pending\" or \"newer\"),\"pending\":[versions]}],\"next\":null}\n"
    "\n"
    "Exit status: 0 shown (pending or not); 1 no store, a store newer than this possum, or a\n"
    "failure; 2 bad usage.\n";

static const char migrate_help[] =
    "[--dry-run] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Applies the pending schema migrations of the data directory's store (DIR/possum.db, or the\n"
    "PostgreSQL database of the config's [store], under the lock hosts opening it take), each\n"
    "in its own transaction, as opening the store would, printing each applied as \"MODULE\n"
    "VERSION\" (a bar on standard error when it is a terminal), then the summary. Each is\n"
    "written to the audit log (action store.migrate, object schema:MODULE). Run it with no\n"
    "host on the store, before starting a new possum, to see the migrations through first.\n"
    "\n"
    "  --dry-run      list what would be applied, changing nothing\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         {\"items\":[{\"module\",\"from\",\"to\",\"applied\":[versions]}],\"next\":null}\n"
    "                 (with --dry-run, what would be applied)\n"
    "\n"
    "Exit status: 0 applied (or nothing to apply); 1 no store, a store newer than this possum,\n"
    "or a failed migration; 2 bad usage.\n";

struct migrate_opts {
	int dry_run;
};

/* The store's modules as status read them. */
struct schema {
	struct store_schema_module m[MODULES_MAX];
	size_t n;
	int pending, newer;
};

static int on_module(void *ctx, const struct store_schema_module *m)
{
	struct schema *sc = ctx;

	if (sc->n == MODULES_MAX)
		return STORE_ESPACE;
	sc->m[sc->n++] = *m;
	if (m->version > m->newest)
		sc->newer++;
	else
		sc->pending += m->newest - m->version;
	return 0;
}

/* The store's name: [store]'s PostgreSQL database, else DIR/possum.db (the directory must
 * exist); into db, and as it may be shown into shown. CLI_OK or the failure said. */
static int store_name(struct cli_env *env, char *db, size_t cap, char *shown, size_t shown_cap)
{
	const struct host_config *cfg = &env->host.cfg;
	struct stat st;

	if (cfg->store_name[0] != '\0')
		snprintf(db, cap, "%s", cfg->store_name);
	else if (stat(cfg->data, &st) != 0 || !S_ISDIR(st.st_mode))
		return cli_error(CLI_FAILED, env->prog,
		                 "no data directory at %s: pass --data DIR (or set POSSUM_DATA)",
		                 cfg->data);
	else
		snprintf(db, cap, "%s/possum.db", cfg->data);
	store_name_show(db, shown, shown_cap);
	return CLI_OK;
}

/* Opens the store unmigrated into *s and reads its modules into sc: CLI_OK, or the failure
 * said. */
static int open_store(struct cli_env *env, store **s, struct schema *sc)
{
	char db[4096 + 16], shown[512];
	int rc;

	if ((rc = host_env_config(&env->host, env->prog, env->config, env->data)) != HOST_OK)
		return cli_exit(rc);
	if ((rc = store_name(env, db, sizeof db, shown, sizeof shown)) != CLI_OK)
		return rc;
	*s = NULL;
	if ((rc = store_open_unmigrated(db, s)) == STORE_ENOTFOUND)
		return cli_error(CLI_FAILED, env->prog, "no store at %s: nothing to migrate",
		                 shown);
	*sc = (struct schema){0};
	if (rc == STORE_OK && (rc = store_schema_status(*s, on_module, sc)) == STORE_OK)
		return CLI_OK;
	cli_error(CLI_FAILED, env->prog, "%s: %s%s%s", shown, store_strerror(rc),
	          *s != NULL ? ": " : "", *s != NULL ? store_errmsg(*s) : "");
	store_close(*s);
	*s = NULL;
	return CLI_FAILED;
}

/* Says every module above what this possum knows; CLI_FAILED when there is one. */
static int too_old(const struct cli_env *env, const struct schema *sc)
{
	for (size_t i = 0; i < sc->n; i++)
		if (sc->m[i].version > sc->m[i].newest)
			cli_error(CLI_FAILED, env->prog,
			          "module %s is at version %d, this possum knows up to %d: a newer "
			          "possum wrote this store, and this one is too old for it",
			          sc->m[i].module, sc->m[i].version, sc->m[i].newest);
	return sc->newer > 0 ? CLI_FAILED : CLI_OK;
}

int cli_admin_store_open(struct cli_env *env, store **s)
{
	struct schema sc;
	int rc;

	if ((rc = open_store(env, s, &sc)) == CLI_OK && (rc = too_old(env, &sc)) != CLI_OK) {
		store_close(*s);
		*s = NULL;
	}
	return rc;
}

/* The versions from+1..to as a JSON array. */
static json_t *versions(int from, int to)
{
	json_t *a = json_array();

	for (int v = from + 1; a != NULL && v <= to; v++)
		json_array_append_new(a, json_integer(v));
	return a;
}

static const char *state(const struct store_schema_module *m)
{
	return m->version > m->newest ? "newer" : m->version < m->newest ? "pending" : "current";
}

static void print_status(const struct cli_env *env, const struct schema *sc)
{
	json_t *items = json_array();

	if (!env->json)
		printf("%-12s %7s %7s  %s\n", "MODULE", "STORE", "NEWEST", "STATE");
	for (size_t i = 0; i < sc->n; i++) {
		const struct store_schema_module *m = &sc->m[i];

		if (env->json)
			json_array_append_new(
			    items, json_pack("{s:s, s:i, s:i, s:s, s:o}", "module", m->module,
			                     "version", m->version, "newest", m->newest, "state",
			                     state(m), "pending", versions(m->version, m->newest)));
		else
			printf("%-12s %7d %7d  %s\n", m->module, m->version, m->newest, state(m));
	}
	if (env->json)
		cli_print_json(json_pack("{s:o, s:n}", "items", items, "next"));
	else
		printf("%d migration%s pending\n", sc->pending, sc->pending == 1 ? "" : "s");
	json_decref(env->json ? NULL : items);
}

static int status(struct cli_env *env, const void *values)
{
	struct schema sc;
	store *s = NULL;
	int rc;

	(void)values;
	if ((rc = open_store(env, &s, &sc)) != CLI_OK)
		return rc;
	store_close(s);
	print_status(env, &sc);
	return too_old(env, &sc);
}

/* A run's printing: each step applied as "MODULE VERSION", the bar meanwhile. */
struct shown {
	const struct cli_env *env;
	struct cli_progress bar;
	size_t done, total;
};

static void on_applied(void *ctx, const char *module, int version)
{
	struct shown *sh = ctx;

	sh->done++;
	if (!sh->env->json) {
		printf("%s %d\n", module, version);
		fflush(stdout);
	}
	cli_progress_update(&sh->bar, sh->done, sh->total);
}

/* The modules from before to after (the versions applied, or with --dry-run to be applied):
 * the JSON list, or the lines of a dry run. */
static void print_applied(const struct cli_env *env, const struct schema *before,
                          const struct schema *after, int dry_run)
{
	json_t *items = json_array();

	for (size_t i = 0; i < before->n && i < after->n; i++) {
		const struct store_schema_module *b = &before->m[i], *a = &after->m[i];
		int to = dry_run ? a->newest : a->version;

		if (to <= b->version)
			continue;
		if (env->json)
			json_array_append_new(items,
			                      json_pack("{s:s, s:i, s:i, s:o}", "module", b->module,
			                                "from", b->version, "to", to, "applied",
			                                versions(b->version, to)));
		else if (dry_run)
			for (int v = b->version + 1; v <= to; v++)
				printf("would apply %s %d\n", b->module, v);
	}
	if (env->json)
		cli_print_json(json_pack("{s:o, s:n}", "items", items, "next"));
	else
		json_decref(items);
}

static int migrate(struct cli_env *env, const void *values)
{
	const struct migrate_opts *o = values;
	struct schema before, after;
	struct shown sh = {.env = env};
	store *s = NULL;
	int rc, audited = 0;

	if ((rc = open_store(env, &s, &before)) != CLI_OK)
		return rc;
	if ((rc = too_old(env, &before)) != CLI_OK || o->dry_run) {
		if (rc == CLI_OK) {
			print_applied(env, &before, &before, 1);
			if (!env->json)
				printf("%d migration%s pending (dry run: nothing changed)\n",
				       before.pending, before.pending == 1 ? "" : "s");
		}
		store_close(s);
		return rc;
	}
	sh.total = (size_t)before.pending;
	cli_actor(env->actor);
	cli_progress_start(&sh.bar, "migrations");
	rc = host_store_migrate(s, env->actor, (int64_t)time(NULL), on_applied, &sh, &audited);
	cli_progress_end(&sh.bar);
	if (rc != STORE_OK && sh.done == sh.total) {
		cli_error(CLI_FAILED, env->prog,
		          "%zu migrations applied, but writing them to the audit log failed: %s",
		          sh.done, store_strerror(rc));
		store_close(s);
		return CLI_FAILED;
	}
	if (rc != STORE_OK) {
		cli_error(CLI_FAILED, env->prog, "migration failed after %zu applied: %s %s",
		          sh.done, store_strerror(rc), store_errmsg(s));
		store_close(s);
		return CLI_FAILED;
	}
	after = (struct schema){0};
	rc = store_schema_status(s, on_module, &after);
	store_close(s);
	if (rc != STORE_OK)
		return cli_error(CLI_FAILED, env->prog, "%s", store_strerror(rc));
	if (env->json)
		print_applied(env, &before, &after, 0);
	else if (sh.done == 0)
		printf("nothing to apply: the store is up to date\n");
	else
		printf("applied %zu migration%s in %.1f s (%d audited)\n", sh.done,
		       sh.done == 1 ? "" : "s", cli_progress_elapsed(&sh.bar), audited);
	return CLI_OK;
}

static const cli_opt migrate_opts[] = {CLI_SET("dry-run", struct migrate_opts, dry_run)};

static const cli_command store_cmds[] = {
    {"status", "each module's schema version, the newest known, what is pending", .handler = status,
     .help = status_help, .common = CLI_DATADIR, .wrong = "takes no arguments"},
    {"migrate", "applies the pending schema migrations (--dry-run: lists them)", .handler = migrate,
     .help = migrate_help, .common = CLI_DATADIR, CLI_OPTS(migrate_opts, struct migrate_opts),
     .wrong = "takes no arguments"},
    {"leases", "the leases: which host holds which work, until when, whether it runs",
     .row = &cli_admin_store_leases_row},
};

const cli_group cli_admin_store_group = {
    "possum admin store",
    "The store's schema: each module's version, and the pending migrations run before a\n"
    "program opens the store (which would apply them itself); the leases of several hosts.",
    CLI_TABLE(store_cmds)};
