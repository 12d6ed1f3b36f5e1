/* crypto.h — result codes of the crypto module, shared by every algorithm file in it.
 *
 * All crypto functions return CRYPTO_OK or a negative CRYPTO_E* code; crypto_strerror()
 * names it. None of them logs, allocates per call, or keeps global state. */
#ifndef POSSUM_CRYPTO_H
#define POSSUM_CRYPTO_H

#include <stddef.h>

#define CRYPTO_OK         0
#define CRYPTO_EKEYLEN    (-1)  /* key of a length the algorithm does not take */
#define CRYPTO_ELEN       (-2)  /* data of a length the algorithm does not take */
#define CRYPTO_ENOMEM     (-3)  /* out of memory */
#define CRYPTO_EOPENSSL   (-4)  /* OpenSSL refused the operation */
#define CRYPTO_EPIN       (-5)  /* PIN not 4 to 12 decimal digits */
#define CRYPTO_EPAN       (-6)  /* PAN not decimal, or too short for the format */
#define CRYPTO_EFORMAT    (-7)  /* a block or value not in the expected format */
#define CRYPTO_EARG       (-8)  /* an argument out of range */
#define CRYPTO_EPARITY    (-9)  /* a DES key without odd parity where it is required */
#define CRYPTO_EEXHAUSTED (-10) /* DUKPT: no more keys for this device */
#define CRYPTO_EKSN       (-11) /* DUKPT: a key serial number that is not valid */
#define CRYPTO_EHEADER    (-12) /* TR-31: a header that is malformed or not supported */
#define CRYPTO_EAUTH      (-13) /* a MAC or key block authenticator that does not verify */
#define CRYPTO_EUSAGE     (-14) /* a key used for what its usage forbids */
#define CRYPTO_EVERIFY    (-15) /* a PIN, CVV or cryptogram that does not verify */
#define CRYPTO_ESPACE     (-16) /* the output buffer is too small */

const char *crypto_strerror(int rc);

/* OpenSSL started, its configuration loaded, on the calling thread: the program's main thread,
 * once, before any other thread uses a cipher. Started instead by a worker thread's first
 * cipher (a load terminal's, an HTTP handler's), the state it keeps for that thread is lost
 * when the thread ends (valgrind: 904 bytes definitely lost); the main thread's is freed at
 * exit. CRYPTO_OK, or CRYPTO_EOPENSSL when OpenSSL cannot start. */
int crypto_global_init(void);

/* Length of the NUL-terminated s if it is min to max decimal digits and nothing else,
 * otherwise 0 (also for NULL). How every PAN, PIN and numeric argument is checked. */
size_t crypto_digits(const char *s, size_t min, size_t max);

/* Clears n bytes at p in a way the compiler may not remove (OPENSSL_cleanse). Every clear
 * key, PIN and intermediate value is wiped with it, with its explicit length. */
void crypto_wipe(void *p, size_t n);

#endif
