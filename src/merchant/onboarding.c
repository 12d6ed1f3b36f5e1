/* onboarding.c — a merchant's way from application to active merchant (docs/architecture.md flow
 * 1): the application with its checks, the table of steps between states, device testing (the
 * MID and the acquirer's row, not yet active), activation (certificate, next review), the fee plan,
 * limits and permitted types, the periodic reviews, and the one JSON form of a merchant that the
 * audit log, the admin command and the API show. */
#include "merchant/internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "common/jsonval.h"
#include "common/text.h"
#include "crypto/crypto.h"
#include "store/store_acquirer.h"
#include "store/store_certify.h"
#include "store/store_tms.h"

#define DAY          86400
#define SEQUENCE_MAX 9999 /* the MID's last four digits */

static const char *const state_names[] = {
    [MERCHANT_APPLIED] = "applied",
    [MERCHANT_REVIEWING] = "reviewing",
    [MERCHANT_DEVICE_TESTING] = "device_testing",
    [MERCHANT_AGREEMENT] = "agreement",
    [MERCHANT_ACTIVE] = "active",
    [MERCHANT_SUSPENDED] = "suspended",
    [MERCHANT_CLOSED] = "closed",
};

const char *merchant_state_name(int state)
{
	if (state < MERCHANT_APPLIED || state > MERCHANT_CLOSED)
		return "unknown";
	return state_names[state];
}

/* The steps: from which state (0: any but closed) to which. */
static const struct {
	const char *name;
	int from, to;
} steps[] = {
    [MERCHANT_STEP_REVIEW] = {"review", MERCHANT_APPLIED, MERCHANT_REVIEWING},
    [MERCHANT_STEP_TEST] = {"test", MERCHANT_REVIEWING, MERCHANT_DEVICE_TESTING},
    [MERCHANT_STEP_AGREE] = {"agree", MERCHANT_DEVICE_TESTING, MERCHANT_AGREEMENT},
    [MERCHANT_STEP_ACTIVATE] = {"activate", MERCHANT_AGREEMENT, MERCHANT_ACTIVE},
    [MERCHANT_STEP_SUSPEND] = {"suspend", MERCHANT_ACTIVE, MERCHANT_SUSPENDED},
    [MERCHANT_STEP_RESUME] = {"resume", MERCHANT_SUSPENDED, MERCHANT_ACTIVE},
    [MERCHANT_STEP_CLOSE] = {"close", 0, MERCHANT_CLOSED},
};
#define N_STEPS (sizeof steps / sizeof steps[0])

static bool step_allowed(size_t step, int state)
{
	return steps[step].from == state || (steps[step].from == 0 && state != MERCHANT_CLOSED);
}

int merchant_step_parse(const char *name, enum merchant_step *out)
{
	for (size_t i = 0; name != NULL && i < N_STEPS; i++)
		if (strcmp(name, steps[i].name) == 0) {
			*out = (enum merchant_step)i;
			return MERCHANT_OK;
		}
	return MERCHANT_EARG;
}

void merchant_steps_allowed(int state, char *out, size_t cap)
{
	size_t len = 0, n = 0;

	assert(cap > 0);
	out[0] = '\0';
	for (size_t i = 0; i < N_STEPS; i++)
		if (step_allowed(i, state))
			n++;
	for (size_t i = 0, k = 0; i < N_STEPS && len < cap; i++) {
		if (!step_allowed(i, state))
			continue;
		k++;
		len += (size_t)snprintf(out + len, cap - len, "%s%s",
		                        k == 1   ? ""
		                        : k == n ? " or "
		                                 : ", ",
		                        steps[i].name);
	}
	if (n == 0)
		snprintf(out, cap, "none");
}

static const struct {
	const char *name;
	unsigned bit;
} types[] = {
    {"purchase", MERCHANT_TYPE_PURCHASE}, {"void", MERCHANT_TYPE_VOID},
    {"refund", MERCHANT_TYPE_REFUND},     {"preauth", MERCHANT_TYPE_PREAUTH},
    {"balance", MERCHANT_TYPE_BALANCE},   {"cardauth", MERCHANT_TYPE_CARDAUTH},
};

