/* saf.c — the host's store-and-forward sender (docs/links.md "Store and forward"): once a second,
 * for each link that is up, the entries of its queue that are due — reversals of requests that
 * timed out or were reversed by their terminal, and waiting ones whose answer never settled them
 * (the host died, or the answer's commit failed) — marked sent in a commit of their own, then
 * sent (0420, repeats 0421) on the link; the issuer's answer recorded as the queue's rules say
 * (src/acquirer/saf.c). Entries pending past the link's saf_max_age are expired. With several
 * hosts on one PostgreSQL, the host holding the lease "saf" does it (store_lease_hold()). The
 * queue's rules and messages are the acquirer's; this file only moves them, on the loop's thread,
 * between the terminals' batches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "host/internal.h"
#include "crypto/crypto.h"
#include "store/store_lease.h"

#define SAF_TICK_MS 1000
#define SAF_BATCH   32 /* entries of a link sent a tick, at most */
#define SAF_LEASE_MS                                                                               \
	(10 * SAF_TICK_MS) /* the sender's lease: another host sends 10 ticks after this one died  \
	                    */

/* An entry on its way, until its link says how it ended. */
struct saf_sent {
	struct host_saf *hs;
	int64_t id;
	char link[ACQUIRER_ROUTE_NAME_MAX + 1];
};

struct due {
	struct store_saf e[SAF_BATCH];
	size_t n;
};

static int collect(void *ctx, const struct store_saf *e)
{
	struct due *d = ctx;

	d->e[d->n++] = *e;
	return d->n == SAF_BATCH;
}

static void log_saf(struct host_saf *hs, int level, const char *event, const char *link, int64_t id,
                    json_t *more)
{
	json_t *f = json_pack("{s:s, s:I}", "link", link, "saf_id", (json_int_t)id);

	if (more != NULL) {
		json_object_update(f, more);
		json_decref(more);
	}
	log_event(hs->log, level, event, f);
}

/* Whether entry id is on its way; with set, marks it so (false: no room) or not. */
static bool in_flight(struct host_saf *hs, int64_t id)
{
	for (size_t i = 0; i < hs->n_flying; i++)
		if (hs->flying[i] == id)
			return true;
	return false;
}

static void flying(struct host_saf *hs, int64_t id, bool on)
{
	for (size_t i = 0; i < hs->n_flying; i++)
		if (hs->flying[i] == id) {
			if (!on)
				hs->flying[i] = hs->flying[--hs->n_flying];
			return;
		}
	if (on && hs->n_flying < HOST_SAF_FLYING)
		hs->flying[hs->n_flying++] = id;
}

static void on_answer(void *ctx, int result, const iso8583_msg *answer)
{
	struct saf_sent *s = ctx;
	struct host_saf *hs = s->hs;
	const char *state = "";
	char rc[3] = "";
	size_t len = 0;
	int err;

	flying(hs, s->id, false);
	if (result != OUTLINK_ANSWERED || iso8583_get(answer, 39, rc, sizeof rc, &len) != 0 ||
	    len != 2) {
		if (result != OUTLINK_CLOSED)
			log_saf(hs, LOG_WARN, "saf_unanswered", s->link, s->id,
			        json_pack("{s:s}", "why",
			                  result == OUTLINK_ANSWERED  ? "no_response_code"
			                  : result == OUTLINK_TIMEOUT ? "timeout"
			                                              : "not_sent"));
		free(s);
		return;
	}
	if ((err = store_begin(hs->store)) == STORE_OK) {
		err = acquirer_saf_answered(hs->store, s->id, rc, (int64_t)time(NULL), &state);
		if (err == ACQUIRER_OK)
			err = store_commit(hs->store) == STORE_OK ? ACQUIRER_OK : ACQUIRER_ESTORE;
		else
			store_rollback(hs->store);
	}
	log_saf(hs, err == ACQUIRER_OK && strcmp(state, "refused") != 0 ? LOG_INFO : LOG_WARN,
	        "saf_answered", s->link, s->id,
	        json_pack("{s:s, s:s, s:s?}", "rc", rc, "state", state, "error",
	                  err == ACQUIRER_OK          ? NULL
	                  : err == ACQUIRER_ENOTFOUND ? "settled already"
	                                              : acquirer_strerror(err)));
	free(s);
}

/* Entry e marked sent (its own commit, before the message leaves: a crash repeats it), then
 * sent on l. */
