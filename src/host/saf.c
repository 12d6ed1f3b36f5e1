/* saf.c — the host's store-and-forward sender (docs/links.md "Store and forward"): once a second,
 * for each link that is up, the entries of its queue that are due — reversals of requests that
 * timed out or were reversed by their terminal, and waiting ones whose answer never settled them
 * (the host died, or the answer's commit failed) — marked sent in a commit of their own, then
 * sent (0420, repeats 0421) on the link; the issuer's answer recorded as the queue's rules say
 * (src/acquirer/saf.c). Entries pending past the link's saf_max_age are expired. Several hosts
 * on one database share the queue: each tick claims the due entries it sends (store_claim.h)
 * for twice the link's timeout, so that no two hosts send an entry at once, and a stopped
 * host's entries are sent by another once its claims have run out; an answer is recorded only
 * while the entry is still this host's claim, and an entry not sent or not answered is given
 * back. The queue's rules and messages are the acquirer's; this file only moves them, on the
 * loop's thread, between the terminals' batches. */
#include <assert.h>
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

/* An entry on its way, until its link says how it ended; under the claim until. */
struct saf_sent {
	struct host_saf *hs;
	int64_t id, until;
	char link[ACQUIRER_ROUTE_NAME_MAX + 1];
};

struct due {
	struct store_saf e[SAF_BATCH];
	size_t n;
};

/* An entry claimed: the claim's LIMIT is SAF_BATCH, so each has room. (Stopping the walk at
 * the SAF_BATCH-th, as this did, made a full batch an error: a link with 32 entries due or
 * more sent none.) */
static int collect(void *ctx, const struct store_saf *e)
{
	struct due *d = ctx;

	assert(d->n < SAF_BATCH);
	d->e[d->n++] = *e;
	return 0;
}

/* Claimed entries come in no order: a transaction's go in the order they were queued. */
static int by_id(const void *a, const void *b)
{
	const struct store_saf *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Claim c of entry id given up (nothing sent, or no answer): due again to any host. */
static void release(struct host_saf *hs, int64_t id, int64_t until)
{
	struct store_claim c = {hs->holder, until};

	if (store_begin(hs->store) != STORE_OK)
		return;
	if (acquirer_saf_release(hs->store, id, &c) == ACQUIRER_OK &&
	    store_commit(hs->store) == STORE_OK)
		return;
	store_rollback(hs->store); /* its claim runs out on its own */
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
		release(hs, s->id, s->until);
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
		err = acquirer_saf_answered(hs->store, s->id,
		                            &(struct store_claim){hs->holder, s->until}, rc,
		                            (int64_t)time(NULL), &state);
		if (err == ACQUIRER_OK)
			err = store_commit(hs->store) == STORE_OK ? ACQUIRER_OK : ACQUIRER_ESTORE;
		else
			store_rollback(hs->store);
	}
	log_saf(hs, err == ACQUIRER_OK && strcmp(state, "refused") != 0 ? LOG_INFO : LOG_WARN,
	        "saf_answered", s->link, s->id,
	        json_pack("{s:s, s:s, s:s?}", "rc", rc, "state", state, "error",
	                  err == ACQUIRER_OK ? NULL
	                  : err == ACQUIRER_ENOTFOUND
	                      ? "settled already, or claimed by another host"
	                      : acquirer_strerror(err)));
	free(s);
}

/* Entry e, claimed, marked sent (its own commit, before the message leaves: a crash repeats
 * it) while still this host's claim, then sent on l. Whether it left; the caller gives back the
 * claim of one that did not. */
static bool send_entry(struct host_saf *hs, const struct acquirer_link *al, outlink *l,
                       const struct store_saf *e, int64_t now)
{
	struct acquirer_saf_rules rules = {al->saf_interval, al->saf_max_age};
	struct store_claim c = {hs->holder, e->claimed_until};
	struct acquirer_saf_msg m;
	struct saf_sent *s = NULL;
	char mti[5];
	int rc;

	/* One on its way is not sent again before it is answered or times out. */
	if (in_flight(hs, e->id) || hs->n_flying == HOST_SAF_FLYING)
		return false;
	if ((rc = acquirer_saf_message(hs->acquirer, al, e, &m)) != ACQUIRER_OK) {
		log_saf(hs, LOG_ERROR, "saf_unsendable", al->name, e->id,
		        json_pack("{s:s}", "error", acquirer_strerror(rc)));
		goto out;
	}
	memcpy(mti, m.m.mti, sizeof mti);
	if (store_begin(hs->store) != STORE_OK)
		goto out;
	if (acquirer_saf_sent(hs->store, &rules, e->id, &c, now) != ACQUIRER_OK ||
	    store_commit(hs->store) != STORE_OK) {
		store_rollback(hs->store);
		goto out;
	}
	if ((s = malloc(sizeof *s)) == NULL)
		goto out;
	*s = (struct saf_sent){hs, e->id, c.until, ""};
	snprintf(s->link, sizeof s->link, "%s", al->name);
	if ((rc = outlink_send(l, &m.m, on_answer, s)) != OUTLINK_OK) {
		/* The link went down meanwhile, or another has its key: next time. */
		free(s);
		s = NULL;
		goto out;
	}
	flying(hs, e->id, true);
	log_saf(
	    hs, LOG_INFO, "saf_sent", al->name, e->id,
	    json_pack("{s:s, s:s, s:i}", "kind", e->kind, "mti", mti, "attempt", e->attempts + 1));
out:
	crypto_wipe(&m, sizeof m); /* an advice's card */
	return s != NULL;
}

/* One link's due entries claimed and sent, its old ones expired. A claim lasts twice the link's
 * timeout: the answer, or its timeout, comes before it runs out. */
static void link_tick(struct host_saf *hs, const struct acquirer_link *al, int64_t now)
{
	struct acquirer_saf_rules rules = {al->saf_interval, al->saf_max_age};
	outlink *l = host_links_find(hs->links, al->name, NULL, NULL, NULL);
	struct store_claim c = {hs->holder, now + 2 * (al->timeout > 0 ? al->timeout : 1)};
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
	if (acquirer_saf_claim(hs->store, al->name, &c, now, SAF_BATCH, collect, &d) < 0)
		return;
	qsort(d.e, d.n, sizeof d.e[0], by_id);
	for (size_t i = 0; i < d.n; i++)
		if (!send_entry(hs, al, l, &d.e[i], now))
			release(hs, d.e[i].id, c.until);
}

static void on_tick(uv_timer_t *timer)
{
	struct host_saf *hs = timer->data;
	int64_t now = (int64_t)time(NULL);

	for (size_t i = 0; i < hs->n; i++)
		link_tick(hs, &hs->links_cfg[i], now);
}

int host_saf_start(struct host_saf *hs, uv_loop_t *loop)
{
	int rc;

	hs->timer.data = hs;
	store_lease_holder("host", hs->holder);
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
