/* test_tms_package.c — software packages (src/tms/package.c, rollout.c; docs/tms.md "Software
 * updates") on the store of store_fixture.h (SQLite, or PostgreSQL with POSSUM_TEST_PG): a
 * package stored, hashed and signed under an hsm key, verified as a terminal does and refused
 * with one byte of the file or the signature flipped; read back in pieces; bad models,
 * versions, an empty or oversized file and a second copy refused with nothing stored; the
 * order of versions; a rollout to 10% of 200 terminals reaching about 20 of them, the same ones
 * as it grows; rollouts to terminals and merchants, started later, stopped; the terminals a
 * rollout marks at once and its stop clears; the package a terminal should install; a 391's
 * package of another model refused; the minimum version's rule; the status's versions in
 * version order; every change audited. */
#include "testutil.h"

#include <stdio.h>

#include "crypto/ed25519.h"
#include "merchant/merchant.h"
#include "store/store_acquirer.h"
#include "store/store_merchant.h"
#include "tms/tms_fixture.h"

#define NOW   TMS_FX_NOW
#define ACTOR TMS_FX_ACTOR
#define MID   "898310048120001"
#define MID2  "898310048120002"

struct fx {
	struct tms_fixture *tf;
	tms *t;
	store *s;
	hsm *h;
	hsm_key key;
	uint8_t file[100000];
};

static void add_merchant(store *s, const char *mid)
{
	struct store_merchant m = {.status = STORE_MERCHANT_ACTIVE, .created_at = NOW};
	struct store_merchant_app a = {.state = MERCHANT_ACTIVE, .created_at = NOW};

	snprintf(m.mid, sizeof m.mid, "%s", mid);
	snprintf(m.name, sizeof m.name, "Possum %s", mid + 11);
	snprintf(m.mcc, sizeof m.mcc, "5942");
	snprintf(a.mid, sizeof a.mid, "%s", mid);
	snprintf(a.legal_name, sizeof a.legal_name, "%s", m.name);
	assert_int_equal(store_merchant_insert(s, &m), STORE_OK);
	assert_int_equal(store_merchant_app_insert(s, &a), STORE_OK);
}

static void add_terminal(store *s, const char *tid, const char *mid, const char *model,
                         const char *version)
{
	struct store_terminal t = {.status = STORE_TERMINAL_ACTIVE, .batch = 1, .created_at = NOW};

	snprintf(t.tid, sizeof t.tid, "%s", tid);
	snprintf(t.mid, sizeof t.mid, "%s", mid);
	snprintf(t.sn, sizeof t.sn, "SN-%s", tid);
	snprintf(t.model, sizeof t.model, "%s", model);
	snprintf(t.version, sizeof t.version, "%s", version);
	assert_int_equal(store_terminal_insert(s, &t), STORE_OK);
}

