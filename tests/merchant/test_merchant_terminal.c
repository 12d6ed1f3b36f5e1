/* test_merchant_terminal.c — one terminal, one code (src/merchant/terminal.c): registration
 * by SN (a bound SN refused, free again once retired), the checks on what is given, every
 * allowed and refused state change, rebinding that re-keys, the TMK handed out once (as
 * components, or as a TR-31 block that the KEK opens to the TMK of the same check value), the
 * audit entries with no key in them, the review due; and the HTTP handlers of
 * src/http/routes_terminal.c called directly, for each role. */
#include "issuer/issuer_fixture.h"

#include <string.h>

#include "audit/audit.h"
#include "common/hex.h"
#include "http/http.h"
#include "merchant/merchant.h"
#include "qr/qr.h"
#include "store/store_acquirer.h"

#define MID   "898581054110001"
#define MID2  "898581058120002"
#define MIDS  "898581058120003" /* suspended */
#define ACTOR "cli:test"

static const struct hsm_key_spec data_spec = {"D0", HSM_AES, 32, 'B', 'N'};
static const struct hsm_key_spec kek_spec = {"K0", HSM_TDES, 16, 'B', 'E'};

struct fx {
	struct issuer_fixture *f;
	merchant *m;
	struct http_ctx ctx;
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	struct merchant_config cfg;
	hsm_key data;
	const struct store_merchant ms[] = {
	    {MID, "Possum Grocery", "5411", STORE_MERCHANT_ACTIVE, T_NOW},
	    {MID2, "Possum Cafe", "5812", STORE_MERCHANT_ACTIVE, T_NOW},
	    {MIDS, "Possum Closed", "5812", STORE_MERCHANT_SUSPENDED, T_NOW},
	};

	if (x == NULL || issuer_fixture_setup((void **)&x->f) != 0)
		return -1;
	merchant_config_defaults(&cfg);
	if (hsm_generate(x->f->h, &data_spec, &data, NULL) != HSM_OK ||
	    merchant_open(x->f->s, x->f->h, x->f->is, &cfg, &data, &x->m) != MERCHANT_OK)
		return -1;
	for (size_t i = 0; i < 3; i++)
		if (store_merchant_insert(x->f->s, &ms[i]) != STORE_OK)
			return -1;
	x->ctx = (struct http_ctx){.store = x->f->s,
	                           .hsm = x->f->h,
	                           .issuer = x->f->is,
	                           .merchant = x->m,
	                           .utc_offset = 480};
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	void *f = x->f;

	merchant_close(x->m);
	free(x);
	return issuer_fixture_teardown(&f);
}

static const struct merchant_place shop = {"1 Nanjing Road, Shanghai", 31230416, 121473701};

/* Registers sn at MID with TID tid (NULL: assigned), activated, its TMK as 2 components. */
static int reg(struct fx *x, const char *sn, const char *tid, char out[9])
{
	struct merchant_terminal_new n = {
	    .mid = MID, .sn = sn, .tid = tid, .place = shop, .activate = true};
	struct merchant_tmk_form form = {.parts = 2};
	struct merchant_tmk tmk;
	int rc = merchant_terminal_register(x->m, ACTOR, &n, &form, x->f->now, out, &tmk);

	crypto_wipe(&tmk, sizeof tmk);
	return rc;
}

static enum merchant_terminal_state state_of(struct fx *x, const char *tid)
{
	struct merchant_terminal t;

	assert_int_equal(merchant_terminal_get(x->m, tid, &t), MERCHANT_OK);
	return t.state;
}

static int count(struct fx *x, const char *sql)
{
	return (int)test_sql_int(x->f->path, sql, NULL);
}

