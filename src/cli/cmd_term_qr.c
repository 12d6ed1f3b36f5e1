/* cmd_term_qr.c — `possum term qr-pay | qr-refund | qr-query | qr-result`: QR-code payments at
 * the reference terminal (docs/qr.md "At the POS"): a payment by the customer's payment code,
 * its refund, the query of a request by STAN, and the payments by the terminal's static code
 * learned from the host. The rows of cmd_term.c's table; src/term does the work. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cmd_term.h"
#include "common/jsonval.h"
#include "rcode/rcode.h"

#define QR_SYNOPSIS_END "[--data DIR] [--timeout S] [--json]"

/* What to do about a decline of a QR payment, or NULL. The host decides; this only explains. */
static const char *qr_hint(const struct term_request *req, const struct term_result *r)
{
	if (strcmp(r->rc, RCODE_WRONG_PIN) == 0 && req->pin == NULL)
		return "the issuer asks the wallet PIN for this amount: enter it (--pin PIN) / "
		       "请输入支付密码";
	if (strcmp(r->rc, "Q2") == 0)
		return "a payment code lives 60 seconds: ask the customer to refresh it and scan "
		       "again / 请顾客刷新付款码后重新扫码";
	if (strcmp(r->rc, "Q3") == 0)
		return "a payment code pays once: ask the customer for a new one / 请顾客出示新的付款码";
	return NULL;
}

/* qr-pay and qr-refund: the one its row's arg names. */
static int qr_transact(struct cli_env *env, const void *values)
{
	const struct term_opts *o = values;
	struct term_request req = {.kind = (enum term_kind)env->row->arg};
	struct term_result r = {0};
	enum term_inject fault;
	int rc;

	if (cli_amount(env->prog, "amount", o->amount, 156, &req.amount) != CLI_OK ||
	    cli_term_inject(env->prog, o->inject, &fault) != CLI_OK)
		return CLI_USAGE;
	req.code = o->code;
	req.pin = o->pin;
	req.rrn = o->rrn;
	if (req.kind == TERM_QR_PAY && (strlen(o->code) < 16 || strlen(o->code) > 19 ||
	                                strspn(o->code, "0123456789") != strlen(o->code)))
		return cli_usage_error(env->prog, "--code: the payment code, 16 to 19 digits");
	if (req.amount == 0)
		return cli_usage_error(env->prog, "--amount: more than 0.00");
	if ((rc = cli_term_open(env, o)) != CLI_OK)
		return rc;
	term_set_inject(env->term, fault);
	if ((rc = cli_term_permit(env, &req)) != CLI_OK)
		return rc;
	rc = term_transact(env->term, &req, &r);
	if (rc == TERM_EPIN)
		return cli_error(
		    CLI_FAILED, env->prog,
		    "above CNY 1,000.00, the terminal's no-PIN limit, the wallet PIN is "
		    "needed (--pin PIN); nothing was sent / 超过免密限额, 请输入支付密码");
	return cli_term_outcome(env, rc, r.kind, &r, qr_hint(&req, &r));
}

static const char qr_pay_help[] =
    "--code CODE --amount A [--pin PIN] " QR_SYNOPSIS_END "\n"
    "    [--inject timeout|bad-mac]\n\n"
    "QR payment by the customer's payment code (付款码): a purchase (0200, 3 = 000000) with the\n"
    "code in field 2 and entry mode 032, MACed and reversed on a timeout as a card's. Above\n"
    "CNY 1,000.00, the terminal's no-PIN limit, it sends none without the wallet PIN (exit 1).\n"
    "The receipt: possum term receipt STAN.\n\n"
    "  --code CODE     the payment code scanned (19 digits, 62…)\n"
    "  --amount A      the amount in CNY\n"
    "  --pin PIN       the wallet PIN the customer enters (the card's PIN): entry mode 031\n"
    "                  and a PIN block formed with the code as the PAN\n" INJECT_HELP COMMON_HELP;

const cli_command cli_term_qr_pay_row = {"qr-pay",
                                         NULL,
                                         .handler = qr_transact,
                                         .arg = TERM_QR_PAY,
                                         TERM_ROW(CLI_ENV_TERM, qr_pay_help, BASE_OPTS,
                                                  CLI_NEED("code", struct term_opts, code),
                                                  CLI_NEED("amount", struct term_opts, amount),
                                                  TEXT("pin", pin), TEXT("inject", inject)),
                                         .wrong = "takes no arguments"};

static const char qr_refund_help[] =
    "--rrn RRN --amount A " QR_SYNOPSIS_END " [--inject timeout|bad-mac]\n\n"
    "Refund of the QR payment with retrieval reference number RRN (0220, 3 = 200000, entry\n"
    "mode 032, no card): a payment by code or by the terminal's static code, of this\n"
    "merchant, up to what remains of it; the money goes back to the account that paid.\n\n"
    "  --rrn RRN       the QR payment's RRN\n"
    "  --amount A      the amount to refund in CNY\n" INJECT_HELP COMMON_HELP;

