/* risk_replay.c — the recorded transactions of some days run again through a rules file
 * (docs/risk.md "Replay"): how an analyst tries a rule on real history before turning it on.
 *
 * Nothing is written to the store: the rows are replayed, in time order, into a private store
 * in memory (STORE_MEMORY, gone when closed) that starts with the lists as they are now and
 * an empty history. Each transaction is evaluated by the risk stage's own code
 * (acquirer_risk_evaluate()) over that store, so its context holds exactly the rows before it,
 * and is then recorded there as the host records one (its row, its counts), so that windows,
 * the card's last payment and the merchant's day are rebuilt as they were at each moment. The
 * day before `from` is replayed first, unevaluated, so that the 24-hour windows start full. */
#include "acquirer/risk_admin.h"

#include <stdio.h>
#include <string.h>

#include "acquirer/internal.h"
#include "crypto/crypto.h"
#include "rcode/rcode.h"

#define DAY_SECONDS 86400

struct replay {
	acquirer r; /* the caller's acquirer over the store in memory, with the replay's rules */
	store *real;
	int64_t from;
	char mid[16], mcc[5]; /* the last merchant's MCC, read once for its run of rows */
	acquirer_replay_fn fn;
	void *ctx;
	int rc;
};

static int copy_entry(void *ctx, const struct store_risk_entry *e)
{
	return store_risk_list_add(ctx, e) != STORE_OK;
}

/* The request type of a row's type name; -1 none. */
static int row_type(const char *name)
{
	static const struct {
		const char *name;
		int type;
	} types[] = {{"purchase", REQUEST_PURCHASE},
	             {"preauth", REQUEST_PREAUTH},
	             {"completion", REQUEST_COMPLETION},
	             {"refund", REQUEST_REFUND}};

	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(name, types[i].name) == 0)
			return types[i].type;
	return -1;
}

/* Whether the live host's risk stage saw row t: every request that reached its issuer, was
 * approved, or was declined by a rule; not one refused before the stage (its card's read,
 * the card authentication policy), which never reached the issuer. */
static bool reached_risk(const struct store_acq_txn *t)
{
	return t->decision_id != 0 || strcmp(t->rc, RCODE_APPROVED) == 0 ||
	       strncmp(t->reason, "risk_", 5) == 0;
}

