/* cmd_admin_merchant.c — `possum admin terminal add`: the registration the acquirer host
 * needs before a terminal can sign in (DESIGN.md flows 2 and 3): each terminal of a merchant
 * (cmd_admin_onboarding.c) bound to its hardware serial number, with a terminal master key
 * handed out as components for the key ceremony. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/hex.h"
#include "crypto/crypto.h"

static const char terminal_add_help[] =
    "--merchant MID --sn SN [--tid TID] [--parts 2|3] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Registers a terminal of merchant MID, bound to its hardware serial number (one terminal,\n"
    "one code: an SN may be bound to one terminal at a time), and makes its terminal master\n"
    "key (TMK). Prints the TID and the TMK as components, each with its check value, and the\n"
    "TMK's check value: give each component to a different custodian, who keys it into the\n"
    "terminal (`possum term init --tmk-components`). The components are not kept anywhere.\n"
    "\n"
    "  --merchant MID  the merchant (possum admin merchant add)\n"
    "  --sn SN         the terminal's hardware serial number, 1 to 50 printable characters\n"
    "  --tid TID       its terminal id, 8 letters and digits; default a new one (8 digits)\n"
    "  --parts N       2 or 3 components (default 2)\n"
    "  --config FILE   the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR      the data directory (default the config's, else " CLI_DATADIR_DEFAULT ")\n"
    "  --json          print {\"tid\",\"mid\",\"sn\",\"components\":[{\"key\",\"kcv\"},…],\"kcv\"}\n"
    "\n"
    "Exit status: 0 registered; 1 no such merchant, the TID taken, the SN bound, or a\n"
    "failure; 2 bad usage.\n";

static int terminal_add(int argc, char **argv)
{
	const char *prog = argv[0], *config = NULL, *data = NULL, *mid = NULL, *sn = NULL,
	           *tid = NULL, *parts = NULL;
	int json = 0, rest, rc;
	const cli_option opts[] = {{"merchant", &mid, NULL},  {"sn", &sn, NULL},
	                           {"tid", &tid, NULL},       {"parts", &parts, NULL},
	                           {"config", &config, NULL}, {"data", &data, NULL},
	                           {"json", NULL, &json}};
	struct acquirer_terminal_reg reg = {0};
	struct cli_issuer ci;
	acquirer *a = NULL;
	char hex[2 * HSM_CLEAR_MAX + 1], kcv[2 * HSM_KCV_MAX + 1];
	int64_t n = 2;

	if ((rc = cli_options(argc, argv, opts, 7, terminal_add_help, &rest)) != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	if (rest < argc)
		return cli_usage_error(prog, "unexpected argument '%s'", argv[rest]);
	if (mid == NULL)
		return cli_usage_error(prog, "--merchant MID is needed");
	if (sn == NULL || sn[0] == '\0' || strlen(sn) > ACQUIRER_SN_MAX)
		return cli_usage_error(prog, "--sn: 1 to 50 characters needed");
	if (tid != NULL && strlen(tid) != ACQUIRER_TID_LEN)
		return cli_usage_error(prog, "--tid: 8 letters and digits");
	if (parts != NULL && (rc = cli_int64(prog, "--parts", parts, 2, 3, &n)) != CLI_OK)
		return rc;
	if ((rc = cli_issuer_start(prog, config, data, &ci)) != CLI_OK)
		return rc;
	if ((rc = cli_acquirer_open(prog, &ci, &a)) != CLI_OK)
		goto out;
	if ((rc = acquirer_terminal_add(a, mid, sn, tid, (size_t)n, (int64_t)time(NULL), &reg)) !=
	    ACQUIRER_OK) {
		rc =
		    rc == ACQUIRER_EARG
		        ? cli_usage_error(prog, "a TID of 8 letters and digits, an SN of printable "
		                                "characters")
		        : cli_error(CLI_FAILED, prog, "%s",
		                    rc == ACQUIRER_ENOTFOUND ? "no such merchant"
		                    : rc == ACQUIRER_EEXIST  ? "the TID is taken or the SN is bound"
		                                             : acquirer_strerror(rc));
		goto out;
	}
	hex_encode(reg.kcv.v, reg.kcv.len, kcv, sizeof kcv);
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "tid", reg.tid, "mid", mid, "sn", sn);
		json_t *list = json_array();

		for (size_t i = 0; i < reg.n_parts; i++) {
			char pk[2 * HSM_KCV_MAX + 1];

			hex_encode(reg.parts[i].part, reg.parts[i].len, hex, sizeof hex);
			hex_encode(reg.parts[i].kcv.v, reg.parts[i].kcv.len, pk, sizeof pk);
			json_array_append_new(list,
			                      json_pack("{s:s, s:s}", "component", hex, "kcv", pk));
		}
		json_object_set_new(o, "components", list);
		json_object_set_new(o, "kcv", json_string(kcv));
		cli_print_json(o);
	} else {
		printf("tid          %s\nmid          %s\nsn           %s\n", reg.tid, mid, sn);
		for (size_t i = 0; i < reg.n_parts; i++) {
			char pk[2 * HSM_KCV_MAX + 1];

			hex_encode(reg.parts[i].part, reg.parts[i].len, hex, sizeof hex);
			hex_encode(reg.parts[i].kcv.v, reg.parts[i].kcv.len, pk, sizeof pk);
			printf("component %zu  %s  kcv %s\n", i + 1, hex, pk);
		}
		printf("tmk kcv      %s\n", kcv);
	}
	rc = CLI_OK;
out:
	crypto_wipe(&reg, sizeof reg);
	crypto_wipe(hex, sizeof hex);
	acquirer_close(a);
	cli_issuer_close(&ci);
	return rc;
}

int cli_admin_terminal(int argc, char **argv)
{
	static const cli_command cmds[] = {
	    {"add", "register a terminal and make its master key", terminal_add},
	};
	return cli_dispatch("possum admin terminal", "The merchants' terminals.", cmds,
	                    sizeof cmds / sizeof cmds[0], argc, argv);
}
