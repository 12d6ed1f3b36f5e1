/* cmd_admin_backup.c — `possum admin backup DEST` and `possum admin restore SRC`: an online copy
 * of a data directory's store while the host runs, and its return in place of the store of a
 * data directory no host runs on (store.h's store_backup() and store_restore()). */
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
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         {\"backup\": DEST, \"pages\": N}\n"
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
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         {\"restored\": SRC, \"store\": DIR/possum.db, \"aside\": FILE or null}\n"
    "\n"
    "Exit status: 0 restored; 1 refused, or a failure.\n";

static void on_progress(void *arg, size_t done, size_t total)
{
	cli_progress_update(arg, done, total);
}

static int backup(struct cli_env *env, const void *values)
{
	const char *dest = env->operands[0];
	struct cli_progress bar;
	int rc;

	(void)values;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	cli_progress_start(&bar, "pages");
	rc = store_backup(env->host.data.store, dest, on_progress, &bar);
	cli_progress_end(&bar);
	if (rc == STORE_EEXIST)
		return cli_error(CLI_FAILED, env->prog, "%s exists already", dest);
	if (rc != STORE_OK)
		return cli_error(CLI_FAILED, env->prog, "%s: %s", dest, store_strerror(rc));
	if (env->json)
		cli_print_json(
		    json_pack("{s:s, s:f}", "backup", dest, "seconds", cli_progress_elapsed(&bar)));
	else
		printf("backup %s written in %.1f s\n", dest, cli_progress_elapsed(&bar));
	return CLI_OK;
}

static int restore(struct cli_env *env, const void *values)
{
	const char *src = env->operands[0];
	char db[4096 + 16], aside[4096 + 64];
	struct cli_progress bar;
	int rc;

	(void)values;
	if ((rc = host_env_config(&env->host, env->prog, env->config, env->data)) != HOST_OK)
		return cli_exit(rc);
	if (access(src, R_OK) != 0)
		return cli_error(CLI_FAILED, env->prog, "%s: %s", src, strerror(errno));
	if (mkdir(env->host.cfg.data, 0700) != 0 && errno != EEXIST)
		return cli_error(CLI_FAILED, env->prog, "%s: %s", env->host.cfg.data,
		                 strerror(errno));
	snprintf(db, sizeof db, "%s/possum.db", env->host.cfg.data);
	cli_progress_start(&bar, "pages");
	rc = store_restore(db, src, aside, sizeof aside, on_progress, &bar);
	cli_progress_end(&bar);
	if (rc == STORE_EBUSY || rc == STORE_ENOTSTORE)
		return cli_error(CLI_FAILED, env->prog, "%s: %s", rc == STORE_EBUSY ? db : src,
		                 store_strerror(rc));
	if (rc != STORE_OK)
		return cli_error(CLI_FAILED, env->prog, "%s: %s", src, store_strerror(rc));
	if (env->json)
		cli_print_json(json_pack("{s:s, s:s, s:s?}", "restored", src, "store", db, "aside",
		                         aside[0] != '\0' ? aside : NULL));
	else if (aside[0] != '\0')
		printf("restored %s to %s (the store it replaced: %s)\n", src, db, aside);
	else
		printf("restored %s to %s\n", src, db);
	return CLI_OK;
}

/* `possum admin backup` and `possum admin restore`'s rows (cmd_admin.c's table names them). */
const cli_command cli_admin_backup_row = {"backup",
                                          NULL,
                                          .handler = backup,
                                          .env = CLI_ENV_DATA | CLI_ENV_READ,
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
