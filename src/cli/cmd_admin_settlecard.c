/* cmd_admin_settlecard.c — `possum admin settlement-card`: the card a merchant is paid to
 * (docs/architecture.md flow 4), bound in two steps — the four elements, then the one-time code the
 * issuer sent to the reserved phone — shown masked with whether payouts may go. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/jsonval.h"
#include "common/text.h"

#define COMMON_HELP                                                                                          \
	"  --config FILE  the config file (default $POSSUM_CONFIG)\n"                                        \
	"  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT \
	")\n"                                                                                                \
	"  --json         print JSON\n"

/* Prints what a refused or failed step says; the exit code. */
static int failed(const struct cli_env *env, int rc, const char *why)
{
	switch (rc) {
	case MERCHANT_EVERIFY:
		return cli_error(CLI_FAILED, env->prog, "refused: %s", why);
	case MERCHANT_EARG:
		if (why[0] != '\0')
			return cli_usage_error(env->prog, "%s", why);
		return cli_merchant_failed(env, rc);
	case MERCHANT_ENOTFOUND:
		return cli_error(CLI_FAILED, env->prog,
		                 "no such merchant, or no binding waiting for a code");
	case MERCHANT_ESTATE:
		return cli_error(CLI_FAILED, env->prog, "the merchant is closed");
	default:
		return cli_merchant_failed(env, rc);
	}
}

static const char start_help[] =
    "MID --card PAN --holder NAME --id-number ID --phone PHONE [--config FILE] [--data DIR]\n"
    "    [--json]\n"
    "\n"
    "Step 1 of binding (or changing) merchant MID's settlement card: a debit card whose four\n"
    "elements — number, holder's name, ID number and reserved phone — the issuer checks; it\n"
    "then sends a one-time code to that phone, which `confirm` takes. The card is kept\n"
    "encrypted and shown masked.\n"
    "\n" COMMON_HELP "\n"
    "Exit status: 0 the code sent; 1 refused (an element differs, too many tries today, no such\n"
    "merchant); 2 bad usage (not a card number, not a debit card).\n";

/* `start`'s options: the four elements. */
struct start {
	const char *pan, *holder, *id, *phone;
};

static const cli_opt start_opts[] = {
    CLI_TEXT("card", struct start, pan), CLI_TEXT("holder", struct start, holder),
    CLI_TEXT("id-number", struct start, id), CLI_TEXT("phone", struct start, phone)};

static int sc_start(struct cli_env *env, const void *values)
{
	const struct start *o = values;
	const char *mid = env->operands[0];
	struct merchant_card_elements e;
	char why[MERCHANT_REASON_MAX];
	struct merchant_settlecard_view v;
	int rc;

	if (o->pan == NULL || o->holder == NULL || o->id == NULL || o->phone == NULL)
		return cli_usage_error(env->prog,
		                       "--card, --holder, --id-number and --phone are required");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	e = (struct merchant_card_elements){o->pan, o->holder, o->id, o->phone};
	rc = merchant_settlecard_start(env->host.merchant, env->actor, mid, &e, (int64_t)time(NULL),
	                               why);
	if (rc == MERCHANT_OK &&
	    (rc = merchant_settlecard_get(env->host.merchant, mid, (int64_t)time(NULL), &v)) ==
	        MERCHANT_OK) {
		if (env->json)
			cli_print_json(json_pack("{s:s, s:s, s:s}", "mid", mid, "pending",
			                         v.pending.masked, "state", "code_sent"));
		else
			printf("code sent to the reserved phone of %s: confirm it with "
			       "`possum admin settlement-card confirm %s --code CODE`\n",
			       v.pending.masked, mid);
	} else if (rc != MERCHANT_OK) {
		rc = failed(env, rc, why);
	}
	return rc;
}

static const char confirm_help[] =
    "MID --code CODE [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Step 2: the one-time code the issuer sent. The card is then bound: at once when the\n"
    "merchant had none, else from the next settlement day (the old card is paid until then).\n"
    "Both the old and the new card, masked, are in the audit log.\n"
    "\n" COMMON_HELP "\n"
    "Exit status: 0 bound; 1 refused (a wrong or expired code) or no binding waiting; 2 bad\n"
    "usage.\n";

/* A card as JSON, its time local under utc_offset as the API's (jsonval_time()). */
static json_t *card_json(const struct merchant_settlecard *c, int utc_offset)
{
	return json_pack("{s:s, s:o, s:s}", "card", c->masked, "effective_from",
	                 jsonval_time(c->effective_from, utc_offset), "bound_by", c->actor);
}

