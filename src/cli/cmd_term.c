/* cmd_term.c — `possum term`: the reference POS terminal from the command line. Each command
 * opens the terminal's data directory (--data DIR, or --state DIR as before: its SQLite file
 * and its own LMK; ./possum-term when none is named, never the host's), does
 * one thing with src/term and prints the outcome for people or, with --json, for programs. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/cmd_term.h"
#include "common/geo.h"
#include "common/hex.h"
#include "common/jsonval.h"
#include "crypto/crypto.h"
#include "rcode/rcode.h"
#include "term/term.h"

#define TERM_DIR_DEFAULT "./possum-term" /* the terminal's data directory when none is named */

/* The terminal's data directory: --data DIR, or --state DIR (its old name), or the default;
 * the two naming different directories is a usage error. */
static int term_dir(const struct cli_env *env, const struct term_opts *o, const char **dir)
{
	int rc = cli_alias(env->prog, "data", env->data, "state", o->state, dir);

	if (rc == CLI_OK && *dir == NULL)
		*dir = TERM_DIR_DEFAULT;
	return rc;
}

/* The test switches of POSSUM_TERM_BROKEN (README.md "Test aids"), by name. */
static const struct {
	const char *name;
	unsigned kind;
} broken_kinds[] = {
    {"no-reversal", TERM_BROKEN_NO_REVERSAL},
    {"reuse-stan", TERM_BROKEN_REUSE_STAN},
    {"wrong-mac", TERM_BROKEN_WRONG_MAC},
    {"ignore-a0", TERM_BROKEN_IGNORE_A0},
    {"clear-track", TERM_BROKEN_CLEAR_TRACK},
    {"ignore-kcv", TERM_BROKEN_IGNORE_KCV},
    {"ignore-answer-mac", TERM_BROKEN_IGNORE_ANSWER_MAC},
};

/* POSSUM_TERM_BROKEN=KIND[,KIND…] into *kinds (unset or empty: none); an unknown kind is bad
 * usage, named. */
static int broken_parse(const char *prog, unsigned *kinds)
{
	const char *text = getenv("POSSUM_TERM_BROKEN"), *p, *end;
	size_t n, i;

	*kinds = 0;
	if (text == NULL || text[0] == '\0')
		return CLI_OK;
	for (p = text;; p = end + 1) {
		end = p + strcspn(p, ",");
		n = (size_t)(end - p);
		for (i = 0; i < sizeof broken_kinds / sizeof broken_kinds[0]; i++)
			if (strlen(broken_kinds[i].name) == n &&
			    strncmp(p, broken_kinds[i].name, n) == 0)
				break;
		if (i == sizeof broken_kinds / sizeof broken_kinds[0])
			return cli_usage_error(prog, "POSSUM_TERM_BROKEN: unknown kind '%.*s'",
			                       (int)n, p);
		*kinds |= broken_kinds[i].kind;
		if (*end == '\0')
			return CLI_OK;
	}
}

int cli_term_open(struct cli_env *env, const struct term_opts *o)
{
	const char *dir;
	unsigned broken;
	int64_t secs;
	int rc;

	if (o->timeout != NULL &&
	    cli_int64(env->prog, "timeout", o->timeout, 0, 3600, &secs) != CLI_OK)
		return CLI_USAGE;
	if (broken_parse(env->prog, &broken) != CLI_OK)
		return CLI_USAGE;
	if ((rc = term_dir(env, o, &dir)) != CLI_OK || (rc = cli_env_open_at(env, dir)) != CLI_OK)
		return rc;
	if (o->timeout != NULL)
		term_set_timeout(env->term, (int)secs);
	term_set_broken(env->term, broken);
	return CLI_OK;
}

/* What a stand-in approval (44 STAND-IN) is, for people. */
#define STAND_IN_TEXT                                                                              \
	"stand-in: approved by the acquirer for the issuer, its link down (代授权 STAND-IN)"

/* A STAN as the API writes it: 6 digits. */
static const char *stan_text(int stan)
{
	static char text[16];

	snprintf(text, sizeof text, "%06d", stan);
	return text;
}

/* The outcome as JSON, under the API's names (acquirer_txn_json): type, tid, mid, stan as
 * text, rrn, auth_code, amounts as jsonval_money. */
