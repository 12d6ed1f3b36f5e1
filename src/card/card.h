/* card.h — what a card number and a magnetic stripe say: the PAN (length, Luhn check digit,
 * masking for display), track 2 (ISO/IEC 7813), the expiry date, the service code, and the BIN
 * range a PAN falls in.
 *
 * Nothing here allocates, does I/O, keeps state or holds a key: inputs stay the caller's,
 * outputs go to the caller's buffers and are written only on success (card_pan_mask() says
 * what it leaves on failure). Copies of a PAN made inside a function are wiped before it
 * returns; a struct card_track2 holds a clear PAN, and the caller wipes it (crypto_wipe) when
 * done with it. A PAN's keyed hash for look-ups and its encryption at rest need keys, so they
 * are the hsm's: hsm_pan_hash(), hsm_data_encrypt().
 *
 * Errors: every function returns CARD_OK or a negative CARD_E* code; card_strerror() names it
 * and never quotes the input, so the message may be logged where the PAN may not. */
#ifndef POSSUM_CARD_H
#define POSSUM_CARD_H

#include <stdbool.h>
#include <stddef.h>

#define CARD_OK         0
#define CARD_EARG       (-1)  /* an argument out of range: a date, a separator, a NULL */
#define CARD_ESPACE     (-2)  /* an output buffer too small */
#define CARD_EDIGITS    (-3)  /* not decimal digits, or not as many as taken */
#define CARD_EPAN       (-4)  /* a PAN that is not 12 to 19 decimal digits */
#define CARD_ELUHN      (-5)  /* a PAN whose check digit is wrong */
#define CARD_EEXPIRY    (-6)  /* an expiry date that is not YYMM with a month 01 to 12 */
#define CARD_EEXPIRED   (-7)  /* a card past the end of its expiry month */
#define CARD_ESERVICE   (-8)  /* a service code not 3 digits, or with a reserved digit */
#define CARD_ETRACK     (-9)  /* track 2 data empty, or longer than 37 characters */
#define CARD_ESEPARATOR (-10) /* track 2 data without a field separator ('=' or 'D') */
#define CARD_EDATA      (-11) /* track 2 discretionary data that is not all digits */
#define CARD_EBIN       (-12) /* a BIN range that is malformed */
#define CARD_ENOBIN     (-13) /* no BIN range holds the PAN */

/* ISO/IEC 7812-1: at most 19 digits. 12 is the shortest PAN the card schemes issue, and the
 * shortest the hsm takes. */
#define CARD_PAN_MIN 12
#define CARD_PAN_MAX 19

/* PCI DSS 3.4.1: at most the BIN (first six digits) and the last four may be shown. */
#define CARD_MASK_HEAD 6
#define CARD_MASK_TAIL 4

/* ISO/IEC 7813: track 2 holds 40 characters, of which the start sentinel, end sentinel and LRC
 * leave 37 for data (ISO 8583 field 35, z..37): PAN, separator, expiry YYMM, service code,
 * discretionary data. */
#define CARD_TRACK2_MAX  37
#define CARD_EXPIRY_LEN  4
#define CARD_SERVICE_LEN 3
#define CARD_DISCRETIONARY_MAX                                                                     \
	(CARD_TRACK2_MAX - CARD_PAN_MIN - 1 - CARD_EXPIRY_LEN - CARD_SERVICE_LEN)

const char *card_strerror(int rc);

/* ---- PAN ---- */

/* ISO/IEC 7812-1 annex B (the Luhn formula): the check digit ('0' to '9') of payload, 1 to 18
 * digits, written to *digit; appended to payload it makes a number card_luhn_check() takes. */
int card_luhn_digit(const char *payload, char *digit);

/* CARD_OK when number (2 to 19 digits, its last the check digit) passes the Luhn formula,
 * CARD_ELUHN when it does not, CARD_EDIGITS when it is not such a number. */
int card_luhn_check(const char *number);

