/* util.c — the helpers every `possum` subcommand uses (see cli.h). */
#include "cli/cli.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <jansson.h>

#include "common/hex.h"
#include "common/jsonval.h"
#include "common/text.h"

int cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	host_vsay(CLI_USAGE, prog, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help'.\n", prog);
	return CLI_USAGE;
}

/* ---- The option parser ---- */

#define OPTIONS_MAX 40 /* a command's own options and the shared ones */

/* A command's options as cli_parse() reads them: its own, then the shared ones it binds. */
struct parse {
	cli_option opt[OPTIONS_MAX];
	bool required[OPTIONS_MAX], repeated[OPTIONS_MAX], seen[OPTIONS_MAX];
	char letter[OPTIONS_MAX];
	size_t n;
	struct option longs[OPTIONS_MAX + 2];
	char shorts[2 * OPTIONS_MAX + 3];
};

static void add_option(struct parse *p, cli_option o, bool required, char letter)
{
	assert(p->n < OPTIONS_MAX);
	p->opt[p->n] = o;
	p->required[p->n] = required;
	p->repeated[p->n] = false;
	p->seen[p->n] = false;
	p->letter[p->n] = letter;
	p->n++;
}

/* Gathers spec's options into p and the tables getopt_long() reads. */
static void gather(const cli_spec *spec, struct parse *p)
{
	const cli_common *c = &spec->common;
	size_t s = 0;

	p->n = 0;
	for (size_t i = 0; i < spec->n; i++) {
		char letter =
		    spec->letters != NULL && spec->letters[i] != ' ' ? spec->letters[i] : 0;
		if (spec->opts[i].name == NULL)
			continue;
		add_option(p, spec->opts[i], (spec->required >> i) & 1, letter);
		p->repeated[p->n - 1] = (spec->repeated >> i) & 1;
	}
	if (c->config != NULL)
		add_option(p, (cli_option)CLI_VALUE("config", c->config), false, 0);
	if (c->data != NULL)
		add_option(p, (cli_option)CLI_VALUE("data", c->data), false, 0);
	if (c->json != NULL)
		add_option(p, (cli_option)CLI_FLAG("json", c->json), false, 0);
	p->shorts[s++] = ':'; /* a missing value is ':', not '?' */
	p->shorts[s++] = 'h';
	for (size_t i = 0; i < p->n; i++) {
		p->longs[i] = (struct option){
		    p->opt[i].name, p->opt[i].value != NULL ? required_argument : no_argument, NULL,
		    256 + (int)i};
		if (p->letter[i] != 0)
			p->shorts[s++] = p->letter[i];
		if (p->letter[i] != 0 && p->opt[i].value != NULL)
			p->shorts[s++] = ':';
	}
	p->shorts[s] = '\0';
	p->longs[p->n] = (struct option){"help", no_argument, NULL, 'h'};
	p->longs[p->n + 1] = (struct option){0};
}

/* Stores option c (getopt_long's answer) into its variable, or says what is wrong. */
static int take(const cli_spec *spec, char **argv, struct parse *p, int c)
{
	const char *prog = argv[0];
	size_t i = (size_t)c - 256;

	if (c == ':')
		return cli_usage_error(prog, "%s needs a value", argv[optind - 1]);
	if (c == '?' && optopt > 0 && optopt < 256)
		return cli_usage_error(prog, "unknown option '-%c'", optopt);
	if (c == '?')
		return cli_usage_error(prog, "unknown option '%s'", argv[optind - 1]);
	if (c < 256)
		for (i = 0; i < p->n && p->letter[i] != c; i++)
			;
	if (p->seen[i] && !p->repeated[i])
		return cli_usage_error(prog, "--%s given twice", p->opt[i].name);
	p->seen[i] = true;
	if (p->repeated[i] && spec->each != NULL && p->opt[i].value != NULL)
		return spec->each(spec->ctx, p->opt[i].name, optarg);
	if (p->opt[i].value != NULL)
		*p->opt[i].value = optarg;
	else
		*p->opt[i].flag = 1;
	return CLI_OK;
}

int cli_parse(int argc, char **argv, const cli_spec *spec, int *operands)
{
	const char *prog = argv[0];
	struct parse p;
	int c, rc, count;

	gather(spec, &p);
	opterr = 0; /* the messages are ours, named after the command */
	optind = 0; /* each command parses afresh */
	while ((c = getopt_long(argc, argv, p.shorts, p.longs, NULL)) != -1) {
		if (c == 'h') {
			if (spec->help != NULL)
				printf("Usage: %s %s", prog, spec->help);
			return CLI_HELP;
		}
		if ((rc = take(spec, argv, &p, c)) != CLI_OK)
			return rc;
	}
	count = argc - optind;
	if (count < spec->min || (spec->max != CLI_ANY && count > spec->max)) {
		if (spec->wrong != NULL || count < spec->min)
			return cli_usage_error(
			    prog, "%s", spec->wrong != NULL ? spec->wrong : "missing operands");
		return cli_usage_error(prog, "unexpected argument '%s'", argv[optind + spec->max]);
	}
	for (size_t i = 0; i < p.n; i++)
		if (p.required[i] && !p.seen[i])
			return cli_usage_error(prog, "--%s is required", p.opt[i].name);
	*operands = optind;
	return CLI_OK;
}

