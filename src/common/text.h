/* text.h — checks on text that people give (names, ID numbers) before it is kept or shown,
 * and the one text form of a time that people and programs are shown.
 *
 * No allocation, no state. */
#ifndef POSSUM_TEXT_H
#define POSSUM_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether s is 1 to max bytes with no control character (C0 or DEL): UTF-8 letters pass,
 * a line break or escape that would forge a log line or a text message does not. */
bool text_is_line(const char *s, size_t max);

/* t (Unix seconds) as UTC in ISO 8601, "2026-11-30T14:00:00Z", into out; "" for 0 (the
 * "none" of a time) or a time gmtime cannot show. */
#define TEXT_UTC_LEN 32
void text_utc(int64_t t, char out[TEXT_UTC_LEN]);

#endif
