/* cli.h — what the `possum` subcommands share: the command tables, the one option parser, exit
 * codes, usage errors, input reading.
 *
 * A command is a row of its group's table (struct cli_command): its name, the environment it
 * needs, its command line — its options, each naming where its value goes in the command's
 * struct of option values, the common options it takes (--config, --data, --json), its
 * operands, its help — and its handler. cli_dispatch() reads the command line against the row
 * once (cli_parse()), says --help and usage errors itself, and calls the handler, which starts
 * at its own checks and returns an exit code: CLI_OK, CLI_FAILED or CLI_USAGE. Commands print
 * results on stdout and messages for people on stderr, prefixed with the command's full
 * name. */
#ifndef POSSUM_CLI_H
#define POSSUM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/text.h"
#include "acquirer/acquirer.h"
#include "host/env.h"
#include "hsm/hsm.h"
#include "issuer/issuer.h"
#include "merchant/merchant.h"
#include "store/store.h"
#include "term/term.h"

#define CLI_OK     0
#define CLI_FAILED 1 /* declined, verification failed, operation failed */
#define CLI_USAGE  2 /* bad usage or bad input */

/* The audit log's actor of the admin command: "cli:$USER", or "cli:admin" when $USER is not
 * a short line of text (util.c). */
#define CLI_ACTOR_MAX 64 /* STORE_AUDIT_ACTOR_MAX */
void cli_actor(char out[CLI_ACTOR_MAX]);

/* Raises the process's soft limit of open descriptors (RLIMIT_NOFILE) to need, or to the
 * hard limit when need is 0 (util.c): the host's thousands of terminals, or `possum load`'s
 * connection and thread a terminal, would otherwise meet the usual soft limit of 1,024. Never
 * lowers it. CLI_OK, or CLI_FAILED with the reason printed when the hard limit is below need. */
int cli_raise_nofile(const char *prog, unsigned long need);

/* What a command needs opened before it runs: its row's env column. cli_dispatch() hands the
 * command a struct cli_env with its row's needs; the command, once it has read and checked its
 * options, opens them with cli_env_open() over its --config and --data (its DIR), and
 * cli_dispatch() closes them when the command returns. The first three and CLI_ENV_READ are
 * host/env.h's needs. The data directory is found as every command finds it (host/env.h:
 * --data, $POSSUM_DATA, the configuration's [host] data, ./possum-data). A row that only
 * reads says CLI_ENV_READ with its other needs: it creates no data directory and no LMK, and
 * fails (exit 1, saying how to make one) where there is none. */
enum cli_needs {
	CLI_ENV_NONE = 0,
	CLI_ENV_DATA = HOST_NEED_DATA, /* a data directory: its store and its LMK (the ledger) */
	CLI_ENV_ISSUER = HOST_NEED_ISSUER,      /* the configuration, and the issuer over the data
	                                         * directory (and its keys) */
	CLI_ENV_MERCHANT = HOST_NEED_MERCHANT,  /* the merchant module over the issuer */
	CLI_ENV_TERM = 1 << 8 | HOST_NEED_DATA, /* the terminal in its state directory (--state) */
	CLI_ENV_HSM = 1 << 9,                   /* an HSM on an LMK file (--lmk), without a store */
	CLI_ENV_READ = HOST_NEED_READONLY,      /* with the others: the command changes nothing */
	CLI_ENV_USER = HOST_NEED_USER,          /* the console's users (user/user.h) */
	CLI_ENV_TMS = HOST_NEED_TMS,            /* terminal management (tms/tms.h) */
};

typedef struct cli_command cli_command;

/* A command's environment: what cli_env_open() opened of its needs, each member only when asked
 * for. cli_dispatch() makes it, zeroed but for prog and needs, and closes it. */
