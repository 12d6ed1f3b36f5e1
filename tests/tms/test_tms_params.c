/* test_tms_params.c — the terminals' parameters (docs/tms.md "Parameters"): each key's default,
 * each level overriding the one before and an unset giving the one before back, the
 * merchant's limits read only, bad keys, values and levels refused with nothing changed, the
 * version changing when and only when what a terminal gets changes, the download form, a
 * level's set with its version and audit. On SQLite, and on PostgreSQL under POSSUM_TEST_PG
 * (tests/store/e2e_pg_modules.sh). */
#include "store/store_fixture.h"

#include <openssl/evp.h>

#include "audit/audit.h"
#include "merchant/merchant.h"
#include "store/store_acquirer.h"
#include "store/store_merchant.h"
#include "tms/tms.h"

#define T_MID   "898310048120007"
#define T_MID2  "898310058120008"
#define T_TID   "TERM0001"
#define T_TID2  "TERM0002"
#define T_MODEL "PX-7"
#define T_ACTOR "cli:tester"
#define T_NOW   1800000000

struct fx {
	struct store_fixture *sf;
	tms *t;
};

static void add_merchant(store *s, const char *mid, const char *name, unsigned types,
                         int64_t per_txn)
{
	struct store_merchant m = {.status = STORE_MERCHANT_ACTIVE, .created_at = T_NOW};
	struct store_merchant_app a = {.state = MERCHANT_ACTIVE,
	                               .types = types,
	                               .limit_txn = per_txn,
	                               .limit_currency = 156,
	                               .created_at = T_NOW};

	snprintf(m.mid, sizeof m.mid, "%s", mid);
	snprintf(m.name, sizeof m.name, "%s", name);
	snprintf(m.mcc, sizeof m.mcc, "5942");
	snprintf(a.mid, sizeof a.mid, "%s", mid);
	snprintf(a.legal_name, sizeof a.legal_name, "%s", name);
	assert_int_equal(store_merchant_insert(s, &m), STORE_OK);
	assert_int_equal(store_merchant_app_insert(s, &a), STORE_OK);
}

static void add_terminal(store *s, const char *tid, const char *mid, const char *model)
{
	struct store_terminal t = {
	    .status = STORE_TERMINAL_ACTIVE, .batch = 1, .created_at = T_NOW};

	snprintf(t.tid, sizeof t.tid, "%s", tid);
	snprintf(t.mid, sizeof t.mid, "%s", mid);
	snprintf(t.sn, sizeof t.sn, "SN-%s", tid);
	snprintf(t.model, sizeof t.model, "%s", model);
	assert_int_equal(store_terminal_insert(s, &t), STORE_OK);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct tms_config cfg = {.utc_offset = 480};
	void *sf;

	if (f == NULL || store_fixture_setup(&sf) != 0)
		return -1;
	f->sf = sf;
	add_merchant(f->sf->s, T_MID, "宝书店 Possum Books", MERCHANT_TYPES_ALL, 0);
	add_merchant(f->sf->s, T_MID2, "Possum Tea", MERCHANT_TYPE_PURCHASE | MERCHANT_TYPE_REFUND,
	             50000);
	add_terminal(f->sf->s, T_TID, T_MID, T_MODEL);
	add_terminal(f->sf->s, T_TID2, T_MID2, "");
	if (tms_open(f->sf->s, &cfg, &f->t) != TMS_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	void *sf = f->sf;

	tms_close(f->t);
	free(f);
	return store_fixture_teardown(&sf);
}

/* Key key of p. */
static const struct tms_param *item(const struct tms_params *p, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->items[i].key, key) == 0)
			return &p->items[i];
	fail_msg("no key %s", key);
	return NULL;
}

static void assert_param(const struct tms_params *p, const char *key, const char *value,
                         enum tms_level from)
{
	const struct tms_param *i = item(p, key);

	assert_string_equal(i->value, value);
	assert_string_equal(tms_level_name(i->from), tms_level_name(from));
}

static struct tms_params resolved(struct fx *f, const char *tid)
{
	struct tms_params p;

	assert_int_equal(tms_params_resolve(f->t, tid, &p), TMS_OK);
	return p;
}

static int set(struct fx *f, enum tms_level level, const char *name, const char *key,
               const char *value)
{
	struct tms_change c = {level, name, key, value};
	char why[TMS_WHY_MAX];

	return value != NULL ? tms_param_set(f->t, T_ACTOR, &c, T_NOW, why)
	                     : tms_param_unset(f->t, T_ACTOR, &c, T_NOW, why);
}

