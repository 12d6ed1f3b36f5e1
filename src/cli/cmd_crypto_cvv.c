/* cmd_crypto_cvv.c — `possum crypto`: card and PIN verification values: Visa CVV, PVV and the IBM
 * 3624 PIN offset. Each command is a run function and its help; cmd_crypto.c lists them. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_crypto.h"
#include "crypto/cardver.h"
#include "crypto/pinblock.h"
#include "common/hex.h"

int cli_crypto_cvv(const struct cmd_ctx *c)
{
	char cvv[CRYPTO_CVV_LEN + 1];
	uint8_t cvk[16];
	size_t n;
	int rc;

	if ((rc = cli_crypto_hex(c, O_CVK, LEN(16), cvk, sizeof cvk, &n)) == CLI_OK &&
	    (rc = cli_crypto_digits(c, O_EXPIRY, 4, 4)) == CLI_OK &&
	    (rc = cli_crypto_digits(c, O_SERVICE_CODE, 3, 3)) == CLI_OK &&
	    (rc = cli_crypto_lib(
	         c, crypto_cvv(cvk, c->v[O_PAN], c->v[O_EXPIRY], c->v[O_SERVICE_CODE], cvv),
	         "--pan")) == CLI_OK)
		cli_crypto_out(c, cvv);
	crypto_wipe(cvk, sizeof cvk);
	return rc;
}

int cli_crypto_pvv(const struct cmd_ctx *c)
{
	char pvv[CRYPTO_PVV_LEN + 1];
	uint8_t pvk[16];
	size_t n;
	int rc;

	if ((rc = cli_crypto_hex(c, O_PVK, LEN(16), pvk, sizeof pvk, &n)) == CLI_OK &&
	    (rc = cli_crypto_digits(c, O_PVKI, 1, 1)) == CLI_OK) {
		rc = crypto_pvv(pvk, c->v[O_PAN], c->v[O_PVKI][0] - '0', c->v[O_PIN], pvv);
		if ((rc = cli_crypto_lib(c, rc, rc == CRYPTO_EPIN ? "--pin" : "--pan")) == CLI_OK)
			cli_crypto_out(c, pvv);
	}
	crypto_wipe(pvk, sizeof pvk);
	return rc;
}

int cli_crypto_ibm3624(const struct cmd_ctx *c)
{
	const char *pad = c->v[O_PAD] != NULL ? c->v[O_PAD] : "F";
	char offset[CRYPTO_PIN_MAX + 1];
	uint8_t pvk[24];
	struct crypto_ibm3624 p = {pvk, 0, c->v[O_DECTAB], c->v[O_VALIDATION], pad[0]};
	int rc;

	if ((rc = cli_crypto_hex(c, O_PVK, TDES_KEY, pvk, sizeof pvk, &p.pvk_len)) != CLI_OK ||
	    (rc = cli_crypto_digits(c, O_DECTAB, 16, 16)) != CLI_OK)
		goto out;
	if (strlen(pad) != 1 || hex_digit((unsigned char)pad[0]) < 0) {
		rc = cli_error(CLI_USAGE, c->prog, "--pad must be one hex digit");
		goto out;
	}
	rc = crypto_ibm3624_offset(&p, c->v[O_PIN], offset, sizeof offset);
	if (rc == CRYPTO_EFORMAT)
		rc = cli_error(CLI_USAGE, c->prog, "--validation must be 1 to 16 hex digits");
	else if ((rc = cli_crypto_lib(c, rc, "--pin")) == CLI_OK)
		cli_crypto_out(c, offset);
out:
	crypto_wipe(pvk, sizeof pvk);
	crypto_wipe(offset, sizeof offset);
	return rc;
}

const struct crypto_help cli_crypto_cvv_help = {
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
    NULL};

const struct crypto_help cli_crypto_pvv_help = {
    "--pvk HEX --pvki N --pan PAN --pin PIN",
    "Computes the Visa PIN verification value (Visa PVV: the 11 PAN digits left of\n"
    "the check digit, the key index and the first 4 PIN digits enciphered under\n"
    "PVK A and B, decimalised): 4 digits.\n"
    "\n"
    "  --pvk HEX   the key pair PVK A || PVK B, 32 hex digits\n"
    "  --pvki N    the PIN verification key index, one digit (Visa uses 1 to 6)\n"
    "  --pan PAN   the card number, 12 to 19 digits\n"
    "  --pin PIN   4 to 12 digits, of which the first 4 enter the value\n",
    NULL};

const struct crypto_help cli_crypto_ibm3624_help = {
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
    NULL};
