/* guard.c — failures of credentials per client address (guard.h): a fixed table searched from
 * start to end (256 slots: a handful of comparisons next to a request's database work). A
 * slot is free again once its window and its lockout have passed; when none is free, the one
 * whose last news is oldest is taken, never one still refused while another is not. */
#include "http/guard.h"

#include <stdio.h>
#include <string.h>

void http_guard_init(struct http_guard *g, int failures, int window, int lockout)
{
	memset(g, 0, sizeof *g);
	g->failures = failures;
	g->window = window;
	g->lockout = lockout;
}

/* peer's slot, or -1. */
static int find(const struct http_guard *g, const char *peer)
{
	for (int i = 0; i < HTTP_GUARD_SLOTS; i++)
		if (g->slots[i].peer[0] != '\0' && strcmp(g->slots[i].peer, peer) == 0)
			return i;
	return -1;
}

int64_t http_guard_refused(const struct http_guard *g, const char *peer, int64_t now)
{
	int i = peer != NULL ? find(g, peer) : -1;

	return i >= 0 && g->slots[i].until > now ? g->slots[i].until - now : 0;
}

/* How stale a slot is: free and expired ones first, then the oldest window, refused last. */
static int64_t staleness(const struct http_guard *g, const struct http_guard_slot *s, int64_t now)
{
	if (s->peer[0] == '\0' || (s->until <= now && s->first + g->window <= now))
		return INT64_MAX;
	return s->until > now ? -s->until : now - s->first;
}

static struct http_guard_slot *take(struct http_guard *g, const char *peer, int64_t now)
{
	struct http_guard_slot *best = &g->slots[0];

	for (size_t i = 1; i < HTTP_GUARD_SLOTS; i++)
		if (staleness(g, &g->slots[i], now) > staleness(g, best, now))
			best = &g->slots[i];
	memset(best, 0, sizeof *best);
	snprintf(best->peer, sizeof best->peer, "%s", peer);
	best->first = now;
	return best;
}

bool http_guard_fail(struct http_guard *g, const char *peer, int64_t now)
{
	struct http_guard_slot *s;
	int i;

	if (peer == NULL || peer[0] == '\0')
		return false;
	s = (i = find(g, peer)) >= 0 ? &g->slots[i] : take(g, peer, now);
	if (s->until > now)
		return false; /* refused already: its requests are not even checked */
	if (s->first + g->window <= now) {
		s->first = now;
		s->count = 0;
		s->until = 0;
	}
	if (++s->count < g->failures)
		return false;
	s->until = now + g->lockout;
	s->count = 0;
	return true;
}
