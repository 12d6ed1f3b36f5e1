/* route.c — where a request goes once the acquirer has checked it: a table of routes, each
 * taking the requests it serves, the first that does chosen and named in the outcome. For now
 * one row, the issuer in this process; a link to a remote issuer plugs in here as another row
 * that sends the same struct request in its dialect. Asking a route stamps the request with the
 * host's identity (institution, network STAN, transmission time, RRN). */
#include "acquirer/internal.h"

#include <assert.h>
#include <stdio.h>
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
	hsm_key pik;
	int rc;

	if (r->has_pin && r->qr != REQUEST_QR_MERCHANT) {
		if (hsm_key_set(&pik, t->term.pik) != HSM_OK)
			return ACQUIRER_EHSM;
		rc = hsm_translate_pin(t->a->h, &pik, &t->a->zpk, r->pin_block, r->card.pan, pin);
		crypto_wipe(&pik, sizeof pik);
		if (rc == HSM_EPINBLOCK || rc == HSM_EPAN)
			return acquirer_decide(t, RCODE_PIN_FORMAT, "pin_block");
		if (rc != HSM_OK)
			return ACQUIRER_EHSM;
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

/* The route table: the first row that takes the request (takes NULL: every one). */
static const struct route_row {
	struct route route;
	bool (*takes)(const struct txn *t);
} routes[] = {
    {{"local_issuer", local_issuer}, NULL},
};

int acquirer_stage_route(struct txn *t)
{
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (routes[i].takes == NULL || routes[i].takes(t)) {
			t->route = &routes[i].route;
			return STAGE_NEXT;
		}
	return acquirer_decide(t, RCODE_NO_ISSUER, "no_route");
}

/* MMDDhhmmss, UTC: the transmission time of a request to the issuer. */
static void transmit_time(int64_t now, char out[11])
{
	time_t tt = (time_t)now;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 11, "%m%d%H%M%S", &tm);
}

int acquirer_ask(struct txn *t, const char *stan)
{
	struct request *r = &t->rq;

	assert(t->route != NULL);
	snprintf(r->acquirer, sizeof r->acquirer, "%s", t->a->cfg.institution);
	snprintf(r->stan, sizeof r->stan, "%s", stan);
	transmit_time(t->now, r->transmit);
	memcpy(r->terminal, t->tid, sizeof r->terminal);
	memcpy(r->merchant, t->mid, sizeof r->merchant);
	/* For the cardholder's text: the name as registered. */
	memcpy(r->merchant_name, t->merchant.name, sizeof r->merchant_name);
	memcpy(r->rrn, t->rrn, sizeof r->rrn);
	return t->route->authorize(t);
}