static void report_json(const struct cli_env *env, enum term_kind kind, const struct term_result *r,
                        const char *en, const char *zh, const char *hint)
{
	const struct store_term_state *st = term_state(env->term);
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string(term_kind_name(kind)));
	if (kind >= TERM_QR_PAY && kind <= TERM_QR_RESULT)
		json_object_set_new(o, "channel", json_string("qr"));
	json_object_set_new(o, "tid", json_string(st->tid));
	json_object_set_new(o, "mid", json_string(st->mid));
	json_object_set_new(o, "rc", json_string(r->rc));
	json_object_set_new(o, "approved", json_boolean(strcmp(r->rc, "00") == 0));
	json_object_set_new(o, "text", json_string(en));
	json_object_set_new(o, "text_zh", json_string(zh));
	json_object_set_new(o, "stan", json_string(stan_text(r->stan)));
	json_object_set_new(o, "batch", json_integer(r->batch));
	if (r->rrn[0] != '\0')
		json_object_set_new(o, "rrn", json_string(r->rrn));
	if (r->auth[0] != '\0')
		json_object_set_new(o, "auth_code", json_string(r->auth));
	if (r->message[0] != '\0')
		json_object_set_new(o, kind == TERM_QR_QUERY ? "state" : "message",
		                    json_string(r->message));
	if (r->amount > 0)
		json_object_set_new(o, "amount", jsonval_money(r->amount, 156));
	if (r->has_balance)
		json_object_set_new(o, "balance", jsonval_money(r->balance, 156));
	if (r->arpc != 0)
		json_object_set_new(o, "arpc", json_string(r->arpc == 1 ? "ok" : "failed"));
	if (r->settle_flag != 0) {
		json_object_set_new(o, "settle_flag", json_integer(r->settle_flag));
		json_object_set_new(o, "uploaded", json_integer(r->uploaded));
	}
	json_object_set_new(o, "reversals", json_integer(r->reversals));
	json_object_set_new(o, "retried", json_boolean(r->retried));
	json_object_set_new(o, "stand_in", json_boolean(r->stand_in));
	if (hint != NULL)
		json_object_set_new(o, "hint", json_string(hint));
	cli_print_json(o);
}

/* Prints the outcome, with hint (may be NULL) saying what to do about a decline; 0 approved,
 * 1 otherwise. */
static int report(const struct cli_env *env, enum term_kind kind, const struct term_result *r,
                  const char *hint)
{
	const char *en, *zh;
	char bal[32], amount[32];

	term_rc_text(r->rc, &en, &zh);
	cli_amount_format(r->balance, 156, bal);
	cli_amount_format(r->amount, 156, amount);
	if (env->json) {
		report_json(env, kind, r, en, zh, hint);
	} else {
		if (r->reversals > 0)
			printf("reversal delivered first (冲正已发送)\n");
		printf("%s: %s %s / %s\n", term_kind_name(kind), r->rc, zh, en);
		printf("stan %06d  batch %06d", r->stan, r->batch);
		if (r->rrn[0] != '\0')
			printf("  rrn %s", r->rrn);
		if (r->auth[0] != '\0')
			printf("  auth %s", r->auth);
		printf("\n");
		if (r->has_balance)
			printf("balance CNY %s (余额)\n", bal);
		if (r->message[0] != '\0' && kind == TERM_QR_QUERY)
			printf("state %s (原交易状态)\n", r->message);
		else if (r->stand_in)
			printf("%s\n", STAND_IN_TEXT);
		else if (r->message[0] != '\0')
			printf("%s\n", r->message);
		if (r->amount > 0)
			printf("amount CNY %s (原交易金额)\n", amount);
		if (r->arpc == 2)
			printf("warning: the issuer's ARPC does not verify (发卡行认证失败)\n");
		if (r->settle_flag != 0)
			printf("totals %s (%s); %d uploaded\n",
			       r->settle_flag == 1 ? "agree" : "differ",
			       r->settle_flag == 1 ? "对账平" : "对账不平", r->uploaded);
		if (hint != NULL)
			printf("hint: %s\n", hint);
	}
	if (strcmp(r->rc, "00") == 0)
		return CLI_OK;
	if (!env->json)
		fprintf(stderr, "%s: declined %s %s (%s)\n", env->prog, r->rc, zh, en);
	return CLI_FAILED;
}

/* A failed exchange: a reversal is pending when the request was sent and nothing usable came;
 * a host that could not be reached is named, with why. */
