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

void text_local(int64_t t, int utc_offset, char out[TEXT_TIME_LEN])
{
	time_t local = (time_t)(t + (int64_t)utc_offset * 60);
	struct tm tm;

	if (t == 0 || gmtime_r(&local, &tm) == NULL ||
	    strftime(out, TEXT_TIME_LEN, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		strcpy(out, "-");
}
