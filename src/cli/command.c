/* command.c — the command tables at work (cli.h): cli_dispatch() finds the row a command line
 * names, runs a group's row in turn, reads a command's line against its row once (the options
 * into the command's struct of values, the common ones into its environment, the operands),
 * and hands the command the environment its row's env column asks for, closing it after the
 * command (env.c opens it when the command asks). */
#include <assert.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define ROW_OPTIONS_MAX 32 /* a row's own options */

/* What a CLI_EACH option's value is given to: its row's each(), with env and the values. */
struct each {
	const cli_command *row;
	struct cli_env *env;
	char *values;
};

static int each(void *ctx, const char *name, const char *value)
{
	struct each *e = ctx;

	return e->row->each(e->env, e->values, name, value);
}

/* Reads argv against row with the one parser (cli_parse): its options into values, the common
 * ones into env; *rest the index of the first operand. */
static int parse_row(const cli_command *row, struct cli_env *env, char *values, int argc,
                     char **argv, int *rest)
{
	cli_option opts[ROW_OPTIONS_MAX];
	struct each ctx = {row, env, values};
	cli_spec spec = {.help = row->help,
	                 .opts = opts,
	                 .n = row->nopts,
	                 .min = row->min,
	                 .max = row->max,
	                 .wrong = row->wrong,
	                 .each = each,
	                 .ctx = &ctx};

	assert(row->nopts <= ROW_OPTIONS_MAX);
	for (size_t i = 0; i < row->nopts; i++) {
		const cli_opt *o = &row->opts[i];
		/* A CLI_EACH value goes to each(), never to its `at` (0). */
		opts[i] =
		    o->kind == CLI_SET
		        ? (cli_option)CLI_FLAG(o->name, (int *)(void *)(values + o->at))
		        : (cli_option)CLI_VALUE(o->name, (const char **)(void *)(values + o->at));
		if (o->required)
			spec.required |= UINT64_C(1) << i;
		if (o->kind == CLI_EACH)
			spec.repeated |= UINT64_C(1) << i;
	}
	spec.common = (cli_common){row->common & CLI_CONFIG ? &env->config : NULL,
	                           row->common & CLI_DATA ? &env->data : NULL,
	                           row->common & CLI_JSON ? &env->json : NULL};
	return cli_parse(argc, argv, &spec, rest);
}

/* The row's object (CLI_OBJECT): its operand, if any, into its option's value; env's operands
 * then start after it. */
static int object(const cli_command *row, struct cli_env *env, char *values)
{
	const char **value = NULL;
	int rc;

	if (row->object == NULL)
		return CLI_OK;
	for (size_t i = 0; i < row->nopts; i++)
		if (row->opts[i].kind == CLI_TEXT && strcmp(row->opts[i].name, row->object) == 0)
			value = (const char **)(void *)(values + row->opts[i].at);
	assert(value != NULL); /* a row's object is one of its options */
	rc = cli_object(env->prog, row->object, row->object_meta,
	                env->n > 0 ? env->operands[0] : NULL, value);
	if (rc == CLI_OK && env->n > 0) {
		env->n--;
		env->operands++;
	}
	return rc;
}

/* Runs row, named prog, with the environment its env column asks for, closed after it: a
 * handler once its command line is read, or a run that reads its own. */
static int run(const cli_command *row, const char *prog, int argc, char **argv)
{
	struct cli_env env = {.prog = prog, .row = row, .needs = row->env};
	char *values = NULL;
	int rc, rest;

	if (row->handler == NULL) {
		rc = row->run(argc, argv, &env);
	} else if ((values = calloc(1, row->size + 1)) == NULL) {
		rc = cli_error(CLI_FAILED, prog, "out of memory");
	} else {
		if (row->defaults != NULL)
			memcpy(values, row->defaults, row->size);
		rc = parse_row(row, &env, values, argc, argv, &rest);
		if (rc == CLI_OK) {
			env.n = argc - rest;
			env.operands = argv + rest;
			if ((rc = object(row, &env, values)) == CLI_OK)
				rc = row->handler(&env, values);
		} else if (rc == CLI_HELP) {
			rc = CLI_OK; /* the help said */
		}
	}
	free(values);
	cli_env_close(&env);
	return rc;
}

