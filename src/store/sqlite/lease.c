/* lease.c — leases (store_lease.h): the table `leases` (schema/meta.2.sql), taken by one
 * conditional upsert, in milliseconds of the database's clock. The clock is the one SQL text
 * the engines do not share (STORE_SQL): SQLite's julianday('now'), the process's clock, and
 * PostgreSQL's statement_timestamp(), the server's, fixed for the statement as SQLite's 'now'
 * is for its step. */
#include <pthread.h>
#include <stdio.h>
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

/* A take's or a renewal's parameters: the lease, its holder, for how long. */
struct take {
	const char *name, *holder;
	int64_t ttl_ms;
};
static const struct store_col take_cols[] = {STORE_COLS(struct take, name, holder, ttl_ms)};
static const struct store_row take_args = STORE_ROW_N(take_cols, 3);
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

static int valid(const char *name, const char *holder)
{
	return name != NULL && holder != NULL && *name != '\0' && *holder != '\0' &&
	       strlen(name) < STORE_LEASE_NAME_MAX && strlen(holder) < STORE_LEASE_HOLDER_MAX;
}

#define LEASE_COLUMNS "name, holder, since_ms, until_ms"

STORE_FN_GET(store_lease_get, const char *, lease,
             LEASE_SQL("SELECT " LEASE_COLUMNS ", ", " AS now_ms FROM leases WHERE name = ?1"),
             store_args_text, lease_row)

/* Made when missing; else taken when its holder takes it again (since kept) or its time ran
 * out (excluded.since_ms is now): the row comes back only when taken. */
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
	rc = store_q_get(s, &q, &(struct take){name, holder, ttl_ms}, &got);
	if (rc == STORE_ENOTFOUND) /* another's, still running */
		rc = store_lease_get(s, name, &got) == STORE_OK ? STORE_EBUSY : STORE_EIO;
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
	return store_q_update(s, &q, &(struct take){name, holder, ttl_ms});
}

int store_lease_release(store *s, const char *name, const char *holder)
{
	static const struct store_query q =
	    STORE_Q("DELETE FROM leases WHERE name = ?1 AND holder = ?2", &release_args, NULL);

	if (!valid(name, holder))
		return STORE_EARG;
	return store_q_update(s, &q, &(struct take){name, holder, 0});
}

STORE_FN_EACH(store_lease_list, lease,
              LEASE_SQL("SELECT " LEASE_COLUMNS ", ", " AS now_ms FROM leases ORDER BY name"),
              lease_row)
