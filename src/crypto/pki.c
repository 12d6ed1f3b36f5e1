/* pki.c — the small CA of pki.h over OpenSSL's X509, X509_CRL and EVP interfaces: keys made,
 * certificates built and signed, the CRL signed, everything in and out as PEM or DER text in
 * memory. */
#include "crypto/pki.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/crypto.h"

static const char *const kind_names[] = {[PKI_TERMINAL] = "terminal", [PKI_HOST] = "host"};

/* The reasons taken, by RFC 5280 code. */
static const struct {
	int code;
	const char *name;
} reasons[] = {
    {PKI_UNSPECIFIED, "unspecified"},
    {PKI_KEY_COMPROMISE, "keyCompromise"},
    {PKI_SUPERSEDED, "superseded"},
    {PKI_CESSATION, "cessationOfOperation"},
};

const char *pki_kind_name(int kind)
{
	if (kind < 0 || (size_t)kind >= sizeof kind_names / sizeof kind_names[0])
		return NULL;
	return kind_names[kind];
}

const char *pki_reason_name(int reason)
{
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (reasons[i].code == reason)
			return reasons[i].name;
	return NULL;
}

int pki_reason_parse(const char *name, int *out)
{
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (name != NULL && strcmp(reasons[i].name, name) == 0) {
			*out = reasons[i].code;
			return CRYPTO_OK;
		}
	return CRYPTO_EARG;
}

int pki_host_name_check(const char *name)
{
	size_t n, label = 0;

	if (name == NULL || (n = strlen(name)) == 0 || n >= PKI_NAME_MAX ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != n)
		return CRYPTO_EARG;
	for (size_t i = 0; i <= n; i++) {
		if (name[i] != '.' && name[i] != '\0') {
			label++;
			continue;
		}
		if (label == 0 || label > 63 || name[i - 1] == '-' || name[i - label] == '-')
			return CRYPTO_EARG;
		label = 0;
	}
	return CRYPTO_OK;
}

int pki_ip_check(const char *ip)
{
	unsigned char buf[16];

	if (ip != NULL && (inet_pton(AF_INET, ip, buf) == 1 || inet_pton(AF_INET6, ip, buf) == 1))
		return CRYPTO_OK;
	return CRYPTO_EARG;
}

/* The text a memory BIO holds, as a NUL-terminated copy to free(). */
static int bio_text(BIO *b, char **out, size_t *len)
{
	char *data;
	long n = BIO_get_mem_data(b, &data);

	if (n <= 0 || (*out = malloc((size_t)n + 1)) == NULL)
		return CRYPTO_ENOMEM;
	memcpy(*out, data, (size_t)n);
	(*out)[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
	return CRYPTO_OK;
}

/* x as PEM into *out. */
static int cert_pem(X509 *x, char **out)
{
	BIO *b = BIO_new(BIO_s_mem());
	int rc = CRYPTO_ENOMEM;

	if (b != NULL)
		rc = PEM_write_bio_X509(b, x) == 1 ? bio_text(b, out, NULL) : CRYPTO_EOPENSSL;
	BIO_free(b);
	return rc;
}

static EVP_PKEY *key_new(void)
{
	return EVP_EC_gen("P-256");
}

/* A name of the one entry CN = cn. */
static X509_NAME *name_cn(const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	if (n != NULL && X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	                                            (const unsigned char *)cn, -1, -1, 0) != 1) {
		X509_NAME_free(n);
		n = NULL;
	}
	return n;
}

/* Adds extension nid, value as openssl.cnf writes it, with issuer and subject as ctx. */
static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return CRYPTO_EOPENSSL;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok == 1 ? CRYPTO_OK : CRYPTO_EOPENSSL;
}

/* A certificate of subject cn and key over issuer's name, valid days from now, its serial
 * 16 random bytes (the first not zero) into serial as hex: not yet signed. */
