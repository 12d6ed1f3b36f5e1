/* pinblock.c — ISO 9564-1 PIN blocks, formats 0, 1, 3 and 4.
 *
 * All four formats open with the same 16-nibble plain-text PIN field: control, PIN length,
 * PIN digits, fill. They differ in the fill digits allowed and in whether a PAN field is
 * XORed in (formats 0, 3) or the field is enciphered around a PAN field (format 4), so one
 * pair of helpers writes and reads that field under a per-format range of fill digits. */
#include "crypto/pinblock.h"

#include <string.h>

#include <openssl/rand.h>

/* The fill digits a format allows: lo to hi inclusive. */
struct fill_range {
	unsigned lo, hi;
};

static unsigned get_nibble(const uint8_t *b, size_t i)
{
	return i % 2 == 0 ? b[i / 2] >> 4 : b[i / 2] & 0x0F;
}

static void set_nibble(uint8_t *b, size_t i, unsigned v)
{
	if (i % 2 == 0)
		b[i / 2] = (uint8_t)((b[i / 2] & 0x0F) | v << 4);
	else
		b[i / 2] = (uint8_t)((b[i / 2] & 0xF0) | v);
}

/* ISO 9564-1:2017 8.1: a PIN is 4 to 12 decimal digits. */
static int check_pin(const char *pin, size_t *n)
{
	*n = crypto_digits(pin, 4, CRYPTO_PIN_MAX);
	return *n == 0 ? CRYPTO_EPIN : CRYPTO_OK;
}

static int check_pan(const char *pan, size_t min, size_t *n)
{
	*n = crypto_digits(pan, min, 19);
	return *n == 0 ? CRYPTO_EPAN : CRYPTO_OK;
}

/* Nibbles 2 + N to 15 of an 8-byte field: the caller's fill, in order, or random. Random
 * digits are drawn without bias: bytes past the last whole multiple of the range are
 * redrawn. */
static int put_fill(uint8_t field[8], size_t from, const uint8_t *fill, struct fill_range r)
{
	unsigned span = r.hi - r.lo + 1, limit = 256 - 256 % span;
	uint8_t rnd[32];
	size_t used = sizeof rnd;
	int rc = CRYPTO_OK;

	for (size_t i = from; i < 16; i++) {
		unsigned v = r.lo;

		if (fill != NULL) {
			v = get_nibble(fill, i - from);
			if (v < r.lo || v > r.hi) {
				rc = CRYPTO_EARG;
				goto out;
			}
		} else if (span > 1) {
			do {
				if (used == sizeof rnd) {
					if (RAND_bytes(rnd, sizeof rnd) != 1) {
						rc = CRYPTO_EOPENSSL;
						goto out;
					}
					used = 0;
				}
				v = rnd[used++];
			} while (v >= limit);
			v = r.lo + v % span;
		}
		set_nibble(field, i, v);
	}
out:
	crypto_wipe(rnd, sizeof rnd);
	return rc;
}

/* ISO 9564-1:2017 9.3: control, PIN length, PIN digits, fill. */
static int put_pin_field(uint8_t field[8], unsigned control, const char *pin, size_t n,
                         const uint8_t *fill, struct fill_range r)
{
	set_nibble(field, 0, control);
	set_nibble(field, 1, (unsigned)n);
	for (size_t i = 0; i < n; i++)
		set_nibble(field, 2 + i, (unsigned)(pin[i] - '0'));
	return put_fill(field, 2 + n, fill, r);
}

/* Reads a PIN field strictly; writes the PIN only when the whole field is valid. */
static int get_pin_field(const uint8_t field[8], unsigned control, struct fill_range r, char *pin,
                         size_t pin_cap)
{
	size_t n = get_nibble(field, 1);

	if (get_nibble(field, 0) != control)
		return CRYPTO_EFORMAT;
	if (n < 4 || n > CRYPTO_PIN_MAX)
		return CRYPTO_EPIN;
	for (size_t i = 2; i < 2 + n; i++)
		if (get_nibble(field, i) > 9)
			return CRYPTO_EPIN;
	for (size_t i = 2 + n; i < 16; i++) {
		unsigned v = get_nibble(field, i);

		if (v < r.lo || v > r.hi)
			return CRYPTO_EFORMAT;
	}
	if (pin_cap < n + 1)
		return CRYPTO_ESPACE;
	for (size_t i = 0; i < n; i++)
		pin[i] = (char)('0' + get_nibble(field, 2 + i));
	pin[n] = '\0';
	return CRYPTO_OK;
}

/* ISO 9564-1:2017 9.3.2: 0000 and the rightmost 12 PAN digits before the check digit. */
static int pan_field8(const char *pan, uint8_t field[8])
{
	size_t n;
	int rc;

	if ((rc = check_pan(pan, 13, &n)) != CRYPTO_OK)
		return rc;
	memset(field, 0, 8);
	for (size_t i = 0; i < 12; i++)
		set_nibble(field, 4 + i, (unsigned)(pan[n - 13 + i] - '0'));
	return CRYPTO_OK;
}

/* ISO 9564-1:2017 9.4.2: M = PAN length - 12 (0 below 12 digits, the PAN then right-
 * justified in 12 digits), the PAN, zeros. */
