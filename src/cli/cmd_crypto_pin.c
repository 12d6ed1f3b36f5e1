/* cmd_crypto_pin.c — `possum crypto`: ISO 9564-1 PIN blocks: encode and decode the clear formats 0,
 * 1 and 3; encipher and decipher format 4 (AES). Each command is a run function and its help;
 * cmd_crypto.c lists them. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_crypto.h"
#include "crypto/pinblock.h"

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

int cli_crypto_pin_encode(const struct cmd_ctx *c)
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
	if (c->v[O_FILL] != NULL && (rc = cli_crypto_hex(c, O_FILL, LEN(CRYPTO_PIN_FILL_LEN), fill,
	                                                 sizeof fill, &n)) != CLI_OK)
		goto out;
	rc = crypto_pinblock_build(f, c->v[O_PIN], c->v[O_PAN], c->v[O_FILL] ? fill : NULL, block);
	if (rc == CRYPTO_EARG) {
		rc = cli_error(CLI_USAGE, c->prog, "--fill: format 3 fill digits are A to F");
		goto out;
	}
	if ((rc = cli_crypto_lib(c, rc, pin_culprit(rc))) != CLI_OK)
		goto out;
	cli_crypto_out_hex(c, block, sizeof block);
out:
	crypto_wipe(fill, sizeof fill);
	crypto_wipe(block, sizeof block);
	return rc;
}

/* Prints a PIN read from a block, or reports why the block was refused. */
static int print_pin(const struct cmd_ctx *c, int rc, const char *pin)
{
	if ((rc = cli_crypto_lib(c, rc, rc == CRYPTO_EPAN ? "--pan" : "--block")) == CLI_OK)
		cli_crypto_out(c, pin);
	return rc;
}

int cli_crypto_pin_decode(const struct cmd_ctx *c)
{
	uint8_t block[8];
	char pin[CRYPTO_PIN_MAX + 1];
	enum crypto_pin_format f;
	size_t n;
	int rc;

	if ((rc = clear_format(c, &f)) == CLI_OK &&
	    (rc = cli_crypto_hex(c, O_BLOCK, LEN(8), block, sizeof block, &n)) == CLI_OK)
		rc =
		    print_pin(c, crypto_pinblock_read(f, block, c->v[O_PAN], pin, sizeof pin), pin);
	crypto_wipe(block, sizeof block);
	crypto_wipe(pin, sizeof pin);
	return rc;
}

int cli_crypto_pin_encrypt(const struct cmd_ctx *c)
{
	uint8_t fill[CRYPTO_PIN4_FILL_LEN], block[16];
	crypto_key *k = NULL;
	size_t i, n;
	int rc;

	if ((rc = CHOOSE(c, O_FORMAT, enciphered_formats, &i)) != CLI_OK ||
	    (rc = cli_crypto_key(c, CRYPTO_AES, AES_KEY, &k)) != CLI_OK)
		goto out;
	if (c->v[O_FILL] != NULL && (rc = cli_crypto_hex(c, O_FILL, LEN(CRYPTO_PIN4_FILL_LEN), fill,
	                                                 sizeof fill, &n)) != CLI_OK)
		goto out;
	rc = crypto_pinblock4_encipher(k, c->v[O_PIN], c->v[O_PAN], c->v[O_FILL] ? fill : NULL,
	                               block);
	if ((rc = cli_crypto_lib(c, rc, pin_culprit(rc))) != CLI_OK)
		goto out;
	cli_crypto_out_hex(c, block, sizeof block);
out:
	crypto_key_free(k);
	crypto_wipe(fill, sizeof fill);
	return rc;
}

int cli_crypto_pin_decrypt(const struct cmd_ctx *c)
{
	char pin[CRYPTO_PIN_MAX + 1];
	uint8_t block[16];
	crypto_key *k = NULL;
	size_t i, n;
	int rc;

	if ((rc = CHOOSE(c, O_FORMAT, enciphered_formats, &i)) == CLI_OK &&
	    (rc = cli_crypto_key(c, CRYPTO_AES, AES_KEY, &k)) == CLI_OK &&
	    (rc = cli_crypto_hex(c, O_BLOCK, LEN(16), block, sizeof block, &n)) == CLI_OK)
		rc = print_pin(c, crypto_pinblock4_decipher(k, block, c->v[O_PAN], pin, sizeof pin),
		               pin);
	crypto_key_free(k);
	crypto_wipe(pin, sizeof pin);
	return rc;
}

const struct crypto_help cli_crypto_pin_encode_help = {
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
    NULL};

const struct crypto_help cli_crypto_pin_decode_help = {
    "--format 0|1|3 --block HEX [--pan PAN]",
    "Reads the PIN out of a clear ISO 9564-1 PIN block (ISO 9564-1:2017 9.3.2,\n"
    "9.3.3, 9.3.5). Reading is strict: a block whose control field, PIN length,\n"
    "PIN digits or fill are not what the format allows, or that was built with\n"
    "another PAN, is refused.\n"
    "\n"
    "  --format F  0, 1 or 3\n"
    "  --block HEX the block, 16 hex digits\n"
    "  --pan PAN   formats 0 and 3: the card number, 13 to 19 digits\n",
    NULL};

const struct crypto_help cli_crypto_pin_encrypt_help = {
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
    NULL};

const struct crypto_help cli_crypto_pin_decrypt_help = {
    "--format 4 --key HEX --block HEX --pan PAN",
    "Deciphers an ISO 9564-1 format 4 PIN block (ISO 9564-1:2017 9.4) and reads\n"
    "its PIN. A block under another key or PAN does not read as format 4 and is\n"
    "refused.\n"
    "\n"
    "  --format 4  the enciphered format\n"
    "  --key HEX   the AES PIN key, 32, 48 or 64 hex digits\n"
    "  --block HEX the enciphered block, 32 hex digits\n"
    "  --pan PAN   the card number, 1 to 19 digits\n",
    NULL};
