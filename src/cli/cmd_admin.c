/* cmd_admin.c — `possum admin`: administration of a data directory, a group of commands per
 * part of the system. Each command takes --data DIR (see cli.h, "The data directory"). */
#include "cli/cli.h"

int cli_admin(int argc, char **argv)
{
	static const cli_command cmds[] = {
	    {"card", "the issuer's cards: issue, show, list, status, replace, phone, revoke-auth",
	     cli_admin_card},
	    {"account", "card accounts: test money in and out", cli_admin_account},
	    {"ledger", "the double-entry ledger: accounts, transfers, the check", cli_admin_ledger},
	    {"link", "the issuer's network link: its zone PIN key", cli_admin_link},
	    {"merchant",
	     "the acquirer's merchants: apply, step, show, list, documents, fees, limits",
	     cli_admin_merchant},
	    {"review", "periodic maintenance reviews: due", cli_admin_review},
	    {"settlement-card", "the card a merchant is paid to: bind, change, show",
	     cli_admin_settlecard},
	    {"terminal",
	     "the merchants' terminals: add, activate, suspend, retire, rebind, tmk, status",
	     cli_admin_terminal},
	    {"token", "the HTTP API's tokens: create, list, revoke", cli_admin_token},
	    {"audit", "the audit log: who changed what, before and after", cli_admin_audit},
	};
	return cli_dispatch(
	    "possum admin",
	    "Administration of a data directory (--data DIR, default " CLI_DATADIR_DEFAULT
	    "):\nits store (DIR/possum.db) and its LMK (POSSUM_LMK, else DIR/lmk).",
	    cmds, sizeof cmds / sizeof cmds[0], argc, argv);
}
