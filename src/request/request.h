/* request.h — one request as the host sees it, whatever the wire it came on (jPOS's canonical
 * message): the acquirer reads a terminal's cup-pos request into it once, the inbound link reads
 * an iso87a one into it, and the issuer decides on it. It is where a route will choose the local
 * issuer or a link.
 *
 * A struct request owns its buffers: fixed-size arrays, no pointer into a message. The one
 * pointer it holds is pin_key, the zone PIN key the PIN block is under, which its reader owns
 * (an acquirer's or a link's key) and which must outlive the request. It holds card data (the
 * PAN, track 2, a PIN block): the caller wipes it with request_wipe() when done.
 *
 * The card is parsed and checked once, by request_card_set(): track 2 read, the PAN taken from
 * field 2 or track 2, its Luhn digit, and whether field 2 and track 2 name the same card. What
 * it found is kept in card.check, for each reader to answer in its own terms.
 *
 * Errors: REQUEST_OK or REQUEST_EARG (a value that does not fit its buffer, or malformed). */
#ifndef POSSUM_REQUEST_H
#define POSSUM_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card/card.h"
#include "hsm/hsm.h"

#define REQUEST_OK   0
#define REQUEST_EARG (-1)

#define REQUEST_NAME_MAX     64 /* bytes of a holder's name (UTF-8) */
#define REQUEST_ID_MAX       32 /* characters of an ID-card number */
#define REQUEST_PHONE_MAX    20
#define REQUEST_OTP_LEN      6
#define REQUEST_ICC_MAX      255 /* bytes of chip data (field 55) */
#define REQUEST_PIN_BLOCK    8
#define REQUEST_MERCHANT_MAX 128 /* bytes of the merchant's name (UTF-8) */

enum request_type {
	REQUEST_BALANCE = 1,
	REQUEST_PREAUTH,         /* authorization with a hold */
	REQUEST_PREAUTH_CANCEL,  /* the hold voided */
	REQUEST_COMPLETION,      /* the hold posted, fully or in part */
	REQUEST_COMPLETION_VOID, /* a completion undone the same day */
	REQUEST_PURCHASE,
	REQUEST_VOID,            /* a purchase undone the same day */
	REQUEST_REFUND,          /* credit back, up to what remains of the original */
	REQUEST_REVERSAL,        /* undo a request that may not have been answered */
	REQUEST_VERIFY,          /* check the card (and that its funds cover amount) only */
	REQUEST_CARDAUTH_START,  /* card authentication: the four elements, then a code sent */
	REQUEST_CARDAUTH_CONFIRM /* card authentication: the code */
};
#define REQUEST_TYPE_MAX REQUEST_CARDAUTH_CONFIRM

/* "purchase", "preauth_cancel", …: the name of a type for logs and records; "" for a value
 * that is not one. */
const char *request_type_name(int type);

/* How the card was read (the POS entry mode, field 22, its first two digits). */
enum request_entry {
	REQUEST_ENTRY_UNKNOWN = 0,
	REQUEST_ENTRY_MANUAL,   /* 01 */
	REQUEST_ENTRY_STRIPE,   /* 02, 90 */
	REQUEST_ENTRY_CHIP,     /* 05, 07 */
	REQUEST_ENTRY_FALLBACK, /* 80: stripe read of a chip card the terminal could not use */
	REQUEST_ENTRY_QR,       /* 03: a QR code scanned (docs/qr.md) */
};

/* A QR-code payment (docs/qr.md): none (a card), a payment code the terminal scanned
 * (consumer-presented: card.pan holds the 19-digit code, no Luhn or BIN check applies), or the
 * terminal's static code paid by the cardholder's wallet (merchant-presented: card.pan holds the
 * paying card's PAN). A refund or reversal of a QR payment keeps its original's kind. */
enum request_qr {
	REQUEST_QR_NONE = 0,
	REQUEST_QR_CODE,
	REQUEST_QR_MERCHANT,
};

/* The entry mode of field 22's digits (NULL or "": UNKNOWN). */
enum request_entry request_entry_of(const char *f22);

