/* iso.c — the host's one request read from ISO 8583:1987 (iso.h). */
#include "request/iso.h"

#include <string.h>

#include "crypto/crypto.h"

int request_iso_text(const iso8583_msg *m, int f, char *out, size_t cap)
{
	out[0] = '\0';
	if (!iso8583_has(m, f))
		return REQUEST_OK;
	return iso8583_get(m, f, out, cap, NULL) == ISO8583_OK ? REQUEST_OK : REQUEST_EARG;
}

/* The card: 22, then 2, 35 and 14, read and checked once; entry 03 is a QR code scanned, a
 * payment code in 2 (docs/cup-pos.md). */
static int card(const iso8583_msg *m, struct request *r)
{
	char pan[CARD_PAN_MAX + 1], track2[CARD_TRACK2_MAX + 1], expiry[5], f22[4];
	int bad = request_iso_text(m, 2, pan, sizeof pan) |
	          request_iso_text(m, 35, track2, sizeof track2) |
	          request_iso_text(m, 14, expiry, sizeof expiry) |
	          request_iso_text(m, 22, f22, sizeof f22);

	r->card.entry = request_entry_of(f22);
	if (r->card.entry == REQUEST_ENTRY_QR)
		r->qr = REQUEST_QR_CODE;
	if (bad == 0)
		bad = request_card_set(r, pan, track2, expiry);
	crypto_wipe(pan, sizeof pan);
	crypto_wipe(track2, sizeof track2);
	return bad != 0 ? REQUEST_EARG : REQUEST_OK;
}

int request_iso_read(const iso8583_msg *m, struct request *r)
{
	char amount[13], currency[4], f62[1000];
	int bad = request_iso_text(m, 4, amount, sizeof amount) |
	          request_iso_text(m, 49, currency, sizeof currency) |
	          request_iso_text(m, 62, f62, sizeof f62) | card(m, r) |
	          request_iso_text(m, 37, r->orig.rrn, sizeof r->orig.rrn) |
	          request_iso_text(m, 38, r->orig.auth_code, sizeof r->orig.auth_code);

	if (bad == 0 && (request_cardauth_set(r, f62) != REQUEST_OK ||
	                 request_amount_set(r, amount, currency) != REQUEST_OK))
		bad = REQUEST_EARG;
	crypto_wipe(f62, sizeof f62);
	return bad != 0 ? REQUEST_EARG : REQUEST_OK;
}

int request_iso_secrets(const iso8583_msg *m, const hsm_key *pin_key, struct request *r)
{
	size_t len;

	if (iso8583_has(m, 52)) {
		if (iso8583_get(m, 52, r->pin_block, sizeof r->pin_block + 1, &len) != ISO8583_OK ||
		    len != sizeof r->pin_block)
			return REQUEST_EARG;
		r->has_pin = true;
		r->pin_key = pin_key;
	}
	if (iso8583_has(m, 55)) {
		if (iso8583_get(m, 55, r->card.icc, sizeof r->card.icc, &len) != ISO8583_OK)
			return REQUEST_EARG;
		r->card.icc_len = len;
	}
	return REQUEST_OK;
}
