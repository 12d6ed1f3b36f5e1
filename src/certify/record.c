/* record.c — the device certificates (docs/certify.md "Certificates"): a run's, recorded in the
 * acquirer's store when every case passed and the model and version were named, with the
 * SHA-256 of its JSON report; the list; a revocation. Each change is written with its audit
 * entry ("certify.record", "certify.revoke" on "certificate:ID") in one transaction. */
#include "certify/internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "audit/audit.h"
#include "common/hex.h"
#include "common/jsonval.h"
#include "common/text.h"

#define ID_RANDOM 6 /* bytes of an id's random part: 12 hex digits after "CERT-" */
#define ID_TRIES  4 /* ids drawn before giving up on one not taken */

typedef struct store_certify_cert cert;

static int from_store(int rc)
{
	return rc == STORE_OK          ? CERTIFY_OK
	       : rc == STORE_ENOTFOUND ? CERTIFY_ENOTFOUND
	       : rc == STORE_EARG      ? CERTIFY_EARG
	                               : CERTIFY_ESTORE;
}

json_t *certify_cert_json(const cert *c, int utc_offset)
{
	bool revoked = c->revoked_at != 0;

	return json_pack(
	    "{s:s, s:s, s:s, s:s, s:i, s:o, s:s, s:s, s:o, s:o, s:o}", "id", c->id, "model",
	    c->model, "version", c->version, "suite", c->suite, "passed_cases", c->passed_cases,
	    "issued", jsonval_time(c->issued_at, utc_offset), "issued_by", c->issued_by,
	    "report_sha256", c->report_sha256, "revoked", jsonval_time(c->revoked_at, utc_offset),
	    "revoked_by", revoked ? json_string(c->revoked_by) : json_null(), "revoke_reason",
	    revoked ? json_string(c->revoke_reason) : json_null());
}

/* The audit entry of a change of a certificate (before NULL: none), in the caller's
 * transaction. */
static int audit(store *s, const char *actor, const char *action, const cert *before,
                 const cert *after, int64_t now)
{
	char object[STORE_AUDIT_OBJECT_MAX];
	json_t *b = before != NULL ? certify_cert_json(before, 0) : NULL,
	       *a = certify_cert_json(after, 0);
	int rc;

	snprintf(object, sizeof object, "certificate:%s", after->id);
	if ((before != NULL && b == NULL) || a == NULL)
		rc = CERTIFY_ENOMEM;
	else
		rc = audit_record(s, actor, action, object, b, a, now) == AUDIT_OK ? CERTIFY_OK
		                                                                   : CERTIFY_ESTORE;
	json_decref(b);
	json_decref(a);
	return rc;
}

/* Ends the transaction of a change: committed when rc is CERTIFY_OK, else rolled back. */
static int end(store *s, int rc)
{
	if (rc != CERTIFY_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s) == STORE_OK ? CERTIFY_OK : CERTIFY_ESTORE;
}

/* The SHA-256 of r's JSON report (certify_report_write()), lower-case hex. */
static int report_sha256(const struct certify_result *r, char out[65])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (f == NULL)
		return CERTIFY_ENOMEM;
	rc = certify_report_write(r, CERTIFY_JSON, 0, f);
	if (fclose(f) != 0 && rc == CERTIFY_OK)
		rc = CERTIFY_EIO;
	if (rc == CERTIFY_OK && EVP_Digest(text, len, md, &md_len, EVP_sha256(), NULL) != 1)
		rc = CERTIFY_ENOMEM;
	if (rc == CERTIFY_OK) {
		hex_encode(md, md_len, out, 65);
		for (char *p = out; *p != '\0'; p++)
			*p = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
	}
	free(text);
	return rc;
}

/* A new id: "CERT-" and 12 upper-case hex digits. */
static int new_id(char out[STORE_CERTIFY_ID_MAX])
{
	uint8_t b[ID_RANDOM];

	if (RAND_bytes(b, sizeof b) != 1)
		return CERTIFY_ENOMEM;
	memcpy(out, "CERT-", 5);
	hex_encode(b, sizeof b, out + 5, STORE_CERTIFY_ID_MAX - 5);
	return CERTIFY_OK;
}

