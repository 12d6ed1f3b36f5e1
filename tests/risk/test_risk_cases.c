/* test_risk_cases.c — the analyst's tools (acquirer/risk_admin.h, store_risk.h's reads): a
 * list's object keyed (a card by its keyed hash, masked 6/4, a bad PAN refused), entries added
 * and removed with their audit entries, cases paged newest first and found by their request,
 * a case closed once (bad verdicts, block without fraud, an unknown case refused), fraud
 * --block putting the card on the blocked list in the same step, and a request's risk
 * evaluation (the strongest action, the first decline's code, the case). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquirer/risk_admin.h"
#include "issuer/issuer_fixture.h"
#include "store/store_audit.h"

#define PAN "6225880000000001" /* Luhn-valid */

struct fx {
	struct issuer_fixture *f;
	acquirer *a;
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	struct acquirer_config cfg;

	if (x == NULL || issuer_fixture_setup((void **)&x->f) != 0)
		return -1;
	acquirer_config_defaults(&cfg);
	if (acquirer_open(x->f->s, x->f->h, x->f->is, &x->f->zpk, &x->f->keys.pan_hash, &cfg,
	                  &x->a) != ACQUIRER_OK)
		return -1;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	void *f = x->f;

	acquirer_close(x->a);
	free(x);
	return issuer_fixture_teardown(&f);
}

static int count_audit(void *ctx, const struct store_audit *e)
{
	(void)e;
	++*(int *)ctx;
	return 0;
}

static int audits(struct fx *x)
{
	struct store_audit_filter f = {0};
	int n = 0;

	assert_int_equal(store_audit_list(x->f->s, &f, count_audit, &n), STORE_OK);
	return n;
}

static void objects(void **state)
{
	struct fx *x = *state;
	struct store_risk_entry e = {0}, again = {0};

	assert_int_equal(acquirer_risk_object(x->a, "card", PAN, &e), ACQUIRER_OK);
	assert_int_equal(strlen(e.key), 64);
	assert_null(strstr(e.key, PAN));
	assert_string_equal(e.masked, "622588******0001");
	assert_int_equal(acquirer_risk_object(x->a, "card", PAN, &again), ACQUIRER_OK);
	assert_string_equal(e.key, again.key); /* the same card, the same key */
	assert_int_equal(acquirer_risk_object(x->a, "card", "6225880000000002", &e), ACQUIRER_EARG);
	assert_int_equal(acquirer_risk_object(x->a, "card", "12", &e), ACQUIRER_EARG);
	assert_int_equal(acquirer_risk_object(x->a, "terminal", "TERM0001", &e), ACQUIRER_OK);
	assert_string_equal(e.key, "TERM0001");
	assert_int_equal(acquirer_risk_object(x->a, "terminal", "TERM001", &e), ACQUIRER_EARG);
	assert_int_equal(acquirer_risk_object(x->a, "merchant", "898310048120001", &e),
	                 ACQUIRER_OK);
	assert_int_equal(acquirer_risk_object(x->a, "merchant", "8983100481200", &e),
	                 ACQUIRER_EARG);
	assert_int_equal(acquirer_risk_object(x->a, "shop", "TERM0001", &e), ACQUIRER_EARG);
}

static void lists(void **state)
{
	struct fx *x = *state;
	struct store_risk_entry e = {.list = "blocked", .reason = "stolen"}, found;
	int n = audits(x);

	assert_int_equal(acquirer_risk_object(x->a, "card", PAN, &e), ACQUIRER_OK);
	assert_int_equal(acquirer_risk_list_add(x->a, "cli:test", &e, x->f->now), ACQUIRER_OK);
	assert_int_equal(audits(x), n + 1);
	assert_int_equal(store_risk_list_find(x->f->s, "card", e.key, "blocked", &found), STORE_OK);
	assert_string_equal(found.masked, "622588******0001");
	assert_string_equal(found.reason, "stolen");
	snprintf(e.list, sizeof e.list, "grey");
	assert_int_equal(acquirer_risk_list_add(x->a, "cli:test", &e, x->f->now), ACQUIRER_EARG);
	assert_int_equal(acquirer_risk_list_remove(x->a, "cli:test", "card", e.key, "blocked",
	                                           x->f->now, &found),
	                 ACQUIRER_OK);
	assert_string_equal(found.reason, "stolen");
	assert_int_equal(audits(x), n + 2);
	assert_int_equal(
	    acquirer_risk_list_remove(x->a, "cli:test", "card", e.key, "blocked", x->f->now, NULL),
	    ACQUIRER_ENOTFOUND);
	assert_int_equal(audits(x), n + 2); /* nothing audited of a failed change */
}

static int64_t open_case(struct fx *x, const char *txn_ids, const char *pan_hash)
{
	struct store_risk_case c = {.opened_at = x->f->now};

	snprintf(c.txn_ids, sizeof c.txn_ids, "%s", txn_ids);
	snprintf(c.masked, sizeof c.masked, "622588******0001");
	snprintf(c.pan_hash, sizeof c.pan_hash, "%s", pan_hash);
	snprintf(c.rules, sizeof c.rules, "night_large");
	snprintf(c.numbers, sizeof c.numbers, "night_large: type=1 hour=4 amount=100000");
	assert_int_equal(store_risk_case_open(x->f->s, &c), STORE_OK);
	return c.id;
}

static int collect(void *ctx, const struct store_risk_case *c)
{
	int64_t *ids = ctx;

	ids[++ids[0]] = c->id;
	return 0;
}

