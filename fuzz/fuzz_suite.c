/* fuzz_suite.c — libFuzzer target for the certification suite reader (certify_suite_parse,
 * docs/certify.md "The suite file"). Whatever the text, nothing may crash, leak or read out of
 * bounds; a refusal names a line within the text ("fuzz.suite:LINE: why"), and a suite that
 * reads has at least one case, each with at least one expectation, within the limits. */
#include <stdlib.h>
#include <string.h>

#include "certify/internal.h"
#include "fuzz.h"

#define FUZZ_INPUT_MAX 16384

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct certify_suite *s = NULL;
	char err[400] = "";
	size_t lines = 1;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (certify_suite_parse("fuzz.suite", (const char *)data, size, &s, err, sizeof err) ==
	    CERTIFY_OK) {
		CHECK(s != NULL && s->n_cases > 0);
		for (size_t i = 0; i < s->n_cases; i++) {
			const struct certify_case *c = &s->cases[i];

			CHECK(c->n_expects > 0 && c->n_expects <= CERTIFY_EXPECT_MAX);
			CHECK(c->n_steps <= CERTIFY_STEPS_MAX && c->n_host <= CERTIFY_HOST_MAX);
			CHECK(strlen(c->id) > 0 && strlen(c->id) < CERTIFY_ID_MAX);
		}
		certify_suite_free(s);
	} else {
		const char *colon = strchr(err, ':');

		CHECK(s == NULL);
		CHECK(strncmp(err, "fuzz.suite:", 11) == 0 && colon != NULL);
		CHECK(strtoul(colon + 1, NULL, 10) <= lines);
	}
	return 0;
}
