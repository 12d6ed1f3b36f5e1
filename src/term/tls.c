/* tls.c — how the terminal reaches its host: over TCP, or TLS as `possum term init --tls` set
 * it up, its settings kept in the state's meta table (file paths and a name, never a key). */
#include "term/internal.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"

/* The settings' names in the state, and where term keeps each. */
static const struct {
	const char *name;
	size_t offset;
} settings[] = {
    {"term.tls_ca", offsetof(struct term, tls_ca)},
    {"term.tls_cert", offsetof(struct term, tls_cert)},
    {"term.tls_key", offsetof(struct term, tls_key)},
    {"term.tls_name", offsetof(struct term, tls_name)},
};

int term_tls_setup(store *s, const struct term_tls *tls)
{
	const char *values[] = {tls->ca, tls->cert, tls->key, tls->name};
	int rc;

	if ((tls->cert == NULL) != (tls->key == NULL) ||
	    (!tls->on && (tls->ca || tls->cert || tls->name)))
		return TERM_EARG;
	for (size_t i = 0; i < 4; i++)
		if (values[i] != NULL &&
		    (values[i][0] == '\0' || strlen(values[i]) > STORE_VALUE_MAX))
			return TERM_EARG;
	rc = store_meta_set(s, "term.tls", tls->on ? "yes" : "no");
	for (size_t i = 0; i < 4 && rc == STORE_OK; i++)
		rc = store_meta_set(s, settings[i].name, values[i] ? values[i] : "");
	return rc == STORE_OK ? TERM_OK : TERM_ESTORE;
}

int term_tls_load(term *t)
{
	char on[8] = "";
	int rc = store_meta_get(t->s, "term.tls", on, sizeof on);

	if (rc == STORE_ENOTFOUND)
		return TERM_OK;
	if (rc != STORE_OK)
		return TERM_ESTORE;
	t->tls = strcmp(on, "yes") == 0;
	for (size_t i = 0; i < 4 && t->tls; i++) {
		char *v = (char *)t + settings[i].offset;

		if ((rc = store_meta_get(t->s, settings[i].name, v, STORE_VALUE_MAX + 1)) !=
		        STORE_OK &&
		    rc != STORE_ENOTFOUND)
			return TERM_ESTORE;
	}
	return TERM_OK;
}

/* A path of t's settings, or NULL when none is kept. */
static const char *opt(const char *v)
{
	return v[0] != '\0' ? v : NULL;
}

int term_connect(term *t)
{
	char why[200], hosts[TERM_HOSTS][256];
	size_t n;
	int connect_ms, rc = NET_EARG;

	if (t->tls && t->tls_ctx == NULL &&
	    net_tls_create(&(struct net_tls_config){.ca = opt(t->tls_ca),
	                                            .cert = opt(t->tls_cert),
	                                            .key = opt(t->tls_key)},
	                   &t->tls_ctx, why, sizeof why) != NET_OK) {
		snprintf(t->unreachable, sizeof t->unreachable, "TLS: %s", why);
		return TERM_ECONNECT;
	}
	term_held_hosts(t, hosts, &n, &connect_ms);
	/* The primary, then the backup when the primary does not answer. */
	for (size_t i = 0; i < n && rc != NET_OK; i++) {
		t->unreachable[0] = '\0';
		rc = net_client_connect_tls(hosts[i], connect_ms, t->tls_ctx, opt(t->tls_name),
		                            &t->c, t->unreachable, sizeof t->unreachable);
	}
	if (rc != NET_OK) {
		if (t->unreachable[0] == '\0')
			snprintf(t->unreachable, sizeof t->unreachable, "cannot connect");
		t->c = NULL;
		return TERM_ECONNECT;
	}
	return TERM_OK;
}
