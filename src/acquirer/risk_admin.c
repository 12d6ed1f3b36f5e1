/* risk_admin.c — the analyst's tools over the risk engine (risk_admin.h): the lists changed,
 * the cases closed with a verdict, and the JSON of an entry, a case and a request's risk
 * evaluation. Each change and its audit entry are one store transaction. */
#include "acquirer/risk_admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquirer/internal.h"
#include "audit/audit.h"
#include "card/card.h"
#include "common/hex.h"
#include "common/jsonval.h"
#include "crypto/crypto.h"
#include "risk/risk.h"

int acquirer_risk_object(acquirer *a, const char *kind, const char *value,
                         struct store_risk_entry *e)
{
	uint8_t hash[HSM_PAN_HASH_LEN];
	size_t len = value != NULL ? strlen(value) : 0;

	if (kind == NULL || value == NULL)
		return ACQUIRER_EARG;
	snprintf(e->kind, sizeof e->kind, "%s", kind);
	if (strcmp(kind, "card") == 0) {
		if (card_pan_check(value) != CARD_OK)
			return ACQUIRER_EARG;
		if (hsm_pan_hash(a->h, &a->pan_hash, value, hash) != HSM_OK)
			return ACQUIRER_EHSM;
		hex_encode(hash, sizeof hash, e->key, sizeof e->key);
		card_pan_mask(value, len, e->masked, sizeof e->masked);
		crypto_wipe(hash, sizeof hash);
		return ACQUIRER_OK;
	}
	if ((strcmp(kind, "terminal") == 0 && len != ACQUIRER_TID_LEN) ||
	    (strcmp(kind, "merchant") == 0 && len != ACQUIRER_MID_LEN) ||
	    (strcmp(kind, "terminal") != 0 && strcmp(kind, "merchant") != 0) ||
	    strspn(value, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != len)
		return ACQUIRER_EARG;
	snprintf(e->key, sizeof e->key, "%s", value);
	snprintf(e->masked, sizeof e->masked, "%s", value);
	return ACQUIRER_OK;
}

static bool one_line(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") == NULL;
}

static bool list_name(const char *list)
{
	return list != NULL && (strcmp(list, "blocked") == 0 || strcmp(list, "watched") == 0);
}

/* The audit entry of a list's change: object "risk_list:LIST:KIND:SHOWN". */
static int list_audit(acquirer *a, const char *actor, const char *action,
                      const struct store_risk_entry *before, const struct store_risk_entry *after,
                      int64_t now)
{
	const struct store_risk_entry *e = after != NULL ? after : before;
	json_t *b, *f;
	char object[80];
	int rc;

	if (e == NULL)
		return ACQUIRER_EARG;
	b = before != NULL ? acquirer_risk_entry_json(before, a->cfg.utc_offset) : NULL;
	f = after != NULL ? acquirer_risk_entry_json(after, a->cfg.utc_offset) : NULL;
	snprintf(object, sizeof object, "risk_list:%s:%s:%s", e->list, e->kind, e->masked);
	rc = (before != NULL && b == NULL) || (after != NULL && f == NULL)
	         ? ACQUIRER_ENOMEM
	         : (audit_record(a->s, actor, action, object, b, f, now) == AUDIT_OK
	                ? ACQUIRER_OK
	                : ACQUIRER_ESTORE);
	json_decref(b);
	json_decref(f);
	return rc;
}

/* Puts e on its list, audited, in the caller's transaction. */
static int list_put(acquirer *a, const char *actor, struct store_risk_entry *e, int64_t now)
{
	struct store_risk_entry old;
	int rc = store_risk_list_find(a->s, e->kind, e->key, e->list, &old);

	if (rc != STORE_OK && rc != STORE_ENOTFOUND)
		return ACQUIRER_ESTORE;
	e->at = now;
	if (store_risk_list_add(a->s, e) != STORE_OK)
		return ACQUIRER_ESTORE;
	return list_audit(a, actor, "risk.list.add", rc == STORE_OK ? &old : NULL, e, now);
}

/* Ends the transaction begun: committed when rc is ACQUIRER_OK, else rolled back. */
static int finish(acquirer *a, int rc)
{
	if (rc == ACQUIRER_OK && store_commit(a->s) == STORE_OK)
		return ACQUIRER_OK;
	store_rollback(a->s);
	return rc == ACQUIRER_OK ? ACQUIRER_ESTORE : rc;
}

int acquirer_risk_list_add(acquirer *a, const char *actor, struct store_risk_entry *e, int64_t now)
{
	if (!list_name(e->list) || !one_line(e->reason) || e->key[0] == '\0')
		return ACQUIRER_EARG;
	if (store_begin(a->s) != STORE_OK)
		return ACQUIRER_ESTORE;
	return finish(a, list_put(a, actor, e, now));
}

int acquirer_risk_list_remove(acquirer *a, const char *actor, const char *kind, const char *key,
                              const char *list, int64_t now, struct store_risk_entry *out)
{
	struct store_risk_entry old;
	int rc;

	if (!list_name(list) || kind == NULL || key == NULL)
		return ACQUIRER_EARG;
	if (store_begin(a->s) != STORE_OK)
		return ACQUIRER_ESTORE;
	rc = store_risk_list_find(a->s, kind, key, list, &old);
	if (rc == STORE_OK)
		rc = store_risk_list_remove(a->s, kind, key, list) == STORE_OK
		         ? list_audit(a, actor, "risk.list.remove", &old, NULL, now)
		         : ACQUIRER_ESTORE;
	else
		rc = rc == STORE_ENOTFOUND ? ACQUIRER_ENOTFOUND : ACQUIRER_ESTORE;
	if (rc == ACQUIRER_OK && out != NULL)
		*out = old;
	return finish(a, rc);
}

/* The local issuer's card whose masked number is the case's and whose PAN hashes to its key:
 * the cards masked alike are few, and only they are read in the clear. */
struct card_search {
	acquirer *a;
	const struct store_risk_case *c;
	int64_t id;
	int rc;
};

static int card_match(void *ctx, const struct issuer_card *card)
{
	struct card_search *q = ctx;
	char pan[CARD_PAN_MAX + 1], hex[65];
	uint8_t hash[HSM_PAN_HASH_LEN];

	if (strcmp(card->masked, q->c->masked) != 0)
		return 0;
	if (issuer_card_pan(q->a->is, card->id, pan) != ISSUER_OK ||
	    hsm_pan_hash(q->a->h, &q->a->pan_hash, pan, hash) != HSM_OK) {
		q->rc = ACQUIRER_EHSM;
		crypto_wipe(pan, sizeof pan);
		return 1;
	}
	crypto_wipe(pan, sizeof pan);
	hex_encode(hash, sizeof hash, hex, sizeof hex);
	if (strcmp(hex, q->c->pan_hash) == 0)
		q->id = card->id;
	return q->id != 0;
}

/* The case's card blocked and its authentication revoked, audited, in the caller's
 * transaction; card_id 0: the local issuer does not know it (nothing to revoke). */
static int block_card(acquirer *a, const char *actor, const struct store_risk_case *c,
                      int64_t card_id, const char *reason, int64_t now)
{
	struct store_risk_entry e = {.kind = "card", .list = "blocked"};
	char object[32], why[300];
	json_t *after;
	int rc;

	snprintf(e.key, sizeof e.key, "%s", c->pan_hash);
	snprintf(e.masked, sizeof e.masked, "%s", c->masked);
	snprintf(e.reason, sizeof e.reason, "case %lld: %s", (long long)c->id, reason);
	if ((rc = list_put(a, actor, &e, now)) != ACQUIRER_OK || card_id == 0)
		return rc;
	if (issuer_cardauth_revoke(a->is, card_id) != ISSUER_OK)
		return ACQUIRER_ESTORE;
	snprintf(object, sizeof object, "card:%lld", (long long)card_id);
	snprintf(why, sizeof why, "risk case %lld: fraud", (long long)c->id);
	if ((after = json_pack("{s:s, s:s}", "card", c->masked, "why", why)) == NULL)
		return ACQUIRER_ENOMEM;
	rc = audit_record(a->s, actor, "card.revoke_auth", object, NULL, after, now);
	json_decref(after);
	return rc == AUDIT_OK ? ACQUIRER_OK : ACQUIRER_ESTORE;
}

/* The case's closing audited: its status and verdict before and after. */
static int close_audit(acquirer *a, const char *actor, const struct store_risk_case *c, int64_t now)
{
	char object[32];
	json_t *before = json_pack("{s:s}", "status", "open");
	json_t *after = json_pack("{s:s, s:s, s:s, s:s}", "status", "closed", "verdict", c->verdict,
	                          "reason", c->reason, "card", c->masked);
	int rc;

	snprintf(object, sizeof object, "risk_case:%lld", (long long)c->id);
	rc = before == NULL || after == NULL ? ACQUIRER_ENOMEM
	                                     : (audit_record(a->s, actor, "risk.case.close", object,
	                                                     before, after, now) == AUDIT_OK
	                                            ? ACQUIRER_OK
	                                            : ACQUIRER_ESTORE);
	json_decref(before);
	json_decref(after);
	return rc;
}

int acquirer_risk_case_close(acquirer *a, const char *actor, int64_t id, const char *verdict,
                             const char *reason, bool block, int64_t now,
                             struct store_risk_case *out)
{
	struct store_risk_case c;
	struct card_search q = {.a = a, .c = &c};
	bool fraud = verdict != NULL && strcmp(verdict, "fraud") == 0;
	int rc;

