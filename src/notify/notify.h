/* notify.h — notifications to cardholders: the text of a message about a financial outcome,
 * and the outbox it waits in until the scheduler has delivered it (docs/architecture.md, "notify").
 *
 * A message is put in the outbox (notify_enqueue()) inside the transaction that records the
 * outcome, so that it exists exactly when the outcome does. The scheduler (notify/scheduler.h)
 * claims what is due (notify_due()), hands it to a sink and reports
 * back: notify_delivered(), or notify_failed(), which schedules the next attempt after a
 * growing delay (notify_backoff()) and gives up after max_attempts. Several hosts on one
 * database share the outbox by their claims (store_claim.h): a message is sent by the host
 * that claimed it, and its outcome written only while it is still that host's claim.
 * Delivery is at least once: a host that stops between a delivery and its report delivers
 * again, or once its claim has run out another does, with the same id, by which the receiver
 * may drop the copy.
 *
 * The phone is stored encrypted under a data key (D0, hsm_data_encrypt) with the row's id
 * as associated data, and is clear only in a struct notify_delivery, which the caller wipes
 * (crypto_wipe) when done. The text names the card by its last four digits only.
 *
 * No I/O here beyond the store; time is the caller's (Unix seconds, UTC). Functions return
 * NOTIFY_OK or a negative NOTIFY_E* code, notify_strerror() names it. */
#ifndef POSSUM_NOTIFY_H
#define POSSUM_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hsm/hsm.h"
#include "store/store.h"
#include "store/store_notify.h"

#define NOTIFY_OK        0
#define NOTIFY_EARG      (-1) /* an argument malformed or out of range */
#define NOTIFY_ESTORE    (-2) /* the store failed (store_errmsg() says how) */
#define NOTIFY_EHSM      (-3) /* the data key cannot encrypt */
#define NOTIFY_ESPACE    (-4) /* a text longer than NOTIFY_TEXT_MAX */
#define NOTIFY_ENOTFOUND (-5) /* no such message */
#define NOTIFY_ENOMEM    (-6)
#define NOTIFY_EIO       (-7) /* a sink's file cannot be opened (see errno) */
#define NOTIFY_ESINK     (-8) /* a sink did not deliver, or cannot start (why says how) */

#define NOTIFY_TEXT_MAX     STORE_NOTIFY_TEXT_MAX /* bytes of a text with its NUL */
#define NOTIFY_PHONE_MAX    20                    /* digits of a phone, with a leading '+' */
#define NOTIFY_MERCHANT_MAX 120                   /* bytes of a merchant's name (UTF-8) */

/* What happened, as the cardholder is told. */
enum notify_kind {
	NOTIFY_PURCHASE = 1,
	NOTIFY_REFUND,
	NOTIFY_VOID,            /* a purchase undone the same day */
	NOTIFY_PREAUTH,         /* an amount held */
	NOTIFY_PREAUTH_CANCEL,  /* the hold released */
	NOTIFY_COMPLETION,      /* the hold paid */
	NOTIFY_COMPLETION_VOID, /* a completion undone the same day */
	NOTIFY_REVERSAL,        /* a transaction undone because its answer was lost */
};

struct notify_message {
	enum notify_kind kind;
	const char *last4;    /* the card's last four digits */
	const char *merchant; /* the merchant's name as the cardholder knows it (UTF-8) */
	int64_t amount;       /* minor units, not negative */
	uint16_t currency;    /* ISO 4217 numeric */
	int64_t at;           /* when it happened: Unix seconds, UTC */
	int utc_offset;       /* minutes east of UTC of the time shown: 480 for Beijing */
	const char *language; /* "en" for English; anything else (NULL, "zh"): Chinese */
	const char *phone;    /* the card's reserved phone: digits, optionally a leading '+' */
	bool qr;              /* a QR payment's (docs/qr.md): the text names it as such */
};

/* The text of m (m->phone is not used) into out (capacity cap): in Chinese
 *   您尾号1234的卡于2026-11-22 10:30在某某商户消费 CNY 12.34元
 * or in English
 *   Your card ending 1234 paid CNY 12.34 at SOME SHOP on 2026-11-22 10:30.
 * with the wording of m->kind; for a QR payment (m->qr)
 *   您尾号1234的卡于2026-11-22 10:30在某某商户扫码支付 CNY 12.34元
 *   Your card ending 1234 paid CNY 12.34 at SOME SHOP (QR payment) on 2026-11-22 10:30.
 * NOTIFY_EARG for a kind, last four digits, merchant (empty,
 * longer than NOTIFY_MERCHANT_MAX or with a control character) or amount out of range;
 * NOTIFY_ESPACE when out is too small. */
int notify_message_format(const struct notify_message *m, char *out, size_t cap);

/* Puts m in the outbox, due at once (m->at): its text, and its phone encrypted under
 * data_key (D0, AES-256). Inside the caller's transaction when one is open (no savepoint:
 * after a failure the caller rolls back), else in one of its own. id (may be NULL) gets the
 * message's id. */
int notify_enqueue(store *s, hsm *h, const hsm_key *data_key, const struct notify_message *m,
                   int64_t *id);

/* A message to deliver. */
struct notify_delivery {
	int64_t id;
	char phone[NOTIFY_PHONE_MAX + 1]; /* clear: the caller wipes it when done */
	char text[NOTIFY_TEXT_MAX];
	int attempts; /* failed so far */
	/* As claimed (its holder the caller's): what notify_delivered() and notify_failed() are
	 * given back. */
	struct store_claim claim;
};

/* Claims for c (its holder until c->until: store_claim.h) up to cap messages due at now
 * (pending, next attempt at or before now, claimed by none or by a claim run out), the
 * earliest first, into out; their number to *n. A message whose phone does not decrypt under
 * data_key (a replaced key, a tampered row) is not returned: it becomes dead at once, error
 * "phone_unreadable", counted in *dead (may be NULL). */
int notify_due(store *s, hsm *h, const hsm_key *data_key, const struct store_claim *c, int64_t now,
               struct notify_delivery *out, size_t cap, size_t *n, size_t *dead);

/* The message id, claimed as c (NULL: one nobody claimed), was delivered at now.
 * NOTIFY_ENOTFOUND when there is no such message or c is no longer its claim (it ran out and
 * another host took the message): nothing written. */
int notify_delivered(store *s, int64_t id, const struct store_claim *c, int64_t now);

/* An attempt to deliver id, claimed as c (as notify_delivered()), failed at now, for why (a
 * few words that quote nothing secret, may be NULL): the next is due after notify_backoff(),
 * or, when this was the max_attempts-th (at least 1), the message is dead and *dead (may be
 * NULL) true. */
int notify_failed(store *s, int64_t id, const struct store_claim *c, int64_t now, int max_attempts,
                  const char *why, bool *dead);

/* Seconds to wait after the attempts-th failure (1, 2, …): 10 s, 30 s, 2 min, 10 min, then
 * every hour. */
int64_t notify_backoff(int attempts);

const char *notify_strerror(int rc);

#endif
