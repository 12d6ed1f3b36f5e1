/* bench_iso8583.c — pack and unpack speed of the ISO 8583 codec on one core: a cup-pos
 * purchase request with ~150 bytes of field 55, and an iso87a 0200. Prints nanoseconds per
 * operation (mean, and p50/p99 over batches of 1,000), operations per second and heap
 * allocations per message (there must be none: exits 1 otherwise); peak memory at the end. */
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "harness.h"
#include "iso8583/iso8583.h"

#define BATCH 1000

static uint8_t bin52[8], bin55[160], bin64[8];

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

struct pack_ctx {
	const iso8583_profile *p;
	const iso8583_msg *m;
	uint8_t buf[1024];
};

static int pack_op(void *ctx, unsigned i)
{
	struct pack_ctx *c = ctx;
	size_t len;

	(void)i;
	return iso8583_pack(c->p, c->m, c->buf, sizeof c->buf, &len, NULL);
}

struct unpack_ctx {
	const iso8583_profile *p;
	const uint8_t *wire;
	size_t len;
	iso8583_msg out;
};

static int unpack_op(void *ctx, unsigned i)
{
	struct unpack_ctx *c = ctx;

	(void)i;
	return iso8583_unpack(c->p, c->wire, c->len, &c->out, NULL);
}

/* Packs and unpacks m under p, a line each; non-zero if either failed or allocated. */
static int pack_and_unpack(const char *what, const iso8583_profile *p, const iso8583_msg *m,
                           int batches)
{
	static struct pack_ctx pc;
	static struct unpack_ctx uc;
	char line[96];
	size_t len;
	int bad = 0;

	pc.p = p;
	pc.m = m;
	if (iso8583_pack(p, m, pc.buf, sizeof pc.buf, &len, NULL) != ISO8583_OK)
		return 1;
	/* Every pack writes the same bytes into pc.buf, which the unpack then reads. */
	uc.p = p;
	uc.wire = pc.buf;
	uc.len = len;
	snprintf(line, sizeof line, "%s (%zu B), pack", what, len);
	bad |= bench_report(line, bench_run(pack_op, &pc, 10000, batches, BATCH), true);
	snprintf(line, sizeof line, "%s (%zu B), unpack", what, len);
	bad |= bench_report(line, bench_run(unpack_op, &uc, 10000, batches, BATCH), true);
	return bad;
}

int main(int argc, char **argv)
{
	static const char f55[] =
	    "9F2608A1B2C3D4E5F607089F2701809F101307010103A0A002010A010000000000A2B3C4D5"
	    "9F3704ABCDEF019F360200319505008004E0009A032611229C01009F0206000000001234"
	    "5F2A02015682027C009F1A0201569F3303E0F9C89F34034203009F3501229F1E08313233"
	    "34353637388408A0000003330101029F090200309F4104000001239F6308303130303030"
	    "3030";
	int batches = bench_batches(argc, argv, BENCH_MAX_BATCHES), bad = 0;
	size_t f55_len;
	iso8583_msg m;

	/* ~150 bytes of typical ARQC field 55 (cryptogram, IAD, TVR, amounts, terminal data). */
	if (hex_decode(f55, strlen(f55), bin55, sizeof bin55, &f55_len) != HEX_OK)
		return 1;
	memset(bin52, 0x5A, sizeof bin52);
	memset(bin64, 0xA5, sizeof bin64);
	printf("ISO 8583 codec, one core, %d operations each (field 55: %zu bytes)\n",
	       BATCH * batches, f55_len);
	purchase(&m, f55_len);
	bad |=
	    pack_and_unpack("cup-pos 0200 purchase", iso8583_profile_find("cup-pos"), &m, batches);
	iso8583_unset(&m, 55);
	iso8583_unset(&m, 60);
	bad |= pack_and_unpack("iso87a 0200", iso8583_profile_find("iso87a"), &m, batches);
	bench_peak_memory();
	return bad;
}
