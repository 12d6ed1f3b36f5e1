/* cmd_iso.c — `possum iso`: decode an ISO 8583 message into a table or JSON, encode JSON
 * back into a message, send one to a host and decode its answer, list the dialects.
 * `decode --json | encode` gives back the bytes. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "capture/capture.h"
#include "card/card.h"
#include "cli/cli.h"
#include "common/hex.h"
#include "common/jsonval.h"
#include "common/money.h"
#include "iso8583/iso8583.h"
#include "net/net.h"
#include "rcode/rcode.h"

#define MAX_MESSAGE 65536

static void print_profiles(FILE *out)
{
	const iso8583_profile *p;

	for (size_t i = 0; (p = iso8583_profile_at(i)) != NULL; i++)
		fprintf(out, "  %-10s %s\n", p->name, p->description);
}

/* --- decode --- */

static bool is_text(const iso8583_profile *p, int f)
{
	return p->fields[f].cls != ISO8583_B;
}

/* The logical value of field f as a JSON string: text as itself, binary as hex; masked as
 * the table is when `mask` (card_mask_field()). */
static json_t *field_json(const iso8583_profile *p, const iso8583_msg *m, int f, bool mask)
{
	char text[ISO8583_TEXT_MAX + 1], path[8];
	size_t len;

	if (iso8583_field_text(p, m, f, text, sizeof text, &len) != ISO8583_OK)
		return NULL;
	snprintf(path, sizeof path, "%d", f);
	if (mask)
		card_mask_field(path, text, len);
	return json_stringn(text, len);
}

/* The message's members into root, after those it has: "tpdu" and "header" (framed,
 * cup-pos), "mti", "fields". */
static int message_json(const char *prog, const iso8583_profile *p, const iso8583_msg *m,
                        const iso8583_envelope *env, bool mask, json_t *root)
{
	json_t *fields = json_object();
	char hex[16], key[8];

	if (env != NULL && p->tpdu_len > 0) {
		hex_encode(env->tpdu, p->tpdu_len, hex, sizeof hex);
		json_object_set_new(root, "tpdu", json_string(hex));
		hex_encode(env->header, p->header_len, hex, sizeof hex);
		json_object_set_new(root, "header", json_string(hex));
	}
	json_object_set_new(root, "mti", json_string(m->mti));
	for (int f = iso8583_next(m, 1); f != 0; f = iso8583_next(m, f)) {
		json_t *v = field_json(p, m, f, mask);
		if (v == NULL) {
			json_decref(fields);
			return cli_error(CLI_USAGE, prog, "field %d: not UTF-8 text", f);
		}
		snprintf(key, sizeof key, "%d", f);
		json_object_set_new(fields, key, v);
	}
	json_object_set_new(root, "fields", fields);
	return CLI_OK;
}

/* root on a line of its own, compact; root released. */
static int print_json_line(const char *prog, json_t *root)
{
	char *text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(root);
	if (text == NULL)
		return cli_error(CLI_FAILED, prog, "out of memory");
	puts(text);
	free(text);
	return CLI_OK;
}

static int print_json(const char *prog, const iso8583_profile *p, const iso8583_msg *m,
                      const iso8583_envelope *env, bool mask)
{
	json_t *root = json_object();
	int rc;

	if ((rc = message_json(prog, p, m, env, mask, root)) != CLI_OK) {
		json_decref(root);
		return rc;
	}
	return print_json_line(prog, root);
}

/* Prints a value as text or hex, masked by `path` when masking is on. */
static void print_value(const uint8_t *v, size_t len, bool binary, const char *path, bool mask)
{
	char text[20001];
	size_t n = binary ? 2 * len : len;

	if (binary)
		hex_encode(v, len, text, sizeof text);
	else
		memcpy(text, v, len);
	text[n] = '\0';
	if (mask && path != NULL)
		card_mask_field(path, text, n);
	fwrite(text, 1, n, stdout);
}

struct table_ctx {
	int width;
	bool mask;
};

static int print_sub(void *ctx, const iso8583_subvalue *sv)
{
	struct table_ctx *t = ctx;
	int indent = 2 * sv->depth;

	printf("      %*s%-*s %-*s ", indent, "", 12, sv->path, t->width - indent, sv->name);
	print_value(sv->data, sv->len, sv->binary, sv->path, t->mask);
	putchar('\n');
	return 0;
}