static int exchange_failed(const struct cli_env *env, int rc, const struct term_result *r)
{
	const char *prog = env->prog, *why = term_unreachable(env->term);

	if (why != NULL && strncmp(why, "TLS: ", 5) == 0)
		fprintf(stderr,
		        "%s: no TLS connection with the host at %s: %s (the TLS options are term "
		        "init's: docs/tls.md)\n",
		        prog, term_state(env->term)->host, why + 5);
	else if (why != NULL)
		fprintf(stderr,
		        "%s: cannot reach the host at %s: %s; is `possum host` running there? (the "
		        "address is term init's --host; --timeout S waits longer)\n",
		        prog, term_state(env->term)->host, why);
	if (rc == TERM_ETIMEOUT || rc == TERM_EMAC || rc == TERM_EFORMAT)
		fprintf(stderr, "%s: stan %06d: %s; a reversal is pending (冲正待发)\n", prog,
		        r->stan, term_strerror(rc));
	if (rc == TERM_EREVERSAL)
		fprintf(
		    stderr,
		    "%s: the reversal of stan %06d is still pending, sent %d time%s without an "
		    "answer that ends it (reversal_retries); it goes first again next time, and "
		    "nothing new was sent (冲正未成功)\n",
		    prog, r->reversal_stan, r->reversal_sends, r->reversal_sends == 1 ? "" : "s");
	return cli_term_failed(prog, rc);
}

int cli_term_outcome(const struct cli_env *env, int rc, enum term_kind kind,
                     const struct term_result *r, const char *hint)
{
	return rc == TERM_OK ? report(env, kind, r, hint) : exchange_failed(env, rc, r);
}

int cli_term_inject(const char *prog, const char *inject, enum term_inject *fault)
{
	*fault = TERM_INJECT_NONE;
	if (inject == NULL)
		return CLI_OK;
	if (strcmp(inject, "timeout") == 0)
		*fault = TERM_INJECT_TIMEOUT;
	else if (strcmp(inject, "bad-mac") == 0)
		*fault = TERM_INJECT_BAD_MAC;
	else
		return cli_usage_error(prog, "--inject: timeout or bad-mac");
	return CLI_OK;
}

/* ---- init ---- */

/* "HEX:KCV" into part; what names the option in a message. */
static int component(const char *prog, const char *what, const char *text, size_t len,
                     struct hsm_component *part)
{
	const char *colon = memchr(text, ':', len);
	size_t n;

	if (colon == NULL ||
	    hex_decode(text, (size_t)(colon - text), part->part, sizeof part->part, &part->len) !=
	        HEX_OK ||
	    hex_decode(colon + 1, len - (size_t)(colon - text) - 1, part->kcv.v, sizeof part->kcv.v,
	               &n) != HEX_OK ||
	    n < 3)
		return cli_usage_error(prog, "%s: each is HEX:KCV", what);
	part->kcv.len = n;
	return CLI_OK;
}

int cli_tmk_components(const char *prog, const char *what, const char *text,
                       struct hsm_component parts[HSM_PARTS_MAX], size_t *n)
{
	const char *p = text;
	size_t i = 0;
	int rc;