static int cert_new(const char *cn, EVP_PKEY *key, const X509_NAME *issuer, int days, int64_t now,
                    char serial[PKI_SERIAL_LEN + 1], X509 **out)
{
	static const char hexd[] = "0123456789ABCDEF";
	unsigned char sn[PKI_SERIAL_LEN / 2] = {0};
	X509 *x = X509_new();
	X509_NAME *subject = name_cn(cn);
	BIGNUM *bn = NULL;
	time_t t = (time_t)now;
	int rc = CRYPTO_EOPENSSL;

	if (x == NULL || subject == NULL) {
		rc = CRYPTO_ENOMEM;
		goto out;
	}
	while (sn[0] == 0)
		if (RAND_bytes(sn, sizeof sn) != 1)
			goto out;
	for (size_t i = 0; i < sizeof sn; i++) {
		serial[2 * i] = hexd[sn[i] >> 4];
		serial[2 * i + 1] = hexd[sn[i] & 15];
	}
	serial[PKI_SERIAL_LEN] = '\0';
	if ((bn = BN_bin2bn(sn, sizeof sn, NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    X509_set_version(x, 2) != 1 || X509_set_subject_name(x, subject) != 1 ||
	    X509_set_issuer_name(x, issuer != NULL ? issuer : subject) != 1 ||
	    X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &t) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), days, 0, &t) == NULL ||
	    X509_set_pubkey(x, key) != 1)
		goto out;
	*out = x;
	x = NULL;
	rc = CRYPTO_OK;
out:
	BN_free(bn);
	X509_NAME_free(subject);
	X509_free(x);
	return rc;
}

/* The DER of key into a new buffer. */
static int key_der(EVP_PKEY *key, uint8_t **out, size_t *len)
{
	unsigned char *der = NULL;
	int n = i2d_PrivateKey(key, &der);

	if (n <= 0)
		return CRYPTO_EOPENSSL;
	if ((*out = malloc((size_t)n)) == NULL) {
		OPENSSL_clear_free(der, (size_t)n);
		return CRYPTO_ENOMEM;
	}
	memcpy(*out, der, (size_t)n);
	OPENSSL_clear_free(der, (size_t)n);
	*len = (size_t)n;
	return CRYPTO_OK;
}

