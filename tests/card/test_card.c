/* test_card.c — the card module against published examples: the Luhn check digit (the worked
 * example of the Luhn formula's Wikipedia article, the IBM Mod 10 example, the card schemes'
 * public test PANs), the service code table of ISO/IEC 7813; and its own rules, each with
 * every rejection: masking (first 6 and last 4, nothing clear on failure), track 2 parsing and
 * building, the expiry date and its century, BIN range precedence. Luhn answers were also
 * computed outside possum, with a ten-line Python Luhn. */
#include "testutil.h"

#include "card/card.h"

/* Public test PANs: Visa 4111111111111111, Mastercard 5555555555554444, American Express
 * 378282246310005 (15 digits), Discover 6011111111111117 (the schemes' and gateways' published
 * test cards); 4012345678909 (13 digits, shared/vectors, ISO 9564-1 format 0); 6228480402564890018
 * (19 digits, examples/purchase.json). */
static const char *const good_pans[] = {
    "4111111111111111", "5555555555554444", "378282246310005",
    "6011111111111117", "4012345678909",    "6228480402564890018",
};

/* ---- Luhn ---- */

/* Wikipedia, "Luhn algorithm": the payload 7992739871 has check digit 3; IBM's Mod 10 self-
 * check digit example: base number 61248, check digit 1. */
static void luhn_known(void **state)
{
	char d = 0;

	(void)state;
	assert_int_equal(card_luhn_digit("7992739871", &d), CARD_OK);
	assert_int_equal(d, '3');
	assert_int_equal(card_luhn_check("79927398713"), CARD_OK);
	assert_int_equal(card_luhn_digit("61248", &d), CARD_OK);
	assert_int_equal(d, '1');
	assert_int_equal(card_luhn_check("612481"), CARD_OK);
	/* Every other final digit is wrong; so is the transposition of the last two. */
	for (char c = '0'; c <= '9'; c++) {
		char n[] = "7992739871X";

		n[10] = c;
		assert_int_equal(card_luhn_check(n), c == '3' ? CARD_OK : CARD_ELUHN);
	}
	assert_int_equal(card_luhn_check("79927398731"), CARD_ELUHN);
	/* The test PANs' check digits, taken off and computed again. */
	for (size_t i = 0; i < sizeof good_pans / sizeof good_pans[0]; i++) {
		char payload[20];
		size_t n = strlen(good_pans[i]);

		memcpy(payload, good_pans[i], n - 1);
		payload[n - 1] = '\0';
		assert_int_equal(card_luhn_digit(payload, &d), CARD_OK);
		assert_int_equal(d, good_pans[i][n - 1]);
		assert_int_equal(card_luhn_check(good_pans[i]), CARD_OK);
	}
	/* A payload of one digit: 0 → 0, 1 → 8 ("18": 1×2 + 8 = 10). */
	assert_int_equal(card_luhn_digit("0", &d), CARD_OK);
	assert_int_equal(d, '0');
	assert_int_equal(card_luhn_digit("1", &d), CARD_OK);
	assert_int_equal(d, '8');
}

static void luhn_rejects(void **state)
{
	char d = 'x';

	(void)state;
	assert_int_equal(card_luhn_digit("", &d), CARD_EDIGITS);
	assert_int_equal(card_luhn_digit(NULL, &d), CARD_EDIGITS);
	assert_int_equal(card_luhn_digit("79927 39871", &d), CARD_EDIGITS);
	assert_int_equal(card_luhn_digit("4111111111111111111", &d), CARD_EDIGITS); /* 19 */
	assert_int_equal(d, 'x');
	assert_int_equal(card_luhn_check("0"), CARD_EDIGITS);
	assert_int_equal(card_luhn_check(NULL), CARD_EDIGITS);
	assert_int_equal(card_luhn_check("7992739871-3"), CARD_EDIGITS);
	assert_int_equal(card_luhn_check("41111111111111111110"), CARD_EDIGITS); /* 20 */
}

/* ---- PAN ---- */