static void cases_paged(void **state)
{
	struct fx *x = *state;
	int64_t ids[8] = {0};
	struct store_risk_case_page p = {.limit = 2};
	struct store_risk_case c;
	int64_t a = open_case(x, "1,12", "h"), b = open_case(x, "2", "h"),
	        d = open_case(x, "3", "h");
	json_t *j;

	assert_int_equal(store_risk_case_page(x->f->s, &p, collect, ids), STORE_OK);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], d); /* newest first */
	assert_int_equal(ids[2], b);
	p.before_id = b;
	ids[0] = 0;
	assert_int_equal(store_risk_case_page(x->f->s, &p, collect, ids), STORE_OK);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], a);
	assert_int_equal(store_risk_case_by_txn(x->f->s, 12, &c), STORE_OK);
	assert_int_equal(c.id, a);
	assert_int_equal(store_risk_case_by_txn(x->f->s, 2, &c), STORE_OK);
	assert_int_equal(c.id, b); /* "2" matched whole, not in "12" */
	assert_int_equal(store_risk_case_by_txn(x->f->s, 9, &c), STORE_ENOTFOUND);
	j = acquirer_risk_case_json(&c, 480);
	assert_non_null(j);
	assert_int_equal(
	    json_integer_value(json_object_get(
	        json_object_get(json_array_get(json_object_get(j, "rules"), 0), "numbers"),
	        "hour")),
	    4);
	json_decref(j);
	/* open_only leaves the closed out. */
	assert_int_equal(acquirer_risk_case_close(x->a, "cli:test", d, "legitimate", "fine", false,
	                                          x->f->now, NULL),
	                 ACQUIRER_OK);
	p = (struct store_risk_case_page){.open_only = true};
	ids[0] = 0;
	assert_int_equal(store_risk_case_page(x->f->s, &p, collect, ids), STORE_OK);
	assert_int_equal(ids[0], 2);
}

static void closing(void **state)
{
	struct fx *x = *state;
	struct store_risk_entry e = {0}, found;
	struct store_risk_case c;
	int64_t id;
	int n;

	assert_int_equal(acquirer_risk_object(x->a, "card", PAN, &e), ACQUIRER_OK);
	id = open_case(x, "1", e.key);
	assert_int_equal(acquirer_risk_case_close(x->a, "cli:t", id, "maybe", "x", false, 1, NULL),
	                 ACQUIRER_EARG);
	assert_int_equal(
	    acquirer_risk_case_close(x->a, "cli:t", id, "legitimate", "x", true, 1, NULL),
	    ACQUIRER_EARG);
	assert_int_equal(acquirer_risk_case_close(x->a, "cli:t", id, "fraud", "", false, 1, NULL),
	                 ACQUIRER_EARG);
	assert_int_equal(acquirer_risk_case_close(x->a, "cli:t", 99, "fraud", "x", false, 1, NULL),
	                 ACQUIRER_ENOTFOUND);
	n = audits(x);
	assert_int_equal(
	    acquirer_risk_case_close(x->a, "cli:t", id, "fraud", "confirmed", true, x->f->now, &c),
	    ACQUIRER_OK);
	assert_string_equal(c.status, "closed");
	assert_string_equal(c.verdict, "fraud");
	assert_string_equal(c.closed_by, "cli:t");
	/* The close and the block, in one step (the card unknown to this issuer: none revoked). */
	assert_int_equal(audits(x), n + 2);
	assert_int_equal(store_risk_list_find(x->f->s, "card", e.key, "blocked", &found), STORE_OK);
	assert_int_equal(
	    acquirer_risk_case_close(x->a, "cli:t", id, "legitimate", "again", false, 1, NULL),
	    ACQUIRER_RISK_ECLOSED);
	assert_int_equal(audits(x), n + 2);
}

static void txn_risk(void **state)
{
	struct fx *x = *state;
	struct store_risk_hit h = {.txn_id = 5, .at = 1};
	json_t *j;

	j = acquirer_txn_risk_json(x->f->s, 5);
	assert_true(json_is_null(j));
	json_decref(j);
	snprintf(h.rule, sizeof h.rule, "card_velocity");
	snprintf(h.action, sizeof h.action, "review");
	snprintf(h.numbers, sizeof h.numbers, "card_count_10m=6");
	assert_int_equal(store_risk_hit_add(x->f->s, &h), STORE_OK);
	snprintf(h.rule, sizeof h.rule, "card_velocity.decline");
	snprintf(h.action, sizeof h.action, "decline");
	snprintf(h.rc, sizeof h.rc, "65");
	assert_int_equal(store_risk_hit_add(x->f->s, &h), STORE_OK);
	snprintf(h.rule, sizeof h.rule, "other");
	snprintf(h.rc, sizeof h.rc, "61");
	assert_int_equal(store_risk_hit_add(x->f->s, &h), STORE_OK);
	j = acquirer_txn_risk_json(x->f->s, 5);
	assert_string_equal(json_string_value(json_object_get(j, "action")), "decline");
	assert_string_equal(json_string_value(json_object_get(j, "rc")), "65"); /* the first */
	assert_string_equal(json_string_value(json_object_get(j, "by")), "card_velocity.decline");
	assert_int_equal(json_array_size(json_object_get(j, "rules")), 3);
	assert_true(json_is_null(json_object_get(j, "case")));
	json_decref(j);
	open_case(x, "5", "h");
	j = acquirer_txn_risk_json(x->f->s, 5);
	assert_true(json_is_integer(json_object_get(j, "case")));
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(objects, setup, teardown),
	    cmocka_unit_test_setup_teardown(lists, setup, teardown),
	    cmocka_unit_test_setup_teardown(cases_paged, setup, teardown),
	    cmocka_unit_test_setup_teardown(closing, setup, teardown),
	    cmocka_unit_test_setup_teardown(txn_risk, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
