/* text.c — a field's value as text people read (iso8583.h): text fields as themselves, binary
 * ones as hex. */
#include <string.h>

#include "common/hex.h"
#include "iso8583/iso8583.h"

int iso8583_field_text(const iso8583_profile *p, const iso8583_msg *m, int f, char *out, size_t cap,
                       size_t *len)
{
	uint8_t value[ISO8583_TEXT_MAX / 2 + 1];
	size_t n;
	int rc;

	if ((rc = iso8583_get(m, f, value, sizeof value, &n)) != ISO8583_OK)
		return rc;
	if (p->fields[f].cls != ISO8583_B) {
		if (n + 1 > cap)
			return ISO8583_ESPACE;
		memcpy(out, value, n + 1);
	} else {
		if (hex_encode(value, n, out, cap) != HEX_OK)
			return ISO8583_ESPACE;
		n *= 2;
	}
	*len = n;
	return ISO8583_OK;
}