const cli_command cli_term_qr_refund_row = {
    "qr-refund",
    NULL,
    .handler = qr_transact,
    .arg = TERM_QR_REFUND,
    TERM_ROW(CLI_ENV_TERM, qr_refund_help, BASE_OPTS, CLI_NEED("rrn", struct term_opts, rrn),
             CLI_NEED("amount", struct term_opts, amount), TEXT("inject", inject)),
    .wrong = "takes no arguments"};

static int qr_query(struct cli_env *env, const void *values)
{
	const struct term_opts *o = values;
	struct term_result r = {0};
	int rc;

	if (strlen(o->stan) < 1 || strlen(o->stan) > 6 ||
	    strspn(o->stan, "0123456789") != strlen(o->stan) ||
	    strspn(o->stan, "0") == strlen(o->stan))
		return cli_usage_error(env->prog, "STAN: 1 to 999999");
	if ((rc = cli_term_open(env, o)) != CLI_OK)
		return rc;
	rc = term_qr_query(env->term, o->stan, &r);
	return cli_term_outcome(env, rc, TERM_QR_QUERY, &r, NULL);
}

static const char qr_query_help[] =
    "STAN " QR_SYNOPSIS_END "\n\n"
    "Asks the host where the terminal's own request with STAN stands (0100, 3 = 300000, 61 its\n"
    "batch and STAN): its response code, its state (APPROVED, DECLINED, REVERSED, VOIDED,\n"
    "REFUNDED), RRN, auth code and amount; 25 when the host has no such request. Nothing is\n"
    "recorded; a pending reversal is delivered first. Exit 0 when the request was approved.\n\n"
    "  STAN            the request's STAN (--stan N too)\n" COMMON_HELP;

const cli_command cli_term_qr_query_row = {
    "qr-query", NULL, .handler = qr_query,
    TERM_ROW(CLI_ENV_TERM, qr_query_help, BASE_OPTS, TEXT("stan", stan)),
    CLI_OBJECT("stan", "STAN")};

/* What qr-result prints as it learns: each payment's receipt, or its JSON into list. */
struct learned {
	const struct cli_env *env;
	json_t *list;
};

static int print_learned(void *ctx, const struct store_term_txn *x)
{
	struct learned *l = ctx;
	struct term_slip slip;

	if (l->list != NULL) {
		json_array_append_new(l->list, cli_term_txn_json(x));
		return 0;
	}
	term_slip_get(l->env->term, &slip);
	term_receipt(term_state(l->env->term), &slip, x, stdout);
	fputs("========================================\n", stdout);
	return 0;
}

/* Asks for the results once a second until one payment or more came or wait seconds passed. */
static int poll_results(struct cli_env *env, int64_t wait, struct learned *l, struct term_result *r,
                        int *count)
{
	struct timespec start, now;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		rc = term_qr_results(env->term, print_learned, l, r, count);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (rc != TERM_OK || !rcode_approved(r->rc) || *count > 0 ||
		    now.tv_sec - start.tv_sec >= wait)
			return rc;
		nanosleep(&(struct timespec){1, 0}, NULL);
	}
}

static int qr_result(struct cli_env *env, const void *values)
{
	const struct term_opts *o = values;
	struct learned l = {.env = env};
	struct term_result r = {0};
	const char *en, *zh;
	int64_t wait = 0;
	int count = 0, rc;

	if (o->wait != NULL && cli_int64(env->prog, "wait", o->wait, 0, 600, &wait) != CLI_OK)
		return CLI_USAGE;
	if ((rc = cli_term_open(env, o)) != CLI_OK)
		return rc;
	if (env->json)
		l.list = json_array();
	if ((rc = poll_results(env, wait, &l, &r, &count)) != TERM_OK || !rcode_approved(r.rc)) {
		json_decref(l.list);
		return cli_term_outcome(env, rc, TERM_QR_RESULT, &r, NULL);
	}
	term_rc_text(r.rc, &en, &zh);
	if (env->json)
		cli_print_json(json_pack(
		    "{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:i,s:o,s:I}", "type", "qr-result", "channel",
		    "qr", "tid", term_state(env->term)->tid, "mid", term_state(env->term)->mid,
		    "rc", r.rc, "approved", 1, "text", en, "text_zh", zh, "count", count,
		    "payments", l.list, "cursor", (json_int_t)term_state(env->term)->qr_cursor));
	else if (count == 0)
		printf("no new payments (没有新的付款)\n");
	else
		printf("%d new payment%s (新的付款 %d 笔)\n", count, count == 1 ? "" : "s", count);
	return CLI_OK;
}

static const char qr_result_help[] =
    "[--wait S] " QR_SYNOPSIS_END "\n\n"
    "Asks the host for the payments by the terminal's static code (一机一码) since the last\n"
    "one it learned (0100, 3 = 320000), prints each one's receipt and keeps it (outside the\n"
    "batch: such payments are the host's). Each payment is shown once.\n\n"
    "  --wait S        ask again every second until a payment comes or S seconds pass\n"
    "                  (default 0: once, at most 600)\n" COMMON_HELP
    "With no new payment it prints \"no new payments\" and exits 0.\n";

const cli_command cli_term_qr_result_row = {
    "qr-result", NULL, .handler = qr_result,
    TERM_ROW(CLI_ENV_TERM, qr_result_help, BASE_OPTS, TEXT("wait", wait)),
    .wrong = "takes no arguments"};
