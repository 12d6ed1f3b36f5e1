/* fuzz_card.c — libFuzzer target for the card readers of outside input: track 2
 * (card_track2_parse) and card authentication's field 62 elements (request_cardauth_set).
 * Whatever the bytes, nothing may crash or read out of bounds; a track that parses has parts
 * that fit their buffers and a PAN of 12 to 19 digits, and elements that are read fit theirs. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "card/card.h"
#include "request/request.h"

#define FUZZ_INPUT_MAX 2048

static void track2(const char *text, size_t len)
{
	struct card_track2 t;

	if (card_track2_parse(text, len, &t) != CARD_OK)
		return;
	CHECK(strlen(t.pan) >= 12 && strlen(t.pan) <= CARD_PAN_MAX);
	CHECK(strlen(t.expiry) == CARD_EXPIRY_LEN);
	CHECK(strlen(t.service_code) == CARD_SERVICE_LEN);
	CHECK(strlen(t.discretionary) <= CARD_DISCRETIONARY_MAX);
	CHECK(card_pan_len(text) <= len);
}

static void cardauth(const char *text)
{
	struct request req;

	request_init(&req);
	if (request_cardauth_set(&req, text) == REQUEST_OK) {
		CHECK(strlen(req.holder) <= REQUEST_NAME_MAX);
		CHECK(strlen(req.id_number) <= REQUEST_ID_MAX);
		CHECK(strlen(req.phone) <= REQUEST_PHONE_MAX);
		CHECK(strlen(req.otp) <= REQUEST_OTP_LEN);
		(void)request_has_elements(&req);
	}
	request_wipe(&req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	text = fuzz_text(data, size);
	track2(text, size);
	cardauth(text);
	free(text);
	return 0;
}
