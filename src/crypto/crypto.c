/* crypto.c — result code names and the wipe every crypto file uses. */
#include "crypto/crypto.h"

#include <openssl/crypto.h>

void crypto_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		OPENSSL_cleanse(p, n);
}

size_t crypto_digits(const char *s, size_t min, size_t max)
{
	size_t n;

	if (s == NULL)
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (n == max || s[n] < '0' || s[n] > '9')
			return 0;
	return n >= min ? n : 0;
}

const char *crypto_strerror(int rc)
{
	switch (rc) {
	case CRYPTO_OK:
		return "ok";
	case CRYPTO_EKEYLEN:
		return "wrong key length";
	case CRYPTO_ELEN:
		return "wrong data length";
	case CRYPTO_ENOMEM:
		return "out of memory";
	case CRYPTO_EOPENSSL:
		return "OpenSSL error";
	case CRYPTO_EPIN:
		return "PIN must be 4 to 12 digits";
	case CRYPTO_EPAN:
		return "PAN not valid for this format";
	case CRYPTO_EFORMAT:
		return "value not in the expected format";
	case CRYPTO_EARG:
		return "argument out of range";
	case CRYPTO_EPARITY:
		return "key parity is not odd";
	case CRYPTO_EEXHAUSTED:
		return "DUKPT key serial number exhausted";
	case CRYPTO_EKSN:
		return "invalid key serial number";
	case CRYPTO_EHEADER:
		return "invalid key block header";
	case CRYPTO_EAUTH:
		return "authenticator does not verify";
	case CRYPTO_EUSAGE:
		return "key usage does not permit this operation";
	case CRYPTO_EVERIFY:
		return "verification failed";
	case CRYPTO_ESPACE:
		return "output buffer too small";
	}
	return "unknown crypto error";
}

int crypto_global_init(void)
{
	return OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL) == 1 ? CRYPTO_OK
	                                                                : CRYPTO_EOPENSSL;
}
