/* cmd_admin_card.c — `possum admin card` and `possum admin account`: the issuer's cards by hand.
 * Issue a card and print the image a test terminal needs, change its status, replace it, show
 * and list cards (masked), change its reserved phone or revoke its authentication (each change
 * through the merchant module, with its audit entry), and put test money on or take it off a
 * card's account. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/jsonval.h"
#include "crypto/crypto.h"

#define COMMON_HELP                                                                                          \
	"  --config FILE  the config file (BIN ranges, limits; default $POSSUM_CONFIG)\n"                    \
	"  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT \
	")\n"                                                                                                \
	"  --json         print JSON\n"

static const char *const product_names[] = {"", "debit", "credit", "prepaid"};
static const char *const status_names[] = {"", "active", "lost", "stolen", "blocked", "replaced"};

static int lookup(const char *const *names, size_t n, const char *text)
{
	for (size_t i = 1; text != NULL && i < n; i++)
		if (strcmp(names[i], text) == 0)
			return (int)i;
	return 0;
}

/* Every option of a card or account command; each row's table names those it takes. */
struct copts {
	const char *product, *holder, *id, *phone, *balance, *limit, *pin, *expiry, *language, *out;
	const char *value; /* the one option of status, phone, revoke-auth, credit and debit */
	int chip;
};

#define TEXT(name, member) CLI_TEXT(name, struct copts, member)
#define NEED(name, member) CLI_NEED(name, struct copts, member)

static int issuer_failed(const struct cli_env *env, int rc)
{
	return cli_module_failed(env, issuer_strerror(rc), rc == ISSUER_ESTORE, rc == ISSUER_EARG);
}

/* ---- the card image ---- */

static int print_image(const char *prog, const struct issuer_card_image *img, const char *holder,
                       const char *path, int json)
{
	json_t *o = term_card_json(img, holder);
	int rc = CLI_OK;

	if (path != NULL && term_card_save(path, o) != TERM_OK)
		rc = cli_error(CLI_FAILED, prog, "cannot write %s", path);
	if (json) {
		cli_print_json(json_incref(o));
	} else {
		printf("card        %s (%s%s)\nexpiry      %s\nservice     %s\ncvv2        %s\n"
		       "pin         %s\ntrack 2     %s\n",
		       img->pan, product_names[img->product], img->chip ? ", chip" : "",
		       img->expiry, img->service_code, img->cvv2, img->pin, img->track2);
		if (img->chip)
			printf("psn         %s\n", img->psn);
		if (path != NULL)
			printf("image       %s\n", path);
	}
	json_decref(o);
	return rc;
}

/* ---- issue ---- */

static const char issue_help[] =
    "--product debit|credit --holder NAME --id-number ID --phone PHONE\n"
    "    [--balance AMOUNT | --limit AMOUNT] [--pin PIN] [--expiry YYMM] [--chip]\n"
    "    [--language zh|en] [--out FILE] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Issues a card in a BIN range of its product (the config's [issuer] bin lines) with an\n"
    "account in the ledger, and prints its image: what a test terminal needs to present it —\n"
    "PAN, expiry, service code, CVV2, PIN, track 2 with its CVV (the iCVV for chip cards), and\n"
    "for chip cards the PAN sequence number and the card's master key for cryptograms (EMV\n"
    "option A from the issuer master key), so that a simulated card computes real ARQCs.\n"
    "The image is test material: it is printed once and never kept by the issuer.\n"
    "\n"
    "  --product P     debit (an account that holds money) or credit (a credit line)\n"
    "  --holder NAME   the cardholder's name; --id-number, --phone: their ID-card number and\n"
    "                  the phone reserved for one-time codes (the four elements)\n"
    "  --balance A     debit: the opening balance, e.g. 1000.00 (test money)\n"
    "  --limit A       credit: the credit line\n"
    "  --pin PIN       4 to 12 digits (default: 6 random digits)\n"
    "  --expiry YYMM   default: five years from now\n"
    "  --chip          an EMV chip card\n"
    "  --language L    of its messages: zh (default) or en\n"
    "  --out FILE      also write the image as JSON to FILE (mode 0600)\n" COMMON_HELP "\n"
    "With --json the image is {\"pan\",\"expiry\",\"service_code\",\"cvv2\",\"pin\",\"track2\",...}\n"
    "and, for chip cards, \"emv\": {\"psn\",\"icc_mk\",\"cdol1\"}.\n"
    "\n"
    "Exit status: 0 issued; 1 failed; 2 bad usage.\n";

