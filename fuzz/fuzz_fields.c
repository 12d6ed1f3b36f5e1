/* fuzz_fields.c — libFuzzer target for the acquirer's readers of fields 48 and 60
 * (acquirer_f60_read, acquirer_f48_totals, acquirer_f48_upload, acquirer_f48_record;
 * docs/cup-pos.md). The first byte picks the reader, the rest is the field as the terminal
 * sent it. Whatever the bytes, nothing may crash or read out of bounds; what a reader accepts
 * holds what the layout promises: digits, a batch of at most 6 digits, counts within the
 * message's maxima, a PAN of 12 to 19 digits. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "acquirer/internal.h"

#define FUZZ_INPUT_MAX 400 /* field 48's largest, 322, and some beyond */

static void f60(const char *text)
{
	struct acquirer_f60 v;

	if (acquirer_f60_read(text, &v) != 0)
		return;
	CHECK(strlen(text) >= 8 && v.batch >= 0 && v.batch <= 999999);
	CHECK(strlen(v.type) == 2 && (v.nmc[0] == '\0' || strlen(v.nmc) == 3));
}

static void totals(const char *f48, size_t len)
{
	struct store_recon_batch b = {0};

	if (acquirer_f48_totals(f48, len, &b) != 0)
		return;
	CHECK(len == ACQUIRER_F48_TOTALS);
	CHECK(b.sales_amount >= 0 && b.sales_amount <= 999999999999LL && b.sales_count <= 999);
	CHECK(b.refund_amount >= 0 && b.refund_count >= 0 && b.foreign_refund_count <= 999);
}

static void upload(const char *f48, size_t len, int min, int max)
{
	struct acquirer_f48_record r;
	int n = -1;

	if (acquirer_f48_upload(f48, len, min, max, &n) != 0)
		return;
	CHECK(n >= min && n <= max && len == 2 + (size_t)n * ACQUIRER_F48_RECORD);
	for (int i = 0; i < n; i++) {
		CHECK(acquirer_f48_record(f48 + 2 + (size_t)i * ACQUIRER_F48_RECORD, &r) == 0);
		CHECK(strlen(r.pan) >= 12 && strlen(r.pan) <= 19 && r.amount >= 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	size_t len;

	if (size < 1 || size > FUZZ_INPUT_MAX)
		return 0;
	/* An exact-size heap copy, not NUL-terminated for field 48's readers: a read past its
	 * length is AddressSanitizer's to see. */
	len = size - 1;
	text = malloc(len > 0 ? len : 1);
	CHECK(text != NULL);
	memcpy(text, data + 1, len);
	switch (data[0] % 4) {
	case 0: {
		char *s = fuzz_text(data + 1, len);
		f60(s);
		free(s);
		break;
	}
	case 1:
		totals(text, len);
		break;
	case 2:
		upload(text, len, 1, ACQUIRER_F48_RECORDS);
		break;
	default:
		upload(text, len, data[0] & 0x80 ? 0 : 1,
		       data[0] & 0x40 ? 1 : ACQUIRER_F48_RECORDS);
		break;
	}
	free(text);
	return 0;
}