static void pan_check(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good_pans / sizeof good_pans[0]; i++)
		assert_int_equal(card_pan_check(good_pans[i]), CARD_OK);
	assert_int_equal(card_pan_check("4111111111111112"), CARD_ELUHN);
	assert_int_equal(card_pan_check("4111111111111141"), CARD_ELUHN); /* 1 → 4 */
	/* Luhn-valid, but 11 digits: not a PAN. */
	assert_int_equal(card_pan_check("79927398713"), CARD_EPAN);
	assert_int_equal(card_pan_check("41111111111111111110"), CARD_EPAN); /* 20 digits */
	assert_int_equal(card_pan_check("4111 1111 1111 1111"), CARD_EPAN);
	assert_int_equal(card_pan_check("411111111111111F"), CARD_EPAN);
	assert_int_equal(card_pan_check(""), CARD_EPAN);
	assert_int_equal(card_pan_check(NULL), CARD_EPAN);
}

static void assert_mask(const char *pan, const char *want)
{
	char out[32];

	assert_int_equal(card_pan_mask(pan, strlen(pan), out, sizeof out), CARD_OK);
	assert_string_equal(out, want);
}

/* No character of out is a digit: what a failed mask leaves. */
static void assert_no_digit(const char *out)
{
	for (const char *p = out; *p != '\0'; p++)
		assert_true(*p < '0' || *p > '9');
}

static void pan_mask(void **state)
{
	char text[] = "6228480402564890018=2812", out[32];

	(void)state;
	assert_mask("4111111111111111", "411111******1111");
	assert_mask("6228480402564890018", "622848*********0018"); /* e2e_cli.sh --mask */
	assert_mask("378282246310005", "378282*****0005");
	assert_mask("4012345678909", "401234***8909");
	assert_mask("411111111111", "411111**1111"); /* 12 digits: 2 hidden */
	/* The check digit is not checked: a mistyped PAN is masked all the same. */
	assert_mask("4111111111111112", "411111******1112");
	/* In place, on a part of a longer text: the PAN before the separator. */
	assert_int_equal(card_pan_mask(text, 19, text, 20), CARD_OK);
	assert_string_equal(text, "622848*********0018");

	/* Not a PAN: every character starred, CARD_EPAN. */
	assert_int_equal(card_pan_mask("79927398713", 11, out, sizeof out), CARD_EPAN);
	assert_string_equal(out, "***********");
	assert_int_equal(card_pan_mask("41111111111111111110", 20, out, sizeof out), CARD_EPAN);
	assert_string_equal(out, "********************");
	assert_int_equal(card_pan_mask("411111111111111X", 16, out, sizeof out), CARD_EPAN);
	assert_string_equal(out, "****************");
	assert_int_equal(card_pan_mask("12345", 5, out, sizeof out), CARD_EPAN);
	assert_no_digit(out);
	assert_int_equal(card_pan_mask(NULL, 4, out, sizeof out), CARD_EPAN);
	assert_string_equal(out, "****");
	/* In place, a value that is not a PAN loses every digit. */
	strcpy(text, "12345=2512");
	assert_int_equal(card_pan_mask(text, 5, text, 6), CARD_EPAN);
	assert_string_equal(text, "*****");
	/* No room: nothing of the PAN written. */
	strcpy(out, "unchanged");
	assert_int_equal(card_pan_mask("4111111111111111", 16, out, 16), CARD_ESPACE);
	assert_string_equal(out, "");
	assert_int_equal(card_pan_mask("4111111111111111", 16, NULL, 17), CARD_EARG);
}

/* ---- Track 2 ---- */

/* The PAN's length before either separator, or the whole of a bare card number. */
static void pan_len(void **state)
{
	(void)state;
	assert_int_equal(card_pan_len("4111111111111111=25121011234"), 16);
	assert_int_equal(card_pan_len("6225880141463998975D3111120"), 19);
	assert_int_equal(card_pan_len("4111111111111111"), 16);
	assert_int_equal(card_pan_len("=2512"), 0);
	assert_int_equal(card_pan_len(""), 0);
}

