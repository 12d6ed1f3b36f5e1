/* terminal.c — one terminal, one code (docs/architecture.md flow 2): a terminal registered by its
 * hardware SN to one merchant and one place, its TID and TMK, its states, its rebinding
 * (which re-keys it), the hand-over of its TMK once per key, and its status report from what
 * the host recorded of it. Each change is one transaction with its audit entry. */
#include "merchant/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "common/geo.h"
#include "common/hex.h"
#include "common/text.h"
#include "crypto/crypto.h"
#include "qr/qr.h"
#include "store/store_acquirer.h"

/* The TMK: a KEK that sign-in's TDES-ECB may send working keys under (hsm_export_ecb) and that
 * may itself leave as components or a TR-31 block. */
static const struct hsm_key_spec tmk_spec = {"K0", HSM_TDES, 16, 'B', 'S'};
/* The key-exchange key a TMK leaves under as a TR-31 block; used once, never kept. */
static const struct hsm_key_spec kek_spec = {"K0", HSM_TDES, 0, 'B', 'N'};

#define TID_TRIES 1000 /* assigned TIDs skipped because an operator chose them before */

static const struct {
	const char *name;
	int status; /* enum store_terminal_status */
} states[] = {
    [MERCHANT_TERMINAL_REGISTERED] = {"registered", STORE_TERMINAL_REGISTERED},
    [MERCHANT_TERMINAL_ACTIVE] = {"active", STORE_TERMINAL_ACTIVE},
    [MERCHANT_TERMINAL_SUSPENDED] = {"suspended", STORE_TERMINAL_SUSPENDED},
    [MERCHANT_TERMINAL_RETIRED] = {"retired", STORE_TERMINAL_RETIRED},
};
#define N_STATES (sizeof states / sizeof states[0])

const char *merchant_terminal_state_name(enum merchant_terminal_state s)
{
	return (size_t)s < N_STATES ? states[s].name : NULL;
}

int merchant_terminal_state_find(const char *name, enum merchant_terminal_state *out)
{
	for (size_t i = 0; name != NULL && i < N_STATES; i++)
		if (strcmp(states[i].name, name) == 0) {
			*out = (enum merchant_terminal_state)i;
			return MERCHANT_OK;
		}
	return MERCHANT_EARG;
}

static enum merchant_terminal_state state_of(int status)
{
	for (size_t i = 0; i < N_STATES; i++)
		if (states[i].status == status)
			return (enum merchant_terminal_state)i;
	return MERCHANT_TERMINAL_RETIRED; /* a status this build does not know serves nothing */
}

static bool alnum(const char *s, size_t n)
{
	return strlen(s) == n &&
	       strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == n;
}

static bool sn_ok(const char *sn)
{
	size_t n = sn != NULL ? strlen(sn) : 0;

	if (n == 0 || n > MERCHANT_SN_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (sn[i] < 0x21 || sn[i] > 0x7E)
			return false;
	return true;
}

static bool place_ok(const struct merchant_place *p)
{
	return p->lat >= -90 * MERCHANT_MICRODEG && p->lat <= 90 * MERCHANT_MICRODEG &&
	       p->lon >= -180 * MERCHANT_MICRODEG && p->lon <= 180 * MERCHANT_MICRODEG &&
	       (p->address[0] == '\0' || text_is_line(p->address, MERCHANT_ADDRESS_MAX));
}

static void view(merchant *m, const struct store_terminal *st, struct merchant_terminal *out)
{
	hsm_key tmk;
	hsm_kcv kcv;

	memset(out, 0, sizeof *out);
	memcpy(out->tid, st->tid, sizeof out->tid);
	memcpy(out->mid, st->mid, sizeof out->mid);
	memcpy(out->sn, st->sn, sizeof out->sn);
	out->state = state_of(st->status);
	snprintf(out->place.address, sizeof out->place.address, "%s", st->address);
	out->place.lat = st->lat;
	out->place.lon = st->lon;
	memcpy(out->version, st->version, sizeof out->version);
	snprintf(out->model, sizeof out->model, "%s", st->model);
	out->batch = st->batch;
	out->signed_in = st->signed_in;
	out->tmk_issued = st->tmk_issued;
	/* The check value names the key in force without showing it: an audit entry of a
	 * rebinding shows the key changed. */
	if (hsm_key_set(&tmk, st->tmk) == HSM_OK && hsm_key_kcv(m->h, &tmk, &kcv) == HSM_OK)
		hex_encode(kcv.v, kcv.len, out->tmk_kcv, sizeof out->tmk_kcv);
	crypto_wipe(&tmk, sizeof tmk);
	out->last_signin = st->last_signin;
	out->last_seen = st->last_seen;
	out->next_review = st->next_review;
	out->created_at = st->created_at;
	out->reported_lat = st->reported_lat;
	out->reported_lon = st->reported_lon;
	out->reported_at = st->reported_at;
	out->reported_distance_m =
	    st->reported_at != 0 && st->address[0] != '\0'
	        ? geo_distance_m(st->lat, st->lon, st->reported_lat, st->reported_lon)
	        : -1;
}

/* What an audit entry shows of a terminal. */
static json_t *audit_state(const struct merchant_terminal *t)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s}", "tid", t->tid, "mid",
	                 t->mid, "sn", t->sn, "state", merchant_terminal_state_name(t->state),
	                 "address", t->place.address, "lat", (json_int_t)t->place.lat, "lon",
	                 (json_int_t)t->place.lon, "tmk_kcv", t->tmk_kcv, "model", t->model);
}