/* Whether text[0..n) are n digits. */
static bool all_digits(const char *text, size_t len, size_t n)
{
	if (len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (text[i] < '0' || text[i] > '9')
			return false;
	return true;
}

/* The two digits at text as a number. */
static int two(const char *text)
{
	return (text[0] - '0') * 10 + (text[1] - '0');
}

/* Field 4 as an amount, in field 49's currency (its minor units and alphabetic code). */
static void print_amount(const iso8583_msg *m, const char *v, size_t len)
{
	char cur[8] = "", text[MONEY_TEXT_MAX];
	const char *alpha = NULL;
	unsigned currency = 0;
	size_t n = 0;

	if (iso8583_get(m, 49, cur, sizeof cur, &n) == ISO8583_OK && all_digits(cur, n, 3)) {
		currency = (unsigned)strtoul(cur, NULL, 10);
		alpha = money_alpha(currency);
	}
	if (len == 0 || len > 18 || !all_digits(v, len, len))
		return;
	money_format(strtoll(v, NULL, 10), currency, text);
	if (alpha != NULL)
		printf("      = %s %s\n", text, alpha);
	else if (n == 3)
		printf("      = %s (currency %s)\n", text, cur);
	else
		printf("      = %s (no currency: field 49 absent)\n", text);
}

/* The meaning of fields 4, 7, 12, 13 and 39 on a line of its own below the field's: the
 * amount in its currency, dates and times with their separators, the response code's text
 * in Chinese and English (rcode.h). Values not of the expected form get no line. */
static void print_readable(const iso8583_msg *m, int f, const uint8_t *value, size_t len)
{
	const char *v = (const char *)value;
	const struct rcode_info *rc;

	if (f == 4) {
		print_amount(m, v, len);
	} else if (f == 7 && all_digits(v, len, 10) && two(v) >= 1 && two(v) <= 12) {
		printf("      = %.2s-%.2s %.2s:%.2s:%.2s (month-day, GMT)\n", v, v + 2, v + 4,
		       v + 6, v + 8);
	} else if (f == 12 && all_digits(v, len, 6) && two(v) < 24) {
		printf("      = %.2s:%.2s:%.2s (local time)\n", v, v + 2, v + 4);
	} else if (f == 13 && all_digits(v, len, 4) && two(v) >= 1 && two(v) <= 12) {
		printf("      = %.2s-%.2s (month-day, local date)\n", v, v + 2);
	} else if (f == 39 && len == RCODE_LEN) {
		rc = rcode_find(v);
		printf("      = %s / %s\n", rc->zh, rc->en);
	}
}

static int print_table(const iso8583_profile *p, const iso8583_msg *m, const iso8583_envelope *env,
                       bool mask)
{
	uint8_t value[10000];
	struct table_ctx t = {34, mask};
	char path[8];
	size_t len;

	printf("%s message", p->name);
	if (env != NULL && p->tpdu_len > 0) {
		printf(", TPDU ");
		print_value(env->tpdu, p->tpdu_len, true, NULL, false);
		printf(", header ");
		print_value(env->header, p->header_len, true, NULL, false);
	}
	printf("\n  MTI  %s\n", m->mti);
	for (int f = iso8583_next(m, 1); f != 0; f = iso8583_next(m, f)) {
		const char *layout;
		iso8583_diag diag;
		iso8583_get(m, f, value, sizeof value, &len);
		snprintf(path, sizeof path, "%d", f);
		printf("  %3d  %-*s ", f, t.width + 13, p->fields[f].name);
		print_value(value, len, !is_text(p, f), path, mask);
		putchar('\n');
		if (is_text(p, f))
			print_readable(m, f, value, len);
		if (iso8583_explain(p, m->mti, f, value, len, print_sub, &t, &layout, &diag) !=
		    ISO8583_OK)
			printf("      (%s does not parse: %s)\n", layout, diag.text);
	}
	return CLI_OK;
}

/* --hexdump: bytes as lines of an offset, 16 bytes in hex and the same as ASCII ('.' where
 * not printable), as `hexdump -C` writes them. */
static void print_hexdump(const uint8_t *b, size_t len)
{
	for (size_t at = 0; at < len; at += 16) {
		printf("%08zx", at);
		for (size_t i = at; i < at + 16; i++) {
			printf(i % 8 == 0 ? "  " : " ");
			if (i < len)
				printf("%02x", b[i]);
			else
				printf("  ");
		}
		printf("  |");
		for (size_t i = at; i < at + 16 && i < len; i++)
			putchar(b[i] >= 0x20 && b[i] < 0x7F ? b[i] : '.');
		printf("|\n");
	}
}

/* A decoded message as `possum iso decode` prints it: JSON or a table, masked or not. */
static int print_message(const char *prog, const iso8583_profile *p, const iso8583_msg *m,
                         const iso8583_envelope *env, int json, int mask)
{
	return json ? print_json(prog, p, m, env, mask) : print_table(p, m, env, mask);
}

static const char decode_help[] =
    "--profile P [--binary raw|hex] [--framed] [--json] [--mask] [--hexdump] [--raw] [HEX | -]\n"
    "   or: possum iso decode --pcap FILE --profile P [--binary raw|hex] [--port N] [--json] [--mask]\n"
    "\n"
    "Decodes one ISO 8583 message given as hex (argument or standard input) and prints\n"
    "its fields, with the sub-fields of 22, 48, 53, 54, 55, 59, 60, 61, 62 and 63\n"
    "broken out where the dialect has a layout for them, and below a field its meaning:\n"
    "4 as an amount in 49's currency, 7, 12 and 13 as dates and times, 39 in Chinese\n"
    "and English.\n"
    "\n"
    "  --profile P  the dialect (see 'possum iso profiles')\n"
    "  --binary B   raw (default) or hex: binary fields (52, 55, 64, 96, 128) as raw bytes,\n"
    "               or as hex text, two characters a byte (jPOS's ISO87APackager, Wireshark)\n"
    "  --framed     the input starts with the length header (and for cup-pos the TPDU\n"
    "               and header), which is checked\n"
    "  --json       print {\"mti\":…,\"fields\":{\"2\":…}}: text as itself, binary\n"
    "               fields as upper-case hex\n"
    "  --mask       mask card numbers (first 6 and last 4 digits kept), track data,\n"
    "               the PIN block and the cardholder's name, ID and phone, so the\n"
    "               table or the JSON can be shared (masked JSON does not encode\n"
    "               back where a binary field is starred)\n"
    "  --hexdump    print the message's bytes first: offset, hex and ASCII\n"
    "  --raw        standard input holds the bytes themselves, not hex\n"
    "  --pcap FILE  decode every frame of the TCP streams of a capture (libpcap\n"
    "               or pcapng: Ethernet, Linux cooked, raw IP or loopback; IPv4 and\n"
    "               IPv6), each direction put in order and cut by the 2-byte length\n"
    "               header; each frame decoded as --framed does, after a line with\n"
    "               its number, time (UTC), source -> destination and direction (to\n"
    "               server, to client); with --json one object a line: {\"time\":…,\n"
    "               \"src\":\"ip:port\",\"dst\":…,\"direction\":\"to_server\",\n"
    "               \"stream\":N,\"frame\":N,\"mti\":…,\"fields\":{…}}. A frame that\n"
    "               does not decode is shown as hex (not under --mask) with the\n"
    "               reason (\"error\", \"hex\"), and decoding goes on\n"
    "  --port N     with --pcap: only the connections with port N at one end\n"
    "\n"
    "Exit status: 0 decoded; 1 a frame of the capture did not decode; 2 bad usage, a\n"
    "malformed message (the message names the field and byte offset) or a file that\n"
    "is not a capture.\n";

/* Every option of an iso command; each row's table names those it takes. */
struct iopts {
	const char *profile, *binary, *host, *timeout, *tpdu, *header, *pcap, *port;
	int framed, raw, mask, hexdump;
};

/* A dialect as --profile and --binary name it: a built-in one, or its variant with binary
 * fields as hex text (iso8583_profile_hex_binary()), held here. */
struct dialect {
	iso8583_profile hex;
	iso8583_field_spec fields[ISO8583_MAX_FIELD + 1];
};

static int find_profile(const char *prog, const struct iopts *o, struct dialect *d,
                        const iso8583_profile **p)
{
	if (o->profile == NULL)
		return cli_usage_error(prog, "--profile is required");
	if ((*p = iso8583_profile_find(o->profile)) == NULL) {
		fprintf(stderr, "%s: unknown profile '%s'; the profiles are:\n", prog, o->profile);
		print_profiles(stderr);
		return CLI_USAGE;
	}
	if (o->binary == NULL || strcmp(o->binary, "raw") == 0)
		return CLI_OK;
	if (strcmp(o->binary, "hex") != 0)
		return cli_usage_error(prog, "--binary is raw or hex, not '%s'", o->binary);
	if (iso8583_profile_hex_binary(*p, d->fields, sizeof d->fields / sizeof d->fields[0],
	                               &d->hex) != ISO8583_OK)
		return cli_error(CLI_FAILED, prog, "cannot make %s's hex variant", o->profile);
	*p = &d->hex;
	return CLI_OK;
}

#define TEXT(name, member) CLI_TEXT(name, struct iopts, member)
#define SET(name, member)  CLI_SET(name, struct iopts, member)

static const cli_opt decode_opts[] = {
    TEXT("profile", profile), TEXT("binary", binary),  SET("framed", framed), SET("raw", raw),
    SET("mask", mask),        SET("hexdump", hexdump), TEXT("pcap", pcap),    TEXT("port", port)};

/* Whether buf, which did not decode as a bare message, starts with the length header of the
 * dialect's framing that gives the length of the rest. */
static bool looks_framed(const iso8583_profile *p, const uint8_t *buf, size_t len)
{
	size_t frame_len;

	return p->len_header > 0 && len > p->len_header &&
	       iso8583_frame_size(p, buf, len, &frame_len) == ISO8583_OK && frame_len == len;
}

/* --- decode --pcap --- */

struct pcap_out {
	const char *prog;
	const iso8583_profile *p;
	int json, mask;
	unsigned failed;
};

static const char *const direction_names[] = {"to_server", "to_client"};

/* The frame's time as 2026-12-06T02:16:27.123456Z. */
static void frame_time(const struct capture_frame *f, char out[40])
{
	time_t t = (time_t)f->sec;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + strlen(out), 40 - strlen(out), ".%06dZ", (int)f->usec);
}

