/* rollout.c — who gets a software package and from when (tms.h "Software packages"): rollouts
 * to terminals, merchants or a stable percentage of a model; the package a terminal should
 * install now; each model's minimum version and the sign-in's rule. */
#include "tms/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/jsonval.h"
#include "merchant/merchant.h"
#include "store/store_acquirer.h"

static const char *const kind_names[] = {"terminals", "merchants", "percent"};

/* The first 10 characters of text, "YYYY-MM-DD", a real date, as YYYYMMDD; 0 when they are
 * not one. */
static int parse_day(const char *text)
{
	int y, m, d, n = 0;
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (text == NULL || strlen(text) < 10 ||
	    sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || y < 2000 || y > 9999 ||
	    m < 1 || m > 12 || d < 1 || d > days[m - 1] ||
	    (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return 0;
	return y * 10000 + m * 100 + d;
}

/* Days from 1970-01-01 to YYYYMMDD day (proleptic Gregorian; H. Hinnant's days_from_civil). */
static int64_t days_of(int day)
{
	int64_t y = day / 10000, m = day / 100 % 100, d = day % 100, era, yoe, doy;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

int tms_time_parse(const char *text, int utc_offset, int64_t *out)
{
	int day = parse_day(text), hh, mm, n = 0;

	if (day == 0 || strlen(text) != 16 || sscanf(text + 10, " %2d:%2d%n", &hh, &mm, &n) != 2 ||
	    n != 6 || text[10] != ' ' || hh > 23 || mm > 59 || hh < 0 || mm < 0)
		return TMS_EARG;
	*out = days_of(day) * 86400 + hh * 3600 + mm * 60 - (int64_t)utc_offset * 60;
	return TMS_OK;
}

const char *tms_rollout_kind_name(enum tms_rollout_kind k)
{
	return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : NULL;
}

static void rollout_to_row(const struct tms_rollout *r, struct store_tms_rollout *row)
{
	memset(row, 0, sizeof *row);
	row->id = r->id;
	row->package_id = r->package_id;
	snprintf(row->kind, sizeof row->kind, "%s", tms_rollout_kind_name(r->kind));
	snprintf(row->targets, sizeof row->targets, "%s", r->targets);
	row->percent = r->percent;
	row->starts_at = r->starts_at;
	snprintf(row->added_by, sizeof row->added_by, "%s", r->added_by);
	row->added_at = r->added_at;
	row->stopped_at = r->stopped_at;
	snprintf(row->stopped_by, sizeof row->stopped_by, "%s", r->stopped_by);
}

static void rollout_from_row(const struct store_tms_rollout *row, struct tms_rollout *r)
{
	memset(r, 0, sizeof *r);
	r->id = row->id;
	r->package_id = row->package_id;
	for (size_t k = 0; k < sizeof kind_names / sizeof kind_names[0]; k++)
		if (strcmp(row->kind, kind_names[k]) == 0)
			r->kind = (enum tms_rollout_kind)k;
	snprintf(r->targets, sizeof r->targets, "%s", row->targets);
	r->percent = row->percent;
	r->starts_at = row->starts_at;
	snprintf(r->added_by, sizeof r->added_by, "%s", row->added_by);
	r->added_at = row->added_at;
	r->stopped_at = row->stopped_at;
	snprintf(r->stopped_by, sizeof r->stopped_by, "%s", row->stopped_by);
}

json_t *tms_rollout_json(const struct tms_rollout *r, int utc_offset)
{
	json_t *targets = json_array(), *o;
	char list[TMS_TARGETS_MAX + 1], *save = NULL;

	snprintf(list, sizeof list, "%s", r->targets);
	for (char *p = strtok_r(list, ",", &save); p != NULL && targets != NULL;
	     p = strtok_r(NULL, ",", &save))
		json_array_append_new(targets, json_string(p));
	o = json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:s, s:o, s:b}", "id", (json_int_t)r->id,
	              "package", (json_int_t)r->package_id, "kind", tms_rollout_kind_name(r->kind),
	              "targets", targets != NULL ? targets : json_null(), "percent",
	              r->kind == TMS_ROLLOUT_PERCENT ? json_integer(r->percent) : json_null(),
	              "from", jsonval_time(r->starts_at, utc_offset), "added_by", r->added_by,
	              "added_at", jsonval_time(r->added_at, utc_offset), "running",
	              r->stopped_at == 0);
	if (o != NULL)
		json_object_set_new(o, "stopped",
		                    r->stopped_at == 0
		                        ? json_null()
		                        : json_pack("{s:o, s:s}", "at",
		                                    jsonval_time(r->stopped_at, utc_offset), "by",
		                                    r->stopped_by));
	return o;
}

/* The place of tid in the percentage rollout id: the first two bytes of SHA-256 of the id in
 * decimal and the TID, big-endian, mod 100. */
static int percent_place(int64_t id, const char *tid)
{
	char text[64];
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	int len = snprintf(text, sizeof text, "%lld%s", (long long)id, tid);

	if (len < 0 || (size_t)len >= sizeof text ||
	    EVP_Digest(text, (size_t)len, md, &n, EVP_sha256(), NULL) != 1)
		return 100;
	return ((md[0] << 8) | md[1]) % 100;
}

/* Whether name is one of the comma-separated list. */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p != '\0'; p += strcspn(p, ",") + (p[strcspn(p, ",")] != '\0'))
		if (strcspn(p, ",") == n && n > 0 && memcmp(p, name, n) == 0)
			return true;
	return false;
}

