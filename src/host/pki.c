/* pki.c — `possum admin pki`'s work (pki.h): the CA made, its key sealed under the HSM data key
 * pki.ca and kept in the store, certificates issued and revoked, each change with its audit
 * entry in the change's transaction, and the files written: DATA/pki/ca.crt, DATA/pki/crl.pem,
 * the leaf's PREFIX.crt and PREFIX.key. A file is written before the commit and removed when
 * the commit fails, so that no certificate is handed out that the store does not record (but
 * for a revocation's CRL: see host_pki_revoke()). */
#include "host/pki.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "common/file.h"
#include "common/jsonval.h"
#include "crypto/crypto.h"

static const struct hsm_key_spec ca_key_spec = {"D0", HSM_AES, 32, 'B', 'N'};
static const char ca_key_name[] = "pki.ca";
#define CA_AAD     ((const uint8_t *)"pki.ca")
#define CA_AAD_LEN 6

/* What a command works with: its environment, the paths of the CA's files, the CA once read
 * (its key unsealed into key, which is wiped). */
struct pki_work {
	struct host_env *env;
	const char *actor;
	char ca_crt[4200], crl[4200];
	struct store_pki_ca row;
	uint8_t key[STORE_PKI_KEY_MAX];
	size_t key_len;
};

static void work_open(struct pki_work *w, struct host_env *env, const char *actor)
{
	const char *dir = env->data.dir;

	memset(w, 0, sizeof *w);
	w->env = env;
	w->actor = actor;
	snprintf(w->ca_crt, sizeof w->ca_crt, "%s/pki/ca.crt", dir);
	snprintf(w->crl, sizeof w->crl, "%s/pki/crl.pem", dir);
}

static void work_close(struct pki_work *w)
{
	crypto_wipe(w->key, sizeof w->key);
	crypto_wipe(&w->row.key, sizeof w->row.key);
}

