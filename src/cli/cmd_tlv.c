/* cmd_tlv.c — `possum tlv decode`: EMV BER-TLV data as a nested table of tags with their
 * names, or as JSON. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/hex.h"
#include "tlv/tlv.h"

static bool printable(const tlv *t)
{
	if (!tlv_tag_is_text(t->tag))
		return false;
	for (size_t i = 0; i < t->len; i++)
		if (t->value[i] < 0x20 || t->value[i] > 0x7E)
			return false;
	return true;
}

static int print_row(void *ctx, const tlv *t, int depth)
{
	const char *name = tlv_tag_name(t->tag);
	char tag[12];

	(void)ctx;
	snprintf(tag, sizeof tag, "%X", (unsigned)t->tag);
	printf("%*s%-*s %-*s %4zu  ", 2 * depth, "", 8 - 2 * depth, tag, 44,
	       name != NULL ? name : "(unknown tag)", t->len);
	if (tlv_is_constructed(t->tag))
		putchar('\n');
	else if (printable(t))
		printf("%.*s\n", (int)t->len, (const char *)t->value);
	else
		cli_print_hex(t->value, t->len);
	return 0;
}

/* JSON: an array of objects; a constructed object's contents under "children". */
struct json_ctx {
	json_t *level[TLV_MAX_DEPTH + 1];
};

static int json_row(void *ctx, const tlv *t, int depth)
{
	struct json_ctx *j = ctx;
	const char *name = tlv_tag_name(t->tag);
	json_t *o = json_object();
	char tag[12];

	snprintf(tag, sizeof tag, "%X", (unsigned)t->tag);
	json_object_set_new(o, "tag", json_string(tag));
	json_object_set_new(o, "name", name != NULL ? json_string(name) : json_null());
	json_object_set_new(o, "length", json_integer((json_int_t)t->len));
	if (tlv_is_constructed(t->tag)) {
		j->level[depth + 1] = json_array();
		json_object_set(o, "children", j->level[depth + 1]);
		json_decref(j->level[depth + 1]);
	} else {
		char *hex = malloc(2 * t->len + 1);
		if (hex == NULL) {
			json_decref(o);
			return 1;
		}
		hex_encode(t->value, t->len, hex, 2 * t->len + 1);
		json_object_set_new(o, "value", json_string(hex));
		if (printable(t))
			json_object_set_new(o, "text",
			                    json_stringn((const char *)t->value, t->len));
		free(hex);
	}
	json_array_append_new(j->level[depth], o);
	return 0;
}

static const char decode_help[] =
    "[--json] [--raw] [HEX | -]\n"
    "\n"
    "Decodes BER-TLV data (EMV chip data, ISO 8583 field 55) given as hex (argument or\n"
    "standard input) and prints each tag with its EMV name, length and value,\n"
    "constructed tags with their contents indented.\n"
    "\n"
    "  --json   print an array of {tag, name, length, value | children}\n"
    "  --raw    standard input holds the bytes themselves, not hex\n"
    "\n"
    "Exit status: 0 decoded; 2 bad usage or malformed data.\n";

/* decode's option. */
struct decode {
	int raw;
};

static const cli_opt decode_opts[] = {CLI_SET("raw", struct decode, raw)};

static int tlv_decode(struct cli_env *env, const void *values)
{
	const char *prog = env->prog, *hex = env->n > 0 ? env->operands[0] : NULL;
	int json = env->json, rc;
	struct json_ctx j = {{NULL}};
	tlv_fault fault;
	uint8_t *buf;
	size_t len;

	rc = cli_input_bytes(prog, hex, ((const struct decode *)values)->raw, &buf, &len);
	if (rc != CLI_OK)
		return rc;
	if (tlv_validate(buf, len, &fault) != TLV_OK) {
		rc = cli_error(CLI_USAGE, prog, "%s at offset %zu (depth %d)",
		               tlv_strerror(fault.cause), fault.offset, fault.depth);
	} else if (!json) {
		rc = tlv_walk(buf, len, print_row, NULL, NULL) == TLV_OK ? CLI_OK : CLI_FAILED;
	} else {
		j.level[0] = json_array();
		rc = tlv_walk(buf, len, json_row, &j, NULL) == TLV_OK ? CLI_OK : CLI_FAILED;
		if (rc == CLI_OK) {
			char *text = json_dumps(j.level[0], JSON_COMPACT | JSON_PRESERVE_ORDER);
			if (text != NULL)
				puts(text);
			free(text);
		}
		json_decref(j.level[0]);
	}
	free(buf);
	return rc;
}

static const cli_command tlv_cmds[] = {
    {"decode", "decode BER-TLV into tags with their EMV names", .handler = tlv_decode,
     .env = CLI_ENV_NONE, .help = decode_help, CLI_OPTS(decode_opts, struct decode),
     .common = CLI_JSON, .max = 1, .wrong = "give the data as one HEX argument"},
};

const cli_group cli_tlv_group = {"possum tlv", "BER-TLV, the encoding of EMV chip data.",
                                 CLI_TABLE(tlv_cmds)};
