/* cmd_crypto_mac.c — `possum crypto`: message authentication codes: ISO 9797-1 algorithms 1 and 3,
 * X9.9, the CUP ECB MAC and CMAC. Each command is a run function and its help; cmd_crypto.c lists
 * them. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_crypto.h"
#include "crypto/mac.h"

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

/* A MAC that is text (CUP ECB's 8 hex characters), printed as the others. */
static void print_text(const struct cmd_ctx *c, const uint8_t *mac, size_t n)
{
	char text[64];

	snprintf(text, sizeof text, "%.*s", (int)n, (const char *)mac);
	cli_crypto_out(c, text);
}

int cli_crypto_mac(const struct cmd_ctx *c)
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
	    (rc = cli_crypto_hex(c, O_KEY, a->key_lens, key, sizeof key, &key_len)) != CLI_OK ||
	    (rc = cli_crypto_data(c, O_DATA, &data, &len)) != CLI_OK ||
	    (rc = cli_crypto_lib(c, crypto_mac_create(a->alg, pad, a->cipher, key, key_len, &m),
	                         "--key")) != CLI_OK ||
	    (rc = cli_crypto_lib(c, crypto_mac_compute(m, data, len, mac, crypto_mac_size(m)),
	                         "--data")) != CLI_OK)
		goto out;
	if (a->alg == CRYPTO_MAC_CUP_ECB)
		print_text(c, mac, crypto_mac_size(m));
	else
		cli_crypto_out_hex(c, mac, crypto_mac_size(m));
out:
	crypto_mac_free(m);
	crypto_wipe(key, sizeof key);
	free(data);
	return rc;
}

const struct crypto_help cli_crypto_mac_help = {
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
    "                         encryptions, docs/cup-pos.md), zero padding\n"
    "              aes-cmac   NIST SP 800-38B CMAC with AES\n"
    "              tdes-cmac  NIST SP 800-38B CMAC with 2- or 3-key TDES\n"
    "  --key HEX   cbc 16, 32 or 48 hex digits (16: single DES); retail 32;\n"
    "              x99 16; cup-ecb 16 or 32; aes-cmac 32, 48 or 64; tdes-cmac\n"
    "              32 or 48\n"
    "  --data HEX  the message, which may be empty\n"
    "  --pad P     cbc and retail: ISO 9797-1 padding method 1 (zeros to a whole\n"
    "              block, the default) or 2 (a 1 bit, then zeros); x99: 1 only\n",
    NULL};
