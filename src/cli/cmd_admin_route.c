/* cmd_admin_route.c — `possum admin route list`: the routing table as the running host's
 * configuration reads it ([route] and [link.NAME], docs/links.md): each card-number range, its
 * destination and, for a link, where it connects and in which dialect. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/jsonval.h"
#include "common/money.h"

static const char list_help[] =
    "[--config FILE] [--json]\n"
    "\n"
    "Lists the routing table per the configuration ([route] lines; docs/links.md): each range\n"
    "of card-number prefixes and its destination, `local` (the host's issuer) or a link, with\n"
    "the link's host:port and dialect. Without [route] lines every card goes local. The host\n"
    "reads the file again on SIGHUP.\n"
    "\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --json         print {\"items\":[{\"range\",\"low\",\"high\",\"destination\",\"link\":\n"
    "                 {\"host\",\"port\",\"dialect\",\"connections\"} or null}],\"next\":null}\n"
    "\n"
    "Exit status: 0 listed; 1 a failure; 2 bad usage, or a fault in the configuration\n"
    "(FILE line N: why).\n";

/* "622202" or "622202-622299". */
static void range_text(const struct card_bin_range *r, char *buf, size_t len)
{
	if (strcmp(r->low, r->high) == 0)
		snprintf(buf, len, "%s", r->low);
	else
		snprintf(buf, len, "%s-%s", r->low, r->high);
}

static json_t *route_json(const struct acquirer_route *r, const struct host_link_config *l,
                          const char *range, unsigned currency)
{
	json_t *link =
	    l == NULL ? json_null()
	              : json_pack("{s:s, s:i, s:s, s:i}", "host", l->host, "port", l->port,
	                          "dialect", l->dialect->name, "connections", (int)l->connections);

	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "range", range, "low", r->range.low,
	                 "high", r->range.high, "destination", r->dest, "link", link, "stand_in",
	                 r->stand_in > 0 ? jsonval_money(r->stand_in, currency) : json_null());
}

static int route_list(struct cli_env *env, const void *values)
{
	const struct host_config *cfg;
	json_t *items = NULL;
	char range[2 * CARD_PAN_MAX + 2], where[300], floor[MONEY_TEXT_MAX];
	int rc;

	(void)values;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	cfg = &env->host.cfg;
	if (env->json && (items = json_array()) == NULL)
		return cli_error(CLI_FAILED, env->prog, "out of memory");
	if (!env->json && cfg->nroutes == 0)
		printf("# no [route] lines: every card goes to the local issuer\n");
	else if (!env->json)
		printf("%-41s %-12s %-28s %-9s %s\n", "RANGE", "DESTINATION", "HOST:PORT",
		       "DIALECT", "STAND-IN");
	for (size_t i = 0; i < cfg->nroutes; i++) {
		const struct acquirer_route *r = &cfg->routes[i];
		const struct host_link_config *l = host_config_link(cfg, r->dest);

		range_text(&r->range, range, sizeof range);
		if (env->json) {
			json_array_append_new(
			    items, route_json(r, l, range, (unsigned)cfg->issuer.currency));
			continue;
		}
		snprintf(where, sizeof where, "%s:%d", l != NULL ? l->host : "-",
		         l != NULL ? l->port : 0);
		if (r->stand_in > 0)
			money_format(r->stand_in, (unsigned)cfg->issuer.currency, floor);
		printf("%-41s %-12s %-28s %-9s %s\n", range, r->dest, l != NULL ? where : "-",
		       l != NULL ? l->dialect->name : "-", r->stand_in > 0 ? floor : "-");
	}
	if (env->json)
		cli_print_json(json_pack("{s:o, s:n}", "items", items, "next"));
	return CLI_OK;
}

static const cli_command route_cmds[] = {
    {"list", "the routing table: ranges, destinations, links", .handler = route_list,
     .help = list_help, .common = CLI_CONFIG | CLI_JSON, .wrong = "takes no arguments"},
};

const cli_group cli_admin_route_group = {
    "possum admin route",
    "The routing table: card ranges to the local issuer or to network links (docs/links.md).",
    CLI_TABLE(route_cmds)};
