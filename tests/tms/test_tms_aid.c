/* test_tms_aid.c — the chip applications (src/tms/aid.c, docs/tms.md "Chip applications and CA
 * public keys"), on the store of store_fixture.h (SQLite, or PostgreSQL with POSSUM_TEST_PG):
 * UnionPay's three AIDs seeded; an AID added, replaced (what is left out taking its default)
 * and removed, each audited; bad hex, lengths and limits refused with nothing changed; the
 * download items, and a version that follows what a terminal gets and nothing else; an item
 * read back as a terminal reads it, and one missing, repeating or bending a value refused. */
#include "testutil.h"

#include <stdio.h>

#include "tms/tms_fixture.h"

#define NOW   TMS_FX_NOW
#define ACTOR TMS_FX_ACTOR

/* The applications listed, up to 8, into a list. */
struct list {
	struct tms_aid a[8];
	int n;
};

static int collect(void *ctx, const struct tms_aid *a)
{
	struct list *l = ctx;

	if (l->n < 8)
		l->a[l->n] = *a;
	l->n++;
	return 0;
}

static struct list *listed(struct tms_fixture *x)
{
	static struct list l;

	l.n = 0;
	assert_int_equal(tms_aid_list(x->t, collect, &l), TMS_OK);
	return &l;
}

static void unionpay_seeded(void **state)
{
	static const char *const aids[] = {"A000000333010101", "A000000333010102",
	                                   "A000000333010103"};
	struct list *l = listed(*state);

	assert_int_equal(l->n, 3);
	for (int i = 0; i < 3; i++) {
		assert_memory_equal(l->a[i].aid, HEX(aids[i]), 8);
		assert_int_equal(l->a[i].aid_len, 8);
		assert_memory_equal(l->a[i].version, HEX("0030"), 2);
		assert_memory_equal(l->a[i].tac_default, HEX("D84000A800"), 5);
		assert_memory_equal(l->a[i].tac_denial, HEX("0010000000"), 5);
		assert_memory_equal(l->a[i].tac_online, HEX("D84004F800"), 5);
		assert_int_equal(l->a[i].floor_limit, 0);
	}
	assert_string_equal(l->a[0].label, "UnionPay Debit");
	assert_string_equal(l->a[1].label, "UnionPay Credit");
	assert_string_equal(l->a[2].label, "UnionPay Quasi-credit");
}

static void added_replaced_removed(void **state)
{
	struct tms_fixture *x = *state;
	struct tms_aid_text t = {.aid = "a0000000031010",
	                         .label = "VISA CREDIT",
	                         .tac_denial = "0010000000",
	                         .floor_limit = 50000,
	                         .threshold = 10000,
	                         .target_percent = 20,
	                         .max_target_percent = 50,
	                         .partial = true};
	struct list *l;
	bool replaced = true;
	char why[160];

	assert_int_equal(tms_aid_add(x->t, ACTOR, &t, NOW, NULL, &replaced, why, sizeof why),
	                 TMS_OK);
	assert_false(replaced);
	l = listed(x);
	assert_int_equal(l->n, 4);
	/* In AID order: A0000000031010 before UnionPay's. */
	assert_memory_equal(l->a[0].aid, HEX("A0000000031010"), 7);
	assert_string_equal(l->a[0].label, "VISA CREDIT");
	assert_int_equal(l->a[0].floor_limit, 50000);
	assert_int_equal(l->a[0].threshold, 10000);
	assert_true(l->a[0].partial);
	assert_string_equal(l->a[0].updated_by, ACTOR);
	assert_int_equal(tms_fixture_audited(x, "tms.aid.add"), 1);
	/* Again: replaced whole, the limits left out back to their defaults. */
	t = (struct tms_aid_text){.aid = "A0000000031010",
	                          .label = "Visa",
	                          .version = "008C",
	                          .tac_online = "DC4004F800"};
	assert_int_equal(tms_aid_add(x->t, ACTOR, &t, NOW + 1, NULL, &replaced, why, sizeof why),
	                 TMS_OK);
	assert_true(replaced);
	l = listed(x);
	assert_int_equal(l->n, 4);
	assert_string_equal(l->a[0].label, "Visa");
	assert_memory_equal(l->a[0].version, HEX("008C"), 2);
	assert_memory_equal(l->a[0].tac_online, HEX("DC4004F800"), 5);
	assert_int_equal(l->a[0].floor_limit, 0);
	assert_false(l->a[0].partial);
	assert_int_equal(tms_fixture_audited(x, "tms.aid.replace"), 1);
	/* Removed, once. */
	assert_int_equal(tms_aid_remove(x->t, ACTOR, "A0000000031010", NOW + 2), TMS_OK);
	assert_int_equal(listed(x)->n, 3);
	assert_int_equal(tms_aid_remove(x->t, ACTOR, "A0000000031010", NOW + 2), TMS_ENOTFOUND);
	assert_int_equal(tms_aid_remove(x->t, ACTOR, "A00000", NOW + 2), TMS_EARG);
	assert_int_equal(tms_fixture_audited(x, "tms.aid.remove"), 1);
}