/* The start of the local day of now. */
static int64_t local_day(const acquirer *a, int64_t now)
{
	int64_t local = now + (int64_t)a->cfg.utc_offset * 60;

	return now - ((local % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS;
}

/* Row t recorded in the replay's store as the host records one: the row (its answer the
 * replay's when a rule decided it) and, for a payment, its counts. */
static int record(struct replay *p, const struct store_acq_txn *t, bool approved)
{
	static const int who[] = {STORE_RISK_CARD, STORE_RISK_TERMINAL, STORE_RISK_MERCHANT,
	                          STORE_RISK_CARD_MERCHANT};
	struct store_acq_txn row = *t;
	char card_merchant[sizeof t->pan_hash + sizeof t->mid];
	const char *keys[] = {t->pan_hash, t->tid, t->mid, card_merchant};
	store *s = p->r.s;

	if (approved != (strcmp(t->rc, RCODE_APPROVED) == 0)) /* the replay's rules decided */
		snprintf(row.rc, sizeof row.rc, "%s", approved ? RCODE_APPROVED : "05");
	if (store_acq_txn_insert(s, &row) != STORE_OK)
		return ACQUIRER_ESTORE;
	if (row_type(t->type) == REQUEST_REFUND)
		return ACQUIRER_OK;
	snprintf(card_merchant, sizeof card_merchant, "%s %s", t->pan_hash, t->mid);
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++)
		if (store_risk_count_add(s, who[i], keys[i], t->at, approved, t->amount) !=
		    STORE_OK)
			return ACQUIRER_ESTORE;
	if (approved && store_risk_payment_add(s, t->pan_hash, t->tid, t->mid,
	                                       local_day(&p->r, t->at), t->amount) != STORE_OK)
		return ACQUIRER_ESTORE;
	return ACQUIRER_OK;
}

/* The merchant's MCC, from the real store, kept while its rows run on. */
static int merchant_mcc(struct replay *p, const char *mid)
{
	struct store_merchant m;
	int rc;

	if (strcmp(p->mid, mid) == 0)
		return ACQUIRER_OK;
	snprintf(p->mid, sizeof p->mid, "%s", mid);
	p->mcc[0] = '\0';
	if ((rc = store_merchant_get(p->real, mid, &m)) == STORE_OK)
		snprintf(p->mcc, sizeof p->mcc, "%s", m.mcc);
	return rc == STORE_OK || rc == STORE_ENOTFOUND ? ACQUIRER_OK : ACQUIRER_ESTORE;
}

static int replay_one(void *ctx, const struct store_acq_txn *t)
{
	struct replay *p = ctx;
	struct acquirer_risk_txn x = {.type = row_type(t->type),
	                              .amount = t->amount,
	                              .entry = -1,
	                              .pan_hash = t->pan_hash,
	                              .tid = t->tid,
	                              .mid = t->mid,
	                              .channel = t->channel,
	                              .now = t->at};
	struct acquirer_replay_event ev = {.t = t};
	struct risk_ctx c;
	char pan[sizeof t->masked];
	bool approved = strcmp(t->rc, RCODE_APPROVED) == 0 || strncmp(t->reason, "risk_", 5) == 0;

	if (t->at >= p->from && reached_risk(t)) {
		/* The card's product by its BIN: the masked number's first digits. */
		for (size_t i = 0; i < sizeof pan && (i == 0 || t->masked[i - 1] != '\0'); i++)
			pan[i] = t->masked[i] == '*' ? '0' : t->masked[i];
		x.pan = t->masked[0] != '\0' ? pan : NULL;
		if ((p->rc = merchant_mcc(p, t->mid)) != ACQUIRER_OK)
			return 1;
		x.mcc = p->mcc;
		if ((p->rc = acquirer_risk_evaluate(&p->r, &x, &c, &ev.result)) != ACQUIRER_OK)
			return 1;
		ev.ctx = &c;
		ev.declined = ev.result.action >= RISK_REQUIRE_AUTH;
		for (size_t i = 0; i < ev.result.n_hits && !ev.declined; i++)
			ev.opens_case = ev.opens_case || ev.result.hits[i].action == RISK_REVIEW;
		approved = approved && !ev.declined;
		if (p->fn(p->ctx, &ev) != 0) {
			p->rc = ACQUIRER_ENOMEM;
			return 1;
		}
	}
	return (p->rc = record(p, t, approved)) != ACQUIRER_OK;
}

int acquirer_risk_replay(acquirer *a, const risk_rules *rules, int64_t from, int64_t to,
                         acquirer_replay_fn fn, void *ctx)
{
	struct replay p = {.r = *a, .real = a->s, .from = from, .fn = fn, .ctx = ctx};
	store *mem = NULL;
	int rc;

	if (from >= to || fn == NULL)
		return ACQUIRER_EARG;
	if (store_open(STORE_MEMORY, &mem) != STORE_OK) {
		store_close(mem);
		return ACQUIRER_ESTORE;
	}
	p.r.s = mem;
	p.r.rules = rules;
	p.r.pending = NULL;
	p.r.n_pending = p.r.cap_pending = 0;
	rc = store_risk_list_each(a->s, NULL, NULL, copy_entry, mem);
	if (rc == STORE_OK && (rc = store_begin(mem)) == STORE_OK) {
		rc = store_risk_replay_rows(a->s, from - DAY_SECONDS, to, replay_one, &p);
		store_rollback(mem);
	}
	rc = p.rc != ACQUIRER_OK ? p.rc : rc < 0 ? ACQUIRER_ESTORE : ACQUIRER_OK;
	crypto_wipe(&p.r, sizeof p.r);
	store_close(mem);
	return rc;
}