/* The audit entry of a change from before (NULL: a creation) to the row after. */
static int audit(merchant *m, const char *actor, const char *action,
                 const struct merchant_terminal *before, const struct store_terminal *after,
                 const char *reason, int64_t now)
{
	struct merchant_terminal a;
	json_t *b = before != NULL ? audit_state(before) : NULL, *j;
	char object[32];
	int rc;

	view(m, after, &a);
	j = audit_state(&a);
	if (j != NULL && reason != NULL)
		json_object_set_new(j, "reason", json_string(reason));
	snprintf(object, sizeof object, "terminal:%s", after->tid);
	if (j == NULL || (before != NULL && b == NULL))
		rc = MERCHANT_ENOMEM;
	else
		rc = merchant_from_audit(audit_record(m->s, actor, action, object, b, j, now));
	json_decref(b);
	json_decref(j);
	return rc;
}

/* The TMK as form asks: components, or a TR-31 block under the KEK formed from its own. */
static int hand_out(merchant *m, const hsm_key *tmk, const struct merchant_tmk_form *form,
                    struct merchant_tmk *out)
{
	hsm_key kek;
	size_t len;
	int rc;

	memset(out, 0, sizeof *out);
	if (form->kek == NULL) {
		if (form->parts != 2 && form->parts != 3)
			return MERCHANT_EARG;
		if (hsm_export_components(m->h, tmk, form->parts, out->parts, &out->kcv) != HSM_OK)
			return MERCHANT_EHSM;
		out->n_parts = form->parts;
		return MERCHANT_OK;
	}
	if (form->kek_parts != 2 && form->kek_parts != 3)
		return MERCHANT_EARG;
	rc = hsm_import_components(m->h, &kek_spec, form->kek, form->kek_parts, &kek, NULL, NULL);
	if (rc == HSM_OK)
		rc = hsm_export_tr31(m->h, &kek, tmk, out->block, sizeof out->block, &len);
	if (rc == HSM_OK)
		rc = hsm_key_kcv(m->h, tmk, &out->kcv);
	crypto_wipe(&kek, sizeof kek);
	if (rc != HSM_OK)
		crypto_wipe(out, sizeof *out);
	return rc == HSM_OK                       ? MERCHANT_OK
	       : rc == HSM_EKCV                   ? MERCHANT_EVERIFY
	       : rc == HSM_EARG || rc == HSM_EALG ? MERCHANT_EARG
	                                          : MERCHANT_EHSM;
}

/* A new TMK in t, its working keys dropped and signed out, handed out when form asks. */
static int rekey(merchant *m, struct store_terminal *t, const struct merchant_tmk_form *form,
                 struct merchant_tmk *tmk)
{
	hsm_key key;
	int rc = MERCHANT_OK;

