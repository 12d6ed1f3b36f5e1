/* test_tlv.c — the BER-TLV codec against EMV chip data published by others, every
 * rejection rule of EMV 4.3 Book 3 Annex B, build-then-parse round trips and the tag
 * dictionary. */
#include "testutil.h"

#include "tlv/tlv.h"

/* Field 55 of a Visa purchase in Canada, from "How to parse DE55",
 * https://chipnpin.blogspot.com/2014/09/ (the LLVAR prefix 0149 dropped). Ends in four
 * objects of length 0: 9F58, DF01, DF02, DF04. */
#define DE55_VISA_CA                                                                               \
	"5F2A0201245F34010182021C008407A0000000031010950580000000009A031102249B0268009C01"         \
	"009F02060000000000009F03060000000000009F0607A00000000310109F0802008C9F0902008C9F"         \
	"100706010A039000009F1A0201249F2608423158936ED6C38F9F2701809F3303E0B0C89F34034103"         \
	"029F3501229F360200019F3704ACAC66E89F5800DF0100DF0200DF0400"

/* ICC data of a Visa UK test card, from activemerchant/active_merchant,
 * test/unit/gateways/stripe_test.rb (credit_card_with_icc_data): text tags 50, 5F20, 9F12,
 * 9F1C, 9F1E and the 3-byte proprietary tags DFAE57, DFAE5A. */
#define DE55_VISA_UK                                                                               \
	"500B56495341204352454449545F201A564953412041435155495245522054455354204341524420"         \
	"30315F24031512315F280208405F2A0208265F300202015F34010182025C008407A0000000031010"         \
	"950502000080009A031408259B02E8009C01009F02060000000734499F03060000000000009F0607"         \
	"A00000000310109F0902008C9F100706010A03A080009F120F4352454449544F2044452056495341"         \
	"9F1A0208269F1C0831373030303437309F1E0831373030303437309F2608EB2EC0F472BEA0A49F27"         \
	"01809F3303E0B8C89F34031E03009F3501229F360200C39F37040A27296F9F4104000001319F4502"         \
	"DAC5DFAE5711476173FFFFFF0119D15122011758989389DFAE5A08476173FFFFFF01195711476173"         \
	"9001010119D151220117589893895A084761739001010119"

/* An Interac debit sale, from globalpayments/java-sdk,
 * src/test/java/com/global/api/tests/network/vaps/VapsDebitTests.java (test_165). */
#define DE55_INTERAC                                                                               \
	"82021C008407A0000002771010950580000000009A031709289C01005F280201245F2A0201245F34"         \
	"01019F02060000000010009F03060000000000009F080200019F090200019F100706010A03A42000"         \
	"9F1A0201249F26089CC473F4A4CE18D39F2701809F3303E0F8C89F34030100029F3501229F360200"         \
	"639F370435EFED379F410400000019"

/* An issuer's field 55: 91, an Issuer Script Template 1 holding 9F18 and 86, then 8A.
 * From mmattice/pyemvtlv, test/test_decode_pseudo_ber.py (test_chain). */
#define DE55_ISSUER_SCRIPT                                                                         \
	"910A90CA8ABBFEE0BE240012711E9F1804000000018615842400021022C3089F35064C142447F11F"         \
	"A2EC0AA18A023030"

/* An issuer's field 55 with two script templates, 71 and 72, from alfianX/hommypay_trx,
 * cmd/app/main.go. */
#define DE55_TWO_SCRIPTS                                                                           \
	"910ACC93F8F8F2F35FA0303071129F1804000000018609841E0000049D64204172129F1804000000"         \
	"01860984240000047C6E0CBF"

/* A GENERATE AC response in template 77, from coolbong/JavaTlv,
 * src/test/java/TlvTest.java (test_tlv_find_002). */
#define GENAC_77                                                                                   \
	"77319F2701809F360200019F2608CA800E798292C38D9F101A1110A00103220001DAC00000000000"         \
	"0000FF00000000000000FF"

/* A Visa Debit card's answer to SELECT PPSE, 6F > A5 > BF0C > 61 > 4F 50 87 9F0A, from
 * MichaelsPlayground/TalkToYourCreditCardPart5, logfile.md (status word 9000 dropped). */
