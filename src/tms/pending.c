/* pending.c — downloads (docs/tms.md "Downloads"): the three sets a terminal downloads, their
 * versions for a terminal, what it still needs (its row's tms_pending, marked by an operator's
 * change), and the answer to a download's request — a chunk of the set's items from the index
 * the terminal asks, or from the start when the set changed under it. */
#include "tms/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const set_names[TMS_SETS] = {"params", "capk", "aid"};
static const int set_bits[TMS_SETS] = {TMS_PENDING_PARAMS, TMS_PENDING_CAPK, TMS_PENDING_AID};

const char *tms_set_name(enum tms_set set)
{
	return (unsigned)set < TMS_SETS ? set_names[set] : NULL;
}

int tms_set_find(const char *name, enum tms_set *out)
{
	for (size_t i = 0; name != NULL && i < TMS_SETS; i++)
		if (strcmp(name, set_names[i]) == 0) {
			*out = (enum tms_set)i;
			return TMS_OK;
		}
	return TMS_EARG;
}

int tms_set_bit(enum tms_set set)
{
	return (unsigned)set < TMS_SETS ? set_bits[set] : 0;
}

/* A terminal's parameters' items (without their VN), as the other sets' encoders write. */
static int params_items(tms *t, const char *tid, uint8_t **form, size_t *len, char version[9])
{
	struct tms_params *p = malloc(sizeof *p);
	uint8_t *buf = malloc(64 * 1024);
	const uint8_t *v;
	size_t at = 0, n, all;
	char tag[3];
	int rc;

	if (p == NULL || buf == NULL) {
		rc = TMS_ENOMEM;
		goto out;
	}
	if ((rc = tms_params_resolve(t, tid, p)) != TMS_OK ||
	    (rc = tms_params_encode(p, buf, 64 * 1024, &all)) != TMS_OK ||
	    (rc = tms_item_get(buf, all, &at, tag, &v, &n)) != TMS_OK)
		goto out;
	memmove(buf, buf + at, all - at); /* the VN item first: dropped */
	*len = all - at;
	memcpy(version, p->version, 9);
	*form = buf;
	buf = NULL;
out:
	free(p);
	free(buf);
	return rc;
}

/* Terminal tid's set at now: its items (*form, *len bytes: the caller frees it) and version. */
static int set_form(tms *t, enum tms_set set, const char *tid, int64_t now, uint8_t **form,
                    size_t *len, char version[9])
{
	int rc;

	*form = NULL;
	if (set == TMS_SET_PARAMS)
		return params_items(t, tid, form, len, version);
	rc = tms_form_make(t, tms_date(now, t->cfg.utc_offset),
	                   set == TMS_SET_CAPK ? tms_capk_encode : tms_aid_encode_dated, form, len);
	if (rc == TMS_OK && (rc = tms_version_of(*form, *len, version)) != TMS_OK) {
		free(*form);
		*form = NULL;
	}
	return rc;
}

int tms_versions(tms *t, const char *tid, int64_t now, struct tms_versions *out)
{
	uint8_t *form;
	size_t len;
	int rc = TMS_OK;

	for (size_t i = 0; i < TMS_SETS && rc == TMS_OK; i++) {
		rc = set_form(t, (enum tms_set)i, tid, now, &form, &len, out->v[i]);
		free(form);
	}
	return rc;
}

int tms_pending_of(const struct tms_versions *current, const char *const held[TMS_SETS])
{
	int bits = 0;

	for (size_t i = 0; i < TMS_SETS; i++)
		if (strcmp(current->v[i], held[i] != NULL ? held[i] : "") != 0)
			bits |= set_bits[i];
	return bits;
}

/* A download's request: VN (0 to 8 characters) and NX (1 to 5 digits), each at most once;
 * anything else is malformed. */
