/* store_pki.h — the small CA's part of the storage interface (crypto/pki.h, docs/pki.md): the
 * CA itself, one row (its certificate, its private key only as the HSM sealed it, the number
 * of its last CRL), and every certificate it issued (never a leaf's key: that is handed over
 * once and not kept).
 *
 * Functions return STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_PKI_H
#define POSSUM_STORE_PKI_H

#include <stdint.h>

#include "store/store.h"

#define STORE_PKI_NAME_MAX 65   /* bytes of a CA's name or a subject, with its NUL */
#define STORE_PKI_CERT_MAX 2048 /* bytes of the CA's certificate (PEM), with its NUL */
#define STORE_PKI_KEY_MAX  256  /* bytes of the CA's sealed key */

struct store_pki_ca {
	char name[STORE_PKI_NAME_MAX];
	char cert[STORE_PKI_CERT_MAX];
	uint8_t key[STORE_PKI_KEY_MAX]; /* sealed by the HSM (hsm_data_encrypt) */
	size_t key_len;
	int64_t crl_number; /* the last CRL's */
	int64_t created_at;
};

struct store_pki_cert {
	char serial[33]; /* 32 hex digits */
	int kind;        /* enum pki_kind */
	char subject[STORE_PKI_NAME_MAX];
	int64_t not_before, not_after;
	int64_t revoked_at; /* 0: in force */
	int reason;         /* enum pki_reason, when revoked */
	int64_t issued_at;
};

/* Keeps the CA; STORE_EEXIST when there is one. */
int store_pki_ca_insert(store *s, const struct store_pki_ca *ca);
/* The CA; STORE_ENOTFOUND when there is none. */
int store_pki_ca_get(store *s, struct store_pki_ca *out);
/* Counts one more CRL and gives its number. */
int store_pki_crl_next(store *s, int64_t *number);

/* Keeps c; STORE_EEXIST when its serial is taken. */
int store_pki_cert_insert(store *s, const struct store_pki_cert *c);
int store_pki_cert_get(store *s, const char *serial, struct store_pki_cert *out);
/* Writes c's revoked_at and reason if it is in force; STORE_ENOTFOUND when no certificate of
 * its serial is. */
int store_pki_cert_revoke(store *s, const struct store_pki_cert *c);
/* Calls fn for each certificate, in the order of issue, until it returns non-zero (which is
 * returned); with revoked, only those revoked. */
int store_pki_cert_list(store *s, int (*fn)(void *ctx, const struct store_pki_cert *c), void *ctx);
int store_pki_cert_revoked(store *s, int (*fn)(void *ctx, const struct store_pki_cert *c),
                           void *ctx);

/* Whether a terminal that is not retired has serial number sn: STORE_OK, else
 * STORE_ENOTFOUND. */
int store_pki_terminal_known(store *s, const char *sn);

#endif
