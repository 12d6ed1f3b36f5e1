/* review.c — the periodic merchant review (risk_review.h, docs/risk.md "Merchant review"): the
 * figures of every merchant read in one pass (the MCC's average ticket needs them all), the
 * terminals moved from their registered place, the grade and its reasons by the thresholds
 * below, then each merchant's review kept and a D suspended, one transaction a merchant. */
#include "common/grow.h"
#include "risk/risk_review.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/geo.h"
#include "common/jsonval.h"
#include "store/store_acquirer.h"

#define CNY 156
#define DAY 86400

/* The thresholds of each figure (docs/risk.md's table): mild, serious, extreme. Rates and the
 * ticket ratio in basis points; a rate is judged from a sample of its minimum up only. */
static const int64_t refund_t[3] = {1000, 3000, 6000};
static const int64_t decline_t[3] = {1000, 2500, 5000};
static const int64_t night_t[3] = {1500, 3000, 6000};
static const int64_t ticket_t[3] = {20000, 50000, 100000};
#define REFUND_MIN  100000 /* purchases and refunds of CNY 1,000.00 */
#define DECLINE_MIN 10     /* attempts */
#define NIGHT_MIN   10     /* payments */
#define TICKET_MIN  3      /* payments of volume */
#define OPEN_CASES  3      /* cases still open: mild from */

const char *risk_review_strerror(int rc)
{
	switch (rc) {
	case RISK_REVIEW_OK:
		return "ok";
	case RISK_REVIEW_EARG:
		return "bad argument";
	case RISK_REVIEW_ESTORE:
		return "store failure";
	case RISK_REVIEW_ENOTFOUND:
		return "no such merchant";
	case RISK_REVIEW_ENOMEM:
		return "out of memory";
	case RISK_REVIEW_EMERCHANT:
		return "the merchant could not be suspended";
	default:
		return "unknown error";
	}
}

const char *risk_review_level_name(int level)
{
	static const char *const names[] = {"none", "mild", "serious", "extreme"};

	return level >= 0 && level <= RISK_REVIEW_EXTREME ? names[level] : "unknown";
}

/* The results of a run, in MID order (the store's). */
struct run {
	const struct risk_review_params *p;
	struct risk_review_result *rs;
	size_t n, cap;
};

static int collect(void *ctx, const struct store_review_merchant *m)
{
	struct run *run = ctx;

	struct risk_review_result *rs = grow_room(run->rs, run->n, &run->cap, sizeof *rs, 16);

	if (rs == NULL)
		return 1; /* stops the walk: out of memory */
	run->rs = rs;
	memset(&run->rs[run->n], 0, sizeof run->rs[run->n]);
	run->rs[run->n++].m = *m;
	return 0;
}

static int by_mid(const void *key, const void *elem)
{
	return strcmp(key, ((const struct risk_review_result *)elem)->m.mid);
}

/* A terminal not retired counts with its merchant; moved when the location it last reported
 * lies more than RISK_REVIEW_MOVED_M from its registered place. */
static int count_terminal(void *ctx, const struct store_terminal *t)
{
	struct run *run = ctx;
	struct risk_review_result *r = bsearch(t->mid, run->rs, run->n, sizeof *run->rs, by_mid);

	if (r == NULL || t->status == STORE_TERMINAL_RETIRED)
		return 0;
	r->terminals++;
	if (t->reported_at != 0 && t->address[0] != '\0' &&
	    geo_distance_m(t->lat, t->lon, t->reported_lat, t->reported_lon) > RISK_REVIEW_MOVED_M)
		r->terminals_moved++;
	return 0;
}

/* A merchant's cases in the window, by verdict. */
static int count_cases(void *ctx, const struct store_review_cases *c)
{
	struct run *run = ctx;
	struct risk_review_result *r = bsearch(c->mid, run->rs, run->n, sizeof *run->rs, by_mid);

	if (r != NULL)
		r->cases = (struct risk_review_cases){c->opened, c->fraud, c->legitimate, c->open};
	return 0;
}

/* a / b in basis points; 0 when b is 0 (and 10000 when a is not: all of nothing). */
static int64_t bp(int64_t a, int64_t b)
{
	if (b == 0)
		return a > 0 ? 10000 : 0;
	return a * 10000 / b;
}

/* The rates and the average tickets: the MCC's is the volume of all its merchants over their
 * count, the merchant itself among them. */