	if ((!fraud && (verdict == NULL || strcmp(verdict, "legitimate") != 0)) || reason == NULL ||
	    reason[0] == '\0' || !one_line(reason) || (block && !fraud))
		return ACQUIRER_EARG;
	if ((rc = store_risk_case_get(a->s, id, &c)) != STORE_OK)
		return rc == STORE_ENOTFOUND ? ACQUIRER_ENOTFOUND : ACQUIRER_ESTORE;
	if (strcmp(c.status, "open") != 0)
		return ACQUIRER_RISK_ECLOSED;
	if (block && issuer_card_list(a->is, card_match, &q) < 0)
		return ACQUIRER_ESTORE;
	if (q.rc != ACQUIRER_OK)
		return q.rc;
	if (store_begin(a->s) != STORE_OK)
		return ACQUIRER_ESTORE;
	rc = store_risk_case_close(a->s, id, verdict, reason, actor, now);
	if (rc != STORE_OK) /* closed meanwhile */
		return finish(a, rc == STORE_ENOTFOUND ? ACQUIRER_RISK_ECLOSED : ACQUIRER_ESTORE);
	snprintf(c.status, sizeof c.status, "closed");
	snprintf(c.verdict, sizeof c.verdict, "%s", verdict);
	snprintf(c.reason, sizeof c.reason, "%s", reason);
	snprintf(c.closed_by, sizeof c.closed_by, "%s", actor);
	c.closed_at = now;
	rc = close_audit(a, actor, &c, now);
	if (rc == ACQUIRER_OK && block)
		rc = block_card(a, actor, &c, q.id, reason, now);
	if (rc == ACQUIRER_OK && out != NULL)
		*out = c;
	return finish(a, rc);
}

json_t *acquirer_risk_entry_json(const struct store_risk_entry *e, int utc_offset)
{
	const char *shown = strcmp(e->kind, "card") == 0       ? "card"
	                    : strcmp(e->kind, "terminal") == 0 ? "tid"
	                                                       : "mid";

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "kind", e->kind, "list", e->list, "key",
	                 e->key, shown, e->masked, "reason", e->reason, "at",
	                 jsonval_time(e->at, utc_offset));
}