static int card_issue(struct cli_env *env, const void *values)
{
	const struct copts *o = values;
	const char *prog = env->prog;
	struct issuer_card_request req = {0};
	struct issuer_card_image img;
	int rc;

	if ((req.product = lookup(product_names, 3, o->product)) == 0)
		return cli_usage_error(prog, "--product must be debit or credit");
	if (o->holder == NULL || o->id == NULL || o->phone == NULL)
		return cli_usage_error(prog, "--holder, --id-number and --phone are required");
	if (o->balance != NULL && req.product != CARD_PRODUCT_DEBIT)
		return cli_usage_error(prog,
		                       "--balance is for debit cards (credit cards: --limit)");
	if (o->limit != NULL && req.product != CARD_PRODUCT_CREDIT)
		return cli_usage_error(prog,
		                       "--limit is for credit cards (debit cards: --balance)");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((o->balance != NULL &&
	     (rc = cli_amount(prog, "balance", o->balance, env->host.cfg.issuer.currency,
	                      &req.balance)) != CLI_OK) ||
	    (o->limit != NULL &&
	     (rc = cli_amount(prog, "limit", o->limit, env->host.cfg.issuer.currency,
	                      &req.limit)) != CLI_OK))
		return rc;
	req.holder = o->holder;
	req.id_number = o->id;
	req.phone = o->phone;
	req.pin = o->pin;
	req.expiry = o->expiry;
	req.chip = o->chip != 0;
	req.language = o->language;
	rc = issuer_card_issue(env->host.issuer, &req, (int64_t)time(NULL), &img);
	if (rc == ISSUER_EARG)
		return cli_usage_error(prog,
		                       "a value is not valid: the holder's name (1 to 64 bytes), "
		                       "ID number (1 to 32), phone (digits), PIN (4 to 12 digits), "
		                       "expiry (YYMM, not past) or language (zh, en)");
	if (rc == ISSUER_ENOBIN)
		return cli_error(CLI_FAILED, prog,
		                 "no BIN range for %s cards: add a `bin = PREFIX %s` line to the "
		                 "config's [issuer] section (etc/possum.conf has demo ranges)",
		                 o->product, o->product);
	if (rc != ISSUER_OK)
		return issuer_failed(env, rc);
	rc = print_image(prog, &img, o->holder, o->out, env->json);
	crypto_wipe(&img, sizeof img);
	return rc;
}

/* ---- show, list, status ---- */

/* A card as JSON: its balances each an amount with its currency (jsonval.h). */
static json_t *card_json(const struct issuer_card *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "card", json_string(c->masked));
	json_object_set_new(o, "product", json_string(product_names[c->product]));
	json_object_set_new(o, "status", json_string(status_names[c->status]));
	json_object_set_new(o, "expiry", json_string(c->expiry));
	json_object_set_new(o, "chip", json_boolean(c->chip));
	json_object_set_new(o, "holder", json_string(c->holder));
	json_object_set_new(o, "account", json_integer(c->account_id));
	json_object_set_new(o, "available", jsonval_money(c->available, c->currency));
	json_object_set_new(o, "balance", jsonval_money(c->balance, c->currency));
	json_object_set_new(o, "held", jsonval_money(c->held, c->currency));
	json_object_set_new(o, "pin_tries", json_integer(c->pin_tries));
	if (c->replaced_by != 0)
		json_object_set_new(o, "replaced_by", json_integer(c->replaced_by));
	return o;
}

static void card_print(const struct issuer_card *c)
{
	char avail[32], bal[32], held[32];

	cli_amount_format(c->available, c->currency, avail);
	cli_amount_format(c->balance, c->currency, bal);
	cli_amount_format(c->held, c->currency, held);
	printf("%-6" PRId64 " %-19s %-7s %-8s %s %-4s %12s %12s %12s  %s\n", c->id, c->masked,
	       product_names[c->product], status_names[c->status], c->expiry, c->chip ? "chip" : "",
	       avail, bal, held, c->holder);
}

static void card_header(void)
{
	printf("%-6s %-19s %-7s %-8s %s %-4s %12s %12s %12s  %s\n", "id", "card", "product",
	       "status", "exp ", "", "available", "balance", "held", "holder");
}

