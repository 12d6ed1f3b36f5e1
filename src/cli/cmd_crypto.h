/* cmd_crypto.h — what the files of `possum crypto` share (cmd_crypto*.c): the options, the
 * context a command runs with, the readers of option values, and each command's run function
 * and help. cmd_crypto.c holds the table of commands and dispatches; a file per family
 * (cmd_crypto_pin.c, _mac, _dukpt, _cvv, _emv, _tr31) holds its commands; cmd_crypto_key.c the
 * readers and `kcv`. Private to src/cli. */
#ifndef POSSUM_CLI_CMD_CRYPTO_H
#define POSSUM_CLI_CMD_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"
#include "crypto/cipher.h"
#include "crypto/tr31.h"

/* Every option of every subcommand (their names: cli_crypto_opts). */
enum opt {
	O_ALG,
	O_ARC,
	O_ARQC,
	O_BDK,
	O_BLOCK,
	O_CSU,
	O_CVK,
	O_DATA,
	O_DECTAB,
	O_EXPIRY,
	O_FILL,
	O_FORMAT,
	O_HEADER,
	O_IMK,
	O_KBPK,
	O_KEY,
	O_KSN,
	O_METHOD,
	O_MK,
	O_PAD,
	O_PAD_DATA,
	O_PAN,
	O_PIN,
	O_PSN,
	O_PVK,
	O_PVKI,
	O_R,
	O_SERVICE_CODE,
	O_VALIDATION,
	O_VERBOSE,
	O_COUNT
};

#define BIT(o) (UINT64_C(1) << (o))

/* The option names, "--" left off: cli_crypto_opts[O_KEY] is "key". */
extern const char *const cli_crypto_opts[O_COUNT];

/* The options a command was given: each one's text, NULL when absent. */
struct cmd_ctx {
	const char *prog; /* "possum crypto pin encode" */
	const char *v[O_COUNT];
	int verbose;     /* -v, --verbose */
	int json;        /* --json: the result printed as {"KEY":"…"} */
	const char *key; /* the result's name in JSON: "kcv", "pin_block" (the table's) */
};

/* Prints a command's result: alone on a line, or with --json as {"KEY":"text"}. */
void cli_crypto_out(const struct cmd_ctx *c, const char *text);

/* The same of bytes, as upper-case hex. */
void cli_crypto_out_hex(const struct cmd_ctx *c, const uint8_t *p, size_t len);

/* What `possum crypto CMD --help` prints. */
struct crypto_help {
	const char *usage; /* the synopsis after the command's name */
	const char *help;  /* what it does, its options and their standards */
	const char *fails; /* what exit status 1 means for it, or NULL */
};

/* ---- Reading options (cmd_crypto_key.c) ---- */

/* Byte lengths a hex option may have: bit n allows n bytes. */
#define LEN(n)   (UINT64_C(1) << (n))
#define TDES_KEY (LEN(8) | LEN(16) | LEN(24)) /* 8 bytes: single DES, K1 = K2 = K3 */
#define AES_KEY  (LEN(16) | LEN(24) | LEN(32))
#define ANY_KEY  ((LEN(CRYPTO_TR31_MAX_KEY) << 1) - LEN(1))

/* Decodes hex option o into out (capacity cap). lens is the set of byte lengths it may have,
 * or 0 for any length up to cap. CLI_OK or CLI_USAGE, said. */
int cli_crypto_hex(const struct cmd_ctx *c, enum opt o, uint64_t lens, uint8_t *out, size_t cap,
                   size_t *len);

/* The bytes of hex option o (any length up to 64 KiB) in a heap buffer the caller frees. */
int cli_crypto_data(const struct cmd_ctx *c, enum opt o, uint8_t **out, size_t *len);

/* Option o as min to max decimal digits, checked as the library checks them. */
int cli_crypto_digits(const struct cmd_ctx *c, enum opt o, size_t min, size_t max);

/* Which of n words (table entries of `size` bytes, each starting with its name) option o
 * names; *idx is left as it is when o is not given. */
int cli_crypto_choose(const struct cmd_ctx *c, enum opt o, const void *table, size_t n, size_t size,
                      size_t *idx);

#define CHOOSE(c, o, table, idx)                                                                   \
	cli_crypto_choose((c), (o), (table), sizeof(table) / sizeof((table)[0]),                   \
	                  sizeof((table)[0]), (idx))

/* A library result as the user sees it: CLI_OK, or a message naming what was refused, with
 * exit 1 for a value that does not authenticate or verify (and for failures inside OpenSSL)
 * and 2 for input the algorithm does not take. */
int cli_crypto_lib(const struct cmd_ctx *c, int rc, const char *what);

/* The key of --key, of one of the lengths lens, set up for alg. */
int cli_crypto_key(const struct cmd_ctx *c, enum crypto_alg alg, uint64_t lens, crypto_key **k);

/* ---- The commands: each prints its result, or says why not, and returns the exit code ---- */

int cli_crypto_kcv(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_kcv_help;
int cli_crypto_pin_encode(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_pin_encode_help;
int cli_crypto_pin_decode(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_pin_decode_help;
int cli_crypto_pin_encrypt(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_pin_encrypt_help;
int cli_crypto_pin_decrypt(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_pin_decrypt_help;
int cli_crypto_mac(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_mac_help;
int cli_crypto_dukpt(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_dukpt_help;
int cli_crypto_cvv(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_cvv_help;
int cli_crypto_pvv(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_pvv_help;
int cli_crypto_ibm3624(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_ibm3624_help;
int cli_crypto_emv_icc_mk(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_emv_icc_mk_help;
int cli_crypto_emv_session_key(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_emv_session_key_help;
int cli_crypto_emv_arqc(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_emv_arqc_help;
int cli_crypto_emv_arpc(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_emv_arpc_help;
int cli_crypto_tr31_unwrap(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_tr31_unwrap_help;
int cli_crypto_tr31_wrap(const struct cmd_ctx *c);
extern const struct crypto_help cli_crypto_tr31_wrap_help;

#endif