static int say(struct pki_work *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int say(struct pki_work *w, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = host_vsay(HOST_EFAILED, w->env->prog, fmt, ap);
	va_end(ap);
	return rc;
}

static int store_failed(struct pki_work *w, int rc)
{
	return host_say(HOST_EFAILED, w->env->prog, "the store: %s: %s", store_strerror(rc),
	                store_errmsg(w->env->data.store));
}

/* Seals or unseals the CA's key under pki.ca. */
static int ca_key_seal(struct pki_work *w, bool seal, const uint8_t *in, size_t len, uint8_t *out,
                       size_t cap, size_t *out_len)
{
	hsm_key key;
	int rc = host_datadir_key(&w->env->data, ca_key_name, &ca_key_spec, &key);

	if (rc == 0)
		rc = seal ? hsm_data_encrypt(w->env->data.hsm, &key, CA_AAD, CA_AAD_LEN, in, len,
		                             out, cap, out_len)
		          : hsm_data_decrypt(w->env->data.hsm, &key, CA_AAD, CA_AAD_LEN, in, len,
		                             out, cap, out_len);
	crypto_wipe(&key, sizeof key);
	if (rc != HSM_OK)
		return host_say(HOST_EFAILED, w->env->prog, "the CA's key (HSM key %s): %s",
		                ca_key_name, hsm_strerror(rc));
	return HOST_OK;
}

/* Reads the CA and unseals its key: there must be one. */
static int ca_read(struct pki_work *w, struct pki_ca *ca)
{
	int rc = store_pki_ca_get(w->env->data.store, &w->row);

	if (rc == STORE_ENOTFOUND)
		return say(w, "%s", "no CA: make one with `possum admin pki init`");
	if (rc != STORE_OK)
		return store_failed(w, rc);
	if ((rc = ca_key_seal(w, false, w->row.key, w->row.key_len, w->key, sizeof w->key,
	                      &w->key_len)) != HOST_OK)
		return rc;
	*ca = (struct pki_ca){w->row.cert, w->key, w->key_len};
	return HOST_OK;
}

/* Writes len bytes at data to path whole (mode mode). */
static int write_file(struct pki_work *w, const char *path, const char *data, size_t len,
                      mode_t mode)
{
	if (file_write_atomic(path, data, len) != 0 || chmod(path, mode) != 0)
		return host_say(HOST_EFAILED, w->env->prog, "%s: %s", path, strerror(errno));
	return HOST_OK;
}

/* The audit entry of action on object: the certificate's row before (NULL: none) and after. */
static int audit(struct pki_work *w, const char *action, const char *object,
                 const struct store_pki_cert *before, const struct store_pki_cert *after,
                 int64_t now)
{
	int offset = w->env->cfg.utc_offset;
	json_t *b = before != NULL ? host_pki_cert_json(before, now, offset) : NULL;
	json_t *a = host_pki_cert_json(after, now, offset);
	int rc = a != NULL && (before == NULL || b != NULL)
	             ? audit_record(w->env->data.store, w->actor, action, object, b, a, now)
	             : AUDIT_ESTORE;

	json_decref(a);
	json_decref(b);
	if (rc != AUDIT_OK)
		return say(w, "the audit log: %s", audit_strerror(rc));
	return HOST_OK;
}

/* The CRL of every revoked certificate, numbered by the store, written to DATA/pki/crl.pem. */
static int write_crl(struct pki_work *w, const struct pki_ca *ca, int64_t now);

/* Commits, or rolls back when rc says the work failed; the files written are removed when the
 * work is not committed. */
static int finish(struct pki_work *w, int rc, const char *const *files, size_t n)
{
	store *s = w->env->data.store;
	int src;

	if (rc == HOST_OK && (src = store_commit(s)) != STORE_OK)
		rc = store_failed(w, src);
	else if (rc != HOST_OK)
		store_rollback(s);
	for (size_t i = 0; rc != HOST_OK && i < n; i++)
		if (files[i] != NULL)
			unlink(files[i]);
	work_close(w);
	return rc;
}

int host_pki_init(struct host_env *env, const char *actor, const char *name, int days, int64_t now,
                  struct store_pki_cert *out)
{
	struct pki_work w;
	struct pki_ca ca;
	char *cert = NULL, dir[4200];
	uint8_t *der = NULL;
	size_t der_len = 0;
	const char *files[2] = {NULL, NULL};
	int rc;

	memset(out, 0, sizeof *out);
	work_open(&w, env, actor);
	if ((rc = store_begin(env->data.store)) != STORE_OK)
		return store_failed(&w, rc);
	if ((rc = store_pki_ca_get(env->data.store, &w.row)) != STORE_ENOTFOUND) {
		rc = rc == STORE_OK ? say(&w,
		                          "a CA exists already (%s): docs/pki.md says how to "
		                          "start over",
		                          w.ca_crt)
		                    : store_failed(&w, rc);
		return finish(&w, rc, files, 0);
	}
	if ((rc = pki_ca_make(name, days, now, out->serial, &cert, &der, &der_len)) != CRYPTO_OK) {
		rc = say(&w, "making the CA: %s", crypto_strerror(rc));
		goto out;
	}
	snprintf(w.row.name, sizeof w.row.name, "%s", name);
	snprintf(w.row.cert, sizeof w.row.cert, "%s", cert);
	w.row.crl_number = 0;
	w.row.created_at = now;
	out->kind = 0;
	out->not_before = out->issued_at = now;
	out->not_after = now + (int64_t)days * 86400;
	snprintf(out->subject, sizeof out->subject, "%s", name);
	snprintf(dir, sizeof dir, "%s/pki", env->data.dir);
	if ((rc = ca_key_seal(&w, true, der, der_len, w.row.key, sizeof w.row.key,
	                      &w.row.key_len)) != HOST_OK)
		goto out;
	if ((rc = store_pki_ca_insert(env->data.store, &w.row)) != STORE_OK) {
		rc = store_failed(&w, rc);
		goto out;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		rc = say(&w, "%s: cannot make the directory", dir);
		goto out;
	}
	ca = (struct pki_ca){cert, der, der_len};
	files[0] = w.ca_crt;
	files[1] = w.crl;
	if ((rc = write_file(&w, w.ca_crt, cert, strlen(cert), 0644)) == HOST_OK &&
	    (rc = write_crl(&w, &ca, now)) == HOST_OK)
		rc = audit(&w, "pki.init", "pki:ca", NULL, out, now);
out:
	free(cert);
	if (der != NULL)
		crypto_wipe(der, der_len);
	free(der);
	return finish(&w, rc, files, 2);
}

/* The revoked certificates, gathered for the CRL. */
struct revoked_list {
	struct pki_revoked *v;
	char (*serials)[33];
	size_t n, cap;
};

/* Appends c to the list; 1 (the walk stopped) when out of memory. */
static int gather(void *arg, const struct store_pki_cert *c)
{
	struct revoked_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct pki_revoked *v = realloc(l->v, cap * sizeof *v);
		char(*s)[33];

		if (v == NULL)
			return 1;
		l->v = v;
		if ((s = realloc(l->serials, cap * sizeof *s)) == NULL)
			return 1;
		l->serials = s;
		l->cap = cap;
	}
	memcpy(l->serials[l->n], c->serial, sizeof l->serials[l->n]);
	l->v[l->n] = (struct pki_revoked){NULL, c->revoked_at, c->reason};
	l->n++;
	return 0;
}