static void rates(struct run *run)
{
	for (size_t i = 0; i < run->n; i++) {
		struct risk_review_result *r = &run->rs[i];
		int64_t count = 0, amount = 0;

		for (size_t j = 0; j < run->n; j++)
			if (strcmp(run->rs[j].m.mcc, r->m.mcc) == 0)
				count += run->rs[j].m.count, amount += run->rs[j].m.amount;
		r->avg_ticket = r->m.count != 0 ? r->m.amount / r->m.count : 0;
		r->mcc_avg_ticket = count != 0 ? amount / count : 0;
		r->ticket_ratio_bp =
		    r->mcc_avg_ticket != 0 ? bp(r->avg_ticket, r->mcc_avg_ticket) : 0;
		r->refund_rate_bp = bp(r->m.refunds, r->m.purchases);
		r->decline_rate_bp = bp(r->m.declines, r->m.attempts);
		r->night_share_bp = bp(r->m.night, r->m.payments);
	}
}

static void add_reason(struct risk_review_result *r, const char *name, int level, const char *fmt,
                       ...) __attribute__((format(printf, 4, 5)));
static void add_reason(struct risk_review_result *r, const char *name, int level, const char *fmt,
                       ...)
{
	struct risk_review_reason *why;
	va_list ap;

	if (r->n_reasons == RISK_REVIEW_REASONS)
		return;
	why = &r->reasons[r->n_reasons++];
	why->name = name, why->level = level;
	va_start(ap, fmt);
	vsnprintf(why->text, sizeof why->text, fmt, ap);
	va_end(ap);
}

/* The level value reaches among thresholds t; 0 below the first. */
static int level_of(int64_t v, const int64_t t[3])
{
	int level = 0;

	while (level < 3 && v >= t[level])
		level++;
	return level;
}

/* "35.00%" of basis points, "5.20x" of a ratio in basis points. */
static const char *pct(int64_t v, char out[32])
{
	snprintf(out, 32, "%" PRId64 ".%02" PRId64 "%%", v / 100, v % 100);
	return out;
}

static const char *times(int64_t v, char out[32])
{
	snprintf(out, 32, "%" PRId64 ".%02" PRId64 "x", v / 10000, v % 10000 / 100);
	return out;
}

/* A figure against its thresholds t: a reason when it reaches one. */
static void judge(struct risk_review_result *r, const char *name, const char *what, int64_t v,
                  const int64_t t[3], const char *(*show)(int64_t, char[32]))
{
	int level = level_of(v, t);
	char a[32], b[32];

	if (level > 0)
		add_reason(r, name, level, "%s %s (%s from %s)", what, show(v, a),
		           risk_review_level_name(level), show(t[level - 1], b));
}

/* The grade: D with an extreme reason, C with a serious one or two mild, B with one, else A. */
static void grade(struct risk_review_result *r)
{
	const struct store_review_merchant *m = &r->m;
	int worst = 0, mild = 0;

	if (m->purchases + m->refunds >= REFUND_MIN)
		judge(r, "refund_rate_high", "refunds of purchases", r->refund_rate_bp, refund_t,
		      pct);
	if (m->attempts >= DECLINE_MIN)
		judge(r, "decline_rate_high", "declines of attempts", r->decline_rate_bp, decline_t,
		      pct);
	if (m->payments >= NIGHT_MIN)
		judge(r, "night_share_high", "payments 00:00-05:00", r->night_share_bp, night_t,
		      pct);
	if (m->count >= TICKET_MIN)
		judge(r, "ticket_above_mcc", "average ticket to its MCC's", r->ticket_ratio_bp,
		      ticket_t, times);
	if (r->terminals_moved > 0)
		add_reason(r, "terminal_moved", RISK_REVIEW_SERIOUS,
		           "%" PRId64 " terminal(s) reporting more than 50 km from their place",
		           r->terminals_moved);
	if (r->cases.fraud > 0)
		add_reason(r, "fraud_cases", RISK_REVIEW_EXTREME,
		           "%" PRId64 " case(s) closed with a verdict of fraud", r->cases.fraud);
	if (r->cases.open >= OPEN_CASES)
		add_reason(r, "open_cases", RISK_REVIEW_MILD, "%" PRId64 " case(s) still open",
		           r->cases.open);
	for (size_t i = 0; i < r->n_reasons; i++) {
		worst = r->reasons[i].level > worst ? r->reasons[i].level : worst;
		mild += r->reasons[i].level == RISK_REVIEW_MILD;
	}
	r->grade = worst == RISK_REVIEW_EXTREME                ? 'D'
	           : worst == RISK_REVIEW_SERIOUS || mild >= 2 ? 'C'
	           : mild == 1                                 ? 'B'
	                                                       : 'A';
}