int merchant_type_parse(const char *name, unsigned *bit)
{
	for (size_t i = 0; name != NULL && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(name, types[i].name) == 0) {
			*bit = types[i].bit;
			return MERCHANT_OK;
		}
	return MERCHANT_EARG;
}

int merchant_types_name(unsigned bits, char *out, size_t cap)
{
	size_t len = 0;

	assert(cap > 0);
	out[0] = '\0';
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		if (!(bits & types[i].bit))
			continue;
		int n = snprintf(out + len, cap - len, "%s%s", len > 0 ? "," : "", types[i].name);

		if (n < 0 || (size_t)n >= cap - len)
			return MERCHANT_EARG;
		len += (size_t)n;
	}
	return MERCHANT_OK;
}

/* ---- the application ---- */

static bool is_phone(const char *s)
{
	return s != NULL && crypto_digits(s + (s[0] == '+'), 5, 20) > 0;
}

static bool is_mcc(const char *s)
{
	return crypto_digits(s, 4, 4) > 0;
}

const char *merchant_application_check(const struct merchant_application *a)
{
	/* The lines of text, each with its largest length, in the order they are checked. */
	const struct {
		const char *name, *value;
		size_t max;
	} lines[] = {
	    {"legal_name", a->legal_name, MERCHANT_NAME_MAX},
	    {"licence", a->licence, MERCHANT_CODE_MAX},
	    {"tax_number", a->tax_number, MERCHANT_CODE_MAX},
	    {"rep_name", a->rep_name, MERCHANT_TEXT_MAX},
	    {"rep_id", a->rep_id, MERCHANT_ID_MAX},
	    {"address", a->address, MERCHANT_TEXT_MAX},
	};

	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		if (!text_is_line(lines[i].value, lines[i].max))
			return lines[i].name;
	if (!is_mcc(a->mcc))
		return "mcc";
	if (!is_phone(a->phone))
		return "phone";
	return NULL;
}

static bool is_actor(const char *actor)
{
	return text_is_line(actor, STORE_AUDIT_ACTOR_MAX - 1);
}

/* Reads application id, or the merchant it became, with its certificate. */
static int load(merchant *m, int64_t id, const char *mid, struct merchant_info *out)
{
	int rc = mid != NULL ? store_merchant_app_by_mid(m->s, mid, &out->app)
	                     : store_merchant_app_get(m->s, id, &out->app);

	if (rc != STORE_OK)
		return merchant_from_store(rc);
	if ((rc = merchant_unseal_phone(m, &out->app)) != MERCHANT_OK)
		return rc;
	memset(&out->cert, 0, sizeof out->cert);
	rc = store_merchant_cert_last(m->s, out->app.id, &out->cert);
	return rc == STORE_ENOTFOUND ? MERCHANT_OK : merchant_from_store(rc);
}

/* Writes the audit entry of a change of i, whose state before it was before (NULL: none). */
static int audit(merchant *m, const char *actor, const char *action,
                 const struct merchant_info *before, const struct merchant_info *after, int64_t now)
{
	json_t *b = before != NULL ? merchant_json(before, true, 0) : NULL;
	json_t *a = merchant_json(after, true, 0);
	char object[STORE_AUDIT_OBJECT_MAX];
	int rc;

	merchant_object(&after->app, object);
	if ((before != NULL && b == NULL) || a == NULL)
		rc = MERCHANT_ENOMEM;
	else
		rc = audit_record(m->s, actor, action, object, b, a, now) == AUDIT_OK
		         ? MERCHANT_OK
		         : MERCHANT_ESTORE;
	json_decref(b);
	json_decref(a);
	return rc;
}

static int record_step(merchant *m, int64_t app_id, int from, int to, const char *actor,
                       const char *reason, int64_t now)
{
	struct store_merchant_step h = {.app_id = app_id, .from = from, .to = to, .at = now};

	snprintf(h.actor, sizeof h.actor, "%s", actor);
	snprintf(h.reason, sizeof h.reason, "%s", reason);
	return merchant_from_store(store_merchant_step_insert(m->s, &h));
}

