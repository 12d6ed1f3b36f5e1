/* test_tms_pending.c — downloads (src/tms/pending.c, docs/tms.md "Downloads"), on the store of
 * store_fixture.h (SQLite, or PostgreSQL with POSSUM_TEST_PG): the answers to a download's
 * requests (VN, the items from NX that fit, NX, MR; a CA key alone; from 0 again under a new
 * version), malformed requests refused, a confirmation's version read, and the pending bits of
 * the versions a terminal holds. */
#include "testutil.h"

#include <stdio.h>

#include "tms/tms_fixture.h"

#define NOW   TMS_FX_NOW
#define ACTOR TMS_FX_ACTOR

/* The item tagged tag of an answer (its value NUL-terminated into out), and the items that
 * are none of VN, NX, MR. */
static size_t answer_item(const uint8_t *f62, size_t len, const char *tag, char *out, size_t cap)
{
	const uint8_t *v;
	size_t at = 0, n, others = 0;
	char t[3];

	out[0] = '\0';
	while (tms_item_get(f62, len, &at, t, &v, &n) == TMS_OK) {
		if (strcmp(t, tag) == 0 && n < cap) {
			memcpy(out, v, n);
			out[n] = '\0';
		}
		if (strcmp(t, "VN") != 0 && strcmp(t, "NX") != 0 && strcmp(t, "MR") != 0)
			others++;
	}
	return others;
}

/* A request's field 62: VN vn, NX nx. */
static size_t request(uint8_t *buf, const char *vn, const char *nx)
{
	size_t len = 0;

	assert_int_equal(tms_item_put(buf, 64, &len, "VN", vn, strlen(vn)), TMS_OK);
	assert_int_equal(tms_item_put(buf, 64, &len, "NX", nx, strlen(nx)), TMS_OK);
	return len;
}

static void capk_key(struct tms_fixture *x, const char *index, char fill)
{
	struct tms_capk_text k = {"A000000333", index, NULL, "03", "20991231", NULL};
	char modulus[2 * 128 + 1], why[160];

	memset(modulus, fill, 256);
	modulus[256] = '\0';
	k.modulus = modulus;
	assert_int_equal(tms_capk_add(x->t, ACTOR, &k, NOW, NULL, why, sizeof why), TMS_OK);
}

/* The CA keys one a message, resumed at NX; a changed set answered from 0 under its new VN. */
static void capk_one_a_message(void **state)
{
	struct tms_fixture *x = *state;
	uint8_t req[64], out[TMS_CHUNK_MAX];
	char vn[16], nx[8], mr[4], v[9];
	struct tms_chunk c;
	size_t len;

	capk_key(x, "01", 'A');
	capk_key(x, "02", 'B');
	assert_int_equal(tms_download(x->t, TMS_SET_CAPK, "TERM0001", NOW, (const uint8_t *)"", 0,
	                              out, &len, &c),
	                 TMS_OK);
	assert_true(len <= TMS_CHUNK_MAX);
	assert_int_equal(answer_item(out, len, "VN", vn, sizeof vn), 1);
	assert_int_equal(tms_capk_version(x->t, tms_date(NOW, 480), v), TMS_OK);
	assert_string_equal(vn, v);
	answer_item(out, len, "NX", nx, sizeof nx);
	answer_item(out, len, "MR", mr, sizeof mr);
	assert_string_equal(nx, "1");
	assert_string_equal(mr, "1");
	assert_int_equal(c.from, 0);
	assert_int_equal(c.total, 2);
	/* Resumed at item 1: the last. */
	len = request(req, vn, "1");
	assert_int_equal(tms_download(x->t, TMS_SET_CAPK, "TERM0001", NOW, req, len, out, &len, &c),
	                 TMS_OK);
	assert_int_equal(answer_item(out, len, "MR", mr, sizeof mr), 1);
	assert_string_equal(mr, "0");
	assert_int_equal(c.from, 1);
	assert_int_equal(c.next, 2);
	assert_false(c.restarted);
	/* The set changed under it: from 0, under the new version. */
	capk_key(x, "03", 'C');
	len = request(req, vn, "1");
	assert_int_equal(tms_download(x->t, TMS_SET_CAPK, "TERM0001", NOW, req, len, out, &len, &c),
	                 TMS_OK);
	answer_item(out, len, "VN", v, sizeof v);
	assert_string_not_equal(v, vn);
	assert_true(c.restarted);
	assert_int_equal(c.from, 0);
	assert_int_equal(c.total, 3);
}

