/* notify.c — the notifications' texts and their outbox (notify.h). */
#include "notify/notify.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/money.h"
#include "common/text.h"
#include "crypto/crypto.h"

/* How each kind is told. English wraps the amount and the merchant: "paid " AMOUNT " at "
 * MERCHANT ""; a QR payment's text (docs/qr.md) says so: its own Chinese wording, and
 * " (QR payment)" after the English one. */
static const struct wording {
	const char *zh, *zh_qr;
	const char *en_before, *en_between, *en_after;
} wordings[] = {
    [NOTIFY_PURCHASE] = {"消费", "扫码支付", "paid ", " at ", ""},
    [NOTIFY_REFUND] = {"退货", "扫码支付退货", "was refunded ", " by ", ""},
    [NOTIFY_VOID] = {"消费撤销", "扫码支付撤销", "had a payment of ", " at ", " voided"},
    [NOTIFY_PREAUTH] = {"预授权", "预授权", "had ", " held by a pre-authorization at ", ""},
    [NOTIFY_PREAUTH_CANCEL] = {"预授权撤销", "预授权撤销", "had a hold of ", " at ", " released"},
    [NOTIFY_COMPLETION] = {"预授权完成", "预授权完成", "paid ", " at ",
                           " (pre-authorization completed)"},
    [NOTIFY_COMPLETION_VOID] = {"预授权完成撤销", "预授权完成撤销",
                                "had a completed pre-authorization of ", " at ", " voided"},
    [NOTIFY_REVERSAL] = {"冲正", "扫码支付冲正", "had a transaction of ", " at ", " reversed"},
};

static bool is_last4(const char *s)
{
	return s != NULL && strlen(s) == 4 && strspn(s, "0123456789") == 4;
}

static bool is_phone(const char *s)
{
	size_t n;

	if (s == NULL)
		return false;
	if (*s == '+')
		s++;
	n = strlen(s);
	return n > 0 && n <= NOTIFY_PHONE_MAX - 1 && strspn(s, "0123456789") == n;
}

int notify_message_format(const struct notify_message *m, char *out, size_t cap)
{
	char amount[MONEY_TEXT_MAX], code[8], when[32];
	const struct wording *w;
	const char *alpha;
	time_t t;
	struct tm tm;
	int n;

	if (m == NULL || out == NULL || m->kind < NOTIFY_PURCHASE || m->kind > NOTIFY_REVERSAL ||
	    !is_last4(m->last4) || !text_is_line(m->merchant, NOTIFY_MERCHANT_MAX) ||
	    m->amount < 0 || m->utc_offset < -24 * 60 || m->utc_offset > 24 * 60)
		return NOTIFY_EARG;
	w = &wordings[m->kind];
	money_format(m->amount, m->currency, amount);
	if ((alpha = money_alpha(m->currency)) == NULL) {
		snprintf(code, sizeof code, "%03u", (unsigned)m->currency % 1000);
		alpha = code;
	}
	t = (time_t)(m->at + (int64_t)m->utc_offset * 60);
	if (gmtime_r(&t, &tm) == NULL)
		return NOTIFY_EARG;
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	if (m->language != NULL && strcmp(m->language, "en") == 0)
		n = snprintf(out, cap, "Your card ending %s %s%s %s%s%s%s%s on %s.", m->last4,
		             w->en_before, alpha, amount, w->en_between, m->merchant, w->en_after,
		             m->qr ? " (QR payment)" : "", when);
	else
		n = snprintf(out, cap, "您尾号%s的卡于%s在%s%s %s %s元", m->last4, when,
		             m->merchant, m->qr ? w->zh_qr : w->zh, alpha, amount);
	if (n < 0 || (size_t)n >= cap) {
		if (cap > 0)
			out[0] = '\0';
		return NOTIFY_ESPACE;
	}
	return NOTIFY_OK;
}

/* The associated data of a message's phone: its row, so that it cannot be moved to another. */
static size_t phone_aad(int64_t id, char out[32])
{
	return (size_t)snprintf(out, 32, "notify:%" PRId64, id);
}

int notify_enqueue(store *s, hsm *h, const hsm_key *data_key, const struct notify_message *m,
                   int64_t *id)
{
	struct store_notify row = {0};
	struct store_sealed phone = {0};
	char aad[32];
	size_t aad_len;
	bool own;
	int rc;

	if (s == NULL || h == NULL || data_key == NULL || m == NULL || !is_phone(m->phone))
		return NOTIFY_EARG;
	if ((rc = notify_message_format(m, row.text, sizeof row.text)) != NOTIFY_OK)
		return rc;
	row.kind = m->kind;
	row.state = STORE_NOTIFY_PENDING;
	row.created_at = row.next_at = m->at;
	/* The caller's transaction when there is one (a failure is its to roll back); else one
	 * of its own. */
	if ((own = store_depth(s) == 0) && store_begin(s) != STORE_OK)
		return NOTIFY_ESTORE;
	if (store_notify_insert(s, &row) != STORE_OK) {
		rc = NOTIFY_ESTORE;
		goto out;
	}
	aad_len = phone_aad(row.id, aad);
	if (hsm_data_encrypt(h, data_key, (const uint8_t *)aad, aad_len, (const uint8_t *)m->phone,
	                     strlen(m->phone), phone.v, sizeof phone.v, &phone.len) != HSM_OK) {
		rc = NOTIFY_EHSM;
		goto out;
	}
	if (store_notify_seal(s, row.id, &phone) != STORE_OK)
		rc = NOTIFY_ESTORE;
out:
	if (rc != NOTIFY_OK) {
		if (own)
			store_rollback(s);
		return rc;
	}
	if (own && store_commit(s) != STORE_OK)
		return NOTIFY_ESTORE;
	if (id != NULL)
		*id = row.id;
	return NOTIFY_OK;
}

