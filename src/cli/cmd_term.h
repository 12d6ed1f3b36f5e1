/* cmd_term.h — what the files of `possum term` share (cmd_term*.c): the struct of every
 * option its commands take, the help texts and rows' macros, and the opening of the terminal
 * and the printing of an outcome. cmd_term.c holds the table of commands and the card ones;
 * cmd_term_qr.c the QR-code ones. Private to src/cli. */
#ifndef POSSUM_CLI_CMD_TERM_H
#define POSSUM_CLI_CMD_TERM_H

#include <jansson.h>

#include "cli/cli.h"
#include "term/term.h"

/* Every option a `possum term` command may take; each command reads those it needs. */
struct term_opts {
	const char *state, *host, *tid, *mid, *sn, *components, *card, *entry, *pin, *amount;
	const char *stan, *rrn, *auth, *holder, *id_number, *phone, *otp, *timeout, *inject;
	const char *location, *code, *wait;
	const char *set, *autodl;                           /* download's */
	const char *package_key;                            /* init's, update's */
	const char *tls_ca, *tls_cert, *tls_key, *tls_name; /* init's */
	int tls;
};

#define LOCAL_HELP                                                                                   \
	"  --data DIR      the terminal's data directory (default ./possum-term, not the host's);\n" \
	"                  --state DIR is its old name\n"
#define JSON_HELP "  --json          print the outcome as JSON (the API's names: docs/api.md)\n"
/* A command that talks to the host. */
#define COMMON_HELP                                                                                \
	LOCAL_HELP                                                                                 \
	"  --timeout S     seconds to wait for each answer (default: the downloaded\n"             \
	"                  answer_timeout, else init's, 30)\n" JSON_HELP                           \
	"\nExit status: 0 approved (done); 1 declined or failed; 2 bad usage.\n"
/* A command that only reads what the terminal keeps. */
#define SHOW_HELP                                                                                  \
	LOCAL_HELP JSON_HELP "\nExit status: 0 shown; 1 nothing to show (no such transaction, a "  \
	                     "terminal never set up) or failed; 2 bad usage.\n"
#define INJECT_HELP                                                                                 \
	"  --inject F      a test and certification aid, never for a real terminal: timeout (the\n" \
	"                  answer is read and dropped as if none came: a reversal is left\n"        \
	"                  pending) or bad-mac (field 64 of the request corrupted: the host\n"      \
	"                  answers A0, the terminal signs in again and retries)\n"
#define CARD_HELP                                                                                  \
	"  --card FILE     the card image (possum admin card issue --out FILE)\n"                  \
	"  --entry E       swipe (default) or chip: a chip card whose application is not on\n"     \
	"                  the downloaded AID list, or that the terminal declines offline, is\n"   \
	"                  refused before anything is sent (docs/tms.md)\n"                        \
	"  --pin PIN       the PIN the cardholder enters (none: no PIN block)\n" INJECT_HELP

#define TEXT(name, member) CLI_TEXT(name, struct term_opts, member)

/* The options of a row: those of every command, a card transaction's, and its own. */
#define LOCAL_OPTS TEXT("state", state) /* a command that only reads what the terminal keeps */
#define BASE_OPTS  LOCAL_OPTS, TEXT("timeout", timeout)
#define CARD_OPTS                                                                                  \
	BASE_OPTS, TEXT("card", card), TEXT("entry", entry), TEXT("pin", pin),                     \
	    TEXT("inject", inject)

/* A row of `possum term`: its environment, its help, and its options. */
#define TERM_ROW(env_, help_, ...)                                                                 \
	.env = (env_), .help = (help_), CLI_OPTIONS(struct term_opts, __VA_ARGS__),                \
	.common = CLI_DATA | CLI_JSON

/* Opens the command's environment, the terminal in the data directory, with --timeout. */
int cli_term_open(struct cli_env *env, const struct term_opts *o);

/* --inject F (NULL: none) as the fault for the terminal's next request, into *fault:
 * CLI_USAGE (said) when F is not timeout or bad-mac. */
int cli_term_inject(const char *prog, const char *inject, enum term_inject *fault);

/* The outcome of an exchange that returned rc: when TERM_OK, the answer printed, with hint
 * (may be NULL) saying what to do about a decline, 0 approved, 1 otherwise; else the failure
 * said (a reversal pending when the request was sent and nothing usable came; a host that
 * could not be reached named, with why), 1 (2 for bad usage). */
int cli_term_outcome(const struct cli_env *env, int rc, enum term_kind kind,
                     const struct term_result *r, const char *hint);

/* A transaction of the terminal's log under the API's names (acquirer_txn_json). */
json_t *cli_term_txn_json(const struct store_term_txn *x);

/* The rows of cmd_term_qr.c. */
extern const cli_command cli_term_qr_pay_row, cli_term_qr_refund_row, cli_term_qr_query_row,
    cli_term_qr_result_row;

/* cmd_term_tms.c: the rows of download and params. */
extern const cli_command cli_term_download_row, cli_term_params_row, cli_term_update_row;
/* cmd_term_follow.c: --package-key HEX (64 hex digits) into pub: CLI_USAGE (said) when malformed.
 */
int cli_term_package_key(const char *prog, const char *hex, uint8_t pub[TMS_PUB_LEN]);
/* cmd_term_follow.c: the software update, its outcome printed (or into *json): CLI_OK
 * installed. */
int cli_term_update(struct cli_env *env, json_t **json);
/* cmd_term_follow.c: the sets of mask (bits 1 << enum tms_set) downloaded, each outcome
 * printed (or added to list for --json), CLI_OK when every one was applied and confirmed; after
 * an exchange, the downloads its answer asks for when the terminal is set to (download --auto
 * on); before a transaction, whether the downloaded parameters permit it and, a chip card's,
 * whether the terminal takes it (term_chip_permit(): CLI_FAILED, said, when not: nothing is
 * sent). */
int cli_term_download_sets(struct cli_env *env, unsigned mask, json_t *list);
int cli_term_follow(struct cli_env *env);
int cli_term_permit(struct cli_env *env, const struct term_request *req);

#endif
