/* test_tms_capk.c — the CA public keys (src/tms/capk.c, docs/tms.md "Chip applications and CA
 * public keys"), on the store of store_fixture.h (SQLite, or PostgreSQL with POSSUM_TEST_PG):
 * the EMV Book 2 checksum against published test keys; a wrong checksum, bad hex and bad
 * lengths refused with nothing stored; a key added once, audited; tms_capk_check() refusing
 * an expired, a revoked and a tampered key; the download items and the set's version; a
 * terminal reading the items back (tms_capk_decode) and refusing a byte changed in transit. */
#include "testutil.h"

#include <stdio.h>

#include "tms/tms_fixture.h"

#define NOW   TMS_FX_NOW
#define TODAY 20261202
#define ACTOR TMS_FX_ACTOR

/* Visa's 1408-bit test CA public key A000000003 index 92 and Amex's 1152-bit test key
 * A000000025 index A1 (exponent 65537), with their checksums as published in openemv's
 * emv-utils, src/emv_capk_static_data.h ("Visa 1408-bit test CAPK [92]", "Amex 1152-bit test
 * CAPK [A1]"; https://github.com/openemv/emv-utils, commit 728a2c73); the Visa key's is also
 * in many terminal vendors' sample configurations. Public test keys, no secret. */
#define VISA92_MOD                                                                                 \
	"996AF56F569187D09293C14810450ED8EE3357397B18A2458EFAA92DA3B6DF6514EC060195318FD43BE9B8F0" \
	"CC669E3F844057CBDDF8BDA191BB64473BC8DC9A730DB8F6B4EDE3924186FFD9B8C7735789C23A36BA0B8AF6" \
	"5372EB57EA5D89E7D14E9C7B6B557460F10885DA16AC923F15AF3758F0F03EBD3C5C2C949CBA306DB44E6A2C" \
	"076C5F67E281D7EF56785DC4D75945E491F01918800A9E2DC66F60080566CE0DAF8D17EAD46AD8E30A247C9F"
#define VISA92_SUM "429C954A3859CEF91295F663C963E582ED6EB253"
#define AMEXA1_MOD                                                                                 \
	"99D17396421EE3F919BA549D9554BE0D4F92CB8B53B4878ED60CC5B2DEEDC79B85C8BD6FD2F23C22E68B381A" \
	"EEB74153AFB3C96E6C96AD018E73C2025D1EE77622A72BEE973C1AF7B908468D74FDB53DCE8380523E38C30D" \
	"0A8A226529726824E209E668F49F43B0E8CD2FE527CE7CC41F33F434F95D6E2FE2F589372032F2D6504340F8" \
	"C542D298B499A53D95AF4083"
#define AMEXA1_SUM "6E8C1C5EF66CC92F40A1721937A33873AF63BE5B"

static const struct tms_capk_text visa92 = {"A000000003", "92",       VISA92_MOD,
                                            "03",         "20291231", VISA92_SUM};

static int count_key(void *ctx, const struct tms_capk *k)
{
	(void)k;
	++*(int *)ctx;
	return 0;
}

/* The keys listed (all, or those in force at date). */
static int keys(struct tms_fixture *x, bool all, int date)
{
	int n = 0;

	assert_int_equal(tms_capk_list(x->t, all, date, count_key, &n), TMS_OK);
	return n;
}

static void published_checksums(void **state)
{
	struct tms_capk_text amex = {"A000000025", "A1", AMEXA1_MOD, "010001", "20301231", NULL};
	struct tms_capk k;
	char why[160];

	(void)state;
	assert_int_equal(tms_capk_parse(&visa92, &k, why, sizeof why), TMS_OK);
	assert_int_equal(k.modulus_len, 176);
	assert_memory_equal(k.checksum, HEX(VISA92_SUM), 20);
	/* Computed when none is given: the 3-byte exponent counted whole. */
	assert_int_equal(tms_capk_parse(&amex, &k, why, sizeof why), TMS_OK);
	assert_int_equal(k.modulus_len, 144);
	assert_memory_equal(k.checksum, HEX(AMEXA1_SUM), 20);
	assert_int_equal(tms_capk_check(&k, TODAY), TMS_OK);
}