bool tms_rollout_includes(const struct tms_rollout *r, const char *tid, const char *mid)
{
	switch (r->kind) {
	case TMS_ROLLOUT_TERMINALS:
		return listed(r->targets, tid);
	case TMS_ROLLOUT_MERCHANTS:
		return listed(r->targets, mid);
	case TMS_ROLLOUT_PERCENT:
		return percent_place(r->id, tid) < r->percent;
	}
	return false;
}

/* Each name of r's list a known terminal or merchant: why names the first that is not. */
static int check_targets(tms *t, const struct tms_rollout *r, char *why, size_t cap)
{
	char list[TMS_TARGETS_MAX + 1], *save = NULL;
	int rc = TMS_OK, n = 0;

	snprintf(list, sizeof list, "%s", r->targets);
	for (char *p = strtok_r(list, ",", &save); p != NULL && rc == TMS_OK;
	     p = strtok_r(NULL, ",", &save), n++) {
		struct store_terminal term;
		struct store_merchant m;

		rc = tms_from_store(r->kind == TMS_ROLLOUT_TERMINALS
		                        ? store_terminal_get(t->s, p, &term)
		                        : store_merchant_get(t->s, p, &m));
		if (rc == TMS_ENOTFOUND)
			snprintf(why, cap, "no such %s: %s",
			         r->kind == TMS_ROLLOUT_TERMINALS ? "terminal" : "merchant", p);
	}
	if (rc == TMS_OK && n == 0) {
		snprintf(why, cap, "--%s: name at least one", tms_rollout_kind_name(r->kind));
		rc = TMS_EARG;
	}
	return rc;
}

/* What tms_rollout_add() checks of r before it writes it. */
static int rollout_check(tms *t, const struct tms_rollout *r, char *why, size_t cap)
{
	struct store_tms_package p;
	int rc;

	if ((rc = tms_from_store(store_tms_package_get(t->s, r->package_id, &p))) != TMS_OK) {
		if (rc == TMS_ENOTFOUND)
			snprintf(why, cap, "no such package: %lld", (long long)r->package_id);
		return rc;
	}
	if (tms_rollout_kind_name(r->kind) == NULL) {
		snprintf(why, cap, "a rollout names terminals, merchants or a percentage");
		return TMS_EARG;
	}
	if (r->kind == TMS_ROLLOUT_PERCENT) {
		if (r->percent < 1 || r->percent > 100) {
			snprintf(why, cap, "--percent: 1 to 100");
			return TMS_EARG;
		}
		return TMS_OK;
	}
	if (strlen(r->targets) > TMS_TARGETS_MAX || strstr(r->targets, ",,") != NULL) {
		snprintf(why, cap, "--%s: a comma-separated list of at most %d bytes",
		         tms_rollout_kind_name(r->kind), TMS_TARGETS_MAX);
		return TMS_EARG;
	}
	return check_targets(t, r, why, cap);
}

