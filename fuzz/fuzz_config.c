/* fuzz_config.c — libFuzzer target for the host's configuration reader (host_config_load,
 * libinih underneath) over a scratch file holding each input. Whatever the text, nothing may
 * crash, leak or read out of bounds, and a refusal is a sentence that fits its buffer. */
#include <string.h>

#define FUZZ_SCRATCH
#include "fuzz.h"
#include "host/config.h"

#define FUZZ_INPUT_MAX 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct host_config cfg;
	char err[512] = "";
	int rc;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	host_config_defaults(&cfg);
	rc = host_config_load(scratch_write(data, size), &cfg, err, sizeof err);
	CHECK(strlen(err) < sizeof err);
	CHECK(rc == 0 || err[0] != '\0');
	host_config_free(&cfg);
	return 0;
}