/* The AIDs (three seeded) fit in one answer; malformed requests are refused. */
static void aids_and_malformed(void **state)
{
	struct tms_fixture *x = *state;
	uint8_t req[64], out[TMS_CHUNK_MAX];
	char mr[4], nx[8], v[9];
	struct tms_chunk c;
	size_t len;

	assert_int_equal(
	    tms_download(x->t, TMS_SET_AID, "TERM0001", NOW, (const uint8_t *)"", 0, out, &len, &c),
	    TMS_OK);
	assert_int_equal(answer_item(out, len, "MR", mr, sizeof mr), 3);
	answer_item(out, len, "NX", nx, sizeof nx);
	assert_string_equal(mr, "0");
	assert_string_equal(nx, "3");
	assert_int_equal(tms_aid_version(x->t, v), TMS_OK);
	assert_string_equal(c.version, v);
	/* An unknown tag, an NX not a number, an NX past the end, a cut item. */
	assert_int_equal(tms_download(x->t, TMS_SET_AID, "TERM0001", NOW, (const uint8_t *)"XX000",
	                              5, out, &len, &c),
	                 TMS_EARG);
	len = request(req, v, "1x");
	assert_int_equal(tms_download(x->t, TMS_SET_AID, "TERM0001", NOW, req, len, out, &len, &c),
	                 TMS_EARG);
	len = request(req, v, "9");
	assert_int_equal(tms_download(x->t, TMS_SET_AID, "TERM0001", NOW, req, len, out, &len, &c),
	                 TMS_EARG);
	assert_int_equal(tms_download(x->t, TMS_SET_AID, "TERM0001", NOW,
	                              (const uint8_t *)"VN008ab", 7, out, &len, &c),
	                 TMS_EARG);
	/* The parameters of a terminal that is not there. */
	assert_int_equal(tms_download(x->t, TMS_SET_PARAMS, "NOSUCH01", NOW, (const uint8_t *)"", 0,
	                              out, &len, &c),
	                 TMS_ENOTFOUND);
}

static void confirm_and_pending(void **state)
{
	struct tms_versions cur = {{"11111111", "22222222", "33333333"}};
	const char *held[TMS_SETS] = {"11111111", "", "33333334"};
	const char *all[TMS_SETS] = {"11111111", "22222222", "33333333"};
	char v[9];
	enum tms_set s;

	(void)state;
	assert_int_equal(tms_confirm_read((const uint8_t *)"VN008abcdef01", 13, v), TMS_OK);
	assert_string_equal(v, "abcdef01");
	assert_int_equal(tms_confirm_read((const uint8_t *)"VN008ABCDEF01", 13, v), TMS_EARG);
	assert_int_equal(tms_confirm_read((const uint8_t *)"VN0071234567", 12, v), TMS_EARG);
	assert_int_equal(tms_confirm_read((const uint8_t *)"VN008abcdef01NX0010", 19, v), TMS_EARG);
	assert_int_equal(tms_pending_of(&cur, held), TMS_PENDING_CAPK | TMS_PENDING_AID);
	assert_int_equal(tms_pending_of(&cur, all), 0);
	assert_int_equal(tms_set_find("capk", &s), TMS_OK);
	assert_int_equal(s, TMS_SET_CAPK);
	assert_int_equal(tms_set_find("package", &s), TMS_EARG);
	assert_string_equal(tms_set_name(TMS_SET_AID), "aid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(capk_one_a_message, tms_fixture_setup,
	                                    tms_fixture_teardown),
	    cmocka_unit_test_setup_teardown(aids_and_malformed, tms_fixture_setup,
	                                    tms_fixture_teardown),
	    cmocka_unit_test(confirm_and_pending),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
