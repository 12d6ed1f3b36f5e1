/* cmd_hsm.c — `possum hsm`: the software HSM from the command line. Create an LMK, generate
 * keys, form a key from components and split one into components (key ceremonies), and show a
 * wrapped key's check value and header. Keys go in and out wrapped under the LMK; the only
 * clear key material printed is the components `export-components` is asked for. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/hex.h"
#include "crypto/crypto.h"
#include "hsm/hsm.h"

#define USAGES                                                                                     \
	"  usages: B0 BDK (mode X), C0 CVK (C G V), D0 data (B E D; PANs at rest: aes, 32),\n"     \
	"  E0 EMV master key (X), K0 KEK/TMK (B E D), K1 TR-31 KBPK (B E D), M1 CUP ECB MAC\n"     \
	"  (C G V), M3 X9.19 MAC (C G V), M6 CMAC (C G V), M7 HMAC for PAN hashes (C G V;\n"       \
	"  hmac), P0 PIN (B E D), V1 IBM 3624 PVK (C G V), V2 Visa PVK (C G V); the first mode\n"  \
	"  is the default\n"

#define LMK_HELP                                                                                   \
	"  --lmk FILE    the LMK file (else the environment variable POSSUM_LMK, 64 hex\n"         \
	"                digits)\n"

/* The exit status for an hsm failure: bad input is a usage error, the rest a failure. */
static int hsm_failed(const char *prog, int rc, const char *what)
{
	int status = rc == HSM_EARG || rc == HSM_EBLOCK || rc == HSM_EUSAGE || rc == HSM_EALG
	                 ? CLI_USAGE
	                 : CLI_FAILED;

	return cli_error(status, prog, "%s: %s", what, hsm_strerror(rc));
}

static void kcv_text(const hsm_kcv *kcv, char out[2 * HSM_KCV_MAX + 1])
{
	hex_encode(kcv->v, kcv->len, out, 2 * HSM_KCV_MAX + 1);
}

/* An encrypted PIN block: its hex, or {"pin_block":"HEX"}. */
static void print_block(const uint8_t block[8], int json)
{
	char hex[17];

	if (!json) {
		cli_print_hex(block, 8);
		return;
	}
	hex_encode(block, 8, hex, sizeof hex);
	cli_print_json(json_pack("{s:s}", "pin_block", hex));
}

/* A new wrapped key and its check value. */
static void print_key(const hsm_key *k, const hsm_kcv *kcv, int json)
{
	char kcv_hex[2 * HSM_KCV_MAX + 1];

	kcv_text(kcv, kcv_hex);
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "block", json_string(k->block));
		json_object_set_new(o, "kcv", json_string(kcv_hex));
		cli_print_json(o);
	} else {
		printf("block  %s\nkcv    %s\n", k->block, kcv_hex);
	}
}

/* Every option of an hsm command; each row's table names those it takes. */
struct hopts {
	const char *usage, *alg, *len, *mode, *exp, *lmk, *parts, *pin, *pan;
};

#define TEXT(name, member) CLI_TEXT(name, struct hopts, member)

/* The options of a key to make (--usage, --alg, --length, --mode, --export) and --lmk. */
/* import-components takes generate's options but --length: its components have theirs. */
static const cli_opt import_opts[] = {TEXT("usage", usage), TEXT("alg", alg), TEXT("mode", mode),
                                      TEXT("export", exp), TEXT("lmk", lmk)};
static const cli_opt key_opts[] = {TEXT("usage", usage), TEXT("alg", alg),    TEXT("length", len),
                                   TEXT("mode", mode),   TEXT("export", exp), TEXT("lmk", lmk)};

/* The algorithms by name; an M7 key is HMAC and nothing else, so it is M7's default. */
static const struct {
	const char *name;
	enum hsm_alg alg;
} algs[] = {{"tdes", HSM_TDES}, {"aes", HSM_AES}, {"hmac", HSM_HMAC}};

