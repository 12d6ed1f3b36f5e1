/* cmd_admin_wallet.c — `possum admin wallet`: the cardholders' wallets (docs/qr.md) by hand, as
 * a wallet app would use them: a payment code of a card's account to show at a terminal. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/jsonval.h"
#include "crypto/crypto.h"

struct wopts {
	const char *card;
};

static const char code_help[] =
    "--card PAN|LAST4 [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Issues a payment code (付款码) of the card's account, as the cardholder's wallet shows it:\n"
    "19 digits starting 62, the account's wallet number and 10 random digits. It pays once,\n"
    "within the config's [issuer] wallet_code_ttl (60 s by default) at a terminal that scans\n"
    "it (possum term qr-pay --code CODE); above [issuer] wallet_pin_above (CNY 1,000.00) the\n"
    "payment needs the card's PIN. The issuer keeps only a keyed hash of it.\n"
    "\n"
    "  --card C       the card: its number, or its last four digits when only one card ends\n"
    "                 in them; it must be active\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         print {\"code\",\"card\",\"expires_at\"}\n"
    "\n"
    "Exit status: 0 issued; 1 no such card, or one not active; 2 bad usage.\n";

static int wallet_code(struct cli_env *env, const void *values)
{
	const struct wopts *o = values;
	const char *prog = env->prog;
	struct issuer_wallet_code code;
	struct issuer_card c;
	char when[TEXT_TIME_LEN];
	int rc;

	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = issuer_card_find(env->host.issuer, o->card, &c);
	if (rc == ISSUER_EARG)
		return cli_usage_error(prog, "--card takes a card number or its last four digits");
	if (rc == ISSUER_OK)
		rc = issuer_wallet_code(env->host.issuer, c.id, (int64_t)time(NULL), &code);
	if (rc == ISSUER_ESTATE)
		return cli_error(CLI_FAILED, prog,
		                 "card %s is %s: only an active card's account pays", c.masked,
		                 issuer_card_status_name(c.status));
	if (rc != ISSUER_OK)
		return cli_module_failed(env, issuer_strerror(rc), rc == ISSUER_ESTORE, false);
	if (env->json) {
		cli_print_json(json_pack("{s:s, s:s, s:o}", "code", code.code, "card", code.masked,
		                         "expires_at",
		                         jsonval_time(code.expires_at, env->host.cfg.utc_offset)));
	} else {
		printf("%-13s%s\n%-13s%s\n", "code", code.code, "card", code.masked);
		printf("%-13s%s\n", "valid until", cli_time(env, code.expires_at, when));
	}
	crypto_wipe(&code, sizeof code);
	return CLI_OK;
}

static const cli_command wallet_cmds[] = {
    {"code", "issue a payment code of a card's account, to show at a terminal",
     .handler = wallet_code, .env = CLI_ENV_ISSUER, .help = code_help,
     CLI_OPTIONS(struct wopts, CLI_NEED("card", struct wopts, card)), .common = CLI_DATADIR,
     .wrong = "takes no arguments"},
    {"pay-qr", "pay a terminal's static QR code from a card's wallet",
     .row = &cli_admin_wallet_pay_qr_row},
};

const cli_group cli_admin_wallet_group = {
    "possum admin wallet",
    "The cardholders' wallets: payment codes to show at a terminal, and QR payments.",
    CLI_TABLE(wallet_cmds)};
