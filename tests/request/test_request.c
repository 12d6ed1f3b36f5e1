/* test_request.c — the host's one request (src/request): the card read and checked once
 * (track 2 parsed, the PAN from field 2 or track 2, Luhn, field 2 against track 2), the entry
 * modes, a payment code (no Luhn), the type names, card authentication's field 62, the amount, the
 * merchant's name, a request read from an ISO 8583 message (request_iso_read, request_iso_secrets),
 * and wiping. */
#include "testutil.h"

#include <string.h>

#include "request/iso.h"
#include "request/request.h"

#define PAN    "4111111111111111"
#define TRACK2 PAN "=30121011234567890"

static void card_from_track2(void **state)
{
	struct request r;

	(void)state;
	request_init(&r);
	assert_int_equal(request_card_set(&r, NULL, TRACK2, NULL), REQUEST_OK);
	assert_int_equal(r.card.check, REQUEST_CARD_OK);
	assert_true(r.card.has_track2);
	assert_string_equal(r.card.pan, PAN);
	assert_string_equal(r.card.expiry, "3012");
	assert_string_equal(r.card.service_code, "101");
	assert_string_equal(r.card.track2.discretionary, "1234567890");
	/* Field 14 given: it is the expiry, track 2's kept in the track. */
	assert_int_equal(request_card_set(&r, PAN, TRACK2, "2911"), REQUEST_OK);
	assert_string_equal(r.card.expiry, "2911");
	assert_string_equal(r.card.track2.expiry, "3012");
	assert_int_equal(r.card.check, REQUEST_CARD_OK);
}

static void card_checks(void **state)
{
	struct request r;

	(void)state;
	request_init(&r);
	/* Track 2 unreadable: the first fault, the PAN of field 2 kept. */
	assert_int_equal(request_card_set(&r, PAN, "4111=", NULL), REQUEST_OK);
	assert_int_equal(r.card.check, REQUEST_CARD_TRACK2);
	assert_false(r.card.has_track2);
	assert_string_equal(r.card.pan, PAN);
	/* Luhn. */
	assert_int_equal(request_card_set(&r, "4111111111111112", NULL, NULL), REQUEST_OK);
	assert_int_equal(r.card.check, REQUEST_CARD_PAN);
	/* No PAN at all. */
	assert_int_equal(request_card_set(&r, NULL, NULL, NULL), REQUEST_OK);
	assert_int_equal(r.card.check, REQUEST_CARD_PAN);
	/* Field 2 and track 2 name different cards: Luhn first. */
	assert_int_equal(request_card_set(&r, "5500000000000004", TRACK2, NULL), REQUEST_OK);
	assert_int_equal(r.card.check, REQUEST_CARD_DIFFERS);
	assert_string_equal(r.card.pan, "5500000000000004");
	/* Too long for its field: an error, not a finding. */
	assert_int_equal(request_card_set(&r, "41111111111111111111", NULL, NULL), REQUEST_EARG);
	assert_int_equal(request_card_set(&r, PAN, NULL, "20011"), REQUEST_EARG);
	request_wipe(&r);
}

static void names_and_modes(void **state)
{
	(void)state;
	assert_string_equal(request_type_name(REQUEST_PURCHASE), "purchase");
	assert_string_equal(request_type_name(REQUEST_PREAUTH_CANCEL), "preauth_cancel");
	assert_string_equal(request_type_name(REQUEST_CARDAUTH_CONFIRM), "cardauth_confirm");
	assert_string_equal(request_type_name(0), "");
	assert_string_equal(request_type_name(REQUEST_TYPE_MAX + 1), "");
	assert_string_equal(request_type_name(-1), "");
	assert_int_equal(request_entry_of("011"), REQUEST_ENTRY_MANUAL);
	assert_int_equal(request_entry_of("021"), REQUEST_ENTRY_STRIPE);
	assert_int_equal(request_entry_of("901"), REQUEST_ENTRY_STRIPE);
	assert_int_equal(request_entry_of("051"), REQUEST_ENTRY_CHIP);
	assert_int_equal(request_entry_of("071"), REQUEST_ENTRY_CHIP);
	assert_int_equal(request_entry_of("801"), REQUEST_ENTRY_FALLBACK);
	assert_int_equal(request_entry_of("032"), REQUEST_ENTRY_QR);
	assert_int_equal(request_entry_of("031"), REQUEST_ENTRY_QR);
	assert_int_equal(request_entry_of("991"), REQUEST_ENTRY_UNKNOWN);
	assert_int_equal(request_entry_of(""), REQUEST_ENTRY_UNKNOWN);
	assert_int_equal(request_entry_of(NULL), REQUEST_ENTRY_UNKNOWN);
}

static void elements_amount_name(void **state)
{
	struct request r;

	(void)state;
	request_init(&r);
	assert_int_equal(request_cardauth_set(&r, "NM003abcID004X123XX002zzPH00513912"),
	                 REQUEST_OK);
	assert_string_equal(r.holder, "abc");
	assert_string_equal(r.id_number, "X123");
	assert_string_equal(r.phone, "13912");
	assert_string_equal(r.otp, "");
	assert_true(request_has_elements(&r));
	assert_int_equal(request_cardauth_set(&r, "OT006123456"), REQUEST_OK);
	assert_string_equal(r.otp, "123456");
	assert_int_equal(request_cardauth_set(&r, "OT0071234567"), REQUEST_EARG); /* too long */
	assert_int_equal(request_cardauth_set(&r, "NM009abc"), REQUEST_EARG);     /* cut short */
	assert_int_equal(request_cardauth_set(&r, "NM0x3abc"), REQUEST_EARG);
	assert_int_equal(request_amount_set(&r, "000000002500", "156"), REQUEST_OK);
	assert_int_equal(r.amount, 2500);
	assert_int_equal(r.currency, 156);
	assert_int_equal(request_amount_set(&r, "", ""), REQUEST_OK);
	assert_int_equal(r.amount, 0);
	assert_int_equal(request_amount_set(&r, "12a", "156"), REQUEST_EARG);
	assert_int_equal(request_merchant_name_set(&r, "Possum Cafe      Shanghai  CN   "),
	                 REQUEST_OK);
	assert_string_equal(r.merchant_name, "Possum Cafe      Shanghai  CN");
	request_wipe(&r);
	assert_string_equal(r.holder, "");
	assert_int_equal(r.amount, 0);
}

