/* cmd_crypto.c — `possum crypto`: the payment cryptography of src/crypto on the command line,
 * for engineers checking a terminal's or a host's values by hand, and for scripts.
 *
 * The table below lists every subcommand with the options it requires and allows; cli_parse()
 * reads them into a struct cmd_ctx; the readers of cmd_crypto_key.c check hex lengths and
 * keywords and say what they expected; each subcommand is a small function over the library,
 * in a file of its family. Hex is read in either case and printed in upper case; the result is
 * printed alone on one line of stdout. Messages go to stderr; exit 2 for bad usage or input, 1
 * for a check that fails. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd_crypto.h"

struct crypto_cmd {
	const char *name; /* one or two words: "kcv", "pin encode" */
	const char *summary;
	int (*run)(const struct cmd_ctx *c);
	uint64_t required, optional; /* BIT(O_…) sets */
	const struct crypto_help *help;
	const char *key; /* the result's name with --json */
};

static const struct crypto_cmd cmds[] = {
    {"kcv", "key check value of a TDES or AES key", cli_crypto_kcv, BIT(O_KEY), BIT(O_ALG),
     &cli_crypto_kcv_help, "kcv"},
    {"pin encode", "build a clear ISO 9564-1 PIN block, format 0, 1 or 3", cli_crypto_pin_encode,
     BIT(O_FORMAT) | BIT(O_PIN), BIT(O_PAN) | BIT(O_FILL), &cli_crypto_pin_encode_help,
     "pin_block"},
    {"pin decode", "read the PIN out of a clear PIN block", cli_crypto_pin_decode,
     BIT(O_FORMAT) | BIT(O_BLOCK), BIT(O_PAN), &cli_crypto_pin_decode_help, "pin"},
    {"pin encrypt", "build and encipher an ISO 9564-1 format 4 (AES) PIN block",
     cli_crypto_pin_encrypt, BIT(O_FORMAT) | BIT(O_KEY) | BIT(O_PIN) | BIT(O_PAN), BIT(O_FILL),
     &cli_crypto_pin_encrypt_help, "pin_block"},
    {"pin decrypt", "decipher a format 4 PIN block and read its PIN", cli_crypto_pin_decrypt,
     BIT(O_FORMAT) | BIT(O_KEY) | BIT(O_BLOCK) | BIT(O_PAN), 0, &cli_crypto_pin_decrypt_help,
     "pin"},
    {"mac", "MAC of a message: ISO 9797-1, X9.9, X9.19, CUP ECB, CMAC", cli_crypto_mac,
     BIT(O_ALG) | BIT(O_KEY) | BIT(O_DATA), BIT(O_PAD), &cli_crypto_mac_help, "mac"},
    {"dukpt", "derive a DUKPT key (ANSI X9.24-1 TDES, X9.24-3 AES), host side", cli_crypto_dukpt,
     BIT(O_BDK) | BIT(O_KSN) | BIT(O_ALG) | BIT(O_KEY), 0, &cli_crypto_dukpt_help, "key"},
    {"cvv", "Visa CVV, CVV2 or iCVV of a card", cli_crypto_cvv,
     BIT(O_CVK) | BIT(O_PAN) | BIT(O_EXPIRY) | BIT(O_SERVICE_CODE), 0, &cli_crypto_cvv_help, "cvv"},
    {"pvv", "Visa PIN verification value of a PIN", cli_crypto_pvv,
     BIT(O_PVK) | BIT(O_PVKI) | BIT(O_PAN) | BIT(O_PIN), 0, &cli_crypto_pvv_help, "pvv"},
    {"ibm3624", "IBM 3624 PIN offset of a customer-selected PIN", cli_crypto_ibm3624,
     BIT(O_PVK) | BIT(O_DECTAB) | BIT(O_VALIDATION) | BIT(O_PIN), BIT(O_PAD),
     &cli_crypto_ibm3624_help, "offset"},
    {"emv icc-mk", "EMV ICC master key from the issuer master key (option A)",
     cli_crypto_emv_icc_mk, BIT(O_IMK) | BIT(O_PAN) | BIT(O_PSN), 0, &cli_crypto_emv_icc_mk_help,
     "icc_mk"},
    {"emv session-key", "EMV common session key from an ICC master key", cli_crypto_emv_session_key,
     BIT(O_MK) | BIT(O_R), 0, &cli_crypto_emv_session_key_help, "session_key"},
    {"emv arqc", "EMV application cryptogram (ARQC, TC, AAC)", cli_crypto_emv_arqc,
     BIT(O_KEY) | BIT(O_DATA), 0, &cli_crypto_emv_arqc_help, "cryptogram"},
    {"emv arpc", "EMV authorisation response cryptogram, method 1 or 2", cli_crypto_emv_arpc,
     BIT(O_KEY) | BIT(O_ARQC), BIT(O_ARC) | BIT(O_METHOD) | BIT(O_CSU) | BIT(O_PAD_DATA),
     &cli_crypto_emv_arpc_help, "arpc"},
    {"tr31 unwrap", "authenticate and decrypt a TR-31 / X9.143 key block", cli_crypto_tr31_unwrap,
     BIT(O_KBPK) | BIT(O_BLOCK), BIT(O_VERBOSE), &cli_crypto_tr31_unwrap_help, "key"},
    {"tr31 wrap", "wrap a key in a TR-31 / X9.143 key block, version B or D", cli_crypto_tr31_wrap,
     BIT(O_KBPK) | BIT(O_KEY) | BIT(O_HEADER), BIT(O_FILL), &cli_crypto_tr31_wrap_help, "block"},
};