struct cli_env {
	const char *prog;       /* the command's full name: errors are said as "PROG: …" */
	const cli_command *row; /* its row: rows that share a handler differ by its name or arg */
	unsigned needs;         /* enum cli_needs: its row's */
	struct host_env host;   /* CLI_ENV_DATA and up: host.data, host.issuer, host.merchant */
	term *term;             /* CLI_ENV_TERM: the terminal over host.data */
	hsm *hsm;               /* CLI_ENV_HSM */
	char actor[CLI_ACTOR_MAX]; /* the audit log's actor of its changes (cli_actor()) */
	const char *config;        /* --config FILE, --data DIR, --json: the common options, */
	const char *data;          /* read by cli_dispatch() for a row that takes them (its */
	int json;                  /* `common` column) */
	int n;                     /* a handler's operands: n of them */
	char **operands;
};

/* Opens env->needs over the common options the dispatcher read: the configuration env->config
 * (--config FILE; NULL: $POSSUM_CONFIG) and the data directory env->data (--data DIR; NULL:
 * $POSSUM_DATA, else the configuration's, else CLI_DATADIR_DEFAULT). Prints its own errors;
 * CLI_OK, CLI_FAILED or CLI_USAGE. */
int cli_env_open(struct cli_env *env);

/* cli_env_open() at dir instead of the data directory, without the configuration: a
 * terminal's state directory (--state), or for CLI_ENV_HSM the LMK file (--lmk; NULL:
 * POSSUM_LMK). */
int cli_env_open_at(struct cli_env *env, const char *dir);

/* Closes what cli_env_open() opened (cli_dispatch() does, after the command). */
void cli_env_close(struct cli_env *env);

typedef struct cli_group cli_group;

/* One option of a command's row: `--NAME VALUE` (CLI_TEXT) stores VALUE in the const char *
 * member at offset `at` of the command's struct of option values, a `--NAME` flag (CLI_SET)
 * sets the int member there to 1, and a repeatable `--NAME VALUE` (CLI_EACH) gives each VALUE
 * to the row's each(). A required option absent is said "--NAME is required". */
enum cli_kind { CLI_TEXT, CLI_SET, CLI_EACH };
typedef struct cli_opt {
	const char *name;
	enum cli_kind kind;
	size_t at; /* offsetof(its struct, its member) */
	int required;
} cli_opt;

#define CLI_TEXT(n, type, member)                                                                  \
	{                                                                                          \
		.name = (n), .kind = CLI_TEXT, .at = offsetof(type, member)                        \
	}
#define CLI_NEED(n, type, member)                                                                  \
	{                                                                                          \
		.name = (n), .kind = CLI_TEXT, .at = offsetof(type, member), .required = 1         \
	}
#define CLI_EACH(n)                                                                                \
	{                                                                                          \
		.name = (n), .kind = CLI_EACH                                                      \
	}
#define CLI_SET(n, type, member)                                                                   \
	{                                                                                          \
		.name = (n), .kind = CLI_SET, .at = offsetof(type, member)                         \
	}

/* The common options a row takes (its `common` column), read into struct cli_env. */
#define CLI_CONFIG  1u /* --config FILE: env->config */
#define CLI_DATA    2u /* --data DIR: env->data */
#define CLI_JSON    4u /* --json: env->json */
#define CLI_DATADIR (CLI_CONFIG | CLI_DATA | CLI_JSON)

/* A row of a command group: `possum iso decode` is {"decode", …} in the iso group. A command
 * is either a handler whose command line the row describes — cli_dispatch() reads it against
 * the row (options, common options, operands, help) and calls handler(env, values) with the
 * struct of option values the row's opts fill, the common ones and the operands in env — or a
 * run that reads its own argv (`possum crypto`, whose families have their own table in
 * cmd_crypto.c). */
struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv, struct cli_env *env); /* a command, with its env, */
	unsigned env;                                           /* opened as this says; or */
	const cli_group *group; /* a group of commands (`possum admin card …`), run NULL; or */
	const cli_command *row; /* a command whose row is in its command's own file: that row */
	int (*handler)(struct cli_env *env, const void *values);
	int arg; /* for a handler that rows share: what this row asks of it */
	/* A CLI_EACH option's VALUE into values: CLI_OK, or the usage error said. */
	int (*each)(struct cli_env *env, void *values, const char *name, const char *value);
	const char *help;     /* --help prints "Usage: PROG " and this */
	const cli_opt *opts;  /* its own options (CLI_OPTS), nopts of them, */
	size_t nopts;         /* into a struct of `size` bytes, */
	size_t size;          /* zeroed, or a copy of */
	const void *defaults; /* its defaults when not NULL */
	unsigned common;      /* the common options it takes: CLI_CONFIG, CLI_DATA, CLI_JSON */
	int min, max;         /* operands, as cli_spec's */
	const char *wrong;
	/* The object the command acts on (`terminal show TID`): its one operand, which the
	 * option named here (a CLI_TEXT of opts, "tid") also gives, kept as an alias; said as
	 * object_meta ("TID") in its usage errors. Set by CLI_OBJECT(). */
	const char *object, *object_meta;
	/* A command with a table of its own (`possum crypto`): its subcommands' names, the i-th
	 * (from 0), NULL after the last; `possum --help` lists them as it lists a group's. */
	const char *(*names)(size_t i);
};

/* In a row: the command acts on one object, given as its operand or, as an alias, by its
 * option `option` (cli_object() reads them: one of the two is needed). */
#define CLI_OBJECT(option, meta)                                                                   \
	.object = (option), .object_meta = (meta), .max = 1, .wrong = "takes one " meta

/* The object of a command (cli_command.object): the operand, else *value (its option's);
 * both given and different, or neither, is said as a usage error. On CLI_OK *value is the
 * object. */
int cli_object(const char *prog, const char *option, const char *meta, const char *operand,
               const char **value);

/* In a row: its options table — the entries themselves (CLI_OPTIONS), or a table that rows share
 * (CLI_OPTS) — and its struct of option values. */
#define CLI_OPTIONS(type, ...)                                                                     \
	.opts = (const cli_opt[]){__VA_ARGS__},                                                    \
	.nopts = sizeof((const cli_opt[]){__VA_ARGS__}) / sizeof(cli_opt), .size = sizeof(type)
#define CLI_OPTS(table, type)                                                                      \
	.opts = (table), .nopts = sizeof(table) / sizeof((table)[0]), .size = sizeof(type)

/* A group of commands: its full name ("possum iso"), the text of its help, its rows. */
struct cli_group {
	const char *name;
	const char *about;
	const cli_command *cmds;
	size_t n;
};

/* A table and its count, as two arguments or members: {"possum iso", "…", CLI_TABLE(cmds)}. */
#define CLI_TABLE(t) (t), (sizeof(t) / sizeof((t)[0]))

/* Runs the row of g named by argv[1] — a command, with its environment, or a group in turn —
 * or prints g's help (command.c). */
int cli_dispatch(const cli_group *g, int argc, char **argv);

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

/* In a row or a cli_spec: exactly one operand, and what is said when there is not one. */
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

/* An option and its old name kept as an alias (`--data DIR`, once `--state DIR`): *out the
 * one given, else NULL; both given and different is said as a usage error. */
int cli_alias(const char *prog, const char *name, const char *value, const char *old,
              const char *old_value, const char **out);

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

/* The end of a listed page: with json, {"items":items,"next":next} (next 0: null; takes items);
 * else "none" when n rows were printed, 0 of them, or "more: --after NEXT" when there are more. */
void cli_print_page(bool json, struct json_t *items, size_t n, int64_t next);

/* Time t for people: the local time of the config's [host] utc_offset, with the year
 * ("2026-11-30 22:00:00"), "-" for none; into out, which it returns. */
struct cli_env;
const char *cli_time(const struct cli_env *env, int64_t t, char out[TEXT_TIME_LEN]);
/* Prints "LABEL        TIME" (the label in 13 columns) and a newline, TIME as cli_time's. */
void cli_print_time(const struct cli_env *env, const char *label, int64_t t);

/* ---- The environment of a command (env.c) ---- */

/* The exit code of a HOST_E* result: CLI_OK, CLI_USAGE for HOST_EUSAGE, else CLI_FAILED. */
int cli_exit(int host_rc);

#define CLI_DATADIR_DEFAULT HOST_DATADIR_DEFAULT /* the data directory, when none is named */

/* Says a module's failure, its text, as env->prog: followed by the store's message when in_store
 * (the module's *_ESTORE); the exit code CLI_USAGE when usage (bad input), else CLI_FAILED. */