#define PPSE_FCI                                                                                   \
	"6F3A840E325041592E5359532E4444463031A528BF0C2561234F07A0000000031010500A56697361"         \
	"2044656269748701019F0A080001050100000000"

static const char *const published[] = {
    DE55_VISA_CA,     DE55_VISA_UK, DE55_INTERAC, DE55_ISSUER_SCRIPT,
    DE55_TWO_SCRIPTS, GENAC_77,     PPSE_FCI,
};

/* A walk recorded: tag, depth and length of each object in visiting order. */
struct trace {
	size_t n;
	uint32_t tag[64];
	int depth[64];
	size_t len[64];
};

static int record(void *ctx, const tlv *t, int depth)
{
	struct trace *tr = ctx;

	assert_true(tr->n < 64);
	tr->tag[tr->n] = t->tag;
	tr->depth[tr->n] = depth;
	tr->len[tr->n] = t->len;
	tr->n++;
	return 0;
}

static void walk_ok(const uint8_t *buf, size_t len, struct trace *tr)
{
	memset(tr, 0, sizeof *tr);
	assert_int_equal(tlv_validate(buf, len, NULL), TLV_OK);
	assert_int_equal(tlv_walk(buf, len, record, tr, NULL), TLV_OK);
}

/* Finds tag and checks its value, as hex. */
static void find_is(const uint8_t *buf, size_t len, uint32_t tag, const char *hex)
{
	tlv t;

	assert_int_equal(tlv_find(buf, len, tag, &t), TLV_OK);
	assert_int_equal(t.tag, tag);
	assert_string_equal(test_tohex(t.value, t.len), hex);
}

/* Rebuilds one level with tlv_put(), templates from their rebuilt contents, in place. */
static void rebuild(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *pos)
{
	size_t at = 0;
	tlv t;
	int rc;

	while ((rc = tlv_next(in, len, &at, &t)) == TLV_OK) {
		if (tlv_is_constructed(t.tag)) {
			size_t start = *pos;
			rebuild(t.value, t.len, out, cap, pos);
			size_t clen = *pos - start;
			*pos = start;
			assert_int_equal(tlv_put(out, cap, pos, t.tag, out + start, clen), TLV_OK);
		} else {
			assert_int_equal(tlv_put(out, cap, pos, t.tag, t.value, t.len), TLV_OK);
		}
	}
	assert_int_equal(rc, TLV_END);
}

static void expect_fault(const char *hex, int rc, int cause, size_t offset, int depth)
{
	size_t len;
	const uint8_t *buf = test_hex(hex, &len);
	tlv_fault f;

	assert_int_equal(tlv_validate(buf, len, &f), rc);
	assert_int_equal(f.cause, cause);
	assert_int_equal(f.offset, offset);
	assert_int_equal(f.depth, depth);
}

/* chipnpin DE55: 26 objects at the top level, the last four empty. */
static void visa_canada_field55(void **state)
{
	size_t len;
	const uint8_t *buf = test_hex(DE55_VISA_CA, &len);
	struct trace tr;
	tlv t;

	(void)state;
	assert_int_equal(len, 149); /* the LLVAR length the page gives */
	walk_ok(buf, len, &tr);
	assert_int_equal(tr.n, 26);
	assert_int_equal(tr.tag[0], 0x5F2A);
	assert_int_equal(tr.tag[25], 0xDF04);
	for (size_t i = 0; i < tr.n; i++)
		assert_int_equal(tr.depth[i], 0);
	find_is(buf, len, 0x9F26, "423158936ED6C38F");
	find_is(buf, len, 0x9F10, "06010A03900000");
	find_is(buf, len, 0x5F2A, "0124");
	assert_int_equal(tlv_find(buf, len, 0x9F58, &t), TLV_OK);
	assert_int_equal(t.len, 0);
	assert_ptr_equal(t.value, buf + 140); /* just past 9F58 00 */
}