static void bad_fields_refused(void **state)
{
	struct tms_fixture *x = *state;
	static const struct {
		struct tms_aid_text t;
		const char *option;
	} bad[] = {
	    {{.aid = "A000000333", .label = "x"}, NULL}, /* the one good: 5 bytes */
	    {{.aid = "A0000003", .label = "x"}, "--aid"},
	    {{.aid = "A00000033301010101010101010101010A", .label = "x"}, "--aid"},
	    {{.aid = "A00000033G", .label = "x"}, "--aid"},
	    {{.aid = "A0000003330", .label = "x"}, "--aid"},
	    {{.aid = "A000000333", .label = ""}, "--label"},
	    {{.aid = "A000000333", .label = "a label of more than thirty-two bytes"}, "--label"},
	    {{.aid = "A000000333", .label = "two\nlines"}, "--label"},
	    {{.aid = "A000000333", .label = "x", .version = "030"}, "--version"},
	    {{.aid = "A000000333", .label = "x", .threshold = 1}, "--threshold"},
	    {{.aid = "A000000333", .label = "x", .floor_limit = 1000000000000}, "--threshold"},
	    {{.aid = "A000000333", .label = "x", .target_percent = 30, .max_target_percent = 20},
	     "--target-percent"},
	    {{.aid = "A000000333", .label = "x", .max_target_percent = 100}, "--target-percent"},
	    {{.aid = "A000000333", .label = "x", .tac_default = "D84000A8"}, "--tac-default"},
	    {{.aid = "A000000333", .label = "x", .tac_denial = "00100000000"}, "--tac-denial"},
	    {{.aid = "A000000333", .label = "x", .tac_online = "D84004F80Z"}, "--tac-online"},
	};
	char why[160];

	for (size_t i = 1; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(
		    tms_aid_add(x->t, ACTOR, &bad[i].t, NOW, NULL, NULL, why, sizeof why),
		    TMS_EARG);
		assert_non_null(strstr(why, bad[i].option));
	}
	assert_int_equal(listed(x)->n, 3);
	assert_int_equal(tms_fixture_audited(x, "tms.aid.add"), 0);
	assert_int_equal(tms_aid_add(x->t, ACTOR, &bad[0].t, NOW, NULL, NULL, why, sizeof why),
	                 TMS_OK);
	assert_int_equal(listed(x)->n, 4);
}

static void download_items_and_version(void **state)
{
	struct tms_fixture *x = *state;
	/* UnionPay debit's AI item: AD, LB, AV, FL, TH, TP, MP, TD, TN, TO, PS. */
	static const char debit[] = "AI123AD008\xA0\x00\x00\x03\x33\x01\x01\x01"
	                            "LB014UnionPay Debit"
	                            "AV002\x00\x30"
	                            "FL012000000000000TH012000000000000TP00200MP00200"
	                            "TD005\xD8\x40\x00\xA8\x00"
	                            "TN005\x00\x10\x00\x00\x00"
	                            "TO005\xD8\x40\x04\xF8\x00"
	                            "PS0010";
	struct tms_aid_text t = {
	    .aid = "A000000333010101", .label = "UnionPay Debit", .floor_limit = 100};
	uint8_t buf[1024];
	char v0[9], v1[9], v2[9], why[160];
	size_t len = 0;

	assert_int_equal(tms_aid_encode(x->t, buf, sizeof buf, &len), TMS_OK);
	assert_int_equal(len, 3 * (sizeof debit - 1) + 1 + 7); /* the others: labels 1, 7 longer */
	assert_memory_equal(buf, debit, sizeof debit - 1);
	assert_int_equal(tms_aid_version(x->t, v0), TMS_OK);
	assert_int_equal(strlen(v0), 8);
	/* The floor limit changed: another version; back as it was, the first again, whoever
	 * wrote it when. */
	assert_int_equal(tms_aid_add(x->t, ACTOR, &t, NOW, NULL, NULL, why, sizeof why), TMS_OK);
	assert_int_equal(tms_aid_version(x->t, v1), TMS_OK);
	assert_string_not_equal(v1, v0);
	t.floor_limit = 0;
	assert_int_equal(tms_aid_add(x->t, "cli:other", &t, NOW + 9, NULL, NULL, why, sizeof why),
	                 TMS_OK);
	assert_int_equal(tms_aid_version(x->t, v2), TMS_OK);
	assert_string_equal(v2, v0);
}

