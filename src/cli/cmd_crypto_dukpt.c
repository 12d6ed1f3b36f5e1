/* cmd_crypto_dukpt.c — `possum crypto`: DUKPT keys as the host derives them: ANSI X9.24-1 (TDES)
 * and X9.24-3 (AES). Each command is a run function and its help; cmd_crypto.c lists them. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_crypto.h"
#include "crypto/dukpt.h"

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

int cli_crypto_dukpt(const struct cmd_ctx *c)
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
	if ((rc = cli_crypto_hex(c, O_BDK, aes ? AES_KEY : LEN(CRYPTO_DUKPT_TDES_KEY_LEN), bdk,
	                         sizeof bdk, &bdk_len)) != CLI_OK ||
	    (rc = cli_crypto_hex(
	         c, O_KSN, aes ? LEN(CRYPTO_DUKPT_AES_KSN_LEN) : LEN(CRYPTO_DUKPT_TDES_KSN_LEN),
	         ksn, sizeof ksn, &ksn_len)) != CLI_OK)
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
	if ((rc = cli_crypto_lib(c, rc, "--ksn")) != CLI_OK)
		goto out;
	cli_crypto_out_hex(c, key, key_len);
out:
	crypto_wipe(bdk, sizeof bdk);
	crypto_wipe(key, sizeof key);
	return rc;
}

const struct crypto_help cli_crypto_dukpt_help = {
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
    NULL};
