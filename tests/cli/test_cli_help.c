/* test_cli_help.c — help that matches the code, read from the command tables themselves
 * (src/cli/possum.c and each group's): `possum --help` and each group's help list every
 * command of their tables; every command and subcommand answers --help with exit 0, a usage
 * line and its exit statuses; every option a row's parser takes (its own and the common
 * --config, --data, --json) is named in its help; every command that prints takes --json,
 * but for the few listed here, each with why. */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"

#define WORDS_MAX 8

/* Every mismatch is said, then the test fails once at its end. */
static int failures;
#define BAD(...) (fprintf(stderr, __VA_ARGS__), fputc('\n', stderr), failures++)

/* Runs `possum WORDS… --help` through the dispatcher, its stdout into *out (freed by the
 * caller); the exit code. */
static int help_of(const char *const words[], int n, char **out)
{
	char *argv[WORDS_MAX + 3], tmpl[] = "/tmp/possum-help-XXXXXX";
	int fd = mkstemp(tmpl), saved, rc;
	FILE *f;
	size_t len;

	assert_true(fd >= 0 && n <= WORDS_MAX);
	argv[0] = strdup("possum");
	for (int i = 0; i < n; i++)
		argv[i + 1] = strdup(words[i]);
	argv[n + 1] = strdup("--help");
	argv[n + 2] = NULL;
	char *owned[WORDS_MAX + 2];
	memcpy(owned, argv, sizeof(char *) * (size_t)(n + 2)); /* dispatch renames argv[1] */
	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	rc = cli_dispatch(&cli_possum_group, n + 2, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	for (int i = 0; i < n + 2; i++)
		free(owned[i]);
	assert_non_null(f = fdopen(fd, "r"));
	rewind(f);
	assert_int_equal(cli_read_all(f, out, &len), 0);
	fclose(f);
	unlink(tmpl);
	return rc;
}

/* The commands whose rows take no --json, and why: none so far. */
static const char *const no_json[] = {
    NULL,
};

/* Commands whose help is not yet checked against their rows, and why: none so far. */
static const char *const unchecked[] = {
    NULL, /* none */
};

static bool listed(const char *const *list, size_t n, const char *prog)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] != NULL && strcmp(list[i], prog) == 0)
			return true;
	return false;
}

#define LISTED(list, prog) listed((list), sizeof(list) / sizeof((list)[0]), (prog))

static void prog_name(const char *const words[], int n, char *prog, size_t cap)
{
	size_t at = (size_t)snprintf(prog, cap, "possum");

	for (int i = 0; i < n && at < cap; i++)
		at += (size_t)snprintf(prog + at, cap - at, " %s", words[i]);
}

/* One command's --help against its row. */
static void check_row(const cli_command *row, const char *const words[], int n)
{
	char prog[128], want[160], *out = NULL;
	const char *common[] = {"--config", "--data", "--json"};

	prog_name(words, n, prog, sizeof prog);
	if (help_of(words, n, &out) != CLI_OK)
		BAD("%s --help: not exit 0", prog);
	snprintf(want, sizeof want, "Usage: %s", prog);
	if (strncmp(out, want, strlen(want)) != 0 || !strchr(" \n", out[strlen(want)]) ||
	    (out[strlen(want)] == ' ' && out[strlen(want) + 1] == ' '))
		BAD("%s --help does not start with '%s': %.60s", prog, want, out);
	if (row->handler != NULL && !LISTED(unchecked, prog)) {
		if (strstr(out, "Exit status") == NULL)
			BAD("%s --help says no exit status", prog);
		for (size_t i = 0; i < row->nopts; i++) {
			snprintf(want, sizeof want, "--%s", row->opts[i].name);
			if (strstr(out, want) == NULL)
				BAD("%s takes %s, which its help does not name", prog, want);
		}
		for (unsigned b = 0; b < 3; b++)
			if ((row->common & (1u << b)) && strstr(out, common[b]) == NULL)
				BAD("%s takes %s, which its help does not name", prog, common[b]);
		if (!(row->common & CLI_JSON) && !LISTED(no_json, prog))
			BAD("%s prints without --json", prog);
		if (row->object != NULL && strstr(out, row->object_meta) == NULL)
			BAD("%s acts on %s, which its help does not name", prog, row->object_meta);
	}
	free(out);
}