/* A PAN as a payment takes it: 12 to 19 digits (CARD_EPAN), with a right check digit
 * (CARD_ELUHN). */
int card_pan_check(const char *pan);

/* The PAN of len characters at pan (not NUL-terminated: a field value or a part of a track)
 * masked for display: its first CARD_MASK_HEAD and last CARD_MASK_TAIL digits kept, every
 * other one '*', written with a NUL to out (capacity cap, at least len + 1); out may be pan
 * itself. The check digit is not checked: a mistyped PAN is masked like any other. Whatever
 * the result, out never holds a digit the mask would hide: a value that is not 12 to 19 digits
 * is CARD_EPAN, with out all '*' (len of them, when cap allows); CARD_ESPACE leaves out ""
 * (when cap > 0). */
int card_pan_mask(const char *pan, size_t len, char *out, size_t cap);

/* Card data where it appears in an ISO 8583 message, masked for what people read (`possum
 * iso decode --mask`, the host's message log): the value of the field or sub-field at path
 * ("2", "35", "55.5A", "62.NM"), as text or, for binary values, as hex, len characters at
 * text, masked in place (mask.c). Card numbers keep their first 6 and last 4 digits, track
 * data its masked card number; PIN blocks, MACs (64, 128), the message security code (96) and
 * fields 48, 55 and 62 are starred whole (their sub-fields' rules say what of them may be
 * shown); the cardholder's name, ID and phone keep a few characters. Paths without a rule are
 * left as they are. */
void card_mask_field(const char *path, char *text, size_t len);

/* ---- Track 2 ---- */

/* Track 2 data as copies of its fields, NUL-terminated. */
struct card_track2 {
	char pan[CARD_PAN_MAX + 1];
	char expiry[CARD_EXPIRY_LEN + 1];               /* YYMM */
	char service_code[CARD_SERVICE_LEN + 1];        /* see card_service_code() */
	char discretionary[CARD_DISCRETIONARY_MAX + 1]; /* issuer's data (PVV, CVV, …); may be "" */
};

/* The length of the PAN at the start of text: a card number (field 2) or track 2 data (field
 * 35), up to its separator, '=' or 'D' (the BCD nibble of cup-pos field 35), or its end. Not a
 * check: card_pan_check() and card_track2_parse() are. */
size_t card_pan_len(const char *text);

/* Parses the len characters at text (ISO 8583 field 35: no sentinels, no LRC), "PAN=YYMMSSS"
 * then the discretionary data, with '=' or 'D' (the BCD nibble of cup-pos field 35) as the
 * separator. Every part is checked, each with its own code: CARD_ETRACK (empty, or over 37
 * characters), CARD_ESEPARATOR (none), CARD_EPAN and CARD_ELUHN (the PAN), CARD_EEXPIRY (no
 * YYMM with a month 01 to 12 after the separator), CARD_ESERVICE (no 3 digits after it; their
 * meaning is card_service_code()'s to judge), CARD_EDATA (discretionary data not all digits,
 * a second separator included; EMV tag 57's hex ends in an 'F' pad when its digits are odd,
 * which the caller takes off). ISO/IEC 7813 lets a card leave out the expiry or service code;
 * a payment card may not, so neither may its track here. */
int card_track2_parse(const char *text, size_t len, struct card_track2 *out);

/* The track 2 data of t with separator ('=' or 'D', else CARD_EARG), each field checked as
 * card_track2_parse() checks it, and the whole no longer than CARD_TRACK2_MAX (CARD_ETRACK);
 * written with a NUL to out (capacity cap), its length without the NUL to *out_len. */
int card_track2_build(const struct card_track2 *t, char separator, char *out, size_t cap,
                      size_t *out_len);

/* ---- Expiry date ---- */

