/* store_lease.h — leases: which of several hosts on one database does a named piece of work
 * (a day's close, a payout run — docs/scaling.md "Several hosts on one database: leases"; the
 * store-and-forward queue and the texts' outbox are shared by claims instead: store_claim.h).
 *
 * A lease is a row: its name, its holder (a text unique per process: store_lease_holder()),
 * and until when it holds, in milliseconds of the DATABASE's clock — SQLite's process clock
 * (one machine), PostgreSQL's server clock (statement_timestamp()) — so that hosts whose clocks
 * differ agree on when a lease ran out. A take is one conditional upsert: a row made when
 * missing, or taken over when its time ran out, or renewed when its holder takes it again;
 * two takers at once are ordered by the row's lock, one wins. A lease whose holder's process is
 * gone (store_lease_gone()) is taken over at once, by a second conditional update on the old
 * holder (two takers: one wins); else when its time runs out.
 *
 * A holder's process is known by its identity, the holder text after its KIND
 * ("HOSTNAME:PID:START"). On PostgreSQL every connection the process opens (and makes again)
 * holds a SHARED session advisory lock of its identity's key: the first 8 bytes of the
 * SHA-256 of the identity, big-endian, as a signed bigint (STORE_LEASE_KEY_PG, store/query.h);
 * the process is gone when no connection of the database holds that key (pg_locks). The lock
 * dies with the session: a connection pooler in transaction mode (PgBouncer's) breaks it.
 * On SQLite (one machine) it is gone when it is of this host name and kill(pid, 0) says
 * ESRCH.
 *
 * Functions return STORE_OK or a negative STORE_E* code (store.h). */
#ifndef POSSUM_STORE_LEASE_H
#define POSSUM_STORE_LEASE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_LEASE_NAME_MAX   64 /* with its NUL */
#define STORE_LEASE_HOLDER_MAX 64

struct store_lease {
	char name[STORE_LEASE_NAME_MAX];
	char holder[STORE_LEASE_HOLDER_MAX];
	int64_t since_ms; /* when this holder took it (kept by its renewals) */
	int64_t until_ms; /* when it runs out */
	int64_t now_ms;   /* the database's clock when it was read */
};

/* This process's holder id for work of kind ("host", "admin", …): "KIND:HOSTNAME:PID:START",
 * START the Unix time of the first call in this process (the same text for every call of one
 * kind, different after a restart with the same pid). */
void store_lease_holder(const char *kind, char out[STORE_LEASE_HOLDER_MAX]);

/* The database's clock, in milliseconds since 1970: *ms. */
int store_lease_now(store *s, int64_t *ms);

/* Whether holder's process is gone (its leases may be taken over at once): *gone. A holder not
 * of the form "KIND:HOSTNAME:PID:START" (or "KIND:HOSTNAME:PID") is never gone. On PostgreSQL a
 * holder of this host whose pid no longer runs while its lock is still seen (its server backend
 * ends a few ms after the kill) is asked again, for up to a second. Reads only; STORE_EARG for an
 * empty or too long holder. */
int store_lease_gone(store *s, const char *holder, bool *gone);

/* Takes lease name for holder for ttl_ms from the database's now: STORE_OK (taken, taken over
 * from a holder whose time ran out or whose process is gone, or renewed: the same holder);
 * STORE_EBUSY when another holder's time has not run out and its process is not gone; STORE_EARG
 * for an empty or too long name or holder, or a ttl_ms not above 0. With out (may be NULL), the row
 * as it is after the take: on STORE_EBUSY, who holds it and until when. */
int store_lease_take(store *s, const char *name, const char *holder, int64_t ttl_ms,
                     struct store_lease *out);
/* Whether s may be shared by several hosts, so that leases matter: PostgreSQL. A SQLite
 * database is one machine's, and its single writer runs one transaction at a time. */
bool store_lease_needed(const store *s);
/* A periodic worker's lease, taken each round (no worker takes one today: the queues' senders
 * that did claim their items instead, store_claim.h) — renewed while held: STORE_OK when this
 * process holds it for ttl_ms, or when no lease is needed (store_lease_needed()); STORE_EBUSY when
 * another host holds it; a failure. */
int store_lease_hold(store *s, const char *name, const char *holder, int64_t ttl_ms);
/* Renews lease name for ttl_ms from now, by its holder only: STORE_OK, or STORE_ENOTFOUND
 * when holder does not hold it (another took it over, or it was released). */
int store_lease_renew(store *s, const char *name, const char *holder, int64_t ttl_ms);
/* Gives lease name up, by its holder only (another may take it at once): STORE_OK, or
 * STORE_ENOTFOUND when holder does not hold it. */
int store_lease_release(store *s, const char *name, const char *holder);
/* Lease name: STORE_OK with *out, or STORE_ENOTFOUND (never taken, or released). */
int store_lease_get(store *s, const char *name, struct store_lease *out);
/* Calls fn for each lease by name, until it returns non-zero (returned); a lease whose
 * until_ms is not after its now_ms has run out. */
int store_lease_list(store *s, int (*fn)(void *ctx, const struct store_lease *l), void *ctx);

#endif
