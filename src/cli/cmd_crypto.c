/* cmd_crypto.c — `possum crypto`: the payment cryptography of src/crypto on the command line,
 * for engineers checking a terminal's or a host's values by hand, and for scripts.
 *
 * One table lists every subcommand with the options it requires and allows; one parser reads
 * them all into a struct cmd_ctx; shared readers check hex lengths and keywords and say what
 * they expected; each subcommand is a small function over the library. Hex is read in either
 * case and printed in upper case; the result is printed alone on one line of stdout.
 * Messages go to stderr; exit 2 for bad usage or input, 1 for a check that fails. */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/hex.h"
#include "crypto/cardver.h"
#include "crypto/cipher.h"
#include "crypto/dukpt.h"
#include "crypto/emv.h"
#include "crypto/kcv.h"
#include "crypto/mac.h"
#include "crypto/pinblock.h"
#include "crypto/tr31.h"

/* Every option of every subcommand, in the order of long_opts. */
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

#define OPT_VAL 256 /* getopt_long's value for option o is OPT_VAL + o */
#define BIT(o)  (UINT64_C(1) << (o))

static const struct option long_opts[O_COUNT + 2] = {
    [O_ALG] = {"alg", required_argument, NULL, OPT_VAL + O_ALG},
    [O_ARC] = {"arc", required_argument, NULL, OPT_VAL + O_ARC},
    [O_ARQC] = {"arqc", required_argument, NULL, OPT_VAL + O_ARQC},
    [O_BDK] = {"bdk", required_argument, NULL, OPT_VAL + O_BDK},
    [O_BLOCK] = {"block", required_argument, NULL, OPT_VAL + O_BLOCK},
    [O_CSU] = {"csu", required_argument, NULL, OPT_VAL + O_CSU},
    [O_CVK] = {"cvk", required_argument, NULL, OPT_VAL + O_CVK},
    [O_DATA] = {"data", required_argument, NULL, OPT_VAL + O_DATA},
    [O_DECTAB] = {"dectab", required_argument, NULL, OPT_VAL + O_DECTAB},
    [O_EXPIRY] = {"expiry", required_argument, NULL, OPT_VAL + O_EXPIRY},
    [O_FILL] = {"fill", required_argument, NULL, OPT_VAL + O_FILL},
    [O_FORMAT] = {"format", required_argument, NULL, OPT_VAL + O_FORMAT},
    [O_HEADER] = {"header", required_argument, NULL, OPT_VAL + O_HEADER},
    [O_IMK] = {"imk", required_argument, NULL, OPT_VAL + O_IMK},
    [O_KBPK] = {"kbpk", required_argument, NULL, OPT_VAL + O_KBPK},
    [O_KEY] = {"key", required_argument, NULL, OPT_VAL + O_KEY},
    [O_KSN] = {"ksn", required_argument, NULL, OPT_VAL + O_KSN},
    [O_METHOD] = {"method", required_argument, NULL, OPT_VAL + O_METHOD},
    [O_MK] = {"mk", required_argument, NULL, OPT_VAL + O_MK},
    [O_PAD] = {"pad", required_argument, NULL, OPT_VAL + O_PAD},
    [O_PAD_DATA] = {"pad-data", required_argument, NULL, OPT_VAL + O_PAD_DATA},
    [O_PAN] = {"pan", required_argument, NULL, OPT_VAL + O_PAN},
    [O_PIN] = {"pin", required_argument, NULL, OPT_VAL + O_PIN},
    [O_PSN] = {"psn", required_argument, NULL, OPT_VAL + O_PSN},
    [O_PVK] = {"pvk", required_argument, NULL, OPT_VAL + O_PVK},
    [O_PVKI] = {"pvki", required_argument, NULL, OPT_VAL + O_PVKI},
    [O_R] = {"r", required_argument, NULL, OPT_VAL + O_R},
    [O_SERVICE_CODE] = {"service-code", required_argument, NULL, OPT_VAL + O_SERVICE_CODE},
    [O_VALIDATION] = {"validation", required_argument, NULL, OPT_VAL + O_VALIDATION},
    [O_VERBOSE] = {"verbose", no_argument, NULL, OPT_VAL + O_VERBOSE},
    [O_COUNT] = {"help", no_argument, NULL, 'h'},
};

/* The options a subcommand was given: each one's text, NULL when absent, "" for a flag. */
struct cmd_ctx {
	const char *prog; /* "possum crypto pin encode" */
	const char *v[O_COUNT];
};

struct crypto_cmd {
	const char *name; /* one or two words: "kcv", "pin encode" */
	const char *summary;
	int (*run)(const struct cmd_ctx *c);
	uint64_t required, optional; /* BIT(O_…) sets */
	const char *usage;           /* the synopsis after the command's name */
	const char *help;            /* what it does, its options and their standards */
	const char *fails;           /* what exit status 1 means for it, or NULL */
};

/* ---- Reading options ---- */

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
static int hex_arg(const struct cmd_ctx *c, enum opt o, uint64_t lens, uint8_t *out, size_t cap,
                   size_t *len)
{
	const char *text = c->v[o];
	char want[48];
	int rc;

	*len = 0;
	rc = hex_decode(text, strlen(text), out, cap, len);
	if (rc == HEX_EDIGIT)
		return cli_error(CLI_USAGE, c->prog, "--%s is not hex", long_opts[o].name);
	if (lens == 0 && rc != HEX_OK)
		return cli_error(CLI_USAGE, c->prog,
		                 "--%s must be whole bytes of hex, at most %zu bytes",
		                 long_opts[o].name, cap);
	if (rc != HEX_OK || *len >= 64 || !(lens == 0 || (lens & LEN(*len)))) {
		describe_lens(lens, want, sizeof want);
		return cli_error(CLI_USAGE, c->prog, "--%s must be %s hex digits",
		                 long_opts[o].name, want);
	}
	return CLI_OK;
}