static void track2_parse(void **state)
{
	struct card_track2 t;
	/* examples/purchase.json field 35: 37 characters, the most track 2 holds. */
	const char *longest = "6228480402564890018=28122201234567890";

	(void)state;
	assert_int_equal(card_track2_parse(longest, strlen(longest), &t), CARD_OK);
	assert_string_equal(t.pan, "6228480402564890018");
	assert_string_equal(t.expiry, "2812");
	assert_string_equal(t.service_code, "220");
	assert_string_equal(t.discretionary, "1234567890");
	/* 'D' as cup-pos field 35 carries the separator; a value that is a part of a longer text.
	 */
	assert_int_equal(card_track2_parse("4111111111111111D25121011234??", 28, &t), CARD_OK);
	assert_string_equal(t.pan, "4111111111111111");
	assert_string_equal(t.expiry, "2512");
	assert_string_equal(t.service_code, "101");
	assert_string_equal(t.discretionary, "1234");
	/* No discretionary data. */
	assert_int_equal(card_track2_parse("4012345678909=2512201", 21, &t), CARD_OK);
	assert_string_equal(t.pan, "4012345678909");
	assert_string_equal(t.discretionary, "");
}

static void assert_parse_fails(const char *text, int rc)
{
	struct card_track2 t, before;

	memset(&t, 0x5A, sizeof t);
	before = t;
	assert_int_equal(card_track2_parse(text, strlen(text), &t), rc);
	assert_memory_equal(&t, &before, sizeof t); /* untouched */
}

static void track2_rejects(void **state)
{
	struct card_track2 t;

	(void)state;
	assert_parse_fails("", CARD_ETRACK);
	assert_parse_fails("6228480402564890018=281222012345678901", CARD_ETRACK); /* 38 */
	assert_parse_fails("41111111111111112512101", CARD_ESEPARATOR);
	assert_parse_fails("79927398713=2512101", CARD_EPAN);          /* 11 digits */
	assert_parse_fails("41111111111111111110=2512101", CARD_EPAN); /* 20 digits */
	assert_parse_fails(";4111111111111111=2512101?", CARD_EPAN);   /* sentinels */
	assert_parse_fails("=2512101", CARD_EPAN);
	assert_parse_fails("4111111111111112=2512101", CARD_ELUHN);
	assert_parse_fails("4111111111111111=", CARD_EEXPIRY);
	assert_parse_fails("4111111111111111=251", CARD_EEXPIRY);
	assert_parse_fails("4111111111111111=2513101", CARD_EEXPIRY); /* month 13 */
	assert_parse_fails("4111111111111111=2500101", CARD_EEXPIRY); /* month 00 */
	assert_parse_fails("4111111111111111=25A2101", CARD_EEXPIRY);
	assert_parse_fails("4111111111111111==2512101", CARD_EEXPIRY);
	assert_parse_fails("4111111111111111=2512", CARD_ESERVICE);
	assert_parse_fails("4111111111111111=251210", CARD_ESERVICE);
	assert_parse_fails("4111111111111111=25121X1", CARD_ESERVICE);
	assert_parse_fails("4111111111111111=2512101123=4", CARD_EDATA); /* second separator */
	assert_parse_fails("4111111111111111=2512101123D4", CARD_EDATA);
	assert_parse_fails("4111111111111111=2512101123?", CARD_EDATA); /* end sentinel */
	assert_parse_fails("4111111111111111=2512101123F", CARD_EDATA); /* EMV tag 57's pad */
	assert_int_equal(card_track2_parse(NULL, 0, &t), CARD_EARG);
	assert_int_equal(card_track2_parse("4111111111111111=2512101", 24, NULL), CARD_EARG);
}

