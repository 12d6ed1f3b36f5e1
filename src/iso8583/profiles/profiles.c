/* profiles.c — the list of built-in dialects. */
#include <string.h>

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