/* The bytes of hex option o (any length up to DATA_MAX) in a heap buffer the caller frees. */
static int data_arg(const struct cmd_ctx *c, enum opt o, uint8_t **out, size_t *len)
{
	int rc;

	if ((*out = malloc(DATA_MAX)) == NULL)
		return cli_error(CLI_FAILED, c->prog, "out of memory");
	if ((rc = hex_arg(c, o, 0, *out, DATA_MAX, len)) != CLI_OK) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* Option o as min to max decimal digits, checked as the library checks them. */
static int digits_arg(const struct cmd_ctx *c, enum opt o, size_t min, size_t max)
{
	if (crypto_digits(c->v[o], min, max) != 0)
		return CLI_OK;
	if (min == max)
		return cli_error(CLI_USAGE, c->prog, "--%s must be %zu digit%s", long_opts[o].name,
		                 min, min == 1 ? "" : "s");
	return cli_error(CLI_USAGE, c->prog, "--%s must be %zu to %zu digits", long_opts[o].name,
	                 min, max);
}

/* Which of n words (table entries of `size` bytes, each starting with its name) option o
 * names; *idx is left as it is when o is not given. */
static int choose_from(const struct cmd_ctx *c, enum opt o, const void *table, size_t n,
                       size_t size, size_t *idx)
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
	fprintf(stderr, "%s: --%s must be ", c->prog, long_opts[o].name);
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
	choose_from((c), (o), (table), sizeof(table) / sizeof((table)[0]), sizeof((table)[0]),     \
	            (idx))

/* A library result as the user sees it: CLI_OK, or a message naming what was refused, with
 * exit 1 for a value that does not authenticate or verify (and for failures inside OpenSSL)
 * and 2 for input the algorithm does not take. */
static int lib(const struct cmd_ctx *c, int rc, const char *what)
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
static int key_arg(const struct cmd_ctx *c, enum crypto_alg alg, uint64_t lens, crypto_key **k)
{
	uint8_t key[32];
	size_t len;
	int rc;

	*k = NULL;
	if ((rc = hex_arg(c, O_KEY, lens, key, sizeof key, &len)) == CLI_OK)
		rc = lib(c, crypto_key_create(alg, key, len, k), "--key");
	crypto_wipe(key, sizeof key);
	return rc;
}

/* ---- kcv ---- */

static const char *const tdes_aes[] = {"tdes", "aes"};

static int run_kcv(const struct cmd_ctx *c)
{
	uint8_t key[32], kcv[CRYPTO_KCV_AES_LEN];
	size_t aes = 0, len, n;
	int rc;

	if ((rc = CHOOSE(c, O_ALG, tdes_aes, &aes)) != CLI_OK ||
	    (rc = hex_arg(c, O_KEY, aes ? AES_KEY : TDES_KEY, key, sizeof key, &len)) != CLI_OK)
		goto out;
	n = aes ? CRYPTO_KCV_AES_LEN : CRYPTO_KCV_TDES_LEN;
	if ((rc = lib(c, crypto_kcv(aes ? CRYPTO_AES : CRYPTO_TDES, key, len, kcv, n), "--key")) !=
	    CLI_OK)
		goto out;
	cli_print_hex(kcv, n);
out:
	crypto_wipe(key, sizeof key);
	return rc;
}

/* ---- pin ---- */

static const char *const clear_formats[] = {"0", "1", "3"};
static const char *const enciphered_formats[] = {"4"};

/* The clear format asked for, and a PAN when (and only when) it uses one. */
static int clear_format(const struct cmd_ctx *c, enum crypto_pin_format *f)
{
	static const enum crypto_pin_format ids[] = {CRYPTO_PIN_ISO0, CRYPTO_PIN_ISO1,
	                                             CRYPTO_PIN_ISO3};
	size_t i = 0;
	int rc;

	if ((rc = CHOOSE(c, O_FORMAT, clear_formats, &i)) != CLI_OK)
		return rc;
	*f = ids[i];
	if (*f == CRYPTO_PIN_ISO1 && c->v[O_PAN] != NULL)
		return cli_usage_error(c->prog, "format 1 takes no --pan");
	if (*f != CRYPTO_PIN_ISO1 && c->v[O_PAN] == NULL)
		return cli_usage_error(c->prog, "--pan is required for format %s", c->v[O_FORMAT]);
	return CLI_OK;
}

/* The option behind a library refusal of a PIN, PAN or fill the user gave. */
static const char *pin_culprit(int rc)
{
	return rc == CRYPTO_EPIN ? "--pin" : rc == CRYPTO_EPAN ? "--pan" : "--fill";
}

static int run_pin_encode(const struct cmd_ctx *c)
{
	uint8_t fill[CRYPTO_PIN_FILL_LEN], block[8];
	enum crypto_pin_format f;
	size_t n;
	int rc;

	if ((rc = clear_format(c, &f)) != CLI_OK)
		goto out;
	if (c->v[O_FILL] != NULL && f == CRYPTO_PIN_ISO0) {
		rc = cli_usage_error(c->prog, "format 0 has no fill to choose (it is F)");
		goto out;
	}
	if (c->v[O_FILL] != NULL &&
	    (rc = hex_arg(c, O_FILL, LEN(CRYPTO_PIN_FILL_LEN), fill, sizeof fill, &n)) != CLI_OK)
		goto out;
	rc = crypto_pinblock_build(f, c->v[O_PIN], c->v[O_PAN], c->v[O_FILL] ? fill : NULL, block);
	if (rc == CRYPTO_EARG) {
		rc = cli_error(CLI_USAGE, c->prog, "--fill: format 3 fill digits are A to F");
		goto out;
	}
	if ((rc = lib(c, rc, pin_culprit(rc))) != CLI_OK)
		goto out;
	cli_print_hex(block, sizeof block);
out:
	crypto_wipe(fill, sizeof fill);
	crypto_wipe(block, sizeof block);
	return rc;
}

/* Prints a PIN read from a block, or reports why the block was refused. */
static int print_pin(const struct cmd_ctx *c, int rc, const char *pin)
{
	if ((rc = lib(c, rc, rc == CRYPTO_EPAN ? "--pan" : "--block")) == CLI_OK)
		puts(pin);
	return rc;
}

static int run_pin_decode(const struct cmd_ctx *c)
{
	uint8_t block[8];
	char pin[CRYPTO_PIN_MAX + 1];
	enum crypto_pin_format f;
	size_t n;
	int rc;

	if ((rc = clear_format(c, &f)) == CLI_OK &&
	    (rc = hex_arg(c, O_BLOCK, LEN(8), block, sizeof block, &n)) == CLI_OK)
		rc =
		    print_pin(c, crypto_pinblock_read(f, block, c->v[O_PAN], pin, sizeof pin), pin);
	crypto_wipe(block, sizeof block);
	crypto_wipe(pin, sizeof pin);
	return rc;
}

static int run_pin_encrypt(const struct cmd_ctx *c)
{
	uint8_t fill[CRYPTO_PIN4_FILL_LEN], block[16];
	crypto_key *k = NULL;
	size_t i, n;
	int rc;

	if ((rc = CHOOSE(c, O_FORMAT, enciphered_formats, &i)) != CLI_OK ||
	    (rc = key_arg(c, CRYPTO_AES, AES_KEY, &k)) != CLI_OK)
		goto out;
	if (c->v[O_FILL] != NULL &&
	    (rc = hex_arg(c, O_FILL, LEN(CRYPTO_PIN4_FILL_LEN), fill, sizeof fill, &n)) != CLI_OK)
		goto out;
	rc = crypto_pinblock4_encipher(k, c->v[O_PIN], c->v[O_PAN], c->v[O_FILL] ? fill : NULL,
	                               block);
	if ((rc = lib(c, rc, pin_culprit(rc))) != CLI_OK)
		goto out;
	cli_print_hex(block, sizeof block);
out:
	crypto_key_free(k);
	crypto_wipe(fill, sizeof fill);
	return rc;
}

static int run_pin_decrypt(const struct cmd_ctx *c)
{
	char pin[CRYPTO_PIN_MAX + 1];
	uint8_t block[16];
	crypto_key *k = NULL;
	size_t i, n;
	int rc;

	if ((rc = CHOOSE(c, O_FORMAT, enciphered_formats, &i)) == CLI_OK &&
	    (rc = key_arg(c, CRYPTO_AES, AES_KEY, &k)) == CLI_OK &&
	    (rc = hex_arg(c, O_BLOCK, LEN(16), block, sizeof block, &n)) == CLI_OK)
		rc = print_pin(c, crypto_pinblock4_decipher(k, block, c->v[O_PAN], pin, sizeof pin),
		               pin);
	crypto_key_free(k);
	crypto_wipe(pin, sizeof pin);
	return rc;
}

/* ---- mac ---- */

static const struct mac_alg {
	const char *name;
	enum crypto_mac_alg alg;
	enum crypto_alg cipher;
	uint64_t key_lens;
	const char *pads; /* the --pad values it takes; "" when its padding is its own */
} mac_algs[] = {
    {"cbc", CRYPTO_MAC_ALG1, CRYPTO_TDES, TDES_KEY, "12"},
    {"retail", CRYPTO_MAC_ALG3, CRYPTO_TDES, LEN(16), "12"},
    {"x99", CRYPTO_MAC_ALG1, CRYPTO_TDES, LEN(8), "1"},
    {"cup-ecb", CRYPTO_MAC_CUP_ECB, CRYPTO_TDES, LEN(8) | LEN(16), ""},
    {"aes-cmac", CRYPTO_MAC_CMAC, CRYPTO_AES, AES_KEY, ""},
    {"tdes-cmac", CRYPTO_MAC_CMAC, CRYPTO_TDES, LEN(16) | LEN(24), ""},
};

static const char *const pads[] = {"1", "2"};

/* The ISO 9797-1 padding of alg: --pad where it takes one (default 1), else its own. */
static int mac_pad(const struct cmd_ctx *c, const struct mac_alg *a, enum crypto_mac_pad *pad)
{
	size_t i = 0;
	int rc;

	*pad = a->pads[0] == '\0' ? CRYPTO_MAC_PAD_OWN : CRYPTO_MAC_PAD1;
	if (c->v[O_PAD] == NULL)
		return CLI_OK;
	if (a->pads[0] == '\0')
		return cli_usage_error(c->prog, "--pad does not apply to %s: its padding is fixed",
		                       a->name);
	if ((rc = CHOOSE(c, O_PAD, pads, &i)) != CLI_OK)
		return rc;
	if (strchr(a->pads, pads[i][0]) == NULL)
		return cli_usage_error(c->prog, "%s pads with zeros: --pad must be %s", a->name,
		                       a->pads);
	*pad = i == 0 ? CRYPTO_MAC_PAD1 : CRYPTO_MAC_PAD2;
	return CLI_OK;
}

static int run_mac(const struct cmd_ctx *c)
{
	uint8_t key[32], mac[CRYPTO_MAC_MAX], *data = NULL;
	const struct mac_alg *a;
	enum crypto_mac_pad pad;
	crypto_mac *m = NULL;
	size_t i = 0, key_len, len;
	int rc;

	if ((rc = CHOOSE(c, O_ALG, mac_algs, &i)) != CLI_OK)
		goto out;
	a = &mac_algs[i];
	if ((rc = mac_pad(c, a, &pad)) != CLI_OK ||
	    (rc = hex_arg(c, O_KEY, a->key_lens, key, sizeof key, &key_len)) != CLI_OK ||
	    (rc = data_arg(c, O_DATA, &data, &len)) != CLI_OK ||
	    (rc = lib(c, crypto_mac_create(a->alg, pad, a->cipher, key, key_len, &m), "--key")) !=
	        CLI_OK ||
	    (rc = lib(c, crypto_mac_compute(m, data, len, mac, crypto_mac_size(m)), "--data")) !=
	        CLI_OK)
		goto out;
	if (a->alg == CRYPTO_MAC_CUP_ECB)
		printf("%.*s\n", (int)crypto_mac_size(m), (const char *)mac);
	else
		cli_print_hex(mac, crypto_mac_size(m));
out:
	crypto_mac_free(m);
	crypto_wipe(key, sizeof key);
	free(data);
	return rc;
}

/* ---- dukpt ---- */

static const char *const dukpt_algs[] = {"tdes", "aes128", "aes256"};

static const struct dukpt_key {
	const char *name;
	enum crypto_dukpt_usage usage; /* 0: the initial key */
} dukpt_keys[] = {
    {"ipek", 0},
    {"pin", CRYPTO_DUKPT_PIN},
    {"mac", CRYPTO_DUKPT_MAC},
    {"mac-resp", CRYPTO_DUKPT_MAC_RESP},
    {"data", CRYPTO_DUKPT_DATA},
};

static int run_dukpt(const struct cmd_ctx *c)
{
	uint8_t bdk[32], ksn[CRYPTO_DUKPT_AES_KSN_LEN], key[CRYPTO_DUKPT_AES_KEY_MAX];
	size_t alg = 0, which = 0, bdk_len, ksn_len, key_len = CRYPTO_DUKPT_TDES_KEY_LEN;
	enum crypto_dukpt_usage usage;
	int rc, aes;

	if ((rc = CHOOSE(c, O_ALG, dukpt_algs, &alg)) != CLI_OK ||
	    (rc = CHOOSE(c, O_KEY, dukpt_keys, &which)) != CLI_OK)
		goto out;
	aes = alg > 0;
	usage = dukpt_keys[which].usage;
	if ((rc = hex_arg(c, O_BDK, aes ? AES_KEY : LEN(CRYPTO_DUKPT_TDES_KEY_LEN), bdk, sizeof bdk,
	                  &bdk_len)) != CLI_OK ||
	    (rc = hex_arg(c, O_KSN,
	                  aes ? LEN(CRYPTO_DUKPT_AES_KSN_LEN) : LEN(CRYPTO_DUKPT_TDES_KSN_LEN), ksn,
	                  sizeof ksn, &ksn_len)) != CLI_OK)
		goto out;
	if (!aes && usage == 0)
		rc = crypto_dukpt_tdes_ipek(bdk, ksn, key);
	else if (!aes)
		rc = crypto_dukpt_tdes_key(bdk, ksn, usage, key);
	else if (usage == 0)
		rc = crypto_dukpt_aes_initial_key(bdk, bdk_len, ksn, key);
	else
		rc = crypto_dukpt_aes_key(bdk, bdk_len, ksn, usage,
		                          alg == 1 ? CRYPTO_DUKPT_AES128 : CRYPTO_DUKPT_AES256, key,
		                          &key_len);
	if (aes && usage == 0)
		key_len = bdk_len; /* the initial key has the BDK's type */
	if (rc == CRYPTO_EKEYLEN) {
		rc = cli_error(CLI_USAGE, c->prog,
		               "--alg %s: no working key is longer than its BDK (ANSI X9.24-3:2017 "
		               "6.1.3)",
		               dukpt_algs[alg]);
		goto out;
	}
	if ((rc = lib(c, rc, "--ksn")) != CLI_OK)
		goto out;
	cli_print_hex(key, key_len);
out:
	crypto_wipe(bdk, sizeof bdk);
	crypto_wipe(key, sizeof key);
	return rc;
}

/* ---- cvv, pvv, ibm3624 ---- */

static int run_cvv(const struct cmd_ctx *c)
{
	char cvv[CRYPTO_CVV_LEN + 1];
	uint8_t cvk[16];
	size_t n;
	int rc;

	if ((rc = hex_arg(c, O_CVK, LEN(16), cvk, sizeof cvk, &n)) == CLI_OK &&
	    (rc = digits_arg(c, O_EXPIRY, 4, 4)) == CLI_OK &&
	    (rc = digits_arg(c, O_SERVICE_CODE, 3, 3)) == CLI_OK &&
	    (rc = lib(c, crypto_cvv(cvk, c->v[O_PAN], c->v[O_EXPIRY], c->v[O_SERVICE_CODE], cvv),
	              "--pan")) == CLI_OK)
		puts(cvv);
	crypto_wipe(cvk, sizeof cvk);
	return rc;
}

static int run_pvv(const struct cmd_ctx *c)
{
	char pvv[CRYPTO_PVV_LEN + 1];
	uint8_t pvk[16];
	size_t n;
	int rc;

	if ((rc = hex_arg(c, O_PVK, LEN(16), pvk, sizeof pvk, &n)) == CLI_OK &&
	    (rc = digits_arg(c, O_PVKI, 1, 1)) == CLI_OK) {
		rc = crypto_pvv(pvk, c->v[O_PAN], c->v[O_PVKI][0] - '0', c->v[O_PIN], pvv);
		if ((rc = lib(c, rc, rc == CRYPTO_EPIN ? "--pin" : "--pan")) == CLI_OK)
			puts(pvv);
	}
	crypto_wipe(pvk, sizeof pvk);
	return rc;
}

static int run_ibm3624(const struct cmd_ctx *c)
{
	const char *pad = c->v[O_PAD] != NULL ? c->v[O_PAD] : "F";
	char offset[CRYPTO_PIN_MAX + 1];
	uint8_t pvk[24];
	struct crypto_ibm3624 p = {pvk, 0, c->v[O_DECTAB], c->v[O_VALIDATION], pad[0]};
	int rc;

	if ((rc = hex_arg(c, O_PVK, TDES_KEY, pvk, sizeof pvk, &p.pvk_len)) != CLI_OK ||
	    (rc = digits_arg(c, O_DECTAB, 16, 16)) != CLI_OK)
		goto out;
	if (strlen(pad) != 1 || hex_digit((unsigned char)pad[0]) < 0) {
		rc = cli_error(CLI_USAGE, c->prog, "--pad must be one hex digit");
		goto out;
	}
	rc = crypto_ibm3624_offset(&p, c->v[O_PIN], offset, sizeof offset);
	if (rc == CRYPTO_EFORMAT)
		rc = cli_error(CLI_USAGE, c->prog, "--validation must be 1 to 16 hex digits");
	else if ((rc = lib(c, rc, "--pin")) == CLI_OK)
		puts(offset);
out:
	crypto_wipe(pvk, sizeof pvk);
	crypto_wipe(offset, sizeof offset);
	return rc;
}

/* ---- emv ---- */

static int run_emv_icc_mk(const struct cmd_ctx *c)
{
	uint8_t imk[16], mk[16];
	size_t n;
	int rc;

	if ((rc = hex_arg(c, O_IMK, LEN(16), imk, sizeof imk, &n)) == CLI_OK &&
	    (rc = digits_arg(c, O_PSN, 2, 2)) == CLI_OK &&
	    (rc = lib(c, crypto_emv_icc_mk_a(imk, c->v[O_PAN], c->v[O_PSN], mk), "--pan")) ==
	        CLI_OK)
		cli_print_hex(mk, sizeof mk);
	crypto_wipe(imk, sizeof imk);
	crypto_wipe(mk, sizeof mk);
	return rc;
}

static int run_emv_session_key(const struct cmd_ctx *c)
{
	uint8_t mk[16], r[8], sk[16];
	size_t n;
	int rc;

	if ((rc = hex_arg(c, O_MK, LEN(16), mk, sizeof mk, &n)) == CLI_OK &&
	    (rc = hex_arg(c, O_R, LEN(8), r, sizeof r, &n)) == CLI_OK &&
	    (rc = lib(c, crypto_emv_session_key(mk, r, n, sk), "--r")) == CLI_OK)
		cli_print_hex(sk, sizeof sk);
	crypto_wipe(mk, sizeof mk);
	crypto_wipe(sk, sizeof sk);
	return rc;
}

static int run_emv_arqc(const struct cmd_ctx *c)
{
	uint8_t sk[16], ac[8], *data = NULL;
	size_t n;
	int rc;

	if ((rc = hex_arg(c, O_KEY, LEN(16), sk, sizeof sk, &n)) == CLI_OK &&
	    (rc = data_arg(c, O_DATA, &data, &n)) == CLI_OK &&
	    (rc = lib(c, crypto_emv_arqc(sk, data, n, ac), "--data")) == CLI_OK)
		cli_print_hex(ac, sizeof ac);
	crypto_wipe(sk, sizeof sk);
	free(data);
	return rc;
}

static const char *const arpc_methods[] = {"1", "2"};

/* ARPC method 1 takes --arc, method 2 --csu and --pad-data: the options of the other are
 * refused rather than ignored. */
static int arpc_options(const struct cmd_ctx *c, size_t method)
{
	if (method == 0 && (c->v[O_CSU] != NULL || c->v[O_PAD_DATA] != NULL))
		return cli_usage_error(c->prog, "--csu and --pad-data are for --method 2");
	if (method == 1 && c->v[O_ARC] != NULL)
		return cli_usage_error(c->prog, "--arc is for method 1; method 2 takes --csu");
	if (c->v[method == 0 ? O_ARC : O_CSU] == NULL)
		return cli_usage_error(c->prog, "--%s is required for method %s",
		                       method == 0 ? "arc" : "csu", arpc_methods[method]);
	return CLI_OK;
}

static int run_emv_arpc(const struct cmd_ctx *c)
{
	uint8_t key[16], arqc[8], arc[2], csu[4], pad[CRYPTO_EMV_PAD_MAX], arpc[8];
	size_t method = 0, n, pad_len = 0;
	int rc;

	if ((rc = CHOOSE(c, O_METHOD, arpc_methods, &method)) != CLI_OK ||
	    (rc = arpc_options(c, method)) != CLI_OK ||
	    (rc = hex_arg(c, O_KEY, LEN(16), key, sizeof key, &n)) != CLI_OK ||
	    (rc = hex_arg(c, O_ARQC, LEN(8), arqc, sizeof arqc, &n)) != CLI_OK)
		goto out;
	if (method == 0) {
		if ((rc = hex_arg(c, O_ARC, LEN(2), arc, sizeof arc, &n)) == CLI_OK &&
		    (rc = lib(c, crypto_emv_arpc1(key, arqc, arc, arpc), "--key")) == CLI_OK)
			cli_print_hex(arpc, 8);
		goto out;
	}
	if ((rc = hex_arg(c, O_CSU, LEN(4), csu, sizeof csu, &n)) != CLI_OK ||
	    (c->v[O_PAD_DATA] != NULL &&
	     (rc = hex_arg(c, O_PAD_DATA, (LEN(CRYPTO_EMV_PAD_MAX) << 1) - 1, pad, sizeof pad,
	                   &pad_len)) != CLI_OK) ||
	    (rc = lib(c, crypto_emv_arpc2(key, arqc, csu, pad, pad_len, arpc), "--pad-data")) !=
	        CLI_OK)
		goto out;
	cli_print_hex(arpc, 4);
out:
	crypto_wipe(key, sizeof key);
	return rc;
}

/* ---- tr31 ---- */

struct name {
	const char *code, *text;
};

/* TR-31:2018 table 6 (key usage), A.5.1 (version), table 7 (algorithm), table 8 (mode of
 * use), table 10 (exportability) and A.5.6 (optional block IDs), for the -v header. */
static const struct name tr31_versions[] = {
    {"A", "TDES key variant binding"},
    {"B", "TDES key derivation binding"},
    {"C", "TDES key variant binding"},
    {"D", "AES key derivation binding"},
};
static const struct name tr31_usages[] = {
    {"B0", "base derivation key (BDK)"},
    {"B1", "initial DUKPT key"},
    {"B2", "base key variant key"},
    {"C0", "card verification key (CVK)"},
    {"D0", "symmetric data encryption key"},
    {"D1", "asymmetric data encryption key"},
    {"D2", "data encryption key for decimalization tables"},
    {"E0", "EMV issuer master key: application cryptograms"},
    {"E1", "EMV issuer master key: secure messaging, confidentiality"},
    {"E2", "EMV issuer master key: secure messaging, integrity"},
    {"E3", "EMV issuer master key: data authentication code"},
    {"E4", "EMV issuer master key: dynamic numbers"},
    {"E5", "EMV issuer master key: card personalization"},
    {"E6", "EMV issuer master key: other"},
    {"I0", "initialization vector"},
    {"K0", "key encryption or wrapping key"},
    {"K1", "TR-31 key block protection key"},
    {"K2", "TR-34 asymmetric key"},
    {"K3", "asymmetric key for key agreement or wrapping"},
    {"M0", "ISO 16609 MAC key"},
    {"M1", "ISO 9797-1 MAC algorithm 1 key"},
    {"M2", "ISO 9797-1 MAC algorithm 2 key"},
    {"M3", "ISO 9797-1 MAC algorithm 3 key (X9.19)"},
    {"M4", "ISO 9797-1 MAC algorithm 4 key"},
    {"M5", "ISO 9797-1:1999 MAC algorithm 5 key"},
    {"M6", "ISO 9797-1:2011 MAC algorithm 5 key (CMAC)"},
    {"M7", "HMAC key"},
    {"M8", "ISO 9797-1:2011 MAC algorithm 6 key"},
    {"P0", "PIN encryption key"},
    {"S0", "asymmetric key pair for digital signature"},
    {"S1", "asymmetric key pair, CA key"},
    {"S2", "asymmetric key pair, non-X9.24 key"},
    {"V0", "PIN verification key, other algorithm"},
    {"V1", "PIN verification key, IBM 3624"},
    {"V2", "PIN verification key, Visa PVV"},
    {"V3", "PIN verification key, X9.132 algorithm 1"},
    {"V4", "PIN verification key, X9.132 algorithm 2"},
};
static const struct name tr31_algorithms[] = {
    {"A", "AES"}, {"D", "DES"}, {"E", "elliptic curve"}, {"H", "HMAC"},
    {"R", "RSA"}, {"S", "DSA"}, {"T", "TDES"},
};
static const struct name tr31_modes[] = {
    {"B", "encrypt/wrap and decrypt/unwrap"},
    {"C", "MAC generate and verify"},
    {"D", "decrypt/unwrap only"},
    {"E", "encrypt/wrap only"},
    {"G", "MAC generate only"},
    {"N", "no special restrictions"},
    {"S", "signature only"},
    {"T", "sign and decrypt"},
    {"V", "MAC verify only"},
    {"X", "derive other keys"},
    {"Y", "create key variants"},
};
static const struct name tr31_exportability[] = {
    {"E", "exportable under a trusted key"},
    {"N", "not exportable"},
    {"S", "sensitive: exportable under an untrusted key"},
};
static const struct name tr31_opt_ids[] = {
    {"CT", "certificate"},
    {"DA", "derivations allowed"},
    {"HM", "HMAC hash algorithm"},
    {"IK", "initial key ID (AES DUKPT)"},
    {"KC", "KCV of the wrapped key"},
    {"KP", "KCV of the KBPK"},
    {"KS", "key set ID (TDES DUKPT initial KSN)"},
    {"KV", "key block values"},
    {"LB", "label"},
    {"PB", "padding"},
    {"TC", "time of creation"},
    {"TS", "time stamp"},
    {"WP", "wrapping pedigree"},
};

#define NAME(table, code, n) find_name((table), sizeof(table) / sizeof((table)[0]), (code), (n))

/* The text for the n-character code, or "" when the table lacks it. */
static const char *find_name(const struct name *t, size_t count, const char *code, size_t n)
{
	for (size_t i = 0; i < count; i++)
		if (strncmp(t[i].code, code, n) == 0 && t[i].code[n] == '\0')
			return t[i].text;
	return "";
}

/* Value of n hex digits at s; the parser has checked them. */
static size_t hex_number(const char *s, size_t n)
{
	size_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 16 + (size_t)hex_digit((unsigned char)s[i]);
	return v;
}

/* The header crypto_tr31_parse() accepted, on stderr: its fields, and each optional block
 * (TR-31:2018 A.5.6: ID, 2 hex digits of length, or "00", the size of the length and the
 * length; then the data). */
static void print_tr31_header(const struct crypto_tr31_header *h)
{
	const char *p = h->opt;

	fprintf(stderr, "version          %c  %s\n", h->version,
	        NAME(tr31_versions, &h->version, 1));
	fprintf(stderr, "usage            %s %s\n", h->usage, NAME(tr31_usages, h->usage, 2));
	fprintf(stderr, "algorithm        %c  %s\n", h->algorithm,
	        NAME(tr31_algorithms, &h->algorithm, 1));
	fprintf(stderr, "mode of use      %c  %s\n", h->mode, NAME(tr31_modes, &h->mode, 1));
	fprintf(stderr, "key version      %s%s\n", h->key_version,
	        strcmp(h->key_version, "00") == 0 ? " (none)" : "");
	fprintf(stderr, "exportability    %c  %s\n", h->exportability,
	        NAME(tr31_exportability, &h->exportability, 1));
	fprintf(stderr, "optional blocks  %u\n", h->n_opt);
	for (unsigned i = 0; i < h->n_opt; i++) {
		size_t len = hex_number(p + 2, 2), head = 4;

		if (len == 0) {
			size_t lol = hex_number(p + 4, 2);
			len = hex_number(p + 6, 2 * lol);
			head = 6 + 2 * lol;
		}
		fprintf(stderr, "  %.2s  %-36s %.*s\n", p, NAME(tr31_opt_ids, p, 2),
		        (int)(len - head), p + head);
		p += len;
	}
}

static int run_tr31_unwrap(const struct cmd_ctx *c)
{
	const char *block = c->v[O_BLOCK];
	uint8_t kbpk[32], key[CRYPTO_TR31_MAX_KEY];
	struct crypto_tr31_header h;
	size_t kbpk_len, key_len = 0;
	int rc;

	if ((rc = hex_arg(c, O_KBPK, LEN(16) | AES_KEY, kbpk, sizeof kbpk, &kbpk_len)) != CLI_OK)
		goto out;
	if (c->v[O_VERBOSE] != NULL && crypto_tr31_parse(block, strlen(block), &h) == CRYPTO_OK)
		print_tr31_header(&h);
	rc = crypto_tr31_unwrap(kbpk, kbpk_len, block, strlen(block), NULL, 0, NULL, key,
	                        sizeof key, &key_len);
	if (rc == CRYPTO_EKEYLEN)
		rc = cli_error(CLI_USAGE, c->prog,
		               "--kbpk must be 32 or 48 hex digits for versions A, B and C, 32, 48 "
		               "or 64 for D");
	else if (rc == CRYPTO_EAUTH)
		rc = cli_error(CLI_FAILED, c->prog,
		               "--block does not authenticate: tampered, or under another KBPK");
	else if ((rc = lib(c, rc, "--block")) == CLI_OK)
		cli_print_hex(key, key_len);
out:
	crypto_wipe(kbpk, sizeof kbpk);
	crypto_wipe(key, sizeof key);
	return rc;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* --header for wrap (TR-31:2018 A.5): the fixed 16 characters, whose length field the wrap
 * fills in, and the optional blocks after them. The library checks every field. */
static int wrap_header(const struct cmd_ctx *c, struct crypto_tr31_header *h)
{
	const char *t = c->v[O_HEADER];
	size_t n = strlen(t);

	memset(h, 0, sizeof *h);
	if (n < CRYPTO_TR31_HEADER_LEN || !all_digits(t + 1, 4) || !all_digits(t + 12, 2) ||
	    strncmp(t + 14, "00", 2) != 0)
		return cli_error(CLI_USAGE, c->prog,
		                 "--header must be 16 characters (version, 4-digit length, usage, "
		                 "algorithm, mode, key version, exportability, 2-digit number of "
		                 "optional blocks, 00) and the optional blocks");
	if (t[0] != 'B' && t[0] != 'D')
		return cli_error(CLI_USAGE, c->prog,
		                 "--header: version must be B (TDES KBPK) or D (AES KBPK); A and C "
		                 "are read, not written (ANSI X9.143)");
	h->version = t[0];
	memcpy(h->usage, t + 5, 2);
	h->algorithm = t[7];
	h->mode = t[8];
	memcpy(h->key_version, t + 9, 2);
	h->exportability = t[11];
	h->n_opt = (unsigned)((t[12] - '0') * 10 + (t[13] - '0'));
	h->opt = n > CRYPTO_TR31_HEADER_LEN ? t + CRYPTO_TR31_HEADER_LEN : NULL;
	h->opt_len = n - CRYPTO_TR31_HEADER_LEN;
	return CLI_OK;
}

static int run_tr31_wrap(const struct cmd_ctx *c)
{
	uint8_t kbpk[32], key[CRYPTO_TR31_MAX_KEY], fill[CRYPTO_TR31_PAD_MAX];
	char out[CRYPTO_TR31_MAX_LEN + 1];
	struct crypto_tr31_header h;
	size_t kbpk_len, key_len, block, n;
	int rc;

	if ((rc = wrap_header(c, &h)) != CLI_OK ||
	    (rc = hex_arg(c, O_KBPK, h.version == 'B' ? LEN(16) | LEN(24) : AES_KEY, kbpk,
	                  sizeof kbpk, &kbpk_len)) != CLI_OK ||
	    (rc = hex_arg(c, O_KEY, ANY_KEY, key, sizeof key, &key_len)) != CLI_OK)
		goto out;
	/* TR-31:2018 A.3: key data is a 2-byte length, the key and the pad to a whole block. */
	block = h.version == 'D' ? 16 : 8;
	if (c->v[O_FILL] != NULL &&
	    (rc = hex_arg(c, O_FILL, LEN((block - (2 + key_len) % block) % block), fill,
	                  sizeof fill, &n)) != CLI_OK)
		goto out;
	rc = crypto_tr31_wrap(kbpk, kbpk_len, &h, key, key_len, c->v[O_FILL] ? fill : NULL, out,
	                      sizeof out, &n);
	if (rc == CRYPTO_EKEYLEN)
		rc = cli_error(CLI_USAGE, c->prog,
		               "--key: a %zu-byte key is not a '%c' key this KBPK may wrap",
		               key_len, h.algorithm);
	else if ((rc = lib(c, rc, "--header")) == CLI_OK)
		puts(out);
out:
	crypto_wipe(kbpk, sizeof kbpk);
	crypto_wipe(key, sizeof key);
	crypto_wipe(fill, sizeof fill);
	return rc;
}

/* ---- The table ---- */

static const struct crypto_cmd cmds[] = {
    {"kcv", "key check value of a TDES or AES key", run_kcv, BIT(O_KEY), BIT(O_ALG),
     "--key HEX [--alg tdes|aes]",
     "Prints the key check value of a key: for TDES the first 3 bytes of its\n"
     "encryption of eight zero bytes (ANSI X9.24-1), for AES the first 5 bytes of\n"
     "the AES-CMAC of sixteen zero bytes (ANSI X9.24-1:2017).\n"
     "\n"
     "  --key HEX   the key: TDES 16, 32 or 48 hex digits (16: single DES);\n"
     "              AES 32, 48 or 64\n"
     "  --alg A     tdes (the default) or aes\n",
     NULL},
    {"pin encode", "build a clear ISO 9564-1 PIN block, format 0, 1 or 3", run_pin_encode,
     BIT(O_FORMAT) | BIT(O_PIN), BIT(O_PAN) | BIT(O_FILL),
     "--format 0|1|3 --pin PIN [--pan PAN] [--fill HEX]",
     "Builds a clear ISO 9564-1 PIN block (16 hex digits), which the terminal or\n"
     "HSM then enciphers under a TDES PIN key.\n"
     "\n"
     "  --format F  0  ISO 9564-1:2017 9.3.2: PIN, fill F, XOR the PAN field\n"
     "              1  9.3.3: PIN, random fill, no PAN\n"
     "              3  9.3.5: PIN, random fill A to F, XOR the PAN field\n"
     "  --pin PIN   4 to 12 digits\n"
     "  --pan PAN   formats 0 and 3: the card number, 13 to 19 digits; the 12\n"
     "              left of the check digit enter the block\n"
     "  --fill HEX  formats 1 and 3: 14 hex digits (format 3: A to F), of which\n"
     "              the first 14 - N follow an N-digit PIN. Random without it.\n",
     NULL},
    {"pin decode", "read the PIN out of a clear PIN block", run_pin_decode,
     BIT(O_FORMAT) | BIT(O_BLOCK), BIT(O_PAN), "--format 0|1|3 --block HEX [--pan PAN]",
     "Reads the PIN out of a clear ISO 9564-1 PIN block (ISO 9564-1:2017 9.3.2,\n"
     "9.3.3, 9.3.5). Reading is strict: a block whose control field, PIN length,\n"
     "PIN digits or fill are not what the format allows, or that was built with\n"
     "another PAN, is refused.\n"
     "\n"
     "  --format F  0, 1 or 3\n"
     "  --block HEX the block, 16 hex digits\n"
     "  --pan PAN   formats 0 and 3: the card number, 13 to 19 digits\n",
     NULL},
    {"pin encrypt", "build and encipher an ISO 9564-1 format 4 (AES) PIN block", run_pin_encrypt,
     BIT(O_FORMAT) | BIT(O_KEY) | BIT(O_PIN) | BIT(O_PAN), BIT(O_FILL),
     "--format 4 --key HEX --pin PIN --pan PAN [--fill HEX]",
     "Builds an ISO 9564-1 format 4 PIN block and enciphers it under an AES PIN\n"
     "key (ISO 9564-1:2017 9.4): 32 hex digits.\n"
     "\n"
     "  --format 4  the enciphered format (0, 1 and 3 are clear: 'pin encode')\n"
     "  --key HEX   the AES PIN key, 32, 48 or 64 hex digits\n"
     "  --pin PIN   4 to 12 digits\n"
     "  --pan PAN   the card number, 1 to 19 digits\n"
     "  --fill HEX  16 hex digits: the random part of the PIN field (random\n"
     "              without it)\n",
     NULL},
    {"pin decrypt", "decipher a format 4 PIN block and read its PIN", run_pin_decrypt,
     BIT(O_FORMAT) | BIT(O_KEY) | BIT(O_BLOCK) | BIT(O_PAN), 0,
     "--format 4 --key HEX --block HEX --pan PAN",
     "Deciphers an ISO 9564-1 format 4 PIN block (ISO 9564-1:2017 9.4) and reads\n"
     "its PIN. A block under another key or PAN does not read as format 4 and is\n"
     "refused.\n"
     "\n"
     "  --format 4  the enciphered format\n"
     "  --key HEX   the AES PIN key, 32, 48 or 64 hex digits\n"
     "  --block HEX the enciphered block, 32 hex digits\n"
     "  --pan PAN   the card number, 1 to 19 digits\n",
     NULL},
    {"mac", "MAC of a message: ISO 9797-1, X9.9, X9.19, CUP ECB, CMAC", run_mac,
     BIT(O_ALG) | BIT(O_KEY) | BIT(O_DATA), BIT(O_PAD),
     "--alg cbc|retail|x99|cup-ecb|aes-cmac|tdes-cmac --key HEX --data HEX\n"
     "       [--pad 1|2]",
     "Computes the MAC of the bytes of --data and prints it whole: 16 hex digits\n"
     "(aes-cmac 32), or for cup-ecb its 8 characters.\n"
     "\n"
     "  --alg A     cbc        ISO 9797-1 MAC algorithm 1: CBC-MAC under the whole\n"
     "                         key, DES or TDES (AES MACs are CMAC)\n"
     "              retail     ISO 9797-1 algorithm 3, ANSI X9.19: single-DES CBC,\n"
     "                         the last block under the double-length key\n"
     "              x99        ANSI X9.9: single-DES CBC-MAC, zero padding\n"
     "              cup-ecb    the CUP POS MAC (XOR of the blocks, two DES or TDES\n"
     "                         encryptions, spec/cup-pos.md), zero padding\n"
     "              aes-cmac   NIST SP 800-38B CMAC with AES\n"
     "              tdes-cmac  NIST SP 800-38B CMAC with 2- or 3-key TDES\n"
     "  --key HEX   cbc 16, 32 or 48 hex digits (16: single DES); retail 32;\n"
     "              x99 16; cup-ecb 16 or 32; aes-cmac 32, 48 or 64; tdes-cmac\n"
     "              32 or 48\n"
     "  --data HEX  the message, which may be empty\n"
     "  --pad P     cbc and retail: ISO 9797-1 padding method 1 (zeros to a whole\n"
     "              block, the default) or 2 (a 1 bit, then zeros); x99: 1 only\n",
     NULL},
    {"dukpt", "derive a DUKPT key (ANSI X9.24-1 TDES, X9.24-3 AES), host side", run_dukpt,
     BIT(O_BDK) | BIT(O_KSN) | BIT(O_ALG) | BIT(O_KEY), 0,
     "--bdk HEX --ksn HEX --alg tdes|aes128|aes256\n"
     "       --key ipek|pin|mac|mac-resp|data",
     "Derives a DUKPT key as the host does, from the base derivation key and the\n"
     "key serial number the device sent.\n"
     "\n"
     "  --alg A     tdes    ANSI X9.24-1:2009 annex A: BDK 32 hex digits, KSN 20\n"
     "              aes128  ANSI X9.24-3:2017, an AES-128 working key\n"
     "              aes256  ANSI X9.24-3:2017, an AES-256 working key\n"
     "              For AES the BDK is AES-128, -192 or -256 by its length (32, 48\n"
     "              or 64 hex digits; aes256 needs an AES-256 BDK), KSN 24 digits.\n"
     "  --key K     ipek      the device's initial key, of the BDK's type (the\n"
     "                        KSN's counter is ignored)\n"
     "              pin       PIN encryption (TDES variant ..FF; AES usage 1000)\n"
     "              mac       MAC of requests (TDES variant ..FF00, which also\n"
     "                        serves both ways; AES 2000, MAC generation)\n"
     "              mac-resp  MAC of responses (TDES variant ..FF000000; AES\n"
     "                        2001, MAC verification)\n"
     "              data      data of requests (TDES variant ..FF0000 through the\n"
     "                        one-way function of A.4.1; AES 3000, encryption)\n"
     "  --bdk HEX   the base derivation key\n"
     "  --ksn HEX   the key serial number\n",
     NULL},
    {"cvv", "Visa CVV, CVV2 or iCVV of a card", run_cvv,
     BIT(O_CVK) | BIT(O_PAN) | BIT(O_EXPIRY) | BIT(O_SERVICE_CODE), 0,
     "--cvk HEX --pan PAN --expiry YYMM --service-code NNN",
     "Computes a Visa card verification value (Visa CVV algorithm: the PAN, expiry\n"
     "and service code enciphered under CVK A and B, decimalised): 3 digits. The\n"
     "same algorithm gives the CVV2 with service code 000 and the iCVV of the\n"
     "chip's track 2 image with 999; Mastercard's CVC is computed the same way.\n"
     "\n"
     "  --cvk HEX           the key pair CVK A || CVK B, 32 hex digits\n"
     "  --pan PAN           the card number, 12 to 19 digits\n"
     "  --expiry YYMM       the expiry date as the card encodes it, 4 digits\n"
     "  --service-code NNN  3 digits (000: CVV2; 999: iCVV)\n",
     NULL},
    {"pvv", "Visa PIN verification value of a PIN", run_pvv,
     BIT(O_PVK) | BIT(O_PVKI) | BIT(O_PAN) | BIT(O_PIN), 0,
     "--pvk HEX --pvki N --pan PAN --pin PIN",
     "Computes the Visa PIN verification value (Visa PVV: the 11 PAN digits left of\n"
     "the check digit, the key index and the first 4 PIN digits enciphered under\n"
     "PVK A and B, decimalised): 4 digits.\n"
     "\n"
     "  --pvk HEX   the key pair PVK A || PVK B, 32 hex digits\n"
     "  --pvki N    the PIN verification key index, one digit (Visa uses 1 to 6)\n"
     "  --pan PAN   the card number, 12 to 19 digits\n"
     "  --pin PIN   4 to 12 digits, of which the first 4 enter the value\n",
     NULL},
    {"ibm3624", "IBM 3624 PIN offset of a customer-selected PIN", run_ibm3624,
     BIT(O_PVK) | BIT(O_DECTAB) | BIT(O_VALIDATION) | BIT(O_PIN), BIT(O_PAD),
     "--pvk HEX --dectab 16DIGITS --validation HEX --pin PIN [--pad D]",
     "Computes the IBM 3624 PIN offset of a PIN: the validation data enciphered\n"
     "under the PIN verification key and decimalised gives the natural PIN; the\n"
     "offset is the PIN minus it, digit by digit, modulo 10. As many digits as\n"
     "the PIN; the whole offset is checked.\n"
     "\n"
     "  --pvk HEX         the PIN verification key: 16, 32 or 48 hex digits (16:\n"
     "                    single DES, as the 3624 had it)\n"
     "  --dectab DIGITS   the decimalisation table, 16 digits: those for 0 to F\n"
     "  --validation HEX  the validation data, 1 to 16 hex digits (usually from\n"
     "                    the PAN)\n"
     "  --pin PIN         the customer's PIN, 4 to 12 digits\n"
     "  --pad D           the hex digit that fills the validation data on the\n"
     "                    right to 16 digits (default F)\n",
     NULL},
    {"emv icc-mk", "EMV ICC master key from the issuer master key (option A)", run_emv_icc_mk,
     BIT(O_IMK) | BIT(O_PAN) | BIT(O_PSN), 0, "--imk HEX --pan PAN --psn NN",
     "Derives a card's ICC master key from the issuer master key, EMV 4.3 Book 2\n"
     "A1.4.1 option A: the rightmost 16 digits of PAN || PSN enciphered under the\n"
     "IMK, and its complement; odd parity. 32 hex digits.\n"
     "\n"
     "  --imk HEX   the issuer master key, 32 hex digits (double-length TDES)\n"
     "  --pan PAN   the application PAN (tag 5A), 12 to 19 digits\n"
     "  --psn NN    the PAN sequence number (tag 5F34), 2 digits; 00 for a card\n"
     "              without one\n",
     NULL},
    {"emv session-key", "EMV common session key from an ICC master key", run_emv_session_key,
     BIT(O_MK) | BIT(O_R), 0, "--mk HEX --r HEX",
     "Derives an EMV session key, EMV 4.3 Book 2 A1.3.1 common session key\n"
     "derivation: R || F0 || 00 and R || 0F || 00 enciphered under the master key;\n"
     "odd parity. 32 hex digits.\n"
     "\n"
     "  --mk HEX    the ICC master key, 32 hex digits\n"
     "  --r HEX     the diversification value R, 16 hex digits: for application\n"
     "              cryptograms the ATC followed by 000000000000\n",
     NULL},
    {"emv arqc", "EMV application cryptogram (ARQC, TC, AAC)", run_emv_arqc,
     BIT(O_KEY) | BIT(O_DATA), 0, "--key HEX --data HEX",
     "Computes an EMV application cryptogram over the transaction data, EMV 4.3\n"
     "Book 2 8.1.2: ISO 9797-1 MAC algorithm 3 with padding method 2 under the\n"
     "session key. 16 hex digits. The issuer verifies an ARQC by computing it\n"
     "and comparing.\n"
     "\n"
     "  --key HEX   the AC session key, 32 hex digits\n"
     "  --data HEX  the data elements in the order of the card's CDOL1 (Book 2\n"
     "              8.1.1: amount, other amount, country, TVR, currency, date,\n"
     "              type, unpredictable number, AIP, ATC, ...)\n",
     NULL},
    {"emv arpc", "EMV authorisation response cryptogram, method 1 or 2", run_emv_arpc,
     BIT(O_KEY) | BIT(O_ARQC), BIT(O_ARC) | BIT(O_METHOD) | BIT(O_CSU) | BIT(O_PAD_DATA),
     "--key HEX --arqc HEX --arc HEX [--method 1]\n"
     "       possum crypto emv arpc --method 2 --key HEX --arqc HEX --csu HEX\n"
     "       [--pad-data HEX]",
     "Computes the ARPC the issuer returns to the card (EMV 4.3 Book 2 8.2).\n"
     "Method 1 (8.2.1, the default): TDES of ARQC XOR (ARC || 000000000000), 16\n"
     "hex digits. Method 2 (8.2.2): the leftmost 4 bytes of the MAC of ARQC ||\n"
     "CSU || proprietary authentication data, 8 hex digits.\n"
     "\n"
     "  --key HEX       the AC session key, 32 hex digits (method 1: some issuers\n"
     "                  use the ICC master key instead)\n"
     "  --arqc HEX      the card's ARQC, 16 hex digits\n"
     "  --method M      1 (the default) or 2\n"
     "  --arc HEX       method 1: the authorisation response code, 4 hex digits\n"
     "                  (the two characters of field 39 in ASCII: 3030 for 00)\n"
     "  --csu HEX       method 2: the card status update, 8 hex digits\n"
     "  --pad-data HEX  method 2: the proprietary authentication data, 0 to 16\n"
     "                  hex digits (none by default)\n",
     NULL},
    {"tr31 unwrap", "authenticate and decrypt a TR-31 / X9.143 key block", run_tr31_unwrap,
     BIT(O_KBPK) | BIT(O_BLOCK), BIT(O_VERBOSE), "--kbpk HEX --block TEXT [-v]",
     "Authenticates and decrypts a TR-31 / ANSI X9.143 key block of version A, B,\n"
     "C or D (TR-31:2018 5.3) and prints the key.\n"
     "\n"
     "  --kbpk HEX     the key block protection key: TDES 32 or 48 hex digits for\n"
     "                 versions A, B and C; AES 32, 48 or 64 for D\n"
     "  --block TEXT   the key block\n"
     "  -v, --verbose  the parsed header on standard error: version, usage,\n"
     "                 algorithm, mode of use, key version, exportability and the\n"
     "                 optional blocks\n",
     "1 the block does not authenticate (tampered, or under another KBPK); "},
    {"tr31 wrap", "wrap a key in a TR-31 / X9.143 key block, version B or D", run_tr31_wrap,
     BIT(O_KBPK) | BIT(O_KEY) | BIT(O_HEADER), BIT(O_FILL),
     "--kbpk HEX --key HEX --header TEXT [--fill HEX]",
     "Wraps a key in a TR-31 / ANSI X9.143 key block with key derivation binding\n"
     "(TR-31:2018 5.3.2): version B under a TDES KBPK, D under an AES KBPK.\n"
     "\n"
     "  --kbpk HEX     the key block protection key: B 32 or 48 hex digits, D 32,\n"
     "                 48 or 64\n"
     "  --key HEX      the key: as the header's algorithm has it (TDES 16, 32 or\n"
     "                 48 hex digits, AES 32, 48 or 64), no stronger than the KBPK\n"
     "  --header TEXT  the 16-character header and its optional blocks, e.g.\n"
     "                 D0000P0AE00E0000: version, length (filled in: write 0000),\n"
     "                 usage, algorithm, mode of use, key version, exportability,\n"
     "                 number of optional blocks, 00\n"
     "  --fill HEX     the pad after the key, as many bytes as the block needs to\n"
     "                 reach a whole cipher block (random without it)\n",
     NULL},
};

#define N_CMDS (sizeof cmds / sizeof cmds[0])

/* ---- Dispatch ---- */

static bool is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 || strcmp(arg, "help") == 0;
}

static const struct crypto_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < N_CMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

/* True when group is the first word of some two-word command. */
static bool is_group(const char *group)
{
	size_t n = strlen(group);

	for (size_t i = 0; i < N_CMDS; i++)
		if (strncmp(cmds[i].name, group, n) == 0 && cmds[i].name[n] == ' ')
			return true;
	return false;
}

/* The list of commands (all, or those of group), as `possum crypto --help` prints it. */
static void print_list(FILE *out, const char *group)
{
	size_t n = group != NULL ? strlen(group) : 0;

	if (group == NULL)
		fprintf(
		    out,
		    "Usage: possum crypto COMMAND [OPTIONS]\n"
		    "\n"
		    "Payment cryptography on the command line. Hex is read in either case and\n"
		    "printed in upper case; the result is printed alone on one line. Keys given\n"
		    "on a command line are visible to other users (ps) and kept in the shell's\n"
		    "history: use test keys.\n");
	else
		fprintf(out, "Usage: possum crypto %s COMMAND [OPTIONS]\n", group);
	fprintf(out, "\nCommands:\n");
	for (size_t i = 0; i < N_CMDS; i++)
		if (group == NULL ||
		    (strncmp(cmds[i].name, group, n) == 0 && cmds[i].name[n] == ' '))
			fprintf(out, "  %-16s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(out, "\nExit status: 0 done; 1 a check failed (a TR-31 block that does not\n"
	             "authenticate); 2 bad usage or bad input (the message names the option).\n"
	             "\nRun 'possum crypto COMMAND --help' for a command's options.\n");
}

static void print_help(const struct crypto_cmd *cmd, const char *prog)
{
	printf("Usage: %s %s\n\n%s\nExit status: 0 done; %s2 bad usage or bad input.\n", prog,
	       cmd->usage, cmd->help, cmd->fails != NULL ? cmd->fails : "");
}

/* Reads argv (argv[0] the command's name) into c: only options the command takes, none
 * twice, every required one. *help is set by --help, which stops the reading. */
static int parse_options(const struct crypto_cmd *cmd, int argc, char **argv, struct cmd_ctx *c,
                         bool *help)
{
	int o;

	opterr = 0; /* the messages are ours */
	optind = 0;
	while ((o = getopt_long(argc, argv, ":hv", long_opts, NULL)) != -1) {
		if (o == 'h') {
			*help = true;
			return CLI_OK;
		}
		if (o == ':')
			return cli_usage_error(c->prog, "option '%s' needs a value",
			                       argv[optind - 1]);
		if (o == '?' && optopt != 0)
			return cli_usage_error(c->prog, "unknown option '-%c'", optopt);
		if (o == '?')
			return cli_usage_error(c->prog, "unknown option '%s'", argv[optind - 1]);
		if (o == 'v' && !(cmd->optional & BIT(O_VERBOSE)))
			return cli_usage_error(c->prog, "unknown option '-v'");
		o = o == 'v' ? O_VERBOSE : o - OPT_VAL;
		if (!((cmd->required | cmd->optional) & BIT(o)))
			return cli_usage_error(c->prog, "unknown option '--%s'", long_opts[o].name);
		if (c->v[o] != NULL)
			return cli_usage_error(c->prog, "--%s given twice", long_opts[o].name);
		c->v[o] = optarg != NULL ? optarg : "";
	}
	if (optind < argc)
		return cli_usage_error(c->prog, "unexpected argument '%s'", argv[optind]);
	for (o = 0; o < O_COUNT; o++)
		if ((cmd->required & BIT(o)) && c->v[o] == NULL)
			return cli_usage_error(c->prog, "--%s is required", long_opts[o].name);
	return CLI_OK;
}

int cli_crypto(int argc, char **argv)
{
	const struct crypto_cmd *cmd = NULL;
	struct cmd_ctx c = {0};
	char prog[64], name[64];
	bool help = false;
	int words = 1, rc;

	if (argc < 2 || is_help(argv[1])) {
		print_list(argc < 2 ? stderr : stdout, NULL);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (is_group(argv[1])) {
		if (argc > 2 && argv[2][0] != '-') {
			snprintf(name, sizeof name, "%s %s", argv[1], argv[2]);
			cmd = find_cmd(name);
			words = 2;
		}
		if (cmd == NULL) {
			help = argc > 2 && is_help(argv[2]);
			if (argc > 2 && !help)
				fprintf(stderr, "possum crypto %s: unknown command '%s'\n\n",
				        argv[1], argv[2]);
			print_list(help ? stdout : stderr, argv[1]);
			return help ? CLI_OK : CLI_USAGE;
		}
	} else if ((cmd = find_cmd(argv[1])) == NULL) {
		fprintf(stderr, "possum crypto: unknown command '%s'\n\n", argv[1]);
		print_list(stderr, NULL);
		return CLI_USAGE;
	}
	snprintf(prog, sizeof prog, "possum crypto %s", cmd->name);
	c.prog = prog;
	if ((rc = parse_options(cmd, argc - words, argv + words, &c, &help)) != CLI_OK)
		return rc;
	if (help) {
		print_help(cmd, prog);
		return CLI_OK;
	}
	return cmd->run(&c);
}
