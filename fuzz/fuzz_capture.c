/* fuzz_capture.c — libFuzzer target for the packet capture reader (src/capture), which reads
 * files people bring from anywhere (`possum iso decode --pcap`).
 *
 * Each input is written to an anonymous file (memfd) and read as a capture; the sanitizers
 * catch any read past a packet. Every frame given must be consistent: a whole frame is its
 * 2-byte length header and exactly that many bytes; anything else carries its reason; frames
 * are numbered from 1 without a gap; the direction is one of the two. The build is
 * RelWithDebInfo, where assert() is compiled out, so the checks abort() themselves. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/capture.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* Larger captures teach nothing new and slow the run. */
#define FUZZ_INPUT_MAX 65536

static int frame(void *ctx, const struct capture_frame *f)
{
	unsigned *n = ctx;

	CHECK(f->number == ++*n);
	CHECK(f->stream >= 1);
	CHECK(f->direction == CAPTURE_TO_SERVER || f->direction == CAPTURE_TO_CLIENT);
	CHECK(f->len == 0 || f->data != NULL);
	if (f->error == NULL) {
		CHECK(f->len >= 2);
		CHECK((size_t)(f->data[0] << 8 | f->data[1]) + 2 == f->len);
	} else {
		CHECK(f->error[0] != '\0');
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[256];
	capture *c = NULL;
	unsigned n = 0;
	int fd, rc;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	fd = memfd_create("capture", 0);
	CHECK(fd >= 0);
	CHECK(write(fd, data, size) == (ssize_t)size);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	rc = capture_open(path, &c, err, sizeof err);
	CHECK(capture_strerror(rc) != NULL);
	if (rc == CAPTURE_OK) {
		rc = capture_read(c, 0, frame, &n);
		CHECK(rc == CAPTURE_OK || rc == CAPTURE_EREAD || rc == CAPTURE_ENOMEM ||
		      rc == CAPTURE_EFORMAT);
	}
	capture_close(c);
	close(fd);
	return 0;
}
