/* summary.c — the payouts' summary files for people (settle_payout.h): DIR/DATE.csv and
 * DIR/DATE.json of the payouts of a date, cards masked, amounts in yuan, each written whole to
 * a temporary file (mode 0600) and renamed over the last. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "common/file.h"
#include "common/money.h"
#include "crypto/crypto.h"
#include "settle/settle_payout.h"
#include "store/store_acquirer.h"
#include "store/store_settle.h"

#define CNY 156

/* The files being built: the CSV's text and the JSON's items. */
struct summary {
	store *s;
	settle_holder_fn holder; /* the holders' names, from the issuer */
	void *ctx;
	int32_t date;
	char *csv;
	size_t len, cap;
	json_t *items;
	size_t rows;
	int rc;
};

void settle_payout_reference(int32_t date, int64_t id, char out[SETTLE_REFERENCE_MAX])
{
	snprintf(out, SETTLE_REFERENCE_MAX, "P%08d-%08lld", (int)date, (long long)id);
}

/* Appends text to the CSV; quoted (its quotes doubled) when quote. */
static int add(struct summary *sm, const char *text, bool quote, char end)
{
	size_t need = 2 * strlen(text) + 4;
	char *grown;

	if (sm->len + need > sm->cap) { /* a copy, the old wiped: the bank's file has PANs */
		size_t cap = (sm->len + need) * 2 + 1024;

		if ((grown = malloc(cap)) == NULL)
			return SETTLE_EIO;
		if (sm->csv != NULL) {
			memcpy(grown, sm->csv, sm->len);
			crypto_wipe(sm->csv, sm->cap);
			free(sm->csv);
		}
		sm->csv = grown;
		sm->cap = cap;
	}
	if (quote)
		sm->csv[sm->len++] = '"';
	for (; *text != '\0'; text++) {
		if (quote && *text == '"')
			sm->csv[sm->len++] = '"';
		sm->csv[sm->len++] = *text;
	}
	if (quote)
		sm->csv[sm->len++] = '"';
	sm->csv[sm->len++] = end;
	sm->csv[sm->len] = '\0';
	return SETTLE_OK;
}

/* The names of payout p: the merchant's, and the card holder's (else the merchant's). */
static int names(const struct summary *sm, const struct store_settle_payout *p, char merchant[129],
                 char holder[65])
{
	struct store_merchant m;
	int rc;

	merchant[0] = holder[0] = '\0';
	if ((rc = store_merchant_get(sm->s, p->mid, &m)) == STORE_OK)
		snprintf(merchant, 129, "%s", m.name);
	else if (rc != STORE_ENOTFOUND)
		return SETTLE_ESTORE;
	if (sm->holder != NULL && (rc = sm->holder(sm->ctx, p->card_id, holder)) != SETTLE_OK)
		return rc;
	if (holder[0] == '\0')
		snprintf(holder, 65, "%s", merchant);
	return SETTLE_OK;
}

static int each_payout(void *ctx, const struct store_settle_payout *p)
{
	struct summary *sm = ctx;
	char merchant[129], holder[65], amount[MONEY_TEXT_MAX], id[24], ref[SETTLE_REFERENCE_MAX];
	int rc = names(sm, p, merchant, holder);

	money_format(p->amount, CNY, amount);
	snprintf(id, sizeof id, "%lld", (long long)p->id);
	settle_payout_reference(sm->date, p->id, ref);
	if (rc == SETTLE_OK && (add(sm, id, false, ',') || add(sm, p->mid, false, ',') ||
	                        add(sm, merchant, true, ',') || add(sm, p->card, false, ',') ||
	                        add(sm, holder, true, ',') || add(sm, amount, false, ',') ||
	                        add(sm, p->currency, false, ',') ||
	                        add(sm, p->settle_dates, true, ',') || add(sm, ref, false, '\n')))
		rc = SETTLE_EIO;
	if (rc != SETTLE_OK) {
		sm->rc = rc;
		return 1;
	}
	json_array_append_new(sm->items,
	                      json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	                                "payout_id", (json_int_t)p->id, "mid", p->mid,
	                                "merchant_name", merchant, "card", p->card, "account_name",
	                                holder, "amount", amount, "currency", p->currency,
	                                "settle_dates", p->settle_dates, "reference", ref));
	sm->rows++;
	return 0;
}

/* file_write_atomic() as a settle result. */
static int write_file(const char *path, const void *data, size_t len)
{
	return file_write_atomic(path, data, len) == 0 ? SETTLE_OK : SETTLE_EIO;
}

