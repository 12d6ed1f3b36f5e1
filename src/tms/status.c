/* status.c — `possum admin tms status` (tms.h "Status"): the terminals by model and version,
 * each terminal's software and what it should install, and the rollouts running with how many
 * terminals each names; each terminal's held parameter, CA key and AID versions against the
 * current ones, what it still needs (tms_pending's sets) and the last software installation
 * it reported failed. */
#include "tms/internal.h"

#include <string.h>

#include "common/jsonval.h"
#include "store/store_acquirer.h"

/* The walks' shared state: the model asked (NULL: all), the JSON being built, the first
 * failure. */
struct status {
	tms *t;
	const char *model;
	int64_t now;
	int date;
	json_t *models, *terminals, *rollouts;
	int rc;
};

static bool wanted(const struct status *st, const char *model)
{
	return st->model == NULL || strcmp(st->model, model) == 0;
}

/* One model's entry in models, made the first time it is seen. */
static json_t *model_entry(struct status *st, const char *model)
{
	json_t *m, *min = NULL;
	struct store_tms_minimum row;
	struct tms_minimum tm;
	size_t i;

	for (i = 0; i < json_array_size(st->models); i++) {
		m = json_array_get(st->models, i);
		if (strcmp(json_string_value(json_object_get(m, "model")), model) == 0)
			return m;
	}
	/* The minimum as GET /api/v1/tms/minimums lists it ("after" a "YYYY-MM-DD"). */
	if (model[0] != '\0' && store_tms_minimum_get(st->t->s, model, &row) == STORE_OK) {
		tms_minimum_from_row(&row, &tm);
		if ((min = tms_minimum_json(&tm, st->t->cfg.utc_offset)) == NULL)
			return NULL;
	}
	m = json_pack("{s:s, s:[], s:I, s:o}", "model", model, "versions", "terminals",
	              (json_int_t)0, "minimum", min != NULL ? min : json_null());
	json_array_append_new(st->models, m);
	return m;
}

static int count_one(void *ctx, const struct store_tms_count *c)
{
	struct status *st = ctx;
	json_t *m, *versions;
	size_t at;

	if (!wanted(st, c->model))
		return 0;
	if ((m = model_entry(st, c->model)) == NULL)
		return st->rc = TMS_ENOMEM, 1;
	/* The store gives them in text order: each put after those that order before or as it
	 * (tms_version_cmp(): "1.2" before "1.10"). */
	versions = json_object_get(m, "versions");
	for (at = json_array_size(versions); at > 0; at--)
		if (tms_version_cmp(json_string_value(json_object_get(
		                        json_array_get(versions, at - 1), "version")),
		                    c->version) <= 0)
			break;
	if (json_array_insert_new(
	        versions, at,
	        json_pack("{s:s, s:I}", "version", c->version, "terminals", (json_int_t)c->n)) != 0)
		return st->rc = TMS_ENOMEM, 1;
	json_object_set_new(
	    m, "terminals",
	    json_integer(json_integer_value(json_object_get(m, "terminals")) + c->n));
	return 0;
}

/* Each set's held and current versions, and the names of what the terminal still needs. */
static json_t *downloads_json(struct status *st, const struct store_terminal *term)
{
	const char *held[TMS_SETS] = {term->params_held, term->capk_held, term->aid_held};
	struct tms_versions v;
	json_t *o = json_object(), *pending = json_array();

	if (o == NULL || pending == NULL || tms_versions(st->t, term->tid, st->now, &v) != TMS_OK) {
		json_decref(o);
		json_decref(pending);
		return NULL;
	}
	for (size_t i = 0; i < TMS_SETS; i++) {
		json_object_set_new(o, tms_set_name((enum tms_set)i),
		                    json_pack("{s:s, s:s}", "holds", held[i], "current", v.v[i]));
		if (term->tms_pending & tms_set_bit((enum tms_set)i))
			json_array_append_new(pending, json_string(tms_set_name((enum tms_set)i)));
	}
	if (term->tms_pending & TMS_PENDING_PACKAGE)
		json_array_append_new(pending, json_string("package"));
	json_object_set_new(o, "pending", pending);
	return o;
}