static int read_request(const uint8_t *req, size_t len, char version[9], size_t *next)
{
	const uint8_t *v;
	size_t at = 0, n;
	char tag[3];
	unsigned seen = 0;
	int rc;

	version[0] = '\0';
	*next = 0;
	while ((rc = tms_item_get(req, len, &at, tag, &v, &n)) == TMS_OK) {
		if (strcmp(tag, "VN") == 0 && !(seen & 1) && n <= 8) {
			memcpy(version, v, n);
			version[n] = '\0';
			seen |= 1;
		} else if (strcmp(tag, "NX") == 0 && !(seen & 2) && n >= 1 && n <= 5) {
			for (size_t i = 0; i < n; i++) {
				if (v[i] < '0' || v[i] > '9')
					return TMS_EARG;
				*next = *next * 10 + (size_t)(v[i] - '0');
			}
			seen |= 2;
		} else {
			return TMS_EARG;
		}
	}
	return rc == TMS_ENOTFOUND ? TMS_OK : rc;
}

/* The answer's items: form's items from info->from, as many as fit in room (at least one; one
 * alone when one_each), into out at *at; info->next and info->total set. */
static int put_items(const uint8_t *form, size_t len, bool one_each, size_t room, uint8_t *out,
                     size_t *at, struct tms_chunk *info)
{
	const uint8_t *v;
	size_t pos = 0, n, i = 0, start, used = 0;
	char tag[3];
	int rc;

	info->next = info->from;
	for (;; i++) {
		start = pos;
		if ((rc = tms_item_get(form, len, &pos, tag, &v, &n)) != TMS_OK)
			break;
		if (i < info->from || (one_each && info->next > info->from) ||
		    used + (pos - start) > room)
			continue;
		if (info->next != i) /* one did not fit: the rest waits for the next request */
			continue;
		memcpy(out + *at, form + start, pos - start);
		*at += pos - start;
		used += pos - start;
		info->next = i + 1;
	}
	info->total = i;
	if (rc != TMS_ENOTFOUND)
		return rc;
	if (info->from > info->total || (info->from < info->total && info->next == info->from))
		return info->from > info->total ? TMS_EARG : TMS_ESPACE;
	return TMS_OK;
}

int tms_download(tms *t, enum tms_set set, const char *tid, int64_t now, const uint8_t *req,
                 size_t req_len, uint8_t out[TMS_CHUNK_MAX], size_t *out_len,
                 struct tms_chunk *info)
{
	/* The control items after the set's: NX (up to 5 digits) and MR. */
	const size_t tail = (5 + 5) + (5 + 1);
	uint8_t *form = NULL;
	size_t len, at = 0;
	char asked[9], nx[8];
	int rc;

	memset(info, 0, sizeof *info);
	if ((unsigned)set >= TMS_SETS || tid == NULL)
		return TMS_EARG;
	if ((rc = read_request(req, req_len, asked, &info->from)) != TMS_OK ||
	    (rc = set_form(t, set, tid, now, &form, &len, info->version)) != TMS_OK)
		goto out;
	if (strcmp(asked, info->version) != 0) {
		info->restarted = asked[0] != '\0';
		info->from = 0;
	}
	if ((rc = tms_item_put(out, TMS_CHUNK_MAX, &at, "VN", info->version, 8)) != TMS_OK ||
	    (rc = put_items(form, len, set == TMS_SET_CAPK, TMS_CHUNK_MAX - at - tail, out, &at,
	                    info)) != TMS_OK)
		goto out;
	snprintf(nx, sizeof nx, "%zu", info->next);
	if ((rc = tms_item_put(out, TMS_CHUNK_MAX, &at, "NX", nx, strlen(nx))) == TMS_OK)
		rc = tms_item_put(out, TMS_CHUNK_MAX, &at, "MR",
		                  info->next < info->total ? "1" : "0", 1);
	*out_len = at;
out:
	free(form);
	return rc;
}

int tms_confirm_read(const uint8_t *req, size_t req_len, char version[9])
{
	const uint8_t *v;
	size_t at = 0, n;
	char tag[3];

	if (tms_item_get(req, req_len, &at, tag, &v, &n) != TMS_OK || strcmp(tag, "VN") != 0 ||
	    n != 8 || at != req_len)
		return TMS_EARG;
	for (size_t i = 0; i < 8; i++) {
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			return TMS_EARG;
		version[i] = (char)v[i];
	}
	version[8] = '\0';
	return TMS_OK;
}
