/* cmd_admin_leases.c — `possum admin store leases`: which host holds which piece of work on the
 * store (docs/scaling.md "Several hosts on one database: leases"): every lease of the table
 * `leases` and every day being closed under its lease (settle_days), with until when, how long
 * it still runs and whether its holder's process runs (store_lease_gone()). Reads only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/jsonval.h"
#include "store/store_lease.h"
#include "store/store_settle.h"

static const char leases_help[] =
    "[--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the leases of the data directory's store (docs/scaling.md, \"Several hosts on one\n"
    "database: leases\"): each by name (saf, notify, payout:DATE) with its holder\n"
    "(KIND:HOSTNAME:PID:START), since and until when (local time, the config's [host]\n"
    "utc_offset), how long it still runs by the database's clock (\"in N s\", or \"ran out\")\n"
    "and whether its holder's process is alive — on PostgreSQL a connection of it holds its\n"
    "lock, on SQLite a pid of another machine is taken as alive, of this one is asked — then\n"
    "the days being closed (close:DATE), each under its close's lease (no since). A lease\n"
    "whose holder is gone is taken over at once by the next taker. Changes nothing.\n"
    "\n"
    "  --config FILE  the config file (default $POSSUM_CONFIG)\n"
    "  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json         {\"items\":[{\"name\",\"holder\",\"since\" (null for a close),\"until\",\n"
    "                 \"left_s\" (0 once ran out),\"ran_out\",\"alive\"}],\"next\":null}\n"
    "\n"
    "Exit status: 0 listed (none or some); 1 no store, or a failure; 2 bad usage.\n";

/* The leases read before any is asked about (the list's rows are not walked while another
 * query runs): the table's, then the days being closed, since_ms 0. */
struct leases {
	struct store_lease *l;
	size_t n, cap;
	int rc;
};

static struct store_lease *grow(struct leases *ls)
{
	if (ls->n == ls->cap) {
		size_t cap = ls->cap != 0 ? 2 * ls->cap : 16;
		struct store_lease *l = realloc(ls->l, cap * sizeof *l);

		if (l == NULL)
			return NULL;
		ls->l = l, ls->cap = cap;
	}
	return &ls->l[ls->n++];
}

static int each_lease(void *ctx, const struct store_lease *l)
{
	struct leases *ls = ctx;
	struct store_lease *to = grow(ls);

	if (to == NULL)
		return ls->rc = STORE_ENOMEM;
	*to = *l;
	return 0;
}

/* A day open with an owner: a close under way (or killed), under its lease; in seconds. */
static int each_day(void *ctx, const struct store_settle_run *r)
{
	struct leases *ls = ctx;
	struct store_lease *to;

	if (r->state != STORE_SETTLE_OPEN || r->owner[0] == '\0')
		return 0;
	if ((to = grow(ls)) == NULL)
		return ls->rc = STORE_ENOMEM;
	*to = (struct store_lease){.until_ms = r->until * 1000};
	snprintf(to->name, sizeof to->name, "close:%s", r->date);
	snprintf(to->holder, sizeof to->holder, "%s", r->owner);
	return 0;
}

static int read_leases(store *s, struct leases *ls)
{
	int64_t now;
	int rc;

	if ((rc = store_lease_list(s, each_lease, ls)) != STORE_OK)
		return ls->rc != STORE_OK ? ls->rc : rc;
	if ((rc = store_lease_now(s, &now)) != STORE_OK)
		return rc;
	if ((rc = store_settle_runs(s, &(struct store_settle_run_filter){"", 0}, each_day, ls)) !=
	    STORE_OK)
		return ls->rc != STORE_OK ? ls->rc : rc;
	for (size_t i = 0; i < ls->n; i++)
		if (ls->l[i].since_ms == 0)
			ls->l[i].now_ms = now;
	return STORE_OK;
}

/* One lease: a line, or the JSON item added to items. */
static void print_lease(const struct cli_env *env, const struct store_lease *l, bool alive,
                        json_t *items)
{
	int64_t left = l->until_ms > l->now_ms ? (l->until_ms - l->now_ms + 999) / 1000 : 0;
	int off = env->host.cfg.utc_offset;
	char since[TEXT_TIME_LEN], until[TEXT_TIME_LEN], in[32];

	if (env->json) {
		json_array_append_new(
		    items, json_pack("{s:s, s:s, s:o, s:o, s:I, s:b, s:b}", "name", l->name,
		                     "holder", l->holder, "since",
		                     l->since_ms != 0 ? jsonval_time(l->since_ms / 1000, off)
		                                      : json_null(),
		                     "until", jsonval_time(l->until_ms / 1000, off), "left_s",
		                     (json_int_t)left, "ran_out", left == 0, "alive", alive));
		return;
	}
	snprintf(in, sizeof in, left > 0 ? "in %lld s" : "ran out", (long long)left);
	printf("%-22s %-44s %-19s  %-19s  %-10s %s\n", l->name, l->holder,
	       l->since_ms != 0 ? cli_time(env, l->since_ms / 1000, since) : "-",
	       cli_time(env, l->until_ms / 1000, until), in, alive ? "alive" : "gone");
}

static int leases_cmd(struct cli_env *env, const void *values)
{
	struct leases ls = {0};
	json_t *items;
	store *s;
	bool gone;
	int rc;

	(void)values;
	if ((rc = cli_admin_store_open(env, &s)) != CLI_OK)
		return rc;
	items = json_array();
	if ((rc = read_leases(s, &ls)) != STORE_OK)
		goto out;
	if (!env->json && ls.n > 0)
		printf("%-22s %-44s %-19s  %-19s  %-10s %s\n", "NAME", "HOLDER", "SINCE", "UNTIL",
		       "RUNS OUT", "HOLDER IS");
	for (size_t i = 0; i < ls.n; i++) {
		if ((rc = store_lease_gone(s, ls.l[i].holder, &gone)) != STORE_OK)
			goto out;
		print_lease(env, &ls.l[i], !gone, items);
	}
	cli_print_page(env->json, items, ls.n, 0);
	if (env->json)
		items = NULL; /* taken */
out:
	json_decref(items);
	free(ls.l);
	if (rc != STORE_OK)
		cli_error(CLI_FAILED, env->prog, "%s: %s", store_strerror(rc), store_errmsg(s));
	store_close(s);
	return rc == STORE_OK ? CLI_OK : CLI_FAILED;
}

const cli_command cli_admin_store_leases_row = {
    "leases",
    "the leases: which host holds which work, until when, whether it runs",
    .handler = leases_cmd,
    .env = CLI_ENV_NONE,
    .help = leases_help,
    .common = CLI_DATADIR,
    .wrong = "takes no arguments"};
