/* cmd_admin.c — `possum admin`: administration of a data directory, a group of commands per
 * part of the system. Each command takes --data DIR (see cli.h, "The data directory"). */
#include "cli/cli.h"

int cli_admin(int argc, char **argv)
{
	static const cli_command cmds[] = {
	    {"card", "the issuer's cards: issue, show, list, status, replace, phone, revoke-auth",
	     cli_admin_card, CLI_ENV_ISSUER | CLI_ENV_MERCHANT},
	    {"account", "card accounts: test money in and out", cli_admin_account, CLI_ENV_ISSUER},
	    {"ledger", "the double-entry ledger: accounts, transfers, the check", cli_admin_ledger,
	     CLI_ENV_STORE},
	    {"link", "the issuer's network link: its zone PIN key", cli_admin_link, CLI_ENV_ISSUER},
	    {"merchant",
	     "the acquirer's merchants: apply, step, show, list, documents, fees, limits",
	     cli_admin_merchant, CLI_ENV_MERCHANT},
	    {"review", "periodic maintenance reviews: due", cli_admin_review, CLI_ENV_MERCHANT},
	    {"settlement-card", "the card a merchant is paid to: bind, change, show",
	     cli_admin_settlecard, CLI_ENV_MERCHANT},
	    {"terminal",
	     "the merchants' terminals: add, activate, suspend, retire, rebind, tmk, status",
	     cli_admin_terminal, CLI_ENV_MERCHANT},
	    {"token", "the HTTP API's tokens: create, list, revoke", cli_admin_token,
	     CLI_ENV_ISSUER},
	    {"audit", "the audit log: who changed what, before and after", cli_admin_audit,
	     CLI_ENV_ISSUER},
	};
	return cli_dispatch(
	    "possum admin",
	    "Administration of a data directory (--data DIR, default " CLI_DATADIR_DEFAULT
	    "):\nits store (DIR/possum.db) and its LMK (POSSUM_LMK, else DIR/lmk).",
	    CLI_TABLE(cmds), argc, argv);
}