/* A frame as JSON: where it was, then the message or why not and its hex. */
static int frame_json(struct pcap_out *po, const struct capture_frame *f, const char *why,
                      const iso8583_msg *m, const iso8583_envelope *env)
{
	char when[40];
	json_t *root;
	int rc;

	frame_time(f, when);
	root = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "time", when, "src", f->src, "dst",
	                 f->dst, "direction", direction_names[f->direction], "stream",
	                 (json_int_t)f->stream, "frame", (json_int_t)f->number);
	if (why == NULL && (rc = message_json(po->prog, po->p, m, env, po->mask, root)) == CLI_OK)
		return print_json_line(po->prog, root);
	json_object_set_new(root, "error", json_string(why != NULL ? why : "not UTF-8 text"));
	if (!po->mask) {
		char *hex = malloc(2 * f->len + 1);
		if (hex != NULL && hex_encode(f->data, f->len, hex, 2 * f->len + 1) == HEX_OK)
			json_object_set_new(root, "hex", json_string(hex));
		free(hex);
	}
	if (why == NULL)
		po->failed++;
	return print_json_line(po->prog, root);
}

/* A frame as a header line and the table, or why it does not decode and its hex. */
static void frame_table(struct pcap_out *po, const struct capture_frame *f, const char *why,
                        const iso8583_msg *m, const iso8583_envelope *env)
{
	char when[40];

	frame_time(f, when);
	printf("frame %u  %s  %s -> %s  %s (stream %u)\n", f->number, when, f->src, f->dst,
	       f->direction == CAPTURE_TO_SERVER ? "to server" : "to client", f->stream);
	if (why == NULL) {
		print_table(po->p, m, env, po->mask);
	} else {
		printf("  does not decode: %s\n", why);
		if (po->mask) {
			printf("  (%zu bytes, not shown under --mask)\n", f->len);
		} else {
			printf("  %zu bytes: ", f->len);
			cli_print_hex(f->data, f->len);
		}
	}
	putchar('\n');
}