	for (;; i++) {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (i == HSM_PARTS_MAX)
			return cli_usage_error(prog, "%s: 2 or 3 components", what);
		if ((rc = component(prog, what, p, len, &parts[i])) != CLI_OK)
			return rc;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	if (i + 1 < 2)
		return cli_usage_error(prog, "%s: 2 or 3 components", what);
	*n = i + 1;
	return CLI_OK;
}

int cli_tls_path(const char *prog, const char *what, const char *path, char *out, size_t cap)
{
	char *full;

	out[0] = '\0';
	if (path == NULL)
		return CLI_OK;
	if ((full = realpath(path, NULL)) == NULL || strlen(full) >= cap) {
		free(full);
		return cli_usage_error(prog, "--%s: cannot read %s: %s", what, path,
		                       full == NULL ? strerror(errno) : "path too long");
	}
	memcpy(out, full, strlen(full) + 1);
	free(full);
	return CLI_OK;
}

static const char init_help[] =
    "--host HOST:PORT --tid TID --mid MID --sn SN --tmk-components HEX:KCV,HEX:KCV[,HEX:KCV]\n"
    "    [--location LAT,LON] [--package-key HEX] [--tls [--tls-ca FILE] [--tls-cert FILE\n"
    "    --tls-key FILE] [--tls-name NAME]] [--data DIR] [--timeout S] [--json]\n\n"
    "Sets up a terminal in DIR: the host it talks to, its ids, and its terminal master key\n"
    "(TMK) formed from the components `possum admin terminal add` printed, each checked\n"
    "against its check value. Set up again under the same TID (another host of the same\n"
    "acquirer), it goes on from its STAN and batch. Sign in next.\n\n"
    "  --location LAT,LON  where the terminal is, in signed micro-degrees (39915000,116404000\n"
    "                  for 39.915°N 116.404°E): sent with each purchase and pre-authorization\n"
    "                  (field 59, A2 06); none: not sent\n"
    "  --package-key HEX  the key software packages must be signed under: the 64 hex digits\n"
    "                  `possum admin tms package key` prints (later: possum term update\n"
    "                  --package-key); none: the terminal refuses updates\n"
    "  --tls           speak TLS to the host's terminal port (docs/tls.md); the TLS options\n"
    "                  are kept with the host (the files' paths made absolute, not their\n"
    "                  contents), and a failed handshake is said in words\n"
    "  --tls-ca FILE   the CA the host's certificate must chain to (PEM; default: the\n"
    "                  system's trust store)\n"
    "  --tls-cert FILE the terminal's own certificate (PEM, its CN the terminal's SN), with\n"
    "  --tls-key FILE  its key, for a host that asks for one (mutual TLS)\n"
    "  --tls-name NAME the name the host's certificate must have (default: the host part of\n"
    "                  --host; an IP address is checked as one)\n" COMMON_HELP;

/* The TLS options of init into paths (each STORE_VALUE_MAX + 1) and tls. */
static int init_tls(const char *prog, const struct term_opts *o, char paths[3][1025],
                    struct term_tls *tls)
{
	if (!o->tls && (o->tls_ca || o->tls_cert || o->tls_key || o->tls_name))
		return cli_usage_error(prog, "--tls-ca, --tls-cert, --tls-key and --tls-name go "
		                             "with --tls");
	if ((o->tls_cert == NULL) != (o->tls_key == NULL))
		return cli_usage_error(prog, "--tls-cert and --tls-key go together");
	if (cli_tls_path(prog, "tls-ca", o->tls_ca, paths[0], 1025) != CLI_OK ||
	    cli_tls_path(prog, "tls-cert", o->tls_cert, paths[1], 1025) != CLI_OK ||
	    cli_tls_path(prog, "tls-key", o->tls_key, paths[2], 1025) != CLI_OK)
		return CLI_USAGE;
	*tls = (struct term_tls){o->tls, o->tls_ca ? paths[0] : NULL, o->tls_cert ? paths[1] : NULL,
	                         o->tls_key ? paths[2] : NULL, o->tls_name};
	return CLI_OK;
}

static int cmd_init(struct cli_env *env, const void *values)
{
	struct hsm_component parts[HSM_PARTS_MAX];
	const struct term_opts *o = values;
	const char *dir = NULL;
	size_t n = 0, bad = 0;
	int64_t secs = 0, lat, lon;
	char paths[3][1025];
	struct term_tls tls;
	uint8_t pub[TMS_PUB_LEN];
	int rc;

	if (o->host == NULL || o->tid == NULL || o->mid == NULL || o->sn == NULL ||
	    o->components == NULL)
		return cli_usage_error(env->prog,
		                       "--host, --tid, --mid, --sn and --tmk-components are "
		                       "needed");
	if (o->timeout != NULL &&
	    cli_int64(env->prog, "timeout", o->timeout, 1, 3600, &secs) != CLI_OK)
		return CLI_USAGE;
	if (o->location != NULL && geo_parse(o->location, &lat, &lon) != GEO_OK)
		return cli_usage_error(
		    env->prog, "--location: LAT,LON in signed micro-degrees, latitude within "
		               "±90000000 and longitude within ±180000000 (39915000,116404000)");
	if (init_tls(env->prog, o, paths, &tls) != CLI_OK)
		return CLI_USAGE;
	if (o->package_key != NULL &&
	    cli_term_package_key(env->prog, o->package_key, pub) != CLI_OK)
		return CLI_USAGE;
	if ((rc = cli_tmk_components(env->prog, "--tmk-components", o->components, parts, &n)) !=
	    CLI_OK)
		goto out;
	if ((rc = term_dir(env, o, &dir)) != CLI_OK || (rc = cli_env_open_at(env, dir)) != CLI_OK)
		goto out;
	rc =
	    term_setup(env->host.data.store, env->host.data.hsm,
	               &(struct term_setup){o->host, o->tid, o->mid, o->sn, (int)secs, o->location},
	               parts, n, &bad);
	if (rc == TERM_OK)
		rc = term_tls_setup(env->host.data.store, &tls);
	if (rc == TERM_OK && o->package_key != NULL)
		rc = term_package_key_set(env->host.data.store, pub);
	if (rc == TERM_EKCV)
		rc = cli_error(CLI_USAGE, env->prog, "component %zu does not match its check value",
		               bad + 1);
	else if (rc != TERM_OK)
		rc = cli_term_failed(env->prog, rc);
	else if (env->json)
		cli_print_json(
		    json_pack("{s:s,s:s,s:s}", "tid", o->tid, "mid", o->mid, "data", dir));
	else
		printf("terminal %s set up in %s; sign in next\n", o->tid, dir);
out:
	crypto_wipe(parts, sizeof parts);
	return rc;
}

/* ---- network management and settlement ---- */

/* signin, signout, echo and settle: the message its row's arg names. */
static int manage(struct cli_env *env, const void *values)
{
	enum term_kind kind = (enum term_kind)env->row->arg;
	struct term_result r;
	int rc;

	if ((rc = cli_term_open(env, values)) != CLI_OK)
		return rc;
	rc = kind == TERM_SETTLE ? term_settle(env->term, &r) : term_manage(env->term, kind, &r);
	rc = cli_term_outcome(env, rc, kind, &r, NULL);
	cli_term_follow(env);
	return rc;
}

static const char signin_help[] =
    "[--data DIR] [--timeout S] [--json]\n\n"
    "Signs in (0800, 60.3 = 004) with its SN and the version it runs (field 59, A2 02 and 05):\n"
    "takes the PIN, MAC and track keys of field 62, each checked against its check value, and\n"
    "the host's batch number. Another SN than its binding's is refused (58).\n\n" COMMON_HELP;
static const char signout_help[] = "[--data DIR] [--timeout S] [--json]\n\n"
                                   "Signs out (0820, 60.3 = 002).\n\n" COMMON_HELP;
static const char echo_help[] = "[--data DIR] [--timeout S] [--json]\n\n"
                                "Echo test (0820, 60.3 = 301).\n\n" COMMON_HELP;
static const char settle_help[] =
    "[--data DIR] [--timeout S] [--json]\n\n"
    "Settles the batch: 0500 with its totals; when the host's differ, uploads the batch\n"
    "(0320). Then the batch number goes up by one.\n\n" COMMON_HELP;

/* ---- card transactions ---- */

/* What to do about a decline the request explains, or NULL: a chip card read by its stripe
 * (59), a PIN the issuer requires not entered (55). The host decides; this only explains. */
static const char *decline_hint(const struct term_request *req, const struct term_result *r)
{
	bool pin_kind =
	    req->kind == TERM_PURCHASE || req->kind == TERM_BALANCE || req->kind == TERM_PREAUTH;

	if (strcmp(r->rc, RCODE_CARD_VERIFICATION) == 0 && req->card != NULL && req->card->chip &&
	    req->entry == TERM_SWIPE)
		return "a chip card read by its stripe: insert the chip (--entry chip). The track 2 "
		       "a chip card carries holds the iCVV, not the stripe's CVV, so swiped it fails "
		       "card verification (59)";
	if (strcmp(r->rc, RCODE_WRONG_PIN) == 0 && req->pin == NULL && pin_kind)
		return "no PIN was entered, and the issuer requires one (a debit card's purchase, "
		       "balance inquiry or pre-authorization): enter it (--pin PIN)";
	return NULL;
}

/* The card transactions: the one its row's arg names. */
static int transact(struct cli_env *env, const void *values)
{
	const struct term_opts *o = values;
	enum term_kind kind = (enum term_kind)env->row->arg;
	struct term_request req = {.kind = kind};
	enum term_inject fault;
	struct term_card card;
	struct term_result r = {0};
	int rc;

	if (o->amount != NULL &&
	    cli_amount(env->prog, "amount", o->amount, 156, &req.amount) != CLI_OK)
		return CLI_USAGE;
	if (o->entry != NULL && strcmp(o->entry, "swipe") != 0 && strcmp(o->entry, "chip") != 0)
		return cli_usage_error(env->prog, "--entry: swipe or chip");
	req.entry = o->entry != NULL && strcmp(o->entry, "chip") == 0 ? TERM_CHIP : TERM_SWIPE;
	if (cli_term_inject(env->prog, o->inject, &fault) != CLI_OK)
		return CLI_USAGE;
	req.pin = o->pin;
	req.stan = o->stan;
	req.rrn = o->rrn;
	req.auth = o->auth;
	req.holder = o->holder;
	req.id_number = o->id_number;
	req.phone = o->phone;
	req.otp = o->otp;
	if (o->card == NULL && kind != TERM_VOID)
		return cli_usage_error(env->prog, "--card FILE is needed");
	if (o->amount == NULL && kind != TERM_VOID && kind != TERM_BALANCE && kind != TERM_CARDAUTH)
		return cli_usage_error(env->prog, "--amount is needed");
	if ((kind == TERM_VOID && o->stan == NULL) || (kind == TERM_REFUND && o->rrn == NULL) ||
	    ((kind == TERM_PREAUTH_CANCEL || kind == TERM_COMPLETION) && o->auth == NULL))
		return cli_usage_error(env->prog,
		                       "the original is needed (--stan, --rrn or --auth)");
	if (kind == TERM_CARDAUTH && o->otp == NULL &&
	    (o->holder == NULL || o->id_number == NULL || o->phone == NULL))
		return cli_usage_error(env->prog, "--holder, --id-number and --phone, or --otp");
	if (o->card != NULL) {
		if ((rc = term_card_load(o->card, &card)) != TERM_OK)
			return cli_usage_error(env->prog, "%s: %s", o->card, term_strerror(rc));
		req.card = &card;
	}
	if ((rc = cli_term_open(env, o)) == CLI_OK) {
		term_set_inject(env->term, fault);
		if ((rc = cli_term_permit(env, &req)) == CLI_OK) {
			rc = term_transact(env->term, &req, &r);
			rc = cli_term_outcome(env, rc, r.kind, &r, decline_hint(&req, &r));
			cli_term_follow(env);
		}
	}
	if (req.card != NULL)
		term_card_wipe(&card);
	return rc;
}

#define CARD_SYNOPSIS                                                                              \
	"--card FILE [--entry swipe|chip] [--pin PIN] [--data DIR] [--json]\n"                     \
	"    [--inject timeout|bad-mac]"
#define TXN_SYNOPSIS " " CARD_SYNOPSIS

static const char balance_help[] =
    CARD_SYNOPSIS "\n\nBalance inquiry (0200, 3 = 310000).\n\n" CARD_HELP COMMON_HELP;
static const char purchase_help[] =
    "--amount 12.34" TXN_SYNOPSIS "\n\nPurchase (0200, 3 = 000000).\n\n" CARD_HELP
    "  --amount A      the amount in CNY\n" COMMON_HELP;
static const char void_help[] =
    "STAN [--card FILE] [--data DIR] [--json] [--inject timeout|bad-mac]\n\n"
    "Voids the purchase or completion of STAN in this batch (0200, 3 = 200000), for its\n"
    "amount; the card is the original's unless --card is given.\n\n"
    "  STAN            the original's (--stan N, as before, too)\n" CARD_HELP COMMON_HELP;
static const char refund_help[] =
    "--rrn R --amount A" TXN_SYNOPSIS "\n\nRefund (0220, 3 = 200000) of the purchase with\n"
    "retrieval reference number R.\n\n" CARD_HELP COMMON_HELP;
static const char preauth_help[] =
    "--amount A" TXN_SYNOPSIS
    "\n\nPre-authorization (0100, 3 = 030000, 25 = 06).\n\n" CARD_HELP COMMON_HELP;
static const char cancel_help[] =
    "--auth CODE --amount A" TXN_SYNOPSIS "\n\nCancels the pre-authorization with CODE (0100,\n"
    "3 = 200000, 25 = 06).\n\n" CARD_HELP COMMON_HELP;
static const char complete_help[] =
    "--auth CODE --amount A" TXN_SYNOPSIS "\n\nCompletes the pre-authorization with CODE\n"
    "(0200, 3 = 000000, 25 = 06).\n\n" CARD_HELP COMMON_HELP;
static const char cardauth_help[] =
    "(--holder NAME --id-number ID --phone PHONE | --otp CODE)" TXN_SYNOPSIS "\n\n"
    "Card authentication (0100, 3 = 330000): step 1 sends the holder's name, ID number and\n"
    "reserved phone, and the issuer texts a one-time code to that phone; step 2 sends it.\n"
    "With --amount, the answer also says whether the balance covers it.\n\n" CARD_HELP COMMON_HELP;

/* ---- receipts and the batch ---- */

json_t *cli_term_txn_json(const struct store_term_txn *x)
{
	/* The API's names (acquirer_txn_json): card masked, stan as text, amount and currency. */
	return json_pack("{s:s,s:s,s:i,s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:b,s:b}", "type",
	                 term_kind_name((enum term_kind)x->kind), "stan", stan_text(x->stan),
	                 "batch", x->batch, "card", x->masked, "amount",
	                 jsonval_money(x->amount, 156), "rc", x->rc, "rrn", x->rrn, "auth_code",
	                 x->auth, "entry", x->entry, "status",
	                 x->status == STORE_TERM_REVERSED   ? "reversed"
	                 : x->status == STORE_TERM_ANSWERED ? "answered"
	                                                    : "reversal pending",
	                 "voided", x->voided, "stand_in", x->stand_in);
}

static const char receipt_help[] =
    "STAN [--data DIR] [--json]\n\n"
    "Prints the receipt of the latest transaction with STAN: the merchant's and the\n"
    "customer's copies, in Chinese and English, with the PAN masked; an approval the\n"
    "acquirer made for the issuer while its link was down is marked 代授权 STAND-IN.\n\n"
    "  STAN            its STAN (--stan N, as before, too)\n" SHOW_HELP;

static int cmd_receipt(struct cli_env *env, const void *values)
{
	const struct term_opts *o = values;
	struct store_term_txn x;
	struct term_slip slip;
	int rc;

	if (o->stan == NULL)
		return cli_usage_error(env->prog, "--stan N is needed");
	if ((rc = cli_term_open(env, o)) != CLI_OK)
		return rc;
	term_slip_get(env->term, &slip);
	if ((rc = term_find(env->term, o->stan, &x)) != TERM_OK) {
		rc = cli_term_failed(env->prog, rc);
	} else if (env->json) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		json_t *j = cli_term_txn_json(&x);
		if (f != NULL) {
			term_receipt(term_state(env->term), &slip, &x, f);
			fclose(f);
			json_object_set_new(j, "receipt", json_string(text));
		}
		free(text);
		cli_print_json(j);
	} else {
		term_receipt(term_state(env->term), &slip, &x, stdout);
	}
	return rc;
}

