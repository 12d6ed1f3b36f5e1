/* pipeline.c — a terminal's request through the acquirer (docs/architecture.md "The acquirer
 * pipeline"): the runner, and the table of the financial messages (balance, purchase, void, refund,
 * pre-authorization and its follow-ups, card authentication). Each message class has its table
 * of stages (internal.h names the files): each stage goes on, decides, or fails; once decided,
 * the stages marked `always` still run (the record, the cardholder's text, the answer). A
 * request runs in a savepoint of its own inside the caller's batch, so that a failure rolls it
 * back alone. */
#include "acquirer/internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "rcode/rcode.h"

/* docs/architecture.md flow 5: by policy, a payment with a card whose authentication is missing is
 * declined C1, one whose authentication is no longer valid C2. */
static int stage_cardauth(struct txn *t)
{
	const struct acquirer_config *c = &t->a->cfg;
	enum issuer_cardauth_state state;
	struct issuer_card card;
	bool needed = c->cardauth_above > 0 && t->rq.amount > c->cardauth_above;
	char why[32];
	int rc;

	if (t->rq.qr != REQUEST_QR_NONE)
		return STAGE_NEXT; /* docs/qr.md: a wallet's payment, its card not presented */
	if (!needed && c->cardauth_credit) {
		rc = issuer_card_find(t->a->is, t->rq.card.pan, &card);
		if (rc != ISSUER_OK && rc != ISSUER_ENOTFOUND)
			return ACQUIRER_ESTORE;
		needed = rc == ISSUER_OK && card.product == CARD_PRODUCT_CREDIT;
	}
	if (!needed && c->cardauth_first_use) {
		rc = store_acq_card_seen(t->a->s, t->pan_hash, t->mid);
		if (rc != STORE_OK && rc != STORE_ENOTFOUND)
			return acquirer_from_store(rc);
		needed = rc == STORE_ENOTFOUND;
	}
	if (!needed)
		return STAGE_NEXT;
	rc = issuer_cardauth_state(t->a->is, t->rq.card.pan, t->now, &state, why);
	if (rc == ISSUER_ENOTFOUND)
		return STAGE_NEXT; /* the issuer declines a card it does not know */
	if (rc != ISSUER_OK)
		return ACQUIRER_ESTORE;
	if (state == ISSUER_CARDAUTH_NONE)
		return acquirer_decide(t, RCODE_CARDAUTH_REQUIRED, "cardauth_required");
	if (state == ISSUER_CARDAUTH_INVALID) {
		snprintf(t->reason, sizeof t->reason, "cardauth_%.22s", why);
		snprintf(t->rc, sizeof t->rc, RCODE_CARDAUTH_INVALID);
		return STAGE_RESPOND;
	}
	return STAGE_NEXT;
}

/* Balance, purchase, void, refund, pre-authorization and its follow-ups, card
 * authentication: decided where the route goes, under a new RRN and network STAN. */
int acquirer_stage_authorize(struct txn *t)
{
	int64_t v;
	int rc;

	/* The network STAN is the RRN's counter too, its last six digits: one counter written a
	 * request, and a STAN repeats only after 999,999 of them. */
	assert(t->rrn[0] == '\0');
	if ((rc = acquirer_next_rrn(t, &v)) != ACQUIRER_OK)
		return rc;
	acquirer_counter_digits(v, 6, t->net_stan);
	return acquirer_ask(t, t->net_stan);
}

static const struct stage stages[] = {
    /* after unpack (stage_unpack): 30 unreadable, 12 unknown */
    {"terminal", acquirer_stage_terminal, 0, false},   /* 97 unknown or not active; A0 not
                                                          signed in */
    {"mac", acquirer_stage_mac, 0, false},             /* A0 */
    {"binding", acquirer_stage_binding, 0, false},     /* 58 merchant, SN (risk event); 03
                                                          merchant; 30 track (not)
                                                          encrypted */
    {"duplicate", acquirer_stage_duplicate, 0, false}, /* 94, a tombstone's too */
    {"fields", acquirer_stage_fields, 0, false},       /* 77 batch, 30, 13 */
    {"card", acquirer_stage_card, 0, false},           /* 14 Luhn, 54 expired */
    {"cardauth", stage_cardauth, T_PAY, false},        /* C1, C2 */
    {"risk", acquirer_stage_risk, T_RISK, false},      /* the rules' action (docs/risk.md) */
    {"route", acquirer_stage_route, 0, false},         /* 15 no route, 91 link down */
    {"authorize", acquirer_stage_authorize, 0, false}, /* the issuer's decision */
    {"record", acquirer_stage_record, 0, true},        /* one row of acq_txns */
    {"link_record", acquirer_link_record, 0, true},    /* sent on a link: its reversal
                                                          waiting; stand-in: its advice */
    {"risk_record", acquirer_stage_risk_record, T_RISK, true}, /* the rules that fired, a case */
    {"notify", acquirer_stage_notify, 0, true},                /* the cardholder's text */
    {"respond", acquirer_stage_respond, 0, true},              /* the answer, and its 96 */
};

