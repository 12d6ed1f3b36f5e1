/* tms.c — the terminal management module's handle, its error names, and what its parts share:
 * the mapping of store codes, a change's audit entry and the end of its transaction, the
 * download form's item, a form's version, the day a date is. */
#include "tms/internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "audit/audit.h"
#include "common/hex.h"
#include "crypto/crypto.h"

const char *tms_strerror(int rc)
{
	switch (rc) {
	case TMS_OK:
		return "ok";
	case TMS_EARG:
		return "bad argument";
	case TMS_ESTORE:
		return "the store failed";
	case TMS_ENOTFOUND:
		return "not found";
	case TMS_ENOMEM:
		return "out of memory";
	case TMS_ESPACE:
		return "the buffer is too small";
	case TMS_EREADONLY:
		return "read only";
	case TMS_ECHECKSUM:
		return "the checksum does not match the key";
	case TMS_EEXPIRED:
		return "the key has expired";
	case TMS_EREVOKED:
		return "the key is revoked";
	case TMS_EEXIST:
		return "a key of that RID and index exists";
	case TMS_EVERIFY:
		return "the package's hash or signature does not verify";
	case TMS_ETOOBIG:
		return "the package is over [tms] package_max";
	case TMS_ENOKEY:
		return "no signing key";
	case TMS_EHSM:
		return "the hsm failed";
	case TMS_ESTOPPED:
		return "the rollout is stopped already";
	case TMS_EMODEL:
		return "the package is of another model";
	default:
		return "unknown tms error";
	}
}

int tms_from_store(int rc)
{
	switch (rc) {
	case STORE_OK:
		return TMS_OK;
	case STORE_ENOTFOUND:
		return TMS_ENOTFOUND;
	case STORE_EEXIST:
		return TMS_EEXIST;
	case STORE_ENOMEM:
		return TMS_ENOMEM;
	default:
		return TMS_ESTORE;
	}
}

int tms_end(tms *t, int rc)
{
	if (rc == TMS_OK)
		return tms_from_store(store_commit(t->s));
	store_rollback(t->s);
	return rc;
}

int tms_audit(tms *t, const char *actor, const char *action, const char *object,
              const json_t *before, const json_t *after, int64_t now)
{
	switch (audit_record(t->s, actor, action, object, before, after, now)) {
	case AUDIT_OK:
		return TMS_OK;
	case AUDIT_EARG:
	case AUDIT_EBIG:
		return TMS_EARG;
	default:
		return TMS_ESTORE;
	}
}

int tms_open(store *s, const struct tms_config *cfg, tms **out)
{
	tms *t;

	if (s == NULL || cfg == NULL || out == NULL)
		return TMS_EARG;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return TMS_ENOMEM;
	*t = (struct tms){.s = s, .cfg = *cfg};
	if (t->cfg.package_max <= 0)
		t->cfg.package_max = TMS_PACKAGE_MAX;
	*out = t;
	return TMS_OK;
}

void tms_close(tms *t)
{
	if (t != NULL)
		crypto_wipe(&t->sign, sizeof t->sign);
	free(t);
}

int tms_item_put(uint8_t *buf, size_t cap, size_t *at, const char *tag, const void *value,
                 size_t len)
{
	char head[6];

	assert(strlen(tag) == 2);
	if (len > 999)
		return TMS_EARG;
	if (*at > cap || cap - *at < sizeof head - 1 + len)
		return TMS_ESPACE;
	snprintf(head, sizeof head, "%s%03zu", tag, len);
	memcpy(buf + *at, head, sizeof head - 1);
	if (len > 0)
		memcpy(buf + *at + sizeof head - 1, value, len);
	*at += sizeof head - 1 + len;
	return TMS_OK;
}

int tms_item_get(const uint8_t *buf, size_t len, size_t *at, char tag[3], const uint8_t **value,
                 size_t *vlen)
{
	size_t n = 0;

	if (*at >= len)
		return TMS_ENOTFOUND;
	if (len - *at < 5)
		return TMS_EARG;
	for (size_t i = 2; i < 5; i++) {
		if (buf[*at + i] < '0' || buf[*at + i] > '9')
			return TMS_EARG;
		n = n * 10 + (size_t)(buf[*at + i] - '0');
	}
	if (len - *at - 5 < n)
		return TMS_EARG;
	memcpy(tag, buf + *at, 2);
	tag[2] = '\0';
	*value = buf + *at + 5;
	*vlen = n;
	*at += 5 + n;
	return TMS_OK;
}

int tms_version_of(const uint8_t *form, size_t len, char version[9])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned md_len = 0;

	if (EVP_Digest(form, len, md, &md_len, EVP_sha256(), NULL) != 1 || md_len != 32)
		return TMS_ENOMEM;
	hex_encode(md, 4, hex, sizeof hex);
	for (size_t i = 0; i < 8; i++)
		version[i] = (char)(hex[i] >= 'A' && hex[i] <= 'F' ? hex[i] - 'A' + 'a' : hex[i]);
	version[8] = '\0';
	return TMS_OK;
}

int tms_form_make(tms *t, int date,
                  int (*encode)(tms *t, int date, uint8_t *buf, size_t cap, size_t *len),
                  uint8_t **form, size_t *len)
{
	uint8_t *buf = NULL;
	int rc = TMS_ESPACE;

	for (size_t cap = 64 * 1024; rc == TMS_ESPACE && cap <= 16 * 1024 * 1024; cap *= 4) {
		free(buf);
		if ((buf = malloc(cap)) == NULL)
			return TMS_ENOMEM;
		rc = encode(t, date, buf, cap, len);
	}
	if (rc != TMS_OK) {
		free(buf);
		return rc;
	}
	*form = buf;
	return TMS_OK;
}

int tms_form_version(tms *t, int date,
                     int (*encode)(tms *t, int date, uint8_t *buf, size_t cap, size_t *len),
                     char version[9])
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = tms_form_make(t, date, encode, &buf, &len);

	if (rc == TMS_OK)
		rc = tms_version_of(buf, len, version);
	free(buf);
	return rc;
}

int tms_date(int64_t now, int utc_offset)
{
	time_t t = (time_t)(now + (int64_t)utc_offset * 60);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return 0;
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}
