/* harness.h — what the benchmarks share: an operation timed in batches on one core, heap
 * allocations counted, one line printed a result.
 *
 * The benchmark executables link with -Wl,--wrap=malloc,calloc,realloc, so every allocation
 * made by possum's code (not by a shared library such as libcrypto) passes through
 * harness.c and is counted. */
#ifndef POSSUM_BENCH_HARNESS_H
#define POSSUM_BENCH_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#define BENCH_MAX_BATCHES 2000

/* The i-th operation on ctx; non-zero if it failed. */
typedef int (*bench_op)(void *ctx, unsigned i);

struct bench_result {
	double mean, p50, p99; /* ns per operation: mean, and over the batches' means */
	double allocs;         /* heap allocations per operation */
	bool failed;           /* some operation returned non-zero */
};

/* Runs `warmup` operations, then `batches` (at most BENCH_MAX_BATCHES) batches of `batch`. */
struct bench_result bench_run(bench_op op, void *ctx, int warmup, int batches, int batch);

/* Prints the result's line; returns 1 (and marks the line) when an operation failed, or
 * when one allocated and `no_alloc` says none may. */
int bench_report(const char *what, struct bench_result r, bool no_alloc);

/* The number of batches: argv[1] when given (a short run under callgrind), else dflt;
 * between 1 and BENCH_MAX_BATCHES. */
int bench_batches(int argc, char **argv, int dflt);

/* Prints the process's peak resident memory. */
void bench_peak_memory(void);

uint64_t alloc_count(void);

#endif