/* Reads the key options o into *spec, or says what is wrong (the exit status). */
static int key_spec(const char *prog, const struct hopts *o, struct hsm_key_spec *spec)
{
	const char *alg = o->alg;
	char *end;

	*spec = (struct hsm_key_spec){.usage = o->usage};
	if (o->usage == NULL)
		return cli_usage_error(prog, "--usage is required");
	if (alg == NULL)
		alg = strcmp(o->usage, "M7") == 0 ? "hmac" : "tdes";
	for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++)
		if (strcmp(alg, algs[i].name) == 0)
			spec->alg = algs[i].alg;
	if (spec->alg == 0)
		return cli_usage_error(prog, "--alg is tdes, aes or hmac, not '%s'", alg);
	if (o->len != NULL) {
		spec->len = strtoul(o->len, &end, 10);
		if (*o->len == '\0' || *end != '\0' || spec->len == 0)
			return cli_usage_error(prog, "--length is 16, 24 or 32, not '%s'", o->len);
	}
	if (o->mode != NULL && strlen(o->mode) != 1)
		return cli_usage_error(prog, "--mode takes one letter, not '%s'", o->mode);
	if (o->exp != NULL && strlen(o->exp) != 1)
		return cli_usage_error(prog, "--export is E, S or N, not '%s'", o->exp);
	spec->mode = o->mode != NULL ? o->mode[0] : 0;
	spec->exportability = o->exp != NULL ? o->exp[0] : 0;
	return CLI_OK;
}

/* --- init --- */

static const char init_help[] =
    "--lmk FILE [--json]\n"
    "\n"
    "Creates a new local master key (LMK, AES-256, from OpenSSL's random generator) in FILE,\n"
    "64 hex digits, mode 0600, and prints its check value: record it, to compare with the\n"
    "one 'possum hsm' shows when it loads the LMK. Never overwrites an existing file: the\n"
    "keys wrapped under an LMK are lost with it.\n"
    "\n"
    "  --lmk FILE    the LMK file to create\n"
    "  --json        print {\"kcv\":…}\n"
    "\n"
    "Exit status: 0 created; 1 the file exists or cannot be written; 2 bad usage.\n";

/* The --lmk of init, kcv and export-components. */
static const cli_opt lmk_opts[] = {TEXT("lmk", lmk)};

static int hsm_init(struct cli_env *env, const void *values)
{
	const char *prog = env->prog, *path = ((const struct hopts *)values)->lmk;
	char kcv_hex[2 * HSM_KCV_MAX + 1];
	hsm_kcv kcv;
	int rc;

	/* It makes the LMK that the others open: its row's env is none. */
	if (path == NULL)
		return cli_usage_error(prog, "--lmk FILE is required");
	if (env->n > 0)
		return cli_usage_error(prog, "takes no arguments");
	rc = hsm_lmk_create(path, &kcv);
	if (rc == HSM_EEXIST)
		return cli_error(CLI_FAILED, prog, "%s exists; an LMK is never overwritten", path);
	if (rc == HSM_EIO)
		return cli_error(CLI_FAILED, prog, "cannot create %s: %s", path, strerror(errno));
	if (rc != HSM_OK)
		return hsm_failed(prog, rc, path);
	kcv_text(&kcv, kcv_hex);
	if (env->json)
		cli_print_json(json_pack("{s:s}", "kcv", kcv_hex));
	else
		printf("kcv    %s\n", kcv_hex);
	fprintf(stderr, "%s: created %s (mode 0600); record its check value\n", prog, path);
	return CLI_OK;
}

/* --- generate --- */