int pki_ca_make(const char *name, int days, int64_t now, char serial[PKI_SERIAL_LEN + 1],
                char **cert_out, uint8_t **key_out, size_t *key_len)
{
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	int rc;

	*cert_out = NULL;
	*key_out = NULL;
	if (name == NULL || name[0] == '\0' || strlen(name) >= PKI_NAME_MAX || days < 1 ||
	    days > PKI_DAYS_MAX)
		return CRYPTO_EARG;
	if ((key = key_new()) == NULL)
		return CRYPTO_EOPENSSL;
	if ((rc = cert_new(name, key, NULL, days, now, serial, &x)) != CRYPTO_OK ||
	    (rc = add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE")) != CRYPTO_OK ||
	    (rc = add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign")) != CRYPTO_OK ||
	    (rc = add_ext(x, x, NID_subject_key_identifier, "hash")) != CRYPTO_OK)
		goto out;
	if (X509_sign(x, key, EVP_sha256()) <= 0) {
		rc = CRYPTO_EOPENSSL;
		goto out;
	}
	if ((rc = cert_pem(x, cert_out)) == CRYPTO_OK &&
	    (rc = key_der(key, key_out, key_len)) != CRYPTO_OK) {
		free(*cert_out);
		*cert_out = NULL;
	}
out:
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}

/* The CA's certificate and key from ca. */
static int ca_load(const struct pki_ca *ca, X509 **x, EVP_PKEY **key)
{
	const unsigned char *p = ca->key_der;
	BIO *b = BIO_new_mem_buf(ca->cert_pem, -1);

	*x = NULL;
	*key = NULL;
	if (b == NULL)
		return CRYPTO_ENOMEM;
	*x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	if (*x != NULL && ca->key_len <= LONG_MAX &&
	    (*key = d2i_AutoPrivateKey(NULL, &p, (long)ca->key_len)) != NULL &&
	    X509_check_private_key(*x, *key) == 1)
		return CRYPTO_OK;
	X509_free(*x);
	EVP_PKEY_free(*key);
	*x = NULL;
	*key = NULL;
	return CRYPTO_EFORMAT;
}

/* subjectAltName: DNS = leaf's name and IP = each of its addresses. */
static int add_san(X509 *x, const struct pki_leaf *leaf)
{
	GENERAL_NAMES *names = GENERAL_NAMES_new();
	GENERAL_NAME *g = NULL;
	ASN1_IA5STRING *dns = ASN1_IA5STRING_new();
	int rc = CRYPTO_ENOMEM;

	if (names == NULL || dns == NULL || (g = GENERAL_NAME_new()) == NULL ||
	    ASN1_STRING_set(dns, leaf->name, -1) != 1)
		goto out;
	GENERAL_NAME_set0_value(g, GEN_DNS, dns);
	dns = NULL;
	if (sk_GENERAL_NAME_push(names, g) <= 0)
		goto out;
	g = NULL;
	for (size_t i = 0; i < leaf->n_ips; i++) {
		ASN1_OCTET_STRING *ip = a2i_IPADDRESS(leaf->ips[i]);

		if (ip == NULL || (g = GENERAL_NAME_new()) == NULL) {
			ASN1_OCTET_STRING_free(ip);
			rc = ip == NULL ? CRYPTO_EARG : CRYPTO_ENOMEM;
			goto out;
		}
		GENERAL_NAME_set0_value(g, GEN_IPADD, ip);
		if (sk_GENERAL_NAME_push(names, g) <= 0)
			goto out;
		g = NULL;
	}
	rc = X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT) == 1
	         ? CRYPTO_OK
	         : CRYPTO_EOPENSSL;
out:
	GENERAL_NAME_free(g);
	ASN1_IA5STRING_free(dns);
	GENERAL_NAMES_free(names);
	return rc;
}

/* The checks of pki_issue()'s request. */
static int leaf_check(const struct pki_leaf *leaf)
{
	if (leaf->name == NULL || leaf->days < 1 || leaf->days > PKI_DAYS_MAX ||
	    leaf->n_ips > PKI_IPS_MAX || (leaf->n_ips > 0 && leaf->kind != PKI_HOST))
		return CRYPTO_EARG;
	if (leaf->kind == PKI_HOST && pki_host_name_check(leaf->name) != CRYPTO_OK)
		return CRYPTO_EARG;
	if (leaf->kind == PKI_TERMINAL &&
	    (leaf->name[0] == '\0' || strlen(leaf->name) >= PKI_NAME_MAX))
		return CRYPTO_EARG;
	if (leaf->kind != PKI_HOST && leaf->kind != PKI_TERMINAL)
		return CRYPTO_EARG;
	for (size_t i = 0; i < leaf->n_ips; i++)
		if (pki_ip_check(leaf->ips[i]) != CRYPTO_OK)
			return CRYPTO_EARG;
	return CRYPTO_OK;
}

/* The leaf's extensions, as its kind has them. */
static int leaf_exts(X509 *x, X509 *ca, const struct pki_leaf *leaf)
{
	int host = leaf->kind == PKI_HOST, rc;

	if ((rc = add_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE")) != CRYPTO_OK ||
	    (rc = add_ext(x, ca, NID_key_usage, "critical,digitalSignature")) != CRYPTO_OK ||
	    (rc = add_ext(x, ca, NID_ext_key_usage, host ? "serverAuth" : "clientAuth")) !=
	        CRYPTO_OK ||
	    (rc = add_ext(x, ca, NID_subject_key_identifier, "hash")) != CRYPTO_OK ||
	    (rc = add_ext(x, ca, NID_authority_key_identifier, "keyid:always")) != CRYPTO_OK)
		return rc;
	return host ? add_san(x, leaf) : CRYPTO_OK;
}

/* key as PKCS#8 PEM into out. */
static int key_pem(EVP_PKEY *key, struct pki_issued *out)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int rc = CRYPTO_ENOMEM;

	if (b == NULL)
		return rc;
	if (PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL) != 1)
		rc = CRYPTO_EOPENSSL;
	else
		rc = bio_text(b, &out->key_pem, &out->key_len);
	if ((n = BIO_get_mem_data(b, &data)) > 0)
		crypto_wipe(data, (size_t)n);
	BIO_free(b);
	return rc;
}