static int count_audit(void *ctx, const struct store_audit *a)
{
	(void)a;
	++*(size_t *)ctx;
	return 0;
}

static size_t audit_count(struct fx *f)
{
	struct store_audit_filter all = {0};
	size_t n = 0;

	assert_int_equal(store_audit_list(f->sf->s, &all, count_audit, &n), STORE_OK);
	return n;
}

/* Nothing set anywhere: every key's default, the merchant's name and limits, the host's
 * offset. */
static void defaults(void **state)
{
	struct fx *f = *state;
	struct tms_params p = resolved(f, T_TID);

	assert_int_equal(p.n, TMS_PARAMS_N);
	assert_string_equal(p.mid, T_MID);
	assert_string_equal(p.model, T_MODEL);
	assert_int_equal(strlen(p.version), 8);
	assert_param(&p, "merchant_name_zh", "宝书店 Possum Books", TMS_LEVEL_DEFAULT);
	assert_param(&p, "merchant_name_en", "", TMS_LEVEL_DEFAULT);
	assert_param(&p, "host_primary", "", TMS_LEVEL_DEFAULT);
	assert_param(&p, "connect_timeout", "10", TMS_LEVEL_DEFAULT);
	assert_param(&p, "answer_timeout", "60", TMS_LEVEL_DEFAULT);
	assert_param(&p, "reversal_retries", "3", TMS_LEVEL_DEFAULT);
	assert_param(&p, "language", "zh", TMS_LEVEL_DEFAULT);
	assert_param(&p, "utc_offset", "+08:00", TMS_LEVEL_DEFAULT);
	assert_param(&p, "pin_credit", "0", TMS_LEVEL_DEFAULT);
	assert_param(&p, "types", "purchase,void,refund,preauth,balance,cardauth",
	             TMS_LEVEL_LIMITS);
	assert_param(&p, "per_txn_max", "0", TMS_LEVEL_LIMITS);
	assert_string_equal(item(&p, "merchant_name_zh")->tag, "MZ");
	assert_int_equal(tms_params_resolve(f->t, "NOSUCH01", &p), TMS_ENOTFOUND);
}

/* Each level overrides the ones before it, for its terminals only; an unset gives the one
 * before back. */
static void levels_override(void **state)
{
	struct fx *f = *state;
	struct tms_params p;

	assert_int_equal(set(f, TMS_LEVEL_ALL, NULL, "connect_timeout", "20"), TMS_OK);
	p = resolved(f, T_TID);
	assert_param(&p, "connect_timeout", "20", TMS_LEVEL_ALL);
	assert_int_equal(set(f, TMS_LEVEL_MODEL, T_MODEL, "connect_timeout", "30"), TMS_OK);
	p = resolved(f, T_TID);
	assert_param(&p, "connect_timeout", "30", TMS_LEVEL_MODEL);
	assert_int_equal(set(f, TMS_LEVEL_MERCHANT, T_MID, "connect_timeout", "40"), TMS_OK);
	p = resolved(f, T_TID);
	assert_param(&p, "connect_timeout", "40", TMS_LEVEL_MERCHANT);
	assert_int_equal(set(f, TMS_LEVEL_TERMINAL, T_TID, "connect_timeout", "50"), TMS_OK);
	p = resolved(f, T_TID);
	assert_param(&p, "connect_timeout", "50", TMS_LEVEL_TERMINAL);
	/* The other terminal: another merchant, no model — all's value. */
	p = resolved(f, T_TID2);
	assert_param(&p, "connect_timeout", "20", TMS_LEVEL_ALL);
	/* Unset from the most particular: each time the level before. */
	assert_int_equal(set(f, TMS_LEVEL_TERMINAL, T_TID, "connect_timeout", NULL), TMS_OK);
	p = resolved(f, T_TID);
	assert_param(&p, "connect_timeout", "40", TMS_LEVEL_MERCHANT);
	assert_int_equal(set(f, TMS_LEVEL_MERCHANT, T_MID, "connect_timeout", NULL), TMS_OK);
	assert_int_equal(set(f, TMS_LEVEL_MODEL, T_MODEL, "connect_timeout", NULL), TMS_OK);
	p = resolved(f, T_TID);
	assert_param(&p, "connect_timeout", "20", TMS_LEVEL_ALL);
	assert_int_equal(set(f, TMS_LEVEL_ALL, NULL, "connect_timeout", NULL), TMS_OK);
	p = resolved(f, T_TID);
	assert_param(&p, "connect_timeout", "10", TMS_LEVEL_DEFAULT);
	/* Unsetting what is not set is refused. */
	assert_int_equal(set(f, TMS_LEVEL_ALL, NULL, "connect_timeout", NULL), TMS_ENOTFOUND);
}