static void registration(void **state)
{
	struct fx *x = *state;
	struct merchant_terminal t;
	char tid[9], tid2[9];

	assert_int_equal(reg(x, "SN-0001", "TERM0001", tid), MERCHANT_OK);
	assert_string_equal(tid, "TERM0001");
	assert_int_equal(merchant_terminal_get(x->m, tid, &t), MERCHANT_OK);
	assert_string_equal(t.mid, MID);
	assert_string_equal(t.sn, "SN-0001");
	assert_int_equal(t.state, MERCHANT_TERMINAL_ACTIVE);
	assert_string_equal(t.place.address, shop.address);
	assert_int_equal(t.place.lat, shop.lat);
	assert_int_equal(t.place.lon, shop.lon);
	assert_true(t.tmk_issued);
	assert_int_equal(strlen(t.tmk_kcv), 6);
	assert_int_equal(t.batch, 1);
	assert_int_equal(t.next_review, x->f->now + 365 * T_DAY);
	/* A TID assigned: 8 digits. */
	assert_int_equal(reg(x, "SN-0002", NULL, tid2), MERCHANT_OK);
	assert_int_equal(strspn(tid2, "0123456789"), 8);
	assert_int_equal(strlen(tid2), 8);
	/* The same SN again, while bound: refused, whatever the TID; the TID taken: refused. */
	assert_int_equal(reg(x, "SN-0001", NULL, tid2), MERCHANT_EEXIST);
	assert_int_equal(reg(x, "SN-0001", "TERM0009", tid2), MERCHANT_EEXIST);
	assert_int_equal(reg(x, "SN-0003", "TERM0001", tid2), MERCHANT_EEXIST);
	/* Retired, its SN is free to be bound again. */
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, tid, MERCHANT_TERMINAL_RETIRED,
	                                             "broken", x->f->now),
	                 MERCHANT_OK);
	assert_int_equal(reg(x, "SN-0001", "TERM0009", tid2), MERCHANT_OK);
	assert_int_equal(count(x, "SELECT COUNT(*) FROM terminals WHERE sn = 'SN-0001'"), 2);
}

static void registration_refused(void **state)
{
	struct fx *x = *state;
	struct merchant_terminal_new n = {.mid = MID, .sn = "SN-1", .place = shop};
	char tid[9];

	/* Bad SN, TID, place. */
	n.sn = "";
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_EARG);
	n.sn = "SN 1";
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_EARG);
	n.sn = "012345678901234567890123456789012345678901234567890";
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_EARG);
	n.sn = "SN-1";
	n.tid = "TERM01";
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_EARG);
	n.tid = "TERM-001";
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_EARG);
	n.tid = NULL;
	n.place.lat = 90 * MERCHANT_MICRODEG + 1;
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_EARG);
	n.place = shop;
	n.place.lon = -180 * MERCHANT_MICRODEG - 1;
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_EARG);
	n.place = shop;
	strcpy(n.place.address, "line\nbreak");
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_EARG);
	n.place = shop;
	/* No such merchant; a merchant not active. */
	n.mid = "898000000000000";
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_ENOTFOUND);
	n.mid = MIDS;
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_ESTATE);
	/* Components: 2 or 3. */
	{
		struct merchant_tmk_form form = {.parts = 4};
		struct merchant_tmk tmk;

		n.mid = MID;
		assert_int_equal(
		    merchant_terminal_register(x->m, ACTOR, &n, &form, x->f->now, tid, &tmk),
		    MERCHANT_EARG);
	}
	/* Nothing was kept of any of them, not even an audit entry. */
	assert_int_equal(count(x, "SELECT COUNT(*) FROM terminals"), 0);
	assert_int_equal(count(x, "SELECT COUNT(*) FROM audit_log"), 0);
}

