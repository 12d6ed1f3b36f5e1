/* text.c — checks on text that people give, and the text form of a time (text.h). */
#include "common/text.h"

#include <string.h>
#include <time.h>

/* Whether s (n bytes left) starts with the UTF-8 form of a bidirectional control: U+061C,
 * U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069. */
static bool text_bidi_at(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (n >= 2 && u[0] == 0xD8 && u[1] == 0x9C)
		return true;
	if (n < 3 || u[0] != 0xE2)
		return false;
	return (u[1] == 0x80 && (u[2] == 0x8E || u[2] == 0x8F || (u[2] >= 0xAA && u[2] <= 0xAE))) ||
	       (u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9);
}

bool text_is_line(const char *s, size_t max)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F || text_bidi_at(s + i, n - i))
			return false;
	return true;
}

void text_local(int64_t t, int utc_offset, char out[TEXT_TIME_LEN])
{
	time_t local = (time_t)(t + (int64_t)utc_offset * 60);
	struct tm tm;

	if (t == 0 || gmtime_r(&local, &tm) == NULL ||
	    strftime(out, TEXT_TIME_LEN, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		strcpy(out, "-");
}
