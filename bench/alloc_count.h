/* alloc_count.h — heap allocation counter for the benchmarks.
 *
 * The benchmark executables link with -Wl,--wrap=malloc,calloc,realloc, so every
 * allocation made by possum's code passes through alloc_count.c and is counted. */
#ifndef POSSUM_ALLOC_COUNT_H
#define POSSUM_ALLOC_COUNT_H

#include <stdint.h>

uint64_t alloc_count(void);

#endif