static int write_crl(struct pki_work *w, const struct pki_ca *ca, int64_t now)
{
	struct revoked_list l = {0};
	char *crl = NULL;
	int64_t number;
	int rc;

	if ((rc = store_pki_crl_next(w->env->data.store, &number)) != STORE_OK ||
	    (rc = store_pki_cert_revoked(w->env->data.store, gather, &l)) != STORE_OK) {
		rc = rc < 0 ? store_failed(w, rc) : say(w, "%s", "out of memory");
		goto out;
	}
	for (size_t i = 0; i < l.n; i++)
		l.v[i].serial = l.serials[i];
	if ((rc = pki_crl(ca, l.v, l.n, number, now, HOST_PKI_CRL_DAYS, &crl)) != CRYPTO_OK) {
		rc = say(w, "the CRL: %s", crypto_strerror(rc));
		goto out;
	}
	rc = write_file(w, w->crl, crl, strlen(crl), 0644);
out:
	free(crl);
	free(l.v);
	free(l.serials);
	return rc;
}

/* Checks that neither of the leaf's files exists. */
static int leaf_paths(struct pki_work *w, const char *prefix, char *crt, char *key, size_t cap)
{
	if ((size_t)snprintf(crt, cap, "%s.crt", prefix) >= cap ||
	    (size_t)snprintf(key, cap, "%s.key", prefix) >= cap)
		return say(w, "%s: too long a prefix", prefix);
	if (access(crt, F_OK) == 0 || access(key, F_OK) == 0)
		return say(w, "%s.crt or .key exists already: give another --out", prefix);
	return HOST_OK;
}

int host_pki_issue(struct host_env *env, const char *actor, const struct pki_leaf *leaf,
                   const char *prefix, struct store_pki_cert *out)
{
	struct pki_work w;
	struct pki_ca ca;
	struct pki_issued got = {0};
	char crt[4200], key[4200], object[48];
	const char *files[2] = {NULL, NULL};
	int rc;

	work_open(&w, env, actor);
	if ((rc = leaf_paths(&w, prefix, crt, key, sizeof crt)) != HOST_OK)
		return rc;
	if ((rc = store_begin(env->data.store)) != STORE_OK)
		return store_failed(&w, rc);
	if ((rc = ca_read(&w, &ca)) != HOST_OK)
		goto out;
	if (leaf->kind == PKI_TERMINAL &&
	    (rc = store_pki_terminal_known(env->data.store, leaf->name)) != STORE_OK) {
		rc = rc == STORE_ENOTFOUND
		         ? say(&w, "no terminal of SN %s (possum admin terminal list)", leaf->name)
		         : store_failed(&w, rc);
		goto out;
	}
	if ((rc = pki_issue(&ca, leaf, &got)) != CRYPTO_OK) {
		rc = say(&w, "issuing: %s", crypto_strerror(rc));
		goto out;
	}
	*out = (struct store_pki_cert){.kind = leaf->kind,
	                               .not_before = got.not_before,
	                               .not_after = got.not_after,
	                               .issued_at = leaf->now};
	memcpy(out->serial, got.serial, sizeof out->serial);
	snprintf(out->subject, sizeof out->subject, "%s", leaf->name);
	snprintf(object, sizeof object, "cert:%s", out->serial);
	if ((rc = store_pki_cert_insert(env->data.store, out)) != STORE_OK) {
		rc = store_failed(&w, rc);
		goto out;
	}
	files[0] = crt;
	files[1] = key;
	if ((rc = write_file(&w, key, got.key_pem, got.key_len, 0600)) == HOST_OK &&
	    (rc = write_file(&w, crt, got.cert_pem, strlen(got.cert_pem), 0644)) == HOST_OK)
		rc = audit(&w, "pki.issue", object, NULL, out, leaf->now);
out:
	pki_issued_free(&got);
	return finish(&w, rc, files, 2);
}