/* Opens the command's environment and finds the card named by its one operand (a PAN or its
 * last 4). */
static int open_card(struct cli_env *env, struct issuer_card *c)
{
	int rc;

	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = issuer_card_find(env->host.issuer, env->operands[0], c)) == ISSUER_OK)
		return CLI_OK;
	if (rc == ISSUER_EARG)
		return cli_usage_error(env->prog, "give a card number or its last four digits");
	return issuer_failed(env, rc);
}

static const char show_help[] = "PAN|LAST4 [--config FILE] [--data DIR] [--json]\n"
                                "\n"
                                "Shows a card, masked, with its account's balances.\n"
                                "\n" COMMON_HELP "\n"
                                "Exit status: 0 shown; 1 no such card; 2 bad usage.\n";

static int card_show(struct cli_env *env, const void *values)
{
	struct issuer_card c;
	int rc;

	(void)values; /* it has no options of its own */
	if ((rc = open_card(env, &c)) != CLI_OK)
		return rc;
	if (env->json) {
		cli_print_json(card_json(&c));
	} else {
		card_header();
		card_print(&c);
	}
	return CLI_OK;
}

struct list_ctx {
	json_t *array;
	size_t n;
};

static int list_one(void *ctx, const struct issuer_card *c)
{
	struct list_ctx *l = ctx;

	if (l->array != NULL)
		json_array_append_new(l->array, card_json(c));
	else
		card_print(c);
	l->n++;
	return 0;
}

static const char list_help[] = "[--config FILE] [--data DIR] [--json]\n"
                                "\n"
                                "Lists the issuer's cards, masked, oldest first; with --json\n"
                                "{\"items\":[…],\"next\":null}.\n"
                                "\n" COMMON_HELP "\n"
                                "Exit status: 0 listed; 1 failed; 2 bad usage.\n";

static int card_list(struct cli_env *env, const void *values)
{
	struct list_ctx l = {0};
	int rc;

	(void)values; /* it has no options of its own */
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if (env->json)
		l.array = json_array();
	else
		card_header();
	if ((rc = issuer_card_list(env->host.issuer, list_one, &l)) != ISSUER_OK) {
		json_decref(l.array);
		rc = issuer_failed(env, rc);
	} else if (env->json) {
		cli_print_json(jsonval_page(l.array, NULL));
	}
	return rc;
}

static const char status_help[] =
    "PAN|LAST4 [--set active|lost|stolen|blocked] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Shows a card's status or, with --set, changes it: lost (answered 41), stolen (43),\n"
    "blocked (62), or active again (which also clears a PIN lock). A replaced card stays\n"
    "replaced.\n"
    "\n" COMMON_HELP "\n"
    "Exit status: 0 done; 1 no such card, or a replaced one; 2 bad usage.\n";

static int card_status(struct cli_env *env, const void *values)
{
	const char *prog = env->prog, *set = ((const struct copts *)values)->value;
	struct issuer_card c;
	int rc, status = 0;

	if (set != NULL && ((status = lookup(status_names, 5, set)) == 0))
		return cli_usage_error(prog, "--set takes active, lost, stolen or blocked");
	if ((rc = open_card(env, &c)) != CLI_OK)
		return rc;
	if (status != 0) {
		rc = merchant_card_set_status(env->host.merchant, env->actor, c.id,
		                              (enum issuer_card_status)status, (int64_t)time(NULL));
		if (rc == MERCHANT_ESTATE)
			rc = cli_error(CLI_FAILED, prog, "card %s was replaced: it stays so",
			               c.masked);
		else if (rc != MERCHANT_OK)
			rc = cli_merchant_failed(env, rc);
		else if ((rc = issuer_card_get(env->host.issuer, c.id, &c)) != ISSUER_OK)
			rc = issuer_failed(env, rc);
	}
	if (rc == CLI_OK) {
		if (env->json) {
			json_t *o = json_object();
			json_object_set_new(o, "card", json_string(c.masked));
			json_object_set_new(o, "status", json_string(status_names[c.status]));
			cli_print_json(o);
		} else {
			printf("%s %s\n", c.masked, status_names[c.status]);
		}
	}
	return rc;
}