/* ---- Dispatch ---- */

static bool is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 || strcmp(arg, "help") == 0;
}

static const struct crypto_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < (sizeof cmds / sizeof cmds[0]); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

/* True when group is the first word of some two-word command. */
static bool is_group(const char *group)
{
	size_t n = strlen(group);

	for (size_t i = 0; i < (sizeof cmds / sizeof cmds[0]); i++)
		if (strncmp(cmds[i].name, group, n) == 0 && cmds[i].name[n] == ' ')
			return true;
	return false;
}

/* The list of commands (all, or those of group), as `possum crypto --help` prints it. */
static void print_list(FILE *out, const char *group)
{
	size_t n = group != NULL ? strlen(group) : 0;

	if (group == NULL)
		fprintf(
		    out,
		    "Usage: possum crypto COMMAND [OPTIONS]\n"
		    "\n"
		    "Payment cryptography on the command line. Hex is read in either case and\n"
		    "printed in upper case; the result is printed alone on one line (--json: as\n"
		    "{\"NAME\":\"…\"}, NAME in each command's help). Keys given\n"
		    "on a command line are visible to other users (ps) and kept in the shell's\n"
		    "history: use test keys.\n");
	else
		fprintf(out, "Usage: possum crypto %s COMMAND [OPTIONS]\n", group);
	fprintf(out, "\nCommands:\n");
	for (size_t i = 0; i < (sizeof cmds / sizeof cmds[0]); i++)
		if (group == NULL ||
		    (strncmp(cmds[i].name, group, n) == 0 && cmds[i].name[n] == ' '))
			fprintf(out, "  %-16s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(out, "\nExit status: 0 done; 1 a check failed (a TR-31 block that does not\n"
	             "authenticate); 2 bad usage or bad input (the message names the option).\n"
	             "\nRun 'possum crypto COMMAND --help' for a command's options.\n");
}

static void print_help(const struct crypto_cmd *cmd, const char *prog)
{
	const struct crypto_help *h = cmd->help;

	printf("Usage: %s %s [--json]\n\n%s  --json  print the result as JSON: {\"%s\":\"…\"}\n"
	       "\nExit status: 0 done; %s2 bad usage or bad input.\n",
	       prog, h->usage, h->help, cmd->key, h->fails != NULL ? h->fails : "");
}

/* Reads argv (argv[0] the command's name) into c with cli_parse(): the options the command
 * requires and allows, and no operands. CLI_HELP when --help was given. */
static int parse_options(const struct crypto_cmd *cmd, int argc, char **argv, struct cmd_ctx *c)
{
	cli_option opts[O_COUNT];
	char letters[O_COUNT + 1];
	uint64_t required = 0;
	size_t n = 0;
	int rest;

	for (int o = 0; o < O_COUNT; o++) {
		if (!((cmd->required | cmd->optional) & BIT(o)))
			continue;
		opts[n] = o == O_VERBOSE ? (cli_option)CLI_FLAG(cli_crypto_opts[o], &c->verbose)
		                         : (cli_option)CLI_VALUE(cli_crypto_opts[o], &c->v[o]);
		letters[n] = o == O_VERBOSE ? 'v' : ' ';
		if (cmd->required & BIT(o))
			required |= UINT64_C(1) << n;
		n++;
	}
	letters[n] = '\0';
	return cli_parse(argc, argv,
	                 &(const cli_spec){.opts = opts,
	                                   .n = n,
	                                   .common = {.json = &c->json},
	                                   .required = required,
	                                   .letters = letters},
	                 &rest);
}

const char *cli_crypto_name(size_t i)
{
	return i < sizeof cmds / sizeof cmds[0] ? cmds[i].name : NULL;
}

int cli_crypto(int argc, char **argv, struct cli_env *env)
{
	const struct crypto_cmd *cmd = NULL;
	struct cmd_ctx c = {0};
	char prog[64], name[64];
	bool help = false;
	int words = 1, rc;

	(void)env; /* its row needs none */
	if (argc < 2 || is_help(argv[1])) {
		print_list(argc < 2 ? stderr : stdout, NULL);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (is_group(argv[1])) {
		if (argc > 2 && argv[2][0] != '-') {
			snprintf(name, sizeof name, "%s %s", argv[1], argv[2]);
			cmd = find_cmd(name);
			words = 2;
		}
		if (cmd == NULL) {
			help = argc > 2 && is_help(argv[2]);
			if (argc > 2 && !help)
				fprintf(stderr, "possum crypto %s: unknown command '%s'\n\n",
				        argv[1], argv[2]);
			print_list(help ? stdout : stderr, argv[1]);
			return help ? CLI_OK : CLI_USAGE;
		}
	} else if ((cmd = find_cmd(argv[1])) == NULL) {
		fprintf(stderr, "possum crypto: unknown command '%s'\n\n", argv[1]);
		print_list(stderr, NULL);
		return CLI_USAGE;
	}
	snprintf(prog, sizeof prog, "possum crypto %s", cmd->name);
	c.prog = prog;
	c.key = cmd->key;
	argv[words] = prog; /* the parse's argv[0]: messages name the whole command */
	if ((rc = parse_options(cmd, argc - words, argv + words, &c)) == CLI_HELP)
		print_help(cmd, prog);
	if (rc != CLI_OK)
		return cli_status(rc);
	return cmd->run(&c);
}
