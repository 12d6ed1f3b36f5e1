/* track.c — track data encryption (docs/cup-pos.md "Track encryption"): TDES-ECB under the
 * terminal's track key (TDK) of 8 bytes of a track's packed BCD, so that the track never
 * travels in the clear; the clear key never leaves the hsm. */
#include "hsm/internal.h"

#include <string.h>

/* The TDK is the M1 key of sign-in (59.A2.04's MAC is its other use): the terminal holds it
 * for mode G, the host for C; encrypting is the generating side, decrypting the verifying. */
int hsm_track_ecb(hsm *h, const hsm_key *tdk, int encrypt, const uint8_t in[8], uint8_t out[8])
{
	struct hsm_entry *e;
	crypto_key *k;
	int rc;

	if (in == NULL || out == NULL)
		return HSM_EARG;
	if ((rc = hsm_load(h, tdk, "M1", encrypt ? 'G' : 'V', &e)) != HSM_OK)
		return rc;
	if (e->alg != CRYPTO_TDES)
		return HSM_EALG;
	if ((rc = hsm_entry_cipher(e, &k)) != HSM_OK)
		return rc;
	return hsm_from_crypto(crypto_ecb(k, encrypt, in, 8, out));
}

int hsm_track_crypt(hsm *h, const hsm_key *tdk, int encrypt, uint8_t *track, size_t n)
{
	size_t bytes = (n + 1) / 2, first;
	uint8_t block[8];
	int rc;

	if (track == NULL && n > 0)
		return HSM_EARG;
	for (size_t i = 0; i < n; i++)
		if ((track[i] & 0xF0) != 0x30)
			return HSM_EARG;
	if (bytes < 9)
		return HSM_OK; /* too short: sent as it is */
	/* Bytes n-9 to n-2 of the packed field, digits 2(n-9) on; the last byte (and its pad
	 * nibble) stays as it is. */
	first = 2 * (bytes - 9);
	for (size_t i = 0; i < 8; i++)
		block[i] =
		    (uint8_t)((track[first + 2 * i] & 15) << 4 | (track[first + 2 * i + 1] & 15));
	rc = hsm_track_ecb(h, tdk, encrypt, block, block);
	for (size_t i = 0; rc == HSM_OK && i < 8; i++) {
		track[first + 2 * i] = (uint8_t)('0' + (block[i] >> 4));
		track[first + 2 * i + 1] = (uint8_t)('0' + (block[i] & 15));
	}
	crypto_wipe(block, sizeof block);
	return rc;
}