	if (hsm_generate(m->h, &tmk_spec, &key, NULL) != HSM_OK)
		return MERCHANT_EHSM;
	snprintf(t->tmk, sizeof t->tmk, "%s", key.block);
	t->pik[0] = t->mak[0] = t->tdk[0] = '\0';
	t->signed_in = false;
	t->tmk_issued = form != NULL;
	if (form != NULL)
		rc = hand_out(m, &key, form, tmk);
	crypto_wipe(&key, sizeof key);
	return rc;
}

/* Whether merchant mid may have a terminal: one in service (serving) when it is active, one
 * registered and keyed, not serving, also while it is in device testing or agreement (its MID
 * given, docs/merchant.md "Onboarding"). MERCHANT_ESTATE when not. */
static int open_merchant(merchant *m, const char *mid, bool serving)
{
	struct store_merchant sm;
	int rc = merchant_from_store(store_merchant_get(m->s, mid, &sm));

	if (rc != MERCHANT_OK)
		return rc;
	return sm.status == STORE_MERCHANT_ACTIVE ||
	               (!serving && sm.status == STORE_MERCHANT_ONBOARDING)
	           ? MERCHANT_OK
	           : MERCHANT_ESTATE;
}

/* The next assigned TID that is free: 8 digits from the host's counter. */
static int next_tid(merchant *m, char tid[MERCHANT_TID_LEN + 1])
{
	struct store_terminal t;
	int64_t v;
	int rc;

	for (int i = 0; i < TID_TRIES; i++) {
		if ((rc = store_acq_next(m->s, "tid", &v)) != STORE_OK)
			return merchant_from_store(rc);
		snprintf(tid, MERCHANT_TID_LEN + 1, "%08llu", (unsigned long long)v % 100000000u);
		if ((rc = store_terminal_get(m->s, tid, &t)) == STORE_ENOTFOUND)
			return MERCHANT_OK;
		if (rc != STORE_OK)
			return merchant_from_store(rc);
	}
	return MERCHANT_EEXIST;
}

/* Sets t active from registered or suspended, its review due review_days on. */
static void activate(merchant *m, struct store_terminal *t, int64_t now)
{
	if (t->status == STORE_TERMINAL_REGISTERED)
		t->next_review = now + (int64_t)m->cfg.review_days * 86400;
	t->status = STORE_TERMINAL_ACTIVE;
}

/* Ends the transaction fn's work began: committed when rc is MERCHANT_OK, else rolled back. */
static int finish(merchant *m, int rc)
{
	if (rc == MERCHANT_OK)
		return merchant_from_store(store_commit(m->s));
	store_rollback(m->s);
	return rc;
}

static int begin(merchant *m)
{
	return merchant_from_store(store_begin(m->s));
}

static int do_register(merchant *m, const char *actor, const struct merchant_terminal_new *n,
                       const struct merchant_tmk_form *form, int64_t now,
                       char tid[MERCHANT_TID_LEN + 1], struct merchant_tmk *tmk)
{
	struct store_terminal *t;
	int rc;

	if ((t = calloc(1, sizeof *t)) == NULL)
		return MERCHANT_ENOMEM;
	t->status = STORE_TERMINAL_REGISTERED;
	t->batch = 1;
	t->created_at = now;
	snprintf(t->mid, sizeof t->mid, "%s", n->mid);
	snprintf(t->sn, sizeof t->sn, "%s", n->sn);
	snprintf(t->address, sizeof t->address, "%s", n->place.address);
	t->lat = n->place.lat;
	t->lon = n->place.lon;
	snprintf(t->model, sizeof t->model, "%s", n->model != NULL ? n->model : "");
	t->tms_pending = STORE_TMS_PENDING_ALL; /* it holds no download yet */
	if ((rc = open_merchant(m, n->mid, n->activate)) != MERCHANT_OK)
		goto out;
	if (n->tid != NULL)
		snprintf(t->tid, sizeof t->tid, "%s", n->tid);
	else if ((rc = next_tid(m, t->tid)) != MERCHANT_OK)
		goto out;
	if ((rc = rekey(m, t, form, tmk)) != MERCHANT_OK)
		goto out;
	if ((rc = merchant_from_store(store_terminal_insert(m->s, t))) != MERCHANT_OK ||
	    (rc = audit(m, actor, "terminal.register", NULL, t, NULL, now)) != MERCHANT_OK)
		goto out;
	if (n->activate) {
		struct merchant_terminal before;

		view(m, t, &before);
		activate(m, t, now);
		if ((rc = merchant_from_store(store_terminal_update(m->s, t))) != MERCHANT_OK ||
		    (rc = audit(m, actor, "terminal.activate", &before, t, NULL, now)) !=
		        MERCHANT_OK)
			goto out;
	}
	memcpy(tid, t->tid, sizeof t->tid);
out:
	crypto_wipe(t, sizeof *t);
	free(t);
	return rc;
}