static void states(void **state)
{
	struct fx *x = *state;
	struct merchant_terminal_new n = {
	    .mid = MID, .sn = "SN-S", .tid = "TERMS001", .place = shop};
	char tid[9];
	const enum merchant_terminal_state A = MERCHANT_TERMINAL_ACTIVE,
	                                   S = MERCHANT_TERMINAL_SUSPENDED,
	                                   R = MERCHANT_TERMINAL_RETIRED;

	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_OK);
	assert_int_equal(state_of(x, tid), MERCHANT_TERMINAL_REGISTERED);
	/* registered: not suspended, not registered again. */
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, tid, S, NULL, x->f->now),
	                 MERCHANT_ESTATE);
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, tid, MERCHANT_TERMINAL_REGISTERED,
	                                             NULL, x->f->now),
	                 MERCHANT_EARG);
	/* registered → active → suspended → active → suspended → retired. */
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, tid, A, NULL, x->f->now),
	                 MERCHANT_OK);
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, tid, A, NULL, x->f->now),
	                 MERCHANT_ESTATE);
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, tid, S, "audit", x->f->now),
	                 MERCHANT_OK);
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, tid, S, NULL, x->f->now),
	                 MERCHANT_ESTATE);
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, tid, A, NULL, x->f->now),
	                 MERCHANT_OK);
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, tid, S, NULL, x->f->now),
	                 MERCHANT_OK);
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, tid, R, "stolen", x->f->now),
	                 MERCHANT_OK);
	/* retired: nothing more. */
	for (int to = MERCHANT_TERMINAL_ACTIVE; to <= MERCHANT_TERMINAL_RETIRED; to++)
		assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, tid,
		                                             (enum merchant_terminal_state)to, NULL,
		                                             x->f->now),
		                 MERCHANT_ESTATE);
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, "NOSUCH01", A, NULL, x->f->now),
	                 MERCHANT_ENOTFOUND);
	/* Registered straight to retired. */
	n.sn = "SN-S2";
	n.tid = "TERMS002";
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_OK);
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, tid, R, NULL, x->f->now),
	                 MERCHANT_OK);
	/* Every change audited, in order, as its own action. */
	assert_int_equal(
	    count(x, "SELECT COUNT(*) FROM audit_log WHERE object = 'terminal:TERMS001'"), 6);
	assert_int_equal(count(x, "SELECT COUNT(*) FROM audit_log WHERE action = 'terminal.resume' "
	                          "AND after LIKE '%\"state\":\"active\"%'"),
	                 1);
	assert_int_equal(count(x, "SELECT COUNT(*) FROM audit_log WHERE action = 'terminal.retire' "
	                          "AND after LIKE '%\"reason\":\"stolen\"%'"),
	                 1);
}

static void merchant_inactive(void **state)
{
	struct fx *x = *state;
	struct merchant_terminal_new n = {
	    .mid = MID, .sn = "SN-M", .tid = "TERMM001", .place = shop};
	char tid[9];

	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_OK);
	assert_int_equal(
	    count(x, "UPDATE merchants SET status = 2 WHERE mid = '" MID "' RETURNING 1"), 1);
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, tid, MERCHANT_TERMINAL_ACTIVE,
	                                             NULL, x->f->now),
	                 MERCHANT_ESTATE);
	/* Nor rebound to a merchant not active. */
	assert_int_equal(
	    merchant_terminal_rebind(x->m, ACTOR, tid, MIDS, NULL, "r", NULL, x->f->now, NULL),
	    MERCHANT_ESTATE);
}

/* A terminal's static QR code: what its payload says, the name in Chinese in template 64, and
 * the terminals refused (none such, retired) and the values the payload does not take. */
static void static_qr(void **state)
{
	struct fx *x = *state;
	const struct store_merchant zh = {"898581058120009", "北京最佳运输有限公司", "4111",
	                                  STORE_MERCHANT_ACTIVE, T_NOW};
	struct merchant_terminal_new n = {
	    .mid = zh.mid, .sn = "SN-QR2", .tid = "TERMQ002", .place = shop, .activate = true};
	char tid[9], payload[QR_PAYLOAD_MAX];
	struct qr_merchant q;

	assert_int_equal(reg(x, "SN-QR1", "TERMQ001", tid), MERCHANT_OK);
	assert_int_equal(
	    merchant_terminal_qr(x->m, tid, "cn.possum", "SHANGHAI", payload, sizeof payload),
	    MERCHANT_OK);
	assert_int_equal(qr_payload_parse(payload, &q), QR_OK);
	assert_string_equal(q.guid, "cn.possum");
	assert_string_equal(q.mid, MID);
	assert_string_equal(q.mcc, "5411");
	assert_string_equal(q.currency, "156");
	assert_string_equal(q.country, "CN");
	assert_string_equal(q.name, "Possum Grocery");
	assert_string_equal(q.city, "SHANGHAI");
	assert_string_equal(q.tid, "TERMQ001");
	assert_string_equal(q.name_local, "");
	assert_int_equal(q.dynamic, 0);
	/* Too small a buffer, a GUID or city the payload does not take. */
	assert_int_equal(merchant_terminal_qr(x->m, tid, "cn.possum", "SHANGHAI", payload, 40),
	                 MERCHANT_EARG);
	assert_int_equal(merchant_terminal_qr(x->m, tid, "", "SHANGHAI", payload, sizeof payload),
	                 MERCHANT_EARG);
	assert_int_equal(merchant_terminal_qr(x->m, tid, "cn.possum", "SHANGHAI PUDONG NEW",
	                                      payload, sizeof payload),
	                 MERCHANT_EARG);
	/* A Chinese name: in 64.01, "MERCHANT MID" in 59. */
	assert_int_equal(store_merchant_insert(x->f->s, &zh), STORE_OK);
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_OK);
	assert_int_equal(
	    merchant_terminal_qr(x->m, tid, "cn.possum", "BEIJING", payload, sizeof payload),
	    MERCHANT_OK);
	assert_non_null(strstr(payload, "64200002ZH0110北京最佳运输有限公司"));
	assert_int_equal(qr_payload_parse(payload, &q), QR_OK);
	assert_string_equal(q.name, "MERCHANT 898581058120009");
	assert_string_equal(q.name_local, "北京最佳运输有限公司");
	/* No such terminal; a retired one. */
	assert_int_equal(
	    merchant_terminal_qr(x->m, "TERMQ999", "cn.possum", "BEIJING", payload, sizeof payload),
	    MERCHANT_ENOTFOUND);
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, "TERMQ001",
	                                             MERCHANT_TERMINAL_RETIRED, "stolen",
	                                             x->f->now),
	                 MERCHANT_OK);
	assert_int_equal(
	    merchant_terminal_qr(x->m, "TERMQ001", "cn.possum", "BEIJING", payload, sizeof payload),
	    MERCHANT_ESTATE);
}