static void wrong_checksum_refused(void **state)
{
	struct tms_fixture *x = *state;
	struct tms_capk_text t = visa92;
	char why[160];

	/* The Visa key's checksum with its last digit changed. */
	t.checksum = "429C954A3859CEF91295F663C963E582ED6EB254";
	assert_int_equal(tms_capk_add(x->t, ACTOR, &t, NOW, NULL, why, sizeof why), TMS_ECHECKSUM);
	assert_non_null(strstr(why, "429C954A3859CEF91295F663C963E582ED6EB254"));
	assert_non_null(strstr(why, VISA92_SUM));
	/* Amex's checksum on Visa's key. */
	t.checksum = AMEXA1_SUM;
	assert_int_equal(tms_capk_add(x->t, ACTOR, &t, NOW, NULL, why, sizeof why), TMS_ECHECKSUM);
	assert_int_equal(keys(x, true, TODAY), 0);
	assert_int_equal(tms_fixture_audited(x, "tms.capk.add"), 0);
}

static void bad_fields_refused(void **state)
{
	struct tms_fixture *x = *state;
	char big[2 * TMS_MODULUS_MAX + 3];
	static const struct {
		size_t field; /* offset in struct tms_capk_text */
		const char *value, *option;
	} bad[] = {
	    {offsetof(struct tms_capk_text, rid), "A0000000", "--rid"},
	    {offsetof(struct tms_capk_text, rid), "A00000000G", "--rid"},
	    {offsetof(struct tms_capk_text, index), "921", "--index"},
	    {offsetof(struct tms_capk_text, index), "", "--index"},
	    {offsetof(struct tms_capk_text, modulus), "", "--modulus"},
	    {offsetof(struct tms_capk_text, modulus), "99 6A", "--modulus"},
	    {offsetof(struct tms_capk_text, modulus), "996", "--modulus"},
	    {offsetof(struct tms_capk_text, exponent), "02", "--exponent"},
	    {offsetof(struct tms_capk_text, exponent), "0003", "--exponent"},
	    {offsetof(struct tms_capk_text, expiry), "20290230", "--expiry"},
	    {offsetof(struct tms_capk_text, expiry), "291231", "--expiry"},
	    {offsetof(struct tms_capk_text, checksum), "429C954A", "--checksum"},
	};
	char why[160];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct tms_capk_text t = visa92;

		*(const char **)((char *)&t + bad[i].field) = bad[i].value;
		assert_int_equal(tms_capk_add(x->t, ACTOR, &t, NOW, NULL, why, sizeof why),
		                 TMS_EARG);
		assert_non_null(strstr(why, bad[i].option));
	}
	/* 249 bytes: one over EMV's largest modulus. */
	memset(big, 'A', 2 * TMS_MODULUS_MAX + 2);
	big[2 * TMS_MODULUS_MAX + 2] = '\0';
	{
		struct tms_capk_text t = visa92;

		t.modulus = big;
		t.checksum = NULL;
		assert_int_equal(tms_capk_add(x->t, ACTOR, &t, NOW, NULL, why, sizeof why),
		                 TMS_EARG);
	}
	assert_int_equal(keys(x, true, TODAY), 0);
	assert_int_equal(tms_fixture_audited(x, "tms.capk.add"), 0);
}

static int first_key(void *ctx, const struct tms_capk *k)
{
	*(struct tms_capk *)ctx = *k;
	return 1;
}

static void added_once_and_audited(void **state)
{
	struct tms_fixture *x = *state;
	struct tms_capk k, listed;
	char why[160];

	assert_int_equal(tms_capk_add(x->t, ACTOR, &visa92, NOW, &k, why, sizeof why), TMS_OK);
	assert_int_equal(keys(x, false, TODAY), 1);
	assert_int_equal(tms_capk_list(x->t, false, TODAY, first_key, &listed), 1);
	assert_memory_equal(listed.modulus, k.modulus, k.modulus_len);
	assert_memory_equal(listed.checksum, HEX(VISA92_SUM), 20);
	assert_int_equal(listed.expiry, 20291231);
	assert_string_equal(listed.added_by, ACTOR);
	assert_int_equal(tms_capk_check(&listed, TODAY), TMS_OK);
	assert_int_equal(tms_fixture_audited(x, "tms.capk.add"), 1);
	/* Never changed in place: the same RID and index again is refused. */
	assert_int_equal(tms_capk_add(x->t, ACTOR, &visa92, NOW, NULL, why, sizeof why),
	                 TMS_EEXIST);
	assert_non_null(strstr(why, "A000000003:92"));
	assert_int_equal(keys(x, true, TODAY), 1);
	assert_int_equal(tms_fixture_audited(x, "tms.capk.add"), 1);
}