/* ---- the terminals a rollout reaches (docs/tms.md "Software updates") ---- */

/* rollout_mark()'s walk over the terminals of the package's model that r includes. */
struct mark_walk {
	tms *t;
	const struct tms_rollout *r;
	const char *model;
	int64_t now;
	bool set; /* mark those that get a package now, else clear those that get none */
	int rc;
};

static int mark_one(void *ctx, const struct store_terminal *term)
{
	struct mark_walk *w = ctx;
	struct tms_package p;
	int rc;

	if (strcmp(term->model, w->model) != 0 || !tms_rollout_includes(w->r, term->tid, term->mid))
		return 0;
	/* What the acquirer's refresh would find (the package any running rollout gives it). */
	if ((rc = tms_package_for(w->t, term->tid, w->now, &p)) != TMS_OK && rc != TMS_ENOTFOUND)
		return w->rc = rc, 1;
	if (w->set != (rc == TMS_OK))
		return 0;
	rc = w->set ? store_terminal_pending(w->t->s, term->tid, ~(int64_t)0, TMS_PENDING_PACKAGE)
	            : store_terminal_pending(w->t->s, term->tid, ~(int64_t)TMS_PENDING_PACKAGE, 0);
	return (w->rc = tms_from_store(rc)) != TMS_OK;
}

/* In the caller's transaction, the package bit of the terminals r includes: set (a rollout
 * added) where a package is theirs now, cleared (one stopped) where none is any more. A
 * rollout that has not started reaches none yet: the acquirer's refresh marks its terminals
 * once it has. */
static int rollout_mark(tms *t, const struct tms_rollout *r, bool set, int64_t now)
{
	struct store_terminal_filter f = {0};
	struct tms_package p;
	struct mark_walk w = {t, r, p.model, now, set, TMS_OK};
	int rc;

	if (r->starts_at > now)
		return TMS_OK;
	if ((rc = tms_package_get(t, r->package_id, &p)) != TMS_OK)
		return rc;
	rc = store_terminal_list(t->s, &f, mark_one, &w);
	return w.rc != TMS_OK ? w.rc : tms_from_store(rc);
}

int tms_rollout_add(tms *t, const char *actor, struct tms_rollout *r, int64_t now, char *why,
                    size_t cap)
{
	struct store_tms_rollout row;
	char object[STORE_AUDIT_OBJECT_MAX];
	json_t *after = NULL;
	int rc;

	*why = '\0';
	if (r->kind != TMS_ROLLOUT_PERCENT)
		r->percent = 0;
	else
		r->targets[0] = '\0';
	if (r->starts_at == 0)
		r->starts_at = now;
	snprintf(r->added_by, sizeof r->added_by, "%s", actor);
	r->added_at = now;
	r->stopped_at = 0;
	r->stopped_by[0] = '\0';
	if ((rc = tms_from_store(store_begin(t->s))) != TMS_OK)
		return rc;
	if ((rc = rollout_check(t, r, why, cap)) != TMS_OK)
		goto out;
	rollout_to_row(r, &row);
	if ((rc = tms_from_store(store_tms_rollout_insert(t->s, &row))) != TMS_OK)
		goto out;
	r->id = row.id;
	if ((rc = rollout_mark(t, r, true, now)) != TMS_OK)
		goto out;
	snprintf(object, sizeof object, "rollout:%lld", (long long)r->id);
	rc = (after = tms_rollout_json(r, 0)) == NULL
	         ? TMS_ENOMEM
	         : tms_audit(t, actor, "tms.rollout.add", object, NULL, after, now);
out:
	json_decref(after);
	return tms_end(t, rc);
}