static void send_entry(struct host_saf *hs, const struct acquirer_link *al, outlink *l,
                       const struct store_saf *e, int64_t now)
{
	struct acquirer_saf_rules rules = {al->saf_interval, al->saf_max_age};
	struct acquirer_saf_msg m;
	struct saf_sent *s;
	char mti[5];
	int rc;

	/* One on its way is not sent again before it is answered or times out. */
	if (in_flight(hs, e->id) || hs->n_flying == HOST_SAF_FLYING)
		return;
	if ((rc = acquirer_saf_message(hs->acquirer, al, e, &m)) != ACQUIRER_OK) {
		crypto_wipe(&m, sizeof m);
		log_saf(hs, LOG_ERROR, "saf_unsendable", al->name, e->id,
		        json_pack("{s:s}", "error", acquirer_strerror(rc)));
		return;
	}
	memcpy(mti, m.m.mti, sizeof mti);
	if (store_begin(hs->store) != STORE_OK) {
		crypto_wipe(&m, sizeof m);
		return;
	}
	if (acquirer_saf_sent(hs->store, &rules, e->id, now) != ACQUIRER_OK ||
	    store_commit(hs->store) != STORE_OK) {
		store_rollback(hs->store);
		crypto_wipe(&m, sizeof m);
		return;
	}
	if ((s = malloc(sizeof *s)) == NULL) {
		crypto_wipe(&m, sizeof m);
		return;
	}
	*s = (struct saf_sent){hs, e->id, ""};
	snprintf(s->link, sizeof s->link, "%s", al->name);
	rc = outlink_send(l, &m.m, on_answer, s);
	crypto_wipe(&m, sizeof m); /* an advice's card */
	if (rc != OUTLINK_OK) {
		/* The link went down meanwhile, or another has its key: next time. */
		free(s);
		return;
	}
	flying(hs, e->id, true);
	log_saf(
	    hs, LOG_INFO, "saf_sent", al->name, e->id,
	    json_pack("{s:s, s:s, s:i}", "kind", e->kind, "mti", mti, "attempt", e->attempts + 1));
}

/* One link's due entries sent, its old ones expired. */
static void link_tick(struct host_saf *hs, const struct acquirer_link *al, int64_t now)
{
	struct acquirer_saf_rules rules = {al->saf_interval, al->saf_max_age};
	outlink *l = host_links_find(hs->links, al->name, NULL, NULL, NULL);
	struct due d = {.n = 0};
	int64_t expired = 0;

	if (store_begin(hs->store) == STORE_OK) {
		if (acquirer_saf_expire(hs->store, al->name, &rules, now, &expired) ==
		        ACQUIRER_OK &&
		    store_commit(hs->store) == STORE_OK) {
			if (expired > 0)
				log_saf(hs, LOG_ERROR, "saf_expired", al->name, 0,
				        json_pack("{s:I}", "entries", (json_int_t)expired));
		} else {
			store_rollback(hs->store);
		}
	}
	if (l == NULL || !outlink_up(l))
		return;
	if (acquirer_saf_due(hs->store, al->name, now, SAF_BATCH, collect, &d) < 0)
		return;
	for (size_t i = 0; i < d.n; i++)
		send_entry(hs, al, l, &d.e[i], now);
}

static void on_tick(uv_timer_t *timer)
{
	struct host_saf *hs = timer->data;
	int64_t now = (int64_t)time(NULL);
	char holder[STORE_LEASE_HOLDER_MAX];

	/* Several hosts on one database: the one holding the lease sends (renewed each tick). */
	store_lease_holder("host", holder);
	if (store_lease_hold(hs->store, "saf", holder, SAF_LEASE_MS) != STORE_OK)
		return;
	for (size_t i = 0; i < hs->n; i++)
		link_tick(hs, &hs->links_cfg[i], now);
}

int host_saf_start(struct host_saf *hs, uv_loop_t *loop)
{
	int rc;

	hs->timer.data = hs;
	if ((rc = uv_timer_init(loop, &hs->timer)) != 0)
		return rc;
	hs->started = true;
	return uv_timer_start(&hs->timer, on_tick, SAF_TICK_MS, SAF_TICK_MS);
}

static void on_closed(uv_handle_t *h)
{
	(void)h;
}

void host_saf_stop(struct host_saf *hs)
{
	if (!hs->started)
		return;
	uv_timer_stop(&hs->timer);
	uv_close((uv_handle_t *)&hs->timer, on_closed);
	hs->started = false;
}