static int terminal_one(void *ctx, const struct store_terminal *term)
{
	struct status *st = ctx;
	struct store_tms_minimum min;
	struct tms_package p;
	bool below = false;
	json_t *o, *d;
	int rc;

	if (!wanted(st, term->model))
		return 0;
	if (term->model[0] != '\0' &&
	    store_tms_minimum_get(st->t->s, term->model, &min) == STORE_OK)
		below = tms_minimum_due(&min, term->version, st->date);
	rc = tms_package_for(st->t, term->tid, st->now, &p);
	if (rc != TMS_OK && rc != TMS_ENOTFOUND)
		return st->rc = rc, 1;
	o = json_pack(
	    "{s:s, s:s, s:s, s:s, s:b, s:o, s:b, s:o}", "tid", term->tid, "mid", term->mid, "model",
	    term->model, "version", term->version, "signed_in", term->signed_in, "last_seen",
	    jsonval_time(term->last_seen, st->t->cfg.utc_offset), "update_required", below,
	    "package",
	    rc == TMS_OK ? json_pack("{s:I, s:s}", "id", (json_int_t)p.id, "version", p.version)
	                 : json_null());
	if (o == NULL || json_array_append_new(st->terminals, o) != 0)
		return st->rc = TMS_ENOMEM, 1;
	json_object_set_new(o, "update_failed",
	                    term->update_failed[0] != '\0' ? json_string(term->update_failed)
	                                                   : json_null());
	if ((d = downloads_json(st, term)) == NULL)
		return st->rc = TMS_ENOMEM, 1;
	json_object_set_new(o, "downloads", d);
	return 0;
}

static int rollout_one(void *ctx, const struct tms_rollout *r)
{
	struct status *st = ctx;
	struct tms_package p;
	int64_t n = 0;
	json_t *o;

	if (r->stopped_at != 0)
		return 0;
	if ((st->rc = tms_package_get(st->t, r->package_id, &p)) != TMS_OK)
		return 1;
	if (!wanted(st, p.model))
		return 0;
	if ((st->rc = tms_rollout_count(st->t, r, p.model, &n)) != TMS_OK)
		return 1;
	if ((o = tms_rollout_json(r, st->t->cfg.utc_offset)) == NULL)
		return st->rc = TMS_ENOMEM, 1;
	json_object_set_new(o, "model", json_string(p.model));
	json_object_set_new(o, "version", json_string(p.version));
	json_object_set_new(o, "started", json_boolean(r->starts_at <= st->now));
	json_object_set_new(o, "targeted", json_integer(n));
	json_array_append_new(st->rollouts, o);
	return 0;
}

int tms_status(tms *t, const char *model, int64_t now, json_t **out)
{
	struct store_terminal_filter f = {0};
	struct status st = {t,
	                    model != NULL && model[0] != '\0' ? model : NULL,
	                    now,
	                    tms_date(now, t->cfg.utc_offset),
	                    json_array(),
	                    json_array(),
	                    json_array(),
	                    TMS_OK};
	int rc = TMS_ENOMEM;

	if (st.models == NULL || st.terminals == NULL || st.rollouts == NULL)
		goto out;
	/* Each walk stops with 1 and st.rc set when its callback fails. */
	if ((rc = store_tms_count_each(t->s, count_one, &st)) == STORE_OK)
		rc = store_terminal_list(t->s, &f, terminal_one, &st);
	rc = st.rc != TMS_OK ? st.rc : tms_from_store(rc);
	if (rc == TMS_OK && (rc = tms_rollout_list(t, rollout_one, &st)) > 0)
		rc = st.rc;
	if (rc != TMS_OK)
		goto out;
	*out = json_pack("{s:O, s:O, s:O}", "models", st.models, "terminals", st.terminals,
	                 "rollouts", st.rollouts);
	rc = *out != NULL ? TMS_OK : TMS_ENOMEM;
out:
	json_decref(st.models);
	json_decref(st.terminals);
	json_decref(st.rollouts);
	return rc;
}
