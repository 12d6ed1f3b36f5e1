/* cmd_crypto_key.c — `possum crypto`: reading its options (hex of the lengths allowed, digits,
 * keywords, keys) with messages that say what was expected, and `kcv`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cmd_crypto.h"
#include "common/hex.h"
#include "crypto/crypto.h"
#include "crypto/kcv.h"

const char *const cli_crypto_opts[O_COUNT] = {
    [O_ALG] = "alg",
    [O_ARC] = "arc",
    [O_ARQC] = "arqc",
    [O_BDK] = "bdk",
    [O_BLOCK] = "block",
    [O_CSU] = "csu",
    [O_CVK] = "cvk",
    [O_DATA] = "data",
    [O_DECTAB] = "dectab",
    [O_EXPIRY] = "expiry",
    [O_FILL] = "fill",
    [O_FORMAT] = "format",
    [O_HEADER] = "header",
    [O_IMK] = "imk",
    [O_KBPK] = "kbpk",
    [O_KEY] = "key",
    [O_KSN] = "ksn",
    [O_METHOD] = "method",
    [O_MK] = "mk",
    [O_PAD] = "pad",
    [O_PAD_DATA] = "pad-data",
    [O_PAN] = "pan",
    [O_PIN] = "pin",
    [O_PSN] = "psn",
    [O_PVK] = "pvk",
    [O_PVKI] = "pvki",
    [O_R] = "r",
    [O_SERVICE_CODE] = "service-code",
    [O_VALIDATION] = "validation",
    [O_VERBOSE] = "verbose",
};

/* Byte lengths a hex option may have: bit n allows n bytes. */
#define LEN(n)   (UINT64_C(1) << (n))
#define TDES_KEY (LEN(8) | LEN(16) | LEN(24)) /* 8 bytes: single DES, K1 = K2 = K3 */
#define AES_KEY  (LEN(16) | LEN(24) | LEN(32))
#define ANY_KEY  ((LEN(CRYPTO_TR31_MAX_KEY) << 1) - LEN(1))

#define DATA_MAX 65536 /* bytes of --data: more than a command line holds */

/* "16, 32 or 48", or "2 to 64" for a longer run, in hex digits. */
static void describe_lens(uint64_t lens, char *buf, size_t cap)
{
	size_t lo = (size_t)__builtin_ctzll(lens), hi = 63 - (size_t)__builtin_clzll(lens);
	size_t used = 0;

	if (hi - lo > 2 && lens == (LEN(hi) << 1) - LEN(lo)) {
		snprintf(buf, cap, "%zu to %zu", 2 * lo, 2 * hi);
		return;
	}
	buf[0] = '\0';
	for (size_t n = lo; n <= hi && used < cap; n++) {
		if (!(lens & LEN(n)))
			continue;
		lens &= ~LEN(n);
		used += (size_t)snprintf(buf + used, cap - used, "%s%zu",
		                         used == 0   ? ""
		                         : lens == 0 ? " or "
		                                     : ", ",
		                         2 * n);
	}
}

/* Decodes hex option o into out (capacity cap). lens is the set of byte lengths it may have,
 * or 0 for any length up to cap. */
int cli_crypto_hex(const struct cmd_ctx *c, enum opt o, uint64_t lens, uint8_t *out, size_t cap,
                   size_t *len)
{
	const char *text = c->v[o];
	char want[48];
	int rc;

	*len = 0;
	rc = hex_decode(text, strlen(text), out, cap, len);
	if (rc == HEX_EDIGIT)
		return cli_error(CLI_USAGE, c->prog, "--%s is not hex", cli_crypto_opts[o]);
	if (lens == 0 && rc != HEX_OK)
		return cli_error(CLI_USAGE, c->prog,
		                 "--%s must be whole bytes of hex, at most %zu bytes",
		                 cli_crypto_opts[o], cap);
	if (rc != HEX_OK || *len >= 64 || !(lens == 0 || (lens & LEN(*len)))) {
		describe_lens(lens, want, sizeof want);
		return cli_error(CLI_USAGE, c->prog, "--%s must be %s hex digits",
		                 cli_crypto_opts[o], want);
	}
	return CLI_OK;
}

