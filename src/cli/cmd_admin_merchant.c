/* cmd_admin_merchant.c — `possum admin merchant add` and `possum admin terminal add`: the
 * registration the acquirer host needs before a terminal can sign in (DESIGN.md flows 2 and
 * 3): a merchant, then each of its terminals bound to its hardware serial number, with a
 * terminal master key handed out as components for the key ceremony. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/hex.h"
#include "crypto/crypto.h"

static const char merchant_add_help[] =
    "--name NAME --mcc MCC [--mid MID] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Registers a merchant, active, and prints its merchant id (MID).\n"
    "\n"
    "  --name NAME    the merchant's name (1 to 128 bytes, UTF-8)\n"
    "  --mcc MCC      its merchant category code, 4 digits\n"
    "  --mid MID      its MID, 15 letters and digits; default a new one (898 + 12 digits)\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default the config's, else " CLI_DATADIR_DEFAULT ")\n"
    "  --json         print {\"mid\":…,\"name\":…,\"mcc\":…}\n"
    "\n"
    "Exit status: 0 registered; 1 the MID is taken, or a failure; 2 bad usage.\n";

static int merchant_add(int argc, char **argv)
{
	const char *prog = argv[0], *config = NULL, *data = NULL, *name = NULL, *mcc = NULL,
	           *mid = NULL;
	int json = 0, rest, rc;
	const cli_option opts[] = {{"name", &name, NULL}, {"mcc", &mcc, NULL},
	                           {"mid", &mid, NULL},   {"config", &config, NULL},
	                           {"data", &data, NULL}, {"json", NULL, &json}};
	struct cli_issuer ci;
	acquirer *a = NULL;
	char out[ACQUIRER_MID_LEN + 1];

	if ((rc = cli_options(argc, argv, opts, 6, merchant_add_help, &rest)) != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (rest < argc)
		return cli_usage_error(prog, "unexpected argument '%s'", argv[rest]);
	if (name == NULL || name[0] == '\0' || strlen(name) > 128)
		return cli_usage_error(prog, "--name: 1 to 128 bytes needed");
	if (mcc == NULL || strlen(mcc) != 4 || strspn(mcc, "0123456789") != 4)
		return cli_usage_error(prog, "--mcc: 4 digits needed");
	if (mid != NULL && (strlen(mid) != ACQUIRER_MID_LEN ||
	                    strspn(mid, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
	                                "wxyz") != ACQUIRER_MID_LEN))
		return cli_usage_error(prog, "--mid: 15 letters and digits");
	if ((rc = cli_issuer_start(prog, config, data, &ci)) != CLI_OK)
		return rc;
	if ((rc = cli_acquirer_open(prog, &ci, &a)) != CLI_OK)
		goto out;
	if ((rc = acquirer_merchant_add(a, name, mcc, mid, (int64_t)time(NULL), out)) !=
	    ACQUIRER_OK) {
		rc = cli_error(CLI_FAILED, prog, "%s%s", acquirer_strerror(rc),
		               rc == ACQUIRER_EEXIST ? ": that MID is taken" : "");
		goto out;
	}
	if (json)
		cli_print_json(json_pack("{s:s, s:s, s:s}", "mid", out, "name", name, "mcc", mcc));
	else
		printf("mid   %s\nname  %s\nmcc   %s\n", out, name, mcc);
	rc = CLI_OK;
out:
	acquirer_close(a);
	cli_issuer_close(&ci);
	return rc;
}

int cli_admin_merchant(int argc, char **argv)
{
	static const cli_command cmds[] = {
	    {"add", "register a merchant", merchant_add},
	};
	return cli_dispatch("possum admin merchant", "The acquirer's merchants.", cmds,
	                    sizeof cmds / sizeof cmds[0], argc, argv);
}
