/* lease.c — leases (store_lease.h): the table `leases` (schema/meta.2.sql), taken by one
 * conditional upsert, in milliseconds of the database's clock, or taken over from a holder
 * whose process is gone. The clock is SQL text the engines do not share (STORE_SQL): SQLite's
 * julianday('now'), the process's clock, and PostgreSQL's statement_timestamp(), the server's,
 * fixed for the statement as SQLite's 'now' is for its step; so is whether a holder is gone:
 * on PostgreSQL its process's advisory lock in pg_locks, on SQLite (one machine) kill(). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/sqlite/internal.h"

#include "store/store_lease.h"

#define NOW_SQLITE "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)"
#define NOW_PG     "CAST(EXTRACT(EPOCH FROM statement_timestamp()) * 1000 AS BIGINT)"
/* A lease query's SQL in both engines, its text before and after the clock. */
#define LEASE_SQL(before, after) STORE_SQL(before NOW_SQLITE after, before NOW_PG after)

typedef struct store_lease lease;
static const struct store_col lease_cols[] = {
    STORE_COLS(lease, name, holder, since_ms, until_ms, now_ms)};
static const struct store_row lease_row = STORE_ROW(lease, lease_cols);

/* A take's or a renewal's parameters: the lease, its holder, for how long; for a take-over,
 * the holder it is taken from. */
struct take {
	const char *name, *holder;
	int64_t ttl_ms;
	const char *from;
};
static const struct store_col take_cols[] = {STORE_COLS(struct take, name, holder, ttl_ms, from)};
static const struct store_row take_args = STORE_ROW_N(take_cols, 3);
static const struct store_row take_over_args = STORE_ROW_N(take_cols, 4);
static const struct store_row release_args = STORE_ROW_N(take_cols, 2);

static time_t started;
static void start(void)
{
	started = time(NULL);
}

void store_lease_holder(const char *kind, char out[STORE_LEASE_HOLDER_MAX])
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	char name[33] = "";

	pthread_once(&once, start);
	gethostname(name, sizeof name - 1);
	snprintf(out, STORE_LEASE_HOLDER_MAX, "%.16s:%s:%ld:%lld", kind, name, (long)getpid(),
	         (long long)started);
}

int store_lease_now(store *s, int64_t *ms)
{
	static const struct store_query q =
	    STORE_Q_LAST(NULL, &store_row_n, LEASE_SQL("SELECT ", " AS n"));
	struct store_arg_text_n out = {NULL, 0};
	int rc = store_q_get(s, &q, NULL, &out);

	*ms = rc == STORE_OK ? out.n : 0;
	return rc;
}

/* A holder's process: "KIND:HOSTNAME:PID:START" (or, as older possums wrote a close's owner,
 * "KIND:HOSTNAME:PID") into its identity (the text after KIND), its host name and pid; -1 when
 * holder is not of that form (no process known by it). */
static int process_of(const char *holder, const char **identity, char host[33], long *pid)
{
	const char *h = strchr(holder, ':'), *p = h != NULL ? strchr(h + 1, ':') : NULL;
	char *end;

	if (p == NULL || p - h - 1 > 32)
		return -1;
	*identity = h + 1;
	memcpy(host, h + 1, (size_t)(p - h - 1));
	host[p - h - 1] = '\0';
	*pid = strtol(p + 1, &end, 10);
	return (*end == ':' || *end == '\0') && *pid > 0 ? 0 : -1;
}

/* Whether the process of pid on host is this machine's and no longer runs. */
static bool dead_here(const char *host, long pid)
{
	char name[33] = ""; /* as store_lease_holder() writes it */

	gethostname(name, sizeof name - 1);
	return strcmp(host, name) == 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 &&
	       errno == ESRCH;
}

/* The connections of this database holding identity ?1's advisory lock: a bigint key is
 * pg_locks' classid (its high 32 bits) and objid (its low), objsubid 1. */
#define HELD_PG                                                                                       \
	"SELECT COUNT(*) AS n FROM pg_locks l, (SELECT " STORE_LEASE_KEY_PG(                          \
	    "?1") " AS k) AS t "                                                                      \
	          "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.database = "  \
	          "(SELECT oid FROM pg_database WHERE datname = current_database()) AND l.classid = " \
	          "(t.k >> 32) & 4294967295 AND l.objid = t.k & 4294967295"

/* PostgreSQL: whether a connection of this database holds identity's advisory lock (SQLite's
 * text is never run: store_lease_gone() asks kill() there). */
static int locked(store *s, const char *identity, bool *held)
{
	static const struct store_query q =
	    STORE_Q_LAST(&store_args_text, &store_row_n,
	                 STORE_SQL("SELECT 0 AS n FROM (SELECT ?1) AS t", HELD_PG));
	int64_t n = 0;
	int rc = store_q_n(s, &q, identity, &n);

	*held = n > 0;
	return rc;
}

#define GONE_POLL_MS 50
#define GONE_POLLS   20 /* a killed client's backend ends within a second */

int store_lease_gone(store *s, const char *holder, bool *gone)
{
	const char *identity;
	char host[33];
	long pid;
	bool dead, held;
	int rc;

	*gone = false;
	if (holder == NULL || *holder == '\0' || strlen(holder) >= STORE_LEASE_HOLDER_MAX)
		return STORE_EARG;
	if (process_of(holder, &identity, host, &pid) != 0)
		return STORE_OK; /* no process known by it: never gone */
	dead = dead_here(host, pid);
	if (!store_lease_needed(s)) {
		*gone = dead;
		return STORE_OK;
	}
	for (int i = 0;; i++) {
		if ((rc = locked(s, identity, &held)) != STORE_OK || !held || !dead ||
		    i == GONE_POLLS) {
			*gone = rc == STORE_OK && !held;
			return rc;
		}
		nanosleep(&(struct timespec){0, GONE_POLL_MS * 1000000L}, NULL);
	}
}