static void track2_round_trip(void **state)
{
	static const char *const tracks[] = {
	    "6228480402564890018=28122201234567890",
	    "4111111111111111=25121011234",
	    "4012345678909=2512201",
	    "378282246310005=99126060000000000",
	};
	struct card_track2 t;
	char out[CARD_TRACK2_MAX + 1], with_d[CARD_TRACK2_MAX + 1];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof tracks / sizeof tracks[0]; i++) {
		size_t len = strlen(tracks[i]);

		assert_int_equal(card_track2_parse(tracks[i], len, &t), CARD_OK);
		assert_int_equal(card_track2_build(&t, '=', out, sizeof out, &n), CARD_OK);
		assert_int_equal(n, len);
		assert_string_equal(out, tracks[i]);
		/* With 'D' the same but for the separator, and it parses back. */
		strcpy(with_d, tracks[i]);
		*strchr(with_d, '=') = 'D';
		assert_int_equal(card_track2_build(&t, 'D', out, sizeof out, &n), CARD_OK);
		assert_string_equal(out, with_d);
		assert_int_equal(card_track2_parse(out, n, &t), CARD_OK);
	}
}

static void track2_build_rejects(void **state)
{
	const struct card_track2 good = {"4111111111111111", "2512", "101", "1234"};
	struct card_track2 t;
	char out[CARD_TRACK2_MAX + 1] = "unchanged";
	size_t n = 99;

	(void)state;
	assert_int_equal(card_track2_build(&good, '^', out, sizeof out, &n), CARD_EARG);
	assert_int_equal(card_track2_build(NULL, '=', out, sizeof out, &n), CARD_EARG);
	t = good;
	strcpy(t.pan, "41111111111");
	assert_int_equal(card_track2_build(&t, '=', out, sizeof out, &n), CARD_EPAN);
	t = good;
	strcpy(t.pan, "4111111111111112");
	assert_int_equal(card_track2_build(&t, '=', out, sizeof out, &n), CARD_ELUHN);
	t = good;
	strcpy(t.expiry, "2513");
	assert_int_equal(card_track2_build(&t, '=', out, sizeof out, &n), CARD_EEXPIRY);
	t = good;
	strcpy(t.expiry, "251");
	assert_int_equal(card_track2_build(&t, '=', out, sizeof out, &n), CARD_EEXPIRY);
	t = good;
	strcpy(t.service_code, "10");
	assert_int_equal(card_track2_build(&t, '=', out, sizeof out, &n), CARD_ESERVICE);
	t = good;
	strcpy(t.service_code, "1O1");
	assert_int_equal(card_track2_build(&t, '=', out, sizeof out, &n), CARD_ESERVICE);
	t = good;
	strcpy(t.discretionary, "12=4");
	assert_int_equal(card_track2_build(&t, '=', out, sizeof out, &n), CARD_EDATA);
	/* A 19-digit PAN leaves room for 10 characters of discretionary data, not 11. */
	t = (struct card_track2){"6228480402564890018", "2812", "220", "12345678901"};
	assert_int_equal(card_track2_build(&t, '=', out, sizeof out, &n), CARD_ETRACK);
	t.discretionary[10] = '\0';
	assert_int_equal(card_track2_build(&t, '=', out, 37, &n), CARD_ESPACE);
	assert_string_equal(out, "unchanged");
	assert_int_equal(n, 99);
	assert_int_equal(card_track2_build(&t, '=', out, 38, &n), CARD_OK);
	assert_int_equal(n, 37);
}

/* ---- Expiry ---- */

static void expiry_edges(void **state)
{
	(void)state;
	/* Valid through the last day of the expiry month; expired from the first of the next. */
	assert_int_equal(card_expiry_check("2512", 2025, 11), CARD_OK);
	assert_int_equal(card_expiry_check("2512", 2025, 12), CARD_OK);
	assert_int_equal(card_expiry_check("2512", 2026, 1), CARD_EEXPIRED);
	assert_int_equal(card_expiry_check("2601", 2025, 12), CARD_OK);
	assert_int_equal(card_expiry_check("2506", 2025, 7), CARD_EEXPIRED);
	assert_int_equal(card_expiry_check("2506", 2024, 12), CARD_OK);
	/* The century: YY is 20YY, 2000 to 2099. */
	assert_int_equal(card_expiry_check("0001", 2000, 1), CARD_OK);
	assert_int_equal(card_expiry_check("0001", 2000, 2), CARD_EEXPIRED);
	assert_int_equal(card_expiry_check("0012", 2001, 1), CARD_EEXPIRED);
	assert_int_equal(card_expiry_check("9912", 2099, 12), CARD_OK);
	assert_int_equal(card_expiry_check("9912", 2000, 1), CARD_OK);        /* 2099, not 1999 */
	assert_int_equal(card_expiry_check("0001", 2099, 12), CARD_EEXPIRED); /* 2000, not 2100 */
	assert_int_equal(card_expiry_check("4912", 2025, 6), CARD_OK);        /* 2049, not 1949 */
}

