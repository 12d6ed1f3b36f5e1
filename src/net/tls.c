/* tls.c — TLS contexts (net.h): OpenSSL's SSL_CTX made from PEM files, the checks a server
 * makes of its clients (a CA, a CRL, pinned fingerprints) and a client of its server, and
 * why a handshake failed, in words. The private key is read by OpenSSL into the context and
 * freed (wiped) with it; nothing here copies or logs it. */
#include "net/internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

struct net_tls {
	SSL_CTX *ctx;
	bool server, has_ca;
	size_t npins;
	char pins[NET_TLS_PINS_MAX][65];
};

int net_tls_pin_parse(const char *text, char out[65])
{
	size_t n = 0;

	if (strncmp(text, "sha256:", 7) != 0)
		return NET_EARG;
	for (const char *p = text + 7; *p != '\0'; p++) {
		if (*p == ':' && n % 2 == 0 && n > 0 && p[1] != '\0')
			continue;
		if (!isxdigit((unsigned char)*p) || n == 64)
			return NET_EARG;
		out[n++] = (char)tolower((unsigned char)*p);
	}
	out[n] = '\0';
	return n == 64 ? NET_OK : NET_EARG;
}

/* The leaf's SHA-256 fingerprint and common name into c. */
static void cert_info(X509 *x, struct net_peer_cert *c)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	c->cn[0] = c->sha256[0] = '\0';
	if (X509_digest(x, EVP_sha256(), md, &n) == 1)
		for (unsigned i = 0; i < n && i < 32; i++)
			snprintf(c->sha256 + 2 * i, 3, "%02x", md[i]);
	if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, c->cn,
	                              sizeof c->cn) < 0)
		c->cn[0] = '\0';
}

/* The server's check of each certificate of a client's chain: with pins, the leaf must be
 * listed (and its chain need not verify unless a CA is also given). */
static int verify_cb(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
	const net_tls *t = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	struct net_tls_conn *tc = SSL_get_app_data(ssl);
	int depth = X509_STORE_CTX_get_error_depth(store);
	bool listed = false;

	if (t->npins == 0)
		return ok;
	if (depth > 0)
		return t->has_ca ? ok : 1;
	cert_info(X509_STORE_CTX_get_current_cert(store), &tc->cert);
	for (size_t i = 0; i < t->npins; i++)
		listed = listed || strcmp(t->pins[i], tc->cert.sha256) == 0;
	if (!listed) {
		X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
		return 0;
	}
	if (!t->has_ca) {
		X509_STORE_CTX_set_error(store, X509_V_OK);
		return 1;
	}
	return ok;
}

/* A client's new session (TLS 1.3: sent once the server has taken our certificate). */
static int on_session(SSL *ssl, SSL_SESSION *sess)
{
	struct net_tls_conn *tc = SSL_get_app_data(ssl);

	(void)sess;
	if (tc != NULL)
		tc->ticket = true;
	return 0; /* not kept */
}

/* OpenSSL's last error as words into why after what. */
static int fail(char *why, size_t cap, const char *what, const char *file)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;

	snprintf(why, cap, "%s %s: %s", what, file, r != NULL ? r : "not readable");
	ERR_clear_error();
	return NET_ETLS;
}

static int load_crl(net_tls *t, const char *crl, char *why, size_t cap)
{
	X509_STORE *st = SSL_CTX_get_cert_store(t->ctx);
	X509_LOOKUP *lk = X509_STORE_add_lookup(st, X509_LOOKUP_file());

	if (lk == NULL || X509_load_crl_file(lk, crl, X509_FILETYPE_PEM) <= 0)
		return fail(why, cap, "cannot read the CRL", crl);
	X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK);
	return NET_OK;
}

/* Own certificate and key, the trust anchors and the checks. */
static int load_files(net_tls *t, const struct net_tls_config *cfg, char *why, size_t cap)
{
	int mode = SSL_VERIFY_PEER;

	if (cfg->cert != NULL && SSL_CTX_use_certificate_chain_file(t->ctx, cfg->cert) != 1)
		return fail(why, cap, "cannot read the certificate", cfg->cert);
	if (cfg->key != NULL &&
	    (SSL_CTX_use_PrivateKey_file(t->ctx, cfg->key, SSL_FILETYPE_PEM) != 1 ||
	     SSL_CTX_check_private_key(t->ctx) != 1))
		return fail(why, cap, "cannot use the key", cfg->key);
	if (cfg->ca != NULL) {
		if (SSL_CTX_load_verify_locations(t->ctx, cfg->ca, NULL) != 1)
			return fail(why, cap, "cannot read the CA certificate", cfg->ca);
		if (cfg->server)
			SSL_CTX_set_client_CA_list(t->ctx, SSL_load_client_CA_file(cfg->ca));
	} else if (!cfg->server && SSL_CTX_set_default_verify_paths(t->ctx) != 1) {
		return fail(why, cap, "cannot read", "the system's trust store");
	}
	if (cfg->crl != NULL && load_crl(t, cfg->crl, why, cap) != NET_OK)
		return NET_ETLS;
	if (cfg->server && cfg->ca == NULL && cfg->npins == 0)
		mode = SSL_VERIFY_NONE;
	else if (cfg->server)
		mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
	SSL_CTX_set_verify(t->ctx, mode, cfg->server ? verify_cb : NULL);
	return NET_OK;
}

