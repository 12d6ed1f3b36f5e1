/* settle.c (host) — the settle module's parameters and payee, composed (host/settle.h). */
#include "host/settle.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "issuer/issuer.h"
#include "store/store_lease.h"

void host_settle_params(const struct host_config *cfg, int64_t now, struct settle_close_params *p)
{
	*p = (struct settle_close_params){
	    .cal = &cfg->settle,
	    .utc_offset = cfg->utc_offset,
	    .refund_fee_keep = cfg->refund_fee_keep,
	    .bins = cfg->bins,
	    .nbins = cfg->nbins,
	    .plan = {cfg->merchant.fee_credit_bp, cfg->merchant.fee_debit_bp,
	             cfg->merchant.fee_qr_bp, cfg->merchant.fee_debit_cap},
	    .now = now,
	};
}

void host_settle_owner(const char *kind, char out[64])
{
	store_lease_holder(kind, out);
}

int host_settle_issuer(store *s, const struct host_config *cfg, struct settle_close_params *p)
{
	int rc = issuer_settlement_account(s, cfg->issuer.currency, &p->issuer_account);

	if (rc == ISSUER_ENOTFOUND)
		p->issuer_account = 0;
	return rc == ISSUER_OK || rc == ISSUER_ENOTFOUND ? SETTLE_OK : SETTLE_ESTORE;
}

int host_settle_payee(void *ctx, const char *mid, struct settle_payee *out)
{
	merchant *m = ctx;
	struct merchant_settlecard_view v;
	char why[MERCHANT_REASON_MAX];
	int64_t now = (int64_t)time(NULL);
	int rc;

	memset(out, 0, sizeof *out);
	rc = merchant_payout_ready(m, mid, now, &out->ready, why);
	if (rc == MERCHANT_ENOTFOUND) {
		snprintf(out->reason, sizeof out->reason, "merchant_unknown");
		return SETTLE_OK;
	}
	if (rc != MERCHANT_OK)
		return SETTLE_ESTORE;
	snprintf(out->reason, sizeof out->reason, "%s", why);
	if (!out->ready)
		return SETTLE_OK;
	if (merchant_settlecard_get(m, mid, now, &v) != MERCHANT_OK)
		return SETTLE_ESTORE;
	snprintf(out->card, sizeof out->card, "%s", v.current.masked);
	out->card_id = v.current.card_id;
	return SETTLE_OK;
}

int host_settle_holder(void *ctx, int64_t card_id, char name[65])
{
	issuer *is = ctx;
	struct issuer_card c;
	int rc;

	name[0] = '\0';
	if (is == NULL || card_id == 0)
		return SETTLE_OK;
	if ((rc = issuer_card_get(is, card_id, &c)) == ISSUER_OK)
		snprintf(name, 65, "%s", c.holder);
	crypto_wipe(&c, sizeof c);
	return rc == ISSUER_OK || rc == ISSUER_ENOTFOUND ? SETTLE_OK
	       : rc == ISSUER_EHSM                       ? SETTLE_EHSM
	                                                 : SETTLE_ESTORE;
}
