/* profiles.c — the list of built-in dialects, and their variant with binary fields as hex
 * text. */
#include <string.h>

#include "iso8583/iso8583.h"
#include "iso8583/profiles/table.h"

static const iso8583_profile *const builtin[] = {
    &iso8583_cup_pos,
    &iso8583_iso87a,
    &iso8583_iso87a_bb,
    &iso8583_iso87b,
};

const iso8583_profile *iso8583_profile_at(size_t i)
{
	return i < sizeof builtin / sizeof builtin[0] ? builtin[i] : NULL;
}

const iso8583_profile *iso8583_profile_find(const char *name)
{
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (strcmp(builtin[i]->name, name) == 0)
			return builtin[i];
	return NULL;
}

int iso8583_profile_hex_binary(const iso8583_profile *base, iso8583_field_spec *fields, size_t n,
                               iso8583_profile *out)
{
	if (base == NULL || fields == NULL || out == NULL)
		return ISO8583_EFIELD;
	if (n < (size_t)base->max_field + 1)
		return ISO8583_ESPACE;
	memcpy(fields, base->fields, ((size_t)base->max_field + 1) * sizeof *fields);
	/* Whole binary fields only: a sub-field's layout reads the logical value, which hex
	 * text on the wire does not change. */
	for (size_t f = 2; f <= base->max_field; f++)
		if (fields[f].name != NULL && fields[f].cls == ISO8583_B &&
		    (fields[f].enc == ISO8583_ENC_ASCII || fields[f].enc == ISO8583_ENC_BIN))
			fields[f].enc = ISO8583_ENC_HEX;
	*out = *base;
	out->fields = fields;
	return ISO8583_OK;
}