static const char generate_help[] =
    "--usage U [--alg tdes|aes|hmac] [--length 16|24|32] [--mode M]\n"
    "       [--export E|S|N] [--lmk FILE] [--json]\n"
    "\n"
    "Generates a random key and prints it wrapped under the LMK (a TR-31 version D key\n"
    "block, to store anywhere) with its check value.\n"
    "\n"
    "  --usage U     the TR-31 key usage; the key serves nothing else\n" USAGES
    "  --alg A       tdes (default), aes, or hmac (HMAC-SHA-256; M7's default and only\n"
    "                one)\n"
    "  --length N    bytes: 16 (default) or 24 for tdes, 16, 24 or 32 for aes, 32 (the\n"
    "                default) for hmac\n"
    "  --mode M      TR-31 mode of use, one of the usage's\n"
    "  --export X    E exportable as a key block or components (default), S also by\n"
    "                TDES-ECB as at cup-pos sign-in, N never\n" LMK_HELP
    "  --json        print {\"block\":…,\"kcv\":…}\n"
    "\n"
    "Exit status: 0 generated; 1 failed (the LMK); 2 bad usage.\n";

static int hsm_generate_cmd(struct cli_env *env, const void *values)
{
	const struct hopts *o = values;
	const char *prog = env->prog;
	struct hsm_key_spec spec;
	hsm_key k;
	hsm_kcv kcv;
	int rc;

	if ((rc = key_spec(prog, o, &spec)) != CLI_OK)
		return rc;
	if (env->n > 0)
		return cli_usage_error(prog, "takes no arguments");
	if (spec.len == 0)
		spec.len = spec.alg == HSM_HMAC ? 32 : 16;
	if ((rc = cli_env_open_at(env, o->lmk)) != CLI_OK)
		return rc;
	if ((rc = hsm_generate(env->hsm, &spec, &k, &kcv)) != HSM_OK)
		return hsm_failed(prog, rc, spec.usage);
	print_key(&k, &kcv, env->json);
	return CLI_OK;
}

/* --- import-components --- */

static const char import_help[] =
    "--usage U [--alg tdes|aes|hmac] [--mode M] [--export E|S|N]\n"
    "       [--lmk FILE] [--json] [COMPONENT:KCV COMPONENT:KCV [COMPONENT:KCV]]\n"
    "\n"
    "Forms a key from two or three components (a key ceremony: each custodian enters\n"
    "one) and prints it wrapped under the LMK with its check value. Each component is\n"
    "hex, with its check value after a colon (3 to 8 bytes of hex, usually 3), and is\n"
    "checked before the key is formed. With no components on the command line they are\n"
    "read from standard input, one a line, so that they stay out of the shell's history\n"
    "and the process list. The key is the XOR of the components (TDES: with odd parity).\n"
    "\n"
    "  --usage U     the TR-31 key usage\n" USAGES
    "  --alg A       tdes (default), aes or hmac (M7's default); the length is the\n"
    "                components'\n"
    "  --mode M      TR-31 mode of use, one of the usage's\n"
    "  --export X    E (default), S or N, as for 'possum hsm generate'\n" LMK_HELP
    "  --json        print {\"block\":…,\"kcv\":…}\n"
    "\n"
    "Exit status: 0 formed; 1 a check value does not match, or the LMK failed; 2 bad\n"
    "usage or malformed components.\n";

/* "HEX:KCV" into c. */
static int read_component(const char *prog, size_t i, const char *text, struct hsm_component *c)
{
	const char *colon = strchr(text, ':');
	size_t n;

	if (colon == NULL ||
	    hex_decode(text, (size_t)(colon - text), c->part, sizeof c->part, &c->len) != HEX_OK ||
	    hex_decode(colon + 1, strlen(colon + 1), c->kcv.v, sizeof c->kcv.v, &n) != HEX_OK)
		return cli_usage_error(prog, "component %zu: not COMPONENT:KCV in hex", i + 1);
	c->kcv.len = n;
	return CLI_OK;
}