static const struct txn_class financial = {"financial", stages, sizeof stages / sizeof stages[0]};

const struct txn_type acquirer_financial_types[] = {
    {"balance", "0200", "31", "00", NULL, T_FIN | T_CARD, REQUEST_BALANCE, &financial, NULL},
    {"purchase", "0200", "00", "00", NULL, T_FIN | T_CARD | T_PAY | T_AMOUNT | T_RISK,
     REQUEST_PURCHASE, &financial, NULL},
    {"void", "0200", "20", "00", NULL, T_FIN | T_CARD | T_AMOUNT, REQUEST_VOID, &financial, NULL},
    {"refund", "0220", "20", "00", NULL, T_FIN | T_CARD | T_AMOUNT | T_RISK, REQUEST_REFUND,
     &financial, NULL},
    {"preauth", "0100", "03", "06", NULL, T_FIN | T_CARD | T_PAY | T_AMOUNT | T_RISK,
     REQUEST_PREAUTH, &financial, NULL},
    {"preauth_cancel", "0100", "20", "06", NULL, T_FIN | T_CARD | T_AMOUNT, REQUEST_PREAUTH_CANCEL,
     &financial, NULL},
    {"completion", "0200", "00", "06", NULL, T_FIN | T_CARD | T_AMOUNT | T_RISK, REQUEST_COMPLETION,
     &financial, NULL},
    {"completion_void", "0200", "20", "06", NULL, T_FIN | T_CARD | T_AMOUNT,
     REQUEST_COMPLETION_VOID, &financial, NULL},
    /* By field 62: the elements (start), the code (confirm), or neither (verify). */
    {"cardauth", "0100", "33", "00", NULL, T_FIN | T_CARD, REQUEST_VERIFY, &financial, NULL},
};
const size_t acquirer_n_financial_types =
    sizeof acquirer_financial_types / sizeof acquirer_financial_types[0];

/* The transaction of the message: MTI, then 60.3 or the processing and condition codes. */
static const struct txn_type *find_type(const struct txn *t, const char *proc, const char *cond)
{
	static const struct {
		const struct txn_type *types;
		const size_t *n;
	} classes[] = {
	    {acquirer_netmgmt_types, &acquirer_n_netmgmt_types},
	    {acquirer_settle_types, &acquirer_n_settle_types},
	    {acquirer_financial_types, &acquirer_n_financial_types},
	    {acquirer_reversal_types, &acquirer_n_reversal_types},
	    {acquirer_qr_types, &acquirer_n_qr_types},
	};

	for (size_t c = 0; c < sizeof classes / sizeof classes[0]; c++)
		for (size_t i = 0; i < *classes[c].n; i++) {
			const struct txn_type *y = &classes[c].types[i];

			if (strcmp(y->mti, t->iso.mti) != 0)
				continue;
			if (y->nmc != NULL
			        ? strlen(t->f60) >= 11 && memcmp(t->f60 + 8, y->nmc, 3) == 0
			        : y->proc == NULL || (strncmp(proc, y->proc, 2) == 0 &&
			                              strcmp(cond, y->cond) == 0))
				return y;
		}
	return NULL;
}

/* Before the transaction is known, the first stage of every class: the frame unpacked (30),
 * its transaction found (12), its identity read (30). */
static int stage_unpack(struct txn *t)
{
	char proc[7], cond[3];
	int rc;

	if ((rc = acquirer_unpack(t, proc, cond)) != STAGE_NEXT)
		return rc;
	if ((t->type = find_type(t, proc, cond)) == NULL)
		return acquirer_decide(t, RCODE_INVALID_TXN, "unknown_transaction");
	return acquirer_identity(t);
}