static int on_frame(void *ctx, const struct capture_frame *f)
{
	struct pcap_out *po = ctx;
	iso8583_envelope env;
	iso8583_diag diag;
	iso8583_msg m;
	const char *why = f->error;

	if (why == NULL &&
	    iso8583_unpack_framed(po->p, f->data, f->len, &env, &m, &diag) != ISO8583_OK)
		why = diag.text;
	if (why != NULL)
		po->failed++;
	if (po->json)
		return frame_json(po, f, why, &m, &env) == CLI_OK ? 0 : 1;
	frame_table(po, f, why, &m, &env);
	return 0;
}

static int decode_pcap(struct cli_env *env, const struct iopts *o)
{
	struct dialect d;
	struct pcap_out po = {.prog = env->prog, .json = env->json, .mask = o->mask};
	char err[256] = "";
	capture *c = NULL;
	int64_t port = 0;
	int rc;

	if (o->pcap == NULL)
		return cli_usage_error(po.prog, "--port is for --pcap FILE");
	if (env->n > 0 || o->raw || o->framed || o->hexdump)
		return cli_usage_error(po.prog, "--pcap FILE takes no message, --raw, --framed or "
		                                "--hexdump: its frames are framed");
	if ((rc = find_profile(po.prog, o, &d, &po.p)) != CLI_OK ||
	    (o->port != NULL &&
	     (rc = cli_int64(po.prog, "--port", o->port, 1, 65535, &port)) != CLI_OK))
		return rc;
	if ((rc = capture_open(o->pcap, &c, err, sizeof err)) != CAPTURE_OK)
		return cli_error(rc == CAPTURE_EFORMAT ? CLI_USAGE : CLI_FAILED, po.prog,
		                 "%s: not read as a capture (libpcap or pcapng): %s", o->pcap,
		                 rc == CAPTURE_EFORMAT ? err : capture_strerror(rc));
	rc = capture_read(c, (unsigned)port, on_frame, &po);
	capture_close(c);
	if (rc < 0)
		return cli_error(CLI_FAILED, po.prog, "%s: %s", o->pcap, capture_strerror(rc));
	if (rc > 0)
		return CLI_FAILED; /* said where it stopped */
	if (po.failed > 0)
		return cli_error(CLI_FAILED, po.prog, "%s: %u frame%s did not decode under %s",
		                 o->pcap, po.failed, po.failed == 1 ? "" : "s", po.p->name);
	return CLI_OK;
}

