/* rcode.h — the response codes of field 39 (docs/cup-pos.md "Response codes"), declared once:
 * each code's name, what it means in English and Chinese, who gave it (its category) and what
 * the terminal does about it (its action). The issuer, the acquirer, the terminal, the API and
 * the console read this one table; code elsewhere names a code by its constant (RCODE_*), never
 * by a string literal.
 *
 * The table is static data: every pointer returned here is valid for the life of the program.
 * rcode_find() never fails: a code the table lacks gets an entry of its own ("unknown response
 * code", category SYSTEM, action NONE), so a caller prints something sensible for any answer a
 * host sends. */
#ifndef POSSUM_RCODE_H
#define POSSUM_RCODE_H

#include <stdbool.h>

/* Field 39's values, two characters each. */
#define RCODE_APPROVED               "00"
#define RCODE_REFER_ISSUER           "01"
#define RCODE_INVALID_MERCHANT       "03"
#define RCODE_PICK_UP                "04"
#define RCODE_HOLDER_AUTH_FAILED     "05"
#define RCODE_INVALID_TXN            "12"
#define RCODE_INVALID_AMOUNT         "13"
#define RCODE_INVALID_CARD           "14"
#define RCODE_NO_ISSUER              "15"
#define RCODE_OPERATOR_ERROR         "22"
#define RCODE_ORIGINAL_NOT_FOUND     "25"
#define RCODE_FORMAT_ERROR           "30"
#define RCODE_LOST_CARD              "41"
#define RCODE_STOLEN_CARD            "43"
#define RCODE_INSUFFICIENT_FUNDS     "51"
#define RCODE_EXPIRED_CARD           "54"
#define RCODE_WRONG_PIN              "55"
#define RCODE_NOT_PERMITTED_CARD     "57"
#define RCODE_NOT_PERMITTED_TERMINAL "58"
#define RCODE_CARD_VERIFICATION      "59"
#define RCODE_AMOUNT_LIMIT           "61"
#define RCODE_RESTRICTED_CARD        "62"
#define RCODE_AMOUNT_DIFFERS         "64"
#define RCODE_COUNT_LIMIT            "65"
#define RCODE_PIN_TRIES_EXCEEDED     "75"
#define RCODE_BATCH_DIFFERS          "77"
#define RCODE_CUTOVER                "90"
#define RCODE_ISSUER_INOPERATIVE     "91"
#define RCODE_ISSUER_UNREACHABLE     "92"
#define RCODE_DUPLICATE              "94"
#define RCODE_SYSTEM_FAULT           "96"
#define RCODE_TERMINAL_UNKNOWN       "97"
#define RCODE_ISSUER_TIMEOUT         "98"
#define RCODE_PIN_FORMAT             "99"
#define RCODE_MAC_ERROR              "A0"
#define RCODE_CARDAUTH_REQUIRED      "C1"
#define RCODE_CARDAUTH_INVALID       "C2"
/* docs/qr.md: a payment code (付款码) refused, each with its own code. */
#define RCODE_QR_UNKNOWN       "Q1"
#define RCODE_QR_EXPIRED       "Q2"
#define RCODE_QR_USED          "Q3"
#define RCODE_QR_OTHER_ACCOUNT "Q4"
/* docs/tms.md "Software updates": a sign-in refused, the terminal's software below its model's
 * minimum version after that minimum's date. */
#define RCODE_UPDATE_REQUIRED "U1"

#define RCODE_LEN 2

/* Who gave the answer. */
enum rcode_category {
	RCODE_CAT_APPROVED = 0,
	RCODE_CAT_ISSUER, /* the issuer declined: the card, its account or its holder */
	RCODE_CAT_HOST,   /* the acquirer host refused: the terminal, the message, a policy */
	RCODE_CAT_SYSTEM, /* nobody decided: a fault or an issuer out of reach */
};

/* What the terminal does on receiving it. */
enum rcode_action {
	RCODE_ACT_NONE = 0,     /* show it; the transaction is over */
	RCODE_ACT_RETRY,        /* the same transaction again, later */
	RCODE_ACT_SIGN_IN,      /* sign in again (new working keys or batch), then retry */
	RCODE_ACT_REFER,        /* the cardholder calls the issuer */
	RCODE_ACT_REVERSE,      /* the outcome is unknown: send a reversal (docs/cup-pos.md) */
	RCODE_ACT_AUTHENTICATE, /* the cardholder authenticates the card first */
	RCODE_ACT_UPDATE,       /* install the software update, then sign in again */
};

struct rcode_info {
	const char *code; /* two characters */
	enum rcode_category category;
	enum rcode_action action;
	const char *en, *zh; /* for operators and cardholders */
};

/* The entry of code (NULL or unknown: the table's "unknown" entry, whose code is ""). */
const struct rcode_info *rcode_find(const char *code);

/* Whether code is RCODE_APPROVED. */
bool rcode_approved(const char *code);

/* "approved", "issuer", "host", "system"; and "none", "retry", "sign_in", "refer", "reverse",
 * "authenticate", "update": the names of a category and an action, for logs and JSON. */
const char *rcode_category_name(enum rcode_category c);
const char *rcode_action_name(enum rcode_action a);

/* Calls fn for each code of the table in order, until it returns non-zero (returned). */
int rcode_each(int (*fn)(void *ctx, const struct rcode_info *info), void *ctx);

#endif