/* The TMK leaves once; its components form a key of the check value the terminal shows. */
static void tmk_once(void **state)
{
	struct fx *x = *state;
	struct merchant_terminal_new n = {
	    .mid = MID, .sn = "SN-K", .tid = "TERMK001", .place = shop};
	struct merchant_tmk_form form = {.parts = 3};
	struct merchant_terminal t;
	struct merchant_tmk tmk;
	hsm_key key;
	hsm_kcv kcv;
	char tid[9], hex[17], comp[2 * HSM_CLEAR_MAX + 1];

	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_OK);
	assert_int_equal(merchant_terminal_get(x->m, tid, &t), MERCHANT_OK);
	assert_false(t.tmk_issued);
	assert_int_equal(merchant_terminal_tmk(x->m, ACTOR, tid, &form, x->f->now, &tmk),
	                 MERCHANT_OK);
	assert_int_equal(tmk.n_parts, 3);
	assert_int_equal(hsm_import_components(x->f->h,
	                                       &(struct hsm_key_spec){"K0", HSM_TDES, 0, 'B', 'S'},
	                                       tmk.parts, 3, &key, &kcv, NULL),
	                 HSM_OK);
	hex_encode(kcv.v, kcv.len, hex, sizeof hex);
	assert_string_equal(hex, t.tmk_kcv);
	hex_encode(tmk.parts[0].part, tmk.parts[0].len, comp, sizeof comp);
	assert_int_equal(merchant_terminal_tmk(x->m, ACTOR, tid, &form, x->f->now, &tmk),
	                 MERCHANT_ESTATE);
	/* Its hand-over audited, with no component in it. */
	assert_int_equal(count(x, "SELECT COUNT(*) FROM audit_log WHERE action = 'terminal.tmk'"),
	                 1);
	{
		char sql[160];

		snprintf(
		    sql, sizeof sql,
		    "SELECT COUNT(*) FROM audit_log WHERE upper(before || after) LIKE '%%%s%%'",
		    comp);
		assert_int_equal(count(x, sql), 0);
	}
	crypto_wipe(&tmk, sizeof tmk);
}

/* As a TR-31 block under a KEK given as components: opened by that KEK, the TMK of the same
 * check value; a component with a wrong check value refused, nothing handed out. */
