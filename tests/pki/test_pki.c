/* test_pki.c — the small CA (crypto/pki.h, host/pki.h): a CA made with the extensions a CA
 * needs; host and terminal certificates that OpenSSL's X509_verify_cert() accepts for their
 * purpose (server, client) and not for the other; a revoked one refused with the CRL and the
 * others still accepted; the bad inputs refused (a host name, an address, days, a serial, a
 * reason); a certificate and key pair checked; [http] tls_cert and tls_key read, and refused
 * with their line (one without the other, unreadable, another's key, not PEM); and over a
 * data directory: an unknown SN refused, the CA's key nowhere in clear in the store, issue and
 * revoke in the audit log. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "testutil.h"

#include "common/file.h"
#include "crypto/crypto.h"
#include "crypto/pki.h"
#include "host/config.h"
#include "host/pki.h"
#include "store/store_audit.h"

#define NOW ((int64_t)time(NULL))

struct fx {
	char *cert;
	uint8_t *key;
	size_t key_len;
	char serial[PKI_SERIAL_LEN + 1];
	struct pki_ca ca;
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);

	if (x == NULL || pki_ca_make("test CA", 30, NOW - 60, x->serial, &x->cert, &x->key,
	                             &x->key_len) != CRYPTO_OK)
		return -1;
	x->ca = (struct pki_ca){x->cert, x->key, x->key_len};
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	crypto_wipe(x->key, x->key_len);
	free(x->key);
	free(x->cert);
	free(x);
	return 0;
}

static X509 *read_cert(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);

	BIO_free(b);
	assert_non_null(x);
	return x;
}

static X509_CRL *read_crl(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509_CRL *c = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);

	BIO_free(b);
	assert_non_null(c);
	return c;
}

/* X509_verify_cert() of leaf under ca_pem for purpose (X509_PURPOSE_*), with crl when not
 * NULL: X509_V_OK or its error. */
static int verify(const char *ca_pem, const char *leaf_pem, int purpose, const char *crl)
{
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509 *ca = read_cert(ca_pem), *leaf = read_cert(leaf_pem);
	X509_CRL *c = crl != NULL ? read_crl(crl) : NULL;
	int err;

	assert_int_equal(X509_STORE_add_cert(st, ca), 1);
	if (c != NULL) {
		assert_int_equal(X509_STORE_add_crl(st, c), 1);
		X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK);
	}
	assert_int_equal(X509_STORE_CTX_init(ctx, st, leaf, NULL), 1);
	X509_STORE_CTX_set_purpose(ctx, purpose);
	err = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	X509_CRL_free(c);
	X509_free(ca);
	X509_free(leaf);
	return err;
}

static void ca_is_a_ca(void **state)
{
	struct fx *x = *state;
	X509 *ca = read_cert(x->cert);
	char cn[64];

	assert_int_equal(strlen(x->serial), PKI_SERIAL_LEN);
	assert_int_equal(X509_check_ca(ca), 1);
	assert_true(X509_get_key_usage(ca) & KU_KEY_CERT_SIGN);
	assert_true(X509_get_key_usage(ca) & KU_CRL_SIGN);
	assert_int_equal(X509_check_issued(ca, ca), X509_V_OK);
	X509_NAME_get_text_by_NID(X509_get_subject_name(ca), NID_commonName, cn, sizeof cn);
	assert_string_equal(cn, "test CA");
	X509_free(ca);
	printf("CA: CA:TRUE, keyCertSign and cRLSign, self-signed, CN %s\n", cn);
}

