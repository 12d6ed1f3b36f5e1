/* harness.c — timing, allocation counting and reporting for the benchmarks (harness.h). */
#include "harness.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static uint64_t allocations;

uint64_t alloc_count(void)
{
	return allocations;
}

void *__wrap_malloc(size_t n)
{
	allocations++;
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	allocations++;
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	allocations++;
	return __real_realloc(p, n);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct bench_result bench_run(bench_op op, void *ctx, int warmup, int batches, int batch)
{
	double per_op[BENCH_MAX_BATCHES], total = 0;
	struct bench_result r = {0};
	unsigned i = 0;
	uint64_t a0;

	if (batches > BENCH_MAX_BATCHES)
		batches = BENCH_MAX_BATCHES;
	for (int k = 0; k < warmup; k++)
		r.failed |= op(ctx, i++) != 0;
	a0 = alloc_count();
	for (int b = 0; b < batches; b++) {
		double t0 = now_ns();
		for (int k = 0; k < batch; k++)
			r.failed |= op(ctx, i++) != 0;
		per_op[b] = (now_ns() - t0) / batch;
		total += per_op[b];
	}
	r.allocs = (double)(alloc_count() - a0) / ((double)batch * batches);
	r.mean = total / batches;
	qsort(per_op, (size_t)batches, sizeof per_op[0], cmp_double);
	r.p50 = per_op[batches / 2];
	r.p99 = per_op[batches * 99 / 100];
	return r;
}

int bench_report(const char *what, struct bench_result r, bool no_alloc)
{
	bool allocates = no_alloc && r.allocs > 0;

	printf("  %-46s %9.1f ns/op  p50 %9.1f  p99 %9.1f  %10.0f ops/s  %5.2f allocs/op%s\n", what,
	       r.mean, r.p50, r.p99, 1e9 / r.mean, r.allocs,
	       r.failed    ? "  FAILED"
	       : allocates ? "  ALLOCATES"
	                   : "");
	return r.failed || allocates;
}

int bench_batches(int argc, char **argv, int dflt)
{
	int n = argc > 1 ? atoi(argv[1]) : dflt;

	return n < 1 ? 1 : n > BENCH_MAX_BATCHES ? BENCH_MAX_BATCHES : n;
}

void bench_peak_memory(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	printf("  peak memory (max RSS): %ld KiB\n", ru.ru_maxrss);
}
