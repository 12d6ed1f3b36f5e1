/* store_claim.h — claims on a queue's items (the outbox pattern: docs/scaling.md "Shared
 * queues"), for the queues several hosts on one database send together: the texts' outbox
 * (store_notify.h) and the store-and-forward queue (store_saf.h).
 *
 * A host claims a batch of due items in one statement (on PostgreSQL FOR UPDATE SKIP LOCKED:
 * two hosts claiming at once get disjoint items, neither waits), sends them, and writes each
 * one's outcome only while the item is still its claim: its holder and the time the claim
 * runs out, both as claimed. An item whose claim ran out is due to any host again, so that a
 * killed host's items are sent by another; a late outcome of the host that lost it is refused
 * (STORE_ENOTFOUND). Times are Unix seconds of the hosts' clocks, as the queues' next_at. */
#ifndef POSSUM_STORE_CLAIM_H
#define POSSUM_STORE_CLAIM_H

#include <stdint.h>

#define STORE_CLAIM_HOLDER_MAX 64 /* a holder with its NUL: store_lease_holder()'s text */

/* A claim as taken: its holder ("" none) and when it runs out (0 none). The holder string is
 * the caller's, and outlives the claim's use. */
struct store_claim {
	const char *holder;
	int64_t until;
};

#endif