void merchant_object(const struct store_merchant_app *a, char out[STORE_AUDIT_OBJECT_MAX])
{
	if (a->mid[0] != '\0')
		snprintf(out, STORE_AUDIT_OBJECT_MAX, "merchant:%s", a->mid);
	else
		snprintf(out, STORE_AUDIT_OBJECT_MAX, "merchant:%lld", (long long)a->id);
}

int merchant_end(merchant *m, int rc)
{
	if (rc != MERCHANT_OK) {
		store_rollback(m->s);
		return rc;
	}
	return store_commit(m->s) == STORE_OK ? MERCHANT_OK : MERCHANT_ESTORE;
}

int merchant_apply(merchant *m, const struct merchant_application *a, const char *actor,
                   int64_t now, int64_t *id)
{
	struct merchant_info i = {0};
	struct store_merchant_app *r = &i.app;
	int rc;

	if (m == NULL || a == NULL || merchant_application_check(a) != NULL || !is_actor(actor))
		return MERCHANT_EARG;
	r->state = MERCHANT_APPLIED;
	snprintf(r->legal_name, sizeof r->legal_name, "%s", a->legal_name);
	snprintf(r->licence, sizeof r->licence, "%s", a->licence);
	snprintf(r->tax_number, sizeof r->tax_number, "%s", a->tax_number);
	snprintf(r->rep_name, sizeof r->rep_name, "%s", a->rep_name);
	snprintf(r->address, sizeof r->address, "%s", a->address);
	snprintf(r->mcc, sizeof r->mcc, "%s", a->mcc);
	snprintf(r->phone, sizeof r->phone, "%s", a->phone);
	merchant_mask(a->phone, r->phone_masked, sizeof r->phone_masked);
	merchant_mask(a->rep_id, r->rep_id_masked, sizeof r->rep_id_masked);
	r->fee_credit_bp = m->cfg.fee_credit_bp;
	r->fee_debit_bp = m->cfg.fee_debit_bp;
	r->fee_debit_cap = m->cfg.fee_debit_cap;
	r->fee_qr_bp = m->cfg.fee_qr_bp;
	r->limit_currency = 156;
	r->types = MERCHANT_TYPES_ALL;
	r->created_at = r->updated_at = now;
	if (store_begin(m->s) != STORE_OK)
		return MERCHANT_ESTORE;
	/* The ID number and the phone are sealed under the row's own number, known once the row
	 * is in (the phone only masked until then). */
	if ((rc = merchant_from_store(store_merchant_app_insert(m->s, r))) != MERCHANT_OK ||
	    (rc = merchant_seal(m, "rep_id", r->id, a->rep_id, &r->rep_id)) != MERCHANT_OK ||
	    (rc = merchant_seal_phone(m, r)) != MERCHANT_OK)
		goto out;
	if ((rc = merchant_from_store(store_merchant_app_update(m->s, r))) != MERCHANT_OK ||
	    (rc = record_step(m, r->id, 0, MERCHANT_APPLIED, actor, "application", now)) !=
	        MERCHANT_OK ||
	    (rc = audit(m, actor, "merchant.apply", NULL, &i, now)) != MERCHANT_OK)
		goto out;
	if (id != NULL)
		*id = r->id;
out:
	return merchant_end(m, rc);
}

int merchant_get(merchant *m, const char *ref, struct merchant_info *out)
{
	size_t n;
	char *end;
	long long id;

	if (m == NULL || ref == NULL || out == NULL)
		return MERCHANT_EARG;
	n = strlen(ref);
	if (n == 15)
		return load(m, 0, ref, out);
	if (n == 0 || n > 12 || crypto_digits(ref, 1, 12) == 0)
		return MERCHANT_EARG;
	id = strtoll(ref, &end, 10);
	return load(m, id, NULL, out);
}

/* ---- steps ---- */

