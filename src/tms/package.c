/* package.c — software packages (tms.h "Software packages"): a file of a terminal model and
 * version stored in chunks, its SHA-256, its Ed25519 signature under the hsm's key; the
 * terminal's check of one; which package a terminal should install now; the order of
 * versions. */
#include "tms/internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/hex.h"
#include "common/jsonval.h"
#include "crypto/crypto.h"
#include "crypto/ed25519.h"
#include "crypto/mac.h"
#include "merchant/merchant.h"
#include "store/store_acquirer.h"

const struct hsm_key_spec tms_key_specs[1] = {{"S0", HSM_ED25519, 32, 'S', 'N'}};
const char *const tms_key_names[1] = {"tms.package"};

int tms_set_signer(tms *t, hsm *h, const hsm_key *key)
{
	if (t == NULL || h == NULL || key == NULL)
		return TMS_EARG;
	t->h = h;
	t->sign = *key;
	return TMS_OK;
}

bool tms_version_ok(const char *v)
{
	size_t n = v != NULL ? strlen(v) : 0;

	return n >= 1 && n <= TMS_VERSION_MAX &&
	       strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* The run that starts at *p — digits, or bytes that are not — its length, *p moved past it. */
static size_t next_run(const char **p, bool *digits)
{
	const char *start = *p;

	*digits = **p >= '0' && **p <= '9';
	while (**p != '\0' && (**p >= '0' && **p <= '9') == *digits)
		(*p)++;
	return (size_t)(*p - start);
}

/* Two runs of digits as numbers (their leading zeros skipped: the longer is the larger, then
 * digit by digit); anything else byte by byte, a run that begins the other first. */
static int run_cmp(const char *a, size_t na, const char *b, size_t nb, bool numbers)
{
	int c;

	if (numbers) {
		for (; na > 1 && *a == '0'; a++, na--)
			;
		for (; nb > 1 && *b == '0'; b++, nb--)
			;
		if (na != nb)
			return na < nb ? -1 : 1;
	}
	if ((c = memcmp(a, b, na < nb ? na : nb)) != 0)
		return c < 0 ? -1 : 1;
	return na == nb ? 0 : na < nb ? -1 : 1;
}

int tms_version_cmp(const char *a, const char *b)
{
	assert(a != NULL && b != NULL);
	while (*a != '\0' && *b != '\0') {
		const char *ra = a, *rb = b;
		bool da, db;
		size_t na = next_run(&a, &da), nb = next_run(&b, &db);
		int c = run_cmp(ra, na, rb, nb, da && db);

		if (c != 0)
			return c;
	}
	/* One is the other followed by more: "1.0" before "1.0.1". */
	return *a == *b ? 0 : *a == '\0' ? -1 : 1;
}

/* The text a package's signature covers: "possum-pkg-v1\0" model "\0" version "\0" sha256. */
static size_t
signed_text(const char *model, const char *version, const uint8_t sha[32],
            uint8_t out[sizeof TMS_PACKAGE_MAGIC + TMS_MODEL_MAX + TMS_VERSION_MAX + 34])
{
	size_t at = 0, m = strlen(model), v = strlen(version);

	assert(m <= TMS_MODEL_MAX && v <= TMS_VERSION_MAX);
	memcpy(out, TMS_PACKAGE_MAGIC, sizeof TMS_PACKAGE_MAGIC); /* with its NUL */
	at = sizeof TMS_PACKAGE_MAGIC;
	memcpy(out + at, model, m + 1);
	at += m + 1;
	memcpy(out + at, version, v + 1);
	at += v + 1;
	memcpy(out + at, sha, 32);
	return at + 32;
}

static int sha256(const uint8_t *data, size_t len, uint8_t out[32])
{
	unsigned n = 0;

	return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 && n == 32 ? TMS_OK
	                                                                          : TMS_ENOMEM;
}

int tms_package_hash_check(const uint8_t *data, size_t len, const uint8_t announced[32])
{
	uint8_t sha[32];
	int rc;

	if ((data == NULL && len > 0) || announced == NULL)
		return TMS_EARG;
	if ((rc = sha256(data != NULL ? data : (const uint8_t *)"", len, sha)) != TMS_OK)
		return rc;
	return crypto_mac_equal(sha, announced, sizeof sha) == CRYPTO_OK ? TMS_OK : TMS_EVERIFY;
}

int tms_package_verify(const uint8_t *pub, size_t publen, const char *model, const char *version,
                       const uint8_t *data, size_t len, const uint8_t sig[TMS_SIG_LEN])
{
	uint8_t sha[32], text[sizeof TMS_PACKAGE_MAGIC + TMS_MODEL_MAX + TMS_VERSION_MAX + 34];
	size_t n;
	int rc;

	if (pub == NULL || publen != TMS_PUB_LEN || model == NULL ||
	    strlen(model) > TMS_MODEL_MAX || version == NULL || strlen(version) > TMS_VERSION_MAX ||
	    (data == NULL && len > 0) || sig == NULL)
		return TMS_EARG;
	if ((rc = sha256(data != NULL ? data : (const uint8_t *)"", len, sha)) != TMS_OK)
		return rc;
	n = signed_text(model, version, sha, text);
	/* A public key OpenSSL does not take verifies nothing either: refused all the same. */
	return crypto_ed25519_verify(pub, text, n, sig) == CRYPTO_OK ? TMS_OK : TMS_EVERIFY;
}

int tms_package_key(tms *t, uint8_t pub[TMS_PUB_LEN])
{
	if (t->h == NULL)
		return TMS_ENOKEY;
	return hsm_ed25519_public(t->h, &t->sign, pub) == HSM_OK ? TMS_OK : TMS_EHSM;
}

/* ---- rows ---- */

static void to_row(const struct tms_package *p, struct store_tms_package *r)
{
	memset(r, 0, sizeof *r);
	r->id = p->id;
	snprintf(r->model, sizeof r->model, "%s", p->model);
	snprintf(r->version, sizeof r->version, "%s", p->version);
	r->size = p->size;
	hex_encode(p->sha256, sizeof p->sha256, r->sha256, sizeof r->sha256);
	hex_encode(p->signature, sizeof p->signature, r->signature, sizeof r->signature);
	snprintf(r->added_by, sizeof r->added_by, "%s", p->added_by);
	r->added_at = p->added_at;
}

static int from_row(const struct store_tms_package *r, struct tms_package *p)
{
	size_t n1 = 0, n2 = 0;

	memset(p, 0, sizeof *p);
	p->id = r->id;
	snprintf(p->model, sizeof p->model, "%s", r->model);
	snprintf(p->version, sizeof p->version, "%s", r->version);
	p->size = r->size;
	if (hex_decode(r->sha256, strlen(r->sha256), p->sha256, sizeof p->sha256, &n1) != 0 ||
	    hex_decode(r->signature, strlen(r->signature), p->signature, sizeof p->signature,
	               &n2) != 0 ||
	    n1 != 32 || n2 != TMS_SIG_LEN)
		return TMS_ESTORE;
	snprintf(p->added_by, sizeof p->added_by, "%s", r->added_by);
	p->added_at = r->added_at;
	return TMS_OK;
}

json_t *tms_package_json(const struct tms_package *p, int utc_offset)
{
	struct store_tms_package r;

	to_row(p, &r);
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)p->id,
	                 "model", p->model, "version", p->version, "size", (json_int_t)p->size,
	                 "sha256", r.sha256, "signature", r.signature, "added_by", p->added_by,
	                 "added_at", jsonval_time(p->added_at, utc_offset));
}

