/* result.c — a run's result freed (certify.h): each case's transcript, the cases and the suite
 * the run read. Apart from report.c so that the report, and the certificates made from a
 * result, do not need the suite's reader. */
#include "certify/internal.h"

#include <stdlib.h>

void certify_result_free(struct certify_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_cases; i++)
		certify_transcript_free(&r->cases[i].tr);
	free(r->cases);
	/* certify.h: the suite is read by the run and freed with its result. */
	certify_suite_free((struct certify_suite *)r->suite);
	free(r);
}