static int iso_decode(struct cli_env *env, const void *values)
{
	struct dialect d;
	const struct iopts *o = values;
	const char *prog = env->prog, *hex = env->n > 0 ? env->operands[0] : NULL;
	int json = env->json, rc;
	const iso8583_profile *p;
	iso8583_envelope envelope;
	iso8583_diag diag;
	iso8583_msg m;
	uint8_t *buf;
	size_t len;

	if (o->pcap != NULL || o->port != NULL)
		return decode_pcap(env, o);
	if (o->hexdump && json)
		return cli_usage_error(prog, "--hexdump is for the table, not --json");
	if ((rc = find_profile(prog, o, &d, &p)) != CLI_OK)
		return rc;
	if ((rc = cli_input_bytes(prog, hex, o->raw, &buf, &len)) != CLI_OK)
		return rc;
	if (o->hexdump)
		print_hexdump(buf, len);
	if (o->framed)
		rc = iso8583_unpack_framed(p, buf, len, &envelope, &m, &diag);
	else
		rc = iso8583_unpack(p, buf, len, &m, &diag);
	if (rc != ISO8583_OK && !o->framed && looks_framed(p, buf, len))
		rc = cli_error(
		    CLI_USAGE, prog,
		    "%s; its first %u bytes are the length of the rest (%zu): try --framed",
		    diag.text, p->len_header, len - p->len_header);
	else if (rc != ISO8583_OK)
		rc = cli_error(CLI_USAGE, prog, "%s", diag.text);
	else
		rc = print_message(prog, p, &m, o->framed ? &envelope : NULL, json, o->mask);
	free(buf);
	return rc;
}

/* --- encode --- */

/* Binary values decoded from hex live here until the message is packed: iso8583_set keeps
 * pointers. They are no larger than the JSON text they come from. */
struct encode_values {
	uint8_t *arena;
	size_t used, cap;
};

static int hex_member(const char *prog, json_t *root, const char *key, uint8_t *out, size_t n,
                      const uint8_t *fallback)
{
	json_t *v = json_object_get(root, key);
	size_t len;

	if (v == NULL) {
		memcpy(out, fallback, n);
		return CLI_OK;
	}
	if (!json_is_string(v) ||
	    hex_decode(json_string_value(v), json_string_length(v), out, n, &len) != HEX_OK ||
	    len != n)
		return cli_error(CLI_USAGE, prog, "\"%s\" must be %zu bytes of hex", key, n);
	return CLI_OK;
}

static int build_message(const char *prog, const iso8583_profile *p, json_t *root,
                         struct encode_values *vals, iso8583_msg *m)
{
	json_t *mti = json_object_get(root, "mti"), *fields = json_object_get(root, "fields"), *v;
	const char *key;

	iso8583_msg_init(m);
	if (!json_is_string(mti) || iso8583_set_mti(m, json_string_value(mti)) != ISO8583_OK)
		return cli_error(CLI_USAGE, prog, "\"mti\" must be a string of four digits");
	if (!json_is_object(fields))
		return cli_error(CLI_USAGE, prog, "\"fields\" must be an object");
	json_object_foreach(fields, key, v)
	{
		char *end;
		long f = strtol(key, &end, 10);
		size_t len;

		if (*key == '\0' || *end != '\0' || f < 2 || f > p->max_field ||
		    p->fields[f].name == NULL)
			return cli_error(CLI_USAGE, prog, "field \"%s\" is not defined in %s", key,
			                 p->name);
		if (!json_is_string(v))
			return cli_error(CLI_USAGE, prog, "field %ld: value must be a string", f);
		if (is_text(p, (int)f)) {
			iso8583_set(m, (int)f, json_string_value(v), json_string_length(v));
			continue;
		}
		if (hex_decode(json_string_value(v), json_string_length(v),
		               vals->arena + vals->used, vals->cap - vals->used, &len) != HEX_OK)
			return cli_error(CLI_USAGE, prog, "field %ld: binary value must be hex", f);
		iso8583_set(m, (int)f, vals->arena + vals->used, len);
		vals->used += len;
	}
	return CLI_OK;
}

static const char encode_help[] =
    "--profile P [--binary raw|hex] [--framed] [--raw | --json] < message.json\n"
    "\n"
    "Reads {\"mti\":\"0200\",\"fields\":{\"2\":…}} on standard input (the form\n"
    "'possum iso decode --json' prints: text as itself, binary as hex) and prints the\n"
    "packed message as upper-case hex. Short fixed-length numbers are padded with\n"
    "leading zeros, short text with trailing spaces.\n"
    "\n"
    "  --profile P  the dialect (see 'possum iso profiles')\n"
    "  --binary B   raw (default) or hex: binary fields (52, 55, 64, 96, 128) as raw bytes,\n"
    "               or as hex text, two characters a byte (jPOS's ISO87APackager, Wireshark)\n"
    "  --framed     add the length header; for cup-pos also the TPDU and header, from\n"
    "               \"tpdu\" and \"header\" (hex) or 6000000000 and 603100310000\n"
    "  --raw        write the bytes themselves, not hex (to pipe into a socket)\n"
    "  --json       print {\"hex\":\"…\",\"length\":N} (N bytes, the header included)\n"
    "\n"
    "Exit status: 0 encoded; 2 bad usage or a value the dialect refuses.\n";

