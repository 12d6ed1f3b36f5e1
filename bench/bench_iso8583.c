/* bench_iso8583.c — pack and unpack speed of the ISO 8583 codec on one core: a cup-pos
 * purchase request with ~150 bytes of field 55, and an iso87a 0200. Prints nanoseconds per
 * operation (mean, and p50/p99 over batches of 1,000), operations per second, and heap
 * allocations per message; peak memory at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "alloc_count.h"
#include "common/hex.h"
#include "iso8583/iso8583.h"

#define BATCH       1000
#define MAX_BATCHES 2000

/* Batches to run: MAX_BATCHES, or fewer when given (a quick run under callgrind). */
static int batches = MAX_BATCHES;

static uint8_t bin52[8], bin55[160], bin64[8];

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

static void purchase(iso8583_msg *m, size_t f55_len)
{
	iso8583_msg_init(m);
	iso8583_set_mti(m, "0200");
	iso8583_set_str(m, 2, "6228480402564890018");
	iso8583_set_str(m, 3, "000000");
	iso8583_set_str(m, 4, "000000001234");
	iso8583_set_str(m, 11, "000123");
	iso8583_set_str(m, 14, "2812");
	iso8583_set_str(m, 22, "051");
	iso8583_set_str(m, 23, "001");
	iso8583_set_str(m, 25, "00");
	iso8583_set_str(m, 26, "12");
	iso8583_set_str(m, 35, "6228480402564890018=28122201234567890");
	iso8583_set_str(m, 41, "10000001");
	iso8583_set_str(m, 42, "898310048161234");
	iso8583_set_str(m, 49, "156");
	iso8583_set(m, 52, bin52, 8);
	iso8583_set_str(m, 53, "2600000000000000");
	iso8583_set(m, 55, bin55, f55_len);
	iso8583_set_str(m, 60, "22000001000501");
	iso8583_set(m, 64, bin64, 8);
}

struct result {
	double mean, p50, p99;
	double allocs;
};

enum op { OP_PACK, OP_UNPACK };

static struct result run(enum op op, const iso8583_profile *p, const iso8583_msg *m,
                         const uint8_t *wire, size_t wire_len)
{
	static double per_op[MAX_BATCHES];
	uint8_t buf[1024];
	iso8583_msg out;
	size_t len;
	uint64_t a0;
	double total = 0;
	int sink = 0;

	for (int warm = 0; warm < 10000; warm++)
		sink += op == OP_PACK ? iso8583_pack(p, m, buf, sizeof buf, &len, NULL)
		                      : iso8583_unpack(p, wire, wire_len, &out, NULL);
	a0 = alloc_count();
	for (int b = 0; b < batches; b++) {
		double t0 = now_ns();
		for (int i = 0; i < BATCH; i++)
			sink += op == OP_PACK ? iso8583_pack(p, m, buf, sizeof buf, &len, NULL)
			                      : iso8583_unpack(p, wire, wire_len, &out, NULL);
		per_op[b] = (now_ns() - t0) / BATCH;
		total += per_op[b];
	}
	if (sink != 0) {
		fprintf(stderr, "bench: codec failed\n");
		exit(1);
	}
	struct result r = {.mean = total / batches,
	                   .allocs = (double)(alloc_count() - a0) / ((double)BATCH * batches)};
	qsort(per_op, batches, sizeof per_op[0], cmp_double);
	r.p50 = per_op[batches / 2];
	r.p99 = per_op[batches * 99 / 100];
	return r;
}

static void report(const char *what, size_t bytes, struct result r)
{
	printf("  %-34s %4zu B  %7.1f ns/op  p50 %7.1f  p99 %7.1f  %11.0f ops/s  %.2f allocs/msg\n",
	       what, bytes, r.mean, r.p50, r.p99, 1e9 / r.mean, r.allocs);
}

int main(int argc, char **argv)
{
	const iso8583_profile *cup = iso8583_profile_find("cup-pos");
	const iso8583_profile *a = iso8583_profile_find("iso87a");
	uint8_t cup_wire[1024], a_wire[1024];
	size_t cup_len, a_len, f55_len;
	struct rusage ru;
	iso8583_msg m;

	/* ~150 bytes of typical ARQC field 55 (cryptogram, IAD, TVR, amounts, terminal data). */
	static const char f55[] =
	    "9F2608A1B2C3D4E5F607089F2701809F101307010103A0A002010A010000000000A2B3C4D5"
	    "9F3704ABCDEF019F360200319505008004E0009A032611229C01009F0206000000001234"
	    "5F2A02015682027C009F1A0201569F3303E0F9C89F34034203009F3501229F1E08313233"
	    "34353637388408A0000003330101029F090200309F4104000001239F6308303130303030"
	    "3030";

	if (argc > 1 && (batches = atoi(argv[1])) < 1)
		batches = 1;
	if (batches > MAX_BATCHES)
		batches = MAX_BATCHES;
	if (hex_decode(f55, strlen(f55), bin55, sizeof bin55, &f55_len) != HEX_OK)
		return 1;
	memset(bin52, 0x5A, sizeof bin52);
	memset(bin64, 0xA5, sizeof bin64);

	purchase(&m, f55_len);
	if (iso8583_pack(cup, &m, cup_wire, sizeof cup_wire, &cup_len, NULL) != ISO8583_OK)
		return 1;
	printf("ISO 8583 codec, one core, %d operations each (field 55: %zu bytes)\n",
	       BATCH * batches, f55_len);
	report("cup-pos 0200 purchase, pack", cup_len, run(OP_PACK, cup, &m, NULL, 0));
	report("cup-pos 0200 purchase, unpack", cup_len,
	       run(OP_UNPACK, cup, NULL, cup_wire, cup_len));

	iso8583_unset(&m, 55);
	iso8583_unset(&m, 60);
	if (iso8583_pack(a, &m, a_wire, sizeof a_wire, &a_len, NULL) != ISO8583_OK)
		return 1;
	report("iso87a 0200, pack", a_len, run(OP_PACK, a, &m, NULL, 0));
	report("iso87a 0200, unpack", a_len, run(OP_UNPACK, a, NULL, a_wire, a_len));

	getrusage(RUSAGE_SELF, &ru);
	printf("  peak memory (max RSS): %ld KiB\n", ru.ru_maxrss);
	return 0;
}