/* The reasons' names, comma-separated, into out (cap bytes). */
static void reason_names(const struct risk_review_result *r, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < r->n_reasons && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s", i != 0 ? "," : "",
		                        r->reasons[i].name);
}

/* Suspends r's merchant when its application is active (a merchant without one, added before
 * onboarding existed, is left as it is: no step could resume it). */
static int suspend(const struct risk_review_params *p, struct risk_review_result *r)
{
	struct merchant_info i;
	char names[160], reason[MERCHANT_TEXT_MAX];
	int rc;

	if ((rc = merchant_get(p->mm, r->m.mid, &i)) == MERCHANT_ENOTFOUND)
		return RISK_REVIEW_OK;
	if (rc != MERCHANT_OK)
		return rc == MERCHANT_ESTORE ? RISK_REVIEW_ESTORE : RISK_REVIEW_EMERCHANT;
	if (i.app.state != MERCHANT_ACTIVE)
		return RISK_REVIEW_OK;
	reason_names(r, names, sizeof names);
	snprintf(reason, sizeof reason, "risk review grade D: %s (run by %s)", names, p->by);
	if ((rc = merchant_step(p->mm, i.app.id, MERCHANT_STEP_SUSPEND, reason, NULL,
	                        RISK_REVIEW_ACTOR, p->now, NULL)) != MERCHANT_OK)
		return rc == MERCHANT_ESTORE ? RISK_REVIEW_ESTORE : RISK_REVIEW_EMERCHANT;
	r->suspended = true;
	r->m.status = STORE_MERCHANT_SUSPENDED;
	return RISK_REVIEW_OK;
}

/* Keeps r's review, with its suspension when graded D, in one transaction. */
static int keep(const struct risk_review_params *p, struct risk_review_result *r)
{
	struct store_review row = {.at = p->now, .grade = {r->grade}};
	json_t *j = NULL;
	char *text = NULL;
	int rc;

	if (store_begin(p->s) != STORE_OK)
		return RISK_REVIEW_ESTORE;
	if (r->grade == 'D' && (rc = suspend(p, r)) != RISK_REVIEW_OK)
		goto out;
	rc = RISK_REVIEW_ENOMEM;
	if ((j = risk_review_json(r, p->utc_offset)) == NULL ||
	    (text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
		goto out;
	rc = RISK_REVIEW_EARG;
	if (strlen(text) >= sizeof row.figures)
		goto out;
	snprintf(row.mid, sizeof row.mid, "%s", r->m.mid);
	snprintf(row.by, sizeof row.by, "%s", p->by);
	snprintf(row.figures, sizeof row.figures, "%s", text);
	reason_names(r, row.reasons, sizeof row.reasons);
	row.suspended = r->suspended;
	rc = store_review_insert(p->s, &row) == STORE_OK ? RISK_REVIEW_OK : RISK_REVIEW_ESTORE;
out:
	free(text);
	json_decref(j);
	if (rc != RISK_REVIEW_OK) {
		store_rollback(p->s);
		r->suspended = false;
		return rc;
	}
	if (store_commit(p->s) != STORE_OK) {
		r->suspended = false;
		return RISK_REVIEW_ESTORE;
	}
	return RISK_REVIEW_OK;
}

/* The window's start: 00:00 local time RISK_REVIEW_DAYS - 1 days before now's day. */
static int64_t window_from(int64_t now, int utc_offset)
{
	int64_t local = now + (int64_t)utc_offset * 60;
	int64_t day = local - ((local % DAY) + DAY) % DAY;

	return day - (RISK_REVIEW_DAYS - 1) * (int64_t)DAY - (int64_t)utc_offset * 60;
}

/* Reads every merchant's figures and terminals into run (its merchants' cases too). */
static int gather(struct run *run, int64_t from)
{
	const struct risk_review_params *p = run->p;
	struct store_review_window w = {from, p->now, (int64_t)p->utc_offset * 60, ""};
	struct store_terminal_filter tf = {0};
	int rc;

	if ((rc = store_review_merchants(p->s, &w, collect, run)) != STORE_OK)
		return rc == 1 ? RISK_REVIEW_ENOMEM : RISK_REVIEW_ESTORE;
	if (store_terminal_list(p->s, &tf, count_terminal, run) != STORE_OK ||
	    store_review_cases(p->s, &w, count_cases, run) != STORE_OK)
		return RISK_REVIEW_ESTORE;
	for (size_t i = 0; i < run->n; i++)
		run->rs[i].from = from, run->rs[i].to = p->now, run->rs[i].at = p->now;
	rates(run);
	return RISK_REVIEW_OK;
}

int risk_review_run(const struct risk_review_params *p,
                    int (*fn)(void *ctx, const struct risk_review_result *r), void *ctx)
{
	struct run run = {.p = p};
	bool found = false;
	int rc;

	if (p == NULL || p->s == NULL || (p->mm == NULL && !p->dry_run) || fn == NULL ||
	    p->by == NULL || p->by[0] == '\0')
		return RISK_REVIEW_EARG;
	if ((rc = gather(&run, window_from(p->now, p->utc_offset))) != RISK_REVIEW_OK)
		goto out;
	for (size_t i = 0; i < run.n; i++) {
		struct risk_review_result *r = &run.rs[i];

		if (p->mid != NULL && strcmp(p->mid, r->m.mid) != 0)
			continue;
		found = true;
		grade(r);
		if (!p->dry_run && (rc = keep(p, r)) != RISK_REVIEW_OK)
			goto out;
		if ((rc = fn(ctx, r)) != 0)
			goto out;
	}
	rc = found || p->mid == NULL ? RISK_REVIEW_OK : RISK_REVIEW_ENOTFOUND;
out:
	free(run.rs);
	return rc;
}

static const char *status_name(int status)
{
	return status == STORE_MERCHANT_ACTIVE      ? "active"
	       : status == STORE_MERCHANT_SUSPENDED ? "suspended"
	                                            : "closed";
}

static json_t *reasons_json(const struct risk_review_result *r)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < r->n_reasons; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "name", r->reasons[i].name,
		                                   "level",
		                                   risk_review_level_name(r->reasons[i].level),
		                                   "text", r->reasons[i].text));
	return a;
}

