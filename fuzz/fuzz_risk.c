/* fuzz_risk.c — libFuzzer target for the risk rules parser (risk_rules_parse, what
 * risk_rules_load reads a file with). Whatever the text, nothing may crash, leak or read out
 * of bounds; a refusal names its line within the text, and a table that loads has rules whose
 * names fit RISK_NAME_MAX. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "risk/risk.h"

#define FUZZ_INPUT_MAX 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256] = "", *text;
	risk_rules *r = NULL;
	size_t lines = 1;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	text = fuzz_text(data, size);
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	if (risk_rules_parse(text, "fuzz.rules", &r, err, sizeof err) == RISK_OK) {
		CHECK(r != NULL);
		CHECK(risk_rules_count(r) <= lines);
		for (size_t i = 0; i < risk_rules_count(r); i++) {
			struct risk_rule_info info;
			CHECK(risk_rule_info(r, i, &info) == RISK_OK);
			CHECK(strlen(info.name) <= RISK_NAME_MAX);
		}
		risk_rules_free(r);
	} else {
		CHECK(r == NULL);
		CHECK(strlen(err) < sizeof err);
		CHECK(risk_error_line(err) >= 0 && (size_t)risk_error_line(err) <= lines);
	}
	free(text);
	return 0;
}