static void tmk_tr31(void **state)
{
	struct fx *x = *state;
	struct merchant_terminal_new n = {
	    .mid = MID, .sn = "SN-T", .tid = "TERMT001", .place = shop};
	struct hsm_component kek_parts[2];
	struct merchant_tmk_form form = {.kek = kek_parts, .kek_parts = 2};
	struct merchant_terminal t;
	struct merchant_tmk tmk;
	hsm_key kek, opened;
	hsm_kcv kcv;
	char tid[9], hex[17];

	/* The KEK both sides hold, made here and split for the ceremony. */
	assert_int_equal(hsm_generate(x->f->h, &kek_spec, &kek, NULL), HSM_OK);
	assert_int_equal(hsm_export_components(x->f->h, &kek, 2, kek_parts, NULL), HSM_OK);
	kek_parts[1].kcv.v[0] ^= 1;
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, &form, x->f->now, tid, &tmk),
	                 MERCHANT_EVERIFY);
	assert_int_equal(merchant_terminal_get(x->m, "TERMT001", &t), MERCHANT_ENOTFOUND);
	kek_parts[1].kcv.v[0] ^= 1;
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, &form, x->f->now, tid, &tmk),
	                 MERCHANT_OK);
	assert_int_equal(tmk.n_parts, 0);
	assert_memory_equal(tmk.block, "B", 1);
	assert_int_equal(
	    hsm_import_tr31(x->f->h, &kek, tmk.block, strlen(tmk.block), "K0", &opened, &kcv),
	    HSM_OK);
	assert_int_equal(merchant_terminal_get(x->m, tid, &t), MERCHANT_OK);
	hex_encode(kcv.v, kcv.len, hex, sizeof hex);
	assert_string_equal(hex, t.tmk_kcv);
	assert_memory_equal(kcv.v, tmk.kcv.v, kcv.len);
	crypto_wipe(&tmk, sizeof tmk);
	crypto_wipe(kek_parts, sizeof kek_parts);
}

static void rebind(void **state)
{
	struct fx *x = *state;
	struct merchant_place mall = {"88 Century Avenue, Shanghai", 31235929, 121506058};
	struct merchant_tmk_form form = {.parts = 2};
	struct merchant_terminal before, after;
	struct merchant_tmk tmk;
	char tid[9];

	assert_int_equal(reg(x, "SN-R", "TERMR001", tid), MERCHANT_OK);
	assert_int_equal(merchant_terminal_get(x->m, tid, &before), MERCHANT_OK);
	/* Nothing would change; no reason that is a line; no such merchant. */
	assert_int_equal(
	    merchant_terminal_rebind(x->m, ACTOR, tid, MID, &shop, "r", NULL, x->f->now, NULL),
	    MERCHANT_EARG);
	assert_int_equal(
	    merchant_terminal_rebind(x->m, ACTOR, tid, MID2, NULL, "a\nb", NULL, x->f->now, NULL),
	    MERCHANT_EARG);
	assert_int_equal(merchant_terminal_rebind(x->m, ACTOR, tid, "898000000000000", NULL, "r",
	                                          NULL, x->f->now, NULL),
	                 MERCHANT_ENOTFOUND);
	/* To another merchant and place: a new TMK, handed out later. */
	assert_int_equal(
	    merchant_terminal_rebind(x->m, ACTOR, tid, MID2, &mall, "sold", NULL, x->f->now, NULL),
	    MERCHANT_OK);
	assert_int_equal(merchant_terminal_get(x->m, tid, &after), MERCHANT_OK);
	assert_string_equal(after.mid, MID2);
	assert_string_equal(after.place.address, mall.address);
	assert_int_equal(after.state, MERCHANT_TERMINAL_ACTIVE);
	assert_false(after.signed_in);
	assert_false(after.tmk_issued);
	assert_string_not_equal(after.tmk_kcv, before.tmk_kcv);
	assert_int_equal(count(x, "SELECT COUNT(*) FROM terminals WHERE tid = 'TERMR001' AND "
	                          "pik = '' AND mak = '' AND tdk = ''"),
	                 1);
	assert_int_equal(merchant_terminal_tmk(x->m, ACTOR, tid, &form, x->f->now, &tmk),
	                 MERCHANT_OK);
	crypto_wipe(&tmk, sizeof tmk);
	/* The audit entry: old and new binding, old and new key's check value, the reason. */
	{
		char sql[512];

		snprintf(
		    sql, sizeof sql,
		    "SELECT COUNT(*) FROM audit_log WHERE action = 'terminal.rebind' AND actor = "
		    "'" ACTOR "' AND before LIKE '%%\"mid\":\"" MID "\"%%\"tmk_kcv\":\"%s\"%%' AND "
		    "after LIKE '%%\"mid\":\"" MID2
		    "\"%%\"tmk_kcv\":\"%s\"%%\"reason\":\"sold\"%%'",
		    before.tmk_kcv, after.tmk_kcv);
		assert_int_equal(count(x, sql), 1);
	}
	/* Retired, it is not rebound. */
	assert_int_equal(merchant_terminal_set_state(x->m, ACTOR, tid, MERCHANT_TERMINAL_RETIRED,
	                                             NULL, x->f->now),
	                 MERCHANT_OK);
	assert_int_equal(
	    merchant_terminal_rebind(x->m, ACTOR, tid, MID, NULL, "r", NULL, x->f->now, NULL),
	    MERCHANT_ESTATE);
	/* No key is in any audit entry. */
	assert_int_equal(count(x, "SELECT COUNT(*) FROM audit_log a JOIN terminals t ON "
	                          "a.before || a.after LIKE '%' || t.tmk || '%'"),
	                 0);
}