/* serial in upper case into out, if it is 32 hex digits. */
static int serial_norm(const char *serial, char out[33])
{
	if (serial == NULL || strlen(serial) != 32 ||
	    strspn(serial, "0123456789abcdefABCDEF") != 32)
		return -1;
	for (size_t i = 0; i <= 32; i++)
		out[i] = (char)toupper((unsigned char)serial[i]);
	return 0;
}

int host_pki_revoke(struct host_env *env, const char *actor, const char *serial, int reason,
                    int64_t now, struct store_pki_cert *out)
{
	struct store_pki_cert before;
	struct pki_work w;
	struct pki_ca ca;
	char sn[33] = "", object[48];
	int rc;

	work_open(&w, env, actor);
	if (serial_norm(serial, sn) != 0)
		return say(&w, "%s: not a serial (32 hex digits)", serial);
	if ((rc = store_begin(env->data.store)) != STORE_OK)
		return store_failed(&w, rc);
	if ((rc = ca_read(&w, &ca)) != HOST_OK)
		goto out;
	if ((rc = store_pki_cert_get(env->data.store, sn, &before)) != STORE_OK) {
		rc = rc == STORE_ENOTFOUND ? say(&w, "no certificate of serial %s", sn)
		                           : store_failed(&w, rc);
		goto out;
	}
	if (before.revoked_at != 0) {
		rc = say(&w, "%s is revoked already", sn);
		goto out;
	}
	*out = before;
	out->revoked_at = now;
	out->reason = reason;
	snprintf(object, sizeof object, "cert:%s", sn);
	if ((rc = store_pki_cert_revoke(env->data.store, out)) != STORE_OK) {
		rc = store_failed(&w, rc);
		goto out;
	}
	/* A CRL written for a revocation whose commit then failed is kept: a CRL that lists a
	 * certificate the store still has in force is the safe side. */
	if ((rc = write_crl(&w, &ca, now)) == HOST_OK)
		rc = audit(&w, "pki.revoke", object, &before, out, now);
out:
	return finish(&w, rc, NULL, 0);
}

const char *host_pki_state(const struct store_pki_cert *c, int64_t now)
{
	if (c->revoked_at != 0)
		return "revoked";
	return now >= c->not_after ? "expired" : "valid";
}

json_t *host_pki_cert_json(const struct store_pki_cert *c, int64_t now, int utc_offset)
{
	const char *kind = pki_kind_name(c->kind);

	return json_pack(
	    "{s:s, s:o, s:s, s:o, s:o, s:s, s:o, s:o}", "serial", c->serial, "kind",
	    kind != NULL ? json_string(kind) : json_string("ca"), "subject", c->subject,
	    "not_before", jsonval_time(c->not_before, utc_offset), "not_after",
	    jsonval_time(c->not_after, utc_offset), "state", host_pki_state(c, now), "revoked_at",
	    jsonval_time(c->revoked_at, utc_offset), "reason",
	    c->revoked_at != 0 ? json_string(pki_reason_name(c->reason)) : json_null());
}