/* One try at recording c under a new id: CERTIFY_OK, or STORE_EEXIST's try again as
 * CERTIFY_ENOTFOUND (the id taken), or the failure. */
static int record_once(store *s, struct certify_result *r, cert *c, const char *actor)
{
	int rc;

	if ((rc = new_id(c->id)) != CERTIFY_OK)
		return rc;
	snprintf(r->certificate, sizeof r->certificate, "%s", c->id);
	if ((rc = report_sha256(r, c->report_sha256)) != CERTIFY_OK)
		return rc;
	if (store_begin(s) != STORE_OK)
		return CERTIFY_ESTORE;
	if ((rc = store_certify_add(s, c)) == STORE_EEXIST) {
		store_rollback(s);
		return CERTIFY_ENOTFOUND;
	}
	if ((rc = from_store(rc)) == CERTIFY_OK)
		rc = audit(s, actor, "certify.record", NULL, c, c->issued_at);
	return end(s, rc);
}

int certify_record(store *s, struct certify_result *r, const char *actor, char *id)
{
	cert c = {0};
	int rc = CERTIFY_ENOTFOUND;

	if (s == NULL || r == NULL || r->suite == NULL || !certify_complete(r) ||
	    r->model[0] == '\0' || r->version[0] == '\0' ||
	    !text_is_line(actor, STORE_CERTIFY_ACTOR_MAX - 1))
		return CERTIFY_EARG;
	snprintf(c.model, sizeof c.model, "%s", r->model);
	snprintf(c.version, sizeof c.version, "%s", r->version);
	snprintf(c.suite, sizeof c.suite, "%s", r->suite->name);
	snprintf(c.issued_by, sizeof c.issued_by, "%s", actor);
	c.issued_at = (int64_t)time(NULL);
	for (size_t i = 0; i < r->n_cases; i++)
		c.passed_cases += r->cases[i].run && r->cases[i].passed;
	for (int k = 0; k < ID_TRIES && rc == CERTIFY_ENOTFOUND; k++)
		rc = record_once(s, r, &c, actor);
	if (rc != CERTIFY_OK) {
		r->certificate[0] = '\0';
		return rc == CERTIFY_ENOTFOUND ? CERTIFY_ESTORE : rc;
	}
	if (id != NULL)
		snprintf(id, STORE_CERTIFY_ID_MAX, "%s", c.id);
	return CERTIFY_OK;
}

int certify_list(store *s, const char *model, bool all,
                 int (*fn)(void *ctx, const struct store_certify_cert *c), void *ctx)
{
	struct store_certify_filter f = {model, all};
	int rc;

	if (s == NULL || fn == NULL)
		return CERTIFY_EARG;
	rc = store_certify_list(s, &f, fn, ctx);
	return rc > 0 ? rc : from_store(rc);
}

int certify_revoke(store *s, const char *id, const char *reason, const char *actor, int64_t now,
                   cert *out)
{
	cert before, after;
	int rc;

	if (s == NULL || !text_is_line(id, STORE_CERTIFY_ID_MAX - 1) ||
	    !text_is_line(reason, STORE_CERTIFY_REASON_MAX - 1) ||
	    !text_is_line(actor, STORE_CERTIFY_ACTOR_MAX - 1))
		return CERTIFY_EARG;
	if (store_begin(s) != STORE_OK)
		return CERTIFY_ESTORE;
	if ((rc = from_store(store_certify_get(s, id, &before))) != CERTIFY_OK)
		return end(s, rc);
	after = before;
	if (before.revoked_at != 0) {
		rc = CERTIFY_EREVOKED;
		goto out;
	}
	after.revoked_at = now;
	snprintf(after.revoked_by, sizeof after.revoked_by, "%s", actor);
	snprintf(after.revoke_reason, sizeof after.revoke_reason, "%s", reason);
	if ((rc = from_store(store_certify_revoke(s, &after))) == CERTIFY_OK)
		rc = audit(s, actor, "certify.revoke", &before, &after, now);
out:
	if (out != NULL)
		*out = rc == CERTIFY_OK ? after : before;
	return end(s, rc);
}
