/* subfield.c — breaking a field's value into its sub-fields by the layouts a profile gives:
 * positional (60.1 …), tagged (59's A2, 62's NM/ID/PH/OT), repeated records (48 in a batch
 * upload) and BER-TLV (55). Sub-fields are read by the same field reader as messages, so
 * the same length and content rules hold; offsets in errors count from the start of the
 * field's value. */
#include "iso8583/internal.h"

#include <stdio.h>
#include <string.h>

#include "tlv/tlv.h"

struct walk {
	const char *mti;
	iso8583_sub_fn fn;
	void *ctx;
	iso8583_diag *diag;
};

static const iso8583_layout *layout_for(const iso8583_field_spec *s, const char *mti)
{
	if (s->layouts == NULL)
		return NULL;
	for (const iso8583_layout *const *l = s->layouts; *l != NULL; l++)
		if (strncmp((*l)->mti, mti, strlen((*l)->mti)) == 0)
			return *l;
	return NULL;
}

static int emit(struct walk *wk, const char *path, const char *name, const uint8_t *data,
                size_t len, bool binary, int depth)
{
	iso8583_subvalue sv = {
	    .name = name, .data = data, .len = len, .binary = binary, .depth = depth};

	snprintf(sv.path, sizeof sv.path, "%s", path);
	return wk->fn(wk->ctx, &sv);
}

static int explain_layout(struct walk *wk, const iso8583_layout *l, const char *path,
                          const uint8_t *v, size_t len, size_t *used, int depth);

/* Emits one sub-field and, if its spec has a layout for this MTI, what is inside it. */
static int explain_sub(struct walk *wk, const iso8583_sub *sub, const char *path,
                       const uint8_t *data, size_t len, int depth)
{
	const iso8583_layout *inner = layout_for(&sub->spec, wk->mti);
	int rc = emit(wk, path, sub->spec.name, data, len, sub->spec.cls == ISO8583_B, depth);

	if (rc != 0 || inner == NULL)
		return rc;
	return explain_layout(wk, inner, path, data, len, NULL, depth + 1);
}

static int explain_seq(struct walk *wk, const iso8583_layout *l, const char *path, const uint8_t *v,
                       size_t len, size_t *pos, int depth)
{
	char sub_path[sizeof((iso8583_subvalue){0}).path];
	int rc;

	for (size_t i = 0; i < l->n_subs && *pos < len; i++) {
		const iso8583_sub *sub = &l->subs[i];
		iso8583_cursor c = {v, NULL, len, *pos, {0, sub_path, 0}, wk->diag};
		const uint8_t *data;
		size_t units;

		snprintf(sub_path, sizeof sub_path, "%s.%s", path, sub->id);
		if (iso8583_field_read(&sub->spec, &c, &data, &units) != ISO8583_OK)
			return ISO8583_ESUB;
		*pos = c.pos;
		if ((rc = explain_sub(wk, sub, sub_path, data, units, depth)) != 0)
			return rc;
	}
	return ISO8583_OK;
}

static size_t digits_value(const uint8_t *p, size_t n, bool *ok)
{
	size_t v = 0;

	*ok = true;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			*ok = false;
		v = v * 10 + (size_t)(p[i] - '0');
	}
	return v;
}

static int explain_tagged(struct walk *wk, const iso8583_layout *l, const char *path,
                          const uint8_t *v, size_t len, int depth)
{
	char sub_path[sizeof((iso8583_subvalue){0}).path];
	size_t pos = 0, head = (size_t)l->tag_width + l->len_digits;

	while (pos < len) {
		iso8583_where w = {0, path, 0};
		const iso8583_sub *sub = NULL;
		iso8583_sub unknown = {"", {"unknown tag", ISO8583_REST, ISO8583_B, 0, 0, 0, NULL}};
		const uint8_t *data;
		iso8583_cursor c;
		size_t n, units;
		bool ok;
		int rc;

		if (len - pos < head)
			return iso8583_fail(wk->diag, ISO8583_ESUB, &w, pos,
			                    "tag and length cut short at offset %zu", pos);
		n = digits_value(v + pos + l->tag_width, l->len_digits, &ok);
		if (!ok)
			return iso8583_fail(wk->diag, ISO8583_ESUB, &w, pos + l->tag_width,
			                    "tag length is not a number at offset %zu",
			                    pos + l->tag_width);
		if (len - pos - head < n)
			return iso8583_fail(wk->diag, ISO8583_ESUB, &w, pos,
			                    "tag says %zu bytes, %zu left at offset %zu", n,
			                    len - pos - head, pos);
		for (size_t i = 0; i < l->n_subs && sub == NULL; i++)
			if (memcmp(l->subs[i].id, v + pos, l->tag_width) == 0 &&
			    l->subs[i].id[l->tag_width] == '\0')
				sub = &l->subs[i];
		if (sub == NULL)
			sub = &unknown;
		snprintf(sub_path, sizeof sub_path, "%s.%.*s", path, (int)l->tag_width, v + pos);
		c = (iso8583_cursor){v + pos + head, NULL, n, 0, {0, sub_path, 0}, wk->diag};
		if (iso8583_field_read(&sub->spec, &c, &data, &units) != ISO8583_OK)
			return ISO8583_ESUB;
		if ((rc = explain_sub(wk, sub, sub_path, data, units, depth)) != 0)
			return rc;
		pos += head + n;
	}
	return ISO8583_OK;
}

