/* text.h — checks on text that people give (names, ID numbers) before it is kept or shown,
 * and the one text form of a time that people and programs are shown.
 *
 * No allocation, no state. */
#ifndef POSSUM_TEXT_H
#define POSSUM_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether s is 1 to max bytes with no control character (C0 or DEL) and no bidirectional
 * control (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069): UTF-8 letters pass;
 * a line break or escape that would forge a log line or a text message does not, nor a
 * right-to-left override that would show "evil.pdf" as "fdp.live". */
bool text_is_line(const char *s, size_t max);

/* t (Unix seconds) as people read it, in the local time utc_offset minutes east of UTC and
 * with the year: "2026-11-30 22:00:00", into out; "-" for 0 (the "none" of a time) or a time
 * gmtime cannot show. Programs get RFC 3339 instead (jsonval_time). */
#define TEXT_TIME_LEN 32
void text_local(int64_t t, int utc_offset, char out[TEXT_TIME_LEN]);

#endif
