/* summary.c — the payouts' summary files for people (settle_payout.h): DIR/DATE.csv and
 * DIR/DATE.json of the payouts of a date, cards masked, amounts in yuan, each written whole to
 * a temporary file (mode 0600) and renamed over the last. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "common/money.h"
#include "settle/settle_payout.h"
#include "store/store_acquirer.h"
#include "store/store_issuer.h"
#include "store/store_settle.h"

#define CNY 156

/* The files being built: the CSV's text and the JSON's items. */
struct summary {
	store *s;
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

	if (sm->len + need > sm->cap) {
		sm->cap = (sm->len + need) * 2 + 1024;
		if ((grown = realloc(sm->csv, sm->cap)) == NULL)
			return SETTLE_EIO;
		sm->csv = grown;
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
static int names(store *s, const struct store_settle_payout *p, char merchant[129], char holder[65])
{
	struct store_merchant m;
	struct store_card c;
	int rc;

	merchant[0] = holder[0] = '\0';
	if ((rc = store_merchant_get(s, p->mid, &m)) == STORE_OK)
		snprintf(merchant, 129, "%s", m.name);
	else if (rc != STORE_ENOTFOUND)
		return SETTLE_ESTORE;
	if ((rc = store_card_get(s, p->card_id, &c)) == STORE_OK)
		snprintf(holder, 65, "%s", c.holder);
	else if (rc != STORE_ENOTFOUND)
		return SETTLE_ESTORE;
	if (holder[0] == '\0')
		snprintf(holder, 65, "%s", merchant);
	memset(&c, 0, sizeof c);
	return SETTLE_OK;
}

static int each_payout(void *ctx, const struct store_settle_payout *p)
{
	struct summary *sm = ctx;
	char merchant[129], holder[65], amount[MONEY_TEXT_MAX], id[24], ref[SETTLE_REFERENCE_MAX];
	int rc = names(sm->s, p, merchant, holder);

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

/* Writes len bytes of data to path, whole or not at all: a temporary file (0600), renamed. */
static int write_file(const char *path, const char *data, size_t len)
{
	char tmp[4200];
	size_t done = 0;
	int fd, rc = SETTLE_EIO;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >= sizeof tmp)
		return SETTLE_EIO;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return SETTLE_EIO;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		done += (size_t)n;
	}
	if (fsync(fd) == 0 && rename(tmp, path) == 0)
		rc = SETTLE_OK;
out:
	close(fd);
	if (rc != SETTLE_OK)
		unlink(tmp);
	return rc;
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

int settle_payouts_summary(store *s, const char *dir, int32_t date, size_t *rows)
{
	struct summary sm = {.s = s, .date = date, .items = json_array()};
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
