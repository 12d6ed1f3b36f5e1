/* cmd_admin_wallet_pay.c — `possum admin wallet pay-qr`: what a cardholder's wallet app does
 * with a terminal's static QR code (docs/qr.md "The terminal's static code"): the payload as
 * scanned, an amount and the wallet's card, paid through the acquirer (acquirer_qr_pay()),
 * the outcome printed in Chinese and English, or as JSON. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "acquirer/acquirer.h"
#include "cli/cli.h"
#include "common/jsonval.h"
#include "crypto/crypto.h"
#include "host/env.h"
#include "rcode/rcode.h"

#define CNY 156

static const char pay_help[] =
    "--payload TEXT --amount AMOUNT --card PAN|LAST4 [--pin PIN]\n"
    "       [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Pays a terminal's static QR code (its EMVCo merchant-presented payload, as `possum admin\n"
    "terminal qr` prints it) from a card's wallet, as a wallet app would: the payload's CRC,\n"
    "the acquirer's identifier in it, its terminal (active) and merchant (active) are checked —\n"
    "refused, nothing is recorded — then the payment runs at the issuer and is recorded as\n"
    "channel qr, outside the terminal's batch; the terminal learns of it with `possum term\n"
    "qr-result`.\n"
    "\n"
    "  --payload TEXT   the payload, as scanned\n"
    "  --amount AMOUNT  CNY: 12.34\n"
    "  --card PAN|LAST4 the wallet's card: its number, or its last 4 digits\n"
    "  --pin PIN        the wallet PIN (the card's), needed above [issuer] wallet_pin_above\n"
    "  --config FILE    the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR       the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json           print {\"approved\",\"rc\",\"text\",\"text_zh\",\"reason\",\"rrn\",\n"
    "                   \"auth_code\",\"amount\",\"card\",\"tid\",\"mid\",\"stan\"}\n"
    "\n"
    "Exit status: 0 approved; 1 declined or refused, or a failure; 2 bad usage.\n";

struct popts {
	const char *payload, *amount, *card, *pin;
};

#define POPT(name, member)  CLI_TEXT(name, struct popts, member)
#define PNEED(name, member) CLI_NEED(name, struct popts, member)

static void print_outcome(const struct cli_env *env, const struct acquirer_outcome *o)
{
	const struct rcode_info *info = rcode_find(o->rc);
	bool approved = rcode_approved(o->rc);
	char amount[CLI_MONEY_TEXT];

	if (env->json) {
		json_t *j = json_pack(
		    "{s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s}", "approved",
		    approved, "rc", o->rc, "text", info->en, "text_zh", info->zh, "reason",
		    o->reason, "rrn", o->rrn, "auth_code", o->auth_code, "amount",
		    jsonval_money(o->amount, (unsigned)o->currency), "card", o->card, "tid", o->tid,
		    "mid", o->mid, "stan", o->stan);

		cli_print_json(j);
		return;
	}
	printf("%s: %s %s / %s%s%s\n", approved ? "approved" : "declined", o->rc, info->zh,
	       info->en, o->reason[0] != '\0' && !approved ? "  " : "", approved ? "" : o->reason);
	if (o->tid[0] == '\0')
		return;
	cli_money_text(o->amount, (unsigned)o->currency, amount);
	printf("amount %s  card %s\n", amount, o->card);
	printf("terminal %s  merchant %s", o->tid, o->mid);
	if (o->rrn[0] != '\0')
		printf("  rrn %s", o->rrn);
	if (o->auth_code[0] != '\0')
		printf("  auth %s", o->auth_code);
	printf("\n");
}

static int pay_qr(struct cli_env *env, const void *values)
{
	const struct popts *o = values;
	const char *prog = env->prog;
	struct acquirer_qr_payment p = {.payload = o->payload, .currency = CNY, .pin = o->pin};
	struct acquirer_outcome out;
	struct issuer_card card;
	risk_rules *rules = NULL;
	char pan[CARD_PAN_MAX + 1], err[256];
	int rc;

	if ((rc = cli_amount(prog, "amount", o->amount, CNY, &p.amount)) != CLI_OK)
		return rc;
	if (p.amount <= 0)
		return cli_usage_error(prog, "--amount must be more than 0");
	if (o->pin != NULL && (strlen(o->pin) < 4 || strlen(o->pin) > 12 ||
	                       strspn(o->pin, "0123456789") != strlen(o->pin)))
		return cli_usage_error(prog, "--pin: 4 to 12 digits");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = issuer_card_find(env->host.issuer, o->card, &card)) == ISSUER_EARG)
		return cli_usage_error(prog, "--card: a card number or its last four digits");
	if (rc == ISSUER_ENOTFOUND)
		return cli_error(CLI_FAILED, prog, "no such card");
	if (rc != ISSUER_OK || (rc = issuer_card_pan(env->host.issuer, card.id, pan)) != ISSUER_OK)
		return cli_error(CLI_FAILED, prog, "%s", issuer_strerror(rc));
	p.pan = pan;
	/* The host's risk rules judge it as they would at the host. */
	if (host_risk_load(&env->host.cfg, &rules, err, sizeof err) != RISK_OK) {
		crypto_wipe(pan, sizeof pan);
		return cli_error(CLI_FAILED, prog, "%s", err);
	}
	acquirer_set_rules(env->host.acquirer, rules);
	rc = acquirer_qr_pay(env->host.acquirer, &p, (int64_t)time(NULL), &out);
	acquirer_set_rules(env->host.acquirer, NULL);
	risk_rules_free(rules);
	crypto_wipe(pan, sizeof pan);
	if (rc != ACQUIRER_OK)
		return cli_error(CLI_FAILED, prog, "%s", acquirer_strerror(rc));
	print_outcome(env, &out);
	return rcode_approved(out.rc) ? CLI_OK : CLI_FAILED;
}

const cli_command cli_admin_wallet_pay_qr_row = {
    "pay-qr",
    "pay a terminal's static QR code from a card's wallet",
    .handler = pay_qr,
    .env = CLI_ENV_ISSUER | HOST_NEED_ACQUIRER,
    .help = pay_help,
    CLI_OPTIONS(struct popts, PNEED("payload", payload), PNEED("amount", amount),
                PNEED("card", card), POPT("pin", pin)),
    .common = CLI_DATADIR,
    .wrong = "takes no arguments"};
