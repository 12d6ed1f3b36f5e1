/* certify.c — what the parts of `possum certify` share: the result codes' names, a case's
 * findings and transcript (internal.h). */
#include "certify/internal.h"

#include "common/grow.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *certify_strerror(int rc)
{
	switch (rc) {
	case CERTIFY_OK:
		return "ok";
	case CERTIFY_EARG:
		return "an option malformed";
	case CERTIFY_ESUITE:
		return "the suite file does not read";
	case CERTIFY_ENOTFOUND:
		return "not found";
	case CERTIFY_ENOMEM:
		return "out of memory";
	case CERTIFY_EHOST:
		return "the test host did not start";
	case CERTIFY_ENET:
		return "the proxy could not listen or reach the test host";
	case CERTIFY_EDRIVER:
		return "the driver could not be run";
	case CERTIFY_ESTORE:
		return "the store failed";
	case CERTIFY_EIO:
		return "the report could not be written";
	case CERTIFY_EREVOKED:
		return "the certificate is revoked already";
	case CERTIFY_EINTR:
		return "interrupted: the test host stopped";
	default:
		return "unknown error";
	}
}

void certify_find(struct certify_case_result *cr, int msg, int line, const char *rule,
                  const char *fmt, ...)
{
	struct certify_finding *f;
	va_list ap;

	if (cr->n_findings == CERTIFY_FINDINGS_MAX) {
		cr->n_more++;
		return;
	}
	f = &cr->findings[cr->n_findings++];
	f->msg = msg;
	f->line = line;
	snprintf(f->rule, sizeof f->rule, "%s", rule);
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof f->why, fmt, ap);
	va_end(ap);
}

int certify_transcript_add(struct certify_transcript *tr, struct certify_msg *m)
{
	struct certify_msg **grown = grow_room(tr->msgs, tr->n, &tr->cap, sizeof *grown, 16);

	if (grown == NULL)
		return CERTIFY_ENOMEM;
	tr->msgs = grown;
	tr->msgs[tr->n++] = m;
	m->n = (int)tr->n;
	return CERTIFY_OK;
}

void certify_transcript_free(struct certify_transcript *tr)
{
	for (size_t i = 0; i < tr->n; i++)
		free(tr->msgs[i]);
	free(tr->msgs);
	memset(tr, 0, sizeof *tr);
}

int64_t certify_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