/* What request_card_set() found, the first fault in this order. */
enum request_card_check {
	REQUEST_CARD_OK = 0,
	REQUEST_CARD_TRACK2,  /* track 2 given and unreadable */
	REQUEST_CARD_PAN,     /* no PAN, or one that is not 12 to 19 digits with its Luhn digit */
	REQUEST_CARD_DIFFERS, /* field 2 and track 2 name different cards */
};

struct request_card {
	char pan[CARD_PAN_MAX + 1];              /* field 2, else track 2's */
	char expiry[CARD_EXPIRY_LEN + 1];        /* field 14, else track 2's; "" none */
	char service_code[CARD_SERVICE_LEN + 1]; /* track 2's; "" none */
	struct card_track2 track2;               /* parsed, when has_track2 */
	bool has_track2;
	uint8_t icc[REQUEST_ICC_MAX]; /* chip data: field 55's BER-TLV */
	size_t icc_len;
	enum request_entry entry;
	enum request_card_check check;
};

/* The original a follow-up acts on: a pre-authorization's completion and cancel, and a
 * completion's void, name it by its auth code; a void and a refund by its RRN (a void's auth
 * code checked against it); a reversal by acquirer, terminal and STAN, and its amount. */
struct request_original {
	char rrn[13], auth_code[7], stan[7];
	int64_t amount;
};

struct request {
	enum request_type type;
	int64_t amount;    /* minor units */
	uint16_t currency; /* ISO 4217 numeric */
	struct request_card card;
	uint8_t pin_block[REQUEST_PIN_BLOCK]; /* format 0, under pin_key, when has_pin */
	bool has_pin;
	const hsm_key *pin_key; /* the zone PIN key: the reader's, not owned */
	struct request_original orig;
	/* Identity: the acquirer's institution, STAN, transmission time (MMDDhhmmss) and RRN; a
	 * request with the same acquirer, STAN and time as one decided is a duplicate. */
	char acquirer[12], stan[7], transmit[11], rrn[13];
	char terminal[9], merchant[16];
	bool link; /* came over the issuer's network link (issuer_link_read), not a terminal's */
	/* An advice: a pre-authorization, purchase or completion the acquirer approved in the
	 * issuer's name (stand-in) while it could not reach it, told to be posted. It never
	 * carries a PIN; orig.auth_code is the acquirer's auth code for a pre-authorization or
	 * purchase. Repeats carry the same acquirer, STAN and transmission time. */
	bool advice;
	enum request_qr qr; /* a QR-code payment, and which kind; NONE: a card's */
	char merchant_name[REQUEST_MERCHANT_MAX + 1]; /* for the cardholder's text; "": the MID */
	/* Card authentication's elements (field 62: NM, ID, PH, OT). */
	char holder[REQUEST_NAME_MAX + 1], id_number[REQUEST_ID_MAX + 1];
	char phone[REQUEST_PHONE_MAX + 1], otp[REQUEST_OTP_LEN + 1];
};

/* Clears req (an empty request of no type). */
void request_init(struct request *req);

/* Reads the card: pan (field 2), track2 (35) and expiry (14), each NULL or "" when absent,
 * into req->card, and checks it (req->card.check). When req->qr is REQUEST_QR_CODE, pan is a
 * payment code: 12 to 19 digits, without a Luhn check (REQUEST_CARD_PAN otherwise).
 * REQUEST_EARG for a value longer than its field may be; the checks' findings are not
 * errors. */
int request_card_set(struct request *req, const char *pan, const char *track2, const char *expiry);

/* Copies src (NULL: "") into dst of capacity cap; REQUEST_EARG when it does not fit. */
int request_copy(char *dst, size_t cap, const char *src);

/* Field 4 (up to 12 digits) and field 49 (up to 3), either "" when absent. */
int request_amount_set(struct request *req, const char *amount, const char *currency);

/* Field 43, name and location padded with spaces: its name part, for the cardholder's text. */
int request_merchant_name_set(struct request *req, const char *f43);

/* docs/cup-pos.md "Card authentication": field 62's elements (2-character tags NM, ID, PH,
 * OT, 3-digit lengths); a tag of another's is skipped. */
int request_cardauth_set(struct request *req, const char *f62);

/* Whether the request carries card authentication's elements, or its code. */
bool request_has_elements(const struct request *req);

void request_wipe(struct request *req);

#endif