json_t *risk_review_json(const struct risk_review_result *r, int utc_offset)
{
	const struct store_review_merchant *m = &r->m;
	char grade[2] = {r->grade};

	return json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:{s:I, s:o}, s:o, s:o, s:I, s:o, s:o, s:I, "
	    "s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I}, s:I, s:I, s:b, s:o}",
	    "mid", m->mid, "name", m->name, "mcc", m->mcc, "status", status_name(m->status),
	    "grade", grade, "reasons", reasons_json(r), "from", jsonval_time(r->from, utc_offset),
	    "to", jsonval_time(r->to, utc_offset), "volume", "count", (json_int_t)m->count,
	    "amount", jsonval_money(m->amount, CNY), "average_ticket",
	    jsonval_money(r->avg_ticket, CNY), "mcc_average_ticket",
	    jsonval_money(r->mcc_avg_ticket, CNY), "ticket_ratio_bp",
	    (json_int_t)r->ticket_ratio_bp, "purchases", jsonval_money(m->purchases, CNY),
	    "refunds", jsonval_money(m->refunds, CNY), "refund_rate_bp",
	    (json_int_t)r->refund_rate_bp, "attempts", (json_int_t)m->attempts, "declines",
	    (json_int_t)m->declines, "decline_rate_bp", (json_int_t)r->decline_rate_bp, "payments",
	    (json_int_t)m->payments, "night_payments", (json_int_t)m->night, "night_share_bp",
	    (json_int_t)r->night_share_bp, "cases", "opened", (json_int_t)r->cases.opened, "fraud",
	    (json_int_t)r->cases.fraud, "legitimate", (json_int_t)r->cases.legitimate, "open",
	    (json_int_t)r->cases.open, "terminals", (json_int_t)r->terminals, "terminals_moved",
	    (json_int_t)r->terminals_moved, "suspended", r->suspended, "reviewed_at",
	    jsonval_time(r->at, utc_offset));
}

static int add_latest(void *ctx, const struct store_review *row)
{
	json_t *j = json_loads(row->figures, 0, NULL);

	if (j == NULL || json_object_set_new(j, "by", json_string(row->by)) != 0) {
		json_decref(j);
		return 1; /* stops the walk: out of memory */
	}
	return json_array_append_new(ctx, j) == 0 ? 0 : 1;
}

int risk_review_latest(store *s, const char *mid, json_t *items)
{
	int rc;

	if (s == NULL || items == NULL)
		return RISK_REVIEW_EARG;
	if ((rc = store_review_latest(s, mid != NULL ? mid : "", add_latest, items)) == STORE_OK)
		return RISK_REVIEW_OK;
	return rc == 1 ? RISK_REVIEW_ENOMEM : RISK_REVIEW_ESTORE;
}