/* types and per_txn_max are the merchant's limits: shown, never set here. */
static void limits_read_only(void **state)
{
	struct fx *f = *state;
	struct tms_params p = resolved(f, T_TID2);
	char why[TMS_WHY_MAX] = "";
	struct tms_change c = {TMS_LEVEL_ALL, NULL, "types", "purchase"};

	assert_param(&p, "types", "purchase,refund", TMS_LEVEL_LIMITS);
	assert_param(&p, "per_txn_max", "50000", TMS_LEVEL_LIMITS);
	assert_int_equal(tms_param_set(f->t, T_ACTOR, &c, T_NOW, why), TMS_EREADONLY);
	assert_non_null(strstr(why, "types"));
	assert_int_equal(set(f, TMS_LEVEL_TERMINAL, T_TID2, "per_txn_max", "1"), TMS_EREADONLY);
	assert_int_equal(set(f, TMS_LEVEL_TERMINAL, T_TID2, "per_txn_max", NULL), TMS_EREADONLY);
	assert_int_equal(audit_count(f), 0);
}

/* Bad keys, values, levels and names: refused, the reason naming the key, nothing changed. */
static void bad_refused(void **state)
{
	static const struct {
		const char *key, *value;
	} bad[] = {
	    {"connect_timeout", "0"},
	    {"connect_timeout", "121"},
	    {"connect_timeout", "1x"},
	    {"connect_timeout", ""},
	    {"answer_timeout", "4"},
	    {"reversal_retries", "10"},
	    {"language", "fr"},
	    {"language", "z"},
	    {"pin_credit", "2"},
	    {"utc_offset", "08:00"},
	    {"utc_offset", "+15:00"},
	    {"utc_offset", "+08:60"},
	    {"host_primary", "example"},
	    {"host_primary", "a:0"},
	    {"host_primary", "a:65536"},
	    {"host_primary", "-a:80"},
	    {"host_primary", "a b:80"},
	    {"merchant_name_zh", ""},
	    {"merchant_name_zh", "\xff"},
	    {"merchant_name_en", "书"},
	    {"receipt_header", "a\nb"},
	    {"merchant_name_zh", "一二三四五六七八九十一二三四"}, /* 42 bytes */
	};
	struct fx *f = *state;
	struct tms_params before = resolved(f, T_TID), after;
	struct tms_level_set l;
	char why[TMS_WHY_MAX];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct tms_change c = {TMS_LEVEL_TERMINAL, T_TID, bad[i].key, bad[i].value};

		why[0] = '\0';
		if (tms_param_set(f->t, T_ACTOR, &c, T_NOW, why) != TMS_EARG)
			fail_msg("%s=%s was not refused", bad[i].key, bad[i].value);
		assert_non_null(strstr(why, bad[i].key));
	}
	assert_int_equal(set(f, TMS_LEVEL_ALL, NULL, "no_such_key", "1"), TMS_EARG);
	assert_int_equal(set(f, TMS_LEVEL_ALL, "x", "language", "en"), TMS_EARG);
	assert_int_equal(set(f, TMS_LEVEL_MODEL, "bad model", "language", "en"), TMS_EARG);
	assert_int_equal(set(f, TMS_LEVEL_MODEL, NULL, "language", "en"), TMS_EARG);
	assert_int_equal(set(f, TMS_LEVEL_DEFAULT, NULL, "language", "en"), TMS_EARG);
	assert_int_equal(set(f, TMS_LEVEL_MERCHANT, "898310048129999", "language", "en"),
	                 TMS_ENOTFOUND);
	assert_int_equal(set(f, TMS_LEVEL_TERMINAL, "NOSUCH01", "language", "en"), TMS_ENOTFOUND);
	after = resolved(f, T_TID);
	assert_memory_equal(&before, &after, sizeof before);
	assert_int_equal(tms_param_list(f->t, TMS_LEVEL_TERMINAL, T_TID, &l, why), TMS_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.version, 0);
	assert_int_equal(audit_count(f), 0);
	/* Values kept as checked: a number without its leading zeros, a port as a number. */
	assert_int_equal(set(f, TMS_LEVEL_TERMINAL, T_TID, "connect_timeout", "015"), TMS_OK);
	assert_int_equal(set(f, TMS_LEVEL_TERMINAL, T_TID, "host_primary", "10.0.0.5:08583"),
	                 TMS_OK);
	after = resolved(f, T_TID);
	assert_param(&after, "connect_timeout", "15", TMS_LEVEL_TERMINAL);
	assert_param(&after, "host_primary", "10.0.0.5:8583", TMS_LEVEL_TERMINAL);
	assert_int_equal(set(f, TMS_LEVEL_TERMINAL, T_TID, "receipt_footer", ""), TMS_OK);
	assert_int_equal(set(f, TMS_LEVEL_TERMINAL, T_TID, "utc_offset", "-03:30"), TMS_OK);
	assert_int_equal(
	    set(f, TMS_LEVEL_TERMINAL, T_TID, "merchant_name_zh", "一二三四五六七八九十一二三"),
	    TMS_OK);
}