/* Writes n's new state; NOTIFY_ENOTFOUND when it is not there. */
static int update(store *s, const struct store_notify *n)
{
	int rc = store_notify_update(s, n);

	return rc == STORE_OK          ? NOTIFY_OK
	       : rc == STORE_ENOTFOUND ? NOTIFY_ENOTFOUND
	                               : NOTIFY_ESTORE;
}

int notify_due(store *s, hsm *h, const hsm_key *data_key, const struct store_claim *c, int64_t now,
               struct notify_delivery *out, size_t cap, size_t *n, size_t *dead)
{
	struct store_notify *rows;
	char aad[32];
	size_t got = 0, len, dropped = 0;
	int rc = NOTIFY_OK;

	if (s == NULL || h == NULL || data_key == NULL || c == NULL || c->holder == NULL ||
	    c->holder[0] == '\0' || strlen(c->holder) >= STORE_CLAIM_HOLDER_MAX ||
	    c->until <= now || (out == NULL && cap > 0) || n == NULL)
		return NOTIFY_EARG;
	*n = 0;
	if (cap == 0)
		return NOTIFY_OK;
	/* As many as the caller takes: a fixed 16 here held delivery to 16 texts a round. */
	if ((rows = calloc(cap, sizeof *rows)) == NULL)
		return NOTIFY_ENOMEM;
	if (store_notify_claim(s, c, now, rows, cap, &got) != STORE_OK) {
		rc = NOTIFY_ESTORE;
		goto out;
	}
	for (size_t i = 0; i < got; i++) {
		struct store_notify *r = &rows[i];
		struct notify_delivery *d = &out[*n];

		if (hsm_data_decrypt(h, data_key, (const uint8_t *)aad, phone_aad(r->id, aad),
		                     r->phone.v, r->phone.len, (uint8_t *)d->phone,
		                     sizeof d->phone - 1, &len) != HSM_OK) {
			r->state = STORE_NOTIFY_DEAD;
			r->done_at = now;
			snprintf(r->error, sizeof r->error, "phone_unreadable");
			if ((rc = update(s, r)) != NOTIFY_OK)
				break;
			dropped++;
			continue;
		}
		d->phone[len] = '\0';
		d->id = r->id;
		d->attempts = r->attempts;
		d->claim = *c;
		memcpy(d->text, r->text, sizeof d->text);
		(*n)++;
	}
	if (dead != NULL)
		*dead = dropped;
	if (rc != NOTIFY_OK) {
		for (size_t i = 0; i < *n; i++)
			crypto_wipe(out[i].phone, sizeof out[i].phone);
		*n = 0;
	}
out:
	crypto_wipe(rows, cap * sizeof *rows); /* sealed phones, texts */
	free(rows);
	return rc;
}

/* Message id as claimed by c (NULL: by none) into r. */
static int get_claimed(store *s, int64_t id, const struct store_claim *c, struct store_notify *r)
{
	int rc = store_notify_get(s, id, r);

	if (rc != STORE_OK)
		return rc == STORE_ENOTFOUND ? NOTIFY_ENOTFOUND : NOTIFY_ESTORE;
	snprintf(r->claimed_by, sizeof r->claimed_by, "%s", c != NULL ? c->holder : "");
	r->claimed_until = c != NULL ? c->until : 0;
	return NOTIFY_OK;
}

int notify_delivered(store *s, int64_t id, const struct store_claim *c, int64_t now)
{
	struct store_notify r;
	int rc;

	if (s == NULL)
		return NOTIFY_EARG;
	if ((rc = get_claimed(s, id, c, &r)) != NOTIFY_OK)
		return rc;
	r.state = STORE_NOTIFY_DELIVERED;
	r.done_at = now;
	r.error[0] = '\0';
	return update(s, &r);
}

int notify_failed(store *s, int64_t id, const struct store_claim *c, int64_t now, int max_attempts,
                  const char *why, bool *dead)
{
	struct store_notify r;
	int rc;

	if (s == NULL || max_attempts < 1)
		return NOTIFY_EARG;
	if ((rc = get_claimed(s, id, c, &r)) != NOTIFY_OK)
		return rc;
	if (r.state != STORE_NOTIFY_PENDING)
		return NOTIFY_EARG;
	r.attempts++;
	snprintf(r.error, sizeof r.error, "%s", why != NULL ? why : "");
	if (r.attempts >= max_attempts) {
		r.state = STORE_NOTIFY_DEAD;
		r.done_at = now;
	} else {
		r.next_at = now + notify_backoff(r.attempts);
	}
	if ((rc = update(s, &r)) == NOTIFY_OK && dead != NULL)
		*dead = r.state == STORE_NOTIFY_DEAD;
	return rc;
}

int64_t notify_backoff(int attempts)
{
	static const int64_t delays[] = {10, 30, 120, 600, 3600};

	assert(attempts >= 1);
	return delays[attempts <= 5 ? attempts - 1 : 4];
}

const char *notify_strerror(int rc)
{
	switch (rc) {
	case NOTIFY_OK:
		return "ok";
	case NOTIFY_EARG:
		return "invalid argument";
	case NOTIFY_ESTORE:
		return "the store failed";
	case NOTIFY_EHSM:
		return "the data key cannot encrypt";
	case NOTIFY_ESPACE:
		return "text too long";
	case NOTIFY_ENOTFOUND:
		return "no such message";
	case NOTIFY_ENOMEM:
		return "out of memory";
	case NOTIFY_EIO:
		return "the sink's file cannot be opened";
	case NOTIFY_ESINK:
		return "the sink did not deliver";
	default:
		return "unknown error";
	}
}