/* Whether a card of expiry yymm may be used in month month (1 to 12) of year year (2000 to
 * 2099, else CARD_EARG): a card is valid through the last day of its expiry month, so CARD_OK
 * up to and including that month and CARD_EEXPIRED after it; CARD_EEXPIRY when yymm is not 4
 * digits with a month 01 to 12. The century: YY is the year 20YY. Cards carry two digits
 * only, and every card in circulation expires between 2000 and 2099; this rule must change
 * before 2100, which the range of year makes sure is noticed. */
int card_expiry_check(const char *yymm, int year, int month);

/* ---- Service code (ISO/IEC 7813) ---- */

/* Digit 1: where the card may be used. */
enum card_interchange {
	CARD_INTERCHANGE_INTERNATIONAL = 1, /* 1, 2 */
	CARD_INTERCHANGE_NATIONAL,          /* 5, 6: national, except under bilateral agreement */
	CARD_INTERCHANGE_PRIVATE,           /* 7: none, except under bilateral agreement */
	CARD_INTERCHANGE_TEST,              /* 9 */
};

/* Digit 2: authorization processing. */
enum card_authorization {
	CARD_AUTH_NORMAL = 1,           /* 0: by the normal rules */
	CARD_AUTH_ONLINE,               /* 2: by the issuer, online */
	CARD_AUTH_ONLINE_UNLESS_AGREED, /* 4: by the issuer, online, except under bilateral
	                                   agreement */
};

/* Digit 3: range of services … */
enum card_services {
	CARD_SERVICES_ANY = 1, /* 0, 1, 6: no restrictions */
	CARD_SERVICES_GOODS,   /* 2, 5, 7: goods and services only, no cash */
	CARD_SERVICES_ATM,     /* 3: ATM only */
	CARD_SERVICES_CASH,    /* 4: cash only */
};

/* … and PIN requirements. */
enum card_pin {
	CARD_PIN_NOT_REQUIRED = 1, /* 1, 2, 4 */
	CARD_PIN_REQUIRED,         /* 0, 3, 5 */
	CARD_PIN_IF_FEASIBLE,      /* 6, 7: where the terminal has a PIN pad */
};

struct card_service {
	enum card_interchange interchange;
	bool chip; /* digit 1 is 2 or 6: an IC card, whose chip is used where the terminal can */
	enum card_authorization authorization;
	enum card_services services;
	enum card_pin pin;
};

/* The meaning of a 3-digit service code; CARD_ESERVICE when it is not 3 digits or has a digit
 * ISO/IEC 7813 reserves (digit 1: 0, 3, 4, 8; digit 2: odd, 6, 8; digit 3: 8, 9), which no
 * rule here can honour. */
int card_service_code(const char *code, struct card_service *out);

/* ---- BIN ranges ---- */

enum card_product {
	CARD_PRODUCT_DEBIT = 1,
	CARD_PRODUCT_CREDIT,
	CARD_PRODUCT_PREPAID,
};

/* A range of PAN prefixes, low to high inclusive, both of one length (1 to 19 digits): a
 * single BIN of 6 or 8 digits (ISO/IEC 7812-1:2017) has low equal to high. */
struct card_bin_range {
	char low[CARD_PAN_MAX + 1];
	char high[CARD_PAN_MAX + 1];
	enum card_product product;
	const char *issuer; /* the caller's issuer id; never read here */
};

/* CARD_OK when every one of the n ranges is well formed: low and high of one length, 1 to 19
 * digits, low <= high, a product of enum card_product. Else CARD_EBIN, with *bad (may be
 * NULL) the index of the first that is not. For a table as it is loaded. */
int card_bin_check(const struct card_bin_range *table, size_t n, size_t *bad);

/* The range of the n in table that holds pan (12 to 19 digits, CARD_EPAN; its check digit is
 * card_pan_check()'s) and is the most specific: the longest prefix, then the fewest prefixes
 * (high - low), then the first in the table. *out points into table. CARD_ENOBIN when none
 * holds it; CARD_EBIN when a range is malformed (card_bin_check() says which). */
int card_bin_lookup(const struct card_bin_range *table, size_t n, const char *pan,
                    const struct card_bin_range **out);

#endif