/* activemerchant: text values and 3-byte tags. */
static void visa_uk_field55(void **state)
{
	size_t len;
	const uint8_t *buf = test_hex(DE55_VISA_UK, &len);
	struct trace tr;
	tlv t;

	(void)state;
	walk_ok(buf, len, &tr);
	assert_int_equal(tr.n, 35);
	assert_int_equal(tlv_find(buf, len, 0x50, &t), TLV_OK);
	assert_int_equal(t.len, 11);
	assert_memory_equal(t.value, "VISA CREDIT", 11);
	assert_int_equal(tlv_find(buf, len, 0x5F20, &t), TLV_OK);
	assert_memory_equal(t.value, "VISA ACQUIRER TEST CARD 01", 26);
	assert_int_equal(tlv_find(buf, len, 0x9F12, &t), TLV_OK);
	assert_memory_equal(t.value, "CREDITO DE VISA", 15);
	find_is(buf, len, 0xDFAE57, "476173FFFFFF0119D15122011758989389");
	find_is(buf, len, 0xDFAE5A, "476173FFFFFF0119");
	find_is(buf, len, 0x5A, "4761739001010119");
}

/* globalpayments: an Interac field 55 of 22 objects. */
static void interac_field55(void **state)
{
	size_t len;
	const uint8_t *buf = test_hex(DE55_INTERAC, &len);
	struct trace tr;

	(void)state;
	walk_ok(buf, len, &tr);
	assert_int_equal(tr.n, 22);
	find_is(buf, len, 0x84, "A0000002771010");
	find_is(buf, len, 0x9F26, "9CC473F4A4CE18D3");
	find_is(buf, len, 0x9F41, "00000019");
}

/* pyemvtlv: 71 holds 9F18 and 86; the walk goes into it between 91 and 8A. */
static void issuer_script_template(void **state)
{
	size_t len;
	const uint8_t *buf = test_hex(DE55_ISSUER_SCRIPT, &len);
	static const uint32_t tags[] = {0x91, 0x71, 0x9F18, 0x86, 0x8A};
	static const int depths[] = {0, 0, 1, 1, 0};
	static const size_t lens[] = {10, 30, 4, 21, 2};
	struct trace tr;
	tlv t;

	(void)state;
	walk_ok(buf, len, &tr);
	assert_int_equal(tr.n, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(tr.tag[i], tags[i]);
		assert_int_equal(tr.depth[i], depths[i]);
		assert_int_equal(tr.len[i], lens[i]);
	}
	find_is(buf, len, 0x9F18, "00000001");
	find_is(buf, len, 0x86, "842400021022C3089F35064C142447F11FA2EC0AA1");
	find_is(buf, len, 0x8A, "3030");
	/* tlv_next() stays on one level: the template comes back whole. */
	size_t pos = 12;
	assert_int_equal(tlv_next(buf, len, &pos, &t), TLV_OK);
	assert_int_equal(t.tag, 0x71);
	assert_int_equal(t.len, 30);
	assert_int_equal(pos, 44);
}

/* hommypay: two templates, 71 then 72; find returns the first match depth-first. */
static void two_issuer_scripts(void **state)
{
	size_t len;
	const uint8_t *buf = test_hex(DE55_TWO_SCRIPTS, &len);
	struct trace tr;
	tlv t;

	(void)state;
	walk_ok(buf, len, &tr);
	assert_int_equal(tr.n, 7);
	find_is(buf, len, 0x86, "841E0000049D642041"); /* the one in 71 */
	assert_int_equal(tlv_find(buf, len, 0x72, &t), TLV_OK);
	find_is(t.value, t.len, 0x86, "84240000047C6E0CBF");
	find_is(buf, len, 0x91, "CC93F8F8F2F35FA03030");
}

/* JavaTlv: 9F26, 9F27 and 9F36 found inside a 77 template. */
static void generate_ac_template_77(void **state)
{
	size_t len;
	const uint8_t *buf = test_hex(GENAC_77, &len);

	(void)state;
	assert_int_equal(tlv_validate(buf, len, NULL), TLV_OK);
	find_is(buf, len, 0x9F27, "80");
	find_is(buf, len, 0x9F36, "0001");
	find_is(buf, len, 0x9F26, "CA800E798292C38D");
	find_is(buf, len, 0x9F10, "1110A00103220001DAC000000000000000FF00000000000000FF");
}

