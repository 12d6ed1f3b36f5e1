/* cmd_admin_link.c — `possum admin link`: what an acquirer needs to connect to the issuer's
 * network link, namely the zone PIN key (ZPK) its PIN blocks are encrypted under. */
#include <stdio.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/hex.h"

static const char zpk_help[] =
    "[--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Prints the link's zone PIN key: its key block under the LMK and its check value. The\n"
    "config's [link] zpk sets it; without one the host makes one in the data directory the\n"
    "first time. To hand it to an acquirer's key custodians as components:\n"
    "\n"
    "  possum hsm export-components --parts 2 --lmk DIR/lmk BLOCK\n"
    "\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         print {\"block\":…,\"kcv\":…}\n"
    "\n"
    "Exit status: 0 printed; 1 failed; 2 bad usage.\n";

static int link_zpk(struct cli_env *env, const void *values)
{
	char check[2 * HSM_KCV_MAX + 1];
	hsm_kcv kcv;
	int rc;

	(void)values; /* it has no options of its own */
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = hsm_key_kcv(env->host.data.hsm, &env->host.zpk, &kcv)) != HSM_OK)
		return cli_error(CLI_FAILED, env->prog, "the zone PIN key: %s", hsm_strerror(rc));
	hex_encode(kcv.v, kcv.len, check, sizeof check);
	if (env->json) {
		json_t *o = json_object();
		json_object_set_new(o, "block", json_string(env->host.zpk.block));
		json_object_set_new(o, "kcv", json_string(check));
		cli_print_json(o);
	} else {
		printf("block  %s\nkcv    %s\n", env->host.zpk.block, check);
	}
	return rc;
}

static const cli_command link_cmds[] = {
    {"zpk", "the zone PIN key shared with the link's acquirers", .handler = link_zpk,
     .env = CLI_ENV_ISSUER, .help = zpk_help, .common = CLI_DATADIR, .wrong = "takes no arguments"},
};

const cli_group cli_admin_link_group = {"possum admin link", "The issuer's ISO 8583 network link.",
                                        CLI_TABLE(link_cmds)};
