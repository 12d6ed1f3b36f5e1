/* route.c — where a request goes once the acquirer has checked it: the routing table (card
 * prefix ranges to "local" or a link's name, acquirer.h), looked up by the card's PAN, and the
 * two kinds of route it names: the issuer in this process, and a network link (link.c: the same
 * struct request sent in the link's terms, its answer awaited). Asking a route stamps the request
 * with the host's identity (institution, network STAN, transmission time, RRN). */
#include "acquirer/internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "rcode/rcode.h"

void acquirer_counter_digits(int64_t v, int n, char *out)
{
	int64_t mod = 1;
	char text[24];

	assert(n > 0 && n <= 12 && v > 0);
	for (int i = 0; i < n; i++)
		mod *= 10;
	snprintf(text, sizeof text, "%0*lld", n, (long long)((v - 1) % (mod - 1) + 1));
	memcpy(out, text, (size_t)n + 1);
}

int acquirer_next_rrn(struct txn *t, int64_t *v)
{
	int rc;

	if ((rc = store_acq_next(t->a->s, "rrn", v)) != STORE_OK)
		return acquirer_from_store(rc);
	acquirer_counter_digits(*v, 12, t->rrn);
	return ACQUIRER_OK;
}

int acquirer_assign_rrn(struct txn *t)
{
	int64_t v;

	return t->rrn[0] != '\0' ? ACQUIRER_OK : acquirer_next_rrn(t, &v);
}

/* The issuer in this process: the PIN block translated from the terminal's PIN key to the
 * issuer's zone key (a payment code's formed with the code as the PAN; a wallet's payment of a
 * static code has its block under the zone key already), then its decision (issuer.h),
 * written in the request's savepoint. */
static int local_issuer(struct txn *t)
{
	struct request *r = &t->rq;
	uint8_t pin[REQUEST_PIN_BLOCK];
	int rc;

	if (r->has_pin && r->qr != REQUEST_QR_MERCHANT) {
		if ((rc = acquirer_translate_pin(t, &t->a->zpk, pin)) != ACQUIRER_OK)
			return rc;
		memcpy(r->pin_block, pin, sizeof pin);
		crypto_wipe(pin, sizeof pin);
		r->pin_key = &t->a->zpk;
	}
	rc = issuer_authorize(t->a->is, r, t->now, &t->resp);
	if (rc != ISSUER_OK)
		return rc == ISSUER_ESTORE ? ACQUIRER_ESTORE : ACQUIRER_EHSM;
	t->decision_id = t->resp.decision_id;
	return acquirer_decide(t, t->resp.rc, t->resp.reason);
}

static const struct route local_route = {"local_issuer", local_issuer};
/* A network link's issuer (link.c), logged by the link's name. */
static const struct route link_route = {NULL, acquirer_link_authorize};

struct acquirer_routes {
	struct acquirer_route *routes;
	struct card_bin_range *ranges; /* the routes' ranges, for card_bin_lookup() */
	size_t n;
};

static bool same_range(const struct card_bin_range *x, const struct card_bin_range *y)
{
	return strcmp(x->low, y->low) == 0 && strcmp(x->high, y->high) == 0;
}

/* The routes well formed: ACQUIRER_OK, else ACQUIRER_EARG with *bad the first at fault. */
static int routes_check(const struct acquirer_route *routes, size_t n, size_t *bad)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strnlen(routes[i].dest, sizeof routes[i].dest);
		bool twice = false;

		for (size_t j = 0; j < i && !twice; j++)
			twice = same_range(&routes[i].range, &routes[j].range);
		if (twice || len == 0 || len == sizeof routes[i].dest ||
		    card_bin_check(&routes[i].range, 1, NULL) != CARD_OK) {
			if (bad != NULL)
				*bad = i;
			return ACQUIRER_EARG;
		}
	}
	return ACQUIRER_OK;
}

