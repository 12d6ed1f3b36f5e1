/* close.c — the host's close of each day at its cut-off (internal.h "The close of each day"):
 * a timer on the loop, each day due in turn (settle_close_next(): a day missed while no host
 * ran, then the latest), the day's lease in the store, settle_close() on libuv's pool; then the
 * day's payouts, once a business day. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "host/internal.h"
#include "host/settle.h"
#include "settle/settle_payout.h"
#include "store/store_lease.h"
#include "store/store_settle.h"

#define CLOSE_FIRST_MS 1000     /* the first look, after the start */
#define CLOSE_EVERY_MS 60000    /* then once a minute */
#define CLOSE_LEASE_S  (5 * 60) /* a close's lease: another host may take it after */

/* On the pool's thread: the close on a connection of its own. */
static void close_work(uv_work_t *w)
{
	struct host_closer *c = w->data;
	struct settle_close_params p;
	store *s;

	host_settle_params(c->cfg, time(NULL), &p);
	p.owner = c->owner;
	p.lease_s = CLOSE_LEASE_S;
	if (store_open(c->db, &s) != STORE_OK) {
		c->rc = SETTLE_ESTORE;
		return;
	}
	if ((c->rc = host_settle_issuer(s, c->cfg, &p)) == SETTLE_OK)
		c->rc = settle_close(s, &p, c->date, &c->r);
	store_close(s);
}

static void payouts(struct host_closer *c, int64_t now);

/* Back on the loop: the end's line, then the next day due at once, or the day's payouts once
 * the latest due is closed. */
static void on_tick(uv_timer_t *t);

static void close_done(uv_work_t *w, int status)
{
	struct host_closer *c = w->data;
	struct settle_close_params p;
	char date[SETTLE_DATE_TEXT];
	int32_t due = 0;
	/* host_closer_stop() ran while the close worked (the host stopping): the loop still runs
	 * this, but the timer is closed and c->loop gone — the close is said, nothing started. */
	bool stopped = c->loop == NULL;

	c->busy = false;
	settle_date_format(c->date, date);
	if (status != 0 || c->rc != SETTLE_OK) {
		log_event(c->log, LOG_ERROR, "settle_close",
		          json_pack("{s:s, s:s, s:s}", "phase", "end", "date", date, "error",
		                    status != 0 ? uv_strerror(status) : settle_strerror(c->rc)));
		return;
	}
	c->done = c->date;
	host_settle_params(c->cfg, time(NULL), &p);
	if (!stopped && settle_close_due(&p, &due) == SETTLE_OK && c->date < due)
		uv_timer_start(&c->timer, on_tick, 0, CLOSE_EVERY_MS); /* the next day due, now */
	log_event(c->log, LOG_INFO, "settle_close",
	          json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "phase", "end", "date",
	                    date, "result", c->r.already ? "closed_before" : "closed", "lines",
	                    (json_int_t)c->r.lines, "merchants", (json_int_t)c->r.merchants,
	                    "parts", (json_int_t)c->r.parts, "expired_holds",
	                    (json_int_t)c->r.expired, "ms",
	                    (json_int_t)(stopped ? 0 : uv_now(c->loop) - c->started)));
	if (!stopped && c->date >= due)
		payouts(c, time(NULL));
}

/* The day's lease for this host, in the database's clock: true when taken; a closed day is
 * remembered as done. */
static bool lease(struct host_closer *c, const char *date)
{
	struct store_settle_day d = {0};
	int64_t now;
	int rc;

	if ((rc = store_lease_now(c->store, &now)) == STORE_OK) {
		now /= 1000;
		d.until = now + CLOSE_LEASE_S;
		snprintf(d.date, sizeof d.date, "%s", date);
		snprintf(d.owner, sizeof d.owner, "%s", c->owner);
		if ((rc = store_settle_lease(c->store, &d, now)) == STORE_OK)
			return true;
	}
	if (rc == STORE_EEXIST && store_settle_day_get(c->store, date, &d) == STORE_OK &&
	    d.state == STORE_SETTLE_CLOSED)
		c->done = c->date;
	else if (rc != STORE_EEXIST)
		log_event(c->log, LOG_WARN, "settle_close",
		          json_pack("{s:s, s:s, s:s}", "phase", "lease", "date", date, "error",
		                    store_strerror(rc)));
	return false;
}