/* cup-pos defaults: TPDU 60 0000 0000, header of docs/cup-pos.md's example. */
static const uint8_t tpdu0[5] = {0x60, 0, 0, 0, 0};
static const uint8_t header0[6] = {0x60, 0x31, 0x00, 0x31, 0x00, 0x00};

/* The TPDU and header given on the command line (`iso send --tpdu --header`): each, when
 * set, wins over the JSON's "tpdu" and "header" and over the defaults. */
struct envelope_opts {
	bool tpdu_set, header_set;
	iso8583_envelope env;
};

/* Reads the JSON message of `possum iso encode` from standard input and packs it under p
 * (framed: with its length header, TPDU and header, eo's where set) into out (MAX_MESSAGE
 * bytes). Prints its own error; returns CLI_OK, CLI_USAGE or CLI_FAILED. */
static int encode_stdin(const char *prog, const iso8583_profile *p, int framed,
                        const struct envelope_opts *eo, uint8_t *out, size_t *len)
{
	struct encode_values vals = {NULL, 0, MAX_MESSAGE};
	iso8583_envelope env;
	iso8583_diag diag;
	json_error_t jerr;
	json_t *root;
	iso8583_msg m;
	int rc;

	if ((root = json_loadf(stdin, 0, &jerr)) == NULL || !json_is_object(root)) {
		rc = cli_error(CLI_USAGE, prog, "standard input is not a JSON object: %s",
		               root == NULL ? jerr.text : "wrong type");
		goto out;
	}
	if ((vals.arena = malloc(vals.cap)) == NULL) {
		rc = cli_error(CLI_FAILED, prog, "out of memory");
		goto out;
	}
	if ((rc = build_message(prog, p, root, &vals, &m)) != CLI_OK)
		goto out;
	if (framed && p->tpdu_len > 0 &&
	    ((rc = hex_member(prog, root, "tpdu", env.tpdu, sizeof env.tpdu, tpdu0)) != CLI_OK ||
	     (rc = hex_member(prog, root, "header", env.header, sizeof env.header, header0)) !=
	         CLI_OK))
		goto out;
	if (eo != NULL && eo->tpdu_set)
		memcpy(env.tpdu, eo->env.tpdu, sizeof env.tpdu);
	if (eo != NULL && eo->header_set)
		memcpy(env.header, eo->env.header, sizeof env.header);
	if (framed)
		rc = iso8583_pack_framed(p, &env, &m, out, MAX_MESSAGE, len, &diag);
	else
		rc = iso8583_pack(p, &m, out, MAX_MESSAGE, len, &diag);
	rc = rc == ISO8583_OK ? CLI_OK : cli_error(CLI_USAGE, prog, "%s", diag.text);
out:
	json_decref(root);
	free(vals.arena);
	return rc;
}

static const cli_opt encode_opts[] = {TEXT("profile", profile), TEXT("binary", binary),
                                      SET("framed", framed), SET("raw", raw)};

/* {"hex":"…","length":N}: encode --json. */
static int print_hex_json(const char *prog, const uint8_t *msg, size_t len)
{
	char *hex = malloc(2 * len + 1);

	if (hex == NULL || hex_encode(msg, len, hex, 2 * len + 1) != HEX_OK) {
		free(hex);
		return cli_error(CLI_FAILED, prog, "out of memory");
	}
	cli_print_json(json_pack("{s:s, s:I}", "hex", hex, "length", (json_int_t)len));
	free(hex);
	return CLI_OK;
}

static int iso_encode(struct cli_env *env, const void *values)
{
	struct dialect d;
	const struct iopts *o = values;
	const char *prog = env->prog;
	const iso8583_profile *p;
	uint8_t *out;
	size_t len;
	int rc;

	if ((rc = find_profile(prog, o, &d, &p)) != CLI_OK)
		return rc;
	if (o->raw && env->json)
		return cli_error(CLI_USAGE, prog, "--raw and --json: bytes or JSON, not both");
	if ((out = malloc(MAX_MESSAGE)) == NULL)
		return cli_error(CLI_FAILED, prog, "out of memory");
	if ((rc = encode_stdin(prog, p, o->framed, NULL, out, &len)) == CLI_OK) {
		if (o->raw)
			fwrite(out, 1, len, stdout);
		else if (env->json)
			rc = print_hex_json(prog, out, len);
		else
			cli_print_hex(out, len);
	}
	free(out);
	return rc;
}

/* --- send --- */