/* The components from the arguments, wiping each argument once read, or from stdin. */
static int read_components(const char *prog, int argc, char **argv, struct hsm_component *parts,
                           size_t *n)
{
	char line[256];
	int rc = CLI_OK;

	*n = 0;
	if (argc > 0) {
		if (argc < 2 || argc > HSM_PARTS_MAX)
			return cli_usage_error(prog, "give 2 or 3 components");
		for (int i = 0; i < argc; i++) {
			if (rc == CLI_OK)
				rc = read_component(prog, (size_t)i, argv[i], &parts[i]);
			crypto_wipe(argv[i], strlen(argv[i]));
		}
		*n = (size_t)argc;
		return rc;
	}
	while (rc == CLI_OK && fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (*n == HSM_PARTS_MAX)
			rc = cli_usage_error(prog, "give 2 or 3 components");
		else
			rc = read_component(prog, *n, line, &parts[*n]);
		(*n)++;
	}
	crypto_wipe(line, sizeof line);
	if (rc == CLI_OK && *n < 2)
		rc = cli_usage_error(prog, "give 2 or 3 components");
	return rc;
}

static int hsm_import_components_cmd(struct cli_env *env, const void *values)
{
	struct hsm_component parts[HSM_PARTS_MAX];
	const struct hopts *o = values;
	const char *prog = env->prog;
	struct hsm_key_spec spec;
	hsm_key k;
	hsm_kcv kcv;
	size_t n, bad = 0;
	int rc;

	if ((rc = key_spec(prog, o, &spec)) != CLI_OK)
		return rc;
	if ((rc = read_components(prog, env->n, env->operands, parts, &n)) != CLI_OK ||
	    (rc = cli_env_open_at(env, o->lmk)) != CLI_OK)
		goto out;
	rc = hsm_import_components(env->hsm, &spec, parts, n, &k, &kcv, &bad);
	if (rc == HSM_EKCV) {
		rc = cli_error(CLI_FAILED, prog,
		               "component %zu does not match its check value: it or its check "
		               "value was mistyped; no key was formed",
		               bad + 1);
	} else if (rc == HSM_EARG) {
		rc = cli_error(CLI_USAGE, prog,
		               "the components must be 2 or 3 of one length and not all alike "
		               "(their XOR would be zero), with check values of 3 to 8 bytes");
	} else if (rc != HSM_OK) {
		rc = hsm_failed(prog, rc, spec.usage);
	} else {
		print_key(&k, &kcv, env->json);
		rc = CLI_OK;
	}
out:
	crypto_wipe(parts, sizeof parts);
	return rc;
}

/* --- export-components --- */

static const char export_help[] =
    "[--parts 2|3] [--lmk FILE] [--json] BLOCK\n"
    "\n"
    "Splits a wrapped key into random components whose XOR is the key, and prints each\n"
    "as COMPONENT:KCV (the form 'possum hsm import-components' reads), then the key's\n"
    "check value. This prints clear key material: give each component to its own\n"
    "custodian, and the key only to where it belongs (a terminal's TMK at registration).\n"
    "Keys made with --export N do not leave.\n"
    "\n"
    "  --parts N     2 (default) or 3 components\n" LMK_HELP
    "  --json        print {\"components\":[{\"component\":…,\"kcv\":…},…],\"kcv\":…}\n"
    "\n"
    "Exit status: 0 split; 1 the key does not authenticate, may not leave, or the LMK\n"
    "failed; 2 bad usage or a malformed block.\n";

static void print_components(const struct hsm_component *parts, size_t n, const hsm_kcv *kcv,
                             int json)
{
	char part[2 * HSM_CLEAR_MAX + 1], check[2 * HSM_KCV_MAX + 1];
	json_t *root = json ? json_object() : NULL, *list = json ? json_array() : NULL;

	for (size_t i = 0; i < n; i++) {
		hex_encode(parts[i].part, parts[i].len, part, sizeof part);
		kcv_text(&parts[i].kcv, check);
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "component", json_string(part));
			json_object_set_new(o, "kcv", json_string(check));
			json_array_append_new(list, o);
		} else {
			printf("component %zu  %s:%s\n", i + 1, part, check);
		}
	}
	crypto_wipe(part, sizeof part);
	kcv_text(kcv, check);
	if (json) {
		json_object_set_new(root, "components", list);
		json_object_set_new(root, "kcv", json_string(check));
		cli_print_json(root);
	} else {
		printf("kcv          %s\n", check);
	}
}