/* Today's payouts, once, on a business day (the latest due day closed), under the date's lease
 * (settle_payout.h): refused while another host runs them, tried again at the next tick. */
static void payouts(struct host_closer *c, int64_t now)
{
	struct settle_payout_params p = {
	    .now = now, .payee = host_settle_payee, .ctx = c->merchant, .owner = c->owner};
	struct settle_payout_result r;
	char date[SETTLE_DATE_TEXT], dir[4200];
	int32_t today;
	size_t rows = 0;
	bool business;
	int rc;

	if (c->merchant == NULL ||
	    settle_local_date(c->cfg->utc_offset, now, &today) != SETTLE_OK || today == c->paid ||
	    settle_business_day(&c->cfg->settle, today, &business) != SETTLE_OK)
		return;
	c->paid = today;
	if (!business)
		return;
	settle_date_format(today, date);
	snprintf(dir, sizeof dir, "%s/payouts", c->datadir);
	if ((rc = settle_payouts_run(c->store, &p, today, &r)) == SETTLE_OK && r.made > 0)
		rc = settle_payouts_summary(c->store, host_settle_holder, c->issuer, dir, today,
		                            &rows);
	if (rc != SETTLE_OK) {
		c->paid = 0; /* again at the next tick: after another host's run, nothing twice */
		log_event(c->log, rc == SETTLE_EBUSY ? LOG_INFO : LOG_ERROR, "settle_payouts",
		          json_pack("{s:s, s:s}", "date", date, "error", settle_strerror(rc)));
		return;
	}
	log_event(c->log, LOG_INFO, "settle_payouts",
	          json_pack("{s:s, s:I, s:I, s:s, s:I}", "date", date, "made", (json_int_t)r.made,
	                    "amount", (json_int_t)r.amount, "currency", "CNY", "owed_days",
	                    (json_int_t)r.owed_days));
}

static void on_tick(uv_timer_t *t)
{
	struct host_closer *c = t->data;
	struct settle_close_params p;
	char date[SETTLE_DATE_TEXT];
	int64_t now = time(NULL);
	int32_t due = 0;

	host_settle_params(c->cfg, now, &p);
	if (c->busy || settle_close_due(&p, &due) != SETTLE_OK)
		return;
	if (due == c->done) {
		payouts(c, now);
		return;
	}
	/* The oldest day due: a day missed while no host ran before the latest. */
	if (settle_close_next(c->store, &p, &c->date) != SETTLE_OK)
		return;
	settle_date_format(c->date, date);
	if (!lease(c, date)) {
		if (c->date == c->done && c->done == due) /* closed by another */
			payouts(c, now);
		return;
	}
	log_event(c->log, LOG_INFO, "settle_close",
	          json_pack("{s:s, s:s, s:s}", "phase", "start", "date", date, "owner", c->owner));
	c->busy = true;
	c->started = uv_now(c->loop);
	c->work.data = c;
	if (uv_queue_work(c->loop, &c->work, close_work, close_done) != 0)
		c->busy = false;
}

int host_closer_start(struct host_closer *c, uv_loop_t *loop, store *s, const char *db,
                      const struct host_config *cfg, possum_log *log, merchant *m, issuer *is,
                      const char *datadir)
{
	int rc;

	*c = (struct host_closer){.loop = loop,
	                          .store = s,
	                          .cfg = cfg,
	                          .db = db,
	                          .log = log,
	                          .merchant = m,
	                          .issuer = is,
	                          .datadir = datadir};
	host_settle_owner("host", c->owner);
	if ((rc = uv_timer_init(loop, &c->timer)) != 0)
		return rc;
	c->timer.data = c;
	return uv_timer_start(&c->timer, on_tick, CLOSE_FIRST_MS, CLOSE_EVERY_MS);
}

static void on_closed(uv_handle_t *h)
{
	(void)h;
}

void host_closer_stop(struct host_closer *c)
{
	if (c->loop == NULL)
		return;
	uv_timer_stop(&c->timer);
	uv_close((uv_handle_t *)&c->timer, on_closed);
	c->loop = NULL;
}