/* The two files of sm, built, into dir. */
static int write_both(struct summary *sm, const char *dir, const char *date)
{
	char path[4200], *json;
	json_t *doc;
	int rc;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return SETTLE_EIO;
	snprintf(path, sizeof path, "%s/%s.csv", dir, date);
	if ((rc = write_file(path, sm->csv, sm->len)) != SETTLE_OK)
		return rc;
	doc = json_pack("{s:s, s:O}", "date", date, "items", sm->items);
	json = doc != NULL ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	if (json == NULL)
		return SETTLE_EIO;
	snprintf(path, sizeof path, "%s/%s.json", dir, date);
	rc = write_file(path, json, strlen(json));
	free(json);
	return rc;
}

int settle_payouts_summary(store *s, settle_holder_fn holder, void *ctx, const char *dir,
                           int32_t date, size_t *rows)
{
	struct summary sm = {
	    .s = s, .holder = holder, .ctx = ctx, .date = date, .items = json_array()};
	char text[SETTLE_DATE_TEXT];
	int rc;

	*rows = 0;
	if ((rc = settle_date_format(date, text)) != SETTLE_OK)
		goto out;
	if ((rc = add(&sm,
	              "payout_id,mid,merchant_name,card,account_name,amount,currency,"
	              "settle_dates,reference",
	              false, '\n')) != SETTLE_OK)
		goto out;
	if (store_settle_payouts(s, text, each_payout, &sm) != STORE_OK) {
		rc = sm.rc != SETTLE_OK ? sm.rc : SETTLE_ESTORE;
		goto out;
	}
	if ((rc = write_both(&sm, dir, text)) == SETTLE_OK)
		*rows = sm.rows;
out:
	free(sm.csv);
	json_decref(sm.items);
	return rc;
}

/* The bank's file being built: its plaintext CSV. */
struct exporting {
	struct summary sm;
	const struct settle_export_params *p;
};

static int each_export(void *ctx, const struct store_settle_payout *po)
{
	struct exporting *x = ctx;
	struct summary *sm = &x->sm;
	char merchant[129], holder[65], amount[MONEY_TEXT_MAX], id[24], ref[SETTLE_REFERENCE_MAX];
	char pan[CARD_PAN_MAX + 1] = "";
	int rc;

	if (strcmp(po->status, "made") != 0)
		return 0;
	if ((rc = names(sm, po, merchant, holder)) != SETTLE_OK ||
	    (rc = x->p->pan(x->p->ctx, po->card_id, pan)) != SETTLE_OK) {
		sm->rc = rc;
		return 1;
	}
	money_format(po->amount, CNY, amount);
	snprintf(id, sizeof id, "%lld", (long long)po->id);
	settle_payout_reference(sm->date, po->id, ref);
	if (add(sm, id, false, ',') || add(sm, po->mid, false, ',') || add(sm, holder, true, ',') ||
	    add(sm, pan, false, ',') || add(sm, amount, false, ',') ||
	    add(sm, po->currency, false, ',') || add(sm, po->settle_dates, true, ',') ||
	    add(sm, ref, false, '\n'))
		sm->rc = SETTLE_EIO;
	crypto_wipe(pan, sizeof pan);
	sm->rows++;
	return sm->rc != SETTLE_OK;
}

/* The plaintext of x, encrypted, to path. */
static int seal_to(struct exporting *x, const char *path)
{
	size_t cap = x->sm.len + HSM_DATA_OVERHEAD, n;
	uint8_t *out = malloc(cap);
	int rc = SETTLE_EIO;

	if (out == NULL)
		return SETTLE_EIO;
	if (hsm_data_encrypt(x->p->h, x->p->key, NULL, 0, (const uint8_t *)x->sm.csv, x->sm.len,
	                     out, cap, &n) != HSM_OK)
		rc = SETTLE_EHSM;
	else
		rc = write_file(path, (const char *)out, n);
	free(out);
	return rc;
}

int settle_payouts_export(store *s, const struct settle_export_params *p, int32_t date,
                          const char *path, size_t *rows)
{
	struct exporting x = {.sm = {.s = s, .holder = p->holder, .ctx = p->ctx, .date = date},
	                      .p = p};
	char text[SETTLE_DATE_TEXT];
	int rc;

	*rows = 0;
	if ((rc = settle_date_format(date, text)) != SETTLE_OK)
		goto out;
	if ((rc =
	         add(&x.sm, "payout_id,mid,account_name,pan,amount,currency,settle_dates,reference",
	             false, '\n')) != SETTLE_OK)
		goto out;
	if (store_settle_payouts(s, text, each_export, &x) != STORE_OK) {
		rc = x.sm.rc != SETTLE_OK ? x.sm.rc : SETTLE_ESTORE;
		goto out;
	}
	if ((rc = seal_to(&x, path)) == SETTLE_OK)
		*rows = x.sm.rows;
out:
	if (x.sm.csv != NULL)
		crypto_wipe(x.sm.csv, x.sm.cap);
	free(x.sm.csv);
	return rc;
}
