/* text.c — checks on text that people give, and the text form of a time (text.h). */
#include "common/text.h"

#include <string.h>
#include <time.h>

bool text_is_line(const char *s, size_t max)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return false;
	return true;
}

void text_utc(int64_t t, char out[TEXT_UTC_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;

	out[0] = '\0';
	if (t != 0 && gmtime_r(&tt, &tm) != NULL)
		strftime(out, TEXT_UTC_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