int tms_rollout_stop(tms *t, const char *actor, int64_t id, int64_t now)
{
	struct store_tms_rollout row;
	struct tms_rollout r;
	char object[STORE_AUDIT_OBJECT_MAX];
	json_t *before = NULL, *after = NULL;
	int rc;

	if ((rc = tms_from_store(store_begin(t->s))) != TMS_OK)
		return rc;
	if ((rc = tms_from_store(store_tms_rollout_get(t->s, id, &row))) != TMS_OK)
		goto out;
	rollout_from_row(&row, &r);
	if (r.stopped_at != 0) {
		rc = TMS_ESTOPPED;
		goto out;
	}
	before = tms_rollout_json(&r, 0);
	r.stopped_at = now;
	snprintf(r.stopped_by, sizeof r.stopped_by, "%s", actor);
	after = tms_rollout_json(&r, 0);
	rollout_to_row(&r, &row);
	snprintf(object, sizeof object, "rollout:%lld", (long long)id);
	if (before == NULL || after == NULL)
		rc = TMS_ENOMEM;
	/* The terminals it leaves without a package are cleared now rather than at their next
	 * refresh, so that no answer asks them for an update they would be refused (25). It can
	 * race: a rollout of the same terminal added on another connection (PostgreSQL's read
	 * committed) that marks after this walk read the rollouts is cleared here; that terminal
	 * is then asked from its next sign-in, echo or download, as before rollouts marked —
	 * late, never asked for nothing. */
	else if ((rc = tms_from_store(store_tms_rollout_stop(t->s, &row))) == TMS_OK &&
	         (rc = rollout_mark(t, &r, false, now)) == TMS_OK)
		rc = tms_audit(t, actor, "tms.rollout.stop", object, before, after, now);
out:
	json_decref(before);
	json_decref(after);
	return tms_end(t, rc);
}

struct rollout_walk {
	int (*fn)(void *ctx, const struct tms_rollout *r);
	void *ctx;
};

static int rollout_one(void *ctx, const struct store_tms_rollout *row)
{
	struct rollout_walk *w = ctx;
	struct tms_rollout r;

	rollout_from_row(row, &r);
	return w->fn(w->ctx, &r);
}

int tms_rollout_list(tms *t, int (*fn)(void *ctx, const struct tms_rollout *r), void *ctx)
{
	struct rollout_walk w = {fn, ctx};
	int rc = store_tms_rollout_each(t->s, rollout_one, &w);

	return rc < 0 ? tms_from_store(rc) : rc;
}

/* tms_rollout_count()'s walk over the terminals. */
struct count_walk {
	const struct tms_rollout *r;
	const char *model;
	int64_t n;
};

static int count_one(void *ctx, const struct store_terminal *term)
{
	struct count_walk *w = ctx;

	if (strcmp(term->model, w->model) == 0 && tms_rollout_includes(w->r, term->tid, term->mid))
		w->n++;
	return 0;
}

int tms_rollout_count(tms *t, const struct tms_rollout *r, const char *model, int64_t *n)
{
	struct store_terminal_filter f = {0};
	struct count_walk w = {r, model, 0};
	int rc = tms_from_store(store_terminal_list(t->s, &f, count_one, &w));

	*n = w.n;
	return rc;
}

/* ---- the package a terminal should install ---- */

struct for_walk {
	tms *t;
	const struct store_terminal *term;
	int64_t now;
	struct tms_package best;
	bool found;
	int rc;
};

static int for_one(void *ctx, const struct tms_rollout *r)
{
	struct for_walk *w = ctx;
	struct tms_package p;

	if (r->stopped_at != 0 || r->starts_at > w->now ||
	    !tms_rollout_includes(r, w->term->tid, w->term->mid))
		return 0;
	if ((w->rc = tms_package_get(w->t, r->package_id, &p)) != TMS_OK)
		return 1;
	if (strcmp(p.model, w->term->model) != 0 ||
	    (w->term->version[0] != '\0' && tms_version_cmp(p.version, w->term->version) <= 0))
		return 0;
	if (!w->found || tms_version_cmp(p.version, w->best.version) > 0)
		w->best = p;
	w->found = true;
	return 0;
}

int tms_package_for(tms *t, const char *tid, int64_t now, struct tms_package *out)
{
	struct store_terminal term;
	struct for_walk w = {.t = t, .term = &term, .now = now, .rc = TMS_OK};
	int rc;

	if ((rc = tms_from_store(store_terminal_get(t->s, tid, &term))) != TMS_OK)
		return rc;
	if (term.model[0] == '\0')
		return TMS_ENOTFOUND;
	if ((rc = tms_rollout_list(t, for_one, &w)) < 0)
		return rc;
	if (w.rc != TMS_OK)
		return w.rc;
	if (!w.found)
		return TMS_ENOTFOUND;
	*out = w.best;
	return TMS_OK;
}

