/* test_risk_qr.c — QR-code payments in the risk rules (docs/risk.md "card_after_qr"): the
 * shipped rule card_after_qr through the risk stage's own evaluation (acquirer_risk_evaluate())
 * over a store, at its boundary on a controlled clock (300 s after a QR payment by the same
 * holder at the same terminal fires, 301 s does not), not for another holder, another
 * terminal, an unknown holder, a refund, or a QR payment after a card's; a card's holder asked
 * of the local issuer (another card of the same holder's paid by QR); the word qr and the
 * entry of a scanned code as channel qr; the holder's last QR payment kept in the risk store
 * (the later time wins); and a QR payment counted in its card's and its terminal's windows by
 * the card's keyed hash, as a card payment is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquirer/acquirer.h"
#include "issuer/issuer_fixture.h"
#include "store/store_risk.h"

#define TID     "TERM0001"
#define TID2    "TERM0002"
#define MID     "898310048120001"
#define CARD    "1111111111111111111111111111111111111111111111111111111111111111"
#define HOLDER  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HOLDER2 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define QR_AT   INT64_C(1796378400) /* 2026-12-04 10:00:00 in Beijing */

struct fx {
	struct issuer_fixture *f;
	acquirer *a;
	risk_rules *rules;
};

static int setup(void **state)
{
	const char *src = getenv("POSSUM_SOURCE");
	char path[1024], err[256] = "";
	struct fx *x = calloc(1, sizeof *x);
	struct acquirer_config cfg;

	if (x == NULL || issuer_fixture_setup((void **)&x->f) != 0)
		return -1;
	acquirer_config_defaults(&cfg);
	if (acquirer_open(x->f->s, x->f->h, x->f->is, &x->f->zpk, &x->f->keys.pan_hash, &cfg,
	                  &x->a) != ACQUIRER_OK)
		return -1;
	/* The shipped rules file loads, card_after_qr among its rules. */
	snprintf(path, sizeof path, "%s/etc/risk.rules", src != NULL ? src : ".");
	if (risk_rules_load(path, &x->rules, err, sizeof err) != RISK_OK) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	acquirer_set_rules(x->a, x->rules);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	void *f = x->f;

	acquirer_close(x->a);
	risk_rules_free(x->rules);
	free(x);
	return issuer_fixture_teardown(&f);
}

/* A chip-card purchase of 100.00 by the card CARD of holder at terminal tid at now. */
static struct acquirer_risk_txn card_payment(const char *tid, const char *holder, int64_t now)
{
	return (struct acquirer_risk_txn){.type = REQUEST_PURCHASE,
	                                  .amount = 10000,
	                                  .entry = REQUEST_ENTRY_CHIP,
	                                  .pan_hash = CARD,
	                                  .tid = tid,
	                                  .mid = MID,
	                                  .mcc = "5411",
	                                  .channel = "card",
	                                  .holder_key = holder,
	                                  .now = now};
}

/* x evaluated in a transaction of its own: whether card_after_qr fired (the action review),
 * and the context into *c. */
static bool after_qr(struct fx *f, const struct acquirer_risk_txn *x, struct risk_ctx *c)
{
	struct risk_result res;
	bool hit = false;

	assert_int_equal(store_begin(f->f->s), STORE_OK);
	assert_int_equal(acquirer_risk_evaluate(f->a, x, c, &res), ACQUIRER_OK);
	store_rollback(f->f->s);
	for (size_t i = 0; i < res.n_hits; i++)
		if (strcmp(res.hits[i].name, "card_after_qr") == 0) {
			assert_int_equal(res.hits[i].action, RISK_REVIEW);
			hit = true;
		}
	return hit;
}

/* The holder's QR payment at TID at QR_AT kept, as the record stage keeps an approved one. */
static void qr_paid(struct fx *x, const char *tid, const char *holder, int64_t at)
{
	assert_int_equal(store_begin(x->f->s), STORE_OK);
	assert_int_equal(store_risk_holder_qr_add(x->f->s, tid, holder, at), STORE_OK);
	assert_int_equal(store_commit(x->f->s), STORE_OK);
}

