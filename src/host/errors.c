/* errors.c — how the host says its errors: "PROG: message" on stderr (internal.h). */
#include <stdarg.h>
#include <stdio.h>

#include "host/env.h"
#include "host/internal.h"

int host_say(int rc, const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return rc;
}