/* The key block that kcv, export-components and pin-block take, opened with the HSM on
 * --lmk. */
static int open_block(struct cli_env *env, const char *lmk, hsm_key *k)
{
	if (hsm_key_set(k, env->operands[0]) != HSM_OK)
		return cli_usage_error(env->prog, "BLOCK is not a key block");
	return cli_env_open_at(env, lmk);
}

static int hsm_export_components_cmd(struct cli_env *env, const void *values)
{
	struct hsm_component parts[HSM_PARTS_MAX];
	const struct hopts *o = values;
	const char *prog = env->prog, *parts_text = o->parts;
	size_t n;
	hsm_key k;
	hsm_kcv kcv;
	int rc;

	if (strcmp(parts_text, "2") != 0 && strcmp(parts_text, "3") != 0)
		return cli_usage_error(prog, "--parts is 2 or 3");
	n = (size_t)(parts_text[0] - '0');
	if ((rc = open_block(env, o->lmk, &k)) != CLI_OK)
		return rc;
	if ((rc = hsm_export_components(env->hsm, &k, n, parts, &kcv)) != HSM_OK) {
		rc = hsm_failed(prog, rc, "BLOCK");
	} else {
		print_components(parts, n, &kcv, env->json);
		rc = CLI_OK;
	}
	crypto_wipe(parts, sizeof parts);
	return rc;
}

/* --- kcv --- */

static const char kcv_help[] =
    "[--lmk FILE] [--json] BLOCK\n"
    "\n"
    "Authenticates a key wrapped under the LMK and prints its check value (TDES 3 bytes,\n"
    "AES and HMAC 5) and what its header allows: usage, algorithm, length, mode of use,\n"
    "exportability.\n"
    "\n" LMK_HELP "  --json        print {\"kcv\":…,\"usage\":…,\"algorithm\":…,\"length\":…,"
    "\"mode\":…,\"export\":…}\n"
    "\n"
    "Exit status: 0 shown; 1 the block does not authenticate (tampered, or under another\n"
    "LMK) or the LMK failed; 2 bad usage or a malformed block.\n";

static void print_info(const hsm_kcv *kcv, const struct hsm_key_info *info, int json)
{
	const char *alg = "tdes";
	char check[2 * HSM_KCV_MAX + 1], mode[2] = {info->mode, '\0'};
	char exportability[2] = {info->exportability, '\0'};

	for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++)
		if (info->alg == algs[i].alg)
			alg = algs[i].name;
	kcv_text(kcv, check);
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "kcv", json_string(check));
		json_object_set_new(o, "usage", json_string(info->usage));
		json_object_set_new(o, "algorithm", json_string(alg));
		json_object_set_new(o, "length", json_integer((json_int_t)info->len));
		json_object_set_new(o, "mode", json_string(mode));
		json_object_set_new(o, "export", json_string(exportability));
		cli_print_json(o);
	} else {
		printf(
		    "kcv        %s\nusage      %s\nalgorithm  %s\nlength     %zu\nmode       %s\n"
		    "export     %s\n",
		    check, info->usage, alg, info->len, mode, exportability);
	}
}

static int hsm_kcv_cmd(struct cli_env *env, const void *values)
{
	struct hsm_key_info info;
	hsm_key k;
	hsm_kcv kcv;
	int rc;

	if ((rc = open_block(env, ((const struct hopts *)values)->lmk, &k)) != CLI_OK)
		return rc;
	if ((rc = hsm_key_kcv(env->hsm, &k, &kcv)) != HSM_OK ||
	    (rc = hsm_key_info(env->hsm, &k, &info)) != HSM_OK)
		return hsm_failed(env->prog, rc, "BLOCK");
	print_info(&kcv, &info, env->json);
	return CLI_OK;
}

/* --- pin-block --- */