static void boundary(void **state)
{
	struct fx *x = *state;
	struct acquirer_risk_txn t;
	struct risk_ctx c;

	/* Before any QR payment: the gap is "none", nothing fires. */
	t = card_payment(TID, HOLDER, QR_AT + 10);
	assert_false(after_qr(x, &t, &c));
	assert_int_equal(c.v[RISK_V_HOLDER_QR_GAP], RISK_GAP_NONE);
	qr_paid(x, TID, HOLDER, QR_AT);
	/* Exactly 300 s after: fires; 301 s: not. */
	t = card_payment(TID, HOLDER, QR_AT + 300);
	assert_true(after_qr(x, &t, &c));
	assert_int_equal(c.v[RISK_V_HOLDER_QR_GAP], 300);
	t.now = QR_AT + 301;
	assert_false(after_qr(x, &t, &c));
	assert_int_equal(c.v[RISK_V_HOLDER_QR_GAP], 301);
	/* The same second: 0 s after. */
	t.now = QR_AT;
	assert_true(after_qr(x, &t, &c));
	/* Another holder, another terminal, a holder the issuer does not know: not. */
	t = card_payment(TID, HOLDER2, QR_AT + 10);
	assert_false(after_qr(x, &t, &c));
	assert_int_equal(c.v[RISK_V_HOLDER_QR_GAP], RISK_GAP_NONE);
	t = card_payment(TID2, HOLDER, QR_AT + 10);
	assert_false(after_qr(x, &t, &c));
	t = card_payment(TID, "", QR_AT + 10);
	assert_false(after_qr(x, &t, &c));
	t = card_payment(TID, NULL, QR_AT + 10);
	assert_false(after_qr(x, &t, &c));
	/* A refund by card: not a payment. */
	t = card_payment(TID, HOLDER, QR_AT + 10);
	t.type = REQUEST_REFUND;
	assert_false(after_qr(x, &t, &c));
}

/* A card payment without a holder key: the risk stage's evaluation asks the local issuer for
 * its card's holder, who paid by QR with another card of theirs (the same ID number). */
static void holder_from_issuer(void **state)
{
	struct fx *x = *state;
	struct issuer_card_image a = test_issue(x->f, CARD_PRODUCT_DEBIT, false),
	                         b = test_issue(x->f, CARD_PRODUCT_CREDIT, false);
	struct acquirer_risk_txn t;
	struct risk_ctx c;
	char key[65], other[65];

	assert_int_equal(issuer_holder_key(x->f->is, a.pan, key), ISSUER_OK);
	assert_int_equal(issuer_holder_key(x->f->is, b.pan, other), ISSUER_OK);
	assert_string_equal(key, other); /* one holder, two accounts */
	qr_paid(x, TID, key, QR_AT);
	t = card_payment(TID, NULL, QR_AT + 300);
	t.pan = b.pan;
	assert_true(after_qr(x, &t, &c));
	assert_int_equal(c.v[RISK_V_HOLDER_QR_GAP], 300);
	t.now = QR_AT + 301;
	assert_false(after_qr(x, &t, &c));
	/* A card the issuer does not know: its holder unknown. */
	t = card_payment(TID, "", QR_AT + 10);
	t.pan = "6225880000000001";
	assert_false(after_qr(x, &t, &c));
	assert_int_equal(c.v[RISK_V_HOLDER_QR_GAP], RISK_GAP_NONE);
	/* A terminal without a QR payment: none, without asking. */
	t = card_payment(TID2, NULL, QR_AT + 10);
	t.pan = b.pan;
	assert_false(after_qr(x, &t, &c));
	assert_int_equal(c.v[RISK_V_HOLDER_QR_GAP], RISK_GAP_NONE);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
}

