/* util.c — the helpers every `possum` subcommand uses (see cli.h). */
#include "cli/cli.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/hex.h"

int cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return CLI_USAGE;
}

int cli_error(int rc, const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return rc;
}

int cli_options(int argc, char **argv, const cli_option *opts, size_t n, const char *help,
                int *operands)
{
	struct option longs[32];
	int c;

	assert(n + 2 <= sizeof longs / sizeof longs[0]);
	for (size_t i = 0; i < n; i++)
		longs[i] = (struct option){opts[i].name,
		                           opts[i].value != NULL ? required_argument : no_argument,
		                           NULL, 256 + (int)i};
	longs[n] = (struct option){"help", no_argument, NULL, 'h'};
	longs[n + 1] = (struct option){0};
	opterr = 0; /* the messages are ours, named after the command */
	while ((c = getopt_long(argc, argv, ":", longs, NULL)) != -1) {
		if (c == 'h') {
			printf("Usage: %s %s", argv[0], help);
			return CLI_HELP;
		}
		if (c == ':')
			return cli_usage_error(argv[0], "%s needs a value", argv[optind - 1]);
		if (c < 256)
			return cli_usage_error(argv[0], "unknown option '%s'", argv[optind - 1]);
		if (opts[c - 256].value != NULL)
			*opts[c - 256].value = optarg;
		else
			*opts[c - 256].flag = 1;
	}
	*operands = optind;
	return CLI_OK;
}

int cli_dispatch(const char *group, const char *about, const cli_command *cmds, size_t n, int argc,
                 char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	int asked = name != NULL && (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
	                             strcmp(name, "help") == 0);

	if (name != NULL && !asked) {
		for (size_t i = 0; i < n; i++) {
			if (strcmp(cmds[i].name, name) == 0) {
				char prog[64];
				snprintf(prog, sizeof prog, "%s %s", group, name);
				argv[1] = prog;
				optind = 0; /* each subcommand parses its options afresh */
				return cmds[i].run(argc - 1, argv + 1);
			}
		}
	}
	/* Help asked for goes to stdout; a missing or unknown command is a usage error. */
	FILE *out = asked ? stdout : stderr;
	int width = 10;
	if (name != NULL && !asked)
		fprintf(out, "%s: unknown command '%s'\n\n", group, name);
	fprintf(out, "Usage: %s COMMAND [OPTIONS]\n\n%s\n\nCommands:\n", group, about);
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(cmds[i].name) > width)
			width = (int)strlen(cmds[i].name);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-*s %s\n", width, cmds[i].name, cmds[i].summary);
	fprintf(out, "\nRun '%s COMMAND --help' for a command's options.\n", group);
	return asked ? CLI_OK : CLI_USAGE;
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

void cli_print_json(json_t *root)
{
	char *text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (text != NULL)
		puts(text);
	free(text);
	json_decref(root);
}