int cli_module_failed(const struct cli_env *env, const char *text, bool in_store, bool usage);

/* Says the merchant module's failure rc as env->prog and returns the exit code: bad usage
 * (cli_usage_error) for MERCHANT_EARG, and for the rest CLI_FAILED with the code's name — and
 * the store's message for MERCHANT_ESTORE. A command says its own words first for the codes
 * that mean something particular to it. */
int cli_merchant_failed(const struct cli_env *env, int rc);

/* Says a terminal's failure rc (term.h) as prog; the exit code: bad usage for TERM_EARG and
 * TERM_ECARD, else CLI_FAILED. */
int cli_term_failed(const char *prog, int rc);

/* ---- Money (amount.c) ---- */

/* ISO 4217 minor units of a currency (numeric code): 2 for most, 0 for JPY, 3 for KWD. */
int cli_currency_exponent(unsigned currency);

/* Reads option name's text, an amount such as "12.34" in currency, as minor units (no
 * floating point); prints the usage error and returns CLI_USAGE when it is not one. */
int cli_amount(const char *prog, const char *name, const char *text, unsigned currency,
               int64_t *out);

/* Writes minor units of currency as "12.34". */
void cli_amount_format(int64_t minor, unsigned currency, char out[32]);
/* Writes minor units of currency as a table shows them: "12.34 CNY" (its ISO 4217 alphabetic
 * code, else its three digits). */
#define CLI_MONEY_TEXT 48
void cli_money_text(int64_t minor, unsigned currency, char out[CLI_MONEY_TEXT]);

/* ---- The commands and their groups (possum.c's table, and cmd_*.c) ---- */

extern const cli_group cli_possum_group; /* `possum` itself: every command */

extern const cli_group cli_iso_group, cli_tlv_group, cli_hsm_group, cli_term_group;
extern const cli_group cli_certify_group; /* cmd_certify.c */
extern const cli_group cli_admin_group, cli_admin_ledger_group, cli_admin_card_group,
    cli_admin_account_group, cli_admin_link_group, cli_admin_merchant_group,
    cli_admin_payouts_group, cli_admin_review_group, cli_admin_settle_group,
    cli_admin_settlecard_group, cli_admin_terminal_group, cli_admin_token_group;
int cli_crypto(int argc, char **argv, struct cli_env *env);
/* The name of `possum crypto`'s i-th command ("kcv", "pin encode", …), NULL after the last. */
const char *cli_crypto_name(size_t i);
extern const cli_command cli_host_row, cli_load_row, cli_admin_audit_row;
extern const cli_command cli_admin_settle_adjust_row, cli_admin_settle_adjustments_row;
/* `possum admin store leases` (cmd_admin_leases.c), a row of the store group. */
extern const cli_command cli_admin_store_leases_row;
/* The data directory's store (its config's [store], else DIR/possum.db) opened as `possum admin
 * store status` opens it, without an LMK, creating nothing, migrating nothing, into *s (the
 * caller closes it): CLI_OK, or the failure said (no store, one newer than this possum). */
int cli_admin_store_open(struct cli_env *env, store **s);
extern const cli_command cli_admin_settle_reconcile_row; /* cmd_admin_reconcile.c */
extern const cli_command cli_admin_risk_review_row;      /* cmd_admin_risk_review.c */
extern const cli_command cli_admin_wallet_pay_qr_row;    /* cmd_admin_wallet_pay.c */

/* Reads a key given as "HEX:KCV,HEX:KCV[,HEX:KCV]" (`possum admin terminal add`'s
 * components) into parts and *n. Prints the usage error, naming the option what, and returns
 * CLI_USAGE when it is not one; the caller wipes parts. */
int cli_tmk_components(const char *prog, const char *what, const char *text,
                       struct hsm_component parts[HSM_PARTS_MAX], size_t *n);

/* The file or directory path of option --what as an absolute path into out (capacity cap), so
 * that a terminal's state names it from anywhere: CLI_USAGE (said) when it does not exist or
 * cannot be read; NULL path: *out "" and CLI_OK. */
int cli_tls_path(const char *prog, const char *what, const char *path, char *out, size_t cap);

#endif
