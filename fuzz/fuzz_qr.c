/* fuzz_qr.c — libFuzzer target for the reading of a merchant-presented payload (src/qr), which
 * comes from any QR code a wallet scans (`possum admin wallet pay-qr --payload`).
 *
 * Each input is read as a payload; the sanitizers catch any read past it. A payload read must
 * give members that are terminated strings, and one with possum's template 26 (a GUID and a
 * MID) must build again into a payload that reads back the same. The build is
 * RelWithDebInfo, where assert() is compiled out, so the checks abort() themselves. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qr/qr.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

#define FUZZ_INPUT_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[FUZZ_INPUT_MAX + 1], again[QR_PAYLOAD_MAX];
	struct qr_merchant m, back;
	int rc;

	if (size > FUZZ_INPUT_MAX || memchr(data, '\0', size) != NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = qr_payload_parse(text, &m);
	CHECK(qr_strerror(rc) != NULL);
	CHECK(rc == QR_OK || rc == QR_EFORMAT || rc == QR_ECRC);
	if (rc != QR_OK)
		return 0;
	CHECK(memchr(m.name, '\0', sizeof m.name) != NULL && m.name[0] != '\0');
	CHECK(memchr(m.name_local, '\0', sizeof m.name_local) != NULL);
	CHECK(memchr(m.city_local, '\0', sizeof m.city_local) != NULL);
	if (m.guid[0] == '\0' || m.mid[0] == '\0')
		return 0;
	CHECK(qr_payload_build(&m, again, sizeof again) == QR_OK);
	CHECK(qr_payload_parse(again, &back) == QR_OK);
	CHECK(memcmp(&m, &back, sizeof m) == 0);
	return 0;
}