/* TalkToYourCreditCard: four templates deep, with the 2-byte constructed tag BF0C. */
static void ppse_nested_templates(void **state)
{
	size_t len;
	const uint8_t *buf = test_hex(PPSE_FCI, &len);
	static const uint32_t tags[] = {0x6F, 0x84, 0xA5, 0xBF0C, 0x61, 0x4F, 0x50, 0x87, 0x9F0A};
	static const int depths[] = {0, 1, 1, 2, 3, 4, 4, 4, 4};
	struct trace tr;
	tlv t;

	(void)state;
	walk_ok(buf, len, &tr);
	assert_int_equal(tr.n, 9);
	for (size_t i = 0; i < 9; i++) {
		assert_int_equal(tr.tag[i], tags[i]);
		assert_int_equal(tr.depth[i], depths[i]);
	}
	assert_int_equal(tlv_find(buf, len, 0x50, &t), TLV_OK);
	assert_memory_equal(t.value, "Visa Debit", 10);
	find_is(buf, len, 0x4F, "A0000000031010");
	assert_int_equal(tlv_find(buf, len, 0xBF0C, &t), TLV_OK);
	assert_int_equal(t.len, 37);
}

/* Every published sample uses the shortest lengths and no padding, so taking it apart and
 * putting it back together gives the same bytes. */
static void published_samples_round_trip(void **state)
{
	uint8_t out[512];

	(void)state;
	for (size_t i = 0; i < sizeof published / sizeof published[0]; i++) {
		size_t len, pos = 0;
		const uint8_t *buf = test_hex(published[i], &len);
		rebuild(buf, len, out, sizeof out, &pos);
		assert_int_equal(pos, len);
		assert_memory_equal(out, buf, len);
	}
}

/* The pyemvtlv issuer response built from its parts: 71 is built in place. */
static void build_issuer_response(void **state)
{
	uint8_t out[64];
	size_t pos = 0, start;
	size_t len;
	const uint8_t *want = test_hex(DE55_ISSUER_SCRIPT, &len);

	(void)state;
	assert_int_equal(tlv_put(out, sizeof out, &pos, 0x91, HEX("90CA8ABBFEE0BE240012"), 10),
	                 TLV_OK);
	start = pos;
	assert_int_equal(tlv_put(out, sizeof out, &pos, 0x9F18, HEX("00000001"), 4), TLV_OK);
	assert_int_equal(tlv_put(out, sizeof out, &pos, 0x86,
	                         HEX("842400021022C3089F35064C142447F11FA2EC0AA1"), 21),
	                 TLV_OK);
	size_t clen = pos - start;
	pos = start;
	assert_int_equal(tlv_put(out, sizeof out, &pos, 0x71, out + start, clen), TLV_OK);
	assert_int_equal(tlv_put(out, sizeof out, &pos, 0x8A, (const uint8_t *)"00", 2), TLV_OK);
	assert_int_equal(pos, len);
	assert_memory_equal(out, want, len);
}

/* Annex B2 boundaries: the shortest length form for 0, 127, 128, 255, 256 and 65535
 * bytes, read back to the same value. */
