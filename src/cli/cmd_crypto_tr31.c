/* cmd_crypto_tr31.c — `possum crypto`: TR-31 / ANSI X9.143 key blocks: unwrap (with the header read
 * for people) and wrap. Each command is a run function and its help; cmd_crypto.c lists them. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_crypto.h"
#include "crypto/tr31.h"
#include "common/hex.h"

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

int cli_crypto_tr31_unwrap(const struct cmd_ctx *c)
{
	const char *block = c->v[O_BLOCK];
	uint8_t kbpk[32], key[CRYPTO_TR31_MAX_KEY];
	struct crypto_tr31_header h;
	size_t kbpk_len, key_len = 0;
	int rc;

	if ((rc = cli_crypto_hex(c, O_KBPK, LEN(16) | AES_KEY, kbpk, sizeof kbpk, &kbpk_len)) !=
	    CLI_OK)
		goto out;
	if (c->verbose && crypto_tr31_parse(block, strlen(block), &h) == CRYPTO_OK)
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
	else if ((rc = cli_crypto_lib(c, rc, "--block")) == CLI_OK)
		cli_crypto_out_hex(c, key, key_len);
out:
	crypto_wipe(kbpk, sizeof kbpk);
	crypto_wipe(key, sizeof key);
	return rc;
}

/* --header for wrap (TR-31:2018 A.5): the fixed 16 characters, whose length field the wrap
 * fills in, and the optional blocks after them. The library checks every field. */
static int wrap_header(const struct cmd_ctx *c, struct crypto_tr31_header *h)
{
	const char *t = c->v[O_HEADER];
	size_t n = strlen(t);

	if (crypto_tr31_header_read(t, n, h) != CRYPTO_OK)
		return cli_error(CLI_USAGE, c->prog,
		                 "--header must be 16 characters (version, 4-digit length, usage, "
		                 "algorithm, mode, key version, exportability, 2-digit number of "
		                 "optional blocks, 00) and the optional blocks");
	if (h->version != 'B' && h->version != 'D')
		return cli_error(CLI_USAGE, c->prog,
		                 "--header: version must be B (TDES KBPK) or D (AES KBPK); A and C "
		                 "are read, not written (ANSI X9.143)");
	return CLI_OK;
}

int cli_crypto_tr31_wrap(const struct cmd_ctx *c)
{
	uint8_t kbpk[32], key[CRYPTO_TR31_MAX_KEY], fill[CRYPTO_TR31_PAD_MAX];
	char out[CRYPTO_TR31_MAX_LEN + 1];
	struct crypto_tr31_header h;
	size_t kbpk_len, key_len, block, n;
	int rc;

	if ((rc = wrap_header(c, &h)) != CLI_OK ||
	    (rc = cli_crypto_hex(c, O_KBPK, h.version == 'B' ? LEN(16) | LEN(24) : AES_KEY, kbpk,
	                         sizeof kbpk, &kbpk_len)) != CLI_OK ||
	    (rc = cli_crypto_hex(c, O_KEY, ANY_KEY, key, sizeof key, &key_len)) != CLI_OK)
		goto out;
	/* TR-31:2018 A.3: key data is a 2-byte length, the key and the pad to a whole block. */
	block = h.version == 'D' ? 16 : 8;
	if (c->v[O_FILL] != NULL &&
	    (rc = cli_crypto_hex(c, O_FILL, LEN((block - (2 + key_len) % block) % block), fill,
	                         sizeof fill, &n)) != CLI_OK)
		goto out;
	rc = crypto_tr31_wrap(kbpk, kbpk_len, &h, key, key_len, c->v[O_FILL] ? fill : NULL, out,
	                      sizeof out, &n);
	if (rc == CRYPTO_EKEYLEN)
		rc = cli_error(CLI_USAGE, c->prog,
		               "--key: a %zu-byte key is not a '%c' key this KBPK may wrap",
		               key_len, h.algorithm);
	else if ((rc = cli_crypto_lib(c, rc, "--header")) == CLI_OK)
		cli_crypto_out(c, out);
out:
	crypto_wipe(kbpk, sizeof kbpk);
	crypto_wipe(key, sizeof key);
	crypto_wipe(fill, sizeof fill);
	return rc;
}

const struct crypto_help cli_crypto_tr31_unwrap_help = {
    "--kbpk HEX --block TEXT [-v]",
    "Authenticates and decrypts a TR-31 / ANSI X9.143 key block of version A, B,\n"
    "C or D (TR-31:2018 5.3) and prints the key.\n"
    "\n"
    "  --kbpk HEX     the key block protection key: TDES 32 or 48 hex digits for\n"
    "                 versions A, B and C; AES 32, 48 or 64 for D\n"
    "  --block TEXT   the key block\n"
    "  -v, --verbose  the parsed header on standard error: version, usage,\n"
    "                 algorithm, mode of use, key version, exportability and the\n"
    "                 optional blocks\n",
    "1 the block does not authenticate (tampered, or under another KBPK); "};

const struct crypto_help cli_crypto_tr31_wrap_help = {
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
    NULL};
