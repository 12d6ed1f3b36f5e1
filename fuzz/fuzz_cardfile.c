/* fuzz_cardfile.c — libFuzzer target for the terminal's card image reader (term_card_load:
 * the JSON `possum admin card issue --out` writes) over a scratch file holding each input.
 * Whatever the bytes, nothing may crash or read out of bounds, and a card that loads has its
 * strings terminated within their buffers. */
#include <string.h>

#define FUZZ_SCRATCH
#include "fuzz.h"
#include "term/term.h"

#define FUZZ_INPUT_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct term_card c;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	memset(&c, 0, sizeof c);
	if (term_card_load(scratch_write(data, size), &c) == TERM_OK) {
		CHECK(memchr(c.pan, '\0', sizeof c.pan) != NULL);
		CHECK(memchr(c.expiry, '\0', sizeof c.expiry) != NULL);
		CHECK(memchr(c.service_code, '\0', sizeof c.service_code) != NULL);
		CHECK(memchr(c.track2, '\0', sizeof c.track2) != NULL);
		CHECK(memchr(c.psn, '\0', sizeof c.psn) != NULL);
		CHECK(memchr(c.aid, '\0', sizeof c.aid) != NULL);
		CHECK(memchr(c.label, '\0', sizeof c.label) != NULL);
	}
	term_card_wipe(&c);
	return 0;
}