static int print_row(void *ctx, const struct store_term_txn *x)
{
	char amount[32];

	if (ctx != NULL) {
		json_array_append_new(ctx, cli_term_txn_json(x));
		return 0;
	}
	cli_amount_format(x->amount, 156, amount);
	printf("%06d  %-16s %-19s %12s  %-2s  %-12s %-6s%s%s%s\n", x->stan,
	       term_kind_name((enum term_kind)x->kind), x->masked, amount, x->rc[0] ? x->rc : "--",
	       x->rrn, x->auth, x->stand_in ? "  stand-in" : "", x->voided ? "  voided" : "",
	       x->status == STORE_TERM_REVERSED   ? "  reversed"
	       : x->status == STORE_TERM_ANSWERED ? ""
	                                          : "  reversal pending");
	return 0;
}

static const char batch_help[] =
    "[--data DIR] [--json]\n\n"
    "Lists the transactions of the current batch, each marked stand-in (approved by the\n"
    "acquirer for the issuer, its link down), voided, reversed or reversal pending when so.\n\n" SHOW_HELP;

static int cmd_batch(struct cli_env *env, const void *values)
{
	struct term_totals tt;
	json_t *rows = NULL;
	int rc;

	if ((rc = cli_term_open(env, values)) != CLI_OK)
		return rc;
	if (env->json)
		rows = json_array();
	if ((rc = term_batch_each(env->term, print_row, rows)) != TERM_OK ||
	    (rc = term_totals(env->term, term_state(env->term)->batch, &tt)) != TERM_OK) {
		json_decref(rows);
		rc = cli_term_failed(env->prog, rc);
	} else if (env->json) {
		const struct store_term_state *st = term_state(env->term);
		cli_print_json(json_pack("{s:s,s:s,s:i,s:o,s:o,s:i,s:o,s:i}", "tid", st->tid, "mid",
		                         st->mid, "batch", st->batch, "transactions", rows, "sales",
		                         jsonval_money(tt.sales, 156), "sales_count",
		                         tt.sales_count, "refunds", jsonval_money(tt.refunds, 156),
		                         "refunds_count", tt.refunds_count));
	} else {
		printf("batch %06d: %d sales %lld, %d refunds %lld (minor units)\n",
		       term_state(env->term)->batch, tt.sales_count, (long long)tt.sales,
		       tt.refunds_count, (long long)tt.refunds);
	}
	return rc;
}

