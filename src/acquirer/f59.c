/* f59.c — field 59's A2 (docs/cup-pos.md "Terminal identity"): the layout it is allowed and
 * its sub-fields read, for terminal.c's identity check (and fuzz/fuzz_f59.c). Input from the
 * terminal: every length is checked against the field before it is used. */
#include "acquirer/internal.h"

#include <string.h>

/* Sub-field tag of field 59's A2 (docs/cup-pos.md "Terminal identity") into out. */
bool acquirer_f59_sub(const char *v, const char *tag, char *out, size_t cap)
{
	size_t n = strlen(v), pos = 5;

	if (n < 5 || memcmp(v, "A2", 2) != 0)
		return false;
	while (pos + 5 <= n) {
		size_t len = 0;

		for (size_t i = 2; i < 5; i++) {
			if (v[pos + i] < '0' || v[pos + i] > '9')
				return false;
			len = len * 10 + (size_t)(v[pos + i] - '0');
		}
		if (pos + 5 + len > n)
			return false;
		if (memcmp(v + pos, tag, 2) == 0) {
			if (len >= cap)
				return false;
			memcpy(out, v + pos + 5, len);
			out[len] = '\0';
			return true;
		}
		pos += 5 + len;
	}
	return false;
}

/* A 3-digit length at v, or -1. */
static int digits3(const char *v)
{
	int len = 0;

	for (int i = 0; i < 3; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		len = len * 10 + (v[i] - '0');
	}
	return len;
}

/* Field 59 as its layout allows (docs/cup-pos.md "Terminal identity"): A2 and a length that
 * ends the field, then sub-fields 01 to 06 each at most once, each within its maximum, the last
 * ending where A2 does. NULL, or the reason to refuse it. */
const char *acquirer_f59_layout(const char *v)
{
	static const int max[] = {0, 2, ACQUIRER_SN_MAX, 6, 8, 8, 23}; /* by tag */
	size_t n = strlen(v), pos = 5;
	unsigned seen = 0;

	if (n < 5 || memcmp(v, "A2", 2) != 0 || digits3(v + 2) < 0)
		return "f59_tag";
	if ((size_t)digits3(v + 2) != n - 5)
		return (size_t)digits3(v + 2) < n - 5 ? "f59_trailing" : "f59_length";
	while (pos < n) {
		int tag, len;

		if (pos + 5 > n || (len = digits3(v + pos + 2)) < 0 || pos + 5 + (size_t)len > n)
			return "f59_length";
		tag =
		    v[pos] == '0' && v[pos + 1] >= '1' && v[pos + 1] <= '6' ? v[pos + 1] - '0' : 0;
		if (tag == 0 || (seen & (1u << tag)))
			return "f59_tag";
		if (len > max[tag])
			return "f59_length";
		seen |= 1u << tag;
		pos += 5 + (size_t)len;
	}
	return NULL;
}