/* The bytes of hex option o (any length up to DATA_MAX) in a heap buffer the caller frees. */
int cli_crypto_data(const struct cmd_ctx *c, enum opt o, uint8_t **out, size_t *len)
{
	int rc;

	if ((*out = malloc(DATA_MAX)) == NULL)
		return cli_error(CLI_FAILED, c->prog, "out of memory");
	if ((rc = cli_crypto_hex(c, o, 0, *out, DATA_MAX, len)) != CLI_OK) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* Option o as min to max decimal digits, checked as the library checks them. */
int cli_crypto_digits(const struct cmd_ctx *c, enum opt o, size_t min, size_t max)
{
	if (crypto_digits(c->v[o], min, max) != 0)
		return CLI_OK;
	if (min == max)
		return cli_error(CLI_USAGE, c->prog, "--%s must be %zu digit%s", cli_crypto_opts[o],
		                 min, min == 1 ? "" : "s");
	return cli_error(CLI_USAGE, c->prog, "--%s must be %zu to %zu digits", cli_crypto_opts[o],
	                 min, max);
}

/* Which of n words (table entries of `size` bytes, each starting with its name) option o
 * names; *idx is left as it is when o is not given. */
int cli_crypto_choose(const struct cmd_ctx *c, enum opt o, const void *table, size_t n, size_t size,
                      size_t *idx)
{
	const char *given = c->v[o];

	if (given == NULL)
		return CLI_OK;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(given, *(const char *const *)((const char *)table + i * size)) == 0) {
			*idx = i;
			return CLI_OK;
		}
	}
	fprintf(stderr, "%s: --%s must be ", c->prog, cli_crypto_opts[o]);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s%s",
		        i == 0       ? ""
		        : i + 1 == n ? " or "
		                     : ", ",
		        *(const char *const *)((const char *)table + i * size));
	fputc('\n', stderr);
	return CLI_USAGE;
}

#define CHOOSE(c, o, table, idx)                                                                   \
	cli_crypto_choose((c), (o), (table), sizeof(table) / sizeof((table)[0]),                   \
	                  sizeof((table)[0]), (idx))

/* A library result as the user sees it: CLI_OK, or a message naming what was refused, with
 * exit 1 for a value that does not authenticate or verify (and for failures inside OpenSSL)
 * and 2 for input the algorithm does not take. */
int cli_crypto_lib(const struct cmd_ctx *c, int rc, const char *what)
{
	int status = rc == CRYPTO_EAUTH || rc == CRYPTO_EVERIFY || rc == CRYPTO_ENOMEM ||
	                     rc == CRYPTO_EOPENSSL
	                 ? CLI_FAILED
	                 : CLI_USAGE;

	if (rc == CRYPTO_OK)
		return CLI_OK;
	return cli_error(status, c->prog, "%s: %s", what, crypto_strerror(rc));
}

/* The key of --key, of one of the lengths lens, set up for alg. */
int cli_crypto_key(const struct cmd_ctx *c, enum crypto_alg alg, uint64_t lens, crypto_key **k)
{
	uint8_t key[32];
	size_t len;
	int rc;

	*k = NULL;
	if ((rc = cli_crypto_hex(c, O_KEY, lens, key, sizeof key, &len)) == CLI_OK)
		rc = cli_crypto_lib(c, crypto_key_create(alg, key, len, k), "--key");
	crypto_wipe(key, sizeof key);
	return rc;
}

/* ---- kcv ---- */

static const char *const tdes_aes[] = {"tdes", "aes"};

int cli_crypto_kcv(const struct cmd_ctx *c)
{
	uint8_t key[32], kcv[CRYPTO_KCV_AES_LEN];
	size_t aes = 0, len, n;
	int rc;

	if ((rc = CHOOSE(c, O_ALG, tdes_aes, &aes)) != CLI_OK ||
	    (rc = cli_crypto_hex(c, O_KEY, aes ? AES_KEY : TDES_KEY, key, sizeof key, &len)) !=
	        CLI_OK)
		goto out;
	n = aes ? CRYPTO_KCV_AES_LEN : CRYPTO_KCV_TDES_LEN;
	if ((rc = cli_crypto_lib(c, crypto_kcv(aes ? CRYPTO_AES : CRYPTO_TDES, key, len, kcv, n),
	                         "--key")) != CLI_OK)
		goto out;
	cli_crypto_out_hex(c, kcv, n);
out:
	crypto_wipe(key, sizeof key);
	return rc;
}

const struct crypto_help cli_crypto_kcv_help = {
    "--key HEX [--alg tdes|aes]",
    "Prints the key check value of a key: for TDES the first 3 bytes of its\n"
    "encryption of eight zero bytes (ANSI X9.24-1), for AES the first 5 bytes of\n"
    "the AES-CMAC of sixteen zero bytes (ANSI X9.24-1:2017).\n"
    "\n"
    "  --key HEX   the key: TDES 16, 32 or 48 hex digits (16: single DES);\n"
    "              AES 32, 48 or 64\n"
    "  --alg A     tdes (the default) or aes\n",
    NULL};

/* ---- The result ---- */

void cli_crypto_out(const struct cmd_ctx *c, const char *text)
{
	if (c->json)
		cli_print_json(json_pack("{s:s}", c->key, text));
	else
		puts(text);
}

void cli_crypto_out_hex(const struct cmd_ctx *c, const uint8_t *p, size_t len)
{
	char text[2 * 1024 + 1];

	if (!c->json || 2 * len >= sizeof text) {
		cli_print_hex(p, len);
		return;
	}
	hex_encode(p, len, text, sizeof text);
	cli_crypto_out(c, text);
	crypto_wipe(text, sizeof text);
}