int merchant_terminal_register(merchant *m, const char *actor,
                               const struct merchant_terminal_new *n,
                               const struct merchant_tmk_form *form, int64_t now,
                               char tid[MERCHANT_TID_LEN + 1], struct merchant_tmk *tmk)
{
	int rc;

	if (m == NULL || actor == NULL || n == NULL || n->mid == NULL || tid == NULL ||
	    (form != NULL && tmk == NULL) || !sn_ok(n->sn) || !place_ok(&n->place) ||
	    (n->model != NULL && n->model[0] != '\0' && !merchant_model_ok(n->model)) ||
	    (n->tid != NULL && !alnum(n->tid, MERCHANT_TID_LEN)))
		return MERCHANT_EARG;
	if ((rc = begin(m)) != MERCHANT_OK)
		return rc;
	rc = finish(m, do_register(m, actor, n, form, now, tid, tmk));
	if (rc != MERCHANT_OK && tmk != NULL)
		crypto_wipe(tmk, sizeof *tmk);
	return rc;
}

/* A change of one terminal in one transaction: its row read, fn applied, written, audited. */
struct change {
	const char *action, *reason;
	/* What the change does to t; MERCHANT_OK to write it. */
	int (*fn)(merchant *m, struct store_terminal *t, const struct change *c, int64_t now);
	enum merchant_terminal_state to;
	const char *mid;
	const struct merchant_place *place;
	const struct merchant_tmk_form *form;
	struct merchant_tmk *tmk;
	const char *model;
};

static int change(merchant *m, const char *actor, const char *tid, const struct change *c,
                  int64_t now)
{
	struct store_terminal *t;
	struct merchant_terminal before;
	int rc;

	if (m == NULL || actor == NULL || tid == NULL)
		return MERCHANT_EARG;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return MERCHANT_ENOMEM;
	if ((rc = begin(m)) != MERCHANT_OK)
		goto out;
	if ((rc = merchant_from_store(store_terminal_get(m->s, tid, t))) == MERCHANT_OK) {
		view(m, t, &before);
		rc = c->fn(m, t, c, now);
	}
	if (rc == MERCHANT_OK)
		rc = merchant_from_store(store_terminal_update(m->s, t));
	if (rc == MERCHANT_OK)
		rc = audit(m, actor, c->action, &before, t, c->reason, now);
	rc = finish(m, rc);
out:
	if (rc != MERCHANT_OK && c->tmk != NULL)
		crypto_wipe(c->tmk, sizeof *c->tmk);
	crypto_wipe(t, sizeof *t);
	free(t);
	return rc;
}

static int to_state(merchant *m, struct store_terminal *t, const struct change *c, int64_t now)
{
	enum merchant_terminal_state from = state_of(t->status);
	bool ok;
	int rc;

	switch (c->to) {
	case MERCHANT_TERMINAL_ACTIVE:
		ok = from == MERCHANT_TERMINAL_REGISTERED || from == MERCHANT_TERMINAL_SUSPENDED;
		break;
	case MERCHANT_TERMINAL_SUSPENDED:
		ok = from == MERCHANT_TERMINAL_ACTIVE;
		break;
	case MERCHANT_TERMINAL_RETIRED:
		ok = from != MERCHANT_TERMINAL_RETIRED;
		break;
	default:
		ok = false;
	}
	if (!ok)
		return MERCHANT_ESTATE;
	if (c->to == MERCHANT_TERMINAL_ACTIVE) {
		if ((rc = open_merchant(m, t->mid, true)) != MERCHANT_OK)
			return rc == MERCHANT_ENOTFOUND ? MERCHANT_ESTATE : rc;
		activate(m, t, now);
	} else {
		t->status = states[c->to].status;
	}
	if (c->to == MERCHANT_TERMINAL_RETIRED) {
		/* Its keys serve nothing more: a retired device that signs in is refused anyway. */
		t->pik[0] = t->mak[0] = t->tdk[0] = '\0';
		t->signed_in = false;
		t->next_review = 0;
	}
	return MERCHANT_OK;
}

