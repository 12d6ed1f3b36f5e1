/* store_notify.h — the notifications' part of the storage interface: the outbox of text
 * messages to cardholders' phones, written in the same transaction as the outcome they tell
 * of and read back by the scheduler that delivers them.
 *
 * The phone arrives already encrypted (hsm_data_encrypt, with the row's id as its associated
 * data, which is why store_notify_insert() leaves it empty and store_notify_seal() sets it);
 * the text holds only masked data and is kept as is. Functions return STORE_OK or a STORE_E*
 * code. */
#ifndef POSSUM_STORE_NOTIFY_H
#define POSSUM_STORE_NOTIFY_H

#include <stdint.h>

#include "store/store.h"
#include "store/store_claim.h"
#include "store/store_issuer.h"

#define STORE_NOTIFY_TEXT_MAX  512 /* bytes of a message's text, UTF-8, with its NUL */
#define STORE_NOTIFY_ERROR_MAX 64

enum store_notify_state {
	STORE_NOTIFY_PENDING = 1, /* to be delivered at next_at */
	STORE_NOTIFY_DELIVERED,
	STORE_NOTIFY_DEAD, /* given up: too many failed attempts, or a phone that cannot be read */
};

struct store_notify {
	int64_t id;
	int kind; /* enum notify_kind */
	struct store_sealed phone;
	char text[STORE_NOTIFY_TEXT_MAX];
	int state;
	int attempts; /* deliveries tried and failed */
	int64_t created_at, next_at, done_at;
	char error[STORE_NOTIFY_ERROR_MAX]; /* why the last attempt failed; "" */
	/* The claim of the host sending it (store_claim.h): its holder ("" none) and when it runs
	 * out (0 none). */
	char claimed_by[STORE_CLAIM_HOLDER_MAX];
	int64_t claimed_until;
};

/* Inserts n (n->id ignored; n->phone as it is: empty until sealed) and sets n->id. */
int store_notify_insert(store *s, struct store_notify *n);
/* Sets the phone of the message id. */
int store_notify_seal(store *s, int64_t id, const struct store_sealed *phone);
int store_notify_get(store *s, int64_t id, struct store_notify *out);
/* Claims for c (c->holder until c->until) up to cap pending messages due at now (next_at at
 * or before now) that no claim holds (none, or one run out at or before now), the earliest
 * first, and reads them into out, claimed, the earliest first; their number to *n. In one
 * statement: on PostgreSQL FOR UPDATE SKIP LOCKED, so that claimers at once get disjoint messages.
 */
int store_notify_claim(store *s, const struct store_claim *c, int64_t now, struct store_notify *out,
                       size_t cap, size_t *n);
/* Writes n's state, attempts, next_at, done_at and error and clears its claim, only while the
 * row's claim is still n's claimed_by and claimed_until ("" and 0: none): STORE_ENOTFOUND
 * otherwise (no such message, or its claim was lost to another host). */
int store_notify_update(store *s, const struct store_notify *n);

/* The messages not delivered yet (pending, retried or not): *n (the outbox's depth). */
int store_notify_pending_count(store *s, int64_t *n);

#endif
