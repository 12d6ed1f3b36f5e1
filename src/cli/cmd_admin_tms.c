/* cmd_admin_tms.c — `possum admin tms`: terminal management (docs/tms.md), a group per part:
 * the terminals' parameters (cmd_admin_tms_param.c). */
#include "cli/cli.h"

extern const cli_group cli_admin_tms_param_group; /* cmd_admin_tms_param.c */

static const cli_command tms_cmds[] = {
    {"param", "the terminals' parameters: set at a level, resolved for a terminal",
     .group = &cli_admin_tms_param_group},
};

const cli_group cli_admin_tms_group = {
    "possum admin tms",
    "Terminal management: what the host tells its terminals beyond their keys (docs/tms.md).",
    CLI_TABLE(tms_cmds)};
