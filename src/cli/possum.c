/* possum.c — the `possum` command's table: every command, each a row (cli.h). `possum --help`
 * lists them from here, and tests/cli/test_cli_help.c walks it: every command and subcommand
 * answers --help and names the options its row takes. */
#include "cli/cli.h"

/* Every command; `possum --help` lists them all. Each group's commands say what environment
 * they need in their own tables (cmd_*.c), as `possum host`'s and `possum load`'s rows do in
 * their files; `possum host` and `possum load` open their own. */
static const cli_command commands[] = {
    {"crypto", "payment cryptography: PIN blocks, MACs, DUKPT, KCVs, TR-31 key blocks", cli_crypto,
     .env = CLI_ENV_NONE, .names = cli_crypto_name},
    {"iso", "ISO 8583 messages: decode, encode, list dialects", .group = &cli_iso_group},
    {"tlv", "BER-TLV (EMV chip data): decode", .group = &cli_tlv_group},
    {"hsm", "the software HSM: LMK, key generation, key ceremonies", .group = &cli_hsm_group},
    {"admin", "administration of a data directory: cards, accounts, the ledger, the link",
     .group = &cli_admin_group},
    {"host", "run the host: ISO 8583 links, the issuer", .row = &cli_host_row},
    {"term", "the reference POS terminal: sign-in, payments, reversals, settlement",
     .group = &cli_term_group},
    {"load", "load test: simulated terminals paying against a host", .row = &cli_load_row},
    {"certify", "the device test of a POS terminal, and its certificates",
     .group = &cli_certify_group},
};

const cli_group cli_possum_group = {
    "possum",
    "possum — an open-source card-acquiring platform: POS terminals, the\n"
    "acquirer host, the issuer, and the tools payment engineers use on them.\n\n"
    "Options:\n  --help      this text\n  --version   the version",
    CLI_TABLE(commands)};