static void host_certificate_verifies(void **state)
{
	struct fx *x = *state;
	const char *ips[] = {"127.0.0.1", "::1"};
	struct pki_leaf leaf = {PKI_HOST, "possum.example", ips, 2, 365, NOW};
	struct pki_issued got;
	X509 *c;

	assert_int_equal(pki_issue(&x->ca, &leaf, &got), CRYPTO_OK);
	assert_int_equal(strlen(got.serial), PKI_SERIAL_LEN);
	assert_int_equal(got.not_after - got.not_before, 365 * 86400);
	assert_non_null(strstr(got.key_pem, "BEGIN PRIVATE KEY"));
	assert_int_equal(verify(x->cert, got.cert_pem, X509_PURPOSE_SSL_SERVER, NULL), X509_V_OK);
	assert_int_not_equal(verify(x->cert, got.cert_pem, X509_PURPOSE_SSL_CLIENT, NULL),
	                     X509_V_OK);
	c = read_cert(got.cert_pem);
	assert_int_equal(X509_check_host(c, "possum.example", 0, 0, NULL), 1);
	assert_int_equal(X509_check_ip_asc(c, "127.0.0.1", 0), 1);
	assert_int_equal(X509_check_ip_asc(c, "::1", 0), 1);
	assert_int_equal(X509_check_ip_asc(c, "10.0.0.1", 0), 0);
	assert_int_equal(pki_pair_check(got.cert_pem, strlen(got.cert_pem), got.key_pem,
	                                got.key_len, (char[64]){0}, 64),
	                 CRYPTO_OK);
	X509_free(c);
	pki_issued_free(&got);
	printf("host: verified as a TLS server (not as a client), SAN DNS and 2 IPs\n");
}

static void terminal_certificate_verifies(void **state)
{
	struct fx *x = *state;
	struct pki_leaf leaf = {PKI_TERMINAL, "SN0001", NULL, 0, 1095, NOW};
	struct pki_issued got;
	X509 *c;
	char cn[64];

	assert_int_equal(pki_issue(&x->ca, &leaf, &got), CRYPTO_OK);
	assert_int_equal(verify(x->cert, got.cert_pem, X509_PURPOSE_SSL_CLIENT, NULL), X509_V_OK);
	assert_int_not_equal(verify(x->cert, got.cert_pem, X509_PURPOSE_SSL_SERVER, NULL),
	                     X509_V_OK);
	c = read_cert(got.cert_pem);
	X509_NAME_get_text_by_NID(X509_get_subject_name(c), NID_commonName, cn, sizeof cn);
	assert_string_equal(cn, "SN0001");
	assert_true(X509_get_key_usage(c) & KU_DIGITAL_SIGNATURE);
	assert_int_equal(X509_check_ca(c), 0);
	X509_free(c);
	pki_issued_free(&got);
	printf("terminal: CN SN0001, verified as a TLS client (not as a server)\n");
}

static void revoked_refused_by_crl(void **state)
{
	struct fx *x = *state;
	struct pki_leaf leaf = {PKI_HOST, "a.example", NULL, 0, 30, NOW};
	struct pki_issued a, b;
	struct pki_revoked r;
	char *crl = NULL, *empty = NULL;

	assert_int_equal(pki_issue(&x->ca, &leaf, &a), CRYPTO_OK);
	assert_int_equal(pki_issue(&x->ca, &leaf, &b), CRYPTO_OK);
	assert_string_not_equal(a.serial, b.serial);
	r = (struct pki_revoked){a.serial, NOW, PKI_KEY_COMPROMISE};
	assert_int_equal(pki_crl(&x->ca, NULL, 0, 1, NOW, 30, &empty), CRYPTO_OK);
	assert_int_equal(pki_crl(&x->ca, &r, 1, 2, NOW, 30, &crl), CRYPTO_OK);
	assert_int_equal(verify(x->cert, a.cert_pem, X509_PURPOSE_SSL_SERVER, empty), X509_V_OK);
	assert_int_equal(verify(x->cert, a.cert_pem, X509_PURPOSE_SSL_SERVER, crl),
	                 X509_V_ERR_CERT_REVOKED);
	assert_int_equal(verify(x->cert, b.cert_pem, X509_PURPOSE_SSL_SERVER, crl), X509_V_OK);
	free(crl);
	free(empty);
	pki_issued_free(&a);
	pki_issued_free(&b);
	printf("CRL: the revoked one refused (certificate revoked), the other accepted\n");
}