/* "name=value name=value" as {"name":value,…}. */
static json_t *numbers_json(const char *text)
{
	json_t *o = json_object();
	char buf[1024], *save = NULL;

	snprintf(buf, sizeof buf, "%s", text);
	for (char *w = strtok_r(buf, " ", &save); o != NULL && w != NULL;
	     w = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(w, '=');

		if (eq == NULL)
			continue;
		*eq = '\0';
		json_object_set_new(o, w, json_integer(strtoll(eq + 1, NULL, 10)));
	}
	return o;
}

/* The case's rules: [{"rule","numbers":{…}}] from "rule: n=v …; rule: …". */
static json_t *case_rules_json(const struct store_risk_case *c)
{
	json_t *a = json_array();
	char buf[sizeof c->numbers], *save = NULL;

	snprintf(buf, sizeof buf, "%s", c->numbers);
	for (char *r = strtok_r(buf, ";", &save); a != NULL && r != NULL;
	     r = strtok_r(NULL, ";", &save)) {
		char *colon = strchr(r, ':');

		r += strspn(r, " ");
		if (colon == NULL)
			continue;
		*colon = '\0';
		json_array_append_new(
		    a, json_pack("{s:s, s:o}", "rule", r, "numbers", numbers_json(colon + 1)));
	}
	return a;
}