/* A row of a management message (manage) or a card transaction (transact) of kind k. */
/* A row acting on one transaction of the batch: STAN, or --stan N (cli_object()). */
#define ONE_STAN    CLI_OBJECT("stan", "STAN")
#define MANAGE(k)   .handler = manage, .arg = (k)
#define TRANSACT(k) .handler = transact, .arg = (k)

static const cli_command term_commands[] = {
    {"init", "set up a terminal: host, ids, TMK from components", .handler = cmd_init,
     TERM_ROW(CLI_ENV_DATA, init_help, BASE_OPTS, TEXT("host", host), TEXT("tid", tid),
              TEXT("mid", mid), TEXT("sn", sn), TEXT("tmk-components", components),
              TEXT("package-key", package_key), TEXT("location", location),
              CLI_SET("tls", struct term_opts, tls), TEXT("tls-ca", tls_ca),
              TEXT("tls-cert", tls_cert), TEXT("tls-key", tls_key), TEXT("tls-name", tls_name))},
    {"signin", "sign in: working keys and batch (0800 004)", MANAGE(TERM_SIGNIN),
     TERM_ROW(CLI_ENV_TERM, signin_help, BASE_OPTS)},
    {"balance", "balance inquiry", TRANSACT(TERM_BALANCE),
     TERM_ROW(CLI_ENV_TERM, balance_help, CARD_OPTS)},
    {"purchase", "purchase --amount A", TRANSACT(TERM_PURCHASE),
     TERM_ROW(CLI_ENV_TERM, purchase_help, CARD_OPTS, TEXT("amount", amount))},
    {"void", "void STAN", TRANSACT(TERM_VOID),
     TERM_ROW(CLI_ENV_TERM, void_help, CARD_OPTS, TEXT("stan", stan)), ONE_STAN},
    {"refund", "refund --rrn R --amount A", TRANSACT(TERM_REFUND),
     TERM_ROW(CLI_ENV_TERM, refund_help, CARD_OPTS, TEXT("rrn", rrn), TEXT("amount", amount))},
    {"preauth", "pre-authorization --amount A", TRANSACT(TERM_PREAUTH),
     TERM_ROW(CLI_ENV_TERM, preauth_help, CARD_OPTS, TEXT("amount", amount))},
    {"preauth-cancel", "cancel a pre-authorization --auth CODE --amount A",
     TRANSACT(TERM_PREAUTH_CANCEL),
     TERM_ROW(CLI_ENV_TERM, cancel_help, CARD_OPTS, TEXT("auth", auth), TEXT("amount", amount))},
    {"preauth-complete", "complete a pre-authorization --auth CODE --amount A",
     TRANSACT(TERM_COMPLETION),
     TERM_ROW(CLI_ENV_TERM, complete_help, CARD_OPTS, TEXT("auth", auth), TEXT("amount", amount))},
    {"auth-card", "card authentication, step 1 or 2 (--otp)", TRANSACT(TERM_CARDAUTH),
     TERM_ROW(CLI_ENV_TERM, cardauth_help, CARD_OPTS, TEXT("holder", holder),
              TEXT("id-number", id_number), TEXT("phone", phone), TEXT("otp", otp),
              TEXT("amount", amount))},
    {"settle", "settlement, with batch upload when totals differ", MANAGE(TERM_SETTLE),
     TERM_ROW(CLI_ENV_TERM, settle_help, BASE_OPTS)},
    {"echo", "echo test", MANAGE(TERM_ECHO), TERM_ROW(CLI_ENV_TERM, echo_help, BASE_OPTS)},
    {"signout", "sign out", MANAGE(TERM_SIGNOUT), TERM_ROW(CLI_ENV_TERM, signout_help, BASE_OPTS)},
    {"receipt", "print a transaction's receipt: receipt STAN", .handler = cmd_receipt,
     TERM_ROW(CLI_ENV_TERM, receipt_help, LOCAL_OPTS, TEXT("stan", stan)), ONE_STAN},
    {"batch", "list the current batch", .handler = cmd_batch,
     TERM_ROW(CLI_ENV_TERM, batch_help, LOCAL_OPTS)},
    {"qr-pay", "QR payment by the customer's payment code --code CODE --amount A",
     .row = &cli_term_qr_pay_row},
    {"qr-refund", "refund of a QR payment --rrn R --amount A", .row = &cli_term_qr_refund_row},
    {"qr-query", "where a request stands at the host: qr-query STAN",
     .row = &cli_term_qr_query_row},
    {"qr-result", "payments by the terminal's static code since the last look [--wait S]",
     .row = &cli_term_qr_result_row},
    {"download", "download parameters, CA keys, AIDs from the host's TMS [--set S]",
     .row = &cli_term_download_row},
    {"params", "what the terminal holds: parameters, CA keys, AIDs", .row = &cli_term_params_row},
    {"update", "update the terminal's software (0820 390, 391)", .row = &cli_term_update_row},
};

const cli_group cli_term_group = {
    "possum term",
    "possum term — the reference POS terminal (cup-pos): sign-in, payments by\n"
    "card and QR code, reversals, settlement, receipts, and the downloads of its parameters,\n"
    "CA keys and AIDs from the host's terminal management (docs/tms.md). Exit status 0\n"
    "approved, 1 declined or failed, 2 bad usage. For certification tests only,\n"
    "POSSUM_TERM_BROKEN=KIND[,KIND…] in the environment makes it wrong on purpose\n"
    "(README.md, \"Test aids\").",
    CLI_TABLE(term_commands)};