static void qr_after_card(void **state)
{
	struct fx *x = *state;
	struct acquirer_risk_txn t;
	struct risk_ctx c;

	qr_paid(x, TID, HOLDER, QR_AT);
	/* A second QR payment 10 s after the first, by its row's channel or a scanned code's
	 * entry: channel qr, which the rule leaves alone. */
	t = card_payment(TID, HOLDER, QR_AT + 10);
	t.channel = "qr", t.entry = REQUEST_ENTRY_UNKNOWN;
	assert_false(after_qr(x, &t, &c));
	assert_int_equal(c.v[RISK_V_CHANNEL], RISK_CHANNEL_QR);
	t.channel = NULL, t.entry = REQUEST_ENTRY_QR;
	assert_false(after_qr(x, &t, &c));
	assert_int_equal(c.v[RISK_V_CHANNEL], RISK_CHANNEL_QR);
	/* A card swiped: channel swipe. */
	t.channel = "card", t.entry = REQUEST_ENTRY_STRIPE;
	assert_true(after_qr(x, &t, &c));
	assert_int_equal(c.v[RISK_V_CHANNEL], RISK_CHANNEL_SWIPE);
}

static void holder_store(void **state)
{
	struct fx *x = *state;
	int64_t at = -1;

	assert_int_equal(store_risk_holder_qr_last(x->f->s, TID, HOLDER, &at), STORE_OK);
	assert_int_equal(at, 0); /* none */
	qr_paid(x, TID, HOLDER, QR_AT + 60);
	qr_paid(x, TID, HOLDER, QR_AT); /* an earlier one recorded later: the later time stays */
	assert_int_equal(store_risk_holder_qr_last(x->f->s, TID, HOLDER, &at), STORE_OK);
	assert_int_equal(at, QR_AT + 60);
	qr_paid(x, TID, HOLDER, QR_AT + 120);
	assert_int_equal(store_risk_holder_qr_last(x->f->s, TID, HOLDER, &at), STORE_OK);
	assert_int_equal(at, QR_AT + 120);
	assert_int_equal(store_risk_holder_qr_last(x->f->s, TID2, HOLDER, &at), STORE_OK);
	assert_int_equal(at, 0);
}

/* A QR payment is counted (store_risk_count_payment(), as the record stage counts every
 * payment) by its card's keyed hash: the card's and the terminal's windows hold it beside a
 * card payment of the same card. */
static void both_channels_count(void **state)
{
	struct fx *x = *state;
	static const char rules[] =
	    "rule watch if card_count_10m >= 2 and terminal_count_10m >= 2 then review\n";
	struct acquirer_risk_txn t = card_payment(TID, HOLDER, QR_AT + 60);
	struct risk_result res;
	struct risk_ctx c;
	risk_rules *r = NULL;
	char err[256];

	assert_int_equal(risk_rules_parse(rules, "t.rules", &r, err, sizeof err), RISK_OK);
	acquirer_set_rules(x->a, r);
	assert_int_equal(store_begin(x->f->s), STORE_OK);
	assert_int_equal(acquirer_risk_evaluate(x->a, &t, &c, &res), ACQUIRER_OK);
	assert_int_equal(c.v[RISK_V_CARD_COUNT_10M], 1); /* this one alone */
	assert_int_equal(store_risk_count_payment(x->f->s, CARD, TID, MID, QR_AT, true, 5000),
	                 STORE_OK); /* the QR payment, by the card's hash */
	assert_int_equal(acquirer_risk_evaluate(x->a, &t, &c, &res), ACQUIRER_OK);
	store_rollback(x->f->s);
	assert_int_equal(c.v[RISK_V_CARD_COUNT_10M], 2);
	assert_int_equal(c.v[RISK_V_CARD_SUM_10M], 15000);
	assert_int_equal(c.v[RISK_V_TERMINAL_COUNT_10M], 2);
	assert_string_equal(res.by, "watch");
	acquirer_set_rules(x->a, x->rules);
	risk_rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(boundary, setup, teardown),
	    cmocka_unit_test_setup_teardown(holder_from_issuer, setup, teardown),
	    cmocka_unit_test_setup_teardown(qr_after_card, setup, teardown),
	    cmocka_unit_test_setup_teardown(holder_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(both_channels_count, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
