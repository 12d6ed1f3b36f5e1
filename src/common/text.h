/* text.h — checks on text that people give (names, ID numbers) before it is kept or shown.
 *
 * No allocation, no state. */
#ifndef POSSUM_TEXT_H
#define POSSUM_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Whether s is 1 to max bytes with no control character (C0 or DEL): UTF-8 letters pass,
 * a line break or escape that would forge a log line or a text message does not. */
bool text_is_line(const char *s, size_t max);

#endif