static void length_forms(void **state)
{
	static uint8_t value[TLV_MAX_LEN + 1], out[TLV_MAX_LEN + 8];
	static const struct {
		size_t len;
		const char *hdr;
	} cases[] = {
	    {0, "9F1000"},     {127, "9F107F"},     {128, "9F108180"},
	    {255, "9F1081FF"}, {256, "9F10820100"}, {65535, "9F1082FFFF"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof value; i++)
		value[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t pos = 0, hlen = strlen(cases[i].hdr) / 2, at = 0;
		tlv t;
		assert_int_equal(tlv_put(out, sizeof out, &pos, 0x9F10, value, cases[i].len),
		                 TLV_OK);
		assert_int_equal(pos, hlen + cases[i].len);
		assert_string_equal(test_tohex(out, hlen), cases[i].hdr);
		assert_int_equal(tlv_next(out, pos, &at, &t), TLV_OK);
		assert_int_equal(t.tag, 0x9F10);
		assert_int_equal(t.len, cases[i].len);
		assert_ptr_equal(t.value, out + hlen);
		assert_memory_equal(t.value, value, cases[i].len);
		assert_int_equal(at, pos);
		assert_int_equal(tlv_next(out, pos, &at, &t), TLV_END);
	}
	size_t pos = 0;
	assert_int_equal(tlv_put(out, sizeof out, &pos, 0x9F10, value, TLV_MAX_LEN + 1),
	                 TLV_ETOOLONG);
	assert_int_equal(pos, 0);
}

/* A long form wider than needed is accepted (ISO/IEC 8825-1 8.1.3.5 note 2; pyemv's and
 * JavaTlv's tests read 9C8101FF, 9C820001FF and 8281021800 the same way); the rebuild
 * uses the shortest form. */
static void non_minimal_lengths_accepted(void **state)
{
	static const struct {
		const char *in, *value, *shortest;
	} cases[] = {
	    {"9C8101FF", "FF", "9C01FF"},
	    {"9C820001FF", "FF", "9C01FF"},
	    {"8281021800", "1800", "82021800"},
	    {"9F26820008"
	     "0102030405060708",
	     "0102030405060708", "9F26080102030405060708"},
	};
	uint8_t out[32];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len, at = 0, pos = 0;
		const uint8_t *buf = test_hex(cases[i].in, &len);
		tlv t;
		assert_int_equal(tlv_validate(buf, len, NULL), TLV_OK);
		assert_int_equal(tlv_next(buf, len, &at, &t), TLV_OK);
		assert_string_equal(test_tohex(t.value, t.len), cases[i].value);
		rebuild(buf, len, out, sizeof out, &pos);
		assert_string_equal(test_tohex(out, pos), cases[i].shortest);
	}
}

/* Annex B: '00' before, between and after objects, at any level, is skipped. */
static void padding_skipped(void **state)
{
	size_t len, pos = 0;
	const uint8_t *buf = test_hex("0000 9F270180 00 7007 00 9F360200E5 00 0000", &len);
	struct trace tr;
	tlv t;

	(void)state;
	walk_ok(buf, len, &tr);
	assert_int_equal(tr.n, 3);
	assert_int_equal(tr.tag[2], 0x9F36);
	assert_int_equal(tr.depth[2], 1);
	assert_int_equal(tlv_next(buf, len, &pos, &t), TLV_OK);
	assert_int_equal(pos, 6);
	assert_int_equal(tlv_next(buf, len, &pos, &t), TLV_OK);
	assert_int_equal(tlv_next(buf, len, &pos, &t), TLV_END);
	assert_int_equal(pos, len);
	assert_int_equal(tlv_validate(HEX("0000"), 2, NULL), TLV_OK);
	assert_int_equal(tlv_validate(NULL, 0, NULL), TLV_OK);
	assert_int_equal(tlv_find(NULL, 0, 0x9F26, &t), TLV_ENOTFOUND);
}

/* Multi-byte tags: 2, 3 and 4 bytes read whole; a fifth byte is refused. */
static void tag_sizes(void **state)
{
	size_t len, pos = 0;
	const uint8_t *buf = test_hex("5A01AA 9F0201BB DF810101CC DF81820301DD", &len);
	static const uint32_t tags[] = {0x5A, 0x9F02, 0xDF8101, 0xDF818203};
	tlv t;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(tlv_next(buf, len, &pos, &t), TLV_OK);
		assert_int_equal(t.tag, tags[i]);
		assert_int_equal(t.len, 1);
	}
	assert_int_equal(tlv_next(buf, len, &pos, &t), TLV_END);
	expect_fault("DF8182830401AA", TLV_ETAGLONG, TLV_ETAGLONG, 0, 0);
	expect_fault("DF8182838401AA", TLV_ETAGLONG, TLV_ETAGLONG, 0, 0);
}