/* A purchase's message of CNY 25.00 with entry mode f22. */
static void purchase_message(iso8583_msg *m, const char *f22)
{
	iso8583_msg_init(m);
	iso8583_set_mti(m, "0200");
	iso8583_set_str(m, 4, "000000002500");
	iso8583_set_str(m, 49, "156");
	iso8583_set_str(m, 22, f22);
}

static void from_iso8583(void **state)
{
	const iso8583_profile *p = iso8583_profile_find("iso87a");
	uint8_t pin[8] = {1, 2, 3, 4, 5, 6, 7, 8}, icc[3] = {0x9F, 0x36, 0x00};
	hsm_key zpk = {.block = "K", .len = 1};
	struct request r;
	iso8583_msg m;

	(void)state;
	assert_non_null(p);
	purchase_message(&m, "021");
	iso8583_set_str(&m, 35, TRACK2);
	iso8583_set_str(&m, 37, "000000330001");
	iso8583_set_str(&m, 38, "123456");
	iso8583_set(&m, 52, pin, sizeof pin);
	iso8583_set(&m, 55, icc, sizeof icc);
	request_init(&r);
	assert_int_equal(request_iso_read(&m, &r), REQUEST_OK);
	assert_int_equal(r.amount, 2500);
	assert_int_equal(r.currency, 156);
	assert_int_equal(r.card.entry, REQUEST_ENTRY_STRIPE);
	assert_string_equal(r.card.pan, PAN);
	assert_string_equal(r.orig.rrn, "000000330001");
	assert_string_equal(r.orig.auth_code, "123456");
	assert_false(r.has_pin);
	assert_int_equal(request_iso_secrets(&m, &zpk, &r), REQUEST_OK);
	assert_true(r.has_pin);
	assert_memory_equal(r.pin_block, pin, sizeof pin);
	assert_ptr_equal(r.pin_key, &zpk);
	assert_int_equal(r.card.icc_len, sizeof icc);
	/* A PIN block that is not 8 bytes cannot be read. */
	iso8583_set(&m, 52, pin, 7);
	assert_int_equal(request_iso_secrets(&m, &zpk, &r), REQUEST_EARG);
	request_wipe(&r);
}

/* docs/qr.md: a payment code in field 2 (entry 03x) is read as one, without a Luhn check; only
 * its length (12 to 19 digits) is the card's. A PAN outside a QR payment keeps its check. */
static void payment_code(void **state)
{
	static const char code[] = "6200000011234567891"; /* its Luhn digit would be 0 */
	struct request r;
	iso8583_msg m;

	(void)state;
	purchase_message(&m, "032");
	iso8583_set_str(&m, 2, code);
	request_init(&r);
	assert_int_equal(request_iso_read(&m, &r), REQUEST_OK);
	assert_int_equal(r.card.entry, REQUEST_ENTRY_QR);
	assert_int_equal(r.qr, REQUEST_QR_CODE);
	assert_string_equal(r.card.pan, code);
	assert_int_equal(r.card.check, REQUEST_CARD_OK);
	/* The same digits as a card's number fail Luhn. */
	request_init(&r);
	iso8583_set_str(&m, 22, "012");
	assert_int_equal(request_iso_read(&m, &r), REQUEST_OK);
	assert_int_equal(r.qr, REQUEST_QR_NONE);
	assert_int_equal(r.card.check, REQUEST_CARD_PAN);
	/* A code that is not 12 to 19 digits, or none (a QR refund's), is still no card. */
	request_init(&r);
	r.qr = REQUEST_QR_CODE;
	assert_int_equal(request_card_set(&r, "62000000112", NULL, NULL), REQUEST_OK);
	assert_int_equal(r.card.check, REQUEST_CARD_PAN);
	assert_int_equal(request_card_set(&r, "62000000112345678A", NULL, NULL), REQUEST_OK);
	assert_int_equal(r.card.check, REQUEST_CARD_PAN);
	assert_int_equal(request_card_set(&r, "", NULL, NULL), REQUEST_OK);
	assert_int_equal(r.card.check, REQUEST_CARD_PAN);
	assert_int_equal(request_card_set(&r, "620000001123", NULL, NULL), REQUEST_OK);
	assert_int_equal(r.card.check, REQUEST_CARD_OK);
	/* The paying card of a merchant-presented payment is a card: Luhn applies. */
	r.qr = REQUEST_QR_MERCHANT;
	assert_int_equal(request_card_set(&r, code, NULL, NULL), REQUEST_OK);
	assert_int_equal(r.card.check, REQUEST_CARD_PAN);
	request_wipe(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(card_from_track2), cmocka_unit_test(card_checks),
	    cmocka_unit_test(names_and_modes),  cmocka_unit_test(elements_amount_name),
	    cmocka_unit_test(from_iso8583),     cmocka_unit_test(payment_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