/* ---- adding ---- */

/* What tms_package_add() checks before it signs: why says which. */
static int add_check(tms *t, const char *model, const char *version, size_t len, char *why,
                     size_t cap)
{
	if (model == NULL || !merchant_model_ok(model) || *model == '\0') {
		snprintf(why, cap, "--model: 1 to %d of A-Z a-z 0-9 . _ -", TMS_MODEL_MAX);
		return TMS_EARG;
	}
	if (!tms_version_ok(version)) {
		snprintf(why, cap, "--version: 1 to %d of A-Z a-z 0-9 . _ - (59.A2.05)",
		         TMS_VERSION_MAX);
		return TMS_EARG;
	}
	if (len == 0) {
		snprintf(why, cap, "the file is empty");
		return TMS_EARG;
	}
	if ((int64_t)len > t->cfg.package_max) {
		snprintf(why, cap, "the file has %zu bytes: over [tms] package_max (%lld)", len,
		         (long long)t->cfg.package_max);
		return TMS_ETOOBIG;
	}
	if (t->h == NULL) {
		snprintf(why, cap, "no signing key");
		return TMS_ENOKEY;
	}
	return TMS_OK;
}

/* A package of the model whose version orders as the one being added ("1.01" and "1.1"):
 * found (its version) stops the walk. */
struct same_walk {
	const char *model, *version;
	char found[TMS_VERSION_MAX + 1];
};

static int same_version(void *ctx, const struct tms_package *p)
{
	struct same_walk *w = ctx;

	if (strcmp(p->model, w->model) != 0 || tms_version_cmp(p->version, w->version) != 0)
		return 0;
	snprintf(w->found, sizeof w->found, "%s", p->version);
	return 1;
}

/* The package's bytes in chunks of STORE_TMS_CHUNK, in the caller's transaction. */
static int put_chunks(tms *t, int64_t id, const uint8_t *data, size_t len)
{
	struct store_tms_chunk *c = malloc(sizeof *c);
	int rc = TMS_OK;

	if (c == NULL)
		return TMS_ENOMEM;
	for (size_t at = 0, seq = 0; at < len && rc == TMS_OK; at += c->len, seq++) {
		c->package_id = id;
		c->seq = (int64_t)seq;
		c->len = len - at < STORE_TMS_CHUNK ? len - at : STORE_TMS_CHUNK;
		memcpy(c->data, data + at, c->len);
		rc = tms_from_store(store_tms_chunk_put(t->s, c));
	}
	free(c);
	return rc;
}

