/* internal.h — what the server and the client share of TLS (tls.c): a connection's SSL made
 * from a context, the peer's certificate read out, and why a handshake failed, in words. */
#ifndef POSSUM_NET_INTERNAL_H
#define POSSUM_NET_INTERNAL_H

#include <openssl/ssl.h>

#include "net/net.h"

/* What a connection's SSL carries for tls.c's callbacks (SSL_set_app_data). */
struct net_tls_conn {
	struct net_peer_cert cert; /* the peer's leaf as the verification saw it */
	bool has_cert;
	bool ticket; /* client: a session ticket came (TLS 1.3: the server took our certificate) */
};

/* A new SSL of t for one connection, its app data tc; NULL out of memory. */
SSL *net_tls_ssl(net_tls *t, struct net_tls_conn *tc);

/* net_tls_ssl() over two memory BIOs, owned by the SSL: *rbio takes the ciphertext read off
 * the socket, *wbio gives the ciphertext to write; in the server's (accept) or the client's
 * (connect) state. NULL out of memory. */
SSL *net_tls_ssl_mem(net_tls *t, struct net_tls_conn *tc, bool server, BIO **rbio, BIO **wbio);

/* The name a client's server must have in its certificate: an IP address checked as one, else
 * a host name (also sent as SNI). 0, or -1 (out of memory, a malformed name). */
int net_tls_set_name(SSL *ssl, const char *name);

/* Fills tc->cert from ssl's verified peer certificate; false when there is none. */
bool net_tls_peer(SSL *ssl, struct net_tls_conn *tc);

/* Why ssl's handshake failed (ret, what it returned), in words into why (capacity cap);
 * server: said of the client's certificate, client: of the server's. Clears OpenSSL's error
 * queue. */
void net_tls_why(SSL *ssl, int ret, bool server, char *why, size_t cap);

#endif