int merchant_terminal_set_state(merchant *m, const char *actor, const char *tid,
                                enum merchant_terminal_state to, const char *reason, int64_t now)
{
	struct change c = {.reason = reason, .fn = to_state, .to = to};

	switch (to) {
	case MERCHANT_TERMINAL_ACTIVE:
		/* From suspended it is a resumption; the audit names which. */
		c.action = "terminal.activate";
		break;
	case MERCHANT_TERMINAL_SUSPENDED:
		c.action = "terminal.suspend";
		break;
	case MERCHANT_TERMINAL_RETIRED:
		c.action = "terminal.retire";
		break;
	default:
		return MERCHANT_EARG;
	}
	if (reason != NULL && !text_is_line(reason, 200))
		return MERCHANT_EARG;
	if (to == MERCHANT_TERMINAL_ACTIVE && m != NULL && tid != NULL) {
		struct merchant_terminal t;
		int rc = merchant_terminal_get(m, tid, &t);

		if (rc != MERCHANT_OK)
			return rc;
		if (t.state == MERCHANT_TERMINAL_SUSPENDED)
			c.action = "terminal.resume";
	}
	return change(m, actor, tid, &c, now);
}

static int to_reviewed(merchant *m, struct store_terminal *t, const struct change *c, int64_t now)
{
	(void)c;
	if (t->status != STORE_TERMINAL_ACTIVE)
		return MERCHANT_ESTATE;
	t->next_review = now + (int64_t)m->cfg.review_days * 86400;
	return MERCHANT_OK;
}

int merchant_terminal_reviewed(merchant *m, const char *actor, const char *tid, const char *reason,
                               int64_t now)
{
	struct change c = {.action = "terminal.reviewed", .reason = reason, .fn = to_reviewed};

	if (!text_is_line(reason, 200))
		return MERCHANT_EARG;
	return change(m, actor, tid, &c, now);
}

static int to_binding(merchant *m, struct store_terminal *t, const struct change *c, int64_t now)
{
	bool same_mid = c->mid == NULL || strcmp(c->mid, t->mid) == 0,
	     same_place = c->place == NULL || (strcmp(c->place->address, t->address) == 0 &&
	                                       c->place->lat == t->lat && c->place->lon == t->lon);
	int rc;

	(void)now;
	if (t->status == STORE_TERMINAL_RETIRED)
		return MERCHANT_ESTATE;
	if (same_mid && same_place)
		return MERCHANT_EARG;
	if (!same_mid) {
		if ((rc = open_merchant(m, c->mid, t->status != STORE_TERMINAL_REGISTERED)) !=
		    MERCHANT_OK)
			return rc;
		snprintf(t->mid, sizeof t->mid, "%s", c->mid);
	}
	if (!same_place) {
		snprintf(t->address, sizeof t->address, "%s", c->place->address);
		t->lat = c->place->lat;
		t->lon = c->place->lon;
	}
	/* A new batch: what it does from now on is not mixed with what it did before, and the
	 * terminal, keyed afresh, takes the batch from its sign-in. */
	t->batch = t->batch % 999999 + 1;
	return rekey(m, t, c->form, c->tmk);
}

int merchant_terminal_rebind(merchant *m, const char *actor, const char *tid, const char *mid,
                             const struct merchant_place *place, const char *reason,
                             const struct merchant_tmk_form *form, int64_t now,
                             struct merchant_tmk *tmk)
{
	struct change c = {.action = "terminal.rebind",
	                   .reason = reason,
	                   .fn = to_binding,
	                   .mid = mid,
	                   .place = place,
	                   .form = form,
	                   .tmk = tmk};