static void bad_inputs_refused(void **state)
{
	struct fx *x = *state;
	const char *bad_ip[] = {"127.0.0.256"};
	const char *ok_ip[] = {"10.0.0.1"};
	const struct pki_leaf bad[] = {
	    {PKI_HOST, "-bad.example", NULL, 0, 30, NOW},
	    {PKI_HOST, "a..b", NULL, 0, 30, NOW},
	    {PKI_HOST, "a b", NULL, 0, 30, NOW},
	    {PKI_HOST, "ok.example", bad_ip, 1, 30, NOW},
	    {PKI_HOST, "ok.example", NULL, 0, 0, NOW},
	    {PKI_HOST, "ok.example", NULL, 0, PKI_DAYS_MAX + 1, NOW},
	    {PKI_TERMINAL, "SN1", ok_ip, 1, 30, NOW},
	    {PKI_TERMINAL, "", NULL, 0, 30, NOW},
	    {7, "SN1", NULL, 0, 30, NOW},
	};
	struct pki_revoked r = {"XYZ", NOW, PKI_SUPERSEDED};
	struct pki_issued got;
	char *pem = NULL, *cert = NULL, serial[PKI_SERIAL_LEN + 1];
	uint8_t *key = NULL;
	size_t n;
	int reason;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(pki_issue(&x->ca, &bad[i], &got), CRYPTO_EARG);
	assert_int_equal(pki_crl(&x->ca, &r, 1, 1, NOW, 30, &pem), CRYPTO_EARG);
	assert_null(pem);
	assert_int_equal(pki_crl(&x->ca, NULL, 0, 1, NOW, 0, &pem), CRYPTO_EARG);
	assert_int_equal(pki_ca_make("", 30, NOW, serial, &cert, &key, &n), CRYPTO_EARG);
	assert_int_equal(pki_ca_make("CA", 0, NOW, serial, &cert, &key, &n), CRYPTO_EARG);
	assert_int_equal(pki_ip_check("::ffff:1.2.3.4"), CRYPTO_OK);
	assert_int_equal(pki_ip_check("1.2.3"), CRYPTO_EARG);
	assert_int_equal(pki_reason_parse("keyCompromise", &reason), CRYPTO_OK);
	assert_int_equal(reason, PKI_KEY_COMPROMISE);
	assert_int_equal(pki_reason_parse("because", &reason), CRYPTO_EARG);
	assert_int_equal(pki_pair_check("junk", 4, "junk", 4, (char[64]){0}, 64), CRYPTO_EFORMAT);
	printf("bad inputs: %zu requests, a serial, days and names refused\n",
	       sizeof bad / sizeof bad[0]);
}

static void pair_of_another_key_refused(void **state)
{
	struct fx *x = *state;
	struct pki_leaf leaf = {PKI_HOST, "a.example", NULL, 0, 30, NOW};
	struct pki_issued a, b;
	char why[64];

	assert_int_equal(pki_issue(&x->ca, &leaf, &a), CRYPTO_OK);
	assert_int_equal(pki_issue(&x->ca, &leaf, &b), CRYPTO_OK);
	assert_int_equal(
	    pki_pair_check(a.cert_pem, strlen(a.cert_pem), b.key_pem, b.key_len, why, sizeof why),
	    CRYPTO_EVERIFY);
	assert_string_equal(why, "the key is not the certificate's");
	pki_issued_free(&a);
	pki_issued_free(&b);
}

/* ---- over a data directory (host/pki.h) ---- */

static int count(void *arg, const struct store_audit *a)
{
	if (strncmp(a->action, "pki.", 4) == 0)
		++*(int *)arg;
	return 0;
}

/* Whether the file at path holds the n bytes at needle. */
static bool file_has(const char *path, const void *needle, size_t n)
{
	char *data;
	size_t len;
	bool found = false;

	assert_int_equal(file_read_all(path, 64 << 20, &data, &len), 0);
	for (size_t i = 0; i + n <= len && !found; i++)
		found = memcmp(data + i, needle, n) == 0;
	free(data);
	return found;
}

