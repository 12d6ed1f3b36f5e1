/* document.c — the documents of a merchant's application (licence, tax registration, the
 * representative's ID, the agreement): checked by type, size and content (PDF, JPEG or PNG by
 * their first bytes), kept as files named by their SHA-256 in the documents directory, and
 * listed with the application. A file is written before its row and removed again when the
 * row cannot be, so that no row ever names a missing file. */
#include "merchant/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "audit/audit.h"
#include "common/file.h"
#include "common/hex.h"
#include "common/jsonval.h"
#include "common/text.h"

static const char *const doc_types[] = {"licence", "tax",       "id_front",
                                        "id_back", "agreement", "other"};

bool merchant_document_type(const char *type)
{
	for (size_t i = 0; type != NULL && i < sizeof doc_types / sizeof doc_types[0]; i++)
		if (strcmp(type, doc_types[i]) == 0)
			return true;
	return false;
}

/* Whether data ends with end (trailing white space or NULs allowed after it within slack
 * bytes): a file cut short or with something of another kind after its end does not. */
static bool ends_with(const uint8_t *data, size_t len, const char *end, size_t end_len,
                      size_t slack)
{
	size_t n = len;

	while (
	    n > 0 && len - n < slack &&
	    (data[n - 1] == 0 || data[n - 1] == ' ' || data[n - 1] == '\r' || data[n - 1] == '\n'))
		n--;
	return n >= end_len && memcmp(data + n - end_len, end, end_len) == 0;
}

/* The content type of data, or NULL for none accepted: its first bytes (the signature) and
 * its last (PDF: the %%EOF marker; JPEG: the EOI marker; PNG: the IEND chunk). A file that
 * only starts like one (%PDF-1.4 and then HTML) is refused. */
static const char *content_type(const uint8_t *data, size_t len)
{
	static const struct {
		const char *type;
		const char *magic;
		size_t len;
		const char *end;
		size_t end_len;
	} kinds[] = {
	    {"application/pdf", "%PDF-", 5, "%%EOF", 5},
	    {"image/jpeg", "\xFF\xD8\xFF", 3, "\xFF\xD9", 2},
	    {"image/png", "\x89PNG\r\n\x1A\n", 8, "\0\0\0\0IEND\xAE\x42\x60\x82", 12},
	};

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (len >= kinds[i].len + kinds[i].end_len &&
		    memcmp(data, kinds[i].magic, kinds[i].len) == 0)
			return ends_with(data, len, kinds[i].end, kinds[i].end_len, 16)
			           ? kinds[i].type
			           : NULL;
	return NULL;
}

/* name's base name as it is kept and shown: what follows its last / or \, without control
 * characters and leading dots or spaces, at most MERCHANT_DOC_NAME_MAX bytes (not cutting a
 * UTF-8 character); false when nothing is left. "../../etc/passwd" is kept as "passwd". */
bool merchant_document_name(const char *name, char out[MERCHANT_DOC_NAME_MAX + 1])
{
	const char *p = name;
	size_t n = 0;

	for (const char *q = name; q != NULL && *q != '\0'; q++)
		if (*q == '/' || *q == '\\')
			p = q + 1;
	while (p != NULL && (*p == '.' || *p == ' '))
		p++;
	for (; p != NULL && *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7F)
			continue;
		if (n == MERCHANT_DOC_NAME_MAX) {
			/* Cut inside a character: its first bytes go too. */
			while ((c & 0xC0) == 0x80 && n > 0 &&
			       ((unsigned char)out[n - 1] & 0xC0) == 0x80)
				n--;
			if ((c & 0xC0) == 0x80 && n > 0 &&
			    ((unsigned char)out[n - 1] & 0xC0) == 0xC0)
				n--;
			break;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n > 0;
}

/* Writes data to path unless a file is there already (the same content: its name is its
 * hash), through a temporary file renamed into place so that a crash leaves no half file;
 * *made says whether this call made it. */
static int write_file(const char *dir, const char *path, const uint8_t *data, size_t len,
                      bool *made)
{
	*made = false;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return MERCHANT_EIO;
	if (access(path, F_OK) == 0)
		return MERCHANT_OK;
	if (file_write_atomic(path, data, len) != 0)
		return MERCHANT_EIO;
	*made = true;
	return MERCHANT_OK;
}

int merchant_document_add(merchant *m, int64_t id, const char *type, const char *name,
                          const uint8_t *data, size_t len, const char *actor, int64_t now,
                          struct store_merchant_doc *out)
{
	struct store_merchant_doc d = {.app_id = id, .at = now};
	struct store_merchant_app app;
	char base[MERCHANT_DOC_NAME_MAX + 1];
	uint8_t md[32];
	unsigned md_len = 0;
	char path[4200], object[STORE_AUDIT_OBJECT_MAX];
	const char *ct;
	json_t *after = NULL;
	bool made = false;
	int rc;

	if (m == NULL || !merchant_document_type(type) || name == NULL ||
	    !merchant_document_name(name, base) || !text_is_line(base, MERCHANT_DOC_NAME_MAX) ||
	    data == NULL || len == 0 || (int64_t)len > m->cfg.document_max ||
	    (ct = content_type(data, len)) == NULL ||
	    !text_is_line(actor, STORE_AUDIT_ACTOR_MAX - 1))
		return MERCHANT_EARG;
	if (EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) != 1)
		return MERCHANT_ENOMEM;
	hex_encode(md, sizeof md, d.sha256, sizeof d.sha256);
	snprintf(d.type, sizeof d.type, "%s", type);
	snprintf(d.name, sizeof d.name, "%s", base);
	snprintf(d.content_type, sizeof d.content_type, "%s", ct);
	d.size = (int64_t)len;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", m->cfg.documents, d.sha256) >= sizeof path)
		return MERCHANT_EIO;
	if (store_begin(m->s) != STORE_OK)
		return MERCHANT_ESTORE;
	if ((rc = merchant_from_store(store_merchant_app_get(m->s, id, &app))) != MERCHANT_OK)
		goto out;
	if (app.state == MERCHANT_CLOSED) {
		rc = MERCHANT_ESTATE;
		goto out;
	}
	if ((rc = merchant_from_store(store_merchant_doc_insert(m->s, &d))) != MERCHANT_OK ||
	    (rc = write_file(m->cfg.documents, path, data, len, &made)) != MERCHANT_OK)
		goto out;
	after = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)d.id, "type", d.type,
	                  "name", d.name, "content_type", d.content_type, "sha256", d.sha256,
	                  "size", (json_int_t)d.size);
	merchant_object(&app, object);
	if (after == NULL)
		rc = MERCHANT_ENOMEM;
	else if (audit_record(m->s, actor, "merchant.document", object, NULL, after, now) !=
	         AUDIT_OK)
		rc = MERCHANT_ESTORE;