static bool is_mid(const char *mid)
{
	size_t n = strlen(mid);

	return n == 15 &&
	       strspn(mid, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == n;
}

/* The acquirer's status for a merchant's state (0: none, no MID before device testing). */
static int acquirer_status(int state)
{
	switch (state) {
	case MERCHANT_DEVICE_TESTING:
	case MERCHANT_AGREEMENT:
		return STORE_MERCHANT_ONBOARDING;
	case MERCHANT_ACTIVE:
		return STORE_MERCHANT_ACTIVE;
	case MERCHANT_SUSPENDED:
		return STORE_MERCHANT_SUSPENDED;
	case MERCHANT_CLOSED:
		return STORE_MERCHANT_CLOSED;
	default:
		return 0;
	}
}

/* The acquirer's row of i's merchant, in the status of its state, with mid or the next free MID of
 * its acquirer code, area and MCC: a sequence kept per prefix, stepping over MIDs given by hand. */
static int assign_mid(merchant *m, struct merchant_info *i, const char *mid, int64_t now)
{
	struct store_merchant row = {.status = acquirer_status(i->app.state), .created_at = now};
	char prefix[12], counter[24];
	int64_t seq;
	int rc;

	snprintf(row.name, sizeof row.name, "%.*s", MERCHANT_NAME_MAX, i->app.legal_name);
	snprintf(row.mcc, sizeof row.mcc, "%s", i->app.mcc);
	if (mid != NULL) {
		snprintf(row.mid, sizeof row.mid, "%s", mid);
		rc = merchant_from_store(store_merchant_insert(m->s, &row));
		goto out;
	}
	snprintf(prefix, sizeof prefix, "%.3s%.4s%.4s", m->cfg.acquirer_code, m->cfg.area,
	         i->app.mcc);
	snprintf(counter, sizeof counter, "mid.%s", prefix);
	do {
		if ((rc = merchant_from_store(store_acq_next(m->s, counter, &seq))) != MERCHANT_OK)
			return rc;
		if (seq > SEQUENCE_MAX)
			return MERCHANT_EEXIST;
		snprintf(row.mid, sizeof row.mid, "%.11s%04d", prefix, (int)seq);
		rc = merchant_from_store(store_merchant_insert(m->s, &row));
	} while (rc == MERCHANT_EEXIST);
out:
	if (rc == MERCHANT_OK)
		memcpy(i->app.mid, row.mid, sizeof i->app.mid);
	return rc;
}

/* Activation's other records: the certificate and the first periodic review. */
static int certify(merchant *m, struct merchant_info *i, int64_t now)
{
	struct store_merchant_cert *c = &i->cert;
	time_t t = (time_t)now;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return MERCHANT_EARG;
	memset(c, 0, sizeof *c);
	c->app_id = i->app.id;
	snprintf(c->number, sizeof c->number, "MC%s-%04d", i->app.mid, tm.tm_year + 1900);
	c->issued = now;
	c->valid_until = now + (int64_t)m->cfg.certificate_days * DAY;
	i->app.next_review = now + (int64_t)m->cfg.review_days * DAY;
	return merchant_from_store(store_merchant_cert_insert(m->s, c));
}

static const char *const step_actions[] = {
    [MERCHANT_STEP_REVIEW] = "merchant.review",   [MERCHANT_STEP_TEST] = "merchant.test",
    [MERCHANT_STEP_AGREE] = "merchant.agree",     [MERCHANT_STEP_ACTIVATE] = "merchant.activate",
    [MERCHANT_STEP_SUSPEND] = "merchant.suspend", [MERCHANT_STEP_RESUME] = "merchant.resume",
    [MERCHANT_STEP_CLOSE] = "merchant.close",
};

/* ---- the device certificates the agree step asks for (docs/certify.md) ---- */

/* The terminals of a merchant whose model and version have no certificate in force. */
struct uncertified {
	store *s;
	json_t *terminals; /* each as {"tid","model","version"} */
	size_t n;
	char *why; /* MERCHANT_WHY_MAX bytes: the first one */
	int rc;
};

static int uncertified_one(void *ctx, const struct store_terminal *t)
{
	struct uncertified *u = ctx;
	int rc;

	if (t->model[0] == '\0' || t->status == STORE_TERMINAL_RETIRED)
		return 0;
	/* A terminal that reported no version yet: any certificate of its model. */
	if ((rc = store_certify_in_force(u->s, t->model, t->version, NULL)) == STORE_OK)
		return 0;
	if (rc != STORE_ENOTFOUND) {
		u->rc = merchant_from_store(rc);
		return 1;
	}
	if (u->n++ == 0)
		snprintf(u->why, MERCHANT_WHY_MAX,
		         "terminal %s (model %s, %s%s) has no device certificate in force", t->tid,
		         t->model, t->version[0] != '\0' ? "version " : "no version reported",
		         t->version);
	if (json_array_append_new(u->terminals, json_pack("{s:s, s:s, s:s}", "tid", t->tid, "model",
	                                                  t->model, "version", t->version)) != 0) {
		u->rc = MERCHANT_ENOMEM;
		return 1;
	}
	return 0;
}

/* Whether merchant i's terminals may go on to the agreement: MERCHANT_OK when each registered
 * with a model has a certificate in force for it and its version, or when the operator
 * overrides (audited, with the terminals let through); else MERCHANT_ECERTIFY with a->why. */
static int certified(merchant *m, const struct merchant_info *i, struct merchant_step_args *a,
                     const char *actor, int64_t now)
{
	struct store_terminal_filter f = {.mid = i->app.mid};
	struct uncertified u = {m->s, json_array(), 0, a->why, MERCHANT_OK};
	char object[STORE_AUDIT_OBJECT_MAX];
	size_t len;
	json_t *entry = NULL;
	int rc;

	if (u.terminals == NULL)
		return MERCHANT_ENOMEM;
	/* No MID (given at the test step: an application from before it had none), no
	 * terminals. */
	rc = i->app.mid[0] == '\0' ? STORE_OK : store_terminal_list(m->s, &f, uncertified_one, &u);
	if ((rc = u.rc != MERCHANT_OK ? u.rc : merchant_from_store(rc)) != MERCHANT_OK)
		goto out;
	if (a->override_certification == NULL) {
		len = strlen(a->why);
		if (u.n > 1 && len < MERCHANT_WHY_MAX)
			snprintf(a->why + len, MERCHANT_WHY_MAX - len, " (and %zu more)", u.n - 1);
		rc = u.n == 0 ? MERCHANT_OK : MERCHANT_ECERTIFY;
		goto out;
	}
	merchant_object(&i->app, object);
	entry =
	    json_pack("{s:s, s:O}", "reason", a->override_certification, "terminals", u.terminals);
	if (entry == NULL)
		rc = MERCHANT_ENOMEM;
	else if (audit_record(m->s, actor, "merchant.certification_override", object, NULL, entry,
	                      now) != AUDIT_OK)
		rc = MERCHANT_ESTORE;
out:
	json_decref(entry);
	json_decref(u.terminals);
	return rc;
}

int merchant_step(merchant *m, int64_t id, enum merchant_step step, const char *reason,
                  const char *mid, const char *actor, int64_t now, struct merchant_info *out)
{
	struct merchant_step_args a = {.mid = mid};

	return merchant_step_with(m, id, step, reason, actor, now, &a, out);
}

/* The acquirer's row of merchant i after step: made with its MID when the step gives one (the
 * test step; activation for a merchant past it without one, as before the MID came with device
 * testing), else its status following i's state. mid: the MID asked for, NULL any; at
 * activation of a merchant that has one, MERCHANT_EARG unless it is that one. */
static int acquirer_row(merchant *m, struct merchant_info *i, enum merchant_step step,
                        const char *mid, int64_t now)
{
	if (i->app.mid[0] == '\0' && (step == MERCHANT_STEP_TEST || step == MERCHANT_STEP_ACTIVATE))
		return assign_mid(m, i, mid, now);
	if (mid != NULL && strcmp(mid, i->app.mid) != 0)
		return MERCHANT_EARG;
	if (i->app.mid[0] == '\0')
		return MERCHANT_OK;
	return merchant_from_store(
	    store_merchant_set_status(m->s, i->app.mid, acquirer_status(i->app.state)));
}

/* The checks of a step's arguments: MERCHANT_OK, or MERCHANT_EARG. */
static int step_args_check(enum merchant_step step, const struct merchant_step_args *a)
{
	const char *mid = a->mid, *override = a->override_certification;

	if ((mid != NULL &&
	     ((step != MERCHANT_STEP_TEST && step != MERCHANT_STEP_ACTIVATE) || !is_mid(mid))) ||
	    (override != NULL &&
	     (step != MERCHANT_STEP_AGREE || !text_is_line(override, MERCHANT_TEXT_MAX))))
		return MERCHANT_EARG;
	return MERCHANT_OK;
}

int merchant_step_with(merchant *m, int64_t id, enum merchant_step step, const char *reason,
                       const char *actor, int64_t now, struct merchant_step_args *args,
                       struct merchant_info *out)
{
	struct merchant_step_args none = {0}, *a = args != NULL ? args : &none;
	struct merchant_info before, after;
	int rc;

	if (m == NULL || (size_t)step >= N_STEPS || !text_is_line(reason, MERCHANT_TEXT_MAX) ||
	    !is_actor(actor) || step_args_check(step, a) != MERCHANT_OK)
		return MERCHANT_EARG;
	a->why[0] = '\0';
	if (store_begin(m->s) != STORE_OK)
		return MERCHANT_ESTORE;
	if ((rc = load(m, id, NULL, &before)) != MERCHANT_OK)
		goto out;
	if (!step_allowed(step, before.app.state)) {
		rc = MERCHANT_ESTATE;
		goto out;
	}
	if (step == MERCHANT_STEP_AGREE && !a->whole_road &&
	    (rc = certified(m, &before, a, actor, now)) != MERCHANT_OK)
		goto out;
	after = before;
	after.app.state = steps[step].to;
	after.app.updated_at = now;
	if ((rc = acquirer_row(m, &after, step, a->mid, now)) != MERCHANT_OK ||
	    (step == MERCHANT_STEP_ACTIVATE && (rc = certify(m, &after, now)) != MERCHANT_OK))
		goto out;
	if (after.app.state == MERCHANT_CLOSED)
		after.app.next_review = 0;
	if ((rc = merchant_from_store(store_merchant_app_update(m->s, &after.app))) !=
	        MERCHANT_OK ||
	    (rc = record_step(m, id, before.app.state, after.app.state, actor, reason, now)) !=
	        MERCHANT_OK ||
	    (rc = audit(m, actor, step_actions[step], &before, &after, now)) != MERCHANT_OK)
		goto out;
	if (out != NULL)
		*out = after;
out:
	return merchant_end(m, rc);
}

/* ---- fee plan, limits, reviews ---- */

/* Loads application id for a change, inside the transaction it opens; MERCHANT_ESTATE when
 * it is closed. */
static int change_begin(merchant *m, int64_t id, struct merchant_info *before)
{
	int rc;

	if (store_begin(m->s) != STORE_OK)
		return MERCHANT_ESTORE;
	if ((rc = load(m, id, NULL, before)) == MERCHANT_OK && before->app.state == MERCHANT_CLOSED)
		rc = MERCHANT_ESTATE;
	if (rc != MERCHANT_OK)
		store_rollback(m->s);
	return rc;
}

/* Writes after, with its audit entry, and ends the transaction change_begin() opened. */
static int change_end(merchant *m, const char *actor, const char *action,
                      const struct merchant_info *before, struct merchant_info *after, int64_t now)
{
	int rc;

	after->app.updated_at = now;
	if ((rc = merchant_from_store(store_merchant_app_update(m->s, &after->app))) == MERCHANT_OK)
		rc = audit(m, actor, action, before, after, now);
	return merchant_end(m, rc);
}

int merchant_fees_set(merchant *m, int64_t id, const struct merchant_fees *f, const char *actor,
                      int64_t now)
{
	struct merchant_info before, after;
	int rc;

	if (m == NULL || f == NULL || !is_actor(actor) || f->credit_bp < 0 ||
	    f->credit_bp > MERCHANT_BP_MAX || f->debit_bp < 0 || f->debit_bp > MERCHANT_BP_MAX ||
	    f->qr_bp < 0 || f->qr_bp > MERCHANT_BP_MAX || f->debit_cap < 0)
		return MERCHANT_EARG;
	if ((rc = change_begin(m, id, &before)) != MERCHANT_OK)
		return rc;
	after = before;
	after.app.fee_credit_bp = f->credit_bp;
	after.app.fee_debit_bp = f->debit_bp;
	after.app.fee_qr_bp = f->qr_bp;
	after.app.fee_debit_cap = f->debit_cap;
	return change_end(m, actor, "merchant.fees", &before, &after, now);
}

/* Marks the parameters of i's terminals pending (docs/tms.md "Downloads"): a change of what
 * they carry from the merchant. Nothing before it has a MID (no terminals). */
static int mark_params(merchant *m, const struct merchant_info *i)
{
	struct store_tms_mark mark = {.level = "merchant", .bits = STORE_TMS_PENDING_PARAMS};

	if (i->app.mid[0] == '\0')
		return MERCHANT_OK;
	snprintf(mark.name, sizeof mark.name, "%s", i->app.mid);
	return merchant_from_store(store_tms_mark(m->s, &mark));
}

int merchant_limits_set(merchant *m, int64_t id, const struct merchant_limits *l, const char *actor,
                        int64_t now)
{
	struct merchant_info before, after;
	int rc;

	if (m == NULL || l == NULL || !is_actor(actor) || l->daily < 0 || l->per_txn < 0 ||
	    (l->daily > 0 && l->per_txn > l->daily) || l->currency == 0 || l->currency > 999 ||
	    l->types == 0 || (l->types & ~MERCHANT_TYPES_ALL) != 0)
		return MERCHANT_EARG;
	if ((rc = change_begin(m, id, &before)) != MERCHANT_OK)
		return rc;
	after = before;
	after.app.limit_daily = l->daily;
	after.app.limit_txn = l->per_txn;
	after.app.limit_currency = (int)l->currency;
	after.app.types = l->types;
	/* Its terminals' parameters carry the types and the per-transaction limit (docs/tms.md
	 * "Downloads"): they need them again. */
	if ((rc = mark_params(m, &after)) != MERCHANT_OK)
		return merchant_end(m, rc);
	return change_end(m, actor, "merchant.limits", &before, &after, now);
}

int merchant_rename(merchant *m, int64_t id, const char *name, const char *actor, int64_t now)
{
	struct merchant_info before, after;
	int rc;

	if (m == NULL || !text_is_line(name, MERCHANT_NAME_MAX) || !is_actor(actor))
		return MERCHANT_EARG;
	if ((rc = change_begin(m, id, &before)) != MERCHANT_OK)
		return rc;
	after = before;
	snprintf(after.app.legal_name, sizeof after.app.legal_name, "%s", name);
	/* The acquirer's row (its name in 43 and on the slips), and its terminals' parameters,
	 * whose merchant_name_zh defaults to it. */
	if (after.app.mid[0] != '\0') {
		struct store_merchant row = {0};

		snprintf(row.mid, sizeof row.mid, "%s", after.app.mid);
		snprintf(row.name, sizeof row.name, "%s", name);
		if ((rc = merchant_from_store(store_merchant_set_name(m->s, &row))) !=
		        MERCHANT_OK ||
		    (rc = mark_params(m, &after)) != MERCHANT_OK)
			return merchant_end(m, rc);
	}
	return change_end(m, actor, "merchant.rename", &before, &after, now);
}

int merchant_reviewed(merchant *m, int64_t id, const char *reason, const char *actor, int64_t now)
{
	struct merchant_info before, after;
	int rc;

	if (m == NULL || !text_is_line(reason, MERCHANT_TEXT_MAX) || !is_actor(actor))
		return MERCHANT_EARG;
	if ((rc = change_begin(m, id, &before)) != MERCHANT_OK)
		return rc;
	if (before.app.state != MERCHANT_ACTIVE) {
		store_rollback(m->s);
		return MERCHANT_ESTATE;
	}
	after = before;
	after.app.next_review = now + (int64_t)m->cfg.review_days * DAY;
	if ((rc = record_step(m, id, before.app.state, before.app.state, actor, reason, now)) !=
	    MERCHANT_OK) {
		store_rollback(m->s);
		return rc;
	}
	return change_end(m, actor, "merchant.reviewed", &before, &after, now);
}

/* ---- reading ---- */

struct list_ctx {
	merchant *m;
	int (*fn)(void *ctx, const struct merchant_info *i);
	void *ctx;
	int rc;
};

static int list_one(void *ctx, const struct store_merchant_app *a)
{
	struct list_ctx *l = ctx;
	struct merchant_info i = {.app = *a};
	int rc = store_merchant_cert_last(l->m->s, a->id, &i.cert);

	if (rc != STORE_OK && rc != STORE_ENOTFOUND) {
		l->rc = merchant_from_store(rc);
		return 1;
	}
	if (rc == STORE_ENOTFOUND)
		memset(&i.cert, 0, sizeof i.cert);
	if ((l->rc = merchant_unseal_phone(l->m, &i.app)) != MERCHANT_OK)
		return 1;
	l->rc = l->fn(l->ctx, &i);
	crypto_wipe(i.app.phone, sizeof i.app.phone);
	return l->rc != 0;
}

int merchant_list(merchant *m, const struct store_merchant_app_filter *f,
                  int (*fn)(void *ctx, const struct merchant_info *i), void *ctx)
{
	struct list_ctx l = {m, fn, ctx, 0};
	int rc;

	if (m == NULL || f == NULL || fn == NULL)
		return MERCHANT_EARG;
	rc = store_merchant_app_list(m->s, f, list_one, &l);
	return l.rc != 0 ? l.rc : merchant_from_store(rc);
}

int merchant_review_due(merchant *m, int64_t now,
                        int (*fn)(void *ctx, const struct merchant_info *i), void *ctx)
{
	struct store_merchant_app_filter f = {.state = MERCHANT_ACTIVE, .due_by = now};

	return merchant_list(m, &f, fn, ctx);
}

int merchant_history(merchant *m, int64_t id,
                     int (*fn)(void *ctx, const struct store_merchant_step *h), void *ctx)
{
	struct merchant_info i;
	int rc;

	if (m == NULL || fn == NULL)
		return MERCHANT_EARG;
	if ((rc = load(m, id, NULL, &i)) != MERCHANT_OK)
		return rc;
	rc = store_merchant_step_list(m->s, id, fn, ctx);
	return rc > 0 ? rc : merchant_from_store(rc);
}

/* ---- JSON ---- */

/* The currency of a debit card's fee cap: the fees are charged in CNY. */
#define FEE_CURRENCY 156

json_t *merchant_json(const struct merchant_info *i, bool audit_form, int utc_offset)
{
	const struct store_merchant_app *a = &i->app;
	char phone[sizeof a->phone];
	json_t *o, *list = json_array();

	if (audit_form)
		merchant_mask(a->phone, phone, sizeof phone);
	else
		snprintf(phone, sizeof phone, "%s", a->phone);
	for (size_t k = 0; list != NULL && k < sizeof types / sizeof types[0]; k++)
		if (a->types & types[k].bit)
			json_array_append_new(list, json_string(types[k].name));
	o = json_pack(
	    "{s:I, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
	    " s:{s:i, s:i, s:o, s:i},"
	    " s:{s:o, s:o, s:o},"
	    " s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)a->id, "mid", a->mid[0] != '\0' ? json_string(a->mid) : json_null(),
	    "state", merchant_state_name(a->state), "legal_name", a->legal_name, "licence",
	    a->licence, "tax_number", a->tax_number, "rep_name", a->rep_name, "rep_id",
	    a->rep_id_masked, "address", a->address, "mcc", a->mcc, "phone", phone, "fees",
	    "credit_bp", a->fee_credit_bp, "debit_bp", a->fee_debit_bp, "debit_cap",
	    jsonval_money(a->fee_debit_cap, FEE_CURRENCY), "qr_bp", a->fee_qr_bp, "limits", "daily",
	    jsonval_money(a->limit_daily, (unsigned)a->limit_currency), "per_txn",
	    jsonval_money(a->limit_txn, (unsigned)a->limit_currency), "types", list, "certificate",
	    i->cert.number[0] == '\0'
	        ? json_null()
	        : json_pack("{s:s, s:o, s:o}", "number", i->cert.number, "issued",
	                    jsonval_time(i->cert.issued, utc_offset), "valid_until",
	                    jsonval_time(i->cert.valid_until, utc_offset)),
	    "next_review", jsonval_time(a->next_review, utc_offset), "created",
	    jsonval_time(a->created_at, utc_offset), "updated",
	    jsonval_time(a->updated_at, utc_offset));
	return o;
}
