/* errors.c — how the host says its errors: "PROG: message" on stderr (internal.h). */
#include <stdarg.h>
#include <stdio.h>

#include "host/env.h"
#include "host/internal.h"

int host_vsay(int rc, const char *prog, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return rc;
}

int host_say(int rc, const char *prog, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = host_vsay(rc, prog, fmt, ap);
	va_end(ap);
	return rc;
}
