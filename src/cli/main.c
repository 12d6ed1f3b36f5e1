/* main.c — the `possum` command: one binary, a subcommand per part of the system. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

/* Every command; `possum --help` lists them all. The env column says what a group's commands
 * open (see enum cli_env). */
static const cli_command commands[] = {
    {"crypto", "payment cryptography: PIN blocks, MACs, DUKPT, KCVs, TR-31 key blocks", cli_crypto,
     CLI_ENV_NONE},
    {"iso", "ISO 8583 messages: decode, encode, list dialects", cli_iso, CLI_ENV_NONE},
    {"tlv", "BER-TLV (EMV chip data): decode", cli_tlv, CLI_ENV_NONE},
    {"hsm", "the software HSM: LMK, key generation, key ceremonies", cli_hsm, CLI_ENV_HSM},
    {"admin", "administration of a data directory: cards, accounts, the ledger, the link",
     cli_admin, CLI_ENV_STORE | CLI_ENV_ISSUER | CLI_ENV_MERCHANT},
    {"host", "run the host: ISO 8583 links, the issuer", cli_host,
     CLI_ENV_STORE | CLI_ENV_ISSUER | CLI_ENV_MERCHANT},
    {"term", "the reference POS terminal: sign-in, payments, reversals, settlement", cli_term,
     CLI_ENV_TERM},
    {"load", "load test: simulated terminals paying against a host", cli_load, CLI_ENV_NONE},
};

int main(int argc, char **argv)
{
	(void)store_global_init(); /* before any store, as it must be: cannot fail here */
	if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
		printf("possum %s\n", POSSUM_VERSION);
		return CLI_OK;
	}
	return cli_dispatch(
	    "possum",
	    "possum — an open-source card-acquiring platform: POS terminals, the\n"
	    "acquirer host, the issuer, and the tools payment engineers use on them.\n\n"
	    "Options:\n  --help      this text\n  --version   the version",
	    CLI_TABLE(commands), argc, argv);
}