/* The version changes when what the terminal gets changes, and only then. */
static void version_follows_content(void **state)
{
	struct fx *f = *state;
	struct tms_params p0 = resolved(f, T_TID), p;
	struct store_merchant_app a;
	struct tms_level_set l;

	/* Another model's, another merchant's, another terminal's: not this terminal's. */
	assert_int_equal(set(f, TMS_LEVEL_MODEL, "OTHER", "language", "en"), TMS_OK);
	assert_int_equal(set(f, TMS_LEVEL_MERCHANT, T_MID2, "language", "en"), TMS_OK);
	assert_int_equal(set(f, TMS_LEVEL_TERMINAL, T_TID2, "language", "en"), TMS_OK);
	p = resolved(f, T_TID);
	assert_string_equal(p.version, p0.version);
	/* A key set to the value it resolves to already: the same content, the same version. */
	assert_int_equal(set(f, TMS_LEVEL_ALL, NULL, "language", "zh"), TMS_OK);
	p = resolved(f, T_TID);
	assert_string_equal(p.version, p0.version);
	/* A change it gets: a new version; undone, the old one again. */
	assert_int_equal(set(f, TMS_LEVEL_MODEL, T_MODEL, "language", "en"), TMS_OK);
	p = resolved(f, T_TID);
	assert_string_not_equal(p.version, p0.version);
	assert_int_equal(set(f, TMS_LEVEL_MODEL, T_MODEL, "language", NULL), TMS_OK);
	p = resolved(f, T_TID);
	assert_string_equal(p.version, p0.version);
	/* The same value set again at a level: nothing changes, not even the level's version. */
	assert_int_equal(tms_param_list(f->t, TMS_LEVEL_ALL, NULL, &l, NULL), TMS_OK);
	assert_int_equal(l.version, 1);
	assert_int_equal(set(f, TMS_LEVEL_ALL, NULL, "language", "zh"), TMS_OK);
	assert_int_equal(tms_param_list(f->t, TMS_LEVEL_ALL, NULL, &l, NULL), TMS_OK);
	assert_int_equal(l.version, 1);
	/* The merchant's limits change: so does what the terminal gets. */
	assert_int_equal(store_merchant_app_by_mid(f->sf->s, T_MID, &a), STORE_OK);
	a.limit_txn = 100000;
	assert_int_equal(store_merchant_app_update(f->sf->s, &a), STORE_OK);
	p = resolved(f, T_TID);
	assert_param(&p, "per_txn_max", "100000", TMS_LEVEL_LIMITS);
	assert_string_not_equal(p.version, p0.version);
}

/* Whether the n bytes of what are in buf (len bytes). */
static bool has_bytes(const uint8_t *buf, size_t len, const char *what, size_t n)
{
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(buf + i, what, n) == 0)
			return true;
	return false;
}

/* The download form: VN, then each key's item in tag order, TAG LLL VALUE; the version the
 * SHA-256 of the items. */