	if ((form != NULL && tmk == NULL) || (place != NULL && !place_ok(place)) ||
	    (reason != NULL && !text_is_line(reason, 200)))
		return MERCHANT_EARG;
	return change(m, actor, tid, &c, now);
}

static int to_issued(merchant *m, struct store_terminal *t, const struct change *c, int64_t now)
{
	hsm_key key;
	int rc;

	(void)now;
	if (t->tmk_issued || t->status == STORE_TERMINAL_RETIRED)
		return MERCHANT_ESTATE;
	if (hsm_key_set(&key, t->tmk) != HSM_OK)
		return MERCHANT_EHSM;
	rc = hand_out(m, &key, c->form, c->tmk);
	crypto_wipe(&key, sizeof key);
	t->tmk_issued = true;
	return rc;
}

int merchant_terminal_tmk(merchant *m, const char *actor, const char *tid,
                          const struct merchant_tmk_form *form, int64_t now,
                          struct merchant_tmk *tmk)
{
	struct change c = {.action = "terminal.tmk", .fn = to_issued, .form = form, .tmk = tmk};

	if (form == NULL || tmk == NULL)
		return MERCHANT_EARG;
	return change(m, actor, tid, &c, now);
}

bool merchant_model_ok(const char *model)
{
	size_t n = model != NULL ? strlen(model) : 0;

	return n >= 1 && n <= MERCHANT_MODEL_MAX &&
	       strspn(model, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._-") ==
	           n;
}

static int to_model(merchant *m, struct store_terminal *t, const struct change *c, int64_t now)
{
	(void)now;
	if (t->status == STORE_TERMINAL_RETIRED)
		return MERCHANT_ESTATE;
	if (strcmp(t->model, c->model) == 0)
		return MERCHANT_OK;
	snprintf(t->model, sizeof t->model, "%s", c->model);
	/* Another model's parameters (docs/tms.md "Downloads"): they are needed again. */
	return merchant_from_store(
	    store_terminal_pending(m->s, t->tid, ~(int64_t)0, STORE_TMS_PENDING_PARAMS));
}

int merchant_terminal_model(merchant *m, const char *actor, const char *tid, const char *model,
                            int64_t now)
{
	struct change c = {.action = "terminal.model", .fn = to_model, .model = model};

	if (!merchant_model_ok(model))
		return MERCHANT_EARG;
	return change(m, actor, tid, &c, now);
}

int merchant_terminal_get(merchant *m, const char *tid, struct merchant_terminal *out)
{
	struct store_terminal *t;
	int rc;

	if (m == NULL || tid == NULL || out == NULL)
		return MERCHANT_EARG;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return MERCHANT_ENOMEM;
	if ((rc = merchant_from_store(store_terminal_get(m->s, tid, t))) == MERCHANT_OK)
		view(m, t, out);
	crypto_wipe(t, sizeof *t);
	free(t);
	return rc;
}

struct each {
	merchant *m;
	int (*fn)(void *ctx, const struct merchant_terminal *t);
	void *ctx;
};

static int each_one(void *ctx, const struct store_terminal *st)
{
	struct each *e = ctx;
	struct merchant_terminal t;

	view(e->m, st, &t);
	return e->fn(e->ctx, &t);
}

static int list(merchant *m, const struct store_terminal_filter *f,
                int (*fn)(void *ctx, const struct merchant_terminal *t), void *ctx)
{
	struct each e = {m, fn, ctx};
	int rc;

	if (m == NULL || fn == NULL)
		return MERCHANT_EARG;
	rc = store_terminal_list(m->s, f, each_one, &e);
	/* fn's own non-zero return passes through; store codes are negative. */
	return rc > 0 ? rc : merchant_from_store(rc);
}

int merchant_terminal_list(merchant *m, const char *mid, const char *after, size_t limit,
                           int (*fn)(void *ctx, const struct merchant_terminal *t), void *ctx)
{
	struct store_terminal_filter f = {.mid = mid, .after = after, .limit = limit};

	return list(m, &f, fn, ctx);
}

int merchant_terminal_review_due(merchant *m, int64_t now,
                                 int (*fn)(void *ctx, const struct merchant_terminal *t), void *ctx)
{
	struct store_terminal_filter f = {.review_by = now > 0 ? now : 1};

	return list(m, &f, fn, ctx);
}

static int count_event(void *ctx, const struct store_risk_event *e)
{
	(void)e;
	(*(int *)ctx)++;
	return 0;
}

int merchant_terminal_status(merchant *m, const char *tid, int64_t now, int64_t online_s,
                             struct merchant_terminal_status *out)
{
	struct store_terminal_activity act;
	int rc;

	if (out == NULL || online_s < 0)
		return MERCHANT_EARG;
	memset(out, 0, sizeof *out);
	if ((rc = merchant_terminal_get(m, tid, &out->t)) != MERCHANT_OK)
		return rc;
	if ((rc = store_terminal_activity(m->s, tid, out->t.batch, &act)) != STORE_OK ||
	    (rc = store_risk_event_list(m->s, tid, count_event, &out->risk_events)) != STORE_OK)
		return merchant_from_store(rc);
	/* Sign-in, sign-out and echo stamp the row; a request leaves its own row. */
	out->last_seen = out->t.last_seen > act.last_at ? out->t.last_seen : act.last_at;
	out->online = out->last_seen > 0 && now - out->last_seen <= online_s;
	out->last_txn.at = act.last_at;
	memcpy(out->last_txn.type, act.last_type, sizeof out->last_txn.type);
	memcpy(out->last_txn.rc, act.last_rc, sizeof out->last_txn.rc);
	memcpy(out->last_txn.rrn, act.last_rrn, sizeof out->last_txn.rrn);
	out->last_txn.amount = act.last_amount;
	out->last_txn.currency = act.last_currency;
	out->reversals_batch = act.reversals_batch;
	out->reversals = act.reversals;
	return MERCHANT_OK;
}

/* The payload of terminal t (not retired) of merchant sm: see merchant_terminal_qr(). */
static int qr_of(const struct store_terminal *t, const struct store_merchant *sm, const char *guid,
                 const char *city, char *out, size_t cap)
{
	struct qr_merchant q = {.currency = "156", .country = "CN"};
	char fallback[sizeof q.name];

	if (strlen(guid) >= sizeof q.guid || strlen(city) >= sizeof q.city ||
	    strlen(t->mid) >= sizeof q.mid || strlen(sm->mcc) >= sizeof q.mcc)
		return MERCHANT_EARG;
	memcpy(q.guid, guid, strlen(guid) + 1);
	memcpy(q.city, city, strlen(city) + 1);
	memcpy(q.mid, t->mid, strlen(t->mid) + 1);
	memcpy(q.mcc, sm->mcc, strlen(sm->mcc) + 1);
	snprintf(q.tid, sizeof q.tid, "%s", t->tid);
	snprintf(fallback, sizeof fallback, "MERCHANT %.15s", t->mid);
	if (qr_merchant_name(&q, sm->name, fallback) != QR_OK ||
	    qr_payload_build(&q, out, cap) != QR_OK)
		return MERCHANT_EARG;
	return MERCHANT_OK;
}

int merchant_terminal_qr(merchant *m, const char *tid, const char *guid, const char *city,
                         char *out, size_t cap)
{
	struct store_terminal *t;
	struct store_merchant sm;
	int rc;

	if (m == NULL || tid == NULL || guid == NULL || city == NULL || out == NULL)
		return MERCHANT_EARG;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return MERCHANT_ENOMEM;
	if ((rc = merchant_from_store(store_terminal_get(m->s, tid, t))) != MERCHANT_OK)
		goto out;
	if (state_of(t->status) == MERCHANT_TERMINAL_RETIRED) {
		rc = MERCHANT_ESTATE;
		goto out;
	}
	if ((rc = merchant_from_store(store_merchant_get(m->s, t->mid, &sm))) == MERCHANT_OK)
		rc = qr_of(t, &sm, guid, city, out, cap);
out:
	crypto_wipe(t, sizeof *t);
	free(t);
	return rc;
}
