/* pki.h — a small certificate authority over OpenSSL (docs/pki.md): the CA's self-signed
 * certificate, terminal and host certificates it issues, and its certificate revocation list.
 * Every key is ECDSA on P-256 and every signature ECDSA with SHA-256.
 *
 * No I/O and no state: certificates and lists go in and out as PEM text, private keys as PEM
 * (a leaf's, handed over once) or as DER (the CA's, which the caller seals before keeping it).
 * Unlike the rest of crypto, these functions allocate their outputs: each char ** or uint8_t **
 * output is the caller's to free() (a key's after crypto_wipe() over its length).
 *
 * Functions return CRYPTO_OK or a negative CRYPTO_E* code (crypto.h): CRYPTO_EARG for a
 * name, address, number of days or serial that is not one, CRYPTO_EFORMAT for PEM or DER that
 * does not read, CRYPTO_EOPENSSL when OpenSSL refuses, CRYPTO_ENOMEM. */
#ifndef POSSUM_CRYPTO_PKI_H
#define POSSUM_CRYPTO_PKI_H

#include <stddef.h>
#include <stdint.h>

#define PKI_SERIAL_LEN 32    /* hex digits of a serial: 128 random bits */
#define PKI_NAME_MAX   64    /* bytes of a CA's name, a host name or an SN (a CN's limit) */
#define PKI_DAYS_MAX   36500 /* the longest validity taken */
#define PKI_IPS_MAX    8     /* IP addresses in a host certificate */

/* What a certificate is for: a terminal's (TLS client) or a host's (TLS server). */
enum pki_kind {
	PKI_TERMINAL = 1,
	PKI_HOST = 2,
};

/* Why a certificate was revoked: RFC 5280 5.3.1's CRLReason codes, those taken here. */
enum pki_reason {
	PKI_UNSPECIFIED = 0,
	PKI_KEY_COMPROMISE = 1,
	PKI_SUPERSEDED = 4,
	PKI_CESSATION = 5, /* cessationOfOperation */
};

/* "terminal", "host" ↔ the kind; "unspecified", "keyCompromise", "superseded",
 * "cessationOfOperation" ↔ the reason. Names NULL, parsers CRYPTO_EARG for anything else. */
const char *pki_kind_name(int kind);
const char *pki_reason_name(int reason);
int pki_reason_parse(const char *name, int *out);

/* Whether name may be a host certificate's DNS name (letters, digits, '-' and '.', labels of
 * 1 to 63, up to PKI_NAME_MAX - 1 in all), and ip an IPv4 or IPv6 address: CRYPTO_OK or
 * CRYPTO_EARG. */
int pki_host_name_check(const char *name);
int pki_ip_check(const char *ip);

/* The CA: a new key and a self-signed certificate, CN=name, valid days days from now (Unix
 * seconds), basicConstraints CA:TRUE (critical), keyUsage keyCertSign and cRLSign (critical).
 * serial its serial (hex), *cert_pem its certificate, *key_der its private key (DER, *key_len
 * bytes). */
int pki_ca_make(const char *name, int days, int64_t now, char serial[PKI_SERIAL_LEN + 1],
                char **cert_pem, uint8_t **key_der, size_t *key_len);

/* A CA as pki_ca_make() gave it, to issue and sign with. */
struct pki_ca {
	const char *cert_pem;
	const uint8_t *key_der;
	size_t key_len;
};

/* What to issue: a terminal's certificate (CN = its SN; keyUsage digitalSignature; EKU
 * clientAuth) or a host's (CN and subjectAltName DNS = name, and IP = each of ips; keyUsage
 * digitalSignature; EKU serverAuth), valid days days from now. */
struct pki_leaf {
	int kind; /* enum pki_kind */
	const char *name;
	const char *const *ips; /* n_ips addresses (hosts only), up to PKI_IPS_MAX */
	size_t n_ips;
	int days;
	int64_t now;
};

/* What pki_issue() made: the serial (hex, upper case), the validity (Unix seconds), the
 * certificate and its new private key (PKCS#8 PEM), both to free(). */
struct pki_issued {
	char serial[PKI_SERIAL_LEN + 1];
	int64_t not_before, not_after;
	char *cert_pem, *key_pem;
	size_t key_len; /* bytes of key_pem, to wipe */
};

/* Issues leaf under ca with a fresh key and a random 128-bit serial into *out; on failure
 * *out holds nothing to free. */
int pki_issue(const struct pki_ca *ca, const struct pki_leaf *leaf, struct pki_issued *out);
/* Wipes and frees what out holds. */
void pki_issued_free(struct pki_issued *out);

/* A revoked certificate, as the CRL lists it. */
struct pki_revoked {
	const char *serial; /* hex */
	int64_t at;
	int reason; /* enum pki_reason */
};

/* The CA's CRL number `number`, this update now and the next days days later, listing the n
 * revoked certificates (n may be 0), signed by ca: *crl_pem. */
int pki_crl(const struct pki_ca *ca, const struct pki_revoked *revoked, size_t n, int64_t number,
            int64_t now, int days, char **crl_pem);

/* Whether cert_pem holds a certificate and key_pem its private key (PEM, as a TLS server
 * loads them): CRYPTO_OK, CRYPTO_EFORMAT (one does not read: which is said in why, capacity
 * cap) or CRYPTO_EVERIFY (the key is not the certificate's). */
int pki_pair_check(const char *cert_pem, size_t cert_len, const char *key_pem, size_t key_len,
                   char *why, size_t cap);

#endif
