/* cmd_admin_tms.c — `possum admin tms`: terminal management (docs/tms.md), a group per thing
 * the terminals download. */
#include "cli/cli.h"

extern const cli_group cli_admin_tms_capk_group; /* cmd_admin_tms_keys.c */
extern const cli_group cli_admin_tms_aid_group;  /* cmd_admin_tms_keys.c */

static const cli_command tms_cmds[] = {
    {"capk", "the CA public keys", .group = &cli_admin_tms_capk_group},
    {"aid", "the chip applications (AIDs)", .group = &cli_admin_tms_aid_group},
};

const cli_group cli_admin_tms_group = {
    "possum admin tms",
    "Terminal management: what the terminals download and its versions (docs/tms.md).",
    CLI_TABLE(tms_cmds)};