static int setup(void **state)
{
	static const uint8_t lmk[HSM_LMK_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	struct fx *x = calloc(1, sizeof *x);
	char tid[9];

	if (x == NULL || tms_fixture_setup((void **)&x->tf) != 0 || hsm_open(lmk, &x->h) != HSM_OK)
		return -1;
	x->t = x->tf->t;
	x->s = x->tf->sf->s;
	if (hsm_generate(x->h, &tms_key_specs[0], &x->key, NULL) != HSM_OK ||
	    tms_set_signer(x->t, x->h, &x->key) != TMS_OK)
		return -1;
	for (size_t i = 0; i < sizeof x->file; i++)
		x->file[i] = (uint8_t)(i * 7 + i / 251);
	add_merchant(x->s, MID);
	add_merchant(x->s, MID2);
	/* 200 terminals of model A920 at version 1.0, the first 10 of the second merchant; one
	 * of another model. */
	for (int i = 0; i < 200; i++) {
		snprintf(tid, sizeof tid, "T%07d", i);
		add_terminal(x->s, tid, i < 10 ? MID2 : MID, "A920", "1.0");
	}
	add_terminal(x->s, "OTHER001", MID, "V200", "1.0");
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	void *tf = x->tf;

	hsm_close(x->h);
	free(x);
	return tms_fixture_teardown(&tf);
}

static void add(struct fx *x, const char *model, const char *version, struct tms_package *p)
{
	char why[200];
	int rc = tms_package_add(x->t, ACTOR, model, version, x->file, sizeof x->file, NOW, p, why,
	                         sizeof why);

	if (rc != TMS_OK)
		fail_msg("package add %s %s: %s (%s)", model, version, tms_strerror(rc), why);
}

/* Stored, hashed, signed; the signature verifies with the public key, and fails with one byte
 * of the file, of the signature, or the version changed. */
static void sign_and_verify(void **state)
{
	struct fx *x = *state;
	struct tms_package p, got;
	uint8_t pub[TMS_PUB_LEN], sig[TMS_SIG_LEN];

	add(x, "A920", "1.2.0", &p);
	assert_true(p.id > 0);
	assert_int_equal(p.size, sizeof x->file);
	assert_int_equal(tms_package_get(x->t, p.id, &got), TMS_OK);
	assert_memory_equal(got.sha256, p.sha256, 32);
	assert_memory_equal(got.signature, p.signature, TMS_SIG_LEN);
	assert_int_equal(tms_package_key(x->t, pub), TMS_OK);
	assert_int_equal(tms_package_verify(pub, sizeof pub, "A920", "1.2.0", x->file,
	                                    sizeof x->file, got.signature),
	                 TMS_OK);
	x->file[50000] ^= 0x01;
	assert_int_equal(tms_package_verify(pub, sizeof pub, "A920", "1.2.0", x->file,
	                                    sizeof x->file, got.signature),
	                 TMS_EVERIFY);
	x->file[50000] ^= 0x01;
	memcpy(sig, got.signature, sizeof sig);
	sig[10] ^= 0x80;
	assert_int_equal(
	    tms_package_verify(pub, sizeof pub, "A920", "1.2.0", x->file, sizeof x->file, sig),
	    TMS_EVERIFY);
	/* The signature binds the model and the version. */
	assert_int_equal(tms_package_verify(pub, sizeof pub, "A920", "1.2.1", x->file,
	                                    sizeof x->file, got.signature),
	                 TMS_EVERIFY);
	assert_int_equal(tms_package_verify(pub, sizeof pub, "V200", "1.2.0", x->file,
	                                    sizeof x->file, got.signature),
	                 TMS_EVERIFY);
	assert_int_equal(
	    tms_package_verify(pub, 31, "A920", "1.2.0", x->file, sizeof x->file, got.signature),
	    TMS_EARG);
	assert_int_equal(tms_fixture_audited(x->tf, "tms.package.add"), 1);
}

/* The bytes read back in pieces of any size, across the store's chunks, are the file's. */
static void chunks(void **state)
{
	struct fx *x = *state;
	static uint8_t back[sizeof x->file];
	struct tms_package p;
	uint8_t buf[7000];
	size_t at = 0, len, total = 0;

	add(x, "A920", "2.0", &p);
	do {
		assert_int_equal(tms_package_chunk(x->t, p.id, at, buf, sizeof buf, &len, &total),
		                 TMS_OK);
		memcpy(back + at, buf, len);
		at += len;
	} while (len > 0);
	assert_int_equal(at, sizeof x->file);
	assert_int_equal(total, sizeof x->file);
	assert_memory_equal(back, x->file, sizeof x->file);
	assert_int_equal(tms_package_chunk(x->t, p.id, total + 1, buf, sizeof buf, &len, &total),
	                 TMS_EARG);
	assert_int_equal(tms_package_chunk(x->t, 999, 0, buf, sizeof buf, &len, &total),
	                 TMS_ENOTFOUND);
}

/* 0820 390's answers (docs/tms.md "Software updates"): the first with MD, HS and SG, each at
 * most 512 bytes, the package rebuilt from their DT items in order; malformed requests, an
 * unknown package and one of another model than the terminal's refused. 391's report read, a
 * malformed one refused. */
static void update_exchange(void **state)
{
	struct fx *x = *state;
	static uint8_t back[sizeof x->file];
	uint8_t req[64], out[TMS_CHUNK_MAX];
	struct tms_package p, other;
	struct tms_update u;
	size_t at = 0, len, rlen, n, pos;
	const uint8_t *v;
	char tag[3], of[24], pk[24], why[TMS_UPDATE_WHY_MAX + 1];
	bool more = true, ok;
	int64_t id;

	add(x, "A920", "2.0", &p);
	for (int first = 1; more; first = 0) {
		rlen = 0;
		snprintf(of, sizeof of, "%zu", at);
		snprintf(pk, sizeof pk, "%lld", (long long)p.id);
		assert_int_equal(tms_item_put(req, sizeof req, &rlen, "PK", pk, strlen(pk)),
		                 TMS_OK);
		assert_int_equal(tms_item_put(req, sizeof req, &rlen, "OF", of, strlen(of)),
		                 TMS_OK);
		assert_int_equal(tms_update_chunk(x->t, "T0000011", NOW, req, rlen, out, &len, &u),
		                 TMS_OK);
		assert_true(len <= TMS_CHUNK_MAX);
		assert_int_equal(u.package.id, p.id);
		bool has_sig = false;
		for (pos = 0; tms_item_get(out, len, &pos, tag, &v, &n) == TMS_OK;) {
			if (strcmp(tag, "DT") == 0) {
				memcpy(back + at, v, n);
				at += n;
			} else if (strcmp(tag, "MR") == 0) {
				more = v[0] == '1';
			} else if (strcmp(tag, "SG") == 0) {
				assert_memory_equal(v, p.signature, TMS_SIG_LEN);
				has_sig = true;
			}
		}
		assert_int_equal(has_sig, first);
	}
	assert_int_equal(at, sizeof x->file);
	assert_memory_equal(back, x->file, sizeof x->file);
	assert_int_equal(
	    tms_update_chunk(x->t, "T0000011", NOW, (const uint8_t *)"XX0011", 6, out, &len, &u),
	    TMS_EARG);
	assert_int_equal(
	    tms_update_chunk(x->t, "T0000011", NOW, (const uint8_t *)"PK003999", 8, out, &len, &u),
	    TMS_ENOTFOUND);
	/* Another model's package, named by its PK: refused, whatever the offset. */
	add(x, "V200", "2.0", &other);
	for (int off = 0; off < 2; off++) {
		rlen = 0;
		snprintf(pk, sizeof pk, "%lld", (long long)other.id);
		assert_int_equal(tms_item_put(req, sizeof req, &rlen, "PK", pk, strlen(pk)),
		                 TMS_OK);
		assert_int_equal(
		    tms_item_put(req, sizeof req, &rlen, "OF", off ? "512" : "0", off ? 3 : 1),
		    TMS_OK);
		assert_int_equal(tms_update_chunk(x->t, "T0000011", NOW, req, rlen, out, &len, &u),
		                 TMS_EMODEL);
		/* Its own terminal is served. */
		assert_int_equal(tms_update_chunk(x->t, "OTHER001", NOW, req, rlen, out, &len, &u),
		                 TMS_OK);
		assert_int_equal(u.package.id, other.id);
	}
	/* A 391 names its package the same way: another model's refused, its own taken. */
	assert_int_equal(tms_package_own(x->t, "T0000011", other.id, &u.package), TMS_EMODEL);
	assert_int_equal(tms_package_own(x->t, "OTHER001", other.id, &u.package), TMS_OK);
	assert_int_equal(tms_package_own(x->t, "T0000011", p.id, &u.package), TMS_OK);
	assert_int_equal(tms_package_own(x->t, "T0000011", 999, &u.package), TMS_ENOTFOUND);
	assert_int_equal(
	    tms_update_report_read((const uint8_t *)"PK0017OK0010ER003bad", 20, &id, &ok, why),
	    TMS_OK);
	assert_int_equal(id, 7);
	assert_false(ok);
	assert_string_equal(why, "bad");
	assert_int_equal(tms_update_report_read((const uint8_t *)"PK0017", 6, &id, &ok, why),
	                 TMS_EARG);
	assert_int_equal(tms_update_report_read((const uint8_t *)"PK0017OK0012", 12, &id, &ok, why),
	                 TMS_EARG);
}

static int count_package(void *ctx, const struct tms_package *p)
{
	(void)p;
	++*(int *)ctx;
	return 0;
}

/* Refused with nothing stored: a bad model or version, an empty file, one over the maximum,
 * the same model and version again (or a version that orders as it: 1.02.00 and 1.2.0), no
 * signing key. */
static void refused(void **state)
{
	struct fx *x = *state;
	struct tms_config cfg = {.utc_offset = 480, .package_max = 1000};
	char why[200];
	tms *small;
	int n = 0;

	add(x, "A920", "1.2.0", NULL);
	assert_int_equal(
	    tms_package_add(x->t, ACTOR, "A920", "1.2.0", x->file, 10, NOW, NULL, why, sizeof why),
	    TMS_EEXIST);
	assert_non_null(strstr(why, "1.2.0"));
	/* A version that orders as one stored (leading zeros): the same version. */
	assert_int_equal(tms_package_add(x->t, ACTOR, "A920", "1.02.00", x->file, 10, NOW, NULL,
	                                 why, sizeof why),
	                 TMS_EEXIST);
	assert_non_null(strstr(why, "version 1.2.0 already"));
	assert_int_equal(
	    tms_package_add(x->t, ACTOR, "A 920", "1.3", x->file, 10, NOW, NULL, why, sizeof why),
	    TMS_EARG);
	assert_int_equal(tms_package_add(x->t, ACTOR, "A920", "1.2.3.4.5", x->file, 10, NOW, NULL,
	                                 why, sizeof why),
	                 TMS_EARG);
	assert_int_equal(
	    tms_package_add(x->t, ACTOR, "A920", "", x->file, 10, NOW, NULL, why, sizeof why),
	    TMS_EARG);
	assert_int_equal(
	    tms_package_add(x->t, ACTOR, "A920", "1.4", x->file, 0, NOW, NULL, why, sizeof why),
	    TMS_EARG);
	assert_int_equal(tms_open(x->s, &cfg, &small), TMS_OK);
	assert_int_equal(
	    tms_package_add(small, ACTOR, "A920", "1.5", x->file, 500, NOW, NULL, why, sizeof why),
	    TMS_ENOKEY);
	assert_int_equal(tms_set_signer(small, x->h, &x->key), TMS_OK);
	assert_int_equal(
	    tms_package_add(small, ACTOR, "A920", "1.5", x->file, 1001, NOW, NULL, why, sizeof why),
	    TMS_ETOOBIG);
	assert_int_equal(
	    tms_package_add(small, ACTOR, "A920", "1.5", x->file, 1000, NOW, NULL, why, sizeof why),
	    TMS_OK);
	tms_close(small);
	assert_int_equal(tms_package_list(x->t, count_package, &n), TMS_OK);
	assert_int_equal(n, 2);
	assert_int_equal(tms_fixture_audited(x->tf, "tms.package.add"), 2);
}

/* Versions in the order people read them (docs/tms.md): runs of digits as numbers, leading
 * zeros ignored, other runs byte by byte, a version followed by more after it. */
static void version_order(void **state)
{
	static const struct {
		const char *a, *b;
		int cmp;
	} cases[] = {
	    {"1.2", "1.10", -1},          /* numbers, not bytes */
	    {"1.9", "1.10", -1},          /* the old dotted rule's case */
	    {"V2", "V10", -1},            /* letters then a number */
	    {"POSSUM01", "POSSUM02", -1}, /* the reference terminal's first version and its next */
	    {"POSSUM9", "POSSUM10", -1},
	    {"1.0", "1.0.1", -1}, /* another followed by more: after it */
	    {"1.2", "1.2.0", -1},
	    {"2", "10", -1},
	    {"B1", "A9", 1}, /* the first run decides */
	    {"1.2a", "1.2b", -1},
	    {"1.2", "1.2a", -1},
	    {"2.0", "POSSUM01", -1}, /* a digit before a letter, byte by byte */
	    {"1.01", "1.1", 0},      /* leading zeros ignored */
	    {"007", "7", 0},
	    {"0", "000", 0},
	    {"1.001", "1.10", -1},
	    {"POSSUM01", "POSSUM01", 0}, /* equal */
	    {"1.2.3", "1.2.3", 0},
	    {"x", "x", 0},
	    {"10000000", "9999999", 1}, /* eight digits, the longest a version is */
	    {"a", "ab", -1},            /* a run that begins the other: first */
	    {"1a", "1.", 1},            /* other bytes byte by byte: '.' before 'a' */
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int ab = tms_version_cmp(cases[i].a, cases[i].b);
		int ba = tms_version_cmp(cases[i].b, cases[i].a);

		if (ab != cases[i].cmp || ba != -cases[i].cmp)
			fail_msg("%s vs %s: %d and %d, expected %d", cases[i].a, cases[i].b, ab, ba,
			         cases[i].cmp);
	}
	assert_true(tms_version_ok("POSSUM01"));
	assert_false(tms_version_ok("POSSUM010"));
	assert_false(tms_version_ok("1 2"));
}

static int64_t rollout(struct fx *x, enum tms_rollout_kind kind, int64_t package,
                       const char *targets, int percent, int64_t from)
{
	struct tms_rollout r = {
	    .package_id = package, .kind = kind, .percent = percent, .starts_at = from};
	char why[200];
	int rc;

	snprintf(r.targets, sizeof r.targets, "%s", targets);
	if ((rc = tms_rollout_add(x->t, ACTOR, &r, NOW, why, sizeof why)) != TMS_OK)
		fail_msg("rollout add: %s (%s)", tms_strerror(rc), why);
	return r.id;
}

static int find_rollout(void *ctx, const struct tms_rollout *r)
{
	struct tms_rollout *want = ctx;

	if (r->id != want->id)
		return 0;
	*want = *r;
	return 1;
}

static void get_rollout(struct fx *x, int64_t id, struct tms_rollout *r)
{
	r->id = id;
	assert_int_equal(tms_rollout_list(x->t, find_rollout, r), 1);
}

/* 10% of the model's 200 terminals: between 10 and 35 of them; at 50% those and more; only
 * the model's. */
static void rollout_percent(void **state)
{
	struct fx *x = *state;
	struct tms_package p, q;
	struct tms_rollout r;
	int64_t id, n = 0, in10 = 0, in50 = 0;
	char tid[9];

	add(x, "A920", "1.2.0", &p);
	id = rollout(x, TMS_ROLLOUT_PERCENT, p.id, "", 10, 0);
	get_rollout(x, id, &r);
	assert_int_equal(tms_rollout_count(x->t, &r, "A920", &n), TMS_OK);
	assert_in_range(n, 10, 35);
	for (int i = 0; i < 200; i++) {
		snprintf(tid, sizeof tid, "T%07d", i);
		r.percent = 10;
		if (tms_rollout_includes(&r, tid, MID)) {
			in10++;
			r.percent = 50;
			assert_true(tms_rollout_includes(&r, tid, MID)); /* stays in as N grows */
			assert_int_equal(tms_package_for(x->t, tid, NOW, &q), TMS_OK);
			assert_int_equal(q.id, p.id);
		} else
			assert_int_equal(tms_package_for(x->t, tid, NOW, &q), TMS_ENOTFOUND);
		r.percent = 50;
		in50 += tms_rollout_includes(&r, tid, MID);
	}
	assert_int_equal(in10, n);
	assert_in_range(in50, 70, 130);
	/* Another model's terminal never gets A920's package. */
	assert_int_equal(tms_package_for(x->t, "OTHER001", NOW, &q), TMS_ENOTFOUND);
	assert_int_equal(tms_fixture_audited(x->tf, "tms.rollout.add"), 1);
}

/* Rollouts by TID and MID; one that starts tomorrow; the highest version wins; a terminal at
 * that version already gets nothing; a stopped rollout gives nothing. */
static void rollout_lists(void **state)
{
	struct fx *x = *state;
	struct tms_rollout r = {.package_id = 1, .kind = TMS_ROLLOUT_TERMINALS};
	struct tms_package p12, p13, q;
	char why[200];
	int64_t by_tid, by_mid;

	add(x, "A920", "1.2", &p12);
	add(x, "A920", "1.3", &p13);
	by_tid = rollout(x, TMS_ROLLOUT_TERMINALS, p12.id, "T0000100,T0000101", 0, 0);
	by_mid = rollout(x, TMS_ROLLOUT_MERCHANTS, p13.id, MID2, 0, 0);
	rollout(x, TMS_ROLLOUT_TERMINALS, p13.id, "T0000102", 0, NOW + 86400);
	assert_int_equal(tms_package_for(x->t, "T0000100", NOW, &q), TMS_OK);
	assert_string_equal(q.version, "1.2");
	assert_int_equal(tms_package_for(x->t, "T0000005", NOW, &q), TMS_OK); /* of MID2 */
	assert_string_equal(q.version, "1.3");
	assert_int_equal(tms_package_for(x->t, "T0000102", NOW, &q), TMS_ENOTFOUND);
	assert_int_equal(tms_package_for(x->t, "T0000102", NOW + 86400, &q), TMS_OK);
	assert_int_equal(tms_package_for(x->t, "T0000103", NOW, &q), TMS_ENOTFOUND);
	/* Unknown names, packages, an empty list: refused. */
	snprintf(r.targets, sizeof r.targets, "T0000100,NOPE0001");
	r.package_id = p12.id;
	assert_int_equal(tms_rollout_add(x->t, ACTOR, &r, NOW, why, sizeof why), TMS_ENOTFOUND);
	assert_non_null(strstr(why, "NOPE0001"));
	r.targets[0] = '\0';
	assert_int_equal(tms_rollout_add(x->t, ACTOR, &r, NOW, why, sizeof why), TMS_EARG);
	r.package_id = 999;
	snprintf(r.targets, sizeof r.targets, "T0000100");
	assert_int_equal(tms_rollout_add(x->t, ACTOR, &r, NOW, why, sizeof why), TMS_ENOTFOUND);
	r = (struct tms_rollout){.package_id = p12.id, .kind = TMS_ROLLOUT_PERCENT, .percent = 101};
	assert_int_equal(tms_rollout_add(x->t, ACTOR, &r, NOW, why, sizeof why), TMS_EARG);
	/* Stopped: nothing through it; again: refused. */
	assert_int_equal(tms_rollout_stop(x->t, ACTOR, by_tid, NOW), TMS_OK);
	assert_int_equal(tms_rollout_stop(x->t, ACTOR, by_tid, NOW), TMS_ESTOPPED);
	assert_int_equal(tms_rollout_stop(x->t, ACTOR, 999, NOW), TMS_ENOTFOUND);
	assert_int_equal(tms_package_for(x->t, "T0000100", NOW, &q), TMS_ENOTFOUND);
	(void)by_mid;
	assert_int_equal(tms_fixture_audited(x->tf, "tms.rollout.add"), 3);
	assert_int_equal(tms_fixture_audited(x->tf, "tms.rollout.stop"), 1);
}

/* Terminal tid's tms_pending. */
static int pending(struct fx *x, const char *tid)
{
	struct store_terminal term;

	assert_int_equal(store_terminal_get(x->s, tid, &term), STORE_OK);
	return term.tms_pending;
}

static void set_version(struct fx *x, const char *tid, const char *version)
{
	struct store_terminal term;

	assert_int_equal(store_terminal_get(x->s, tid, &term), STORE_OK);
	snprintf(term.version, sizeof term.version, "%s", version);
	assert_int_equal(store_terminal_update(x->s, &term), STORE_OK);
}

/* A rollout added marks at once the package bit of exactly the terminals it gives a package
 * (of 10%: those it reaches; not one at that version already, nor another model's), keeping
 * the bits marked before; one that starts later marks none yet; stopped, it clears those that
 * no running rollout gives one any more; a minimum marks nothing. */
static void rollout_marks(void **state)
{
	struct fx *x = *state;
	struct tms_package p, q;
	struct tms_rollout r;
	int64_t id, n = 0, marked = 0;
	char tid[9], why[200], kept[9] = "";
	bool in;

	add(x, "A920", "1.2.0", &p);
	add(x, "A920", "1.3", &q);
	set_version(x, "T0000199", "1.2.0");
	assert_int_equal(store_terminal_pending(x->s, "T0000198", ~(int64_t)0, TMS_PENDING_PARAMS),
	                 STORE_OK);
	id = rollout(x, TMS_ROLLOUT_PERCENT, p.id, "", 10, 0);
	get_rollout(x, id, &r);
	assert_int_equal(tms_rollout_count(x->t, &r, "A920", &n), TMS_OK);
	for (int i = 0; i < 200; i++) {
		snprintf(tid, sizeof tid, "T%07d", i);
		in = tms_rollout_includes(&r, tid, MID) && i != 199;
		assert_int_equal(pending(x, tid) & TMS_PENDING_PACKAGE,
		                 in ? TMS_PENDING_PACKAGE : 0);
		assert_int_equal(pending(x, tid) & TMS_PENDING_PARAMS,
		                 i == 198 ? TMS_PENDING_PARAMS : 0);
		marked += in;
		if (in && kept[0] == '\0')
			snprintf(kept, sizeof kept, "%s", tid);
	}
	/* All it reaches but the one at 1.2.0 already. */
	assert_int_equal(marked, n - tms_rollout_includes(&r, "T0000199", MID));
	assert_int_equal(pending(x, "OTHER001"), 0);
	/* Tomorrow's marks none today; a second one to a marked terminal keeps it through the
	 * first's stop. */
	rollout(x, TMS_ROLLOUT_TERMINALS, q.id, "T0000199", 0, NOW + 86400);
	assert_int_equal(pending(x, "T0000199"), 0);
	rollout(x, TMS_ROLLOUT_TERMINALS, q.id, kept, 0, 0);
	assert_int_equal(
	    tms_minimum_set(x->t, ACTOR, "A920", "1.3", "2026-12-31", NOW, NULL, why, sizeof why),
	    TMS_OK);
	assert_int_equal(pending(x, "T0000199"), 0);
	assert_int_equal(tms_rollout_stop(x->t, ACTOR, id, NOW), TMS_OK);
	for (int i = 0; i < 200; i++) {
		snprintf(tid, sizeof tid, "T%07d", i);
		assert_int_equal(pending(x, tid),
		                 (strcmp(tid, kept) == 0 ? TMS_PENDING_PACKAGE : 0) |
		                     (i == 198 ? TMS_PENDING_PARAMS : 0));
	}
}

/* The sign-in's rule: below the minimum after its date (not on it); unknown never. */
static void minimum_rule(void **state)
{
	struct fx *x = *state;
	struct store_tms_minimum m;
	struct tms_minimum got;
	char why[200];

	assert_int_equal(
	    tms_minimum_set(x->t, ACTOR, "A920", "1.2", "2026-12-31", NOW, &got, why, sizeof why),
	    TMS_OK);
	assert_int_equal(got.after_date, 20261231);
	assert_int_equal(store_tms_minimum_get(x->s, "A920", &m), STORE_OK);
	assert_false(tms_minimum_due(&m, "1.1", 20261231));
	assert_true(tms_minimum_due(&m, "1.1", 20270101));
	assert_true(tms_minimum_due(&m, "1.1.9", 20270101));
	assert_false(tms_minimum_due(&m, "1.2", 20270101));
	assert_false(tms_minimum_due(&m, "1.10", 20270101));
	assert_false(tms_minimum_due(&m, "", 20270101));
	assert_int_equal(
	    tms_minimum_set(x->t, ACTOR, "A920", "1.2", "2026-02-30", NOW, &got, why, sizeof why),
	    TMS_EARG);
	assert_int_equal(tms_minimum_set(x->t, ACTOR, "A920", "1.2", "2026-12-31 10:00", NOW, &got,
	                                 why, sizeof why),
	                 TMS_EARG);
	assert_int_equal(
	    tms_minimum_set(x->t, ACTOR, "A920", "1.3", "2027-01-31", NOW, &got, why, sizeof why),
	    TMS_OK);
	assert_int_equal(store_tms_minimum_get(x->s, "A920", &m), STORE_OK);
	assert_string_equal(m.version, "1.3");
	/* The reference terminal's versions: POSSUM01 before any update (term.h). */
	assert_int_equal(tms_minimum_set(x->t, ACTOR, "PX-9", "POSSUM02", "2026-12-31", NOW, &got,
	                                 why, sizeof why),
	                 TMS_OK);
	assert_int_equal(store_tms_minimum_get(x->s, "PX-9", &m), STORE_OK);
	assert_true(tms_minimum_due(&m, "POSSUM01", 20270101));
	assert_false(tms_minimum_due(&m, "POSSUM02", 20270101));
	assert_false(tms_minimum_due(&m, "POSSUM10", 20270101));
	assert_int_equal(tms_fixture_audited(x->tf, "tms.minimum.set"), 3);
}

/* "YYYY-MM-DD HH:MM" in local time. */
static void time_parse(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(tms_time_parse("2026-12-02 20:00", 480, &t), TMS_OK);
	assert_int_equal(t, NOW);
	assert_int_equal(tms_time_parse("2026-12-02 20:00", 0, &t), TMS_OK);
	assert_int_equal(t, NOW + 8 * 3600);
	assert_int_equal(tms_time_parse("2026-12-02 24:00", 480, &t), TMS_EARG);
	assert_int_equal(tms_time_parse("2026-12-02", 480, &t), TMS_EARG);
}

/* Status: the model's terminals by version and the rollouts with their counts. */
static void status(void **state)
{
	struct fx *x = *state;
	struct tms_package p;
	json_t *st = NULL, *m, *r;

	static const char *const order[] = {"1.0", "1.2", "1.9", "1.10"};

	add(x, "A920", "1.2.0", &p);
	rollout(x, TMS_ROLLOUT_MERCHANTS, p.id, MID2, 0, 0);
	set_version(x, "T0000197", "1.10");
	set_version(x, "T0000198", "1.9");
	set_version(x, "T0000199", "1.2");
	assert_int_equal(tms_status(x->t, "A920", NOW, &st), TMS_OK);
	assert_int_equal(json_array_size(json_object_get(st, "models")), 1);
	m = json_array_get(json_object_get(st, "models"), 0);
	assert_int_equal(json_integer_value(json_object_get(m, "terminals")), 200);
	/* The versions as tms_version_cmp() orders them, not as text ("1.10" before "1.2"). */
	assert_int_equal(json_array_size(json_object_get(m, "versions")), 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(
		    json_string_value(json_object_get(
		        json_array_get(json_object_get(m, "versions"), i), "version")),
		    order[i]);
	assert_int_equal(json_array_size(json_object_get(st, "terminals")), 200);
	r = json_array_get(json_object_get(st, "rollouts"), 0);
	assert_int_equal(json_integer_value(json_object_get(r, "targeted")), 10);
	json_decref(st);
	assert_int_equal(tms_status(x->t, NULL, NOW, &st), TMS_OK);
	assert_int_equal(json_array_size(json_object_get(st, "models")), 2);
	json_decref(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(sign_and_verify, setup, teardown),
	    cmocka_unit_test_setup_teardown(chunks, setup, teardown),
	    cmocka_unit_test_setup_teardown(update_exchange, setup, teardown),
	    cmocka_unit_test_setup_teardown(refused, setup, teardown),
	    cmocka_unit_test(version_order),
	    cmocka_unit_test_setup_teardown(rollout_percent, setup, teardown),
	    cmocka_unit_test_setup_teardown(rollout_lists, setup, teardown),
	    cmocka_unit_test_setup_teardown(rollout_marks, setup, teardown),
	    cmocka_unit_test_setup_teardown(minimum_rule, setup, teardown),
	    cmocka_unit_test(time_parse),
	    cmocka_unit_test_setup_teardown(status, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