/* tms_aid_decode() gives back what tms_aid_item() wrote; another tag is skipped; an item
 * missing, repeated or of a wrong length, and a value tms_aid_parse() refuses, are not read. */
static void item_decoded(void **state)
{
	struct tms_aid_text t = {.aid = "A0000000031010",
	                         .label = "VISA CREDIT 维萨",
	                         .tac_denial = "0000008000",
	                         .floor_limit = 30000,
	                         .threshold = 10000,
	                         .target_percent = 20,
	                         .max_target_percent = 50,
	                         .partial = true};
	struct tms_aid a, b;
	uint8_t buf[512], bad[512];
	const uint8_t *v;
	size_t len = 0, at = 0, n;
	char tag[3], why[160];

	(void)state;
	assert_int_equal(tms_aid_parse(&t, &a, why, sizeof why), TMS_OK);
	assert_int_equal(tms_aid_item(&a, buf, sizeof buf, &len), TMS_OK);
	assert_int_equal(tms_item_get(buf, len, &at, tag, &v, &n), TMS_OK);
	assert_string_equal(tag, "AI");
	assert_int_equal(tms_aid_decode(v, n, &b), TMS_OK);
	assert_memory_equal(b.aid, a.aid, 7);
	assert_int_equal(b.aid_len, 7);
	assert_string_equal(b.label, "VISA CREDIT 维萨");
	assert_int_equal(b.floor_limit, 30000);
	assert_int_equal(b.threshold, 10000);
	assert_int_equal(b.target_percent, 20);
	assert_int_equal(b.max_target_percent, 50);
	assert_memory_equal(b.tac_denial, HEX("0000008000"), 5);
	assert_memory_equal(b.tac_online, HEX("D84004F800"), 5);
	assert_memory_equal(b.version, HEX("0030"), 2);
	assert_true(b.partial);
	/* Another tag after the others: skipped. */
	memcpy(bad, v, n);
	memcpy(bad + n, "ZZ0011", 6);
	assert_int_equal(tms_aid_decode(bad, n + 6, &b), TMS_OK);
	/* PS repeated; the whole without its last item (PS); a floor limit not digits; FL short. */
	memcpy(bad + n, "PS0011", 6);
	assert_int_equal(tms_aid_decode(bad, n + 6, &b), TMS_EARG);
	assert_int_equal(tms_aid_decode(v, n - 6, &b), TMS_EARG);
	memcpy(bad, v, n);
	for (at = 0; memcmp(bad + at, "FL012", 5) != 0; at++)
		assert_true(at + 5 < n);
	memcpy(bad + at + 5, "00000003000x", 12);
	assert_int_equal(tms_aid_decode(bad, n, &b), TMS_EARG);
	assert_int_equal(tms_aid_decode((const uint8_t *)"AD002\xA0\x00", 7, &b), TMS_EARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(unionpay_seeded, tms_fixture_setup,
	                                    tms_fixture_teardown),
	    cmocka_unit_test_setup_teardown(added_replaced_removed, tms_fixture_setup,
	                                    tms_fixture_teardown),
	    cmocka_unit_test_setup_teardown(bad_fields_refused, tms_fixture_setup,
	                                    tms_fixture_teardown),
	    cmocka_unit_test_setup_teardown(download_items_and_version, tms_fixture_setup,
	                                    tms_fixture_teardown),
	    cmocka_unit_test(item_decoded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
