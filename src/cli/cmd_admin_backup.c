/* cmd_admin_backup.c — `possum admin backup DEST` and `possum admin restore SRC`: an online copy
 * of a data directory's store while the host runs, and its return in place of the store of a
 * data directory no host runs on (store.h's store_backup() and store_restore()); on PostgreSQL
 * ([store] backend = postgres) pg_dump's and pg_restore's (store_pg_backup(), store_pg_restore()).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/progress.h"

static const char backup_help[] =
    "DEST [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Copies the data directory's store (DIR/possum.db) to the new file DEST (mode 0600) while\n"
    "the host may be running: one consistent snapshot, copied a few pages at a time so that\n"
    "payments go on, then checked (SQLite's integrity check) before it takes its name. The\n"
    "LMK (DIR/lmk) is not copied: keep it apart, the store's keys are sealed under it. A bar\n"
    "shows the progress when standard error is a terminal.\n"
    "\n"
    "On PostgreSQL ([store] backend = postgres) DEST is pg_dump's custom format (-Fc) of the\n"
    "configured database, as consistent and online, written as DEST.partial until whole\n"
    "(pg_dump from $POSSUM_PG_BIN, PATH or /usr/lib/postgresql/*/bin; the password from\n"
    "PGPASSFILE or PGPASSWORD). The LMK is not in it either.\n"
    "\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         {\"backup\": DEST, \"seconds\": S, \"backend\": \"sqlite\" or \"postgres\"}\n"
    "\n"
    "Exit status: 0 copied; 1 DEST exists, or a failure.\n";

static const char restore_help[] =
    "SRC [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Puts the store SRC (a copy `possum admin backup` made) in place of the data directory's\n"
    "store, creating the directory when missing. Refused while the store is open elsewhere (a\n"
    "host runs on it), and for a SRC that is not a possum store or fails SQLite's integrity\n"
    "check. The store it replaces is kept aside as DIR/possum.db.YYYYMMDDTHHMMSSZ. The data\n"
    "directory needs the LMK the copy was made under (DIR/lmk, or POSSUM_LMK).\n"
    "\n"
    "On PostgreSQL ([store] backend = postgres) SRC is a pg_dump archive (`possum admin backup`'s)\n"
    "put in place of the configured database's tables by pg_restore --clean --if-exists\n"
    "--single-transaction: all of it or, failing, nothing. Refused while another session is\n"
    "connected to the database (stop the hosts first); nothing is kept aside (take a backup\n"
    "first).\n"
    "\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         {\"restored\": SRC, \"store\": DIR/possum.db or \"postgres host=…\",\n"
    "                 \"aside\": FILE or null, \"backend\": \"sqlite\" or \"postgres\"}\n"
    "\n"
    "Exit status: 0 restored; 1 refused, or a failure.\n";

static void on_progress(void *arg, size_t done, size_t total)
{
	cli_progress_update(arg, done, total);
}

/* What a backup or restore did, printed: its failure said (CLI_FAILED), else its line or JSON. */
struct copied {
	const char *verb, *file, *store, *aside, *backend;
	int rc;
	char why[512];
	struct cli_progress bar;
};

static int say_copied(struct cli_env *env, struct copied *c)
{
	if (c->rc == STORE_EEXIST)
		return cli_error(CLI_FAILED, env->prog, "%s exists already", c->file);
	if (c->rc == STORE_EBUSY)
		return cli_error(CLI_FAILED, env->prog, "%s: %s%s%s", c->store,
		                 store_strerror(c->rc), c->why[0] != '\0' ? ": " : "", c->why);
	if (c->rc != STORE_OK)
		return cli_error(CLI_FAILED, env->prog, "%s: %s%s%s", c->file,
		                 store_strerror(c->rc), c->why[0] != '\0' ? ": " : "", c->why);
	if (env->json && strcmp(c->verb, "backup") == 0)
		cli_print_json(json_pack("{s:s, s:f, s:s}", "backup", c->file, "seconds",
		                         cli_progress_elapsed(&c->bar), "backend", c->backend));
	else if (env->json)
		cli_print_json(json_pack("{s:s, s:s, s:s?, s:s}", "restored", c->file, "store",
		                         c->store, "aside", c->aside, "backend", c->backend));
	else if (strcmp(c->verb, "backup") == 0)
		printf("backup %s written in %.1f s\n", c->file, cli_progress_elapsed(&c->bar));
	else if (c->aside != NULL)
		printf("restored %s to %s (the store it replaced: %s)\n", c->file, c->store,
		       c->aside);
	else
		printf("restored %s to %s\n", c->file, c->store);
	return CLI_OK;
}