int tms_package_add(tms *t, const char *actor, const char *model, const char *version,
                    const uint8_t *data, size_t len, int64_t now, struct tms_package *out,
                    char *why, size_t cap)
{
	uint8_t text[sizeof TMS_PACKAGE_MAGIC + TMS_MODEL_MAX + TMS_VERSION_MAX + 34];
	struct tms_package p = {.size = (int64_t)len, .added_at = now};
	struct store_tms_package row;
	struct same_walk same = {.model = model, .version = version};
	char object[STORE_AUDIT_OBJECT_MAX];
	json_t *after = NULL;
	int rc;

	*why = '\0';
	if ((rc = add_check(t, model, version, len, why, cap)) != TMS_OK)
		return rc;
	snprintf(p.model, sizeof p.model, "%s", model);
	snprintf(p.version, sizeof p.version, "%s", version);
	snprintf(p.added_by, sizeof p.added_by, "%s", actor);
	if ((rc = sha256(data, len, p.sha256)) != TMS_OK)
		return rc;
	if (hsm_ed25519_sign(t->h, &t->sign, text, signed_text(model, version, p.sha256, text),
	                     p.signature) != HSM_OK) {
		snprintf(why, cap, "the hsm could not sign with key %s", tms_key_names[0]);
		return TMS_EHSM;
	}
	to_row(&p, &row);
	if ((rc = tms_from_store(store_begin(t->s))) != TMS_OK)
		return rc;
	/* One package a version: the same text (the store's key) or one that orders as it. */
	if ((rc = tms_package_list(t, same_version, &same)) < 0)
		goto out;
	rc = same.found[0] != '\0' ? TMS_EEXIST
	                           : tms_from_store(store_tms_package_insert(t->s, &row));
	if (rc == TMS_EEXIST) {
		snprintf(why, cap, "model %s has a package of version %s already", model,
		         same.found[0] != '\0' ? same.found : version);
		goto out;
	}
	p.id = row.id;
	snprintf(object, sizeof object, "package:%lld", (long long)p.id);
	if (rc == TMS_OK && (rc = put_chunks(t, p.id, data, len)) == TMS_OK)
		rc = (after = tms_package_json(&p, 0)) == NULL
		         ? TMS_ENOMEM
		         : tms_audit(t, actor, "tms.package.add", object, NULL, after, now);
out:
	json_decref(after);
	if ((rc = tms_end(t, rc)) == TMS_OK && out != NULL)
		*out = p;
	return rc;
}

int tms_package_get(tms *t, int64_t id, struct tms_package *out)
{
	struct store_tms_package r;
	int rc;

	if ((rc = tms_from_store(store_tms_package_get(t->s, id, &r))) != TMS_OK)
		return rc;
	return from_row(&r, out);
}

struct package_walk {
	int (*fn)(void *ctx, const struct tms_package *p);
	void *ctx;
	int rc;
};

static int package_one(void *ctx, const struct store_tms_package *r)
{
	struct package_walk *w = ctx;
	struct tms_package p;

	if ((w->rc = from_row(r, &p)) != TMS_OK)
		return 1;
	return w->fn(w->ctx, &p);
}

int tms_package_list(tms *t, int (*fn)(void *ctx, const struct tms_package *p), void *ctx)
{
	struct package_walk w = {fn, ctx, TMS_OK};
	int rc = store_tms_package_each(t->s, package_one, &w);

	if (w.rc != TMS_OK)
		return w.rc;
	return rc < 0 ? tms_from_store(rc) : rc;
}

int tms_package_chunk(tms *t, int64_t id, size_t offset, uint8_t *buf, size_t cap, size_t *len,
                      size_t *total)
{
	struct store_tms_package r;
	struct store_tms_chunk *c = NULL;
	size_t got = 0;
	int rc;

	*len = 0;
	if ((rc = tms_from_store(store_tms_package_get(t->s, id, &r))) != TMS_OK)
		return rc;
	*total = (size_t)r.size;
	if (offset > *total)
		return TMS_EARG;
	if ((c = malloc(sizeof *c)) == NULL)
		return TMS_ENOMEM;
	while (got < cap && offset + got < *total) {
		size_t at = offset + got, in, n;

		c->package_id = id;
		c->seq = (int64_t)(at / STORE_TMS_CHUNK);
		if ((rc = tms_from_store(store_tms_chunk_get(t->s, c))) != TMS_OK)
			goto out;
		in = at % STORE_TMS_CHUNK;
		if (in >= c->len) {
			rc = TMS_ESTORE; /* a chunk shorter than the package's size says */
			goto out;
		}
		n = c->len - in < cap - got ? c->len - in : cap - got;
		memcpy(buf + got, c->data + in, n);
		got += n;
	}
	*len = got;
out:
	free(c);
	return rc;
}