/* `confirm`'s option. */
struct confirm {
	const char *code;
};

static const cli_opt confirm_opts[] = {CLI_NEED("code", struct confirm, code)};

static int sc_confirm(struct cli_env *env, const void *values)
{
	const char *mid = env->operands[0], *code = ((const struct confirm *)values)->code;
	char why[MERCHANT_REASON_MAX], at[TEXT_TIME_LEN];
	struct merchant_settlecard_view v;
	const struct merchant_settlecard *c;
	int64_t now = (int64_t)time(NULL);
	int rc;

	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = merchant_settlecard_confirm(env->host.merchant, env->actor, mid, code, now,
	                                      why)) != MERCHANT_OK ||
	    (rc = merchant_settlecard_get(env->host.merchant, mid, now, &v)) != MERCHANT_OK)
		return failed(env, rc, why);
	c = v.has_next ? &v.next : &v.current;
	if (env->json) {
		cli_print_json(card_json(c, env->host.cfg.utc_offset));
	} else {
		cli_time(env, c->effective_from, at);
		printf("bound %s, paid to from %s\n", c->masked, at);
	}
	return rc;
}

static const char show_help[] =
    "MID [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Shows merchant MID's settlement card in effect, the one to take effect at the next\n"
    "settlement day, a binding waiting for its code, and whether payouts may go (an active\n"
    "merchant with a card in effect that the issuer still has active).\n"
    "\n" COMMON_HELP "\n"
    "Exit status: 0 shown; 1 no such merchant; 2 bad usage.\n";

static int sc_show(struct cli_env *env, const void *values)
{
	const char *mid = env->operands[0];
	char why[MERCHANT_REASON_MAX], at[TEXT_TIME_LEN];
	struct merchant_settlecard_view v;
	int64_t now = (int64_t)time(NULL);
	bool ready;
	int rc;

	(void)values; /* it has no options of its own */
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = merchant_settlecard_get(env->host.merchant, mid, now, &v)) != MERCHANT_OK ||
	    (rc = merchant_payout_ready(env->host.merchant, mid, now, &ready, why)) != MERCHANT_OK)
		return failed(env, rc, "");
	if (env->json) {
		json_t *o = json_pack("{s:s}", "mid", mid);

		json_object_set_new(o, "current",
		                    v.has_current ? card_json(&v.current, env->host.cfg.utc_offset)
		                                  : json_null());
		json_object_set_new(o, "next",
		                    v.has_next ? card_json(&v.next, env->host.cfg.utc_offset)
		                               : json_null());
		json_object_set_new(o, "pending",
		                    v.has_pending ? json_string(v.pending.masked) : json_null());
		json_object_set_new(o, "payout_ready", json_boolean(ready));
		if (!ready)
			json_object_set_new(o, "payout_waits", json_string(why));
		cli_print_json(o);
		return rc;
	}
	printf("merchant  %s\n", mid);
	if (v.has_current) {
		cli_time(env, v.current.effective_from, at);
		printf("card      %s (from %s, by %s)\n", v.current.masked, at, v.current.actor);
	} else {
		printf("card      none\n");
	}
	if (v.has_next) {
		cli_time(env, v.next.effective_from, at);
		printf("next      %s (from %s, by %s)\n", v.next.masked, at, v.next.actor);
	}
	if (v.has_pending)
		printf("pending   %s (waiting for its code)\n", v.pending.masked);
	printf("payouts   %s%s\n", ready ? "may go" : "wait: ", why);
	return rc;
}

/* The one operand of each. */
#define ONE_MID CLI_ONE("takes one merchant: its MID")

static const cli_command settlecard_cmds[] = {
    {"start", "bind or change a merchant's card: the four elements, a code sent",
     .handler = sc_start, .env = CLI_ENV_MERCHANT, .help = start_help,
     CLI_OPTS(start_opts, struct start), .common = CLI_DATADIR, ONE_MID},
    {"confirm", "the code: the card bound", .handler = sc_confirm, .env = CLI_ENV_MERCHANT,
     .help = confirm_help, CLI_OPTS(confirm_opts, struct confirm), .common = CLI_DATADIR, ONE_MID},
    {"show", "a merchant's card, masked, and whether payouts may go", .handler = sc_show,
     .env = CLI_ENV_MERCHANT | CLI_ENV_READ, .help = show_help, .common = CLI_DATADIR, ONE_MID},
};

const cli_group cli_admin_settlecard_group = {
    "possum admin settlement-card",
    "The card each merchant is paid to, bound after its holder is verified.",
    CLI_TABLE(settlecard_cmds)};
