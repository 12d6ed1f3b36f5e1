/* cardver.h — card and PIN verification values: Visa CVV (CVV, CVV2, iCVV), the Visa PIN
 * verification value (PVV) and IBM 3624 PIN offsets.
 *
 * Inputs are clear key bytes and NUL-terminated decimal text; every decimal input is checked
 * strictly (digits only, exact lengths). A PAN is 12 to 19 digits (ISO/IEC 7812-1 PANs run to
 * 19; the PVV needs the 11 digits left of the check digit). Results are NUL-terminated decimal
 * strings written to caller buffers. Each call sets up its OpenSSL key schedule (crypto_key)
 * and frees it, with every intermediate wiped, before it returns.
 *
 * All functions return CRYPTO_OK or a negative CRYPTO_E* code (crypto.h): CRYPTO_EPAN for a
 * bad PAN, CRYPTO_EPIN for a PIN that is not 4 to 12 digits, CRYPTO_EFORMAT for other
 * malformed text, CRYPTO_EKEYLEN for a key of the wrong length. The *_verify functions return
 * CRYPTO_EVERIFY when the value does not match, comparing in constant time. */
#ifndef POSSUM_CARDVER_H
#define POSSUM_CARDVER_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define CRYPTO_CVV_LEN 3 /* digits of a CVV, CVV2 or iCVV */
#define CRYPTO_PVV_LEN 4 /* digits of a Visa PVV */

/* Service codes that turn the CVV algorithm into its variants (Visa): the CVV2 printed on the
 * card is computed with service code 000, the iCVV in the chip's track 2 image with 999; the
 * magnetic stripe CVV uses the card's real service code. */
#define CRYPTO_CVV_SC_CVV2 "000"
#define CRYPTO_CVV_SC_ICVV "999"

/* Visa CVV with the key pair cvk = CVK A || CVK B. expiry_yymm is 4 digits, YYMM as Visa
 * specifies (only digits are checked: some issuers use MMYY), service_code 3 digits (see the
 * CRYPTO_CVV_SC_* values). out gets 3 digits and a NUL. */
int crypto_cvv(const uint8_t cvk[16], const char *pan, const char *expiry_yymm,
               const char *service_code, char out[CRYPTO_CVV_LEN + 1]);
int crypto_cvv_verify(const uint8_t cvk[16], const char *pan, const char *expiry_yymm,
                      const char *service_code, const char *cvv);

/* Visa PVV under the key pair pvk = PVK A || PVK B. pvki is the PIN verification key index,
 * 0 to 9 (Visa assigns 1 to 6; the range is not enforced further, as in HSMs). pin is 4 to 12
 * digits, of which the leftmost 4 enter the value. out gets 4 digits and a NUL. */
int crypto_pvv(const uint8_t pvk[16], const char *pan, int pvki, const char *pin,
               char out[CRYPTO_PVV_LEN + 1]);
int crypto_pvv_verify(const uint8_t pvk[16], const char *pan, int pvki, const char *pin,
                      const char *pvv);

/* The parameters of the IBM 3624 method, shared by its three functions. */
struct crypto_ibm3624 {
	const uint8_t *pvk;     /* PIN verification key: 8, 16 or 24 bytes */
	size_t pvk_len;         /* its length */
	const char *dectab;     /* decimalisation table: 16 digits, the one for each of 0–F */
	const char *validation; /* validation data: 1 to 16 hex digits, usually from the PAN */
	char pad;               /* hex digit that fills the validation data on the right to 16 */
};

/* The natural (intermediate) PIN of pin_len digits, 4 to 12, and a NUL; cap is the size of
 * pin. */
int crypto_ibm3624_natural_pin(const struct crypto_ibm3624 *p, size_t pin_len, char *pin,
                               size_t cap);

/* The offset of a customer-selected PIN (4 to 12 digits): as many digits as the PIN, and a
 * NUL; cap is the size of offset. The whole offset is the PIN check value (no shorter check
 * length). */
int crypto_ibm3624_offset(const struct crypto_ibm3624 *p, const char *pin, char *offset,
                          size_t cap);

/* Verifies a PIN against its offset, which must have as many digits as the PIN. */
int crypto_ibm3624_verify(const struct crypto_ibm3624 *p, const char *pin, const char *offset);

#endif