static const char pin_block_help[] =
    "--pin PIN --pan PAN [--lmk FILE] [--json] BLOCK\n"
    "\n"
    "ISO 9564-1:2017 9.3.2: the format 0 PIN block of PIN for PAN, encrypted under the PIN key\n"
    "BLOCK (usage P0, mode E or B): what a PIN pad or an acquirer sends in field 52. For\n"
    "test acquirers and terminals, and for setting a card's PIN.\n"
    "\n"
    "  --pin PIN     4 to 12 digits\n"
    "  --pan PAN     the card number, 13 to 19 digits\n" LMK_HELP
    "  --json        print {\"pin_block\":\"HEX\"}\n"
    "\n"
    "Exit status: 0 printed; 1 the key does not authenticate or the LMK failed; 2 bad usage,\n"
    "a PIN or PAN format 0 cannot take, or a key that is not a PIN encryption key.\n";

static int hsm_pin_block_cmd(struct cli_env *env, const void *values)
{
	const struct hopts *o = values;
	const char *prog = env->prog;
	uint8_t block[8];
	hsm_key k;
	int rc;

	if (o->pin == NULL || o->pan == NULL)
		return cli_usage_error(prog, "--pin and --pan are required");
	if ((rc = open_block(env, o->lmk, &k)) != CLI_OK)
		return rc;
	rc = hsm_encrypt_pin(env->hsm, &k, o->pin, o->pan, block);
	if (rc == HSM_EARG || rc == HSM_EPAN) {
		rc = cli_usage_error(prog, "--pin takes 4 to 12 digits and --pan 13 to 19");
	} else if (rc != HSM_OK) {
		rc = hsm_failed(prog, rc, "BLOCK");
	} else {
		print_block(block, env->json);
		rc = CLI_OK;
	}
	crypto_wipe(block, sizeof block);
	return rc;
}

/* The one operand of kcv, export-components and pin-block. */
#define ONE_BLOCK CLI_ONE("give one key BLOCK")

static const cli_command hsm_cmds[] = {
    {"init", "create a local master key (LMK) file", .handler = hsm_init, .env = CLI_ENV_NONE,
     .help = init_help, CLI_OPTS(lmk_opts, struct hopts), .common = CLI_JSON, .max = CLI_ANY},
    {"generate", "generate a key, wrapped under the LMK", .handler = hsm_generate_cmd,
     .env = CLI_ENV_HSM, .help = generate_help, CLI_OPTS(key_opts, struct hopts),
     .common = CLI_JSON, .max = CLI_ANY},
    {"import-components", "form a key from components (key ceremony)",
     .handler = hsm_import_components_cmd, .env = CLI_ENV_HSM, .help = import_help,
     CLI_OPTS(import_opts, struct hopts), .common = CLI_JSON, .max = CLI_ANY},
    {"export-components", "split a key into components", .handler = hsm_export_components_cmd,
     .env = CLI_ENV_HSM, .help = export_help,
     CLI_OPTIONS(struct hopts, TEXT("parts", parts), TEXT("lmk", lmk)),
     .defaults = &(const struct hopts){.parts = "2"}, .common = CLI_JSON, ONE_BLOCK},
    {"kcv", "check value and header of a wrapped key", .handler = hsm_kcv_cmd, .env = CLI_ENV_HSM,
     .help = kcv_help, CLI_OPTS(lmk_opts, struct hopts), .common = CLI_JSON, ONE_BLOCK},
    {"pin-block", "encrypt a PIN block under a PIN key", .handler = hsm_pin_block_cmd,
     .env = CLI_ENV_HSM, .help = pin_block_help,
     CLI_OPTIONS(struct hopts, TEXT("lmk", lmk), TEXT("pin", pin), TEXT("pan", pan)),
     .common = CLI_JSON, ONE_BLOCK},
};

const cli_group cli_hsm_group = {
    "possum hsm",
    "The software HSM: its local master key (LMK), and keys wrapped under\n"
    "it as TR-31 key blocks, which are the only form keys are kept in.",
    CLI_TABLE(hsm_cmds)};
