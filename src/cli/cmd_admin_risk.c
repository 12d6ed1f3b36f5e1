/* cmd_admin_risk.c — `possum admin risk`: the risk rules (docs/risk.md): a rules file checked
 * without loading it, and the rules in force per the configuration listed. */
#include <stdio.h>

#include <jansson.h>

#include "cli/cli.h"

extern const cli_group cli_admin_risk_list_group;   /* cmd_admin_risk_list.c */
extern const cli_command cli_admin_risk_cases_row;  /* cmd_admin_risk_cases.c: cases */
extern const cli_command cli_admin_risk_case_row;   /* cmd_admin_risk_cases.c: case ID */
extern const cli_command cli_admin_risk_replay_row; /* cmd_admin_risk_replay.c */

static const char check_help[] =
    "FILE [--json]\n"
    "\n"
    "Checks a risk rules file (docs/risk.md) without loading it: prints how many rules it\n"
    "holds, or FILE:LINE: why on standard error.\n"
    "\n"
    "  --json  print {\"file\",\"valid\":true,\"rules\":N}, or {\"file\",\"valid\":false,\n"
    "          \"error\",\"line\"} (exit 1)\n"
    "\n"
    "Exit status: 0 valid; 1 not valid (or unreadable); 2 bad usage.\n";

static int risk_check(struct cli_env *env, const void *values)
{
	risk_rules *r;
	char err[512];
	int rc;

	(void)values;
	rc = risk_rules_load(env->operands[0], &r, err, sizeof err);
	if (env->json) {
		cli_print_json(rc == RISK_OK
		                   ? json_pack("{s:s, s:b, s:I}", "file", env->operands[0], "valid",
		                               1, "rules", (json_int_t)risk_rules_count(r))
		                   : json_pack("{s:s, s:b, s:s, s:i}", "file", env->operands[0],
		                               "valid", 0, "error", err, "line",
		                               risk_error_line(err)));
		risk_rules_free(r);
		return rc == RISK_OK ? CLI_OK : CLI_FAILED;
	}
	if (rc != RISK_OK)
		return cli_error(CLI_FAILED, env->prog, "%s", err);
	printf("%s: %zu rules, valid\n", env->operands[0], risk_rules_count(r));
	risk_rules_free(r);
	return CLI_OK;
}

static const char rules_help[] =
    "[--config FILE] [--json]\n"
    "\n"
    "Lists the risk rules in force per the configuration ([risk] rules: the built-in\n"
    "etc/risk.rules when not set, none when `none`): each rule's name, action and condition.\n"
    "\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --json         print {\"items\":[{\"name\",\"action\",\"rc\",\"condition\"}],\"next\":null}\n"
    "\n"
    "Exit status: 0 listed; 1 the file has a fault (FILE:LINE: why); 2 bad usage.\n";

/* "decline 65", "review", … */
static void action_text(const struct risk_rule_info *i, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", risk_action_name(i->action), i->rc[0] != '\0' ? " " : "",
	         i->rc);
}

static int risk_list(struct cli_env *env, const void *values)
{
	struct risk_rule_info info;
	json_t *items = NULL;
	risk_rules *r;
	char err[512], action[32];
	int rc;

	(void)values;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if (host_risk_load(&env->host.cfg, &r, err, sizeof err) != RISK_OK)
		return cli_error(CLI_FAILED, env->prog, "%s", err);
	if (env->json && (items = json_array()) == NULL) {
		risk_rules_free(r);
		return cli_error(CLI_FAILED, env->prog, "out of memory");
	}
	if (!env->json)
		printf("# %s: %zu rules\n", host_risk_source(&env->host.cfg), risk_rules_count(r));
	for (size_t i = 0; risk_rule_info(r, i, &info) == RISK_OK; i++) {
		action_text(&info, action, sizeof action);
		if (env->json)
			json_array_append_new(
			    items, json_pack("{s:s, s:s, s:s, s:s}", "name", info.name, "action",
			                     risk_action_name(info.action), "rc", info.rc,
			                     "condition", info.condition));
		else
			printf("%-24s %-18s %s\n", info.name, action, info.condition);
	}
	risk_rules_free(r);
	if (env->json)
		cli_print_json(json_pack("{s:o, s:n}", "items", items, "next"));
	return CLI_OK;
}

static const cli_command risk_cmds[] = {
    {"check", "validate a rules file without loading it", .handler = risk_check, .help = check_help,
     .common = CLI_JSON, .min = 1, .max = 1, .wrong = "takes one FILE"},
    {"rules", "the rules in force: name, action, condition", .handler = risk_list,
     .help = rules_help, .common = CLI_CONFIG | CLI_JSON, .wrong = "takes no arguments"},
    {"review", "the periodic merchant review: grades A-D, D suspended",
     .row = &cli_admin_risk_review_row},
    {"list", "the blocked and watched lists of cards, terminals, merchants",
     .group = &cli_admin_risk_list_group},
    {"cases", "the cases opened for review, newest first", .row = &cli_admin_risk_cases_row},
    {"case", "one case: its transactions, rules and numbers; --close with a verdict",
     .row = &cli_admin_risk_case_row},
    {"replay", "recorded days run through a rules file: what each rule would have done",
     .row = &cli_admin_risk_replay_row},
};

const cli_group cli_admin_risk_group = {
    "possum admin risk",
    "Risk control: the rules, the blocked and watched lists, the cases, a replay, the merchant "
    "review (docs/risk.md).",
    CLI_TABLE(risk_cmds)};