static const char replace_help[] =
    "PAN|LAST4 [--pin PIN] [--expiry YYMM] [--out FILE] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Replaces a card: a new card number, expiry and PIN on the same account and holder; the old\n"
    "card stops working (62). Prints the new card's image as `card issue` does.\n"
    "\n"
    "  --pin PIN      the new PIN (default: 6 random digits)\n"
    "  --expiry YYMM  default: five years from now\n"
    "  --out FILE     also write the image as JSON to FILE (mode 0600)\n" COMMON_HELP "\n"
    "Exit status: 0 replaced; 1 no such card, or already replaced; 2 bad usage.\n";

static int card_replace(struct cli_env *env, const void *values)
{
	const struct copts *o = values;
	const char *prog = env->prog;
	struct issuer_card_image img;
	struct issuer_card c;
	merchant *m;
	int rc;

	if ((rc = open_card(env, &c)) != CLI_OK)
		return rc;
	m = env->host.merchant;
	rc = merchant_card_replace(m, env->actor, c.id, o->pin, o->expiry, (int64_t)time(NULL),
	                           &img);
	if (rc == MERCHANT_OK) {
		rc = print_image(prog, &img, c.holder, o->out, env->json);
		crypto_wipe(&img, sizeof img);
	} else if (rc == MERCHANT_ESTATE) {
		rc = cli_error(CLI_FAILED, prog, "card %s was replaced already", c.masked);
	} else if (rc == MERCHANT_EARG) {
		rc = cli_usage_error(prog, "--pin takes 4 to 12 digits, --expiry a YYMM not past");
	} else {
		rc = cli_merchant_failed(env, rc);
	}
	return rc;
}

static const char phone_help[] =
    "PAN|LAST4 --phone PHONE [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Changes the phone a card's holder reserved at the issuer (where its one-time codes go).\n"
    "The card's authentication becomes invalid (phone_changed): its holder authenticates it\n"
    "again, the code going to the new phone. Recorded in the audit log.\n"
    "\n"
    "  --phone PHONE  digits, optionally a leading '+'\n" COMMON_HELP "\n"
    "Exit status: 0 changed; 1 no such card, or a replaced one; 2 bad usage.\n";

static const char revoke_help[] =
    "PAN|LAST4 --reason TEXT [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "A risk decision: the card's authentication becomes invalid (risk_revoked), so that a\n"
    "payment that needs one is declined C2 until its holder authenticates it again. The\n"
    "reason goes to the audit log.\n"
    "\n"
    "  --reason TEXT  why, for the audit log (one line)\n" COMMON_HELP "\n"
    "Exit status: 0 revoked (or none to revoke); 1 no such card; 2 bad usage.\n";

/* phone and revoke-auth: an audited change of one card, given as --phone or --reason. */
static int card_change(struct cli_env *env, const void *values)
{
	bool phone = strcmp(env->row->name, "phone") == 0;
	const char *prog = env->prog, *value = ((const struct copts *)values)->value;
	struct issuer_card c;
	merchant *m;
	int rc;

	if ((rc = open_card(env, &c)) != CLI_OK)
		return rc;
	m = env->host.merchant;
	rc = phone ? merchant_card_set_phone(m, env->actor, c.id, value, (int64_t)time(NULL))
	           : merchant_card_revoke_auth(m, env->actor, c.id, value, (int64_t)time(NULL));
	if (rc == MERCHANT_EARG)
		rc = cli_usage_error(prog, phone ? "--phone takes digits, optionally a leading '+'"
		                                 : "--reason takes one line of text");
	else if (rc == MERCHANT_ESTATE)
		rc = cli_error(CLI_FAILED, prog, "card %s was replaced", c.masked);
	else if (rc != MERCHANT_OK)
		rc = cli_merchant_failed(env, rc);
	else if (env->json)
		cli_print_json(json_pack("{s:s, s:s}", "card", c.masked, "authentication",
		                         phone ? "phone_changed" : "risk_revoked"));
	else
		printf("%s %s\n", c.masked,
		       phone ? "phone changed; authentication invalid" : "authentication revoked");
	return rc;
}

/* The one operand of the commands on a card. */
#define ONE_CARD CLI_ONE("takes one card: its number or last four digits")