/* Each rule of Annex B has its own code, and the fault says where. */
static void rejections(void **state)
{
	(void)state;
	/* A tag cut short: 9F 81 says another byte follows, and there is none. */
	expect_fault("9F270180 9F81", TLV_ETAG, TLV_ETAG, 4, 0);
	expect_fault("DFAE", TLV_ETAG, TLV_ETAG, 0, 0);
	/* A tag longer than 4 bytes. */
	expect_fault("9F270180 DF8182838485 0100", TLV_ETAGLONG, TLV_ETAGLONG, 4, 0);
	/* A length missing, or its long form cut short. */
	expect_fault("9F27", TLV_ELEN, TLV_ELEN, 0, 0);
	expect_fault("9F2781", TLV_ELEN, TLV_ELEN, 0, 0);
	expect_fault("9F278201", TLV_ELEN, TLV_ELEN, 0, 0);
	/* Indefinite length and length fields beyond 3 bytes. */
	expect_fault("9F27800000", TLV_ELENFORM, TLV_ELENFORM, 0, 0);
	expect_fault("9F278300000180", TLV_ELENFORM, TLV_ELENFORM, 0, 0);
	expect_fault("9F2784000000010180", TLV_ELENFORM, TLV_ELENFORM, 0, 0);
	expect_fault("9F27FF", TLV_ELENFORM, TLV_ELENFORM, 0, 0);
	/* A value running past the end, in every length form. */
	expect_fault("9F2608010203040506", TLV_EOVERRUN, TLV_EOVERRUN, 0, 0);
	expect_fault("9F26818001", TLV_EOVERRUN, TLV_EOVERRUN, 0, 0);
	expect_fault("9F2682FFFF0102", TLV_EOVERRUN, TLV_EOVERRUN, 0, 0);
	/* A template whose contents are not BER-TLV: the cause is inside. */
	expect_fault("9F270180 7003 9F2608", TLV_ECONTENT, TLV_EOVERRUN, 6, 1);
	expect_fault("7105 9F270180 01 8A023030", TLV_ECONTENT, TLV_ETRAILING, 6, 1);
	expect_fault("7004 7202 9F80", TLV_ECONTENT, TLV_ETAG, 4, 2);
	/* One stray byte after the data, at the top or at the end of a template. */
	expect_fault("9F27018001", TLV_ETRAILING, TLV_ETRAILING, 4, 0);
	expect_fault("5A", TLV_ETRAILING, TLV_ETRAILING, 0, 0);
}

/* Nesting: objects at depth TLV_MAX_DEPTH - 1 are accepted, one deeper is not. */
static void nesting_depth_limit(void **state)
{
	uint8_t buf[64];

	(void)state;
	for (int levels = TLV_MAX_DEPTH - 1; levels <= TLV_MAX_DEPTH; levels++) {
		size_t pos = 2 * (size_t)levels, len;
		tlv_fault f;
		/* 9F27 01 80 at depth `levels`, inside `levels` templates 70, built in place. */
		assert_int_equal(tlv_put(buf, sizeof buf, &pos, 0x9F27, HEX("80"), 1), TLV_OK);
		len = pos;
		for (int i = levels; i-- > 0;) {
			pos = 2 * (size_t)i;
			assert_int_equal(
			    tlv_put(buf, sizeof buf, &pos, 0x70, buf + pos + 2, len - pos - 2),
			    TLV_OK);
		}
		assert_int_equal(tlv_validate(buf, len, &f),
		                 levels < TLV_MAX_DEPTH ? TLV_OK : TLV_EDEPTH);
		if (levels == TLV_MAX_DEPTH) {
			assert_int_equal(f.cause, TLV_EDEPTH);
			assert_int_equal(f.depth, TLV_MAX_DEPTH);
			assert_int_equal(f.offset, 2 * (size_t)TLV_MAX_DEPTH);
		}
	}
}

/* tlv_next(): errors leave *pos at the object that could not be read. */
static void next_reports_position(void **state)
{
	size_t len, pos = 0;
	const uint8_t *buf = test_hex("9F270180 0000 9F260801", &len);
	tlv t;

	(void)state;
	assert_int_equal(tlv_next(buf, len, &pos, &t), TLV_OK);
	assert_int_equal(tlv_next(buf, len, &pos, &t), TLV_EOVERRUN);
	assert_int_equal(pos, 6);
}

