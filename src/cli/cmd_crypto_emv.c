/* cmd_crypto_emv.c — `possum crypto`: EMV: the ICC master key, session keys and the cryptograms
 * ARQC and ARPC. Each command is a run function and its help; cmd_crypto.c lists them. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_crypto.h"
#include "crypto/emv.h"

int cli_crypto_emv_icc_mk(const struct cmd_ctx *c)
{
	uint8_t imk[16], mk[16];
	size_t n;
	int rc;

	if ((rc = cli_crypto_hex(c, O_IMK, LEN(16), imk, sizeof imk, &n)) == CLI_OK &&
	    (rc = cli_crypto_digits(c, O_PSN, 2, 2)) == CLI_OK &&
	    (rc = cli_crypto_lib(c, crypto_emv_icc_mk_a(imk, c->v[O_PAN], c->v[O_PSN], mk),
	                         "--pan")) == CLI_OK)
		cli_crypto_out_hex(c, mk, sizeof mk);
	crypto_wipe(imk, sizeof imk);
	crypto_wipe(mk, sizeof mk);
	return rc;
}

int cli_crypto_emv_session_key(const struct cmd_ctx *c)
{
	uint8_t mk[16], r[8], sk[16];
	size_t n;
	int rc;

	if ((rc = cli_crypto_hex(c, O_MK, LEN(16), mk, sizeof mk, &n)) == CLI_OK &&
	    (rc = cli_crypto_hex(c, O_R, LEN(8), r, sizeof r, &n)) == CLI_OK &&
	    (rc = cli_crypto_lib(c, crypto_emv_session_key(mk, r, n, sk), "--r")) == CLI_OK)
		cli_crypto_out_hex(c, sk, sizeof sk);
	crypto_wipe(mk, sizeof mk);
	crypto_wipe(sk, sizeof sk);
	return rc;
}

int cli_crypto_emv_arqc(const struct cmd_ctx *c)
{
	uint8_t sk[16], ac[8], *data = NULL;
	size_t n;
	int rc;

	if ((rc = cli_crypto_hex(c, O_KEY, LEN(16), sk, sizeof sk, &n)) == CLI_OK &&
	    (rc = cli_crypto_data(c, O_DATA, &data, &n)) == CLI_OK &&
	    (rc = cli_crypto_lib(c, crypto_emv_arqc(sk, data, n, ac), "--data")) == CLI_OK)
		cli_crypto_out_hex(c, ac, sizeof ac);
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

int cli_crypto_emv_arpc(const struct cmd_ctx *c)
{
	uint8_t key[16], arqc[8], arc[2], csu[4], pad[CRYPTO_EMV_PAD_MAX], arpc[8];
	size_t method = 0, n, pad_len = 0;
	int rc;

	if ((rc = CHOOSE(c, O_METHOD, arpc_methods, &method)) != CLI_OK ||
	    (rc = arpc_options(c, method)) != CLI_OK ||
	    (rc = cli_crypto_hex(c, O_KEY, LEN(16), key, sizeof key, &n)) != CLI_OK ||
	    (rc = cli_crypto_hex(c, O_ARQC, LEN(8), arqc, sizeof arqc, &n)) != CLI_OK)
		goto out;
	if (method == 0) {
		if ((rc = cli_crypto_hex(c, O_ARC, LEN(2), arc, sizeof arc, &n)) == CLI_OK &&
		    (rc = cli_crypto_lib(c, crypto_emv_arpc1(key, arqc, arc, arpc), "--key")) ==
		        CLI_OK)
			cli_crypto_out_hex(c, arpc, 8);
		goto out;
	}
	if ((rc = cli_crypto_hex(c, O_CSU, LEN(4), csu, sizeof csu, &n)) != CLI_OK ||
	    (c->v[O_PAD_DATA] != NULL &&
	     (rc = cli_crypto_hex(c, O_PAD_DATA, (LEN(CRYPTO_EMV_PAD_MAX) << 1) - 1, pad,
	                          sizeof pad, &pad_len)) != CLI_OK) ||
	    (rc = cli_crypto_lib(c, crypto_emv_arpc2(key, arqc, csu, pad, pad_len, arpc),
	                         "--pad-data")) != CLI_OK)
		goto out;
	cli_crypto_out_hex(c, arpc, 4);
out:
	crypto_wipe(key, sizeof key);
	return rc;
}

const struct crypto_help cli_crypto_emv_icc_mk_help = {
    "--imk HEX --pan PAN --psn NN",
    "Derives a card's ICC master key from the issuer master key, EMV 4.3 Book 2\n"
    "A1.4.1 option A: the rightmost 16 digits of PAN || PSN enciphered under the\n"
    "IMK, and its complement; odd parity. 32 hex digits.\n"
    "\n"
    "  --imk HEX   the issuer master key, 32 hex digits (double-length TDES)\n"
    "  --pan PAN   the application PAN (tag 5A), 12 to 19 digits\n"
    "  --psn NN    the PAN sequence number (tag 5F34), 2 digits; 00 for a card\n"
    "              without one\n",
    NULL};

const struct crypto_help cli_crypto_emv_session_key_help = {
    "--mk HEX --r HEX",
    "Derives an EMV session key, EMV 4.3 Book 2 A1.3.1 common session key\n"
    "derivation: R || F0 || 00 and R || 0F || 00 enciphered under the master key;\n"
    "odd parity. 32 hex digits.\n"
    "\n"
    "  --mk HEX    the ICC master key, 32 hex digits\n"
    "  --r HEX     the diversification value R, 16 hex digits: for application\n"
    "              cryptograms the ATC followed by 000000000000\n",
    NULL};

const struct crypto_help cli_crypto_emv_arqc_help = {
    "--key HEX --data HEX",
    "Computes an EMV application cryptogram over the transaction data, EMV 4.3\n"
    "Book 2 8.1.2: ISO 9797-1 MAC algorithm 3 with padding method 2 under the\n"
    "session key. 16 hex digits. The issuer verifies an ARQC by computing it\n"
    "and comparing.\n"
    "\n"
    "  --key HEX   the AC session key, 32 hex digits\n"
    "  --data HEX  the data elements in the order of the card's CDOL1 (Book 2\n"
    "              8.1.1: amount, other amount, country, TVR, currency, date,\n"
    "              type, unpredictable number, AIP, ATC, ...)\n",
    NULL};

const struct crypto_help cli_crypto_emv_arpc_help = {
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
    NULL};
