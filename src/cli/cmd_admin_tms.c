/* cmd_admin_tms.c — `possum admin tms`: terminal management (docs/tms.md), a group per thing
 * the terminals download: the parameters (cmd_admin_tms_param.c), the CA public keys and the
 * chip applications (cmd_admin_tms_keys.c). */
#include "cli/cli.h"

extern const cli_group cli_admin_tms_param_group; /* cmd_admin_tms_param.c */
extern const cli_group cli_admin_tms_capk_group;  /* cmd_admin_tms_keys.c */
extern const cli_group cli_admin_tms_aid_group;   /* cmd_admin_tms_keys.c */

static const cli_command tms_cmds[] = {
    {"param", "the terminals' parameters: set at a level, resolved for a terminal",
     .group = &cli_admin_tms_param_group},
    {"capk", "the CA public keys", .group = &cli_admin_tms_capk_group},
    {"aid", "the chip applications (AIDs)", .group = &cli_admin_tms_aid_group},
};

const cli_group cli_admin_tms_group = {
    "possum admin tms",
    "Terminal management: what the terminals download and its versions (docs/tms.md).",
    CLI_TABLE(tms_cmds)};