static void expiry_rejects(void **state)
{
	(void)state;
	assert_int_equal(card_expiry_check("2513", 2025, 1), CARD_EEXPIRY);
	assert_int_equal(card_expiry_check("2500", 2025, 1), CARD_EEXPIRY);
	assert_int_equal(card_expiry_check("251", 2025, 1), CARD_EEXPIRY);
	assert_int_equal(card_expiry_check("25121", 2025, 1), CARD_EEXPIRY);
	assert_int_equal(card_expiry_check("25-2", 2025, 1), CARD_EEXPIRY);
	assert_int_equal(card_expiry_check("", 2025, 1), CARD_EEXPIRY);
	assert_int_equal(card_expiry_check(NULL, 2025, 1), CARD_EEXPIRY);
	/* Dates outside the century rule's window, and months that are not. */
	assert_int_equal(card_expiry_check("2512", 1999, 12), CARD_EARG);
	assert_int_equal(card_expiry_check("2512", 2100, 1), CARD_EARG);
	assert_int_equal(card_expiry_check("2512", 2025, 0), CARD_EARG);
	assert_int_equal(card_expiry_check("2512", 2025, 13), CARD_EARG);
}

/* ---- Service code ---- */

static void assert_service(const char *code, enum card_interchange ic, bool chip,
                           enum card_authorization auth, enum card_services services,
                           enum card_pin pin)
{
	struct card_service s;

	assert_int_equal(card_service_code(code, &s), CARD_OK);
	assert_int_equal(s.interchange, ic);
	assert_int_equal(s.chip, chip);
	assert_int_equal(s.authorization, auth);
	assert_int_equal(s.services, services);
	assert_int_equal(s.pin, pin);
}

/* ISO/IEC 7813 service code digits, as the Wikipedia article "Magnetic stripe card" and card
 * issuers' guides table them. */
static void service_codes(void **state)
{
	(void)state;
	/* 101: magnetic stripe, international, normal authorization, no restrictions. */
	assert_service("101", CARD_INTERCHANGE_INTERNATIONAL, false, CARD_AUTH_NORMAL,
	               CARD_SERVICES_ANY, CARD_PIN_NOT_REQUIRED);
	/* 201: the same with a chip; 220 (examples/purchase.json): online, PIN required. */
	assert_service("201", CARD_INTERCHANGE_INTERNATIONAL, true, CARD_AUTH_NORMAL,
	               CARD_SERVICES_ANY, CARD_PIN_NOT_REQUIRED);
	assert_service("220", CARD_INTERCHANGE_INTERNATIONAL, true, CARD_AUTH_ONLINE,
	               CARD_SERVICES_ANY, CARD_PIN_REQUIRED);
	assert_service("501", CARD_INTERCHANGE_NATIONAL, false, CARD_AUTH_NORMAL, CARD_SERVICES_ANY,
	               CARD_PIN_NOT_REQUIRED);
	assert_service("620", CARD_INTERCHANGE_NATIONAL, true, CARD_AUTH_ONLINE, CARD_SERVICES_ANY,
	               CARD_PIN_REQUIRED);
	assert_service("742", CARD_INTERCHANGE_PRIVATE, false, CARD_AUTH_ONLINE_UNLESS_AGREED,
	               CARD_SERVICES_GOODS, CARD_PIN_NOT_REQUIRED);
	assert_service("903", CARD_INTERCHANGE_TEST, false, CARD_AUTH_NORMAL, CARD_SERVICES_ATM,
	               CARD_PIN_REQUIRED);
	/* Digit 3 one by one: PIN required for 0, 3, 5; where feasible for 6, 7. */
	assert_service("104", CARD_INTERCHANGE_INTERNATIONAL, false, CARD_AUTH_NORMAL,
	               CARD_SERVICES_CASH, CARD_PIN_NOT_REQUIRED);
	assert_service("105", CARD_INTERCHANGE_INTERNATIONAL, false, CARD_AUTH_NORMAL,
	               CARD_SERVICES_GOODS, CARD_PIN_REQUIRED);
	assert_service("106", CARD_INTERCHANGE_INTERNATIONAL, false, CARD_AUTH_NORMAL,
	               CARD_SERVICES_ANY, CARD_PIN_IF_FEASIBLE);
	assert_service("107", CARD_INTERCHANGE_INTERNATIONAL, false, CARD_AUTH_NORMAL,
	               CARD_SERVICES_GOODS, CARD_PIN_IF_FEASIBLE);
	assert_service("100", CARD_INTERCHANGE_INTERNATIONAL, false, CARD_AUTH_NORMAL,
	               CARD_SERVICES_ANY, CARD_PIN_REQUIRED);
	assert_service("102", CARD_INTERCHANGE_INTERNATIONAL, false, CARD_AUTH_NORMAL,
	               CARD_SERVICES_GOODS, CARD_PIN_NOT_REQUIRED);
}

