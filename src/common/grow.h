/* grow.h — room for one more item at the end of a growing array: the one doubling rule the
 * modules' lists share (a close's sums, a statement's lines, a rules file's code, …). */
#ifndef POSSUM_COMMON_GROW_H
#define POSSUM_COMMON_GROW_H

#include <stddef.h>

/* items (n of them, room for *cap, each size bytes), grown when full so that one more fits:
 * to first items when it has none, else twice as many (*cap updated). Returns the array to use
 * from now on, or NULL when out of memory (items left as they were, still the caller's). */
void *grow_room(void *items, size_t n, size_t *cap, size_t size, size_t first);

#endif