static int pan_field16(const char *pan, uint8_t field[16])
{
	size_t n, at;
	int rc;

	if ((rc = check_pan(pan, 1, &n)) != CRYPTO_OK)
		return rc;
	memset(field, 0, 16);
	set_nibble(field, 0, n > 12 ? (unsigned)(n - 12) : 0);
	at = n < 12 ? 1 + 12 - n : 1;
	for (size_t i = 0; i < n; i++)
		set_nibble(field, at + i, (unsigned)(pan[i] - '0'));
	return CRYPTO_OK;
}

static void xor_into(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] ^= src[i];
}

static int format_range(enum crypto_pin_format f, struct fill_range *r)
{
	switch (f) {
	case CRYPTO_PIN_ISO0:
		*r = (struct fill_range){0xF, 0xF};
		return CRYPTO_OK;
	case CRYPTO_PIN_ISO1:
		*r = (struct fill_range){0x0, 0xF};
		return CRYPTO_OK;
	case CRYPTO_PIN_ISO3:
		*r = (struct fill_range){0xA, 0xF};
		return CRYPTO_OK;
	}
	return CRYPTO_EARG;
}

int crypto_pinblock_build(enum crypto_pin_format f, const char *pin, const char *pan,
                          const uint8_t *fill, uint8_t out[8])
{
	uint8_t field[8] = {0}, panf[8] = {0};
	struct fill_range r;
	size_t n;
	int rc;

	if ((rc = format_range(f, &r)) != CRYPTO_OK)
		return rc;
	if (f == CRYPTO_PIN_ISO0 && fill != NULL)
		return CRYPTO_EARG;
	if ((rc = check_pin(pin, &n)) != CRYPTO_OK)
		return rc;
	if (f != CRYPTO_PIN_ISO1 && (rc = pan_field8(pan, panf)) != CRYPTO_OK)
		return rc;
	if ((rc = put_pin_field(field, (unsigned)f, pin, n, fill, r)) != CRYPTO_OK)
		goto out;
	xor_into(field, panf, 8);
	memcpy(out, field, 8);
out:
	crypto_wipe(field, sizeof field);
	crypto_wipe(panf, sizeof panf);
	return rc;
}

int crypto_pinblock_read(enum crypto_pin_format f, const uint8_t block[8], const char *pan,
                         char *pin, size_t pin_cap)
{
	uint8_t field[8], panf[8] = {0};
	struct fill_range r;
	int rc;

	if ((rc = format_range(f, &r)) != CRYPTO_OK)
		return rc;
	if (f != CRYPTO_PIN_ISO1 && (rc = pan_field8(pan, panf)) != CRYPTO_OK)
		return rc;
	memcpy(field, block, 8);
	xor_into(field, panf, 8);
	rc = get_pin_field(field, (unsigned)f, r, pin, pin_cap);
	crypto_wipe(field, sizeof field);
	crypto_wipe(panf, sizeof panf);
	return rc;
}

/* Format 4 fills the first half of its PIN field with A and the second half at random. */
static const struct fill_range fill4 = {0xA, 0xA};

/* ISO 9564-1:2017 9.4, either way: E_K(E_K(PIN field) XOR PAN field) to encipher (encrypt 1),
 * D_K(D_K(block) XOR PAN field) to decipher (0); out is written only on success. */
static int pass4(crypto_key *k, int encrypt, const uint8_t in[16], const uint8_t panf[16],
                 uint8_t out[16])
{
	uint8_t t[16];
	int rc;

	if ((rc = crypto_ecb(k, encrypt, in, 16, t)) == CRYPTO_OK) {
		xor_into(t, panf, 16);
		if ((rc = crypto_ecb(k, encrypt, t, 16, t)) == CRYPTO_OK)
			memcpy(out, t, 16);
	}
	crypto_wipe(t, sizeof t);
	return rc;
}

int crypto_pinblock4_encipher(crypto_key *k, const char *pin, const char *pan, const uint8_t *fill,
                              uint8_t out[16])
{
	uint8_t field[16] = {0}, panf[16];
	size_t n;
	int rc;

	if (crypto_key_alg(k) != CRYPTO_AES)
		return CRYPTO_EARG;
	if ((rc = check_pin(pin, &n)) != CRYPTO_OK)
		return rc;
	if ((rc = pan_field16(pan, panf)) != CRYPTO_OK)
		return rc;
	if ((rc = put_pin_field(field, 4, pin, n, NULL, fill4)) != CRYPTO_OK)
		goto out;
	if (fill != NULL)
		memcpy(field + 8, fill, CRYPTO_PIN4_FILL_LEN);
	else if (RAND_bytes(field + 8, CRYPTO_PIN4_FILL_LEN) != 1) {
		rc = CRYPTO_EOPENSSL;
		goto out;
	}
	rc = pass4(k, 1, field, panf, out);
out:
	crypto_wipe(field, sizeof field);
	crypto_wipe(panf, sizeof panf);
	return rc;
}

int crypto_pinblock4_decipher(crypto_key *k, const uint8_t block[16], const char *pan, char *pin,
                              size_t pin_cap)
{
	uint8_t field[16], panf[16];
	int rc;

	if (crypto_key_alg(k) != CRYPTO_AES)
		return CRYPTO_EARG;
	if ((rc = pan_field16(pan, panf)) != CRYPTO_OK)
		return rc;
	if ((rc = pass4(k, 0, block, panf, field)) == CRYPTO_OK)
		rc = get_pin_field(field, 4, fill4, pin, pin_cap);
	crypto_wipe(field, sizeof field);
	crypto_wipe(panf, sizeof panf);
	return rc;
}
