/* errors.c — the host's result codes and how it says its errors (env.h, internal.h). */
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

const char *host_strerror(int rc)
{
	switch (rc) {
	case HOST_OK:
		return "ok";
	case HOST_EUSAGE:
		return "bad configuration or usage";
	case HOST_EFAILED:
		return "cannot start";
	default:
		return "unknown error";
	}
}