int net_tls_create(const struct net_tls_config *cfg, net_tls **out, char *why, size_t cap)
{
	net_tls *t;
	int rc = NET_ETLS;

	snprintf(why, cap, "%s", "");
	if ((cfg->server && (cfg->cert == NULL || cfg->key == NULL)) ||
	    (cfg->cert == NULL) != (cfg->key == NULL) || cfg->npins > NET_TLS_PINS_MAX) {
		snprintf(why, cap, "a certificate needs its key (and a server both)");
		return NET_EARG;
	}
	if ((t = calloc(1, sizeof *t)) == NULL)
		return NET_ENOMEM;
	t->server = cfg->server;
	t->has_ca = cfg->ca != NULL;
	for (size_t i = 0; i < cfg->npins; i++, t->npins++)
		if (net_tls_pin_parse(cfg->pins[i], t->pins[i]) != NET_OK) {
			snprintf(why, cap, "not sha256:HEX (64 hex digits): %.80s", cfg->pins[i]);
			rc = NET_EARG;
			goto out;
		}
	if ((t->ctx = SSL_CTX_new(cfg->server ? TLS_server_method() : TLS_client_method())) ==
	    NULL) {
		rc = NET_ENOMEM;
		goto out;
	}
	SSL_CTX_set_app_data(t->ctx, t);
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	if (!cfg->server) {
		SSL_CTX_set_session_cache_mode(t->ctx, SSL_SESS_CACHE_CLIENT);
		SSL_CTX_sess_set_new_cb(t->ctx, on_session);
	}
	if ((rc = load_files(t, cfg, why, cap)) != NET_OK)
		goto out;
	*out = t;
	return NET_OK;
out:
	net_tls_close(t);
	return rc;
}

void net_tls_close(net_tls *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

SSL *net_tls_ssl(net_tls *t, struct net_tls_conn *tc)
{
	SSL *ssl = SSL_new(t->ctx);

	if (ssl != NULL)
		SSL_set_app_data(ssl, tc);
	return ssl;
}

SSL *net_tls_ssl_mem(net_tls *t, struct net_tls_conn *tc, bool server, BIO **rbio, BIO **wbio)
{
	SSL *ssl = net_tls_ssl(t, tc);
	BIO *r = BIO_new(BIO_s_mem()), *w = BIO_new(BIO_s_mem());

	if (ssl == NULL || r == NULL || w == NULL) {
		SSL_free(ssl);
		BIO_free(r);
		BIO_free(w);
		return NULL;
	}
	SSL_set_bio(ssl, r, w);
	if (server)
		SSL_set_accept_state(ssl);
	else
		SSL_set_connect_state(ssl);
	*rbio = r;
	*wbio = w;
	return ssl;
}

int net_tls_set_name(SSL *ssl, const char *name)
{
	unsigned char addr[16];

	if (inet_pton(AF_INET, name, addr) == 1 || inet_pton(AF_INET6, name, addr) == 1)
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1 ? 0 : -1;
	if (SSL_set_tlsext_host_name(ssl, name) != 1)
		return -1;
	return SSL_set1_host(ssl, name) == 1 ? 0 : -1;
}

bool net_tls_peer(SSL *ssl, struct net_tls_conn *tc)
{
	X509 *x = SSL_get0_peer_certificate(ssl);

	tc->has_cert = x != NULL;
	if (x != NULL)
		cert_info(x, &tc->cert);
	return tc->has_cert;
}

/* A verification's result in words: of the peer's certificate. */
static const char *verify_words(long v)
{
	switch (v) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_UNTRUSTED:
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
		return "certificate not trusted (not issued by the CA given)";
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		return "name mismatch (the certificate is for another host name or address)";
	case X509_V_ERR_CERT_REVOKED:
		return "certificate revoked";
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return "certificate expired";
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return "certificate not yet valid";
	case X509_V_ERR_UNABLE_TO_GET_CRL:
		return "no CRL from the certificate's issuer";
	case X509_V_ERR_CERT_REJECTED:
		return "certificate not pinned (its fingerprint is not listed)";
	case X509_V_ERR_INVALID_PURPOSE:
		return "certificate not for this use (extended key usage)";
	default:
		return X509_verify_cert_error_string(v);
	}
}

/* What the peer's alert says of our certificate, or of the handshake. */
static const char *alert_words(int reason, bool server)
{
	switch (reason) {
	case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
	case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
		return server ? "no client certificate (one is required)"
		              : "the host requires a client certificate (--tls-cert, --tls-key)";
	case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
		return "the host refused this terminal's certificate: revoked";
	case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
		return "the host refused this terminal's certificate: not issued by a CA it trusts";
	case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
	case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
	case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
		return "the host refused this terminal's certificate";
	case SSL_R_WRONG_VERSION_NUMBER:
	case SSL_R_HTTP_REQUEST:
	case SSL_R_UNEXPECTED_EOF_WHILE_READING:
		return server ? "not TLS (a clear client on the TLS port?)"
		              : "the host does not speak TLS there, or closed the connection";
	default:
		return NULL;
	}
}

void net_tls_why(SSL *ssl, int ret, bool server, char *why, size_t cap)
{
	long v = SSL_get_verify_result(ssl);
	unsigned long e = ERR_peek_last_error();
	const char *words = NULL;

	if (v != X509_V_OK)
		words = verify_words(v);
	else if (e != 0)
		words = alert_words(ERR_GET_REASON(e), server);
	if (words == NULL && e != 0)
		words = ERR_reason_error_string(e);
	if (words == NULL)
		words = SSL_get_error(ssl, ret) == SSL_ERROR_SYSCALL || ret == 0
		            ? (server ? "the client closed the connection"
		                      : "the host closed the connection during the handshake")
		            : "handshake failed";
	snprintf(why, cap, "TLS: %s", words);
	ERR_clear_error();
}
