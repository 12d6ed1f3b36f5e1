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

#include "acquirer/acquirer.h"
#include "host/env.h"
#include "hsm/hsm.h"
#include "issuer/issuer.h"
#include "merchant/merchant.h"
#include "store/store.h"

#define CLI_OK     0
#define CLI_FAILED 1 /* declined, verification failed, operation failed */
#define CLI_USAGE  2 /* bad usage or bad input */

/* What a command needs opened before it runs. Nothing reads this column yet: the host module
 * (src/host) will open each command's environment from it, as `possum host` opens its own. */
enum cli_env {
	CLI_ENV_NONE = 0,
	CLI_ENV_STORE = 1 << 0,    /* the data directory: its store and its LMK */
	CLI_ENV_HSM = 1 << 1,      /* an HSM on an LMK file, without a store */
	CLI_ENV_ISSUER = 1 << 2,   /* the issuer of the data directory (and its keys) */
	CLI_ENV_MERCHANT = 1 << 3, /* the merchant module over the issuer */
	CLI_ENV_TERM = 1 << 4,     /* a terminal's state directory */
};

/* A subcommand of a command group: `possum iso decode` is {"decode", …} in the iso group. */
typedef struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	unsigned env; /* enum cli_env: what it needs opened (a group: what its commands do) */
} cli_command;

/* A table and its count, as two arguments: cli_dispatch(…, CLI_TABLE(cmds), argc, argv). */
#define CLI_TABLE(t) (t), (sizeof(t) / sizeof((t)[0]))

/* Runs the subcommand named by argv[1] from `cmds` (n of them), or prints the group's help.
 * `group` is the full name, e.g. "possum iso". */
int cli_dispatch(const char *group, const char *about, const cli_command *cmds, size_t n, int argc,
                 char **argv);

/* One option a command takes: `--NAME VALUE` stores VALUE in *value; a `--NAME` flag sets
 * *flag to 1. Exactly one of value and flag is set. An entry whose name is NULL is not offered
 * (an option that only some of the commands sharing a table take). */
typedef struct cli_option {
	const char *name;
	const char **value;
	int *flag;
} cli_option;

#define CLI_VALUE(n, v)                                                                            \
	{                                                                                          \
		.name = (n), .value = (v)                                                          \
	}
#define CLI_FLAG(n, f)                                                                             \
	{                                                                                          \
		.name = (n), .flag = (f)                                                           \
	}

/* The options that many commands share, declared and read once (cli_parse): a command binds
 * those it takes to its variables and leaves the others NULL. Their help text stays the
 * command's, which says what they mean for it. */
typedef struct cli_common {
	const char **config; /* --config FILE */
	const char **data;   /* --data DIR */
	int *json;           /* --json */
} cli_common;

/* A command's own options in a cli_spec: `.opts` and `.n` from the table itself. */
#define CLI_OWN(t) .opts = (t), .n = sizeof(t) / sizeof((t)[0])

#define CLI_ANY (-1) /* cli_spec.max: any number of operands */

/* In a cli_spec: the shared options bound to variables named config, data and json. */
#define CLI_DATADIR_OPTS .common = {&config, &data, &json}
/* In a cli_spec: exactly one operand, and what is said when there is not one. */
#define CLI_ONE(wrong_) .min = 1, .max = 1, .wrong = (wrong_)

/* A command's command line: its own options, the shared ones it takes, how many operands. */
typedef struct cli_spec {
	const char *help;       /* --help prints "Usage: PROG " and this; NULL: the caller does */
	const cli_option *opts; /* its own options, n of them (CLI_TABLE(opts)) */
	size_t n;
	cli_common common;
	int min, max;        /* operands: at least min, at most max (CLI_ANY: no limit) */
	const char *wrong;   /* said when their number is not that; NULL: the first surplus
	                      * one is named ("unexpected argument 'X'") */
	uint64_t required;   /* bit i: opts[i] must be given ("--NAME is required") */
	const char *letters; /* letters[i], when not NULL and not ' ': a one-letter alias of
	                      * opts[i] ("-v") */
	uint64_t repeated;   /* bit i: opts[i] may be given again; each value is given to each()
	                      * (when set), which returns CLI_OK or says what is wrong */
	int (*each)(void *ctx, const char *name, const char *value);
	void *ctx;
} cli_spec;

#define CLI_HELP 3 /* cli_parse(): --help (or -h) was given, and the help printed */

/* The one option parser: reads argv (argv[0] is the command's full name) against spec. An
 * option given twice, a value missing, an option the command does not take, a wrong number
 * of operands or a required option absent is said as a usage error. On CLI_OK *operands is
 * the index of the first operand. Returns CLI_OK, CLI_HELP (the command then exits 0:
 * cli_status()), or CLI_USAGE. Values are checked by the command. */
int cli_parse(int argc, char **argv, const cli_spec *spec, int *operands);

/* cli_parse() with opts (n of them), no shared options and any operands: the older form. */
int cli_options(int argc, char **argv, const cli_option *opts, size_t n, const char *help,
                int *operands);

