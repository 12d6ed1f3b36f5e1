/* risk.c — the risk stage (docs/risk.md): a payment's or refund's context built from the
 * request, the store (store_risk.h: the host's rows, read in the batch's transaction) and, for
 * a card's holder, the local issuer (issuer_holder_key(): holder_qr_gap), the rules in force
 * run over it (risk.h), and the strongest action applied — review (approve, a case opened),
 * decline RC, require_auth (C1), revoke_auth (the card's authentication revoked, C2),
 * suspend_terminal (58, the terminal suspended). After the record stage, each rule that fired
 * is kept with the request's row, and the case opened. Time is the host's clock in its local
 * time ([host] utc_offset), never fields 12 and 13. */
#include "acquirer/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "common/geo.h"
#include "rcode/rcode.h"
#include "store/store_risk.h"

#define DAY_SECONDS 86400

void acquirer_set_rules(acquirer *a, const risk_rules *rules)
{
	a->rules = rules;
}

static const int64_t window_seconds[STORE_RISK_WINDOWS - 1] = {600, 1800, 3600, DAY_SECONDS};

/* The start of the host's local day of now ([host] utc_offset), Unix seconds. */
static int64_t local_day(const acquirer *a, int64_t now)
{
	int64_t local = now + (int64_t)a->cfg.utc_offset * 60;

	return now - ((local % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS;
}

/* Whether x is a QR-code payment or refund (docs/qr.md): its row's channel, or its entry. */
static bool qr_of(const struct acquirer_risk_txn *x)
{
	return (x->channel != NULL && strcmp(x->channel, "qr") == 0) ||
	       x->entry == REQUEST_ENTRY_QR;
}

/* The request's own values: amount, type, product, channel, the local time, the MCC. */
static int fill_txn(acquirer *a, const struct acquirer_risk_txn *x, struct risk_ctx *c,
                    int64_t *day_start)
{
	static const int types[REQUEST_TYPE_MAX + 1] = {[REQUEST_PURCHASE] = RISK_TYPE_PURCHASE,
	                                                [REQUEST_PREAUTH] = RISK_TYPE_PREAUTH,
	                                                [REQUEST_COMPLETION] = RISK_TYPE_COMPLETION,
	                                                [REQUEST_REFUND] = RISK_TYPE_REFUND};
	static const int channels[] = {[REQUEST_ENTRY_MANUAL] = RISK_CHANNEL_MANUAL,
	                               [REQUEST_ENTRY_STRIPE] = RISK_CHANNEL_SWIPE,
	                               [REQUEST_ENTRY_CHIP] = RISK_CHANNEL_CHIP,
	                               [REQUEST_ENTRY_FALLBACK] = RISK_CHANNEL_FALLBACK,
	                               [REQUEST_ENTRY_QR] = RISK_CHANNEL_QR};
	int64_t sec = x->now - local_day(a, x->now);
	*day_start = x->now - sec;
	c->v[RISK_V_AMOUNT] = x->amount;
	c->v[RISK_V_TYPE] = x->type >= 0 && x->type <= REQUEST_TYPE_MAX ? types[x->type] : 0;
	c->v[RISK_V_CHANNEL] = qr_of(x)                                        ? RISK_CHANNEL_QR
	                       : x->entry >= 0 && x->entry <= REQUEST_ENTRY_QR ? channels[x->entry]
	                                                                       : 0;
	c->v[RISK_V_HOUR] = sec / 3600;
	c->v[RISK_V_MINUTE] = sec / 60 % 60;
	c->v[RISK_V_MCC] = x->mcc != NULL ? strtoll(x->mcc, NULL, 10) : 0;
	/* The location this request reports (59.A2.06) against the terminal's registered one. */
	if (x->has_location && (x->reg_lat != 0 || x->reg_lon != 0)) {
		c->v[RISK_V_LOCATION_KNOWN] = 1;
		c->v[RISK_V_DISTANCE] = geo_distance_m(x->reg_lat, x->reg_lon, x->lat, x->lon);
	}
	/* The product of the card's BIN at the local issuer: in memory, no lookup of the card. */
	if (x->pan != NULL && risk_rules_uses(a->rules, RISK_V_PRODUCT))
		c->v[RISK_V_PRODUCT] = issuer_bin_product(a->is, x->pan);
	return ACQUIRER_OK;
}

/* The windows of who's values that a rule reads, a bit each (0: none): base is its first
 * value (the 10-minute count), then counts and sums in pairs; declines (-1: none) its
 * 10-minute, 1-hour and day declines. */
static unsigned windows_read(const bool need[RISK_NVARS], int base, int declines)
{
	static const int decline_windows[3] = {STORE_RISK_10M, STORE_RISK_1H, STORE_RISK_DAY};
	unsigned w = 0;

	for (int i = 0; i < 2 * STORE_RISK_WINDOWS; i++)
		if (need[base + i])
			w |= 1u << (i / 2);
	for (int i = 0; declines >= 0 && i < 3; i++)
		if (need[declines + i])
			w |= 1u << decline_windows[i];
	return w;
}

/* One of card, terminal, merchant: its windows' counts and sums (this payment in them), its
 * declines, and for the card the gap since its last payment, for the merchant on a refund its
 * day's purchases and refunds (this refund in them): read for refunds only, which is what a
 * refund rate judges, so that a payment never reads a busy merchant's whole day. */
static int fill_counts(acquirer *a, const struct acquirer_risk_txn *x, struct risk_ctx *c,
                       const bool need[RISK_NVARS], int who, const char *key, int base,
                       int declines, const int64_t since[STORE_RISK_WINDOWS])
{
	bool pay = c->v[RISK_V_TYPE] != RISK_TYPE_REFUND;
	unsigned w = windows_read(need, base, declines);
	struct store_risk_counts n;
	int64_t from = x->now, last, purchases, refunds;
	int rc;

	if (who == STORE_RISK_CARD && need[RISK_V_CARD_LAST_GAP]) {
		if ((rc = store_risk_last_payment(a->s, key, &last)) != STORE_OK)
			return acquirer_from_store(rc);
		c->v[RISK_V_CARD_LAST_GAP] = last > 0 ? x->now - last : -1;
	}
	if (who == STORE_RISK_MERCHANT && !pay &&
	    (need[RISK_V_MERCHANT_PURCHASES_DAY] || need[RISK_V_MERCHANT_REFUNDS_DAY])) {
		rc =
		    store_risk_merchant_day(a->s, key, since[STORE_RISK_DAY], &purchases, &refunds);
		if (rc != STORE_OK)
			return acquirer_from_store(rc);
		c->v[RISK_V_MERCHANT_PURCHASES_DAY] = purchases;
		c->v[RISK_V_MERCHANT_REFUNDS_DAY] = refunds + x->amount;
	}
	if (w == 0)
		return ACQUIRER_OK;
	for (int i = 0; i < STORE_RISK_WINDOWS; i++)
		if ((w & (1u << i)) && since[i] < from)
			from = since[i];
	if ((rc = store_risk_counts(a->s, who, key, since, from, &n)) != STORE_OK)
		return acquirer_from_store(rc);
	for (int i = 0; i < STORE_RISK_WINDOWS; i++) {
		c->v[base + 2 * i] = n.count[i] + pay;
		c->v[base + 2 * i + 1] = n.sum[i] + (pay ? x->amount : 0);
	}
	if (declines >= 0) {
		c->v[declines] = n.declines[STORE_RISK_10M];
		c->v[declines + 1] = n.declines[STORE_RISK_1H];
		c->v[declines + 2] = n.declines[STORE_RISK_DAY];
	}
	return ACQUIRER_OK;
}

/* The holder of x's card into key: x's own (a QR payment's, from the wallet), else, for a card
 * of the local issuer, its keyed hash of the holder's ID number (issuer_holder_key()); asked
 * only when the terminal has had a QR payment at all, so that a terminal without one costs no
 * lookup of the card. "" when not known. */
static int holder_of(acquirer *a, const struct acquirer_risk_txn *x, char key[65])
{
	int64_t any = 0;
	int rc;

	key[0] = '\0';
	if (x->holder_key != NULL && x->holder_key[0] != '\0') {
		snprintf(key, 65, "%s", x->holder_key);
		return ACQUIRER_OK;
	}
	if (qr_of(x) || x->pan == NULL || x->pan[0] == '\0')
		return ACQUIRER_OK;
	if ((rc = store_risk_holder_qr_last(a->s, x->tid, "", &any)) != STORE_OK)
		return acquirer_from_store(rc);
	if (any == 0)
		return ACQUIRER_OK;
	if ((rc = issuer_holder_key(a->is, x->pan, key)) != ISSUER_OK)
		key[0] = '\0';
	if (rc == ISSUER_OK || rc == ISSUER_ENOTFOUND)
		return ACQUIRER_OK;
	return rc == ISSUER_ENOMEM ? ACQUIRER_ENOMEM : ACQUIRER_ESTORE;
}

/* The seconds since the holder's last approved QR payment at this terminal (card_after_qr);
 * RISK_GAP_NONE when there was none, or the holder is not known. */
static int fill_holder(acquirer *a, const struct acquirer_risk_txn *x, struct risk_ctx *c,
                       const bool need[RISK_NVARS])
{
	char key[65];
	int64_t last = 0;
	int rc;

	if (!need[RISK_V_HOLDER_QR_GAP])
		return ACQUIRER_OK;
	c->v[RISK_V_HOLDER_QR_GAP] = RISK_GAP_NONE;
	if (x->tid == NULL)
		return ACQUIRER_OK;
	if ((rc = holder_of(a, x, key)) != ACQUIRER_OK || key[0] == '\0')
		return rc;
	if ((rc = store_risk_holder_qr_last(a->s, x->tid, key, &last)) != STORE_OK)
		return acquirer_from_store(rc);
	if (last > 0 && last <= x->now)
		c->v[RISK_V_HOLDER_QR_GAP] = x->now - last;
	return ACQUIRER_OK;
}

/* The card at this merchant, the terminal's distinct cards, the lists. */
static int fill_relations(acquirer *a, const struct acquirer_risk_txn *x, struct risk_ctx *c,
                          const bool need[RISK_NVARS], const int64_t since[])
{
	bool pay = c->v[RISK_V_TYPE] != RISK_TYPE_REFUND, seen;
	int64_t amount = x->amount;
	struct store_risk_card_merchant cm;
	struct store_risk_listed l;
	int rc;

	if (need[RISK_V_CARD_MERCHANT_COUNT_30M] || need[RISK_V_CARD_MERCHANT_COUNT_DAY] ||
	    need[RISK_V_CARD_MERCHANT_SUM_DAY] || need[RISK_V_CARD_MERCHANT_SPLIT_30M] ||
	    need[RISK_V_CARD_MERCHANT_ROUND_DAY]) {
		if ((rc = store_risk_card_merchant(a->s, x->pan_hash, x->mid, since[STORE_RISK_30M],
		                                   since[STORE_RISK_DAY], &cm)) != STORE_OK)
			return acquirer_from_store(rc);
		c->v[RISK_V_CARD_MERCHANT_COUNT_30M] = cm.count_30m + pay;
		c->v[RISK_V_CARD_MERCHANT_COUNT_DAY] = cm.count_day + pay;
		c->v[RISK_V_CARD_MERCHANT_SUM_DAY] = cm.sum_day + (pay ? amount : 0);
		c->v[RISK_V_CARD_MERCHANT_SPLIT_30M] =
		    cm.split_30m + (pay && amount % 100000 >= 95000);
		c->v[RISK_V_CARD_MERCHANT_ROUND_DAY] =
		    cm.round_day + (pay && amount > 0 && amount % 100000 == 0);
	}
	if (need[RISK_V_TERMINAL_CARDS_DAY] || need[RISK_V_TERMINAL_CARD_NEW]) {
		rc = store_risk_terminal_cards(a->s, x->tid, since[STORE_RISK_DAY], x->pan_hash,
		                               &c->v[RISK_V_TERMINAL_CARDS_DAY], &seen);
		if (rc != STORE_OK)
			return acquirer_from_store(rc);
		c->v[RISK_V_TERMINAL_CARDS_DAY] += pay && !seen;
		c->v[RISK_V_TERMINAL_CARD_NEW] = !seen;
	}
	for (int v = RISK_V_CARD_BLOCKED; v <= RISK_V_MERCHANT_WATCHED; v++) {
		if (!need[v])
			continue;
		if ((rc = store_risk_listed(a->s, x->pan_hash, x->tid, x->mid, &l)) != STORE_OK)
			return acquirer_from_store(rc);
		c->v[RISK_V_CARD_BLOCKED] = l.card_blocked;
		c->v[RISK_V_CARD_WATCHED] = l.card_watched;
		c->v[RISK_V_TERMINAL_BLOCKED] = l.terminal_blocked;
		c->v[RISK_V_TERMINAL_WATCHED] = l.terminal_watched;
		c->v[RISK_V_MERCHANT_BLOCKED] = l.merchant_blocked;
		c->v[RISK_V_MERCHANT_WATCHED] = l.merchant_watched;
		break;
	}
	return ACQUIRER_OK;
}

/* The values fill_txn() gives: known before anything is read from the store. */
static const int txn_vars[] = {RISK_V_AMOUNT,  RISK_V_TYPE,           RISK_V_PRODUCT,
                               RISK_V_CHANNEL, RISK_V_HOUR,           RISK_V_MINUTE,
                               RISK_V_MCC,     RISK_V_LOCATION_KNOWN, RISK_V_DISTANCE};

int acquirer_risk_evaluate(acquirer *a, const struct acquirer_risk_txn *x, struct risk_ctx *c,
                           struct risk_result *out)
{
	int64_t since[STORE_RISK_WINDOWS], day_start;
	bool known[RISK_NVARS] = {false}, need[RISK_NVARS];
	int rc;

	memset(c, 0, sizeof *c);
	risk_eval(NULL, c, out);
	if (risk_rules_count(a->rules) == 0)
		return ACQUIRER_OK;
	if ((rc = fill_txn(a, x, c, &day_start)) != ACQUIRER_OK)
		return rc;
	/* Only what can still change a rule's outcome is read: most rules are decided by the
	 * transaction's own values (its type, amount, hour) before any count. */
	for (size_t i = 0; i < sizeof txn_vars / sizeof txn_vars[0]; i++)
		known[txn_vars[i]] = true;
	known[RISK_V_MCC_CEILING] = true;
	risk_needs(a->rules, c, known, need);
	for (int i = 0; i < STORE_RISK_WINDOWS - 1; i++)
		since[i] = x->now - window_seconds[i]; /* 10 minutes: from now - 600 on */
	since[STORE_RISK_DAY] = day_start;
	if ((rc = fill_counts(a, x, c, need, STORE_RISK_CARD, x->pan_hash, RISK_V_CARD_COUNT_10M,
	                      RISK_V_CARD_DECLINES_10M, since)) != ACQUIRER_OK ||
	    (rc = fill_counts(a, x, c, need, STORE_RISK_TERMINAL, x->tid, RISK_V_TERMINAL_COUNT_10M,
	                      RISK_V_TERMINAL_DECLINES_10M, since)) != ACQUIRER_OK ||
	    (rc = fill_counts(a, x, c, need, STORE_RISK_MERCHANT, x->mid, RISK_V_MERCHANT_COUNT_10M,
	                      -1, since)) != ACQUIRER_OK ||
	    (rc = fill_relations(a, x, c, need, since)) != ACQUIRER_OK ||
	    (rc = fill_holder(a, x, c, need)) != ACQUIRER_OK)
		return rc;
	risk_eval(a->rules, c, out);
	return ACQUIRER_OK;
}

/* suspend_terminal: the terminal suspended pending review, audited as the host's doing, in
 * the request's savepoint (as merchant_terminal_set_state() audits it: "terminal.suspend"). */
static int suspend_terminal(struct txn *t, const char *reason)
{
	char object[32];
	json_t *before, *after;
	int rc;

	t->term.status = STORE_TERMINAL_SUSPENDED;
	if ((rc = store_terminal_update(t->a->s, &t->term)) != STORE_OK)
		return acquirer_from_store(rc);
	snprintf(object, sizeof object, "terminal:%s", t->tid);
	before = json_pack("{s:s, s:s}", "tid", t->tid, "state", "active");
	after = json_pack("{s:s, s:s, s:s}", "tid", t->tid, "state", "suspended", "reason", reason);
	rc = before == NULL || after == NULL
	         ? ACQUIRER_ENOMEM
	         : (audit_record(t->a->s, "host", "terminal.suspend", object, before, after,
	                         t->now) == AUDIT_OK
	                ? ACQUIRER_OK
	                : ACQUIRER_ESTORE);
	json_decref(before);
	json_decref(after);
	return rc;
}

/* revoke_auth: the card's verified authentication invalid ("risk_revoked"), in the request's
 * savepoint, audited as the host's doing with the rule (as `possum admin card revoke-auth`
 * audits it: "card.revoke_auth"); a card the local issuer does not know has none. */
static int revoke_auth(struct txn *t, const char *reason)
{
	struct issuer_card card;
	char object[32];
	json_t *after;
	int rc = issuer_card_find(t->a->is, t->rq.card.pan, &card);

	if (rc == ISSUER_ENOTFOUND)
		return ACQUIRER_OK;
	if (rc != ISSUER_OK || issuer_cardauth_revoke(t->a->is, card.id) != ISSUER_OK)
		return ACQUIRER_ESTORE;
	snprintf(object, sizeof object, "card:%lld", (long long)card.id);
	if ((after = json_pack("{s:s, s:s}", "card", card.masked, "why", reason)) == NULL)
		return ACQUIRER_ENOMEM;
	rc = audit_record(t->a->s, "host", "card.revoke_auth", object, NULL, after, t->now);
	json_decref(after);
	return rc == AUDIT_OK ? ACQUIRER_OK : ACQUIRER_ESTORE;
}

/* require_auth: a card authenticated and still valid passes; else C1. */
static int require_auth(struct txn *t, bool *passes)
{
	enum issuer_cardauth_state state;
	char why[32];
	int rc = issuer_cardauth_state(t->a->is, t->rq.card.pan, t->now, &state, why);

	if (rc != ISSUER_OK && rc != ISSUER_ENOTFOUND)
		return ACQUIRER_ESTORE;
	*passes = rc == ISSUER_OK && state == ISSUER_CARDAUTH_VALID;
	return ACQUIRER_OK;
}

/* The risk rules in force on a payment or refund: the action of the strongest that fired. */
int acquirer_stage_risk(struct txn *t)
{
	struct risk_result *res = &t->risk;
	char reason[sizeof t->reason];
	bool passes = false;
	int rc;

	struct acquirer_risk_txn x = {.type = t->rq.type,
	                              .amount = t->rq.amount,
	                              .entry = t->rq.card.entry,
	                              .pan = t->rq.card.pan,
	                              .pan_hash = t->pan_hash,
	                              .tid = t->tid,
	                              .mid = t->mid,
	                              .mcc = t->merchant.mcc,
	                              .now = t->now,
	                              .has_location = t->has_location,
	                              .lat = t->location_lat,
	                              .lon = t->location_lon,
	                              .reg_lat = t->term.lat,
	                              .reg_lon = t->term.lon,
	                              .channel = t->channel,
	                              .holder_key = t->holder_key};

	if (risk_rules_count(t->a->rules) == 0)
		return STAGE_NEXT;
	if ((rc = acquirer_risk_evaluate(t->a, &x, &t->risk_ctx, res)) != ACQUIRER_OK)
		return rc;
	t->risk_rules = t->a->rules;
	if (res->by == NULL)
		return STAGE_NEXT;
	snprintf(reason, sizeof reason, "risk_%s", res->by);
	switch (res->action) {
	case RISK_SUSPEND_TERMINAL:
		if ((rc = suspend_terminal(t, reason)) != ACQUIRER_OK)
			return rc;
		break;
	case RISK_REVOKE_AUTH:
		if ((rc = revoke_auth(t, reason)) != ACQUIRER_OK)
			return rc;
		break;
	case RISK_REQUIRE_AUTH:
		if ((rc = require_auth(t, &passes)) != ACQUIRER_OK)
			return rc;
		break;
	case RISK_DECLINE:
		break;
	default: /* review, allow: the issuer decides */
		return STAGE_NEXT;
	}
	return passes ? STAGE_NEXT : acquirer_decide(t, res->rc, reason);
}

/* "rule: name=value …; rule: …" of every hit into buf. */
static void case_numbers(const struct txn *t, char *buf, size_t len)
{
	size_t at = 0;
	char one[512];

	buf[0] = '\0';
	for (size_t i = 0; i < t->risk.n_hits && at < len; i++) {
		risk_hit_numbers(t->risk_rules, &t->risk.hits[i], &t->risk_ctx, one, sizeof one);
		int n = snprintf(buf + at, len - at, "%s%s: %s", i > 0 ? "; " : "",
		                 t->risk.hits[i].name, one);
		if (n < 0)
			break;
		at += (size_t)n;
	}
}

/* A review: a case opened, naming the request's row, the rules and their numbers. */
static int open_case(struct txn *t)
{
	struct store_risk_case c = {.opened_at = t->now};
	size_t at = 0;

	snprintf(c.txn_ids, sizeof c.txn_ids, "%lld", (long long)t->row_id);
	snprintf(c.rrn, sizeof c.rrn, "%s", t->rrn);
	snprintf(c.tid, sizeof c.tid, "%s", t->tid);
	snprintf(c.mid, sizeof c.mid, "%s", t->mid);
	snprintf(c.masked, sizeof c.masked, "%s", t->r->out.card);
	snprintf(c.pan_hash, sizeof c.pan_hash, "%s", t->pan_hash);
	for (size_t i = 0; i < t->risk.n_hits && at < sizeof c.rules; i++) {
		int n = snprintf(c.rules + at, sizeof c.rules - at, "%s%s", i > 0 ? "," : "",
		                 t->risk.hits[i].name);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	case_numbers(t, c.numbers, sizeof c.numbers);
	return acquirer_from_store(store_risk_case_open(t->a->s, &c));
}

/* Whether t is a QR-code payment or refund: its channel, or its request's QR kind. */
static bool txn_qr(const struct txn *t)
{
	return strcmp(t->channel, "qr") == 0 || t->rq.qr != REQUEST_QR_NONE;
}

/* A recorded payment counted: approved or declined in the minutes of its card, terminal,
 * merchant and card at the merchant (one statement); approved, its card among the terminal's
 * of the day (terminal_cards_day) and the payment among the card's at the merchant
 * (card_merchant_*_day), and a QR payment as its holder's last at the terminal
 * (holder_qr_gap). A QR payment counts as a card's, by the card's keyed hash. Kept whether
 * rules are in force or not, so that rules loaded later in the day count it. */
static int count_payment(struct txn *t)
{
	bool approved = strcmp(t->rc, RCODE_APPROVED) == 0;
	int rc;

	if (t->row_id == 0 || t->rq.type == REQUEST_REFUND)
		return ACQUIRER_OK;
	if ((rc = store_risk_count_payment(t->a->s, t->pan_hash, t->tid, t->mid, t->now, approved,
	                                   t->rq.amount)) != STORE_OK)
		return acquirer_from_store(rc);
	if (approved &&
	    (rc = store_risk_payment_add(t->a->s, t->pan_hash, t->tid, t->mid,
	                                 local_day(t->a, t->now), t->rq.amount)) != STORE_OK)
		return acquirer_from_store(rc);
	if (approved && txn_qr(t) && t->holder_key[0] != '\0' &&
	    (rc = store_risk_holder_qr_add(t->a->s, t->tid, t->holder_key, t->now)) != STORE_OK)
		return acquirer_from_store(rc);
	return ACQUIRER_OK;
}

/* After the record: each rule that fired kept with the request's row; a case opened when a
 * rule asked for review and no stronger action declined the request. */
int acquirer_stage_risk_record(struct txn *t)
{
	bool review = false;
	int rc;

	if ((rc = count_payment(t)) != ACQUIRER_OK)
		return rc;
	if (t->risk.n_hits == 0 || t->row_id == 0)
		return STAGE_NEXT;
	for (size_t i = 0; i < t->risk.n_hits; i++) {
		const struct risk_hit *h = &t->risk.hits[i];
		struct store_risk_hit row = {.txn_id = t->row_id, .at = t->now};

		snprintf(row.rule, sizeof row.rule, "%s", h->name);
		snprintf(row.action, sizeof row.action, "%s", risk_action_name(h->action));
		snprintf(row.rc, sizeof row.rc, "%s", h->rc);
		risk_hit_numbers(t->risk_rules, h, &t->risk_ctx, row.numbers, sizeof row.numbers);
		if ((rc = store_risk_hit_add(t->a->s, &row)) != STORE_OK)
			return acquirer_from_store(rc);
		review = review || h->action == RISK_REVIEW;
	}
	if (review && strncmp(t->reason, "risk_", 5) != 0)
		return open_case(t) == ACQUIRER_OK ? STAGE_NEXT : ACQUIRER_ESTORE;
	return STAGE_NEXT;
}
