/* cmd_admin_tms.h — what the `possum admin tms` files share (cmd_admin_tms.c holds it): the
 * help of the options every command takes, how a tms failure is said, and a listing's walk
 * (its JSON items, the rows printed, today's date) from its start to its end. */
#ifndef POSSUM_CLI_CMD_ADMIN_TMS_H
#define POSSUM_CLI_CMD_ADMIN_TMS_H

#include <stddef.h>

#include <jansson.h>

#include "cli/cli.h"

#define CLI_TMS_COMMON_HELP                                                                                  \
	"  --config FILE  the config file (default $POSSUM_CONFIG)\n"                                        \
	"  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT \
	")\n"                                                                                                \
	"  --json         print JSON\n"

/* Says the tms module's failure rc as env->prog, with why when it says more (why may be ""):
 * the exit code, bad usage for TMS_EARG with a why, else CLI_FAILED. */
int cli_tms_failed(const struct cli_env *env, int rc, const char *why);

/* A listing's walk: its JSON items (with --json; owned until cli_tms_list_end()), today's date
 * (YYYYMMDD) at the configuration's utc_offset, the rows printed. */
struct cli_tms_listing {
	const struct cli_env *env;
	json_t *items;
	int date, utc_offset;
	size_t n;
};

/* A listing begun: the environment opened, today's date, the items' array with --json. */
int cli_tms_list_start(struct cli_env *env, struct cli_tms_listing *l);
/* A listing's end, rc the walk's (and its version's): with --json {"items","next"} and, when
 * version is not NULL, "version"; else none when no row was printed, and the version's line
 * when there is one. The exit code. */
int cli_tms_list_end(const struct cli_env *env, struct cli_tms_listing *l, int rc,
                     const char *version, const char *none);

#endif