static int backup(struct cli_env *env, const void *values)
{
	struct copied c = {.verb = "backup", .file = env->operands[0], .backend = "sqlite"};
	const struct host_config *cfg = &env->host.cfg;
	char shown[512];
	int rc;

	(void)values;
	if ((rc = host_env_config(&env->host, env->prog, env->config, env->data)) != HOST_OK ||
	    (!cfg->store_pg &&
	     (rc = host_env_open(&env->host, HOST_NEED_DATA | HOST_NEED_READONLY)) != HOST_OK))
		return cli_exit(rc);
	cli_progress_start(&c.bar, "pages");
	if (cfg->store_pg) {
		c.backend = "postgres";
		c.store = store_name_show(cfg->store_name, shown, sizeof shown);
		c.rc = store_pg_backup(cfg->store_name, c.file, c.why, sizeof c.why, on_progress,
		                       &c.bar);
	} else {
		c.store = env->host.data.db;
		c.rc = store_backup(env->host.data.store, c.file, on_progress, &c.bar);
	}
	cli_progress_end(&c.bar);
	return say_copied(env, &c);
}

static int restore(struct cli_env *env, const void *values)
{
	struct copied c = {.verb = "restore", .file = env->operands[0], .backend = "sqlite"};
	char db[4096 + 16], aside[4096 + 64] = "";
	int rc;

	(void)values;
	if ((rc = host_env_config(&env->host, env->prog, env->config, env->data)) != HOST_OK)
		return cli_exit(rc);
	if (access(c.file, R_OK) != 0)
		return cli_error(CLI_FAILED, env->prog, "%s: %s", c.file, strerror(errno));
	cli_progress_start(&c.bar, "pages");
	if (env->host.cfg.store_pg) {
		c.backend = "postgres";
		c.store = store_name_show(env->host.cfg.store_name, db, sizeof db);
		c.rc = store_pg_restore(env->host.cfg.store_name, c.file, c.why, sizeof c.why,
		                        on_progress, &c.bar);
	} else {
		if (mkdir(env->host.cfg.data, 0700) != 0 && errno != EEXIST)
			return cli_error(CLI_FAILED, env->prog, "%s: %s", env->host.cfg.data,
			                 strerror(errno));
		snprintf(db, sizeof db, "%s/possum.db", env->host.cfg.data);
		c.store = db;
		c.rc = store_restore(db, c.file, aside, sizeof aside, on_progress, &c.bar);
		c.aside = aside[0] != '\0' ? aside : NULL;
	}
	cli_progress_end(&c.bar);
	return say_copied(env, &c);
}

/* `possum admin backup` and `possum admin restore`'s rows (cmd_admin.c's table names them). */
const cli_command cli_admin_backup_row = {"backup",
                                          NULL,
                                          .handler = backup,
                                          .env = CLI_ENV_NONE,
                                          .help = backup_help,
                                          .common = CLI_DATADIR,
                                          CLI_ONE("takes one DEST: the file to write")};
const cli_command cli_admin_restore_row = {"restore",
                                           NULL,
                                           .handler = restore,
                                           .env = CLI_ENV_NONE,
                                           .help = restore_help,
                                           .common = CLI_DATADIR,
                                           CLI_ONE("takes one SRC: the backup to restore")};