struct seen {
	char tids[8][9];
	int n;
};

static int seen_add(void *ctx, const struct merchant_terminal *t)
{
	struct seen *s = ctx;

	if (s->n < 8)
		memcpy(s->tids[s->n], t->tid, 9);
	s->n++;
	return 0;
}

static void list_and_review(void **state)
{
	struct fx *x = *state;
	struct merchant_terminal_new n = {
	    .mid = MID2, .sn = "SN-L3", .tid = "TERML003", .place = shop};
	struct seen s = {0};
	char tid[9];

	assert_int_equal(reg(x, "SN-L1", "TERML001", tid), MERCHANT_OK);
	assert_int_equal(reg(x, "SN-L2", "TERML002", tid), MERCHANT_OK);
	assert_int_equal(merchant_terminal_register(x->m, ACTOR, &n, NULL, x->f->now, tid, NULL),
	                 MERCHANT_OK);
	assert_int_equal(merchant_terminal_list(x->m, NULL, NULL, 0, seen_add, &s), MERCHANT_OK);
	assert_int_equal(s.n, 3);
	memset(&s, 0, sizeof s);
	assert_int_equal(merchant_terminal_list(x->m, MID, "TERML001", 0, seen_add, &s),
	                 MERCHANT_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.tids[0], "TERML002");
	/* Due after review_days, the active ones only. */
	memset(&s, 0, sizeof s);
	assert_int_equal(merchant_terminal_review_due(x->m, x->f->now + 364 * T_DAY, seen_add, &s),
	                 MERCHANT_OK);
	assert_int_equal(s.n, 0);
	assert_int_equal(merchant_terminal_review_due(x->m, x->f->now + 365 * T_DAY, seen_add, &s),
	                 MERCHANT_OK);
	assert_int_equal(s.n, 2);
	/* Reviewed on its due day: due again review_days later; a terminal not active is not
	 * reviewed, nor one without a reason. */
	assert_int_equal(merchant_terminal_reviewed(x->m, ACTOR, "TERML001", "seals checked",
	                                            x->f->now + 365 * T_DAY),
	                 MERCHANT_OK);
	memset(&s, 0, sizeof s);
	assert_int_equal(merchant_terminal_review_due(x->m, x->f->now + 365 * T_DAY, seen_add, &s),
	                 MERCHANT_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.tids[0], "TERML002");
	memset(&s, 0, sizeof s);
	assert_int_equal(merchant_terminal_review_due(x->m, x->f->now + 730 * T_DAY, seen_add, &s),
	                 MERCHANT_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(merchant_terminal_reviewed(x->m, ACTOR, "TERML003", "x", x->f->now),
	                 MERCHANT_ESTATE);
	assert_int_equal(merchant_terminal_reviewed(x->m, ACTOR, "TERML002", "", x->f->now),
	                 MERCHANT_EARG);
	assert_int_equal(merchant_terminal_reviewed(x->m, ACTOR, "NOSUCH01", "x", x->f->now),
	                 MERCHANT_ENOTFOUND);
}

/* ---- the HTTP handlers ---- */

static const struct http_principal operator_ = {1, HTTP_ROLE_OPERATOR, "", "token:1"};
static const struct http_principal own = {2, HTTP_ROLE_MERCHANT, MID, "token:2"};
static const struct http_principal other = {3, HTTP_ROLE_MERCHANT, MID2, "token:3"};

static http_handler route(const char *method, const char *pattern)
{
	for (size_t i = 0; i < http_routes_terminal_n; i++)
		if (strcmp(http_routes_terminal[i].method, method) == 0 &&
		    strcmp(http_routes_terminal[i].pattern, pattern) == 0)
			return http_routes_terminal[i].fn;
	fail_msg("no route %s %s", method, pattern);
	return NULL;
}

/* Calls the handler of method and pattern with the body (JSON text or NULL) and arg; the
 * answer's status, its body in *out (the caller frees it). */
static int call(struct fx *x, const struct http_principal *who, const char *method,
                const char *pattern, const char *arg, const char *body, json_t **out)
{
	struct http_request req = {.method = method, .path = pattern, .who = who, .now = x->f->now};
	struct http_response res = {0};

	req.args[0] = arg;
	req.n_args = arg != NULL;
	if (body != NULL)
		assert_non_null(req.body = json_loads(body, 0, NULL));
	assert_int_equal(route(method, pattern)(&x->ctx, &req, &res), HTTP_OK);
	json_decref(req.body);
	*out = res.body;
	return res.status;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void http_endpoints(void **state)
{
	struct fx *x = *state;
	json_t *o;

	/* Register: bad fields 400 naming them, unknown merchant 404, then 201. */
	assert_int_equal(call(x, &operator_, "POST", "/api/v1/terminals", NULL,
	                      "{\"mid\":\"" MID "\",\"address\":\"1 Road\",\"lat\":1,\"lon\":2}",
	                      &o),
	                 400);
	assert_string_equal(str(o, "field"), "sn");
	json_decref(o);
	assert_int_equal(call(x, &operator_, "POST", "/api/v1/terminals", NULL,
	                      "{\"mid\":\"" MID "\",\"sn\":\"SN-H\",\"address\":\"1 Road\",\"lat\":"
	                      "91000000,\"lon\":2}",
	                      &o),
	                 400);
	assert_string_equal(str(o, "field"), "lat");
	json_decref(o);
	assert_int_equal(call(x, &operator_, "POST", "/api/v1/terminals", NULL,
	                      "{\"mid\":\"" MID
	                      "\",\"sn\":\"SN-H\",\"tid\":\"T-1\",\"address\":\"1 "
	                      "Road\",\"lat\":1,\"lon\":2}",
	                      &o),
	                 400);
	assert_string_equal(str(o, "field"), "tid");
	json_decref(o);
	assert_int_equal(call(x, &operator_, "POST", "/api/v1/terminals", NULL,
	                      "{\"mid\":\"898000000000000\",\"sn\":\"SN-H\",\"address\":\"1 Road\","
	                      "\"lat\":1,\"lon\":2}",
	                      &o),
	                 404);
	json_decref(o);
	assert_int_equal(call(x, &operator_, "POST", "/api/v1/terminals", NULL,
	                      "{\"mid\":\"" MID
	                      "\",\"sn\":\"SN-H\",\"tid\":\"TERMH001\",\"address\":"
	                      "\"1 Road\",\"lat\":31230416,\"lon\":121473701}",
	                      &o),
	                 201);
	assert_string_equal(str(o, "state"), "registered");
	assert_false(json_is_true(json_object_get(o, "tmk_issued")));
	json_decref(o);
	/* The same SN: 409. */
	assert_int_equal(call(x, &operator_, "POST", "/api/v1/terminals", NULL,
	                      "{\"mid\":\"" MID
	                      "\",\"sn\":\"SN-H\",\"address\":\"1 Road\",\"lat\":1,"
	                      "\"lon\":2}",
	                      &o),
	                 409);
	assert_string_equal(str(o, "field"), "sn");
	json_decref(o);
	/* The TMK once: 200 with components, then 409. */
	assert_int_equal(call(x, &operator_, "POST", "/api/v1/terminals/{}/tmk", "TERMH001",
	                      "{\"parts\":3}", &o),
	                 200);
	assert_int_equal(json_array_size(json_object_get(o, "components")), 3);
	assert_int_equal(strlen(str(o, "kcv")), 6);
	{ /* the same components as term init reads them: "HEX:KCV,HEX:KCV,HEX:KCV" */
		char want[3 * 48] = "";
		for (size_t i = 0; i < 3; i++) {
			json_t *c = json_array_get(json_object_get(o, "components"), i);
			snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s:%s",
			         i > 0 ? "," : "", str(c, "component"), str(c, "kcv"));
		}
		assert_string_equal(str(o, "tmk_components"), want);
	}
	json_decref(o);
	assert_int_equal(
	    call(x, &operator_, "POST", "/api/v1/terminals/{}/tmk", "TERMH001", NULL, &o), 409);
	json_decref(o);
	/* State: a bad one 400, out of order 409, then active. */
	assert_int_equal(call(x, &operator_, "POST", "/api/v1/terminals/{}/state", "TERMH001",
	                      "{\"state\":\"broken\"}", &o),
	                 400);
	json_decref(o);
	assert_int_equal(call(x, &operator_, "POST", "/api/v1/terminals/{}/state", "TERMH001",
	                      "{\"state\":\"suspended\"}", &o),
	                 409);
	json_decref(o);
	assert_int_equal(call(x, &operator_, "POST", "/api/v1/terminals/{}/state", "TERMH001",
	                      "{\"state\":\"active\",\"reason\":\"tested\"}", &o),
	                 200);
	assert_string_equal(str(o, "state"), "active");
	json_decref(o);
	/* Its merchant sees it, its status and its list; another merchant gets 404. */
	assert_int_equal(call(x, &own, "GET", "/api/v1/terminals/{}", "TERMH001", NULL, &o), 200);
	assert_string_equal(str(o, "sn"), "SN-H");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "place"), "lat")),
	                 31230416);
	json_decref(o);
	assert_int_equal(call(x, &own, "GET", "/api/v1/terminals/{}/status", "TERMH001", NULL, &o),
	                 200);
	assert_false(json_is_true(json_object_get(o, "online")));
	assert_true(json_is_null(json_object_get(o, "last_transaction")));
	json_decref(o);
	assert_int_equal(call(x, &other, "GET", "/api/v1/terminals/{}", "TERMH001", NULL, &o), 404);
	json_decref(o);
	assert_int_equal(
	    call(x, &other, "GET", "/api/v1/terminals/{}/status", "TERMH001", NULL, &o), 404);
	json_decref(o);
	assert_int_equal(call(x, &other, "GET", "/api/v1/terminals", NULL, NULL, &o), 200);
	assert_int_equal(json_array_size(json_object_get(o, "items")), 0);
	json_decref(o);
	assert_int_equal(call(x, &own, "GET", "/api/v1/terminals", NULL, NULL, &o), 200);
	assert_int_equal(json_array_size(json_object_get(o, "items")), 1);
	assert_true(json_is_null(json_object_get(o, "next")));
	json_decref(o);
	assert_int_equal(call(x, &operator_, "GET", "/api/v1/terminals/{}", "NOSUCH01", NULL, &o),
	                 404);
	json_decref(o);
	/* Rebind: nothing new 400, a reason required, then re-keyed: the TMK may leave again. */
	assert_int_equal(call(x, &operator_, "POST", "/api/v1/terminals/{}/rebind", "TERMH001",
	                      "{\"reason\":\"moved\"}", &o),
	                 400);
	json_decref(o);
	assert_int_equal(call(x, &operator_, "POST", "/api/v1/terminals/{}/rebind", "TERMH001",
	                      "{\"mid\":\"" MID2 "\"}", &o),
	                 400);
	assert_string_equal(str(o, "field"), "reason");
	json_decref(o);
	assert_int_equal(call(x, &operator_, "POST", "/api/v1/terminals/{}/rebind", "TERMH001",
	                      "{\"mid\":\"" MID2 "\",\"reason\":\"sold\"}", &o),
	                 200);
	assert_string_equal(str(o, "mid"), MID2);
	json_decref(o);
	assert_int_equal(call(x, &own, "GET", "/api/v1/terminals/{}", "TERMH001", NULL, &o), 404);
	json_decref(o);
	assert_int_equal(call(x, &operator_, "POST", "/api/v1/terminals/{}/tmk", "TERMH001",
	                      "{\"kek\":[{\"component\":\"00\",\"kcv\":\"ABCDEF\"}]}", &o),
	                 400);
	assert_string_equal(str(o, "field"), "kek");
	json_decref(o);
	assert_int_equal(
	    call(x, &operator_, "POST", "/api/v1/terminals/{}/tmk", "TERMH001", NULL, &o), 200);
	json_decref(o);
	/* Each change audited as its token. */
	assert_int_equal(count(x, "SELECT COUNT(*) FROM audit_log WHERE actor = 'token:1' AND "
	                          "object = 'terminal:TERMH001'"),
	                 5);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(registration),   T(registration_refused),
	    T(states),         T(merchant_inactive),
	    T(tmk_once),       T(tmk_tr31),
	    T(rebind),         T(list_and_review),
	    T(http_endpoints), T(static_qr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