int pki_issue(const struct pki_ca *ca, const struct pki_leaf *leaf, struct pki_issued *out)
{
	X509 *cax = NULL, *x = NULL;
	EVP_PKEY *cakey = NULL, *key = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = leaf_check(leaf)) != CRYPTO_OK || (rc = ca_load(ca, &cax, &cakey)) != CRYPTO_OK)
		return rc;
	if ((key = key_new()) == NULL) {
		rc = CRYPTO_EOPENSSL;
		goto out;
	}
	if ((rc = cert_new(leaf->name, key, X509_get_subject_name(cax), leaf->days, leaf->now,
	                   out->serial, &x)) != CRYPTO_OK ||
	    (rc = leaf_exts(x, cax, leaf)) != CRYPTO_OK)
		goto out;
	if (X509_sign(x, cakey, EVP_sha256()) <= 0) {
		rc = CRYPTO_EOPENSSL;
		goto out;
	}
	out->not_before = leaf->now;
	out->not_after = leaf->now + (int64_t)leaf->days * 86400;
	if ((rc = cert_pem(x, &out->cert_pem)) == CRYPTO_OK)
		rc = key_pem(key, out);
out:
	if (rc != CRYPTO_OK)
		pki_issued_free(out);
	X509_free(x);
	X509_free(cax);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(key);
	return rc;
}

void pki_issued_free(struct pki_issued *out)
{
	if (out->key_pem != NULL)
		crypto_wipe(out->key_pem, out->key_len);
	free(out->key_pem);
	free(out->cert_pem);
	out->key_pem = out->cert_pem = NULL;
	out->key_len = 0;
}

/* Appends r to crl: its serial, date and (but for unspecified, which RFC 5280 5.3.1 says to
 * leave out) its reason. */