static const struct stage first = {"unpack", stage_unpack, 0, false};

static bool applies(const struct stage *s, const struct txn *t)
{
	if (s->flags == 0)
		return true;
	return t->type != NULL && (t->type->flags & s->flags) != 0;
}

/* Host local time for 12 and 13, under the configured offset (never the machine's zone), and
 * the settlement date of the same moment (settle.h: the next day's from the cut-off on) for
 * 15 and the row: one decision time per request, so a request in flight across the cut-off
 * falls on exactly one side. acquirer_open() checked the calendar and the offset; a clock out
 * of the years 1..9999 alone fails, and then the local date stands. */
static void host_time(struct txn *t)
{
	time_t tt = (time_t)(t->now + (int64_t)t->a->cfg.utc_offset * 60);
	struct tm tm;
	int32_t day;

	gmtime_r(&tt, &tm);
	strftime(t->f12, sizeof t->f12, "%H%M%S", &tm);
	strftime(t->f13, sizeof t->f13, "%m%d", &tm);
	if (settle_date(&t->a->cfg.settle, t->a->cfg.utc_offset, t->now, &day) != SETTLE_OK ||
	    settle_date_format(day, t->settle_date) != SETTLE_OK)
		strftime(t->settle_date, sizeof t->settle_date, "%Y-%m-%d", &tm);
	memcpy(t->f15, t->settle_date + 5, 2);
	memcpy(t->f15 + 2, t->settle_date + 8, 3); /* DD and the NUL */
}

void acquirer_txn_start(struct txn *t, acquirer *a, int64_t now, struct acquirer_reply *r)
{
	t->a = a;
	t->now = now;
	t->r = r;
	snprintf(t->channel, sizeof t->channel, "card");
	host_time(t);
}

void acquirer_outcome_of(const struct txn *t, const char *stage, struct acquirer_outcome *o)
{
	snprintf(o->mti, sizeof o->mti, "%s", t->iso.mti);
	snprintf(o->type, sizeof o->type, "%s",
	         t->rq.type > 0 ? request_type_name(t->rq.type)
	         : t->type      ? t->type->name
	                        : "");
	snprintf(o->tid, sizeof o->tid, "%s", t->tid);
	snprintf(o->mid, sizeof o->mid, "%s", t->mid);
	snprintf(o->stan, sizeof o->stan, "%s", t->stan);
	o->batch = t->batch;
	o->amount = t->rq.amount;
	o->currency = t->rq.currency;
	snprintf(o->rc, sizeof o->rc, "%s", t->rc);
	snprintf(o->reason, sizeof o->reason, "%s", t->reason);
	snprintf(o->rrn, sizeof o->rrn, "%s", t->rrn);
	snprintf(o->auth_code, sizeof o->auth_code, "%s",
	         strcmp(t->rc, RCODE_APPROVED) == 0 ? t->resp.auth_code : "");
	snprintf(o->stage, sizeof o->stage, "%s", stage);
	snprintf(o->route, sizeof o->route, "%s",
	         t->route == NULL         ? ""
	         : t->route->name != NULL ? t->route->name
	                                  : t->route_name);
	memcpy(o->times, t->times, t->n_times * sizeof *t->times);
	o->n_times = t->n_times;
}

/* Runs stage name's fn on t, its time kept for the outcome (two clock reads: no allocation). */
static int timed(struct txn *t, const char *name, int (*fn)(struct txn *t))
{
	struct timespec a, b;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &a);
	rc = fn(t);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (t->n_times < ACQUIRER_STAGES_MAX)
		t->times[t->n_times++] = (struct acquirer_stage_time){
		    name, (int64_t)(b.tv_sec - a.tv_sec) * 1000000000 + (b.tv_nsec - a.tv_nsec)};
	return rc;
}

/* Runs unpack, which finds the request's class (a request without a message has its type
 * already: no unpack), then the stages of its class up to a decision, then those that always
 * run. A failure (negative) makes the answer 96. */