static const char send_help[] =
    "--host HOST:PORT --profile P [--binary raw|hex] [--tpdu HEX] [--header HEX] [--timeout S]\n"
    "        [--json] [--mask] [--hexdump] [--raw] < message.json\n"
    "\n"
    "Encodes the JSON message on standard input as 'possum iso encode --framed' does,\n"
    "sends it to an ISO 8583 link (a 2-byte big-endian length before the message, and\n"
    "for cup-pos the TPDU and header after it), waits for the answer and prints it as\n"
    "'possum iso decode --framed' does, under the same dialect.\n"
    "\n"
    "  --host HOST:PORT  where to connect ([v6addr]:PORT for IPv6)\n"
    "  --profile P       the dialect (see 'possum iso profiles')\n"
    "  --binary B        raw (default) or hex: binary fields as raw bytes or as hex text\n"
    "  --tpdu HEX        cup-pos: the 5-byte TPDU (default: the JSON's \"tpdu\", else\n"
    "                    6000000000)\n"
    "  --header HEX      cup-pos: the 6-byte header (default: the JSON's \"header\", else\n"
    "                    603100310000)\n"
    "  --timeout S       seconds to wait for the connection and the answer (default 10)\n"
    "  --json            print the answer as JSON, as 'possum iso decode --json' does\n"
    "  --mask            mask card data, as 'possum iso decode --mask' does\n"
    "  --hexdump         print the bytes sent and received first, as a hex dump\n"
    "  --raw             standard input holds the message bytes themselves, sent as they\n"
    "                    are after the length header: for testing what a host does with\n"
    "                    bad input\n"
    "\n"
    "Exit status: 0 an answer came, whatever its response code; 1 no answer (refused,\n"
    "timed out, closed) or an answer that does not decode (its bytes are printed as hex,\n"
    "length header first, and the reason on standard error); 2 bad usage or a bad message.\n";

static const cli_opt send_opts[] = {
    TEXT("host", host),       TEXT("profile", profile), TEXT("binary", binary),
    TEXT("timeout", timeout), TEXT("tpdu", tpdu),       TEXT("header", header),
    SET("mask", mask),        SET("raw", raw),          SET("hexdump", hexdump)};

/* Reads --NAME HEX of n bytes into out; *set says whether it was given. */
static int hex_option(const char *prog, const char *name, const char *hex, uint8_t *out, size_t n,
                      bool *set)
{
	size_t len;

	*set = hex != NULL;
	if (hex != NULL && (hex_decode(hex, strlen(hex), out, n, &len) != HEX_OK || len != n))
		return cli_usage_error(prog, "%s", name);
	return CLI_OK;
}

/* Checks send's options: the timeout in *timeout_ms, the envelope's options in *eo. */
static int send_options(const char *prog, const struct iopts *o, int json, int *timeout_ms,
                        struct envelope_opts *eo)
{
	char *end;
	long t;
	int rc;

	if (o->host == NULL)
		return cli_usage_error(prog, "--host HOST:PORT is required");
	t = strtol(o->timeout, &end, 10);
	if (*o->timeout == '\0' || *end != '\0' || t < 1 || t > 3600)
		return cli_usage_error(prog, "--timeout must be seconds from 1 to 3600");
	*timeout_ms = (int)t * 1000;
	if (o->hexdump && json)
		return cli_usage_error(prog, "--hexdump is for the table, not --json");
	if ((rc = hex_option(prog, "--tpdu takes 5 bytes of hex (10 digits)", o->tpdu, eo->env.tpdu,
	                     sizeof eo->env.tpdu, &eo->tpdu_set)) != CLI_OK ||
	    (rc = hex_option(prog, "--header takes 6 bytes of hex (12 digits)", o->header,
	                     eo->env.header, sizeof eo->env.header, &eo->header_set)) != CLI_OK)
		return rc;
	return CLI_OK;
}

/* The request's frame into *out, length header first: --raw's bytes behind a length header,
 * or the JSON message packed framed. */
static int send_request(const char *prog, const iso8583_profile *p, const struct iopts *o,
                        const struct envelope_opts *eo, uint8_t **out, size_t *len)
{
	uint8_t *raw;
	size_t n;
	int rc;

	if ((*out = malloc(MAX_MESSAGE + 2)) == NULL)
		return cli_error(CLI_FAILED, prog, "out of memory");
	if (!o->raw)
		return encode_stdin(prog, p, 1, eo, *out, len);
	if ((rc = cli_input_bytes(prog, NULL, 1, &raw, &n)) != CLI_OK)
		return rc;
	if (n == 0 || n > NET_MAX_FRAME) {
		free(raw);
		return cli_error(CLI_USAGE, prog, "the message must be 1 to %d bytes",
		                 NET_MAX_FRAME);
	}
	(*out)[0] = (uint8_t)(n >> 8);
	(*out)[1] = (uint8_t)n;
	memcpy(*out + 2, raw, n);
	*len = n + 2;
	free(raw);
	return CLI_OK;
}

/* Sends the frame req (its length header included) to host and reads the answer into in
 * (NET_MAX_FRAME + 2 bytes), length header included. */