/* The exit code of a command whose parse (or anything) returned rc: CLI_HELP is success. */
static inline int cli_status(int rc)
{
	return rc == CLI_HELP ? CLI_OK : rc;
}

/* Prints "PROG: message" and a pointer to --help on stderr; returns CLI_USAGE. */
int cli_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "PROG: message" on stderr; returns `rc`: the host's printer (host/env.h), so that a
 * command and the environment it opens say their errors alike. */
#define cli_error host_say

/* Reads all of `f` into a NUL-terminated heap buffer the caller frees. 0, or -1 (errno). */
int cli_read_all(FILE *f, char **out, size_t *len);

/* Input given as a HEX argument, or read from stdin when it is "-" or absent, decoded to a
 * heap buffer the caller frees. With `raw`, stdin holds the bytes themselves. Prints its
 * own error; returns CLI_OK or CLI_USAGE. */
int cli_input_bytes(const char *prog, const char *arg, int raw, uint8_t **out, size_t *len);

/* Writes bytes as upper-case hex and a newline. */
void cli_print_hex(const uint8_t *p, size_t len);

/* Reads option `name`'s value text as a decimal integer in [min, max]; prints the usage
 * error and returns CLI_USAGE when it is not one. */
int cli_int64(const char *prog, const char *name, const char *text, int64_t min, int64_t max,
              int64_t *out);

/* Prints a JSON value compactly, keys in insertion order, and a newline; takes the reference. */
struct json_t;
void cli_print_json(struct json_t *root);

/* ---- The environment of a command (env.c) ----
 *
 * Commands open their environment through host/env.h (host_env_start(), host_datadir_open())
 * and map its result to their exit code with cli_exit(). */

/* The exit code of a HOST_E* result: CLI_OK, CLI_USAGE for HOST_EUSAGE, else CLI_FAILED. */
int cli_exit(int host_rc);

#define CLI_DATADIR_DEFAULT HOST_DATADIR_DEFAULT /* the data directory, when none is named */

/* What the commands that change merchants, terminals and settlement cards open: the issuer of
 * the data directory, the merchant module on it, and the audit log's actor (cli_actor). */
struct cli_merchant {
	struct host_env ci;
	merchant *m;
	char actor[64]; /* CLI_ACTOR_MAX */
};

/* host_env_start() with the merchant module; closes what it opened when it fails. Prints its
 * own errors; CLI_OK, CLI_FAILED or CLI_USAGE. */
int cli_merchant_start(const char *prog, const char *config, const char *data,
                       struct cli_merchant *cm);
void cli_merchant_close(struct cli_merchant *cm);

/* Says the merchant module's failure rc as prog and returns the exit code: bad usage
 * (cli_usage_error) for MERCHANT_EARG, and for the rest CLI_FAILED with the code's name — and the
 * store's message for MERCHANT_ESTORE. A command says its own words first for the codes that mean
 * something particular to it. */
int cli_merchant_failed(const char *prog, const struct host_env *ci, int rc);

/* ---- Money (amount.c) ---- */

/* ISO 4217 minor units of a currency (numeric code): 2 for most, 0 for JPY, 3 for KWD. */
int cli_currency_exponent(unsigned currency);

/* Reads option name's text, an amount such as "12.34" in currency, as minor units (no
 * floating point); prints the usage error and returns CLI_USAGE when it is not one. */
int cli_amount(const char *prog, const char *name, const char *text, unsigned currency,
               int64_t *out);

/* Writes minor units of currency as "12.34". */
void cli_amount_format(int64_t minor, unsigned currency, char out[32]);

int cli_crypto(int argc, char **argv);
int cli_iso(int argc, char **argv);
int cli_tlv(int argc, char **argv);
int cli_hsm(int argc, char **argv);
int cli_admin(int argc, char **argv);
int cli_admin_ledger(int argc, char **argv);
int cli_admin_card(int argc, char **argv);
int cli_admin_account(int argc, char **argv);
int cli_admin_link(int argc, char **argv);
int cli_admin_merchant(int argc, char **argv);
int cli_admin_review(int argc, char **argv);
int cli_admin_settlecard(int argc, char **argv);
int cli_admin_terminal(int argc, char **argv);
int cli_admin_token(int argc, char **argv);
int cli_admin_audit(int argc, char **argv);
/* The audit log's actor of the admin command: "cli:$USER", or "cli:admin" when $USER is not
 * a short line of text (util.c). */
#define CLI_ACTOR_MAX 64 /* STORE_AUDIT_ACTOR_MAX */
void cli_actor(char out[CLI_ACTOR_MAX]);
/* Reads a key given as "HEX:KCV,HEX:KCV[,HEX:KCV]" (`possum admin terminal add`'s
 * components) into parts and *n. Prints the usage error, naming the option what, and returns
 * CLI_USAGE when it is not one; the caller wipes parts. */
int cli_tmk_components(const char *prog, const char *what, const char *text,
                       struct hsm_component parts[HSM_PARTS_MAX], size_t *n);

int cli_host(int argc, char **argv);
int cli_term(int argc, char **argv);
int cli_load(int argc, char **argv);

#endif