json_t *acquirer_risk_case_json(const struct store_risk_case *c, int utc_offset)
{
	return json_pack("{s:I, s:s, s:o, s:s, s:s, s:s, s:s, s:o, s:s?, s:s, s:s?, s:o}", "id",
	                 (json_int_t)c->id, "status", c->status, "opened_at",
	                 jsonval_time(c->opened_at, utc_offset), "rrn", c->rrn, "tid", c->tid,
	                 "mid", c->mid, "card", c->masked, "rules", case_rules_json(c), "verdict",
	                 c->verdict[0] != '\0' ? c->verdict : NULL, "reason", c->reason,
	                 "closed_by", c->closed_by[0] != '\0' ? c->closed_by : NULL, "closed_at",
	                 jsonval_time(c->closed_at, utc_offset));
}

static int hit_json(void *ctx, const struct store_risk_hit *h)
{
	return json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:o}", "rule", h->rule,
	                                            "action", h->action, "rc", h->rc, "numbers",
	                                            numbers_json(h->numbers))) != 0;
}

/* Each of the case's requests (txn_ids) into txns, and the rules that fired on each into
 * hits. ACQUIRER_OK or ACQUIRER_ESTORE. */
static int case_txns(store *s, const struct store_risk_case *c, int utc_offset, json_t *txns,
                     json_t *hits)
{
	char buf[sizeof c->txn_ids], *save = NULL;
	struct store_acq_txn t;

	snprintf(buf, sizeof buf, "%s", c->txn_ids);
	for (char *id = strtok_r(buf, ",", &save); id != NULL; id = strtok_r(NULL, ",", &save)) {
		int64_t n = strtoll(id, NULL, 10);

		if (store_acq_txn_get(s, n, &t) != STORE_OK ||
		    json_array_append_new(txns, acquirer_txn_json(&t, utc_offset)) != 0 ||
		    store_risk_hit_list(s, n, hit_json, hits) != STORE_OK)
			return ACQUIRER_ESTORE;
	}
	return ACQUIRER_OK;
}

json_t *acquirer_risk_case_full_json(store *s, const struct store_risk_case *c, int utc_offset)
{
	json_t *o = acquirer_risk_case_json(c, utc_offset), *txns = json_array(),
	       *hits = json_array();

	if (o == NULL || txns == NULL || hits == NULL ||
	    case_txns(s, c, utc_offset, txns, hits) != ACQUIRER_OK) {
		json_decref(o);
		json_decref(txns);
		json_decref(hits);
		return NULL;
	}
	json_object_set_new(o, "transactions", txns);
	json_object_set_new(o, "hits", hits);
	return o;
}

/* The winning action of a request's hits: the strongest, the first of its strength. */
struct verdict {
	json_t *rules;
	int action;
	char rc[3];
	char by[32];
};

static int verdict_hit(void *ctx, const struct store_risk_hit *h)
{
	static const char *const answers[] = {
	    [RISK_SUSPEND_TERMINAL] = "58", [RISK_REVOKE_AUTH] = "C2", [RISK_REQUIRE_AUTH] = "C1"};
	struct verdict *v = ctx;
	int action = RISK_ALLOW;

	while (risk_action_name(action) != NULL && strcmp(risk_action_name(action), h->action) != 0)
		action++;
	if (v->by[0] == '\0' || action > v->action) {
		v->action = action;
		snprintf(v->by, sizeof v->by, "%s", h->rule);
		snprintf(v->rc, sizeof v->rc, "%s",
		         action == RISK_DECLINE ? h->rc
		         : action >= RISK_REQUIRE_AUTH && action <= RISK_SUSPEND_TERMINAL
		             ? answers[action]
		             : "");
	}
	return hit_json(v->rules, h);
}

json_t *acquirer_txn_risk_json(store *s, int64_t txn_id)
{
	struct verdict v = {.rules = json_array()};
	struct store_risk_case c;
	int rc;

	if (v.rules == NULL || store_risk_hit_list(s, txn_id, verdict_hit, &v) != STORE_OK) {
		json_decref(v.rules);
		return NULL;
	}
	if (v.by[0] == '\0') {
		json_decref(v.rules);
		return json_null();
	}
	rc = store_risk_case_by_txn(s, txn_id, &c);
	if (rc != STORE_OK && rc != STORE_ENOTFOUND) {
		json_decref(v.rules);
		return NULL;
	}
	return json_pack("{s:s, s:s, s:s, s:o, s:o}", "action", risk_action_name(v.action), "rc",
	                 v.rc, "by", v.by, "rules", v.rules, "case",
	                 rc == STORE_OK ? json_integer(c.id) : json_null());
}