static int exchange(const char *prog, const char *host, int timeout_ms, const uint8_t *req,
                    size_t req_len, uint8_t *in, size_t *len)
{
	net_client *c = NULL;
	int rc;

	if ((rc = net_client_connect(host, timeout_ms, &c)) != NET_OK)
		return cli_error(CLI_FAILED, prog, "%s: %s", host, net_strerror(rc));
	if ((rc = net_client_send(c, req + 2, req_len - 2)) != NET_OK ||
	    (rc = net_client_recv(c, in + 2, NET_MAX_FRAME, len, timeout_ms)) != NET_OK)
		rc = cli_error(CLI_FAILED, prog, "%s: no answer: %s", host, net_strerror(rc));
	else {
		in[0] = (uint8_t)(*len >> 8);
		in[1] = (uint8_t)*len;
		*len += 2;
	}
	net_client_close(c);
	return rc;
}

/* The answer under p, framed: decoded and printed, or its bytes as hex and the reason. */
static int show_answer(const char *prog, const iso8583_profile *p, const uint8_t *in, size_t len,
                       int json, int mask)
{
	iso8583_envelope envelope;
	iso8583_diag diag;
	iso8583_msg m;

	if (iso8583_unpack_framed(p, in, len, &envelope, &m, &diag) != ISO8583_OK) {
		cli_print_hex(in, len);
		return cli_error(
		    CLI_FAILED, prog,
		    "the answer (%zu bytes, printed as hex) does not decode under %s: %s", len,
		    p->name, diag.text);
	}
	return print_message(prog, p, &m, &envelope, json, mask);
}

static int iso_send(struct cli_env *env, const void *values)
{
	struct dialect d;
	const struct iopts *o = values;
	const char *prog = env->prog;
	struct envelope_opts eo = {0};
	int json = env->json, rc, timeout_ms = 0;
	const iso8583_profile *p;
	uint8_t *out = NULL, *in = NULL;
	size_t out_len, len;

	if ((rc = send_options(prog, o, json, &timeout_ms, &eo)) != CLI_OK ||
	    (rc = find_profile(prog, o, &d, &p)) != CLI_OK)
		return rc;
	if ((rc = send_request(prog, p, o, &eo, &out, &out_len)) != CLI_OK)
		goto out;
	if ((in = malloc(NET_MAX_FRAME + 2)) == NULL) {
		rc = cli_error(CLI_FAILED, prog, "out of memory");
		goto out;
	}
	if ((rc = exchange(prog, o->host, timeout_ms, out, out_len, in, &len)) != CLI_OK)
		goto out;
	if (o->hexdump) {
		printf("sent %zu bytes\n", out_len);
		print_hexdump(out, out_len);
		printf("received %zu bytes\n", len);
		print_hexdump(in, len);
	}
	rc = show_answer(prog, p, in, len, json, o->mask);
out:
	free(out);
	free(in);
	return rc;
}

static const char profiles_help[] =
    "[--json]\n"
    "\n"
    "Lists the ISO 8583 dialects possum speaks: a name and what it is, a line each.\n"
    "\n"
    "  --json  print {\"items\":[{\"name\":…,\"description\":…},…],\"next\":null}\n"
    "\n"
    "Exit status: 0 listed; 2 bad usage.\n";

static int iso_profiles(struct cli_env *env, const void *values)
{
	const iso8583_profile *p;
	json_t *items, *page;
	char *text;

	(void)values; /* it takes no option of its own */
	if (!env->json) {
		print_profiles(stdout);
		return CLI_OK;
	}
	items = json_array();
	for (size_t i = 0; (p = iso8583_profile_at(i)) != NULL; i++)
		json_array_append_new(
		    items, json_pack("{s:s, s:s}", "name", p->name, "description", p->description));
	page = jsonval_page(items, NULL);
	text = json_dumps(page, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(page);
	if (text == NULL)
		return cli_error(CLI_FAILED, env->prog, "out of memory");
	puts(text);
	free(text);
	return CLI_OK;
}

/* What encode and send say to an operand. */
#define FROM_STDIN "the message is read from standard input"

static const cli_command iso_cmds[] = {
    {"decode", "decode a message into a table or JSON", .handler = iso_decode, .env = CLI_ENV_NONE,
     .help = decode_help, CLI_OPTS(decode_opts, struct iopts), .common = CLI_JSON, .max = 1,
     .wrong = "one message at a time"},
    {"encode", "encode a message from JSON", .handler = iso_encode, .env = CLI_ENV_NONE,
     .help = encode_help, CLI_OPTS(encode_opts, struct iopts), .common = CLI_JSON,
     .wrong = FROM_STDIN},
    {"send", "send a message to a host and print the answer", .handler = iso_send,
     .env = CLI_ENV_NONE, .help = send_help, CLI_OPTS(send_opts, struct iopts),
     .defaults = &(const struct iopts){.timeout = "10"}, .common = CLI_JSON, .wrong = FROM_STDIN},
    {"profiles", "list the dialects", .handler = iso_profiles, .env = CLI_ENV_NONE,
     .help = profiles_help, .common = CLI_JSON, .wrong = "it takes no arguments"},
};

const cli_group cli_iso_group = {"possum iso", "ISO 8583 messages in the dialects possum speaks.",
                                 CLI_TABLE(iso_cmds)};