static void service_rejects(void **state)
{
	/* Reserved by ISO: digit 1 0, 3, 4, 8; digit 2 1, 3, 5 to 9; digit 3 8, 9. */
	static const char *const reserved[] = {"001", "301", "401", "801", "111", "131", "151",
	                                       "161", "171", "181", "191", "108", "109"};
	struct card_service s;

	(void)state;
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		assert_int_equal(card_service_code(reserved[i], &s), CARD_ESERVICE);
	assert_int_equal(card_service_code("10", &s), CARD_ESERVICE);
	assert_int_equal(card_service_code("1011", &s), CARD_ESERVICE);
	assert_int_equal(card_service_code("1A1", &s), CARD_ESERVICE);
	assert_int_equal(card_service_code("", &s), CARD_ESERVICE);
	assert_int_equal(card_service_code(NULL, &s), CARD_ESERVICE);
}

/* ---- BIN ranges ---- */

static const struct card_bin_range bins[] = {
    {"4", "4", CARD_PRODUCT_CREDIT, "visa"},
    {"411111", "411111", CARD_PRODUCT_DEBIT, "bank-a"},
    {"41111111", "41111111", CARD_PRODUCT_PREPAID, "bank-b"}, /* an 8-digit BIN */
    {"622126", "622925", CARD_PRODUCT_DEBIT, "cup"},
    {"622848", "622848", CARD_PRODUCT_DEBIT, "abc"},
    {"510000", "559999", CARD_PRODUCT_CREDIT, "mc"},
    {"5555555555555555555", "5555555555555555555", CARD_PRODUCT_CREDIT, "too-long"},
    {"378282", "378282", CARD_PRODUCT_CREDIT, "amex-1"},
    {"378282", "378282", CARD_PRODUCT_CREDIT, "amex-2"},
};
#define N_BINS (sizeof bins / sizeof bins[0])

static const char *lookup(const char *pan)
{
	const struct card_bin_range *r = NULL;

	assert_int_equal(card_bin_lookup(bins, N_BINS, pan, &r), CARD_OK);
	return r->issuer;
}

static void bin_lookup(void **state)
{
	(void)state;
	assert_int_equal(card_bin_check(bins, N_BINS, NULL), CARD_OK);
	/* The longest prefix wins: 8 digits over 6 over 1. */
	assert_string_equal(lookup("4111111111111111"), "bank-b");
	assert_string_equal(lookup("4111119999999999"), "bank-a");
	assert_string_equal(lookup("4111121111111111"), "visa");
	/* Of one length, the narrower range: one BIN inside a range of 800. */
	assert_string_equal(lookup("6228480402564890018"), "abc");
	assert_string_equal(lookup("6221260000000000"), "cup"); /* low end */
	assert_string_equal(lookup("6229259999999999"), "cup"); /* high end */
	assert_string_equal(lookup("5555555555554444"), "mc");  /* 19-digit prefix > 16 digits */
	assert_string_equal(lookup("5555555555555555555"), "too-long");
	/* Equal in both: the first in the table. */
	assert_string_equal(lookup("378282246310005"), "amex-1");
}