#define HELP_COLUMNS 79 /* the width of a help's lines */

/* Where list_names() is on its line. */
struct column {
	FILE *out;
	int col, indent;
};

/* Writes word, on a new line when it would pass HELP_COLUMNS. */
static void put_word(struct column *c, const char *word, bool space)
{
	int len = (int)strlen(word);

	if (c->col > c->indent && c->col + (space ? 1 : 0) + len > HELP_COLUMNS)
		c->col = fprintf(c->out, "\n%*s", c->indent, "") - 1;
	else if (space)
		c->col += fprintf(c->out, " ");
	c->col += fprintf(c->out, "%s", word);
}

/* The names of group g's commands, and of its groups' in parentheses, from the tables
 * themselves: "a, b (c, d), e"; open before the first, close after the last. */
static void put_names(struct column *c, const cli_group *g, const char *open, const char *close)
{
	char word[64], inner[16];

	for (size_t i = 0; i < g->n; i++) {
		const cli_command *row = &g->cmds[i];
		const char *end = i + 1 < g->n ? "," : close;
		snprintf(word, sizeof word, "%s%s%s", i == 0 ? open : "", row->name,
		         row->group != NULL ? "" : end);
		put_word(c, word, c->col > c->indent);
		if (row->group != NULL) {
			snprintf(inner, sizeof inner, ")%s", end);
			put_names(c, row->group, "(", inner);
		}
	}
}

/* Under a group's row in its parent's help: its commands, every one (put_names), or those
 * of a command with a table of its own (row->names). */
static void list_names(FILE *out, const cli_command *row, int indent)
{
	struct column c = {out, fprintf(out, "%*s", indent, ""), indent};
	char word[64];
	const char *name;

	if (row->group != NULL)
		put_names(&c, row->group, "", "");
	for (size_t i = 0; row->names != NULL && (name = row->names(i)) != NULL; i++) {
		snprintf(word, sizeof word, "%s%s", name, row->names(i + 1) != NULL ? "," : "");
		put_word(&c, word, c.col > c.indent);
	}
	fputc('\n', out);
}

int cli_dispatch(const cli_group *g, int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	int asked = name != NULL && (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
	                             strcmp(name, "help") == 0);
	char prog[64];

	for (size_t i = 0; name != NULL && !asked && i < g->n; i++) {
		if (strcmp(g->cmds[i].name, name) != 0)
			continue;
		snprintf(prog, sizeof prog, "%s %s", g->name, name);
		argv[1] = prog;
		optind = 0; /* each subcommand parses its options afresh */
		if (g->cmds[i].group != NULL)
			return cli_dispatch(g->cmds[i].group, argc - 1, argv + 1);
		return run(g->cmds[i].row != NULL ? g->cmds[i].row : &g->cmds[i], prog, argc - 1,
		           argv + 1);
	}
	/* Help asked for goes to stdout; a missing or unknown command is a usage error. */
	FILE *out = asked ? stdout : stderr;
	int width = 10;
	if (name != NULL && !asked)
		fprintf(out, "%s: unknown command '%s'\n\n", g->name, name);
	fprintf(out, "Usage: %s COMMAND [OPTIONS]\n\n%s\n\nCommands:\n", g->name, g->about);
	for (size_t i = 0; i < g->n; i++)
		if ((int)strlen(g->cmds[i].name) > width)
			width = (int)strlen(g->cmds[i].name);
	for (size_t i = 0; i < g->n; i++) {
		fprintf(out, "  %-*s %s\n", width, g->cmds[i].name, g->cmds[i].summary);
		if (g->cmds[i].group != NULL || g->cmds[i].names != NULL)
			list_names(out, &g->cmds[i], width + 3);
	}
	fprintf(out, "\nRun '%s COMMAND --help' for a command's options.\n", g->name);
	return asked ? CLI_OK : CLI_USAGE;
}