out:
	json_decref(after);
	if ((rc = merchant_end(m, rc)) != MERCHANT_OK) {
		if (made)
			unlink(path);
		return rc;
	}
	if (out != NULL)
		*out = d;
	return MERCHANT_OK;
}

int merchant_documents(merchant *m, int64_t id,
                       int (*fn)(void *ctx, const struct store_merchant_doc *d), void *ctx)
{
	struct store_merchant_app app;
	int rc;

	if (m == NULL || fn == NULL)
		return MERCHANT_EARG;
	if ((rc = store_merchant_app_get(m->s, id, &app)) != STORE_OK)
		return merchant_from_store(rc);
	rc = store_merchant_doc_list(m->s, id, fn, ctx);
	return rc > 0 ? rc : merchant_from_store(rc);
}

/* ---- JSON: a document, and a merchant with its history and documents (the show of the CLI
 * and of the API) ---- */

/* A list being filled by merchant_history() or merchant_documents(), and its times' offset. */
struct json_items {
	json_t *list;
	int utc_offset;
};

static int step_item(void *ctx, const struct store_merchant_step *h)
{
	struct json_items *l = ctx;

	return json_array_append_new(
	           l->list, json_pack("{s:s?, s:s, s:s, s:s, s:o}", "from",
	                              h->from != 0 ? merchant_state_name(h->from) : NULL, "to",
	                              merchant_state_name(h->to), "actor", h->actor, "reason",
	                              h->reason, "at", jsonval_time(h->at, l->utc_offset))) != 0
	           ? 1 /* stops the walk: out of memory */
	           : 0;
}

json_t *merchant_doc_json(const struct store_merchant_doc *d, int utc_offset)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:o}", "id", (json_int_t)d->id, "type",
	                 d->type, "name", d->name, "content_type", d->content_type, "size",
	                 (json_int_t)d->size, "sha256", d->sha256, "at",
	                 jsonval_time(d->at, utc_offset));
}

static int doc_item(void *ctx, const struct store_merchant_doc *d)
{
	struct json_items *l = ctx;

	return json_array_append_new(l->list, merchant_doc_json(d, l->utc_offset)) != 0
	           ? 1 /* stops the walk: out of memory */
	           : 0;
}

int merchant_docs_json(merchant *m, int64_t id, int utc_offset, json_t **out)
{
	struct json_items l = {json_array(), utc_offset};
	int rc = l.list != NULL ? merchant_documents(m, id, doc_item, &l) : MERCHANT_ENOMEM;

	if (rc > 0)
		rc = MERCHANT_ENOMEM;
	if (rc != MERCHANT_OK) {
		json_decref(l.list);
		l.list = NULL;
	}
	*out = l.list;
	return rc;
}

int merchant_full_json(merchant *m, const struct merchant_info *i, int utc_offset, json_t **out)
{
	struct json_items history = {json_array(), utc_offset};
	json_t *o = merchant_json(i, false, utc_offset), *docs = NULL;
	int rc = MERCHANT_ENOMEM;

	*out = NULL;
	if (o == NULL || history.list == NULL ||
	    (rc = merchant_history(m, i->app.id, step_item, &history)) != MERCHANT_OK ||
	    (rc = merchant_docs_json(m, i->app.id, utc_offset, &docs)) != MERCHANT_OK) {
		rc = rc > 0 ? MERCHANT_ENOMEM : rc;
		goto out;
	}
	json_object_set_new(o, "history", history.list);
	json_object_set_new(o, "documents", docs);
	history.list = NULL;
	*out = o;
	o = NULL;
out:
	json_decref(history.list);
	json_decref(o);
	return rc;
}