/* Whether the n bytes at der are the private key of the certificate in the file at path. */
static bool key_matches(const char *path, const uint8_t *der, size_t n)
{
	const unsigned char *p = der;
	EVP_PKEY *key = d2i_AutoPrivateKey(NULL, &p, (long)n);
	char *pem;
	size_t len;
	X509 *x;
	bool ok;

	assert_int_equal(file_read_all(path, 1 << 20, &pem, &len), 0);
	x = read_cert(pem);
	ok = key != NULL && X509_check_private_key(x, key) == 1;
	X509_free(x);
	EVP_PKEY_free(key);
	free(pem);
	return ok;
}

static void data_directory(void **state)
{
	char dir[] = "/tmp/test_pki.XXXXXX", prefix[64], path[128];
	struct host_env env = {0};
	struct pki_leaf leaf = {PKI_TERMINAL, "SN-UNKNOWN", NULL, 0, 30, NOW};
	struct store_pki_cert ca, c;
	struct store_pki_ca row;
	static const struct hsm_key_spec spec = {"D0", HSM_AES, 32, 'B', 'N'};
	hsm_key k;
	uint8_t der[STORE_PKI_KEY_MAX];
	size_t der_len = 0;
	int audits = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	unsetenv("POSSUM_CONFIG");
	assert_int_equal(host_env_start(&env, "test_pki", NULL, dir, HOST_NEED_DATA), HOST_OK);
	assert_int_equal(host_pki_init(&env, "cli:test", "possum CA", 30, NOW, &ca), HOST_OK);
	assert_int_equal(host_pki_init(&env, "cli:test", "again", 30, NOW, &ca), HOST_EFAILED);
	snprintf(prefix, sizeof prefix, "%s/t", dir);
	assert_int_equal(host_pki_issue(&env, "cli:test", &leaf, prefix, &c), HOST_EFAILED);
	snprintf(path, sizeof path, "%s.crt", prefix);
	assert_int_equal(access(path, F_OK), -1); /* nothing written */
	leaf = (struct pki_leaf){PKI_HOST, "localhost", NULL, 0, 30, NOW};
	assert_int_equal(host_pki_issue(&env, "cli:test", &leaf, prefix, &c), HOST_OK);
	assert_int_equal(host_pki_issue(&env, "cli:test", &leaf, prefix, &c), HOST_EFAILED);
	assert_int_equal(host_pki_revoke(&env, "cli:test", "00", PKI_SUPERSEDED, NOW, &c),
	                 HOST_EFAILED);
	assert_int_equal(host_pki_revoke(&env, "cli:test", c.serial, PKI_SUPERSEDED, NOW, &c),
	                 HOST_OK);
	assert_int_equal(host_pki_revoke(&env, "cli:test", c.serial, PKI_SUPERSEDED, NOW, &c),
	                 HOST_EFAILED);
	assert_string_equal(host_pki_state(&c, NOW), "revoked");
	assert_int_equal(
	    store_audit_list(env.data.store, &(struct store_audit_filter){0}, count, &audits),
	    STORE_OK);
	assert_int_equal(audits, 3);
	assert_int_equal(store_pki_ca_get(env.data.store, &row), STORE_OK);
	assert_int_equal(row.crl_number, 2);
	assert_int_equal(host_datadir_key(&env.data, "pki.ca", &spec, &k), 0);
	assert_int_equal(hsm_data_decrypt(env.data.hsm, &k, (const uint8_t *)"pki.ca", 6, row.key,
	                                  row.key_len, der, sizeof der, &der_len),
	                 HSM_OK);
	host_env_close(&env);
	/* The store keeps only the sealed key: not its bytes in the clear, nor any PEM key. */
	snprintf(path, sizeof path, "%s/possum.db", dir);
	assert_false(file_has(path, der, der_len));
	assert_false(file_has(path, "PRIVATE KEY", 11));
	snprintf(path, sizeof path, "%s/possum.db-wal", dir);
	assert_true(access(path, F_OK) != 0 || !file_has(path, der, der_len));
	snprintf(path, sizeof path, "%s/pki/ca.crt", dir);
	assert_true(key_matches(path, der, der_len));
	crypto_wipe(der, sizeof der);
	snprintf(path, sizeof path, "%s/pki/crl.pem", dir);
	assert_true(file_has(path, "BEGIN X509 CRL", 14));
	printf("data directory: unknown SN refused, CA once, %d audit entries, no clear key\n",
	       audits);
	assert_int_equal(system((snprintf(path, sizeof path, "rm -rf '%s'", dir), path)), 0);
}

