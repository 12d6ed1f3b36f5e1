/* cmd_admin.c — `possum admin`: administration of a data directory, a group of commands per
 * part of the system. Each command takes --data DIR (see cli.h, "The data directory"). */
#include "cli/cli.h"

extern const cli_group cli_admin_txn_group;       /* cmd_admin_txn.c */
extern const cli_group cli_admin_risk_group;      /* cmd_admin_risk.c */
extern const cli_group cli_admin_wallet_group;    /* cmd_admin_wallet.c */
extern const cli_command cli_admin_statement_row; /* cmd_admin_statement.c */
extern const cli_group cli_admin_user_group;      /* cmd_admin_user.c */
extern const cli_command cli_admin_backup_row;    /* cmd_admin_backup.c */
extern const cli_command cli_admin_restore_row;   /* cmd_admin_backup.c */
extern const cli_group cli_admin_pki_group;       /* cmd_admin_pki.c */
extern const cli_group cli_admin_route_group;     /* cmd_admin_route.c */
extern const cli_group cli_admin_store_group;     /* cmd_admin_store.c */
extern const cli_group cli_admin_tms_group;       /* cmd_admin_tms.c */

static const cli_command cmds[] = {
    {"card", "the issuer's cards", .group = &cli_admin_card_group},
    {"account", "card accounts: test money in and out", .group = &cli_admin_account_group},
    {"ledger", "the double-entry ledger: accounts, transfers, the check",
     .group = &cli_admin_ledger_group},
    {"link", "network links: the issuer's zone PIN key, the store-and-forward queue",
     .group = &cli_admin_link_group},
    {"merchant", "the acquirer's merchants: onboarding, fees, limits, reviews, balance",
     .group = &cli_admin_merchant_group},
    {"payouts", "the merchants' payouts to their settlement cards",
     .group = &cli_admin_payouts_group},
    {"pki", "a small CA: terminals' and hosts' TLS certificates, the CRL",
     .group = &cli_admin_pki_group},
    {"review", "periodic maintenance reviews: due", .group = &cli_admin_review_group},
    {"risk", "risk control: rules, lists, cases, replay, the merchant review",
     .group = &cli_admin_risk_group},
    {"route", "the routing table: card ranges to the local issuer or network links",
     .group = &cli_admin_route_group},
    {"settle", "the close of a day: clearing, fees, the ledger's postings",
     .group = &cli_admin_settle_group},
    {"settlement-card", "the card a merchant is paid to", .group = &cli_admin_settlecard_group},
    {"statement", "a merchant's statement of a day: transactions, fees, totals, payout",
     .row = &cli_admin_statement_row},
    {"store", "the store's schema: versions, pending migrations, migrate; leases",
     .group = &cli_admin_store_group},
    {"terminal", "the merchants' terminals: one terminal, one code",
     .group = &cli_admin_terminal_group},
    {"tms", "terminal management: parameters, CA public keys, chip applications",
     .group = &cli_admin_tms_group},
    {"token", "the HTTP API's tokens", .group = &cli_admin_token_group},
    {"txn", "the terminals' requests: list (the API's filters), show by RRN",
     .group = &cli_admin_txn_group},
    {"user", "the web console's users: add, list, disable, unlock, password, totp",
     .group = &cli_admin_user_group},
    {"wallet", "cardholders' wallets: payment codes, QR payments",
     .group = &cli_admin_wallet_group},
    {"audit", "the audit log: who changed what, before and after", .row = &cli_admin_audit_row},
    {"backup", "an online copy of the store while the host runs", .row = &cli_admin_backup_row},
    {"restore", "a backup put in place of the store (no host running on it)",
     .row = &cli_admin_restore_row},
};

const cli_group cli_admin_group = {
    "possum admin",
    "Administration of a data directory (--data DIR, else $POSSUM_DATA, the config's\n"
    "[host] data, or " CLI_DATADIR_DEFAULT "): its store (DIR/possum.db, or the PostgreSQL\n"
    "database of the config's [store]; $POSSUM_STORE, when set, in place of both: a SQLite\n"
    "path or postgres:CONNINFO) and its LMK (POSSUM_LMK, else DIR/lmk). Commands that only\n"
    "read create neither.",
    CLI_TABLE(cmds)};
