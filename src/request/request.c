/* request.c — the host's one request (request.h): the card read and checked once, and the
 * textual elements both readers share (amounts, the merchant's name, card authentication's
 * field 62). */
#include "request/request.h"

#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"

const char *request_type_name(int type)
{
	static const char *const names[] = {
	    [REQUEST_BALANCE] = "balance",
	    [REQUEST_PREAUTH] = "preauth",
	    [REQUEST_PREAUTH_CANCEL] = "preauth_cancel",
	    [REQUEST_COMPLETION] = "completion",
	    [REQUEST_COMPLETION_VOID] = "completion_void",
	    [REQUEST_PURCHASE] = "purchase",
	    [REQUEST_VOID] = "void",
	    [REQUEST_REFUND] = "refund",
	    [REQUEST_REVERSAL] = "reversal",
	    [REQUEST_VERIFY] = "verify",
	    [REQUEST_CARDAUTH_START] = "cardauth_start",
	    [REQUEST_CARDAUTH_CONFIRM] = "cardauth_confirm",
	};

	if (type <= 0 || (size_t)type >= sizeof names / sizeof names[0] || names[type] == NULL)
		return "";
	return names[type];
}

enum request_entry request_entry_of(const char *f22)
{
	static const struct {
		const char *digits;
		enum request_entry entry;
	} modes[] = {
	    {"01", REQUEST_ENTRY_MANUAL}, {"02", REQUEST_ENTRY_STRIPE},
	    {"90", REQUEST_ENTRY_STRIPE}, {"05", REQUEST_ENTRY_CHIP},
	    {"07", REQUEST_ENTRY_CHIP},   {"80", REQUEST_ENTRY_FALLBACK},
	    {"03", REQUEST_ENTRY_QR},
	};

	for (size_t i = 0; f22 != NULL && i < sizeof modes / sizeof modes[0]; i++)
		if (strncmp(f22, modes[i].digits, 2) == 0)
			return modes[i].entry;
	return REQUEST_ENTRY_UNKNOWN;
}

void request_init(struct request *req)
{
	memset(req, 0, sizeof *req);
}

int request_copy(char *dst, size_t cap, const char *src)
{
	size_t n = src != NULL ? strlen(src) : 0;

	if (n >= cap) {
		dst[0] = '\0';
		return REQUEST_EARG;
	}
	memcpy(dst, src != NULL ? src : "", n + 1);
	return REQUEST_OK;
}

static bool present(const char *s)
{
	return s != NULL && s[0] != '\0';
}

int request_card_set(struct request *req, const char *pan, const char *track2, const char *expiry)
{
	struct request_card *c = &req->card;

	c->check = REQUEST_CARD_OK;
	c->has_track2 = false;
	if ((present(pan) && strlen(pan) > CARD_PAN_MAX) ||
	    (present(track2) && strlen(track2) > CARD_TRACK2_MAX) ||
	    request_copy(c->expiry, sizeof c->expiry, expiry) != REQUEST_OK)
		return REQUEST_EARG;
	if (present(track2)) {
		if (card_track2_parse(track2, strlen(track2), &c->track2) != CARD_OK) {
			crypto_wipe(&c->track2, sizeof c->track2);
			request_copy(c->pan, sizeof c->pan, pan);
			c->check = REQUEST_CARD_TRACK2;
			return REQUEST_OK;
		}
		c->has_track2 = true;
		memcpy(c->service_code, c->track2.service_code, sizeof c->service_code);
		if (c->expiry[0] == '\0')
			memcpy(c->expiry, c->track2.expiry, sizeof c->expiry);
	}
	request_copy(c->pan, sizeof c->pan, present(pan) ? pan : c->track2.pan);
	/* A payment code is no card number: no Luhn digit (docs/qr.md), only its length. */
	if (req->qr == REQUEST_QR_CODE) {
		if (crypto_digits(c->pan, CARD_PAN_MIN, CARD_PAN_MAX) == 0)
			c->check = REQUEST_CARD_PAN;
	} else if (card_pan_check(c->pan) != CARD_OK)
		c->check = REQUEST_CARD_PAN;
	else if (c->has_track2 && strcmp(c->pan, c->track2.pan) != 0)
		c->check = REQUEST_CARD_DIFFERS;
	return REQUEST_OK;
}

static int64_t digits_value(const char *s)
{
	int64_t v = 0;

	for (; *s != '\0'; s++)
		v = v * 10 + (*s - '0');
	return v;
}

int request_amount_set(struct request *req, const char *amount, const char *currency)
{
	if (crypto_digits(amount, 0, 12) != strlen(amount) ||
	    crypto_digits(currency, 0, 3) != strlen(currency))
		return REQUEST_EARG;
	req->amount = digits_value(amount);
	req->currency = (uint16_t)digits_value(currency);
	return REQUEST_OK;
}

int request_merchant_name_set(struct request *req, const char *f43)
{
	size_t n;

	if (request_copy(req->merchant_name, sizeof req->merchant_name, f43) != REQUEST_OK)
		return REQUEST_EARG;
	for (n = strlen(req->merchant_name); n > 0 && req->merchant_name[n - 1] == ' '; n--)
		req->merchant_name[n - 1] = '\0';
	return REQUEST_OK;
}

/* The element of tag in req, and its capacity; NULL for a tag of another issuer's. */
static char *element(struct request *req, const char tag[3], size_t *cap)
{
	static const struct {
		const char *tag;
		size_t offset, cap;
	} tags[] = {
	    {"NM", offsetof(struct request, holder), REQUEST_NAME_MAX + 1},
	    {"ID", offsetof(struct request, id_number), REQUEST_ID_MAX + 1},
	    {"PH", offsetof(struct request, phone), REQUEST_PHONE_MAX + 1},
	    {"OT", offsetof(struct request, otp), REQUEST_OTP_LEN + 1},
	};

	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		if (strcmp(tag, tags[i].tag) == 0) {
			*cap = tags[i].cap;
			return (char *)req + tags[i].offset;
		}
	return NULL;
}

int request_cardauth_set(struct request *req, const char *f62)
{
	size_t n = strlen(f62), pos = 0;

	while (pos < n) {
		char tag[3] = {0}, digits[4] = {0}, *dst;
		size_t len, cap = 0;

		if (n - pos < 5)
			return REQUEST_EARG;
		memcpy(digits, f62 + pos + 2, 3);
		if (crypto_digits(digits, 3, 3) != 3)
			return REQUEST_EARG;
		memcpy(tag, f62 + pos, 2);
		len = (size_t)digits_value(digits);
		pos += 5;
		if (len > n - pos)
			return REQUEST_EARG;
		if ((dst = element(req, tag, &cap)) != NULL) {
			if (len >= cap)
				return REQUEST_EARG;
			memcpy(dst, f62 + pos, len);
			dst[len] = '\0';
		}
		pos += len;
	}
	return REQUEST_OK;
}

bool request_has_elements(const struct request *req)
{
	return req->holder[0] != '\0' || req->id_number[0] != '\0' || req->phone[0] != '\0';
}

void request_wipe(struct request *req)
{
	crypto_wipe(req, sizeof *req);
}