static void encoding(void **state)
{
	struct fx *f = *state;
	struct tms_params p;
	uint8_t buf[4096], md[EVP_MAX_MD_SIZE];
	char hex[9], prev[3] = "";
	unsigned md_len;
	size_t len, at, n_items = 0;

	assert_int_equal(set(f, TMS_LEVEL_TERMINAL, T_TID, "receipt_header", "欢迎光临"), TMS_OK);
	p = resolved(f, T_TID);
	assert_int_equal(tms_params_encode(&p, buf, sizeof buf, &len), TMS_OK);
	assert_memory_equal(buf, "VN008", 5);
	assert_memory_equal(buf + 5, p.version, 8);
	for (at = 13; at < len; n_items++) {
		char tag[3] = {(char)buf[at], (char)buf[at + 1], '\0'}, lll[4] = {0};
		const struct tms_param *i = NULL;
		size_t n;

		memcpy(lll, buf + at + 2, 3);
		n = (size_t)atoi(lll);
		assert_true(strcmp(prev, tag) < 0); /* in tag order, each once */
		memcpy(prev, tag, 3);
		for (size_t k = 0; k < p.n; k++)
			if (strcmp(p.items[k].tag, tag) == 0)
				i = &p.items[k];
		assert_non_null(i);
		assert_int_equal(n, strlen(i->value));
		assert_memory_equal(buf + at + 5, i->value, n);
		at += 5 + n;
	}
	assert_int_equal(at, len);
	assert_int_equal(n_items, TMS_PARAMS_N);
	assert_memory_equal(buf + 13 + 0, "AT00260", 7); /* answer_timeout first: AT < CT < … */
	assert_int_equal(EVP_Digest(buf + 13, len - 13, md, &md_len, EVP_sha256(), NULL), 1);
	snprintf(hex, sizeof hex, "%02x%02x%02x%02x", md[0], md[1], md[2], md[3]);
	assert_string_equal(hex, p.version);
	/* "RH012" and the 12 bytes of 欢迎光临 (UTF-8). */
	assert_true(has_bytes(buf, len, "RH012\xe6\xac\xa2\xe8\xbf\x8e", 11));
	assert_int_equal(tms_params_encode(&p, buf, len - 1, &len), TMS_ESPACE);
	assert_int_equal(tms_params_encode(&p, buf, 12, &len), TMS_ESPACE);
}

/* A level's set: its keys alone, its version counted up by each change, who and when; each
 * change audited with the key's old and new value. */
static void level_set_and_audit(void **state)
{
	struct fx *f = *state;
	struct tms_level_set l;
	struct store_audit_filter filter = {.object = "tms:model:" T_MODEL};
	size_t n = 0;

	assert_int_equal(set(f, TMS_LEVEL_MODEL, T_MODEL, "language", "en"), TMS_OK);
	assert_int_equal(set(f, TMS_LEVEL_MODEL, T_MODEL, "pin_credit", "1"), TMS_OK);
	assert_int_equal(set(f, TMS_LEVEL_MODEL, T_MODEL, "language", "zh"), TMS_OK);
	assert_int_equal(set(f, TMS_LEVEL_MODEL, T_MODEL, "pin_credit", NULL), TMS_OK);
	assert_int_equal(tms_param_list(f->t, TMS_LEVEL_MODEL, T_MODEL, &l, NULL), TMS_OK);
	assert_int_equal(l.version, 4);
	assert_string_equal(l.actor, T_ACTOR);
	assert_int_equal(l.changed_at, T_NOW);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].key, "language");
	assert_string_equal(l.items[0].value, "zh");
	assert_int_equal(store_audit_list(f->sf->s, &filter, count_audit, &n), STORE_OK);
	assert_int_equal(n, 4);
	filter.action = "tms.param.unset";
	n = 0;
	assert_int_equal(store_audit_list(f->sf->s, &filter, count_audit, &n), STORE_OK);
	assert_int_equal(n, 1);
	/* A level never changed: version 0, nobody. */
	assert_int_equal(tms_param_list(f->t, TMS_LEVEL_MERCHANT, T_MID, &l, NULL), TMS_OK);
	assert_int_equal(l.version, 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(tms_param_list(f->t, TMS_LEVEL_TERMINAL, "NOSUCH01", &l, NULL),
	                 TMS_ENOTFOUND);
}

/* The keys and their tags, as docs/tms.md's table names them. */
static void key_table(void **state)
{
	static const char *const tags[] = {"MZ", "ME", "H1", "H2", "CT", "AT", "RR",
	                                   "RH", "RF", "LG", "UO", "PC", "TX", "MX"};
	enum tms_level l;

	(void)state;
	for (size_t i = 0; i < TMS_PARAMS_N; i++)
		assert_string_equal(tms_param_tag(i), tags[i]);
	assert_null(tms_param_key(TMS_PARAMS_N));
	assert_int_equal(tms_level_find("merchant", &l), TMS_OK);
	assert_int_equal(l, TMS_LEVEL_MERCHANT);
	assert_int_equal(tms_level_find("default", &l), TMS_EARG);
	assert_int_equal(tms_level_find("merchant limits", &l), TMS_EARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(defaults, setup, teardown),
	    cmocka_unit_test_setup_teardown(levels_override, setup, teardown),
	    cmocka_unit_test_setup_teardown(limits_read_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(bad_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(version_follows_content, setup, teardown),
	    cmocka_unit_test_setup_teardown(encoding, setup, teardown),
	    cmocka_unit_test_setup_teardown(level_set_and_audit, setup, teardown),
	    cmocka_unit_test(key_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
