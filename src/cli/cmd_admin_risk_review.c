/* cmd_admin_risk_review.c — `possum admin risk review`: the periodic merchant review (docs/risk.md
 * "Merchant review"): each merchant's figures over the last 30 local days, its grade A to D
 * and the reasons; a D is suspended (03 at its terminals) until an operator resumes it. Its row
 * is named by the `risk` group's table (cmd_admin_risk.c). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "risk/risk_review.h"

#define CNY 156

static const char review_help[] =
    "[--merchant MID] [--dry-run] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Reviews each merchant that is not closed (or merchant MID) over the 30 local days ending\n"
    "now: its volume (approved purchases and completions), average ticket against its MCC's,\n"
    "refund rate (refunds / purchases, by amount), decline rate (declined / attempted\n"
    "payments), night share (payments 00:00-05:00 local / all), cases and their verdicts,\n"
    "terminals moved (reporting more than 50 km from their registered place); grades it A to D\n"
    "with its reasons (docs/risk.md \"Merchant review\") and keeps the review. A merchant graded\n"
    "D that is active is suspended: its terminals are refused with 03 until an operator\n"
    "resumes it (possum admin merchant step MID resume --reason TEXT); the suspension is in\n"
    "the audit log (merchant.suspend, actor risk:review). Amounts are yuan (12.34 CNY) in the\n"
    "table; rates in percent.\n"
    "\n"
    "  --merchant MID  that merchant only\n"
    "  --dry-run       grade only: keep nothing, suspend no one\n"
    "  --config FILE   the config file ([host] utc_offset: the local days; default\n"
    "                  $POSSUM_CONFIG)\n"
    "  --data DIR      the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json          print JSON: {\"items\": [{\"mid\", \"name\", \"mcc\", \"status\", \"grade\",\n"
    "                  \"reasons\": [{\"name\", \"level\", \"text\"}], \"volume\", \"average_ticket\",\n"
    "                  \"mcc_average_ticket\", \"ticket_ratio_bp\", \"refund_rate_bp\",\n"
    "                  \"decline_rate_bp\", \"night_share_bp\", \"cases\", \"terminals_moved\",\n"
    "                  \"suspended\", …}], \"next\": null}: money objects, rates in basis points\n"
    "\n"
    "Exit status: 0 reviewed (whatever the grades); 1 no such merchant, or a failure; 2 bad\n"
    "usage.\n";

struct review {
	const char *mid;
	int dry_run;
};

static const cli_opt review_opts[] = {CLI_TEXT("merchant", struct review, mid),
                                      CLI_SET("dry-run", struct review, dry_run)};

struct printing {
	json_t *items;
	int utc_offset;
	size_t n;
};

/* "35.00%" of basis points. */
static const char *pct(int64_t bp, char out[24])
{
	snprintf(out, 24, "%" PRId64 ".%02" PRId64 "%%", bp / 100, bp % 100);
	return out;
}

static int print_one(void *ctx, const struct risk_review_result *r)
{
	struct printing *pr = ctx;
	char amount[CLI_MONEY_TEXT], refund[24], decline[24], night[24];

	if (pr->items != NULL)
		return json_array_append_new(pr->items, risk_review_json(r, pr->utc_offset)) != 0;
	if (pr->n++ == 0)
		printf("%-15s %-5s %6s %18s %7s %8s %8s %8s %7s %5s  %s\n", "MID", "GRADE", "COUNT",
		       "VOLUME", "TICKET", "REFUNDS", "DECLINES", "NIGHT", "F/L/O", "MOVED",
		       "NAME");
	cli_money_text(r->m.amount, CNY, amount);
	printf("%-15s %-5c %6" PRId64 " %18s %4" PRId64 ".%02" PRId64 "x %8s %8s %8s "
	       "%3" PRId64 "/%" PRId64 "/%" PRId64 " %5" PRId64 "  %s\n",
	       r->m.mid, r->grade, r->m.count, amount, r->ticket_ratio_bp / 10000,
	       r->ticket_ratio_bp % 10000 / 100, pct(r->refund_rate_bp, refund),
	       pct(r->decline_rate_bp, decline), pct(r->night_share_bp, night), r->cases.fraud,
	       r->cases.legitimate, r->cases.open, r->terminals_moved, r->m.name);
	for (size_t i = 0; i < r->n_reasons; i++)
		printf("%-15s   %s (%s): %s\n", "", r->reasons[i].name,
		       risk_review_level_name(r->reasons[i].level), r->reasons[i].text);
	if (r->suspended)
		printf("%-15s   suspended: its terminals are refused (03) until it is resumed\n",
		       "");
	return 0;
}

static int review_cmd(struct cli_env *env, const void *values)
{
	const struct review *o = values;
	struct risk_review_params p;
	struct printing pr;
	int rc;

	if (o->mid != NULL && !text_is_line(o->mid, 15))
		return cli_usage_error(env->prog, "--merchant takes a MID, not '%s'", o->mid);
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	p = (struct risk_review_params){
	    env->host.data.store,     env->host.merchant, o->mid,    (int64_t)time(NULL),
	    env->host.cfg.utc_offset, o->dry_run != 0,    env->actor};
	pr = (struct printing){env->json ? json_array() : NULL, p.utc_offset, 0};
	if ((rc = risk_review_run(&p, print_one, &pr)) != RISK_REVIEW_OK) {
		json_decref(pr.items);
		if (rc == RISK_REVIEW_ENOTFOUND)
			return cli_error(CLI_FAILED, env->prog, "no such merchant: %s", o->mid);
		return cli_module_failed(env, risk_review_strerror(rc), rc == RISK_REVIEW_ESTORE,
		                         false);
	}
	if (env->json)
		cli_print_json(json_pack("{s:o, s:n}", "items", pr.items, "next"));
	else if (pr.n == 0)
		printf("no merchants\n");
	return CLI_OK;
}

const cli_command cli_admin_risk_review_row = {
    "review",
    "the periodic merchant review: grades A-D, D suspended",
    .handler = review_cmd,
    .env = CLI_ENV_MERCHANT,
    .help = review_help,
    CLI_OPTS(review_opts, struct review),
    .common = CLI_DATADIR,
    .wrong = "takes no arguments"};
