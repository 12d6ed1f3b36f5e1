/* saf.c — store and forward (docs/links.md "Store and forward"): the rules of the queue of
 * reversals and stand-in advices a network link owes its issuer, over the store's queue
 * (store_saf.h). Queued in the caller's transaction with the request's record, due at once,
 * repeated every saf_interval until the issuer answers it: 00 (or 25 to a reversal: the issuer
 * never saw the original) settles it; any other answer to a reversal is kept and the reversal
 * repeated; an advice answered otherwise is refused (it reached the issuer, who declined it);
 * an entry still pending after saf_max_age is expired. Every state stays in the queue, shown.
 * Pure logic over a store: the link engine sends, these decide. */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "acquirer/acquirer.h"
#include "acquirer/internal.h"
#include "common/jsonval.h"
#include "store/store_risk.h"

static const char *const kind_names[] = {
    [ACQUIRER_SAF_REVERSAL] = "reversal", [ACQUIRER_SAF_ADVICE] = "advice"};
static const char *const state_names[] = {"waiting", "pending", "done", "refused", "expired"};

static bool rules_ok(const struct acquirer_saf_rules *r)
{
	return r != NULL && r->interval > 0 && r->max_age > 0;
}

/* A link's name as docs/links.md allows it: 1 to 32 letters, digits, '-' and '_'. */
static bool link_ok(const char *link)
{
	size_t n = link != NULL ? strlen(link) : 0;

	return n > 0 && n < STORE_SAF_LINK_MAX &&
	       strspn(link, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
	           n;
}

bool acquirer_saf_state_ok(const char *state)
{
	for (size_t i = 0; i < sizeof state_names / sizeof state_names[0]; i++)
		if (state != NULL && strcmp(state, state_names[i]) == 0)
			return true;
	return false;
}

/* Queues an entry of kind in state, due at due. */
static int enqueue(store *s, const char *link, int kind, int64_t txn_id, const char *rrn,
                   int64_t now, const char *state, int64_t due, int64_t *id)
{
	struct store_saf e = {
	    .txn_id = txn_id, .next_at = due, .created_at = now, .updated_at = now};
	int rc;

	assert(store_in_transaction(s));
	if (!link_ok(link) || (kind != ACQUIRER_SAF_REVERSAL && kind != ACQUIRER_SAF_ADVICE) ||
	    txn_id <= 0 || rrn == NULL || strlen(rrn) != 12)
		return ACQUIRER_EARG;
	strcpy(e.link, link);
	strcpy(e.kind, kind_names[kind]);
	strcpy(e.rrn, rrn);
	strcpy(e.state, state);
	if ((rc = store_saf_insert(s, &e)) != STORE_OK)
		return acquirer_from_store(rc);
	if (id != NULL)
		*id = e.id;
	return ACQUIRER_OK;
}

int acquirer_saf_enqueue(store *s, const char *link, int kind, int64_t txn_id, const char *rrn,
                         int64_t now, int64_t *id)
{
	return enqueue(s, link, kind, txn_id, rrn, now, "pending", now, id);
}

int acquirer_saf_wait(store *s, const char *link, int64_t txn_id, const char *rrn, int64_t now,
                      int64_t due, int64_t *id)
{
	return enqueue(s, link, ACQUIRER_SAF_REVERSAL, txn_id, rrn, now, "waiting", due, id);
}

int acquirer_saf_due(store *s, const char *link, int64_t now, size_t limit,
                     int (*fn)(void *ctx, const struct store_saf *e), void *ctx)
{
	struct store_saf_due f = {link, now, limit};
	int rc;

	if (!link_ok(link))
		return ACQUIRER_EARG;
	rc = store_saf_due(s, &f, fn, ctx);
	return rc > 0 ? ACQUIRER_ENOMEM : acquirer_from_store(rc);
}

int acquirer_saf_claim(store *s, const char *link, const struct store_claim *c, int64_t now,
                       size_t limit, int (*fn)(void *ctx, const struct store_saf *e), void *ctx)
{
	struct store_saf_take f = {link, c != NULL ? c->holder : NULL, c != NULL ? c->until : 0,
	                           now, limit};
	int rc;

	if (!link_ok(link) || f.holder == NULL || f.holder[0] == '\0' ||
	    strlen(f.holder) >= STORE_CLAIM_HOLDER_MAX || f.until <= now)
		return ACQUIRER_EARG;
	rc = store_saf_claim(s, &f, fn, ctx);
	return rc > 0 ? ACQUIRER_ENOMEM : acquirer_from_store(rc);
}

int acquirer_saf_release(store *s, int64_t id, const struct store_claim *c)
{
	return c != NULL ? acquirer_from_store(store_saf_release(s, id, c)) : ACQUIRER_EARG;
}

bool acquirer_saf_repeat(const struct store_saf *e)
{
	return e->attempts > 0;
}

/* A waiting reversal sent: its request's answer never settled it (the host died, or the
 * answer's commit failed), so its row, still 98 link_waiting, says it timed out. */
static int waited_out(store *s, const struct store_saf *e)
{
	struct store_acq_txn row;
	int rc = store_acq_txn_get(s, e->txn_id, &row);

	if (rc == STORE_ENOTFOUND)
		return ACQUIRER_OK;
	if (rc != STORE_OK)
		return acquirer_from_store(rc);
	if (strcmp(row.reason, "link_waiting") != 0)
		return ACQUIRER_OK;
	snprintf(row.reason, sizeof row.reason, "link_timeout");
	return acquirer_from_store(store_acq_txn_decided(s, &row));
}

int acquirer_saf_sent(store *s, const struct acquirer_saf_rules *r, int64_t id,
                      const struct store_claim *c, int64_t now)
{
	struct store_saf e;
	int rc;

	if (!rules_ok(r))
		return ACQUIRER_EARG;
	if ((rc = store_saf_get(s, id, &e)) != STORE_OK)
		return acquirer_from_store(rc);
	if (strcmp(e.state, "waiting") == 0 && (rc = waited_out(s, &e)) != ACQUIRER_OK)
		return rc;
	return acquirer_from_store(store_saf_sent(
	    s, &(struct store_saf_sent){id, now + r->interval, now, c != NULL ? c->holder : NULL,
	                                c != NULL ? c->until : 0}));
}

const char *acquirer_saf_outcome(const char *kind, const char *rc)
{
	bool reversal = strcmp(kind, "reversal") == 0;

	if (strcmp(rc, "00") == 0 || (reversal && strcmp(rc, "25") == 0))
		return "done";
	return reversal ? "pending" : "refused";
}

/* An advice the issuer refused: a risk case naming the request approved in its name (its row
 * as the acquirer keeps it; its id and RRN alone should the row be gone). */
static int refused_case(store *s, const struct store_saf *e, const char *rc, int64_t now)
{
	struct store_risk_case c = {.opened_at = now};
	struct store_acq_txn row = {.id = e->txn_id};
	int src = store_acq_txn_get(s, e->txn_id, &row);

	if (src != STORE_OK && src != STORE_ENOTFOUND)
		return acquirer_from_store(src);
	snprintf(c.txn_ids, sizeof c.txn_ids, "%lld", (long long)e->txn_id);
	snprintf(c.rrn, sizeof c.rrn, "%s", e->rrn);
	snprintf(c.tid, sizeof c.tid, "%s", row.tid);
	snprintf(c.mid, sizeof c.mid, "%s", row.mid);
	snprintf(c.masked, sizeof c.masked, "%s", row.masked);
	snprintf(c.pan_hash, sizeof c.pan_hash, "%s", row.pan_hash);
	snprintf(c.rules, sizeof c.rules, "stand_in_refused");
	snprintf(c.numbers, sizeof c.numbers, "stand_in_refused: link=%s rc=%s amount=%lld",
	         e->link, rc, (long long)row.amount);
	return acquirer_from_store(store_risk_case_open(s, &c));
}

int acquirer_saf_answered(store *s, int64_t id, const struct store_claim *c, const char *rc,
                          int64_t now, const char **state)
{
	struct store_saf e;
	const char *next;
	int src;

	if (rc == NULL || strlen(rc) != 2)
		return ACQUIRER_EARG;
	if ((src = store_saf_get(s, id, &e)) != STORE_OK)
		return acquirer_from_store(src);
	if (strcmp(e.state, "pending") != 0)
		return ACQUIRER_ENOTFOUND;
	next = acquirer_saf_outcome(e.kind, rc);
	if ((src = store_saf_answered(
	         s, &(struct store_saf_answer){id, next, rc, now, c != NULL ? c->holder : NULL,
	                                       c != NULL ? c->until : 0})) != STORE_OK)
		return acquirer_from_store(src);
	if (strcmp(next, "refused") == 0 && (src = refused_case(s, &e, rc, now)) != ACQUIRER_OK)
		return src;
	if (state != NULL)
		*state = next;
	return ACQUIRER_OK;
}

int acquirer_saf_expire(store *s, const char *link, const struct acquirer_saf_rules *r, int64_t now,
                        int64_t *n)
{
	int64_t none;

	if (!rules_ok(r) || !link_ok(link))
		return ACQUIRER_EARG;
	return acquirer_from_store(
	    store_saf_expire(s, link, now - r->max_age, now, n != NULL ? n : &none));
}

struct page {
	int (*fn)(void *ctx, const struct store_saf *e);
	void *ctx;
	size_t limit, n;
	int64_t last, next;
};

static int page_one(void *arg, const struct store_saf *e)
{
	struct page *p = arg;

	/* One row more than the page was read: there is a next page, after the last shown. */
	if (p->limit != 0 && p->n == p->limit) {
		p->next = p->last;
		return 1;
	}
	p->n++;
	p->last = e->id;
	return p->fn(p->ctx, e) != 0 ? 2 : 0;
}

int acquirer_saf_page(store *s, const struct store_saf_filter *f,
                      int (*fn)(void *ctx, const struct store_saf *e), void *ctx, int64_t *next)
{
	struct store_saf_filter more = *f;
	struct page p = {fn, ctx, f->limit, 0, 0, 0};
	int rc;

	*next = 0;
	if ((f->link != NULL && f->link[0] != '\0' && !link_ok(f->link)) ||
	    (f->state != NULL && f->state[0] != '\0' && !acquirer_saf_state_ok(f->state)))
		return ACQUIRER_EARG;
	if (more.limit != 0)
		more.limit++;
	rc = store_saf_list(s, &more, page_one, &p);
	if (rc == 2)
		return ACQUIRER_ENOMEM;
	*next = p.next;
	return rc == 1 ? ACQUIRER_OK : acquirer_from_store(rc);
}

json_t *acquirer_saf_json(const struct store_saf *e, int utc_offset)
{
	bool pending = strcmp(e->state, "pending") == 0 || strcmp(e->state, "waiting") == 0;

	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:i, s:o, s:s?, s:o, s:o}", "id",
	                 (json_int_t)e->id, "link", e->link, "kind", e->kind, "txn_id",
	                 (json_int_t)e->txn_id, "rrn", e->rrn, "state", e->state, "attempts",
	                 e->attempts, "next_at",
	                 pending ? jsonval_time(e->next_at, utc_offset) : json_null(), "last_rc",
	                 e->last_rc[0] != '\0' ? e->last_rc : NULL, "created_at",
	                 jsonval_time(e->created_at, utc_offset), "updated_at",
	                 jsonval_time(e->updated_at, utc_offset));
}