/* A group's help lists its commands; each is checked in turn. */
static void check_group(const cli_group *g, const char *words[], int n)
{
	char *out = NULL, prog[128];

	prog_name(words, n, prog, sizeof prog);
	if (help_of(words, n, &out) != CLI_OK)
		BAD("%s --help: not exit 0", prog);
	for (size_t i = 0; i < g->n; i++) {
		char line[80];
		snprintf(line, sizeof line, "\n  %s ", g->cmds[i].name);
		if (strstr(out, line) == NULL)
			BAD("%s --help does not list %s", prog, g->cmds[i].name);
	}
	free(out);
	for (size_t i = 0; i < g->n; i++) {
		const cli_command *c = &g->cmds[i];
		words[n] = c->name;
		if (c->group != NULL)
			check_group(c->group, words, n + 1);
		else
			check_row(c->row != NULL ? c->row : c, words, n + 1);
	}
}

static void test_every_command_and_subcommand(void **state)
{
	const char *words[WORDS_MAX];

	(void)state;
	failures = 0;
	check_group(&cli_possum_group, words, 0);
	assert_int_equal(failures, 0);
}

/* The top-level help names every command of every group table (their names under each). */
static void list_all(const cli_group *g, const char *out)
{
	const char *name;

	for (size_t i = 0; i < g->n; i++) {
		if (strstr(out, g->cmds[i].name) == NULL)
			BAD("possum --help does not name %s", g->cmds[i].name);
		if (g->cmds[i].group != NULL)
			list_all(g->cmds[i].group, out);
		/* A command with a table of its own (possum crypto): each of its names. */
		for (size_t j = 0; g->cmds[i].names != NULL && (name = g->cmds[i].names(j)) != NULL;
		     j++)
			if (strstr(out, name) == NULL)
				BAD("possum --help does not name %s %s", g->cmds[i].name, name);
	}
}

static void test_top_level_lists_every_command(void **state)
{
	char *out = NULL;

	(void)state;
	failures = 0;
	assert_int_equal(help_of(NULL, 0, &out), CLI_OK);
	list_all(&cli_possum_group, out);
	assert_int_equal(failures, 0);
	for (size_t i = 0; i < cli_possum_group.n; i++) {
		const cli_command *c = &cli_possum_group.cmds[i];
		if (c->group == NULL)
			continue;
		for (size_t j = 0; j < c->group->n; j++) /* possum term's, and the others' */
			assert_non_null(strstr(out, c->group->cmds[j].name));
	}
	free(out);
}

/* `possum crypto`'s commands, from its own list: each answers --help, names --json and its
 * exit statuses. */
static void test_crypto_commands(void **state)
{
	char *out = NULL, *sub = NULL, *p;
	int seen = 0;

	(void)state;
	failures = 0;
	assert_int_equal(help_of((const char *[]){"crypto"}, 1, &out), CLI_OK);
	assert_non_null(p = strstr(out, "\nCommands:\n"));
	for (p = strchr(p + 1, '\n') + 1; strncmp(p, "  ", 2) == 0; p = strchr(p, '\n') + 1) {
		char name[32] = {0}, a[16] = {0}, b[16] = {0};
		snprintf(name, sizeof name, "%.16s", p + 2);
		int words = sscanf(name, "%15s %15s", a, b);
		assert_int_equal(help_of((const char *[]){"crypto", a, b}, 1 + words, &sub),
		                 CLI_OK);
		if (strstr(sub, "--json") == NULL || strstr(sub, "Exit status") == NULL)
			BAD("possum crypto %s: its help names no --json or exit status", name);
		free(sub);
		seen++;
	}
	assert_true(seen >= 16);
	assert_int_equal(failures, 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_command_and_subcommand),
	    cmocka_unit_test(test_top_level_lists_every_command),
	    cmocka_unit_test(test_crypto_commands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
