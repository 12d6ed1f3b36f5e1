/* confirm.c — the bank's answer about the payouts (settle_payout.h): a line read, and the
 * answers of a file applied in one store transaction, paid out of the ledger or failed back to
 * owed. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settle/settle_close.h"
#include "settle/settle_payout.h"
#include "store/store_settle.h"

/* The ledger's codes of the answer's postings (after the close's 1401-1404 and 1405). */
enum { POST_PAID = 1406, POST_FAILED };

int settle_answer_parse(const char *line, struct settle_answer *out, const char **why)
{
	char buf[160], *id, *status, *ref, *end, *save = NULL;
	long long n;

	memset(out, 0, sizeof *out);
	*why = "not payout_id,status,bank_reference";
	if (snprintf(buf, sizeof buf, "%s", line) >= (int)sizeof buf)
		return SETTLE_EARG;
	buf[strcspn(buf, "\r")] = '\0';
	if ((id = strtok_r(buf, ",", &save)) == NULL ||
	    (status = strtok_r(NULL, ",", &save)) == NULL ||
	    (ref = strtok_r(NULL, ",", &save)) == NULL || strtok_r(NULL, ",", &save) != NULL)
		return SETTLE_EARG;
	errno = 0;
	n = strtoll(id, &end, 10);
	if (!isdigit((unsigned char)id[0]) || *end != '\0' || errno != 0 || n <= 0) {
		*why = "a bad payout id";
		return SETTLE_EARG;
	}
	if (strcmp(status, "paid") != 0 && strcmp(status, "failed") != 0) {
		*why = "a status not paid or failed";
		return SETTLE_EARG;
	}
	if (ref[0] == '\0' || strlen(ref) >= sizeof out->bank_reference) {
		*why = "a bank reference empty or over 63 characters";
		return SETTLE_EARG;
	}
	for (const char *c = ref; *c != '\0'; c++)
		if (!isgraph((unsigned char)*c) && *c != ' ') {
			*why = "a bank reference not printable";
			return SETTLE_EARG;
		}
	out->payout_id = n;
	out->paid = strcmp(status, "paid") == 0;
	snprintf(out->bank_reference, sizeof out->bank_reference, "%s", ref);
	return SETTLE_OK;
}

/* Payout p, answered failed: its transfer reversed, its days and adjustments owed again. */
static int fail(store *s, struct store_settle_payout *p, int64_t now)
{
	struct store_settle_total t = {.payout_id = p->id};
	char key[64], payable[32];
	int rc;

	snprintf(payable, sizeof payable, "payable:%s", p->mid);
	snprintf(key, sizeof key, "possum payout %lld failed", (long long)p->id);
	if ((rc = settle_transfer(s, "payouts", payable, POST_FAILED, key, p->amount, now)) !=
	    SETTLE_OK)
		return rc;
	snprintf(t.reason, sizeof t.reason, "payout_failed");
	if (store_settle_total_unpay(s, &t) != STORE_OK ||
	    store_settle_adjust_unpay(s, p->id) != STORE_OK)
		return SETTLE_ESTORE;
	return SETTLE_OK;
}

/* One answer: SETTLE_EARG with *why when it names no payout or contradicts an earlier one. */
static int answer(store *s, const struct settle_answer *a, int64_t now,
                  struct settle_confirm_result *r, const char **why)
{
	struct store_settle_payout p;
	const char *status = a->paid ? "paid" : "failed";
	char key[64];
	int rc;

	if ((rc = store_settle_payout_get(s, a->payout_id, &p)) == STORE_ENOTFOUND) {
		*why = "no such payout";
		return SETTLE_EARG;
	}
	if (rc != STORE_OK)
		return SETTLE_ESTORE;
	if (strcmp(p.status, status) == 0 && strcmp(p.bank_reference, a->bank_reference) == 0) {
		r->unchanged++;
		return SETTLE_OK;
	}
	if (strcmp(p.status, "made") != 0) {
		*why = "the payout was answered otherwise before";
		return SETTLE_EARG;
	}
	/* The payout claimed first, while still made: another run's answer meanwhile (another
	 * host) leaves it to that run. */
	snprintf(p.status, sizeof p.status, "%s", status);
	if (!a->paid)
		snprintf(p.reason, sizeof p.reason, "bank_failed");
	snprintf(p.bank_reference, sizeof p.bank_reference, "%s", a->bank_reference);
	p.updated_at = now;
	if ((rc = store_settle_payout_answer(s, &p)) == STORE_ENOTFOUND) {
		*why = "another run answered the payout meanwhile";
		return SETTLE_EBUSY;
	}
	if (rc != STORE_OK)
		return SETTLE_ESTORE;
	snprintf(key, sizeof key, "possum payout %lld paid", (long long)p.id);
	if (a->paid)
		rc = settle_transfer(s, "payouts", "paid_out", POST_PAID, key, p.amount, now);
	else
		rc = fail(s, &p, now);
	if (rc != SETTLE_OK)
		return rc;
	if (a->paid)
		r->paid++;
	else
		r->failed++;
	return SETTLE_OK;
}

int settle_payouts_confirm(store *s, const struct settle_answer *a, size_t n, int64_t now,
                           struct settle_confirm_result *r)
{
	size_t i;
	int rc = SETTLE_OK;

	memset(r, 0, sizeof *r);
	if (store_begin(s) != STORE_OK)
		return SETTLE_ESTORE;
	for (i = 0; i < n && rc == SETTLE_OK; i++)
		rc = answer(s, &a[i], now, r, &r->why);
	if (rc != SETTLE_OK) {
		store_rollback(s);
		r->paid = r->failed = r->unchanged = 0;
		r->bad = i - 1;
		return rc;
	}
	return store_commit(s) == STORE_OK ? SETTLE_OK : SETTLE_ESTORE;
}