int acquirer_routes_create(const struct acquirer_route *routes, size_t n, size_t *bad,
                           acquirer_routes **out)
{
	acquirer_routes *rt;
	int rc;

	if (out == NULL || (routes == NULL && n > 0) || n > ACQUIRER_ROUTES_MAX)
		return ACQUIRER_EARG;
	if ((rc = routes_check(routes, n, bad)) != ACQUIRER_OK)
		return rc;
	if ((rt = calloc(1, sizeof *rt)) == NULL)
		return ACQUIRER_ENOMEM;
	rt->n = n;
	if (n > 0 && ((rt->routes = calloc(n, sizeof *rt->routes)) == NULL ||
	              (rt->ranges = calloc(n, sizeof *rt->ranges)) == NULL)) {
		acquirer_routes_close(rt);
		return ACQUIRER_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		rt->routes[i] = routes[i];
		rt->ranges[i] = routes[i].range;
	}
	*out = rt;
	return ACQUIRER_OK;
}

void acquirer_routes_close(acquirer_routes *rt)
{
	if (rt == NULL)
		return;
	free(rt->routes);
	free(rt->ranges);
	free(rt);
}

size_t acquirer_routes_count(const acquirer_routes *rt)
{
	return rt == NULL ? 0 : rt->n;
}

const struct acquirer_route *acquirer_routes_at(const acquirer_routes *rt, size_t i)
{
	assert(rt != NULL && i < rt->n);
	return &rt->routes[i];
}

int acquirer_routes_find(const acquirer_routes *rt, const char *pan,
                         const struct acquirer_route **out)
{
	const struct card_bin_range *r;
	int rc;

	if (rt == NULL || out == NULL)
		return ACQUIRER_EARG;
	rc = card_bin_lookup(rt->ranges, rt->n, pan, &r);
	if (rc == CARD_ENOBIN)
		return ACQUIRER_ENOTFOUND;
	if (rc != CARD_OK)
		return ACQUIRER_EARG;
	*out = &rt->routes[r - rt->ranges];
	return ACQUIRER_OK;
}

void acquirer_set_routes(acquirer *a, const acquirer_routes *rt)
{
	a->routes = rt;
}

/* The route stage: by the card's PAN in the routing table; a request without a card of its
 * own (a reversal: its original's way; a QR payment: the local issuer's wallet) and every
 * request without a table go local. The destination's name is copied: the table may be swapped
 * once the batch is over. */
int acquirer_stage_route(struct txn *t)
{
	const struct acquirer_route *r;
	int rc;

	t->route = &local_route;
	snprintf(t->route_name, sizeof t->route_name, ACQUIRER_ROUTE_LOCAL);
	if (acquirer_routes_count(t->a->routes) == 0 || t->type == NULL ||
	    (t->type->flags & T_CARD) == 0 || strcmp(t->channel, "qr") == 0)
		return STAGE_NEXT;
	rc = acquirer_routes_find(t->a->routes, t->rq.card.pan, &r);
	if (rc == ACQUIRER_ENOTFOUND) {
		t->route = NULL;
		t->route_name[0] = '\0';
		return acquirer_decide(t, RCODE_NO_ISSUER, "no_route");
	}
	if (rc != ACQUIRER_OK)
		return acquirer_decide(t, RCODE_INVALID_CARD, "pan");
	snprintf(t->route_name, sizeof t->route_name, "%s", r->dest);
	t->stand_in = r->stand_in;
	if (strcmp(r->dest, ACQUIRER_ROUTE_LOCAL) != 0)
		t->route = &link_route;
	return STAGE_NEXT;
}

int acquirer_ask(struct txn *t, const char *stan)
{
	struct request *r = &t->rq;

	assert(t->route != NULL);
	snprintf(r->acquirer, sizeof r->acquirer, "%s", t->a->cfg.institution);
	snprintf(r->stan, sizeof r->stan, "%s", stan);
	acquirer_transmit_time(t->now, r->transmit);
	memcpy(r->terminal, t->tid, sizeof r->terminal);
	memcpy(r->merchant, t->mid, sizeof r->merchant);
	/* For the cardholder's text: the name as registered. */
	memcpy(r->merchant_name, t->merchant.name, sizeof r->merchant_name);
	memcpy(r->rrn, t->rrn, sizeof r->rrn);
	return t->route->authorize(t);
}
