/* update.c — a software update over the terminal's connection (docs/tms.md "Software
 * updates"): the answer to 0820 390, a chunk of the package the terminal asks for (of its own
 * model; or, asking for none, the one tms_package_for() gives it) from the offset it asks, the
 * first carrying the package's SHA-256 and signature; and the reading of its report, 391. */
#include "tms/internal.h"

#include <stdio.h>
#include <string.h>

#include "store/store_acquirer.h"

/* The digits of v (1 to 10 of them) as *out: false when they are not. */
static bool read_number(const uint8_t *v, size_t n, int64_t *out)
{
	*out = 0;
	if (n < 1 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		*out = *out * 10 + (v[i] - '0');
	}
	return true;
}

/* A 390's request: PK (absent: the package for the terminal) and OF (absent: 0). */
static int read_request(const uint8_t *req, size_t len, int64_t *id, int64_t *offset)
{
	const uint8_t *v;
	size_t at = 0, n;
	char tag[3];
	int rc;

	*id = 0;
	*offset = 0;
	while ((rc = tms_item_get(req, len, &at, tag, &v, &n)) == TMS_OK)
		if (!((strcmp(tag, "PK") == 0 && read_number(v, n, id) && *id > 0) ||
		      (strcmp(tag, "OF") == 0 && read_number(v, n, offset))))
			return TMS_EARG;
	return rc == TMS_ENOTFOUND ? TMS_OK : rc;
}

int tms_package_own(tms *t, const char *tid, int64_t id, struct tms_package *p)
{
	struct store_terminal term;
	int rc;

	if ((rc = tms_package_get(t, id, p)) != TMS_OK ||
	    (rc = tms_from_store(store_terminal_get(t->s, tid, &term))) != TMS_OK)
		return rc;
	return strcmp(term.model, p->model) == 0 ? TMS_OK : TMS_EMODEL;
}

/* The answer's control items: PK, VR, SZ, OF, and MD, HS and SG with the first chunk. */
static int put_head(const struct tms_package *p, int64_t offset, uint8_t *out, size_t *at)
{
	char pk[24], sz[24], of[24];
	int rc;

	snprintf(pk, sizeof pk, "%lld", (long long)p->id);
	snprintf(sz, sizeof sz, "%lld", (long long)p->size);
	snprintf(of, sizeof of, "%lld", (long long)offset);
	if ((rc = tms_item_put(out, TMS_CHUNK_MAX, at, "PK", pk, strlen(pk))) != TMS_OK ||
	    (rc = tms_item_put(out, TMS_CHUNK_MAX, at, "VR", p->version, strlen(p->version))) !=
	        TMS_OK ||
	    (rc = tms_item_put(out, TMS_CHUNK_MAX, at, "SZ", sz, strlen(sz))) != TMS_OK ||
	    (rc = tms_item_put(out, TMS_CHUNK_MAX, at, "OF", of, strlen(of))) != TMS_OK)
		return rc;
	if (offset == 0 &&
	    ((rc = tms_item_put(out, TMS_CHUNK_MAX, at, "MD", p->model, strlen(p->model))) !=
	         TMS_OK ||
	     (rc = tms_item_put(out, TMS_CHUNK_MAX, at, "HS", p->sha256, 32)) != TMS_OK ||
	     (rc = tms_item_put(out, TMS_CHUNK_MAX, at, "SG", p->signature, TMS_SIG_LEN)) !=
	         TMS_OK))
		return rc;
	return TMS_OK;
}

int tms_update_chunk(tms *t, const char *tid, int64_t now, const uint8_t *req, size_t req_len,
                     uint8_t out[TMS_CHUNK_MAX], size_t *out_len, struct tms_update *info)
{
	uint8_t data[TMS_CHUNK_MAX];
	size_t at = 0, room, n = 0, total = 0;
	int64_t id, offset;
	int rc;

	memset(info, 0, sizeof *info);
	if ((rc = read_request(req, req_len, &id, &offset)) != TMS_OK)
		return rc;
	rc = id == 0 ? tms_package_for(t, tid, now, &info->package)
	             : tms_package_own(t, tid, id, &info->package);
	if (rc != TMS_OK)
		return rc;
	if (offset > info->package.size)
		return TMS_EARG;
	if ((rc = put_head(&info->package, offset, out, &at)) != TMS_OK)
		return rc;
	/* DT's item and MR's (5 + 1) after it. */
	room = TMS_CHUNK_MAX - at - 5 - 6;
	if ((rc = tms_package_chunk(t, info->package.id, (size_t)offset, data, room, &n, &total)) !=
	        TMS_OK ||
	    (rc = tms_item_put(out, TMS_CHUNK_MAX, &at, "DT", data, n)) != TMS_OK ||
	    (rc = tms_item_put(out, TMS_CHUNK_MAX, &at, "MR",
	                       (size_t)offset + n < total ? "1" : "0", 1)) != TMS_OK)
		return rc;
	info->offset = offset;
	info->len = n;
	*out_len = at;
	return TMS_OK;
}

int tms_update_report_read(const uint8_t *req, size_t req_len, int64_t *id, bool *ok,
                           char why[TMS_UPDATE_WHY_MAX + 1])
{
	const uint8_t *v;
	size_t at = 0, n;
	char tag[3];
	unsigned seen = 0;
	int rc;

	*id = 0;
	*ok = false;
	why[0] = '\0';
	while ((rc = tms_item_get(req, req_len, &at, tag, &v, &n)) == TMS_OK) {
		if (strcmp(tag, "PK") == 0 && read_number(v, n, id) && *id > 0)
			seen |= 1;
		else if (strcmp(tag, "OK") == 0 && n == 1 && (v[0] == '0' || v[0] == '1'))
			*ok = v[0] == '1', seen |= 2;
		else if (strcmp(tag, "ER") == 0 && n <= TMS_UPDATE_WHY_MAX) {
			for (size_t i = 0; i < n; i++) /* printable, for the status */
				why[i] = v[i] >= 0x20 && v[i] < 0x7F ? (char)v[i] : '?';
			why[n] = '\0';
		} else
			return TMS_EARG;
	}
	if (rc != TMS_ENOTFOUND || seen != 3)
		return TMS_EARG;
	return TMS_OK;
}