static void expired_revoked_tampered_refused(void **state)
{
	struct tms_fixture *x = *state;
	struct tms_capk k;
	char why[160];

	assert_int_equal(tms_capk_add(x->t, ACTOR, &visa92, NOW, &k, why, sizeof why), TMS_OK);
	/* Used through its expiry date, not after. */
	assert_int_equal(tms_capk_check(&k, 20291231), TMS_OK);
	assert_int_equal(tms_capk_check(&k, 20300101), TMS_EEXPIRED);
	assert_string_equal(tms_capk_state(&k, 20300101), "expired");
	assert_int_equal(keys(x, false, 20300101), 0);
	assert_int_equal(keys(x, true, 20300101), 1);
	/* A modulus changed by one bit. */
	k.modulus[17] ^= 1;
	assert_int_equal(tms_capk_check(&k, TODAY), TMS_ECHECKSUM);
	/* Revoked: out of the list in force, and refused by the check. */
	assert_int_equal(tms_capk_revoke(x->t, ACTOR, "a000000003", "92", "compromised", NOW + 60),
	                 TMS_OK);
	assert_int_equal(keys(x, false, TODAY), 0);
	assert_int_equal(tms_capk_list(x->t, true, TODAY, first_key, &k), 1);
	assert_int_equal(tms_capk_check(&k, TODAY), TMS_EREVOKED);
	assert_string_equal(tms_capk_state(&k, TODAY), "revoked");
	assert_string_equal(k.revoke_reason, "compromised");
	assert_int_equal(k.revoked_at, NOW + 60);
	assert_int_equal(tms_fixture_audited(x, "tms.capk.revoke"), 1);
	/* Once only; an unknown key; a reason required. */
	assert_int_equal(tms_capk_revoke(x->t, ACTOR, "A000000003", "92", "again", NOW + 60),
	                 TMS_EREVOKED);
	assert_int_equal(tms_capk_revoke(x->t, ACTOR, "A000000003", "94", "no such", NOW + 60),
	                 TMS_ENOTFOUND);
	assert_int_equal(tms_capk_revoke(x->t, ACTOR, "A000000003", "92", "", NOW + 60), TMS_EARG);
	assert_int_equal(tms_fixture_audited(x, "tms.capk.revoke"), 1);
}

static void download_items_and_version(void **state)
{
	struct tms_fixture *x = *state;
	uint8_t buf[1024];
	char v0[9], v1[9], v2[9], why[160];
	size_t len = 0;
	struct tms_capk k;

	/* No key: the form is empty, its version SHA-256("")'s first 8 hex digits. */
	assert_int_equal(tms_capk_version(x->t, TODAY, v0), TMS_OK);
	assert_string_equal(v0, "e3b0c442");
	assert_int_equal(tms_capk_add(x->t, ACTOR, &visa92, NOW, &k, why, sizeof why), TMS_OK);
	assert_int_equal(tms_capk_encode(x->t, TODAY, buf, sizeof buf, &len), TMS_OK);
	/* CK and its length, then RI, IX, MO, EX, XD, CS. */
	assert_int_equal(len, 5 + 10 + 6 + 5 + 176 + 6 + 13 + 25);
	assert_memory_equal(buf, "CK241RI005", 10);
	assert_memory_equal(buf + 10, HEX("A000000003"), 5);
	assert_memory_equal(buf + 15, "IX001\x92MO176", 11);
	assert_memory_equal(buf + 26, HEX(VISA92_MOD), 176);
	assert_memory_equal(buf + 202, "EX001\x03XD00820291231CS020", 24);
	assert_memory_equal(buf + 226, HEX(VISA92_SUM), 20);
	assert_int_equal(tms_capk_encode(x->t, TODAY, buf, 100, &len), TMS_ESPACE);
	assert_int_equal(tms_capk_version(x->t, TODAY, v1), TMS_OK);
	assert_string_not_equal(v1, v0);
	assert_int_equal(strlen(v1), 8);
	/* Expired at a later date: not given, the version of none. */
	assert_int_equal(tms_capk_version(x->t, 20300101, v2), TMS_OK);
	assert_string_equal(v2, v0);
	/* Revoked: the same. */
	assert_int_equal(tms_capk_revoke(x->t, ACTOR, "A000000003", "92", "replaced", NOW), TMS_OK);
	assert_int_equal(tms_capk_version(x->t, TODAY, v2), TMS_OK);
	assert_string_equal(v2, v0);
}

