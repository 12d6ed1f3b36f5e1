/* fuzz_f59.c — libFuzzer target for the acquirer's reader of field 59's A2, the terminal's
 * identity (acquirer_f59_layout, acquirer_f59_sub; docs/cup-pos.md "Terminal identity").
 * Whatever the text, nothing may crash or read out of bounds; a sub-field read fits the
 * buffer it was read into, and in a field whose layout is allowed each sub-field 01 to 06
 * found is within its maximum. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "acquirer/internal.h"

#define FUZZ_INPUT_MAX 1000 /* field 59's buffer in terminal.c */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t max[] = {0, 2, ACQUIRER_SN_MAX, 6, 8, 8, 23}; /* by tag */
	char text[FUZZ_INPUT_MAX], out[ACQUIRER_SN_MAX + 1], small[4];
	const char *why;

	if (size >= sizeof text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	why = acquirer_f59_layout(text);
	CHECK(why == NULL || strcmp(why, "f59_tag") == 0 || strcmp(why, "f59_length") == 0 ||
	      strcmp(why, "f59_trailing") == 0);
	for (size_t tag = 1; tag <= 6; tag++) {
		char name[3] = {'0', (char)('0' + tag), '\0'};
		bool found = acquirer_f59_sub(text, name, out, sizeof out);
		if (found)
			CHECK(strlen(out) < sizeof out && strstr(text, out) != NULL);
		if (found && why == NULL)
			CHECK(strlen(out) <= max[tag]);
		if (acquirer_f59_sub(text, name, small, sizeof small))
			CHECK(strlen(small) < sizeof small);
	}
	return 0;
}