static int crl_add(X509_CRL *crl, const struct pki_revoked *r)
{
	X509_REVOKED *rev = X509_REVOKED_new();
	ASN1_TIME *at = ASN1_TIME_set(NULL, (time_t)r->at);
	ASN1_ENUMERATED *why = ASN1_ENUMERATED_new();
	ASN1_INTEGER *sn = NULL;
	BIGNUM *bn = NULL;
	int rc = CRYPTO_ENOMEM;

	if (rev == NULL || at == NULL || why == NULL)
		goto out;
	rc = CRYPTO_EARG;
	if (r->serial == NULL || strlen(r->serial) != PKI_SERIAL_LEN ||
	    BN_hex2bn(&bn, r->serial) != PKI_SERIAL_LEN || pki_reason_name(r->reason) == NULL)
		goto out;
	rc = CRYPTO_EOPENSSL;
	if ((sn = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    X509_REVOKED_set_serialNumber(rev, sn) != 1 ||
	    X509_REVOKED_set_revocationDate(rev, at) != 1 ||
	    ASN1_ENUMERATED_set(why, r->reason) != 1 ||
	    (r->reason != PKI_UNSPECIFIED &&
	     X509_REVOKED_add1_ext_i2d(rev, NID_crl_reason, why, 0, 0) != 1) ||
	    X509_CRL_add0_revoked(crl, rev) != 1)
		goto out;
	rev = NULL;
	rc = CRYPTO_OK;
out:
	BN_free(bn);
	ASN1_INTEGER_free(sn);
	ASN1_ENUMERATED_free(why);
	ASN1_TIME_free(at);
	X509_REVOKED_free(rev);
	return rc;
}

/* The CRL's header: version 2, issuer, this and next update, its number. */
static int crl_head(X509_CRL *crl, X509 *cax, int64_t number, int64_t now, int days)
{
	ASN1_TIME *last = ASN1_TIME_set(NULL, (time_t)now);
	ASN1_TIME *next = ASN1_TIME_adj(NULL, (time_t)now, days, 0);
	ASN1_INTEGER *n = ASN1_INTEGER_new();
	int rc = CRYPTO_ENOMEM;

	if (last != NULL && next != NULL && n != NULL)
		rc = X509_CRL_set_version(crl, 1) == 1 &&
		             X509_CRL_set_issuer_name(crl, X509_get_subject_name(cax)) == 1 &&
		             X509_CRL_set1_lastUpdate(crl, last) == 1 &&
		             X509_CRL_set1_nextUpdate(crl, next) == 1 &&
		             ASN1_INTEGER_set_int64(n, number) == 1 &&
		             X509_CRL_add1_ext_i2d(crl, NID_crl_number, n, 0, 0) == 1
		         ? CRYPTO_OK
		         : CRYPTO_EOPENSSL;
	ASN1_INTEGER_free(n);
	ASN1_TIME_free(last);
	ASN1_TIME_free(next);
	return rc;
}

int pki_crl(const struct pki_ca *ca, const struct pki_revoked *revoked, size_t n, int64_t number,
            int64_t now, int days, char **crl_pem)
{
	X509 *cax = NULL;
	EVP_PKEY *cakey = NULL;
	X509_CRL *crl = NULL;
	BIO *b = NULL;
	int rc;

	*crl_pem = NULL;
	if (days < 1 || days > PKI_DAYS_MAX || number < 1)
		return CRYPTO_EARG;
	if ((rc = ca_load(ca, &cax, &cakey)) != CRYPTO_OK)
		return rc;
	if ((crl = X509_CRL_new()) == NULL || (b = BIO_new(BIO_s_mem())) == NULL) {
		rc = CRYPTO_ENOMEM;
		goto out;
	}
	if ((rc = crl_head(crl, cax, number, now, days)) != CRYPTO_OK)
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((rc = crl_add(crl, &revoked[i])) != CRYPTO_OK)
			goto out;
	if (X509_CRL_sort(crl) != 1 || X509_CRL_sign(crl, cakey, EVP_sha256()) <= 0 ||
	    PEM_write_bio_X509_CRL(b, crl) != 1) {
		rc = CRYPTO_EOPENSSL;
		goto out;
	}
	rc = bio_text(b, crl_pem, NULL);
out:
	BIO_free(b);
	X509_CRL_free(crl);
	X509_free(cax);
	EVP_PKEY_free(cakey);
	return rc;
}

int pki_pair_check(const char *cert, size_t cert_len, const char *key, size_t key_len, char *why,
                   size_t cap)
{
	BIO *cb = BIO_new_mem_buf(cert, cert_len <= INT_MAX ? (int)cert_len : -1);
	BIO *kb = BIO_new_mem_buf(key, key_len <= INT_MAX ? (int)key_len : -1);
	X509 *x = cb != NULL ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
	EVP_PKEY *k = kb != NULL ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
	int rc = CRYPTO_OK;

	if (x == NULL || k == NULL) {
		snprintf(why, cap, "%s",
		         x == NULL ? "not a PEM certificate" : "not a PEM private key");
		rc = CRYPTO_EFORMAT;
	} else if (X509_check_private_key(x, k) != 1) {
		snprintf(why, cap, "the key is not the certificate's");
		rc = CRYPTO_EVERIFY;
	}
	EVP_PKEY_free(k);
	X509_free(x);
	BIO_free(kb);
	BIO_free(cb);
	return rc;
}