static int explain_repeat(struct walk *wk, const iso8583_layout *l, const char *path,
                          const uint8_t *v, size_t len, int depth)
{
	char rec_path[sizeof((iso8583_subvalue){0}).path];
	iso8583_where w = {0, path, 0};
	size_t count, pos = l->count_digits;
	bool ok;
	int rc;

	if (len < l->count_digits)
		return iso8583_fail(wk->diag, ISO8583_ESUB, &w, 0, "record count cut short");
	count = digits_value(v, l->count_digits, &ok);
	if (!ok || count > l->max_count)
		return iso8583_fail(wk->diag, ISO8583_ESUB, &w, 0,
		                    "record count is not a number from 0 to %u", l->max_count);
	snprintf(rec_path, sizeof rec_path, "%s.count", path);
	if ((rc = emit(wk, rec_path, "record count", v, l->count_digits, false, depth)) != 0)
		return rc;
	for (size_t r = 1; r <= count; r++) {
		snprintf(rec_path, sizeof rec_path, "%s.%zu", path, r);
		if (pos == len)
			return iso8583_fail(wk->diag, ISO8583_ESUB, &w, pos,
			                    "count says %zu records, %zu found", count, r - 1);
		if ((rc = emit(wk, rec_path, l->record->name, v + pos, 0, false, depth)) != 0)
			return rc;
		if ((rc = explain_seq(wk, l->record, rec_path, v, len, &pos, depth + 1)) != 0)
			return rc;
	}
	if (pos != len)
		return iso8583_fail(wk->diag, ISO8583_ESUB, &w, pos,
		                    "%zu bytes left over after %zu records", len - pos, count);
	return ISO8583_OK;
}

/* BER-TLV: paths name every enclosing tag, "55.70.9F26". */
struct tlv_walk {
	struct walk *wk;
	const char *path;
	int depth;
	uint32_t tags[TLV_MAX_DEPTH];
};

static int visit_tlv(void *ctx, const tlv *t, int depth)
{
	struct tlv_walk *tw = ctx;
	char path[sizeof((iso8583_subvalue){0}).path];
	size_t n = (size_t)snprintf(path, sizeof path, "%s", tw->path);
	const char *name = tlv_tag_name(t->tag);
	int rc;

	tw->tags[depth] = t->tag;
	for (int d = 0; d <= depth && n < sizeof path; d++)
		n += (size_t)snprintf(path + n, sizeof path - n, ".%X", (unsigned)tw->tags[d]);
	rc = emit(tw->wk, path, name != NULL ? name : "unknown tag", t->value, t->len,
	          !tlv_tag_is_text(t->tag), tw->depth + depth);
	/* tlv_walk passes a callback's non-zero return through; keep ours positive. */
	return rc < 0 ? -rc : rc;
}

static int explain_tlv(struct walk *wk, const char *path, const uint8_t *v, size_t len, int depth)
{
	struct tlv_walk tw = {wk, path, depth, {0}};
	tlv_fault fault;
	int rc;

	if (tlv_validate(v, len, &fault) != TLV_OK)
		return iso8583_fail(wk->diag, ISO8583_ESUB, &(iso8583_where){0, path, 0},
		                    fault.offset, "%s at offset %zu", tlv_strerror(fault.cause),
		                    fault.offset);
	rc = tlv_walk(v, len, visit_tlv, &tw, NULL);
	return rc > 0 ? -rc : rc;
}

static int explain_layout(struct walk *wk, const iso8583_layout *l, const char *path,
                          const uint8_t *v, size_t len, size_t *used, int depth)
{
	size_t pos = 0;
	int rc;

	switch (l->kind) {
	case ISO8583_LAYOUT_SEQ:
		if ((rc = explain_seq(wk, l, path, v, len, &pos, depth)) != 0)
			return rc;
		if (used != NULL)
			*used = pos;
		else if (pos != len)
			return iso8583_fail(wk->diag, ISO8583_ESUB, &(iso8583_where){0, path, 0},
			                    pos, "%zu bytes left over at offset %zu", len - pos,
			                    pos);
		return ISO8583_OK;
	case ISO8583_LAYOUT_TAGGED:
		return explain_tagged(wk, l, path, v, len, depth);
	case ISO8583_LAYOUT_REPEAT:
		return explain_repeat(wk, l, path, v, len, depth);
	default:
		return explain_tlv(wk, path, v, len, depth);
	}
}

int iso8583_explain(const iso8583_profile *p, const char *mti, int f, const uint8_t *value,
                    size_t len, iso8583_sub_fn fn, void *ctx, const char **layout_name,
                    iso8583_diag *diag)
{
	struct walk wk = {mti, fn, ctx, diag};
	const iso8583_layout *l;
	char path[8];

	if (layout_name != NULL)
		*layout_name = NULL;
	if (f < 2 || f > p->max_field || p->fields[f].name == NULL)
		return ISO8583_EFIELD;
	if ((l = layout_for(&p->fields[f], mti)) == NULL)
		return ISO8583_OK;
	if (layout_name != NULL)
		*layout_name = l->name;
	snprintf(path, sizeof path, "%d", f);
	return explain_layout(&wk, l, path, value, len, NULL, 0);
}

int iso8583_sub_get(const iso8583_profile *p, const char *mti, int f, const uint8_t *value,
                    size_t len, int pos, const uint8_t **sub, size_t *sub_len)
{
	iso8583_cursor c = {value, NULL, len, 0, {f, NULL, 0}, NULL};
	const iso8583_layout *l;

	if (f < 2 || f > p->max_field || p->fields[f].name == NULL)
		return ISO8583_EFIELD;
	l = layout_for(&p->fields[f], mti);
	if (l == NULL || l->kind != ISO8583_LAYOUT_SEQ || pos < 1 || pos > l->n_subs)
		return ISO8583_ESUB;
	for (int i = 0; i < pos; i++)
		if (c.pos == len ||
		    iso8583_field_read(&l->subs[i].spec, &c, sub, sub_len) != ISO8583_OK)
			return ISO8583_ESUB;
	return ISO8583_OK;
}
