/* fuzz.h — what the new fuzz targets share (header-only: each target is one translation unit):
 * CHECK, which abort()s (the build's assert() may be compiled out); fuzz_text(), the input as a
 * NUL-terminated copy; and, with FUZZ_SCRATCH defined before it is included, for a parser that
 * reads a file (host_config_load, term_card_load), one scratch file per process written over
 * with each input (scratch_write()) and removed when the fuzzer exits. */
#ifndef POSSUM_FUZZ_H
#define POSSUM_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data as a string (heap, the caller frees it); a NUL in it ends the string early. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

#ifdef FUZZ_SCRATCH
static char scratch_path[] = "/tmp/possum-fuzz.XXXXXX";

static void scratch_remove(void)
{
	unlink(scratch_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Creates the scratch file once; abort()s when it cannot. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd = mkstemp(scratch_path);

	(void)argc;
	(void)argv;
	CHECK(fd >= 0);
	close(fd);
	atexit(scratch_remove);
	return 0;
}

/* The scratch file holding exactly data; its path. */
static const char *scratch_write(const uint8_t *data, size_t size)
{
	FILE *f = fopen(scratch_path, "wb");

	CHECK(f != NULL && fwrite(data, 1, size, f) == size && fclose(f) == 0);
	return scratch_path;
}
#endif

#endif