/* ---- [http] tls_cert and tls_key (host/config.c) ---- */

/* Writes len bytes at data to dir/name; the path into out. */
static void put(const char *dir, const char *name, const char *data, size_t len, char out[128])
{
	snprintf(out, 128, "%s/%s", dir, name);
	assert_int_equal(file_write_atomic(out, data, len), 0);
}

/* Loads the configuration "[http]\n" text from dir/possum.conf: its code, its error in err. */
static int load(const char *dir, const char *text, struct host_config *cfg, char err[256])
{
	char path[128], conf[512];
	int n = snprintf(conf, sizeof conf, "[http]\n%s", text);

	put(dir, "possum.conf", conf, (size_t)n, path);
	host_config_defaults(cfg);
	return host_config_load(path, cfg, err, 256);
}

static void http_tls_config(void **state)
{
	struct fx *x = *state;
	struct pki_leaf leaf = {PKI_HOST, "localhost", NULL, 0, 30, NOW};
	struct pki_issued a, b;
	struct host_config cfg;
	char dir[] = "/tmp/test_pki_conf.XXXXXX", path[128], err[256];
	static const struct {
		const char *text, *why;
	} bad[] = {
	    {"tls_cert = a.crt\n", "line 2: [http] tls_cert without tls_key"},
	    {"tls_key = a.key\n", "line 2: [http] tls_key without tls_cert"},
	    {"tls_cert = a.crt\ntls_key = none.key\n", "line 3: [http] tls_key: cannot read"},
	    {"tls_cert = a.crt\ntls_key = b.key\n", "line 3: [http] tls_key: "},
	    {"tls_cert = a.key\ntls_key = a.key\n", "line 2: [http] tls_cert: "},
	};

	assert_non_null(mkdtemp(dir));
	assert_int_equal(pki_issue(&x->ca, &leaf, &a), CRYPTO_OK);
	assert_int_equal(pki_issue(&x->ca, &leaf, &b), CRYPTO_OK);
	put(dir, "a.crt", a.cert_pem, strlen(a.cert_pem), path);
	put(dir, "a.key", a.key_pem, a.key_len, path);
	put(dir, "b.key", b.key_pem, b.key_len, path);
	assert_int_equal(load(dir, "tls_cert = a.crt\ntls_key = a.key\n", &cfg, err),
	                 HOST_CONFIG_OK);
	assert_string_equal(cfg.http.tls_cert, a.cert_pem);
	assert_string_equal(cfg.http.tls_key, a.key_pem);
	host_config_free(&cfg);
	assert_null(cfg.http.tls_key);
	assert_int_equal(load(dir, "secure_cookies = no\n", &cfg, err), HOST_CONFIG_OK);
	assert_null(cfg.http.tls_cert);
	host_config_free(&cfg);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(load(dir, bad[i].text, &cfg, err), HOST_CONFIG_EPARSE);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("%s: %s", bad[i].text, err);
		host_config_free(&cfg);
	}
	pki_issued_free(&a);
	pki_issued_free(&b);
	printf("[http] TLS: a pair taken, %zu configurations refused with their line\n",
	       sizeof bad / sizeof bad[0]);
	assert_int_equal(system((snprintf(path, sizeof path, "rm -rf '%s'", dir), path)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(ca_is_a_ca, setup, teardown),
	    cmocka_unit_test_setup_teardown(host_certificate_verifies, setup, teardown),
	    cmocka_unit_test_setup_teardown(terminal_certificate_verifies, setup, teardown),
	    cmocka_unit_test_setup_teardown(revoked_refused_by_crl, setup, teardown),
	    cmocka_unit_test_setup_teardown(bad_inputs_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(pair_of_another_key_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(http_tls_config, setup, teardown),
	    cmocka_unit_test(data_directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
