/* track2.c — track 2 data (ISO/IEC 7813), as ISO 8583 field 35 and EMV tag 57 carry it:
 * PAN, separator, expiry YYMM, service code, discretionary data. Parsed into copies of the
 * fields and built back from them, every field checked the same way both ways. */
#include "card/internal.h"

#include <assert.h>
#include <string.h>

#include "crypto/crypto.h"

/* The separator as ASCII ('=') or as the BCD nibble D that cup-pos field 35 carries. */
static bool is_separator(char c)
{
	return c == '=' || c == 'D';
}

size_t card_pan_len(const char *text)
{
	size_t n = 0;

	assert(text != NULL);
	while (text[n] != '\0' && !is_separator(text[n]))
		n++;
	return n;
}

/* Checks the fields after the PAN: expiry, service code, discretionary data. */
static int check_rest(const char *rest, size_t len)
{
	int year, month;

	if (len < CARD_EXPIRY_LEN || card_expiry_parse(rest, &year, &month) != CARD_OK)
		return CARD_EEXPIRY;
	rest += CARD_EXPIRY_LEN;
	len -= CARD_EXPIRY_LEN;
	if (len < CARD_SERVICE_LEN || !card_all_digits(rest, CARD_SERVICE_LEN))
		return CARD_ESERVICE;
	return card_all_digits(rest + CARD_SERVICE_LEN, len - CARD_SERVICE_LEN) ? CARD_OK
	                                                                        : CARD_EDATA;
}

int card_track2_parse(const char *text, size_t len, struct card_track2 *out)
{
	struct card_track2 t = {0};
	size_t sep;
	const char *rest;
	int rc;

	if (text == NULL || out == NULL)
		return CARD_EARG;
	if (len == 0 || len > CARD_TRACK2_MAX)
		return CARD_ETRACK;
	for (sep = 0; sep < len && !is_separator(text[sep]); sep++)
		;
	if (sep == len)
		return CARD_ESEPARATOR;
	if ((rc = card_pan_check_n(text, sep)) != CARD_OK)
		return rc;
	rest = text + sep + 1;
	if ((rc = check_rest(rest, len - sep - 1)) != CARD_OK)
		return rc;
	/* Every length is now bounded by the checks and the 37 characters: the copies fit. */
	memcpy(t.pan, text, sep);
	memcpy(t.expiry, rest, CARD_EXPIRY_LEN);
	memcpy(t.service_code, rest + CARD_EXPIRY_LEN, CARD_SERVICE_LEN);
	memcpy(t.discretionary, rest + CARD_EXPIRY_LEN + CARD_SERVICE_LEN,
	       len - sep - 1 - CARD_EXPIRY_LEN - CARD_SERVICE_LEN);
	*out = t;
	crypto_wipe(&t, sizeof t);
	return CARD_OK;
}

int card_track2_build(const struct card_track2 *t, char separator, char *out, size_t cap,
                      size_t *out_len)
{
	char track[CARD_TRACK2_MAX + 1];
	size_t pan_len, data_len, n;
	int rc;

	if (t == NULL || out == NULL || out_len == NULL || !is_separator(separator))
		return CARD_EARG;
	pan_len = strnlen(t->pan, sizeof t->pan);
	if ((rc = card_pan_check_n(t->pan, pan_len)) != CARD_OK)
		return rc;
	if (strnlen(t->expiry, sizeof t->expiry) != CARD_EXPIRY_LEN)
		return CARD_EEXPIRY;
	if (strnlen(t->service_code, sizeof t->service_code) != CARD_SERVICE_LEN)
		return CARD_ESERVICE;
	data_len = strnlen(t->discretionary, sizeof t->discretionary);
	if (data_len == sizeof t->discretionary ||
	    pan_len + 1 + CARD_EXPIRY_LEN + CARD_SERVICE_LEN + data_len > CARD_TRACK2_MAX)
		return CARD_ETRACK;
	memcpy(track, t->pan, pan_len);
	n = pan_len;
	track[n++] = separator;
	memcpy(track + n, t->expiry, CARD_EXPIRY_LEN);
	n += CARD_EXPIRY_LEN;
	memcpy(track + n, t->service_code, CARD_SERVICE_LEN);
	n += CARD_SERVICE_LEN;
	memcpy(track + n, t->discretionary, data_len);
	n += data_len;
	/* The same checks as parsing, so that what is built parses back. */
	if ((rc = check_rest(track + pan_len + 1, n - pan_len - 1)) != CARD_OK)
		goto out;
	if (cap < n + 1) {
		rc = CARD_ESPACE;
		goto out;
	}
	memcpy(out, track, n);
	out[n] = '\0';
	*out_len = n;
out:
	crypto_wipe(track, sizeof track);
	return rc;
}
