/* command.c — the command tables at work (cli.h): cli_dispatch() finds the row a command line
 * names, runs a group's row in turn, and hands a command the environment its row's env column
 * asks for, closing it after the command (env.c opens it when the command asks). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* Runs row, named prog, with the environment its env column asks for, closed after it. */
static int run(const cli_command *row, const char *prog, int argc, char **argv)
{
	struct cli_env env = {.prog = prog, .row = row, .needs = row->env};
	int rc;

	rc = row->run(argc, argv, &env);
	cli_env_close(&env);
	return rc;
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
		return run(&g->cmds[i], prog, argc - 1, argv + 1);
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
	for (size_t i = 0; i < g->n; i++)
		fprintf(out, "  %-*s %s\n", width, g->cmds[i].name, g->cmds[i].summary);
	fprintf(out, "\nRun '%s COMMAND --help' for a command's options.\n", g->name);
	return asked ? CLI_OK : CLI_USAGE;
}