static const cli_command card_cmds[] = {
    {"issue", "issue a card and print its image", .handler = card_issue, .env = CLI_ENV_ISSUER,
     .help = issue_help,
     CLI_OPTIONS(struct copts, TEXT("product", product), TEXT("holder", holder),
                 TEXT("id-number", id), TEXT("phone", phone), TEXT("balance", balance),
                 TEXT("limit", limit), TEXT("pin", pin), TEXT("expiry", expiry),
                 TEXT("language", language), TEXT("out", out), CLI_SET("chip", struct copts, chip)),
     .common = CLI_DATADIR, .wrong = "takes no arguments"},
    {"show", "show a card, masked, with its balances", .handler = card_show,
     .env = CLI_ENV_ISSUER | CLI_ENV_READ, .help = show_help, .common = CLI_DATADIR, ONE_CARD},
    {"list", "list the cards, masked", .handler = card_list, .env = CLI_ENV_ISSUER | CLI_ENV_READ,
     .help = list_help, .common = CLI_DATADIR, .wrong = "takes no arguments"},
    {"status", "show or set a card's status: active, lost, stolen, blocked", .handler = card_status,
     .env = CLI_ENV_ISSUER | CLI_ENV_MERCHANT, .help = status_help,
     CLI_OPTIONS(struct copts, TEXT("set", value)), .common = CLI_DATADIR, ONE_CARD},
    {"replace", "replace a card: new number, expiry and PIN; the old one stops",
     .handler = card_replace, .env = CLI_ENV_ISSUER | CLI_ENV_MERCHANT, .help = replace_help,
     CLI_OPTIONS(struct copts, TEXT("pin", pin), TEXT("expiry", expiry), TEXT("out", out)),
     .common = CLI_DATADIR, ONE_CARD},
    {"phone", "change the reserved phone; the authentication becomes invalid",
     .handler = card_change, .env = CLI_ENV_ISSUER | CLI_ENV_MERCHANT, .help = phone_help,
     CLI_OPTIONS(struct copts, NEED("phone", value)), .common = CLI_DATADIR, ONE_CARD},
    {"revoke-auth", "revoke a card's authentication (a risk decision)", .handler = card_change,
     .env = CLI_ENV_ISSUER | CLI_ENV_MERCHANT, .help = revoke_help,
     CLI_OPTIONS(struct copts, NEED("reason", value)), .common = CLI_DATADIR, ONE_CARD},
};

const cli_group cli_admin_card_group = {"possum admin card", "The issuer's cards.",
                                        CLI_TABLE(card_cmds)};

/* ---- account credit, debit ---- */

static const char money_help[] =
    "PAN|LAST4 --amount AMOUNT [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Test money: credit puts AMOUNT (e.g. 100.00) on the card's account from the issuer's\n"
    "funding account, debit takes it back (refused beyond what the card may spend).\n"
    "\n" COMMON_HELP "\n"
    "Exit status: 0 done; 1 refused or no such card; 2 bad usage.\n";

static const cli_opt money_opts[] = {NEED("amount", value)};

static int account_move(struct cli_env *env, const void *values)
{
	bool credit = strcmp(env->row->name, "credit") == 0;
	const char *prog = env->prog, *amount = ((const struct copts *)values)->value;
	struct issuer_card c;
	int64_t minor;
	int rc;

	if ((rc = open_card(env, &c)) != CLI_OK)
		return rc;
	if ((rc = cli_amount(prog, "amount", amount, c.currency, &minor)) != CLI_OK)
		return rc;
	if (minor == 0)
		return cli_usage_error(prog, "--amount must be more than 0");
	rc = credit ? issuer_account_credit(env->host.issuer, c.id, minor, (int64_t)time(NULL))
	            : issuer_account_debit(env->host.issuer, c.id, minor, (int64_t)time(NULL));
	if (rc != ISSUER_OK || (rc = issuer_card_get(env->host.issuer, c.id, &c)) != ISSUER_OK)
		return issuer_failed(env, rc);
	if (env->json) {
		cli_print_json(card_json(&c));
	} else {
		card_header();
		card_print(&c);
	}
	return rc;
}

static const cli_command account_cmds[] = {
    {"credit", "put test money on a card's account", .handler = account_move, .env = CLI_ENV_ISSUER,
     .help = money_help, CLI_OPTS(money_opts, struct copts), .common = CLI_DATADIR, ONE_CARD},
    {"debit", "take test money off a card's account", .handler = account_move,
     .env = CLI_ENV_ISSUER, .help = money_help, CLI_OPTS(money_opts, struct copts),
     .common = CLI_DATADIR, ONE_CARD},
};

const cli_group cli_admin_account_group = {"possum admin account", "Card accounts: test money.",
                                           CLI_TABLE(account_cmds)};
