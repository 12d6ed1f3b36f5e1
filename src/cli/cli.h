/* cli.h — what the `possum` subcommands share: exit codes, usage errors, input reading.
 *
 * Each command is `int cli_NAME(int argc, char **argv)` with argv[0] the command's own name,
 * returning an exit code: CLI_OK, CLI_FAILED or CLI_USAGE. Commands print results on stdout
 * and messages for people on stderr, prefixed with the command's full name. */
#ifndef POSSUM_CLI_H
#define POSSUM_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_OK     0
#define CLI_FAILED 1 /* declined, verification failed, operation failed */
#define CLI_USAGE  2 /* bad usage or bad input */

/* A subcommand of a command group: `possum iso decode` is {"decode", …} in the iso group. */
typedef struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
} cli_command;

/* Runs the subcommand named by argv[1] from `cmds` (n of them), or prints the group's help.
 * `group` is the full name, e.g. "possum iso". */
int cli_dispatch(const char *group, const char *about, const cli_command *cmds, size_t n, int argc,
                 char **argv);

/* One option a command takes: `--NAME VALUE` stores VALUE in *value; a `--NAME` flag sets
 * *flag to 1. Exactly one of value and flag is set. */
typedef struct cli_option {
	const char *name;
	const char **value;
	int *flag;
} cli_option;

#define CLI_HELP 3 /* cli_options(): --help was given, and the help printed */

/* Reads the options in argv (argv[0] is the command's full name) against opts (n of them)
 * and --help, which prints "Usage: " and the command's name before `help`, its synopsis
 * and text. On
 * CLI_OK *operands is the index of the first operand. Returns CLI_OK, CLI_HELP (the command
 * then exits 0), or CLI_USAGE after saying what was wrong. Values are checked by the
 * command. */
int cli_options(int argc, char **argv, const cli_option *opts, size_t n, const char *help,
                int *operands);

/* Prints "PROG: message" and a pointer to --help on stderr; returns CLI_USAGE. */
int cli_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "PROG: message" on stderr; returns `rc`. */
int cli_error(int rc, const char *prog, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Reads all of `f` into a NUL-terminated heap buffer the caller frees. 0, or -1 (errno). */
int cli_read_all(FILE *f, char **out, size_t *len);

/* Input given as a HEX argument, or read from stdin when it is "-" or absent, decoded to a
 * heap buffer the caller frees. With `raw`, stdin holds the bytes themselves. Prints its
 * own error; returns CLI_OK or CLI_USAGE. */
int cli_input_bytes(const char *prog, const char *arg, int raw, uint8_t **out, size_t *len);

/* Writes bytes as upper-case hex and a newline. */
void cli_print_hex(const uint8_t *p, size_t len);

int cli_crypto(int argc, char **argv);
int cli_iso(int argc, char **argv);
int cli_tlv(int argc, char **argv);
int cli_hsm(int argc, char **argv);
int cli_host(int argc, char **argv);

#endif
