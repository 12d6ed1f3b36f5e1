/* totp.c — HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA-1, and RFC 4648 base32. */
#include "crypto/totp.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int64_t totp_step(int64_t t)
{
	return t >= 0 ? t / TOTP_STEP : -((-t + TOTP_STEP - 1) / TOTP_STEP);
}

int totp_hotp(const uint8_t *key, size_t key_len, uint64_t counter, int digits, char out[9])
{
	static const uint32_t pow10[] = {1000000, 10000000, 100000000};
	uint8_t msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned mac_len = 0, off;
	uint32_t bin;
	int rc = CRYPTO_OK;

	if (key == NULL || key_len == 0 || key_len > 64)
		return CRYPTO_EKEYLEN;
	if (digits < 6 || digits > 8 || out == NULL)
		return CRYPTO_EARG;
	for (int i = 7; i >= 0; i--, counter >>= 8)
		msg[i] = (uint8_t)(counter & 0xFF);
	if (HMAC(EVP_sha1(), key, (int)key_len, msg, sizeof msg, mac, &mac_len) == NULL ||
	    mac_len != 20) {
		rc = CRYPTO_EOPENSSL;
		goto out;
	}
	/* RFC 4226 5.3: dynamic truncation, the low nibble of the last byte as the offset. */
	off = mac[19] & 0x0F;
	bin = (uint32_t)(mac[off] & 0x7F) << 24 | (uint32_t)mac[off + 1] << 16 |
	      (uint32_t)mac[off + 2] << 8 | mac[off + 3];
	bin %= pow10[digits - 6];
	for (int i = digits - 1; i >= 0; i--, bin /= 10)
		out[i] = (char)('0' + bin % 10);
	out[digits] = '\0';
out:
	crypto_wipe(mac, sizeof mac);
	return rc;
}

int totp_code(const uint8_t *key, size_t key_len, int64_t step, int digits, char out[9])
{
	if (step < 0)
		return CRYPTO_EARG;
	return totp_hotp(key, key_len, (uint64_t)step, digits, out);
}

int totp_verify(const uint8_t *key, size_t key_len, const char *code, int64_t now,
                int64_t last_used, int64_t *step)
{
	int64_t at = totp_step(now), found = 0;
	char want[9];
	int rc = CRYPTO_OK;

	if (crypto_digits(code, TOTP_DIGITS, TOTP_DIGITS) == 0)
		return CRYPTO_EFORMAT;
	for (int64_t s = at - TOTP_WINDOW; s <= at + TOTP_WINDOW; s++) {
		if ((rc = totp_code(key, key_len, s, TOTP_DIGITS, want)) != CRYPTO_OK)
			goto out;
		if (CRYPTO_memcmp(want, code, TOTP_DIGITS) == 0 && s > last_used && found == 0)
			found = s;
	}
	if (found == 0) {
		rc = CRYPTO_EVERIFY;
		goto out;
	}
	*step = found;
out:
	crypto_wipe(want, sizeof want);
	return rc;
}

int totp_base32_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	size_t n = 0, bits = 0;
	uint32_t acc = 0;

	if ((in == NULL && len > 0) || out == NULL)
		return CRYPTO_EARG;
	if (cap < (len * 8 + 4) / 5 + 1)
		return CRYPTO_ESPACE;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8 | in[i]) & 0xFFFF;
		for (bits += 8; bits >= 5; bits -= 5)
			out[n++] = b32_alphabet[(acc >> (bits - 5)) & 0x1F];
	}
	if (bits > 0)
		out[n++] = b32_alphabet[(acc << (5 - bits)) & 0x1F];
	out[n] = '\0';
	return CRYPTO_OK;
}

int totp_base32_decode(const char *in, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = 0, bits = 0;
	uint32_t acc = 0;
	const char *p;

	if (in == NULL || out == NULL || len == NULL)
		return CRYPTO_EARG;
	for (; *in != '\0'; in++) {
		char c = *in >= 'a' && *in <= 'z' ? (char)(*in - 'a' + 'A') : *in;

		if (c == '=' || c == ' ')
			continue;
		if ((p = strchr(b32_alphabet, c)) == NULL || c == '\0')
			return CRYPTO_EFORMAT;
		acc = (acc << 5 | (uint32_t)(p - b32_alphabet)) & 0xFFFF;
		if ((bits += 5) >= 8) {
			if (n == cap)
				return CRYPTO_ESPACE;
			out[n++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	*len = n;
	return CRYPTO_OK;
}