/* tlv_find(): not there, or the data fails before the tag is reached. */
static void find_misses(void **state)
{
	size_t len;
	const uint8_t *buf = test_hex(DE55_VISA_CA, &len);
	tlv t;

	(void)state;
	assert_int_equal(tlv_find(buf, len, 0x9F99, &t), TLV_ENOTFOUND);
	assert_int_equal(tlv_find(buf, len, 0x26, &t), TLV_ENOTFOUND); /* no tail matches */
	assert_int_equal(tlv_find(HEX("7003 9F2608 9F2701 80"), 9, 0x9F27, &t), TLV_ECONTENT);
	/* Found before the fault: find reads no further. */
	find_is(HEX("9F270180 9F2608"), 7, 0x9F27, "80");
}

static int stop_at_third(void *ctx, const tlv *t, int depth)
{
	int *n = ctx;

	(void)t;
	(void)depth;
	return ++*n == 3 ? -100 : 0;
}

/* The callback's non-zero return ends the walk and is handed back. */
static void walk_stops_when_asked(void **state)
{
	size_t len;
	const uint8_t *buf = test_hex(DE55_INTERAC, &len);
	int n = 0;

	(void)state;
	assert_int_equal(tlv_walk(buf, len, stop_at_third, &n, NULL), -100);
	assert_int_equal(n, 3);
}

/* tlv_put() writes only tags read_tag would read back, into the space it is given. */
static void put_rejections(void **state)
{
	static const uint32_t bad[] = {
	    0x00,       /* padding, not a tag */
	    0x1F,       /* says a tag number follows, and none does */
	    0x9F,       /* the same */
	    0x5A01,     /* 5A takes no further byte */
	    0x9F81,     /* last byte says another follows */
	    0xDF8181FF, /* the same, in 4 bytes */
	    0xDF0101,   /* a middle byte that says none follows */
	};
	uint8_t out[16];
	size_t pos;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		pos = 0;
		assert_int_equal(tlv_put(out, sizeof out, &pos, bad[i], NULL, 0), TLV_EBADTAG);
	}
	pos = 0;
	assert_int_equal(tlv_put(out, 10, &pos, 0x9F26, HEX("0102030405060708"), 8), TLV_ESPACE);
	assert_int_equal(pos, 0);
	assert_int_equal(tlv_put(out, 11, &pos, 0x9F26, HEX("0102030405060708"), 8), TLV_OK);
	assert_int_equal(pos, 11);
	assert_int_equal(tlv_put(out, 11, &pos, 0x8A, NULL, 0), TLV_ESPACE);
	pos = 0;
	assert_int_equal(tlv_put(out, 2, &pos, 0xDF8101, NULL, 0), TLV_ESPACE);
	assert_int_equal(tlv_put(out, 4, &pos, 0xDF8101, NULL, 0), TLV_OK);
	assert_string_equal(test_tohex(out, pos), "DF810100");
}

/* ISO/IEC 8825-1 8.1.2.5: bit 6 of the first tag byte marks a constructed object. */
static void constructed_bit(void **state)
{
	static const uint32_t yes[] = {0x61, 0x6F, 0x70,   0x71, 0x72,    0x73,
	                               0x77, 0xA5, 0xBF0C, 0xE0, 0xFF8101};
	static const uint32_t no[] = {0x50,   0x57,   0x80,   0x82,   0x86,
	                              0x9F26, 0x5F2A, 0xDF31, 0x9F4B, 0xDFAE57};

	(void)state;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		assert_true(tlv_is_constructed(yes[i]));
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		assert_false(tlv_is_constructed(no[i]));
}