static void bin_rejects(void **state)
{
	const struct card_bin_range *r = NULL;
	struct card_bin_range bad[] = {
	    {"622126", "622925", CARD_PRODUCT_DEBIT, "ok"},
	    {"622925", "622126", CARD_PRODUCT_DEBIT, "low above high"},
	    {"62212", "622925", CARD_PRODUCT_DEBIT, "lengths differ"},
	    {"6221x6", "622925", CARD_PRODUCT_DEBIT, "not digits"},
	    {"", "", CARD_PRODUCT_DEBIT, "empty"},
	    {"622126", "622925", 0, "no product"},
	    {"622126", "622925", (enum card_product)9, "unknown product"},
	};
	size_t at = 99;

	(void)state;
	assert_int_equal(card_bin_lookup(bins, N_BINS, "6221250000000000", &r), CARD_ENOBIN);
	assert_int_equal(card_bin_lookup(bins, N_BINS, "6229260000000000", &r), CARD_ENOBIN);
	assert_int_equal(card_bin_lookup(bins, N_BINS, "3530111333300000", &r), CARD_ENOBIN);
	assert_int_equal(card_bin_lookup(bins, 0, "4111111111111111", &r), CARD_ENOBIN);
	assert_null(r);
	assert_int_equal(card_bin_lookup(bins, N_BINS, "41111111111", &r), CARD_EPAN);
	assert_int_equal(card_bin_lookup(bins, N_BINS, "41111111111111111110", &r), CARD_EPAN);
	assert_int_equal(card_bin_lookup(bins, N_BINS, "411111111111111F", &r), CARD_EPAN);
	assert_int_equal(card_bin_lookup(bins, N_BINS, NULL, &r), CARD_EPAN);
	assert_int_equal(card_bin_lookup(NULL, 1, "4111111111111111", &r), CARD_EARG);
	assert_int_equal(card_bin_lookup(bins, N_BINS, "4111111111111111", NULL), CARD_EARG);
	/* Each malformed range, alone after a good one: named by card_bin_check, and a lookup
	 * that would match the good one fails all the same. */
	for (size_t i = 1; i < sizeof bad / sizeof bad[0]; i++) {
		struct card_bin_range two[2] = {bad[0], bad[i]};

		assert_int_equal(card_bin_check(two, 2, &at), CARD_EBIN);
		assert_int_equal(at, 1);
		assert_int_equal(card_bin_lookup(two, 2, "6228480402564890018", &r), CARD_EBIN);
	}
	assert_null(r);
}

static void strerror_names(void **state)
{
	(void)state;
	for (int rc = CARD_OK; rc >= CARD_ENOBIN; rc--)
		assert_string_not_equal(card_strerror(rc), "unknown card error");
	assert_string_equal(card_strerror(CARD_ENOBIN - 1), "unknown card error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(luhn_known),
	    cmocka_unit_test(luhn_rejects),
	    cmocka_unit_test(pan_check),
	    cmocka_unit_test(pan_mask),
	    cmocka_unit_test(pan_len),
	    cmocka_unit_test(track2_parse),
	    cmocka_unit_test(track2_rejects),
	    cmocka_unit_test(track2_round_trip),
	    cmocka_unit_test(track2_build_rejects),
	    cmocka_unit_test(expiry_edges),
	    cmocka_unit_test(expiry_rejects),
	    cmocka_unit_test(service_codes),
	    cmocka_unit_test(service_rejects),
	    cmocka_unit_test(bin_lookup),
	    cmocka_unit_test(bin_rejects),
	    cmocka_unit_test(strerror_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