/* ---- minimum versions ---- */

bool tms_minimum_due(const struct store_tms_minimum *m, const char *version, int date)
{
	return version != NULL && version[0] != '\0' && date > m->after_date &&
	       tms_version_cmp(version, m->version) < 0;
}

json_t *tms_minimum_json(const struct tms_minimum *m, int utc_offset)
{
	char after[32];

	snprintf(after, sizeof after, "%04d-%02d-%02d", m->after_date / 10000 % 10000,
	         m->after_date / 100 % 100, m->after_date % 100);
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "model", m->model, "version", m->version,
	                 "after", after, "set_by", m->set_by, "set_at",
	                 jsonval_time(m->set_at, utc_offset));
}

void tms_minimum_from_row(const struct store_tms_minimum *row, struct tms_minimum *m)
{
	memset(m, 0, sizeof *m);
	snprintf(m->model, sizeof m->model, "%s", row->model);
	snprintf(m->version, sizeof m->version, "%s", row->version);
	m->after_date = (int)row->after_date;
	snprintf(m->set_by, sizeof m->set_by, "%s", row->set_by);
	m->set_at = row->set_at;
}

int tms_minimum_set(tms *t, const char *actor, const char *model, const char *version,
                    const char *after, int64_t now, struct tms_minimum *out, char *why, size_t cap)
{
	struct store_tms_minimum row = {.after_date = parse_day(after), .set_at = now}, old;
	struct tms_minimum m, was;
	char object[STORE_AUDIT_OBJECT_MAX];
	json_t *before = NULL, *now_json = NULL;
	int rc;

	*why = '\0';
	if (model == NULL || *model == '\0' || !merchant_model_ok(model))
		return snprintf(why, cap, "--model: 1 to %d of A-Z a-z 0-9 . _ -", TMS_MODEL_MAX),
		       TMS_EARG;
	if (!tms_version_ok(version))
		return snprintf(why, cap, "--version: 1 to %d of A-Z a-z 0-9 . _ -",
		                TMS_VERSION_MAX),
		       TMS_EARG;
	if (row.after_date == 0 || strlen(after) != 10)
		return snprintf(why, cap, "--after: a date, YYYY-MM-DD"), TMS_EARG;
	snprintf(row.model, sizeof row.model, "%s", model);
	snprintf(row.version, sizeof row.version, "%s", version);
	snprintf(row.set_by, sizeof row.set_by, "%s", actor);
	tms_minimum_from_row(&row, &m);
	snprintf(object, sizeof object, "minimum:%s", model);
	if ((rc = tms_from_store(store_begin(t->s))) != TMS_OK)
		return rc;
	if ((rc = tms_from_store(store_tms_minimum_get(t->s, model, &old))) == TMS_OK) {
		tms_minimum_from_row(&old, &was);
		before = tms_minimum_json(&was, 0);
	} else if (rc != TMS_ENOTFOUND)
		goto out;
	if ((now_json = tms_minimum_json(&m, 0)) == NULL)
		rc = TMS_ENOMEM;
	else if ((rc = tms_from_store(store_tms_minimum_put(t->s, &row))) == TMS_OK)
		rc = tms_audit(t, actor, "tms.minimum.set", object, before, now_json, now);
out:
	json_decref(before);
	json_decref(now_json);
	if ((rc = tms_end(t, rc)) == TMS_OK && out != NULL)
		*out = m;
	return rc;
}

struct minimum_walk {
	int (*fn)(void *ctx, const struct tms_minimum *m);
	void *ctx;
};

static int minimum_one(void *ctx, const struct store_tms_minimum *row)
{
	struct minimum_walk *w = ctx;
	struct tms_minimum m;

	tms_minimum_from_row(row, &m);
	return w->fn(w->ctx, &m);
}

int tms_minimum_list(tms *t, int (*fn)(void *ctx, const struct tms_minimum *m), void *ctx)
{
	struct minimum_walk w = {fn, ctx};
	int rc = store_tms_minimum_each(t->s, minimum_one, &w);

	return rc < 0 ? tms_from_store(rc) : rc;
}