/* The dictionary knows the field-55 tags and a good part of EMV 4.3 Book 3 Annex A. */
static void dictionary(void **state)
{
	static const uint32_t known[] = {
	    0x9F26, 0x9F27, 0x9F10, 0x9F37, 0x9F36, 0x95,   0x9A,   0x9C,   0x9F02, 0x9F03,
	    0x5F2A, 0x82,   0x9F1A, 0x9F34, 0x9F33, 0x9F35, 0x9F1E, 0x84,   0x9F09, 0x9F41,
	    0x5F34, 0x5A,   0x57,   0x91,   0x71,   0x72,   0x8A,   0x9F63, 0xDF31, 0x4F,
	    0x50,   0x70,   0x77,   0x80,   0x8C,   0x8D,   0x8E,   0x9F6E, 0x9F7C, 0x86,
	    0x9F18, 0x5F20, 0x5F24, 0x5F25, 0x5F28, 0x5F2D, 0x5F30, 0x61,   0x6F,   0xA5,
	    0xBF0C, 0x87,   0x88,   0x8F,   0x90,   0x92,   0x93,   0x94,   0x9F06, 0x9F07,
	    0x9F08, 0x9F0D, 0x9F0E, 0x9F0F, 0x9F12, 0x9F15, 0x9F16, 0x9F1C, 0x9F21, 0x9F38,
	    0x9F39, 0x9F40, 0x9F42, 0x9F4E, 0x9F53, 0x9F5B, 0x9F66, 0x9F6C, 0x89,   0x9B,
	};
	static const struct {
		uint32_t tag;
		const char *name;
	} names[] = {
	    {0x9F26, "Application Cryptogram"},      {0x9F27, "Cryptogram Information Data"},
	    {0x95, "Terminal Verification Results"}, {0x71, "Issuer Script Template 1"},
	    {0x72, "Issuer Script Template 2"},      {0x8A, "Authorisation Response Code"},
	    {0xDF31, "Issuer Script Results"},       {0x50, "Application Label"},
	};
	static const uint32_t text[] = {0x50, 0x5F20, 0x5F2D, 0x8A, 0x9F12, 0x9F1C, 0x9F1E, 0x9F4E};
	static const uint32_t hex[] = {0x9F26, 0x5A, 0x57, 0x9F02, 0x5F2A, 0x9A, 0x84, 0x71};

	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		assert_non_null(tlv_tag_name(known[i]));
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		assert_string_equal(tlv_tag_name(names[i].tag), names[i].name);
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
		assert_true(tlv_tag_is_text(text[i]));
	for (size_t i = 0; i < sizeof hex / sizeof hex[0]; i++)
		assert_false(tlv_tag_is_text(hex[i]));
	assert_null(tlv_tag_name(0x9F99));
	assert_null(tlv_tag_name(0));
	assert_false(tlv_tag_is_text(0x9F99));
}

static void error_names(void **state)
{
	(void)state;
	for (int rc = TLV_ESPACE; rc <= TLV_END; rc++) {
		assert_string_not_equal(tlv_strerror(rc), "unknown tlv error");
		for (int other = TLV_ESPACE; other < rc; other++)
			assert_string_not_equal(tlv_strerror(rc), tlv_strerror(other));
	}
	assert_string_equal(tlv_strerror(-99), "unknown tlv error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(visa_canada_field55),
	    cmocka_unit_test(visa_uk_field55),
	    cmocka_unit_test(interac_field55),
	    cmocka_unit_test(issuer_script_template),
	    cmocka_unit_test(two_issuer_scripts),
	    cmocka_unit_test(generate_ac_template_77),
	    cmocka_unit_test(ppse_nested_templates),
	    cmocka_unit_test(published_samples_round_trip),
	    cmocka_unit_test(build_issuer_response),
	    cmocka_unit_test(length_forms),
	    cmocka_unit_test(non_minimal_lengths_accepted),
	    cmocka_unit_test(padding_skipped),
	    cmocka_unit_test(tag_sizes),
	    cmocka_unit_test(rejections),
	    cmocka_unit_test(nesting_depth_limit),
	    cmocka_unit_test(next_reports_position),
	    cmocka_unit_test(find_misses),
	    cmocka_unit_test(walk_stops_when_asked),
	    cmocka_unit_test(put_rejections),
	    cmocka_unit_test(constructed_bit),
	    cmocka_unit_test(dictionary),
	    cmocka_unit_test(error_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