static int valid(const char *name, const char *holder)
{
	return name != NULL && holder != NULL && *name != '\0' && *holder != '\0' &&
	       strlen(name) < STORE_LEASE_NAME_MAX && strlen(holder) < STORE_LEASE_HOLDER_MAX;
}

#define LEASE_COLUMNS "name, holder, since_ms, until_ms"

STORE_FN_GET(store_lease_get, const char *, lease,
             LEASE_SQL("SELECT " LEASE_COLUMNS ", ", " AS now_ms FROM leases WHERE name = ?1"),
             store_args_text, lease_row)

#define TAKE_OVER(now)                                                                             \
	"UPDATE leases SET holder = ?2, since_ms = " now ", until_ms = " now                       \
	" + ?3 WHERE name = ?1 "                                                                   \
	"AND holder = ?4 RETURNING " LEASE_COLUMNS ", until_ms - ?3 AS now_ms"

/* Lease name taken over for holder from got->holder, gone: STORE_OK with *got the row taken,
 * STORE_EBUSY when another took it first (or it is not gone), or a failure. */
static int take_over(store *s, const char *name, const char *holder, int64_t ttl_ms,
                     struct store_lease *got)
{
	static const struct store_query q = {
	    .sql = STORE_SQL(TAKE_OVER(NOW_SQLITE), TAKE_OVER(NOW_PG)),
	    .args = &take_over_args,
	    .row = &lease_row,
	    .flags = STORE_Q_RETURNING};
	char from[STORE_LEASE_HOLDER_MAX];
	bool gone;
	int rc;

	if ((rc = store_lease_gone(s, got->holder, &gone)) != STORE_OK || !gone)
		return rc == STORE_OK ? STORE_EBUSY : rc;
	memcpy(from, got->holder, sizeof from);
	rc = store_q_get(s, &q, &(struct take){name, holder, ttl_ms, from}, got);
	if (rc == STORE_ENOTFOUND) /* another took it first */
		rc = store_lease_get(s, name, got) == STORE_OK ? STORE_EBUSY : STORE_EIO;
	return rc;
}

/* Made when missing; else taken when its holder takes it again (since kept) or its time ran
 * out (excluded.since_ms is now): the row comes back only when taken. Else taken over when its
 * holder is gone. */
int store_lease_take(store *s, const char *name, const char *holder, int64_t ttl_ms,
                     struct store_lease *out)
{
	static const struct store_query q = {
	    .sql =
	        LEASE_SQL("INSERT INTO leases (" LEASE_COLUMNS ") SELECT ?1, ?2, t.now, t.now + ?3 "
	                  "FROM (SELECT ",
	                  " AS now) AS t WHERE true ON CONFLICT (name) DO UPDATE SET holder = "
	                  "excluded.holder, until_ms = excluded.until_ms, since_ms = CASE WHEN "
	                  "leases.holder = excluded.holder THEN leases.since_ms ELSE "
	                  "excluded.since_ms END WHERE leases.holder = excluded.holder OR "
	                  "leases.until_ms <= excluded.since_ms RETURNING " LEASE_COLUMNS
	                  ", until_ms - ?3 AS now_ms"),
	    .args = &take_args,
	    .row = &lease_row,
	    .flags = STORE_Q_RETURNING};
	struct store_lease got;
	int rc;

	if (!valid(name, holder) || ttl_ms <= 0)
		return STORE_EARG;
	rc = store_q_get(s, &q, &(struct take){name, holder, ttl_ms, NULL}, &got);
	if (rc == STORE_ENOTFOUND) /* another's, still running */
		rc = store_lease_get(s, name, &got) != STORE_OK
		         ? STORE_EIO
		         : take_over(s, name, holder, ttl_ms, &got);
	if (out != NULL && (rc == STORE_OK || rc == STORE_EBUSY))
		*out = got;
	return rc;
}

bool store_lease_needed(const store *s)
{
	return s->engine != NULL;
}

int store_lease_hold(store *s, const char *name, const char *holder, int64_t ttl_ms)
{
	return store_lease_needed(s) ? store_lease_take(s, name, holder, ttl_ms, NULL) : STORE_OK;
}

int store_lease_renew(store *s, const char *name, const char *holder, int64_t ttl_ms)
{
	static const struct store_query q = STORE_Q_LAST(
	    &take_args, NULL,
	    LEASE_SQL("UPDATE leases SET until_ms = ", " + ?3 WHERE name = ?1 AND holder = ?2"));

	if (!valid(name, holder) || ttl_ms <= 0)
		return STORE_EARG;
	return store_q_update(s, &q, &(struct take){name, holder, ttl_ms, NULL});
}

int store_lease_release(store *s, const char *name, const char *holder)
{
	static const struct store_query q =
	    STORE_Q("DELETE FROM leases WHERE name = ?1 AND holder = ?2", &release_args, NULL);

	if (!valid(name, holder))
		return STORE_EARG;
	return store_q_update(s, &q, &(struct take){name, holder, 0, NULL});
}

STORE_FN_EACH(store_lease_list, lease,
              LEASE_SQL("SELECT " LEASE_COLUMNS ", ", " AS now_ms FROM leases ORDER BY name"),
              lease_row)