/* What a terminal does with the download: each CK item read back (tms_item_get,
 * tms_capk_decode) and checked (tms_capk_check); a byte of the modulus changed on the way is
 * refused, and so are a cut item, a missing checksum and a repeated index. */
static void terminal_reads_and_checks(void **state)
{
	struct tms_fixture *x = *state;
	uint8_t buf[1024], item[400];
	const uint8_t *v;
	char tag[3], why[160];
	size_t len = 0, at = 0, n, m = 0;
	struct tms_capk k;

	assert_int_equal(tms_capk_add(x->t, ACTOR, &visa92, NOW, NULL, why, sizeof why), TMS_OK);
	assert_int_equal(tms_capk_encode(x->t, TODAY, buf, sizeof buf, &len), TMS_OK);
	assert_int_equal(tms_item_get(buf, len, &at, tag, &v, &n), TMS_OK);
	assert_string_equal(tag, "CK");
	assert_int_equal(tms_item_get(buf, len, &at, tag, &v, &n), TMS_ENOTFOUND);
	v = buf + 5, n = len - 5;
	assert_int_equal(tms_capk_decode(v, n, &k), TMS_OK);
	assert_memory_equal(k.rid, HEX("A000000003"), 5);
	assert_int_equal(k.index, 0x92);
	assert_int_equal(k.expiry, 20291231);
	assert_int_equal(tms_capk_check(&k, TODAY), TMS_OK);
	/* The modulus's 18th byte changed in transit. */
	buf[26 + 17] ^= 0x01;
	assert_int_equal(tms_capk_decode(v, n, &k), TMS_OK);
	assert_int_equal(tms_capk_check(&k, TODAY), TMS_ECHECKSUM);
	buf[26 + 17] ^= 0x01;
	/* Cut short; without its checksum (CS last: 25 bytes); the index twice. */
	assert_int_equal(tms_capk_decode(v, n - 1, &k), TMS_EARG);
	assert_int_equal(tms_capk_decode(v, n - 25, &k), TMS_EARG);
	assert_int_equal(tms_item_put(item, sizeof item, &m, "IX", "\x92", 1), TMS_OK);
	memcpy(item + m, v, n);
	assert_int_equal(tms_capk_decode(item, m + n, &k), TMS_EARG);
	/* Past its expiry at the terminal's date. */
	assert_int_equal(tms_capk_decode(v, n, &k), TMS_OK);
	assert_int_equal(tms_capk_check(&k, 20300101), TMS_EEXPIRED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(published_checksums),
	    cmocka_unit_test_setup_teardown(wrong_checksum_refused, tms_fixture_setup,
	                                    tms_fixture_teardown),
	    cmocka_unit_test_setup_teardown(bad_fields_refused, tms_fixture_setup,
	                                    tms_fixture_teardown),
	    cmocka_unit_test_setup_teardown(added_once_and_audited, tms_fixture_setup,
	                                    tms_fixture_teardown),
	    cmocka_unit_test_setup_teardown(expired_revoked_tampered_refused, tms_fixture_setup,
	                                    tms_fixture_teardown),
	    cmocka_unit_test_setup_teardown(download_items_and_version, tms_fixture_setup,
	                                    tms_fixture_teardown),
	    cmocka_unit_test_setup_teardown(terminal_reads_and_checks, tms_fixture_setup,
	                                    tms_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