static int run(struct txn *t, const char **decided_by)
{
	bool decided = false;
	int rc = t->msg != NULL ? timed(t, first.name, first.run) : STAGE_NEXT;

	if (rc < 0 || rc == STAGE_RESPOND) {
		*decided_by = first.name;
		if (rc < 0)
			return rc;
		decided = true;
	}
	if (t->type == NULL) { /* unreadable or unknown: answered as it is, or dropped */
		if ((rc = timed(t, "respond", acquirer_stage_respond)) < 0)
			*decided_by = "respond";
		return rc < 0 ? rc : ACQUIRER_OK;
	}
	for (size_t i = 0; i < t->type->cls->n_stages; i++) {
		const struct stage *s = &t->type->cls->stages[i];

		if ((decided && !s->always) || !applies(s, t))
			continue;
		if ((rc = timed(t, s->name, s->run)) < 0) {
			*decided_by = s->name;
			return rc;
		}
		if (rc == STAGE_RESPOND && !decided) {
			decided = true;
			*decided_by = s->name;
		}
	}
	assert(decided);
	return ACQUIRER_OK;
}

/* A request whose work is gone: answered 96, never an approval. */
void acquirer_failed(struct txn *t, int rc)
{
	struct acquirer_reply *r = t->r;

	acquirer_decide(t, RCODE_SYSTEM_FAULT, acquirer_strerror(rc));
	t->resp.auth_code[0] = '\0';
	t->resp.has_balance = false;
	t->resp.icc_len = 0;
	t->has_f62 = false;
	t->f48[0] = '\0';
	if (t->readable && acquirer_build(t, RCODE_SYSTEM_FAULT, r->msg, &r->len) == ACQUIRER_OK)
		memcpy(r->failed, r->msg, r->failed_len = r->len);
	else
		r->len = r->failed_len = 0;
}

int acquirer_run(struct txn *t, const char **stage)
{
	acquirer *a = t->a;
	size_t pending = a->n_pending;
	bool alone = store_depth(a->s) == 0;
	int rc;

	if ((rc = acquirer_from_store(store_begin(a->s))) != ACQUIRER_OK) {
		/* The store unreachable (a database lost): the request read all the same, so that
		 * its answer can say 96 rather than nothing. */
		if (t->msg != NULL)
			(void)first.run(t);
		return rc;
	}
	if ((rc = run(t, stage)) != ACQUIRER_OK) {
		store_rollback(a->s);
		acquirer_drop_pending(a, pending);
		return rc;
	}
	if ((rc = acquirer_from_store(store_commit(a->s))) != ACQUIRER_OK) {
		acquirer_drop_pending(a, pending);
		return rc;
	}
	if (alone)
		acquirer_send_pending(a);
	return ACQUIRER_OK;
}

int acquirer_handle(acquirer *a, const uint8_t *msg, size_t len, int64_t now,
                    struct acquirer_reply *r)
{
	return acquirer_handle_tls(a, msg, len, now, NULL, r);
}

int acquirer_handle_tls(acquirer *a, const uint8_t *msg, size_t len, int64_t now,
                        const char *cert_sn, struct acquirer_reply *r)
{
	struct txn *t;
	const char *stage = "";
	int rc;

	if (a == NULL || msg == NULL || r == NULL)
		return ACQUIRER_EARG;
	memset(r, 0, sizeof *r);
	if ((t = calloc(1, sizeof *t)) == NULL)
		return ACQUIRER_ENOMEM;
	acquirer_txn_start(t, a, now, r);
	t->cert_sn = cert_sn;
	t->len = len;
	if (len > ACQUIRER_MSG_MAX || len == 0) {
		t->msg = msg; /* read where the caller holds it: only its envelope and MTI */
		stage = "unpack";
		acquirer_too_long(t);
		if ((rc = acquirer_stage_respond(t)) < 0)
			acquirer_failed(t, rc);
		else
			rc = ACQUIRER_OK;
		goto out;
	}
	/* Copied: a request sent on a link outlives the caller's buffer. */
	memcpy(t->own, msg, len);
	t->msg = t->own;
	if ((rc = acquirer_run(t, &stage)) != ACQUIRER_OK) {
		t->waiting = false;
		acquirer_failed(t, rc);
	}
out:
	acquirer_outcome_of(t, stage, &r->out);
	if (t->waiting) { /* its answer comes with the link's (link.c) */
		memcpy(t->masked, r->out.card, sizeof t->masked);
		r->wait = (acquirer_wait *)t;
		return rc;
	}
	acquirer_txn_free(t);
	return rc;
}

void acquirer_txn_free(struct txn *t)
{
	crypto_wipe(t, sizeof *t);
	free(t);
}
