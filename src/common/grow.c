/* grow.c — room for one more item at the end of a growing array (grow.h). */
#include "common/grow.h"

#include <assert.h>
#include <stdlib.h>

void *grow_room(void *items, size_t n, size_t *cap, size_t size, size_t first)
{
	size_t more = *cap != 0 ? 2 * *cap : first;

	assert(n <= *cap && first > 0 && size > 0);
	if (n < *cap)
		return items;
	if ((items = realloc(items, more * size)) != NULL)
		*cap = more;
	return items;
}