int cli_object(const char *prog, const char *option, const char *meta, const char *operand,
               const char **value)
{
	if (operand != NULL && *value != NULL && strcmp(operand, *value) != 0)
		return cli_usage_error(prog, "%s given twice: '%s' and --%s '%s'", meta, operand,
		                       option, *value);
	if (operand != NULL)
		*value = operand;
	if (*value == NULL)
		return cli_usage_error(prog, "%s is needed (%s, or --%s %s)", meta, meta, option,
		                       meta);
	return CLI_OK;
}

int cli_alias(const char *prog, const char *name, const char *value, const char *old,
              const char *old_value, const char **out)
{
	if (value != NULL && old_value != NULL && strcmp(value, old_value) != 0)
		return cli_usage_error(
		    prog, "--%s '%s' and --%s '%s' differ: --%s is the old name of --%s", name,
		    value, old, old_value, old, name);
	*out = value != NULL ? value : old_value;
	return CLI_OK;
}

int cli_read_all(FILE *f, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (buf == NULL)
		return -1;
	for (;;) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
		if (n + 1 == cap) {
			char *bigger = realloc(buf, cap * 2);
			if (bigger == NULL) {
				free(buf);
				return -1;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int cli_input_bytes(const char *prog, const char *arg, int raw, uint8_t **out, size_t *len)
{
	char *text = NULL;
	size_t text_len;
	uint8_t *bytes;
	int rc;

	if (arg == NULL || strcmp(arg, "-") == 0) {
		if (cli_read_all(stdin, &text, &text_len) != 0)
			return cli_error(CLI_USAGE, prog, "cannot read standard input: %s",
			                 strerror(errno));
		if (raw) {
			*out = (uint8_t *)text;
			*len = text_len;
			return CLI_OK;
		}
		arg = text;
	} else if (raw) {
		return cli_usage_error(prog, "--raw reads standard input; give no HEX argument");
	}
	text_len = strlen(arg);
	if ((bytes = malloc(text_len / 2 + 1)) == NULL) {
		free(text);
		return cli_error(CLI_FAILED, prog, "out of memory");
	}
	rc = hex_decode(arg, text_len, bytes, text_len / 2 + 1, len);
	free(text);
	if (rc != HEX_OK) {
		free(bytes);
		return cli_error(CLI_USAGE, prog, "input is not hex: %s", hex_strerror(rc));
	}
	*out = bytes;
	return CLI_OK;
}

void cli_print_hex(const uint8_t *p, size_t len)
{
	static const char digits[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		putchar(digits[p[i] >> 4]);
		putchar(digits[p[i] & 15]);
	}
	putchar('\n');
}

int cli_int64(const char *prog, const char *name, const char *text, int64_t min, int64_t max,
              int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 10);
	if (*text == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		return cli_usage_error(prog,
		                       "--%s takes a whole number from %lld to %lld, not '%s'",
		                       name, (long long)min, (long long)max, text);
	*out = v;
	return CLI_OK;
}

const char *cli_time(const struct cli_env *env, int64_t t, char out[TEXT_TIME_LEN])
{
	text_local(t, env->host.cfg.utc_offset, out);
	return out;
}

void cli_print_time(const struct cli_env *env, const char *label, int64_t t)
{
	char text[TEXT_TIME_LEN];

	printf("%-13s%s\n", label, cli_time(env, t, text));
}

void cli_print_json(json_t *root)
{
	char *text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (text != NULL)
		puts(text);
	free(text);
	json_decref(root);
}

void cli_print_page(bool json, json_t *items, size_t n, int64_t next)
{
	if (json)
		cli_print_json(jsonval_page(items, next != 0 ? json_integer(next) : NULL));
	else if (n == 0)
		printf("none\n");
	else if (next != 0)
		printf("more: --after %lld\n", (long long)next);
}

void cli_actor(char out[CLI_ACTOR_MAX])
{
	const char *user = getenv("USER");

	/* The audit log takes one line of up to 63 bytes: a strange $USER is not one. */
	if (user == NULL || !text_is_line(user, CLI_ACTOR_MAX - 5))
		user = "admin";
	snprintf(out, CLI_ACTOR_MAX, "cli:%s", user);
}

int cli_raise_nofile(const char *prog, unsigned long need)
{
	struct rlimit rl;
	rlim_t want;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return cli_error(CLI_FAILED, prog, "cannot read the limit of open files: %s",
		                 strerror(errno));
	want = need == 0 ? rl.rlim_max : (rlim_t)need;
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
		return cli_error(CLI_FAILED, prog,
		                 "needs %lu open files, and the hard limit is %llu (ulimit -Hn)",
		                 need, (unsigned long long)rl.rlim_max);
	if (want == RLIM_INFINITY || want <= rl.rlim_cur)
		return CLI_OK;
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		return cli_error(CLI_FAILED, prog,
		                 "cannot raise the limit of open files to %llu: %s",
		                 (unsigned long long)want, strerror(errno));
	return CLI_OK;
}
